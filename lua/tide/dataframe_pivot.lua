-- tide.dataframe_pivot — GroupedData:pivot, as Spark's:
--
--   df:groupBy("site_id"):pivot("device_type"):count()
--   df:groupBy("hour"):pivot("banner_pos", {0, 1}):agg(F.avg("click"), F.count("*"))
--
-- A column per pivot value (per value and aggregate when there are
-- several: 0_avg(click)), each aggregate taken over the group's rows with
-- that value: sum(x) becomes sum(CASE WHEN p <=> v THEN x END), one
-- aggregation of conditional columns (tide.dataframe_aggregate's). As in
-- Spark, a group without rows of a value has null there, counts too.
-- Without values the pivot column's distinct values are computed first,
-- sorted (nulls first), at most spark.sql.pivotMaxValues of them.
local column = require("tide.column")
local batchlib = require("tide.batch")
local ops = require("tide.dataframe_ops")
local names = require("tide.sql_names")

local M = {}
local arglist, name_of, index_of, key_index = ops.arglist, ops.name_of, ops.index_of, ops.key_index

local COUNTS = { count = true, count_distinct = true, approx_count_distinct = true, count_if = true,
                 regr_count = true }
-- The aggregates that keep a null row unless told to skip nulls.
local FIRSTS = { first = true, last = true, first_value = true, last_value = true, any_value = true }

local function col(name) return { k = "col", name = name } end

-- A pivot value (row r of col): the literal of the pivot column's type
-- that rows are compared with, and the text naming its columns.
local function value_of(col, r, field)
  local text = batchlib.isValid(col, r) and batchlib.cellText(col, r) or nil
  return { text = text or "null", node = { k = "lit", value = text, type = field.dataType } }
end

-- The pivot values as typed literals with the text naming their columns:
-- given values are cast to the pivot column's type, as Spark casts them.
local function typed_values(df, field, given)
  local nodes = {}
  for i, v in ipairs(given) do
    if type(v) == "table" and not getmetatable(v) then
      error(("pivot: value %d is a table; pivot takes values (strings, numbers, booleans)"):format(i), 0)
    end
    local value = column.isColumn(v) and v.node.k == "lit" and v.node.value or v
    nodes[i] = column.wrap({ k = "cast", expr = { k = "lit", value = value }, to = field.dataType })
  end
  local one_row = require("tide.session").localFrame(df._session, batchlib.fromRows({ { 1 } }, "one int"))
  local batch = one_row:select(nodes):toBatch()
  local values = {}
  for i = 1, #given do
    values[i] = value_of(batch.columns[i - 1], 0, field)
  end
  return values
end

-- The distinct values of the pivot column, sorted, nulls first.
local function distinct_values(df, field)
  local limit = tonumber(df._session.conf:get("spark.sql.pivotMaxValues", "10000")) or 10000
  local batch = df:select(field.name):distinct():orderBy(field.name):toBatch()
  local n = batch:count()
  if n > limit then
    error(("The pivot column %s has more than %d distinct values, this could indicate an error. If this was intended,"
      .. " set spark.sql.pivotMaxValues to at least the number of distinct values of the pivot column."):format(
      field.name, limit), 0)
  end
  local values = {}
  for r = 0, n - 1 do
    values[r + 1] = value_of(batch.columns[0], r, field)
  end
  return values
end

-- expr (an aggregate expression) over the rows whose pivot column is
-- null-safe equal to value: each aggregate call's arguments are taken
-- only there; a count is null for a group without such rows.
local function over_value(expr, pivot, value, is_aggregate)
  local matches = { k = "op", op = "<=>", left = col(pivot), right = value.node }
  local function only_there(arg) return { k = "case", branches = { { when = matches, value = arg } } } end
  local function rewrite(node)
    if is_aggregate(node) then
      local ignore = node.args[2]
      if FIRSTS[node.fn] and not (ignore and ignore.value == true) then
        local which = node.fn:match("last") and "last" or "first"
        error(("pivot: %s(x) takes the group's %s row, which a pivot value's rows do not start; %s(x, true) (its"
          .. " %s non-null value) can be pivoted"):format(node.fn, which, node.fn, which), 0)
      end
      -- every argument but a literal parameter (a percentage, a flag)
      -- masked, as Spark's pivot masks each child (max_by's ordering too)
      local call = { k = "call", fn = node.fn, args = {}, filter = node.filter } -- (its FILTER kept)
      for i, arg in ipairs(node.args) do
        local counted = arg.k == "star" or (arg.k == "lit" and arg.value ~= nil and node.fn == "count")
        call.args[i] = (i == 1 or arg.k ~= "lit") and only_there(counted and { k = "lit", value = 1 } or arg) or arg
      end
      if not COUNTS[node.fn] then return call end
      local rows = { k = "call", fn = "count", args = { only_there({ k = "lit", value = 1 }) } }
      return { k = "case", branches = { { when = { k = "op", op = ">", left = rows, right = { k = "lit", value = 0 } },
        value = call } } }
    end
    return require("tide.dataframe_aggregate").mapChildren(node, rewrite)
  end
  return rewrite(expr)
end

-- An aggregate expression's name as agg shows it: first(x, true) is first(x).
local function shown_name(node)
  if node.k == "call" and (node.fn == "first" or node.fn == "last") then
    return ("%s(%s)"):format(node.fn, names.toString(node.args[1]))
  end
  return names.outputName(node)
end

-- Installs GroupedData:pivot; aggregate_nodes(df, keys, nodes, level) is
-- tide.dataframe_aggregate's plan of aggregate expressions.
function M.install(GroupedData, aggregate_nodes, is_aggregate, has_aggregate)
  local Pivoted = {}
  Pivoted.__index = Pivoted

  -- pivot(column[, values]): as Spark's, only after groupBy.
  function GroupedData:pivot(name, values)
    local schema = self.df._plan.schema
    local field = schema.fields[key_index(schema, name_of(name, "pivot"), "pivot", 2) + 1]
    if values ~= nil and (type(values) ~= "table" or column.isColumn(values)) then
      error(("pivot(column, values): values is a list, not %s"):format(require("tide.checks").kindOf(values)), 2)
    end
    local ok, list = pcall(function()
      return values and typed_values(self.df, field, values) or distinct_values(self.df, field)
    end)
    if not ok then error(list, 2) end
    return setmetatable({ df = self.df, keys = self.keys, pivot = field.name, values = list }, Pivoted)
  end

  -- The pivoted aggregation of aggregate expressions (nodes); errors at
  -- the caller of the method calling it.
  local function pivot_nodes(self, nodes)
    local out = {}
    for _, expr in ipairs(nodes) do
      local bare = expr.k == "alias" and expr.expr or expr
      if not has_aggregate(bare) then
        error(("pivot: %s is not an aggregate (Spark: Aggregate expression required for pivot)"):format(
          names.toString(bare)), 3)
      end
    end
    for _, value in ipairs(self.values) do
      for _, expr in ipairs(nodes) do
        local bare, alias = expr, nil
        if bare.k == "alias" then bare, alias = bare.expr, bare.name end
        local ok, node = pcall(over_value, bare, self.pivot, value, is_aggregate)
        if not ok then error(node, 3) end
        local name = #nodes == 1 and value.text or ("%s_%s"):format(value.text, alias or shown_name(bare))
        out[#out + 1] = { k = "alias", expr = node, name = name }
      end
    end
    local grouped = aggregate_nodes(self.df, self.keys, out, 3)
    return grouped
  end

  function Pivoted:agg(...)
    local first, nodes = ..., {}
    if select("#", ...) == 1 and type(first) == "table" and not column.isColumn(first) and first[1] == nil then
      local schema, by_column = self.df._plan.schema, {}
      for name, fn in pairs(first) do
        local index = name == "*" and math.huge or index_of(schema, name, "agg", 2)
        by_column[#by_column + 1] = { index = index, node = { k = "call", fn = tostring(fn):lower(),
          args = { name == "*" and { k = "star" } or col(schema.fields[index + 1].name) } } }
      end
      table.sort(by_column, function(a, b) return a.index < b.index end)
      for i, a in ipairs(by_column) do nodes[i] = a.node end
    else
      for i, c in ipairs(arglist("agg", ...)) do
        if not column.isColumn(c) then error("agg takes Columns such as F.avg(\"x\"), or one table {x = \"avg\"}", 2) end
        nodes[i] = c.node
      end
    end
    if #nodes == 0 then error("agg needs at least one aggregate", 2) end
    local grouped = pivot_nodes(self, nodes)
    return grouped
  end

  -- (No tail calls to pivot_nodes: its errors count the method's frame.)
  function Pivoted:count()
    local grouped = pivot_nodes(self, { { k = "call", fn = "count", args = { { k = "star" } } } })
    return grouped
  end

  -- sum/avg/mean/min/max of the named columns, or of every numeric column
  -- that is neither a key nor the pivot column.
  for _, fn in ipairs({ "sum", "avg", "mean", "min", "max" }) do
    Pivoted[fn] = function(self, ...)
      local list, nodes = arglist(fn, ...), {}
      if #list == 0 then
        list = require("tide.dataframe_aggregate").numericColumns(self.df._plan.schema, self.keys, self.pivot)
      end
      for i, c in ipairs(list) do nodes[i] = { k = "call", fn = fn, args = { col(name_of(c, fn)) } } end
      local grouped = pivot_nodes(self, nodes)
      return grouped
    end
  end

  local checks = require("tide.checks")
  checks.colonCalls("GroupedData", "df:groupBy(...):pivot(...)", function(v) return getmetatable(v) == Pivoted end,
    Pivoted)
  Pivoted.__index = checks.strictIndex("GroupedData", "method", Pivoted)
end

return M
