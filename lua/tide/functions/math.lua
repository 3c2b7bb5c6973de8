-- tide.functions.math — the math functions of F (tide.eval_math).
local T = require("tide.types")
local column = require("tide.column")
local common = require("tide.functions.common")

local F = {}
local column_fn = common.columnFn
local call, columns_fn, colNode, nodeOf = common.call, common.columnsFn, common.colNode, common.nodeOf

-- Spark 3.5's types and names: F.sqrt("x") is the double SQRT(x),
-- F.round("x") is round(x, 0) of x's type, F.log("x") is ln(x),
-- F.sin("x") is SIN(x), F.positive("x") is (+ x).

for _, name in ipairs({ "abs", "sqrt", "exp", "ln", "log10", "log2", "signum", "sign" }) do
  F[name] = column_fn(name)
end

-- round(col, scale=0), bround(col, scale=0): scale a whole number.
local function rounding(name)
  return function(c, scale)
    if scale ~= nil and not column.isColumn(scale) and (type(scale) ~= "number" or scale ~= math.floor(scale)) then
      error(("%s's scale must be a whole number, not %s"):format(name, tostring(scale)), 2)
    end
    return call(name, { colNode(c), nodeOf(scale or 0) })
  end
end
F.round = rounding("round")
F.bround = rounding("bround")

-- floor(col[, scale]), ceil(col[, scale]) (ceiling): without a scale a
-- bigint (a decimal of scale 0 for decimals), with one a decimal.
local function floor_ceil(name)
  return function(c, scale)
    if scale == nil then return call(name, { colNode(c) }) end
    return call(name, { colNode(c), nodeOf(scale) })
  end
end
F.floor = floor_ceil("floor")
F.ceil = floor_ceil("ceil")
F.ceiling = floor_ceil("ceiling")

-- log(col) is the natural logarithm (Spark's ln(col)); log(base, col)
-- takes the base as a double, as PySpark does (LOG(10.0, col)).
function F.log(a, b)
  if b == nil then return call("ln", { colNode(a) }) end
  local base = type(a) == "number" and { k = "lit", value = a, type = T.double } or colNode(a)
  return call("log", { base, colNode(b) })
end

-- pow(a, b), power(a, b): a column name or a number on either side.
function F.pow(a, b) return call("power", { colNode(a), colNode(b) }) end
F.power = F.pow

local function at_least_two(name)
  return function(...)
    local n = select("#", ...)
    if n < 2 then error(("%s takes at least 2 columns, not %d"):format(name, n), 2) end
    return columns_fn(name)(...)
  end
end
F.greatest = at_least_two("greatest")
F.least = at_least_two("least")


-- Functions of one column: sin("x") is the double SIN(x); toRadians and
-- toDegrees are PySpark's old names of radians and degrees.
for _, name in ipairs({ "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan", "sinh", "cosh", "tanh",
                        "asinh", "acosh", "atanh", "radians", "degrees", "log1p", "expm1", "cbrt", "rint",
                        "bin", "factorial", "bit_count", "negative", "positive" }) do
  F[name] = column_fn(name)
end
F.toRadians, F.toDegrees = F.radians, F.degrees
F.negate = F.negative

-- atan2(col1, col2), hypot(col1, col2), pmod(dividend, divisor): a column
-- name or a number on either side.
for _, name in ipairs({ "atan2", "hypot", "pmod" }) do
  F[name] = function(a, b)
    if a == nil or b == nil then error(name .. "() needs two columns or numbers", 2) end
    return call(name, { colNode(a), colNode(b) })
  end
end

function F.pi() return call("pi", {}) end
function F.e() return call("e", {}) end

-- try_add(left, right), try_subtract, try_multiply, try_divide: NULL where
-- an int or bigint result overflows (and for try_divide, a zero divisor).
for _, name in ipairs({ "try_add", "try_subtract", "try_multiply", "try_divide" }) do
  F[name] = function(a, b)
    if a == nil or b == nil then error(name .. "() needs two columns", 2) end
    return call(name, { colNode(a), colNode(b) })
  end
end

local function whole(v) return type(v) == "number" and v == math.floor(v) and math.abs(v) < 2 ^ 31 end

-- conv(col, fromBase, toBase): the bases are whole numbers.
function F.conv(c, from, to)
  if not (whole(from) and whole(to)) then
    error(("conv(col, fromBase, toBase) takes whole-number bases, not %s and %s"):format(tostring(from),
      tostring(to)), 2)
  end
  return call("conv", { colNode(c), nodeOf(from), nodeOf(to) })
end

-- bit_get(col, pos) / getbit: the bit at pos (a number or a Column) as 0 or 1.
for _, name in ipairs({ "bit_get", "getbit" }) do
  F[name] = function(c, pos) return call(name, { colNode(c), nodeOf(pos) }) end
end

-- shiftleft(col, numBits) and the right shifts; shiftLeft, shiftRight and
-- shiftRightUnsigned are PySpark's old names.
for name, old in pairs({ shiftleft = "shiftLeft", shiftright = "shiftRight",
                         shiftrightunsigned = "shiftRightUnsigned" }) do
  F[name] = function(c, bits)
    if not (whole(bits) or column.isColumn(bits)) then
      error(("%s(col, numBits) takes a whole number of bits, not %s"):format(name, tostring(bits)), 2)
    end
    return call(name, { colNode(c), nodeOf(bits) })
  end
  F[old] = F[name]
end

-- bitwise_not(col) is SQL's ~col (bitwiseNOT, PySpark's old name).
function F.bitwise_not(c)
  if c == nil then error("bitwise_not() needs a column", 2) end
  return column.wrap({ k = "bitnot", expr = colNode(c) })
end
F.bitwiseNOT = F.bitwise_not

-- width_bucket(v, min, max, numBucket): numBucket a column or a number.
function F.width_bucket(v, min, max, buckets)
  if v == nil or min == nil or max == nil or buckets == nil then
    error("width_bucket(v, min, max, numBucket) needs four arguments", 2)
  end
  return call("width_bucket", { colNode(v), colNode(min), colNode(max), colNode(buckets) })
end

-- rand(seed=nil), randn(seed=nil): without a seed, one drawn here, which
-- names the column (rand(-1234...)) as PySpark's does.
local function seeded(name)
  return function(seed)
    if seed == nil then
      seed = require("tide.ffi").tide_random_seed()
    elseif not ((type(seed) == "number" and seed == math.floor(seed) and math.abs(seed) < 2 ^ 63)
        or (type(seed) == "cdata" and require("ffi").istype("int64_t", seed))) then
      error(("%s(seed) takes a whole-number seed, not %s"):format(name, tostring(seed)), 2)
    end
    return call(name, { { k = "lit", value = seed, type = type(seed) == "cdata" and T.long or nil } })
  end
end
F.rand = seeded("rand")
F.randn = seeded("randn")

return F
