-- tide.eval_operators — the compilers of tide.eval's operator nodes: `op`
-- (arithmetic, div, comparisons, and/or, the bitwise & | ^), `not`, `neg`,
-- `bitnot` (~), `isnull` / `isnotnull`, `in`, `case` and
-- `atleastnnonnulls`. Each checks its operands' types as Spark does
-- (tide.eval_coerce), casts them to the type its kernel takes, and runs
-- one C kernel over whole columns (engine/eval_arith.c, eval_compare.c,
-- eval_logic.c, eval_select.c, eval_math_int.c).
--
-- tide.eval installs them into its table of compilers (install), handing
-- over what they share with its other compilers.
local ffi = require("ffi")
local C = require("tide.ffi")
local batchlib = require("tide.batch")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")

local M = {}
local ID = T.ID
local operators = {} -- compilers by node kind

-- tide.eval's, set by install (tide.eval loads this module while it loads).
local compile_node, integral_literal, cast_to, type_error, sql_name
local new_column, check, column_array, run_all, common_type, narrowed
local errbuf, ERRLEN

local function simple(t) return t:simpleString() end

-- c, computed over ints, as its type: a tinyint's or smallint's result
-- wrapped to its bits, as Java's byte and short arithmetic overflows
-- (127Y + 1Y is -128); c itself for other types.
local function wrapped(c)
  if not c.type.bits then return c end
  return narrowed(c, c.type)
end
M.wrapped = wrapped

-- tide compares and hashes atomic values only; a vector operand is a type
-- error naming it (arithmetic on vectors is one already: not a number).
local function no_vectors(node, list, what)
  for _, c in ipairs(list) do
    if T.unordered(c.type) then
      local id = c.type.id
      local it = id == ID.vector and "a vector" or id == ID.map and "a map"
        or c.type:simpleString() .. " (holding maps or vectors)"
      type_error(node, ("%s is %s, which cannot be %s"):format(c.name, it, what))
    end
  end
end

local ARITH = { ["+"] = 1, ["-"] = 2, ["*"] = 3, ["/"] = 4, ["%"] = 5 }
local BITWISE = { ["&"] = C.TIDE_BIT_AND, ["|"] = C.TIDE_BIT_OR, ["^"] = C.TIDE_BIT_XOR }
local COMPARE = { ["="] = 1, ["=="] = 1, ["!="] = 2, ["<>"] = 2, ["<"] = 3, ["<="] = 4, [">"] = 5,
                  [">="] = 6, ["<=>"] = 7 }

-- Kernels of two operands: f(out, a, b, dst) with a, b their columns.
local function binary(name, t, l, r, kernel_call)
  return {
    type = t, name = name,
    run = function(input, out, ctx)
      local a = l.run(input, out, ctx)
      local b = r.run(input, out, ctx)
      local dst = new_column(out)
      check(kernel_call(out, a, b, dst), name)
      return dst
    end,
  }
end

-- a div b of a decimal and an integer or a decimal (Spark's
-- IntegralDivide of decimals: the quotient truncated to a bigint, its low
-- 64 bits; tide_eval_decimal_quot); nil for other operands (a double or a
-- string makes both bigints, as Spark casts them).
local function decimal_div(name, l, r)
  local types = { l.type, r.type }
  if not (types[1].id == ID.decimal or types[2].id == ID.decimal) then return nil end
  for _, t in ipairs(types) do
    if not (t.id == ID.decimal or coerce.isIntegral(t) or coerce.isVoid(t)) then return nil end
  end
  local lt, rt = coerce.arithmetic("%", l.type, r.type, integral_literal(l), integral_literal(r))
  l, r = cast_to(l, lt), cast_to(r, rt)
  return {
    type = T.long, name = name,
    run = function(input, out, ctx)
      local a, b = l.run(input, out, ctx), r.run(input, out, ctx)
      local dst = new_column(out)
      check(C.tide_eval_decimal_quot(out, a, b, dst, errbuf, ERRLEN), name)
      return dst
    end,
  }
end

-- Spark's IntegralDivide (div) takes bigints, decimals or intervals. Its
-- analyzer first makes a string a double, a byte, short or int a bigint,
-- a decimal beside a float or double (or string) a double, and a NULL
-- beside a bigint or decimal that type; operands still of different types
-- are BINARY_OP_DIFF_TYPES, then a type it does not take
-- BINARY_OP_WRONG_TYPE (7.5D div 2, '10' div 3 are refused).
local FRACTIONAL = { [ID.float] = true, [ID.double] = true, [ID.string] = true }
local function div_operand(t, other)
  if coerce.isVoid(t) then return nil end
  if t.id == ID.string then return "DOUBLE" end
  if coerce.isIntegral(t) then return "BIGINT" end
  if t.id == ID.decimal then return FRACTIONAL[other.id] and "DOUBLE" or "DECIMAL" end
  return simple(t):upper()
end

local function check_div(node, l, r)
  local a, b = div_operand(l.type, r.type), div_operand(r.type, l.type)
  local integral = { BIGINT = true, DECIMAL = true }
  -- (a NULL takes a bigint's or decimal's type, and no other)
  if not (a and b) and integral[a or b or "BIGINT"] then return end
  a, b = a or "VOID", b or "VOID"
  if a ~= b and not (integral[a] and integral[b]) then
    type_error(node, ('[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] the left and right operands of the binary operator'
      .. ' have incompatible types ("%s" and "%s")'):format(a, b))
  end
  if not integral[a] then
    type_error(node, ('[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE] the binary operator requires the input type'
      .. ' ("BIGINT" or "DECIMAL" or "INTERVAL YEAR TO MONTH" or "INTERVAL DAY TO SECOND"), not "%s"'):format(a))
  end
end

local function as_boolean(node, c, what)
  if c.type.id == ID.boolean then return c end
  if coerce.isVoid(c.type) or c.type.id == ID.string then return cast_to(c, T.boolean) end
  type_error(node, ("%s needs booleans, not %s (%s)"):format(what, simple(c.type), c.name))
end

local DAY = 86400000000

local shifted_by_months

-- fn(date, n), named as Spark names what its analyzer rewrites an
-- operator into (d - 1 is date_sub(d, 1)).
local function date_call(fn, date, n, scope)
  return compile_node({ k = "call", fn = fn, args = { date, n } }, scope)
end

-- date + n, n + date, date - n: date_add and date_sub (Spark's
-- DateAdd, DateSub); two dates' difference is an interval, which
-- tide.eval_intervals compiles before this. nil when neither side is a date.
local function date_arithmetic(node, op, l, r, scope)
  local ld, rd = l.type.id == ID.date, r.type.id == ID.date
  if not (ld or rd) or (op ~= "+" and op ~= "-") then return nil end
  if ld and rd then
    if op == "-" then
      type_error(node, "a date minus a date is an interval in Spark, which tide has no type for:"
        .. " datediff(end, start) gives the days between them")
    end
    type_error(node, "two dates cannot be added")
  end
  if rd and op == "-" then type_error(node, "a number minus a date: write the date first (date - n)") end
  local date, n = node.left, node.right
  if rd then date, n = n, date end
  return date_call(op == "+" and "date_add" or "date_sub", date, n, scope)
end

-- A date or timestamp moved by a year-month interval, as Spark's
-- DateAddYMInterval and TimestampAddYMInterval: add_months of a date (a
-- date; the day kept, or the month's last when it has fewer), a
-- timestamp's local date-time in the session time zone moved by months.
function shifted_by_months(node, ts, months, scope)
  local child = compile_node(ts, scope)
  local id = child.type.id
  local call
  if id == ID.date then
    call = { k = "call", fn = "add_months", args = { ts, { k = "lit", value = months } } }
  elseif id == ID.timestamp then
    call = { k = "call", fn = "timestampadd", args = { { k = "lit", value = "MONTH", type = T.string },
      { k = "lit", value = months }, ts } }
  else
    type_error(node, ("an interval moves a timestamp or a date, not %s (%s)"):format(simple(child.type),
      sql_name(ts)))
  end
  local c = compile_node(call, scope)
  c.name = sql_name(node)
  return c
end

-- ts + INTERVAL ..., ts - INTERVAL ..., INTERVAL ... + ts: the timestamp
-- moved by the interval (tide.sql_interval) as Spark's
-- timestampAddDayTime moves it: its whole days on the calendar of the
-- session time zone (a day across a DST change keeps the local time),
-- then the rest of it in microseconds.
local function shifted_timestamp(node, op, scope)
  local ts, interval = node.left, node.right
  if ts.k == "interval" then
    if op == "-" then type_error(node, "an interval minus a timestamp: write the timestamp first") end
    ts, interval = interval, ts
  end
  if interval.months then
    return shifted_by_months(node, ts, op == "-" and -interval.months or interval.months, scope)
  end
  local child = compile_node(ts, scope)
  local t = child.type
  local micros = op == "-" and -interval.micros or interval.micros
  if t.id == ID.date then
    -- Spark's DateAdd of the interval's days; other intervals move the
    -- date's first instant (TimeAdd of CAST(date AS timestamp)).
    if interval.daysOnly then
      local c = date_call("date_add", ts, { k = "lit", value = micros / DAY }, scope)
      -- (named as Spark's: date_add(d, extractansiintervaldays(INTERVAL '1' DAY)), - ... for d - INTERVAL)
      c.name = ("date_add(%s, %sextractansiintervaldays(%s)%s)"):format(sql_name(ts), op == "-" and "(- " or "",
        sql_name(interval), op == "-" and ")" or "")
      return c
    end
    child, t = cast_to(child, T.timestamp), T.timestamp
  end
  if t.id ~= ID.timestamp then
    type_error(node, ("an interval moves a timestamp or a date, not %s (%s)"):format(simple(t), sql_name(ts)))
  end
  local days = micros < 0 and -math.floor(-micros / DAY) or math.floor(micros / DAY)
  local rest = micros - days * DAY
  -- One kernel: the days on the session zone's calendar (read when the
  -- batch runs, as every zoned kernel reads it), then the rest.
  local name = sql_name(node)
  return {
    type = T.timestamp, name = name,
    run = function(input, out, ctx)
      local a = child.run(input, out, ctx)
      local dst = new_column(out)
      check(C.tide_eval_plus_interval(out, a, days, rest, dst, errbuf, ERRLEN), name)
      return dst
    end,
  }
end

function operators.interval(node)
  type_error(node, "an interval literal only moves a timestamp or a date here (ts + " .. node.text .. ")")
end

-- The type of Spark's bitwise operators (BitwiseAnd, BitwiseOr,
-- BitwiseXor, BitwiseNot): integers only, int and bigint meeting as
-- bigint, NULL taking the other's type (int when all are NULL). Strings
-- are not read as numbers here: Spark reads them as doubles, which are
-- refused too.
local function bitwise_type(node, list)
  local t
  for _, c in ipairs(list) do
    local ty = c.type
    if not coerce.isVoid(ty) then
      if not coerce.isIntegral(ty) then
        local names = {}
        for i, x in ipairs(list) do names[i] = simple(x.type) end
        type_error(node, ("%s needs integers, not %s"):format(node.op or "~", table.concat(names, " and ")))
      end
      t = t == nil and ty or coerce.widerNumeric(t, ty)
    end
  end
  return t or T.int
end

-- Calls whose results depend on how many rows they are evaluated over, or
-- which fail: Spark evaluates a CASE branch only for the rows CASE gives
-- it, so a branch holding one runs over those rows alone (a value of
-- rand() advances, an assert_true or raise_error fails, only there).
local EFFECTS = { raise_error = true, assert_true = true, rand = true, randn = true, random = true, uuid = true,
                  shuffle = true, monotonically_increasing_id = true }
-- (the compact flags of a one-branch CASE whose value is compact)
local ONLY_FIRST = ffi.new("uint8_t[2]", 1, 0)

local function has_effects(node, seen)
  if type(node) ~= "table" or getmetatable(node) or seen[node] then return false end
  seen[node] = true
  if node.k == "call" and type(node.fn) == "string" and EFFECTS[node.fn:lower()] then return true end
  for key, v in pairs(node) do
    if key ~= "from" and has_effects(v, seen) then return true end
  end
  return false
end

M.hasEffects = function(node) return has_effects(node, {}) end

-- Spark's BooleanEquality: a boolean equal (=, <=>, and != as NOT =) to
-- a number. To a literal 1 or 0 it is the boolean or its negation,
-- compiled and named so (b = 1 is b, true = 0 is (NOT true), b <=> 1 is
-- ((b IS NOT NULL) AND b)); to another number the boolean is cast to the
-- number's type (true is 1), returned as the new l and r. nil, l, r when
-- it is no such comparison.
local EQUALITIES = { ["="] = true, ["=="] = true, ["!="] = true, ["<>"] = true, ["<=>"] = true }
local function boolean_equality(node, op, l, r, scope)
  local bool_side
  if l.type.id == ID.boolean and coerce.isNumeric(r.type) then
    bool_side = "left"
  elseif r.type.id == ID.boolean and coerce.isNumeric(l.type) then
    bool_side = "right"
  end
  if not (EQUALITIES[op] and bool_side) then return nil, l, r end
  local num = bool_side == "left" and r or l
  local v = num.literal and tonumber(num.literal.value)
  if v == 1 or v == 0 then
    local b = node[bool_side]
    local e = v == 1 and b or { k = "not", expr = b }
    if op == "<=>" then e = { k = "op", op = "and", left = { k = "isnotnull", expr = b }, right = e } end
    if op == "!=" or op == "<>" then e = { k = "not", expr = e } end
    return compile_node(e, scope)
  end
  if bool_side == "left" then return nil, cast_to(l, num.type), r end
  return nil, l, cast_to(r, num.type)
end

function operators.op(node, scope)
  local op = node.op
  if type(op) == "string" then op = op:lower() end
  -- AND / OR whose right side holds such a call: Spark evaluates it only
  -- where the left side leaves the answer open (l AND r: where l is not
  -- false), so it is a CASE whose ELSE runs over those rows.
  local is_logic = op == "and" or op == "or" or op == "&&" or op == "||"
  if is_logic and not node.shortCircuited and has_effects(node.right, {}) then
    local is_or = op == "or" or op == "||"
    local decided = is_or and node.left or { k = "not", expr = node.left }
    local inner = {}
    for k, v in pairs(node) do inner[k] = v end
    inner.shortCircuited = true
    return compile_node({ k = "case", sqlText = sql_name(node), branches = { {
      when = { k = "call", fn = "coalesce", args = { decided, { k = "lit", value = false } } },
      value = { k = "lit", value = is_or } } }, otherwise = inner }, scope)
  end
  if (op == "+" or op == "-") and (node.left.k == "interval" or node.right.k == "interval") then
    return shifted_timestamp(node, op, scope)
  end
  local l, r = compile_node(node.left, scope), compile_node(node.right, scope)
  local name = sql_name(node)
  local dated = date_arithmetic(node, op, l, r, scope)
  if dated then return dated end
  if ARITH[op] then
    local code = ARITH[op]
    local lt, rt, result = coerce.arithmetic(op, l.type, r.type, integral_literal(l), integral_literal(r))
    if not lt then
      type_error(node, ("%s needs numbers, not %s and %s"):format(op, simple(l.type), simple(r.type)))
    end
    l, r = cast_to(l, lt), cast_to(r, rt)
    local p, s = result.precision or 0, result.scale or 0
    return wrapped(binary(name, result, l, r, function(out, a, b, dst)
      return C.tide_eval_arith(out, code, a, b, p, s, dst, errbuf, ERRLEN)
    end))
  elseif op == "div" then
    -- Spark's integral division: bigint operands, a bigint result; or
    -- decimals (integers and decimals), whose quotient is truncated.
    check_div(node, l, r)
    for _, c in ipairs({ l, r }) do
      local ty = c.type
      if not (coerce.isVoid(ty) or ty.id == ID.string or coerce.isNumeric(ty)) then
        type_error(node, ("div needs numbers, not %s and %s"):format(simple(l.type), simple(r.type)))
      end
    end
    local decimal = decimal_div(name, l, r)
    if decimal then return decimal end
    l, r = cast_to(l, T.long), cast_to(r, T.long)
    return binary(name, T.long, l, r, function(out, a, b, dst)
      return C.tide_eval_arith(out, 4, a, b, 0, 0, dst, errbuf, ERRLEN)
    end)
  elseif COMPARE[op] then
    local code = COMPARE[op]
    local equal_boolean
    equal_boolean, l, r = boolean_equality(node, op, l, r, scope)
    if equal_boolean then return equal_boolean end
    no_vectors(node, { l, r }, "compared")
    local lt, rt = coerce.comparison(l.type, r.type, integral_literal(l), integral_literal(r))
    if not lt then
      type_error(node, ("cannot compare %s and %s"):format(simple(l.type), simple(r.type)))
    end
    if coerce.isVoid(lt) then lt, rt = T.boolean, T.boolean end
    l, r = cast_to(l, lt), cast_to(r, rt)
    return binary(name, T.boolean, l, r, function(out, a, b, dst)
      return C.tide_eval_compare(out, code, a, b, dst, errbuf, ERRLEN)
    end)
  elseif BITWISE[op] then
    local code, t = BITWISE[op], bitwise_type(node, { l, r })
    l, r = cast_to(l, t), cast_to(r, t)
    return binary(name, t, l, r, function(out, a, b, dst)
      return C.tide_eval_bitwise(out, code, a, b, dst, errbuf, ERRLEN)
    end)
  elseif op == "and" or op == "or" or op == "&&" or op == "||" then
    local is_or = (op == "or" or op == "||") and 1 or 0
    local word = is_or == 1 and "OR" or "AND"
    l, r = as_boolean(node, l, word), as_boolean(node, r, word)
    return binary(name, T.boolean, l, r, function(out, a, b, dst)
      return C.tide_eval_and_or(out, is_or, a, b, dst, errbuf, ERRLEN)
    end)
  end
  error(("unknown operator %q in %s"):format(tostring(node.op), name), 0)
end

local function unary(name, t, child, kernel_call)
  return {
    type = t, name = name,
    run = function(input, out, ctx)
      local a = child.run(input, out, ctx)
      local dst = new_column(out)
      check(kernel_call(out, a, dst), name)
      return dst
    end,
  }
end

operators["not"] = function(node, scope)
  local child = as_boolean(node, compile_node(node.expr, scope), "NOT")
  return unary(sql_name(node), T.boolean, child, function(out, a, dst)
    return C.tide_eval_not(out, a, dst, errbuf, ERRLEN)
  end)
end

function operators.neg(node, scope)
  local child = compile_node(node.expr, scope)
  if child.type.id == ID.string or coerce.isVoid(child.type) then child = cast_to(child, T.double) end
  if not coerce.isNumeric(child.type) then
    type_error(node, ("unary minus needs a number, not %s"):format(simple(child.type)))
  end
  return wrapped(unary(sql_name(node), child.type, child, function(out, a, dst)
    return C.tide_eval_negate(out, a, dst, errbuf, ERRLEN)
  end))
end

-- ~x (Spark's BitwiseNot), named ~x.
function operators.bitnot(node, scope)
  local child = compile_node(node.expr, scope)
  local t = bitwise_type(node, { child })
  child = cast_to(child, t)
  return unary(sql_name(node), t, child, function(out, a, dst)
    return C.tide_eval_bitwise(out, C.TIDE_BIT_NOT, a, nil, dst, errbuf, ERRLEN)
  end)
end

local function null_test(negate)
  return function(node, scope)
    local child = compile_node(node.expr, scope)
    if coerce.isVoid(child.type) then child = cast_to(child, T.boolean) end
    return unary(sql_name(node), T.boolean, child, function(out, a, dst)
      return C.tide_eval_isnull(out, a, negate, dst, errbuf, ERRLEN)
    end)
  end
end
operators.isnull = null_test(0)
operators.isnotnull = null_test(1)

-- Spark's AtLeastNNonNulls(n, cols...), what na.drop filters on: at least
-- n of the columns neither NULL nor NaN. One C kernel for all columns.
function operators.atleastnnonnulls(node, scope)
  local list = {}
  for i, v in ipairs(node.exprs or {}) do list[i] = compile_node(v, scope) end
  local name, ncols, n = sql_name(node), #list, node.n
  return {
    type = T.boolean, name = name,
    run = function(input, out, ctx)
      local cols = column_array(run_all(list, input, out, ctx))
      local dst = new_column(out)
      check(C.tide_eval_at_least_n_non_nulls(out, cols, ncols, n, dst, errbuf, ERRLEN), name)
      return dst
    end,
  }
end

operators["in"] = function(node, scope)
  local x = compile_node(node.expr, scope)
  local list = {}
  for i, v in ipairs(node.list or {}) do list[i] = compile_node(v, scope) end
  local all = { x, unpack(list) }
  no_vectors(node, all, "compared")
  local t = common_type(node, all, "the value and the IN list")
  x = cast_to(x, t)
  for i, c in ipairs(list) do list[i] = cast_to(c, t) end
  local name, n = sql_name(node), #list
  return {
    type = T.boolean, name = name,
    run = function(input, out, ctx)
      local xc = x.run(input, out, ctx)
      local cols = column_array(run_all(list, input, out, ctx))
      local dst = new_column(out)
      check(C.tide_eval_in(out, xc, cols, n, dst, errbuf, ERRLEN), name)
      return dst
    end,
  }
end

-- Spark's CaseWhen takes only boolean conditions: a NULL (void) or string
-- one is refused (CASE WHEN NULL THEN 1 END), though IF(NULL, ...) and
-- the other functions made CASEs (named by their sqlText) are not.
local function when_condition(node, i, c)
  local t = c.type
  if (coerce.isVoid(t) and not node.sqlText) or t.id == ID.string then
    type_error(node, ('[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Parameter %d requires the "BOOLEAN" type, however'
      .. ' "%s" has the type "%s"'):format(i, c.name, coerce.isVoid(t) and "VOID" or "STRING"))
  end
  return as_boolean(node, c, "WHEN")
end

operators["case"] = function(node, scope)
  local conds, values = {}, {}
  for i, b in ipairs(node.branches or {}) do
    conds[i] = when_condition(node, i, compile_node(b.when, scope))
    values[i] = compile_node(b.value, scope)
  end
  if #conds == 0 then error("CASE needs at least one WHEN", 0) end
  local otherwise = node.otherwise and compile_node(node.otherwise, scope)
  local all = { unpack(values) }
  if otherwise then all[#all + 1] = otherwise end
  local t = common_type(node, all, "THEN and ELSE values")
  for i, v in ipairs(values) do values[i] = cast_to(v, t) end
  if otherwise then otherwise = cast_to(otherwise, t) end
  local name, n = sql_name(node), #conds
  -- A WHEN past the first holding such a call runs over the rows no
  -- earlier WHEN took, as Spark tries the conditions in turn.
  local lazy_conds = {}
  for i, b in ipairs(node.branches) do lazy_conds[i] = i > 1 and has_effects(b.when, {}) end
  -- compact[b]: branch b (n: the ELSE) runs over its own rows.
  local compact, any_compact = ffi.new("uint8_t[?]", n + 1), false
  for i, b in ipairs(node.branches) do
    if has_effects(b.value, {}) then compact[i - 1], any_compact = 1, true end
  end
  if otherwise and has_effects(node.otherwise, {}) then compact[n], any_compact = 1, true end
  for i = 1, n do any_compact = any_compact or lazy_conds[i] end
  if not any_compact then
    return {
      type = t, name = name,
      run = function(input, out, ctx)
        local cc = column_array(run_all(conds, input, out, ctx))
        local vc = column_array(run_all(values, input, out, ctx))
        local oc = otherwise and otherwise.run(input, out, ctx) or nil
        local dst = new_column(out)
        check(C.tide_eval_case_compact(out, cc, vc, n, oc, nil, dst, errbuf, ERRLEN), name)
        return dst
      end,
    }
  end
  return {
    type = t, name = name,
    run = function(input, out, ctx)
      local held = {}
      -- Runs value over the rows CASE gives branch b of the first k
      -- conditions (k: all of them); the rows' batch and its scratch batch
      -- hold the result until the gather below.
      local cc
      local function over_picks(value, b, k)
        local picks = new_column(out)
        check(C.tide_eval_case_picks(out, cc, k or n, b, picks, errbuf, ERRLEN), name)
        local rows = C.tide_batch_filter(input, picks, errbuf, ERRLEN)
        if rows == nil then check(-1, name) end
        rows = batchlib.wrap(rows)
        held[#held + 1] = rows
        local scratch = C.tide_batch_derive(rows, 0)
        if scratch == nil then error("out of memory evaluating " .. name, 0) end
        held[#held + 1] = batchlib.wrap(scratch)
        -- The rows' files go with them (input_file_name() in the branch),
        -- the input's being in flight again after.
        local in_flight = ctx and ctx.inputFiles
        if in_flight then require("tide.input_files").filtered(ctx, input, picks, rows) end
        local ok, result = pcall(value.run, rows, scratch, ctx)
        if ctx then ctx.inputFiles = in_flight end
        if not ok then error(result, 0) end
        return result, picks
      end
      local cs = {}
      for i, cond in ipairs(conds) do
        if lazy_conds[i] then
          -- over the rows the first i - 1 conditions leave, NULL (false) elsewhere
          cc = column_array(cs)
          local part, picks = over_picks(cond, i - 1, i - 1)
          local full = new_column(out)
          check(C.tide_eval_case_compact(out, column_array({ picks }), column_array({ part }), 1, nil, ONLY_FIRST, full,
            errbuf, ERRLEN), name)
          cs[i] = full
        else
          cs[i] = cond.run(input, out, ctx)
        end
      end
      cc = column_array(cs)
      local vs = {}
      for i, v in ipairs(values) do
        vs[i] = compact[i - 1] == 1 and (over_picks(v, i - 1)) or v.run(input, out, ctx)
      end
      local oc = otherwise and (compact[n] == 1 and (over_picks(otherwise, n)) or otherwise.run(input, out, ctx)) or nil
      local dst = new_column(out)
      check(C.tide_eval_case_compact(out, cc, column_array(vs), n, oc, compact, dst, errbuf, ERRLEN), name)
      for i = #held, 1, -1 do batchlib.release(held[i]) end
      return dst
    end,
  }
end

-- Adds the compilers above to tide.eval's (compilers, by node kind).
-- compileNode(node, scope) compiles an operand; integralLiteral(c) is the
-- Lua value of an integral literal, for decimal widening (nil otherwise).
function M.install(ev, compilers, compileNode, integralLiteral)
  compile_node, integral_literal = compileNode, integralLiteral
  cast_to, type_error, sql_name = ev.castTo, ev.typeError, ev.sqlName
  new_column, check, column_array, run_all, common_type = ev.newColumn, ev.check, ev.columnArray, ev.runAll,
    ev.commonType
  errbuf, ERRLEN, narrowed = ev.errbuf, ev.errlen, ev.narrowed
  for kind, compiler in pairs(operators) do compilers[kind] = compiler end
  -- The kernel wrappers, for the types' own operators (tide.eval_intervals,
  -- tide.eval_timestamp_ntz): f(out, a[, b], dst) over the operands' columns.
  ev.unaryKernel = function(t, name, a, f) return unary(name, t, a, f) end
  ev.binaryKernel = function(t, name, a, b, f) return binary(name, t, a, b, f) end
end

return M
