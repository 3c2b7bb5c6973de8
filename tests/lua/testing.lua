-- testing.lua — the small harness tide's Lua tests use.
--
--   local t = require("testing")
--   t.test("a batch counts its rows", function() t.eq(b:count(), 3) end)
--   t.run()   -- prints "N passed, N failed"; exits 1 when any failed
--
-- Tests run in the order declared. Helpers reach the test services that
-- ctest started (tests/services) through the project's scripts.
local M = {}
local tests = {}

function M.test(name, fn)
  tests[#tests + 1] = { name = name, fn = fn }
end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

function M.eq(actual, expected, what)
  if actual ~= expected then
    error(("%sexpected %s, got %s"):format(what and (what .. ": ") or "", show(expected), show(actual)), 2)
  end
end

function M.ok(cond, what)
  if not cond then error("expected true: " .. (what or "condition"), 2) end
end

-- Writes text to dir/name and runs it with `tide run` in dir (env: a
-- prefix of VAR=value assignments); its output (stdout and stderr) and
-- exit status, as M.sh.
function M.run_script(dir, name, text, env)
  M.write(dir .. "/" .. name, text)
  local bin = os.getenv("TIDE_BIN") or "build/tide"
  if bin:sub(1, 1) ~= "/" then bin = M.sh("pwd"):gsub("%s+$", "") .. "/" .. bin end
  return M.sh(("cd '%s' && %s '%s' run '%s'"):format(dir, env or "", bin, name))
end

-- The lines fn writes to io.stderr while it runs (tide's warnings).
function M.stderr_of(fn)
  local lines, stderr = {}, io.stderr
  io.stderr = { write = function(_, ...) lines[#lines + 1] = table.concat({ ... }) end }
  local ok, err = pcall(fn)
  io.stderr = stderr
  if not ok then error(err, 0) end
  return lines
end

-- err (an error message) holds text, as it is (no pattern).
function M.has(err, text)
  if not err:find(text, 1, true) then error(("%q not in the error: %s"):format(text, err), 2) end
end

-- err begins with the calling test file's name and a line: it was raised
-- at the line that called tide, not inside tide.
local function points_at(err, here)
  if err:sub(1, #here + 1) ~= here .. ":" then
    error("the error does not point at the caller's line: " .. err, 3)
  end
end

function M.at_caller(err) points_at(err, debug.getinfo(2, "S").short_src) end

-- Each case { fn, text }: fn raises an error holding text, at a line of
-- the test file that lists the cases.
function M.raises_at_caller(cases)
  local here = debug.getinfo(2, "S").short_src
  for _, case in ipairs(cases) do
    local err = M.raises(case[1])
    M.has(err, case[2])
    points_at(err, here)
  end
end

-- Deep equality for plain tables.
local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  for k, v in pairs(a) do if not same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end
M.same = same

-- fn run with the session in time zone `zone`
-- (spark.sql.session.timeZone), then back to the default (UTC).
function M.in_zone(zone, fn)
  local conf = require("tide").session().conf
  conf:set("spark.sql.session.timeZone", zone)
  local ok, err = pcall(fn)
  conf:unset("spark.sql.session.timeZone")
  if not ok then error(err, 0) end
end

-- The rows of a DataFrame as text, cells as CAST to STRING writes them
-- (a null "null", no escapes), joined by "|" (at
-- most `limit`, 100000 by default).
function M.rows(df, limit)
  local batchlib = require("tide.batch")
  local b, out = df:toBatch(), {}
  for r = 0, math.min(b:count(), limit or 100000) - 1 do
    local cells = {}
    for c = 0, b.num_columns - 1 do cells[c + 1] = batchlib.cellText(b.columns[c], r) end
    out[#out + 1] = table.concat(cells, "|")
  end
  return out
end

-- Runs w (a DataStreamWriter) over what there is now, to the end, and
-- checks that the query ended without an exception; returns the query.
function M.run_available(w)
  local q = w:trigger { availableNow = true }:start()
  q:awaitTermination(30)
  M.ok(not q:isActive(), "the query ended")
  M.eq(q:exception(), nil)
  return q
end

-- Runs df's query over what its sources hold now (run_available) with its
-- checkpoint in cp and outputMode mode ("append" when nil): each
-- micro-batch's rows, sorted, by epoch ({ epoch = N, rows = {...} }), and
-- the query.
function M.batches_available(df, cp, mode)
  local batches = {}
  local q = M.run_available(df.writeStream:outputMode(mode or "append"):foreachBatch(function(batch, epoch)
    local rows = M.rows(batch)
    table.sort(rows)
    batches[#batches + 1] = { epoch = epoch, rows = rows }
  end):option("checkpointLocation", cp))
  return batches, q
end

-- A vector of values (a Lua list): sparse (its entries that are not 0)
-- or dense.
function M.vector_of(values, sparse)
  local V = require("tide").ml.Vectors
  if not sparse then return V.dense(values) end
  local idx, vals = {}, {}
  for j, x in ipairs(values) do
    if x ~= 0 then idx[#idx + 1], vals[#vals + 1] = j - 1, x end
  end
  return V.sparse(#values, idx, vals)
end

-- Every row df's query gives over what its sources hold now
-- (batches_available), sorted.
function M.rows_available(df, cp)
  local out = {}
  for _, b in ipairs((M.batches_available(df, cp))) do
    for _, r in ipairs(b.rows) do out[#out + 1] = r end
  end
  table.sort(out)
  return out
end

-- The state entries of each of q's progress records, a string a record:
-- each entry's operatorName, numRowsTotal, numRowsUpdated, numRowsRemoved
-- and numRowsDroppedByWatermark, entries joined by ", ".
function M.state_entries(q)
  local out = {}
  for i, p in ipairs(q.recentProgress) do
    local list = {}
    for j, o in ipairs(p.stateOperators) do
      list[j] = ("%s %d %d %d %d"):format(o.operatorName, o.numRowsTotal, o.numRowsUpdated, o.numRowsRemoved,
        o.numRowsDroppedByWatermark)
    end
    out[i] = table.concat(list, ", ")
  end
  return out
end

-- df's rows collected without worker threads and with three
-- (spark.tide.workerThreads), each run checked to have handed its work
-- to that many: { [0] = rows, [3] = rows }.
function M.collect_with_workers(spark, df)
  local ffi, C = require("ffi"), require("tide.ffi")
  local runs, tasks, ran = {}, ffi.new("int64_t[1]"), ffi.new("int64_t[1]")
  for _, threads in ipairs({ 0, 3 }) do
    spark.conf:set("spark.tide.workerThreads", threads)
    C.tide_workers_stats(tasks, ran)
    local before = tonumber(tasks[0])
    runs[threads] = df:collect()
    C.tide_workers_stats(tasks, ran)
    M.eq(tonumber(tasks[0]) - before, threads == 0 and 0 or 3, "parts handed to workers")
  end
  spark.conf:unset("spark.tide.workerThreads")
  return runs
end

-- from_json over values (strings) in DROPMALFORMED mode as the kernel
-- reports it: the malformed records counted, and each record's status
-- (1: malformed), as tide.json_functions.fromJson gives them.
function M.malformed_statuses(values, schema)
  local tide = require("tide")
  local C, jf = require("tide.ffi"), require("tide.json_functions")
  local rows = {}
  for i, v in ipairs(values) do rows[i] = { v } end
  local b = tide.batch.fromRows(rows, "value string")
  local out = tide.batch.wrap(C.tide_batch_derive(b, 1))
  local ctx = { malformed = 0 }
  local k, status = jf.fromJson(jf.fromJsonPlan(tide.types.fromDDL(schema), { mode = "DROPMALFORMED" }, "d"), out,
    b.columns[0], out.columns[0], ctx)
  return k, ctx.malformed, status, { b, out }
end

function M.same_table(actual, expected, what)
  if not same(actual, expected) then
    local inspect = require("tide.pretty")
    error(("%sexpected %s, got %s"):format(what and (what .. ": ") or "",
      inspect(expected), inspect(actual)), 2)
  end
end

-- Calls fn and returns its error message; fails when fn does not raise.
function M.raises(fn, pattern)
  local ok, err = pcall(fn)
  if ok then error("expected an error" .. (pattern and (" matching " .. pattern) or ""), 2) end
  err = tostring(err)
  if pattern and not err:find(pattern) then
    error(("error %q does not match %q"):format(err, pattern), 2)
  end
  return err
end

-- Runs a shell command; returns its output (stdout and stderr) and its
-- exit status. (A popen'ed file's close() does not give the status in
-- LuaJIT, hence the echo.)
function M.sh(cmd)
  local p = assert(io.popen("(" .. cmd .. ") 2>&1; echo \"exit=$?\""))
  local out = p:read("*a")
  p:close()
  local status = tonumber(out:match("exit=(%d+)\n$"))
  return (out:gsub("exit=%d+\n$", "")), status
end

-- Runs the active queries (tide.sleep) until cond() holds; fails the
-- test after `seconds` (10).
function M.wait_for(cond, seconds)
  local tide = require("tide")
  local deadline = tide.now() + (seconds or 10)
  while not cond() do
    if tide.now() > deadline then error("timed out", 2) end
    tide.sleep(0.02)
  end
end

-- Writes text to path (replacing it); the path.
function M.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

-- Writes text to path, its directory made if need be, last modified at
-- mtime (seconds since the epoch): a file source's order and age; the path.
function M.write_at(path, text, mtime)
  assert(os.execute(("mkdir -p '%s'"):format(path:match("^(.*)/"))) == 0)
  M.write(path, text)
  assert(os.execute(("touch -d '@%d' '%s'"):format(mtime, path)) == 0)
  return path
end

-- Writes rows (lists of values) to path as CSV lines, no header; the path.
function M.write_csv(path, rows)
  local lines = {}
  for i, r in ipairs(rows) do lines[i] = table.concat(r, ",") .. "\n" end
  return M.write(path, table.concat(lines))
end

-- The whole content of a file (raises when it cannot be read).
function M.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local function service(name)
  local root = os.getenv("TIDE_SOURCE_DIR") or "."
  local out, status = M.sh(root .. "/scripts/" .. name .. " status 2>/dev/null")
  out = out:gsub("%s+$", "")
  if status ~= 0 or out == "" then
    error(name .. " is not running; run this test through ctest, which starts it", 3)
  end
  return out
end

local kafka_used -- the bootstrap address, once a test asked for the broker
function M.kafka_bootstrap()
  kafka_used = service("kafka")
  return kafka_used
end

local pg_used -- the conninfo, once a test asked for PostgreSQL
function M.pg_conninfo()
  pg_used = service("postgres")
  return pg_used
end

-- The values of df's column `key` (a name, or a 1-based index) over its
-- collected rows, sorted: what a test of unordered rows compares.
function M.sorted_values(df, key)
  local out = {}
  for _, r in ipairs(df:collect()) do out[#out + 1] = r[key] end
  table.sort(out)
  return out
end

-- A generator of numbers uniform in [0, 1) from seed: a fixed linear
-- congruential one, so that a test's rows are the same on every run and
-- in the scripts that computed its expected values elsewhere.
function M.uniform(seed)
  local state = seed
  return function()
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  end
end

local temp_dirs = {}

-- A fresh directory, removed when the run ends.
function M.tempdir()
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute("mkdir -p '" .. dir .. "'") == 0)
  temp_dirs[#temp_dirs + 1] = dir
  return dir
end

-- A fresh directory holding the given files ({ ["k=1/a.csv"] = "text", ... }).
function M.dir_of(files)
  local dir = M.tempdir()
  for path, text in pairs(files) do
    local sub = path:match("^(.*)/[^/]*$")
    if sub then assert(os.execute(("mkdir -p '%s/%s'"):format(dir, sub)) == 0) end
    M.write(dir .. "/" .. path, text)
  end
  return dir
end

-- Bytes that start as gzip and are not: reading a file of them fails.
M.CORRUPT_GZIP = "\31\139\8\0 not deflate data at all"

local unique_names = {}

-- A name unique to this run, for topics and tables. The topics and
-- tables of these names are deleted when the run ends, so that kept test
-- services do not grow with every run.
function M.unique(prefix)
  local name = ("%s_%d_%d"):format(prefix, os.time(), math.random(1, 1e9))
  unique_names[#unique_names + 1] = name
  return name
end

-- A topic of `partitions` partitions on the test broker, named
-- M.unique(prefix) (deleted when the run ends); its name.
function M.kafka_topic(prefix, partitions)
  local name = M.unique(prefix)
  require("tide.admin").client(M.kafka_bootstrap()):createTopic(name, partitions)
  return name
end

local function delete_unique_topics()
  if not kafka_used or #unique_names == 0 then return end
  local admin = require("tide.admin").client { bootstrap = kafka_used, timeout = 10 }
  for _, name in ipairs(unique_names) do
    -- a name may be a table's, or a topic's that was never created
    local ok, err = pcall(admin.deleteTopic, admin, name)
    if not ok and not tostring(err):find("nknown topic", 1, true) then
      io.stderr:write("testing: could not delete topic ", name, ": ", tostring(err), "\n")
    end
  end
end

local function drop_unique_tables()
  if not pg_used or #unique_names == 0 then return end
  local quoted = {}
  for _, name in ipairs(unique_names) do
    for _, n in ipairs({ name, name:lower() }) do quoted[#quoted + 1] = '"' .. n:gsub('"', '""') .. '"' end
  end
  local ok, err = pcall(require("tide.pg").execute, pg_used,
    "DROP TABLE IF EXISTS " .. table.concat(quoted, ", ") .. " CASCADE")
  if not ok then io.stderr:write("testing: could not drop the run's tables: ", tostring(err), "\n") end
end

function M.run()
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
  local passed, failed = 0, 0
  for _, t in ipairs(tests) do
    local ok, err = xpcall(t.fn, debug.traceback)
    if ok then
      passed = passed + 1
      print("ok   " .. t.name)
    else
      failed = failed + 1
      print("FAIL " .. t.name .. "\n  " .. tostring(err):gsub("\n", "\n  "))
    end
  end
  for _, dir in ipairs(temp_dirs) do os.execute("rm -rf '" .. dir .. "'") end
  drop_unique_tables()
  delete_unique_topics()
  print(("%d passed, %d failed"):format(passed, failed))
  -- Closing the state runs the finalizers, so leak checkers see a clean exit.
  os.exit(failed == 0 and 0 or 1, true)
end

return M
