-- Kafka sources in one query, as Spark's impressions and clicks: a join
-- of two streams and unions of streams over readStream calls of their
-- own, each source with its own consumer, options and offsets (a line
-- each in offsets/N), against the real broker; every pair (row) once
-- across a restart. A Kafka source with a file stream too.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local bootstrap = t.kafka_bootstrap()
local topic = t.kafka_topic

-- Events {"ad": ad, "at": "2024-01-01 hh:mm:ss"} produced to topic_name.
local function produce(topic_name, events)
  local values = {}
  for i, e in ipairs(events) do values[i] = ('{"ad":%d,"at":"2024-01-01 %s"}'):format(e[1], e[2]) end
  t.eq(tide.kafka.produce { bootstrap = bootstrap, topic = topic_name, values = values }, #values)
end

local function kafka(topic_name, options)
  local r = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
    :option("subscribe", topic_name):option("startingOffsets", "earliest")
  for k, v in pairs(options or {}) do r = r:option(k, v) end
  return r:load()
end

-- topic_name's events as (<prefix>Ad, <prefix>Time), Spark's example's columns.
local function parsed(topic_name, prefix)
  return kafka(topic_name):select(F.from_json(F.col("value"):cast("string"), "ad int, at timestamp"):alias("e"))
    :select(F.col("e.ad"):alias(prefix .. "Ad"), F.col("e.at"):alias(prefix .. "Time"))
end

-- Runs df to the end of what its sources hold (availableNow), with its
-- checkpoint in cp: every row written, sorted, the query, and the rows of
-- each batch.
local function run(df, cp, mode)
  local rows, counts = {}, {}
  local q = df.writeStream:outputMode(mode or "append"):foreachBatch(function(batch)
    local list = t.rows(batch)
    counts[#counts + 1] = #list
    for _, r in ipairs(list) do rows[#rows + 1] = r end
  end):option("checkpointLocation", cp):trigger { availableNow = true }:start()
  q:awaitTermination(60)
  t.eq(q:exception(), nil)
  table.sort(rows)
  return rows, q, counts
end

local function source_lines(path)
  local out = {}
  for line in t.read(path):gmatch("[^\n]+") do out[#out + 1] = line end
  return { unpack(out, 3) }
end

t.test("Spark's impressions and clicks: two Kafka sources joined with watermarks and a time range; each pair once",
  function()
  local imps, clicks = topic("imps", 2), topic("clicks", 1)
  produce(imps, { { 1, "00:00:01" }, { 2, "00:00:02" }, { 3, "00:00:03" }, { 4, "00:00:04" }, { 6, "00:00:06" } })
  -- ad 6's click comes after the hour the condition allows
  produce(clicks, { { 2, "00:10:00" }, { 4, "00:59:00" }, { 6, "01:00:07" } })
  local cp = t.tempdir() .. "/cp"
  local function query()
    local i = parsed(imps, "impression"):withWatermark("impressionTime", "2 hours")
    local c = parsed(clicks, "click"):withWatermark("clickTime", "3 hours")
    return i:join(c, F.expr("clickAd = impressionAd AND clickTime >= impressionTime"
      .. " AND clickTime <= impressionTime + interval 1 hour")):select("impressionAd", "clickAd")
  end
  local pairs_written, q = run(query(), cp)
  t.same_table(pairs_written, { "2|2", "4|4" })
  -- two sources, each with its own offsets, in the progress and the checkpoint
  local sources = q:lastProgress().sources
  t.eq(#sources, 2)
  t.eq(sources[1].description, ("KafkaV2[Subscribe[%s]]"):format(imps))
  t.eq(sources[2].description, ("KafkaV2[Subscribe[%s]]"):format(clicks))
  t.eq(sources[1].endOffset[imps]["0"] + sources[1].endOffset[imps]["1"], 5)
  t.same_table(sources[2].endOffset, { [clicks] = { ["0"] = 3 } })
  local last = q:lastProgress().batchId
  t.same_table(source_lines(cp .. "/offsets/" .. last), { ('{"%s":{"0":%d,"1":%d}}'):format(imps,
    sources[1].endOffset[imps]["0"], sources[1].endOffset[imps]["1"]), ('{"%s":{"0":3}}'):format(clicks) })
  -- each source's initial offsets, in its own directory
  t.has(t.read(cp .. "/sources/0/0"), imps)
  t.has(t.read(cp .. "/sources/1/0"), clicks)
  -- a restart goes on from both topics' offsets and the kept rows: ad 1's
  -- impression (kept) meets its click now, ad 7's pair is new
  produce(imps, { { 7, "00:30:00" } })
  produce(clicks, { { 1, "00:20:00" }, { 7, "00:31:00" } })
  t.same_table(run(query(), cp), { "1|1", "7|7" })
end)

t.test("a union of two Kafka sources, counted after the union, goes on from its checkpoint", function()
  local a, b = topic("union_a", 2), topic("union_b", 1)
  produce(a, { { 1, "00:00:01" }, { 2, "00:00:02" } })
  produce(b, { { 3, "00:00:03" } })
  local cp = t.tempdir() .. "/cp"
  local function query()
    return kafka(a):select("topic"):union(kafka(b):select("topic")):groupBy("topic"):count()
  end
  t.same_table(run(query(), cp, "complete"), { a .. "|2", b .. "|1" })
  produce(a, { { 4, "00:00:04" } })
  produce(b, { { 5, "00:00:05" }, { 6, "00:00:06" } })
  t.same_table(run(query(), cp, "complete"), { a .. "|3", b .. "|3" })
  -- a third source
  local c = topic("union_c", 1)
  produce(c, { { 7, "00:00:07" } })
  local three = kafka(a):select("topic"):union(kafka(b):select("topic")):union(kafka(c):select("topic"))
  local rows, q = run(three:groupBy("topic"):count(), t.tempdir() .. "/cp", "complete")
  t.same_table(rows, { a .. "|3", b .. "|3", c .. "|1" })
  t.eq(#q:lastProgress().sources, 3)
  t.eq(q:lastProgress().sources[3].description, ("KafkaV2[Subscribe[%s]]"):format(c))
  -- each source's own starting offsets
  local one = kafka(a, { startingOffsets = ('{"%s":{"0":-1,"1":-1}}'):format(a) }):select("topic")
  local other = kafka(b, { startingOffsets = ('{"%s":{"0":1}}'):format(b) }):select("topic")
  t.same_table(run(one:union(other), t.tempdir() .. "/cp"), { b, b })
end)

t.test("each source keeps its own options; a Kafka source joins a file stream", function()
  local a, b = topic("own_a", 1), topic("own_b", 1)
  produce(a, { { 1, "00:00:01" }, { 2, "00:00:02" } })
  produce(b, { { 3, "00:00:03" }, { 4, "00:00:04" }, { 5, "00:00:05" } })
  -- b reads a record a batch, a all of its own in the first
  local limited = kafka(b, { maxOffsetsPerTrigger = 1 }):select("topic")
  local rows, _, counts = run(kafka(a):select("topic"):union(limited), t.tempdir() .. "/cp")
  t.same_table(counts, { 3, 1, 1 })
  t.eq(#rows, 5)
  -- a source of another name for the same broker is a source of its own
  local host, port = bootstrap:match("^([^:,]+):(%d+)")
  local other_name = (host == "localhost" and "127.0.0.1" or "localhost") .. ":" .. port
  local renamed = kafka(b, { ["kafka.bootstrap.servers"] = other_name }):select("topic")
  t.eq(#run(kafka(a):select("topic"):union(renamed), t.tempdir() .. "/cp"), 5)
  -- clicks from files, impressions from Kafka
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  t.write(dir .. "/1.json", '{"clickAd":2,"clickTime":"2024-01-01 00:10:00"}\n')
  local function query()
    local i = parsed(a, "impression"):withWatermark("impressionTime", "2 hours")
    local c = spark.readStream:json(dir, { schema = "clickAd int, clickTime timestamp" })
      :withWatermark("clickTime", "3 hours")
    return i:join(c, F.expr("clickAd = impressionAd AND clickTime >= impressionTime"
      .. " AND clickTime <= impressionTime + interval 1 hour")):select("impressionAd", "clickAd")
  end
  local pairs_written, q = run(query(), cp)
  t.same_table(pairs_written, { "2|2" })
  t.eq(q:lastProgress().sources[2].description, "FileStreamSource[file:" .. dir .. "]")
  t.write(dir .. "/2.json", '{"clickAd":1,"clickTime":"2024-01-01 00:20:00"}\n')
  t.same_table(run(query(), cp), { "1|1" })
end)

t.test("minOffsetsPerTrigger, which would hold back the other sources' rows, fails at the start", function()
  local a, b = topic("min_a", 1), topic("min_b", 1)
  local df = kafka(a):select("topic"):union(kafka(b, { minOffsetsPerTrigger = 10 }):select("topic"))
  t.has(t.raises(function() run(df, t.tempdir() .. "/cp") end),
    ("KafkaV2[Subscribe[%s]]: minOffsetsPerTrigger is not supported in a query that reads several sources")
      :format(b))
end)

t.run()
