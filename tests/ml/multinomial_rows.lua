-- The rows the multinomial and bounds tests fit (the same in the scripts
-- that computed Spark's values): 1,500 rows of three features (x3 far
-- from 0 beside its spread) whose label, 0, 1 or 2, is drawn from a
-- softmax of them by a fixed generator; weights 1 to 3; assembled into
-- `features` and cached.
local t = require("testing")
local ml = require("tide").ml

return function(spark)
  local uniform = t.uniform(4242)
  local out = {}
  for i = 0, 1499 do
    local x1, x2, x3 = uniform(), uniform(), uniform()
    x1 = math.floor(x1 * 10000 + 0.5) / 10000
    x2 = math.floor(x2 * 10000 + 0.5) / 10000
    x3 = math.floor((x3 * 4 + 10) * 1000 + 0.5) / 1000
    local e = { 1, math.exp(2 * x1 - x2), math.exp(-1 + 3 * x2 + 0.3 * (x3 - 12)) }
    local r = uniform() * (e[1] + e[2] + e[3])
    out[#out + 1] = { x1, x2, x3, r < e[1] and 0 or r < e[1] + e[2] and 1 or 2, 1 + i % 3 }
  end
  local rows = spark:createDataFrame(out, "x1 double, x2 double, x3 double, label int, w int")
  return ml.VectorAssembler { inputCols = { "x1", "x2", "x3" }, outputCol = "features" }:transform(rows):cache()
end
