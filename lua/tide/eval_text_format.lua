-- tide.eval_text_format — the string functions that format values and
-- convert text, each one C kernel over whole columns
-- (engine/eval_text_number.c, eval_text_printf*.c, eval_text_charset.c,
-- eval_url*.c), with Spark 3.5's semantics, types and names:
--   format_number(x, d | pattern), format_string/printf(fmt, ...),
--   encode(s, charset), decode(b, charset) (and decode(x, search, result,
--   ..., default), a CASE), unhex, to_binary/try_to_binary(s[, fmt]),
--   url_encode, url_decode, parse_url(url, part[, key]).
-- Formats, patterns and charsets given as literals are checked when the
-- plan is made: an unsupported conversion or charset fails there.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")
local shared = require("tide.eval_functions")
local text = require("tide.eval_text")

local M = {}
local ID = T.ID
local args_of, over_args, all_null = shared.argsOf, shared.overArgs, shared.allNull
local literal_string = shared.literalString
local as_string = text.asString

local function simple(t) return t:simpleString() end

local function fail(ev, node, msg) error(("%s: %s"):format(ev.sqlName(node), msg), 0) end

local function errtext(ev) return ffi.string(ev.errbuf) end

-- ---- format_number ----------------------------------------------------------------

local NUMBERS = { [ID.int] = true, [ID.long] = true, [ID.float] = true, [ID.double] = true, [ID.decimal] = true }
local DEFAULT_PATTERN = "#,###,###,###,###,###,##0"

-- format_number(x, d): x a number (no cast: Spark's ExpectsInputTypes); d
-- an int (places, a column too) or a literal pattern ("" the default).
local function format_number(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local x, d = args[1], args[2]
  if coerce.isVoid(x.type) then return all_null(ev, node, T.string) end
  if not NUMBERS[x.type.id] then
    ev.typeError(node, ("format_number needs a number, not %s (%s)"):format(simple(x.type), x.name))
  end
  if d.type.id == ID.int then
    return over_args(ev, node, T.string, { x, d }, function(out, cols, dst)
      return C.tide_eval_format_number(out, cols[1], cols[2], nil, dst, ev.errbuf, ev.errlen)
    end)
  end
  if d.type.id ~= ID.string and not coerce.isVoid(d.type) then
    ev.typeError(node, ("format_number needs an int or a string pattern, not %s (%s)"):format(simple(d.type),
      d.name))
  end
  local pattern = literal_string(node, d, ev, "pattern")
  if pattern == nil then return all_null(ev, node, T.string) end
  if pattern == "" then pattern = DEFAULT_PATTERN end
  local f = C.tide_number_format_compile(pattern, #pattern, ev.errbuf, ev.errlen)
  if f == nil then fail(ev, node, errtext(ev)) end
  f = ffi.gc(f, C.tide_number_format_free)
  return over_args(ev, node, T.string, { x }, function(out, cols, dst)
    return C.tide_eval_format_number(out, cols[1], nil, f, dst, ev.errbuf, ev.errlen)
  end)
end

-- ---- format_string / printf --------------------------------------------------------

-- The types Spark hands Java's Formatter as they are (a date as its day
-- number, a timestamp as its microseconds, a decimal as Spark's Decimal).
local FORMATTABLE = { [ID.boolean] = true, [ID.int] = true, [ID.long] = true, [ID.float] = true,
                      [ID.double] = true, [ID.string] = true, [ID.decimal] = true, [ID.date] = true,
                      [ID.timestamp] = true }

local function format_string(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, nil, ev)
  local fmt = as_string(node, args[1], ev)
  local values, n = {}, #args - 1
  local kinds = ffi.new("int32_t[?]", math.max(n, 1))
  for i = 2, #args do
    local a = args[i]
    if coerce.isVoid(a.type) then
      values[i - 1], kinds[i - 2] = ev.castTo(a, T.string), 0
    elseif FORMATTABLE[a.type.id] then
      values[i - 1], kinds[i - 2] = a, a.type.id
    else
      -- Spark hands Java its internal object, whose text depends on how the
      -- value was made ([1,2] for a folded array(1, 2), UnsafeArrayData@3cc0915e
      -- for a computed one, [B@600a5ba8 for binary): none is reproducible
      ev.typeError(node, ("%s cannot format %s (%s): Spark prints the Java object text of its internal value,"
        .. " which depends on how it was computed; format to_json(...), hex(...) or CAST(... AS STRING)"
        .. " instead"):format(node.fn, simple(a.type), a.name))
    end
  end
  local is_lit, f = ev.literalOf(fmt)
  if is_lit then
    if f == nil then return all_null(ev, node, T.string) end
    if C.tide_format_check(f, #f, kinds, n, ev.errbuf, ev.errlen) ~= 0 then fail(ev, node, errtext(ev)) end
  end
  return over_args(ev, node, T.string, { fmt, unpack(values) }, function(out, cols, dst)
    return C.tide_eval_format_string(out, cols[1], ev.columnArray({ unpack(cols, 2) }), kinds, n, dst,
      ev.errbuf, ev.errlen)
  end)
end

-- ---- charsets ----------------------------------------------------------------------

-- The charset argument: a literal's charset (checked now), or the column
-- of names (looked up row by row).
local function charset_of(node, c, ev)
  local is_lit, name = ev.literalOf(c)
  if not is_lit then return nil, as_string(node, c, ev) end
  if name == nil then return nil end
  name = tostring(name)
  local cs = C.tide_charset_lookup(name, #name)
  if cs == 0 then
    fail(ev, node, ("unsupported charset '%s' (UnsupportedEncodingException; tide has US-ASCII, ISO-8859-1,"
      .. " UTF-8, UTF-16BE, UTF-16LE and UTF-16)"):format(name))
  end
  return cs
end

local function transcode(decode)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 2, 2, ev)
    local t = decode and T.string or T.binary
    local s = decode and ev.castTo(args[1], T.binary) or as_string(node, args[1], ev)
    local cs, names = charset_of(node, args[2], ev)
    if not cs and not names then return all_null(ev, node, t) end
    local kernel = decode and C.tide_eval_decode or C.tide_eval_encode
    return over_args(ev, node, t, { s, names }, function(out, cols, dst)
      return kernel(out, cols[1], cols[2], cs or 0, dst, ev.errbuf, ev.errlen)
    end)
  end
end

local decode_bytes = transcode(true)

-- decode(bin, charset), or decode(x, search1, result1, ..., [default]):
-- the first result whose search is x (<=>, NULL matching NULL), else the
-- default (a NULL string when left out), as Spark's CASE.
local function decode(node, schema, compileChild, ev)
  local given = node.args or {}
  if #given <= 2 then return decode_bytes(node, schema, compileChild, ev) end
  local branches, otherwise = {}, { k = "cast", expr = { k = "lit", value = nil }, to = T.string }
  local i = 2
  while i <= #given do
    if i + 1 <= #given then
      branches[#branches + 1] = { when = { k = "op", op = "<=>", left = given[1], right = given[i] },
                                  value = given[i + 1] }
    else
      otherwise = given[i]
    end
    i = i + 2
  end
  local c = compileChild({ k = "case", branches = branches, otherwise = otherwise })
  local copy = {}
  for k, v in pairs(c) do copy[k] = v end
  copy.name, copy.outputName, copy.literal = ev.sqlName(node), nil, nil
  return copy
end

-- unhex(s): NULL for what is not hex.
local function unhex(node, _, compileChild, ev)
  local s = as_string(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
  return over_args(ev, node, T.binary, { s }, function(out, cols, dst)
    return C.tide_eval_unhex(out, cols[1], C.TIDE_UNHEX_NULL, dst, ev.errbuf, ev.errlen)
  end)
end

-- to_binary(s[, fmt]): fmt a literal 'hex' (the default), 'utf-8',
-- 'utf8' or 'base64', any case; malformed input fails, where
-- try_to_binary gives NULL (for an unknown fmt too).
local function to_binary(try)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 1, 2, ev)
    local s = as_string(node, args[1], ev)
    local fmt = "hex"
    if args[2] then
      local is_lit, v = ev.literalOf(args[2])
      if not is_lit or (v ~= nil and type(v) ~= "string") then
        ev.typeError(node, ("the fmt of %s must be a literal string, not %s"):format(node.fn, args[2].name))
      end
      if v == nil then return all_null(ev, node, T.binary) end
      fmt = v:lower()
    end
    local mode
    if fmt == "hex" then
      mode = try and C.TIDE_UNHEX_NULL or C.TIDE_UNHEX_STRICT
    elseif fmt == "base64" then
      mode = try and C.TIDE_BASE64_NULL or C.TIDE_BASE64_STRICT
    elseif fmt == "utf-8" or fmt == "utf8" then
      return over_args(ev, node, T.binary, { s }, function(out, cols, dst)
        return C.tide_eval_encode(out, cols[1], nil, C.TIDE_CHARSET_UTF_8, dst, ev.errbuf, ev.errlen)
      end)
    elseif try then
      return all_null(ev, node, T.binary)
    else
      ev.typeError(node, ("the fmt of to_binary must be one of 'hex', 'utf-8', 'utf8', or 'base64'"
        .. " (case-insensitive), not '%s'"):format(fmt))
    end
    return over_args(ev, node, T.binary, { s }, function(out, cols, dst)
      return C.tide_eval_unhex(out, cols[1], mode, dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- ---- URLs ----------------------------------------------------------------------------

local function url_codec(kernel)
  return function(node, _, compileChild, ev)
    local s = as_string(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
    return over_args(ev, node, T.string, { s }, function(out, cols, dst)
      return kernel(out, cols[1], dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- parse_url(url, part[, key]): strings only (Spark casts none); a literal
-- key's pattern is checked now.
local function parse_url(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 3, ev)
  for i, a in ipairs(args) do
    if coerce.isVoid(a.type) then return all_null(ev, node, T.string) end
    if a.type.id ~= ID.string then
      ev.typeError(node, ("parse_url needs strings, not %s (%s)"):format(simple(a.type), a.name))
    end
    args[i] = a
  end
  local is_lit, key = false, nil
  if args[3] then is_lit, key = ev.literalOf(args[3]) end
  if is_lit and key ~= nil then
    local re = C.tide_url_key_compile(key, #key, ev.errbuf, ev.errlen)
    if re == nil then fail(ev, node, errtext(ev)) end
    C.tide_regex_free(re)
  end
  return over_args(ev, node, T.string, args, function(out, cols, dst)
    return C.tide_eval_parse_url(out, cols[1], cols[2], cols[3], dst, ev.errbuf, ev.errlen)
  end)
end

function M.register(eval)
  eval.register("format_number", format_number)
  eval.register("format_string", format_string)
  eval.register("printf", format_string)
  eval.register("encode", transcode(false))
  eval.register("decode", decode)
  eval.register("unhex", unhex)
  eval.register("to_binary", to_binary(false))
  eval.register("try_to_binary", to_binary(true))
  eval.register("url_encode", url_codec(C.tide_eval_url_encode))
  eval.register("url_decode", url_codec(C.tide_eval_url_decode))
  eval.register("parse_url", parse_url)
end

return M
