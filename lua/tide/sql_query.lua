-- tide.sql_query — spark:sql(query): a SELECT over temp views and memory
-- sinks' tables, run as the DataFrame methods it stands for:
--
--   [WITH name [(cols)] AS (query), ...]
--   SELECT [DISTINCT] items [FROM table [[AS] t [(cols)]]]
--     [[INNER|LEFT [OUTER]|RIGHT [OUTER]|FULL [OUTER]|LEFT SEMI|LEFT ANTI|CROSS] JOIN table [[AS] u]
--        [ON condition | USING (cols)]] ...
--     [LATERAL VIEW [OUTER] explode(arr) v [AS] col, ...]
--     [PIVOT (agg [AS a], ... FOR col IN (value [AS v], ...)) |
--      UNPIVOT [INCLUDE|EXCLUDE NULLS] (v FOR name IN (col [AS a], ...)) [[AS] u]]
--     [WHERE condition] [GROUP BY exprs | GROUP BY ALL] [HAVING condition]
--     [WINDOW w AS (PARTITION BY ... ORDER BY ...), ...]
--     [ORDER BY expr [ASC|DESC] [NULLS FIRST|LAST], ... | CLUSTER BY exprs |
--      [DISTRIBUTE BY exprs] [SORT BY expr [ASC|DESC], ...]]
--     [LIMIT n | LIMIT ALL] [OFFSET n]
--
-- A table is a name registered with createOrReplaceTempView (or a memory
-- sink's query name), global_temp.name for a global temp view, a WITH
-- query's name, or a (SELECT ...) with an alias, a name or a subquery
-- optionally followed by TABLESAMPLE (x PERCENT | n ROWS | BUCKET x OUT OF
-- y) [REPEATABLE (seed)], or an inline table VALUES (1, 'a'), ... [[AS] t
-- [(cols)]], which is also a query by itself. Selects combine with UNION,
-- EXCEPT (MINUS) and INTERSECT, each [ALL | DISTINCT]; ORDER BY, LIMIT and
-- the rest after them organize the whole result. Expressions are tide's
-- SQL expressions (functions, CASE, CAST, aggregates, OVER (...) or OVER
-- a named window), and subqueries (tide.sql_subquery). A qualified name
-- (t.col) is the column of that table; without FROM a select is one row.
-- Here: the select, its tables and joins, set operations and WITH; the
-- FROM clause's other forms are tide.sql_from's, GROUP BY, ORDER BY and
-- the rest after it and WINDOW tide.sql_clauses'.
local sql = require("tide.sql")
local column = require("tide.column")
local subquery = require("tide.sql_subquery")
local correlation = require("tide.sql_correlated")
local aggregates = require("tide.dataframe_aggregate")
local T = require("tide.types")

local M = {}
local is_kw, is_op = sql.isKeyword, sql.isOperator

local S = require("tide.sql_support")
local CLAUSE, INTERSECT, UNION_EXCEPT, wrap = S.CLAUSE, S.INTERSECT, S.UNION_EXCEPT, S.wrap
local raise, alias, table_alias, unqualify = S.raise, S.alias, S.tableAlias, S.unqualify
local rename_clashes = S.renameClashes
local F = require("tide.sql_from")
local table_function, inline_rows, inline_table, table_sample = F.tableFunction, F.inlineRows, F.inlineTable,
  F.tableSample
local pivot_clause, unpivot_clause = F.pivot, F.unpivot
local Q = require("tide.sql_clauses")
local group_by, organization, named_windows, group_by_all = Q.groupBy, Q.organization, Q.namedWindows, Q.groupByAll

local parse_query

-- A correlated select (tide.sql_correlated) where only a subquery's own
-- select can be one: its correlation would be lost there.
local function not_correlated(df, where)
  if df._correlated then
    raise(("a correlated subquery %s is not supported in tide (the correlated select must be the subquery"
      .. " itself)"):format(where))
  end
  return df
end

-- table_ref: name [TABLESAMPLE (...)] [alias] | (query) [TABLESAMPLE
-- (...)] [alias] | function(args) [alias] | VALUES rows [alias], an alias
-- being [AS] t [(col, ...)]. Returns a DataFrame.
local function table_ref(p, session, scope)
  local df, name
  local values = is_kw(p:peek(), "VALUES") and not is_op(p:peek(1), ")") and p:peek(1).t ~= "eof"
    and not (p:peek(1).t == "id" and CLAUSE[p:peek(1).up])
  if values then
    p:advance()
    local rows = inline_rows(p)
    local a, names = table_alias(p)
    df = inline_table(session, rows, names)
    if a then
      scope.names[a:lower()] = true
      df = df:alias(a)
    end
    return df
  elseif p:accept_op("(") then
    df = not_correlated(parse_query(p, session, scope.ctes), "as a table in FROM (Spark's LATERAL)")
    p:expect_op(")")
    df = table_sample(p, session, df)
  else
    name = p:name("a table name", true)
    while p:accept_op(".") do name = name .. "." .. p:name("a table name", true) end
    df = scope.ctes[name:lower()]
    if not df and is_op(p:peek(), "(") then
      df = table_function(p, session, name)
      name = nil
    elseif not df then
      local ok, t = pcall(session.table, session, name)
      if not ok then
        error(("spark:sql: table or view not found: %s (a DataFrame is registered with"
          .. " df:createOrReplaceTempView(%q))"):format(name, name), 0)
      end
      df = t
    end
    if name then df = table_sample(p, session, df) end
  end
  -- A qualified name (global_temp.v) is referred to by its last part, as
  -- in Spark.
  local a, names = table_alias(p)
  if names then
    local width = #df._plan.schema.fields
    if #names ~= width then
      raise(("Number of column aliases does not match number of columns. Number of column aliases: %d; number of"
        .. " columns: %d."):format(#names, width))
    end
    df = df:toDF(names)
  end
  a = a or (name and name:match("[^.]*$"))
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

-- LATERAL VIEW [OUTER] generator(args) view [[AS] col, ...], if the next
-- words are one: the FROM clause's rows, each repeated per element, with
-- the generator's columns after theirs (tide.generate); view.col names
-- one of them.
local function lateral_view(p, df, scope)
  if not p:accept_kw("LATERAL") then return nil end
  p:expect_kw("VIEW")
  local outer = p:accept_kw("OUTER")
  local tok = p:peek()
  local gen = unqualify(p:expr(), scope)
  local generators = require("tide.eval_arrays").GENERATORS
  if gen.k ~= "call" or not generators[tostring(gen.fn):lower()] then
    p:fail("a generator (explode, posexplode, inline, or their _outer forms)", tok)
  end
  if outer and not gen.fn:lower():match("_outer$") then gen.fn = gen.fn:lower() .. "_outer" end
  local view = p:name("a name for the lateral view", true)
  scope.names[view:lower()] = true
  local names = {}
  if p:accept_kw("AS") or (p:peek().t == "id" and not sql.reserved[p:peek().up] and not CLAUSE[p:peek().up])
      or p:peek().t == "qid" then
    repeat names[#names + 1] = p:name("a column name", true) until not p:accept_op(",")
  end
  local node = #names > 0 and { k = "alias", expr = gen, name = names[1], names = names } or gen
  return df:select(wrap({ k = "star" }), wrap(node))
end

-- SELECT ... FROM ... [WHERE] [GROUP BY] [HAVING] [WINDOW], and ORDER BY,
-- LIMIT and the rest of organization() unless the select is one side of a
-- set operation (where they are the whole result's). Returns the
-- DataFrame and whether it had any of them.
local function select_core(p, session, ctes, in_set)
  local outer_reader = p.readQuery
  p.readQuery = function()
    local ok, df = pcall(parse_query, p, session, ctes)
    if ok then return df end
    if tostring(df):find("cannot resolve", 1, true) and not tostring(df):find("outer query", 1, true) then
      df = tostring(df) .. " (a subquery reads its own tables, and in its WHERE the outer query's)"
    end
    error(df, 0)
  end
  -- The outer query whose columns this select's WHERE (and select list,
  -- HAVING) may name: a correlated subquery, tide.sql_correlated.
  local enclosing = p.outerContext
  p.outerContext = nil
  named_windows(p)
  p:expect_kw("SELECT")
  local distinct = p:accept_kw("DISTINCT") ~= nil
  -- The select list, kept as nodes until the tables' aliases are known;
  -- its subqueries are read after the tables (defer), as they may name
  -- their columns.
  local items, reader = {}, p.readQuery
  p.readQuery = correlation.defer
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
      local several = is_kw(p:peek(), "AS") and sql.isOperator(p:peek(1), "(") and p:advance() and p:aliasNames()
      local a = not several and alias(p)
      items[#items + 1] = several and { k = "alias", expr = e, name = several[1], names = several }
        or a and { k = "alias", expr = e, name = a } or e
    end
  until not p:accept_op(",")
  p.readQuery = reader
  local scope = { names = {}, renamed = {}, ambiguous = {}, ctes = ctes }
  local df
  if p:accept_kw("FROM") then
    df = table_ref(p, session, scope)
    while true do
      local joined = join(p, session, df, scope)
      if not joined then break end
      df = joined
    end
    local viewed = false
    while true do
      local more = lateral_view(p, df, scope)
      if not more then break end
      df, viewed = more, true
    end
    -- Spark's FROM takes LATERAL VIEW, PIVOT or UNPIVOT, one of them.
    local function not_with(what, other)
      raise(("[NOT_ALLOWED_IN_FROM.%s_WITH_%s] Not allowed in the FROM clause: %s together with %s.")
        :format(what, other, what, other))
    end
    local pivoted = false
    if p:accept_kw("PIVOT") then
      if viewed then not_with("LATERAL", "PIVOT") end
      df, pivoted = pivot_clause(p, session, df, scope), true
    end
    if p:accept_kw("UNPIVOT") then
      if viewed then not_with("LATERAL", "UNPIVOT") end
      if pivoted then not_with("UNPIVOT", "PIVOT") end
      df = unpivot_clause(p, df, scope)
    end
  else
    df = session:range(1):select() -- SELECT 1: one row of no columns
  end
  for i, item in ipairs(items) do items[i] = unqualify(item, scope) end
  p.outerContext = { scope = scope, df = df }
  correlation.readDeferred(p, items)
  local where = p:accept_kw("WHERE") and unqualify(p:expr(), scope)
  p.outerContext = nil
  local correlated
  if where and enclosing then where, correlated = correlation.split(where, scope, df, enclosing) end
  local keys, sets, having, group_all
  if p:accept_kw("GROUP") then
    p:expect_kw("BY")
    local after = p:peek(1)
    if is_kw(p:peek(), "ALL") and (after.t == "eof" or is_op(after, ")") or (after.t == "id" and CLAUSE[after.up])) then
      p:advance()
      group_all = true -- (its keys are found once the items' subqueries are columns)
    else
      -- (its subqueries may name the query's columns, as Spark's do)
      p.outerContext = { scope = scope, df = df }
      keys, sets = group_by(p, scope)
      p.outerContext = nil
    end
  end
  if p:accept_kw("HAVING") then
    p.outerContext = { scope = scope, df = df }
    having = unqualify(p:expr(), scope)
    p.outerContext = nil
  end
  p.outerContext = { scope = scope, df = df }
  local org = in_set and { order = {} } or organization(p, session, scope)
  p.outerContext = nil
  for _, o in ipairs(org.order) do correlation.refuseInOrder(o.expr) end
  for _, e in ipairs(org.distribute or {}) do correlation.refuseInOrder(e) end
  p.readQuery, p.outerContext = outer_reader, enclosing
  -- Subqueries in expressions: joins over the FROM clause's rows, whose
  -- extra columns * leaves out.
  local sq = subquery.new(df)
  local grouped = group_all or keys ~= nil or having ~= nil or aggregates.hasAggregate(items)
  local names = grouped and correlation.groupNames(keys, items, group_all)
  -- An item GROUP BY names (by position or alias; under GROUP BY ALL, one
  -- without aggregates) is a key: its subqueries are values of the rows.
  local key_items = {}
  for _, k in ipairs(keys or {}) do
    if k.k == "lit" and type(k.value) == "number" then key_items[k.value] = true end
    for i, item in ipairs(items) do
      if k.k == "col" and type(k.name) == "string" and item.k == "alias" and item.name:lower() == k.name:lower() then
        key_items[i] = true
      end
    end
  end
  for i, item in ipairs(items) do
    if group_all and not aggregates.hasAggregate({ item }) then key_items[i] = true end
  end
  for i, item in ipairs(items) do
    items[i] = sq:values(item, { grouped = grouped and not key_items[i], predicates = true, groupNames = names,
      afterGroups = true })
    if grouped and key_items[i] and subquery.holds(item) then
      -- (a column of its own, which the key and the item name)
      local e = items[i].k == "alias" and items[i].expr or items[i]
      items[i] = { k = "alias", name = items[i].k == "alias" and items[i].name or sql.outputName(e),
        expr = sq:column(e) }
    end
  end
  having = sq:values(having, { grouped = true, having = true, predicates = true, groupNames = names,
    afterGroups = true })
  keys = sq:values(keys, { predicates = true })
  if group_all then
    keys = group_by_all(df, items)
    if #keys == 0 then keys = nil end -- (every item an aggregate: one group)
  end
  for _, o in ipairs(org.order) do o.expr = sq:scalars(o.expr, grouped) end
  df = where and sq:where(where) or sq.df
  -- * as the FROM clause's own columns where subqueries joined more, and
  -- under GROUP BY ALL (its keys and items the same expressions)
  if #df._plan.schema.fields > sq.width or group_all then
    local listed = {}
    for _, item in ipairs(items) do
      if item.k == "star" then
        for _, c in ipairs(sq:ownColumns()) do listed[#listed + 1] = c end
      else
        listed[#listed + 1] = item
      end
    end
    items, org.groupAll = listed, group_all or nil
  end
  if correlated then
    return correlation.result(M.plan, df, items, { distinct = distinct, keys = keys, having = having,
      limit = org.limit, offset = org.offset, sets = sets }, correlated), org.any
  end
  return M.plan(df, items, distinct, keys, having, org.order, org.limit, sets, org), org.any
end

-- Spark's set operators; INTERSECT binds tighter than UNION and EXCEPT
-- (MINUS is EXCEPT), as in Spark unless its legacy setting says otherwise.
local function set_operator(p, words)
  local tok = p:peek()
  if tok.t == "id" and words[tok.up] then
    p:advance()
    local all = p:accept_kw("ALL") ~= nil
    if not all then p:accept_kw("DISTINCT") end
    return tok.up, all
  end
end

local function combine(left, word, all, right)
  not_correlated(left, "in UNION, INTERSECT or EXCEPT")
  not_correlated(right, "in UNION, INTERSECT or EXCEPT")
  if word == "UNION" then
    local both = left:union(right)
    return all and both or both:distinct()
  elseif word == "INTERSECT" then
    return all and left:intersectAll(right) or left:intersect(right)
  end
  return all and left:exceptAll(right) or left:subtract(right)
end

-- A select, VALUES rows [alias] or a parenthesized query; the select's
-- ORDER BY and LIMIT are its own only when no set operator follows (then
-- they would be the whole result's, which Spark's grammar puts at the
-- end). Returns the DataFrame and whether it is a select, which read its
-- own.
local function query_primary(p, session, ctes, in_set)
  if p:accept_op("(") then
    local df = parse_query(p, session, ctes)
    p:expect_op(")")
    return df, false
  end
  if p:accept_kw("VALUES") then
    local rows = inline_rows(p)
    local _, names = table_alias(p)
    return inline_table(session, rows, names), false
  end
  local tok = p:peek()
  local df, organized = select_core(p, session, ctes, in_set)
  local after = p:peek()
  if organized and after.t == "id" and (INTERSECT[after.up] or UNION_EXCEPT[after.up]) then
    error(("spark:sql: ORDER BY or LIMIT before %s at position %d: they order the whole result at its end, or"
      .. " the one select in parentheses (position %d)"):format(after.up, after.pos, tok.pos), 0)
  end
  return df, not in_set
end

-- Primaries joined by INTERSECT; whether there was one, and whether the
-- one primary was a select that read its own ORDER BY and LIMIT.
local function query_term(p, session, ctes, in_set)
  local df, own = query_primary(p, session, ctes, in_set)
  local combined = false
  while true do
    local word, all = set_operator(p, INTERSECT)
    if not word then return df, combined, own end
    df, combined = combine(df, word, all, (query_primary(p, session, ctes, true))), true
  end
end

-- The whole result's organization (after set operations, VALUES, or a
-- query in parentheses), over its columns by name or position.
local function organize(df, org)
  if org.any then not_correlated(df, "under an ORDER BY, LIMIT or OFFSET of its own") end
  local fields = df._plan.schema.fields
  local function output(e)
    if e.k == "lit" and type(e.value) == "number" then
      if not fields[e.value] then raise(("position %s is not in the select list"):format(tostring(e.value))) end
      return { k = "col", name = fields[e.value].name, index = e.value - 1 }
    end
    return e
  end
  if #org.order > 0 then
    local keys = {}
    for i, o in ipairs(org.order) do
      keys[i] = wrap({ k = "sortorder", expr = output(o.expr), descending = o.desc, nullsFirst = o.nullsFirst })
    end
    df = df:orderBy(keys)
  end
  -- DISTRIBUTE BY moves no row; its expressions are checked all the same.
  for _, e in ipairs(org.distribute or {}) do df:select(wrap(output(e))) end
  if org.offset then df = df:offset(org.offset) end
  if org.limit then df = df:limit(org.limit) end
  return df
end

-- WITH name [(columns)] AS (query), ...: names the queries that follow
-- may read as tables, before temp views of the same name.
local function with_clause(p, session, ctes)
  local own = setmetatable({}, { __index = ctes })
  repeat
    local name = p:name("a name for the WITH query")
    local columns
    if p:accept_op("(") then
      columns = {}
      repeat columns[#columns + 1] = p:name("a column name", true) until not p:accept_op(",")
      p:expect_op(")")
    end
    p:expect_kw("AS")
    p:expect_op("(")
    local df = not_correlated(parse_query(p, session, own), "as a WITH query")
    p:expect_op(")")
    own[name:lower()] = columns and df:toDF(columns) or df
  until not p:accept_op(",")
  return own
end

-- [WITH ...] a select, or selects joined by set operators, then the whole
-- result's ORDER BY (over its columns, by name or position), LIMIT and
-- the rest of organization().
parse_query = function(p, session, ctes)
  if p:accept_kw("WITH") then ctes = with_clause(p, session, ctes) end
  local df, combined, own = query_term(p, session, ctes, false)
  while true do
    local word, all = set_operator(p, UNION_EXCEPT)
    if not word then break end
    df, combined = combine(df, word, all, (query_term(p, session, ctes, true))), true
  end
  if combined or not own then
    df = organize(df, organization(p, session, { names = {}, renamed = {}, ambiguous = {} }))
  end
  return df
end

-- Whether an expression node (or a list of them) holds a window function.
local function windowed(node)
  if type(node) ~= "table" or getmetatable(node) then return false end
  if node.k == "window" then return true end
  for key, v in pairs(node) do
    if key ~= "from" and windowed(v) then return true end
  end
  return false
end

-- The DataFrame a parsed query stands for.
function M.plan(df, items, distinct, keys, having, order, limit, sets, org)
  org = org or {}
  local grouped = keys or having or aggregates.hasAggregate(items)
  -- Window functions of a query without grouping are computed first, as
  -- columns beside the input's: a window's rows come out in its own order,
  -- which the ORDER BY that follows then sorts (and may name them).
  local windowed_text = {}
  if not grouped and windowed(items) then
    local fields, pre, listed = df._plan.schema.fields, {}, {}
    for i, f in ipairs(fields) do pre[i] = wrap({ k = "col", name = f.name, index = i - 1 }) end
    for _, item in ipairs(items) do
      local e = item.k == "alias" and item.expr or item
      if item.k == "star" then
        for i, f in ipairs(fields) do listed[#listed + 1] = { k = "col", name = f.name, index = i - 1 } end
      elseif windowed(e) then
        local name = ("__window%d"):format(#pre - #fields + 1)
        pre[#pre + 1] = wrap({ k = "alias", name = name, expr = e })
        windowed_text[sql.toString(e)] = { k = "col", name = name }
        listed[#listed + 1] = { k = "alias", name = item.k == "alias" and item.name or sql.outputName(e),
          expr = windowed_text[sql.toString(e)] }
      else
        listed[#listed + 1] = item
      end
    end
    df, items = df:select(pre), listed
  end
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
  -- (GROUP BY ALL's keys are the items' expressions already)
  for i, k in ipairs(not org.groupAll and keys or {}) do
    keys[i] = item_at(k) or (k.k == "col" and by_alias[k.name:lower()]) or k
  end
  if sets then
    -- Keys the same once resolved (an alias and its expression; names in
    -- another case) are one key, in every set that names either.
    local unique, at, position = {}, {}, {}
    for i, k in ipairs(keys) do
      local text = k.k == "col" and tostring(k.name):lower() or aggregates.normalizedText(k)
      if not at[text] then
        unique[#unique + 1] = k
        at[text] = #unique
      end
      position[i] = at[text]
    end
    local remapped = {}
    for j, set in ipairs(sets) do
      local seen, out = {}, {}
      for _, p in ipairs(set) do
        if not seen[position[p]] then out[#out + 1], seen[position[p]] = position[p], true end
      end
      remapped[j] = out
    end
    keys, sets = unique, remapped
  end
  local sort_keys = {}
  -- ORDER BY's aggregates the select list lacks (ORDER BY count(*),
  -- grouping(c)): computed by the aggregation as hidden columns, sorted
  -- by, then dropped (hidden_aggs[i]: the i-th key's column).
  local hidden_aggs, hidden_list = {}, {}
  local function has_grouping(node)
    if type(node) ~= "table" or getmetatable(node) then return false end
    if node.k == "call" and (node.fn == "grouping" or node.fn == "grouping_id") then return true end
    for key, v in pairs(node) do
      if key ~= "from" and has_grouping(v) then return true end
    end
    return false
  end
  if grouped then
    for i, o in ipairs(order) do
      local e = item_at(o.expr) or o.expr
      if not by_text[sql.toString(e)] and (aggregates.hasAggregate({ e }) or has_grouping(e)) then
        hidden_aggs[i] = ("__orderagg%d"):format(i)
        hidden_list[#hidden_list + 1] = { name = hidden_aggs[i], expr = e }
      end
    end
  end
  local function sorted(frame, over_output)
    if #order == 0 then return frame end
    local hidden, cols = {}, { wrap({ k = "star" }) }
    for i, o in ipairs(order) do
      local e, position = item_at(o.expr)
      e = e or o.expr
      if hidden_aggs[i] then
        e = { k = "col", name = hidden_aggs[i] }
        hidden[#hidden + 1] = hidden_aggs[i]
      elseif over_output then
        -- Over the select's output: an item by its position or its text.
        position = position or by_text[sql.toString(e)]
        if position then e = { k = "col", name = frame._plan.schema.fields[position].name } end
      elseif e.k == "col" and by_alias[e.name:lower()] then
        e = by_alias[e.name:lower()]
      else
        e = windowed_text[sql.toString(e)] or e
      end
      if e.k == "col" then
        sort_keys[i] = e.name
      elseif not hidden_aggs[i] then
        sort_keys[i] = ("__order%d"):format(i)
        hidden[#hidden + 1] = sort_keys[i]
        cols[#cols + 1] = wrap({ k = "alias", name = sort_keys[i], expr = e })
      end
    end
    if #cols > 1 then frame = frame:select(cols) end
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
    -- What the aggregation computes (slots; its output's columns __c<i>,
    -- keys first): the items, HAVING and ORDER BY's aggregates, but for
    -- those holding an uncorrelated subquery (tide.sql_subquery's
    -- afterGroups): their parts without one, the rest computed over the
    -- groups, which the subquery's value then joins.
    local nk, slots, aggregated = #(keys or {}), {}, false
    local function slot(node)
      slots[#slots + 1] = wrap(node)
      aggregated = aggregated or aggregates.hasAggregate({ node })
      return ("__c%d"):format(nk + #slots), nk + #slots
    end
    local function lift(node)
      return { k = "col", name = (slot({ k = "alias", name = ("__part%d"):format(#slots + 1), expr = node })) }
    end
    local at, later, named = {}, {}, {}
    for i, item in ipairs(items) do
      local e = item.k == "alias" and item.expr or item
      if subquery.holds(item) then
        later[i], named[i] = subquery.splitAtGroups(e, lift), item.k == "alias" and item.name or sql.outputName(e)
      else
        at[i], named[i] = slot(item)
      end
    end
    local having_at, having_later
    if having then
      -- HAVING names a select alias (HAVING cnt > 1) where no input
      -- column has that name, as Spark resolves it.
      local inputs = {}
      for _, f in ipairs(df._plan.schema.fields) do inputs[f.name:lower()] = true end
      local function resolve(n)
        if type(n) ~= "table" or getmetatable(n) then return n end
        if n.k == "col" and type(n.name) == "string" and not inputs[n.name:lower()] and by_alias[n.name:lower()] then
          return by_alias[n.name:lower()]
        end
        return aggregates.mapChildren(n, resolve)
      end
      having = resolve(having)
      if subquery.holds(having) then
        having_later = subquery.splitAtGroups(having, lift)
      else
        having_at = slot({ k = "alias", name = "__having", expr = having })
      end
    end
    for _, h in ipairs(hidden_list) do h.at = slot({ k = "alias", name = h.name, expr = h.expr }) end
    -- (an aggregate, for the one row of a query without keys; a key's
    -- rows are there without it)
    if not aggregated and (#slots == 0 or not keys) then
      slot({ k = "alias", name = "__rows", expr = { k = "call", fn = "count", args = { { k = "star" } } } })
    end
    local g
    if sets then
      g = require("tide.grouping_sets").groupingSets(df, keys, sets)
    else
      g = keys and df:groupBy((function()
        local cols = {}
        for i, k in ipairs(keys) do cols[i] = wrap(k) end
        return cols
      end)()) or df:groupBy()
    end
    out = g:agg(slots)
    -- agg gives the keys first, then the slots.
    local fields = out._plan.schema.fields
    local names = {}
    for i = 1, #fields do names[i] = ("__c%d"):format(i) end
    local rows = out:toDF(names)
    if having_at then rows = rows:filter(wrap({ k = "col", name = having_at })) end
    local values = {}
    if next(later) or having_later then rows, values = subquery.overGroups(rows, later, having_later) end
    local shown = {}
    for i = 1, #items do
      local name = type(named[i]) == "number" and fields[named[i]].name or named[i]
      shown[i] = wrap({ k = "alias", name = name, expr = values[i] or { k = "col", name = at[i] } })
    end
    for _, h in ipairs(hidden_list) do
      shown[#shown + 1] = wrap({ k = "alias", name = h.name, expr = { k = "col", name = h.at } })
    end
    out = rows:select(shown)
    if distinct then out = out:distinct() end
    out = sorted(out, true)
  else
    -- Rows are ordered before the select, so ORDER BY may name an input
    -- column the select leaves out, or one of its aliases.
    local cols = {}
    for i, item in ipairs(items) do cols[i] = wrap(item) end
    out = sorted(df, false):select(cols)
    if distinct then out = out:distinct() end
  end
  -- DISTRIBUTE BY moves no row; its expressions are checked all the same,
  -- over the output or (without grouping) the input columns.
  for _, e in ipairs(org.distribute or {}) do
    if not pcall(out.select, out, wrap(e)) then
      local from = grouped and out or df
      local ok, why = pcall(from.select, from, wrap(e))
      if not ok then error(why, 0) end
    end
  end
  if org.offset then out = out:offset(org.offset) end
  if limit then out = out:limit(limit) end
  return out
end

-- spark:sql(query): the DataFrame of a SELECT.
function M.run(session, text)
  if type(text) == "string" then text = text:gsub("%s*;%s*$", "") end -- a statement's closing ;
  local p = sql.newParser(text)
  local df = parse_query(p, session, {})
  return p:finish(df, "the end of the query (or WHERE, GROUP BY, HAVING, WINDOW, ORDER BY, SORT BY, CLUSTER BY,"
    .. " DISTRIBUTE BY, LIMIT, OFFSET, UNION, EXCEPT, INTERSECT)")
end

return M
