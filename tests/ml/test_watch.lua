-- A running query moves to a newer saved model at a batch boundary,
-- without a restart (PipelineModel.watch); models that cannot be loaded or
-- do not fit the query are refused with a warning while the old one keeps
-- scoring; the path is checked at most once per interval.
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local spark = tide.session()

local function sigmoid(m) return 1 / (1 + math.exp(-m)) end
local function near(p, m) return math.abs(p - sigmoid(m)) < 1e-12 end

-- value (the rate source's counter) assembled into features, scored with
-- coefficient 0: every row's probability is sigmoid(intercept).
local function model(intercept, out)
  return ml.PipelineModel.fromStages({
    ml.VectorAssembler { inputCols = { "value" }, outputCol = "features" },
    ml.LogisticRegressionModel.fromCoefficients({ 0 }, intercept, out and { probabilityCol = out } or nil),
  })
end

local function quietly(fn)
  local lines, stderr = {}, io.stderr
  io.stderr = { write = function(_, ...) lines[#lines + 1] = table.concat({ ... }) end }
  local ok, err = pcall(fn)
  io.stderr = stderr
  if not ok then error(err, 0) end
  return table.concat(lines)
end

-- Runs a rate stream through the watched model; on_batch(id, probs) may
-- save models; returns the distinct probabilities of each batch, in order.
local function run_stream(watched, on_batch, seconds)
  local stream = spark.readStream:format("rate"):option("rowsPerSecond", 1000):load()
  local batches = {}
  local q = watched:transform(stream).writeStream:foreachBatch(function(df, id)
    local distinct, list = {}, {}
    for _, r in ipairs(df:select("probability"):collect()) do
      if not distinct[r.probability] then distinct[r.probability] = true; list[#list + 1] = r.probability end
    end
    if #list > 0 then
      batches[#batches + 1] = list
      if on_batch(#batches, list) then batches.done = true end
    end
  end):option("checkpointLocation", t.tempdir() .. "/cp"):trigger { processingTime = "20 milliseconds" }:start()
  local deadline = tide.now() + (seconds or 10)
  while tide.now() < deadline and not batches.done do tide.sleep(0.05) end
  q:stop()
  return batches, q
end

t.test("a query picks up a model saved mid-stream at a batch boundary", function()
  local path = t.tempdir() .. "/m"
  model(-2):save(path)
  local watched = ml.PipelineModel.watch(path, { interval = 0 })
  t.eq(watched.version, 1)
  local saved_at
  local batches, q = run_stream(watched, function(n, list)
    if n == 3 then
      model(2):write():overwrite():save(path) -- mid-stream, from inside the query
      saved_at = n
    end
    if saved_at and n >= saved_at + 3 then return true end
  end)
  -- (run until three batches after the save)
  t.ok(#batches >= 6, "batches: " .. #batches)
  t.ok(q.id ~= nil)
  for n, list in ipairs(batches) do
    t.eq(#list, 1, "batch " .. n .. " is scored by one model")
    t.ok(near(list[1], n <= saved_at and -2 or 2), "batch " .. n .. ": " .. list[1])
  end
  t.eq(watched.version, 2)
  t.eq(watched.model.stages[2].intercept, 2)
end)

t.test("the saved model is checked at most once per interval", function()
  local path = t.tempdir() .. "/m"
  model(-1):save(path)
  local watched = ml.PipelineModel.watch(path, { interval = 0.3 })
  local started = tide.now()
  local batches = run_stream(watched, function(n, list)
    if n == 2 then model(1):write():overwrite():save(path) end
  end, 1.5)
  local elapsed = tide.now() - started
  t.ok(#batches > 20, "batches: " .. #batches)
  t.ok(watched.checks <= math.floor(elapsed / 0.3) + 1, ("%d checks in %.2f s"):format(watched.checks, elapsed))
  t.ok(watched.checks >= 2, "checks: " .. watched.checks)
  -- Found within one interval of the save (plus a batch).
  local switched
  for n, list in ipairs(batches) do
    t.eq(#list, 1, "batch " .. n .. " is scored by one model")
    if near(list[1], 1) and not switched then switched = n end
    if switched then t.ok(near(list[1], 1), "stays on the new model, batch " .. n) end
  end
  t.ok(switched ~= nil, "the new model scored")
  t.eq(watched.version, 2)
end)

t.test("a corrupt or incompatible save is refused; the old model keeps scoring", function()
  local path = t.tempdir() .. "/m"
  model(-3):save(path)
  local watched = ml.PipelineModel.watch(path, { interval = 0 })
  local df = spark:createDataFrame({ { 1 }, { 2 } }, "value long")
  local scored = watched:transform(df)
  t.ok(near(scored:collect()[1].probability, -3))

  -- Corrupt: a data file changed after the save.
  local bad = model(3)
  bad:write():overwrite():save(path)
  local lr_dir = path .. "/stages/1_" .. bad.stages[2].uid
  local f = assert(io.open(lr_dir .. "/data/coefficients.f64", "r+b"))
  f:write("\1")
  f:close()
  local warning = quietly(function() t.ok(near(scored:collect()[1].probability, -3)) end)
  t.ok(warning:find("cannot load the new save: model file .*coefficients.f64: corrupt"), warning)
  t.ok(warning:find("still scoring with model 1"), warning)
  t.eq(watched.version, 1)
  warning = quietly(function() scored:collect() end)
  t.eq(warning, "", "warned once per save")

  -- Incompatible: other output columns.
  model(4, "p"):write():overwrite():save(path)
  warning = quietly(function() t.ok(near(scored:collect()[1].probability, -3)) end)
  t.ok(warning:find("differ from the running model's"), warning)
  t.eq(watched.version, 1)

  -- A good save is taken.
  model(0.5):write():overwrite():save(path)
  t.ok(near(scored:collect()[1].probability, 0.5))
  t.eq(watched.version, 2)

  -- A removed model: nothing to load, the current one stays.
  local errbuf = require("ffi").new("char[256]")
  t.eq(require("tide.ffi").tide_ml_remove_tree(path, errbuf, 256), 0)
  t.ok(near(scored:collect()[2].probability, 0.5))
end)

t.test("watch needs a loadable model to start with", function()
  t.raises(function() ml.PipelineModel.watch(t.tempdir() .. "/none") end, "cannot read model file")
  t.raises(function() ml.PipelineModel.watch(t.tempdir(), { interval = -1 }) end, "interval")
end)

t.run()
