-- The names a select gives expression columns (df.columns), as Apache
-- Spark 3.5.3 gives them: each expected name below is the one Spark
-- 3.5.3 printed for the same SQL (spark.sql(...).columns) or the same
-- PySpark call. Defaults a function's expression fills in, window
-- functions and their frames, lambda variables, casts, literals, struct
-- fields, aliases inside expressions, LIKE ANY/ALL, intervals and the
-- columns of a join (tide.sql_names).
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local Window = tide.Window
local spark = tide.session()

-- Each case { sql, names }: the columns of spark:sql(sql).
local function same_names(cases)
  for _, c in ipairs(cases) do t.same_table(spark:sql(c[1]).columns, c[2], c[1]) end
end

local V = "namedlambdavariable()"
-- (Spark's text with V for namedlambdavariable())
local function lambdas(text) return (text:gsub("V", V)) end

t.test("a function's name shows the arguments its expression fills in", function()
  same_names({
    { "SELECT sort_array(array(3, NULL, 1, 2)), sort_array(array(3, NULL, 1, 2), false)",
      { "sort_array(array(3, NULL, 1, 2), true)", "sort_array(array(3, NULL, 1, 2), false)" } },
    { "SELECT months_between(DATE'2024-03-31', DATE'2024-02-29')",
      { "months_between(DATE '2024-03-31', DATE '2024-02-29', true)" } },
    { "SELECT split('a1b2c3', '\\\\d'), split('abc', 'b', 1), size(split('', ','))",
      { "split(a1b2c3, \\d, -1)", "split(abc, b, 1)", "size(split(, ,, -1))" } },
    { "SELECT regexp_replace('abc', '(b)', '[$1]')", { "regexp_replace(abc, (b), [$1], 1)" } },
    { "SELECT str_to_map('a:1,b:2,c'), str_to_map('a=1;b=2', ';', '='), str_to_map(''), str_to_map('a', ';')",
      { "str_to_map(a:1,b:2,c, ,, :)", "str_to_map(a=1;b=2, ;, =)", "str_to_map(, ,, :)", "str_to_map(a, ;, :)" } },
    { "SELECT substring('hello', 2147483647), substr('hello', 0), substring('abc' FROM 2)",
      { "substring(hello, 2147483647, 2147483647)", "substr(hello, 0, 2147483647)", "substring(abc, 2, 2147483647)" } },
    { "SELECT percentile(x, 0.5), percentile_approx(x, 0.5), approx_percentile(x, 0.5), std(x), stddev(x)"
      .. " FROM VALUES (1), (2) t(x)",
      { "percentile(x, 0.5, 1)", "percentile_approx(x, 0.5, 10000)", "approx_percentile(x, 0.5, 10000)", "std(x)",
        "stddev(x)" } },
    { "SELECT first(x) IGNORE NULLS, first(x, true), last(x, false), first_value(x, true) FROM VALUES (1) t(x)",
      { "first(x)", "first(x)", "last(x)", "first_value(x)" } },
    { "SELECT position('a', 'abc'), locate('a', 'abc')", { "position(a, abc, 1)", "locate(a, abc, 1)" } },
  })
  -- The DataFrame API's functions pass them too.
  local df = spark:sql("SELECT array(1, 2) AS a, 'a,b' AS t")
  t.same_table(df:select(F.sort_array("a"), F.split("t", ","), F.regexp_replace("t", ",", ";"),
    F.months_between(F.lit("2024-01-01"), F.lit("2024-02-01"))).columns,
    { "sort_array(a, true)", "split(t, ,, -1)", "regexp_replace(t, ,, ;, 1)",
      "months_between(2024-01-01, 2024-02-01, true)" })
end)

t.test("lambda variables are namedlambdavariable(), in SQL and in the DataFrame API", function()
  same_names({
    { "SELECT transform(array(1, NULL), x -> x IS NULL), filter(array(1, 2, 3, 4), (x, i) -> x % 2 = 0)", {
      lambdas("transform(array(1, NULL), lambdafunction((V IS NULL), V))"),
      lambdas("filter(array(1, 2, 3, 4), lambdafunction(((V % 2) = 0), V, V))") } },
    { "SELECT transform(array(1, 2), x -> transform(array(10), y -> x + y))",
      { lambdas("transform(array(1, 2), lambdafunction(transform(array(10), lambdafunction((V + V), V)), V))") } },
    { "SELECT map_zip_with(map(1, 'a'), map(1, 'x', 2, 'y'), (k, a, b) -> concat(a, b))",
      { lambdas("map_zip_with(map(1, a), map(1, x, 2, y), lambdafunction(concat(V, V), V, V, V))") } },
    -- aggregate's (and reduce's) finish is the identity where none is given
    { "SELECT aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x), aggregate(array(1), 0, (a, x) -> a + x, a -> a * 10)",
      { lambdas("aggregate(array(1, 2, 3), 0, lambdafunction((V + V), V, V), lambdafunction(V, V))"),
        lambdas("aggregate(array(1), 0, lambdafunction((V + V), V, V), lambdafunction((V * 10), V))") } },
    { "SELECT reduce(array(1), 0, (a, x) -> a + x)",
      { lambdas("reduce(array(1), 0, lambdafunction((V + V), V, V), lambdafunction(V, V))") } },
    -- array_sort's comparator, where none is given: nulls last, ascending
    { "SELECT array_sort(array(3, NULL, 1, 2)), array_sort(array(2, 1, 3), (x, y) -> 0)", {
      lambdas("array_sort(array(3, NULL, 1, 2), lambdafunction((IF(((V IS NULL) AND (V IS NULL)), 0, (IF((V IS NULL),"
        .. " 1, (IF((V IS NULL), -1, (IF((V < V), -1, (IF((V > V), 1, 0)))))))))), V, V))"),
      lambdas("array_sort(array(2, 1, 3), lambdafunction(0, V, V))") } },
  })
  local df = spark:sql("SELECT array(1, 2) AS a, map('a', 1) AS m")
  t.same_table(df:select(F.transform("a", function(x) return x + 1 end),
    F.transform("a", function(x, i) return x + i end), F.aggregate("a", F.lit(0), function(acc, x) return acc + x end),
    F.transform_values("m", function(_, v) return v + 1 end)).columns, {
      lambdas("transform(a, lambdafunction((V + 1), V))"), lambdas("transform(a, lambdafunction((V + V), V, V))"),
      lambdas("aggregate(a, 0, lambdafunction((V + V), V, V), lambdafunction(V, V))"),
      lambdas("transform_values(m, lambdafunction((V + 1), V, V))") })
  t.eq(df:select(F.array_sort("a", function(l, r) return l - r end)).columns[1],
    lambdas("array_sort(a, lambdafunction((V - V), V, V))"))
end)

t.test("window functions: RANK() in capitals, lag and lead with their default and offset frame", function()
  same_names({
    { "SELECT x, rank() OVER (ORDER BY x), dense_rank() OVER (ORDER BY x), percent_rank() OVER (ORDER BY x),"
      .. " cume_dist() OVER (ORDER BY x) FROM VALUES (1), (2) AS t(x)", { "x",
        "RANK() OVER (ORDER BY x ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
        "DENSE_RANK() OVER (ORDER BY x ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
        "PERCENT_RANK() OVER (ORDER BY x ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
        "cume_dist() OVER (ORDER BY x ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)" } },
    { "SELECT lag(x) OVER (ORDER BY x), lead(x, 2) OVER (ORDER BY x), lag(x, 1, -1) OVER (ORDER BY x),"
      .. " lead(x, -1) OVER (ORDER BY x), lag(x, 0) OVER (ORDER BY x), lag(x, -1) OVER (ORDER BY x)"
      .. " FROM VALUES (1), (2) AS t(x)", {
        "lag(x, 1, NULL) OVER (ORDER BY x ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)",
        "lead(x, 2, NULL) OVER (ORDER BY x ASC NULLS FIRST ROWS BETWEEN 2 FOLLOWING AND 2 FOLLOWING)",
        "lag(x, 1, -1) OVER (ORDER BY x ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)",
        "lead(x, -1, NULL) OVER (ORDER BY x ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)",
        "lag(x, 0, NULL) OVER (ORDER BY x ASC NULLS FIRST ROWS BETWEEN 0 FOLLOWING AND 0 FOLLOWING)",
        "lag(x, -1, NULL) OVER (ORDER BY x ASC NULLS FIRST ROWS BETWEEN 1 FOLLOWING AND 1 FOLLOWING)" } },
    -- IGNORE NULLS: no part of lag's or first's name, words after nth_value's
    { "SELECT lag(x) IGNORE NULLS OVER (ORDER BY x), first(x) IGNORE NULLS OVER (ORDER BY x),"
      .. " nth_value(x, 2) IGNORE NULLS OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
      .. " FROM VALUES (1), (2) AS t(x)", {
        "lag(x, 1, NULL) OVER (ORDER BY x ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)",
        "first(x) OVER (ORDER BY x ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
        "nth_value(x, 2) ignore nulls OVER (ORDER BY x ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND"
          .. " UNBOUNDED FOLLOWING)" } },
  })
  local df = spark:sql("SELECT 1.5D AS d, 1 AS k")
  local w = Window.partitionBy("k"):orderBy("d")
  t.same_table(df:select(F.lag("d"):over(w), F.lead("d", 2, 0):over(w), F.cume_dist():over(w),
    F.nth_value("d", 2, true):over(w)).columns, {
      "lag(d, 1, NULL) OVER (PARTITION BY k ORDER BY d ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)",
      "lead(d, 2, 0) OVER (PARTITION BY k ORDER BY d ASC NULLS FIRST ROWS BETWEEN 2 FOLLOWING AND 2 FOLLOWING)",
      "cume_dist() OVER (PARTITION BY k ORDER BY d ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
      "nth_value(d, 2) ignore nulls OVER (PARTITION BY k ORDER BY d ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING"
        .. " AND CURRENT ROW)" })
end)

t.test("casts: the cast functions and casts to collections show their operand; TINYINT and SMALLINT as written",
  function()
    same_names({
      { "SELECT string(1.0D), string(NULL), string(array(1, NULL)), int('1'), date('2024-01-01'), abs(int('1'))",
        { "1.0", "NULL", "array(1, NULL)", "1", "2024-01-01", "abs(1)" } },
      { "SELECT string(x), int(x) + 1, CAST(x AS STRING) FROM VALUES (1) t(x)", { "x", "(x + 1)", "x" } },
      { "SELECT CAST(200 AS TINYINT), CAST('1' AS BYTE), CAST(70000 AS SMALLINT), CAST('1' AS SHORT),"
        .. " TRY_CAST('1' AS TINYINT), CAST('1' AS INTEGER), CAST('1' AS NUMERIC)",
        { "CAST(200 AS TINYINT)", "CAST(1 AS TINYINT)", "CAST(70000 AS SMALLINT)", "CAST(1 AS SMALLINT)",
          "TRY_CAST(1 AS TINYINT)", "CAST(1 AS INT)", "CAST(1 AS DECIMAL(10,0))" } },
      { "SELECT CAST(127 AS TINYINT) + CAST(1 AS TINYINT), hex(CAST(-1 AS TINYINT))",
        { "(CAST(127 AS TINYINT) + CAST(1 AS TINYINT))", "hex(CAST(-1 AS TINYINT))" } },
      { "SELECT CAST(array(1, 2) AS ARRAY<STRING>), CAST(named_struct('a', '1') AS STRUCT<a: INT>),"
        .. " size(CAST(array(1) AS ARRAY<STRING>)), CAST(array('a') AS STRING)",
        { "array(1, 2)", "named_struct(a, 1)", "size(array(1))", "CAST(array(a) AS STRING)" } },
    })
    local df = spark:sql("SELECT 1.5D AS d, array(1) AS a")
    t.same_table(df:select(F.col("d"):cast("tinyint"), F.lit(1):cast("byte"), F.lit(1):cast("short"),
      F.abs(F.col("d"):cast("tinyint")), F.col("a"):cast("array<string>")).columns,
      { "d", "CAST(1 AS TINYINT)", "CAST(1 AS SMALLINT)", "abs(CAST(d AS TINYINT))", "a" })
  end)

t.test("literals: binary in capitals, dates and timestamps as their values' text", function()
  same_names({
    { "SELECT X'0aFF', decode(X'68656c6c6f', 'US-ASCII')", { "X'0AFF'", "decode(X'68656C6C6F', US-ASCII)" } },
    { "SELECT TIMESTAMP'2024-01-01 10:00:00.100', TIMESTAMP'2024-03-05 10:11:12.120000', TIMESTAMP '2024-01-01',"
      .. " TIMESTAMP '2024-01-01 10:00:00+01:00', date'2024-1-5'",
      { "TIMESTAMP '2024-01-01 10:00:00.1'", "TIMESTAMP '2024-03-05 10:11:12.12'", "TIMESTAMP '2024-01-01 00:00:00'",
        "TIMESTAMP '2024-01-01 09:00:00'", "DATE '2024-01-05'" } },
  })
end)

t.test("struct fields: a dotted name is its field, an extraction its SQL; aliases inside expressions", function()
  same_names({
    { "SELECT named_struct('x', 5).x, named_struct('a', named_struct('b', 5)).a.b, struct(1, 2).col1,"
      .. " struct(NULL AS x).x, from_json('{\"a\":1}', 'struct<a:int>').a",
      { "named_struct(x, 5).x", "named_struct(a, named_struct(b, 5)).a.b", "struct(1, 2).col1", "struct(NULL AS x).x",
        "from_json({\"a\":1}).a" } },
    { "SELECT s.x, (s).x, CAST(s.x AS STRING), CAST(s AS STRING), abs(s.x), struct(s.x, s.y)"
      .. " FROM (SELECT named_struct('x', 1, 'y', 'a') AS s)",
      { "x", "x", "CAST(s.x AS STRING)", "s", "abs(s.x)", "struct(s.x, s.y)" } },
    { "SELECT max(struct(x, y)).y FROM VALUES (1, 'a'), (2, 'b') AS t(x, y)", { "max(struct(x, y)).y" } },
    { "SELECT struct(1 AS x, 'y' AS y), struct(1 AS `a b`), struct(k), struct(k AS kk) FROM VALUES (1) t(k)",
      { "struct(1 AS x, y AS y)", "struct(1 AS `a b`)", "struct(k)", "struct(k AS kk)" } },
    -- a row constructor is Spark's CreateStruct
    { "SELECT (1, 2), (1 AS a, 2 AS b), (x, 1) FROM VALUES (1) t(x)",
      { "named_struct(col1, 1, col2, 2)", "named_struct(a, 1 AS a, b, 2 AS b)", "named_struct(x, x, col2, 1)" } },
  })
  local df = spark:sql("SELECT named_struct('x', 1, 'y', 'a') AS s, 1 AS k, 1.5D AS d")
  t.same_table(df:select(F.col("s"):getField("x"), F.col("s.x"), F.abs(F.col("s"):getField("x")),
    F.struct(F.lit(1):alias("x"), F.col("k"):alias("a b"), F.lit(2):alias("1a")), F.abs(F.col("d"):alias("b"))).columns,
    { "s.x", "x", "abs(s.x)", "struct(1 AS x, k AS `a b`, 2 AS 1a)", "abs(d AS b)" })
  t.eq(tostring(F.col("d"):alias("b")), "Column<'d AS b'>")
end)

t.test("LIKE ANY / ALL of literal patterns, and from_json of a map", function()
  same_names({
    { "SELECT 'abc' LIKE ANY ('x%', 'a%'), 'abc' LIKE ALL ('a%', '%c'), 'abc' NOT LIKE ALL ('x%', 'y%'),"
      .. " 'a' NOT LIKE ANY ('b'), 'a' LIKE SOME ('b'), 'a' ILIKE ANY ('A'), 'a' NOT ILIKE ALL ('b')",
      { "likeany(abc)", "likeall(abc)", "notlikeall(abc)", "notlikeany(a)", "likeany(a)", "likeany(lower(a))",
        "notlikeall(lower(a))" } },
    { "SELECT 'a' NOT LIKE 'b', 'a' ILIKE 'A', 'a' NOT ILIKE 'b'", { "(NOT a LIKE b)", "ilike(a, A)",
      "(NOT ilike(a, b))" } },
    { "SELECT from_json('{\"k\":1}', 'MAP<STRING,INT>'), size(from_json('{\"a\":1}', 'map<string,int>')),"
      .. " from_json('[1]', 'ARRAY<INT>')", { "entries", "size(entries)", "from_json([1])" } },
  })
  t.same_table(spark:sql("SELECT 'a' AS t"):select(F.from_json("t", "map<string,int>"), F.from_json("t", "a int"))
    .columns, { "entries", "from_json(t)" })
end)

t.test("a datetime moved by an interval: no parentheses, the datetime first, the interval's fields", function()
  same_names({
    { "SELECT x + INTERVAL 1 HOUR, INTERVAL 1 DAY + x, x - INTERVAL 1 DAY + INTERVAL 1 HOUR, x + INTERVAL 90 MINUTES,"
      .. " x + INTERVAL 1.5 SECONDS, x + INTERVAL 1 DAY 2 HOURS 3 MINUTES, x - INTERVAL 1 MONTH"
      .. " FROM VALUES (TIMESTAMP'2024-01-01 00:00:00') t(x)",
      { "x + INTERVAL '01' HOUR", "x + INTERVAL '1' DAY", "x - INTERVAL '1' DAY + INTERVAL '01' HOUR",
        "x + INTERVAL '90' MINUTE", "x + INTERVAL '01.5' SECOND", "x + INTERVAL '1 02:03' DAY TO MINUTE",
        "x - INTERVAL '1' MONTH" } },
    { "SELECT d + INTERVAL 2 DAY, d - INTERVAL 12 HOUR, d - INTERVAL 2 DAY, d + INTERVAL 1 MONTH, d + INTERVAL 36 HOURS"
      .. " FROM VALUES (DATE'2024-01-01') t(d)",
      { "date_add(d, extractansiintervaldays(INTERVAL '2' DAY))", "d - INTERVAL '12' HOUR",
        "date_add(d, (- extractansiintervaldays(INTERVAL '2' DAY)))", "d + INTERVAL '1' MONTH",
        "d + INTERVAL '36' HOUR" } },
  })
end)

t.test("a column of either side of a join is named by its name, l.a and r.a both a", function()
  same_names({
    { "SELECT l.a, r.a FROM VALUES (1) AS l(a) JOIN VALUES (2) AS r(a) ON l.a < r.a", { "a", "a" } },
    { "SELECT l.k, r.k FROM VALUES (1) AS l(k) FULL JOIN VALUES (2) AS r(k) USING (k)", { "k", "k" } },
    { "SELECT * FROM VALUES (1, 2) AS l(a, b) JOIN VALUES (1, 3) AS r(a, b) ON l.a = r.a AND l.b < r.b",
      { "a", "b", "a", "b" } },
  })
  -- each still its own side's
  t.same_table(t.rows(spark:sql("SELECT l.a, r.a FROM VALUES (1) AS l(a) JOIN VALUES (2) AS r(a) ON l.a < r.a")),
    { "1|2" })
end)

t.test("inside an expression or an aggregate too: l.a + r.a is (a + a), count(r.a) count(a)", function()
  local lr = " FROM VALUES (1, 'x') AS l(a, b) JOIN VALUES (1, 'y') AS r(a, b) ON l.a = r.a"
  same_names({
    { "SELECT r.a + 1, upper(r.b), r.a" .. lr, { "(a + 1)", "upper(b)", "a" } },
    { "SELECT r.a + 1, upper(r.b), count(r.a), max(l.a), r.a" .. lr .. " GROUP BY r.a, r.b",
      { "(a + 1)", "upper(b)", "count(a)", "max(a)", "a" } },
    { "SELECT l.a + r.a, count(DISTINCT r.b), l.a = r.a" .. lr .. " GROUP BY l.a, r.a",
      { "(a + a)", "count(DISTINCT b)", "(a = a)" } },
  })
  -- the aggregate still found by HAVING and ORDER BY, each side's column its own
  local df = spark:sql("SELECT l.a, count(r.a) FROM VALUES (1), (2), (3) AS l(a) LEFT JOIN VALUES (1), (1), (3) "
    .. "AS r(a) ON l.a = r.a GROUP BY l.a HAVING count(r.a) > 0 ORDER BY count(r.a)")
  t.same_table(df.columns, { "a", "count(a)" })
  t.same_table(t.rows(df), { "3|1", "1|2" })
  t.same_table(t.rows(spark:sql("SELECT l.a - r.a" .. lr:gsub("l.a = r.a", "l.a <= r.a + 1"))), { "0" })
end)

t.run()
