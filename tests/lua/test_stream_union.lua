-- A union of streams, as Spark's: views of one stream (filters of it, the
-- stream with itself) united in each micro-batch, stateful operators and
-- the watermark after the union, across a restart; and what cannot be
-- united fails at the call. (Two Kafka sources read as one:
-- tests/integration/stream_sides_kafka.lua.)
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local EVENTS = "kind string, ad int, at timestamp"

local function add(dir, name, rows) t.write_csv(dir .. "/" .. name, rows) end

local function events(dir) return spark.readStream:csv(dir, { schema = EVENTS, maxFilesPerTrigger = 1 }) end

-- Runs df's query to the end of what is there (availableNow) with its
-- checkpoint in cp; the rows of each micro-batch, sorted, by epoch.
local function run(df, cp, mode)
  local batches = {}
  local q = df.writeStream:outputMode(mode or "append"):foreachBatch(function(batch, epoch)
    local rows = t.rows(batch)
    table.sort(rows)
    batches[#batches + 1] = { epoch = epoch, rows = rows }
  end):option("checkpointLocation", cp):trigger { availableNow = true }:start()
  q:awaitTermination()
  return batches, q
end

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

t.test("what cannot be united fails at the call, as Spark's analysis does", function()
  local dir, other = t.tempdir(), t.tempdir()
  add(dir, "1.csv", { { "imp", 1, "2024-01-01 00:00:00" } })
  local e = events(dir)
  local static = spark:createDataFrame({ { "imp", 1, nil } }, EVENTS)
  t.raises_at_caller({
    { function() e:union(static) end, "Union between streaming and batch DataFrames/Datasets is not supported" },
    { function() static:union(e) end, "Union between streaming and batch DataFrames/Datasets is not supported" },
    { function() e:union(events(other)) end,
      "union of streaming DataFrames of different sources is not supported: a tide query reads one streaming"
        .. " source" },
    { function() e:dropDuplicates({ "ad" }):union(e) end,
      "dropDuplicates on one side of a union of streams is not supported" },
    { function() e:union(e:groupBy("kind", "ad", "at"):count():drop("count")) end,
      "An aggregation on one side of a union of streams is not supported" },
    { function() e:withWatermark("at", "1 minute"):union(e) end,
      "withWatermark on one side of a union of streams is not supported" },
  })
  -- before the stream splits, they are the stream's own
  local d = e:withWatermark("at", "1 minute"):dropDuplicates({ "ad", "at" })
  t.ok(d:union(d:filter("ad > 1")).isStreaming, "stateful before the split")
end)

t.run()
