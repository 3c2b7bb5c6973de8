-- tide.ml.naive_bayes — Spark ML's NaiveBayes: multinomial (default) and
-- complement over counts, bernoulli over 0/1 features, gaussian over any
-- numbers. The fit is one pass per class over the rows: Spark's sums (its
-- Summarizer's running means over the values that are not 0), priors pi
-- and conditional log probabilities theta (gaussian: means theta and
-- variances sigma). The multinomial and bernoulli margins are linear and
-- scored by the multinomial logistic regression kernel; the complement's
-- and gaussian's are computed here a batch at a time, then scored by
-- tide_ml_class_scores. Probabilities are the margins' softmax, as Spark's.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local base = require("tide.ml.base")
local classification = require("tide.ml.classification")
local linalg = require("tide.ml.linalg")
local batchlib = require("tide.batch")

local M = {}
local NONE = base.NONE
local errbuf, errlen = base.errbuf, base.errlen

local function doubles(n) return ffi.new("double[?]", math.max(n, 1)) end

local NaiveBayes = base.class {
  name = "NaiveBayes", sparkClass = "org.apache.spark.ml.classification.NaiveBayes",
  params = (function()
    local p = classification.outputParams({ smoothing = 1.0, modelType = "multinomial", thresholds = NONE })
    p.threshold = nil
    return p
  end)(),
  choices = { modelType = { "multinomial", "bernoulli", "gaussian", "complement" } },
  ranges = { smoothing = { 0 } },
  docs = {
    smoothing = "The smoothing parameter, should be >= 0, default is 1.0",
    modelType = "The model type which is a string (case-sensitive). Supported options: multinomial (default), "
      .. "bernoulli and gaussian.",
  },
}
M.NaiveBayes = NaiveBayes

local NaiveBayesModel = base.class {
  name = "NaiveBayesModel", sparkClass = "org.apache.spark.ml.classification.NaiveBayesModel",
  params = NaiveBayes._defaults, choices = NaiveBayes._choices, ranges = NaiveBayes._ranges, docs = NaiveBayes._docs,
}
M.NaiveBayesModel = NaiveBayesModel

-- The features' values each model type takes, checked on each row as
-- Spark checks them (its messages name the vector; tide's the row too).
local VALUES = {
  multinomial = { ok = function(v) return v >= 0 and v < math.huge end,
                  message = "Vector values MUST NOT be Negative, NaN or Infinity, but got %s" },
  bernoulli = { ok = function(v) return v == 0 or v == 1 end, message = "Vector values MUST be in {0, 1}, but got %s" },
  gaussian = { ok = function(v) return v == v end, message = "Vector values MUST NOT be NaN, but got %s" },
}
VALUES.complement = VALUES.multinomial

-- (prefix starts each message; a null row fails unless nulls_score: a
-- fit needs every row, scoring gives a null row nulls)
local function check_values(col, mode, prefix, nulls_score)
  local rule = VALUES[mode]
  local off = ffi.cast("const int64_t *", col.values)
  local cv = ffi.cast("const double *", col.children[1].values)
  for i = 0, tonumber(col.length) - 1 do
    if not nulls_score and not batchlib.isValid(col, i) then
      error(("%srow %d: Vectors MUST NOT be Null"):format(prefix, i), 0)
    end
    for e = tonumber(off[i]), tonumber(off[i + 1]) - 1 do
      if not rule.ok(cv[e]) then
        error(("%srow %d: " .. rule.message):format(prefix, i, batchlib.cellText(col, i)), 0)
      end
    end
  end
end

-- Per class (the labels present, sorted: Spark's classes are the labels
-- there are, so labels {0, 2} make a model of 2 classes whose prediction 1
-- stands for label 2), the weight sum and, over each feature's values that
-- are not 0, Spark's Summarizer state: running mean, weight sum, sum of
-- squares.
local function class_sums(y, w, col, n)
  local labels, at = {}, {}
  for i = 0, n - 1 do
    if not at[y[i]] then at[y[i]] = true; labels[#labels + 1] = y[i] end
  end
  table.sort(labels)
  for k, v in ipairs(labels) do at[v] = k - 1 end
  local d, K = col.vector_size, #labels
  local s = { labels = labels, K = K, d = d, weight = doubles(K), total = doubles(K), mean = doubles(K * d),
              wsum = doubles(K * d), m2 = doubles(K * d) }
  local off = ffi.cast("const int64_t *", col.values)
  local ci = ffi.cast("const int32_t *", col.children[0].values)
  local cv = ffi.cast("const double *", col.children[1].values)
  for i = 0, n - 1 do
    local c, wi = at[y[i]], w and w[i] or 1.0
    s.weight[c] = s.weight[c] + wi
    if wi ~= 0 then
      s.total[c] = s.total[c] + wi
      for e = tonumber(off[i]), tonumber(off[i + 1]) - 1 do
        local v = cv[e]
        if v ~= 0 then
          local at_j = c * d + ci[e]
          local prev = s.mean[at_j]
          local diff = v - prev
          s.mean[at_j] = prev + wi * diff / (s.wsum[at_j] + wi)
          s.wsum[at_j] = s.wsum[at_j] + wi
          s.m2[at_j] = s.m2[at_j] + wi * v * v
        end
      end
    end
  end
  return s
end

-- pi and theta of the discrete model types (row-major theta[c * d + j]),
-- as Spark's trainDiscreteImpl.
local function discrete(s, mode, lambda)
  local K, d = s.K, s.d
  local sums = doubles(K * d)
  for x = 0, K * d - 1 do sums[x] = s.mean[x] * s.wsum[x] end
  if mode == "complement" then
    -- each class's sums are the other classes' (all of them less its own)
    local all = doubles(d)
    for c = 0, K - 1 do for j = 0, d - 1 do all[j] = all[j] + sums[c * d + j] end end
    for c = 0, K - 1 do for j = 0, d - 1 do sums[c * d + j] = all[j] + -sums[c * d + j] end end
  end
  local documents = 0
  for c = 0, K - 1 do documents = documents + s.weight[c] end
  local pi_denominator = math.log(documents + K * lambda)
  local pi, theta = {}, {}
  for c = 0, K - 1 do
    pi[c + 1] = math.log(s.weight[c] + lambda) - pi_denominator
    local denominator
    if mode == "bernoulli" then
      denominator = math.log(s.weight[c] + 2.0 * lambda)
    else
      local total = 0
      for j = 0, d - 1 do total = total + sums[c * d + j] end
      denominator = math.log(total + d * lambda)
    end
    for j = 0, d - 1 do
      local v = math.log(sums[c * d + j] + lambda) - denominator
      theta[c * d + j + 1] = mode == "complement" and -v or v
    end
  end
  return pi, theta
end

-- pi, theta (means) and sigma (variances) of the gaussian model, as
-- Spark's trainGaussianImpl: each variance raised by 1e-9 of the largest
-- feature's.
local function gaussian(s)
  local K, d = s.K, s.d
  local instances = 0
  for c = 0, K - 1 do instances = instances + s.weight[c] end
  local mean, squares = doubles(K * d), doubles(K * d)
  for c = 0, K - 1 do
    for j = 0, d - 1 do
      local x = c * d + j
      mean[x] = s.mean[x] * (s.wsum[x] / s.total[c])
      squares[x] = math.sqrt(s.m2[x]) ^ 2
    end
  end
  local epsilon = -math.huge
  for j = 0, d - 1 do
    local sum, sq = 0, 0
    for c = 0, K - 1 do
      sum = sum + mean[c * d + j] * s.weight[c]
      sq = sq + squares[c * d + j]
    end
    epsilon = math.max(epsilon, sq / instances - sum * sum / instances / instances)
  end
  epsilon = epsilon * 1e-9
  local pi, theta, sigma = {}, {}, {}
  local log_instances = math.log(instances)
  for c = 0, K - 1 do
    pi[c + 1] = math.log(s.weight[c]) - log_instances
    for j = 0, d - 1 do
      local x = c * d + j
      local m = mean[x]
      theta[x + 1] = m
      sigma[x + 1] = epsilon + squares[x] / s.weight[c] - m * m
    end
  end
  return pi, theta, sigma
end

function NaiveBayes:fit(df)
  local who = self._name
  local batch = base.materialize(df)
  local y, n = classification.labelsOf(batch, self:getOrDefault("labelCol"), who)
  local w = classification.weightsOf(batch, self:getOrDefault("weightCol"), who)
  local col = classification.featuresOf(batch, self:getOrDefault("featuresCol"), who)
  local mode = self:getOrDefault("modelType")
  local ok, err = pcall(check_values, col, mode, who .. ": ")
  if not ok then base.fail(err) end
  if n == 0 then base.fail(who .. ": no rows to fit") end
  local s = class_sums(y, w, col, n)
  local thresholds = self:getOrDefault("thresholds")
  if thresholds and #thresholds ~= s.K then
    base.fail(("%s: The number of thresholds (%d) must match the number of classes (%d)"):format(who, #thresholds,
      s.K))
  end
  local model = base.inherit(NaiveBayesModel.new(), self)
  if mode == "gaussian" then
    model:_setData(s.d, gaussian(s))
  else
    local pi, theta = discrete(s, mode, self:getOrDefault("smoothing"))
    model:_setData(s.d, pi, theta)
  end
  return model
end

-- The model's arrays (pi; theta and sigma row-major, a class a row) and
-- its attributes: pi a DenseVector, theta and sigma Matrices (sigma 0 x 0
-- but for gaussian), numClasses, numFeatures.
function NaiveBayesModel:_setData(d, pi, theta, sigma)
  local K = #pi
  self.numClasses, self.numFeatures = K, d
  self._pi, self._theta, self._sigma = pi, theta, sigma
  self.pi = linalg.dense(pi)
  local function matrix(rows)
    if not rows then return linalg.denseMatrix(0, 0, {}) end
    local values = {}
    for c = 0, K - 1 do for j = 0, d - 1 do values[j * K + c + 1] = rows[c * d + j + 1] end end
    return linalg.denseMatrix(K, d, values)
  end
  self.theta, self.sigma = matrix(theta), matrix(sigma)
  self._coef, self._logVar = nil, nil
end

-- The linear models' kernel layout (tide_ml_naive_bayes_coef):
-- multinomial and bernoulli margins with their intercepts, complement's
-- without.
function NaiveBayesModel:_kernelCoef()
  if self._coef then return self._coef end
  local K, d, mode = self.numClasses, self.numFeatures, self:getOrDefault("modelType")
  local coef = doubles((d + 1) * K)
  C.tide_ml_naive_bayes_coef(mode == "bernoulli" and 1 or 0, ffi.new("double[?]", math.max(K * d, 1), self._theta),
    mode ~= "complement" and ffi.new("double[?]", K, self._pi) or nil, K, d, coef)
  self._coef = coef
  return coef
end

-- One row's K margins into out[o ...] from its entries e in [a, b) of
-- indices ci and values cv (a dense row stores every entry).
-- complement: theta x less their log-sum-exp (the log of the class's
-- normalized likelihood), as Spark's complementCalculation.
local function complement_row(model, ci, cv, a, b, out, o)
  local K, coef = model.numClasses, model:_kernelCoef()
  local max = -math.huge
  for c = 0, K - 1 do
    local s = 0
    for e = a, b - 1 do s = s + cv[e] * coef[ci[e] * K + c] end
    out[o + c] = s
    if s > max then max = s end
  end
  local sum = 0
  for c = 0, K - 1 do sum = sum + math.exp(out[o + c] - max) end
  local lse = math.log(sum) + max
  for c = 0, K - 1 do out[o + c] = out[o + c] - lse end
end

-- gaussian: pi - (the sum over every feature of (x - theta)^2 / sigma,
-- plus the sum of log sigma) / 2, per class; x: d doubles of scratch.
local function gaussian_row(model, ci, cv, a, b, out, o, x)
  local K, d = model.numClasses, model.numFeatures
  if not model._logVar then
    model._logVar = {}
    for c = 0, K - 1 do
      local sum = 0
      for j = 0, d - 1 do sum = sum + math.log(model._sigma[c * d + j + 1]) end
      model._logVar[c] = sum
    end
  end
  ffi.fill(x, d * 8)
  for e = a, b - 1 do x[ci[e]] = cv[e] end
  for c = 0, K - 1 do
    local s = 0
    for j = 0, d - 1 do
      local dev = x[j] - model._theta[c * d + j + 1]
      s = s + dev * dev / model._sigma[c * d + j + 1]
    end
    out[o + c] = model._pi[c + 1] - (s + model._logVar[c]) / 2
  end
end

-- The complement's or gaussian's margins of a batch's rows (n * K).
local function batch_margins(model, col)
  local K, n = model.numClasses, tonumber(col.length)
  local margins, x = doubles(n * K), doubles(model.numFeatures)
  local off = ffi.cast("const int64_t *", col.values)
  local ci = ffi.cast("const int32_t *", col.children[0].values)
  local cv = ffi.cast("const double *", col.children[1].values)
  local gaussian = model:getOrDefault("modelType") == "gaussian"
  for i = 0, n - 1 do
    local a, b = tonumber(off[i]), tonumber(off[i + 1])
    if gaussian then gaussian_row(model, ci, cv, a, b, margins, i * K, x)
    else complement_row(model, ci, cv, a, b, margins, i * K) end
  end
  return margins
end

function NaiveBayesModel:transform(df)
  local K, mode, who = self.numClasses, self:getOrDefault("modelType"), self._name
  local thresholds
  if self:isSet("thresholds") then
    local ts = self:getOrDefault("thresholds")
    if #ts ~= K then
      base.fail(("%s.transform() called with non-matching numClasses and thresholds.length. numClasses=%d, but "
        .. "thresholds has length %d"):format(who, K, #ts))
    end
    thresholds = ffi.new("double[?]", K, ts)
  end
  return classification.addScores(self, df, T.vector, function(features, out, raw, prob, pred)
    if features.type ~= T.ID.vector or features.vector_size ~= self.numFeatures then
      error(("features column %s does not hold vectors of size %d (the model's features)"):format(
        ffi.string(features.name), self.numFeatures), 0)
    end
    -- (Spark checks the values it scores too, but a gaussian model's)
    if mode ~= "gaussian" then check_values(features, mode, "", true) end
    if mode == "gaussian" or mode == "complement" then
      local margins = batch_margins(self, features)
      return C.tide_ml_class_scores(out, features, margins, K, thresholds, raw, prob, pred, errbuf, errlen)
    end
    return C.tide_ml_softmax_score(out, features, self:_kernelCoef(), self.numFeatures, K, thresholds, raw, prob,
      pred, errbuf, errlen)
  end)
end

-- ---- one vector at a time (Spark's predictRaw, predictProbability, predict) ---------------------

-- A vector's K margins and their softmax, the column's bits: its values
-- checked as the column's are.
local function vector_scores(model, features, method)
  local who = "NaiveBayesModel:" .. method
  if not linalg.isVector(features) or features.size ~= model.numFeatures then
    base.fail(("%s needs a vector of size %d"):format(who, model.numFeatures))
  end
  local multinomial = require("tide.ml.multinomial")
  local mode, K = model:getOrDefault("modelType"), model.numClasses
  local count = #features.values
  local ci, cv = ffi.new("int32_t[?]", math.max(count, 1)), ffi.new("double[?]", math.max(count, 1))
  for e = 1, count do
    ci[e - 1], cv[e - 1] = features.dense and e - 1 or features.indices[e], features.values[e]
    if mode ~= "gaussian" and not VALUES[mode].ok(cv[e - 1]) then
      base.fail(("%s: " .. VALUES[mode].message):format(who, tostring(features)))
    end
  end
  local margins
  if mode == "multinomial" or mode == "bernoulli" then
    margins = multinomial.margins(model:_kernelCoef(), model.numFeatures, K, features)
  else
    local out = doubles(K)
    if mode == "gaussian" then gaussian_row(model, ci, cv, 0, count, out, 0, doubles(model.numFeatures))
    else complement_row(model, ci, cv, 0, count, out, 0) end
    margins = {}
    for c = 1, K do margins[c] = out[c - 1] end
  end
  return margins, multinomial.softmax(margins)
end

function NaiveBayesModel:predictRaw(features) return linalg.dense((vector_scores(self, features, "predictRaw"))) end

function NaiveBayesModel:predictProbability(features)
  local _, p = vector_scores(self, features, "predictProbability")
  return linalg.dense(p)
end

function NaiveBayesModel:predict(features)
  local margins, p = vector_scores(self, features, "predict")
  return require("tide.ml.multinomial").predicted(margins, p, self:getOrDefault("thresholds"))
end

-- data.json the counts; pi.f64, theta.f64 (and gaussian sigma.f64) the
-- doubles, -Infinity included (a smoothing of 0 leaves log 0).
local function f64(list) return ffi.string(ffi.new("double[?]", math.max(#list, 1), list), #list * 8) end

function NaiveBayesModel:_writeData(w)
  w:bytes("pi.f64", f64(self._pi))
  w:bytes("theta.f64", f64(self._theta))
  if self._sigma then w:bytes("sigma.f64", f64(self._sigma)) end
  w:json("data.json", { numClasses = self.numClasses, numFeatures = self.numFeatures,
                        gaussian = self._sigma ~= nil })
end

function NaiveBayesModel:_readData(r)
  local d = r:json("data.json")
  local K, n = d.numClasses, d.numFeatures
  local function count(x) return type(x) == "number" and x >= 0 and x < 2147483647 and x == math.floor(x) end
  if not (count(K) and count(n)) or K * n > 2147483647 then
    r:fail("data.json", "numClasses and numFeatures are not counts")
  end
  local function list(name, size)
    local values = r:doubles(name, nil, size, ("%d classes of %d features"):format(K, n))
    local out = {}
    for i = 0, size - 1 do out[i + 1] = values[i] end
    return out
  end
  self:_setData(n, list("pi.f64", K), list("theta.f64", K * n), d.gaussian and list("sigma.f64", K * n) or nil)
end

return M
