-- A streaming source of files, as Spark's FileStreamSource: each trigger
-- lists the path (a directory or a glob), takes the files it has not seen
-- (oldest first, at most maxFilesPerTrigger), records them as the next
-- entry of its log and reads them into one batch with the format's reader.
--
-- The log lives in the query's checkpoint in Spark's layout (the streaming
-- loop hands it over with attachCheckpoint):
--   sources/0/N   v1 \n {"path":"file:///in/a.csv","timestamp":1656470304000,"batchId":N} ...
-- and offsets/N hold {"logOffset":N}. A restarted query reads the log to
-- know which files it has processed, so each file is read exactly once.
-- Files must appear atomically (written elsewhere, then moved in).
local ffi = require("ffi")
local C = require("tide.ffi")
local files = require("tide.files")
local json = require("tide.json")

local M = {}
local Source = {}
Source.__index = Source

local errbuf = ffi.new("char[1024]")

-- spec: { format, path, schema, options, read = function(file_list, ctx) -> batch }
function M.new(spec)
  local max_files = spec.options.maxfilespertrigger and tonumber(spec.options.maxfilespertrigger)
  if spec.options.maxfilespertrigger and (not max_files or max_files < 1) then
    error("maxFilesPerTrigger must be a positive integer", 0)
  end
  return setmetatable({
    schema = spec.schema, path = spec.path, read = spec.read, maxFiles = max_files,
    description = ("FileStreamSource[file:%s]"):format(files.absolute(spec.path)),
    entries = {},   -- log offset -> list of files
    seen = {},      -- absolute path -> true
    maxLog = -1,    -- the newest log entry
  }, Source)
end

local function uri(path) return "file://" .. files.absolute(path) end
local function from_uri(u) return (u:gsub("^file://", ""):gsub("^file:", "")) end

-- Loads the log at dir (sources/<i> of the checkpoint): every entry, so that
-- a restarted query skips what it has seen.
function Source:attachCheckpoint(dir)
  self.logDir = dir
  local ok, names = pcall(files.list, dir)
  if not ok then names = {} end
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
        if not self.seen[p] then list[#list + 1] = { path = p } end
        self.seen[p] = true
      end
      if id > self.maxLog then self.maxLog = id end
    end
  end
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
function Source:seek(offset) self.position = offset end
function Source:minOffsets(a, b) return math.min(a, b) end
function Source:planEnd(_, latest) return latest end
function Source:stop() end

-- Files under the path not yet in the log, oldest first.
function Source:newFiles()
  local fresh = {}
  for _, f in ipairs(files.resolve(self.path, true)) do
    local abs = files.absolute(f.path)
    if not self.seen[abs] then
      f.path = abs
      fresh[#fresh + 1] = f
    end
  end
  table.sort(fresh, function(a, b)
    if a.mtime ~= b.mtime then return a.mtime < b.mtime end
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

-- The newest log offset: an entry still to process, or a new one made of
-- the files that arrived (waiting up to wait_ms for some).
function Source:latestOffsets(after, wait_ms)
  if self.maxLog > after then return self.maxLog end
  local fresh = self:newFiles()
  if #fresh == 0 and wait_ms and wait_ms > 0 then
    C.tide_sleep(math.min(wait_ms, 100) / 1000)
    fresh = self:newFiles()
  end
  if #fresh == 0 then return self.maxLog end
  local take = {}
  for i = 1, math.min(#fresh, self.maxFiles or #fresh) do take[i] = fresh[i] end
  local id = self.maxLog + 1
  self:writeEntry(id, take)
  self.entries[id] = take
  for _, f in ipairs(take) do self.seen[f.path] = true end
  self.maxLog = id
  return id
end

-- The files of log entries (start, finish], read into one batch.
function Source:getBatch(start, finish, ctx)
  local list = {}
  for id = start + 1, finish do
    local entry = self.entries[id]
    if not entry then
      error(("file source: log entry %d is missing from %s"):format(id, self.logDir or "memory"), 0)
    end
    for _, f in ipairs(entry) do
      local st, err = files.stat(f.path)
      if not st then error(("file source: %s was listed in batch %d but cannot be read: %s"):format(f.path, id, err), 0) end
      list[#list + 1] = { path = f.path, size = st.size, mtime = st.mtime }
    end
  end
  return self.read(list, ctx)
end

return M
