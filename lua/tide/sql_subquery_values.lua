-- tide.sql_subquery_values — the subqueries inside an expression replaced
-- by their columns, which tide.sql_subquery joins to the FROM clause's
-- rows: scalar subqueries anywhere, EXISTS and IN where predicates are
-- asked for; an IN under NOTs that Spark's optimizer would push down to
-- it made as its NOT IN's complement; in a grouped query, first(column)
-- outside aggregates, as far as Spark allows one there.
--
--   local node = sql_subquery_values.replace(sq, node, { grouped = ..., predicates = true })
local S = require("tide.sql_support")
local aggregates = require("tide.dataframe_aggregate")

local M = {}

local function call(fn, ...) return { k = "call", fn = fn, args = { ... } } end

-- Whether node is a subquery (a scalar one; with predicates, EXISTS and
-- IN too).
function M.isSubquery(node, predicates)
  return node.k == "scalarsubquery" or (predicates and (node.k == "exists" or node.k == "insubquery")) or false
end

-- Whether every name of list is in `names` (a set of lower-case names),
-- and else the first that is not.
local function reads_only(list, names)
  for _, name in ipairs(list) do
    if not names[name:lower()] then return false, name end
  end
  return true
end

-- node (or a list of nodes) with each subquery replaced by its column (sq:
-- a tide.sql_subquery object, which makes the columns and joins them):
-- scalar ones, and with opts.predicates EXISTS and IN too. In a grouped
-- query (opts.grouped), where no aggregate is around it, first(column)
-- (the value is one for each group): for a correlated one only when it
-- reads GROUP BY columns only (opts.groupNames), and a scalar one only in
-- HAVING (opts.having), as Spark allows. With opts.afterGroups an
-- uncorrelated one there is left as it is (x IN's x replaced): its value
-- is the query's own, not its rows', which tide.sql_plan's plan joins
-- to the groups once made (one even when no row makes a group).
function M.replace(sq, node, opts)
  opts = opts or {}
  local function per_group(n, ref, name)
    local corr = n.query._correlated
    if corr then
      if n.k == "scalarsubquery" and not opts.having then
        error(("spark:sql: [SCALAR_SUBQUERY_IS_IN_GROUP_BY_OR_AGGREGATE_FUNCTION] The correlated scalar subquery"
          .. " '\"%s\"' is neither present in GROUP BY, nor in an aggregate function. Add it to GROUP BY using"
          .. " ordinal position or wrap it in `first()` (or `first_value`) if you don't care which value you"
          .. " get."):format(name), 0)
      end
      local ok, other = reads_only(corr.outerNames, opts.groupNames or {})
      if not ok then
        error(("spark:sql: [MISSING_AGGREGATION] The non-aggregating expression \"%s\" is based on columns which"
          .. " are not participating in the GROUP BY clause. Add the columns or the expression to the GROUP BY,"
          .. " aggregate the expression, or use \"any_value(%s)\" if you do not care which of the values within"
          .. " a group is returned (the correlated subquery %s reads it)."):format(other, other, name), 0)
      end
    end
    return { k = "alias", name = name, expr = call("first", ref) }
  end
  local walk
  -- negated: whether NOTs make node's value count negated, as it would
  -- once Spark's optimizer pushed them down to it (BooleanSimplification,
  -- through ANDs and ORs; SimplifyBinaryComparison, x = false as NOT x,
  -- x = true as x, either side); an IN there is its NOT IN's complement
  -- (inValue).
  local function walk_children(n, inside, negated)
    local child_negated, literal_side = false, nil
    if n.k == "not" then
      child_negated = not negated
    elseif n.k == "op" and (n.op == "and" or n.op == "or") then
      child_negated = negated
    elseif n.k == "op" and (n.op == "=" or n.op == "!=") then
      for _, side in ipairs({ "left", "right" }) do
        local lit_node = n[side]
        if type(lit_node) == "table" and lit_node.k == "lit" and type(lit_node.value) == "boolean" then
          literal_side = lit_node
          child_negated = negated ~= ((n.op == "=") ~= lit_node.value)
        end
      end
    end
    local copy = aggregates.mapChildren(n, function(child)
      return walk(child, inside, child ~= literal_side and child_negated)
    end)
    -- (a window's PARTITION BY and ORDER BY are outside its function)
    if n.k == "window" and n.spec then
      copy.spec = S.mapWindowSpec(n.spec, function(child) return walk(child, inside, false) end)
    end
    return copy
  end
  walk = function(n, in_aggregate, negated)
    if type(n) ~= "table" or getmetatable(n) then return n end
    local inside = in_aggregate or aggregates.isAggregate(n)
    local ref
    if opts.afterGroups and opts.grouped and not in_aggregate and M.isSubquery(n, opts.predicates)
        and not n.query._correlated then
      if n.k ~= "insubquery" then return n end
      local copy = aggregates.mapChildren(n, function(v) return v end)
      copy.expr = walk(n.expr, inside, false)
      return copy
    end
    if n.k == "scalarsubquery" then
      ref = sq:scalar(n.query)
    elseif n.k == "exists" and opts.predicates then
      ref = sq:existsValue(n.query)
    elseif n.k == "insubquery" and opts.predicates then
      ref = sq:inValue(n, walk(n.expr, inside, false), negated)
    else
      return walk_children(n, inside, negated)
    end
    if not opts.grouped or in_aggregate then return ref end
    return per_group(n, ref, ref.name)
  end
  return walk(node, false, false)
end

return M
