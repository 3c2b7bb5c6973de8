-- JSON: tide.json's encode/decode (exact integers, key order, errors with
-- positions) and from_json/to_json through the DataFrame API.
local t = require("testing")
local ffi = require("ffi")
local json = require("tide.json")

-- ---- encode ----------------------------------------------------------------------

t.test("encode writes compact JSON with sorted keys and exact integers", function()
  t.eq(json.encode({ id = "a", n = 3, f = 0.1, neg = -2.5, t = true, no = false }),
    '{"f":0.1,"id":"a","n":3,"neg":-2.5,"no":false,"t":true}')
  t.eq(json.encode({ 1, 2, "x", { a = 1 } }), '[1,2,"x",{"a":1}]')
  t.eq(json.encode({}), "{}")
  t.eq(json.encode(json.array()), "[]")
  t.eq(json.encode(2 ^ 53), "9007199254740992")
  t.eq(json.encode(-0.0), "0")
  t.eq(json.encode(1 / 3), "0.3333333333333333")
  t.eq(json.encode(1e300), "1e+300")
  t.eq(json.encode(ffi.new("int64_t", -9007199254740993LL)), "-9007199254740993")
  t.eq(json.encode(ffi.new("uint64_t", 10000169349117863715ULL)), "10000169349117863715")
  t.eq(json.encode(nil), "null")
  t.eq(json.encode(json.null), "null")
  -- partitions sort by number: "9" before "10"
  t.eq(json.encode({ topic = { ["10"] = 5, ["9"] = 4, ["0"] = 23 } }), '{"topic":{"0":23,"9":4,"10":5}}')
end)

t.test("encode keeps the order asked for", function()
  t.eq(json.encode(json.ordered { { "id", "x" }, { "runId", "y" }, { "name", json.null }, { "skipped", nil },
    { "batchId", 3 } }), '{"id":"x","runId":"y","name":null,"batchId":3}')
  t.eq(json.encode({ __order = { "z", "a" }, a = 1, z = 2, m = 3 }), '{"z":2,"a":1,"m":3}')
  local row = require("tide.batch").fromRows({ { 2, "b", nil } }, "b int, a string, c double"):collect()[1]
  t.eq(json.encode(row), '{"b":2,"a":"b"}')
end)

t.test("encode escapes strings and replaces invalid UTF-8", function()
  t.eq(json.encode('a"b\\c/'), '"a\\"b\\\\c/"')
  t.eq(json.encode("\b\t\n\f\r\1\31\127"), '"\\b\\t\\n\\f\\r\\u0001\\u001F\127"')
  t.eq(json.encode("caf\195\169 \240\159\152\128"), '"caf\195\169 \240\159\152\128"')
  t.eq(json.encode("a\255b\226\130c"), '"a\239\191\189b\239\191\189c"')
end)

t.test("encode refuses what JSON cannot hold", function()
  t.raises(function() json.encode(0 / 0) end, "NaN")
  t.raises(function() json.encode(math.huge) end, "no NaN or infinity")
  t.raises(function() json.encode({ f = print }) end, "cannot encode a function")
  t.raises(function() json.encode({ [true] = 1 }) end, "key must be a string or a number")
  local cycle = {}
  cycle.self = cycle
  t.raises(function() json.encode(cycle) end, "deeper than 1000")
end)

-- ---- decode ----------------------------------------------------------------------

t.test("decode gives Lua values with exact big integers", function()
  local v = json.decode([[
    {"t":{"0":23,"1":-2},"big":10000169349117863715,"neg":-9007199254740993,
     "huge":123456789012345678901234567890,"f":1.5,"e":1e-3,"s":"a\u00e9\n\"",
     "list":[true,false,null],"empty":{},"none":[],"max":9007199254740992}]])
  t.eq(v.t["0"], 23)
  t.eq(v.t["1"], -2)
  t.ok(ffi.istype("uint64_t", v.big), "above 2^63: uint64_t cdata")
  t.eq(v.big, 10000169349117863715ULL)
  t.ok(ffi.istype("int64_t", v.neg), "beyond 2^53: int64_t cdata")
  t.eq(v.neg, -9007199254740993LL)
  t.eq(v.huge, "123456789012345678901234567890")
  t.eq(v.max, 2 ^ 53)
  t.eq(type(v.max), "number")
  t.eq(v.f, 1.5)
  t.eq(v.e, 0.001)
  t.eq(v.s, "a\195\169\n\"")
  t.eq(v.list[1], true)
  t.eq(v.list[2], false)
  t.eq(v.list[3], json.null)
  t.eq(#v.list, 3)
  t.ok(json.isArray(v.list) and json.isArray(v.none), "arrays are marked")
  t.eq(next(v.empty), nil)
  t.eq(json.decode('"x"'), "x")
  t.eq(json.decode(" 42 "), 42)
  t.eq(json.decode("null"), json.null)
  t.eq(json.decode('{"a":1,"a":2}').a, 2)
end)

t.test("decode and encode round trip", function()
  local text = '{"big":10000169349117863715,"e":{},"l":[1,null,[]],"n":-9007199254740993,"s":"\\u0001x"}'
  t.eq(json.encode(json.decode(text)), text)
  local offsets = '{"to_predict":{"0":1234,"1":1201,"10":7}}'
  t.eq(json.encode(json.decode(offsets)), offsets)
end)

t.test("decode errors name the position", function()
  t.raises(function() json.decode('{"a":1,\n "b":tru}') end, "line 2, column 6 %(byte 13%)")
  t.raises(function() json.decode("") end, "no JSON value")
  t.raises(function() json.decode('{"a":1} x') end, "byte 8")
  t.raises(function() json.decode("[1,2]]") end, "byte 5%): unexpected text")
  t.raises(function() json.decode('{"a":"\255"}') end, "byte 6%): invalid UTF%-8")
  t.raises(function() json.decode('{"a":"abc') end, "byte 5%): a string that never closes")
  t.raises(function() json.decode("{\"a\":\0}") end, "byte 5%): a NUL byte")
  t.raises(function() json.decode(("["):rep(2000) .. ("]"):rep(2000)) end, "nesting too deep")
  t.raises(function() json.decode(nil) end, "expected a string")
end)

-- ---- from_json / to_json kernels from Lua (tide.json_functions) --------------------------

local tide = require("tide")
local F, T = tide.functions, tide.types
local C = require("tide.ffi")
local jf = require("tide.json_functions")
local eval = require("tide.eval")

local function derive(b) return tide.batch.wrap(C.tide_batch_derive(b, 1)) end

t.test("from_json kernel: modes, counts, corrupt records, the row's origin", function()
  local b = tide.batch.fromRows({ { '{"id":"10000169349117863715","hour":5,"s":"x"}' }, { "bad" }, { nil },
    { '{"hour":"5"}' } }, "value string")
  local schema = T.fromDDL("id decimal(38,0), hour int, s string, _corrupt_record string")
  local out = derive(b)
  local ctx = { malformed = 0 }
  local k, status = jf.fromJson(jf.fromJsonPlan(schema, { mode = "DROPMALFORMED" }, "data"), out,
    b.columns[0], out.columns[0], ctx)
  t.eq(k, 2)
  t.eq(ctx.malformed, 2)
  t.eq(status[0], 0)
  t.eq(status[1], 1)
  t.eq(status[2], 0)
  t.eq(status[3], 1)
  local rows = out:collect()
  t.eq(tostring(rows[1].data), "Row(id='10000169349117863715', hour=5, s='x', _corrupt_record=None)")
  t.eq(tostring(rows[2].data), "Row(id=None, hour=None, s=None, _corrupt_record='bad')")
  t.eq(rows[3].data, nil)
  t.eq(tostring(rows[4].data), "Row(id=None, hour=None, s=None, _corrupt_record='{\"hour\":\"5\"}')")

  -- PERMISSIVE without a corrupt-record field: no statuses, same counts
  local plain = T.fromDDL("id decimal(38,0), hour int")
  local k2, status2 = jf.fromJson(jf.fromJsonPlan(plain, {}, "d"), out, b.columns[0], eval.newColumn(out), nil)
  t.eq(k2, 2)
  t.eq(status2, nil)

  local err = t.raises(function()
    jf.fromJson(jf.fromJsonPlan(schema, { mode = "FAILFAST" }, "data"), out, b.columns[0], eval.newColumn(out),
      { describeRow = function(i) return "topic t partition 0 offset " .. (17 + i) end })
  end, "Parse Mode: FAILFAST")
  t.ok(err:find("Row 1: not valid JSON", 1, true), err)
  t.ok(err:find("Record: bad (topic t partition 0 offset 18)", 1, true), err)
  t.raises(function() jf.fromJsonPlan(schema, { mode = "LENIENT" }) end, "PERMISSIVE, DROPMALFORMED or FAILFAST")
  t.raises(function() jf.fromJsonPlan(T.fromDDL("a int, bad int"), { columnNameOfCorruptRecord = "bad" }) end,
    "must be a string")
end)

-- The to_json kernel over a struct column of b's columns, into a batch
-- derived from b; returns that batch and the struct column.
local function to_json_of(b, opts)
  local s = ffi.new("tide_column")
  C.tide_column_init_struct(b, s, "row", b.num_columns)
  for i = 0, b.num_columns - 1 do s.children[i] = b.columns[i] end
  s.length = b.num_rows
  local out = derive(b)
  jf.toJson(out, s, out.columns[0], opts)
  return out, s
end

t.test("to_json kernel writes Spark's JSON", function()
  local b = tide.batch.fromRows({
    { "10000169349117863715", 0.1, 'a"b', "2022-06-29 02:38:24.177", nil, { x = 1 } },
    { nil, 1e-5, nil, nil, true, nil },
  }, "id decimal(38,0), p double, s string, at timestamp, ok boolean, st struct<x:int,y:string>")
  local out, s = to_json_of(b)
  local rows = out:collect()
  t.eq(rows[1]["to_json(row)"],
    '{"id":10000169349117863715,"p":0.1,"s":"a\\"b","at":"2022-06-29T02:38:24.177Z","st":{"x":1}}')
  t.eq(rows[2]["to_json(row)"], '{"p":1.0E-5,"ok":true}')
  jf.toJson(out, s, out.columns[0], { ignoreNullFields = false })
  t.eq(out:collect()[2]["to_json(row)"], '{"id":null,"p":1.0E-5,"s":null,"at":null,"ok":true,"st":null}')
end)

-- Spark's strings reach Jackson as Java Strings: each malformed sequence
-- is one U+FFFD as Java's decoder makes it (its maximal subpart; an
-- encoded surrogate, ED A0 80, is one, not three).
t.test("to_json replaces invalid UTF-8 as Java's decoder does", function()
  local b = tide.batch.fromRows({ { "a\255b" }, { "x\237\160\128y" }, { "\226\130c" }, { "\240\159\152" } },
    "s string")
  local out = to_json_of(b)
  local got = {}
  for i, r in ipairs(out:collect()) do got[i] = r["to_json(row)"] end
  local R = "\239\191\189"
  t.same_table(got, { '{"s":"a' .. R .. 'b"}', '{"s":"x' .. R .. 'y"}', '{"s":"' .. R .. 'c"}', '{"s":"' .. R .. '"}' })
end)

t.test("to_json writes doubles and timestamps in place as the buffer grows", function()
  -- Thousands of rows, so that values land across the buffer's growth;
  -- the non-finite doubles are quoted, as Jackson writes them for Spark.
  local cases = {
    { 0.1, "2022-06-29 02:38:24.177", '{"p":0.1,"at":"2022-06-29T02:38:24.177Z"}' },
    { 0 / 0, "1969-12-31 23:59:59.999", '{"p":"NaN","at":"1969-12-31T23:59:59.999Z"}' },
    { math.huge, "0001-01-01 00:00:00", '{"p":"Infinity","at":"0001-01-01T00:00:00.000Z"}' },
    { -math.huge, "9999-12-31 23:59:59.5", '{"p":"-Infinity","at":"9999-12-31T23:59:59.500Z"}' },
    { -1.5e-300, "1970-01-01 00:00:00", '{"p":-1.5E-300,"at":"1970-01-01T00:00:00.000Z"}' },
  }
  local rows = {}
  for i = 1, 5000 do
    local c = cases[(i - 1) % #cases + 1]
    rows[i] = { c[1], c[2] }
  end
  local got = to_json_of(tide.batch.fromRows(rows, "p double, at timestamp")):collect()
  t.eq(#got, 5000)
  for i = 1, 5000 do
    local want = cases[(i - 1) % #cases + 1][3]
    if got[i]["to_json(row)"] ~= want then t.eq(got[i]["to_json(row)"], want, "row " .. i) end
  end
end)

-- ---- from_json / to_json through the DataFrame API -------------------------------------
-- (needs tide.eval, which registers these functions through tide.json_functions)

if not pcall(require, "tide.eval") then
  print("skip DataFrame tests: tide.eval is not there yet")
  t.run()
end

local SCHEMA = T.struct {
  T.field("id", T.decimal(38, 0)), T.field("hour", T.int), T.field("site_id", T.string),
  T.field("p", T.double), T.field("geo", T.struct { T.field("lat", T.double) }),
}

-- A DataFrame of one string column "value"; false stands for null.
local function frame(values)
  local rows = {}
  for i, v in ipairs(values) do rows[i] = { v or nil } end
  return tide.session():createDataFrame(rows, "value string")
end

t.test("from_json reads records into columns (PERMISSIVE)", function()
  local df = frame {
    '{"id":"10000169349117863715","hour":14102100,"site_id":"1fbe01fe","p":0.5,"geo":{"lat":48.1}}',
    '{"id":18446744073709551616123,"hour":"x","site_id":{"a": [1, 2]}}',
    "not json",
    false,
  }
  local rows = df:select(F.from_json("value", SCHEMA):alias("data")):select("data.*"):collect()
  t.eq(#rows, 4)
  t.eq(rows[1].id, "10000169349117863715")
  t.eq(rows[1].hour, 14102100)
  t.eq(rows[1].site_id, "1fbe01fe")
  t.eq(rows[1].p, 0.5)
  t.eq(rows[1].geo.lat, 48.1)
  t.eq(rows[2].id, "18446744073709551616123")
  t.eq(rows[2].hour, nil)
  t.eq(rows[2].site_id, '{"a":[1,2]}')
  t.eq(rows[3].id, nil)
  t.eq(rows[3].site_id, nil)
  t.eq(rows[4].id, nil)
end)

t.test("from_json names the typo in its schema, read as DDL or as a type", function()
  local err = t.raises(function() F.from_json("value", "id long, site_id strin") end, "position 23")
  t.ok(err:find("unknown type 'strin'", 1, true), err)
  t.raises(function() F.from_json("value", "id long site_id string") end, "position 9")
  t.raises(function() F.from_json("value", "struct<a:int,b:strin>") end, "unknown type 'strin'")
  t.eq(F.from_json("value", "struct<a:int>"):alias("d") ~= nil, true)
end)

t.test("from_json refuses Spark's parser options it does not apply, unless at their default", function()
  local function read(options)
    return tide.session():sql(([[SELECT from_json('{"a":1}', 'a INT', map(%s)).a AS a]]):format(options)):collect()[1].a
  end
  t.eq(read("'allowComments', 'false', 'ALLOWUNQUOTEDFIELDNAMES', 'false', 'locale', 'en-US'"), 1)
  t.raises(function() read("'allowComments', 'true'") end,
    "from_json option allowComments=true is Spark's, but tide does not apply it")
  t.raises(function() read("'allowunquotedfieldnames', 'true'") end,
    "from_json option allowUnquotedFieldNames=true is Spark's")
  t.raises(function() read("'timeZone', 'UTC'") end, "from_json option timeZone=UTC is Spark's")
end)

t.test("from_json reads decimals from JSON numbers and quoted numbers alike", function()
  local texts = {
    "10000169349117863715", "-42", "007", ("9"):rep(38), ("1"):rep(39), "1,234", "12.5", "-", "", "+5", "1e3",
  }
  local want = {
    "10000169349117863715", "-42", "7", ("9"):rep(38), nil, "1234", "13", nil, nil, "5", "1000",
  }
  local quoted = {}
  for i, s in ipairs(texts) do quoted[i] = ('{"id":"%s"}'):format(s) end
  local rows = frame(quoted):select(F.from_json("value", "id decimal(38,0)"):alias("d")):select("d.id"):collect()
  for i = 1, #texts do t.eq(rows[i].id, want[i], "quoted " .. texts[i]) end
  -- Past the precision: null, as for a JSON number.
  rows = frame { '{"id":"999"}', '{"id":"1000"}', '{"id":-1000}', '{"id":"-999"}' }
    :select(F.from_json("value", "id decimal(3,0)"):alias("d")):select("d.id"):collect()
  t.eq(rows[1].id, "999")
  t.eq(rows[2].id, nil)
  t.eq(rows[3].id, nil)
  t.eq(rows[4].id, "-999")
end)

t.test("from_json keeps the raw text of malformed records", function()
  local schema = SCHEMA:add("_corrupt_record", T.string)
  local df = frame { '{"hour":1}', '{"hour":1.5}', "{oops" }
  local rows = df:select(F.from_json("value", schema, { columnNameOfCorruptRecord = "_corrupt_record" })
    :alias("d")):select("d.hour", "d._corrupt_record"):collect()
  t.eq(rows[1].hour, 1)
  t.eq(rows[1]._corrupt_record, nil)
  t.eq(rows[2].hour, nil)
  t.eq(rows[2]._corrupt_record, '{"hour":1.5}')
  t.eq(rows[3]._corrupt_record, "{oops")
end)

t.test("from_json DROPMALFORMED drops whole rows, FAILFAST stops", function()
  local df = frame { '{"hour":1}', "bad", '{"hour":3}', '{"hour":"x"}' }
  local rows = df:select(F.col("value"), F.from_json("value", SCHEMA, { mode = "DROPMALFORMED" }):alias("d"))
    :select("value", "d.hour"):collect()
  t.eq(#rows, 2)
  t.eq(rows[1].hour, 1)
  t.eq(rows[2].hour, 3)
  t.eq(rows[2].value, '{"hour":3}')
  local err = t.raises(function()
    df:select(F.from_json("value", SCHEMA, { mode = "FAILFAST" })):collect()
  end, "FAILFAST")
  t.ok(err:find("row 1") or err:find("Row 1"), "names the row: " .. err)
end)

t.test("from_json: an empty or blank value is a null struct in every mode, a tombstone too", function()
  -- Spark's from_json gives null where Jackson finds no token (SPARK-19543),
  -- as for a null value: not a malformed record. Kafka values are binary.
  local schema = SCHEMA:add("_corrupt_record", T.string)
  local df = frame { '{"hour":1}', "", '{"hour":4}', " \t\r\n ", false, '{"hour":6}' }
    :select(F.col("value"):cast("binary"):alias("value"))
  for _, mode in ipairs({ "PERMISSIVE", "DROPMALFORMED", "FAILFAST" }) do
    local rows = df:select(F.from_json("value", schema, { mode = mode }):alias("d")):collect()
    t.eq(#rows, 6, mode)
    t.eq(rows[1].d.hour, 1, mode)
    t.eq(rows[1].d._corrupt_record, nil, mode)
    for _, i in ipairs({ 2, 4, 5 }) do t.eq(rows[i].d, nil, mode .. " row " .. i) end
    t.eq(rows[3].d.hour, 4, mode)
    t.eq(rows[6].d.hour, 6, mode)
  end
  -- The literal null is a malformed record, as in Spark (its root
  -- converter gives null, which JacksonParser.parse throws as a bad record).
  local rows = frame { "null" }:select(F.from_json("value", schema):alias("d")):collect()
  t.eq(tostring(rows[1].d), "Row(id=None, hour=None, site_id=None, p=None, geo=None, _corrupt_record='null')")
  t.raises(function()
    frame { "null" }:select(F.from_json("value", SCHEMA, { mode = "FAILFAST" })):collect()
  end, "Row 0: it is not a JSON object%. Record: null")
end)

t.test("from_json refuses a timestamp offset beyond 18 hours, as Java's ZoneOffset", function()
  local df = frame { '{"t":"2024-01-01T00:00:00+25:00"}', '{"t":"2024-01-01T00:00:00+18:00"}',
    '{"t":"2024-01-01T00:00:00-18:30"}', '{"t":"2024-01-01T00:00:00+01:60"}', '{"t":"2024-01-01T00:00:00-03:30"}' }
  local rows = df:select(F.from_json("value", "t timestamp, bad string", { columnNameOfCorruptRecord = "bad" })
    :alias("d")):select("d.t", "d.bad"):collect()
  local midnight, hour = 1704067200 * 1e6, 3600 * 1e6 -- 2024-01-01T00:00:00Z
  t.eq(rows[1].t, nil)
  t.eq(rows[1].bad, '{"t":"2024-01-01T00:00:00+25:00"}')
  t.eq(rows[2].t, midnight - 18 * hour)
  t.eq(rows[2].bad, nil)
  t.eq(rows[3].t, nil)
  t.eq(rows[4].t, nil)
  t.eq(rows[5].t, midnight + 3.5 * hour)
end)

t.test("from_json reads a record alike in place (later rows follow) and copied (the last row)", function()
  -- Rows with 64 bytes of later rows after them are parsed where they
  -- are; the last ones are copied with zeroed padding. Truncated records
  -- end where the next row's bytes begin, which must not change a thing.
  local long = '{"hour":5,"site_id":"' .. string.rep("x", 100) .. '"}'
  for _, record in ipairs({ '{"hour":12', '{"hour":"ab', '{"hour":tru', '{"hour":1}x', '{"hour":1.5e',
                            '{"hour":[1,2', '{"hour":-', '{"hour":7}', '{"hour":7,"site_id":"a\\"}' }) do
    local outcomes = {}
    for k, values in ipairs({ { record, long }, { long, record } }) do
      local df = frame(values)
      local rows = df:select(F.from_json("value", SCHEMA, { columnNameOfCorruptRecord = "bad" }):alias("d"))
        :select("d.hour", "d.site_id"):collect()
      local where = k == 1 and 1 or 2
      local ok, err = pcall(function()
        return df:select(F.from_json("value", SCHEMA, { mode = "FAILFAST" })):collect()
      end)
      outcomes[k] = { rows[where].hour, rows[where].site_id, ok or tostring(err):gsub("[Rr]ow %d+", "row") }
    end
    t.ok(t.same(outcomes[1], outcomes[2]), "the same for " .. record)
  end
end)

t.test("from_json over thousands of rows: the same with or without worker threads", function()
  local spark = tide.session()
  local values = {}
  for i = 1, 3000 do
    values[i] = i % 7 == 0 and "broken {" or ('{"id":%d,"hour":%d,"site_id":"s%d"}'):format(i, i % 24, i)
  end
  local df = frame(values):select(F.col("value"), F.from_json("value", SCHEMA, { mode = "DROPMALFORMED" }):alias("d"))
    :select("d.id", "d.hour", "d.site_id")
  local runs = t.collect_with_workers(spark, df)
  t.eq(#runs[0], 3000 - 428)
  t.ok(t.same(runs[3], runs[0]), "the same rows")
  t.raises(function() spark.conf:set("spark.tide.workerThreads", "all") end, "spark.tide.workerThreads must be")
end)

t.test("to_json writes Spark's JSON", function()
  local b = tide.batch.fromRows({
    { "10000169349117863715", 0.1, "a\"b", "2022-06-29 02:38:24.177", nil },
    { nil, 1e-5, nil, nil, true },
  }, "id decimal(38,0), p double, s string, at timestamp, ok boolean")
  local df = tide.session():createDataFrame(b)
  local rows = df:select(F.to_json(F.struct("id", "p", "s", "at", "ok")):alias("j")):collect()
  t.eq(rows[1].j, '{"id":10000169349117863715,"p":0.1,"s":"a\\"b","at":"2022-06-29T02:38:24.177Z"}')
  t.eq(rows[2].j, '{"p":1.0E-5,"ok":true}')
end)

t.test("to_json output reads back with from_json", function()
  local df = frame { '{"id":"10000720757801103869","hour":14102100,"site_id":"d6137915","p":0.25}' }
  local rows = df:select(F.to_json(F.from_json("value", SCHEMA)):alias("j")):collect()
  t.eq(rows[1].j, '{"id":10000720757801103869,"hour":14102100,"site_id":"d6137915","p":0.25}')
end)

t.run()
