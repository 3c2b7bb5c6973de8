-- tide.eval_datetime — the datetime functions of tide.eval's `call`
-- nodes over tide's timestamps, each one C kernel over whole columns
-- (engine/eval_datetime.c, eval_datetime_pattern.c, eval_datetime_parse.c),
-- with Spark 3.5's types and names (datetimeExpressions.scala, non-ANSI)
-- in its session time zone (spark.sql.session.timeZone, UTC unless set):
--   year, quarter, month, dayofmonth/day, dayofweek (1 = Sunday), weekday
--   (0 = Monday), dayofyear, weekofyear (ISO 8601), hour, minute, second
--   (ints); date_part(field, x) (EXTRACT(field FROM x)); unix_timestamp([x[, pattern]]), to_timestamp(x[, pattern]),
--   date_format(ts, pattern), from_unixtime(seconds[, pattern]),
--   date_trunc(unit, ts), timestamp_seconds/_millis/_micros,
--   unix_seconds/_millis/_micros, from_utc_timestamp(ts, zone),
--   to_utc_timestamp(ts, zone), to_unix_timestamp(x[, pattern]),
--   try_to_timestamp and to_timestamp_ltz (to_timestamp's), to_char and
--   to_varchar of dates and timestamps (date_format's), current_timezone(),
--   window_time(window). TIMESTAMP is Spark's TIMESTAMP_LTZ; what makes
--   a TIMESTAMP_NTZ (to_timestamp_ntz, localtimestamp, convert_timezone)
--   is tide.eval_timestamp_ntz's, which registers over these.
-- Arguments are cast as Spark casts them implicitly: a string or a date
-- is a timestamp where Spark wants one, and a string a date (CAST(s AS
-- date): its date part, any time after it ignored) where Spark takes a
-- date's fields (year ... weekofyear). The functions of dates are in
-- tide.eval_dates. Patterns and units must be literals: a pattern
-- is compiled once, with the plan, into the program its kernel runs. A
-- zone may be a column; a literal one is looked up with the plan.
-- to_timestamp replaces tide.eval_math's, which it keeps for one argument.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")
local shared = require("tide.eval_functions")

local M = {}
local ID = T.ID
local args_of, over_args, all_null = shared.argsOf, shared.overArgs, shared.allNull
local literal_string = shared.literalString

-- Spark's TimestampFormatter.defaultPattern.
local DEFAULT_PATTERN = "yyyy-MM-dd HH:mm:ss"
M.DEFAULT_PATTERN = DEFAULT_PATTERN

local function simple(t) return t:simpleString() end

local function refuse(node, c, ev, want)
  ev.typeError(node, ("%s needs %s, not %s (%s)"):format(node.fn, want, simple(c.type), c.name))
end

-- Where Spark wants a timestamp (TimestampType): strings are cast, as
-- CAST(s AS timestamp) reads them, dates to their first instant, and NULL.
local function as_timestamp(node, c, ev)
  local id = c.type.id
  if id == ID.timestamp and not c.type.ntz then return c end
  -- (a TIMESTAMP_NTZ too: its local date-time in the session time zone, Spark's implicit cast)
  if id == ID.string or id == ID.date or id == ID.timestamp or coerce.isVoid(c.type) then
    return ev.castTo(c, T.timestamp)
  end
  refuse(node, c, ev, "a timestamp")
end

-- Where Spark wants a date (DateType): strings are cast, as CAST(s AS
-- date) reads them (any time after the date ignored), and NULL; a
-- timestamp stays, the kernel taking its date in the session time zone.
local function as_date(node, c, ev)
  local id = c.type.id
  if (id == ID.timestamp and not c.type.ntz) or id == ID.date then return c end
  -- (a TIMESTAMP_NTZ: its own date)
  if id == ID.string or id == ID.timestamp or coerce.isVoid(c.type) then return ev.castTo(c, T.date) end
  refuse(node, c, ev, "a date")
end
M.asDate = as_date

-- Where Spark takes a string, a date or a timestamp (unix_timestamp,
-- to_timestamp with a pattern): timestamps and strings stay, dates are
-- their first instant, other atomic values are cast to strings (Spark's
-- implicit cast to the collection's first type that takes them).
local function as_string_or_timestamp(node, c, ev)
  local t = c.type
  if t.id == ID.timestamp or t.id == ID.string then return c end
  if t.id == ID.date then return ev.castTo(c, T.timestamp) end
  if coerce.isVoid(t) or coerce.isNumeric(t) or t.id == ID.boolean then return ev.castTo(c, T.string) end
  refuse(node, c, ev, "a string or a timestamp")
end

-- A compiled pattern, freed with the plan; a letter tide or Spark does
-- not take fails here, naming it. parsing: true, or "local" for a local
-- date-time whose zone is read and not applied (TIMESTAMP_NTZ).
local function pattern(node, text, parsing, ev)
  local p = C.tide_datetime_pattern_compile(text, #text, parsing == "local" and 2 or parsing and 1 or 0, ev.errbuf,
    ev.errlen)
  if p == nil then
    error(("%s: the pattern '%s': %s"):format(ev.sqlName(node), text, ffi.string(ev.errbuf)), 0)
  end
  return ffi.gc(p, C.tide_datetime_pattern_free)
end

-- spark.sql.legacy.timeParserPolicy, read when a query is planned and
-- each time it runs, as Spark reads it when it parses: what
-- a text the pattern does not match gives. EXCEPTION (Spark's default):
-- NULL, or Spark's INCONSISTENT_BEHAVIOR_CROSS_VERSION error naming the
-- text when Spark's legacy parser (SimpleDateFormat) reads it; CORRECTED:
-- NULL; LEGACY: the legacy parser reads every text, by the pattern's
-- SimpleDateFormat letters (engine/datetime_legacy_parse.c).
local POLICIES = {
  EXCEPTION = C.TIDE_PARSER_EXCEPTION, CORRECTED = C.TIDE_PARSER_CORRECTED, LEGACY = C.TIDE_PARSER_LEGACY,
}
local function parser_policy()
  local v = require("tide.session").session().conf:get("spark.sql.legacy.timeParserPolicy", "EXCEPTION")
  return POLICIES[tostring(v):upper()] or C.TIDE_PARSER_EXCEPTION
end

-- The pattern compiled for the legacy parser, or nil and why not. Under
-- EXCEPTION a pattern it refuses is no error: Spark builds the legacy
-- parser only when a text needs it and takes its failure as a refusal.
local function legacy_pattern(node, text, ev)
  local p = C.tide_legacy_pattern_compile(text, #text, ev.errbuf, ev.errlen)
  if p == nil then
    return nil, ("%s: the pattern '%s' (spark.sql.legacy.timeParserPolicy LEGACY, SimpleDateFormat's letters): %s")
      :format(ev.sqlName(node), text, ffi.string(ev.errbuf))
  end
  return ffi.gc(p, C.tide_legacy_pattern_free)
end

-- ---- fields ----------------------------------------------------------------------------

local DATE_FIELDS = {
  year = C.TIDE_DT_YEAR, quarter = C.TIDE_DT_QUARTER, month = C.TIDE_DT_MONTH,
  dayofmonth = C.TIDE_DT_DAY, day = C.TIDE_DT_DAY, dayofweek = C.TIDE_DT_DAY_OF_WEEK,
  weekday = C.TIDE_DT_WEEKDAY, dayofyear = C.TIDE_DT_DAY_OF_YEAR, weekofyear = C.TIDE_DT_WEEK_OF_YEAR,
}
local TIME_FIELDS = { hour = C.TIDE_DT_HOUR, minute = C.TIDE_DT_MINUTE, second = C.TIDE_DT_SECOND }

local function field(code, is_date)
  return function(node, _, compileChild, ev)
    local x = args_of(node, compileChild, 1, 1, ev)[1]
    x = is_date and as_date(node, x, ev) or as_timestamp(node, x, ev)
    return over_args(ev, node, T.int, { x }, function(out, cols, dst)
      return C.tide_eval_datetime_field(out, code, cols[1], dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- date_part(field, source) and EXTRACT(field FROM source): Spark's
-- DatePart.parseExtractField names for the fields above, SECOND with its
-- fraction (a decimal(8,6)) and DAYOFWEEK_ISO (1 = Monday).
local PARTS = {}
for names, code in pairs({
  ["YEAR Y YEARS YR YRS"] = C.TIDE_DT_YEAR, ["QUARTER QTR"] = C.TIDE_DT_QUARTER,
  ["MONTH MON MONS MONTHS"] = C.TIDE_DT_MONTH, ["WEEK W WEEKS"] = C.TIDE_DT_WEEK_OF_YEAR,
  ["DAY D DAYS"] = C.TIDE_DT_DAY, ["DAYOFWEEK DOW"] = C.TIDE_DT_DAY_OF_WEEK,
  ["DAYOFWEEK_ISO DOW_ISO"] = C.TIDE_DT_DAY_OF_WEEK_ISO, ["DOY"] = C.TIDE_DT_DAY_OF_YEAR,
  ["HOUR H HOURS HR HRS"] = C.TIDE_DT_HOUR, ["MINUTE M MIN MINS MINUTES"] = C.TIDE_DT_MINUTE,
  ["SECOND S SEC SECONDS SECS"] = C.TIDE_DT_SECONDS,
}) do
  for name in names:gmatch("%S+") do PARTS[name] = code end
end

local function date_part(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local name = literal_string(node, args[1], ev, "field")
  local code = name and PARTS[name:upper()]
  if not code then
    ev.typeError(node, ("%s cannot take the field %s: YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFWEEK, DAYOFWEEK_ISO,"
      .. " DOY, HOUR, MINUTE or SECOND"):format(node.fn, tostring(name)))
  end
  local time = code == C.TIDE_DT_HOUR or code == C.TIDE_DT_MINUTE or code == C.TIDE_DT_SECONDS
  local x = time and as_timestamp(node, args[2], ev) or as_date(node, args[2], ev)
  local t = code == C.TIDE_DT_SECONDS and T.decimal(8, 6) or T.int
  return over_args(ev, node, t, { x }, function(out, cols, dst)
    return C.tide_eval_datetime_field(out, code, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

-- ---- epochs --------------------------------------------------------------------------

local function epoch_call(ev, node, op, x, t)
  return over_args(ev, node, t, { x }, function(out, cols, dst)
    return C.tide_eval_epoch(out, op, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

-- timestamp_seconds(x) takes any number (NumericType: strings become
-- doubles); timestamp_millis and timestamp_micros integers only.
local function timestamp_seconds(node, _, compileChild, ev)
  local x = args_of(node, compileChild, 1, 1, ev)[1]
  local t = x.type
  if coerce.isVoid(t) then return all_null(ev, node, T.timestamp) end
  if t.id == ID.int then
    x = ev.castTo(x, T.long)
  elseif t.id == ID.float or t.id == ID.string then
    x = ev.castTo(x, T.double)
  elseif not (t.id == ID.long or t.id == ID.double or t.id == ID.decimal) then
    refuse(node, x, ev, "a number")
  end
  return epoch_call(ev, node, C.TIDE_EPOCH_FROM_SECONDS, x, T.timestamp)
end

local function from_integer(op)
  return function(node, _, compileChild, ev)
    local x = args_of(node, compileChild, 1, 1, ev)[1]
    if coerce.isVoid(x.type) then return all_null(ev, node, T.timestamp) end
    if not coerce.isIntegral(x.type) then refuse(node, x, ev, "an integer") end
    return epoch_call(ev, node, op, ev.castTo(x, T.long), T.timestamp)
  end
end

local function to_epoch(op)
  return function(node, _, compileChild, ev)
    local x = as_timestamp(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
    return epoch_call(ev, node, op, x, T.long)
  end
end

-- ---- patterns ----------------------------------------------------------------------

-- The parse of x (a string or a timestamp) by the pattern argument fmt
-- (nil: the default pattern): unix_timestamp (divisor 10^6, bigint
-- seconds) and to_timestamp (divisor 1), under the session's time parser
-- policy. A timestamp ignores the pattern, as Spark's ToTimestamp does.
local function parse_call(node, x, fmt, divisor, ev)
  local t = divisor == 1 and T.timestamp or T.long
  x = as_string_or_timestamp(node, x, ev)
  local text = DEFAULT_PATTERN
  if fmt then text = literal_string(node, fmt, ev, "pattern") end
  if x.type.id == ID.timestamp then
    if divisor == 1 then return { type = t, name = ev.sqlName(node), run = x.run } end
    return epoch_call(ev, node, C.TIDE_EPOCH_UNIX_TIMESTAMP, x, t)
  end
  if text == nil then return all_null(ev, node, t) end
  -- Both patterns are compiled with the plan and the policy read again
  -- when it runs, as Spark reads it when it parses; the pattern the
  -- policy needs fails the plan when it is refused.
  -- (to_timestamp_ntz reads a local date-time, ignoring a zone the text
  -- names, and keeps java.time's parser under LEGACY: Spark's
  -- forTimestampNTZ formatter)
  local ntz = tostring(node.fn):lower() == "to_timestamp_ntz"
  local ok, p = pcall(pattern, node, text, ntz and "local" or true, ev)
  local legacy, legacy_err = legacy_pattern(node, text, ev)
  local function policy_now()
    local policy = parser_policy()
    if policy == C.TIDE_PARSER_LEGACY and ntz then policy = C.TIDE_PARSER_CORRECTED end
    if policy ~= C.TIDE_PARSER_LEGACY and not ok then error(p, 0) end
    if policy == C.TIDE_PARSER_LEGACY and not legacy then error(legacy_err, 0) end
    return policy
  end
  policy_now()
  return over_args(ev, node, t, { x }, function(out, cols, dst)
    local policy = policy_now()
    return C.tide_eval_parse_timestamp(out, cols[1], ok and p or nil, policy ~= C.TIDE_PARSER_CORRECTED and legacy
      or nil, policy, divisor, dst, ev.errbuf, ev.errlen)
  end)
end

-- What tide.eval_dates builds on.
M.asTimestamp, M.parseCall, M.refuse = as_timestamp, parse_call, refuse

-- unix_timestamp() is unix_timestamp(current_timestamp()), as Spark.
local function unix_timestamp(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 0, 2, ev)
  local x = args[1] or compileChild({ k = "call", fn = "current_timestamp", args = {} })
  return parse_call(node, x, args[2], 1000000, ev)
end

-- to_timestamp(x): CAST(x AS timestamp) (strings as CAST reads them,
-- numbers as seconds); to_timestamp(x, pattern) parses by the pattern.
local function to_timestamp(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, 2, ev)
  if args[2] then return parse_call(node, args[1], args[2], 1, ev) end
  local x, t = args[1], args[1].type
  if not (t.id == ID.string or t.id == ID.timestamp or t.id == ID.date or coerce.isNumeric(t)
      or coerce.isVoid(t)) then
    refuse(node, x, ev, "a string")
  end
  local c = ev.castTo(x, T.timestamp)
  return { type = T.timestamp, name = ev.sqlName(node), run = c.run }
end

local function format_call(node, x, fmt, ev)
  local text = DEFAULT_PATTERN
  if fmt then text = literal_string(node, fmt, ev, "pattern") end
  if text == nil then return all_null(ev, node, T.string) end
  local p = pattern(node, text, false, ev)
  return over_args(ev, node, T.string, { x }, function(out, cols, dst)
    return C.tide_eval_date_format(out, cols[1], p, dst, ev.errbuf, ev.errlen)
  end)
end

local function date_format(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  return format_call(node, as_timestamp(node, args[1], ev), args[2], ev)
end

-- from_unixtime(seconds[, pattern]): seconds as a bigint (numbers and
-- strings cast, as Spark's LongType input).
local function from_unixtime(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, 2, ev)
  local x, t = args[1], args[1].type
  if not (coerce.isNumeric(t) or t.id == ID.string or coerce.isVoid(t)) then refuse(node, x, ev, "a bigint") end
  return format_call(node, ev.castTo(x, T.long), args[2], ev)
end

-- Spark's DateTimeUtils.parseTruncLevel: an unknown unit is NULL.
-- (tide.eval_dates' trunc takes the levels from WEEK up.)
local TRUNC_LEVELS = {
  MICROSECOND = C.TIDE_TRUNC_MICROSECOND, MILLISECOND = C.TIDE_TRUNC_MILLISECOND,
  SECOND = C.TIDE_TRUNC_SECOND, MINUTE = C.TIDE_TRUNC_MINUTE, HOUR = C.TIDE_TRUNC_HOUR,
  DAY = C.TIDE_TRUNC_DAY, DD = C.TIDE_TRUNC_DAY, WEEK = C.TIDE_TRUNC_WEEK,
  MON = C.TIDE_TRUNC_MONTH, MONTH = C.TIDE_TRUNC_MONTH, MM = C.TIDE_TRUNC_MONTH,
  QUARTER = C.TIDE_TRUNC_QUARTER, YEAR = C.TIDE_TRUNC_YEAR, YYYY = C.TIDE_TRUNC_YEAR, YY = C.TIDE_TRUNC_YEAR,
}

local function date_trunc(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local unit = literal_string(node, args[1], ev, "unit")
  local x = as_timestamp(node, args[2], ev)
  local level = unit and TRUNC_LEVELS[unit:upper()]
  if not level then return all_null(ev, node, T.timestamp) end
  return over_args(ev, node, T.timestamp, { x }, function(out, cols, dst)
    return C.tide_eval_date_trunc(out, level, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

-- from_utc_timestamp(ts, zone) and to_utc_timestamp(ts, zone): ts read as
-- a UTC date-time and shown as zone's, or the reverse (Spark's
-- convertTz). A literal zone that Spark's getZoneId refuses fails with
-- the plan, as Spark fails when it runs; a column's, at its row.
local function utc_shift(op)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 2, 2, ev)
    local x, zone = as_timestamp(node, args[1], ev), args[2]
    if coerce.isVoid(zone.type) then return all_null(ev, node, T.timestamp) end
    if zone.type.id ~= ID.string then refuse(node, zone, ev, "a time zone string") end
    local is_lit, text = ev.literalOf(zone)
    if not is_lit then
      return over_args(ev, node, T.timestamp, { x, zone }, function(out, cols, dst)
        return C.tide_eval_utc_shift(out, op, cols[1], cols[2], nil, dst, ev.errbuf, ev.errlen)
      end)
    end
    if text == nil then return all_null(ev, node, T.timestamp) end
    local z = C.tide_time_zone_find(text, #text)
    if z == nil then
      error(("%s: unknown time zone '%s' (Spark: Unknown time-zone ID): a region id of tzdata such as "
        .. "'Europe/Paris', an offset such as '+02:00', or 'UTC'"):format(ev.sqlName(node), text), 0)
    end
    return over_args(ev, node, T.timestamp, { x }, function(out, cols, dst)
      return C.tide_eval_utc_shift(out, op, cols[1], nil, z, dst, ev.errbuf, ev.errlen)
    end)
  end
end

M.TRUNC_LEVELS = TRUNC_LEVELS

-- to_unix_timestamp(x[, pattern]): unix_timestamp with its argument.
local function to_unix_timestamp(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, 2, ev)
  return parse_call(node, args[1], args[2], 1000000, ev)
end

-- What Spark types TIMESTAMP_NTZ, refused rather than shown as a
-- TIMESTAMP: the two read and compare differently once the session time
-- zone is not UTC. instead: what does the work on TIMESTAMPs.
local function timestamp_ntz(instead)
  return function(node, _, _compile, ev)
    error(("%s: %s returns TIMESTAMP_NTZ (a timestamp without time zone), a type tide does not have; %s")
      :format(ev.sqlName(node), node.fn, instead), 0)
  end
end

-- current_timezone(): the session time zone as spark.sql.session.timeZone
-- holds it (tide's default, UTC, when unset).
local function current_timezone(node, _, compileChild, ev)
  args_of(node, compileChild, 0, 0, ev)
  local zone = require("tide.session").session().conf:get("spark.sql.session.timeZone", "UTC")
  local c = compileChild({ k = "lit", value = zone })
  c.name = ev.sqlName(node)
  return c
end

-- window_time(window): the last instant of a window() column's window
-- (its end less a microsecond), as Spark's WindowTime. A column of
-- struct<start: timestamp, end: timestamp> is taken as one.
local function window_time(node, _, compileChild, ev)
  local w = args_of(node, compileChild, 1, 1, ev)[1]
  local fields = w.type.id == ID.struct and w.type.fields or {}
  local ok = #fields == 2 and fields[1].name == "start" and fields[2].name == "end"
    and fields[1].dataType.id == ID.timestamp and fields[2].dataType.id == ID.timestamp
  if not ok then
    ev.typeError(node, ("window_time needs a window column (struct<start: timestamp, end: timestamp>, made by"
      .. " window()), not %s (%s)"):format(simple(w.type), w.name))
  end
  local stop = compileChild({ k = "field", expr = node.args[1], name = "end" })
  return over_args(ev, node, T.timestamp, { stop }, function(out, cols, dst)
    return C.tide_eval_plus_interval(out, cols[1], 0, -1, dst, ev.errbuf, ev.errlen)
  end)
end

-- to_char(x, format) and to_varchar: of a date or a timestamp, Spark's
-- ToCharacterBuilder makes date_format(x, format), and names it so; of
-- binary, base64, hex or decode by the format; of anything else, Spark's
-- ToCharacter, by a number format (tide.eval_number_format).
local BINARY_FORMATS = { base64 = "base64", hex = "hex", ["utf-8"] = "decode" }
local function to_char(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local id = args[1].type.id
  if id == ID.date or id == ID.timestamp then
    return compileChild({ k = "call", fn = "date_format", args = node.args })
  elseif id == ID.binary then
    local text = literal_string(node, args[2], ev, "format")
    local fn = text and BINARY_FORMATS[text:lower():match("^%s*(.-)%s*$")]
    if not fn then
      ev.typeError(node, ("%s of binary takes the format 'base64', 'hex' or 'utf-8', not %s"):format(node.fn,
        tostring(text)))
    end
    return compileChild({ k = "call", fn = fn, args = fn == "decode" and node.args or { node.args[1] } })
  end
  return require("tide.eval_number_format").toChar(node, args, ev)
end

function M.register(eval)
  for name, code in pairs(DATE_FIELDS) do eval.register(name, field(code, true)) end
  for name, code in pairs(TIME_FIELDS) do eval.register(name, field(code, false)) end
  eval.register("date_part", date_part)
  eval.register("datepart", date_part)
  eval.register("extract", date_part)
  eval.register("timestamp_seconds", timestamp_seconds)
  eval.register("timestamp_millis", from_integer(C.TIDE_EPOCH_FROM_MILLIS))
  eval.register("timestamp_micros", from_integer(C.TIDE_EPOCH_FROM_MICROS))
  eval.register("unix_seconds", to_epoch(C.TIDE_EPOCH_TO_SECONDS))
  eval.register("unix_millis", to_epoch(C.TIDE_EPOCH_TO_MILLIS))
  eval.register("unix_micros", to_epoch(C.TIDE_EPOCH_TO_MICROS))
  eval.register("unix_timestamp", unix_timestamp)
  eval.register("to_timestamp", to_timestamp)
  eval.register("date_format", date_format)
  eval.register("from_unixtime", from_unixtime)
  eval.register("date_trunc", date_trunc)
  eval.register("from_utc_timestamp", utc_shift(C.TIDE_FROM_UTC))
  eval.register("to_utc_timestamp", utc_shift(C.TIDE_TO_UTC))
  eval.register("to_unix_timestamp", to_unix_timestamp)
  eval.register("try_to_timestamp", to_timestamp)
  eval.register("to_timestamp_ltz", to_timestamp)
  eval.register("to_timestamp_ntz", timestamp_ntz("to_timestamp (or to_timestamp_ltz) reads the text as a TIMESTAMP"
    .. " in the session time zone"))
  eval.register("localtimestamp", timestamp_ntz("current_timestamp() is the same instant as a TIMESTAMP, shown in"
    .. " the session time zone"))
  eval.register("convert_timezone", timestamp_ntz("from_utc_timestamp(to_utc_timestamp(ts, sourceTz), targetTz)"
    .. " shifts a TIMESTAMP's wall-clock time from one zone to another"))
  eval.register("current_timezone", current_timezone)
  eval.register("window_time", window_time)
  eval.register("to_char", to_char)
  eval.register("to_varchar", to_char)
end

return M
