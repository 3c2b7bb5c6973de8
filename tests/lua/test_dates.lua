-- Date columns (Spark's DateType): building, showing and collecting them,
-- CAST to and from strings and timestamps, comparisons, SQL's DATE
-- literals and date arithmetic, the functions of dates with Spark 3.5's
-- values (the examples of its function docs among them), and the row
-- operations that move dates.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local T = tide.types
local W = tide.Window
local spark = tide.session()

local function dates(values)
  local rows = {}
  for i, v in ipairs(values) do rows[i] = { i, v ~= false and v or nil } end
  return spark:createDataFrame(rows, "i int, d date")
end

local function expr(e) return t.rows(spark:range(1):selectExpr(e))[1] end

t.test("a date column: its type, printSchema, show, collect and createDataFrame", function()
  local df = dates({ "2024-02-29", "1969-12-31", false, "+12024-01-01" })
  t.eq(df.schema.fields[2].dataType, T.date)
  t.eq(T.parse("date"), T.date)
  t.eq(tostring(T.parse("array<date>")), "array<date>")
  t.eq(df.schema:treeString(), "root\n |-- i: integer (nullable = true)\n |-- d: date (nullable = true)\n")
  t.same_table(t.rows(df), { "1|2024-02-29", "2|1969-12-31", "3|null", "4|+12024-01-01" })
  local rows = df:collect()
  t.eq(rows[1].d, "2024-02-29")
  t.eq(rows[3].d, nil)
  t.eq(tostring(rows[2]), "Row(i=2, d='1969-12-31')")
  t.same_table(t.rows(spark:createDataFrame(rows, df.schema)), t.rows(df))
  -- days since 1970-01-01 are taken too
  t.same_table(t.rows(spark:createDataFrame({ { 0 }, { -1 } }, "d date")), { "1970-01-01", "1969-12-31" })
  t.raises_at_caller({
    { function() local _ = spark:createDataFrame({ { "2024-02-30" } }, "d date") end, "a date" },
    { function() local _ = spark:createDataFrame({ { true } }, "d date") end, "a date" },
  })
end)

t.test("CAST from strings reads what Spark's stringToDate reads", function()
  local cases = {
    { "2024-01-05", "2024-01-05" }, { " 2024-1-5 ", "2024-01-05" }, { "2024", "2024-01-01" },
    { "2024-03", "2024-03-01" }, { "2024-01-05T10:00:00Z", "2024-01-05" }, { "2024-01-05 junk", "2024-01-05" },
    { "-0044-03-15", "-0044-03-15" }, { "1234567-01-01", "+1234567-01-01" },
    -- not dates: a bad day, junk before the day, 8-digit years, a year of 3 digits
    { "2023-02-29", "null" }, { "2024-01x", "null" }, { "2024 01", "null" }, { "20240105", "null" },
    { "999-01-01", "null" }, { "", "null" }, { "2024-01-05x", "null" },
  }
  for _, case in ipairs(cases) do
    t.eq(expr(("CAST('%s' AS date)"):format(case[1])), case[2], case[1])
  end
  t.eq(expr("CAST(CAST(NULL AS string) AS date)"), "null")
end)

t.test("CAST to and from timestamps in the session time zone; no numbers", function()
  local df = dates({ "2024-03-31", false })
  spark.conf:set("spark.sql.session.timeZone", "America/Sao_Paulo")
  local ok, err = pcall(function()
    t.same_table(t.rows(df:selectExpr("CAST(d AS timestamp)")), { "2024-03-31 00:00:00", "null" })
    t.same_table(t.rows(df:selectExpr("unix_seconds(CAST(d AS timestamp))")), { "1711854000", "null" })
    -- 01:30 UTC is the evening before in São Paulo
    t.eq(expr("CAST(TIMESTAMP '2024-04-01 01:30:00Z' AS date)"), "2024-03-31")
    -- a day whose midnight clocks skip (Brazil, 2018-11-04) starts at 01:00
    t.eq(expr("CAST(DATE '2018-11-04' AS timestamp)"), "2018-11-04 01:00:00")
  end)
  spark.conf:set("spark.sql.session.timeZone", "UTC")
  assert(ok, err)
  t.eq(expr("CAST(DATE '2024-03-31' AS string)"), "2024-03-31")
  -- to numbers and booleans a date casts as NULL (Spark's non-ANSI Cast)
  t.same_table(t.rows(df:selectExpr("CAST(d AS int)", "CAST(d AS double)", "CAST(d AS boolean)",
    "CAST(d AS decimal(10,2))")), { "null|null|null|null", "null|null|null|null" })
  t.raises_at_caller({
    { function() local _ = df:selectExpr("CAST(i AS date)") end, "cannot cast int to date" },
    { function() local _ = df:select(F.col("d"):cast("binary")) end, "cannot cast date to binary" },
  })
end)

t.test("comparisons: a string is read as a date, a date meets a timestamp at its first instant", function()
  local df = dates({ "2024-01-31", "2023-12-31", false })
  t.same_table(t.rows(df:selectExpr("d < '2024-01-01'")), { "false", "true", "null" })
  t.same_table(t.rows(df:selectExpr("d = '2024-1-31'")), { "true", "false", "null" })
  t.same_table(t.rows(df:selectExpr("d >= TIMESTAMP '2024-01-31 00:00:00'")), { "true", "false", "null" })
  t.same_table(t.rows(df:selectExpr("d < TIMESTAMP '2024-01-31 00:00:01'")), { "true", "true", "null" })
  t.same_table(t.rows(df:filter(F.col("d"):between("2023-12-01", "2023-12-31")):select("i")), { "2" })
  t.same_table(t.rows(df:selectExpr("coalesce(d, TIMESTAMP '2000-01-01 10:00:00')")),
    { "2024-01-31 00:00:00", "2023-12-31 00:00:00", "2000-01-01 10:00:00" })
  t.same_table(t.rows(df:selectExpr("coalesce(d, 'none')")), { "2024-01-31", "2023-12-31", "none" })
end)

t.test("DATE literals and date arithmetic in SQL", function()
  local df = dates({ "2024-02-28", false })
  local out = df:selectExpr("DATE '2024-02-29' AS x", "d + 1", "2 + d", "d - 1", "d + INTERVAL 2 DAYS",
    "d - INTERVAL '12' HOUR", "d > DATE'2024-01-01'")
  t.same_table(out.columns, { "x", "date_add(d, 1)", "date_add(d, 2)", "date_sub(d, 1)",
    "date_add(d, extractansiintervaldays(INTERVAL '2' DAY))", "d - INTERVAL '12' HOUR", "(d > DATE '2024-01-01')" })
  t.same_table(t.rows(out), {
    "2024-02-29|2024-02-29|2024-03-01|2024-02-27|2024-03-01|2024-02-27 12:00:00|true",
    "2024-02-29|null|null|null|null|null|null",
  })
  t.eq(out.schema.fields[2].dataType, T.date)
  t.eq(out.schema.fields[5].dataType, T.date)
  t.eq(out.schema.fields[6].dataType, T.timestamp)
  t.raises_at_caller({
    { function() local _ = df:selectExpr("DATE '2024-02-30'") end, "cannot parse the DATE value: 2024-02-30" },
    { function() local _ = df:selectExpr("1 - d") end, "write the date first" },
    { function() local _ = df:selectExpr("d * 2") end, "needs numbers, not date and int" },
    { function() local _ = df:selectExpr("d + 1.5") end,
      "the second argument of date_add needs to be an int, not decimal(2,1)" },
    { function() local _ = df:selectExpr("d - 1L") end, "the second argument of date_sub needs to be an int, not bigint" },
    { function() local _ = df:selectExpr("date_add(d, '1.5')") end, "needs to be an int, not string" },
  })
end)

t.test("the functions of dates give Spark's values", function()
  local cases = {
    -- Spark's function docs' examples
    { "add_months('2016-08-31', 1)", "2016-09-30" }, { "date_add('2016-07-30', 1)", "2016-07-31" },
    { "date_sub('2016-07-30', 1)", "2016-07-29" }, { "datediff('2009-07-31', '2009-07-30')", "1" },
    { "datediff('2009-07-30', '2009-07-31')", "-1" }, { "last_day('2009-01-12')", "2009-01-31" },
    { "next_day('2015-01-14', 'TU')", "2015-01-20" }, { "trunc('2019-08-04', 'week')", "2019-07-29" },
    { "trunc('2019-08-04', 'quarter')", "2019-07-01" }, { "trunc('2009-02-12', 'MM')", "2009-02-01" },
    { "trunc('2015-10-27', 'YEAR')", "2015-01-01" }, { "make_date(2013, 7, 15)", "2013-07-15" },
    { "make_date(2019, 7, NULL)", "null" }, { "months_between('1997-02-28 10:30:00', '1996-10-30')", "3.94959677" },
    { "months_between('1997-02-28 10:30:00', '1996-10-30', false)", "3.9495967741935485" },
    { "unix_date(DATE '1970-01-02')", "1" }, { "date_from_unix_date(1)", "1970-01-02" },
    { "to_date('2009-07-30 04:17:52')", "2009-07-30" }, { "to_date('2016-12-31', 'yyyy-MM-dd')", "2016-12-31" },
    { "to_date('31/12/2016', 'dd/MM/yyyy')", "2016-12-31" }, { "to_date('2016-12-31', 'dd/MM/yyyy')", "null" },
    { "date_diff('2009-07-31', '2009-07-30')", "1" }, { "dateadd('2016-07-30', 1)", "2016-07-31" },
    -- edges: the month's end kept or clamped, leap years, weekdays, units
    { "add_months('2024-01-31', 1)", "2024-02-29" }, { "date_add('2024-01-31', ' 2')", "2024-02-02" },
    { "greatest(DATE '2024-03-01', TIMESTAMP '2024-02-05 10:00:00')", "2024-03-01 00:00:00" },
    { "least(DATE '2024-03-01', TIMESTAMP '2024-03-01 10:00:00', NULL)", "2024-03-01 00:00:00" }, { "add_months('2024-02-29', 12)", "2025-02-28" },
    { "add_months('2024-03-31', -1)", "2024-02-29" }, { "add_months('2024-01-15', '2')", "2024-03-15" },
    { "last_day('2024-02-10')", "2024-02-29" }, { "last_day('2100-02-10')", "2100-02-28" },
    { "next_day('2015-01-20', 'tuesday')", "2015-01-27" }, { "next_day('2015-01-14', 'Sun')", "2015-01-18" },
    { "next_day('2015-01-14', 'xyz')", "null" }, { "trunc('2019-08-04', 'day')", "null" },
    { "trunc('2019-08-04', 'dd')", "null" }, { "make_date(2019, 13, 1)", "null" },
    { "make_date(2023, 2, 29)", "null" }, { "date_add('2024-01-01', -366)", "2022-12-31" },
    { "date_add(DATE '2024-01-01', 2147483647)", "-5877587-06-21" },
    { "months_between('2024-03-31', '2024-02-29')", "1.0" }, { "months_between('2024-03-15', '2024-03-15 12:00:00')",
      "0.0" },
    { "months_between('2024-01-01', '2024-01-16')", "-0.48387097" },
    { "year('2024-07-04')", "2024" }, { "dayofweek(DATE '2024-07-04')", "5" }, { "weekday(DATE '2024-07-04')", "3" },
    { "weekofyear(DATE '2021-01-03')", "53" }, { "quarter(DATE '2024-07-04')", "3" }, { "hour(DATE '2024-07-04')", "0" },
    { "date_format(DATE '2024-07-04', 'EEE dd/MM/yyyy HH:mm')", "Thu 04/07/2024 00:00" },
    { "unix_timestamp(DATE '1970-01-02')", "86400" }, { "to_timestamp(DATE '2024-07-04')", "2024-07-04 00:00:00" },
    { "date_trunc('month', DATE '2024-07-04')", "2024-07-01 00:00:00" }, { "to_date(NULL)", "null" },
    { "make_timestamp(2014, 12, 28, 6, 30, 45.887)", "2014-12-28 06:30:45.887" },
    { "make_timestamp(2014, 12, 28, 6, 30, 45.887, 'CET')", "2014-12-28 05:30:45.887" },
    { "make_timestamp(2019, 6, 30, 23, 59, 60)", "2019-07-01 00:00:00" },
    { "make_timestamp(2019, 6, 30, 23, 59, 60.5)", "null" }, { "make_timestamp(2019, 13, 1, 10, 11, 12, 'PST')", "null" },
    { "make_timestamp(NULL, 7, 22, 15, 30, 0)", "null" }, { "make_timestamp(2024, 2, 29, 0, 0, '1.5')", "2024-02-29 00:00:01.5" },
    { "make_timestamp(2024, 3, 31, 2, 30, 0, 'Europe/Paris')", "2024-03-31 01:30:00" },
  }
  for _, case in ipairs(cases) do t.eq(expr(case[1]), case[2], case[1]) end
  local df = dates({ "2024-01-31", false })
  local out = df:select(F.date_add("d", 1), F.date_sub("d", F.col("i")), F.add_months("d", 1), F.datediff("d", F.lit("2024-01-01")),
    F.last_day("d"), F.next_day("d", "Mon"), F.trunc("d", "month"), F.to_date(F.lit("05.03.2024"), "dd.MM.yyyy"),
    F.months_between("d", F.lit("2023-12-31")), F.unix_date("d"), F.year("d"))
  t.same_table(out.columns, { "date_add(d, 1)", "date_sub(d, i)", "add_months(d, 1)", "datediff(d, 2024-01-01)",
    "last_day(d)", "next_day(d, Mon)", "trunc(d, month)", "to_date(05.03.2024, dd.MM.yyyy)",
    "months_between(d, 2023-12-31, true)", "unix_date(d)", "year(d)" })
  t.same_table(t.rows(out), { "2024-02-01|2024-01-30|2024-02-29|30|2024-01-31|2024-02-05|2024-01-01|2024-03-05|1.0|19753|2024",
    "null|null|null|null|null|null|null|2024-03-05|null|null|null" })
  t.eq(out.schema.fields[4].dataType, T.int)
  t.eq(out.schema.fields[9].dataType, T.double)
  t.raises_at_caller({
    { function() local _ = df:select(F.date_add("i", 1)) end, "date_add needs a date, not int" },
    { function() local _ = df:select(F.date_add("d", {})) end, "date_add needs a number of days" },
    { function() local _ = df:select(F.trunc("d", 1)) end, "takes the unit second" },
    { function() local _ = df:select(F.next_day("d", 1)) end, "needs a day of the week" },
  })
  t.same_table(t.rows(spark:range(1):select(F.make_timestamp(F.lit(2024), F.lit(1), F.lit(2), F.lit(3), F.lit(4),
    F.lit(5.5), "+02:00"))), { "2024-01-02 01:04:05.5" })
  t.raises_at_caller({
    { function() local _ = spark:range(1):selectExpr("make_timestamp(2024, 1, 1, 0, 0, 0, 'Mars/Base')") end,
      "unknown time zone 'Mars/Base'" },
  })
  t.has(t.raises(function() expr("add_months(DATE '2024-01-01', 2147483647)") end),
    "add_months: the date is out of range")
  -- current_date is the batch's current_timestamp's date
  local now = spark:range(1):selectExpr("current_date() AS d", "CAST(current_timestamp() AS date) AS c"):collect()[1]
  t.eq(now.d, now.c)
  t.eq(spark:range(1):select(F.current_date()).schema.fields[1].dataType, T.date)
end)

t.test("EXTRACT(field FROM x) and date_part(field, x)", function()
  local df = spark:createDataFrame({ { "2024-07-04", "2024-07-04 10:11:12.345678" }, { nil, nil } },
    "d date, ts timestamp")
  local out = df:selectExpr("EXTRACT(YEAR FROM d)", "extract(dow_iso FROM d)", "date_part('doy', ts)",
    "extract(SECOND FROM ts)", "extract(hour FROM d)", "datepart('W', '2021-01-03')", "extract(QTR FROM ts)")
  t.same_table(out.columns, { "extract(YEAR FROM d)", "extract(dow_iso FROM d)", "date_part(doy, ts)",
    "extract(SECOND FROM ts)", "extract(hour FROM d)", "datepart(W, 2021-01-03)", "extract(QTR FROM ts)" })
  t.same_table(t.rows(out), { "2024|4|186|12.345678|0|53|3", "null|null|null|null|null|53|null" })
  t.eq(out.schema.fields[4].dataType, T.decimal(8, 6))
  t.same_table(t.rows(df:select(F.date_part(F.lit("MONTH"), "d"))), { "7", "null" })
  t.same_table(t.rows(df:select(F.extract("dow", "ts"))), { "5", "null" })
  t.raises_at_caller({
    { function() local _ = df:selectExpr("extract(fortnight FROM d)") end, "extract cannot take the field fortnight" },
    { function() local _ = df:selectExpr("extract(YEAR d)") end, "expected FROM" },
  })
end)

t.test("sequence of dates, by a day or an interval of days", function()
  local out = spark:range(1):selectExpr("sequence(DATE '2018-01-01', DATE '2018-01-03') AS up",
    "sequence(DATE '2018-01-03', DATE '2018-01-01') AS down",
    "sequence(to_date('2018-01-01'), to_date('2018-03-01'), INTERVAL 2 WEEKS) AS weeks",
    "sequence(DATE '2018-01-10', DATE '2018-01-01', INTERVAL -3 DAYS) AS back")
  t.eq(out.schema.fields[1].dataType, T.array(T.date, false))
  t.same_table(t.rows(out), { "[2018-01-01, 2018-01-02, 2018-01-03]|[2018-01-03, 2018-01-02, 2018-01-01]|"
    .. "[2018-01-01, 2018-01-15, 2018-01-29, 2018-02-12, 2018-02-26]|[2018-01-10, 2018-01-07, 2018-01-04, 2018-01-01]" })
  t.eq(out:collect()[1].up[3], "2018-01-03")
  t.has(t.raises(function() expr("sequence(DATE '2018-01-01', DATE '2018-02-01', INTERVAL 1 HOUR)") end),
    "sequence step must be an interval day to second of day granularity")
  t.has(t.raises(function() expr("sequence(DATE '2018-01-10', DATE '2018-01-01', INTERVAL 3 DAYS)") end),
    "Illegal sequence boundaries")
end)

t.test("grouping, sorting, aggregates, windows and unions move dates", function()
  local df = spark:createDataFrame({ { "a", "2024-01-31" }, { "a", "2023-05-01" }, { "b", nil }, { "b", "2024-02-29" },
    { "a", "2024-01-31" } }, "k string, d date")
  local agg = df:groupBy("k"):agg(F.min("d"), F.max("d"), F.countDistinct("d"), F.sort_array(F.collect_set("d")), F.first("d"))
    :orderBy("k")
  t.same_table(t.rows(agg), { "a|2023-05-01|2024-01-31|2|[2023-05-01, 2024-01-31]|2024-01-31",
    "b|2024-02-29|2024-02-29|1|[2024-02-29]|null" })
  t.eq(agg.schema.fields[2].dataType, T.date)
  t.same_table(t.rows(df:orderBy(F.desc_nulls_last("d")):select("d")),
    { "2024-02-29", "2024-01-31", "2024-01-31", "2023-05-01", "null" })
  t.same_table(t.rows(df:select("d"):distinct():orderBy("d")), { "null", "2023-05-01", "2024-01-31", "2024-02-29" })
  t.same_table(t.rows(df:groupBy("d"):count():orderBy("d")),
    { "null|1", "2023-05-01|1", "2024-01-31|2", "2024-02-29|1" })
  local lagged = df:withColumn("prev", F.lag("d"):over(W.partitionBy("k"):orderBy("d"))):orderBy("k", "d")
  t.same_table(t.rows(lagged:select("prev")), { "null", "2023-05-01", "2024-01-31", "null", "null" })
  t.same_table(t.rows(df:join(spark:createDataFrame({ { "2024-01-31", 1 } }, "d date, n int"), "d"):select("k", "n")),
    { "a|1", "a|1" })
  local both = df:filter("k = 'b'"):union(spark:createDataFrame({ { "c", "2024-01-01 10:00:00" } }, "k string, d timestamp"))
  t.eq(both.schema.fields[2].dataType, T.timestamp)
  t.same_table(t.rows(both:select("d")), { "null", "2024-02-29 00:00:00", "2024-01-01 10:00:00" })
  local windows = df:groupBy(F.window("d", "1 day")):count():orderBy("window")
  t.same_table(t.rows(windows:select("window.start", "count")),
    { "2023-05-01 00:00:00|1", "2024-01-31 00:00:00|2", "2024-02-29 00:00:00|1" })
  local weeks = df:groupBy(F.window(F.date_add("d", 1), "7 days")):count():orderBy("window")
  t.same_table(t.rows(weeks:select("window.start", "count")),
    { "2023-04-27 00:00:00|1", "2024-02-01 00:00:00|2", "2024-02-29 00:00:00|1" })
  -- a date key meets a timestamp key at its first instant, a string key as a date
  local stamps = spark:createDataFrame({ { "2024-01-31 00:00:00", "x" }, { "2024-02-29 12:00:00", "y" } },
    "t timestamp, tag string")
  t.same_table(t.rows(df:join(stamps, F.col("d"):eq(F.col("t"))):select("k", "tag")), { "a|x", "a|x" })
  local texts = spark:createDataFrame({ { "2024-2-29", "z" } }, "s string, tag string")
  t.same_table(t.rows(df:join(texts, F.col("d"):eq(F.col("s"))):select("k", "tag")), { "b|z" })
  t.raises_at_caller({
    { function() local _ = df:agg(F.avg("d")) end, "avg(d): the column is date" },
    { function() local _ = df:agg(F.sum("d")) end, "sum(d): the column is date" },
  })
end)

t.run()
