-- tide.streaming — StreamingQuery: start() and what a script asks of a
-- running query (isActive, status, lastProgress, awaitTermination, ...).
-- Its other parts: where it resumes from its checkpoint
-- tide.streaming_recovery, one micro-batch tide.streaming_batch, how its
-- batches run and how it stops tide.streaming_runner. df.writeStream's
-- builder is tide.stream_writer, the loop that runs the batches
-- tide.streaming_loop, spark.streams tide.streaming_manager.
--
-- start() registers a query and returns at once. Micro-batches run on the
-- main thread whenever the script waits — query:awaitTermination(),
-- spark.streams:awaitAnyTermination(), tide.sleep() — and, in the console,
-- while it waits for input. Several queries interleave: each batch runs
-- in a coroutine that pauses between the pieces of its plan, so that one
-- query's large batch does not hold back another's until it ends.
local C = require("tide.ffi")
local checkpoint = require("tide.checkpoint")
local execution = require("tide.execution")
local progresslib = require("tide.progress")
local checks = require("tide.checks")
local loop = require("tide.streaming_loop")
local manager = require("tide.streaming_manager")
local runner = require("tide.streaming_runner")

local M = {}

local queries = loop.queries

local now_ms = loop.nowMs

-- ---- StreamingQuery ----------------------------------------------------------------

local Query = {}
M.StreamingQuery = Query -- (the class, for the console's hints)
-- The methods of its other parts (above), all on the one class.
for _, part in ipairs({ "tide.streaming_recovery", "tide.streaming_batch", "tide.streaming_runner" }) do
  for name, method in pairs(require(part).methods) do Query[name] = method end
end

local emit = manager.emit

local TEMP_CHECKPOINT_SINKS = { console = true, memory = true }

-- The sink formats, each a module tide.sinks.<name> (foreachbatch and
-- foreach are what foreachBatch(fn) and foreach(fn) set).
local SINKS = { console = true, memory = true, kafka = true, jdbc = true, postgres = true, csv = true,
                json = true, text = true, foreachbatch = true, foreach = true }
local SINK_NAMES = "console, csv, jdbc, json, kafka, memory, postgres, text; or foreachBatch(fn), foreach(fn)"
-- What runs the user's code, for an error(nil) raised in it.
local SINK_CODE = { foreachbatch = "the foreachBatch function", foreach = "the foreach writer" }

-- "; option \"checkpointLocaton\" was given: did you mean
-- \"checkpointLocation\"?" when an option of w is a letter or two from it.
local function misspelled_checkpoint(w)
  local keys = {}
  for key in pairs(w.opts) do keys[#keys + 1] = key end
  table.sort(keys)
  for _, key in ipairs(keys) do
    if require("tide.suggest").closest(key, { "checkpointLocation" }, 2) then
      return ('; option %q was given: did you mean "checkpointLocation"?'):format(w.spelled and w.spelled[key] or key)
    end
  end
  return ""
end

function M.startQuery(w)
  local fmt = w.fmt or "console"
  -- (an interval column as its text, or refused: tide.interval_values)
  local df = require("tide.interval_values").forSink(w.df, fmt)
  -- Before anything is written (the checkpoint's directory and metadata).
  if not SINKS[fmt] then error(("unknown sink format %q (known: %s)"):format(fmt, SINK_NAMES), 0) end
  local sink_module = require("tide.sinks." .. fmt)
  checks.recordCount(w.opts.maxoffsetspertrigger, "writeStream option maxOffsetsPerTrigger")
  if not execution.sourceOf(df._plan) then error("a streaming query needs exactly one streaming source", 0) end
  if w.name then
    for _, other in ipairs(queries) do
      if other.name == w.name then error(("a query named %q is already active"):format(w.name), 0) end
    end
  end
  local no_data_batches = require("tide.stateful_aggregate").checkOutputMode(w, fmt)
  local trigger = w.trig
  if trigger.kind == "processingTime" and trigger.interval < 0 then
    error(("the interval of trigger should not be negative (processingTime %s ms)"):format(trigger.interval), 0)
  end
  if trigger.kind == "processingTime" and trigger.interval == 0 then
    -- Spark's default trigger is ProcessingTime(0): a batch as soon as the
    -- last one ends, and one waiting for data waits in its source. (As a
    -- processingTime trigger, interval 0 polled the source without waiting.)
    trigger = { kind = "default" }
  end
  local dir = w.opts.checkpointlocation
  local temporary = false
  if not dir then
    if not TEMP_CHECKPOINT_SINKS[fmt] then
      error(('checkpointLocation must be given: writeStream:option("checkpointLocation", DIR), or a root for'
        .. ' every query with spark.conf:set("spark.sql.streaming.checkpointLocation", DIR) (sink %s)%s')
        :format(fmt, misspelled_checkpoint(w)), 0)
    end
    dir = os.tmpname()
    os.remove(dir)
    temporary = true
  end
  local retain = w.opts.minbatchestoretain
  local cp = checkpoint.open(dir, { minBatchesToRetain = retain and (tonumber(retain) or retain) })
  -- (stateful operators on two sides of a join or a union, built apart,
  -- may have taken one state/<n>: the query numbers them apart)
  cp.stateNumbers = require("tide.state_store").numbering(df._plan)
  cp.stateOrder = require("tide.state_store").progressOrder(df._plan)
  local okk, source = pcall(execution.openSource, df._plan)
  if not okk then
    cp:close()
    error(source, 0)
  end
  local q = setmetatable({
    id = cp.id, runId = checkpoint.uuid(), name = w.name, df = df, plan = df._plan,
    source = source, checkpoint = cp, temporaryCheckpoint = temporary and dir or nil,
    sinkCode = SINK_CODE[fmt] or ("the %s sink"):format(fmt),
    trigger = trigger, opts = w.opts, mode = w.mode or "append", states = {}, recent = {},
    watermarkDelayMs = require("tide.stateful_aggregate").watermarkOf(df._plan), noDataBatches = no_data_batches,
    -- (several watermarks' policy: a restarted query keeps the checkpoint's)
    watermarkPolicy = (df._session and df._session.conf:get("spark.sql.streaming.multipleWatermarkPolicy") or "min")
      :lower(),
    statusMessage = "Initializing sources", dataAvailable = false, triggerActive = false,
    nextTrigger = 0, active = true,
  }, Query)
  local ok, err = pcall(function()
    q.sink = sink_module.new(w, df.schema, q)
    q:recover()
  end)
  if not ok then
    cp:close()
    error(err, 0)
  end
  queries[#queries + 1] = q
  emit("onQueryStarted", { id = q.id, runId = q.runId, name = q.name, timestamp = progresslib.timestamp(now_ms()) })
  return q
end

-- (false once stop() was called, also from inside the query's own batch,
-- which ends before the query does: as Spark's, whose stop() sets the
-- query's state at once)
function Query:isActive() return self.active and not self.stopAfterBatch end
function Query:exception() return self.exceptionText end

-- ---- properties ----------------------------------------------------------------------

-- status, lastProgress and recentProgress are properties in PySpark
-- (q.status["message"]) and were methods in tide (q:status()). Both work:
-- q.status is the value, and calling it (q:status(), q.status()) gives the
-- value again. A value that can be called is a table whose metatable's
-- __call returns it: the status table, the progress (tide.progress), a
-- list (tide.row callableList). isActive stays a method: a boolean
-- cannot be called, and a value that can would always be true in
-- `if q.isActive then`.
local STATUS = { __call = function(status) return status end }

-- q.lastProgress before the first progress: PySpark's None. As a value
-- that must also answer q:lastProgress() with nil, it is a placeholder
-- whose fields fail, naming the way to test for a progress.
local NoProgress = {
  __call = function() return nil end,
  __index = function(_, key)
    error(("q.lastProgress.%s: the query has no progress yet (None in PySpark); test for one with"
      .. " `local p = q:lastProgress()`, nil until the first micro-batch ends"):format(tostring(key)), 2)
  end,
  __tostring = function() return "nil (no progress yet)" end,
}
local NO_PROGRESS = setmetatable({}, NoProgress)

local PROPERTIES = {
  status = function(q)
    return setmetatable({ message = q.statusMessage, isDataAvailable = q.dataAvailable,
                          isTriggerActive = q.triggerActive }, STATUS)
  end,
  lastProgress = function(q) return q.recent[#q.recent] or NO_PROGRESS end,
  recentProgress = function(q) return require("tide.row").callableList({ unpack(q.recent) }) end,
}

-- The fields a script reads besides the methods and properties (name is
-- nil for a query without one).
local FIELDS = { id = true, runId = true, name = true }

local function which(q)
  return q.name and ("query %s (id %s)"):format(q.name, q.id) or ("query (id %s)"):format(q.id)
end

-- Raises the query's error, if it failed, as Spark's StreamingQueryException.
function Query:raiseIfFailed()
  if self.exceptionText then
    error(("StreamingQueryException: %s terminated with an error:\n%s"):format(which(self), self.exceptionText), 0)
  end
end

-- A wait for the query from inside its own batch (its foreachBatch
-- function) could only run the query's next batch inside this one, over
-- the offsets this one has not committed: an error at the caller's line.
local function refuse_inside_own_batch(q, method)
  if q:batchUnderWay() then
    error(("cannot wait for %s from inside its own batch: %s there would run the query's next batch before"
      .. " this one has committed (the next batch runs once this one returns)"):format(which(q), method), 3)
  end
end

-- Runs the loop until the query ends (or timeout seconds pass). Returns
-- true when it ended; raises its error if it failed.
function Query:awaitTermination(timeout)
  refuse_inside_own_batch(self, "awaitTermination")
  local deadline = timeout and (now_ms() + timeout * 1000)
  loop.runUntil(function() return not self.active end, deadline)
  self:raiseIfFailed()
  return not self.active
end

function Query:processAllAvailable()
  refuse_inside_own_batch(self, "processAllAvailable")
  -- (what is available now: a topic made a moment ago included)
  if self.source.refresh then self.source:refresh() end
  loop.runUntil(function()
    if not self.active then return true end
    local latest = self.source:latestOffsets(self.committedEnd, 0)
    -- (and the batch without data a moved watermark asks for, as Spark's)
    return not self.replay and not self:watermarkMoved()
      and execution.sameOffsets(self.source, latest, self.committedEnd)
  end)
  self:raiseIfFailed()
end

function Query:explain(...) return self.df:explain(...) end
Query.__tostring = function(q) return ("StreamingQuery(id=%s, runId=%s, name=%s)"):format(q.id, q.runId, tostring(q.name)) end

-- q.awaitTermination(5) fails naming the method (tide.checks); only the
-- public methods: the loop's own (step, runBatch, ...) are left as they are.
local PUBLIC = { "isActive", "exception", "stop", "awaitTermination", "processAllAvailable", "explain" }
do
  local public = {}
  for _, name in ipairs(PUBLIC) do public[name] = Query[name] end
  checks.colonCalls("StreamingQuery", "query", function(v) return getmetatable(v) == Query end, public, Query)
end

-- A query's methods, then its properties; a name it does not have is an
-- error at the script's line that read it (q:awaitTerminaton() ->
-- StreamingQuery has no method or property "awaitTerminaton"; did you
-- mean "awaitTermination"?), while tide's own code reads the optional
-- fields it keeps on the query (nil when unset).
-- (a field tide's code was once seen to read is remembered: asking who
-- reads costs a debug.getinfo, which the streaming loop must not pay a
-- batch, and stops LuaJIT's compiler)
local read_by_tide = {}
Query.__index = function(q, key)
  local m = Query[key]
  if m ~= nil then return m end
  local property = PROPERTIES[key]
  if property then return property(q) end
  if FIELDS[key] or read_by_tide[key] or type(key) ~= "string" or key:sub(1, 1) == "_" then return nil end
  if checks.indexedByTide() then
    read_by_tide[key] = true
    return nil
  end
  local known = {}
  for _, names in ipairs({ PUBLIC, { "status", "lastProgress", "recentProgress", "id", "runId", "name" } }) do
    for _, name in ipairs(names) do known[#known + 1] = name end
  end
  checks.noSuchMember("StreamingQuery", "method or property", key, known)
end

M.step, M.finishPaused, M.active = loop.step, loop.finishPaused, loop.active

-- Runs queries for `seconds` (tide.sleep while queries are active).
function M.runFor(seconds)
  if runner.inBatch() then return C.tide_sleep(seconds) == 0 end
  loop.runUntil(function() return false end, now_ms() + seconds * 1000)
  return C.tide_stop_requested() == 0
end

-- {queryId, epochId} while a sink (or foreachBatch function) runs.
M.currentEpoch = runner.currentEpoch

M.StreamingQueryManager = manager.new

return M
