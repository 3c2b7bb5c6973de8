-- deploy/k8s/pipeline/streaming.lua, the script the Deployment tide-streaming
-- runs, run as that Deployment runs it: a scratch directory stands for the
-- container's /app, the model comes from notebooks/ml_training.lua (the
-- Job tide-train), the environment is the one streaming.yaml gives
-- (POSTGRES_URL without a password, PGPASSWORD apart, as from the Secret).
-- Events the producer sends to to_predict land in PostgreSQL once each;
-- SIGTERM stops it with exit 0; restarted on the same checkpoints it goes
-- on from where it stopped (events sent meanwhile included), writing
-- nothing twice.
local t = require("testing")
local tide = require("tide")

local root = os.getenv("TIDE_SOURCE_DIR") or "."
local bin = os.getenv("TIDE_BIN") or "build/tide"
local bootstrap = t.kafka_bootstrap()
local conninfo = t.pg_conninfo()
local app = t.tempdir()

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

-- streaming.yaml's environment: the password only in PGPASSWORD.
local password = conninfo:match("password=(%S+)")
local url = conninfo:gsub("%s*password=%S+", "")
local env = table.concat({
  "KAFKA_HOST=" .. q(bootstrap), "POSTGRES_URL=" .. q(url), "PGPASSWORD=" .. q(password),
  "MODEL_PATH=" .. q(app .. "/model/ctr"), "CHECKPOINT_DIR=" .. q(app .. "/checkpoints"),
  "STARTING_OFFSETS=latest", "PROGRESS_SECONDS=1",
}, " ")

-- The events: Avazu's test format with ids of this run only, so that the
-- rows of other tests in the shared table do not count.
local base = ("9%d%06d"):format(os.time() % 100000000, math.random(0, 999999))
local function events(path, from, n)
  local gen = app .. "/gen.csv"
  tide.datagen.ctr { rows = n, out = gen, test = true, seed = from }
  local out = assert(io.open(path, "w"))
  local i = 0
  for line in io.lines(gen) do
    if i == 0 then out:write(line, "\n")
    else out:write(("%s%06d"):format(base, from + i - 1), line:match("^[^,]*(,.*)$"), "\n") end
    i = i + 1
  end
  out:close()
end

local function stored()
  local sql = ("SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM predictions WHERE id BETWEEN %s000000 AND %s999999")
    :format(base, base)
  local r = tide.sql(conninfo, sql):collect()[1]
  return tonumber(r.n), tonumber(r.d)
end

local function read_log(log)
  local f = io.open(log)
  local text = f and f:read("*a") or ""
  if f then f:close() end
  return text
end

-- Waits (10 s at most) for the log to hold what.
local function wait_log(log, what)
  local deadline = tide.now() + 10
  while not read_log(log):find(what, 1, true) and tide.now() < deadline do tide.sleep(0.2) end
end

-- Starts the pipeline in the background: tide itself gets the signals (as
-- PID 1 of a pod), and a shell waiting for it writes its exit status to
-- LOG.status.
local function start_pipeline(log)
  t.sh(("cd %s || exit 1; ( %s %s run %s/deploy/k8s/pipeline/streaming.lua > %s 2>&1 & echo $! > %s.pid; wait $!; echo $? > %s.status ) > /dev/null 2>&1 &")
    :format(q(app), env, q(bin), q(root), q(log), q(log), q(log)))
  local pid
  -- Started once it prints where it streams from (both queries are running).
  local deadline = tide.now() + 30
  while tide.now() < deadline do
    pid = pid or tonumber(read_log(log .. ".pid"):match("%d+"))
    local text = read_log(log)
    if pid and text:find("streaming to_predict", 1, true) then return pid end
    if read_log(log .. ".status") ~= "" then error("the pipeline exited at start:\n" .. text) end
    tide.sleep(0.2)
  end
  error("the pipeline did not start in 30 s")
end

-- SIGTERM; returns the log and the exit status.
local function stop_pipeline(pid, log)
  t.sh("kill -TERM " .. pid)
  local deadline = tide.now() + 30
  while read_log(log .. ".status") == "" do
    if tide.now() > deadline then error("the pipeline did not stop in 30 s after SIGTERM") end
    tide.sleep(0.2)
  end
  return read_log(log), tonumber(read_log(log .. ".status"):match("%d+"))
end

local function produce(path)
  local out, status = t.sh(("cd %s && %s run %s/scripts/producer.lua %s --bootstrap %s --topic to_predict --quiet")
    :format(q(app), q(bin), q(root), q(path), q(bootstrap)))
  t.eq(status, 0, out)
  return out
end

local function wait_stored(n)
  local deadline = tide.now() + 60
  local got, distinct = stored()
  while got < n and tide.now() < deadline do
    tide.sleep(0.5)
    got, distinct = stored()
  end
  return got, distinct
end

t.test("the Deployment's script: events to PostgreSQL once each, SIGTERM, resume", function()
  local out, status = t.sh(("cd %s && CTR_ROWS=20000 MODEL_PATH=model/ctr TIDE_DATA_DIR=data %s run %s/notebooks/ml_training.lua")
    :format(q(app), q(bin), q(root)))
  t.eq(status, 0, out)
  pcall(function() tide.admin.client(bootstrap):createTopic("to_predict", 3) end) -- as the KafkaTopic does
  tide.sql(conninfo, [[CREATE TABLE IF NOT EXISTS predictions (
    id DECIMAL(38,0), probability DOUBLE PRECISION, processed_at TIMESTAMP)]])

  events(app .. "/first.csv", 0, 300)
  events(app .. "/second.csv", 300, 200)

  local log = app .. "/pipeline1.log"
  local pid = start_pipeline(log)
  t.ok(produce(app .. "/first.csv"):find("sent 300 messages", 1, true))
  local n, d = wait_stored(300)
  wait_log(log, "predictions_postgres batch")
  local text, status = stop_pipeline(pid, log)
  t.eq(status, 0, "exit status after SIGTERM\n" .. text)
  t.eq(n, 300, "rows stored\n" .. text)
  t.eq(d, 300, "distinct ids")
  t.ok(text:find("predictions_postgres batch", 1, true), "a progress line\n" .. text)
  t.ok(text:find("stopped\n", 1, true), "a clean stop on SIGTERM\n" .. text)
  for _, query in ipairs { "predictions_kafka", "predictions_postgres" } do
    local f = io.open(app .. "/checkpoints/" .. query .. "/metadata")
    t.ok(f, "the checkpoint of " .. query .. " is in CHECKPOINT_DIR")
    if f then f:close() end
  end

  -- Events sent while it is down are read when it restarts on its
  -- checkpoints (a new pod on the same volume; without them it would start
  -- at the latest offsets and miss these).
  produce(app .. "/second.csv")
  log = app .. "/pipeline2.log"
  pid = start_pipeline(log)
  n, d = wait_stored(500)
  tide.sleep(2) -- nothing more may come
  n, d = stored()
  text, status = stop_pipeline(pid, log)
  t.eq(status, 0, "exit status after SIGTERM\n" .. text)
  t.eq(n, 500, "rows stored after the restart\n" .. text)
  t.eq(d, 500, "distinct ids after the restart")
end)

t.run()
