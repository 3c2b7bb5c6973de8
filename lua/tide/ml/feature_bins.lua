-- tide.ml.feature_bins — Spark ML's binning stages: Bucketizer (numbers to
-- the bucket among given splits they fall in) and QuantileDiscretizer
-- (whose fit finds splits at the columns' quantiles and gives a
-- Bucketizer). A Bucketizer adds one plan operator that calls one C
-- kernel per column per batch (engine/ml_bucket.c, a binary search per
-- row), so it applies to batch and streaming DataFrames alike.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local base = require("tide.ml.base")
local batchlib = require("tide.batch")

local M = {}
local NONE = base.NONE
local errbuf, errlen = base.errbuf, base.errlen

-- Spark's NumericType (booleans are not numbers there)
local NUMBER = { [T.ID.int] = true, [T.ID.long] = true, [T.ID.float] = true, [T.ID.double] = true,
                 [T.ID.decimal] = true }

local function java(x) return batchlib.javaDouble(x) end

local INVALID_CHOICES = { "error", "skip", "keep" }

-- ---- param values ---------------------------------------------------------------------------

-- A list of numbers (PySpark's toListFloat), copied, cdata made numbers;
-- nil when v is not one.
local function number_list(v)
  if type(v) ~= "table" then return nil end
  local out = {}
  for k, x in pairs(v) do
    if type(k) ~= "number" or k < 1 or k > #v or k ~= math.floor(k) then return nil end
    if type(x) == "cdata" then x = tonumber(x) end
    if type(x) ~= "number" then return nil end
    out[k] = x
  end
  return out
end

-- Spark's Bucketizer.checkSplits: at least 3, strictly increasing, no NaN.
local function valid_splits(s)
  if #s < 3 then return false end
  for i = 1, #s - 1 do
    if s[i] ~= s[i] or not (s[i] < s[i + 1]) then return false end
  end
  return s[#s] == s[#s]
end

-- A list as Spark's Param.validate prints an array ("[-0.5,0.0]").
local function array_text(list)
  local parts = {}
  for i, x in ipairs(list) do parts[i] = type(x) == "table" and array_text(x) or java(x) end
  return "[" .. table.concat(parts, ",") .. "]"
end

local function invalid_param(stage, name, value, why)
  base.fail(("%s parameter %s given invalid value %s. %s"):format(stage.uid, name, array_text(value), why))
end

local function not_convertible(stage, name, value, what)
  base.fail(("%s: Invalid param value given for param %q. Could not convert %s to %s"):format(stage._name, name,
    tostring(value), what))
end

local SPLITS_RULE = "The splits should be of length >= 3 and strictly increasing, without NaN."

-- splits and splitsArray, converted and checked as PySpark's
-- TypeConverters and Spark's validators do, when they are set (Spark
-- checks them when set too).
local function set_splits(stage, name, value)
  if value == nil then return value end
  if name == "splits" then
    local list = number_list(value)
    if not list then not_convertible(stage, name, value, "list of floats") end
    if not valid_splits(list) then invalid_param(stage, name, list, SPLITS_RULE) end
    return list
  end
  if type(value) ~= "table" then not_convertible(stage, name, value, "list of list of floats") end
  local out = {}
  for i = 1, #value do
    out[i] = number_list(value[i])
    if not out[i] then not_convertible(stage, name, value, "list of list of floats") end
  end
  for _, list in ipairs(out) do
    if not valid_splits(list) then invalid_param(stage, name, out, SPLITS_RULE) end
  end
  return out
end

-- Spark's defaultParamMap holds the outputCol default Spark writes
-- (uid__output). (Split points are saved as Spark's DoubleArrayParam
-- saves them, infinities as "-Inf" and "Inf": base.paramJson.)
local function json_params(stage)
  local set, defaults = base.Params.paramMaps(stage)
  defaults.outputCol = stage.uid .. "__output"
  return set, defaults
end

-- Split points read back are numbers (base.paramFromJson read "-Inf").
local function read_params(stage)
  local function check(list)
    for _, x in ipairs(list) do
      if type(x) == "table" then check(x)
      elseif type(x) ~= "number" then error(("cannot read %q as a split point"):format(tostring(x)), 0) end
    end
  end
  for _, name in ipairs({ "splits", "splitsArray" }) do
    if stage._set[name] ~= nil then check(stage._set[name]) end
  end
end

-- ---- input and output columns ---------------------------------------------------------------

-- Spark's ParamValidators.checkSingleVsMultiColumnParams, with its
-- messages: exactly one of inputCol and inputCols; the params of that
-- kind defined (outputCol always is: its default is uid__output), those
-- of the other kind not set.
local function check_single_vs_multi(stage, single, multi)
  local name = ("%s %s"):format(stage._name, stage.uid)
  local function exclusive(is_single, required, excluded)
    local msg = ""
    local unset = {}
    for _, p in ipairs(excluded) do
      if stage:isSet(p) then unset[#unset + 1] = p end
    end
    if #unset > 0 then
      msg = msg .. "The following Params are not applicable and should not be set: " .. table.concat(unset, ", ")
        .. "."
    end
    local missing = {}
    for _, p in ipairs(required) do
      if p ~= "outputCol" and not stage:isDefined(p) then missing[#missing + 1] = p end
    end
    if #missing > 0 then
      msg = msg .. "The following Params must be defined but are not set: " .. table.concat(missing, ", ") .. "."
    end
    if msg ~= "" then
      local prefix = is_single and "has the inputCol Param set for single-column transform."
        or "has the inputCols Param set for multi-column transform."
      base.fail(("%s %s %s"):format(name, prefix, msg))
    end
  end
  if stage:isSet("inputCol") then
    if stage:isSet("inputCols") then
      base.fail(name .. " requires exactly one of inputCol, inputCols Params to be set, but both are set.")
    end
    exclusive(true, single, multi)
    return true
  elseif stage:isSet("inputCols") then
    exclusive(false, multi, single)
    return false
  end
  base.fail(name .. " requires exactly one of inputCol, inputCols Params to be set, but neither is set.")
end

-- The input fields, checked to be numbers (Spark's checkNumericType).
local function numeric_fields(stage, schema, ins)
  local fields = {}
  for k, name in ipairs(ins) do
    local f = base.fieldOf(schema, name, stage._name)
    if not NUMBER[f.dataType.id] then
      base.fail(("%s: Column %s must be of type numeric but was actually of type %s."):format(stage._name, name,
        f.dataType:simpleString()))
    end
    fields[k] = f
  end
  return fields
end

-- ---- Bucketizer ----------------------------------------------------------------------------

local SPLITS_DOC = "Split points for mapping continuous features into buckets. With n+1 splits, there are n "
  .. "buckets. A bucket defined by splits x,y holds values in the range [x,y) except the last bucket, which also "
  .. "includes y. The splits should be of length >= 3 and strictly increasing. Values at -inf, inf must be "
  .. "explicitly provided to cover all Double values; otherwise, values outside the splits specified will be "
  .. "treated as errors."

local Bucketizer = base.class {
  name = "Bucketizer", sparkClass = "org.apache.spark.ml.feature.Bucketizer",
  params = { splits = NONE, splitsArray = NONE, inputCol = NONE, outputCol = NONE, inputCols = NONE,
             outputCols = NONE, handleInvalid = "error" },
  choices = { handleInvalid = INVALID_CHOICES },
  docs = {
    splits = SPLITS_DOC,
    splitsArray = "The array of split points for mapping continuous features into buckets for multiple columns. "
      .. "For each input column, with n+1 splits, there are n buckets. A bucket defined by splits x,y holds values "
      .. "in the range [x,y) except the last bucket, which also includes y. The splits should be of length >= 3 "
      .. "and strictly increasing. Values at -inf, inf must be explicitly provided to cover all Double values; "
      .. "otherwise, values outside the splits specified will be treated as errors.",
    handleInvalid = "how to handle invalid entries containing NaN values. Values outside the splits will always "
      .. "be treated as errors. Options are 'skip' (filter out rows with invalid values), 'error' (throw an "
      .. "error), or 'keep' (keep invalid values in a special additional bucket). Note that in the multiple "
      .. "column case, the invalid handling is applied to all columns. That said for 'error' it will throw an "
      .. "error if any invalids are found in any column, for 'skip' it will skip rows with any invalids in any "
      .. "columns, etc.",
  },
}
M.Bucketizer = Bucketizer
Bucketizer.paramMaps = json_params
Bucketizer._readData = read_params

function Bucketizer:set(name, value)
  if name == "splits" or name == "splitsArray" then value = set_splits(self, name, value) end
  return base.Params.set(self, name, value)
end

-- The input columns, the output columns and each one's splits, checked
-- as Spark's transformSchema checks them.
function Bucketizer:_columns()
  if check_single_vs_multi(self, { "outputCol", "splits" }, { "outputCols", "splitsArray" }) then
    return { self:getOrDefault("inputCol") }, { self:getOrDefault("outputCol") or (self.uid .. "__output") },
      { self:getOrDefault("splits") }
  end
  local ins, outs, arrays = self:getOrDefault("inputCols"), self:getOrDefault("outputCols"),
    self:getOrDefault("splitsArray")
  if #ins ~= #outs or #ins ~= #arrays then
    base.fail(("Bucketizer %s has mismatched Params for multi-column transform. Params (inputCols, outputCols, "
      .. "splitsArray) should have equal lengths, but they have different lengths: (%d, %d, %d)."):format(self.uid,
      #ins, #outs, #arrays))
  end
  return ins, outs, arrays
end

-- Spark's Bucketizer.prepOutputField: an ordinal nominal attribute whose
-- values name the buckets ("-Infinity, 0.5"), one per pair of splits (the
-- NaN bucket of "keep" is not one of them, as in Spark).
local function bucket_attribute(splits)
  local values = {}
  for i = 1, #splits - 1 do values[i] = java(splits[i]) .. ", " .. java(splits[i + 1]) end
  return { nominal = true, ordinal = true, numValues = #values, values = values }
end

-- Each input column's buckets as a double column: i for splits[i] <= x <
-- splits[i + 1] (0-based, the last bucket holding its upper split too); a
-- null stays null. NaN fails under "error" (Spark's message), goes to an
-- extra bucket (#splits - 1) under "keep", and under "skip" the rows with
-- a null or NaN in any input column are dropped (Spark's na.drop over
-- them). A value outside the splits fails whatever handleInvalid says.
function Bucketizer:transform(df)
  local ins, outs, arrays = self:_columns()
  local inputs = numeric_fields(self, df.schema, ins)
  local mode = self:getOrDefault("handleInvalid")
  local fields, splits = {}, {}
  for k, name in ipairs(outs) do
    local f = T.field(name, T.double, inputs[k].nullable ~= false)
    f.ml = bucket_attribute(arrays[k])
    fields[k] = f
    local s = arrays[k]
    splits[k] = ffi.new("double[?]", #s, s)
  end
  local keep = mode == "keep" and 1 or 0
  return base.addColumns(df, self, fields, function(input, out, first)
    local cols = {}
    for k, name in ipairs(ins) do cols[k] = base.column(input, name, self._name) end
    local drop
    if mode == "skip" then
      drop = ffi.new("uint8_t[?]", math.max(input:count(), 1))
      for k, col in ipairs(cols) do
        base.check(tonumber(C.tide_ml_bucket_mark_invalid(col, drop, errbuf, errlen)), "column " .. ins[k])
      end
    end
    for k, col in ipairs(cols) do
      base.check(C.tide_ml_bucketize(out, col, splits[k], #arrays[k], keep, drop, out.columns[first + k - 1],
        errbuf, errlen), "column " .. ins[k])
    end
    return drop
  end, "null or NaN values in " .. table.concat(ins, ", "))
end

-- ---- QuantileDiscretizer --------------------------------------------------------------------

local QuantileDiscretizer = base.class {
  name = "QuantileDiscretizer", sparkClass = "org.apache.spark.ml.feature.QuantileDiscretizer",
  params = { numBuckets = 2, numBucketsArray = NONE, inputCol = NONE, outputCol = NONE, inputCols = NONE,
             outputCols = NONE, relativeError = 0.001, handleInvalid = "error" },
  choices = { handleInvalid = INVALID_CHOICES },
  ranges = { numBuckets = { 2 }, relativeError = { 0, 1 } },
  docs = {
    numBuckets = "Maximum number of buckets (quantiles, or categories) into which data points are grouped. "
      .. "Must be >= 2.",
    numBucketsArray = "Array of number of buckets (quantiles, or categories) into which data points are grouped. "
      .. "This is for multiple columns input. If transforming multiple columns and numBucketsArray is not set, "
      .. "but numBuckets is set, then numBuckets will be applied across all columns.",
    handleInvalid = "how to handle invalid entries. Options are skip (filter out rows with invalid values), error "
      .. "(throw an error), or keep (keep invalid values in a special additional bucket). Note that in the "
      .. "multiple columns case, the invalid handling is applied to all columns. That said for 'error' it will "
      .. "throw an error if any invalids are found in any columns, for 'skip' it will skip rows with any invalids "
      .. "in any columns, etc.",
  },
}
M.QuantileDiscretizer = QuantileDiscretizer
QuantileDiscretizer.paramMaps = json_params

local function whole(v) return type(v) == "number" and v == math.floor(v) and v == v and math.abs(v) < 2 ^ 31 end

-- numBuckets a whole number (PySpark's toInt); numBucketsArray a list of
-- whole numbers (toListInt), each >= 2 (Spark's validator).
function QuantileDiscretizer:set(name, value)
  if type(value) == "cdata" then value = tonumber(value) end
  if name == "numBuckets" and value ~= nil and not whole(value) then
    not_convertible(self, name, value, "int")
  elseif name == "numBucketsArray" and value ~= nil then
    local list = number_list(value)
    if list then
      for _, x in ipairs(list) do
        if not whole(x) then list = nil; break end
      end
    end
    if not list then not_convertible(self, name, value, "list of ints") end
    for _, x in ipairs(list) do
      if x < 2 then invalid_param(self, name, list, "Each number of buckets must be >= 2.") end
    end
    value = list
  end
  return base.Params.set(self, name, value)
end

-- The input and output columns and each one's number of buckets, checked
-- as Spark's transformSchema checks them.
function QuantileDiscretizer:_columns()
  if check_single_vs_multi(self, { "outputCol" }, { "outputCols" }) then
    if self:isSet("numBucketsArray") then
      base.fail("numBucketsArray can't be set for single-column QuantileDiscretizer.")
    end
    return { self:getOrDefault("inputCol") }, { self:getOrDefault("outputCol") or (self.uid .. "__output") },
      { self:getOrDefault("numBuckets") }
  end
  local ins, outs = self:getOrDefault("inputCols"), self:getOrDefault("outputCols")
  local prefix = ("QuantileDiscretizer %s has mismatched Params for multi-column transform. "):format(self.uid)
  if #ins ~= #outs then
    base.fail(("%sParams (inputCols, outputCols) should have equal lengths, but they have different lengths: "
      .. "(%d, %d)."):format(prefix, #ins, #outs))
  end
  local counts = {}
  if self:isSet("numBucketsArray") then
    counts = self:getOrDefault("numBucketsArray")
    if #ins ~= #counts then
      base.fail(("%sParams (inputCols, outputCols, numBucketsArray) should have equal lengths, but they have "
        .. "different lengths: (%d, %d, %d)."):format(prefix, #ins, #outs, #counts))
    end
    if self:isSet("numBuckets") then
      base.fail("exactly one of numBuckets, numBucketsArray Params to be set, but both are set.")
    end
  else
    for k = 1, #ins do counts[k] = self:getOrDefault("numBuckets") end
  end
  return ins, outs, counts
end

-- Spark's getDistinctSplits: the ends made -inf and inf, -0.0 made 0.0,
-- repeats left out (with Spark's warning, naming the column), sorted.
local function distinct_splits(stage, column_name, q)
  local s = {}
  for i, x in ipairs(q) do s[i] = x end
  s[1], s[#s] = -math.huge, math.huge
  local seen, out = {}, {}
  for _, x in ipairs(s) do
    if x == 0 then x = 0 end -- (-0.0 and 0.0 are one split)
    if not seen[x] then
      seen[x] = true
      out[#out + 1] = x
    end
  end
  if #out ~= #s then
    io.stderr:write(("tide: warning: %s: column %s: Some quantiles were identical. Bucketing to %d buckets as a "
      .. "result.\n"):format(stage.uid, column_name, #out - 1))
  end
  table.sort(out)
  return out
end

-- Spark's fit: each column's splits are its approxQuantile (nulls and NaNs
-- left out) at 0, 1/n, ..., 1 with relativeError, made distinct with
-- infinite ends; the model is a Bucketizer of this stage's uid and its
-- column params and handleInvalid.
function QuantileDiscretizer:fit(df)
  if batchlib.isBatch(df) then df = base.frame(nil, df) end
  if df._streaming then base.fail("QuantileDiscretizer: fit needs a batch DataFrame, not a streaming one") end
  local single = not self:isSet("inputCols")
  local ins, outs, counts = self:_columns()
  numeric_fields(self, df.schema, ins)
  for _, name in ipairs(outs) do
    if df.schema:fieldIndex(name) then
      base.fail(("QuantileDiscretizer: Output column %s already exists."):format(name))
    end
  end
  -- One approxQuantile over every column at the union of their
  -- probabilities (as Spark's), each column then taking its own.
  local per_column, union, seen = {}, {}, {}
  for k, n in ipairs(counts) do
    per_column[k] = {}
    for i = 0, n do
      local p = i / n
      per_column[k][i + 1] = p
      if not seen[p] then seen[p], union[#union + 1] = true, p end
    end
  end
  table.sort(union)
  local at = {}
  for i, p in ipairs(union) do at[p] = i end
  local q = df.stat:approxQuantile(ins, union, self:getOrDefault("relativeError"))
  local splits = {}
  for k, name in ipairs(ins) do
    if #q[k] == 0 then
      base.fail(("QuantileDiscretizer: column %s has no value that is not null or NaN: no quantiles to make "
        .. "splits of"):format(name))
    end
    local raw = {}
    for i, p in ipairs(per_column[k]) do raw[i] = q[k][at[p]] end
    splits[k] = distinct_splits(self, name, raw)
  end
  local model = base.inherit(Bucketizer.new(), self)
  model._set.handleInvalid = self:getOrDefault("handleInvalid")
  if single then model:set("splits", splits[1]) else model:set("splitsArray", splits) end
  return model
end

return M
