-- The fused scorer (tide.ml.fused, tide.optimizer): a pipeline of the
-- seed's shape scored in one pass gives the same bits, the same rows and
-- the same dropped-row counts as its stages one after another; it is used
-- only when nothing after the pipeline reads the columns in between; a row
-- a stage fails on gives that stage's error.
local t = require("testing")
local tide = require("tide")
local ml, F = tide.ml, tide.functions
local optimizer = require("tide.optimizer")
local data = dofile("tests/ml/ctr_data.lua")
local spark = tide.session()

local train, test = data.frames(3000, 7, { 0.7, 0.3 })

-- The seed's pipeline (notebooks/ml_training.lua) on `strings` and `numbers`.
local function seed_pipeline(strings, numbers, opts)
  opts = opts or {}
  local stages, indexed, encoded = {}, {}, {}
  for i, c in ipairs(strings) do
    indexed[i], encoded[i] = c .. "_idx", c .. "_vec"
    stages[#stages + 1] = ml.StringIndexer { inputCol = c, outputCol = indexed[i],
      handleInvalid = opts.indexerInvalid or "keep" }
  end
  stages[#stages + 1] = ml.OneHotEncoder { inputCols = indexed, outputCols = encoded }
  stages[#stages + 1] = ml.VectorAssembler { inputCols = numbers, outputCol = "numeric",
    handleInvalid = opts.assemblerInvalid or "skip" }
  stages[#stages + 1] = opts.scaler or ml.MinMaxScaler { inputCol = "numeric", outputCol = "numeric_scaled" }
  stages[#stages + 1] = ml.VectorAssembler { inputCols = { "numeric_scaled", unpack(encoded) }, outputCol = "features" }
  stages[#stages + 1] = ml.LogisticRegression { maxIter = 10, regParam = 0.01, labelCol = "label" }
  return ml.Pipeline { stages = stages }:fit(train)
end

local model = seed_pipeline(data.STRING_COLS, data.NUMERIC_COLS)

-- Whether the plan of df runs a fused scorer.
local function fused(df)
  local p = optimizer.optimize(df._plan)
  while p do
    if p.fusedFrom then return true end
    p = p.child
  end
  return false
end

-- The scores of df's rows, keyed by id.
local function scores(df)
  local b = df:toBatch()
  local ids, prob, pred, raw = b:column("id"), b:column("probability"), b:column("prediction"), b:column("rawPrediction")
  local out = { n = b:count() }
  for i = 0, b:count() - 1 do
    local r = raw:get(i)
    out[ids:get(i)] = { prob:get(i), pred:get(i), r[0], r[1] }
  end
  return out
end

local function same_scores(a, b)
  t.eq(a.n, b.n, "rows")
  for id, s in pairs(a) do
    if id ~= "n" then
      local o = b[id]
      t.ok(o, "row " .. id .. " in both")
      for k = 1, 4 do
        -- The same bits, not merely close.
        t.ok(s[k] == o[k] or (s[k] ~= s[k] and o[k] ~= o[k]), ("row %s, value %d: %s vs %s"):format(id, k, s[k], o[k]))
      end
    end
  end
end

t.test("scores as the stages do, bit for bit", function()
  local fast = model:transform(test):select("id", "probability", "prediction", "rawPrediction")
  -- Reading a column in between keeps the stages.
  local slow = model:transform(test):select("id", "probability", "prediction", "rawPrediction", "features")
  t.ok(fused(fast), "the projection of scores is fused")
  t.ok(not fused(slow), "a projection that reads features is not")
  same_scores(scores(fast), scores(slow))
end)

t.test("over slices, and with withColumn and selectExpr above", function()
  local s = tide.session()
  s.conf:set("spark.tide.sliceRows", "100")
  local frame = s:createDataFrame(test:toBatch())
  local df = model:transform(frame):withColumn("at", F.current_timestamp())
    :selectExpr("id", "probability", "prediction", "rawPrediction")
  t.ok(fused(df), "fused through withColumn and selectExpr")
  same_scores(scores(df), scores(model:transform(frame):select("id", "probability", "prediction", "rawPrediction", "numeric")))
  s.conf:unset("spark.tide.sliceRows")
end)

t.test("nulls, NaN and unseen labels: the same rows kept and dropped", function()
  local rows = {}
  local b = test:limit(40):toBatch()
  local cols = b:columnNames()
  for i = 0, b:count() - 1 do
    local r = {}
    for k, name in ipairs(cols) do r[k] = b:column(name):get(i) end
    rows[#rows + 1] = r
  end
  local idx = {}
  for k, name in ipairs(cols) do idx[name] = k end
  rows[1][idx.site_id] = "never-seen-in-training"
  rows[2][idx.device_ip] = nil
  rows[3][idx.C14] = nil -- the assembler skips it
  rows[4][idx.hour] = nil
  local frame = spark:createDataFrame(rows, test.schema)
  local fast = model:transform(frame):select("id", "probability", "prediction", "rawPrediction")
  local slow = model:transform(frame):select("id", "probability", "prediction", "rawPrediction", "numeric")
  t.ok(fused(fast), "fused")
  local a, s = scores(fast), scores(slow)
  t.eq(a.n, 38, "two rows dropped by the assembler")
  same_scores(a, s)
  -- The drops count as the stages' do.
  local ctx = require("tide.execution").context(nil, 0)
  require("tide.execution").execute(fast._plan, ctx)
  t.eq(ctx.dropped, 2, "dropped rows counted")
end)

-- The rows of frame four times over (ids made unique), each passed to
-- change(row, n, idx) on the way: enough rows to be shared out between
-- threads.
local function copies(frame, change)
  local b = frame:toBatch()
  local cols = b:columnNames()
  local idx = {}
  for k, name in ipairs(cols) do idx[name] = k end
  local rows = {}
  for copy = 1, 4 do
    for i = 0, b:count() - 1 do
      local r = {}
      for k, name in ipairs(cols) do r[k] = b:column(name):get(i) end
      r[idx.id] = r[idx.id] .. "-" .. copy
      rows[#rows + 1] = r
      change(r, #rows, idx)
    end
  end
  t.ok(#rows >= 2048, "enough rows to share out")
  return rows
end

t.test("1024 rows or more share their rows out between threads: the same bits, rows and drops", function()
  local skipped = 0
  local rows = copies(test, function(r, n, idx)
    if n % 97 == 0 then r[idx.site_id] = "never-seen-in-training" end
    if n % 89 == 0 then r[idx.device_ip] = nil end
    if n % 101 == 0 then r[idx.C14], skipped = nil, skipped + 1 end
  end)
  local frame = spark:createDataFrame(rows, test.schema)
  local fast = model:transform(frame):select("id", "probability", "prediction", "rawPrediction")
  local slow = model:transform(frame):select("id", "probability", "prediction", "rawPrediction", "numeric")
  t.ok(fused(fast), "fused")
  local expected = scores(slow)
  t.eq(expected.n, #rows - skipped)
  spark.conf:set("spark.tide.sliceRows", "0") -- the whole frame in one call
  for _, workers in ipairs { "1", "0" } do
    spark.conf:set("spark.tide.workerThreads", workers)
    same_scores(scores(fast), expected)
    local ctx = require("tide.execution").context(nil, 0)
    require("tide.execution").execute(fast._plan, ctx)
    t.eq(ctx.dropped, skipped, "dropped rows counted with " .. workers .. " worker threads")
  end
  spark.conf:unset("spark.tide.workerThreads")
  spark.conf:unset("spark.tide.sliceRows")
end)

t.test("a row a stage fails on raises that stage's error", function()
  local strict = seed_pipeline(data.STRING_COLS, data.NUMERIC_COLS, { indexerInvalid = "error" })
  local frame = spark:createDataFrame({ { "x1", 0, 14102100, 1005, 0, "unseen-site", "d", "c", "a", "ad", "ac",
    "di", "ip", "dm", 1, 0, 15706, 320, 50, 1722, 0, 35, -1, 79 } }, test.schema)
  local fast = strict:transform(frame):select("id", "probability")
  local slow = strict:transform(frame):select("id", "probability", "features")
  t.ok(fused(fast), "fused")
  local ok1, e1 = pcall(function() return fast:toBatch() end)
  local ok2, e2 = pcall(function() return slow:toBatch() end)
  t.ok(not ok1 and not ok2, "both fail")
  t.eq(tostring(e1), tostring(e2), "the same error")
  t.ok(tostring(e1):find("Unseen label: unseen-site", 1, true), tostring(e1))

  -- The same when only the last row, in a worker's share, holds one (the
  -- training rows hold no other).
  local site
  local rows = copies(train, function(_, _, idx) site = idx.site_id end)
  rows[#rows][site] = "unseen-late"
  local late = strict:transform(spark:createDataFrame(rows, train.schema))
  local late_fast = late:select("id", "probability")
  t.ok(fused(late_fast), "fused")
  spark.conf:set("spark.tide.sliceRows", "0")
  spark.conf:set("spark.tide.workerThreads", "1")
  local ok3, e3 = pcall(function() return late_fast:toBatch() end)
  local ok4, e4 = pcall(function() return late:select("id", "probability", "features"):toBatch() end)
  spark.conf:unset("spark.tide.workerThreads")
  spark.conf:unset("spark.tide.sliceRows")
  t.ok(not ok3 and not ok4, "both fail")
  t.eq(tostring(e3), tostring(e4), "the same error")
  t.ok(tostring(e3):find("Unseen label: unseen-late", 1, true), tostring(e3))
end)

t.test("a NaN number under an \"error\" assembler raises the assembler's error, fused or not", function()
  local rows = {}
  for i = 1, 40 do rows[i] = { "r" .. i, ({ "a", "b", "c" })[i % 3 + 1], i * 0.25, i % 2 } end
  local df = spark:createDataFrame(rows, "id string, s string, x double, label double")
  local pm = ml.Pipeline { stages = {
    ml.StringIndexer { inputCol = "s", outputCol = "si", handleInvalid = "keep" },
    ml.OneHotEncoder { inputCols = { "si" }, outputCols = { "sv" } },
    ml.VectorAssembler { inputCols = { "x" }, outputCol = "num" },
    ml.MinMaxScaler { inputCol = "num", outputCol = "numScaled" },
    ml.VectorAssembler { inputCols = { "numScaled", "sv" }, outputCol = "features" },
    ml.LogisticRegression { maxIter = 5 } } }:fit(df)
  local frame = spark:createDataFrame({ { "n1", "a", 1.0, 1 }, { "n2", "b", 0 / 0, 0 } }, df.schema)
  local fast = pm:transform(frame):select("id", "probability")
  local slow = pm:transform(frame):select("id", "probability", "features")
  t.ok(fused(fast), "fused")
  local ok1, e1 = pcall(function() return fast:toBatch() end)
  local ok2, e2 = pcall(function() return slow:toBatch() end)
  t.ok(not ok1 and not ok2, "both fail")
  t.eq(tostring(e1), tostring(e2), "the same error")
  t.has(tostring(e1), 'row 1: Encountered NaN while assembling a row with handleInvalid = "error" (column x)')
end)

t.test("other shapes run stage by stage", function()
  local standard = seed_pipeline({ "site_id" }, { "hour", "C1" },
    { scaler = ml.StandardScaler { inputCol = "numeric", outputCol = "numeric_scaled" } })
  t.ok(not fused(standard:transform(test):select("id", "probability")), "StandardScaler is not fused")
  local df = model:transform(test)
  t.ok(not fused(df), "the whole output (every column read) is not fused")
  t.ok(not fused(df:select("*")), "a star reads every column")
end)

t.run()
