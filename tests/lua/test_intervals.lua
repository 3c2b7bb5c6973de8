-- Spark 3.5's ANSI interval types (DayTimeIntervalType and
-- YearMonthIntervalType): literals and their types, names and text,
-- datetime differences, arithmetic, comparisons, aggregates, CAST,
-- make_dt_interval / make_ym_interval, extract, collect's values and what
-- the sinks write. Every expected value is Apache Spark 3.5.3's (spark.sql
-- in local mode, session time zone UTC).
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local T = tide.types
local spark = tide.session()

-- The rows of a query as show prints its cells (intervals as their text).
local function shown(df) return t.rows(require("tide.interval_values").shown(df)) end

local function one(sql) return shown(spark:sql(sql))[1] end

local function types_of(df)
  local out = {}
  for i, f in ipairs(df.schema.fields) do out[i] = f.dataType:simpleString() end
  return out
end

t.test("interval literals: Spark's types, column names and text", function()
  local df = spark:sql("SELECT INTERVAL 1 HOUR, INTERVAL '90' MINUTES, INTERVAL 1 DAY 12 HOURS, "
    .. "INTERVAL '1 hour 30 minutes', INTERVAL -5 SECONDS, INTERVAL 1.5 SECONDS, INTERVAL 2 WEEKS, "
    .. "INTERVAL 100 MILLISECONDS, INTERVAL 7 MICROSECONDS")
  t.same_table(df.columns, { "INTERVAL '01' HOUR", "INTERVAL '90' MINUTE", "INTERVAL '1 12' DAY TO HOUR",
    "INTERVAL '01:30' HOUR TO MINUTE", "INTERVAL '-05' SECOND", "INTERVAL '01.5' SECOND", "INTERVAL '14' DAY",
    "INTERVAL '00.1' SECOND", "INTERVAL '00.000007' SECOND" })
  t.same_table(types_of(df), { "interval hour", "interval minute", "interval day to hour", "interval hour to minute",
    "interval second", "interval second", "interval day", "interval second", "interval second" })
  t.same_table(shown(df), { table.concat(df.columns, "|") })
  -- the ANSI forms, negative ones too
  df = spark:sql("SELECT INTERVAL '1 02:03:04.5' DAY TO SECOND, INTERVAL '10:30' HOUR TO MINUTE, "
    .. "INTERVAL '-10:30' HOUR TO MINUTE, INTERVAL '12:34:56.789' HOUR TO SECOND, INTERVAL '1 02' DAY TO HOUR, "
    .. "INTERVAL '1 02:03' DAY TO MINUTE, INTERVAL '30:15.5' MINUTE TO SECOND, INTERVAL '5' DAY, "
    .. "INTERVAL '100' SECOND, INTERVAL '-1 02:03:04' DAY TO SECOND")
  t.same_table(types_of(df), { "interval day to second", "interval hour to minute", "interval hour to minute",
    "interval hour to second", "interval day to hour", "interval day to minute", "interval minute to second",
    "interval day", "interval second", "interval day to second" })
  t.same_table(shown(df), { "INTERVAL '1 02:03:04.5' DAY TO SECOND|INTERVAL '10:30' HOUR TO MINUTE|"
    .. "INTERVAL '-10:30' HOUR TO MINUTE|INTERVAL '12:34:56.789' HOUR TO SECOND|INTERVAL '1 02' DAY TO HOUR|"
    .. "INTERVAL '1 02:03' DAY TO MINUTE|INTERVAL '30:15.5' MINUTE TO SECOND|INTERVAL '5' DAY|"
    .. "INTERVAL '100' SECOND|INTERVAL '-1 02:03:04' DAY TO SECOND" })
  -- year-month ones
  df = spark:sql("SELECT INTERVAL 1 MONTH, INTERVAL 2 YEARS, INTERVAL 1 YEAR 2 MONTHS, INTERVAL '1-2' YEAR TO MONTH, "
    .. "INTERVAL '-1-2' YEAR TO MONTH, INTERVAL 14 MONTHS, INTERVAL '3' YEAR")
  t.same_table(types_of(df), { "interval month", "interval year", "interval year to month", "interval year to month",
    "interval year to month", "interval month", "interval year" })
  t.same_table(shown(df), { "INTERVAL '1' MONTH|INTERVAL '2' YEAR|INTERVAL '1-2' YEAR TO MONTH|"
    .. "INTERVAL '1-2' YEAR TO MONTH|INTERVAL '-1-2' YEAR TO MONTH|INTERVAL '14' MONTH|INTERVAL '3' YEAR" })
  t.eq(one("SELECT typeof(INTERVAL 1 HOUR), typeof(INTERVAL 1 DAY), typeof(INTERVAL 1 MONTH), "
    .. "typeof(INTERVAL 1 YEAR 2 MONTHS), typeof(INTERVAL '10:30' HOUR TO MINUTE)"),
    "interval hour|interval day|interval month|interval year to month|interval hour to minute")
  t.raises(function() spark:sql("SELECT INTERVAL 1 YEAR 2 HOURS") end, "Cannot mix year%-month and day%-time fields")
  t.raises(function() spark:sql("SELECT INTERVAL '1 25:00:00' DAY TO SECOND") end, "does not match day%-time format")
end)

t.test("the types: printSchema, T.parse and their JSON", function()
  local df = spark:sql("SELECT INTERVAL '1 02:03:04.5' DAY TO SECOND AS a, INTERVAL '1-2' YEAR TO MONTH AS b")
  t.eq(df.schema:treeString(), "root\n |-- a: interval day to second (nullable = true)\n"
    .. " |-- b: interval year to month (nullable = true)\n")
  t.eq(T.parse("interval day to second"), T.dayTimeInterval(0, 3))
  t.eq(T.parse("INTERVAL HOUR"):simpleString(), "interval hour")
  t.eq(T.parse("interval year to month").id, T.ID.int)
  t.eq(T.parse("interval minute to second").id, T.ID.long)
  t.ok(T.parse("interval hour") ~= T.long, "an interval is no bigint")
  local st = T.struct { T.field("a", T.dayTimeInterval(1, 2)), T.field("b", T.yearMonthInterval(0, 0)) }
  t.eq(st:json(), '{"type":"struct","fields":[{"name":"a","type":"interval hour to minute","nullable":true,'
    .. '"metadata":{}},{"name":"b","type":"interval year","nullable":true,"metadata":{}}]}')
  t.eq(T.fromJson(st:json()), st)
  t.eq(T.fromDDL("a interval day to second, b interval year"):simpleString(),
    "struct<a:interval day to second,b:interval year>")
  t.raises(function() T.parse("interval second to day") end, "no such interval type")
  t.raises(function() T.parse("interval year to second") end, "no such interval type")
end)

t.test("datetime differences: timestamp - timestamp, date - date", function()
  local df = spark:sql("SELECT timestamp'2024-01-01 10:00:00' - timestamp'2024-01-01 09:00:00', "
    .. "timestamp'2024-01-01 09:00:00' - timestamp'2024-01-03 10:30:00.25', date'2024-03-01' - date'2024-01-01', "
    .. "date'2024-01-01' - timestamp'2024-01-01 10:00:00', "
    .. "timestamp'2024-03-10 12:00:00' - timestamp'2023-03-10 11:59:59.999999'")
  t.same_table(df.columns, { "(TIMESTAMP '2024-01-01 10:00:00' - TIMESTAMP '2024-01-01 09:00:00')",
    "(TIMESTAMP '2024-01-01 09:00:00' - TIMESTAMP '2024-01-03 10:30:00.25')", "(DATE '2024-03-01' - DATE '2024-01-01')",
    "(DATE '2024-01-01' - TIMESTAMP '2024-01-01 10:00:00')",
    "(TIMESTAMP '2024-03-10 12:00:00' - TIMESTAMP '2023-03-10 11:59:59.999999')" })
  t.same_table(types_of(df), { "interval day to second", "interval day to second", "interval day",
    "interval day to second", "interval day to second" })
  t.same_table(shown(df), { "INTERVAL '0 01:00:00' DAY TO SECOND|INTERVAL '-2 01:30:00.25' DAY TO SECOND|"
    .. "INTERVAL '60' DAY|INTERVAL '-0 10:00:00' DAY TO SECOND|INTERVAL '366 00:00:00.000001' DAY TO SECOND" })
  -- a latency over columns, Column API too
  local events = spark:sql("SELECT timestamp'2024-01-01 10:00:00' AS ts, timestamp'2024-01-01 10:30:00.5' AS seen")
  local lat = events:select((F.col("seen") - F.col("ts")):alias("lat"))
  t.eq(lat.schema.fields[1].dataType:simpleString(), "interval day to second")
  t.same_table(shown(lat), { "INTERVAL '0 00:30:00.5' DAY TO SECOND" })
  t.eq(#shown(events:where("seen - ts > INTERVAL 30 MINUTES")), 1)
  t.eq(#shown(events:where("seen - ts > INTERVAL 31 MINUTES")), 0)
end)

t.test("timestamps and dates moved by interval columns", function()
  local df = spark:sql("SELECT timestamp'2024-01-01 00:00:00' + make_dt_interval(1, 2), "
    .. "date'2024-01-31' + make_ym_interval(0, 1), date'2024-01-01' + INTERVAL 36 HOURS, "
    .. "date'2024-03-01' - INTERVAL 1 MONTH, timestamp'2024-03-01 00:00:00' - make_dt_interval(0, 1), "
    .. "timestamp'2024-01-01 10:00:00' - INTERVAL '1 02:03:04.5' DAY TO SECOND")
  t.same_table(df.columns, { "TIMESTAMP '2024-01-01 00:00:00' + make_dt_interval(1, 2, 0, 0.000000)",
    "DATE '2024-01-31' + make_ym_interval(0, 1)", "DATE '2024-01-01' + INTERVAL '36' HOUR",
    "DATE '2024-03-01' - INTERVAL '1' MONTH", "TIMESTAMP '2024-03-01 00:00:00' - make_dt_interval(0, 1, 0, 0.000000)",
    "TIMESTAMP '2024-01-01 10:00:00' - INTERVAL '1 02:03:04.5' DAY TO SECOND" })
  t.same_table(types_of(df), { "timestamp", "date", "timestamp", "date", "timestamp", "timestamp" })
  t.same_table(shown(df), { "2024-01-02 02:00:00|2024-02-29|2024-01-02 12:00:00|2024-02-01|2024-02-29 23:00:00|"
    .. "2023-12-31 07:56:55.5" })
  -- a date moved by an interval day column stays a date
  df = spark:sql("SELECT d + x FROM VALUES (date'2024-02-28', INTERVAL 2 DAYS) AS v(d, x)")
  t.same_table(df.columns, { "date_add(d, extractansiintervaldays(x))" })
  t.same_table(types_of(df), { "date" })
  t.same_table(shown(df), { "2024-03-01" })
  -- as Spark's timestampAddDayTime: the whole days on the session zone's calendar (a DST change between)
  local zone = spark.conf:get("spark.sql.session.timeZone")
  spark.conf:set("spark.sql.session.timeZone", "America/New_York")
  local ok, rows = pcall(shown, spark:sql("SELECT timestamp'2024-03-09 12:00:00' + x, "
    .. "timestamp'2024-03-09 12:00:00' + make_dt_interval(1), timestamp'2024-03-09 12:00:00' + INTERVAL 24 HOURS, "
    .. "timestamp'2024-03-09 12:00:00' + INTERVAL '1 00:00:01' DAY TO SECOND FROM VALUES (INTERVAL 1 DAY) AS t(x)"))
  spark.conf:set("spark.sql.session.timeZone", zone)
  t.ok(ok, rows)
  t.same_table(rows, { "2024-03-10 12:00:00|2024-03-10 12:00:00|2024-03-10 12:00:00|2024-03-10 12:00:01" })
  -- an interval column and a literal meet as intervals
  df = spark:sql("SELECT x - INTERVAL 1 DAY, x + INTERVAL 1 DAY FROM VALUES (INTERVAL '10:30' HOUR TO MINUTE) AS v(x)")
  t.same_table(df.columns, { "(x - INTERVAL '1' DAY)", "(x + INTERVAL '1' DAY)" })
  t.same_table(types_of(df), { "interval day to minute", "interval day to minute" })
  t.same_table(shown(df), { "INTERVAL '-0 13:30' DAY TO MINUTE|INTERVAL '1 10:30' DAY TO MINUTE" })
end)

t.test("F.make_dt_interval and F.make_ym_interval: a field not given is 0, as PySpark's", function()
  local df = spark:createDataFrame({ { 1, 2, 3, 4.5 } }, "d int, h int, m int, s double")
  local r = df:select(F.make_dt_interval(), F.make_dt_interval("d"), F.make_dt_interval(df.d, df.h, df.m, df.s),
    F.make_ym_interval(), F.make_ym_interval("d", "h"))
  t.same_table(r.columns, { "make_dt_interval(0, 0, 0, 0)", "make_dt_interval(d, 0, 0, 0)",
    "make_dt_interval(d, h, m, s)", "make_ym_interval(0, 0)", "make_ym_interval(d, h)" })
  t.same_table(shown(r), { "INTERVAL '0 00:00:00' DAY TO SECOND|INTERVAL '1 00:00:00' DAY TO SECOND|"
    .. "INTERVAL '1 02:03:04.5' DAY TO SECOND|INTERVAL '0-0' YEAR TO MONTH|INTERVAL '1-2' YEAR TO MONTH" })
end)

t.test("interval arithmetic: + -, * and / by numbers (half up), unary minus, abs", function()
  local df = spark:sql("SELECT INTERVAL 1 HOUR + INTERVAL 30 MINUTES, INTERVAL 1 DAY - INTERVAL 1 HOUR, "
    .. "INTERVAL 1 YEAR + INTERVAL 2 MONTHS, INTERVAL 1 HOUR + INTERVAL 1 DAY, INTERVAL 1 MINUTE + INTERVAL 1 SECOND")
  t.same_table(types_of(df), { "interval hour to minute", "interval day to hour", "interval year to month",
    "interval day to hour", "interval minute to second" })
  t.same_table(shown(df), { "INTERVAL '01:30' HOUR TO MINUTE|INTERVAL '0 23' DAY TO HOUR|"
    .. "INTERVAL '1-2' YEAR TO MONTH|INTERVAL '1 01' DAY TO HOUR|INTERVAL '01:01' MINUTE TO SECOND" })
  df = spark:sql("SELECT INTERVAL 1 HOUR * 3, INTERVAL 1 HOUR / 4, INTERVAL 1 HOUR * 1.5, 2 * INTERVAL 1 DAY, "
    .. "INTERVAL 1 DAY * 2.5, INTERVAL 10 SECONDS / 3, INTERVAL 1 DAY / 2.0D, INTERVAL 1 SECOND * 0.0000005D, "
    .. "INTERVAL 3 SECONDS / -2")
  t.same_table(df.columns, { "(INTERVAL '01' HOUR * 3)", "(INTERVAL '01' HOUR / 4)", "(INTERVAL '01' HOUR * 1.5)",
    "(INTERVAL '1' DAY * 2)", "(INTERVAL '1' DAY * 2.5)", "(INTERVAL '10' SECOND / 3)", "(INTERVAL '1' DAY / 2.0)",
    "(INTERVAL '01' SECOND * 5.0E-7)", "(INTERVAL '03' SECOND / -2)" })
  t.eq(types_of(df)[1], "interval day to second")
  t.same_table(shown(df), { "INTERVAL '0 03:00:00' DAY TO SECOND|INTERVAL '0 00:15:00' DAY TO SECOND|"
    .. "INTERVAL '0 01:30:00' DAY TO SECOND|INTERVAL '2 00:00:00' DAY TO SECOND|INTERVAL '2 12:00:00' DAY TO SECOND|"
    .. "INTERVAL '0 00:00:03.333333' DAY TO SECOND|INTERVAL '0 12:00:00' DAY TO SECOND|"
    .. "INTERVAL '0 00:00:00.000001' DAY TO SECOND|INTERVAL '-0 00:00:01.5' DAY TO SECOND" })
  t.eq(one("SELECT INTERVAL 1 YEAR * 3, INTERVAL 1 YEAR / 5, INTERVAL '1-1' YEAR TO MONTH * 1.5, "
    .. "INTERVAL '2' MONTH / 3, INTERVAL '-5' MONTH / 2, INTERVAL '1' MONTH * 2.5"),
    "INTERVAL '3-0' YEAR TO MONTH|INTERVAL '0-2' YEAR TO MONTH|INTERVAL '1-8' YEAR TO MONTH|"
    .. "INTERVAL '0-1' YEAR TO MONTH|INTERVAL '-0-3' YEAR TO MONTH|INTERVAL '0-3' YEAR TO MONTH")
  df = spark:sql("SELECT -INTERVAL 1 HOUR, abs(INTERVAL -5 SECONDS), -INTERVAL 2 MONTHS, "
    .. "abs(INTERVAL '-1-2' YEAR TO MONTH)")
  t.same_table(df.columns, { "(- INTERVAL '01' HOUR)", "abs(INTERVAL '-05' SECOND)", "(- INTERVAL '2' MONTH)",
    "abs(INTERVAL '-1-2' YEAR TO MONTH)" })
  t.same_table(types_of(df), { "interval hour", "interval second", "interval month", "interval year to month" })
  t.same_table(shown(df), { "INTERVAL '-01' HOUR|INTERVAL '05' SECOND|INTERVAL '-2' MONTH|"
    .. "INTERVAL '1-2' YEAR TO MONTH" })
  t.raises(function() shown(spark:sql("SELECT INTERVAL 1 HOUR / 0")) end, "Division by zero")
  t.eq(one("SELECT try_divide(INTERVAL 1 HOUR, 0), try_multiply(INTERVAL 1 HOUR, 2)"),
    "null|INTERVAL '0 02:00:00' DAY TO SECOND")
  t.raises(function() spark:sql("SELECT INTERVAL 1 HOUR + INTERVAL 1 MONTH") end, "data type mismatch")
  t.raises(function() spark:sql("SELECT INTERVAL 1 HOUR + 1") end, "data type mismatch")
  t.raises(function() spark:sql("SELECT INTERVAL 1 HOUR * INTERVAL 1 HOUR") end, "data type mismatch")
end)

t.test("comparisons, ORDER BY, GROUP BY, DISTINCT, CASE and coalesce", function()
  t.eq(one("SELECT INTERVAL 1 HOUR > INTERVAL 59 MINUTES, INTERVAL 1 DAY = INTERVAL 24 HOURS, "
    .. "INTERVAL 1 YEAR < INTERVAL 13 MONTHS"), "true|true|true")
  t.raises(function() spark:sql("SELECT INTERVAL 1 HOUR < INTERVAL 1 MONTH") end, "cannot compare")
  local df = spark:sql("SELECT x FROM VALUES (INTERVAL 1 HOUR), (INTERVAL 1 DAY), (INTERVAL -30 MINUTES) AS t(x) "
    .. "ORDER BY x DESC")
  t.same_table(types_of(df), { "interval day to minute" })
  t.same_table(shown(df), { "INTERVAL '1 00:00' DAY TO MINUTE", "INTERVAL '0 01:00' DAY TO MINUTE",
    "INTERVAL '-0 00:30' DAY TO MINUTE" })
  df = spark:sql("SELECT x, count(*) FROM VALUES (INTERVAL 1 HOUR), (INTERVAL 60 MINUTES), (INTERVAL 2 HOURS) AS t(x)"
    .. " GROUP BY x ORDER BY x")
  t.same_table(types_of(df), { "interval hour to minute", "bigint" })
  t.same_table(shown(df), { "INTERVAL '01:00' HOUR TO MINUTE|2", "INTERVAL '02:00' HOUR TO MINUTE|1" })
  t.same_table(shown(spark:sql("SELECT DISTINCT x FROM VALUES (INTERVAL 1 HOUR), (INTERVAL 60 MINUTES) AS t(x)")),
    { "INTERVAL '01:00' HOUR TO MINUTE" })
  t.eq(one("SELECT greatest(INTERVAL 1 HOUR, INTERVAL 90 MINUTES), least(INTERVAL 1 MONTH, INTERVAL 1 YEAR), "
    .. "INTERVAL 1 HOUR IN (INTERVAL 60 MINUTES, INTERVAL 2 HOURS), INTERVAL 1 HOUR <=> NULL"),
    "INTERVAL '01:30' HOUR TO MINUTE|INTERVAL '0-1' YEAR TO MONTH|true|false")
  df = spark:sql("SELECT x FROM VALUES (INTERVAL 1 HOUR) AS t(x) UNION ALL SELECT INTERVAL 1 DAY")
  t.same_table(types_of(df), { "interval day to hour" })
  t.same_table(shown(df), { "INTERVAL '0 01' DAY TO HOUR", "INTERVAL '1 00' DAY TO HOUR" })
  -- window functions keep the type
  df = spark:sql("SELECT x, sum(x) OVER (ORDER BY x), lag(x) OVER (ORDER BY x), max(x) OVER () "
    .. "FROM VALUES (INTERVAL 1 HOUR), (INTERVAL 2 HOURS) AS t(x)")
  t.same_table(types_of(df), { "interval hour", "interval hour", "interval hour", "interval hour" })
  t.same_table(shown(df), { "INTERVAL '01' HOUR|INTERVAL '01' HOUR|null|INTERVAL '02' HOUR",
    "INTERVAL '02' HOUR|INTERVAL '03' HOUR|INTERVAL '01' HOUR|INTERVAL '02' HOUR" })
  -- a join on intervals of different fields compares their values
  t.same_table(shown(spark:sql("SELECT s, r FROM VALUES (INTERVAL 1 HOUR, 'a'), (INTERVAL 2 HOURS, 'b') AS t(x, s) "
    .. "JOIN VALUES (INTERVAL 60 MINUTES, 'c') AS u(y, r) ON x = y")), { "a|c" })
  df = spark:sql("SELECT coalesce(NULL, INTERVAL 1 HOUR), "
    .. "CASE WHEN true THEN INTERVAL 1 HOUR ELSE INTERVAL 1 DAY END, CAST(NULL AS INTERVAL DAY TO SECOND)")
  t.same_table(types_of(df), { "interval hour", "interval day to hour", "interval day to second" })
  t.same_table(shown(df), { "INTERVAL '01' HOUR|INTERVAL '0 01' DAY TO HOUR|null" })
end)

t.test("aggregates: min, max, sum and avg keep Spark's interval types", function()
  local df = spark:sql("SELECT min(x), max(x), sum(x), avg(x) FROM VALUES (INTERVAL 1 HOUR), (INTERVAL 90 MINUTES), "
    .. "(INTERVAL 2 HOURS) AS t(x)")
  t.same_table(types_of(df), { "interval hour to minute", "interval hour to minute", "interval hour to minute",
    "interval day to second" })
  t.same_table(shown(df), { "INTERVAL '01:00' HOUR TO MINUTE|INTERVAL '02:00' HOUR TO MINUTE|"
    .. "INTERVAL '04:30' HOUR TO MINUTE|INTERVAL '0 01:30:00' DAY TO SECOND" })
  df = spark:sql("SELECT min(x), max(x), sum(x), avg(x) FROM VALUES (INTERVAL 1 MONTH), (INTERVAL 2 MONTHS), "
    .. "(INTERVAL 1 YEAR) AS t(x)")
  t.same_table(types_of(df), { "interval year to month", "interval year to month", "interval year to month",
    "interval year to month" })
  t.same_table(shown(df), { "INTERVAL '0-1' YEAR TO MONTH|INTERVAL '1-0' YEAR TO MONTH|"
    .. "INTERVAL '1-3' YEAR TO MONTH|INTERVAL '0-5' YEAR TO MONTH" })
  -- per group, and the average of no rows is NULL
  df = spark:sql("SELECT k, avg(x) AS a FROM VALUES (1, INTERVAL 1 MONTH), (1, INTERVAL 2 MONTHS), "
    .. "(2, INTERVAL 1 YEAR) AS t(k, x) GROUP BY k ORDER BY k")
  t.same_table(shown(df), { "1|INTERVAL '0-2' YEAR TO MONTH", "2|INTERVAL '1-0' YEAR TO MONTH" })
  t.same_table(shown(spark:sql("SELECT avg(x) FROM VALUES (INTERVAL 1 HOUR) AS t(x) WHERE x IS NULL")), { "null" })
  local hours = spark:sql("SELECT * FROM VALUES (1, INTERVAL 1 HOUR), (1, INTERVAL 3 HOURS) AS t(k, x)")
  t.same_table(shown(hours:groupBy("k"):agg(F.avg("x"), F.max("x"))),
    { "1|INTERVAL '0 02:00:00' DAY TO SECOND|INTERVAL '03' HOUR" })
end)

t.test("avg and sum over windows, and the table form agg({x = \"avg\"})", function()
  local df = spark:sql("SELECT k, avg(x) OVER (PARTITION BY k ORDER BY x) AS a, sum(x) OVER (PARTITION BY k) AS s "
    .. "FROM VALUES (1, INTERVAL '1' HOUR), (1, INTERVAL '2' HOUR), (1, INTERVAL '4' HOUR), (2, INTERVAL '5' MINUTE) "
    .. "AS t(k, x)")
  t.same_table(types_of(df), { "int", "interval day to second", "interval hour to minute" })
  t.same_table(shown(df), { "1|INTERVAL '0 01:00:00' DAY TO SECOND|INTERVAL '07:00' HOUR TO MINUTE",
    "1|INTERVAL '0 01:30:00' DAY TO SECOND|INTERVAL '07:00' HOUR TO MINUTE",
    "1|INTERVAL '0 02:20:00' DAY TO SECOND|INTERVAL '07:00' HOUR TO MINUTE",
    "2|INTERVAL '0 00:05:00' DAY TO SECOND|INTERVAL '00:05' HOUR TO MINUTE" })
  -- year-month ones: the average rounded half up
  df = spark:sql("SELECT avg(x) OVER (PARTITION BY k ORDER BY x), sum(x) OVER (PARTITION BY k) FROM VALUES "
    .. "(1, INTERVAL '1' MONTH), (1, INTERVAL '2' MONTH), (1, INTERVAL '4' MONTH), (2, INTERVAL '5' YEAR) AS t(k, x)")
  t.same_table(types_of(df), { "interval year to month", "interval year to month" })
  t.same_table(shown(df), { "INTERVAL '0-1' YEAR TO MONTH|INTERVAL '0-7' YEAR TO MONTH",
    "INTERVAL '0-2' YEAR TO MONTH|INTERVAL '0-7' YEAR TO MONTH",
    "INTERVAL '0-2' YEAR TO MONTH|INTERVAL '0-7' YEAR TO MONTH",
    "INTERVAL '5-0' YEAR TO MONTH|INTERVAL '5-0' YEAR TO MONTH" })
  df = spark:sql("SELECT avg(x) OVER () FROM VALUES (INTERVAL '1' SECOND), (INTERVAL '2' SECOND), (NULL) AS t(x)")
  t.same_table(df.columns, { "avg(x) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)" })
  t.same_table(shown(df), { "INTERVAL '0 00:00:01.5' DAY TO SECOND", "INTERVAL '0 00:00:01.5' DAY TO SECOND",
    "INTERVAL '0 00:00:01.5' DAY TO SECOND" })
  local hours = spark:sql("SELECT * FROM VALUES (1, INTERVAL '1' HOUR, INTERVAL '1' MONTH), "
    .. "(1, INTERVAL '2' HOUR, INTERVAL '2' MONTH), (2, NULL, NULL) AS t(k, x, y)")
  df = hours:groupBy("k"):agg({ x = "avg", y = "sum" }):orderBy("k")
  t.same_table(df.columns, { "k", "avg(x)", "sum(y)" })
  t.same_table(types_of(df), { "int", "interval day to second", "interval month" })
  t.same_table(shown(df), { "1|INTERVAL '0 01:30:00' DAY TO SECOND|INTERVAL '3' MONTH", "2|null|null" })
end)

t.test("overflow: sums, differences, negation, abs, products and sum fail as Spark's, ANSI mode or not", function()
  local function fails(sql) return t.raises(function() spark:sql(sql):collect() end) end
  local add = "[INTERVAL_ARITHMETIC_OVERFLOW] long overflow. Use 'try_add' to tolerate overflow and return NULL "
    .. "instead."
  t.has(fails("SELECT make_dt_interval(106751991) + make_dt_interval(106751991)"), add)
  t.has(fails("SELECT make_dt_interval(106751991) - make_dt_interval(-106751991)"),
    "[INTERVAL_ARITHMETIC_OVERFLOW] long overflow. Use 'try_subtract' to tolerate overflow and return NULL instead.")
  t.has(fails("SELECT make_ym_interval(178956970) + make_ym_interval(178956970)"),
    "[INTERVAL_ARITHMETIC_OVERFLOW] integer overflow. Use 'try_add' to tolerate overflow and return NULL instead.")
  t.has(fails("SELECT - make_dt_interval(-106751991, -4, 0, -54.775808)"),
    "[INTERVAL_ARITHMETIC_OVERFLOW] long overflow.")
  t.has(fails("SELECT abs(make_ym_interval(0, -2147483648))"), "[ARITHMETIC_OVERFLOW] integer overflow. If necessary "
    .. "set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.")
  t.has(fails("SELECT make_dt_interval(106751991) * 2"), "long overflow")
  t.has(fails("SELECT make_ym_interval(178956970) * 2"), "integer overflow")
  -- sums: of a group, and over a window's frame
  t.has(fails("SELECT sum(x) FROM VALUES (make_dt_interval(106751991)), (make_dt_interval(106751991)) AS t(x)"), add)
  t.has(fails("SELECT avg(x) FROM VALUES (make_ym_interval(178956970)), (make_ym_interval(178956970)) AS t(x)"),
    "[INTERVAL_ARITHMETIC_OVERFLOW] integer overflow. Use 'try_add'")
  t.has(fails("SELECT sum(x) OVER (ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM VALUES "
    .. "(1, make_dt_interval(106751991)), (2, make_dt_interval(106751991)) AS t(k, x)"), add)
  -- try_add, try_subtract and try_multiply give NULL
  local df = spark:sql("SELECT try_add(make_ym_interval(178956970), make_ym_interval(178956970)), "
    .. "try_subtract(make_dt_interval(106751991), make_dt_interval(-106751991)), "
    .. "try_multiply(make_dt_interval(106751991), 2), try_add(INTERVAL 1 HOUR, INTERVAL 30 MINUTES)")
  t.same_table(df.columns, { "try_add(make_ym_interval(178956970, 0), make_ym_interval(178956970, 0))",
    "try_subtract(make_dt_interval(106751991, 0, 0, 0.000000), make_dt_interval(-106751991, 0, 0, 0.000000))",
    "try_multiply(make_dt_interval(106751991, 0, 0, 0.000000), 2)",
    "try_add(INTERVAL '01' HOUR, INTERVAL '30' MINUTE)" })
  t.same_table(types_of(df), { "interval year to month", "interval day to second", "interval day to second",
    "interval hour to minute" })
  t.same_table(shown(df), { "null|null|null|INTERVAL '01:30' HOUR TO MINUTE" })
end)

t.test("CAST: to and from strings, between intervals, to and from integers", function()
  local df = spark:sql("SELECT CAST(INTERVAL 90 MINUTES AS STRING), CAST(INTERVAL '1-2' YEAR TO MONTH AS STRING)")
  t.same_table(df.columns, { "CAST(INTERVAL '90' MINUTE AS STRING)", "CAST(INTERVAL '1-2' YEAR TO MONTH AS STRING)" })
  t.same_table(t.rows(df), { "INTERVAL '90' MINUTE|INTERVAL '1-2' YEAR TO MONTH" })
  df = spark:sql("SELECT CAST('1 02:03:04.5' AS INTERVAL DAY TO SECOND), CAST('1-2' AS INTERVAL YEAR TO MONTH), "
    .. "CAST('INTERVAL \\'1\\' DAY' AS INTERVAL DAY), CAST('10:30' AS INTERVAL HOUR TO MINUTE), "
    .. "CAST('-5' AS INTERVAL MINUTE), CAST(' 1-11 ' AS INTERVAL YEAR TO MONTH)")
  t.same_table(df.columns, { "CAST(1 02:03:04.5 AS INTERVAL DAY TO SECOND)", "CAST(1-2 AS INTERVAL YEAR TO MONTH)",
    "CAST(INTERVAL '1' DAY AS INTERVAL DAY)", "CAST(10:30 AS INTERVAL HOUR TO MINUTE)", "CAST(-5 AS INTERVAL MINUTE)",
    "CAST( 1-11  AS INTERVAL YEAR TO MONTH)" })
  t.same_table(shown(df), { "INTERVAL '1 02:03:04.5' DAY TO SECOND|INTERVAL '1-2' YEAR TO MONTH|INTERVAL '1' DAY|"
    .. "INTERVAL '10:30' HOUR TO MINUTE|INTERVAL '-05' MINUTE|INTERVAL '1-11' YEAR TO MONTH" })
  t.raises(function() shown(spark:sql("SELECT CAST('abc' AS INTERVAL DAY)")) end,
    "Interval string does not match day%-time format of `%[%+|%-%]d`, `INTERVAL %[%+|%-%]'%[%+|%-%]d' DAY` when cast to"
    .. " interval day: abc")
  t.eq(one("SELECT CAST(INTERVAL 26 HOURS AS INTERVAL DAY), "
    .. "CAST(INTERVAL '1 02:03:04' DAY TO SECOND AS INTERVAL HOUR TO MINUTE), "
    .. "CAST(INTERVAL '1-2' YEAR TO MONTH AS INTERVAL YEAR), CAST(5 AS INTERVAL HOUR), CAST(3 AS INTERVAL YEAR)"),
    "INTERVAL '1' DAY|INTERVAL '26:03' HOUR TO MINUTE|INTERVAL '1' YEAR|INTERVAL '05' HOUR|INTERVAL '3' YEAR")
  df = spark:sql("SELECT CAST(INTERVAL 1 HOUR AS BIGINT), CAST(INTERVAL 3 DAYS AS INT), "
    .. "CAST(INTERVAL 14 MONTHS AS INT)")
  t.same_table(types_of(df), { "bigint", "int", "int" })
  t.same_table(t.rows(df), { "1|3|14" })
  -- where an interval meets a string, it is its text
  t.eq(one("SELECT concat('a', INTERVAL 1 HOUR)"), "aINTERVAL '01' HOUR")
end)

t.test("make_dt_interval, make_ym_interval, extract and date_part", function()
  -- Spark's make_interval is of its legacy CalendarIntervalType, which tide has not: the error names these two
  t.has(t.raises(function() spark:sql("SELECT make_interval(1, 2, 3, 4, 5, 6, 7.5)") end),
    "make_dt_interval(days, hours, mins, secs)")
  local df = spark:sql("SELECT make_dt_interval(1, 2, 3, 4.5), make_dt_interval(0, 25), make_dt_interval(), "
    .. "make_ym_interval(1, 2), make_ym_interval(0, 14)")
  t.same_table(df.columns, { "make_dt_interval(1, 2, 3, 4.5)", "make_dt_interval(0, 25, 0, 0.000000)",
    "make_dt_interval(0, 0, 0, 0.000000)", "make_ym_interval(1, 2)", "make_ym_interval(0, 14)" })
  t.same_table(shown(df), { "INTERVAL '1 02:03:04.5' DAY TO SECOND|INTERVAL '1 01:00:00' DAY TO SECOND|"
    .. "INTERVAL '0 00:00:00' DAY TO SECOND|INTERVAL '1-2' YEAR TO MONTH|INTERVAL '1-2' YEAR TO MONTH" })
  df = spark:sql("SELECT extract(DAY FROM INTERVAL '1 02:03:04.5' DAY TO SECOND), "
    .. "extract(HOUR FROM INTERVAL '1 02:03:04.5' DAY TO SECOND), extract(MINUTE FROM INTERVAL '1 02:03:04.5' DAY TO "
    .. "SECOND), extract(SECOND FROM INTERVAL '1 02:03:04.5' DAY TO SECOND), "
    .. "extract(YEAR FROM INTERVAL '1-2' YEAR TO MONTH), extract(MONTH FROM INTERVAL '1-2' YEAR TO MONTH), "
    .. "date_part('hour', INTERVAL 26 HOURS)")
  t.same_table(types_of(df), { "int", "tinyint", "tinyint", "decimal(8,6)", "int", "tinyint", "tinyint" })
  t.eq(df.columns[7], "date_part(hour, INTERVAL '26' HOUR)")
  t.same_table(t.rows(df), { "1|2|3|4.500000|1|2|2" })
  -- negative intervals keep their sign in every part
  t.eq(one("SELECT extract(HOUR FROM INTERVAL '-1 02:03:04.5' DAY TO SECOND), "
    .. "extract(SECOND FROM INTERVAL '-1 02:03:04.5' DAY TO SECOND), "
    .. "extract(DAY FROM INTERVAL '-1 02:03:04.5' DAY TO SECOND), extract(MONTH FROM INTERVAL '-1-2' YEAR TO MONTH)"),
    "-2|-4.500000|-1|-2")
end)

t.test("collect: a day-time interval as its microseconds (as a timestamp), a year-month one as its months", function()
  local row = spark:sql("SELECT INTERVAL '1 02:03:04.5' DAY TO SECOND AS a, INTERVAL -5 SECONDS AS b, "
    .. "INTERVAL '1-2' YEAR TO MONTH AS c, CAST(NULL AS INTERVAL HOUR) AS d, "
    .. "INTERVAL '-0.000001' SECOND AS e"):collect()[1] -- (PySpark: timedelta(...))
  t.eq(row.a, 93784500000)
  t.eq(row.b, -5000000)
  t.eq(row.c, 14)
  t.eq(row.d, nil)
  t.eq(row.e, -1)
  t.eq(tostring(spark:sql("SELECT INTERVAL 90 MINUTES AS m"):first()), "Row(m=5400000000)")
  -- the difference of two collected timestamps is their interval's value
  local r = spark:sql("SELECT timestamp'2024-01-01 10:00:00' AS a, timestamp'2024-01-01 10:30:00.5' AS b, "
    .. "timestamp'2024-01-01 10:30:00.5' - timestamp'2024-01-01 10:00:00' AS lat"):first()
  t.eq(r.b - r.a, r.lat)
  -- and createDataFrame takes them so: collect's rows make the same DataFrame again
  local df = spark:createDataFrame({ { 1, 5400500000, 14 }, { 2, nil, nil } }, "id int, lat interval day to second, "
    .. "age interval year to month")
  t.same_table(shown(df), { "1|INTERVAL '0 01:30:00.5' DAY TO SECOND|INTERVAL '1-2' YEAR TO MONTH", "2|null|null" })
  t.same_table(shown(spark:createDataFrame(df:collect(), df.schema)), shown(df))
end)

t.test("sinks: to_json, toJSON and CSV write the text; JDBC refuses", function()
  t.eq(one("SELECT to_json(named_struct('a', INTERVAL 1 HOUR, 'b', INTERVAL 1 MONTH))"),
    [[{"a":"INTERVAL '01' HOUR","b":"INTERVAL '1' MONTH"}]])
  local df = spark:sql("SELECT timestamp'2024-01-01 10:30:00.5' - timestamp'2024-01-01 10:00:00' AS lat, 1 AS n")
  t.eq(df:toJSON():first().value, [[{"lat":"INTERVAL '0 00:30:00.5' DAY TO SECOND","n":1}]])
  local dir = os.tmpname()
  os.remove(dir)
  df.write:format("csv"):save(dir)
  local lines = {}
  local p = io.popen("cat " .. dir .. "/*.csv")
  for line in p:lines() do lines[#lines + 1] = line end
  p:close()
  os.execute("rm -rf " .. dir)
  t.same_table(lines, { "INTERVAL '0 00:30:00.5' DAY TO SECOND,1" })
  local jdbc = df.write:format("jdbc"):option("url", "postgresql://localhost/x"):option("dbtable", "t")
  t.raises(function() jdbc:save() end,
    "Can't get JDBC type for interval day to second %(column lat%)")
  -- arrays and structs of intervals show their text
  t.same_table(shown(spark:sql("SELECT array(INTERVAL 1 HOUR, INTERVAL 2 HOURS), named_struct('x', INTERVAL 1 MONTH)")),
    { "[INTERVAL '01' HOUR, INTERVAL '02' HOUR]|{INTERVAL '1' MONTH}" })
end)

t.run()
