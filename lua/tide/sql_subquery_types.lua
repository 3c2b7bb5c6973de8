-- tide.sql_subquery_types — the types a join on a subquery's values
-- compares (tide.sql_subquery), as Spark's analyzer casts them: x IN
-- (subquery)'s two sides to the one type InConversion finds (or its
-- DATATYPE_MISMATCH error when there is none), and an equality of an
-- outer and an inner side where tide's join would not compare them (a
-- string and a number: both as the number, as PromoteStrings).
local sql = require("tide.sql")
local coerce = require("tide.eval_coerce")
local T = require("tide.types")

local M = {}

-- The type of node over df's columns (an untyped NULL's: void), or nil
-- when it cannot be told.
local function type_in(df, node)
  local ok, c = pcall(require("tide.eval").compile, node, df._plan.schema)
  if not ok then return nil end
  return c.voidType or (c.field and c.field.voidType) or c.type
end

local function same(a, b) return a == b or a:simpleString() == b:simpleString() end

-- node (of type `from`) as type t.
local function cast_to(node, from, t)
  if same(from, t) then return node end
  return { k = "cast", expr = node, to = t }
end

-- The type an equality of a (an outer side) and b (an inner one) casts
-- both to where tide's join would not (it widens numbers itself): a
-- string and a number as the number, as Spark's comparisons cast them
-- (PromoteStrings), an untyped NULL as the other side; nil when none.
local function comparison_type(a, b)
  if not a or not b or same(a, b) or (coerce.isNumeric(a) and coerce.isNumeric(b)) then return nil end
  return (coerce.comparison(a, b))
end

-- (no string promotion for these, as Spark's findWiderTypeForTwo)
local NOT_STRING = { [T.ID.boolean] = true, [T.ID.binary] = true, [T.ID.array] = true, [T.ID.map] = true,
                     [T.ID.struct] = true }

-- x and v (the subquery's value) of x IN (subquery), of types xt and vt,
-- cast to the one type Spark compares them as (InConversion's
-- findWiderTypeForTwo: numbers widen; a string and a number, a date or a
-- timestamp are strings; NULL takes the other's type). Fails as Spark
-- when there is none.
local function in_operands(x, xt, v, vt, name, shown)
  if not xt or not vt or same(xt, vt) or (coerce.isNumeric(xt) and coerce.isNumeric(vt)) then return x, v end
  local t
  if coerce.isVoid(xt) or coerce.isVoid(vt) then
    t = coerce.isVoid(xt) and vt or xt
  elseif not ((xt.id == T.ID.string and NOT_STRING[vt.id]) or (vt.id == T.ID.string and NOT_STRING[xt.id])) then
    t = coerce.common({ xt, vt })
  end
  if not t then
    error(("spark:sql: [DATATYPE_MISMATCH.IN_SUBQUERY_DATA_TYPE_MISMATCH] Cannot resolve \"%s\" due to data type"
      .. " mismatch: The data type of one or more elements in the left hand side of an IN subquery is not"
      .. " compatible with the data type of the output of the subquery. Mismatched columns: [(%s:%s, %s:%s)],"
      .. " left side: [\"%s\"], right side: [\"%s\"]."):format(name, sql.toString(x), xt:simpleString(),
      shown or sql.toString(v), vt:simpleString(), xt:simpleString():upper(), vt:simpleString():upper()), 0)
  end
  return cast_to(x, xt, t), cast_to(v, vt, t)
end

M.typeIn, M.castTo, M.comparisonType, M.inOperands = type_in, cast_to, comparison_type, in_operands

return M
