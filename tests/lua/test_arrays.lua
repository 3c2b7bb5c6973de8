-- Array columns (Spark's ArrayType): building them from Lua lists, their
-- schema, show's and collect's forms, and the row operations that move
-- them (filter, sort, union, joins) with their elements.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local T = tide.types
local spark = tide.session()

local function tags()
  return spark:createDataFrame({ { 1, { "a", "b" } }, { 2, {} }, { 3, nil }, { 4, { "x", nil, "z", n = 3 } } },
    "id int, tags array<string>")
end

t.test("an array column: its type, printSchema, show and collect", function()
  local df = tags()
  t.eq(df.schema.fields[2].dataType, T.array(T.string))
  t.eq(tostring(T.parse("array<array<decimal(10,2)>>")), "array<array<decimal(10,2)>>")
  t.eq(df.schema:treeString(), [[
root
 |-- id: integer (nullable = true)
 |-- tags: array (nullable = true)
 |    |-- element: string (containsNull = true)
]])
  t.same_table(t.rows(df), { "1|[a, b]", "2|[]", "3|null", "4|[x, null, z]" })
  local rows = df:collect()
  t.same_table(rows[1].tags, { "a", "b", n = 2 })
  t.same_table(rows[2].tags, { n = 0 })
  t.eq(rows[3].tags, nil)
  t.same_table({ rows[4].tags.n, rows[4].tags[1], rows[4].tags[2], rows[4].tags[3] }, { 3, "x", nil, "z" })
  -- a row prints its lists as PySpark's; collected rows build the frame again
  t.eq(tostring(rows[4]), "Row(id=4, tags=['x', None, 'z'])")
  t.eq(tostring(spark:createDataFrame({ { { 1, 2.5 } } }, "a array<double>"):collect()[1]), "Row(a=[1.0, 2.5])")
  t.same_table(t.rows(spark:createDataFrame(rows, df.schema)), t.rows(df))
  t.eq(tide.json.encode(rows[4]), '{"id":4,"tags":["x",null,"z"]}')
  t.eq(tide.json.encode(rows[2].tags), "[]")
  -- nested arrays and arrays of structs
  local nested = spark:createDataFrame({ { { { 1, 2 }, { 3 } }, { { x = 1, y = "a" }, { x = 2 } } } },
    "a array<array<int>>, s array<struct<x:int,y:string>>")
  t.same_table(t.rows(nested), { "[[1, 2], [3]]|[{1, a}, {2, null}]" })
  t.eq(nested:collect()[1].s[2].x, 2)
end)

t.test("rows move with their elements: filter, orderBy, union, limit, joins", function()
  local df = tags()
  t.same_table(t.rows(df:filter("id > 1"):orderBy(F.desc("id"))), { "4|[x, null, z]", "3|null", "2|[]" })
  t.same_table(t.rows(df:union(df):filter("id = 4")), { "4|[x, null, z]", "4|[x, null, z]" })
  t.same_table(t.rows(df:limit(1)), { "1|[a, b]" })
  local names = spark:createDataFrame({ { 4, "four" }, { 1, "one" }, { 9, "nine" } }, "id int, name string")
  t.same_table(t.rows(names:join(df, "id", "left"):orderBy("id")), { "1|one|[a, b]", "4|four|[x, null, z]",
    "9|nine|null" })
end)

t.test("a value that is not a list fails naming the row and column", function()
  t.raises(function() spark:createDataFrame({ { "a" } }, "tags array<string>") end,
    'row 1, column "tags": "a" is not a list')
  t.raises(function() spark:createDataFrame({ { { 1 } } }, "tags array<string>") end,
    'row 1, column "tags.element": 1 is not a string')
end)

-- ---- functions ---------------------------------------------------------------------------

local function texts()
  return spark:createDataFrame({ { 1, "a,b,,c" }, { 2, "" }, { 3, nil }, { 4, "x" }, { 5, "b,b,a" } },
    "id int, s string")
end

t.test("split gives an array<string>; size, element_at, [i], array_contains, array_join as Spark's", function()
  local parts = texts():select("id", F.split("s", ","):alias("p"))
  t.eq(parts.schema.fields[2].dataType:simpleString(), "array<string>")
  t.eq(parts.schema.fields[2].dataType.containsNull, false)
  t.same_table(t.rows(parts), { "1|[a, b, , c]", "2|[]", "3|null", "4|[x]", "5|[b, b, a]" })
  -- split("", ",") is one empty string; show prints it as []
  t.same_table(t.rows(texts():filter("id = 2"):select(F.size(F.split("s", ",")))), { "1" })
  t.same_table(t.rows(parts:select(F.size("p"), F.element_at("p", 1), F.element_at("p", -1), F.col("p"):getItem(1),
    F.array_contains("p", "b"), F.array_join("p", "-"))), {
    "4|a|c|b|true|a-b--c", "1|||null|false|", "-1|null|null|null|null|null", "1|x|x|null|false|x",
    "3|b|a|b|true|b-b-a" })
  -- the same in SQL, with the limit of split
  t.same_table(t.rows(texts():selectExpr("split(s, ',', 2)", "split(s, ',')[3]", "cardinality(split(s, ','))")),
    { "[a, b,,c]|c|4", "[]|null|1", "null|null|-1", "[x]|null|1", "[b, b,a]|null|3" })
  -- element_at's index 0 is an error, as Spark's
  t.raises(function() parts:select(F.element_at("p", 0)):collect() end, "INVALID_INDEX_OF_ZERO")
end)

t.test("split's array holds the pieces split(...)[i] takes, for regexes, the empty pattern and limits", function()
  local strings = spark:createDataFrame({ { "abc" }, { "" }, { "héllo" }, { "a,b,,c," }, { ",x" }, { nil } }, "v string")
  for _, pattern in ipairs({ ",", "", "x*", "(?=b)", "l+" }) do
    for _, limit in ipairs({ -1, 1, 2 }) do
      local cols = { F.split("v", pattern, limit):alias("all") }
      for i = 0, 5 do cols[#cols + 1] = F.split("v", pattern, limit):getItem(i):alias("p" .. i) end
      for _, r in ipairs(strings:select(cols):collect()) do
        local want = {}
        for i = 0, 5 do want[i + 1] = r["p" .. i] end
        local got = {}
        for i = 1, 6 do got[i] = r.all and r.all[i] end
        t.same_table(got, want, ("split(%q, %q, %d)"):format(tostring(r.v), pattern, limit))
      end
    end
  end
end)

t.test("array_contains is null when nothing matches but an element is null; array_join's null replacement", function()
  local df = spark:createDataFrame({ { { 1, nil, 3, n = 3 } }, { { 1, 2 } }, { {} } }, "a array<int>")
  t.same_table(t.rows(df:select(F.array_contains("a", 3), F.array_contains("a", 2),
    F.array_contains("a", F.lit(nil):cast("int")))), { "true|null|null", "false|true|null", "false|false|null" })
  -- (an untyped NULL is refused, as Spark's DATATYPE_MISMATCH.NULL_TYPE)
  t.raises(function() df:select(F.array_contains("a", F.lit(nil))):collect() end, "NULL_TYPE")
  local s = spark:createDataFrame({ { { "x", nil, "z", n = 3 } }, { nil }, { {} } }, "a array<string>")
  t.same_table(t.rows(s:select(F.array_join("a", ","), F.array_join("a", ",", "?"))), { "x,z|x,?,z", "null|null", "|" })
  -- concat_ws takes arrays of strings beside strings, as Spark's: concat_ws(',', collect_list(x))
  t.same_table(t.rows(s:select(F.concat_ws("-", F.lit("a"), "a", F.lit("b")))), { "a-x-z-b", "a-b", "a-b" })
  t.same_table(t.rows(spark:createDataFrame({ { "k", "x" }, { "k", "y" } }, "k string, v string"):groupBy("k")
    :agg(F.concat_ws(",", F.collect_list("v")))), { "k|x,y" })
end)

t.test("array(...), sort_array and array_distinct", function()
  local df = spark:createDataFrame({ { 3, 1, nil }, { 2, 2, 5 } }, "a int, b int, c int")
  local arr = df:select(F.array("a", "b", "c"):alias("v"))
  t.eq(arr.schema.fields[1].dataType:simpleString(), "array<int>")
  t.same_table(t.rows(arr), { "[3, 1, null]", "[2, 2, 5]" })
  t.same_table(t.rows(arr:select(F.sort_array("v"), F.sort_array("v", false), F.array_distinct("v"))),
    { "[null, 1, 3]|[3, 1, null]|[3, 1, null]", "[2, 2, 5]|[5, 2, 2]|[2, 5]" })
  -- a common type: array(int, double) is array<double>
  t.same_table(t.rows(df:select(F.array("a", F.lit(0.5)))), { "[3.0, 0.5]", "[2.0, 0.5]" })
  t.same_table(t.rows(spark:createDataFrame({ { { "b", "a", "b", "a", "c" } } }, "s array<string>")
    :select(F.array_distinct("s"), F.sort_array("s"))), { "[b, a, c]|[a, a, b, b, c]" })
  -- arrays of arrays and of structs are compared as Spark compares them
  local nested = spark:createDataFrame({ { { { 2 }, { 1, 5 }, { 2 }, {} } } }, "a array<array<int>>")
  t.same_table(t.rows(nested:select(F.sort_array("a"), F.array_distinct("a"), F.array_max("a"),
    F.array_contains("a", F.array(F.lit(1), F.lit(5))))), { "[[], [1, 5], [2], [2]]|[[2], [1, 5], []]|[2]|true" })
end)

t.test("array_max/min, slice, reverse, concat, flatten, array_position/remove and the set functions", function()
  local df = spark:createDataFrame({ { { 3, 1, nil, 3, n = 4 }, { 3, 4, nil, n = 3 } }, { {}, { 1 } }, { nil, { 2 } },
    { { 5, 6, 7 }, {} } }, "a array<int>, b array<int>")
  t.same_table(t.rows(df:select(F.array_max("a"), F.array_min("a"), F.slice("a", 2, 2), F.slice("a", -2, 5),
    F.reverse("a"), F.array_position("a", 3), F.array_remove("a", 3))), {
    "3|1|[1, null]|[null, 3]|[3, null, 1, 3]|1|[1, null]", "null|null|[]|[]|[]|0|[]",
    "null|null|null|null|null|null|null", "7|5|[6, 7]|[6, 7]|[7, 6, 5]|0|[5, 6, 7]" })
  t.same_table(t.rows(df:select(F.concat("a", "b"), F.flatten(F.array("a", "b")))), {
    "[3, 1, null, 3, 3, 4, null]|[3, 1, null, 3, 3, 4, null]", "[1]|[1]", "null|null", "[5, 6, 7]|[5, 6, 7]" })
  -- Spark's sets: each value once in order of first appearance, one null where Spark keeps it
  t.same_table(t.rows(df:select(F.array_union("a", "b"), F.array_intersect("a", "b"), F.array_except("a", "b"),
    F.arrays_overlap("a", "b"))), {
    "[3, 1, null, 4]|[3, null]|[1]|true", "[1]|[]|[]|false", "null|null|null|null", "[5, 6, 7]|[]|[5, 6, 7]|false" })
  t.same_table(t.rows(spark:range(1):selectExpr("arrays_overlap(array(1, NULL), array(2))",
    "array_except(array('x', NULL, 'x'), array('y'))", "slice(array(1, 2, 3), -1, 1)", "reverse('abc')",
    "concat('a', 'b')")), { "null|[x, null]|[3]|cba|ab" })
  t.raises(function() df:select(F.slice("a", 0, 1)):collect() end, "SQL array indices start at 1")
  -- arrays of numbers meet as their elements do
  t.same_table(t.rows(spark:range(1):selectExpr("array_union(array(1), array(CAST(2 AS BIGINT)))",
    "concat(array(1), array(0.5))")), { "[1, 2]|[1.0, 0.5]" })
  t.raises_at_caller({
    { function() local _ = df:select(F.array_union("a", F.array(F.lit(true)))) end,
      "array_union needs arrays of one type, not array<int> and array<boolean>" },
    { function() local _ = df:select(F.flatten("a")) end, "flatten needs an array of arrays" },
  })
end)

t.test("CAST of an array casts its elements", function()
  local df = spark:createDataFrame({ { { "1", "x", nil, "3.5", n = 4 } }, { nil }, { {} } }, "s array<string>")
  local ints = df:select(F.col("s"):cast("array<int>"):alias("i"), F.col("s"):cast("array<double>"):alias("d"))
  t.same_table(ints.dtypes, { { "i", "array<int>" }, { "d", "array<double>" } })
  t.same_table(t.rows(ints), { "[1, null, null, 3]|[1.0, null, null, 3.5]", "null|null", "[]|[]" })
  t.same_table(t.rows(spark:range(1):selectExpr("CAST(array(array(1, 2)) AS array<array<string>>)")), { "[[1, 2]]" })
  -- arrays of numbers widen as their elements do: in union, coalesce, CASE
  local ints = spark:createDataFrame({ { { 1 } } }, "a array<int>")
  local longs = spark:createDataFrame({ { { 2 } } }, "a array<bigint>")
  local both = ints:union(longs)
  t.eq(both.schema.fields[1].dataType:simpleString(), "array<bigint>")
  t.same_table(t.rows(both), { "[1]", "[2]" })
  t.same_table(t.rows(ints:select(F.coalesce(F.lit(nil), "a", F.array(F.lit(0.5))))), { "[1.0]" })
end)

t.test("values widen with the elements; columns as indices; hash of arrays", function()
  local df = spark:createDataFrame({ { { 1, 2 }, 1, 2 }, { nil, 0, 1 } }, "a array<int>, s int, l int")
  -- Spark compares 1.5 with the ints as decimals, not 1.5 cast to an int
  t.same_table(t.rows(df:select(F.array_contains("a", 1.5), F.array_position("a", 1.9), F.array_remove("a", 1.5))),
    { "false|0|[1.0, 2.0]", "null|null|null" })
  -- array_remove's array and value meet at their tightest common type, as
  -- Spark 3.5.3's ArrayRemove: 2L widens the array, a decimal of too few
  -- integer digits is refused; a date meets a timestamp as its first instant
  t.same_table(t.rows(spark:range(1):selectExpr("array_remove(array(1, 2), 2L)",
    "array_remove(array(CAST(1 AS DECIMAL(12,1))), 1)",
    "array_remove(array(DATE'2024-01-01'), TIMESTAMP'2024-01-01 00:00:00')",
    "array_contains(array(DATE'2024-01-01'), TIMESTAMP'2024-01-01 00:00:00')")), { "[1]|[]|[]|true" })
  t.has(t.raises(function() spark:range(1):selectExpr("array_remove(array(1, 2), 2.0)") end),
    '[DATATYPE_MISMATCH.ARRAY_FUNCTION_DIFF_TYPES] Input to `array_remove` should have been "ARRAY" followed by a'
      .. ' value with same element type, but it\'s ["ARRAY<INT>", "DECIMAL(2,1)"]')
  t.same_table(t.rows(df:select(F.concat_ws(",", "a"), F.array_join("a", "-"))), { "1,2|1-2", "|null" })
  local by_columns = df:select(F.slice("a", "s", "l"), F.col("a"):getItem(F.col("s")), F.get("a", "s"))
  t.same_table(by_columns.columns, { "slice(a, s, l)", "a[s]", "get(a, s)" })
  t.same_table(t.rows(by_columns), { "[1, 2]|2|2", "null|null|null" })
  -- hash and xxhash64 of an array: its elements in turn, as Spark's
  t.same_table(t.rows(spark:range(1):selectExpr("hash(array(1, NULL, 2)) = hash(1, 2)",
    "xxhash64(array(1, 2)) = xxhash64(1, 2)", "hash(array(1)) != hash(array(2))")), { "true|true|true" })
  -- a null row holds no elements, whatever a function made of it
  local nulls = spark:createDataFrame({ { 1, nil, { 0, 2 } } }, "id int, a array<int>, b array<int>")
  t.same_table(t.rows(nulls:select(F.transform(F.concat("a", "b"), function(x) return F.element_at(F.array(F.lit(5)), x) end),
    F.size(F.array_union("a", "b")), F.size(F.arrays_zip("a", "b")))), { "null|-1|-1" })
  df:createOrReplaceTempView("vals")
  t.same_table(t.rows(spark:sql("SELECT exists(a, x -> x > 1) FROM vals")), { "true", "null" })
  t.raises_at_caller({ { function() local _ = df:select(F.array_contains("a", "2")) end,
    "the value 2 is string, which does not go with the array's int elements" } })
end)

t.test("array_sort, array_compact, array_append, array_prepend and get", function()
  local df = spark:createDataFrame({ { { 3, nil, 1, n = 3 } }, { {} }, { nil } }, "a array<int>")
  local out = df:select(F.array_sort("a"), F.sort_array("a"), F.array_compact("a"), F.array_append("a", 9),
    F.array_prepend("a", F.lit(nil)), F.get("a", 0))
  -- (Spark's names show array_sort's default comparator)
  t.same_table(out.columns, { "array_sort(a, lambdafunction((IF(((namedlambdavariable() IS NULL) AND"
    .. " (namedlambdavariable() IS NULL)), 0, (IF((namedlambdavariable() IS NULL), 1, (IF((namedlambdavariable() IS"
    .. " NULL), -1, (IF((namedlambdavariable() < namedlambdavariable()), -1, (IF((namedlambdavariable() >"
    .. " namedlambdavariable()), 1, 0)))))))))), namedlambdavariable(), namedlambdavariable()))",
    "sort_array(a, true)", "array_compact(a)", "array_append(a, 9)", "array_prepend(a, NULL)", "get(a, 0)" })
  -- array_sort puts nulls last, sort_array first (Spark's two)
  t.same_table(t.rows(out), { "[1, 3, null]|[null, 1, 3]|[3, 1]|[3, null, 1, 9]|[null, 3, null, 1]|3",
    "[]|[]|[]|[9]|[null]|null", "null|null|null|null|null|null" })
end)

t.test("inline and LATERAL VIEW, as Spark SQL writes them", function()
  local df = spark:createDataFrame({ { 1, { { x = 1, y = "a" }, { x = 2 } } }, { 2, {} }, { 3, nil } },
    "id int, pts array<struct<x:int,y:string>>")
  t.same_table(t.rows(df:select("id", F.inline("pts"))), { "1|1|a", "1|2|null" })
  t.same_table(df:select("id", F.inline("pts")).columns, { "id", "x", "y" })
  t.same_table(t.rows(df:select("id", F.inline_outer("pts"))), { "1|1|a", "1|2|null", "2|null|null", "3|null|null" })
  t.same_table(df:selectExpr("inline(pts) AS (px, py)", "id").columns, { "px", "py", "id" })
  df:createOrReplaceTempView("shapes")
  t.same_table(t.rows(spark:sql("SELECT id, p.x FROM shapes LATERAL VIEW inline(pts) p WHERE id < 3")),
    { "1|1", "1|2" })
  t.same_table(t.rows(spark:sql("SELECT id, v.px FROM shapes LATERAL VIEW OUTER inline(pts) v AS px, py")),
    { "1|1", "1|2", "2|null", "3|null" })
  t.same_table(t.rows(spark:sql("SELECT id, e.k, e.c.x FROM shapes LATERAL VIEW posexplode(pts) e AS k, c")),
    { "1|0|1", "1|1|2" })
  t.same_table(t.rows(spark:sql("SELECT posexplode(pts) AS (k, c) FROM shapes")), { "0|{1, a}", "1|{2, null}" })
  t.raises(function() spark:sql("SELECT id FROM shapes LATERAL VIEW upper(id) u") end, "expected a generator")
end)

t.test("arrays_zip, array_repeat and sequence", function()
  local df = spark:createDataFrame({ { { 1, 2, 3 }, { "a", "b" }, 3 }, { {}, { "x" }, 0 }, { nil, { "y" }, nil } },
    "a array<int>, b array<string>, n int")
  local zipped = df:select(F.arrays_zip("a", "b"))
  t.eq(zipped.schema.fields[1].dataType:simpleString(), "array<struct<a:int,b:string>>")
  t.same_table(t.rows(df:select(F.arrays_zip("a", "b"), F.array_repeat("n", 2), F.array_repeat(F.lit("z"), "n"),
    F.sequence(F.lit(1), "n"))), { "[{1, a}, {2, b}, {3, null}]|[3, 3]|[z, z, z]|[1, 2, 3]",
    "[{null, x}]|[0, 0]|[]|[1, 0]", "null|[null, null]|null|null" })
  t.same_table(t.rows(spark:range(1):selectExpr("sequence(5, 1)", "sequence(1, 10, 3)",
    "sequence(CAST(1 AS BIGINT), 3)", "array_repeat(NULL, 2)", "arrays_zip(array(1), array(2, 3))")),
    { "[5, 4, 3, 2, 1]|[1, 4, 7, 10]|[1, 2, 3]|[null, null]|[{1, 2}, {null, 3}]" })
  -- the whole bigint range, without overflowing
  t.same_table(t.rows(spark:range(1):selectExpr(
    "size(sequence(-9223372036854775807 - 1, 9223372036854775807, 4611686018427387904))")), { "4" })
  t.raises(function() spark:range(1):selectExpr("sequence(1, 5, -1)"):collect() end,
    "Illegal sequence boundaries: 1 to 5 by %-1")
end)

t.test("explode, explode_outer, posexplode and posexplode_outer make a row per element", function()
  local df = tags()
  t.same_table(t.rows(df:select("id", F.explode("tags"))), { "1|a", "1|b", "4|x", "4|null", "4|z" })
  t.same_table(df:select("id", F.explode("tags")).columns, { "id", "col" })
  t.same_table(t.rows(df:select("id", F.explode_outer("tags"):alias("tag"))),
    { "1|a", "1|b", "2|null", "3|null", "4|x", "4|null", "4|z" })
  local pos = df:select(F.posexplode("tags"), "id")
  t.same_table(pos.columns, { "pos", "col", "id" })
  t.same_table(t.rows(pos), { "0|a|1", "1|b|1", "0|x|4", "1|null|4", "2|z|4" })
  local outer = df:select("*", F.posexplode_outer("tags"):alias("p", "t"))
  t.same_table(outer.columns, { "id", "tags", "p", "t" })
  t.same_table(t.rows(outer:filter("id IN (2, 3)")), { "2|[]|null|null", "3|null|null|null" })
  -- in SQL, and through withColumn; what follows sees the rows
  t.same_table(t.rows(df:selectExpr("id", "explode(tags) AS tag"):filter("tag IS NOT NULL"):groupBy("tag"):count()
    :orderBy("tag")), { "a|1", "b|1", "x|1", "z|1" })
  t.same_table(t.rows(df:withColumn("tag", F.explode("tags")):filter("id = 1")), { "1|[a, b]|a", "1|[a, b]|b" })
  df:createOrReplaceTempView("tagged")
  t.same_table(t.rows(spark:sql("SELECT id, explode(tags) AS tag FROM tagged WHERE id = 4")), { "4|x", "4|null", "4|z" })
  -- split, then explode: words
  t.same_table(t.rows(texts():select(F.explode(F.split("s", ",")):alias("w")):filter("w != ''"):groupBy("w"):count()
    :orderBy("w")), { "a|2", "b|3", "c|1", "x|1" })
end)

t.test("explode on a stream: each micro-batch's rows", function()
  local dir = t.tempdir()
  t.write(dir .. "/1.csv", "1,a b\n2,\n")
  t.write(dir .. "/2.csv", "3,c d e\n")
  local words = spark.readStream:csv(dir, { schema = "id int, s string", maxFilesPerTrigger = 1 })
    :select("id", F.explode(F.split("s", " ")):alias("w"))
  local seen = {}
  local q = words.writeStream:foreachBatch(function(batch, epoch) seen[epoch + 1] = t.rows(batch) end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):start()
  q:processAllAvailable()
  q:stop()
  t.eq(q:exception(), nil, "the query ran")
  -- (the CSV's empty field is null: no words)
  t.same_table(seen, { { "1|a", "1|b" }, { "3|c", "3|d", "3|e" } })
end)

t.test("Spark ML's vector_to_array and array_to_vector", function()
  local mlf, Vectors = tide.ml.functions, tide.ml.Vectors
  local df = spark:createDataFrame({ { Vectors.dense({ 1, 2, 3 }) }, { Vectors.sparse(3, { 1 }, { 5 }) }, { nil } },
    "v vector")
  local arrays = df:select(mlf.vector_to_array("v"):alias("a"), mlf.vector_to_array("v", "float32"):alias("f"))
  t.same_table({ arrays.schema.fields[1].dataType:simpleString(), arrays.schema.fields[2].dataType:simpleString() },
    { "array<double>", "array<float>" })
  t.same_table(t.rows(arrays), { "[1.0, 2.0, 3.0]|[1.0, 2.0, 3.0]", "[0.0, 5.0, 0.0]|[0.0, 5.0, 0.0]", "null|null" })
  local back = arrays:select(mlf.array_to_vector("a"):alias("v"), F.col("a"):getItem(1))
  t.eq(back.schema.fields[1].dataType, T.vector)
  t.same_table(t.rows(back), { "[1.0,2.0,3.0]|2.0", "[0.0,5.0,0.0]|5.0", "null|null" })
  t.same_table(t.rows(spark:createDataFrame({ { 1, 2.5 } }, "x int, y double")
    :select(mlf.array_to_vector(F.array("x", "y")))), { "[1.0,2.5]" })
  t.raises(function() mlf.vector_to_array("v", "int") end, "Unsupported dtype: int")
  t.raises(function()
    spark:createDataFrame({ { { 1, 2 } }, { { 1 } } }, "a array<double>"):select(mlf.array_to_vector("a")):collect()
  end, "row 2 holds 1 numbers and an earlier row 2")
  t.raises(function() spark:createDataFrame({ { 0.5 } }, "p double"):select(mlf.vector_to_array("p")) end,
    "vector_to_array needs a vector column, not double")
end)

t.test("arrays and structs as keys: groupBy, distinct, orderBy, joins, windows, countDistinct", function()
  local df = spark:createDataFrame({ { 1, { "a", "b" } }, { 2, { "a" } }, { 3, { "a", "b" } }, { 4, nil }, { 5, {} },
    { 6, { "a", nil, n = 2 } }, { 7, nil }, { 8, { "a", nil, n = 2 } } }, "id int, tags array<string>")
  -- groups as Spark's: by the elements, nulls inside alike, a null array its own group
  t.same_table(t.rows(df:groupBy("tags"):agg(F.collect_list("id")):orderBy("tags")),
    { "null|[4, 7]", "[]|[5]", "[a]|[2]", "[a, null]|[6, 8]", "[a, b]|[1, 3]" })
  -- Spark's order: element by element (a null element first), then the shorter first; desc reverses it
  t.same_table(t.rows(df:select("tags"):distinct():orderBy(F.desc("tags"))),
    { "[a, b]", "[a, null]", "[a]", "[]", "null" })
  t.same_table(t.rows(df:dropDuplicates("tags"):select("id")), { "1", "2", "4", "5", "6" })
  t.same_table(t.rows(df:agg(F.countDistinct("tags"))), { "4" })
  -- a join on an array key, and an equality of arrays
  local names = spark:createDataFrame({ { { "a", "b" }, "ab" }, { { "a" }, "a" } }, "tags array<string>, name string")
  t.same_table(t.rows(df:join(names, "tags"):select("id", "name"):orderBy("id")), { "1|ab", "2|a", "3|ab" })
  t.same_table(t.rows(df:filter(F.col("tags"):eq(F.array(F.lit("a")))):select("id")), { "2" })
  t.same_table(t.rows(df:filter(F.col("tags"):gt(F.array(F.lit("a")))):select("id")), { "1", "3", "6", "8" })
  t.same_table(t.rows(df:filter("tags <=> array('a', NULL)"):select("id")), { "6", "8" })
  -- structs alike
  local s = df:select("id", F.struct(F.size("tags"):alias("n"), F.col("tags"):getItem(0):alias("first")):alias("s"))
  t.same_table(t.rows(s:groupBy("s"):count():orderBy("s")),
    { "{-1, null}|2", "{0, null}|1", "{1, a}|1", "{2, a}|4" })
  -- a window partitioned by an array
  local W = tide.Window
  t.same_table(t.rows(df:filter("id <= 3"):select("id", F.count("*"):over(W.partitionBy("tags"))):orderBy("id")),
    { "1|2", "2|1", "3|2" })
end)

t.test("transform, filter, exists and forall run a function over the elements, Lua or SQL", function()
  local df = spark:createDataFrame({ { 1, { "a", "bb", nil, n = 3 }, 2 }, { 2, {}, 0 }, { 3, nil, 1 }, { 4, { "ccc" }, 5 } },
    "id int, tags array<string>, lim int")
  local out = df:select("id",
    F.transform("tags", function(x) return F.upper(x) end):alias("up"),
    F.transform("tags", function(x, i) return F.concat(x, F.lit("#"), i:cast("string")) end):alias("ix"),
    -- an outer column in the function: each element sees its row's
    F.filter("tags", function(x) return F.length(x):ge(F.col("lim")) end):alias("f"),
    F.exists("tags", function(x) return x:isNull() end):alias("e"),
    F.forall("tags", function(x) return F.length(x):gt(0) end):alias("fa"))
  t.same_table(out.dtypes, { { "id", "int" }, { "up", "array<string>" }, { "ix", "array<string>" },
    { "f", "array<string>" }, { "e", "boolean" }, { "fa", "boolean" } })
  -- Spark's three values: forall is null when no element says false and one is null
  t.same_table(t.rows(out), { "1|[A, BB, null]|[a#0, bb#1, null]|[bb]|true|null", "2|[]|[]|[]|false|true",
    "3|null|null|null|null|null", "4|[CCC]|[ccc#0]|[]|false|true" })
  -- a NULL condition keeps nothing and decides nothing
  t.same_table(t.rows(df:selectExpr("filter(tags, x -> NULL)", "exists(tags, x -> NULL)")),
    { "[]|null", "[]|false", "null|null", "[]|null" })
  t.same_table(t.rows(df:selectExpr("transform(tags, x -> length(x) + id) AS t", "filter(tags, (x, i) -> i > 0)",
    "exists(tags, t -> t = 'a') AS e")),
    { "[2, 3, null]|[bb, null]|true", "[]|[]|false", "null|null|null", "[7]|[]|false" })
  t.eq(df:selectExpr("transform(tags, x -> upper(x))").columns[1],
    "transform(tags, lambdafunction(upper(namedlambdavariable()), namedlambdavariable()))")
  -- a lambda variable shadows a column of its name; nested functions see their outer variables
  t.same_table(t.rows(df:filter("id = 4"):selectExpr("transform(tags, id -> concat(id, '!'))")), { "[ccc!]" })
  t.same_table(t.rows(spark:range(1):select(F.transform(F.array(F.lit(1), F.lit(2)), function(x)
    return F.transform(F.array(x, F.lit(10)), function(y) return y + x end) end))), { "[[2, 11], [4, 12]]" })
  -- slices and streams: the elements of each slice are the slice's
  spark.conf:set("spark.tide.sliceRows", 1)
  local ok, err = pcall(function()
    t.same_table(t.rows(df:select(F.transform("tags", function(x) return F.length(x) end))),
      { "[1, 2, null]", "[]", "null", "[3]" })
  end)
  spark.conf:unset("spark.tide.sliceRows")
  if not ok then error(err, 0) end
  t.raises_at_caller({
    { function() local _ = df:select(F.transform("id", function(x) return x end)) end,
      "transform needs an array, not int" },
    { function() local _ = df:select(F.filter("tags", function(x) return F.length(x) end)) end,
      "filter's function must give a boolean, not int" },
    { function() local _ = df:selectExpr("exists(tags, (x, i) -> i > 0)") end,
      "exists's function takes one argument, not 2" },
    { function() local _ = df:select(F.transform("tags", "upper")) end, "transform needs a function of x, i" },
    { function() local _ = df:selectExpr("upper(x -> x)") end, "a lambda function is only an argument" },
  })
end)

t.test("aggregate folds each array, one position of all of them at a time", function()
  local df = spark:createDataFrame({ { { 1, 2, 3 }, 10 }, { {}, 20 }, { nil, 30 }, { { 5, nil, 7, n = 3 }, 40 } },
    "a array<bigint>, base int")
  local out = df:select(F.aggregate("a", F.lit(0), function(acc, x) return acc + x end):alias("sum"),
    F.aggregate("a", F.col("base"), function(acc, x) return acc + x end, function(acc) return acc * 10 end):alias("f"),
    F.aggregate("a", F.lit(""), function(acc, x) return F.concat(acc, x:cast("string")) end):alias("s"))
  -- (0 and bigint elements: the accumulator is a bigint, where Spark asks for 0L)
  t.same_table(out.dtypes, { { "sum", "bigint" }, { "f", "bigint" }, { "s", "string" } })
  -- an empty array gives the start (finished), a null one null, a null element what the function makes of it
  t.same_table(t.rows(out), { "6|160|123", "0|200|", "null|null|null", "null|null|null" })
  t.same_table(t.rows(df:selectExpr("aggregate(a, 0L, (acc, x) -> acc + x)",
    "reduce(a, CAST(1 AS BIGINT), (acc, x) -> acc * x, acc -> acc + base)")), { "6|16", "0|21", "null|null", "null|null" })
  t.raises_at_caller({
    { function() local _ = df:select(F.aggregate("a", F.lit(""), function(acc, x) return acc + x end)) end,
      "aggregate's function gives double where the start value is string" },
    { function() local _ = df:selectExpr("aggregate(a, 0, x -> x)") end, "aggregate takes an array, a start value" },
  })
end)

t.test("what arrays cannot do fails clearly", function()
  local df = tags()
  t.raises_at_caller({
    { function() local _ = df:select(F.explode("id")) end, "input to function explode should be array or map type, not int" },
    { function() local _ = df:select(F.explode("tags"), F.explode("tags")) end, "Only one generator allowed" },
    { function() local _ = df:select(F.posexplode("tags"):alias("p")) end, "expected 2 aliases" },
    { function() local _ = df:select(F.upper(F.explode("tags"))) end, "nested in expressions" },
    { function() local _ = df:select(F.upper("tags")) end, "upper needs a string, not array<string>" },
    { function() local _ = df:select(F.size("id")) end, "size needs an array, not int" },
    -- (Spark compares arrays by their elements' tightest common type: none for string and int)
    { function() local _ = df:selectExpr("array('1') = array(1)") end, "cannot compare array<string> and array<int>" },
    { function() local _ = df:join(spark:createDataFrame({ { { 1 } } }, "tags array<int>"), "tags") end,
      "the key columns tags (array<string>) and tags (array<int>) cannot be compared" },
    { function() local _ = df:select(F.col("tags"):cast("array<vector>")) end, "cannot cast array<string> to array<vector>" },
    { function() local _ = df:select(F.col("id"):getItem(0)) end, "id is int, which cannot be indexed" },
    { function() local _ = df:select(F.greatest("tags", "id")) end, "the arguments of greatest must share a type" },
  })
  t.raises(function() df.write:mode("overwrite"):csv(t.tempdir() .. "/out") end,
    "CSV data source does not support array<string> data type")
end)

t.test("array_sort with a comparator: Spark's examples, a stable sort of structs, errors", function()
  local out = spark:range(1):selectExpr(
    "array_sort(array(5, 6, 1), (left, right) -> case when left < right then -1 when left > right then 1 else 0 end)",
    "array_sort(array('b', 'd', null, 'c', 'a'), (left, right) -> case when left is null and right is null then 0"
      .. " when left is null then -1 when right is null then 1 when left < right then 1 when left > right then -1"
      .. " else 0 end)")
  t.same_table(t.rows(out), { "[1, 5, 6]|[null, d, c, b, a]" })
  local df = spark:createDataFrame({ { { { t = 3, v = "c" }, { t = 1, v = "a" }, { t = 2, v = "b" }, { t = 1, v = "a2" } },
    -1 }, { nil, 1 }, { {}, 1 } }, "xs array<struct<t:int,v:string>>, dir int")
  local sorted = df:select(F.array_sort("xs", function(l, r)
    local a, b = l:getField("t"), r:getField("t")
    return F.when(a:lt(b), -F.col("dir")):when(a:gt(b), F.col("dir")):otherwise(0)
  end):alias("s"))
  -- (the comparator reads an outer column; equal keys keep their order)
  t.same_table(t.rows(sorted), { "[{3, c}, {2, b}, {1, a}, {1, a2}]", "null", "[]" })
  t.eq(sorted.schema.fields[1].dataType, df.schema.fields[1].dataType)
  t.raises_at_caller({
    { function() local _ = df:selectExpr("array_sort(xs, (l, r) -> 'x')") end, "must give an int, not string" },
    { function() local _ = df:selectExpr("array_sort(dir, (l, r) -> 0)") end, "array_sort needs an array, not int" },
    { function() local _ = df:select(F.array_sort("xs", function(l) return 0 end)) end, "takes left, right" },
  })
  t.has(t.raises(function() df:selectExpr("array_sort(xs, (l, r) -> CAST(NULL AS int))"):collect() end),
    "The comparator has returned a null")
end)

t.test("array_size, try_element_at and array_insert: Spark 3.5's examples, nulls, positions past either end", function()
  local df = spark:createDataFrame({ { { "a", "b", "c" }, 2, "d" }, { { "c", "b", "a" }, -2, "d" }, { {}, 1, "x" },
    { nil, 1, "x" }, { { "a" }, nil, "x" } }, "data array<string>, pos int, val string")
  local out = df:select(F.array_size("data"), F.try_element_at("data", 2), F.try_element_at("data", F.lit(-1)),
    F.array_insert("data", "pos", F.col("val")), F.array_insert("data", 5, "hello"), F.array_insert("data", -5, "hi"))
  t.same_table(out.columns, { "array_size(data)", "try_element_at(data, 2)", "try_element_at(data, -1)",
    "array_insert(data, pos, val)", "array_insert(data, 5, hello)", "array_insert(data, -5, hi)" })
  t.same_table(out.dtypes, { { "array_size(data)", "int" }, { "try_element_at(data, 2)", "string" },
    { "try_element_at(data, -1)", "string" }, { "array_insert(data, pos, val)", "array<string>" },
    { "array_insert(data, 5, hello)", "array<string>" }, { "array_insert(data, -5, hi)", "array<string>" } })
  t.same_table(t.rows(out), {
    "3|b|c|[a, d, b, c]|[a, b, c, null, hello]|[hi, null, a, b, c]",
    "3|b|a|[c, b, d, a]|[c, b, a, null, hello]|[hi, null, c, b, a]",
    "0|null|null|[x]|[null, null, null, null, hello]|[hi, null, null, null, null]",
    "null|null|null|null|null|null",
    "1|null|a|null|[a, null, null, null, hello]|[hi, null, null, null, a]" })
  -- Spark's documented examples; -1 puts the item last (3.5's)
  t.same_table(t.rows(spark:range(1):selectExpr("array_insert(array(1, 2, 3, 4), 5, 5)",
    "array_insert(array(5, 4, 3, 2), -1, 1)", "array_insert(array(5, 3, 2, 1), -4, 4)",
    "array_insert(array(1, 2), 1, 2.5D)", "array_insert(array(1, 2), 2, NULL)", "array_size(array('b', 'd', 'c', 'a'))",
    "try_element_at(array(1, 2, 3), 2)", "try_element_at(map(1, 'a', 2, 'b'), 2)", "try_element_at(array(1), 5)",
    "array_size(NULL)")),
    { "[1, 2, 3, 4, 5]|[5, 4, 3, 2, 1]|[5, 4, 3, 2, 1]|[2.5, 1.0, 2.0]|[1, null, 2]|4|2|b|null|null" })
  -- the index 0 is an error in both, as Spark 3.5's
  t.raises(function() df:select(F.try_element_at("data", 0)):collect() end, "INVALID_INDEX_OF_ZERO")
  t.raises(function() df:select(F.array_insert("data", 0, "x")):collect() end, "INVALID_INDEX_OF_ZERO")
  t.raises_at_caller({
    { function() local _ = df:select(F.array_size(F.create_map(F.lit(1), F.lit(2)))) end,
      "array_size needs an array, not map<int,int>" },
    { function() local _ = df:select(F.array_insert("data", F.lit(1.5), "x")) end,
      "array_insert's position must be an int, not double" },
    { function() local _ = df:select(F.array_insert("data", 1, F.lit(true))) end, "does not go with the array's" },
  })
end)

t.test("shuffle: the elements in a random order, the same ones for a seed however the rows are cut", function()
  local rows = {}
  for i = 1, 300 do rows[i] = { i, { i, i + 1, i + 2, i + 3, i + 4, i + 5 } } end
  rows[301] = { 301, nil }
  rows[302] = { 302, {} }
  local df = spark:createDataFrame(rows, "id int, a array<int>")
  local shuffled = df:select("a", F.shuffle("a"):alias("s"), F.shuffle("a", 7):alias("s7"))
  t.same_table(shuffled.dtypes, { { "a", "array<int>" }, { "s", "array<int>" }, { "s7", "array<int>" } })
  t.same_table(df:select(F.shuffle("a")).columns, { "shuffle(a)" })
  local moved, first = 0, shuffled:collect()
  for i, r in ipairs(first) do
    if i <= 300 then
      local sorted = { unpack(r.s, 1, r.s.n) }
      table.sort(sorted)
      t.same_table(sorted, { unpack(r.a, 1, r.a.n) }, "the same elements")
      if r.s[1] ~= r.a[1] then moved = moved + 1 end
    end
  end
  t.ok(moved > 150, "most rows moved: " .. moved)
  t.eq(first[301].s, nil)
  t.eq(first[302].s.n, 0)
  -- a seed gives the same orders, in slices or whole
  spark.conf:set("spark.tide.sliceRows", 7)
  local sliced = shuffled:collect()
  spark.conf:unset("spark.tide.sliceRows")
  for i = 1, 300 do t.same_table(sliced[i].s7, first[i].s7, "row " .. i) end
end)

t.test("zip_with: Spark's examples, the shorter array padded with nulls, one batch of every position", function()
  local out = spark:range(1):selectExpr("zip_with(array(1, 2), array(3, 4), (x, y) -> x + y)",
    "zip_with(array('a', 'b', 'c'), array('d', 'e', 'f'), (x, y) -> concat(x, y))",
    "zip_with(array(1, 2, 3), array('a', 'b', 'c'), (x, y) -> named_struct('y', y, 'x', x))")
  t.same_table(out.columns, { "zip_with(array(1, 2), array(3, 4), lambdafunction((namedlambdavariable() +"
    .. " namedlambdavariable()), namedlambdavariable(), namedlambdavariable()))",
    "zip_with(array(a, b, c), array(d, e, f), lambdafunction(concat(namedlambdavariable(), namedlambdavariable()),"
    .. " namedlambdavariable(), namedlambdavariable()))",
    "zip_with(array(1, 2, 3), array(a, b, c), lambdafunction(named_struct(y, namedlambdavariable(), x,"
    .. " namedlambdavariable()), namedlambdavariable(), namedlambdavariable()))" })
  t.same_table(t.rows(out), { "[4, 6]|[ad, be, cf]|[{a, 1}, {b, 2}, {c, 3}]" })
  -- PySpark's examples
  local df = spark:createDataFrame({ { 1, { 1, 3, 5, 8 }, { 0, 2, 4, 6 }, { "foo", "bar" }, { 1, 2, 3 } },
    { 2, nil, { 1 }, {}, {} } }, "id int, xs array<int>, ys array<int>, s array<string>, n array<int>")
  local zipped = df:select(F.zip_with("xs", "ys", function(x, y) return F.pow(x, y) end):alias("powers"),
    F.zip_with("s", "n", function(x, y) return F.concat_ws("_", x, y) end):alias("xs_ys"),
    F.zip_with("n", "ys", function(x, y) return x + y + F.col("id") end):alias("outer"))
  t.same_table(zipped.dtypes, { { "powers", "array<double>" }, { "xs_ys", "array<string>" },
    { "outer", "array<int>" } })
  t.same_table(t.rows(zipped), { "[1.0, 9.0, 625.0, 262144.0]|[foo_1, bar_2, 3]|[2, 5, 8, null]",
    "null|[]|[null]" })
  t.raises_at_caller({
    { function() local _ = df:selectExpr("zip_with(xs, ys, x -> x)") end, "zip_with takes two arrays and a function" },
    { function() local _ = df:selectExpr("zip_with(id, ys, (x, y) -> x)") end, "zip_with needs arrays, not int" },
    { function() local _ = df:select(F.zip_with("xs", "ys", function(x) return x end)) end, "takes x, y" },
  })
end)

t.test("array() and map() are empty, their elements taking the type of what they meet, as Spark's", function()
  local df = spark:sql("SELECT array() AS a, map() AS m, size(array()) AS n, size(map()) AS nm, "
    .. "to_json(array()) AS j, to_json(map()) AS jm, array_contains(array(), 1) AS c, array(array()) AS aa")
  t.eq(df.schema:simpleString(),
    "struct<a:array<void>,m:map<void,void>,n:int,nm:int,j:string,jm:string,c:boolean,aa:array<array<void>>>")
  t.same_table(t.rows(df), { "[]|{}|0|0|[]|{}|false|[[]]" })
  -- a default for a missing array or map keeps the column's type
  local filled = spark:sql("SELECT coalesce(x, array()) AS x, coalesce(m, map()) AS m FROM "
    .. "(SELECT array(1, 2) AS x, map('a', 1) AS m UNION ALL SELECT CAST(NULL AS array<int>), "
    .. "CAST(NULL AS map<string,int>))")
  t.eq(filled.schema:simpleString(), "struct<x:array<int>,m:map<string,int>>")
  t.same_table(t.rows(filled), { "[1, 2]|{a -> 1}", "[]|{}" })
  local cases = spark:sql("SELECT CASE WHEN id = 0 THEN array() ELSE array(id) END AS a, "
    .. "concat(array(id), array()) AS c, map_concat(map('k', id), map()) AS m FROM (SELECT 0 AS id UNION ALL SELECT 1)")
  t.eq(cases.schema:simpleString(), "struct<a:array<int>,c:array<int>,m:map<string,int>>")
  t.same_table(t.rows(cases), { "[]|[0]|{k -> 0}", "[1]|[1]|{k -> 1}" })
  t.eq(spark:sql("SELECT explode(array()) AS e"):count(), 0)
  -- array(NULL, ...) alike: its elements take the type they meet
  local nulls = spark:sql("SELECT array(NULL, NULL) AS n, array(array(1, NULL), array(NULL)) AS a, "
    .. "concat(array(1), array(NULL)) AS c")
  t.eq(nulls.schema:simpleString(), "struct<n:array<void>,a:array<array<int>>,c:array<int>>")
  t.same_table(t.rows(nulls), { "[null, null]|[[1, null], [null]]|[1, null]" })
  -- through the DataFrame API
  local api = spark:createDataFrame({ { { "a" } }, { nil } }, "tags array<string>")
    :select(F.coalesce(F.col("tags"), F.array()):alias("tags"), F.create_map():alias("m"))
  t.eq(api.schema:simpleString(), "struct<tags:array<string>,m:map<void,void>>")
  t.same_table(t.rows(api), { "[a]|{}", "[]|{}" })
end)

t.test("void collections meet typed ones: appends, comparisons, lookups and unions, as Spark's", function()
  local df = spark:sql("SELECT array_append(array(NULL), 1) AS a, array_append(array(), 1) AS b, "
    .. "array() = array(1) AS c, array(NULL) = array('x') AS d, element_at(map(), 'k') AS e, "
    .. "map_contains_key(map(), 'k') AS f")
  t.eq(df.schema:simpleString(), "struct<a:array<int>,b:array<int>,c:boolean,d:boolean,e:void,f:boolean>")
  t.same_table(t.rows(df), { "[null, 1]|[1]|false|false|null|false" })
  local function union(q) local u = spark:sql(q); return u.schema:simpleString(), t.rows(u) end
  local ty, rows = union("SELECT array() AS s UNION ALL SELECT array(named_struct('a', 1))")
  t.eq(ty, "struct<s:array<struct<a:int>>>"); t.same_table(rows, { "[]", "[{1}]" })
  ty, rows = union("SELECT map() AS s UNION ALL SELECT map('a', 1)")
  t.eq(ty, "struct<s:map<string,int>>"); t.same_table(rows, { "{}", "{a -> 1}" })
  ty, rows = union("SELECT x.a FROM (SELECT NULL AS a, 1 AS k) x JOIN (SELECT 1 AS k) y ON x.k = y.k "
    .. "UNION ALL SELECT DATE'2024-01-01'")
  t.eq(ty, "struct<a:date>", "an untyped NULL stays one through a join")
  t.eq(spark:sql("SELECT map_entries(map()) AS e").schema:simpleString(),
    "struct<e:array<struct<key:void,value:void>>>", "Spark's voids in a schema")
end)

t.run()
