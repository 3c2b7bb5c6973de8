-- The Kafka sink's partition and headers columns against the real broker,
-- as Spark's sink writes them: records copied from one topic to another
-- keep their partition and their headers (order, repeated keys, null
-- values), in a batch write and in a streaming Kafka -> Kafka query; a
-- partition added after the sink learned the topic's count is written to.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()
local kafka_sink = require("tide.sinks.kafka")

local bootstrap = t.kafka_bootstrap()
local admin = tide.admin.client(bootstrap)

local topic = t.kafka_topic

-- Record i's headers: none for every fifth, else a repeated key, a null
-- value, an empty key and binary bytes, in that order.
local function headers_of(i)
  if i % 5 == 0 then return nil end
  return { { key = "trace", value = "t" .. i }, { key = "dup", value = "1" }, { key = "nil" },
    { key = "dup", value = "2" }, { key = "", value = "\0\255" .. i } }
end

-- A collected headers cell (a list of Rows) as plain {key =, value =} tables.
local function plain(list)
  if list == nil then return nil end
  local out = {}
  for k = 1, list.n do out[k] = { key = list[k].key, value = list[k].value } end
  return out
end

-- Writes n records with headers, each to partition i % partitions.
local function seed(name, n, partitions)
  local rows = {}
  for i = 1, n do
    local h = headers_of(i)
    rows[i] = { "v" .. i, "k" .. (i % 7), h, i % partitions }
  end
  local b = tide.batch.fromRows(rows,
    "value string, key string, headers array<struct<key:string,value:binary>>, partition int")
  local sink = kafka_sink.new({ opts = { ["kafka.bootstrap.servers"] = bootstrap, topic = name } }, b:schema())
  t.eq(sink:addBatch(0, b), n)
  sink:stop()
end

local function read(name)
  return spark.read:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", name)
    :option("includeHeaders", "true"):load()
end

-- Every record of `name` is in partition i % partitions with record i's
-- key and headers.
local function check(name, n, partitions)
  local rows = read(name):collect()
  t.eq(#rows, n, name .. ": records")
  for _, r in ipairs(rows) do
    local i = tonumber(r.value:match("^v(%d+)$"))
    t.eq(r.partition, i % partitions, r.value .. ": partition")
    t.eq(r.key, "k" .. (i % 7), r.value .. ": key")
    t.same_table(plain(r.headers), headers_of(i), r.value .. ": headers")
  end
end

t.test("a batch copy with includeHeaders keeps each record's partition and headers", function()
  local src, dst = topic("hdr_src", 3), topic("hdr_dst", 3)
  seed(src, 200, 3)
  check(src, 200, 3)
  read(src):select("key", "value", "headers", "partition").write:format("kafka")
    :option("kafka.bootstrap.servers", bootstrap):option("topic", dst):save()
  check(dst, 200, 3)
end)

t.test("a streaming Kafka -> Kafka copy keeps each record's partition and headers", function()
  local src, dst = topic("hdr_ssrc", 3), topic("hdr_sdst", 3)
  seed(src, 300, 3)
  local q = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", src)
    :option("startingOffsets", "earliest"):option("includeHeaders", "true"):option("maxOffsetsPerTrigger", 120):load()
    :select("key", "value", "partition", "headers")
    .writeStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("topic", dst)
    :option("checkpointLocation", t.tempdir() .. "/ck"):trigger { availableNow = true }:start()
  q:awaitTermination(60)
  t.eq(q:exception(), nil)
  check(dst, 300, 3)
end)

t.test("a partition added after the sink learned the count is written to; one beyond it is refused", function()
  local name = topic("grow", 2)
  local schema = "value string, partition int"
  local sink = kafka_sink.new({ opts = { ["kafka.bootstrap.servers"] = bootstrap, topic = name } },
    tide.types.fromDDL(schema))
  t.eq(sink:addBatch(0, tide.batch.fromRows({ { "a", 1 } }, schema)), 1)
  admin:createPartitions(name, 3)
  t.eq(sink:addBatch(1, tide.batch.fromRows({ { "b", 2 } }, schema)), 1)
  t.raises(function() sink:addBatch(2, tide.batch.fromRows({ { "c", 3 } }, schema)) end,
    "partition 3: row 1: no such partition %(the topic has 3, 0 to 2%)")
  sink:stop()
  local where = {}
  for _, r in ipairs(tide.kafka.read { bootstrap = bootstrap, topic = name, partition = "all" }:collect()) do
    where[r.value] = r.partition
  end
  t.same_table(where, { a = 1, b = 2 })
end)

t.run()
