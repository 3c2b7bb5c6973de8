-- bench/query.lua — one measured streaming query, run in its own process by
-- bench/run.lua so that its memory and start-up time are the query's own:
--
--   tide run bench/query.lua MODE key=value...
--
-- MODE:
--   count    Kafka -> count (no transform)
--   kafka    Kafka -> from_json -> the seed's model -> to_json -> Kafka
--   pg       Kafka -> from_json -> the seed's model -> PostgreSQL (foreachBatch, jdbc)
--   latency  as pg, from the latest offsets, for `seconds`; latency per row
--            from the Kafka (produce) timestamp to the PostgreSQL commit
-- Keys: bootstrap, topic, rows (stop after this many input rows), model,
-- out (Kafka output topic), pg (conninfo), table, checkpoint, seconds,
-- maxOffsets (maxOffsetsPerTrigger), sliceRows (spark.tide.sliceRows; 0 runs the
-- plan over whole batches), workerThreads (spark.tide.workerThreads), arenaCacheMB
-- (tide_arena_cache_set_limit), launched (the wall time the parent
-- started this process, for the time to the first batch), warmup (latency:
-- seconds of records, from the first one produced, kept out of p50/p99/p999).
-- Prints one JSON line: rows, seconds (first batch's start to the last
-- batch's end), rows_per_second, batches, first_batch_s (launch to the end
-- of the first batch with rows), rss_peak_mb, rss_steady_mb, cpu_s (the
-- process's CPU time, start-up included) and, for
-- latency, p50/p99/p999 in ms and the slowest walCommit and addBatch
-- phases (slowest_wal_ms, slowest_add_ms), with warmup also warmup_rows,
-- warmup_p99_ms, warmup_max_ms and the whole run's all_p99_ms. trace=1 prints each batch on stderr: its
-- phases (durationMs), memory and, for latency, the latency of its oldest
-- and newest row (produce -> commit), which tells a tail's batch apart.
local tide = require("tide")
local ffi = require("ffi")
local F, T = tide.functions, tide.types

local mode = arg[1]
local o = {}
for i = 2, #arg do
  local k, v = arg[i]:match("^([%w_.]+)=(.*)$")
  if not k then error("bad argument " .. arg[i]) end
  o[k] = v
end
local want = tonumber(o.rows) or math.huge
local spark = tide.session()
if o.sliceRows then spark.conf:set("spark.tide.sliceRows", o.sliceRows) end
if o.workerThreads then spark.conf:set("spark.tide.workerThreads", o.workerThreads) end
if o.arenaCacheMB then require("tide.ffi").tide_arena_cache_set_limit(tonumber(o.arenaCacheMB) * 2 ^ 20) end

-- The seed's schema of the events on to_predict.
local schema = T.struct {
  T.field("id", T.decimal(38, 0)), T.field("hour", T.int), T.field("C1", T.int), T.field("banner_pos", T.int),
  T.field("site_id", T.string), T.field("site_domain", T.string), T.field("site_category", T.string),
  T.field("app_id", T.string), T.field("app_domain", T.string), T.field("app_category", T.string),
  T.field("device_id", T.string), T.field("device_ip", T.string), T.field("device_model", T.string),
  T.field("device_type", T.int), T.field("device_conn_type", T.int),
  T.field("C14", T.int), T.field("C15", T.int), T.field("C16", T.int), T.field("C17", T.int),
  T.field("C18", T.int), T.field("C19", T.int), T.field("C20", T.int), T.field("C21", T.int),
}

local function rss_mb(field)
  local f = io.open("/proc/self/status")
  local text = f:read("*a")
  f:close()
  return tonumber(text:match(field .. ":%s*(%d+)")) / 1024
end

local reader = spark.readStream:format("kafka")
  :option("kafka.bootstrap.servers", o.bootstrap)
  :option("subscribe", o.topic)
  :option("startingOffsets", mode == "latency" and "latest" or "earliest")
if o.maxOffsets then reader = reader:option("maxOffsetsPerTrigger", o.maxOffsets) end
-- source.kafka.<property>=value: librdkafka settings of the source, for experiments
-- (sink.kafka.<property>=value: the same for the kafka mode's sink).
for k, v in pairs(o) do
  local prop = k:match("^source%.(kafka%..+)$")
  if prop then reader = reader:option(prop, v) end
end
local raw = reader:load()

local function predictions()
  local events = raw:selectExpr("CAST(value AS STRING) AS value", "timestamp AS produced_at")
    :select(F.from_json("value", schema):alias("data"), "produced_at")
    :select("data.*", "produced_at")
  local model = tide.ml.PipelineModel.load(o.model)
  return model:transform(events):withColumn("processed_at", F.current_timestamp())
    :select("id", "probability", "processed_at", "produced_at")
end

-- Bookkeeping shared by every mode: rows seen, first-batch and end times.
local seen, batches, t_first_start, t_first_rows, t_end = 0, 0, nil, nil, nil
-- Resident sizes, read after a batch at most every 50 ms: reading /proc
-- after each of thousands of small batches was 3% of the latency query's
-- time.
local steady, last_rss = {}, 0
local function batch_done(n, t_batch_start)
  batches = batches + 1
  t_first_start = t_first_start or t_batch_start
  if n > 0 and not t_first_rows then t_first_rows = tide.now() end
  seen = seen + n
  t_end = tide.now()
  if t_end - last_rss >= 0.05 then
    steady[#steady + 1] = rss_mb("VmRSS")
    last_rss = t_end
  end
end
local arena_stats = ffi.new("tide_arena_stats")
local batch_lat -- latency mode: {oldest, newest} row of the last batch, for trace=1
-- The slowest offsets-file write (its fsync) and sink phase of the run: a
-- latency tail that is the disk's shows here.
local slowest = { wal = 0, add = 0 }
spark.streams:addListener {
  onQueryProgress = function(e)
    local p = e.progress
    batch_done(p.numInputRows, tide.now() - p.durationMs.triggerExecution / 1000)
    slowest.wal = math.max(slowest.wal, p.durationMs.walCommit or 0)
    slowest.add = math.max(slowest.add, p.durationMs.addBatch or 0)
    if o.trace then
      -- trace=1: one line per batch on stderr, where the memory is.
      require("tide.ffi").tide_arena_stats_get(arena_stats)
      local lat_text = batch_lat and (" latency %.1f-%.1f ms"):format(batch_lat[2], batch_lat[1]) or ""
      batch_lat = nil
      io.stderr:write(("batch %d rows %d ms %d%s (%s): rss %.0f MB, arenas %d holding %.0f MB (peak %.0f, cached %.0f), lua %.1f MB\n")
        :format(p.batchId, p.numInputRows, p.durationMs.triggerExecution, lat_text,
          ("latest %s wal %s get %s add %s commit %s"):format(p.durationMs.latestOffset, p.durationMs.walCommit,
            p.durationMs.getBatch, p.durationMs.addBatch, p.durationMs.commitOffsets), steady[#steady], tonumber(arena_stats.arenas),
          tonumber(arena_stats.bytes) / 2^20, tonumber(arena_stats.peak_bytes) / 2^20,
          tonumber(arena_stats.cached_bytes) / 2^20, collectgarbage("count") / 1024))
    end
  end,
}

-- Latency (ms) in fixed histograms, so that the count of samples does not
-- show in the resident size: 10 us steps below 100 ms, 1 ms steps up to
-- 60 s, a last bucket for anything slower. One pass per batch, no Lua
-- table per row. warmup=S: records produced in the first S seconds (from
-- the first record's produce timestamp) go to a histogram of their own,
-- the start-up's, and the rest to the steady state's; the whole run's
-- p99 is reported too.
local FINE, COARSE = 10000, 60000
local function histogram() return { counts = ffi.new("uint32_t[?]", FINE + COARSE + 1), n = 0, max = 0 } end
local lat, start_lat, all_lat = histogram(), histogram(), histogram()
local warmup_us, first_us = (tonumber(o.warmup) or 0) * 1e6, nil
local function add(h, k, ms)
  h.counts[k] = h.counts[k] + 1
  h.n = h.n + 1
  if ms > h.max then h.max = ms end
end
local function record_latency(col, n, committed_us)
  local us = col:values()
  if not first_us then
    first_us = math.huge
    for i = 0, n - 1 do first_us = math.min(first_us, tonumber(us[i])) end
  end
  local steady_from = first_us + warmup_us
  local most, least = 0, math.huge
  for i = 0, n - 1 do
    local produced = tonumber(us[i])
    local ms = (committed_us - produced) / 1000
    if ms > most then most = ms end
    if ms < least then least = ms end
    local k
    if ms < 100 then k = math.max(0, math.floor(ms * 100))
    else k = math.min(FINE + COARSE, FINE + math.floor(ms - 100)) end
    add(warmup_us > 0 and produced < steady_from and start_lat or lat, k, ms)
    add(all_lat, k, ms)
  end
  batch_lat = { most, least }
end
local function percentile(h, q)
  local rank, acc = math.max(1, math.ceil(q * h.n)), 0
  for k = 0, FINE + COARSE do
    acc = acc + h.counts[k]
    -- The bucket's upper edge: never below the true value.
    if acc >= rank then return k < FINE and (k + 1) / 100 or (k - FINE + 101) end
  end
  return h.max
end

local writer
if mode == "count" then
  writer = raw.writeStream:foreachBatch(function(df) df:count() end)
elseif mode == "kafka" then
  writer = predictions():select(F.to_json(F.struct("id", "probability", "processed_at")):alias("value"))
    .writeStream:format("kafka")
    :option("kafka.bootstrap.servers", o.bootstrap):option("topic", o.out)
  -- sink.kafka.<property>=value: librdkafka settings of the sink, for experiments.
  for k, v in pairs(o) do
    local prop = k:match("^sink%.(kafka%..+)$")
    if prop then writer = writer:option(prop, v) end
  end
elseif mode == "pg" or mode == "latency" then
  local results = predictions()
  writer = results.writeStream:foreachBatch(function(df)
    -- As the seed: the batch straight to the table (its pieces are sent as
    -- they are made).
    df:select("id", "probability", "processed_at").write:format("jdbc")
      :option("url", o.pg):option("dbtable", o.table):mode("append"):save()
    if mode == "latency" then
      local committed = tide.now() * 1e6
      local b = df:select("produced_at"):toBatch()
      if b:count() > 0 then record_latency(b:column("produced_at"), b:count(), committed) end
    end
  end)
else
  error("unknown mode " .. tostring(mode))
end
if o.checkpoint then writer = writer:option("checkpointLocation", o.checkpoint) end
if o.pg then
  -- The connection the writes use, opened before the stream starts (as a
  -- service's connection pool would be): its ~10-40 ms SCRAM handshake is
  -- not the first micro-batch's.
  require("tide.pg").connect(o.pg, "write")
end
local query = writer:start()

local deadline = o.seconds and tide.now() + tonumber(o.seconds) or math.huge
local timeout = tide.now() + (tonumber(o.timeout) or 600)
while query:isActive() and seen < want and tide.now() < deadline and tide.now() < timeout do
  tide.sleep(0.05)
end
query:stop()
if query:exception() then error(query:exception(), 0) end
if seen < want and want < math.huge then
  error(("only %d of %d rows arrived within the timeout"):format(seen, want), 0)
end

local result = {
  mode = mode, rows = seen, batches = batches,
  seconds = t_end and t_first_start and (t_end - t_first_start) or 0,
  first_batch_s = (t_first_rows and tonumber(o.launched)) and (t_first_rows - tonumber(o.launched)) or nil,
  rss_peak_mb = rss_mb("VmHWM"),
}
result.rows_per_second = result.seconds > 0 and seen / result.seconds or 0
-- The process's CPU time, every thread's (os.clock is C's clock()).
result.cpu_s = os.clock()
-- Steady: the median of the resident sizes after each batch in the second half.
if #steady > 0 then
  local half = {}
  for i = math.floor(#steady / 2) + 1, #steady do half[#half + 1] = steady[i] end
  table.sort(half)
  result.rss_steady_mb = half[math.ceil(#half / 2)]
end
if lat.n > 0 then
  result.p50_ms, result.p99_ms, result.p999_ms = percentile(lat, 0.5), percentile(lat, 0.99), percentile(lat, 0.999)
  result.max_ms, result.latency_rows = lat.max, lat.n
  result.slowest_wal_ms, result.slowest_add_ms = slowest.wal, slowest.add
end
if start_lat.n > 0 then
  result.warmup_rows, result.warmup_p99_ms, result.warmup_max_ms = start_lat.n, percentile(start_lat, 0.99), start_lat.max
  result.all_p99_ms = percentile(all_lat, 0.99)
end
print(tide.json.encode(result))
