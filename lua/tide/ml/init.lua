-- tide.ml — Spark ML's pipeline API over tide's columnar batches:
--
--   local ml = tide.ml
--   local stages = { ml.StringIndexer{inputCol = "site_id", outputCol = "site_idx", handleInvalid = "keep"},
--                    ml.OneHotEncoder{inputCol = "site_idx", outputCol = "site_vec"},
--                    ml.VectorAssembler{inputCols = {"site_vec", "hour"}, outputCol = "features"},
--                    ml.LogisticRegression{maxIter = 10, regParam = 0.01} }
--   local model = ml.Pipeline{stages = stages}:fit(train)
--   model:transform(test)            -- a plan: batch or streaming alike
--   model:write():overwrite():save("model/ctr")
--   ml.PipelineModel.load("model/ctr")
--
-- Names follow pyspark.ml; submodules as Spark's packages (tide.ml.feature,
-- tide.ml.classification, tide.ml.evaluation, tide.ml.tuning, tide.ml.linalg,
-- tide.ml.functions, tide.ml.stat); the stages of tide.ml.feature_more,
-- feature_bins, feature_vectors and feature_selectors are in ml.feature too.
-- See docs/ml.md.
local feature = require("tide.ml.feature")
local feature_more = require("tide.ml.feature_more")
local feature_bins = require("tide.ml.feature_bins")
local feature_vectors = require("tide.ml.feature_vectors")
local feature_selectors = require("tide.ml.feature_selectors")
local tuning = require("tide.ml.tuning")
local classification = require("tide.ml.classification")
local naive_bayes = require("tide.ml.naive_bayes")
local linear_svc = require("tide.ml.linear_svc")
local evaluation = require("tide.ml.evaluation")
local pipeline = require("tide.ml.pipeline")
local persist = require("tide.ml.persist")
local linalg = require("tide.ml.linalg")

local M = {
  feature = feature, classification = classification, evaluation = evaluation, tuning = tuning, linalg = linalg,
  functions = require("tide.ml.functions"), stat = require("tide.ml.stat"),
  Vectors = linalg.Vectors, Matrices = linalg.Matrices,
  Pipeline = pipeline.Pipeline, PipelineModel = pipeline.PipelineModel,
  ParamGridBuilder = tuning.ParamGridBuilder,
}

for name, v in pairs(feature_more) do feature[name] = v end
for name, v in pairs(feature_bins) do feature[name] = v end
for _, mod in ipairs({ feature_vectors, feature_selectors }) do
  for name, v in pairs(mod) do
    if type(v) == "table" and v._sparkClass then feature[name] = v end
  end
end

for _, mod in ipairs({ naive_bayes, linear_svc }) do
  for name, v in pairs(mod) do classification[name] = v end
end
for _, mod in ipairs({ feature, classification, evaluation, tuning }) do
  for name, v in pairs(mod) do
    if type(v) == "table" and v._sparkClass then M[name] = v end
  end
end
M.confusionMatrix = evaluation.confusionMatrix
M.logLoss = evaluation.logLoss

for _, cls in pairs(M) do
  if type(cls) == "table" and cls._sparkClass then persist.register(cls) end
end

-- Loads any saved stage or model, whatever its class.
function M.load(path) return persist.load(path) end

-- Any saved model, followed as it is saved again (tide.ml.watch).
function M.watch(path, opts) return require("tide.ml.watch").watch(path, M.load, opts) end

return M
