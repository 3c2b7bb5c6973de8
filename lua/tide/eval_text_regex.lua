-- tide.eval_text_regex — the regexp_* functions Spark 3.4/3.5 added and
-- ILIKE, each one C kernel over whole columns (engine/eval_regex_find.c,
-- eval_regex.c), with Spark 3.5's semantics, types and names:
--   regexp_extract_all(s, re[, idx = 1]) (array<string>), regexp_like and
--   regexp (RLIKE, named REGEXP_LIKE(s, re)), regexp_count (int),
--   regexp_substr (the first match; NULL for none), regexp_instr(s, re[,
--   idx = 0]) (the first match's 1-based position), ilike(s, pattern[,
--   escape]) (LIKE of both lower-cased).
-- Patterns must be literals: they are compiled once, with the plan.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local shared = require("tide.eval_functions")
local text = require("tide.eval_text")

local M = {}
local args_of, over_args, all_null = shared.argsOf, shared.overArgs, shared.allNull
local literal_string = shared.literalString
local as_string = text.asString

local function compiled(ev, node, re)
  if re == nil then error(("%s: %s"):format(ev.sqlName(node), ffi.string(ev.errbuf)), 0) end
  return ffi.gc(re, C.tide_regex_free)
end

local function regex(ev, node, pattern)
  return compiled(ev, node, C.tide_regex_compile(pattern, #pattern, ev.errbuf, ev.errlen))
end

-- regexp_extract_all(s, re[, idx = 1]): a group the pattern does not have
-- fails here (Spark fails at the first row that matches).
local function regexp_extract_all(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 3, ev)
  local s = as_string(node, args[1], ev)
  local pattern = literal_string(node, args[2], ev, "pattern")
  local idx = 1
  if args[3] then idx = text.groupIndex(node, args[3], ev) end
  local t = T.array(T.string)
  if pattern == nil or idx == nil then return all_null(ev, node, t) end
  local re = regex(ev, node, pattern)
  local groups = C.tide_regex_groups(re)
  if idx < 0 or idx > groups then
    error(("%s: the group index must be between 0 and %d (the groups of '%s'), not %d"):format(
      ev.sqlName(node), groups, pattern, idx), 0)
  end
  return over_args(ev, node, t, { s }, function(out, cols, dst)
    return C.tide_eval_regexp_extract_all(out, cols[1], re, idx, dst, ev.errbuf, ev.errlen)
  end)
end

-- regexp_like / regexp(s, re): RLIKE, which Spark names by the function
-- called, in capitals: REGEXP_LIKE(s, re).
local function regexp_like(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local s = as_string(node, args[1], ev)
  local pattern = literal_string(node, args[2], ev, "pattern")
  if pattern == nil then return all_null(ev, node, T.boolean) end
  local re = regex(ev, node, pattern)
  return over_args(ev, node, T.boolean, { s }, function(out, cols, dst)
    return C.tide_eval_regex_match(out, cols[1], re, dst, ev.errbuf, ev.errlen)
  end)
end

-- regexp_count / regexp_substr / regexp_instr(s, re[, idx = 0]): idx is
-- named, not used (Spark's RegExpInStr gives the whole match's place),
-- but a NULL one, or a text that is no int, makes every row NULL.
local function regexp_find(op, t)
  return function(node, _, compileChild, ev)
    local instr = op == C.TIDE_REGEXP_INSTR
    local args = args_of(node, compileChild, 2, instr and 3 or 2, ev)
    local idx = 0
    if instr and args[3] then idx = text.groupIndex(node, args[3], ev) end
    local s = as_string(node, args[1], ev)
    local pattern = literal_string(node, args[2], ev, "pattern")
    if pattern == nil or idx == nil then return all_null(ev, node, t) end
    local re = regex(ev, node, pattern)
    return over_args(ev, node, t, { s }, function(out, cols, dst)
      return C.tide_eval_regexp_find(out, op, cols[1], re, dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- ilike(s, pattern[, escape = '\']): Spark's Like(Lower(s),
-- Lower(pattern)), named ilike(s, pattern).
local function ilike(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 3, ev)
  local s = as_string(node, args[1], ev)
  local pattern = literal_string(node, args[2], ev, "pattern")
  local escape = args[3] and literal_string(node, args[3], ev, "escape") or "\\"
  if escape == nil or #escape ~= 1 then ev.typeError(node, "the escape of ILIKE must be one ASCII character") end
  if pattern == nil then return all_null(ev, node, T.boolean) end
  local lower = ffi.new("char[?]", 2 * #pattern + 4)
  local n = C.tide_text_lower(pattern, #pattern, lower)
  local re = compiled(ev, node, C.tide_like_compile(lower, n, escape:byte(), ev.errbuf, ev.errlen))
  return over_args(ev, node, T.boolean, { s }, function(out, cols, dst)
    local lowered = ev.newColumn(out)
    local rc = C.tide_eval_change_case(out, cols[1], 0, lowered, ev.errbuf, ev.errlen)
    if rc ~= 0 then return rc end
    return C.tide_eval_regex_match(out, lowered, re, dst, ev.errbuf, ev.errlen)
  end)
end

function M.register(eval)
  eval.register("regexp_extract_all", regexp_extract_all)
  eval.register("regexp_like", regexp_like)
  eval.register("regexp", regexp_like)
  eval.register("regexp_count", regexp_find(C.TIDE_REGEXP_COUNT, T.int))
  eval.register("regexp_substr", regexp_find(C.TIDE_REGEXP_SUBSTR, T.string))
  eval.register("regexp_instr", regexp_find(C.TIDE_REGEXP_INSTR, T.int))
  eval.register("ilike", ilike)
end

return M
