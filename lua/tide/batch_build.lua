-- tide.batch_build — a batch built from Lua values: batch.fromRows(rows,
-- schema), for tests and small inputs (data paths build batches in C).
-- Each value is checked against its field's type and appended to the
-- column's C buffers; a value that does not fit names its row and column.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local Row = require("tide.row")

local M = {}
local ID = T.ID

local scratch16 = ffi.new("uint8_t[16]")
local scalar = {
  [ID.int] = ffi.new("int32_t[1]"), [ID.long] = ffi.new("int64_t[1]"),
  [ID.float] = ffi.new("float[1]"), [ID.double] = ffi.new("double[1]"),
  [ID.boolean] = ffi.new("uint8_t[1]"), [ID.timestamp] = ffi.new("int64_t[1]"),
  [ID.date] = ffi.new("int32_t[1]"),
}
local ts_scratch = ffi.new("int64_t[1]")

local init_column
function init_column(b, col, field)
  local t = field.dataType
  local rc
  if t.id == ID.decimal then
    rc = C.tide_column_init_decimal(b, col, field.name, t.precision, t.scale, 0)
  elseif t.id == ID.struct then
    rc = C.tide_column_init_struct(b, col, field.name, #t.fields)
    for k, f in ipairs(t.fields) do
      if rc == 0 then rc = init_column(b, col.children[k - 1], f) end
    end
  elseif t.id == ID.array then
    rc = C.tide_column_init_array(b, col, field.name, 0)
    if rc == 0 then rc = init_column(b, col.children[0], T.field("element", t.elementType, t.containsNull)) end
  elseif t.id == ID.map then
    rc = C.tide_column_init_map(b, col, field.name, 0)
    if rc == 0 then rc = init_column(b, col.children[0], T.field("key", t.keyType, false)) end
    if rc == 0 then rc = init_column(b, col.children[1], T.field("value", t.valueType, t.valueContainsNull)) end
  else
    rc = C.tide_column_init(b, col, field.name, t.id, 0)
  end
  if rc ~= 0 then error("cannot allocate column " .. field.name) end
  return rc
end

local function is_integer(v) return type(v) == "number" and v == math.floor(v) end

-- Whether a Lua number fits int64 (bigint, timestamp microseconds): a
-- whole number in [-2^63, 2^63), so 2^63, 1e30 and infinities are refused
-- rather than stored as -2^63 (PySpark refuses such a LongType value).
local function is_int64(v)
  return (is_integer(v) and v >= -2 ^ 63 and v < 2 ^ 63) or (type(v) == "cdata" and ffi.istype("int64_t", v))
end

-- A Lua number's decimal text, as Java's Double.toString gives its digits
-- (the fewest that read back as the same double), without an exponent:
-- tostring's 14 digits would turn 123456789012345678 into "1.2345678901235e+17".
local function number_text(v)
  if v ~= v or v == math.huge or v == -math.huge then return nil end
  local s
  for digits = 15, 17 do
    s = ("%." .. digits .. "g"):format(v)
    if tonumber(s) == v then break end
  end
  local sign, mantissa, exp = s:match("^(-?)([%d.]+)e([-+]%d+)$")
  if not mantissa then return s end
  local int, frac = mantissa:match("^(%d*)%.?(%d*)$")
  local digits, point = int .. frac, #int + tonumber(exp)
  if point <= 0 then return sign .. "0." .. ("0"):rep(-point) .. digits end
  if point >= #digits then return sign .. digits .. ("0"):rep(point - #digits) end
  return sign .. digits:sub(1, point) .. "." .. digits:sub(point + 1)
end
local decimal_text = ffi.new("char[48]")

local function bad(field, row, value, want)
  local shown = type(value) == "string" and ("%q"):format(value)
    or is_integer(value) and math.abs(value) < 1e21 and ("%.0f"):format(value) -- 2^63 as 9223372036854775808
    or type(value) == "number" and number_text(value) or tostring(value)
  error(("row %d, column %q: %s is not %s"):format(row, field.name, shown, want), 0)
end

-- Field k (named name) of a row given as a Lua value: a Row (collect()'s,
-- positional: PySpark reads a collected Row as the tuple it is) by
-- position, a table by name, else by position ({ 1, "a" }).
local function field_value(value, positional, name, k)
  if positional then return value[k] end
  local v = value[name]
  if v == nil then v = rawget(value, k) end
  return v
end

-- A Row read by position has as many fields as the struct it fills, as
-- PySpark's verifier wants of a tuple.
local function check_length(value, fields, what, row)
  local n = #Row.fields(value)
  if n ~= #fields then
    error(("row %d%s: %s has %d fields, the schema %d (a Row is read by position)"):format(
      row, what, tostring(value), n, #fields), 0)
  end
end

local append
function append(b, col, field, value, row)
  local t = field.dataType
  local id = t.id
  local rc
  if value == nil then
    rc = C.tide_column_append_null(b, col)
  elseif t.void then
    bad(field, row, value, "nil (the column is void, whose values are all null)")
  elseif id == ID.string or id == ID.binary then
    if type(value) ~= "string" then bad(field, row, value, "a string") end
    rc = C.tide_column_append_bytes(b, col, value, #value)
  elseif id == ID.vector then
    local linalg = require("tide.ml.linalg")
    if not linalg.isVector(value) then
      if type(value) ~= "table" then bad(field, row, value, "a vector") end
      value = linalg.dense(value)
    end
    local mode = value.dense and 1 or 0
    if col.length == col.null_count then -- the first vector sets the column's size
      col.vector_size, col.scale = value.size, mode
    elseif value.size ~= col.vector_size then
      bad(field, row, value, ("a vector of size %d"):format(col.vector_size))
    elseif mode ~= col.scale then
      col.scale = 2
    end
    local n = value.dense and value.size or #value.indices
    local idx, vals = ffi.new("int32_t[?]", n + 1), ffi.new("double[?]", n + 1)
    for k = 1, n do
      idx[k - 1] = value.dense and k - 1 or value.indices[k]
      vals[k - 1] = value.values[k]
    end
    rc = C.tide_column_append_vector(b, col, n, idx, vals)
  elseif id == ID.decimal then
    local text
    if type(value) == "string" then
      text = value
    elseif type(value) == "number" then
      text = number_text(value)
    elseif type(value) == "cdata" then
      text = tostring(value):gsub("ULL$", ""):gsub("LL$", "")
    end
    if not text or C.tide_decimal_parse(text, #text, t.scale, scratch16) ~= 0 then
      bad(field, row, value, "a " .. t:simpleString())
    end
    -- Past the type's precision (123456 in a decimal(5,2)) the value is
    -- refused, as Spark's Decimal.set refuses it, not kept out of its type.
    local n = C.tide_decimal_format(scratch16, 0, decimal_text)
    local digits = n - (decimal_text[0] == 45 and 1 or 0) -- 45: '-'
    if digits > t.precision then
      bad(field, row, value, "a " .. t:simpleString())
    end
    rc = C.tide_column_append_fixed(b, col, scratch16)
  elseif id == ID.array then
    if type(value) ~= "table" or (getmetatable(value) ~= nil and not Row.isList(value)) then
      bad(field, row, value, "a list")
    end
    local element = T.field(field.name .. ".element", t.elementType, t.containsNull)
    for k = 1, value.n or #value do append(b, col.children[0], element, value[k], row) end
    rc = C.tide_column_append_array(b, col)
  elseif id == ID.map then
    -- a Lua table of key -> value, its keys in sorted order (Lua's own
    -- order is no order)
    if type(value) ~= "table" or (getmetatable(value) ~= nil and not Row.isMap(value)) then
      bad(field, row, value, "a table of key -> value")
    end
    local keys = {}
    for k in pairs(value) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local kf = T.field(field.name .. ".key", t.keyType, false)
    local vf = T.field(field.name .. ".value", t.valueType, t.valueContainsNull)
    for _, k in ipairs(keys) do
      append(b, col.children[0], kf, k, row)
      append(b, col.children[1], vf, value[k], row)
    end
    rc = C.tide_column_append_array(b, col)
  elseif id == ID.struct then
    if type(value) ~= "table" then bad(field, row, value, "a table") end
    local positional = Row.isRow(value)
    if positional then check_length(value, t.fields, (", column %q"):format(field.name), row) end
    for k, f in ipairs(t.fields) do
      local v = field_value(value, positional, f.name, k)
      append(b, col.children[k - 1], f, v, row)
    end
    rc = C.tide_column_append_fixed(b, col, nil)
  else
    local cell = scalar[id]
    if id == ID.boolean then
      if type(value) ~= "boolean" then bad(field, row, value, "a boolean") end
      cell[0] = value and 1 or 0
    elseif id == ID.timestamp then
      if type(value) == "string" then
        if C.tide_timestamp_parse(value, #value, ts_scratch) ~= 0 then bad(field, row, value, "a timestamp") end
        cell[0] = ts_scratch[0]
      elseif is_int64(value) then
        cell[0] = value
      else
        bad(field, row, value, "a timestamp (microseconds or text)")
      end
    elseif id == ID.date then
      if type(value) == "string" then
        if C.tide_date_parse(value, #value, cell) ~= 0 then bad(field, row, value, "a date") end
      elseif is_integer(value) and value >= -2 ^ 31 and value < 2 ^ 31 then
        cell[0] = value
      else
        bad(field, row, value, "a date (\"yyyy-MM-dd\" or days since 1970-01-01)")
      end
    elseif id == ID.int then
      if not is_integer(value) or value < -2 ^ 31 or value >= 2 ^ 31 then bad(field, row, value, "an int") end
      cell[0] = value
    elseif id == ID.long then
      if not is_int64(value) then bad(field, row, value, "a long") end
      cell[0] = value
    else
      if type(value) ~= "number" then bad(field, row, value, "a number") end
      cell[0] = value
    end
    rc = C.tide_column_append_fixed(b, col, cell)
  end
  if rc ~= 0 then error("out of memory appending to column " .. field.name, 0) end
end

-- A batch from rows: each row a table keyed by field name or by position,
-- or a Row (read by position, whatever its names, as PySpark reads one).
-- schema is a DDL string ("id decimal(38,0), site string") or a T.struct.
function M.fromRows(rows, schema)
  local ok, st = pcall(T.fromDDL, schema)
  if not ok then error(st, 2) end
  local b = require("tide.batch").wrap(C.tide_batch_new(#st.fields))
  for i, f in ipairs(st.fields) do init_column(b, b.columns[i - 1], f) end
  for r, row in ipairs(rows) do
    local positional = Row.isRow(row)
    if positional then
      local okay, err = pcall(check_length, row, st.fields, "", r)
      if not okay then error(err, 2) end
    end
    for i, f in ipairs(st.fields) do
      local v
      if type(row) == "table" then v = field_value(row, positional, f.name, i) else v = row[f.name] end
      local okay, err = pcall(append, b, b.columns[i - 1], f, v, r)
      if not okay then error(err, 2) end
    end
  end
  if C.tide_batch_finish(b) ~= 0 then error("columns of different lengths", 2) end
  return b
end

return M
