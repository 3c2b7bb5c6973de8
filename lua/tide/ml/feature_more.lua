-- tide.ml.feature_more — more of Spark ML's feature stages:
-- IndexToString (indices back to labels, StringIndexer's inverse),
-- Imputer (nulls and a missing value replaced by each column's mean,
-- median or mode), SQLTransformer (a SQL statement over __THIS__),
-- Binarizer (1.0 above a threshold, else 0.0) and VectorSizeHint (a
-- vector column's size, checked). IndexToString, the vector Binarizer and
-- VectorSizeHint add one plan operator; Imputer's model and the number
-- Binarizer are projections, as Spark's withColumns; SQLTransformer is the
-- statement's plan: all apply to batch and streaming DataFrames alike.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local base = require("tide.ml.base")
local batchlib = require("tide.batch")
local column = require("tide.column")

local M = {}
local NONE = base.NONE
local errbuf, errlen = base.errbuf, base.errlen

-- Spark's NumericType (booleans are not numbers there)
local NUMBER = { [T.ID.int] = true, [T.ID.long] = true, [T.ID.float] = true, [T.ID.double] = true,
                 [T.ID.decimal] = true }

local function F() return require("tide.functions") end

-- A number as Spark prints a Double ("NaN", "0.0", "2.5").
local function java(x) return batchlib.javaDouble(x) end

-- Whether v is a Lua list of strings (PySpark's TypeConverters.toListString).
local function string_list(v)
  if type(v) ~= "table" then return false end
  for k, x in pairs(v) do
    if type(k) ~= "number" or k < 1 or k > #v or type(x) ~= "string" then return false end
  end
  return true
end

-- ---- IndexToString -----------------------------------------------------------------------

local IndexToString = base.class {
  name = "IndexToString", sparkClass = "org.apache.spark.ml.feature.IndexToString",
  params = { inputCol = NONE, outputCol = NONE, labels = NONE },
}
M.IndexToString = IndexToString

function IndexToString:set(name, value)
  if name == "labels" and value ~= nil and not string_list(value) then
    base.fail(("IndexToString: Invalid param value given for param \"labels\". Could not convert %s to list of "
      .. "strings"):format(tostring(value)))
  end
  return base.Params.set(self, name, value)
end

-- The labels: the labels param when set and not empty, else the input
-- column's nominal metadata (a StringIndexer's output carries it), as
-- Spark's.
local function labels_of(stage, field)
  local labels = stage:getOrDefault("labels")
  if labels and #labels > 0 then return labels end
  local values = field.ml and field.ml.nominal and field.ml.values
  if not values then
    base.fail(("IndexToString: column %s carries no labels in its metadata (a StringIndexer's output does, "
      .. "also after select, alias, filter or a join, not after a computation); set labels"):format(field.name))
  end
  return values
end

-- Each row's index, truncated to a whole number (Spark's toInt), picks a
-- label; null stays null. An index outside the labels is an error, with
-- Spark's message; so is NaN (Spark's toInt would read it as 0).
function IndexToString:transform(df)
  local in_name = self:need("inputCol")
  local out_name = self:getOrDefault("outputCol") or (self.uid .. "__output")
  local field = base.fieldOf(df.schema, in_name, self._name)
  if not NUMBER[field.dataType.id] then
    base.fail(("IndexToString: The input column %s must be a numeric type, but got %s."):format(in_name,
      field.dataType:simpleString()))
  end
  local labels = labels_of(self, field)
  local count = #labels
  return base.addColumns(df, self, { T.field(out_name, T.string, true) }, function(input, out, first)
    local col = base.column(input, in_name)
    local n = tonumber(col.length)
    local index = ffi.new("double[?]", math.max(n, 1))
    if C.tide_ml_column_doubles(col, index, errbuf, errlen) ~= 0 then error(base.lastError(), 0) end
    local dst = out.columns[first]
    if C.tide_column_init(out, dst, out_name, T.ID.string, n) ~= 0 then error("out of memory", 0) end
    for i = 0, n - 1 do
      local rc
      if not batchlib.isValid(col, i) then
        rc = C.tide_column_append_null(out, dst)
      else
        local x = index[i]
        local k = x >= 0 and math.floor(x) or math.ceil(x)
        if x ~= x or k < 0 or k >= count then
          error(("column %s, row %d: Unseen index: %s ??"):format(in_name, i, java(x)), 0)
        end
        local s = labels[k + 1]
        rc = C.tide_column_append_bytes(out, dst, s, #s)
      end
      if rc ~= 0 then error("out of memory", 0) end
    end
  end)
end

-- ---- Imputer ------------------------------------------------------------------------------

local IMPUTER_PARAMS = { inputCol = NONE, outputCol = NONE, inputCols = NONE, outputCols = NONE,
  strategy = "mean", missingValue = 0 / 0, relativeError = 0.001 }

local Imputer = base.class {
  name = "Imputer", sparkClass = "org.apache.spark.ml.feature.Imputer",
  params = IMPUTER_PARAMS,
  choices = { strategy = { "mean", "median", "mode" } },
  ranges = { relativeError = { 0, 1 } },
}
M.Imputer = Imputer

local ImputerModel = base.class {
  name = "ImputerModel", sparkClass = "org.apache.spark.ml.feature.ImputerModel",
  params = IMPUTER_PARAMS, choices = Imputer._choices, ranges = Imputer._ranges,
}
M.ImputerModel = ImputerModel

-- A reference to column i of df (by position: a name with a dot or a
-- backquote needs no quoting).
local function ref(df, i)
  return column.wrap({ k = "col", name = df.schema.fields[i].name, index = i - 1 })
end

-- The input columns, checked to be numbers, and their positions in df.
local function numeric_inputs(stage, df)
  local ins, outs = base.columnPairs(stage)
  local positions = {}
  for k, name in ipairs(ins) do
    local f, i = base.fieldOf(df.schema, name, stage._name)
    if not NUMBER[f.dataType.id] then
      base.fail(("%s: Column %s must be of type numeric but was actually of type %s."):format(stage._name, name,
        f.dataType:simpleString()))
    end
    positions[k] = i
  end
  return ins, outs, positions
end

-- Whether x (a double Column) is the missing value: NaN is one when
-- missingValue is NaN (Spark's NaN = NaN is true).
local function is_missing(x, missing)
  if missing ~= missing then return F().isnan(x) end
  return x:eq(missing)
end

-- The mode of the values of column `name` of df (nulls left out): the
-- most frequent, the smallest of those as frequent (Spark's, as
-- scikit-learn's most_frequent); NaN when there is none.
local function mode_of(df, name)
  local best, best_count = 0 / 0, 0
  for _, row in ipairs(df:filter(df[name]:isNotNull()):groupBy(name):count():collect()) do
    local v, c = row[1], row[2]
    if c > best_count or (c == best_count and v < best) then best, best_count = v, c end
  end
  return best
end

-- Spark's fit: each input as a double, its missing values and NaNs as
-- nulls; the surrogate is the mean (avg), the median (approxQuantile at
-- 0.5 with relativeError: a value of the column) or the mode of the rest.
-- A column with nothing left is an error, as Spark's.
function Imputer:fit(df)
  if batchlib.isBatch(df) then df = base.frame(nil, df) end
  if df._streaming then base.fail("Imputer: fit needs a batch DataFrame, not a streaming one") end
  local ins, _, positions = numeric_inputs(self, df)
  local missing, strategy = self:getOrDefault("missingValue"), self:getOrDefault("strategy")
  local cleaned = {}
  for k, name in ipairs(ins) do
    local x = ref(df, positions[k]):cast("double")
    local drop = F().isnan(x)
    if missing == missing then drop = drop:or_(x:eq(missing)) end
    cleaned[k] = F().when(drop, F().lit(nil)):otherwise(x):alias(("c%d"):format(k))
  end
  local values = base.frame(df._session, df:select(cleaned):toBatch())
  local surrogates = {}
  if strategy == "mean" then
    local aggs = {}
    for k = 1, #ins do aggs[k] = F().avg(("c%d"):format(k)) end
    local row = values:select(aggs):collect()[1]
    for k = 1, #ins do
      local v = row[k]
      surrogates[k] = v == nil and 0 / 0 or v
    end
  elseif strategy == "median" then
    local names = {}
    for k = 1, #ins do names[k] = ("c%d"):format(k) end
    local q = values.stat:approxQuantile(names, { 0.5 }, self:getOrDefault("relativeError"))
    for k = 1, #ins do surrogates[k] = q[k][1] or 0 / 0 end
  else
    for k = 1, #ins do surrogates[k] = mode_of(values, ("c%d"):format(k)) end
  end
  local empty = {}
  for k, name in ipairs(ins) do
    if surrogates[k] ~= surrogates[k] then empty[#empty + 1] = name end
  end
  if #empty > 0 then
    base.fail(("Imputer: surrogate cannot be computed. All the values in %s are Null, Nan or missingValue(%s)")
      :format(table.concat(empty, ","), java(missing)))
  end
  local model = base.inherit(ImputerModel.new(), self)
  model:_setSurrogates(ins, surrogates)
  return model
end

-- surrogateDF: one row, a double column per input column (Spark's).
function ImputerModel:_setSurrogates(names, surrogates)
  self._surrogates = {}
  local fields, row = {}, {}
  for k, name in ipairs(names) do
    self._surrogates[name] = surrogates[k]
    fields[k] = T.field(name, T.double, false)
    row[k] = surrogates[k]
  end
  self._surrogateNames = names
  self.surrogateDF = base.frame(nil, batchlib.fromRows({ row }, T.struct(fields)))
end

-- Each output column: the surrogate where the input is null or the
-- missing value, else the input, cast back to the input's type (an int
-- column gets the surrogate truncated, as Spark's cast); an output column
-- that exists is replaced (Spark's withColumns).
function ImputerModel:transform(df)
  local ins, outs, positions = numeric_inputs(self, df)
  local missing = self:getOrDefault("missingValue")
  local pairs_list = {}
  for k, name in ipairs(ins) do
    local s = self._surrogates[name]
    if s == nil then
      base.fail(("ImputerModel: no surrogate for column %s (the model was fitted on %s)"):format(name,
        table.concat(self._surrogateNames, ", ")))
    end
    local t = df.schema.fields[positions[k]].dataType
    local x = ref(df, positions[k]):cast("double")
    local value = F().when(x:isNull(), F().lit(s)):when(is_missing(x, missing), F().lit(s)):otherwise(x)
    if t.id ~= T.ID.double then value = value:cast(t:simpleString()) end
    pairs_list[k] = { outs[k], value }
  end
  return df:withColumns(pairs_list)
end

-- ---- SQLTransformer -----------------------------------------------------------------------

local SQLTransformer = base.class {
  name = "SQLTransformer", sparkClass = "org.apache.spark.ml.feature.SQLTransformer",
  params = { statement = NONE },
  docs = { statement = "SQL statement" },
}
M.SQLTransformer = SQLTransformer

function SQLTransformer:set(name, value)
  if name == "statement" and value ~= nil and type(value) ~= "string" then
    base.fail(("SQLTransformer: Invalid param value given for param \"statement\". Could not convert %s to string")
      :format(tostring(value)))
  end
  return base.Params.set(self, name, value)
end

-- The statement with __THIS__ standing for df, as Spark's: df is a temp
-- view of a name of its own while the statement is planned (tide's SQL
-- resolves views as it plans), then the view goes.
function SQLTransformer:transform(df)
  if batchlib.isBatch(df) then df = base.frame(nil, df) end
  local statement = self:need("statement")
  local view = base.uid(self.uid)
  local session = df._session or require("tide.session").session()
  df:createOrReplaceTempView(view)
  local ok, result = pcall(session.sql, session, (statement:gsub("__THIS__", view)))
  session.catalog:dropTempView(view)
  if not ok then base.fail(("SQLTransformer %s: %s"):format(self.uid, tostring(result):gsub("^[^:]*:%d+: ", ""))) end
  return result
end

-- ---- Binarizer ----------------------------------------------------------------------------

local Binarizer = base.class {
  name = "Binarizer", sparkClass = "org.apache.spark.ml.feature.Binarizer",
  params = { inputCol = NONE, outputCol = NONE, inputCols = NONE, outputCols = NONE, threshold = 0.0,
             thresholds = NONE },
  docs = {
    threshold = "Param for threshold used to binarize continuous features. The features greater than the "
      .. "threshold will be binarized to 1.0. The features equal to or less than the threshold will be binarized "
      .. "to 0.0",
    thresholds = "Param for array of threshold used to binarize continuous features. This is for multiple "
      .. "columns input. If transforming multiple columns and thresholds is not set, but threshold is set, then "
      .. "threshold will be applied across all columns.",
  },
}
M.Binarizer = Binarizer

-- (a Binarizer's thresholds are any numbers, not a classifier's)
function Binarizer:set(name, value)
  if name == "thresholds" and value ~= nil then
    local ok = type(value) == "table"
    for k, v in pairs(ok and value or {}) do
      if type(k) ~= "number" or k < 1 or k > #value or type(v) ~= "number" then ok = false end
    end
    if not ok then
      base.fail(("Binarizer: Invalid param value given for param \"thresholds\". Could not convert %s to list of "
        .. "floats"):format(type(value) == "table" and "a Lua table" or tostring(value)))
    end
    self._set.thresholds = value
    return self
  end
  return base.Params.set(self, name, value)
end

-- Vector rows binarized: a row's entries above td become 1.0 (those at or
-- below, and the implicit zeros when td >= 0, are left out); with td < 0
-- every implicit zero is above it too. Each row is stored dense or
-- sparse as Spark's compressedWithNNZ picks (dense unless 1.5 (nnz + 1) <
-- size), which decides how it prints. One pass counts, one fills.
local function binarize_vectors(out, dst, name, col, td)
  local n, size = tonumber(col.length), col.vector_size
  local off = ffi.cast("const int64_t *", col.values)
  local ci = ffi.cast("const int32_t *", col.children[0].values)
  local cv = ffi.cast("const double *", col.children[1].values)
  local ones = ffi.new("int32_t[?]", math.max(n, 1))
  local total = 0
  for i = 0, n - 1 do
    local k = 0
    if td >= 0 then
      for e = tonumber(off[i]), tonumber(off[i + 1]) - 1 do if cv[e] > td then k = k + 1 end end
    else
      k = size
      for e = tonumber(off[i]), tonumber(off[i + 1]) - 1 do if not (cv[e] > td) then k = k - 1 end end
    end
    ones[i] = k
    total = total + ((1.5 * (k + 1) < size) and k or size)
  end
  if C.tide_column_init_vector(out, dst, name, size, 2, n, total) ~= 0 then error("out of memory", 0) end
  local doff = ffi.cast("int64_t *", dst.values)
  local di = ffi.cast("int32_t *", dst.children[0].values)
  local dv = ffi.cast("double *", dst.children[1].values)
  local at = 0
  for i = 0, n - 1 do
    if 1.5 * (ones[i] + 1) < size and td >= 0 then
      for e = tonumber(off[i]), tonumber(off[i + 1]) - 1 do
        if cv[e] > td then di[at], dv[at], at = ci[e], 1.0, at + 1 end
      end
    elseif 1.5 * (ones[i] + 1) < size then
      -- (below 0 an implicit zero is above td too)
      local e, stop = tonumber(off[i]), tonumber(off[i + 1])
      for j = 0, size - 1 do
        local v = 0
        if e < stop and ci[e] == j then v, e = cv[e], e + 1 end
        if v > td then di[at], dv[at], at = j, 1.0, at + 1 end
      end
    else
      local base_value = td < 0 and 1.0 or 0.0
      for j = 0, size - 1 do di[at + j], dv[at + j] = j, base_value end
      for e = tonumber(off[i]), tonumber(off[i + 1]) - 1 do dv[at + ci[e]] = cv[e] > td and 1.0 or 0.0 end
      at = at + size
    end
    doff[i + 1] = at
  end
  dst.length = n
  dst.children[0].length, dst.children[1].length = at, at
  if col.null_count > 0 then
    for i = 0, n - 1 do if not batchlib.isValid(col, i) then C.tide_column_set_null(out, dst, i) end end
  end
end

-- Each input column binarized by its threshold into its output column: a
-- double by a projection, a vector by a kernel over its entries.
function Binarizer:transform(df)
  local ins, outs = base.columnPairs(self)
  if self:isSet("inputCol") and self:isSet("thresholds") then
    base.fail("Binarizer: thresholds can't be set for single-column Binarizer.")
  end
  local tds = {}
  if self:isSet("inputCols") and self:isSet("thresholds") then
    local ts = self:getOrDefault("thresholds")
    if #ts ~= #ins then
      base.fail(("Binarizer %s has mismatched Params for multi-column transform. Params (inputCols, outputCols, "
        .. "thresholds) should have equal lengths, but they have different lengths: (%d, %d, %d)."):format(self.uid,
        #ins, #outs, #ts))
    end
    if self:isSet("threshold") then
      base.fail("Binarizer: exactly one of threshold, thresholds Params to be set, but both are set.")
    end
    tds = ts
  else
    for k = 1, #ins do tds[k] = self:getOrDefault("threshold") end
  end
  local numbers, vectors = {}, {}
  for k, name in ipairs(ins) do
    local field, position = base.fieldOf(df.schema, name, self._name)
    if df.schema:fieldIndex(outs[k]) then base.fail(("Binarizer: Output column %s already exists."):format(outs[k])) end
    if field.dataType.id == T.ID.double then
      local x = ref(df, position)
      -- (as Spark 3.5's function of a double: null stays null, NaN is not
      -- above td; a whole Lua number is an int literal, hence the cast)
      numbers[#numbers + 1] = { outs[k], F().when(x:isNull(), F().lit(nil)):when(F().isnan(x), 0)
        :when(x:gt(tds[k]), 1):otherwise(0):cast("double") }
    elseif field.dataType.id == T.ID.vector then
      vectors[#vectors + 1] = { name = name, out = outs[k], td = tds[k], size = field.ml and field.ml.size }
    else
      base.fail(("Binarizer: Data type %s of column %s is not supported."):format(field.dataType:simpleString(), name))
    end
  end
  if #numbers > 0 then df = df:withColumns(numbers) end
  if #vectors == 0 then return df end
  local fields = {}
  for k, v in ipairs(vectors) do
    fields[k] = T.field(v.out, T.vector, true)
    fields[k].ml = v.size and { size = v.size } or nil
  end
  return base.addColumns(df, self, fields, function(input, out, first)
    for k, v in ipairs(vectors) do
      binarize_vectors(out, out.columns[first + k - 1], v.out, base.column(input, v.name), v.td)
    end
  end)
end

-- ---- VectorSizeHint -----------------------------------------------------------------------

local VectorSizeHint = base.class {
  name = "VectorSizeHint", sparkClass = "org.apache.spark.ml.feature.VectorSizeHint",
  params = { inputCol = NONE, size = NONE, handleInvalid = "error" },
  choices = { handleInvalid = { "optimistic", "error", "skip" } },
  ranges = { size = { 0 } },
  docs = {
    size = "Size of vectors in column.",
    handleInvalid = "How to handle invalid vectors in inputCol. Invalid vectors include nulls and vectors with the "
      .. "wrong size. The options are `skip` (filter out rows with invalid vectors), `error` (throw an error) and "
      .. "`optimistic` (do not check the vector size, and keep all rows). `error` by default.",
  },
}
M.VectorSizeHint = VectorSizeHint

-- The input column with its size in its metadata, as Spark's; its rows
-- checked, a batch at a time: a vector column has one size, so a batch's
-- rows are all of the size or none is ("error" fails naming the first,
-- "skip" drops them, "optimistic" looks at nothing), and a null row is
-- looked for only when the column has nulls.
function VectorSizeHint:transform(df)
  local name, size, mode = self:need("inputCol"), self:need("size"), self:getOrDefault("handleInvalid")
  local field, position = base.fieldOf(df.schema, name, self._name)
  if field.dataType.id ~= T.ID.vector then
    base.fail(("VectorSizeHint: Input column, %s must be of Vector type, got %s"):format(name,
      field.dataType:simpleString()))
  end
  local known = field.ml and field.ml.size
  if known and known ~= size then
    base.fail(("VectorSizeHint: Trying to set size of vectors in `%s` to %d but size already set to %d."):format(
      name, size, known))
  end
  if mode == "optimistic" and known == size then return df end
  local hinted = T.field(field.name, field.dataType, field.nullable)
  hinted.ml = { size = size }
  return base.checkColumn(df, self, position, hinted, function(input)
    if mode == "optimistic" then return nil end
    local col = input.columns[position - 1]
    local n = tonumber(col.length)
    local drop
    for i = 0, (col.vector_size ~= size or col.null_count > 0) and n - 1 or -1 do
      local null = not batchlib.isValid(col, i)
      if null or col.vector_size ~= size then
        if mode == "error" then
          error(null and ("column %s, row %d: Got null vector in VectorSizeHint, set `handleInvalid` to 'skip' to "
            .. "filter invalid rows."):format(name, i) or ("column %s, row %d: VectorSizeHint Expecting a vector "
            .. "of size %d but got %d"):format(name, i, size, col.vector_size), 0)
        end
        drop = drop or ffi.new("uint8_t[?]", n)
        drop[i] = 1
      end
    end
    return drop
  end, "null vectors or vectors of another size in " .. name)
end

function ImputerModel:_writeData(w)
  local values = {}
  for k, name in ipairs(self._surrogateNames) do values[k] = self._surrogates[name] end
  w:json("data.json", { inputCols = self._surrogateNames, surrogates = values })
end

function ImputerModel:_readData(r)
  local d = r:json("data.json")
  if type(d.inputCols) ~= "table" or type(d.surrogates) ~= "table" or #d.inputCols ~= #d.surrogates then
    r:fail("data.json", "inputCols and surrogates are missing or differ in length")
  end
  self:_setSurrogates({ unpack(d.inputCols) }, { unpack(d.surrogates) })
end

return M
