-- Spark 3.5's aggregates past count/sum/avg/min/max/stddev/first/last/
-- collect_*: count_if, bool_and/or, max_by/min_by, product, bit_*,
-- sum/avg(DISTINCT), corr, covar_*, skewness, kurtosis, median,
-- percentile, percentile_approx, mode, array_agg, any_value,
-- first_value/last_value, regr_*, and SQL's FILTER (WHERE ...): Spark's
-- documented examples, grouped and global, with nulls, in SQL, rollup,
-- cube and pivot, over windows, and in a streaming aggregation restarted
-- from its checkpoint.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local Window = tide.Window
local spark = tide.session()

local table_of = t.rows

-- The rows of a query over a view `tab` of rows (Spark's examples read
-- VALUES ... AS tab(...)), and its one column's name.
local function sql(query, rows, schema)
  spark:createDataFrame(rows, schema):createOrReplaceTempView("tab")
  local df = spark:sql(query)
  return table_of(df), df.columns[1], df.dtypes[1][2]
end

-- Whether text (a double as shown) is within a few units in the last
-- place of expected: Spark's moments depend on how its partitions split
-- the rows (its one-pass updates, then a merge per partition), and its
-- documentation's examples ran on two.
local function near(text, expected)
  local v = tonumber(text)
  t.ok(v and math.abs(v - expected) <= 1e-14 * math.max(1, math.abs(expected)),
    ("%s is near %.17g"):format(tostring(text), expected))
end

t.test("Spark's examples: count_if, bool_and/every, bool_or/some/any, max_by, min_by, bit_*, product", function()
  local col = "col int"
  t.same_table({ sql("SELECT count_if(col % 2 = 0) FROM tab", { { nil }, { 0 }, { 1 }, { 2 }, { 3 } }, col) },
    { { "2" }, "count_if(((col % 2) = 0))", "bigint" })
  t.same_table({ sql("SELECT count_if(col IS NULL) FROM tab", { { nil }, { 0 }, { 1 }, { 2 }, { 3 } }, col) },
    { { "1" }, "count_if((col IS NULL))", "bigint" })
  local b = "col boolean"
  t.same_table({ sql("SELECT bool_and(col) FROM tab", { { nil }, { true }, { true } }, b) },
    { { "true" }, "bool_and(col)", "boolean" })
  t.same_table({ sql("SELECT every(col) FROM tab", { { true }, { false }, { true } }, b) },
    { { "false" }, "every(col)", "boolean" })
  t.same_table({ sql("SELECT bool_or(col) FROM tab", { { nil }, { true }, { false } }, b) },
    { { "true" }, "bool_or(col)", "boolean" })
  t.same_table({ sql("SELECT some(col) FROM tab", { { false }, { false }, { nil } }, b) },
    { { "false" }, "some(col)", "boolean" })
  t.same_table({ sql("SELECT any(col) FROM tab", { { true }, { false }, { false } }, b) },
    { { "true" }, "any(col)", "boolean" })
  local xy = "x string, y int"
  t.same_table({ sql("SELECT max_by(x, y) FROM tab", { { "a", 10 }, { "b", 50 }, { "c", 20 } }, xy) },
    { { "b" }, "max_by(x, y)", "string" })
  t.same_table({ sql("SELECT min_by(x, y) FROM tab", { { "a", 10 }, { "b", 50 }, { "c", 20 } }, xy) },
    { { "a" }, "min_by(x, y)", "string" })
  t.same_table({ sql("SELECT bit_and(col) FROM tab", { { 3 }, { 5 } }, col) }, { { "1" }, "bit_and(col)", "int" })
  t.same_table({ sql("SELECT bit_or(col) FROM tab", { { 3 }, { 5 } }, col) }, { { "7" }, "bit_or(col)", "int" })
  t.same_table({ sql("SELECT bit_xor(col) FROM tab", { { 3 }, { 5 } }, col) }, { { "6" }, "bit_xor(col)", "int" })
  t.same_table({ sql("SELECT product(col) FROM tab", { { 2 }, { nil }, { -3 } }, col) },
    { { "-6.0" }, "product(col)", "double" })
end)

t.test("Spark's examples: corr, covar_pop, covar_samp, skewness, kurtosis, regr_*", function()
  local pair = "c1 int, c2 int"
  t.same_table({ sql("SELECT corr(c1, c2) FROM tab", { { 3, 2 }, { 3, 3 }, { 6, 4 } }, pair) },
    { { "0.8660254037844387" }, "corr(c1, c2)", "double" })
  t.same_table({ sql("SELECT covar_pop(c1, c2) FROM tab", { { 1, 1 }, { 2, 2 }, { 3, 3 } }, pair) },
    { { "0.6666666666666666" }, "covar_pop(c1, c2)", "double" })
  t.same_table({ sql("SELECT covar_samp(c1, c2) FROM tab", { { 1, 1 }, { 2, 2 }, { 3, 3 } }, pair) },
    { { "1.0" }, "covar_samp(c1, c2)", "double" })
  -- One pass over the rows, as Spark's single partition: the last digit
  -- of Spark's documented 1.1135657469022011 (two partitions) may differ.
  local col = "col int"
  local skew, name = sql("SELECT skewness(col) FROM tab", { { -10 }, { -20 }, { 100 }, { 1000 } }, col)
  t.same_table({ skew, name }, { { "1.1135657469022011" }, "skewness(col)" })
  skew = sql("SELECT skewness(col) FROM tab", { { -1000 }, { -100 }, { 10 }, { 20 } }, col)
  t.same_table(skew, { "-1.113565746902201" })
  near(skew[1], -1.1135657469022011)
  local kurt = sql("SELECT kurtosis(col) FROM tab", { { -10 }, { -20 }, { 100 }, { 1000 } }, col)
  t.same_table(kurt, { "-0.7014368047529609" })
  near(kurt[1], -0.7014368047529627)
  t.same_table(sql("SELECT kurtosis(col) FROM tab", { { 1 }, { 10 }, { 100 }, { 10 }, { 1 } }, col),
    { "0.19432323191698986" })
  local yx = "y int, x int"
  local rows = { { 1, 2 }, { 2, 2 }, { 2, 3 }, { 2, 4 } }
  local half = { { 1, 2 }, { 2, nil }, { 2, 3 }, { 2, 4 } }
  local quarter = { { 1, 2 }, { 2, nil }, { nil, 3 }, { 2, 4 } }
  t.same_table({ sql("SELECT regr_count(y, x) FROM tab", half, yx) }, { { "3" }, "regr_count(y, x)", "bigint" })
  t.same_table(sql("SELECT regr_count(y, x) FROM tab", quarter, yx), { "2" })
  t.same_table({ sql("SELECT regr_avgx(y, x) FROM tab", rows, yx) }, { { "2.75" }, "regr_avgx(y, x)", "double" })
  t.same_table(sql("SELECT regr_avgx(y, x) FROM tab", quarter, yx), { "3.0" })
  t.same_table(sql("SELECT regr_avgy(y, x) FROM tab", half, yx), { "1.6666666666666667" })
  t.same_table(sql("SELECT regr_avgy(y, x) FROM tab", { { 1, nil } }, yx), { "null" })
  t.same_table({ sql("SELECT regr_r2(y, x) FROM tab", rows, yx) },
    { { "0.2727272727272726" }, "regr_r2(y, x)", "double" })
  t.same_table(sql("SELECT regr_r2(y, x) FROM tab", half, yx), { "0.7500000000000001" })
  t.same_table(sql("SELECT regr_r2(y, x) FROM tab", quarter, yx), { "1.0" })
  t.same_table(sql("SELECT regr_r2(y, x) FROM tab", { { nil, 1 } }, yx), { "null" })
  t.same_table({ sql("SELECT regr_sxx(y, x) FROM tab", rows, yx) }, { { "2.75" }, "regr_sxx(y, x)", "double" })
  t.same_table(sql("SELECT regr_sxx(y, x) FROM tab", half, yx), { "2.0" })
  -- Spark's 0.75 and 0.6666666666666666 ran on two partitions.
  local sxy = sql("SELECT regr_sxy(y, x) FROM tab", rows, yx)
  t.same_table(sxy, { "0.7499999999999998" })
  near(sxy[1], 0.75)
  t.same_table(sql("SELECT regr_sxy(y, x) FROM tab", quarter, yx), { "1.0" })
  local syy = sql("SELECT regr_syy(y, x) FROM tab", half, yx)
  t.same_table(syy, { "0.6666666666666667" })
  near(syy[1], 0.6666666666666666)
  t.same_table(sql("SELECT regr_syy(y, x) FROM tab", quarter, yx), { "0.5" })
  t.same_table({ sql("SELECT regr_slope(y, x) FROM tab", { { 1, 1 }, { 2, 2 }, { 3, 3 } }, yx) },
    { { "1.0" }, "regr_slope(y, x)", "double" })
  t.same_table({ sql("SELECT regr_intercept(y, x) FROM tab", { { 1, 1 }, { 2, 2 }, { 3, 3 } }, yx) },
    { { "0.0" }, "regr_intercept(y, x)", "double" })
  t.same_table(sql("SELECT regr_slope(y, x) FROM tab", { { 1, nil } }, yx), { "null" })
  -- Pairs with a null are left out of both sums (SPARK-48719, Spark 3.5.2):
  -- the slope of (2, 1), (3, 2), (3, 2) is 1, not the 1/3 of the x's 4 counted.
  near(sql("SELECT regr_slope(y, x) FROM tab", { { 1, 2 }, { 2, 3 }, { 2, 3 }, { nil, 4 }, { 4, nil } }, yx)[1], 1)
end)

t.test("Spark's examples: median, percentile, percentile_approx, mode, array_agg, first_value, any_value", function()
  local col = "col int"
  t.same_table({ sql("SELECT median(col) FROM tab", { { 0 }, { 10 } }, col) }, { { "5.0" }, "median(col)", "double" })
  t.same_table({ sql("SELECT percentile(col, 0.3) FROM tab", { { 0 }, { 10 } }, col) },
    { { "3.0" }, "percentile(col, 0.3, 1)", "double" })
  t.same_table({ sql("SELECT percentile(col, array(0.25, 0.75)) FROM tab", { { 0 }, { 10 } }, col) },
    { { "[2.5, 7.5]" }, "percentile(col, array(0.25, 0.75), 1)", "array<double>" })
  t.same_table({ sql("SELECT percentile_approx(col, array(0.5, 0.4, 0.1), 100) FROM tab",
    { { 0 }, { 1 }, { 2 }, { 10 } }, col) },
    { { "[1, 1, 0]" }, "percentile_approx(col, array(0.5, 0.4, 0.1), 100)", "array<int>" })
  t.same_table({ sql("SELECT approx_percentile(col, 0.5, 100) FROM tab", { { 0 }, { 6 }, { 7 }, { 9 }, { 10 } }, col) },
    { { "7" }, "approx_percentile(col, 0.5, 100)", "int" })
  t.same_table({ sql("SELECT percentile_approx(col, 0.5) FROM tab", { { 0 }, { 6 }, { 6 }, { 7 }, { 9 }, { 10 } },
    col) },
    { { "6" }, "percentile_approx(col, 0.5, 10000)", "int" })
  t.same_table({ sql("SELECT mode(col) FROM tab", { { 0 }, { 10 }, { 10 }, { nil }, { nil }, { nil } }, col) },
    { { "10" }, "mode(col)", "int" })
  t.same_table({ sql("SELECT array_agg(col) FROM tab", { { 1 }, { 2 }, { 1 } }, col) },
    { { "[1, 2, 1]" }, "collect_list(col)", "array<int>" })
  local firsts = { { nil }, { 5 }, { 20 } }
  t.same_table({ sql("SELECT first_value(col) FROM tab", firsts, col) }, { { "null" }, "first_value(col)", "int" })
  t.same_table({ sql("SELECT first_value(col, true) FROM tab", firsts, col) }, { { "5" }, "first_value(col)", "int" })
  t.same_table({ sql("SELECT last_value(col) FROM tab", { { 10 }, { 5 }, { nil } }, col) },
    { { "null" }, "last_value(col)", "int" })
  t.same_table({ sql("SELECT last_value(col, true) FROM tab", { { 10 }, { 5 }, { nil } }, col) },
    { { "5" }, "last_value(col)", "int" })
  t.same_table({ sql("SELECT any_value(col, true) FROM tab", firsts, col) }, { { "5" }, "any_value(col)", "int" })
end)

local function people()
  return spark:createDataFrame({
    { "a", "x", 1, 10.0, true }, { "a", "y", 2, 20.0, false }, { "a", "x", 2, 40.0, true }, { "b", "y", 3, nil, true },
    { "b", "x", nil, 5.0, nil }, { "c", "z", nil, nil, nil },
  }, "k string, p string, n int, v double, ok boolean")
end

t.test("grouped and global, with nulls: a group without values gives null (counts 0, lists [])", function()
  local df = people()
  local agg = df:groupBy("k"):agg(F.count_if(F.col("n"):gt(1)), F.bool_and("ok"), F.bool_or("ok"), F.max_by("p", "v"),
    F.min_by("p", "v"), F.product("n"), F.bit_or("n"), F.corr("n", "v"), F.skewness("v"), F.median("v"), F.mode("n"),
    F.percentile_approx("v", 1), F.regr_count("v", "n"), F.array_agg("n"), F.any_value("p"))
  t.same_table(agg.dtypes, { { "k", "string" }, { "count_if((n > 1))", "bigint" }, { "bool_and(ok)", "boolean" },
    { "bool_or(ok)", "boolean" }, { "max_by(p, v)", "string" }, { "min_by(p, v)", "string" },
    { "product(n)", "double" },
    { "bit_or(n)", "int" }, { "corr(n, v)", "double" }, { "skewness(v)", "double" }, { "median(v)", "double" },
    { "mode(n)", "int" }, { "percentile_approx(v, 1, 10000)", "double" }, { "regr_count(v, n)", "bigint" },
    { "collect_list(n)", "array<int>" }, { "any_value(p)", "string" } })
  t.same_table(table_of(agg), {
    "a|2|false|true|x|x|4.0|3|0.7559289460184544|0.38180177416060634|20.0|2|40.0|3|[1, 2, 2]|x",
    "b|1|true|true|x|x|3.0|3|null|null|5.0|3|5.0|0|[3]|y",
    "c|0|null|null|null|null|null|null|null|null|null|null|null|0|[]|z",
  })
  -- The whole DataFrame, and no rows at all: one row.
  t.same_table(table_of(df:select(F.count_if(F.col("n"):gt(1)), F.product("n"), F.bit_xor("n"),
    F.percentile("n", 0.5))),
    { "3|12.0|2|2.0" })
  t.same_table(table_of(df:filter("n > 100"):select(F.count_if(F.col("n"):gt(1)), F.product("n"), F.mode("p"),
    F.corr("n", "v"), F.array_agg("n"), F.regr_count("n", "v"))), { "0|null|null|null|[]|0" })
end)

t.test("max_by and min_by: the last row of equal orderings; rows without one skipped, a null value taken", function()
  local df = spark:createDataFrame({ { "a", 1, 5 }, { "b", 2, 5 }, { "c", 3, nil }, { nil, 4, 7 }, { "e", 5, 1 },
    { "f", 6, 1 } }, "x string, i int, ord int")
  t.same_table(table_of(df:select(F.max_by("x", "ord"), F.min_by("x", "ord"), F.max_by("i", "ord"))), { "null|f|4" })
  t.same_table(table_of(df:filter("ord < 7"):select(F.max_by("x", "ord"), F.min_by("i", "ord"))), { "b|6" })
  -- any orderable type orders: strings, dates; the value any type
  local typed = spark:createDataFrame({ { "2024-01-02", { 1, 2 } }, { "2024-03-01", { 3 } } }, "d date, a array<int>")
  t.same_table(table_of(typed:select(F.max_by("a", "d"), F.min_by("d", "d"))), { "[3]|2024-01-02" })
end)

t.test("product, bit_and/or/xor: types, negatives and bigints", function()
  local df = spark:createDataFrame({ { 6, -1, 0.5 }, { -3, 2 ^ 40, nil }, { 5, 12, 4.0 } }, "i int, l bigint, d double")
  local agg = df:select(F.bit_and("i"), F.bit_or("i"), F.bit_xor("i"), F.bit_and("l"), F.bit_xor("l"), F.product("i"),
    F.product("d"), F.product("l"))
  t.same_table(agg.dtypes, { { "bit_and(i)", "int" }, { "bit_or(i)", "int" }, { "bit_xor(i)", "int" },
    { "bit_and(l)", "bigint" }, { "bit_xor(l)", "bigint" }, { "product(i)", "double" }, { "product(d)", "double" },
    { "product(l)", "double" } })
  -- 6 & -3 & 5 = 4; 6 | -3 | 5 = -1; 6 ^ -3 ^ 5 = -2 (in 32 bits)
  t.same_table(table_of(agg), { "4|-1|-2|0|-1099511627789|-90.0|2.0|-1.3194139533312E13" })
end)

t.test("corr, covar and the moments: Spark's nulls where it divides by zero, and decimals as doubles", function()
  local df = spark:createDataFrame({ { "one", 1, 2 }, { "const", 3, 1 }, { "const", 3, 2 }, { "const", 3, 5 },
    { "none", nil, 1 }, { "ycon", 1, 4 }, { "ycon", 2, 4 } }, "k string, x int, y int")
  local agg = df:groupBy("k"):agg(F.corr("x", "y"), F.covar_pop("x", "y"), F.covar_samp("x", "y"), F.skewness("x"),
    F.kurtosis("x"), F.regr_r2("y", "x"), F.regr_r2("x", "y"), F.regr_slope("y", "x"), F.regr_intercept("x", "y"),
    F.regr_sxx("y", "x"))
  t.same_table(table_of(agg), {
    -- one pair: the sample covariance and corr divide by n - 1 = 0
    "one|null|0.0|null|null|null|null|null|null|null|0.0",
    -- x constant: corr's sqrt(xMk * yMk) is 0; regr_r2(y, x) is 1.0 when its second argument is constant, null
    -- when its first is (Spark's PearsonCorrelation(y, x) order); the slope of y over a constant x is null
    "const|null|0.0|0.0|null|null|1.0|null|null|3.0|0.0",
    "none|null|null|null|null|null|null|null|null|null|null",
    "ycon|null|0.0|0.0|0.0|-2.0|null|1.0|0.0|null|0.5",
  })
  local dec = spark:createDataFrame({ { "1.50", 1 }, { "2.25", 2 }, { "4.00", 4 } }, "d decimal(5,2), i int")
  local both = dec:select(F.corr("d", "i"), F.covar_samp("d", "i"), F.skewness("d"))
  t.same_table(both.dtypes[1], { "corr(d, i)", "double" })
  t.same_table(table_of(both), table_of(dec:select(F.corr(F.col("d"):cast("double"), "i"),
    F.covar_samp(F.col("d"):cast("double"), "i"), F.skewness(F.col("d"):cast("double")))))
end)

t.test("percentile: interpolated, with frequencies, of decimals; percentile_approx keeps the type", function()
  local df = spark:createDataFrame({ { 1, 3, "1.5", "2024-01-03" }, { 2, 1, "2.5", "2024-01-01" }, { 4, 0, nil, nil },
    { 10, nil, "0.5", "2024-01-02" }, { nil, 5, "9.0", "2024-02-01" } }, "x int, f int, d decimal(4,1), day date")
  -- frequencies: 1 x3, 2 x1 (4 has 0, 10 a null frequency): 1, 1, 1, 2
  local agg = df:select(F.percentile("x", 0.5), F.percentile("x", { 0, 0.5, 1 }, "f"), F.percentile("d", 0.25),
    F.median("d"), F.percentile_approx("day", { 0.5, 1 }), F.percentile_approx("d", 0.5, 100), F.percentile("x", 1, 2))
  t.same_table(agg.dtypes, { { "percentile(x, 0.5, 1)", "double" },
    { "percentile(x, array(0, 0.5, 1), f)", "array<double>" },
    { "percentile(d, 0.25, 1)", "double" }, { "median(d)", "double" },
    { "percentile_approx(day, array(0.5, 1), 10000)", "array<date>" },
    { "percentile_approx(d, 0.5, 100)", "decimal(4,1)" },
    { "percentile(x, 1, 2)", "double" } })
  t.same_table(table_of(agg), { "3.0|[1.0, 1.0, 2.0]|1.25|2.0|[2024-01-02, 2024-02-01]|1.5|10.0" })
  -- p = 0 and 1 are the least and greatest values
  t.same_table(table_of(df:select(F.percentile_approx("x", { 0, 1 }), F.percentile("x", { 0, 1 }))),
    { "[1, 10]|[1.0, 10.0]" })
  t.raises(function() df:select(F.percentile("x", 0.5, F.lit(-1))):collect() end, "a negative frequency %(%-1%)")
end)

t.test("mode: the most frequent value, the least of equally frequent ones; of strings and structs too", function()
  local df = spark:createDataFrame({ { "b", 3 }, { "a", 1 }, { "b", 1 }, { "a", 3 }, { "c", nil }, { nil, 2 } },
    "s string, i int")
  t.same_table(table_of(df:select(F.mode("s"), F.mode("i"), F.mode(F.struct("s", "i")), F.mode("s", true))),
    { "a|1|{null, 2}|a" }) -- (all structs once: the least, a null field first)
  t.same_table(table_of(df:groupBy("s"):agg(F.mode("i")):orderBy("s")), { "null|2", "a|1", "b|1", "c|null" })
end)

t.test("sum(DISTINCT), avg(DISTINCT), sum_distinct: each group's distinct values; DISTINCT in the others", function()
  local df = spark:createDataFrame({ { "a", 1 }, { "a", 1 }, { "a", 2 }, { "b", nil }, { "b", 5 }, { "b", 5 } },
    "k string, n int")
  local agg = df:groupBy("k"):agg(F.sum_distinct("n"), F.expr("avg(DISTINCT n)"), F.expr("sum(DISTINCT n % 2)"),
    F.sumDistinct("n"):alias("s"))
  t.same_table(agg.dtypes, { { "k", "string" }, { "sum(DISTINCT n)", "bigint" }, { "avg(DISTINCT n)", "double" },
    { "sum(DISTINCT (n % 2))", "bigint" }, { "s", "bigint" } })
  t.same_table(table_of(agg), { "a|3|1.5|1|3", "b|5|5.0|1|5" })
  local all = df:selectExpr("sum(DISTINCT n)", "count(DISTINCT n)", "max(DISTINCT n)", "bool_or(DISTINCT n > 1)")
  t.same_table(all.columns, { "sum(DISTINCT n)", "count(DISTINCT n)", "max(DISTINCT n)", "bool_or(DISTINCT (n > 1))" })
  t.same_table(table_of(all), { "8|3|5|true" })
  -- within an expression, named as Spark names it
  t.same_table(df:groupBy("k"):agg(F.sum_distinct("n") * 2).columns, { "k", "(sum(DISTINCT n) * 2)" })
end)

t.test("FILTER (WHERE ...): each aggregate over the rows the condition holds for", function()
  local df = people()
  local agg = df:groupBy("k"):agg(F.expr("count(*) FILTER (WHERE n > 1)"), F.expr("sum(n) FILTER (WHERE v > 15)"),
    F.expr("collect_list(p) FILTER (WHERE ok)"), F.expr("first(p, true) FILTER (WHERE n = 2)"),
    F.expr("count(DISTINCT p) FILTER (WHERE v IS NOT NULL)"), F.expr("max_by(p, n) FILTER (WHERE n < 2)"),
    F.expr("median(v) FILTER (WHERE n > 1)"))
  t.same_table(agg.columns, { "k", "count(1) FILTER (WHERE (n > 1))", "sum(n) FILTER (WHERE (v > 15))",
    "collect_list(p) FILTER (WHERE ok)", "first(p) FILTER (WHERE (n = 2))",
    "count(DISTINCT p) FILTER (WHERE (v IS NOT NULL))", "max_by(p, n) FILTER (WHERE (n < 2))",
    "median(v) FILTER (WHERE (n > 1))" })
  t.same_table(table_of(agg), { "a|2|4|[x, x]|y|2|x|30.0", "b|1|null|[y]|null|1|null|null",
    "c|0|null|[]|null|0|null|null" })
  -- in spark:sql, with GROUP BY and an expression around it
  df:createOrReplaceTempView("people")
  local q = spark:sql("SELECT k, count(*) FILTER (WHERE ok) + 1 AS n FROM people GROUP BY k ORDER BY k")
  t.same_table(table_of(q), { "a|3", "b|2", "c|1" })
end)

t.test("spark:sql GROUP BY, selectExpr, agg's table form and expressions over the new aggregates", function()
  local df = people()
  df:createOrReplaceTempView("people")
  local q = spark:sql("SELECT k, percentile(v, 0.5) AS p, count_if(ok) AS c, corr(n, v) * 2 FROM people"
    .. " GROUP BY k HAVING count_if(ok) > 0 ORDER BY k")
  t.same_table(q.columns, { "k", "p", "c", "(corr(n, v) * 2)" })
  t.same_table(table_of(q), { "a|20.0|2|1.5118578920369088", "b|5.0|1|null" })
  local e = df:selectExpr("percentile(n, 0.5) + 1", "every(ok) OR true", "regr_slope(v, n)")
  t.same_table(e.columns, { "(percentile(n, 0.5, 1) + 1)", "(every(ok) OR true)", "regr_slope(v, n)" })
  t.same_table(table_of(e), { "3.0|true|19.999999999999996" }) -- (20 within its last digit)
  local tab = df:groupBy("k"):agg({ n = "skewness", v = "kurtosis", p = "mode" })
  t.same_table(tab.columns, { "k", "p", "n", "v" } and { "k", "mode(p)", "skewness(n)", "kurtosis(v)" })
  t.same_table(table_of(tab), { "a|x|-0.7071067811865475|-1.5", "b|x|null|null", "c|z|null|null" })
end)

t.test("rollup, cube and pivot take them as the other aggregates", function()
  local df = people()
  local r = df:rollup("k"):agg(F.sum_distinct("n"), F.median("v"), F.count_if("ok"), F.max_by("p", "v"))
  t.same_table(table_of(r), { "a|3|20.0|2|x", "b|3|5.0|1|x", "c|null|null|0|null", "null|6|15.0|3|x" })
  local c = df:filter("k <> 'c'"):cube("k", "p"):agg(F.product("n"), F.mode("n"))
  t.same_table(table_of(c), { "a|x|2.0|1", "a|y|2.0|2", "b|y|3.0|3", "b|x|null|null", "a|null|4.0|2",
    "b|null|3.0|3", "null|x|2.0|1", "null|y|6.0|2", "null|null|12.0|2" })
  local p = df:groupBy("k"):pivot("p", { "x", "y" }):agg(F.percentile("v", 0.5), F.corr("n", "v"))
  t.same_table(p.columns, { "k", "x_percentile(v, 0.5, 1)", "x_corr(n, v)", "y_percentile(v, 0.5, 1)", "y_corr(n, v)" })
  t.same_table(table_of(p), { "a|25.0|1.0|20.0|null", "b|5.0|null|null|null", "c|null|null|null|null" })
end)

t.test("over windows: the partition, running frames and rowsBetween, as groupBy over the same rows", function()
  local df = spark:createDataFrame({ { "a", 1, 10.0 }, { "a", 2, 30.0 }, { "a", 3, 20.0 }, { "a", 4, nil },
    { "b", 1, 5.0 }, { "b", 2, 5.0 } }, "k string, t int, v double")
  local w = Window.partitionBy("k"):orderBy("t")
  local out = df:select("k", "t", F.median("v"):over(w):alias("median"), F.max_by("t", "v"):over(w):alias("argmax"),
    F.product("v"):over(w:rowsBetween(-1, 0)):alias("pair"), F.count_if(F.col("v"):gt(10)):over(w):alias("big"),
    F.corr("t", "v"):over(Window.partitionBy("k")):alias("corr"), F.mode("v"):over(w):alias("mode"),
    F.percentile("v", { 0, 1 }):over(w:rowsBetween(0, 1)):alias("range"),
    F.bool_and(F.col("v"):gt(6)):over(w):alias("all"))
  t.same_table(out.dtypes[3], { "median", "double" })
  t.same_table(out.dtypes[9], { "range", "array<double>" })
  t.same_table(table_of(out), {
    "a|1|10.0|1|10.0|0|0.5|10.0|[10.0, 30.0]|true",
    "a|2|20.0|2|300.0|1|0.5|10.0|[20.0, 30.0]|true",
    "a|3|20.0|2|600.0|2|0.5|10.0|[20.0, 20.0]|true",
    "a|4|20.0|2|20.0|2|0.5|10.0|null|true",
    "b|1|5.0|1|5.0|0|null|5.0|[5.0, 5.0]|false",
    "b|2|5.0|2|25.0|0|null|5.0|[5.0, 5.0]|false",
  })
  -- The name Spark gives a window expression, and SQL's OVER.
  t.same_table(df:select(F.skewness("v"):over(Window.partitionBy("k"))).columns,
    { "skewness(v) OVER (PARTITION BY k ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)" })
  t.same_table(table_of(df:selectExpr("percentile_approx(v, 0.5) OVER (PARTITION BY k ORDER BY t) AS p")),
    { "10.0", "10.0", "20.0", "20.0", "5.0", "5.0" })
  -- the whole partition: the same numbers as groupBy's
  local grouped = df:groupBy("k"):agg(F.kurtosis("v"), F.covar_samp("t", "v"), F.percentile("v", 0.3))
  local windowed = df:select("k", F.kurtosis("v"):over(Window.partitionBy("k")),
    F.covar_samp("t", "v"):over(Window.partitionBy("k")), F.percentile("v", 0.3):over(Window.partitionBy("k")))
    :dropDuplicates({ "k" })
  t.same_table(table_of(windowed:orderBy("k")), table_of(grouped:orderBy("k")))
end)

t.test("a window over a GROUP BY's rows: its function over the aggregated rows, aggregates inside computed first", function()
  spark:createDataFrame({ { 1, "a" }, { 2, "a" }, { 2, "b" } }, "v int, s string"):createOrReplaceTempView("vs")
  local q = spark:sql("SELECT v, sum(v) OVER (ORDER BY v) AS running, count(*) AS c, sum(count(*)) OVER () AS total,"
    .. " median(v) OVER () AS med, max_by(v, count(*)) OVER () AS most FROM vs GROUP BY v")
  t.same_table(table_of(q), { "1|1|1|3|1.5|2", "2|3|2|3|1.5|2" })
end)

t.test("errors name the call, at the caller's line", function()
  local df = people()
  local w = Window.partitionBy("k")
  t.raises_at_caller({
    { function() df:agg(F.bool_and("n")) end, "bool_and(n): the column n is int, which bool_and cannot take" },
    { function() df:agg(F.count_if("p")) end, "count_if(p): the column p is string" },
    { function() df:agg(F.bit_xor("v")) end, "bit_xor(v): the column is double, which bit_xor cannot take" },
    { function() df:agg(F.corr("n", "p")) end, "corr(n, p): the column p is string, which corr cannot take" },
    { function() df:agg(F.skewness("p")) end, "skewness(p): the column is string" },
    { function() df:agg(F.percentile("v", 1.5)) end, "Percentage(s) must be between 0.0 and 1.0, but got 1.5" },
    { function() df:agg(F.percentile("v", F.col("n"))) end, "the percentage(s) must be a constant literal" },
    { function() df:agg(F.percentile("v", 0.5, "v")) end, "the column v is double, which percentile cannot take" },
    { function() df:agg(F.percentile_approx("v", 0.5, 0)) end, "The accuracy provided must be a literal between" },
    { function() df:agg(F.percentile_approx("p", 0.5)) end, "percentile_approx(p, 0.5, 10000): the column is string" },
    { function() df:agg(F.max_by("p", F.create_map(F.lit("a"), "n"))) end, "which max_by cannot take" },
    { function() df:agg(F.expr("corr(n)")) end, "corr takes 2 arguments, not 1" },
    { function() df:agg(F.expr("product(DISTINCT n)")) end, "tide takes DISTINCT in count, sum and avg" },
    { function() df:agg(F.expr("first(n) FILTER (WHERE n > 1)")) end, "FILTER with first(x)" },
    { function() df:select(F.expr("upper(p) FILTER (WHERE n > 1)")) end,
      "FILTER (WHERE ...) follows an aggregate function, not upper(p)" },
    { function() df:select(F.sum_distinct("n"):over(w)) end, "Distinct window functions are not supported" },
    { function() df:select(F.expr("count(*) FILTER (WHERE n > 1) OVER (PARTITION BY k)")) end,
      "window aggregate function with filter predicate is not supported yet" },
    { function() df:withColumn("m", F.median("v")):collect() end, "median is an aggregate function" },
  })
end)

-- ---- streaming ----------------------------------------------------------------------------------

local SCHEMA = "site string, click int, price double"

local function mergeable(df)
  return df:groupBy("site"):agg(F.count_if(F.col("click"):gt(0)):alias("clicked"),
    F.bool_and(F.col("price"):gt(1)):alias("all"), F.max_by("price", "click"):alias("top"),
    F.min_by("price", "click"):alias("bottom"), F.product("click"):alias("prod"),
    F.bit_or("click"):alias("bits"), F.median("price"):alias("median"), F.percentile("click", { 0.25, 1 }):alias("pct"),
    F.percentile_approx("price", 0.5):alias("approx"), F.mode("click"):alias("mode"),
    F.regr_count("price", "click"):alias("pairs"),
    F.first_value("price", true):alias("firstp"))
end

local function moments(df)
  return df:groupBy("site"):agg(F.corr("click", "price"):alias("corr"), F.covar_samp("click", "price"):alias("cov"),
    F.skewness("price"):alias("skew"), F.kurtosis("price"):alias("kurt"), F.regr_slope("price", "click"):alias("slope"),
    F.regr_intercept("price", "click"):alias("icpt"), F.regr_r2("price", "click"):alias("r2"),
    F.regr_sxy("price", "click"):alias("sxy"))
end

-- stddev, variance and their _pop forms keep the moments too;
-- approx_count_distinct its HyperLogLog++ sketch.
local function spread(df)
  return df:groupBy("site"):agg(F.stddev("price"):alias("sd"), F.variance("click"):alias("var"),
    F.stddev_pop("price"):alias("sdp"), F.var_pop("click"):alias("varp"), F.approx_count_distinct("click"):alias("n"))
end

local function sorted(rows)
  table.sort(rows)
  return rows
end

-- Runs plan over the CSV files of dir (one per batch) into its checkpoint
-- until they are all read; the batches' rows by epoch.
local function run(dir, cp, plan, batches)
  local q = plan(spark.readStream:csv(dir, { schema = SCHEMA, maxFilesPerTrigger = 1 })).writeStream
    :outputMode("complete"):foreachBatch(function(df, epoch) batches[epoch + 1] = sorted(table_of(df)) end)
    :option("checkpointLocation", cp):start()
  q:processAllAvailable()
  q:stop()
end

local FILES = {
  { { "a", 1, 2.0 }, { "b", 0, 1.0 }, { "a", 3, 5.0 } },
  { { "a", 2, 4.0 }, { "b", 5, 7.0 }, { "b", nil, 3.5 } },
  { { "a", 7, 1.0 }, { "c", 2, 0.5 }, { "a", 3, 6.0 } },
}

t.test("a streaming aggregation keeps the mergeable ones across batches and a restart, as a batch does", function()
  for _, plan in ipairs({ mergeable, moments, spread }) do
    local input, cp = t.tempdir(), t.tempdir() .. "/cp"
    t.write_csv(input .. "/1.csv", FILES[1])
    t.write_csv(input .. "/2.csv", FILES[2])
    local batches = {}
    run(input, cp, plan, batches)
    t.eq(#batches, 2)
    t.write_csv(input .. "/3.csv", FILES[3])
    run(input, cp, plan, batches)
    t.eq(#batches, 3)
    local whole = sorted(table_of(plan(spark.read:csv(input, { schema = SCHEMA }))))
    if plan == mergeable then
      -- values kept exactly: the same rows as a batch job's
      t.same_table(batches[3], whole)
      t.same_table(batches[3][1], "a|5|false|1.0|2.0|126.0|7|4.0|[2.0, 7.0]|4.0|3|5|2.0")
    else
      -- moments merged by Spark's formulas, as Spark merges its partitions' buffers: within the last digits
      for i, row in ipairs(batches[3]) do
        local streamed, batch = {}, {}
        for v in (row .. "|"):gmatch("([^|]*)|") do streamed[#streamed + 1] = v end
        for v in (whole[i] .. "|"):gmatch("([^|]*)|") do batch[#batch + 1] = v end
        for j, v in ipairs(streamed) do
          if tonumber(v) then near(v, tonumber(batch[j])) else t.eq(v, batch[j]) end
        end
      end
      if plan == moments then
        -- (one pair: no correlation, covariance, slope or r2; two values: no skew)
        t.same_table(batches[1], { "a|1.0|3.0|0.0|-2.0|1.5|0.5|1.0|3.0", "b|null|null|null|null|null|null|null|0.0" })
      else
        -- (one value: no sample's deviation; a's population's of 2 and 5 is 1.5)
        t.same_table(batches[1], { "a|2.1213203435596424|2.0|1.5|1.0|2", "b|null|null|0.0|0.0|1" })
        -- (a's prices 2, 5, 4, 1, 6: squares about the mean 17.2; b's 1 and 7, its 3.5's row without a click)
        t.same_table(batches[3], { "a|2.073644135332772|5.199999999999999|1.8547236990991407|4.159999999999999|4",
          "b|4.242640687119285|12.5|3.0|6.25|2", "c|null|null|0.0|0.0|1" })
      end
    end
  end
end)

t.test("over a stream, what does not merge fails at the user's line", function()
  local input = t.tempdir()
  t.write_csv(input .. "/1.csv", FILES[1])
  local s = spark.readStream:csv(input, { schema = SCHEMA })
  t.raises_at_caller({
    { function() s:groupBy("site"):agg(F.sum_distinct("click")) end, "sum(DISTINCT click) over a stream" },
    { function() s:groupBy("site"):agg(F.expr("avg(DISTINCT click)")) end, "distinct aggregations are not supported" },
    { function() s:groupBy("site"):agg(F.percentile("price", 0.5, "click")) end,
      "keeps a percentile's values, not their frequencies" },
  })
end)

t.test("pivot masks every argument of an aggregate, as Spark's: max_by's ordering too", function()
  local df = spark:createDataFrame({ { "a", "x", 1, 10 }, { "a", "y", 2, 5 }, { "a", "x", 3, 1 }, { "b", "y", 4, 7 } },
    "k string, p string, v int, o int")
  t.same_table(t.rows(df:groupBy("k"):pivot("p"):agg(F.max_by("v", "o")):orderBy("k")), { "a|1|2", "b|null|4" })
  -- a pivot value without rows in a group: null, as count's
  t.same_table(t.rows(df:groupBy("k"):pivot("p"):agg(F.count_if(F.col("v"):gt(1))):orderBy("k")),
    { "a|1|1", "b|null|1" })
  t.raises_at_caller({
    { function() local _ = df:groupBy("k"):pivot("p"):agg(F.first_value("v")):collect() end,
      "first_value(x, true) (its first non-null value) can be pivoted" },
  })
end)

t.run()
