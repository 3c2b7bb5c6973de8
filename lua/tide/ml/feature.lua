-- tide.ml.feature — Spark ML's feature stages over vector columns:
-- StringIndexer, OneHotEncoder, VectorAssembler, MinMaxScaler,
-- StandardScaler, FeatureHasher. Fit reads the whole DataFrame; transform
-- adds one plan operator (one C kernel per column per batch), so a model
-- applies to batch and streaming DataFrames alike.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local base = require("tide.ml.base")
local linalg = require("tide.ml.linalg")

local M = {}
local NONE = base.NONE
local INVALID = { error = 0, skip = 1, keep = 2 }
local errbuf, errlen = base.errbuf, base.errlen

local check = base.check

-- Spark's simpleString of a field's type, for messages.
local function type_of(field) return field.dataType:simpleString() end

local NUMBER = { [T.ID.boolean] = true, [T.ID.int] = true, [T.ID.long] = true, [T.ID.float] = true,
                 [T.ID.double] = true, [T.ID.decimal] = true }

local function double_array(n) return ffi.new("double[?]", math.max(n, 1)) end

-- ---- StringIndexer ---------------------------------------------------------------

local ORDERS = { frequencyDesc = 0, frequencyAsc = 1, alphabetDesc = 2, alphabetAsc = 3 }

local StringIndexer = base.class {
  name = "StringIndexer", sparkClass = "org.apache.spark.ml.feature.StringIndexer",
  params = { inputCol = NONE, outputCol = NONE, inputCols = NONE, outputCols = NONE,
             handleInvalid = "error", stringOrderType = "frequencyDesc" },
  choices = { handleInvalid = { "error", "skip", "keep" },
              stringOrderType = { "frequencyDesc", "frequencyAsc", "alphabetDesc", "alphabetAsc" } },
}
M.StringIndexer = StringIndexer

local StringIndexerModel = base.class {
  name = "StringIndexerModel", sparkClass = "org.apache.spark.ml.feature.StringIndexerModel",
  params = { inputCol = NONE, outputCol = NONE, inputCols = NONE, outputCols = NONE,
             handleInvalid = "error", stringOrderType = "frequencyDesc" },
  choices = StringIndexer._choices,
}
M.StringIndexerModel = StringIndexerModel

local function new_dict(ptr)
  if ptr == nil then error("out of memory building a label dictionary", 2) end
  return ffi.gc(ptr, C.tide_ml_dict_free)
end

-- What StringIndexer indexes: strings, and numbers (decimals included,
-- as Spark's NumericType) by their string form.
local INDEXABLE = { [T.ID.string] = true, [T.ID.binary] = true }
for id in pairs(NUMBER) do INDEXABLE[id] = true end

function StringIndexer:fit(df)
  local ins = base.columnPairs(self)
  -- The types are checked before the data is read (df may be a plan).
  local schema = base.schemaOf(df)
  for _, name in ipairs(ins) do
    local f = base.fieldOf(schema, name, self._name)
    if not INDEXABLE[f.dataType.id] then
      base.fail(("StringIndexer: column %s has type %s; StringIndexer takes string, boolean or numeric columns")
        :format(name, type_of(f)))
    end
  end
  local batch = base.materialize(df)
  local order = ORDERS[self:getOrDefault("stringOrderType")]
  -- One C call counts and orders every column, a column per thread.
  local cols = ffi.new("const tide_column *[?]", #ins)
  for k, name in ipairs(ins) do cols[k - 1] = base.column(batch, name, self._name) end
  local out = ffi.new("tide_ml_dict *[?]", #ins)
  if C.tide_ml_dict_fit_columns(cols, #ins, order, C.tide_ml_cpu_count(), out, errbuf, errlen) ~= 0 then
    base.fail("StringIndexer: " .. base.lastError())
  end
  local dicts = {}
  for k = 1, #ins do dicts[k] = new_dict(out[k - 1]) end
  local model = base.inherit(StringIndexerModel.new(), self)
  model.dicts = dicts
  return model
end

-- A model from label lists: StringIndexerModel.from_labels({"a", "b"}, {inputCol=...}).
function StringIndexerModel.from_labels(labels, params)
  return StringIndexerModel.from_arrays_of_labels({ labels }, params)
end

function StringIndexerModel.from_arrays_of_labels(arrays, params)
  local model = StringIndexerModel.new(params)
  model.dicts = {}
  for k, labels in ipairs(arrays) do
    local d = new_dict(C.tide_ml_dict_new())
    for i, s in ipairs(labels) do
      if C.tide_ml_dict_add(d, s, #s) ~= i - 1 then error("labels must be distinct: " .. s, 2) end
    end
    model.dicts[k] = d
  end
  return model
end

local function dict_labels(d)
  local out, len = {}, ffi.new("int32_t[1]")
  for i = 0, C.tide_ml_dict_size(d) - 1 do
    local p = C.tide_ml_dict_label(d, i, len)
    out[i + 1] = ffi.string(p, len[0])
  end
  return out
end

-- labels and labelsArray, PySpark's properties, are read as tide's other
-- properties are: model.labels, or called, model:labels() (1-based lists,
-- made when read: a model may hold a million labels).
local PROPERTIES = {
  labels = function(self) return dict_labels(self.dicts[1]) end,
  labelsArray = function(self)
    local out = {}
    for k, d in ipairs(self.dicts) do out[k] = dict_labels(d) end
    return out
  end,
}
StringIndexerModel.__index = function(self, key)
  local property = PROPERTIES[key]
  if property then return require("tide.row").callableList(property(self)) end
  local v = StringIndexerModel[key]
  if v ~= nil then return v end
  return base.paramAttribute(self, key)
end

-- Spark's NominalAttribute: numValues, and values (the labels, with
-- "__unknown" last under keep), which IndexToString reads. values is made
-- when first read: a model may hold a million labels, and most transforms
-- never look at them.
local function nominal(n, dict, keep)
  local labels
  return setmetatable({ nominal = true, numValues = n }, { __index = function(_, key)
    if key ~= "values" then return nil end
    if not labels then
      labels = dict_labels(dict)
      if keep then labels[#labels + 1] = "__unknown" end
    end
    return labels
  end })
end

function StringIndexerModel:transform(df)
  local ins, outs = base.columnPairs(self)
  local mode = INVALID[self:getOrDefault("handleInvalid")]
  local fields = {}
  for k, name in ipairs(ins) do
    base.fieldOf(df.schema, name, self._name)
    local n = tonumber(C.tide_ml_dict_size(self.dicts[k])) + (mode == INVALID.keep and 1 or 0)
    local f = T.field(outs[k], T.double, false)
    f.ml = nominal(n, self.dicts[k], mode == INVALID.keep)
    fields[k] = f
  end
  local dicts = self.dicts
  return base.addColumns(df, self, fields, function(input, out, first)
    local drop
    if mode == INVALID.skip then drop = ffi.new("uint8_t[?]", math.max(input:count(), 1)) end
    for k, name in ipairs(ins) do
      local rc = C.tide_ml_string_index(out, base.column(input, name), dicts[k], mode,
        out.columns[first + k - 1], drop, errbuf, errlen)
      check(tonumber(rc), "column " .. name)
    end
    return drop
  end, "unseen or null labels in " .. table.concat(ins, ", "))
end

function StringIndexerModel:_writeData(w)
  for k, d in ipairs(self.dicts) do
    local size = tonumber(C.tide_ml_dict_encode(d, nil, 0))
    local buf = ffi.new("uint8_t[?]", math.max(size, 1))
    C.tide_ml_dict_encode(d, buf, size)
    w:bytes(("labels_%d.bin"):format(k - 1), ffi.string(buf, size), { count = tonumber(C.tide_ml_dict_size(d)) })
  end
end

function StringIndexerModel:_readData(r)
  self.dicts = {}
  local k = 0
  while r:has(("labels_%d.bin"):format(k)) do
    local name = ("labels_%d.bin"):format(k)
    local bytes, info = r:bytes(name)
    local d = C.tide_ml_dict_decode(bytes, #bytes, info.count, errbuf, errlen)
    if d == nil then r:fail(name, base.lastError()) end
    self.dicts[k + 1] = new_dict(d)
    k = k + 1
  end
  if k == 0 then r:fail("labels_0.bin", "missing") end
end

-- ---- OneHotEncoder ------------------------------------------------------------------

local OneHotEncoder = base.class {
  name = "OneHotEncoder", sparkClass = "org.apache.spark.ml.feature.OneHotEncoder",
  params = { inputCol = NONE, outputCol = NONE, inputCols = NONE, outputCols = NONE,
             dropLast = true, handleInvalid = "error" },
  choices = { handleInvalid = { "error", "keep" } },
}
M.OneHotEncoder = OneHotEncoder

local OneHotEncoderModel = base.class {
  name = "OneHotEncoderModel", sparkClass = "org.apache.spark.ml.feature.OneHotEncoderModel",
  params = OneHotEncoder._defaults, choices = OneHotEncoder._choices,
}
M.OneHotEncoderModel = OneHotEncoderModel

-- The number of categories of each input: the column's nominal metadata
-- (what StringIndexer attaches) or else the largest value + 1, as Spark.
function OneHotEncoder:fit(df)
  local ins = base.columnPairs(self)
  local sizes, missing = {}, false
  local schema = base.schemaOf(df)
  for k, name in ipairs(ins) do
    local f = base.fieldOf(schema, name, self._name)
    if not NUMBER[f.dataType.id] or f.dataType.id == T.ID.boolean then
      base.fail(("OneHotEncoder: column %s has type %s; OneHotEncoder takes numeric category indices "
        .. "(StringIndexer's output)"):format(name, type_of(f)))
    end
    if f.ml and f.ml.numValues then sizes[k] = f.ml.numValues else missing = true end
  end
  if missing then
    local batch = base.materialize(df)
    for k, name in ipairs(ins) do
      if not sizes[k] then
        local col = base.column(batch, name, self._name)
        local n = tonumber(col.length)
        local values = double_array(n)
        check(C.tide_ml_column_doubles(col, values, errbuf, errlen), "OneHotEncoder: column " .. name, true)
        local max = -1
        for i = 0, n - 1 do
          local v = values[i]
          if v == v then
            if v < 0 or v ~= math.floor(v) then
              base.fail(("OneHotEncoder: column %s, row %d: %s is not a category index (a whole number >= 0)")
                :format(name, i, tostring(v)))
            end
            if v > max then max = v end
          end
        end
        sizes[k] = max + 1
      end
    end
  end
  local model = base.inherit(OneHotEncoderModel.new(), self)
  -- A DenseVector, 0-based as PySpark's list (categorySizes[0] is the
  -- first input's), as the other models' attributes.
  model.categorySizes = linalg.dense(sizes)
  return model
end

-- The names of a one-hot vector's features, as Spark's: the input's
-- labels (StringIndexer's), else the category indices, then
-- "invalidValues" under keep; the last left out under dropLast.
local function one_hot_names(in_field, categories, mode, size)
  local labels = in_field.ml and in_field.ml.values
  local names = {}
  for j = 1, categories do names[j] = labels and #labels == categories and labels[j] or tostring(j - 1) end
  if mode == INVALID.keep then names[#names + 1] = "invalidValues" end
  for j = #names, size + 1, -1 do names[j] = nil end
  return names
end

function OneHotEncoderModel:transform(df)
  local ins, outs = base.columnPairs(self)
  local mode = INVALID[self:getOrDefault("handleInvalid")]
  local drop_last = self:getOrDefault("dropLast") and 1 or 0
  local fields = {}
  for k, name in ipairs(ins) do
    local in_field = base.fieldOf(df.schema, name, self._name)
    local f = T.field(outs[k], T.vector, false)
    local size = self.categorySizes.values[k] + (mode == INVALID.keep and 1 or 0) - drop_last
    f.ml = M.vectorMeta(size, function() return one_hot_names(in_field, self.categorySizes.values[k], mode, size) end)
    fields[k] = f
  end
  local sizes = self.categorySizes.values
  return base.addColumns(df, self, fields, function(input, out, first)
    for k, name in ipairs(ins) do
      check(tonumber(C.tide_ml_one_hot(out, base.column(input, name), sizes[k], drop_last, mode,
        out.columns[first + k - 1], errbuf, errlen)), "column " .. name)
    end
  end)
end

function OneHotEncoderModel:_writeData(w) w:json("data.json", { categorySizes = self.categorySizes.values }) end
function OneHotEncoderModel:_readData(r)
  local d = r:json("data.json")
  local sizes = {}
  for i, v in ipairs(d.categorySizes or {}) do sizes[i] = v end
  self.categorySizes = linalg.dense(sizes)
end

-- ---- VectorAssembler ------------------------------------------------------------------

local VectorAssembler = base.class {
  name = "VectorAssembler", sparkClass = "org.apache.spark.ml.feature.VectorAssembler",
  params = { inputCols = base.REQUIRED, outputCol = NONE, handleInvalid = "error" },
  choices = { handleInvalid = { "error", "skip", "keep" } },
}
M.VectorAssembler = VectorAssembler

-- The names of an assembled vector's features, as Spark's: a number's
-- column name; a vector's features' names (or indices) after its column
-- name and "_".
local function assembled_names(fields)
  local names = {}
  for _, f in ipairs(fields) do
    if f.dataType.id == T.ID.vector then
      local inner = f.ml.names
      for j = 1, f.ml.size do names[#names + 1] = f.name .. "_" .. (inner and inner[j] or tostring(j - 1)) end
    else
      names[#names + 1] = f.name
    end
  end
  return names
end

function VectorAssembler:transform(df)
  local ins = self:need("inputCols")
  local out_name = self:getOrDefault("outputCol") or (self.uid .. "__output")
  local mode = INVALID[self:getOrDefault("handleInvalid")]
  local size, fields, slots = 0, {}, nil
  for k, name in ipairs(ins) do
    local f = base.fieldOf(df.schema, name, self._name)
    local id = f.dataType.id
    fields[k] = f
    if id == T.ID.vector then
      for j, n in pairs(size and f.ml and f.ml.slots or {}) do
        slots = slots or {}
        slots[size + j] = n
      end
      size = size and f.ml and f.ml.size and size + f.ml.size or nil
    elseif NUMBER[id] then
      -- (a StringIndexer's output stays nominal in the vector, as in Spark's)
      if size and id == T.ID.double and f.ml and f.ml.nominal then
        slots = slots or {}
        slots[size] = f.ml
      end
      size = size and size + 1
    else
      base.fail(("VectorAssembler: Data type %s of column %s is not supported."):format(type_of(f), name))
    end
  end
  local field = T.field(out_name, T.vector, true)
  field.ml = M.vectorMeta(size, size and function() return assembled_names(fields) end, slots)
  return base.addColumns(df, self, { field }, function(input, out, first)
    local cols = ffi.new("const tide_column*[?]", #ins)
    for k, name in ipairs(ins) do cols[k - 1] = base.column(input, name) end
    local drop
    if mode == INVALID.skip then drop = ffi.new("uint8_t[?]", math.max(input:count(), 1)) end
    check(tonumber(C.tide_ml_assemble(out, cols, #ins, mode, out.columns[first], drop, errbuf, errlen)),
      "VectorAssembler")
    return drop
  end, "null or NaN values in " .. table.concat(ins, ", "))
end

-- ---- a vector column's metadata ----------------------------------------------------------

-- A vector field's ML metadata, Spark's attribute group as tide keeps it:
-- size, slots (feature index, 0-based -> the nominal metadata of a
-- feature that is a category index: numValues, values) and names (a list; made when first
-- read by names_fn, as a one-hot vector of a million labels has a million
-- names that most plans never read).
function M.vectorMeta(size, names_fn, slots)
  return setmetatable({ size = size, slots = slots }, { __index = function(meta, key)
    if key ~= "names" or not names_fn then return nil end
    local names = names_fn()
    rawset(meta, "names", names)
    return names
  end })
end

-- ---- statistics of a vector column ------------------------------------------------------

-- Per-feature statistics over a vector column of a batch: size, count
-- (weight sum), mean, unbiased variance, min and max (implicit zeros of
-- sparse rows included), as Spark's Summarizer.
function M.vectorStats(col, weights)
  local n = col.vector_size
  local nnz, sum, sumsq = double_array(n), double_array(n), double_array(n)
  local min, max = double_array(n), double_array(n)
  for j = 0, n - 1 do min[j], max[j] = math.huge, -math.huge end
  local ws, wsq = ffi.new("double[1]"), ffi.new("double[1]")
  check(C.tide_ml_vector_stats(col, weights, ws, wsq, nnz, sum, sumsq, min, max, errbuf, errlen), "statistics", true)
  local W, W2 = ws[0], wsq[0]
  local st = { size = n, count = W, mean = double_array(n), variance = double_array(n),
               min = double_array(n), max = double_array(n), numNonzeros = nnz }
  for j = 0, n - 1 do
    local mean = W > 0 and sum[j] / W or 0
    st.mean[j] = mean
    local denom = W - W2 / W
    local var = W > 0 and denom > 0 and (sumsq[j] - mean * sum[j]) / denom or 0
    st.variance[j] = var > 0 and var or 0
    local lo, hi = min[j], max[j]
    if nnz[j] < W then lo, hi = math.min(lo, 0), math.max(hi, 0) end
    if W == 0 then lo, hi = 0, 0 end
    st.min[j], st.max[j] = lo, hi
  end
  return st
end

local function to_list(arr, n)
  local out = {}
  for j = 0, n - 1 do out[j + 1] = arr[j] end
  return out
end

local function from_list(list)
  local arr = double_array(#list)
  for j, v in ipairs(list) do arr[j - 1] = v end
  return arr
end

-- The vector column a scaler fits on, its type checked before the data is
-- read.
function M.fitColumn(stage, df)
  local name = stage:need("inputCol")
  local f = base.fieldOf(base.schemaOf(df), name, stage._name)
  if f.dataType.id ~= T.ID.vector then
    base.fail(("%s: column %s has type %s; %s needs a vector column (assemble numbers with VectorAssembler)")
      :format(stage._name, name, type_of(f), stage._name))
  end
  return base.column(base.materialize(df), name, stage._name)
end

-- df with the stage's outputCol: its inputCol's vectors through
-- tide_ml_scale_vectors (kernel_args: size, shift, mult, add, dense);
-- vectors of another size fail with mismatch(size, found) when given.
function M.scaled(stage, df, size_fn, kernel_args, mismatch)
  local in_name, out_name = stage:need("inputCol"), stage:getOrDefault("outputCol") or (stage.uid .. "__output")
  base.fieldOf(df.schema, in_name, stage._name)
  local field = T.field(out_name, T.vector, true)
  field.ml = { size = size_fn() }
  return base.addColumns(df, stage, { field }, function(input, out, first)
    local col = base.column(input, in_name)
    local n = kernel_args.size
    if col.type ~= T.ID.vector or col.vector_size ~= n then
      error(mismatch and mismatch(n, col.vector_size)
        or ("%s: column %s must hold vectors of size %d"):format(stage._name, in_name, n), 0)
    end
    check(C.tide_ml_scale_vectors(out, col, kernel_args.shift, kernel_args.mult, kernel_args.add,
      kernel_args.dense, out.columns[first], errbuf, errlen), stage._name)
  end)
end

-- ---- MinMaxScaler -----------------------------------------------------------------------

local MinMaxScaler = base.class {
  name = "MinMaxScaler", sparkClass = "org.apache.spark.ml.feature.MinMaxScaler",
  params = { inputCol = base.REQUIRED, outputCol = NONE, min = 0.0, max = 1.0 },
}
M.MinMaxScaler = MinMaxScaler

local MinMaxScalerModel = base.class {
  name = "MinMaxScalerModel", sparkClass = "org.apache.spark.ml.feature.MinMaxScalerModel",
  params = MinMaxScaler._defaults,
}
M.MinMaxScalerModel = MinMaxScalerModel

function MinMaxScaler:fit(df)
  if self:getOrDefault("min") >= self:getOrDefault("max") then
    base.fail("MinMaxScaler: min must be below max")
  end
  local st = M.vectorStats(M.fitColumn(self, df))
  local model = base.inherit(MinMaxScalerModel.new(), self)
  -- DenseVectors, 0-based as PySpark's (originalMin[0]), as coefficients
  model.originalMin = linalg.dense(to_list(st.min, st.size))
  model.originalMax = linalg.dense(to_list(st.max, st.size))
  return model
end

-- Feature j maps to (x - shift[j]) * mult[j] + add[j] (dense output).
function MinMaxScalerModel:affine()
  local omin, omax = self.originalMin.values, self.originalMax.values
  local n = #omin
  local lo, hi = self:getOrDefault("min"), self:getOrDefault("max")
  local shift, mult, add = double_array(n), double_array(n), double_array(n)
  for j = 0, n - 1 do
    local range = omax[j + 1] - omin[j + 1]
    shift[j] = omin[j + 1]
    if range ~= 0 then
      mult[j], add[j] = (hi - lo) / range, lo
    else
      mult[j], add[j] = 0, 0.5 * (hi - lo) + lo -- a constant feature maps to the middle, as Spark
    end
  end
  return { size = n, shift = shift, mult = mult, add = add, dense = 1 }
end

function MinMaxScalerModel:transform(df)
  local affine = self:affine()
  return M.scaled(self, df, function() return affine.size end, affine)
end

function MinMaxScalerModel:_writeData(w)
  w:json("data.json", { originalMin = self.originalMin.values, originalMax = self.originalMax.values })
end
function MinMaxScalerModel:_readData(r)
  local d = r:json("data.json")
  self.originalMin, self.originalMax = linalg.dense({ unpack(d.originalMin) }), linalg.dense({ unpack(d.originalMax) })
  if self.originalMin.size ~= self.originalMax.size then
    r:fail("data.json", "originalMin and originalMax differ in length")
  end
end

-- ---- StandardScaler -----------------------------------------------------------------------

local StandardScaler = base.class {
  name = "StandardScaler", sparkClass = "org.apache.spark.ml.feature.StandardScaler",
  params = { inputCol = base.REQUIRED, outputCol = NONE, withMean = false, withStd = true },
}
M.StandardScaler = StandardScaler

local StandardScalerModel = base.class {
  name = "StandardScalerModel", sparkClass = "org.apache.spark.ml.feature.StandardScalerModel",
  params = StandardScaler._defaults,
}
M.StandardScalerModel = StandardScalerModel

function StandardScaler:fit(df)
  local st = M.vectorStats(M.fitColumn(self, df))
  local model = base.inherit(StandardScalerModel.new(), self)
  -- DenseVectors, 0-based as PySpark's (std[0]), as coefficients
  local std = {}
  for j = 0, st.size - 1 do std[j + 1] = math.sqrt(st.variance[j]) end
  model.mean, model.std = linalg.dense(to_list(st.mean, st.size)), linalg.dense(std)
  return model
end

function StandardScalerModel:transform(df)
  local std, mean = self.std.values, self.mean.values
  local n = #std
  local with_mean, with_std = self:getOrDefault("withMean"), self:getOrDefault("withStd")
  local shift, mult, add = double_array(n), double_array(n), double_array(n)
  for j = 0, n - 1 do
    local sd = std[j + 1]
    shift[j] = with_mean and mean[j + 1] or 0
    mult[j] = with_std and (sd ~= 0 and 1 / sd or 0) or 1
  end
  return M.scaled(self, df, function() return n end,
    { size = n, shift = shift, mult = mult, add = add, dense = with_mean and 1 or 0 })
end

function StandardScalerModel:_writeData(w) w:json("data.json", { mean = self.mean.values, std = self.std.values }) end
function StandardScalerModel:_readData(r)
  local d = r:json("data.json")
  self.mean, self.std = linalg.dense({ unpack(d.mean) }), linalg.dense({ unpack(d.std) })
end

-- ---- FeatureHasher ----------------------------------------------------------------------------

local FeatureHasher = base.class {
  name = "FeatureHasher", sparkClass = "org.apache.spark.ml.feature.FeatureHasher",
  params = { inputCols = base.REQUIRED, outputCol = NONE, numFeatures = 262144, categoricalCols = NONE },
}
M.FeatureHasher = FeatureHasher

function FeatureHasher:transform(df)
  local ins = self:need("inputCols")
  local n = self:getOrDefault("numFeatures")
  local out_name = self:getOrDefault("outputCol") or (self.uid .. "__output")
  local cat = {}
  for _, c in ipairs(self:getOrDefault("categoricalCols") or {}) do cat[c] = true end
  local flags = ffi.new("int32_t[?]", #ins)
  for k, name in ipairs(ins) do
    base.fieldOf(df.schema, name, self._name)
    flags[k - 1] = cat[name] and 1 or 0
  end
  local field = T.field(out_name, T.vector, true)
  field.ml = { size = n }
  return base.addColumns(df, self, { field }, function(input, out, first)
    local cols = ffi.new("const tide_column*[?]", #ins)
    for k, name in ipairs(ins) do cols[k - 1] = base.column(input, name) end
    check(C.tide_ml_feature_hash(out, cols, flags, #ins, n, out.columns[first], errbuf, errlen), "FeatureHasher")
  end)
end

M.fromList, M.toList = from_list, to_list
return M
