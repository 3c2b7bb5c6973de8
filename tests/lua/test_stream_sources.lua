-- A query that reads several sources, as Spark's: a join or a union of
-- streams read by readStream calls of their own. Each source has its own
-- offsets (a line each in offsets/N), its own checkpoint directory
-- (sources/<i>), its own entry in the progress; a restart goes on from
-- every source's offsets, a replayed epoch reads what it read. Expected
-- values are Apache Spark 3.5.3's over the same files. (Kafka sources:
-- tests/integration/stream_sides_kafka.lua.)
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local run = t.batches_available

local function lines(path)
  local out = {}
  for line in (t.read(path) .. "\n"):gmatch("([^\n]*)\n") do out[#out + 1] = line end
  return out
end

local function imps(dir)
  return spark.readStream:csv(dir, { schema = "iad int, it timestamp", maxFilesPerTrigger = 1 })
end
local function clicks(dir)
  return spark.readStream:json(dir, { schema = "cad int, ct timestamp", maxFilesPerTrigger = 1 })
end
local function click_lines(list)
  local out = {}
  for i, c in ipairs(list) do out[i] = ('{"cad":%d,"ct":"2024-01-01 %s"}'):format(c[1], c[2]) end
  return table.concat(out, "\n") .. "\n"
end

t.test("a union of a CSV and a JSON file stream: each batch has both's new rows, each source its own offsets",
  function()
  local a, b, cp = t.tempdir(), t.tempdir(), t.tempdir() .. "/cp"
  t.write_csv(a .. "/1.csv", { { 1, "2024-01-01 00:00:00" }, { 2, "2024-01-01 00:00:10" } })
  t.write(b .. "/1.json", click_lines({ { 3, "00:00:30" } }))
  t.write(b .. "/2.json", click_lines({ { 4, "00:01:00" } }))
  local function query() return imps(a):union(clicks(b)) end
  local batches, q = run(query(), cp)
  t.same_table(batches, {
    { epoch = 0, rows = { "1|2024-01-01 00:00:00", "2|2024-01-01 00:00:10", "3|2024-01-01 00:00:30" } },
    { epoch = 1, rows = { "4|2024-01-01 00:01:00" } },
  })
  -- Spark's checkpoint: a line of offsets a source, a directory a source
  t.same_table({ unpack(lines(cp .. "/offsets/1"), 3) }, { '{"logOffset":0}', '{"logOffset":1}' })
  t.ok(t.read(cp .. "/sources/0/0"):find("1.csv", 1, true), "the CSV source's log")
  t.ok(t.read(cp .. "/sources/1/1"):find("2.json", 1, true), "the JSON source's log")
  -- and its progress: an entry a source, with its own rows
  local p = q:lastProgress()
  t.eq(p.numInputRows, 1)
  t.eq(#p.sources, 2)
  t.eq(p.sources[1].description, "FileStreamSource[file:" .. a .. "]")
  t.eq(p.sources[1].numInputRows, 0)
  t.eq(p.sources[2].numInputRows, 1)
  t.same_table(p.sources[2].startOffset, { logOffset = 0 })
  t.same_table(p.sources[2].endOffset, { logOffset = 1 })
  -- a restart reads each source's new files only
  t.write_csv(a .. "/2.csv", { { 5, "2024-01-01 00:02:00" } })
  t.same_table(run(query(), cp), { { epoch = 2, rows = { "5|2024-01-01 00:02:00" } } })
  -- explain shows each source's scan under its side
  local text = require("tide.dataframe_explain").text(query(), "simple")
  t.has(text, "Union\n")
  t.has(text, ":     +- FileStreamSource[file:" .. a .. "] [iad, it]\n")
  t.has(text, "      +- FileStreamSource[file:" .. b .. "] [cad, ct]\n")
end)

-- Spark 3.5.3 over the same files (PySpark, local[1], availableNow): the
-- rows of each batch, and the watermark and the join's state rows of each.
t.test("a left outer join of two file streams with a watermark each is Spark's, batch by batch", function()
  local a, b, cp = t.tempdir(), t.tempdir(), t.tempdir() .. "/cp"
  t.write_csv(a .. "/1.csv", { { 1, "2024-01-01 00:00:00" }, { 2, "2024-01-01 00:00:10" } })
  t.write_csv(a .. "/2.csv", { { 3, "2024-01-01 00:05:00" }, { 4, "2024-01-01 00:30:00" } })
  t.write(b .. "/1.json", click_lines({ { 1, "00:00:30" } }))
  t.write(b .. "/2.json", click_lines({ { 2, "00:20:00" } }))
  t.write(b .. "/3.json", click_lines({ { 3, "00:05:30" }, { 4, "00:31:00" } }))
  local i = imps(a):withWatermark("it", "10 minutes")
  local c = clicks(b):withWatermark("ct", "5 minutes")
  local joined = i:join(c, F.expr("iad = cad AND ct >= it AND ct <= it + interval 15 minutes"), "leftOuter")
    :select("iad", F.col("it"):cast("string"), "cad", F.col("ct"):cast("string"))
  local batches, q = run(joined, cp)
  t.same_table(batches, {
    { epoch = 0, rows = { "1|2024-01-01 00:00:00|1|2024-01-01 00:00:30" } },
    { epoch = 1, rows = {} },
    { epoch = 2, rows = { "3|2024-01-01 00:05:00|3|2024-01-01 00:05:30",
                          "4|2024-01-01 00:30:00|4|2024-01-01 00:31:00" } },
    { epoch = 3, rows = { "2|2024-01-01 00:00:10|null|null" } },
  })
  local watermarks, totals, inputs = {}, {}, {}
  for k, p in ipairs(q.recentProgress) do
    watermarks[k], totals[k] = p.eventTime.watermark, p.stateOperators[1].numRowsTotal
    inputs[k] = p.sources[1].numInputRows .. "+" .. p.sources[2].numInputRows
  end
  t.same_table(watermarks, { "1970-01-01T00:00:00.000Z", "2023-12-31T23:50:10.000Z", "2024-01-01T00:15:00.000Z",
                             "2024-01-01T00:20:00.000Z" })
  t.same_table(totals, { 3, 6, 6, 4 })
  t.same_table(inputs, { "2+1", "2+1", "0+2", "0+0" })
end)

-- Spark 3.5.3's state entry of each join over those files, batch by batch:
-- numRowsTotal, numRowsUpdated (the new rows kept), numRowsRemoved (an
-- outer side's removals uncounted), numRowsDroppedByWatermark.
local JOIN_STATE = {
  inner = { "3 3 0 0", "6 3 0 0", "6 1 1 0", "4 0 2 0" },
  leftOuter = { "3 3 0 0", "6 3 0 0", "6 1 1 0", "4 0 0 0" },
  rightOuter = { "3 3 0 0", "6 3 0 0", "6 1 0 0", "4 0 2 0" },
  fullOuter = { "3 3 0 0", "6 3 0 0", "6 1 0 0", "4 0 0 0" },
  leftSemi = { "3 3 0 0", "6 3 0 0", "6 1 1 0", "4 0 2 0" },
}

t.test("each kind of join of two streams counts its state rows as Spark's", function()
  local a, b = t.tempdir(), t.tempdir()
  t.write_csv(a .. "/1.csv", { { 1, "2024-01-01 00:00:00" }, { 2, "2024-01-01 00:00:10" } })
  t.write_csv(a .. "/2.csv", { { 3, "2024-01-01 00:05:00" }, { 4, "2024-01-01 00:30:00" } })
  t.write(b .. "/1.json", click_lines({ { 1, "00:00:30" } }))
  t.write(b .. "/2.json", click_lines({ { 2, "00:20:00" } }))
  t.write(b .. "/3.json", click_lines({ { 3, "00:05:30" }, { 4, "00:31:00" } }))
  for how, expected in pairs(JOIN_STATE) do
    local i = imps(a):withWatermark("it", "10 minutes")
    local c = clicks(b):withWatermark("ct", "5 minutes")
    local joined = i:join(c, F.expr("iad = cad AND ct >= it AND ct <= it + interval 15 minutes"), how)
    local _, q = run(joined, t.tempdir() .. "/cp")
    local want = {}
    for k, e in ipairs(expected) do want[k] = "symmetricHashJoin " .. e end
    t.same_table(t.state_entries(q), want, how)
  end
end)

-- Spark 3.5.3 over the same files: each side deduplicated before the join.
t.test("each side of a join deduplicates its rows with a state of its own, as Spark's", function()
  local a, b = t.tempdir(), t.tempdir()
  local function first_files()
    t.write_csv(a .. "/1.csv",
      { { 1, "2024-01-01 00:00:00" }, { 1, "2024-01-01 00:00:00" }, { 2, "2024-01-01 00:00:10" } })
    t.write(b .. "/1.json", click_lines({ { 1, "00:00:30" }, { 1, "00:00:30" } }))
  end
  local function second_files()
    t.write_csv(a .. "/2.csv", { { 2, "2024-01-01 00:00:10" }, { 3, "2024-01-01 00:30:00" } })
    t.write(b .. "/2.json", click_lines({ { 2, "00:01:00" }, { 3, "00:31:00" } }))
  end
  local function query()
    local i = imps(a):withWatermark("it", "10 minutes"):dropDuplicates({ "iad", "it" })
    local c = clicks(b):withWatermark("ct", "5 minutes"):dropDuplicates({ "cad", "ct" })
    return i:join(c, F.expr("iad = cad AND ct >= it AND ct <= it + interval 15 minutes"))
      :select("iad", F.col("it"):cast("string"), "cad", F.col("ct"):cast("string"))
  end
  first_files()
  second_files()
  local cp = t.tempdir() .. "/cp"
  local batches, q = run(query(), cp)
  local pairs_of_2_3 = { "2|2024-01-01 00:00:10|2|2024-01-01 00:01:00", "3|2024-01-01 00:30:00|3|2024-01-01 00:31:00" }
  t.same_table(batches, { { epoch = 0, rows = { "1|2024-01-01 00:00:00|1|2024-01-01 00:00:30" } },
                          { epoch = 1, rows = pairs_of_2_3 }, { epoch = 2, rows = {} } })
  -- the join's entry, then each side's deduplication's
  t.same_table(t.state_entries(q), { "symmetricHashJoin 3 3 0 0, dedupe 2 2 0 0, dedupe 1 1 0 0",
                                     "symmetricHashJoin 6 3 0 0, dedupe 3 1 0 0, dedupe 3 2 0 0",
                                     "symmetricHashJoin 2 0 4 0, dedupe 1 0 2 0, dedupe 1 0 2 0" })
  -- each deduplication in a directory of its own
  for _, n in ipairs({ 1, 2, 3, 5 }) do t.ok(t.read(cp .. "/state/" .. n .. "/1.delta"), "state/" .. n) end
  -- a restart between the files goes on with each deduplication's state: the repeated impression of 2 is dropped
  a, b, cp = t.tempdir(), t.tempdir(), t.tempdir() .. "/cp"
  first_files()
  run(query(), cp)
  second_files()
  local after = {}
  for _, batch in ipairs(run(query(), cp)) do
    for _, r in ipairs(batch.rows) do after[#after + 1] = r end
  end
  t.same_table(after, pairs_of_2_3)
end)

-- Spark 3.5.3 over the same files: the join gives the aggregation above
-- it the watermark its state goes by (the impressions' 15 minutes behind
-- the query's), by which the windows of the impressions' time are final.
t.test("an aggregation over a join of two streams finalizes its windows by the join's watermark, as Spark's",
  function()
  local a, b = t.tempdir(), t.tempdir()
  local imp_files = { { { 1, "00:00:00" }, { 2, "00:05:00" } }, { { 3, "00:12:00" }, { 4, "00:31:00" } },
                      { { 5, "00:55:00" } }, { { 6, "01:30:00" } } }
  local click_files = { { { 1, "00:01:00" } }, { { 2, "00:08:00" }, { 3, "00:20:00" } },
                        { { 4, "00:40:00" }, { 5, "00:58:00" } }, { { 6, "01:35:00" } } }
  for k = 1, 4 do
    local rows = {}
    for i, r in ipairs(imp_files[k]) do rows[i] = { r[1], "2024-01-01 " .. r[2] } end
    t.write_csv(("%s/%d.csv"):format(a, k), rows)
    t.write(("%s/%d.json"):format(b, k), click_lines(click_files[k]))
  end
  local function query()
    local i = imps(a):withWatermark("it", "10 minutes")
    local c = clicks(b):withWatermark("ct", "5 minutes")
    return i:join(c, F.expr("iad = cad AND ct >= it AND ct <= it + interval 15 minutes"))
      :groupBy(F.window("it", "10 minutes")):count():select(F.col("window.start"):cast("string"), "count")
  end
  local batches, q = run(query(), t.tempdir() .. "/cp")
  local written = {}
  for k, batch in ipairs(batches) do written[k] = table.concat(batch.rows, " ") end
  t.same_table(written, { "", "", "", "2024-01-01 00:00:00|2 2024-01-01 00:10:00|1",
                          "2024-01-01 00:30:00|1 2024-01-01 00:50:00|1" })
  t.same_table(t.state_entries(q), {
    "stateStoreSave 1 1 0 0, symmetricHashJoin 3 3 0 0", "stateStoreSave 2 2 0 0, symmetricHashJoin 7 4 0 0",
    "stateStoreSave 4 2 0 0, symmetricHashJoin 8 3 2 0", "stateStoreSave 3 1 2 0, symmetricHashJoin 5 2 5 0",
    "stateStoreSave 1 0 2 0, symmetricHashJoin 2 0 3 0" })
  -- append only, as Spark's
  t.has(t.raises(function() run(query(), t.tempdir() .. "/cp", "complete") end),
    "Join between two streaming DataFrames/Datasets is not supported in Complete output mode, only in Append")
end)

t.test("a side of a union deduplicates its own rows", function()
  local a, b = t.tempdir(), t.tempdir()
  t.write_csv(a .. "/1.csv", { { 1, "2024-01-01 00:00:00" }, { 1, "2024-01-01 00:00:00" } })
  t.write_csv(b .. "/1.csv", { { 1, "2024-01-01 00:00:00" }, { 1, "2024-01-01 00:00:00" } })
  local united = imps(a):dropDuplicates():union(imps(b)):select("iad")
  t.same_table(run(united, t.tempdir() .. "/cp")[1].rows, { "1", "1", "1" })
end)

t.test("a replayed epoch reads what it read from every source, with its epoch id", function()
  local a, b, cp = t.tempdir(), t.tempdir(), t.tempdir() .. "/cp"
  t.write_csv(a .. "/1.csv", { { 1, "2024-01-01 00:00:00" } })
  t.write(b .. "/1.json", click_lines({ { 2, "00:00:30" } }))
  local function query() return imps(a):union(clicks(b)):groupBy():count() end
  t.same_table(run(query(), cp, "complete"), { { epoch = 0, rows = { "2" } } })
  -- the process ended after offsets/1, before commits/1: epoch 1 runs again
  t.write_csv(a .. "/2.csv", { { 3, "2024-01-01 00:01:00" } })
  t.same_table(run(query(), cp, "complete"), { { epoch = 1, rows = { "3" } } })
  os.remove(cp .. "/commits/1")
  t.write(b .. "/2.json", click_lines({ { 4, "00:01:30" } }))
  t.same_table(run(query(), cp, "complete"), { { epoch = 1, rows = { "3" } }, { epoch = 2, rows = { "4" } } })
end)

t.test("three sources, and unions of unions, read each source once; input_file_name() is each row's file", function()
  local a, b, c, d = t.tempdir(), t.tempdir(), t.tempdir(), t.tempdir()
  for k, dir in ipairs({ a, b, c, d }) do t.write_csv(dir .. "/" .. k .. ".csv", { { k, "2024-01-01 00:00:00" } }) end
  local function s(dir) return imps(dir):select("iad", F.input_file_name():alias("file")) end
  local three = s(a):union(s(b)):union(s(c))
  local batches, q = run(three, t.tempdir() .. "/cp")
  t.same_table(batches[1].rows, { "1|file://" .. a .. "/1.csv", "2|file://" .. b .. "/2.csv",
                                  "3|file://" .. c .. "/3.csv" })
  t.eq(#q:lastProgress().sources, 3)
  local ab, cd = s(a):union(s(b)), s(c):union(s(d))
  local cp = t.tempdir() .. "/cp"
  batches, q = run(ab:union(cd):select("iad"), cp)
  t.same_table(batches[1].rows, { "1", "2", "3", "4" })
  t.eq(#lines(cp .. "/offsets/0"), 2 + 4)
  -- a stream united with itself is one source: its rows twice
  local e = s(a)
  t.same_table(run(e:union(s(b)):union(e):select("iad"), t.tempdir() .. "/cp")[1].rows, { "1", "1", "2" })
end)

t.test("a checkpoint of other sources fails at the start, naming the checkpoint", function()
  local a, b, cp = t.tempdir(), t.tempdir(), t.tempdir() .. "/cp"
  t.write_csv(a .. "/1.csv", { { 1, "2024-01-01 00:00:00" } })
  run(imps(a), cp)
  local err = t.raises(function() run(imps(a):union(imps(b)), cp) end)
  t.has(err, "checkpoint " .. cp .. ": offsets/0 holds the offsets of 1 source, and the query reads 2")
  t.has(err, "a query restarted from a checkpoint must read the sources it read")
end)

t.run()
