-- Structured streaming against the real Kafka broker: starting offsets,
-- several topics and partitions, maxOffsetsPerTrigger, batch reads with
-- ending offsets, the console and file sinks, progress, failOnDataLoss,
-- from_json modes, and recovery after SIGKILL.
local t = require("testing")
local tide = require("tide")
local F, T = tide.functions, tide.types
local spark = tide.session()

local bootstrap = t.kafka_bootstrap()
local admin = tide.admin.client(bootstrap)
local tmp = t.tempdir()

local function topic(name, partitions, config)
  local name_ = t.unique(name)
  admin:createTopic(name_, partitions or 3, config)
  return name_
end

local function produce(name, values, keys)
  return tide.kafka.produce { bootstrap = bootstrap, topic = name, values = values, keys = keys }
end

local function numbered(prefix, from, to)
  local out = {}
  for i = from, to do out[#out + 1] = ("%s-%d"):format(prefix, i) end
  return out
end

local function stream(options)
  local r = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
  for k, v in pairs(options) do r = r:option(k, v) end
  return r:load()
end

-- Runs df into a memory table until it holds `want` rows (or 30 s pass).
local function collect_stream(df, want, writer_options)
  local name = t.unique("mem")
  local w = df.writeStream:format("memory"):queryName(name)
  for k, v in pairs(writer_options or {}) do w = w:option(k, v) end
  local q = w:start()
  local deadline = tide.now() + 30
  while spark:table(name):count() < want and tide.now() < deadline and q:isActive() do tide.sleep(0.05) end
  tide.sleep(0.2) -- anything beyond `want` would show up now
  q:stop()
  if q:exception() then error(q:exception()) end
  return spark:table(name), q
end

local function sorted_values(df) return t.sorted_values(df:selectExpr("CAST(value AS STRING) AS v"), "v") end

local function same_set(actual, expected, what)
  table.sort(expected)
  t.eq(#actual, #expected, what .. ": count")
  t.same_table(actual, expected, what)
end

t.test("earliest reads the backlog, with Spark's Kafka columns", function()
  local name = topic("earliest")
  produce(name, numbered("e", 1, 300), numbered("key", 1, 300)) -- keyed: spread over the partitions
  local df = collect_stream(stream { subscribe = name, startingOffsets = "earliest" }, 300)
  same_set(sorted_values(df), numbered("e", 1, 300), "every record once")
  t.eq(df.schema:simpleString(),
    "struct<key:binary,value:binary,topic:string,partition:int,offset:bigint,timestamp:timestamp,timestampType:int>")
  local parts = {}
  for _, r in ipairs(df:collect()) do parts[r.partition] = true; t.eq(r.topic, name) end
  t.ok(parts[0] and parts[1] and parts[2], "all three partitions")
end)

t.test("latest skips what was there before the query started", function()
  local name = topic("latest")
  produce(name, numbered("old", 1, 50))
  local mem = t.unique("latest_mem")
  local q = stream { subscribe = name, startingOffsets = "latest" }.writeStream
    :format("memory"):queryName(mem):start()
  tide.sleep(0.5) -- the query resolves "latest" at its start
  produce(name, numbered("new", 1, 40))
  local deadline = tide.now() + 20
  while spark:table(mem):count() < 40 and tide.now() < deadline do tide.sleep(0.05) end
  q:stop()
  same_set(sorted_values(spark:table(mem)), numbered("new", 1, 40), "only new records")
end)

t.test("JSON starting offsets per partition, -2 for earliest", function()
  local name = topic("json_offsets", 1)
  produce(name, numbered("j", 0, 99))
  local df = collect_stream(stream { subscribe = name, startingOffsets = ('{"%s":{"0":60}}'):format(name) }, 40)
  same_set(sorted_values(df), numbered("j", 60, 99), "from offset 60")
  df = collect_stream(stream { subscribe = name, startingOffsets = ('{"%s":{"0":-2}}'):format(name) }, 100)
  t.eq(df:count(), 100)
end)

t.test("several topics at once, named with spaces as the seed wrote them", function()
  local users, logs = topic("users", 2), topic("logs", 3)
  produce(users, numbered("u", 1, 20))
  produce(logs, numbered("l", 1, 30))
  local df = collect_stream(stream { subscribe = users .. ", " .. logs, startingOffsets = "earliest" }, 50)
  local all = numbered("u", 1, 20)
  for _, v in ipairs(numbered("l", 1, 30)) do all[#all + 1] = v end
  same_set(sorted_values(df), all, "both topics")
  local demo = df:where(F.col("topic"):eq(logs))
  t.eq(demo:count(), 30)
end)

t.test("subscribePattern picks up a matching topic created while the query runs; assign reads given partitions", function()
  local prefix = t.unique("pattern")
  local first = prefix .. "_a"
  admin:createTopic(first, 2)
  produce(first, numbered("a", 1, 20))
  local name = t.unique("mem")
  local q = stream { subscribePattern = prefix .. "_.*", startingOffsets = "earliest" }
    .writeStream:format("memory"):queryName(name):start()
  local deadline = tide.now() + 30
  while spark:table(name):count() < 20 and tide.now() < deadline do tide.sleep(0.05) end
  local second = prefix .. "_b"
  admin:createTopic(second, 1)
  produce(second, numbered("b", 1, 10))
  while spark:table(name):count() < 30 and tide.now() < deadline do tide.sleep(0.05) end
  q:stop()
  local expected = numbered("a", 1, 20)
  for _, v in ipairs(numbered("b", 1, 10)) do expected[#expected + 1] = v end
  same_set(sorted_values(spark:table(name)), expected, "both topics, the new one from its earliest offset")

  local keyed = topic("assign", 2)
  produce(keyed, numbered("v", 1, 40), numbered("key", 1, 40))
  local all = spark.read:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", keyed)
    :load():filter("partition = 1"):count()
  local df = collect_stream(stream { assign = ('{"%s":[1]}'):format(keyed), startingOffsets = "earliest" }, all)
  t.eq(df:count(), all, "partition 1 only")
  for _, r in ipairs(df:collect()) do t.eq(r.partition, 1) end
end)

t.test("maxOffsetsPerTrigger splits a backlog into several epochs", function()
  local name = topic("capped")
  produce(name, numbered("c", 1, 1000))
  local sizes = {}
  local q = stream { subscribe = name, startingOffsets = "earliest", maxOffsetsPerTrigger = 250 }.writeStream
    :foreachBatch(function(df) sizes[#sizes + 1] = df:count() end)
    :option("checkpointLocation", tmp .. "/capped"):trigger { availableNow = true }:start()
  q:awaitTermination(60)
  local total = 0
  for _, n in ipairs(sizes) do
    t.ok(n <= 250, "batch of " .. n)
    total = total + n
  end
  t.eq(total, 1000)
  t.ok(#sizes >= 4, #sizes .. " batches")
end)

t.test("a batch read takes exactly [startingOffsets, endingOffsets)", function()
  local name = topic("batch", 2)
  -- Keyed records: the partitioner spreads them the same way every run
  -- (records without keys may all land in one partition).
  produce(name, numbered("b", 1, 100), numbered("key", 1, 100))
  local parts = {}
  for _, r in ipairs(spark.read:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
      :option("subscribe", name):load():collect()) do
    parts[r.partition] = math.max(parts[r.partition] or 0, r.offset + 1)
  end
  t.ok(parts[0] and parts[0] >= 3 and parts[1], "records in both partitions")
  local df = spark.read:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", name)
    :option("startingOffsets", ('{"%s":{"0":1,"1":-2}}'):format(name))
    :option("endingOffsets", ('{"%s":{"0":%d,"1":-1}}'):format(name, parts[0] - 1))
    :load()
  t.eq(df:count(), 100 - 2, "one record cut at each end of partition 0")
  t.eq(df.isStreaming, false)
end)

t.test("the console sink prints Spark's batch header and table", function()
  local name = topic("console", 1)
  produce(name, { "hello" })
  local script = tmp .. "/console.lua"
  local f = assert(io.open(script, "w"))
  f:write(([[
    local spark = require("tide").session()
    local q = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", %q)
      :option("subscribe", %q):option("startingOffsets", "earliest"):load()
      :selectExpr("CAST(value AS STRING) AS value", "offset")
      .writeStream:format("console"):trigger{ once = true }:start()
    q:awaitTermination()
  ]]):format(bootstrap, name))
  f:close()
  local out, status = t.sh(os.getenv("TIDE_BIN") .. " run " .. script)
  t.eq(status, 0, out)
  t.ok(out:find("-------------------------------------------\nBatch: 0\n-------------------------------------------\n" ..
    "+-----+------+\n|value|offset|\n+-----+------+\n|hello|     0|\n+-----+------+\n", 1, true), out)
end)

t.test("json and csv file sinks write each record once", function()
  local name = topic("files")
  produce(name, numbered("f", 1, 200))
  for _, fmt in ipairs({ "json", "csv" }) do
    local dir = tmp .. "/out_" .. fmt
    local q = stream { subscribe = name, startingOffsets = "earliest", maxOffsetsPerTrigger = 70 }
      :selectExpr("CAST(value AS STRING) AS v", "partition")
      .writeStream:format(fmt):option("path", dir):option("checkpointLocation", dir .. "_cp")
      :trigger { availableNow = true }:start()
    q:awaitTermination(60)
    local values = {}
    local files = t.sh("ls " .. dir)
    for file in files:gmatch("[^\n]+") do
      for line in io.lines(dir .. "/" .. file) do
        local v = fmt == "json" and line:match('"v":"([^"]+)"') or line:match("^([^,]+),")
        values[#values + 1] = v
      end
    end
    table.sort(values)
    same_set(values, numbered("f", 1, 200), fmt .. " files")
  end
end)

t.test("progress describes the Kafka source like Spark", function()
  local name = topic("progress", 2)
  produce(name, numbered("p", 1, 100))
  local _, q = collect_stream(stream { subscribe = name, startingOffsets = "earliest" }, 100)
  local p = q:lastProgress()
  local src = p.sources[1]
  t.eq(src.description, ("KafkaV2[Subscribe[%s]]"):format(name))
  local total = 0
  for _, off in pairs(src.endOffset[name]) do total = total + off end
  t.eq(total, 100, "end offsets add up to the records")
  t.ok(src.metrics and src.metrics.maxOffsetsBehindLatest == "0", "caught up")
  t.ok(p.processedRowsPerSecond > 0)
  for _, k in ipairs({ "latestOffset", "walCommit", "getBatch", "addBatch", "commitOffsets", "triggerExecution" }) do
    t.ok(type(p.durationMs[k]) == "number", "durationMs." .. k)
  end
end)

t.test("failOnDataLoss: true fails naming the partition, false counts and goes on", function()
  local name = topic("lossy", 1)
  produce(name, numbered("x", 0, 99))
  local cp = tmp .. "/lossy_cp"
  local function run(fail)
    local seen = {}
    local q = stream { subscribe = name, startingOffsets = "earliest", maxOffsetsPerTrigger = 50,
      failOnDataLoss = tostring(fail) }.writeStream
      :foreachBatch(function(df) for _, v in ipairs(sorted_values(df)) do seen[#seen + 1] = v end end)
      :option("checkpointLocation", cp):trigger { once = true }:start()
    local ok, err = pcall(q.awaitTermination, q, 30)
    return seen, ok, err, q
  end
  local seen = run(true)
  t.eq(#seen, 100, "the first run reads everything")   -- once ignores maxOffsetsPerTrigger
  produce(name, numbered("y", 100, 199))
  admin:deleteRecords(name, 0, 150)
  local _, ok, err = run(true)
  t.ok(not ok, "fails")
  t.ok(tostring(err):find(name, 1, true) and tostring(err):find("100"), tostring(err))
  local after, ok2, _, q = run(false)
  t.ok(ok2, "goes on")
  same_set(after, numbered("y", 150, 199), "what is left")
  t.eq(q:lastProgress().numDroppedRows, 50)
end)

t.test("from_json in each mode on malformed, mistyped and non-UTF-8 messages", function()
  local name = topic("dirty", 1)
  produce(name, { '{"id":"18446744073709551615","n":1}', "not json", '{"id":"2","n":"two"}',
    "\255\254 broken", '{"id":"3","n":3}' })
  local schema = T.struct { T.field("id", T.decimal(38, 0)), T.field("n", T.int), T.field("_corrupt", T.string) }
  local function parsed(mode)
    local df = stream { subscribe = name, startingOffsets = "earliest" }
      :select(F.from_json(F.col("value"):cast("string"), schema,
        { mode = mode, columnNameOfCorruptRecord = "_corrupt" }):alias("data"))
      :select("data.*")
    local mem = t.unique("dirty_" .. mode)
    local q = df.writeStream:format("memory"):queryName(mem):trigger { once = true }:start()
    local ok, err = pcall(q.awaitTermination, q, 30)
    return ok and spark:table(mem):collect() or nil, err, q
  end
  local rows, _, q = parsed("PERMISSIVE")
  t.eq(#rows, 5)
  t.eq(rows[1].id, "18446744073709551615")
  t.eq(rows[2].id, nil); t.eq(rows[2]._corrupt, "not json")
  t.eq(rows[3].id, "2"); t.eq(rows[3].n, nil)
  t.eq(q:lastProgress().numMalformedRows, 3)
  rows, _, q = parsed("DROPMALFORMED")
  t.eq(#rows, 2, "only the clean records")
  t.eq(q:lastProgress().numDroppedRows, 3)
  local _, err = parsed("FAILFAST")
  t.ok(tostring(err):find(name .. ".*partition 0.*offset 1"), tostring(err))
end)

t.test("SIGKILL at random moments, then restarts: files exactly once, Kafka at least once", function()
  local input, output = topic("kill_in"), topic("kill_out")
  produce(input, numbered("k", 1, 3000))
  local dir = tmp .. "/kill"
  local script = tmp .. "/kill.lua"
  local f = assert(io.open(script, "w"))
  f:write(([[
    local tide = require("tide")
    local spark = tide.session()
    local df = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", %q)
      :option("subscribe", %q):option("startingOffsets", "earliest")
      :option("maxOffsetsPerTrigger", 100):load()
      :selectExpr("CAST(value AS STRING) AS value")
    local finish = arg[1] == "finish" -- the last run stops once it has caught up
    local function trigger(w) return finish and w:trigger{ availableNow = true } or w end
    local files = trigger(df.writeStream:format("json"):option("path", %q)
      :option("checkpointLocation", %q)):start()
    local kafka = trigger(df.writeStream:format("kafka"):option("kafka.bootstrap.servers", %q)
      :option("topic", %q):option("checkpointLocation", %q)):start()
    files:awaitTermination(); kafka:awaitTermination()
  ]]):format(bootstrap, input, dir .. "/out", dir .. "/cp_files", bootstrap, output, dir .. "/cp_kafka"))
  f:close()
  local bin = os.getenv("TIDE_BIN")
  math.randomseed(os.time())
  for _ = 1, 5 do
    t.sh(("%s run %s & pid=$!; sleep %.2f; kill -KILL $pid; wait $pid"):format(bin, script, 0.2 + math.random() * 0.8))
  end
  local out, status = t.sh(bin .. " run " .. script .. " finish")
  t.eq(status, 0, out)
  local values = {}
  for file in t.sh("ls " .. dir .. "/out"):gmatch("[^\n]+") do
    if file:match("%.json$") then
      for line in io.lines(dir .. "/out/" .. file) do values[#values + 1] = line:match('"value":"([^"]+)"') end
    end
  end
  table.sort(values)
  same_set(values, numbered("k", 1, 3000), "json files: exactly once")
  local copied = {}
  for _, v in ipairs(sorted_values(spark.read:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
      :option("subscribe", output):load())) do copied[v] = true end
  for _, v in ipairs(numbered("k", 1, 3000)) do t.ok(copied[v], v .. " reached the output topic") end
end)

t.run()
