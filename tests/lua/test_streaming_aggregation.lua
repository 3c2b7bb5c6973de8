-- Stateful streaming operators: groupBy/agg on a stream keeps each
-- group's partial aggregates across micro-batches (in the checkpoint, per
-- epoch), writes every group (complete) or the changed ones (update), and
-- a restarted query goes on from the state of its last committed batch;
-- dropDuplicates keeps the keys seen. Watermarks make groups final and
-- keys go.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local SCHEMA = "site string, click int, price double, at timestamp"

-- A CSV file of rows {site, click, price, at} in dir.
local function add_file(dir, name, rows) t.write_csv(dir .. "/" .. name, rows) end

local function stream(dir) return spark.readStream:csv(dir, { schema = SCHEMA, maxFilesPerTrigger = 1 }) end

-- The rows in sorted order: groups come in no order Spark promises.
local function rows_of(df)
  local out = t.rows(df)
  table.sort(out)
  return out
end

local function aggregated(df)
  return df:groupBy("site"):agg(F.count("*"):alias("n"), F.sum("click"):alias("clicks"),
    F.avg("price"):alias("avg_price"), F.max("at"):alias("last_at"), (F.sum("click") / F.count("*")):alias("ctr"))
end

t.test("complete mode: every group each batch, counted across batches and across a restart", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  add_file(input, "1.csv", { { "a", 1, 2.0, "2024-01-01 00:00:00.000001" }, { "b", 0, 1.0, "2024-01-01 00:00:01" } })
  add_file(input, "2.csv", { { "a", 0, 4.0, "2024-01-01 00:00:02.5" } })
  local batches = {}
  local q = aggregated(stream(input)).writeStream:outputMode("complete")
    :foreachBatch(function(df, epoch) batches[epoch + 1] = rows_of(df) end)
    :option("checkpointLocation", cp):start()
  q:processAllAvailable()
  q:stop()
  t.same_table(batches, {
    { "a|1|1|2.0|2024-01-01 00:00:00.000001|1.0", "b|1|0|1.0|2024-01-01 00:00:01|0.0" },
    { "a|2|1|3.0|2024-01-01 00:00:02.5|0.5", "b|1|0|1.0|2024-01-01 00:00:01|0.0" },
  })
  -- A new file after a restart: the state comes back from the checkpoint,
  -- timestamps to the microsecond.
  add_file(input, "3.csv", { { "c", 1, 8.0, "2024-01-02 00:00:00" }, { "a", 1, 6.0, "2023-12-31 00:00:00" } })
  q = aggregated(stream(input)).writeStream:outputMode("complete")
    :foreachBatch(function(df, epoch) batches[epoch + 1] = rows_of(df) end)
    :option("checkpointLocation", cp):start()
  q:processAllAvailable()
  q:stop()
  t.same_table(batches[3], { "a|3|2|4.0|2024-01-01 00:00:02.5|0.6666666666666666", "b|1|0|1.0|2024-01-01 00:00:01|0.0",
    "c|1|1|8.0|2024-01-02 00:00:00|1.0" })
  t.ok(io.open(cp .. "/state/0/2.delta", "r"), "state/0/2.delta written")
  -- As Spark's: the groups the batch updated in the state, every group written.
  t.same_table({ q:lastProgress().stateOperators[1].numRowsUpdated, q:lastProgress().stateOperators[1].numRowsTotal },
    { 2, 3 })
end)

t.test("intervals and tinyints kept in the state keep their types: max, min, sum, avg", function()
  local input = t.tempdir()
  add_file(input, "1.csv", { { "a", 1, 2.0, "2024-01-01 00:00:00" }, { "a", 3, 1.0, "2024-01-01 00:00:10" } })
  add_file(input, "2.csv", { { "a", 2, 4.0, "2024-01-01 00:01:00" }, { "b", 1, 1.0, "2024-01-01 00:00:00" } })
  local lat = F.expr("at - timestamp'2024-01-01 00:00:00'")
  local df = stream(input):select("site", lat:alias("lat"), F.expr("make_ym_interval(0, click)"):alias("ym"),
      F.col("click"):cast("tinyint"):alias("b"))
    :groupBy("site"):agg(F.max("lat"), F.min("lat"), F.sum("lat"), F.avg("lat"), F.max("ym"), F.sum("ym"),
      F.max("b"))
  local batches, schema = {}, nil
  local q = df.writeStream:outputMode("complete")
    :foreachBatch(function(b, epoch)
      schema = b.schema:simpleString()
      batches[epoch + 1] = rows_of(b:selectExpr("site", "CAST(`max(lat)` AS STRING)", "CAST(`sum(lat)` AS STRING)",
        "CAST(`avg(lat)` AS STRING)", "CAST(`sum(ym)` AS STRING)", "`max(b)`"))
    end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):start()
  q:processAllAvailable()
  q:stop()
  t.eq(schema, "struct<site:string,max(lat):interval day to second,min(lat):interval day to second,"
    .. "sum(lat):interval day to second,avg(lat):interval day to second,max(ym):interval year to month,"
    .. "sum(ym):interval year to month,max(b):tinyint>")
  t.same_table(batches[2], {
    "a|INTERVAL '0 00:01:00' DAY TO SECOND|INTERVAL '0 00:01:10' DAY TO SECOND|INTERVAL '0 00:00:23.333333' DAY TO "
      .. "SECOND|INTERVAL '0-6' YEAR TO MONTH|3",
    "b|INTERVAL '0 00:00:00' DAY TO SECOND|INTERVAL '0 00:00:00' DAY TO SECOND|INTERVAL '0 00:00:00' DAY TO SECOND|"
      .. "INTERVAL '0-1' YEAR TO MONTH|1" })
end)

t.test("update mode: the groups a batch changed; the memory sink in complete mode holds the latest result", function()
  local input = t.tempdir()
  add_file(input, "1.csv", { { "a", 1, 2.0, "2024-01-01 00:00:00" }, { "b", 0, 1.0, "2024-01-01 00:00:00" } })
  add_file(input, "2.csv", { { "a", 0, 4.0, "2024-01-01 00:00:00" } })
  local batches = {}
  local q = stream(input):groupBy("site"):count().writeStream:outputMode("update")
    :foreachBatch(function(df, epoch) batches[epoch + 1] = rows_of(df) end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):start()
  q:processAllAvailable()
  q:stop()
  t.same_table(batches, { { "a|1", "b|1" }, { "a|2" } })
  local m = stream(input):groupBy("site"):agg(F.sum("click")).writeStream:outputMode("complete"):format("memory")
    :queryName("clicks_by_site"):start()
  m:processAllAvailable()
  m:stop()
  t.same_table(rows_of(spark:table("clicks_by_site")), { "a|1", "b|0" })
end)

t.test("a global aggregation, and a replayed epoch computed from the state before it", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  add_file(input, "1.csv", { { "a", 1, 2.0, "2024-01-01 00:00:00" }, { "b", 0, 1.0, "2024-01-01 00:00:00" } })
  add_file(input, "2.csv", { { "a", 1, 4.0, "2024-01-01 00:00:00" } })
  local seen = {}
  local function start(fail_at)
    return stream(input):select(F.count("*"):alias("n"), F.sum("click"):alias("clicks")).writeStream
      :outputMode("update")
      :foreachBatch(function(df, epoch)
        if epoch == fail_at then error("sink down") end
        seen[#seen + 1] = epoch .. ":" .. rows_of(df)[1]
      end)
      :option("checkpointLocation", cp):start()
  end
  local q = start(1)
  t.raises(function() q:processAllAvailable() end, "sink down")
  -- Epoch 1 wrote its state before its sink failed; the restart replays it
  -- from epoch 0's state, so it is counted once.
  q = start(nil)
  q:processAllAvailable()
  q:stop()
  t.same_table(seen, { "0:2|1", "1:3|2" })
end)

t.test("event-time windows as keys: each window's groups kept across batches", function()
  local input = t.tempdir()
  add_file(input, "1.csv", { { "a", 1, 1.0, "2024-01-01 00:01:00" }, { "a", 0, 1.0, "2024-01-01 00:12:00" } })
  add_file(input, "2.csv", { { "a", 1, 1.0, "2024-01-01 00:09:00" }, { "b", 1, 1.0, "2024-01-01 00:02:00" } })
  local batches = {}
  local q = stream(input):groupBy(F.window("at", "10 minutes"), "site"):agg(F.sum("click"):alias("clicks"))
    .writeStream:outputMode("update")
    :foreachBatch(function(df, epoch) batches[epoch + 1] = rows_of(df) end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):start()
  q:processAllAvailable()
  q:stop()
  t.same_table(batches, {
    { "{2024-01-01 00:00:00, 2024-01-01 00:10:00}|a|1", "{2024-01-01 00:10:00, 2024-01-01 00:20:00}|a|0" },
    { "{2024-01-01 00:00:00, 2024-01-01 00:10:00}|a|2", "{2024-01-01 00:00:00, 2024-01-01 00:10:00}|b|1" },
  })
end)

-- Windows of 10 minutes under a watermark of 5: file by file.
local function watermarked(input)
  return stream(input):withWatermark("at", "5 minutes"):groupBy(F.window("at", "10 minutes"))
    :agg(F.count("*"):alias("n"))
end

-- (The expected values of these watermark tests are Apache Spark 3.5.3's,
-- over the same files.)
t.test("a watermark makes windows final: append writes each once, late rows are dropped and counted", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  add_file(input, "1.csv", { { "a", 1, 1.0, "2024-01-01 00:01:00" }, { "a", 1, 1.0, "2024-01-01 00:03:00" } })
  add_file(input, "2.csv", { { "a", 1, 1.0, "2024-01-01 00:16:00" } })
  -- 00:02 is not late: a row is late by the watermark the last batch ran
  -- with (00:03 - 5 minutes), as Spark 3.5's; its window (ended at 00:10)
  -- is final by this batch's (00:16 - 5 minutes = 00:11), written at once.
  add_file(input, "3.csv", { { "a", 1, 1.0, "2024-01-01 00:02:00" }, { "a", 1, 1.0, "2024-01-01 00:30:00" } })
  local batches, progress = {}, {}
  local function run()
    local q = watermarked(input).writeStream:outputMode("append")
      :foreachBatch(function(df, epoch) batches[epoch + 1] = rows_of(df) end)
      :option("checkpointLocation", cp):trigger { availableNow = true }:start()
    q:awaitTermination()
    for _, p in ipairs(q:recentProgress()) do progress[p.batchId + 1] = p end
  end
  run()
  -- Batch 3 has no rows: the watermark moved to 00:25 after batch 2, which
  -- makes the 00:10 window final, as Spark's no-data batch writes it.
  t.same_table(batches, { {}, {}, { "{2024-01-01 00:00:00, 2024-01-01 00:10:00}|3" },
    { "{2024-01-01 00:10:00, 2024-01-01 00:20:00}|1" } })
  t.eq(progress[3].eventTime.watermark, "2024-01-01T00:11:00.000Z")
  t.eq(progress[3].eventTime.max, "2024-01-01T00:30:00.000Z")
  t.eq(progress[3].stateOperators[1].numRowsDroppedByWatermark, 0)
  t.eq(progress[3].stateOperators[1].numRowsRemoved, 1)
  t.eq(progress[3].stateOperators[1].numRowsTotal, 2)
  t.has(progress[3]:json(), '"eventTime":{"max":"2024-01-01T00:30:00.000Z","watermark":"2024-01-01T00:11:00.000Z"}')
  t.eq(progress[4].numInputRows, 0)
  t.eq(progress[4].eventTime.watermark, "2024-01-01T00:25:00.000Z")
  -- A restart goes on with the watermark commits/3 holds (00:25): 00:05
  -- is late by it, dropped and counted.
  add_file(input, "4.csv", { { "a", 1, 1.0, "2024-01-01 00:50:00" }, { "a", 1, 1.0, "2024-01-01 00:05:00" } })
  run()
  t.same_table(batches[5], {})
  t.eq(progress[5].stateOperators[1].numRowsDroppedByWatermark, 1)
  t.same_table(batches[6], { "{2024-01-01 00:30:00, 2024-01-01 00:40:00}|1" })
  t.eq(#batches, 6)
  t.has(t.read(cp .. "/offsets/4"), '"batchWatermarkMs":1704068700000,') -- 00:25
  t.has(t.read(cp .. "/commits/4"), '"nextBatchWatermarkMs":1704069900000}') -- 00:45
end)

t.test("an aliased window key is a window key: the struct takes its name, and the watermark makes it final", function()
  for _, w in ipairs({ F.window("at", "10 minutes"):alias("w"), F.expr("window(at, '10 minutes')"):alias("w") }) do
    local input = t.tempdir()
    add_file(input, "1.csv", { { "a", 1, 1.0, "2024-01-01 00:01:00" }, { "a", 1, 1.0, "2024-01-01 00:03:00" } })
    add_file(input, "2.csv", { { "a", 1, 1.0, "2024-01-01 00:16:00" } })
    local df = stream(input):withWatermark("at", "5 minutes"):groupBy(w):agg(F.count("*"):alias("n"))
    t.same_table(df.columns, { "w", "n" })
    local batches = t.batches_available(df, input .. "/cp")
    -- (the window is final by the watermark after batch 1, 00:11: a batch
    -- without rows writes it)
    t.same_table(batches, { { epoch = 0, rows = {} }, { epoch = 1, rows = {} },
      { epoch = 2, rows = { "{2024-01-01 00:00:00, 2024-01-01 00:10:00}|2" } } })
  end
end)

t.test("update mode under a watermark writes the changed groups and drops the final ones", function()
  local input = t.tempdir()
  add_file(input, "1.csv", { { "a", 1, 1.0, "2024-01-01 00:01:00" } })
  add_file(input, "2.csv", { { "a", 1, 1.0, "2024-01-01 00:20:00" } })
  add_file(input, "3.csv", { { "a", 1, 1.0, "2024-01-01 00:22:00" }, { "a", 1, 1.0, "2024-01-01 00:04:00" } })
  local batches, totals = {}, {}
  local q = watermarked(input).writeStream:outputMode("update")
    :foreachBatch(function(df, epoch) batches[epoch + 1] = rows_of(df) end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
  q:awaitTermination()
  for _, p in ipairs(q:recentProgress()) do totals[p.batchId + 1] = p.stateOperators[1].numRowsTotal end
  t.same_table(batches, { { "{2024-01-01 00:00:00, 2024-01-01 00:10:00}|1" },
    { "{2024-01-01 00:20:00, 2024-01-01 00:30:00}|1" }, { "{2024-01-01 00:00:00, 2024-01-01 00:10:00}|2",
    "{2024-01-01 00:20:00, 2024-01-01 00:30:00}|2" }, {} })
  -- The first window took 00:04 in batch 2 (not late by the last batch's
  -- watermark, 23:56), and was dropped from the state in it (the
  -- watermark 00:15 had passed its end).
  t.same_table(totals, { 1, 2, 1, 1 })
end)

t.test("dropDuplicates on a stream: a key passes once across batches and restarts", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  add_file(input, "1.csv", { { "a", 1, 1.0, "2024-01-01 00:01:00" }, { "a", 0, 2.0, "2024-01-01 00:02:00" },
    { "b", 1, 3.0, "2024-01-01 00:03:00" } })
  add_file(input, "2.csv", { { "b", 0, 4.0, "2024-01-01 00:04:00" }, { "c", 1, 5.0, "2024-01-01 00:05:00" } })
  local batches = {}
  local function run(df)
    local q = df.writeStream:foreachBatch(function(b, epoch) batches[epoch + 1] = t.rows(b) end)
      :option("checkpointLocation", cp):trigger { availableNow = true }:start()
    q:awaitTermination()
    return q
  end
  run(stream(input):dropDuplicates("site"):select("site", "price"))
  t.same_table(batches, { { "a|1.0", "b|3.0" }, { "c|5.0" } })
  add_file(input, "3.csv", { { "c", 1, 6.0, "2024-01-01 00:06:00" }, { "d", 1, 7.0, "2024-01-01 00:07:00" } })
  local q = run(stream(input):dropDuplicates("site"):select("site", "price"))
  t.same_table(batches[3], { "d|7.0" })
  t.eq(q:lastProgress().stateOperators[1].numRowsTotal, 4)
  -- distinct: whole rows.
  local rows = {}
  local d = stream(input):select("site"):distinct().writeStream
    :foreachBatch(function(b) for _, r in ipairs(t.rows(b)) do rows[#rows + 1] = r end end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
  d:awaitTermination()
  t.same_table(rows, { "a", "b", "c", "d" })
end)

t.test("dropDuplicates under a watermark on a key: late rows dropped, passed keys leave the state", function()
  local input = t.tempdir()
  add_file(input, "1.csv", { { "a", 1, 1.0, "2024-01-01 00:01:00" }, { "a", 1, 1.0, "2024-01-01 00:01:00" } })
  add_file(input, "2.csv", { { "b", 1, 1.0, "2024-01-01 00:30:00" } })
  -- The watermark is 00:25 now, but rows are late by the last batch's
  -- (23:56): (a, 00:01), still kept, is a duplicate; 00:40 is new.
  add_file(input, "3.csv", { { "a", 1, 1.0, "2024-01-01 00:01:00" }, { "c", 1, 1.0, "2024-01-01 00:40:00" } })
  -- By 00:25, 00:10 is late (dropped, counted); 00:41 is new.
  add_file(input, "4.csv", { { "d", 1, 1.0, "2024-01-01 00:10:00" }, { "e", 1, 1.0, "2024-01-01 00:41:00" } })
  local batches, ops_of = {}, {}
  local q = stream(input):withWatermark("at", "5 minutes"):dropDuplicates("site", "at").writeStream
    :foreachBatch(function(b, epoch) batches[epoch + 1] = t.rows(b:select("site")) end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
  q:awaitTermination()
  for _, p in ipairs(q:recentProgress()) do ops_of[p.batchId + 1] = p.stateOperators[1] end
  t.same_table(batches, { { "a" }, { "b" }, { "c" }, { "e" }, {} })
  t.eq(ops_of[3].numRowsDroppedByWatermark, 0)
  t.eq(ops_of[4].numRowsDroppedByWatermark, 1)
  t.eq(ops_of[3].operatorName, "dedupe")
  -- In batch 2 the key (a, 00:01), at or before 00:25, leaves the state.
  t.same_table({ ops_of[1].numRowsTotal, ops_of[2].numRowsTotal, ops_of[3].numRowsTotal, ops_of[4].numRowsTotal,
    ops_of[5].numRowsTotal }, { 1, 2, 2, 2, 2 })
end)

t.test("orderBy over a streaming aggregation in complete mode sorts each batch's result", function()
  local input = t.tempdir()
  add_file(input, "1.csv", { { "a", 1, 1.0, "2024-01-01 00:01:00" }, { "b", 1, 1.0, "2024-01-01 00:01:00" },
    { "b", 0, 1.0, "2024-01-01 00:01:00" } })
  add_file(input, "2.csv", { { "a", 1, 1.0, "2024-01-01 00:01:00" }, { "a", 1, 1.0, "2024-01-01 00:01:00" } })
  local batches = {}
  local sorted = stream(input):groupBy("site"):count():orderBy(F.desc("count"))
  local q = sorted.writeStream:outputMode("complete")
    :foreachBatch(function(df, epoch) batches[epoch + 1] = t.rows(df) end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
  q:awaitTermination()
  t.same_table(batches, { { "b|2", "a|1" }, { "a|3", "b|2" } })
  local cp = t.tempdir() .. "/cp"
  t.raises(function() sorted.writeStream:outputMode("update"):format("console"):option("checkpointLocation", cp)
    :start() end, "Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated")
  t.raises(function() stream(input):orderBy("site") end, "unless it is on aggregated DataFrame/Dataset in Complete")
end)

-- Spark 3.5.3's chained aggregations over the same files (PySpark,
-- local[1], availableNow): the rows of each batch and every state entry
-- (the outer aggregation's first, as Spark lists them).
local CHAINED_FILES = { { "00:00:10", "00:00:50", "00:01:20" }, { "00:02:10", "00:00:05" }, { "00:06:30" },
                        { "00:00:30" }, { "00:12:00" } }

local function chained(dir)
  local e = spark.readStream:csv(dir, { schema = "v int, ts timestamp", maxFilesPerTrigger = 1 })
    :withWatermark("ts", "30 seconds")
  local minutes = e:groupBy(F.window("ts", "1 minute")):agg(F.count("*"):alias("n"), F.sum("v"):alias("s"))
  return minutes:groupBy(F.window(F.window_time("window"), "5 minutes"))
    :agg(F.sum("n"):alias("events"), F.count("*"):alias("minutes"), F.max("s"):alias("top"))
    :select(F.col("window.start"):cast("string"), "events", "minutes", "top")
end

local function add_chained(dir, k)
  local rows = {}
  for i, at in ipairs(CHAINED_FILES[k]) do rows[i] = { (k - 1) * 10 + i - 1, "2024-01-01 " .. at } end
  t.write_csv(("%s/%d.csv"):format(dir, k), rows)
end

t.test("an aggregation of the windows another finalizes (window_time), in append mode, as Spark 3.5's", function()
  local dir = t.tempdir()
  for k = 1, #CHAINED_FILES do add_chained(dir, k) end
  local batches, q = t.batches_available(chained(dir), t.tempdir() .. "/cp")
  local written = {}
  for _, b in ipairs(batches) do written[#written + 1] = table.concat(b.rows, " ") end
  t.same_table(written, { "", "", "", "2024-01-01 00:00:00|5|3|12", "", "2024-01-01 00:05:00|1|1|20" })
  -- (the row at 00:00:30 of the fourth file is late for the minutes: dropped and counted)
  t.same_table(t.state_entries(q), { "stateStoreSave 0 0 0 0, stateStoreSave 2 2 0 0",
    "stateStoreSave 0 0 0 0, stateStoreSave 3 2 0 0",
    "stateStoreSave 1 1 0 0, stateStoreSave 3 1 1 0",
    "stateStoreSave 0 1 1 0, stateStoreSave 1 0 2 1",
    "stateStoreSave 0 0 0 0, stateStoreSave 2 1 0 0",
    "stateStoreSave 0 1 1 0, stateStoreSave 1 0 1 0" })
  -- a restart between the files goes on with both states
  dir = t.tempdir()
  local cp, all = t.tempdir() .. "/cp", {}
  for k = 1, 3 do add_chained(dir, k) end
  for _, b in ipairs(t.batches_available(chained(dir), cp)) do all[#all + 1] = table.concat(b.rows, " ") end
  for k = 4, #CHAINED_FILES do add_chained(dir, k) end
  for _, b in ipairs(t.batches_available(chained(dir), cp)) do all[#all + 1] = table.concat(b.rows, " ") end
  t.eq(table.concat(all, " "):gsub("%s+", " "):match("^%s*(.-)%s*$"),
    "2024-01-01 00:00:00|5|3|12 2024-01-01 00:05:00|1|1|20")
end)

t.test("what Spark's analysis refuses, and what tide cannot keep across batches", function()
  local input = t.tempdir()
  local agg = stream(input):groupBy("site"):count()
  local cp = t.tempdir() .. "/cp"
  t.raises(function() agg.writeStream:format("console"):option("checkpointLocation", cp):start() end,
    "Append output mode not supported when there are streaming aggregations")
  -- A watermark on a column that is no key (nor a window's time) makes no
  -- group final.
  t.raises(function()
    stream(input):withWatermark("at", "1 minute"):groupBy("site"):count().writeStream:format("console")
      :option("checkpointLocation", cp):start()
  end, "without watermark")
  t.raises(function()
    agg.writeStream:outputMode("complete"):format("json"):option("path", t.tempdir())
      :option("checkpointLocation", cp):start()
  end, "Data source json does not support Complete output mode")
  t.raises(function()
    stream(input).writeStream:outputMode("complete"):format("console"):option("checkpointLocation", cp):start()
  end, "Complete output mode not supported when there are no streaming aggregations")
  t.raises(function() stream(input):groupBy("site"):agg(F.countDistinct("click")) end,
    "tide keeps no sets of values across micro%-batches")
  t.raises(function() agg:groupBy("site"):count().writeStream:outputMode("complete"):format("console")
    :option("checkpointLocation", cp):start() end, "Multiple streaming aggregations are not supported")
  -- in append mode, the outer one must be finalized by the windows of the inner one (window_time)
  local minutes = stream(input):withWatermark("at", "1 minute"):groupBy(F.window("at", "1 minute")):count()
  t.raises(function() minutes:groupBy("count"):count().writeStream:format("console")
    :option("checkpointLocation", cp):start() end, "Append output mode not supported when there are streaming"
      .. " aggregations on streaming DataFrames/DataSets without watermark")
end)

t.run()
