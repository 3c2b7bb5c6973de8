-- tide.column — Column, an expression over a DataFrame's rows, built with
-- PySpark's methods:
--
--   F.col("hour"):cast("string"):alias("h")
--   (df.C14 + 1) * 2
--   F.col("topic"):eq("demo"):and_(F.col("partition"):lt(3))
--
-- Lua cannot overload ==, <, and, or, not between a Column and a plain
-- value, so comparisons and logic are methods (eq, ne, lt, le, gt, ge,
-- eqNullSafe, and_, or_, not_); + - * / % and unary minus are operators.
-- Lua answers F.col("k") == 3 itself, false: what takes a condition
-- refuses a Lua boolean and says so, and ==, <, <= and .. between
-- Columns fail naming the method to write.
-- A Column only describes the computation (a node of docs/architecture.md);
-- tide.eval runs it over whole columns in C.
local T = require("tide.types")
local checks = require("tide.checks")

local Column = {}

local M = { Column = Column }

function M.isColumn(v) return getmetatable(v) == Column end

local function wrap(node) return setmetatable({ node = node }, Column) end
M.wrap = wrap

-- The node of a Column, a column name (string), or a literal value.
local function node_of(v)
  if getmetatable(v) == Column then return v.node end
  return { k = "lit", value = v }
end
M.nodeOf = node_of

-- As node_of, but a string names a column (PySpark's functions accept
-- column names where they expect columns).
function M.colNode(v)
  if type(v) == "string" then
    if v == "*" then return { k = "star" } end
    local prefix = v:match("^(.-)%.%*$")
    if prefix then return { k = "star", prefix = prefix } end
    return { k = "col", name = v }
  end
  return node_of(v)
end

-- The node of a condition (of when, and_, or_, not_): a Column. A Lua
-- boolean is refused with checks.luaBoolean's hint rather than taken as
-- the literal it looks like; anything else names its type. `what` is the
-- function's name; the error is raised at the line that called it, which
-- calls this directly.
local function condition_node(v, what)
  if getmetatable(v) == Column then return v.node end
  if type(v) == "boolean" then
    error(checks.luaBoolean(what .. " needs a Column condition", v, "or F.expr(\"v = 'x'\")"), 3)
  end
  local sql = type(v) == "string" and (" (F.expr(%q) makes one of SQL text)"):format(v) or ""
  error(("%s needs a Column condition, not %s%s"):format(what, checks.kindOf(v), sql), 3)
end
M.conditionNode = condition_node

local function binary(op)
  return function(a, b) return wrap { k = "op", op = op, left = node_of(a), right = node_of(b) } end
end

-- AND and OR of two conditions (Column:and_(other), a & b in PySpark).
local function logical(op, what)
  return function(a, b)
    return wrap { k = "op", op = op, left = condition_node(a, what), right = condition_node(b, what) }
  end
end

-- Lua calls these only between two Columns and makes a boolean of the
-- result, so they cannot build a comparison: they say which method does.
local function no_lua_comparison(lua_op, method)
  return function()
    error(("Lua's %s cannot build a Column: write a:%s(b)"):format(lua_op, method), 2)
  end
end

Column.__add = binary("+")
Column.__sub = binary("-")
Column.__mul = binary("*")
Column.__div = binary("/")
Column.__mod = binary("%")
Column.__unm = function(a) return wrap { k = "neg", expr = a.node } end
Column.__tostring = function(c) return "Column<'" .. require("tide.sql").toString(c.node) .. "'>" end

Column.plus, Column.minus, Column.multiply, Column.divide, Column.mod =
  Column.__add, Column.__sub, Column.__mul, Column.__div, Column.__mod
Column.eq = binary("=")
Column.ne = binary("!=")
Column.lt = binary("<")
Column.le = binary("<=")
Column.gt = binary(">")
Column.ge = binary(">=")
Column.eqNullSafe = binary("<=>")
Column.and_ = logical("and", "and_")
Column.or_ = logical("or", "or_")
function Column:not_() return wrap { k = "not", expr = self.node } end
Column.__eq = no_lua_comparison("==", "eq")
Column.__lt = no_lua_comparison("<", "lt")
Column.__le = no_lua_comparison("<=", "le")
function Column.__concat() error("Lua's .. cannot build a Column: write F.concat(a, b)", 2) end

-- between(low, high): low <= self <= high, both ends included (Spark's
-- (self >= low) AND (self <= high)).
function Column:between(low, high)
  return wrap { k = "op", op = "and",
    left = { k = "op", op = ">=", left = self.node, right = node_of(low) },
    right = { k = "op", op = "<=", left = require("tide.sql").copyNode(self.node), right = node_of(high) } }
end

-- cast(T.string) or cast("decimal(38,0)")
function Column:cast(to)
  local ok, t = pcall(T.parse, to)
  if not ok then error(t, 2) end
  -- (typeText: the name Spark shows for a type tide keeps as another, TINYINT)
  return wrap { k = "cast", expr = self.node, to = t, typeText = type(to) == "string" and to or nil }
end
Column.astype = Column.cast

-- alias(name), or alias(name, ...) for the columns a generator makes
-- (F.posexplode(c):alias("pos", "tag")), as PySpark's alias(*alias).
function Column:alias(name, ...)
  if type(name) ~= "string" then error("alias needs a name", 2) end
  local names = select("#", ...) > 0 and { name, ... } or nil
  return wrap { k = "alias", expr = self.node, name = name, names = names }
end
Column.name = Column.alias

function Column:isNull() return wrap { k = "isnull", expr = self.node } end
function Column:isNotNull() return wrap { k = "isnotnull", expr = self.node } end

-- isin(1, 2, 3) or isin({1, 2, 3})
function Column:isin(...)
  local values = select("#", ...) == 1 and type((...)) == "table" and not M.isColumn((...)) and (...) or { ... }
  local list = {}
  for i, v in ipairs(values) do list[i] = node_of(v) end
  return wrap { k = "in", expr = self.node, list = list }
end

-- (an extraction, which Spark names by its SQL, data.x, where col("data.x") is x)
function Column:getField(name) return wrap { k = "field", expr = self.node, name = name, extracted = true } end
-- withField("b.x", col) / dropFields("a", ...): the struct with a field
-- set or added, or fields left out (tide.eval_update_fields).
function Column:withField(name, col)
  if type(name) ~= "string" then error("withField: fieldName should be a string", 2) end
  if not M.isColumn(col) then error("withField: col should be a Column", 2) end
  local U = require("tide.eval_update_fields")
  return wrap(U.node(self.node, { path = U.path(name), value = col.node }))
end
function Column:dropFields(...)
  local U = require("tide.eval_update_fields")
  local node = self.node
  for i = 1, select("#", ...) do
    local name = select(i, ...)
    if type(name) ~= "string" then error("dropFields: fieldName should be a string", 2) end
    node = U.node(node, { path = U.path(name) })
  end
  if node == self.node then error("dropFields needs at least one field name", 2) end
  return wrap(node)
end
-- getItem(i): an array's element i (0-based), a map's value of key i;
-- i a value or a Column.
function Column:getItem(i)
  return wrap { k = "item", expr = self.node, index = M.isColumn(i) and i.node or i }
end

function Column:substr(pos, len)
  return wrap { k = "call", fn = "substring", args = { self.node, node_of(pos), node_of(len) } }
end

function Column:like(pattern) return wrap { k = "call", fn = "like", args = { self.node, node_of(pattern) } } end
function Column:rlike(pattern) return wrap { k = "call", fn = "rlike", args = { self.node, node_of(pattern) } } end

function Column:ilike(pattern) return wrap { k = "call", fn = "ilike", args = { self.node, node_of(pattern) } } end

-- startswith, endswith and contains of a string or a Column (Spark's
-- StartsWith, EndsWith, Contains).
for _, name in ipairs({ "startswith", "endswith", "contains" }) do
  Column[name] = function(self, other) return wrap { k = "call", fn = name, args = { self.node, node_of(other) } } end
end

-- bitwiseAND, bitwiseOR, bitwiseXOR: SQL's &, |, ^.
Column.bitwiseAND = binary("&")
Column.bitwiseOR = binary("|")
Column.bitwiseXOR = binary("^")

-- The sort orders of orderBy: col:desc(), F.desc("x"), ... Nulls come
-- first ascending and last descending unless said.
local function sort_order(descending, nulls_first)
  if nulls_first == nil then nulls_first = not descending end
  return function(c)
    local node = M.colNode(c)
    if node.k == "sortorder" then node = node.expr end
    return wrap { k = "sortorder", expr = node, descending = descending, nullsFirst = nulls_first }
  end
end
M.sortOrders = {
  asc = sort_order(false), desc = sort_order(true),
  asc_nulls_first = sort_order(false, true), asc_nulls_last = sort_order(false, false),
  desc_nulls_first = sort_order(true, true), desc_nulls_last = sort_order(true, false),
}
for name, order in pairs(M.sortOrders) do Column[name] = order end

-- F.when(cond, v):when(cond2, v2):otherwise(x)
function Column:when(cond, value)
  if self.node.k ~= "case" or self.node.otherwise then
    error("when() applies to a Column made by tide.functions.when", 2)
  end
  local branches = { unpack(self.node.branches) }
  branches[#branches + 1] = { when = condition_node(cond, "when"), value = node_of(value) }
  return wrap { k = "case", branches = branches }
end

function Column:otherwise(value)
  if self.node.k ~= "case" or self.node.otherwise then
    error("otherwise() applies to a Column made by tide.functions.when", 2)
  end
  return wrap { k = "case", branches = self.node.branches, otherwise = node_of(value) }
end

-- F.col("a").alias("x") fails naming the method; F.col("a"):betwen(1, 2)
-- that there is no such method.
checks.colonCalls("Column", "col", M.isColumn, Column)
Column.__index = checks.strictIndex("Column", "method", Column)

return M
