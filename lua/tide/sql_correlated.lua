-- tide.sql_correlated — spark:sql's correlated subqueries: a subquery
-- whose WHERE names the outer query's columns, in the outer query's WHERE
-- or select list (or HAVING), decorrelated into joins over the outer rows
-- as Spark's optimizer does (tide.sql_subquery makes the joins):
--
--   WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k AND u.v > t.v)
--     a left semi join on the correlated conditions (NOT EXISTS: anti;
--     without an equality, u.v > t.v, every pair is tested)
--   WHERE x IN (SELECT y FROM u WHERE u.k = t.k)
--     a left semi join on x = y and them (NOT IN: an anti join on
--     (x = y OR (x = y) IS NULL) and them, Spark's null-aware rewrite)
--   (SELECT avg(v) FROM t u WHERE u.k = t.k), anywhere
--     the aggregate grouped by the inner side of each equality, left
--     joined on them; a row no group matches gets the aggregate of no rows
--     (count(*) is 0 there, as Spark's count bug fix makes it)
--   (SELECT max(v) FROM u WHERE u.v < t.v)
--     Spark's domain join: the distinct outer values the conditions read,
--     joined to the inner rows on them, the aggregate grouped by them and
--     left joined back on them (<=>)
--   EXISTS (...) and x IN (...) as values (the select list, HAVING, and
--     WHERE under OR or NOT): aggregates of the same joins (a count of the
--     matched rows; for IN also of the matches of x and of NULLs, for its
--     three-valued result)
--   EXISTS (SELECT k FROM u WHERE u.k = t.k GROUP BY k)
--     the groups, grouped by the inner columns of the equalities too, as
--     the subquery's rows (Spark pulls such equalities above the
--     aggregate; other correlated conditions it refuses there)
--
-- A subquery's WHERE conjuncts that name the outer query's columns (t.col
-- of an outer table, or a name only the outer rows have) are taken out
-- of its filter (split); each inner column they read is carried out of
-- the subquery as a hidden column __corr_N, and the conditions, read
-- over those and the outer columns, become the join's (result: the
-- subquery's DataFrame marks them in _correlated, with its source: the
-- inner rows with the hidden columns, which sql_subquery aggregates).
--
-- The outer query's side (tide.sql_query): its select list's subqueries
-- are read after its tables (defer, readDeferred), so that they may name
-- their columns, as Spark resolves them; in an aggregate query those
-- outside the aggregates may read GROUP BY columns only (groupNames), and
-- ORDER BY's may not be correlated at all (refuseInOrder), as in Spark.
local sql = require("tide.sql")
local aggregates = require("tide.dataframe_aggregate")
local S = require("tide.sql_support")

local M = {}
local wrap, raise, unqualify = S.wrap, S.raise, S.unqualify
local is_op = sql.isOperator

local HIDDEN = "__corr_"
M.HIDDEN = HIDDEN

local function resolves(df, name)
  return type(name) == "string" and df._plan.schema:resolveField(name) ~= nil
end

-- Whether node names a column of the outer query (not of the subquery's
-- own tables, which win where both have the name, as in Spark).
local function outer_ref(node, scope, df, outer)
  if node.k == "field" and node.expr.k == "col" and type(node.expr.name) == "string" then
    local a = node.expr.name:lower()
    return outer.scope.names[a] and not scope.names[a] and not resolves(df, node.expr.name)
  end
  return node.k == "col" and not resolves(df, node.name) and resolves(outer.df, node.name)
end

local function refers_outer(node, scope, df, outer)
  if type(node) ~= "table" or getmetatable(node) then return false end
  if outer_ref(node, scope, df, outer) then return true end
  for key, v in pairs(node) do
    if key ~= "from" and key ~= "query" and refers_outer(v, scope, df, outer) then return true end
  end
  return false
end

-- A node's children in the order its text shows them (operands left to
-- right, arguments in order), for names that list what they read.
local ORDER = { expr = 1, left = 2, right = 3, args = 4, list = 5, branches = 6, when = 7, value = 8, otherwise = 9 }
local function ordered_keys(node)
  local keys = {}
  for key, v in pairs(node) do
    if type(v) == "table" and not getmetatable(v) and key ~= "from" and key ~= "query"
        and not (key == "value" and node.k == "lit") then
      keys[#keys + 1] = key
    end
  end
  table.sort(keys, function(a, b)
    if type(a) == "number" and type(b) == "number" then return a < b end
    if type(a) == "number" or type(b) == "number" then return type(a) == "number" end
    local ra, rb = ORDER[a] or 99, ORDER[b] or 99
    if ra ~= rb then return ra < rb end
    return a < b
  end)
  return keys
end

-- The name Spark shows for an outer column (its attribute's name: the
-- outer rows' own spelling, without a table's qualifier).
local function outer_name(n, outer)
  local name = n.name
  local fields = outer.df._plan.schema.fields
  local ok, index = pcall(outer.df._plan.schema.resolveField, outer.df._plan.schema, name)
  if ok and index and fields[index] then name = fields[index].name end
  if outer.scope.renamed[name:lower()] then name = name:match("^[^.]*%.(.*)$") or name end
  return name
end

-- where (unqualified in the subquery's scope) split into its own
-- conditions (nil when none) and the correlated ones, or nil when none is:
-- { conditions = each over outer columns and hidden ones, inner = the
-- inner column names the hidden ones carry, in order, outerNames = the
-- outer columns they read, in order and as often as they do (Spark's
-- scalarsubquery(k), exists(k)) }.
function M.split(where, scope, df, outer)
  local own, correlated = nil, {}
  for _, c in ipairs(sql.conjuncts(where, {})) do
    if refers_outer(c, scope, df, outer) then
      correlated[#correlated + 1] = c
    else
      own = own and { k = "op", op = "and", left = own, right = c } or c
    end
  end
  if #correlated == 0 then return where, nil end
  local inner, hidden, names = {}, {}, {}
  local function rewrite(n)
    if type(n) ~= "table" or getmetatable(n) then return n end
    if outer_ref(n, scope, df, outer) then
      local ref = unqualify(n, outer.scope)
      names[#names + 1] = outer_name(ref, outer)
      return ref
    end
    if n.k == "col" and type(n.name) == "string" then
      local key = n.name:lower()
      if not hidden[key] then
        inner[#inner + 1] = n.name
        hidden[key] = HIDDEN .. #inner
      end
      return { k = "col", name = hidden[key] }
    end
    if n.k == "scalarsubquery" or n.k == "exists" or n.k == "insubquery" then
      raise(("%s: a subquery inside a correlated condition is not supported in tide"):format(sql.toString(n)))
    end
    if aggregates.isAggregate(n) and refers_outer(n, scope, df, outer) then
      raise(("%s: an aggregate of the outer query's columns in a correlated subquery is not supported in tide")
        :format(sql.toString(n)))
    end
    local copy = aggregates.mapChildren(n, function(v) return v end)
    for _, key in ipairs(ordered_keys(n)) do copy[key] = rewrite(n[key]) end
    return copy
  end
  local conditions, texts = {}, {}
  for i, c in ipairs(correlated) do conditions[i], texts[i] = rewrite(c), sql.toString(c) end
  return own, { conditions = conditions, texts = texts, inner = inner, outerNames = names }
end

-- What node reads: "inner" (hidden columns only), "outer" (the outer
-- query's only), "both", or "none" (a constant).
local function side_of(node)
  local hidden, other = false, false
  local function walk(n)
    if type(n) ~= "table" or getmetatable(n) then return end
    if n.k == "col" and type(n.name) == "string" then
      if n.name:sub(1, #HIDDEN) == HIDDEN then hidden = true else other = true end
    end
    for key, v in pairs(n) do
      if key ~= "from" then walk(v) end
    end
  end
  walk(node)
  if hidden and other then return "both" end
  return hidden and "inner" or other and "outer" or "none"
end

local EQUALITY = { ["="] = "=", ["=="] = "=", ["<=>"] = "<=>" }

-- A correlated condition's inner side (over hidden columns only), its
-- outer side (over outer columns, or a constant) and operator, or nil
-- when it is no such equality (tide.sql_subquery groups the inner rows
-- by the inner sides of equalities and joins on them).
function M.equality(c)
  if c.k ~= "op" or not EQUALITY[c.op] then return nil end
  local l, r = side_of(c.left), side_of(c.right)
  if l == "inner" and (r == "outer" or r == "none") then return c.left, c.right, EQUALITY[c.op] end
  if r == "inner" and (l == "outer" or l == "none") then return c.right, c.left, EQUALITY[c.op] end
end
local equality = M.equality

-- A column node's identity: its name, and its position where it has one.
function M.columnKey(n) return n.name:lower() .. "#" .. tostring(n.index) end

-- The outer columns conditions read (column nodes, each once, in order).
function M.outerColumns(conditions)
  local nodes, seen = {}, {}
  local function walk(n)
    if type(n) ~= "table" or getmetatable(n) then return end
    if n.k == "col" and type(n.name) == "string" and n.name:sub(1, #HIDDEN) ~= HIDDEN then
      local key = M.columnKey(n)
      if not seen[key] then nodes[#nodes + 1], seen[key] = { k = "col", name = n.name, index = n.index }, true end
      return
    end
    for _, key in ipairs(ordered_keys(n)) do walk(n[key]) end
  end
  for _, c in ipairs(conditions) do walk(c) end
  return nodes
end

-- Whether a correlated condition may be pulled above the subquery's GROUP
-- BY, as Spark's canPullUpOverAgg allows: an equality of an inner column
-- (a hidden one) and an outer side, or a condition of no inner column;
-- anything else reads the rows the groups stand for.
local function over_groups(c)
  local inner = equality(c)
  if inner then return inner.k == "col" end
  local side = side_of(c)
  return side == "outer" or side == "none"
end

-- The GROUP BY keys of a correlated subquery that its equalities do not
-- pin to one value per outer row (Spark's NON_CORRELATED_COLUMNS_IN_GROUP_BY
-- for a scalar one): the names of the columns they read.
local function loose_keys(keys, listed, corr)
  local pinned = {}
  for _, c in ipairs(corr.conditions) do
    local inner = equality(c)
    if inner and inner.k == "col" then
      pinned[corr.inner[tonumber(inner.name:sub(#HIDDEN + 1))]:lower()] = true
    end
  end
  local loose, by_alias = {}, {}
  for _, item in ipairs(listed) do
    if item.k == "alias" then by_alias[item.name:lower()] = item.expr end
  end
  -- (a key names a select item by position or alias, as tide.sql_plan's plan resolves it)
  for _, k in ipairs(keys) do
    if k.k == "lit" and type(k.value) == "number" and listed[k.value] then
      k = listed[k.value].k == "alias" and listed[k.value].expr or listed[k.value]
    elseif k.k == "col" and type(k.name) == "string" and by_alias[k.name:lower()] then
      k = by_alias[k.name:lower()]
    end
    local function walk(n)
      if type(n) ~= "table" or getmetatable(n) then return end
      if n.k == "col" and type(n.name) == "string" then
        if not pinned[n.name:lower()] then loose[#loose + 1] = n.name end
        return
      end
      for key, v in pairs(n) do
        if key ~= "from" and key ~= "query" then walk(v) end
      end
    end
    if not (k.k == "col" and type(k.name) == "string" and pinned[k.name:lower()]) then walk(k) end
  end
  return loose
end

-- The correlated subquery's DataFrame: plan (tide.sql_plan's M.plan)
-- of its select over df (its rows after its own WHERE), marked with what
-- tide.sql_subquery joins on (_correlated). Its source: those rows with
-- the hidden columns (and, without aggregates, the select's values as
-- hidden columns __corr_vN too), which the subquery's uses as values
-- aggregate. Without aggregates: the select's columns, then the hidden
-- ones, and the joins of WHERE's [NOT] EXISTS and [NOT] IN. With them (a
-- scalar subquery): its value over no rows, with its schema. With GROUP
-- BY: its groups, the hidden columns grouping keys too (as Spark pulls
-- the correlated equalities above the aggregate: within the rows an
-- outer row matches, an inner column equal to an outer value is one
-- value), and those groups are the source's rows.
function M.result(plan, df, items, q, corr)
  local hidden_items = {}
  for i, name in ipairs(corr.inner) do
    hidden_items[i] = wrap({ k = "alias", name = HIDDEN .. i, expr = { k = "col", name = name } })
  end
  local grouped = q.keys ~= nil
  local aggregated = not grouped and aggregates.hasAggregate(items)
  -- (DISTINCT is left out: it changes neither what EXISTS finds nor IN's
  -- values, and an aggregate's rows are one for each outer row already)
  if q.limit or q.offset or q.sets or (q.having and not grouped) then
    raise("a correlated subquery with LIMIT, OFFSET, GROUPING SETS (ROLLUP, CUBE), or HAVING without GROUP BY"
      .. " is not supported in tide")
  end
  -- * is the subquery's own columns, never the hidden ones
  local listed = {}
  for _, item in ipairs(items) do
    if item.k == "star" then
      for i, f in ipairs(df._plan.schema.fields) do
        listed[#listed + 1] = { k = "col", name = f.name, index = i - 1 }
      end
    else
      listed[#listed + 1] = item
    end
  end
  local with_hidden = df:select(wrap({ k = "star" }), unpack(hidden_items))
  local source = { conditions = corr.conditions, texts = corr.texts, plan = plan, rows = with_hidden }
  if aggregated then
    local out = plan(df:limit(0), listed, false, nil, nil, {})
    out._correlated = { scalar = true, source = source, values = listed, width = #listed,
      outerNames = corr.outerNames }
    return out
  end
  local width = #listed
  local marks = { outerNames = corr.outerNames, texts = corr.texts, width = width, source = source }
  local out
  if grouped then
    local keys, refused = {}, {}
    for i, k in ipairs(q.keys) do
      -- (a position names the select's own items, never the hidden ones)
      if k.k == "lit" and type(k.value) == "number" and not listed[k.value] then
        raise(("position %s is not in the select list"):format(tostring(k.value)))
      end
      keys[i] = k
    end
    for i = 1, #corr.inner do keys[#keys + 1] = { k = "col", name = HIDDEN .. i } end
    for i, c in ipairs(corr.conditions) do
      if not over_groups(c) then refused[#refused + 1] = corr.texts[i] end
    end
    marks.grouped, marks.refused = true, refused
    marks.looseKeys = loose_keys(q.keys, listed, corr)
    marks.aggregates = aggregates.hasAggregate(listed)
    for i = 1, #corr.inner do listed[#listed + 1] = { k = "col", name = HIDDEN .. i } end
    local groups = plan(with_hidden, listed, false, keys, q.having, {})
    local fields, values = groups._plan.schema.fields, {}
    for i = 1, width do
      values[i] = wrap({ k = "alias", name = HIDDEN .. "v" .. i, expr = { k = "col", name = fields[i].name,
        index = i - 1 } })
    end
    source.rows = groups:select(wrap({ k = "star" }), unpack(values))
    source.valueColumn = HIDDEN .. "v1"
    out = groups
  else
    local values = {}
    for i, item in ipairs(listed) do
      values[i] = wrap({ k = "alias", name = HIDDEN .. "v" .. i, expr = item.k == "alias" and item.expr or item })
    end
    source.rows = with_hidden:select(wrap({ k = "star" }), unpack(values))
    source.valueColumn = HIDDEN .. "v1"
  end
  -- Each equality's sides as columns to join on: the inner one computed
  -- here (a hidden item), the outer one on the outer rows (outerColumns).
  local conditions, outer_columns, hidden_more, joinable = {}, {}, {}, false
  for i, c in ipairs(corr.conditions) do
    local inner, outer, how = equality(c)
    if inner and side_of(outer) == "outer" then
      if inner.k ~= "col" then
        local name = HIDDEN .. "e" .. i
        hidden_more[#hidden_more + 1] = { k = "alias", name = name, expr = inner }
        inner = { k = "col", name = name }
      end
      if outer.k ~= "col" then
        local name = HIDDEN .. "o" .. i
        outer_columns[#outer_columns + 1] = { name = name, expr = outer }
        outer = { k = "col", name = name }
      end
      conditions[i], joinable = { k = "op", op = how, left = outer, right = inner }, true
    else
      conditions[i] = c
    end
  end
  marks.conditions, marks.outerColumns, marks.joinable = conditions, outer_columns, joinable
  if not grouped then
    for i = 1, #corr.inner do listed[#listed + 1] = { k = "col", name = HIDDEN .. i } end
    for _, h in ipairs(hidden_more) do listed[#listed + 1] = h end
    out = plan(with_hidden, listed, false, nil, nil, {})
  end
  out._correlated = marks
  return out
end

-- ---- the outer query's side: where correlated subqueries are read ----------

-- A subquery of the select list, until the query's tables are read: its
-- first token and the closing parenthesis after it (tokens, not
-- positions: a subquery's WINDOW clause, once read, leaves the token list).
local Deferred = {}

-- Skips a subquery's text (the parser is after its opening parenthesis),
-- for readDeferred to read once the tables are known.
function M.defer(p)
  local first, depth = p:peek(), 0
  while true do
    local tok = p:peek()
    if tok.t == "eof" then break end
    if is_op(tok, "(") then
      depth = depth + 1
    elseif is_op(tok, ")") then
      if depth == 0 then break end
      depth = depth - 1
    end
    p:advance()
  end
  return setmetatable({ first = first, close = p:peek() }, Deferred)
end

local function index_of(p, tok)
  for i, t in ipairs(p.toks) do
    if t == tok then return i end
  end
end

-- The subqueries of node (the select list's) read where their text is,
-- now that the tables they may name (p.outerContext) are known.
function M.readDeferred(p, node)
  if type(node) ~= "table" or getmetatable(node) then return end
  if getmetatable(node.query) == Deferred then
    local here, close = p:peek(), node.query.close
    p.i = index_of(p, node.query.first)
    node.query = p:subquery()
    if p:peek() ~= close then p:fail("')'") end
    p.i = index_of(p, here)
  end
  for key, v in pairs(node) do
    if key ~= "query" then M.readDeferred(p, v) end
  end
  -- (a window's PARTITION BY and ORDER BY, in its spec)
  if node.k == "window" and node.spec then
    M.readDeferred(p, node.spec.partition)
    M.readDeferred(p, node.spec.order)
  end
end

-- The names of the columns GROUP BY keys are (by name, position or a
-- select alias), lower-cased: what a correlated subquery outside the
-- aggregates may read in an aggregate query. Under GROUP BY ALL, the
-- plain columns of the select list.
function M.groupNames(keys, items, all)
  local names, by_alias = {}, {}
  for _, item in ipairs(items) do
    if item.k == "alias" then by_alias[item.name:lower()] = item.expr end
    if all and item.k == "col" and type(item.name) == "string" then names[item.name:lower()] = true end
  end
  for _, k in ipairs(keys or {}) do
    local e = k
    if k.k == "lit" and type(k.value) == "number" and items[k.value] then
      e = items[k.value].k == "alias" and items[k.value].expr or items[k.value]
    elseif k.k == "col" and type(k.name) == "string" and by_alias[k.name:lower()] then
      names[k.name:lower()] = true
      e = by_alias[k.name:lower()]
    end
    if e.k == "col" and type(e.name) == "string" then names[e.name:lower()] = true end
  end
  return names
end

-- ORDER BY's (and DISTRIBUTE BY's) subqueries may not be correlated, as in
-- Spark, where a sort hosts no outer reference.
function M.refuseInOrder(node)
  if type(node) ~= "table" or getmetatable(node) then return end
  if node.query and node.query._correlated then
    raise("[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.UNSUPPORTED_CORRELATED_SCALAR_SUBQUERY] Unsupported subquery"
      .. " expression: Correlated scalar subqueries can only be used in filters, aggregations, projections, and"
      .. " UPDATE/MERGE/DELETE commands (ORDER BY names a select alias of one instead)")
  end
  for key, v in pairs(node) do
    if key ~= "query" then M.refuseInOrder(v) end
  end
end

return M
