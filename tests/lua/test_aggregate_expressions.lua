-- Aggregates as Spark plans them around expressions: an aggregate of an
-- expression (sum(n * 2), count(CASE ...)), an expression over aggregates
-- and grouping keys (sum(x) / count(*), avg(x) * 100), a select or
-- selectExpr with aggregates (a global aggregate), first/last,
-- approx_count_distinct, pivot (conditional aggregates), and event-time
-- windows as grouping keys.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local table_of = t.rows

local function rows()
  return spark:createDataFrame({
    { "a", 1, 10.0 }, { "b", 2, nil }, { "a", 3, 30.0 }, { nil, 4, 40.0 }, { "b", nil, 5.0 }, { nil, 6, 60.0 },
  }, "k string, n int, x double")
end

t.test("an aggregate of an expression aggregates the expression's values, named as Spark names it", function()
  local df = rows()
  local agg = df:groupBy("k"):agg(F.sum(F.col("n") * 2), F.count(F.when(F.col("x"):gt(20), 1)),
    F.avg(F.col("n") + F.col("x")):alias("both"), F.max(F.length("k")))
  t.same_table(agg.columns, { "k", "sum((n * 2))", "count(CASE WHEN (x > 20) THEN 1 END)", "both", "max(length(k))" })
  t.same_table(agg.dtypes, { { "k", "string" }, { "sum((n * 2))", "bigint" },
    { "count(CASE WHEN (x > 20) THEN 1 END)", "bigint" }, { "both", "double" }, { "max(length(k))", "int" } })
  -- b: n + x is null in both rows (one of them is null in each).
  t.same_table(table_of(agg), { "a|8|1|22.0|1", "b|4|0|null|1", "null|20|2|55.0|null" })
  -- SQL text, in agg and in selectExpr, the same.
  t.same_table(table_of(df:groupBy("k"):agg(F.expr("sum(n * 2)"), F.expr("count(CASE WHEN x > 20 THEN 1 END)"))),
    { "a|8|1", "b|4|0", "null|20|2" })
  -- A literal: sum(1) counts rows as a sum.
  t.same_table(table_of(df:agg(F.expr("sum(1)"))), { "6" })
  -- count(DISTINCT) of an expression, and the same expression twice.
  local odd = df:agg(F.countDistinct(F.col("n") % 2), F.max(F.col("n") % 2), F.min(F.col("n") % 2))
  t.same_table(odd.columns, { "count(DISTINCT (n % 2))", "max((n % 2))", "min((n % 2))" })
  t.same_table(table_of(odd), { "2|1|0" })
  -- A type the aggregate cannot take is named by its expression.
  t.raises(function() df:agg(F.avg(F.upper("k"))) end, "avg%(upper%(k%)%): the column is string, which avg cannot take")
end)

t.test("an expression over aggregates and keys is computed over the aggregated rows", function()
  local df = rows()
  local agg = df:groupBy("k"):agg((F.sum("n") / F.count("*")):alias("mean"), F.avg("x") * 100,
    F.concat(F.col("k"), F.lit("!")), F.count("*"), F.lit(7))
  t.same_table(agg.columns, { "k", "mean", "(avg(x) * 100)", "concat(k, !)", "count(1)", "7" })
  t.same_table(agg.dtypes[2], { "mean", "double" })
  t.same_table(table_of(agg), { "a|2.0|2000.0|a!|2|7", "b|1.0|500.0|b!|2|7", "null|5.0|5000.0|null|2|7" })
  -- The same aggregate twice, and a key repeated, as Spark allows.
  t.same_table(table_of(df:groupBy("k"):agg(F.max("n"), F.max("n") - F.min("n"), F.col("k"))),
    { "a|3|2|a", "b|2|0|b", "null|6|2|null" })
end)

t.test("groupBy takes expressions as keys, named as Spark names them", function()
  local df = rows()
  local odd = df:groupBy(F.col("n") % 2):count()
  t.same_table(odd.columns, { "(n % 2)", "count" })
  t.same_table(table_of(odd), { "1|2", "0|3", "null|1" })
  local both = df:groupBy((F.col("n") % 2):alias("odd"), "k"):agg(F.max("x"))
  t.same_table(both.columns, { "odd", "k", "max(x)" })
  t.same_table(table_of(both:filter("odd = 0")), { "0|b|null", "0|null|60.0" })
  t.raises(function() df:groupBy(F.col("nope") + 1) end, "nope")
end)

t.test("select and selectExpr with aggregates aggregate the whole DataFrame", function()
  local df = rows()
  local one = df:select(F.avg("x"), F.count("*"), (F.max("n") - F.min("n")):alias("range"))
  t.same_table(one.columns, { "avg(x)", "count(1)", "range" })
  t.same_table(table_of(one), { "29.0|6|5" })
  local expr = df:selectExpr("sum(n) / count(n) AS mean", "count(DISTINCT k)", "max(x)")
  t.same_table(expr.columns, { "mean", "count(DISTINCT k)", "max(x)" })
  t.same_table(table_of(expr), { "3.2|2|60.0" })
  -- Over no rows: one row, as Spark's global aggregate.
  t.same_table(table_of(df:filter("n > 100"):select(F.count("*"), F.sum("n"))), { "0|null" })
  -- A select without aggregates is still a projection.
  t.eq(df:select("k", F.col("n") * 2):count(), 6)
end)

t.test("first and last take a group's first or last row, or its first or last value with ignorenulls", function()
  local df = spark:createDataFrame({
    { "a", nil, "p" }, { "a", 2, nil }, { "b", 3, "q" }, { "a", 4, "r" }, { "b", nil, nil },
  }, "k string, n int, s string")
  local agg = df:groupBy("k"):agg(F.first("n"), F.first("n", true), F.last("s"), F.last("s", true),
    F.expr("first(s, true)"):alias("fs"))
  t.same_table(agg.columns, { "k", "first(n)", "first(n)", "last(s)", "last(s)", "fs" })
  t.same_table(agg.dtypes[2], { "first(n)", "int" })
  t.same_table(table_of(agg), { "a|null|2|r|r|p", "b|3|3|null|q|q" })
  t.same_table(table_of(df:select(F.first("k"), F.last("n", true))), { "a|4" })
  t.raises(function() F.first("n", "yes") end, "ignorenulls is true or false, not a string")
  t.raises(function() df:agg(F.expr("first(n, 1)")) end, "first takes a column and whether to ignore nulls")
end)

t.test("approx_count_distinct is Spark's HyperLogLog++ estimate (exact for a few values), count(DISTINCT) exact",
  function()
  local df = rows()
  local agg = df:agg(F.approx_count_distinct("k"), F.approxCountDistinct("n", 0.05), F.countDistinct("k", "n"))
  t.same_table(agg.columns, { "approx_count_distinct(k)", "approx_count_distinct(n)", "count(DISTINCT k, n)" })
  t.same_table(table_of(agg), { "2|5|3" })
  -- (Spark 3.5: 103 of range(100)'s 100 values)
  t.same_table(table_of(spark:range(100):agg(F.approx_count_distinct("id"), F.countDistinct("id"))), { "103|100" })
  t.raises(function() df:agg(F.approx_count_distinct("k", "x")) end, "the relative error it may have")
end)

t.test("aggregates out of place fail naming what Spark would", function()
  local df = rows()
  t.raises(function() df:groupBy("k"):agg(F.sum("n") + F.col("n")) end,
    "n is neither a grouping key nor inside an aggregate function")
  t.raises(function() df:groupBy("k"):agg(F.col("x")) end, "x is neither a grouping key")
  t.raises(function() df:select(F.avg("x"), "k") end, "k is neither a grouping key")
  t.raises(function() df:agg(F.sum(F.avg("x"))) end, "sum%(avg%(x%)%): an aggregate function cannot take another")
  t.raises(function() df:withColumn("m", F.avg("x")):collect() end,
    "avg is an aggregate function: it belongs in groupBy%(...%):agg%(...%), or in select")
  t.raises(function() df:filter(F.max("n"):gt(1)) end, "max is an aggregate function")
  t.raises(function() df:agg(F.expr("sum(n, x)")) end, "sum%(%) takes one column, not 2")
  -- The error is at the user's line.
  local ok, err = pcall(function() df:groupBy("k"):agg(F.col("x")) end)
  t.ok(not ok and err:find("test_aggregate_expressions.lua:%d+:"), err)
end)

t.test("window(time, duration[, slide[, start]]) groups by tumbling and sliding windows, as Spark's", function()
  local df = spark:createDataFrame({ { "2024-01-01 00:01:00", "a", 1 }, { "2024-01-01 00:04:00", "a", 0 },
    { "2024-01-01 00:11:00", "b", 1 }, { nil, "a", 1 } }, "at timestamp, s string, c int")
  local tumbling = df:groupBy(F.window("at", "10 minutes"), "s"):count()
  t.same_table(tumbling.columns, { "window", "s", "count" })
  t.eq(tumbling.schema.fields[1].dataType:simpleString(), "struct<start:timestamp,end:timestamp>")
  -- A row without a time has no window, as in Spark.
  t.same_table(table_of(tumbling), { "{2024-01-01 00:00:00, 2024-01-01 00:10:00}|a|2",
    "{2024-01-01 00:10:00, 2024-01-01 00:20:00}|b|1" })
  -- Sliding: each row in every window that holds it; ordered by the
  -- window struct (its start, then its end).
  local sliding = df:groupBy(F.window("at", "10 minutes", "5 minutes")):agg(F.sum("c"), F.count("*"))
    :orderBy(F.desc("window"))
  t.same_table(table_of(sliding), {
    "{2024-01-01 00:10:00, 2024-01-01 00:20:00}|1|1", "{2024-01-01 00:05:00, 2024-01-01 00:15:00}|1|1",
    "{2024-01-01 00:00:00, 2024-01-01 00:10:00}|1|2", "{2023-12-31 23:55:00, 2024-01-01 00:05:00}|1|2" })
  -- A start time shifts the windows; the fields are read as Spark's.
  local shifted = df:groupBy(F.window("at", "1 hour", "1 hour", "15 minutes")):count()
  t.same_table(table_of(shifted:select("window.start", "window.end", "count")),
    { "2023-12-31 23:15:00|2024-01-01 00:15:00|3" })
  t.raises(function() F.window("at", "10 minutes", "20 minutes") end,
    "The slide duration %(20 minutes%) must be less than or equal to the windowDuration %(10 minutes%)")
  t.raises(function() F.window("at", "1 month") end, "Intervals greater than a month is not supported")
  t.raises(function() F.window("at", "ten minutes") end, "cannot read the window duration")
  t.raises(function() df:groupBy(F.window("s", "1 minute")) end, "the time column s is string, not a timestamp")
  t.raises(function() df:groupBy(F.window("at", "1 minute"), F.window("at", "2 minutes")) end,
    "Multiple time/session window expressions")
end)

t.test("window(time, duration) in a select: the row's tumbling window, as Spark's; a sliding one only groups", function()
  local df = spark:createDataFrame({ { "2024-01-01 10:03:00" }, { "1969-12-31 23:58:00" }, { nil } }, "ts timestamp")
  local out = df:select(F.window("ts", "5 minutes"), F.window("ts", "1 hour", nil, "15 minutes"):alias("w2"))
  t.eq(out.schema:simpleString(),
    "struct<window:struct<start:timestamp,end:timestamp>,w2:struct<start:timestamp,end:timestamp>>")
  t.same_table(t.rows(out), {
    "{2024-01-01 10:00:00, 2024-01-01 10:05:00}|{2024-01-01 09:15:00, 2024-01-01 10:15:00}",
    "{1969-12-31 23:55:00, 1970-01-01 00:00:00}|{1969-12-31 23:15:00, 1970-01-01 00:15:00}", "null|null" })
  t.same_table(t.rows(spark:sql("SELECT window(TIMESTAMP'2024-01-01 10:03:00', '10 minutes').end AS e")),
    { "2024-01-01 10:10:00" })
  t.raises(function() df:select(F.window("ts", "10 minutes", "5 minutes")) end,
    "a sliding window puts a row in several windows")
  t.raises(function() spark:range(1):select(F.window("id", "10 minutes")) end, "the time column is bigint")
end)

t.test("rollup and cube: grouping sets with Spark's grouping_id, aggregates over the original values", function()
  local df = spark:createDataFrame({ { "fr", "a", 1 }, { "fr", "b", 2 }, { "de", "a", 3 }, { "fr", "a", 4 },
    { nil, "c", 5 } }, "country string, site string, n int")
  local rolled = df:rollup("country", "site"):agg(F.sum("n"), F.count("country"), F.grouping_id(), F.grouping("site"))
  t.same_table(rolled.columns, { "country", "site", "sum(n)", "count(country)", "grouping_id()", "grouping(site)" })
  t.same_table(rolled.dtypes[5], { "grouping_id()", "bigint" })
  -- The full keys first, then each country's subtotal, then the total; a
  -- null country of the data (id 0) is not the total (id 3).
  t.same_table(table_of(rolled), { "fr|a|5|2|0|0", "fr|b|2|1|0|0", "de|a|3|1|0|0", "null|c|5|0|0|0",
    "fr|null|7|3|1|1", "de|null|3|1|1|1", "null|null|5|0|1|1", "null|null|15|4|3|1" })
  local cubed = df:cube("country", "site"):agg(F.count("*"):alias("rows"), F.grouping_id():alias("id"))
    :filter("id = 2")
  t.same_table(table_of(cubed), { "null|a|3|2", "null|b|1|2", "null|c|1|2" })
  t.same_table(table_of(df:rollup("country"):sum("n")), { "fr|7", "de|3", "null|5", "null|15" })
  -- Keys may be read outside aggregates, as in Spark.
  t.same_table(table_of(df:rollup("site"):agg(F.concat(F.col("site"), F.lit("!")), F.max("n"))),
    { "a|a!|4", "b|b!|2", "c|c!|5", "null|null|5" })
  t.raises(function() df:groupBy("country"):agg(F.grouping("country")) end,
    "grouping%(%) can only be used with GroupingSets/Cube/Rollup")
  t.raises(function() df:rollup("country"):agg(F.grouping("site")) end, "the column must be one of the keys")
  t.raises(function() df:cube() end, "cube%(%) needs at least one column")
  t.raises(function() spark.readStream:format("rate"):load():rollup("value") end,
    "rollup on a streaming DataFrame is not there in tide")
end)

local function events()
  return spark:createDataFrame({
    { "a", "x", 1, 2.0 }, { "a", "y", 2, nil }, { "b", "x", 3, 1.0 }, { "a", "x", 4, 5.0 }, { "b", nil, 5, 3.0 },
  }, "k string, p string, n int, v double")
end

t.test("pivot: a column per value, sorted with nulls first; a group without the value has null, counts too", function()
  local df = events()
  local counts = df:groupBy("k"):pivot("p"):count()
  t.same_table(counts.columns, { "k", "null", "x", "y" })
  t.same_table(counts.dtypes[3], { "x", "bigint" })
  t.same_table(table_of(counts), { "a|null|2|1", "b|1|1|null" })
  -- Several aggregates: value_name; an alias names the aggregate.
  local two = df:groupBy("k"):pivot("p", { "x", "y" }):agg(F.sum("n"), F.avg("v"):alias("m"), F.count("v"))
  t.same_table(two.columns, { "k", "x_sum(n)", "x_m", "x_count(v)", "y_sum(n)", "y_m", "y_count(v)" })
  t.same_table(table_of(two), { "a|5|3.5|2|2|null|0", "b|3|1.0|1|null|null|null" })
  -- Values are cast to the pivot column's type, and name their columns so.
  local typed = df:groupBy("k"):pivot("n", { 1, 3, 9 }):agg({ v = "max" })
  t.same_table(typed.columns, { "k", "1", "3", "9" })
  t.same_table(table_of(typed), { "a|2.0|null|null", "b|null|1.0|null" })
  t.same_table(table_of(df:groupBy("k"):pivot("v", { 2 }):sum("n")), { "a|1", "b|null" })
  -- Expressions over aggregates, distinct counts, first(x, true).
  local more = df:groupBy("k"):pivot("p", { "x" }):agg((F.sum("n") * 10):alias("s10"), F.countDistinct("n"),
    F.first("n", true), F.expr("count(*)"))
  t.same_table(more.columns, { "k", "x_s10", "x_count(DISTINCT n)", "x_first(n)", "x_count(1)" })
  t.same_table(table_of(more), { "a|50|2|1|2", "b|30|1|3|1" })
  -- Without grouping keys: one row.
  t.same_table(table_of(df:groupBy():pivot("p", { "x", "y" }):sum("n")), { "8|2" })
end)

t.test("pivot refuses what Spark refuses, and what tide cannot pivot", function()
  local df = events()
  t.raises(function() df:groupBy("k"):pivot("p"):agg(F.col("n")) end,
    "pivot: n is not an aggregate %(Spark: Aggregate expression required for pivot%)")
  t.raises(function() df:groupBy("k"):pivot("p"):agg(F.first("n")) end, "first%(x, true%) %(its first non%-null value%) can be")
  t.raises(function() df:groupBy("k"):pivot("nope") end, 'cannot resolve column "nope"')
  t.raises(function() df:groupBy("k"):pivot("p", "x") end, "values is a list, not a string")
  t.raises(function() df:groupBy("k"):pivot("p"):pivot("k") end, "pivot")
  spark.conf:set("spark.sql.pivotMaxValues", 2)
  local ok, err = pcall(function() df:groupBy("k"):pivot("p"):count() end)
  spark.conf:unset("spark.sql.pivotMaxValues")
  t.ok(not ok and err:find("The pivot column p has more than 2 distinct values", 1, true), err)
  t.ok(err:find("test_aggregate_expressions.lua:%d+:"), err)
end)

t.run()
