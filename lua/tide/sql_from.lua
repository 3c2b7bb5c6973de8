-- tide.sql_from — what spark:sql's FROM clause takes besides tables
-- (tide.sql_query): the words of a join (a comma, NATURAL, the join
-- types), NATURAL's and USING's columns, LATERAL generators and
-- subqueries, table-valued functions (range, the generators), inline
-- tables (VALUES ...), TABLESAMPLE, and PIVOT and UNPIVOT
-- (tide.sql_pivot), each as the DataFrame operations Spark plans them into.
local sql = require("tide.sql")
local column = require("tide.column")
local aggregates = require("tide.dataframe_aggregate")
local batchlib = require("tide.batch")
local coerce = require("tide.eval_coerce")
local T = require("tide.types")

local M = {}
local is_kw, is_op = sql.isKeyword, sql.isOperator
local ID = T.ID
local S = require("tide.sql_support")
local wrap, raise, alias, column_in = S.wrap, S.raise, S.alias, S.columnIn
local constant, sql_type, row_count, wider = S.constant, S.sqlType, S.rowCount, S.wider
local unqualify, expressions = S.unqualify, S.expressions
local pivot = require("tide.sql_pivot")

-- The generators Spark takes as table-valued functions (FROM explode(...)).
local GENERATORS = { explode = true, explode_outer = true, posexplode = true, posexplode_outer = true,
                     inline = true, inline_outer = true, stack = true, json_tuple = true }

-- A table-valued function after its name: range(end) / range(start, end
-- [, step[, numPartitions]]) (Spark's, the arguments integer literals), or
-- a generator's rows (its columns named as in a select).
local function table_function(p, session, name)
  local fn = name:lower()
  p:expect_op("(")
  local args = {}
  if not is_op(p:peek(), ")") then
    repeat args[#args + 1] = p:expr() until not p:accept_op(",")
  end
  p:expect_op(")")
  if fn == "range" then
    -- (constant expressions, as Spark evaluates them: range(2 + 3) too)
    local values = {}
    for i, a in ipairs(args) do
      if column_in(a) then raise(("range takes constant arguments, not %s"):format(sql.toString(a))) end
      local text, field = constant(session, a)
      local id = field.dataType.id
      local v = text and tonumber(text)
      if not v or (id ~= ID.int and id ~= ID.long) then
        raise(("range takes whole numbers (int or bigint), not %s (%s)"):format(sql.toString(a), sql_type(field)))
      end
      if math.abs(v) >= 2 ^ 53 then
        raise(("range's %s is beyond the whole numbers tide's range takes (+-2^53)"):format(text))
      end
      values[i] = v
    end
    if #values < 1 or #values > 4 then
      raise(("range takes 1 to 4 arguments (end, or start, end[, step[, numPartitions]]), not %d"):format(#values))
    end
    return session:range(unpack(values))
  end
  if GENERATORS[fn] then
    return session:range(1):select(wrap({ k = "call", fn = fn, args = args }))
  end
  error(("spark:sql: unknown table-valued function %s (tide has range, explode, explode_outer, posexplode,"
    .. " posexplode_outer, inline, inline_outer, stack and json_tuple)"):format(name), 0)
end

-- ---- joins ---------------------------------------------------------------------------------

local JOIN_TYPES = { INNER = "inner", CROSS = "cross", LEFT = "left", RIGHT = "right", FULL = "full" }
-- Spark's names of the join types NATURAL refuses.
local NOT_NATURAL = { left_semi = "LeftSemi", left_anti = "LeftAnti" }

-- The words before a joined table, taken if the next ones are: a comma (a
-- cross join, FROM a, b), or [NATURAL] [INNER | CROSS | LEFT [OUTER |
-- SEMI | ANTI] | RIGHT [OUTER] | FULL [OUTER]] JOIN. Returns the join
-- type ("inner", "cross", "left", "right", "full", "left_semi",
-- "left_anti") and whether NATURAL said it, or nil.
local function join_type(p)
  if p:accept_op(",") then return "cross", false end
  local natural = p:accept_kw("NATURAL") ~= nil
  local tok, how = p:peek(), nil
  if is_kw(tok, "JOIN") then
    how = "inner"
  elseif JOIN_TYPES[tok.up or ""] and tok.t == "id" then
    p:advance()
    how = JOIN_TYPES[tok.up]
    if how == "left" and p:accept_kw("SEMI") then how = "left_semi"
    elseif how == "left" and p:accept_kw("ANTI") then how = "left_anti"
    elseif how ~= "inner" and how ~= "cross" then p:accept_kw("OUTER") end
  elseif natural then
    p:fail("JOIN after NATURAL")
  else
    return nil
  end
  p:expect_kw("JOIN")
  if natural and how == "cross" then
    raise("[INCOMPATIBLE_JOIN_TYPES] The join types NATURAL and CROSS are incompatible.")
  end
  if natural and NOT_NATURAL[how] then raise(("Unsupported natural join type %s"):format(NOT_NATURAL[how])) end
  return how, natural
end

-- NATURAL's columns: the names both sides have, as written (Spark's
-- natural join matches names case-sensitively), in the left's order.
local function natural_columns(df, other)
  local right, names, seen = {}, {}, {}
  for _, f in ipairs(other._plan.schema.fields) do
    if not f.hidden then right[f.name] = true end
  end
  for _, f in ipairs(df._plan.schema.fields) do
    if not f.hidden and right[f.name] and not seen[f.name] then
      names[#names + 1], seen[f.name] = f.name, true
    end
  end
  return names
end

-- df JOIN other USING (cols) (NATURAL's too), as Spark's: the keys once,
-- first; an outer join's key of the side it leaves out stays a hidden
-- column, which t.k names (SELECT l.k, r.k of a full join gives each
-- side's) and * leaves out; a right column whose name the left has is
-- t.col (scope.renamed), the bare name ambiguous (scope.ambiguous).
-- Without columns (NATURAL of no common name) every pair joins. Returns
-- the DataFrame and the count of right columns still to rename (none).
local function using_join(df, other, cols, how, scope)
  local join = require("tide.dataframe_join")
  how = join.normalizeHow(how)
  if #cols == 0 then
    if how == "inner" then return df:join(other, nil, "cross"), #other._plan.schema.fields end
    local always = { k = "lit", value = true }
    return join.locatedJoin(df, other, how, always), #other._plan.schema.fields
  end
  local alias = other._alias
  local function rename(outputs)
    local seen = {}
    for _, o in ipairs(outputs) do
      local f = o.field
      local name = f.name
      if f.hidden then
        scope.renamed[name:lower()] = name
      elseif o.side == "right" and o.index and seen[name:lower()] and alias and not (o.key or o.both) then
        local renamed = alias .. "." .. name
        scope.renamed[renamed:lower()] = renamed
        scope.ambiguous[name:lower()] = ("%s, %s"):format(seen[name:lower()], renamed)
        local copy = T.field(renamed, f.dataType, f.nullable)
        copy.origin, copy.qualifier, copy.voidType, copy.ml = f.origin, f.qualifier, f.voidType, f.ml
        o.field = copy
      end
      if not f.hidden then seen[name:lower()] = seen[name:lower()] or name end
    end
  end
  return join.usingJoin(df, other, cols, how, { hidden = true, rename = rename }), 0
end

-- The generator's call after LATERAL: name(args), its arguments over the
-- FROM clause's columns so far.
local function lateral_generator(p, scope, name)
  local fn = name:lower()
  if not GENERATORS[fn] then
    raise(("LATERAL %s(...): tide takes a generator after LATERAL (explode, explode_outer, posexplode,"
      .. " posexplode_outer, inline, inline_outer, stack, json_tuple) or (SELECT ...) without FROM"):format(name))
  end
  p:expect_op("(")
  local args = {}
  if not is_op(p:peek(), ")") then
    repeat args[#args + 1] = unqualify(p:expr(), scope) until not p:accept_op(",")
  end
  p:expect_op(")")
  return { k = "call", fn = fn, args = args }
end

-- LATERAL (SELECT items): the items over the outer row (no FROM).
local function lateral_select(p, scope)
  p:expect_kw("SELECT")
  local items = {}
  repeat
    local e = unqualify(p:expr(), scope)
    local a = alias(p)
    items[#items + 1] = a and { k = "alias", expr = e, name = a } or e
  until not p:accept_op(",")
  if not is_op(p:peek(), ")") then
    raise("a LATERAL subquery with FROM, WHERE or GROUP BY is not supported in tide: it takes LATERAL (SELECT"
      .. " expressions) over the outer row, and LATERAL generators (explode(t.a))")
  end
  p:expect_op(")")
  return items
end

-- After a join's words (join_type's how), LATERAL and what it joins to each
-- row of df, if the next words are one: a generator, generator(args)
-- [[AS] t [(cols)]], whose rows are the row's (LATERAL VIEW's), or (SELECT
-- items) [[AS] t [(cols)]], a row of values over it; [ON condition] keeps
-- the pairs it passes (a left join: ON true alone, a generator's _outer
-- form). Returns the joined DataFrame, or nil.
local function lateral(p, df, scope, how)
  if not p:accept_kw("LATERAL") then return nil end
  if how ~= "inner" and how ~= "cross" and how ~= "left" then
    raise(("LATERAL with a %s join is not supported: Spark joins a LATERAL subquery inner, cross or left outer")
      :format(how:upper():gsub("_", " ")))
  end
  local gen, items
  if p:accept_op("(") then
    items = lateral_select(p, scope)
  else
    gen = lateral_generator(p, scope, p:name("a generator function"))
  end
  local a, names = S.tableAlias(p)
  if a then scope.names[a:lower()] = true end
  local cond = p:accept_kw("ON") and unqualify(p:expr(), scope)
  local always = not cond or (cond.k == "lit" and cond.value == true)
  if how == "left" and not always then
    raise("LEFT JOIN LATERAL ... ON a condition other than true is not supported in tide (a left join of a"
      .. " LATERAL row set: ON true, or no ON)")
  end
  local cols = { wrap({ k = "star" }) }
  if gen then
    if how == "left" and (gen.fn == "explode" or gen.fn == "posexplode" or gen.fn == "inline") then
      gen.fn = gen.fn .. "_outer"
    end
    cols[2] = wrap(names and { k = "alias", expr = gen, name = names[1], names = names } or gen)
  else
    if names and #names ~= #items then
      raise(("Number of column aliases does not match number of columns. Number of column aliases: %d; number of"
        .. " columns: %d."):format(#names, #items))
    end
    for i, item in ipairs(items) do
      if names then item = { k = "alias", expr = item.k == "alias" and item.expr or item, name = names[i] } end
      cols[#cols + 1] = wrap(item)
    end
  end
  local width = #df._plan.schema.fields
  local out = df:select(cols)
  for i, f in ipairs(df._plan.schema.fields) do out._plan.schema.fields[i].hidden = f.hidden end
  if cond and not always then out = out:filter(wrap(cond)) end
  if scope.columns then
    -- (tide.sql_query's list of each column's table: the new ones are a's)
    local fields = out._plan.schema.fields
    for i = width + 1, #fields do
      scope.columns[#scope.columns + 1] = { name = fields[i].name, tables = a and { [a:lower()] = true } or {} }
    end
  end
  return out
end

-- Functions whose value differs from call to call: no constant of an
-- inline table (Spark evaluates its values once, when it plans them).
local NONDETERMINISTIC = { rand = true, randn = true, random = true, uuid = true, shuffle = true,
                           monotonically_increasing_id = true, spark_partition_id = true, input_file_name = true }

-- Functions Spark's SQL calls without parentheses, which read as names.
local NILADIC = { current_date = true, current_timestamp = true, current_user = true, user = true,
                  session_user = true, current_timezone = true, localtimestamp = true, now = true }

-- Why a value of an inline table is no constant, as Spark reports it, or nil.
local function not_constant(node)
  local c = column_in(node)
  if c and c.k == "col" and not NILADIC[tostring(c.name):lower()] then
    return ("[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column or function parameter with name `%s` cannot be resolved.")
      :format(c.name)
  end
  local function varies(n)
    if type(n) ~= "table" or getmetatable(n) then return false end
    if n.k == "window" or n.k == "scalarsubquery" or n.k == "exists" or n.k == "insubquery" or n.k == "star"
        or (n.k == "call" and NONDETERMINISTIC[tostring(n.fn):lower()]) then
      return true
    end
    for key, v in pairs(n) do
      if key ~= "from" and varies(v) then return true end
    end
    return false
  end
  if varies(node) or aggregates.hasAggregate({ node }) then
    return ('[INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE] Invalid inline table. Cannot'
      .. ' evaluate the expression "%s" in inline table definition.'):format(sql.toString(node))
  end
end

-- VALUES' rows (after VALUES): (e, e, ...) is a row of several columns,
-- any other expression, (e) too, a row of one, as Spark's grammar reads
-- them (a column's alias, (1 AS one, 2), names nothing).
local function inline_rows(p)
  local function value()
    local e = p:expr()
    alias(p)
    return e
  end
  local rows = {}
  repeat
    local start, row = p.i, nil
    if p:accept_op("(") then
      local first = value()
      if p:accept_op(",") then
        row = { first }
        repeat row[#row + 1] = value() until not p:accept_op(",")
        p:expect_op(")")
      else
        p.i = start -- a parenthesized expression: read again as one
      end
    end
    rows[#rows + 1] = row or { p:expr() }
  until not p:accept_op(",")
  return rows
end

-- An inline table's DataFrame: its columns named col1, col2, ... unless
-- names are given; each of the type its values widen to (no string
-- promotion: VALUES 1, 'a' fails), as Spark's ResolveInlineTables. One
-- row holds every value, which inline() turns into the table's rows.
local function inline_table(session, rows, names)
  local width = names and #names or #rows[1]
  for i, row in ipairs(rows) do
    if #row ~= width then
      raise(("[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Invalid inline table. Inline table expected %d columns but"
        .. " found %d columns in row %d."):format(width, #row, i - 1))
    end
  end
  if not names then
    names = {}
    for j = 1, width do names[j] = "col" .. j end
  end
  local cells = {}
  for i, row in ipairs(rows) do
    for j, e in ipairs(row) do
      local why = not_constant(e)
      if why then raise(why) end
      cells[#cells + 1] = wrap({ k = "alias", name = ("__v%d_%d"):format(i, j), expr = e })
    end
  end
  local one = session:range(1):select(cells)
  local fields = one._plan.schema.fields
  local function field(i, j) return fields[(i - 1) * width + j] end
  local types, voids = {}, {}
  for j = 1, width do
    for i = 1, #rows do
      local f = field(i, j)
      local t = f.voidType or f.dataType
      types[j] = i == 1 and t or types[j] and wider(types[j], t)
    end
    if not types[j] then
      raise(("[INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE] Invalid inline table. Found incompatible"
        .. " types in the column `%s` for inline table."):format(names[j]))
    end
    local kept = coerce.materialized(types[j])
    if kept ~= types[j] then voids[j] = types[j] end
    types[j] = kept
  end
  local structs = {}
  for i = 1, #rows do
    local args = {}
    for j = 1, width do
      local f, value = field(i, j), { k = "col", name = field(i, j).name }
      if f.voidType then
        value = coerce.castNode(value, f.voidType, types[j]) -- (NULL, array(), map())
      elseif f.dataType ~= types[j] then value = { k = "cast", expr = value, to = types[j] } end
      args[j] = { k = "alias", name = names[j], expr = value }
    end
    structs[i] = { k = "call", fn = "struct", args = args }
  end
  local out = one:select(wrap({ k = "call", fn = "inline", args = { { k = "call", fn = "array", args = structs } } }))
  -- (a column of untyped NULLs stays void for what meets it: UNPIVOT, a union)
  for j, void in pairs(voids) do out._plan.schema.fields[j].voidType = void end
  return out
end

-- A whole number of a TABLESAMPLE (BUCKET x OUT OF y): an integer
-- literal, as Spark's grammar has it (2.0 is a decimal).
local function whole_number(p)
  local tok = p:peek()
  local n = tok.t == "num" and tok.suffix == "" and tok.body:find("^%d+$") and tonumber(tok.body)
  if not n then p:fail("a whole number") end
  p:advance()
  return n
end

-- TABLESAMPLE (x PERCENT | n ROWS | BUCKET x OUT OF y) [REPEATABLE
-- (seed)] after a table, if the next words are one: as Spark's, a
-- fraction of the rows drawn without replacement (x / 100, or x / y), or
-- the first n rows. Without REPEATABLE each query draws another sample.
local function table_sample(p, session, df)
  if not p:accept_kw("TABLESAMPLE") then return df end
  p:expect_op("(")
  if is_op(p:peek(), ")") then raise("TABLESAMPLE does not accept empty inputs.") end
  local fraction, rows
  local negative = is_op(p:peek(), "-") and p:peek(1).t == "num" and is_kw(p:peek(2), "PERCENT")
  if negative or (p:peek().t == "num" and is_kw(p:peek(1), "PERCENT")) then
    if negative then p:advance() end
    fraction = tonumber(p:advance().body) / 100 * (negative and -1 or 1)
    p:advance()
  elseif p:accept_kw("BUCKET") then
    local x = whole_number(p)
    p:expect_kw("OUT")
    p:expect_kw("OF")
    local y = whole_number(p)
    if p:accept_kw("ON") then
      local what = is_op(p:peek(1), "(") and "function" or "colname"
      raise(("TABLESAMPLE(BUCKET x OUT OF y ON %s) is not supported."):format(what))
    end
    fraction = x / y
  else
    local tok = p:peek()
    if tok.t == "id" and tok.value:match("^%d+[bBkKmMgG]$") then
      raise("TABLESAMPLE(byteLengthLiteral) is not supported.")
    end
    rows = p:expr()
    if not p:accept_kw("ROWS") then p:fail("PERCENT, ROWS or BUCKET x OUT OF y in TABLESAMPLE") end
  end
  p:expect_op(")")
  local seed
  if p:accept_kw("REPEATABLE") then
    p:expect_op("(")
    seed = whole_number(p)
    p:expect_op(")")
  end
  if rows then return df:limit(row_count(session, rows, "limit")) end
  local eps = 1e-6 -- (Spark's RandomSampler.roundingEpsilon)
  if fraction ~= fraction or fraction < -eps or fraction > 1 + eps then
    raise(("Sampling fraction (%s) must be on interval [0, 1]"):format(batchlib.javaDouble(fraction)))
  end
  return df:sample(math.min(math.max(fraction, 0), 1), seed)
end

M.joinType, M.naturalColumns, M.usingJoin, M.lateral = join_type, natural_columns, using_join, lateral
M.tableFunction, M.inlineRows, M.inlineTable, M.tableSample = table_function, inline_rows, inline_table, table_sample
-- (PIVOT and UNPIVOT: tide.sql_pivot)
M.pivot, M.unpivot = pivot.pivot, pivot.unpivot

return M
