-- Spark 3.5's datetime functions beyond the classic ones: timestampadd and
-- timestampdiff (SQL's DATEADD/DATEDIFF with a unit), to_unix_timestamp,
-- try_to_timestamp, to_timestamp_ltz, make_timestamp_ltz,
-- current_timezone, window_time, to_char/to_varchar of dates, timestamps
-- and binary, and what returns TIMESTAMP_NTZ. Values are
-- those of Spark's function docs where they give some, else worked out by
-- hand from java.time's rules, in UTC and across daylight-saving changes.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local T = tide.types
local spark = tide.session()


local in_zone = t.in_zone

-- The one column of df's rows, as text.
local function expr(e) return t.rows(spark:range(1):selectExpr(e))[1] end

-- The name and type a select gives e.
local function named(e)
  local df = spark:range(1):selectExpr(e)
  return df.columns[1], df.schema.fields[1].dataType
end

t.test("timestampadd: Spark's examples, names and types", function()
  t.eq(expr("timestampadd(HOUR, 8, TIMESTAMP '2022-02-11 20:30:00')"), "2022-02-12 04:30:00")
  t.eq(expr("timestampadd(MONTH, 1, TIMESTAMP '2022-01-31 00:00:00')"), "2022-02-28 00:00:00")
  t.eq(expr("timestampadd(SECOND, -10, DATE '2022-01-01')"), "2021-12-31 23:59:50")
  t.eq(expr("timestampadd(YEAR, 10, TIMESTAMP '2000-01-01 01:02:03.123456')"), "2010-01-01 01:02:03.123456")
  local name, type = named("timestampadd(HOUR, 2, TIMESTAMP '2024-01-01 10:00:00')")
  t.eq(name, "timestampadd(HOUR, 2, TIMESTAMP '2024-01-01 10:00:00')")
  t.eq(type, T.timestamp)
  -- DATEADD and DATE_ADD with a unit are timestampadd, named so; the unit
  -- keeps the case it is written in
  t.eq(named("dateadd(month, 1, '2024-01-31')"), "timestampadd(month, 1, 2024-01-31)")
  t.eq(expr("dateadd(month, 1, '2024-01-31')"), "2024-02-29 00:00:00")
  t.eq(expr("date_add(QUARTER, -1, TIMESTAMP '2024-05-31 08:00:00')"), "2024-02-29 08:00:00")
  t.eq(expr("timestampadd(WEEK, 2, TIMESTAMP '2024-12-25 00:00:00')"), "2025-01-08 00:00:00")
  t.eq(expr("timestampadd(DAYOFYEAR, 1, TIMESTAMP '2024-12-31 23:00:00')"), "2025-01-01 23:00:00")
  t.eq(expr("timestampadd(MINUTE, 90, TIMESTAMP '2024-01-01 23:00:00')"), "2024-01-02 00:30:00")
  t.eq(expr("timestampadd(MILLISECOND, -1, TIMESTAMP '1970-01-01 00:00:00')"), "1969-12-31 23:59:59.999")
  t.eq(expr("timestampadd(MICROSECOND, 7, TIMESTAMP '2024-01-01 00:00:00')"), "2024-01-01 00:00:00.000007")
  -- the quantity is an int: numbers and strings are cast
  t.eq(expr("timestampadd(DAY, '3', TIMESTAMP '2024-01-01 00:00:00')"), "2024-01-04 00:00:00")
  t.eq(expr("timestampadd(DAY, 2.9D, TIMESTAMP '2024-01-01 00:00:00')"), "2024-01-03 00:00:00")
  -- with two arguments, dateadd and date_add are the functions of days
  t.eq(expr("dateadd('2016-07-30', 1)"), "2016-07-31")
  t.eq(expr("date_add('2016-07-30', 1)"), "2016-07-31")
end)

t.test("timestampdiff: Spark's examples and java.time's counting", function()
  t.eq(expr("timestampdiff(HOUR, TIMESTAMP '2022-02-11 20:30:00', TIMESTAMP '2022-02-12 04:30:00')"), "8")
  t.eq(expr("timestampdiff(MONTH, TIMESTAMP '2022-01-01 00:00:00', TIMESTAMP '2022-02-28 00:00:00')"), "1")
  t.eq(expr("timestampdiff(SECOND, DATE '2022-01-01', TIMESTAMP '2021-12-31 23:59:50')"), "-10")
  t.eq(expr("timestampdiff(YEAR, TIMESTAMP '2000-01-01 01:02:03.123456', TIMESTAMP '2010-01-01 01:02:03.123456')"),
    "10")
  local name, type = named("timestampdiff(DAY, TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-03 00:00:00')")
  t.eq(name, "timestampdiff(DAY, TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-03 00:00:00')")
  t.eq(type, T.long)
  t.eq(named("datediff(DAY, '2024-01-01', '2024-01-03')"), "timestampdiff(DAY, 2024-01-01, 2024-01-03)")
  t.eq(expr("date_diff(WEEK, '2024-01-01', '2024-01-15')"), "2")
  -- a month or a year counts once its day and time are reached
  t.eq(expr("timestampdiff(MONTH, '2024-01-31', '2024-02-29')"), "0")
  t.eq(expr("timestampdiff(YEAR, '2020-02-29', '2021-02-28')"), "0")
  t.eq(expr("timestampdiff(QUARTER, '2024-01-15', '2024-07-14 23:59:59')"), "1")
  t.eq(expr("timestampdiff(MONTH, '2024-03-15 10:00:00', '2024-01-15 11:00:00')"), "-1")
  t.eq(expr("timestampdiff(DAY, '2024-01-01 10:00:00', '2023-12-31 11:00:00')"), "0")
  t.eq(expr("timestampdiff(WEEK, '2024-01-15', '2024-01-02')"), "-1")
  -- smaller units truncate toward zero, before the epoch too
  t.eq(expr("timestampdiff(MILLISECOND, TIMESTAMP '2024-01-01 00:00:00.0019', TIMESTAMP '2024-01-01 00:00:00')"),
    "-1")
  t.eq(expr("timestampdiff(SECOND, TIMESTAMP '1969-12-31 23:59:59.5', TIMESTAMP '1970-01-01 00:00:00.4')"), "0")
  t.eq(expr("timestampdiff(MICROSECOND, TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-02 00:00:00')"),
    "86400000000")
  -- with two arguments, datediff is days between dates
  t.eq(expr("datediff('2009-07-31', '2009-07-30')"), "1")
end)

t.test("timestampadd and timestampdiff across daylight-saving changes", function()
  in_zone("America/Los_Angeles", function()
    -- hours are exact time; days move the wall clock
    t.eq(expr("timestampadd(HOUR, 1, TIMESTAMP '2024-03-10 01:30:00')"), "2024-03-10 03:30:00")
    t.eq(expr("timestampadd(HOUR, 24, TIMESTAMP '2024-03-09 12:00:00')"), "2024-03-10 13:00:00")
    t.eq(expr("timestampadd(DAY, 1, TIMESTAMP '2024-03-09 12:00:00')"), "2024-03-10 12:00:00")
    -- a wall-clock time the change skips moves forward by the gap
    t.eq(expr("timestampadd(DAY, 1, TIMESTAMP '2024-03-09 02:30:00')"), "2024-03-10 03:30:00")
    t.eq(expr("timestampadd(MONTH, 1, TIMESTAMP '2024-02-10 02:15:00')"), "2024-03-10 03:15:00")
    -- a time that happens twice keeps the offset it had (PDT here)
    t.eq(expr("unix_seconds(timestampadd(DAY, 1, TIMESTAMP '2024-11-02 01:30:00'))"), "1730622600")
    t.eq(expr("unix_seconds(timestampadd(HOUR, 1, TIMESTAMP '2024-11-03 01:30:00-07:00'))"), "1730626200")
    t.eq(expr("timestampadd(HOUR, 1, TIMESTAMP '2024-11-03 01:30:00-07:00')"), "2024-11-03 01:30:00")
    -- differences are between wall-clock times: 01:00 to 03:00 is two
    -- hours though one passed
    t.eq(expr("timestampdiff(HOUR, TIMESTAMP '2024-03-10 01:00:00', TIMESTAMP '2024-03-10 03:00:00')"), "2")
    t.eq(expr("timestampdiff(DAY, TIMESTAMP '2024-03-09 12:00:00', TIMESTAMP '2024-03-10 11:59:59')"), "0")
    t.eq(expr("timestampdiff(DAY, TIMESTAMP '2024-03-09 12:00:00', TIMESTAMP '2024-03-10 12:00:00')"), "1")
    t.eq(expr("timestampdiff(MINUTE, TIMESTAMP '2024-11-03 01:30:00-07:00', TIMESTAMP '2024-11-03 01:30:00-08:00')"),
      "0")
  end)
  -- in UTC the same instants are an hour apart
  t.eq(expr("timestampdiff(MINUTE, TIMESTAMP '2024-11-03 01:30:00-07:00', TIMESTAMP '2024-11-03 01:30:00-08:00')"),
    "60")
end)

t.test("timestampadd and timestampdiff: nulls, columns, overflow and bad units", function()
  local df = spark:range(3):selectExpr("CAST(CASE id WHEN 0 THEN 1 WHEN 2 THEN 2 END AS int) AS n",
    "CASE WHEN id < 2 THEN TIMESTAMP '2024-01-31 10:00:00' END AS ts")
  t.same_table(t.rows(df:selectExpr("timestampadd(MONTH, n, ts)")), { "2024-02-29 10:00:00", "null", "null" })
  t.same_table(t.rows(df:selectExpr("timestampdiff(HOUR, ts, timestampadd(DAY, n, ts))")), { "24", "null", "null" })
  t.eq(expr("timestampadd(DAY, NULL, TIMESTAMP '2024-01-01 00:00:00')"), "null")
  t.eq(expr("timestampdiff(DAY, NULL, TIMESTAMP '2024-01-01 00:00:00')"), "null")
  -- (raised when the batch runs, as Spark raises it)
  t.has(t.raises(function() expr("timestampadd(YEAR, 2147483647, TIMESTAMP '2024-01-01 00:00:00')") end),
    "[DATETIME_OVERFLOW] Datetime operation overflow: add 2147483647 YEAR")
  t.has(t.raises(function() expr("timestampadd(DAY, 2147483647, TIMESTAMP '2024-01-01 00:00:00')") end),
    "DATETIME_OVERFLOW")
  t.raises_at_caller({
    -- Spark's parser takes the unit as a keyword, never a string
    { function() expr("timestampadd('HOUR', 1, TIMESTAMP '2024-01-01 00:00:00')") end, "without quotes" },
    { function() expr("timestampdiff(FORTNIGHT, TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-02')") end,
      "without quotes" },
    { function() expr("timestampdiff(DAYOFYEAR, TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-02')") end,
      "DATETIME_UNIT" },
    { function() expr("timestampadd(DAY, 1, true)") end, "a timestamp" },
  })
end)

t.test("to_unix_timestamp, try_to_timestamp and to_timestamp_ltz", function()
  in_zone("America/Los_Angeles", function()
    -- Spark's examples, in Los Angeles
    t.eq(expr("to_unix_timestamp('2016-04-08', 'yyyy-MM-dd')"), "1460098800")
    local df = spark:createDataFrame({ { "2016-04-08" } }, "e string")
    t.same_table(t.rows(df:select(F.to_unix_timestamp(df.e, F.lit("yyyy-MM-dd")):alias("r"))), { "1460098800" })
    t.same_table(t.rows(df:select(F.to_unix_timestamp("e", "yyyy-MM-dd"))), { "1460098800" })
  end)
  t.eq(named("to_unix_timestamp('2016-04-08 00:00:00')"), "to_unix_timestamp(2016-04-08 00:00:00, yyyy-MM-dd HH:mm:ss)")
  t.eq(expr("to_unix_timestamp('2016-04-08 00:00:01')"), "1460073601")
  t.eq(expr("to_unix_timestamp(TIMESTAMP '1970-01-01 00:00:09')"), "9")
  t.eq(expr("to_unix_timestamp('2016-04-08', 'dd/MM')"), "null")
  local name, type = named("to_unix_timestamp('2016-04-08', 'yyyy-MM-dd')")
  t.eq(name, "to_unix_timestamp(2016-04-08, yyyy-MM-dd)")
  t.eq(type, T.long)
  -- try_to_timestamp: NULL where the text does not parse (as to_timestamp
  -- outside ANSI mode)
  t.eq(expr("try_to_timestamp('2016-12-31 00:12:00')"), "2016-12-31 00:12:00")
  t.eq(expr("try_to_timestamp('2016-12-31', 'yyyy-MM-dd')"), "2016-12-31 00:00:00")
  t.eq(expr("try_to_timestamp('foo', 'yyyy-MM-dd')"), "null")
  t.eq(expr("try_to_timestamp('foo')"), "null")
  t.eq(named("try_to_timestamp('foo', 'yyyy-MM-dd')"), "try_to_timestamp(foo, yyyy-MM-dd)")
  local ts = spark:createDataFrame({ { "1997-02-28 10:30:00" } }, "t string")
  t.same_table(t.rows(ts:select(F.try_to_timestamp(ts.t):alias("dt"))), { "1997-02-28 10:30:00" })
  t.same_table(t.rows(ts:select(F.try_to_timestamp(ts.t, F.lit("yyyy-MM-dd HH:mm:ss")):alias("dt"))),
    { "1997-02-28 10:30:00" })
  -- to_timestamp_ltz: to_timestamp, TIMESTAMP being Spark's TIMESTAMP_LTZ
  local e = spark:createDataFrame({ { "2016-12-31" } }, "e string")
  t.same_table(t.rows(e:select(F.to_timestamp_ltz(e.e, F.lit("yyyy-MM-dd")):alias("r"))), { "2016-12-31 00:00:00" })
  t.same_table(t.rows(e:select(F.to_timestamp_ltz(e.e):alias("r"))), { "2016-12-31 00:00:00" })
  t.eq(expr("to_timestamp_ltz('2016-12-31 00:12:00')"), "2016-12-31 00:12:00")
  t.eq(expr("to_timestamp_ltz(1)"), "1970-01-01 00:00:01")
  local name2, type2 = named("to_timestamp_ltz('2016-12-31', 'yyyy-MM-dd')")
  t.eq(name2, "to_timestamp_ltz(2016-12-31, yyyy-MM-dd)")
  t.eq(type2, T.timestamp)
end)

t.test("make_timestamp_ltz and current_timezone", function()
  local df = spark:createDataFrame({ { 2014, 12, 28, 6, 30, 45.887, "CET" } },
    "year int, month int, day int, hour int, min int, sec double, timezone string")
  in_zone("America/Los_Angeles", function()
    t.same_table(t.rows(df:select(F.make_timestamp_ltz(df.year, df.month, df.day, df.hour, df.min, df.sec,
      "CET"):alias("r"))), { "2014-12-27 21:30:45.887" })
    t.same_table(t.rows(df:select(F.make_timestamp_ltz(df.year, df.month, df.day, df.hour, df.min, df.sec)
      :alias("r"))), { "2014-12-28 06:30:45.887" })
    t.eq(expr("current_timezone()"), "America/Los_Angeles")
    t.same_table(t.rows(spark:range(1):select(F.current_timezone())), { "America/Los_Angeles" })
  end)
  t.eq(expr("make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887)"), "2014-12-28 06:30:45.887")
  t.eq(named("make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887, 'CET')"),
    "make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887, CET)")
  t.eq(expr("make_timestamp_ltz(2019, 13, 1, 10, 11, 12, 'PST')"), "null")
  t.eq(expr("current_timezone()"), "UTC")
  local name, type = named("current_timezone()")
  t.eq(name, "current_timezone()")
  t.eq(type, T.string)
  in_zone("+02:00", function() t.eq(expr("current_timezone()"), "+02:00") end)
end)

t.test("window_time: the last instant of a window", function()
  local df = spark:createDataFrame({ { "2016-03-11 09:00:07", 1 } }, "date string, val int")
    :selectExpr("CAST(date AS timestamp) AS date", "val")
  local w = df:groupBy(F.window("date", "5 seconds")):agg(F.sum("val"):alias("sum"))
  local out = w:select(F.col("window.start"):cast("string"):alias("start"),
    F.col("window.end"):cast("string"):alias("end"),
    F.window_time(w.window):cast("string"):alias("window_time"), "sum")
  t.same_table(t.rows(out), { "2016-03-11 09:00:05|2016-03-11 09:00:10|2016-03-11 09:00:09.999999|1" })
  local named_df = w:select(F.window_time("window"))
  t.eq(named_df.columns[1], "window_time(window)")
  t.eq(named_df.schema.fields[1].dataType, T.timestamp)
  t.same_table(t.rows(w:selectExpr("window_time(window)")), { "2016-03-11 09:00:09.999999" })
  t.raises_at_caller({
    { function() local _ = df:select(F.window_time("date")) end, "window_time needs a window column" },
  })
end)

t.test("to_char and to_varchar of dates, timestamps and binary", function()
  t.eq(expr("to_char(DATE '2016-04-08', 'y')"), "2016")
  t.eq(expr("to_varchar(TIMESTAMP '2024-03-05 10:20:30', 'dd/MM/yyyy HH:mm')"), "05/03/2024 10:20")
  -- Spark makes them date_format, and names them so
  t.eq(named("to_char(DATE '2016-04-08', 'y')"), "date_format(DATE '2016-04-08', y)")
  t.eq(expr("to_char(CAST('Spark SQL' AS binary), 'base64')"), "U3BhcmsgU1FM")
  t.eq(expr("to_char(CAST('Spark SQL' AS binary), 'hex')"), "537061726B2053514C")
  t.eq(expr("to_char(CAST('Spark SQL' AS binary), 'utf-8')"), "Spark SQL")
  in_zone("Asia/Tokyo", function()
    local df = spark:createDataFrame({ { "2024-01-01 00:00:00Z" } }, "s string")
      :selectExpr("CAST(s AS timestamp) AS ts")
    t.same_table(t.rows(df:select(F.to_char("ts", "yyyy-MM-dd HH:mm"))), { "2024-01-01 09:00" })
    t.same_table(t.rows(df:select(F.to_varchar(df.ts, F.lit("HH")))), { "09" })
  end)
  t.eq(expr("to_char(CAST(NULL AS date), 'y')"), "null")
  t.raises_at_caller({
    { function() expr("to_char(true, '999')") end, "to_char takes a number" },
    { function() expr("to_char(CAST('x' AS binary), 'octal')") end, "'base64', 'hex' or 'utf-8'" },
  })
end)

t.test("what returns TIMESTAMP_NTZ: Spark's examples (tests/lua/test_timestamp_ntz.lua has the rest)", function()
  local df = spark:createDataFrame({ { "2016-12-31 00:12:00" } }, "s string")
  t.eq(expr("CAST(to_timestamp_ntz('2016-12-31 00:12:00') AS STRING)"), "2016-12-31 00:12:00")
  t.eq(t.rows(df:select(F.to_timestamp_ntz("s"):cast("string")))[1], "2016-12-31 00:12:00")
  t.eq(expr("CAST(make_timestamp_ntz(2014, 12, 28, 6, 30, 45.887) AS STRING)"), "2014-12-28 06:30:45.887")
  t.eq(expr("typeof(localtimestamp())"), "timestamp_ntz")
  t.eq(expr("CAST(convert_timezone('Europe/Brussels', 'America/Los_Angeles', TIMESTAMP_NTZ '2021-12-06 00:00:00')"
    .. " AS STRING)"), "2021-12-05 15:00:00")
  t.eq(t.rows(df:select(F.convert_timezone(F.lit("UTC"), F.lit("Asia/Tokyo"), "s"):cast("string")))[1],
    "2016-12-31 09:12:00")
end)

t.run()
