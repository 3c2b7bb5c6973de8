-- tide.json — JSON text to and from Lua values: checkpoint files, progress
-- records, option values such as startingOffsets='{"topic":{"0":23}}'.
--
--   local json = require("tide.json")
--   json.encode({ id = "a", n = 3 })                  --> {"id":"a","n":3}
--   json.encode(json.ordered{ { "b", 1 }, { "a", 2 } }) --> {"b":1,"a":2}
--   json.encode(json.array{})                         --> []
--   json.decode('{"t":{"0":23,"1":-2}}')              --> { t = { ["0"] = 23, ["1"] = -2 } }
--
-- encode:
-- - Objects: keys of a plain table in sorted order (numeric strings by
--   value, so partition "10" follows "9"); json.ordered{ {k, v}, ... }, a
--   table's own __order list, or the field order of a Row (collect()) fix
--   the order instead. A nil value leaves its key out.
-- - Arrays: tables marked with json.array (needed for an empty one) or
--   whose keys are exactly 1..#t. An empty plain table is {}.
-- - Numbers: integral values below 2^53 without a fraction (3, not 3.0);
--   others with the shortest of %.15g/%.16g/%.17g that reads back exactly;
--   NaN and infinities are an error (JSON has none). int64_t/uint64_t
--   cdata print their exact digits.
-- - Strings: ", \ and control characters escaped; other bytes as they
--   are, except invalid UTF-8, which becomes U+FFFD (as to_json does).
-- - json.null (and nil at the top) is null.
-- decode (simdjson, through tide_json_parse):
-- - null is json.null (a unique value, so it survives in arrays and objects);
-- - integers up to 2^53 are Lua numbers; larger ones are int64_t cdata, or
--   uint64_t cdata above 2^63-1, so their digits are never lost; integers
--   past 64 bits are strings of their digits; other numbers are doubles;
-- - arrays carry the json.array metatable, so they encode back as arrays;
-- - an error names the line, column and byte offset:
--   "JSON error at line 2, column 6 (byte 13): ...".
local ffi = require("ffi")
local C = require("tide.ffi")

local M = {}

local null_t = ffi.metatype("struct { char _; }", { __tostring = function() return "null" end })
M.null = null_t()

local array_mt = { __name = "json.array" }
local ordered_mt = { __name = "json.ordered" }
M.array_mt = array_mt

-- Marks t (or a new table) as a JSON array.
function M.array(t) return setmetatable(t or {}, array_mt) end

-- An object whose keys keep the given order: json.ordered{ {k, v}, ... }.
function M.ordered(pairs_list) return setmetatable(pairs_list or {}, ordered_mt) end

function M.isArray(t) return getmetatable(t) == array_mt end

-- A number written as a double, as Java's Double.toString writes it (0.0,
-- 1.0E-6): json.double(x). Spark reads a DoubleParam back only in that
-- form (json4s takes 0 for an integer).
local double_mt = { __name = "json.double" }
function M.double(x) return setmetatable({ x }, double_mt) end
local java_buf = ffi.new("char[32]")

-- ---- encode ------------------------------------------------------------------------

local TWO53 = 2 ^ 53
local huge = math.huge
local format, byte, char, concat = string.format, string.byte, string.char, table.concat
local floor = math.floor

local SHORT_ESCAPE = { [8] = "\\b", [9] = "\\t", [10] = "\\n", [12] = "\\f", [13] = "\\r",
                       [34] = '\\"', [92] = "\\\\" }

-- Length of the valid UTF-8 sequence at i, or nil.
local function utf8_len(s, i, c)
  local need, lo, hi
  if c >= 0xC2 and c <= 0xDF then need = 1
  elseif c >= 0xE0 and c <= 0xEF then
    need = 2
    lo = c == 0xE0 and 0xA0 or 0x80
    hi = c == 0xED and 0x9F or 0xBF
  elseif c >= 0xF0 and c <= 0xF4 then
    need = 3
    lo = c == 0xF0 and 0x90 or 0x80
    hi = c == 0xF4 and 0x8F or 0xBF
  else
    return nil, 1
  end
  lo, hi = lo or 0x80, hi or 0xBF
  for k = 1, need do
    local b = byte(s, i + k)
    if not b or b < lo or b > hi then return nil, k end
    lo, hi = 0x80, 0xBF
  end
  return need + 1
end

local function encode_string(s)
  -- Plain text needs no work; %c is ASCII control characters and DEL.
  if not s:find('[%c"\\\128-\255]') then return '"' .. s .. '"' end
  local out, n, i, len = { '"' }, 1, 1, #s
  while i <= len do
    local j = s:find('[%c"\\\128-\255]', i)
    if not j then
      n = n + 1; out[n] = s:sub(i)
      break
    end
    if j > i then n = n + 1; out[n] = s:sub(i, j - 1) end
    local c = byte(s, j)
    if c >= 0x80 then
      local ok, bad = utf8_len(s, j, c)
      if ok then
        n = n + 1; out[n] = s:sub(j, j + ok - 1)
        i = j + ok
      else
        n = n + 1; out[n] = "\239\191\189" -- U+FFFD
        i = j + bad
      end
    elseif c == 127 then
      n = n + 1; out[n] = "\127"
      i = j + 1
    else
      n = n + 1; out[n] = SHORT_ESCAPE[c] or format("\\u%04X", c)
      i = j + 1
    end
  end
  n = n + 1; out[n] = '"'
  return concat(out)
end
M.encodeString = encode_string

local function encode_number(x)
  if x ~= x or x == huge or x == -huge then
    error("json.encode: cannot encode " .. tostring(x) .. " (JSON has no NaN or infinity)", 0)
  end
  if x == floor(x) and x < TWO53 and x > -TWO53 then return format("%d", x) end
  for _, f in ipairs({ "%.15g", "%.16g" }) do
    local s = format(f, x)
    if tonumber(s) == x then return s end
  end
  return format("%.17g", x)
end

-- Object keys as strings, in the order they are written.
local function key_text(k)
  local tk = type(k)
  if tk == "string" then return k end
  if tk == "number" then return encode_number(k) end
  error("json.encode: an object key must be a string or a number, not " .. tk, 0)
end

local function key_less(a, b)
  local na, nb = tonumber(a), tonumber(b)
  if na and nb and na ~= nb then return na < nb end
  if (na ~= nil) ~= (nb ~= nil) then return na ~= nil end
  return a < b
end

local encode_value

local function encode_members(keys, t, out, depth)
  out[#out + 1] = "{"
  local first = true
  for _, k in ipairs(keys) do
    local v = t[k]
    if v ~= nil then
      if not first then out[#out + 1] = "," end
      first = false
      out[#out + 1] = encode_string(key_text(k))
      out[#out + 1] = ":"
      encode_value(v, out, depth + 1)
    end
  end
  out[#out + 1] = "}"
end

local function is_sequence(t)
  local n = #t
  if n == 0 then return false end
  local count = 0
  for _ in pairs(t) do count = count + 1 end
  return count == n
end

function encode_value(v, out, depth)
  if depth > 1000 then error("json.encode: nested deeper than 1000 levels (a cycle?)", 0) end
  local tv = type(v)
  if tv == "string" then
    out[#out + 1] = encode_string(v)
  elseif tv == "number" then
    out[#out + 1] = encode_number(v)
  elseif tv == "boolean" then
    out[#out + 1] = v and "true" or "false"
  elseif v == nil or v == M.null then
    out[#out + 1] = "null"
  elseif tv == "cdata" then
    if ffi.istype("int64_t", v) then
      out[#out + 1] = (tostring(v):gsub("LL$", ""))
    elseif ffi.istype("uint64_t", v) then
      out[#out + 1] = (tostring(v):gsub("ULL$", ""))
    else
      local ok, num = pcall(tonumber, v)
      if not ok or type(num) ~= "number" then error("json.encode: cannot encode " .. tostring(v), 0) end
      out[#out + 1] = encode_number(num)
    end
  elseif tv == "table" then
    local mt = getmetatable(v)
    if mt == ordered_mt then
      out[#out + 1] = "{"
      local first = true
      for _, pair in ipairs(v) do
        if pair[2] ~= nil then
          if not first then out[#out + 1] = "," end
          first = false
          out[#out + 1] = encode_string(key_text(pair[1]))
          out[#out + 1] = ":"
          encode_value(pair[2], out, depth + 1)
        end
      end
      out[#out + 1] = "}"
    elseif mt == double_mt then
      local x = v[1]
      if x ~= x or x == huge or x == -huge then
        error("json.encode: cannot encode " .. tostring(x) .. " (JSON has no NaN or infinity)", 0)
      end
      out[#out + 1] = ffi.string(java_buf, C.tide_format_java_double(x, 0, java_buf))
    elseif mt == array_mt or (mt == nil and is_sequence(v)) or require("tide.row").isList(v) then
      -- (a collected array's list holds its length: null elements are holes)
      out[#out + 1] = "["
      for i = 1, rawget(v, "n") and mt ~= array_mt and v.n or #v do
        if i > 1 then out[#out + 1] = "," end
        encode_value(v[i], out, depth + 1)
      end
      out[#out + 1] = "]"
    elseif mt and mt.__fields then -- a Row: its schema's order
      encode_members(mt.__fields, v, out, depth)
    else
      local keys, seen = {}, {}
      local order = rawget(v, "__order")
      if type(order) == "table" then
        seen.__order = true
        for _, k in ipairs(order) do
          if not seen[k] then keys[#keys + 1] = k; seen[k] = true end
        end
      end
      local rest, texts = {}, {}
      for k in pairs(v) do
        if not seen[k] then
          rest[#rest + 1] = k
          texts[k] = key_text(k)
        end
      end
      table.sort(rest, function(a, b) return key_less(texts[a], texts[b]) end)
      for _, k in ipairs(rest) do keys[#keys + 1] = k end
      encode_members(keys, v, out, depth)
    end
  else
    error("json.encode: cannot encode a " .. tv, 0)
  end
end

-- Compact JSON text of a Lua value.
function M.encode(value)
  local out = {}
  encode_value(value, out, 0)
  return concat(out)
end

-- ---- decode ------------------------------------------------------------------------

local K = { NULL = 0, FALSE = 1, TRUE = 2, NUMBER = 3, INT64 = 4, UINT64 = 5, BIGINT = 6,
            STRING = 7, ARRAY = 8, OBJECT = 9 }
local errbuf = ffi.new("char[512]")
local countbuf = ffi.new("int64_t[1]")
local fstring = ffi.string

-- The value at index i of the flattened document and the index after it.
local function build(v, i)
  local x = v[i]
  local kind = x.kind
  if kind == K.STRING then return fstring(x.text, x.length), i + 1 end
  if kind == K.NUMBER then return x.number, i + 1 end
  if kind == K.OBJECT then
    local t, j = {}, i + 1
    for _ = 1, x.count do
      local key = fstring(v[j].text, v[j].length)
      local value
      value, j = build(v, j + 1)
      t[key] = value -- a repeated key: the last wins
    end
    return t, j
  end
  if kind == K.ARRAY then
    local t, j = setmetatable({}, array_mt), i + 1
    for n = 1, x.count do t[n], j = build(v, j) end
    return t, j
  end
  if kind == K.TRUE then return true, i + 1 end
  if kind == K.FALSE then return false, i + 1 end
  if kind == K.NULL then return M.null, i + 1 end
  if kind == K.INT64 then return x.integer + 0LL, i + 1 end -- a copy, not a view into the document
  if kind == K.UINT64 then return ffi.cast("uint64_t", x.integer), i + 1 end
  if kind == K.BIGINT then return fstring(x.text, x.length), i + 1 end
  error("json.decode: unknown value kind " .. tostring(kind), 0)
end

-- The Lua value of a JSON text; raises an error naming the position.
function M.decode(text)
  if type(text) ~= "string" then
    error("json.decode: expected a string, got " .. type(text), 2)
  end
  local doc = C.tide_json_parse(text, #text, errbuf, 512)
  if doc == nil then error(fstring(errbuf), 0) end
  local values = C.tide_json_doc_values(doc, countbuf)
  local ok, value = pcall(build, values, 0)
  C.tide_json_doc_free(doc)
  if not ok then error(value, 0) end
  return value
end

return M
