-- scripts/soak.lua — a soak run of the streaming pipeline (docs/reliability.md):
-- a producer process writes JSON events to Kafka at a fixed rate (the rate
-- source into the Kafka sink); the pipeline process under test reads them,
-- parses them with from_json and writes them exactly once to PostgreSQL.
-- Every few seconds the pipeline's resident memory (VmRSS) and consumer
-- lag (the topic's latest offsets minus those its last batch processed) are
-- sampled. It fails when, after the warm-up, RSS grows by more than 5%,
-- the lag is unbounded (beyond 10 seconds of input, or still growing at
-- the end), either process fails, or the table does not hold every event
-- exactly once at the end.
--
--   build/tide run scripts/soak.lua [--duration 1800] [--rate 20000]
--       [--warmup SECONDS] [--sample 5] [--bootstrap HOST:PORT] [--pg CONNINFO]
--
-- scripts/soak runs it with the services of scripts/kafka and
-- scripts/postgres. Defaults: 30 minutes at 20,000 messages/s; warm-up a
-- fifth of the duration (at most 5 minutes).
local tide = require("tide")
local pg = require("tide.pg")
local json = require("tide.json")

local function usage(msg)
  io.stderr:write("soak: ", msg, "\nusage: tide run scripts/soak.lua [--duration S] [--rate N] [--warmup S] [--sample S] [--bootstrap B] [--pg CONNINFO]\n")
  os.exit(2)
end

local opts = { duration = 1800, rate = 20000, sample = 5 }
local i = 1
while i <= #arg do
  local k, v = arg[i]:match("^%-%-(%w+)$"), arg[i + 1]
  if not k or v == nil then usage("bad argument " .. arg[i]) end
  opts[k] = tonumber(v) or v
  i = i + 2
end
opts.warmup = opts.warmup or math.min(300, opts.duration / 5)
local root = os.getenv("TIDE_SOURCE_DIR") or "."
local bin = os.getenv("TIDE_BIN") or (root .. "/build/tide")

local function sh(cmd)
  local p = assert(io.popen(cmd .. " 2>/dev/null"))
  local out = p:read("*a"):gsub("%s+$", "")
  p:close()
  return out
end
opts.bootstrap = opts.bootstrap or sh(root .. "/scripts/kafka status")
opts.pg = opts.pg or sh(root .. "/scripts/postgres status")
if opts.bootstrap == "" then usage("no Kafka: start it with scripts/kafka start, or give --bootstrap") end
if opts.pg == "" then usage("no PostgreSQL: start it with scripts/postgres start, or give --pg") end

local stamp = os.date("!%Y%m%d%H%M%S")
local topic, tbl = "soak_" .. stamp, "soak_" .. stamp
local dir = os.tmpname()
os.remove(dir)
os.execute("mkdir -p " .. dir)
tide.admin.client(opts.bootstrap):createTopic(topic, 3)

local function write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

-- The producer: the rate source into the Kafka sink, one persistent
-- idempotent producer. Ids go beyond 2^63, as Avazu's.
write(dir .. "/producer.lua", ([[
local tide = require("tide")
local spark = tide.session()
local q = spark.readStream:format("rate"):option("rowsPerSecond", %d):load()
  :selectExpr("CAST(value + 18446744000000000000 AS decimal(38,0)) AS id", "CAST(value %% 24 AS int) AS hour", "'site' AS site_id")
  :selectExpr("to_json(struct(id, hour, site_id)) AS value")
  .writeStream:format("kafka"):option("kafka.bootstrap.servers", %q):option("topic", %q)
  :option("checkpointLocation", %q):option("progressLog", %q):start()
q:awaitTermination()
]]):format(opts.rate, opts.bootstrap, topic, dir .. "/cp_producer", dir .. "/producer.jsonl"))

-- The pipeline under test (the seed's shape without the model): from_json
-- into PostgreSQL, exactly once.
local function pipeline(finish)
  return ([[
local tide = require("tide")
local F = tide.functions
local spark = tide.session()
-- What the process holds besides malloc's heaps, for the soak's table:
-- the Lua heap and the arenas (live and cached), once a second.
local batchlib, last_mem = require("tide.batch"), 0
spark.streams:addListener { onQueryProgress = function()
  if tide.now() - last_mem < 1 then return end
  last_mem = tide.now()
  local a = batchlib.arenaStats()
  local f = io.open(%q, "w")
  if f then f:write(("%%.1f %%.1f %%.1f\n"):format(collectgarbage("count") / 1024, a.bytes / 2^20, a.cachedBytes / 2^20)); f:close() end
end }
local w = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", %q)
  :option("subscribe", %q):option("startingOffsets", "earliest"):load()
  :select(F.from_json(F.col("value"):cast("string"), "id decimal(38,0), hour int, site_id string"):alias("e"))
  :select("e.*")
  .writeStream:format("jdbc"):option("url", %q):option("dbtable", %q)
  :option("checkpointLocation", %q):option("progressLog", %q)
%s:start():awaitTermination()
]]):format(dir .. "/pipeline.mem", opts.bootstrap, topic, opts.pg, tbl, dir .. "/cp_pipeline", dir .. "/pipeline.jsonl",
    finish and "  :trigger{ availableNow = true }" or "")
end
write(dir .. "/pipeline.lua", pipeline(false))
write(dir .. "/finish.lua", pipeline(true))

local function spawn(name)
  os.execute(("( sh -c 'echo $$ > %s/%s.pid; exec %s run %s/%s.lua' > %s/%s.log 2>&1; echo $? > %s/%s.rc ) >/dev/null 2>&1 &")
    :format(dir, name, bin, dir, name, dir, name, dir, name))
  for _ = 1, 100 do
    local f = io.open(("%s/%s.pid"):format(dir, name))
    if f then
      local pid = tonumber(f:read("*a"))
      f:close()
      if pid then return pid end
    end
    tide.sleep(0.02)
  end
  error("could not start " .. name)
end

local function status(name)
  local f = io.open(("%s/%s.rc"):format(dir, name))
  if not f then return nil end
  local rc = tonumber(f:read("*a"))
  f:close()
  return rc
end

local function rss_kb(pid)
  local f = io.open(("/proc/%d/status"):format(pid))
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return tonumber(s:match("VmRSS:%s+(%d+)"))
end

-- Progress records appended since the last call.
local readers = {}
local function new_progress(name)
  local r = readers[name] or { pos = 0 }
  readers[name] = r
  local f = io.open(("%s/%s.jsonl"):format(dir, name))
  if not f then return {} end
  f:seek("set", r.pos)
  local text = f:read("*a")
  f:close()
  -- Complete lines only: a line the query is writing at this moment is
  -- read whole next time, not taken as bad JSON and skipped.
  local complete = text:match("^.*\n") or ""
  r.pos = r.pos + #complete
  local out = {}
  for line in complete:gmatch("[^\n]+") do
    local ok, p = pcall(json.decode, line)
    if ok and type(p) == "table" then out[#out + 1] = p end
  end
  return out
end

-- The consumer lag: the topic's latest offsets (asked of the broker now)
-- minus the offsets the pipeline's last batch processed.
local watermarks = require("tide.sources.kafka").stream {
  ["kafka.bootstrap.servers"] = opts.bootstrap, subscribe = topic }
local function lag_of(p)
  local src = p and p.sources and p.sources[1]
  local done = src and type(src.endOffset) == "table" and src.endOffset or {}
  local lag = 0
  for _, part in ipairs(watermarks:partitions(0)) do
    lag = lag + part.high - ((done[part.topic] or {})[tostring(part.partition)] or 0)
  end
  return lag
end

local function median(list)
  if #list == 0 then return nil end
  local c = { unpack(list) }
  table.sort(c)
  return c[math.floor((#c + 1) / 2)]
end

print(("soak: %d s at %d messages/s (warm-up %d s, samples every %d s); topic %s, table %s, work dir %s")
  :format(opts.duration, opts.rate, opts.warmup, opts.sample, topic, tbl, dir))
local producer_pid = spawn("producer")
local pipeline_pid = spawn("pipeline")
local t0 = tide.now()
local samples, failures = {}, {}
local produced, processed, lag = 0, 0, 0
print(("%8s %10s %10s %12s %12s %10s %8s %14s"):format("t (s)", "RSS (MB)", "lag", "produced/s", "processed/s", "batches",
  "Lua (MB)", "arenas (MB)"))
local last_t, last_produced, last_processed, batches, last_progress = 0, 0, 0, 0, nil
while tide.now() - t0 < opts.duration do
  tide.sleep(opts.sample)
  local t = tide.now() - t0
  if status("producer") then failures[#failures + 1] = "the producer stopped (see " .. dir .. "/producer.log)"; break end
  if status("pipeline") then failures[#failures + 1] = "the pipeline stopped (see " .. dir .. "/pipeline.log)"; break end
  for _, p in ipairs(new_progress("producer")) do produced = produced + (p.numInputRows or 0) end
  for _, p in ipairs(new_progress("pipeline")) do
    processed = processed + (p.numInputRows or 0)
    batches = batches + 1
    last_progress = p
  end
  lag = lag_of(last_progress)
  local rss = rss_kb(pipeline_pid) or 0
  samples[#samples + 1] = { t = t, rss = rss, lag = lag }
  local mem = io.open(dir .. "/pipeline.mem")
  local lua_mb, arena_mb, cached_mb = (mem and mem:read("*l") or ""):match("(%S+) (%S+) (%S+)")
  if mem then mem:close() end
  print(("%8.0f %10.1f %10d %12.0f %12.0f %10d %8s %14s"):format(t, rss / 1024, lag,
    (produced - last_produced) / (t - last_t), (processed - last_processed) / (t - last_t), batches,
    lua_mb or "?", arena_mb and (arena_mb .. " + " .. cached_mb) or "?"))
  io.stdout:flush()
  last_t, last_produced, last_processed = t, produced, processed
end

-- ---- verdict ----------------------------------------------------------------------
os.execute("kill -TERM " .. producer_pid)
local function wait(name, seconds)
  local deadline = tide.now() + seconds
  while not status(name) and tide.now() < deadline do tide.sleep(0.1) end
  return status(name)
end
if wait("producer", 60) ~= 0 then failures[#failures + 1] = "the producer did not stop cleanly" end
for _, p in ipairs(new_progress("producer")) do produced = produced + (p.numInputRows or 0) end

local after = {}
for _, s in ipairs(samples) do if s.t >= opts.warmup then after[#after + 1] = s end end
local window = math.max(3, math.floor(#after / 10)) -- medians of at least 3 samples: RSS breathes with the GC
local function window_median(from, to, field)
  local l = {}
  for k = from, to do if after[k] then l[#l + 1] = after[k][field] end end
  return median(l)
end
local rss_start, rss_end, lag_end, lag_max
if #after >= 2 then
  rss_start = window_median(1, window, "rss")
  rss_end = window_median(#after - window + 1, #after, "rss")
  lag_end = window_median(#after - window + 1, #after, "lag")
  lag_max = 0
  for _, s in ipairs(after) do lag_max = math.max(lag_max, s.lag) end
  local growth = (rss_end - rss_start) / rss_start
  print(("RSS after warm-up: %.1f MB -> %.1f MB (%+.1f%%)"):format(rss_start / 1024, rss_end / 1024, growth * 100))
  if growth > 0.05 then failures[#failures + 1] = ("RSS grew by %.1f%% after the warm-up"):format(growth * 100) end
  local bound = opts.rate * 10
  print(("consumer lag after warm-up: max %d, at the end %d (bound: %d, 10 s of input)"):format(lag_max, lag_end, bound))
  if lag_max > bound then failures[#failures + 1] = ("the lag reached %d, beyond 10 s of input"):format(lag_max) end
  local lag_start = window_median(1, window, "lag")
  if lag_end > math.max(2 * lag_start, opts.rate) then
    failures[#failures + 1] = ("the lag grew from %d to %d"):format(lag_start, lag_end)
  end
else
  failures[#failures + 1] = "too few samples after the warm-up (make --duration longer than --warmup)"
end
local elapsed = samples[#samples] and samples[#samples].t or 0
print(("produced %d records (%.0f/s), processed %d while running"):format(produced, produced / math.max(elapsed, 1), processed))
if produced < opts.rate * elapsed * 0.9 then
  failures[#failures + 1] = ("the producer reached %.0f messages/s of %d"):format(produced / math.max(elapsed, 1), opts.rate)
end

-- The pipeline stops cleanly, then a finishing run takes what is left:
-- the table must hold every event exactly once.
os.execute("kill -TERM " .. pipeline_pid)
if wait("pipeline", 120) ~= 0 then failures[#failures + 1] = "the pipeline did not stop cleanly (see " .. dir .. "/pipeline.log)" end
local fin = spawn("finish")
local _ = fin
if wait("finish", 600) ~= 0 then failures[#failures + 1] = "the finishing run failed (see " .. dir .. "/finish.log)" end
local ok, row = pcall(function()
  return pg.query(opts.pg, "SELECT count(*) AS n, count(DISTINCT id) AS d FROM " .. tbl):collect()[1]
end)
if not ok then
  failures[#failures + 1] = "cannot count the table: " .. tostring(row)
else
  -- What the topic holds is the truth to match (the producer's progress
  -- log counts only batches that committed).
  local in_topic = 0
  for _, part in ipairs(watermarks:partitions(0)) do in_topic = in_topic + part.high - part.low end
  print(("PostgreSQL table %s: %d rows, %d distinct ids; the topic holds %d records"):format(tbl, row.n, row.d, in_topic))
  if row.n ~= in_topic or row.d ~= in_topic then
    failures[#failures + 1] = ("the table holds %d rows (%d distinct) of the %d records in the topic"):format(row.n, row.d, in_topic)
  end
end

if #failures > 0 then
  print("SOAK FAILED:\n  " .. table.concat(failures, "\n  "))
  os.exit(1)
end
pcall(pg.execute, opts.pg, "DROP TABLE " .. tbl)
watermarks:stop()
pcall(function() tide.admin.client(opts.bootstrap):deleteTopic(topic) end)
os.execute("rm -rf " .. dir)
print("SOAK PASSED")
