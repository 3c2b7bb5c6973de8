-- tide.functions.math — the math functions of F (tide.eval_math).
local T = require("tide.types")
local column = require("tide.column")
local common = require("tide.functions.common")

local F = {}
local call, columns_fn, colNode, nodeOf = common.call, common.columnsFn, common.colNode, common.nodeOf

-- Spark 3.5's types and names: F.sqrt("x") is the double SQRT(x),
-- F.round("x") is round(x, 0) of x's type, F.log("x") is ln(x).

for _, name in ipairs({ "abs", "sqrt", "exp", "ln", "log10", "log2", "signum", "sign" }) do
  F[name] = function(c)
    if c == nil then error(name .. "() needs a column", 2) end
    return call(name, { colNode(c) })
  end
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

return F
