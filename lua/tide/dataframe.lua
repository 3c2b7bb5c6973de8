-- tide.dataframe — DataFrame, PySpark's shape over tide's columnar batches.
--
-- A DataFrame is a logical plan (a chain of operators over one source) and
-- the schema it produces. Transformations return new DataFrames and check
-- their expressions at once (an unknown column fails where it is named, as
-- Spark's analysis does); nothing reads data until an action (count, show,
-- collect) on a batch DataFrame, or writeStream:start() on a streaming one.
--
-- Every operator is { child = plan, schema = T.struct, apply = function(batch,
-- ctx) -> batch }; a scan is { source = src, schema = ... } whose source reads
-- batches. ctx carries the counters of the batch in flight (malformed and
-- dropped rows) and the operators' state across batches of a stream.
--
-- Here: the properties, the projections (select, withColumn, drop, ...),
-- filter, withWatermark, limit, offset, the actions and the temp views;
-- the other groups of methods are installed at the end from their modules
-- (tide.dataframe_ops, _aggregate, _sets, _join, _na, _explain, _unpivot,
-- _convert, _plan).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")
-- The evaluator is loaded when an expression is first compiled, so that
-- plans of scans alone (and the modules building them) need not load it.
local function eval() return require("tide.eval") end
local batchlib = require("tide.batch")
local ops = require("tide.dataframe_ops")
local aggregates = require("tide.dataframe_aggregate")
local na = require("tide.dataframe_na")
local lineage = require("tide.lineage")

local M = {}
local DataFrame = {}
local methods = {}
M.DataFrame = DataFrame
M.methods = methods
M.NaFunctions = na.NaFunctions

local function new(session, plan, streaming)
  return setmetatable({ _session = session, _plan = plan, _streaming = streaming or false }, DataFrame)
end
M.new = new

-- ---- properties (PySpark's df.schema, df.columns, df.na, df.write, ...) --------

local properties = {
  schema = function(df) return df._plan.schema end,
  columns = function(df) return df._plan.schema:fieldNames() end,
  dtypes = function(df)
    local out = {}
    for i, f in ipairs(df._plan.schema.fields) do out[i] = { f.name, f.dataType:simpleString() } end
    return out
  end,
  isStreaming = function(df) return df._streaming end,
  na = function(df) return setmetatable({ df = df }, M.NaFunctions) end,
  writeStream = function(df) return require("tide.stream_writer").new(df) end,
  write = function(df) return require("tide.writer").DataFrameWriter(df) end,
  sparkSession = function(df) return df._session end,
}
M.properties = properties

-- df.colname and df["colname"] are Columns (the name resolved as in
-- expressions); any other name is an error at the line that wrote it, as
-- PySpark's AttributeError, rather than a nil that fails later as "attempt
-- to call method". Names starting with "_" are the object's own fields.
DataFrame.__index = function(df, key)
  local m = methods[key]
  if m then return m end
  local p = properties[key]
  if p then return p(df) end
  if type(key) ~= "string" or key:sub(1, 1) == "_" then return nil end
  local schema = df._plan.schema
  local i, ambiguous = schema:resolveField(key)
  if ambiguous then error(ambiguous, 2) end
  if i then return column.wrap { k = "col", name = schema.fields[i].name, from = lineage.ref(df._plan) } end
  local known = schema:fieldNames()
  for name in pairs(methods) do known[#known + 1] = name end
  for name in pairs(properties) do known[#known + 1] = name end
  checks.noSuchMember("DataFrame", "method or column", key, known,
    "columns: " .. table.concat(schema:fieldNames(), ", "))
end

DataFrame.__tostring = function(df)
  local parts = {}
  for i, f in ipairs(df._plan.schema.fields) do parts[i] = f.name .. ": " .. f.dataType:simpleString() end
  return "DataFrame[" .. table.concat(parts, ", ") .. "]"
end

-- ---- building plans ------------------------------------------------------------

local function check(ok, err, level)
  if not ok then error(err, (level or 1) + 2) end
  return err
end

local function derive(df, op)
  op.child = df._plan
  return new(df._session, op, df._streaming)
end

-- A Project of nodes over df. Its callers tail-call it (return
-- projection(...)), so that level 2 is the line that called the
-- DataFrame method, where an expression's error is raised.
local function projection(df, nodes)
  -- Window expressions: computed by window operators first (tide.window).
  if require("tide.window").hasWindow(nodes) then return require("tide.window").project(df, nodes) end
  -- explode and its kin: rows per element (tide.generate).
  if require("tide.generate").has(nodes) then return require("tide.generate").project(df, nodes, derive) end
  local ok, compiled = pcall(eval().compileSelect, nodes, df._plan.schema)
  if not ok then error(compiled, 2) end
  return derive(df, {
    kind = "project",
    schema = compiled.schema,
    compiled = compiled, -- what tide.optimizer reads
    apply = function(batch, ctx) return eval().project(batch, compiled, ctx) end,
  })
end

-- Arguments as a list: f(a, b) and f({a, b}) alike.
local arglist = ops.arglist

local kind_of = checks.kindOf

-- df:colRegex's Column: the columns of schema whose names match its
-- pattern (whole names, case-insensitively, as Spark's UnresolvedRegex).
local function regex_columns(node, schema)
  local names = schema:fieldNames()
  local matched = {}
  for _, name in ipairs(require("tide.catalog").matchNames(names, node.pattern, "colRegex")) do
    matched[name] = true
  end
  local out = {}
  for i, name in ipairs(names) do
    if matched[name] then out[#out + 1] = { k = "col", name = name, index = i - 1 } end
  end
  return out
end

-- select(cols...): column names ("*", "data.*" too) and Columns. A Lua
-- boolean is mostly F.col("k") == 3, which Lua answered itself.
function methods:select(...)
  local nodes = {}
  for _, c in ipairs(arglist("select", ...)) do
    if type(c) == "boolean" then error(checks.luaBoolean("select takes column names or Columns", c), 2) end
    if type(c) ~= "string" and not column.isColumn(c) then
      error(("select takes column names or Columns (F.lit(v) for a value), not %s"):format(kind_of(c)), 2)
    end
    if column.isColumn(c) and c.node.k == "colregex" then
      for _, node in ipairs(regex_columns(c.node, self._plan.schema)) do nodes[#nodes + 1] = node end
    else
      nodes[#nodes + 1] = column.colNode(c)
    end
  end
  if aggregates.hasAggregate(nodes) then return aggregates.selectAggregates(self, nodes) end
  return projection(self, nodes)
end

function methods:selectExpr(...)
  local sql = require("tide.sql")
  local nodes = {}
  for i, text in ipairs(arglist("selectExpr", ...)) do
    nodes[i] = check(pcall(sql.parseNamedExpression, text))
  end
  if aggregates.hasAggregate(nodes) then return aggregates.selectAggregates(self, nodes) end
  return projection(self, nodes)
end

local function condition_node(cond)
  if type(cond) == "string" then return require("tide.sql").parseExpression(cond) end
  if column.isColumn(cond) then return cond.node end
  if type(cond) == "boolean" then
    error(checks.luaBoolean("filter needs a Column or a SQL string", cond, "or a SQL string such as \"v = 'x'\""), 0)
  end
  error(("filter needs a Column or a SQL string, not %s"):format(kind_of(cond)), 0)
end

function methods:filter(cond)
  local node = check(pcall(condition_node, cond))
  local pred = check(pcall(eval().compile, node, self._plan.schema))
  if pred.type ~= T.boolean then
    error(("filter condition %s is %s, not boolean"):format(pred.name, pred.type:simpleString()), 2)
  end
  return derive(self, {
    kind = "filter",
    schema = self._plan.schema,
    explain = "Filter " .. pred.name,
    predicate = pred, -- what tide.optimizer reads (partition pruning)
    apply = function(batch, ctx) return eval().filter(batch, pred, ctx) end,
  })
end
methods.where = methods.filter

-- Every column of df, by position (names may repeat after a join).
local function column_nodes(df)
  local nodes = {}
  for i, field in ipairs(df._plan.schema.fields) do nodes[i] = { k = "col", name = field.name, index = i - 1 } end
  return nodes
end

-- The indices of the columns of a name (as fieldsNamed finds them: "K" is
-- k): after a join, both columns of one name. Two names that differ only
-- in case fail as ambiguous at `level` (1: columns_named's caller).
local function columns_named(schema, name, level)
  local named = schema:fieldsNamed(name)
  if #named > 1 and schema.fields[named[1]].name ~= name then
    local _, ambiguous = schema:resolveField(name)
    error(ambiguous, level + 1)
  end
  return named
end

-- The columns of nodes (column_nodes) of the name become make(); none
-- has it: one is added. As Spark's withColumn, after a join that gave two
-- columns the name both are replaced. Errors at the caller's caller.
local function set_named(nodes, schema, name, make)
  local named = columns_named(schema, name, 3)
  if #named == 0 then nodes[#nodes + 1] = make() end
  for _, i in ipairs(named) do nodes[i] = make() end
end

-- withColumn(name, col): the column of that name (resolved as in
-- expressions, so "K" replaces k, as Spark's) replaced in place, or added.
function methods:withColumn(name, col)
  if type(name) ~= "string" then error(("withColumn needs a column name first, not %s"):format(kind_of(name)), 2) end
  if type(col) == "boolean" then error(checks.luaBoolean("withColumn needs a Column", col), 2) end
  if not column.isColumn(col) then
    error(("withColumn needs a Column (F.lit(v) for a value), not %s"):format(kind_of(col)), 2)
  end
  if col.node.k == "colregex" then
    error("withColumn: colRegex's Column stands for columns of a regex; select them with df:select", 2)
  end
  local nodes = column_nodes(self)
  set_named(nodes, self._plan.schema, name, function() return { k = "alias", expr = col.node, name = name } end)
  return projection(self, nodes)
end

-- withColumnRenamed(existing, new): as Spark's, a no-op when no column
-- has the name.
function methods:withColumnRenamed(existing, new_name)
  if type(existing) ~= "string" or type(new_name) ~= "string" then
    error(("withColumnRenamed needs two column names, not %s and %s"):format(kind_of(existing), kind_of(new_name)), 2)
  end
  local named = columns_named(self._plan.schema, existing, 2)
  if #named == 0 then return self end
  local nodes = column_nodes(self)
  for _, i in ipairs(named) do nodes[i] = { k = "alias", expr = nodes[i], name = new_name } end
  return projection(self, nodes)
end

-- withColumns({name = col, ...}) (PySpark's dict), or a list of {name,
-- col} pairs to give the new columns' order (a Lua table has none: new
-- columns of the map form come in name order). Every column is computed
-- from df's columns, as in Spark, not from the others given.
function methods:withColumns(map)
  if type(map) ~= "table" or column.isColumn(map) then
    error(("withColumns needs a table {name = Column, ...}, not %s"):format(kind_of(map)), 2)
  end
  local pairs_list = {}
  if map[1] ~= nil then
    for i, p in ipairs(map) do
      if type(p) ~= "table" or type(p[1]) ~= "string" or not column.isColumn(p[2]) then
        error(("withColumns: entry %d is not a {name, Column} pair"):format(i), 2)
      end
      pairs_list[i] = p
    end
  else
    for name, c in pairs(map) do
      if type(name) ~= "string" or not column.isColumn(c) then
        error(("withColumns: %s = %s is not a column name and a Column"):format(tostring(name), kind_of(c)), 2)
      end
      pairs_list[#pairs_list + 1] = { name, c }
    end
    table.sort(pairs_list, function(a, b) return a[1] < b[1] end)
  end
  local nodes = column_nodes(self)
  for _, p in ipairs(pairs_list) do
    set_named(nodes, self._plan.schema, p[1], function() return { k = "alias", expr = p[2].node, name = p[1] } end)
  end
  return projection(self, nodes)
end

-- withColumnsRenamed({existing = new, ...}): each rename as
-- withColumnRenamed's, all at once.
function methods:withColumnsRenamed(map)
  if type(map) ~= "table" or column.isColumn(map) then
    error(("withColumnsRenamed needs a table {existing = new, ...}, not %s"):format(kind_of(map)), 2)
  end
  local schema = self._plan.schema
  local nodes = column_nodes(self)
  for existing, new_name in pairs(map) do
    if type(existing) ~= "string" or type(new_name) ~= "string" then
      error(("withColumnsRenamed needs column names, not %s = %s"):format(kind_of(existing), kind_of(new_name)), 2)
    end
    for _, i in ipairs(columns_named(schema, existing, 2)) do
      nodes[i] = { k = "alias", expr = { k = "col", name = schema.fields[i].name, index = i - 1 }, name = new_name }
    end
  end
  return projection(self, nodes)
end

-- drop(cols...): names or F.col(name)s; as Spark's, a name no column has
-- is skipped, and a name drops every column of that name (after a join,
-- df.x drops the one of df's side).
function methods:drop(...)
  local schema = self._plan.schema
  local dropped = {}
  for _, c in ipairs(arglist("drop", ...)) do
    local indices
    if column.isColumn(c) then
      if c.node.k ~= "col" then error("drop takes column names or col() references", 2) end
      indices = { ops.resolve(schema, c.node.name, 2, c.node.from) }
    elseif type(c) == "string" then
      indices = columns_named(schema, c, 2)
    else
      error(("drop takes column names or col() references, not %s"):format(kind_of(c)), 2)
    end
    for _, i in ipairs(indices) do dropped[i] = true end
  end
  local nodes = {}
  for i, field in ipairs(schema.fields) do
    if not dropped[i] then nodes[#nodes + 1] = { k = "col", name = field.name, index = i - 1 } end
  end
  return projection(self, nodes)
end

-- toDF(names...): every column renamed, in order (PySpark's toDF(*cols)).
function methods:toDF(...)
  local names = arglist("toDF", ...)
  for i, name in ipairs(names) do
    if type(name) ~= "string" then
      error(("toDF: column name %d must be a string, not a %s"):format(i, type(name)), 2)
    end
  end
  local fields = self._plan.schema.fields
  if #names ~= #fields then
    error(("toDF: the number of columns doesn't match: old column names (%d): %s; new column names (%d): %s")
      :format(#fields, table.concat(self.columns, ", "), #names, table.concat(names, ", ")), 2)
  end
  -- By position: two columns of one name (after a join) keep their own
  -- values.
  local nodes = {}
  for i, f in ipairs(fields) do
    nodes[i] = { k = "alias", expr = { k = "col", name = f.name, index = i - 1 }, name = names[i] }
  end
  return projection(self, nodes)
end

function methods:alias(name)
  local df = new(self._session, self._plan, self._streaming)
  df._alias = name
  return df
end

-- withWatermark(eventTime, delayThreshold), checked as Spark checks it
-- (a timestamp column, a delay such as "10 minutes"): an operator that
-- passes the rows and records the batch's latest event time, from which
-- the query moves its watermark; stateful operators over that column
-- (tide.stateful_aggregate, stateful_dedup, stream_join) drop late rows
-- and let go of what it passed. Without state, as in Spark, it changes
-- nothing.
function methods:withWatermark(eventTime, delayThreshold)
  if type(eventTime) ~= "string" then
    error(("withWatermark needs the name of the event time column, not %s"):format(kind_of(eventTime)), 2)
  end
  local schema = self._plan.schema
  local i = ops.resolve(schema, eventTime, 2)
  if not i then
    error(("withWatermark: cannot resolve column %q (columns: %s)"):format(eventTime,
      table.concat(schema:fieldNames(), ", ")), 2)
  end
  local t = schema.fields[i].dataType
  if t ~= T.timestamp and not t.ntz then -- (a TIMESTAMP_NTZ too: its microseconds, as Spark's)
    error(("withWatermark: the event time column must be a timestamp, but %s is %s"):format(
      schema.fields[i].name, t:simpleString()), 2)
  end
  local ok, delay_ms = false, nil
  if type(delayThreshold) == "string" then
    ok, delay_ms = pcall(require("tide.stream_writer").parseInterval, delayThreshold)
  end
  if not ok then
    error(("withWatermark: the delay must be an interval such as \"10 minutes\", not %s"):format(
      type(delayThreshold) == "string" and ("%q"):format(delayThreshold) or kind_of(delayThreshold)), 2)
  end
  -- The rows pass as they are; the batch's latest event time is kept in
  -- the batch's context, from which the query moves its watermark
  -- (tide.streaming_batch) that a streaming aggregation finalizes and
  -- evicts by.
  local column_index, name = i - 1, schema.fields[i].name
  local latest_time = require("tide.state_store").latestTimeMs
  return derive(self, {
    kind = "watermark",
    schema = schema,
    watermark = { column = name, delayMs = delay_ms },
    explain = ("EventTimeWatermark %s, %s"):format(name, delayThreshold),
    apply = function(batch, ctx)
      local ms = latest_time(batch, column_index)
      if ms then ctx.maxEventTimeMs = math.max(ctx.maxEventTimeMs or ms, ms) end
      return batch
    end,
  })
end

-- transform(fn, ...): fn(df, ...), PySpark's way to chain a job's own steps.
function methods:transform(fn, ...)
  if type(fn) ~= "function" then error(("transform needs a function, not %s"):format(kind_of(fn)), 2) end
  local result = fn(self, ...)
  if getmetatable(result) ~= DataFrame then
    error(("transform: the function must return a DataFrame, not %s"):format(kind_of(result)), 2)
  end
  return result
end

-- The first n rows; on a stream, the first n rows of the whole stream.
function methods:limit(n)
  if type(n) ~= "number" or n < 0 or n ~= math.floor(n) then error("limit needs a whole number >= 0", 2) end
  return derive(self, {
    kind = "limit",
    schema = self._plan.schema,
    explain = "Limit " .. n,
    apply = function(batch, ctx)
      local state = ctx.state
      local left = n - (state.emitted or 0)
      local rows = batch:count()
      if rows <= left then
        state.emitted = (state.emitted or 0) + rows
        return batch
      end
      state.emitted = n
      return batchlib.wrap(C.tide_batch_slice(batch, 0, math.max(left, 0)), "out of memory in limit")
    end,
  })
end

-- offset(n): the rows after the first n (Spark 3.4); batch DataFrames
-- only, as Spark's.
function methods:offset(n)
  if type(n) ~= "number" or n < 0 or n ~= math.floor(n) then
    error(("offset needs a whole number >= 0, not %s"):format(tostring(n)), 2)
  end
  if self._streaming then error("Offset is not supported on streaming DataFrames/Datasets", 2) end
  return derive(self, {
    kind = "offset",
    schema = self._plan.schema,
    explain = "Offset " .. n,
    apply = function(batch, ctx)
      local state = ctx.state
      local skip = n - (state.skipped or 0)
      local rows = batch:count()
      if skip <= 0 then return batch end
      state.skipped = (state.skipped or 0) + math.min(skip, rows)
      if rows <= skip then return batchlib.wrap(C.tide_batch_slice(batch, 0, 0), "out of memory in offset") end
      return batchlib.wrap(C.tide_batch_slice(batch, skip, rows - skip), "out of memory in offset")
    end,
  })
end

-- colRegex(colName): with the name in backquotes, a Column standing for
-- the columns whose names match it as a Java regex (select expands it);
-- otherwise the column of that name, as Spark's.
function methods:colRegex(name)
  if type(name) ~= "string" then error(("colRegex needs a string, not %s"):format(kind_of(name)), 2) end
  local pattern = name:match("^`(.+)`$")
  if not pattern then
    local i = ops.resolve(self._plan.schema, name, 2)
    if not i then
      error(("colRegex: cannot resolve column %q (columns: %s)"):format(name,
        table.concat(self._plan.schema:fieldNames(), ", ")), 2)
    end
    return column.wrap { k = "col", name = self._plan.schema.fields[i].name, from = lineage.ref(self._plan) }
  end
  return column.wrap { k = "colregex", pattern = pattern }
end

local execution = require("tide.execution")

-- ---- actions ---------------------------------------------------------------------

local function batch_only(df, action)
  if df._streaming then
    error(("Queries with streaming sources must be executed with writeStream:start() (%s)"):format(action), 3)
  end
end

-- The whole result as one batch (tide's own action; collect() for Lua values).
function methods:toBatch()
  batch_only(self, "toBatch")
  local ctx = execution.context(nil, execution.sliceRows(self._session))
  return execution.execute(self._plan, ctx)
end

function methods:count()
  batch_only(self, "count")
  -- A foreachBatch DataFrame over a micro-batch made in pieces counts them
  -- one by one: joined, they would be a copy of the whole batch.
  local piece = execution.piecesOf(self._plan)
  if piece then
    local n, k = 0, 1
    while true do
      local b = piece(k)
      if not b then return n end
      n, k = n + b:count(), k + 1
    end
  end
  return self:toBatch():count()
end

function methods:collect()
  batch_only(self, "collect")
  return self:toBatch():collect()
end

function methods:take(n) return self:limit(n):collect() end
function methods:head(n) return n and self:take(n) or self:take(1)[1] end
function methods:first() return self:take(1)[1] end
function methods:isEmpty() return #self:take(1) == 0 end

-- show(n, truncate, vertical), or PySpark's keywords as a table:
-- show{n = 5, truncate = false, vertical = true} (tide.show arguments).
function methods:show(...)
  batch_only(self, "show")
  local n, truncate, vertical = require("tide.show").arguments(...)
  -- The extra row only tells show that more rows exist.
  -- (an interval shown as its text: tide.interval_values)
  require("tide.interval_values").shown(self):limit(n + 1):toBatch():show(n, truncate, vertical)
end

function methods:printSchema() io.write(self._plan.schema:treeString()) end

-- Temp views (createOrReplaceTempView, createTempView, the global ones):
-- tide.catalog's.

ops.install(M)
aggregates.install(M)
require("tide.dataframe_sets").install(M)
require("tide.dataframe_join").install(M)
na.install(M, projection)
require("tide.dataframe_explain").install(M)
require("tide.dataframe_stat").install(M)
require("tide.observation").install(M)
require("tide.dataframe_unpivot").install(M)
require("tide.dataframe_convert").install(M)
require("tide.dataframe_plan").install(M)
require("tide.catalog").install(M)

checks.colonCalls("DataFrame", "df", function(v) return getmetatable(v) == DataFrame end, methods)

return M
