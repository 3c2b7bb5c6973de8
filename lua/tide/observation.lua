-- tide.observation — df:observe(...), named metrics of a query, as Spark's
-- CollectMetrics:
--
--   local obs = tide.Observation("stats")
--   local seen = df:observe(obs, F.count(F.lit(1)):alias("rows"), F.max("x"):alias("mx"))
--   seen:collect()
--   obs:get()                      --> { rows = 3, mx = 7 }
--
--   events:observe("events", F.count(F.lit(1)):alias("n")).writeStream ...
--   q:lastProgress().observedMetrics.events   --> Row(n=42), each micro-batch's
--
-- The operator passes its rows on unchanged and aggregates them (a global
-- aggregation, tide.dataframe_aggregate's kernels, no per-row Lua). It is
-- row-wise, so a plan runs through it slice by slice (tide.execution):
-- the aggregates that merge (count, sum, avg, min, max, first, last,
-- count_if, bool_and, bool_or) keep one partial row per slice, merged when
-- the action or micro-batch ends; others keep the columns they read,
-- aggregated then. What a run gathered is per execution context
-- (ctx.observations): a micro-batch's go to its progress as
-- observedMetrics (finish, tide.streaming_batch); an Observation keeps
-- those of the first action that ran through it, as Spark's.
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")
local batchlib = require("tide.batch")
local execution = require("tide.execution")

local M = {}

-- Functions Spark marks non-deterministic.
local NONDETERMINISTIC = { rand = true, random = true, randn = true, uuid = true, shuffle = true,
                           monotonically_increasing_id = true, spark_partition_id = true, input_file_name = true }

-- How each aggregate merges its partials: the function over the partial
-- column (count's are added up); avg is a sum and a count.
local MERGE = { count = "sum", sum = "sum", min = "min", max = "max", first = "first", last = "last",
                count_if = "sum", bool_and = "bool_and", every = "bool_and", bool_or = "bool_or", some = "bool_or",
                any = "bool_or", avg = "avg", mean = "avg" }

local function col(name) return { k = "col", name = name } end
local function call(fn, ...) return { k = "call", fn = fn, args = { ... } } end
local function alias(name, expr) return { k = "alias", name = name, expr = expr } end

-- ---- Spark's checks ------------------------------------------------------------------------

-- An expression as Spark's messages show it (an alias as `expr AS name`).
local function sql(node)
  local names = require("tide.sql_names")
  if node.k == "alias" then return ("%s AS %s"):format(names.toString(node.expr), node.name) end
  return names.toString(node)
end

-- Spark's CheckAnalysis of a metric: no window, no aggregate inside
-- another, no DISTINCT or FILTER, and column references and
-- non-deterministic functions only inside an aggregate.
local function check_metric(top, node, in_aggregate)
  if type(node) ~= "table" or getmetatable(node) then return end
  local is_aggregate = require("tide.dataframe_aggregate").isAggregate
  local function fail(class, text)
    checks.failAtUser(("[INVALID_OBSERVED_METRICS.%s] Invalid observed metrics. %s"):format(class, text))
  end
  if node.k == "window" then
    fail("WINDOW_EXPRESSIONS_UNSUPPORTED", ("Window expressions are not allowed in observed metrics, but found:"
      .. " %s."):format(sql(top)))
  elseif is_aggregate(node) then
    if in_aggregate then
      fail("NESTED_AGGREGATES_UNSUPPORTED", ("Nested aggregates are not allowed in observed metrics, but found:"
        .. " %s."):format(sql(top)))
    elseif node.distinct or node.fn == "count_distinct" or require("tide.aggregate_functions").OF_DISTINCT[node.fn] then
      fail("AGGREGATE_EXPRESSION_WITH_DISTINCT_UNSUPPORTED", ("Aggregate expression with distinct are not allowed"
        .. " in observed metrics, but found: %s."):format(sql(top)))
    elseif node.filter then
      fail("AGGREGATE_EXPRESSION_WITH_FILTER_UNSUPPORTED", ("Aggregate expression with FILTER predicate are not"
        .. " allowed in observed metrics, but found: %s."):format(sql(top)))
    end
    in_aggregate = true
  elseif (node.k == "col" or node.k == "star") and not in_aggregate then
    fail("NON_AGGREGATE_FUNC_ARG_IS_ATTRIBUTE", ("Attribute %s can only be used as an argument to an aggregate"
      .. " function."):format(node.k == "star" and "*" or sql(node)))
  elseif node.k == "call" and NONDETERMINISTIC[node.fn] and not in_aggregate then
    fail("NON_AGGREGATE_FUNC_ARG_IS_NON_DETERMINISTIC", ("Non-deterministic expression %s can only be used as an"
      .. " argument to an aggregate function."):format(sql(node)))
  end
  for k, v in pairs(node) do
    if type(v) == "table" and not (k == "value" and node.k == "lit") and k ~= "from" then
      check_metric(top, v, in_aggregate)
    end
  end
end

-- ---- the metrics' plans --------------------------------------------------------------------

-- A batch DataFrame over whatever batch execute is given (its scan).
local function over(session, schema)
  local plan = { kind = "scan", schema = schema, source = { description = "observed rows" } }
  return require("tide.dataframe").new(session, plan, false)
end

local function run(plan, batch) return execution.execute(plan, execution.context(nil, 0), batch) end

-- The aggregate calls of an expression, in order (not those inside them).
local function calls_of(node, out)
  local is_aggregate = require("tide.dataframe_aggregate").isAggregate
  if type(node) ~= "table" or getmetatable(node) then return out end
  if is_aggregate(node) then
    out[#out + 1] = node
    return out
  end
  for k, v in pairs(node) do
    if type(v) == "table" and not (k == "value" and node.k == "lit") and k ~= "from" then calls_of(v, out) end
  end
  return out
end

-- node with each aggregate call replaced by replace[call].
local function replaced(node, replace)
  if type(node) ~= "table" or getmetatable(node) then return node end
  if replace[node] then return replace[node] end
  local copy = {}
  for k, v in pairs(node) do
    copy[k] = (type(v) == "table" and not (k == "value" and node.k == "lit")) and replaced(v, replace) or v
  end
  return copy
end

-- The plans of metrics `nodes` (named) over rows of `schema`: whole (one
-- pass over all the rows), and, when every aggregate merges, partial (per
-- slice) and merge (over the partial rows).
local function plans(session, schema, nodes)
  local input = over(session, schema)
  local named = {}
  for i, node in ipairs(nodes) do named[i] = column.wrap(node) end
  local whole = input:agg(unpack(named))
  local calls, mergeable = {}, true
  for _, node in ipairs(nodes) do calls_of(node, calls) end
  for _, c in ipairs(calls) do
    mergeable = mergeable and MERGE[c.fn] ~= nil and not c.sqlText and c.k == "call"
  end
  if not mergeable or #calls == 0 then
    -- Each slice's rows are kept until the end: only the columns the
    -- metrics read (all of them when a name is not a column's).
    local used, all_named = {}, true
    local function walk(n)
      if type(n) ~= "table" or getmetatable(n) then return end
      if n.k == "col" then
        local i = schema:resolveField(tostring(n.name))
        if i then used[i] = true else all_named = false end
      elseif n.k == "star" then
        all_named = false
      end
      for k, v in pairs(n) do
        if k ~= "from" and not (k == "value" and n.k == "lit") then walk(v) end
      end
    end
    for _, node in ipairs(nodes) do walk(node) end
    if not all_named then return { whole = whole._plan } end
    local keep, fields = {}, {}
    for i, f in ipairs(schema.fields) do
      if used[i] then keep[#keep + 1], fields[#fields + 1] = i - 1, f end
    end
    local kept = T.struct(fields)
    return { whole = over(session, kept):agg(unpack(named))._plan, keep = keep, inputSchema = kept }
  end
  -- Each call's type in the one pass: its merged value is cast to it.
  local typed = {}
  for i, c in ipairs(calls) do typed[i] = column.wrap(alias(("__c%d"):format(i), c)) end
  local types = input:agg(unpack(typed))._plan.schema.fields
  local partial, replace = {}, {}
  for i, c in ipairs(calls) do
    local fn, p = MERGE[c.fn], ("__p%d"):format(i)
    local merged
    if fn == "avg" then
      partial[#partial + 1] = column.wrap(alias(p .. "s", call("sum", c.args[1])))
      partial[#partial + 1] = column.wrap(alias(p .. "c", call("count", c.args[1])))
      merged = { k = "op", op = "/", left = { k = "cast", expr = call("sum", col(p .. "s")), to = T.double },
                 right = call("sum", col(p .. "c")) }
    else
      partial[#partial + 1] = column.wrap(alias(p, c))
      merged = { k = "call", fn = fn, args = { col(p), unpack(c.args, 2) } }
    end
    replace[c] = { k = "cast", expr = merged, to = types[i].dataType }
  end
  local partial_df = input:agg(unpack(partial))
  -- (named as in the one pass: an unnamed count(1) keeps its name)
  local final = {}
  for i, node in ipairs(nodes) do
    if node.k == "alias" then node = node.expr end
    final[i] = column.wrap(alias(whole._plan.schema.fields[i].name, replaced(node, replace)))
  end
  local merge = over(session, partial_df._plan.schema):agg(unpack(final))
  return { whole = whole._plan, partial = partial_df._plan, merge = merge._plan }
end

-- ---- what a run gathers --------------------------------------------------------------------

-- The rows a run passed through the operator `op`: partial rows of its
-- slices, or copies of the columns its metrics read.
local function gathered(op, ctx)
  ctx.observations = ctx.observations or {}
  local acc = ctx.observations[op]
  if not acc then
    acc = { op = op, parts = {} }
    ctx.observations[op] = acc
    ctx.observations[#ctx.observations + 1] = acc
    if op.observation and not op.observation.gathered then op.observation.gathered = acc end
  end
  return acc
end

local function add(acc, batch)
  local op = acc.op
  local n = batch:count()
  -- (an empty slice's first() would be a null: only the rows count)
  if n == 0 then return end
  if op.plans.partial then
    acc.parts[#acc.parts + 1] = run(op.plans.partial, batch)
  else
    -- The rows outlive the slice: a copy of the columns the metrics read.
    local ffi, C, ops = require("ffi"), require("tide.ffi"), require("tide.dataframe_ops")
    if op.plans.keep then batch = ops.columns_of(batch, op.plans.keep) end
    acc.parts[#acc.parts + 1] = batchlib.wrap(C.tide_batch_concat(ffi.new("tide_batch*[1]", batch), 1, ops.errbuf,
      ops.ERRLEN), ops.cerr())
  end
end

-- The metrics of what acc gathered: one Row.
local function metrics(acc)
  if acc.row then return acc.row end
  local op, parts = acc.op, acc.parts
  local result
  if #parts == 0 then
    result = run(op.plans.whole, batchlib.fromRows({}, op.plans.inputSchema or op.child.schema))
  elseif op.plans.partial then
    result = run(op.plans.merge, require("tide.state_store").concat(parts))
  else
    result = run(op.plans.whole, require("tide.state_store").concat(parts))
  end
  acc.parts = {}
  acc.row = result:collect()[1]
  local doubles, texts = {}, {}
  for i, f in ipairs(result:schema().fields) do
    local id = f.dataType.id
    if id == T.ID.double or id == T.ID.float then doubles[f.name] = true end
    -- (a timestamp is a number of microseconds in a Row: its text as shown)
    local c = result.columns[i - 1]
    if id == T.ID.timestamp and batchlib.isValid(c, 0) then texts[f.name] = batchlib.cellText(c, 0) end
  end
  local progress = require("tide.progress")
  progress.doubleFields[acc.row], progress.textFields[acc.row] = doubles, texts
  return acc.row
end

-- The metrics a run (a micro-batch's context) gathered, by name, for its
-- progress (Spark's observedMetrics): nil when it ran through none.
function M.finish(ctx)
  local list = ctx.observations
  if not list or #list == 0 then return nil end
  local out = {}
  for _, acc in ipairs(list) do out[acc.op.metricsName] = metrics(acc) end
  return out
end

-- ---- Observation ---------------------------------------------------------------------------

local Observation = {}
Observation.__index = Observation
M.Observation = Observation

-- tide.Observation([name]): a name Spark makes up (a UUID) when none is given.
local function new_observation(name)
  if name ~= nil and type(name) ~= "string" then
    checks.failAtUser(("Observation: the name must be a string, not %s"):format(checks.kindOf(name)))
  end
  if name == "" then checks.failAtUser("Observation: Name must not be empty") end
  return setmetatable({ name = name or require("tide.checkpoint").uuid() }, Observation)
end

-- The metrics of the first action run through the observed DataFrame, as a
-- table of name = value (PySpark's dict). Spark's get waits for that
-- action; here it has to have run.
function Observation:get()
  if not self.used then checks.failAtUser("Observation.get: call DataFrame.observe first") end
  if not self.gathered then
    checks.failAtUser(("Observation %s: no action has run on the observed DataFrame yet"):format(self.name))
  end
  local row = metrics(self.gathered)
  local out = {}
  for _, name in ipairs(getmetatable(row).__fields) do out[name] = row[name] end
  return out
end

Observation.__tostring = function(o) return ("Observation(%s)"):format(o.name) end

M.new = new_observation

-- ---- df:observe ----------------------------------------------------------------------------

-- The observe operators of a plan's chain, by metric name.
local function observed_names(plan)
  local names = {}
  while plan do
    if plan.kind == "observe" then names[plan.metricsName] = plan end
    plan = plan.child
  end
  return names
end

function M.install(dataframe)
  local methods = dataframe.methods

  -- observe(observation_or_name, expr, ...): the same DataFrame, its rows'
  -- metrics gathered as it runs.
  function methods:observe(observation, ...)
    local obs, name
    if getmetatable(observation) == Observation then
      obs, name = observation, observation.name
      if self._streaming then
        checks.failAtUser("Observation does not support streaming Datasets. This is because there will be multiple"
          .. " observed metrics as microbatches are constructed. Please register a StreamingQueryListener and get"
          .. " the metric for each microbatch in QueryProgressEvent.progress, or use query.lastProgress or"
          .. " query.recentProgress.")
      end
      if obs.used then checks.failAtUser("An Observation can be used with a DataFrame only once") end
    elseif type(observation) == "string" then
      name = observation
    else
      checks.failAtUser(("observe takes an Observation or a name (a string), not %s"):format(
        checks.kindOf(observation)))
    end
    local nodes = {}
    for i = 1, select("#", ...) do
      local c = select(i, ...)
      if not column.isColumn(c) then
        checks.failAtUser(("observe: argument %d is %s, not a Column (F.count(F.lit(1)):alias(\"rows\"))"):format(
          i + 1, checks.kindOf(c)))
      end
      nodes[i] = c.node
    end
    if #nodes == 0 then checks.failAtUser("observe: exprs should not be empty") end
    if name == "" then
      checks.failAtUser("[INVALID_OBSERVED_METRICS.MISSING_NAME] Invalid observed metrics. The observed metrics"
        .. " should be named: CollectMetrics.")
    end
    for _, node in ipairs(nodes) do check_metric(node, node, false) end
    if observed_names(self._plan)[name] then
      checks.failAtUser(("Multiple definitions of observed metrics named '%s'"):format(name))
    end
    local op_plans = plans(self._session, self._plan.schema, nodes)
    local shown = {}
    for i, f in ipairs(op_plans.whole.schema.fields) do shown[i] = f.name end
    if obs then obs.used = true end
    local op = {
      kind = "observe",
      schema = self._plan.schema,
      metricsName = name,
      observation = obs,
      plans = op_plans,
      explain = ("CollectMetrics %s, [%s]"):format(name, table.concat(shown, ", ")),
    }
    -- (a batch action without an Observation has nowhere to show them)
    op.apply = function(batch, ctx)
      if obs or ctx.checkpoint then add(gathered(op, ctx), batch) end
      return batch
    end
    return require("tide.dataframe_ops").derive(self, op)
  end
end

return M
