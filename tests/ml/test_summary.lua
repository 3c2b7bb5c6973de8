-- LogisticRegressionModel.summary, as Spark's BinaryLogisticRegression-
-- TrainingSummary: the metrics of the training predictions, computed when
-- first read, the same as the evaluators give; hasSummary false for a
-- model not fitted here; model:evaluate(df) for other data. And the
-- probability column as a port of the seed reads it (docs/ml.md).
local t = require("testing")
local tide = require("tide")
local ml, F = tide.ml, tide.functions
local data = dofile("tests/ml/ctr_data.lua")
local spark = tide.session()

local train, test = data.frames(3000, 5, { 0.7, 0.3 })
local model = ml.Pipeline { stages = data.seedStages("keep") }:fit(train)
local lr = model.stages[#model.stages]

local function near(a, b, what) t.ok(math.abs(a - b) < 1e-12, ("%s: %.17g vs %.17g"):format(what, a, b)) end

-- What the evaluators say of model's predictions over df.
local function evaluated(df, weightCol)
  local p = model:transform(df)
  local function multi(metric)
    return ml.MulticlassClassificationEvaluator { metricName = metric, weightCol = weightCol }:evaluate(p)
  end
  return {
    auc = ml.BinaryClassificationEvaluator { rawPredictionCol = "probability", weightCol = weightCol }:evaluate(p),
    accuracy = multi("accuracy"), f1 = multi("f1"), precision = multi("weightedPrecision"),
    recall = multi("weightedRecall"), cm = ml.confusionMatrix(p, "label", "prediction", weightCol),
  }
end

t.test("a fitted model's summary has the training predictions' metrics, computed when first read", function()
  t.eq(lr.hasSummary, true)
  local s = lr.summary
  t.eq(rawget(s, "areaUnderROC"), nil, "nothing scored by fit")
  t.eq(s.totalIterations, 10)
  t.eq(#s.objectiveHistory, 11)
  local want = evaluated(train)
  t.ok(s.areaUnderROC > 0.6, "AUC " .. s.areaUnderROC)
  near(s.areaUnderROC, want.auc, "areaUnderROC")
  near(s.accuracy, want.accuracy, "accuracy")
  near(s:weightedFMeasure(), want.f1, "weightedFMeasure")
  near(s.weightedPrecision, want.precision, "weightedPrecision")
  near(s.weightedRecall, want.recall, "weightedRecall")
  near(s.weightedTruePositiveRate, want.recall, "weightedTruePositiveRate")
  t.same_table(s.labels, { 0, 1 })
  local m = want.cm.matrix
  local tn, fp, fn, tp = m[1][1], m[1][2], m[2][1], m[2][2]
  near(s.precisionByLabel[2], tp / (tp + fp), "precision of 1")
  near(s.recallByLabel[1], tn / (tn + fp), "recall of 0")
  near(s.falsePositiveRateByLabel[2], fp / (fp + tn), "false positive rate of 1")
  near(s.truePositiveRateByLabel[2], tp / (tp + fn), "true positive rate of 1")
  local p, r = s.precisionByLabel[2], s.recallByLabel[2]
  near(s:fMeasureByLabel(0.5)[2], 1.25 * p * r / (0.25 * p + r), "F0.5 of 1")
  local n0, n1 = tn + fp, fn + tp
  near(s.weightedFalsePositiveRate, (n0 * s.falsePositiveRateByLabel[1] + n1 * s.falsePositiveRateByLabel[2])
    / (n0 + n1), "weightedFalsePositiveRate")
  t.eq(s.predictions:count(), train:count())
  t.eq(s.probabilityCol, "probability")
  t.eq(s.labelCol, "label")
  t.eq(s.featuresCol, "features")
  -- (the curves: tests/ml/test_curves.lua)
  t.same_table(s.roc.columns, { "FPR", "TPR" })
end)

t.test("the summary is the fit's: a later threshold does not change it", function()
  local fitted = ml.Pipeline { stages = data.seedStages("keep") }:fit(train)
  local m = fitted.stages[#fitted.stages]
  m:setThreshold(0.01)
  near(m.summary.accuracy, lr.summary.accuracy, "accuracy at threshold 0.5")
end)

t.test("output columns set to \"\" and a weight column", function()
  local weighted = train:withColumn("w", F.expr("CASE WHEN label = 1 THEN 3.0 ELSE 1.0 END"))
  local stages = data.seedStages("keep", ml.LogisticRegression { maxIter = 10, regParam = 0.01, weightCol = "w",
    probabilityCol = "", predictionCol = "" })
  local fitted = ml.Pipeline { stages = stages }:fit(weighted)
  local s = fitted.stages[#fitted.stages].summary
  t.ok(s.probabilityCol ~= "" and s.predictionCol ~= "", "columns of their own")
  t.eq(s.weightCol, "w")
  local scored = ml.PipelineModel.fromStages({ unpack(fitted.stages, 1, #fitted.stages - 1) }):transform(weighted)
  local p = s.predictions
  t.eq(p:count(), train:count())
  near(s.areaUnderROC, ml.BinaryClassificationEvaluator { rawPredictionCol = s.probabilityCol, weightCol = "w" }
    :evaluate(p), "weighted areaUnderROC")
  near(s.accuracy, ml.MulticlassClassificationEvaluator { metricName = "accuracy", predictionCol = s.predictionCol,
    weightCol = "w" }:evaluate(p), "weighted accuracy")
  t.eq(scored:count(), train:count())
end)

t.test("a loaded model has no summary; evaluate(df) summarizes other data", function()
  local dir = t.tempdir() .. "/m"
  model:write():save(dir)
  local loaded = ml.PipelineModel.load(dir)
  local m = loaded.stages[#loaded.stages]
  t.eq(m.hasSummary, false)
  t.eq(m.summary, nil)
  t.eq(ml.LogisticRegressionModel.fromCoefficients({ 1, 2 }, 0).hasSummary, false)
  -- The loaded model's LogisticRegressionModel over test's features.
  local features = ml.PipelineModel.fromStages({ unpack(loaded.stages, 1, #loaded.stages - 1) }):transform(test)
  local s = m:evaluate(features)
  t.eq(s.objectiveHistory, nil)
  local want = evaluated(test)
  near(s.areaUnderROC, want.auc, "test areaUnderROC")
  near(s.accuracy, want.accuracy, "test accuracy")
end)

-- Spark's probability is a vector; the seed took element 1 apart with
-- string functions. tide's is that element already, a double: the seed's
-- idiom gives null, the column itself is the answer (docs/ml.md).
t.test("the probability column is P(label = 1), a double: the seed's idiom does not apply", function()
  local p = model:transform(test)
  t.eq(p.schema.fields[p.schema:fieldIndex("probability")].dataType.name, "double")
  local rows = p:select(
    F.split(F.regexp_replace(F.col("probability"):cast("string"), "\\[|\\]", ""), ","):getItem(1):alias("seed"),
    F.col("probability"):alias("p"), F.col("rawPrediction"):alias("raw")):collect()
  for _, r in ipairs(rows) do
    t.eq(r.seed, nil, "the seed's idiom")
    near(r.p, 1 / (1 + math.exp(-r.raw[1])), "probability of class 1")
  end
end)

t.run()
