-- tide.ml.functions — pyspark.ml.functions: between Spark ML's vector
-- columns and arrays of numbers (tide.eval_arrays computes them).
--
--   local mlf = tide.ml.functions
--   model:transform(df):select(mlf.vector_to_array("rawPrediction"):getItem(1))
--   df:select(mlf.array_to_vector(F.array("x", "y")):alias("features"))
local column = require("tide.column")

local M = {}

-- vector_to_array(col, dtype = "float64"): each vector's values, dense, as
-- array<double> ("float32": array<float>).
function M.vector_to_array(c, dtype)
  dtype = dtype or "float64"
  if dtype ~= "float64" and dtype ~= "float32" then
    error(("Unsupported dtype: %s. Valid values: float64, float32."):format(tostring(dtype)), 2)
  end
  return column.wrap { k = "call", fn = "vector_to_array", args = { column.colNode(c), { k = "lit", value = dtype } } }
end

-- array_to_vector(col): an array of numbers as a dense vector.
function M.array_to_vector(c)
  return column.wrap { k = "call", fn = "array_to_vector", args = { column.colNode(c) } }
end

return M
