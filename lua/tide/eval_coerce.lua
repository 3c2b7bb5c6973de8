-- tide.eval_coerce — Spark's type coercion rules, for tide.eval: the type
-- both sides of an operator are cast to, and the result type of
-- arithmetic (Spark 3 in non-ANSI mode, decimals with
-- allowPrecisionLoss). Pure functions of tide.types values; a nil result
-- means the types do not go together.
local T = require("tide.types")

local M = {}
local ID = T.ID

-- The type of an untyped NULL literal (Spark's NullType, "void") while
-- an expression compiles: it becomes whatever type it meets. A column of
-- it is T.null (void in its schema, strings of nulls in its column).
M.void = setmetatable({ id = 0, name = "void", simple = "void" }, getmetatable(T.int))

local function is_void(t) return t.id == 0 or t.void == true end
M.isVoid = is_void

-- The type values of types a and b both widen to without turning into
-- strings (Spark's findWiderTypeWithoutStringPromotion: inline tables',
-- UNPIVOT's and unpivot's values), or nil.
function M.widerWithoutStrings(a, b)
  if a == b or a:simpleString() == b:simpleString() then return a end
  if is_void(a) then return b end
  if is_void(b) then return a end
  if M.isNumeric(a) and M.isNumeric(b) then return M.widerNumeric(a, b) end
  if a.interval and b.interval then return M.widerInterval(a, b) end
  local datetime = M.datetime(a, b)
  if datetime then return datetime end
  if a.id == ID.array and b.id == ID.array then
    local element = M.widerWithoutStrings(a.elementType, b.elementType)
    return element and T.array(element, a.containsNull or b.containsNull)
  end
  if a.id == ID.map and b.id == ID.map then
    local k, v = M.widerWithoutStrings(a.keyType, b.keyType), M.widerWithoutStrings(a.valueType, b.valueType)
    return k and v and T.map(k, v)
  end
  if a.id == ID.struct and b.id == ID.struct and #a.fields == #b.fields then
    -- field by field, of the same names but for case, the first's names
    -- (struct<a:int,b:void> and struct<a:int,b:string>)
    local fields = {}
    for i, f in ipairs(a.fields) do
      local g = b.fields[i]
      local t = f.name:lower() == g.name:lower() and M.widerWithoutStrings(f.dataType, g.dataType)
      if not t then return nil end
      fields[i] = T.field(f.name, t, f.nullable or g.nullable)
    end
    return T.struct(fields)
  end
end

-- CAST(value AS t) for a column an untyped value was kept in (void its
-- Spark type, its values strings): an untyped NULL as a NULL of t,
-- array()'s elements as t's, map()'s empty maps (or nulls) as t's.
function M.castNode(value, void, t)
  local cast = { k = "cast", expr = value, to = t }
  if M.isVoid(void) then
    cast.expr = { k = "lit", value = nil }
  elseif void.id == ID.array then
    cast.fromVoid = void
  elseif void.id == ID.map and M.isVoid(void.keyType) then
    cast.expr = { k = "case", branches = { { when = { k = "isnotnull", expr = value },
      value = { k = "cast", expr = { k = "call", fn = "map", args = {} }, to = t } } } }
  end
  return cast
end

-- t with each type in it that is not a collection (t itself, an array's
-- element, a map's key and value, a struct's field, at any depth) as
-- leaf gives it; t itself where leaf changes none.
local function map_leaves(t, leaf)
  if t.id == ID.array then
    local e = map_leaves(t.elementType, leaf)
    return rawequal(e, t.elementType) and t or T.array(e, t.containsNull)
  end
  if t.id == ID.map then
    local k, v = map_leaves(t.keyType, leaf), map_leaves(t.valueType, leaf)
    return (rawequal(k, t.keyType) and rawequal(v, t.valueType)) and t or T.map(k, v, t.valueContainsNull)
  end
  if t.id == ID.struct then
    local fields, changed = {}, false
    for i, f in ipairs(t.fields) do
      local ft = map_leaves(f.dataType, leaf)
      changed = changed or not rawequal(ft, f.dataType)
      fields[i] = rawequal(ft, f.dataType) and f or T.field(f.name, ft, f.nullable)
    end
    return changed and T.struct(fields) or t
  end
  return leaf(t)
end
M.mapLeaves = map_leaves

-- t with each void in it, itself or inside an array, a map or a struct
-- (SELECT NULL, array(): Spark's void, array<void>, map<void,void>) as
-- void_of gives it, rawequal to t when it holds none. (== would not do:
-- the types compare by their names, and both voids are named void.)
local function replaced(t, void_of)
  return map_leaves(t, function(v) if is_void(v) then return void_of(v) end return v end)
end

-- Whether t is or holds a void (by its name: a cheap test that a field
-- named void passes too, which replaced then leaves as it is).
local function may_hold_void(t) return t.simple:find("void", 1, true) ~= nil end

-- t as a column holds it: each void as T.null (Spark's NullType, kept as
-- strings of nulls).
function M.materialized(t)
  if not may_hold_void(t) then return t end
  return replaced(t, function(v) return v.id == 0 and T.null or v end)
end

-- t with its voids as strings, the columns they are held in: a value of
-- t is one of that type too (map<int,void> of map<int,string>).
function M.voidsAsStrings(t)
  if not may_hold_void(t) then return t end
  return replaced(t, function() return T.string end)
end

-- A column's type as an expression over it compiles: each T.null as the
-- void an untyped NULL compiles to, which takes the type of what it meets
-- (a column of SELECT NULL, read again, is as the NULL itself).
function M.voided(t)
  if not may_hold_void(t) then return t end
  return replaced(t, function(v) return v.void and M.void or v end)
end

local INTEGRAL = { [ID.int] = true, [ID.long] = true }
local NUMERIC = { [ID.int] = 1, [ID.long] = 2, [ID.float] = 3, [ID.double] = 4 }

-- (an interval, held in a long or an int column, is no number: tide.eval_intervals)
function M.isNumeric(t) return (NUMERIC[t.id] ~= nil and not t.interval) or t.id == ID.decimal end
function M.isIntegral(t) return INTEGRAL[t.id] == true and not t.interval end

-- Whether CAST(from AS to) may give NULL where the value is not (Spark's
-- non-ANSI Cast.forceNullable): a map's keys may not be cast so.
local INTEGRAL_DIGITS = { byte = 3, short = 5, integer = 10, long = 20 }
function M.castMayGiveNull(from, to)
  local f, d = from.id, to.id
  if M.isVoid(from) or from == to then return false end
  if f == ID.string then return d ~= ID.binary end
  if d == ID.string then return false end
  if (f == ID.float or f == ID.double) and d == ID.timestamp then return true end
  if d == ID.date then return f ~= ID.timestamp end
  if f == ID.date then return d ~= ID.timestamp and not to.interval end
  if d == ID.decimal then
    -- (what fits the decimal's digits: an integer's, a narrower decimal)
    local whole = to.precision - to.scale
    if f == ID.boolean then return false end
    if M.isIntegral(from) then return (INTEGRAL_DIGITS[from.name] or 20) > whole end
    if f == ID.decimal then return from.precision - from.scale > whole or from.scale > to.scale end
    return true
  end
  return (f == ID.float or f == ID.double) and M.isIntegral(to)
end

-- The interval type two intervals of one kind meet as, their fields
-- spanned (Spark's: interval hour and interval minute are interval hour
-- to minute); nil for other types.
function M.widerInterval(a, b)
  if not (a.interval and a.interval == b.interval) then return nil end
  local from, to = math.min(a.startField, b.startField), math.max(a.endField, b.endField)
  return a.interval == "daytime" and T.dayTimeInterval(from, to) or T.yearMonthInterval(from, to)
end

-- A number type's place in Spark's numericPrecedence (tinyint, smallint,
-- int, bigint, float, double): tinyint and smallint are ints of 8 and 16
-- bits (tide.types), below int.
local function rank(t)
  local r = NUMERIC[t.id]
  if t.bits then return r - (t.bits == 8 and 0.5 or 0.25) end
  return r
end

-- Spark's tinyint or smallint (ByteType, ShortType): the bits its values
-- wrap to (8 or 16), nil for other types.
function M.narrowBits(t) return t.bits end

-- The digits of an integer literal, for Spark's DecimalType.fromLiteral.
local function literal_digits(v)
  local s = tostring(v):gsub("^-", ""):gsub("U?LL$", "")
  return math.max(#s, 1)
end

-- An integral type as a decimal: int is decimal(10,0) and bigint
-- decimal(20,0), unless it is a literal, which needs only its digits.
function M.decimalOf(t, literal)
  if t.id == ID.decimal then return t end
  -- (a tinyint or smallint literal is its type's decimal, as Spark's: 1Y + 1.5 is decimal(5,1))
  if literal ~= nil and type(literal) ~= "boolean" and not t.bits then
    return T.decimal(math.min(literal_digits(literal), 38), 0)
  end
  if t.bits then return T.decimal(t.bits == 8 and 3 or 5, 0) end
  if t.id == ID.int then return T.decimal(10, 0) end
  if t.id == ID.long then return T.decimal(20, 0) end
end

-- Spark's DecimalType.adjustPrecisionScale: past 38 digits, keep the
-- integer digits and at least min(scale, 6) fraction digits.
local function adjust(precision, scale)
  if precision <= 38 then return T.decimal(precision, scale) end
  local int_digits = precision - scale
  local min_scale = math.min(scale, 6)
  return T.decimal(38, math.max(38 - int_digits, min_scale))
end
M.adjustDecimal = adjust

-- The decimal result of a op b (both decimals), as Spark's DecimalPrecision.
function M.decimalResult(op, a, b)
  local p1, s1, p2, s2 = a.precision, a.scale, b.precision, b.scale
  if op == "+" or op == "-" then
    local scale = math.max(s1, s2)
    return adjust(math.max(p1 - s1, p2 - s2) + scale + 1, scale)
  elseif op == "*" then
    return adjust(p1 + p2 + 1, s1 + s2)
  elseif op == "/" then
    local scale = math.max(6, s1 + p2 + 1)
    return adjust(p1 - s1 + s2 + scale, scale)
  elseif op == "%" then
    local scale = math.max(s1, s2)
    return adjust(math.min(p1 - s1, p2 - s2) + scale, scale)
  end
end

-- The smallest decimal holding both (Spark's widerDecimalType, bounded).
local function wider_decimal(a, b)
  local scale = math.max(a.scale, b.scale)
  local range = math.max(a.precision - a.scale, b.precision - b.scale)
  -- (DecimalType.bounded: the scale kept, the precision capped at 38, so
  -- a value of more integer digits than are left becomes NULL)
  return T.decimal(math.min(range + scale, 38), scale)
end

-- The wider of two numeric types (a_lit/b_lit: literal values of integral
-- operands, for decimal widening).
function M.widerNumeric(a, b, a_lit, b_lit)
  if a == b then return a end
  if a.id == ID.decimal or b.id == ID.decimal then
    if a.id == ID.float or a.id == ID.double or b.id == ID.float or b.id == ID.double then
      return T.double
    end
    return wider_decimal(M.decimalOf(a, a_lit), M.decimalOf(b, b_lit))
  end
  return rank(a) >= rank(b) and a or b
end

-- The types the left and right operands of + - * / % are cast to, and the
-- result type; nil when the operands are not numbers. Strings are read as doubles (Spark's implicit
-- cast in non-ANSI mode). a_lit/b_lit as in widerNumeric.
function M.arithmetic(op, a, b, a_lit, b_lit)
  if is_void(a) and is_void(b) then return T.double, T.double, T.double end
  if is_void(a) then a = b elseif is_void(b) then b = a end
  if a.id == ID.string then a = T.double end
  if b.id == ID.string then b = T.double end
  if not (M.isNumeric(a) and M.isNumeric(b)) then return nil end
  local common = M.widerNumeric(a, b, a_lit, b_lit)
  if common.id == ID.decimal then
    local da, db = M.decimalOf(a, a_lit), M.decimalOf(b, b_lit)
    return da, db, M.decimalResult(op, da, db)
  end
  if op == "/" then return T.double, T.double, T.double end
  return common, common, common
end

-- The types the two sides of a comparison are cast to: numbers widen
-- (two decimals stay as they are: the kernel compares them by value), a
-- string meets the other side's type (a decimal as a double), a NULL
-- literal takes the other's, a date meets a timestamp as the timestamp of
-- its first instant.
function M.comparison(a, b, a_lit, b_lit)
  if a == b then return a, b end
  if is_void(a) then return b, b end
  if is_void(b) then return a, a end
  if a.id == ID.decimal and b.id == ID.decimal then return a, b end
  if M.isNumeric(a) and M.isNumeric(b) then
    local w = M.widerNumeric(a, b, a_lit, b_lit)
    return w, w
  end
  local interval = M.widerInterval(a, b)
  if interval then return interval, interval end
  if a.id == ID.array and b.id == ID.array then -- (array() = array(1): their tightest common type)
    local t = M.tightest(a, b)
    return t, t
  end
  local function string_vs(x, y)
    if x.id ~= ID.string then return nil end
    -- (no decimal fits every string: Spark compares them as doubles)
    if y.id == ID.decimal then return T.double end
    if M.isNumeric(y) or y.id == ID.timestamp or y.id == ID.date or y.id == ID.boolean then return y end
    if y.id == ID.binary then return T.binary end
  end
  local t = string_vs(a, b) or string_vs(b, a) or M.datetime(a, b)
  return t, t
end

-- Spark's findTightestCommonType: the type a and b both fit in without a
-- loss, or nil: the type itself, NULL's the other's, numbers widened but
-- not to a decimal (an integer meets a decimal of as many integer digits
-- as its type's: int and decimal(12,1), not decimal(2,1)), dates and
-- timestamps as M.datetime, arrays by their elements (array<string> with
-- array<int>: nil, Spark's DATATYPE_MISMATCH).
function M.tightest(a, b)
  if a == b then return a end
  if is_void(a) then return b end
  if is_void(b) then return a end
  local function holds(d, i) return d.precision - d.scale >= M.decimalOf(i).precision end
  if INTEGRAL[a.id] and b.id == ID.decimal then return holds(b, a) and b or nil end
  if a.id == ID.decimal and INTEGRAL[b.id] then return holds(a, b) and a or nil end
  if M.isNumeric(a) and M.isNumeric(b) and a.id ~= ID.decimal and b.id ~= ID.decimal then
    return M.widerNumeric(a, b)
  end
  if a.id == ID.array and b.id == ID.array then
    local e = M.tightest(a.elementType, b.elementType)
    return e and T.array(e, a.containsNull or b.containsNull)
  end
  return M.datetime(a, b)
end

-- The timestamp a date and a timestamp widen to (Spark's
-- findWiderTypeForTwo): a TIMESTAMP_NTZ with a date or another, else a
-- TIMESTAMP; nil for other pairs.
function M.datetime(a, b)
  if (a.id == ID.date or a.id == ID.timestamp) and (b.id == ID.date or b.id == ID.timestamp) then
    if (a.ntz or a.id == ID.date) and (b.ntz or b.id == ID.date) and (a.ntz or b.ntz) then return T.timestampNTZ end
    return T.timestamp
  end
end

-- The type values of CASE, coalesce and IN share (Spark's
-- findWiderCommonType): numbers widen (an integer as its type's decimal,
-- int decimal(10,0), even a literal: CASE ... THEN 1 ELSE 0.5 END is
-- decimal(11,1)), strings absorb other atomic types, arrays take their
-- elements' common type, NULL takes any type. nil when there is none.
function M.common(types)
  local result
  for _, t in ipairs(types) do
    if result == nil or is_void(result) then
      result = t
    elseif not is_void(t) and t ~= result then
      if result.id == ID.array and t.id == ID.array then
        local element = M.common({ result.elementType, t.elementType })
        if element == nil then return nil end
        result = T.array(element, result.containsNull or t.containsNull)
      elseif result.id == ID.struct and t.id == ID.struct and #result.fields == #t.fields then
        -- structs of as many fields: field by field, the first one's names
        local fields = {}
        for j, f in ipairs(result.fields) do
          local ft = M.common({ f.dataType, t.fields[j].dataType })
          if ft == nil then return nil end
          fields[j] = T.field(f.name, ft, true)
        end
        result = T.struct(fields)
      elseif result.id == ID.map and t.id == ID.map then
        local k, v = M.common({ result.keyType, t.keyType }), M.common({ result.valueType, t.valueType })
        if k == nil or v == nil then return nil end
        result = T.map(k, v)
      elseif M.isNumeric(result) and M.isNumeric(t) then
        result = M.widerNumeric(result, t)
      elseif result.interval and t.interval then
        result = M.widerInterval(result, t)
        if result == nil then return nil end
      elseif M.datetime(result, t) then
        result = M.datetime(result, t)
      elseif (result.id == ID.string and t.id ~= ID.struct and t.id ~= ID.binary and t.id ~= ID.array) or
             (t.id == ID.string and result.id ~= ID.struct and result.id ~= ID.binary and result.id ~= ID.array) then
        result = T.string
      else
        return nil
      end
    end
  end
  return result
end

return M
