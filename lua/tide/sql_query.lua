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
local sql = require("tide.sql")
local column = require("tide.column")
local subquery = require("tide.sql_subquery")
local aggregates = require("tide.dataframe_aggregate")
local batchlib = require("tide.batch")
local coerce = require("tide.eval_coerce")
local T = require("tide.types")

local M = {}
local is_kw, is_op = sql.isKeyword, sql.isOperator
local ID = T.ID

-- Words that end a clause: never an alias.
local CLAUSE = {}
for w in ([[FROM WHERE GROUP HAVING ORDER LIMIT JOIN INNER LEFT RIGHT FULL CROSS SEMI ANTI ON USING UNION
            EXCEPT MINUS INTERSECT WINDOW LATERAL SORT CLUSTER DISTRIBUTE OFFSET PIVOT UNPIVOT TABLESAMPLE
            VALUES]]):gmatch("%a+") do CLAUSE[w] = true end

-- Spark's set operators, in two ranks (INTERSECT binds tighter).
local INTERSECT, UNION_EXCEPT = { INTERSECT = true }, { UNION = true, EXCEPT = true, MINUS = true }

local function wrap(node) return column.wrap(node) end

-- A query's error, as spark:sql reports them.
local function raise(message) error("spark:sql: " .. message, 0) end

-- Whether a token can be a name here (an identifier that is no clause
-- word, or a `quoted` one).
local function is_name(tok)
  return tok.t == "qid" or (tok.t == "id" and not sql.reserved[tok.up] and not CLAUSE[tok.up])
end

-- An optional alias: [AS] name, a name that is no clause word.
local function alias(p)
  if p:accept_kw("AS") then return p:name("a name after AS", true) end
  if is_name(p:peek()) then return p:name("an alias") end
end

-- A table's alias, [AS] name [(col, ...)]: the name and the column names,
-- each nil when not there.
local function table_alias(p)
  local a = alias(p)
  if not a or not is_op(p:peek(), "(") then return a end
  p:advance()
  local names = {}
  repeat names[#names + 1] = p:name("a column name", true) until not p:accept_op(",")
  p:expect_op(")")
  return a, names
end

-- The first column (or *) an expression names, or nil: what keeps it
-- from being a constant (a lambda's parameters are no columns).
local function column_in(node)
  if type(node) ~= "table" or getmetatable(node) then return nil end
  if node.k == "col" or node.k == "star" then return node end
  for key, v in pairs(node) do
    local found = key ~= "from" and column_in(v)
    if found then return found end
  end
end

-- The value of a constant expression: its cell's text (nil for NULL) and
-- its field (dataType, and voidType for an untyped NULL).
local function constant(session, node)
  local df = session:range(1):select(wrap({ k = "alias", name = "value", expr = node }))
  local cells = df:toBatch().columns[0]
  return batchlib.isValid(cells, 0) and batchlib.cellText(cells, 0) or nil, df._plan.schema.fields[1]
end

-- Spark's name of a type in messages: "INT", "DECIMAL(2,1)".
local function sql_type(field)
  return '"' .. (field.voidType and "VOID" or field.dataType:simpleString():upper()) .. '"'
end

-- A LIMIT's, OFFSET's or TABLESAMPLE's count of rows, checked as Spark
-- checks it: a constant int >= 0.
local function row_count(session, node, what)
  local function invalid(kind, why)
    raise(("[INVALID_LIMIT_LIKE_EXPRESSION.%s] The limit like expression \"%s\" is invalid. The %s expression %s.")
      :format(kind, sql.toString(node), what, why))
  end
  if column_in(node) or aggregates.hasAggregate({ node }) then
    invalid("IS_UNFOLDABLE", "must evaluate to a constant value")
  end
  local text, field = constant(session, node)
  if field.voidType or field.dataType.id ~= ID.int then
    invalid("DATA_TYPE", "must be integer type, but got " .. sql_type(field))
  end
  if text == nil then invalid("IS_NULL", "must not be null") end
  local n = tonumber(text)
  if n < 0 then invalid("IS_NEGATIVE", ("must be equal to or greater than 0, but got %d"):format(n)) end
  return n
end

-- The type values of types a and b both widen to without turning into
-- strings (Spark's findWiderTypeWithoutStringPromotion: an inline table's
-- and UNPIVOT's columns), or nil.
local function wider(a, b)
  if a == b or a:simpleString() == b:simpleString() then return a end
  if coerce.isVoid(a) then return b end
  if coerce.isVoid(b) then return a end
  if coerce.isNumeric(a) and coerce.isNumeric(b) then return coerce.widerNumeric(a, b) end
  local datetime = coerce.datetime(a, b)
  if datetime then return datetime end
  if a.id == ID.array and b.id == ID.array then
    local element = wider(a.elementType, b.elementType)
    return element and T.array(element, a.containsNull or b.containsNull)
  end
  if a.id == ID.map and b.id == ID.map then
    local k, v = wider(a.keyType, b.keyType), wider(a.valueType, b.valueType)
    return k and v and T.map(k, v)
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

-- Functions whose value differs from call to call: no constant of an
-- inline table (Spark evaluates its values once, when it plans them).
local NONDETERMINISTIC = { rand = true, randn = true, random = true, uuid = true, shuffle = true,
                           monotonically_increasing_id = true, spark_partition_id = true, input_file_name = true }

-- Why a value of an inline table is no constant, as Spark reports it, or nil.
local function not_constant(node)
  local c = column_in(node)
  if c and c.k == "col" then
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
  local types = {}
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
    types[j] = coerce.materialized(types[j])
  end
  local structs = {}
  for i = 1, #rows do
    local args = {}
    for j = 1, width do
      local f, value = field(i, j), { k = "col", name = field(i, j).name }
      if f.voidType then value = { k = "cast", expr = { k = "lit", value = nil }, to = types[j] }
      elseif f.dataType ~= types[j] then value = { k = "cast", expr = value, to = types[j] } end
      args[j] = { k = "alias", name = names[j], expr = value }
    end
    structs[i] = { k = "call", fn = "struct", args = args }
  end
  return one:select(wrap({ k = "call", fn = "inline", args = { { k = "call", fn = "array", args = structs } } }))
end

-- A whole number of a TABLESAMPLE (BUCKET x OUT OF y).
local function whole_number(p)
  local tok = p:peek()
  local n = tok.t == "num" and tonumber(tok.body)
  if not n or n ~= math.floor(n) then p:fail("a whole number") end
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
    df = parse_query(p, session, scope.ctes)
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

-- A list of expressions separated by commas.
local function expressions(p, scope)
  local list = {}
  repeat list[#list + 1] = unqualify(p:expr(), scope) until not p:accept_op(",")
  return list
end

-- The field of df a name stands for, found as Spark resolves names
-- (case-insensitively).
local function field_named(df, name)
  local fields, names = df._plan.schema.fields, {}
  for i, f in ipairs(fields) do
    if f.name:lower() == name:lower() then return f end
    names[i] = f.name
  end
  raise(("cannot resolve '%s' given input columns: [%s]"):format(name, table.concat(names, ", ")))
end

-- [AS] name after an item of PIVOT or UNPIVOT (FOR names none).
local function item_alias(p)
  if p:accept_kw("AS") then return p:name("a name after AS", true) end
  if is_name(p:peek()) and not is_kw(p:peek(), "FOR") then return p:name("an alias") end
end

-- PIVOT (agg [AS a], ... FOR col IN (value [AS v], ...)) after FROM's
-- tables (PIVOT read): Spark's SQL pivot, grouped by the columns that
-- neither the aggregates nor the pivot column name; a column per value,
-- named by the value's alias or its text (with several aggregates, one per
-- value and aggregate: value_a, or value_agg(x) for one without alias).
-- GroupedData:pivot computes it, given the values cast to the pivot
-- column's type as Spark casts them.
local function pivot_clause(p, session, df, scope)
  p:expect_op("(")
  local aggs = {}
  repeat
    local e = unqualify(p:expr(), scope)
    local a = item_alias(p)
    aggs[#aggs + 1] = a and { k = "alias", expr = e, name = a } or e
  until not p:accept_op(",")
  p:expect_kw("FOR")
  if is_op(p:peek(), "(") then
    raise("PIVOT FOR (col, ...) of several columns is not supported: tide's PIVOT pivots one column, FOR col IN"
      .. " (value, ...)")
  end
  local pivot = field_named(df, p:name("the pivot column", true))
  p:expect_kw("IN")
  p:expect_op("(")
  local values = {}
  repeat
    local e = p:expr()
    values[#values + 1] = { expr = e, alias = item_alias(p) }
  until not p:accept_op(",")
  p:expect_op(")")
  p:expect_op(")")
  local used = { [pivot.name:lower()] = true }
  local function mark(n)
    if type(n) ~= "table" or getmetatable(n) then return end
    if n.k == "col" and type(n.name) == "string" then used[n.name:lower()] = true end
    for key, v in pairs(n) do
      if key ~= "from" then mark(v) end
    end
  end
  mark(aggs)
  local keys = {}
  for _, f in ipairs(df._plan.schema.fields) do
    if not used[f.name:lower()] then keys[#keys + 1] = f.name end
  end
  local list = {}
  for i, v in ipairs(values) do
    if column_in(v.expr) then
      raise(('[NON_LITERAL_PIVOT_VALUES] Literal expressions required for pivot values, found "%s".')
        :format(sql.toString(v.expr)))
    end
    local ok, text = pcall(constant, session, { k = "cast", expr = v.expr, to = pivot.dataType })
    if not ok then
      local _, field = constant(session, v.expr)
      raise(("[PIVOT_VALUE_DATA_TYPE_MISMATCH] Invalid pivot value '%s': value data type %s does not match pivot"
        .. " column data type %s."):format(sql.toString(v.expr), sql_type(field), sql_type(pivot)))
    end
    -- (as GroupedData:pivot keeps the values it casts: a typed literal of
    -- the value's text, the column named by the alias instead)
    list[i] = { text = v.alias or text or "null", node = { k = "lit", value = text, type = pivot.dataType } }
  end
  local pivoted = df:groupBy(unpack(keys)):pivot(pivot.name, {})
  pivoted.values = list
  local cols = {}
  for i, a in ipairs(aggs) do cols[i] = wrap(a) end
  return pivoted:agg(cols)
end

-- UNPIVOT [INCLUDE | EXCLUDE NULLS] (v FOR name IN (col [AS a], ...))
-- [[AS] u], or ((v1, v2) FOR name IN ((c1, c2) [AS a], ...)), after
-- FROM's tables (UNPIVOT read): Spark's SQL unpivot. The columns not
-- unpivoted are the ids; name holds each column's alias or name (c1_c2
-- for a set without alias); rows whose values are all NULL are left out
-- unless INCLUDE NULLS says. df:unpivot computes one value column.
local function unpivot_clause(p, df, scope)
  local include = false
  if p:accept_kw("INCLUDE") then
    include = true
    p:expect_kw("NULLS")
  elseif p:accept_kw("EXCLUDE") then
    p:expect_kw("NULLS")
  end
  p:expect_op("(")
  local value_names, several = {}, p:accept_op("(") ~= nil
  repeat
    value_names[#value_names + 1] = p:name("a name for the value column", true)
  until not (several and p:accept_op(","))
  if several then p:expect_op(")") end
  p:expect_kw("FOR")
  local name_column = p:name("a name for the name column", true)
  p:expect_kw("IN")
  p:expect_op("(")
  local sets, unpivoted = {}, {}
  repeat
    local set = {}
    local function one()
      local tok = p:peek()
      local e = unqualify(p:expr(), scope)
      if e.k ~= "col" then p:fail("a column name", tok) end
      set[#set + 1] = field_named(df, e.name)
      unpivoted[set[#set].name] = true
    end
    if several then
      p:expect_op("(")
      repeat one() until not p:accept_op(",")
      p:expect_op(")")
    else
      one()
    end
    set.alias = item_alias(p)
    if #set ~= #value_names then
      raise(("[UNPIVOT_VALUE_SIZE_MISMATCH] All unpivot value columns must have the same size as there are value"
        .. " column names (%d)."):format(#value_names))
    end
    sets[#sets + 1] = set
  until not p:accept_op(",")
  p:expect_op(")")
  p:expect_op(")")
  local ids = {}
  for _, f in ipairs(df._plan.schema.fields) do
    if not unpivoted[f.name] then ids[#ids + 1] = f.name end
  end
  local out
  if #value_names == 1 then
    local values = {}
    for i, set in ipairs(sets) do
      local c = { k = "col", name = set[1].name }
      values[i] = wrap(set.alias and { k = "alias", expr = c, name = set.alias } or c)
    end
    out = df:unpivot(ids, values, name_column, value_names[1])
  else
    local types = {}
    for k, v in ipairs(value_names) do
      for i, set in ipairs(sets) do
        types[k] = i == 1 and set[k].dataType or types[k] and wider(types[k], set[k].dataType)
      end
      if not types[k] then
        raise(("[UNPIVOT_VALUE_DATA_TYPE_MISMATCH] Unpivot value columns must share a least common type, some"
          .. " types do not: the columns of %s"):format(v))
      end
    end
    local structs = {}
    for i, set in ipairs(sets) do
      local label = {}
      for k, f in ipairs(set) do label[k] = f.name end
      local args = { { k = "alias", name = name_column, expr = { k = "lit", value = set.alias or
        table.concat(label, "_") } } }
      for k, f in ipairs(set) do
        local value = { k = "col", name = f.name }
        if f.dataType ~= types[k] then value = { k = "cast", expr = value, to = types[k] } end
        args[k + 1] = { k = "alias", name = value_names[k], expr = value }
      end
      structs[i] = { k = "call", fn = "struct", args = args }
    end
    local items = {}
    for i, id in ipairs(ids) do items[i] = wrap({ k = "col", name = id }) end
    items[#items + 1] = wrap({ k = "call", fn = "inline", args = { { k = "call", fn = "array", args = structs } } })
    out = df:select(items)
  end
  if not include then
    local values = {}
    for k, v in ipairs(value_names) do values[k] = { k = "col", name = v } end
    local any = #values == 1 and values[1] or { k = "call", fn = "coalesce", args = values }
    out = out:filter(wrap({ k = "isnotnull", expr = any }))
  end
  local a = alias(p)
  if a then
    scope.names[a:lower()] = true
    out = out:alias(a)
  end
  return out
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

-- SELECT ... FROM ... [WHERE] [GROUP BY] [HAVING] [WINDOW], and ORDER BY,
-- LIMIT and the rest of organization() unless the select is one side of a
-- set operation (where they are the whole result's). Returns the
-- DataFrame and whether it had any of them.
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
  named_windows(p)
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
  local where = p:accept_kw("WHERE") and unqualify(p:expr(), scope)
  local keys, sets, having, group_all
  if p:accept_kw("GROUP") then
    p:expect_kw("BY")
    local after = p:peek(1)
    if is_kw(p:peek(), "ALL") and (after.t == "eof" or is_op(after, ")") or (after.t == "id" and CLAUSE[after.up])) then
      p:advance()
      keys, group_all = group_by_all(df, items), true
      if #keys == 0 then keys = nil end -- (every item an aggregate: one group)
    else
      keys, sets = group_by(p, scope)
    end
  end
  if p:accept_kw("HAVING") then having = unqualify(p:expr(), scope) end
  local org = in_set and { order = {} } or organization(p, session, scope)
  p.readQuery = outer_reader
  -- Subqueries in expressions: joins over the FROM clause's rows, whose
  -- extra columns * leaves out.
  local sq = subquery.new(df)
  local grouped = keys ~= nil or having ~= nil or aggregates.hasAggregate(items)
  items, having, keys = sq:scalars(items, grouped), sq:scalars(having, true), sq:scalars(keys, false)
  for _, o in ipairs(org.order) do o.expr = sq:scalars(o.expr, grouped) end
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
  if group_all then
    -- (keys and items the same expressions: * as its columns)
    local listed = {}
    for _, item in ipairs(items) do
      if item.k == "star" then
        for _, c in ipairs(sq:ownColumns()) do listed[#listed + 1] = c end
      else
        listed[#listed + 1] = item
      end
    end
    items, org.groupAll = listed, true
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
    local df = parse_query(p, session, own)
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
    local list = {}
    for i, item in ipairs(items) do list[i] = wrap(item) end
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
      list[#list + 1] = wrap({ k = "alias", name = "__having", expr = resolve(having) })
    end
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
