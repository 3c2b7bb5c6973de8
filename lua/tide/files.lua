-- tide.files — the files a file source reads, as Spark resolves a path:
-- a file; a directory (the files directly in it, but those Spark's
-- listing leaves out: M.leftOut); or a glob (*, ?, [abc], [!abc], {a,b}) in
-- any part of the path. Files come sorted by path, so reads are repeatable.
-- A tide.file_filter (the reader's pathGlobFilter, recursiveFileLookup,
-- modifiedBefore/After) picks among them. A directory a Spark file sink
-- wrote (with _spark_metadata) gives the files its log lists
-- (tide.sink_metadata), as Spark reads it.
-- A listed name that cannot be read (a broken symbolic link) is skipped
-- with a warning, once per path: Spark's local file listing (Hadoop's
-- RawLocalFileSystem) skips it silently, but a file left out of a read
-- should not go unnoticed.
--
--   files.resolve("data/train.gz")          -> { {path=, size=, mtime=}, ... }
--   files.resolve("data/*.csv.gz")
local ffi = require("ffi")
local C = require("tide.ffi")

local M = {}

local errbuf = ffi.new("char[1024]")
local size_p, isdir_p, mtime_p = ffi.new("int64_t[1]"), ffi.new("int32_t[1]"), ffi.new("double[1]")

-- {size, isDir, mtime} of a path, or nil and the reason.
function M.stat(path)
  if C.tide_fs_stat(path, size_p, isdir_p, mtime_p, errbuf, 1024) ~= 0 then
    return nil, ffi.string(errbuf)
  end
  return { size = tonumber(size_p[0]), isDir = isdir_p[0] ~= 0, mtime = mtime_p[0] }
end

-- The names in a directory (unsorted).
function M.list(dir)
  local size = 65536
  while true do
    local buf = ffi.new("char[?]", size)
    local needed = ffi.new("int64_t[1]")
    local n = C.tide_fs_list(dir, buf, size, needed, errbuf, 1024)
    if n >= 0 then
      local names = {}
      for name in ffi.string(buf, n):gmatch("([^\n]+)\n") do names[#names + 1] = name end
      return names
    end
    if needed[0] <= size then error(ffi.string(errbuf), 0) end
    size = tonumber(needed[0]) + 1024
  end
end

local warned = {} -- paths warned about: a stream lists its path at every trigger

-- A name a listing gave that stat cannot read: skipped, with a warning.
local function skip_unreadable(path, err)
  if warned[path] then return end
  warned[path] = true
  local why = tostring(err):gsub("^.*: ", "")
  if why == "No such file or directory" then why = "it is a broken symbolic link, or was removed" end
  io.stderr:write(("tide: warning: %s is listed but cannot be read (%s): skipped\n"):format(path, why))
end

local function hidden(name) return name:sub(1, 1) == "." or name:sub(1, 1) == "_" end

-- Names Spark's listing leaves out (HadoopFSUtils.shouldFilterOutPathName):
-- those starting with "." and those starting with "_" that hold no "=",
-- and files being copied in ("._COPYING_").
function M.leftOut(name)
  local first = name:sub(1, 1)
  return first == "." or (first == "_" and not name:find("=", 1, true)) or name:sub(-10) == "._COPYING_"
end

local function is_glob(s) return s:find("[%*%?%[{]") ~= nil end

-- A glob component as Lua patterns (one per {a,b} alternative).
local function glob_patterns(glob)
  local alt_start, alt_end = glob:find("{[^}]*}")
  if alt_start then
    local out = {}
    for choice in (glob:sub(alt_start + 1, alt_end - 1) .. ","):gmatch("([^,]*),") do
      for _, p in ipairs(glob_patterns(glob:sub(1, alt_start - 1) .. choice .. glob:sub(alt_end + 1))) do
        out[#out + 1] = p
      end
    end
    return out
  end
  local out, i = { "^" }, 1
  while i <= #glob do
    local ch = glob:sub(i, i)
    if ch == "*" then
      out[#out + 1] = ".*"
    elseif ch == "?" then
      out[#out + 1] = "."
    elseif ch == "[" then
      local close = glob:find("]", i + 2, true)
      if not close then error(("bad glob %q: unclosed ["):format(glob), 0) end
      local set = glob:sub(i + 1, close - 1):gsub("^!", "^"):gsub("%%", "%%%%")
      out[#out + 1] = "[" .. set .. "]"
      i = close
    else
      out[#out + 1] = ch:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")
    end
    i = i + 1
  end
  out[#out + 1] = "$"
  return { table.concat(out) }
end

local function matches(name, patterns)
  for _, p in ipairs(patterns) do if name:match(p) then return true end end
  return false
end

-- A function telling whether a name matches glob (one path component).
function M.globMatcher(glob)
  local patterns = glob_patterns(glob)
  return function(name) return matches(name, patterns) end
end

-- The files of dir into out: those in it, and with filter.recursive those
-- in its directories too, however deep (to a depth that stops a loop of
-- symbolic links); filter:accept decides on each file.
local MAX_DEPTH = 64
local function list_files(dir, out, filter, depth)
  local recursive = filter and filter.recursive
  for _, name in ipairs(M.list(dir == "" and "/" or dir)) do
    if not M.leftOut(name) then
      local f = dir .. "/" .. name
      local st, err = M.stat(f)
      if not st then
        skip_unreadable(f, err)
      elseif st.isDir then
        if recursive and depth < MAX_DEPTH then list_files(f, out, filter, depth + 1) end
      elseif not filter or filter:accept(name, st.mtime) then
        out[#out + 1] = { path = f, size = st.size, mtime = st.mtime }
      end
    end
  end
end

-- Paths matching a glob, expanded one path component at a time.
local function expand(path)
  local absolute = path:sub(1, 1) == "/"
  local parts = {}
  for part in path:gmatch("[^/]+") do parts[#parts + 1] = part end
  local found = { absolute and "" or "." }
  for i, part in ipairs(parts) do
    local next_found = {}
    for _, base in ipairs(found) do
      local prefix = (base == "." and not absolute) and "" or (base .. "/")
      if is_glob(part) then
        local patterns = glob_patterns(part)
        local ok, names = pcall(M.list, base == "" and "/" or base)
        if ok then
          for _, name in ipairs(names) do
            if not hidden(name) and matches(name, patterns) then next_found[#next_found + 1] = prefix .. name end
          end
        end
      elseif i == #parts or M.stat(prefix .. part) then
        next_found[#next_found + 1] = prefix .. part
      end
    end
    found = next_found
  end
  return found
end

-- The paths a path names, each with its stat: the path itself, or a
-- glob's matches; raises "Path does not exist" as Spark does for a path
-- that is not there (a glob's matches that cannot be read are skipped
-- with a warning).
function M.roots(path)
  if type(path) ~= "string" or path == "" then error("a file source needs a path", 0) end
  local candidates = is_glob(path) and expand(path) or { path }
  -- (Names a glob's last part matched come from a listing, so they exist.)
  local listed = is_glob((path:gsub("/+$", "")):match("[^/]*$"))
  local out = {}
  for _, p in ipairs(candidates) do
    local st, err = M.stat(p)
    if not st then
      if not is_glob(path) then error(("Path does not exist: %s"):format(err), 0) end
      if listed then skip_unreadable(p, err) end
    else
      out[#out + 1] = { path = p, stat = st }
    end
  end
  return out
end

-- The files of a path (see the top); raises "Path does not exist" as
-- Spark does when nothing matches. allow_empty: an empty directory or glob
-- gives {} (streams start from nothing).
function M.resolve(path, allow_empty, filter)
  local out = {}
  for _, root in ipairs(M.roots(path)) do
    local p, st = root.path, root.stat
    -- (a Spark file sink's output, named alone: the files its log lists)
    local logged = st.isDir and not is_glob(path) and require("tide.sink_metadata").files(p)
    if logged then
      for _, f in ipairs(logged) do
        if not filter or filter:accept(f.path:match("[^/]*$"), f.mtime) then out[#out + 1] = f end
      end
    elseif st.isDir then
      local dir = p:gsub("/+$", "")
      list_files(dir, out, filter, 0)
    elseif not filter or filter:accept(p:match("[^/]*$"), st.mtime) then
      out[#out + 1] = { path = p, size = st.size, mtime = st.mtime }
    end
  end
  if #out == 0 and is_glob(path) and not allow_empty then
    error(("Path does not exist: %s (no file matches)"):format(path), 0)
  end
  table.sort(out, function(a, b) return a.path < b.path end)
  return out
end

M.skipUnreadable = skip_unreadable

-- Removes what dir holds, subdirectories and all (dir itself stays): an
-- overwrite of a partitioned directory.
function M.empty(dir)
  for _, name in ipairs(M.list(dir)) do
    local p = dir .. "/" .. name
    -- remove() unlinks a file or a symbolic link (never what it points
    -- to) and removes an empty directory: only a directory with content
    -- is gone into.
    local ok, err = os.remove(p)
    if not ok then
      local st = M.stat(p)
      if st and st.isDir then
        M.empty(p)
        ok, err = os.remove(p)
      end
      if not ok then error(("cannot remove %s: %s"):format(p, tostring(err)), 0) end
    end
  end
end

-- An absolute path, for logs that must name a file the same way whatever
-- the working directory.
function M.absolute(path)
  if path:sub(1, 1) == "/" then return path end
  local cwd = os.getenv("PWD")
  if not cwd then
    local p = io.popen("pwd")
    cwd = p and p:read("*l") or "."
    if p then p:close() end
  end
  return (cwd .. "/" .. path):gsub("/%./", "/")
end

-- A file's URI as Spark names it (input_file_name(), Hadoop's
-- Path.toUri): file:// and the absolute path, "." steps and repeated or
-- trailing slashes dropped, and the bytes a URI path may not hold
-- (space, %, #, ?, ...) %-escaped; UTF-8 is kept as it is.
function M.uri(path)
  local abs = M.absolute(path):gsub("/+", "/")
  repeat
    local n
    abs, n = abs:gsub("/%./", "/")
  until n == 0
  abs = abs:gsub("/%.$", ""):gsub("(.)/$", "%1")
  return "file://" .. abs:gsub("[^%w_%-!%.~'%(%)%*,;:%$&%+=/@\128-\255]", function(c)
    return ("%%%02X"):format(c:byte())
  end)
end

return M
