-- tide.read_progress — the progress bar of a batch read of files (the CSV
-- and JSON sources'): on stderr, drawn only when it is a terminal and the
-- read has taken more than a second, redrawn at most ten times a second.
--
--   local progress = read_progress.new(paths, "reading")  -- paths: tide.files' { path, size } list
--   progress:update(bytes_read_in_file, rows); progress:advance(file_size); progress:done()
local C = require("tide.ffi")

local M = {}

local Progress = {}
Progress.__index = Progress

local function megabytes(n) return ("%.1f MB"):format(n / 1e6) end

-- A bar for reading `paths`, drawn only when stderr is a terminal and the
-- work has taken more than a second.
function M.new(paths, verb)
  local total = 0
  for _, f in ipairs(paths) do total = total + f.size end
  local name = #paths == 1 and paths[1].path:match("[^/]*$") or (#paths .. " files")
  return setmetatable({ total = total, base = 0, verb = verb, name = name, started = C.tide_now(),
    tty = C.tide_stderr_is_tty() ~= 0, drawn = false, last = 0 }, Progress)
end

function Progress:update(bytes_in_file, rows)
  if not self.tty then return end
  local now = C.tide_now()
  if now - self.started < 1 or now - self.last < 0.1 then return end
  self.last = now
  local done = self.base + bytes_in_file
  local pct = self.total > 0 and math.min(100, math.floor(done * 100 / self.total)) or 100
  local width = 30
  local filled = math.floor(width * pct / 100)
  io.stderr:write(("\r%s %s [%s%s] %3d%% %s / %s%s\27[K"):format(self.verb, self.name,
    ("="):rep(filled), (" "):rep(width - filled), pct, megabytes(done), megabytes(self.total),
    rows and ("  %d rows"):format(rows) or ""))
  io.stderr:flush()
  self.drawn = true
end

function Progress:advance(file_size) self.base = self.base + file_size end

function Progress:done()
  if self.drawn then
    io.stderr:write("\r\27[K")
    io.stderr:flush()
  end
end

return M
