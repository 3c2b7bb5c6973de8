-- tide.ml.linear_svc — Spark ML's LinearSVC: a linear support vector
-- machine of two classes, the hinge loss (engine/ml_loss.c) with an L2
-- penalty minimized as Spark minimizes it (OWL-QN with no L1 weight, over
-- standardized features centered when there is an intercept, from zero
-- coefficients). Its model scores rawPrediction [-m, m] and prediction (1
-- when the margin m is above threshold), and has no probability.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local base = require("tide.ml.base")
local classification = require("tide.ml.classification")
local feature = require("tide.ml.feature")
local linalg = require("tide.ml.linalg")
local optim = require("tide.ml.optim")

local M = {}
local NONE = base.NONE
local errbuf, errlen = base.errbuf, base.errlen

local function doubles(n) return ffi.new("double[?]", math.max(n, 1)) end

local LinearSVC = base.class {
  name = "LinearSVC", sparkClass = "org.apache.spark.ml.classification.LinearSVC",
  params = { featuresCol = "features", labelCol = "label", predictionCol = "prediction",
             rawPredictionCol = "rawPrediction", weightCol = NONE, regParam = 0.0, maxIter = 100, fitIntercept = true,
             tol = 1e-6, standardization = true, threshold = 0.0, aggregationDepth = 2, maxBlockSizeInMB = 0.0 },
  ranges = { regParam = { 0 }, maxIter = { 0 }, tol = { 0 }, aggregationDepth = { 2 }, maxBlockSizeInMB = { 0 } },
  docs = {
    threshold = "The threshold in binary classification applied to the linear model prediction.  This threshold "
      .. "can be any real number, where Inf will make all predictions 0.0 and -Inf will make all predictions 1.0.",
  },
}
M.LinearSVC = LinearSVC

local LinearSVCModel = base.class {
  name = "LinearSVCModel", sparkClass = "org.apache.spark.ml.classification.LinearSVCModel",
  params = LinearSVC._defaults, ranges = LinearSVC._ranges, docs = LinearSVC._docs,
}
M.LinearSVCModel = LinearSVCModel
-- (a loaded model has no training summary, as in Spark)
LinearSVCModel.hasSummary = false

function LinearSVC:fit(df)
  local who = self._name
  local batch = base.materialize(df)
  local features_col = self:getOrDefault("featuresCol")
  local fcol = classification.featuresOf(batch, features_col, who)
  local label_col = self:getOrDefault("labelCol")
  local y, rows, largest = classification.labelsOf(batch, label_col, who)
  local w = classification.weightsOf(batch, self:getOrDefault("weightCol"), who)
  classification.checkRows(fcol, features_col, who)
  -- (as Spark's: the classes the label's metadata says, else largest + 1)
  local classes = largest + 1
  local attr = base.fieldOf(base.schemaOf(df), label_col, who).ml
  if attr and attr.nominal and attr.numValues then classes = math.max(classes, attr.numValues) end
  if classes ~= 2 then
    base.fail(("%s only supports binary classification. %d classes detected in %s"):format(who, classes, label_col))
  end
  local nf = fcol.vector_size
  local fit_intercept = self:getOrDefault("fitIntercept")
  local stats = feature.vectorStats(fcol, w)
  if stats.count == 0 then base.fail(who .. ": the training data has no rows (of weight > 0)") end
  local std, scale = doubles(nf), doubles(nf)
  for j = 0, nf - 1 do
    std[j] = math.sqrt(stats.variance[j])
    scale[j] = std[j] > 0 and 1 / std[j] or 0
  end
  local fg = classification.linearObjective { kind = C.TIDE_ML_LOSS_HINGE, fcol = fcol, y = y, w = w, rows = rows,
    nf = nf, scale = scale, mean = fit_intercept and stats.mean or nil, fitIntercept = fit_intercept,
    l2 = self:getOrDefault("regParam"), standardization = self:getOrDefault("standardization"), who = who }
  local dim = nf + (fit_intercept and 1 or 0)
  -- (Spark's OWL-QN with an L1 weight of 0: its steps keep to an orthant)
  local x, history, iterations = optim.breeze(fg, doubles(dim), dim, { maxIter = self:getOrDefault("maxIter"),
    tol = self:getOrDefault("tol"), owlqn = true })
  -- back from the centered, standardized problem
  local coef, intercept = {}, 0
  if fit_intercept then
    local shift = 0
    for j = 0, nf - 1 do shift = shift + x[j] * (scale[j] * stats.mean[j]) end
    intercept = x[nf] - shift
  end
  for j = 0, nf - 1 do coef[j + 1] = std[j] > 0 and x[j] / std[j] or 0 end
  local model = base.inherit(LinearSVCModel.new(), self)
  model:_setCoefficients(coef, intercept)
  return classification.withSummary(model, df, batch, history, iterations, "rawPredictionCol")
end

-- coefficients (a DenseVector), intercept, numFeatures; numClasses is 2.
function LinearSVCModel:_setCoefficients(coef, intercept)
  self.coefficients, self.intercept = linalg.dense(coef), intercept
  self.numFeatures, self.numClasses = #coef, 2
  self._coef = ffi.new("double[?]", math.max(#coef, 1), coef)
end

function LinearSVCModel:transform(df)
  local threshold = self:getOrDefault("threshold")
  return classification.addScores(self, df, T.double, function(features, out, raw, _, pred)
    return C.tide_ml_svc_score(out, features, self._coef, self.numFeatures, self.intercept, threshold, raw, pred,
      errbuf, errlen)
  end)
end

-- The metrics of the model's scores over df (Spark's LinearSVCSummary:
-- of the margin), as its training summary's but for the history.
function LinearSVCModel:evaluate(df)
  if df._streaming then error("LinearSVCModel:evaluate needs a batch DataFrame, not a streaming one", 2) end
  return classification.newSummary(self, df, "rawPredictionCol")
end

-- One vector at a time, as Spark's predictRaw and predict: the margin as
-- logistic regression's one vector's (the column's bits).
local margin = classification.vectorMargin

function LinearSVCModel:predictRaw(features)
  local m = margin(self, features, "predictRaw")
  return linalg.dense({ -m, m })
end

function LinearSVCModel:predict(features)
  return margin(self, features, "predict") > self:getOrDefault("threshold") and 1.0 or 0.0
end

function LinearSVCModel:_writeData(w)
  w:bytes("coefficients.f64", ffi.string(self._coef, self.numFeatures * 8))
  w:bytes("intercept.f64", ffi.string(ffi.new("double[1]", self.intercept), 8))
  w:json("data.json", { numFeatures = self.numFeatures })
end

function LinearSVCModel:_readData(r)
  local n = r:json("data.json").numFeatures
  if type(n) ~= "number" or n < 0 or n >= 2147483647 or n ~= math.floor(n) then
    r:fail("data.json", "numFeatures is missing or not a count")
  end
  local coef, list = r:doubles("coefficients.f64", nil, n), {}
  for j = 0, n - 1 do list[j + 1] = coef[j] end
  self:_setCoefficients(list, r:doubles("intercept.f64", nil, 1)[0])
end

return M
