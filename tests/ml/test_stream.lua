-- Models on streams: transform adds operators to a streaming plan; rows a
-- "skip" stage drops count in numDroppedRows and warn once per query.
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local spark = tide.session()

local known = {}
for i = 0, 49 do known[i + 1] = { i } end
local indexer_train = spark:createDataFrame(known, "value long")

local capture_stderr = t.stderr_of

t.test("a fitted pipeline scores a rate stream; skipped rows count in numDroppedRows", function()
  local si = ml.StringIndexer { inputCol = "value", outputCol = "vi", handleInvalid = "skip" }:fit(indexer_train)
  local asm = ml.VectorAssembler { inputCols = { "vi", "value" }, outputCol = "features" }
  local lr = ml.LogisticRegressionModel.fromCoefficients({ 0.1, -0.01 }, 0.2)
  local model = ml.PipelineModel.fromStages({ si, asm, lr })
  local stream = spark.readStream:format("rate"):option("rowsPerSecond", 2000):load()
  local scored = model:transform(stream)
  t.ok(scored.isStreaming)
  local seen, bad = 0, 0
  local q
  local warnings = capture_stderr(function()
    q = scored.writeStream:foreachBatch(function(df)
      for _, r in ipairs(df:collect()) do
        seen = seen + 1
        local m = 0.2 + 0.1 * r.vi - 0.01 * r.value
        if r.value >= 50 or math.abs(r.probability - 1 / (1 + math.exp(-m))) > 1e-12 then bad = bad + 1 end
      end
    end):option("checkpointLocation", t.tempdir() .. "/cp"):trigger { processingTime = "50 milliseconds" }:start()
    tide.sleep(0.5)
    q:stop()
  end)
  t.eq(bad, 0)
  local input, dropped = 0, 0
  for _, p in ipairs(q:recentProgress()) do
    input, dropped = input + p.numInputRows, dropped + (p.numDroppedRows or 0)
  end
  t.ok(input > 100, "rows arrived: " .. input)
  t.eq(seen, math.min(input, 50))
  t.eq(dropped, input - seen)
  local count = 0
  for _, w in ipairs(warnings) do if w:find("handleInvalid=\"skip\"", 1, true) then count = count + 1 end end
  t.eq(count, 1, "one warning per query")
end)

t.test("the same model object serves a batch DataFrame", function()
  local si = ml.StringIndexer { inputCol = "value", outputCol = "vi", handleInvalid = "keep" }:fit(indexer_train)
  local rows = si:transform(spark:createDataFrame({ { 3 }, { 99 } }, "value long")):collect()
  t.eq(rows[2].vi, 50)
end)

t.run()
