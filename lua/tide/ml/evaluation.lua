-- tide.ml.evaluation — Spark ML's evaluators over scored DataFrames:
-- BinaryClassificationEvaluator (areaUnderROC, areaUnderPR; exact, from
-- every distinct score), MulticlassClassificationEvaluator (f1, accuracy,
-- weightedPrecision, weightedRecall, logLoss), and the confusion matrix.
-- The score may be a rawPrediction/probability vector (element 1) or a
-- double column (tide's probability).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local base = require("tide.ml.base")

local M = {}
local NONE = base.NONE
local errbuf, errlen = base.errbuf, base.errlen

local function doubles(batch, name, who)
  local col = base.column(batch, name)
  local n = tonumber(col.length)
  local out = ffi.new("double[?]", math.max(n, 1))
  local rc
  if col.type == T.ID.vector then
    rc = C.tide_ml_vector_element(col, col.vector_size > 1 and 1 or 0, out, errbuf, errlen)
  else
    rc = C.tide_ml_column_doubles(col, out, errbuf, errlen)
  end
  if rc ~= 0 then error(("%s: column %s: %s"):format(who, name, base.lastError()), 0) end
  return out, n
end

local function weights(batch, stage, who)
  local wc = stage:getOrDefault("weightCol")
  if not wc or wc == "" then return nil end
  return (doubles(batch, wc, who))
end

local Binary = base.class {
  name = "BinaryClassificationEvaluator", sparkClass = "org.apache.spark.ml.evaluation.BinaryClassificationEvaluator",
  params = { rawPredictionCol = "rawPrediction", labelCol = "label", metricName = "areaUnderROC",
             weightCol = NONE, numBins = 1000 },
  choices = { metricName = { "areaUnderROC", "areaUnderPR" } },
}
M.BinaryClassificationEvaluator = Binary

function Binary:evaluate(df, extra)
  local stage = extra and self:copy(extra) or self
  local batch = base.materialize(df)
  local who = self._name
  local scores, n = doubles(batch, stage:getOrDefault("rawPredictionCol"), who)
  local labels = doubles(batch, stage:getOrDefault("labelCol"), who)
  local w = weights(batch, stage, who)
  local roc, pr = ffi.new("double[1]"), ffi.new("double[1]")
  if C.tide_ml_binary_auc(scores, labels, w, n, roc, pr, errbuf, errlen) ~= 0 then
    error(who .. ": " .. base.lastError(), 2)
  end
  return stage:getOrDefault("metricName") == "areaUnderPR" and pr[0] or roc[0]
end

function Binary:isLargerBetter() return true end

local Multi = base.class {
  name = "MulticlassClassificationEvaluator",
  sparkClass = "org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator",
  params = { predictionCol = "prediction", labelCol = "label", probabilityCol = "probability",
             metricName = "f1", weightCol = NONE, eps = 1e-15 },
  choices = { metricName = { "f1", "accuracy", "weightedPrecision", "weightedRecall", "weightedTruePositiveRate",
                             "logLoss", "hammingLoss" } },
}
M.MulticlassClassificationEvaluator = Multi

-- The confusion matrix: labels (sorted) and matrix[i][j], the (weighted)
-- count of rows of actual label labels[i] predicted as labels[j].
function M.confusionMatrix(df, labelCol, predictionCol, weightCol)
  local batch = base.materialize(df)
  local who = "confusionMatrix"
  local y, n = doubles(batch, labelCol or "label", who)
  local p = doubles(batch, predictionCol or "prediction", who)
  local w
  if weightCol then w = doubles(batch, weightCol, who) end
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

-- Mean log loss of a probability column (a double P(label = 1), or a
-- vector of class probabilities) against 0/1 labels; p clipped to [eps, 1 - eps].
function M.logLoss(df, labelCol, probabilityCol, eps, weightCol)
  local batch = base.materialize(df)
  local y, n = doubles(batch, labelCol or "label", "logLoss")
  local p = doubles(batch, probabilityCol or "probability", "logLoss")
  local w
  if weightCol then w = doubles(batch, weightCol, "logLoss") end
  eps = eps or 1e-15
  local sum, W = 0, 0
  for i = 0, n - 1 do
    local q = math.min(math.max(p[i], eps), 1 - eps)
    local wi = w and w[i] or 1
    sum = sum - wi * (y[i] > 0.5 and math.log(q) or math.log(1 - q))
    W = W + wi
  end
  return W > 0 and sum / W or 0
end

function Multi:evaluate(df, extra)
  local stage = extra and self:copy(extra) or self
  local metric = stage:getOrDefault("metricName")
  if metric == "logLoss" then
    return M.logLoss(df, stage:getOrDefault("labelCol"), stage:getOrDefault("probabilityCol"),
      stage:getOrDefault("eps"), stage:getOrDefault("weightCol"))
  end
  local cm = M.confusionMatrix(df, stage:getOrDefault("labelCol"), stage:getOrDefault("predictionCol"),
    stage:getOrDefault("weightCol"))
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
  if metric == "hammingLoss" then return 1 - correct / total end
  local f1, precision, recall = 0, 0, 0
  for i = 1, k do
    local tp = cm.matrix[i][i]
    local p = predicted[i] > 0 and tp / predicted[i] or 0
    local r = actual[i] > 0 and tp / actual[i] or 0
    local share = actual[i] / total
    precision, recall = precision + share * p, recall + share * r
    f1 = f1 + share * ((p + r) > 0 and 2 * p * r / (p + r) or 0)
  end
  if metric == "weightedPrecision" then return precision end
  if metric == "weightedRecall" or metric == "weightedTruePositiveRate" then return recall end
  return f1
end

function Multi:isLargerBetter()
  local m = self:getOrDefault("metricName")
  return m ~= "logLoss" and m ~= "hammingLoss"
end

return M
