-- A union of streams, as Spark's: views of one stream (filters of it, the
-- stream with itself) united in each micro-batch, stateful operators and
-- the watermark after the union, across a restart; a watermark on each
-- side, by spark.sql.streaming.multipleWatermarkPolicy; and what cannot
-- be united fails at the call. (Two Kafka sources read as one:
-- tests/integration/stream_sides_kafka.lua.)
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local two = require("two_streams")
local spark = tide.session()

local EVENTS = "kind string, ad int, at timestamp"

local function add(dir, name, rows) t.write_csv(dir .. "/" .. name, rows) end

local function events(dir) return spark.readStream:csv(dir, { schema = EVENTS, maxFilesPerTrigger = 1 }) end

local run = t.batches_available

t.test("a union of views of one stream has each micro-batch's rows of both sides, and goes on after a restart",
  function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  add(dir, "1.csv", { { "imp", 1, "2024-01-01 00:00:00" }, { "click", 1, "2024-01-01 00:00:05" } })
  add(dir, "2.csv", { { "imp", 2, "2024-01-01 00:01:00" } })
  local function query()
    local e = events(dir)
    local imps = e:filter("kind = 'imp'"):select("ad", F.lit("impression"):alias("what"))
    local clicks = e:filter("kind = 'click'"):select("ad", F.lit("click"):alias("what"))
    return imps:union(clicks)
  end
  local u = query()
  t.ok(u.isStreaming, "a stream")
  t.same_table(u.columns, { "ad", "what" })
  local batches = run(u, cp)
  t.same_table(batches, {
    { epoch = 0, rows = { "1|click", "1|impression" } },
    { epoch = 1, rows = { "2|impression" } },
  })
  -- a restart reads the new file only
  add(dir, "3.csv", { { "click", 2, "2024-01-01 00:01:30" }, { "view", 3, "2024-01-01 00:02:00" } })
  t.same_table(run(query(), cp), { { epoch = 2, rows = { "2|click" } } })
end)

t.test("a stream united with itself has every row twice; unionByName and unionAll unite streams too", function()
  local dir = t.tempdir()
  add(dir, "1.csv", { { "imp", 1, "2024-01-01 00:00:00" }, { "click", 2, "2024-01-01 00:00:05" } })
  local e = events(dir):select("kind", "ad")
  t.same_table(run(e:union(e), t.tempdir() .. "/cp")[1].rows, { "click|2", "click|2", "imp|1", "imp|1" })
  local by_name = e:select("ad", "kind"):unionByName(e:filter("ad = 1"))
  t.same_table(run(by_name, t.tempdir() .. "/cp")[1].rows, { "1|imp", "1|imp", "2|click" })
  t.same_table(run(e:unionAll(e:filter("ad = 2")), t.tempdir() .. "/cp")[1].rows, { "click|2", "click|2", "imp|1" })
end)

t.test("an aggregation and a watermark after a union of streams keep their state across batches", function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  add(dir, "1.csv", { { "imp", 1, "2024-01-01 00:00:00" }, { "click", 1, "2024-01-01 00:00:05" } })
  add(dir, "2.csv", { { "imp", 2, "2024-01-01 00:00:30" }, { "click", 2, "2024-01-01 00:02:10" } })
  local function query()
    local e = events(dir)
    local u = e:filter("kind = 'imp'"):select("ad", "at"):union(e:filter("kind = 'click'"):select("ad", "at"))
    return u:withWatermark("at", "1 minute"):groupBy(F.window("at", "1 minute")):count()
      :select(F.col("window.start"):cast("string"):alias("start"), "count")
  end
  local batches, q = run(query(), cp)
  -- append: a window is written once the watermark (latest time less a minute) passes its end
  local written = {}
  for _, b in ipairs(batches) do
    for _, r in ipairs(b.rows) do written[#written + 1] = r end
  end
  t.same_table(written, { "2024-01-01 00:00:00|3" })
  t.eq(q:lastProgress().eventTime.watermark, "2024-01-01T00:01:10.000Z")
  -- the state goes on after a restart: the minute 00:02 gets a second row
  add(dir, "3.csv", { { "imp", 3, "2024-01-01 00:02:20" }, { "imp", 3, "2024-01-01 00:04:00" } })
  written = {}
  for _, b in ipairs(run(query(), cp)) do
    for _, r in ipairs(b.rows) do written[#written + 1] = r end
  end
  t.same_table(written, { "2024-01-01 00:02:00|2" })
end)

-- The expected values are Apache Spark 3.5.3's, over the same files.
t.test("a withWatermark on each side makes the query's watermark by Spark's policy, min or max", function()
  local dir = t.tempdir()
  add(dir, "1.csv", { { "b", 2, "2024-01-01 00:02:00" } })
  add(dir, "2.csv", { { "b", 3, "2024-01-01 00:20:00" } })
  add(dir, "3.csv", { { "a", 1, "2024-01-01 00:10:00" } })
  local function watermarks(policy, shared)
    spark.conf:set("spark.sql.streaming.multipleWatermarkPolicy", policy)
    local e = events(dir)
    local a = e:filter("kind = 'a'"):withWatermark("at", "1 minute")
    local b = e:filter("kind = 'b'"):withWatermark("at", "2 minutes")
    if shared then
      e = e:withWatermark("at", "1 minute")
      a, b = e:filter("kind = 'a'"), e:filter("kind = 'b'")
    end
    local counts = a:union(b):groupBy(F.window("at", "1 minute")):count()
      :select(F.col("window.start"):cast("string"):alias("start"), "count")
    local batches, q = run(counts, t.tempdir() .. "/cp")
    spark.conf:unset("spark.sql.streaming.multipleWatermarkPolicy")
    local marks = {}
    for i, p in ipairs(q:recentProgress()) do marks[i] = p.eventTime.watermark end
    return marks, batches
  end
  -- min: a side that saw no row yet holds the watermark where it is
  local marks, batches = watermarks("min")
  t.same_table(marks, { "1970-01-01T00:00:00.000Z", "1970-01-01T00:00:00.000Z", "1970-01-01T00:00:00.000Z",
    "2024-01-01T00:09:00.000Z" })
  t.same_table(batches[4], { epoch = 3, rows = { "2024-01-01 00:02:00|1" } })
  marks, batches = watermarks("MAX")
  t.same_table(marks, { "1970-01-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z", "2024-01-01T00:18:00.000Z" })
  t.same_table(batches[3], { epoch = 2, rows = { "2024-01-01 00:02:00|1", "2024-01-01 00:10:00|1" } })
  -- a withWatermark before the split is each side's, as Spark's optimizer
  -- copies it under each side's filter
  marks, batches = watermarks("min", true)
  t.same_table(marks, { "1970-01-01T00:00:00.000Z", "1970-01-01T00:00:00.000Z", "1970-01-01T00:00:00.000Z",
    "2024-01-01T00:09:00.000Z" })
  t.same_table(batches[4], { epoch = 3, rows = { "2024-01-01 00:02:00|1" } })
  -- the policy is the query's checkpoint's (offsets/N) once it started, as Spark's
  local cp = t.tempdir() .. "/cp"
  local function united()
    local e = events(dir)
    return e:filter("kind = 'a'"):withWatermark("at", "1 minute"):union(e:filter("kind = 'b'"):withWatermark("at",
      "1 minute"))
  end
  spark.conf:set("spark.sql.streaming.multipleWatermarkPolicy", "max")
  run(united(), cp)
  spark.conf:unset("spark.sql.streaming.multipleWatermarkPolicy")
  add(dir, "4.csv", { { "b", 4, "2024-01-01 00:30:00" } })
  run(united(), cp)
  t.has(t.read(cp .. "/offsets/3"), '"spark.sql.streaming.multipleWatermarkPolicy":"max"')
  t.raises(function() spark.conf:set("spark.sql.streaming.multipleWatermarkPolicy", "earliest") end,
    "spark.sql.streaming.multipleWatermarkPolicy must be min or max")
end)

t.test("a side of a union may aggregate its rows, after its own withWatermark, as Spark 3.5's", function()
  -- (Spark 3.5.3's rows and state entries over the same files: each side's
  -- windows come out as the query's watermark finalizes them)
  local function counts(df) return df:groupBy(F.window(df.columns[2], "10 seconds"), df.columns[1]):count() end
  local a, b, dir = two.filled()
  local batches, q = run(counts(a):union(counts(b)), dir .. "/cp1")
  local w0, w1 = "{2024-01-01 00:00:00, 2024-01-01 00:00:10}", "{2024-01-01 00:00:10, 2024-01-01 00:00:20}"
  t.same_table(batches, { { epoch = 0, rows = {} }, { epoch = 1, rows = {} },
    { epoch = 2, rows = { w0 .. "|1|1", w0 .. "|1|2", w0 .. "|2|1", w0 .. "|2|2", w1 .. "|1|1" } },
    { epoch = 3, rows = {} } })
  t.same_table(t.state_entries(q), { "stateStoreSave 2 2 0 0, stateStoreSave 2 2 0 0",
    "stateStoreSave 3 2 0 0, stateStoreSave 4 2 0 0", "stateStoreSave 2 1 2 0, stateStoreSave 2 1 3 0",
    "stateStoreSave 2 0 0 0, stateStoreSave 2 0 0 0" })
  -- one side aggregated, the other's rows as they come
  a, b, dir = two.filled()
  batches, q = run(counts(a):select("k", "count"):union(b:select("bk", F.lit(1):cast("long"):alias("count"))),
    dir .. "/cp2")
  t.same_table(batches, { { epoch = 0, rows = { "1|1", "2|1" } }, { epoch = 1, rows = { "1|1", "2|1" } },
    { epoch = 2, rows = { "1|1", "1|2", "2|2" } }, { epoch = 3, rows = {} } })
  t.same_table(t.state_entries(q), { "stateStoreSave 2 2 0 0", "stateStoreSave 3 2 0 0", "stateStoreSave 2 1 2 0",
    "stateStoreSave 2 0 0 0" })
end)

t.test("an operator above a union of aggregated sides goes by their window column, which Spark marks", function()
  -- (Spark 3.5.9's rows and state entries over the same files; a union's
  -- column keeps the left side's mark, as Spark's Union output does)
  local function union_of_counts(shape)
    local a, b, dir = two.filled()
    local function counts(df, k)
      local agg = df:groupBy(F.window(df.columns[2], "10 seconds"), k):count()
      return shape and agg:select(F.window_time("window"):alias("wt"), k, "count") or agg
    end
    return counts(a, "k"):union(counts(b, "bk")), dir .. "/cp"
  end
  local W0, W1 = "{2024-01-01 00:00:00, 2024-01-01 00:00:10}", "{2024-01-01 00:00:10, 2024-01-01 00:00:20}"
  local W20 = "{2024-01-01 00:00:00, 2024-01-01 00:00:20}"
  local function check(df, cp, rows, above)
    local batches, q = t.batches_available(df, cp)
    t.same_table(batches, { { epoch = 0, rows = {} }, { epoch = 1, rows = {} }, { epoch = 2, rows = rows },
      { epoch = 3, rows = {} } })
    t.same_table(t.state_entries(q), {
      above .. " 0 0 0 0, stateStoreSave 2 2 0 0, stateStoreSave 2 2 0 0",
      above .. " 0 0 0 0, stateStoreSave 3 2 0 0, stateStoreSave 4 2 0 0",
      above .. (" 0 %d %d 0, stateStoreSave 2 1 2 0, stateStoreSave 2 1 3 0"):format(#rows, #rows),
      above .. " 0 0 0 0, stateStoreSave 2 0 0 0, stateStoreSave 2 0 0 0",
    })
  end
  -- grouped by the window column, by windows over window_time(window), and
  -- by windows over window_time selected on each side
  local u, cp = union_of_counts()
  check(u:groupBy("window"):agg(F.sum("count"):alias("n")), cp, { W0 .. "|6", W1 .. "|1" }, "stateStoreSave")
  u, cp = union_of_counts()
  check(u:groupBy(F.window(F.window_time("window"), "20 seconds")):agg(F.sum("count"):alias("n")), cp,
    { W20 .. "|7" }, "stateStoreSave")
  u, cp = union_of_counts(true)
  check(u:groupBy(F.window("wt", "20 seconds")):agg(F.sum("count"):alias("n")), cp, { W20 .. "|7" },
    "stateStoreSave")
  -- (a deduplication by the window lets its keys go as the watermark passes them)
  u, cp = union_of_counts()
  check(u:dropDuplicates({ "window" }):select("window"), cp, { W0, W1 }, "dedupe")
end)

t.test("flatMapGroupsWithState on a side of a union: its rows come out beside the other side's", function()
  -- (Spark 3.5.9's applyInPandasWithState over the same files, which names
  -- its entry so: a running count per key, each batch; the other side its
  -- rows as they come, or its windows' counts as they are finalized)
  local running = two.runningCounts
  local a, b, dir = two.filled()
  local batches, q = t.batches_available(running(a):union(b:select(F.col("bk"):cast("int"):alias("k"),
    F.lit(0):cast("long"):alias("n"))), dir .. "/cp")
  t.same_table(batches, { { epoch = 0, rows = { "1|0", "1|2", "2|0", "2|1" } },
    { epoch = 1, rows = { "1|0", "1|3", "2|0", "2|2" } }, { epoch = 2, rows = { "1|0", "1|4" } } })
  t.same_table(t.state_entries(q), { "flatMapGroupsWithState 2 2 0 0", "flatMapGroupsWithState 2 2 0 0",
    "flatMapGroupsWithState 2 1 0 0" })
  a, b, dir = two.filled()
  local counts = b:groupBy(F.window("bts", "10 seconds"), "bk"):count()
    :select(F.col("bk"):cast("int"):alias("k"), F.col("count"):alias("n"))
  batches, q = t.batches_available(running(a):union(counts), dir .. "/cp")
  t.same_table(batches, { { epoch = 0, rows = { "1|2", "2|1" } }, { epoch = 1, rows = { "1|3", "2|2" } },
    { epoch = 2, rows = { "1|1", "1|1", "1|4", "2|1" } }, { epoch = 3, rows = {} } })
  t.same_table(t.state_entries(q), { "flatMapGroupsWithState 2 2 0 0, stateStoreSave 2 2 0 0",
    "flatMapGroupsWithState 2 2 0 0, stateStoreSave 4 2 0 0", "flatMapGroupsWithState 2 1 0 0, stateStoreSave 2 1 3 0",
    "flatMapGroupsWithState 2 0 0 0, stateStoreSave 2 0 0 0" })
end)

t.test("what cannot be united fails at the call, as Spark's analysis does", function()
  local dir = t.tempdir()
  add(dir, "1.csv", { { "imp", 1, "2024-01-01 00:00:00" } })
  local e = events(dir)
  local static = spark:createDataFrame({ { "imp", 1, nil } }, EVENTS)
  t.raises_at_caller({
    { function() e:union(static) end, "Union between streaming and batch DataFrames/Datasets is not supported" },
    { function() static:union(e) end, "Union between streaming and batch DataFrames/Datasets is not supported" },
    { function() e:union(e:groupBy("kind", "ad", "at"):count():drop("count")) end,
      "An aggregation on one side of a union of streams needs a withWatermark of that side's own" },
    { function()
        local w = e:withWatermark("at", "1 minute")
        local united = w:union(w:withWatermark("at", "2 minutes"))
        return united
      end, "withWatermark both on the stream the sides share and on a side" },
  })
  -- before the stream splits, they are the stream's own
  local d = e:withWatermark("at", "1 minute"):dropDuplicates({ "ad", "at" })
  t.ok(d:union(d:filter("ad > 1")).isStreaming, "stateful before the split")
end)

t.run()
