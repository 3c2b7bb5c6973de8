-- tide.ml.persist — saving and loading stages in Spark's directory layout:
--
--   <path>/metadata/part-00000   one JSON line: class (Spark's class name),
--                                timestamp, sparkVersion, uid, paramMap,
--                                defaultParamMap, and tide's "formatVersion"
--                                (FORMAT_VERSION), "saveId" (unique per save)
--                                and "dataFiles" (per data file: bytes and
--                                FNV-1a 64 checksum)
--   <path>/data/<file>           the learnt state: JSON (data.json) or raw
--                                little-endian binary (*.f64 doubles,
--                                labels_<k>.bin: uint32 length + bytes per label)
--   <path>/stages/<i>_<uid>/     a PipelineModel's stages, each in this layout
--
-- A save writes into a temporary sibling directory and renames it into
-- place (an overwritten model is first renamed aside, then removed), so a
-- failed save leaves no half model and a reader sees the old model or the
-- new one; an existing path is an error unless overwritten
-- (write():overwrite():save(path)). Loading checks the format version and
-- every data file's size and checksum and names the file at fault.
local ffi = require("ffi")
local C = require("tide.ffi")
local json = require("tide.json")
local base = require("tide.ml.base")

local M = {}
local registry = {}

-- The layout version this tide writes and the newest it reads.
M.FORMAT_VERSION = 1

-- Makes cls loadable under its Spark class name and gives it save/load.
function M.register(cls)
  registry[cls._sparkClass] = cls
  cls.save = function(self, path) return M.save(self, path, false) end
  cls.write = function(self) return M.writer(self) end
  -- (PySpark's PipelineModel.load(path); PipelineModel:load(path), the
  -- Lua habit for a call on a class, passes the class first: taken too)
  cls.load = function(path, second)
    if path == cls then path = second end
    return M.load(path, cls)
  end
  cls.read = function() return { load = function(_, path) return M.load(path, cls) end } end
end

local function exists(path) return os.rename(path, path) == true end

local function write_file(path, data)
  if C.tide_fs_write_atomic(path, data, #data, 1, base.errbuf, base.errlen) ~= 0 then
    error("cannot write " .. path .. ": " .. base.lastError(), 0)
  end
end

local function checksum(data)
  local hex = ffi.new("char[17]")
  C.tide_ml_checksum(data, #data, hex)
  return ffi.string(hex, 16)
end

local Writer = {}
Writer.__index = Writer

function Writer:bytes(name, data, extra)
  write_file(self.dir .. "/data/" .. name, data)
  local info = { bytes = #data, checksum = checksum(data) }
  for k, v in pairs(extra or {}) do info[k] = v end
  self.files[name] = info
end

function Writer:json(name, value) self:bytes(name, json.encode(value)) end

local function write_stage(stage, dir, save_id)
  local w = setmetatable({ dir = dir, files = {} }, Writer)
  if stage._writeData then stage:_writeData(w) end
  local set, defaults = stage:paramMaps()
  for _, map in ipairs({ set, defaults }) do
    for k, v in pairs(map) do map[k] = base.paramJson(k, v) end
  end
  if stage._stageUids then set.stages, set.stageUids = nil, stage:_stageUids() end
  local meta = json.ordered {
    { "class", stage._sparkClass }, { "timestamp", math.floor(C.tide_now() * 1000) },
    { "sparkVersion", "3.5.0" }, { "tideVersion", ffi.string(C.tide_version()) }, { "uid", stage.uid },
    { "paramMap", set }, { "defaultParamMap", defaults }, { "formatVersion", M.FORMAT_VERSION },
    { "saveId", save_id }, { "dataFiles", w.files },
  }
  write_file(dir .. "/metadata/part-00000", json.encode(meta) .. "\n")
  if stage._writeStages then
    stage:_writeStages(dir, function(s, d) return write_stage(s, d, save_id) end)
  end
end

function M.save(stage, path, overwrite)
  if type(path) ~= "string" or path == "" then error("save needs a path", 3) end
  if exists(path) and not overwrite then
    error(("Path %s already exists. To overwrite it, use write():overwrite():save(path)."):format(path), 3)
  end
  local save_id = base.uid("save")
  local tmp = path .. ".tmp-" .. save_id
  local ok, err = pcall(write_stage, stage, tmp, save_id)
  if not ok then
    C.tide_ml_remove_tree(tmp, base.errbuf, base.errlen)
    error(err, 3)
  end
  -- The old model moves aside whole, so the path never holds a half
  -- removed one (a watching query reads either model, or briefly none).
  local old
  if exists(path) then
    old = path .. ".old-" .. save_id
    if C.tide_ml_rename(path, old, base.errbuf, base.errlen) ~= 0 then
      C.tide_ml_remove_tree(tmp, base.errbuf, base.errlen)
      error(base.lastError(), 3)
    end
  end
  if C.tide_ml_rename(tmp, path, base.errbuf, base.errlen) ~= 0 then
    local msg = base.lastError()
    if old then C.tide_ml_rename(old, path, base.errbuf, base.errlen) end
    error(msg, 3)
  end
  if old and C.tide_ml_remove_tree(old, base.errbuf, base.errlen) ~= 0 then error(base.lastError(), 3) end
end

-- The saveId in a saved model's top metadata (nil when it cannot be read):
-- what a watcher compares to tell a new save. Models saved before saveId
-- existed give their timestamp.
function M.saveStamp(path)
  local f = io.open(path .. "/metadata/part-00000", "rb")
  if not f then return nil end
  local text = f:read("*a")
  f:close()
  return text:match('"saveId":"([^"]+)"') or text:match('"timestamp":(%d+)')
end

function M.writer(stage)
  local wr = { overwriting = false }
  function wr:overwrite() self.overwriting = true; return self end
  function wr:save(path) M.save(stage, path, self.overwriting) end
  return wr
end

-- ---- loading ----------------------------------------------------------------------

local function read_file(path)
  local f, err = io.open(path, "rb")
  if not f then error("cannot read model file " .. tostring(err), 0) end -- err names the path
  local data = f:read("*a")
  f:close()
  return data
end

local Reader = {}
Reader.__index = Reader

function Reader:fail(name, msg) error(("model file %s/data/%s: %s"):format(self.dir, name, msg), 0) end
function Reader:has(name) return self.files[name] ~= nil end

function Reader:bytes(name)
  self.current = name
  local info = self.files[name]
  if not info then self:fail(name, "not listed in " .. self.dir .. "/metadata/part-00000") end
  local data = read_file(self.dir .. "/data/" .. name)
  if #data ~= info.bytes then
    self:fail(name, ("truncated or corrupt: %d bytes, the metadata says %d"):format(#data, info.bytes))
  end
  if checksum(data) ~= info.checksum then
    self:fail(name, ("corrupt: checksum %s, the metadata says %s"):format(checksum(data), tostring(info.checksum)))
  end
  return data, info
end

-- A *.f64 file of `count` doubles into dst (double[count], or nil: a new
-- array, made once the size is checked, so that a count from a damaged
-- file fails naming it rather than as an allocation); its NaNs come out
-- as the C library's, whatever their bits were (some NaNs, read into a
-- Lua value, are taken for a pointer by LuaJIT).
function Reader:doubles(name, dst, count, what)
  local bytes = self:bytes(name)
  if #bytes ~= count * 8 then
    self:fail(name, ("holds %d bytes; %s need %d"):format(#bytes, what or (count .. " doubles"), count * 8))
  end
  dst = dst or ffi.new("double[?]", math.max(count, 1))
  C.tide_ml_read_doubles(dst, bytes, count)
  return dst
end

function Reader:json(name)
  local data = self:bytes(name)
  local ok, v = pcall(json.decode, data)
  if not ok then self:fail(name, v) end
  return v
end

local function plain(v)
  if v == json.null then return nil end
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = plain(x) end
  return out
end

local function load_stage(dir, expected)
  local meta_path = dir .. "/metadata/part-00000"
  local text = read_file(meta_path)
  local ok, meta = pcall(json.decode, (text:gsub("\n+$", "")))
  if not ok then error(("model metadata %s: %s"):format(meta_path, meta), 0) end
  if type(meta) ~= "table" or type(meta.class) ~= "string" then
    error(("model metadata %s: no class field"):format(meta_path), 0)
  end
  local version = meta.formatVersion or 1
  if type(version) ~= "number" then
    error(("model metadata %s: formatVersion is not a number"):format(meta_path), 0)
  end
  if version > M.FORMAT_VERSION then
    error(("model metadata %s: format version %d is newer than this tide reads (%d); load it with a newer tide")
      :format(meta_path, version, M.FORMAT_VERSION), 0)
  end
  local cls = registry[meta.class]
  if not cls then error(("model metadata %s: unknown class %s"):format(meta_path, meta.class), 0) end
  if expected and cls ~= expected then
    error(("%s holds a %s, not a %s"):format(dir, meta.class, expected._sparkClass), 0)
  end
  local stage = cls.new()
  stage.uid = meta.uid or stage.uid
  stage._saveStamp = meta.saveId or (meta.timestamp and tostring(meta.timestamp))
  local stage_uids
  for k, v in pairs(plain(meta.paramMap) or {}) do
    if k == "stageUids" then stage_uids = v
    elseif stage._defaults[k] ~= nil then
      -- (a matrix or vector param's JSON that does not hold one fails naming the file)
      local okp, value = pcall(base.paramFromJson, stage, k, v)
      if not okp then error(("model metadata %s: param %s: %s"):format(meta_path, k, tostring(value)), 0) end
      stage._set[k] = value
    end
  end
  local r = setmetatable({ dir = dir, files = plain(meta.dataFiles) or {} }, Reader)
  if stage._readData then
    -- A data file that passed its checksum but does not hold what the stage
    -- expects (a hand edit, another writer) fails naming the file.
    local okr, err = pcall(stage._readData, stage, r)
    if not okr then
      err = tostring(err)
      if not err:find(dir, 1, true) then
        local file = r.current and (dir .. "/data/" .. r.current) or meta_path
        err = ("model file %s: unexpected content: %s"):format(file, err)
      end
      error(err, 0)
    end
  end
  if stage._readStages then stage:_readStages(dir, stage_uids or {}, load_stage) end
  return stage
end

function M.load(path, expected)
  if type(path) ~= "string" then error(("load needs a path (a string), not %s"):format(type(path)), 3) end
  local ok, stage = pcall(load_stage, path, expected)
  if not ok then error(stage, 3) end
  return stage
end

return M
