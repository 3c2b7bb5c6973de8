-- LinearSVC (tide.ml.linear_svc): the hinge loss minimized as Spark's, by
-- Breeze's OWL-QN step for step (tide.ml.optim.breeze), against Apache
-- Spark 3.5.3's fits of the same rows (PySpark, local): every objective
-- of Spark's path (90 iterations for the default, the memory resets of a
-- fit without an intercept included) and the coefficients to 1e-12.
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local V = ml.Vectors
local spark = tide.session()

-- (tests/ml/linear_rows.lua: 80 rows of 3 features, weights 1 to 2)
local function frame() return dofile("tests/ml/linear_rows.lua")(spark) end

local SPARK = {
  default = {
    coefficients = { 0.5421710857675182, -0.19201892609245647, -1.0165707851108345 },
    intercept = -0.25377063688495516,
    iterations = 90, history = { 1.0, 0.7231450342750867, 0.6288352080725105, 0.6158360923335553, 0.5945664921471252,
                 0.5826778997658635, 0.5778493321937738, 0.5752798934670411, 0.5702814502794331, 0.5669095197872934,
                 0.5666205536446014, 0.5652525120261926, 0.5649500797184566, 0.5649198815318663, 0.5648505488733462,
                 0.5647281420078011, 0.5647049583930068, 0.5646416862540955, 0.5646341061655973, 0.564614269097815,
                 0.5646095470808123, 0.5646049313570234, 0.5645896358966012, 0.5645852238244837, 0.564579153306673,
                 0.5645642090011302, 0.5645637955890248, 0.564563300977937, 0.5645631412450333, 0.564562896847081,
                 0.564562894244242, 0.5645628114221657, 0.5645628050029979, 0.5645627770218032, 0.5645627693773692,
                 0.5645627431772022, 0.5645627382950515, 0.5645627321686703, 0.5645627205836872, 0.564562625786322,
                 0.5645626238168233, 0.5645626210502868, 0.5645624547480973, 0.5645624343466673, 0.5645623212713915,
                 0.5645620597243993, 0.56456161329863, 0.5645616029195593, 0.5645613563099988, 0.5645612987409543,
                 0.5645610500798897, 0.5645609778451288, 0.5645607441047732, 0.5645606792536767, 0.5645605940981322,
                 0.5645603435470286, 0.5645592289461628, 0.5645591097018322, 0.5645586834208706, 0.5645584752868291,
                 0.5645580025472459, 0.564557746472172, 0.5645572100881407, 0.5645568927887974, 0.56455627039777,
                 0.5645558774744266, 0.5645551380642797, 0.5645546869475787, 0.5645539480940877, 0.5645539335916263,
                 0.5645537424497836, 0.5645528814122924, 0.5645526012247482, 0.5645525099570066, 0.5645524144815456,
                 0.5645523355045736, 0.5645522502997683, 0.5645521020617748, 0.5645519604212288, 0.5645519580580378,
                 0.5645519160555847, 0.5645519157432866, 0.564551915047434, 0.5645519124919863, 0.5645519119562833,
                 0.5645519117726253, 0.5645519117015992, 0.5645519116352954, 0.5645519115985386, 0.5645519114122711,
                 0.5645519114017717 },
    rows = { { 0.999999998460147, 1.0 }, { 0.5030098376783546, 1.0 }, { -1.0444368022702877, 0.0 } },
    accuracy = 0.75, areaUnderROC = 0.8057825267127592,
  },
  reg = {
    coefficients = { 0.529327213945326, -0.1764424045496247, -1.0000056348849435 },
    intercept = -0.26166239865814933,
    iterations = 44, history = { 1.0, 0.7337021994422409, 0.66718231303924, 0.652060078170765, 0.6367986233714437,
                 0.6300699852022946, 0.6275741591578998, 0.6263073555721929, 0.6252488953620738, 0.6242355963759376,
                 0.6237427069142323, 0.623119155551893, 0.6227572146398128, 0.6225233721165319, 0.622393905462047,
                 0.6220194381862729, 0.6217012990130648, 0.6215826232626427, 0.6215359023862639, 0.6215234930815065,
                 0.6215094204020776, 0.6215017050273584, 0.6214892112426778, 0.621488935781897, 0.6214888720393072,
                 0.6214885355947601, 0.6214880748309926, 0.621487900224902, 0.6214877525132514, 0.6214877215895211,
                 0.6214876861846977, 0.6214876286628997, 0.6214876119827918, 0.6214876110723284, 0.621487601585583,
                 0.621487576197685, 0.6214875548443423, 0.6214875546224295, 0.6214875532831431, 0.6214875529782875,
                 0.6214875529561117, 0.6214875529415512, 0.621487552939421, 0.62148755293689, 0.6214875529367521 },
    rows = { { 0.967668759706637, 1.0 }, { 0.4822041342065806, 1.0 }, { -1.0235699921963248, 0.0 } },
    accuracy = 0.75, areaUnderROC = 0.8057825267127592,
  },
  iter5 = {
    coefficients = { 0.6021880810829967, -0.12425586768117786, -1.4164329097780712 },
    intercept = -0.4612074021518602,
    iterations = 5, history = { 1.0, 0.7231450342750867, 0.6288352080725105, 0.6158360923335553, 0.5945664921471252,
                 0.5826778997658635 },
    rows = { { 1.1324837157757863, 1.0 }, { 0.23850166586424415, 1.0 }, { -1.6210886107223874, 0.0 } },
    accuracy = 0.7125, areaUnderROC = 0.8227529855436834,
  },
  nostd = {
    coefficients = { 0.5379141560462697, -0.18306663733693102, -1.0012236278860542 },
    intercept = -0.2677334495048989,
    iterations = 42, history = { 1.0, 0.7301072096317514, 0.6532044793431309, 0.6396688070674509, 0.6201583886454797,
                 0.6141383938459585, 0.6107698008566255, 0.6075970295425785, 0.6003532724464701, 0.5993664890657626,
                 0.5986891101552837, 0.5984466689891421, 0.5983644975655019, 0.5983583597285476, 0.5983107703804726,
                 0.5982749070695181, 0.5982259465380192, 0.5982198091841741, 0.5982154799730702, 0.5982089479371514,
                 0.5982073944559668, 0.5982018715166468, 0.5982016721987011, 0.5982012169111159, 0.5982007319782761,
                 0.5982006217188198, 0.5982005228816218, 0.5982005056592551, 0.5982005056275561, 0.5982005033685469,
                 0.5982005024775681, 0.5982005014469068, 0.5982005007217261, 0.5982004999112356, 0.5982004998867584,
                 0.598200499555137, 0.5982004994478836, 0.598200499221257, 0.5982004990434419, 0.598200499007139,
                 0.5982004989886482, 0.5982004989824945, 0.5982004989684012 },
    rows = { { 0.9710372460616088, 1.0 }, { 0.4964420179997033, 1.0 }, { -1.025517677692341, 0.0 } },
    accuracy = 0.75, areaUnderROC = 0.8057825267127592,
  },
  noint = {
    coefficients = { 0.4836957380231497, -0.1950181791649624, -1.1440224472990619 },
    intercept = 0.0,
    iterations = 47, history = { 1.0, 0.7247180871885397, 0.6667032615734856, 0.629680434816984, 0.6142375387381865,
                 0.604205211232056, 0.5831737879317589, 0.5792021976477296, 0.5787331177383204, 0.577275400580834,
                 0.5770093029203082, 0.5769822269822593, 0.5764701285507783, 0.5761962320816967, 0.5761880376735962,
                 0.5761427651642295, 0.5761130393484463, 0.5761130098766342, 0.5761109960211923, 0.5761062249629386,
                 0.5761044580925571, 0.5760982166066708, 0.5760972172540393, 0.5760931771860678, 0.5760922818922485,
                 0.5760896248555116, 0.5760894429600556, 0.5760893429137266, 0.5760893429137266, 0.5760892886434573,
                 0.5760892882826385, 0.5760892660773063, 0.5760892471829819, 0.5760892468660941, 0.5760892420374071,
                 0.5760892314037293, 0.5760892308134472, 0.5760892308134472, 0.5760892281382292, 0.5760892256332222,
                 0.5760892256332222, 0.5760892252526483, 0.5760892226303229, 0.576089221627597, 0.5760892214297955,
                 0.5760892212536581, 0.576089221253217, 0.5760892212410655 },
    rows = { { 1.2845114511324929, 1.0 }, { 0.46177501157102446, 1.0 }, { -1.1321568634563373, 0.0 } },
    accuracy = 0.75, areaUnderROC = 0.8114393463230672,
  },
  weighted = {
    coefficients = { 0.5423728808227881, 0.1864406776942113, -1.0169491525894905 },
    intercept = -1.3898305058717522,
    iterations = 49, history = { 1.0, 0.7181508412624863, 0.6302650211284675, 0.6125372450937244, 0.5893104319715374,
                 0.5721414929789702, 0.5700024598905259, 0.5694521141780228, 0.5689065787223748, 0.5680868815758996,
                 0.5669455444762952, 0.5666865296300531, 0.5660111826422144, 0.5656503187247903, 0.5656232157934469,
                 0.5655846431172221, 0.5654372366952256, 0.5654049198063832, 0.5654004461901663, 0.5653855899935626,
                 0.5653809390829118, 0.5653774826118463, 0.5653696943529014, 0.5653667363082697, 0.5653650948905975,
                 0.5653649614212424, 0.5653648816191293, 0.5653646340186458, 0.5653637720609885, 0.5653631183824159,
                 0.5653625309392487, 0.565362489861214, 0.5653621523770427, 0.5653620108168869, 0.5653619052804274,
                 0.5653618785767656, 0.5653618737754516, 0.5653618726121786, 0.5653618698159956, 0.565361868542971,
                 0.5653618680545881, 0.5653618671876232, 0.5653618665521897, 0.5653618660338878, 0.5653618658718806,
                 0.5653618657403404, 0.5653618656912812, 0.5653618654983955, 0.5653618653977185, 0.5653618653487125 },
    rows = { { -0.13559321823632087, 0.0 }, { -0.2542372875750718, 0.0 }, { -1.4237288127752412, 0.0 } },
    accuracy = 0.7322175732217573, areaUnderROC = 0.82936329588015,
  },
}

local PARAMS = { default = {}, reg = { regParam = 0.1 }, iter5 = { maxIter = 5 },
                 nostd = { standardization = false, regParam = 0.05 }, noint = { fitIntercept = false },
                 weighted = { weightCol = "w", regParam = 0.01 } }

local function close(actual, expected, tolerance, what)
  t.ok(math.abs(actual - expected) <= tolerance * math.max(1, math.abs(expected)),
    ("%s: %.17g, expected %.17g"):format(what, actual, expected))
end

t.test("Spark's fits: objective history, coefficients, scores and summary", function()
  local df = frame()
  for name, want in pairs(SPARK) do
    local model = ml.LinearSVC(PARAMS[name]):fit(df)
    local history = model.summary.objectiveHistory
    for i, v in ipairs(want.history) do close(history[i], v, 1e-12, ("%s objective %d"):format(name, i - 1)) end
    local coef = model.coefficients:toArray()
    t.eq(#history, #want.history, name .. " history")
    t.eq(model.summary.totalIterations, want.iterations, name .. " iterations")
    local tolerance = 1e-12
    for j = 1, 3 do close(coef[j], want.coefficients[j], tolerance, ("%s coefficient %d"):format(name, j - 1)) end
    close(model.intercept, want.intercept, tolerance, name .. " intercept")
    local rows = model:transform(df):orderBy("id"):limit(3):collect()
    for i, r in ipairs(want.rows) do
      close(rows[i].rawPrediction[1], r[1], tolerance * 10, ("%s row %d margin"):format(name, i - 1))
      t.eq(rows[i].rawPrediction[0], -rows[i].rawPrediction[1])
      t.eq(rows[i].prediction, r[2], ("%s row %d prediction"):format(name, i - 1))
    end
    t.eq(model.summary.accuracy, want.accuracy, name .. " accuracy")
    close(model.summary.areaUnderROC, want.areaUnderROC, 1e-12, name .. " areaUnderROC")
  end
end)

t.test("scores, threshold and one vector at a time; no probability; Spark's checks", function()
  local df = frame()
  local model = ml.LinearSVC { maxIter = 5 }:fit(df)
  local scored = model:transform(df)
  t.same_table(scored.columns, { "id", "label", "w", "features", "rawPrediction", "prediction" })
  local first = scored:orderBy("id"):limit(1):collect()[1]
  t.eq(model:predictRaw(first.features), first.rawPrediction)
  t.eq(model:predict(first.features), first.prediction)
  t.has(t.raises(function() model:predict(V.dense({ 1, 2 })) end),
    "LinearSVCModel:predict: the vector has size 2; the model has 3 features")
  -- the threshold is on the margin: above every margin, no 1s
  t.eq(model:transform(df, { threshold = 100 }):filter("prediction = 1.0"):count(), 0)
  t.eq(model:transform(df, { threshold = -100 }):filter("prediction = 1.0"):count(), 80)
  local three = spark:createDataFrame({ { 0.0, V.dense({ 1 }) }, { 2.0, V.dense({ 2 }) } }, "label double, features vector")
  t.has(t.raises(function() ml.LinearSVC {}:fit(three) end),
    "LinearSVC only supports binary classification. 3 classes detected in label")
  local nan = spark:createDataFrame({ { 0.0, V.dense({ 0 / 0 }) }, { 1.0, V.dense({ 2 }) } }, "label double, features vector")
  t.has(t.raises(function() ml.LinearSVC {}:fit(nan) end), "features column features, row 0: feature 0 is NaN")
end)

t.test("saved and loaded, in Spark's layout; in a Pipeline with an evaluator", function()
  local df = frame()
  local model = ml.LinearSVC { regParam = 0.01 }:fit(df)
  local dir = t.tempdir() .. "/svc"
  model:write():save(dir)
  local loaded = ml.load(dir)
  t.eq(loaded.intercept, model.intercept)
  t.eq(tostring(loaded.coefficients), tostring(model.coefficients))
  t.eq(loaded.hasSummary, false)
  t.ok(t.read(dir .. "/metadata/part-00000"):find('"class":"org.apache.spark.ml.classification.LinearSVCModel"', 1,
    true), "Spark's class")
  t.same_table(t.rows(loaded:transform(df):select("rawPrediction", "prediction")),
    t.rows(model:transform(df):select("rawPrediction", "prediction")))
  -- the BinaryClassificationEvaluator reads rawPrediction's margin
  local auc = ml.BinaryClassificationEvaluator {}:evaluate(model:transform(df))
  close(auc, model.summary.areaUnderROC, 1e-12, "areaUnderROC")
  -- evaluate: the training summary's metrics over other rows
  local evaluated = loaded:evaluate(df)
  t.eq(evaluated.accuracy, model.summary.accuracy)
  t.eq(evaluated.areaUnderROC, model.summary.areaUnderROC)
  t.eq(evaluated.objectiveHistory, nil)
end)

t.test("model selection: a CrossValidator over LinearSVC's regParam, by the margin's AUC", function()
  local df = frame()
  local svc = ml.LinearSVC { maxIter = 20 }
  local grid = ml.ParamGridBuilder():addGrid(svc.regParam, { 0.0, 0.5, 10.0 }):build()
  local cv = ml.CrossValidator { estimator = svc, estimatorParamMaps = grid, numFolds = 2, seed = 5,
                                 evaluator = ml.BinaryClassificationEvaluator {} }
  local model = cv:fit(df)
  t.eq(#model.avgMetrics, 3)
  for _, m in ipairs(model.avgMetrics) do t.ok(m > 0.5 and m <= 1, "AUC " .. m) end
  -- the best map's regParam, refitted on every row
  local best = 1
  for i, m in ipairs(model.avgMetrics) do if m > model.avgMetrics[best] then best = i end end
  t.eq(model.bestModel:getRegParam(), ({ 0.0, 0.5, 10.0 })[best])
  t.eq(getmetatable(model.bestModel), ml.LinearSVCModel)
  t.eq(model:transform(df):count(), 80)
end)

t.run()
