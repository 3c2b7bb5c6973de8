-- handleInvalid = "skip" warnings: a batch DataFrame is warned about once
-- per stage, however many actions (show, count, evaluators) run it, fused
-- or not; another DataFrame, and another query, is warned about again; a
-- foreachBatch function that transforms each micro-batch warns once per
-- query. (A streaming query's own plan: tests/ml/test_stream.lua.)
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local optimizer = require("tide.optimizer")
local data = dofile("tests/ml/ctr_data.lua")
local spark = tide.session()

local train, test = data.frames(3000, 11, { 0.7, 0.3 })

local capture_stderr = t.stderr_of

-- Warnings about skipped rows, counted by stage uid.
local function skip_warnings(lines)
  local by_stage, total = {}, 0
  for _, line in ipairs(lines) do
    local uid = line:match("^tide: warning: (%S+) %(handleInvalid=\"skip\"%)")
    if uid then by_stage[uid], total = (by_stage[uid] or 0) + 1, total + 1 end
  end
  return by_stage, total
end

-- test's rows, with a null in C14 every 50th row (the assembler skips them).
local function with_nulls(df)
  local b = df:toBatch()
  local cols, rows = b:columnNames(), {}
  for i = 0, b:count() - 1 do
    local r = {}
    for k, name in ipairs(cols) do r[k] = b:column(name):get(i) end
    rows[#rows + 1] = r
  end
  local c14
  for k, name in ipairs(cols) do if name == "C14" then c14 = k end end
  for i = 1, #rows, 50 do rows[i][c14] = nil end
  return spark:createDataFrame(rows, df.schema)
end

-- The seed's pipeline, each string column its own indexer as in the seed.
local function seed_model(indexer_invalid)
  local stages, indexed, encoded = {}, {}, {}
  for i, c in ipairs(data.STRING_COLS) do
    indexed[i], encoded[i] = c .. "_idx", c .. "_vec"
    stages[#stages + 1] = ml.StringIndexer { inputCol = c, outputCol = indexed[i], handleInvalid = indexer_invalid }
  end
  stages[#stages + 1] = ml.OneHotEncoder { inputCols = indexed, outputCols = encoded }
  stages[#stages + 1] = ml.VectorAssembler { inputCols = data.NUMERIC_COLS, outputCol = "numeric",
    handleInvalid = "skip" }
  stages[#stages + 1] = ml.MinMaxScaler { inputCol = "numeric", outputCol = "numeric_scaled" }
  stages[#stages + 1] = ml.VectorAssembler { inputCols = { "numeric_scaled", unpack(encoded) }, outputCol = "features" }
  stages[#stages + 1] = ml.LogisticRegression { maxIter = 10, regParam = 0.01 }
  return ml.Pipeline { stages = stages }:fit(train)
end

local scoring = with_nulls(test)

t.test("a notebook's actions on one scored DataFrame warn once per skipping stage", function()
  local model = seed_model("skip")
  local predictions = model:transform(scoring)
  local kept
  local lines = capture_stderr(function()
    predictions:select("id", "label", "probability", "prediction"):show(5)
    kept = predictions:count()
    predictions:collect()
    ml.BinaryClassificationEvaluator { metricName = "areaUnderROC" }:evaluate(predictions)
    ml.BinaryClassificationEvaluator { metricName = "areaUnderPR" }:evaluate(predictions)
    ml.MulticlassClassificationEvaluator { metricName = "accuracy" }:evaluate(predictions)
    ml.logLoss(predictions, "label", "probability")
    ml.confusionMatrix(predictions, "label", "prediction")
  end)
  t.ok(kept < scoring:count(), "rows were dropped")
  local by_stage, total = skip_warnings(lines)
  t.ok(total >= 2, "the indexers of unseen ids and the assembler warn: " .. table.concat(lines))
  for uid, n in pairs(by_stage) do t.eq(n, 1, uid .. "'s warnings") end
  t.ok(lines[1]:find("warned once per DataFrame, not again for each action on it", 1, true), lines[1])

  -- Another DataFrame scored by the same model: its drops are its own.
  local again = capture_stderr(function() model:transform(scoring):count() end)
  local by_stage2, total2 = skip_warnings(again)
  t.eq(total2, total, "the new DataFrame's warnings")
  for uid in pairs(by_stage) do t.eq(by_stage2[uid], 1, uid) end
end)

t.test("fused and unfused actions on one DataFrame share the assembler's one warning", function()
  local model = seed_model("keep")
  local predictions = model:transform(scoring)
  local fast = predictions:select("id", "probability")
  local p = optimizer.optimize(fast._plan)
  local fused = false
  while p do fused, p = fused or p.fusedFrom ~= nil, p.child end
  t.ok(fused, "the select runs the fused scorer")
  local rows, n
  local lines = capture_stderr(function()
    rows = #fast:collect()
    n = predictions:count()
    fast:collect()
    ml.BinaryClassificationEvaluator {}:evaluate(predictions)
  end)
  t.eq(rows, n)
  t.eq(n, scoring:count() - math.ceil(scoring:count() / 50), "the rows with a null C14 are dropped")
  local _, total = skip_warnings(lines)
  t.eq(total, 1, "warnings: " .. table.concat(lines))
end)

t.test("a foreachBatch function scoring each micro-batch warns once per query", function()
  local known = {}
  for i = 0, 49 do known[i + 1] = { i } end
  local si = ml.StringIndexer { inputCol = "value", outputCol = "vi", handleInvalid = "skip" }
    :fit(spark:createDataFrame(known, "value long"))
  local function run(dir)
    local batches = 0
    local lines = capture_stderr(function()
      local q = spark.readStream:format("rate"):option("rowsPerSecond", 2000):load().writeStream
        :foreachBatch(function(df)
          local scored = si:transform(df)
          scored:count()
          scored:collect()
          batches = batches + 1
        end):option("checkpointLocation", dir):trigger { processingTime = "50 milliseconds" }:start()
      tide.sleep(0.5)
      q:stop()
    end)
    t.ok(batches >= 3, "micro-batches: " .. batches)
    local _, total = skip_warnings(lines)
    return total, lines
  end
  local first, lines = run(t.tempdir() .. "/cp1")
  t.eq(first, 1, "warnings: " .. table.concat(lines))
  t.ok(lines[1]:find("warned once per query", 1, true), lines[1])
  t.eq((run(t.tempdir() .. "/cp2")), 1, "a new query warns again")
end)

t.run()
