-- JSON events through the real broker and back through tide's Lua side:
-- produced with tide.kafka.produce, read with tide.kafka.read, decoded with
-- from_json — ids past 2^63, non-ASCII text and NULL keys intact.
local t = require("testing")
local tide = require("tide")
local F, T = tide.functions, tide.types

local bootstrap = t.kafka_bootstrap()
local admin = tide.admin.client(bootstrap)

t.test("JSON events round-trip through the real broker", function()
  local topic = t.unique("roundtrip")
  admin:createTopic(topic, 3)
  local events, keys = {}, {}
  for i = 1, 300 do
    events[i] = ('{"id":"1844674407370955%04d","site_id":"s%d","city":"Zürich","C14":%d}'):format(i, i % 7, 15000 + i)
    keys[i] = i % 2 == 0 and ("k" .. i) or nil
  end
  t.eq(tide.kafka.produce { bootstrap = bootstrap, topic = topic, values = events, keys = keys }, 300)

  local batch = tide.kafka.read { bootstrap = bootstrap, topic = topic, partition = "all", timeout = 30000 }
  t.eq(batch:count(), 300)
  t.same_table(batch:columnNames(), { "key", "value", "topic", "partition", "offset", "timestamp", "timestampType" })

  local spark = tide.session()
  local schema = T.struct { T.field("id", T.decimal(38, 0)), T.field("site_id", T.string),
    T.field("city", T.string), T.field("C14", T.int) }
  local rows = spark:createDataFrame(batch)
    :select(F.col("key"):cast("string"):alias("key"), F.from_json(F.col("value"):cast("string"), schema):alias("e"))
    :select("key", "e.*"):orderBy("C14"):collect()
  t.eq(#rows, 300)
  for i, r in ipairs(rows) do
    t.eq(tostring(r.id), ("1844674407370955%04d"):format(i))
    t.eq(r.city, "Zürich")
    t.eq(r.C14, 15000 + i)
    t.eq(r.key, i % 2 == 0 and ("k" .. i) or nil)
  end
end)

-- ---- the sink's send/flush (the producer's path) ---------------------------------------

local kafka_sink = require("tide.sinks.kafka")
local batchlib = require("tide.batch")

local function values_batch(n, width, tag)
  local rows = {}
  for i = 1, n do rows[i] = { ("%s-%06d-"):format(tag, i) .. ("v"):rep(width) } end
  return batchlib.fromRows(rows, "value string"), rows
end

t.test("sent records borrow their batch: dropped by the caller before delivery, they arrive intact", function()
  local topic = t.unique("borrow")
  admin:createTopic(topic, 3)
  local sink = kafka_sink.new({ opts = { ["kafka.bootstrap.servers"] = bootstrap, topic = topic,
    ["kafka.linger.ms"] = "200" } }, T.fromDDL("value string"))
  local want = {}
  for round = 1, 4 do
    local b, rows = values_batch(2000, 100, "r" .. round)
    t.eq(sink:send(b), 2000)
    for _, r in ipairs(rows) do want[#want + 1] = r[1] end
    -- The caller's reference goes, and freed arena memory is reused at
    -- once by new batches: only the sink's reference keeps the payloads.
    b = nil
    collectgarbage("collect")
    collectgarbage("collect")
    for _ = 1, 4 do values_batch(2000, 100, "junk") end
  end
  t.eq(sink:flush(), 8000)
  sink:stop()
  local got = {}
  for _, r in ipairs(tide.kafka.read { bootstrap = bootstrap, topic = topic, partition = "all", timeout = 30000 }:collect()) do
    got[#got + 1] = r.value
  end
  table.sort(got)
  table.sort(want)
  t.eq(#got, #want)
  t.same_table(got, want)
end)

t.test("records the broker refuses are counted and reported by flush; the sink goes on", function()
  local topic = t.unique("refused")
  admin:createTopic(topic, 1, { ["max.message.bytes"] = "2000" })
  local sink = kafka_sink.new({ opts = { ["kafka.bootstrap.servers"] = bootstrap, topic = topic } },
    T.fromDDL("value string"))
  local small = values_batch(10, 10, "ok")
  t.eq(sink:send(small), 10)
  t.eq(sink:flush(), 10)
  local big = values_batch(5, 5000, "big")
  t.eq(sink:send(big), 5, "enqueued: the broker has not answered yet")
  t.raises(function() sink:flush() end, "5 records not written: topic " .. topic .. " partition 0: ")
  t.eq(sink:send(values_batch(3, 10, "again")), 3)
  t.eq(sink:flush(), 3)
  sink:stop()
  t.eq(tide.kafka.read { bootstrap = bootstrap, topic = topic, timeout = 30000 }:count(), 13)
end)

t.test("ensureTopic creates a missing topic once and leaves one that exists as it is", function()
  local topic = t.unique("ensure")
  t.eq(admin:partitionCount(topic), nil)
  admin:ensureTopic(topic, 3)
  t.eq(admin:partitionCount(topic), 3)
  admin:ensureTopic(topic, 5):ensureTopic(topic, 1)
  t.eq(admin:partitionCount(topic), 3)
  admin:deleteTopic(topic)
end)

t.run()
