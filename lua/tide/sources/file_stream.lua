-- A streaming source of files, as Spark's FileStreamSource: each trigger
-- lists the path (a directory or a glob), takes the files it has not seen
-- (oldest first) and reads those of one log entry into one batch with the
-- format's reader.
--
-- The log lives in the query's checkpoint in Spark's layout (the streaming
-- loop hands it over with attachCheckpoint):
--   sources/0/N   v1 \n {"path":"file:///in/a.csv","timestamp":1656470304000,"batchId":N} ...
-- and offsets/N hold {"logOffset":N}. A restarted query reads the log to
-- know which files it has processed, so each file is read exactly once.
-- Files must appear atomically (written elsewhere, then moved in).
--
-- Offsets are log entries, and a batch takes one. New files are planned
-- into entries of at most maxFilesPerTrigger files (latestOffsets) that
-- stay in memory until a batch takes them (planEnd): the log never holds
-- an entry for a batch that does not run. So trigger availableNow, which
-- fixes its end at the first latestOffsets of the run, reads every file
-- there at the start in batches of maxFilesPerTrigger, and none that
-- arrives later; trigger once, for which streaming passes planEnd no
-- limit, reads them all in one batch, as Spark's.
--
-- Spark's options of a file stream: maxFilesPerTrigger; latestFirst (the
-- newest files first: each batch takes the newest not read yet, so files
-- that arrive go before an older backlog); maxFileAge (default 7d: a file
-- older than the newest one seen by more than that is not read, except in
-- the first batch, which takes every file; not applied with latestFirst
-- and maxFilesPerTrigger both set); fileNameOnly (a file is new when no
-- file of its name was read, whatever its directory); cleanSource and
-- sourceArchiveDir (tide.sources.file_cleaner); and the listing options of
-- every file source (tide.file_filter) but modifiedBefore/After, which
-- Spark refuses in a stream.
--
-- Partitioned directories are pruned as a batch read's are (Spark's
-- FileStreamSource makes each batch a relation over its files, whose
-- partition filters FileSourceStrategy applies): a filter over the
-- stream's partition columns (tide.optimizer) has the query's source read
-- a batch's files of the directories it keeps only. The others are still
-- its files: planned, counted by maxFilesPerTrigger and in the log, so a
-- restart never reads them either; numInputRows counts the rows read.
local ffi = require("ffi")
local C = require("tide.ffi")
local files = require("tide.files")
local file_filter = require("tide.file_filter")
local json = require("tide.json")

local M = {}
local Source = {}
Source.__index = Source

local errbuf = ffi.new("char[1024]")

-- spec: { format, path, schema, options, read = function(file_list, ctx) -> batch, runs }
-- and, for partitioned directories, partitions (a tide.partitions layout)
-- and dataSchema (the columns of the files): the stream's schema is then
-- the layout's, each batch gets its files' partition columns.
-- As Spark: a file stream does not infer its schema (the files it will
-- read are not there yet).
function M.requireSchema(schema, format)
  if not schema then
    error(("Schema must be specified when creating a streaming source DataFrame: readStream:format(%q):schema(...)")
      :format(format), 0)
  end
end

-- A time as Spark's timeStringAsMs reads one ("7d", "1h", "30s", "500ms";
-- milliseconds without a unit), in milliseconds.
local TIME_UNITS = { us = 0.001, ms = 1, s = 1000, m = 60000, min = 60000, h = 3600000, d = 86400000 }
local function time_ms(text, name)
  local digits, unit = tostring(text):lower():match("^%s*(%-?%d+)([a-z]*)%s*$")
  local scale = digits and TIME_UNITS[unit == "" and "ms" or unit]
  if not scale then
    error(("option %s: Time must be specified as seconds (s), milliseconds (ms), microseconds (us), minutes (m or"
      .. " min), hour (h), or day (d). E.g. 50s, 100ms, or 250us. Failed to parse time string: %s"):format(name,
      tostring(text)), 0)
  end
  local ms = math.floor(tonumber(digits) * scale)
  if ms < 0 then error(("option %s must not be negative: %s"):format(name, tostring(text)), 0) end
  return ms
end

-- Spark's options of a file stream (see the top), checked as Spark checks
-- them when the query starts.
local function stream_options(options, path)
  local o = {}
  local max_files = options.maxfilespertrigger
  if max_files ~= nil then
    o.maxFiles = tonumber(max_files)
    if not o.maxFiles or o.maxFiles < 1 or o.maxFiles ~= math.floor(o.maxFiles) then
      error(("Invalid value '%s' for option 'maxFilesPerTrigger', must be a positive integer"):format(max_files), 0)
    end
  end
  o.latestFirst = file_filter.flag(options, "latestfirst", "latestFirst")
  o.fileNameOnly = file_filter.flag(options, "filenameonly", "fileNameOnly")
  o.maxAgeMs = time_ms(options.maxfileage or "7d", "maxFileAge")
  -- (an age limit would skip old files latestFirst leaves for later batches)
  if o.latestFirst and o.maxFiles then o.maxAgeMs = math.huge end
  o.filter = file_filter.of(options, nil, true)
  o.cleaner = require("tide.sources.file_cleaner").new(options, path)
  return o
end

function M.new(spec)
  local o = stream_options(spec.options, spec.path)
  local read, schema, layout = spec.read, spec.schema, spec.partitions
  if layout then
    schema = layout:setSchema(spec.dataSchema)
    read = function(list, ctx)
      local b, runs = spec.read(list, ctx)
      return layout:attach(b, list, runs, ctx)
    end
  end
  local source = setmetatable({
    schema = schema, path = spec.path, read = read, maxFiles = o.maxFiles, partitions = layout,
    latestFirst = o.latestFirst, fileNameOnly = o.fileNameOnly, maxAgeMs = o.maxAgeMs,
    filter = o.filter, cleaner = o.cleaner,
    description = ("FileStreamSource[file:%s]"):format(files.absolute(spec.path)),
    -- One log entry per batch: streaming caps each batch's offsets with
    -- this (planEnd's limit), except under trigger once.
    maxOffsetsPerTrigger = 1,
    entries = {},     -- log offset -> list of files (written or planned)
    -- Spark's SeenFilesMap: the files of the entries (by absolute path, or
    -- by name with fileNameOnly) -> modification time in ms, less those
    -- older than lastPurgeMs = the newest such time less maxFileAge, which
    -- are not new whatever the map says.
    seen = {}, latestMs = 0, lastPurgeMs = 0,
    lastWritten = -1, -- the newest entry in the log
    lastPlanned = -1, -- the newest entry, written or planned
  }, Source)
  if layout then
    -- What tide.optimizer prunes partitions with: source:prune(nodes, how)
    -- (see pruned) and the partition column (its index and name) that
    -- field i of the schema is, nil for a column of the files.
    source.prune = M.pruned
    source.partitionColumn = function(i)
      local p = layout.from[i] and layout.from[i].part
      if p then return p, layout.columns[p].name end
    end
  end
  return source
end

-- A copy of source that reads of each batch's files those in the
-- directories whose partition values conditions over them (expression
-- nodes, tide.optimizer's) make true; nil when they do not compile there.
-- how.unlessSliced: every file when the batch runs its plan over slices
-- (spark.tide.sliceRows: a rand() above follows them).
function M.pruned(source, conditions, how)
  local layout = source.partitions
  local filter, kept = layout:partitionFilter(conditions)
  if not filter then return nil end
  local copy = setmetatable({}, Source)
  for key, v in pairs(source) do copy[key] = v end
  copy.prune = nil -- (a pruned source is not pruned again)
  copy.partitionFilter, copy.unlessSliced = filter, how and how.unlessSliced
  -- explain(): the partition filters on the source's line
  copy.explainDetails = function()
    local sql = require("tide.sql")
    local texts = {}
    for i, node in ipairs(kept) do texts[i] = sql.toString(node) end
    local text = ", PartitionFilters: [" .. table.concat(texts, ", ") .. "]"
    local known, slice_rows = pcall(require("tide.execution").sliceRows, layout.session, true)
    if copy.unlessSliced and (not known or slice_rows > 0) then
      text = text .. " (unused: spark.tide.sliceRows slices a rand() above)"
    end
    return text
  end
  return copy
end

local function uri(path) return "file://" .. files.absolute(path) end
local function from_uri(u) return (u:gsub("^file://", ""):gsub("^file:", "")) end

-- ---- the files seen (Spark's SeenFilesMap) ----

local function millis(mtime) return math.floor(mtime * 1000) end

function Source:seenKey(path) return self.fileNameOnly and path:match("[^/]*$") or path end

function Source:isNewFile(path, ms) return ms >= self.lastPurgeMs and not self.seen[self:seenKey(path)] end

-- The newest time of the files in the log moves to ms, and files older
-- than maxFileAge before it are forgotten: no longer new, so no longer
-- worth keeping. (Only files in the log count: planned ones may be
-- planned again, unplan.)
function Source:logged(ms)
  if ms > self.latestMs then self.latestMs = ms end
  self.lastPurgeMs = self.latestMs - self.maxAgeMs
  for key, seen_ms in pairs(self.seen) do
    if seen_ms < self.lastPurgeMs then self.seen[key] = nil end
  end
end

-- Loads the log at dir (sources/<i> of the checkpoint): every entry, so that
-- a restarted query skips what it has seen.
function Source:attachCheckpoint(dir)
  self.logDir = dir
  local ok, names = pcall(files.list, dir)
  if not ok then names = {} end
  local logged, newest = {}, 0
  for _, name in ipairs(names) do
    local id = tonumber(name:match("^(%d+)$") or name:match("^(%d+)%.compact$"))
    if id then
      local path = dir .. "/" .. name
      local f = assert(io.open(path, "rb"))
      local text = f:read("*a")
      f:close()
      local lines = {}
      for line in (text .. "\n"):gmatch("(.-)\n") do if line ~= "" then lines[#lines + 1] = line end end
      if not (lines[1] or ""):match("^v%d+$") then
        error(("checkpoint file %s is corrupt or truncated: it does not start with a version line"):format(path), 0)
      end
      -- A compacted file (Spark's N.compact) holds the entries of every
      -- batch up to N, each line naming its batch.
      for i = 2, #lines do
        local okj, e = pcall(json.decode, lines[i])
        if not okj or type(e) ~= "table" or type(e.path) ~= "string" then
          error(("checkpoint file %s is corrupt: line %d is not a file entry"):format(path, i), 0)
        end
        local p = from_uri(e.path)
        local batch = tonumber(e.batchId) or id
        local list = self.entries[batch] or {}
        self.entries[batch] = list
        local ms = tonumber(e.timestamp) or 0
        if not logged[p] then list[#list + 1] = { path = p, mtime = ms / 1000 } end
        logged[p] = true
        self.seen[self:seenKey(p)] = ms
        newest = math.max(newest, ms)
      end
      if id > self.lastWritten then self.lastWritten = id end
    end
  end
  self.lastPlanned = self.lastWritten
  self:logged(newest)
end

function Source:initialOffsets() return -1 end
function Source:serialize(offset) return ('{"logOffset":%d}'):format(offset) end
function Source:deserialize(v)
  if type(v) == "table" then return tonumber(v.logOffset) end
  return tonumber(v)
end
function Source:toProgress(offset)
  if offset < 0 then return json.null end
  return { logOffset = offset }
end
function Source:seek(offset)
  self.position = offset
  -- (cleanSource: the first commit cleans the entry of the last batch
  -- committed before too, in case the query stopped before it did)
  self.cleanedThrough = self.cleanedThrough or offset - 1
end
function Source:minOffsets(a, b) return math.min(a, b) end
function Source:stop() end

-- cleanSource: the batch up to log offset finish has committed, so its
-- files (and those of the batches before it not cleaned yet) are done.
function Source:commit(finish)
  if not self.cleaner then return end
  for id = math.max(self.cleanedThrough + 1, 0), finish do
    for _, f in ipairs(self.entries[id] or {}) do self.cleaner:clean(f.path) end
  end
  self.cleanedThrough = finish
end

-- Files under the path that are new, oldest first (newest first with
-- latestFirst).
function Source:newFiles()
  local fresh = {}
  local listed = self.partitions and self.partitions:list() or files.resolve(self.path, true, self.filter)
  for _, f in ipairs(listed) do
    local abs = files.absolute(f.path)
    if self:isNewFile(abs, millis(f.mtime)) then
      f.path = abs
      fresh[#fresh + 1] = f
    end
  end
  local newest = self.latestFirst
  table.sort(fresh, function(a, b)
    if a.mtime ~= b.mtime then return (a.mtime < b.mtime) ~= newest end
    return a.path < b.path
  end)
  return fresh
end

function Source:writeEntry(id, list)
  local lines = { "v1" }
  for _, f in ipairs(list) do
    lines[#lines + 1] = ('{"path":%s,"timestamp":%d,"batchId":%d}'):format(json.encode(uri(f.path)),
      math.floor(f.mtime * 1000), id)
  end
  if self.logDir then
    local text = table.concat(lines, "\n")
    if C.tide_fs_write_atomic(self.logDir .. "/" .. id, text, #text, 0, errbuf, 1024) ~= 0 then
      error("file source log: " .. ffi.string(errbuf), 0)
    end
  end
end

-- Files that arrived become planned entries of at most maxFilesPerTrigger
-- files each, after every entry there is.
function Source:plan(fresh)
  local per_entry = self.maxFiles or math.max(#fresh, 1)
  for first = 1, #fresh, per_entry do
    local entry = {}
    for i = first, math.min(#fresh, first + per_entry - 1) do
      entry[#entry + 1] = fresh[i]
      self.seen[self:seenKey(fresh[i].path)] = millis(fresh[i].mtime)
    end
    self.lastPlanned = self.lastPlanned + 1
    self.entries[self.lastPlanned] = entry
  end
end

-- latestFirst: the entries planned and not in the log go back to being
-- new, so that the next batch takes the newest files then. (Under trigger
-- availableNow they stay: its batches read the files there at its start.)
function Source:unplan()
  for id = self.lastWritten + 1, self.lastPlanned do
    for _, f in ipairs(self.entries[id]) do self.seen[self:seenKey(f.path)] = nil end
    self.entries[id] = nil
  end
  self.lastPlanned = self.lastWritten
end

-- Spark's SupportsTriggerAvailableNow: the streaming loop says so before
-- the trigger's first listing.
function Source:prepareForTriggerAvailableNow() self.availableNow = true end

-- The newest log offset: of the entries planned (or in the log) and not
-- read yet, or of new ones made of the files that arrived (waiting up to
-- wait_ms for some). The path is listed again only once every planned
-- entry is in the log.
function Source:latestOffsets(after, wait_ms)
  if self.latestFirst and not self.availableNow then self:unplan() end
  if self.lastPlanned > self.lastWritten then return self.lastPlanned end
  local fresh = self:newFiles()
  if #fresh == 0 and self.lastPlanned <= after and wait_ms and wait_ms > 0 then
    C.tide_sleep(math.min(wait_ms, 100) / 1000)
    fresh = self:newFiles()
  end
  self:plan(fresh)
  return self.lastPlanned
end

-- Under trigger once the batch reads every file available: the planned
-- entries up to latest become one (those planned after it, none when
-- latest is the newest, move down). Returns the merged entry's offset.
function Source:mergePlanned(latest)
  local first = self.lastWritten + 1
  if latest <= first then return latest end
  local merged = {}
  for id = first, latest do
    for _, f in ipairs(self.entries[id]) do merged[#merged + 1] = f end
    self.entries[id] = nil
  end
  self.entries[first] = merged
  local shift = latest - first
  for id = latest + 1, self.lastPlanned do
    self.entries[id - shift], self.entries[id] = self.entries[id], nil
  end
  self.lastPlanned = self.lastPlanned - shift
  return first
end

-- The end of the batch after start: the next entry, or under trigger once
-- (no limit) every entry up to latest. Streaming writes offsets/N right
-- after this when the batch runs, so the entries it takes go to the log
-- here, first: a restart after either write finds the batch's files.
function Source:planEnd(start, latest, limit)
  if latest <= start then return start end
  local finish = limit and start + 1 or self:mergePlanned(latest)
  for id = self.lastWritten + 1, finish do
    self:writeEntry(id, self.entries[id])
    local newest = 0
    for _, f in ipairs(self.entries[id]) do newest = math.max(newest, millis(f.mtime)) end
    self:logged(newest)
  end
  self.lastWritten = math.max(self.lastWritten, finish)
  return finish
end

-- The files of log entries (start, finish], read into one batch: with a
-- partition filter (M.pruned), those of the directories it keeps, the
-- others left unopened.
function Source:getBatch(start, finish, ctx)
  local list = {}
  for id = start + 1, finish do
    local entry = self.entries[id]
    if not entry then
      error(("file source: log entry %d is missing from %s"):format(id, self.logDir or "memory"), 0)
    end
    for _, f in ipairs(entry) do list[#list + 1] = { path = f.path, batch = id } end
  end
  if self.partitionFilter and not (self.unlessSliced and ((ctx and ctx.sliceRows) or 0) > 0) then
    list = self.partitions:prune(list, self.partitionFilter, ctx)
  end
  for i, f in ipairs(list) do
    local st, err = files.stat(f.path)
    if not st then
      error(("file source: %s was listed in batch %d but cannot be read: %s"):format(f.path, f.batch, err), 0)
    end
    list[i] = { path = f.path, size = st.size, mtime = st.mtime }
  end
  return (self.read(list, ctx))
end

return M
