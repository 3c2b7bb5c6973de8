-- tide.ml.feature_selectors — Spark ML's feature selectors: each fits the
-- features of a vector column worth keeping, and its model keeps them.
-- UnivariateFeatureSelector ranks features by the p-value of the test
-- their types call for (tide.ml.stat: chi-squared for categorical features
-- and label, ANOVA for continuous features and a categorical label, F for
-- both continuous); ChiSqSelector is its older chi-squared form;
-- VarianceThresholdSelector keeps the features whose variance is above a
-- threshold. A model's output is its selected features in index order,
-- dense rows dense and sparse rows sparse (zeros they store kept).
local base = require("tide.ml.base")
local stat = require("tide.ml.stat")
local vectors = require("tide.ml.feature_vectors")
local T = require("tide.types")

local M = {}
local NONE = base.NONE

local MODES = { "numTopFeatures", "percentile", "fpr", "fdr", "fwe" }

-- The features selected from one test result a feature ({ pValue, ... },
-- feature j at rows[j + 1]), as Spark's selectIndicesFromPValues: the k
-- of lowest p-value (ties to the lower index; NaN last), in that order,
-- for numTopFeatures and percentile and fdr (Benjamini-Hochberg), or in
-- index order those below the threshold (fpr; fwe scaled by 1/features).
local function select(rows, mode, threshold)
  local n = #rows
  local order = {}
  for j = 1, n do order[j] = j - 1 end
  local function p(j) return rows[j + 1][1] end
  table.sort(order, function(a, b)
    local pa, pb = p(a), p(b)
    if pa ~= pb then
      if pa ~= pa then return false end
      if pb ~= pb then return true end
      return pa < pb
    end
    return a < b
  end)
  local function top(k)
    local out = {}
    for i = 1, math.min(k, n) do out[i] = order[i] end
    return out
  end
  if mode == "numTopFeatures" then return top(math.floor(threshold)) end
  if mode == "percentile" then return top(math.floor(n * threshold)) end
  if mode == "fdr" then
    local last = 0
    for i, j in ipairs(order) do
      if p(j) <= threshold / n * i then last = i end
    end
    return top(last)
  end
  local limit = mode == "fwe" and threshold / n or threshold
  local out = {}
  for j = 0, n - 1 do
    if p(j) < limit then out[#out + 1] = j end
  end
  return out
end

-- The model class of a selector (its params, their choices and docs):
-- selectedFeatures (a 0-based list, as PySpark's) kept in index order on
-- featuresCol, saved in data.json.
local function model_class(name, estimator)
  local cls = base.class { name = name, sparkClass = "org.apache.spark.ml.feature." .. name,
                           params = estimator._defaults, choices = estimator._choices, docs = estimator._docs }
  function cls:transform(df)
    local in_name = self:getOrDefault("featuresCol")
    local field = base.fieldOf(df.schema, in_name, self._name)
    if field.dataType.id ~= T.ID.vector then
      base.fail(("%s: Column %s must be of type vector but was actually %s."):format(self._name, in_name,
        field.dataType:simpleString()))
    end
    local sorted = { unpack(self.selectedFeatures) }
    table.sort(sorted)
    return vectors.sliced(self, df, in_name, field, sorted, true)
  end
  function cls:_writeData(w) w:json("data.json", { selectedFeatures = self.selectedFeatures }) end
  function cls:_readData(r)
    local d = r:json("data.json")
    local ok, seen = type(d.selectedFeatures) == "table", {}
    for _, j in ipairs(ok and d.selectedFeatures or {}) do
      if type(j) ~= "number" or j < 0 or j >= 2147483647 or j ~= math.floor(j) or seen[j] then ok = false end
      seen[j] = true
    end
    if not ok then r:fail("data.json", "selectedFeatures is not a list of distinct feature indices") end
    self.selectedFeatures = { unpack(d.selectedFeatures) }
  end
  return cls
end

local function fitted(model_cls, estimator, selected)
  local model = base.inherit(model_cls.new(), estimator)
  model.selectedFeatures = selected
  return model
end

-- ---- UnivariateFeatureSelector -------------------------------------------------------------------

local UnivariateFeatureSelector = base.class {
  name = "UnivariateFeatureSelector", sparkClass = "org.apache.spark.ml.feature.UnivariateFeatureSelector",
  params = { featuresCol = "features", labelCol = "label", outputCol = NONE, featureType = NONE, labelType = NONE,
             selectionMode = "numTopFeatures", selectionThreshold = NONE },
  choices = { featureType = { "categorical", "continuous" }, labelType = { "categorical", "continuous" },
              selectionMode = MODES },
  docs = {
    featureType = "The feature type. Supported options: categorical, continuous.",
    labelType = "The label type. Supported options: categorical, continuous.",
    selectionMode = "The selection mode. Supported options: numTopFeatures (default), percentile, fpr, fdr, fwe.",
    selectionThreshold = "The upper bound of the features that selector will select.",
  },
}
M.UnivariateFeatureSelector = UnivariateFeatureSelector
local UnivariateFeatureSelectorModel = model_class("UnivariateFeatureSelectorModel", UnivariateFeatureSelector)
M.UnivariateFeatureSelectorModel = UnivariateFeatureSelectorModel

local DEFAULT_THRESHOLD = { numTopFeatures = 50, percentile = 0.1, fpr = 0.05, fdr = 0.05, fwe = 0.05 }
local TESTS = { ["categorical categorical"] = stat.chiSquared, ["continuous categorical"] = stat.anova,
                ["continuous continuous"] = stat.fValue }

function UnivariateFeatureSelector:fit(df)
  local mode, threshold = self:getOrDefault("selectionMode"), self:getOrDefault("selectionThreshold")
  if threshold and mode == "numTopFeatures" and not (threshold >= 1 and threshold == math.floor(threshold)) then
    base.fail(("UnivariateFeatureSelector: selectionThreshold needs to be a positive Integer for selection mode "
      .. "numTopFeatures, but got %s"):format(require("tide.batch").javaDouble(threshold)))
  elseif threshold and mode ~= "numTopFeatures" and not (threshold >= 0 and threshold <= 1) then
    base.fail(("UnivariateFeatureSelector: selectionThreshold needs to be in the range [0, 1] for selection mode "
      .. "%s, but got %s"):format(mode, require("tide.batch").javaDouble(threshold)))
  end
  local ft, lt = self:getOrDefault("featureType"), self:getOrDefault("labelType")
  if not (ft and lt) then base.fail("UnivariateFeatureSelector: featureType and labelType need to be set") end
  local test = TESTS[ft .. " " .. lt]
  if not test then
    base.fail(("UnivariateFeatureSelector: Unsupported combination: featureType=%s, labelType=%s"):format(ft, lt))
  end
  local rows = test(df, self:getOrDefault("featuresCol"), self:getOrDefault("labelCol"), self._name)
  return fitted(UnivariateFeatureSelectorModel, self, select(rows, mode, threshold or DEFAULT_THRESHOLD[mode]))
end

-- ---- ChiSqSelector ----------------------------------------------------------------------------------

local ChiSqSelector = base.class {
  name = "ChiSqSelector", sparkClass = "org.apache.spark.ml.feature.ChiSqSelector",
  params = { featuresCol = "features", labelCol = "label", outputCol = NONE, selectorType = "numTopFeatures",
             numTopFeatures = 50, percentile = 0.1, fpr = 0.05, fdr = 0.05, fwe = 0.05 },
  choices = { selectorType = MODES },
  ranges = { numTopFeatures = { 1 }, percentile = { 0, 1 }, fpr = { 0, 1 }, fdr = { 0, 1 }, fwe = { 0, 1 } },
  docs = {
    selectorType = "The selector type. Supported options: numTopFeatures (default), percentile, fpr, fdr, fwe.",
    numTopFeatures = "Number of features that selector will select, ordered by ascending p-value. If the number "
      .. "of features is < numTopFeatures, then this will select all features.",
    percentile = "Percentile of features that selector will select, ordered by ascending p-value.",
    fpr = "The highest p-value for features to be kept.",
    fdr = "The upper bound of the expected false discovery rate.",
    fwe = "The upper bound of the expected family-wise error rate.",
  },
}
M.ChiSqSelector = ChiSqSelector
local ChiSqSelectorModel = model_class("ChiSqSelectorModel", ChiSqSelector)
M.ChiSqSelectorModel = ChiSqSelectorModel

function ChiSqSelector:fit(df)
  local mode = self:getOrDefault("selectorType")
  local rows = stat.chiSquared(df, self:getOrDefault("featuresCol"), self:getOrDefault("labelCol"), self._name)
  -- (its selectedFeatures in index order, where UnivariateFeatureSelector's
  -- are by p-value, as in Spark)
  local selected = select(rows, mode, self:getOrDefault(mode))
  table.sort(selected)
  return fitted(ChiSqSelectorModel, self, selected)
end

-- ---- VarianceThresholdSelector -------------------------------------------------------------------

local VarianceThresholdSelector = base.class {
  name = "VarianceThresholdSelector", sparkClass = "org.apache.spark.ml.feature.VarianceThresholdSelector",
  params = { featuresCol = "features", outputCol = NONE, varianceThreshold = 0.0 },
  ranges = { varianceThreshold = { 0 } },
  docs = {
    varianceThreshold = "Param for variance threshold. Features with a variance not greater than this threshold "
      .. "will be removed. The default value is 0.0.",
  },
}
M.VarianceThresholdSelector = VarianceThresholdSelector
local VarianceThresholdSelectorModel = model_class("VarianceThresholdSelectorModel", VarianceThresholdSelector)
M.VarianceThresholdSelectorModel = VarianceThresholdSelectorModel

-- Each feature's sample variance as Spark's Summarizer computes it: a
-- running mean and sum of squared deviations over the values that are not
-- 0 (Welford's update, so that a constant feature's is exactly 0), the
-- zeros added at the end.
local function variances(col)
  local ffi = require("ffi")
  local batchlib = require("tide.batch")
  local size, n = col.vector_size, tonumber(col.length)
  local function zeros() return ffi.new("double[?]", size + 1) end
  local mean, m2n, count = zeros(), zeros(), zeros()
  local off = ffi.cast("const int64_t *", col.values)
  local ci = ffi.cast("const int32_t *", col.children[0].values)
  local cv = ffi.cast("const double *", col.children[1].values)
  local rows = 0
  for i = 0, n - 1 do
    if batchlib.isValid(col, i) then
      rows = rows + 1
      for e = tonumber(off[i]), tonumber(off[i + 1]) - 1 do
        local v, j = cv[e], ci[e]
        if v ~= 0 then
          local prev = mean[j]
          local diff = v - prev
          mean[j] = prev + diff / (count[j] + 1)
          m2n[j] = m2n[j] + (v - mean[j]) * diff
          count[j] = count[j] + 1
        end
      end
    end
  end
  local out = {}
  for j = 0, size - 1 do
    local v = rows > 1 and (m2n[j] + mean[j] * mean[j] * count[j] * (rows - count[j]) / rows) / (rows - 1) or 0
    out[j + 1] = math.max(v, 0)
  end
  return out
end

-- The features whose variance is above the threshold, in index order: a
-- constant feature goes under the default 0.
function VarianceThresholdSelector:fit(df)
  local name = self:getOrDefault("featuresCol")
  local field = base.fieldOf(base.schemaOf(df), name, self._name)
  if field.dataType.id ~= T.ID.vector then
    base.fail(("%s: Column %s must be of type vector but was actually %s."):format(self._name, name,
      field.dataType:simpleString()))
  end
  local threshold, selected = self:getOrDefault("varianceThreshold"), {}
  for j, v in ipairs(variances(base.column(base.materialize(df), name, self._name))) do
    if v > threshold then selected[#selected + 1] = j - 1 end
  end
  return fitted(VarianceThresholdSelectorModel, self, selected)
end

return M
