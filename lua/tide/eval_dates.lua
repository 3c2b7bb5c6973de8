-- tide.eval_dates — the functions of Spark's DateType in tide.eval's
-- `call` nodes, each one C kernel over whole columns (engine/eval_date.c),
-- with Spark 3.5's types, names and non-ANSI results:
--   to_date(x[, pattern]), current_date()/curdate(), date_add/dateadd,
--   date_sub, datediff/date_diff, add_months, last_day, next_day, trunc,
--   make_date, months_between, unix_date, date_from_unix_date,
--   make_timestamp/make_timestamp_ltz, and timestampadd(unit, n, ts) and
--   timestampdiff(unit, start, end) (SQL's DATEADD/DATE_ADD and
--   DATEDIFF/DATE_DIFF with a unit: tide.sql turns those into these).
-- Arguments are cast as Spark casts them implicitly: a string or a
-- timestamp is a date where one is wanted (CAST(x AS date)), a number or
-- a string an int where months or a date's fields are (date_add's days
-- only an int or a string literal of one), a date a timestamp for
-- months_between. Units must be literals, as date_trunc's.
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")
local shared = require("tide.eval_functions")
local datetime = require("tide.eval_datetime")

local M = {}
local ID = T.ID
local args_of, over_args, all_null = shared.argsOf, shared.overArgs, shared.allNull
local literal_string = shared.literalString

local refuse = datetime.refuse

-- A date argument: dates stay; strings, timestamps and NULL are cast.
local function as_date(node, c, ev)
  local id = c.type.id
  if id == ID.date then return c end
  if id == ID.string or id == ID.timestamp or coerce.isVoid(c.type) then return ev.castTo(c, T.date) end
  refuse(node, c, ev, "a date")
end

-- An int argument (days, months, a date's fields): numbers and strings
-- cast, as Spark's implicit cast to IntegerType.
local function as_int(node, c, ev)
  local t = c.type
  if t.id == ID.int then return c end
  if coerce.isNumeric(t) or t.id == ID.string or coerce.isVoid(t) then return ev.castTo(c, T.int) end
  refuse(node, c, ev, "an int")
end

-- Days of date_add and date_sub: an int, or a string literal of one
-- (Spark 3's DateAdd takes no bigint, fraction or other string).
local function as_days(node, c, ev)
  if c.type.id == ID.int then return c end
  if coerce.isVoid(c.type) then return ev.castTo(c, T.int) end
  local is_lit, v = ev.literalOf(c)
  if is_lit and type(v) == "string" and v:match("^%s*[+-]?%d+%s*$") and tonumber(v) < 2 ^ 31
      and tonumber(v) >= -2 ^ 31 then
    return ev.castTo(c, T.int)
  end
  ev.typeError(node, ("the second argument of %s needs to be an int, not %s (%s)"):format(node.fn,
    c.type:simpleString(), c.name))
end

local function date_op(op, result, second)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, second and 2 or 1, second and 2 or 1, ev)
    local a = op == C.TIDE_DATE_FROM_DAYS and as_int(node, args[1], ev) or as_date(node, args[1], ev)
    local b = second and second(node, args[2], ev)
    return over_args(ev, node, result, { a, b }, function(out, cols, dst)
      return C.tide_eval_date_op(out, op, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
    end)
  end
end

local function as_string(node, c, ev)
  if c.type.id == ID.string then return c end
  if coerce.isVoid(c.type) then return ev.castTo(c, T.string) end
  refuse(node, c, ev, "a day of the week, a string such as 'Mon'")
end

-- to_date(x): CAST(x AS date); to_date(x, pattern): the timestamp the
-- pattern reads, as a date (Spark's ParseToDate).
local function to_date(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, 2, ev)
  local c = args[2] and datetime.parseCall(node, args[1], args[2], 1, ev) or args[1]
  local t = c.type
  if not (t.id == ID.string or t.id == ID.timestamp or t.id == ID.date or coerce.isVoid(t)) then
    refuse(node, c, ev, "a string, a timestamp or a date")
  end
  c = ev.castTo(c, T.date)
  return { type = T.date, name = ev.sqlName(node), run = c.run }
end

-- The batch's current_timestamp() as a date in the session time zone,
-- the same value everywhere in a micro-batch.
local function current_date(node, _, compileChild, ev)
  args_of(node, compileChild, 0, 0, ev)
  local now = compileChild({ k = "call", fn = "current_timestamp", args = {} })
  return { type = T.date, name = ev.sqlName(node), run = ev.castTo(now, T.date).run }
end

-- trunc(date, unit): units from a week up (Spark's TruncDate); another
-- gives NULL.
local function trunc(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local x = as_date(node, args[1], ev)
  local unit = literal_string(node, args[2], ev, "unit")
  local level = unit and datetime.TRUNC_LEVELS[unit:upper()]
  if not level or level < C.TIDE_TRUNC_WEEK then return all_null(ev, node, T.date) end
  return over_args(ev, node, T.date, { x }, function(out, cols, dst)
    return C.tide_eval_date_trunc_days(out, level, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

local function make_date(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 3, 3, ev)
  for i = 1, 3 do args[i] = as_int(node, args[i], ev) end
  return over_args(ev, node, T.date, args, function(out, cols, dst)
    return C.tide_eval_make_date(out, cols[1], cols[2], cols[3], dst, ev.errbuf, ev.errlen)
  end)
end

-- months_between(a, b[, roundOff]): roundOff a literal boolean (true
-- unless given).
local function months_between(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 3, ev)
  local a, b = datetime.asTimestamp(node, args[1], ev), datetime.asTimestamp(node, args[2], ev)
  local round_off = true
  if args[3] then round_off = shared.literalBoolean(node, args[3], ev, "roundOff") end
  return over_args(ev, node, T.double, { a, b }, function(out, cols, dst)
    return C.tide_eval_months_between(out, cols[1], cols[2], round_off and 1 or 0, dst, ev.errbuf, ev.errlen)
  end)
end

-- make_timestamp(year, month, day, hour, min, sec[, timezone]): sec a
-- decimal(16,6) (numbers and strings cast, as Spark's), timezone a
-- literal zone (the session's when left out).
local function make_timestamp(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 6, 7, ev)
  local parts = {}
  for i = 1, 5 do parts[i] = as_int(node, args[i], ev) end
  local sec = args[6]
  if not (coerce.isNumeric(sec.type) or sec.type.id == ID.string or coerce.isVoid(sec.type)) then
    refuse(node, sec, ev, "a number of seconds")
  end
  parts[6] = ev.castTo(sec, T.decimal(16, 6))
  local zone
  if args[7] then
    local text = literal_string(node, args[7], ev, "timezone")
    if text == nil then return all_null(ev, node, T.timestamp) end
    zone = C.tide_time_zone_find(text, #text)
    if zone == nil then
      error(("%s: unknown time zone '%s' (Spark: Unknown time-zone ID)"):format(ev.sqlName(node), text), 0)
    end
  end
  return over_args(ev, node, T.timestamp, parts, function(out, cols, dst)
    return C.tide_eval_make_timestamp(out, ev.columnArray(cols), zone, dst, ev.errbuf, ev.errlen)
  end)
end

-- make_timestamp_ntz makes a TIMESTAMP_NTZ, which tide lacks.
local function make_timestamp_ntz(node, _, _compile, ev)
  error(("%s: make_timestamp_ntz returns TIMESTAMP_NTZ (a timestamp without time zone), a type tide does not"
    .. " have; make_timestamp (or make_timestamp_ltz) makes a TIMESTAMP of the same fields in the session time"
    .. " zone"):format(ev.sqlName(node)), 0)
end

-- ---- timestampadd, timestampdiff ---------------------------------------------------

-- The units of Spark's grammar (datetimeUnit); DAYOFYEAR adds as DAY,
-- and timestampdiff has no DAYOFYEAR (Spark fails on it when it runs).
local UNIT_NAMES = "YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFYEAR, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND"
local UNITS = {
  MICROSECOND = C.TIDE_TSU_MICROSECOND, MILLISECOND = C.TIDE_TSU_MILLISECOND, SECOND = C.TIDE_TSU_SECOND,
  MINUTE = C.TIDE_TSU_MINUTE, HOUR = C.TIDE_TSU_HOUR, DAY = C.TIDE_TSU_DAY, DAYOFYEAR = C.TIDE_TSU_DAY,
  WEEK = C.TIDE_TSU_WEEK, MONTH = C.TIDE_TSU_MONTH, QUARTER = C.TIDE_TSU_QUARTER, YEAR = C.TIDE_TSU_YEAR,
}
M.TIMESTAMP_UNITS = UNITS

local function unit_of(node, c, ev, name)
  local text = literal_string(node, c, ev, "unit")
  local code = type(text) == "string" and UNITS[text:upper()]
  if not code or (name == "timestampdiff" and text:upper() == "DAYOFYEAR") then
    error(("%s: [INVALID_PARAMETER_VALUE.DATETIME_UNIT] the unit of %s must be one of %s, not %s"):format(
      ev.sqlName(node), name, name == "timestampdiff" and UNIT_NAMES:gsub("DAYOFYEAR, ", "") or UNIT_NAMES,
      tostring(text)), 0)
  end
  return code
end

-- timestampadd(unit, quantity, ts): quantity an int (numbers and strings
-- cast, as Spark's IntegerType input), ts a timestamp (dates and strings
-- cast); a TIMESTAMP.
local function timestampadd(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 3, 3, ev)
  local unit = unit_of(node, args[1], ev, "timestampadd")
  local q, ts = as_int(node, args[2], ev), datetime.asTimestamp(node, args[3], ev)
  return over_args(ev, node, T.timestamp, { q, ts }, function(out, cols, dst)
    return C.tide_eval_timestamp_add(out, unit, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
  end)
end

-- timestampdiff(unit, start, end): whole units from start to end, a bigint.
local function timestampdiff(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 3, 3, ev)
  local unit = unit_of(node, args[1], ev, "timestampdiff")
  local a, b = datetime.asTimestamp(node, args[2], ev), datetime.asTimestamp(node, args[3], ev)
  return over_args(ev, node, T.long, { a, b }, function(out, cols, dst)
    return C.tide_eval_timestamp_diff(out, unit, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
  end)
end

function M.register(eval)
  eval.register("to_date", to_date)
  eval.register("current_date", current_date)
  eval.register("curdate", current_date)
  for _, name in ipairs({ "date_add", "dateadd" }) do
    eval.register(name, date_op(C.TIDE_DATE_PLUS_DAYS, T.date, as_days))
  end
  eval.register("date_sub", date_op(C.TIDE_DATE_MINUS_DAYS, T.date, as_days))
  for _, name in ipairs({ "datediff", "date_diff" }) do
    eval.register(name, date_op(C.TIDE_DATE_DIFF, T.int, as_date))
  end
  eval.register("add_months", date_op(C.TIDE_DATE_PLUS_MONTHS, T.date, as_int))
  eval.register("next_day", date_op(C.TIDE_DATE_NEXT_DAY, T.date, as_string))
  eval.register("last_day", date_op(C.TIDE_DATE_LAST_DAY, T.date))
  eval.register("unix_date", date_op(C.TIDE_DATE_TO_DAYS, T.int))
  eval.register("date_from_unix_date", date_op(C.TIDE_DATE_FROM_DAYS, T.date))
  eval.register("trunc", trunc)
  eval.register("make_date", make_date)
  eval.register("months_between", months_between)
  eval.register("make_timestamp", make_timestamp)
  eval.register("make_timestamp_ltz", make_timestamp)
  eval.register("make_timestamp_ntz", make_timestamp_ntz)
  eval.register("timestampadd", timestampadd)
  eval.register("timestampdiff", timestampdiff)
end

return M
