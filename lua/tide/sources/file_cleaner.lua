-- tide.sources.file_cleaner — a file stream's cleanSource option, as
-- Spark's: once a batch has committed, the files it read are deleted
-- ("delete") or moved under sourceArchiveDir ("archive": the file's
-- absolute path below that directory, so in/a.csv -> <archive>/.../in/a.csv).
-- Best effort, as Spark's: a file that cannot be moved or deleted is left
-- where it is with a warning, and the query goes on.
--
--   local cleaner = file_cleaner.new(options, source_path)  -- nil for "off"
--   cleaner:clean(path)
local ffi = require("ffi")
local C = require("tide.ffi")
local files = require("tide.files")

local M = {}
local Cleaner = {}
Cleaner.__index = Cleaner

local errbuf = ffi.new("char[512]")

-- An absolute path without ".", ".." or repeated slashes, and its components.
local clean = require("tide.partition_discovery").clean
local function components(path)
  local parts = {}
  for part in clean(path):gmatch("[^/]+") do parts[#parts + 1] = part end
  return parts
end

-- Spark's check that archived files cannot match the source's pattern:
-- both paths cut to the depth of the shorter, each component of the
-- archive's matching the source's (a glob) at the same depth.
local function archive_matches_source(archive, source)
  local a, s = components(archive), components(source)
  local depth = math.min(#a, #s)
  for i = 1, depth do
    if not files.globMatcher(s[i])(a[i]) then return false end
  end
  return true
end

function M.new(options, source_path)
  local mode = tostring(options.cleansource or "off")
  local lower = mode:lower()
  if lower == "off" then return nil end
  if lower ~= "delete" and lower ~= "archive" then
    error(("Invalid mode for clean source option %s. Must be one of ARCHIVE,DELETE,OFF"):format(mode), 0)
  end
  local cleaner = setmetatable({ mode = lower }, Cleaner)
  if lower == "archive" then
    local dir = options.sourcearchivedir
    if dir == nil then error("Archive mode must be used with 'sourceArchiveDir' option.", 0) end
    if archive_matches_source(tostring(dir), source_path) then
      error("requirement failed: Base archive path cannot be set to the path where archived path can possibly "
        .. "match with source pattern. Ensure the base archive path doesn't match with source pattern in depth, "
        .. "where the depth is minimum of depth on both paths.", 0)
    end
    cleaner.archive = clean(tostring(dir))
  end
  return cleaner
end

local function warn(fmt, ...) io.stderr:write("tide: warning: file source: ", fmt:format(...), "\n") end

-- Deletes or archives the file at path (absolute). A file already gone
-- (cleaned before a restart) is left alone.
function Cleaner:clean(path)
  if not files.stat(path) then return end
  if self.mode == "delete" then
    local ok, err = os.remove(path)
    if not ok then warn("cannot delete %s: %s; left where it is", path, tostring(err)) end
    return
  end
  local target = (self.archive == "/" and "" or self.archive) .. path
  if files.stat(target) then
    warn("cannot archive %s to %s: a file is there already; left where it is", path, target)
    return
  end
  local parent = target:match("^(.*)/[^/]*$")
  if C.tide_fs_mkdirs(parent, errbuf, 512) ~= 0 then
    warn("cannot archive %s to %s: %s; left where it is", path, target, ffi.string(errbuf))
    return
  end
  local ok, err = os.rename(path, target)
  if not ok then warn("cannot archive %s to %s: %s; left where it is", path, target, tostring(err)) end
end

return M
