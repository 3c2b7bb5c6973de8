-- A backlog many times the source's prefetch (2 MB a partition), spread
-- unevenly over 3 partitions, read in small epochs (maxOffsetsPerTrigger):
-- every record exactly once, in offset order per partition, with the
-- source keeping no more than its bounded prefetch. This is the load under
-- which the source used to drop a partition's kept records past 64 MB and
-- fail re-seeking it ("Timed out waiting for 1 remaining partition
-- seek(s)"), and the arenas of every epoch used to stay alive.
local t = require("testing")
local tide = require("tide")
local batchlib = require("tide.batch")
local spark = tide.session()

local bootstrap = t.kafka_bootstrap()
local admin = tide.admin.client(bootstrap)
local name = t.unique("backlog")
admin:createTopic(name, 3)

-- 60k records of ~600 bytes (36 MB): partition 0 gets half, the others a
-- quarter each (keys pick the partition by the producer's hash, so the
-- counts are taken from what was produced, not assumed).
local N, PAD = 60000, string.rep("x", 580)
local values, keys = {}, {}
for i = 1, N do
  values[i] = ("%06d:%s"):format(i, PAD)
  keys[i] = (i % 4 < 2) and "a" or ((i % 4 == 2) and "b" or "c")
end
t.eq(tide.kafka.produce { bootstrap = bootstrap, topic = name, values = values, keys = keys }, N)
values, keys = nil, nil
collectgarbage("collect")

t.test("a backlog far beyond the prefetch is read exactly once in 5000-record epochs", function()
  local seen, batches, dup = {}, 0, 0
  local last = {} -- partition -> last offset
  local ordered, most = true, 0
  local base = batchlib.arenaStats().bytes
  local q = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
    :option("subscribe", name):option("startingOffsets", "earliest"):option("maxOffsetsPerTrigger", 5000):load()
    :selectExpr("CAST(value AS STRING) AS v", "partition", "offset")
    .writeStream:option("checkpointLocation", t.tempdir() .. "/cp")
    :foreachBatch(function(df)
      batches = batches + 1
      local b = df:toBatch()
      local v, p, o = b:column("v"), b:column("partition"), b:column("offset")
      for i = 0, b:count() - 1 do
        local id = tonumber(v:get(i):sub(1, 6))
        if seen[id] then dup = dup + 1 end
        seen[id] = true
        local part, off = p:get(i), o:get(i)
        if last[part] and off ~= last[part] + 1 then ordered = false end
        last[part] = off
      end
      local held = batchlib.arenaStats().bytes - base
      if held > most then most = held end
    end):start()
  local deadline = tide.now() + 120
  local count = function() local n = 0; for _ in pairs(seen) do n = n + 1 end; return n end
  while q:isActive() and tide.now() < deadline and count() < N do tide.sleep(0.05) end
  q:stop()
  t.eq(q:exception(), nil, "no error")
  t.eq(count(), N, "every record")
  t.eq(dup, 0, "none twice")
  t.ok(ordered, "offsets in order, without gaps, per partition")
  t.ok(batches >= N / 5000, ("at least %d epochs (%d)"):format(N / 5000, batches))
  -- An epoch holds about 5000 * 0.7 KB of arenas; kept epochs would hold 40 MB.
  t.ok(most < 32 * 2 ^ 20, ("arena bytes held at most %.1f MB"):format(most / 2 ^ 20))
end)

t.run()
