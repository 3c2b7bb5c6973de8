-- tide.sql_query — spark:sql(query): a SELECT over temp views and memory
-- sinks' tables, run as the DataFrame methods it stands for:
--
--   [WITH name [(cols)] AS (query), ...]
--   SELECT [DISTINCT] items [FROM table [[AS] t]]
--     [[INNER|LEFT [OUTER]|RIGHT [OUTER]|FULL [OUTER]|LEFT SEMI|LEFT ANTI|CROSS] JOIN table [[AS] u]
--     [LATERAL VIEW [OUTER] explode(arr) v [AS] col, ...]
--        [ON condition | USING (cols)]] ...
--     [WHERE condition] [GROUP BY exprs] [HAVING condition]
--     [ORDER BY expr [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n]
--
-- A table is a name registered with createOrReplaceTempView (or a memory
-- sink's query name), global_temp.name for a global temp view, a WITH
-- query's name, or a (SELECT ...) with an alias. Selects combine with UNION, EXCEPT (MINUS) and INTERSECT, each
-- [ALL | DISTINCT]; ORDER BY and LIMIT after them order the whole
-- result. Expressions are tide's SQL expressions (functions, CASE, CAST,
-- aggregates, OVER (...)), and subqueries (tide.sql_subquery). A
-- qualified name (t.col) is the column of that table; without FROM a
-- select is one row.
local sql = require("tide.sql")
local column = require("tide.column")
local subquery = require("tide.sql_subquery")
local aggregates = require("tide.dataframe_aggregate")

local M = {}
local is_kw, is_op = sql.isKeyword, sql.isOperator

-- Words that end a clause: never an alias.
local CLAUSE = {}
for w in ([[FROM WHERE GROUP HAVING ORDER LIMIT JOIN INNER LEFT RIGHT FULL CROSS SEMI ANTI ON USING UNION
            EXCEPT MINUS INTERSECT WINDOW LATERAL]]):gmatch("%a+") do CLAUSE[w] = true end

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
  return aggregates.mapChildren(node, function(v) return unqualify(v, scope, keep) end)
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

local parse_query, table_function

-- The generators Spark takes as table-valued functions (FROM explode(...)).
local GENERATORS = { explode = true, explode_outer = true, posexplode = true, posexplode_outer = true,
                     inline = true, inline_outer = true, stack = true, json_tuple = true }

-- A table-valued function after its name: range(end) / range(start, end
-- [, step[, numPartitions]]) (Spark's, the arguments integer literals), or
-- a generator's rows (its columns named as in a select).
function table_function(p, session, name)
  local fn = name:lower()
  p:expect_op("(")
  local args = {}
  if not is_op(p:peek(), ")") then
    repeat args[#args + 1] = p:expr() until not p:accept_op(",")
  end
  p:expect_op(")")
  if fn == "range" then
    local values = {}
    for i, a in ipairs(args) do
      local v = a.k == "lit" and a.value
      if a.k == "op" and a.op == "neg" then v = a.expr.k == "lit" and tonumber(a.expr.value) and -a.expr.value end
      if type(v) ~= "number" and type(v) ~= "cdata" or v ~= math.floor(tonumber(v)) then
        error(("spark:sql: range takes integer literals, not %q"):format(require("tide.sql_names").toString(a)), 0)
      end
      values[i] = tonumber(v)
    end
    if #values < 1 or #values > 4 then
      error(("spark:sql: range takes 1 to 4 arguments (end, or start, end[, step[, numPartitions]]), not %d")
        :format(#values), 0)
    end
    return session:range(unpack(values))
  end
  if GENERATORS[fn] then
    return session:range(1):select(wrap({ k = "call", fn = fn, args = args }))
  end
  error(("spark:sql: unknown table-valued function %s (tide has range, explode, explode_outer, posexplode,"
    .. " posexplode_outer, inline, inline_outer, stack and json_tuple)"):format(name), 0)
end

-- table_ref: name [alias] | ( query ) alias. Returns a DataFrame.
local function table_ref(p, session, scope)
  local df, name
  if p:accept_op("(") then
    df = parse_query(p, session, scope.ctes)
    p:expect_op(")")
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
  end
  -- A qualified name (global_temp.v) is referred to by its last part, as
  -- in Spark.
  local a = alias(p) or (name and name:match("[^.]*$"))
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

-- A list of expressions separated by commas.
local function expressions(p, scope)
  local list = {}
  repeat list[#list + 1] = unqualify(p:expr(), scope) until not p:accept_op(",")
  return list
end

-- GROUP BY's items (after GROUP BY): the keys, each expression once in
-- order, and the grouping sets (lists of key positions) when ROLLUP,
-- CUBE, GROUPING SETS or WITH ROLLUP / WITH CUBE ask for them, as
-- Spark's: a plain key is in every set, and several items give every
-- combination of their sets.
local function group_by(p, scope)
  local keys, position, options = {}, {}, {}
  local function key(e)
    local text = sql.toString(e)
    if not position[text] then
      keys[#keys + 1] = e
      position[text] = #keys
    end
    return position[text]
  end
  -- (a, b) or a: the positions of a set's keys
  local function one_set()
    local set = {}
    if p:accept_op("(") then
      if not p:accept_op(")") then
        repeat set[#set + 1] = key(unqualify(p:expr(), scope)) until not p:accept_op(",")
        p:expect_op(")")
      end
    else
      set[1] = key(unqualify(p:expr(), scope))
    end
    return set
  end
  -- ROLLUP's and CUBE's sets of groups of keys (each a list of positions:
  -- ROLLUP((a, b), c) rolls a and b up together).
  local function union_of(groups, take)
    local set = {}
    for i, g in ipairs(groups) do
      if take(i) then
        for _, p in ipairs(g) do set[#set + 1] = p end
      end
    end
    return set
  end
  local function rollup(groups)
    local sets = {}
    for size = #groups, 0, -1 do sets[#sets + 1] = union_of(groups, function(i) return i <= size end) end
    return sets
  end
  local function cube(groups)
    local sets, n = {}, #groups
    for id = 0, 2 ^ n - 1 do
      sets[#sets + 1] = union_of(groups, function(i) return math.floor(id / 2 ^ (n - i)) % 2 == 0 end)
    end
    return sets
  end
  local function word(ahead, w) return p:peek(ahead).t == "id" and p:peek(ahead).up == w end
  local any = false
  repeat
    if (word(0, "ROLLUP") or word(0, "CUBE")) and is_op(p:peek(1), "(") then
      local how = p:advance().up
      p:advance()
      local groups = {}
      repeat groups[#groups + 1] = one_set() until not p:accept_op(",")
      p:expect_op(")")
      options[#options + 1], any = (how == "ROLLUP" and rollup or cube)(groups), true
    elseif word(0, "GROUPING") and word(1, "SETS") then
      p:advance()
      p:advance()
      p:expect_op("(")
      local sets = {}
      repeat sets[#sets + 1] = one_set() until not p:accept_op(",")
      p:expect_op(")")
      options[#options + 1], any = sets, true
    else
      options[#options + 1] = { { key(unqualify(p:expr(), scope)) } }
    end
  until not p:accept_op(",")
  if p:accept_kw("WITH") then
    local how = p:peek().t == "id" and p:peek().up
    if how ~= "ROLLUP" and how ~= "CUBE" then p:fail("ROLLUP or CUBE after GROUP BY ... WITH") end
    p:advance()
    local groups = {}
    for i = 1, #keys do groups[i] = { i } end
    return keys, (how == "ROLLUP" and rollup or cube)(groups)
  end
  if not any then return keys, nil end
  -- every combination of the items' sets, the first item's varying slowest
  local sets = { {} }
  for _, choices in ipairs(options) do
    local next_sets = {}
    for _, so_far in ipairs(sets) do
      for _, choice in ipairs(choices) do
        local set, seen = {}, {}
        for _, k in ipairs(so_far) do set[#set + 1], seen[k] = k, true end
        for _, k in ipairs(choice) do
          if not seen[k] then set[#set + 1], seen[k] = k, true end
        end
        next_sets[#next_sets + 1] = set
      end
    end
    sets = next_sets
  end
  return keys, sets
end

-- ORDER BY's keys (after ORDER BY), each { expr, desc, nullsFirst }.
local function order_by(p, scope)
  local order = {}
  repeat
    local e = unqualify(p:expr(), scope)
    local desc, nulls_first = p:ordering()
    order[#order + 1] = { expr = e, desc = desc, nullsFirst = nulls_first }
  until not p:accept_op(",")
  return order
end

-- LIMIT's count (after LIMIT).
local function limit_count(p)
  local tok = p:peek()
  local n = tok.t == "num" and tonumber(tok.body)
  if not n or n ~= math.floor(n) then p:fail("a whole number of rows") end
  p:advance()
  return n
end

-- SELECT ... FROM ... [WHERE] [GROUP BY] [HAVING], and ORDER BY and LIMIT
-- unless the select is one side of a set operation (whose ORDER BY and
-- LIMIT are the whole result's). Returns the DataFrame and whether it had
-- ORDER BY or LIMIT.
local function select_core(p, session, ctes, in_set)
  local outer_reader = p.readQuery
  p.readQuery = function()
    local ok, df = pcall(parse_query, p, session, ctes)
    if ok then return df end
    if tostring(df):find("cannot resolve", 1, true) and not tostring(df):find("uncorrelated", 1, true) then
      df = tostring(df) .. " (a subquery reads its own tables only: tide's subqueries are uncorrelated)"
    end
    error(df, 0)
  end
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
      local several = is_kw(p:peek(), "AS") and sql.isOperator(p:peek(1), "(") and p:advance() and p:aliasNames()
      local a = not several and alias(p)
      items[#items + 1] = several and { k = "alias", expr = e, name = several[1], names = several }
        or a and { k = "alias", expr = e, name = a } or e
    end
  until not p:accept_op(",")
  local scope = { names = {}, renamed = {}, ambiguous = {}, ctes = ctes }
  local df
  if p:accept_kw("FROM") then
    df = table_ref(p, session, scope)
    while true do
      local joined = join(p, session, df, scope)
      if not joined then break end
      df = joined
    end
    while true do
      local viewed = lateral_view(p, df, scope)
      if not viewed then break end
      df = viewed
    end
  else
    df = session:range(1):select() -- SELECT 1: one row of no columns
  end
  for i, item in ipairs(items) do items[i] = unqualify(item, scope) end
  local where = p:accept_kw("WHERE") and unqualify(p:expr(), scope)
  local keys, sets, having
  if p:accept_kw("GROUP") then
    p:expect_kw("BY")
    keys, sets = group_by(p, scope)
  end
  if p:accept_kw("HAVING") then having = unqualify(p:expr(), scope) end
  local order, limit = {}, nil
  if not in_set then
    if p:accept_kw("ORDER") then
      p:expect_kw("BY")
      order = order_by(p, scope)
    end
    if p:accept_kw("LIMIT") then limit = limit_count(p) end
  end
  p.readQuery = outer_reader
  -- Subqueries in expressions: joins over the FROM clause's rows, whose
  -- extra columns * leaves out.
  local sq = subquery.new(df)
  local grouped = keys ~= nil or having ~= nil or aggregates.hasAggregate(items)
  items, having, keys = sq:scalars(items, grouped), sq:scalars(having, true), sq:scalars(keys, false)
  for _, o in ipairs(order) do o.expr = sq:scalars(o.expr, grouped) end
  df = where and sq:where(where) or sq.df
  if #df._plan.schema.fields > sq.width then
    local listed = {}
    for _, item in ipairs(items) do
      if item.k == "star" then
        for _, c in ipairs(sq:ownColumns()) do listed[#listed + 1] = c end
      else
        listed[#listed + 1] = item
      end
    end
    items = listed
  end
  return M.plan(df, items, distinct, keys, having, order, limit, sets), #order > 0 or limit ~= nil
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
  if word == "UNION" then
    local both = left:union(right)
    return all and both or both:distinct()
  elseif word == "INTERSECT" then
    return all and left:intersectAll(right) or left:intersect(right)
  end
  return all and left:exceptAll(right) or left:subtract(right)
end

local INTERSECT, UNION_EXCEPT = { INTERSECT = true }, { UNION = true, EXCEPT = true, MINUS = true }

-- A select or a parenthesized query; the select's ORDER BY and LIMIT are
-- its own only when no set operator follows (then they would be the
-- whole result's, which Spark's grammar puts at the end).
local function query_primary(p, session, ctes, in_set)
  if p:accept_op("(") then
    local df = parse_query(p, session, ctes)
    p:expect_op(")")
    return df
  end
  local tok = p:peek()
  local df, organized = select_core(p, session, ctes, in_set)
  local after = p:peek()
  if organized and after.t == "id" and (INTERSECT[after.up] or UNION_EXCEPT[after.up]) then
    error(("spark:sql: ORDER BY or LIMIT before %s at position %d: they order the whole result at its end, or"
      .. " the one select in parentheses (position %d)"):format(after.up, after.pos, tok.pos), 0)
  end
  return df
end

-- Primaries joined by INTERSECT; and whether there was one.
local function query_term(p, session, ctes, in_set)
  local df, combined = query_primary(p, session, ctes, in_set), false
  while true do
    local word, all = set_operator(p, INTERSECT)
    if not word then return df, combined end
    df, combined = combine(df, word, all, query_primary(p, session, ctes, true)), true
  end
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
    local df = parse_query(p, session, own)
    p:expect_op(")")
    own[name:lower()] = columns and df:toDF(columns) or df
  until not p:accept_op(",")
  return own
end

-- [WITH ...] a select, or selects joined by set operators, then the whole
-- result's ORDER BY (over its columns, by name or position) and LIMIT.
parse_query = function(p, session, ctes)
  if p:accept_kw("WITH") then ctes = with_clause(p, session, ctes) end
  local df, combined = query_term(p, session, ctes, false)
  while true do
    local word, all = set_operator(p, UNION_EXCEPT)
    if not word then break end
    df, combined = combine(df, word, all, (query_term(p, session, ctes, true))), true
  end
  if combined then
    if p:accept_kw("ORDER") then
      p:expect_kw("BY")
      local keys, fields = {}, df._plan.schema.fields
      for i, o in ipairs(order_by(p, { names = {}, renamed = {}, ambiguous = {} })) do
        local e = o.expr
        if e.k == "lit" and type(e.value) == "number" then
          if not fields[e.value] then
            error(("spark:sql: position %s is not in the select list"):format(tostring(e.value)), 0)
          end
          e = { k = "col", name = fields[e.value].name, index = e.value - 1 }
        end
        keys[i] = wrap({ k = "sortorder", expr = e, descending = o.desc, nullsFirst = o.nullsFirst })
      end
      df = df:orderBy(keys)
    end
    if p:accept_kw("LIMIT") then df = df:limit(limit_count(p)) end
  end
  return df
end

-- The DataFrame a parsed query stands for.
function M.plan(df, items, distinct, keys, having, order, limit, sets)
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
    local list = {}
    for i, item in ipairs(items) do list[i] = wrap(item) end
    if having then list[#list + 1] = wrap({ k = "alias", name = "__having", expr = having }) end
    for _, h in ipairs(hidden_list) do list[#list + 1] = wrap({ k = "alias", name = h.name, expr = h.expr }) end
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
    out = g:agg(list)
    -- agg gives the keys first: the select list is what follows them.
    local n, fields = #(keys or {}), out._plan.schema.fields
    local names = {}
    for i = 1, #fields do names[i] = ("__c%d"):format(i) end
    local renamed = out:toDF(names)
    local having_at = n + #items + 1
    if having then renamed = renamed:filter(wrap({ k = "col", name = names[having_at] })) end
    local shown = {}
    for i = 1, #items do
      shown[i] = wrap({ k = "alias", name = fields[n + i].name, expr = { k = "col", name = names[n + i] } })
    end
    for k, h in ipairs(hidden_list) do
      shown[#shown + 1] = wrap({ k = "alias", name = h.name,
        expr = { k = "col", name = names[having_at + (having and 1 or 0) + k - 1] } })
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
  local df = parse_query(p, session, {})
  return p:finish(df, "the end of the query (or WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, UNION, EXCEPT,"
    .. " INTERSECT)")
end

return M
