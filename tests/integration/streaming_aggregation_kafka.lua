-- A windowed streaming aggregation over the real broker: clicks per site
-- and minute, read in small micro-batches, with a sink that fails once and
-- a restart after more events arrive. The counts written last are the
-- events' own: every record counted once across batches, the failure's
-- replay and the restart (the state in the checkpoint), none late.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local bootstrap = t.kafka_bootstrap()
local admin = tide.admin.client(bootstrap)

local SCHEMA = "site string, click int, at timestamp"

-- n events from `first` on: site i % 3, a click every other one, one a
-- second from 2024-01-01 00:00:00; and the counts they add per window.
local function produce(topic, first, n, counts)
  local values = {}
  for i = first, first + n - 1 do
    local site, click = "s" .. (i % 3), i % 2
    local minute = math.floor(i / 60)
    values[#values + 1] = ('{"site":"%s","click":%d,"at":"2024-01-01 00:%02d:%02d"}'):format(site, click, minute,
      i % 60)
    local key = ("2024-01-01 00:%02d:00|%s"):format(minute, site)
    counts[key] = counts[key] or { n = 0, clicks = 0 }
    counts[key].n, counts[key].clicks = counts[key].n + 1, counts[key].clicks + click
  end
  t.eq(tide.kafka.produce { bootstrap = bootstrap, topic = topic, values = values }, n)
end

local function expected(counts)
  local out = {}
  for key, c in pairs(counts) do out[#out + 1] = ("%s|%d|%d"):format(key, c.n, c.clicks) end
  table.sort(out)
  return out
end

t.test("clicks per site and minute: each event counted once across a failed batch and a restart", function()
  local topic = t.unique("agg_clicks")
  admin:createTopic(topic, 3)
  local counts, cp = {}, t.tempdir() .. "/cp"
  produce(topic, 0, 300, counts)
  local latest, epochs = nil, {}
  local function run(fail_at)
    local events = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
      :option("subscribe", topic):option("startingOffsets", "earliest"):option("maxOffsetsPerTrigger", 70):load()
      :select(F.from_json(F.col("value"):cast("string"), SCHEMA):alias("e")):select("e.*")
    local q = events:withWatermark("at", "1 hour"):groupBy(F.window("at", "1 minute"), "site")
      :agg(F.count("*"):alias("n"), F.sum("click"):alias("clicks"))
      :select(F.col("window.start"):cast("string"):alias("start"), "site", "n", "clicks")
      .writeStream:outputMode("complete")
      :foreachBatch(function(df, epoch)
        if epoch == fail_at then error("sink down at " .. epoch) end
        latest, epochs[#epochs + 1] = t.rows(df), epoch
      end)
      :option("checkpointLocation", cp):trigger { availableNow = true }:start()
    return q
  end
  -- The sink fails in epoch 2; the state of epochs 0-2 is on disk.
  local q = run(2)
  t.raises(function() q:awaitTermination() end, "sink down at 2")
  t.same_table(epochs, { 0, 1 })
  -- The restart replays epoch 2 from epoch 1's state, then goes on.
  q = run(nil)
  q:awaitTermination()
  table.sort(latest)
  t.same_table(latest, expected(counts))
  t.ok(#epochs >= 5, "several micro-batches: " .. #epochs)
  -- More events, another restart: the counts go on from the checkpoint.
  produce(topic, 300, 150, counts)
  q = run(nil)
  q:awaitTermination()
  table.sort(latest)
  t.same_table(latest, expected(counts))
  local p = q:lastProgress()
  t.eq(p.stateOperators[1].numRowsTotal, #expected(counts))
  t.eq(p.stateOperators[1].numRowsDroppedByWatermark, 0)
end)

t.run()
