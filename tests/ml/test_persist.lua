-- Model directories: save/load round trips give identical predictions;
-- overwrite rules; truncated or corrupt files fail naming the file.
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local V = ml.Vectors
local spark = tide.session()

local rows = {}
for i = 1, 60 do
  rows[i] = { ({ "a", "b", "c", "d" })[i % 4 + 1], ({ "x", "y", "z" })[i % 3 + 1], i % 7, (i * 37 % 11) / 11,
    (i % 4 == 0 or i % 5 == 0) and 1 or 0 }
end
local df = spark:createDataFrame(rows, "s string, u string, n int, x double, label int")

local function fitted()
  return ml.Pipeline { stages = {
    ml.StringIndexer { inputCols = { "s", "u" }, outputCols = { "si", "ui" }, handleInvalid = "keep" },
    ml.OneHotEncoder { inputCols = { "si", "ui" }, outputCols = { "sv", "uv" } },
    ml.VectorAssembler { inputCols = { "n", "x" }, outputCol = "num" },
    ml.MinMaxScaler { inputCol = "num", outputCol = "numScaled" },
    ml.StandardScaler { inputCol = "num", outputCol = "numStd" },
    ml.VectorAssembler { inputCols = { "numScaled", "numStd", "sv", "uv" }, outputCol = "features" },
    ml.LogisticRegression { maxIter = 20, regParam = 0.01 },
  } }:fit(df)
end

local function put(path, data, mode)
  local f = assert(io.open(path, mode or "wb"))
  f:write(data)
  f:close()
end

local function probabilities(model, input)
  local out = {}
  for i, r in ipairs(model:transform(input):collect()) do out[i] = r.probability end
  return out
end

t.test("a PipelineModel round-trips with identical predictions", function()
  local dir = t.tempdir()
  local model = fitted()
  model:save(dir .. "/m")
  local loaded = ml.PipelineModel.load(dir .. "/m")
  t.eq(#loaded.stages, 7)
  t.eq(loaded.stages[1].uid, model.stages[1].uid)
  t.same_table(loaded.stages[1]:labelsArray(), model.stages[1]:labelsArray())
  t.eq(loaded.stages[7]:getRegParam(), 0.01)
  local unseen = spark:createDataFrame({ { "q", "x", 3, 0.5, 1 } }, "s string, u string, n int, x double, label int")
  t.same_table(probabilities(loaded, df), probabilities(model, df))
  t.same_table(probabilities(loaded, unseen), probabilities(model, unseen))
  local lr = loaded.stages[7]
  t.same_table(lr.coefficients.values, model.stages[7].coefficients.values)
  t.eq(lr.intercept, model.stages[7].intercept)
  t.eq(ml.load(dir .. "/m/stages/6_" .. lr.uid).intercept, lr.intercept)
end)

t.test("the scalers' and encoder's DenseVector attributes load as DenseVectors", function()
  local model = fitted()
  local dir = os.tmpname()
  os.remove(dir)
  model:write():save(dir)
  local loaded = ml.PipelineModel.load(dir)
  os.execute("rm -rf '" .. dir .. "'")
  local enc, mm, ss = model.stages[2], model.stages[4], model.stages[5]
  local enc2, mm2, ss2 = loaded.stages[2], loaded.stages[4], loaded.stages[5]
  t.eq(tostring(enc2.categorySizes), tostring(enc.categorySizes))
  t.eq(enc2.categorySizes[0], 5) -- four labels and keep's unknown
  t.eq(tostring(mm2.originalMin), tostring(mm.originalMin))
  t.eq(mm2.originalMax[1], mm.originalMax[1])
  t.eq(tostring(ss2.std), tostring(ss.std))
  t.eq(ss2.mean[0], ss.mean[0])
end)

t.test("the directory has Spark's layout", function()
  local dir = t.tempdir()
  local model = fitted()
  model:save(dir .. "/m")
  local meta = tide.json.decode(io.open(dir .. "/m/metadata/part-00000"):read("*a"))
  t.eq(meta.class, "org.apache.spark.ml.PipelineModel")
  t.eq(#meta.paramMap.stageUids, 7)
  local lr_dir = ("%s/m/stages/6_%s"):format(dir, model.stages[7].uid)
  local lr_meta = tide.json.decode(io.open(lr_dir .. "/metadata/part-00000"):read("*a"))
  t.eq(lr_meta.class, "org.apache.spark.ml.classification.LogisticRegressionModel")
  t.eq(lr_meta.paramMap.maxIter, 20)
  t.eq(lr_meta.defaultParamMap.threshold, 0.5)
  -- doubles as Spark's DoubleParam writes them (json4s reads 0 as an
  -- integer, which Spark refuses for a double): 0.0, 1.0E-6; ints as ints
  local text = io.open(lr_dir .. "/metadata/part-00000"):read("*a")
  t.has(text, '"regParam":0.0')
  t.has(text, '"tol":1.0E-6')
  t.has(text, '"maxIter":20,')
  local f = io.open(lr_dir .. "/data/coefficients.f64", "rb")
  t.eq(#f:read("*a"), 8 * model.stages[7].numFeatures)
  f:close()
end)

t.test("save refuses an existing path unless overwritten", function()
  local dir = t.tempdir()
  local model = fitted()
  model:save(dir .. "/m")
  t.raises(function() model:save(dir .. "/m") end, "already exists")
  model:write():overwrite():save(dir .. "/m")
  t.eq(#ml.PipelineModel.load(dir .. "/m").stages, 7)
  t.eq(#ml.PipelineModel:load(dir .. "/m").stages, 7, "with ':' too")
end)

-- A fitted model saved under a fresh directory: the directory, the model,
-- its LogisticRegression stage's directory, and that stage's coefficients
-- file with its bytes.
local function saved()
  local dir = t.tempdir()
  local model = fitted()
  model:save(dir .. "/m")
  local lr_dir = ("%s/m/stages/6_%s"):format(dir, model.stages[7].uid)
  local coef = lr_dir .. "/data/coefficients.f64"
  return dir, model, lr_dir, coef, io.open(coef, "rb"):read("*a")
end

-- Writes data into the LogisticRegression stage's data file `name` with
-- the metadata's size and checksum to match, as a save of those bytes
-- would (so that the load gets past both to the decoders).
local function put_checked(lr_dir, name, data)
  local C = require("tide.ffi")
  local ffi = require("ffi")
  put(lr_dir .. "/data/" .. name, data)
  local meta_path = lr_dir .. "/metadata/part-00000"
  local meta = tide.json.decode((io.open(meta_path):read("*a"):gsub("\n+$", "")))
  local hex = ffi.new("char[17]")
  C.tide_ml_checksum(data, #data, hex)
  meta.dataFiles[name].bytes, meta.dataFiles[name].checksum = #data, ffi.string(hex, 16)
  put(meta_path, tide.json.encode(meta) .. "\n")
end

t.test("truncated, corrupt or missing files fail naming the file", function()
  local dir, model, lr_dir, coef, bytes = saved()
  put(coef, bytes:sub(1, 12))
  t.raises(function() ml.PipelineModel.load(dir .. "/m") end, "coefficients.f64: truncated or corrupt")
  put(coef, bytes:sub(1, -2) .. "\1")
  t.raises(function() ml.PipelineModel.load(dir .. "/m") end, "coefficients.f64: corrupt: checksum")
  put(coef, bytes)
  local labels = ("%s/m/stages/0_%s/data/labels_0.bin"):format(dir, model.stages[1].uid)
  os.remove(labels)
  t.raises(function() ml.PipelineModel.load(dir .. "/m") end, "cannot read model file .*labels_0.bin")
  local meta = lr_dir .. "/metadata/part-00000"
  local text = io.open(meta):read("*a")
  put(meta, text:sub(1, 40))
  t.raises(function() ml.LogisticRegressionModel.load(lr_dir) end, "model metadata .*part%-00000")
  local err = t.raises(function() ml.LogisticRegressionModel.load(dir .. "/nope") end,
    "cannot read model file .*/nope/metadata/part%-00000: No such file")
  t.eq(select(2, err:gsub("/nope/", "")), 1) -- the path once
  t.raises(function() ml.LogisticRegressionModel.load(dir .. "/m") end, "holds a org.apache.spark.ml.PipelineModel")
end)

t.test("coefficients holding a NaN of any bits load and predict NaN, never a crash", function()
  local dir, model, lr_dir, _, bytes = saved()
  -- A NaN whose top bits LuaJIT (GC64) reads as a tagged pointer, as a
  -- corrupt or hostile file may hold (found by fuzz_model), saved with a
  -- matching size and checksum so that it passes them.
  local odd_nan = "\xf5\x3f\xc9\xfe\x8f\xff\xfd\xff"
  put_checked(lr_dir, "coefficients.f64", odd_nan .. bytes:sub(9))
  local loaded = ml.PipelineModel.load(dir .. "/m")
  local lr, before = loaded.stages[7], model.stages[7]
  local first = lr.coefficients:toArray()[1]
  t.ok(first ~= first, "the first coefficient is NaN: " .. tostring(first))
  for i = 2, lr.numFeatures do
    t.eq(lr.coefficients:toArray()[i], before.coefficients:toArray()[i], "coefficient " .. i)
  end
  local p = probabilities(loaded, df)
  local nans = 0
  for _, x in ipairs(p) do
    if x ~= x then nans = nans + 1 end
  end
  t.ok(nans > 0 and nans < #p, ("rows with the NaN feature predict NaN (%d of %d)"):format(nans, #p))
end)

t.test("a count in data.json no file could hold fails naming the file, before any allocation", function()
  local dir, _, lr_dir = saved()
  local data = io.open(lr_dir .. "/data/data.json"):read("*a")
  put_checked(lr_dir, "data.json", (data:gsub('"numFeatures":%d+', '"numFeatures":1000000000000')))
  t.raises(function() ml.PipelineModel.load(dir .. "/m") end,
    "coefficients.f64: holds %d+ bytes; 1000000000000 features need 8000000000000")
  local multinomial = '"isMultinomial":true,"numClasses":1000000,"numFeatures":'
  put_checked(lr_dir, "data.json", (data:gsub('"numFeatures":', multinomial)))
  t.raises(function() ml.PipelineModel.load(dir .. "/m") end, "multinomial.f64")
end)

t.test("a model of a newer format version fails naming the file; saves are stamped", function()
  local dir = t.tempdir()
  local model = fitted()
  model:save(dir .. "/m")
  local meta_path = dir .. "/m/metadata/part-00000"
  local meta = tide.json.decode(io.open(meta_path):read("*a"))
  t.eq(meta.formatVersion, 1)
  t.ok(type(meta.saveId) == "string" and #meta.saveId > 8, "saveId")
  local text = io.open(meta_path):read("*a")
  put(meta_path, (text:gsub('"formatVersion":1', '"formatVersion":2')))
  t.raises(function() ml.PipelineModel.load(dir .. "/m") end,
    "model metadata .*/m/metadata/part%-00000: format version 2 is newer than this tide reads %(1%)")
  model:write():overwrite():save(dir .. "/m")
  local again = tide.json.decode(io.open(meta_path):read("*a"))
  t.ok(again.saveId ~= meta.saveId, "each save has its own saveId")
  -- the overwritten model was moved aside and removed: nothing else is left
  local out = t.sh("ls -a " .. dir)
  t.eq(out, ".\n..\nm\n")
end)

t.test("a corrupt label file is caught by its checksum, and by the decoder", function()
  local C = require("tide.ffi")
  local ffi = require("ffi")
  local errbuf = ffi.new("char[256]")
  local bytes = "\2\0\0\0ab\5\0\0\0c"
  t.ok(C.tide_ml_dict_decode(bytes, #bytes, 2, errbuf, 256) == nil)
  t.ok(ffi.string(errbuf):find("truncated: label 1 of 2 needs 5 bytes"), ffi.string(errbuf))
  local dup = "\1\0\0\0a\1\0\0\0a"
  t.ok(C.tide_ml_dict_decode(dup, #dup, 2, errbuf, 256) == nil)
  t.ok(ffi.string(errbuf):find("repeats"), ffi.string(errbuf))
end)

t.test("estimators and the FTRL learner save and load too", function()
  local dir = t.tempdir()
  local lr = ml.LogisticRegression { maxIter = 7, regParam = 0.3 }
  lr:save(dir .. "/lr")
  local back = ml.LogisticRegression.load(dir .. "/lr")
  t.eq(back:getMaxIter(), 7)
  t.eq(back.uid, lr.uid)
  local learner = ml.OnlineLogisticRegression { numFeatures = 4 }
  learner:partialFit(spark:createDataFrame({ { V.sparse(4, { 1 }, { 1 }), 1 }, { V.sparse(4, { 2 }, { 1 }), 0 } },
    "features vector, label double"))
  learner:save(dir .. "/ftrl")
  local again = ml.OnlineLogisticRegression.load(dir .. "/ftrl")
  t.eq(again.rowsSeen, 2)
  t.same_table(again:model().coefficients.values, learner:model().coefficients.values)
  local p = ml.Pipeline { stages = { ml.StringIndexer { inputCol = "s", outputCol = "i" } } }
  p:save(dir .. "/p")
  t.eq(ml.Pipeline.load(dir .. "/p"):getStages()[1]:getInputCol(), "s")
end)

t.test("an infinite or NaN double param is saved as Spark's DoubleParam writes it and loads back", function()
  local dir = t.tempdir()
  ml.Imputer { inputCols = { "x" }, outputCols = { "y" }, missingValue = math.huge }:save(dir .. "/imp")
  local text = io.open(dir .. "/imp/metadata/part-00000"):read("*a")
  t.has(text, '"missingValue":"Inf"')
  t.has(text, '"missingValue":"NaN"') -- (the default)
  t.eq(ml.Imputer.load(dir .. "/imp"):getMissingValue(), math.huge)
end)

t.run()
