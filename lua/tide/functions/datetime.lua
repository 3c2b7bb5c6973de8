-- tide.functions.datetime — the timestamp and date functions of F (tide.eval_datetime,
-- eval_dates).
local column = require("tide.column")
local checks = require("tide.checks")
local common = require("tide.functions.common")

local F = {}
local column_fn = common.columnFn
local call, columns_fn, colNode = common.call, common.columnsFn, common.colNode

-- Spark 3.5's functions over timestamps, in the session time zone
-- (spark.sql.session.timeZone; UTC unless set). Patterns are Spark's
-- datetime patterns ("yyyy-MM-dd HH:mm:ss"), given as Lua strings, as
-- PySpark takes them.

for _, name in ipairs({ "year", "quarter", "month", "dayofmonth", "day", "dayofweek", "weekday", "dayofyear",
                        "weekofyear", "hour", "minute", "second", "timestamp_seconds", "timestamp_millis",
                        "timestamp_micros", "unix_seconds", "unix_millis", "unix_micros" }) do
  F[name] = column_fn(name)
end

local DEFAULT_PATTERN = "yyyy-MM-dd HH:mm:ss"

-- A Lua string argument as a literal; anything else fails at the line
-- that called F (level: how far up it is), with message naming its kind.
local function string_literal(v, message, level)
  if type(v) ~= "string" then error(message:format(checks.kindOf(v)), level + 1) end
  return { k = "lit", value = v }
end

local function pattern_node(name, format, level)
  if type(format) ~= "string" then
    error(("%s's format must be a datetime pattern string, such as 'yyyy-MM-dd', not %s"):format(name,
      checks.kindOf(format)), level + 1)
  end
  return { k = "lit", value = format }
end

-- date_format(col, format): the timestamp as text.
function F.date_format(c, format)
  return call("date_format", { colNode(c), pattern_node("date_format", format, 2) })
end

-- from_unixtime(col, format='yyyy-MM-dd HH:mm:ss'): seconds since the
-- epoch as text.
function F.from_unixtime(c, format)
  return call("from_unixtime", { colNode(c), pattern_node("from_unixtime", format or DEFAULT_PATTERN, 2) })
end

-- unix_timestamp(col=nil, format='yyyy-MM-dd HH:mm:ss'): seconds since the
-- epoch of a timestamp, or of a string parsed by format; now without col.
function F.unix_timestamp(c, format)
  if c == nil then return call("unix_timestamp", {}) end
  return call("unix_timestamp", { colNode(c), pattern_node("unix_timestamp", format or DEFAULT_PATTERN, 2) })
end

-- to_timestamp(col[, format]): without a format CAST(col AS timestamp),
-- with one the string parsed by the pattern (NULL when it does not match).
function F.to_timestamp(c, format)
  if format == nil then return call("to_timestamp", { colNode(c) }) end
  return call("to_timestamp", { colNode(c), pattern_node("to_timestamp", format, 2) })
end

-- A format or zone given as a Lua string (a literal) or a Column, as
-- PySpark's Column arguments (F.lit("yyyy-MM-dd")) are.
local function text_node(name, v, what, level)
  if type(v) == "string" then return { k = "lit", value = v } end
  if column.isColumn(v) then return v.node end
  error(("%s's %s must be a string or a Column, not %s"):format(name, what, checks.kindOf(v)), level + 1)
end

-- to_unix_timestamp(timestamp[, format]), try_to_timestamp(col[, format]),
-- to_timestamp_ltz(timestamp[, format]), to_timestamp_ntz(timestamp[,
-- format]) (a TIMESTAMP_NTZ): the format a string or a Column.
for _, name in ipairs({ "to_unix_timestamp", "try_to_timestamp", "to_timestamp_ltz", "to_timestamp_ntz" }) do
  F[name] = function(c, format)
    if format == nil then return call(name, { colNode(c) }) end
    return call(name, { colNode(c), text_node(name, format, "format", 2) })
  end
end

-- to_char(col, format) and to_varchar: a date or timestamp as
-- date_format writes it, binary by 'base64', 'hex' or 'utf-8', a number
-- by Spark's number format ('99G999D9S').
for _, name in ipairs({ "to_char", "to_varchar" }) do
  F[name] = function(c, format) return call(name, { colNode(c), text_node(name, format, "format", 2) }) end
end

-- current_timezone(): the session time zone; localtimestamp() and
-- convert_timezone([sourceTz,] targetTz, sourceTs): TIMESTAMP_NTZs
-- (tide.eval_timestamp_ntz).
function F.current_timezone() return call("current_timezone", {}) end
function F.localtimestamp() return call("localtimestamp", {}) end
function F.convert_timezone(sourceTz, targetTz, sourceTs)
  local args = { targetTz, sourceTs }
  if sourceTz ~= nil then args = { sourceTz, targetTz, sourceTs } end
  for i, a in ipairs(args) do args[i] = colNode(a) end
  return call("convert_timezone", args)
end

-- window_time(windowColumn): the last instant of a window() column's
-- window.
F.window_time = column_fn("window_time")

-- from_utc_timestamp(col, tz) and to_utc_timestamp(col, tz): the
-- timestamp's wall-clock time in zone tz shown as if UTC, and back; tz a
-- zone's name ('Europe/Paris', '+02:00') or a Column of them.
for _, name in ipairs({ "from_utc_timestamp", "to_utc_timestamp" }) do
  F[name] = function(c, tz)
    if type(tz) ~= "string" and not column.isColumn(tz) then
      error(("%s(timestamp, tz) needs a time zone, a string such as 'Europe/Paris' or a Column, not %s"):format(
        name, checks.kindOf(tz)), 2)
    end
    return call(name, { colNode(c), type(tz) == "string" and { k = "lit", value = tz } or tz.node })
  end
end

-- date_trunc(format, col): note the unit first, as in PySpark ('year',
-- 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', ...).
function F.date_trunc(format, c)
  return call("date_trunc", { string_literal(format,
    "date_trunc(format, timestamp) takes the unit first, a string such as 'month', not %s", 2), colNode(c) })
end

-- ---- dates (tide.eval_dates) -----------------------------------------------------
-- Spark 3.5's functions of dates; a string or a timestamp is read as a
-- date where one is wanted, as CAST(x AS date) reads it.

-- to_date(col[, format]): without a format CAST(col AS date), with one
-- the string parsed by the pattern (NULL when it does not match).
function F.to_date(c, format)
  if format == nil then return call("to_date", { colNode(c) }) end
  return call("to_date", { colNode(c), pattern_node("to_date", format, 2) })
end

function F.current_date() return call("current_date", {}) end
F.curdate = F.current_date

-- date_part(field, source) (extract, datepart): field a Column of a
-- literal, as PySpark's F.lit("YEAR"), or the name as a Lua string.
for _, name in ipairs({ "date_part", "datepart", "extract" }) do
  F[name] = function(field, source)
    local node = type(field) == "string" and { k = "lit", value = field } or colNode(field)
    return call(name, { node, colNode(source) })
  end
end

-- An int argument (days, months) given as a Lua number or a Column.
local function int_node(name, v, level)
  if type(v) == "number" then return { k = "lit", value = v } end
  if column.isColumn(v) or type(v) == "string" then return colNode(v) end
  error(("%s needs a number of days or months, or a Column, not %s"):format(name, checks.kindOf(v)), level + 1)
end

-- date_add(start, days), date_sub(start, days), add_months(start, months):
-- days and months a number or a Column.
for _, name in ipairs({ "date_add", "dateadd", "date_sub", "add_months" }) do
  F[name] = function(start, n) return call(name, { colNode(start), int_node(name, n, 2) }) end
end

-- datediff(end, start): the days from start to end.
F.datediff = columns_fn("datediff")
F.date_diff = columns_fn("date_diff")
F.last_day = columns_fn("last_day")
F.unix_date = columns_fn("unix_date")
F.date_from_unix_date = columns_fn("date_from_unix_date")
F.make_date = columns_fn("make_date")
-- make_timestamp(years, months, days, hours, mins, secs[, timezone]):
-- columns; timezone a zone's name.
function F.make_timestamp(years, months, days, hours, mins, secs, timezone)
  local args = { colNode(years), colNode(months), colNode(days), colNode(hours), colNode(mins), colNode(secs) }
  if timezone ~= nil then args[7] = type(timezone) == "string" and { k = "lit", value = timezone } or colNode(timezone) end
  return call("make_timestamp", args)
end

-- make_timestamp_ltz: make_timestamp; make_timestamp_ntz the same fields
-- as a TIMESTAMP_NTZ (no time zone argument).
F.make_timestamp_ltz = function(...)
  local node = F.make_timestamp(...).node
  node.fn = "make_timestamp_ltz"
  return common.wrap(node)
end
function F.make_timestamp_ntz(years, months, days, hours, mins, secs)
  return call("make_timestamp_ntz", { colNode(years), colNode(months), colNode(days), colNode(hours),
    colNode(mins), colNode(secs) })
end

-- make_dt_interval([days[, hours[, mins[, secs]]]]) and
-- make_ym_interval([years[, months]]): columns (or names), a field not
-- given 0, as PySpark's (make_dt_interval(d, 0, 0, 0)).
local function zero_or_column(v)
  if v == nil then return { k = "lit", value = 0 } end
  return colNode(v)
end
function F.make_dt_interval(days, hours, mins, secs)
  return call("make_dt_interval", { zero_or_column(days), zero_or_column(hours), zero_or_column(mins),
    zero_or_column(secs) })
end
function F.make_ym_interval(years, months)
  return call("make_ym_interval", { zero_or_column(years), zero_or_column(months) })
end

-- next_day(date, dayOfWeek): the first date after it that is a
-- 'Mon', 'Tue', ... ('MO', 'Monday' too).
function F.next_day(c, dayOfWeek)
  return call("next_day", { colNode(c), string_literal(dayOfWeek,
    "next_day(date, dayOfWeek) needs a day of the week, a string such as 'Mon', not %s", 2) })
end

-- trunc(date, format): the first day of its 'year', 'quarter', 'month' or
-- 'week' (note the date first, unlike date_trunc).
function F.trunc(c, format)
  return call("trunc", { colNode(c), string_literal(format,
    "trunc(date, format) takes the unit second, a string such as 'month', not %s", 2) })
end

-- months_between(date1, date2, roundOff=true): months from date2 to date1.
function F.months_between(a, b, roundOff)
  return call("months_between", { colNode(a), colNode(b), { k = "lit", value = roundOff ~= false } })
end

return F
