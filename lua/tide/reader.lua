-- tide.reader — spark.read and spark.readStream: format, option(s), schema,
-- load. Each format is a module tide.sources.<format> with
--   batch(options, schema, path, session)  -> { schema, description, read() }
--   stream(options, schema, path, session) -> a streaming source (see
--                                            tide.streaming for its methods)
-- Option keys are case-insensitive, as in Spark (kept lower-cased, which
-- suits librdkafka's properties too); values are kept as strings.
local T = require("tide.types")
local dataframe = require("tide.dataframe")

local M = {}

local Reader = {}
Reader.__index = Reader

local function new(session, streaming)
  return setmetatable({ session = session, streaming = streaming, opts = {} }, Reader)
end

function M.DataFrameReader(session) return new(session, false) end
function M.DataStreamReader(session) return new(session, true) end

function Reader:format(name)
  self.fmt = tostring(name):lower()
  return self
end

function Reader:option(key, value)
  self.opts[tostring(key):lower()] = tostring(value)
  return self
end

function Reader:options(map)
  for k, v in pairs(map) do self:option(k, v) end
  return self
end

function Reader:schema(schema)
  local ok, st = pcall(T.fromDDL, schema)
  if not ok then error(st, 2) end
  self.userSchema = st
  return self
end

function Reader:load(path)
  if not self.fmt then error("load: no format given (call :format(...) first)", 2) end
  local ok, source = pcall(require, "tide.sources." .. self.fmt)
  if not ok then
    if tostring(source):find("not found", 1, true) then
      error(("unknown data source format %q"):format(self.fmt), 2)
    end
    error(source, 2)
  end
  local make = self.streaming and source.stream or source.batch
  if not make then
    error(("format %q cannot be read as a %s"):format(self.fmt, self.streaming and "stream" or "batch"), 2)
  end
  local options = {}
  for k, v in pairs(self.opts) do options[k] = v end
  local user_schema, session = self.userSchema, self.session
  local okk, src = pcall(make, options, user_schema, path, session)
  if not okk then error(src, 2) end
  local scan = { kind = "scan", schema = src.schema, source = src }
  if self.streaming then
    -- This instance only described the source; each query opens its own.
    src:stop()
    function scan.open() return make(options, user_schema, path, session) end
  end
  return dataframe.new(self.session, scan, self.streaming)
end

-- Shortcuts as in PySpark: spark.read:csv(path), :json(path).
function Reader:csv(path) return self:format("csv"):load(path) end
function Reader:json(path) return self:format("json"):load(path) end

return M
