-- tide.sink_metadata — the _spark_metadata log a Spark streaming file sink
-- keeps in its output directory: the files its committed batches wrote
-- (FileStreamSinkLog: files N and N.compact, each "v1" then a JSON line a
-- file, {"path":"file:///out/part-....json","size":14,"modificationTime":
-- ...,"action":"add"}). As Spark's readers do, a read of such a directory
-- (named alone, not by a glob) takes the files the log lists, not those a
-- listing finds: the files of a batch that failed before its commit are
-- never read (tide.files resolve, tide.partition_discovery).
--
--   sink_metadata.files(dir) -> { {path=, size=, mtime=}, ... } sorted by
--   path, or nil when dir holds no _spark_metadata directory
local files = require("tide.files")
local json = require("tide.json")

local M = {}

local DIR = "_spark_metadata"

local function from_uri(u) return (u:gsub("^file://", ""):gsub("^file:", "")) end

-- The entries of one log file, in order: { path, size, mtime, delete }.
local function entries_of(path)
  local f, err = io.open(path, "rb")
  if not f then error(("%s: %s"):format(path, tostring(err)), 0) end
  local text = f:read("*a")
  f:close()
  local out, n = {}, 0
  for line in (text .. "\n"):gmatch("(.-)\n") do
    n = n + 1
    if n == 1 then
      if not line:match("^v%d+$") then
        error(("%s is not a file sink log: line 1 is not a version (v1)"):format(path), 0)
      end
    elseif line ~= "" then
      local ok, e = pcall(json.decode, line)
      if not ok or type(e) ~= "table" or type(e.path) ~= "string" then
        error(("%s: line %d is not a file entry of a sink log"):format(path, n), 0)
      end
      out[#out + 1] = { path = from_uri(e.path), size = tonumber(e.size) or 0,
                        mtime = (tonumber(e.modificationTime) or 0) / 1000, delete = e.action == "delete" }
    end
  end
  return out
end

function M.files(dir)
  local log = dir:gsub("/+$", "") .. "/" .. DIR
  local st = files.stat(log)
  if not st or not st.isDir then return nil end
  -- the latest compaction (it holds every batch up to its own, so the
  -- files before it are not read again: a stream lists at every trigger)
  -- and the batches after it, in order, as Spark's allFiles reads them
  local batches, compacted = {}, -1
  for _, name in ipairs(files.list(log)) do
    local id = tonumber(name:match("^(%d+)$"))
    local compaction = tonumber(name:match("^(%d+)%.compact$"))
    if id or compaction then batches[#batches + 1] = { id = id or compaction, name = name } end
    if compaction and compaction > compacted then compacted = compaction end
  end
  for i = #batches, 1, -1 do
    if batches[i].id < compacted then table.remove(batches, i) end
  end
  table.sort(batches, function(a, b) return a.id < b.id end)
  local by_path = {}
  for _, b in ipairs(batches) do
    for _, e in ipairs(entries_of(log .. "/" .. b.name)) do
      by_path[e.path] = not e.delete and e or nil
    end
  end
  local out = {}
  for path, e in pairs(by_path) do out[#out + 1] = { path = path, size = e.size, mtime = e.mtime } end
  table.sort(out, function(a, b) return a.path < b.path end)
  return out
end

return M
