-- tide.eval_text_search — the string functions that search, cut and
-- measure text, each one C kernel over whole columns
-- (engine/eval_text_search.c, eval_text_cut.c, eval_text_codes.c), with
-- Spark 3.5's semantics, types and names:
--   left/right(s, len), contains/startswith/endswith(a, b) (strings, or
--   two binaries), substring_index(s, delim, count), split_part(s, delim,
--   part), replace(s, search[, rep]), position(sub, s[, start]),
--   find_in_set(s, set), overlay(s, rep, pos[, len]), elt(n, ...),
--   bit_length, octet_length, char/chr(n), space(n), levenshtein(a, b[,
--   threshold]), soundex, luhn_check, mask(s[, upper, lower, digit,
--   other]).
-- Arguments are cast as Spark casts them implicitly (numbers to strings,
-- strings and numbers to ints), but soundex and mask take strings only,
-- as Spark's (ExpectsInputTypes).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")
local shared = require("tide.eval_functions")
local text = require("tide.eval_text")

local M = {}
local ID = T.ID
local args_of, over_args = shared.argsOf, shared.overArgs
local as_string, as_int, as_long, as_varlen = text.asString, text.asInt, text.asLong, text.asVarlen

local function simple(t) return t:simpleString() end

-- A string argument of a function that casts nothing (soundex, mask):
-- strings, and NULL.
local function strict_string(node, c, ev)
  if c.type.id == ID.string then return c end
  if coerce.isVoid(c.type) then return ev.castTo(c, T.string) end
  ev.typeError(node, ("%s needs a string, not %s (%s)"):format(node.fn, simple(c.type), c.name))
end

-- A kernel(out, a, b, ..., dst, errbuf, errlen) over the arguments.
local function kernel_of(ev, node, t, args, kernel)
  return over_args(ev, node, t, args, function(out, cols, dst)
    local n = #args
    if n == 1 then return kernel(out, cols[1], dst, ev.errbuf, ev.errlen) end
    if n == 2 then return kernel(out, cols[1], cols[2], dst, ev.errbuf, ev.errlen) end
    if n == 3 then return kernel(out, cols[1], cols[2], cols[3], dst, ev.errbuf, ev.errlen) end
    return kernel(out, cols[1], cols[2], cols[3], cols[4], dst, ev.errbuf, ev.errlen)
  end)
end

-- left(s, len) keeps binary (bytes); right(s, len) reads a string.
local function left_right(right)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 2, 2, ev)
    local s = right and as_string(node, args[1], ev) or as_varlen(node, args[1], ev)
    local len = as_int(node, args[2], ev)
    return over_args(ev, node, s.type, { s, len }, function(out, cols, dst)
      return C.tide_eval_left_right(out, cols[1], cols[2], right and 1 or 0, dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- Two strings, or two binaries (Spark's BinaryPredicate) when both are.
local function string_pair(node, a, b, ev)
  if a.type.id == ID.binary and b.type.id == ID.binary then return a, b end
  return as_string(node, a, ev), as_string(node, b, ev)
end

local function text_match(op)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 2, 2, ev)
    local a, b = string_pair(node, args[1], args[2], ev)
    return over_args(ev, node, T.boolean, { a, b }, function(out, cols, dst)
      return C.tide_eval_text_match(out, op, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- A function of string arguments, an int last when `int_last`.
local function strings_then(kernel, t, count, int_last)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, count, count, ev)
    for i, a in ipairs(args) do
      args[i] = (int_last and i == count) and as_int(node, a, ev) or as_string(node, a, ev)
    end
    return kernel_of(ev, node, t, args, kernel)
  end
end

-- replace(s, search[, rep = ""])
local function replace(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 3, ev)
  args[3] = args[3] or text.lit(compileChild, "")
  for i, a in ipairs(args) do args[i] = as_string(node, a, ev) end
  return kernel_of(ev, node, T.string, args, C.tide_eval_replace)
end

-- overlay(s, rep, pos[, len = -1]): strings, or two binaries.
local function overlay(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 3, 4, ev)
  local s, rep = args[1], args[2]
  if (s.type.id == ID.binary) ~= (rep.type.id == ID.binary) and not coerce.isVoid(s.type)
      and not coerce.isVoid(rep.type) then
    ev.typeError(node, ("overlay needs its input and replacement of one type, not %s and %s"):format(
      simple(s.type), simple(rep.type)))
  end
  if s.type.id == ID.binary or rep.type.id == ID.binary then
    s, rep = ev.castTo(s, T.binary), ev.castTo(rep, T.binary)
  else
    s, rep = as_string(node, s, ev), as_string(node, rep, ev)
  end
  local pos, len = as_int(node, args[3], ev), as_int(node, args[4] or text.lit(compileChild, -1), ev)
  return kernel_of(ev, node, s.type, { s, rep, pos, len }, C.tide_eval_overlay)
end

-- elt(n, inputs...): binary when every input is, else strings.
local function elt(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, nil, ev)
  local index = as_int(node, args[1], ev)
  local binary = true
  for i = 2, #args do binary = binary and args[i].type.id == ID.binary end
  local inputs = {}
  for i = 2, #args do inputs[i - 1] = binary and args[i] or as_string(node, args[i], ev) end
  local n, t = #inputs, binary and T.binary or T.string
  return over_args(ev, node, t, { index, unpack(inputs) }, function(out, cols, dst, input)
    return C.tide_eval_elt(out, cols[1], ev.columnArray({ unpack(cols, 2) }), n, input.num_rows, dst,
      ev.errbuf, ev.errlen)
  end)
end

local function byte_length(bits)
  return function(node, _, compileChild, ev)
    local s = as_varlen(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
    return over_args(ev, node, T.int, { s }, function(out, cols, dst)
      return C.tide_eval_byte_length(out, cols[1], bits, dst, ev.errbuf, ev.errlen)
    end)
  end
end

local function unary(kernel, t, convert)
  return function(node, _, compileChild, ev)
    local x = convert(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
    return kernel_of(ev, node, t, { x }, kernel)
  end
end

-- levenshtein(a, b[, threshold]): -1 past the threshold.
local function levenshtein(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 3, ev)
  local a, b = as_string(node, args[1], ev), as_string(node, args[2], ev)
  local threshold = args[3] and as_int(node, args[3], ev)
  return over_args(ev, node, T.int, { a, b, threshold }, function(out, cols, dst)
    return C.tide_eval_levenshtein(out, cols[1], cols[2], cols[3], dst, ev.errbuf, ev.errlen)
  end)
end

-- The code points of UTF-8 text.
local function code_points(s)
  local cps, i = {}, 1
  while i <= #s do
    local c = s:byte(i)
    local n = c >= 0xF0 and 4 or c >= 0xE0 and 3 or c >= 0xC0 and 2 or 1
    local cp = n == 1 and c or c % 2 ^ (7 - n)
    for k = 1, n - 1 do cp = cp * 64 + (s:byte(i + k) or 0x80) % 64 end
    cps[#cps + 1] = cp
    i = i + n
  end
  return cps
end

-- mask(s[, upperChar = 'X', lowerChar = 'x', digitChar = 'n', otherChar =
-- NULL]): each replacement a literal of one character, or NULL to keep
-- that class of characters.
local MASK_ARGS = { "upperChar", "lowerChar", "digitChar", "otherChar" }
local function mask(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, 5, ev)
  local s = strict_string(node, args[1], ev)
  local chars = ffi.new("int32_t[4]", { 88, 120, 110, -1 })
  for i = 2, #args do
    local what = MASK_ARGS[i - 1]
    local is_lit, v = ev.literalOf(args[i])
    if not is_lit or (v ~= nil and type(v) ~= "string") then
      ev.typeError(node, ("the %s of mask must be a literal string, not %s"):format(what, args[i].name))
    end
    if v == nil then
      chars[i - 2] = -1
    else
      local cps = code_points(v)
      if #cps ~= 1 then ev.typeError(node, ("Length of %s should be 1"):format(what)) end
      chars[i - 2] = cps[1]
    end
  end
  return over_args(ev, node, T.string, { s }, function(out, cols, dst)
    return C.tide_eval_mask(out, cols[1], chars, dst, ev.errbuf, ev.errlen)
  end)
end

function M.register(eval)
  eval.register("left", left_right(false))
  eval.register("right", left_right(true))
  eval.register("contains", text_match(C.TIDE_MATCH_CONTAINS))
  eval.register("startswith", text_match(C.TIDE_MATCH_STARTS))
  eval.register("endswith", text_match(C.TIDE_MATCH_ENDS))
  eval.register("substring_index", strings_then(C.tide_eval_substring_index, T.string, 3, true))
  eval.register("split_part", strings_then(C.tide_eval_text_split_part, T.string, 3, true))
  eval.register("find_in_set", strings_then(C.tide_eval_find_in_set, T.int, 2, false))
  eval.register("replace", replace)
  eval.register("position", text.locate)
  eval.register("overlay", overlay)
  eval.register("elt", elt)
  eval.register("bit_length", byte_length(1))
  eval.register("octet_length", byte_length(0))
  eval.register("char", unary(C.tide_eval_chr, T.string, as_long))
  eval.register("chr", unary(C.tide_eval_chr, T.string, as_long))
  eval.register("space", unary(C.tide_eval_space, T.string, as_int))
  eval.register("soundex", unary(C.tide_eval_soundex, T.string, strict_string))
  eval.register("luhn_check", unary(C.tide_eval_luhn_check, T.boolean, as_string))
  eval.register("levenshtein", levenshtein)
  eval.register("mask", mask)
end

return M
