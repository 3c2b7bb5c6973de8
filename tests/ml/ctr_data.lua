-- Test data: scripts/gen_ctr.lua's Avazu-shaped rows (a learnable click
-- signal) read back into a DataFrame. The CSV has no quoting, so a split on
-- commas reads it.
local t = require("testing")
local tide = require("tide")

local M = {}

M.STRING_COLS = { "site_id", "site_domain", "site_category", "app_id", "app_domain", "app_category",
  "device_id", "device_ip", "device_model" }
M.NUMERIC_COLS = { "hour", "C1", "banner_pos", "device_type", "device_conn_type", "C14", "C15", "C16", "C17",
  "C18", "C19", "C20", "C21" }

local SCHEMA = "id string, label int, hour int, C1 int, banner_pos int, site_id string, site_domain string, "
  .. "site_category string, app_id string, app_domain string, app_category string, device_id string, "
  .. "device_ip string, device_model string, device_type int, device_conn_type int, C14 int, C15 int, "
  .. "C16 int, C17 int, C18 int, C19 int, C20 int, C21 int"

-- Rows [first, last] (1-based) of `rows` generated rows as a DataFrame.
function M.frames(rows, seed, splits)
  local dir = t.tempdir()
  local path = dir .. "/ctr.csv"
  local out, status = t.sh(("%s run scripts/gen_ctr.lua --rows %d --out %s --seed %d"):format(
    os.getenv("TIDE_BIN") or "build/tide", rows, path, seed or 42))
  assert(status == 0, out)
  local parsed = {}
  local header = true
  for line in io.lines(path) do
    if header then header = false else
      local row, k = {}, 0
      for field in (line .. ","):gmatch("([^,]*),") do
        k = k + 1
        row[k] = (k == 1 or (k >= 6 and k <= 14)) and field or tonumber(field)
      end
      parsed[#parsed + 1] = row
    end
  end
  local spark = tide.session()
  local frames, start = {}, 1
  for i, share in ipairs(splits or { 1 }) do
    local finish = i == #(splits or { 1 }) and #parsed or start + math.floor(#parsed * share) - 1
    local part = {}
    for r = start, finish do part[#part + 1] = parsed[r] end
    frames[i] = spark:createDataFrame(part, SCHEMA)
    start = finish + 1
  end
  return unpack(frames)
end

-- The seed's pipeline (StringIndexers, OneHotEncoder, VectorAssembler,
-- MinMaxScaler, VectorAssembler, LogisticRegression).
function M.seedStages(handle_invalid, lr)
  local ml = tide.ml
  local stages, idx, vec = {}, {}, {}
  for i, c in ipairs(M.STRING_COLS) do idx[i], vec[i] = c .. "Index", c .. "Vec" end
  stages[#stages + 1] = ml.StringIndexer { inputCols = M.STRING_COLS, outputCols = idx, handleInvalid = handle_invalid }
  stages[#stages + 1] = ml.OneHotEncoder { inputCols = idx, outputCols = vec }
  stages[#stages + 1] = ml.VectorAssembler { inputCols = M.NUMERIC_COLS, outputCol = "numeric" }
  stages[#stages + 1] = ml.MinMaxScaler { inputCol = "numeric", outputCol = "numericScaled" }
  local all = { "numericScaled" }
  for _, v in ipairs(vec) do all[#all + 1] = v end
  stages[#stages + 1] = ml.VectorAssembler { inputCols = all, outputCol = "features" }
  stages[#stages + 1] = lr or ml.LogisticRegression { maxIter = 10, regParam = 0.01 }
  return stages
end

return M
