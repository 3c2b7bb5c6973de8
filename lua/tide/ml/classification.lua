-- tide.ml.classification — logistic regression, as Spark ML's:
-- LogisticRegression (L-BFGS, OWL-QN with an L1 share) fit over a vector
-- column with the loss and gradient computed in C, binomial or
-- multinomial (tide.ml.multinomial) by Spark's family rules, its model's
-- scoring as one kernel per batch, and OnlineLogisticRegression, an
-- FTRL-Proximal learner that learns batch by batch (partialFit inside
-- foreachBatch). A fitted model's summary (Spark's training summary)
-- scores the training data when a metric is first read.
--
-- Output columns of a binomial model: rawPrediction (vector [-m, m],
-- Spark's), probability (a double: P(label = 1), where Spark gives a
-- vector), prediction (double); of a multinomial one, Spark's: the K
-- margins and the K probabilities as vectors, the class as a double.
-- Setting an output column to "" leaves it out, as in Spark.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local base = require("tide.ml.base")
local feature = require("tide.ml.feature")
local optim = require("tide.ml.optim")
local linalg = require("tide.ml.linalg")
local multinomial = require("tide.ml.multinomial")
local bounds = require("tide.ml.bounds")
local batchlib = require("tide.batch")

local M = {}
local NONE = base.NONE
local errbuf, errlen = base.errbuf, base.errlen

local function new(n) return ffi.new("double[?]", math.max(n, 1)) end

local check = base.check

local OUTPUT_PARAMS = { featuresCol = "features", labelCol = "label", predictionCol = "prediction",
  probabilityCol = "probability", rawPredictionCol = "rawPrediction", threshold = 0.5, weightCol = NONE }

local function params(extra)
  local p = {}
  for k, v in pairs(OUTPUT_PARAMS) do p[k] = v end
  for k, v in pairs(extra) do p[k] = v end
  return p
end

-- The label column of a batch as doubles, checked as Spark checks a
-- classifier's labels (whole numbers from 0), or to be 0 or 1 (binary);
-- with the largest.
local function labels_of(batch, name, who, binary)
  local col = base.column(batch, name, who)
  local n = tonumber(col.length)
  local y = new(n)
  check(C.tide_ml_column_doubles(col, y, errbuf, errlen), who .. ": label column " .. name, true)
  local largest = 0
  for i = 0, n - 1 do
    local v = y[i]
    if v ~= 0 and v ~= 1 then
      local function bad(why)
        base.fail(("%s: label column %s, row %d: %s"):format(who, name, i, why:format(batchlib.javaDouble(v))))
      end
      if v ~= v then bad("Labels MUST NOT be Null or NaN") end
      if binary then bad("label %s; online logistic regression needs labels 0 and 1") end
      if v < 0 or v >= 2147483647 then bad("Labels MUST be in [0, 2147483647), but got %s") end
      if v ~= math.floor(v) then bad("Labels MUST be Integers, but got %s") end
    end
    if v > largest then largest = v end
  end
  return y, n, largest
end

local function weights_of(batch, name, who)
  if not name or name == "" then return nil end
  local col = base.column(batch, name, who)
  local w = new(tonumber(col.length))
  check(C.tide_ml_column_doubles(col, w, errbuf, errlen), who .. ": weight column " .. name, true)
  for i = 0, tonumber(col.length) - 1 do
    if not (w[i] >= 0 and w[i] < math.huge) then
      base.fail(("%s: weight column %s, row %d: weights must be >= 0 and finite, not %s"):format(who, name, i,
        tostring(w[i])))
    end
  end
  return w
end

local function features_of(batch, name, who)
  local col = base.column(batch, name, who)
  if col.type ~= T.ID.vector then
    local tn = ffi.new("char[32]")
    base.fail(("%s: features column %s must be a vector column, not %s"):format(who, name,
      ffi.string(C.tide_ml_type_name(col, tn, 32))))
  end
  return col
end

-- Every row of a features column a fit can use: a null row fails (Spark
-- fails the fit on one; skipping it would fit other rows than asked and
-- leave the summary a null score), and so does a NaN or infinite value
-- (Spark's fit goes on and returns NaN coefficients; tide's optimizer
-- would stop at its first step with an intercept-only model and no word).
-- One pass over the entries, small beside one loss evaluation.
local function check_rows(col, name, who)
  local row, feature, value = ffi.new("int64_t[1]"), ffi.new("int32_t[1]"), ffi.new("double[1]")
  local rc = check(C.tide_ml_vector_check(col, row, feature, value, errbuf, errlen), who, true)
  if rc == 1 then
    base.fail(("%s: features column %s, row %d: the features vector is null; drop the rows without "
      .. "features first (df.na:drop{subset = {%q}})"):format(who, name, tonumber(row[0]), name))
  elseif rc == 2 then
    local v = value[0]
    base.fail(("%s: features column %s, row %d: feature %d is %s; a linear model cannot fit "
      .. "non-finite features (Spark would return NaN coefficients). Remove or impute them before fitting "
      .. "(VectorAssembler's handleInvalid = \"error\" or \"skip\" catch NaN inputs)"):format(
      who, name, tonumber(row[0]), feature[0], v ~= v and "NaN" or v > 0 and "Infinity" or "-Infinity"))
  end
end

-- Adds the score columns a model's output params ask for (one set to ""
-- is left out): rawPrediction a vector, probability of
-- probability_type, prediction a double. kernel(features, out, raw,
-- prob, pred) fills them from a batch's features column (a column not
-- wanted is NULL) and returns the C call's result.
local function add_scores(stage, df, probability_type, kernel)
  local fc = stage:getOrDefault("featuresCol")
  base.fieldOf(df.schema, fc, stage._name)
  local fields, slots = {}, {}
  for _, spec in ipairs({ { "raw", "rawPredictionCol", T.vector }, { "prob", "probabilityCol", probability_type },
                          { "pred", "predictionCol", T.double } }) do
    local name = stage:getOrDefault(spec[2])
    if name and name ~= "" then
      fields[#fields + 1] = T.field(name, spec[3], true)
      slots[spec[1]] = #fields
    end
  end
  return base.addColumns(df, stage, fields, function(input, out, first)
    local function slot(key) return slots[key] and out.columns[first + slots[key] - 1] or nil end
    check(kernel(base.column(input, fc), out, slot("raw"), slot("prob"), slot("pred")), "features column " .. fc)
  end)
end

-- A binomial model's scores; coef() gives (double array, number of
-- features, intercept) when a batch is scored, so an online model scores
-- with its latest weights.
local function score_transform(stage, df, coef)
  local threshold = stage:getThreshold()
  return add_scores(stage, df, T.double, function(features, out, raw, prob, pred)
    local w, n, b = coef()
    return C.tide_ml_lr_score(out, features, w, n, b, threshold, raw, prob, pred, errbuf, errlen)
  end)
end

-- A multinomial model's score columns: K margins and K probabilities
-- (vectors), the class; with thresholds (one a class) the class whose
-- probability over its threshold is largest.
local function softmax_transform(model, df)
  local K = model.numClasses
  local thresholds
  if model:isSet("thresholds") then
    local ts = model:getOrDefault("thresholds")
    if #ts ~= K then
      base.fail(("LogisticRegressionModel.transform() called with non-matching numClasses and thresholds.length."
        .. " numClasses=%d, but thresholds has length %d"):format(K, #ts))
    end
    thresholds = ffi.new("double[?]", K, ts)
  end
  local coef, nf = model._matrix, model.numFeatures
  return add_scores(model, df, T.vector, function(features, out, raw, prob, pred)
    return C.tide_ml_softmax_score(out, features, coef, nf, K, thresholds, raw, prob, pred, errbuf, errlen)
  end)
end

-- (what the other classifiers, tide.ml.naive_bayes and tide.ml.linear_svc,
-- share)
M.outputParams, M.labelsOf, M.weightsOf, M.featuresOf, M.checkRows = params, labels_of, weights_of, features_of,
  check_rows
M.addScores = add_scores

-- The objective a binary linear classifier minimizes, fg(coef, grad) ->
-- f for tide.ml.optim: the loss of `kind` (tide_ml_loss_kind) over the
-- rows divided by their weight, plus l2/2 |coef|^2 (each coefficient's
-- term times its scale^2 without standardization), coef the
-- coefficients of the standardized features (and the intercept last).
-- The optimizer works on standardized features, and with an intercept
-- (and o.mean) on centered ones too, as Spark's (SPARK-34448): features
-- far from zero beside their spread (an id-like 1005 +- 1) otherwise make
-- the problem so ill-conditioned that the first step barely moves the
-- loss and tol ends the fit there. Centering is virtual: the kernel works
-- on the original features, with w_j = beta_j * scale_j and the intercept
-- b = b' - sum_j w_j * mean_j; the gradient with respect to beta_j is
-- scale_j * (g_j - mean_j * g_b).
function M.linearObjective(o)
  local nf, scale, mean, fit_intercept, l2 = o.nf, o.scale, o.mean, o.fitIntercept, o.l2
  local dim = nf + (fit_intercept and 1 or 0)
  local wsum = ffi.new("double[1]")
  local threads = C.tide_ml_cpu_count()
  local orig = new(dim)
  return function(coef, grad)
    ffi.fill(grad, dim * 8)
    local shift = 0
    for j = 0, nf - 1 do
      orig[j] = coef[j] * scale[j]
      if mean then shift = shift + orig[j] * mean[j] end
    end
    if fit_intercept then orig[nf] = coef[nf] - shift end
    wsum[0] = 0
    local loss = C.tide_ml_loss_grad_parallel(o.kind, o.fcol, o.y, o.w, o.rows, orig, nf, 1, fit_intercept and 1 or 0,
      threads, grad, wsum)
    if wsum[0] ~= wsum[0] then base.fail(o.who .. ": out of memory computing the loss") end
    local W = wsum[0]
    local f = loss / W
    local g_b = fit_intercept and grad[nf] / W or 0
    for j = 0, nf - 1 do
      grad[j] = (grad[j] / W - (mean and mean[j] * g_b or 0)) * scale[j]
    end
    if fit_intercept then grad[nf] = g_b end
    if l2 > 0 then
      for j = 0, nf - 1 do
        local c = coef[j]
        local pen = o.standardization and 1 or scale[j] * scale[j]
        f = f + 0.5 * l2 * c * c * pen
        grad[j] = grad[j] + l2 * c * pen
      end
    end
    return f
  end
end

-- ---- LogisticRegression -------------------------------------------------------------------

local LogisticRegression = base.class {
  name = "LogisticRegression", sparkClass = "org.apache.spark.ml.classification.LogisticRegression",
  params = params { maxIter = 100, regParam = 0.0, elasticNetParam = 0.0, tol = 1e-6, fitIntercept = true,
                    standardization = true, family = "auto", aggregationDepth = 2, thresholds = NONE,
                    lowerBoundsOnCoefficients = NONE, upperBoundsOnCoefficients = NONE,
                    lowerBoundsOnIntercepts = NONE, upperBoundsOnIntercepts = NONE, maxBlockSizeInMB = 0.0 },
  choices = { family = { "auto", "binomial", "multinomial" } },
  ranges = { maxIter = { 0 }, regParam = { 0 }, elasticNetParam = { 0, 1 }, tol = { 0 }, aggregationDepth = { 2 },
             threshold = { 0, 1 }, maxBlockSizeInMB = { 0 } },
}
M.LogisticRegression = LogisticRegression

local LogisticRegressionModel = base.class {
  name = "LogisticRegressionModel", sparkClass = "org.apache.spark.ml.classification.LogisticRegressionModel",
  params = LogisticRegression._defaults, choices = LogisticRegression._choices,
  ranges = LogisticRegression._ranges,
}
M.LogisticRegressionModel = LogisticRegressionModel

-- threshold and thresholds, as Spark's binary LogisticRegression (and
-- PySpark's) keeps them: setting one clears the other; thresholds
-- {t0, t1} (predict the class whose probability over its t is larger) is
-- threshold 1 / (1 + t0 / t1); both set must agree.
local function equivalent(stage, ts)
  if #ts ~= 2 then
    base.fail(("%s: Logistic Regression getThreshold only applies to binary classification, but thresholds has"
      .. " length != 2.  thresholds: %s"):format(stage._name, table.concat(ts, ",")))
  end
  return 1.0 / (1.0 + ts[1] / ts[2])
end

local function consistent(stage)
  if stage:isSet("threshold") and stage:isSet("thresholds") then
    local t, given = equivalent(stage, stage:getOrDefault("thresholds")), stage:getOrDefault("threshold")
    if math.abs(given - t) >= 1e-5 then
      base.fail(("%s: Logistic Regression getThreshold found inconsistent values for threshold (%g) and"
        .. " thresholds (equivalent to %g)"):format(stage._name, given, t))
    end
  end
end

for _, cls in ipairs({ LogisticRegression, LogisticRegressionModel }) do
  function cls:setThreshold(t)
    self:set("threshold", t)
    return self:clear("thresholds")
  end
  function cls:setThresholds(ts)
    self:set("thresholds", ts)
    return self:clear("threshold")
  end
  -- The probability of label 1 above which a row is predicted 1.
  function cls:getThreshold()
    consistent(self)
    if self:isSet("thresholds") then return equivalent(self, self:getOrDefault("thresholds")) end
    return self:getOrDefault("threshold")
  end
  function cls:getThresholds()
    consistent(self)
    if not self:isSet("thresholds") and self:isSet("threshold") then
      local t = self:getOrDefault("threshold")
      return { 1 - t, t }
    end
    return self:need("thresholds")
  end
  -- (both given to the constructor must agree, as PySpark's setParams checks)
  cls._init = consistent
end

-- A model from coefficients (a Lua list) and an intercept.
function LogisticRegressionModel.fromCoefficients(coefficients, intercept, params_table)
  if type(coefficients) ~= "table" then error("fromCoefficients needs a list of numbers", 2) end
  local model = LogisticRegressionModel.new(params_table)
  model:_setCoefficients(feature.fromList(coefficients), #coefficients, intercept or 0)
  return model
end

function LogisticRegressionModel:_setCoefficients(coef, n, intercept)
  self._coef, self.numFeatures, self.intercept = coef, n, intercept
  self.coefficients = linalg.dense(feature.toList(coef, n))
  self.numClasses = 2
  self.coefficientMatrix, self.interceptVector = nil, nil
end

-- A multinomial model over K classes, from coefficients laid out as
-- tide.ml.multinomial's (its K intercepts after them).
function LogisticRegressionModel:_setMultinomial(coef, n, K)
  self._matrix, self._multinomial, self.numFeatures, self.numClasses = coef, true, n, K
  self.coefficientMatrix, self.interceptVector = nil, nil
end

-- Spark's matrix forms, made when first read (a model of a million
-- features would otherwise hold them twice more as Lua tables): the
-- coefficients K x numFeatures (1 x numFeatures binomial), the intercepts.
local function matrix_forms(self)
  local matrix, intercepts
  if rawget(self, "_multinomial") then
    matrix, intercepts = multinomial.matrices(self._matrix, self.numFeatures, self.numClasses)
  else
    matrix, intercepts = linalg.denseMatrix(1, self.numFeatures, self.coefficients.values), linalg.dense({
      self.intercept })
  end
  rawset(self, "coefficientMatrix", matrix)
  rawset(self, "interceptVector", intercepts)
end

-- A multinomial model has no coefficients vector nor intercept: reading
-- them fails with Spark's message.
local MATRIX_ONLY = {
  coefficients = "Multinomial models contain a matrix of coefficients, use coefficientMatrix instead.",
  intercept = "Multinomial models contain a vector of intercepts, use interceptVector instead.",
}
LogisticRegressionModel.__index = function(self, key)
  local v = LogisticRegressionModel[key]
  if v ~= nil then return v end
  if MATRIX_ONLY[key] and rawget(self, "_multinomial") then base.fail(MATRIX_ONLY[key]) end
  if (key == "coefficientMatrix" or key == "interceptVector") and rawget(self, "numFeatures") then
    matrix_forms(self)
    return rawget(self, key)
  end
  return base.paramAttribute(self, key)
end

-- ---- summaries ---------------------------------------------------------------------------

-- Spark's BinaryLogisticRegressionSummary: a model's predictions over a
-- DataFrame and their metrics. Nothing runs until a metric is read: the
-- first one scores the DataFrame once (the label, probability, prediction
-- and weight columns kept) and fills them all, as Spark computes them
-- from its predictions. The training summary (model.summary) adds the
-- fit's objectiveHistory and totalIterations.
local Summary = {}

-- Filled together by compute_metrics.
local METRICS = { areaUnderROC = true, accuracy = true, labels = true, truePositiveRateByLabel = true,
  falsePositiveRateByLabel = true, precisionByLabel = true, recallByLabel = true, weightedTruePositiveRate = true,
  weightedFalsePositiveRate = true, weightedRecall = true, weightedPrecision = true }
-- Spark's curves, DataFrames of the binned points of the probability
-- (Spark's summary bins them to 1000 points, as its evaluator does): each
-- its columns, and its rows from a point (threshold, tp, fp; positives and
-- negatives in all) as Spark's BinaryConfusionMatrix measures it.
local function precision(tp, fp) return tp + fp == 0 and 1.0 or tp / (tp + fp) end
local function ratio(part, all) return all == 0 and 0.0 or part / all end
local CURVES = {
  roc = { "FPR double, TPR double", function(_, tp, fp, p, n) return { ratio(fp, n), ratio(tp, p) } end },
  pr = { "recall double, precision double", function(_, tp, fp, p) return { ratio(tp, p), precision(tp, fp) } end },
  fMeasureByThreshold = { "threshold double, `F-Measure` double", function(t, tp, fp, p)
    local pr, re = precision(tp, fp), ratio(tp, p)
    return { t, pr + re == 0 and 0.0 or 2 * pr * re / (pr + re) }
  end },
  precisionByThreshold = { "threshold double, precision double",
    function(t, tp, fp) return { t, precision(tp, fp) } end },
  recallByThreshold = { "threshold double, recall double", function(t, tp, _, p) return { t, ratio(tp, p) } end },
}

-- The DataFrame of curve `name` over the binned points.
local function curve_frame(self, name)
  local c, spec = rawget(self, "_curve"), CURVES[name]
  local p, n = c.k > 0 and c.tp[c.k - 1] or 0, c.k > 0 and c.fp[c.k - 1] or 0
  local rows = {}
  for i = 0, c.k - 1 do rows[#rows + 1] = spec[2](c.thresholds[i], c.tp[i], c.fp[i], p, n) end
  -- (ROC from (0,0) to (1,1); PR from (0, the first point's precision))
  if name == "roc" then
    table.insert(rows, 1, { 0.0, 0.0 })
    rows[#rows + 1] = { 1.0, 1.0 }
  elseif name == "pr" then
    table.insert(rows, 1, { 0.0, rows[1] and rows[1][2] or 1.0 })
  end
  return self.predictions._session:createDataFrame(rows, spec[1])
end

local compute_metrics

-- What only a binary summary has (Spark's BinaryLogisticRegressionSummary).
local BINARY_ONLY = { areaUnderROC = true }
for name in pairs(CURVES) do BINARY_ONLY[name] = true end

Summary.__index = function(self, key)
  local method = Summary[key]
  if method ~= nil then return method end
  if BINARY_ONLY[key] and not rawget(self, "_binary") then
    base.fail(("LogisticRegressionSummary: %s is a binary summary's; a model of %d classes has the multiclass "
      .. "metrics (accuracy, weightedFMeasure(), ...ByLabel)"):format(key, self._model.numClasses))
  end
  if METRICS[key] then
    compute_metrics(self)
    return rawget(self, key)
  end
  if key == "predictions" then
    local p = self._model:transform(self._data)
    rawset(self, "predictions", p)
    return p
  end
  if CURVES[key] then
    compute_metrics(self)
    local df = curve_frame(self, key)
    rawset(self, key, df)
    return df
  end
  return nil
end

-- The summary of model's predictions over df, scored by the column of
-- score_param (probabilityCol; a linear SVM's rawPredictionCol). model is
-- copied, so that a later setThreshold does not change what the summary
-- reports; an output column set to "" gets a name of its own, as in Spark.
local function new_summary(model, df, score_param)
  score_param = score_param or "probabilityCol"
  local prob, pred = model:getOrDefault(score_param), model:getOrDefault("predictionCol")
  local extra = {}
  if prob == "" then prob = score_param:gsub("Col$", "") .. "_" .. model.uid; extra[score_param] = prob end
  if pred == "" then pred = "prediction_" .. model.uid; extra.predictionCol = pred end
  local weight = model:getOrDefault("weightCol")
  if weight == "" then weight = nil end
  local copy = model:copy(extra)
  copy.summary, copy.hasSummary = nil, nil
  return setmetatable({ _model = copy, _data = df, _binary = model.numClasses <= 2,
    labelCol = model:getOrDefault("labelCol"), featuresCol = model:getOrDefault("featuresCol"),
    probabilityCol = prob, scoreCol = prob, predictionCol = pred, weightCol = weight }, Summary)
end

-- Per label (labels: the actual ones, sorted, as Spark's): Spark's
-- MulticlassMetrics over the (weighted) confusion matrix, and the curves
-- of the probability and the area under ROC, binned to 1000 points as
-- Spark's summary bins them.
compute_metrics = function(self)
  if rawget(self, "_curve") ~= nil then return end
  local evaluation = require("tide.ml.evaluation")
  local cols = { self.labelCol, self.probabilityCol, self.predictionCol, self.weightCol }
  local scored = base.frame(nil, self.predictions:select(cols):toBatch())
  local who = "LogisticRegressionSummary"
  if self._binary then
    local curve = evaluation.binaryCurve(scored, evaluation.BinaryClassificationEvaluator {
      rawPredictionCol = self.probabilityCol, labelCol = self.labelCol, weightCol = self.weightCol, numBins = 1000 },
      who)
    rawset(self, "_curve", curve)
    rawset(self, "areaUnderROC", (evaluation.binaryAreas(curve)))
  else
    rawset(self, "_curve", false)
  end
  local cm = evaluation.confusionMatrix(scored, self.labelCol, self.predictionCol, self.weightCol, who)
  local k, m = #cm.labels, cm.matrix
  local actual, predicted, total, correct = {}, {}, 0, 0
  for i = 1, k do actual[i], predicted[i] = 0, 0 end
  for i = 1, k do
    for j = 1, k do
      actual[i], predicted[j], total = actual[i] + m[i][j], predicted[j] + m[i][j], total + m[i][j]
    end
    correct = correct + m[i][i]
  end
  local labels, tpr, fpr, precision = {}, {}, {}, {}
  local w_tpr, w_fpr, w_precision = 0, 0, 0
  for i = 1, k do
    if actual[i] > 0 then
      local tp, n = m[i][i], #labels + 1
      labels[n] = cm.labels[i]
      tpr[n] = tp / actual[i]
      fpr[n] = total > actual[i] and (predicted[i] - tp) / (total - actual[i]) or 0
      precision[n] = predicted[i] > 0 and tp / predicted[i] or 0
      local share = actual[i] / total
      w_tpr, w_fpr, w_precision = w_tpr + share * tpr[n], w_fpr + share * fpr[n], w_precision + share * precision[n]
    end
  end
  rawset(self, "labels", labels)
  rawset(self, "accuracy", total > 0 and correct / total or 0)
  rawset(self, "truePositiveRateByLabel", tpr)
  rawset(self, "recallByLabel", tpr)
  rawset(self, "falsePositiveRateByLabel", fpr)
  rawset(self, "precisionByLabel", precision)
  rawset(self, "weightedTruePositiveRate", w_tpr)
  rawset(self, "weightedRecall", w_tpr)
  rawset(self, "weightedFalsePositiveRate", w_fpr)
  rawset(self, "weightedPrecision", w_precision)
  -- each label's share of the rows, for the F-measures
  local shares = {}
  for i = 1, k do if actual[i] > 0 then shares[#shares + 1] = actual[i] / total end end
  rawset(self, "_shares", shares)
end

local function f_measure(p, r, beta)
  local b2 = beta * beta
  return (p + r) > 0 and (1 + b2) * p * r / (b2 * p + r) or 0
end

-- Spark's fMeasureByLabel(beta = 1.0): a list in the order of labels.
function Summary:fMeasureByLabel(beta)
  beta = beta or 1.0
  local out = {}
  for i, p in ipairs(self.precisionByLabel) do out[i] = f_measure(p, self.recallByLabel[i], beta) end
  return out
end

-- Spark's weightedFMeasure(beta = 1.0): the F-measures weighted by each
-- label's share of the rows (the MulticlassClassificationEvaluator's f1
-- for beta 1).
function Summary:weightedFMeasure(beta)
  local f, sum = self:fMeasureByLabel(beta), 0
  for i, share in ipairs(self._shares) do sum = sum + share * f[i] end
  return sum
end

-- The training data the summary scores, when the fit's input was a copy
-- held in memory: a Pipeline gives its input transformed by the stages
-- before this one, as a plan (Pipeline:fit).
function LogisticRegressionModel:_trainedOn(df)
  if self.hasSummary then self.summary._data = df end
end

-- The summary of the model's predictions over df (Spark's evaluate).
function LogisticRegressionModel:evaluate(df)
  if df._streaming then error("LogisticRegressionModel:evaluate needs a batch DataFrame, not a streaming one", 2) end
  return new_summary(self, df)
end
M.newSummary = new_summary

-- A model that was not fitted here (loaded, fromCoefficients) has no
-- training summary, as in Spark.
LogisticRegressionModel.hasSummary = false

-- The training summary keeps the training DataFrame (df, or the batch
-- fit was given) and scores it when a metric is first read.
local function with_summary(model, df, batch, history, iterations, score_param)
  local summary = new_summary(model, batchlib.isBatch(df) and base.frame(nil, batch) or df, score_param)
  summary.objectiveHistory, summary.totalIterations = history, iterations
  model.summary, model.hasSummary = summary, true
  return model
end
M.withSummary = with_summary

function LogisticRegression:fit(df)
  local who = "LogisticRegression"
  bounds.checkParams(self, who)
  local batch = base.materialize(df)
  local fcol = features_of(batch, self:getOrDefault("featuresCol"), who)
  local y, rows, largest = labels_of(batch, self:getOrDefault("labelCol"), who)
  local w = weights_of(batch, self:getOrDefault("weightCol"), who)
  check_rows(fcol, self:getOrDefault("featuresCol"), who)
  local nf = fcol.vector_size
  -- As Spark's: as many classes as the label column's metadata says (a
  -- StringIndexer's labels), or else the largest label + 1; the family
  -- says binomial or multinomial ("auto": multinomial above 2 classes).
  local seen = largest + 1
  local K = seen
  local label_attr = base.fieldOf(base.schemaOf(df), self:getOrDefault("labelCol"), who).ml
  if label_attr and label_attr.nominal and label_attr.numValues then
    K = label_attr.numValues
    if K < seen then
      base.fail(("%s: Specified number of classes %d was less than the number of unique labels %d."):format(who, K,
        seen))
    end
  end
  if K * (nf + 1) > 2 ^ 28 then
    base.fail(("%s: label %d makes %d classes, with %d features %.0f coefficients; a label is a class index from 0 "
      .. "(StringIndexer makes them)"):format(who, largest, K, nf, K * (nf + 1)))
  end
  local family = self:getOrDefault("family")
  if family == "binomial" and K > 2 then
    base.fail(("%s: Binomial family only supports 1 or 2 outcome classes but found %d."):format(who, K))
  end
  if self:isSet("thresholds") and #self:getOrDefault("thresholds") ~= K then
    base.fail(("LogisticRegression.train() called with non-matching numClasses and thresholds.length. numClasses=%d,"
      .. " but thresholds has length %d"):format(K, #self:getOrDefault("thresholds")))
  end
  local fit_intercept = self:getOrDefault("fitIntercept")
  local standardize = self:getOrDefault("standardization")
  local reg, alpha = self:getOrDefault("regParam"), self:getOrDefault("elasticNetParam")
  local l2, l1 = (1 - alpha) * reg, alpha * reg

  local stats = feature.vectorStats(fcol, w)
  local scale, std = new(nf), new(nf)
  for j = 0, nf - 1 do
    std[j] = math.sqrt(stats.variance[j])
    scale[j] = std[j] > 0 and 1 / std[j] or 0
  end
  -- each label's weight, 1-based
  local histogram, total = {}, 0
  for k = 1, seen do histogram[k] = 0 end
  for i = 0, rows - 1 do
    local wi, k = w and w[i] or 1, y[i] + 1
    histogram[k], total = histogram[k] + wi, total + wi
  end
  if total == 0 then base.fail(who .. ": the training data has no rows (of weight > 0)") end
  local pos = histogram[2] or 0

  local model = base.inherit(LogisticRegressionModel.new(), self)
  local multi = family == "multinomial" or K > 2
  local box = bounds.box(self, who, multi and K or 1, nf, std, fit_intercept)
  if multi then
    local coef, history, iterations = multinomial.fit { fcol = fcol, y = y, w = w, rows = rows, nf = nf, K = K,
      histogram = histogram, stats = stats, std = std, scale = scale, box = box, fitIntercept = fit_intercept,
      standardization = standardize, l1 = l1, l2 = l2, regParam = reg, maxIter = self:getOrDefault("maxIter"),
      tol = self:getOrDefault("tol") }
    model:_setMultinomial(coef, nf, K)
    return with_summary(model, df, batch, history, iterations)
  end
  local dim = nf + (fit_intercept and 1 or 0)
  local x = new(dim)
  local history, iterations
  if fit_intercept and (pos == 0 or pos == total) and not box then
    -- One class only: Spark's answer, zero coefficients and an infinite
    -- intercept (all labels 0: one class, -Infinity); within bounds, a fit.
    io.stderr:write(("tide: warning: LogisticRegression: all labels are %d; the intercept is %s\n"):format(
      pos == 0 and 0 or 1, pos == 0 and "-Infinity" or "Infinity"))
    x[nf] = pos == 0 and -math.huge or math.huge
    history, iterations = { 0 }, 0
  else
    if fit_intercept then x[nf] = math.log(pos / (total - pos)) end
    bounds.clamp(box, x)
    -- (one class only, within bounds: from the bound, or 0)
    if fit_intercept and (x[nf] == math.huge or x[nf] == -math.huge) then x[nf] = 0 end
    -- (not with a bound on the intercept: b' is no longer b, as in Spark)
    local mean = fit_intercept and not (box and box.intercepts) and stats.mean or nil
    local fg = M.linearObjective { kind = C.TIDE_ML_LOSS_LOGISTIC, fcol = fcol, y = y, w = w, rows = rows, nf = nf,
      scale = scale, mean = mean, fitIntercept = fit_intercept, l2 = l2, standardization = standardize, who = who }
    local l1w
    if l1 > 0 then
      l1w = new(dim)
      for j = 0, nf - 1 do l1w[j] = standardize and l1 or l1 * scale[j] end
    end
    -- (Spark's Breeze LBFGS, or with an L1 penalty its OWLQN, step for step;
    -- within bounds a projected L-BFGS where Spark runs L-BFGS-B)
    x, history, iterations = (box and optim.bounded or optim.breeze)(fg, x, dim, {
      maxIter = self:getOrDefault("maxIter"), tol = self:getOrDefault("tol"), l1 = l1w, owlqn = l1w ~= nil,
      lower = box and box.lower, upper = box and box.upper })
  end
  local centered = fit_intercept and not (box and box.intercepts)
  local coef, intercept = new(nf), fit_intercept and x[nf] or 0
  for j = 0, nf - 1 do
    -- (divided, as Spark's: a coefficient at its bound is the bound's bits)
    coef[j] = std[j] > 0 and x[j] / std[j] or 0
    -- (an infinite intercept, one class only, stays as it is)
    if centered and coef[j] ~= 0 then intercept = intercept - coef[j] * stats.mean[j] end
  end
  model:_setCoefficients(coef, nf, intercept)
  return with_summary(model, df, batch, history, iterations)
end

function LogisticRegressionModel:transform(df)
  if self._multinomial then return softmax_transform(self, df) end
  return score_transform(self, df, function() return self._coef, self.numFeatures, self.intercept end)
end

-- ---- one vector at a time (Spark's predict, predictRaw, predictProbability) -------------------

-- The margin of one features vector (a tide.ml.linalg vector): its
-- entries' products summed in order, then the intercept added, as
-- tide_ml_lr_score sums a row, so the scores are the column's bits.
local function checked(model, features, method)
  local who = model._name .. ":" .. method
  if not linalg.isVector(features) then
    base.fail(("%s needs a vector (ml.Vectors.dense{...} or ml.Vectors.sparse(...)), not %s"):format(who,
      type(features)))
  end
  if features.size ~= model.numFeatures then
    base.fail(("%s: the vector has size %d; the model has %d features"):format(who, features.size,
      model.numFeatures))
  end
  return features
end

-- A multinomial model's margins and probabilities of one vector.
local function class_scores(model, features, method)
  local m = multinomial.margins(model._matrix, model.numFeatures, model.numClasses, checked(model, features, method))
  return m, multinomial.softmax(m)
end

local function margin(model, features, method)
  checked(model, features, method)
  local coef, values, s = model._coef, features.values, 0.0
  if features.dense then
    for j = 1, #values do s = s + coef[j - 1] * values[j] end
  else
    for k, j in ipairs(features.indices) do s = s + coef[j] * values[k] end
  end
  return model.intercept + s
end
M.vectorMargin = margin

local function sigmoid(m)
  if m >= 0 then return 1.0 / (1.0 + math.exp(-m)) end
  local e = math.exp(m)
  return e / (1.0 + e)
end

-- 1.0 when P(label = 1) > threshold, else 0.0 (the prediction column's);
-- a multinomial model's class.
function LogisticRegressionModel:predict(features)
  if self._multinomial then
    local m, p = class_scores(self, features, "predict")
    return multinomial.predicted(m, p, self:isSet("thresholds") and self:getOrDefault("thresholds") or nil) + 0.0
  end
  return sigmoid(margin(self, features, "predict")) > self:getThreshold() and 1.0 or 0.0
end

-- [-m, m], the rawPrediction column's vector (a multinomial model's: the
-- K margins).
function LogisticRegressionModel:predictRaw(features)
  if self._multinomial then return linalg.dense((class_scores(self, features, "predictRaw"))) end
  local m = margin(self, features, "predictRaw")
  return linalg.dense({ -m, m })
end

-- [1 - p, p], p = P(label = 1) (the probability column's double), as
-- Spark's probability vector.
function LogisticRegressionModel:predictProbability(features)
  if self._multinomial then
    local _, p = class_scores(self, features, "predictProbability")
    return linalg.dense(p)
  end
  local p = sigmoid(margin(self, features, "predictProbability"))
  return linalg.dense({ 1 - p, p })
end

local function number_json(x)
  if x == math.huge then return "Infinity" elseif x == -math.huge then return "-Infinity" end
  return x
end
local function json_number(x)
  if x == "Infinity" then return math.huge elseif x == "-Infinity" then return -math.huge end
  return x
end

function LogisticRegressionModel:_writeData(w)
  if self._multinomial then
    -- (feature-major, the K intercepts last: tide.ml.multinomial's layout)
    local K, n = self.numClasses, self.numFeatures
    w:bytes("multinomial.f64", ffi.string(self._matrix, (n + 1) * K * 8))
    w:json("data.json", { numClasses = K, numFeatures = n, isMultinomial = true,
      objectiveHistory = self.summary and self.summary.objectiveHistory or nil })
    return
  end
  w:bytes("coefficients.f64", ffi.string(self._coef, self.numFeatures * 8))
  w:json("data.json", { numClasses = 2, numFeatures = self.numFeatures, intercept = number_json(self.intercept),
    objectiveHistory = self.summary and self.summary.objectiveHistory or nil })
end

function LogisticRegressionModel:_readData(r)
  local d = r:json("data.json")
  local n = d.numFeatures
  if type(n) ~= "number" or n < 0 or n ~= math.floor(n) then
    r:fail("data.json", "numFeatures is missing or not a count")
  end
  if d.isMultinomial then
    local K = d.numClasses
    if type(K) ~= "number" or K < 1 or K ~= math.floor(K) then
      r:fail("data.json", "numClasses is missing or not a count")
    end
    local size = (n + 1) * K
    self:_setMultinomial(r:doubles("multinomial.f64", nil, size, ("%d classes of %d features"):format(K, n)),
      n, K)
    return
  end
  local coef = r:doubles("coefficients.f64", nil, n, n .. " features")
  local intercept = json_number(d.intercept)
  if type(intercept) ~= "number" then r:fail("data.json", "intercept is not a number") end
  self:_setCoefficients(coef, n, intercept)
end

-- ---- OnlineLogisticRegression (FTRL-Proximal) -----------------------------------------------

local Online = base.class {
  name = "OnlineLogisticRegression", sparkClass = "tide.ml.OnlineLogisticRegression",
  params = params { numFeatures = 262144, alpha = 0.1, beta = 1.0, l1 = 1.0, l2 = 1.0 },
}
M.OnlineLogisticRegression = Online
M.FTRL = Online

function Online:_init()
  self.lossHistory = {}
  self.rowsSeen = 0
end

function Online:_state()
  if not self._z then
    local n = self:getOrDefault("numFeatures")
    self._z, self._n, self._w = new(n + 1), new(n + 1), new(n + 1)
    self._size = n
  end
  return self._z, self._n
end

-- Learns from every row of df (a batch DataFrame, e.g. foreachBatch's, or
-- a batch); each row is scored before it updates the weights, and the
-- mean of those log losses is appended to lossHistory (progressive
-- validation). Returns self.
function Online:partialFit(df)
  local who = "OnlineLogisticRegression"
  local batch = base.materialize(df)
  local z, n = self:_state()
  local fcol = features_of(batch, self:getOrDefault("featuresCol"), who)
  if fcol.vector_size ~= self._size then
    error(("%s: features hold vectors of size %d; numFeatures is %d"):format(who, fcol.vector_size, self._size), 2)
  end
  local y, rows = labels_of(batch, self:getOrDefault("labelCol"), who, true)
  local w = weights_of(batch, self:getOrDefault("weightCol"), who)
  -- (a NaN would poison the weights for every later batch)
  check_rows(fcol, self:getOrDefault("featuresCol"), who)
  local used = ffi.new("int64_t[1]")
  local loss = C.tide_ml_ftrl_update(fcol, y, w, 0, rows, z, n, self._size, self:getOrDefault("alpha"),
    self:getOrDefault("beta"), self:getOrDefault("l1"), self:getOrDefault("l2"), used)
  local k = tonumber(used[0])
  if k > 0 then self.lossHistory[#self.lossHistory + 1] = loss / k end
  self.rowsSeen = self.rowsSeen + k
  self._dirty = true
  return self
end

function Online:_weights()
  self:_state()
  if self._dirty ~= false then
    C.tide_ml_ftrl_weights(self._z, self._n, self._size + 1, self:getOrDefault("alpha"), self:getOrDefault("beta"),
      self:getOrDefault("l1"), self:getOrDefault("l2"), self._w)
    self._dirty = false
  end
  return self._w, self._size, self._w[self._size]
end

-- Scores with the weights learnt so far when each batch runs.
function Online:transform(df)
  return score_transform(self, df, function() return self:_weights() end)
end

-- The current weights as a LogisticRegressionModel.
function Online:model()
  local w, n, b = self:_weights()
  local coef = new(n)
  ffi.copy(coef, w, n * 8)
  local model = LogisticRegressionModel.new()
  for k, v in pairs(self._set) do if model._defaults[k] ~= nil then model._set[k] = v end end
  model:_setCoefficients(coef, n, b)
  return model
end

function Online:_writeData(wr)
  self:_state()
  wr:bytes("z.f64", ffi.string(self._z, (self._size + 1) * 8))
  wr:bytes("n.f64", ffi.string(self._n, (self._size + 1) * 8))
  wr:json("data.json", { numFeatures = self._size, rowsSeen = self.rowsSeen, lossHistory = self.lossHistory })
end

function Online:_readData(r)
  local d = r:json("data.json")
  self:set("numFeatures", d.numFeatures)
  self._z = nil
  local z, n = self:_state()
  for _, pair in ipairs({ { "z.f64", z }, { "n.f64", n } }) do
    r:doubles(pair[1], pair[2], self._size + 1)
  end
  self.rowsSeen = d.rowsSeen or 0
  self.lossHistory = { unpack(d.lossHistory or {}) }
  self._dirty = true
end

return M
