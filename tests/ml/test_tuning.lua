-- Model selection (ParamGridBuilder, CrossValidator, TrainValidationSplit)
-- and the stages added with it (IndexToString, Imputer, a model's
-- predict of one vector), against what Spark 3.5 gives: grids in
-- PySpark's order, folds by rand(seed) that cover every row once, the
-- map the evaluator ranks best refitted on every row, surrogates
-- computed by hand.
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local F = tide.functions
local V = ml.Vectors
local spark = tide.session()

-- Rows for logistic regression: two features carry the signal, 30 are
-- noise. With 120 rows and no penalty the fit memorizes the noise (a
-- validation log loss of several nats); regParam 10 leaves the base rate
-- (log 2 for balanced labels); 0.1 is clearly best.
local uniform = t.uniform(12345)
local rows = {}
for i = 1, 120 do
  local x = {}
  for j = 1, 32 do x[j] = uniform() * 2 - 1 end
  local margin = 2 * x[1] - 2 * x[2]
  rows[i] = { i - 1, V.dense(x), uniform() < 1 / (1 + math.exp(-margin)) and 1 or 0 }
end
local data = spark:createDataFrame(rows, "id int, features vector, label double")
local logLoss = ml.MulticlassClassificationEvaluator { metricName = "logLoss" }

local function column_of(df, name)
  local out = {}
  for i, r in ipairs(df:collect()) do out[i] = r[name] end
  return out
end

local function ids(df)
  local out = {}
  for i, r in ipairs(df:orderBy("id"):collect()) do out[i] = r.id end
  return out
end

-- ---- ParamGridBuilder -------------------------------------------------------------------------

t.test("ParamGridBuilder: every combination, the first grid varying slowest (PySpark's product)", function()
  local lr = ml.LogisticRegression {}
  local grid = ml.ParamGridBuilder()
    :addGrid(lr, "regParam", { 0.1, 0.01 })
    :addGrid(lr, "elasticNetParam", { 0.0, 0.5, 1.0 })
    :baseOn(lr, "maxIter", 5)
    :build()
  t.eq(#grid, 6)
  local seen = {}
  for i, map in ipairs(grid) do
    seen[i] = { map[lr].regParam, map[lr].elasticNetParam, map[lr].maxIter }
  end
  t.same_table(seen, { { 0.1, 0.0, 5 }, { 0.1, 0.5, 5 }, { 0.1, 1.0, 5 },
                       { 0.01, 0.0, 5 }, { 0.01, 0.5, 5 }, { 0.01, 1.0, 5 } })
  t.eq(tostring(grid[2]), ("{%s.elasticNetParam: 0.5, %s.maxIter: 5, %s.regParam: 0.1}"):format(lr.uid, lr.uid,
    lr.uid))
end)

t.test("ParamGridBuilder: a param added again takes the new values; no grid gives one empty map", function()
  local lr = ml.LogisticRegression {}
  local grid = ml.ParamGridBuilder():addGrid(lr, "regParam", { 1, 2 }):addGrid(lr, "maxIter", { 3 })
    :addGrid(lr, "regParam", { 0.5 }):build()
  t.eq(#grid, 1)
  t.same_table(grid[1][lr], { regParam = 0.5, maxIter = 3 })
  local empty = ml.ParamGridBuilder():build()
  t.eq(#empty, 1)
  t.eq(next(empty[1]), nil)
  local based = ml.ParamGridBuilder():baseOn({ [lr] = { maxIter = 7 } }):addGrid(lr, "tol", { 1e-3, 1e-4 }):build()
  t.eq(#based, 2)
  t.eq(based[2][lr].maxIter, 7)
end)

t.test("ParamGridBuilder checks the values as the stage's setters do, at the caller's line", function()
  local lr = ml.LogisticRegression {}
  t.raises_at_caller {
    { function() ml.ParamGridBuilder():addGrid(lr, "regParm", { 0.1 }) end, 'has no parameter "regParm"' },
    { function() ml.ParamGridBuilder():addGrid(lr, "elasticNetParam", { 0.5, 2 }) end, "must be in [0, 1], not 2" },
    { function() ml.ParamGridBuilder():addGrid(lr, "maxIter", { 10.5 }) end, "Could not convert 10.5 to int" },
    { function() ml.ParamGridBuilder():addGrid("regParam", { 0.1 }) end, "needs a stage first" },
  }
end)

-- ---- CrossValidator ------------------------------------------------------------------------------

t.test("CrossValidator picks the regParam with the best mean validation log loss (smaller is better)", function()
  local lr = ml.LogisticRegression { maxIter = 50 }
  local grid = ml.ParamGridBuilder():addGrid(lr, "regParam", { 0.0, 0.1, 10.0 }):build()
  local cv = ml.CrossValidator { estimator = lr, estimatorParamMaps = grid, evaluator = logLoss, seed = 7 }
  t.eq(cv:getNumFolds(), 3)
  local model = cv:fit(data)
  t.eq(#model.avgMetrics, 3)
  t.eq(#model.stdMetrics, 3)
  t.ok(model.avgMetrics[1] > 2, "no penalty overfits: " .. model.avgMetrics[1])
  t.ok(math.abs(model.avgMetrics[3] - math.log(2)) < 0.02, "regParam 10 leaves the base rate: " .. model.avgMetrics[3])
  t.ok(model.avgMetrics[2] < model.avgMetrics[3] - 0.05, "0.1 is clearly best: " .. model.avgMetrics[2])
  t.eq(model.bestModel:getRegParam(), 0.1)
  t.eq(model.bestModel:getMaxIter(), 50)
  t.eq(lr:getRegParam(), 0.0) -- (the estimator itself is left as it was)
  -- bestModel is the best map refitted on every row
  local direct = lr:copy({ regParam = 0.1 }):fit(data)
  t.same_table(model.bestModel.coefficients.values, direct.coefficients.values)
  -- transform is bestModel's
  local a, b = model:transform(data):collect(), direct:transform(data):collect()
  for i = 1, #a do t.eq(a[i].probability, b[i].probability) end
end)

t.test("CrossValidator: avgMetrics and stdMetrics are the mean and population std over the folds", function()
  local lr = ml.LogisticRegression { maxIter = 20 }
  local grid = ml.ParamGridBuilder():addGrid(lr, "regParam", { 0.05, 1.0 }):build()
  local cv = ml.CrossValidator { estimator = lr, estimatorParamMaps = grid, evaluator = logLoss, seed = 3,
    numFolds = 4, collectSubModels = true }
  local model = cv:fit(data)
  local folds = cv:_kFold(data)
  t.eq(#folds, 4)
  t.eq(#model.subModels, 4)
  for j, reg in ipairs({ 0.05, 1.0 }) do
    local metrics, sum = {}, 0
    for i, fold in ipairs(folds) do
      local m = lr:copy({ regParam = reg }):fit(fold[1])
      metrics[i] = logLoss:evaluate(m:transform(fold[2]))
      t.eq(model.subModels[i][j]:getRegParam(), reg)
      t.same_table(model.subModels[i][j].coefficients.values, m.coefficients.values)
      sum = sum + metrics[i]
    end
    local mean, var = sum / 4, 0
    for i = 1, 4 do var = var + (metrics[i] - mean) ^ 2 / 4 end
    t.ok(math.abs(model.avgMetrics[j] - mean) < 1e-12, ("avg %s vs %s"):format(model.avgMetrics[j], mean))
    t.ok(math.abs(model.stdMetrics[j] - math.sqrt(var)) < 1e-12, ("std %s"):format(model.stdMetrics[j]))
  end
end)

t.test("CrossValidator: with a larger-is-better metric (areaUnderROC) it takes the largest", function()
  local lr = ml.LogisticRegression { maxIter = 30, elasticNetParam = 1.0 }
  -- An L1 penalty of 10 zeroes every coefficient: one score for every row, AUC 0.5.
  local grid = ml.ParamGridBuilder():addGrid(lr, "regParam", { 10.0, 0.01 }):build()
  local model = ml.CrossValidator { estimator = lr, estimatorParamMaps = grid,
    evaluator = ml.BinaryClassificationEvaluator {}, seed = 11 }:fit(data)
  t.eq(model.avgMetrics[1], 0.5)
  t.ok(model.avgMetrics[2] > 0.7, "the signal ranks: " .. model.avgMetrics[2])
  t.eq(model.bestModel:getRegParam(), 0.01)
end)

t.test("CrossValidator folds: every row validates in exactly one fold and trains in the others", function()
  local cv = ml.CrossValidator { estimator = ml.LogisticRegression {}, estimatorParamMaps = { {} },
    evaluator = logLoss, seed = 42, numFolds = 5 }
  local folds = cv:_kFold(data)
  local seen, again = {}, {}
  for i, fold in ipairs(folds) do
    local validation, train = ids(fold[2]), ids(fold[1])
    t.ok(#validation > 0 and #validation + #train == 120, "fold " .. i)
    local in_fold = {}
    for _, id in ipairs(validation) do
      t.eq(seen[id], nil, "row " .. id .. " validates once")
      seen[id], in_fold[id] = i, true
    end
    for _, id in ipairs(train) do t.eq(in_fold[id], nil, "row " .. id .. " trains outside its fold") end
    t.same_table(fold[2].schema:fieldNames(), { "id", "features", "label" })
  end
  for id = 0, 119 do t.ok(seen[id] ~= nil, "row " .. id .. " is in a fold") end
  -- The same seed gives the same folds; another seed others.
  for i, fold in ipairs(cv:_kFold(data)) do
    local list = ids(fold[2])
    for _, id in ipairs(list) do again[id] = i end
  end
  t.same_table(again, seen)
  local other = {}
  for i, fold in ipairs(cv:copy({ seed = 43 }):_kFold(data)) do
    for _, id in ipairs(ids(fold[2])) do other[id] = i end
  end
  t.ok(not t.same(other, seen), "another seed, other folds")
end)

t.test("CrossValidator folds are PySpark's: a row validates in fold floor(numFolds * rand(seed))", function()
  local draws = {}
  for _, r in ipairs(data:select("id", F.rand(42):alias("r")):collect()) do draws[r.id] = r.r end
  local folds = ml.CrossValidator { estimator = ml.LogisticRegression {}, estimatorParamMaps = { {} },
    evaluator = logLoss, seed = 42, numFolds = 5 }:_kFold(data)
  local checked = 0
  for i, fold in ipairs(folds) do
    for _, id in ipairs(ids(fold[2])) do
      t.eq(math.floor(draws[id] * 5), i - 1, "row " .. id)
      checked = checked + 1
    end
  end
  t.eq(checked, 120)
end)

t.test("CrossValidator: a fold without rows is an error naming it", function()
  -- PySpark's documented rand(seed=42) * 3 over one partition: 1.8575681106759028 and
  -- 1.5288056527339444, so the draws are 0.619 and 0.510: both in [1/3, 2/3) and in [1/2, 1),
  -- and fold 0 validates nothing.
  local two = spark:createDataFrame({ { 0 }, { 1 } }, "id int")
  t.same_table(column_of(two:select((F.rand(42) * 3):alias("r")), "r"), { 1.8575681106759028, 1.5288056527339444 })
  for _, k in ipairs({ 2, 3 }) do
    local cv = ml.CrossValidator { estimator = ml.LogisticRegression {}, estimatorParamMaps = { {} },
      evaluator = logLoss, seed = 42, numFolds = k }
    t.raises_at_caller { { function() cv:_kFold(two) end,
      "CrossValidator: The validation data at fold 0 is empty." } }
  end
end)

t.test("CrossValidator: foldCol gives the user's folds; fold numbers outside [0, numFolds) fail", function()
  local with_folds = data:withColumn("fold", (F.col("id") % 3):cast("int"))
  local cv = ml.CrossValidator { estimator = ml.LogisticRegression { maxIter = 5 }, estimatorParamMaps = { {} },
    evaluator = logLoss, foldCol = "fold" }
  local folds = cv:_kFold(with_folds)
  for i, fold in ipairs(folds) do
    for _, id in ipairs(ids(fold[2])) do t.eq(id % 3, i - 1) end
    for _, id in ipairs(ids(fold[1])) do t.ok(id % 3 ~= i - 1) end
    t.eq(fold[2]:count(), 40)
  end
  t.eq(#cv:fit(with_folds).avgMetrics, 1)
  t.raises_at_caller {
    { function() cv:copy({ numFolds = 2 }):fit(with_folds) end, "Fold number must be in range [0, 2), but got 2." },
    { function() cv:fit(data:withColumn("fold", F.col("id") / 1)) end,
      "The specified `foldCol` column fold must be integer type, but got double." },
  }
end)

t.test("CrossValidator over a Pipeline: the grid names a stage inside it", function()
  local letters = {}
  for i = 1, 90 do
    local c = ({ "a", "b", "c" })[i % 3 + 1]
    letters[i] = { c, uniform(), (c == "a" and uniform() < 0.8 or uniform() < 0.2) and 1 or 0 }
  end
  local df = spark:createDataFrame(letters, "c string, x double, label double")
  local lr = ml.LogisticRegression { maxIter = 20 }
  local pipeline = ml.Pipeline { stages = {
    ml.StringIndexer { inputCol = "c", outputCol = "ci" },
    ml.OneHotEncoder { inputCol = "ci", outputCol = "cv" },
    ml.VectorAssembler { inputCols = { "cv", "x" }, outputCol = "features" },
    lr,
  } }
  local grid = ml.ParamGridBuilder():addGrid(lr, "regParam", { 100.0, 0.01 }):build()
  local model = ml.CrossValidator { estimator = pipeline, estimatorParamMaps = grid, evaluator = logLoss,
    seed = 5 }:fit(df)
  t.ok(model.avgMetrics[2] < model.avgMetrics[1] - 0.05, "the letter predicts the label")
  t.eq(getmetatable(model.bestModel), ml.PipelineModel)
  t.eq(model.bestModel.stages[4]:getRegParam(), 0.01)
  t.eq(#model:transform(df):collect(), 90)
  -- A map naming a stage that is not in the estimator is an error, not a search of nothing.
  local stray = ml.ParamGridBuilder():addGrid(ml.LogisticRegression {}, "regParam", { 0.1 }):build()
  t.raises_at_caller { { function()
    ml.CrossValidator { estimator = pipeline, estimatorParamMaps = stray, evaluator = logLoss }:fit(df)
  end, "which is neither the estimator" } }
end)

t.test("CrossValidator's defaults are Spark's", function()
  local cv = ml.CrossValidator {}
  t.eq(cv:getNumFolds(), 3)
  t.eq(cv:getSeed(), -1191137437) -- "org.apache.spark.ml.tuning.CrossValidator".hashCode
  t.eq(cv:getParallelism(), 1)
  t.eq(cv:getCollectSubModels(), false)
  t.eq(cv:getFoldCol(), "")
  t.eq(ml.TrainValidationSplit {}:getTrainRatio(), 0.75)
  t.eq(ml.TrainValidationSplit {}:getSeed(), -1772833110)
  t.raises_at_caller {
    { function() ml.CrossValidator { numFolds = 1 } end, "numFolds must be >= 2, not 1" },
    { function() ml.TrainValidationSplit { trainRatio = 1.5 } end, "trainRatio must be in [0, 1], not 1.5" },
    { function() cv:fit(data) end, "parameter estimator is not set" },
  }
end)

-- ---- TrainValidationSplit -------------------------------------------------------------------------

t.test("TrainValidationSplit: validationMetrics per map, the best refitted on every row", function()
  local lr = ml.LogisticRegression { maxIter = 50 }
  local grid = ml.ParamGridBuilder():addGrid(lr, "regParam", { 0.0, 0.1, 10.0 }):build()
  local tvs = ml.TrainValidationSplit { estimator = lr, estimatorParamMaps = grid, evaluator = logLoss, seed = 9,
    collectSubModels = true }
  local model = tvs:fit(data)
  t.eq(#model.validationMetrics, 3)
  t.eq(#model.subModels, 3)
  t.eq(model.bestModel:getRegParam(), 0.1)
  t.ok(model.validationMetrics[2] < model.validationMetrics[1] and model.validationMetrics[2] <
    model.validationMetrics[3], "0.1 is best")
  t.same_table(model.bestModel.coefficients.values, lr:copy({ regParam = 0.1 }):fit(data).coefficients.values)
  -- The validation rows are those with rand(seed) >= trainRatio: the sub-model of map 1 is
  -- the fit on the others.
  local drawn = data:select("*", F.rand(9):alias("r"))
  local train = drawn:filter(F.col("r"):lt(0.75)):drop("r")
  t.same_table(model.subModels[1].coefficients.values, lr:copy({ regParam = 0.0 }):fit(train).coefficients.values)
  local validation = drawn:filter(F.col("r"):ge(0.75)):drop("r")
  t.eq(model.validationMetrics[2], logLoss:evaluate(model.subModels[2]:transform(validation)))
end)

-- ---- save and load -----------------------------------------------------------------------------------

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

t.test("a CrossValidatorModel saves in Spark's layout and loads with its best model and metrics", function()
  local dir = t.tempdir()
  local lr = ml.LogisticRegression { maxIter = 20 }
  local grid = ml.ParamGridBuilder():addGrid(lr, "regParam", { 0.1, 10.0 }):build()
  local model = ml.CrossValidator { estimator = lr, estimatorParamMaps = grid, evaluator = logLoss, seed = 7,
    collectSubModels = true }:fit(data)
  model:write():overwrite():save(dir .. "/cv")
  local meta = require("tide.json").decode(read(dir .. "/cv/metadata/part-00000"))
  t.eq(meta.class, "org.apache.spark.ml.tuning.CrossValidatorModel")
  t.eq(meta.paramMap.estimatorParamMaps[2][1].parent, lr.uid)
  t.eq(meta.paramMap.estimatorParamMaps[2][1].name, "regParam")
  t.eq(meta.paramMap.estimatorParamMaps[2][1].value, "10.0") -- (Spark's jsonEncode of a double)
  t.eq(meta.defaultParamMap.numFolds, 3)
  for _, sub in ipairs({ "bestModel", "estimator", "evaluator", "subModels/fold2/1" }) do
    t.ok(read(dir .. "/cv/" .. sub .. "/metadata/part-00000"):find('"class"', 1, true), sub)
  end
  local loaded = ml.CrossValidatorModel.load(dir .. "/cv")
  t.same_table(loaded.avgMetrics, model.avgMetrics)
  t.same_table(loaded.stdMetrics, model.stdMetrics)
  t.eq(loaded:getSeed(), 7)
  t.eq(loaded.bestModel.intercept, model.bestModel.intercept)
  t.eq(loaded.subModels[3][2].intercept, model.subModels[3][2].intercept)
  local est = loaded:getEstimator()
  t.eq(est.uid, lr.uid)
  t.eq(loaded:getEstimatorParamMaps()[2][est].regParam, 10)
  t.eq(loaded:getEvaluator():getMetricName(), "logLoss")
  local a, b = loaded:transform(data):collect(), model:transform(data):collect()
  for i = 1, #a do t.eq(a[i].probability, b[i].probability) end
  t.eq(getmetatable(ml.load(dir .. "/cv")), ml.CrossValidatorModel)
end)

t.test("a TrainValidationSplitModel and an unfitted CrossValidator round-trip", function()
  local dir = t.tempdir()
  local lr = ml.LogisticRegression { maxIter = 10 }
  local grid = ml.ParamGridBuilder():addGrid(lr, "regParam", { 0.1, 1.0 }):build()
  local tvs = ml.TrainValidationSplit { estimator = lr, estimatorParamMaps = grid, evaluator = logLoss,
    trainRatio = 0.8 }
  local model = tvs:fit(data)
  model:save(dir .. "/tvs")
  local loaded = ml.TrainValidationSplitModel.load(dir .. "/tvs")
  t.same_table(loaded.validationMetrics, model.validationMetrics)
  t.eq(loaded:getTrainRatio(), 0.8)
  t.eq(loaded.bestModel.intercept, model.bestModel.intercept)
  local cv = ml.CrossValidator { estimator = lr, estimatorParamMaps = grid, evaluator = logLoss, numFolds = 4 }
  cv:save(dir .. "/cv")
  local again = ml.CrossValidator.load(dir .. "/cv")
  t.eq(again:getNumFolds(), 4)
  t.eq(#again:getEstimatorParamMaps(), 2)
  t.same_table(again:fit(data).avgMetrics, cv:fit(data).avgMetrics)
end)

-- ---- IndexToString ---------------------------------------------------------------------------------

local letters = spark:createDataFrame({ { "a" }, { "b" }, { "b" }, { "c" }, { "c" }, { "d" }, { "c" } }, "s string")

local function column(df, name)
  local out = {}
  for i, r in ipairs(df:collect()) do out[i] = r[name] end
  return out
end

t.test("IndexToString inverts StringIndexer, reading the labels from the column's metadata", function()
  local indexed = ml.StringIndexer { inputCol = "s", outputCol = "i" }:fit(letters):transform(letters)
  local back = ml.IndexToString { inputCol = "i", outputCol = "s2" }:transform(indexed)
  t.same_table(column(back, "s2"), column(letters, "s"))
  t.eq(back.schema:simpleString(), "struct<s:string,i:double,s2:string>")
  -- the metadata follows a renamed, filtered column (Spark's attribute metadata does):
  -- labels c (3 rows), b (2), then a and d; c is index 0
  local renamed = indexed:select(F.col("i"):alias("k")):filter("k > 0")
  t.same_table(column(ml.IndexToString { inputCol = "k", outputCol = "s" }:transform(renamed), "s"),
    { "a", "b", "b", "d" })
  -- and through a join, either side, as Spark keeps an attribute's metadata
  local ids = indexed:withColumn("id", F.monotonically_increasing_id())
  local other = ids:select("id"):join(ids:select("id", "i"), "id"):orderBy("id")
  t.same_table(column(ml.IndexToString { inputCol = "i", outputCol = "s2" }:transform(other), "s2"),
    column(letters, "s"))
  -- the metadata's shape is unchanged for those who compare it
  t.same_table(indexed.schema.fields[2].ml, { nominal = true, numValues = 4 })
end)

t.test("IndexToString: keep's unseen index maps to __unknown; labels set win; prediction indices", function()
  local model = ml.StringIndexer { inputCol = "s", outputCol = "i", handleInvalid = "keep" }:fit(letters)
  local other = spark:createDataFrame({ { "b" }, { "z" } }, "s string")
  t.same_table(column(ml.IndexToString { inputCol = "i", outputCol = "o" }:transform(model:transform(other)), "o"),
    { "b", "__unknown" })
  local numbers = spark:createDataFrame({ { 0 }, { 2 }, { nil }, { 1.9 } }, "p double")
  t.same_table(column(ml.IndexToString { inputCol = "p", outputCol = "o", labels = { "x", "y", "z" } }
    :transform(numbers), "o"), { "x", "z", nil, "y" })
end)

t.test("IndexToString's errors: an index outside the labels, no labels, a string input", function()
  local numbers = spark:createDataFrame({ { 0 }, { 3 } }, "p double")
  local err = t.raises(function()
    ml.IndexToString { inputCol = "p", outputCol = "o", labels = { "x", "y" } }:transform(numbers):collect()
  end)
  t.has(err, "column p, row 1: Unseen index: 3.0 ??")
  t.raises_at_caller {
    { function() ml.IndexToString { inputCol = "p", outputCol = "o" }:transform(numbers) end,
      "column p carries no labels in its metadata" },
    { function() ml.IndexToString { inputCol = "s", outputCol = "o", labels = { "x" } }:transform(letters) end,
      "The input column s must be a numeric type, but got string." },
    { function() ml.IndexToString { labels = "x" } end, "Could not convert x to list of strings" },
  }
end)

-- ---- Imputer ---------------------------------------------------------------------------------------

local holes = spark:createDataFrame({ { 1.0, 1 }, { 2.0, nil }, { 0 / 0, 3 }, { 4.0, 3 }, { nil, 10 }, { 4.0, -1 } },
  "a double, b int")

local function surrogates(model)
  local r = model.surrogateDF:collect()[1]
  return { r.a, r.b }
end

t.test("Imputer's surrogates: the mean, median (approxQuantile: a value of the column) and mode", function()
  -- a: 1, 2, 4, 4 (NaN and null left out); b: 1, 3, 3, 10, -1 (null left out)
  local function fit(strategy, extra)
    local params = { inputCols = { "a", "b" }, outputCols = { "a2", "b2" }, strategy = strategy }
    for k, v in pairs(extra or {}) do params[k] = v end
    return ml.Imputer(params):fit(holes)
  end
  t.same_table(surrogates(fit("mean")), { 11 / 4, 16 / 5 })
  t.same_table(surrogates(fit("median")), { 2.0, 3.0 })
  t.same_table(surrogates(fit("mode")), { 4.0, 3.0 })
  -- missingValue -1 leaves b's -1 out too (and NaN, always)
  t.same_table(surrogates(fit("mean", { missingValue = -1 })), { 11 / 4, 17 / 4 })
  -- the mode's tie goes to the smallest value (Spark's, as scikit-learn's most_frequent)
  local tie = spark:createDataFrame({ { 5.0 }, { 2.0 }, { 5.0 }, { 2.0 }, { 7.0 } }, "a double")
  t.eq(ml.Imputer { inputCol = "a", outputCol = "o", strategy = "mode" }:fit(tie).surrogateDF:collect()[1].a, 2.0)
end)

t.test("ImputerModel fills nulls and the missing value, cast to the input's type", function()
  local model = ml.Imputer { inputCols = { "a", "b" }, outputCols = { "a2", "b2" } }:fit(holes)
  local out = model:transform(holes)
  t.eq(out.schema:simpleString(), "struct<a:double,b:int,a2:double,b2:int>")
  t.same_table(column(out, "a2"), { 1.0, 2.0, 2.75, 4.0, 2.75, 4.0 })
  t.same_table(column(out, "b2"), { 1, 3, 3, 3, 10, -1 }) -- (3.2 as an int)
  -- with missingValue -1, NaN is no missing value and stays
  local m1 = ml.Imputer { inputCols = { "a", "b" }, outputCols = { "a2", "b2" }, missingValue = -1 }:fit(holes)
  local rows2 = m1:transform(holes):collect()
  t.ok(rows2[3].a2 ~= rows2[3].a2, "NaN stays NaN")
  t.same_table(column(m1:transform(holes), "b2"), { 1, 4, 3, 3, 10, 4 })
  -- an output column of the input's name replaces it (Spark's withColumns)
  local same = ml.Imputer { inputCol = "a", outputCol = "a" }:fit(holes):transform(holes)
  t.same_table(same.schema:fieldNames(), { "a", "b" })
  t.same_table(column(same, "a"), { 1.0, 2.0, 2.75, 4.0, 2.75, 4.0 })
end)

t.test("Imputer: defaults, an all-missing column, save and load with missingValue NaN", function()
  local imp = ml.Imputer { inputCol = "a" }
  t.eq(imp:getStrategy(), "mean")
  t.ok(imp:getMissingValue() ~= imp:getMissingValue(), "missingValue NaN")
  t.eq(imp:getRelativeError(), 0.001)
  local empty = spark:createDataFrame({ { 0 / 0, 1.0 }, { nil, 2.0 } }, "a double, c double")
  t.raises_at_caller {
    { function() ml.Imputer { inputCols = { "a", "c" }, outputCols = { "x", "y" } }:fit(empty) end,
      "surrogate cannot be computed. All the values in a are Null, Nan or missingValue(NaN)" },
    { function() ml.Imputer { inputCol = "s", outputCol = "o" }:fit(letters) end,
      "Column s must be of type numeric but was actually of type string." },
    { function() ml.Imputer { strategy = "max" } end, "strategy must be one of mean, median, mode" },
  }
  local dir = t.tempdir()
  local model = ml.Imputer { inputCols = { "a", "b" }, outputCols = { "a2", "b2" }, strategy = "median" }:fit(holes)
  model:save(dir .. "/imp")
  local loaded = ml.ImputerModel.load(dir .. "/imp")
  t.ok(loaded:getMissingValue() ~= loaded:getMissingValue(), "NaN read back")
  t.same_table(surrogates(loaded), { 2.0, 3.0 })
  t.same_table(column(loaded:transform(holes), "a2"), column(model:transform(holes), "a2"))
  imp:save(dir .. "/est")
  t.ok(ml.Imputer.load(dir .. "/est"):getMissingValue() ~= 0, "NaN")
end)

-- ---- one vector at a time ------------------------------------------------------------------------------

t.test("LogisticRegressionModel predict, predictRaw, predictProbability: the columns' values", function()
  local model = ml.LogisticRegression { maxIter = 20, regParam = 0.1 }:fit(data)
  local scored = model:transform(data):collect()
  for i = 1, 10 do
    local r = scored[i]
    t.eq(model:predict(r.features), r.prediction)
    t.eq(model:predictProbability(r.features)[1], r.probability)
    t.eq(model:predictProbability(r.features)[0], 1 - r.probability)
    t.same_table(model:predictRaw(r.features):toArray(), r.rawPrediction:toArray())
    t.eq(model:predictProbability(r.features:toSparse())[1], r.probability)
  end
  t.raises_at_caller {
    { function() model:predict(V.dense { 1, 2 }) end, "the vector has size 2; the model has 32 features" },
    { function() model:predict({ 1, 2 }) end, "needs a vector" },
  }
end)

t.run()
