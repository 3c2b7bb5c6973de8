-- tide.ml.evaluation — Spark ML's evaluators over scored DataFrames:
-- BinaryClassificationEvaluator (areaUnderROC, areaUnderPR, over Spark's
-- curve points, binned by numBins), MulticlassClassificationEvaluator
-- (f1, accuracy, the weighted and per-label metrics, logLoss, hammingLoss),
-- RegressionEvaluator (rmse, mse, r2, mae, var; aggregations over the
-- columns), and the confusion matrix.
-- The score may be a rawPrediction/probability vector (element 1) or a
-- double column (tide's probability).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local base = require("tide.ml.base")

local M = {}
local NONE = base.NONE
pcall(ffi.cdef, "double log1p(double x);")
local errbuf, errlen = base.errbuf, base.errlen

-- A column's values as doubles; a vector column's element `element`
-- (by default 1, or 0 in vectors of one).
local function doubles(batch, name, who, element)
  local col = base.column(batch, name, who)
  local n = tonumber(col.length)
  local out = ffi.new("double[?]", math.max(n, 1))
  local rc
  if col.type == T.ID.vector then
    rc = C.tide_ml_vector_element(col, element or (col.vector_size > 1 and 1 or 0), out, errbuf, errlen)
  else
    rc = C.tide_ml_column_doubles(col, out, errbuf, errlen)
  end
  if rc ~= 0 then base.fail(("%s: %s"):format(who, base.lastError())) end
  return out, n, col
end

local function is_null(col, i)
  return col.validity ~= nil and bit.band(col.validity[bit.rshift(i, 3)], bit.lshift(1, bit.band(i, 7))) == 0
end

-- What a null or NaN in a column an evaluator reads is, and what to do.
-- Every such row is an error (none is counted as 0, or clipped to eps):
-- a label, prediction or weight has no value to count; a null score is a
-- row that was not scored (null features); a NaN score comes from NaN
-- features, and where it would sort in the ranking the areas are computed
-- from is arbitrary (Spark puts NaN above every number), so an area over
-- it would look like a number and mean nothing.
local INVALID = {
  label = "Invalid label %s: every row needs a label; drop the rows without one before evaluating",
  prediction = "Invalid prediction %s: every row needs a prediction; drop the rows without one before evaluating",
  weight = "Invalid weight %s: every row needs a weight >= 0",
  score = "the score is %s (%s); drop or fix such rows before evaluating: an area under a curve "
    .. "ranks every row by its score",
  probability = "the probability is %s (%s); drop or fix such rows before evaluating",
}

-- A column's values as doubles (doubles'), every row a number: a null
-- or NaN fails naming who, the column, the row and what (a key of
-- INVALID).
local function numbers(batch, name, who, what, element)
  local out, n, col = doubles(batch, name, who, element)
  for i = 0, n - 1 do
    if out[i] ~= out[i] then
      local null = is_null(col, i)
      local how = null and "null" or "NaN"
      local why = null and "null features score null" or "NaN features score NaN"
      base.fail(("%s: %s column %s, row %d: " .. INVALID[what]):format(who,
        (what == "score" or what == "probability") and "score" or what, name, i, how, why))
    end
  end
  return out, n, col
end

local function weights(batch, stage, who)
  local wc = stage:getOrDefault("weightCol")
  if not wc or wc == "" then return nil end
  return (numbers(batch, wc, who, "weight"))
end

local Binary = base.class {
  name = "BinaryClassificationEvaluator", sparkClass = "org.apache.spark.ml.evaluation.BinaryClassificationEvaluator",
  params = { rawPredictionCol = "rawPrediction", labelCol = "label", metricName = "areaUnderROC",
             weightCol = NONE, numBins = 1000 },
  choices = { metricName = { "areaUnderROC", "areaUnderPR" } },
  ranges = { numBins = { 0 } },
}
M.BinaryClassificationEvaluator = Binary

-- The points of the curves of stage's score column over df, as Spark's
-- BinaryClassificationMetrics with stage's numBins: { k = the number of
-- points, thresholds, tp, fp = their arrays (0-based) }; who names the
-- caller in errors (the evaluator, or a model's summary).
function M.binaryCurve(df, stage, who)
  local batch = base.materialize(df)
  local scores, n = numbers(batch, stage:getOrDefault("rawPredictionCol"), who, "score")
  local labels = numbers(batch, stage:getOrDefault("labelCol"), who, "label")
  local w = weights(batch, stage, who)
  local size = math.max(n, 1)
  local curve = { thresholds = ffi.new("double[?]", size), tp = ffi.new("double[?]", size),
                  fp = ffi.new("double[?]", size) }
  local k = C.tide_ml_binary_curve(scores, labels, w, n, stage:getOrDefault("numBins"), curve.thresholds,
    curve.tp, curve.fp, errbuf, errlen)
  if k < 0 then base.fail(who .. ": " .. base.lastError()) end
  curve.k = tonumber(k)
  return curve
end

-- Both areas of such a curve: under ROC, under PR.
function M.binaryAreas(curve)
  local roc, pr = ffi.new("double[1]"), ffi.new("double[1]")
  C.tide_ml_binary_areas(curve.tp, curve.fp, curve.k, roc, pr)
  return roc[0], pr[0]
end

function Binary:evaluate(df, extra)
  local stage = extra and self:copy(extra) or self
  local roc, pr = M.binaryAreas(M.binaryCurve(df, stage, self._name))
  return stage:getOrDefault("metricName") == "areaUnderPR" and pr or roc
end

function Binary:isLargerBetter() return true end

local Multi = base.class {
  name = "MulticlassClassificationEvaluator",
  sparkClass = "org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator",
  params = { predictionCol = "prediction", labelCol = "label", probabilityCol = "probability",
             metricName = "f1", weightCol = NONE, eps = 1e-15, metricLabel = 0.0, beta = 1.0 },
  choices = { metricName = { "f1", "accuracy", "weightedPrecision", "weightedRecall", "weightedTruePositiveRate",
                             "weightedFalsePositiveRate", "weightedFMeasure", "truePositiveRateByLabel",
                             "falsePositiveRateByLabel", "precisionByLabel", "recallByLabel", "fMeasureByLabel",
                             "logLoss", "hammingLoss" } },
  ranges = { metricLabel = { 0 }, beta = { 0 } },
}
M.MulticlassClassificationEvaluator = Multi

-- The confusion matrix: labels (sorted) and matrix[i][j], the (weighted)
-- count of rows of actual label labels[i] predicted as labels[j]. who
-- (optional) names the caller in errors.
function M.confusionMatrix(df, labelCol, predictionCol, weightCol, who)
  local batch = base.materialize(df)
  who = who or "confusionMatrix"
  local y, n = numbers(batch, labelCol or "label", who, "label")
  local p = numbers(batch, predictionCol or "prediction", who, "prediction")
  local w
  if weightCol then w = numbers(batch, weightCol, who, "weight") end
  local cells, seen = {}, {}
  for i = 0, n - 1 do
    local a, b = y[i], p[i]
    seen[a], seen[b] = true, true
    local key = a .. "|" .. b
    cells[key] = (cells[key] or 0) + (w and w[i] or 1)
  end
  local labels = {}
  for l in pairs(seen) do labels[#labels + 1] = l end
  table.sort(labels)
  local matrix = {}
  for i, a in ipairs(labels) do
    matrix[i] = {}
    for j, b in ipairs(labels) do matrix[i][j] = cells[a .. "|" .. b] or 0 end
  end
  return { labels = labels, matrix = matrix }
end

-- Mean log loss of a probability column against the labels: a vector of
-- class probabilities (Spark's) is read at each row's label; a double is
-- P(label = 1), for labels 0 and 1. p is taken as eps below eps and 1 -
-- eps above it, as Spark's MulticlassMetrics. who (optional) names the
-- caller in errors.
function M.logLoss(df, labelCol, probabilityCol, eps, weightCol, who)
  local batch = base.materialize(df)
  who = who or "logLoss"
  labelCol, probabilityCol = labelCol or "label", probabilityCol or "probability"
  local y, n = numbers(batch, labelCol, who, "label")
  local p, _, pcol = numbers(batch, probabilityCol, who, "probability")
  local classes = { [1] = p }
  local size = pcol.type == T.ID.vector and pcol.vector_size or 2
  if pcol.type == T.ID.vector then
    for k = 0, size - 1 do
      if k ~= 1 then classes[k] = numbers(batch, probabilityCol, who, "probability", k) end
    end
  end
  local w
  if weightCol then w = numbers(batch, weightCol, who, "weight") end
  eps = eps or 1e-15
  local sum, W = 0, 0
  for i = 0, n - 1 do
    local yi = y[i]
    if yi < 0 or yi ~= math.floor(yi) or yi >= size then
      base.fail(("%s: label column %s, row %d: Invalid label %s: %s"):format(who, labelCol, i, tostring(yi),
        pcol.type == T.ID.vector and ("the probability vectors have %d classes"):format(size)
        or "the log loss of a binary probability (a double) needs labels 0 and 1"))
    end
    local q = classes[yi] and classes[yi][i] or 1 - p[i]
    local loss = q < eps and -math.log(eps) or q > 1 - eps and -ffi.C.log1p(-eps) or -math.log(q)
    local wi = w and w[i] or 1
    sum = sum + wi * loss
    W = W + wi
  end
  return W > 0 and sum / W or 0
end

function Multi:evaluate(df, extra)
  local stage = extra and self:copy(extra) or self
  local metric = stage:getOrDefault("metricName")
  if metric == "logLoss" then
    return M.logLoss(df, stage:getOrDefault("labelCol"), stage:getOrDefault("probabilityCol"),
      stage:getOrDefault("eps"), stage:getOrDefault("weightCol"), self._name)
  end
  local cm = M.confusionMatrix(df, stage:getOrDefault("labelCol"), stage:getOrDefault("predictionCol"),
    stage:getOrDefault("weightCol"), self._name)
  local k, total = #cm.labels, 0
  local actual, predicted, correct = {}, {}, 0
  for i = 1, k do
    actual[i], predicted[i] = 0, 0
  end
  for i = 1, k do
    for j = 1, k do
      local c = cm.matrix[i][j]
      actual[i], predicted[j], total = actual[i] + c, predicted[j] + c, total + c
    end
    correct = correct + cm.matrix[i][i]
  end
  if total == 0 then return 0 end
  if metric == "accuracy" then return correct / total end
  if metric == "hammingLoss" then
    -- (the rows predicted wrong over all, summed as Spark's)
    local wrong = 0
    for i = 1, k do
      for j = 1, k do if i ~= j then wrong = wrong + cm.matrix[i][j] end end
    end
    return wrong / total
  end
  -- Spark's MulticlassMetrics, of each label that has rows (weighted):
  -- precision tp / (tp + fp) (0 with no row predicted so), recall
  -- tp / rows, the false positive rate fp / (the other labels' rows), the
  -- F-measure (1 + b^2) p r / (b^2 p + r) (0 when p + r is), and the
  -- weighted ones averaged by each label's share of the rows.
  local beta2 = stage:getOrDefault("beta") ^ 2
  local function of(i)
    local tp = cm.matrix[i][i]
    local fp = predicted[i] - tp
    local p = tp + fp > 0 and tp / (tp + fp) or 0
    local r = tp / actual[i]
    return { precision = p, recall = r, fpr = fp / (total - actual[i]),
             f = (p + r) > 0 and (1 + beta2) * p * r / (beta2 * p + r) or 0 }
  end
  local BY_LABEL = { truePositiveRateByLabel = "recall", recallByLabel = "recall", precisionByLabel = "precision",
                     falsePositiveRateByLabel = "fpr", fMeasureByLabel = "f" }
  if BY_LABEL[metric] then
    local label = stage:getOrDefault("metricLabel")
    for i = 1, k do
      if cm.labels[i] == label and actual[i] > 0 then return of(i)[BY_LABEL[metric]] end
    end
    base.fail(("%s: metricLabel %s is no label of the rows (key not found: %s)"):format(self._name,
      tostring(label), tostring(label)))
  end
  local WEIGHTED = { weightedPrecision = "precision", weightedRecall = "recall", weightedTruePositiveRate = "recall",
                     weightedFalsePositiveRate = "fpr", weightedFMeasure = "f", f1 = "f" }
  if metric == "f1" then beta2 = 1 end
  local sum = 0
  for i = 1, k do
    if actual[i] > 0 then sum = sum + actual[i] / total * of(i)[WEIGHTED[metric]] end
  end
  return sum
end

local SMALLER_BETTER = { logLoss = true, hammingLoss = true, weightedFalsePositiveRate = true,
                         falsePositiveRateByLabel = true }
function Multi:isLargerBetter() return not SMALLER_BETTER[self:getOrDefault("metricName")] end

-- ---- RegressionEvaluator ------------------------------------------------------------------

local Regression = base.class {
  name = "RegressionEvaluator", sparkClass = "org.apache.spark.ml.evaluation.RegressionEvaluator",
  params = { predictionCol = "prediction", labelCol = "label", metricName = "rmse", weightCol = NONE,
             throughOrigin = false },
  choices = { metricName = { "rmse", "mse", "r2", "mae", "var" } },
  docs = {
    metricName = "metric name in evaluation - one of:\n                       rmse - root mean squared error "
      .. "(default)\n                       mse - mean squared error\n                       r2 - r^2 metric\n"
      .. "                       mae - mean absolute error\n                       var - explained variance.",
    throughOrigin = "whether the regression is through the origin.",
  },
}
M.RegressionEvaluator = Regression

local REAL = { [T.ID.float] = true, [T.ID.double] = true }
local NUMERIC = { [T.ID.int] = true, [T.ID.long] = true, [T.ID.float] = true, [T.ID.double] = true,
                  [T.ID.decimal] = true }

local function F() return require("tide.functions") end

-- Column i (1-based) of df by position, as a double.
local function double_at(df, i)
  return require("tide.column").wrap({ k = "col", name = df.schema.fields[i].name, index = i - 1 }):cast("double")
end

-- The first row of a column the aggregate found invalid, and the error
-- that names it (only when there is one: a Lua loop over the rows).
local function invalid_row(data, k, name, who, what)
  local col = data:toBatch().columns[k - 1]
  local n = tonumber(col.length)
  local x = ffi.new("double[?]", math.max(n, 1))
  C.tide_ml_column_doubles(col, x, errbuf, errlen)
  for i = 0, n - 1 do
    local v = x[i]
    if what == "weight" then
      if v ~= v then
        base.fail(("%s: weight column %s, row %d: Weights MUST NOT be Null or NaN"):format(who, name, i))
      elseif v < 0 or v == math.huge then
        base.fail(("%s: weight column %s, row %d: Weights MUST NOT be Negative or Infinity, but got %s"):format(who,
          name, i, require("tide.batch").javaDouble(v)))
      end
    elseif v ~= v then
      base.fail(("%s: %s column %s, row %d: " .. INVALID[what]):format(who, what, name, i,
        is_null(col, i) and "null" or "NaN"))
    end
  end
end

-- Spark's RegressionMetrics over (prediction, label, weight): the sums
-- the metric needs, in one aggregation over the columns (and Σw(y - ȳ)²
-- in a second, for r2), combined as Spark combines its summarizer's:
-- SStot = variance · (W - 1), with its unbiased weighted variance; SSreg =
-- ‖p‖² + ȳ²W - 2ȳp̄W; squares of norms as the squares of their square
-- roots. Rows of weight 0 count for nothing. A null or NaN label,
-- prediction or weight is an error naming the row, as in the other
-- evaluators (Spark fails on a null and gives a NaN metric for a NaN),
-- and so is a negative or infinite weight (Spark's message).
function Regression:evaluate(df, extra)
  local stage = extra and self:copy(extra) or self
  local who = self._name
  if require("tide.batch").isBatch(df) then df = base.frame(nil, df) end
  local names = { prediction = stage:getOrDefault("predictionCol"), label = stage:getOrDefault("labelCol") }
  local wc = stage:getOrDefault("weightCol")
  if wc == "" then wc = nil end
  local pf, pi = base.fieldOf(df.schema, names.prediction, who)
  if not REAL[pf.dataType.id] then
    base.fail(("%s: Column %s must be of type equal to one of the following types: [double, float] but was "
      .. "actually of type %s."):format(who, names.prediction, pf.dataType:simpleString()))
  end
  local cols = { double_at(df, pi):alias("p") }
  for _, what in ipairs({ "label", "weight" }) do
    local name = what == "label" and names.label or wc
    if name then
      local f, i = base.fieldOf(df.schema, name, who)
      if not NUMERIC[f.dataType.id] then
        base.fail(("%s: Column %s must be of type numeric but was actually of type %s."):format(who, name,
          f.dataType:simpleString()))
      end
      cols[#cols + 1] = double_at(df, i):alias(what == "label" and "y" or "w")
    end
  end
  -- (held in memory: the aggregations below read it twice, and a scored
  -- DataFrame's plan would score again each time)
  local data = base.frame(df._session, df:select(cols):toBatch())
  local f = F()
  local p, y, w = f.col("p"), f.col("y"), wc and f.col("w")
  local function weighted(x) return w and (w * x) or x end
  local metric = stage:getOrDefault("metricName")
  local origin = stage:getOrDefault("throughOrigin")
  local e = y - p
  -- A null is not counted and a NaN makes its sum NaN: either sends the
  -- check to the rows (invalid_row), which names the first.
  local aggs = { f.count(f.lit(1)):alias("n"), f.count(p):alias("np"), f.count(y):alias("ny"),
                 f.sum(p):alias("sp"), f.sum(y):alias("sy") }
  local function add(name, agg) aggs[#aggs + 1] = agg:alias(name) end
  if w then
    add("nw", f.count(w)); add("W", f.sum(w)); add("wmin", f.min(w)); add("wmax", f.max(w))
  end
  if metric ~= "mae" and metric ~= "var" then add("SSerr", f.sum(weighted(e * e))) end
  if metric == "mae" then add("L1", f.sum(weighted(f.abs(e)))) end
  if metric == "var" then add("Spp", f.sum(weighted(p * p))); add("Sp", f.sum(weighted(p))) end
  if metric == "var" or metric == "r2" then add("Sy", f.sum(weighted(y))) end
  if metric == "r2" and w then add("W2", f.sum(w * w)) end
  if metric == "r2" and origin then add("Syy", f.sum(weighted(y * y))) end
  local v = data:select(aggs):collect()[1]
  local function get(name) return v[name] or 0 end
  local n = get("n")
  if get("np") < n or get("sp") ~= get("sp") then invalid_row(data, 1, names.prediction, who, "prediction") end
  if get("ny") < n or get("sy") ~= get("sy") then invalid_row(data, 2, names.label, who, "label") end
  if w and (get("nw") < n or get("W") ~= get("W") or get("wmin") < 0 or get("wmax") == math.huge) then
    invalid_row(data, 3, wc, who, "weight")
  end
  local W = w and get("W") or n
  if not (W > 0) then
    base.fail(("%s: Nothing has been added to this summarizer (no rows, or every weight is 0)."):format(who))
  end
  local function square_of_norm(s) return math.sqrt(s) ^ 2 end
  if metric == "rmse" then return math.sqrt(square_of_norm(get("SSerr")) / W) end
  if metric == "mse" then return square_of_norm(get("SSerr")) / W end
  if metric == "mae" then return get("L1") / W end
  local ybar = get("Sy") / W
  if metric == "var" then
    return (square_of_norm(get("Spp")) + ybar * ybar * W - 2 * ybar * (get("Sp") / W) * W) / W
  end
  if origin then return 1 - square_of_norm(get("SSerr")) / square_of_norm(get("Syy")) end
  local M2 = data:select(f.sum(weighted((y - ybar) * (y - ybar)))):collect()[1][1] or 0
  local denominator = W - (w and get("W2") or n) / W
  local variance = denominator > 0 and math.max(M2 / denominator, 0) or 0
  return 1 - square_of_norm(get("SSerr")) / (variance * (W - 1))
end

-- rmse, mse and mae are better smaller, r2 and var larger (Spark's).
function Regression:isLargerBetter()
  local m = self:getOrDefault("metricName")
  return m == "r2" or m == "var"
end

return M
