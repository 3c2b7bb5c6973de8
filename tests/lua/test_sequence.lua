-- sequence(start, stop[, step]) of dates and timestamps, as Spark 3.5's:
-- stepping by a day-time interval, a year-month one or a day, either way,
-- and Spark's errors; explode(sequence(...)) as a calendar table. Every
-- expected value is Apache Spark 3.5.3's (spark.sql in local mode,
-- session time zone UTC unless a test sets another).
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local T = tide.types
local spark = tide.session()

local function one(sql) return t.rows(spark:sql(sql))[1] end

local function fails(sql) return t.raises(function() spark:sql(sql):collect() end) end

t.test("timestamps by a day-time interval, a month, or a day by default", function()
  local df = spark:sql("SELECT sequence(TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-01-01 03:00:00', "
    .. "INTERVAL 1 HOUR)")
  t.same_table(df.columns, { "sequence(TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 03:00:00', "
    .. "INTERVAL '01' HOUR)" })
  t.eq(df.schema.fields[1].dataType, T.array(T.timestamp, false))
  t.eq(t.rows(df)[1], "[2024-01-01 00:00:00, 2024-01-01 01:00:00, 2024-01-01 02:00:00, 2024-01-01 03:00:00]")
  -- a month from the 31st: the month's last day when it is shorter, each from the start
  t.eq(one("SELECT sequence(TIMESTAMP'2024-01-31 10:00:00', TIMESTAMP'2024-06-01 00:00:00', INTERVAL 1 MONTH)"),
    "[2024-01-31 10:00:00, 2024-02-29 10:00:00, 2024-03-31 10:00:00, 2024-04-30 10:00:00, 2024-05-31 10:00:00]")
  -- no step: a day towards stop, which need not be reached
  t.eq(one("SELECT sequence(TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-01-04 12:00:00')"),
    "[2024-01-01 00:00:00, 2024-01-02 00:00:00, 2024-01-03 00:00:00, 2024-01-04 00:00:00]")
  t.eq(one("SELECT sequence(TIMESTAMP'2024-01-04 00:00:00', TIMESTAMP'2024-01-01 12:00:00')"),
    "[2024-01-04 00:00:00, 2024-01-03 00:00:00, 2024-01-02 00:00:00]")
  t.eq(one("SELECT sequence(TIMESTAMP'2024-01-01 03:00:00', TIMESTAMP'2024-01-01 00:00:00', INTERVAL -90 MINUTES)"),
    "[2024-01-01 03:00:00, 2024-01-01 01:30:00, 2024-01-01 00:00:00]")
  t.eq(one("SELECT sequence(TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-01-03 00:00:00', "
    .. "INTERVAL '1 12' DAY TO HOUR)"), "[2024-01-01 00:00:00, 2024-01-02 12:00:00]")
  t.eq(one("SELECT sequence(TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-01-01 00:00:01', INTERVAL 0.3 SECONDS)"),
    "[2024-01-01 00:00:00, 2024-01-01 00:00:00.3, 2024-01-01 00:00:00.6, 2024-01-01 00:00:00.9]")
  -- a date meets a timestamp as one
  t.eq(one("SELECT sequence(DATE'2024-01-01', TIMESTAMP'2024-01-02 00:00:00', INTERVAL 12 HOURS)"),
    "[2024-01-01 00:00:00, 2024-01-01 12:00:00, 2024-01-02 00:00:00]")
  -- Spark's loop going down stops one microsecond short of stop, not at it
  t.eq(one("SELECT sequence(TIMESTAMP'2024-01-02 00:00:00', TIMESTAMP'2024-01-01 00:00:00', "
    .. "INTERVAL '-1 0:00:00.000001' DAY TO SECOND)"), "[2024-01-02 00:00:00, 2023-12-31 23:59:59.999999]")
  -- a step of zero from a time to itself is that time
  t.eq(one("SELECT sequence(TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-01-01 00:00:00', INTERVAL 0 HOUR)"),
    "[2024-01-01 00:00:00]")
end)

t.test("dates by months, by days, by a day-time interval of whole days", function()
  local df = spark:sql("SELECT sequence(DATE'2024-01-31', DATE'2024-06-30', INTERVAL 1 MONTH)")
  t.eq(df.schema.fields[1].dataType, T.array(T.date, false))
  t.eq(t.rows(df)[1], "[2024-01-31, 2024-02-29, 2024-03-31, 2024-04-30, 2024-05-31, 2024-06-30]")
  t.eq(one("SELECT sequence(DATE'2024-06-30', DATE'2024-01-31', INTERVAL -1 MONTH)"),
    "[2024-06-30, 2024-05-30, 2024-04-30, 2024-03-30, 2024-02-29]")
  t.eq(one("SELECT sequence(DATE'2024-01-31', DATE'2024-06-30', INTERVAL '1-1' YEAR TO MONTH)"), "[2024-01-31]")
  t.eq(one("SELECT sequence(DATE'2024-01-05', DATE'2024-01-01')"),
    "[2024-01-05, 2024-01-04, 2024-01-03, 2024-01-02, 2024-01-01]")
  t.eq(one("SELECT sequence(DATE'2024-01-01', DATE'2024-01-10', INTERVAL 2 DAYS)"),
    "[2024-01-01, 2024-01-03, 2024-01-05, 2024-01-07, 2024-01-09]")
  -- 36 hours from a date's midnight: the dates the steps fall on
  t.eq(one("SELECT sequence(DATE'2024-01-01', DATE'2024-01-03', INTERVAL 36 HOURS)"), "[2024-01-01, 2024-01-02]")
  -- a column of steps; a NULL argument makes a NULL row
  local rows = t.rows(spark:sql("SELECT sequence(x, y, z) FROM VALUES (DATE'2024-01-01', DATE'2024-01-03', "
    .. "INTERVAL 1 DAY), (DATE'2024-01-01', DATE'2024-01-03', NULL), (DATE'2024-01-09', DATE'2024-01-03', "
    .. "INTERVAL -3 DAY) AS t(x, y, z)"))
  t.same_table(rows, { "[2024-01-01, 2024-01-02, 2024-01-03]", "null", "[2024-01-09, 2024-01-06, 2024-01-03]" })
  t.eq(one("SELECT sequence(DATE'2024-01-01', DATE'2024-03-01', INTERVAL '1' MONTH)[2]"), "2024-03-01")
end)

t.test("explode(sequence(...)) makes a calendar table", function()
  local df = spark:sql("SELECT explode(sequence(DATE'2024-01-30', DATE'2024-05-01', INTERVAL 1 MONTH)) AS d")
  t.same_table(t.rows(df), { "2024-01-30", "2024-02-29", "2024-03-30", "2024-04-30" })
  t.same_table(spark:sql("SELECT explode(sequence(DATE'2024-01-01', DATE'2024-01-03'))").columns, { "col" })
  -- the DataFrame API: F.sequence with an interval column as its step
  local months = spark:range(1):select(F.explode(F.sequence(F.expr("DATE'2024-01-31'"), F.expr("DATE'2024-03-31'"),
    F.expr("INTERVAL 1 MONTH"))):alias("m"))
  t.same_table(t.rows(months), { "2024-01-31", "2024-02-29", "2024-03-31" })
  local hours = spark:range(1):select(F.explode(F.sequence(F.expr("TIMESTAMP'2024-01-01 22:00:00'"),
    F.expr("TIMESTAMP'2024-01-02 00:00:00'"), F.expr("INTERVAL 1 HOUR"))):alias("h"))
  t.same_table(t.rows(hours), { "2024-01-01 22:00:00", "2024-01-01 23:00:00", "2024-01-02 00:00:00" })
end)

t.test("days and months on the session time zone's calendar, the rest in exact time", function()
  local zone = spark.conf:get("spark.sql.session.timeZone")
  spark.conf:set("spark.sql.session.timeZone", "America/New_York")
  local ok, err = pcall(function()
    -- across the change to daylight saving time (2024-03-10): a day, 24 hours too, keeps the local time
    for _, step in ipairs({ "INTERVAL 1 DAY", "INTERVAL 24 HOURS" }) do
      t.eq(one(("SELECT sequence(TIMESTAMP'2024-03-09 00:30:00', TIMESTAMP'2024-03-12 00:30:00', %s)"):format(step)),
        "[2024-03-09 00:30:00, 2024-03-10 00:30:00, 2024-03-11 00:30:00, 2024-03-12 00:30:00]")
    end
    t.eq(one("SELECT sequence(TIMESTAMP'2024-03-10 00:00:00', TIMESTAMP'2024-03-10 05:00:00', INTERVAL 1 HOUR)"),
      "[2024-03-10 00:00:00, 2024-03-10 01:00:00, 2024-03-10 03:00:00, 2024-03-10 04:00:00, 2024-03-10 05:00:00]")
    -- a month onto a local time the change skips: past it by the gap, as ZonedDateTime.plusMonths
    t.eq(one("SELECT sequence(TIMESTAMP'2024-02-10 02:30:00', TIMESTAMP'2024-05-10 03:00:00', INTERVAL 1 MONTH)"),
      "[2024-02-10 02:30:00, 2024-03-10 03:30:00, 2024-04-10 02:30:00, 2024-05-10 02:30:00]")
    t.eq(one("SELECT sequence(DATE'2024-03-09', DATE'2024-03-12')"), "[2024-03-09, 2024-03-10, 2024-03-11, 2024-03-12]")
    -- local date-times (timestamp_ntz) on no zone's calendar: the hour the change skips is there
    local df = spark:sql("SELECT sequence(TIMESTAMP_NTZ'2024-03-10 00:00:00', TIMESTAMP_NTZ'2024-03-10 04:00:00', "
      .. "INTERVAL 1 HOUR)")
    t.eq(df.schema.fields[1].dataType.elementType.ntz, true)
    -- (as show writes them: a local date-time's text, whatever the zone)
    t.eq(t.rows(require("tide.interval_values").shown(df))[1], "[2024-03-10 00:00:00, 2024-03-10 01:00:00, "
      .. "2024-03-10 02:00:00, 2024-03-10 03:00:00, 2024-03-10 04:00:00]")
    df = spark:sql("SELECT sequence(DATE'2024-03-09', TIMESTAMP_NTZ'2024-03-10 00:00:00', INTERVAL 12 HOURS)")
    t.eq(t.rows(require("tide.interval_values").shown(df))[1],
      "[2024-03-09 00:00:00, 2024-03-09 12:00:00, 2024-03-10 00:00:00]")
  end)
  spark.conf:set("spark.sql.session.timeZone", zone)
  if not ok then error(err, 0) end
end)

t.test("Spark's errors: the direction, a zero step, a date's step under a day, too many, the types", function()
  t.has(fails("SELECT sequence(TIMESTAMP'2024-01-01 03:00:00', TIMESTAMP'2024-01-01 00:00:00', INTERVAL 1 HOUR)"),
    "Illegal sequence boundaries: 1704078000000000 to 1704067200000000 by 3600000000")
  t.has(fails("SELECT sequence(TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-01-01 03:00:00', INTERVAL 0 HOUR)"),
    "Illegal sequence boundaries: 1704067200000000 to 1704078000000000 by 0")
  t.has(fails("SELECT sequence(DATE'2024-03-01', DATE'2024-01-01', INTERVAL 1 MONTH)"),
    "Illegal sequence boundaries: 1709251200000000 to 1704067200000000 by 1")
  t.has(fails("SELECT sequence(DATE'2024-01-01', DATE'2024-03-01', INTERVAL -1 DAY)"),
    "Illegal sequence boundaries: 19723 to 19783 by -1")
  t.has(fails("SELECT sequence(DATE'2024-01-01', DATE'2024-01-03', INTERVAL 12 HOURS)"),
    "sequence step must be an interval day to second of day granularity if start and end values are dates")
  t.has(fails("SELECT sequence(DATE'2024-01-01', DATE'2024-03-01', INTERVAL 0 MONTH)"),
    "sequence step must be an interval year to month of day granularity if start and end values are dates")
  t.has(fails("SELECT sequence(TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2124-01-01 00:00:00', INTERVAL 1 SECOND)"),
    "Unsuccessful try to create array with 3155673601 elements due to exceeding the array size limit 2147483632.")
  t.has(fails("SELECT sequence(0L, 3000000000L)"),
    "Unsuccessful try to create array with 3000000001 elements due to exceeding the array size limit 2147483632.")
  for _, sql in ipairs({ "SELECT sequence(DATE'2024-01-01', DATE'2024-01-03', NULL)",
      "SELECT sequence(INTERVAL 1 DAY, INTERVAL 3 DAYS)", "SELECT sequence(1, 5, INTERVAL 1 DAY)",
      "SELECT sequence(DATE'2024-01-01', DATE'2024-01-03', 1)" }) do
    t.has(t.raises(function() spark:sql(sql) end), "data type mismatch")
  end
end)

t.run()
