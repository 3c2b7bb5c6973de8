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
  tide.datagen.ctr { rows = 5000, out = tmp .. "/events.csv.gz", test = true, seed = 3 }

  out, status = t.sh(("cd '%s' && KAFKA_HOST='%s' POSTGRES_URL='%s' MODEL_PATH=model/ctr CHECKPOINT_DIR=cp "
    .. "PRODUCE_EVENTS=5000 PRODUCE_RATE=1000 PRODUCER_FILE=events.csv.gz SUMMARY_PATH=summary.json "
    .. "TIDE_SOURCE_DIR='%s' RUN_SECONDS=60 '%s' notebook '%s/notebooks/streaming_app.lua' --out report.html")
    :format(tmp, bootstrap, conninfo, root, bin, root))
  t.eq(status, 0, out)
  local summary = tide.json.decode(read(tmp .. "/summary.json"))
  t.eq(summary.produced, 5000, "produced")
  t.eq(summary.stored, 5000, "stored once each")
  t.eq(summary.tableRows, 5000, "the table holds this run's rows only")
  t.ok(summary.latencyP50Ms > 0 and summary.latencyP99Ms >= summary.latencyP50Ms, "latency figures")
  -- Five seconds of events, the console sink stopped after two (later on
  -- a loaded machine): the figures without its batches cover the events
  -- produced after it.
  t.ok(summary.steadyRows > 0 and summary.steadyRows < 5000, "events after the console sink: " .. tostring(summary.steadyRows))
  t.ok(summary.steadyP50Ms > 0 and summary.steadyP99Ms >= summary.steadyP50Ms, "latency figures after the console sink")

  local ids = tide.sql(conninfo, "SELECT COUNT(DISTINCT id) AS n, MIN(probability) AS lo, MAX(probability) AS hi FROM predictions")
    :collect()[1]
  t.eq(tonumber(tostring(ids.n)), 5000, "distinct ids")
  t.ok(ids.lo > 0 and ids.hi < 1, "probabilities")

  local html = read(tmp .. "/report.html")
  t.ok(html:find("Batch: 0", 1, true), "the console sink's output")
  t.ok(html:find("<table", 1, true), "PostgreSQL query tables")
  t.ok(select(2, html:gsub("<svg", "")) >= 4, "the four progress charts")
  local predictions = tide.kafka.read { bootstrap = bootstrap, topic = "predictions", partition = "all", timeout = 30000 }
  t.ok(predictions:count() >= 5000, "predictions topic")
  local first = predictions:collect()[1].value
  t.ok(first:match('^{"id":%d+,"probability":[%d.E-]+,"processed_at":"[%d-]+T[%d:.]+Z"}$'), first)
end)

-- The tests below use the model and the checkpoints of the first one.

t.test("a restart on the same checkpoints sums up its own batches and rows apart from the table's; the producer is "
  .. "found beside the notebook", function()
  -- Not under TIDE_SOURCE_DIR: the notebook finds scripts/producer.lua from its own path.
  local out, status = t.sh(("cd '%s' && env -u TIDE_SOURCE_DIR KAFKA_HOST='%s' POSTGRES_URL='%s' MODEL_PATH=model/ctr "
    .. "CHECKPOINT_DIR=cp PRODUCE_EVENTS=500 PRODUCE_RATE=1000 PRODUCER_FILE=events.csv.gz SUMMARY_PATH=summary2.json "
    .. "RUN_SECONDS=60 '%s' notebook '%s/notebooks/streaming_app.lua' --out report3.html")
    :format(tmp, bootstrap, conninfo, bin, root))
  t.eq(status, 0, out)
  t.ok(out:match("\n500 rows in %d+ batches"), out)
  local summary = tide.json.decode(read(tmp .. "/summary2.json"))
  t.eq(summary.produced, 500, "produced")
  t.eq(summary.stored, 500, "the rows this run wrote")
  t.eq(summary.tableRows, 5500, "the table's rows, the first run's included")
  t.ok(out:find("500 rows written by this run; the table predictions holds 5500 rows in all (with earlier runs')",
    1, true), out)
  local logged = #tide.plot.readProgress(tmp .. "/cp/predictions_postgres.progress.jsonl")
  t.ok(summary.batches >= 1 and summary.batches < logged, ("this run's %d batches of the log's %d"):format(summary.batches, logged))
end)

t.test("with no events during RUN_SECONDS the notebook ends normally: no batch ran, no charts", function()
  local out, status = t.sh(("cd '%s' && KAFKA_HOST='%s' POSTGRES_URL='%s' MODEL_PATH=model/ctr CHECKPOINT_DIR=cp_idle "
    .. "RUN_SECONDS=2 '%s' notebook '%s/notebooks/streaming_app.lua' --out idle.html"):format(tmp, bootstrap, conninfo, bin, root))
  t.eq(status, 0, out)
  t.ok(out:find("no batch ran: no events arrived while the queries ran, so no rows", 1, true), out)
  t.ok(out:find("no batches, so no charts", 1, true), out)
  t.ok(not read(tmp .. "/idle.html"):find("<svg", 1, true), "no charts in the report")
end)

t.test("a producer that fails stops the notebook at once, with the producer's error", function()
  local started = tide.now()
  local out, status = t.sh(("cd '%s' && KAFKA_HOST='%s' POSTGRES_URL='%s' MODEL_PATH=model/ctr CHECKPOINT_DIR=cp_fail "
    .. "PRODUCE_EVENTS=100 PRODUCER_FILE=missing.csv.gz TIDE_SOURCE_DIR='%s' RUN_SECONDS=60 "
    .. "'%s' notebook '%s/notebooks/streaming_app.lua' --out fail.html"):format(tmp, bootstrap, conninfo, root, bin, root))
  t.eq(status, 1, out)
  t.ok(out:find("scripts/producer.lua) failed, exit status 1:", 1, true), out)
  t.ok(out:find("missing.csv.gz", 1, true), out)
  t.ok(tide.now() - started < 30, "it did not wait for the events: " .. (tide.now() - started) .. " s")
  out, status = t.sh(("cd '%s' && KAFKA_HOST='%s' POSTGRES_URL='%s' MODEL_PATH=model/ctr CHECKPOINT_DIR=cp_fail "
    .. "PRODUCE_EVENTS=100 TIDE_SOURCE_DIR=/nonexistent '%s' notebook '%s/notebooks/streaming_app.lua' --out fail.html")
    :format(tmp, bootstrap, conninfo, bin, root))
  t.eq(status, 1, out)
  t.ok(out:find("cannot find the producer: no /nonexistent/scripts/producer.lua (set TIDE_SOURCE_DIR", 1, true), out)
end)

t.test("a notebook stopped by SIGTERM before its producer ends stops the producer too", function()
  assert(os.execute(("cp '%s/events.csv.gz' '%s/events_stop.csv.gz'"):format(tmp, tmp)) == 0)
  -- ([p]: the pattern does not match this command's own line)
  local running = "pgrep -f '[p]roducer.lua .*events_stop' >/dev/null"
  local out, status = t.sh(("cd '%s' && (KAFKA_HOST='%s' POSTGRES_URL='%s' MODEL_PATH=model/ctr CHECKPOINT_DIR=cp_stop "
    .. "PRODUCE_EVENTS=3000 PRODUCE_RATE=200 PRODUCER_FILE=events_stop.csv.gz TIDE_SOURCE_DIR='%s' RUN_SECONDS=60 "
    .. "'%s' notebook '%s/notebooks/streaming_app.lua' --out stop.html & pid=$!; "
    .. "for i in $(seq 600); do %s && break; sleep 0.1; done; sleep 1; kill -TERM $pid; wait $pid; echo exit=$?; "
    .. "sleep 0.5; if %s; then echo producer still running; fi)"):format(tmp, bootstrap, conninfo, root, bin, root, running, running))
  t.eq(status, 0, out)
  t.ok(out:find("exit=0", 1, true), out)
  t.ok(out:find("producer: stopped with the notebook", 1, true), out)
  t.ok(not out:find("producer still running", 1, true), out)
end)

t.test("KAFKA_FETCH_WAIT_MS reaches the source: a value out of range fails the notebook, naming it", function()
  local out, status = t.sh(("cd '%s' && KAFKA_HOST='%s' POSTGRES_URL='%s' KAFKA_FETCH_WAIT_MS=-5 CHECKPOINT_DIR=cp2 "
    .. "'%s' notebook '%s/notebooks/streaming_app.lua' --out report2.html"):format(tmp, bootstrap, conninfo, bin, root))
  t.eq(status, 1, out)
  t.ok(out:find('kafka source: kafka option fetch.wait.max.ms=-5: Configuration property "fetch.wait.max.ms" value -5',
    1, true), out)
end)

t.run()
