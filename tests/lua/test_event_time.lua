-- Which columns carry a query's watermark (tide.event_time), as Spark's
-- attributes carry withWatermark's metadata: under an alias, as a window
-- selected over it, as an aggregation's window key and window_time of it;
-- the stateful operators above go by them (late rows, state let go), in a
-- plain stream and on the sides of a join. Expected values are Apache
-- Spark 3.5.3's over the same files: rows and state entries batch by batch.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local two = require("two_streams")

local W00 = "{2024-01-01 00:00:00, 2024-01-01 00:00:10}"
local W30 = "{2024-01-01 00:00:30, 2024-01-01 00:00:40}"

-- query(a, b) over fresh files: its batches (epoch, rows) and the state
-- entries of each progress record.
local function run(query)
  local a, b, dir = two.filled()
  local batches, q = t.batches_available(query(a, b), dir .. "/cp")
  return batches, t.state_entries(q)
end

local WINDOW_COUNTS = { { epoch = 0, rows = {} }, { epoch = 1, rows = {} }, { epoch = 2, rows = { W00 .. "|4" } },
  { epoch = 3, rows = { W30 .. "|1" } } }
local WINDOW_COUNTS_STATE = { "stateStoreSave 1 1 0 0", "stateStoreSave 2 2 0 0", "stateStoreSave 2 1 1 0",
  "stateStoreSave 1 0 1 0" }

t.test("the watermarked column keeps its mark under an alias: windows over it are final in append mode", function()
  local batches, entries = run(function(a)
    return a:select(F.col("ts"):alias("t2"), "k"):groupBy(F.window("t2", "10 seconds")):count()
  end)
  t.same_table(batches, WINDOW_COUNTS)
  t.same_table(entries, WINDOW_COUNTS_STATE)
  -- (a deduplication by it lets its keys go)
  batches, entries = run(function(a) return a:select(F.col("ts"):alias("t2"), "k"):dropDuplicates({ "k", "t2" }) end)
  t.same_table(batches, {
    { epoch = 0, rows = { "2024-01-01 00:00:01|1", "2024-01-01 00:00:05|1", "2024-01-01 00:00:07|2" } },
    { epoch = 1, rows = { "2024-01-01 00:00:02|2", "2024-01-01 00:00:31|1" } },
    { epoch = 2, rows = { "2024-01-01 00:00:55|1" } }, { epoch = 3, rows = {} } })
  t.same_table(entries, { "dedupe 3 3 0 0", "dedupe 3 2 2 0", "dedupe 2 1 2 0", "dedupe 1 0 1 0" })
  -- (and dropDuplicatesWithinWatermark finds it)
  batches, entries = run(function(a)
    return a:select(F.col("ts"):alias("t2"), "k"):dropDuplicatesWithinWatermark({ "k" })
  end)
  t.same_table(batches[1], { epoch = 0, rows = { "2024-01-01 00:00:01|1", "2024-01-01 00:00:07|2" } })
  t.same_table(entries, { "dedupeWithinWatermark 2 2 0 0", "dedupeWithinWatermark 2 0 0 0",
    "dedupeWithinWatermark 0 0 2 0", "dedupeWithinWatermark 0 0 0 0" })
end)

t.test("a window selected over the watermarked column is marked: grouped or deduplicated by, it goes by its end",
  function()
  local batches, entries = run(function(a)
    return a:select(F.window("ts", "10 seconds"):alias("win"), "k"):groupBy("win"):count()
  end)
  t.same_table(batches, WINDOW_COUNTS)
  t.same_table(entries, WINDOW_COUNTS_STATE)
  batches, entries = run(function(a)
    return a:select(F.window("ts", "10 seconds"):alias("win"), "k"):dropDuplicates({ "win" })
  end)
  t.same_table(batches, { { epoch = 0, rows = { W00 .. "|1" } }, { epoch = 1, rows = { W30 .. "|1" } },
    { epoch = 2, rows = { "{2024-01-01 00:00:50, 2024-01-01 00:01:00}|1" } }, { epoch = 3, rows = {} } })
  t.same_table(entries, { "dedupe 1 1 0 0", "dedupe 2 1 0 0", "dedupe 2 1 1 0", "dedupe 1 0 1 0" })
end)

t.test("chained aggregations over an aliased time: the second takes the windows the first finalizes", function()
  local batches, entries = run(function(a)
    return a:select(F.col("ts"):alias("t2"), F.col("ts"):cast("long"):alias("secs"), "k")
      :groupBy(F.window("t2", "10 seconds")):agg(F.max("secs"):alias("m"))
      :groupBy(F.window(F.window_time("window"), "20 seconds")):agg(F.sum("m"):alias("s"))
  end)
  t.same_table(batches, { { epoch = 0, rows = {} }, { epoch = 1, rows = {} },
    { epoch = 2, rows = { "{2024-01-01 00:00:00, 2024-01-01 00:00:20}|1704067207" } },
    { epoch = 3, rows = { "{2024-01-01 00:00:20, 2024-01-01 00:00:40}|1704067231" } } })
  t.same_table(entries, { "stateStoreSave 0 0 0 0, stateStoreSave 1 1 0 0",
    "stateStoreSave 0 0 0 0, stateStoreSave 2 2 0 0", "stateStoreSave 0 1 1 0, stateStoreSave 2 1 1 0",
    "stateStoreSave 0 1 1 0, stateStoreSave 1 0 1 0" })
end)

t.test("windows selected on both sides of a join are their event time: the join's keys let rows go", function()
  local function windows(a, b)
    return a:select(F.window("ts", "10 seconds"):alias("win"), "k"),
      b:select(F.window("bts", "10 seconds"):alias("bwin"), "bk")
  end
  local pairs_ = {
    { epoch = 0, rows = { W00 .. "|2|" .. W00 .. "|2" } },
    { epoch = 1, rows = { W00 .. "|1|" .. W00 .. "|1", W00 .. "|1|" .. W00 .. "|1", W00 .. "|2|" .. W00 .. "|2" } },
  }
  local batches, entries = run(function(a, b)
    a, b = windows(a, b)
    return a:join(b, F.expr("k = bk AND win = bwin"))
  end)
  t.same_table(batches, { pairs_[1], pairs_[2], { epoch = 2, rows = { W30 .. "|1|" .. W30 .. "|1" } },
    { epoch = 3, rows = {} } })
  t.same_table(entries, { "symmetricHashJoin 5 5 0 0", "symmetricHashJoin 9 4 0 0", "symmetricHashJoin 4 2 7 0",
    "symmetricHashJoin 4 0 0 0" })
  -- (a full outer join: b's window [10, 20) of key 1 matches nothing)
  batches, entries = run(function(a, b)
    a, b = windows(a, b)
    return a:join(b, F.expr("k = bk AND win = bwin"), "full_outer")
  end)
  t.same_table(batches, { pairs_[1], pairs_[2], { epoch = 2, rows = {
    "null|null|{2024-01-01 00:00:10, 2024-01-01 00:00:20}|1", W30 .. "|1|" .. W30 .. "|1" } },
    { epoch = 3, rows = {} } })
  t.same_table(entries, { "symmetricHashJoin 5 5 0 0", "symmetricHashJoin 9 4 0 0", "symmetricHashJoin 4 2 0 0",
    "symmetricHashJoin 4 0 0 0" })
  -- (one side aggregated by windows, the other's selected)
  batches, entries = run(function(a, b)
    return a:groupBy(F.window("ts", "10 seconds"), "k"):count()
      :join(b:select(F.window("bts", "10 seconds"):alias("bwin"), "bk"), F.expr("k = bk AND window = bwin"))
  end)
  t.same_table(batches, { { epoch = 0, rows = {} }, { epoch = 1, rows = {} },
    { epoch = 2, rows = { W00 .. "|1|2|" .. W00 .. "|1", W00 .. "|2|2|" .. W00 .. "|2" } }, { epoch = 3, rows = {} } })
  t.same_table(entries, { "symmetricHashJoin 2 2 0 0, stateStoreSave 2 2 0 0",
    "symmetricHashJoin 4 2 0 0, stateStoreSave 3 2 0 0", "symmetricHashJoin 2 1 3 0, stateStoreSave 2 1 2 0",
    "symmetricHashJoin 2 0 0 0, stateStoreSave 2 0 0 0" })
end)

t.test("a cast of the watermarked column is a new column, unmarked, as Spark's", function()
  local a = two.filled()
  local df = a:select(F.col("ts"):cast("string"):cast("timestamp"):alias("t2"), "k")
  t.same_table(require("tide.event_time").columns(df._plan), {})
  t.same_table(require("tide.event_time").columns(a:select("k", F.col("ts"):alias("t2"))._plan), { "t2" })
end)

t.run()
