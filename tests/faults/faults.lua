-- faults.lua — what the fault-injection tests share: the pipeline they
-- break (Kafka topic of JSON events -> PostgreSQL table and Kafka topic),
-- a tide process run in the background that can be killed, and checks of
-- the outputs against the ids that went in.
--
-- Counts are modest by default; TIDE_FAULTS_LONG=1 makes every test run
-- longer (more kills, more records, more restarts).
local t = require("testing")
local tide = require("tide")
local pg = require("tide.pg")

local M = {}

M.long = os.getenv("TIDE_FAULTS_LONG") == "1"
M.bin = os.getenv("TIDE_BIN") or "build/tide"
M.root = os.getenv("TIDE_SOURCE_DIR") or "."

-- The id of event i: odd events get ids between 2^63 and 2^64 (Avazu's
-- range, beyond bigint), even ones small ids. Decimal strings, as the
-- seed's producer writes them.
function M.id(i)
  if i % 2 == 1 then return ("1844674407%010d"):format(i) end
  return tostring(i)
end

function M.events(from, to)
  local out = {}
  for i = from, to do out[#out + 1] = ('{"id":"%s","n":%d}'):format(M.id(i), i) end
  return out
end

function M.ids(from, to)
  local out = {}
  for i = from, to do out[#out + 1] = M.id(i) end
  return out
end

function M.produce(bootstrap, topic, from, to)
  return tide.kafka.produce { bootstrap = bootstrap, topic = topic, values = M.events(from, to) }
end

-- A script running the pipeline: the events of `input` parsed with
-- from_json into (id decimal(38,0), n int), written exactly once to
-- PostgreSQL table `table` and at least once (as JSON) to Kafka topic
-- `output`, each query with its checkpoint under `dir`. With the argument
-- "finish" the queries process what is there and stop (availableNow).
-- spec: bootstrap, input, conninfo, table, output (optional), dir,
-- maxOffsetsPerTrigger, failOnDataLoss (default true), jdbc (extra
-- options of the jdbc sink), sliceRows (spark.tide.sliceRows).
function M.pipeline_script(path, spec)
  local jdbc_opts = {}
  for k, v in pairs(spec.jdbc or {}) do jdbc_opts[#jdbc_opts + 1] = (":option(%q, %q)"):format(k, tostring(v)) end
  local f = assert(io.open(path, "w"))
  f:write(([[
local tide = require("tide")
local F = tide.functions
local spark = tide.session()
%slocal finish = arg[1] == "finish"
local events = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", %q)
  :option("subscribe", %q):option("startingOffsets", "earliest")
  :option("maxOffsetsPerTrigger", %d):option("failOnDataLoss", %q):load()
  :select(F.from_json(F.col("value"):cast("string"), "id decimal(38,0), n int"):alias("e")):select("e.*")
local function trigger(w) return finish and w:trigger{ availableNow = true } or w end
local queries = {}
queries[#queries + 1] = trigger(events.writeStream:format("jdbc"):option("url", %q):option("dbtable", %q)%s
  :option("checkpointLocation", %q)):start()
local output = %q
if output ~= "" then
  queries[#queries + 1] = trigger(events:selectExpr("to_json(struct(id, n)) AS value").writeStream:format("kafka")
    :option("kafka.bootstrap.servers", %q):option("topic", output)
    :option("checkpointLocation", %q)):start()
end
print("started")
io.stdout:flush()
for _, q in ipairs(queries) do q:awaitTermination() end
]]):format(spec.sliceRows and ('spark.conf:set("spark.tide.sliceRows", %d)\n'):format(spec.sliceRows) or "", spec.bootstrap, spec.input, spec.maxOffsetsPerTrigger or 200, tostring(spec.failOnDataLoss ~= false), spec.conninfo, spec.table,
    table.concat(jdbc_opts), spec.dir .. "/cp_pg", spec.output or "", spec.bootstrap, spec.dir .. "/cp_kafka"))
  f:close()
  return path
end

-- ---- processes ---------------------------------------------------------------

local Proc = {}
Proc.__index = Proc

-- Every process started, so that none outlives the test (a failed check
-- leaves its query running otherwise): killed when the Lua state closes,
-- which testing.run's exit does.
M.procs = {}
M.reaper = newproxy(true)
getmetatable(M.reaper).__gc = function()
  for _, p in ipairs(M.procs) do
    if p.pid and not p:status() then os.execute(("kill -KILL %d 2>/dev/null"):format(p.pid)) end
  end
end

-- Starts `tide run script args...` in the background; its output goes to
-- a log file, its exit status to a file when it ends.
function M.spawn(dir, script, args)
  local n = (M.spawned or 0) + 1
  M.spawned = n
  local base = ("%s/proc%d"):format(dir, n)
  local p = setmetatable({ log = base .. ".log", rcfile = base .. ".rc", pidfile = base .. ".pid" }, Proc)
  os.execute(("( sh -c 'echo $$ > %s; exec %s run %s %s' > %s 2>&1; echo $? > %s ) >/dev/null 2>&1 &"):format(
    p.pidfile, M.bin, script, args or "", p.log, p.rcfile))
  M.procs[#M.procs + 1] = p
  for _ = 1, 200 do
    local f = io.open(p.pidfile)
    if f then
      p.pid = tonumber(f:read("*a"))
      f:close()
      if p.pid then return p end
    end
    tide.sleep(0.01)
  end
  error("the background process did not start: " .. script)
end

function Proc:signal(sig) os.execute(("kill -%s %d 2>/dev/null"):format(sig, self.pid)) end

-- The exit status, or nil while it runs.
function Proc:status()
  local f = io.open(self.rcfile)
  if not f then return nil end
  local rc = tonumber(f:read("*a"))
  f:close()
  return rc
end

-- Waits up to `seconds` for the process to end; returns its exit status
-- (nil when it still runs).
function Proc:wait(seconds)
  local deadline = tide.now() + (seconds or 60)
  while tide.now() < deadline do
    local rc = self:status()
    if rc then return rc end
    tide.sleep(0.05)
  end
  return nil
end

function Proc:output()
  local f = io.open(self.log)
  if not f then return "" end
  local s = f:read("*a")
  f:close()
  return s
end

-- Kills it (SIGKILL) if it still runs and waits for the end.
function Proc:kill()
  if not self:status() then self:signal("KILL") end
  return self:wait(30)
end

-- ---- checks ------------------------------------------------------------------

local function scalar(ci, sql, ...) return pg.query(ci, sql, ...):collect()[1].v end
M.scalar = scalar

-- Rows in a table (0 while it does not exist yet).
function M.count(ci, tbl)
  local ok, n = pcall(scalar, ci, "SELECT count(*) AS v FROM " .. tbl)
  return ok and n or 0
end

-- Waits until the table holds at least `want` rows; returns the count.
function M.wait_rows(ci, tbl, want, seconds, proc)
  local deadline = tide.now() + (seconds or 60)
  local n = M.count(ci, tbl)
  while n < want and tide.now() < deadline do
    if proc and proc:status() then break end
    tide.sleep(0.1)
    n = M.count(ci, tbl)
  end
  return n
end

-- The table holds each of `ids` exactly once: count, distinct count and the
-- set of ids (as text, compared digit for digit).
function M.check_exactly_once(ci, tbl, ids, what)
  what = what or tbl
  local want = {}
  for _, id in ipairs(ids) do want[id] = true end
  t.eq(scalar(ci, "SELECT count(*) AS v FROM " .. tbl), #ids, what .. ": row count")
  t.eq(scalar(ci, "SELECT count(DISTINCT id) AS v FROM " .. tbl), #ids, what .. ": distinct ids")
  local rows = pg.query(ci, "SELECT id::text AS id FROM " .. tbl):collect()
  local seen = 0
  for _, r in ipairs(rows) do
    if not want[r.id] then error(("%s: unexpected id %s"):format(what, tostring(r.id)), 2) end
    seen = seen + 1
  end
  t.eq(seen, #ids, what .. ": ids")
  t.ok(scalar(ci, "SELECT count(*) AS v FROM " .. tbl .. " WHERE id > 9223372036854775807") > 0,
    what .. ": ids beyond 2^63 arrived")
end

-- Every id reached the Kafka topic at least once, and nothing else did.
-- Returns the record count (duplicates included).
function M.check_at_least_once(bootstrap, topic, ids, what)
  local spark = tide.session()
  local rows = spark.read:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
    :option("subscribe", topic):load():selectExpr("CAST(value AS STRING) AS v"):collect()
  local want, seen = {}, {}
  for _, id in ipairs(ids) do want[id] = true end
  for _, r in ipairs(rows) do
    local id = r.v:match('"id":"?(%d+)')
    if not id or not want[id] then error(("%s: unexpected record %s"):format(what, r.v), 2) end
    seen[id] = true
  end
  for _, id in ipairs(ids) do
    if not seen[id] then error(("%s: id %s was lost"):format(what, id), 2) end
  end
  return #rows
end

return M
