-- df.stat (Spark 3.5's DataFrameStatFunctions) and the DataFrame's own
-- forms of it: approxQuantile, corr, cov, crosstab, freqItems, sampleBy.
-- Expected values are PySpark's and Spark's documented examples, or
-- worked out by hand from Spark's StatFunctions and FrequentItems.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local table_of = t.rows

local function is_nan(v) return type(v) == "number" and v ~= v end

t.test("corr and cov give PySpark's documented values, as df.stat's and the DataFrame's methods", function()
  local df = spark:createDataFrame({ { 1, 12 }, { 10, 1 }, { 19, 8 } }, "c1 bigint, c2 bigint")
  t.eq(("%.17g"):format(df:corr("c1", "c2")), "-0.35921060405354982") -- PySpark: -0.3592106040535498
  t.eq(df.stat:corr("c1", "c2", "pearson"), df:corr("c1", "c2"))
  t.eq(df:cov("c1", "c2"), -18.0)
  t.eq(df.stat:cov("c1", "c2"), -18.0)
  local d2 = spark:createDataFrame({ { 11, 12 }, { 10, 11 }, { 9, 10 } }, "small bigint, bigger bigint")
  t.eq(d2:corr("small", "bigger"), 1.0)
  t.eq(d2:cov("small", "bigger"), 1.0)
  -- PySpark's df.stat example: spark.range(3).withColumn("c", expr("id + 1")).
  t.eq(spark:range(3):withColumn("c", F.expr("id + 1")).stat:corr("id", "c"), 1.0)
  -- PySpark's keywords as one table.
  t.eq(df:corr{ col1 = "c1", col2 = "c2", method = "pearson" }, df:corr("c1", "c2"))
  t.eq(df.stat:cov{ col1 = "c1", col2 = "c2" }, -18.0)
end)

t.test("corr and cov take a null as 0.0, as Spark's StatFunctions does, and give NaN and 0.0 for too few rows",
  function()
    -- a = 1, 0, 3, 5 and b = 2, 4, 0, 7.5 once the nulls are 0.0 (without
    -- those rows the two left would correlate exactly).
    local df = spark:createDataFrame({ { 1, 2.0 }, { nil, 4.0 }, { 3, nil }, { 5, 7.5 } }, "a int, b double")
    -- means 2.25 and 3.375; co-moment 9.125, Sxx 14.75, Syy 30.6875
    t.ok(math.abs(df:cov("a", "b") - 9.125 / 3) < 1e-15, "cov")
    t.ok(math.abs(df:corr("a", "b") - 9.125 / math.sqrt(14.75 * 30.6875)) < 1e-15, "corr")
    local one = spark:createDataFrame({ { 1, 2 } }, "a int, b int")
    t.ok(is_nan(one:corr("a", "b")), "corr of one row is NaN")
    t.eq(one:cov("a", "b"), 0.0)
    local none = spark:createDataFrame({}, "a int, b decimal(10,2)")
    t.ok(is_nan(none:corr("a", "b")), "corr of no rows is NaN")
    t.eq(none:cov("a", "b"), 0.0)
    local constant = spark:createDataFrame({ { 1, 5 }, { 2, 5 }, { 3, 5 } }, "a int, b int")
    t.ok(is_nan(constant:corr("a", "b")), "corr with a constant column is NaN (0/0)")
    t.eq(constant:cov("a", "b"), 0.0)
  end)

t.test("approxQuantile: PySpark's examples, nulls and NaN left out, exact ranks ceil(p * n)", function()
  local df = spark:createDataFrame({ { 1 }, { 2 }, { 3 }, { 4 }, { 5 } }, "values bigint")
  t.same_table(df:approxQuantile("values", { 0.0, 0.5, 1.0 }, 0.05), { 1.0, 3.0, 5.0 })
  -- a quoted name is the column of that very name, dots and all
  local dotted = spark:createDataFrame({ { 1.0 }, { 3.0 } }, "`a.b` double")
  t.same_table(dotted.stat:approxQuantile("`a.b`", { 0.5 }, 0), { 1.0 })
  t.same_table(t.rows(dotted:groupBy("`a.b`"):count():orderBy("`a.b`")), { "1.0|1", "3.0|1" })
  t.same_table(df.stat:approxQuantile("values", { 0.0, 0.2, 1.0 }, 0.1), { 1.0, 1.0, 5.0 })
  local two = spark:createDataFrame({ { 1, 10 }, { 2, 20 }, { 3, 30 }, { 4, 40 }, { 5, 50 } },
    "col1 bigint, col2 bigint")
  t.same_table(two:approxQuantile({ "col1", "col2" }, { 0.0, 0.5, 1.0 }, 0.05),
    { { 1.0, 3.0, 5.0 }, { 10.0, 30.0, 50.0 } })
  local nulls = spark:createDataFrame({ { 1 }, { nil }, { 3 }, { 4 }, { nil } }, "values bigint")
  t.same_table(nulls:approxQuantile("values", { 0.0, 0.5, 1.0 }, 0.05), { 1.0, 3.0, 4.0 })
  -- 1..10 with a NaN and a null: n = 10, so p picks rank ceil(10p) (0.3 * 10
  -- is 3.0 in doubles); within relativeError of 0 (of 1) Spark's summary
  -- answers the least (greatest) value.
  local x = spark:createDataFrame({ { 1.0 }, { 0 / 0 }, { nil }, { 3.0 }, { 4.0 }, { 2.0 }, { 10.0 }, { 7.0 }, { 6.0 },
    { 5.0 }, { 9.0 }, { 8.0 } }, "x double")
  local ps = { 0, 0.1, 0.25, 0.3, 0.5, 0.75, 0.95, 1 }
  t.same_table(x:approxQuantile("x", ps, 0), { 1, 1, 3, 3, 5, 8, 10, 10 })
  t.same_table(x:approxQuantile("x", { 0.1, 0.15, 0.85, 0.9 }, 0.1), { 1, 2, 9, 10 })
  -- values above 1 are 1: every probability is within it of 0
  t.same_table(x:approxQuantile("x", { 0.2, 0.5, 0.8 }, 5), { 1, 1, 1 })
  -- decimals as doubles; keywords; no probabilities, or no values: empty lists
  local dec = spark:createDataFrame({ { "1.50" }, { "2.25" }, { "0.75" } }, "d decimal(5,2)")
  t.same_table(dec:approxQuantile{ col = "d", probabilities = { 0.5 }, relativeError = 0 }, { 1.5 })
  t.same_table(x:approxQuantile({ "x" }, {}, 0), { {} })
  local empty = spark:createDataFrame({ { nil }, { 0 / 0 } }, "x double")
  t.same_table(empty:approxQuantile({ "x", "x" }, { 0.5 }, 0), { {}, {} })
end)

t.test("crosstab: col1_col2, col1's values as strings, a bigint column per value of col2 sorted, 0 for none",
  function()
    local df = spark:createDataFrame({ { 1, 11 }, { 1, 11 }, { 3, 10 }, { 4, 8 }, { 4, 8 } }, "c1 bigint, c2 bigint")
    local ct = df:crosstab("c1", "c2")
    -- PySpark's example (its string order puts 8 last)
    t.same_table(ct.dtypes, { { "c1_c2", "string" }, { "10", "bigint" }, { "11", "bigint" }, { "8", "bigint" } })
    t.same_table(table_of(ct:sort("c1_c2")), { "1|0|2|0", "3|1|0|0", "4|0|0|2" })
    -- Spark's Scala example
    local kv = spark:createDataFrame({ { 1, 1 }, { 1, 2 }, { 2, 1 }, { 2, 1 }, { 2, 3 }, { 3, 2 }, { 3, 3 } },
      "key int, value int")
    t.same_table(table_of(kv.stat:crosstab("key", "value"):sort("key_value")), { "1|1|1|0", "2|2|0|1", "3|0|1|1" })
    -- nulls are "null"; backticks leave col2's values (not col1's); doubles as Spark casts them
    local s = spark:createDataFrame({ { "a`b", 1.5 }, { nil, 1.5 }, { "x", nil }, { "a`b", 2.0 }, { "x", 1.5 } },
      "s string, d double")
    local by_d = s:crosstab("s", "d")
    t.same_table(by_d.columns, { "s_d", "1.5", "2.0", "null" })
    t.same_table(table_of(by_d:sort("s_d")), { "a`b|1|1|0", "null|1|0|0", "x|1|0|1" })
    local by_s = s.stat:crosstab{ col1 = "d", col2 = "s" }
    t.same_table(by_s.columns, { "d_s", "ab", "null", "x" })
    t.same_table(table_of(by_s:sort("d_s")), { "1.5|1|1|1", "2.0|1|0|0", "null|0|0|1" })
    t.same_table(spark:createDataFrame({}, "a int, b int"):crosstab("a", "b").columns, { "a_b" })
  end)

t.test("freqItems keeps what Spark's Karp et al. counting keeps, false positives too", function()
  -- Spark's Scala example: i even -> (1, -1.0), odd -> (i, -i), support 0.4 (2 items)
  local rows = {}
  for i = 0, 99 do rows[#rows + 1] = i % 2 == 0 and { 1, -1.0 } or { i, i * -1.0 } end
  local df = spark:createDataFrame(rows, "a int, b double")
  local fi = df.stat:freqItems({ "a", "b" }, 0.4)
  t.same_table(fi.dtypes, { { "a_freqItems", "array<int>" }, { "b_freqItems", "array<double>" } })
  t.same_table(table_of(fi), { "[1, 99]|[-1.0, -99.0]" })
  -- PySpark's example, default support 1%: every item; in order of first appearance
  local small = spark:createDataFrame({ { 1, 11 }, { 1, 11 }, { 3, 10 }, { 4, 8 }, { 4, 8 } }, "c1 bigint, c2 bigint")
  t.same_table(table_of(small:freqItems({ "c1", "c2" })), { "[1, 3, 4]|[11, 10, 8]" })
  -- support 0.3: 3 items. s: a, null, b, null, a, c, null -- c meets a full
  -- map whose least count is 1, so b goes, a and null drop to 1, c is not
  -- kept. n: 1, 2, null, 2, 3, 4, 5 -- 3 takes 1 and null out, 2 drops to 1.
  local mixed = spark:createDataFrame({ { "a", 1 }, { nil, 2 }, { "b", nil }, { nil, 2 }, { "a", 3 }, { "c", 4 },
    { nil, 5 } }, "s string, n int")
  local kept = mixed:freqItems{ cols = { "s", "n" }, support = 0.3 }
  t.same_table(table_of(kept), { "[a, null]|[2, 4, 5]" })
  local row = kept:collect()[1]
  t.eq(row.s_freqItems.n, 2)
  t.eq(row.s_freqItems[1], "a")
  t.eq(row.s_freqItems[2], nil)
  -- support 1: one item, Misra-Gries' majority candidate (a false positive here)
  t.same_table(table_of(mixed:freqItems({ "n" }, 1)), { "[5]" })
  t.same_table(table_of(spark:createDataFrame({}, "a int"):freqItems({ "a" })), { "[]" })
end)

t.test("freqItems over many rows takes one pass of O(1) steps and keeps the frequent items", function()
  -- 7 is every third row, the rest distinct: each new item empties the
  -- others, so at the end 7 is kept with at most the last few newcomers.
  local df = spark:range(300000):select(
    F.when((F.col("id") % 3):eq(0), F.lit(7)):otherwise(F.col("id") + 100):alias("v"))
  local items = df:freqItems({ "v" }, 0.1):collect()[1].v_freqItems
  t.eq(items[1], 7)
  t.ok(items.n <= 10, "at most 1/support items")
end)

t.test("sampleBy keeps the rows where rand(seed) < the stratum's fraction, as Spark's filter does", function()
  local df = spark:createDataFrame({ { 1, 1 }, { 1, 2 }, { 2, 1 }, { 2, 1 }, { 2, 3 }, { 3, 2 }, { 3, 3 } },
    "key int, value int")
  -- rand(36) over the rows (one partition, tests/lua/test_math.lua checks
  -- tide's rand against Spark's): .4509 .8227 .6757 .7418 .4469 .0568 .3323
  t.same_table(table_of(df:withColumn("r", F.rand(36)):select(F.round("r", 4))),
    { "0.4509", "0.8227", "0.6757", "0.7418", "0.4469", "0.0568", "0.3323" })
  t.same_table(table_of(df.stat:sampleBy("key", { [1] = 1.0, [3] = 0.5 }, 36)), { "1|1", "1|2", "3|2", "3|3" })
  t.same_table(table_of(df:sampleBy("key", { [2] = 0.7 }, 36)), { "2|1", "2|3" })
  t.same_table(table_of(df:sampleBy("key", { [1] = 0.5, [3] = 0.1 }, 36)), { "1|1", "3|2" })
  -- strata cast to the column's type; a Column; keywords; no strata: no rows
  t.same_table(table_of(df:sampleBy("key", { ["3"] = 1 }, 36)), { "3|2", "3|3" })
  t.same_table(table_of(df:sampleBy(F.col("value") % 2, { [0] = 1.0 }, 1)), { "1|2", "3|2" })
  t.same_table(table_of(df:sampleBy{ col = "key", fractions = { [2] = 0.7 }, seed = 36 }), { "2|1", "2|3" })
  t.eq(df:sampleBy("key", {}, 36):count(), 0)
  -- the same seed, the same rows; without one, a seed drawn each call
  t.same_table(table_of(df:sampleBy("key", { [2] = 0.5 }, 9)), table_of(df:sampleBy("key", { [2] = 0.5 }, 9)))
  t.ok(df:sampleBy("key", { [1] = 1, [2] = 1, [3] = 1 }):count() == 7, "fractions of 1 keep every row")
end)

t.test("wrong arguments fail at the caller's line naming the method and the argument", function()
  local df = spark:createDataFrame({ { 1, 2.0, "a" } }, "n int, x double, s string")
  t.raises_at_caller({
    { function() df:corr(1, "x") end, "corr: col1 should be a column name (a string), not a number" },
    { function() df.stat:corr("n", F.col("x")) end, "corr: col2 should be a column name (a string), not a Column" },
    { function() df:corr("n", "x", "spearman") end, "corr: method only supports 'pearson', got 'spearman'" },
    { function() df:corr("n", "s") end,
      "corr: Currently correlation calculation for columns with dataType string not supported (column s)" },
    { function() df.stat:cov("s", "x") end,
      "cov: Currently covariance calculation for columns with dataType string not supported (column s)" },
    { function() df:cov("n", "nope") end, "cov: cannot resolve column \"nope\" (columns: n, x, s)" },
    { function() df:corr{ col1 = "n", column2 = "x" } end, "corr: unknown argument column2" },
    { function() df:approxQuantile(F.col("x"), { 0.5 }, 0) end,
      "approxQuantile: col should be a column name or a list of them, not a Column" },
    { function() df:approxQuantile({ "x", 2 }, { 0.5 }, 0) end,
      "approxQuantile: col should hold column names (strings), not a number (item 2)" },
    { function() df:approxQuantile("x", 0.5, 0) end,
      "approxQuantile: probabilities should be a list of numbers in [0, 1], not a number" },
    { function() df:approxQuantile("x", { 0.5, 1.5 }, 0) end,
      "approxQuantile: probabilities should be numbers in [0, 1], not 1.5 (item 2)" },
    { function() df:approxQuantile("x", { 0.5 }, "0") end, "approxQuantile: relativeError should be a number" },
    { function() df.stat:approxQuantile("x", { 0.5 }, -0.1) end,
      "approxQuantile: relativeError must be greater than or equal to 0, got -0.1" },
    { function() df:approxQuantile("s", { 0.5 }, 0) end,
      "approxQuantile: Quantile calculation for column s with data type string is not supported" },
    { function() df:crosstab("n", 2) end, "crosstab: col2 should be a column name (a string), not a number" },
    { function() df.stat:crosstab("m", "n") end, "crosstab: cannot resolve column \"m\"" },
    { function() df:freqItems("n") end, "freqItems: cols should be a list of column names, not a string" },
    { function() df:freqItems({ "n" }, 0.00001) end, "freqItems: Support must be in [1e-4, 1], but got 1.0E-5" },
    { function() df.stat:freqItems({ "n" }, 2) end, "freqItems: Support must be in [1e-4, 1], but got 2.0" },
    { function() df:freqItems({ "n", F.col("x") }) end,
      "freqItems: cols should hold column names (strings), not a Column (item 2)" },
    { function() spark:createDataFrame({ { { a = 1 } } }, "m map<string,int>"):freqItems({ "m" }) end,
      "freqItems: column m is map<string,int>, whose values tide cannot compare" },
    { function() df:sampleBy(1, { [1] = 0.5 }) end, "sampleBy: col should be a column name or a Column, not a number" },
    { function() df:sampleBy("n", 0.5) end, "sampleBy: fractions should be a table {stratum = fraction, ...}" },
    { function() df:sampleBy("n", { [1] = "half" }) end,
      "sampleBy: the fraction of stratum 1 should be a number, not a string" },
    { function() df.stat:sampleBy("n", { [1] = 0.5, [2] = 1.5 }, 3) end,
      "sampleBy: Fractions must be in [0, 1], but got Map(1 -> 0.5, 2 -> 1.5)" },
    { function() df:sampleBy("n", { [1] = 0.5 }, 1.5) end, "sampleBy: seed should be a whole number, not 1.5" },
    { function() df:sampleBy("nope", { [1] = 0.5 }) end, "sampleBy: cannot resolve column \"nope\"" },
  })
  local err = t.raises(function() df.stat.corr("n", "x") end)
  t.has(err, "DataFrameStatFunctions.corr called with '.': use df.stat:corr(...)")
  t.has(t.raises(function() return df.stat:median("x") end), "DataFrameStatFunctions has no method \"median\"")
end)

t.test("a streaming DataFrame is refused but by sampleBy, a filter", function()
  local stream = spark.readStream:csv(t.tempdir(), { schema = "k int, v double" })
  t.raises_at_caller({
    { function() stream:corr("k", "v") end,
      "Queries with streaming sources must be executed with writeStream:start() (corr)" },
    { function() stream.stat:cov("k", "v") end, "writeStream:start() (cov)" },
    { function() stream:approxQuantile("v", { 0.5 }, 0) end, "writeStream:start() (approxQuantile)" },
    { function() stream:crosstab("k", "v") end, "writeStream:start() (crosstab)" },
    { function() stream:freqItems({ "k" }) end, "writeStream:start() (freqItems)" },
  })
  local sampled = stream:sampleBy("k", { [1] = 0.5 }, 3)
  t.ok(sampled.isStreaming, "sampleBy keeps the stream")
end)

t.run()
