-- dropDuplicatesWithinWatermark (Spark 3.5) on a stream: a row whose keys
-- were seen within the watermark's delay is dropped; a key's entry expires
-- at (its first row's event time + the delay) once the watermark reaches
-- it; late rows are dropped and counted; the state (state/4/) comes back
-- after a restart, and a replayed epoch starts from the state before it.
-- Batch DataFrames and streams without a watermark refuse it, as Spark.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

local SCHEMA = "k string, v int, at timestamp"

local function add_file(dir, name, rows) t.write_csv(dir .. "/" .. name, rows) end
local function stream(dir) return spark.readStream:csv(dir, { schema = SCHEMA, maxFilesPerTrigger = 1 }) end
-- An event time `s` seconds after 2024-01-01 00:00:00.
local function at(s) return ("2024-01-01 00:00:%02d"):format(s) end

-- Runs df over every file available, one file a batch: the rows of each
-- epoch (k|v), the progress records by epoch.
local function run(df, cp, batches, fail_at)
  local q = df.writeStream
    :foreachBatch(function(b, epoch)
      if epoch == fail_at then error("sink down") end
      batches[epoch + 1] = t.rows(b:select("k", "v"))
    end)
    :option("checkpointLocation", cp):trigger { availableNow = true }:start()
  return q
end

local function ops_by_epoch(q)
  local out = {}
  for _, p in ipairs(q:recentProgress()) do out[p.batchId + 1] = p.stateOperators[1] end
  return out
end

-- The expected values are Apache Spark 3.5.3's over the same files: one
-- file a batch, with no batch without data between them (Spark's
-- StreamingDeduplicationWithinWatermarkSuite's rows, "deduplicate with
-- subset of columns which event time column is not in subset"). An entry
-- leaves the state at the end of the batch whose watermark passed it:
-- while that batch runs, its key is still seen.
t.test("keys seen within the delay are dropped; entries expire at event time + delay", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  add_file(input, "1.csv", { { "a", 1, at(17) } }) -- a expires at 19; watermark 15 next
  add_file(input, "2.csv", { { "a", 2, at(16) } }) -- a seen: dropped
  add_file(input, "3.csv", { { "a", 3, at(13) } }) -- at or before the last batch's watermark (15): late
  add_file(input, "4.csv", { { "b", 4, at(22) }, { "c", 5, at(21) }, { "b", 6, at(22) } }) -- watermark 20 next
  add_file(input, "5.csv", { { "a", 7, at(21) } }) -- a (19) still seen: dropped; then it goes (20)
  add_file(input, "6.csv", { { "d", 8, at(25) }, { "c", 9, at(24) } }) -- c seen (expires 23): dropped
  add_file(input, "7.csv", { { "c", 10, at(26) } }) -- c (23) still seen: dropped; then it goes (23)
  local batches = {}
  local q = run(stream(input):withWatermark("at", "2 seconds"):dropDuplicatesWithinWatermark("k"), cp, batches)
  q:awaitTermination()
  -- (the last batch has no rows: the watermark moved to 24, which lets b go)
  t.same_table(batches, { { "a|1" }, {}, {}, { "b|4", "c|5" }, {}, { "d|8" }, {}, {} })
  local ops = ops_by_epoch(q)
  t.eq(ops[1].operatorName, "dedupeWithinWatermark")
  local totals, updated, removed, late = {}, {}, {}, {}
  for i, o in ipairs(ops) do
    totals[i], updated[i], removed[i], late[i] = o.numRowsTotal, o.numRowsUpdated, o.numRowsRemoved,
      o.numRowsDroppedByWatermark
  end
  t.same_table(totals, { 1, 1, 1, 3, 2, 3, 2, 1 })
  t.same_table(updated, { 1, 0, 0, 2, 0, 1, 0, 0 })
  t.same_table(removed, { 0, 0, 0, 0, 1, 0, 1, 1 })
  t.same_table(late, { 0, 0, 1, 0, 0, 0, 0, 0 })
  t.ok(io.open(cp .. "/state/4/6.delta", "r"), "state/4/6.delta written")
end)

t.test("every column as the key when none are named, the event time among them", function()
  local input = t.tempdir()
  add_file(input, "1.csv", { { "a", 1, at(10) }, { "a", 1, at(10) }, { "a", 1, at(11) } })
  add_file(input, "2.csv", { { "a", 1, at(10) }, { "a", 1, at(30) } })
  local batches = {}
  local q = run(stream(input):withWatermark("at", "5 seconds"):dropDuplicatesWithinWatermark(), t.tempdir() .. "/cp",
    batches)
  q:awaitTermination()
  -- batch 2 runs with watermark 6: (a, 1, 10) is still kept, so it is
  -- dropped; the watermark 25 lets (a, 1, 10) and (a, 1, 11) go in a third
  t.same_table(batches, { { "a|1", "a|1" }, { "a|1" }, {} })
  local ops = ops_by_epoch(q)
  t.same_table({ ops[1].numRowsTotal, ops[2].numRowsTotal }, { 2, 3 })
end)

t.test("the state comes back after a restart; a replayed epoch starts from the state before it", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  local function query() return stream(input):withWatermark("at", "10 seconds"):dropDuplicatesWithinWatermark("k") end
  add_file(input, "1.csv", { { "a", 1, at(10) }, { "b", 2, at(10) } })
  local batches = {}
  local q = run(query(), cp, batches)
  q:awaitTermination()
  -- Epoch 2 (epoch 1 ran without rows, the watermark having moved) saves
  -- its state, then its sink fails: the restart replays it.
  add_file(input, "2.csv", { { "a", 3, at(12) }, { "c", 4, at(12) } })
  q = run(query(), cp, batches, 2)
  t.raises(function() q:awaitTermination() end, "sink down")
  q = run(query(), cp, batches)
  q:awaitTermination()
  t.same_table(batches, { { "a|1", "b|2" }, {}, { "c|4" }, {} })
  -- A new process (a new query on the checkpoint) still knows a, b and c.
  add_file(input, "3.csv", { { "c", 5, at(15) }, { "b", 6, at(14) }, { "d", 7, at(16) } })
  q = run(query(), cp, batches)
  q:awaitTermination()
  t.same_table(batches[5], { "d|7" })
  t.eq(q:lastProgress().stateOperators[1].numRowsTotal, 4)
  -- The watermark is 25 after e: a (20) and d (26) are still seen while
  -- the batch of their rows runs, then a, b and c (22) go.
  add_file(input, "4.csv", { { "e", 8, at(35) } })
  add_file(input, "5.csv", { { "a", 9, at(30) }, { "d", 10, at(30) } })
  q = run(query(), cp, batches)
  q:awaitTermination()
  t.same_table({ batches[7], batches[8] }, { { "e|8" }, {} })
  t.eq(q:lastProgress().stateOperators[1].numRowsRemoved, 3)
  t.eq(q:lastProgress().stateOperators[1].numRowsTotal, 2)
end)

t.test("Spark's errors: a batch DataFrame, a stream without a watermark, an unknown column", function()
  local b = spark:createDataFrame({ { "a", 1 }, { "a", 2 } }, "k string, v int")
  t.raises(function() b:dropDuplicatesWithinWatermark("k") end,
    "dropDuplicatesWithinWatermark is not supported with batch DataFrames/DataSets")
  local input = t.tempdir()
  t.raises(function() stream(input):dropDuplicatesWithinWatermark("k") end,
    "dropDuplicatesWithinWatermark is not supported with streaming DataFrames/DataSets without watermark")
  -- the watermark's column dropped before it
  t.raises(function() stream(input):withWatermark("at", "1 second"):select("k"):dropDuplicatesWithinWatermark() end,
    "without watermark")
  t.raises(function() stream(input):withWatermark("at", "1 second"):dropDuplicatesWithinWatermark("kk") end,
    "cannot resolve column \"kk\"")
  -- a list of names, and the alias
  local df = stream(input):withWatermark("at", "1 second")
  t.eq(df:dropDuplicatesWithinWatermark({ "k", "v" }).isStreaming, true)
  t.eq(df:drop_duplicates_within_watermark("k").isStreaming, true)
end)

t.test("two deduplications in one query keep their states apart, across a restart; a null time expires first",
  function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  local function plan()
    return stream(input):withWatermark("at", "30 seconds"):dropDuplicatesWithinWatermark("k")
      :dropDuplicatesWithinWatermark("v")
  end
  add_file(input, "1.csv", { { "a", 1, at(10) }, { "b", 1, at(10) } })
  add_file(input, "2.csv", { { "c", 1, at(11) }, { "a", 2, at(11) } })
  local batches = {}
  run(plan(), cp, batches):awaitTermination()
  t.same_table(batches, { { "a|1" }, {}, {} })
  -- after a restart, a is still within its delay for the first operator
  add_file(input, "3.csv", { { "a", 5, at(12) }, { "d", 6, at(12) } })
  run(plan(), cp, batches):awaitTermination()
  t.same_table(batches[4], { "d|6" })
  local dirs = t.sh("ls " .. cp .. "/state")
  t.eq(dirs, "4\n5\n")
  -- a row without an event time passes, and its key's entry (time 0 + the
  -- delay, as Spark reads a null) goes at the end of the first batch with
  -- a watermark (the third, 40 s - 10 s): x is seen until then
  local input2, cp2 = t.tempdir(), t.tempdir() .. "/cp"
  add_file(input2, "1.csv", { { "x", 1 } })
  add_file(input2, "2.csv", { { "x", 2, at(40) } })
  add_file(input2, "3.csv", { { "x", 3, at(41) } })
  local b2 = {}
  run(stream(input2):withWatermark("at", "10 seconds"):dropDuplicatesWithinWatermark("k"), cp2, b2):awaitTermination()
  t.same_table(b2, { { "x|1" }, {}, {}, {} })
end)

t.run()
