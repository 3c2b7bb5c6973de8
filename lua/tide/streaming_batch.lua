-- tide.streaming_batch — one micro-batch of a StreamingQuery
-- (query:runBatch; docs/checkpoint.md):
--   1. latest offsets of the source (capped by maxOffsetsPerTrigger)
--   2. offsets/N handed to the checkpoint's writer thread
--   3. the batch [start, end) fetched, the plan run over it (C kernels);
--      before any sink sees it, offsets/N is on disk (its fsync overlaps
--      the first piece)
--   4. the sink; then commits/N; then progress and listeners
-- Or none when no data arrived (runBatch returns false), unless a moved
-- watermark makes a stateful operator's rows final (a batch without
-- data, as Spark's). A replayed epoch
-- (tide.streaming_recovery) runs with the offsets it had. Between pieces
-- the batch may pause (ctx.pause), and the sink runs through inEpoch: both
-- tide.streaming_runner's, which runs the batch.
local execution = require("tide.execution")
local progresslib = require("tide.progress")
local batchlib = require("tide.batch")
local manager = require("tide.streaming_manager")
local runner = require("tide.streaming_runner")

local M = {}
local Query = {} -- StreamingQuery's methods here (tide.streaming takes them)
M.methods = Query

local emit = manager.emit
local pause, in_epoch = runner.pause, runner.inEpoch

local RECENT = 100 -- progress records kept per query, as Spark's default

-- Pieces (spark.tide.sliceRows) that maxOffsetsPerTrigger must allow a
-- batch for the next batch's first piece to be fetched ahead (runBatch).
local FETCH_AHEAD_PIECES = 4

local now_ms = require("tide.streaming_loop").nowMs
local function duration(t0) return math.floor(now_ms() - t0 + 0.5) end

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

-- As Spark's, a batch without new rows runs when the watermark moved past
-- where the last batch ran and a stateful operator asks for one: the
-- groups it made final are written (and dropped from the state) without
-- waiting for more records.
function Query:watermarkMoved()
  return self.noDataBatches and self.trigger.kind ~= "once"
    and (self.watermarkMs or 0) > (self.lastBatchWatermarkMs or 0)
end

-- Runs one micro-batch if there is data. Returns true when it ran one.
function Query:runBatch(wait_ms)
  local src, cp = self.source, self.checkpoint
  -- availableNow's end, asked once, in the batch: its errors (a
  -- checkpoint of other topics) fail the query as the batch's would
  if self.trigger.kind == "availableNow" and not self.availableNowEnd then
    if src.prepareForTriggerAvailableNow then src:prepareForTriggerAvailableNow() end
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
      finish = src:planEnd(self.committedEnd, latest, limit, kind == "once")
    end
    d.latestOffset = duration(t)
    local no_data = execution.sameOffsets(src, finish, self.committedEnd)
    local watermark_moved = self:watermarkMoved()
    -- So does one when a group's processing-time timeout has passed
    -- (flatMapGroupsWithState's), under the triggers that keep running.
    -- (one clock reading for the check and the batch's time: a timeout
    -- due by it fires in this batch, not the next)
    local checked_at = now_ms()
    local timeout_due = no_data and (kind == "default" or kind == "processingTime")
      and require("tide.stateful_map").timeoutDue(self.plan, self.states, self.nextBatchId > 0, checked_at)
    if no_data and not watermark_moved and not timeout_due then
      self.triggerActive, self.dataAvailable = false, false
      self.statusMessage = "Waiting for data to arrive"
      if not self.idle then
        self.idle = true
        emit("onQueryIdle", { id = self.id, runId = self.runId, timestamp = progresslib.timestamp(now_ms()) })
      end
      return false
    end
    id, start, batch_ts = self.nextBatchId, self.committedEnd, math.floor(t_trigger)
    if no_data and timeout_due and not watermark_moved then batch_ts = math.floor(checked_at) end
    t = now_ms()
    local conf = { ["spark.sql.streaming.maxOffsetsPerTrigger"] = self.opts.maxoffsetspertrigger,
                   ["spark.sql.streaming.multipleWatermarkPolicy"] = self.watermarkPolicy }
    -- (a line of offsets a source: several for tide.sources.composite)
    cp:writeOffsets(id, batch_ts, conf, src.lines and src:lines(finish) or { src:serialize(finish) }, self.watermarkMs)
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
  ctx.watermarkPolicy = self.watermarkPolicy -- (tide.stream_sides sidesEventTime)
  -- (rows are late by the last batch's: tide.state_store lateWatermarkUs)
  ctx.lateWatermarkMs = self.lastBatchWatermarkMs or 0
  -- (the batch's time as the offsets log holds it: a replay's is its first run's)
  ctx.batchTimestampMs = batch_ts
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
  -- df:observe's metrics of the batch (every slice of it has run).
  local observed = require("tide.observation").finish(ctx)

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
  p.observedMetrics = observed
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

-- The batch's stateful operators' entries, as Spark lists them (their
-- stores' order: tide.state_store progressOrder).
local function state_entries(ctx)
  local list = ctx.stateOperators or {}
  local at = {}
  for i, e in ipairs(list) do at[e] = i end
  table.sort(list, function(a, b)
    if (a.order or 0) ~= (b.order or 0) then return (a.order or 0) < (b.order or 0) end
    return at[a] < at[b]
  end)
  for _, e in ipairs(list) do e.order = nil end
  return list
end

function Query:makeProgress(id, t_trigger, d, rows_in, rows_out, written, ctx, start, finish, latest)
  local src = self.source
  -- The input and processed rates of `rows`, as Spark's ProgressReporter:
  -- the first trigger's input time is infinite (a rate of 0.0); a rate
  -- over no time is left out.
  local function rates(rows)
    return self.lastTriggerStart and progresslib.rate(rows, t_trigger - self.lastTriggerStart) or 0,
      progresslib.processedRate(rows, d.triggerExecution)
  end
  local input_rate, processed_rate = rates(rows_in)
  local sources = {}
  -- An entry a source, as Spark's: a composite's each (its rows of the batch)
  local function add_source(s, from, to, last, rows)
    local input, processed = rates(rows)
    sources[#sources + 1] = {
      description = s.description,
      startOffset = s:toProgress(from), endOffset = s:toProgress(to), latestOffset = s:toProgress(last),
      numInputRows = rows, inputRowsPerSecond = input, processedRowsPerSecond = processed,
      metrics = s.behindLatest and s:behindLatest(to, last) or nil,
    }
  end
  if src.parts then
    for i, part in ipairs(src.parts) do
      add_source(part, start[i], finish[i], latest[i], src.lastRows and src.lastRows[i] or 0)
    end
  else
    add_source(src, start, finish, latest, rows_in)
  end
  return progresslib.new {
    id = self.id, runId = self.runId, name = self.name or require("tide.json").null,
    timestamp = progresslib.timestamp(t_trigger), batchId = id, batchDuration = d.triggerExecution,
    numInputRows = rows_in, inputRowsPerSecond = input_rate, processedRowsPerSecond = processed_rate,
    numMalformedRows = ctx.malformed, numDroppedRows = ctx.dropped,
    durationMs = d, stateOperators = state_entries(ctx),
    -- With a watermark, as Spark's: the batch's watermark, and the latest
    -- event time it saw.
    eventTime = self.watermarkDelayMs and {
      watermark = progresslib.timestamp(ctx.watermarkMs),
      max = ctx.maxEventTimeMs and progresslib.timestamp(ctx.maxEventTimeMs) or nil,
    } or nil,
    sources = sources,
    sink = { description = self.sink.description, numOutputRows = written or rows_out },
  }
end

return M
