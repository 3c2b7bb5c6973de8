-- tide.sql_support — what spark:sql's clause readers share (tide.sql_query,
-- tide.sql_from, tide.sql_clauses): the words that end a clause, names and
-- aliases, constants and row counts checked as Spark checks them, the
-- widening of inline tables' and UNPIVOT's columns, and qualified names
-- (a window's spec's expressions too).
local sql = require("tide.sql")
local column = require("tide.column")
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
            VALUES NATURAL]]):gmatch("%a+") do CLAUSE[w] = true end

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

-- (Spark's findWiderTypeWithoutStringPromotion)
local wider = coerce.widerWithoutStrings

-- A window's spec (tide.window's, PARTITION BY and ORDER BY) with each
-- of its expressions replaced by rewrite(expression).
local function map_window_spec(spec, rewrite)
  local partition, order = {}, {}
  for i, n in ipairs(spec.partition) do partition[i] = rewrite(n) end
  for i, n in ipairs(spec.order) do order[i] = rewrite(n) end
  return setmetatable({ partition = partition, order = order, frame = spec.frame }, getmetatable(spec))
end

-- node with rewrite(child) for each child, a window's spec's expressions
-- too.
local function map_children(node, rewrite)
  local copy = aggregates.mapChildren(node, rewrite)
  if node.k == "window" and node.spec then copy.spec = map_window_spec(node.spec, rewrite) end
  return copy
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
    -- (shown: the name Spark gives it, a, where tide's column is r.a: tide.sql_names)
    if renamed then return { k = "col", name = renamed, shown = node.name } end
    return { k = "col", name = keep and qualified or node.name }
  end
  if node.k == "col" and not keep and scope.ambiguous[tostring(node.name):lower()] then
    error(("spark:sql: Reference '%s' is ambiguous, could be: %s"):format(node.name,
      scope.ambiguous[node.name:lower()]), 0)
  end
  return map_children(node, function(v) return unqualify(v, scope, keep) end)
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
  if not changed then return joined end
  local renamed = joined:toDF(names)
  -- (each column keeps the table it came from, t.col of a later join finds
  -- it, and stays hidden if it was: tide.sql_from)
  for i, f in ipairs(renamed._plan.schema.fields) do
    f.qualifier, f.origin, f.hidden = fields[i].qualifier, fields[i].origin, fields[i].hidden
  end
  return renamed
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

M.CLAUSE, M.INTERSECT, M.UNION_EXCEPT = CLAUSE, INTERSECT, UNION_EXCEPT
M.wrap, M.raise, M.isName, M.alias, M.tableAlias = wrap, raise, is_name, alias, table_alias
M.columnIn, M.constant, M.sqlType, M.rowCount, M.wider = column_in, constant, sql_type, row_count, wider
M.unqualify, M.renameClashes = unqualify, rename_clashes
M.mapWindowSpec, M.mapChildren = map_window_spec, map_children
M.expressions, M.fieldNamed, M.itemAlias = expressions, field_named, item_alias

return M
