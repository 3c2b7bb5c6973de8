-- tide.sql_query — spark:sql(query): a SELECT over temp views and memory
-- sinks' tables, run as the DataFrame methods it stands for:
--
--   SELECT [DISTINCT] items FROM table [[AS] t]
--     [[INNER|LEFT [OUTER]|RIGHT [OUTER]|FULL [OUTER]|LEFT SEMI|LEFT ANTI|CROSS] JOIN table [[AS] u]
--        [ON condition | USING (cols)]] ...
--     [WHERE condition] [GROUP BY exprs] [HAVING condition]
--     [ORDER BY expr [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n]
--
-- A table is a name registered with createOrReplaceTempView (or a memory
-- sink's query name), or a (SELECT ...) with an alias. Expressions are
-- tide's SQL expressions (functions, CASE, CAST, aggregates, OVER (...)).
-- A qualified name (t.col) is the column of that table.
local sql = require("tide.sql")
local column = require("tide.column")

local M = {}
local is_kw, is_op = sql.isKeyword, sql.isOperator

-- Words that end a clause: never an alias.
local CLAUSE = {}
for w in ([[FROM WHERE GROUP HAVING ORDER LIMIT JOIN INNER LEFT RIGHT FULL CROSS SEMI ANTI ON USING UNION
            EXCEPT INTERSECT WINDOW]]):gmatch("%a+") do CLAUSE[w] = true end

local function wrap(node) return column.wrap(node) end

-- An optional alias: [AS] name, a name that is no clause word.
local function alias(p)
  if p:accept_kw("AS") then return p:name("a name after AS", true) end
  local tok = p:peek()
  if tok.t == "qid" or (tok.t == "id" and not sql.reserved[tok.up] and not CLAUSE[tok.up]) then
    return p:name("an alias")
  end
end

-- Qualified names: t.col is col of the table aliased t (a struct field of
-- another column stays one); in a join's condition it stays "t.col" for
-- the join to tell the sides apart. After a join, a column of the right
-- side whose name the left has is named "t.col" (scope.renamed), and the
-- bare name is ambiguous, as in Spark (scope.ambiguous).
local function unqualify(node, scope, keep)
  if type(node) ~= "table" or getmetatable(node) then return node end
  if node.k == "field" and node.expr.k == "col" and scope.names[node.expr.name:lower()] then
    local qualified = node.expr.name .. "." .. node.name
    local renamed = scope.renamed[qualified:lower()]
    if renamed then return { k = "col", name = renamed } end
    return { k = "col", name = keep and qualified or node.name }
  end
  if node.k == "col" and not keep and scope.ambiguous[tostring(node.name):lower()] then
    error(("spark:sql: Reference '%s' is ambiguous, could be: %s"):format(node.name,
      scope.ambiguous[node.name:lower()]), 0)
  end
  return require("tide.dataframe_aggregate").mapChildren(node, function(v) return unqualify(v, scope, keep) end)
end

-- After a join: the right side's columns (the last `count` of joined)
-- whose names the left side has are named alias.col, so that t.col finds
-- each side's.
local function rename_clashes(joined, count, alias, scope)
  local fields, names, seen, changed = joined._plan.schema.fields, {}, {}, false
  for i, f in ipairs(fields) do
    local name = f.name
    if i > #fields - count and seen[name:lower()] and alias then
      name = alias .. "." .. f.name
      scope.renamed[name:lower()] = name
      scope.ambiguous[f.name:lower()] = ("%s, %s"):format(seen[f.name:lower()], name)
      changed = true
    end
    seen[f.name:lower()] = seen[f.name:lower()] or f.name
    names[i] = name
  end
  return changed and joined:toDF(names) or joined
end

local parse_query

-- table_ref: name [alias] | ( query ) alias. Returns a DataFrame.
local function table_ref(p, session, scope)
  local df, name
  if p:accept_op("(") then
    df = parse_query(p, session)
    p:expect_op(")")
  else
    name = p:name("a table name", true)
    while p:accept_op(".") do name = name .. "." .. p:name("a table name", true) end
    local ok, t = pcall(session.table, session, name)
    if not ok then
      error(("spark:sql: table or view not found: %s (a DataFrame is registered with"
        .. " df:createOrReplaceTempView(%q))"):format(name, name), 0)
    end
    df = t
  end
  local a = alias(p) or name
  if a then
    scope.names[a:lower()] = true
    df = df:alias(a)
  end
  return df
end

local JOIN_TYPES = { INNER = "inner", CROSS = "cross", LEFT = "left", RIGHT = "right", FULL = "full" }

-- [type] JOIN table [ON cond | USING (cols)], if the next words are one.
local function join(p, session, df, scope)
  local how
  local tok = p:peek()
  if is_kw(tok, "JOIN") then
    how = "inner"
  elseif JOIN_TYPES[tok.up or ""] and tok.t == "id" then
    p:advance()
    how = JOIN_TYPES[tok.up]
    if how == "left" and p:accept_kw("SEMI") then how = "left_semi"
    elseif how == "left" and p:accept_kw("ANTI") then how = "left_anti"
    elseif how ~= "inner" and how ~= "cross" then p:accept_kw("OUTER") end
  else
    return nil
  end
  p:expect_kw("JOIN")
  local other = table_ref(p, session, scope)
  local joined, right = nil, #other._plan.schema.fields
  if p:accept_kw("ON") then
    joined = df:join(other, wrap(unqualify(p:expr(), scope, true)), how)
  elseif p:accept_kw("USING") then
    p:expect_op("(")
    local cols = {}
    repeat cols[#cols + 1] = p:name("a column name", true) until not p:accept_op(",")
    p:expect_op(")")
    joined, right = df:join(other, cols, how), right - #cols
  else
    joined = df:join(other, nil, how)
  end
  if how == "left_semi" or how == "left_anti" then return joined end
  return rename_clashes(joined, right, other._alias, scope)
end

-- A list of expressions separated by commas.
local function expressions(p, scope)
  local list = {}
  repeat list[#list + 1] = unqualify(p:expr(), scope) until not p:accept_op(",")
  return list
end

parse_query = function(p, session)
  p:expect_kw("SELECT")
  local distinct = p:accept_kw("DISTINCT") ~= nil
  -- The select list, kept as nodes until the tables' aliases are known.
  local items = {}
  repeat
    if is_op(p:peek(), "*") then
      p:advance()
      items[#items + 1] = { k = "star" }
    elseif p:peek().t == "id" and is_op(p:peek(1), ".") and is_op(p:peek(2), "*") then
      -- t.*: the columns of the query's rows, as * (tables are not told
      -- apart after a join)
      p:advance(); p:advance(); p:advance()
      items[#items + 1] = { k = "star" }
    else
      local e = p:expr()
      local a = alias(p)
      items[#items + 1] = a and { k = "alias", expr = e, name = a } or e
    end
  until not p:accept_op(",")
  p:expect_kw("FROM")
  local scope = { names = {}, renamed = {}, ambiguous = {} }
  local df = table_ref(p, session, scope)
  while true do
    local joined = join(p, session, df, scope)
    if not joined then break end
    df = joined
  end
  for i, item in ipairs(items) do items[i] = unqualify(item, scope) end
  if p:accept_kw("WHERE") then df = df:filter(wrap(unqualify(p:expr(), scope))) end
  local keys, having
  if p:accept_kw("GROUP") then
    p:expect_kw("BY")
    keys = expressions(p, scope)
  end
  if p:accept_kw("HAVING") then having = unqualify(p:expr(), scope) end
  local order = {}
  if p:accept_kw("ORDER") then
    p:expect_kw("BY")
    repeat
      local e = unqualify(p:expr(), scope)
      local desc = p:accept_kw("DESC") ~= nil
      if not desc then p:accept_kw("ASC") end
      local nulls_first = not desc
      if p:accept_kw("NULLS") then
        nulls_first = p:accept_kw("FIRST") ~= nil
        if not nulls_first then p:expect_kw("LAST") end
      end
      order[#order + 1] = { expr = e, desc = desc, nullsFirst = nulls_first }
    until not p:accept_op(",")
  end
  local limit
  if p:accept_kw("LIMIT") then
    local tok = p:peek()
    limit = tok.t == "num" and tonumber(tok.body)
    if not limit or limit ~= math.floor(limit) then p:fail("a whole number of rows") end
    p:advance()
  end
  return M.plan(df, items, distinct, keys, having, order, limit)
end

-- The DataFrame a parsed query stands for.
function M.plan(df, items, distinct, keys, having, order, limit)
  local aggregates = require("tide.dataframe_aggregate")
  local grouped = keys or having or aggregates.hasAggregate(items)
  -- The select list's aliases and expressions, which GROUP BY and ORDER
  -- BY may name (or number, from 1), as Spark's groupByAliases and
  -- orderByOrdinal allow.
  local by_alias, by_text = {}, {}
  for i, item in ipairs(items) do
    if item.k == "alias" then by_alias[item.name:lower()] = item.expr end
    by_text[sql.toString(item.k == "alias" and item.expr or item)] = i
  end
  local function item_at(e)
    if e.k == "lit" and type(e.value) == "number" then
      local item = items[e.value]
      if not item or item.k == "star" then
        error(("spark:sql: position %s is not in the select list"):format(tostring(e.value)), 0)
      end
      return item.k == "alias" and item.expr or item, e.value
    end
  end
  for i, k in ipairs(keys or {}) do
    keys[i] = item_at(k) or (k.k == "col" and by_alias[k.name:lower()]) or k
  end
  local sort_keys = {}
  local function sorted(frame, over_output)
    if #order == 0 then return frame end
    local hidden, cols = {}, { wrap({ k = "star" }) }
    for i, o in ipairs(order) do
      local e, position = item_at(o.expr)
      e = e or o.expr
      if over_output then
        -- Over the select's output: an item by its position or its text.
        position = position or by_text[sql.toString(e)]
        if position then e = { k = "col", name = frame._plan.schema.fields[position].name } end
      elseif e.k == "col" and by_alias[e.name:lower()] then
        e = by_alias[e.name:lower()]
      end
      if e.k == "col" then
        sort_keys[i] = e.name
      else
        sort_keys[i] = ("__order%d"):format(i)
        hidden[#hidden + 1] = sort_keys[i]
        cols[#cols + 1] = wrap({ k = "alias", name = sort_keys[i], expr = e })
      end
    end
    if #hidden > 0 then frame = frame:select(cols) end
    local keys_ = {}
    for i, o in ipairs(order) do
      keys_[i] = wrap({ k = "sortorder", expr = { k = "col", name = sort_keys[i] }, descending = o.desc,
        nullsFirst = o.nullsFirst })
    end
    frame = frame:orderBy(keys_)
    if #hidden > 0 then frame = frame:drop(hidden) end
    return frame
  end
  local out
  if grouped then
    local list = {}
    for i, item in ipairs(items) do list[i] = wrap(item) end
    if having then list[#list + 1] = wrap({ k = "alias", name = "__having", expr = having }) end
    local g = keys and df:groupBy((function()
      local cols = {}
      for i, k in ipairs(keys) do cols[i] = wrap(k) end
      return cols
    end)()) or df:groupBy()
    out = g:agg(list)
    -- agg gives the keys first: the select list is what follows them.
    local n, fields = #(keys or {}), out._plan.schema.fields
    local names = {}
    for i = 1, #fields do names[i] = ("__c%d"):format(i) end
    local renamed = out:toDF(names)
    if having then renamed = renamed:filter(wrap({ k = "col", name = names[#names] })) end
    local shown = {}
    for i = 1, #items do
      shown[i] = wrap({ k = "alias", name = fields[n + i].name, expr = { k = "col", name = names[n + i] } })
    end
    out = renamed:select(shown)
    if distinct then out = out:distinct() end
    out = sorted(out, true)
  else
    -- Rows are ordered before the select, so ORDER BY may name an input
    -- column the select leaves out, or one of its aliases.
    out = sorted(df, false):select((function()
      local cols = {}
      for i, item in ipairs(items) do cols[i] = wrap(item) end
      return cols
    end)())
    if distinct then out = out:distinct() end
  end
  if limit then out = out:limit(limit) end
  return out
end

-- spark:sql(query): the DataFrame of a SELECT.
function M.run(session, text)
  if type(text) == "string" then text = text:gsub("%s*;%s*$", "") end -- a statement's closing ;
  local p = sql.newParser(text)
  local df = parse_query(p, session)
  return p:finish(df, "the end of the query (or WHERE, GROUP BY, HAVING, ORDER BY, LIMIT)")
end

return M
