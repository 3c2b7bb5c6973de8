-- tide.sources.composite — the sources of a query that reads several
-- streams (a join or a union of streams read by different readStream
-- calls), as Spark's query with several sources: to tide.streaming_batch
-- one source, whose offsets are a list of each source's own.
--
-- The checkpoint is Spark's: offsets/N holds a line of offsets per source,
-- in the order the query met them, and source i keeps its own directory
-- sources/<i-1> (a file source's log, a Kafka source's initial offsets).
-- A batch reads each source's range of it apart; the progress has an
-- entry per source.
--
-- A micro-batch's input is a Parts object, every source's rows apart, and
-- each side of the join or union takes its own source's (M.pick, the
-- operator at the bottom of the side): nothing is copied or tagged.
local C = require("tide.ffi")
local ffi = require("ffi")
local T = require("tide.types")
local same_offsets = require("tide.execution").sameOffsets

local M = {}

local Source = {}
Source.__index = Source

-- Waiting for records, a source without a wake descriptor (files, rate)
-- is asked again after this long; with Kafka sources among them, every
-- source is asked again this often (as tide.streaming_loop asks sources
-- whose descriptors stayed quiet).
local TURN_MS = 100
local RECHECK_MS = 10

-- The rows of a micro-batch: parts[i] the batch of source i, files[i] the
-- files it read (tide.input_files), records the records read of every
-- source, rows[i] source i's.
local Parts = {}
Parts.__index = Parts
function Parts:count() return self.records end

local function description(leaves)
  local names = {}
  for i, leaf in ipairs(leaves) do names[i] = leaf.source.description or "a source" end
  return table.concat(names, ", ")
end

-- The leaves of plan leaf `leaf` (a composite's own, or itself) added to
-- list, each once.
local function add_leaves(list, leaf)
  for _, l in ipairs(leaf.parts or { leaf }) do
    local known = false
    for _, have in ipairs(list) do known = known or have == l end
    if not known then list[#list + 1] = l end
  end
end

-- Each source of leaves opened for one query; one that fails stops those
-- opened before it.
local function open(leaves)
  local parts = {}
  for _, leaf in ipairs(leaves) do
    local ok, part = pcall(function() return leaf.open and leaf.open() or leaf.source end)
    if ok and part.minOffsetsPerTrigger then
      parts[#parts + 1] = part
      ok, part = false, ("%s: minOffsetsPerTrigger is not supported in a query that reads several sources"
        .. " (it would hold back the others' rows)"):format(part.description)
    end
    if not ok then
      for _, opened in ipairs(parts) do opened:stop() end
      error(part, 0)
    end
    parts[#parts + 1] = part
  end
  return setmetatable({ parts = parts, leaves = leaves, description = description(leaves) }, Source)
end

-- The plan leaf reading the sources of plan leaves a and b (either may be
-- a composite's already: its sources come first, then the other's new
-- ones). Each query opens its own sources.
function M.scan(a, b)
  local leaves = {}
  add_leaves(leaves, a)
  add_leaves(leaves, b)
  return { kind = "scan", schema = T.struct({}), parts = leaves, source = { description = description(leaves) },
           open = function() return open(leaves) end }
end

-- The operator that gives a side the rows of its source, `leaf` (one of
-- composite scan's), over the Parts of a batch: explain shows the
-- source's scan in its place (readsPart).
function M.pick(leaf, scan)
  return {
    kind = "stream_part", schema = leaf.schema, child = scan, readsPart = leaf,
    apply = function(parts, ctx)
      local i = parts.index[leaf]
      local batch, src = parts.parts[i], parts.source.parts[i]
      -- (input_file_name() of the source's rows; errors name their place)
      ctx.inputFiles = parts.files[i]
      ctx.describeRow = function(row) return src.describeRow and src:describeRow(batch, row) or ("row " .. row) end
      return batch
    end,
  }
end

-- ---- the source's methods, each over every source --------------------------------------------

-- dir: sources/0, which the sources share out (sources/<i-1> each).
function Source:attachCheckpoint(_, cp)
  self.checkpoint = cp
  for i, part in ipairs(self.parts) do
    if part.attachCheckpoint then part:attachCheckpoint(("%s/sources/%d"):format(cp.dir, i - 1), cp) end
  end
end

function Source:initialOffsets()
  local out = {}
  for i, part in ipairs(self.parts) do out[i] = self.checkpoint:sourceStart(part, i) end
  return out
end

-- The lines of offsets/N, one a source.
function Source:lines(offsets)
  local out = {}
  for i, part in ipairs(self.parts) do out[i] = part:serialize(offsets[i]) end
  return out
end

function Source:serialize(offsets) return table.concat(self:lines(offsets), "\n") end

-- The offsets of offsets/N's lines (lines[i] false: Spark's "-", a
-- source that had none yet, which starts where it starts).
function Source:deserializeLines(lines)
  local out = {}
  for i, part in ipairs(self.parts) do
    out[i] = lines[i] == false and self.checkpoint:sourceStart(part, i) or part:deserialize(lines[i])
  end
  return out
end

function Source:sameOffsets(a, b)
  for i, part in ipairs(self.parts) do
    if not same_offsets(part, a[i], b[i]) then return false end
  end
  return true
end

function Source:seek(offsets)
  for i, part in ipairs(self.parts) do part:seek(offsets[i]) end
end

function Source:minOffsets(a, b)
  local out = {}
  for i, part in ipairs(self.parts) do out[i] = part:minOffsets(a[i], b[i]) end
  return out
end

function Source:refresh()
  for _, part in ipairs(self.parts) do
    if part.refresh then part:refresh() end
  end
end

local function latest_now(self, after)
  local out = {}
  for i, part in ipairs(self.parts) do out[i] = part:latestOffsets(after[i], 0) end
  return out
end

-- Every source's latest offsets; when none has records beyond `after`,
-- waits up to wait_ms for the first to have some (on the wake
-- descriptors of those that have one, asking every source again in turns).
function Source:latestOffsets(after, wait_ms)
  local latest = latest_now(self, after)
  if not (wait_ms and wait_ms > 0) or not self:sameOffsets(latest, after) then return latest end
  if not self.fds then
    self.woken = {}
    for _, part in ipairs(self.parts) do
      if part.wakeFd then self.woken[#self.woken + 1] = part end
    end
    self.fds, self.ready = ffi.new("int32_t[?]", #self.woken + 1), ffi.new("uint8_t[?]", #self.woken + 1)
    for i, part in ipairs(self.woken) do self.fds[i - 1] = part:wakeFd() end
  end
  local turn = #self.woken > 0 and RECHECK_MS or TURN_MS
  local deadline = C.tide_now() * 1000 + wait_ms
  repeat
    local left = deadline - C.tide_now() * 1000
    C.tide_wait_readable(self.fds, #self.woken, math.max(0, math.min(turn, left)), self.ready)
    for i, part in ipairs(self.woken) do
      if self.ready[i - 1] ~= 0 then part:serveReady() end
    end
    latest = latest_now(self, after)
  until not self:sameOffsets(latest, after) or C.tide_now() * 1000 >= deadline
  return latest
end

-- Each source's end of the batch: its own limit (maxOffsetsPerTrigger,
-- maxFilesPerTrigger), or the query's, or none under trigger once.
function Source:planEnd(start, latest, limit, once)
  local out = {}
  for i, part in ipairs(self.parts) do
    out[i] = part:planEnd(start[i], latest[i], not once and (limit or part.maxOffsetsPerTrigger) or nil)
  end
  return out
end

function Source:getBatch(start, finish, ctx)
  local parts = setmetatable({ source = self, parts = {}, files = {}, rows = {}, records = 0, index = {} }, Parts)
  for i, part in ipairs(self.parts) do
    parts.index[self.leaves[i]] = i
    ctx.sourceRecords, ctx.inputFiles = nil, nil
    local b = part:getBatch(start[i], finish[i], ctx)
    parts.parts[i], parts.files[i] = b, ctx.inputFiles
    parts.rows[i] = ctx.sourceRecords or b:count()
    parts.records = parts.records + parts.rows[i]
  end
  ctx.sourceRecords, ctx.inputFiles = parts.records, nil
  self.lastRows = parts.rows
  return parts
end

function Source:commit(finish)
  for i, part in ipairs(self.parts) do
    if part.commit then part:commit(finish[i]) end
  end
end

function Source:prepareForTriggerAvailableNow()
  for _, part in ipairs(self.parts) do
    if part.prepareForTriggerAvailableNow then part:prepareForTriggerAvailableNow() end
  end
end

function Source:stop()
  for _, part in ipairs(self.parts) do part:stop() end
end

return M
