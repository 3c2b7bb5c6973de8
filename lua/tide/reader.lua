-- tide.reader — spark.read and spark.readStream: format, option(s), schema,
-- load. Each format is a module tide.sources.<format> with
--   batch(options, schema, path, session)  -> { schema, description, read() }
--   stream(options, schema, path, session) -> a streaming source (see
--                                            tide.streaming for its methods)
-- and optionally knownOptions (a list of its options as Spark spells them)
-- and optionPrefix (options under it are someone else's to check): load()
-- warns of an option a letter or two from a known one.
-- Option keys are case-insensitive, as in Spark (kept lower-cased, which
-- suits librdkafka's properties too); values are kept as strings, and a
-- nil value fails at once (tide.checks).
local T = require("tide.types")
local dataframe = require("tide.dataframe")
local checks = require("tide.checks")
local suggest = require("tide.suggest")

local M = {}

-- The methods of both readers; StreamReader and BatchReader, below, are
-- their metatables.
local Reader = {}
local StreamReader, BatchReader

local function new(session, streaming)
  return setmetatable({ session = session, streaming = streaming, opts = {}, spelled = {} },
    streaming and StreamReader or BatchReader)
end

function M.DataFrameReader(session) return new(session, false) end
function M.DataStreamReader(session) return new(session, true) end

function Reader:format(name)
  self.fmt = tostring(name):lower()
  return self
end

function Reader:option(key, value)
  local lower = tostring(key):lower()
  self.opts[lower] = checks.optionValue(key, value)
  self.spelled[lower] = tostring(key)
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

-- As Spark, a source ignores options it does not know; but one a letter
-- or two from a known one (source.knownOptions, Spark's spellings) is
-- most likely a typo that would silently change nothing, so it gets one
-- line on stderr. Options under source.optionPrefix (kafka.*, checked by
-- librdkafka) are left alone.
local function warn_misspelled(self, source)
  local prefix = source.optionPrefix
  local known = {}
  for _, name in ipairs(source.knownOptions) do known[name:lower()] = true end
  local keys = {}
  for key in pairs(self.opts) do keys[#keys + 1] = key end
  table.sort(keys) -- (warnings in the same order every run)
  for _, key in ipairs(keys) do
    if not known[key] and not (prefix and key:sub(1, #prefix) == prefix) then
      local best = suggest.closest(key, source.knownOptions, 2)
      if best then
        io.stderr:write(("tide: warning: %s source option %q is not known; did you mean %q?\n")
          :format(self.fmt, self.spelled[key] or key, best))
      end
    end
  end
end

-- The DataFrame of the reader's format, options and schema over path.
local function load_path(self, path)
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
  if source.knownOptions then warn_misspelled(self, source) end
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

-- PySpark's csv(path, header=True), load(path, format="csv", schema=...):
-- in Lua the keyword arguments come as a table, the last argument, and
-- before it PySpark's positional parameters (csv(path, schema),
-- load(path, format, schema)). The table's entries are options, as
-- :options{...}, except path, format and schema, PySpark's parameters.
-- Anything else fails here: ignored, a table of options would leave the
-- header a data row and every column a string, silently.
local WANT = { path = "a path (a string)", format = "a format name (a string)",
               schema = "a DDL string or a tide.types struct" }

local function fits(param, v)
  if param == "schema" then return type(v) == "string" or T.isType(v) end
  return type(v) == "string"
end

local function call_args(self, what, params, ...)
  local n = select("#", ...)
  local args, keywords = { ... }, {}
  if n > 0 and type(args[n]) == "table" and getmetatable(args[n]) == nil then
    keywords, n = args[n], n - 1
  end
  if n > #params then
    error(("%s takes %s and then a table of options, not %d arguments"):format(what,
      table.concat(params, ", "), select("#", ...)), 3)
  end
  local given = {}
  for i = 1, n do
    local v = args[i]
    if v ~= nil and not fits(params[i], v) then
      error(("%s: argument %d (%s) must be %s, or a table of options ({header = true}), not a %s")
        :format(what, i, params[i], WANT[params[i]], type(v)), 3)
    end
    given[params[i]] = v
  end
  local options = {}
  for k, v in pairs(keywords) do
    if type(k) ~= "string" then
      error(("%s: a table of options takes names ({header = true}), not [%s] = %s"):format(what,
        tostring(k), tostring(v)), 3)
    end
    local param = k:lower()
    if WANT[param] then
      local known = false
      for _, p in ipairs(params) do known = known or p == param end
      if not known then error(("%s has no parameter %s"):format(what, k), 3) end
      if given[param] ~= nil then error(("%s: %s given twice"):format(what, param), 3) end
      if not fits(param, v) then
        error(("%s: %s must be %s, not a %s"):format(what, k, WANT[param], type(v)), 3)
      end
      given[param] = v
    elseif type(v) ~= "string" and type(v) ~= "number" and type(v) ~= "boolean" then
      error(("%s: option %s must be a string, number or boolean, not a %s"):format(what, k, type(v)), 3)
    else
      options[k] = v
    end
  end
  if given.format then self:format(given.format) end
  if given.schema then
    local ok, st = pcall(T.fromDDL, given.schema)
    if not ok then error(st, 3) end
    self.userSchema = st
  end
  self:options(options)
  return given.path
end

function Reader:load(...)
  return load_path(self, call_args(self, "load", { "path", "format", "schema" }, ...))
end

-- Shortcuts as in PySpark: spark.read:csv(path), :json(path), :text(path).
function Reader:csv(...)
  return load_path(self:format("csv"), call_args(self, "csv", { "path", "schema" }, ...))
end
function Reader:json(...)
  return load_path(self:format("json"), call_args(self, "json", { "path", "schema" }, ...))
end

-- PySpark's text(paths, wholetext=False, lineSep=None): a path or a list
-- of them, then a table of options ({wholetext = true}).
function Reader:text(paths, ...)
  if type(paths) == "table" and getmetatable(paths) == nil and #paths > 0 then
    for i, p in ipairs(paths) do
      if type(p) ~= "string" then
        error(("text: paths must be strings, not a %s (path %d)"):format(type(p), i), 2)
      end
    end
    call_args(self, "text", {}, ...)
    return load_path(self:format("text"), paths)
  end
  return load_path(self:format("text"), call_args(self, "text", { "path" }, paths, ...))
end

-- The same methods under Spark's two names, each failing clearly when
-- called with '.' (spark.readStream.format("kafka")).
local function is_reader(v)
  local mt = getmetatable(v)
  return mt ~= nil and (mt == StreamReader or mt == BatchReader)
end
StreamReader = { __index = checks.colonCalls("DataStreamReader", "spark.readStream", is_reader, Reader, {}) }
BatchReader = { __index = checks.colonCalls("DataFrameReader", "spark.read", is_reader, Reader, {}) }

return M
