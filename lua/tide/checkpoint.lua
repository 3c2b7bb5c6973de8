-- tide.checkpoint — a query's checkpoint directory in Spark's layout
-- (docs/checkpoint.md):
--
--   metadata       {"id":"<query id>"}
--   offsets/N      v1 \n {"batchWatermarkMs":0,"batchTimestampMs":..,"conf":{..}} \n
--                  one line of offsets per source ({"topic":{"0":12}} or -)
--   commits/N      v1 \n {"nextBatchWatermarkMs":0}
--   sources/I/0    v1 \n the source's initial offsets
--
-- offsets/N is durable before any sink sees batch N (its fsync overlaps
-- the making of the batch's first piece), commits/N written after every
-- sink succeeded (complete or absent after a crash: see
-- writeCommit); a batch id's file is written once (a second writer
-- fails). A directory lock keeps a second process out. Anything unreadable
-- fails with an error naming the file: a checkpoint never silently restarts
-- from scratch.
local ffi = require("ffi")
local C = require("tide.ffi")
local json = require("tide.json")

local M = {}
local Checkpoint = {}
Checkpoint.__index = Checkpoint

local VERSION = 1
local errbuf = ffi.new("char[1024]")

local function cerr() return ffi.string(errbuf) end

local function read_file(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local s = f:read("*a")
  f:close()
  return s
end

local function write_file(path, text, overwrite)
  if C.tide_fs_write_atomic(path, text, #text, overwrite and 1 or 0, errbuf, 1024) ~= 0 then
    error("checkpoint: " .. cerr(), 0)
  end
end

local function list(dir)
  local ok, names = pcall(require("tide.files").list, dir)
  if not ok then error("checkpoint: " .. tostring(names), 0) end
  return names
end

-- Batch ids present in a log directory, ascending. Temp files are skipped.
local function batch_ids(dir)
  local ids = {}
  for _, name in ipairs(list(dir)) do
    if name:match("^%d+$") then ids[#ids + 1] = tonumber(name) end
  end
  table.sort(ids)
  return ids
end

local function new_uuid()
  local s = read_file("/proc/sys/kernel/random/uuid")
  if s then return (s:gsub("%s+$", "")) end
  math.randomseed(os.time())
  return (("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"):gsub("[xy]", function(ch)
    local v = ch == "x" and math.random(0, 15) or math.random(8, 11)
    return ("%x"):format(v)
  end))
end
M.uuid = new_uuid

-- The lines of a log file, after checking its version line.
local function log_lines(path)
  local text, err = read_file(path)
  if not text then error(("checkpoint file %s cannot be read: %s"):format(path, err), 0) end
  local lines = {}
  for line in (text .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = line end
  local v = lines[1] and lines[1]:match("^v(%d+)$")
  if not v then
    error(("checkpoint file %s is corrupt or truncated: it does not start with a version line"):format(path), 0)
  end
  if tonumber(v) > VERSION then
    error(("checkpoint file %s has version v%s; this tide reads up to v%d"):format(path, v, VERSION), 0)
  end
  return lines
end

-- A JSON line of a checkpoint file. Metadata lines are objects; a
-- source's offsets may be any JSON value (the rate source's is a number).
local function decode(path, text, object)
  local ok, value = pcall(json.decode, text)
  if not ok then
    error(("checkpoint file %s is corrupt or truncated: %s"):format(path, tostring(value)), 0)
  end
  if object and type(value) ~= "table" then
    error(("checkpoint file %s is corrupt: expected a JSON object, found %s"):format(path, text:sub(1, 40)), 0)
  end
  return value
end

-- Offsets as JSON, topics and partitions in a stable order:
-- {"to_predict":{"0":1234,"1":1201}}.
function M.offsetsJson(offsets)
  if offsets == nil then return "-" end
  local topics = {}
  for topic in pairs(offsets) do topics[#topics + 1] = topic end
  table.sort(topics)
  local parts = {}
  for _, topic in ipairs(topics) do
    local ps = {}
    for p in pairs(offsets[topic]) do ps[#ps + 1] = tonumber(p) end
    table.sort(ps)
    local inner = {}
    for i, p in ipairs(ps) do
      inner[i] = ('"%d":%d'):format(p, offsets[topic][tostring(p)] or offsets[topic][p])
    end
    parts[#parts + 1] = json.encode(topic) .. ":{" .. table.concat(inner, ",") .. "}"
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

local function last(ids) return ids[#ids] end

-- Opens (creating when needed) the checkpoint at dir for one query.
function M.open(dir, options)
  options = options or {}
  local fd = C.tide_fs_lock(dir, errbuf, 1024)
  if fd < 0 then error(cerr(), 0) end
  local retain = options.minBatchesToRetain or 100
  if type(retain) ~= "number" or retain < 1 or retain ~= math.floor(retain) then
    C.tide_fs_unlock(fd)
    error(("minBatchesToRetain must be a whole number >= 1, not %s"):format(tostring(options.minBatchesToRetain)), 0)
  end
  -- At least two entries of each log: replaying the newest epoch (its
  -- commit lost in a crash) starts from the offsets of the one before.
  local cp = setmetatable({ dir = dir, lockfd = fd, retain = math.max(retain, 2) }, Checkpoint)
  local ok, err = pcall(function()
    local meta_path = dir .. "/metadata"
    local text = read_file(meta_path)
    local offset_ids = batch_ids(dir .. "/offsets")
    if not text and #offset_ids > 0 then
      -- A new id would make every sink's markers another query's: the
      -- epochs replayed would be written again.
      error(("checkpoint file %s is missing, though the checkpoint has offsets: restore it, or give the query a"
        .. " new checkpointLocation"):format(meta_path), 0)
    end
    if text then
      local meta = decode(meta_path, text, true)
      if type(meta) ~= "table" or type(meta.id) ~= "string" then
        error(("checkpoint file %s is corrupt: no query id"):format(meta_path), 0)
      end
      cp.id = meta.id
    else
      cp.id = new_uuid()
      write_file(meta_path, json.encode({ id = cp.id }) .. "\n", false)
    end
    local offsets = cp:checkContiguous("offsets")
    cp:restoreLostCommits(offsets)
    local commits = cp:checkContiguous("commits")
    if #commits > 0 and (#offsets == 0 or last(commits) > last(offsets)) then
      error(("checkpoint file %s/offsets/%d is missing, though commits/%d exists: the checkpoint is damaged;"
        .. " restore it, or give the query a new checkpointLocation"):format(dir, last(commits), last(commits)), 0)
    end
  end)
  if not ok then
    cp:close()
    error(err, 0)
  end
  return cp
end

function Checkpoint:checkContiguous(log)
  local ids = batch_ids(self.dir .. "/" .. log)
  for i = 2, #ids do
    if ids[i] ~= ids[i - 1] + 1 then
      error(("checkpoint %s/%s has a gap: %s/%s/%d is missing (batch %d is followed by %d)"):format(
        self.dir, log, self.dir, log, ids[i - 1] + 1, ids[i - 1], ids[i]), 0)
    end
  end
  return ids
end

function Checkpoint:close()
  -- The last entries: when the commit failed, the restart replays its
  -- epoch; when the offsets did, their epoch never reached a sink.
  for _, field in ipairs({ "offsetsWriter", "writer" }) do
    local w = self[field]
    if w then
      if C.tide_fs_writer_wait(w, errbuf, 1024) ~= 0 then
        io.stderr:write("tide: warning: checkpoint: ", cerr(), "\n")
      end
      C.tide_fs_writer_free(ffi.gc(w, nil))
      self[field] = nil
    end
  end
  self.offsetsPending = false
  if self.lockfd then
    C.tide_fs_unlock(self.lockfd)
    self.lockfd = nil
  end
end

-- The newest batch id with offsets, and the newest committed one (nil when
-- none).
function Checkpoint:latestOffsetsId() return last(batch_ids(self.dir .. "/offsets")) end
function Checkpoint:latestCommitId() return last(batch_ids(self.dir .. "/commits")) end

-- Reads offsets/N: { batchWatermarkMs, batchTimestampMs, conf, sources =
-- { offsets or false, ... } }.
function Checkpoint:readOffsets(n)
  local path = ("%s/offsets/%d"):format(self.dir, n)
  local lines = log_lines(path)
  if #lines < 2 or lines[2] == "" then
    error(("checkpoint file %s is truncated: no batch metadata"):format(path), 0)
  end
  local meta = decode(path, lines[2], true)
  if #lines < 3 then error(("checkpoint file %s is truncated: no source offsets"):format(path), 0) end
  local sources = {}
  for i = 3, #lines do
    sources[i - 2] = lines[i] == "-" and false or decode(path, lines[i])
  end
  return { batchWatermarkMs = tonumber(meta.batchWatermarkMs) or 0, batchTimestampMs = meta.batchTimestampMs,
           conf = meta.conf or {}, sources = sources }
end

local function new_writer()
  local w = C.tide_fs_writer_new(errbuf, 1024)
  if w == nil then error("checkpoint: " .. cerr(), 0) end
  return ffi.gc(w, C.tide_fs_writer_free)
end

-- Hands offsets/N to a writer of its own (tide_fs_writer, with the
-- directory's fsync): it is durable once awaitOffsets returns, which the
-- streaming loop calls before any sink sees the epoch, so that the fsync
-- overlaps the making of the epoch's first piece. lines holds each
-- source's offsets as JSON text ("-" for a source with no offsets yet);
-- watermark_ms is the event-time watermark batch N runs with (0 without
-- one), as Spark's batchWatermarkMs.
function Checkpoint:writeOffsets(n, batch_ts_ms, conf, lines, watermark_ms)
  local keys = {}
  for k in pairs(conf or {}) do keys[#keys + 1] = k end
  table.sort(keys)
  local conf_parts = {}
  for i, k in ipairs(keys) do conf_parts[i] = json.encode(k) .. ":" .. json.encode(tostring(conf[k])) end
  local out = {
    "v" .. VERSION,
    ('{"batchWatermarkMs":%d,"batchTimestampMs":%d,"conf":{%s}}'):format(watermark_ms or 0, batch_ts_ms,
      table.concat(conf_parts, ",")),
  }
  for _, line in ipairs(lines) do out[#out + 1] = line end
  self.offsetsWriter = self.offsetsWriter or new_writer()
  local text = table.concat(out, "\n")
  if C.tide_fs_writer_submit(self.offsetsWriter, ("%s/offsets/%d"):format(self.dir, n), text, #text,
      ("%s/offsets/.spare"):format(self.dir), nil, 1, errbuf, 1024) ~= 0 then
    error("checkpoint: " .. cerr(), 0)
  end
  self.offsetsPending, self.offsetsWaitMs = true, 0
end

-- Waits until the offsets last written are on disk (raises their write's
-- error); a no-op when they are. offsetsWaitMs: how long it waited.
function Checkpoint:awaitOffsets()
  if not self.offsetsPending then return end
  local t = C.tide_now()
  self.offsetsPending = false
  local rc = C.tide_fs_writer_wait(self.offsetsWriter, errbuf, 1024)
  self.offsetsWaitMs = (C.tide_now() - t) * 1000
  if rc ~= 0 then error("checkpoint: " .. cerr(), 0) end
end

-- Writes commits/N in the background (tide_fs_writer): its fsync overlaps
-- the next batch instead of delaying it. Its content reaches the disk
-- before its name, so it is never torn, but its name is not fsynced: the
-- one fsync a batch waits for is offsets/N's, before a sink sees it. A
-- commits/N lost in a crash (the process died before the writer was done,
-- or the directory's update never reached the disk) means either a replay
-- of epoch N, which sinks make idempotent by epoch id, or, when offsets/N+1
-- exists, a commit that recovery writes again (restoreLostCommits). An
-- error of the write is raised by the next commit (or logged at close).
function Checkpoint:writeCommit(n, next_watermark_ms)
  self.writer = self.writer or new_writer()
  local oldest = n - self.retain + 1
  local retire
  if oldest > 0 then
    if self.prunedBelow == oldest - 1 then
      -- the usual case: the entry that fell out becomes the log's spare
      retire = ("%s/commits/%d"):format(self.dir, oldest - 1)
    else
      -- the first prune of this process lists the log, with the writer idle
      if C.tide_fs_writer_wait(self.writer, errbuf, 1024) ~= 0 then error("checkpoint: " .. cerr(), 0) end
      self:prune("commits", oldest)
    end
    self:prune("offsets", oldest)
    self.prunedBelow = oldest
  end
  local text = ("v1\n{\"nextBatchWatermarkMs\":%d}"):format(next_watermark_ms or 0)
  if C.tide_fs_writer_submit(self.writer, ("%s/commits/%d"):format(self.dir, n), text, #text,
      ("%s/commits/.spare"):format(self.dir), retire, 0, errbuf, 1024) ~= 0 then
    error("checkpoint: " .. cerr(), 0)
  end
end

-- offsets/N is only written after commits/N-1 was handed to the writer,
-- that is after epoch N-1's sinks succeeded: a commit missing below the
-- newest offsets was lost in a crash (its name is not fsynced) and is
-- written again, as Spark goes on with a warning in that case.
function Checkpoint:restoreLostCommits(offset_ids)
  if #offset_ids < 2 then return end
  local have = {}
  for _, id in ipairs(batch_ids(self.dir .. "/commits")) do have[id] = true end
  for id = offset_ids[1], offset_ids[#offset_ids] - 1 do
    if not have[id] then
      io.stderr:write(("tide: checkpoint %s: commits/%d is missing though offsets/%d exists (lost in a crash): writing it again\n")
        :format(self.dir, id, id + 1))
      write_file(("%s/commits/%d"):format(self.dir, id), "v1\n{\"nextBatchWatermarkMs\":0}", false)
    end
  end
end

-- Whether commits/N exists, and its metadata ({nextBatchWatermarkMs});
-- raises naming the file when it is corrupt.
function Checkpoint:hasCommit(n)
  local path = ("%s/commits/%d"):format(self.dir, n)
  if not read_file(path) then return false end
  local lines = log_lines(path)
  if #lines < 2 or lines[2] == "" then
    error(("checkpoint file %s is truncated: no commit metadata"):format(path), 0)
  end
  return true, decode(path, lines[2], true)
end

-- sources/I/0: the offsets a source started from.
function Checkpoint:readSourceStart(i)
  local path = ("%s/sources/%d/0"):format(self.dir, i - 1)
  if not read_file(path) then return nil end
  local lines = log_lines(path)
  return decode(path, lines[2] or "")
end

function Checkpoint:writeSourceStart(i, text)
  write_file(("%s/sources/%d/0"):format(self.dir, i - 1), "v1\n" .. text, false)
end

-- Where source i of a query (src) starts on a new checkpoint: its initial
-- offsets, logged in sources/<i-1>/0 the first time (Spark's) unless the
-- source keeps a log of its own there (a file source's), read back after.
function Checkpoint:sourceStart(src, i)
  if src.attachCheckpoint then return src:initialOffsets() end
  local start = self:readSourceStart(i)
  if start ~= nil then return src:deserialize(start) end
  start = src:initialOffsets()
  self:writeSourceStart(i, src:serialize(start))
  return start
end

-- Removes a log's entries below oldest (keeping the newest `retain`). The
-- log is listed on the first prune only; after that (this process is its
-- only writer) the ids that fell out since the last prune are removed
-- without listing a directory per batch. The last one removed stays as the
-- log's spare (a name that is no batch id), which the next entry reuses.
function Checkpoint:prune(log, oldest)
  local ids = {}
  if self.prunedBelow then
    for id = self.prunedBelow, oldest - 1 do ids[#ids + 1] = id end
  else
    ids = batch_ids(self.dir .. "/" .. log)
  end
  local spare = ("%s/%s/.spare"):format(self.dir, log)
  for _, id in ipairs(ids) do
    local path = ("%s/%s/%d"):format(self.dir, log, id)
    if id < oldest and not os.rename(path, spare) then C.tide_fs_remove(path, errbuf, 1024) end
  end
end

return M
