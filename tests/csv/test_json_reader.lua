-- spark.read:json and readStream:format("json"): JSON lines, one object a
-- line, with a schema given or inferred as Spark infers it; malformed lines
-- by mode, named by file and line.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

local write = t.write

-- Each row's values as text, "|"-separated, one row a line.
local function rows(df)
  local out = {}
  local names = df.columns
  for _, row in ipairs(df:collect()) do
    local cells = {}
    for i, name in ipairs(names) do
      local v = row[name]
      cells[i] = (type(v) == "number" and v == math.floor(v)) and ("%d"):format(v) or tostring(v)
    end
    out[#out + 1] = table.concat(cells, "|")
  end
  return table.concat(out, "\n")
end

local function schema_text(df) return df.schema:simpleString() end

t.test("JSON lines with a schema: typed columns; blank lines skipped; CRLF and gzip read", function()
  local dir = t.tempdir()
  local text = '{"id": 18446744073709551615, "site": "a", "price": 1.5, "ts": "2024-01-02 03:04:05"}\n'
    .. "\n   \n"
    .. '{"site": "b", "id": 2, "extra": [1, 2]}\r\n'
    .. '{"id": 3, "site": null, "price": 2}\n'
  write(dir .. "/a.json", text)
  local schema = "id decimal(20,0), site string, price double, ts timestamp"
  local df = spark.read:schema(schema):json(dir .. "/a.json")
  t.eq(schema_text(df), "struct<id:decimal(20,0),site:string,price:double,ts:timestamp>")
  t.eq(rows(df), "18446744073709551615|a|1.5|1704164645000000\n2|b|nil|nil\n3|nil|2|nil")
  t.sh(("gzip -c '%s/a.json' > '%s/b.json.gz'"):format(dir, dir))
  t.eq(rows(spark.read:json(dir .. "/b.json.gz", schema)), rows(df), "gzip")
  t.eq(spark.read:format("json"):schema(schema):load(dir):count(), 6, "a directory: both files")
end)

t.test("a schema is inferred as Spark infers it: fields sorted, numbers widened, conflicts as strings", function()
  local dir = t.tempdir()
  write(dir .. "/a.json", table.concat({
    '{"id": 1, "price": 10.0, "big": 1, "ok": true, "tags": ["x"], "n": {"k": 1, "b": "z"}, "mixed": 1, "none": null}',
    '{"id": 2, "price": 12.0, "big": 18446744073709551615, "n": {"k": 2.5}, "mixed": "one", "empty": {}}',
    '{"id": 3, "price": 1e2, "ok": false, "n": null, "deep": {"a": {"b": 1}}}',
  }, "\n") .. "\n")
  local df = spark.read:json(dir .. "/a.json")
  -- (an object only ever empty is no field: Spark's SPARK-8093)
  t.eq(schema_text(df), "struct<big:decimal(20,0),deep:struct<a:struct<b:bigint>>,id:bigint,"
    .. "mixed:string,n:struct<b:string,k:double>,none:string,ok:boolean,price:double,tags:array<string>>")
  t.eq(rows(df:selectExpr("id", "price", "mixed", "to_json(tags) AS tags", "big")),
    "1|10|1|[\"x\"]|1\n2|12|one|nil|18446744073709551615\n3|100|nil|nil|nil")
  -- a whole number written as one stays a bigint
  write(dir .. "/b.json", '{"a": 1}\n{"a": -9007199254740993}\n')
  t.eq(schema_text(spark.read:json(dir .. "/b.json")), "struct<a:bigint>")
  t.eq(schema_text(spark.read:json(dir .. "/b.json", { primitivesAsString = true })), "struct<a:string>")
end)

t.test("inference takes an empty string for no type yet, and passes over a record null, as Spark's", function()
  -- (expected: Apache Spark 3.5.3 on the same file)
  local path = write(t.tempdir() .. "/e.json", '{"a":"","b":1}\n{"a":1,"b":""}\n5\n{"c":""}\nnull\n')
  local df = spark.read:json(path)
  t.eq(schema_text(df), "struct<_corrupt_record:string,a:bigint,b:bigint,c:string>")
  -- reading, "" is no bigint and null no object: those records are malformed
  t.eq(rows(df), '{"a":"","b":1}|nil|1|nil\n{"a":1,"b":""}|1|nil|nil\n5|nil|nil|nil\nnil|nil|nil|\nnull|nil|nil|nil')
  df = spark.read:json(path, { dropFieldIfAllNull = true })
  t.eq(schema_text(df), "struct<_corrupt_record:string,a:bigint,b:bigint>")
  df = spark.read:json(path, { mode = "DROPMALFORMED" })
  t.eq(schema_text(df), "struct<a:bigint,b:bigint,c:string>")
  t.eq(rows(df), "nil|nil|")
end)

t.test("allowSingleQuotes false makes a string in single quotes malformed, inferring and reading", function()
  -- (expected: Apache Spark 3.5.3 on the same file)
  local path = write(t.tempdir() .. "/q.json", '{"a":1}\n{\'a\':2}\n{"a":"it\'s"}\n')
  t.eq(rows(spark.read:json(path)), "1\n2\nit's")
  local df = spark.read:json(path, { allowSingleQuotes = false })
  t.eq(schema_text(df), "struct<_corrupt_record:string,a:string>")
  t.eq(rows(df), "nil|1\n{'a':2}|nil\nnil|it's")
  t.eq(rows(spark.read:json(path, "a string", { allowSingleQuotes = false })), "1\nnil\nit's")
end)

t.test("a line holding an array of objects is a record of each object, as Spark's (SPARK-3308)", function()
  -- (expected: Apache Spark 3.5.3 on the same file)
  local dir = t.tempdir()
  local path = write(dir .. "/a.json", '{"a":1}\n[{"a":2,"b":3},{"a":4}]\n[]\n[1,2]\n[{"a":5},{"a":"x"}]\n')
  local df = spark.read:json(path)
  t.eq(schema_text(df), "struct<_corrupt_record:string,a:string,b:bigint>")
  t.eq(rows(df), "nil|1|nil\nnil|2|3\nnil|4|nil\n[1,2]|nil|nil\nnil|5|nil\nnil|x|nil")
  -- An element that does not fit makes each row of its line malformed, as
  -- the line is one record to Spark's parser: each keeps the values read,
  -- with the line's text; DROPMALFORMED drops them all.
  df = spark.read:json(path, "a bigint, b bigint, _corrupt_record string")
  local line = '[{"a":5},{"a":"x"}]'
  t.eq(rows(df), '1|nil|nil\n2|3|nil\n4|nil|nil\nnil|nil|[1,2]\n5|nil|' .. line .. '\nnil|nil|' .. line)
  t.eq(rows(spark.read:json(path, "a bigint, b bigint", { mode = "DROPMALFORMED" })), "1|nil\n2|3\n4|nil")
  -- counted: each of its rows
  local q = spark.readStream:json(dir, { schema = "a bigint, b bigint", mode = "DROPMALFORMED" }).writeStream
    :format("memory"):queryName("json_array_lines"):start()
  q:processAllAvailable()
  q:stop()
  t.same_table({ q:lastProgress().numInputRows, q:lastProgress().numDroppedRows }, { 6, 3 })
  -- FAILFAST names the line the array is on.
  local err = t.raises(function() spark.read:json(path, "a bigint", { mode = "FAILFAST" }):collect() end)
  t.has(err, path .. ":4: malformed JSON record (it is not a JSON object. Record: [1,2])")
  write(path, '[{"a":1},{"a":2}]\n{"a":3}\n[{"a":4},{"a":"y"}]\n')
  err = t.raises(function() spark.read:json(path, "a bigint", { mode = "FAILFAST" }):collect() end)
  t.has(err, path .. ':3: malformed JSON record (field "a": a string cannot be read as bigint')
end)

t.test("malformed lines: PERMISSIVE keeps their text, DROPMALFORMED drops them, FAILFAST names file and line", function()
  local dir = t.tempdir()
  local path = dir .. "/a.json"
  write(path, '{"id": 1}\n\n{"id": oops}\n{"id": 2\n[1, 2]\n{"id": 3}\n')
  local inferred = spark.read:json(path)
  t.eq(schema_text(inferred), "struct<_corrupt_record:string,id:bigint>")
  t.eq(rows(inferred), 'nil|1\n{"id": oops}|nil\n{"id": 2|nil\n[1, 2]|nil\nnil|3')
  t.eq(rows(spark.read:json(path, { mode = "DROPMALFORMED" })), "1\n3")
  t.eq(rows(spark.read:json(path, "id bigint", { mode = "DROPMALFORMED" })), "1\n3")
  t.eq(rows(spark.read:json(path, "id bigint, bad string", { columnNameOfCorruptRecord = "bad" })),
    '1|nil\nnil|{"id": oops}\nnil|{"id": 2\nnil|[1, 2]\n3|nil')
  -- FAILFAST, when inferring and when reading: the file and the line
  local err = t.raises(function() spark.read:json(path, { mode = "FAILFAST" }) end)
  t.has(err, path .. ":3: malformed JSON record (not valid JSON")
  t.has(err, "Parse mode FAILFAST; use PERMISSIVE or DROPMALFORMED")
  err = t.raises(function() spark.read:json(path, "id bigint", { mode = "FAILFAST" }):collect() end)
  t.has(err, path .. ":3: malformed JSON record (")
  write(path, '{"id": 1}\n\n   \n{"id": "two"}\n')
  err = t.raises(function() spark.read:json(path, "id bigint", { mode = "FAILFAST" }):collect() end)
  t.has(err, path .. ':4: malformed JSON record (field "id": a string cannot be read as bigint')
end)

t.test("lines past the first chunk are named by their own line, in plain and gzip files", function()
  local dir = t.tempdir()
  local lines = {}
  for i = 1, 70000 do
    lines[#lines + 1] = ('{"id": %d}'):format(i)
    if i % 10000 == 0 then lines[#lines + 1] = "" end
  end
  lines[#lines + 1] = '{"id": "x"}'
  write(dir .. "/a.json", table.concat(lines, "\n") .. "\n")
  t.sh(("gzip -c '%s/a.json' > '%s/a.json.gz'"):format(dir, dir))
  for _, name in ipairs({ "a.json", "a.json.gz" }) do
    local err = t.raises(function() spark.read:json(dir .. "/" .. name, "id bigint", { mode = "FAILFAST" }):count() end)
    t.has(err, dir .. "/" .. name .. ":70008: malformed JSON record")
  end
  t.eq(spark.read:json(dir .. "/a.json", "id bigint", { mode = "DROPMALFORMED" }):count(), 70000)
end)

t.test("options tide cannot honour fail at load, naming them", function()
  local dir = t.tempdir()
  write(dir .. "/a.json", '{"id": 1}\n')
  t.raises(function() spark.read:json(dir, { multiLine = true }) end, "multiLine=true is not supported")
  t.raises(function() spark.read:json(dir, { mode = "lenient" }) end, "mode must be PERMISSIVE, DROPMALFORMED or FAILFAST")
  t.raises(function() spark.read:json(dir, { samplingRatio = 0 }) end, "samplingRatio must be in")
  t.raises(function() spark.read:json(dir, { encoding = "latin1" }) end, "is not supported")
  t.raises(function() spark.read:json(dir .. "/missing.json") end, "Path does not exist")
  t.raises(function() spark.read:json(dir, "v vector") end, "does not support vector")
end)

t.test("a stream of JSON files: new files become batches, malformed lines counted", function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  t.raises(function() spark.readStream:format("json"):load(dir) end, "Schema must be specified")
  write(dir .. "/a.json", '{"id": 1}\n{"id": "x"}\n')
  os.execute(("touch -d '2024-01-01 00:00:01' '%s/a.json'"):format(dir))
  write(dir .. "/b.json", '{"id": 2}\n')
  local batches = {}
  local q = spark.readStream:format("json"):schema("id bigint"):option("maxFilesPerTrigger", 1)
    :option("mode", "DROPMALFORMED"):load(dir).writeStream
    :foreachBatch(function(df, epoch) batches[#batches + 1] = epoch .. ":" .. rows(df):gsub("\n", " ") end)
    :option("checkpointLocation", cp):trigger{ availableNow = true }:start()
  t.ok(q:awaitTermination(30))
  t.eq(table.concat(batches, ", "), "0:1, 1:2")
  local first = q:recentProgress()[1]
  t.eq(first.numMalformedRows, 1)
  t.eq(first.numDroppedRows, 1)
end)

t.test("JSON lines: a byte-order mark is skipped; a truncated gzip file fails", function()
  local dir = t.tempdir()
  write(dir .. "/a.json", '\239\187\191{"id": 1}\n{"id": 2}\n')
  t.sh(("gzip -c '%s/a.json' > '%s/b.json.gz'"):format(dir, dir))
  t.eq(rows(spark.read:json(dir .. "/a.json", "id bigint", { mode = "FAILFAST" })), "1\n2")
  t.eq(rows(spark.read:json(dir .. "/b.json.gz", "id bigint", { mode = "FAILFAST" })), "1\n2")
  t.eq(schema_text(spark.read:json(dir .. "/a.json")), "struct<id:bigint>", "inferred: no corrupt column")
  local lines = {}
  for i = 1, 100000 do lines[i] = ('{"id": %d, "name": "n%d"}'):format(i, i) end
  write(dir .. "/big.json", table.concat(lines, "\n") .. "\n")
  t.sh(("cd '%s' && gzip -c big.json | head -c 100000 > cut.json.gz"):format(dir))
  for _, mode in ipairs({ "PERMISSIVE", "DROPMALFORMED", "FAILFAST" }) do
    local err = t.raises(function() spark.read:json(dir .. "/cut.json.gz", "id bigint", { mode = mode }):count() end)
    t.has(err, "cannot read " .. dir .. "/cut.json.gz: unexpected end of gzip data (the file is truncated)")
  end
end)

t.test("JSON lines: a quote is just a byte to the line splitter", function()
  -- (The lines reader quotes nothing: a line with an odd number of quotes
  -- is one record, malformed JSON, and the next line is read.)
  local dir = t.tempdir()
  write(dir .. "/q.json", '{"id": 1, "s": "a\\"b"}\n{"id": 2, "s": "unclosed}\n{"id": 3, "s": "x"}\n')
  local df = spark.read:json(dir .. "/q.json", "id bigint, s string", { mode = "DROPMALFORMED" })
  t.eq(rows(df), '1|a"b\n3|x')
end)

t.test("the JSON writer takes ignoreNullFields, dateFormat and timestampFormat, as Spark's", function()
  -- (expected: the files Apache Spark 3.5.3 wrote for the same row and options)
  local df = spark:sql("SELECT 'a' AS s, CAST(NULL AS INT) AS n, DATE'2024-03-05' AS d,"
    .. " TIMESTAMP'2024-03-05 10:11:12.345678' AS t")
  local function written(opts)
    local dir = t.tempdir() .. "/out"
    local w = df.write
    for k, v in pairs(opts) do w = w:option(k, v) end
    w:json(dir)
    return t.sh(("cat '%s'/part-*.json"):format(dir))
  end
  t.eq(written({}), '{"s":"a","d":"2024-03-05","t":"2024-03-05T10:11:12.345Z"}\n')
  t.eq(written({ ignoreNullFields = false }), '{"s":"a","n":null,"d":"2024-03-05","t":"2024-03-05T10:11:12.345Z"}\n')
  t.eq(written({ dateFormat = "dd/MM/yyyy", timestampFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS" }),
    '{"s":"a","d":"05/03/2024","t":"2024-03-05 10:11:12.345678"}\n')
end)

t.run()
