-- Two Kafka sources in one query, as Spark's impressions and clicks: a
-- join of two streams and a union of streams over two readStream calls,
-- read as one source subscribed to the topics of both (tide.stream_sides),
-- against the real broker. Every pair (row) once across a restart, the
-- checkpoint holding both topics' offsets; sources that cannot be read as
-- one fail at the call, naming why.
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

-- Runs df to the end of what the topics hold (availableNow), with its
-- checkpoint in cp: every row written, sorted, and the query.
local function run(df, cp, mode)
  local rows = {}
  local q = df.writeStream:outputMode(mode or "append"):foreachBatch(function(batch)
    for _, r in ipairs(t.rows(batch)) do rows[#rows + 1] = r end
  end):option("checkpointLocation", cp):trigger { availableNow = true }:start()
  q:awaitTermination(60)
  table.sort(rows)
  return rows, q
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
  -- one source, of both topics, in the progress and the checkpoint
  local source = q:lastProgress().sources[1]
  t.eq(source.description, ("KafkaV2[Subscribe[%s,%s]]"):format(imps, clicks))
  t.eq(source.endOffset[clicks]["0"], 3)
  t.eq(source.endOffset[imps]["0"] + source.endOffset[imps]["1"], 5)
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
  -- a third source joins the two read as one
  local c = topic("union_c", 1)
  produce(c, { { 7, "00:00:07" } })
  local three = kafka(a):select("topic"):union(kafka(b):select("topic")):union(kafka(c):select("topic"))
  local rows, q = run(three:groupBy("topic"):count(), t.tempdir() .. "/cp", "complete")
  t.same_table(rows, { a .. "|3", b .. "|3", c .. "|1" })
  t.eq(q:lastProgress().sources[1].description, ("KafkaV2[Subscribe[%s,%s,%s]]"):format(a, b, c))
  -- offsets by topic in JSON, one for each source: both apply
  local one = kafka(a, { startingOffsets = ('{"%s":{"0":-1,"1":-1}}'):format(a) }):select("topic")
  local other = kafka(b, { startingOffsets = ('{"%s":{"0":1}}'):format(b) }):select("topic")
  t.same_table(run(one:union(other), t.tempdir() .. "/cp"), { b, b })
end)

t.test("Kafka sources that cannot be read as one fail at the call, naming why", function()
  local a, b = topic("apart_a", 1), topic("apart_b", 1)
  produce(a, { { 1, "00:00:01" } })
  local base = kafka(a):select("value")
  local function with(options) return kafka(b, options):select("value") end
  local prefix = "union of streaming DataFrames of different sources is not supported: "
  local host, port = bootstrap:match("^([^:,]+):(%d+)")
  local other_name = (host == "localhost" and "127.0.0.1" or "localhost") .. ":" .. port
  t.raises_at_caller({ -- (plain texts)
    { function() base:union(with { ["kafka.bootstrap.servers"] = other_name }) end,
      "option kafka.bootstrap.servers differs" },
    { function() base:union(with { startingOffsets = "latest" }) end,
      "option startingOffsets differs (earliest and latest): give both the same, or JSON by topic" },
    { function() base:union(with { maxOffsetsPerTrigger = 10 }) end,
      "option maxOffsetsPerTrigger is given for one of them only" },
    { function() base:union(with { failOnDataLoss = "false" }) end, "option failondataloss differs" },
    { function()
        local pattern = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
          :option("subscribePattern", b):load():select("value")
        local united = base:union(pattern)
        return united
      end, "each needs option subscribe (not subscribePattern or assign)" },
    { function()
        local dir = t.tempdir()
        local united = base:selectExpr("CAST(value AS STRING) AS value"):union(spark.readStream:text(dir))
        return united
      end, ("they read KafkaV2[Subscribe[%s]] and FileStreamSource"):format(a) },
  })
  local err = t.raises(function() base:union(with { startingOffsets = "latest" }) end)
  t.has(err, prefix)
end)

t.run()
