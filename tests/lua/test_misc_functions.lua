-- Spark's JSON functions that read text without a schema (get_json_object,
-- json_tuple, json_array_length, json_object_keys, schema_of_json), the
-- conditionals and miscellaneous functions (if, typeof, named_struct,
-- equal_null, TRY_CAST, monotonically_increasing_id, spark_partition_id,
-- uuid, the session's constants): values, types, names and errors as
-- Spark 3.5 gives them, its documented examples among them.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function one(...) return spark:range(1):selectExpr(...) end

-- JsonExpressionsSuite's document
local STORE = '{"store":{"fruit":[{"weight":8,"type":"apple"},{"weight":9,"type":"pear"}],'
  .. '"basket":[[1,2,{"b":"y","a":"x"}],[3,4],[5,6]],"book":[{"author":"Nigel Rees",'
  .. '"title":"Sayings of the Century","category":"reference","price":8.95},'
  .. '{"author":"Herman Melville","title":"Moby Dick","category":"fiction","price":8.99,'
  .. '"isbn":"0-553-21311-3"},{"author":"J. R. R. Tolkien","title":"The Lord of the Rings",'
  .. '"category":"fiction","reader":[{"age":25,"name":"bob"},{"age":26,"name":"jack"}],'
  .. '"price":22.99,"isbn":"0-395-19395-8"}],"bicycle":{"price":19.95,"color":"red"}},'
  .. '"email":"amy@only_for_json_udf_test.net","owner":"amy","zip code":"94025","fb:testid":"1234"}'

-- get_json_object(json, path) of each path, over one row
local function paths(json, list)
  local df = spark:createDataFrame({ { json } }, "j string")
  local cols = {}
  for i, p in ipairs(list) do cols[i] = F.get_json_object("j", p):alias("p" .. i) end
  local row = df:select(cols):collect()[1]
  local out = {}
  for i = 1, #list do out[i] = row["p" .. i] == nil and "NULL" or row["p" .. i] end
  return out
end

t.test("get_json_object: Spark's JsonPath over its test document", function()
  local book0 = '{"author":"Nigel Rees","title":"Sayings of the Century","category":"reference","price":8.95}'
  local basket0 = '[1,2,{"b":"y","a":"x"}]'
  t.same_table(paths(STORE, { "$.owner", "$.store.bicycle", "$['store'].bicycle", "$.store['bicycle']",
    "$['store']['bicycle']", "$.store.book[0]", "$.store.book[0].category", "$.store.book[*].category",
    "$.store.book[*].isbn", "$.store.book[*].reader", "$.store.book[*].reader[0].age",
    "$.store.book[*].reader[*].age", "$.store.basket[0][1]", "$.store.basket[*]", "$.store.basket[*][0]",
    "$.store.basket[0][*]", "$.store.basket[*][*]", "$.store.basket[0][2].b", "$.store.basket[0][*].b",
    "$.zip code", "$.fb:testid" }), {
    "amy", '{"price":19.95,"color":"red"}', '{"price":19.95,"color":"red"}', '{"price":19.95,"color":"red"}',
    '{"price":19.95,"color":"red"}', book0, "reference", '["reference","fiction","fiction"]',
    '["0-553-21311-3","0-395-19395-8"]', '[{"age":25,"name":"bob"},{"age":26,"name":"jack"}]', "25", "[25,26]", "2",
    "[" .. basket0 .. ",[3,4],[5,6]]", "[1,3,5]", basket0, '[1,2,{"b":"y","a":"x"},3,4,5,6]', "y", '["y"]',
    "94025", "1234" })
  -- nothing selected: NULL
  t.same_table(paths(STORE, { "$.non_exist_key", "$..no_recursive", "$.store.book[10]",
    "$.store.book[0].non_exist_key", "$.store.basket[*].non_exist_key", "$.store.basket[0][*].non_exist_key",
    "$.store.basket[*][*].non_exist_key" }), { "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL" })
  -- the whole document, written back compact
  t.same_table(paths(STORE, { "$" }), { STORE })
  t.same_table(paths('{ "key with spaces": "it works" }', { "$['key with spaces']", "$" }),
    { "it works", '{"key with spaces":"it works"}' })
end)

t.test("get_json_object: root arrays, paths Spark refuses, Hive's odd answers", function()
  -- SPARK-42782's cases
  t.same_table(paths("[1,2,3]", { "$[0]", "$[1]", "$[3]", "$.[0]", "$.[1]", "$.[*]", "$[*]", "$", "[0]", "$0", "0",
    "$." }), { "1", "2", "NULL", "NULL", "NULL", "NULL", "[1,2,3]", "[1,2,3]", "NULL", "NULL", "NULL", "NULL" })
  t.same_table(paths('[{"k1":"v1"},{"k2":"v2"},{"k3":"v3"}]', { "$[2]", "$[2].k3" }), { '{"k3":"v3"}', "v3" })
  t.same_table(paths('[{"k1":[{"k11":[1,2,3]}]}]', { "$[0].k1[0].k11[1]", "$[0].k1[0].k11", "$[0].k1[0]",
    "$[0].k1", "$[0]" }), { "2", "[1,2,3]", '{"k11":[1,2,3]}', '[{"k11":[1,2,3]}]', '{"k1":[{"k11":[1,2,3]}]}' })
  t.same_table(paths("[[1,2,3],[4,5,6],[7,8,9]]", { "$[1]", "$[1][0]" }), { "[4,5,6]", "4" })
  t.same_table(paths('["a","b"]', { "$[1]" }), { "b" })
  t.same_table(paths('[["a","b"]]', { "$[0][1]" }), { "b" })
  -- .* and ['*'] match no object, as Spark's evaluatePath has no case for them
  t.same_table(paths('{"a":{"b":1}}', { "$.*", "$.a.*", "$['*']", "$.a['b']", "$. a", "$ ['a']" }),
    { "NULL", "NULL", "NULL", "1", '{"b":1}', '{"b":1}' })
  -- a [*] of one match loses its brackets; an inner [*] that matched
  -- nothing still wrote its brackets (Hive's)
  t.same_table(paths('[{"a":[{"c":1}]},{"a":[{"b":2}]}]', { "$[*].a[*].b", "$[1].a[*].b", "$[*].a" }),
    { "[],[2]", "2", '[[{"c":1}],[{"b":2}]]' })
end)

t.test("get_json_object: values written as Spark writes them, nulls, malformed text, quotes", function()
  t.same_table(paths('{"a":1.50,"b":1e2,"c":-0,"d":12345678901234567890,"e":true,"f":"x\\"y\\u00e9\\n",'
    .. '"g":[1.0,"s",null],"h":null,"i":"","j":{}}',
    { "$.a", "$.b", "$.c", "$.d", "$.e", "$.f", "$.g", "$.g[2]", "$.h", "$.i", "$.j", "$.g[*]" }),
    { "1.5", "100.0", "0", "12345678901234567890", "true", 'x"yé\n', '[1.0,"s",null]', "null", "NULL", "", "{}",
      '[1.0,"s",null]' })
  -- Spark's JsonFunctionsSuite: single quotes, and raw control characters
  t.same_table(paths([[{'name': 'fang', 'age': 5, 'q': "it's", 'e': 'say \'hi\' "x"'}]], { "$.name", "$.age", "$" }),
    { "fang", "5", [[{"name":"fang","age":5,"q":"it's","e":"say 'hi' \"x\""}]] })
  t.same_table(paths('{"a":"b\nc\1"}', { "$.a", "$" }), { "b\nc\1", '{"a":"b\\nc\\u0001"}' })
  -- text that is not JSON is NULL, where Spark's parser reads it; what
  -- follows the first value is not read
  t.same_table(paths('{"a":1,"b":[1,}', { "$.a" }), { "NULL" })
  t.same_table(paths('{"a":1} trailing', { "$.a" }), { "1" })
  t.same_table(paths("", { "$" }), { "NULL" })
  t.same_table(paths("[invalid JSON string]", { "$" }), { "NULL" })
  t.same_table(paths("\0\0\0A\1AAA", { "$.a" }), { "NULL" })
  -- a member that repeats: the first that selects something
  t.same_table(paths('{"a":{"x":1},"a":{"b":2}}', { "$.a.b" }), { "2" })
end)

t.test("get_json_object over columns: nulls, a path per row, names and types", function()
  local df = spark:createDataFrame({ { 1, '{"a":{"b":"x"},"c":[1,2]}', "$.a.b" }, { 2, nil, "$.c" },
    { 3, '{"c":[3,4]}', "$.c[1]" }, { 4, '{"c":[3,4]}', nil }, { 5, '{"c":[3,4]}', "c" } },
    "id int, j string, p string")
  local out = df:select("id", F.get_json_object("j", "$.c"), F.get_json_object("j", F.col("p")))
  t.same_table(out.columns, { "id", "get_json_object(j, $.c)", "get_json_object(j, p)" })
  t.same_table(out.dtypes, { { "id", "int" }, { "get_json_object(j, $.c)", "string" },
    { "get_json_object(j, p)", "string" } })
  t.same_table(t.rows(out), { "1|[1,2]|x", "2|null|null", "3|[3,4]|4", "4|[3,4]|null", "5|[3,4]|null" })
  t.same_table(t.rows(one([[get_json_object('{"a":"b"}', '$.a')]], "get_json_object(NULL, '$')",
    "get_json_object('{}', NULL)")), { "b|null|null" })
  t.same_table(one([[get_json_object('{"a":"b"}', '$.a')]]).columns, { 'get_json_object({"a":"b"}, $.a)' })
  -- a large batch is read by several threads into one answer
  local rows = {}
  for i = 1, 5000 do rows[i] = { ('{"k":%d,"s":"v%d","n":[%d]}'):format(i, i, i) } end
  local big = spark:createDataFrame(rows, "j string"):select(F.get_json_object("j", "$.s"):alias("s"))
  local runs = t.collect_with_workers(spark, big)
  for _, threads in ipairs({ 0, 3 }) do
    t.eq(#runs[threads], 5000)
    for i, r in ipairs(runs[threads]) do
      if r.s ~= "v" .. i then error(("row %d: %s"):format(i, tostring(r.s))) end
    end
  end
  t.raises_at_caller({
    { function() local _ = df:select(F.get_json_object("id", "$")) end,
      "get_json_object needs a string as its first argument, not int" },
  })
end)

t.test("json_tuple: Spark's examples, columns c0, c1, ..., aliases, LATERAL VIEW", function()
  local tuples = spark:createDataFrame({
    { "1", '{"f1": "value1", "f2": "value2", "f3": 3, "f5": 5.23}' },
    { "2", '{"f1": "value12", "f3": "value3", "f2": 2, "f4": 4.01}' },
    { "3", '{"f1": "value13", "f4": "value44", "f3": "value33", "f2": 2, "f5": 5.01}' },
    { "4", nil }, { "5", '{"f1": "", "f5": null}' }, { "6", "[invalid JSON string]" } }, "key string, jstring string")
  local expected = { "1|value1|value2|3|null|5.23", "2|value12|2|value3|4.01|null", "3|value13|2|value33|value44|5.01",
    "4|null|null|null|null|null", "5||null|null|null|null", "6|null|null|null|null|null" }
  local out = tuples:select("key", F.json_tuple("jstring", "f1", "f2", "f3", "f4", "f5"))
  t.same_table(out.columns, { "key", "c0", "c1", "c2", "c3", "c4" })
  t.same_table(out.dtypes, { { "key", "string" }, { "c0", "string" }, { "c1", "string" }, { "c2", "string" },
    { "c3", "string" }, { "c4", "string" } })
  t.same_table(t.rows(out), expected)
  t.same_table(t.rows(tuples:selectExpr("key", "json_tuple(jstring, 'f1', 'f2', 'f3', 'f4', 'f5')")), expected)
  -- json_tuple filter and group
  t.same_table(t.rows(tuples:select(F.json_tuple("jstring", "f1", "f2")):where(F.col("c0"):isNotNull())
    :groupBy("c1"):count():orderBy("c1")), { "null|1", "2|2", "value2|1" })
  -- SPARK-21804: a name asked for twice is given twice; a NULL name gives NULL
  t.same_table(t.rows(one([[json_tuple('{"f1": 1, "f2": 2}', 'f1', CAST(NULL AS STRING), 'f1')]])), { "1|null|1" })
  -- the last member of a name gives it, a null one gives nothing
  t.same_table(t.rows(one([[json_tuple('{"a": 1, "a": {"x": [1, 2.50]}, "b": 2, "b": null}', 'a', 'b')]])),
    { '{"x":[1,2.5]}|2' })
  t.same_table(t.rows(one([[json_tuple('{"a":"b"}', 'a', 'c') AS (x, y)]])), { "b|null" })
  t.same_table(one([[json_tuple('{"a":"b"}', 'a', 'c') AS (x, y)]]).columns, { "x", "y" })
  t.same_table(tuples:select(F.json_tuple("jstring", "f1"):alias("v")).columns, { "v" })
  tuples:createOrReplaceTempView("tuples")
  t.same_table(t.rows(spark:sql("SELECT key, v.a, b FROM tuples LATERAL VIEW json_tuple(jstring, 'f1', 'f3') v"
    .. " AS a, b WHERE key < '3'")), { "1|value1|3", "2|value12|value3" })
  t.same_table(t.rows(spark:sql("SELECT key, a FROM tuples LATERAL VIEW OUTER json_tuple(jstring, 'f2') v AS a"
    .. " WHERE key > '4'")), { "5|null", "6|null" })
  t.raises_at_caller({
    { function() local _ = tuples:select(F.json_tuple("jstring")) end, "json_tuple requires at least 2 arguments" },
    { function() local _ = tuples:select(F.json_tuple("jstring", "a", "b"):alias("x")) end,
      "expected 2 aliases but got x" },
    { function() local _ = tuples:select(F.json_tuple("key", F.lit(1))) end,
      "json_tuple requires that all arguments are strings, not int" },
    { function() local _ = tuples:select(F.json_tuple("jstring", F.col("key"))) end,
      "the field name of json_tuple must be a literal string" },
    { function() local _ = tuples:selectExpr("upper(json_tuple(jstring, 'a'))") end,
      "nested in expressions" },
  })
end)

t.test("json_array_length and json_object_keys: Spark's examples, NULL for other text", function()
  local df = spark:createDataFrame({ { "[1,2,3,4]" }, { '[1,2,3,{"f1":1,"f2":[5,6]},4]' }, { "[1,2" }, { "[]" },
    { "{}" }, { '{"key": "value"}' }, { '{"f1":"abc","f2":{"f3":"a", "f4":"b"}}' }, { '{"a":1,"a":[}' }, { "" },
    { nil }, { "5" }, { '{"a":1,"a":2} [' } }, "j string")
  local out = df:select(F.json_array_length("j"), F.json_object_keys("j"))
  t.same_table(out.dtypes, { { "json_array_length(j)", "int" }, { "json_object_keys(j)", "array<string>" } })
  t.same_table(t.rows(out), { "4|null", "5|null", "null|null", "0|null", "null|[]", "null|[key]", "null|[f1, f2]",
    "null|null", "null|null", "null|null", "null|null", "null|[a, a]" })
  t.same_table(t.rows(one("json_array_length('[1,2,3,4]')", "json_object_keys('{\"key\": \"value\"}')",
    "json_array_length(NULL)")), { "4|[key]|null" })
end)

t.test("schema_of_json: Spark's inferred DDL", function()
  local out = one([[schema_of_json('[{"col":0}]')]], [[schema_of_json('{"a":1}')]])
  t.same_table(out.columns, { 'schema_of_json([{"col":0}])', 'schema_of_json({"a":1})' })
  t.same_table(t.rows(out), { "ARRAY<STRUCT<col: BIGINT>>|STRUCT<a: BIGINT>" })
  local function schema(text) return spark:range(1):select(F.schema_of_json(text):alias("s")):collect()[1].s end
  -- members sorted by name; null and empty strings are strings; empty structs go
  t.eq(schema('{"b":[1,2.5],"a":"x","c":null,"d":true,"e":{},"f":"","g":[]}'),
    "STRUCT<a: STRING, b: ARRAY<DOUBLE>, c: STRING, d: BOOLEAN, f: STRING, g: ARRAY<STRING>>")
  t.eq(schema('{"big":12345678901234567890,"huge":123456789012345678901234567890123456789,"n":-9223372036854775808}'),
    "STRUCT<big: DECIMAL(20,0), huge: DOUBLE, n: BIGINT>")
  -- elements of several kinds meet as JsonInferSchema.compatibleType has them
  t.eq(schema('[{"a":1},{"a":2.5,"b":"x"},{"b":null,"c":[1]}]'),
    "ARRAY<STRUCT<a: DOUBLE, b: STRING, c: ARRAY<BIGINT>>>")
  t.eq(schema('{"a":[1,"x"],"b":[1,12345678901234567890],"c":[[1],[true]],"d":[{"x":1},[1]]}'),
    "STRUCT<a: ARRAY<STRING>, b: ARRAY<DECIMAL(20,0)>, c: ARRAY<ARRAY<STRING>>, d: ARRAY<STRING>>")
  t.eq(schema('{"a b":1,"1":2,"c`d":3,"_x1":{"y":{}}}'), "STRUCT<`1`: BIGINT, `a b`: BIGINT, `c``d`: BIGINT>")
  t.eq(schema("{}"), "STRUCT<>")
  t.eq(schema("[{}]"), "ARRAY<STRUCT<>>")
  t.eq(schema("[]"), "ARRAY<STRING>")
  t.eq(schema("1"), "BIGINT")
  t.eq(schema("{'a': 'x'}"), "STRUCT<a: STRING>")
  t.raises_at_caller({
    { function() local _ = spark:range(1):selectExpr("schema_of_json(CAST(id AS STRING))") end,
      "the input json should be a foldable string expression" },
    { function() local _ = one([[schema_of_json('{"a":')]]) end, "schema_of_json" },
  })
end)

t.test("schema_of_json's options prefersDecimal and primitivesAsString, as Spark 3.5.3's", function()
  local function schema(text, opts)
    return spark:range(1):select(F.schema_of_json(text, opts):alias("s")):collect()[1].s
  end
  local dec = { prefersDecimal = "true" }
  -- (Java's BigDecimal of the text: 1.50 is 150 at scale 2; past 38 digits a double)
  t.eq(schema('{"a":1.50,"b":0.001,"c":-1.5,"d":1.5e1,"e":12e-1,"f":0.0,"g":1}', dec),
    "STRUCT<a: DECIMAL(3,2), b: DECIMAL(3,3), c: DECIMAL(2,1), d: DECIMAL(2,0), e: DECIMAL(2,1), f: DECIMAL(1,1),"
      .. " g: BIGINT>")
  t.eq(schema('[{"a":1.5},{"a":100.125},{"b":[1, 2.5]}]', dec),
    "ARRAY<STRUCT<a: DECIMAL(6,3), b: ARRAY<DECIMAL(21,1)>>>")
  t.eq(schema('{"a":1.0E-40,"b":123456789012345678901234567890.123456789}', dec), "STRUCT<a: DOUBLE, b: DOUBLE>")
  t.eq(schema('{"a":1.5,"b":true,"c":[1],"d":"x","e":null}', { primitivesAsString = "true", prefersDecimal = "true" }),
    "STRUCT<a: STRING, b: STRING, c: ARRAY<STRING>, d: STRING, e: STRING>")
  local out = one([[schema_of_json('{"a":1.5}', map('prefersDecimal', 'true', 'unknownOption', 'x'))]])
  t.same_table(out.columns, { 'schema_of_json({"a":1.5})' })
  t.same_table(t.rows(out), { "STRUCT<a: DECIMAL(2,1)>" })
  t.raises(function() schema('{"a":1e2}', dec) end, "1e2 as a decimal %(prefersDecimal%) has a negative scale")
  -- Spark's parser options tide does not apply fail unless at Spark's
  -- default; those of reading alone fail at any value.
  t.raises(function() schema('{"a":1}', { allowNumericLeadingZeros = "true" }) end,
    "option allowNumericLeadingZeros=true is Spark's, but tide does not apply it %(only its default, \"false\"%)")
  t.eq(schema('{"a":1}', { allowComments = "false", locale = "en-US" }), "STRUCT<a: BIGINT>")
  local drop = { dropFieldIfAllNull = "true" }
  t.eq(schema('{"a":null,"b":1}', drop), "STRUCT<b: BIGINT>")
  t.eq(schema('{"a":null}', drop), "STRUCT<>")
  t.eq(schema('{"a":null}'), "STRUCT<a: STRING>")
  t.raises(function() schema('{"a":1}', { mode = "FAILFAST" }) end, "option mode is not supported by tide")
end)

t.test("if, equal_null, typeof, named_struct: Spark's examples, types and names", function()
  local df = spark:createDataFrame({ { 1, 2.5, "x" }, { 5, nil, nil }, { nil, 1.0, "z" } }, "a int, d double, s string")
  local out = df:selectExpr("if(a > 1, 'big', 'small')", "if(a > 1, a, d)", "if(NULL, 1, 2)",
    "equal_null(a, 1)", "equal_null(s, NULL)")
  t.same_table(out.columns, { "(IF((a > 1), big, small))", "(IF((a > 1), a, d))", "(IF(NULL, 1, 2))",
    "equal_null(a, 1)", "equal_null(s, NULL)" })
  t.same_table(out.dtypes[2], { "(IF((a > 1), a, d))", "double" })
  t.same_table(t.rows(out), { "small|2.5|2|true|false", "big|5.0|2|false|true", "small|1.0|2|false|false" })
  t.same_table(t.rows(one("if(1 < 2, 'a', 'b')", "equal_null(3, 3)", "equal_null(1, '11')", "equal_null(true, NULL)",
    "equal_null(NULL, 'abc')", "equal_null(NULL, NULL)")), { "a|true|false|false|false|true" })
  t.same_table(t.rows(df:select(F.equal_null("a", F.lit(5)))), { "false", "true", "false" })
  -- typeof: Spark's catalogString
  local types = one("typeof(1)", "typeof(array(1))", "typeof(NULL)", "typeof(id)", "typeof(CAST(1.5 AS DECIMAL(4,2)))",
    "typeof(named_struct('a', 1, 'b', array('x')))", "typeof(map('k', 1.0D))", "typeof(DATE '2024-01-01')")
  t.same_table(types.columns[1], "typeof(1)")
  t.same_table(t.rows(types), { "int|array<int>|void|bigint|decimal(4,2)|struct<a:int,b:array<string>>|"
    .. "map<string,double>|date" })
  t.same_table(t.rows(df:select(F.typeof("a"), F.typeof("s"))), { "int|string", "int|string", "int|string" })
  -- named_struct
  local ns = df:selectExpr("named_struct('n', a, 's', s, 'z', NULL)")
  t.same_table(ns.columns, { "named_struct(n, a, s, s, z, NULL)" })
  t.eq(ns.schema.fields[1].dataType:simpleString(), "struct<n:int,s:string,z:void>")
  t.same_table(t.rows(ns), { "{1, x, null}", "{5, null, null}", "{null, z, null}" })
  t.same_table(t.rows(df:select(F.named_struct(F.lit("x"), "a"):alias("v"))), { "{1}", "{5}", "{null}" })
  t.raises_at_caller({
    { function() local _ = df:selectExpr("if(s, 1, 2)") end, "the first argument of if must be a boolean, not string" },
    { function() local _ = df:selectExpr("if(a > 1, 1)") end, "if takes 3 arguments, not 2" },
    { function() local _ = df:selectExpr("if(a > 1, 1, array(1))") end, "(IF((a > 1), 1, array(1)))" },
    { function() local _ = df:selectExpr("named_struct('a', 1, 'b')") end, "requires 2n (n > 0) arguments, not 3" },
    { function() local _ = df:selectExpr("named_struct(s, 1)") end, "Only foldable STRING expressions" },
    { function() local _ = df:selectExpr("named_struct(NULL, 1)") end, "must not be null" },
    { function() local _ = df:selectExpr("equal_null(a)") end, "equal_null takes 2 arguments" },
  })
end)

t.test("TRY_CAST is Spark's ANSI cast with NULL for its failures, named TRY_CAST", function()
  local df = spark:createDataFrame({ { "12" }, { "x" }, { nil } }, "s string")
  local out = df:selectExpr("TRY_CAST(s AS INT)", "try_cast(s || '5' AS BIGINT)", "TRY_CAST('2024-02-30' AS DATE)")
  -- a column's CAST keeps the column's name, as Spark's
  t.same_table(out.columns, { "s", "TRY_CAST(concat(s, 5) AS BIGINT)", "TRY_CAST(2024-02-30 AS DATE)" })
  t.same_table(out.dtypes, { { "s", "int" }, { "TRY_CAST(concat(s, 5) AS BIGINT)", "bigint" },
    { "TRY_CAST(2024-02-30 AS DATE)", "date" } })
  t.same_table(t.rows(out), { "12|125|null", "null|null|null", "null|null|null" })
  t.eq(tostring(F.expr("try_cast(s AS double)")), "Column<'TRY_CAST(s AS DOUBLE)'>")
  -- NULL where ANSI's cast fails and the non-ANSI one wraps, saturates or
  -- drops a fraction
  local strict = spark:range(1):selectExpr("TRY_CAST(2147483648L AS INT)", "TRY_CAST(1e10 AS INT)",
    "TRY_CAST(CAST(1e20 AS double) AS bigint)", "TRY_CAST('1.5' AS INT)", "TRY_CAST(' 42 ' AS INT)",
    "TRY_CAST(CAST(12.7 AS double) AS int)", "TRY_CAST(99999999999.5BD AS int)", "CAST('1.5' AS INT)",
    "TRY_CAST(CAST('NaN' AS double) AS bigint)")
  t.same_table(t.rows(strict), { "null|null|null|null|42|12|null|1|null" })
  t.raises_at_caller({
    { function() local _ = df:selectExpr("TRY_CAST(array(1) AS INT)") end, "cannot cast array<int> to int" },
  })
end)

t.test("monotonically_increasing_id and spark_partition_id: a batch query is partition 0", function()
  local df = spark:range(5):select(F.monotonically_increasing_id():alias("mid"), F.spark_partition_id(),
    F.monotonically_increasing_id())
  t.same_table(df.columns, { "mid", "SPARK_PARTITION_ID()", "monotonically_increasing_id()" })
  t.same_table(df.dtypes, { { "mid", "bigint" }, { "SPARK_PARTITION_ID()", "int" },
    { "monotonically_increasing_id()", "bigint" } })
  t.same_table(t.rows(df), { "0|0|0", "1|0|1", "2|0|2", "3|0|3", "4|0|4" })
  t.same_table(one("monotonically_increasing_id()", "spark_partition_id()").columns,
    { "monotonically_increasing_id()", "SPARK_PARTITION_ID()" })
  -- slices of a batch go on numbering
  spark.conf:set("spark.tide.sliceRows", 3)
  local sliced = spark:range(10):select("id", F.monotonically_increasing_id():alias("m")):collect()
  spark.conf:unset("spark.tide.sliceRows")
  for i, r in ipairs(sliced) do t.eq(r.m, i - 1, "id of row " .. i) end
  -- a union's sides number their rows apart, as Spark's sides have
  -- partitions of their own; the columns of one select agree
  local twice = spark:range(3):select(F.monotonically_increasing_id():alias("x"), F.monotonically_increasing_id():alias("y"))
  local ids = {}
  for _, r in ipairs(twice:union(spark:range(2):select(F.monotonically_increasing_id(), F.lit(0))):union(twice):collect()) do
    t.ok(not ids[r.x], "unique: " .. tostring(r.x))
    ids[r.x] = true
  end
  for _, r in ipairs(twice:collect()) do t.eq(r.x, r.y) end
end)

t.test("monotonically_increasing_id over a stream: micro-batch n is partition n", function()
  local seen = {}
  local q = spark.readStream:format("rate"):option("rowsPerSecond", 1000):load()
    :select("value", F.monotonically_increasing_id():alias("m"), F.spark_partition_id():alias("p"))
    .writeStream:foreachBatch(function(df, epoch)
      for _, r in ipairs(df:collect()) do seen[#seen + 1] = { epoch = epoch, value = r.value, m = r.m, p = r.p } end
    end)
    :option("checkpointLocation", t.tempdir() .. "/ids"):trigger { processingTime = "30 milliseconds" }:start()
  t.wait_for(function()
    local epochs = {}
    for _, s in ipairs(seen) do epochs[s.epoch] = true end
    local n = 0
    for _ in pairs(epochs) do n = n + 1 end
    return n >= 3
  end)
  q:stop()
  table.sort(seen, function(a, b) return a.value < b.value end)
  local per_epoch = {}
  for i, s in ipairs(seen) do
    t.eq(s.p, s.epoch, "the partition is the batch id")
    local k = per_epoch[s.epoch] or 0
    per_epoch[s.epoch] = k + 1
    t.eq(s.m, s.epoch * 2 ^ 33 + k, "row " .. k .. " of batch " .. s.epoch)
    if i > 1 then t.ok(s.m > seen[i - 1].m, "increasing over the query's output") end
  end
end)

t.test("uuid: random version 4 UUIDs, one a row", function()
  local rows = spark:range(200):selectExpr("uuid()", "uuid() AS u2"):collect()
  t.same_table(one("uuid()").columns, { "uuid()" })
  local distinct = {}
  for _, r in ipairs(rows) do
    local u = r["uuid()"]
    t.ok(u:match("^%x%x%x%x%x%x%x%x%-%x%x%x%x%-4%x%x%x%-[89ab]%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$") ~= nil, u)
    t.ok(u == u:lower(), "lower case")
    distinct[u], distinct[r.u2] = true, true
  end
  local n = 0
  for _ in pairs(distinct) do n = n + 1 end
  t.eq(n, 400, "all distinct")
end)

t.test("the session's constants: databases, catalog, version, input_file_name", function()
  local out = one("current_database()", "current_schema()", "current_catalog()", "version()", "input_file_name()")
  t.same_table(out.columns, { "current_database()", "current_schema()", "current_catalog()", "version()",
    "input_file_name()" })
  t.same_table(t.rows(out), { "default|default|spark_catalog|" .. tide.version() .. "|" })
  t.same_table(t.rows(spark:range(1):select(F.current_database(), F.current_catalog(), F.current_schema(),
    F.version(), F.input_file_name())), { "default|spark_catalog|default|" .. tide.version() .. "|" })
  local dir = t.tempdir()
  t.write(dir .. "/a.csv", "x\n1\n")
  t.same_table(t.rows(spark.read:option("header", true):csv(dir .. "/a.csv"):select("x", F.input_file_name())),
    { "1|file://" .. require("tide.files").absolute(dir) .. "/a.csv" })
end)

t.test("get_json_object: a '?' in a bracketed name is no path, as Spark's parser says", function()
  t.same_table(t.rows(spark:range(1):selectExpr([[get_json_object('{"a?":1,"b":2}', '$[\'a?\']')]],
    [[get_json_object('{"a?":1,"b":2}', '$[\'b\']')]])), { "null|2" })
end)

t.run()
