-- tide.sql_plan — the DataFrame a select of spark:sql stands for, from
-- the parts tide.sql_query reads (a subquery's select too, which
-- tide.sql_correlated and tide.sql_subquery plan with it):
--
--   plan(df, items, distinct, keys, having, order, limit, sets, org)
--
-- over df, the FROM clause's rows after WHERE: window functions of a
-- select without grouping first, as columns beside df's; GROUP BY's keys
-- (an item by position or alias; keys of grouping sets the same once
-- resolved are one) and the aggregation, HAVING, window functions over
-- the groups, ORDER BY (an item, its position or alias, or an aggregate
-- or key the items lack; after the select when a generator makes its
-- rows), DISTINCT, DISTRIBUTE BY's check, OFFSET and LIMIT. In an
-- aggregate query an uncorrelated subquery outside the aggregates (what
-- tide.sql_subquery's values(afterGroups) leaves) is joined to the groups
-- once made.
local sql = require("tide.sql")
local subquery = require("tide.sql_subquery")
local aggregates = require("tide.dataframe_aggregate")

local M = {}

local S = require("tide.sql_support")
local wrap = S.wrap

-- ---- after the aggregation: the subqueries values(afterGroups) left --------------------------

-- Whether node holds a subquery (one values left for after the groups).
local function holds(node)
  if type(node) ~= "table" or getmetatable(node) then return false end
  if subquery.isSubquery(node, true) then return true end
  for key, v in pairs(node) do
    if key ~= "from" and holds(v) then return true end
  end
  if node.k == "window" and node.spec then return holds(node.spec.partition) or holds(node.spec.order) end
  return false
end
M.holds = holds

-- Whether an expression node (or a list of them) holds a window function.
local function windowed(node)
  if type(node) ~= "table" or getmetatable(node) then return false end
  if node.k == "window" then return true end
  for key, v in pairs(node) do
    if key ~= "from" and windowed(v) then return true end
  end
  return false
end

-- Whether a window function of node runs over an aggregate (rank() OVER
-- (ORDER BY sum(y)), sum(sum(y)) OVER ()): its query aggregates, as
-- Spark's, without GROUP BY too.
local function window_over_aggregate(node)
  if type(node) ~= "table" or getmetatable(node) then return false end
  if node.k == "window" then
    local has = aggregates.hasAggregate
    return has(node.fn.args or {}) or (node.spec ~= nil and (has(node.spec.partition) or has(node.spec.order)))
  end
  for key, v in pairs(node) do
    if key ~= "from" and window_over_aggregate(v) then return true end
  end
  return false
end

-- node (which holds such subqueries, or window functions) with each part
-- that holds none replaced by lift(part), the column the aggregation
-- computes it as (constants stay): a window's function's arguments and
-- its spec's expressions, not the function, which runs over the groups,
-- as do the subqueries (Spark's window over an aggregate: the aggregate
-- first, then the window over the groups).
function M.splitAtGroups(node, lift)
  local function split(n)
    if type(n) ~= "table" or getmetatable(n) then return n end
    -- (a list: arguments, branches; a window's ORDER BY key)
    if n.k == nil or n.k == "sortorder" then return aggregates.mapChildren(n, split) end
    if not holds(n) and not windowed(n) then
      if n.k == "star" or not (S.columnIn(n) or aggregates.hasAggregate({ n })) then return n end
      return lift(n)
    end
    if subquery.isSubquery(n, true) then
      local copy = aggregates.mapChildren(n, function(v) return v end)
      if n.k == "insubquery" then copy.expr = split(n.expr) end
      return copy
    end
    if n.k == "window" then
      local copy = {}
      for k, v in pairs(n) do copy[k] = v end
      copy.fn = aggregates.mapChildren(n.fn, split)
      copy.spec = S.mapWindowSpec(n.spec, split)
      return copy
    end
    return aggregates.mapChildren(n, split)
  end
  return split(node)
end

-- Over the aggregation's rows: exprs (splitAtGroups' nodes, by position)
-- as expressions over the rows returned, their subqueries joined to them,
-- which are those that `having` (split too), when given, keeps.
function M.overGroups(rows, exprs, having)
  local sq, values = subquery.new(rows), {}
  for i, e in pairs(exprs) do values[i] = sq:values(e, { predicates = true }) end
  return having and sq:where(having) or sq.df, values
end

-- ---- the plan --------------------------------------------------------------------------------

-- items with * as df's columns, each its own item: an aggregation
-- groups them as keys (SELECT * ... GROUP BY a, b), ORDER BY numbers
-- them. (A name df has twice is told by its position.)
local function expand_star(df, items)
  local fields, count, out = df._plan.schema.fields, {}, {}
  for _, f in ipairs(fields) do count[f.name:lower()] = (count[f.name:lower()] or 0) + 1 end
  for _, item in ipairs(items) do
    if item.k == "star" and not item.prefix then
      for i, f in ipairs(fields) do
        -- (not a hidden field: an outer JOIN ... USING's other key, tide.sql_from)
        if not f.hidden then
          out[#out + 1] = { k = "col", name = f.name, index = count[f.name:lower()] > 1 and i - 1 or nil }
        end
      end
    else
      out[#out + 1] = item
    end
  end
  return out
end

-- Whether an item is a generator's call (explode(a) AS x): its rows are
-- there only once the select is.
local function generates(item)
  local e = item.k == "alias" and item.expr or item
  return e.k == "call" and require("tide.eval_arrays").GENERATORS[tostring(e.fn):lower()] ~= nil
end

-- The DataFrame a parsed query stands for.
function M.plan(df, items, distinct, keys, having, order, limit, sets, org)
  org = org or {}
  local grouped = keys or having or aggregates.hasAggregate(items) or window_over_aggregate(items)
  items = expand_star(df, items)
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
    if item.k == "alias" and not item.star then by_alias[item.name:lower()] = item.expr end
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
  -- (and, as Spark's, those that name a column the output lacks: a key
  -- the select leaves out, ORDER BY x of SELECT sum(y) ... GROUP BY x;
  -- not under grouping sets, where Spark cannot resolve one)
  local shown_names = {}
  for _, item in ipairs(items) do
    shown_names[(item.k == "alias" and item.name or sql.outputName(item)):lower()] = true
  end
  local function names_hidden(node)
    if type(node) ~= "table" or getmetatable(node) then return false end
    if node.k == "col" and type(node.name) == "string" then return not shown_names[node.name:lower()] end
    for key, v in pairs(node) do
      if key ~= "from" and names_hidden(v) then return true end
    end
    return false
  end
  if grouped then
    for i, o in ipairs(order) do
      local e = item_at(o.expr) or o.expr
      local hidden = aggregates.hasAggregate({ e }) or has_grouping(e) or (not sets and names_hidden(e))
      if hidden and not by_text[sql.toString(e)] then
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
      if holds(item) or windowed(e) then
        later[i], named[i] = M.splitAtGroups(e, lift), item.k == "alias" and item.name or sql.outputName(e)
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
      if holds(having) then
        having_later = M.splitAtGroups(having, lift)
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
    if next(later) or having_later then rows, values = M.overGroups(rows, later, having_later) end
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
    local cols = {}
    for i, item in ipairs(items) do cols[i] = wrap(item) end
    local generator = false
    for _, item in ipairs(items) do generator = generator or generates(item) end
    if generator and #order > 0 then
      -- A generator's rows are there once the select is, so the sort
      -- comes after it, over its output (ORDER BY e of explode(a) AS e);
      -- what names input columns the output lacks the select computes
      -- beside it, hidden.
      out = df:select(cols)
      if distinct then
        out = out:distinct()
      else
        local more = {}
        for i, o in ipairs(order) do
          local e = item_at(o.expr) or o.expr
          if not by_text[sql.toString(e)] and not pcall(out.select, out, wrap(e)) then
            hidden_aggs[i] = ("__orderin%d"):format(i)
            more[#more + 1] = wrap({ k = "alias", name = hidden_aggs[i], expr = e })
          end
        end
        if #more > 0 then
          for _, c in ipairs(more) do cols[#cols + 1] = c end
          out = df:select(cols)
        end
      end
      out = sorted(out, true)
    else
      -- Rows are ordered before the select, so ORDER BY may name an input
      -- column the select leaves out, or one of its aliases.
      out = sorted(df, false):select(cols)
      if distinct then out = out:distinct() end
    end
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

return M
