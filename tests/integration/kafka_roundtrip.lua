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

t.run()
