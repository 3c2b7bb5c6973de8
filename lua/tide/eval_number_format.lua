-- tide.eval_number_format — Spark's number format strings, as Spark
-- 3.5's ToNumberParser reads and writes them, each one C kernel over
-- whole columns (engine/number_format.c):
--   to_number(expr, fmt) and try_to_number(expr, fmt): text as
--   decimal(p, s), p the digits of the format and s those after its
--   point; text the format does not match fails to_number, naming it,
--   and is NULL in try_to_number;
--   to_char(x, fmt) / to_varchar of numbers (tide.eval_datetime's
--   to_char hands them here): x as a decimal, written in the format's
--   places, '#' in each one when x has more digits than the format.
-- The format ('0'/'9', '.'/'D', ','/'G', '$', 'S', 'MI', 'PR', any case)
-- must be a literal: it is read and checked once, with the plan, and an
-- invalid one fails there with Spark's INVALID_FORMAT error; a NULL
-- format makes every row NULL.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")
local shared = require("tide.eval_functions")

local M = {}
local ID = T.ID
local args_of, over_args, all_null = shared.argsOf, shared.overArgs, shared.allNull

local function simple(t) return t:simpleString() end

local function fail(ev, node, msg) error(("%s: %s"):format(ev.sqlName(node), msg), 0) end

-- What Spark casts to a string implicitly (its atomic types).
local ATOMIC = { [ID.boolean] = true, [ID.int] = true, [ID.long] = true, [ID.float] = true, [ID.double] = true,
                 [ID.string] = true, [ID.binary] = true, [ID.timestamp] = true, [ID.decimal] = true,
                 [ID.date] = true }

-- The decimal Spark casts a number or a string to where it wants one
-- (DecimalType.forType; a string is decimal(38, 18)).
local AS_DECIMAL = { [ID.int] = T.decimal(10, 0), [ID.long] = T.decimal(20, 0), [ID.float] = T.decimal(14, 7),
                     [ID.double] = T.decimal(30, 15), [ID.string] = T.decimal(38, 18) }

-- The compiled format of argument c, freed with the plan; nil for NULL.
local function parser_of(node, c, ev, what)
  local is_lit, v = ev.literalOf(c)
  if not is_lit then
    ev.typeError(node, ('[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] the input `%s` should be a foldable "STRING"'
      .. ' expression; however, got %s'):format(what, c.name))
  end
  if v == nil then return nil end
  if type(v) ~= "string" then
    ev.typeError(node, ("the %s of %s must be a literal string, not %s"):format(what, node.fn, c.name))
  end
  local p = C.tide_number_parser_compile(v, #v, ev.errbuf, ev.errlen)
  if p == nil then fail(ev, node, ffi.string(ev.errbuf)) end
  return ffi.gc(p, C.tide_number_parser_free)
end

-- to_number(expr, fmt) and try_to_number: expr is cast to a string.
local function to_number(try)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 2, 2, ev)
    local s = args[1]
    if not ATOMIC[s.type.id] and not coerce.isVoid(s.type) then
      ev.typeError(node, ('[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] %s needs a string, not %s (%s)'):format(node.fn,
        simple(s.type), s.name))
    end
    local p = parser_of(node, args[2], ev, "fmt")
    if p == nil then return all_null(ev, node, T.decimal(10, 0)) end
    local precision, scale = C.tide_number_parser_precision(p), C.tide_number_parser_scale(p)
    if precision > 38 then
      fail(ev, node, ("[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision %d exceeds max precision 38.")
        :format(precision))
    end
    local t = T.decimal(precision, scale)
    if coerce.isVoid(s.type) then return all_null(ev, node, t) end
    s = ev.castTo(s, T.string)
    local strict = try and 0 or 1
    return over_args(ev, node, t, { s }, function(out, cols, dst)
      return C.tide_eval_to_number(out, cols[1], p, strict, dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- to_char(x, fmt) / to_varchar of what is not a date, a timestamp or
-- binary: args are the compiled x and fmt. Numbers and strings are cast
-- to decimals, as Spark's ToCharacter casts them.
function M.toChar(node, args, ev)
  local x = args[1]
  local id = x.type.id
  if id ~= ID.decimal and not AS_DECIMAL[id] and not coerce.isVoid(x.type) then
    ev.typeError(node, ('[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] %s takes a number (a "DECIMAL"), a date, a'
      .. ' timestamp or binary, not %s (%s)'):format(node.fn, simple(x.type), x.name))
  end
  local p = parser_of(node, args[2], ev, "format")
  if p == nil or coerce.isVoid(x.type) then return all_null(ev, node, T.string) end
  if AS_DECIMAL[id] then x = ev.castTo(x, AS_DECIMAL[id]) end
  return over_args(ev, node, T.string, { x }, function(out, cols, dst)
    return C.tide_eval_to_char_number(out, cols[1], p, dst, ev.errbuf, ev.errlen)
  end)
end

function M.register(eval)
  eval.register("to_number", to_number(false))
  eval.register("try_to_number", to_number(true))
end

return M
