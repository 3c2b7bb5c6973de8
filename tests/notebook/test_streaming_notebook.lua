-- notebooks/streaming_app.lua end to end against the real broker and
-- PostgreSQL, as `tide notebook` runs it: a small model is trained first,
-- the notebook's producer sends events while its queries run, and every
-- event lands in PostgreSQL once; the report holds the tables and charts.
local t = require("testing")
local tide = require("tide")

local root = os.getenv("TIDE_SOURCE_DIR") or "."
local bin = os.getenv("TIDE_BIN") or "build/tide"
local tmp = t.tempdir()
local bootstrap, conninfo = t.kafka_bootstrap(), t.pg_conninfo()

local read = t.read

t.test("the streaming notebook scores every produced event into PostgreSQL once", function()
  local out, status = t.sh(("cd '%s' && CTR_ROWS=5000 TIDE_DATA_DIR=data MODEL_PATH=model/ctr '%s' run '%s/notebooks/ml_training.lua'")
    :format(tmp, bin, root))
  t.eq(status, 0, out)
  local ok, err = pcall(tide.admin.client(bootstrap).createTopic, tide.admin.client(bootstrap), "to_predict", 3)
  t.ok(ok or tostring(err):find("already exists", 1, true), tostring(err))
  tide.sql(conninfo, "DROP TABLE IF EXISTS predictions")
  tide.datagen.ctr { rows = 3000, out = tmp .. "/events.csv.gz", test = true, seed = 3 }

  out, status = t.sh(("cd '%s' && KAFKA_HOST='%s' POSTGRES_URL='%s' MODEL_PATH=model/ctr CHECKPOINT_DIR=cp "
    .. "PRODUCE_EVENTS=3000 PRODUCE_RATE=1000 PRODUCER_FILE=events.csv.gz SUMMARY_PATH=summary.json "
    .. "TIDE_SOURCE_DIR='%s' RUN_SECONDS=60 '%s' notebook '%s/notebooks/streaming_app.lua' --out report.html")
    :format(tmp, bootstrap, conninfo, root, bin, root))
  t.eq(status, 0, out)
  local summary = tide.json.decode(read(tmp .. "/summary.json"))
  t.eq(summary.produced, 3000, "produced")
  t.eq(summary.stored, 3000, "stored once each")
  t.ok(summary.latencyP50Ms > 0 and summary.latencyP99Ms >= summary.latencyP50Ms, "latency figures")
  -- Three seconds of events, the console sink stopped after two: the
  -- figures without its batches cover the events produced after it.
  t.ok(summary.steadyRows > 0 and summary.steadyRows < 3000, "events after the console sink: " .. tostring(summary.steadyRows))
  t.ok(summary.steadyP50Ms > 0 and summary.steadyP99Ms >= summary.steadyP50Ms, "latency figures after the console sink")

  local ids = tide.sql(conninfo, "SELECT COUNT(DISTINCT id) AS n, MIN(probability) AS lo, MAX(probability) AS hi FROM predictions")
    :collect()[1]
  t.eq(tonumber(tostring(ids.n)), 3000, "distinct ids")
  t.ok(ids.lo > 0 and ids.hi < 1, "probabilities")

  local html = read(tmp .. "/report.html")
  t.ok(html:find("Batch: 0", 1, true), "the console sink's output")
  t.ok(html:find("<table", 1, true), "PostgreSQL query tables")
  t.ok(select(2, html:gsub("<svg", "")) >= 4, "the four progress charts")
  local predictions = tide.kafka.read { bootstrap = bootstrap, topic = "predictions", partition = "all", timeout = 30000 }
  t.ok(predictions:count() >= 3000, "predictions topic")
  local first = predictions:collect()[1].value
  t.ok(first:match('^{"id":%d+,"probability":[%d.E-]+,"processed_at":"[%d-]+T[%d:.]+Z"}$'), first)
end)

t.test("KAFKA_FETCH_WAIT_MS reaches the source: a value out of range fails the notebook, naming it", function()
  local out, status = t.sh(("cd '%s' && KAFKA_HOST='%s' POSTGRES_URL='%s' KAFKA_FETCH_WAIT_MS=-5 CHECKPOINT_DIR=cp2 "
    .. "'%s' notebook '%s/notebooks/streaming_app.lua' --out report2.html"):format(tmp, bootstrap, conninfo, bin, root))
  t.eq(status, 1, out)
  t.ok(out:find('kafka source: kafka option fetch.wait.max.ms=-5: Configuration property "fetch.wait.max.ms" value -5',
    1, true), out)
end)

t.run()
