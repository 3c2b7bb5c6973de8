-- The rows the LinearSVC and logistic regression path tests fit (the same
-- in the scripts that computed Spark's values): 80 rows of 3 features, the
-- label 1 for a third of them and every fifth, weights 1 to 2, every
-- fifth row a sparse vector.
local t = require("testing")

return function(spark)
  local rows = {}
  for i = 0, 79 do
    local label = (((i * 7) % 3 == 0) or (i % 5 == 0)) and 1 or 0
    local f = { ((i * 13) % 17) / 4 + label, i % 4, ((i * 31) % 23) / 10 - label * 0.7 }
    rows[#rows + 1] = { i, label, 1.0 + (i % 3) / 2, t.vector_of(f, i % 5 == 0) }
  end
  return spark:createDataFrame(rows, "id long, label double, w double, features vector")
end
