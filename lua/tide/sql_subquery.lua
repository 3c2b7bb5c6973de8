-- tide.sql_subquery — spark:sql's subqueries inside expressions, planned
-- as Spark's optimizer plans them, as joins over the rows of the FROM
-- clause (`df`):
--
--   (SELECT one value ...)     anywhere: the subquery's value joined to
--                              every row; NULL when it has no row, and
--                              more than one row fails the query, as in Spark
--   x [NOT] IN (SELECT y ...)  a condition of WHERE (alone or under AND):
--                              a left semi (anti) join; NOT IN is
--                              null-aware, as Spark's
--   [NOT] EXISTS (SELECT ...)  a condition of WHERE: every row when the
--                              subquery has a row (none), else none
--   EXISTS (...), x IN (...)   elsewhere (the select list, HAVING, WHERE
--                              under OR, NOT or CASE): a boolean per row,
--                              never NULL (Spark's existence join): IN
--                              true where a value is x; NOT IN (and an IN
--                              under NOTs that Spark's BooleanSimplification
--                              would push down to it) null-aware, false
--                              also where x or a value is NULL
--
--   local sq = sql_subquery.new(df)
--   items = sq:values(items, { grouped = ... })  -- before sq:where
--   local rows = sq:where(condition)             -- the rows WHERE keeps
--
-- A subquery whose WHERE names the outer query's columns (a correlated
-- one, tide.sql_correlated) joins on those conditions too; its value is
-- named after the outer columns it reads, as Spark names it
-- (scalarsubquery(k), exists(k), (v IN (listquery(k)))). IN's sides are
-- cast as Spark's IN casts them, a correlated equality's as its
-- comparisons (tide.sql_subquery_types); in an aggregate query an
-- uncorrelated subquery outside the aggregates is joined to the groups,
-- once made (values' afterGroups, tide.sql_plan). Which subqueries of an
-- expression become columns, and where a grouped query may hold them, is
-- tide.sql_subquery_values'.
local sql = require("tide.sql")
local column = require("tide.column")
local aggregates = require("tide.dataframe_aggregate")
local correlation = require("tide.sql_correlated")
local types = require("tide.sql_subquery_types")
local subquery_values = require("tide.sql_subquery_values")
local type_in, cast_to, comparison_type, in_operands = types.typeIn, types.castTo, types.comparisonType,
  types.inOperands

local M = {}
local Subqueries = {}
Subqueries.__index = Subqueries

local wrap = column.wrap
local function col(name, index) return { k = "col", name = name, index = index } end
local function lit(value) return { k = "lit", value = value } end
local function call(fn, ...) return { k = "call", fn = fn, args = { ... } } end
local function op(o, l, r) return { k = "op", op = o, left = l, right = r } end
local function alias(name, expr) return wrap({ k = "alias", name = name, expr = expr }) end
local function count_all() return call("count", { k = "star" }) end
local function is_null(e) return { k = "isnull", expr = e } end
local function case(branches, otherwise)
  local list = {}
  for i, b in ipairs(branches) do list[i] = { when = b[1], value = b[2] } end
  return { k = "case", branches = list, otherwise = otherwise }
end

local function width(df) return #df._plan.schema.fields end

-- df with its first column named `name` (its type `from`) as type t.
local function first_as(df, name, from, t)
  local fields, cols = df._plan.schema.fields, {}
  for i, f in ipairs(fields) do cols[i] = wrap(col(f.name, i - 1)) end
  cols[1] = alias(name, cast_to(col(fields[1].name, 0), from, t))
  return df:select(cols)
end

-- tide.sql_plan's plan of a select (loaded when first used: it loads
-- this module).
local function plan_select(...) return require("tide.sql_plan").plan(...) end

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

-- (a correlated subquery's own columns: its select's, not the hidden ones)
local function one_column(query, what)
  local n = query._correlated and query._correlated.width or width(query)
  if n ~= 1 then
    error(("spark:sql: %s must return only one column, but got %d"):format(what, n), 0)
  end
  return query._plan.schema.fields[1].name
end

-- A fresh prefix for one subquery's helper columns.
function Subqueries:tag()
  self.count = (self.count or 0) + 1
  return ("__sq%d_"):format(self.count)
end

-- self.df's first n columns and then expr named `name`; the column's node.
function Subqueries:keep(n, name, expr)
  local fields, kept = self.df._plan.schema.fields, {}
  for i = 1, n do kept[i] = wrap(col(fields[i].name, i - 1)) end
  kept[n + 1] = alias(name, expr)
  self.df = self.df:select(kept)
  return col(name, n)
end

-- The outer columns a correlated subquery reads, as Spark lists them in
-- its name: "k, v" ("" for an uncorrelated one).
local function outer_list(query)
  return table.concat(query._correlated and query._correlated.outerNames or {}, ", ")
end

-- The name Spark gives x IN (subquery): (x IN (listquery(k))).
local function in_name(node)
  return "(" .. sql.toString(node.expr) .. " IN (listquery(" .. outer_list(node.query) .. ")))"
end

-- An uncorrelated subquery as a source of rows (tide.sql_correlated's
-- shape): its rows, its first column also as the hidden column
-- __corr_v1, and no condition.
local function plain_source(query)
  local first = query._plan.schema.fields[1]
  return { conditions = {}, plan = plan_select, valueColumn = correlation.HIDDEN .. "v1",
    rows = query:select(wrap({ k = "star" }), alias(correlation.HIDDEN .. "v1", col(first.name, 0))) }
end

-- Per row of self.df, `values` (aggregates over src's inner rows) over
-- the inner rows that src's conditions (and `more`) match, joined to
-- self.df as columns; a row nothing matches gets their values over no
-- rows (count(*) 0, not NULL: Spark's count bug fix). Returns an
-- expression for each, over self.df's columns.
--
-- When every condition is an equality of an inner and an outer side, the
-- inner rows are grouped by the inner sides and left joined on them;
-- otherwise (Spark's DecorrelateInnerQuery) the distinct values of the
-- outer columns the conditions read are joined to the inner rows on
-- them (every pair, filtered by the conditions), grouped by those values
-- and left joined back on them with <=>.
function Subqueries:aggregated(src, values, more)
  local conditions = {}
  for _, c in ipairs(src.conditions) do conditions[#conditions + 1] = c end
  for _, c in ipairs(more or {}) do conditions[#conditions + 1] = c end
  local tag = self:tag()
  local outputs = {}
  if #conditions == 0 then
    local list = {}
    for j, v in ipairs(values) do
      list[j], outputs[j] = { k = "alias", name = tag .. "v" .. j, expr = v }, col(tag .. "v" .. j)
    end
    self.df = self.df:crossJoin(src.plan(src.rows, list, false, nil, nil, {}))
    return outputs
  end
  local keys, outer, ops, keyed = {}, {}, {}, true
  for i, c in ipairs(conditions) do
    keys[i], outer[i], ops[i] = correlation.equality(c)
    if not keys[i] then keyed = false end
  end
  local inner_rows = src.rows
  if keyed then
    -- (a string key meeting a number one: both as the number's type, the
    -- inner one a column of its own to group by)
    for i = 1, #keys do
      local kt, ot = type_in(inner_rows, keys[i]), type_in(self.df, outer[i])
      local t = comparison_type(ot, kt)
      if t then
        inner_rows = inner_rows:select(wrap({ k = "star" }), alias(tag .. "c" .. i, cast_to(keys[i], kt, t)))
        keys[i], outer[i] = col(tag .. "c" .. i), cast_to(outer[i], ot, t)
      end
    end
  else
    local columns, domain, renamed = correlation.outerColumns(conditions), {}, {}
    for i, c in ipairs(columns) do
      domain[i] = alias(tag .. "d" .. i, c)
      renamed[correlation.columnKey(c)] = tag .. "d" .. i
    end
    local function rename(n)
      if type(n) ~= "table" or getmetatable(n) then return n end
      local to = n.k == "col" and type(n.name) == "string" and renamed[correlation.columnKey(n)]
      if to then return col(to) end
      return aggregates.mapChildren(n, rename)
    end
    -- (a join needs an equality of the sides' columns: one of constants
    -- pairs every row, the conditions then filter the pairs)
    local condition = op("=", col(tag .. "one"), col(tag .. "one2"))
    for _, c in ipairs(conditions) do condition = op("and", condition, rename(c)) end
    local distinct = #domain > 0 and self.df:select(domain):distinct() or self.df:limit(1):select()
    inner_rows = distinct:select(wrap({ k = "star" }), alias(tag .. "one", lit(1)))
      :join(src.rows:select(wrap({ k = "star" }), alias(tag .. "one2", lit(1))), wrap(condition), "inner")
    keys, outer, ops = {}, {}, {}
    for i, c in ipairs(columns) do keys[i], outer[i], ops[i] = col(tag .. "d" .. i), c, "<=>" end
  end
  local selected, empties, names = {}, {}, {}
  for i, k in ipairs(keys) do
    selected[i], names[i] = { k = "alias", name = "__key" .. i, expr = k }, tag .. "k" .. i
  end
  for j, v in ipairs(values) do
    selected[#selected + 1], names[#names + 1] = { k = "alias", name = "__value" .. j, expr = v }, tag .. "v" .. j
    empties[j] = { k = "alias", name = tag .. "e" .. j, expr = v }
  end
  selected[#selected + 1], names[#names + 1] = { k = "alias", name = "__matched", expr = lit(true) }, tag .. "m"
  local groups = src.plan(inner_rows, selected, false, #keys > 0 and keys or nil, nil, {})
  local empty = src.plan(src.rows:limit(0), empties, false, nil, nil, {})
  local outer_cols, condition = {}, nil
  for i = 1, #keys do
    outer_cols[i] = alias(tag .. "o" .. i, outer[i])
    local eq = op(ops[i], col(tag .. "o" .. i), col(tag .. "k" .. i))
    condition = condition and op("and", condition, eq) or eq
  end
  self.df = self.df:select(wrap({ k = "star" }), unpack(outer_cols))
    :join(groups:toDF(names), condition and wrap(condition), "left"):crossJoin(empty)
  for j = 1, #values do
    outputs[j] = case({ { is_null(col(tag .. "m")), col(tag .. "e" .. j) } }, col(tag .. "v" .. j))
  end
  return outputs
end

-- A scalar subquery's value as a column of self.df: its one row joined to
-- every row (no row: NULL; more rows fail, when the query runs); a
-- correlated one's aggregate per row (aggregated).
function Subqueries:scalar(query)
  local corr = query._correlated
  if corr then
    if not corr.scalar and not (corr.grouped and corr.aggregates) then
      error("spark:sql: [UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.MUST_AGGREGATE_CORRELATED_SCALAR_SUBQUERY]"
        .. " Unsupported subquery expression: Correlated scalar subqueries must be aggregated to return at most"
        .. " one row (max(...), count(*), ... over the matching rows).", 0)
    end
    one_column(query, "Scalar subquery")
    local n, value = width(self.df), nil
    if corr.grouped then
      -- GROUP BY keys the correlated equalities pin leave one group at
      -- most for each outer row: its value, NULL where there is none
      -- (no count bug: the aggregate of no rows is no group)
      if #corr.looseKeys > 0 then
        error(("spark:sql: [UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.NON_CORRELATED_COLUMNS_IN_GROUP_BY]"
          .. " Unsupported subquery expression: A GROUP BY clause in a scalar correlated subquery cannot contain"
          .. " non-correlated columns: %s."):format(table.concat(corr.looseKeys, ",")), 0)
      end
      if #corr.refused > 0 then
        error(("spark:sql: %s: a correlated scalar subquery with GROUP BY correlated by more than equalities of"
          .. " its columns and the outer query's is not supported in tide"):format(table.concat(corr.refused,
          " AND ")), 0)
      end
      value = self:aggregated(corr.source, { call("first", col(corr.source.valueColumn)) })[1]
    else
      value = self:aggregated(corr.source, { corr.values[1] })[1]
    end
    return self:keep(n, "scalarsubquery(" .. outer_list(query) .. ")", value)
  end
  local v = one_column(query, "Scalar subquery")
  local value = query:agg(alias("n", count_all()), alias("v", call("first", col(v, 0))))
    :filter(wrap(is_null(call("assert_true", op("<=", col("n"), lit(1)),
      lit("spark:sql: more than one row returned by a subquery used as an expression")))))
    :select(alias("scalarsubquery()", col("v")))
  self.df = self.df:crossJoin(value)
  return col("scalarsubquery()", width(self.df) - 1)
end

-- A correlated EXISTS or IN subquery with GROUP BY whose conditions
-- cannot be pulled above its groups is refused, as Spark's CheckAnalysis
-- refuses it (canPullUpOverAgg).
local function check_groups(corr)
  if corr and corr.grouped and #corr.refused > 0 then
    error(("spark:sql: [UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_COLUMN_IS_NOT_ALLOWED_IN_PREDICATE]"
      .. " Unsupported subquery expression: Correlated column is not allowed in predicate: %s (under the"
      .. " subquery's GROUP BY, a correlated condition is an equality of one of its columns and the outer"
      .. " query's)"):format(table.concat(corr.refused, " AND ")), 0)
  end
end

-- EXISTS (query) as a boolean column of self.df: whether the subquery
-- has a row (a correlated one: one its conditions match for the row).
function Subqueries:existsValue(query)
  local corr = query._correlated
  check_groups(corr)
  local name = "exists(" .. outer_list(query) .. ")"
  local n = width(self.df)
  -- an aggregate without GROUP BY has a row for every outer row
  if corr and corr.scalar then return self:keep(n, name, lit(true)) end
  local count = self:aggregated(corr and corr.source or plain_source(query), { count_all() })[1]
  return self:keep(n, name, op(">", count, lit(0)))
end

-- x IN (query) as a boolean column of self.df, never NULL, as Spark's
-- existence join makes it: true where a value of the subquery's
-- (matched) rows is x, else false. Under a NOT (negated), the complement
-- of the null-aware x NOT IN (query) instead, true also where the
-- subquery has rows and x or one of their values is NULL (Spark's join
-- on x = v OR isnull(x = v)), so that the NOT above it gives NOT IN.
function Subqueries:inValue(node, x, negated)
  local query, corr = node.query, node.query._correlated
  check_groups(corr)
  local name = "(" .. sql.toString(x) .. " IN (listquery(" .. outer_list(query) .. ")))"
  local n = width(self.df)
  if aggregates.hasAggregate({ x }) then
    error(("spark:sql: %s: an IN subquery's value over an aggregate is not supported in tide"):format(name), 0)
  end
  if corr and corr.scalar then
    -- one value per outer row: x IN (it) is x = it, a NULL comparison
    -- false (under a NOT: true)
    one_column(query, "IN subquery")
    local value = self:aggregated(corr.source, { corr.values[1] })[1]
    local left, right = in_operands(x, type_in(self.df, x), value, type_in(self.df, value), name)
    return self:keep(n, name, call("coalesce", op("=", left, right), lit(negated == true)))
  end
  if corr and corr.width ~= 1 then
    error(("spark:sql: IN subquery must return only one column, but got %d"):format(corr.width), 0)
  end
  if not corr then one_column(query, "IN subquery") end
  local src = corr and corr.source or plain_source(query)
  local value = col(src.valueColumn)
  local left, right = in_operands(x, type_in(self.df, x), value, type_in(src.rows, value), name,
    query._plan.schema.fields[1].name)
  local hits = self:aggregated(src, { count_all() }, { op("=", left, right) })[1]
  if not negated then return self:keep(n, name, op(">", hits, lit(0))) end
  local stats = self:aggregated(src, { count_all(), call("count", value) })
  local rows, values = stats[1], stats[2]
  return self:keep(n, name, op("or", op(">", hits, lit(0)),
    op("and", op(">", rows, lit(0)), op("or", is_null(x), op("<", values, rows)))))
end

-- expr (over self.df) as a column of its own, named after its place
-- among them: its reference by name.
function Subqueries:column(expr)
  local name = ("__keyvalue%d"):format(width(self.df) + 1)
  self.df = self.df:select(wrap({ k = "star" }), alias(name, expr))
  return col(name)
end

-- Whether node holds an EXISTS or IN subquery (not inside another
-- subquery's query).
function M.holdsPredicate(node)
  if type(node) ~= "table" or getmetatable(node) then return false end
  if node.k == "exists" or node.k == "insubquery" then return true end
  for key, v in pairs(node) do
    if key ~= "query" and M.holdsPredicate(v) then return true end
  end
  return false
end

-- Whether node is a subquery (tide.sql_subquery_values).
M.isSubquery = subquery_values.isSubquery

-- node (or a list of nodes) with each subquery replaced by its column
-- (tide.sql_subquery_values: opts, what a grouped query allows).
function Subqueries:values(node, opts) return subquery_values.replace(self, node, opts) end

-- The scalar subqueries of node replaced by their columns (values).
function Subqueries:scalars(node, grouped)
  return self:values(node, { grouped = grouped })
end

-- The join condition of a correlated subquery's conditions, and more
-- (a condition of the subquery's columns named __sq_value...) when given.
local function correlated_condition(corr, more)
  local condition = more
  for _, c in ipairs(corr.conditions) do condition = condition and op("and", condition, c) or c end
  return condition
end

local EQUALITY = { ["="] = true, ["=="] = true, ["<=>"] = true }

-- left joined to right on condition (`how`: semi or anti). tide's join
-- hashes on an equality of a column of each side; where the condition
-- has none (keyed false: u.lim > t.v), a constant column on each side is
-- one, and the condition decides which of all the pairs match (Spark's
-- nested-loop join). An equality of a column of each side whose types
-- the join cannot compare (a string and a number) is one of columns cast
-- to one type, as Spark's comparison casts them.
local function join_on(left, right, condition, how, keyed)
  local parts, more_left, more_right = {}, {}, {}
  for i, c in ipairs(sql.conjuncts(condition, {})) do
    if c.k == "op" and EQUALITY[c.op] and c.left.k == "col" and c.right.k == "col" then
      local lt, rt = type_in(left, c.left), type_in(right, c.right)
      local t = comparison_type(lt, rt)
      if t then
        more_left[#more_left + 1] = alias("__key_l" .. i, cast_to(c.left, lt, t))
        more_right[#more_right + 1] = alias("__key_r" .. i, cast_to(c.right, rt, t))
        c = op(c.op, col("__key_l" .. i), col("__key_r" .. i))
      end
    end
    parts[i] = c
  end
  if #more_left > 0 then
    left = left:select(wrap({ k = "star" }), unpack(more_left))
    right = right:select(wrap({ k = "star" }), unpack(more_right))
    condition = parts[1]
    for i = 2, #parts do condition = op("and", condition, parts[i]) end
  end
  if not keyed then
    left = left:select(wrap({ k = "star" }), alias("__pair", lit(1)))
    right = right:select(wrap({ k = "star" }), alias("__pair2", lit(1)))
    condition = op("and", op("=", col("__pair"), col("__pair2")), condition)
  end
  return left:join(right, wrap(condition), how)
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

local SUBQUERY = { insubquery = true, exists = true }

-- A subquery condition (negated or not), or nil.
local function subquery_condition(c)
  if SUBQUERY[c.k] then return c, false end
  if c.k == "not" and SUBQUERY[c.expr.k] then return c.expr, true end
end

-- rows whose value e is (negated: is not) in the subquery's.
function Subqueries:inSubquery(rows, c, negated)
  local corr = c.query._correlated
  if corr and corr.scalar then
    -- one value per outer row: x IN (it) is x = it
    one_column(c.query, "IN subquery")
    local n, saved = width(rows), self.df
    self.df = rows
    local value = self:aggregated(corr.source, { corr.values[1] })[1]
    local equal = op("=", in_operands(c.expr, type_in(self.df, c.expr), value, type_in(self.df, value),
      in_name(c)))
    rows, self.df = self.df:filter(wrap(negated and { k = "not", expr = equal } or equal)), saved
    return first_columns(rows, n)
  end
  if corr then
    if corr.width ~= 1 then
      error(("spark:sql: IN subquery must return only one column, but got %d"):format(corr.width), 0)
    end
    check_groups(corr)
    local n = width(rows)
    local values = renamed(c.query, { "__in_value" })
    local vt = type_in(values, col("__in_value", 0))
    local x, value = in_operands(c.expr, type_in(rows, c.expr), col("__in_value", 0), vt, in_name(c),
      c.query._plan.schema.fields[1].name)
    if value.k == "cast" then values = first_as(values, "__in_value", vt, value.to) end
    local keyed = with_outer_columns(rows:select(wrap({ k = "star" }), alias("__in", x)), corr)
    local equal = op("=", col("__in"), col("__in_value"))
    -- NOT IN as Spark rewrites it: no row where x = y or that is unknown
    local match = negated and op("or", equal, is_null(equal)) or equal
    return first_columns(join_on(keyed, values, correlated_condition(corr, match),
      negated and "left_anti" or "left_semi", corr.joinable or not negated), n)
  end
  local v = one_column(c.query, "IN subquery")
  local n = width(rows)
  local vt = type_in(c.query, col(v, 0))
  local x, value = in_operands(c.expr, type_in(rows, c.expr), col(v, 0), vt, in_name(c))
  local keyed = rows:select(wrap({ k = "star" }), alias("__in", x))
  local values = c.query:select(alias("__in_value", value))
  local equal = wrap(op("=", col("__in"), col("__in_value")))
  if not negated then return first_columns(keyed:join(values, equal, "left_semi"), n) end
  -- NOT IN as Spark's null-aware anti join: every row when the subquery
  -- has no row; none when it has a NULL; else the rows whose value is
  -- not NULL and not among the subquery's.
  local stats = c.query:agg(alias("__n", count_all()), alias("__values", call("count", col(v, 0))))
  local kept = keyed:join(values, equal, "left_anti"):crossJoin(stats)
    :filter(wrap(op("or", op("=", col("__n"), lit(0)),
      op("and", op("=", col("__values"), col("__n")), { k = "isnotnull", expr = col("__in") }))))
  return first_columns(kept, n)
end

-- rows when the subquery has a row (negated: when it has none).
function Subqueries:exists(rows, c, negated)
  local n = width(rows)
  local corr = c.query._correlated
  if corr and corr.scalar then
    -- an aggregate without GROUP BY has a row for every outer row
    return negated and rows:filter(wrap(lit(false))) or rows
  end
  if corr then
    check_groups(corr)
    local own = {}
    for i = 1, corr.width do own[i] = "__sq_" .. i end
    return first_columns(join_on(with_outer_columns(rows, corr), renamed(c.query, own), correlated_condition(corr),
      negated and "left_anti" or "left_semi", corr.joinable), n)
  end
  local count = c.query:agg(alias("__n", count_all()))
  local test = op(negated and "=" or ">", col("__n"), lit(0))
  return first_columns(rows:crossJoin(count):filter(wrap(test)), n)
end

-- The rows of self.df that condition keeps: its [NOT] IN and [NOT]
-- EXISTS conditions as semi (anti) joins, the rest as a filter, where an
-- IN or EXISTS inside another expression (under OR or NOT, in CASE) is
-- its boolean value (Spark's existence joins; NOT IN null-aware there
-- too, so that where SQL's NOT IN is NULL no row is kept either).
function Subqueries:where(condition)
  local rest, tests = nil, {}
  for _, c in ipairs(sql.conjuncts(condition, {})) do
    local sub, negated = subquery_condition(c)
    if sub then
      tests[#tests + 1] = { self:scalars(sub, false), negated }
    else
      rest = rest and op("and", rest, c) or c
    end
  end
  rest = rest and self:values(rest, { predicates = true })
  local rows = self.df -- with every subquery value's column
  if rest then rows = rows:filter(wrap(rest)) end
  for _, t in ipairs(tests) do
    local c, negated = t[1], t[2]
    rows = c.k == "exists" and self:exists(rows, c, negated) or self:inSubquery(rows, c, negated)
  end
  return rows
end

return M
