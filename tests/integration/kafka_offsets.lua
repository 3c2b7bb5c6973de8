-- startingOffsets and endingOffsets against the real Kafka broker, as
-- Spark takes them: an offset beyond a partition's log end fails at the
-- start, naming the topic, partition, offset and the log's bounds (not
-- records deleted); an offset below the log start reads what is left, the
-- records deleted reported as lost (failOnDataLoss); -2 and -1 are
-- earliest and latest, except where a batch read would read nothing. The
-- timestamp options start (end) each partition at its first record at or
-- after a time. A pattern matching no topic yet reads the topics that come
-- to match it.
local t = require("testing")
local has = t.has
local tide = require("tide")
local spark = tide.session()

local bootstrap = t.kafka_bootstrap()
local admin = tide.admin.client(bootstrap)

-- A topic of 2 partitions holding n keyed records (the same keys land in
-- the same partitions every run); its name.
local function topic(n)
  local name = t.unique("offsets")
  admin:createTopic(name, 2)
  local values = {}
  for i = 1, n do values[i] = "key-" .. i end
  tide.kafka.produce { bootstrap = bootstrap, topic = name, values = values, keys = values }
  return name
end

local function json(name, p0, p1) return ('{"%s":{"0":%d,"1":%d}}'):format(name, p0, p1) end

local function stream(name, options)
  local r = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", name)
  for k, v in pairs(options) do r = r:option(k, v) end
  return r:load()
end

-- Runs a stream to its end (availableNow); the values read, sorted.
local function read_all(df)
  local values = {}
  local q = df.writeStream:foreachBatch(function(b)
    for _, r in ipairs(b:selectExpr("CAST(value AS STRING) AS v"):collect()) do values[#values + 1] = r.v end
  end):option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
  q:awaitTermination(60)
  table.sort(values)
  return values
end

local function batch_read(name, starting, ending)
  local r = spark.read:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", name)
  if starting then r = r:option("startingOffsets", starting) end
  if ending then r = r:option("endingOffsets", ending) end
  return r:load()
end

-- The records of each partition, which a test's offsets need at least
-- `least` of.
local function counts(name, least)
  local per = { [0] = 0, [1] = 0 }
  for _, r in ipairs(batch_read(name):collect()) do per[r.partition] = per[r.partition] + 1 end
  t.ok(per[0] >= least and per[1] >= least, ("%d and %d records"):format(per[0], per[1]))
  return per
end

t.test("startingOffsets beyond a partition's end fails at the start, naming it and the log's bounds", function()
  local name = topic(6)
  local per = counts(name, 1)
  for _, lenient in ipairs({ "true", "false" }) do
    local err = t.raises(function()
      stream(name, { startingOffsets = json(name, 999999, 0), failOnDataLoss = lenient })
        .writeStream:foreachBatch(function() end):option("checkpointLocation", t.tempdir() .. "/cp"):start()
        :awaitTermination(20)
    end)
    has(err, ("kafka source: option startingOffsets: offset 999999 of topic %s partition 0 is beyond the end of "
      .. "its log (earliest offset 0, latest %d); give an offset from 0 to %d, or -2 (earliest) or -1 (latest)")
      :format(name, per[0], per[0]))
    for _, wrong in ipairs({ "deleted", "retention", "recreated", "lost" }) do
      t.ok(not err:find(wrong, 1, true), "not about records " .. wrong .. ": " .. err)
    end
  end
end)

t.test("a batch read's endingOffsets beyond the end fails at once, naming it", function()
  local name = topic(6)
  local per = counts(name, 2)
  local t0 = tide.now()
  local err = t.raises(function() batch_read(name, nil, json(name, 999999, -1)):count() end)
  t.ok(tide.now() - t0 < 10, "at once, not after the fetch timeout: " .. (tide.now() - t0) .. " s")
  has(err, ("kafka source: option endingOffsets: offset 999999 of topic %s partition 0 is beyond the end of its "
    .. "log (earliest offset 0, latest %d); give an offset from 0 to %d, or -1 (latest)"):format(name, per[0], per[0]))
  err = t.raises(function() batch_read(name, json(name, per[0] + 5, -2)):count() end)
  has(err, ("offset %d of topic %s partition 0 is beyond the end of its log"):format(per[0] + 5, name))
  err = t.raises(function() batch_read(name, json(name, 2, 0), json(name, 1, -1)):count() end)
  has(err, ("kafka source: topic %s partition 0: startingOffsets gives offset 2, after endingOffsets's 1"):format(name))
end)

t.test("startingOffsets below the log start reads what is left, the deleted records reported as lost", function()
  local name = topic(20)
  local per = counts(name, 4)
  admin:deleteRecords(name, 0, 4)
  local values = read_all(stream(name, { startingOffsets = json(name, 0, 0), failOnDataLoss = "false" }))
  t.eq(#values, per[0] + per[1] - 4, "all but the 4 deleted")
  local err = t.raises(function()
    stream(name, { startingOffsets = json(name, 1, 0) }).writeStream:foreachBatch(function() end)
      :option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
      :awaitTermination(60)
  end)
  has(err, ("records of KafkaV2[Subscribe[%s]] are no longer in Kafka (deleted by retention, or the topic was "
    .. "recreated): topic %s partition 0 offsets [1, 4)"):format(name, name))
  has(err, "Set failOnDataLoss to false")
end)

t.test("-2 and -1 are earliest and latest; a batch read can neither start at latest nor end at earliest", function()
  local name = topic(6)
  local per = counts(name, 1)
  local values = read_all(stream(name, { startingOffsets = json(name, -2, -1) }))
  t.eq(#values, per[0], "partition 0 from its earliest, partition 1 from its latest")
  t.eq(batch_read(name, json(name, -2, 1), json(name, -1, per[1])):count(), per[0] + per[1] - 1)
  local refused = {
    { json(name, -1, 0), nil, "option startingOffsets: topic %s partition 0: -1 (latest) is not allowed in a batch "
      .. "read (spark.read): it would read nothing; use -2 (earliest) or an offset" },
    { "latest", nil, "option startingOffsets cannot be latest in a batch read (spark.read)" },
    { nil, json(name, -2, -1), "option endingOffsets: topic %s partition 0: -2 (earliest) is not allowed in a batch "
      .. "read (spark.read): it would read nothing; use -1 (latest) or an offset" },
    { nil, "earliest", "option endingOffsets cannot be earliest in a batch read (spark.read)" },
    { json(name, -3, 0), nil, "option startingOffsets: topic %s partition 0: -3 is not an offset (a whole number >= 0, "
      .. "or -2 (earliest))" },
    { ('{"%s":{"0":1.5,"1":0}}'):format(name), nil, "option startingOffsets: topic %s partition 0: 1.5 is not an offset" },
  }
  for _, case in ipairs(refused) do
    -- at load(), as Spark checks them
    local err = t.raises(function() batch_read(name, case[1], case[2]) end)
    has(err, case[3]:format(name))
  end
  local err = t.raises(function() batch_read(name, ('{"%s":{"0":0,"1":0,"7":0}}'):format(name)):count() end)
  has(err, ("option startingOffsets gives an offset for topic %s partition 7, which KafkaV2[Subscribe[%s]] does not "
    .. "read"):format(name, name))
end)

t.test("a checkpoint of another topic fails naming the topics, not a deletion", function()
  local first, second = topic(4), topic(4)
  local cp = t.tempdir() .. "/cp"
  local function run(name)
    local q = stream(name, { startingOffsets = "earliest" }).writeStream:foreachBatch(function() end)
      :option("checkpointLocation", cp):trigger { availableNow = true }:start()
    return pcall(q.awaitTermination, q, 60)
  end
  t.ok(run(first), "the first topic's query")
  local ok, err = run(second)
  t.ok(not ok, "a query of another topic on that checkpoint fails")
  has(err, ("the checkpoint has offsets of topic %s, which this query's options"):format(first))
  has(err, "give a changed query a new checkpointLocation")
  t.ok(not err:find("deleted", 1, true), err)
  -- (the error of availableNow's end ended the query: it had escaped the
  -- batch, and left the query active to fail whoever ran the loop next)
  t.eq(#spark.streams:active(), 0, "no query left active")
end)

t.test("a misspelt earliest or latest is suggested", function()
  local name = topic(2)
  has(t.raises(function() stream(name, { startingOffsets = "earlist" }) end),
    'option startingOffsets must be earliest, latest or JSON of offsets, not "earlist"; did you mean "earliest"?')
  has(t.raises(function() batch_read(name, nil, "lates") end), 'did you mean "latest"?')
end)

t.test("a subscribePattern that matches no topic yet reads none, then the topics that come to match it", function()
  local prefix = t.unique("pattern") .. "_"
  local function pattern_reader(r)
    -- (Java's syntax, as Kafka's consumer: \d)
    return r:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribePattern", prefix .. "\\d+")
  end
  t.eq(pattern_reader(spark.read):load():count(), 0, "a batch read of no topic is empty")
  local values = {}
  local q = pattern_reader(spark.readStream):load().writeStream:foreachBatch(function(b)
    for _, r in ipairs(b:selectExpr("CAST(value AS STRING) AS v"):collect()) do values[#values + 1] = r.v end
  end):option("checkpointLocation", t.tempdir() .. "/cp"):start()
  tide.sleep(0.5)
  t.ok(q:isActive(), tostring(q:exception()))
  admin:createTopic(prefix .. "x1", 1) -- does not match
  tide.kafka.produce { bootstrap = bootstrap, topic = prefix .. "x1", values = { "no" } }
  admin:createTopic(prefix .. "42", 2)
  tide.kafka.produce { bootstrap = bootstrap, topic = prefix .. "42", values = { "x", "y", "z" } }
  t.wait_for(function() return #values >= 3 or not q:isActive() end, 60)
  tide.sleep(0.5)
  q:stop()
  table.sort(values)
  t.same_table(values, { "x", "y", "z" })
end)

t.test("minOffsetsPerTrigger above maxOffsetsPerTrigger is refused at load, as Spark refuses it", function()
  has(t.raises(function() stream(topic(1), { minOffsetsPerTrigger = 50, maxOffsetsPerTrigger = 10 }) end),
    "The value of minOffsetPerTrigger(50) is higher than the maxOffsetsPerTrigger(10).")
end)

-- Records a..d, then (after a moment) e..h, keyed so that each half
-- spreads over both partitions; the timestamp (ms) between the halves.
local function two_halves()
  local name = t.unique("times")
  admin:createTopic(name, 2)
  local keys = { "1", "2", "3", "4" }
  tide.kafka.produce { bootstrap = bootstrap, topic = name, values = { "a", "b", "c", "d" }, keys = keys }
  tide.sleep(0.05)
  local between = math.floor(tide.now() * 1000)
  tide.sleep(0.05)
  tide.kafka.produce { bootstrap = bootstrap, topic = name, values = { "e", "f", "g", "h" }, keys = keys }
  return name, between
end

local function values(df)
  return table.concat(t.sorted_values(df:selectExpr("CAST(value AS STRING) AS v"), "v"), ",")
end

local function timed_read(name, options)
  local r = spark.read:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", name)
  for k, v in pairs(options) do r = r:option(k, v) end
  return r:load()
end

t.test("startingTimestamp and endingTimestamp read the records at or after / before a time, as Spark", function()
  local name, between = two_halves()
  t.eq(values(timed_read(name, { startingTimestamp = between })), "e,f,g,h")
  t.eq(values(timed_read(name, { endingTimestamp = between })), "a,b,c,d")
  -- the timestamp option wins over the offsets option
  t.eq(values(timed_read(name, { startingTimestamp = between, startingOffsets = "earliest" })), "e,f,g,h")
  -- a stream starts there too
  t.same_table(read_all(stream(name, { startingTimestamp = between })), { "e", "f", "g", "h" })
end)

t.test("startingOffsetsByTimestamp: a time per partition, every partition named", function()
  local name, between = two_halves()
  -- partition 0 from the time on, partition 1 from its first record
  local want = {}
  for _, r in ipairs(timed_read(name, {}):selectExpr("partition", "CAST(value AS STRING) AS v", "timestamp"):collect()) do
    if r.partition == 1 or r.timestamp >= between * 1000 then want[#want + 1] = r.v end
  end
  table.sort(want)
  t.ok(#want > 0 and #want < 8, table.concat(want, ","))
  local spec = ('{"%s":{"0":%d,"1":0}}'):format(name, between)
  t.eq(values(timed_read(name, { startingOffsetsByTimestamp = spec })), table.concat(want, ","))
  has(t.raises(function() timed_read(name, { startingOffsetsByTimestamp = ('{"%s":{"0":0}}'):format(name) }):count() end),
    ("option startingOffsetsByTimestamp does not give a timestamp for topic %s partition 1"):format(name))
end)

t.test("a start time after every record fails by default, or starts at the latest offset with strategy latest", function()
  local name = topic(4)
  local later = math.floor(tide.now() * 1000) + 3600 * 1000
  local err = t.raises(function() timed_read(name, { startingTimestamp = later }):count() end)
  has(err, ("option startingTimestamp: topic %s partition "):format(name))
  has(err, ("has no record at or after timestamp %d"):format(later))
  has(err, "set startingOffsetsByTimestampStrategy to latest")
  t.eq(timed_read(name, { startingTimestamp = later, startingOffsetsByTimestampStrategy = "latest" }):count(), 0)
  -- an ending time after every record ends at the latest offset
  t.eq(timed_read(name, { endingTimestamp = later }):count(), 4)
end)

t.run()
