-- An aggregation on one side of a join of two streams (Spark 3.5's chained
-- stateful operators): the side's windows come out as the query's
-- watermark finalizes them, and the join takes them as new rows of that
-- side. Expected values are Apache Spark 3.5.3's over the same files:
-- rows, progress and state entries batch by batch.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local two = require("two_streams")
local fill, streams = two.fill, two.streams

-- The aggregated side: counts per 10-second window and key, each window
-- as its end (wend, which carries no watermark) or as window_time (wt,
-- its event time).
local function counts(a)
  return a:groupBy(F.window("ts", "10 seconds"), "k"):count()
    :select("k", F.col("window.end"):alias("wend"), "count")
end
local function window_times(a)
  return a:groupBy(F.window("ts", "10 seconds"), "k"):count()
    :select("k", F.window_time("window"):alias("wt"), "count")
end

local WITHIN = "k = bk AND bts >= wend AND bts <= wend + interval 20 seconds"
local WITHIN_WT = "k = bk AND bts >= wt AND bts <= wt + interval 20 seconds"

-- Runs side(a) joined with b (b with side(a) when flipped) over fresh
-- files: each batch's rows, and each progress record's input rows and
-- state entries (operator, total, updated, removed, dropped by the
-- watermark).
local function run(side, cond, how, flipped)
  local a, b, dir = two.filled()
  local df = flipped and b:join(side(a), F.expr(cond), how) or side(a):join(b, F.expr(cond), how)
  local batches, q = t.batches_available(df, dir .. "/cp")
  local progress = {}
  for i, p in ipairs(q.recentProgress) do progress[i] = p.numInputRows .. ": " .. t.state_entries(q)[i] end
  return batches, progress
end

-- Spark's batches: the windows of [0, 10) come out in epoch 2, and a
-- batch without rows follows as the watermark moves.
local function joined(rows, last)
  return { { epoch = 0, rows = {} }, { epoch = 1, rows = {} }, { epoch = 2, rows = rows },
           { epoch = 3, rows = last or {} } }
end

local SPARK_PROGRESS = {
  "5: symmetricHashJoin 2 2 0 0, stateStoreSave 2 2 0 0",
  "4: symmetricHashJoin 4 2 0 0, stateStoreSave 3 2 0 0",
  "2: symmetricHashJoin 7 3 0 0, stateStoreSave 2 1 2 0",
  "0: symmetricHashJoin 7 0 0 0, stateStoreSave 2 0 0 0",
}

t.test("an aggregation on one side of a join: its finalized windows join the other side's rows", function()
  local batches, progress = run(counts, WITHIN)
  t.same_table(batches, joined({ "1|2024-01-01 00:00:10|2|1|2024-01-01 00:00:12" }))
  t.same_table(progress, SPARK_PROGRESS)
end)

t.test("the aggregated side on the right, and a left outer join whose aggregated side's rows never go", function()
  local batches, progress = run(counts, WITHIN, "inner", true)
  t.same_table(batches, joined({ "1|2024-01-01 00:00:12|1|2024-01-01 00:00:10|2" }))
  t.same_table(progress, SPARK_PROGRESS)
  -- (the aggregated rows carry no watermark: Spark lets none go, so none
  -- comes out with nulls)
  batches, progress = run(counts, WITHIN, "left_outer")
  t.same_table(batches, joined({ "1|2024-01-01 00:00:10|2|1|2024-01-01 00:00:12" }))
  t.same_table(progress, SPARK_PROGRESS)
end)

t.test("window_time of the aggregated side's windows is its event time: the join lets both sides' rows go", function()
  -- (Spark marks window_time(window) as event time: the right side's rows
  -- before the watermark go, bounded by it, and the left's by the right's)
  local batches, progress = run(window_times, WITHIN_WT)
  t.same_table(batches, joined({ "1|2024-01-01 00:00:09.999999|2|1|2024-01-01 00:00:12" }))
  t.same_table(progress, {
    "5: symmetricHashJoin 2 2 0 0, stateStoreSave 2 2 0 0",
    "4: symmetricHashJoin 4 2 0 0, stateStoreSave 3 2 0 0",
    "2: symmetricHashJoin 4 3 3 0, stateStoreSave 2 1 2 0",
    "0: symmetricHashJoin 2 0 2 0, stateStoreSave 2 0 0 0",
  })
end)

t.test("window_time as the aggregated side's event time: outer joins emit the unmatched rows it lets go", function()
  local batches, progress = run(window_times, WITHIN_WT, "left_outer")
  t.same_table(batches, joined({ "1|2024-01-01 00:00:09.999999|2|1|2024-01-01 00:00:12" },
    { "2|2024-01-01 00:00:09.999999|2|null|null" }))
  t.same_table(progress, {
    "5: symmetricHashJoin 2 2 0 0, stateStoreSave 2 2 0 0",
    "4: symmetricHashJoin 4 2 0 0, stateStoreSave 3 2 0 0",
    "2: symmetricHashJoin 4 3 3 0, stateStoreSave 2 1 2 0",
    "0: symmetricHashJoin 2 0 0 0, stateStoreSave 2 0 0 0",
  })
  batches, progress = run(window_times, WITHIN_WT, "right_outer")
  t.same_table(batches, joined({ "1|2024-01-01 00:00:09.999999|2|1|2024-01-01 00:00:12",
    "null|null|null|1|2024-01-01 00:00:08", "null|null|null|2|2024-01-01 00:00:03" }))
  t.same_table(progress, {
    "5: symmetricHashJoin 2 2 0 0, stateStoreSave 2 2 0 0",
    "4: symmetricHashJoin 4 2 0 0, stateStoreSave 3 2 0 0",
    "2: symmetricHashJoin 4 3 0 0, stateStoreSave 2 1 2 0",
    "0: symmetricHashJoin 2 0 2 0, stateStoreSave 2 0 0 0",
  })
end)

t.test("flatMapGroupsWithState on one side of a join: its rows join the other side's as they come out", function()
  -- (Spark 3.5.3's applyInPandasWithState, which names its entry so, over
  -- the same files: a running count per key, each batch)
  local batches, progress = run(two.runningCounts, "k = bk")
  t.same_table(batches, {
    { epoch = 0, rows = { "1|2|1|2024-01-01 00:00:12", "2|1|2|2024-01-01 00:00:03" } },
    { epoch = 1, rows = { "1|2|1|2024-01-01 00:00:08", "1|3|1|2024-01-01 00:00:08", "1|3|1|2024-01-01 00:00:12",
      "2|1|2|2024-01-01 00:00:33", "2|2|2|2024-01-01 00:00:03", "2|2|2|2024-01-01 00:00:33" } },
    { epoch = 2, rows = { "1|2|1|2024-01-01 00:00:36", "1|3|1|2024-01-01 00:00:36", "1|4|1|2024-01-01 00:00:08",
      "1|4|1|2024-01-01 00:00:12", "1|4|1|2024-01-01 00:00:36" } },
  })
  t.same_table(progress, {
    "5: symmetricHashJoin 4 4 0 0, flatMapGroupsWithState 2 2 0 0",
    "4: symmetricHashJoin 8 4 0 0, flatMapGroupsWithState 2 2 0 0",
    "2: symmetricHashJoin 10 2 0 0, flatMapGroupsWithState 2 1 0 0",
  })
end)

t.test("an aggregated side of an outer join: restarts give the rows of an uninterrupted run", function()
  local function fed(restart)
    local dir, out, q = t.tempdir(), {}, nil
    for group = 1, 3 do
      fill(dir, group, group)
      if restart or not q then
        local a, b = streams(dir)
        q = window_times(a):join(b, F.expr(WITHIN_WT), "left_outer").writeStream:foreachBatch(function(df, epoch)
          for _, r in ipairs(t.rows(df)) do out[#out + 1] = epoch .. ": " .. r end
        end):option("checkpointLocation", dir .. "/cp"):start()
      end
      q:processAllAvailable()
      if restart then q:stop() end
    end
    q:stop()
    t.eq(q:exception(), nil)
    return out
  end
  local once = fed(false)
  t.same_table(fed(true), once)
  t.eq(#once, 2)
end)

-- Both sides aggregated, joined on their windows: Spark's guide's "join on
-- time window" (the window keeps the watermark's mark: the join's keys
-- let its rows go).
local function window_counts(a, b)
  return a:groupBy(F.window("ts", "10 seconds"), "k"):count(),
    b:groupBy(F.window("bts", "10 seconds"):alias("bwin"), "bk"):agg(F.count("*"):alias("bcount"))
end

local W0 = "{2024-01-01 00:00:00, 2024-01-01 00:00:10}"
local W1 = "{2024-01-01 00:00:10, 2024-01-01 00:00:20}"

t.test("both sides aggregated, joined on their window columns: the windows of both sides pair up", function()
  -- (The rows are Spark 3.5.9's: Spark 3.5.3 gives none, since each
  -- side's windows come out as the watermark passes them, and it neither
  -- keeps nor pairs such rows; SPARK-49829 made it pair them, as tide's
  -- join does. The state entries are 3.5.3's, which tide's counts keep:
  -- rows the watermark lets go as they arrive are not counted.)
  local function run_both(how)
    local a, b, dir = two.filled()
    a, b = window_counts(a, b)
    local batches, q = t.batches_available(a:join(b, F.expr("k = bk AND window = bwin"), how), dir .. "/cp")
    t.same_table(t.state_entries(q), {
      "symmetricHashJoin 0 0 0 0, stateStoreSave 2 2 0 0, stateStoreSave 2 2 0 0",
      "symmetricHashJoin 0 0 0 0, stateStoreSave 3 2 0 0, stateStoreSave 4 2 0 0",
      "symmetricHashJoin 0 0 0 0, stateStoreSave 2 1 2 0, stateStoreSave 2 1 3 0",
      "symmetricHashJoin 0 0 0 0, stateStoreSave 2 0 0 0, stateStoreSave 2 0 0 0",
    })
    return batches
  end
  local pairs_ = { W0 .. "|1|2|" .. W0 .. "|1|1", W0 .. "|2|2|" .. W0 .. "|2|1" }
  t.same_table(run_both("inner"), joined(pairs_))
  t.same_table(run_both("left_outer"), joined(pairs_))
  -- (the right's window [10, 20) of key 1 matches nothing: an outer join
  -- emits it with nulls as it comes out, the watermark past it)
  local with_null = { "null|null|null|" .. W1 .. "|1|1", unpack(pairs_) }
  t.same_table(run_both("right_outer"), joined(with_null))
  t.same_table(run_both("full_outer"), joined(with_null))
  -- (a left semi join: Spark's optimizer joins below the left side's
  -- aggregation, so its entries differ; the rows are the same)
  local a, b, dir = two.filled()
  a, b = window_counts(a, b)
  t.same_table((t.batches_available(a:join(b, F.expr("k = bk AND window = bwin"), "left_semi"), dir .. "/cp")),
    joined({ W0 .. "|1|2", W0 .. "|2|2" }))
end)

t.test("a window column keeps its mark renamed, and in SQL", function()
  local a, b, dir = two.filled()
  a, b = window_counts(a, b)
  local renamed = a:select(F.col("window"):alias("w"), "k")
  t.same_table((t.batches_available(renamed:join(b, F.expr("k = bk AND w = bwin"), "left_outer"), dir .. "/cp")),
    joined({ W0 .. "|1|" .. W0 .. "|1|1", W0 .. "|2|" .. W0 .. "|2|1" }))
  a, b, dir = two.filled()
  a:createOrReplaceTempView("wa")
  b:createOrReplaceTempView("wb")
  local df = spark:sql("SELECT * FROM (SELECT window(ts, '10 seconds') AS w, k, count(*) AS c FROM wa"
    .. " GROUP BY window(ts, '10 seconds'), k) x JOIN (SELECT window AS bw, bk, count(*) AS bc FROM wb"
    .. " GROUP BY window(bts, '10 seconds'), bk) y ON k = bk AND w = bw")
  t.same_table((t.batches_available(df, dir .. "/cp")),
    joined({ W0 .. "|1|2|" .. W0 .. "|1|1", W0 .. "|2|2|" .. W0 .. "|2|1" }))
end)

t.test("an aggregation above the join goes by an aggregated side's window column", function()
  -- (Spark 3.5.9's rows and entries, the join's as 3.5.3 counts them;
  -- grouped by the window, a right outer join's null window is a group
  -- no watermark finalizes: kept, as Spark keeps it)
  local function above(how)
    local a, b, dir = two.filled()
    a, b = window_counts(a, b)
    local df = a:join(b, F.expr("k = bk AND window = bwin"), how):groupBy("window"):agg(F.sum("bcount"):alias("n"))
    local batches, q = t.batches_available(df, dir .. "/cp")
    return batches, t.state_entries(q)
  end
  local function entries(third, fourth)
    return {
      "stateStoreSave 0 0 0 0, symmetricHashJoin 0 0 0 0, stateStoreSave 2 2 0 0, stateStoreSave 2 2 0 0",
      "stateStoreSave 0 0 0 0, symmetricHashJoin 0 0 0 0, stateStoreSave 3 2 0 0, stateStoreSave 4 2 0 0",
      third .. ", symmetricHashJoin 0 0 0 0, stateStoreSave 2 1 2 0, stateStoreSave 2 1 3 0",
      fourth .. ", symmetricHashJoin 0 0 0 0, stateStoreSave 2 0 0 0, stateStoreSave 2 0 0 0",
    }
  end
  local batches, progress = above("inner")
  t.same_table(batches, joined({ W0 .. "|2" }))
  t.same_table(progress, entries("stateStoreSave 0 1 1 0", "stateStoreSave 0 0 0 0"))
  batches, progress = above("right_outer")
  t.same_table(batches, joined({ W0 .. "|2" }))
  t.same_table(progress, entries("stateStoreSave 1 2 1 0", "stateStoreSave 1 0 0 0"))
  -- one side aggregated, bounded by a field of its window
  local a, b, dir = two.filled()
  local df = a:groupBy(F.window("ts", "10 seconds"), "k"):count()
    :join(b, F.expr("k = bk AND bts >= window.end AND bts <= window.end + interval 20 seconds")):groupBy("window")
    :count()
  local q
  batches, q = t.batches_available(df, dir .. "/cp")
  t.same_table(batches, joined({ W0 .. "|1" }))
  t.same_table(t.state_entries(q)[3], "stateStoreSave 0 1 1 0, symmetricHashJoin 7 3 0 0, stateStoreSave 2 1 2 0")
end)

t.test("what an aggregated side of a join cannot do fails at the call", function()
  local a, b, dir = two.filled()
  local agg = a:groupBy(F.window("ts", "10 seconds"), "k"):count()
  t.has(t.raises(function() agg:withColumn("wt", F.window_time("window")):join(b, F.expr("k = bk")) end),
    "a side of a join between two streams holds one event-time column, not window, wt (Spark: More than one")
  -- (a window selected over a side's watermarked column is one too)
  t.has(t.raises(function() agg:join(b:withColumn("bwin", F.window("bts", "10 seconds")), F.expr("k = bk")) end),
    "holds one event-time column, not bts, bwin")
  -- (a range bound by a field of the window is no bound: Spark's message)
  t.has(t.raises(function()
    agg:join(b, F.expr("k = bk AND bts >= window.end AND bts <= window.end + interval 20 seconds"), "left_outer")
  end), "Stream-stream LeftOuter join between two streaming DataFrame/Datasets is not supported without a watermark")
  local plain = spark.readStream:schema("k int, ts timestamp"):json(dir .. "/a")
  t.has(t.raises(function() plain:groupBy("k"):count():join(b, F.expr("k = bk")) end),
    "An aggregation on one side of a join between two streams needs a withWatermark of that side's own")
end)

t.run()
