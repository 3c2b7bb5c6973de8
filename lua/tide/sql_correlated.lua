-- tide.sql_correlated — spark:sql's correlated subqueries in WHERE, as
-- Spark's optimizer decorrelates them into joins over the outer rows:
--
--   WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k AND u.v > t.v)
--     a left semi join on the correlated conditions (NOT EXISTS: anti)
--   WHERE x IN (SELECT y FROM u WHERE u.k = t.k)
--     a left semi join on x = y and them (NOT IN: an anti join on
--     (x = y OR (x = y) IS NULL) and them, Spark's null-aware rewrite)
--   WHERE v > (SELECT avg(v) FROM t u WHERE u.k = t.k)
--     the aggregate grouped by the inner side of each equality, left
--     joined on them; a row no group matches gets the aggregate of no rows
--     (count(*) is 0 there, as Spark's count bug fix makes it)
--
-- A subquery's WHERE conjuncts that name the outer query's columns (t.col
-- of an outer table, or a name only the outer rows have) are taken out
-- of its filter (split); each inner column they read is carried out of
-- the subquery as a hidden column __corr_N, and the conditions, read
-- over those and the outer columns, become the join's (result: the
-- subquery's DataFrame marks them in _correlated). tide.sql_subquery
-- makes the joins.
local sql = require("tide.sql")
local column = require("tide.column")
local aggregates = require("tide.dataframe_aggregate")
local S = require("tide.sql_support")

local M = {}
local wrap, raise, unqualify = S.wrap, S.raise, S.unqualify

local HIDDEN = "__corr_"

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

-- where (unqualified in the subquery's scope) split into its own
-- conditions (nil when none) and the correlated ones, or nil when none is:
-- { conditions = each over outer columns and hidden ones, inner = the
-- inner column names the hidden ones carry, in order }.
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
  local inner, hidden = {}, {}
  local function rewrite(n)
    if type(n) ~= "table" or getmetatable(n) then return n end
    if outer_ref(n, scope, df, outer) then return unqualify(n, outer.scope) end
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
    return aggregates.mapChildren(n, rewrite)
  end
  local conditions, texts = {}, {}
  for i, c in ipairs(correlated) do conditions[i], texts[i] = rewrite(c), sql.toString(c) end
  return own, { conditions = conditions, texts = texts, inner = inner }
end

-- Whether node reads hidden columns only (true), outer ones only (false),
-- or both or neither (nil).
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
  if hidden and not other then return true end
  if other and not hidden then return false end
end

-- The correlated subquery's DataFrame: plan (tide.sql_query's M.plan)
-- of its select over df (its rows after its own WHERE), marked with what
-- tide.sql_subquery joins on. Without aggregates: the select's columns,
-- then the hidden ones. With them (a scalar subquery): its one value
-- grouped by the inner side of each correlated equality.
local EQUALITY = { ["="] = "=", ["=="] = "=", ["<=>"] = "<=>" }

-- An equality condition's inner side (over hidden columns only), its
-- outer side and operator, or nil when c is none.
local function equality(c)
  if c.k ~= "op" or not EQUALITY[c.op] then return nil end
  local l, r = side_of(c.left), side_of(c.right)
  if l == true and r == false then return c.left, c.right, EQUALITY[c.op] end
  if l == false and r == true then return c.right, c.left, EQUALITY[c.op] end
end

function M.result(plan, df, items, q, corr)
  local hidden_items = {}
  for i, name in ipairs(corr.inner) do
    hidden_items[i] = wrap({ k = "alias", name = HIDDEN .. i, expr = { k = "col", name = name } })
  end
  local aggregated = q.keys ~= nil or q.having ~= nil or aggregates.hasAggregate(items)
  if q.distinct or q.limit or q.offset or q.keys or q.having or q.sets then
    raise("a correlated subquery with DISTINCT, GROUP BY, HAVING, LIMIT or OFFSET is not supported in tide")
  end
  -- * is the subquery's own columns, never the hidden ones
  local listed = {}
  for _, item in ipairs(items) do
    if item.k == "star" then
      for i, f in ipairs(df._plan.schema.fields) do listed[#listed + 1] = { k = "col", name = f.name, index = i - 1 } end
    else
      listed[#listed + 1] = item
    end
  end
  local with_hidden = df:select(wrap({ k = "star" }), unpack(hidden_items))
  if not aggregated then
    -- Each equality's sides as columns to join on: the inner one computed
    -- here (a hidden item), the outer one on the outer rows (outerColumns).
    local conditions, outer_columns, hidden_more, joinable = {}, {}, {}, false
    for i, c in ipairs(corr.conditions) do
      local inner, outer, how = equality(c)
      if inner then
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
    if not joinable then
      raise(("%s: a correlated subquery needs an equality of one of its columns (or expressions) and one of the"
        .. " outer query's, which tide joins on"):format(table.concat(corr.texts, " AND ")))
    end
    local width = #listed
    for i = 1, #corr.inner do listed[#listed + 1] = { k = "col", name = HIDDEN .. i } end
    for _, h in ipairs(hidden_more) do listed[#listed + 1] = h end
    local out = plan(with_hidden, listed, false, nil, nil, {})
    out._correlated = { conditions = conditions, outerColumns = outer_columns, width = width }
    return out
  end
  if #listed ~= 1 then raise("a correlated scalar subquery must return only one column") end
  -- each condition an equality of an inner side and an outer one: Spark's
  -- "Correlated column is not allowed in a non-equality predicate" else
  local keys, outer, ops = {}, {}, {}
  for i, c in ipairs(corr.conditions) do
    keys[i], outer[i], ops[i] = equality(c)
    if not keys[i] then
      raise(("Correlated column is not allowed in a non-equality predicate: %s (a correlated scalar subquery joins"
        .. " on equalities of an inner and an outer expression)"):format(corr.texts[i]))
    end
  end
  local selected = {}
  for i, k in ipairs(keys) do selected[i] = { k = "alias", name = "__key" .. i, expr = k } end
  selected[#selected + 1] = { k = "alias", name = "__value", expr = listed[1] }
  selected[#selected + 1] = { k = "alias", name = "__matched", expr = { k = "lit", value = true } }
  local out = plan(with_hidden, selected, false, keys, nil, {})
  out._correlated = { scalar = true, outer = outer, ops = ops, keys = #keys,
    empty = plan(df:limit(0), { { k = "alias", name = "__empty", expr = listed[1] } }, false, nil, nil, {}) }
  return out
end

return M
