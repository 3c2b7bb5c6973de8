-- tide.eval_math — the math functions of tide.eval's `call` nodes, each
-- one C kernel over whole columns (engine/eval_math.c, eval_math_fn.c,
-- eval_math_int.c), with Spark 3.5's types and names (mathExpressions.scala,
-- arithmetic.scala, bitwiseExpressions.scala, randomExpressions.scala,
-- non-ANSI):
--   abs (keeps the type), round/bround(x[, d]) (keep the type; a decimal
--   gets RoundBase's precision), floor/ceil/ceiling(x) (bigint, or a
--   decimal of scale 0) and floor/ceil(x, d) (decimals), sqrt, exp,
--   ln, log(x) and log(base, x), log10, log2, pow/power, signum/sign
--   (doubles), greatest/least (the arguments' common type; arrays and
--   structs through array_max/array_min of them);
--   the trigonometric and hyperbolic functions, radians, degrees, log1p,
--   expm1, cbrt, rint, atan2, hypot, pi(), e() (doubles); pmod and mod
--   (the type of %), negative and positive (keep the type), try_add,
--   try_subtract, try_multiply, try_divide (the types of + - * /, NULL on
--   overflow), factorial (bigint), bin and conv (strings), width_bucket
--   (bigint), shiftleft/shiftright/shiftrightunsigned (the left side's
--   type), bit_count (int), rand/random and randn (doubles).
-- Arguments are cast as Spark casts them implicitly: strings and NULL to
-- double where a number is wanted. Spark's capitals (SIN(x), PI()) are
-- tide.sql_names'.
local ffi = require("ffi")
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

-- c, computed over ints, as its tinyint or smallint type: wrapped to its
-- bits as Java's byte and short arithmetic (abs(-128Y) is -128), or NULL
-- where it does not fit when strict (try_add); c for other types.
local function wrapped(ev, c, strict)
  if not c.type.bits then return c end
  return ev.narrowed(c, c.type, strict)
end

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
    return wrapped(ev, round_call(ev, node, x, d, mode, t))
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
  return wrapped(ev, over_args(ev, node, x.type, { x }, function(out, cols, dst)
    return C.tide_eval_abs(out, cols[1], dst, ev.errbuf, ev.errlen)
  end))
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
      elseif coerce.widerInterval(result, t) then -- (intervals of one kind: tide.eval_intervals)
        result = coerce.widerInterval(result, t)
      else
        local names = {}
        for i, a in ipairs(args) do names[i] = simple(a.type) end
        ev.typeError(node, ("the arguments of %s must share a type, not %s"):format(node.fn, table.concat(names, ", ")))
      end
    end
  end
  if coerce.isVoid(result) then result = T.null end -- (all NULL: Spark's void)
  return result
end

local function greatest(is_least)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 2, nil, ev)
    for _, a in ipairs(args) do
      if a.type.id == ID.array or a.type.id == ID.struct then
        -- arrays and structs, ordered as Spark orders them (element by
        -- element, field by field): the extreme of the array of them, which
        -- skips NULLs as greatest does, in the type array() gives them
        local shown = {}
        for i, b in ipairs(args) do
          shown[i] = simple(b.type)
          if b.type.id ~= a.type.id and not coerce.isVoid(b.type) then
            ev.typeError(node, ("the arguments of %s must share a type, not %s"):format(node.fn,
              table.concat(shown, ", ")))
          end
        end
        local c = compileChild({ k = "call", fn = is_least and "array_min" or "array_max",
                                 args = { { k = "call", fn = "array", args = node.args } } })
        c.name = ev.sqlName(node)
        return c
      end
    end
    local t = comparable_type(node, args, ev)
    for i, a in ipairs(args) do args[i] = ev.castTo(a, t) end
    local n, least = #args, is_least and 1 or 0
    return over_args(ev, node, t, args, function(out, cols, dst)
      return C.tide_eval_greatest(out, ev.columnArray(cols), n, least, dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- The argument count check of args_of, for calls rewritten into other
-- nodes before their arguments are compiled.
local function check_count(node, min, max, ev)
  local n = #(node.args or {})
  if n < min or n > max then
    local want = max == min and tostring(min) or ("%d to %d"):format(min, max)
    ev.typeError(node, ("%s takes %s arguments, not %d"):format(node.fn, want, n))
  end
end

-- The Lua value of an integral literal (for decimal widening), else nil.
local function integral_literal(c, ev)
  local is_lit, v = ev.literalOf(c)
  if is_lit and coerce.isIntegral(c.type) then return v end
end

-- c compiled from another node but named as the call node is.
local function renamed(node, c, ev)
  local copy = {}
  for k, v in pairs(c) do copy[k] = v end
  copy.name, copy.outputName, copy.literal = ev.sqlName(node), nil, nil
  return copy
end

-- ---- functions of doubles ------------------------------------------------------------

-- f(x) of one double (C.TIDE_FN_*).
local function double_fn(fn)
  return function(node, _, compileChild, ev)
    local x = args_of(node, compileChild, 1, 1, ev)[1]
    return over_args(ev, node, T.double, { as_double(node, x, ev) }, function(out, cols, dst)
      return C.tide_eval_math_fn(out, fn, cols[1], dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- atan2(y, x), hypot(a, b).
local function double_fn2(fn)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 2, 2, ev)
    return over_args(ev, node, T.double, { as_double(node, args[1], ev), as_double(node, args[2], ev) },
      function(out, cols, dst)
        return C.tide_eval_math_fn2(out, fn, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
      end)
  end
end

-- pi(), e(): a double literal named PI(), E().
local function constant(value)
  return function(node, _, compileChild, ev)
    args_of(node, compileChild, 0, 0, ev)
    local c = compileChild({ k = "lit", value = value, type = T.double })
    c.name = ev.sqlName(node)
    return c
  end
end

-- width_bucket(v, min, max, n): three doubles and a bigint count.
local function width_bucket(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 4, 4, ev)
  for i = 1, 3 do args[i] = as_double(node, args[i], ev) end
  args[4] = ev.castTo(as_number(node, args[4], ev), T.long)
  return over_args(ev, node, T.long, args, function(out, cols, dst)
    return C.tide_eval_width_bucket(out, cols[1], cols[2], cols[3], cols[4], dst, ev.errbuf, ev.errlen)
  end)
end

-- ---- arithmetic as functions ------------------------------------------------------------

-- The operands of a binary arithmetic function with op's types (Spark's
-- BinaryArithmetic coercion, as tide.eval_operators applies it): the two
-- cast columns and the result type, or nil when they are not numbers.
local function arithmetic_operands(op, l, r, ev)
  local lt, rt, result = coerce.arithmetic(op, l.type, r.type, integral_literal(l, ev), integral_literal(r, ev))
  if not lt then return nil end
  return ev.castTo(l, lt), ev.castTo(r, rt), result
end

-- pmod(a, b): the types of a % b; NULL where b is 0.
local function pmod(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local l, r, t = arithmetic_operands("%", args[1], args[2], ev)
  if not l then
    ev.typeError(node, ("pmod needs numbers, not %s and %s"):format(simple(args[1].type), simple(args[2].type)))
  end
  local p, s = t.precision or 0, t.scale or 0
  return over_args(ev, node, t, { l, r }, function(out, cols, dst)
    return C.tide_eval_pmod(out, cols[1], cols[2], p, s, dst, ev.errbuf, ev.errlen)
  end)
end

-- mod(a, b) is a % b (Spark's Remainder), named mod(a, b).
local function mod(node, _, compileChild, ev)
  check_count(node, 2, 2, ev)
  return renamed(node, compileChild({ k = "op", op = "%", left = node.args[1], right = node.args[2] }), ev)
end

-- negative(x) is -x (UnaryMinus), named negative(x).
local function negative(node, _, compileChild, ev)
  check_count(node, 1, 1, ev)
  return renamed(node, compileChild({ k = "neg", expr = node.args[1] }), ev)
end

-- positive(x): x itself (a string or NULL as a double), named (+ x).
local function positive(node, _, compileChild, ev)
  local x = as_number(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
  return same_values(ev, node, x)
end

-- try_add, try_subtract, try_multiply, try_divide: the operator's types;
-- an int or bigint result that overflows is NULL (Spark's TRY mode; the
-- other types already give NULL or Infinity). Other operands (a date and
-- days) go to the operator itself, as Spark's TryEval of it.
local TRY_OPS = { try_add = "+", try_subtract = "-", try_multiply = "*", try_divide = "/" }
local ARITH_CODE = { ["+"] = C.TIDE_ADD, ["-"] = C.TIDE_SUB, ["*"] = C.TIDE_MUL, ["/"] = C.TIDE_DIV }

local function try_arith(node, _, compileChild, ev)
  local op = TRY_OPS[node.fn:lower()]
  check_count(node, 2, 2, ev)
  local function as_operator()
    -- (try: an interval's product or quotient is NULL where it fails, tide.eval_intervals)
    return renamed(node, compileChild({ k = "op", op = op, left = node.args[1], right = node.args[2], try = true }), ev)
  end
  if node.args[1].k == "interval" or node.args[2].k == "interval" then return as_operator() end
  local args = args_of(node, compileChild, 2, 2, ev)
  local l, r, t = arithmetic_operands(op, args[1], args[2], ev)
  if not l then return as_operator() end
  local code, p, s = ARITH_CODE[op], t.precision or 0, t.scale or 0
  local checked = coerce.isIntegral(t) and op ~= "/"
  return wrapped(ev, over_args(ev, node, t, { l, r }, function(out, cols, dst)
    if checked then return C.tide_eval_try_arith(out, code, cols[1], cols[2], dst, ev.errbuf, ev.errlen) end
    return C.tide_eval_arith(out, code, cols[1], cols[2], p, s, dst, ev.errbuf, ev.errlen)
  end), true)
end

-- ---- integers and bits ------------------------------------------------------------------

-- An argument Spark casts implicitly to int (IntegerType): numbers,
-- strings and NULL.
local function as_int(node, c, ev)
  return ev.castTo(as_number(node, c, ev), T.int)
end

-- The value shifted: int and bigint stay, NULL and other numbers or
-- strings become ints (the first type of Spark's TypeCollection(IntegerType,
-- LongType) they cast to), tinyint and smallint too.
local function shifted(node, c, ev)
  if (c.type.id == ID.int and not c.type.bits) or c.type.id == ID.long then return c end
  return as_int(node, c, ev)
end

local function shift(op)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 2, 2, ev)
    local x, k = shifted(node, args[1], ev), as_int(node, args[2], ev)
    return over_args(ev, node, x.type, { x, k }, function(out, cols, dst)
      return C.tide_eval_bitwise(out, op, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- bit_count(x): an int, bigint or boolean, without implicit casts
-- (ExpectsInputTypes); NULL is an int NULL.
local function bit_count(node, _, compileChild, ev)
  local x = args_of(node, compileChild, 1, 1, ev)[1]
  if coerce.isVoid(x.type) then x = ev.castTo(x, T.int) end
  local id = x.type.id
  if id ~= ID.int and id ~= ID.long and id ~= ID.boolean then
    ev.typeError(node, ("bit_count needs an integer or a boolean, not %s (%s)"):format(simple(x.type), x.name))
  end
  return over_args(ev, node, T.int, { x }, function(out, cols, dst)
    return C.tide_eval_bit_count(out, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

-- bit_get(x, pos) / getbit: the bit of x (an integer) at pos (0 the
-- lowest) as a tinyint 0 or 1; a pos outside x's bits fails the query, as
-- Spark's, where the row is evaluated (a CASE's raise_error).
local function bit_get(node, _, compileChild, ev)
  local x = args_of(node, compileChild, 2, 2, ev)[1]
  if coerce.isVoid(x.type) then x = ev.castTo(x, T.int) end
  if x.type.id ~= ID.int and x.type.id ~= ID.long then
    ev.typeError(node, ("%s needs an integer, not %s (%s)"):format(node.fn, simple(x.type), x.name))
  end
  local bits = x.type.id == ID.long and 64 or x.type.bits or 32 -- (a tinyint's 8, a smallint's 16)
  local pos = node.args[2]
  local function lit(v) return { k = "lit", value = v } end
  local outside = { k = "op", op = "or", left = { k = "op", op = "<", left = pos, right = lit(0) },
                    right = { k = "op", op = ">=", left = pos, right = lit(bits) } }
  local message = { k = "call", fn = "concat", args = {
    lit(("[INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE] The value of parameter(s) `pos` in `%s` is invalid: expects"
      .. " an integer value in [0, %d), but got "):format(node.fn:lower(), bits)),
    { k = "cast", expr = pos, to = T.string }, lit(".") } }
  local bit = { k = "cast", to = T.byte, expr = { k = "op", op = "&", right = lit(1),
    left = { k = "call", fn = "shiftright", args = { node.args[1], pos } } } }
  return compileChild({ k = "case", branches = { { when = outside,
    value = { k = "call", fn = "raise_error", args = { message }, unprefixed = true } } }, otherwise = bit,
    sqlText = ev.sqlName(node) })
end

local function factorial(node, _, compileChild, ev)
  local x = as_int(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
  return over_args(ev, node, T.long, { x }, function(out, cols, dst)
    return C.tide_eval_factorial(out, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

-- bin(x): x as a bigint (Spark's implicit cast truncates 13.3 to 13).
local function bin(node, _, compileChild, ev)
  local x = ev.castTo(as_number(node, args_of(node, compileChild, 1, 1, ev)[1], ev), T.long)
  return over_args(ev, node, T.string, { x }, function(out, cols, dst)
    return C.tide_eval_bin(out, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

-- conv(num, from, to): num read as a string (numbers as Spark prints
-- them), the bases as ints.
local function conv(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 3, 3, ev)
  local num = args[1]
  local id = num.type.id
  if id == ID.struct or id == ID.array or id == ID.map or id == ID.vector then
    ev.typeError(node, ("conv needs a string, not %s (%s)"):format(simple(num.type), num.name))
  end
  num = ev.castTo(num, T.string)
  return over_args(ev, node, T.string, { num, as_int(node, args[2], ev), as_int(node, args[3], ev) },
    function(out, cols, dst)
      return C.tide_eval_conv(out, cols[1], cols[2], cols[3], dst, ev.errbuf, ev.errlen)
    end)
end

-- ---- rand, randn -----------------------------------------------------------------------

-- rand([seed]) / randn([seed]): Spark's XORShiftRandom(seed + partition)
-- over the rows in order, where tide's partition is the slice a batch is
-- evaluated in (ctx.sliceIndex, 0 for a batch evaluated whole) and a
-- micro-batch adds its epoch times 2^32. The seed is an int or bigint
-- literal (NULL is 0); without one, a random seed drawn once per node.
local function random(gaussian)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 0, 1, ev)
    local seed
    if args[1] then
      local is_lit, v = ev.literalOf(args[1])
      if not is_lit or not (coerce.isIntegral(args[1].type) or coerce.isVoid(args[1].type)) then
        ev.typeError(node, ("Input argument to %s must be an integer, long, or null constant."):format(
          gaussian == 1 and "randn" or "rand"))
      end
      seed = v or 0
    else
      node.randomSeed = node.randomSeed or C.tide_random_seed()
      seed = node.randomSeed
    end
    seed = ffi.cast("int64_t", seed)
    local name = ev.sqlName(node)
    return {
      type = T.double, name = name,
      run = function(input, out, ctx)
        local part = ffi.cast("int64_t", ctx and ctx.sliceIndex or 0)
        local epoch = ffi.cast("int64_t", ctx and ctx.epochId or 0)
        local dst = ev.newColumn(out)
        ev.check(C.tide_eval_rand(out, input.num_rows, seed + part + epoch * 4294967296LL, gaussian, dst,
          ev.errbuf, ev.errlen), name)
        return dst
      end,
    }
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
  for name, fn in pairs({ sin = C.TIDE_FN_SIN, cos = C.TIDE_FN_COS, tan = C.TIDE_FN_TAN, cot = C.TIDE_FN_COT,
                          sec = C.TIDE_FN_SEC, csc = C.TIDE_FN_CSC, asin = C.TIDE_FN_ASIN, acos = C.TIDE_FN_ACOS,
                          atan = C.TIDE_FN_ATAN, sinh = C.TIDE_FN_SINH, cosh = C.TIDE_FN_COSH,
                          tanh = C.TIDE_FN_TANH, asinh = C.TIDE_FN_ASINH, acosh = C.TIDE_FN_ACOSH,
                          atanh = C.TIDE_FN_ATANH, radians = C.TIDE_FN_RADIANS, degrees = C.TIDE_FN_DEGREES,
                          log1p = C.TIDE_FN_LOG1P, expm1 = C.TIDE_FN_EXPM1, cbrt = C.TIDE_FN_CBRT,
                          rint = C.TIDE_FN_RINT }) do
    eval.register(name, double_fn(fn))
  end
  eval.register("atan2", double_fn2(C.TIDE_FN_ATAN2))
  eval.register("hypot", double_fn2(C.TIDE_FN_HYPOT))
  eval.register("pi", constant(math.pi))
  eval.register("e", constant(2.718281828459045)) -- Math.E
  eval.register("width_bucket", width_bucket)
  eval.register("pmod", pmod)
  eval.register("mod", mod)
  eval.register("negative", negative)
  eval.register("positive", positive)
  for name in pairs(TRY_OPS) do eval.register(name, try_arith) end
  eval.register("bit_get", bit_get)
  eval.register("getbit", bit_get)
  eval.register("shiftleft", shift(C.TIDE_SHIFT_LEFT))
  eval.register("shiftright", shift(C.TIDE_SHIFT_RIGHT))
  eval.register("shiftrightunsigned", shift(C.TIDE_SHIFT_RIGHT_UNSIGNED))
  eval.register("bit_count", bit_count)
  eval.register("factorial", factorial)
  eval.register("bin", bin)
  eval.register("conv", conv)
  eval.register("rand", random(0))
  eval.register("random", random(0))
  eval.register("randn", random(1))
end

return M
