-- tide.types in Spark's JSON form: json/jsonValue, fromJson, round trips,
-- ML attributes in field metadata, errors, and from_json's JSON schemas.
-- Expected texts are Apache Spark 3.5's (DataType.json in Scala, PySpark's
-- schema.json() for the sorted form).
local t = require("testing")
local tide = require("tide")
local json = require("tide.json")
local T, F, ml = tide.types, tide.functions, tide.ml

local spark = tide.session()

-- StructType([a long, b decimal(10,2) not null, c array<int>, d map<string,double> (no null values),
-- e struct<x timestamp, y date>, f binary, g boolean, h float, i array<string> (no null elements)])
local function every_type()
  return T.struct {
    T.field("a", T.long), T.field("b", T.decimal(10, 2), false), T.field("c", T.array(T.int)),
    T.field("d", T.map(T.string, T.double, false)),
    T.field("e", T.struct { T.field("x", T.timestamp), T.field("y", T.date) }),
    T.field("f", T.binary), T.field("g", T.boolean), T.field("h", T.float), T.field("i", T.array(T.string, false)),
  }
end

-- Spark's df.schema.json (Scala) of that struct.
local EVERY_TYPE_JSON = '{"type":"struct","fields":[{"name":"a","type":"long","nullable":true,"metadata":{}},'
  .. '{"name":"b","type":"decimal(10,2)","nullable":false,"metadata":{}},'
  .. '{"name":"c","type":{"type":"array","elementType":"integer","containsNull":true},"nullable":true,"metadata":{}},'
  .. '{"name":"d","type":{"type":"map","keyType":"string","valueType":"double","valueContainsNull":false},'
  .. '"nullable":true,"metadata":{}},'
  .. '{"name":"e","type":{"type":"struct","fields":[{"name":"x","type":"timestamp","nullable":true,"metadata":{}},'
  .. '{"name":"y","type":"date","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}},'
  .. '{"name":"f","type":"binary","nullable":true,"metadata":{}},'
  .. '{"name":"g","type":"boolean","nullable":true,"metadata":{}},'
  .. '{"name":"h","type":"float","nullable":true,"metadata":{}},'
  .. '{"name":"i","type":{"type":"array","elementType":"string","containsNull":false},"nullable":true,"metadata":{}}]}'

-- PySpark's df.schema.json() of it: the same, keys sorted.
local EVERY_TYPE_PYSPARK = '{"fields":[{"metadata":{},"name":"a","nullable":true,"type":"long"},'
  .. '{"metadata":{},"name":"b","nullable":false,"type":"decimal(10,2)"},'
  .. '{"metadata":{},"name":"c","nullable":true,"type":{"containsNull":true,"elementType":"integer","type":"array"}},'
  .. '{"metadata":{},"name":"d","nullable":true,"type":{"keyType":"string","type":"map","valueContainsNull":false,'
  .. '"valueType":"double"}},'
  .. '{"metadata":{},"name":"e","nullable":true,"type":{"fields":[{"metadata":{},"name":"x","nullable":true,'
  .. '"type":"timestamp"},{"metadata":{},"name":"y","nullable":true,"type":"date"}],"type":"struct"}},'
  .. '{"metadata":{},"name":"f","nullable":true,"type":"binary"},'
  .. '{"metadata":{},"name":"g","nullable":true,"type":"boolean"},'
  .. '{"metadata":{},"name":"h","nullable":true,"type":"float"},'
  .. '{"metadata":{},"name":"i","nullable":true,"type":{"containsNull":false,"elementType":"string","type":"array"}}],'
  .. '"type":"struct"}'

-- Spark's JSON of VectorUDT (Spark ML's vectors, tide's T.vector).
local VECTOR_JSON = '{"type":"udt","class":"org.apache.spark.ml.linalg.VectorUDT",'
  .. '"pyClass":"pyspark.ml.linalg.VectorUDT",'
  .. '"sqlType":{"type":"struct","fields":[{"name":"type","type":"byte","nullable":false,"metadata":{}},'
  .. '{"name":"size","type":"integer","nullable":true,"metadata":{}},'
  .. '{"name":"indices","type":{"type":"array","elementType":"integer","containsNull":false},'
  .. '"nullable":true,"metadata":{}},'
  .. '{"name":"values","type":{"type":"array","elementType":"double","containsNull":false},'
  .. '"nullable":true,"metadata":{}}]}}'

-- ---- writing ----------------------------------------------------------------------------

t.test("json: Spark's text for a struct of every type, keys in Spark's order", function()
  t.eq(every_type():json(), EVERY_TYPE_JSON)
  t.eq(T.fromDDL("a bigint, b decimal(10,2) NOT NULL"):json(),
    '{"type":"struct","fields":[{"name":"a","type":"long","nullable":true,"metadata":{}},'
    .. '{"name":"b","type":"decimal(10,2)","nullable":false,"metadata":{}}]}')
  t.eq(T.struct {}:json(), '{"type":"struct","fields":[]}')
end)

t.test("json: atomic types are their JSON names; arrays, maps and vectors as Spark writes them", function()
  local names = { { T.int, "integer" }, { T.long, "long" }, { T.string, "string" }, { T.timestamp, "timestamp" },
                  { T.date, "date" }, { T.binary, "binary" }, { T.boolean, "boolean" }, { T.double, "double" },
                  { T.float, "float" }, { T.decimal(), "decimal(10,0)" }, { T.decimal(38, 4), "decimal(38,4)" } }
  for _, case in ipairs(names) do
    t.eq(case[1]:json(), '"' .. case[2] .. '"')
    t.eq(case[1]:jsonValue(), case[2])
  end
  t.eq(T.array(T.int):json(), '{"type":"array","elementType":"integer","containsNull":true}')
  t.eq(T.map(T.string, T.array(T.long), false):json(), '{"type":"map","keyType":"string","valueType":'
    .. '{"type":"array","elementType":"long","containsNull":true},"valueContainsNull":false}')
  t.eq(T.vector:json(), VECTOR_JSON)
  t.eq(require("tide.eval_coerce").void:json(), '"void"')
end)

t.test("jsonValue: the same as Lua tables; json.encode of it is PySpark's sorted text", function()
  local v = every_type():jsonValue()
  t.eq(v.type, "struct")
  t.eq(#v.fields, 9)
  t.same_table(v.fields[1], { name = "a", type = "long", nullable = true, metadata = {} })
  t.eq(v.fields[2].nullable, false)
  t.same_table(v.fields[4].type, { type = "map", keyType = "string", valueType = "double", valueContainsNull = false })
  t.eq(json.encode(every_type():jsonValue()), EVERY_TYPE_PYSPARK)
  t.eq(json.encode(T.struct {}:jsonValue()), '{"fields":[],"type":"struct"}')
end)

t.test("fields: simpleString, json, typeName as PySpark's StructField; schema.names", function()
  local s = T.fromDDL("a bigint, `b c` array<int> NOT NULL")
  t.eq(s.fields[1]:simpleString(), "a:bigint")
  t.eq(s.fields[2]:simpleString(), "b c:array<int>")
  t.eq(s.fields[2]:json(), '{"name":"b c","type":{"type":"array","elementType":"integer","containsNull":true},'
    .. '"nullable":false,"metadata":{}}')
  t.same_table(s.fields[1]:jsonValue(), { name = "a", type = "long", nullable = true, metadata = {} })
  t.same_table(s.names, { "a", "b c" })
  t.same_table(s:fieldNames(), { "a", "b c" })
  t.same_table(s:add("x", T.double).names, { "a", "b c", "x" })
  t.eq(s:typeName(), "struct")
  t.eq(T.long:typeName(), "long")
  t.eq(T.array(T.int):typeName(), "array")
  t.ok(T.isField(s.fields[1]))
  t.raises_at_caller {
    { function() local _ = s.fields[1]:typeName() end,
      "[INVALID_TYPENAME_CALL] StructField does not have typeName. Use typeName on its type explicitly instead." },
  }
  -- a field given as a plain table is a field too
  local plain = T.struct { { name = "p", dataType = T.int, nullable = true } }
  t.eq(plain.fields[1]:simpleString(), "p:int")
  t.eq(plain:json(), '{"type":"struct","fields":[{"name":"p","type":"integer","nullable":true,"metadata":{}}]}')
end)

-- ---- reading and round trips ---------------------------------------------------------------

t.test("fromJson reads Spark's text and PySpark's; round trips give the same type", function()
  local s = every_type()
  t.eq(T.fromJson(EVERY_TYPE_JSON), s)
  t.eq(T.fromJson(EVERY_TYPE_JSON):json(), EVERY_TYPE_JSON)
  t.eq(T.fromJson(EVERY_TYPE_PYSPARK):json(), EVERY_TYPE_JSON, "keys in any order")
  t.eq(T.fromJson(s:jsonValue()):json(), EVERY_TYPE_JSON, "from jsonValue's tables")
  local types = { T.long, T.int, T.decimal(38, 0), T.array(T.struct { T.field("x", T.int, false) }, false),
                  T.map(T.string, T.map(T.int, T.date), false), T.vector, T.struct { T.field("v", T.vector) } }
  for _, ty in ipairs(types) do
    t.eq(T.fromJson(ty:json()), ty, ty:simpleString())
    t.eq(T.fromJson(ty:json()):json(), ty:json(), ty:simpleString())
    t.eq(T.fromJson(ty:jsonValue()):json(), ty:json(), ty:simpleString())
  end
  local back = T.fromJson(s:json())
  t.eq(back.fields[2].nullable, false)
  t.eq(back.fields[9].dataType.containsNull, false)
  t.eq(back.fields[4].dataType.valueContainsNull, false)
end)

t.test("fromJson: Spark's JSON names of types, as Spark 3.5 reads them", function()
  t.eq(T.fromJson('"decimal"'), T.decimal(10, 0))
  t.eq(T.fromJson('"decimal(10, 2)"'), T.decimal(10, 2))
  t.eq(T.fromJson('  "integer" '), T.int)
  -- short and byte are Spark's ShortType and ByteType; char(n) and
  -- varchar(n) are read as tide's DDL reads them
  t.eq(T.fromJson('"short"'), T.short)
  t.eq(T.fromJson('"byte"'), T.byte)
  t.eq(T.fromJson('"varchar(3)"'), T.string)
  t.eq(T.fromJson('"char(5)"'), T.string)
  t.eq(T.fromJson("long"), T.long, "a jsonValue: the type's name")
  t.eq(T.fromJson("decimal(5,1)"), T.decimal(5, 1))
  -- metadata may be left out, as Spark's reader allows; other keys are ignored, as PySpark's
  t.eq(T.fromJson('{"type":"struct","fields":[{"name":"a","type":"long","nullable":false}]}'):json(),
    '{"type":"struct","fields":[{"name":"a","type":"long","nullable":false,"metadata":{}}]}')
  t.eq(T.fromJson('{"type":"array","elementType":"long","containsNull":true,"note":1}'), T.array(T.long))
  t.eq(T.fromJson({ type = "struct", fields = {} }), T.struct {})
end)

t.test("fromJson errors name what is wrong and where", function()
  local function fails(text, message)
    local err = t.raises(function() return T.fromJson(text) end)
    t.has(err, message)
  end
  fails('{"type":"struct"}', [[Failed to convert the JSON string '{"type":"struct"}' to a data type: no "fields"]])
  fails('{"fields":[]}', 'to a data type: no "type"')
  fails('{"type":"foo"}', [[Failed to convert the JSON string '{"type":"foo"}' to a data type: unknown type "foo"]])
  fails('{"type":"long"}', 'unknown type "long" (an atomic type is written as its name alone: "long")')
  fails('"foo"', [[Failed to convert the JSON string '"foo"' to a data type: unknown type name "foo"]])
  fails('"int"', 'unknown type name "int" (Spark\'s JSON writes "integer")')
  fails('"bigint"', 'unknown type name "bigint" (Spark\'s JSON writes "long")')
  fails('"LONG"', 'unknown type name "LONG" (Spark\'s JSON writes "long")')
  fails('"decimal(40,2)"', "decimal(40,2): precision must be 1..38 and scale 0..precision")
  fails('"calendarinterval"', "tide has no calendarinterval type")
  fails('{"type":"struct","fields":[{"name":"a","type":"long"}]}',
    [[Failed to convert the JSON string '{"name":"a","type":"long"}' to a field: no "nullable" (at a)]])
  fails('{"type":"struct","fields":[{"name":"a","type":"long","nullable":"yes"}]}',
    '"nullable" must be true or false, not "yes" (at a)')
  fails('{"type":"struct","fields":[{"name":1,"type":"long","nullable":true}]}', '"name" must be a string, not 1')
  fails('{"type":"struct","fields":[{"name":"a","type":"long","nullable":true,"metadata":[]}]}',
    '"metadata" must be an object, not [] (at a)')
  fails('{"type":"struct","fields":5}', '"fields" must be a list')
  fails('{"type":"array","elementType":"long"}', 'to a data type: no "containsNull"')
  fails('{"type":"map","keyType":"string","valueType":"long"}', 'no "valueContainsNull"')
  fails('{"type":"struct","fields":[{"name":"e","type":{"type":"struct","fields":[{"name":"x","type":'
    .. '{"type":"array","elementType":"lng","containsNull":true},"nullable":true}]},"nullable":true}]}',
    [['"lng"' to a data type: unknown type name "lng" (at e.x.element)]])
  fails('{"type":"map","keyType":"strin","valueType":"long","valueContainsNull":true}', "(at key)")
  fails('{"type":"udt","class":"org.example.PointUDT","pyClass":"example.PointUDT","sqlType":"string"}',
    "the user-defined type org.example.PointUDT is not one tide has (it has Spark ML's VectorUDT)")
  fails("5", 'a type is a name such as "long" or an object with "type"')
  fails("a int", "Failed to convert the JSON string 'a int' to a data type: JSON error at line 1, column 1")
  fails('{"type":"struct",', "JSON error")
  fails(nil, "T.fromJson takes JSON text or a table, not nil")
  t.raises_at_caller { { function() local _ = T.fromJson('"nope"') end, 'unknown type name "nope"' } }
end)

-- ---- metadata and ML attributes ---------------------------------------------------------------

t.test("a StringIndexer's output prints its nominal attribute as Spark does", function()
  local df = spark:createDataFrame({ { "a", 1.0 }, { "b", 2.0 }, { "a", 3.0 } }, "cat string, x double")
  local indexed = ml.feature.StringIndexer { inputCol = "cat", outputCol = "idx" }:fit(df):transform(df)
  -- Spark 3.5: df.schema.json (Scala) of StringIndexer(inputCol="cat", outputCol="idx").fit(df).transform(df)
  t.eq(indexed.schema:json(), '{"type":"struct","fields":[{"name":"cat","type":"string","nullable":true,'
    .. '"metadata":{}},{"name":"x","type":"double","nullable":true,"metadata":{}},{"name":"idx","type":"double",'
    .. '"nullable":false,"metadata":{"ml_attr":{"vals":["a","b"],"type":"nominal","name":"idx"}}}]}')
  -- PySpark's schema["idx"].metadata
  local metadata = indexed.schema.fields[3].metadata
  t.same_table(metadata.ml_attr.vals, { "a", "b" })
  t.eq(metadata.ml_attr.type, "nominal")
  t.eq(json.encode(metadata), '{"ml_attr":{"name":"idx","type":"nominal","vals":["a","b"]}}')
  t.same_table(indexed.schema.fields[1].metadata, {})
  local keep = ml.feature.StringIndexer { inputCol = "cat", outputCol = "idx", handleInvalid = "keep" }:fit(df)
  t.eq(keep:transform(df).schema.fields[3]:json(), '{"name":"idx","type":"double","nullable":false,'
    .. '"metadata":{"ml_attr":{"vals":["a","b","__unknown"],"type":"nominal","name":"idx"}}}')
  -- read back, the attribute is the field's ML metadata again
  local back = T.fromJson(indexed.schema:json())
  t.eq(back.fields[3].ml.nominal, true)
  t.eq(back.fields[3].ml.numValues, 2)
  t.same_table(back.fields[3].ml.values, { "a", "b" })
  t.eq(back:json(), indexed.schema:json())
end)

t.test("a vector's size prints as Spark's attribute group of num_attrs", function()
  local df = spark:createDataFrame({ { "a" }, { "b" } }, "cat string")
  local hashed = ml.feature.FeatureHasher { inputCols = { "cat" }, outputCol = "h", numFeatures = 16 }:transform(df)
  -- Spark 3.5: FeatureHasher(inputCols=["cat"], outputCol="h", numFeatures=16).transform(df).select("h").schema.json
  t.eq(hashed:select("h").schema:json(), '{"type":"struct","fields":[{"name":"h","type":' .. VECTOR_JSON
    .. ',"nullable":true,"metadata":{"ml_attr":{"num_attrs":16}}}]}')
  local back = T.fromJson(hashed:select("h").schema:json())
  t.eq(back.fields[1].dataType, T.vector)
  t.eq(back.fields[1].ml.size, 16)
end)

t.test("field metadata: given to T.field or read from JSON, written back; ml_attr becomes field.ml", function()
  local f = T.field("a", T.long, true, { comment = "the id" })
  t.eq(T.struct { f }:json(), '{"type":"struct","fields":[{"name":"a","type":"long","nullable":true,'
    .. '"metadata":{"comment":"the id"}}]}')
  t.same_table(f.metadata, { comment = "the id" })
  local text = '{"type":"struct","fields":[{"name":"i","type":"double","nullable":true,"metadata":{"comment":"c",'
    .. '"ml_attr":{"vals":["x","y","z"],"type":"nominal","name":"i"}}}]}'
  local s = T.fromJson(text)
  t.eq(s.fields[1].ml.numValues, 3)
  t.eq(s:json(), text)
  local labelled = T.field("label", T.double, false, { ml_attr = { type = "nominal", num_vals = 4, name = "label" } })
  t.eq(labelled.ml.numValues, 4)
  t.eq(labelled:json(), '{"name":"label","type":"double","nullable":false,'
    .. '"metadata":{"ml_attr":{"type":"nominal","num_vals":4,"name":"label"}}}')
  t.raises_at_caller {
    { function() local _ = T.field("a", T.long, true, "x") end, 'field "a": the metadata must be a table' },
  }
end)

-- ---- from_json with a JSON schema -----------------------------------------------------------------

t.test("from_json takes a schema in Spark's JSON form, as Spark's from_json(col, schema: String)", function()
  local df = spark:createDataFrame({ { '{"a": 5, "b": [1, 2], "m": {"k": "v"}}' }, { "{}" } }, "s string")
  local schema = '{"type":"struct","fields":[{"name":"a","type":"long","nullable":true,"metadata":{}},'
    .. '{"name":"b","type":{"type":"array","elementType":"integer","containsNull":true},"nullable":true,"metadata":{}},'
    .. '{"name":"m","type":{"type":"map","keyType":"string","valueType":"string","valueContainsNull":true},'
    .. '"nullable":true,"metadata":{}}]}'
  local parsed = df:select(F.from_json("s", schema):alias("j")):select("j.*")
  t.same_table(t.rows(parsed), { "5|[1, 2]|{k -> v}", "null|null|null" })
  t.eq(parsed.schema, T.fromDDL("a bigint, b array<int>, m map<string,string>"))
  -- the schema text of df.schema.json() (any key order, leading blanks), and a map or an array alone
  local pyspark_text = "  " .. json.encode(T.fromDDL("a long"):jsonValue())
  local same = df:select(F.from_json("s", pyspark_text):alias("j")):select("j.a")
  t.same_table(t.rows(same), { "5", "null" })
  local as_map = df:select(F.from_json("s", T.map(T.string, T.string):json()):alias("m"))
  t.eq(as_map.schema.fields[1].dataType, T.map(T.string, T.string))
  -- a DDL string reads as before
  t.same_table(t.rows(df:select(F.from_json("s", "a int"):alias("j")):select("j.a")), { "5", "null" })
  t.raises_at_caller {
    { function() local _ = df:select(F.from_json("s", '{"type":"struct","fields":[{"name":"a"}]}')) end,
      [[Failed to convert the JSON string '{"name":"a"}' to a field: no "type" (at a)]] },
    { function() local _ = df:select(F.from_json("s", "a lng")) end, "unknown type 'lng'" },
  }
  -- a JSON schema must still be a struct, a map or an array (Spark: INVALID_JSON_SCHEMA)
  t.has(t.raises(function() return df:select(F.from_json("s", '"long"')) end),
    "from_json needs a struct, map or array schema, not bigint")
end)

t.test("SQL's from_json takes a DDL schema only, as Spark 3.5's", function()
  t.has(t.raises(function() return spark:sql([[SELECT from_json('{"a":1}', '{"type":"struct","fields":[]}')]]) end),
    "the schema of from_json cannot be read")
  t.eq(spark:sql([[SELECT from_json('{"a":1}', 'a int') AS j]]):collect()[1].j.a, 1)
end)

t.run()
