-- tide.partitions — Spark's partitioned directories (docs/csv.md,
-- "Partitioned directories"), both ways:
--
--   writing (df.write:partitionBy, writeStream:partitionBy; tide.sinks.file):
--     M.writeColumns(schema, names)   -> the partition columns, checked as Spark's
--     M.splitter(schema, indices)     -> fn(batch, ctx) -> { {dir = "k=1/d=x", batch = rows}, ... }
--   reading (the csv, json and text sources; tide.partition_discovery):
--     M.discover(paths, options, user_schema, session[, streaming]) -> a Layout, or nil when the
--                                                                    path is not partitioned
--
-- Directory names are Spark's (ExternalCatalogUtils): name=value, both
-- %XX-escaped, a null (or empty string) __HIVE_DEFAULT_PARTITION__.
-- Reading follows PartitioningUtils: the leaf directories under the base
-- paths name the columns, typed as partition type inference types them.
-- Rows are split and partition columns built a batch at a time by C
-- kernels (sort, group, slice; cast, broadcast, concat): the Lua here
-- runs per partition directory and per file, never per row.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")

local M = {}
local ID = T.ID

local ERRLEN = 512
local errbuf = ffi.new("char[?]", ERRLEN)
local function cerr() return ffi.string(errbuf) end

M.DEFAULT = "__HIVE_DEFAULT_PARTITION__"

-- ---- names in paths -----------------------------------------------------------------

-- The bytes ExternalCatalogUtils.escapePathName escapes (control
-- characters, "#%'*/:=?\ DEL {[]^), and NUL, which no path can hold.
local ESCAPED = "[%z\1-\31\"#%%'%*/:=%?\\\127{%[%]%^]"

function M.escape(s)
  return (s:gsub(ESCAPED, function(c) return ("%%%02X"):format(c:byte()) end))
end

-- The UTF-8 of a code point below 256 (what %XX unescapes to, a char).
local function char_of(code)
  if code < 128 then return string.char(code) end
  return string.char(0xC0 + math.floor(code / 64), 0x80 + code % 64)
end

-- unescapePathName: %XX (two hex digits) is the char XX; anything else
-- stays as it is.
function M.unescape(s)
  return (s:gsub("%%(%x%x)", function(h) return char_of(tonumber(h, 16)) end))
end

-- getPartitionPathString: name=value, null and "" as the default name.
function M.pathString(name, value)
  local v = (value == nil or value == "") and M.DEFAULT or M.escape(value)
  return M.escape(name) .. "=" .. v
end

-- ---- Java's parsers, as castPartValueToDesiredType and type inference use them --

local INT_MAX, LONG_MAX = "2147483647", "9223372036854775807"

-- Integer.parseInt / Long.parseLong: a sign, ASCII digits, in range.
local function java_integral(s, max)
  local sign, digits = s:match("^([+-]?)(%d+)$")
  if not digits then return false end
  digits = digits:gsub("^0+", "")
  local limit = sign == "-" and (max:sub(1, -2) .. tostring(tonumber(max:sub(-1)) + 1)) or max
  if #digits ~= #limit then return #digits < #limit end
  return digits <= limit
end

-- new BigDecimal(s): its scale and precision, or nil.
local function big_decimal(s)
  local body = s:match("^[+-]?(.*)$")
  local mantissa, exponent = body:match("^([^eE]*)[eE]([+-]?%d+)$")
  if not mantissa then mantissa, exponent = body, "0" end
  local int, frac = mantissa:match("^(%d*)%.(%d*)$")
  if not int then int, frac = mantissa:match("^(%d*)$"), "" end
  if not int or #int + #frac == 0 then return nil end
  local unscaled = (int .. frac):gsub("^0+", "")
  return #frac - tonumber(exponent), math.max(#unscaled, 1)
end

-- Double.parseDouble: the number, or nil. Blanks around it are Java's to
-- trim; a d/f suffix, NaN, Infinity and hexadecimal forms are its too.
local function java_double(s)
  s = s:match("^[%z\1-\32]*(.-)[%z\1-\32]*$")
  local sign, rest = s:match("^([+-]?)(.*)$")
  local negative = sign == "-"
  if rest == "NaN" then return 0 / 0 end
  if rest == "Infinity" then return negative and -math.huge or math.huge end
  rest = rest:gsub("[fFdD]$", "")
  local v
  if rest:match("^0[xX]") then
    local m, e = rest:match("^0[xX]([%x%.]+)[pP]([+-]?%d+)$")
    local int, frac = (m or ""):match("^(%x*)%.?(%x*)$")
    if not int or #int + #frac == 0 or select(2, m:gsub("%.", "")) > 1 then return nil end
    v = (tonumber(int ~= "" and int or "0", 16) + (frac ~= "" and tonumber(frac, 16) / 16 ^ #frac or 0))
      * 2 ^ tonumber(e)
  else
    local ok = rest:match("^%d+%.?%d*$") or rest:match("^%.%d+$")
      or rest:match("^%d+%.?%d*[eE][+-]?%d+$") or rest:match("^%.%d+[eE][+-]?%d+$")
    if not ok then return nil end
    v = tonumber(rest)
  end
  if not v then return nil end
  return negative and -v or v
end

local DAYS = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
local function valid_date(y, m, d)
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if y == 0 or m < 1 or m > 12 or d < 1 then return false end
  local leap = (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
  return d <= (m == 2 and leap and 29 or DAYS[m])
end

-- DateFormatter("yyyy-MM-dd"), strict and whole.
local function is_date(s)
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  return y ~= nil and valid_date(y, m, d)
end

-- TimestampFormatter("yyyy-MM-dd HH:mm:ss[.S]") as Spark parses with it:
-- the optional fraction is one digit.
local function is_timestamp(s)
  local y, mo, d, h, mi, sec, rest = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d) (%d%d):(%d%d):(%d%d)(.*)$")
  if not y or not (rest == "" or rest:match("^%.%d$")) then return false end
  return valid_date(y, mo, d) and tonumber(h) < 24 and tonumber(mi) < 60 and tonumber(sec) < 60
end

-- ---- types ----------------------------------------------------------------------------

-- A partition value's type before widening: NULL is Spark's NullType (a
-- directory of __HIVE_DEFAULT_PARTITION__ only).
local NULL = { id = 0, simple = "void" }

-- inferPartitionColumnValue: int, bigint, decimal(p,0) (integers too wide
-- for a bigint), double, timestamp, date, else string.
local function infer(raw)
  if java_integral(raw, INT_MAX) then return T.int end
  if java_integral(raw, LONG_MAX) then return T.long end
  local scale, precision = big_decimal(raw)
  if scale == 0 and precision <= 38 then return T.decimal(precision, 0) end
  if java_double(raw) then return T.double end
  if is_timestamp(M.unescape(raw)) then return T.timestamp end
  if is_date(raw) then return T.date end
  if raw == M.DEFAULT then return NULL end
  return T.string
end

local function digits_of(t)
  return t.id == ID.int and 10 or t.id == ID.long and 20 or t.precision
end

-- findWiderTypeForPartitionColumn: the wider of two inferred types; a
-- double with a bigint or a decimal, and any other pair with nothing in
-- common, is a string.
local function wider(a, b)
  if a == NULL then return b end
  if b == NULL or a:simpleString() == b:simpleString() then return a end
  local ia, ib = a.id, b.id
  local function either(x, y) return (ia == x and ib == y) or (ia == y and ib == x) end
  if either(ID.int, ID.long) then return T.long end
  if either(ID.int, ID.double) then return T.double end
  if either(ID.date, ID.timestamp) then return T.timestamp end
  local integral = { [ID.int] = true, [ID.long] = true, [ID.decimal] = true }
  if integral[ia] and integral[ib] then return T.decimal(math.min(38, math.max(digits_of(a), digits_of(b))), 0) end
  return T.string
end

-- Spark's DataType.toString, for its cast error.
local function spark_type_name(t)
  if t.id == ID.decimal then return ("DecimalType(%d,%d)"):format(t.precision, t.scale) end
  local names = { [ID.int] = "IntegerType", [ID.long] = "LongType", [ID.double] = "DoubleType",
    [ID.float] = "FloatType", [ID.boolean] = "BooleanType", [ID.string] = "StringType",
    [ID.date] = "DateType", [ID.timestamp] = "TimestampType", [ID.binary] = "BinaryType" }
  return names[t.id] or t:simpleString()
end

-- castPartValueToDesiredType, up to the cast itself: the text that
-- CAST(text AS t) turns into the value (nil: null), or false when Spark's
-- parse of the value fails.
local function value_text(raw, t)
  if raw == M.DEFAULT then return nil end
  local id = t.id
  if id == ID.string then return M.unescape(raw) end
  if id == ID.int then return java_integral(raw, INT_MAX) and raw end
  if id == ID.long then return java_integral(raw, LONG_MAX) and raw end
  if id == ID.double or id == ID.float then
    local v = java_double(raw)
    if not v then return false end
    if v ~= v then return "NaN" end
    if v == math.huge or v == -math.huge then return v > 0 and "Infinity" or "-Infinity" end
    return ("%.17g"):format(v)
  end
  if id == ID.decimal then return big_decimal(raw) ~= nil and raw end
  if id == ID.boolean then
    local l = raw:lower()
    return (l == "true" or l == "false") and l
  end
  -- (CAST's null for text it does not read, as Spark's)
  if id == ID.date or id == ID.binary then return raw end
  if id == ID.timestamp then return M.unescape(raw) end
  return false
end

M.NULL, M.infer, M.wider, M.sparkTypeName, M.valueText = NULL, infer, wider, spark_type_name, value_text

-- Reading: tide.partition_discovery's (required when first read, as it
-- needs what this module defines).
function M.discover(...) return require("tide.partition_discovery").discover(...) end

-- ---- writing ----------------------------------------------------------------------------

local PARTITIONABLE = { [ID.boolean] = true, [ID.int] = true, [ID.long] = true, [ID.float] = true,
  [ID.double] = true, [ID.string] = true, [ID.binary] = true, [ID.timestamp] = true, [ID.decimal] = true,
  [ID.date] = true }

-- partitionBy's arguments: names, one by one or as one list
-- (partitionBy("k", "d"), partitionBy{"k", "d"}), as PySpark's.
function M.names(method, ...)
  local checks = require("tide.checks")
  local n, args = select("#", ...), { ... }
  if n == 1 and type(args[1]) == "table" and getmetatable(args[1]) == nil then
    args = args[1]
    n = #args
  end
  local names = {}
  for i = 1, n do
    if type(args[i]) ~= "string" then
      checks.failAtUser(("%s: column %d must be a column name (a string), not %s"):format(method, i,
        checks.kindOf(args[i])))
    end
    names[i] = args[i]
  end
  return names
end

-- PartitioningUtils.validatePartitionColumn: the 1-based indices of the
-- partition columns in schema, in the order given.
function M.writeColumns(schema, names)
  local seen = {}
  for _, name in ipairs(names) do
    if seen[name:lower()] then
      error(("[COLUMN_ALREADY_EXISTS] The column `%s` already exists. Consider to choose another name or rename "
        .. "the existing column."):format(name:lower()), 0)
    end
    seen[name:lower()] = true
  end
  local indices = {}
  for k, name in ipairs(names) do
    local found
    for i, f in ipairs(schema.fields) do
      if f.name:lower() == name:lower() then found = i break end
    end
    if not found then
      error(("Partition column `%s` not found in schema %s"):format(name, schema:simpleString()), 0)
    end
    local t = schema.fields[found].dataType
    if not PARTITIONABLE[t.id] then
      error(("Cannot use %s for partition column"):format(t:simpleString()), 0)
    end
    indices[k] = found
  end
  if #indices > 0 and #indices == #schema.fields then
    error("[ALL_PARTITION_COLUMNS_NOT_ALLOWED] Cannot use all columns for partition columns.", 0)
  end
  return indices
end

-- The text of row i of a string column (nil for a null).
local function text_at(col, i)
  if C.tide_column_is_valid(col, i) == 0 then return nil end
  local offsets = ffi.cast("const int32_t*", col.values)
  return ffi.string(col.data + offsets[i], offsets[i + 1] - offsets[i])
end

-- A function splitting batches of schema by the values of the columns at
-- indices (1-based): { {dir = "k=1/d=x", batch = its rows}, ... }, in
-- the order of the values (a directory appears once).
function M.splitter(schema, indices)
  local eval = require("tide.eval")
  local casts = {}
  for k, i in ipairs(indices) do
    casts[k] = { k = "cast", to = T.string, expr = { k = "col", name = schema.fields[i].name } }
  end
  local as_text = eval.compileSelect(casts, schema)
  local keys = ffi.new("int32_t[?]", #indices)
  local descending, nulls_first = ffi.new("int32_t[?]", #indices), ffi.new("int32_t[?]", #indices)
  for k, i in ipairs(indices) do keys[k - 1], nulls_first[k - 1] = i - 1, 1 end
  local names = {}
  for k, i in ipairs(indices) do names[k] = schema.fields[i].name end
  return function(batch, ctx)
    local n = batch:count()
    if n == 0 then return {} end
    local group_of_row, first_row = ffi.new("int32_t[?]", n), ffi.new("int64_t[?]", n)
    local groups = C.tide_group_rows(batch, keys, #indices, group_of_row, first_row, errbuf, ERRLEN)
    if groups < 0 then error("partitionBy: " .. cerr(), 0) end
    local sorted = batch
    if groups > 1 then
      -- As Spark's writer: rows sorted by the partition values (stably),
      -- so that each directory's rows are one slice.
      local order = ffi.new("int64_t[?]", n)
      if C.tide_sort_rows(batch, keys, descending, nulls_first, #indices, order, errbuf, ERRLEN) ~= 0 then
        error("partitionBy: " .. cerr(), 0)
      end
      sorted = batchlib.wrap(C.tide_batch_take(batch, order, n, errbuf, ERRLEN), "partitionBy: " .. cerr())
      groups = C.tide_group_rows(sorted, keys, #indices, group_of_row, first_row, errbuf, ERRLEN)
      if groups < 0 then error("partitionBy: " .. cerr(), 0) end
    end
    groups = tonumber(groups)
    local firsts = batchlib.wrap(C.tide_batch_take(sorted, first_row, groups, errbuf, ERRLEN),
      "partitionBy: " .. cerr())
    local texts = eval.project(firsts, as_text, ctx)
    local out, by_dir = {}, {}
    for g = 0, groups - 1 do
      local parts = {}
      for k = 1, #indices do parts[k] = M.pathString(names[k], text_at(texts.columns[k - 1], g)) end
      local dir = table.concat(parts, "/")
      local start = tonumber(first_row[g])
      local stop = g + 1 < groups and tonumber(first_row[g + 1]) or n
      local rows = batchlib.wrap(C.tide_batch_slice(sorted, start, stop - start), "out of memory in partitionBy")
      -- (a null and an empty string share a directory, as in Spark)
      local entry = by_dir[dir]
      if entry then
        entry.pieces[#entry.pieces + 1] = rows
      else
        entry = { dir = dir, pieces = { rows } }
        by_dir[dir] = entry
        out[#out + 1] = entry
      end
    end
    for _, entry in ipairs(out) do
      if #entry.pieces == 1 then
        entry.batch = entry.pieces[1]
      else
        entry.batch = batchlib.wrap(C.tide_batch_concat(ffi.new("tide_batch*[?]", #entry.pieces, entry.pieces),
          #entry.pieces, errbuf, ERRLEN), "partitionBy: " .. cerr())
      end
      entry.pieces = nil
    end
    return out
  end
end

return M
