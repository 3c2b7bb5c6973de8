-- collect_list and collect_set, Spark's aggregates that gather a group's
-- values into an array: the rows' order (collect_list), each value once
-- in order of first appearance (collect_set; Spark's order is its hash
-- set's), nulls skipped, [] for a group without values; in groupBy/agg,
-- the dict form, select, SQL, rollup, pivot and over windows; streaming
-- aggregations merge them across micro-batches and restarts; collect_set
-- refuses vectors.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local T = tide.types
local Window = tide.Window
local spark = tide.session()

local function kv()
  return spark:createDataFrame({ { "a", 3 }, { "b", 2 }, { "a", 1 }, { "c", nil }, { "a", 3 }, { nil, 5 }, { "b", nil },
    { "a", 2 } }, "k string, v int")
end

t.test("per group: the rows' order, each value once for a set, nulls skipped, [] for a group of nulls", function()
  local df = kv()
  local agg = df:groupBy("k"):agg(F.collect_list("v"), F.collect_set("v"):alias("s"))
  t.same_table(agg.columns, { "k", "collect_list(v)", "s" })
  t.same_table(agg.dtypes, { { "k", "string" }, { "collect_list(v)", "array<int>" }, { "s", "array<int>" } })
  t.eq(agg.schema.fields[2].dataType, T.array(T.int, false))
  t.eq(agg.schema.fields[2].dataType.containsNull, false)
  t.eq(agg.schema.fields[3].nullable, false)
  t.same_table(t.rows(agg), { "a|[3, 1, 3, 2]|[3, 1, 2]", "b|[2]|[2]", "c|[]|[]", "null|[5]|[5]" })
  -- collect gives Lua lists (n: the length); an empty group's list is
  -- empty, not nil.
  local rows = agg:orderBy("k"):collect()
  t.same_table(rows[2]["collect_list(v)"], { 3, 1, 3, 2, n = 4 })
  t.same_table(rows[2].s, { 3, 1, 2, n = 3 })
  t.same_table(rows[4].s, { n = 0 })
  -- The dict form names them as Spark does.
  t.same_table(t.rows(df:groupBy("k"):agg({ v = "collect_set" })), { "a|[3, 1, 2]", "b|[2]", "c|[]", "null|[5]" })
  t.same_table(df:groupBy("k"):agg({ v = "collect_list" }).columns, { "k", "collect_list(v)" })
end)

t.test("a global aggregate has one row: every value, or [] over no rows", function()
  local df = kv()
  t.same_table(t.rows(df:agg(F.collect_list("v"), F.collect_set("k"))), { "[3, 2, 1, 3, 5, 2]|[a, b, c]" })
  t.same_table(t.rows(df:agg({ k = "collect_list" })), { "[a, b, a, c, a, b, a]" })
  local none = df:filter("v > 100"):agg(F.collect_list("v"), F.collect_set("v"), F.count("*"))
  t.same_table(t.rows(none), { "[]|[]|0" })
  t.same_table(t.rows(df:select(F.collect_set("v"), F.max("v"))), { "[3, 2, 1, 5]|5" })
end)

t.test("every element type: values copied as they are, sets compared as groupBy compares keys", function()
  local df = spark:createDataFrame({
    { 1, 1.5, "x", true, "2024-01-01 00:00:00.000001", { 1, 2 }, { a = 1, b = "p" }, 7 },
    { 1, -0.0, "x", false, "2024-01-01 00:00:00.000001", { 1, 2 }, { a = 1, b = "p" }, 7 },
    { 1, 0.0, "y", true, "2024-01-02 00:00:00", { 1, nil, n = 2 }, { a = 1 }, 8 },
    { 2, nil, nil, nil, nil, nil, nil, nil },
    { 1, 0 / 0, "x", true, "2024-01-01 00:00:00.000001", { 1, nil, n = 2 }, { a = 1 }, 7 },
    { 1, 0 / 0, "", true, nil, {}, { b = "p" }, 7 },
  }, "k int, d double, s string, b boolean, ts timestamp, arr array<int>, st struct<a:int,b:string>, l bigint")
  df = df:withColumn("dec", F.col("d"):cast("decimal(10,2)"))
  local lists, sets = { "k" }, { "k" }
  for _, c in ipairs({ "d", "s", "b", "ts", "arr", "st", "l", "dec" }) do
    lists[#lists + 1] = F.collect_list(c)
    sets[#sets + 1] = F.collect_set(c)
  end
  local l = df:groupBy("k"):agg(unpack(lists, 2))
  t.same_table(l.dtypes, { { "k", "int" }, { "collect_list(d)", "array<double>" },
    { "collect_list(s)", "array<string>" },
    { "collect_list(b)", "array<boolean>" }, { "collect_list(ts)", "array<timestamp>" },
    { "collect_list(arr)", "array<array<int>>" }, { "collect_list(st)", "array<struct<a:int,b:string>>" },
    { "collect_list(l)", "array<bigint>" }, { "collect_list(dec)", "array<decimal(10,2)>" } })
  t.same_table(t.rows(l), {
    "1|[1.5, -0.0, 0.0, NaN, NaN]|[x, x, y, x, ]|[true, false, true, true, true]"
      .. "|[2024-01-01 00:00:00.000001, 2024-01-01 00:00:00.000001, 2024-01-02 00:00:00, 2024-01-01 00:00:00.000001]"
      .. "|[[1, 2], [1, 2], [1, null], [1, null], []]|[{1, p}, {1, p}, {1, null}, {1, null}, {null, p}]"
      .. "|[7, 7, 8, 7, 7]|[1.50, 0.00, 0.00]",
    "2|[]|[]|[]|[]|[]|[]|[]|[]" })
  -- Sets: -0.0 is 0.0 (the first kept), but each NaN is kept, as Spark's
  -- Scala HashSet compares doubles with ==; arrays and structs by their
  -- elements and fields, nulls inside them equal.
  t.same_table(t.rows(df:groupBy("k"):agg(unpack(sets, 2))), {
    "1|[1.5, -0.0, NaN, NaN]|[x, y, ]|[true, false]|[2024-01-01 00:00:00.000001, 2024-01-02 00:00:00]"
      .. "|[[1, 2], [1, null], []]|[{1, p}, {1, null}, {null, p}]|[7, 8]|[1.50, 0.00]",
    "2|[]|[]|[]|[]|[]|[]|[]|[]" })
  -- Lists of arrays of structs come back as Lua values.
  local st = df:filter("k = 1"):agg(F.collect_list("st")):collect()[1]["collect_list(st)"]
  t.same_table({ st.n, st[1].b, st[3].a, st[5].a }, { 5, "p", 1, nil })
end)

t.test("SQL, selectExpr, rollup, pivot, and expressions inside and over the aggregates", function()
  local df = kv()
  df:createOrReplaceTempView("collect_kv")
  local sql = spark:sql("SELECT k, collect_list(v), collect_set(v + 1) AS s FROM collect_kv GROUP BY k ORDER BY k")
  t.same_table(sql.columns, { "k", "collect_list(v)", "s" })
  t.same_table(t.rows(sql), { "null|[5]|[6]", "a|[3, 1, 3, 2]|[4, 2, 3]", "b|[2]|[3]", "c|[]|[]" })
  local named = df:groupBy("k"):agg(F.collect_set(F.col("v") * 10), F.collect_list("v"):alias("l"),
    (F.count("*") + 1):alias("n1"))
  t.same_table(named.columns, { "k", "collect_set((v * 10))", "l", "n1" })
  t.same_table(t.rows(named), { "a|[30, 10, 20]|[3, 1, 3, 2]|5", "b|[20]|[2]|3", "c|[]|[]|2", "null|[50]|[5]|2" })
  t.same_table(t.rows(df:selectExpr("collect_set(k) AS ks", "count(v)")), { "[a, b, c]|6" })
  t.same_table(t.rows(df:filter("k IS NOT NULL"):rollup("k"):agg(F.collect_set("v")):orderBy("k")),
    { "null|[3, 2, 1]", "a|[3, 1, 2]", "b|[2]", "c|[]" })
  -- A pivot's value without rows in a group: [] there, as Spark's.
  local pivoted = df:filter("k IS NOT NULL"):groupBy("k"):pivot("v", { 1, 3 }):agg(F.collect_list("k"))
  t.same_table(t.rows(pivoted:orderBy("k")), { "a|[a]|[a, a]", "b|[]|[]", "c|[]|[]" })
end)

t.test("many rows and groups: the same lists as a row-by-row reference", function()
  local rows, want_list, want_set = {}, {}, {}
  local seed = 7
  local function rand(n)
    seed = (seed * 1103515245 + 12345) % 2147483648
    return math.floor(seed / 65536) % n -- (an LCG's low bits repeat)
  end
  for i = 1, 20000 do
    local k, v = rand(500), rand(40)
    if v == 0 then v = nil end
    rows[i] = { k, v and ("v" .. v) }
    want_list[k] = want_list[k] or {}
    want_set[k] = want_set[k] or { seen = {} }
    if v then
      local l, s = want_list[k], want_set[k]
      l[#l + 1] = "v" .. v
      if not s.seen[v] then s.seen[v], s[#s + 1] = true, "v" .. v end
    end
  end
  local df = spark:createDataFrame(rows, "k int, v string")
  local got = df:groupBy("k"):agg(F.collect_list("v"):alias("l"), F.collect_set("v"):alias("s")):collect()
  t.eq(#got, 500)
  for _, r in ipairs(got) do
    local s = want_set[r.k]
    s.seen = nil
    t.same_table({ unpack(r.l, 1, r.l.n) }, want_list[r.k], "collect_list of group " .. r.k)
    t.same_table({ unpack(r.s, 1, r.s.n) }, s, "collect_set of group " .. r.k)
  end
end)

t.test("over a window: each row's frame's values (Spark's default frames, or the given rows)", function()
  local df = spark:createDataFrame({ { "a", 1, "x" }, { "a", 2, nil }, { "a", 3, "y" }, { "a", 3, "x" },
    { "b", 1, "z" } }, "k string, t int, v string")
  local w = Window.partitionBy("k"):orderBy("t")
  local r = df:select("k", "t", F.collect_list("v"):over(w):alias("upto"), F.collect_set("v"):over(w):alias("set"),
    F.collect_list("v"):over(Window.partitionBy("k")):alias("all"),
    F.collect_set("v"):over(w:rowsBetween(1, 2)):alias("next2"))
  t.same_table(r.dtypes, { { "k", "string" }, { "t", "int" }, { "upto", "array<string>" }, { "set", "array<string>" },
    { "all", "array<string>" }, { "next2", "array<string>" } })
  t.same_table(t.rows(r), { "a|1|[x]|[x]|[x, y, x]|[y]", "a|2|[x]|[x]|[x, y, x]|[y, x]",
    "a|3|[x, y, x]|[x, y]|[x, y, x]|[x]", "a|3|[x, y, x]|[x, y]|[x, y, x]|[]", "b|1|[z]|[z]|[z]|[]" })
  df:createOrReplaceTempView("collect_w")
  local sql = spark:sql("SELECT t, collect_set(v) OVER (PARTITION BY k ORDER BY t) FROM collect_w WHERE k = 'a'")
  t.same_table(t.rows(sql), { "1|[x]", "2|[x]", "3|[x, y]", "3|[x, y]" })
end)

t.test("what tide does not collect fails at the caller's line, saying why", function()
  local vectors = spark:createDataFrame({ { 1, tide.ml.linalg.Vectors.dense({ 1, 2 }) },
    { 1, tide.ml.linalg.Vectors.dense({ 1, 2 }) } }, { "n", "vec" })
  -- A list of vectors is only copies of them.
  t.same_table(t.rows(vectors:groupBy("n"):agg(F.collect_list("vec"))), { "1|[[1.0,2.0], [1.0,2.0]]" })
  local df = spark:createDataFrame({ { 1, { 1 } } }, "n int, tags array<int>")
  t.raises_at_caller({
    { function() vectors:groupBy("n"):agg(F.collect_set("vec")) end,
      "collect_set(vec): the column is vector, which collect_set cannot take" },
    { function() vectors:select(F.collect_set("vec"):over(Window.partitionBy("n"))) end,
      "collect_set over a window: the column is vector" },
    { function() df:agg(F.collect_list("*")) end, "collect_list(*) is not an aggregate; only count(*) is" },
    { function() vectors:agg(F.countDistinct("vec")) end, "column vec is vector, which cannot be counted distinct" },
    { function() vectors:agg(F.min("vec")) end, "min(vec): the column is vector, which min cannot take" },
  })
end)

t.test("min, max, first, last and lag take arrays and structs, keeping their type", function()
  local df = spark:createDataFrame({ { "a", { 2, 1 } }, { "a", { 10 } }, { "a", nil }, { "b", {} }, { "b", { 1, nil, n = 2 } } },
    "k string, v array<int>")
  local agg = df:groupBy("k"):agg(F.min("v"), F.max("v"), F.first("v"), F.last("v"), F.last("v", true))
  t.same_table(agg.dtypes, { { "k", "string" }, { "min(v)", "array<int>" }, { "max(v)", "array<int>" },
    { "first(v)", "array<int>" }, { "last(v)", "array<int>" }, { "last(v)", "array<int>" } })
  t.same_table(t.rows(agg:orderBy("k")), { "a|[2, 1]|[10]|[2, 1]|null|[10]", "b|[]|[1, null]|[]|[1, null]|[1, null]" })
  local structs = df:select("k", F.struct(F.size("v"):alias("n"), F.col("v"):getItem(0):alias("x")):alias("s"))
  t.same_table(t.rows(structs:groupBy("k"):agg(F.max("s"), F.min("s")):orderBy("k")),
    { "a|{2, 2}|{-1, null}", "b|{2, 1}|{0, null}" })
  local w = Window.partitionBy("k"):orderBy("v")
  t.same_table(t.rows(df:select("k", "v", F.lag("v"):over(w), F.max("v"):over(w)):orderBy("k", "v")), {
    "a|null|null|null", "a|[2, 1]|null|[2, 1]", "a|[10]|[2, 1]|[10]", "b|[]|null|[]", "b|[1, null]|[]|[1, null]" })
end)

t.test("a streaming aggregation merges the lists of micro-batches, in order, across restarts", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  local files = {
    { { "a", 1 }, { "b", 2 }, { "a", 3 }, { "c", nil } },
    { { "a", 1 }, { "b", 5 }, { "d", 7 } },
    { { "a", 4 }, { "c", 6 }, { "b", 2 } },
  }
  local function run(mode, into)
    local q = spark.readStream:csv(input, { schema = "k string, v int", maxFilesPerTrigger = 1 })
      :groupBy("k"):agg(F.collect_list("v"):alias("l"), F.collect_set("v"):alias("s"), F.count("*"))
      .writeStream:outputMode(mode)
      :foreachBatch(function(batch, epoch) into[epoch + 1] = t.rows(batch:orderBy("k")) end)
      :option("checkpointLocation", cp):start()
    q:processAllAvailable()
    q:stop()
    t.eq(q:exception(), nil, "the query ran")
  end
  -- update mode, the query restarted before each file
  local seen = {}
  for i, rows in ipairs(files) do
    t.write_csv(("%s/%d.csv"):format(input, i), rows)
    run("update", seen)
  end
  t.same_table(seen, {
    { "a|[1, 3]|[1, 3]|2", "b|[2]|[2]|1", "c|[]|[]|1" },
    { "a|[1, 3, 1]|[1, 3]|3", "b|[2, 5]|[2, 5]|2", "d|[7]|[7]|1" },
    { "a|[1, 3, 1, 4]|[1, 3, 4]|4", "b|[2, 5, 2]|[2, 5]|3", "c|[6]|[6]|2" },
  })
  -- complete mode over the same files in one run gives the same final lists
  input, cp = t.tempdir(), t.tempdir() .. "/cp2"
  for i, rows in ipairs(files) do t.write_csv(("%s/%d.csv"):format(input, i), rows) end
  local complete = {}
  run("complete", complete)
  t.same_table(complete[3], { "a|[1, 3, 1, 4]|[1, 3, 4]|4", "b|[2, 5, 2]|[2, 5]|3", "c|[6]|[6]|2", "d|[7]|[7]|1" })
end)

t.test("a collected Row: r[1] is its first field (PySpark's row[0]), beside r.name and r['name']", function()
  local df = spark:createDataFrame({ { "a", 3, false }, { nil, 5, true } }, "k string, v int, b boolean")
  local rows = df:collect()
  local r = rows[1]
  t.eq(r[1], "a")
  t.eq(r[2], 3)
  t.eq(r[3], false)
  t.eq(r.k, "a")
  t.eq(r["v"], 3)
  -- a null field and a position past the fields are nil; Lua counts from 1
  t.eq(rows[2][1], nil)
  t.eq(rows[2][2], 5)
  t.eq(r[4], nil)
  t.eq(r[0], nil)
  -- the values are kept once, under their names: pairs and asDict see the names alone
  local keys = {}
  for key in pairs(r) do keys[#keys + 1] = key end
  table.sort(keys)
  t.same_table(keys, { "b", "k", "v" })
  t.same_table(r:asDict(), { k = "a", v = 3, b = false })
  t.same_table(require("tide.row").fields(r), { "k", "v", "b" })
  t.eq(tostring(r), "Row(k='a', v=3, b=false)")
  t.eq(tide.json.encode(r), '{"k":"a","v":3,"b":false}')
  -- a struct value is a Row too
  local s = spark:createDataFrame({ { { x = 1, y = "p" } } }, "st struct<x:int,y:string>"):collect()[1].st
  t.eq(s[1], 1)
  t.eq(s[2], "p")
  -- rows fed back to createDataFrame make the same rows, nulls included
  t.same_table(t.rows(spark:createDataFrame(rows, "k string, v int, b boolean")), { "a|3|false", "null|5|true" })
end)

t.test("a Row whose names repeat keeps each position's value; r.a is the first field named a", function()
  local r = spark:sql("SELECT 1 AS a, 2 AS a, 'x' AS b"):collect()[1]
  t.eq(r[1], 1)
  t.eq(r[2], 2)
  t.eq(r[3], "x")
  t.eq(r.a, 1)
  t.eq(tostring(r), "Row(a=1, a=2, b='x')")
  local keys = {}
  for key, v in pairs(r) do keys[#keys + 1] = key .. "=" .. tostring(v) end
  table.sort(keys)
  t.same_table(keys, { "a=1", "b=x" })
  -- a join's two sides, and a struct whose names repeat
  local left = spark:createDataFrame({ { 1, "p" } }, "id int, s string")
  local right = spark:createDataFrame({ { 1, "P" } }, "id int, s string")
  local j = left:join(right, left.id:eqNullSafe(right.id)):collect()[1]
  t.eq(tostring(j), "Row(id=1, s='p', id=1, s='P')")
  t.eq(j.s, "p")
  t.eq(j[4], "P")
  local s = spark:sql("SELECT struct(1 AS a, 2 AS a) AS st"):collect()[1].st
  t.eq(tostring(s), "Row(a=1, a=2)")
  t.eq(s[2], 2)
  -- fed back, each position keeps its value
  t.same_table(t.rows(spark:createDataFrame({ j }, "a int, b string, c int, d string")), { "1|p|1|P" })
end)

t.test("createDataFrame reads a collected Row by position (PySpark's tuple), plain tables by name", function()
  local rows = spark:createDataFrame({ { 1, "p" }, { 2, nil } }, "id int, s string"):collect()
  t.same_table(t.rows(spark:createDataFrame(rows, "x int, y string")), { "1|p", "2|null" })
  t.same_table(t.rows(spark:createDataFrame(rows, { "x", "y" })), { "1|p", "2|null" })
  t.same_table(spark:createDataFrame(rows, { "x", "y" }).columns, { "x", "y" })
  -- nested: a struct value that is a Row fills a struct of other names by position
  local st = spark:sql("SELECT named_struct('a', 1, 'b', 'z') AS s"):collect()
  t.same_table(t.rows(spark:createDataFrame(st, "t struct<x:int,y:string>")), { "{1, z}" })
  -- plain tables keyed by name stay read by name, whatever their order
  t.same_table(t.rows(spark:createDataFrame({ { y = "q", x = 3 } }, "x int, y string")), { "3|q" })
  -- a Row of another length is refused, as PySpark refuses a tuple of another length
  local err = t.raises(function() return spark:createDataFrame(rows, "x int") end)
  t.has(err, "has 2 fields, the schema 1")
end)

t.test("collected Rows compare equal when their values are, position by position", function()
  local function rows()
    return spark:sql("SELECT 1 AS a, 'x' AS b, array(1, 2) AS l, named_struct('p', 1.5) AS s"):collect()
  end
  local r1, r2 = rows(), rows()
  t.ok(r1[1] == r2[1], "the same values")
  t.ok(not (r1[1] ~= r2[1]), "~=")
  -- names are not compared (a tuple's equality), values are
  t.ok(spark:sql("SELECT 1 AS x, 'x' AS y, array(1, 2) AS z, named_struct('q', 1.5) AS w"):collect()[1] == r1[1],
    "other names")
  t.ok(spark:sql("SELECT 1 AS a, 'x' AS b, array(1, 3) AS l, named_struct('p', 1.5) AS s"):collect()[1] ~= r1[1],
    "another list")
  t.ok(spark:sql("SELECT 1 AS a, 'x' AS b"):collect()[1] ~= r1[1], "fewer fields")
  t.ok(spark:sql("SELECT 1 AS a, 2 AS a"):collect()[1] ~= spark:sql("SELECT 1 AS a, 3 AS a"):collect()[1],
    "a repeated name's later value")
  t.ok(spark:sql("SELECT 1 AS a, NULL AS b"):collect()[1] == spark:sql("SELECT 1 AS a, NULL AS b"):collect()[1],
    "nulls")
end)

t.test("tide.Row makes rows as PySpark's Row: by name (sorted) or through a Row of field names", function()
  local r = tide.Row{ name = "Alice", age = 11 }
  t.eq(tostring(r), "Row(age=11, name='Alice')")
  t.eq(r.name, "Alice"); t.eq(r[1], 11); t.eq(r:asDict().name, "Alice")
  local Person = tide.Row("name", "age")
  t.eq(tostring(Person), "<Row('name', 'age')>")
  t.eq(tostring(Person("Bob", nil)), "Row(name='Bob', age=None)")
  local df = spark:createDataFrame({ Person("Bob", 12), Person("Carl", nil) }, "name string, age int")
  t.same_table(df:collect(), { Person("Bob", 12), Person("Carl", nil) })
  t.ok(df:collect()[1] == Person("Bob", 12))
  t.ok(Person("Bob", 12) ~= Person("Bob", 13))
  local ok, err = pcall(Person, "a", 1, 2)
  t.ok(not ok and tostring(err):find("takes 2 values, not 3", 1, true), err)
  ok, err = pcall(tide.Row, "a", 1)
  t.ok(not ok and tostring(err):find("field names must be strings", 1, true), err)
  ok, err = pcall(tide.Row, { 1, 2 })
  t.ok(not ok and tostring(err):find("takes fields by name", 1, true), err)
end)

t.run()
