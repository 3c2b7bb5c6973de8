-- tide.eval_math — the math functions of tide.eval's `call` nodes, each
-- one C kernel over whole columns (engine/eval_math.c), with Spark 3.5's
-- types (mathExpressions.scala, non-ANSI):
--   abs (keeps the type), round/bround(x[, d]) (keep the type; a decimal
--   gets RoundBase's precision), floor/ceil/ceiling(x) (bigint, or a
--   decimal of scale 0) and floor/ceil(x, d) (decimals), sqrt, exp,
--   ln, log(x) and log(base, x), log10, log2, pow/power, signum/sign
--   (doubles), greatest/least (the arguments' common type).
-- Arguments are cast as Spark casts them implicitly: strings and NULL to
-- double where a number is wanted.
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")

local M = {}
local ID = T.ID

local function simple(t) return t:simpleString() end

local shared = require("tide.eval_functions")
local args_of, over_args = shared.argsOf, shared.overArgs

-- c's values under the call's name (round of an int at d >= 0, floor of a
-- bigint): no kernel, no copy.
local function same_values(ev, node, c, t)
  return { type = t or c.type, name = ev.sqlName(node), run = c.run }
end

local all_null = shared.allNull -- (a NULL scale)

-- Where Spark wants a number and takes any (NumericType): numbers stay,
-- strings and NULL become doubles.
local function as_number(node, c, ev)
  local t = c.type
  if coerce.isNumeric(t) then return c end
  if t.id == ID.string or coerce.isVoid(t) then return ev.castTo(c, T.double) end
  ev.typeError(node, ("%s needs a number, not %s (%s)"):format(node.fn, simple(t), c.name))
end

-- Where Spark wants a double (DoubleType): any number, a string or NULL.
local function as_double(node, c, ev)
  return ev.castTo(as_number(node, c, ev), T.double)
end

-- Where Spark wants a decimal (DecimalType, floor/ceil with a scale): the
-- implicit cast's decimal of each type (DecimalType.forType).
local DECIMAL_OF = { [ID.int] = { 10, 0 }, [ID.long] = { 20, 0 }, [ID.float] = { 14, 7 }, [ID.double] = { 30, 15 } }
local function as_decimal(node, c, ev)
  as_number(node, c, ev) -- refuses what is no number
  local t = c.type
  if t.id == ID.decimal then return c end
  local ps = DECIMAL_OF[t.id] or { 38, 18 } -- strings and NULL: DecimalType.SYSTEM_DEFAULT
  return ev.castTo(c, T.decimal(ps[1], ps[2]))
end

-- The scale argument: a literal integer (Spark: "foldable"), or NULL.
local function literal_scale(node, c, ev)
  local is_lit, v = ev.literalOf(c)
  if not is_lit or (v ~= nil and (type(v) ~= "number" or v ~= math.floor(v) or math.abs(v) >= 2 ^ 31)) then
    ev.typeError(node, ("the scale of %s must be a literal integer, not %s"):format(node.fn, c.name))
  end
  return v
end

-- Spark's RoundBase.dataType for a decimal(p, s) rounded to d places.
local function rounded_decimal(t, d)
  local int_digits = t.precision - t.scale + 1
  if d < 0 then return T.decimal(math.min(math.max(int_digits, -d + 1), 38), 0) end
  local scale = math.min(t.scale, d)
  return T.decimal(math.min(int_digits + scale, 38), scale)
end

-- A round kernel call over x (already of its final input type).
local function round_call(ev, node, x, d, mode, t)
  local p, s = t.precision or 0, t.scale or 0
  return over_args(ev, node, t, { x }, function(out, cols, dst)
    return C.tide_eval_round(out, cols[1], d, mode, p, s, dst, ev.errbuf, ev.errlen)
  end)
end

-- round/bround(x[, d]): HALF_UP / HALF_EVEN, d = 0 by default.
local function round(mode)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 1, 2, ev)
    local x = as_number(node, args[1], ev)
    local d = 0
    if args[2] then d = literal_scale(node, args[2], ev) end
    local t = x.type.id == ID.decimal and rounded_decimal(x.type, d or 0) or x.type
    if d == nil then return all_null(ev, node, t) end
    if coerce.isIntegral(t) and d >= 0 then return same_values(ev, node, x) end
    return round_call(ev, node, x, d, mode, t)
  end
end

-- floor/ceil(x): bigint for every number but decimals, which keep their
-- integral digits (plus one) at scale 0; floor/ceil(x, d) rounds a
-- decimal toward -inf/+inf (RoundFloor, RoundCeil).
local function floor_ceil(is_ceil)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 1, 2, ev)
    local mode = is_ceil and C.TIDE_ROUND_CEILING or C.TIDE_ROUND_FLOOR
    if args[2] then
      local x = as_decimal(node, args[1], ev)
      local d = literal_scale(node, args[2], ev)
      if d == nil then ev.typeError(node, ("the scale of %s must not be NULL"):format(node.fn)) end
      return round_call(ev, node, x, d, mode, rounded_decimal(x.type, d))
    end
    local x = as_number(node, args[1], ev)
    local t = x.type
    if t.id == ID.long then return same_values(ev, node, x) end
    if t.id == ID.decimal then
      if t.scale == 0 then return same_values(ev, node, x) end
      return round_call(ev, node, x, 0, mode, T.decimal(math.min(t.precision - t.scale + 1, 38), 0))
    end
    x = ev.castTo(x, T.double)
    local up = is_ceil and 1 or 0
    return over_args(ev, node, T.long, { x }, function(out, cols, dst)
      return C.tide_eval_floor_ceil(out, cols[1], up, dst, ev.errbuf, ev.errlen)
    end)
  end
end

local function abs(node, _, compileChild, ev)
  local x = as_number(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
  return over_args(ev, node, x.type, { x }, function(out, cols, dst)
    return C.tide_eval_abs(out, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

-- A function of one double giving a double.
local function unary_call(op, node, x, ev)
  return over_args(ev, node, T.double, { as_double(node, x, ev) }, function(out, cols, dst)
    return C.tide_eval_math_unary(out, op, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

local function unary(op)
  return function(node, _, compileChild, ev)
    return unary_call(op, node, args_of(node, compileChild, 1, 1, ev)[1], ev)
  end
end

local function binary(op, node, a, b, ev)
  return over_args(ev, node, T.double, { as_double(node, a, ev), as_double(node, b, ev) }, function(out, cols, dst)
    return C.tide_eval_math_binary(out, op, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
  end)
end

-- log(x) is ln(x), named LOG(E(), x) as Spark names Logarithm(E(), x);
-- log(base, x).
local function log(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, 2, ev)
  if not args[2] then return unary_call(C.TIDE_MATH_LN, node, args[1], ev) end
  return binary(C.TIDE_MATH_LOG, node, args[1], args[2], ev)
end

local function pow(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  return binary(C.TIDE_MATH_POW, node, args[1], args[2], ev)
end

-- The type greatest/least compare in: Spark's findWiderTypeWithoutStringPromotion
-- (numbers widen, NULL takes any type, a string meets only strings).
local function comparable_type(node, args, ev)
  local result
  for _, c in ipairs(args) do
    local t = c.type
    if t.id == ID.struct or t.id == ID.vector or t.id == ID.array or t.id == ID.map then
      ev.typeError(node, ("%s cannot order %s in tide (%s)"):format(node.fn, simple(t), c.name))
    end
    if result == nil or coerce.isVoid(result) then
      result = t
    elseif not coerce.isVoid(t) and t ~= result then
      if coerce.datetime(result, t) then
        result = T.timestamp -- a date meets a timestamp as its first instant
      elseif coerce.isNumeric(result) and coerce.isNumeric(t) then
        result = coerce.widerNumeric(result, t)
      else
        local names = {}
        for i, a in ipairs(args) do names[i] = simple(a.type) end
        ev.typeError(node, ("the arguments of %s must share a type, not %s"):format(node.fn, table.concat(names, ", ")))
      end
    end
  end
  if coerce.isVoid(result) then result = T.string end
  return result
end

local function greatest(is_least)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 2, nil, ev)
    local t = comparable_type(node, args, ev)
    for i, a in ipairs(args) do args[i] = ev.castTo(a, t) end
    local n, least = #args, is_least and 1 or 0
    return over_args(ev, node, t, args, function(out, cols, dst)
      return C.tide_eval_greatest(out, ev.columnArray(cols), n, least, dst, ev.errbuf, ev.errlen)
    end)
  end
end

function M.register(eval)
  eval.register("abs", abs)
  eval.register("round", round(C.TIDE_ROUND_HALF_UP))
  eval.register("bround", round(C.TIDE_ROUND_HALF_EVEN))
  eval.register("floor", floor_ceil(false))
  eval.register("ceil", floor_ceil(true))
  eval.register("ceiling", floor_ceil(true))
  eval.register("sqrt", unary(C.TIDE_MATH_SQRT))
  eval.register("exp", unary(C.TIDE_MATH_EXP))
  eval.register("ln", unary(C.TIDE_MATH_LN))
  eval.register("log", log)
  eval.register("log10", unary(C.TIDE_MATH_LOG10))
  eval.register("log2", unary(C.TIDE_MATH_LOG2))
  eval.register("signum", unary(C.TIDE_MATH_SIGNUM))
  eval.register("sign", unary(C.TIDE_MATH_SIGNUM))
  eval.register("pow", pow)
  eval.register("power", pow)
  eval.register("greatest", greatest(false))
  eval.register("least", greatest(true))
end

return M
