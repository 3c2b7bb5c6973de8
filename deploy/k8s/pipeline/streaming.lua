-- deploy/k8s/pipeline/streaming.lua — the seed's streaming application as
-- a long-running service: the Deployment tide-streaming runs it from the
-- ConfigMap tide-pipeline (kustomization.yaml generates it from this file).
--
-- Kafka topic to_predict → from_json (id as decimal(38,0)) → the model →
-- processed_at → the Kafka topic predictions (JSON, at least once) and the
-- PostgreSQL table predictions (foreachBatch, exactly once), each query
-- with its checkpoint under CHECKPOINT_DIR. It runs until SIGTERM (the
-- batches in flight finish and commit), prints one progress line per query
-- every PROGRESS_SECONDS, and exits 1 when a query fails, so that the pod
-- restarts and resumes from its checkpoints. notebooks/streaming_app.lua
-- is the same pipeline as a notebook that runs for a while and reports.
--
-- Environment: KAFKA_HOST (host:port), POSTGRES_URL (a conninfo, libpq URI
-- or JDBC URL; libpq takes the password from PGPASSWORD), MODEL_PATH
-- (default model/ctr), CHECKPOINT_DIR (default checkpoints),
-- STARTING_OFFSETS (default latest, as the seed), PROGRESS_SECONDS
-- (default 10), PROGRESS_LOG (a JSON-lines file for `tide plot`; none by
-- default, as it grows with every batch).
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then
    if default == nil then error(("set %s"):format(name), 0) end
    return default
  end
  return v
end

local KAFKA_HOST = env("KAFKA_HOST")
local POSTGRES_URL = env("POSTGRES_URL")
local MODEL_PATH = env("MODEL_PATH", "model/ctr")
local CHECKPOINTS = env("CHECKPOINT_DIR", "checkpoints")
local PROGRESS_SECONDS = tonumber(env("PROGRESS_SECONDS", "10")) or 10
local PROGRESS_LOG = os.getenv("PROGRESS_LOG")

local schema = tide.types.fromDDL([[
  id decimal(38,0), hour int, C1 int, banner_pos int,
  site_id string, site_domain string, site_category string,
  app_id string, app_domain string, app_category string,
  device_id string, device_ip string, device_model string,
  device_type int, device_conn_type int,
  C14 int, C15 int, C16 int, C17 int, C18 int, C19 int, C20 int, C21 int]])

local events = spark.readStream:format("kafka")
  :option("kafka.bootstrap.servers", KAFKA_HOST)
  :option("subscribe", "to_predict")
  :option("startingOffsets", env("STARTING_OFFSETS", "latest"))
  :load()
  :selectExpr("CAST(value AS STRING) AS value")
  :select(F.from_json("value", schema):alias("data"))
  :select("data.*")

local model = tide.ml.PipelineModel.load(MODEL_PATH)
local predictions = model:transform(events)
  :withColumn("processed_at", F.current_timestamp())
  :select("id", "probability", "processed_at")

tide.sql(POSTGRES_URL, [[
  CREATE TABLE IF NOT EXISTS predictions (
    id DECIMAL(38,0), probability DOUBLE PRECISION, processed_at TIMESTAMP)]])

local to_kafka = predictions
  :select(F.to_json(F.struct("id", "probability", "processed_at")):alias("value"))
  .writeStream:format("kafka"):queryName("predictions_kafka")
  :option("kafka.bootstrap.servers", KAFKA_HOST)
  :option("topic", "predictions")
  :option("checkpointLocation", CHECKPOINTS .. "/predictions_kafka")
  :start()

local to_postgres_writer = predictions.writeStream:queryName("predictions_postgres")
  :foreachBatch(function(df)
    df.write:format("jdbc")
      :option("url", POSTGRES_URL)
      :option("dbtable", "predictions")
      :mode("append"):save()
  end)
  :option("checkpointLocation", CHECKPOINTS .. "/predictions_postgres")
if PROGRESS_LOG then to_postgres_writer:option("progressLog", PROGRESS_LOG) end
local to_postgres = to_postgres_writer:start()

local queries = { to_kafka, to_postgres }
print(("streaming to_predict from %s with the model %s; checkpoints in %s"):format(KAFKA_HOST, MODEL_PATH, CHECKPOINTS))
io.stdout:flush()

-- Runs until a query ends (its error is raised: exit 1) or SIGTERM. A
-- progress line per query when it ran a batch since the last line.
local logged = {}
while not tide.stopRequested() do
  if spark.streams:awaitAnyTermination(PROGRESS_SECONDS) then break end
  for _, q in ipairs(queries) do
    local p = q:lastProgress()
    if p and p.batchId ~= logged[q] then
      logged[q] = p.batchId
      print(("%s batch %d: %d rows, input %.0f rows/s, processed %.0f rows/s, %d ms")
        :format(q.name, p.batchId, p.numInputRows, p.inputRowsPerSecond or 0,
          p.processedRowsPerSecond or 0, p.durationMs and p.durationMs.triggerExecution or 0))
    end
  end
  io.stdout:flush()
end
for _, q in ipairs(queries) do q:stop() end
for _, q in ipairs(queries) do
  if q:exception() then error(("%s: %s"):format(q.name, q:exception()), 0) end
end
print("stopped")
