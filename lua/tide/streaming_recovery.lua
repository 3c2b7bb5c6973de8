-- tide.streaming_recovery — where a StreamingQuery resumes from its
-- checkpoint (docs/checkpoint.md), when it starts (query:recover): after
-- the newest commit, with the event-time watermark that commit holds; an
-- epoch whose offsets/N has no commits/N runs again with the same offsets
-- and the same epoch id (query.replay), so that sinks can make the replay
-- idempotent. A new checkpoint starts at the source's initial offsets,
-- which are logged (sources/0/0) unless the source keeps its own log.
--
-- Sets the query's committedEnd and nextBatchId (and replay, watermarkMs,
-- lastBatchWatermarkMs), and seeks the source to committedEnd.
local M = {}
local POLICY = "spark.sql.streaming.multipleWatermarkPolicy"
local Query = {} -- StreamingQuery's methods here (tide.streaming takes them)
M.methods = Query

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
  -- As Spark's, the policy of several watermarks is the checkpoint's, not
  -- the session's now.
  local policy = entry.conf[POLICY]
  if policy then self.watermarkPolicy = tostring(policy):lower() end
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

return M
