-- Map columns in JSON, as Spark 3.5 reads and writes them: from_json (F,
-- SQL, and the JSON file source) parses JSON objects into map columns
-- (string keys only, as Spark's), to_json writes them as objects (null
-- values as null, other keys by their text), the JSON source still infers
-- objects as structs, and the state store's round trip
-- (to_json(struct(...)) and the JSON source) gives the columns back.
local t = require("testing")
local tide = require("tide")
local F, T = tide.functions, tide.types
local spark = tide.session()

local SCHEMA = "m map<string,int>, tags map<string,array<string>>, pts map<string,struct<x:int>>, "
  .. "a array<map<string,double>>, s struct<n:map<string,bigint>,k:int>, mm map<string,map<string,int>>"

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

t.test("from_json reads objects into maps of scalars, arrays, structs and maps, nested too", function()
  local df = parsed {
    '{"m":{"a":1,"b":null,"c":-2147483648},"tags":{"x":["p",null],"y":[],"z":null},"pts":{"p":{"x":1},"q":null,"r":{}},'
      .. '"a":[{"u":1.5,"v":null},null,{}],"s":{"n":{"big":9223372036854775807},"k":7},"mm":{"o":{"i":1},"e":{}}}',
    '{"m":{},"tags":null,"pts":{},"a":[],"s":{"n":null,"k":1},"mm":{"o":null}}',
    '{"m":null}',
    "{}",
    false,
  }
  t.eq(df.schema, T.fromDDL(SCHEMA))
  t.same_table(t.rows(df), {
    "{a -> 1, b -> null, c -> -2147483648}|{x -> [p, null], y -> [], z -> null}|{p -> {1}, q -> null, r -> {null}}|"
      .. "[{u -> 1.5, v -> null}, null, {}]|{{big -> 9223372036854775807}, 7}|{o -> {i -> 1}, e -> {}}",
    "{}|null|{}|[]|{null, 1}|{o -> null}",
    "null|null|null|null|null|null",
    "null|null|null|null|null|null",
    "null|null|null|null|null|null",
  })
  local rows = df:collect()
  t.eq(rows[1].m.a, 1)
  t.eq(rows[1].m.c, -2147483648)
  t.same_table(rows[1].tags.x, { "p", n = 2 })
  t.eq(rows[1].pts.p.x, 1)
  t.eq(rows[1].a[1].u, 1.5)
  t.eq(rows[1].mm.o.i, 1)
  t.eq(next(rows[2].m), nil)
  t.eq(rows[3].m, nil)
end)

t.test("keys are the members' names in document order, escapes read, duplicates kept as Spark keeps them", function()
  local df = parsed({ '{"m":{"z":1,"a":2,"":3,"q\\"u\\u00e9":4,"\\u00e9t\\u00e9":5}}',
    '{"m":{"k":1,"k":2,"j":3,"k":null}}' },
    "m map<string,int>")
  t.same_table(t.rows(df), { '{z -> 1, a -> 2,  -> 3, q"ué -> 4, été -> 5}', "{k -> 1, k -> 2, j -> 3, k -> null}" })
  local m = df:collect()[1].m
  t.eq(m[""], 3)
  t.eq(m['q"u\195\169'], 4)
  t.eq(m["\195\169t\195\169"], 5)
  -- A struct's duplicate field holding a map: the last wins, as for any field.
  t.same_table(t.rows(parsed({ '{"m":{"a":1,"b":2},"m":{"c":3}}', '{"s":[{"m":{"a":1},"m":{"b":2}},{"m":{}}]}' },
    "m map<string,int>, s array<struct<m:map<string,int>>>")), { "{c -> 3}|null", "null|[{{b -> 2}}, {{}}]" })
  -- to_json writes the entries back in the same order, duplicates too.
  t.same_table(t.rows(df:select(F.to_json("m"))),
    { '{"z":1,"a":2,"":3,"q\\"ué":4,"été":5}', '{"k":1,"k":2,"j":3,"k":null}' })
end)

t.test("from_json converts map values as the same types convert at top level", function()
  local df = parsed({
    '{"ts":{"a":"2022-06-29T02:38:24.177Z","b":1656470304,"c":null},"dec":{"a":12.345,"b":"1,000.5","c":1e2},'
      .. '"big":{"a":10000169349117863715,"b":"123"},"s":{"a":"x","b":1,"c":1.50,"d":true,"e":{"k":[1]},"f":[2]},'
      .. '"d":{"a":1,"b":"NaN","c":"-Infinity"},"b":{"t":true,"f":false},"bin":{"h":"aGk="}}',
  }, "ts map<string,timestamp>, dec map<string,decimal(10,2)>, big map<string,decimal(38,0)>, s map<string,string>, "
    .. "d map<string,double>, b map<string,boolean>, bin map<string,binary>")
  t.same_table(t.rows(df:select("ts", "dec", "big", "s", "d", "b")), {
    "{a -> 2022-06-29 02:38:24.177, b -> 2022-06-29 02:38:24, c -> null}|{a -> 12.35, b -> 1000.50, c -> 100.00}|"
      .. '{a -> 10000169349117863715, b -> 123}|{a -> x, b -> 1, c -> 1.5, d -> true, e -> {"k":[1]}, f -> [2]}|'
      .. "{a -> 1.0, b -> NaN, c -> -Infinity}|{t -> true, f -> false}",
  })
  t.eq(df:collect()[1].bin.h, "hi")
end)

t.test("a non-object where a map belongs, or a value of the wrong kind, is malformed as a scalar is", function()
  local schema = "m map<string,int>, a array<map<string,struct<x:int>>>, k string"
  local values = {
    '{"m":{"a":1,"b":"x","c":3},"k":"a"}', -- a value of the wrong kind
    '{"m":"x","k":"b"}',                   -- a string where a map belongs
    '{"m":[1,2],"k":"c"}',                 -- an array where a map belongs
    '{"m":1,"k":"d"}',                     -- a number where a map belongs
    '{"a":[{"p":{"x":1}},{"p":{"x":1.5}}],"k":"e"}', -- deep in an array of maps
    '{"m":{"a":2.0},"k":"f"}',             -- not an integer
    '{"m":{"a":1},"k":"g"}',
  }
  -- PERMISSIVE: the failed field is null, the others keep their values.
  t.same_table(t.rows(parsed(values, schema)), {
    "null|null|a", "null|null|b", "null|null|c", "null|null|d", "null|null|e", "null|null|f", "{a -> 1}|null|g",
  })
  -- The malformed records are counted, and flagged for DROPMALFORMED.
  local k, malformed, status = t.malformed_statuses(values, schema)
  t.eq(k, 6)
  t.eq(malformed, 6)
  t.same_table({ status[0], status[4], status[6] }, { 1, 1, 0 })
  t.same_table(t.rows(parsed(values, schema, { mode = "DROPMALFORMED" })), { "{a -> 1}|null|g" })
  -- FAILFAST names the place of the first value that does not fit: a
  -- map's key as a field (Spark's message names the key).
  local function failfast(v)
    return t.raises(function() parsed({ v }, schema, { mode = "FAILFAST" }):collect() end, "FAILFAST")
  end
  t.has(failfast(values[1]), 'Row 0: field "m.b": a string cannot be read as int')
  t.has(failfast(values[2]), 'field "m": a string cannot be read as map<string,int>')
  t.has(failfast(values[3]), 'field "m": an array cannot be read as map<string,int>')
  t.has(failfast(values[4]), 'field "m": a number cannot be read as map<string,int>')
  t.has(failfast(values[5]), 'field "a[1].p.x": a number cannot be read as int (not an integer)')
  -- An object where a scalar is expected is malformed too; a string field
  -- takes its JSON text, as Spark's.
  t.same_table(t.rows(parsed({ '{"n":{"a":1},"s":{"a":[1,null]}}' }, "n int, s string")), { 'null|{"a":[1,null]}' })
  -- A syntax error inside a map makes the whole record malformed.
  t.same_table(t.rows(parsed({ '{"k":"x","m":{"a":1,"b"}}' }, schema)), { "null|null|null" })
  t.same_table(t.rows(parsed({ '{"k":"x","m":{"a":"x","b":tru}}' }, schema)), { "null|null|null" })
  -- The corrupt record's text is kept, as for any malformed record.
  t.same_table(t.rows(parsed({ '{"m":{"a":"x"},"k":"y"}' }, schema .. ", _corrupt_record string")),
    { 'null|null|y|{"m":{"a":"x"},"k":"y"}' })
end)

t.test("maps with keys other than strings are refused when planned, as Spark's from_json refuses them", function()
  local df = frame({ '{"m":{"1":2}}' })
  local err = t.raises(function() df:select(F.from_json("value", "m map<int,int>")):collect() end,
    "INVALID_JSON_MAP_KEY_TYPE")
  t.has(err, 'input schema "struct<m:map<int,int>>" can only contain string as a key type for a map')
  t.raises(function() df:select(F.from_json("value", "a array<struct<m:map<string,map<bigint,int>>>>")):collect() end,
    "can only contain string as a key type")
  df:createOrReplaceTempView("json_maps_keys")
  t.raises(function() spark:sql("SELECT from_json(value, 'm map<double,int>') FROM json_maps_keys"):collect() end,
    "can only contain string as a key type")
  local dir = t.tempdir()
  t.write(dir .. "/a.json", '{"m":{"1":2}}\n')
  t.raises(function() spark.read:schema("m map<int,int>"):json(dir):collect() end,
    "JSON source: .*can only contain string as a key type")
end)

t.test("from_json with a map schema: the record's object is the map, a malformed one null", function()
  local df = frame({ '{"a":1,"b":null}', "{}", '{"a":"x"}', "[1]", "null", false, "" })
  t.same_table(t.rows(df:select(F.from_json("value", "map<string,int>"):alias("m"))),
    { "{a -> 1, b -> null}", "{}", "null", "null", "null", "null", "null" })
  t.eq(df:select(F.from_json("value", "map<string,int>"):alias("m")).schema, T.fromDDL("m map<string,int>"))
  t.has(t.raises(function()
    frame({ '{"a":"x"}' }):select(F.from_json("value", "map<string,int>", { mode = "FAILFAST" })):collect()
  end), 'field "a": a string cannot be read as int')
  df:createOrReplaceTempView("json_maps_root")
  -- (1 is no struct: the whole record is malformed)
  t.same_table(t.rows(spark:sql("SELECT from_json(value, 'map<string,struct<x:int>>') AS m FROM json_maps_root")),
    { "null", "{}", "null", "null", "null", "null", "null" })
  t.same_table(t.rows(spark:sql([[SELECT from_json('{"p":{"x":1},"q":{"x":2}}', 'map<string,struct<x:int>>') AS m]])),
    { "{p -> {1}, q -> {2}}" })
end)

t.test("SQL's from_json takes map schemas, and to_json gives the text back", function()
  frame({ '{"m":{"x":1,"y":2},"n":{"k":[1,2]}}' }):createOrReplaceTempView("json_maps_v")
  local df = spark:sql("SELECT from_json(value, 'm map<string,int>, n map<string,array<int>>') AS d FROM json_maps_v")
    :select("d.*")
  t.same_table(t.rows(df), { "{x -> 1, y -> 2}|{k -> [1, 2]}" })
  t.same_table(t.rows(spark:sql("SELECT to_json(from_json(value, 'm map<string,int>, n map<string,array<int>>')) "
    .. "AS j FROM json_maps_v")), { '{"m":{"x":1,"y":2},"n":{"k":[1,2]}}' })
end)

t.test("from_json over thousands of rows: the same entries with or without worker threads", function()
  local values = {}
  for i = 1, 5000 do
    if i % 97 == 0 then
      values[i] = '{"m":{"a":"x"},"pts":{"p":{"x":' .. i .. '}}}'
    elseif i % 89 == 0 then
      values[i] = '{"m":{"a":1'
    elseif i % 13 == 0 then
      values[i] = '{"m":null,"tags":{}}'
    else
      local m, tags = {}, {}
      for k = 1, i % 5 do m[k] = ('"k%d":%d'):format(k, i * k) end
      for k = 1, i % 4 do tags[k] = ('"t%d":["%s",null]'):format(k, ("z"):rep((i + k) % 7)) end
      values[i] = ('{"m":{%s},"tags":{%s},"pts":{"p":{"x":%d}},"a":[{"u":%d.5},{}],"mm":{"o":{"i":%d},"e":{}}}')
        :format(table.concat(m, ","), table.concat(tags, ","), i, i, i % 100)
    end
  end
  local df = frame(values):select(F.to_json(F.from_json("value", SCHEMA)):alias("j"))
  local runs = t.collect_with_workers(spark, df)
  t.ok(t.same(runs[3], runs[0]), "the same rows")
  t.eq(runs[0][2].j, '{"m":{"k1":2,"k2":4},"tags":{"t1":["zzz",null],"t2":["zzzz",null]},"pts":{"p":{"x":2}},'
    .. '"a":[{"u":2.5},{}],"mm":{"o":{"i":2},"e":{}}}')
  t.eq(runs[0][97].j, '{"pts":{"p":{"x":97}}}')
  t.eq(runs[0][89].j, "{}")
  t.eq(runs[0][13].j, '{"tags":{}}')
  t.eq(runs[0][4999].j, '{"m":{"k1":4999,"k2":9998,"k3":14997,"k4":19996},'
    .. '"tags":{"t1":["zz",null],"t2":["zzz",null],"t3":["zzzz",null]},"pts":{"p":{"x":4999}},'
    .. '"a":[{"u":4999.5},{}],"mm":{"o":{"i":99},"e":{}}}')
end)

-- ---- to_json -------------------------------------------------------------------------

local function maps()
  return spark:createDataFrame({
    { 1, { a = 1, b = 2 }, { x = { 1, nil, n = 2 } }, { { k = "v" }, {} }, { p = { x = 1 }, q = { y = "z" } } },
    { 2, {}, { y = {} }, nil, {} },
    { 3, nil, nil, { nil, { z = "w" }, n = 2 }, nil },
  }, "id int, m map<string,int>, t map<string,array<int>>, am array<map<string,string>>, "
    .. "sm map<string,struct<x:int,y:string>>")
end

t.test("to_json writes maps as Spark does: objects, null values as null, null maps left out", function()
  local rows = maps():select(F.to_json(F.struct("m", "t", "am", "sm")):alias("j"),
    F.to_json(F.struct("m", "t", "am", "sm"), { ignoreNullFields = false }):alias("all")):collect()
  t.eq(rows[1].j, '{"m":{"a":1,"b":2},"t":{"x":[1,null]},"am":[{"k":"v"},{}],"sm":{"p":{"x":1},"q":{"y":"z"}}}')
  t.eq(rows[2].j, '{"m":{},"t":{"y":[]},"sm":{}}')
  t.eq(rows[3].j, '{"am":[null,{"z":"w"}]}')
  t.eq(rows[1].all, '{"m":{"a":1,"b":2},"t":{"x":[1,null]},"am":[{"k":"v"},{}],'
    .. '"sm":{"p":{"x":1,"y":null},"q":{"x":null,"y":"z"}}}')
  t.eq(rows[3].all, '{"m":null,"t":null,"am":[null,{"z":"w"}],"sm":null}')
  -- A null value inside a map is written as null, ignoreNullFields or not.
  local sql = spark:sql("SELECT to_json(struct(map('a', 1, 'b', CAST(NULL AS int)))) AS j, "
    .. "to_json(map('a', CAST(NULL AS string))) AS k")
  t.same_table(t.rows(sql), { '{"col1":{"a":1,"b":null}}|{"a":null}' })
end)

t.test("to_json of a map column itself, and of arrays of maps, as Spark allows", function()
  local rows = maps():select(F.to_json("m"):alias("m"), F.to_json("am"):alias("am"), F.to_json("sm"):alias("sm"))
    :collect()
  t.same_table({ rows[1].m, rows[2].m, rows[3].m }, { '{"a":1,"b":2}', "{}", nil })
  t.same_table({ rows[1].am, rows[2].am, rows[3].am }, { '[{"k":"v"},{}]', nil, '[null,{"z":"w"}]' })
  t.eq(rows[1].sm, '{"p":{"x":1},"q":{"y":"z"}}')
  local sql = spark:sql("SELECT to_json(map('x', array(1, 2), 'y', array(3))) AS a, "
    .. "to_json(array(map('k', 1.5D), map('e', 0.1D))) AS b")
  t.same_table(t.rows(sql), { '{"x":[1,2],"y":[3]}|[{"k":1.5},{"e":0.1}]' })
  -- Slices of a batch: a row's entries start where the slice's offsets
  -- say, not at 0.
  spark.conf:set("spark.tide.sliceRows", 1)
  local ok, err = pcall(function()
    t.same_table(t.rows(maps():select(F.to_json(F.struct("id", "m", "sm")), F.to_json("t"))), {
      '{"id":1,"m":{"a":1,"b":2},"sm":{"p":{"x":1},"q":{"y":"z"}}}|{"x":[1,null]}',
      '{"id":2,"m":{},"sm":{}}|{"y":[]}', '{"id":3}|null' })
  end)
  spark.conf:unset("spark.tide.sliceRows")
  if not ok then error(err, 0) end
end)

t.test("to_json names keys that are not strings by their text, as Spark's toString of the key", function()
  local df = spark:createDataFrame({
    { { [1] = "a", [-2] = "b" }, { [true] = 1 }, { [1.5] = 1, [1e-5] = 2, [math.huge] = 3 }, { ["12.50"] = 1 },
      { [1656470304177123] = 1 }, { ["hi"] = 1 }, { [9007199254740993LL] = 0 } },
  }, "a map<int,string>, b map<boolean,int>, c map<double,int>, d map<decimal(10,2),int>, e map<timestamp,int>, "
    .. "f map<binary,int>, g map<bigint,int>")
  local j = df:select(F.to_json(F.struct("a", "b", "c", "d", "e", "f", "g")):alias("j")):collect()[1].j
  -- (Lua tables' keys come sorted as text: createDataFrame's order)
  t.eq(j, '{"a":{"-2":"b","1":"a"},"b":{"true":1},"c":{"1.5":1,"1.0E-5":2,"Infinity":3},"d":{"12.50":1},'
    .. '"e":{"1656470304177123":1},"f":{"aGk=":1},"g":{"9007199254740993":0}}')
  -- A struct key is named by its row's text, as Spark's GenericInternalRow.toString.
  t.same_table(t.rows(spark:sql("SELECT to_json(map(struct(1, 'x'), 1)) AS k")), { '{"[1,x]":1}' })
end)

t.test("to_json writes the scalars inside maps as at top level", function()
  local df = spark:sql("SELECT map('t', timestamp_micros(1656470304177123)) AS ts, "
    .. "map('p', CAST(1.5 AS decimal(10,2)), 'n', CAST(-0.01 AS decimal(10,2))) AS dec, "
    .. "map('a', 0.1D, 'b', 1e-5D, 'c', CAST('NaN' AS double)) AS d, map('h', CAST('hi' AS binary)) AS bin, "
    .. "map('t', true, 'f', false) AS b, map('s', 'q\"\\n') AS s")
  local j = df:select(F.to_json(F.struct("ts", "dec", "d", "bin", "b", "s")):alias("j")):collect()[1].j
  t.eq(j, '{"ts":{"t":"2022-06-29T02:38:24.177Z"},"dec":{"p":1.50,"n":-0.01},"d":{"a":0.1,"b":1.0E-5,"c":"NaN"},'
    .. '"bin":{"h":"aGk="},"b":{"t":true,"f":false},"s":{"s":"q\\"\\n"}}')
  j = df:select(F.to_json(F.struct("ts"), { timestampFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX" }):alias("j"))
    :collect()[1].j
  t.eq(j, '{"ts":{"t":"2022-06-29T02:38:24.177123Z"}}')
end)

-- ---- the JSON file source and sink ---------------------------------------------------------

t.test("the JSON source still infers objects as structs, as Spark's JsonInferSchema", function()
  local dir = t.tempdir()
  t.write(dir .. "/a.json", '{"m":{"a":1,"b":2}}\n{"m":{"c":"x"}}\n')
  local df = spark.read:json(dir)
  t.eq(df.schema, T.fromDDL("m struct<a:bigint,b:bigint,c:string>"))
  t.same_table(t.rows(df), { "{1, 2, null}", "{null, null, x}" })
end)

t.test("the JSON source reads maps with a schema, in batches and streams, and its sink writes them", function()
  local dir, out, cp = t.tempdir(), t.tempdir() .. "/out", t.tempdir()
  t.write(dir .. "/a.json", '{"id":1,"m":{"a":1,"b":null},"n":{"p":{"x":[1,2]}}}\n{"id":2,"m":"bad"}\n'
    .. '{"id":3,"m":{},"n":{"q":{}}}\n')
  local schema = "id int, m map<string,int>, n map<string,struct<x:array<int>>>"
  t.same_table(t.rows(spark.read:schema(schema):json(dir)),
    { "1|{a -> 1, b -> null}|{p -> {[1, 2]}}", "2|null|null", "3|{}|{q -> {null}}" })
  t.raises(function() spark.read:schema(schema):json(dir, { mode = "FAILFAST" }):collect() end,
    'a.json:2: malformed JSON record %(field "m": a string cannot be read as map<string,int>%. Record: ')
  local q = spark.readStream:format("json"):schema(schema):load(dir)
    .writeStream:format("json"):option("path", out):option("checkpointLocation", cp)
    :trigger { availableNow = true }:start()
  q:awaitTermination(30)
  t.eq(q:exception(), nil)
  t.eq(q:lastProgress().numMalformedRows, 1)
  local names = require("tide.files").list(out)
  t.eq(#names, 1)
  t.eq(t.read(out .. "/" .. names[1]), '{"id":1,"m":{"a":1,"b":null},"n":{"p":{"x":[1,2]}}}\n{"id":2}\n'
    .. '{"id":3,"m":{},"n":{"q":{}}}\n')
  t.same_table(t.rows(spark.read:schema(schema):json(out):orderBy("id")),
    { "1|{a -> 1, b -> null}|{p -> {[1, 2]}}", "2|null|null", "3|{}|{q -> {null}}" })
  -- df.write:json too
  local written = t.tempdir() .. "/w"
  maps().write:json(written)
  t.same_table(t.rows(spark.read:schema("id int, m map<string,int>, t map<string,array<int>>, "
    .. "am array<map<string,string>>, sm map<string,struct<x:int,y:string>>"):json(written):orderBy("id")),
    t.rows(maps()))
end)

-- ---- the state store's round trip ------------------------------------------------------------

-- Maps of string keys to every value type the state store keeps, with
-- null rows and empty maps; the n* columns hold null values too (made in
-- SQL: a Lua table holds no nil). `micros` adds sub-millisecond digits to
-- the timestamps.
local EVERY_TYPE = "k int, i map<string,int>, l map<string,bigint>, d map<string,double>, s map<string,string>, "
  .. "ts map<string,timestamp>, dec map<string,decimal(38,0)>, dec2 map<string,decimal(10,2)>, "
  .. "b map<string,boolean>, arr map<string,array<int>>, st map<string,struct<x:int,y:array<string>,t:timestamp>>, "
  .. "mm map<string,map<string,double>>, am array<map<string,string>>, sm struct<m:map<string,int>>"

local function every_type(micros)
  local us = micros and 123 or 0
  local function list(...) return { n = select("#", ...), ... } end
  local base = spark:createDataFrame({
    { 1, { a = 2147483647, b = -2147483648, [""] = 0 },
      { big = 9223372036854775807LL, small = -9223372036854775807LL - 1 },
      { x = 0.1, y = 1e-300, z = -math.huge, w = 0 / 0 },
      { q = 'a"b\\c', e = "", u = "caf\195\169 \240\159\152\128", n = "\n" },
      { t = 1656470304177000 + us, u = -1000 - us, z = 0 },
      { m = "99999999999999999999999999999999999999", n = "-10000169349117863715" }, { c = "-0.05" },
      { t = true, f = false }, { one = list(1, nil), none = list() },
      { p = { x = 1, y = list("a", nil), t = 1656470304177000 + us }, q = {} },
      { o = { i = 1.5 }, e = {} }, list({ k = "v" }, nil, {}), { m = { a = 1 } } },
    { 2, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, list(), { m = {} } },
    { 3 },
  }, EVERY_TYPE)
  local function with_nulls(name, entries)
    return ("CASE WHEN k = 1 THEN map(%s) ELSE %s END AS n%s"):format(entries, name, name)
  end
  return base:selectExpr("*",
    with_nulls("i", "'a', 1, 'null', CAST(NULL AS int)"),
    with_nulls("d", "'a', 1.5D, 'null', CAST(NULL AS double)"),
    with_nulls("s", "'a', 'x', 'null', CAST(NULL AS string)"),
    with_nulls("ts", ("'t', timestamp_micros(%d), 'null', CAST(NULL AS timestamp)"):format(1656470304177000 + us)),
    with_nulls("dec", "'m', CAST('-99999999999999999999999999999999999999' AS decimal(38,0)), "
      .. "'null', CAST(NULL AS decimal(38,0))"),
    with_nulls("arr", "'a', array(1, NULL), 'null', CAST(NULL AS array<int>)"),
    with_nulls("st", "'null', CAST(NULL AS struct<x:int,y:array<string>,t:timestamp>)"),
    with_nulls("mm", "'null', CASE WHEN k = 0 THEN map('i', 1.5D) END, 'p', map('i', CAST(NULL AS double))"))
end

-- Equal columns: the same schema and the same cells, as shown and as collected.
local function same_columns(got, want)
  t.eq(got.schema, want.schema)
  t.same_table(t.rows(got:orderBy("k")), t.rows(want:orderBy("k")))
  local a, b = got:orderBy("k"):collect(), want:orderBy("k"):collect()
  t.eq(#a, #b)
  for i = 1, #b do
    for _, name in ipairs(want.schema:fieldNames()) do
      -- (d holds a NaN, unequal to itself: its text is compared above)
      if name ~= "d" then t.ok(t.same(a[i][name], b[i][name]), ("row %d column %s"):format(i, name)) end
    end
  end
end

t.test("to_json(struct(...)) and from_json give back maps of every value type", function()
  local df = every_type(true)
  t.same_table(t.rows(df:select("ts", "nts", "ni", "nst", "nmm")), {
    "{t -> 2022-06-29 02:38:24.177123, u -> 1969-12-31 23:59:59.998877, z -> 1970-01-01 00:00:00}|"
      .. "{t -> 2022-06-29 02:38:24.177123, null -> null}|{a -> 1, null -> null}|{null -> null}|"
      .. "{null -> null, p -> {i -> null}}",
    "{}|{}|{}|{}|{}", "null|null|null|null|null" })
  local fmt = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX"
  local back = df:select(F.to_json(F.struct(unpack(df.schema:fieldNames())), { timestampFormat = fmt }):alias("value"))
    :select(F.from_json("value", df.schema, { mode = "FAILFAST" }):alias("d")):select("d.*")
  same_columns(back, df)
  -- Spark's default timestamp text keeps milliseconds only.
  back = df:select(F.to_json(F.struct("k", "ts", "nts")):alias("value"))
    :select(F.from_json("value", "k int, ts map<string,timestamp>, nts map<string,timestamp>"):alias("d")):select("d.*")
  t.same_table(t.rows(back:orderBy("k")), {
    "1|{t -> 2022-06-29 02:38:24.177, u -> 1969-12-31 23:59:59.998, z -> 1970-01-01 00:00:00}|"
      .. "{t -> 2022-06-29 02:38:24.177, null -> null}",
    "2|{}|{}", "3|null|null" })
end)

t.test("the state store writes maps of every value type and rebuilds them", function()
  local state_store = require("tide.state_store")
  local df = every_type(true)
  local rows = df:toBatch()
  local store = state_store.new(df.schema, 0, 1, spark)
  local cp = { dir = t.tempdir() }
  store:save({ checkpoint = cp, state = {}, epochId = 0 }, rows, rows, nil)
  local text = t.read(cp.dir .. "/state/0/0.snapshot")
  t.has(text, '"arr":{"none":[],"one":[1,null]}')
  t.has(text, '"narr":{"a":[1,null],"null":null}')
  t.has(text, '"nts":{"t":"2022-06-29T02:38:24.177123Z","null":null}')
  local rebuilt = store:rebuild({ checkpoint = cp, state = {}, epochId = 1 }, 0)
  same_columns(spark:createDataFrame(rebuilt), df)
  -- A delta on top: a changed row (its timestamps without microseconds)
  -- and a removed one, merged with the snapshot by key (a key's last row).
  local changed, gone = every_type(false):filter("k = 1"), df:filter("k = 3")
  store:save({ checkpoint = cp, state = {}, epochId = 1 }, rows, changed:toBatch(), gone:toBatch())
  rebuilt = spark:createDataFrame(store:rebuild({ checkpoint = cp, state = {}, epochId = 2 }, 1))
  local want = t.rows(changed)
  want[2] = t.rows(df:filter("k = 2"))[1]
  t.same_table(t.rows(rebuilt:orderBy("k")), want)
  t.ok(want[1] ~= t.rows(df:filter("k = 1"))[1], "the changed row differs")
end)

t.run()
