-- scripts/demo.lua — the click-prediction demo, end to end: a broker (the
-- embedded one, or a real one given its address), a private PostgreSQL,
-- training on generated Avazu-shaped data, then the producer and the
-- streaming pipeline over a bounded number of events. Prints what was
-- produced and stored, throughput, latency, sample predictions and where
-- the reports are; exits 1 if PostgreSQL does not hold every event once,
-- or at the first step that fails, with that step's own error.
--
--   tide run scripts/demo.lua [BOOTSTRAP] [--events N] [--rate N] [--train-rows N]
--
-- scripts/demo builds tide and runs this. Everything it writes goes to
-- build/demo/ (data, model, checkpoints, reports, plots).
local tide = require("tide")

local root = os.getenv("TIDE_SOURCE_DIR") or "."
local work = root .. "/build/demo"
local opts = { events = 100000, rate = 20000, trainRows = 200000 }
-- The command the user typed: scripts/demo sets TIDE_DEMO_COMMAND to its $0.
local usage = ("usage: %s [BOOTSTRAP] [--events N] [--rate N] [--train-rows N]\n")
  :format(os.getenv("TIDE_DEMO_COMMAND") or "tide run scripts/demo.lua")
local i = 1
-- The whole number >= least after an option, or a usage error before
-- anything runs.
local function count_after(name, least)
  local v = tonumber(arg[i + 1])
  if not v or v < least or v ~= math.floor(v) then
    io.stderr:write(("demo: %s needs a whole number >= %d, not %s\n"):format(name, least, tostring(arg[i + 1])), usage)
    os.exit(2)
  end
  i = i + 1
  return v
end
while i <= #arg do
  local a = arg[i]
  if a == "--help" or a == "-h" then io.write(usage); os.exit(0)
  elseif a == "--events" then opts.events = count_after(a, 1)
  elseif a == "--rate" then opts.rate = count_after(a, 1)
  elseif a == "--train-rows" then opts.trainRows = count_after(a, 0) -- (0: the training step's own error)
  elseif a:sub(1, 2) ~= "--" and not opts.bootstrap then opts.bootstrap = a
  else
    io.stderr:write(usage)
    os.exit(2)
  end
  i = i + 1
end

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end
local exe = tide.executable()
local t_start = tide.now()

local function step(title) print(("\n== %s  (%.0f s)"):format(title, tide.now() - t_start)) end

-- Runs a command with environment variables and returns its output; when
-- it fails (exit status not 0), the demo stops there with the command's
-- own error: a notebook's failing cell and traceback, or the output.
local function run(env, cmd, what)
  local parts = {}
  for k, v in pairs(env) do parts[#parts + 1] = k .. "=" .. q(v) end
  local p = io.popen(("cd %s && (%s %s) 2>&1; echo \"exit=$?\""):format(q(root), table.concat(parts, " "), cmd))
  local out = p:read("*a")
  p:close()
  -- Ctrl-C reaches the step's processes too (one process group): the
  -- step ends, and so does the demo.
  if not out or tide.stopRequested() then
    io.stderr:write("\ndemo: interrupted during " .. what .. "\n")
    os.exit(130)
  end
  local status = tonumber(out:match("exit=(%d+)\n?$"))
  out = out:gsub("exit=%d+\n?$", "")
  if status ~= 0 then
    io.stdout:flush()
    local err = out:match("tide notebook: cell %d+ failed.-\nreport: [^\n]*") or out
    io.stderr:write("\n", (err:gsub("%s+$", "")), "\n")
    io.stderr:write(("demo: %s failed (exit status %s); stopped there\n"):format(what, tostring(status)))
    os.exit(1)
  end
  return out
end

-- ---- services ------------------------------------------------------------------------

step("Kafka")
local broker
if opts.bootstrap then
  local ok, err = pcall(function()
    tide.admin.client { bootstrap = opts.bootstrap, timeout = 10 }
      :ensureTopic("to_predict", 3):ensureTopic("predictions", 3)
  end)
  if not ok then
    io.stderr:write(("demo: the broker at %s: %s\n"):format(opts.bootstrap, tostring(err):gsub("^[^:]+:%d+: ", "")))
    os.exit(1)
  end
  print("using the broker at " .. opts.bootstrap)
else
  broker = tide.broker.start { partitions = 3 }
  broker:createTopic("to_predict", 3)
  broker:createTopic("predictions", 3)
  opts.bootstrap = broker:bootstrap()
  print("embedded broker (librdkafka's mock cluster, for demos) at " .. opts.bootstrap)
end

step("PostgreSQL")
local conninfo = run({}, "scripts/postgres start", "scripts/postgres start"):match("([^\n]+)\n*$")
print("a private cluster at " .. conninfo:gsub("password=%S+", "password=***"))
-- The table starts empty, so that what it holds afterwards is this run's
-- rows: said aloud when earlier runs (a notebook's too) left rows in it.
local earlier = tide.sql(conninfo, "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'predictions'"
  .. " AND schemaname = current_schema()"):collect()[1].n
if tonumber(tostring(earlier)) > 0 then
  local rows = tide.sql(conninfo, "SELECT count(*) AS n FROM predictions"):collect()[1].n
  print(("the table predictions emptied for this run (%s rows of earlier runs dropped)"):format(tostring(rows)))
end
tide.sql(conninfo, "DROP TABLE IF EXISTS predictions")

-- ---- training ------------------------------------------------------------------------

-- (only now: a demo that could not reach its services keeps the last
-- run's reports)
os.execute("rm -rf " .. q(work) .. " && mkdir -p " .. q(work .. "/data"))

step(("Training on %d generated rows (notebooks/ml_training.lua)"):format(opts.trainRows))
local out = run({ CTR_ROWS = opts.trainRows, TIDE_DATA_DIR = work .. "/data", MODEL_PATH = work .. "/model/ctr" },
  ("%s notebook notebooks/ml_training.lua --out %s"):format(q(exe), q(work .. "/training.html")), "the training notebook")
local below_no_click
for line in out:gmatch("[^\n]+") do
  if line:find("^fitted in") or line:find("^AUC") or line:find("^accuracy") then print("  " .. line) end
  local accuracy, no_click = line:match("^accuracy ([%d.]+) %(always 'no click' would score ([%d.]+)%)")
  if accuracy then below_no_click = tonumber(accuracy) <= tonumber(no_click) end
end
-- Accuracy below "no click" and low probabilities look broken; docs/ml.md
-- ("How good the fits are") and the training report explain them.
if below_no_click then
  print("  (read AUC: the seed's pipeline memorizes training ids, so new events rarely score over 0.5; docs/ml.md)")
end

-- ---- streaming -----------------------------------------------------------------------

step(("Streaming %d events at %d/s (notebooks/streaming_app.lua)"):format(opts.events, opts.rate))
local test_file = work .. "/data/ctr_test.csv.gz"
tide.datagen.ctr { rows = opts.events, out = test_file, test = true, seed = 7 }
local summary_path = work .. "/summary.json"
out = run({
  KAFKA_HOST = opts.bootstrap, POSTGRES_URL = conninfo, MODEL_PATH = work .. "/model/ctr",
  -- The embedded broker holds a fetch it has no records for until
  -- fetch.wait.max.ms runs out, even when records arrive meanwhile (Kafka
  -- answers as soon as one does), and answers one record batch a
  -- partition at a time: the wait is most of the demo's latency. p50
  -- after the console sink (two runs each): 35-37 ms at 10, 28-30 at 5,
  -- 14-17 at 3, 7-8 at 2, 6 at 1; at 2 the demo takes ~2 CPU s more than
  -- at 10 (idle fetches), at 1 ~3.
  KAFKA_FETCH_WAIT_MS = broker and 2 or nil,
  CHECKPOINT_DIR = work .. "/checkpoints", PRODUCE_EVENTS = opts.events, PRODUCE_RATE = opts.rate,
  PRODUCER_FILE = test_file, SUMMARY_PATH = summary_path, TIDE_SOURCE_DIR = root, RUN_SECONDS = 120,
}, ("%s notebook notebooks/streaming_app.lua --out %s"):format(q(exe), q(work .. "/streaming.html")),
  "the streaming notebook")

run({}, ("%s plot %s --out %s"):format(q(exe), q(work .. "/checkpoints/predictions_postgres.progress.jsonl"),
  q(work .. "/plots")), "tide plot")
if broker then broker:stop() end

-- ---- summary -------------------------------------------------------------------------

local f = assert(io.open(summary_path, "rb"))
local summary = tide.json.decode(f:read("*a"))
f:close()

step("Summary")
print(("events produced        %d"):format(summary.produced))
-- The demo drops the table first, so the table holds this run's rows only:
-- every event, once, is both what the query wrote and what the table holds.
local every_event_once = summary.stored == summary.produced and summary.tableRows == summary.produced
print(("rows in PostgreSQL     %d%s"):format(summary.tableRows,
  every_event_once and " (every event, once)" or ("  <-- differs! (this run wrote %d)"):format(summary.stored)))
print(("throughput             %.0f rows/s while processing, in %d micro-batches"):format(summary.rowsPerSecond,
  summary.batches))
print(("latency                p50 %.1f ms, p99 %.1f ms (produce to PostgreSQL commit)"):format(
  summary.latencyP50Ms or 0 / 0, summary.latencyP99Ms or 0 / 0))
if summary.steadyRows then
  print(("                       p50 %.1f ms, p99 %.1f ms once the console sink stopped (%d events)"):format(
    summary.steadyP50Ms, summary.steadyP99Ms, summary.steadyRows))
end
if broker then
  print("                       (the embedded broker is asked for records every 2 ms; with Kafka itself:")
  print("                       scripts/kafka start; scripts/demo $(scripts/kafka status))")
end
print("sample predictions:")
tide.sql(conninfo, "SELECT id, probability, processed_at FROM predictions ORDER BY processed_at DESC, id LIMIT 5")
  :show(5, false)
print("reports:  " .. work .. "/training.html, " .. work .. "/streaming.html")
print("plots:    " .. work .. "/plots/")
print("PostgreSQL stays up for the next run; scripts/postgres stop stops it")
print(("done in %.0f s"):format(tide.now() - t_start))
os.exit(every_event_once and 0 or 1)
