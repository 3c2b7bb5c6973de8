-- Window functions as Spark's: ranking (row_number, rank, dense_rank,
-- percent_rank, cume_dist, ntile), lag/lead, and aggregates over Spark's
-- default frames, rowsBetween and rangeBetween.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local Window = tide.Window
local spark = tide.session()

local table_of = t.rows

local function events()
  return spark:createDataFrame({
    { "a", 1, 10 }, { "b", 2, 20 }, { "a", 2, 30 }, { "a", 2, 5 }, { "b", nil, 7 }, { "a", 3, 1 }, { "c", 9, nil },
  }, "k string, t int, v int")
end

t.test("ranking functions: ties share a rank, rows come out sorted by partition and order keys", function()
  local w = Window.partitionBy("k"):orderBy("t")
  local df = events():select("k", "t", F.row_number():over(w):alias("rn"), F.rank():over(w):alias("rk"),
    F.dense_rank():over(w):alias("dr"), F.percent_rank():over(w):alias("pr"), F.cume_dist():over(w):alias("cd"),
    F.ntile(3):over(w):alias("nt"))
  t.same_table(df.dtypes, { { "k", "string" }, { "t", "int" }, { "rn", "int" }, { "rk", "int" }, { "dr", "int" },
    { "pr", "double" }, { "cd", "double" }, { "nt", "int" } })
  t.same_table(table_of(df), {
    "a|1|1|1|1|0.0|0.25|1",
    "a|2|2|2|2|0.3333333333333333|0.75|1",
    "a|2|3|2|2|0.3333333333333333|0.75|2",
    "a|3|4|4|3|1.0|1.0|3",
    "b|null|1|1|1|0.0|0.5|1", -- nulls first when ascending, as orderBy
    "b|2|2|2|2|1.0|1.0|2",
    "c|9|1|1|1|0.0|1.0|1",
  })
  -- Descending, nulls last; no partition: one window over every row.
  local global = events():select("t", F.row_number():over(Window.orderBy(F.desc("t"))):alias("rn"))
  t.same_table(table_of(global), { "9|1", "3|2", "2|3", "2|4", "2|5", "1|6", "null|7" })
  -- ntile: the first rows % n buckets one row larger, as Spark's NTile.
  local ten = spark:createDataFrame({ { 1 }, { 2 }, { 3 }, { 4 }, { 5 }, { 6 }, { 7 } }, "x int")
  t.same_table(table_of(ten:select(F.ntile(3):over(Window.orderBy("x")))), { "1", "1", "1", "2", "2", "3", "3" })
end)

t.test("lag and lead read rows of the same partition; the default only where there is no such row", function()
  local w = Window.partitionBy("k"):orderBy("t")
  local df = events():select("k", "v", F.lag("v"):over(w):alias("prev"), F.lead("v", 2, -1):over(w):alias("next2"),
    F.lag(F.col("v") * 10, 1, 0):over(w):alias("prev10"))
  t.same_table(df.dtypes[3], { "prev", "int" })
  t.same_table(table_of(df), {
    "a|10|null|5|0", "a|30|10|1|100", "a|5|30|-1|300", "a|1|5|-1|50",
    "b|7|null|-1|0", "b|20|7|-1|70",
    "c|null|null|-1|0",
  })
  -- A null value in the row read stays null: the default is for rows outside.
  local nulls = spark:createDataFrame({ { 1, nil }, { 2, 5 } }, "t int, v int")
  t.same_table(table_of(nulls:select(F.lead("v", 1, 0):over(Window.orderBy(F.desc("t"))))), { "null", "0" })
  t.same_table(table_of(spark:createDataFrame({ { 1, "x" }, { 2, "y" } }, "t int, s string")
    :select(F.lag("s", 1, "none"):over(Window.orderBy("t")))), { "none", "x" })
end)

t.test("aggregates over windows: the partition, a running frame with peers, rowsBetween, rangeBetween", function()
  local by_k = Window.partitionBy("k")
  local ordered = by_k:orderBy("t")
  local df = events():select("k", "t", "v",
    F.sum("v"):over(by_k):alias("total"),
    F.sum("v"):over(ordered):alias("running"),
    F.count("v"):over(ordered):alias("n"),
    F.avg("v"):over(ordered:rowsBetween(-1, 1)):alias("avg3"),
    F.sum("v"):over(ordered:rowsBetween(Window.unboundedPreceding, -1)):alias("before"),
    F.max("v"):over(ordered:rangeBetween(Window.currentRow, Window.unboundedFollowing)):alias("maxafter"),
    F.first("v"):over(ordered):alias("first"),
    F.last("v", true):over(by_k:orderBy("t"):rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing))
      :alias("last"))
  t.same_table(df.dtypes[4], { "total", "bigint" })
  t.same_table(df.dtypes[6], { "n", "bigint" })
  t.same_table(df.dtypes[7], { "avg3", "double" })
  t.same_table(table_of(df), {
    "a|1|10|46|10|1|20.0|null|30|10|1",
    "a|2|30|46|45|3|15.0|10|30|10|1",
    "a|2|5|46|45|3|12.0|40|30|10|1", -- range: its peer (30) is in its frame
    "a|3|1|46|46|4|3.0|45|1|10|1",
    "b|null|7|27|7|1|13.5|null|20|7|20",
    "b|2|20|27|27|2|13.5|7|20|7|20",
    "c|9|null|null|null|0|null|null|null|null|null",
  })
  -- Strings: min/max compare as Spark's; count(*) counts rows.
  local s = spark:createDataFrame({ { 1, "pear" }, { 1, "apple" }, { 2, nil } }, "g int, s string")
  t.same_table(table_of(s:select(F.min("s"):over(Window.partitionBy("g")), F.count("*"):over(Window.partitionBy("g")))),
    { "apple|2", "apple|2", "null|1" })
  -- Spark's names for an unaliased window expression.
  t.same_table(s:select(F.count("*"):over(Window.partitionBy("g"))).columns,
    { "count(1) OVER (PARTITION BY g ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)" })
  t.same_table(s:select(F.sum("g"):over(Window.orderBy("s"))).columns,
    { "sum(g) OVER (ORDER BY s ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)" })
end)

t.test("windows in expressions, several windows in one select, and withColumn", function()
  local w = Window.partitionBy("k"):orderBy(F.desc("v"))
  local top = events():withColumn("rn", F.row_number():over(w)):filter("rn = 1"):select("k", "v")
  t.same_table(table_of(top), { "a|30", "b|20", "c|null" })
  local share = events():filter("v IS NOT NULL")
    :select("k", "v", (F.col("v") / F.sum("v"):over(Window.partitionBy("k"))):alias("share"),
      (F.row_number():over(w) - 1):alias("pos"))
  t.same_table(table_of(share), { "a|30|0.6521739130434783|0", "a|10|0.21739130434782608|1",
    "a|5|0.10869565217391304|2", "a|1|0.021739130434782608|3", "b|20|0.7407407407407407|0",
    "b|7|0.25925925925925924|1" })
end)

t.test("SQL's OVER (PARTITION BY ... ORDER BY ... ROWS BETWEEN ...) in selectExpr and F.expr", function()
  local df = events()
  local sql = df:selectExpr("k", "t", "row_number() OVER (PARTITION BY k ORDER BY t DESC NULLS LAST) AS rn",
    "sum(v) over (partition by k) total", "avg(v) OVER (ORDER BY t ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) a2",
    "lag(v, 1, 0) OVER (PARTITION BY k ORDER BY t) AS prev")
  local w = Window.partitionBy("k"):orderBy("t")
  local api = df:select("k", "t", F.row_number():over(Window.partitionBy("k"):orderBy(F.desc_nulls_last("t"))):alias("rn"),
    F.sum("v"):over(Window.partitionBy("k")):alias("total"),
    F.avg("v"):over(Window.orderBy("t"):rowsBetween(-1, Window.currentRow)):alias("a2"),
    F.lag("v", 1, 0):over(w):alias("prev"))
  t.same_table(table_of(sql), table_of(api))
  t.same_table(sql.columns, { "k", "t", "rn", "total", "a2", "prev" })
  t.same_table(table_of(df:select(F.expr("count(*) OVER (PARTITION BY k)")):limit(1)), { "4" })
  t.raises(function() df:selectExpr("rank() OVER (PARTITION BY k)") end,
    "Window function rank%(%) requires window to be ordered")
  t.raises(function() df:selectExpr("sum(v) OVER (ORDER BY t ROWS BETWEEN 1.5 PRECEDING AND CURRENT ROW)") end,
    "expected a whole number of rows %(an int%), found '1.5'")
  t.raises(function() df:selectExpr("sum(v) OVER (ORDER BY k RANGE BETWEEN 2 PRECEDING AND CURRENT ROW)") end,
    "the order value k is string, which a range of values cannot be measured on")
end)

t.test("window functions refuse what Spark refuses", function()
  local df = events()
  local err = t.raises(function() F.row_number():over(Window.partitionBy("k")) end)
  t.has(err, "Window function row_number() requires window to be ordered, please add ORDER BY clause")
  t.ok(err:find("test_window.lua:%d+:"), err)
  t.raises(function() F.upper("k"):over(Window.orderBy("t")) end, "over: upper%(k%) is not a window function")
  t.raises(function() F.sum("v"):over("w") end, "over needs a window")
  t.raises(function() df:filter(F.row_number():over(Window.orderBy("t")):eq(1)):collect() end,
    "window functions are computed in select or withColumn, not here")
  t.raises(function() df:withColumn("r", F.row_number()):collect() end, "row_number%(%) is a window function")
  t.raises(function() Window.orderBy("t"):rangeBetween(1, -1) end, "The lower bound of a window frame must be less")
  t.raises(function() Window.orderBy("t"):rowsBetween(0.5, 1) end, "rowsBetween takes whole numbers")
  t.raises(function() F.ntile(0) end, "ntile needs a whole number of buckets >= 1")
  t.raises(function() df:select(F.sum(F.sum("v")):over(Window.orderBy("t"))) end, "cannot hold aggregates")
  local dec = spark:createDataFrame({ { 1 } }, "d decimal(10,2)")
  t.raises(function() dec:select(F.sum("d"):over(Window.orderBy("d"))) end,
    "sum over a window: the column is decimal%(10,2%), which tide does not sum over windows")
  t.raises(function() df:select(F.row_number():over(Window.orderBy("nope"))) end, 'cannot resolve column "nope"')
  local stream = spark.readStream:format("rate"):load()
  t.raises(function() stream:select(F.row_number():over(Window.orderBy("value"))) end,
    "Non%-time%-based windows are not supported on streaming DataFrames")
end)

t.test("nth_value: the frame's nth row, or its nth non-null one; null where the frame is shorter", function()
  local df = spark:createDataFrame({ { "a", 1, nil }, { "a", 2, 20 }, { "a", 3, 30 }, { "b", 1, 5 }, { "b", 2, nil } },
    "k string, o int, v int")
  df:createOrReplaceTempView("nth")
  t.same_table(table_of(spark:sql("SELECT k, o, nth_value(v, 2) OVER (PARTITION BY k ORDER BY o) AS running,"
    .. " nth_value(v, 1) OVER (PARTITION BY k ORDER BY o ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
    .. " AS whole FROM nth ORDER BY k, o")),
    { "a|1|null|null", "a|2|20|null", "a|3|20|null", "b|1|null|5", "b|2|null|5" })
  local w = Window.partitionBy("k"):orderBy("o")
  local out = df:select("k", "o", F.nth_value("v", 1, true):over(w):alias("first_seen"),
    F.nth_value("v", 2, true):over(Window.partitionBy("k"):orderBy("o"):rowsBetween(-1, 1)):alias("second"))
    :orderBy("k", "o")
  t.same_table(out.dtypes, { { "k", "string" }, { "o", "int" }, { "first_seen", "int" }, { "second", "int" } })
  t.same_table(table_of(out), { "a|1|null|null", "a|2|20|30", "a|3|20|30", "b|1|5|null", "b|2|5|null" })
  t.same_table(df:select(F.nth_value("v", 2, true):over(w)).columns, { "nth_value(v, 2) ignore nulls OVER"
    .. " (PARTITION BY k ORDER BY o ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)" })
  t.raises(function() spark:sql("SELECT nth_value(v, 0) OVER (ORDER BY o) FROM nth") end,
    "The 'offset' argument of nth_value%(v, 0%) must be a positive integer literal")
  t.raises(function() F.nth_value("v", 1.5) end, "offset is a whole number from 1 to 2147483647")
  t.raises(function() F.nth_value("v", 1e19) end, "offset is a whole number from 1 to 2147483647")
  t.raises(function() spark:sql("SELECT nth_value(v, 10000000000000000000) OVER (ORDER BY o) FROM nth") end,
    "must be a positive integer literal")
  -- an offset past every frame: null, in each partition
  t.same_table(table_of(df:select(F.nth_value("v", 2147483647, true):over(w)):distinct()), { "null" })
end)

t.test("Window.partitionBy and Window:partitionBy alike; F.broadcast(df) is df", function()
  local df = spark:createDataFrame({ { 1, "a" }, { 2, "b" }, { 3, "a" } }, "id int, k string")
  local dot = df:select("id", F.row_number():over(Window.partitionBy("k"):orderBy("id")):alias("n"))
  local colon = df:select("id", F.row_number():over(Window:partitionBy("k"):orderBy("id")):alias("n"))
  t.same_table(table_of(colon:orderBy("id")), table_of(dot:orderBy("id")))
  t.same_table(table_of(colon:orderBy("id")), { "1|1", "2|1", "3|2" })
  t.same_table(table_of(df:select("id", F.count("*"):over(Window:rowsBetween(Window.unboundedPreceding,
    Window.currentRow):orderBy("id")):alias("c")):orderBy("id")), { "1|1", "2|2", "3|3" })
  t.same_table(table_of(df:join(F.broadcast(df:select(F.col("id"):alias("j"))), F.col("id"):eq(F.col("j")))
    :select("id"):orderBy("id")), { "1", "2", "3" })
  t.raises(function() F.broadcast("t") end, "broadcast needs a DataFrame")
end)

t.test("lag and lead IGNORE NULLS count only the partition's non-null rows, as Spark's", function()
  spark:createDataFrame({ { "a", 1, 10 }, { "a", 2, nil }, { "a", 3, 30 }, { "a", 4, nil }, { "a", 5, 50 },
    { "b", 1, nil }, { "b", 2, 7 } }, "k string, t int, v int"):createOrReplaceTempView("lagged")
  local df = spark:sql([[SELECT lag(v) IGNORE NULLS OVER (PARTITION BY k ORDER BY t) AS lg,
    lead(v, 2) IGNORE NULLS OVER (PARTITION BY k ORDER BY t) AS ld2,
    lag(v, 1, -1) IGNORE NULLS OVER (PARTITION BY k ORDER BY t) AS lgd,
    lag(v) RESPECT NULLS OVER (PARTITION BY k ORDER BY t) AS plain FROM lagged ORDER BY k, t]])
  t.same_table(table_of(df), { "null|50|-1|null", "10|50|10|10", "10|null|10|null", "30|null|30|30",
    "30|null|30|null", "null|null|-1|null", "null|null|-1|null" })
end)

t.test("double sums and averages of moving frames add each frame's values in order, as Spark's", function()
  local function rows_of(sql) return table_of(spark:sql(sql)) end
  local one = "ROWS BETWEEN CURRENT ROW AND CURRENT ROW"
  -- an infinity or a NaN stays in its own frames; a running frame keeps it
  t.same_table(rows_of(("SELECT i, sum(x) OVER (ORDER BY i %s), avg(x) OVER (ORDER BY i %s),"
    .. " sum(x) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), sum(x) OVER (ORDER BY i)"
    .. " FROM VALUES (1, CAST('Infinity' AS double)), (2, 1D), (3, 2D), (4, CAST('NaN' AS double)), (5, -3D),"
    .. " (6, 4D) AS t(i, x) ORDER BY i"):format(one, one)), {
    "1|Infinity|Infinity|Infinity|Infinity", "2|1.0|1.0|Infinity|Infinity", "3|2.0|2.0|3.0|Infinity",
    "4|NaN|NaN|NaN|NaN", "5|-3.0|-3.0|NaN|NaN", "6|4.0|4.0|1.0|NaN" })
  -- no rounding a difference of running sums would bring
  t.same_table(rows_of(("SELECT sum(x) OVER (ORDER BY i %s), sum(x) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND"
    .. " CURRENT ROW), sum(x) OVER (ORDER BY i) FROM VALUES (1, 0.1D), (2, 0.2D), (3, 0.3D) AS t(i, x) ORDER BY i")
    :format(one)), { "0.1|0.1|0.1", "0.2|0.30000000000000004|0.30000000000000004", "0.3|0.5|0.6000000000000001" })
  t.same_table(rows_of(("SELECT sum(x) OVER (ORDER BY i %s), sum(x) OVER (ORDER BY i ROWS BETWEEN CURRENT ROW AND"
    .. " UNBOUNDED FOLLOWING), sum(x) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM VALUES"
    .. " (1, 1e20D), (2, 1D), (3, 2D) AS t(i, x) ORDER BY i"):format(one)),
    { "1.0E20|1.0E20|1.0E20", "1.0|3.0|1.0E20", "2.0|2.0|3.0" })
  -- a RANGE frame of the current row's peers moves its start too
  t.same_table(rows_of("SELECT i, sum(x) OVER (ORDER BY i RANGE BETWEEN CURRENT ROW AND CURRENT ROW) FROM VALUES"
    .. " (1, 1e20D), (1, 1D), (2, 2D), (2, 0.5D) AS t(i, x) ORDER BY i"),
    { "1|1.0E20", "1|1.0E20", "2|2.5", "2|2.5" })
  -- a sum of -0.0 starts from 0 (0.0 + -0.0 is 0.0), as Spark's
  t.same_table(rows_of(("SELECT sum(x) OVER (ORDER BY i %s), avg(x) OVER (ORDER BY i %s), min(x) OVER (ORDER BY i"
    .. " %s), sum(x) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM VALUES (1, -0.0D), (2, -0.0D),"
    .. " (3, 2D) AS t(i, x) ORDER BY i"):format(one, one, one)),
    { "0.0|0.0|-0.0|0.0", "0.0|0.0|-0.0|0.0", "2.0|2.0|2.0|2.0" })
  -- floats are added as doubles; whole numbers per partition, fractions in another
  t.same_table(rows_of(("SELECT k, sum(x) OVER (PARTITION BY k ORDER BY i %s), sum(x) OVER (PARTITION BY k"
    .. " ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM VALUES ('a', 1, CAST(0.1 AS float)),"
    .. " ('a', 2, CAST(0.2 AS float)), ('b', 1, CAST(3 AS float)), ('b', 2, CAST(-4 AS float)) AS t(k, i, x)"
    .. " ORDER BY k, i"):format(one)), { "a|0.10000000149011612|0.10000000149011612",
    "a|0.20000000298023224|0.30000000447034836", "b|3.0|3.0", "b|-4.0|-1.0" })
end)

t.test("a window's average of integers adds them as doubles in row order, as Spark's Average", function()
  local function rows_of(sql) return table_of(spark:sql(sql)) end
  -- past 2^53: 2^53 + 1 is 2^53 in doubles (groupBy's avg alike)
  t.same_table(rows_of("SELECT avg(x) OVER () FROM VALUES (9007199254740992L), (1L), (1L) AS t(x)"),
    { "3.0023997515803305E15", "3.0023997515803305E15", "3.0023997515803305E15" })
  t.same_table(rows_of("SELECT avg(x) FROM VALUES (9007199254740992L), (1L), (1L) AS t(x)"),
    { "3.0023997515803305E15" })
  -- a sliding frame of them is added up again; a bigint sum stays exact
  t.same_table(rows_of("SELECT i, avg(x) OVER (ORDER BY i ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING), sum(x) OVER"
    .. " (ORDER BY i ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING), avg(x) OVER (ORDER BY i) FROM VALUES"
    .. " (1, 9007199254740992L), (2, 1L), (3, 1L), (4, NULL) AS t(i, x) ORDER BY i"), {
    "1|4.503599627370496E15|9007199254740993|9.007199254740992E15", "2|1.0|2|4.503599627370496E15",
    "3|1.0|1|3.0023997515803305E15", "4|null|null|3.0023997515803305E15" })
  -- a bigint sum wraps as Spark's long sum; try_avg over a sliding frame
  t.same_table(rows_of("SELECT i, sum(x) OVER (ORDER BY i ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING),"
    .. " try_avg(x) OVER (ORDER BY i ROWS BETWEEN CURRENT ROW AND CURRENT ROW) FROM VALUES"
    .. " (1, 9223372036854775807L), (2, 1L), (3, 2L) AS t(i, x) ORDER BY i"),
    { "1|-9223372036854775808|9.223372036854776E18", "2|3|1.0", "3|2|2.0" })
end)

t.run()
