-- Logistic regression: the L-BFGS/OWL-QN optimum against plain (proximal)
-- gradient descent on the same objective, Spark's parameter semantics,
-- scoring, evaluators, the seed's pipeline on generated click data, and
-- the FTRL learner.
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local V = ml.Vectors
local spark = tide.session()
local data = dofile("tests/ml/ctr_data.lua")

-- A small problem: three features of different scales, labels drawn from a
-- known logistic model with a fixed generator.
local state = 12345
local function rand()
  state = (1103515245 * state + 12345) % 2147483648
  return state / 2147483648
end
local X, Y = {}, {}
local rows = {}
for i = 1, 300 do
  local x = { rand() * 2 - 1, (rand() - 0.5) * 10, rand() < 0.3 and 1 or 0 }
  local m = 0.5 + 1.5 * x[1] - 0.3 * x[2] + 1.0 * x[3]
  local y = rand() < 1 / (1 + math.exp(-m)) and 1 or 0
  X[i], Y[i] = x, y
  rows[i] = { V.dense(x), y }
end
local small = spark:createDataFrame(rows, "features vector, label double")

local function std_of(j)
  local s, s2, n = 0, 0, #X
  for i = 1, n do s, s2 = s + X[i][j], s2 + X[i][j] ^ 2 end
  local mean = s / n
  return math.sqrt((s2 - n * mean * mean) / (n - 1))
end

-- The objective Spark minimises, in original coordinates: mean log loss +
-- regParam * ((1 - a)/2 * sum (w_j p_j)^2 + a * sum |w_j p_j|), where
-- p_j = std_j under standardization, 1 otherwise.
local function objective(w, b, reg, a, standardize)
  local loss = 0
  for i = 1, #X do
    local m = b
    for j = 1, 3 do m = m + w[j] * X[i][j] end
    loss = loss + math.log(1 + math.exp(m)) - Y[i] * m
  end
  local pen = 0
  for j = 1, 3 do
    local p = standardize and std_of(j) or 1
    pen = pen + (1 - a) / 2 * (w[j] * p) ^ 2 + a * math.abs(w[j] * p)
  end
  return loss / #X + reg * pen
end

-- Proximal gradient descent (ISTA) on the same objective: the reference.
local function reference(reg, a, standardize)
  local w, b = { 0, 0, 0 }, 0
  local step = 0.02
  for _ = 1, 60000 do
    local g, gb = { 0, 0, 0 }, 0
    for i = 1, #X do
      local m = b
      for j = 1, 3 do m = m + w[j] * X[i][j] end
      local r = 1 / (1 + math.exp(-m)) - Y[i]
      for j = 1, 3 do g[j] = g[j] + r * X[i][j] / #X end
      gb = gb + r / #X
    end
    b = b - step * gb
    for j = 1, 3 do
      local p = standardize and std_of(j) or 1
      local v = w[j] - step * (g[j] + reg * (1 - a) * p * p * w[j])
      local thr = step * reg * a * p
      w[j] = v > thr and v - thr or (v < -thr and v + thr or 0)
    end
  end
  return w, b
end

local cases = {
  { reg = 0, a = 0, standardize = true },
  { reg = 0.05, a = 0, standardize = true },
  { reg = 0.05, a = 0, standardize = false },
  { reg = 0.02, a = 1, standardize = false },
  { reg = 0.02, a = 0.5, standardize = true },
}
for _, c in ipairs(cases) do
  t.test(("the optimum matches gradient descent: regParam %g, elasticNet %g, standardization %s"):format(
    c.reg, c.a, tostring(c.standardize)), function()
    local model = ml.LogisticRegression { regParam = c.reg, elasticNetParam = c.a, standardization = c.standardize,
      tol = 1e-12, maxIter = 500 }:fit(small)
    local w = model.coefficients.values
    local rw, rb = reference(c.reg, c.a, c.standardize)
    local f = objective(w, model.intercept, c.reg, c.a, c.standardize)
    local rf = objective(rw, rb, c.reg, c.a, c.standardize)
    t.ok(f <= rf + 1e-9, ("L-BFGS objective %.12f is not below gradient descent's %.12f"):format(f, rf))
    t.ok(rf - f < 1e-6, ("objectives %.12f and %.12f differ"):format(f, rf))
    for j = 1, 3 do
      t.ok(math.abs(w[j] - rw[j]) < 2e-3, ("coefficient %d: %.6f vs %.6f"):format(j, w[j], rw[j]))
    end
    t.ok(math.abs(model.intercept - rb) < 2e-3, ("intercept %.6f vs %.6f"):format(model.intercept, rb))
    local h = model.summary.objectiveHistory
    for k = 2, #h do t.ok(h[k] <= h[k - 1] + 1e-12, "the objective never rises") end
    t.ok(math.abs(h[#h] - f) < 1e-9, "the last objective is the model's")
    if c.a == 1 then t.ok(w[2] ~= 0 or w[1] ~= 0, "L1 keeps the strong features") end
  end)
end

t.test("L1 zeroes coefficients; maxIter bounds the iterations", function()
  local model = ml.LogisticRegression { regParam = 0.5, elasticNetParam = 1 }:fit(small)
  t.same_table(model.coefficients.values, { 0, 0, 0 })
  local m10 = ml.LogisticRegression { maxIter = 3 }:fit(small)
  t.eq(m10.summary.totalIterations, 3)
  t.eq(#m10.summary.objectiveHistory, 4)
  -- Spark starts from the log-odds intercept: the first objective is the
  -- loss of the base rate.
  local pos = 0
  for _, y in ipairs(Y) do pos = pos + y end
  local p = pos / #Y
  t.ok(math.abs(m10.summary.objectiveHistory[1] + (p * math.log(p) + (1 - p) * math.log(1 - p))) < 1e-12)
end)

-- (Without standardization: the weighted std's unbiased denominator differs
-- from repeated rows', as in Spark.)
t.test("weights act as repeated rows", function()
  local doubled = {}
  for i, r in ipairs(rows) do
    doubled[#doubled + 1] = { r[1], r[2], 1.0 }
    if i % 3 == 0 then doubled[#doubled + 1] = { r[1], r[2], 1.0 } end
  end
  local weighted = {}
  for i, r in ipairs(rows) do weighted[i] = { r[1], r[2], i % 3 == 0 and 2.0 or 1.0 } end
  local a = ml.LogisticRegression { regParam = 0.01, tol = 1e-12, standardization = false }:fit(
    spark:createDataFrame(doubled, "features vector, label double, w double"))
  local b = ml.LogisticRegression { regParam = 0.01, tol = 1e-12, weightCol = "w", standardization = false }:fit(
    spark:createDataFrame(weighted, "features vector, label double, w double"))
  for j = 1, 3 do
    t.ok(math.abs(a.coefficients.values[j] - b.coefficients.values[j]) < 1e-6,
      ("coefficient %d: %.8f vs %.8f"):format(j, a.coefficients.values[j], b.coefficients.values[j]))
  end
end)

t.test("scoring: rawPrediction, probability, prediction and the threshold", function()
  local model = ml.LogisticRegressionModel.fromCoefficients({ 1, -2 }, 0.5)
  local df = spark:createDataFrame({ { V.dense { 1, 1 } }, { V.sparse(2, { 0 }, { 2 }) }, { nil } }, "features vector")
  local out = model:transform(df)
  t.eq(out.schema:simpleString(),
    "struct<features:vector,rawPrediction:vector,probability:double,prediction:double>")
  local r = out:collect()
  t.eq(tostring(r[1].rawPrediction), "[0.5,-0.5]")
  t.ok(math.abs(r[1].probability - 1 / (1 + math.exp(0.5))) < 1e-15)
  t.eq(r[1].prediction, 0)
  t.eq(r[2].prediction, 1)
  t.eq(r[3].probability, nil)
  model:setThreshold(0.9)
  t.eq(model:transform(df):collect()[2].prediction, 1) -- sigmoid(2.5) = 0.924
  model:setThreshold(0.95)
  t.eq(model:transform(df):collect()[2].prediction, 0)
  model:setRawPredictionCol("")
  t.eq(model:transform(df).schema:simpleString(), "struct<features:vector,probability:double,prediction:double>")
  t.raises(function() model:transform(spark:createDataFrame({ { V.dense { 1 } } }, "features vector")):collect() end,
    "the model has 2 features")
end)

t.test("thresholds, as Spark's binary LogisticRegression: {t0, t1} is threshold 1 / (1 + t0 / t1)", function()
  local model = ml.LogisticRegressionModel.fromCoefficients({ 1, -2 }, 0.5)
  local df = spark:createDataFrame({ { V.sparse(2, { 0 }, { 2 }) } }, "features vector") -- P(1) = sigmoid(2.5) = 0.924
  model:setThresholds({ 0.1, 0.9 })
  t.ok(math.abs(model:getThreshold() - 0.9) < 1e-15)
  t.eq(model:isSet("threshold"), false, "setting thresholds clears threshold")
  t.eq(model:transform(df):collect()[1].prediction, 1)
  t.eq(model:predict(V.sparse(2, { 0 }, { 2 })), 1)
  model:setThresholds({ 1, 19 }) -- threshold 0.95
  t.eq(model:transform(df):collect()[1].prediction, 0)
  t.eq(model:predict(V.sparse(2, { 0 }, { 2 })), 0)
  -- setting threshold clears thresholds; getThresholds gives {1 - t, t}
  model:setThreshold(0.25)
  t.eq(model:isSet("thresholds"), false)
  t.same_table(model:getThresholds(), { 0.75, 0.25 })
  -- an estimator's are its model's, and a saved model keeps them
  local lr = ml.LogisticRegression { thresholds = { 0.4, 0.6 } }
  t.ok(math.abs(lr:getThreshold() - 0.6) < 1e-15)
  local train = spark:createDataFrame({ { V.dense { 0 }, 0.0 }, { V.dense { 1 }, 1.0 }, { V.dense { 0.2 }, 0.0 },
    { V.dense { 0.9 }, 1.0 } }, "features vector, label double")
  local fitted = lr:fit(train)
  t.same_table(fitted:getThresholds(), { 0.4, 0.6 })
  local dir = t.tempdir() .. "/m"
  fitted:save(dir)
  t.same_table(ml.LogisticRegressionModel.load(dir):getThresholds(), { 0.4, 0.6 })
  -- PySpark's checks, with its messages
  t.has(t.raises(function() ml.LogisticRegression { threshold = 0.5, thresholds = { 0.4, 0.6 } } end),
    "Logistic Regression getThreshold found inconsistent values for threshold (0.5) and thresholds (equivalent to 0.6)")
  t.eq(ml.LogisticRegression { threshold = 0.6, thresholds = { 0.4, 0.6 } }:getThreshold(), 0.6)
  t.has(t.raises(function() ml.LogisticRegression():setThresholds({ 0.2, 0.3, 0.5 }):getThreshold() end),
    "getThreshold only applies to binary classification, but thresholds has length != 2.  thresholds: 0.2,0.3,0.5")
  t.has(t.raises(function() ml.LogisticRegression { thresholds = { 0, 0 } } end),
    "thresholds given invalid value [0,0]")
  t.has(t.raises(function() ml.LogisticRegression { thresholds = 0.5 } end), "Could not convert 0.5 to list of floats")
end)

t.test("labels are class indices: others are refused naming the row; a 2 makes three classes", function()
  local df = spark:createDataFrame({ { V.dense { 1 }, 0 }, { V.dense { 2 }, 2.5 } }, "features vector, label double")
  t.raises(function() ml.LogisticRegression {}:fit(df) end, "row 1: Labels MUST be Integers, but got 2.5")
  df = spark:createDataFrame({ { V.dense { 1 }, 0 }, { V.dense { 2 }, 2 } }, "features vector, label double")
  t.eq(ml.LogisticRegression {}:fit(df).numClasses, 3)
  t.raises(function() ml.LogisticRegression { family = "binomial" }:fit(df) end,
    "Binomial family only supports 1 or 2 outcome classes but found 3.")
end)

t.test("a parameter of the wrong kind fails where it is set", function()
  t.raises(function() ml.LogisticRegression { maxIter = "ten" } end, 'maxIter must be a number, not string "ten"')
  t.raises(function() ml.LogisticRegression():setFitIntercept("no") end, "fitIntercept must be a boolean")
  t.eq(ml.LogisticRegression { maxIter = 5, regParam = 0 }:getMaxIter(), 5)
end)

t.test("a parameter out of Spark's range fails where it is set", function()
  t.raises(function() ml.LogisticRegression { regParam = -1 } end, "regParam must be >= 0, not %-1")
  t.raises(function() ml.LogisticRegression():setElasticNetParam(1.5) end, "elasticNetParam must be in %[0, 1%], not 1.5")
  t.raises(function() ml.LogisticRegression { maxIter = -3 } end, "maxIter must be >= 0")
  t.raises(function() ml.LogisticRegression():setThreshold(2) end, "threshold must be in %[0, 1%]")
  t.eq(ml.LogisticRegression { elasticNetParam = 1, regParam = 0.5 }:getElasticNetParam(), 1)
end)

t.test("a pipeline's stage errors name the stage and the caller's line, not tide's", function()
  local df = spark:createDataFrame({ { "a", 1.0 }, { "b", 0.0 } }, "site string, label double")
  local pipe = ml.Pipeline { stages = { ml.StringIndexer { inputCol = "site", outputCol = "site_i" },
    ml.OneHotEncoder { inputCols = { "site_i" }, outputCols = { "site_v" } },
    ml.VectorAssembler { inputCols = { "site_v" }, outputCol = "features" },
    ml.LogisticRegression { labelCol = "lable" } } }
  local err = t.raises(function() pipe:fit(df) end, 'Pipeline stage 4 %(LogisticRegression_')
  t.ok(err:find('no column "lable" among', 1, true), err)
  t.ok(err:find("^tests/ml/test_logreg.lua:%d+: "), err)
  t.ok(not err:find("lua/tide/ml/", 1, true), err)
  local model = ml.Pipeline { stages = { ml.StringIndexer { inputCol = "site", outputCol = "site_i" } } }:fit(df)
  err = t.raises(function() model:transform(df:select("label")) end, "PipelineModel stage 1 %(StringIndexer_")
  t.ok(err:find('no column "site" among label', 1, true), err)
  t.ok(err:find("^tests/ml/test_logreg.lua:%d+: "), err)
end)

t.test("fit's errors name the stage and the column at the caller's line", function()
  local df = spark:createDataFrame({ { 1.0, 0.0, "a" } }, "x double, click double, s string")
  t.raises_at_caller {
    { function() ml.LogisticRegression {}:fit(small:withColumnRenamed("label", "click")) end,
      'LogisticRegression: no column "label" among features, click' },
    { function() ml.LogisticRegression { labelCol = "click", featuresCol = "x" }:fit(df) end,
      "LogisticRegression: features column x must be a vector column, not double" },
    { function() ml.LogisticRegression { labelCol = "s" }:fit(small:withColumn("s", tide.functions.lit("a"))) end,
      "LogisticRegression: label column s: column s has type string, not a number" },
    { function() ml.LogisticRegression { maxIter = 10.5 } end,
      'LogisticRegression: Invalid param value given for param "maxIter". Could not convert 10.5 to int' },
    { function() ml.LogisticRegression {}:setMaxIter(2.5) end, "Could not convert 2.5 to int" },
  }
  t.eq(ml.LogisticRegression { maxIter = 10 }:getMaxIter(), 10)
end)

t.test("one class only: zero coefficients and an infinite intercept, as Spark", function()
  local df = spark:createDataFrame({ { V.dense { 1 }, 1 }, { V.dense { 2 }, 1 } }, "features vector, label double")
  local stderr = io.stderr
  io.stderr = { write = function() end }
  local m = ml.LogisticRegression {}:fit(df)
  io.stderr = stderr
  t.eq(m.intercept, math.huge)
  t.same_table(m.coefficients.values, { 0 })
end)

t.test("evaluators: AUC, PR, accuracy, f1, log loss and the confusion matrix by hand", function()
  local df = spark:createDataFrame({ { 0.9, 1, 1 }, { 0.8, 0, 1 }, { 0.7, 1, 1 }, { 0.2, 0, 0 }, { 0.2, 1, 0 } },
    "probability double, label double, prediction double")
  local roc = ml.BinaryClassificationEvaluator { rawPredictionCol = "probability" }
  -- Of the 6 (positive, negative) pairs, (0.9,0.8) (0.9,0.2) (0.7,0.2) rank right and the tie
  -- (0.2,0.2) counts half: 3.5 of 6.
  t.ok(math.abs(roc:evaluate(df) - 3.5 / 6) < 1e-12, tostring(roc:evaluate(df)))
  -- PR points: (0,1) (1/3,1) (1/3,1/2) (2/3,2/3) (1,3/5), trapezoids.
  local pr = 1 / 3 * 1 + 0 + 1 / 3 * (0.5 + 2 / 3) / 2 + 1 / 3 * (2 / 3 + 0.6) / 2
  t.ok(math.abs(roc:evaluate(df, { metricName = "areaUnderPR" }) - pr) < 1e-12)
  local acc = ml.MulticlassClassificationEvaluator { metricName = "accuracy" }:evaluate(df)
  t.eq(acc, 3 / 5)
  local cm = ml.confusionMatrix(df)
  t.same_table(cm.labels, { 0, 1 })
  t.same_table(cm.matrix, { { 1, 1 }, { 1, 2 } })
  -- f1: class 0: p 1/2 r 1/2; class 1: p 2/3 r 2/3; weighted by 2/5 and 3/5.
  t.ok(math.abs(ml.MulticlassClassificationEvaluator {}:evaluate(df) - (0.4 * 0.5 + 0.6 * 2 / 3)) < 1e-12)
  local ll = -(math.log(0.9) + math.log(0.2) + math.log(0.7) + math.log(0.8) + math.log(0.2)) / 5
  t.ok(math.abs(ml.MulticlassClassificationEvaluator { metricName = "logLoss" }:evaluate(df) - ll) < 1e-12)
end)

t.test("the multiclass evaluator's weighted and per-label metrics are Spark's, weighted or not", function()
  -- (Spark 3.5.3's MulticlassClassificationEvaluator over the same rows:
  -- metricLabel 0, 1, 2, 3 and beta 0.5; label 3 is never predicted)
  local df = spark:createDataFrame({ { 0, 0, 1 }, { 0, 1, 2 }, { 0, 0, 1 }, { 1, 1, 1 }, { 1, 2, 0.5 }, { 2, 2, 1 },
    { 2, 2, 3 }, { 2, 0, 1 }, { 1, 1, 1 }, { 3, 1, 1 }, { 0, 0, 1 } }, "label double, prediction double, w double")
  local SPARK = {
    [false] = {
      weightedFalsePositiveRate = { 0.1542207792207792 }, weightedFMeasure = { 0.59808612440191378 },
      truePositiveRateByLabel = { 0.75, 2 / 3, 2 / 3, 0 }, falsePositiveRateByLabel = { 1 / 7, 0.25, 0.125, 0 },
      precisionByLabel = { 0.75, 0.5, 2 / 3, 0 }, recallByLabel = { 0.75, 2 / 3, 2 / 3, 0 },
      fMeasureByLabel = { 0.75, 0.52631578947368418, 2 / 3, 0 },
    },
    w = {
      weightedFalsePositiveRate = { 0.11586452762923351 }, weightedFMeasure = { 0.6689159829256448 },
      truePositiveRateByLabel = { 0.6, 0.8, 0.8, 0 }, falsePositiveRateByLabel = { 2 / 17, 3 / 11, 1 / 17, 0 },
      precisionByLabel = { 0.75, 0.4, 8 / 9, 0 }, recallByLabel = { 0.6, 0.8, 0.8, 0 },
      fMeasureByLabel = { 0.7142857142857143, 0.44444444444444448, 0.86956521739130443, 0 },
    },
  }
  for weightCol, metrics in pairs(SPARK) do
    for metric, values in pairs(metrics) do
      for i, want in ipairs(values) do
        local got = ml.MulticlassClassificationEvaluator { metricName = metric, metricLabel = i - 1, beta = 0.5,
          weightCol = weightCol or nil }:evaluate(df)
        t.ok(math.abs(got - want) < 1e-12, ("%s %s label %d: %.17g, Spark %.17g"):format(metric, tostring(weightCol),
          i - 1, got, want))
      end
    end
  end
  t.eq(ml.MulticlassClassificationEvaluator { metricName = "hammingLoss", weightCol = "w" }:evaluate(df),
    0.3333333333333333)
  t.eq(ml.MulticlassClassificationEvaluator { metricName = "falsePositiveRateByLabel" }:isLargerBetter(), false)
  t.eq(ml.MulticlassClassificationEvaluator { metricName = "weightedFMeasure" }:isLargerBetter(), true)
  t.has(t.raises(function()
    ml.MulticlassClassificationEvaluator { metricName = "precisionByLabel", metricLabel = 5 }:evaluate(df)
  end), "metricLabel 5 is no label of the rows")
end)

t.test("the seed's pipeline on generated click data beats chance clearly", function()
  local train, test = data.frames(24000, 7, { 0.7, 0.3 })
  local stages = data.seedStages("keep", ml.LogisticRegression { maxIter = 10, regParam = 0.01, standardization = false })
  local model = ml.Pipeline { stages = stages }:fit(train)
  local scored = model:transform(test)
  t.eq(scored:count(), test:count(), "keep scores every row")
  local auc = ml.BinaryClassificationEvaluator {}:evaluate(scored)
  t.ok(auc > 0.62, "AUC " .. auc)
  local base_rate = 0
  for _, r in ipairs(test:collect()) do base_rate = base_rate + r.label end
  base_rate = base_rate / test:count()
  local acc = ml.MulticlassClassificationEvaluator { metricName = "accuracy" }:evaluate(scored)
  t.ok(acc >= 1 - base_rate - 0.005, ("accuracy %.4f vs majority %.4f"):format(acc, 1 - base_rate))
  local ll = ml.logLoss(scored)
  local prior = -(base_rate * math.log(base_rate) + (1 - base_rate) * math.log(1 - base_rate))
  t.ok(ll < prior, ("log loss %.4f is below the base rate's %.4f"):format(ll, prior))
  -- The seed's settings (standardization on) overfit the nearly unique ids, as Spark does, yet still rank.
  local seed = ml.Pipeline { stages = data.seedStages("keep") }:fit(train)
  t.ok(ml.BinaryClassificationEvaluator {}:evaluate(seed:transform(test)) > 0.55)
end)

t.test("FTRL over hashed features: the progressive log loss falls batch after batch", function()
  local frames = { data.frames(30000, 11, { 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1 }) }
  local cols = {}
  for _, c in ipairs(data.STRING_COLS) do cols[#cols + 1] = c end
  for _, c in ipairs(data.NUMERIC_COLS) do cols[#cols + 1] = c end
  local hasher = ml.FeatureHasher { inputCols = cols, categoricalCols = data.NUMERIC_COLS, outputCol = "features",
    numFeatures = 2 ^ 18 }
  local learner = ml.OnlineLogisticRegression { alpha = 0.05, l1 = 1, l2 = 1 }
  for i = 1, 9 do learner:partialFit(hasher:transform(frames[i])) end
  local h = learner.lossHistory
  t.eq(#h, 9)
  t.eq(learner.rowsSeen, 27000)
  local first, last = h[1], (h[7] + h[8] + h[9]) / 3
  t.ok(last < first - 0.01, ("log loss %.4f then %.4f"):format(first, last))
  local scored = learner:transform(hasher:transform(frames[10]))
  local auc = ml.BinaryClassificationEvaluator { rawPredictionCol = "probability" }:evaluate(scored)
  t.ok(auc > 0.6, "held-out AUC " .. auc)
  -- The snapshot model scores the same.
  local snap = learner:model():transform(hasher:transform(frames[10])):collect()
  t.eq(snap[5].probability, scored:collect()[5].probability)
end)

-- Spark 3.5.3's fits (PySpark, local) of tests/ml/linear_rows.lua's 80
-- rows: Spark minimizes them with Breeze's LBFGS, or with an
-- L1 penalty its OWLQN, whose paths tide.ml.optim.breeze follows step for
-- step.
t.test("Spark's objective history and coefficients, step for step (L2, L1, weights)", function()
  local df = dofile("tests/ml/linear_rows.lua")(spark)
  local cases = {
    { {}, { 0.6179847542933894, 0.02880560615887469, -1.5981962418372742 }, -0.6007281132969243,
      { 0.6903320378906374, 0.5194460607475773, 0.507709605776727, 0.5053606304835487, 0.5052723760903197,
        0.5052713454565237, 0.5052711154349152, 0.505271115339659 } },
    { { regParam = 0.01, weightCol = "w", standardization = false },
      { 0.5978288171784848, -0.036272579151132384, -1.357492247349225 }, -0.9662795008997578,
      { 0.6602127945231473, 0.50882830307605, 0.5023004444267584, 0.5010364866826735, 0.5010099809317273,
        0.5010091928221362, 0.501009126463174, 0.5010091264271035 } },
    { { regParam = 0.1, elasticNetParam = 0.5 }, { 0.28503998182359436, 0.0, -0.8676933821207715 },
      -0.2284503769428342, { 0.6903320378906374, 0.6727137692199718, 0.6068517256136284, 0.606205869056754,
                             0.6061848842539228, 0.6061848200620171, 0.6061848199073727 } },
    { { regParam = 0.05, elasticNetParam = 1.0, standardization = false },
      { 0.40671524169489826, 0.0, -0.9905950556166307 }, -0.44766611073105556,
      { 0.6903320378906374, 0.6733955355644679, 0.5958618541184155, 0.5940763600213321, 0.593954094044277,
        0.5939536340393925, 0.5939536338436402, 0.5939536338411276 } },
  }
  for k, c in ipairs(cases) do
    local m = ml.LogisticRegression(c[1]):fit(df)
    local history = m.summary.objectiveHistory
    t.eq(#history, #c[4], "case " .. k)
    for i, v in ipairs(c[4]) do
      t.ok(math.abs(history[i] - v) <= 1e-12, ("case %d objective %d: %.17g, Spark's %.17g"):format(k, i - 1,
        history[i], v))
    end
    local coef = m.coefficients:toArray()
    for j = 1, 3 do
      t.ok(math.abs(coef[j] - c[2][j]) <= 1e-12, ("case %d coefficient %d: %.17g"):format(k, j - 1, coef[j]))
    end
    t.ok(math.abs(m.intercept - c[3]) <= 1e-12, ("case %d intercept %.17g"):format(k, m.intercept))
  end
  -- multinomial, L2: Spark's history too
  local spark_history = { 0.6903337201597337, 0.5311442926272081, 0.5279672907201278, 0.5275437331093729,
                          0.5275380612237437, 0.5275380076306295, 0.527538007409243 }
  local history = ml.LogisticRegression { regParam = 0.05, family = "multinomial" }:fit(df).summary.objectiveHistory
  t.eq(#history, #spark_history)
  for i, v in ipairs(spark_history) do
    t.ok(math.abs(history[i] - v) <= 1e-12, ("multinomial objective %d: %.17g"):format(i - 1, history[i]))
  end
end)

t.run()
