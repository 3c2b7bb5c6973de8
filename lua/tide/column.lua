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
-- A Column only describes the computation (a node of docs/architecture.md);
-- tide.eval runs it over whole columns in C.
local T = require("tide.types")

local Column = {}
Column.__index = Column

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

local function binary(op)
  return function(a, b) return wrap { k = "op", op = op, left = node_of(a), right = node_of(b) } end
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
Column.and_ = binary("and")
Column.or_ = binary("or")
function Column:not_() return wrap { k = "not", expr = self.node } end

-- cast(T.string) or cast("decimal(38,0)")
function Column:cast(to)
  local ok, t = pcall(T.parse, to)
  if not ok then error(t, 2) end
  return wrap { k = "cast", expr = self.node, to = t }
end
Column.astype = Column.cast

function Column:alias(name)
  if type(name) ~= "string" then error("alias needs a name", 2) end
  return wrap { k = "alias", expr = self.node, name = name }
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

function Column:getField(name) return wrap { k = "field", expr = self.node, name = name } end
function Column:getItem(i) return wrap { k = "item", expr = self.node, index = i } end

function Column:substr(pos, len)
  return wrap { k = "call", fn = "substring", args = { self.node, node_of(pos), node_of(len) } }
end

function Column:like(pattern) return wrap { k = "call", fn = "like", args = { self.node, node_of(pattern) } } end

-- F.when(cond, v):when(cond2, v2):otherwise(x)
function Column:when(cond, value)
  if self.node.k ~= "case" or self.node.otherwise then
    error("when() applies to a Column made by tide.functions.when", 2)
  end
  local branches = { unpack(self.node.branches) }
  branches[#branches + 1] = { when = node_of(cond), value = node_of(value) }
  return wrap { k = "case", branches = branches }
end

function Column:otherwise(value)
  if self.node.k ~= "case" or self.node.otherwise then
    error("otherwise() applies to a Column made by tide.functions.when", 2)
  end
  return wrap { k = "case", branches = self.node.branches, otherwise = node_of(value) }
end

-- F.col("a").alias("x") fails naming the method.
require("tide.checks").colonCalls("Column", "col", M.isColumn, Column)

return M
