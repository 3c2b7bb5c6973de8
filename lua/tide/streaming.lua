-- tide.streaming — StreamingQuery (df.writeStream's builder is
-- tide.stream_writer, the loop that runs the batches tide.streaming_loop,
-- spark.streams tide.streaming_manager).
--
-- start() registers a query and returns at once. Micro-batches run on the
-- main thread whenever the script waits — query:awaitTermination(),
-- spark.streams:awaitAnyTermination(), tide.sleep() — and, in the console,
-- while it waits for input. Several queries interleave: each batch runs
-- in a coroutine that pauses between the pieces of its plan, so that one
-- query's large batch does not hold back another's until it ends.
--
-- One micro-batch (docs/checkpoint.md):
--   1. latest offsets of the source (capped by maxOffsetsPerTrigger)
--   2. offsets/N handed to the checkpoint's writer thread
--   3. the batch [start, end) fetched, the plan run over it (C kernels);
--      before any sink sees it, offsets/N is on disk (its fsync overlaps
--      the first piece)
--   4. the sink; then commits/N; then progress and listeners
-- On restart an epoch with offsets but no commit runs again with the same
-- offsets and the same epoch id, so sinks can make the replay idempotent.
local C = require("tide.ffi")
local checkpoint = require("tide.checkpoint")
local execution = require("tide.execution")
local progresslib = require("tide.progress")
local batchlib = require("tide.batch")
local checks = require("tide.checks")
local loop = require("tide.streaming_loop")
local manager = require("tide.streaming_manager")

local M = {}

local queries = loop.queries
local current_epoch   -- {queryId, epochId} while a sink runs (foreachBatch writers read it)
local in_batch = false -- no nested loop from a tide.sleep inside a foreachBatch function
local running         -- the query whose micro-batch runs now (in its coroutine)
local PAUSE = {}      -- what a paused micro-batch yields to the loop
local RECENT = 100    -- progress records kept per query, as Spark's default
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

-- Pieces (spark.tide.sliceRows) that maxOffsetsPerTrigger must allow a
-- batch for the next batch's first piece to be fetched ahead (runBatch).
local FETCH_AHEAD_PIECES = 4

local function now_ms() return C.tide_now() * 1000 end

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

-- Hands the pieces of a micro-batch run piece by piece
-- (execution.executeFetched) to a sink that takes them one at a time:
-- sink:addPiece(epoch, batch) for each, then sink:endPieces(epoch) -> the
-- rows written, once the last piece is written. An object, not a closure
-- per batch (a compiled trace keeps the closures it calls).
local PiecesToSink = {}
PiecesToSink.__index = PiecesToSink

function PiecesToSink:take(batch)
  self.rows = self.rows + batch:count()
  -- (executeFetched hands over at least one piece, so this comes before
  -- endPieces too)
  self.checkpoint:awaitOffsets()
  self.sink:addPiece(self.epoch, batch)
  -- Freed with the sink's own reference, not at a garbage collection.
  if self.sink.piecesHeldInC then batchlib.release(batch) end
end

-- The micro-batch [start, finish) of src run through plan, each piece
-- handed to the sink as it is made (into, a PiecesToSink); the rows the
-- sink wrote once the last is written.
local function run_into_sink(sink, plan, ctx, src, start, finish, into)
  execution.executeFetched(plan, ctx, src, start, finish, into)
  return sink:endPieces(into.epoch)
end

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
-- see PiecesToSink). An error(nil) is named after the code of the sink of
-- the batch that runs (query.sinkCode: "the foreachBatch function").
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

-- ---- StreamingQuery ----------------------------------------------------------------

local Query = {}
Query.__index = Query
M.StreamingQuery = Query -- (the class, for the console's hints)

local emit = manager.emit

local TEMP_CHECKPOINT_SINKS = { console = true, memory = true }

-- The sink formats, each a module tide.sinks.<name> (foreachbatch and
-- foreach are what foreachBatch(fn) and foreach(fn) set).
local SINKS = { console = true, memory = true, kafka = true, jdbc = true, postgres = true, csv = true,
                json = true, foreachbatch = true, foreach = true }
local SINK_NAMES = "console, csv, jdbc, json, kafka, memory, postgres; or foreachBatch(fn), foreach(fn)"
-- What runs the user's code, for an error(nil) raised in it.
local SINK_CODE = { foreachbatch = "the foreachBatch function", foreach = "the foreach writer" }

function M.startQuery(w)
  local fmt = w.fmt or "console"
  local df = w.df
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
        .. ' every query with spark.conf:set("spark.sql.streaming.checkpointLocation", DIR) (sink %s)'):format(fmt), 0)
    end
    dir = os.tmpname()
    os.remove(dir)
    temporary = true
  end
  local retain = w.opts.minbatchestoretain
  local cp = checkpoint.open(dir, { minBatchesToRetain = retain and (tonumber(retain) or retain) })
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

-- Finds where the checkpoint left off: the committed end offsets, and an
-- epoch to replay when offsets/N has no commits/N.
function Query:recover()
  local cp, src = self.checkpoint, self.source
  -- A source that keeps its own log under sources/0/ (the file source's
  -- files per batch, as Spark's) starts from its initial offsets, not from
  -- a sources/0/0 written here.
  local own_log = src.attachCheckpoint ~= nil
  if own_log then src:attachCheckpoint(cp.dir .. "/sources/0") end
  local last_offsets, last_commit = cp:latestOffsetsId(), cp:latestCommitId()
  if not last_offsets then
    local start = not own_log and cp:readSourceStart(1) or nil
    if own_log then
      start = src:initialOffsets()
    elseif start == nil then
      start = src:initialOffsets()
      cp:writeSourceStart(1, src:serialize(start))
    else
      start = src:deserialize(start)
    end
    self.committedEnd, self.nextBatchId = start, 0
    src:seek(start)
    return
  end
  -- The newest commit decides where the query resumes: a damaged one
  -- fails here, naming the file, rather than being taken on trust. It
  -- holds the event-time watermark the next batch runs with.
  if last_commit then
    local _, meta = cp:hasCommit(last_commit)
    self.watermarkMs = tonumber(meta and meta.nextBatchWatermarkMs) or 0
    self.lastBatchWatermarkMs = cp:readOffsets(last_commit).batchWatermarkMs
  end
  local committed = last_commit and last_commit >= last_offsets
  if last_commit and last_commit < last_offsets - 1 then
    error(("checkpoint %s: offsets/%d exists but commits stop at %d"):format(cp.dir, last_offsets, last_commit), 0)
  end
  local entry = cp:readOffsets(last_offsets)
  local end_offsets = src:deserialize(entry.sources[1])
  if committed then
    self.committedEnd, self.nextBatchId = end_offsets, last_offsets + 1
  else
    -- Replay epoch N with exactly the offsets it had: its start is the end
    -- of N-1 (or the source's initial offsets).
    local start
    if last_offsets > 0 then
      start = src:deserialize(cp:readOffsets(last_offsets - 1).sources[1])
    elseif own_log then
      start = src:initialOffsets()
    else
      start = src:deserialize(cp:readSourceStart(1))
    end
    self.committedEnd, self.nextBatchId = start, last_offsets
    self.replay = { id = last_offsets, endOffsets = end_offsets, batchTimestampMs = entry.batchTimestampMs }
    -- A replayed epoch runs with the watermark it ran with.
    self.watermarkMs = entry.batchWatermarkMs
  end
  src:seek(self.committedEnd)
end

local function duration(t0) return math.floor(now_ms() - t0 + 0.5) end

-- Runs one micro-batch if there is data. Returns true when it ran one.
function Query:runBatch(wait_ms)
  local src, cp = self.source, self.checkpoint
  -- availableNow's end, asked once, in the batch: its errors (a
  -- checkpoint of other topics) fail the query as the batch's would
  if self.trigger.kind == "availableNow" and not self.availableNowEnd then
    self.availableNowEnd = src:latestOffsets(self.committedEnd, 0)
  end
  local t_trigger = now_ms()
  local d = {}
  self.triggerActive = true
  local id, start, finish, batch_ts, latest
  local limit = self.trigger.kind ~= "once" and tonumber(self.opts.maxoffsetspertrigger or src.maxOffsetsPerTrigger)
  local t = now_ms()
  if self.replay then
    id, finish, batch_ts = self.replay.id, self.replay.endOffsets, self.replay.batchTimestampMs
    start, latest = self.committedEnd, self.replay.endOffsets
    d.latestOffset = duration(t)
  else
    -- minOffsetsPerTrigger (a Kafka source's): a batch put off waits for
    -- records beyond those it saw, at most until maxTriggerDelay ends.
    local kind = self.trigger.kind
    local delays = src.delayBatch and (kind == "default" or kind == "processingTime")
    local after = self.committedEnd
    if delays and self.delayedAt then
      after, wait_ms = self.delayedAt, math.min(wait_ms or 0, src:delayLeftMs())
    end
    latest = src:latestOffsets(after, wait_ms)
    if self.availableNowEnd then latest = src:minOffsets(latest, self.availableNowEnd) end
    if delays and src:delayBatch(self.committedEnd, latest) then
      self.delayedAt, finish = latest, self.committedEnd
    else
      self.delayedAt = nil
      finish = src:planEnd(self.committedEnd, latest, limit)
    end
    d.latestOffset = duration(t)
    local no_data = src.sameOffsets and src:sameOffsets(finish, self.committedEnd)
      or not src.sameOffsets and src:serialize(finish) == src:serialize(self.committedEnd)
    -- As Spark's, a batch without new rows runs when the watermark moved
    -- past where the last batch ran: the groups it made final are written
    -- (and dropped from the state) without waiting for more records.
    local watermark_moved = self.noDataBatches and kind ~= "once"
      and (self.watermarkMs or 0) > (self.lastBatchWatermarkMs or 0)
    if no_data and not watermark_moved then
      self.triggerActive, self.dataAvailable = false, false
      self.statusMessage = "Waiting for data to arrive"
      if not self.idle then
        self.idle = true
        emit("onQueryIdle", { id = self.id, runId = self.runId, timestamp = progresslib.timestamp(now_ms()) })
      end
      return false
    end
    id, start, batch_ts = self.nextBatchId, self.committedEnd, math.floor(t_trigger)
    t = now_ms()
    cp:writeOffsets(id, batch_ts, { ["spark.sql.streaming.maxOffsetsPerTrigger"] = self.opts.maxoffsetspertrigger },
      { src:serialize(finish) }, self.watermarkMs)
    d.walCommit = duration(t)
  end
  self.idle, self.dataAvailable = false, true
  self.statusMessage = "Processing new data"

  t = now_ms()
  -- Row-wise plans run slice by slice (spark.tide.sliceRows, read each
  -- batch), so that a large batch's intermediates are one slice's.
  local ctx = execution.context(self.states, execution.sliceRows(self.df._session, true))
  ctx.epochId, ctx.queryId, ctx.pause = id, self.id, pause
  -- (a streaming aggregation keeps its state in the checkpoint, and reads
  -- the batch's event-time watermark; withWatermark's operator records
  -- the batch's latest event time, ctx.maxEventTimeMs)
  ctx.checkpoint, ctx.outputMode, ctx.watermarkMs = cp, self.mode, self.watermarkMs or 0
  -- Another batch follows (unless the trigger runs one, or up to a fixed
  -- end): the source may fetch its first piece while this one finishes.
  -- Not when maxOffsetsPerTrigger allows only a few pieces a batch: the
  -- next batch's share of a partition, in proportion to its backlog then,
  -- would often end short of that piece, which would be read again.
  local kind = self.trigger.kind
  ctx.fetchAhead = kind ~= "once" and kind ~= "availableNow"
    and (not limit or limit >= FETCH_AHEAD_PIECES * ctx.sliceRows)
  local rows_in, rows_out, written
  local epoch = { queryId = self.id, epochId = id, queryName = self.name }
  local takes_pieces = self.sink.addPiece ~= nil or self.sink.addPieces ~= nil
  if src.splitRange and execution.fetchesInPieces(self.plan, ctx, takes_pieces) then
    -- A row-wise plan (or, for a sink that takes pieces, none) over a
    -- source that can split its ranges: the batch is fetched and run piece
    -- by piece, so its whole input is never in memory at once
    -- (execution.executeFetched); a sink that takes a batch in pieces
    -- writes each piece's result while the next one runs.
    if self.sink.addPiece then
      local pieces = setmetatable({ sink = self.sink, epoch = id, rows = 0, checkpoint = cp }, PiecesToSink)
      written = in_epoch(epoch, run_into_sink, self.sink, self.plan, ctx, src, start, finish, pieces)
      rows_out = pieces.rows
    elseif self.sink.addPieces then
      -- A sink that takes the pieces as it needs them (foreachBatch, jdbc):
      -- they are made while it writes.
      local pieces = execution.fetchedPieces(self.plan, ctx, src, start, finish)
      pieces:get(1) -- made while offsets/N is written
      cp:awaitOffsets()
      written = in_epoch(epoch, self.sink.addPieces, self.sink, id, pieces)
      rows_out = pieces.rows
    else
      local output = execution.executeFetched(self.plan, ctx, src, start, finish)
      cp:awaitOffsets()
      written, rows_out = in_epoch(epoch, self.sink.addBatch, self.sink, id, output, ctx), output:count()
    end
    rows_in = ctx.rowsIn
    d.getBatch = math.floor(ctx.fetchSeconds * 1000 + 0.5)
    t = t + ctx.fetchSeconds * 1000 -- addBatch: the rest of the time
  else
    local input = src:getBatch(start, finish, ctx)
    d.getBatch = duration(t)
    ctx.describeRow = function(row) return src.describeRow and src:describeRow(input, row) or ("row " .. row) end
    -- (a file source's records include those its reader dropped:
    -- DROPMALFORMED's, so that input = output + dropped, as Kafka's)
    rows_in = ctx.sourceRecords or input:count()
    t = now_ms()
    local output = execution.execute(self.plan, ctx, input)
    cp:awaitOffsets()
    written, rows_out = in_epoch(epoch, self.sink.addBatch, self.sink, id, output, ctx), output:count()
  end
  d.queryPlanning = 0
  -- The wait for offsets/N's fsync is the offsets log's time, not the sink's.
  local waited = d.walCommit and math.floor(cp.offsetsWaitMs + 0.5) or 0
  d.addBatch = duration(t) - waited
  if d.walCommit then d.walCommit = d.walCommit + waited end
  -- The batch is done: whatever still reaches ctx (a compiled trace may
  -- keep an object it saw) must not keep the input alive through it.
  ctx.describeRow = nil

  -- Spark's watermark: the latest event time seen less the delay, never
  -- moving back; the next batch runs with it (commits/N holds it).
  local watermark = self.watermarkMs or 0
  if ctx.maxEventTimeMs and self.watermarkDelayMs then
    watermark = math.max(watermark, ctx.maxEventTimeMs - self.watermarkDelayMs)
  end
  t = now_ms()
  cp:writeCommit(id, watermark)
  if src.commit then src:commit(finish) end
  d.commitOffsets = duration(t)
  self.replay = nil
  self.committedEnd, self.nextBatchId = finish, id + 1
  self.lastBatchWatermarkMs, self.watermarkMs = ctx.watermarkMs, watermark
  d.triggerExecution = duration(t_trigger)

  local p = self:makeProgress(id, t_trigger, d, rows_in, rows_out, written, ctx, start, finish, latest)
  self.lastTriggerStart = t_trigger
  self.recent[#self.recent + 1] = p
  if #self.recent > RECENT then table.remove(self.recent, 1) end
  if self.opts.progresslog then
    local f = io.open(self.opts.progresslog, "a")
    if f then f:write(p:json(), "\n"); f:close() end
  end
  self.triggerActive = false
  self.statusMessage = "Waiting for next trigger"
  emit("onQueryProgress", { progress = p })
  return true
end

function Query:makeProgress(id, t_trigger, d, rows_in, rows_out, written, ctx, start, finish, latest)
  local src = self.source
  -- As Spark's ProgressReporter: the first trigger's input time is
  -- infinite (a rate of 0.0); a rate over no time is left out.
  local input_rate = self.lastTriggerStart and progresslib.rate(rows_in, t_trigger - self.lastTriggerStart) or 0
  local processed_rate = progresslib.processedRate(rows_in, d.triggerExecution)
  return progresslib.new {
    id = self.id, runId = self.runId, name = self.name or require("tide.json").null,
    timestamp = progresslib.timestamp(t_trigger), batchId = id, batchDuration = d.triggerExecution,
    numInputRows = rows_in, inputRowsPerSecond = input_rate, processedRowsPerSecond = processed_rate,
    numMalformedRows = ctx.malformed, numDroppedRows = ctx.dropped,
    durationMs = d, stateOperators = ctx.stateOperators or {},
    -- With a watermark, as Spark's: the batch's watermark, and the latest
    -- event time it saw.
    eventTime = self.watermarkDelayMs and {
      watermark = progresslib.timestamp(ctx.watermarkMs),
      max = ctx.maxEventTimeMs and progresslib.timestamp(ctx.maxEventTimeMs) or nil,
    } or nil,
    sources = { {
      description = src.description,
      startOffset = src:toProgress(start), endOffset = src:toProgress(finish),
      latestOffset = src:toProgress(latest),
      numInputRows = rows_in, inputRowsPerSecond = input_rate, processedRowsPerSecond = processed_rate,
      metrics = src.behindLatest and src:behindLatest(finish, latest) or nil,
    } },
    sink = { description = self.sink.description, numOutputRows = written or rows_out },
  }
end

-- Whether the query's batch is under way below the code running now: that
-- code was called from inside the batch (its foreachBatch function, a
-- listener, or another query's batch that one of them ran). A batch paused
-- between its pieces is not.
function Query:batchUnderWay()
  if self.inBatch then return true end
  local status = self.co and coroutine.status(self.co)
  return status == "running" or status == "normal"
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

-- The temporary checkpoint of a console or memory sink, once the query has
-- stopped.
local function remove_temporary(q)
  if q.temporaryCheckpoint then
    os.execute("rm -rf '" .. q.temporaryCheckpoint .. "'")
    q.temporaryCheckpoint = nil
  end
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

function Query:stop()
  self:terminate(nil)
  if not self.active then remove_temporary(self) end
end

-- (false once stop() was called, also from inside the query's own batch,
-- which ends before the query does: as Spark's, whose stop() sets the
-- query's state at once)
function Query:isActive() return self.active and not self.stopAfterBatch end
function Query:exception() return self.exceptionText end
function Query:lastProgress() return self.recent[#self.recent] end
function Query:recentProgress() return { unpack(self.recent) } end

function Query:status()
  return { message = self.statusMessage, isDataAvailable = self.dataAvailable, isTriggerActive = self.triggerActive }
end

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
  loop.runUntil(function()
    if not self.active then return true end
    local latest = self.source:latestOffsets(self.committedEnd, 0)
    return not self.replay and self.source:serialize(latest) == self.source:serialize(self.committedEnd)
  end)
  self:raiseIfFailed()
end

function Query:explain(...) return self.df:explain(...) end
Query.__tostring = function(q) return ("StreamingQuery(id=%s, runId=%s, name=%s)"):format(q.id, q.runId, tostring(q.name)) end

-- q.awaitTermination(5) fails naming the method (tide.checks); only the
-- public methods: the loop's own (step, runBatch, ...) are left as they are.
do
  local public = {}
  for _, name in ipairs({ "isActive", "exception", "lastProgress", "recentProgress", "status", "stop",
                          "awaitTermination", "processAllAvailable", "explain" }) do
    public[name] = Query[name]
  end
  checks.colonCalls("StreamingQuery", "query", function(v) return getmetatable(v) == Query end, public, Query)
end

M.step, M.finishPaused, M.active = loop.step, loop.finishPaused, loop.active

-- Runs queries for `seconds` (tide.sleep while queries are active).
function M.runFor(seconds)
  if in_batch then return C.tide_sleep(seconds) == 0 end
  loop.runUntil(function() return false end, now_ms() + seconds * 1000)
  return C.tide_stop_requested() == 0
end

-- {queryId, epochId} while a sink (or foreachBatch function) runs.
function M.currentEpoch() return current_epoch end

M.StreamingQueryManager = manager.new

return M
