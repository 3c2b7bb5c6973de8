-- tide.ml.feature_vectors — Spark ML's stages that reshape vectors:
-- Normalizer (each row over its p-norm), ElementwiseProduct (times a
-- vector), MaxAbsScaler (each feature over its largest magnitude),
-- VectorSlicer (some of the features), PolynomialExpansion (the products
-- of the features up to a degree) and Interaction (the products of
-- several columns' features, a category index one-hot). Each adds one
-- plan operator that walks a batch's index and value arrays; a dense row
-- stays dense and a sparse one sparse, as in Spark.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local base = require("tide.ml.base")
local feature = require("tide.ml.feature")
local linalg = require("tide.ml.linalg")
local batchlib = require("tide.batch")

local M = {}
local NONE = base.NONE

local NUMBER = { [T.ID.int] = true, [T.ID.long] = true, [T.ID.float] = true, [T.ID.double] = true,
                 [T.ID.decimal] = true, [T.ID.boolean] = true }

-- The stage's input field, which must hold vectors.
local function vector_input(stage, df, name)
  local field, position = base.fieldOf(df.schema, name, stage._name)
  if field.dataType.id ~= T.ID.vector then
    base.fail(("%s: Column %s must be of type vector but was actually %s."):format(stage._name, name,
      field.dataType:simpleString()))
  end
  return field, position
end

local function output_name(stage) return stage:getOrDefault("outputCol") or (stage.uid .. "__output") end

-- A vector column's rows: count, size, offsets, indices, values.
local function rows(col)
  return tonumber(col.length), col.vector_size, ffi.cast("const int64_t *", col.values),
    ffi.cast("const int32_t *", col.children[0].values), ffi.cast("const double *", col.children[1].values)
end

-- Whether a row of nnz entries is a dense vector (tide_column.scale: 1
-- every row, 2 a row that holds all its entries).
local function is_dense(col, nnz) return col.scale == 1 or (col.scale == 2 and nnz == col.vector_size) end

-- ---- an output vector column, built row by row ------------------------------------------------

local Output = {}
Output.__index = Output

local function output(n, hint)
  local o = setmetatable({ n = n, cap = math.max(hint, 16), at = 0, nulls = {} }, Output)
  o.idx, o.val = ffi.new("int32_t[?]", o.cap), ffi.new("double[?]", o.cap)
  o.off = ffi.new("int64_t[?]", n + 1)
  return o
end

function Output:push(j, v)
  if self.at == self.cap then
    local cap = self.cap * 2
    local idx, val = ffi.new("int32_t[?]", cap), ffi.new("double[?]", cap)
    ffi.copy(idx, self.idx, self.at * 4)
    ffi.copy(val, self.val, self.at * 8)
    self.idx, self.val, self.cap = idx, val, cap
  end
  self.idx[self.at], self.val[self.at] = j, v
  self.at = self.at + 1
end

function Output:endRow(i, null)
  self.off[i + 1] = self.at
  if null then self.nulls[#self.nulls + 1] = i end
end

-- The rows into dst, a vector column of `size` printed as dense_mode
-- (tide_column.scale) says.
function Output:finish(out, dst, name, size, dense_mode)
  if C.tide_column_init_vector(out, dst, name, size, dense_mode, self.n, self.at) ~= 0 then
    error("out of memory", 0)
  end
  ffi.copy(dst.values, self.off, (self.n + 1) * 8)
  ffi.copy(dst.children[0].values, self.idx, self.at * 4)
  ffi.copy(dst.children[1].values, self.val, self.at * 8)
  dst.length = self.n
  dst.children[0].length, dst.children[1].length = self.at, self.at
  for _, i in ipairs(self.nulls) do C.tide_column_set_null(out, dst, i) end
end

-- df plus the stage's outputCol, each batch's rows of the vector column
-- in_name through kernel(col) into an Output; the output column has
-- size_of(the input's size) (the input's own when nil) and the input's
-- dense mode.
local function map_vectors(stage, df, in_name, meta, kernel, size_of)
  local out_name = output_name(stage)
  vector_input(stage, df, in_name)
  local field = T.field(out_name, T.vector, true)
  field.ml = meta
  return base.addColumns(df, stage, { field }, function(input, out, first)
    local col = base.column(input, in_name)
    local o = kernel(col)
    o:finish(out, out.columns[first], out_name, size_of and size_of(col.vector_size) or col.vector_size, col.scale)
  end)
end

-- ---- Normalizer ---------------------------------------------------------------------------------

local Normalizer = base.class {
  name = "Normalizer", sparkClass = "org.apache.spark.ml.feature.Normalizer",
  params = { inputCol = NONE, outputCol = NONE, p = 2.0 },
  ranges = { p = { 1 } },
  docs = { p = "the p norm value." },
}
M.Normalizer = Normalizer

-- A row's p-norm over its stored values, summed in their order as Spark's
-- Vectors.norm.
local function norm(cv, a, b, p)
  local sum = 0
  if p == 1 then
    for e = a, b - 1 do sum = sum + math.abs(cv[e]) end
    return sum
  elseif p == 2 then
    for e = a, b - 1 do sum = sum + cv[e] * cv[e] end
    return math.sqrt(sum)
  elseif p == math.huge then
    for e = a, b - 1 do
      local v = math.abs(cv[e])
      if v > sum then sum = v end
    end
    return sum
  end
  for e = a, b - 1 do sum = sum + math.abs(cv[e]) ^ p end
  return sum ^ (1 / p)
end

function Normalizer:transform(df)
  local p = self:getOrDefault("p")
  local in_name = self:need("inputCol")
  local field = vector_input(self, df, in_name)
  return map_vectors(self, df, in_name, { size = field.ml and field.ml.size }, function(col)
    local n, _, off, ci, cv = rows(col)
    local o = output(n, tonumber(off[n]))
    for i = 0, n - 1 do
      local a, b = tonumber(off[i]), tonumber(off[i + 1])
      local s = norm(cv, a, b, p)
      -- (a row of norm 0 is left as it is)
      for e = a, b - 1 do o:push(ci[e], s ~= 0 and cv[e] / s or cv[e]) end
      o:endRow(i, col.null_count > 0 and not batchlib.isValid(col, i))
    end
    return o
  end)
end

-- ---- ElementwiseProduct and MaxAbsScaler ----------------------------------------------------

-- df plus outputCol: inputCol's stored entries times the feature's factor
-- (a dense row stays dense, a sparse one keeps its entries).
local function scaled_by(stage, df, factors, mismatch)
  local n = #factors
  local mult, zeros = ffi.new("double[?]", math.max(n, 1)), ffi.new("double[?]", math.max(n, 1))
  for j = 1, n do mult[j - 1] = factors[j] end
  vector_input(stage, df, stage:need("inputCol"))
  return feature.scaled(stage, df, function() return n end,
    { size = n, shift = zeros, mult = mult, add = zeros, dense = 0 }, mismatch)
end

local ElementwiseProduct = base.class {
  name = "ElementwiseProduct", sparkClass = "org.apache.spark.ml.feature.ElementwiseProduct",
  params = { inputCol = NONE, outputCol = NONE, scalingVec = NONE },
  docs = { scalingVec = "Vector for hadamard product." },
}
M.ElementwiseProduct = ElementwiseProduct

function ElementwiseProduct:transform(df)
  local v = self:getOrDefault("scalingVec")
  if not v then base.fail("ElementwiseProduct: Failed to find a default value for scalingVec") end
  return scaled_by(self, df, v:toArray(), function(expected, found)
    return ("vector sizes do not match: Expected %d but found %d"):format(expected, found)
  end)
end

local MaxAbsScaler = base.class {
  name = "MaxAbsScaler", sparkClass = "org.apache.spark.ml.feature.MaxAbsScaler",
  params = { inputCol = NONE, outputCol = NONE },
}
M.MaxAbsScaler = MaxAbsScaler

local MaxAbsScalerModel = base.class {
  name = "MaxAbsScalerModel", sparkClass = "org.apache.spark.ml.feature.MaxAbsScalerModel",
  params = MaxAbsScaler._defaults,
}
M.MaxAbsScalerModel = MaxAbsScalerModel

-- Each feature's largest magnitude, the implicit zeros of sparse rows
-- included (Spark's Summarizer max and min).
function MaxAbsScaler:fit(df)
  local st = feature.vectorStats(feature.fitColumn(self, df))
  local max_abs = {}
  for j = 0, st.size - 1 do max_abs[j + 1] = math.max(math.abs(st.min[j]), math.abs(st.max[j])) end
  local model = base.inherit(MaxAbsScalerModel.new(), self)
  model.maxAbs = linalg.dense(max_abs)
  return model
end

-- x * (1 / maxAbs): Spark multiplies by the inverse; a feature of maxAbs 0
-- is left as it is.
function MaxAbsScalerModel:transform(df)
  local factors = {}
  for j, m in ipairs(self.maxAbs.values) do factors[j] = m ~= 0 and 1 / m or 1 end
  return scaled_by(self, df, factors)
end

function MaxAbsScalerModel:_writeData(w) w:json("data.json", { maxAbs = self.maxAbs.values }) end
function MaxAbsScalerModel:_readData(r)
  local d = r:json("data.json")
  if type(d.maxAbs) ~= "table" then r:fail("data.json", "maxAbs is missing") end
  self.maxAbs = linalg.dense({ unpack(d.maxAbs) })
end

-- ---- VectorSlicer -----------------------------------------------------------------------------

local VectorSlicer = base.class {
  name = "VectorSlicer", sparkClass = "org.apache.spark.ml.feature.VectorSlicer",
  params = { inputCol = NONE, outputCol = NONE, indices = {}, names = {} },
  docs = {
    indices = "An array of indices to select features from a vector column. There can be no overlap with names.",
    names = "An array of feature names to select features from a vector column. These names must be specified by "
      .. "ML org.apache.spark.ml.attribute.Attribute. There can be no overlap with indices.",
  },
}
M.VectorSlicer = VectorSlicer

-- (Spark's checks as the params are set: indices whole, >= 0 and distinct;
-- names distinct and not empty)
function VectorSlicer:set(name, value)
  if (name == "indices" or name == "names") and value ~= nil then
    local ok, seen = type(value) == "table", {}
    for k, v in pairs(ok and value or {}) do
      if type(k) ~= "number" or k < 1 or k > #value or seen[v] then ok = false end
      if name == "indices" and (type(v) ~= "number" or v < 0 or v ~= math.floor(v)) then ok = false end
      if name == "names" and (type(v) ~= "string" or v == "") then ok = false end
      seen[v] = true
    end
    if not ok then
      local shown = {}
      for i, v in ipairs(type(value) == "table" and value or {}) do
        shown[i] = type(v) == "number" and ("%d"):format(v) or ('"%s"'):format(tostring(v))
      end
      base.fail(("%s parameter %s given invalid value [%s]."):format(self.uid, name, table.concat(shown, ",")))
    end
    self._set[name] = { unpack(value) }
    return self
  end
  return base.Params.set(self, name, value)
end

-- The features selected: indices, then names looked up in the input's
-- feature names; Spark's checks and messages.
local function selected(stage, field)
  local indices, names = stage:getOrDefault("indices"), stage:getOrDefault("names")
  local all, seen = {}, {}
  for i, j in ipairs(indices) do all[i], seen[j] = j, true end
  local feature_names = field.ml and field.ml.names
  local overlap = {}
  for _, name in ipairs(names) do
    local at
    for j, n in ipairs(feature_names or {}) do if n == name then at = j - 1; break end end
    if not at then
      base.fail(("VectorSlicer: getFeatureIndicesFromNames found no feature with name %s in column %s."):format(
        name, field.name))
    end
    if seen[at] then overlap[#overlap + 1] = at .. ":" .. name end
    all[#all + 1] = at
  end
  if #overlap > 0 then
    base.fail(("VectorSlicer requires indices and names to be disjoint sets of features, but they overlap. "
      .. "indices: [%s]. names: [%s]"):format(table.concat(indices, ","), table.concat(overlap, ",")))
  end
  if #all == 0 then base.fail("VectorSlicer requires that at least one feature be selected.") end
  local size = field.ml and field.ml.size
  if size and #indices > 0 then
    local max = math.max(unpack(indices))
    if max >= size then
      base.fail(("VectorSlicer: Selected feature index %d invalid for only %d input features."):format(max, size))
    end
  end
  return all
end

-- df plus the stage's outputCol: the features `picks` (0-based) of the
-- vector column in_name (field), in that order, with their names and category slots. A dense
-- row gives every one; a sparse row the ones it stores, but for zeros
-- unless keep_zeros (Spark's SparseVector.slice drops them, its selectors
-- keep them).
function M.sliced(stage, df, in_name, field, picks, keep_zeros)
  local k = #picks
  local want = ffi.new("int32_t[?]", math.max(k, 1))
  local max = 0
  for s, j in ipairs(picks) do want[s - 1], max = j, math.max(max, j) end
  local slots
  for s, j in ipairs(picks) do
    local n = field.ml and field.ml.slots and field.ml.slots[j]
    if n then slots = slots or {}; slots[s - 1] = n end
  end
  local meta = feature.vectorMeta(k, function()
    local inner = field.ml and field.ml.names
    if not inner then return nil end
    local names = {}
    for s, j in ipairs(picks) do names[s] = inner[j + 1] end
    return names
  end, slots)
  return map_vectors(stage, df, in_name, meta, function(col)
    local n, size, off, ci, cv = rows(col)
    if max >= size then
      error(("Selected feature index %d invalid for only %d input features."):format(max, size), 0)
    end
    local o = output(n, n * k)
    for i = 0, n - 1 do
      local a, b = tonumber(off[i]), tonumber(off[i + 1])
      if is_dense(col, b - a) and b > a then
        for s = 0, k - 1 do o:push(s, cv[a + want[s]]) end
      else
        for s = 0, k - 1 do
          -- (a row's indices ascend: a binary search)
          local lo, hi, j = a, b - 1, want[s]
          while lo <= hi do
            local mid = math.floor((lo + hi) / 2)
            if ci[mid] < j then lo = mid + 1 elseif ci[mid] > j then hi = mid - 1 else lo = mid; break end
          end
          if lo < b and ci[lo] == j and (keep_zeros or cv[lo] ~= 0) then o:push(s, cv[lo]) end
        end
      end
      o:endRow(i, col.null_count > 0 and not batchlib.isValid(col, i))
    end
    return o
  end, function() return k end)
end

function VectorSlicer:transform(df)
  local in_name = self:need("inputCol")
  local field = vector_input(self, df, in_name)
  return M.sliced(self, df, in_name, field, selected(self, field), false)
end

-- ---- PolynomialExpansion ------------------------------------------------------------------------

local PolynomialExpansion = base.class {
  name = "PolynomialExpansion", sparkClass = "org.apache.spark.ml.feature.PolynomialExpansion",
  params = { inputCol = NONE, outputCol = NONE, degree = 2 },
  ranges = { degree = { 1 } },
  docs = { degree = "the polynomial degree to expand (>= 1)" },
}
M.PolynomialExpansion = PolynomialExpansion

-- C(n + degree, degree): the number of monomials of n features up to the
-- degree, 1 included.
local function poly_size(n, degree)
  local c = 1
  for i = 1, degree do c = c * (n + i) / i end
  return c
end

-- Spark's expansion, its recursion and order: the features from the last
-- down, each raised to 0..degree while the product is not 0; a term's
-- index is where the recursion has got to. emit(index, value) gets the
-- terms in ascending order, the constant 1 left out. (dense: feature
-- lastIdx is values[lastIdx]; sparse: the row's entry lastIdx, whose
-- feature is indices[lastIdx].)
local function expand(indices, values, last, last_feature, degree, multiplier, at, emit, sizes)
  if multiplier == 0 then
    -- nothing
  elseif degree == 0 or last < 0 then
    if at >= 0 then emit(at, multiplier) end
  else
    local v = values[last]
    local next_feature = indices and indices[last] - 1 or last - 1
    local alpha, start = multiplier, at
    local i = 0
    while i <= degree and alpha ~= 0 do
      start = expand(indices, values, last - 1, next_feature, degree - i, alpha, start, emit, sizes)
      i, alpha = i + 1, alpha * v
    end
  end
  return at + sizes(last_feature + 1, degree)
end

function PolynomialExpansion:transform(df)
  local degree = self:getOrDefault("degree")
  local in_name = self:need("inputCol")
  local field = vector_input(self, df, in_name)
  local known = field.ml and field.ml.size
  local memo = {}
  local function sizes(n, d)
    local key = n * 64 + d
    local v = memo[key]
    if not v then v = poly_size(n, d); memo[key] = v end
    return v
  end
  local function out_size(n)
    local size = poly_size(n, degree) - 1
    if size > 2147483647 then
      error(("PolynomialExpansion: %d features to degree %d give %.0f terms, more than a vector holds"):format(n,
        degree, size), 0)
    end
    return size
  end
  return map_vectors(self, df, in_name, { size = known and out_size(known) }, function(col)
    local n, size, off, ci, cv = rows(col)
    local terms = out_size(size)
    local o = output(n, n)
    local dense -- (a dense row's terms, made when one comes)
    local function put(j, v) dense[j] = v end
    local function push(j, v) o:push(j, v) end
    for i = 0, n - 1 do
      local a, b = tonumber(off[i]), tonumber(off[i + 1])
      local null = col.null_count > 0 and not batchlib.isValid(col, i)
      if not null and is_dense(col, b - a) then
        dense = dense or ffi.new("double[?]", math.max(terms, 1))
        ffi.fill(dense, terms * 8)
        expand(nil, cv + a, size - 1, size - 1, degree, 1.0, -1, put, sizes)
        for j = 0, terms - 1 do o:push(j, dense[j]) end
      elseif not null then
        expand(ci + a, cv + a, b - a - 1, size - 1, degree, 1.0, -1, push, sizes)
      end
      o:endRow(i, null)
    end
    return o
  end, out_size)
end

-- ---- Interaction --------------------------------------------------------------------------------

local Interaction = base.class {
  name = "Interaction", sparkClass = "org.apache.spark.ml.feature.Interaction",
  params = { inputCols = NONE, outputCol = NONE },
}
M.Interaction = Interaction

-- Each input's encoder, as Spark's FeatureEncoder: the number of outputs
-- of each of its features (a category index, nominal, has one per
-- category; a number one), their offsets, and the names of its outputs.
local function encoder(stage, field)
  local id, counts, nominals, features = field.dataType.id, {}, {}, 1
  if id == T.ID.vector then
    local meta = field.ml
    if not (meta and meta.size) then base.fail("Interaction: Vector attributes must be defined for interaction.") end
    features = meta.size
    for j = 1, features do nominals[j] = meta.slots and meta.slots[j - 1] end
  elseif NUMBER[id] then
    nominals[1] = id == T.ID.double and field.ml and field.ml.nominal and field.ml
  else
    base.fail(("%s: Data type %s of column %s is not supported."):format(stage._name, field.dataType:simpleString(),
      field.name))
  end
  local offsets, size = {}, 0
  for j = 1, features do
    counts[j] = nominals[j] and math.max(1, nominals[j].numValues) or 1
    offsets[j], size = size, size + counts[j]
  end
  -- (the outputs' names, as Spark's: a category's is the feature's name,
  -- "_" and its label or index)
  local function output_names()
    local out, inner = {}, id == T.ID.vector and field.ml.names
    for j, c in ipairs(counts) do
      local name = id == T.ID.vector and (field.name .. "_" .. (inner and inner[j] or tostring(j - 1))) or field.name
      if c == 1 then
        out[#out + 1] = name
      else
        local labels = nominals[j].values
        for v = 1, c do out[#out + 1] = name .. "_" .. (labels and labels[v] or tostring(v - 1)) end
      end
    end
    return out
  end
  return { counts = counts, offsets = offsets, size = size, vector = id == T.ID.vector, names = output_names,
           name = field.name }
end

-- A category index's output, or an error naming the column and row (as
-- Spark's assertion).
local function category(enc, j, v, row, count)
  if not (v >= 0 and v == math.floor(v) and v < count) then
    error(("column %s, row %d: Values from column must be indices, but got %s."):format(enc.name, row,
      batchlib.javaDouble(v)), 0)
  end
  return enc.offsets[j] + v
end

-- Spark's interaction of one row: from the last input to the first, each
-- of the input's non-zero outputs (i, a) times each product so far (p at
-- index k): p * a at k + i * (the size so far). Then compressed: sparse
-- without the zeros when 1.5 (nnz + 1) < size, else dense.
-- (the products so far, idx/val[0 .. n-1], times output (i, a), after
-- nidx/nval[0 .. m-1]; returns the new m)
local function spread(nidx, nval, m, idx, val, n, i, a, so_far)
  for k = 0, n - 1 do nidx[m + k], nval[m + k] = idx[k] + i * so_far, val[k] * a end
  return m + n
end

local function interact(encs, cols, row, scratch, o, size)
  local idx, val, n = scratch.idx[0], scratch.val[0], 1
  idx[0], val[0] = 0, 1.0
  local so_far = 1
  for c = #encs, 1, -1 do
    local enc, col = encs[c], cols[c]
    if col.null_count > 0 and not batchlib.isValid(col, row) then
      error(("column %s, row %d: Values to interact cannot be null."):format(enc.name, row), 0)
    end
    local side = scratch.side == 0 and 1 or 0
    local nidx, nval, m = scratch.idx[side], scratch.val[side], 0
    if enc.vector then
      local off = ffi.cast("const int64_t *", col.values)
      local ci = ffi.cast("const int32_t *", col.children[0].values)
      local cv = ffi.cast("const double *", col.children[1].values)
      -- (every stored entry, zero or not, as Spark's foreachActive: a
      -- dense row's category 0 counts, a sparse row's does not)
      for e = tonumber(off[row]), tonumber(off[row + 1]) - 1 do
        local v, j = cv[e], ci[e] + 1
        local count = enc.counts[j]
        if count > 1 then
          m = spread(nidx, nval, m, idx, val, n, category(enc, j, v, row, count), 1.0, so_far)
        else
          m = spread(nidx, nval, m, idx, val, n, enc.offsets[j], v, so_far)
        end
      end
    else
      local v = ffi.cast("const double *", col.values)[row]
      if enc.counts[1] > 1 then
        m = spread(nidx, nval, m, idx, val, n, category(enc, 1, v, row, enc.counts[1]), 1.0, so_far)
      else
        m = spread(nidx, nval, m, idx, val, n, 0, v, so_far)
      end
    end
    scratch.side, idx, val, n = side, nidx, nval, m
    so_far = so_far * enc.size
  end
  local nnz = 0
  for k = 0, n - 1 do if val[k] ~= 0 then nnz = nnz + 1 end end
  if 1.5 * (nnz + 1) < size then
    for k = 0, n - 1 do if val[k] ~= 0 then o:push(idx[k], val[k]) end end
  else
    local k = 0
    for j = 0, size - 1 do
      if k < n and idx[k] == j then o:push(j, val[k]); k = k + 1 else o:push(j, 0.0) end
    end
  end
end

-- The product of every input's features (numbers, vectors, category
-- indices one-hot), as Spark's, into a vector of the product of their
-- sizes; numbers are read as doubles (Spark's cast).
function Interaction:transform(df)
  local ins, out_name = self:need("inputCols"), output_name(self)
  local encs, casts, size = {}, {}, 1
  for k, name in ipairs(ins) do
    local field = base.fieldOf(df.schema, name, self._name)
    encs[k] = encoder(self, field)
    size = size * encs[k].size
    if not encs[k].vector and field.dataType.id ~= T.ID.double then
      casts[#casts + 1] = { ("%s__cast%d"):format(self.uid, k), require("tide.functions").col(name):cast("double") }
      encs[k].column = casts[#casts][1]
    end
  end
  if size > 2147483647 then base.fail(("Interaction: the product of the inputs' sizes, %.0f, is more than a "
    .. "vector holds"):format(size)) end
  local input = #casts > 0 and df:withColumns(casts) or df
  local meta = feature.vectorMeta(size, function()
    local names = { "" }
    for k = #encs, 1, -1 do
      local more = {}
      for _, a in ipairs(encs[k].names()) do
        for _, b in ipairs(names) do more[#more + 1] = b == "" and a or (a .. ":" .. b) end
      end
      names = more
    end
    return names
  end)
  local field = T.field(out_name, T.vector, false)
  field.ml = meta
  local out = base.addColumns(input, self, { field }, function(batch, out, first)
    local cols, bound = {}, 1
    for k, enc in ipairs(encs) do
      cols[k] = base.column(batch, enc.column or ins[k])
      if enc.vector then
        local col = cols[k]
        if col.vector_size ~= #enc.counts then
          error(("column %s: Vector column size was %d, expected %d"):format(ins[k], col.vector_size,
            #enc.counts), 0)
        end
        local off, most = ffi.cast("const int64_t *", col.values), 0
        for i = 0, tonumber(col.length) - 1 do most = math.max(most, tonumber(off[i + 1] - off[i])) end
        bound = bound * most
      end
    end
    local n = batch:count()
    bound = math.max(bound, 1)
    local scratch = { side = 0, idx = { [0] = ffi.new("int32_t[?]", bound), ffi.new("int32_t[?]", bound) },
                      val = { [0] = ffi.new("double[?]", bound), ffi.new("double[?]", bound) } }
    local o = output(n, n)
    for i = 0, n - 1 do
      interact(encs, cols, i, scratch, o, size)
      o:endRow(i)
    end
    o:finish(out, out.columns[first], out_name, size, 2)
  end)
  if #casts == 0 then return out end
  local drop = {}
  for k, c in ipairs(casts) do drop[k] = c[1] end
  return out:drop(unpack(drop))
end

return M
