-- tide.join_conditions — what a join's condition asks, read as Spark's
-- optimizer reads it (ExtractEquiJoinKeys, PushPredicateThroughJoin):
--
--   local located = conditions.located(node, ldf, rdf)   -- each column: its side and position
--   local keys, sided, rest = conditions.split(located, how)
--
-- An equality (=, ==, <=>) of an expression over one side's columns with
-- one over the other's is a key of the hash join: a.id = b.id, but also
-- lower(a.name) = b.name or a.x + 1 = b.y, whose expressions tide.
-- dataframe_join computes as hidden columns of their side first. A
-- conjunct over one side's columns alone filters that side before the
-- join where the join type keeps no row for failing it (sided): both sides
-- of an inner or semi join, the side an outer join fills with nulls, an
-- anti join's right. The rest (a.t < b.t, a.x = b.x OR a.y = b.y, a
-- constant) is evaluated over the pairs of rows; with no key at all every
-- pair is (tide.join_nested_loop). A join of two streams takes equalities
-- of columns alone as keys (columnKeys), as tide.stream_join keeps them.
local sql = require("tide.sql")
local lineage = require("tide.lineage")
local checks = require("tide.checks")
local map_children = require("tide.dataframe_aggregate").mapChildren

local M = {}
local fail = checks.failAtUser

-- The field index (1-based) a name resolves to in schema, or nil; a name
-- several fields match only in case fails as Spark's.
local function resolve(schema, name, from)
  local i, ambiguous = schema:resolveField(name, lineage.fieldsOf(from))
  if ambiguous then fail("join: " .. ambiguous) end
  return i
end
M.resolve = resolve

-- The side ("left" or "right") and field index a column of a join
-- condition refers to: a.x (a DataFrame's column) is the column of the
-- side built on a; "a.x" is column x of the side aliased "a"
-- (df:alias("a")). A name both sides have is ambiguous, as df.id is in
-- Spark when both DataFrames have an id and nothing tells them apart
-- (a self-join: alias the sides).
local function locate(node, ldf, rdf)
  local name, from = node.name, node.from
  local ls, rs = ldf._plan.schema, rdf._plan.schema
  if from then
    local left, right = lineage.derives(ldf._plan, from.plan), lineage.derives(rdf._plan, from.plan)
    if left ~= right then
      local i = resolve(left and ls or rs, name, from)
      if i then return left and "left" or "right", i end
    end
  end
  local qualifier, rest = name:match("^([^.]+)%.(.+)$")
  if qualifier and (qualifier == ldf._alias) ~= (qualifier == rdf._alias) then
    local side, schema = qualifier == ldf._alias and "left" or "right", qualifier == ldf._alias and ls or rs
    local i = resolve(schema, rest)
    if not i then
      fail(("join: cannot resolve column %q of the condition: %s (the %s side) has columns %s"):format(name,
        qualifier, side, table.concat(schema:fieldNames(), ", ")))
    end
    return side, i
  end
  local li, ri = resolve(ls, name), resolve(rs, name)
  if li and ri then
    fail(("join: reference %q is ambiguous in the join condition: both sides have a column %s. Join on the name"
      .. " instead (df:join(other, %q), which keeps one %s), rename one side first (withColumnRenamed), or"
      .. " alias both (df:alias(\"l\"), F.col(\"l.%s\"))"):format(name, name, name, name, name))
  end
  if li then return "left", li end
  if ri then return "right", ri end
  fail(("join: cannot resolve column %q of the join condition (left columns: %s; right columns: %s)"):format(name,
    table.concat(ls:fieldNames(), ", "), table.concat(rs:fieldNames(), ", ")))
end
M.locate = locate

-- The condition with each "a.x" that SQL text (F.expr) parses as field x
-- of a column a, where a is the alias of a side and no column, made the
-- column reference F.col("a.x") is: that side's x.
local function side_qualified(node, ldf, rdf)
  if type(node) ~= "table" or getmetatable(node) then return node end
  if node.k == "field" and node.expr.k == "col" and not node.expr.from then
    local q = node.expr.name
    if (q == ldf._alias or q == rdf._alias) and not resolve(ldf._plan.schema, q) and not resolve(rdf._plan.schema, q)
    then
      return { k = "col", name = q .. "." .. node.name }
    end
  end
  return map_children(node, function(v) return side_qualified(v, ldf, rdf) end)
end
M.sideQualified = side_qualified

-- Spark's functions SQL calls without parentheses: names that no column
-- has call them (tide.eval resolves them so).
local NILADIC = { current_date = true, current_timestamp = true, current_user = true, user = true,
                  session_user = true, current_timezone = true, localtimestamp = true, now = true }

-- A located column reference: the field's name, its side and position.
local function located_column(name, side, at) return { k = "col", name = name, side = side, at = at } end
M.column = located_column

-- node (a join's condition over ldf's and rdf's columns) with each column
-- reference located: { k = "col", name, side = "left" | "right", at =
-- its 1-based position on that side }. "s.x", field x of a struct column
-- s, is that field of s located; a lambda's parameters stay as they are;
-- so does a name that only calls a function (current_date). A reference
-- that resolves on neither side, or on both, fails as Spark's analysis.
function M.located(node, ldf, rdf)
  local function one(n)
    local ok, side, i = pcall(locate, n, ldf, rdf)
    if ok then
      return located_column((side == "left" and ldf or rdf)._plan.schema.fields[i].name, side, i)
    end
    local parts = {}
    for part in (n.name .. "."):gmatch("([^.]*)%.") do parts[#parts + 1] = part end
    for j = #parts - 1, 1, -1 do
      local head = { k = "col", name = table.concat(parts, ".", 1, j), from = n.from }
      local found, s, at = pcall(locate, head, ldf, rdf)
      if found then
        local out = located_column((s == "left" and ldf or rdf)._plan.schema.fields[at].name, s, at)
        for k = j + 1, #parts do out = { k = "field", expr = out, name = parts[k] } end
        return out
      end
    end
    if NILADIC[n.name:lower()] then return n end
    error(side, 0)
  end
  return M.mapColumns(side_qualified(node, ldf, rdf), function(n)
    if type(n.name) ~= "string" then return n end
    return one(n)
  end)
end

-- node with each column it reads (not a lambda's variable) replaced by
-- fn(the column's node).
function M.mapColumns(node, fn)
  local function walk(n, params)
    if type(n) ~= "table" or getmetatable(n) then return n end
    if n.k == "col" and not (type(n.name) == "string" and params[n.name:lower()] and not n.from) then
      return fn(n)
    end
    if n.k == "lambda" and type(n.params) == "table" then
      local inner = setmetatable({}, { __index = params })
      for _, p in ipairs(n.params) do inner[tostring(p):lower()] = true end
      params = inner
    end
    return map_children(n, function(v) return walk(v, params) end)
  end
  return walk(node, {})
end

-- The sides whose located columns node reads, added to set.
local function sides_of(node, set)
  if type(node) ~= "table" or getmetatable(node) then return set end
  if node.k == "col" and node.side then
    set[node.side] = true
    return set
  end
  for key, v in pairs(node) do
    if key ~= "from" then sides_of(v, set) end
  end
  return set
end

-- "left" or "right" when node reads the columns of that side alone; nil
-- when it reads both, or none.
local function one_side(node)
  local set = sides_of(node, {})
  if set.left and not set.right then return "left" end
  if set.right and not set.left then return "right" end
end
M.oneSide = one_side

-- Calls whose values differ from call to call: a conjunct holding one is
-- evaluated where the condition says, never moved to a side.
local NONDETERMINISTIC = { rand = true, randn = true, random = true, uuid = true, shuffle = true,
  monotonically_increasing_id = true, spark_partition_id = true, input_file_name = true, udf = true }
local function deterministic(node)
  if type(node) ~= "table" or getmetatable(node) then return true end
  if node.k == "call" and (type(node.fn) ~= "string" or NONDETERMINISTIC[node.fn:lower()]) then return false end
  for key, v in pairs(node) do
    if key ~= "from" and not deterministic(v) then return false end
  end
  return true
end
M.deterministic = deterministic

-- The sides a one-sided conjunct may filter before a join of each type
-- (tide.dataframe_join's names): those whose rows failing it the join
-- would drop anyway.
local SIDED = { inner = { left = true, right = true }, cross = { left = true, right = true },
                semi = { left = true, right = true }, anti = { right = true }, left = { right = true },
                right = { left = true }, full = {} }

local EQUALS = { ["="] = false, ["=="] = false, ["<=>"] = true } -- null-safe?

-- A located condition's keys ({ left = expression over the left's
-- columns, right = over the right's, nullSafe }), its one-sided conjuncts
-- by side ({ left = {...}, right = {...} }) and the rest, in order.
function M.split(located, how)
  local keys, sided, rest = {}, { left = {}, right = {} }, {}
  local to_sides = SIDED[how] or {}
  for _, c in ipairs(sql.conjuncts(located, {})) do
    local null_safe = c.k == "op" and EQUALS[c.op]
    local l = null_safe ~= nil and one_side(c.left)
    local r = null_safe ~= nil and one_side(c.right)
    local side = one_side(c)
    if l and r and l ~= r then
      keys[#keys + 1] = { left = l == "left" and c.left or c.right, right = l == "left" and c.right or c.left,
                          nullSafe = null_safe }
    elseif side and to_sides[side] and deterministic(c) then
      table.insert(sided[side], c)
    elseif c.k == "lit" and c.value == true then
      -- (ON true asks nothing of a pair)
    else
      rest[#rest + 1] = c
    end
  end
  return keys, sided, rest
end

-- The keys of the condition of a join of two streams (tide.stream_join,
-- whose state and watermarks work with columns), and what else it asks
-- (the residual: nil, or the AND of its other conjuncts, by name). Each
-- equality between a column of each side is a key the hash join matches
-- on; any other conjunct (a range of times, a comparison with a value, an
-- equality of one side's columns) filters the pairs the keys matched, as
-- Spark's join evaluates its condition's remainder over the joined row.
-- Without a key at all there is nothing to hash on: that fails, naming
-- the first conjunct, as Spark refuses a stream-stream join without one.
function M.columnKeys(ldf, rdf, node)
  local keys, rest, first_error = {}, {}, nil
  for _, c in ipairs(sql.conjuncts(side_qualified(node, ldf, rdf), {})) do
    local null_safe
    if c.k == "op" then null_safe = EQUALS[c.op] end
    local s1, i1, s2, i2
    if null_safe ~= nil and c.left.k == "col" and c.right.k == "col" then
      s1, i1 = locate(c.left, ldf, rdf)
      s2, i2 = locate(c.right, ldf, rdf)
      if s1 == s2 then
        first_error = first_error or ("join: the condition %s compares two columns of the %s side: tide joins on"
          .. " at least one equality between a column of each side"):format(sql.toString(c), s1)
        s1 = nil
      end
    else
      first_error = first_error or ("join: the condition %s is not an equality of two columns: tide joins on at least"
        .. " one equality between a column of each side (and_ of several), and filters the matched rows by the"
        .. " other conditions"):format(sql.toString(c))
    end
    if s1 then
      keys[#keys + 1] = { left = s1 == "left" and i1 or i2, right = s1 == "right" and i1 or i2, nullSafe = null_safe }
    else
      rest[#rest + 1] = c
    end
  end
  if #keys == 0 then fail(first_error) end
  local residual
  for _, c in ipairs(rest) do residual = residual and { k = "op", op = "and", left = residual, right = c } or c end
  return keys, residual
end

-- The AND of a list of conditions, or nil for none.
function M.all(list)
  local out
  for _, c in ipairs(list) do out = out and { k = "op", op = "and", left = out, right = c } or c end
  return out
end

-- A located node as an expression tide.eval compiles: each located
-- column by position, index(side, at) (0-based) in the schema it is
-- compiled against.
function M.compilable(node, index)
  if type(node) ~= "table" or getmetatable(node) then return node end
  if node.k == "col" and node.side then return { k = "col", name = node.name, index = index(node.side, node.at) } end
  return map_children(node, function(v) return M.compilable(v, index) end)
end

return M
