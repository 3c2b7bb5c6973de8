-- bench/ml.lua — the training side of the seed, timed:
--
--   build/tide run bench/ml.lua [--rows N] [--file PATH] [--no-record]
--
-- 1. load: the generated CSV.gz (tide.datagen, seed 42, N rows, default
--    1,000,000) read with a schema into one batch, in MB/s of the gzip file
--    and of the CSV text, next to `zcat FILE > /dev/null` (the baseline:
--    decompression alone);
-- 2. train: the seed's pipeline (9 StringIndexers with keep, OneHotEncoder,
--    VectorAssembler + MinMaxScaler of the 13 numbers, VectorAssembler,
--    LogisticRegression(maxIter = 10, regParam = 0.01)) fitted on all the
--    rows (budget: 10 s for 1 M rows);
-- 3. score: the fitted LogisticRegressionModel over the encoded features
--    (rawPrediction, probability, prediction), one core (budget: 5 M rows/s);
--    and the whole fitted pipeline over the loaded rows (probability only,
--    so it runs fused: tide.ml.fused), on every core;
-- 4. save and load the fitted pipeline (what PipelineModel.watch pays to
--    move a running query to a new model).
--
-- Wall time is the figure; CPU seconds (all threads) and the load average
-- are printed next to it, because the machine may be shared. Best of a few
-- runs where a run is short. The table is appended to bench/RESULTS.md
-- with the date, commit and command (--no-record leaves it alone). The
-- data file is kept in /tmp for the next run.
local tide = require("tide")
local ffi = require("ffi")
local ml = tide.ml
local base = require("tide.ml.base")
local spark = tide.session()

local opts = { rows = 1000000, record = true }
local i = 1
while i <= #arg do
  local a = arg[i]
  if a == "--rows" then opts.rows = tonumber(arg[i + 1]) or error("--rows needs a number"); i = i + 1
  elseif a == "--file" then opts.file = arg[i + 1]; i = i + 1
  elseif a == "--no-record" then opts.record = false
  else
    io.stderr:write("usage: tide run bench/ml.lua [--rows N] [--file PATH] [--no-record]\n")
    os.exit(2)
  end
  i = i + 1
end
local root = os.getenv("TIDE_SOURCE_DIR") or "."

local function shell(cmd)
  local p = assert(io.popen(cmd))
  local out = p:read("*a")
  p:close()
  return (out:gsub("%s+$", ""))
end

local function file_size(path)
  local f = assert(io.open(path, "rb"))
  local n = f:seek("end")
  f:close()
  return n
end

-- wall seconds, CPU seconds of fn(); best wall of `runs`
local function timed(runs, fn)
  local best, cpu, result = math.huge, 0, nil
  for _ = 1, runs do
    collectgarbage()
    local c0, t0 = os.clock(), tide.now()
    result = fn()
    local wall = tide.now() - t0
    if wall < best then best, cpu = wall, os.clock() - c0 end
  end
  return best, cpu, result
end

-- How busy the machine is: the load average and the share of time some
-- task waited for a CPU (Linux PSI, last 10 s), before and after.
local function busy()
  local psi = shell("cat /proc/pressure/cpu 2>/dev/null | head -1"):match("avg10=([%d.]+)")
  return ("load %s, CPU pressure %s%%"):format(shell("cut -d' ' -f1-3 /proc/loadavg"), psi or "?")
end
local busy_before = busy()

-- ---- data ------------------------------------------------------------------------------
local path = opts.file or ("/tmp/tide-bench-ml-%d-seed42-v%d.csv.gz"):format(opts.rows, tide.datagen.VERSION)
if not io.open(path, "rb") then
  local t0 = tide.now()
  tide.datagen.ctr { rows = opts.rows, out = path, seed = 42 }
  io.stderr:write(("generated %d rows into %s in %.1f s\n"):format(opts.rows, path, tide.now() - t0))
end
local gz_bytes = file_size(path)
local csv_bytes = tonumber(shell("zcat '" .. path .. "' | wc -c"))

-- ---- load --------------------------------------------------------------------------------
local SCHEMA = [[id decimal(38,0), label int, hour int, C1 int, banner_pos int,
  site_id string, site_domain string, site_category string, app_id string, app_domain string, app_category string,
  device_id string, device_ip string, device_model string, device_type int, device_conn_type int,
  C14 int, C15 int, C16 int, C17 int, C18 int, C19 int, C20 int, C21 int]]
local zcat_wall = timed(3, function() os.execute("zcat '" .. path .. "' > /dev/null") end)
local load_wall, load_cpu, batch = timed(3, function()
  return spark.read:format("csv"):option("header", "true"):schema(SCHEMA):load(path):toBatch()
end)
local rows = batch:count()
local df = base.frame(spark, batch)

-- ---- train -------------------------------------------------------------------------------
local STRING_COLS = { "site_id", "site_domain", "site_category", "app_id", "app_domain", "app_category",
  "device_id", "device_ip", "device_model" }
local NUMERIC_COLS = { "hour", "C1", "banner_pos", "device_type", "device_conn_type", "C14", "C15", "C16", "C17",
  "C18", "C19", "C20", "C21" }
local function seed_stages()
  local idx, vec = {}, {}
  for k, c in ipairs(STRING_COLS) do idx[k], vec[k] = c .. "_index", c .. "_vec" end
  return {
    ml.StringIndexer { inputCols = STRING_COLS, outputCols = idx, handleInvalid = "keep" },
    ml.OneHotEncoder { inputCols = idx, outputCols = vec },
    ml.VectorAssembler { inputCols = NUMERIC_COLS, outputCol = "numeric" },
    ml.MinMaxScaler { inputCol = "numeric", outputCol = "numeric_scaled" },
    ml.VectorAssembler { inputCols = { "numeric_scaled", unpack(vec) }, outputCol = "features" },
    ml.LogisticRegression { maxIter = 10, regParam = 0.01 },
  }
end
local train_wall, train_cpu, model = timed(1, function() return ml.Pipeline { stages = seed_stages() }:fit(df) end)
local lr = model.stages[#model.stages]

-- ---- score -------------------------------------------------------------------------------
local features = model.stages[1]:transform(df)
for s = 2, #model.stages - 1 do features = model.stages[s]:transform(features) end
features = base.frame(spark, features:select("features"):toBatch())
local nnz = ffi.cast("int64_t *", base.column(features:toBatch(), "features").values)[rows]
local score_wall, score_cpu = timed(5, function() return lr:transform(features):toBatch() end)
local fused_wall, fused_cpu = timed(5, function() return model:transform(df):select("probability"):toBatch() end)

-- ---- save and load (what a watching query pays to switch models) -------------------
local model_dir = os.tmpname()
os.remove(model_dir)
local save_wall = timed(1, function() model:save(model_dir) end)
local load_model_wall = timed(3, function() return ml.PipelineModel.load(model_dir) end)
local labels = 0
for _, list in ipairs(model.stages[1]:labelsArray()) do labels = labels + #list end
require("tide.ffi").tide_ml_remove_tree(model_dir, base.errbuf, base.errlen)

-- ---- report ------------------------------------------------------------------------------
local MB = 1e6
local lines = {
  ("| step | result | wall s | CPU s | budget |"),
  ("| --- | --- | --- | --- | --- |"),
  ("| load CSV.gz (%d rows, %.1f MB gz, %.1f MB csv) | %.1f MB/s gz, %.1f MB/s csv | %.2f | %.2f | |"):format(rows,
    gz_bytes / MB, csv_bytes / MB, gz_bytes / MB / load_wall, csv_bytes / MB / load_wall, load_wall, load_cpu),
  ("| `zcat FILE > /dev/null` (baseline) | %.1f MB/s gz, %.1f MB/s csv | %.2f | | |"):format(
    gz_bytes / MB / zcat_wall, csv_bytes / MB / zcat_wall, zcat_wall),
  ("| train the seed's pipeline, maxIter 10 (%d features, %d iterations) | %.0f rows/s | %.2f | %.2f | <= 10 s for 1 M rows |")
    :format(lr.numFeatures, lr.summary.totalIterations, rows / train_wall, train_wall, train_cpu),
  ("| save / load the fitted pipeline (%d labels, %d coefficients) | | %.2f / %.2f | | |"):format(labels,
    lr.numFeatures, save_wall, load_model_wall),
  ("| score encoded features, one core (%.1f non-zeros a row) | %.2f M rows/s | %.3f | %.3f | >= 5 M rows/s |"):format(
    tonumber(nnz) / rows, rows / score_wall / 1e6, score_wall, score_cpu),
  ("| score the rows with the fitted pipeline, fused, %d threads | %.2f M rows/s | %.3f | %.3f | |"):format(
    1 + require("tide.ffi").tide_workers_threads(), rows / fused_wall / 1e6, fused_wall, fused_cpu),
}
local table_text = table.concat(lines, "\n")
print(table_text)
print(("before: %s; after: %s"):format(busy_before, busy()))

if opts.record then
  local commit = shell("cd '" .. root .. "' && git rev-parse --short HEAD 2>/dev/null")
  if shell("cd '" .. root .. "' && git status --porcelain --untracked-files=no 2>/dev/null") ~= "" then
    commit = commit .. " (with uncommitted changes)"
  end
  local cpu_model = shell("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"):gsub("^%s+", "")
  local cmd = "build/tide run bench/ml.lua" .. (arg[1] and (" " .. table.concat(arg, " ")) or "")
  local results = root .. "/bench/RESULTS.md"
  local fresh = not io.open(results, "rb")
  local f = assert(io.open(results, "a"))
  if fresh then f:write("# Benchmark results\n\nEach run appends its table (newest last).\n") end
  f:write(("\n## bench/ml.lua — %s, commit %s\n\n`%s` on %s, %s CPUs; before: %s; after: %s\n\n%s\n")
    :format(os.date("!%Y-%m-%d %H:%M UTC"), commit, cmd, cpu_model ~= "" and cpu_model or "?", shell("nproc"),
      busy_before, busy(), table_text))
  f:close()
  io.stderr:write("appended to bench/RESULTS.md\n")
end
