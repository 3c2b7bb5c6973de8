-- Feature stages against hand-computed values and Spark's documented
-- examples: StringIndexer, OneHotEncoder, VectorAssembler, MinMaxScaler,
-- StandardScaler, FeatureHasher.
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local F = tide.functions
local V = ml.Vectors
local spark = tide.session()

local function col(df, name)
  local out = {}
  for i, r in ipairs(df:collect()) do out[i] = r[name] end
  return out
end
local function texts(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = tostring(v) end
  return out
end

local letters = spark:createDataFrame({ { "a" }, { "b" }, { "b" }, { "c" }, { "c" }, { "d" } }, "s string")

t.test("StringIndexer orders by frequency, ties alphabetically (Spark's frequencyDesc)", function()
  local model = ml.StringIndexer { inputCol = "s", outputCol = "i" }:fit(letters)
  t.same_table(model:labels(), { "b", "c", "a", "d" })
  -- (PySpark's properties: model.labels, model.labelsArray)
  t.same_table(model.labels, { "b", "c", "a", "d" })
  t.same_table(model.labelsArray, { { "b", "c", "a", "d" } })
  t.same_table(col(model:transform(letters), "i"), { 2, 0, 0, 1, 1, 3 })
  t.eq(model:transform(letters).schema:simpleString(), "struct<s:string,i:double>")
end)

t.test("StringIndexer's other orders", function()
  local function labels(order)
    return ml.StringIndexer { inputCol = "s", outputCol = "i", stringOrderType = order }:fit(letters):labels()
  end
  t.same_table(labels("frequencyAsc"), { "a", "d", "b", "c" })
  t.same_table(labels("alphabetDesc"), { "d", "c", "b", "a" })
  t.same_table(labels("alphabetAsc"), { "a", "b", "c", "d" })
  t.raises(function() ml.StringIndexer { stringOrderType = "random" } end, "must be one of")
end)

t.test("StringIndexer indexes numbers by their string form", function()
  local df = spark:createDataFrame({ { 10, 1.5 }, { 2, 1.5 }, { 10, 2.0 } }, "n int, x double")
  local m = ml.StringIndexer { inputCols = { "n", "x" }, outputCols = { "ni", "xi" } }:fit(df)
  t.same_table(m:labelsArray(), { { "10", "2" }, { "1.5", "2.0" } })
  t.same_table(col(m:transform(df), "xi"), { 0, 0, 1 })
end)

local unseen = spark:createDataFrame({ { "a" }, { "z" }, { nil }, { "b" } }, "s string")

t.test("handleInvalid: error names the unseen label", function()
  local model = ml.StringIndexer { inputCol = "s", outputCol = "i" }:fit(letters)
  local err = t.raises(function() model:transform(unseen):collect() end, "Unseen label: z")
  t.ok(err:find("row 1", 1, true), "names the row: " .. err)
end)

t.test("handleInvalid: keep gives the unseen and null rows index numLabels", function()
  local model = ml.StringIndexer { inputCol = "s", outputCol = "i", handleInvalid = "keep" }:fit(letters)
  t.same_table(col(model:transform(unseen), "i"), { 2, 4, 4, 0 })
  t.eq(model:transform(unseen).schema.fields[2].ml.numValues, 5)
end)

t.test("handleInvalid: skip drops the rows, counts them and warns", function()
  local model = ml.StringIndexer { inputCol = "s", outputCol = "i", handleInvalid = "skip" }:fit(letters)
  local warned = {}
  local stderr = io.stderr
  io.stderr = { write = function(_, ...) warned[#warned + 1] = table.concat({ ... }) end }
  local ok, rows = pcall(function() return model:transform(unseen):collect() end)
  io.stderr = stderr
  t.ok(ok, tostring(rows))
  t.eq(#rows, 2)
  t.eq(rows[2].s, "b")
  t.eq(#warned, 1)
  t.ok(warned[1]:find("dropped 2 of 4 rows", 1, true), warned[1])
end)

t.test("OneHotEncoder: dropLast, sizes from the indexer's metadata", function()
  local idx = ml.StringIndexer { inputCol = "s", outputCol = "i" }:fit(letters):transform(letters)
  local enc = ml.OneHotEncoder { inputCol = "i", outputCol = "v" }:fit(idx)
  t.same_table(enc.categorySizes:toArray(), { 4 })
  t.same_table(texts(col(enc:transform(idx), "v")),
    { "(3,[2],[1.0])", "(3,[0],[1.0])", "(3,[0],[1.0])", "(3,[1],[1.0])", "(3,[1],[1.0])", "(3,[],[])" })
  local full = ml.OneHotEncoder { inputCol = "i", outputCol = "v", dropLast = false }:fit(idx)
  t.eq(tostring(col(full:transform(idx), "v")[6]), "(4,[3],[1.0])")
end)

t.test("OneHotEncoder after a keep indexer: unknown is the dropped last category", function()
  local si = ml.StringIndexer { inputCol = "s", outputCol = "i", handleInvalid = "keep" }:fit(letters)
  local enc = ml.OneHotEncoder { inputCol = "i", outputCol = "v" }:fit(si:transform(letters))
  t.same_table(texts(col(enc:transform(si:transform(unseen)), "v")),
    { "(4,[2],[1.0])", "(4,[],[])", "(4,[],[])", "(4,[0],[1.0])" })
end)

t.test("OneHotEncoder without metadata: max + 1 categories; invalid values", function()
  local df = spark:createDataFrame({ { 0 }, { 2 }, { 1 } }, "c double")
  local enc = ml.OneHotEncoder { inputCol = "c", outputCol = "v" }:fit(df)
  t.same_table(enc.categorySizes:toArray(), { 3 })
  local bad = spark:createDataFrame({ { 5 } }, "c double")
  t.raises(function() enc:transform(bad):collect() end, "Unseen value: 5")
  t.raises(function() enc:transform(spark:createDataFrame({ { -1 } }, "c double")):collect() end, "Negative value")
  enc:setHandleInvalid("keep")
  t.eq(tostring(enc:transform(bad):collect()[1].v), "(3,[],[])") -- size 3 + 1 - 1; the invalid category is dropped
  enc:setDropLast(false)
  t.eq(tostring(enc:transform(bad):collect()[1].v), "(4,[3],[1.0])")
end)

t.test("VectorAssembler: Spark's example, and the sparse/dense choice", function()
  local df = spark:createDataFrame({ { 0, 18, 1.0, V.dense { 0.0, 10.0, 0.5 }, 1.0 } },
    "id int, hour int, mobile double, userFeatures vector, clicked double")
  local out = ml.VectorAssembler { inputCols = { "hour", "mobile", "userFeatures" }, outputCol = "features" }
    :transform(df)
  t.eq(tostring(out:collect()[1].features), "[18.0,1.0,0.0,10.0,0.5]")
  t.eq(out:collect()[1].features.size, 5)
  local sparse = spark:createDataFrame({ { V.sparse(10, { 3 }, { 1 }), 0.0 }, { V.sparse(10, { 1, 2, 4, 5, 6, 7 }, { 1, 2, 3, 4, 5, 6 }), 7 } },
    "v vector, x double")
  local rows = ml.VectorAssembler { inputCols = { "v", "x" }, outputCol = "f" }:transform(sparse):collect()
  t.eq(tostring(rows[1].f), "(11,[3],[1.0])") -- 1.5 * (nnz + 1) < size: sparse, as Vector.compressed
  t.eq(tostring(rows[2].f), "[0.0,1.0,2.0,0.0,3.0,4.0,5.0,6.0,0.0,0.0,7.0]")
end)

t.test("VectorAssembler handleInvalid", function()
  local df = spark:createDataFrame({ { 1.0, V.dense { 1, 2 } }, { nil, V.dense { 3, 4 } }, { 0 / 0, nil } },
    "x double, v vector")
  local asm = ml.VectorAssembler { inputCols = { "x", "v" }, outputCol = "f" }
  t.raises(function() asm:transform(df):collect() end, "Encountered null")
  asm:setHandleInvalid("keep")
  t.same_table(texts(col(asm:transform(df), "f")), { "[1.0,1.0,2.0]", "[NaN,3.0,4.0]", "[NaN,NaN,NaN]" })
  asm:setHandleInvalid("skip")
  local stderr = io.stderr
  io.stderr = { write = function() end }
  local rows = asm:transform(df):collect()
  io.stderr = stderr
  t.eq(#rows, 1)
end)

t.test("MinMaxScaler: Spark's example; a constant feature maps to the middle", function()
  local df = spark:createDataFrame({ { V.dense { 1.0, 0.1, -1.0, 5 } }, { V.dense { 2.0, 1.1, 1.0, 5 } },
    { V.dense { 3.0, 10.1, 3.0, 5 } } }, "features vector")
  local model = ml.MinMaxScaler { inputCol = "features", outputCol = "scaled" }:fit(df)
  t.same_table(model.originalMin:toArray(), { 1.0, 0.1, -1.0, 5 })
  t.same_table(model.originalMax:toArray(), { 3.0, 10.1, 3.0, 5 })
  local want = { { 0, 0, 0, 0.5 }, { 0.5, 0.1, 0.5, 0.5 }, { 1, 1, 1, 0.5 } }
  for i, v in ipairs(col(model:transform(df), "scaled")) do
    for j, x in ipairs(v:toArray()) do
      t.ok(math.abs(x - want[i][j]) < 1e-12, ("row %d feature %d: %s"):format(i, j, x))
    end
  end
  local ranged = ml.MinMaxScaler { inputCol = "features", outputCol = "s", min = -1, max = 1 }:fit(df)
  t.same_table(col(ranged:transform(df), "s")[3]:toArray(), { 1, 1, 1, 0 })
end)

t.test("MinMaxScaler counts a sparse vector's implicit zeros", function()
  local df = spark:createDataFrame({ { V.sparse(2, { 0 }, { 4 }) }, { V.sparse(2, { 0, 1 }, { 2, 6 }) } }, "f vector")
  local m = ml.MinMaxScaler { inputCol = "f", outputCol = "s" }:fit(df)
  t.same_table(m.originalMin:toArray(), { 2, 0 })
  t.same_table(m.originalMax:toArray(), { 4, 6 })
end)

t.test("StandardScaler: unit std by default (sparse stays sparse), withMean centres", function()
  local df = spark:createDataFrame({ { V.sparse(2, { 1 }, { 3 }) }, { V.sparse(2, { 0 }, { 2 }) }, { V.dense { 4, 0 } } },
    "f vector")
  local m = ml.StandardScaler { inputCol = "f", outputCol = "s" }:fit(df)
  t.same_table(m.mean:toArray(), { 2, 1 })
  t.eq(m.std[0], 2)
  t.eq(m.std[1], math.sqrt(3))
  local rows = col(m:transform(df), "s")
  t.eq(tostring(rows[2]), "(2,[0],[1.0])")
  local centred = ml.StandardScaler { inputCol = "f", outputCol = "s", withMean = true }:fit(df)
  t.same_table(col(centred:transform(df), "s")[3]:toArray(), { 1, -1 / math.sqrt(3) })
end)

t.test("FeatureHasher matches Spark's documented indices", function()
  local df = spark:createDataFrame({ { 2.0, true, "1", "foo" }, { 3.0, false, "2", "bar" } },
    "real double, bool boolean, stringNum string, string string")
  local h = ml.FeatureHasher { inputCols = { "real", "bool", "stringNum", "string" }, outputCol = "features" }
  t.eq(tostring(h:transform(df):collect()[1].features),
    "(262144,[174475,247670,257907,262126],[2.0,1.0,1.0,1.0])")
  h:setCategoricalCols({ "real" })
  t.eq(tostring(h:transform(df):collect()[1].features),
    "(262144,[171257,247670,257907,262126],[1.0,1.0,1.0,1.0])")
end)

t.test("FeatureHasher: collisions add up, nulls are left out", function()
  local df = spark:createDataFrame({ { 1.0, 2.0, nil } }, "a double, b double, s string")
  local v = ml.FeatureHasher { inputCols = { "a", "b", "s" }, outputCol = "f", numFeatures = 1 }:transform(df)
    :collect()[1].f
  t.eq(tostring(v), "(1,[0],[3.0])")
end)

t.test("params: constructor tables, setters, getters and unknown names", function()
  local si = ml.StringIndexer { inputCol = "a" }
  t.eq(si:getHandleInvalid(), "error")
  t.eq(si:setHandleInvalid("keep"):getHandleInvalid(), "keep")
  t.raises(function() ml.StringIndexer { inputColumn = "a" } end, "no parameter \"inputColumn\"")
  t.raises(function()
    ml.StringIndexer { inputCols = { "a", "v" }, outputCols = { "ai", "vi" } }:fit(
      spark:createDataFrame({ { "x", ml.Vectors.dense { 1 } } }, "a string, v vector"))
  end, "StringIndexer: column v has type vector; StringIndexer takes string, boolean or numeric columns")
  t.ok(si.uid:match("^StringIndexer_%x+$"), si.uid)
  t.raises(function() ml.VectorAssembler { inputCols = { "nope" }, outputCol = "f" }:transform(letters) end,
    "no column \"nope\"")
  t.raises(function() ml.StringIndexer { inputCol = "s", outputCol = "s" }:fit(letters):transform(letters) end,
    "Output column s already exists")
end)

t.test("decimal columns are numbers, as Spark's DecimalType: assembled, indexed by their string form", function()
  local df = spark:createDataFrame({ { "1.5" }, { "10000000000000000000" }, { "1.5" }, { "-0.25" } }, "s string")
    :withColumn("d", F.col("s"):cast("decimal(22,2)")):withColumn("id", F.col("s"):cast("decimal(20,0)"))
  t.same_table(texts(col(ml.VectorAssembler { inputCols = { "d" }, outputCol = "v" }:transform(df), "v")),
    { "[1.5]", "[1.0E19]", "[1.5]", "[-0.25]" })
  -- Spark's cast of a decimal to string keeps the scale's digits
  local m = ml.StringIndexer { inputCols = { "d", "id" }, outputCols = { "di", "ii" } }:fit(df)
  t.same_table(m:labelsArray(), { { "1.50", "-0.25", "10000000000000000000.00" }, { "2", "0", "10000000000000000000" } })
  t.same_table(col(m:transform(df), "ii"), { 0, 2, 0, 1 })
end)

t.test("type errors name the type, never a bare type id", function()
  local df = spark:createDataFrame({ { "2024-01-02 03:04:05", "a", 1.0 } }, "t string, s string, x double")
    :withColumn("ts", F.col("t"):cast("timestamp"))
  t.raises_at_caller {
    { function() ml.StringIndexer { inputCol = "ts", outputCol = "i" }:fit(df) end,
      "StringIndexer: column ts has type timestamp; StringIndexer takes string, boolean or numeric columns" },
    { function() ml.OneHotEncoder { inputCol = "s", outputCol = "v" }:fit(df) end,
      "OneHotEncoder: column s has type string; OneHotEncoder takes numeric category indices" },
    { function() ml.MinMaxScaler { inputCol = "x", outputCol = "v" }:fit(df) end,
      "MinMaxScaler: column x has type double; MinMaxScaler needs a vector column" },
    { function() ml.StandardScaler { inputCol = "x", outputCol = "v" }:fit(df) end,
      "StandardScaler: column x has type double; StandardScaler needs a vector column" },
    { function() ml.VectorAssembler { inputCols = { "s" }, outputCol = "v" }:transform(df) end,
      "VectorAssembler: Data type string of column s is not supported." },
    { function() ml.BinaryClassificationEvaluator { labelCol = "s", rawPredictionCol = "x" }:evaluate(df) end,
      "BinaryClassificationEvaluator: column s has type string, not a number" },
  }
end)

t.test("the fitted scalers' and encoder's attributes are DenseVectors, 0-based as PySpark's", function()
  local df = spark:createDataFrame({ { V.dense { 1.0, 10.0 } }, { V.dense { 3.0, 20.0 } }, { V.dense { 2.0, 60.0 } } },
    "v vector")
  local mm = ml.MinMaxScaler { inputCol = "v", outputCol = "s" }:fit(df)
  t.eq(mm.originalMin[0], 1.0)
  t.eq(mm.originalMax[1], 60.0)
  t.eq(tostring(mm.originalMin), "[1.0,10.0]")
  t.eq(mm.originalMax.size, 2)
  local ss = ml.StandardScaler { inputCol = "v", outputCol = "s" }:fit(df)
  t.eq(ss.mean[0], 2.0)
  t.eq(ss.std[0], 1.0)
  t.eq(tostring(ss.mean), "[2.0,30.0]")
  local enc = ml.OneHotEncoder { inputCols = { "a", "b" }, outputCols = { "av", "bv" } }:fit(
    spark:createDataFrame({ { 0.0, 4.0 }, { 2.0, 1.0 } }, "a double, b double"))
  t.eq(enc.categorySizes[0], 3)
  t.eq(enc.categorySizes[1], 5)
  -- the same type as the coefficients'
  local lr = ml.LogisticRegressionModel.fromCoefficients({ 1, 2 }, 0)
  t.eq(getmetatable(mm.originalMin), getmetatable(lr.coefficients))
end)

t.test("param values of the wrong kind fail as PySpark's TypeConverters, at the caller", function()
  t.raises_at_caller {
    { function() ml.VectorAssembler { inputCols = "s", outputCol = "f" } end,
      'VectorAssembler: Invalid param value given for param "inputCols". Could not convert s to list of strings' },
    { function() ml.StringIndexer { inputCols = { "a", 2 }, outputCols = { "x", "y" } } end,
      "Could not convert" },
    { function() ml.StringIndexer { inputCol = { "a" } } end, 'param "inputCol". Could not convert' },
    { function() ml.FeatureHasher { inputCols = { "a" }, numFeatures = 1.5 } end,
      'FeatureHasher: Invalid param value given for param "numFeatures". Could not convert 1.5 to int' },
  }
end)

t.test("StringIndexer and OneHotEncoder take exactly one of inputCol and inputCols, as Spark", function()
  t.raises_at_caller {
    { function() ml.StringIndexer { inputCol = "s", inputCols = { "s" }, outputCols = { "x" } }:fit(letters) end,
      "StringIndexer requires exactly one of inputCol, inputCols Params to be set, but both are set." },
    { function() ml.StringIndexer { outputCol = "x" }:fit(letters) end,
      "StringIndexer requires exactly one of inputCol, inputCols Params to be set, but neither is set." },
    { function() ml.StringIndexer { inputCols = { "s" }, outputCol = "x" }:fit(letters) end,
      "The following Params are not applicable and should not be set: outputCol." },
    { function() ml.OneHotEncoder { inputCol = "i", inputCols = { "i" } }:fit(letters) end,
      "OneHotEncoder requires exactly one of inputCol, inputCols Params to be set, but both are set." },
  }
end)

t.test("SQLTransformer: its statement over __THIS__, in a Pipeline, on a stream, saved and loaded", function()
  local df = spark:createDataFrame({ { 1, 2.0 }, { 2, 3.5 } }, "id int, v double")
  local sql = ml.SQLTransformer { statement = "SELECT *, (v + id) AS v2, v * id AS v3 FROM __THIS__ WHERE id > 1" }
  t.same_table(t.rows(sql:transform(df)), { "2|3.5|5.5|7.0" })
  -- (the view the statement read is gone)
  t.eq(#spark.catalog:listTables(), 0)
  local model = ml.Pipeline { stages = { sql, ml.VectorAssembler { inputCols = { "v2", "v3" }, outputCol = "f" } } }
    :fit(df)
  local dir = t.tempdir() .. "/p"
  model:write():save(dir)
  local loaded = ml.PipelineModel.load(dir)
  t.eq(loaded.stages[1]:getStatement(), sql:getStatement())
  t.eq(tostring(loaded:transform(df):collect()[1].f), "[5.5,7.0]")
  local stream = spark.readStream:format("rate"):option("rowsPerSecond", 10):load()
  local scored = ml.SQLTransformer { statement = "SELECT value, value % 2 AS odd FROM __THIS__" }:transform(stream)
  t.ok(scored.isStreaming)
  t.same_table(scored.columns, { "value", "odd" })
  t.has(t.raises(function() ml.SQLTransformer {}:transform(df) end), "parameter statement is not set")
  t.has(t.raises(function() ml.SQLTransformer { statement = "SELECT nope FROM __THIS__" }:transform(df) end),
    "cannot resolve 'nope'")
  t.has(t.raises(function() ml.SQLTransformer { statement = 1 } end), "Could not convert 1 to string")
end)

t.test("Binarizer: doubles and vectors above a threshold, rows stored dense or sparse as Spark's", function()
  local V = ml.Vectors
  local df = spark:createDataFrame({ { 0.1, V.dense { 0.1, 0.9, 0.0 } }, { 0.8, V.sparse(3, { 1 }, { 0.7 }) },
    { 0 / 0, V.dense { -0.5, 0.2, 0.6 } }, { nil, nil } }, "d double, v vector")
  local function texts(stage, data, column) return t.rows(stage:transform(data or df):select(column)) end
  -- (Spark 3.5.3's: a null double stays null, NaN is not above it)
  t.same_table(texts(ml.Binarizer { inputCol = "d", outputCol = "b", threshold = 0.5 }, nil, "b"),
    { "0.0", "1.0", "0.0", "null" })
  t.same_table(texts(ml.Binarizer { inputCol = "v", outputCol = "b", threshold = 0.5 }, nil, "b"),
    { "[0.0,1.0,0.0]", "[0.0,1.0,0.0]", "[0.0,0.0,1.0]", "null" })
  t.same_table(texts(ml.Binarizer { inputCol = "v", outputCol = "b", threshold = -0.1 }, nil, "b"),
    { "[1.0,1.0,1.0]", "[1.0,1.0,1.0]", "[0.0,1.0,1.0]", "null" })
  local multi = ml.Binarizer { inputCols = { "d", "v" }, outputCols = { "a", "b" }, thresholds = { 0.05, 0.15 } }
  t.same_table(texts(multi, nil, "a"), { "1.0", "1.0", "0.0", "null" })
  t.same_table(texts(multi, nil, "b"), { "[0.0,1.0,0.0]", "[0.0,1.0,0.0]", "[0.0,1.0,1.0]", "null" })
  local wide = spark:createDataFrame({ { V.sparse(10, { 1, 5 }, { 0.7, -2.0 }) },
    { V.sparse(10, { 0, 1, 2, 3, 4, 5, 6, 7 }, { -2, -2, -2, -2, -2, -2, -2, -2 }) } }, "v vector")
  t.same_table(texts(ml.Binarizer { inputCol = "v", outputCol = "b", threshold = 0.5 }, wide, "b"),
    { "(10,[1],[1.0])", "(10,[],[])" })
  t.same_table(texts(ml.Binarizer { inputCol = "v", outputCol = "b", threshold = -1 }, wide, "b"),
    { "[1.0,1.0,1.0,1.0,1.0,0.0,1.0,1.0,1.0,1.0]", "(10,[8,9],[1.0,1.0])" })
  t.has(t.raises(function() ml.Binarizer { inputCol = "x", outputCol = "b" }:transform(
    spark:createDataFrame({ { 1 } }, "x int")) end), "Data type int of column x is not supported.")
  t.has(t.raises(function() ml.Binarizer { inputCol = "d", outputCol = "b", thresholds = { 1 } }:transform(df) end),
    "thresholds can't be set for single-column Binarizer.")
  t.has(t.raises(function() ml.Binarizer { inputCols = { "d" }, outputCols = { "b" }, thresholds = { 1, 2 } }
    :transform(df) end), "should have equal lengths, but they have different lengths: (1, 1, 2).")
end)

t.test("VectorSizeHint: the size in the column's metadata, its rows checked as Spark's", function()
  local V = ml.Vectors
  local df = spark:createDataFrame({ { V.dense { 0.1, 0.9, 0.0 }, 1 }, { V.sparse(3, { 1 }, { 0.7 }), 2 }, { nil, 3 } },
    "v vector, i int")
  local hinted = ml.VectorSizeHint { inputCol = "v", size = 3, handleInvalid = "skip" }:transform(df)
  t.eq(hinted.schema.fields[1].ml.size, 3)
  t.same_table(t.rows(hinted:select("i")), { "1", "2" })
  t.has(t.raises(function() ml.VectorSizeHint { inputCol = "v", size = 3 }:transform(df):count() end),
    "column v, row 2: Got null vector in VectorSizeHint, set `handleInvalid` to 'skip' to filter invalid rows.")
  local two = df:where("i < 3")
  t.has(t.raises(function() ml.VectorSizeHint { inputCol = "v", size = 4 }:transform(two):count() end),
    "column v, row 0: VectorSizeHint Expecting a vector of size 4 but got 3")
  t.eq(ml.VectorSizeHint { inputCol = "v", size = 4, handleInvalid = "skip" }:transform(two):count(), 0)
  t.eq(ml.VectorSizeHint { inputCol = "v", size = 4, handleInvalid = "optimistic" }:transform(two):count(), 2)
  t.has(t.raises(function() ml.VectorSizeHint { inputCol = "v", size = 2 }:transform(hinted) end),
    "Trying to set size of vectors in `v` to 2 but size already set to 3.")
  t.has(t.raises(function() ml.VectorSizeHint { inputCol = "i", size = 2 }:transform(df) end),
    "Input column, i must be of Vector type, got int")
  -- a stream's vectors, hinted so that a VectorAssembler knows its width
  local stream = spark.readStream:format("rate"):option("rowsPerSecond", 10):load()
    :select(tide.ml.functions.array_to_vector(tide.functions.array(tide.functions.col("value"):cast("double")))
    :alias("v"))
  local sized = ml.VectorSizeHint { inputCol = "v", size = 1 }:transform(stream)
  t.ok(sized.isStreaming)
  t.eq(sized.schema.fields[1].ml.size, 1)
end)

t.run()
