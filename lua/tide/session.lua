-- tide.session — the SparkSession of a tide script:
--
--   local spark = tide.session()
--   spark.readStream:format("kafka"):option(...):load()   -- streaming
--   spark.read:format("kafka"):option(...):load()         -- batch
--   spark:createDataFrame({{1, "a"}}, "id int, name string")
--   spark:range(10)                                       -- id 0 .. 9
--   spark.streams:awaitAnyTermination()
--   spark:table("name")   -- a memory sink's rows, or a temp view
--   spark:table("global_temp.name")   -- a global temp view
--   spark.catalog:listTables()        -- tide.catalog
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
  catalog = function(s)
    s._catalog = s._catalog or require("tide.catalog").new(s)
    return s._catalog
  end,
  udf = function(s)
    s._udf = s._udf or require("tide.udf").registration()
    return s._udf
  end,
  -- tide's version (it computes as Spark 3.5 does: docs/sql.md)
  version = function() return require("tide").version() end,
}

Session.__index = function(s, key) return methods[key] or (properties[key] and properties[key](s)) end
Session.__tostring = function() return "SparkSession(tide)" end

local current

function M.session(options)
  if not current then
    current = setmetatable({ options = options or {}, _tables = {}, _globalTables = {}, conf = M.newConf() }, Session)
  end
  return current
end

-- ---- spark.conf -------------------------------------------------------------------

local function whole_number(v, min)
  local n = tonumber(v)
  return n ~= nil and n == math.floor(n) and n >= min and n < 2 ^ 31
end

-- The keys whose values tide checks when they are set, as Spark checks
-- the settings it knows: allowed(value) tells whether a value fits, `want`
-- says what does, apply(value or nil) acts on the engine at once
-- (nil: unset, back to the default), and `default` is what conf:get and
-- SET give while the key is unset. Keys under spark.tide. are tide's
-- own: any other is refused, as a misspelled one would change nothing.
-- Other keys are kept as given (tide reads none of them), except the
-- Spark settings below, common in ported jobs, whose values are checked
-- as Spark checks them.
local KNOWN = {
  -- Rows of the slices plans run over (tide.execution sliceRows).
  ["spark.tide.sliceRows"] = {
    want = "a whole number >= 0 (0 turns slicing off)",
    allowed = function(v) return whole_number(v, 0) end,
  },
  -- Threads that data-parallel kernels (from_json) use besides the one
  -- running the script: 0 runs every kernel on it; unset, the online CPUs
  -- minus one.
  ["spark.tide.workerThreads"] = {
    want = "a whole number >= 0 (0: every kernel on the script's thread)",
    allowed = function(v) return whole_number(v, 0) end,
    apply = function(v) require("tide.ffi").tide_workers_set_threads(v == nil and -1 or tonumber(v)) end,
  },
  -- tide has no shuffle; Spark's check of the value, so that a job that
  -- runs on Spark runs here.
  ["spark.sql.shuffle.partitions"] = {
    default = "200",
    want = "a whole number >= 1",
    allowed = function(v) return whole_number(v, 1) end,
  },
  -- How many state deltas a streaming operator writes between two whole
  -- snapshots of its state (tide.state_store), as Spark's.
  ["spark.sql.streaming.stateStore.minDeltasForSnapshot"] = {
    default = "10",
    want = "a whole number >= 1",
    allowed = function(v) return whole_number(v, 1) end,
  },
  -- Settings that change what a query computes, taken at Spark's default
  -- only: a job that asks for the other semantics is told, not given
  -- these silently (tide's expressions are Spark's without ANSI mode:
  -- overflow wraps, a cast that fails gives NULL; names match whatever
  -- their case).
  ["spark.sql.ansi.enabled"] = {
    default = "false",
    want = "false (tide computes as Spark does without ANSI mode: overflow wraps, a failed cast gives NULL)",
    allowed = function(v) return tostring(v):lower() == "false" end,
  },
  ["spark.sql.caseSensitive"] = {
    default = "false",
    want = "false (tide resolves names whatever their case, as Spark's default)",
    allowed = function(v) return tostring(v):lower() == "false" end,
  },
  -- What to_date, to_timestamp and unix_timestamp with a pattern give for
  -- a text the pattern does not match (tide.eval_datetime), as Spark 3.5.
  ["spark.sql.legacy.timeParserPolicy"] = {
    default = "EXCEPTION",
    want = "EXCEPTION, CORRECTED or LEGACY",
    allowed = function(v)
      local u = tostring(v):upper()
      return u == "EXCEPTION" or u == "CORRECTED" or u == "LEGACY"
    end,
  },
  -- How the watermarks of a query's several withWatermark make its own
  -- (a union's or a join's sides': tide.stream_sides sidesEventTime).
  ["spark.sql.streaming.multipleWatermarkPolicy"] = {
    default = "min",
    want = "min or max",
    allowed = function(v)
      local l = tostring(v):lower()
      return l == "min" or l == "max"
    end,
  },
  -- Whether ${name} in SQL text is replaced by the setting (tide.sql_variables).
  ["spark.sql.variable.substitute"] = {
    default = "true",
    want = "true or false",
    allowed = function(v) return tostring(v):lower() == "true" or tostring(v):lower() == "false" end,
  },
  -- The zone in which text without one is read and timestamps are shown
  -- and split into fields (engine/time_zone.c). Spark's default is the
  -- JVM's zone; tide's, when unset, is UTC.
  ["spark.sql.session.timeZone"] = {
    default = "UTC",
    want = "a time zone Spark takes: a region id of tzdata (Europe/Paris, America/Los_Angeles), "
      .. "an offset (+02:00, -08:00, UTC+1) or UTC",
    allowed = function(v)
      local id = tostring(v)
      return require("tide.ffi").tide_time_zone_find(id, #id) ~= nil
    end,
    apply = function(v)
      local ffi, C = require("ffi"), require("tide.ffi")
      local id, errbuf = v or "UTC", ffi.new("char[128]")
      if C.tide_time_zone_set_session(id, #id, errbuf, 128) ~= 0 then error(ffi.string(errbuf), 0) end
    end,
  },
}

local TIDE_KEYS = {}
for key in pairs(KNOWN) do
  if key:match("^spark%.tide%.") then TIDE_KEYS[#TIDE_KEYS + 1] = key end
end
table.sort(TIDE_KEYS)

-- The value conf:set keeps for key (a string), or an error at the caller
-- of set naming the key, the value and what is allowed.
local function checked(key, value)
  if type(key) ~= "string" then
    error(("spark.conf:set needs a key (a string), not %s"):format(tostring(key)), 3)
  end
  if value == nil then
    error(("spark.conf:set(%q, nil): a setting needs a value; spark.conf:unset(%q) removes it"):format(key, key), 3)
  end
  if type(value) ~= "string" and type(value) ~= "number" and type(value) ~= "boolean" then
    error(("spark.conf:set(%q, ...): the value must be a string, number or boolean, not a %s"):format(key,
      type(value)), 3)
  end
  local known = KNOWN[key]
  if known then
    if not known.allowed(value) then
      error(("spark.conf:set: %s must be %s, not %q"):format(key, known.want, tostring(value)), 3)
    end
  elseif key:match("^spark%.tide%.") then
    local best = require("tide.suggest").closest(key, TIDE_KEYS, 3)
    error(("spark.conf:set: %s is not a setting of tide (%s are)%s"):format(key, table.concat(TIDE_KEYS, ", "),
      best and ("; did you mean %s?"):format(best) or ""), 3)
  end
  return tostring(value)
end

-- spark.conf:set(key, value) / :get(key, default) / :unset(key). Unset,
-- get gives its default argument, else the key's default (Spark's
-- `spark.conf.get("spark.sql.shuffle.partitions")` is "200"), else nil.
function M.newConf()
  local values = {}
  local conf = {}
  function conf:set(k, v)
    local text = checked(k, v)
    if KNOWN[k] and KNOWN[k].apply then KNOWN[k].apply(text) end
    values[k] = text
  end
  function conf:get(k, default)
    local v = values[k]
    if v ~= nil then return v end
    if default ~= nil then return default end
    return KNOWN[k] and KNOWN[k].default
  end
  function conf:unset(k)
    if KNOWN[k] and KNOWN[k].apply then KNOWN[k].apply(nil) end
    values[k] = nil
  end
  -- the settings made, key -> value (Spark's RuntimeConfig.getAll)
  function conf:getAll()
    local all = {}
    for k, v in pairs(values) do all[k] = v end
    return all
  end
  -- spark.conf.set(...) fails naming the method, as the session's do.
  return require("tide.checks").colonCalls("RuntimeConfig", "spark.conf", function(v) return v == conf end, conf)
end

-- A DataFrame over one batch in memory (sources that are not streams).
-- schema: the batch's own when not given; a query's output schema tells
-- its logical types (tinyint, intervals, void) from the columns holding them.
function M.localFrame(session, batch, schema)
  local plan = { kind = "scan", schema = schema or batch:schema(), source = { read = function() return batch end,
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
  local Row = require("tide.row")
  for r, row in ipairs(rows) do
    local v
    if Row.isRow(row) then
      v = row[i] -- (a Row is read by position, its names replaced by the given ones, as PySpark's)
    else
      v = row[name]
      if v == nil and type(row) == "table" then v = rawget(row, i) end
    end
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
  local df = M.localFrame(self, b)
  -- the schema's own types where its columns hold them as others (void as
  -- strings of nulls, tinyint as ints): what Spark's schema shows
  local T = require("tide.types")
  local given, fields, changed = T.parseSchema(schema), {}, false
  for i, f in ipairs(df._plan.schema.fields) do
    local t = given.fields and given.fields[i] and given.fields[i].dataType
    changed = changed or (t and t.id == f.dataType.id and t ~= f.dataType)
    fields[i] = (t and t.id == f.dataType.id and t ~= f.dataType) and T.field(f.name, t, f.nullable) or f
  end
  if changed then df._plan.schema = T.struct(fields) end
  return df
end

-- spark:range(end) or range(start, end[, step[, numPartitions]]): one
-- bigint column, id, from start up to end (not included) by step, as
-- Spark's (numPartitions is checked and has no other effect here).
function methods:range(start, finish, step, partitions)
  if finish == nil then start, finish = 0, start end
  step = step == nil and 1 or step
  for _, arg in ipairs({ { "start", start }, { "end", finish }, { "step", step } }) do
    local v = arg[2]
    if type(v) ~= "number" or v ~= math.floor(v) or math.abs(v) > 2 ^ 53 then
      error(("range: %s must be a whole number, not %s"):format(arg[1], tostring(v)), 2)
    end
  end
  if step == 0 then error("range: requirement failed: step (0) cannot be 0", 2) end
  if partitions ~= nil and (type(partitions) ~= "number" or partitions < 1) then
    error(("range: numPartitions must be a positive number, not %s"):format(tostring(partitions)), 2)
  end
  local n = math.max(0, math.ceil((finish - start) / step))
  local C, ffi = require("tide.ffi"), require("ffi")
  local b = batchlib.wrap(C.tide_batch_new(1))
  local col = b.columns[0]
  if C.tide_column_init(b, col, "id", C.TIDE_INT64, math.max(n, 1)) ~= 0 then error("range: out of memory", 2) end
  local values = ffi.cast("int64_t *", col.values)
  for i = 0, n - 1 do values[i] = start + i * step end
  col.length = n
  if C.tide_batch_finish(b) ~= 0 then error("range: out of memory", 2) end
  local df = M.localFrame(self, b)
  -- Spark's Range, not a LocalRelation: two ranges alike are the same
  -- plan (df:sameSemantics) without comparing their rows.
  df._plan.source.range = ("Range (%d, %d, step=%d)"):format(start, finish, step)
  return df
end

-- Tables are memory sinks (by queryName) and temp views. A memory sink
-- registers a function giving its rows so far, and its schema. Names are
-- case-insensitive and kept lower-cased, as Spark's session catalog keeps
-- them (spark.catalog:listTables() shows them so).
function methods:registerTable(name, provider, schema)
  local key = tostring(name):lower()
  -- A view replaced is no longer cached, as Spark uncaches it.
  if self._cachedTables then self._cachedTables[key] = nil end
  self._tables[key] = provider
  self._tableSchemas = self._tableSchemas or {}
  self._tableSchemas[key] = schema
end

-- The global temp views (df:createGlobalTempView), in Spark's database
-- global_temp: spark:table("global_temp.name").
M.GLOBAL_TEMP = "global_temp"

function methods:registerGlobalTable(name, df)
  self._globalTables[tostring(name):lower()] = df
end

-- The table a name stands for ("name" or "global_temp.name"): its entry
-- (a DataFrame, or a memory sink's provider), its key, and the table of
-- entries it is in; nil when there is none.
function methods:lookupTable(name)
  if type(name) ~= "string" then return nil end
  local db, rest = name:match("^`?([^.`]+)`?%.`?([^`]+)`?$")
  if db and db:lower() == M.GLOBAL_TEMP then
    local key = rest:lower()
    return self._globalTables[key], key, self._globalTables
  end
  local key = (name:match("^`(.*)`$") or name):lower()
  return self._tables[key], key, self._tables
end

-- A memory sink's table is read at each action on the DataFrame, not
-- when spark:table is called: as Spark's temp view of a memory sink, a
-- DataFrame kept while the query runs counts the rows it has now
-- (df:cache() keeps the rows of its first action, as in Spark).
function M.liveFrame(session, name, provider, schema)
  local plan = { kind = "scan", schema = schema or provider():schema(), source = {
    read = function() return provider() end, description = "MemoryPlan[" .. name .. "]" } }
  return dataframe.new(session, plan, false)
end

function methods:table(name)
  local t, key, where = self:lookupTable(name)
  if not t then error(("table or view not found: %s"):format(tostring(name)), 2) end
  -- spark.catalog:cacheTable(name) of a memory sink's table: its rows then.
  local cached = where == self._tables and self._cachedTables and self._cachedTables[key]
  if cached then return cached end
  if type(t) == "function" then return M.liveFrame(self, key, t, (self._tableSchemas or {})[key]) end
  return t
end

-- spark:sql(query): a SELECT over temp views and memory sinks' tables
-- (tide.sql_query), or a statement (tide.sql_statements: CREATE TEMP
-- VIEW, SHOW TABLES, SET, ...), also called with '.', as PySpark does.
local function sql(self, query)
  if getmetatable(self) ~= Session then self, query = M.session(), self end
  if type(query) ~= "string" then
    error(("spark:sql needs the query's text, not %s"):format(require("tide.checks").kindOf(query)), 2)
  end
  local ok, df = pcall(function()
    query = require("tide.sql_variables").substitute(query, self)
    return require("tide.sql_statements").run(self, query) or require("tide.sql_query").run(self, query)
  end)
  -- A DataFrame method's error names the line that called it: here, a
  -- line of tide's own, which the script's line replaces.
  if not ok then
    local msg = tostring(df):gsub("^[^:\n]*tide/[%w_/]+%.lua:%d+: ", "")
    -- (an error already placed at the caller's line, checks.failAtUser's, keeps its one place)
    local caller = debug.getinfo(2, "Sl")
    local here = caller and caller.currentline and ("%s:%d: "):format(caller.short_src, caller.currentline)
    if here and msg:sub(1, #here) == here then error(msg, 0) end
    error(msg, 2)
  end
  return df
end

function methods:stop()
  if self._streams then
    for _, q in ipairs(self._streams:active()) do q:stop() end
  end
end

-- spark.createDataFrame(...) fails naming the method (tide.dataframe);
-- spark.sql(...) works either way, as PySpark's.
require("tide.checks").colonCalls("SparkSession", "spark", function(v) return getmetatable(v) == Session end, methods)
methods.sql = sql

-- ---- SparkSession.builder and spark.sparkContext, for ported scripts ---------------

-- tide.SparkSession.builder:appName("ctr"):config("k", "v"):getOrCreate():
-- each setting checked at its call, as spark.conf:set checks it, and set
-- on the one session by getOrCreate (PySpark's builder sets them on an
-- existing session too). tide runs in this process: master takes only
-- local modes.
local Builder = {}
Builder.__index = Builder

local function new_builder() return setmetatable({ settings = {} }, Builder) end

function Builder:appName(name)
  if type(name) ~= "string" then error(("appName needs a name (a string), not %s"):format(tostring(name)), 2) end
  self.settings[#self.settings + 1] = { key = "spark.app.name", value = name }
  return self
end

function Builder:master(master)
  local ok = type(master) == "string" and (master == "local" or master:match("^local%[%d+%]$")
    or master:match("^local%[%*%]$") or master:match("^local%[[%d*]+,%s*%d+%]$"))
  if not ok then
    error(("master(%s): tide runs in this process, on its own cores; use local[*] (or leave master out) rather"
      .. " than a cluster"):format(type(master) == "string" and ("%q"):format(master) or tostring(master)), 2)
  end
  self.settings[#self.settings + 1] = { key = "spark.master", value = master }
  return self
end

-- config(key, value), or config({key = value, ...}) as PySpark's
-- config(map={...}). (checked's errors are at config's caller.)
function Builder:config(key, value)
  local settings = self.settings
  if type(key) == "table" and value == nil then
    local keys = {}
    for k in pairs(key) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    for _, k in ipairs(keys) do settings[#settings + 1] = { key = k, value = checked(k, key[k]) } end
  else
    settings[#settings + 1] = { key = key, value = checked(key, value) }
  end
  return self
end

function Builder:enableHiveSupport()
  error("enableHiveSupport: tide has no Hive metastore; tables are temp views (df:createOrReplaceTempView)"
    .. " and memory sinks, read back with spark:table(name)", 2)
end

function Builder:getOrCreate()
  local session = M.session()
  for _, s in ipairs(self.settings) do
    session.conf:set(s.key, s.value)
  end
  return session
end

require("tide.checks").colonCalls("Builder", "SparkSession.builder", function(v) return getmetatable(v) == Builder end,
  Builder)
Builder.__index = require("tide.checks").strictIndex("Builder", "method", Builder)

-- SparkSession.builder is a new builder at each use, as PySpark's.
-- SparkSession.getActiveSession() is the session once made (nil before),
-- SparkSession.active() the session, made if need be, as PySpark's.
local statics = {
  getActiveSession = function() return current end,
  active = function() return M.session() end,
}
M.SparkSession = setmetatable({}, {
  __index = function(_, key)
    if key == "builder" then return new_builder() end
    if statics[key] then return statics[key] end
    error(("SparkSession.%s: tide's SparkSession has builder, getActiveSession and active"
      .. " (SparkSession.builder:getOrCreate())"):format(tostring(key)), 2)
  end,
})

-- spark.sparkContext: what ported scripts use of it. Spark's log levels
-- are accepted (tide prints warnings and errors only, whatever the level).
local LOG_LEVELS = { ALL = true, DEBUG = true, ERROR = true, FATAL = true, INFO = true, OFF = true, TRACE = true,
                     WARN = true }
local SparkContext = {}
function SparkContext:setLogLevel(level)
  if type(level) ~= "string" or not LOG_LEVELS[level:upper()] then
    error(("setLogLevel(%s): Supplied level %s did not match one of: ALL,DEBUG,ERROR,FATAL,INFO,OFF,TRACE,WARN")
      :format(tostring(level), tostring(level)), 2)
  end
end

local context_properties = {
  appName = function(ctx) return ctx.session.conf:get("spark.app.name", "tide") end,
  master = function(ctx) return ctx.session.conf:get("spark.master", "local[*]") end,
}
local context_meta = {
  __index = function(ctx, key)
    if SparkContext[key] then return SparkContext[key] end
    if context_properties[key] then return context_properties[key](ctx) end
    error(("sparkContext.%s: tide has no RDDs; its SparkContext has setLogLevel, appName and master"
      .. " (rows come in with spark:createDataFrame(rows, schema) or spark.read)"):format(tostring(key)), 2)
  end,
}

properties.sparkContext = function(s)
  s._context = s._context or setmetatable({ session = s }, context_meta)
  return s._context
end

return M
