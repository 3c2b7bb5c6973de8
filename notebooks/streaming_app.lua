-- %% [markdown]
-- # Click prediction: the streaming application
--
-- The seed's Spark Structured Streaming job in tide: ad events arrive as
-- JSON on the Kafka topic `to_predict`; the model trained by
-- `notebooks/ml_training.lua` scores them; the predictions go to the
-- console, to the Kafka topic `predictions` and to the PostgreSQL table
-- `predictions`, each with its checkpoint. As in the seed's notebook, it
-- polls `lastProgress` and queries PostgreSQL at the end.
--
--     KAFKA_HOST=127.0.0.1:9092 POSTGRES_URL="host=... dbname=..." \
--       tide notebook notebooks/streaming_app.lua --out streaming.html
--
-- Environment: `KAFKA_HOST`, `POSTGRES_URL` (a JDBC URL, a libpq URI or a
-- conninfo string), `MODEL_PATH` (default `model/ctr`), `RUN_SECONDS` (how
-- long the queries run, default 20), `STARTING_OFFSETS` (default `latest`,
-- as the seed), `CHECKPOINT_DIR` (default `checkpoints`),
-- `KAFKA_FETCH_WAIT_MS` (the source's `kafka.fetch.wait.max.ms`; the demo
-- sets 2 for its embedded broker, which holds a fetch until that wait runs
-- out, where Kafka answers as soon as a record arrives). With
-- `PRODUCE_EVENTS=N` the notebook runs scripts/producer.lua itself once the
-- queries are up (`PRODUCE_RATE` messages/s, default 20000; `PRODUCER_FILE`)
-- and stops when all N events are in PostgreSQL (it stops at once, with
-- the producer's error, if the producer fails); the producer is found
-- under `TIDE_SOURCE_DIR` (tide's source tree), else in the tree this
-- notebook sits in (`notebooks/../scripts/producer.lua`). `SUMMARY_PATH`
-- gets the figures as JSON (the demo prints them). A restart on the same
-- checkpoints goes on where the last run stopped, and the table keeps the
-- rows of earlier runs: every figure is this run's (`produced`, `stored`:
-- the rows this run wrote to PostgreSQL, `batches`, throughput, latency)
-- but `tableRows`, the rows the table holds in all.

-- %%
local tide = require("tide")
local F, T = tide.functions, tide.types
local spark = tide.session()

local KAFKA_HOST = os.getenv("KAFKA_HOST") or error("set KAFKA_HOST to the broker's host:port")
local POSTGRES_URL = os.getenv("POSTGRES_URL") or error("set POSTGRES_URL to the PostgreSQL database")
local MODEL_PATH = os.getenv("MODEL_PATH") or "model/ctr"
local RUN_SECONDS = tonumber(os.getenv("RUN_SECONDS")) or 20
local CHECKPOINTS = os.getenv("CHECKPOINT_DIR") or "checkpoints"

-- %% [markdown]
-- ## The stream
-- `id` is `decimal(38,0)`: Avazu's ids pass 2^63. The Kafka timestamp is
-- kept to measure the latency from produce to the PostgreSQL commit.

-- %%
local schema = T.struct {
  T.field("id", T.decimal(38, 0)), T.field("hour", T.int), T.field("C1", T.int), T.field("banner_pos", T.int),
  T.field("site_id", T.string), T.field("site_domain", T.string), T.field("site_category", T.string),
  T.field("app_id", T.string), T.field("app_domain", T.string), T.field("app_category", T.string),
  T.field("device_id", T.string), T.field("device_ip", T.string), T.field("device_model", T.string),
  T.field("device_type", T.int), T.field("device_conn_type", T.int),
  T.field("C14", T.int), T.field("C15", T.int), T.field("C16", T.int), T.field("C17", T.int),
  T.field("C18", T.int), T.field("C19", T.int), T.field("C20", T.int), T.field("C21", T.int),
}

-- The topics, made when missing, so that the notebook runs against a
-- fresh broker too (the seed's broker created them on first use).
tide.admin.client(KAFKA_HOST):ensureTopic("to_predict", 3):ensureTopic("predictions", 3)

local reader = spark.readStream:format("kafka")
  :option("kafka.bootstrap.servers", KAFKA_HOST)
  :option("subscribe", "to_predict")
  :option("startingOffsets", os.getenv("STARTING_OFFSETS") or "latest")
local fetch_wait = os.getenv("KAFKA_FETCH_WAIT_MS")
if fetch_wait then reader = reader:option("kafka.fetch.wait.max.ms", fetch_wait) end
local raw = reader:load()

local events = raw:selectExpr("CAST(value AS STRING) AS value", "timestamp AS produced_at")
  :select(F.from_json("value", schema):alias("data"), "produced_at")
  :select("data.*", "produced_at")

local model = tide.ml.PipelineModel.load(MODEL_PATH)
local results = model:transform(events)
  :withColumn("processed_at", F.current_timestamp())
  :select("id", "probability", "processed_at", "produced_at")
results:printSchema()

-- %% [markdown]
-- ## Kafka and PostgreSQL
-- Predictions as JSON to the topic `predictions` (at least once, as
-- Spark's Kafka sink), and to the table `predictions` through
-- `foreachBatch`: each epoch's rows and its marker commit in one
-- transaction, so a restart never writes an epoch twice.

-- %%
tide.sql(POSTGRES_URL, [[
  CREATE TABLE IF NOT EXISTS predictions (
    id DECIMAL(38,0), probability DOUBLE PRECISION, processed_at TIMESTAMP)]])

local to_kafka = results
  :select(F.to_json(F.struct("id", "probability", "processed_at")):alias("value"))
  .writeStream:format("kafka")
  :option("kafka.bootstrap.servers", KAFKA_HOST)
  :option("topic", "predictions")
  :option("checkpointLocation", CHECKPOINTS .. "/predictions_kafka")
  :start()

-- Latency, produce to commit, in milliseconds, and each row's produce
-- time: one value per row each, kept in growing C arrays (no Lua table
-- per row). latency.n is the number of rows this run wrote to PostgreSQL.
local ffi = require("ffi")
local latency = { n = 0, cap = 65536 }
latency.ms = ffi.new("double[?]", latency.cap)
latency.producedUs = ffi.new("double[?]", latency.cap)
local function record_latency(df, committed_at)
  local b = df:select("produced_at"):toBatch()
  local col = b:column("produced_at")
  local us = col:values()
  local n = b:count()
  if latency.n + n > latency.cap then
    local cap = math.max(latency.cap * 2, latency.n + n)
    for _, k in ipairs({ "ms", "producedUs" }) do
      local grown = ffi.new("double[?]", cap)
      ffi.copy(grown, latency[k], latency.n * 8)
      latency[k] = grown
    end
    latency.cap = cap
  end
  for i = 0, n - 1 do
    local produced = tonumber(us[i])
    latency.ms[latency.n + i] = (committed_at - produced) / 1000
    latency.producedUs[latency.n + i] = produced
  end
  latency.n = latency.n + n
end

-- Rows the PostgreSQL query has read so far, from its progress events:
-- the run stops once every produced event is in.
local consumed = 0
spark.streams:addListener {
  onQueryProgress = function(e)
    if e.progress.name == "predictions_postgres" then consumed = consumed + e.progress.numInputRows end
  end,
}

local to_postgres = results.writeStream
  :queryName("predictions_postgres")
  :foreachBatch(function(df, epoch_id)
    df:select("id", "probability", "processed_at").write:format("jdbc")
      :option("url", POSTGRES_URL)
      :option("dbtable", "predictions")
      :mode("append"):save()
    record_latency(df, tide.now() * 1e6)
  end)
  :option("checkpointLocation", CHECKPOINTS .. "/predictions_postgres")
  :option("progressLog", CHECKPOINTS .. "/predictions_postgres.progress.jsonl")
  :start()

-- %% [markdown]
-- ## Events
-- With `PRODUCE_EVENTS`, the seed's producer (scripts/producer.lua) sends
-- them now, at `PRODUCE_RATE` messages per second, while the queries run.

-- %%
local PRODUCE_EVENTS = tonumber(os.getenv("PRODUCE_EVENTS"))
local producer
if PRODUCE_EVENTS then
  local function q(x) return "'" .. tostring(x):gsub("'", "'\\''") .. "'" end
  local source_dir = os.getenv("TIDE_SOURCE_DIR")
    or (((arg and arg[0] or ""):match("^(.*)/[^/]*$") or ".") .. "/..")
  local script = source_dir .. "/scripts/producer.lua"
  local f = io.open(script, "rb")
  if not f then error(("cannot find the producer: no %s (set TIDE_SOURCE_DIR to tide's source tree)"):format(script), 0) end
  f:close()
  -- In the background, its pid, its output and then its exit status into
  -- files: the loop below stops at once when it fails, and a notebook
  -- stopped before it ends stops it too.
  producer = { log = os.tmpname() }
  producer.status, producer.pid = producer.log .. ".status", producer.log .. ".pid"
  os.execute(("(%s > %s 2>&1 & echo $! > %s; wait $!; echo $? > %s.tmp; mv %s.tmp %s) </dev/null >/dev/null 2>&1 &")
    :format(table.concat({ q(tide.executable()), "run", q(script),
      os.getenv("PRODUCER_FILE") and q(os.getenv("PRODUCER_FILE")) or "",
      "--bootstrap", q(KAFKA_HOST), "--topic to_predict --quiet --limit", PRODUCE_EVENTS,
      "--rate", tonumber(os.getenv("PRODUCE_RATE")) or 20000 }, " "),
    q(producer.log), q(producer.pid), q(producer.status), q(producer.status), q(producer.status)))
  -- Once it has ended: its exit status and what it printed.
  function producer.finished()
    local sf = io.open(producer.status, "rb")
    if not sf then return nil end
    local code = tonumber(sf:read("*a"))
    sf:close()
    local lf = io.open(producer.log, "rb")
    local out = lf and lf:read("*a") or ""
    if lf then lf:close() end
    return code or -1, out
  end
  function producer.cleanup()
    for _, path in ipairs({ producer.log, producer.status, producer.pid }) do os.remove(path) end
  end
  -- Its error once it has failed, else nil.
  function producer.failure()
    local code, out = producer.finished()
    if not code or code == 0 then return nil end
    producer.cleanup()
    return ("the producer (%s) failed, exit status %d:\n%s"):format(script, code, out)
  end
  -- Asks it to stop (SIGTERM: it ends after the chunk it is sending) and
  -- waits for it to end.
  function producer.stop()
    local pf = io.open(producer.pid, "rb")
    local pid = pf and tonumber(pf:read("*a"))
    if pf then pf:close() end
    if pid then os.execute(("kill -TERM %d 2>/dev/null"):format(pid)) end
    for _ = 1, 100 do
      if producer.finished() then return end
      tide.sleep(0.1)
    end
  end
  print(("producer started: %d events"):format(PRODUCE_EVENTS))
end

-- %% [markdown]
-- ## A look at the console sink
-- The seed's first step: predictions printed for a few seconds. (In Spark
-- the probability is a vector, which the seed took apart with
-- `regexp_replace` and `split`; in tide it is the click probability.)

-- %%
local console = results:select("id", "probability", "processed_at").writeStream
  :format("console"):option("numRows", 5):option("truncate", "false")
  :trigger { processingTime = "1 second" }:start()
tide.sleep(math.min(2, RUN_SECONDS))
console:stop()
-- The console's batches (a second of events each) run on the thread the
-- other two queries share: the latency below is also given without them.
local console_stopped_us = tide.now() * 1e6

-- %% [markdown]
-- ## Progress
-- As the seed's notebook, `lastProgress` once a second, until the events
-- are in (or `RUN_SECONDS` have passed).

-- %%
local started, last_shown = tide.now(), nil
local deadline = started + (PRODUCE_EVENTS and math.max(RUN_SECONDS, 120) or RUN_SECONDS)
while tide.now() < deadline and to_postgres:isActive() do
  local failure = producer and producer.failure()
  if failure then
    to_kafka:stop()
    to_postgres:stop()
    error(failure, 0)
  end
  tide.sleep(1)
  local p = to_postgres:lastProgress()
  if p and p.batchId ~= last_shown then -- (a second without a new batch shows nothing)
    last_shown = p.batchId
    -- (a run's first batch has no input rate: nothing came before it)
    local input = p.inputRowsPerSecond and ("%.0f rows/s"):format(p.inputRowsPerSecond) or "-"
    print(("batch %d: %d rows, input %s, processed %.0f rows/s, %d ms")
      :format(p.batchId, p.numInputRows, input, p.processedRowsPerSecond or 0, p.durationMs.triggerExecution or 0))
  end
  if PRODUCE_EVENTS and consumed >= PRODUCE_EVENTS then break end
end
to_kafka:stop()
to_postgres:stop()
if to_postgres:exception() then error(to_postgres:exception()) end
local produced
if producer then
  -- It has sent its events; wait for it to end (a notebook stopped
  -- before then stops it).
  while not producer.finished() and not tide.stopRequested() do tide.sleep(0.1) end
  local stopped = not producer.finished()
  if stopped then producer.stop() end
  local failure = not stopped and producer.failure()
  if failure then error(failure, 0) end
  produced = (stopped and "stopped with the notebook\n" or "") .. (select(2, producer.finished()) or "")
  producer.cleanup()
  -- (its own lines already say "producer: ")
  for line in produced:gmatch("[^\n]+") do io.write(line:find("^producer: ") and "" or "producer: ", line, "\n") end
end

-- %% [markdown]
-- ## What landed in PostgreSQL
-- The table keeps the rows of earlier runs: this run's are counted apart.

-- %%
local table_rows = tonumber(tostring(tide.sql(POSTGRES_URL, "SELECT COUNT(*) AS n FROM predictions"):collect()[1].n))
print(("%d rows written by this run; the table predictions holds %d rows in all%s"):format(latency.n, table_rows,
  table_rows > latency.n and " (with earlier runs')" or ""))
tide.sql(POSTGRES_URL, "SELECT * FROM predictions ORDER BY processed_at DESC LIMIT 10"):show(10, false)

-- %% [markdown]
-- ## Throughput and latency

-- %%
-- This run's batches: the log keeps those of earlier runs on the same
-- checkpoint too, and there is none when no event came.
local progress_log = CHECKPOINTS .. "/predictions_postgres.progress.jsonl"
local progress = {}
local log_file = io.open(progress_log, "rb")
if log_file then
  log_file:close()
  for _, p in ipairs(tide.plot.readProgress(progress_log)) do
    if p.runId == to_postgres.runId then progress[#progress + 1] = p end
  end
end
local rows, busy = 0, 0
for _, p in ipairs(progress) do
  rows = rows + p.numInputRows
  busy = busy + (p.durationMs.triggerExecution or 0) / 1000
end
local throughput = rows / math.max(busy, 1e-9)
if #progress == 0 then
  print("no batch ran: no events arrived while the queries ran, so no rows")
else
  print(("%d rows in %d batches; %.0f rows/s while processing"):format(rows, #progress, throughput))
end
-- p50, p99 and max of the rows produced from `from_us` on, and their count.
local function percentiles(from_us)
  local list = {}
  for i = 0, latency.n - 1 do
    if latency.producedUs[i] >= from_us then list[#list + 1] = latency.ms[i] end
  end
  if #list == 0 then return nil end
  table.sort(list)
  local function pct(q) return list[math.max(1, math.ceil(q * #list))] end
  return pct(0.5), pct(0.99), list[#list], #list
end
local p50, p99, max = percentiles(-math.huge)
if p50 then
  print(("latency from produce to PostgreSQL commit: p50 %.1f ms, p99 %.1f ms, max %.1f ms"):format(p50, p99, max))
end
local steady50, steady99, steadyMax, steadyRows = percentiles(console_stopped_us)
if steady50 then
  print(("  of the %d events produced after the console sink stopped: p50 %.1f ms, p99 %.1f ms, max %.1f ms")
    :format(steadyRows, steady50, steady99, steadyMax))
end

local summary_path = os.getenv("SUMMARY_PATH")
if summary_path then
  local f = assert(io.open(summary_path, "w"))
  f:write(tide.json.encode {
    produced = tonumber((produced or ""):match("sent (%d+) messages")) or -1,
    stored = latency.n, tableRows = table_rows, batches = #progress, rowsPerSecond = throughput,
    latencyP50Ms = p50, latencyP99Ms = p99,
    steadyRows = steadyRows, steadyP50Ms = steady50, steadyP99Ms = steady99,
  }, "\n")
  f:close()
end

-- %%
-- The seed's four charts: input and processed rows per second, batch
-- durations per batch and as a histogram.
if #progress == 0 then
  print("no batches, so no charts")
else
  local charts = tide.plot.progressCharts(progress)
  for _, name in ipairs({ "inputRowsPerSecond", "processedRowsPerSecond", "batchDuration", "batchDurationHistogram" }) do
    charts[name]:show()
  end
end
