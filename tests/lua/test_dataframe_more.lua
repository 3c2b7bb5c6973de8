-- PySpark's DataFrame methods past the core ones: unpivot/melt, na.replace
-- (df:replace), offset, toJSON, toLocalIterator, foreach and
-- foreachPartition, to(schema), colRegex, inputFiles, isLocal,
-- sameSemantics/semanticHash and the temp views (createTempView, the
-- global ones, registerTempTable), with Spark 3.5's results and errors.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local rows_of = t.rows
local has, at_caller = t.has, t.at_caller

-- PySpark's test_unpivot data (the double column given as a double).
local function wide()
  return spark:createDataFrame({ { 1, 10, 1.0, "one" }, { 2, 20, 2.0, "two" }, { 3, 30, 3.0, "three" } },
    "id bigint, int bigint, double double, str string")
end

-- ---- unpivot / melt ------------------------------------------------------------------------------

t.test("unpivot gives each row once per value column, in order, values widened to their common type", function()
  local df = wide()
  local long = df:unpivot("id", { "int", "double" }, "var", "val")
  t.eq(long.schema:simpleString(), "struct<id:bigint,var:string,val:double>")
  t.same_table(rows_of(long), { "1|int|10.0", "1|double|1.0", "2|int|20.0", "2|double|2.0", "3|int|30.0",
    "3|double|3.0" })
  -- one value column keeps its type; ids and values may be Columns
  local one = df:unpivot({ df.id }, "int", "var", "val")
  t.eq(one.schema:simpleString(), "struct<id:bigint,var:string,val:bigint>")
  t.same_table(rows_of(one), { "1|int|10", "2|int|20", "3|int|30" })
  t.same_table(rows_of(df:unpivot({ df.id, "str" }, { df.int, "double" }, "var", "val")),
    rows_of(df:unpivot({ "id", "str" }, { "int", "double" }, "var", "val")))
  -- no ids at all (Spark 3.4 allows it)
  t.same_table(rows_of(df:unpivot({}, { "int" }, "k", "v")), { "int|10", "int|20", "int|30" })
end)

t.test("unpivot without values takes every non-id column; melt is the same; keywords as a table", function()
  local df = wide()
  local all = df:unpivot({ "id", "str" }, nil, "var", "val")
  t.eq(all.schema:simpleString(), "struct<id:bigint,str:string,var:string,val:double>")
  t.same_table(rows_of(all), { "1|one|int|10.0", "1|one|double|1.0", "2|two|int|20.0", "2|two|double|2.0",
    "3|three|int|30.0", "3|three|double|3.0" })
  t.same_table(rows_of(df:melt("id", { "int", "double" }, "var", "val")),
    rows_of(df:unpivot("id", { "int", "double" }, "var", "val")))
  t.same_table(rows_of(df:unpivot { ids = { "id", "str" }, variableColumnName = "var", valueColumnName = "val" }),
    rows_of(all))
  -- PySpark's test_melt_groupby: the new columns may reuse input names
  local m = spark:createDataFrame({ { 1, 2, 3, 4, 5, 6 } }, "f1 int, f2 int, label int, pred int, model_version int,"
    .. " ts int"):melt("model_version", { "label", "f2" }, "f1", "f2")
  t.same_table(m.columns, { "model_version", "f1", "f2" })
  t.eq(m:groupBy("f1"):count():count(), 2)
end)

t.test("unpivot widens ints, decimals and dates as Spark does, and fails as Spark's without a common type", function()
  local df = spark:createDataFrame({ { 1, 2, "1.50", "2024-01-02", "2024-01-02 03:04:05" } },
    "i int, l bigint, d decimal(4,2), dt date, ts timestamp")
  t.eq(df:unpivot({}, { "i", "l" }, "k", "v").dtypes[2][2], "bigint")
  t.eq(df:unpivot({}, { "i", "d" }, "k", "v").dtypes[2][2], "decimal(12,2)")
  t.same_table(rows_of(df:unpivot({}, { "i", "d" }, "k", "v")), { "i|1.00", "d|1.50" })
  t.eq(df:unpivot({}, { "dt", "ts" }, "k", "v").dtypes[2][2], "timestamp")
  local err = t.raises(function() wide():unpivot("id", { "int", "str" }, "var", "val") end)
  has(err, '[UNPIVOT_VALUE_DATA_TYPE_MISMATCH] Unpivot value columns must share a least common type, some types do'
    .. ' not: ["BIGINT" (`int`), "STRING" (`str`)]')
  at_caller(err)
  err = t.raises(function() wide():unpivot("id", {}, "var", "val") end)
  has(err, "[UNPIVOT_REQUIRES_VALUE_COLUMNS] At least one value column needs to be specified for UNPIVOT, all"
    .. " columns specified as ids.")
  at_caller(err)
  t.raises(function() wide():unpivot({ "id", "int", "double", "str" }, nil, "var", "val") end,
    "UNPIVOT_REQUIRES_VALUE_COLUMNS")
  t.raises(function() wide():unpivot("id", { "nope" }, "var", "val") end, "nope")
  t.raises(function() wide():unpivot("id", { "int" }, "var") end, "unpivot: valueColumnName must be a string, not nil")
end)

t.test("unpivot works on a stream, batch by batch, each row's values together", function()
  local stream = spark.readStream:format("rate"):option("rowsPerSecond", 1000):load()
  local long = stream:select("value", (F.col("value") * 10):alias("a"), (F.col("value") * 100):alias("b"))
    :unpivot("value", { "a", "b" }, "k", "v")
  t.ok(long.isStreaming)
  local q = long.writeStream:format("memory"):queryName("unpivot_stream"):start()
  q:processAllAvailable()
  tide.sleep(0.1)
  q:stop()
  t.eq(q:exception(), nil)
  local rows = spark:table("unpivot_stream"):collect()
  t.ok(#rows >= 2 and #rows % 2 == 0, "rows in pairs")
  for i = 1, #rows, 2 do
    local a, b = rows[i], rows[i + 1]
    t.eq(a.value, b.value)
    t.eq(a.k .. b.k, "ab")
    t.eq(a.v, a.value * 10)
    t.eq(b.v, b.value * 100)
  end
end)

-- ---- na.replace / replace ------------------------------------------------------------------------

-- PySpark's DataFrame.replace docstring data.
local function people()
  return spark:createDataFrame({ { 10, 80, "Alice" }, { 5, nil, "Bob" }, { nil, 10, "Tom" }, { nil, nil, nil } },
    "age bigint, height bigint, name string")
end

t.test("na.replace and replace take PySpark's forms: scalar, list to list, list to scalar, map, nil", function()
  local df = people()
  t.same_table(rows_of(df.na:replace(10, 20)), { "20|80|Alice", "5|null|Bob", "null|20|Tom", "null|null|null" })
  t.same_table(rows_of(df.na:replace("Alice", nil)), { "10|80|null", "5|null|Bob", "null|10|Tom",
    "null|null|null" })
  t.same_table(rows_of(df.na:replace({ "Alice", "Bob" }, { "A", "B" }, "name")), { "10|80|A", "5|null|B",
    "null|10|Tom", "null|null|null" })
  t.same_table(rows_of(df:replace({ Alice = "A", Bob = "B" })),
    rows_of(df.na:replace({ "Alice", "Bob" }, { "A", "B" })))
  t.same_table(rows_of(df:replace({ 10, 80 }, 0)), { "0|0|Alice", "5|null|Bob", "null|0|Tom", "null|null|null" })
  t.same_table(rows_of(df:replace(10, 99, { "height" })), { "10|80|Alice", "5|null|Bob", "null|99|Tom",
    "null|null|null" })
  t.same_table(df:replace(10, 20).dtypes, df.dtypes)
end)

t.test("replace changes only the columns of the keys' kind; values are cast to each column's type", function()
  local df = spark:createDataFrame({ { 1, 1.5, true, "1" } }, "i int, d double, b boolean, s string")
  t.same_table(rows_of(df:replace(1, 2.7)), { "2|1.5|true|1" })
  t.same_table(rows_of(df:replace(1.5, 9)), { "1|9.0|true|1" })
  t.same_table(rows_of(df:replace(true, false)), { "1|1.5|false|1" })
  t.same_table(rows_of(df:replace("1", "one")), { "1|1.5|true|one" })
  t.same_table(rows_of(df:replace({ 1 }, nil)), { "null|1.5|true|1" })
end)

t.test("replace's errors are PySpark's, at the caller", function()
  local df = people()
  t.raises_at_caller({
    { function() df.na:replace({ 1, "a" }, 2) end, "na.replace: Mixed type replacements are not supported" },
    { function() df:replace("Alice", 3) end, "Mixed type replacements are not supported" },
    { function() df.na:replace(10) end, "value argument is required when to_replace is not a dictionary." },
    { function() df:replace({ 1, 2 }, { 3 }) end,
      "to_replace and value lists should be of the same length. Got 2 and 1" },
    { function() df:replace(F.col("age"), 1) end, "to_replace should be a boolean, number, string, list or map" },
    { function() df:replace(10, 20, "nope") end, 'na.replace: cannot resolve column "nope"' },
  })
end)

-- ---- offset, toJSON, toLocalIterator, foreach ----------------------------------------------------

t.test("offset skips the first rows; with limit it pages", function()
  t.same_table(rows_of(spark:range(10):offset(7)), { "7", "8", "9" })
  t.same_table(rows_of(spark:range(10):offset(20)), {})
  -- a DataFrame united with itself skips (and limits) on each side
  local d, l = spark:range(5):offset(2), spark:range(5):limit(2)
  t.same_table(rows_of(d:union(d)), { "2", "3", "4", "2", "3", "4" })
  t.same_table(rows_of(l:union(l)), { "0", "1", "0", "1" })
  t.eq(d:union(d):union(d:union(d)):count(), 12)
  t.same_table(rows_of(spark:range(10):offset(0)), rows_of(spark:range(10)))
  t.same_table(rows_of(spark:range(10):offset(3):limit(2)), { "3", "4" })
  t.same_table(rows_of(spark:range(10):limit(5):offset(3)), { "3", "4" })
  t.raises_at_caller({ { function() spark:range(3):offset(-1) end, "offset needs a whole number >= 0" } })
  local stream = spark.readStream:format("rate"):load()
  t.raises(function() stream:offset(1) end, "Offset is not supported on streaming DataFrames/Datasets")
end)

t.test("toJSON gives a value column of each row as to_json(struct(*)), nulls left out", function()
  local df = spark:createDataFrame({ { 1, "a", nil }, { 2, nil, 1.5 } }, "id int, s string, d double")
  local json = df:toJSON()
  t.same_table(json.columns, { "value" })
  t.same_table(json.dtypes, { { "value", "string" } })
  local values = {}
  for i, r in ipairs(json:collect()) do values[i] = r.value end
  t.same_table(values, { '{"id":1,"s":"a"}', '{"id":2,"d":1.5}' })
end)

t.test("toLocalIterator, foreach and foreachPartition go over every row in order", function()
  local tide_convert = require("tide.dataframe_convert")
  local saved = tide_convert.ITERATOR_SLICE_ROWS
  tide_convert.ITERATOR_SLICE_ROWS = 3 -- several slices
  local ids = {}
  for r in spark:range(8):toLocalIterator() do ids[#ids + 1] = r.id end
  t.same_table(ids, { 0, 1, 2, 3, 4, 5, 6, 7 })
  tide_convert.ITERATOR_SLICE_ROWS = saved
  local n = 0
  for _ in spark:range(0):toLocalIterator() do n = n + 1 end
  t.eq(n, 0)
  local sum = 0
  spark:range(100):foreach(function(r) sum = sum + r.id end)
  t.eq(sum, 4950)
  local calls, seen = 0, 0
  spark:range(5):foreachPartition(function(it)
    calls = calls + 1
    for _ in it do seen = seen + 1 end
  end)
  t.eq(calls, 1)
  t.eq(seen, 5)
  t.raises_at_caller({ { function() spark:range(1):foreach(1) end, "foreach needs a function, not a number" } })
end)

-- ---- to(schema) ----------------------------------------------------------------------------------

t.test("to(schema) reorders columns by name and casts them as Spark's Dataset.to", function()
  -- PySpark's docstring: struct<i:int,j:string> to "j string, i int"
  local df = spark:createDataFrame({ { "a", 1 } }, "i string, j int")
  local to = df:to("j int, i string")
  t.same_table(to.dtypes, { { "j", "int" }, { "i", "string" } })
  t.same_table(rows_of(to), { "1|a" })
  local widened = df:to(tide.types.fromDDL("J bigint"))
  t.same_table(widened.dtypes, { { "J", "bigint" } })
  t.same_table(rows_of(widened), { "1" })
  t.same_table(rows_of(df:to("i string, j string")), { "a|1" })
  local nested = spark:createDataFrame({ { { 1, "x" } } }, "s struct<a:int,b:string>")
  local reordered = nested:to("s struct<b:string,a:bigint>")
  t.eq(reordered.schema:simpleString(), "struct<s:struct<b:string,a:bigint>>")
  t.same_table(rows_of(reordered), { "{x, 1}" })
  -- a timestamp stored as a date, as Spark's store assignment allows
  t.same_table(rows_of(spark:sql("SELECT TIMESTAMP '2024-01-02 03:04:05' AS t"):to("t date")), { "2024-01-02" })
end)

t.test("to(schema) reconciles the elements of arrays and the keys and values of maps, structs by name", function()
  local df = spark:createDataFrame({ { { { 1, "x" }, { 2, "y" } }, { k = { 3, "z" } }, { { 4 } } },
    { nil, nil, nil } }, "arr array<struct<b:int,a:string>>, m map<string,struct<b:int,a:string>>,"
    .. " deep array<array<int>>")
  local to = df:to("deep array<array<bigint>>, arr array<struct<a:string,b:bigint>>,"
    .. " m map<string,struct<a:string,b:double>>")
  t.eq(to.schema:simpleString(), "struct<deep:array<array<bigint>>,arr:array<struct<a:string,b:bigint>>,"
    .. "m:map<string,struct<a:string,b:double>>>")
  t.same_table(rows_of(to), { "[[4]]|[{x, 1}, {y, 2}]|{k -> {z, 3.0}}", "null|null|null" })
  t.raises_at_caller({
    { function()
        local T = tide.types
        df:to(T.struct({ T.field("arr", T.array(T.fromDDL("a string, b bigint"), false)) }))
      end,
      "[NULLABLE_ARRAY_OR_MAP_ELEMENT] Array or map at `arr` contains nullable element while it's required to be"
      .. " non-nullable." },
    { function() df:to("arr array<struct<a:int,b:int>>") end, '[INVALID_COLUMN_OR_FIELD_DATA_TYPE] Column or'
      .. ' field `arr`.`a` is of type "STRING" while it\'s required to be "INT".' },
  })
end)

t.test("to(schema) fails as Spark's for a missing column, an unsafe cast or a nullable column", function()
  local df = spark:createDataFrame({ { "a", 1 } }, "i string, j int")
  t.raises_at_caller({
    { function() df:to("x int") end, "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name"
      .. " `x` cannot be resolved. Did you mean one of the following? [`i`, `j`]." },
    { function() df:to("i int") end,
      '[INVALID_COLUMN_OR_FIELD_DATA_TYPE] Column or field `i` is of type "STRING" while it\'s required to be "INT".' },
    { function() df:to("j int not null") end,
      "[NULLABLE_COLUMN_OR_FIELD] Column or field `j` is nullable while it's required to be non-nullable." },
    { function() spark:createDataFrame({ { { 1 } } }, "s struct<a:int>"):to("s struct<b:int>") end,
      "[UNRESOLVED_FIELD.WITH_SUGGESTION] Cannot resolve the field `b` with the struct-type column `s`." },
    { function() df:to(5) end, "to needs a schema (a StructType or a DDL string), not a number" },
  })
end)

-- ---- colRegex ------------------------------------------------------------------------------------

t.test("colRegex selects the columns whose whole names match a backquoted regex", function()
  -- PySpark's docstring
  local df = spark:createDataFrame({ { "a", 1 }, { "b", 2 }, { "c", 3 } }, { "Col1", "Col2" })
  local picked = df:select(df:colRegex("`(Col1)?+.+`"))
  t.same_table(picked.columns, { "Col2" })
  t.same_table(rows_of(picked), { "1", "2", "3" })
  t.same_table(df:select(df:colRegex("`col.`")).columns, { "Col1", "Col2" }, "case-insensitive, as Spark's")
  t.same_table(df:select(df:colRegex("`Col`")).columns, {}, "whole names only")
  t.same_table(df:select("Col2", df:colRegex("`.*1`")).columns, { "Col2", "Col1" })
  -- without backquotes, a column name
  t.same_table(df:select(df:colRegex("Col1")).columns, { "Col1" })
  t.raises_at_caller({ { function() df:colRegex("nope") end, 'colRegex: cannot resolve column "nope"' } })
end)

-- ---- the plan: inputFiles, isLocal, sameSemantics, semanticHash ----------------------------------

t.test("inputFiles lists the files the plan's file scans read, once each, sorted", function()
  local dir = t.tempdir()
  t.write(dir .. "/b.csv", "id,name\n2,b\n")
  t.write(dir .. "/a.csv", "id,name\n1,a\n")
  t.write(dir .. "/c.json", '{"id": 3}\n')
  local csv = spark.read:option("header", true):csv(dir .. "/*.csv")
  t.same_table(csv:inputFiles(), { "file:" .. dir .. "/a.csv", "file:" .. dir .. "/b.csv" })
  local json = spark.read:json(dir .. "/c.json")
  local both = csv:select("id"):union(json:select("id"))
  t.same_table(both:inputFiles(), { "file:" .. dir .. "/a.csv", "file:" .. dir .. "/b.csv",
    "file:" .. dir .. "/c.json" })
  t.same_table(spark:range(3):inputFiles(), {})
end)

t.test("isLocal is true for rows in memory themselves, as Spark's LocalRelation", function()
  local df = spark:createDataFrame({ { 1 } }, "a int")
  t.eq(df:isLocal(), true)
  t.eq(df:select("a"):isLocal(), false)
  t.eq(spark:range(3):isLocal(), false)
  t.eq(df:cache():isLocal(), true)
  df:unpersist()
end)

t.test("colRegex stands for columns in a select only: elsewhere an error at the user's line", function()
  local df = spark:createDataFrame({ { 1, 2 } }, "col1 int, col2 int")
  t.raises_at_caller({
    { function() df:groupBy():agg(df:colRegex("`col.*`")) end, "stands for the columns its regex matches" },
    { function() df:filter(df:colRegex("`col.*`")) end, "select them with df:select" },
  })
end)

t.test("sameSemantics and semanticHash compare plans, top-level aliases' names left out", function()
  -- PySpark's docstrings
  local df1, df2 = spark:range(10), spark:range(10)
  t.eq(df1:withColumn("col1", df1.id * 2):sameSemantics(df2:withColumn("col1", df2.id * 2)), true)
  t.eq(df1:withColumn("col1", df1.id * 2):sameSemantics(df2:withColumn("col1", df2.id + 2)), false)
  t.eq(df1:withColumn("col1", df1.id * 2):sameSemantics(df2:withColumn("col0", df2.id * 2)), true)
  t.eq(spark:range(10):selectExpr("id as col0"):semanticHash(),
    spark:range(10):selectExpr("id as col1"):semanticHash())
  t.ok(spark:range(10):semanticHash() ~= spark:range(11):semanticHash(), "other bounds")
  local a = spark:createDataFrame({ { 1, "x" } }, "n int, s string")
  local b = spark:createDataFrame({ { 1, "x" } }, "n int, s string")
  local c = spark:createDataFrame({ { 2, "x" } }, "n int, s string")
  t.eq(a:filter("n > 0"):sameSemantics(b:filter("n > 0")), true)
  t.eq(a:filter("n > 0"):sameSemantics(c:filter("n > 0")), false, "other rows")
  t.eq(a:filter("n > 0"):sameSemantics(a:filter("n > 1")), false)
  t.eq(a:sameSemantics(a:limit(1)), false)
  t.eq(spark:createDataFrame({ { "null" } }, "s string"):sameSemantics(spark:createDataFrame({ { nil } }, "s string")),
    false, "a null is no text \"null\"")
  local h = a:semanticHash()
  t.eq(type(h), "number")
  t.ok(h == math.floor(h) and h >= -2 ^ 31 and h < 2 ^ 31, "a Java int")
  t.raises_at_caller({ { function() a:sameSemantics("x") end, "sameSemantics needs a DataFrame, not a string" } })
end)

-- ---- temp views --------------------------------------------------------------------------------

t.test("createTempView refuses a name in use; registerTempTable replaces as createOrReplaceTempView", function()
  local df = spark:createDataFrame({ { 1 }, { 2 } }, "a int")
  df:createTempView("more_people")
  t.eq(spark:table("more_people"):count(), 2)
  t.eq(spark:table("MORE_PEOPLE"):count(), 2, "names are case-insensitive")
  local err = t.raises(function() df:createTempView("More_People") end)
  has(err, "[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view `More_People` because it already"
    .. " exists.")
  at_caller(err)
  df:filter("a > 1"):registerTempTable("more_people")
  t.eq(spark:table("more_people"):count(), 1)
  t.raises_at_caller({ { function() df:createTempView("db.v") end,
    "[TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS] CREATE TEMPORARY VIEW or the corresponding Dataset APIs only accept"
      .. " single-part view names, but got: `db`.`v`." } })
  spark.catalog:dropTempView("more_people")
end)

t.test("global temp views live in global_temp, for spark:table and spark:sql", function()
  local df = spark:createDataFrame({ { 1, "a" }, { 2, "b" } }, "id int, name string")
  df:createGlobalTempView("gpeople")
  t.same_table(rows_of(spark:table("global_temp.gpeople")), { "1|a", "2|b" })
  t.same_table(rows_of(spark:sql("SELECT name FROM global_temp.gpeople WHERE id = 2")), { "b" })
  t.same_table(rows_of(spark:sql("SELECT gpeople.name FROM global_temp.gpeople ORDER BY id DESC")), { "b", "a" })
  t.raises(function() spark:table("gpeople") end, "table or view not found: gpeople")
  local err = t.raises(function() df:createGlobalTempView("gpeople") end)
  has(err, "Cannot create the temporary view `gpeople` because it already exists.")
  at_caller(err)
  df:filter("id = 1"):createOrReplaceGlobalTempView("gpeople")
  t.eq(spark:table("global_temp.gpeople"):count(), 1)
  t.eq(spark.catalog:dropGlobalTempView("gpeople"), true)
  t.raises(function() spark:table("global_temp.gpeople") end, "table or view not found")
end)

t.run()
