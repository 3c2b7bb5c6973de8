-- tide.sql_clauses — spark:sql's clauses around a select (tide.sql_query):
-- GROUP BY (ROLLUP, CUBE, GROUPING SETS, ALL), the organization of a
-- result (ORDER BY, CLUSTER / DISTRIBUTE / SORT BY, LIMIT, OFFSET) and
-- named windows (WINDOW w AS (...)).
local sql = require("tide.sql")
local aggregates = require("tide.dataframe_aggregate")
local T = require("tide.types")

local M = {}
local is_kw, is_op = sql.isKeyword, sql.isOperator
local S = require("tide.sql_support")
local INTERSECT, UNION_EXCEPT, raise, is_name = S.INTERSECT, S.UNION_EXCEPT, S.raise, S.isName
local alias, row_count, unqualify, expressions = S.alias, S.rowCount, S.unqualify, S.expressions

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

-- A query's ORDER BY, CLUSTER BY, DISTRIBUTE BY, SORT BY, LIMIT and OFFSET
-- (Spark's queryOrganization), if there: { order = keys as order_by's,
-- distribute = expressions, limit = n, offset = n }. Spark takes ORDER
-- BY, CLUSTER BY, or DISTRIBUTE BY and SORT BY. With one partition
-- DISTRIBUTE BY moves no row, SORT BY sorts the partition, that is the
-- rows, as ORDER BY does, and CLUSTER BY sorts them ascending by its
-- expressions.
local function organization(p, session, scope)
  local org, words = { order = {} }, {}
  local function clause(word)
    if not (is_kw(p:peek(), word) and is_kw(p:peek(1), "BY")) then return false end
    p:advance()
    p:advance()
    words[word] = true
    return true
  end
  if clause("ORDER") then org.order = order_by(p, scope) end
  if clause("CLUSTER") then
    org.distribute = expressions(p, scope)
    for i, e in ipairs(org.distribute) do org.order[i] = { expr = e, desc = false, nullsFirst = true } end
  end
  if clause("DISTRIBUTE") then org.distribute = expressions(p, scope) end
  if clause("SORT") then org.order = order_by(p, scope) end
  if (words.ORDER and (words.CLUSTER or words.DISTRIBUTE or words.SORT))
      or (words.CLUSTER and (words.DISTRIBUTE or words.SORT)) then
    raise("[UNSUPPORTED_FEATURE.COMBINATION_QUERY_RESULT_CLAUSES] The feature is not supported: Combination of"
      .. " ORDER BY/SORT BY/DISTRIBUTE BY/CLUSTER BY.")
  end
  if p:accept_kw("LIMIT") and not p:accept_kw("ALL") then org.limit = row_count(session, p:expr(), "limit") end
  if p:accept_kw("OFFSET") then org.offset = row_count(session, p:expr(), "offset") end
  org.any = #org.order > 0 or org.distribute ~= nil or org.limit ~= nil or org.offset ~= nil
  return org
end

-- The index of the ")" closing the "(" at toks[i] (or of the end).
local function close_of(toks, i)
  local depth = 0
  while toks[i].t ~= "eof" do
    if is_op(toks[i], "(") then
      depth = depth + 1
    elseif is_op(toks[i], ")") then
      depth = depth - 1
      if depth == 0 then return i end
    end
    i = i + 1
  end
  return i
end

-- The WINDOW clause at toks[at] (WINDOW name AS (spec) | name AS other |
-- name AS (other), ...): its windows by name, each { open, close } (the
-- indices of its spec's parentheses), and the index after the clause.
-- Spark's parser checks a window is defined once and a reference names a
-- window with a spec; names are compared as written.
local function window_clause(p, at)
  local toks, defined, i = p.toks, {}, at + 1
  repeat
    local tok = toks[i]
    if not is_name(tok) or not is_kw(toks[i + 1], "AS") then p:fail("a window's name AS its specification", tok) end
    local spec
    i = i + 2
    if is_op(toks[i], "(") and is_name(toks[i + 1]) and is_op(toks[i + 2], ")") then
      spec, i = { ref = toks[i + 1].value }, i + 3
    elseif is_op(toks[i], "(") then
      spec = { open = i, close = close_of(toks, i) }
      i = spec.close + 1
    elseif is_name(toks[i]) then
      spec, i = { ref = toks[i].value }, i + 1
    else
      p:fail("a window specification, (PARTITION BY ... ORDER BY ...) or a window's name", toks[i])
    end
    if defined[tok.value] then
      raise(("[INVALID_SQL_SYNTAX.REPETITIVE_WINDOW_DEFINITION] Invalid SQL syntax: The definition of window `%s` is"
        .. " repetitive."):format(tok.value))
    end
    defined[tok.value] = spec
    local more = is_op(toks[i], ",")
    if more then i = i + 1 end
  until not more
  local windows = {}
  for name, spec in pairs(defined) do
    if spec.ref then
      local target = defined[spec.ref]
      if not target then
        raise(("[INVALID_SQL_SYNTAX.UNRESOLVED_WINDOW_REFERENCE] Invalid SQL syntax: Cannot resolve window reference"
          .. " `%s`."):format(spec.ref))
      elseif target.ref then
        raise(("[INVALID_SQL_SYNTAX.INVALID_WINDOW_REFERENCE] Invalid SQL syntax: Window reference `%s` is not a"
          .. " window specification."):format(spec.ref))
      end
      spec = target
    end
    windows[name] = spec
  end
  -- Each spec read as OVER reads one (count(*) takes any), for its errors.
  local resume = p.i
  for _, spec in pairs(defined) do
    if spec.open then
      p.i = spec.open - 1
      p:over({ k = "call", fn = "count", args = { { k = "star" } } })
    end
  end
  p.i = resume
  return windows, i
end

-- Spark's named windows, for the select at the cursor: its WINDOW clause
-- is taken out of the tokens, and each OVER name (or OVER (name)) of the
-- select gets the tokens of that window's (spec) in its place, which
-- OVER then reads as a window written there. A subquery's windows are its
-- own (it does the same when it is read).
local function named_windows(p)
  local toks, i, depth = p.toks, p.i, 0
  local windows, clauses, refs = {}, {}, {}
  while toks[i].t ~= "eof" do
    local tok = toks[i]
    if is_op(tok, "(") and (is_kw(toks[i + 1], "SELECT") or is_kw(toks[i + 1], "WITH")) then
      i = close_of(toks, i)
    elseif is_op(tok, "(") then
      depth = depth + 1
    elseif is_op(tok, ")") then
      if depth == 0 then break end
      depth = depth - 1
    elseif depth == 0 and tok.t == "id" and (UNION_EXCEPT[tok.up] or INTERSECT[tok.up]) then
      break
    elseif depth == 0 and is_kw(tok, "WINDOW") and is_name(toks[i + 1]) and is_kw(toks[i + 2], "AS") then
      local defined, after = window_clause(p, i)
      for name, spec in pairs(defined) do windows[name] = spec end
      clauses[i] = after
      i = after - 1
    elseif is_kw(tok, "OVER") and is_op(toks[i - 1], ")") then -- (after a call: no column named over)
      if is_name(toks[i + 1]) then
        refs[#refs + 1] = { first = i + 1, last = i + 1, tok = toks[i + 1] }
      elseif is_op(toks[i + 1], "(") and is_name(toks[i + 2]) and is_op(toks[i + 3], ")") then
        refs[#refs + 1] = { first = i + 1, last = i + 3, tok = toks[i + 2] }
      end
    end
    i = i + 1
  end
  if #refs == 0 and not next(clauses) then return end
  local replaced = {}
  for _, ref in ipairs(refs) do
    local spec = windows[ref.tok.value]
    if not spec then
      raise(("Window specification %s is not defined in the WINDOW clause."):format(ref.tok.value))
    end
    replaced[ref.first] = { after = ref.last + 1, open = spec.open, close = spec.close }
  end
  local out = {}
  for k = 1, p.i - 1 do out[k] = toks[k] end
  local k = p.i
  while toks[k] do
    local ref = replaced[k]
    if clauses[k] then
      k = clauses[k]
    elseif ref then
      for j = ref.open, ref.close do out[#out + 1] = toks[j] end
      k = ref.after
    else
      out[#out + 1] = toks[k]
      k = k + 1
    end
  end
  p.toks = out
end

-- GROUP BY ALL's keys (Spark 3.4): the select items without an aggregate
-- (* its columns), or the column named all when the rows have one. With
-- no such item the query is one group, unless an item names a column
-- outside its aggregates (x + count(*)), which Spark cannot group by.
local function group_by_all(df, items)
  for _, f in ipairs(df._plan.schema.fields) do
    if f.name:lower() == "all" then return { { k = "col", name = f.name } } end
  end
  local function outside_aggregates(n)
    if type(n) ~= "table" or getmetatable(n) or aggregates.isAggregate(n) then return false end
    if n.k == "col" then return true end
    for key, v in pairs(n) do
      if key ~= "from" and outside_aggregates(v) then return true end
    end
    return false
  end
  local keys, named = {}, false
  for _, item in ipairs(items) do
    local e = item.k == "alias" and item.expr or item
    if e.k == "star" then
      for i, f in ipairs(df._plan.schema.fields) do keys[#keys + 1] = { k = "col", name = f.name, index = i - 1 } end
    elseif not aggregates.hasAggregate({ e }) then
      keys[#keys + 1] = e
    else
      named = named or outside_aggregates(e)
    end
  end
  if #keys == 0 and named then
    raise("[UNRESOLVED_ALL_IN_GROUP_BY] Cannot infer grouping columns for GROUP BY ALL based on the select clause."
      .. " Please explicitly specify the grouping columns.")
  end
  return keys
end

M.groupBy, M.orderBy, M.organization, M.namedWindows, M.groupByAll = group_by, order_by, organization,
  named_windows, group_by_all

return M
