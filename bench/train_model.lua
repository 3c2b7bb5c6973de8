-- bench/train_model.lua — the seed's model for the benchmarks, trained as
-- notebooks/ml_training.lua trains it (a StringIndexer per string column
-- with handleInvalid "keep", one-hot vectors, the numeric columns
-- assembled and min-max scaled, LogisticRegression{maxIter = 10,
-- regParam = 0.01}):
--   tide run bench/train_model.lua TRAIN_CSV MODEL_PATH
local tide = require("tide")
local ml = tide.ml
local spark = tide.session()
local csv, out = arg[1], arg[2]
local schema = [[
  id decimal(38,0), click int, hour int, C1 int, banner_pos int,
  site_id string, site_domain string, site_category string,
  app_id string, app_domain string, app_category string,
  device_id string, device_ip string, device_model string,
  device_type int, device_conn_type int,
  C14 int, C15 int, C16 int, C17 int, C18 int, C19 int, C20 int, C21 int]]
local df = spark.read:format("csv"):option("header", "true"):schema(schema):load(csv)
  .na:drop():withColumnRenamed("click", "label")
local STRING_COLS = { "site_id", "site_domain", "site_category", "app_id", "app_domain", "app_category",
  "device_id", "device_ip", "device_model" }
local NUMERIC_COLS = { "hour", "C1", "banner_pos", "device_type", "device_conn_type",
  "C14", "C15", "C16", "C17", "C18", "C19", "C20", "C21" }
local stages, indexed, encoded = {}, {}, {}
for i, c in ipairs(STRING_COLS) do
  indexed[i], encoded[i] = c .. "_index", c .. "_vec"
  stages[#stages + 1] = ml.StringIndexer { inputCol = c, outputCol = indexed[i], handleInvalid = "keep" }
end
stages[#stages + 1] = ml.OneHotEncoder { inputCols = indexed, outputCols = encoded }
stages[#stages + 1] = ml.VectorAssembler { inputCols = NUMERIC_COLS, outputCol = "numeric", handleInvalid = "skip" }
stages[#stages + 1] = ml.MinMaxScaler { inputCol = "numeric", outputCol = "numeric_scaled" }
stages[#stages + 1] = ml.VectorAssembler { inputCols = { "numeric_scaled", unpack(encoded) }, outputCol = "features" }
stages[#stages + 1] = ml.LogisticRegression { maxIter = 10, regParam = 0.01 }
local t0 = tide.now()
local model = ml.Pipeline { stages = stages }:fit(df)
model:write():overwrite():save(out)
print(("trained on %d rows in %.2f s: %s"):format(df:count(), tide.now() - t0, out))
