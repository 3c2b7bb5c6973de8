-- PySpark 3.5's functions that tide.functions adds: aliases of SQL functions, try_ aggregates and map_zip_with,
-- against Spark 3.5's results.
-- The expected values, types and names are those Spark 3.5.0 gives for
-- the same queries (local[1], one partition, as tide's one batch).
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local Window = tide.Window
local spark = tide.session()

local rows = t.rows

-- A query's rows, its columns' names and Spark's type names.
local function sql(query)
  local df = spark:sql(query)
  local types = {}
  for i, d in ipairs(df.dtypes) do types[i] = d[2] end
  return rows(df), df.columns, types
end

-- ---- aliases -----------------------------------------------------------------------------------

local function strings()
  return spark:createDataFrame({ { "Abc", 1 }, { "x_y", nil }, { nil, 2 } }, "s string, n int")
end

t.test("PySpark 3.5's other names of SQL functions: lcase, ucase, substr, like, rlike, sha, now", function()
  local df = strings():select(F.lcase("s"), F.ucase("s"), F.substr("s", F.lit(2)), F.substr("s", F.lit(1), F.lit(2)),
    F.like("s", F.lit("A%")), F.like("s", F.lit("x/_y"), F.lit("/")), F.rlike("s", F.lit("^A")),
    F.regexp_like("s", F.lit("b")), F.ilike("s", F.lit("X/_Y"), F.lit("/")), F.sha("s"))
  t.same_table(df.columns, { "lcase(s)", "ucase(s)", "substr(s, 2, 2147483647)", "substr(s, 1, 2)", "s LIKE A%",
    "s LIKE x/_y", "RLIKE(s, ^A)", "REGEXP_LIKE(s, b)", "ilike(s, X/_Y)", "sha(s)" })
  t.same_table(rows(df), {
    "abc|ABC|bc|Ab|true|false|true|true|false|915858afa2278f25527f192038108346164b47f2",
    "x_y|X_Y|_y|x_|false|true|false|false|true|dab5c242aa6555b4ff1d6cd81f160b4ec403ed1a",
    "null|null|null|null|null|null|null|null|null|null" })
  -- substr's position and length: columns or names, as PySpark's
  local pos = spark:createDataFrame({ { "hello", 2, 3 }, { "hello", -3, 2 } }, "s string, p int, l int")
  t.same_table(rows(pos:select(F.substr("s", "p", "l"), F.substr(F.col("s"), F.col("p")))),
    { "ell|ello", "ll|llo" })
  -- now() is current_timestamp(), and so named, as PySpark's
  local now = spark:range(1):select(F.now(), F.current_timestamp())
  t.same_table(now.dtypes, { { "current_timestamp()", "timestamp" }, { "current_timestamp()", "timestamp" } })
  local r = now:collect()[1]
  t.ok(r[1] ~= nil and r[1] == r[2], "now() and current_timestamp() are the batch's one instant")
  -- a pattern as PySpark takes it: a Column or a column's name (tide matches literal patterns)
  t.raises(function() strings():select(F.like("s", "n")):collect() end, "the pattern of like must be a literal")
  t.raises(function() F.substr("s") end, "substr%(%) needs a column and a position")
end)

t.test("assert_true: NULL of Spark's void type, named with its message; a false or NULL row fails the query", function()
  local df = strings():select(F.assert_true(F.lit(true)), F.assert_true(F.lit(true), "boom"),
    F.assert_true(F.col("n"):gt(0), F.lit("never")))
  t.same_table(df.columns, { "assert_true(true, 'true' is not true!)", "assert_true(true, boom)",
    "assert_true((n > 0), never)" })
  -- (n is null in the second row: not true)
  t.raises(function() df:collect() end, "never")
  t.same_table(rows(strings():filter("n IS NOT NULL"):select(F.assert_true(F.col("n"):gt(0)))), { "null", "null" })
  t.raises(function() strings():select(F.assert_true(F.col("n"):gt(1))):collect() end, "'%(n > 1%)' is not true!")
  t.raises(function() strings():select(F.assert_true(F.col("n"):gt(1), "n too small")):collect() end, "n too small")
  local q, names, types = sql("SELECT assert_true(1 < 2), assert_true(1 < 2, 'x'), typeof(assert_true(true)) AS t")
  t.same_table(q, { "null|null|void" })
  t.same_table(names, { "assert_true((1 < 2), '(1 < 2)' is not true!)", "assert_true((1 < 2), x)", "t" })
  t.eq(types[3], "string")
end)

t.test("every PySpark 3.5 function this suite adds is in tide.functions", function()
  for _, name in ipairs({ "lcase", "ucase", "now", "substr", "like", "ilike", "rlike", "regexp_like", "sha",
                          "assert_true", "try_sum", "try_avg", "map_zip_with", "histogram_numeric" }) do
    t.eq(type(F[name]), "function", name)
  end
end)

-- ---- try_sum and try_avg -----------------------------------------------------------------------

t.test("try_sum and try_avg: Spark's sum and avg, with NULL where a bigint sum overflows", function()
  local function check(query, expected, names, types)
    local q, n, ty = sql(query)
    t.same_table(q, expected, query)
    if names then t.same_table(n, names, query) end
    if types then t.same_table(ty, types, query) end
  end
  check("SELECT try_sum(x), sum(x), try_avg(x), avg(x) FROM VALUES (1), (2), (NULL) t(x)", { "3|3|1.5|1.5" },
    { "try_sum(x)", "sum(x)", "try_avg(x)", "avg(x)" }, { "bigint", "bigint", "double", "double" })
  -- Spark's example: the sum wraps, try_sum is NULL; an average sums doubles
  -- (2^62, as Java 17's Double.toString prints it)
  check("SELECT try_sum(x), sum(x), try_avg(x) FROM VALUES (9223372036854775807L), (1L) t(x)",
    { "null|-9223372036854775808|4.6116860184273879E18" })
  -- an overflow at any step is NULL for good, as Spark's TryEval leaves its buffer
  check("SELECT try_sum(x) FROM VALUES (9223372036854775807L), (1L), (-1L) t(x)", { "null" })
  check("SELECT try_sum(x) FROM VALUES (9223372036854775807L), (-1L), (1L) t(x)", { "9223372036854775807" })
  -- ints sum as bigints
  check("SELECT try_sum(x), try_avg(x) FROM VALUES (2147483647), (1) t(x)", { "2147483648|1.073741824E9" }, nil,
    { "bigint", "double" })
  -- decimals: sum's and avg's types, NULL past their precision as Spark's outside ANSI mode
  check("SELECT try_sum(x), try_avg(x) FROM VALUES (CAST(1.5 AS DECIMAL(3,1))), (2.25) t(x)", { "3.75|1.875000" }, nil,
    { "decimal(14,2)", "decimal(8,6)" })
  check("SELECT try_sum(x), try_avg(x) FROM VALUES (CAST(99999999999999999999999999999999999.9 AS DECIMAL(38,1))),"
    .. " (CAST(99999999999999999999999999999999999.9 AS DECIMAL(38,1))) t(x)",
    { "199999999999999999999999999999999999.8|null" }, nil, { "decimal(38,1)", "decimal(38,5)" })
  -- doubles go to Infinity; strings are read as doubles
  check("SELECT try_sum(x), try_avg(x) FROM VALUES (1.5D), (NULL), (1E308D), (1E308D) t(x)", { "Infinity|Infinity" })
  check("SELECT try_sum(x), try_avg(x) FROM VALUES ('1'), ('2') t(x)", { "3.0|1.5" }, nil, { "double", "double" })
  -- no value: NULL
  check("SELECT try_sum(x), try_avg(x) FROM VALUES (CAST(NULL AS INT)) t(x)", { "null|null" })
  check("SELECT try_sum(x), try_avg(x) FROM VALUES (1) t(x) WHERE x > 5", { "null|null" })
  -- FILTER, and an expression over it
  check("SELECT try_sum(x) FILTER (WHERE x > 1), try_sum(x) * 2 FROM VALUES (1), (2), (3) t(x)", { "5|12" },
    { "try_sum(x) FILTER (WHERE (x > 1))", "(try_sum(x) * 2)" })
  t.raises(function() spark:sql("SELECT try_sum(b) FROM VALUES (true) t(b)") end,
    "try_sum%(b%): the column b is boolean, which try_sum cannot take")
  t.raises(function() spark:sql("SELECT try_avg(s) FROM VALUES (array(1)) t(s)") end, "which try_avg cannot take")
end)

t.test("try_sum and try_avg in groupBy/agg and over windows, each group's and frame's own", function()
  local df = spark:createDataFrame({ { 1, 9223372036854775807LL }, { 1, 1LL }, { 2, 3LL }, { 2, nil } },
    "k int, x bigint")
  local g = df:groupBy("k"):agg(F.try_sum("x"), F.try_avg("x")):orderBy("k")
  t.same_table(g.dtypes, { { "k", "int" }, { "try_sum(x)", "bigint" }, { "try_avg(x)", "double" } })
  t.same_table(rows(g), { "1|null|4.6116860184273879E18", "2|3|3.0" })
  -- a running frame adds row by row; a sliding one sums its own rows
  local w = spark:createDataFrame({ { 1, 9223372036854775807LL }, { 2, 1LL }, { 3, -2LL }, { 4, 5LL } },
    "t int, x bigint")
  local o = Window.orderBy("t")
  local out = w:select("t", F.try_sum("x"):over(o):alias("running"),
    F.try_sum("x"):over(o:rowsBetween(-1, 0)):alias("pair"), F.try_avg("x"):over(o):alias("avg"))
  t.same_table(rows(out), { "1|9223372036854775807|9223372036854775807|9.223372036854776E18",
    "2|null|null|4.6116860184273879E18", "3|null|-1|3.0744573456182584E18", "4|null|3|2.305843009213694E18" })
  -- (avg and sum of bigints over a window: an average sums past 64 bits, a sum wraps, as Spark's)
  t.same_table(rows(w:select(F.avg("x"):over(o), F.sum("x"):over(o))), { "9.223372036854776E18|9223372036854775807",
    "4.6116860184273879E18|-9223372036854775808", "3.0744573456182584E18|9223372036854775806",
    "2.305843009213694E18|-9223372036854775805" })
  local small = spark:createDataFrame({ { 1, 4 }, { 2, 1 }, { 3, -2 }, { 4, nil } }, "t int, x int")
  t.same_table(rows(small:select(F.try_avg("x"):over(o:rowsBetween(-1, 0)), F.avg("x"):over(o:rowsBetween(0, 1)))),
    { "4.0|2.5", "2.5|-0.5", "-0.5|-2.0", "-2.0|null" })
  t.same_table(w:select(F.try_sum("x"):over(o)).columns,
    { "try_sum(x) OVER (ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)" })
end)

t.test("try_sum over a stream: its overflow kept across micro-batches and a restart, as Spark's buffer", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  local schema = "k string, x bigint"
  local batches = {}
  local function run()
    local q = spark.readStream:csv(input, { schema = schema, maxFilesPerTrigger = 1 }):groupBy("k")
      :agg(F.try_sum("x"):alias("s"), F.try_avg("x"):alias("a")).writeStream:outputMode("complete")
      :foreachBatch(function(df, epoch)
        local r = rows(df)
        table.sort(r)
        batches[epoch + 1] = r
      end)
      :option("checkpointLocation", cp):start()
    q:processAllAvailable()
    q:stop()
  end
  t.write_csv(input .. "/1.csv", { { "a", "9223372036854775806" }, { "b", "1" } })
  t.write_csv(input .. "/2.csv", { { "a", "1" }, { "c", "" } })
  run()
  t.same_table(batches[2], { "a|9223372036854775807|4.6116860184273879E18", "b|1|1.0", "c|null|null" })
  t.write_csv(input .. "/3.csv", { { "a", "1" }, { "b", "2" } })
  t.write_csv(input .. "/4.csv", { { "a", "-5" }, { "c", "4" } })
  run()
  t.same_table(batches[3], { "a|null|3.0744573456182584E18", "b|3|1.5", "c|null|null" })
  t.same_table(batches[4], { "a|null|2.305843009213694E18", "b|3|1.5", "c|4|4.0" })
end)

-- ---- map_zip_with ------------------------------------------------------------------------------

t.test("map_zip_with: the keys of the first map, then those only in the second, a missing value NULL", function()
  local q, names, types = sql("SELECT map_zip_with(map(1, 'a', 2, 'b'), map(2, 'x', 3, 'y'),"
    .. " (k, v1, v2) -> concat(v1, v2)) AS z")
  t.same_table(q, { "{1 -> null, 2 -> bx, 3 -> null}" })
  t.same_table(types, { "map<int,string>" })
  t.same_table(names, { "z" })
  -- a NULL map makes the row NULL; two empty maps an empty one
  spark:sql("SELECT * FROM VALUES (map(1, 10, 2, 20), map(3, 3, 1, 1)), (NULL, map(1, 1)), (map(1, 1), NULL),"
    .. " (map(), map()) t(m1, m2)"):createOrReplaceTempView("zipped")
  t.same_table(sql("SELECT map_zip_with(m1, m2, (k, v1, v2) -> coalesce(v1, 0) + coalesce(v2, 0)) FROM zipped"),
    { "{1 -> 11, 2 -> 20, 3 -> 3}", "null", "null", "{}" })
  t.same_table(sql("SELECT map_keys(map_zip_with(map(5, 1, 3, 1), map(4, 2, 3, 1, 9, 0), (a, b, c) -> a))"),
    { "[5, 3, 4, 9]" })
  -- the keys in the type both maps' share (Spark's coercion)
  local widened, _, wt = sql("SELECT map_zip_with(map(1, 1), map(1L, 2L), (k, v1, v2) -> k + v1 + v2),"
    .. " map_zip_with(map(1, 1), map('x', 2), (a, b, c) -> a), map_zip_with(map(1, 1), map(1.5, 2), (k, v1, v2) -> k)")
  t.same_table(widened, { "{1 -> 4}|{1 -> 1, x -> x}|{1.0 -> 1.0, 1.5 -> 1.5}" })
  t.same_table(wt, { "map<bigint,bigint>", "map<string,string>", "map<decimal(11,1),decimal(11,1)>" })
  -- a NULL value is NULL to the function; 0.0 and -0.0 are one key (the first map's)
  t.same_table(sql("SELECT map_zip_with(map(1, NULL), map(1, 2), (k, v1, v2) -> v1 IS NULL),"
    .. " map_entries(map_zip_with(map(0.0D, 1), map(-0.0D, 2), (k, v1, v2) -> struct(v1, v2)))"),
    { "{1 -> true}|[{0.0, {1, 2}}]" })
  -- the row's other columns, and lambdas inside taking the same names
  t.same_table(sql("SELECT map_zip_with(m1, m2, (k, v1, v2) -> v1 + v2 + n),"
    .. " map_zip_with(m1, m2, (k, v1, v2) -> transform(array(k, v1, v2), k -> k * 2))"
    .. " FROM VALUES (map(1, 10), map(1, 1), 100) t(m1, m2, n)"), { "{1 -> 111}|{1 -> [2, 20, 2]}" })
  -- a NaN key matches no other NaN in Spark (Scala's ==): two NaN keys, which a map cannot hold in tide
  t.raises(function()
    spark:sql("SELECT map_zip_with(map(CAST('NaN' AS DOUBLE), 1), map(CAST('NaN' AS DOUBLE), 2),"
      .. " (k, v1, v2) -> v1)"):collect()
  end, "DUPLICATED_MAP_KEY")
  t.same_table(sql("SELECT map_zip_with(map(CAST('NaN' AS DOUBLE), 1), map(2D, 2), (k, v1, v2) -> v1 * 10 + v2)"),
    { "{NaN -> null, 2.0 -> null}" })
  t.raises(function() spark:sql("SELECT map_zip_with(map(1, 1), array(1), (a, b, c) -> a)") end,
    'Parameter 2 requires the "MAP" type, however "array%(1%)" has the type "ARRAY<INT>"')
  t.raises(function() spark:sql("SELECT map_zip_with(map(1, 1), NULL, (a, b, c) -> a)") end,
    'Parameter 2 requires the "MAP" type, however "NULL" has the type "VOID"')
  t.raises(function() spark:sql("SELECT map_zip_with(map(1, 1), map(1, 1), (a, b) -> a)") end,
    "takes three arguments %(k, v1, v2%), not 2")
end)

t.test("map_zip_with's lambda variables shadow columns of their names, and a nested lambda's shadow them", function()
  spark:sql("SELECT * FROM VALUES (map(1, 10, 2, 20), map(2, 2, 3, 3), 1000, 500, 7) t(m1, m2, k, v1, n)")
    :createOrReplaceTempView("shadowed")
  -- k and v1 are the entry's, not the columns k and v1 (names compared case-insensitively, as Spark's)
  t.same_table(sql("SELECT map_zip_with(m1, m2, (k, v1, v2) -> k + coalesce(v1, 0) + coalesce(v2, 0)),"
    .. " map_zip_with(m1, m2, (K, V1, v2) -> k * 100 + coalesce(v1, 0)) FROM shadowed"),
    { "{1 -> 11, 2 -> 24, 3 -> 6}|{1 -> 110, 2 -> 220, 3 -> 300}" })
  -- inside a nested lambda its own v2 (and aggregate's k) hides the entry's; v1 and k outside it are the entry's
  t.same_table(sql("SELECT map_zip_with(m1, m2, (k, v1, v2) -> transform(array(1, 2), v2 -> v2 * 100"
    .. " + coalesce(v1, -1))), map_zip_with(m1, m2, (k, v1, v2) -> aggregate(array(coalesce(v1, 0), coalesce(v2, 0)),"
    .. " k, (k, x) -> k * 10 + x) + k) FROM shadowed"),
    { "{1 -> [110, 210], 2 -> [120, 220], 3 -> [99, 199]}|{1 -> 201, 2 -> 404, 3 -> 306}" })
  -- a map_zip_with inside one taking the same names, and one inside transform hiding its x (or reading it)
  t.same_table(sql("SELECT map_zip_with(m1, m2, (k, v1, v2) -> map_zip_with(map(k, v1), map(k, v2),"
    .. " (k, v1, v2) -> concat(k, ':', v1, ':', v2))) FROM shadowed"),
    { "{1 -> {1 -> null}, 2 -> {2 -> 2:20:2}, 3 -> {3 -> null}}" })
  t.same_table(sql("SELECT transform(array(1, 2), x -> map_zip_with(m1, m2, (k, v1, x) -> k + x)),"
    .. " transform(array(1, 2), x -> map_zip_with(m1, m2, (k, v1, v2) -> k + x + n)) FROM shadowed"),
    { "[{1 -> null, 2 -> 4, 3 -> 6}, {1 -> null, 2 -> 4, 3 -> 6}]|[{1 -> 9, 2 -> 10, 3 -> 11}, {1 -> 10, 2 -> 11,"
      .. " 3 -> 12}]" })
  -- PySpark's lambda: its parameters have names of their own, so F.col("k") is the column
  local out = spark:table("shadowed"):select(F.map_zip_with("m1", "m2", function(k, v1, _)
    return k + F.col("k") + F.coalesce(v1, F.col("v1"))
  end), F.map_zip_with("m1", "m2", function(k, v1, v2)
    return F.transform(F.array(v1, v2), function(x) return F.coalesce(x, k) end)
  end))
  t.same_table(rows(out), { "{1 -> 1011, 2 -> 1022, 3 -> 1503}|{1 -> [10, 1], 2 -> [20, 2], 3 -> [3, 3]}" })
end)

t.test("F.map_zip_with(col1, col2, function(k, v1, v2) ... end), as PySpark's lambda", function()
  local df = spark:createDataFrame({ { { a = 1, b = 2 }, { b = 10, c = 20 } }, { nil, { a = 1 } } },
    "m1 map<string,int>, m2 map<string,int>")
  local out = df:select(F.map_zip_with("m1", "m2", function(_, v1, v2)
    return F.coalesce(v1, F.lit(0)) + F.coalesce(v2, F.lit(0))
  end):alias("z"), F.map_zip_with(F.col("m1"), "m2", function(k, v1, _v2) return F.concat(k, v1:cast("string")) end))
  t.same_table(out.dtypes[1], { "z", "map<string,int>" })
  t.same_table(rows(out:select("z")), { "{a -> 1, b -> 12, c -> 20}", "null" })
  t.same_table(rows(out:select(out.columns[2])), { "{a -> a1, b -> b2, c -> null}", "null" })
  t.ok(out.columns[2]:find("^map_zip_with%(m1, m2, lambdafunction%(") ~= nil, out.columns[2])
  t.raises(function() F.map_zip_with("m1", "m2", function(k) return k end) end,
    "map_zip_with: the function takes k, v1, v2, not 1 arguments")
  t.raises(function() F.map_zip_with("m1", "m2", 3) end, "map_zip_with needs a function of k, v1, v2")
end)

-- ---- lag and lead offsets ----------------------------------------------------------------------

t.test("lag and lead take a constant int offset, as Spark 3.5; 1.0, 1L or NULL fail with Spark's words", function()
  spark:sql("SELECT * FROM VALUES (1), (2), (3) t(x)"):createOrReplaceTempView("xs")
  t.same_table(sql("SELECT x, lag(x, 1 + 1) OVER (ORDER BY x), lead(x, -1) OVER (ORDER BY x) FROM xs"),
    { "1|null|null", "2|null|1", "3|1|2" })
  for _, case in ipairs({ { "1.0", "decimal%(2,1%)" }, { "1.5", "decimal%(2,1%)" }, { "1L", "bigint" },
                          { "2147483648", "bigint" }, { "1.0D", "double" }, { "NULL", "NULL" } }) do
    t.raises(function() spark:sql(("SELECT lag(x, %s) OVER (ORDER BY x) FROM xs"):format(case[1])) end,
      "the offset must be an int, not " .. case[2] .. " %(Spark: Cannot specify window frame for lag function%.%)")
  end
  t.raises(function() spark:sql("SELECT lead(x, 1.0) OVER (ORDER BY x) FROM xs") end,
    "Cannot specify window frame for lead function")
  t.raises(function() spark:sql("SELECT lag(x, '1') OVER (ORDER BY x) FROM xs") end, "FAILED_FUNCTION_CALL")
  t.raises(function() spark:sql("SELECT lag(x, x) OVER (ORDER BY x) FROM xs") end, "NON_FOLDABLE_INPUT")
end)

-- ---- histogram_numeric -------------------------------------------------------------------------

t.test("histogram_numeric: Spark's NumericHistogram, bins of the input's type and their heights", function()
  local function check(query, expected, t_expected)
    local q, _, types = sql(query)
    t.same_table(q, expected, query)
    if t_expected then t.eq(types[#types], t_expected, query) end
  end
  check("SELECT histogram_numeric(x, 5) FROM VALUES (0), (1), (2), (10) t(x)",
    { "[{0, 1.0}, {1, 1.0}, {2, 1.0}, {10, 1.0}]" }, "array<struct<x:int,y:double>>")
  check("SELECT histogram_numeric(x, 2) FROM VALUES (0), (1), (2), (10), (NULL) t(x)", { "[{1, 3.0}, {10, 1.0}]" })
  check("SELECT histogram_numeric(x, 3) FROM VALUES (1.5D), (1.5D), (2.5D), (7D), (3D), (4D), (0D) t(x)",
    { "[{1.0, 3.0}, {3.1666666666666665, 3.0}, {7.0, 1.0}]" }, "array<struct<x:double,y:double>>")
  check("SELECT histogram_numeric(id, 3) FROM range(1, 11)", { "[{2, 3.0}, {4, 2.0}, {8, 5.0}]" },
    "array<struct<x:bigint,y:double>>")
  -- ties between equally close bins broken by java.util.Random(31183), as Spark's
  check("SELECT histogram_numeric(id, 10) FROM range(100)", { "[{2, 5.0}, {9, 10.0}, {21, 14.0}, {33, 9.0},"
    .. " {44, 13.0}, {55, 9.0}, {64, 10.0}, {75, 12.0}, {88, 13.0}, {97, 5.0}]" })
  check("SELECT histogram_numeric(CAST((id * 37) % 23 AS DOUBLE) / 4, 7) FROM range(300)",
    { "[{0.25609756097560965, 41.0}, {1.0, 37.0}, {1.7375000000000003, 40.0}, {2.6249999999999996, 52.0},"
      .. " {3.5000000000000004, 39.0}, {4.249999999999998, 39.0}, {5.1249999999999964, 52.0}]" })
  check("SELECT histogram_numeric(x, 3) FROM VALUES (CAST('NaN' AS DOUBLE)), (1D), (CAST('Infinity' AS DOUBLE)),"
    .. " (2D), (3D) t(x)", { "[{2.0, 3.0}, {Infinity, 1.0}, {NaN, 1.0}]" })
  -- dates by their days, timestamps by their microseconds; strings as doubles; a bigint literal nb
  check("SELECT histogram_numeric(x, 2) FROM VALUES (DATE'2024-01-01'), (DATE'2024-01-03'), (DATE'2024-01-04') t(x)",
    { "[{2024-01-01, 1.0}, {2024-01-03, 2.0}]" }, "array<struct<x:date,y:double>>")
  check("SELECT histogram_numeric(x, 2) FROM VALUES (TIMESTAMP'2024-01-01 00:00:00'),"
    .. " (TIMESTAMP'2024-01-01 00:00:01'), (TIMESTAMP'2024-01-01 00:00:05') t(x)",
    { "[{2024-01-01 00:00:00.5, 2.0}, {2024-01-01 00:00:05, 1.0}]" })
  check("SELECT histogram_numeric(x, 2L) FROM VALUES ('1') t(x)", { "[{1.0, 1.0}]" },
    "array<struct<x:double,y:double>>")
  -- no value: NULL
  check("SELECT histogram_numeric(x, 2) FROM VALUES (CAST(NULL AS INT)) t(x)", { "null" })
  check("SELECT histogram_numeric(x, 2) FROM VALUES (1) t(x) WHERE x > 5", { "null" })
  t.raises(function() spark:sql("SELECT histogram_numeric(x, 1) FROM VALUES (1) t(x)") end,
    "The nb must be between %[2, 2147483647%] %(current value = 1%)")
  t.raises(function() spark:sql("SELECT histogram_numeric(x, n) FROM VALUES (1, 2) t(x, n)") end,
    'the input nb should be a foldable "INT" expression')
  t.raises(function() spark:sql("SELECT histogram_numeric(x, 2) FROM VALUES (true) t(x)") end,
    "the column is boolean, which histogram_numeric cannot take")
  t.raises(function() spark:sql("SELECT histogram_numeric(x, 2) FROM VALUES (1.5) t(x)") end,
    "Spark 3.5 fails on decimals when it runs%); cast it to double")
end)

t.test("F.histogram_numeric in groupBy/agg and over a window; not over a stream", function()
  local df = spark:createDataFrame({ { 1, 1 }, { 1, 3 }, { 1, 4 }, { 2, 5 } }, "k int, x int")
  local g = df:groupBy("k"):agg(F.histogram_numeric("x", 2)):orderBy("k")
  t.same_table(g.columns, { "k", "histogram_numeric(x, 2)" })
  t.same_table(rows(g), { "1|[{1, 1.0}, {3, 2.0}]", "2|[{5, 1.0}]" })
  local w = df:filter("k = 1"):select(F.histogram_numeric("x", F.lit(2)):over(Window.orderBy("x")):alias("h"))
  t.same_table(rows(w), { "[{1, 1.0}]", "[{1, 1.0}, {3, 1.0}]", "[{1, 1.0}, {3, 2.0}]" })
  local input = t.tempdir()
  t.write_csv(input .. "/1.csv", { { 1, 1 } })
  t.raises(function()
    spark.readStream:csv(input, { schema = "k int, x int" }):groupBy("k"):agg(F.histogram_numeric("x", 2))
  end, "over a stream: tide keeps no histograms across micro%-batches")
end)

t.run()
