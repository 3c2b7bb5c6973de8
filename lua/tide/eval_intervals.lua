-- tide.eval_intervals — Spark's ANSI interval types in expressions:
-- DayTimeIntervalType (interval day to second, interval hour, ...: a
-- duration, microseconds in a long column) and YearMonthIntervalType
-- (interval year to month, ...: months in an int column), tide.types'
-- T.dayTimeInterval and T.yearMonthInterval.
--
--   INTERVAL '1 02:03:04.5' DAY TO SECOND     ts1 - ts2    d1 - d2      ts + iv    d - iv
--   iv + iv    iv * 1.5    iv / 4    - iv    abs(iv)    iv < iv    CAST(iv AS STRING)
--   CAST('1-2' AS INTERVAL YEAR TO MONTH)    make_dt_interval(d, h, m, s)    make_ym_interval(y, m)
--   extract(HOUR FROM iv)    date_part('day', iv)
--
-- An interval column holds plain longs or ints, so what is the same
-- arithmetic as theirs (+, -, comparisons, hashing, sorting, grouping,
-- min, max) runs on their kernels, the operands seen as longs or ints
-- (as_physical); products, quotients (rounded half up, as Spark's) and
-- the text are engine/eval_interval.c's. A literal INTERVAL moving a
-- timestamp or a date keeps tide.eval_operators' path.
--
-- install(eval, compilers, compileNode) wraps tide.eval's compilers of
-- operators, CAST and a few functions (abs, extract, to_json), handing
-- what is no interval to them, and adds the interval literal's and
-- make_dt_interval's and make_ym_interval's.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")

local M = {}
local ID = T.ID
local UNIT = { [0] = 86400000000, 3600000000, 60000000, 1000000 }
local DAY = UNIT[0]
local COLUMN_SIZE = ffi.sizeof("tide_column")

local ev -- tide.eval, set by install

local function is_interval(t) return t ~= nil and t.interval ~= nil end
M.isInterval = is_interval

-- The widest type of two intervals of one kind (their fields spanned),
-- nil when they are of different kinds.
local wider = coerce.widerInterval

-- c as type t whose values are the same numbers (an interval and its
-- long or int).
local function retyped(c, t, name)
  local copy = {}
  for k, v in pairs(c) do copy[k] = v end
  copy.type, copy.literal, copy.outputName, copy.field, copy.ml = t, nil, nil, nil, nil
  copy.name = name or c.name
  return copy
end

-- An interval as the long (day-time) or int (year-month) it is held in.
local function as_physical(c) return retyped(c, c.type.interval == "daytime" and T.long or T.int) end

-- c's column read as another type of the same width (a timestamp as its
-- microseconds, a date as its days): a copy of the column's header.
local function reinterpreted(c, t)
  local run = c.run
  return { type = t, name = c.name, run = function(input, out, ctx)
    local col = run(input, out, ctx)
    local dst = ev.newColumn(out)
    ffi.copy(dst, col, COLUMN_SIZE)
    dst.type = t.id
    return dst
  end }
end

-- A node standing for an expression compiled already (compilers.compiled).
local function raw(c) return { k = "compiled", c = c } end

local function lit(v, t) return { k = "lit", value = v, type = t } end

local compile_node

-- l op r of compiled operands, by tide.eval's operator compiler.
local function arith(op, l, r, scope)
  return compile_node({ k = "op", op = op, left = raw(l), right = raw(r) }, scope)
end

local function simple(t) return t:simpleString() end

-- A kernel over two columns: f(out, a, b, dst).
local function binary(t, name, a, b, f) return ev.binaryKernel(t, name, a, b, f) end

-- A kernel over one column: f(out, a, dst).
local function unary(t, name, a, f) return ev.unaryKernel(t, name, a, f) end

-- ---- literals, text ---------------------------------------------------------------

-- The type of an interval literal node (tide.sql_interval).
function M.literalType(node)
  if node.months then return T.yearMonthInterval(node.startField or 1, node.endField or node.startField or 1) end
  return T.dayTimeInterval(node.startField or 3, node.endField or node.startField or 3)
end

local function literal(node, scope)
  local v = node.months or node.micros
  local c = compile_node(lit(v, node.months and T.int or T.long), scope)
  return retyped(c, M.literalType(node), ev.sqlName(node))
end

-- CAST(c AS STRING) of an interval: Spark's ANSI text of its fields.
local exact

local function as_text(c, name)
  local t = c.type
  local ym = t.interval == "yearmonth" and 1 or 0
  return unary(T.string, name or c.name, c, function(out, x, dst)
    return C.tide_eval_interval_text(out, x, ym, t.startField, t.endField, dst, ev.errbuf, ev.errlen)
  end)
end
M.asText = as_text

-- A string column read as interval type t (CAST(s AS INTERVAL ...)).
local function parsed(c, t, name)
  local ym = t.interval == "yearmonth" and 1 or 0
  return unary(t, name or c.name, c, function(out, x, dst)
    return C.tide_eval_interval_parse(out, x, ym, t.startField, t.endField, dst, ev.errbuf, ev.errlen)
  end)
end

-- The casts tide.eval_casts makes of intervals where types meet (concat,
-- CASE, union, a struct's fields): to their text and back, and to a
-- type of one kind that spans theirs; nil for the others (CAST's, below).
function M.castTo(c, t)
  if is_interval(c.type) and t.id == ID.string then return as_text(c) end
  if c.type.id == ID.string and is_interval(t) then return parsed(c, t) end
  if is_interval(c.type) and wider(c.type, t) == t then return retyped(c, t) end
end

-- t with each interval in it (a struct's field, an array's element) as
-- a string: what to_json writes of it.
local function texts_of(t)
  return coerce.mapLeaves(t, function(v) return is_interval(v) and T.string or v end)
end
M.textsOf = texts_of

-- ---- operators ------------------------------------------------------------------------

local COMPARE = { ["="] = true, ["=="] = true, ["!="] = true, ["<>"] = true, ["<"] = true, ["<="] = true,
                  [">"] = true, [">="] = true, ["<=>"] = true }

local function is_datetime(t) return t.id == ID.timestamp or t.id == ID.date end

-- ts - ts, d - d (and a date and a timestamp: the date's first instant):
-- Spark's SubtractTimestamps (interval day to second) and SubtractDates
-- (interval day).
local function difference(node, l, r, scope)
  local name = ev.sqlName(node)
  if l.type.id == ID.date and r.type.id == ID.date then
    local days = arith("-", reinterpreted(l, T.int), reinterpreted(r, T.int), scope)
    return retyped(arith("*", ev.castTo(days, T.long), compile_node(lit(DAY, T.long), scope), scope),
      T.dayTimeInterval(0, 0), name)
  end
  l, r = ev.castTo(l, T.timestamp), ev.castTo(r, T.timestamp)
  return retyped(arith("-", reinterpreted(l, T.long), reinterpreted(r, T.long), scope), T.dayTimeInterval(0, 3), name)
end

-- A timestamp or a date moved by an interval column (Spark's TimeAdd,
-- DateAdd of the days of an interval day, DateAddYMInterval,
-- TimestampAddYMInterval), as Spark names it: d + iv, with no parentheses.
local function moved(node, op, when, iv, when_node, iv_node, scope)
  local name = ("%s %s %s"):format(ev.sqlName(node.left), op, ev.sqlName(node.right))
  local n = as_physical(iv)
  if op == "-" and iv.type.interval == "yearmonth" then n = arith("-", compile_node(lit(0), scope), n, scope) end
  local c
  if iv.type.interval == "yearmonth" then
    if when.type.id == ID.date then
      c = compile_node({ k = "call", fn = "add_months", args = { raw(when), raw(n) } }, scope)
    else
      c = compile_node({ k = "call", fn = "timestampadd", args = { lit("MONTH", T.string), raw(n), raw(when) } },
        scope)
    end
  elseif when.type.id == ID.date and iv.type.endField == 0 then
    -- an interval of whole days moves a date to a date
    local days = ev.castTo(arith("div", n, compile_node(lit(DAY, T.long), scope), scope), T.int)
    c = compile_node({ k = "call", fn = op == "-" and "date_sub" or "date_add", args = { raw(when), raw(days) } },
      scope)
    -- (named as Spark's analyzer rewrites it, as tide.eval_operators names a literal's)
    local extracted = ("extractansiintervaldays(%s)"):format(ev.sqlName(iv_node))
    name = ("date_add(%s, %s)"):format(ev.sqlName(when_node), op == "-" and "(- " .. extracted .. ")" or extracted)
  else
    -- the days on the session zone's calendar, then the rest (as tide.eval_operators moves by a literal)
    local ts, negate = ev.castTo(when, T.timestamp), op == "-" and 1 or 0
    c = binary(T.timestamp, name, ts, as_physical(iv), function(out, a, b, dst)
      return C.tide_eval_timestamp_plus_interval(out, a, b, negate, dst, ev.errbuf, ev.errlen)
    end)
  end
  return retyped(c, c.type, name)
end

-- l + r, l - r, - l, abs(l) of intervals (op a tide_interval_op), exact
-- as Spark's are even outside ANSI mode: an overflow fails, or is NULL
-- where try (try_add, try_subtract).
function exact(op, l, r, t, name, try)
  local f = function(out, a, b, dst)
    return C.tide_eval_interval_exact(out, op, a, b, try and 1 or 0, dst, ev.errbuf, ev.errlen)
  end
  if r then return binary(t, name, l, r, f) end
  return unary(t, name, l, function(out, a, dst) return f(out, a, nil, dst) end)
end

-- iv * n, n * iv, iv / n: Spark's MultiplyDTInterval, DivideDTInterval,
-- MultiplyYMInterval, DivideYMInterval (interval day to second or year
-- to month; integers exact, else rounded half up).
local function scaled(node, op, iv, n, name)
  local t = n.type
  if not (coerce.isNumeric(t) or coerce.isVoid(t)) then
    ev.typeError(node, ("%s of %s needs a number, not %s"):format(op, simple(iv.type), simple(t)))
  end
  n = ev.castTo(n, (coerce.isIntegral(t) or coerce.isVoid(t)) and T.long or T.double)
  local result = iv.type.interval == "daytime" and T.dayTimeInterval(0, 3) or T.yearMonthInterval(0, 1)
  -- (bit 1: a quotient; bit 2: NULL where it fails, try_divide's and try_multiply's node)
  local mode = (op == "/" and 1 or 0) + (node.try and 2 or 0)
  return binary(result, name or ev.sqlName(node), iv, n, function(out, a, b, dst)
    return C.tide_eval_interval_scale(out, a, b, mode, dst, ev.errbuf, ev.errlen)
  end)
end

-- The operator node when an operand is an interval (or it is a
-- difference of datetimes), else nil (for tide.eval's own compiler).
local function operator(node, scope)
  local op = type(node.op) == "string" and node.op:lower() or node.op
  if not (op == "+" or op == "-" or op == "*" or op == "/" or op == "div" or COMPARE[op]) then return nil end
  local l, r = compile_node(node.left, scope), compile_node(node.right, scope)
  local li, ri = is_interval(l.type), is_interval(r.type)
  -- (the operands, for tide.eval's own compiler of the node)
  local function passed()
    ev.handOver(scope, node.left, l)
    ev.handOver(scope, node.right, r)
    return nil
  end
  if not (li or ri) then
    if op == "-" and is_datetime(l.type) and is_datetime(r.type) then return difference(node, l, r, scope) end
    return passed()
  end
  if op == "div" then
    -- two intervals of one kind: how many times the second fits in the
    -- first, a bigint (NULL for a zero one, as Spark's non-ANSI div);
    -- anything else is refused by tide.eval_operators' div, as Spark's
    if not (li and ri and wider(l.type, r.type)) then return passed() end
    return retyped(arith("div", as_physical(l), as_physical(r), scope), T.long, ev.sqlName(node))
  end
  local pair = ("%s and %s"):format(simple(l.type), simple(r.type))
  if (op == "+" or op == "-") and li and ri then
    local t = wider(l.type, r.type)
    if not t then ev.typeError(node, ("%s cannot take %s (a year-month and a day-time interval)"):format(op, pair)) end
    -- (in parentheses, as Spark names it, where a literal moving a datetime has none)
    local name = ("(%s %s %s)"):format(ev.sqlName(node.left), op, ev.sqlName(node.right))
    return exact(op == "+" and C.TIDE_INTERVAL_ADD or C.TIDE_INTERVAL_SUBTRACT, l, r, t, name, node.try)
  end
  if op == "+" or op == "-" then
    -- a literal moving a timestamp or a date: tide.eval_operators' path
    if node.left.k == "interval" or node.right.k == "interval" then return nil end
    if ri and is_datetime(l.type) then return moved(node, op, l, r, node.left, node.right, scope) end
    if li and is_datetime(r.type) and op == "+" then return moved(node, op, r, l, node.right, node.left, scope) end
    ev.typeError(node, ("%s cannot take %s"):format(op, pair))
  end
  if op == "*" and li ~= ri then
    if li then return scaled(node, op, l, r) end
    -- (n * iv is named as Spark's MultiplyDTInterval: the interval first)
    return scaled(node, op, r, l, ("(%s * %s)"):format(ev.sqlName(node.right), ev.sqlName(node.left)))
  end
  if op == "/" and li and not ri then return scaled(node, op, l, r) end
  if COMPARE[op] then
    if li and ri and wider(l.type, r.type) then
      local c = arith(op, as_physical(l), as_physical(r), scope)
      return retyped(c, c.type, ev.sqlName(node))
    end
    if li and coerce.isVoid(r.type) then
      return retyped(arith(op, as_physical(l), r, scope), T.boolean, ev.sqlName(node))
    end
    if ri and coerce.isVoid(l.type) then
      return retyped(arith(op, l, as_physical(r), scope), T.boolean, ev.sqlName(node))
    end
    ev.typeError(node, ("cannot compare %s"):format(pair))
  end
  ev.typeError(node, ("%s cannot take %s"):format(op, pair))
end

-- ---- CAST ---------------------------------------------------------------------------------

-- CAST(c AS t) where c or t is an interval, else nil: to and from text,
-- between intervals of one kind (the value cut to t's last field, as
-- Spark's), an interval of one field to an integer and back.
local function cast(node, c, t, scope)
  local from = c.type
  if not (is_interval(from) or is_interval(t)) then return nil end
  if coerce.isVoid(from) then return nil end
  local name = ev.sqlName(node)
  local fail = function()
    ev.typeError(node, ("cannot cast %s to %s"):format(simple(from), simple(t)))
  end
  if is_interval(from) and t.id == ID.string then return as_text(c, name) end
  if from.id == ID.string then return parsed(c, t, name) end
  if is_interval(from) and is_interval(t) then
    if from.interval ~= t.interval then fail() end
    local unit = t.interval == "daytime" and UNIT[t.endField] or (t.endField == 0 and 12 or 1)
    local v = as_physical(c)
    if unit == 1 then return retyped(v, t, name) end
    local k = compile_node(lit(unit, v.type), scope)
    return retyped(arith("-", v, arith("%", v, k, scope), scope), t, name)
  end
  if is_interval(from) then
    -- one field's count (Spark: dayTimeIntervalToLong, yearMonthIntervalToInt)
    if from.startField ~= from.endField or not coerce.isIntegral(t) then fail() end
    local unit = from.interval == "daytime" and UNIT[from.endField] or (from.endField == 0 and 12 or 1)
    local v = as_physical(c)
    local n = unit == 1 and v or arith("div", v, compile_node(lit(unit, v.type), scope), scope)
    local out = ev.castTo(n, t)
    return retyped(out, t, name)
  end
  -- an integer as a count of the interval's one field
  if t.startField ~= t.endField or not coerce.isIntegral(from) then fail() end
  local physical = t.interval == "daytime" and T.long or T.int
  local unit = t.interval == "daytime" and UNIT[t.endField] or (t.endField == 0 and 12 or 1)
  local v = ev.castTo(c, physical)
  if unit ~= 1 then v = arith("*", v, compile_node(lit(unit, physical), scope), scope) end
  return retyped(v, t, name)
end

-- ---- functions -----------------------------------------------------------------------------

-- Spark's names of the fields extract and date_part take of intervals.
local DT_PARTS = { DAY = 0, DAYS = 0, D = 0, HOUR = 1, HOURS = 1, H = 1, HR = 1, HRS = 1, MINUTE = 2, MINUTES = 2,
                   M = 2, MIN = 2, MINS = 2, SECOND = 3, SECONDS = 3, S = 3, SEC = 3, SECS = 3 }
local YM_PARTS = { YEAR = 0, YEARS = 0, Y = 0, YR = 0, YRS = 0, MONTH = 1, MONTHS = 1, MON = 1, MONS = 1 }

-- extract(field FROM iv), date_part(field, iv): Spark's
-- ExtractANSIIntervalDays (int), Hours and Minutes (tinyint), Seconds
-- (decimal(8,6)), Years (int), Months (tinyint); each keeps the sign.
local function extract(node, field, iv, scope)
  local name = ev.sqlName(node)
  local up = tostring(field):upper()
  local v = as_physical(iv)
  local function k(n) return compile_node(lit(n, v.type), scope) end
  local part = (iv.type.interval == "daytime" and DT_PARTS or YM_PARTS)[up]
  if not part then
    ev.typeError(node, ("%s cannot take the field %s of %s"):format(node.fn, tostring(field), simple(iv.type)))
  end
  local c
  if iv.type.interval == "yearmonth" then
    c = part == 0 and arith("div", v, k(12), scope) or ev.castTo(arith("%", v, k(12), scope), T.byte)
    if part == 0 then c = ev.castTo(c, T.int) end
  elseif part == 0 then
    c = ev.castTo(arith("div", v, k(DAY), scope), T.int)
  elseif part == 3 then
    local micros = ev.castTo(arith("%", v, k(UNIT[2]), scope), T.decimal(18, 0))
    c = ev.castTo(arith("/", micros, compile_node(lit("1000000", T.decimal(7, 0)), scope), scope), T.decimal(8, 6))
  else
    c = ev.castTo(arith("div", arith("%", v, k(UNIT[part - 1]), scope), k(UNIT[part]), scope), T.byte)
  end
  return retyped(c, c.type, name)
end

-- make_dt_interval([days[, hours[, mins[, secs]]]]) and
-- make_ym_interval([years[, months]]), named with the defaults Spark
-- adds (make_dt_interval(0, 25, 0, 0.000000)).
local function make_dt_interval(node, _, compileChild)
  local args = node.args or {}
  if #args > 4 then ev.typeError(node, "make_dt_interval takes up to 4 arguments (days, hours, mins, secs)") end
  local defaults = { lit(0), lit(0), lit(0), lit("0.000000", T.decimal(18, 6)) }
  local full = {}
  for i = 1, 4 do full[i] = args[i] or defaults[i] end
  local total
  for i = 1, 3 do
    local part = { k = "op", op = "*", left = { k = "cast", expr = full[i], to = T.long },
                   right = lit(UNIT[i - 1], T.long) }
    total = total and { k = "op", op = "+", left = total, right = part } or part
  end
  local micros = { k = "cast", to = T.long, expr = { k = "op", op = "*", right = lit(1000000, T.long),
    left = { k = "cast", expr = full[4], to = T.decimal(18, 6) } } }
  local c = compileChild({ k = "op", op = "+", left = total, right = micros })
  return retyped(c, T.dayTimeInterval(0, 3), ev.sqlName(node))
end

local function make_ym_interval(node, _, compileChild)
  local args = node.args or {}
  if #args > 2 then ev.typeError(node, "make_ym_interval takes up to 2 arguments (years, months)") end
  local full = { args[1] or lit(0), args[2] or lit(0) }
  local c = compileChild({ k = "op", op = "+", right = { k = "cast", expr = full[2], to = T.int },
    left = { k = "op", op = "*", left = { k = "cast", expr = full[1], to = T.int }, right = lit(12) } })
  return retyped(c, T.yearMonthInterval(0, 1), ev.sqlName(node))
end

-- ---- aggregates ------------------------------------------------------------------------

-- sum(iv) and avg(iv) as expressions over aggregates, nil for other nodes
-- (typeof(node): its type, or nil): Spark sums an interval exactly (an
-- overflow fails, [INTERVAL_ARITHMETIC_OVERFLOW], with ANSI mode off too),
-- of its type; its Average is the sum divided by the count, rounded half
-- up, of its kind's widest type. Made of try_sum of the interval's number
-- (NULL where it overflows) and count, which an intervalTotal node turns
-- into the result; over(call), when given, puts them over a window
-- (tide.window's). (Months are summed as a bigint, checked against an int
-- at the end: where Spark's running int sum overflows on the way and comes
-- back, tide gives the sum.)
local AVERAGES = { avg = true, mean = true }
function M.aggregate(node, typeof, over)
  if not (node.k == "call" and type(node.fn) == "string") or node.intervalPart or node.distinct or node.filter then
    return nil
  end
  local fn = node.fn:lower()
  if not ((AVERAGES[fn] or fn == "sum") and node.args and #node.args == 1) then return nil end
  local t = typeof(node.args[1])
  if not (t and t.interval) then return nil end
  over = over or function(call) return call end
  local arg = node.args[1]
  -- (the interval's microseconds or months: tide.eval_intervals' CAST)
  local number = { k = "cast", expr = arg, to = T.long, intervalNumber = true }
  return { k = "intervalTotal", text = ev.sqlName(node), average = AVERAGES[fn] or nil, kind = t.interval,
    startField = t.startField, endField = t.endField,
    sum = over({ k = "call", fn = "try_sum", args = { number }, intervalPart = true }),
    count = over({ k = "call", fn = "count", args = { arg }, intervalPart = true }) }
end

local function interval_total(node, scope)
  local sum, count = compile_node(node.sum, scope), compile_node(node.count, scope)
  local t = node.kind == "daytime" and T.dayTimeInterval(node.startField, node.endField)
    or T.yearMonthInterval(node.startField, node.endField)
  if node.average then t = node.kind == "daytime" and T.dayTimeInterval(0, 3) or T.yearMonthInterval(0, 1) end
  local mode = (node.kind == "yearmonth" and 1 or 0) + (node.average and 2 or 0)
  return binary(t, node.text, ev.castTo(sum, T.long), ev.castTo(count, T.long), function(out, a, b, dst)
    return C.tide_eval_interval_total(out, a, b, mode, dst, ev.errbuf, ev.errlen)
  end)
end

-- ---- install -----------------------------------------------------------------------------------

function M.install(eval, compilers, compileNode)
  ev, compile_node = eval, compileNode
  compilers.compiled = function(node) return node.c end
  compilers.interval = literal
  compilers.intervalTotal = interval_total

  local op_compiler = compilers.op
  compilers.op = function(node, scope)
    return operator(node, scope) or op_compiler(node, scope)
  end

  local neg_compiler = compilers.neg
  compilers.neg = function(node, scope)
    local c = compile_node(node.expr, scope)
    if not is_interval(c.type) then
      ev.handOver(scope, node.expr, c)
      return neg_compiler(node, scope)
    end
    return exact(C.TIDE_INTERVAL_NEGATE, c, nil, c.type, ev.sqlName(node))
  end

  local cast_compiler = compilers.cast
  compilers.cast = function(node, scope)
    local to = node.to
    if type(to) == "string" then to = T.parse(to) end
    -- (a column holding another type's values is retyped by the cast itself)
    local c = not (node.fromVoid or node.held) and compile_node(node.expr, scope)
    if node.intervalNumber and is_interval(c.type) then return ev.castTo(as_physical(c), to) end
    local done = c and cast(node, c, to, scope)
    if not done then
      if c then ev.handOver(scope, node.expr, c) end
      return cast_compiler(node, scope)
    end
    local k = node.expr.k
    done.outputName = (k == "alias" or (k == "col" and c.field)) and c.outputName or nil
    return done
  end

  local abs_compiler = eval.compilerOf("abs")
  eval.register("abs", function(node, schema, compileChild, e)
    local args = node.args or {}
    local c = #args == 1 and compileChild(args[1])
    if not (c and is_interval(c.type)) then return abs_compiler(node, schema, compileChild, e) end
    return exact(C.TIDE_INTERVAL_ABS, c, nil, c.type, ev.sqlName(node))
  end)

  -- try_add(iv, iv), try_multiply(iv, n), ...: the operator, NULL where it fails
  for fn, op in pairs({ try_add = "+", try_subtract = "-", try_multiply = "*", try_divide = "/" }) do
    local try_compiler = eval.compilerOf(fn)
    eval.register(fn, function(node, schema, compileChild, e)
      local args = node.args or {}
      local l, r = #args == 2 and compileChild(args[1]), #args == 2 and compileChild(args[2])
      if not (l and (is_interval(l.type) or is_interval(r.type))) then
        return try_compiler(node, schema, compileChild, e)
      end
      local c = compile_node({ k = "op", op = op, left = raw(l), right = raw(r), try = true }, { schema = schema })
      return retyped(c, c.type, ev.sqlName(node))
    end)
  end

  for _, fn in ipairs({ "date_part", "datepart", "extract" }) do
    local part_compiler = eval.compilerOf(fn)
    eval.register(fn, function(node, schema, compileChild, e)
      local args = node.args or {}
      local c = #args == 2 and compileChild(args[2])
      if not (c and is_interval(c.type)) then return part_compiler(node, schema, compileChild, e) end
      local field = compileChild(args[1])
      local ok, v = e.literalOf(field)
      if not ok or type(v) ~= "string" then e.typeError(node, "the field must be a literal string") end
      return extract(node, v, c, { schema = schema })
    end)
  end

  -- to_json writes an interval as its text, as Spark's JacksonGenerator
  local to_json_compiler = eval.compilerOf("to_json")
  eval.register("to_json", function(node, schema, compileChild, e)
    local args = node.args or {}
    local c = args[1] and compileChild(args[1])
    local t = c and texts_of(c.type)
    if not (t and t ~= c.type) then return to_json_compiler(node, schema, compileChild, e) end
    local texts = { k = "compiled", c = ev.castTo(c, t) }
    return to_json_compiler({ k = "call", fn = node.fn, args = { texts, args[2] }, opts = node.opts }, schema,
      compileChild, e)
  end)

  eval.register("make_dt_interval", make_dt_interval)
  eval.register("make_ym_interval", make_ym_interval)
  -- (Spark's make_interval gives its legacy CalendarIntervalType: months, days and microseconds in one value)
  eval.register("make_interval", function(node)
    ev.typeError(node, "make_interval gives Spark's legacy CalendarIntervalType (months, days and microseconds in "
      .. "one value), which tide has not: make_dt_interval(days, hours, mins, secs) makes a duration (interval day "
      .. "to second), make_ym_interval(years, months) a year-month interval")
  end)
end

return M
