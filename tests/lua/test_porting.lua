-- What a Spark user porting a PySpark job writes first and tide got
-- wrong: reader calls with keyword arguments (csv(path, header=True)),
-- distinct/dropDuplicates/toDF/explain and countDistinct, show's keywords,
-- T.long() as LongType(), and randomSplit without a seed (a fresh split
-- each run, as Spark's).
local t = require("testing")
local has, at_caller = t.has, t.at_caller
local tide = require("tide")
local F, T = tide.functions, tide.types
local spark = tide.session()

local DATA = (os.getenv("TIDE_SOURCE_DIR") or ".") .. "/tests/csv/data/"
local AVAZU = DATA .. "avazu_sample.csv"

-- What fn writes with io.write (show, explain and printSchema write so).
local function output_of(fn)
  local parts, write = {}, io.write
  io.write = function(...) -- luacheck: ignore
    for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) end
  end
  local ok, err = pcall(fn)
  io.write = write -- luacheck: ignore
  if not ok then error(err, 0) end
  return table.concat(parts)
end

local function rows_of(df, ...)
  local names = { ... }
  local out = {}
  for i, r in ipairs(df:collect()) do
    local cells = {}
    for k, name in ipairs(names) do cells[k] = tostring(r[name]) end
    out[i] = table.concat(cells, "|")
  end
  return out
end

-- ---- 1. reader calls with a table of options ---------------------------------------

t.test("csv(path, {header = true, inferSchema = true}) applies the options", function()
  local df = spark.read:csv(AVAZU, { header = true, inferSchema = true })
  t.eq(df:count(), 100, "the header is not a row")
  t.eq(df.columns[1], "id")
  t.eq(df.schema.fields[2].dataType, T.int, "click inferred")
  t.eq(df:first().hour, 14102100)
  -- The same through load, with the format among the keywords, and with
  -- PySpark's positional schema before the table.
  t.eq(spark.read:load(AVAZU, { format = "csv", header = "true" }):count(), 100)
  t.eq(spark.read:format("csv"):load(AVAZU, { header = true }).columns[1], "id")
  local typed = spark.read:csv(AVAZU, "id decimal(38,0), click int", { header = true })
  t.eq(typed.schema:simpleString(), "struct<id:decimal(38,0),click:int>")
  t.eq(spark.read:csv(AVAZU, { schema = "id string", header = true }):first().id, "1000009418151094273")
  t.eq(spark.read:load{ path = AVAZU, format = "csv", header = true }:count(), 100)
end)

t.test("the stream reader takes a table of options too", function()
  local dir = t.tempdir()
  local f = assert(io.open(dir .. "/a.csv", "w"))
  f:write("id,site\n1,x\n2,y\n")
  f:close()
  local got = {}
  local q = spark.readStream:csv(dir, { schema = "id int, site string", header = true, maxFilesPerTrigger = 1 })
    .writeStream:foreachBatch(function(df) for _, r in ipairs(rows_of(df, "id", "site")) do got[#got + 1] = r end end)
    :option("checkpointLocation", t.tempdir() .. "/cp")
    :start()
  q:processAllAvailable()
  q:stop()
  t.same_table(got, { "1|x", "2|y" })
end)

t.test("a wrong argument to csv/json/load fails at the call, naming it", function()
  local err = t.raises(function() local _ = spark.read:csv(AVAZU, 5) end)
  has(err, "csv: argument 2 (schema) must be a DDL string or a tide.types struct, or a table of options")
  at_caller(err)
  err = t.raises(function() local _ = spark.read:csv(AVAZU, { header = { true } }) end)
  has(err, "csv: option header must be a string, number or boolean, not a table")
  at_caller(err)
  err = t.raises(function() local _ = spark.read:csv(AVAZU, { true }) end)
  has(err, "a table of options takes names")
  err = t.raises(function() local _ = spark.read:csv(AVAZU, { format = "json" }) end)
  has(err, "csv has no parameter format")
  err = t.raises(function() local _ = spark.read:csv(AVAZU, "a int", { schema = "b int" }) end)
  has(err, "csv: schema given twice")
  err = t.raises(function() local _ = spark.read:csv(AVAZU, "a int", "b", { header = true }) end)
  has(err, "csv takes path, schema and then a table of options, not 4 arguments")
  err = t.raises(function() local _ = spark.read:load(AVAZU, 7) end)
  has(err, "load: argument 2 (format) must be a format name")
  err = t.raises(function() local _ = spark.readStream:json("in/", 1) end)
  has(err, "json: argument 2 (schema)")
  at_caller(err)
end)

-- ---- 2. distinct, dropDuplicates, toDF, explain, countDistinct ------------------------

local function people()
  return spark:createDataFrame({ { 1, "a", 1.0 }, { 2, "b", 0.0 }, { 1, "a", 1.0 }, { 1, "c", -0.0 },
    { 2, "b", 0.0 }, { 3, nil, 0 / 0 }, { 3, nil, 0 / 0 } }, "n int, s string, x double")
end

t.test("distinct and dropDuplicates keep the first row of each, in order", function()
  local df = people()
  t.same_table(rows_of(df:distinct(), "n", "s"), { "1|a", "2|b", "1|c", "3|nil" })
  t.same_table(rows_of(df:dropDuplicates(), "n", "s"), { "1|a", "2|b", "1|c", "3|nil" })
  t.same_table(rows_of(df:dropDuplicates({ "n" }), "n", "s"), { "1|a", "2|b", "3|nil" })
  t.same_table(rows_of(df:drop_duplicates("s"), "n", "s"), { "1|a", "2|b", "1|c", "3|nil" })
  -- -0.0 is 0.0 and NaN is NaN, as Spark compares them.
  t.same_table(rows_of(df:dropDuplicates("x"), "n"), { "1", "2", "3" })
  t.eq(df:filter("n > 5"):distinct():count(), 0)
  local err = t.raises(function() local _ = df:dropDuplicates({ "nope" }) end)
  has(err, 'dropDuplicates: cannot resolve column "nope" (columns: n, s, x)')
  at_caller(err)
  local vectors = spark:createDataFrame({ { 1, tide.ml.linalg.Vectors.dense({ 1, 2 }) } }, { "n", "v" })
  err = t.raises(function() local _ = vectors:distinct() end)
  has(err, "distinct: column v is vector, which cannot be compared for duplicates")
  at_caller(err)
  t.eq(vectors:dropDuplicates("n"):count(), 1)
end)

t.test("toDF renames every column", function()
  local df = people():toDF("id", "name", "score")
  t.same_table(df.columns, { "id", "name", "score" })
  t.same_table(rows_of(df:limit(1), "id", "name"), { "1|a" })
  t.same_table(people():toDF({ "a", "b", "c" }).columns, { "a", "b", "c" })
  local err = t.raises(function() local _ = people():toDF("a") end)
  has(err, "toDF: the number of columns doesn't match: old column names (3): n, s, x; new column names (1): a")
  at_caller(err)
  t.raises(function() local _ = people():toDF("a", 2, "c") end, "column name 2 must be a string")
end)

t.test("explain prints the plan, top first", function()
  local df = people():select((F.col("n") + 1):alias("m"), "s"):filter("m > 1")
    :dropDuplicates("m"):orderBy(F.desc("m")):limit(3)
  t.eq(output_of(function() df:explain() end), [[
== Physical Plan ==
Limit 3
+- Sort [m DESC NULLS LAST]
   +- Deduplicate [m]
      +- Filter (m > 1)
         +- Project [(n + 1) AS m, s]
            +- LocalRelation [n, s, x]

]])
  local extended = output_of(function() df:explain(true) end)
  has(extended, "== Logical Plan ==\nLimit 3")
  has(extended, "== Physical Plan ==\nLimit 3")
  local union = output_of(function() people():union(people()):distinct():sample(0.5, 7):explain() end)
  t.eq(union, [[
== Physical Plan ==
Sample 0.0, 0.5, false, 7
+- Distinct
   +- Union
      :- LocalRelation [n, s, x]
      +- LocalRelation [n, s, x]

]])
  has(output_of(function() spark.readStream:format("rate"):load():explain() end), "RateStreamV2")
  t.raises(function() people():explain("cost") end, 'mode "cost" is not supported')
end)

t.test("countDistinct counts distinct non-null values per group", function()
  local df = people()
  local by_n = df:groupBy("n"):agg(F.countDistinct("s"), F.count("*"), F.countDistinct("s", "x"):alias("sx"))
  t.same_table(by_n.columns, { "n", "count(DISTINCT s)", "count(1)", "sx" })
  t.eq(by_n.schema.fields[2].dataType, T.long)
  t.same_table(rows_of(by_n, "n", "count(DISTINCT s)", "count(1)", "sx"),
    { "1|2|3|2", "2|1|2|1", "3|0|2|0" })
  local all = df:agg(F.countDistinct("n"), F.count_distinct("s"), F.countDistinct("x"))
  t.same_table(rows_of(all, "count(DISTINCT n)", "count(DISTINCT s)", "count(DISTINCT x)"), { "3|3|3" })
  t.same_table(rows_of(df:filter("n > 5"):agg(F.countDistinct("n")), "count(DISTINCT n)"), { "0" })
  local err = t.raises(function() local _ = df:agg(F.countDistinct("nope")) end)
  has(err, 'countDistinct: cannot resolve column "nope"')
  at_caller(err)
  t.raises(function() F.countDistinct() end, "needs a column")
end)

-- ---- 3. show's keywords ------------------------------------------------------------

t.test("show takes PySpark's keywords as a table", function()
  local df = spark:createDataFrame({ { 1, "a" }, { 2, ("b"):rep(25) }, { 3, "c" } }, "n int, s string")
  local positional = output_of(function() df:show(2, false) end)
  t.eq(output_of(function() df:show{ n = 2, truncate = false } end), positional)
  has(positional, "|" .. ("b"):rep(25) .. "|")
  has(positional, "only showing top 2 rows")
  t.eq(output_of(function() df:show{ truncate = 4 } end), output_of(function() df:show(20, 4) end))
  t.eq(output_of(function() df:show{ n = 2, vertical = true } end), table.concat({
    "-RECORD 0-------------------",
    " n   | 1                    ",
    " s   | a                    ",
    "-RECORD 1-------------------",
    " n   | 2                    ",
    " s   | bbbbbbbbbbbbbbbbb... ",
    "only showing top 2 rows",
    "", "" }, "\n")) -- (and a blank line, as Spark's println)
  t.eq(output_of(function() df:filter("n > 5"):show(20, true, true) end), "(0 rows)\n\n")
  local err = t.raises(function() df:show{ rows = 2 } end)
  has(err, "show has no parameter rows (it takes n, truncate, vertical)")
  at_caller(err)
  t.raises(function() df:show("2") end, "n must be a whole number")
  t.raises(function() df:show{ truncate = "no" } end, "truncate must be a boolean or a number")
end)

-- ---- 4. types called as PySpark's constructors -------------------------------------

t.test("atomic types are callable and return themselves", function()
  t.ok(T.long() == T.long and rawequal(T.long(), T.long), "T.long() is T.long")
  for _, name in ipairs({ "boolean", "int", "integer", "long", "float", "double", "string", "binary",
                          "timestamp", "vector" }) do
    t.ok(rawequal(T[name](), T[name]), name)
  end
  t.eq(T.decimal(38, 0)(), T.decimal(38, 0))
  local schema = T.struct{ T.field("id", T.long()), T.field("s", T.string()) }
  t.eq(schema:simpleString(), "struct<id:bigint,s:string>")
  t.eq(spark:createDataFrame({ { 1, "a" } }, schema):first().id, 1)
  t.raises(function() T.long(5) end, "bigint%(%) takes no arguments")
end)

-- ---- 5. randomSplit and sample without a seed ----------------------------------------

-- Runs a script with the tide binary; its output.
local function run(text)
  local path = t.tempdir() .. "/split.lua"
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  local bin = os.getenv("TIDE_BIN") or "build/tide"
  local out, status = t.sh(("'%s' run '%s'"):format(bin, path))
  t.eq(status, 0, "the script's exit status: " .. out)
  return out
end

local SPLITS = [[
math.randomseed(1) -- a script's own seed does not decide tide's draws
local spark = require("tide").session()
local rows = {}
for i = 1, 1000 do rows[i] = { i } end
local df = spark:createDataFrame(rows, "n int")
local function ids(d)
  local out = {}
  for i, r in ipairs(d:collect()) do out[i] = r.n end
  return table.concat(out, ",")
end
print("default " .. ids(df:randomSplit({ 0.3, 0.7 })[1]))
print("again " .. ids(df:randomSplit({ 0.3, 0.7 })[1]))
print("sample " .. ids(df:sample(0.5)))
print("seeded " .. ids(df:randomSplit({ 0.3, 0.7 }, 42)[1]))
]]

t.test("randomSplit and sample without a seed draw a fresh one; a seed repeats", function()
  local one, two = run(SPLITS), run(SPLITS)
  local function line(out, key) return assert(out:match(key .. " ([^\n]*)"), key .. " in " .. out) end
  t.ok(line(one, "default") ~= line(two, "default"), "two runs split differently")
  t.ok(line(one, "default") ~= line(one, "again"), "two calls split differently")
  t.ok(line(one, "sample") ~= line(two, "sample"), "two runs sample differently")
  t.eq(line(one, "seeded"), line(two, "seeded"), "the same seed, the same split")
  -- The splits of one call still share their seed: disjoint and complete.
  local df = spark:createDataFrame({ { 1 }, { 2 }, { 3 }, { 4 }, { 5 }, { 6 }, { 7 }, { 8 } }, "n int")
  local a, b = unpack(df:randomSplit({ 0.5, 0.5 }))
  t.eq(a:count() + b:count(), 8)
  t.eq(a:union(b):distinct():count(), 8)
  t.raises(function() df:randomSplit({ 1, 1 }, 1.5) end, "seed must be a whole number")
  t.raises(function() df:sample(0.5, "x") end, "seed must be a whole number")
end)

t.run()
