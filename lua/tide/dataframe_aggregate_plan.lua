-- tide.dataframe_aggregate_plan — the plan of an aggregation, as Spark
-- plans it: the aggregation itself (key columns, then aggregates: one C
-- kernel over each batch, tide.dataframe_aggregate_batch; over a stream
-- tide.stateful_aggregate's), and around it the projections of aggregate
-- expressions (agg's Columns, a select's or SQL's nodes with aggregates):
-- the expressions aggregate calls take are computed before the grouping,
-- the expressions over aggregates and keys after it, over the aggregated
-- rows. Also the expression rewriting that takes: mapChildren and
-- normalizedText (how a select item is found to be a GROUP BY key).
local T = require("tide.types")
local column = require("tide.column")
local ops = require("tide.dataframe_ops")
local more = require("tide.aggregate_functions")
local agg_specs = require("tide.dataframe_aggregate_specs")
local aggregate_batch = require("tide.dataframe_aggregate_batch").aggregateBatch

local M = {}
local key_index, derive = ops.key_index, ops.derive
local is_aggregate, has_aggregate, spec_from_node = agg_specs.isAggregate, agg_specs.hasAggregate,
  agg_specs.specFromNode

-- A copy of an expression node with each child node replaced by
-- rewrite(child) (a literal's value is no child).
local function map_children(node, rewrite)
  local copy = {}
  for k, v in pairs(node) do
    local child = type(v) == "table" and not getmetatable(v) and not (k == "value" and node.k == "lit")
    copy[k] = child and rewrite(v) or v
  end
  return copy
end
M.mapChildren = map_children

-- An expression's text with its names (columns, functions) in lower case
-- and its literals as they are: a select item is a GROUP BY key computed
-- from an expression when these match (SELECT CONCAT(C, 'x') ... GROUP BY
-- concat(c, 'x')), as Spark's case-insensitive resolution matches them.
function M.normalizedText(node)
  local function copy(n)
    if type(n) ~= "table" or getmetatable(n) then return n end
    local c = {}
    for k, v in pairs(n) do
      if k ~= "from" and k ~= "sqlText" then c[k] = copy(v) end
    end
    if c.k == "col" and type(c.name) == "string" then c.name = c.name:lower() end
    if c.k == "call" and type(c.fn) == "string" then c.fn = c.fn:lower() end
    return c
  end
  return require("tide.sql_names").toString(copy(node))
end

-- The plan node of a grouped aggregation: key columns, then aggregates.
-- Over a stream, tide.stateful_aggregate's, which keeps the groups
-- across micro-batches.
-- keys.finish, when there (a window's struct, rollup's renamed keys),
-- makes the shown result of the aggregation; `raw` leaves it to the
-- caller, which computes over the keys as they are first.
local function aggregate(df, keys, specs, raw)
  local schema = df._plan.schema
  local key_idx, fields = {}, {}
  for i, k in ipairs(keys) do
    key_idx[i] = key_index(schema, k, "groupBy", 2)
    fields[i] = schema.fields[key_idx[i] + 1]
  end
  local names = {}
  for i, s in ipairs(specs) do
    fields[#fields + 1] = T.field(s.name, s.type, s.nullable ~= false)
    names[i] = s.name
  end
  local explain = ("Aggregate [%s], [%s]"):format(table.concat(keys, ", "), table.concat(names, ", "))
  local grouped
  if df._streaming then
    grouped = require("tide.stateful_aggregate").plan(df, key_idx, specs, T.struct(fields), explain)
  else
    grouped = derive(df, {
      kind = "aggregate",
      schema = T.struct(fields),
      explain = explain,
      apply = function(batch) return aggregate_batch(batch, key_idx, specs) end,
    })
  end
  if keys.finish and not raw then grouped = keys.finish(grouped) end
  return grouped
end
M.aggregate = aggregate

-- The plan of agg(...)'s Columns (or a select's nodes with aggregates),
-- as Spark's: each aggregate call's arguments that are expressions are
-- computed first (a projection before the grouping); outputs that are
-- not bare aggregates are computed after it, over the keys and the
-- aggregates' results (named __agg<i> in between). Errors at `level`.
local function aggregate_nodes(df, keys, nodes, level)
  local names = require("tide.sql_names")
  local fail = require("tide.checks").failAtUser
  local inputs, input_named, calls, outputs = {}, {}, {}, {}
  local is_key = {}
  for _, k in ipairs(keys) do is_key[k:lower()] = true end
  -- The column computed for an aggregate's argument: named as Spark
  -- shows the expression (so that the aggregate's name and errors read
  -- sum((x * 2))), one for each distinct expression.
  local function input_for(arg)
    local name = names.toString(arg)
    if not input_named[name] then
      local column_name = df._plan.schema:resolveField(name) and ("__agg_input%d"):format(#inputs + 1) or name
      inputs[#inputs + 1] = { k = "alias", expr = arg, name = column_name }
      input_named[name] = column_name
    end
    return { k = "col", name = input_named[name] }
  end
  -- An argument's type, when it can be told now (for Spark's checks of
  -- the aggregates tide computes as others: count_if's boolean).
  local function typeof(arg)
    local ok, c = pcall(require("tide.eval").compile, arg, df._plan.schema)
    return ok and c.type or nil
  end
  -- Adds an aggregate call, its arguments that are expressions replaced
  -- by input columns computed for them (FILTER and Spark's replacements
  -- made first: tide.aggregate_functions); returns its index in calls.
  -- Parameters (percentile's percentages) stay as they are.
  local function add_call(call)
    for _, arg in ipairs(call.args) do
      if has_aggregate(arg) then
        fail(("%s: an aggregate function cannot take another one"):format(names.toString(call)))
      end
    end
    local prepared = more.prepare(call, typeof)
    local lifted = { k = "call", fn = prepared.fn, args = {}, sqlText = prepared.sqlText }
    local any = prepared ~= call
    local kernel = more.isKernel(prepared.fn)
    for i, arg in ipairs(prepared.args) do
      local plain = arg.k == "col" or arg.k == "star"
        or (arg.k == "lit" and (prepared.fn == "count" or (i > 1 and not kernel)))
      if not (plain or more.isParameter(prepared.fn, i)) then
        arg, any = input_for(arg), true
      end
      lifted.args[i] = arg
    end
    calls[#calls + 1] = { node = lifted, lifted = any or call.distinct or more.isAggregate(call.fn) }
    return #calls
  end
  -- avg and sum of an interval, as expressions over aggregates (tide.eval_intervals), else nil
  local function of_interval(node) return require("tide.eval_intervals").aggregate(node, typeof) end
  -- An expression over aggregates: each call replaced by its result.
  local function over_results(node)
    local rewritten = of_interval(node)
    if rewritten then return over_results(rewritten) end
    if is_aggregate(node) then return { k = "col", name = ("__agg%d"):format(add_call(node)) } end
    if node.k == "window" then
      -- A window's function runs over the aggregated rows (sum(v) OVER
      -- (...) of a GROUP BY v): only what its arguments aggregate is
      -- computed by the grouping.
      local fn, window = {}, {}
      for k, v in pairs(node.fn) do fn[k] = v end
      fn.args = {}
      for i, arg in ipairs(node.fn.args or {}) do fn.args[i] = over_results(arg) end
      for k, v in pairs(node) do window[k] = v end
      window.fn = fn
      return window
    end
    if node.k == "call" and (node.fn == "grouping" or node.fn == "grouping_id") then
      return require("tide.grouping_sets").groupingNode(node, keys)
    end
    -- (rollup's and cube's keys are copies of the columns they name)
    local alias = node.k == "col" and keys.aliases and keys.aliases[tostring(node.name):lower()]
    if alias then return { k = "col", name = alias } end
    -- A session window key, by its name or its call: the struct of its
    -- start and end.
    local w = keys.window
    if w and ((node.k == "col" and tostring(node.name):lower() == w.name:lower())
        or (node.k == "call" and M.normalizedText(node) == w.text)) then
      return { k = "call", fn = "struct", args = {
        { k = "alias", name = "start", expr = { k = "col", name = w.start } },
        { k = "alias", name = "end", expr = { k = "col", name = w.stop } } } }
    end
    -- An expression a key was computed from (GROUP BY upper(c) with
    -- SELECT upper(c)) is that key, as Spark matches them.
    if node.k ~= "col" and node.k ~= "lit" and node.k ~= "star" and keys.computed then
      local name = keys.computed[M.normalizedText(node)]
      if name then return { k = "col", name = keys.aliases and keys.aliases[name:lower()] or name } end
    end
    if (node.k == "col" and not is_key[tostring(node.name):lower()]) or node.k == "star" then
      local name = node.k == "star" and "*" or node.name
      fail(("%s is neither a grouping key nor inside an aggregate function (Spark: expression '%s' is neither"
        .. " present in the group by, nor is it an aggregate function)"):format(name, name))
    end
    return map_children(node, over_results)
  end
  for i, node in ipairs(nodes) do
    local bare, alias = more.annotate(node), nil
    if bare.k == "alias" then bare, alias = bare.expr, bare.name end
    if is_aggregate(bare) and not of_interval(bare) then
      local c = add_call(bare)
      -- (Spark's name, count(a), for count(r.a) of a column a join renamed)
      local named = calls[c].lifted or names.namesShown(bare)
      outputs[i] = { call = c, name = alias or (named and names.outputName(bare)) or nil }
    else
      outputs[i] = { node = over_results(bare), name = alias or names.outputName(bare) }
    end
  end
  local input = df
  if #inputs > 0 then
    local cols = { column.wrap({ k = "star" }) }
    for _, n in ipairs(inputs) do cols[#cols + 1] = column.wrap(n) end
    input = df:select(cols)
  end
  local post = false
  for _, o in ipairs(outputs) do post = post or o.node ~= nil end
  local specs, shown = {}, {}
  for _, o in ipairs(outputs) do if o.call then shown[o.call] = o.name end end
  for j, call in ipairs(calls) do
    specs[j] = spec_from_node(input._plan.schema, call.node, shown[j], level + 1)
    shown[j] = specs[j].name
    specs[j].shown = shown[j] -- (for errors about it, past the planning)
    if post then specs[j].name = ("__agg%d"):format(j) end
  end
  if not post then
    local grouped = aggregate(input, keys, specs)
    return grouped
  end
  local cols = {}
  for _, k in ipairs(keys) do cols[#cols + 1] = column.wrap({ k = "col", name = k }) end
  for _, o in ipairs(outputs) do
    local node = o.node or { k = "col", name = ("__agg%d"):format(o.call) }
    cols[#cols + 1] = column.wrap({ k = "alias", expr = node, name = o.node and o.name or shown[o.call] })
  end
  local ok, result = pcall(function() return aggregate(input, keys, specs, true):select(cols) end)
  -- (an expression's error over the aggregates, at the user's line, once:
  -- the error may be placed there already)
  if not ok then
    require("tide.checks").failAtUser((tostring(result):gsub("^[^:\n]*tide/[%w_/]+%.lua:%d+: ", "")
      :gsub("^[^:\n]+:%d+: ", "")))
  end
  if keys.finish then result = keys.finish(result) end
  return result
end
M.aggregateNodes = aggregate_nodes

return M
