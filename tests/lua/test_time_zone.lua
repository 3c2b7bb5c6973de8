-- spark.sql.session.timeZone: the zones the setting takes and refuses, and
-- what Spark 3.5 does in the session's zone — text read without a zone
-- (CAST, to_timestamp, unix_timestamp, createDataFrame), timestamps shown
-- (CAST to string, show(), date_format), their fields and truncations —
-- across 2024's daylight saving changes of Europe/Paris (a gap from 02:00
-- to 03:00 on 31 March, 02:00-03:00 twice on 27 October) and
-- America/Los_Angeles (10 March, 3 November); from_utc_timestamp and
-- to_utc_timestamp; region ids inside timestamp text; and what stays UTC
-- whatever the zone (instants, event-time windows, progress reports).
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local cases = require("expression_cases")
local over, check, list = cases.over, cases.check, cases.list
local spark = tide.session()

local KEY = "spark.sql.session.timeZone"

local in_zone = t.in_zone

-- Instants of 2024's changes, in seconds since the epoch.
local PARIS_SPRING = 1711846800 -- 2024-03-31 01:00:00Z: 02:00 CET becomes 03:00 CEST
local PARIS_AUTUMN = 1729990800 -- 2024-10-27 01:00:00Z: 03:00 CEST becomes 02:00 CET
local LA_SPRING = 1710064800 -- 2024-03-10 10:00:00Z: 02:00 PST becomes 03:00 PDT
local LA_AUTUMN = 1730624400 -- 2024-11-03 09:00:00Z: 02:00 PDT becomes 01:00 PST

-- Texts of timestamp_seconds(v) for v in seconds.
local function shown(seconds, expr)
  return (over("bigint", seconds, expr or "CAST(timestamp_seconds(v) AS string)"))
end

t.test("the setting takes Spark's zone ids and refuses the others at set, naming the value", function()
  for _, zone in ipairs({ "Europe/Paris", "America/Los_Angeles", "+02:00", "-08:00", "+1", "UTC+1", "GMT-05:30",
    "UTC", "GMT", "Z", "Etc/UTC", "PST", "Asia/Kolkata", "Etc/GMT+5" }) do
    spark.conf:set(KEY, zone)
    t.eq(spark.conf:get(KEY), zone)
  end
  spark.conf:set(KEY, "Europe/Paris")
  for _, bad in ipairs({ "Europe/Pariss", "europe/paris", "utc", "+25:00", "+18:01", "Mars/Olympus", "posixrules",
    "localtime", "right/Europe/Paris", "../../../etc/passwd", "", 1 }) do
    local err = t.raises(function() spark.conf:set(KEY, bad) end)
    t.at_caller(err)
    t.has(err, "spark.sql.session.timeZone must be a time zone Spark takes")
    t.has(err, ("not %q"):format(tostring(bad)))
  end
  -- A refused value changes nothing: the zone is still Paris.
  t.eq(spark.conf:get(KEY), "Europe/Paris")
  t.same_table(shown(list(0)), { "1970-01-01 01:00:00" })
  -- Unset, it is UTC again, tide's default (Spark's is the JVM's zone).
  spark.conf:unset(KEY)
  t.eq(spark.conf:get(KEY), "UTC")
  t.same_table(shown(list(0)), { "1970-01-01 00:00:00" })
end)

t.test("CAST between strings and timestamps is in the session zone, across DST changes", function()
  in_zone("Europe/Paris", function()
    check {
      -- Winter +01:00, summer +02:00; 02:30 on 31 March does not exist and
      -- moves forward by the gap's hour; 02:30 on 27 October happens twice
      -- and takes the earlier offset, +02:00 (ZonedDateTime.of).
      { "string", list("2024-01-15 12:00:00", "2024-07-01 12:00:00", "2024-03-31 01:30:00", "2024-03-31 02:30:00",
        "2024-03-31 03:30:00", "2024-10-27 01:30:00", "2024-10-27 02:30:00", "2024-10-27 03:30:00"),
        "unix_seconds(CAST(v AS timestamp))",
        { "1705316400", "1719828000", "1711845000", "1711848600", "1711848600", "1729985400", "1729989000",
          "1729996200" }, "bigint", "unix_seconds(CAST(v AS TIMESTAMP))" },
      -- A zone in the text wins over the session's.
      { "string", list("2024-07-01 12:00:00Z", "2024-07-01T12:00:00+05:30", "2024-07-01 12:00:00 UTC",
        "2024-07-01 12:00:00 America/New_York"), "unix_seconds(CAST(v AS timestamp))",
        { "1719835200", "1719815400", "1719835200", "1719849600" }, "bigint", "unix_seconds(CAST(v AS TIMESTAMP))" },
    }
    -- Instants print as Paris's wall clock: both 02:30s of 27 October
    -- print alike, and the skipped hour never prints.
    t.same_table(shown(list(PARIS_SPRING - 1, PARIS_SPRING, PARIS_AUTUMN - 1800, PARIS_AUTUMN + 1800, 1705320000)),
      { "2024-03-31 01:59:59", "2024-03-31 03:00:00", "2024-10-27 02:30:00", "2024-10-27 02:30:00",
        "2024-01-15 13:00:00" })
  end)
  in_zone("America/Los_Angeles", function()
    check {
      { "string", list("2024-03-10 01:30:00", "2024-03-10 02:30:00", "2024-11-03 01:30:00", "2024-11-03 02:30:00"),
        "unix_seconds(CAST(v AS timestamp))", { "1710063000", "1710066600", "1730622600", "1730629800" }, "bigint",
        "unix_seconds(CAST(v AS TIMESTAMP))" },
    }
    t.same_table(shown(list(LA_SPRING - 1, LA_SPRING, LA_AUTUMN - 1800, LA_AUTUMN + 1800)),
      { "2024-03-10 01:59:59", "2024-03-10 03:00:00", "2024-11-03 01:30:00", "2024-11-03 01:30:00" })
  end)
  -- A fixed offset has no DST.
  in_zone("-08:00", function()
    t.same_table(shown(list(LA_SPRING, 1719835200)), { "2024-03-10 02:00:00", "2024-07-01 04:00:00" })
  end)
end)

t.test("createDataFrame reads text and show() prints in the session zone", function()
  in_zone("Europe/Paris", function()
    local df = spark:createDataFrame({ { "2024-03-31 02:30:00" }, { "2024-10-27 02:30:00" }, { "2024-07-01 00:00" } },
      "ts timestamp")
    local u = {}
    for i, row in ipairs(df:select(F.unix_seconds("ts"):alias("u")):collect()) do u[i] = row.u end
    t.same_table(u, { 1711848600, 1729989000, 1719784800 })
    local printed = {}
    local write = io.write
    io.write = function(...) printed[#printed + 1] = table.concat({ ... }) end
    local ok, err = pcall(function() df:show() end)
    io.write = write
    if not ok then error(err, 0) end
    t.eq(table.concat(printed), table.concat({
      "+-------------------+", "|                 ts|", "+-------------------+", "|2024-03-31 03:30:00|",
      "|2024-10-27 02:30:00|", "|2024-07-01 00:00:00|", "+-------------------+", "", "" }, "\n"))
  end)
end)

t.test("date_format, from_unixtime and the offset letters in the session zone", function()
  in_zone("Europe/Paris", function()
    check {
      { "bigint", list(PARIS_AUTUMN - 1800, PARIS_AUTUMN + 1800),
        "date_format(timestamp_seconds(v), 'yyyy-MM-dd HH:mm:ss XXX|X|xx|Z|ZZZZZ')",
        { "2024-10-27 02:30:00 +02:00|+02|+0200|+0200|+02:00", "2024-10-27 02:30:00 +01:00|+01|+0100|+0100|+01:00" },
        "string", "date_format(timestamp_seconds(v), yyyy-MM-dd HH:mm:ss XXX|X|xx|Z|ZZZZZ)" },
      { "bigint", list(PARIS_SPRING - 1, PARIS_SPRING), "from_unixtime(v)",
        { "2024-03-31 01:59:59", "2024-03-31 03:00:00" }, "string", "from_unixtime(v, yyyy-MM-dd HH:mm:ss)" },
      -- Before 1911 Paris kept its mean time, +00:09:21, which the offset
      -- letters print as Java does (seconds only where the form has them).
      { "bigint", list(-5364662400), "date_format(timestamp_seconds(v), 'HH:mm:ss|X|XXX|XXXXX|xxxx')",
        { "00:09:21|+0009|+00:09|+00:09:21|+000921" }, "string",
        "date_format(timestamp_seconds(v), HH:mm:ss|X|XXX|XXXXX|xxxx)" },
    }
  end)
  in_zone("Asia/Kolkata", function()
    check {
      { "bigint", list(0), "date_format(timestamp_seconds(v), 'HH:mm X XX XXX x Z')",
        { "05:30 +0530 +0530 +05:30 +0530 +0530" }, "string", "date_format(timestamp_seconds(v), HH:mm X XX XXX x Z)" },
    }
  end)
  in_zone("America/Los_Angeles", function()
    check {
      { "bigint", list(LA_AUTUMN - 1800, LA_AUTUMN + 1800), "date_format(timestamp_seconds(v), 'MMM d h:mm a XXX')",
        { "Nov 3 1:30 AM -07:00", "Nov 3 1:30 AM -08:00" }, "string",
        "date_format(timestamp_seconds(v), MMM d h:mm a XXX)" },
    }
  end)
end)

t.test("hour, dayofmonth and the other fields are the local time's, across DST changes", function()
  in_zone("Europe/Paris", function()
    local v = list(PARIS_SPRING - 1, PARIS_SPRING, PARIS_AUTUMN - 1800, PARIS_AUTUMN + 1800, 1711841400)
    check {
      { "bigint", v, "hour(timestamp_seconds(v))", { "1", "3", "2", "2", "0" }, "int", "hour(timestamp_seconds(v))" },
      { "bigint", v, "minute(timestamp_seconds(v))", { "59", "0", "30", "30", "30" }, "int",
        "minute(timestamp_seconds(v))" },
      -- 2024-03-30 23:30Z is already the 31st (a Sunday) in Paris.
      { "bigint", v, "dayofmonth(timestamp_seconds(v))", { "31", "31", "27", "27", "31" }, "int",
        "dayofmonth(timestamp_seconds(v))" },
      { "bigint", list(1711841400), "dayofweek(timestamp_seconds(v))", { "1" }, "int",
        "dayofweek(timestamp_seconds(v))" },
    }
  end)
  in_zone("America/Los_Angeles", function()
    -- 2024-11-03 05:00Z is 22:00 on the 2nd; 08:30Z and 09:30Z are both 01:30.
    local v = list(1730610000, LA_AUTUMN - 1800, LA_AUTUMN + 1800, LA_AUTUMN + 5400)
    check {
      { "bigint", v, "hour(timestamp_seconds(v))", { "22", "1", "1", "2" }, "int", "hour(timestamp_seconds(v))" },
      { "bigint", v, "dayofmonth(timestamp_seconds(v))", { "2", "3", "3", "3" }, "int",
        "dayofmonth(timestamp_seconds(v))" },
      { "bigint", list(1704085200), "year(timestamp_seconds(v))", { "2023" }, "int", "year(timestamp_seconds(v))" },
    }
  end)
end)

t.test("date_trunc in the session zone: an hour keeps its offset, a day starts at its first instant", function()
  in_zone("Europe/Paris", function()
    check {
      -- 02:45 +02:00 and 02:45 +01:00 truncate to their own 02:00.
      { "bigint", list(PARIS_AUTUMN - 900, PARIS_AUTUMN + 2700),
        "unix_seconds(date_trunc('HOUR', timestamp_seconds(v)))", { "1729987200", "1729990800" }, "bigint",
        "unix_seconds(date_trunc(HOUR, timestamp_seconds(v)))" },
      -- The day of the spring change starts at 00:00 +01:00; its month on the 1st, +01:00.
      { "bigint", list(PARIS_SPRING + 3600), "unix_seconds(date_trunc('DAY', timestamp_seconds(v)))",
        { "1711839600" }, "bigint", "unix_seconds(date_trunc(DAY, timestamp_seconds(v)))" },
      { "bigint", list(PARIS_AUTUMN + 3600), "CAST(date_trunc('MONTH', timestamp_seconds(v)) AS string)",
        { "2024-10-01 00:00:00" }, "string",
        "CAST(date_trunc(MONTH, timestamp_seconds(v)) AS STRING)" },
      { "bigint", list(PARIS_AUTUMN + 3600), "unix_seconds(date_trunc('MONTH', timestamp_seconds(v)))",
        { "1727733600" }, "bigint", "unix_seconds(date_trunc(MONTH, timestamp_seconds(v)))" },
      { "bigint", list(PARIS_AUTUMN + 3600), "unix_seconds(date_trunc('WEEK', timestamp_seconds(v)))",
        { "1729461600" }, "bigint", "unix_seconds(date_trunc(WEEK, timestamp_seconds(v)))" },
    }
  end)
  -- Santiago's 2024-09-08 has no midnight: it starts at 01:00 -03 (04:00Z).
  in_zone("America/Santiago", function()
    check {
      { "bigint", list(1725807600), "unix_seconds(date_trunc('DAY', timestamp_seconds(v)))", { "1725768000" },
        "bigint", "unix_seconds(date_trunc(DAY, timestamp_seconds(v)))" },
    }
  end)
end)

t.test("to_timestamp and unix_timestamp with a pattern read local times in the session zone", function()
  in_zone("Europe/Paris", function()
    check {
      { "string", list("2024-03-31 02:30", "2024-10-27 02:30", "2024-10-27 03:30"),
        "unix_seconds(to_timestamp(v, 'yyyy-MM-dd HH:mm'))", { "1711848600", "1729989000", "1729996200" }, "bigint",
        "unix_seconds(to_timestamp(v, yyyy-MM-dd HH:mm))" },
      { "string", list("2024-10-27 02:30:00"), "unix_timestamp(v)", { "1729989000" }, "bigint",
        "unix_timestamp(v, yyyy-MM-dd HH:mm:ss)" },
      -- An offset the pattern reads wins over the session's zone.
      { "string", list("2024-10-27 02:30 +01:00"), "unix_timestamp(v, 'yyyy-MM-dd HH:mm XXX')", { "1729992600" },
        "bigint", "unix_timestamp(v, yyyy-MM-dd HH:mm XXX)" },
      -- Offsets as far as ZoneOffset's ±18:00, and no further.
      { "string", list("2024-01-01 00:00 +18:00", "2024-01-01 00:00 -18:00", "2024-01-01 00:00 +18:30",
        "2024-01-01 00:00 +19:00", "2024-01-01 00:00 -23:00"), "unix_timestamp(v, 'yyyy-MM-dd HH:mm XXX')",
        { "1704002400", "1704132000", "null", "null", "null" }, "bigint", "unix_timestamp(v, yyyy-MM-dd HH:mm XXX)" },
    }
  end)
end)

t.test("from_utc_timestamp and to_utc_timestamp, with a literal or a column zone", function()
  check {
    -- Spark's examples.
    { "string", list("2016-08-31"), "from_utc_timestamp(v, 'Asia/Seoul')", { "2016-08-31 09:00:00" }, "timestamp",
      "from_utc_timestamp(v, Asia/Seoul)" },
    { "string", list("2016-08-31"), "to_utc_timestamp(v, 'Asia/Seoul')", { "2016-08-30 15:00:00" }, "timestamp",
      "to_utc_timestamp(v, Asia/Seoul)" },
    { "ts timestamp, tz string", { { "1997-02-28 10:30:00", "JST" }, { "1997-02-28 10:30:00", "PST" },
      { "1997-02-28 10:30:00", "+05:30" }, { "1997-02-28 10:30:00", nil } }, "from_utc_timestamp(ts, tz)",
      { "1997-02-28 19:30:00", "1997-02-28 02:30:00", "1997-02-28 16:00:00", "null" }, "timestamp",
      "from_utc_timestamp(ts, tz)" },
    { "ts timestamp, tz string", { { "1997-02-28 10:30:00", "JST" }, { "1997-02-28 10:30:00", "PST" } },
      "to_utc_timestamp(ts, tz)", { "1997-02-28 01:30:00", "1997-02-28 18:30:00" }, "timestamp",
      "to_utc_timestamp(ts, tz)" },
    -- Across Paris's changes: the offset in force at the instant; a local
    -- time in the gap moves forward, one in the overlap takes +02:00.
    { "string", list("2024-03-31 00:59:59", "2024-03-31 01:00:00", "2024-10-27 00:30:00", "2024-10-27 01:30:00"),
      "from_utc_timestamp(v, 'Europe/Paris')",
      { "2024-03-31 01:59:59", "2024-03-31 03:00:00", "2024-10-27 02:30:00", "2024-10-27 02:30:00" }, "timestamp",
      "from_utc_timestamp(v, Europe/Paris)" },
    { "string", list("2024-03-31 02:30:00", "2024-10-27 02:30:00", "2024-10-27 03:30:00"),
      "to_utc_timestamp(v, 'Europe/Paris')", { "2024-03-31 01:30:00", "2024-10-27 00:30:00", "2024-10-27 02:30:00" },
      "timestamp", "to_utc_timestamp(v, Europe/Paris)" },
    { "timestamp", list("2024-01-01 00:00:00"), "from_utc_timestamp(v, NULL)", { "null" }, "timestamp",
      "from_utc_timestamp(v, NULL)" },
  }
  -- The zone is the function's, not the session's: the same instants
  -- whatever the session, only printed in its zone.
  in_zone("America/Los_Angeles", function()
    check {
      { "bigint", list(1711846800), "unix_seconds(from_utc_timestamp(timestamp_seconds(v), 'Europe/Paris'))",
        { "1711854000" }, "bigint", "unix_seconds(from_utc_timestamp(timestamp_seconds(v), Europe/Paris))" },
    }
  end)
  local df = spark:createDataFrame({ { "2024-01-01 00:00:00", "Mars/Olympus" } }, "ts timestamp, tz string")
  local err = t.raises(function() df:selectExpr("from_utc_timestamp(ts, 'Europe/Pariss')") end)
  t.has(err, "from_utc_timestamp(ts, Europe/Pariss): unknown time zone 'Europe/Pariss'")
  t.raises(function() df:selectExpr("to_utc_timestamp(ts, tz)"):collect() end,
    "to_utc_timestamp: unknown time zone 'Mars/Olympus'")
  t.raises(function() df:selectExpr("to_utc_timestamp(ts, 1)") end, "to_utc_timestamp needs a time zone string")
  -- PySpark's F.from_utc_timestamp(col, tz), tz a string or a Column.
  local seoul = spark:createDataFrame({ { "2016-08-31 00:00:00", "Asia/Seoul" } }, "ts timestamp, tz string")
  t.same_table(t.rows(seoul:select(F.from_utc_timestamp("ts", "Asia/Seoul"), F.to_utc_timestamp(F.col("ts"),
    F.col("tz")))), { "2016-08-31 09:00:00|2016-08-30 15:00:00" })
  local err2 = t.raises(function() local _ = F.from_utc_timestamp("ts", 9) end)
  t.at_caller(err2)
  t.has(err2, "from_utc_timestamp(timestamp, tz) needs a time zone, a string such as 'Europe/Paris' or a Column")
end)

t.test("an interval's whole days move on the session zone's calendar, the rest in microseconds", function()
  -- Spark's timestampAddDayTime: plusDays on the zoned time, then the rest.
  local df = spark:createDataFrame({ { "2024-03-30 11:00:00" } }, "ts timestamp") -- noon in Paris
  in_zone("Europe/Paris", function()
    t.same_table(t.rows(df:selectExpr("ts + INTERVAL 1 DAY", "ts + INTERVAL 25 HOURS", "ts + INTERVAL 90 MINUTES",
      "ts + INTERVAL 1 DAY - INTERVAL 1 DAY", "unix_seconds(ts + INTERVAL 1 DAY) - unix_seconds(ts)")),
      { "2024-03-31 12:00:00|2024-03-31 13:00:00|2024-03-30 13:30:00|2024-03-30 12:00:00|82800" })
  end)
  t.same_table(t.rows(df:selectExpr("ts + INTERVAL 1 DAY", "unix_seconds(ts + INTERVAL 1 DAY) - unix_seconds(ts)")),
    { "2024-03-31 11:00:00|86400" })
  -- ZonedDateTime.plusDays keeps the offset a time had where the new day
  -- repeats that time: New York's 2024-11-04 01:30 EST (06:30Z) minus a
  -- day is 2024-11-03 01:30 EST (06:30Z), not the overlap's earlier EDT
  -- one (05:30Z); 2024-11-02 01:30 EDT plus a day stays EDT. In the gap
  -- of 10 March, 2024-03-11 02:30 minus a day moves forward to 03:30 EDT.
  local ny = spark:createDataFrame({ { 1730701800 }, { 1730525400 }, { 1710138600 } }, "s bigint")
    :selectExpr("timestamp_seconds(s) AS ts")
  in_zone("America/New_York", function()
    t.same_table(t.rows(ny:selectExpr("unix_seconds(ts - INTERVAL 1 DAY)", "unix_seconds(ts + INTERVAL 1 DAY)",
      "CAST(ts - INTERVAL 1 DAY AS string)", "unix_seconds(ts - INTERVAL '1 day 1 hour')")),
      { "1730615400|1730788200|2024-11-03 01:30:00|1730611800",
        "1730439000|1730611800|2024-11-01 01:30:00|1730435400",
        "1710055800|1710225000|2024-03-10 03:30:00|1710052200" })
  end)
  -- Past a timestamp's range it fails, as Spark's exact arithmetic does.
  local err = t.raises(function()
    spark:createDataFrame({ { "2024-01-01 00:00:00" } }, "ts timestamp"):selectExpr("ts + INTERVAL 106751990 DAYS")
      :collect()
  end)
  t.has(err, "long overflow")
end)

t.test("region ids in timestamp text are read as Spark reads them", function()
  check {
    { "string", list("2024-03-10 12:00:00 Europe/Paris", "2024-03-10 12:00:00America/New_York",
      "2024-03-10 12:00:00 PST", "2024-07-01T12:00:00.5 Asia/Kolkata", "2024-01-01T00:00:00 GMT0",
      "2024-03-10 12:00:00 Europe/Pariss", "2024-03-10 12:00:00 europe/paris", "2024-03-10 12:00 Europe/Paris"),
      "CAST(v AS timestamp)",
      { "2024-03-10 11:00:00", "2024-03-10 16:00:00", "2024-03-10 19:00:00", "2024-07-01 06:30:00.5",
        "2024-01-01 00:00:00", "null", "null", "null" }, "timestamp", "v" },
    -- A gap in the text's own zone moves forward too.
    { "string", list("2024-03-31 02:30:00 Europe/Paris"), "unix_seconds(CAST(v AS timestamp))", { "1711848600" },
      "bigint", "unix_seconds(CAST(v AS TIMESTAMP))" },
  }
  -- from_json reads them too (on the worker threads).
  local df = spark:createDataFrame({ { '{"t": "2024-01-01 09:00:00 Asia/Tokyo"}' }, { '{"t": "2024-01-01 Mars/X"}' } },
    "j string")
  local rows = df:select(F.from_json("j", "t timestamp"):alias("s")):selectExpr("unix_seconds(s.t) AS u"):collect()
  t.eq(rows[1].u, 1704067200)
  t.eq(rows[2].u, nil)
end)

t.test("to_json and the csv and json sinks write the session zone's local time and offset", function()
  -- Spark's yyyy-MM-dd'T'HH:mm:ss.SSSXXX in the session zone: winter and
  -- summer in Paris, both sides of its autumn overlap, Paris's mean time
  -- of 1800 (+00:09:21, whose seconds XXX drops), and Kolkata's +05:30.
  local seconds = { 1705320000, 1719835200, PARIS_AUTUMN - 1800, PARIS_AUTUMN + 1800, -5364662400 }
  local function json_of(zone)
    local out
    in_zone(zone, function()
      out = {}
      local df = spark:createDataFrame((function()
        local rows = {}
        for i, s in ipairs(seconds) do rows[i] = { s } end
        return rows
      end)(), "s bigint"):selectExpr("timestamp_millis(s * 1000 + 250) AS t"):selectExpr("to_json(struct(t)) AS j")
      for i, row in ipairs(df:collect()) do out[i] = row.j end
    end)
    return out
  end
  t.same_table(json_of("Europe/Paris"), {
    '{"t":"2024-01-15T13:00:00.250+01:00"}', '{"t":"2024-07-01T14:00:00.250+02:00"}',
    '{"t":"2024-10-27T02:30:00.250+02:00"}', '{"t":"2024-10-27T02:30:00.250+01:00"}',
    '{"t":"1800-01-01T00:09:21.250+00:09"}' })
  t.eq(json_of("Asia/Kolkata")[1], '{"t":"2024-01-15T17:30:00.250+05:30"}')
  t.eq(json_of("-08:00")[1], '{"t":"2024-01-15T04:00:00.250-08:00"}')
  t.eq(json_of("UTC")[1], '{"t":"2024-01-15T12:00:00.250Z"}')
  -- from_json reads it back to the same instants, in any zone, but for
  -- the seconds XXX dropped (as in Spark: 1800's comes back 21 s late).
  local texts = json_of("Europe/Paris")
  in_zone("America/Los_Angeles", function()
    local rows = {}
    for i, j in ipairs(texts) do rows[i] = { j } end
    local got = {}
    for i, row in ipairs(spark:createDataFrame(rows, "j string")
      :select(F.from_json("j", "t timestamp"):alias("r")):selectExpr("unix_millis(r.t) AS m"):collect()) do
      got[i] = row.m
    end
    t.same_table(got, { 1705320000250, 1719835200250, (PARIS_AUTUMN - 1800) * 1000 + 250,
      (PARIS_AUTUMN + 1800) * 1000 + 250, -5364662400000 + 250 + 21000 })
  end)
  -- The file sinks write the same text, and tide's readers read it back.
  local dir, base = t.tempdir(), t.tempdir()
  t.write(dir .. "/f.csv", "1,2024-10-27 00:30:00.649Z\n2,2024-10-27 01:30:00Z\n")
  in_zone("Europe/Paris", function()
    for _, fmt in ipairs({ "csv", "json" }) do
      local q = spark.readStream:format("csv"):schema("id int, ts timestamp"):load(dir)
        .writeStream:format(fmt):option("path", base .. "/" .. fmt)
        :option("checkpointLocation", base .. "/cp_" .. fmt):trigger { availableNow = true }:start()
      q:awaitTermination(30)
      t.eq(q:exception(), nil)
    end
  end)
  local function text(fmt)
    local name = t.sh("ls -1 '" .. base .. "/" .. fmt .. "'"):match("[^\n]+")
    return t.read(base .. "/" .. fmt .. "/" .. name)
  end
  t.eq(text("csv"), "1,2024-10-27T02:30:00.649+02:00\n2,2024-10-27T02:30:00.000+01:00\n")
  t.eq(text("json"), '{"id":1,"ts":"2024-10-27T02:30:00.649+02:00"}\n{"id":2,"ts":"2024-10-27T02:30:00.000+01:00"}\n')
  for _, df in ipairs({ spark.read:schema("id int, ts timestamp"):csv(base .. "/csv"),
    spark.read:schema("id int, ts timestamp"):json(base .. "/json") }) do
    local got = {}
    for i, row in ipairs(df:orderBy("id"):selectExpr("unix_millis(ts) AS m"):collect()) do got[i] = row.m end
    t.same_table(got, { 1729989000649, 1729992600000 })
  end
end)

t.test("UTC is unchanged, under any of its names, and setting UTC back restores it", function()
  local texts = list("2024-03-31 02:30:00", "2024-10-27 02:30:00", "1969-12-31 23:59:59.5", "+10000-01-01")
  local function utc_case()
    check {
      { "string", texts, "CAST(CAST(v AS timestamp) AS string)",
        { "2024-03-31 02:30:00", "2024-10-27 02:30:00", "1969-12-31 23:59:59.5", "+10000-01-01 00:00:00" },
        "string", "CAST(CAST(v AS TIMESTAMP) AS STRING)" },
      { "string", texts, "unix_seconds(CAST(v AS timestamp))",
        { "1711852200", "1729996200", "-1", "253402300800" }, "bigint", "unix_seconds(CAST(v AS TIMESTAMP))" },
      { "string", texts, "date_format(v, 'HH XXX')", { "02 Z", "02 Z", "23 Z", "00 Z" }, "string",
        "date_format(v, HH XXX)" },
    }
  end
  utc_case()
  for _, zone in ipairs({ "UTC", "Z", "+00:00", "Etc/UTC", "GMT" }) do in_zone(zone, utc_case) end
  spark.conf:set(KEY, "America/Los_Angeles")
  spark.conf:set(KEY, "UTC")
  utc_case()
  spark.conf:unset(KEY)
end)

t.test("instants, event-time windows and progress reports do not depend on the zone", function()
  local events = { { "2024-01-15 00:30:00Z" }, { "2024-01-15 23:30:00Z" } }
  local function windows()
    local df = spark:createDataFrame(events, "ts timestamp")
    local out = {}
    for _, row in ipairs(df:groupBy(F.window("ts", "1 day")):count()
      :select(F.unix_seconds("window.start"):alias("s"), F.col("window.start"):cast("string"):alias("text"))
      :orderBy("s"):collect()) do
      out[#out + 1] = row.s .. " " .. row.text
    end
    return out
  end
  -- Windows are aligned to the epoch, as Spark's: in Paris a day's window
  -- starts at 01:00 local.
  t.same_table(windows(), { "1705276800 2024-01-15 00:00:00" })
  in_zone("Europe/Paris", function() t.same_table(windows(), { "1705276800 2024-01-15 01:00:00" }) end)
  -- A stream's source timestamps are instants, and progress is UTC ('Z').
  in_zone("Asia/Tokyo", function()
    local q = spark.readStream:format("rate"):option("rowsPerSecond", 100):load()
      :selectExpr("unix_seconds(timestamp) AS u", "CAST(timestamp AS string) AS s")
      .writeStream:format("memory"):queryName("zone_rates"):start()
    tide.sleep(0.3)
    q:stop()
    local rows = spark:table("zone_rates"):collect()
    t.ok(#rows > 0, "rows arrived")
    local now = os.time()
    t.ok(math.abs(rows[1].u - now) < 60, "the source's instant is now: " .. rows[1].u)
    t.eq(rows[1].s:sub(1, 19), os.date("!%Y-%m-%d %H:%M:%S", rows[1].u + 9 * 3600))
    local p = q:lastProgress()
    t.ok(p.timestamp:match("^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%.%d%d%dZ$"), p.timestamp)
    t.ok(p.timestamp:sub(1, 13) == os.date("!%Y-%m-%dT%H", now) or p.timestamp:sub(1, 10) ==
      os.date("!%Y-%m-%d", now), "progress is UTC: " .. p.timestamp)
  end)
end)

t.run()
