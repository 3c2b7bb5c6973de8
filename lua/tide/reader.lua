-- tide.reader — spark.read and spark.readStream: format, option(s), schema,
-- load. Each format is a module tide.sources.<format> with
--   batch(options, schema, path, session)  -> { schema, description, read() }
--   stream(options, schema, path, session) -> a streaming source (see
--                                            tide.streaming for its methods)
-- and optionally knownOptions (a list of its options as Spark spells them)
-- and optionPrefix (options under it are someone else's to check): load()
-- warns of an option a letter or two from a known one (tide.checks
-- warnMisspelledOptions, as df.write and df.writeStream do).
-- Option keys are case-insensitive, as in Spark (kept lower-cased, which
-- suits librdkafka's properties too); values are kept as strings, and a
-- nil value fails at once (tide.checks).
local T = require("tide.types")
local dataframe = require("tide.dataframe")
local checks = require("tide.checks")

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

checks.optionMethods(Reader)

function Reader:schema(schema)
  local ok, st = pcall(T.fromDDL, schema)
  if not ok then error(st, 2) end
  self.userSchema = st
  return self
end

-- Formats whose module is named otherwise, and modules of tide.sources
-- that are parts of sources, not formats.
local FORMAT_MODULES = { ["rate-micro-batch"] = "rate_micro_batch" }
local NOT_FORMATS = { composite = true, file_stream = true, kafka_options = true, kafka_plan = true,
                      rate_micro_batch = true }

-- The DataFrame of the reader's format, options and schema over path.
-- extra: what a source takes beyond its options (jdbc's predicates).
-- (rawget: an unset field of a reader is nil, a misspelt method an error)
local function load_path(self, path, extra)
  local fmt = rawget(self, "fmt")
  if not fmt then error("load: no format given (call :format(...) first)", 2) end
  local module = FORMAT_MODULES[fmt] or not NOT_FORMATS[fmt] and fmt or nil
  local ok, source = false, "not found"
  if module then ok, source = pcall(require, "tide.sources." .. module) end
  if not ok then
    if tostring(source):find("not found", 1, true) then
      error(("unknown data source format %q"):format(fmt), 2)
    end
    error(source, 2)
  end
  local make = self.streaming and source.stream or source.batch
  if not make then
    error(("format %q cannot be read as a %s"):format(fmt, self.streaming and "stream" or "batch"), 2)
  end
  if source.knownOptions then
    checks.warnMisspelledOptions(fmt .. " source", self.opts, self.spelled, source.knownOptions,
      source.optionPrefix)
  end
  local options = {}
  for k, v in pairs(self.opts) do options[k] = v end
  local user_schema, session = rawget(self, "userSchema"), self.session
  local okk, src = pcall(make, options, user_schema, path, session, extra)
  if not okk then error(src, 2) end
  local named = ({ csv = "CSV", text = "Text" })[fmt]
  for _, f in ipairs(named and src.schema.fields or {}) do
    if f.dataType.void then -- (a void column, all nulls, is no CSV's or text's: Spark's schema check)
      if src.stop then src:stop() end
      error(('[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The %s datasource doesn\'t support the column `%s` of the type'
        .. ' "VOID".'):format(named, f.name), 2)
    end
  end
  local scan = { kind = "scan", schema = src.schema, source = src }
  if self.streaming then
    -- This instance only described the source; each query opens its own.
    src:stop()
    function scan.open() return make(options, user_schema, path, session, extra) end
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

-- PySpark's spark.read.table(name), spark:table(name)'s rows; and
-- spark.readStream.table(name), which reads a temp view of a stream, as
-- Spark's (a view of a batch DataFrame fails with Spark's message).
function Reader:table(name)
  local ok, df = pcall(self.session.table, self.session, name)
  if not ok then error(df, 2) end
  if self.streaming and not df._streaming then
    error(("%s is not a temp view of streaming logical plan, please use batch API such as `DataFrameReader.table`"
      .. " to read it."):format(name), 2)
  end
  return df
end

-- PySpark's spark.read.jdbc(url, table, column=None, lowerBound=None,
-- upperBound=None, numPartitions=None, predicates=None, properties=None),
-- the same read as format("jdbc") with options url and dbtable:
--   spark.read:jdbc(url, "t")
--   spark.read:jdbc(url, "t", { user = "u", password = "p" })   -- properties
--   spark.read:jdbc(url, "t", { properties = { user = "u" }, predicates = { "k < 5", "k >= 5" } })
--   spark.read:jdbc(url, "t", "id", 1, 1000, 4, { user = "u" }) -- column, bounds, partitions
--   spark.read:jdbc(url, "t", { "k < 5", "k >= 5" }, { user = "u" }) -- predicates
--   spark.read:jdbc(url, "t", nil, nil, nil, nil, nil, { user = "u" }) -- PySpark's order, nil for None
-- The table after the positional arguments takes jdbc's parameters by
-- name (column, lowerBound, ..., properties); its other entries are
-- properties, options as in option(key, value). lowerBound, upperBound
-- and numPartitions are the partitioning's only with a column: without
-- one they are options too (PySpark passes properties on as options, and
-- the jdbc source takes numPartitions alone). As in Spark, the
-- properties come first and url and table are set over them.
local JDBC_PARAMS = { "column", "lowerBound", "upperBound", "numPartitions", "predicates", "properties" }
local BOUNDS = { lowerbound = true, upperbound = true, numpartitions = true }

local function is_list(v) return type(v) == "table" and v[1] ~= nil end

local function jdbc_args(url, dbtable, ...)
  for i, v in ipairs({ { "url", url }, { "table", dbtable } }) do
    if type(v[2]) ~= "string" then
      error(("jdbc: argument %d (%s) must be a string, not %s"):format(i, v[1], checks.kindOf(v[2])), 3)
    end
  end
  local n, rest = select("#", ...), { ... }
  local given, keywords = {}, nil
  if type(rest[1]) == "string" or (rest[1] == nil and n > 1 and type(rest[2]) ~= "table") then
    -- column, lowerBound, upperBound, numPartitions, then predicates and
    -- properties (PySpark's order), or one table of both
    for i = 1, 4 do given[JDBC_PARAMS[i]] = rest[i] end
    if n == 5 and is_list(rest[5]) then
      given.predicates = rest[5]
    elseif n <= 5 then
      keywords = rest[5]
    else
      given.predicates, keywords = rest[5], rest[6]
    end
    if n > 6 then error(("jdbc takes at most 8 arguments, not %d"):format(n + 2), 3) end
  elseif is_list(rest[1]) then
    given.predicates, keywords = rest[1], rest[2]
    if n > 2 then error(("jdbc takes at most 4 arguments with a list of predicates, not %d"):format(n + 2), 3) end
  else
    keywords = rest[1]
    if n > 1 then
      error(("jdbc: argument 4 is %s: after url and table come column, lowerBound, upperBound, numPartitions"
        .. " and a table, or one table ({user = ..., password = ...})"):format(checks.kindOf(rest[2])), 3)
    end
  end
  if keywords ~= nil and type(keywords) ~= "table" then
    error(("jdbc: properties must be a table ({user = \"u\", password = \"p\"}), not %s")
      :format(checks.kindOf(keywords)), 3)
  end
  local properties = {}
  local by_name = {}
  for _, p in ipairs(JDBC_PARAMS) do by_name[p:lower()] = p end
  local column = given.column
  for k, v in pairs(keywords or {}) do
    if type(k) == "string" and k:lower() == "column" then column = v end
  end
  for k, v in pairs(keywords or {}) do
    local param = type(k) == "string" and by_name[k:lower()]
    if param and not (column == nil and BOUNDS[k:lower()]) then
      if given[param] ~= nil then error(("jdbc: %s given twice"):format(param), 3) end
      given[param] = v
    elseif type(k) ~= "string" then
      error(("jdbc: a table of properties takes names ({user = \"u\"}), not [%s] = %s"):format(tostring(k),
        tostring(v)), 3)
    else
      properties[k] = v
    end
  end
  if given.properties ~= nil then
    if type(given.properties) ~= "table" then
      error(("jdbc: properties must be a table, not %s"):format(checks.kindOf(given.properties)), 3)
    end
    for k, v in pairs(given.properties) do properties[k] = v end
  end
  for k, v in pairs(properties) do
    if type(v) ~= "string" and type(v) ~= "number" and type(v) ~= "boolean" then
      error(("jdbc: property %s must be a string, number or boolean, not %s"):format(tostring(k),
        checks.kindOf(v)), 3)
    end
  end
  if given.column ~= nil and type(given.column) ~= "string" then
    error(("jdbc: column must be a column name (a string), not %s"):format(checks.kindOf(given.column)), 3)
  end
  for _, p in ipairs({ "lowerBound", "upperBound", "numPartitions" }) do
    local v = given[p]
    if v ~= nil and type(v) ~= "number" and type(v) ~= "string" then
      error(("jdbc: %s must be a number, not %s"):format(p, checks.kindOf(v)), 3)
    end
  end
  return given, properties
end

local function jdbc(self, url, dbtable, ...)
  local given, properties = jdbc_args(url, dbtable, ...)
  self:format("jdbc"):options(properties)
  if given.column ~= nil then
    if given.predicates ~= nil then
      error("jdbc: column and predicates cannot both be given (a read is partitioned by one or the other)", 2)
    end
    for _, p in ipairs({ "lowerBound", "upperBound", "numPartitions" }) do
      if given[p] == nil then error(("jdbc: %s can not be None when column is specified"):format(p), 2) end
    end
    self:option("partitionColumn", given.column):option("lowerBound", given.lowerBound)
      :option("upperBound", given.upperBound):option("numPartitions", given.numPartitions)
  else
    -- (given without a column: options, which the source checks as Spark's)
    for _, p in ipairs({ "lowerBound", "upperBound", "numPartitions" }) do
      if given[p] ~= nil then self:option(p, given[p]) end
    end
  end
  local extra
  if given.predicates ~= nil then
    if type(given.predicates) ~= "table" then
      error(("jdbc: predicates must be a list of conditions ({\"k < 5\", \"k >= 5\"}), not %s")
        :format(checks.kindOf(given.predicates)), 2)
    end
    for i, p in ipairs(given.predicates) do
      if type(p) ~= "string" then
        error(("jdbc: predicate %d must be a string (an SQL condition), not %s"):format(i, checks.kindOf(p)), 2)
      end
    end
    extra = { predicates = given.predicates }
  end
  self:option("url", url):option("dbtable", dbtable)
  return load_path(self, nil, extra)
end

-- The same methods under Spark's two names, each failing clearly when
-- called with '.' (spark.readStream.format("kafka")) or when misspelt
-- (spark.read:formt("csv"): DataFrameReader has no method "formt"; did
-- you mean "format"?). jdbc is spark.read's alone, as in PySpark.
local function is_reader(v)
  local mt = getmetatable(v)
  return mt ~= nil and (mt == StreamReader or mt == BatchReader)
end
local batch_methods = { jdbc = jdbc }
for name, fn in pairs(Reader) do batch_methods[name] = fn end
StreamReader = { __index = checks.strictIndex("DataStreamReader", "method",
  checks.colonCalls("DataStreamReader", "spark.readStream", is_reader, Reader, {})) }
BatchReader = { __index = checks.strictIndex("DataFrameReader", "method",
  checks.colonCalls("DataFrameReader", "spark.read", is_reader, batch_methods, {})) }

return M
