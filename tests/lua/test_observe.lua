-- df:observe: named aggregate metrics of the rows passing a point of the
-- plan, the rows unchanged. On a batch DataFrame through tide.Observation
-- (the first action's); on a stream in each micro-batch's progress
-- (observedMetrics: lastProgress, recentProgress, the JSON, listeners),
-- over every slice of a micro-batch run in slices. Spark's checks of the
-- metrics' expressions.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local SCHEMA = "k string, x int, p double"

local function add_file(dir, name, rows) t.write_csv(dir .. "/" .. name, rows) end
local function stream(dir) return spark.readStream:csv(dir, { schema = SCHEMA, maxFilesPerTrigger = 1 }) end

local function frame()
  return spark:createDataFrame({ { "a", 1, 0.5 }, { "b", 7, 1.5 }, { "a", nil, 2.0 }, { "c", 3, nil } }, SCHEMA)
end

t.test("batch: an Observation gets the first action's metrics; the rows are unchanged", function()
  local obs = tide.Observation("stats")
  local df = frame():observe(obs, F.count(F.lit(1)):alias("rows"), F.max("x"):alias("mx"),
    F.avg("p"):alias("avg_p"), (F.sum("x") + 1):alias("sum_plus"))
  t.raises(function() obs:get() end, "no action has run on the observed DataFrame yet")
  t.same_table(t.rows(df:filter(F.col("x"):gt(1))), { "b|7|1.5", "c|3|null" })
  t.same_table(obs:get(), { rows = 4, mx = 7, avg_p = 4.0 / 3, sum_plus = 12 })
end)

t.test("batch: metrics where observe stands in the plan; later actions leave them", function()
  local obs = tide.Observation("after_filter")
  local df = frame():filter(F.col("k"):eq("a")):observe(obs, F.count(F.lit(1)):alias("rows"),
    F.sum("x"):alias("sx"), F.first("p"):alias("fp"), F.last("x"):alias("lx"), F.min("k"):alias("mk"))
  t.eq(df:count(), 2)
  local got = obs:get()
  t.same_table({ got.rows, got.sx, got.fp, got.mk }, { 2, 1, 0.5, "a" })
  t.eq(got.lx, nil) -- last(x) of the second row, a null
  df:filter(F.col("x"):isNull()):collect()
  t.eq(obs:get().rows, 2)
  t.raises(function() frame():observe(obs, F.count(F.lit(1)):alias("n")) end,
    "An Observation can be used with a DataFrame only once")
end)

t.test("batch over slices: the metrics merge every slice's", function()
  local rows = {}
  for i = 1, 1000 do rows[i] = { i % 3 == 0 and "a" or "b", i, i / 4 } end
  local df = spark:createDataFrame(rows, SCHEMA)
  spark.conf:set("spark.tide.sliceRows", "64")
  local obs, whole = tide.Observation("sliced"), tide.Observation("whole")
  local function metrics(o)
    return df:filter(F.col("x"):gt(10)):observe(o, F.count(F.lit(1)):alias("n"), F.sum("x"):alias("sx"),
      F.avg("p"):alias("ap"), F.min("x"):alias("mn"), F.first("x"):alias("fx"), F.last("x"):alias("lx"),
      F.count_if(F.col("k"):eq("a")):alias("na"), F.stddev("x"):alias("sd"))
  end
  t.eq(metrics(obs):count(), 990)
  spark.conf:set("spark.tide.sliceRows", "0")
  metrics(whole):count()
  local a, b = obs:get(), whole:get()
  t.same_table({ a.n, a.sx, a.ap, a.mn, a.fx, a.lx, a.na }, { 990, 500445, 505.5 / 4 * 1, 11, 11, 1000, 330 })
  t.same_table(a, b)
  -- no rows through it: the metrics of none (the kept columns' empty rows)
  local none = tide.Observation("none")
  t.eq(df:filter(F.col("x"):gt(5000)):observe(none, F.count(F.lit(1)):alias("n"), F.stddev("x"):alias("sd")):count(), 0)
  t.same_table(none:get(), { n = 0 })
  -- mergeable aggregates only: one partial row a slice
  local obs2 = tide.Observation("partials")
  spark.conf:set("spark.tide.sliceRows", "64")
  df:observe(obs2, F.count(F.lit(1)):alias("n"), F.avg("x"):alias("ax"), F.bool_and(F.col("x"):gt(0)):alias("pos"))
    :count()
  spark.conf:set("spark.tide.sliceRows", "0")
  t.same_table(obs2:get(), { n = 1000, ax = 500.5, pos = true })
end)

t.test("streaming: each micro-batch's metrics in the progress, its JSON and listeners", function()
  local input = t.tempdir()
  add_file(input, "1.csv", { { "a", 1, 0.5 }, { "b", 5, 1.5 }, { "a", 2, 2.5 } })
  add_file(input, "2.csv", { { "c", 9, 3.0 } })
  local heard, out = {}, {}
  local listener = { onQueryProgress = function(e) heard[#heard + 1] = e.progress.observedMetrics end }
  spark.streams:addListener(listener)
  local q = stream(input):observe("events", F.count(F.lit(1)):alias("rows"), F.max("x"):alias("mx"),
      F.avg("p"):alias("avg_p"))
    :filter(F.col("x"):gt(1))
    :observe("kept", F.count(F.lit(1)):alias("rows"), F.max(F.timestamp_seconds("x")):alias("last"))
    .writeStream:foreachBatch(function(b, epoch) out[epoch + 1] = b:count() end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
  q:awaitTermination()
  spark.streams:removeListener(listener)
  t.same_table(out, { 2, 1 })
  local recent = q:recentProgress()
  t.eq(#recent, 2)
  local m1, m2 = recent[1].observedMetrics, recent[2].observedMetrics
  t.same_table({ m1.events.rows, m1.events.mx, m1.events.avg_p, m1.kept.rows }, { 3, 5, 1.5, 2 })
  t.same_table({ m2.events.rows, m2.events.mx, m2.events.avg_p, m2.kept.rows }, { 1, 9, 3.0, 1 })
  t.eq(q:lastProgress(), recent[2])
  t.eq(tostring(m1.events), "Row(rows=3, mx=5, avg_p=1.5)")
  local json = recent[1]:json()
  -- (a timestamp as Spark's Row.json writes it: its text in the session time zone)
  t.has(json, '"observedMetrics":{"events":{"rows":3,"mx":5,"avg_p":1.5},"kept":{"rows":2,'
    .. '"last":"1970-01-01 00:00:05"}}')
  t.ok(json:find('"sink":{[^}]*},"observedMetrics"'), "observedMetrics after sink: " .. json)
  t.has(tostring(recent[2]), '"observedMetrics" : {')
  t.eq(#heard, 2)
  t.eq(heard[2].events.mx, 9)
end)

t.test("streaming over slices: a micro-batch's metrics cover all its slices; nulls as null in the JSON", function()
  local input = t.tempdir()
  local rows = {}
  for i = 1, 300 do rows[i] = { "k", i, nil } end
  add_file(input, "1.csv", rows)
  spark.conf:set("spark.tide.sliceRows", "50")
  local q = stream(input):observe("m", F.count(F.lit(1)):alias("n"), F.sum("x"):alias("sx"), F.max("p"):alias("mp"))
    .writeStream:foreachBatch(function() end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
  q:awaitTermination()
  spark.conf:set("spark.tide.sliceRows", "0")
  local m = q:lastProgress().observedMetrics.m
  t.same_table({ m.n, m.sx, m.mp }, { 300, 45150, nil })
  t.has(q:lastProgress():json(), '"observedMetrics":{"m":{"n":300,"sx":45150,"mp":null}}')
end)

t.test("a progress without observe has no observedMetrics", function()
  local input = t.tempdir()
  add_file(input, "1.csv", { { "a", 1, 0.5 } })
  local q = stream(input).writeStream:foreachBatch(function() end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
  q:awaitTermination()
  t.eq(q:lastProgress().observedMetrics, nil)
  t.ok(not q:lastProgress():json():find("observedMetrics"), "no observedMetrics in the JSON")
end)

t.test("Spark's checks of the metrics", function()
  local df = frame()
  t.raises(function() df:observe("m", F.col("x"):alias("x")) end,
    "[INVALID_OBSERVED_METRICS.NON_AGGREGATE_FUNC_ARG_IS_ATTRIBUTE]")
  t.raises(function() df:observe("m", (F.sum("x") + F.col("x")):alias("s")) end, "Attribute x can only be used")
  t.raises(function() df:observe("m", F.rand(1):alias("r")) end, "NON_AGGREGATE_FUNC_ARG_IS_NON_DETERMINISTIC")
  t.raises(function() df:observe("m", F.sum(F.sum("x")):alias("s")) end, "NESTED_AGGREGATES_UNSUPPORTED")
  t.raises(function() df:observe("m", F.countDistinct("x"):alias("s")) end,
    "AGGREGATE_EXPRESSION_WITH_DISTINCT_UNSUPPORTED")
  t.raises(function() df:observe("", F.count(F.lit(1)):alias("n")) end, "INVALID_OBSERVED_METRICS.MISSING_NAME")
  t.raises(function() df:observe("m") end, "exprs should not be empty")
  t.raises(function() df:observe("m", "x") end, "not a Column")
  t.raises(function() df:observe(42, F.count(F.lit(1))) end, "observe takes an Observation or a name")
  t.raises(function() df:observe("m", F.count(F.lit(1))):observe("m", F.max("x")) end,
    "Multiple definitions of observed metrics named 'm'")
  t.raises(function() tide.Observation("") end, "Name must not be empty")
  t.raises(function() tide.Observation("o"):get() end, "call DataFrame.observe")
  t.raises(function() stream(t.tempdir()):observe(tide.Observation("s"), F.count(F.lit(1)):alias("n")) end,
    "Observation does not support streaming Datasets")
  -- a literal alone is a metric; a name made up when none is given
  local obs = tide.Observation()
  df:observe(obs, F.lit(42):alias("answer"), F.count(F.lit(1))):collect()
  t.same_table(obs:get(), { answer = 42, ["count(1)"] = 4 })
  t.ok(#obs.name == 36, "a UUID name")
end)

t.run()
