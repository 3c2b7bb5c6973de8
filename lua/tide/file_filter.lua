-- tide.file_filter — Spark's generic options on which files a file source
-- reads (its PathFilters and recursiveFileLookup), for every format:
--
--   pathGlobFilter       a glob a file's name must match ("*.csv", "{a,b}.*"),
--                        not its path: directories are still gone into
--   recursiveFileLookup  every file under the path, however deep; no
--                        partition columns are inferred (tide.partitions)
--   modifiedBefore       files last modified before / after a time, read as
--   modifiedAfter        a timestamp cast reads it ("2020-06-01T13:00:00")
--                        in the option timeZone or the session's zone;
--                        batch reads only, as Spark's
--
--   local filter = file_filter.of(options, session[, streaming])
--   files.resolve(path, allow_empty, filter)  -- filter:accept(name, mtime)
--
-- options are a reader's, keys lower-cased. nil when none is set.
local C = require("tide.ffi")

local M = {}

local function flag(options, key, name)
  local v = options[key]
  if v == nil then return false end
  local text = tostring(v):lower()
  if text ~= "true" and text ~= "false" then
    error(("Invalid value '%s' for option '%s', must be 'true' or 'false'"):format(tostring(v), name), 0)
  end
  return text == "true"
end
M.flag = flag

-- The instant a modifiedBefore/After text names, in microseconds: Spark's
-- stringToTimestamp in the zone (the reading of CAST(text AS TIMESTAMP)).
local function threshold(text, key, zone, session)
  local saved = C.tide_time_zone_swap_session(zone)
  local ok, rows = pcall(function()
    local spark = session or require("tide.session").session()
    local quoted = "'" .. text:gsub("\\", "\\\\"):gsub("'", "\\'") .. "'"
    return spark:sql(("SELECT CAST(%s AS TIMESTAMP) AS t"):format(quoted)):collect()
  end)
  C.tide_time_zone_swap_session(saved)
  local micros = ok and rows[1] and rows[1].t
  if type(micros) ~= "number" then
    error(("The timestamp provided for the '%s' option is invalid. The expected format is "
      .. "'YYYY-MM-DDTHH:mm:ss', but the provided timestamp: %s."):format(key, text), 0)
  end
  return micros
end

local Filter = {}
Filter.__index = Filter

-- Whether a file of this name, last modified at mtime (seconds since the
-- epoch), is read.
function Filter:accept(name, mtime)
  if self.glob and not self.glob(name) then return false end
  if self.before or self.after then
    -- As Spark's ModifiedDateFilter: the file's time is taken to the
    -- zone's wall clock (fromUTCTime) before it is compared with the
    -- threshold, an instant. (So in a zone other than UTC the bound moves
    -- by the zone's offset once more; Spark's rows are kept.)
    local millis = math.floor(mtime * 1000)
    local secs = math.floor(millis / 1000)
    local wall = millis * 1000 + C.tide_time_zone_offset(self.zone, secs) * 1000000
    if self.before and not (self.before - wall > 0) then return false end
    if self.after and not (wall - self.after > 0) then return false end
  end
  return true
end

-- Spark's options of every file source (its listing, and a file stream's),
-- for a reader's known options (load()'s warning about a misspelled one).
local FILE_OPTIONS = { "pathGlobFilter", "recursiveFileLookup", "modifiedBefore", "modifiedAfter", "basePath",
  "maxFilesPerTrigger", "latestFirst", "fileNameOnly", "maxFileAge", "cleanSource", "sourceArchiveDir" }

-- A format's own options and those.
function M.withFileOptions(own)
  local all = { unpack(own) }
  for _, name in ipairs(FILE_OPTIONS) do all[#all + 1] = name end
  return all
end

local function parse(options, session)
  local glob, recursive = options.pathglobfilter, flag(options, "recursivefilelookup", "recursiveFileLookup")
  local before, after = options.modifiedbefore, options.modifiedafter
  if glob == nil and not recursive and before == nil and after == nil then return nil end
  local filter = setmetatable({ recursive = recursive }, Filter)
  if glob ~= nil then filter.glob = require("tide.files").globMatcher(tostring(glob)) end
  if before ~= nil or after ~= nil then
    local id = options.timezone and tostring(options.timezone)
    local zone = C.tide_time_zone_swap_session(nil)
    C.tide_time_zone_swap_session(zone)
    if id then
      zone = C.tide_time_zone_find(id, #id)
      if zone == nil then error(("option timeZone: unknown time zone '%s'"):format(id), 0) end
    end
    filter.zone = zone
    if before ~= nil then filter.before = threshold(tostring(before), "modifiedbefore", zone, session) end
    if after ~= nil then filter.after = threshold(tostring(after), "modifiedafter", zone, session) end
  end
  return filter
end

local made = setmetatable({}, { __mode = "k" }) -- options -> filter, for the listings of one reader

function M.of(options, session, streaming)
  if streaming and (options.modifiedbefore ~= nil or options.modifiedafter ~= nil) then
    error(("option '%s' is not allowed in file stream sources"):format(options.modifiedbefore ~= nil
      and "modifiedbefore" or "modifiedafter"), 0)
  end
  local cached = made[options]
  if cached ~= nil then return cached or nil end
  local filter = parse(options, session)
  made[options] = filter or false
  return filter
end

return M
