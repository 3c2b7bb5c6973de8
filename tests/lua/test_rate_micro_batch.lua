-- The rate-micro-batch source, as Spark 3.5.3's (values and offsets
-- checked against it): rowsPerBatch rows a micro-batch, one timestamp a
-- batch, advancing by advanceMillisPerBatch; the same rows every run.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function rates(options)
  local r = spark.readStream:format("rate-micro-batch")
  for k, v in pairs(options) do r = r:option(k, v) end
  return r:load()
end

t.test("each micro-batch has rowsPerBatch rows at one timestamp; a restart goes on from the offsets", function()
  local cp = t.tempdir() .. "/cp"
  local function query()
    return rates { rowsPerBatch = 3, startTimestamp = 1000, advanceMillisPerBatch = 500 }
      :select(F.col("timestamp"):cast("string"), "value")
  end
  t.same_table(query().columns, { "timestamp", "value" })
  -- availableNow: one batch, as Spark's
  t.same_table(t.batches_available(query(), cp), {
    { epoch = 0, rows = { "1970-01-01 00:00:01|0", "1970-01-01 00:00:01|1", "1970-01-01 00:00:01|2" } } })
  local batches, q = t.batches_available(query(), cp)
  t.same_table(batches, {
    { epoch = 1, rows = { "1970-01-01 00:00:01.5|3", "1970-01-01 00:00:01.5|4", "1970-01-01 00:00:01.5|5" } } })
  t.eq(t.read(cp .. "/offsets/1"):match("\n([^\n]*)$"), '{"offset":6,"timestamp":2000}')
  local source = q:lastProgress().sources[1]
  t.eq(source.description,
    "RatePerMicroBatchStream[rowsPerBatch=3, numPartitions=default, startTimestamp=1000, advanceMsPerBatch=500]")
  t.same_table({ source.startOffset, source.endOffset },
    { { offset = 3, timestamp = 1500 }, { offset = 6, timestamp = 2000 } })
  -- the default trigger runs a batch after another
  local seen = {}
  local running = rates { rowsPerBatch = 2 }.writeStream:foreachBatch(function(batch, epoch)
    seen[#seen + 1] = epoch .. ":" .. table.concat(t.rows(batch:select("value")), ",")
  end):option("checkpointLocation", t.tempdir() .. "/cp"):start()
  t.wait_for(function() return #seen >= 3 end, 30)
  running:stop()
  t.same_table({ unpack(seen, 1, 3) }, { "0:0,1", "1:2,3", "2:4,5" })
end)

t.test("options out of range fail at load(), with Spark's messages", function()
  t.raises_at_caller({
    { function() local df = rates {}; return df end, "Invalid value '0'. The option 'rowsPerBatch' must be positive" },
    { function() local df = rates { rowsPerBatch = 1, startTimestamp = -1 }; return df end,
      "Invalid value '-1'. The option 'startTimestamp' must be non-negative" },
    { function() local df = rates { rowsPerBatch = 1, advanceMillisPerBatch = "x" }; return df end,
      "Invalid value 'x'. The option 'advanceMillisPerBatch' must be non-negative" },
    { function() local df = spark.read:format("rate-micro-batch"):load(); return df end,
      'format "rate-micro-batch" cannot be read as a batch' },
    { function() local df = spark.readStream:format("rate_micro_batch"):load(); return df end,
      'unknown data source format "rate_micro_batch"' },
    { function() local df = spark.readStream:format("composite"):load(); return df end,
      'unknown data source format "composite"' },
  })
end)

t.run()
