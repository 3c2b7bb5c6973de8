-- Bucketizer and QuantileDiscretizer against Spark's documented examples
-- (PySpark 3.5's docstrings, Spark's ML guide) and values worked out by
-- hand from Spark's definitions: Bucketizer.binarySearchForBuckets
-- (java.util.Arrays.binarySearch over the splits), its NaN and bounds
-- errors, na.drop under "skip"; QuantileDiscretizer's splits at
-- approxQuantile(0, 1/n, ..., 1), where Spark's summary of a few hundred
-- values keeps every one and answers p with the value of rank ceil(p * n).
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local F = tide.functions
local spark = tide.session()

local nan, inf = 0 / 0, math.huge

local function col(df, name)
  local out = {}
  for i, r in ipairs(df:collect()) do
    local v = r[name]
    out[i] = v ~= v and "NaN" or v == nil and "null" or v
  end
  return out
end

-- PySpark's Bucketizer docstring data.
local values = spark:createDataFrame({ { 0.1, 0.0 }, { 0.4, 1.0 }, { 1.2, 1.3 }, { 1.5, nan }, { nan, 1.0 },
  { nan, 0.0 } }, "values1 double, values2 double")
local SPLITS = { -inf, 0.5, 1.4, inf }

t.test("Bucketizer: PySpark's example, keep puts NaN in an extra bucket", function()
  local b = ml.Bucketizer { splits = SPLITS, inputCol = "values1", outputCol = "buckets", handleInvalid = "keep" }
  local out = b:transform(values:select("values1"))
  t.same_table(col(out, "buckets"), { 0, 0, 1, 2, 3, 3 })
  t.eq(out.schema:simpleString(), "struct<values1:double,buckets:double>")
  -- Spark's prepOutputField: an ordinal nominal attribute naming each bucket
  local attr = out.schema.fields[2].ml
  t.ok(attr.nominal and attr.ordinal, "nominal, ordinal")
  t.eq(attr.numValues, 3)
  t.same_table(attr.values, { "-Infinity, 0.5", "0.5, 1.4", "1.4, Infinity" })
end)

t.test("Bucketizer: skip drops the rows whose input is NaN (PySpark's example: 4 rows left)", function()
  local b = ml.Bucketizer { splits = SPLITS, inputCol = "values1", outputCol = "b", handleInvalid = "skip" }
  local rows
  local warnings = t.stderr_of(function() rows = b:transform(values):collect() end)
  t.eq(#rows, 4)
  t.ok(#warnings == 1 and warnings[1]:find("dropped 2 of 6 rows", 1, true), table.concat(warnings))
  -- only the input column counts: values2's NaN (row 3) stays
  t.eq(rows[4].values1, 1.5)
end)

t.test("Bucketizer: several columns with splitsArray (PySpark's example)", function()
  local b = ml.Bucketizer { splitsArray = { SPLITS, { -inf, 0.5, inf } }, inputCols = { "values1", "values2" },
    outputCols = { "buckets1", "buckets2" }, handleInvalid = "keep" }
  local out = b:transform(values)
  t.same_table(col(out, "buckets1"), { 0, 0, 1, 2, 3, 3 })
  t.same_table(col(out, "buckets2"), { 0, 1, 1, 2, 1, 0 })
  t.eq(out.schema.fields[4].ml.numValues, 2)
  -- skip drops a row with a NaN in any input column
  local skipped = b:copy { handleInvalid = "skip" }
  local n
  t.stderr_of(function() n = skipped:transform(values):count() end)
  t.eq(n, 3)
end)

t.test("Bucketizer: error fails on NaN with Spark's message, naming the column and row", function()
  local b = ml.Bucketizer { splits = SPLITS, inputCol = "values1", outputCol = "b" }
  local err = t.raises(function() b:transform(values):collect() end)
  t.has(err, "column values1: row 4: Bucketizer encountered NaN value. To handle or skip NaNs, try setting "
    .. "Bucketizer.handleInvalid.")
  t.has(err, b.uid)
end)

t.test("Bucketizer: buckets are [x, y), the last one [x, y]; values outside fail whatever handleInvalid", function()
  local df = spark:createDataFrame({ { -1.0 }, { -0.5 }, { 0.0 }, { 1.99 }, { 2.0 } }, "x double")
  local b = ml.Bucketizer { splits = { -1.0, 0.0, 2.0 }, inputCol = "x", outputCol = "b" }
  t.same_table(col(b:transform(df), "b"), { 0, 0, 1, 1, 1 })
  for _, mode in ipairs({ "error", "keep", "skip" }) do
    local above = spark:createDataFrame({ { 1.0 }, { 3.0 } }, "x double")
    local err = t.raises(function() b:copy({ handleInvalid = mode }):transform(above):collect() end)
    -- Spark 3.5's message (Bucketizer.binarySearchForBuckets)
    t.has(err, "row 1: Feature value 3.0 out of Bucketizer bounds [-1.0, 2.0]. Check your features, or loosen "
      .. "the lower/upper bound constraints.")
  end
  local below = spark:createDataFrame({ { -1.5 } }, "x double")
  t.has(t.raises(function() b:transform(below):collect() end), "Feature value -1.5 out of Bucketizer bounds")
end)

t.test("Bucketizer: -0.0 sorts below a 0.0 split, as Java's Arrays.binarySearch", function()
  local df = spark:createDataFrame({ { -0.0 }, { 0.0 }, { 1.0 } }, "x double")
  local b = ml.Bucketizer { splits = { -1.0, 0.0, 2.0 }, inputCol = "x", outputCol = "b" }
  t.same_table(col(b:transform(df), "b"), { 0, 1, 1 })
end)

t.test("Bucketizer: infinite splits cover every number, infinities included", function()
  local df = spark:createDataFrame({ { -inf }, { -1e308 }, { 0.5 }, { 1e308 }, { inf } }, "x double")
  local b = ml.Bucketizer { splits = { -inf, 0.0, 1.0, inf }, inputCol = "x", outputCol = "b" }
  t.same_table(col(b:transform(df), "b"), { 0, 0, 1, 2, 2 })
end)

t.test("Bucketizer: null stays null (error, keep); skip drops it", function()
  local df = spark:createDataFrame({ { 1.0 }, { nil }, { 3.0 } }, "x double")
  local b = ml.Bucketizer { splits = { -inf, 2.0, inf }, inputCol = "x", outputCol = "b" }
  t.same_table(col(b:transform(df), "b"), { 0, "null", 1 })
  t.same_table(col(b:copy({ handleInvalid = "keep" }):transform(df), "b"), { 0, "null", 1 })
  local rows
  t.stderr_of(function() rows = b:copy({ handleInvalid = "skip" }):transform(df):collect() end)
  t.eq(#rows, 2)
end)

t.test("Bucketizer: any numeric input, cast to double (Spark's checkNumericType)", function()
  local df = spark:createDataFrame({ { 1, 5, 2.5, "3.25" } }, "i int, l long, f float, s string")
    :withColumn("d", F.col("s"):cast("decimal(10,2)"))
  local b = ml.Bucketizer { splitsArray = { { -inf, 1, inf }, { 0, 5, 6 }, { 0, 2.5, 3 }, { 0, 3.25, 4 } },
    inputCols = { "i", "l", "f", "d" }, outputCols = { "bi", "bl", "bf", "bd" } }
  local r = b:transform(df):collect()[1]
  t.same_table({ r.bi, r.bl, r.bf, r.bd }, { 1, 1, 1, 1 })
  local bad = spark:createDataFrame({ { "a", true } }, "s string, flag boolean")
  t.has(t.raises(function() ml.Bucketizer { splits = SPLITS, inputCol = "s" }:transform(bad) end),
    "Column s must be of type numeric but was actually of type string.")
  t.has(t.raises(function() ml.Bucketizer { splits = SPLITS, inputCol = "flag" }:transform(bad) end),
    "Column flag must be of type numeric but was actually of type boolean.")
end)

t.test("Bucketizer: splits are checked when set (Spark's checkSplits)", function()
  t.has(t.raises(function() ml.Bucketizer { splits = { 0.0, 1.0 } } end), "parameter splits given invalid value "
    .. "[0.0,1.0]. The splits should be of length >= 3 and strictly increasing")
  t.raises(function() ml.Bucketizer { splits = { 0, 1, 1 } } end, "given invalid value")
  t.raises(function() ml.Bucketizer { splits = { 0, nan, 2 } } end, "given invalid value")
  t.raises(function() ml.Bucketizer { splitsArray = { { 0, 1, 2 }, { 2, 1, 0 } } } end, "given invalid value")
  t.has(t.raises(function() ml.Bucketizer { splits = "0,1,2" } end),
    'Invalid param value given for param "splits". Could not convert 0,1,2 to list of floats')
  t.raises(function() ml.Bucketizer { splitsArray = { 1, 2, 3 } } end, "to list of list of floats")
  t.raises(function() ml.Bucketizer { handleInvalid = "drop" } end, "must be one of error, skip, keep")
end)

t.test("Bucketizer: single- and multi-column params as Spark's checkSingleVsMultiColumnParams", function()
  local function fails(params, text)
    local b = ml.Bucketizer(params)
    t.has(t.raises(function() b:transform(values) end), ("Bucketizer %s %s"):format(b.uid, text))
  end
  fails({ splits = SPLITS }, "requires exactly one of inputCol, inputCols Params to be set, but neither is set.")
  fails({ splits = SPLITS, inputCol = "values1", inputCols = { "values2" } },
    "requires exactly one of inputCol, inputCols Params to be set, but both are set.")
  fails({ inputCol = "values1" }, "has the inputCol Param set for single-column transform. The following Params "
    .. "must be defined but are not set: splits.")
  fails({ inputCols = { "values1" }, outputCols = { "o" }, splits = SPLITS }, "has the inputCols Param set for "
    .. "multi-column transform. The following Params are not applicable and should not be set: splits.The "
    .. "following Params must be defined but are not set: splitsArray.")
  fails({ inputCols = { "values1", "values2" }, outputCols = { "a", "b" }, splitsArray = { SPLITS } },
    "has mismatched Params for multi-column transform. Params (inputCols, outputCols, splitsArray) should have "
    .. "equal lengths, but they have different lengths: (2, 2, 1).")
  local b = ml.Bucketizer { splits = SPLITS, inputCol = "values1", outputCol = "values2" }
  t.raises(function() b:transform(values) end, "Output column values2 already exists")
  -- outputCol's default: uid__output
  local d = ml.Bucketizer { splits = SPLITS, inputCol = "values1" }
  t.eq(d:transform(values).schema.fields[3].name, d.uid .. "__output")
end)

t.test("Bucketizer: a large input, one binary search per row in C", function()
  local splits = { -inf }
  for j = 0, 999 do splits[#splits + 1] = j end
  splits[#splits + 1] = inf
  local df = spark:range(300000):select((F.col("id") % 1000 + 0.5):alias("x"))
  local b = ml.Bucketizer { splits = splits, inputCol = "x", outputCol = "b" }
  -- j + 0.5 lies in [j, j + 1): bucket j + 1 (the first bucket is [-inf, 0))
  local row = b:transform(df):agg(F.sum("b"), F.sum(F.col("b"):eq(F.floor("x") + 1):cast("int"))):collect()[1]
  t.eq(row[1], 300 * 500500)
  t.eq(row[2], 300000)
end)

t.test("Bucketizer: on a stream, one operator per batch", function()
  local stream = spark.readStream:format("rate"):option("rowsPerSecond", 2000):load()
  local b = ml.Bucketizer { splits = { -inf, 10, 100, inf }, inputCol = "value", outputCol = "b" }
  local scored = b:transform(stream)
  t.ok(scored.isStreaming)
  local bad, seen = 0, 0
  local q = scored.writeStream:foreachBatch(function(df)
    for _, r in ipairs(df:collect()) do
      seen = seen + 1
      local want = r.value < 10 and 0 or r.value < 100 and 1 or 2
      if r.b ~= want then bad = bad + 1 end
    end
  end):option("checkpointLocation", t.tempdir() .. "/cp"):trigger { processingTime = "50 milliseconds" }:start()
  tide.sleep(0.4)
  q:stop()
  t.ok(seen > 0, "rows arrived")
  t.eq(bad, 0)
end)

-- ---- QuantileDiscretizer --------------------------------------------------------------------

t.test("QuantileDiscretizer: Spark's ML guide example (hour into 3 buckets)", function()
  local df = spark:createDataFrame({ { 0, 18.0 }, { 1, 19.0 }, { 2, 8.0 }, { 3, 5.0 }, { 4, 2.2 } },
    "id int, hour double")
  local model = ml.QuantileDiscretizer { numBuckets = 3, inputCol = "hour", outputCol = "result" }:fit(df)
  -- 5 values: p = 1/3 is rank ceil(5/3) = 2 (5.0), p = 2/3 rank 4 (18.0)
  t.same_table(model:getSplits(), { -inf, 5.0, 18.0, inf })
  t.same_table(col(model:transform(df), "result"), { 2, 2, 1, 1, 0 })
end)

-- PySpark's QuantileDiscretizer docstring data.
local qvalues = spark:createDataFrame({ { 0.1 }, { 0.4 }, { 1.2 }, { 1.5 }, { nan }, { nan } }, "values double")

t.test("QuantileDiscretizer: PySpark's example; NaNs are left out of the fit", function()
  local qds = ml.QuantileDiscretizer { numBuckets = 2, inputCol = "values", outputCol = "buckets",
    relativeError = 0.01, handleInvalid = "error" }
  local bucketizer = qds:fit(qvalues)
  t.same_table(bucketizer:getSplits(), { -inf, 0.4, inf })
  t.eq(getmetatable(bucketizer), getmetatable(ml.Bucketizer {}))
  t.eq(bucketizer.uid, qds.uid)
  t.eq(bucketizer:getHandleInvalid(), "error")
  t.ok(bucketizer:isSet("handleInvalid"), "the model's handleInvalid is set, as Spark's fit sets it")
  t.raises(function() bucketizer:transform(qvalues):collect() end, "Bucketizer encountered NaN value")
  local kept = qds:setHandleInvalid("keep"):fit(qvalues):transform(qvalues)
  t.same_table(col(kept, "buckets"), { 0, 1, 1, 1, 2, 2 })
  local n
  t.stderr_of(function() n = qds:setHandleInvalid("skip"):fit(qvalues):transform(qvalues):count() end)
  t.eq(n, 4)
end)

local qvalues2 = spark:createDataFrame({ { 0.1, 0.0 }, { 0.4, 1.0 }, { 1.2, 1.3 }, { 1.5, 1.5 }, { nan, nan },
  { nan, nan } }, "input1 double, input2 double")

t.test("QuantileDiscretizer: several columns (PySpark's example)", function()
  local qds2 = ml.QuantileDiscretizer { relativeError = 0.01, handleInvalid = "keep", numBuckets = 2,
    inputCols = { "input1", "input2" }, outputCols = { "output1", "output2" } }
  local out = qds2:fit(qvalues2):transform(qvalues2)
  t.same_table(col(out, "output1"), { 0, 1, 1, 1, 2, 2 })
  t.same_table(col(out, "output2"), { 0, 1, 1, 1, 2, 2 })
end)

t.test("QuantileDiscretizer: numBucketsArray, identical quantiles merged with Spark's warning", function()
  local qds3 = ml.QuantileDiscretizer { relativeError = 0.01, handleInvalid = "skip", numBucketsArray = { 5, 10 },
    inputCols = { "input1", "input2" }, outputCols = { "output1", "output2" } }
  local model
  local warnings = t.stderr_of(function() model = qds3:fit(qvalues2) end)
  -- input2 at 0, .1, ..., 1: ranks ceil(4p) give 0, 0, 0, 1, 1, 1, 1.3, 1.3, 1.5, 1.5, 1.5
  t.same_table(model:getSplitsArray(), { { -inf, 0.1, 0.4, 1.2, 1.5, inf }, { -inf, 0.0, 1.0, 1.3, 1.5, inf } })
  t.eq(#warnings, 1)
  t.has(warnings[1], "column input2: Some quantiles were identical. Bucketing to 5 buckets as a result.")
  local out
  t.stderr_of(function() out = model:transform(qvalues2):collect() end)
  t.eq(#out, 4)
  for i, r in ipairs(out) do
    t.eq(r.output1, i)
    t.eq(r.output2, i)
  end
end)

t.test("QuantileDiscretizer: every split distinct, -0.0 taken as 0.0, fewer buckets when values repeat", function()
  local df = spark:createDataFrame({ { -0.0 }, { -0.0 }, { 0.0 }, { 0.0 }, { 1.0 }, { 2.0 } }, "x double")
  local model
  t.stderr_of(function() model = ml.QuantileDiscretizer { numBuckets = 3, inputCol = "x" }:fit(df) end)
  local s = model:getSplits()
  t.same_table(s, { -inf, 0.0, inf })
  t.eq(1 / s[2], inf, "0.0, not -0.0")
  local same = spark:createDataFrame({ { 5.0 }, { 5.0 }, { 5.0 } }, "x double")
  local four = ml.QuantileDiscretizer { numBuckets = 4, inputCol = "x" }
  local warnings = t.stderr_of(function() model = four:fit(same) end)
  t.same_table(model:getSplits(), { -inf, 5.0, inf })
  t.has(warnings[1], "Bucketing to 2 buckets as a result.")
end)

t.test("QuantileDiscretizer: a few hundred values give Spark's splits", function()
  -- 1..500 with relativeError 0.001: Spark's summary keeps every value
  -- (2 * 0.001 * 499 < 1), so p answers rank ceil(500 p)
  local df = spark:range(1, 501):select(F.col("id"):cast("double"):alias("x"))
  local model = ml.QuantileDiscretizer { numBuckets = 7, inputCol = "x", outputCol = "b" }:fit(df)
  t.same_table(model:getSplits(), { -inf, 72, 143, 215, 286, 358, 429, inf })
  local counts = {}
  for _, r in ipairs(model:transform(df):groupBy("b"):count():orderBy("b"):collect()) do counts[#counts + 1] = r[2] end
  -- [72, 143) holds 71 values, ...; the first bucket 1..71, the last 429..500
  t.same_table(counts, { 71, 71, 72, 71, 72, 71, 72 })
end)

t.test("QuantileDiscretizer: params checked as Spark's", function()
  t.raises(function() ml.QuantileDiscretizer { numBuckets = 1 } end, "numBuckets must be >= 2")
  t.has(t.raises(function() ml.QuantileDiscretizer { numBuckets = 2.5 } end),
    'Invalid param value given for param "numBuckets". Could not convert 2.5 to int')
  t.raises(function() ml.QuantileDiscretizer { numBucketsArray = { 2, 1 } } end, "given invalid value %[2.0,1.0%]")
  t.raises(function() ml.QuantileDiscretizer { numBucketsArray = { 2, 2.5 } } end, "to list of ints")
  t.raises(function() ml.QuantileDiscretizer { relativeError = 2 } end, "relativeError must be in %[0, 1%]")
  t.has(t.raises(function()
    ml.QuantileDiscretizer { inputCol = "input1", numBucketsArray = { 2 } }:fit(qvalues2)
  end), "numBucketsArray can't be set for single-column QuantileDiscretizer.")
  t.has(t.raises(function()
    ml.QuantileDiscretizer { inputCols = { "input1", "input2" }, outputCols = { "a", "b" }, numBucketsArray = { 2, 3 },
      numBuckets = 4 }:fit(qvalues2)
  end), "exactly one of numBuckets, numBucketsArray Params to be set, but both are set.")
  local q = ml.QuantileDiscretizer { inputCols = { "input1", "input2" }, outputCols = { "a" } }
  t.has(t.raises(function() q:fit(qvalues2) end), ("QuantileDiscretizer %s has mismatched Params for multi-column "
    .. "transform. Params (inputCols, outputCols) should have equal lengths, but they have different lengths: "
    .. "(2, 1)."):format(q.uid))
  t.has(t.raises(function() ml.QuantileDiscretizer { inputCols = { "input1" } }:fit(qvalues2) end),
    "The following Params must be defined but are not set: outputCols.")
  t.raises(function() ml.QuantileDiscretizer { inputCol = "input1", outputCol = "input2" }:fit(qvalues2) end,
    "Output column input2 already exists")
  local empty = spark:createDataFrame({ { nan }, { nil } }, "x double")
  t.raises(function() ml.QuantileDiscretizer { inputCol = "x" }:fit(empty) end, "column x has no value")
end)

-- ---- saving ---------------------------------------------------------------------------------

local function metadata(dir)
  local json = require("tide.json")
  return json.decode((t.read(dir .. "/metadata/part-00000"):gsub("\n$", "")))
end

t.test("Bucketizer and QuantileDiscretizer save Spark's metadata and load back", function()
  local dir = t.tempdir()
  local b = ml.Bucketizer { splits = SPLITS, inputCol = "values1", outputCol = "b", handleInvalid = "keep" }
  b:save(dir .. "/b")
  local meta = metadata(dir .. "/b")
  t.eq(meta.class, "org.apache.spark.ml.feature.Bucketizer")
  -- Spark's DoubleArrayParam writes infinities as "-Inf" and "Inf"
  t.same_table({ unpack(meta.paramMap.splits) }, { "-Inf", 0.5, 1.4, "Inf" })
  t.eq(meta.paramMap.handleInvalid, "keep")
  t.eq(meta.defaultParamMap.handleInvalid, "error")
  t.eq(meta.defaultParamMap.outputCol, b.uid .. "__output")
  local loaded = ml.Bucketizer.load(dir .. "/b")
  t.same_table(loaded:getSplits(), SPLITS)
  t.same_table(col(loaded:transform(values), "b"), { 0, 0, 1, 2, 3, 3 })

  local q = ml.QuantileDiscretizer { numBucketsArray = { 3, 4 }, inputCols = { "input1", "input2" },
    outputCols = { "a", "b" }, relativeError = 0.01 }
  q:save(dir .. "/q")
  meta = metadata(dir .. "/q")
  t.eq(meta.class, "org.apache.spark.ml.feature.QuantileDiscretizer")
  t.same_table({ unpack(meta.paramMap.numBucketsArray) }, { 3, 4 })
  t.eq(meta.defaultParamMap.numBuckets, 2)
  t.eq(meta.defaultParamMap.relativeError, 0.001)
  local lq = ml.load(dir .. "/q")
  t.same_table(lq:getNumBucketsArray(), { 3, 4 })
  t.eq(lq:getRelativeError(), 0.01)
end)

t.test("a Pipeline with a QuantileDiscretizer and a Bucketizer saves and loads, fitted or not", function()
  local dir = t.tempdir()
  local df = spark:createDataFrame({ { 0, 18.0, 1 }, { 1, 19.0, 7 }, { 2, 8.0, 3 }, { 3, 5.0, 9 }, { 4, 2.2, 5 } },
    "id int, hour double, n int")
  local pipeline = ml.Pipeline { stages = {
    ml.QuantileDiscretizer { numBuckets = 3, inputCol = "hour", outputCol = "hb" },
    ml.Bucketizer { splits = { -inf, 4, inf }, inputCol = "n", outputCol = "nb" },
  } }
  pipeline:write():overwrite():save(dir .. "/p")
  local model = ml.Pipeline.load(dir .. "/p"):fit(df)
  model:write():overwrite():save(dir .. "/m")
  local loaded = ml.PipelineModel.load(dir .. "/m")
  t.eq(loaded.stages[1]._sparkClass, "org.apache.spark.ml.feature.Bucketizer")
  local out = loaded:transform(df)
  t.same_table(col(out, "hb"), { 2, 2, 1, 1, 0 })
  t.same_table(col(out, "nb"), { 0, 1, 0, 1, 1 })
  t.same_table(out.schema.fields[4].ml.values, { "-Infinity, 5.0", "5.0, 18.0", "18.0, Infinity" })
end)

t.run()
