-- NaiveBayes (tide.ml.naive_bayes): every model type, plain and weighted,
-- against Apache Spark 3.5.3's pi, theta, sigma and scores of the same
-- rows (PySpark, local). The fitted arrays are Spark's to the bit; so are
-- the scores of sparse rows, and those of dense rows to 1e-14 (Spark's
-- BLAS may sum a dense row in vector lanes).
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local V = ml.Vectors
local spark = tide.session()

-- 60 rows of 5 features (counts, a continuous one, one mostly 0), labels
-- 0, 1, 2, weights 1 to 2.5; every fourth row sparse. binary: each
-- feature above 1 as 1, else 0.
local function rows(binary)
  local out = {}
  for i = 0, 59 do
    local label = i % 3
    local f = { (i % 3 + math.floor(i / 10) % 2) % 3, (i % 3 * 2 + i % 4) % 5, (i * 7) % 4,
                ((i * 37) % 11) / 10 + label, (i % 9 == 0 and 1 or 0) * (label + 1) }
    if binary then for j = 1, 5 do f[j] = f[j] > 1 and 1 or 0 end end
    out[#out + 1] = { i, label, 1.0 + (i % 4) / 2, t.vector_of(f, i % 4 == 0) }
  end
  return spark:createDataFrame(out, "id long, label double, w double, features vector")
end

local SPARK = {
  ["multinomial plain"] = {
    pi = { -1.0986122886681096, -1.0986122886681096, -1.0986122886681096 },
    theta = { -2.1140625314675416, -1.077970599780766, -1.077970599780766, -2.1994223804186985,
              -2.4325162625860766, -1.5112202842886546, -1.1165660922847058, -1.5112202842886546,
              -1.4952199429422133, -4.945207488773801, -1.894974828539493, -1.355978327806806,
              -1.5055100617777697, -1.0135713556657784, -4.939497266262916 },
    rows = {
      { raw = { -3.531128551254186, -6.043819777441911, -6.038109554931026 },
        probability = { 0.8601678606655901, 0.06971645205216653, 0.0701156872822434 }, prediction = 0.0 },
      { raw = { -12.759689751406425, -12.586499622795943, -12.997052183893418 },
        probability = { 0.335818665960672, 0.3993193442302191, 0.26486198980910886 }, prediction = 1.0 },
      { raw = { -14.719031816117846, -12.44667535834563, -12.09356019297362 },
        probability = { 0.040794142697345256, 0.3957944328621556, 0.5634114244404992 }, prediction = 2.0 },
      { raw = { -5.630436925833044, -6.109052844105102, -6.7734144694328755 },
        probability = { 0.5158604933606998, 0.3196480187318146, 0.16449148790748555 }, prediction = 0.0 },
    },
  },
  ["multinomial weighted"] = {
    pi = { -1.09861228866811, -1.09861228866811, -1.09861228866811 },
    theta = { -2.185163833993859, -0.9475526705190926, -1.1132197924079108, -2.2993349793338402,
              -2.644696163372299, -1.4759065198095778, -1.1744311252254613, -1.4485075456214638,
              -1.4898927617843176, -6.158037746933798, -1.9347608054304648, -1.429923223509097,
              -1.429923223509097, -0.9815482119901393, -6.139453424821431 },
    rows = {
      { raw = { -3.743308452040409, -7.256650035601908, -7.238065713489541 },
        probability = { 0.9432598147857442, 0.028106480724524072, 0.028633704489731848 }, prediction = 0.0 },
      { raw = { -12.685162482510357, -12.529184687516508, -12.987079931939352 },
        probability = { 0.3438553825679112, 0.40189825696651665, 0.25424636046557214 }, prediction = 1.0 },
      { raw = { -15.081070154125495, -12.293571277751745, -12.00623856362872 },
        probability = { 0.025715808522623205, 0.4176337268259879, 0.5566504646513888 }, prediction = 2.0 },
      { raw = { -5.284423590566683, -6.219402486144389, -6.916460003903512 },
        probability = { 0.629673302457371, 0.2472060555332541, 0.12312064200937503 }, prediction = 0.0 },
    },
  },
  ["complement plain"] = {
    pi = { -1.0986122886681096, -1.0986122886681096, -1.0986122886681096 },
    theta = { 1.6856724733348627, 1.2230489513867493, 1.506624241885877, 1.2205828588915564, 5.617498106059188,
              1.9856624472304159, 1.229994909689137, 1.3087757875422508, 1.3286439907589758, 3.3402081100357264,
              1.709614281889598, 1.092453008307575, 1.3123124844205947, 1.719418281986219, 3.3437448069140703 },
    rows = {
      { raw = { -0.18688356715312882, -2.464173563176591, -2.460636866298247 },
        probability = { 0.829540316503391, 0.085079125847777, 0.08538055764883198 }, prediction = 0.0 },
      { raw = { -0.9792941314218684, -1.100726061035644, -1.2317058321679752 },
        probability = { 0.37557611268456814, 0.3326294866920136, 0.2917944006234183 }, prediction = 0.0 },
      { raw = { -1.6476036970470957, -1.133803530412079, -0.7222003532823091 },
        probability = { 0.1925106702255993, 0.32180692328346255, 0.48568240649093825 }, prediction = 2.0 },
      { raw = { -0.888644299947722, -1.054848766197444, -1.4248603443410612 },
        probability = { 0.41121285632516535, 0.34824508975307095, 0.24054205392176384 }, prediction = 0.0 },
    },
  },
  ["complement weighted"] = {
    pi = { -1.09861228866811, -1.09861228866811, -1.09861228866811 },
    theta = { 1.677526160313083, 1.29140401504805, 1.4384187580098589, 1.204294986576481, 6.836581459527612,
              2.0360872972449475, 1.1956812628956657, 1.282315494868567, 1.3492097296985976, 3.5024243660383747,
              1.7146053059967796, 1.0709381827002034, 1.2931763468996005, 1.7539915500909302, 3.513285218069408 },
    rows = {
      { raw = { -0.06922609052810635, -3.403383184017344, -3.3925223319863105 },
        probability = { 0.9331156876088055, 0.03326055282570669, 0.03362375956548784 }, prediction = 0.0 },
      { raw = { -0.944504825445712, -1.1385410940239105, -1.2349752212161 },
        probability = { 0.38887208279459673, 0.3202859482165391, 0.2908419689888641 }, prediction = 0.0 },
      { raw = { -1.8009424209460594, -1.0859881447753708, -0.6985844063065709 },
        probability = { 0.1651431804696142, 0.33756805492480557, 0.4972887646055803 }, prediction = 2.0 },
      { raw = { -0.7527743219089515, -1.1815543671951847, -1.5044445737113046 },
        probability = { 0.4710578720548337, 0.30680148561935056, 0.22214064232581576 }, prediction = 0.0 },
    },
  },
  ["gaussian plain"] = {
    pi = { -1.0986122886681096, -1.0986122886681096, -1.0986122886681096 },
    theta = { 0.5, 1.5, 1.4999999999999998, 0.455, 0.35, 1.5000000000000002, 2.25, 1.5, 1.5250000000000001, 0.0,
              1.0, 1.75, 1.5, 2.4850000000000003, 0.0 },
    sigma = { 0.2500000019722224, 1.2500000019722224, 1.2500000019722228, 0.08747500197222219,
              0.22750000197222225, 0.25000000197222194, 2.1875000019722224, 1.2500000019722224,
              0.10287500197222244, 1.972222222222222e-09, 1.0000000019722228, 2.1875000019722215,
              1.2500000019722224, 0.10727500197222106, 1.972222222222222e-09 },
    rows = {
      { raw = { -3.0820145235488927, -253521134.37010896, -253521148.10611293 },
        probability = { 1.0, 0.0, 0.0 }, prediction = 0.0 },
      { raw = { -6.34379410160952, 8.646243092585905, 2.792576344302343 },
        probability = { 3.080811076375587e-07, 0.9971385438334999, 0.0028611480853923503 }, prediction = 1.0 },
      { raw = { -35.071315628180315, 1.3926414363017172, 8.345617500572759 },
        probability = { 1.392677715717824e-19, 0.0009548737795461807, 0.9990451262204537 }, prediction = 2.0 },
      { raw = { -1.1596844560748116, -4.347195328495358, -17.93282527362243 },
        probability = { 0.9603615268782494, 0.03963842323878638, 4.988296414085212e-08 }, prediction = 0.0 },
    },
  },
  ["gaussian weighted"] = {
    pi = { -1.0986122886681096, -1.0986122886681096, -1.0986122886681096 },
    theta = { 0.5285714285714286, 1.857142857142857, 1.5714285714285712, 0.47000000000000003,
              0.32857142857142857, 1.5285714285714285, 2.0714285714285716, 1.5714285714285712,
              1.5071428571428571, 0.0, 0.9428571428571428, 1.5714285714285714, 1.5714285714285712,
              2.468571428571429, 0.0 },
    sigma = { 0.24918367532256236, 1.1224489814450123, 0.9591836753225627, 0.08667143042460318,
              0.22061224675113378, 0.24918367532256225, 2.780612246751134, 0.9591836753225627,
              0.10609183858786775, 1.8531746031746033e-09, 0.9967346957307259, 1.5306122467511338,
              0.9591836753225627, 0.10444081817970385, 1.8531746031746033e-09 },
    rows = {
      { raw = { -4.142555952120036, -269807287.68575484, -269807302.33366424 },
        probability = { 1.0, 0.0, 0.0 }, prediction = 0.0 },
      { raw = { -5.788068262764305, 8.446995047313825, 2.6951726448929088 },
        probability = { 6.552585704579652e-07, 0.9968324223195306, 0.003166922421899092 }, prediction = 1.0 },
      { raw = { -34.7932035753087, 1.6549536563242682, 8.604886758050283 },
        probability = { 1.4191643230753112e-19, 0.0009577810628544178, 0.9990422189371455 }, prediction = 2.0 },
      { raw = { -0.8093422033712567, -4.064828120908221, -18.246990464738584 },
        probability = { 0.9628697170196898, 0.037130257247150716, 2.5733159433698998e-08 }, prediction = 0.0 },
    },
  },
  ["bernoulli plain"] = {
    pi = { -1.0986122886681096, -1.0986122886681096, -1.0986122886681096 },
    theta = { -3.091042453358316, -0.6931471805599454, -0.6931471805599454, -3.091042453358316,
              -3.091042453358316, -0.6931471805599454, -0.3184537311185349, -0.6931471805599454,
              -0.1466034741918758, -3.091042453358316, -0.6931471805599454, -0.6931471805599454,
              -0.6931471805599454, -0.04652001563489305, -3.091042453358316 },
    rows = {
      { raw = { -2.6244666966926786, -5.823139814243357, -6.3156162993411495 },
        probability = { 0.9382978723404254, 0.03829787234042566, 0.02340425531914904 }, prediction = 0.0 },
      { raw = { -5.668989134416102, -2.9964838707333037, -3.2710938616177314 },
        probability = { 0.03776978417266188, 0.5467625899280575, 0.41546762589928066 }, prediction = 1.0 },
      { raw = { -8.713511572139526, -3.977313123745029, -3.2710938616177314 },
        probability = { 0.002890173410404622, 0.3294797687861273, 0.6676300578034681 }, prediction = 2.0 },
      { raw = { -2.6244666966926786, -4.842310561231631, -6.3156162993411495 },
        probability = { 0.8819999999999997, 0.0960000000000002, 0.022000000000000092 }, prediction = 0.0 },
    },
  },
  ["bernoulli weighted"] = {
    pi = { -1.09861228866811, -1.09861228866811, -1.09861228866811 },
    theta = { -4.276666119016055, -0.44802472252696024, -0.6931471805599454, -4.276666119016055,
              -4.276666119016055, -0.6390799592896697, -0.44802472252696024, -0.6931471805599454,
              -0.14953173397096364, -4.276666119016055, -0.7503055943998937, -0.6931471805599454,
              -0.6931471805599454, -0.013986241974739855, -4.276666119016055 },
    rows = {
      { raw = { -2.852287776146848, -5.548701912619272, -7.414638970068469 },
        probability = { 0.9277432507043052, 0.06257343884932826, 0.009683310446366594 }, prediction = 0.0 },
      { raw = { -6.544422794720551, -3.153607762100613, -3.151959093027151 },
        probability = { 0.016548271703772773, 0.4913205176275072, 0.4921312106687201 }, prediction = 2.0 },
      { raw = { -11.37764753022948, -3.6129269854580017, -3.2631847281373743 },
        probability = { 0.0001754551712037572, 0.41337238335605253, 0.5864521614727437 }, prediction = 2.0 },
      { raw = { -2.281742917679235, -4.978157054151659, -7.414638970068469 },
        probability = { 0.9316656890081721, 0.06283799529116815, 0.005496315700659697 }, prediction = 0.0 },
    },
  },
}

-- A Matrix's values row by row (PySpark's toArray().flatten()).
local function flat(m)
  local out = {}
  for _, row in ipairs(m:toArray()) do for _, x in ipairs(row) do out[#out + 1] = x end end
  return out
end

local function same(actual, expected, what, tolerance)
  t.eq(#actual, #expected, what)
  for i = 1, #expected do
    local a, e = actual[i], expected[i]
    t.ok(math.abs(a - e) <= (tolerance or 0) * math.max(1, math.abs(e)),
      ("%s[%d]: %.17g, expected %.17g"):format(what, i, a, e))
  end
end

t.test("every model type, plain and weighted: Spark's pi, theta, sigma and scores", function()
  for _, case in ipairs({ { "multinomial", false }, { "complement", false }, { "gaussian", false },
                          { "bernoulli", true } }) do
    local df = rows(case[2])
    for _, weighted in ipairs({ false, true }) do
      local name = case[1] .. (weighted and " weighted" or " plain")
      local want = SPARK[name]
      local nb = ml.NaiveBayes { modelType = case[1], smoothing = weighted and 0.5 or 1.0 }
      if weighted then nb:setWeightCol("w") end
      local m = nb:fit(df)
      t.eq(m.numClasses, 3, name)
      t.eq(m.numFeatures, 5, name)
      same(m.pi:toArray(), want.pi, name .. " pi")
      same(flat(m.theta), want.theta, name .. " theta")
      if want.sigma then
        same(flat(m.sigma), want.sigma, name .. " sigma")
      else
        t.eq(m.sigma.numRows, 0, name .. " sigma")
      end
      local got = m:transform(df):orderBy("id"):limit(4):collect()
      for i, r in ipairs(want.rows) do
        -- (row 0 is sparse: Spark's bits)
        local tolerance = i == 1 and 0 or 1e-14
        same(got[i].rawPrediction:toArray(), r.raw, ("%s row %d raw"):format(name, i - 1), tolerance)
        same(got[i].probability:toArray(), r.probability, ("%s row %d probability"):format(name, i - 1), tolerance)
        t.eq(got[i].prediction, r.prediction, ("%s row %d prediction"):format(name, i - 1))
      end
    end
  end
end)

t.test("one vector at a time: the column's bits, every model type", function()
  for _, case in ipairs({ { "multinomial", false }, { "complement", false }, { "gaussian", false },
                          { "bernoulli", true } }) do
    local df = rows(case[2])
    local m = ml.NaiveBayes { modelType = case[1], thresholds = { 1, 2, 1 } }:fit(df)
    for i, r in ipairs(m:transform(df):orderBy("id"):limit(8):collect()) do
      local what = ("%s row %d"):format(case[1], i - 1)
      t.eq(tostring(m:predictRaw(r.features)), tostring(r.rawPrediction), what)
      t.eq(tostring(m:predictProbability(r.features)), tostring(r.probability), what)
      t.eq(m:predict(r.features), r.prediction, what)
    end
  end
  local m = ml.NaiveBayes {}:fit(rows(false))
  t.has(t.raises(function() m:predict(V.dense({ 1, 2 })) end), "NaiveBayesModel:predict needs a vector of size 5")
  t.has(t.raises(function() m:predict(V.dense({ 1, 2, 3, 4, -1 })) end),
    "Vector values MUST NOT be Negative, NaN or Infinity, but got [1.0,2.0,3.0,4.0,-1.0]")
end)

t.test("Spark's classes are the labels there are; thresholds; Spark's checks of the values", function()
  -- labels 0 and 2 only: 2 classes, the prediction 1 standing for label 2,
  -- as Spark's model (numClasses 2, pi of 2, predictions 1, 0, 1)
  local two = spark:createDataFrame({ { 0, 0.0, V.dense({ 1.0, 2.0 }) }, { 1, 2.0, V.dense({ 0.0, 3.0 }) },
    { 2, 2.0, V.dense({ 4.0, 1.0 }) } }, "id long, label double, features vector")
  local m = ml.NaiveBayes {}:fit(two)
  t.eq(m.numClasses, 2)
  same(m.pi:toArray(), { -0.916290731874155, -0.5108256237659905 }, "pi")
  local predictions = {}
  for i, r in ipairs(m:transform(two):orderBy("id"):collect()) do predictions[i] = r.prediction end
  t.eq(table.concat(predictions, ","), "1,0,1")
  -- thresholds: the largest probability over its threshold
  local df = rows(false)
  local thresholded = ml.NaiveBayes { thresholds = { 1, 1, 0.01 } }:fit(df):transform(df)
  t.eq(thresholded:filter("prediction = 2.0"):count(), 60)
  t.has(t.raises(function() ml.NaiveBayes { thresholds = { 1, 1 } }:fit(df) end),
    "The number of thresholds (2) must match the number of classes (3)")
  local function fails(mode, vector, text)
    local bad = spark:createDataFrame({ { 0.0, V.dense({ 1.0, 1.0 }) }, { 1.0, vector } },
      "label double, features vector")
    t.has(t.raises(function() ml.NaiveBayes { modelType = mode }:fit(bad) end), text)
  end
  fails("multinomial", V.dense({ -1.0, 2.0 }), "row 1: Vector values MUST NOT be Negative, NaN or Infinity, but got "
    .. "[-1.0,2.0]")
  fails("complement", V.dense({ 0 / 0, 2.0 }), "Vector values MUST NOT be Negative, NaN or Infinity")
  fails("bernoulli", V.dense({ 0.5, 1.0 }), "row 1: Vector values MUST be in {0, 1}, but got [0.5,1.0]")
  fails("gaussian", V.dense({ 0 / 0, 1.0 }), "row 1: Vector values MUST NOT be NaN")
  t.has(t.raises(function() ml.NaiveBayes { modelType = "poisson" } end), "modelType must be one of")
  -- scoring checks the values too
  local model = ml.NaiveBayes {}:fit(df)
  local negative = spark:createDataFrame({ { 0.0, V.dense({ 1, 1, 1, 1, -3 }) } }, "label double, features vector")
  t.has(t.raises(function() model:transform(negative):collect() end),
    "row 0: Vector values MUST NOT be Negative, NaN or Infinity, but got [1.0,1.0,1.0,1.0,-3.0]")
  -- a null row scores nulls; the fit needs every row
  local null_row = spark:createDataFrame({ { 0.0, V.dense({ 1, 1, 1, 1, 1 }) }, { 1.0, nil } },
    "label double, features vector")
  t.eq(model:transform(null_row):collect()[2].prediction, nil)
  t.has(t.raises(function() ml.NaiveBayes {}:fit(null_row) end), "NaiveBayes: row 1: Vectors MUST NOT be Null")
end)

t.test("saved and loaded; in a Pipeline over a stream", function()
  local df = rows(false)
  for _, mode in ipairs({ "multinomial", "gaussian" }) do
    local dir = t.tempdir() .. "/nb"
    local model = ml.NaiveBayes { modelType = mode, weightCol = "w" }:fit(df)
    model:write():save(dir)
    local loaded = ml.load(dir)
    t.eq(loaded:getModelType(), mode)
    same(flat(loaded.theta), flat(model.theta), mode .. " theta")
    t.same_table(t.rows(loaded:transform(df):select("probability", "prediction")),
      t.rows(model:transform(df):select("probability", "prediction")))
    t.ok(t.read(dir .. "/metadata/part-00000"):find('"class":"org.apache.spark.ml.classification.NaiveBayesModel"',
      1, true), "Spark's class")
  end
  -- a smoothing of 0 leaves log 0 in theta: -Infinity, saved and loaded
  local bare = ml.NaiveBayes { smoothing = 0 }:fit(df)
  local text = table.concat(flat(bare.theta), ",")
  t.ok(text:find("-inf", 1, true), "a class without a feature: " .. text)
  local bare_dir = t.tempdir() .. "/bare"
  bare:write():save(bare_dir)
  t.eq(table.concat(flat(ml.load(bare_dir).theta), ","), text)
  -- the same scores over a stream of the rows
  local input = t.tempdir()
  local lines = {}
  for i, r in ipairs(df:orderBy("id"):collect()) do
    lines[i] = ('{"id":%d,"label":%s,"features":[%s]}'):format(r.id, r.label, table.concat(r.features:toArray(), ","))
  end
  t.write(input .. "/rows.json", table.concat(lines, "\n") .. "\n")
  local stream = spark.readStream:schema("id long, label double, features array<double>"):json(input)
    :select("id", "label", ml.functions.array_to_vector("features"):alias("features"))
  local model = ml.Pipeline { stages = { ml.NaiveBayes { modelType = "complement" } } }:fit(df)
  local want = t.rows(model:transform(df):select("id", "prediction"))
  table.sort(want)
  t.same_table(t.rows_available(model:transform(stream):select("id", "prediction"), t.tempdir() .. "/cp"), want)
end)

t.test("model selection: a TrainValidationSplit over NaiveBayes's smoothing", function()
  local df = rows(false)
  local nb = ml.NaiveBayes {}
  local grid = ml.ParamGridBuilder():addGrid(nb.smoothing, { 0.1, 1.0, 100.0 }):build()
  local tvs = ml.TrainValidationSplit { estimator = nb, estimatorParamMaps = grid, trainRatio = 0.7, seed = 3,
    evaluator = ml.MulticlassClassificationEvaluator { metricName = "accuracy" } }
  local model = tvs:fit(df)
  t.eq(#model.validationMetrics, 3)
  local best = 1
  for i, m in ipairs(model.validationMetrics) do if m > model.validationMetrics[best] then best = i end end
  t.eq(model.bestModel:getSmoothing(), ({ 0.1, 1.0, 100.0 })[best])
  t.eq(getmetatable(model.bestModel), ml.NaiveBayesModel)
end)

t.run()
