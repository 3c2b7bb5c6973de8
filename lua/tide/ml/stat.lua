-- tide.ml.stat — Spark ML's hypothesis tests of each feature of a vector
-- column against a label, as pyspark.ml.stat's ChiSquareTest and Spark's
-- ANOVATest and FValueTest (which UnivariateFeatureSelector runs):
--
--   local r = ml.stat.ChiSquareTest.test(df, "features", "label"):head()
--   r.pValues, r.degreesOfFreedom, r.statistics
--
-- Each reads the rows once, in memory, and returns a DataFrame of Spark's
-- shape: one row of vectors, or with flatten one row a feature. The
-- p-values are Spark's, 1 minus the statistic's cumulative probability
-- (engine/ml_stat.c).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local base = require("tide.ml.base")
local feature = require("tide.ml.feature")
local linalg = require("tide.ml.linalg")
local batchlib = require("tide.batch")

local M = {}

-- Spark's limit on a chi-squared test's categories.
local MAX_CATEGORIES = 10000

local NUMBER = { [T.ID.int] = true, [T.ID.long] = true, [T.ID.float] = true, [T.ID.double] = true,
                 [T.ID.decimal] = true }

-- The features column (a batch's vector column) and the labels (doubles)
-- of df, every row; Spark's type checks.
local function read(who, df, features_col, label_col)
  local schema = base.schemaOf(df)
  local f = base.fieldOf(schema, features_col, who)
  if f.dataType.id ~= T.ID.vector then
    base.fail(("%s: Column %s must be of type vector but was actually %s."):format(who, features_col,
      f.dataType:simpleString()))
  end
  local l = base.fieldOf(schema, label_col, who)
  if not NUMBER[l.dataType.id] then
    base.fail(("%s: Column %s must be of type numeric but was actually of type %s."):format(who, label_col,
      l.dataType:simpleString()))
  end
  if batchlib.isBatch(df) then df = base.frame(nil, df) end
  local F = require("tide.functions")
  local batch = base.materialize(df:select(F.col(features_col), F.col(label_col):cast("double"):alias(label_col)))
  local features, labels = batch.columns[0], batch.columns[1]
  local n = tonumber(features.length)
  for i = 0, n - 1 do
    if not batchlib.isValid(labels, i) or not batchlib.isValid(features, i) then
      base.fail(("%s: row %d: the %s is null"):format(who, i,
        batchlib.isValid(labels, i) and ("features column " .. features_col) or ("label column " .. label_col)))
    end
  end
  return features, ffi.cast("const double *", labels.values), n
end

-- The distinct labels, sorted, their counts and each row's label's
-- position among them (0-based).
local function label_classes(y, n, who)
  local counts, sorted = {}, {}
  for i = 0, n - 1 do
    local v = y[i]
    if not counts[v] then
      if v ~= v then base.fail(("%s: row %d: the label is NaN"):format(who, i)) end
      counts[v] = 0
      sorted[#sorted + 1] = v
    end
    counts[v] = counts[v] + 1
  end
  table.sort(sorted)
  local at = {}
  for k, v in ipairs(sorted) do at[v] = k - 1 end
  local class = ffi.new("int32_t[?]", math.max(n, 1))
  for i = 0, n - 1 do class[i] = at[y[i]] end
  return sorted, counts, class
end

local function entries(col)
  return ffi.cast("const int64_t *", col.values), ffi.cast("const int32_t *", col.children[0].values),
    ffi.cast("const double *", col.children[1].values)
end

-- The result DataFrame: one row of the three lists, or a row a feature;
-- statistic names the third ("statistic" or "fValue": the list's name has
-- an s).
local function result(rows, flatten, df_type, statistic)
  local session = require("tide.session").session()
  if flatten then
    local out = {}
    for j, r in ipairs(rows) do out[j] = { j - 1, r[1], r[2], r[3] } end
    return session:createDataFrame(out, ("featureIndex int, pValue double, degreesOfFreedom %s, %s double")
      :format(df_type, statistic))
  end
  local p, dof, s = {}, {}, {}
  for j, r in ipairs(rows) do p[j], dof[j], s[j] = r[1], r[2], r[3] end
  return session:createDataFrame({ { linalg.dense(p), dof, linalg.dense(s) } },
    ("pValues vector, degreesOfFreedom array<%s>, %ss vector"):format(df_type, statistic))
end

-- ---- ChiSquareTest ------------------------------------------------------------------------------

-- Pearson's statistic of a contingency table, as Spark's chiSquaredMatrix:
-- counts[v][c] for each value v (sorted) and label c, summed label by
-- label, value by value.
local function chi_squared(values, counts, num_labels, label_totals, total)
  if #values < 2 or num_labels < 2 then return { 1.0, 0, 0.0 } end
  local row_sums = {}
  for i, v in ipairs(values) do
    local sum = 0
    for c = 0, num_labels - 1 do sum = sum + (counts[v][c] or 0) end
    row_sums[i] = sum
  end
  local statistic = 0.0
  for c = 0, num_labels - 1 do
    local col_sum = label_totals[c + 1]
    for i, v in ipairs(values) do
      local expected = col_sum * row_sums[i] / total
      local dev = (counts[v][c] or 0) - expected
      statistic = statistic + dev * dev / expected
    end
  end
  local dof = (num_labels - 1) * (#values - 1)
  return { C.tide_ml_chi_squared_pvalue(statistic, dof), dof, statistic }
end

-- (NaN, a category of its own, sorts last, as Java's Double.compare)
local NAN_KEY = "NaN"
local function by_value(a, b)
  if a == NAN_KEY or b == NAN_KEY then return b == NAN_KEY and a ~= NAN_KEY end
  return a < b
end

-- Each feature's test: its values are categories; a row that does not
-- store a feature has 0.0 there.
function M.chiSquared(df, features_col, label_col, who)
  local features, y, n = read(who, df, features_col, label_col)
  local labels, label_counts, class = label_classes(y, n, who)
  if #labels > MAX_CATEGORIES then
    base.fail(("%s: Chi-square test expect factors (categorical values) but found more than %d distinct label "
      .. "values."):format(who, MAX_CATEGORIES))
  end
  local size = features.vector_size
  local off, ci, cv = entries(features)
  -- per feature: value -> { [class] = count }, and the values seen in order
  local counts, values, stored = {}, {}, {}
  for j = 0, size - 1 do counts[j], values[j], stored[j] = {}, {}, {} end
  for i = 0, n - 1 do
    local c = class[i]
    for e = tonumber(off[i]), tonumber(off[i + 1]) - 1 do
      local v = cv[e]
      if v ~= 0 then
        local j = ci[e]
        local key = v == v and v or NAN_KEY
        local by_class = counts[j][key]
        if not by_class then
          by_class = {}
          counts[j][key] = by_class
          values[j][#values[j] + 1] = key
          if #values[j] > MAX_CATEGORIES then
            base.fail(("%s: Chi-square test expect factors (categorical values) but found more than %d distinct "
              .. "values in column %d."):format(who, MAX_CATEGORIES, j))
          end
        end
        by_class[c] = (by_class[c] or 0) + 1
        stored[j][c] = (stored[j][c] or 0) + 1
      end
    end
  end
  local label_totals = {}
  for k, v in ipairs(labels) do label_totals[k] = label_counts[v] end
  local rows = {}
  for j = 0, size - 1 do
    -- the rows that do not hold the feature hold 0.0
    local zeros, any = {}, false
    for c = 0, #labels - 1 do
      zeros[c] = label_totals[c + 1] - (stored[j][c] or 0)
      if zeros[c] > 0 then any = true end
    end
    if any then
      counts[j][0.0] = zeros
      values[j][#values[j] + 1] = 0.0
    end
    table.sort(values[j], by_value)
    rows[j + 1] = chi_squared(values[j], counts[j], #labels, label_totals, n)
  end
  return rows
end

-- A test's class: test(df, featuresCol, labelCol, flatten), Spark's
-- DataFrame of compute's rows.
local function test_class(compute, name, dof_type, statistic)
  return { test = function(df, features_col, label_col, flatten)
    return result(compute(df, features_col, label_col, name), flatten, dof_type, statistic)
  end }
end

-- ChiSquareTest.test: pValues, degreesOfFreedom (array<int>),
-- statistics; flatten: featureIndex, pValue, degreesOfFreedom, statistic.
M.ChiSquareTest = test_class(M.chiSquared, "ChiSquareTest", "int", "statistic")

-- ---- ANOVATest ------------------------------------------------------------------------------------

-- One-way ANOVA of each feature across the label's classes, as Spark's
-- computeANOVA: F = (between-class mean square) / (within-class mean
-- square) with (classes - 1, rows - classes) degrees of freedom.
function M.anova(df, features_col, label_col, who)
  local features, y, n = read(who, df, features_col, label_col)
  local labels, label_counts, class = label_classes(y, n, who)
  local size, k = features.vector_size, #labels
  local off, ci, cv = entries(features)
  local sum, sumsq = ffi.new("double[?]", math.max(size, 1)), ffi.new("double[?]", math.max(size, 1))
  local sums = ffi.new("double[?]", math.max(size * k, 1)) -- feature-major: sums[j * k + class]
  for i = 0, n - 1 do
    local c = class[i]
    for e = tonumber(off[i]), tonumber(off[i + 1]) - 1 do
      local j, v = ci[e], cv[e]
      sum[j], sumsq[j], sums[j * k + c] = sum[j] + v, sumsq[j] + v * v, sums[j * k + c] + v
    end
  end
  local dfbn, dfwn = k - 1, n - k
  local rows = {}
  for j = 0, size - 1 do
    local sq_sum = sum[j] * sum[j]
    local ss_tot = sumsq[j] - sq_sum / n
    local total_sq_sum = 0
    for c = 0, k - 1 do
      local s = sums[j * k + c]
      total_sq_sum = total_sq_sum + s * s / label_counts[labels[c + 1]]
    end
    local ssbn = total_sq_sum - sq_sum / n
    local f = (ssbn / dfbn) / ((ss_tot - ssbn) / dfwn)
    rows[j + 1] = { C.tide_ml_f_pvalue(f, dfbn, dfwn), dfbn + dfwn, f }
  end
  return rows
end

M.ANOVATest = test_class(M.anova, "ANOVATest", "bigint", "fValue")

-- ---- FValueTest ---------------------------------------------------------------------------------

-- Each feature's F-value of a regression of the label on it, as Spark's:
-- r the (sample) correlation of the two, F = r² / (1 - r²) · (rows - 2).
-- The covariance is summed in two passes, (x - mean x)(y - mean y), as
-- Spark sums it.
function M.fValue(df, features_col, label_col, who)
  local features, y, n = read(who, df, features_col, label_col)
  local st = feature.vectorStats(features)
  local size = features.vector_size
  local y_sum = 0
  for i = 0, n - 1 do y_sum = y_sum + y[i] end
  local y_mean = y_sum / n
  local y_ss = 0
  for i = 0, n - 1 do y_ss = y_ss + (y[i] - y_mean) ^ 2 end
  local y_std = math.sqrt(y_ss / (n - 1))
  local off, ci, cv = entries(features)
  local cov = ffi.new("double[?]", math.max(size, 1))
  -- (a sparse row's implicit zeros add -mean·(y - mean y): summed per
  -- feature as the y deviations of the sparse rows that do not store it)
  local sparse_dev, stored_dev = 0, ffi.new("double[?]", math.max(size, 1))
  local mean = st.mean
  for i = 0, n - 1 do
    local d = y[i] - y_mean
    if d ~= 0 then
      local a, b = tonumber(off[i]), tonumber(off[i + 1])
      for e = a, b - 1 do
        local j = ci[e]
        cov[j] = cov[j] + d * (cv[e] - mean[j])
      end
      if b - a < size then
        sparse_dev = sparse_dev + d
        for e = a, b - 1 do stored_dev[ci[e]] = stored_dev[ci[e]] + d end
      end
    end
  end
  local dof = n - 2
  local rows = {}
  for j = 0, size - 1 do
    local sum_cov = cov[j] - mean[j] * (sparse_dev - stored_dev[j])
    local corr = (sum_cov / (n - 1)) / (y_std * math.sqrt(st.variance[j]))
    local f = corr * corr / (1 - corr * corr) * dof
    rows[j + 1] = { C.tide_ml_f_pvalue(f, 1, dof), dof, f }
  end
  return rows
end

M.FValueTest = test_class(M.fValue, "FValueTest", "bigint", "fValue")

return M
