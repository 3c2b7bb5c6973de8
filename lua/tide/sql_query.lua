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
-- (t.col) is the column of that table, t.* its columns and s.* the fields
-- of a struct column s; without FROM a select is one row.
-- Here: the select, its tables and joins, set operations and WITH; the
-- stars are tide.sql_stars', the FROM clause's other forms tide.sql_from's,
-- GROUP BY, ORDER BY and the rest after it and WINDOW tide.sql_clauses',
-- and the DataFrame a select's parts stand for tide.sql_plan's.
local sql = require("tide.sql")
local column = require("tide.column")
local subquery = require("tide.sql_subquery")
local correlation = require("tide.sql_correlated")
local planner = require("tide.sql_plan")
local aggregates = require("tide.dataframe_aggregate")

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
local stars = require("tide.sql_stars")
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

-- [type] JOIN table [ON cond | USING (cols)], if the next words are one.
local function join(p, session, df, scope)
  -- (the join's words, a comma too, and LATERAL's joins: tide.sql_from)
  local how, natural = F.joinType(p)
  if not how then return nil end
  local named = {}
  for n in pairs(scope.names) do named[n] = true end
  local lateral = F.lateral(p, df, scope, how)
  if lateral then
    -- (its columns after df's are its alias's, the name it added)
    local a
    for n in pairs(scope.names) do a = a or (not named[n] and n) or nil end
    local fields = lateral._plan.schema.fields
    for i = #df._plan.schema.fields + 1, scope.columns and #fields or 0 do
      scope.columns[i] = { name = fields[i].name, tables = a and { [a] = true } or {} }
    end
    return lateral
  end
  local other = table_ref(p, session, scope)
  local joined, right, cols = nil, #other._plan.schema.fields, nil
  if natural then
    cols = F.naturalColumns(df, other)
    joined, right = F.usingJoin(df, other, cols, how, scope)
  elseif p:accept_kw("ON") then
    joined = df:join(other, wrap(unqualify(p:expr(), scope, true)), how)
  elseif p:accept_kw("USING") then
    p:expect_op("(")
    cols = {}
    repeat cols[#cols + 1] = p:name("a column name", true) until not p:accept_op(",")
    p:expect_op(")")
    joined, right = F.usingJoin(df, other, cols, how, scope)
  else
    joined = df:join(other, nil, how)
  end
  if how == "left_semi" or how == "left_anti" then return joined end
  joined = rename_clashes(joined, right, other._alias, scope)
  scope.columns = scope.columns
    and stars.joinedColumns(scope, scope.columns, stars.columnsOf(other, other._alias), cols, how, joined)
  return joined
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
  local out = df:select(wrap({ k = "star" }), wrap(node))
  if scope.columns then
    local fields = out._plan.schema.fields
    for i = #scope.columns + 1, #fields do
      scope.columns[i] = { name = fields[i].name, tables = { [view:lower()] = true } }
    end
  end
  return out
end

-- Whether the next tokens are name[.name...].* (a star of a table or a
-- struct); when take, they are taken and the names returned.
local function star_target(p, take)
  local parts, j = {}, 0
  while (p:peek(j).t == "id" or p:peek(j).t == "qid") and is_op(p:peek(j + 1), ".") do
    parts[#parts + 1] = p:peek(j).value
    if is_op(p:peek(j + 2), "*") then
      if take then
        for _ = 0, j + 2 do p:advance() end
      end
      return parts
    end
    j = j + 2
  end
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
    elseif star_target(p) then
      -- t.*, s.*, t.s.*: what it stands for is known with the tables
      items[#items + 1] = { k = "star", target = star_target(p, true) }
    else
      local e = p:expr()
      local several = is_kw(p:peek(), "AS") and sql.isOperator(p:peek(1), "(") and p:advance() and p:aliasNames()
      local a = not several and alias(p)
      items[#items + 1] = several and { k = "alias", expr = e, name = several[1], names = several }
        or a and { k = "alias", expr = e, name = a } or e
    end
  until not p:accept_op(",")
  p.readQuery = reader
  local scope = { names = {}, renamed = {}, ambiguous = {}, ctes = ctes, missing = {} }
  local df
  if p:accept_kw("FROM") then
    df = table_ref(p, session, scope)
    scope.columns = stars.columnsOf(df, df._alias)
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
      df, pivoted, scope.columns = pivot_clause(p, session, df, scope), true, nil
    end
    if p:accept_kw("UNPIVOT") then
      if viewed then not_with("LATERAL", "UNPIVOT") end
      if pivoted then not_with("UNPIVOT", "PIVOT") end
      df, scope.columns = unpivot_clause(p, df, scope), nil
    end
  else
    df = session:range(1):select() -- SELECT 1: one row of no columns
  end
  for i, item in ipairs(items) do items[i] = unqualify(item, scope) end
  items = stars.expandStars(items, df, scope)
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
    if grouped and key_items[i] and planner.holds(item) then
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
  for _, o in ipairs(org.order) do
    -- (Spark's CheckAnalysis takes IN and EXISTS in filters, joins,
    -- aggregations, windows and projections, not in a sort)
    if subquery.holdsPredicate(o.expr) then
      error("spark:sql: [UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.UNSUPPORTED_IN_EXISTS_SUBQUERY] Unsupported subquery"
        .. " expression: IN/EXISTS predicate subqueries are not taken in ORDER BY; compute the value in the select"
        .. " list and order by its alias", 0)
    end
    o.expr = sq:scalars(o.expr, grouped)
  end
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
    return correlation.result(planner.plan, df, items, { distinct = distinct, keys = keys, having = having,
      limit = org.limit, offset = org.offset, sets = sets }, correlated), org.any
  end
  return planner.plan(df, items, distinct, keys, having, org.order, org.limit, sets, org), org.any
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

-- spark:sql(query): the DataFrame of a SELECT.
function M.run(session, text)
  if type(text) == "string" then text = text:gsub("%s*;%s*$", "") end -- a statement's closing ;
  local p = sql.newParser(text)
  local df = parse_query(p, session, {})
  return p:finish(df, "the end of the query (or WHERE, GROUP BY, HAVING, WINDOW, ORDER BY, SORT BY, CLUSTER BY,"
    .. " DISTRIBUTE BY, LIMIT, OFFSET, UNION, EXCEPT, INTERSECT)")
end

return M
