-- tide.dataframe_aggregate — grouping and aggregation on batch
-- DataFrames, each one C kernel over whole columns (engine/aggregate.c,
-- sort.c):
--
--   df:groupBy("site_id"):count()      df:groupBy("a", "b"):agg({ C14 = "avg" })
--   df:groupBy("a"):agg(F.avg("x"), F.count("*"):alias("n"))   df:agg(F.max("hour"))
--   df:agg(F.countDistinct("a"))       df:select(F.avg("x"))   df:selectExpr("count(*)")
--   df:groupBy("a"):agg(F.sum(F.col("x") * 2), (F.avg("x") * 100):alias("pct"),
--                       F.count(F.when(F.col("click"):eq(1), 1)))
--   df:groupBy("k"):agg(F.collect_list("v"), F.collect_set("v"))   (arrays)
--   df:groupBy("k"):agg(F.corr("x", "y"), F.max_by("v", "t"), F.percentile("x", 0.9), F.count_if(...))
--
-- The aggregates Spark 3.5 added to those (count_if, max_by, corr,
-- percentile, mode, ...; FILTER and DISTINCT) are tide.aggregate_functions'.
--
-- describe and summary, which aggregate too, are tide.dataframe_describe's.
--
-- An aggregate over an expression aggregates a column computed before
-- grouping; an expression over aggregates (and the grouping keys) is
-- computed over the aggregated rows: both are projections around the one
-- aggregation, as Spark plans them.
--
-- This module is the API: groupBy, GroupedData and agg, which
-- dataframe.lua installs into its methods table. What an aggregate call
-- computes is tide.dataframe_aggregate_specs', the plan of the aggregation
-- and of the expressions around it tide.dataframe_aggregate_plan's, the
-- kernels over a batch tide.dataframe_aggregate_batch's; the helpers for
-- arguments and batches are tide.dataframe_ops'.
local T = require("tide.types")
local column = require("tide.column")
local ops = require("tide.dataframe_ops")
local more = require("tide.aggregate_functions")
local agg_specs = require("tide.dataframe_aggregate_specs")
local plan = require("tide.dataframe_aggregate_plan")

local M = {}
local ID = T.ID
local arglist, name_of, index_of, key_index = ops.arglist, ops.name_of, ops.index_of, ops.key_index
local AGG, agg_spec = agg_specs.AGG, agg_specs.aggSpec
local is_aggregate, has_aggregate = agg_specs.isAggregate, agg_specs.hasAggregate
local aggregate, aggregate_nodes = plan.aggregate, plan.aggregateNodes

M.isAggregate = is_aggregate
M.hasAggregate = has_aggregate
M.mapChildren = plan.mapChildren
M.normalizedText = plan.normalizedText
M.aggregateBatch = require("tide.dataframe_aggregate_batch").aggregateBatch

-- df:select(...) with aggregates (F.avg("x"), "count(*)"): a global
-- aggregate, as Spark's. Errors at the caller of select.
function M.selectAggregates(df, nodes)
  local grouped = aggregate_nodes(df, {}, nodes, 2)
  return grouped
end

local NUMERIC = { [ID.int] = true, [ID.long] = true, [ID.float] = true, [ID.double] = true, [ID.decimal] = true }

-- GroupedData's sum()/avg()/... without names: every numeric column but
-- the keys (and the names in `also`).
local function numeric_columns(schema, keys, also)
  local skip, names = {}, {}
  for _, k in ipairs(keys) do skip[k] = true end
  if also then skip[also] = true end
  for _, f in ipairs(schema.fields) do
    if NUMERIC[f.dataType.id] and not skip[f.name] then names[#names + 1] = f.name end
  end
  return names
end
M.numericColumns = numeric_columns

-- ---- install -----------------------------------------------------------------------------------

function M.install(dataframe)
  -- (loaded with the DataFrame: it makes SQL's session_window known to
  -- expressions, tide.eval's registry, before any query names it)
  require("tide.session_window")
  local methods = dataframe.methods

  -- ---- grouping and aggregation ----------------------------------------------------------

  local GroupedData = {}
  GroupedData.__index = GroupedData
  M.GroupedData = GroupedData

  -- groupBy(cols...): the keys, by the names of the columns they resolve to.
  -- An expression (F.col("hour") % 100) is a key too, as in Spark: it is
  -- computed first, as a column named as Spark names it ((hour % 100)).
  -- F.window(time, "10 minutes") is one too: the rows repeated per window
  -- (tide.time_window), grouped by its start and end, shown as Spark's
  -- `window` struct; so is F.session_window(time, "5 minutes"), whose
  -- sessions (tide.session_window) are per value of the other keys, so
  -- found after those are computed.
  function methods:groupBy(...)
    local df, list, computed = self, arglist("groupBy", ...), {}
    local time_window = require("tide.time_window")
    local session_window = require("tide.session_window")
    local window, session
    for i, c in ipairs(list) do
      -- (SQL's window(ts, '10 minutes') call is F.window's)
      if column.isColumn(c) and time_window.isWindowCall(c.node) then
        c = time_window.fromCall(c.node)
        list[i] = c
      elseif column.isColumn(c) and c.node.k == "alias" and time_window.isWindowCall(c.node.expr) then
        c = column.wrap({ k = "alias", name = c.node.name, expr = time_window.fromCall(c.node.expr).node })
        list[i] = c
      end
      -- (a window may be aliased: its struct takes the name)
      local node = column.isColumn(c) and (c.node.k == "alias" and c.node.expr or c.node)
      local is_session = node and session_window.isSession(node)
      if node and (time_window.isWindow(node) or is_session) then
        session = session or is_session
        if window then
          require("tide.checks").failAtUser("Multiple time/session window expressions would result in a cartesian"
            .. " product of rows, therefore they are currently not supported.")
        end
        window = c.node
      end
    end
    local window_name = window and window.k == "alias" and window.name
    local window_call = window and (window.k == "alias" and window.expr or window)
    if window and not session then df = time_window.expand(df, window_call) end
    -- A column whose name another column shares (a.site after a join
    -- with b.site) is copied under a name of its own, the copy grouped by
    -- and named back in the result, as Spark's attribute keeps its name.
    local input_schema, renamed, names, by_text = df._plan.schema, {}, {}, {}
    for i, c in ipairs(list) do
      if column.isColumn(c) and c.node.k ~= "col" and c.node ~= window then
        local node = c.node.k == "alias" and c.node or
          { k = "alias", expr = c.node, name = require("tide.sql_names").outputName(c.node) }
        computed[#computed + 1] = column.wrap(node)
        names[i] = node.name
        by_text[M.normalizedText(node.expr)] = node.name
      elseif not (column.isColumn(c) and c.node == window) then
        local from = column.isColumn(c) and c.node.from
        local at = key_index(input_schema, name_of(c, "groupBy"), "groupBy", 2, from)
        local name = input_schema.fields[at + 1].name
        if #input_schema:fieldsNamed(name) > 1 then
          names[i] = ("__groupBy%d"):format(i)
          renamed[#renamed + 1] = { names[i], name }
          computed[#computed + 1] = column.wrap({ k = "alias", name = names[i],
            expr = { k = "col", name = name, index = at } })
        else
          names[i] = name
        end
      end
    end
    if #computed > 0 then df = df:select(column.wrap({ k = "star" }), unpack(computed)) end
    local shape = session and session_window or time_window
    local keys = { computed = by_text }
    if window then
      -- (what a select over the aggregation may name it by: SELECT
      -- window.start, or the call itself, as Spark resolves them)
      local name = window_name or (session and session_window.NAME or "window")
      keys.finish = function(result) return time_window.finishAs(result, name, shape.START, shape.END) end
      keys.window = { name = name, text = M.normalizedText(window_call.call or window_call), start = shape.START,
                      stop = shape.END }
    end
    for i = 1, #list do
      if names[i] then
        keys[#keys + 1] = names[i]
      else -- the window
        keys[#keys + 1], keys[#keys + 2] = shape.START, shape.END
      end
    end
    if session then
      local others = {}
      for i = 1, #list do others[#others + 1] = names[i] end
      df = session_window.expand(df, window_call, others)
    end
    for _, key in ipairs(keys) do key_index(df._plan.schema, key, "groupBy", 2) end
    if #renamed > 0 then
      local finish = keys.finish
      keys.finish = function(result)
        if finish then result = finish(result) end
        for _, r in ipairs(renamed) do result = result:withColumnRenamed(r[1], r[2]) end
        return result
      end
    end
    return setmetatable({ df = df, keys = keys }, GroupedData)
  end
  methods.groupby = methods.groupBy

  -- agg({x = "avg", y = "max"}) (in the order of the columns) or
  -- agg(F.avg("x"), F.count("*"):alias("n"), ...).
  function GroupedData:agg(...)
    local schema = self.df._plan.schema
    local specs = {}
    local first = ...
    if select("#", ...) == 1 and type(first) == "table" and not column.isColumn(first) and first[1] == nil then
      local star = first["*"] and tostring(first["*"]):lower()
      local by_column = {}
      for name, fn in pairs(first) do
        if name ~= "*" then
          by_column[#by_column + 1] = { index = index_of(schema, name, "agg", 2), fn = tostring(fn):lower() }
        end
      end
      table.sort(by_column, function(a, b) return a.index < b.index end)
      -- {x = "skewness"}: the aggregates of one column past agg_spec's
      -- are calls (Spark's agg(Map) resolves any function by its name).
      local any_more = false
      for _, a in ipairs(by_column) do
        -- (and an interval's: its sum and avg are expressions, tide.eval_intervals)
        any_more = any_more or more.isAggregate(a.fn) or schema.fields[a.index + 1].dataType.interval ~= nil
      end
      if any_more then
        local calls = {}
        for i, a in ipairs(by_column) do
          calls[i] = { k = "call", fn = a.fn, args = { { k = "col", name = schema.fields[a.index + 1].name } } }
        end
        if star then calls[#calls + 1] = { k = "call", fn = star, args = { { k = "star" } } } end
        local grouped = aggregate_nodes(self.df, self.keys, calls, 2)
        return grouped
      end
      for _, a in ipairs(by_column) do
        specs[#specs + 1] = agg_spec(schema, a.fn, schema.fields[a.index + 1].name, nil, 2)
      end
      if star then specs[#specs + 1] = agg_spec(schema, star, "*", nil, 2) end
    else
      local nodes = {}
      for _, c in ipairs(arglist("agg", ...)) do
        if not column.isColumn(c) then
          error("agg takes Columns such as F.avg(\"x\"), or one table {x = \"avg\"}", 2)
        end
        nodes[#nodes + 1] = c.node
      end
      if #nodes == 0 then error("agg needs at least one aggregate", 2) end
      local grouped = aggregate_nodes(self.df, self.keys, nodes, 2)
      return grouped
    end
    if #specs == 0 then error("agg needs at least one aggregate", 2) end
    return aggregate(self.df, self.keys, specs)
  end

  function GroupedData:count()
    return aggregate(self.df, self.keys, { { code = AGG.count, name = "count", type = T.long } })
  end

  -- sum/avg/mean/min/max of the named columns, or of every numeric column
  -- that is not a key.
  for _, fn in ipairs({ "sum", "avg", "mean", "min", "max" }) do
    GroupedData[fn] = function(self, ...)
      local schema = self.df._plan.schema
      local names = arglist(fn, ...)
      if #names == 0 then names = numeric_columns(schema, self.keys) end
      local specs = {}
      for i, c in ipairs(names) do specs[i] = agg_spec(schema, fn, name_of(c, fn), nil, 2) end
      return aggregate(self.df, self.keys, specs)
    end
  end

  -- Arbitrary stateful processing (Spark's flatMapGroupsWithState):
  -- tide.stateful_map.
  function GroupedData:flatMapGroupsWithState(fn, outputSchema, stateSchema, outputMode, timeoutConf)
    return require("tide.stateful_map").plan(self, fn, outputSchema, stateSchema, outputMode, timeoutConf)
  end

  require("tide.dataframe_pivot").install(GroupedData, aggregate_nodes, is_aggregate, has_aggregate)
  require("tide.grouping_sets").install(methods, GroupedData)

  -- df:agg(...) aggregates the whole DataFrame, as groupBy():agg(...).
  function methods:agg(...) return self:groupBy():agg(...) end

  require("tide.dataframe_describe").install(methods, AGG, NUMERIC)

  -- df:groupBy("a").count() fails naming the method (dataframe.lua), and
  -- df:groupBy("a"):pivot("b") that there is no such method.
  local checks = require("tide.checks")
  checks.colonCalls("GroupedData", "df:groupBy(...)", function(v) return getmetatable(v) == GroupedData end,
    GroupedData)
  GroupedData.__index = checks.strictIndex("GroupedData", "method", GroupedData)
end

return M
