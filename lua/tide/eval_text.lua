-- tide.eval_text — string, hash and null-handling functions of tide.eval's
-- `call` nodes, each one C kernel over whole columns (engine/eval_text.c,
-- eval_digest.c, eval_regex.c's regexp_extract) or existing ones
-- (coalesce, CASE),
-- with Spark 3.5's semantics and types:
--   trim/ltrim/rtrim(s) (spaces) and (trimStr, s) (SQL's two-argument
--   form, TRIM(BOTH trimStr FROM s)), btrim(s[, trimStr]),
--   lpad/rpad(s, len[, pad]) (of binary: bytes), concat_ws(sep, ...), instr(s, sub),
--   locate(sub, s[, pos]),
--   translate(s, from, to), initcap, reverse, repeat(s, n), ascii,
--   regexp_extract(s, pattern[, idx]); md5, sha1, sha2(x, bits), crc32,
--   base64, unbase64, hex, hash(...) (Murmur3, seed 42); ifnull/nvl,
--   nullif, nvl2; character_length and len (length's aliases).
-- Spark 3.5's other string functions are in tide.eval_text_search,
-- eval_text_format and eval_text_regex, registered with these.
-- Arguments are cast as Spark casts them implicitly: numbers (any atomic
-- type) to strings for string functions, strings and numbers to int for
-- lengths and counts; md5, sha1, sha2, crc32 and base64 take strings or
-- binary. Patterns and translate's characters must be literals: compiled
-- once, with the plan.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")
local shared = require("tide.eval_functions")

local M = {}
local ID = T.ID
local args_of, over_args, all_null = shared.argsOf, shared.overArgs, shared.allNull
local literal_string, as_integral = shared.literalString, shared.asIntegral

local function simple(t) return t:simpleString() end

-- A string argument: strings stay, NULL and other atomic values are cast
-- (Spark's implicit cast of an AtomicType to StringType).
local function as_string(node, c, ev)
  local id = c.type.id
  if id == ID.string then return c end
  if id == ID.struct or id == ID.vector then
    ev.typeError(node, ("%s needs a string, not %s (%s)"):format(node.fn, simple(c.type), c.name))
  end
  return ev.castTo(c, T.string)
end

-- An int argument (a length, a count, a position): numbers, strings and
-- NULL are cast.
local function as_int(node, c, ev) return as_integral(node, c, ev, T.int, "an int") end

-- The bytes md5, sha1, sha2, crc32 and base64 hash or encode: binary, or
-- a string (Spark casts it to binary, the same bytes); NULL.
local function as_bytes(node, c, ev)
  local t = c.type
  if t.id == ID.binary or t.id == ID.string then return c end
  if coerce.isVoid(t) then return ev.castTo(c, T.binary) end
  ev.typeError(node, ("%s needs a binary or a string, not %s (%s)"):format(node.fn, simple(t), c.name))
end

-- The value of a literal integer argument (nil for NULL).
local function literal_int(node, c, ev, what)
  local is_lit, v = ev.literalOf(c)
  if type(v) == "cdata" then v = tonumber(v) end
  if not is_lit or (v ~= nil and (type(v) ~= "number" or v ~= math.floor(v) or math.abs(v) >= 2 ^ 31)) then
    ev.typeError(node, ("the %s of %s must be a literal integer, not %s"):format(what, node.fn, c.name))
  end
  return v
end

-- A regexp function's group index: a literal, cast to int as Spark casts
-- it (a fraction truncates; a string reads as CAST(s AS INT): blanks
-- trimmed, digits with a sign and a fraction, else NULL); nil for NULL.
local function group_index(node, c, ev)
  local is_lit, v = ev.literalOf(c)
  if type(v) == "cdata" then v = tonumber(v) end
  if is_lit and type(v) == "string" then
    local text = v:match("^%s*(.-)%s*$")
    v = (text:match("^[+-]?%d+%.?%d*$") or text:match("^[+-]?%.%d+$")) and tonumber(text) or nil
  end
  if is_lit and type(v) == "number" and math.abs(v) < 2 ^ 31 then
    return v >= 0 and math.floor(v) or math.ceil(v)
  end
  if is_lit and v == nil then return nil end
  ev.typeError(node, ("the group index of %s must be a literal integer, not %s"):format(node.fn, c.name))
end

local function lit(compileChild, value) return compileChild({ k = "lit", value = value }) end

-- A bigint argument (chr's code): numbers, strings and NULL are cast.
local function as_long(node, c, ev) return as_integral(node, c, ev, T.long, "a bigint") end

-- A string or binary argument (left, bit_length, ...): binary stays,
-- anything else is a string argument.
local function as_varlen(node, c, ev)
  if c.type.id == ID.binary then return c end
  return as_string(node, c, ev)
end

-- ---- strings ----------------------------------------------------------------------------

-- trim(s), or SQL's trim(trimStr, s) (StringTrim's two-argument form,
-- named TRIM(BOTH trimStr FROM s)); ltrim and rtrim alike.
local function trim(side)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 1, 2, ev)
    local s, chars = as_string(node, args[#args], ev), nil
    if args[2] then chars = as_string(node, args[1], ev) end
    return over_args(ev, node, T.string, { s, chars }, function(out, cols, dst)
      return C.tide_eval_trim(out, cols[1], cols[2], side, dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- btrim(s[, trimStr]): trim with its arguments the other way round, and
-- its own name (Spark 3.3+'s StringTrimBoth).
local function btrim(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, 2, ev)
  local s, chars = as_string(node, args[1], ev), args[2] and as_string(node, args[2], ev)
  return over_args(ev, node, T.string, { s, chars }, function(out, cols, dst)
    return C.tide_eval_trim(out, cols[1], cols[2], C.TIDE_TRIM_BOTH, dst, ev.errbuf, ev.errlen)
  end)
end

-- lpad/rpad(s, len[, pad]): pad is a space when left out (Spark 3.3+).
-- A binary s with a binary pad (or none: a zero byte) is padded in bytes,
-- a binary (Spark 3.5's BinaryPad); with a string pad, s is a string.
local function pad(left)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 2, 3, ev)
    local binary = args[1].type.id == ID.binary and (not args[3] or args[3].type.id == ID.binary)
    local s, len = args[1], as_int(node, args[2], ev)
    local p = args[3] or (binary and ev.castTo(lit(compileChild, "\0"), T.binary)) or lit(compileChild, " ")
    if not binary then s, p = as_string(node, s, ev), as_string(node, p, ev) end
    return over_args(ev, node, binary and T.binary or T.string, { s, len, p }, function(out, cols, dst)
      return C.tide_eval_pad(out, cols[1], cols[2], cols[3], left, dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- concat_ws(sep, args...): the non-null args joined, an array<string>'s
-- non-null elements each a piece (concat_ws(',', collect_list(x))); a
-- NULL literal is left out at once.
local function concat_ws(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, nil, ev)
  local sep, rest = as_string(node, args[1], ev), {}
  for i = 2, #args do
    local a = args[i]
    local et = a.type.elementType
    if a.type.id == T.ID.array and et.id ~= T.ID.struct and et.id ~= T.ID.array and et.id ~= T.ID.map then
      rest[#rest + 1] = ev.castTo(a, T.array(T.string)) -- (an array of other atomic values: Spark's implicit cast)
    elseif not coerce.isVoid(a.type) then
      rest[#rest + 1] = as_string(node, a, ev)
    end
  end
  local n = #rest
  return over_args(ev, node, T.string, { sep, unpack(rest) }, function(out, cols, dst, input)
    return C.tide_eval_concat_ws(out, cols[1], ev.columnArray({ unpack(cols, 2) }), n, input.num_rows, dst,
      ev.errbuf, ev.errlen)
  end)
end

-- instr(s, sub): 1-based, 0 when sub is not in s.
local function instr(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local s, sub = as_string(node, args[1], ev), as_string(node, args[2], ev)
  return over_args(ev, node, T.int, { s, sub }, function(out, cols, dst)
    return C.tide_eval_locate(out, cols[1], cols[2], nil, dst, ev.errbuf, ev.errlen)
  end)
end

-- locate(sub, s[, pos]): from character pos (1 when left out); a NULL pos
-- gives 0, as Spark (Hive) does.
local function locate(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 3, ev)
  local sub, s = as_string(node, args[1], ev), as_string(node, args[2], ev)
  local pos = as_int(node, args[3] or lit(compileChild, 1), ev)
  return over_args(ev, node, T.int, { s, sub, pos }, function(out, cols, dst)
    return C.tide_eval_locate(out, cols[1], cols[2], cols[3], dst, ev.errbuf, ev.errlen)
  end)
end

local function translate(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 3, 3, ev)
  local s = as_string(node, args[1], ev)
  local from = literal_string(node, args[2], ev, "characters to replace")
  local to = literal_string(node, args[3], ev, "replacement characters")
  if from == nil or to == nil then return all_null(ev, node, T.string) end
  return over_args(ev, node, T.string, { s }, function(out, cols, dst)
    return C.tide_eval_translate(out, cols[1], from, #from, to, #to, dst, ev.errbuf, ev.errlen)
  end)
end

local function text_map(op)
  return function(node, _, compileChild, ev)
    local s = as_string(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
    return over_args(ev, node, T.string, { s }, function(out, cols, dst)
      return C.tide_eval_text_map(out, op, cols[1], dst, ev.errbuf, ev.errlen)
    end)
  end
end

local function repeat_(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local s, n = as_string(node, args[1], ev), as_int(node, args[2], ev)
  return over_args(ev, node, T.string, { s, n }, function(out, cols, dst)
    return C.tide_eval_repeat(out, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
  end)
end

-- regexp_extract(s, pattern[, idx = 1]): a group index the pattern does
-- not have fails here, when the plan is made (Spark fails at the first
-- row that matches).
local function regexp_extract(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 3, ev)
  local s = as_string(node, args[1], ev)
  local pattern = literal_string(node, args[2], ev, "pattern")
  local idx = 1
  if args[3] then idx = group_index(node, args[3], ev) end
  if pattern == nil or idx == nil then return all_null(ev, node, T.string) end
  local re = C.tide_regex_compile(pattern, #pattern, ev.errbuf, ev.errlen)
  if re == nil then error(("%s: %s"):format(ev.sqlName(node), ffi.string(ev.errbuf)), 0) end
  re = ffi.gc(re, C.tide_regex_free)
  local groups = C.tide_regex_groups(re)
  if idx < 0 or idx > groups then
    error(("%s: the group index must be between 0 and %d (the groups of '%s'), not %d"):format(
      ev.sqlName(node), groups, pattern, idx), 0)
  end
  return over_args(ev, node, T.string, { s }, function(out, cols, dst)
    return C.tide_eval_regexp_extract(out, cols[1], re, idx, dst, ev.errbuf, ev.errlen)
  end)
end

-- sentences(str[, lang[, country]]): the sentences of str, each a list
-- of its words, as Spark's (engine/eval_sentences.c: the JRE's rules of
-- the root locale, whatever lang and country say).
local function sentences(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, 3, ev)
  for i = 2, #args do
    if args[i].type.id ~= ID.string and not coerce.isVoid(args[i].type) then
      ev.typeError(node, ("sentences: the language and the country are strings, not %s (%s)"):format(
        simple(args[i].type), args[i].name))
    end
  end
  return over_args(ev, node, T.array(T.array(T.string)), { as_string(node, args[1], ev) }, function(out, cols, dst)
    return C.tide_eval_sentences(out, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

-- ---- hashes and encodings -----------------------------------------------------------------

local function digest_call(ev, node, x, digest)
  return over_args(ev, node, T.string, { x }, function(out, cols, dst)
    return C.tide_eval_digest(out, cols[1], digest, dst, ev.errbuf, ev.errlen)
  end)
end

local function digest(code)
  return function(node, _, compileChild, ev)
    return digest_call(ev, node, as_bytes(node, args_of(node, compileChild, 1, 1, ev)[1], ev), code)
  end
end

-- sha2(x, bits): SHA-224, 256 (also bits 0), 384 or 512; other bit
-- lengths give NULL, as in Spark.
local SHA2 = { [0] = C.TIDE_DIGEST_SHA256, [224] = C.TIDE_DIGEST_SHA224, [256] = C.TIDE_DIGEST_SHA256,
               [384] = C.TIDE_DIGEST_SHA384, [512] = C.TIDE_DIGEST_SHA512 }
local function sha2(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local x = as_bytes(node, args[1], ev)
  local bits = literal_int(node, args[2], ev, "bit length")
  local code = bits ~= nil and SHA2[bits]
  if not code then return all_null(ev, node, T.string) end
  return digest_call(ev, node, x, code)
end

-- A one-argument kernel(out, col, dst, errbuf, errlen) of result type t
-- over the argument as `convert` gives it.
local function unary(kernel, t, convert)
  return function(node, _, compileChild, ev)
    local x = convert(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
    return over_args(ev, node, t, { x }, function(out, cols, dst)
      return kernel(out, cols[1], dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- hex's argument: bigint for numbers (Spark casts them to bigint), string
-- and binary as they are, other atomic types as strings.
local function hex_argument(node, c, ev)
  local t = c.type
  if t.id == ID.long or t.id == ID.string or t.id == ID.binary then return c end
  if coerce.isNumeric(t) or coerce.isVoid(t) then return ev.castTo(c, T.long) end
  return as_string(node, c, ev)
end

-- hash(args...): Spark's Murmur3Hash, seed 42, an int.
local function hash(node, _, compileChild, ev)
  return shared.hashOf(node, compileChild, ev, T.int, C.tide_eval_murmur3, true)
end

-- ---- nulls ------------------------------------------------------------------------------

-- ifnull(a, b), nvl(a, b): coalesce(a, b), in the type both share.
local function ifnull(node, _, compileChild, ev)
  local lazy = #(node.args or {}) == 2 and require("tide.eval_functions").shortCircuited(node, ev)
  if lazy then return compileChild(lazy) end
  local args = args_of(node, compileChild, 2, 2, ev)
  local t = ev.commonType(node, args, "the arguments of " .. node.fn)
  for i, a in ipairs(args) do args[i] = ev.castTo(a, t) end
  return over_args(ev, node, t, args, function(out, cols, dst)
    return C.tide_eval_coalesce(out, ev.columnArray(cols), 2, dst, ev.errbuf, ev.errlen)
  end)
end

-- CASE WHEN cond THEN value ELSE otherwise END over three columns.
local function choose(ev, out, cond, value, otherwise, name)
  local dst = ev.newColumn(out)
  ev.check(C.tide_eval_case(out, ev.columnArray({ cond }), ev.columnArray({ value }), 1, otherwise, dst,
    ev.errbuf, ev.errlen), name)
  return dst
end

-- nvl2(a, b, c): b where a is not NULL, else c (b and c in their shared type).
local function nvl2(node, _, compileChild, ev)
  local a3 = node.args or {}
  if #a3 == 3 and (ev.hasEffects(a3[2]) or ev.hasEffects(a3[3])) then
    -- (its values where reached, as Spark's: a CASE's branches)
    return compileChild({ k = "case", sqlText = ev.sqlName(node), otherwise = a3[3],
                          branches = { { when = { k = "isnotnull", expr = a3[1] }, value = a3[2] } } })
  end
  local args = args_of(node, compileChild, 3, 3, ev)
  local a = args[1]
  if coerce.isVoid(a.type) then a = ev.castTo(a, T.boolean) end
  local t = ev.commonType(node, { args[2], args[3] }, "the second and third arguments of nvl2")
  local b, c = ev.castTo(args[2], t), ev.castTo(args[3], t)
  local name = ev.sqlName(node)
  return {
    type = t, name = name,
    run = function(input, out, ctx)
      local ac = a.run(input, out, ctx)
      local set = ev.newColumn(out)
      ev.check(C.tide_eval_isnull(out, ac, 1, set, ev.errbuf, ev.errlen), name)
      return choose(ev, out, set, b.run(input, out, ctx), c.run(input, out, ctx), name)
    end,
  }
end

-- nullif(a, b): NULL where a = b (compared as Spark's = compares them),
-- else a, in a's type.
local function nullif(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local a, b = args[1], args[2]
  for _, x in ipairs(args) do
    if x.type.id == ID.struct or x.type.id == ID.vector then
      ev.typeError(node, ("nullif cannot compare %s (%s)"):format(simple(x.type), x.name))
    end
  end
  local lt, rt = coerce.comparison(a.type, b.type)
  if not lt then
    ev.typeError(node, ("nullif cannot compare %s and %s"):format(simple(a.type), simple(b.type)))
  end
  if coerce.isVoid(a.type) then return all_null(ev, node, T.null) end
  -- a runs once: its column, then cast for the comparison when it must be.
  local current
  local a_again = { type = a.type, name = a.name, run = function() return current end }
  local left, right = ev.castTo(a_again, lt), ev.castTo(b, rt)
  local null = all_null(ev, node, a.type)
  local name = ev.sqlName(node)
  return {
    type = a.type, name = name,
    run = function(input, out, ctx)
      local ac = a.run(input, out, ctx)
      current = ac
      local x = left.run(input, out, ctx)
      current = nil
      local equal = ev.newColumn(out)
      ev.check(C.tide_eval_compare(out, C.TIDE_EQ, x, right.run(input, out, ctx), equal, ev.errbuf, ev.errlen),
        name)
      return choose(ev, out, equal, null.run(input, out, ctx), ac, name)
    end,
  }
end

-- The helpers of the other string modules (tide.eval_text_search,
-- eval_text_format, eval_text_regex).
M.asString, M.asInt, M.asLong, M.asVarlen, M.asBytes = as_string, as_int, as_long, as_varlen, as_bytes
M.literalInt, M.groupIndex, M.lit = literal_int, group_index, lit
M.locate = locate -- (position's too: Spark's StringLocate under another name)

function M.register(eval)
  eval.register("trim", trim(C.TIDE_TRIM_BOTH))
  eval.register("ltrim", trim(C.TIDE_TRIM_LEADING))
  eval.register("rtrim", trim(C.TIDE_TRIM_TRAILING))
  eval.register("btrim", btrim)
  eval.register("lpad", pad(1))
  eval.register("rpad", pad(0))
  eval.register("concat_ws", concat_ws)
  eval.register("instr", instr)
  eval.register("locate", locate)
  eval.register("translate", translate)
  eval.register("initcap", text_map(C.TIDE_TEXT_INITCAP))
  eval.register("reverse", text_map(C.TIDE_TEXT_REVERSE))
  eval.register("repeat", repeat_)
  eval.register("ascii", unary(C.tide_eval_ascii, T.int, as_string))
  eval.register("regexp_extract", regexp_extract)
  eval.register("sentences", sentences)
  eval.register("md5", digest(C.TIDE_DIGEST_MD5))
  eval.register("sha1", digest(C.TIDE_DIGEST_SHA1))
  eval.register("sha", digest(C.TIDE_DIGEST_SHA1))
  eval.register("sha2", sha2)
  eval.register("crc32", unary(C.tide_eval_crc32, T.long, as_bytes))
  eval.register("base64", unary(C.tide_eval_base64, T.string, as_bytes))
  eval.register("unbase64", unary(C.tide_eval_unbase64, T.binary, as_string))
  eval.register("hex", unary(C.tide_eval_hex, T.string, hex_argument))
  eval.register("hash", hash)
  eval.register("ifnull", ifnull)
  eval.register("nvl", ifnull)
  eval.register("nvl2", nvl2)
  eval.register("nullif", nullif)
  eval.register("character_length", eval.compilerOf("length"))
  eval.register("len", eval.compilerOf("length"))
  require("tide.eval_text_search").register(eval)
  require("tide.eval_text_format").register(eval)
  require("tide.eval_text_regex").register(eval)
end

return M
