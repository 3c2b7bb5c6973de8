-- Nulls and NaNs on their way through the stages, a fit and the
-- evaluators: VectorAssembler's handleInvalid = "error" fails on a NaN
-- number as on a null (Spark's messages); LogisticRegression's fit fails
-- on a null features row and on a NaN or infinite feature, naming the
-- column, the row and the feature; the evaluators fail on a null or NaN
-- label, prediction, weight or score, naming themselves and the row,
-- rather than counting a null label as 0, clipping a null probability to
-- eps, or failing inside tide. Every error is raised at the caller's line.
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local V = ml.Vectors
local spark = tide.session()

local NAN = 0 / 0

t.test("VectorAssembler: a NaN number under handleInvalid = \"error\" fails as Spark's, naming row and column", function()
  local df = spark:createDataFrame({ { 1.0, 0 }, { NAN, 1 } }, "a double, b int")
  local va = ml.VectorAssembler { inputCols = { "a", "b" }, outputCol = "features" }
  local err = t.raises(function() va:transform(df):collect() end)
  t.has(err, 'row 1: Encountered NaN while assembling a row with handleInvalid = "error" (column a). '
    .. 'Consider removing NaNs from dataset or using handleInvalid = "keep" or "skip".')
  t.has(err, va.uid)
  -- a null, likewise (as before)
  local nulls = spark:createDataFrame({ { 1.0, 0 }, { 2.0, nil } }, "a double, b int")
  t.has(t.raises(function() va:transform(nulls):collect() end),
    'row 1: Encountered null while assembling a row with handleInvalid = "error" (column b). '
    .. 'Consider removing nulls from dataset')
  -- keep keeps the NaN, skip drops the row
  local kept = ml.VectorAssembler { inputCols = { "a", "b" }, outputCol = "f", handleInvalid = "keep" }
    :transform(df):collect()
  t.eq(tostring(kept[2].f), "[NaN,1.0]")
  local skipped
  t.stderr_of(function()
    skipped = ml.VectorAssembler { inputCols = { "a", "b" }, outputCol = "f", handleInvalid = "skip" }
      :transform(df):collect()
  end)
  t.eq(#skipped, 1)
end)

-- 200 rows of two features and a 0/1 label, row `bad` (0-based) replaced
-- by features (nil for a null row).
local function training(bad, features)
  local rows = {}
  for i = 1, 200 do
    rows[i] = { (i % 3 == 0) and 1.0 or 0.0, V.dense { i % 7, i % 5 } }
  end
  rows[bad + 1][2] = features
  return spark:createDataFrame(rows, "label double, features vector")
end

t.test("LogisticRegression refuses NaN or infinite features, naming the column, row and feature", function()
  t.raises_at_caller {
    { function() ml.LogisticRegression {}:fit(training(4, V.dense { 1, NAN })) end,
      "LogisticRegression: features column features, row 4: feature 1 is NaN" },
    { function() ml.LogisticRegression {}:fit(training(7, V.sparse(2, { 0 }, { -math.huge }))) end,
      "LogisticRegression: features column features, row 7: feature 0 is -Infinity" },
  }
  -- (before, the fit returned an intercept-only model after 0 iterations)
  local good = ml.LogisticRegression {}:fit(training(4, V.dense { 1, 2 }))
  t.ok(good.summary.totalIterations > 0, "a clean fit iterates")
end)

t.test("a VectorAssembler keeping NaN ahead of LogisticRegression: the fit fails naming the stage", function()
  local rows = {}
  for i = 1, 20 do rows[i] = { i % 4 == 0 and NAN or i * 0.5, i % 2 } end
  local df = spark:createDataFrame(rows, "x double, label double")
  local err = t.raises(function()
    ml.Pipeline { stages = { ml.VectorAssembler { inputCols = { "x" }, outputCol = "features", handleInvalid = "keep" },
      ml.LogisticRegression {} } }:fit(df)
  end)
  t.has(err, "LogisticRegression: features column features, row 3: feature 0 is NaN")
  t.at_caller(err)
end)

t.test("LogisticRegression fails on a null features row (Spark does), naming the column and row", function()
  t.raises_at_caller {
    { function() ml.LogisticRegression {}:fit(training(40, nil)) end,
      "LogisticRegression: features column features, row 40: the features vector is null" },
  }
end)

t.test("OnlineLogisticRegression's partialFit refuses null rows and NaN features; its weights stay as they were", function()
  local online = ml.OnlineLogisticRegression { numFeatures = 2 }
  online:partialFit(training(4, V.dense { 1, 2 }))
  local before = tostring(online:model().coefficients)
  t.raises_at_caller {
    { function() online:partialFit(training(9, V.dense { NAN, 1 })) end,
      "OnlineLogisticRegression: features column features, row 9: feature 0 is NaN" },
    { function() online:partialFit(training(3, nil)) end,
      "OnlineLogisticRegression: features column features, row 3: the features vector is null" },
  }
  t.eq(tostring(online:model().coefficients), before)
  t.eq(online.rowsSeen, 200)
end)

t.test("evaluators: a null or NaN label is an error naming the evaluator and the row", function()
  local null_label = spark:createDataFrame({ { 1.0, 0.1, 0.0 }, { nil, 0.9, 1.0 }, { 0.0, 0.05, 0.0 } },
    "label double, probability double, prediction double")
  local nan_label = spark:createDataFrame({ { 1.0, 0.1, 0.0 }, { NAN, 0.9, 1.0 } },
    "label double, probability double, prediction double")
  local binary = ml.BinaryClassificationEvaluator { rawPredictionCol = "probability" }
  t.raises_at_caller {
    { function() binary:evaluate(null_label) end,
      "BinaryClassificationEvaluator: label column label, row 1: Invalid label null" },
    { function() binary:evaluate(nan_label) end,
      "BinaryClassificationEvaluator: label column label, row 1: Invalid label NaN" },
    { function() ml.logLoss(null_label, "label", "probability") end, "logLoss: label column label, row 1: Invalid label null" },
    { function() ml.confusionMatrix(null_label, "label", "prediction") end, "Invalid label null" },
  }
  for _, metric in ipairs { "f1", "accuracy", "weightedPrecision", "weightedRecall", "hammingLoss", "logLoss" } do
    local err = t.raises(function() ml.MulticlassClassificationEvaluator { metricName = metric }:evaluate(null_label) end)
    t.has(err, "MulticlassClassificationEvaluator: label column label, row 1: Invalid label null")
    t.at_caller(err)
  end
end)

t.test("evaluators: a null prediction, weight or probability is an error; so is a NaN score", function()
  local df = spark:createDataFrame({ { 1.0, 0.9, 1.0, 1.0 }, { 0.0, 0.4, 0.0, 1.0 }, { 1.0, nil, nil, nil } },
    "label double, probability double, prediction double, w double")
  t.raises_at_caller {
    { function() ml.MulticlassClassificationEvaluator { metricName = "accuracy" }:evaluate(df) end,
      "MulticlassClassificationEvaluator: prediction column prediction, row 2: Invalid prediction null" },
    { function() ml.MulticlassClassificationEvaluator { metricName = "logLoss" }:evaluate(df) end,
      "MulticlassClassificationEvaluator: score column probability, row 2: the probability is null" },
    { function() ml.BinaryClassificationEvaluator { rawPredictionCol = "probability" }:evaluate(df) end,
      "BinaryClassificationEvaluator: score column probability, row 2: the score is null" },
    { function()
        ml.BinaryClassificationEvaluator { rawPredictionCol = "probability", weightCol = "w" }
          :evaluate(df.na:fill(0.5, { "probability" }))
      end, "BinaryClassificationEvaluator: weight column w, row 2: Invalid weight null" },
  }
  -- A model scoring NaN features scores NaN: every evaluator says so, none
  -- clips it or ranks it.
  local m = ml.LogisticRegressionModel.fromCoefficients({ 1.0, -1.0 }, 0.2)
  local features = spark:createDataFrame({ { 1.0, V.dense { 1.0, 2.0 } }, { 1.0, V.dense { NAN, 1.0 } } },
    "label double, features vector")
  local scored = m:transform(features)
  t.raises_at_caller {
    { function() ml.BinaryClassificationEvaluator {}:evaluate(scored) end,
      "BinaryClassificationEvaluator: score column rawPrediction, row 1: the score is NaN" },
    { function() ml.logLoss(scored) end, "logLoss: score column probability, row 1: the probability is NaN" },
    { function() return m:evaluate(features).areaUnderROC end,
      "LogisticRegressionSummary: score column probability, row 1: the score is NaN" },
  }
end)

t.test("log loss of a binary probability: a label other than 0 and 1 is an error", function()
  local df = spark:createDataFrame({ { 2.0, 0.9 }, { 0.0, 0.05 } }, "label double, probability double")
  t.raises_at_caller {
    { function() ml.MulticlassClassificationEvaluator { metricName = "logLoss" }:evaluate(df) end,
      "MulticlassClassificationEvaluator: label column label, row 0: Invalid label 2" },
  }
  local ok = spark:createDataFrame({ { 1.0, 0.9 }, { 0.0, 0.2 } }, "label double, probability double")
  t.ok(math.abs(ml.logLoss(ok) - (-(math.log(0.9) + math.log(0.8)) / 2)) < 1e-12, "the mean log loss")
end)

t.run()
