-- tide.session — the SparkSession of a tide script:
--
--   local spark = tide.session()
--   spark.readStream:format("kafka"):option(...):load()   -- streaming
--   spark.read:format("kafka"):option(...):load()         -- batch
--   spark:createDataFrame({{1, "a"}}, "id int, name string")
--   spark.streams:awaitAnyTermination()
--   spark:table("name")   -- a memory sink's rows, or a temp view
--
-- There is one session per Lua state (getOrCreate), as in PySpark.
local dataframe = require("tide.dataframe")
local batchlib = require("tide.batch")

local M = {}
local Session = {}
local methods = {}

local properties = {
  readStream = function(s) return require("tide.reader").DataStreamReader(s) end,
  read = function(s) return require("tide.reader").DataFrameReader(s) end,
  streams = function(s)
    s._streams = s._streams or require("tide.streaming").StreamingQueryManager(s)
    return s._streams
  end,
}

Session.__index = function(s, key) return methods[key] or (properties[key] and properties[key](s)) end
Session.__tostring = function() return "SparkSession(tide)" end

local current

function M.session(options)
  if not current then
    current = setmetatable({ options = options or {}, _tables = {}, conf = M.newConf() }, Session)
  end
  return current
end

-- Settings that act on the engine as soon as they are set (nil: unset,
-- back to the default).
local APPLY = {
  -- Threads that data-parallel kernels (from_json) use besides the one
  -- running the script: 0 runs every kernel on it; unset, the online CPUs
  -- minus one.
  ["spark.tide.workerThreads"] = function(v)
    local n = v == nil and -1 or tonumber(v)
    if not n or n ~= math.floor(n) or n < -1 then
      error(("spark.tide.workerThreads must be a whole number >= 0, not %q"):format(tostring(v)), 0)
    end
    require("tide.ffi").tide_workers_set_threads(n)
  end,
}

-- spark.conf:set(key, value) / :get(key, default)
function M.newConf()
  local values = {}
  return {
    set = function(_, k, v)
      if APPLY[k] then APPLY[k](v) end
      values[k] = tostring(v)
    end,
    get = function(_, k, default) local v = values[k]; if v == nil then return default end; return v end,
    unset = function(_, k)
      if APPLY[k] then APPLY[k](nil) end
      values[k] = nil
    end,
  }
end

-- A DataFrame over one batch in memory (sources that are not streams).
function M.localFrame(session, batch)
  local plan = { kind = "scan", schema = batch:schema(), source = { read = function() return batch end,
    description = "LocalRelation" } }
  return dataframe.new(session, plan, false)
end

-- A DataFrame over a micro-batch made piece by piece (tide.execution
-- fetchedPieces) with the given schema: a jdbc write takes the pieces as
-- they are made; any other action waits for the whole batch.
function M.piecesFrame(session, pieces, schema)
  local plan = { kind = "scan", schema = schema, source = { read = function() return pieces:all() end,
    pieces = pieces, description = "LocalRelation" } }
  return dataframe.new(session, plan, false)
end

-- The type of a column of Lua values, as PySpark infers it from a list
-- of column names: whole numbers (and 64-bit integers) bigint, other
-- numbers double; strings, booleans and vectors as they are.
local function infer_type(rows, i, name)
  local T = require("tide.types")
  local kind, whole = nil, true
  for r, row in ipairs(rows) do
    local v = row[name]
    if v == nil then v = row[i] end
    if v ~= nil then
      local k = type(v)
      if k == "cdata" then
        k = "number"
      elseif k == "number" then
        whole = whole and v == math.floor(v)
      elseif k == "table" and require("tide.ml.linalg").isVector(v) then
        k = "vector"
      end
      if kind and k ~= kind then
        error(("createDataFrame: column %q holds a %s in row %d after a %s; give a DDL schema"):format(
          name, k, r, kind), 4)
      end
      kind = k
    end
  end
  if kind == "number" then return whole and T.long or T.double end
  local t = ({ string = T.string, boolean = T.boolean, vector = T.vector })[kind]
  if t then return t end
  error(("createDataFrame: cannot infer the type of column %q (%s); give a DDL schema"):format(
    name, kind and ("it holds a " .. kind) or "every value is nil"), 4)
end

function methods:createDataFrame(rows, schema)
  if batchlib.isBatch(rows) then return M.localFrame(self, rows) end
  if schema == nil then
    error("createDataFrame needs a schema (a DDL string, a struct type or a list of column names)", 2)
  end
  if type(schema) == "table" and type(schema[1]) == "string" then
    local T = require("tide.types")
    local fields = {}
    for i, name in ipairs(schema) do fields[i] = T.field(name, infer_type(rows, i, name)) end
    schema = T.struct(fields)
  end
  local ok, b = pcall(batchlib.fromRows, rows, schema)
  if not ok then error(b, 2) end
  return M.localFrame(self, b)
end

-- Tables are memory sinks (by queryName) and temp views.
function methods:registerTable(name, provider) self._tables[name] = provider end

function methods:table(name)
  local t = self._tables[name]
  if not t then error(("table or view not found: %s"):format(name), 2) end
  if type(t) == "function" then return M.localFrame(self, t()) end
  return t
end

function methods:stop()
  if self._streams then
    for _, q in ipairs(self._streams:active()) do q:stop() end
  end
end

-- spark.createDataFrame(...) fails naming the method (tide.dataframe).
require("tide.checks").colonCalls("SparkSession", "spark", function(v) return getmetatable(v) == Session end, methods)

return M
