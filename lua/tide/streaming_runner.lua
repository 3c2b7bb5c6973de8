-- tide.streaming_runner — how a StreamingQuery's micro-batches run, and
-- how the query ends. The loop (tide.streaming_loop) asks each active
-- query for a step of its trigger (query:step), which runs the batch that
-- is due (query:runBatch, tide.streaming_batch): straight through when the
-- query is alone; among several, in a coroutine that pauses between the
-- pieces of its plan (pause, its ctx.pause), so that one query's large
-- batch does not hold back another's until it ends. After a batch its
-- memory is reclaimed and the next trigger set (endBatch); stop() or a
-- failure ends the query (terminate), a batch under way first.
--
-- While a batch runs, this module knows whose it is and the epoch its
-- sink writes (currentEpoch, for foreachBatch writers), and a failure
-- keeps the traceback of where it was raised (inEpoch).
local C = require("tide.ffi")
local execution = require("tide.execution")
local batchlib = require("tide.batch")
local loop = require("tide.streaming_loop")
local manager = require("tide.streaming_manager")

local M = {}
local Query = {} -- StreamingQuery's methods here (tide.streaming takes them)
M.methods = Query

local queries = loop.queries
local emit = manager.emit
local current_epoch   -- {queryId, epochId} while a sink runs (foreachBatch writers read it)
local in_batch = false -- no nested loop from a tide.sleep inside a foreachBatch function
local running         -- the query whose micro-batch runs now (in its coroutine)
local PAUSE = {}      -- what a paused micro-batch yields to the loop
-- Arena bytes a query may leave to the garbage collector between batches
-- before a full collection: small batches share one collection, large ones
-- are freed as soon as they are done.
local RECLAIM_SLACK = 16 * 2 ^ 20
-- At most this long between hand-backs of malloc's free pages (malloc_trim
-- walks the heaps, so not after every batch).
local HEAP_TRIM_INTERVAL_MS = 10000
local last_heap_trim = 0
-- Below the slack, each batch takes a step of the collector this size (in
-- KB of allocation it stands for): a cycle over a query's few MB of Lua
-- heap then spans a handful of small batches, about 0.1 ms each, instead of
-- a 1-4 ms full collection every few (tide.batch reclaim).
local RECLAIM_STEP_KB = 64

local now_ms = loop.nowMs

-- ctx.pause of a micro-batch: between two pieces of its plan, hands the
-- thread back to the loop when other queries are active. Only from the
-- batch's own coroutine (not from one the batch runs, such as the pieces
-- a foreachBatch function consumes, which holds a PostgreSQL transaction
-- open) and never across a C call.
local function pause()
  local q = running
  if q and q.co and q.active and not q.noPause and #queries > 1 and coroutine.running() == q.co
      and coroutine.isyieldable() then
    coroutine.yield(PAUSE)
  end
end
M.pause = pause

-- An error of a sink (of the user's foreachBatch function) that carries
-- its traceback already: the batch's own handler (traced) passes it on as
-- it is rather than adding a second traceback, from the loop's frames.
local Traced = {}

-- The message handler of a micro-batch: the error with the traceback of
-- the point where it was raised (a handler runs there, before the stack
-- unwinds). error(nil), which debug.traceback would pass on as nil, would
-- end the query as if it had succeeded: it becomes a message. Other
-- non-string errors (a table) are kept as they are, for exception().
-- (level: of the frame that raised, counted from traced's own; LuaJIT
-- does not count the handler's frame, so 1 when traced is the handler)
local function traced(err, what, level)
  if getmetatable(err) == Traced then return err.value end
  if err == nil then
    err = ("%s raised nil (error() without a message)"):format(what or "the micro-batch")
  end
  return debug.traceback(err, level or 1)
end

-- in_epoch's message handler (a module function, not a closure per batch:
-- see tide.streaming_batch's PiecesToSink). An error(nil) is named after
-- the code of the sink of the batch that runs (query.sinkCode: "the
-- foreachBatch function").
local function sink_error(err)
  if getmetatable(err) == Traced then return err end
  return setmetatable({ value = traced(err, running and running.sinkCode, 2) }, Traced)
end

-- fn(...) with the epoch visible to foreachBatch writers while it runs.
-- An error keeps the traceback from where it was raised, so that the user
-- sees the frames of their foreachBatch function (a pcall and a re-raise
-- would start it here).
local function in_epoch(epoch, fn, ...)
  current_epoch = epoch
  local ok, res = xpcall(fn, sink_error, ...)
  current_epoch = nil
  if not ok then error(res, 0) end
  return res
end
M.inEpoch = in_epoch

-- {queryId, epochId} while a sink (or foreachBatch function) runs.
function M.currentEpoch() return current_epoch end

-- Whether a micro-batch runs below the code running now (tide.sleep there
-- sleeps rather than running the loop).
function M.inBatch() return in_batch end

-- Whether the query's batch is under way below the code running now: that
-- code was called from inside the batch (its foreachBatch function, a
-- listener, or another query's batch that one of them ran). A batch paused
-- between its pieces is not.
function Query:batchUnderWay()
  if self.inBatch then return true end
  local status = self.co and coroutine.status(self.co)
  return status == "running" or status == "normal"
end

-- The body of a micro-batch's coroutine.
local function run_batch(q, wait_ms) return xpcall(q.runBatch, traced, q, wait_ms) end

-- One step of the query's trigger: runs a batch if one is due, or goes on
-- with the batch it paused. Returns true when a batch ended having run.
function Query:step(wait_ms)
  if self.co then
    -- (not from inside its own batch: a foreachBatch function that waits
    -- on the loop)
    return coroutine.status(self.co) == "suspended" and self:resumeBatch()
  end
  -- A batch run without a coroutine (the query was alone) is in flight:
  -- the loop was entered from inside it.
  if self.inBatch then return false end
  local now = now_ms()
  if now < self.nextTrigger then return false end
  local kind = self.trigger.kind
  self.batchStart, self.batchMark = now, batchlib.mark()
  wait_ms = kind == "default" and wait_ms or 0
  if #queries > 1 then
    self.co = coroutine.create(run_batch)
    return self:resumeBatch(wait_ms)
  end
  -- Alone, a query has no one to pause for.
  in_batch, running, self.inBatch = true, self, true
  C.tide_console_stream_batch(1)
  local ok, ran = xpcall(self.runBatch, traced, self, wait_ms)
  in_batch, running, self.inBatch = false, nil, nil
  ran = self:endBatch(ok, ran)
  -- (after endBatch: a Ctrl-C at the console that waited for the batch's
  -- end is raised here, and must find the query's state whole)
  C.tide_console_stream_batch(0)
  return ran
end

-- Runs the query's batch coroutine until it pauses (false) or ends
-- (endBatch). The state other batches change while this one is paused is
-- put back while it runs: the epoch foreachBatch writers see, the slicer
-- that names rows in errors.
function Query:resumeBatch(wait_ms)
  local outer_running, outer_epoch, outer_in_batch = running, current_epoch, in_batch
  local outer_slicer, outer_base = execution.swapSlicing(self.pausedSlicer, self.pausedBase)
  running, current_epoch, in_batch = self, self.pausedEpoch, true
  C.tide_console_stream_batch(1)
  local resumed, ok, ran = coroutine.resume(self.co, self, wait_ms)
  self.pausedEpoch = current_epoch
  self.pausedSlicer, self.pausedBase = execution.swapSlicing(outer_slicer, outer_base)
  running, current_epoch, in_batch = outer_running, outer_epoch, outer_in_batch
  if resumed and ok == PAUSE then
    C.tide_console_stream_batch(outer_in_batch and 1 or 0)
    return false
  end
  self.co, self.pausedEpoch, self.pausedSlicer, self.pausedBase = nil, nil, nil, nil
  if not resumed then ok, ran = false, ok end
  ran = self:endBatch(ok, ran)
  C.tide_console_stream_batch(outer_in_batch and 1 or 0) -- (after endBatch, as in step)
  return ran
end

-- Runs the query's paused batch to its end, without pausing again.
function Query:finishBatch()
  self.noPause = true
  while self.co do self:resumeBatch() end
  self.noPause = nil
end

-- The temporary checkpoint of a console or memory sink, once the query has
-- stopped.
local function remove_temporary(q)
  if q.temporaryCheckpoint then
    os.execute("rm -rf '" .. q.temporaryCheckpoint .. "'")
    q.temporaryCheckpoint = nil
  end
end

-- After a micro-batch (ok and ran as xpcall gave them): its memory
-- reclaimed, a failure ending the query, the next trigger set.
function Query:endBatch(ok, ran)
  local now = self.batchStart
  -- The batch's arenas are garbage now: free them before the next batch
  -- makes more (see tide.batch reclaim), so a stream's memory stays that
  -- of about one batch.
  -- What a collection freed in the arenas is unmapped already; the cache
  -- keeps only what recent batches used; the free pages left in malloc's
  -- heaps (librdkafka's buffers) go after a full collection, and every few
  -- seconds in a stream of batches too small to need one.
  local collected = batchlib.reclaim(RECLAIM_SLACK, self.batchMark, RECLAIM_STEP_KB)
  C.tide_arena_cache_trim()
  if collected == "collect" or now - last_heap_trim >= HEAP_TRIM_INTERVAL_MS then
    C.tide_memory_trim()
    last_heap_trim = now
  end
  if not ok then
    self:terminate(ran)
    if self.stopAfterBatch then remove_temporary(self) end
    return true
  end
  if self.stopAfterBatch then
    -- stop() called inside the batch, which has ended and committed
    self:stop()
    return ran
  end
  local kind = self.trigger.kind
  if kind == "processingTime" then
    -- As Spark's ProcessingTimeExecutor: the next batch an interval after
    -- this one started, and at once when this one ran longer than that
    -- (not at the next interval boundary: a query whose batches take 1.2 s
    -- of a 1-s interval would run one every 2 s and fall further behind).
    self.nextTrigger = now + self.trigger.interval
  elseif kind == "once" then
    if not self.replay then self:terminate(nil) end
  elseif kind == "availableNow" then
    if not ran and not self.replay then self:terminate(nil) end
  end
  return ran
end

-- Marks the query terminated (err for a failure) and lets go of its
-- checkpoint, source and sink. A batch paused between its pieces ends
-- first, without pausing again: a stop leaves no batch half written.
-- From inside the query's own batch (its foreachBatch function called
-- stop()) the query ends when the batch does, its commit written: the
-- checkpoint released now would be written after the release, racing the
-- next query on that checkpoint.
function Query:terminate(err)
  if not self.active then return end
  if self:batchUnderWay() then
    self.stopAfterBatch = true
    return
  end
  if self.co and coroutine.running() ~= self.co then
    self:finishBatch()
    if not self.active then return end -- the batch failed, which ended the query
  end
  self.active = false
  self.exceptionText = err
  self.statusMessage = "Stopped"
  self.triggerActive, self.dataAvailable = false, false
  for i, q in ipairs(queries) do if q == self then table.remove(queries, i); break end end
  pcall(function() self.sink:stop() end)
  pcall(function() self.source:stop() end)
  self.checkpoint:close()
  manager.noteTerminated(self.df._session, self)
  emit("onQueryTerminated", { id = self.id, runId = self.runId, exception = err })
end

function Query:stop()
  self:terminate(nil)
  if not self.active then remove_temporary(self) end
end

return M
