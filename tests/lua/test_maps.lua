-- Map columns (Spark's MapType): building them from Lua tables, their
-- schema, show's and collect's forms, the row operations that move them,
-- and Spark's map functions, explode of a map, and what maps cannot do.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local T = tide.types
local spark = tide.session()

local function scores()
  return spark:createDataFrame({ { 1, { b = 2, a = 1 } }, { 2, {} }, { 3, nil }, { 4, { z = 26 } } },
    "id int, m map<string,int>")
end

t.test("a map column: its type, printSchema, show, collect, and the rows that move it", function()
  local df = scores()
  t.eq(df.schema.fields[2].dataType, T.map(T.string, T.int))
  t.eq(tostring(T.parse("map<string,array<map<int,double>>>")), "map<string,array<map<int,double>>>")
  t.eq(df.schema:treeString(), [[
root
 |-- id: integer (nullable = true)
 |-- m: map (nullable = true)
 |    |-- key: string
 |    |-- value: integer (valueContainsNull = true)
]])
  -- (keys of a Lua table go in sorted order)
  t.same_table(t.rows(df), { "1|{a -> 1, b -> 2}", "2|{}", "3|null", "4|{z -> 26}" })
  local rows = df:collect()
  t.eq(rows[1].m.a, 1)
  t.eq(tostring(rows[1]), "Row(id=1, m={'a': 1, 'b': 2})")
  t.eq(rows[3].m, nil)
  t.same_table(t.rows(spark:createDataFrame(rows, df.schema)), t.rows(df))
  t.same_table(t.rows(df:filter("id > 1"):orderBy(F.desc("id"))), { "4|{z -> 26}", "3|null", "2|{}" })
  t.same_table(t.rows(df:union(df):filter("id = 1")), { "1|{a -> 1, b -> 2}", "1|{a -> 1, b -> 2}" })
  t.same_table(t.rows(df:select(F.col("m"):cast("string"))), { "{a -> 1, b -> 2}", "{}", "null", "{z -> 26}" })
end)

t.test("map_keys, map_values, map_entries, lookups, size and map_contains_key", function()
  local out = scores():select(F.map_keys("m"), F.map_values("m"), F.map_entries("m"), F.col("m"):getItem("a"),
    F.element_at("m", "b"), F.size("m"), F.map_contains_key("m", "b"))
  t.same_table(out.dtypes, { { "map_keys(m)", "array<string>" }, { "map_values(m)", "array<int>" },
    { "map_entries(m)", "array<struct<key:string,value:int>>" }, { "m[a]", "int" }, { "element_at(m, b)", "int" },
    { "size(m)", "int" }, { "map_contains_key(m, b)", "boolean" } })
  t.same_table(t.rows(out), { "[a, b]|[1, 2]|[{a, 1}, {b, 2}]|1|2|2|true", "[]|[]|[]|null|null|0|false",
    "null|null|null|null|null|-1|null", "[z]|[26]|[{z, 26}]|null|null|1|false" })
  t.same_table(t.rows(scores():selectExpr("m['z']")), { "null", "null", "null", "26" })
  -- element_at and map_contains_key compare in the wider type (m[key] casts the key, as Spark's)
  local ints = spark:createDataFrame({ { { [1] = 10, [2] = 20 } } }, "m map<int,int>")
  t.same_table(t.rows(ints:select(F.element_at("m", 1.5), F.map_contains_key("m", 1.5), F.element_at("m", 4294967297),
    F.element_at("m", 2), F.col("m"):getItem(1.5))), { "null|false|null|20|10" })
  -- on sliced batches (offsets that do not start at 0) alike
  spark.conf:set("spark.tide.sliceRows", 1)
  local ok, err = pcall(function()
    t.same_table(t.rows(scores():select(F.map_values("m"), F.element_at("m", "z"))),
      { "[1, 2]|null", "[]|null", "null|null", "[26]|26" })
  end)
  spark.conf:unset("spark.tide.sliceRows")
  if not ok then error(err, 0) end
end)

t.test("create_map, map_from_arrays and map_from_entries, with Spark's errors for keys", function()
  local df = spark:range(2)
  t.same_table(t.rows(df:selectExpr("map('x', id, 'y', id + 1)", "map_from_arrays(array(1, 2), array('p', 'q'))",
    "map_from_entries(array(struct('k', 1), struct('j', 2)))")),
    { "{x -> 0, y -> 1}|{1 -> p, 2 -> q}|{k -> 1, j -> 2}", "{x -> 1, y -> 2}|{1 -> p, 2 -> q}|{k -> 1, j -> 2}" })
  t.same_table(t.rows(df:select(F.create_map(F.lit("id"), "id"))), { "{id -> 0}", "{id -> 1}" })
  t.raises(function() df:selectExpr("map('x', 1, 'x', 2)"):collect() end, "DUPLICATED_MAP_KEY")
  t.raises(function() df:selectExpr("map(CAST(NULL AS STRING), 1)"):collect() end, "NULL_MAP_KEY")
  t.raises(function() df:selectExpr("map_from_arrays(array(1), array(2, 3))"):collect() end, "the same length")
end)

t.test("explode and posexplode of a map give key and value", function()
  local df = scores()
  local exploded = df:select("id", F.explode("m"))
  t.same_table(exploded.columns, { "id", "key", "value" })
  t.same_table(t.rows(exploded), { "1|a|1", "1|b|2", "4|z|26" })
  t.same_table(t.rows(df:select("id", F.posexplode_outer("m"))),
    { "1|0|a|1", "1|1|b|2", "2|null|null|null", "3|null|null|null", "4|0|z|26" })
  t.same_table(df:select(F.explode("m"):alias("k", "v")).columns, { "k", "v" })
  df:createOrReplaceTempView("scores")
  t.same_table(t.rows(spark:sql("SELECT id, e.k FROM scores LATERAL VIEW explode(m) e AS k, v WHERE e.v > 1")),
    { "1|b", "4|z" })
end)

t.test("map_filter, transform_keys and transform_values run a function over the entries", function()
  local df = scores()
  t.same_table(t.rows(df:select(F.map_filter("m", function(k, v) return v:gt(1) end),
    F.transform_values("m", function(k, v) return F.concat(k, v:cast("string")) end),
    F.transform_keys("m", function(k, v) return F.upper(k) end))),
    { "{b -> 2}|{a -> a1, b -> b2}|{A -> 1, B -> 2}", "{}|{}|{}", "null|null|null", "{z -> 26}|{z -> z26}|{Z -> 26}" })
  t.same_table(t.rows(df:selectExpr("map_filter(m, (k, v) -> k = 'a')", "transform_values(m, (k, v) -> v + id)")),
    { "{a -> 1}|{a -> 2, b -> 3}", "{}|{}", "null|null", "{}|{z -> 30}" })
  t.raises(function() df:selectExpr("transform_keys(m, (k, v) -> 'same')"):collect() end, "DUPLICATED_MAP_KEY")
  t.raises_at_caller({ { function() local _ = df:selectExpr("map_filter(m, k -> true)") end,
    "map_filter's function takes two arguments" } })
end)

t.test("map_concat and str_to_map", function()
  local out = spark:range(1):selectExpr("str_to_map('a:1,b:2,c:3', ',', ':') AS m", "str_to_map('a') AS n",
    "str_to_map('a=1;b=2', ';', '=') AS o", "str_to_map(NULL) AS p", "str_to_map('') AS r",
    "map_concat(map(1, 'a', 2, 'b'), map(3, 'c')) AS q", "map_concat(map(1, 'a'), CAST(NULL AS MAP<INT,STRING>)) AS s")
  t.same_table(t.rows(out), { "{a -> 1, b -> 2, c -> 3}|{a -> null}|{a -> 1, b -> 2}|null|{ -> null}|"
    .. "{1 -> a, 2 -> b, 3 -> c}|null" })
  t.eq(out.schema.fields[1].dataType, T.map(T.string, T.string))
  t.same_table(spark:range(1):selectExpr("str_to_map('k:v', ',', ':')").columns, { "str_to_map(k:v, ,, :)" })
  local df = scores()
  t.same_table(t.rows(df:select(F.map_concat("m", F.create_map(F.lit("new"), F.col("id"))), F.str_to_map(F.lit("x=1|y"),
    "[|]", "="))), { "{a -> 1, b -> 2, new -> 1}|{x -> 1, y -> null}", "{new -> 2}|{x -> 1, y -> null}",
    "null|{x -> 1, y -> null}", "{z -> 26, new -> 4}|{x -> 1, y -> null}" })
  t.has(t.raises(function() df:selectExpr("str_to_map('a:1,a:2')"):collect() end),
    "str_to_map(a:1,a:2, ,, :): [DUPLICATED_MAP_KEY]")
  t.has(t.raises(function() df:selectExpr("map_concat(m, m)"):collect() end), "map_concat(m, m): [DUPLICATED_MAP_KEY]")
  t.raises_at_caller({ { function() local _ = df:selectExpr("map_concat(m, id)") end, "map_concat needs a map, not int" } })
end)

t.test("what maps cannot do fails clearly, as in Spark", function()
  local df = scores()
  t.raises_at_caller({
    { function() local _ = df:groupBy("m") end, "column m is map<string,int>, which cannot be a grouping key" },
    { function() local _ = df:orderBy("m") end, "which cannot be a sort key" },
    { function() local _ = df:distinct() end, "cannot be compared for duplicates" },
    { function() local _ = df:filter(F.col("m"):eq(F.col("m"))) end, "m is a map, which cannot be compared" },
    -- inside arrays and structs too
    { function() local _ = df:select(F.array("m"):alias("am")):distinct() end, "cannot be compared for duplicates" },
    { function() local _ = df:groupBy(F.struct("m"):alias("sm")) end, "which cannot be a grouping key" },
    { function() local _ = df:select(F.array("m"):eq(F.array("m"))) end,
      "array<map<string,int>> (holding maps or vectors), which cannot be compared" },
    { function() local _ = df:select(F.array_distinct(F.array("m"))) end, "vectors and maps have no order" },
    { function() local _ = df:subtract(df) end, "which tide cannot compare" },
    { function() local _ = df:agg(F.max("m")) end, "max(m): the column is map<string,int>, which max cannot take" },
    { function() local _ = df:select(F.col("m"):cast("map<int,bigint>")) end, "cannot cast" },
    { function() local _ = df:select(F.map_keys("id")) end, "map_keys needs a map, not int" },
    { function() local _ = df:groupBy("id"):agg(F.collect_set("m")) end, "which collect_set cannot take" },
  })
  t.raises(function() df.write:mode("overwrite"):csv(t.tempdir() .. "/out") end,
    "CSV data source does not support map<string,int> data type")
end)

t.test("CAST of a map to another map type casts its keys and values, as Spark's", function()
  -- (the expected tables are Spark 3.5.3's for the same SQL)
  local df = spark:sql("SELECT CAST(map('a', '1', 'b', 'x') AS MAP<STRING, INT>) AS a, "
    .. "CAST(map(1, 2.5D) AS map<bigint, string>) AS b, CAST(map(1, 'x') AS map<string, string>) AS c, "
    .. "CAST(CAST(NULL AS map<int,int>) AS map<bigint,bigint>) AS d, "
    .. "CAST(map(date'2024-01-01', 1) AS map<timestamp,int>) AS e")
  t.eq(df.schema:simpleString(), "struct<a:map<string,int>,b:map<bigint,string>,c:map<string,string>,"
    .. "d:map<bigint,bigint>,e:map<timestamp,int>>")
  t.same_table(t.rows(df), { "{a -> 1, b -> null}|{1 -> 2.5}|{1 -> x}|null|{2024-01-01 00:00:00 -> 1}" })
  t.same_table(t.rows(spark:sql("SELECT CAST(map(id, id * 10, id + 5, NULL) AS map<bigint, string>) AS m "
    .. "FROM VALUES (1), (2) AS t(id)")), { "{1 -> 10, 6 -> null}", "{2 -> 20, 7 -> null}" })
  -- no key may become NULL: not from a string, a fraction to an integer, a decimal too narrow
  for _, q in ipairs({ "CAST(map('1', 1) AS map<int,int>)", "CAST(map(1.5D, 1) AS map<int,int>)",
                       "CAST(map(1, 1) AS map<decimal(2,0),int>)" }) do
    t.raises(function() spark:sql("SELECT " .. q) end, "cannot cast map<")
  end
  t.same_table(t.rows(spark:sql("SELECT CAST(map(1, 1) AS map<decimal(10,0),int>)")), { "{1 -> 1}" })
  local cast = scores():select("id", F.col("m"):cast("map<string,bigint>"))
  t.eq(cast.dtypes[2][2], "map<string,bigint>")
  t.same_table(t.rows(cast:orderBy("id")), { "1|{a -> 1, b -> 2}", "2|{}", "3|null", "4|{z -> 26}" })
end)

t.run()
