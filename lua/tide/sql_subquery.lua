-- tide.sql_subquery — spark:sql's subqueries inside expressions, planned
-- as Spark's optimizer plans uncorrelated ones, as joins over the rows of
-- the FROM clause (`df`):
--
--   (SELECT one value ...)     anywhere: the subquery's value joined to
--                              every row; NULL when it has no row, and
--                              more than one row fails the query, as in Spark
--   x [NOT] IN (SELECT y ...)  a condition of WHERE (alone or under AND):
--                              a left semi (anti) join; NOT IN is
--                              null-aware, as Spark's
--   [NOT] EXISTS (SELECT ...)  a condition of WHERE: every row when the
--                              subquery has a row (none), else none
--
--   local sq = sql_subquery.new(df)
--   items = sq:scalars(items, grouped)   -- before sq:where
--   local rows = sq:where(condition)     -- the rows WHERE keeps
--
-- A subquery whose WHERE names the outer query's columns (a correlated
-- one, tide.sql_correlated) joins on those conditions too.
local sql = require("tide.sql")
local column = require("tide.column")
local aggregates = require("tide.dataframe_aggregate")

local M = {}
local Subqueries = {}
Subqueries.__index = Subqueries

local wrap = column.wrap
local function col(name, index) return { k = "col", name = name, index = index } end
local function call(fn, ...) return { k = "call", fn = fn, args = { ... } } end
local function op(o, l, r) return { k = "op", op = o, left = l, right = r } end
local function alias(name, expr) return wrap({ k = "alias", name = name, expr = expr }) end
local function count_all() return call("count", { k = "star" }) end

local function width(df) return #df._plan.schema.fields end

-- df: the FROM clause's rows; the columns joined to it go after its own.
function M.new(df) return setmetatable({ df = df, width = width(df) }, Subqueries) end

-- The FROM clause's own columns (what * stands for), by position.
function Subqueries:ownColumns()
  local fields, cols = self.df._plan.schema.fields, {}
  for i = 1, self.width do cols[i] = col(fields[i].name, i - 1) end
  return cols
end

-- The first `n` columns of df, by position (names may repeat after a join).
local function first_columns(df, n)
  local fields, cols = df._plan.schema.fields, {}
  for i = 1, n do cols[i] = wrap(col(fields[i].name, i - 1)) end
  return df:select(cols)
end

local function one_column(query, what)
  local n = width(query)
  if n ~= 1 then
    error(("spark:sql: %s must return only one column, but got %d"):format(what, n), 0)
  end
  return query._plan.schema.fields[1].name
end

-- A scalar subquery's value as a column of self.df: its one row joined to
-- every row (no row: NULL; more rows fail, when the query runs).
function Subqueries:scalar(query)
  if query._correlated then return self:correlatedScalar(query) end
  local v = one_column(query, "Scalar subquery")
  local value = query:agg(alias("n", count_all()), alias("v", call("first", col(v, 0))))
    :filter(wrap({ k = "isnull", expr = call("assert_true", op("<=", col("n"), { k = "lit", value = 1 }),
      { k = "lit", value = "spark:sql: more than one row returned by a subquery used as an expression" }) }))
    :select(alias("scalarsubquery()", col("v")))
  self.df = self.df:crossJoin(value)
  return col("scalarsubquery()", width(self.df) - 1)
end

-- A correlated scalar subquery's value as a column of self.df: its
-- groups left joined on the outer sides of its equalities (as columns of
-- their own); a row no group matches gets the value over no rows. Its
-- helper columns, named apart for each subquery, go again after.
function Subqueries:correlatedScalar(query)
  local corr = query._correlated
  if not corr.scalar then
    error("spark:sql: Correlated scalar subqueries must be aggregated (their value one per outer row: max(...),"
      .. " count(*), ...)", 0)
  end
  self.count = (self.count or 0) + 1
  local tag = ("__sq%d_"):format(self.count)
  local fields, kept = self.df._plan.schema.fields, {}
  for i, f in ipairs(fields) do kept[i] = wrap(col(f.name, i - 1)) end
  local outer, names, condition = {}, {}, nil
  for i = 1, corr.keys do
    outer[i] = alias(tag .. "o" .. i, corr.outer[i])
    names[i] = tag .. "k" .. i
    local eq = op(corr.ops[i], col(tag .. "o" .. i), col(names[i]))
    condition = condition and op("and", condition, eq) or eq
  end
  names[#names + 1], names[#names + 2] = tag .. "v", tag .. "m"
  local joined = self.df:select(wrap({ k = "star" }), unpack(outer))
    :join(query:toDF(names), wrap(condition), "left"):crossJoin(corr.empty:toDF({ tag .. "e" }))
  kept[#kept + 1] = alias("scalarsubquery()", { k = "case", branches = { { when = { k = "isnull", expr = col(tag .. "m") },
    value = col(tag .. "e") } }, otherwise = col(tag .. "v") })
  self.df = joined:select(kept)
  return col("scalarsubquery()", #fields)
end

-- The join condition of a correlated subquery's conditions, and more
-- (a condition of the subquery's columns named __sq_value...) when given.
local function correlated_condition(corr, more)
  local condition = more
  for _, c in ipairs(corr.conditions) do condition = condition and op("and", condition, c) or c end
  return wrap(condition)
end

-- query's columns, its own renamed first (so that none shares an outer
-- column's name), the hidden ones kept.
local function renamed(query, own)
  local names = {}
  for i, f in ipairs(query._plan.schema.fields) do names[i] = own[i] or f.name end
  return query:toDF(names)
end

-- rows with the outer sides of a correlated subquery's equalities that
-- are expressions as columns of their own (after rows' n columns).
local function with_outer_columns(rows, corr)
  if #(corr.outerColumns or {}) == 0 then return rows end
  local extra = {}
  for i, o in ipairs(corr.outerColumns) do extra[i] = alias(o.name, o.expr) end
  return rows:select(wrap({ k = "star" }), unpack(extra))
end

-- node (or a list of nodes) with each scalar subquery replaced by its
-- column; in a grouped query, first(column) where no aggregate is around
-- it (the value is one for every group).
function Subqueries:scalars(node, grouped)
  local function walk(n, in_aggregate)
    if type(n) ~= "table" or getmetatable(n) then return n end
    if n.k == "scalarsubquery" then
      local ref = self:scalar(n.query)
      if not grouped or in_aggregate then return ref end
      return { k = "alias", name = "scalarsubquery()", expr = call("first", ref) }
    end
    local inside = in_aggregate or aggregates.isAggregate(n)
    return aggregates.mapChildren(n, function(child) return walk(child, inside) end)
  end
  return walk(node, false)
end

local SUBQUERY = { insubquery = true, exists = true }

-- A subquery condition (negated or not), or nil.
local function subquery_condition(c)
  if SUBQUERY[c.k] then return c, false end
  if c.k == "not" and SUBQUERY[c.expr.k] then return c.expr, true end
end

local function holds_subquery(node)
  if type(node) ~= "table" or getmetatable(node) then return false end
  if SUBQUERY[node.k] then return true end
  for _, v in pairs(node) do
    if holds_subquery(v) then return true end
  end
  return false
end

-- rows whose value e is (negated: is not) in the subquery's.
function Subqueries:inSubquery(rows, c, negated)
  local corr = c.query._correlated
  if corr and corr.scalar then
    -- one value per outer row: x IN (it) is x = it
    local n, saved = width(rows), self.df
    self.df = rows
    local value = self:correlatedScalar(c.query)
    local equal = op("=", c.expr, value)
    rows, self.df = self.df:filter(wrap(negated and { k = "not", expr = equal } or equal)), saved
    return first_columns(rows, n)
  end
  if corr then
    if corr.width ~= 1 then
      error(("spark:sql: IN subquery must return only one column, but got %d"):format(corr.width), 0)
    end
    local n = width(rows)
    local keyed = with_outer_columns(rows:select(wrap({ k = "star" }), alias("__in", c.expr)), corr)
    local equal = op("=", col("__in"), col("__in_value"))
    -- NOT IN as Spark rewrites it: no row where x = y or that is unknown
    local match = negated and op("or", equal, { k = "isnull", expr = equal }) or equal
    return first_columns(keyed:join(renamed(c.query, { "__in_value" }), correlated_condition(corr, match),
      negated and "left_anti" or "left_semi"), n)
  end
  local v = one_column(c.query, "IN subquery")
  local n = width(rows)
  local keyed = rows:select(wrap({ k = "star" }), alias("__in", c.expr))
  local values = c.query:toDF({ "__in_value" })
  local equal = wrap(op("=", col("__in"), col("__in_value")))
  if not negated then return first_columns(keyed:join(values, equal, "left_semi"), n) end
  -- NOT IN as Spark's null-aware anti join: every row when the subquery
  -- has no row; none when it has a NULL; else the rows whose value is
  -- not NULL and not among the subquery's.
  local stats = c.query:agg(alias("__n", count_all()), alias("__values", call("count", col(v, 0))))
  local kept = keyed:join(values, equal, "left_anti"):crossJoin(stats)
    :filter(wrap(op("or", op("=", col("__n"), { k = "lit", value = 0 }),
      op("and", op("=", col("__values"), col("__n")), { k = "isnotnull", expr = col("__in") }))))
  return first_columns(kept, n)
end

-- rows when the subquery has a row (negated: when it has none).
function Subqueries:exists(rows, c, negated)
  local n = width(rows)
  local corr = c.query._correlated
  if corr and corr.scalar then
    -- an aggregate without GROUP BY has a row for every outer row
    return negated and rows:filter(wrap({ k = "lit", value = false })) or rows
  end
  if corr then
    local own = {}
    for i = 1, corr.width do own[i] = "__sq_" .. i end
    return first_columns(with_outer_columns(rows, corr):join(renamed(c.query, own), correlated_condition(corr),
      negated and "left_anti" or "left_semi"), n)
  end
  local count = c.query:agg(alias("__n", count_all()))
  local test = op(negated and "=" or ">", col("__n"), { k = "lit", value = 0 })
  return first_columns(rows:crossJoin(count):filter(wrap(test)), n)
end

-- The rows of self.df that condition keeps: its subquery conditions as
-- joins, the rest as a filter.
function Subqueries:where(condition)
  local rest, tests = nil, {}
  for _, c in ipairs(sql.conjuncts(condition, {})) do
    local sub, negated = subquery_condition(c)
    if sub then
      tests[#tests + 1] = { self:scalars(sub, false), negated }
    elseif holds_subquery(c) then
      error(("spark:sql: %s: an IN or EXISTS subquery is a condition of WHERE of its own (joined by AND),"
        .. " not part of another expression"):format(sql.toString(c)), 0)
    else
      rest = rest and op("and", rest, c) or c
    end
  end
  rest = rest and self:scalars(rest, false)
  local rows = self.df -- with every scalar subquery's column
  if rest then rows = rows:filter(wrap(rest)) end
  for _, t in ipairs(tests) do
    local c, negated = t[1], t[2]
    rows = c.k == "exists" and self:exists(rows, c, negated) or self:inSubquery(rows, c, negated)
  end
  return rows
end

return M
