-- Array columns in JSON, as Spark 3.5 reads and writes them: from_json
-- (F, SQL, and the JSON file source) parses JSON arrays into array
-- columns, to_json writes them (null elements as null, null arrays left
-- out unless ignoreNullFields=false), the JSON source infers array types
-- as Spark's JsonInferSchema, and the state store's round trip
-- (to_json(struct(...)) and the JSON source) gives the columns back.
local t = require("testing")
local tide = require("tide")
local F, T = tide.functions, tide.types
local spark = tide.session()

local SCHEMA = "tags array<string>, ids array<bigint>, pts array<struct<x:int,y:double>>, m array<array<int>>"

-- A DataFrame of one string column "value"; false stands for null.
local function frame(values)
  local rows = {}
  for i, v in ipairs(values) do rows[i] = { v or nil } end
  return spark:createDataFrame(rows, "value string")
end

local function parsed(values, schema, opts)
  return frame(values):select(F.from_json("value", schema or SCHEMA, opts):alias("d")):select("d.*")
end

-- ---- from_json -----------------------------------------------------------------------

t.test("from_json reads arrays of scalars, structs and arrays, with null rows and null elements", function()
  local df = parsed {
    '{"tags":["a","b",null],"ids":[1,-9223372036854775808,null],"pts":[{"x":1,"y":2.5},null,{"x":3}],'
      .. '"m":[[1,2],[],null,[3]]}',
    '{"tags":null,"ids":[],"pts":[],"m":[]}',
    '{"m":[[null]]}',
    false,
  }
  t.eq(df.schema, T.fromDDL(SCHEMA))
  t.same_table(t.rows(df), {
    "[a, b, null]|[1, -9223372036854775808, null]|[{1, 2.5}, null, {3, null}]|[[1, 2], [], null, [3]]",
    "null|[]|[]|[]",
    "null|null|null|[[null]]",
    "null|null|null|null",
  })
  local rows = df:collect()
  t.same_table(rows[1].tags, { "a", "b", n = 3 })
  t.eq(rows[1].pts[1].x, 1)
  t.eq(rows[1].pts[2], nil)
  t.eq(rows[1].pts.n, 3)
  t.same_table(rows[1].m[1], { 1, 2, n = 2 })
  t.same_table(rows[2].ids, { n = 0 })
  t.eq(rows[3].m[1].n, 1)
end)

t.test("from_json converts elements as the same types convert at top level", function()
  local df = parsed({
    '{"ts":["2022-06-29T02:38:24.177Z",1656470304,null,"2022-06-29 04:38:24.5+02:00"],'
      .. '"dec":[12.345,"1,000.5",1e2,"-0.004"],"big":[10000169349117863715,"123"],'
      .. '"s":["x",1,1.50,true,{"a":[1]},[2]],"d":[1,2.5,"NaN","-Infinity"],"b":[true,false],"bin":["aGk=",""]}',
  }, "ts array<timestamp>, dec array<decimal(10,2)>, big array<decimal(38,0)>, s array<string>, "
    .. "d array<double>, b array<boolean>, bin array<binary>")
  t.same_table(t.rows(df:selectExpr("CAST(ts AS string) AS ts", "CAST(dec AS string) AS dec",
    "CAST(big AS string) AS big", "s", "CAST(d AS string) AS d", "b")), {
    "[2022-06-29 02:38:24.177, 2022-06-29 02:38:24, null, 2022-06-29 02:38:24.5]|[12.35, 1000.50, 100.00, 0.00]|"
      .. '[10000169349117863715, 123]|[x, 1, 1.5, true, {"a":[1]}, [2]]|[1.0, 2.5, NaN, -Infinity]|[true, false]',
  })
  local bin = df:collect()[1].bin
  t.same_table({ bin[1], bin[2], bin.n }, { "hi", "", 2 })
end)

t.test("an element of the wrong kind fails its top-level field, as a scalar field does", function()
  local values = {
    '{"tags":["a"],"ids":[1,"x",3]}',         -- a string in array<bigint>
    '{"tags":"x","ids":[1]}',                 -- a scalar where an array is expected
    '{"ids":{"a":1},"tags":["b"]}',           -- an object where an array is expected
    '{"pts":[{"x":1},{"x":"bad"}],"tags":["c"]}', -- a field of a struct element
    '{"m":[[1],[2,1.5]],"tags":["d"]}',       -- an element of a nested array
    '{"ids":[1, 2.0],"tags":["e"]}',          -- not an integer
    '{"tags":["f"],"ids":[2]}',
  }
  -- PERMISSIVE: the failed field is null, the others keep their values.
  local want = {
    "[a]|null|null|null", "null|[1]|null|null", "[b]|null|null|null", "[c]|null|null|null",
    "[d]|null|null|null", "[e]|null|null|null", "[f]|[2]|null|null",
  }
  t.same_table(t.rows(parsed(values)), want)
  -- The malformed records are counted.
  local k, malformed, status = t.malformed_statuses(values, SCHEMA)
  t.eq(k, 6)
  t.eq(malformed, 6)
  t.same_table({ status[0], status[5], status[6] }, { 1, 1, 0 })
  -- DROPMALFORMED drops them; the good ones stay with their elements.
  t.same_table(t.rows(parsed(values, SCHEMA, { mode = "DROPMALFORMED" })), { "[f]|[2]|null|null" })
  -- FAILFAST names the place of the first value that does not fit.
  local function failfast(v)
    return t.raises(function() parsed({ v }, SCHEMA, { mode = "FAILFAST" }):collect() end, "FAILFAST")
  end
  t.has(failfast(values[1]), 'Row 0: field "ids[1]": a string cannot be read as bigint')
  t.has(failfast(values[2]), 'field "tags": a string cannot be read as array<string>')
  t.has(failfast(values[3]), 'field "ids": an object cannot be read as array<bigint>')
  t.has(failfast(values[4]), 'field "pts[1].x": a string cannot be read as int')
  t.has(failfast(values[5]), 'field "m[1][1]": a number cannot be read as int (not an integer)')
  -- An array where a scalar is expected is malformed too; a string field
  -- takes its JSON text, as Spark's.
  t.same_table(t.rows(parsed({ '{"n":[1],"s":[1, "a"]}' }, "n int, s string")), { 'null|[1,"a"]' })
  t.has(t.raises(function() parsed({ '{"n":[1]}' }, "n int", { mode = "FAILFAST" }):collect() end),
    'field "n": an array cannot be read as int')
  -- A syntax error inside an array makes the whole record malformed.
  t.same_table(t.rows(parsed({ '{"tags":["a"],"ids":[1,2' }, SCHEMA)), { "null|null|null|null" })
  t.same_table(t.rows(parsed({ '{"tags":["a"],"ids":[1,"x",tru]}' }, SCHEMA)), { "null|null|null|null" })
end)

t.test("from_json keeps the corrupt record's text and the last of duplicate keys", function()
  local df = parsed({ '{"ids":[1,"x"],"tags":["a"]}', '{"ids":[1],"ids":[2,3],"tags":["b"]}' },
    "ids array<bigint>, tags array<string>, _corrupt_record string")
  t.same_table(t.rows(df), { 'null|[a]|{"ids":[1,"x"],"tags":["a"]}', "[2, 3]|[b]|null" })
end)

t.test("SQL's from_json takes array schemas", function()
  frame({ '{"tags":["x","y"],"m":[[1],[2,3]]}' }):createOrReplaceTempView("json_arrays_v")
  local df = spark:sql("SELECT from_json(value, 'tags array<string>, m array<array<int>>') AS d FROM json_arrays_v")
    :select("d.*")
  t.same_table(t.rows(df), { "[x, y]|[[1], [2, 3]]" })
  t.same_table(t.rows(spark:sql("SELECT to_json(from_json(value, 'tags array<string>')) AS j FROM json_arrays_v")),
    { '{"tags":["x","y"]}' })
end)

t.test("from_json over thousands of rows: the same elements with or without worker threads", function()
  local values = {}
  for i = 1, 5000 do
    if i % 97 == 0 then
      values[i] = '{"ids":[1,"x"],"tags":["k' .. i .. '"]}'
    elseif i % 89 == 0 then
      values[i] = '{"ids":[1,2'
    elseif i % 13 == 0 then
      values[i] = '{"ids":null,"tags":[]}'
    else
      local ids, tags, pts = {}, {}, {}
      for k = 1, i % 5 do ids[k] = tostring(i * k) end
      for k = 1, i % 4 do tags[k] = '"' .. ("z"):rep((i + k) % 7) .. '"' end
      for k = 1, i % 3 do pts[k] = ('{"x":%d,"y":%s}'):format(k, i % 2 == 0 and "0.5" or "null") end
      values[i] = ('{"ids":[%s],"tags":[%s],"pts":[%s],"m":[[%d],[],[%d,null]]}'):format(table.concat(ids, ","),
        table.concat(tags, ","), table.concat(pts, ","), i % 1000, i % 100)
    end
  end
  local df = frame(values):select(F.to_json(F.from_json("value", SCHEMA)):alias("j"))
  local runs = t.collect_with_workers(spark, df)
  t.ok(t.same(runs[3], runs[0]), "the same rows")
  t.eq(runs[0][2].j, '{"tags":["zzz","zzzz"],"ids":[2,4],"pts":[{"x":1,"y":0.5},{"x":2,"y":0.5}],'
    .. '"m":[[2],[],[2,null]]}')
  t.eq(runs[0][97].j, '{"tags":["k97"]}')
  t.eq(runs[0][89].j, "{}")
  t.eq(runs[0][4999].j, '{"tags":["zz","zzz","zzzz"],"ids":[4999,9998,14997,19996],"pts":[{"x":1}],'
    .. '"m":[[999],[],[99,null]]}')
end)

t.test("an array schema reads the whole document: a JSON array, or an object as an array of it", function()
  local df = frame { '[{"a":1},{"a":2}]', '{"a":3}', "[]", "[1,2]", "oops", false, "  ", '[{"a":"x"}]',
    '[{"a":1}] x' }
  local out = df:select(F.from_json("value", "array<struct<a:int>>"):alias("v"),
    F.expr("from_json(value, 'array<int>')"):alias("ints"))
  t.eq(out.schema.fields[1].dataType, T.array(T.struct { T.field("a", T.int) }))
  -- a malformed record is a null array, as Spark's; blank and null rows
  -- too; text after the array is not read
  t.same_table(t.rows(out), { "[{1}, {2}]|null", "[{3}]|null", "[]|[]", "null|[1, 2]", "null|null", "null|null",
    "null|null", "null|null", "[{1}]|null" })
  t.has(t.raises(function() df:select(F.from_json("value", "array<struct<a:int>>", { mode = "FAILFAST" })):collect() end),
    'Row 3: field "[0]": a number cannot be read as struct')
  t.has(t.raises(function() frame({ "{}" }):select(F.from_json("value", "array<int>", { mode = "FAILFAST" })):collect()
    end), "it is not a JSON array")
  local values = {}
  for i = 1, 3000 do values[i] = i % 7 == 0 and "[1,]" or ("[%d,%d]"):format(i, -i) end
  local runs = t.collect_with_workers(spark, frame(values):select(F.from_json("value", "array<bigint>"):alias("v")))
  t.ok(t.same(runs[3], runs[0]), "the same rows")
  t.eq(runs[0][5].v[2], -5)
  t.eq(runs[0][7].v, nil)
end)

-- ---- to_json -------------------------------------------------------------------------

local function arrays()
  return spark:createDataFrame({
    { 1, { "a", "b", nil, n = 3 }, { { 1, 2 }, {} }, { { x = 1, y = "q" }, { x = 2 } } },
    { 2, {}, nil, { nil, { y = "z" }, n = 2 } },
    { 3, nil, { nil, { 3 }, n = 2 }, nil },
  }, "id int, tags array<string>, n array<array<int>>, s array<struct<x:int,y:string>>")
end

t.test("to_json writes arrays as Spark does: null elements as null, null arrays left out", function()
  local rows = arrays():select(F.to_json(F.struct("tags", "n", "s")):alias("j"),
    F.to_json(F.struct("tags", "n", "s"), { ignoreNullFields = false }):alias("all")):collect()
  t.eq(rows[1].j, '{"tags":["a","b",null],"n":[[1,2],[]],"s":[{"x":1,"y":"q"},{"x":2}]}')
  t.eq(rows[2].j, '{"tags":[],"s":[null,{"y":"z"}]}')
  t.eq(rows[3].j, '{"n":[null,[3]]}')
  t.eq(rows[2].all, '{"tags":[],"n":null,"s":[null,{"x":null,"y":"z"}]}')
  t.eq(rows[3].all, '{"tags":null,"n":[null,[3]],"s":null}')
end)

t.test("to_json of an array column itself, as Spark allows", function()
  local rows = arrays():select(F.to_json("tags"):alias("t"), F.to_json("s"):alias("s")):collect()
  t.same_table({ rows[1].t, rows[2].t, rows[3].t }, { '["a","b",null]', "[]", nil })
  t.eq(rows[1].s, '[{"x":1,"y":"q"},{"x":2}]')
  t.eq(rows[2].s, '[null,{"y":"z"}]')
  local sql = spark:sql("SELECT to_json(array(1, 2)) AS a, to_json(array(array('x', null), array('y'))) AS b")
  t.same_table(t.rows(sql), { '[1,2]|[["x",null],["y"]]' })
end)

t.test("to_json writes the scalars inside arrays as at top level", function()
  local df = spark:createDataFrame({ { 1 } }, "id int"):selectExpr(
    "array(timestamp_micros(1656470304177123), null) AS ts",
    "array(CAST(1.5 AS decimal(10,2)), CAST(-0.01 AS decimal(10,2))) AS dec",
    "array(0.1D, 1e-5D, CAST('NaN' AS double)) AS d",
    "array(CAST('hi' AS binary)) AS bin", "array(true, null) AS b")
  local j = df:select(F.to_json(F.struct("ts", "dec", "d", "bin", "b")):alias("j")):collect()[1].j
  t.eq(j, '{"ts":["2022-06-29T02:38:24.177Z",null],"dec":[1.50,-0.01],"d":[0.1,1.0E-5,"NaN"],'
    .. '"bin":["aGk="],"b":[true,null]}')
  -- timestampFormat (Spark's option) writes every timestamp, its microseconds too.
  j = df:select(F.to_json(F.struct("ts"), { timestampFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX" }):alias("j"))
    :collect()[1].j
  t.eq(j, '{"ts":["2022-06-29T02:38:24.177123Z",null]}')
  t.raises(function()
    df:select(F.to_json(F.struct("ts"), { timestampFormat = "yyyy-MM-dd bb" })):collect()
  end, "timestampFormat")
end)

-- ---- the JSON file source and sink ---------------------------------------------------------

t.test("the JSON source infers arrays as Spark's JsonInferSchema", function()
  local dir = t.tempdir()
  t.write(dir .. "/a.json", table.concat({
    '{"tags":["a","b"],"ids":[1,2],"ds":[1,2.5],"pts":[{"x":1},{"y":"q"}],"e":[],"nulls":[null],"mix":[1,"a"],'
      .. '"m":[[1],[2,3]],"big":[1,12345678901234567890123],"w":[1.0,2],"sa":[1],"as":[1]}',
    '{"tags":null,"ids":[3],"e":[],"sa":"str","as":{"a":1},"deep":[[{"k":[1.5]}]]}',
  }, "\n") .. "\n")
  local df = spark.read:json(dir)
  t.eq(df.schema, T.fromDDL("as string, big array<decimal(23,0)>, deep array<array<struct<k:array<double>>>>, "
    .. "ds array<double>, e array<string>, ids array<bigint>, m array<array<bigint>>, mix array<string>, "
    .. "nulls array<string>, pts array<struct<x:bigint,y:string>>, sa string, tags array<string>, w array<double>"))
  t.same_table(t.rows(df:select("tags", "ids", "pts", "m", "mix", "w", "sa", "as")), {
    "[a, b]|[1, 2]|[{1, null}, {null, q}]|[[1], [2, 3]]|[1, a]|[1.0, 2.0]|[1]|[1]",
    'null|[3]|null|null|null|null|str|{"a":1}',
  })
  -- primitivesAsString keeps arrays, their primitives as strings.
  t.eq(spark.read:json(dir, { primitivesAsString = true }):select("ids", "m").schema,
    T.fromDDL("ids array<string>, m array<array<string>>"))
end)

t.test("the JSON source's prefersDecimal and dropFieldIfAllNull, and the fields Spark's inference drops", function()
  local dir = t.tempdir()
  t.write(dir .. "/d.json", '{"a":1.50,"b":1,"c":0.001,"d":[1.5,10.25],"e":{"x":-2.5},"f":1.0E-40,"g":1.5}\n'
    .. '{"a":2.125,"b":2.5,"c":3,"d":[],"e":{"x":12345678901234567890},"f":2.0,"g":"x"}\n'
    .. '{"a":null,"b":12345678901234567890,"h":1.0}\n')
  -- (Java's BigDecimal of each text; decimals widen by the digits on each
  -- side of the point, a long as decimal(20,0); past 38 digits a double)
  local df = spark.read:option("prefersDecimal", "true"):json(dir)
  t.eq(df.schema, T.fromDDL("a decimal(4,3), b decimal(21,1), c decimal(23,3), d array<decimal(4,2)>,"
    .. " e struct<x:decimal(21,1)>, f double, g string, h decimal(2,1)"))
  t.same_table(t.rows(df), {
    "1.500|1.0|0.001|[1.50, 10.25]|{-2.5}|1.0E-40|1.5|null",
    "2.125|2.5|3.000|[]|{12345678901234567890.0}|2.0|x|null",
    "null|12345678901234567890.0|null|null|null|null|null|1.0",
  })
  t.eq(spark.read:json(dir).schema.fields[1].dataType, T.double) -- (without it, as before)
  -- (Spark's canonicalizeType: a struct left without fields goes, and an
  -- array of it; dropFieldIfAllNull drops what was only ever null too)
  local nulls = t.tempdir()
  t.write(nulls .. "/n.json", '{"a":null,"b":1,"c":[],"d":{},"e":[null],"f":{"x":null},"g":{"x":null,"y":1},'
    .. '"h":[[]]}\n{"a":null,"c":[],"i":[{}]}\n')
  t.eq(spark.read:json(nulls).schema, T.fromDDL("a string, b bigint, c array<string>, e array<string>,"
    .. " f struct<x:string>, g struct<x:string,y:bigint>, h array<array<string>>"))
  t.eq(spark.read:option("dropFieldIfAllNull", true):json(nulls).schema, T.fromDDL("b bigint, g struct<y:bigint>"))
  t.write(dir .. "/e.json", '{"a":1e2}\n')
  t.has(t.raises(function() spark.read:option("prefersDecimal", "true"):json(dir .. "/e.json") end),
    "JSON source: 1e2 as a decimal (prefersDecimal) has a negative scale")
end)

t.test("the JSON source reads arrays with a schema, in batches and streams, and its sink writes them", function()
  local dir, out, cp = t.tempdir(), t.tempdir() .. "/out", t.tempdir()
  t.write(dir .. "/a.json", '{"id":1,"tags":["a",null],"pts":[{"x":1,"y":0.5}]}\n{"id":2,"tags":"bad"}\n'
    .. '{"id":3,"m":[[1,2],[]]}\n')
  local schema = "id int, tags array<string>, pts array<struct<x:int,y:double>>, m array<array<int>>"
  t.same_table(t.rows(spark.read:schema(schema):json(dir)),
    { "1|[a, null]|[{1, 0.5}]|null", "2|null|null|null", "3|null|null|[[1, 2], []]" })
  t.raises(function() spark.read:schema(schema):json(dir, { mode = "FAILFAST" }):collect() end,
    'a.json:2: malformed JSON record %(field "tags": a string cannot be read as array<string>%. Record: ')
  local q = spark.readStream:format("json"):schema(schema):load(dir)
    .writeStream:format("json"):option("path", out):option("checkpointLocation", cp)
    :trigger { availableNow = true }:start()
  q:awaitTermination(30)
  t.eq(q:exception(), nil)
  t.eq(q:lastProgress().numMalformedRows, 1)
  local names = require("tide.files").list(out)
  t.eq(#names, 1)
  t.eq(t.read(out .. "/" .. names[1]), '{"id":1,"tags":["a",null],"pts":[{"x":1,"y":0.5}]}\n{"id":2}\n'
    .. '{"id":3,"m":[[1,2],[]]}\n')
  t.same_table(t.rows(spark.read:json(out):orderBy("id")),
    { "1|null|[{1, 0.5}]|[a, null]", "2|null|null|null", "3|[[1, 2], []]|null|null" })
  -- df.write:json too
  local written = t.tempdir() .. "/w"
  arrays().write:json(written)
  t.same_table(t.rows(spark.read:schema("id int, tags array<string>, n array<array<int>>, "
    .. "s array<struct<x:int,y:string>>"):json(written):orderBy("id")), t.rows(arrays()))
end)

t.test("the Kafka sink writes arrays through to_json, and from_json reads them back", function()
  -- (tide's embedded broker: librdkafka's mock cluster, in this process)
  local broker = tide.broker.start {}
  broker:createTopic("json_arrays")
  local bootstrap = broker:bootstrap()
  arrays():select(F.col("id"):cast("string"):alias("key"), F.to_json(F.struct("id", "tags", "n", "s")):alias("value"))
    .write:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("topic", "json_arrays"):save()
  local back = spark.read:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
    :option("subscribe", "json_arrays"):load()
    :select(F.from_json(F.col("value"):cast("string"),
      "id int, tags array<string>, n array<array<int>>, s array<struct<x:int,y:string>>"):alias("d"))
    :select("d.*")
  t.same_table(t.rows(back:orderBy("id")), t.rows(arrays()))
  broker:stop()
end)

-- ---- the state store's round trip ------------------------------------------------------------

-- Arrays of every element type, with null rows, empty arrays and null
-- elements; `micros` adds sub-millisecond digits to the timestamps.
local EVERY_TYPE = "k int, b array<boolean>, i array<int>, l array<bigint>, f array<float>, d array<double>, "
  .. "s array<string>, bin array<binary>, ts array<timestamp>, dec array<decimal(38,0)>, "
  .. "dec2 array<decimal(10,2)>, nested array<array<int>>, "
  .. "st array<struct<x:int,y:array<string>,z:struct<t:timestamp>>>, deep array<array<array<struct<v:double>>>>"

local function every_type(micros)
  local us = micros and 123 or 0
  local function list(...) return { n = select("#", ...), ... } end
  return spark:createDataFrame({
    { 1, list(true, nil, false), list(2147483647, nil, -2147483648),
      list(9223372036854775807LL, -9223372036854775807LL - 1, nil), list(0.1, nil, -3.4e38),
      list(0.1, 1e-300, 0 / 0, -math.huge, nil), list('a"b\\c', "", nil, "caf\195\169 \240\159\152\128", "\n"),
      list("hi", "", nil), list(1656470304177000 + us, nil, -1000 - us, 0),
      list("99999999999999999999999999999999999999", "-10000169349117863715", nil), list("-0.05", nil),
      list(list(1, nil), list(), nil),
      list({ x = 1, y = list("a", nil), z = { t = 0 } }, nil, {}),
      list(list(list({ v = 1.5 }, nil)), list(list())) },
    { 2, list(), list(0), list(), list(), list(), list(), list(), list(), list(), list(), list(list()), list(),
      list() },
    { 3 },
  }, EVERY_TYPE)
end

-- Equal columns: the same schema and the same cells, as shown and as collected.
local function same_columns(got, want)
  t.eq(got.schema, want.schema)
  t.same_table(t.rows(got:orderBy("k")), t.rows(want:orderBy("k")))
  local a, b = got:orderBy("k"):collect(), want:orderBy("k"):collect()
  for i = 1, #b do
    for _, name in ipairs({ "b", "i", "l", "f", "s", "bin", "ts", "dec", "dec2", "nested", "st", "deep" }) do
      t.ok(t.same(a[i][name], b[i][name]), ("row %d column %s"):format(i, name))
    end
  end
end

t.test("to_json(struct(...)) and from_json give back arrays of every element type", function()
  local df = every_type(true)
  t.same_table(t.rows(df:select("ts")), {
    "[2022-06-29 02:38:24.177123, null, 1969-12-31 23:59:59.998877, 1970-01-01 00:00:00]", "[]", "null" })
  local fmt = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX"
  local fields = df.schema:fieldNames()
  local schema = df.schema
  local back = df:select(F.to_json(F.struct(unpack(fields)), { timestampFormat = fmt }):alias("value"))
    :select(F.from_json("value", schema, { mode = "FAILFAST" }):alias("d")):select("d.*")
  same_columns(back, df)
  -- Spark's default timestamp text keeps milliseconds only.
  back = df:select(F.to_json(F.struct("k", "ts")):alias("value"))
    :select(F.from_json("value", "k int, ts array<timestamp>"):alias("d")):select("d.*")
  t.same_table(t.rows(back:orderBy("k")), {
    "1|[2022-06-29 02:38:24.177, null, 1969-12-31 23:59:59.998, 1970-01-01 00:00:00]", "2|[]", "3|null" })
end)

t.test("the state store writes arrays of every element type and rebuilds them", function()
  local state_store = require("tide.state_store")
  -- (timestamps inside arrays and structs keep their microseconds)
  local df = every_type(true)
  local rows = df:toBatch()
  local store = state_store.new(df.schema, 0, 1, spark)
  local cp = { dir = t.tempdir() }
  store:save({ checkpoint = cp, state = {}, epochId = 0 }, rows, rows, nil)
  local text = t.read(cp.dir .. "/state/0/0.snapshot")
  t.has(text, '"nested":[[1,null],[],null]')
  local rebuilt = store:rebuild({ checkpoint = cp, state = {}, epochId = 1 }, 0)
  same_columns(spark:createDataFrame(rebuilt), df)
end)

t.run()
