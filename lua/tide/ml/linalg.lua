-- tide.ml.linalg — Spark ML's local vectors and dense matrices as Lua
-- values (pyspark.ml.linalg).
--
--   local Vectors = tide.ml.linalg.Vectors
--   Vectors.dense{1.0, 0.0, 3.0}          --> [1.0,0.0,3.0]
--   Vectors.sparse(3, {0, 2}, {1.0, 3.0})  --> (3,[0,2],[1.0,3.0])
--   Vectors.sparse(3, {[0] = 1.0, [2] = 3.0})
--   v.size, v.indices, v.values, v[i] (0-based, as in Spark), v:toArray()
--
--   Matrices.dense(2, 3, {1, 4, 2, 5, 3, 6})  -- column-major, as Spark's
--   m.numRows, m.numCols, m.values, m:get(i, j) (0-based), m:toArray()
--
-- Vectors are what collect() returns for a vector column and what fromRows
-- takes for one. Indices are 0-based, as Spark's; values print as Spark
-- prints them (Java's Double.toString).
local M = {}

local Vector = {}
local methods = {}

local function java(x) return require("tide.batch").javaDouble(x) end

Vector.__index = function(v, key)
  if type(key) == "number" then return methods.get(v, key) end
  return methods[key]
end

-- The value at 0-based index i.
function methods.get(v, i)
  if i < 0 or i >= v.size or i ~= math.floor(i) then error("vector index out of range: " .. tostring(i), 2) end
  if v.dense then return v.values[i + 1] end
  for k, idx in ipairs(v.indices) do
    if idx == i then return v.values[k] end
    if idx > i then break end
  end
  return 0.0
end

-- Every value as a Lua list (1-based).
function methods.toArray(v)
  if v.dense then return { unpack(v.values) } end
  local out = {}
  for i = 1, v.size do out[i] = 0.0 end
  for k, idx in ipairs(v.indices) do out[idx + 1] = v.values[k] end
  return out
end

function methods.numNonzeros(v)
  local n = 0
  for _, x in ipairs(v.values) do if x ~= 0 then n = n + 1 end end
  return n
end

function methods.isDense(v) return v.dense end

function methods.toDense(v) return M.dense(v:toArray()) end

function methods.toSparse(v)
  local idx, vals = {}, {}
  for i, x in ipairs(v:toArray()) do
    if x ~= 0 then idx[#idx + 1] = i - 1; vals[#vals + 1] = x end
  end
  return M.sparse(v.size, idx, vals)
end

function methods.dot(v, other)
  local a, b, s = v:toArray(), other:toArray(), 0
  for i = 1, #a do s = s + a[i] * b[i] end
  return s
end

local function list(values)
  local parts = {}
  for i, x in ipairs(values) do parts[i] = java(x) end
  return table.concat(parts, ",")
end

Vector.__tostring = function(v)
  if v.dense then return "[" .. list(v.values) .. "]" end
  local idx = {}
  for i, x in ipairs(v.indices) do idx[i] = tostring(x) end
  return ("(%d,[%s],[%s])"):format(v.size, table.concat(idx, ","), list(v.values))
end

Vector.__eq = function(a, b)
  if a.size ~= b.size then return false end
  local x, y = a:toArray(), b:toArray()
  for i = 1, #x do if x[i] ~= y[i] then return false end end
  return true
end

Vector.__len = function(v) return v.size end

function M.dense(values, ...)
  if type(values) == "number" then values = { values, ... } end
  local copy = {}
  for i, x in ipairs(values) do copy[i] = tonumber(x) end
  return setmetatable({ size = #copy, values = copy, dense = true }, Vector)
end

-- sparse(size, indices, values) or sparse(size, {[index] = value, ...}).
function M.sparse(size, indices, values)
  if values == nil then
    local pairs_list = {}
    for k, x in pairs(indices or {}) do pairs_list[#pairs_list + 1] = { k, x } end
    table.sort(pairs_list, function(p, q) return p[1] < q[1] end)
    indices, values = {}, {}
    for i, p in ipairs(pairs_list) do indices[i], values[i] = p[1], p[2] end
  end
  if #indices ~= #values then error("sparse vector: indices and values differ in length", 2) end
  local idx, vals = {}, {}
  for i, k in ipairs(indices) do
    if k < 0 or k >= size or k ~= math.floor(k) then
      error(("sparse vector: index %s out of range for size %d"):format(tostring(k), size), 2)
    end
    if i > 1 and k <= indices[i - 1] then error("sparse vector: indices must be strictly increasing", 2) end
    idx[i], vals[i] = k, tonumber(values[i])
  end
  return setmetatable({ size = size, indices = idx, values = vals, dense = false }, Vector)
end

function M.isVector(v) return getmetatable(v) == Vector end

M.Vectors = { dense = M.dense, sparse = M.sparse, zeros = function(n)
  local z = {}
  for i = 1, n do z[i] = 0.0 end
  return M.dense(z)
end }
M.DenseVector = M.dense
M.SparseVector = M.sparse

-- ---- DenseMatrix ----------------------------------------------------------------------------

local Matrix = {}
local matrix_methods = {}
Matrix.__index = matrix_methods

-- The value at row i, column j (0-based, as Spark's apply(i, j)).
function matrix_methods.get(m, i, j)
  if i < 0 or i >= m.numRows or j < 0 or j >= m.numCols or i ~= math.floor(i) or j ~= math.floor(j) then
    error(("matrix index (%s, %s) out of range for a %d x %d matrix"):format(tostring(i), tostring(j), m.numRows,
      m.numCols), 2)
  end
  return m.values[j * m.numRows + i + 1]
end

-- The rows as Lua lists (pyspark's toArray gives the 2-D array).
function matrix_methods.toArray(m)
  local rows = {}
  for i = 1, m.numRows do
    local row = {}
    for j = 1, m.numCols do row[j] = m.values[(j - 1) * m.numRows + i] end
    rows[i] = row
  end
  return rows
end

-- Row i (0-based) as a dense vector.
function matrix_methods.row(m, i)
  if i < 0 or i >= m.numRows then error(("matrix row %s out of range"):format(tostring(i)), 2) end
  return M.dense(m:toArray()[i + 1])
end

-- As Spark's toString prints it: a line a row, each value as Java
-- prints it, padded to its column's width and two spaces.
Matrix.__tostring = function(m)
  local rows, widths = m:toArray(), {}
  for i, row in ipairs(rows) do
    for j, x in ipairs(row) do
      row[j] = java(x)
      widths[j] = math.max(widths[j] or 0, #row[j])
    end
    rows[i] = row
  end
  local lines = {}
  for i, row in ipairs(rows) do
    local cells = {}
    for j, text in ipairs(row) do cells[j] = text .. (" "):rep(widths[j] - #text + 2) end
    lines[i] = table.concat(cells)
  end
  return table.concat(lines, "\n")
end

Matrix.__eq = function(a, b)
  if a.numRows ~= b.numRows or a.numCols ~= b.numCols then return false end
  for k = 1, #a.values do if a.values[k] ~= b.values[k] then return false end end
  return true
end

-- dense(numRows, numCols, values): values column-major, as Spark's.
function M.denseMatrix(num_rows, num_cols, values)
  if #values ~= num_rows * num_cols then
    error(("dense matrix: %d values for a %d x %d matrix"):format(#values, num_rows, num_cols), 2)
  end
  local copy = {}
  for i, x in ipairs(values) do copy[i] = tonumber(x) end
  return setmetatable({ numRows = num_rows, numCols = num_cols, values = copy, isTransposed = false }, Matrix)
end

function M.isMatrix(m) return getmetatable(m) == Matrix end

M.Matrices = { dense = M.denseMatrix }
M.DenseMatrix = M.denseMatrix

return M
