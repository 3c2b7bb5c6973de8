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
local C = require("tide.ffi")
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")
-- The evaluator is loaded when an expression is first compiled, so that
-- plans of scans alone (and the modules building them) need not load it.
local function eval() return require("tide.eval") end
local batchlib = require("tide.batch")

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

DataFrame.__index = function(df, key)
  local m = methods[key]
  if m then return m end
  local p = properties[key]
  if p then return p(df) end
  if type(key) == "string" and df._plan.schema:fieldIndex(key) then
    return column.wrap { k = "col", name = key }
  end
  return nil
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

local function projection(df, nodes, level)
  local ok, compiled = pcall(eval().compileSelect, nodes, df._plan.schema)
  check(ok, compiled, level + 1)
  return derive(df, {
    kind = "project",
    schema = compiled.schema,
    compiled = compiled, -- what tide.optimizer reads
    apply = function(batch, ctx) return eval().project(batch, compiled, ctx) end,
  })
end

-- Arguments as a list: f(a, b) and f({a, b}) alike.
local function arglist(...)
  local first = ...
  if select("#", ...) == 1 and type(first) == "table" and not column.isColumn(first) then return first end
  return { ... }
end

function methods:select(...)
  local nodes = {}
  for i, c in ipairs(arglist(...)) do nodes[i] = column.colNode(c) end
  return projection(self, nodes, 1)
end

function methods:selectExpr(...)
  local sql = require("tide.sql")
  local nodes = {}
  for i, text in ipairs(arglist(...)) do
    nodes[i] = check(pcall(sql.parseNamedExpression, text))
  end
  return projection(self, nodes, 1)
end

local function condition_node(cond)
  if type(cond) == "string" then return require("tide.sql").parseExpression(cond) end
  if column.isColumn(cond) then return cond.node end
  if type(cond) == "boolean" then
    -- F.col("v") == "x" is Lua's own comparison, which yields a boolean.
    error(("filter needs a Column or a SQL string, not the boolean %s: Lua's == and ~= cannot build a Column;"
      .. " write F.col(\"v\"):eq(\"x\") (or :ne, :lt, :le, :gt, :ge) or a SQL string such as \"v = 'x'\"")
      :format(tostring(cond)), 0)
  end
  error(("filter needs a Column or a SQL string, not %s"):format(cond == nil and "nil" or "a " .. type(cond)), 0)
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

local function all_columns_except(df, skip)
  local nodes = {}
  for _, name in ipairs(df._plan.schema:fieldNames()) do
    if not skip[name] then nodes[#nodes + 1] = { k = "col", name = name } end
  end
  return nodes
end

function methods:withColumn(name, col)
  if not column.isColumn(col) then error("withColumn needs a Column", 2) end
  local nodes, replaced = {}, false
  for _, field in ipairs(self._plan.schema:fieldNames()) do
    if field == name then
      nodes[#nodes + 1] = { k = "alias", expr = col.node, name = name }
      replaced = true
    else
      nodes[#nodes + 1] = { k = "col", name = field }
    end
  end
  if not replaced then nodes[#nodes + 1] = { k = "alias", expr = col.node, name = name } end
  return projection(self, nodes, 1)
end

function methods:withColumnRenamed(existing, new_name)
  if not self._plan.schema:fieldIndex(existing) then return self end -- as Spark: a no-op
  local nodes = {}
  for _, field in ipairs(self._plan.schema:fieldNames()) do
    local node = { k = "col", name = field }
    if field == existing then node = { k = "alias", expr = node, name = new_name } end
    nodes[#nodes + 1] = node
  end
  return projection(self, nodes, 1)
end

function methods:drop(...)
  local skip = {}
  for _, c in ipairs(arglist(...)) do
    if column.isColumn(c) then
      if c.node.k ~= "col" then error("drop takes column names or col() references", 2) end
      c = c.node.name
    end
    skip[c] = true
  end
  return projection(self, all_columns_except(self, skip), 1)
end

-- toDF(names...): every column renamed, in order (PySpark's toDF(*cols)).
function methods:toDF(...)
  local names = arglist(...)
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
  local nodes = {}
  for i, f in ipairs(fields) do
    nodes[i] = { k = "alias", expr = { k = "col", name = f.name }, name = names[i] }
  end
  return projection(self, nodes, 1)
end

function methods:alias(name)
  local df = new(self._session, self._plan, self._streaming)
  df._alias = name
  return df
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

-- Rows of both, matched by position (Spark's union); the column types must
-- agree.
function methods:union(other)
  local a, b = self._plan.schema, other._plan.schema
  if #a.fields ~= #b.fields then
    error(("union needs the same number of columns: %d and %d"):format(#a.fields, #b.fields), 2)
  end
  for i, f in ipairs(a.fields) do
    if f.dataType ~= b.fields[i].dataType then
      error(("union: column %d is %s on the left and %s on the right"):format(i,
        f.dataType:simpleString(), b.fields[i].dataType:simpleString()), 2)
    end
  end
  if self._streaming or other._streaming then
    error("union of streaming DataFrames is not supported yet", 2)
  end
  local plan = { kind = "union", schema = a, left = self._plan, right = other._plan }
  return new(self._session, plan, false)
end
methods.unionAll = methods.union

-- ---- na ----------------------------------------------------------------------

local NaFunctions = {}
NaFunctions.__index = NaFunctions
M.NaFunctions = NaFunctions

-- drop(how = "any" | "all", thresh, subset): rows with nulls go away;
-- thresh keeps rows with at least that many non-null values.
function NaFunctions:drop(how, thresh, subset)
  if type(how) == "table" then how, thresh, subset = how.how, how.thresh, how.subset end
  local df = self.df
  local names = subset or df.columns
  if type(names) == "string" then names = { names } end
  how = how or "any"
  if how ~= "any" and how ~= "all" then error("na.drop: how must be 'any' or 'all'", 2) end
  thresh = thresh or (how == "any" and #names or 1)
  -- As Spark: a filter on AtLeastNNonNulls (NaN counts as null), one C
  -- kernel counting over every column at once.
  local exprs = {}
  for i, name in ipairs(names) do
    if not df._plan.schema:fieldIndex(name) then error(("na.drop: no column %q"):format(name), 2) end
    exprs[i] = { k = "col", name = name }
  end
  if #exprs == 0 then return df end
  return df:filter(column.wrap { k = "atleastnnonnulls", n = thresh, exprs = exprs })
end

-- fill(value, subset): nulls of the columns whose type fits the value
-- (numbers fill numeric columns, strings string columns, booleans boolean
-- columns) become value; value may be a table {column = value}.
function NaFunctions:fill(value, subset)
  local df = self.df
  local per_column = type(value) == "table" and value or nil
  if type(subset) == "string" then subset = { subset } end
  local wanted
  if subset then
    wanted = {}
    for _, n in ipairs(subset) do wanted[n] = true end
  end
  local numeric = { [T.ID.int] = true, [T.ID.long] = true, [T.ID.float] = true, [T.ID.double] = true,
                    [T.ID.decimal] = true }
  local nodes = {}
  for _, f in ipairs(df._plan.schema.fields) do
    local node = { k = "col", name = f.name }
    local v = value
    if per_column then v = per_column[f.name] end
    local fits = v ~= nil and (not wanted or wanted[f.name]) and (
      (type(v) == "number" and numeric[f.dataType.id]) or
      (type(v) == "string" and f.dataType.id == T.ID.string) or
      (type(v) == "boolean" and f.dataType.id == T.ID.boolean))
    if fits then
      node = { k = "alias", name = f.name, expr = { k = "call", fn = "coalesce", args = { node,
        { k = "cast", to = f.dataType, expr = { k = "lit", value = v } } } } }
    end
    nodes[#nodes + 1] = node
  end
  return projection(df, nodes, 1)
end

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

-- Width in characters (UTF-8 code points), as tide.batch measures cells.
local function width(s)
  local _, continuation = s:gsub("[\128-\191]", "")
  return #s - continuation
end

-- Spark's vertical show (Dataset.showString): a "-RECORD i" line per row,
-- then " name | value " per column, names and values padded to the widest.
local function vertical_text(cells)
  local name_width, value_width = 3, 3
  for _, name in ipairs(cells.names) do name_width = math.max(name_width, width(name)) end
  for _, row in ipairs(cells.rows) do
    for _, v in ipairs(row) do value_width = math.max(value_width, width(v)) end
  end
  local out = {}
  for i, row in ipairs(cells.rows) do
    local head = "-RECORD " .. (i - 1)
    out[#out + 1] = head .. ("-"):rep(name_width + value_width + 5 - #head) .. "\n"
    for c, name in ipairs(cells.names) do
      out[#out + 1] = (" %s%s | %s%s \n"):format(name, (" "):rep(name_width - width(name)),
        row[c], (" "):rep(value_width - width(row[c])))
    end
  end
  if #cells.rows == 0 then
    out[#out + 1] = "(0 rows)\n"
  elseif cells.more then
    out[#out + 1] = ("only showing top %d %s\n"):format(#cells.rows, #cells.rows == 1 and "row" or "rows")
  end
  return table.concat(out)
end

local SHOW_PARAMETERS = { n = true, truncate = true, vertical = true }

-- show(n, truncate, vertical), or PySpark's keywords as a table:
-- show{n = 5, truncate = false, vertical = true}. truncate is true (cells
-- cut to 20 characters), false, or a number of characters.
function methods:show(n, truncate, vertical)
  batch_only(self, "show")
  if type(n) == "table" then
    if truncate ~= nil or vertical ~= nil then error("show takes arguments or one table of them, not both", 2) end
    for k in pairs(n) do
      if not SHOW_PARAMETERS[k] then
        error(("show has no parameter %s (it takes n, truncate, vertical)"):format(tostring(k)), 2)
      end
    end
    n, truncate, vertical = n.n, n.truncate, n.vertical
  end
  if n == nil then n = 20 end
  if type(n) ~= "number" or n ~= math.floor(n) then
    error(("show: n must be a whole number of rows, not %s"):format(tostring(n)), 2)
  end
  if truncate ~= nil and type(truncate) ~= "boolean" and type(truncate) ~= "number" then
    error(("show: truncate must be a boolean or a number of characters, not a %s"):format(type(truncate)), 2)
  end
  if vertical ~= nil and type(vertical) ~= "boolean" then
    error(("show: vertical must be a boolean, not a %s"):format(type(vertical)), 2)
  end
  n = math.max(n, 0) -- as Spark: fewer than none is none
  -- The extra row only tells show that more rows exist.
  local batch = self:limit(n + 1):toBatch()
  if vertical then
    io.write(vertical_text(batch:showCells(n, truncate)))
  else
    batch:show(n, truncate)
  end
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
  local children = op.kind == "union" and { op.left, op.right } or { op.child }
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

require("tide.dataframe_ops").install(M)
require("tide.dataframe_aggregate").install(M)

checks.colonCalls("DataFrame", "df", function(v) return getmetatable(v) == DataFrame end, methods)
checks.colonCalls("DataFrameNaFunctions", "df.na", function(v) return getmetatable(v) == NaFunctions end,
  NaFunctions)

return M
