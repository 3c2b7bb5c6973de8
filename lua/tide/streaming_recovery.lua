-- tide.streaming_recovery — where a StreamingQuery resumes from its
-- checkpoint (docs/checkpoint.md), when it starts (query:recover): after
-- the newest commit, with the event-time watermark that commit holds; an
-- epoch whose offsets/N has no commits/N runs again with the same offsets
-- and the same epoch id (query.replay), so that sinks can make the replay
-- idempotent. A new checkpoint starts at the source's initial offsets,
-- which are logged (sources/0/0) unless the source keeps its own log
-- (Checkpoint:sourceStart).
--
-- Sets the query's committedEnd and nextBatchId (and replay, watermarkMs,
-- lastBatchWatermarkMs), and seeks the source to committedEnd.
local M = {}
local POLICY = "spark.sql.streaming.multipleWatermarkPolicy"
local Query = {} -- StreamingQuery's methods here (tide.streaming takes them)
M.methods = Query

-- The offsets of src in offsets/n's entry: its line, or a line of each of
-- a composite's sources (tide.sources.composite). The checkpoint must
-- hold as many sources as the query reads, as Spark requires.
local function offsets_of(src, entry, cp, n)
  local want = src.parts and #src.parts or 1
  if #entry.sources ~= want then
    error(("checkpoint %s: offsets/%d holds the offsets of %d source%s, and the query reads %d (%s): a query"
      .. " restarted from a checkpoint must read the sources it read"):format(cp.dir, n, #entry.sources,
      #entry.sources == 1 and "" or "s", want, src.description), 0)
  end
  if src.parts then return src:deserializeLines(entry.sources) end
  return src:deserialize(entry.sources[1])
end

-- Finds where the checkpoint left off: the committed end offsets, and an
-- epoch to replay when offsets/N has no commits/N.
function Query:recover()
  local cp, src = self.checkpoint, self.source
  -- A source that keeps its own log under sources/0/ (the file source's
  -- files per batch, as Spark's) starts from its initial offsets, not from
  -- a sources/0/0 written here.
  if src.attachCheckpoint then src:attachCheckpoint(cp.dir .. "/sources/0", cp) end
  local last_offsets, last_commit = cp:latestOffsetsId(), cp:latestCommitId()
  if not last_offsets then
    local start = cp:sourceStart(src, 1)
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
  -- As Spark's, the policy of several watermarks is the checkpoint's, not
  -- the session's now.
  local policy = entry.conf[POLICY]
  if policy then self.watermarkPolicy = tostring(policy):lower() end
  local end_offsets = offsets_of(src, entry, cp, last_offsets)
  if committed then
    self.committedEnd, self.nextBatchId = end_offsets, last_offsets + 1
  else
    -- Replay epoch N with exactly the offsets it had: its start is the end
    -- of N-1 (or the source's initial offsets).
    local start
    if last_offsets > 0 then
      start = offsets_of(src, cp:readOffsets(last_offsets - 1), cp, last_offsets - 1)
    else
      start = cp:sourceStart(src, 1)
    end
    self.committedEnd, self.nextBatchId = start, last_offsets
    self.replay = { id = last_offsets, endOffsets = end_offsets, batchTimestampMs = entry.batchTimestampMs }
    -- A replayed epoch runs with the watermark it ran with.
    self.watermarkMs = entry.batchWatermarkMs
  end
  src:seek(self.committedEnd)
end

return M
