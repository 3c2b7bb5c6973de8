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

local M = {}
local DataFrame = {}
local methods = {}
M.DataFrame = DataFrame
M.methods = methods

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
  if i then return column.wrap { k = "col", name = schema.fields[i].name } end
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

-- select(cols...): column names ("*", "data.*" too) and Columns. A Lua
-- boolean is mostly F.col("k") == 3, which Lua answered itself.
function methods:select(...)
  local nodes = {}
  for i, c in ipairs(arglist("select", ...)) do
    if type(c) == "boolean" then error(checks.luaBoolean("select takes column names or Columns", c), 2) end
    if type(c) ~= "string" and not column.isColumn(c) then
      error(("select takes column names or Columns (F.lit(v) for a value), not %s"):format(kind_of(c)), 2)
    end
    nodes[i] = column.colNode(c)
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
    apply = function(batch, ctx) return eval().filter(batch, pred, ctx) end,
  })
end
methods.where = methods.filter

-- Every column of df, by name, except the one at `replaced` (a 1-based
-- index), which becomes `node`; node is added last when replaced is nil.
local function with_column_nodes(df, replaced, node)
  local nodes = {}
  for i, field in ipairs(df._plan.schema.fields) do
    nodes[i] = i == replaced and node or { k = "col", name = field.name }
  end
  if not replaced then nodes[#nodes + 1] = node end
  return nodes
end

-- withColumn(name, col): the column of that name (resolved as in
-- expressions, so "K" replaces k, as Spark's) replaced in place, or added.
function methods:withColumn(name, col)
  if type(name) ~= "string" then error(("withColumn needs a column name first, not %s"):format(kind_of(name)), 2) end
  if type(col) == "boolean" then error(checks.luaBoolean("withColumn needs a Column", col), 2) end
  if not column.isColumn(col) then
    error(("withColumn needs a Column (F.lit(v) for a value), not %s"):format(kind_of(col)), 2)
  end
  local existing = ops.resolve(self._plan.schema, name, 2)
  return projection(self, with_column_nodes(self, existing, { k = "alias", expr = col.node, name = name }))
end

-- withColumnRenamed(existing, new): as Spark's, a no-op when no column
-- has the name.
function methods:withColumnRenamed(existing, new_name)
  if type(existing) ~= "string" or type(new_name) ~= "string" then
    error(("withColumnRenamed needs two column names, not %s and %s"):format(kind_of(existing), kind_of(new_name)), 2)
  end
  local schema = self._plan.schema
  local i = ops.resolve(schema, existing, 2)
  if not i then return self end
  local renamed = { k = "alias", expr = { k = "col", name = schema.fields[i].name }, name = new_name }
  return projection(self, with_column_nodes(self, i, renamed))
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
  local nodes = with_column_nodes(self, nil, nil)
  for _, p in ipairs(pairs_list) do
    local node = { k = "alias", expr = p[2].node, name = p[1] }
    local existing = ops.resolve(self._plan.schema, p[1], 2)
    if existing then nodes[existing] = node else nodes[#nodes + 1] = node end
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
  local nodes = with_column_nodes(self, nil, nil)
  for existing, new_name in pairs(map) do
    if type(existing) ~= "string" or type(new_name) ~= "string" then
      error(("withColumnsRenamed needs column names, not %s = %s"):format(kind_of(existing), kind_of(new_name)), 2)
    end
    local i = ops.resolve(schema, existing, 2)
    if i then nodes[i] = { k = "alias", expr = { k = "col", name = schema.fields[i].name }, name = new_name } end
  end
  return projection(self, nodes)
end

-- drop(cols...): names or F.col(name)s; as Spark's, a name no column has
-- is skipped.
function methods:drop(...)
  local schema = self._plan.schema
  local dropped = {}
  for _, c in ipairs(arglist("drop", ...)) do
    if column.isColumn(c) then
      if c.node.k ~= "col" then error("drop takes column names or col() references", 2) end
      c = c.node.name
    end
    if type(c) ~= "string" then error(("drop takes column names or col() references, not %s"):format(kind_of(c)), 2) end
    local i = ops.resolve(schema, c, 2)
    if i then dropped[i] = true end
  end
  local nodes = {}
  for i, field in ipairs(schema.fields) do
    if not dropped[i] then nodes[#nodes + 1] = { k = "col", name = field.name } end
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
-- (tide.stateful_aggregate, stateful_dedup) drop late rows and let go of
-- what it passed. Without state, as in Spark, it changes nothing.
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
  if t ~= T.timestamp then
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
  -- (tide.streaming) that a streaming aggregation finalizes and evicts by.
  local column_index, name = i - 1, schema.fields[i].name
  return derive(self, {
    kind = "watermark",
    schema = schema,
    watermark = { column = name, delayMs = delay_ms },
    explain = ("EventTimeWatermark %s, %s"):format(name, delayThreshold),
    apply = function(batch, ctx)
      local latest = ffi.new("int64_t[1]")
      if C.tide_latest_time(batch.columns[column_index], batch:count(), latest) ~= 0 then
        local ms = math.floor(tonumber(latest[0]) / 1000)
        ctx.maxEventTimeMs = math.max(ctx.maxEventTimeMs or ms, ms)
      end
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

-- ---- na ----------------------------------------------------------------------

local NaFunctions = {} -- its __index is set with its methods, below
M.NaFunctions = NaFunctions

-- The 1-based indices of the columns `subset` names (a name or a list of
-- names), resolved as in expressions; a name no column has is an error at
-- the line that called `what`'s method (level 3 from here), as Spark's.
local function subset_indices(schema, subset, what)
  if type(subset) == "string" then subset = { subset } end
  if type(subset) ~= "table" then
    error(("%s: subset must be a column name or a list of them, not %s"):format(what, kind_of(subset)), 3)
  end
  local indices = {}
  for k, name in ipairs(subset) do
    local i = type(name) == "string" and ops.resolve(schema, name, 3)
    if not i then
      error(("%s: cannot resolve column %s (columns: %s)"):format(what,
        type(name) == "string" and ("%q"):format(name) or tostring(name), table.concat(schema:fieldNames(), ", ")), 3)
    end
    indices[k] = i
  end
  return indices
end

-- drop(how = "any" | "all", thresh, subset): rows with nulls go away;
-- thresh keeps rows with at least that many non-null values.
function NaFunctions:drop(how, thresh, subset)
  if type(how) == "table" then how, thresh, subset = how.how, how.thresh, how.subset end
  local df = self.df
  local schema = df._plan.schema
  local indices = {}
  if subset == nil then
    for i = 1, #schema.fields do indices[i] = i end
  else
    indices = subset_indices(schema, subset, "na.drop")
  end
  how = how or "any"
  if how ~= "any" and how ~= "all" then error("na.drop: how must be 'any' or 'all'", 2) end
  thresh = thresh or (how == "any" and #indices or 1)
  -- As Spark: a filter on AtLeastNNonNulls (NaN counts as null), one C
  -- kernel counting over every column at once.
  local exprs = {}
  for k, i in ipairs(indices) do exprs[k] = { k = "col", name = schema.fields[i].name } end
  if #exprs == 0 then return df end
  return df:filter(column.wrap { k = "atleastnnonnulls", n = thresh, exprs = exprs })
end

local NUMERIC = { [T.ID.int] = true, [T.ID.long] = true, [T.ID.float] = true, [T.ID.double] = true,
                  [T.ID.decimal] = true }
local FILL_KINDS = { number = true, string = true, boolean = true }

-- Whether fill(value) fills a column of type t: numbers fill numeric
-- columns, strings string columns, booleans boolean columns (Spark's
-- fillValue).
local function fills(value, t)
  local kind = type(value)
  return (kind == "number" and NUMERIC[t.id]) or (kind == "string" and t.id == T.ID.string)
    or (kind == "boolean" and t.id == T.ID.boolean)
end

-- fill(value, [subset]) or fill({column = value}): as Spark's na.fill, the
-- nulls of the columns, and the NaNs of float and double ones, become the
-- value cast to the column's type: coalesce(nanvl(c, NULL), value), as
-- DataFrameNaFunctions.fillCol, one projection of C kernels. A single
-- value fills the columns of its kind (fills above) among subset (every
-- column by default); a table's values fill their own columns, whatever
-- their kind (Spark's fill(Map)), and subset is not used with it.
function NaFunctions:fill(value, subset)
  local df = self.df
  local schema = df._plan.schema
  local fill_of = {} -- the value of each column filled, by 1-based index
  if type(value) == "table" then
    for name, v in pairs(value) do
      if not FILL_KINDS[type(v)] then
        error(("na.fill: the value of %s must be a number, string or boolean, not %s"):format(tostring(name),
          kind_of(v)), 2)
      end
      fill_of[subset_indices(schema, { name }, "na.fill")[1]] = v
    end
  else
    if not FILL_KINDS[type(value)] then
      error(("na.fill: value must be a number, string, boolean or a table {column = value}, not %s")
        :format(kind_of(value)), 2)
    end
    local wanted
    if subset ~= nil then
      wanted = {}
      for _, i in ipairs(subset_indices(schema, subset, "na.fill")) do wanted[i] = true end
    end
    for i, f in ipairs(schema.fields) do
      if (not wanted or wanted[i]) and fills(value, f.dataType) then fill_of[i] = value end
    end
  end
  local nodes = {}
  for i, f in ipairs(schema.fields) do
    local node, v = { k = "col", name = f.name }, fill_of[i]
    if v ~= nil then
      if f.dataType.id == T.ID.double or f.dataType.id == T.ID.float then
        node = { k = "call", fn = "nanvl", args = { node, { k = "lit", value = nil, type = f.dataType } } }
      end
      node = { k = "alias", name = f.name, expr = { k = "call", fn = "coalesce", args = { node,
        { k = "cast", to = f.dataType, expr = { k = "lit", value = v } } } } }
    end
    nodes[i] = node
  end
  return projection(df, nodes)
end

-- PySpark's DataFrame.dropna and fillna are df.na's drop and fill.
function methods:dropna(...) return self.na:drop(...) end
function methods:fillna(...) return self.na:fill(...) end

-- ---- running a plan over batches (tide.execution) -------------------------------

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
  self:limit(n + 1):toBatch():show(n, truncate, vertical)
end

function methods:printSchema() io.write(self._plan.schema:treeString()) end

-- ---- explain ----------------------------------------------------------------------

local function column_list(schema) return "[" .. table.concat(schema:fieldNames(), ", ") .. "]" end

-- One line for an operator, in the words of Spark's plans where tide's
-- operators are Spark's; operators say it themselves (op.explain) when
-- they know more than their kind.
local function describe_op(op)
  if op.explain then return op.explain end
  if op.kind == "union" then return "Union" end
  if not op.child then
    local src = op.source
    return ((src and src.description) or op.kind or "Scan") .. " " .. column_list(op.schema)
  end
  if op.kind == "project" and op.compiled then
    local sql = require("tide.sql")
    local items = {}
    for i, c in ipairs(op.compiled) do
      local node = c.node
      if node.k == "alias" then
        items[i] = sql.toString(node.expr) .. " AS " .. c.name
      else
        local text = sql.toString(node)
        items[i] = text == c.name and text or text .. " AS " .. c.name
      end
    end
    return "Project [" .. table.concat(items, ", ") .. "]"
  end
  -- Operators of other modules (ML stages): what they are, and the columns
  -- they add to their input's.
  local what = op.kind
  if op.fusedFrom then
    local uids = {}
    for i, o in ipairs(op.fusedFrom) do uids[i] = o.stage and o.stage.uid or o.kind end
    what = "FusedScorer(" .. table.concat(uids, ", ") .. ")"
  elseif op.stage and op.stage.uid then
    what = op.stage.uid
  end
  local added = {}
  for i = #op.child.schema.fields + 1, #op.schema.fields do added[#added + 1] = op.schema.fields[i].name end
  return #added > 0 and what .. " +[" .. table.concat(added, ", ") .. "]" or what
end

local function plan_lines(op, out, lead, indent)
  out[#out + 1] = lead .. describe_op(op)
  local children = op.left and op.right and { op.left, op.right } or { op.child }
  for i, child in ipairs(children) do
    local last = i == #children
    plan_lines(child, out, indent .. (last and "+- " or ":- "), indent .. (last and "   " or ":  "))
  end
end

local function plan_text(plan)
  local out = {}
  plan_lines(plan, out, "", "")
  return table.concat(out, "\n") .. "\n"
end

-- explain(): the plan that runs (after tide.optimizer's rewrites), one
-- operator a line, top first, as Spark's tree; explain(true),
-- explain("extended") or explain{extended = true} print the plan as built
-- before it. Spark's other modes (codegen, cost, formatted) have nothing
-- of tide's to show.
function methods:explain(extended, mode)
  if type(extended) == "table" then extended, mode = extended.extended, extended.mode end
  if type(extended) == "string" then extended, mode = nil, extended end
  mode = mode and tostring(mode):lower() or (extended and "extended" or "simple")
  if mode ~= "simple" and mode ~= "extended" then
    error(("explain: mode %q is not supported (simple or extended)"):format(mode), 2)
  end
  local run = require("tide.optimizer").optimize(self._plan)
  local text = "== Physical Plan ==\n" .. plan_text(run)
  if mode == "extended" then text = "== Logical Plan ==\n" .. plan_text(self._plan) .. "\n" .. text end
  io.write(text, "\n")
end

function methods:createOrReplaceTempView(name)
  self._session:registerTable(name, self)
end

ops.install(M)
aggregates.install(M)
require("tide.dataframe_sets").install(M)
require("tide.dataframe_join").install(M)

checks.colonCalls("DataFrame", "df", function(v) return getmetatable(v) == DataFrame end, methods)
checks.colonCalls("DataFrameNaFunctions", "df.na", function(v) return getmetatable(v) == NaFunctions end,
  NaFunctions)
NaFunctions.__index = checks.strictIndex("DataFrameNaFunctions", "method", NaFunctions)

return M
