-- How good the fitted models are: on generated rows, against the Bayes
-- log loss of the planted model (tide.datagen's p_true); on 9,999 real
-- Avazu rows, the seed's pipeline against a converged fit of the same
-- objective (scikit-learn's); the seed's fitted pipeline saved and loaded
-- scores bit for bit the same.
local t = require("testing")
local ffi = require("ffi")
local tide = require("tide")
local batchlib = require("tide.batch")
local base = require("tide.ml.base")
local ml = tide.ml
local spark = tide.session()
local data = dofile("tests/ml/ctr_data.lua")

local root = os.getenv("TIDE_SOURCE_DIR") or "."

local SCHEMA = [[id decimal(38,0), label int, hour int, C1 int, banner_pos int,
  site_id string, site_domain string, site_category string, app_id string, app_domain string, app_category string,
  device_id string, device_ip string, device_model string, device_type int, device_conn_type int,
  C14 int, C15 int, C16 int, C17 int, C18 int, C19 int, C20 int, C21 int]]

-- Rows [0, cut) and [cut, n) of a file, in file order.
local function split(path, schema, cut)
  local all = spark.read:format("csv"):option("header", "true"):schema(schema):load(path):toBatch()
  local n = all:count()
  local function part(lo, hi)
    local drop = ffi.new("uint8_t[?]", n)
    for i = 0, n - 1 do drop[i] = (i >= lo and i < hi) and 0 or 1 end
    return base.frame(spark, (batchlib.dropRows(all, { drop })))
  end
  return part(0, cut), part(cut, n)
end

local function column_values(df, name)
  local b = df:toBatch()
  local col, out = b:column(name), {}
  for i = 0, b:count() - 1 do out[i + 1] = col:get(i) end
  return out
end

-- Generated rows: 200,000 to train on, 50,000 more (the same planted
-- model, one file) to test on.
--
-- The pipeline is the one suited to the planted model, not the seed's. The
-- planted logit is a sum of one weight per value of hour of day, C1,
-- banner_pos, site_id, site_category, app_id, app_category, device_model,
-- device_type, device_conn_type, C15 and C18 (lua/tide/datagen.lua). So:
-- every one of those columns indexed (keep) and one-hot encoded — the
-- model can then represent the truth exactly (hour's 240 YYMMDDHH values
-- cover hour of day) — and nothing else; a converged fit (maxIter 200) with
-- a small L2 penalty on the original scale (standardization false,
-- regParam 1e-4), which shrinks the many rare values that carry no weight.
-- The seed's pipeline cannot get close: it reads C1, banner_pos,
-- device_type, C15, ... as min-max-scaled numbers (one slope where the
-- truth has a weight per value), one-hot encodes the nearly unique
-- device_ip (about as many noise columns as rows) and, with
-- standardization true, hardly penalizes those rare columns; after 10
-- iterations it scores a log loss of 0.527 against a Bayes 0.407 on seed
-- 5's rows (0.421 when converged without standardization).
t.test("on 200,000 generated rows the test log loss is within 0.005 of the Bayes log loss", function()
  local path = t.tempdir() .. "/ctr.csv.gz"
  tide.datagen.ctr { rows = 250000, out = path, seed = 7, truth = true }
  local train, test = split(path, SCHEMA .. ", p_true double", 200000)
  t.eq(train:count(), 200000)
  t.eq(test:count(), 50000)

  -- The Bayes-optimal log loss on these test rows: every row scored with
  -- the probability its click was drawn with.
  local labels, truth = column_values(test, "label"), column_values(test, "p_true")
  local bayes = 0
  for i, y in ipairs(labels) do bayes = bayes - math.log(y == 1 and truth[i] or 1 - truth[i]) end
  bayes = bayes / #labels

  local COLS = { "hour", "C1", "banner_pos", "site_id", "site_category", "app_id", "app_category", "device_model",
    "device_type", "device_conn_type", "C15", "C18" }
  local idx, vec = {}, {}
  for i, c in ipairs(COLS) do idx[i], vec[i] = c .. "_index", c .. "_vec" end
  local model = ml.Pipeline { stages = {
    ml.StringIndexer { inputCols = COLS, outputCols = idx, handleInvalid = "keep" },
    ml.OneHotEncoder { inputCols = idx, outputCols = vec },
    ml.VectorAssembler { inputCols = vec, outputCol = "features" },
    ml.LogisticRegression { maxIter = 200, regParam = 1e-4, standardization = false },
  } }:fit(train)
  local scored = model:transform(test)
  local ll = ml.logLoss(scored)
  local auc = ml.BinaryClassificationEvaluator {}:evaluate(scored)
  io.write(("  log loss %.5f, Bayes %.5f (excess %.5f); AUC %.4f\n"):format(ll, bayes, ll - bayes, auc))
  t.ok(ll - bayes < 0.005, ("log loss %.5f vs Bayes %.5f"):format(ll, bayes))
  -- No model beats the truth by more than chance on 50,000 rows.
  t.ok(ll - bayes > -0.002, ("log loss %.5f below Bayes %.5f: p_true is not the truth"):format(ll, bayes))
  t.ok(model.stages[4].summary.totalIterations < 200, "the fit converged")
end)

-- The real rows: the first 8,999 of Kaggle's train.gz to train on, the
-- other 1,000 to test on; the seed's pipeline (9 indexed and one-hot string
-- columns, 13 min-max-scaled numbers, LogisticRegression(maxIter = 10,
-- regParam = 0.01), standardization true by default), except that the
-- indexers keep unseen values: "skip" would score only the 351 test rows
-- whose device_ip (and every other id) was seen in training.
--
-- Reference, scikit-learn 1.9 on the same features and the same objective
-- (features divided by their unbiased std, C = 1 / (regParam * rows)):
-- newton-cg converges to objective 0.1078775313 with test AUC 0.7293;
-- lbfgs stops early at 0.11391 with AUC 0.7249. tide's L-BFGS converges to
-- the same optimum (0.1078775314) and AUC; after the seed's 10 iterations
-- (objective 0.11304) the AUC is already 0.7253. The test log loss is poor
-- (0.46) with the seed's settings: standardization true leaves the
-- one-hot columns of rare ids almost unpenalized, so the fit memorizes
-- them (0.387 with standardization false, at AUC 0.693).
local avazu = root .. "/tests/ml/data/avazu_10k.csv.gz"

t.test("on the real Avazu rows the seed's pipeline reaches a test AUC of 0.69", function()
  local train, test = split(avazu, SCHEMA, 8999)
  t.eq(train:count(), 8999)
  t.eq(test:count(), 1000)
  local model = ml.Pipeline { stages = data.seedStages("keep") }:fit(train)
  local lr = model.stages[#model.stages]
  t.eq(lr:getMaxIter(), 10)
  t.eq(lr:getRegParam(), 0.01)
  t.eq(lr:getStandardization(), true)
  t.eq(lr.summary.totalIterations, 10)
  local scored = model:transform(test)
  t.eq(scored:count(), 1000, "keep scores every test row")
  local auc = ml.BinaryClassificationEvaluator {}:evaluate(scored)
  io.write(("  seed's pipeline: AUC %.4f, log loss %.4f\n"):format(auc, ml.logLoss(scored)))
  t.ok(auc >= 0.69, "AUC " .. auc)

  -- Converged, the objective is scikit-learn's optimum.
  local converged = ml.Pipeline { stages = data.seedStages("keep",
    ml.LogisticRegression { maxIter = 1000, regParam = 0.01, tol = 1e-12 }) }:fit(train)
  local h = converged.stages[#converged.stages].summary.objectiveHistory
  t.ok(math.abs(h[#h] - 0.1078775313) < 1e-8, ("converged objective %.10f"):format(h[#h]))
  local cauc = ml.BinaryClassificationEvaluator {}:evaluate(converged:transform(test))
  t.ok(math.abs(cauc - 0.7293) < 0.001, "converged AUC " .. cauc)

  -- Saved and loaded, the pipeline scores every row bit for bit the same.
  local dir = t.tempdir()
  model:save(dir .. "/seed")
  local loaded = ml.PipelineModel.load(dir .. "/seed")
  local a, b = model:transform(test):toBatch(), loaded:transform(test):toBatch()
  local pa, pb = a:column("probability"), b:column("probability")
  local same = 0
  for i = 0, a:count() - 1 do
    local x, y = ffi.new("double[1]", pa:get(i)), ffi.new("double[1]", pb:get(i))
    if ffi.string(x, 8) == ffi.string(y, 8) then same = same + 1 end
  end
  t.eq(same, 1000, "bit-identical probabilities")
end)

t.test("raw numeric features far from zero converge at the defaults, as Spark's (centered) do", function()
  -- C1 is 1005 +- a few and C14 ~20000: uncentered, the first step barely
  -- moved the loss and the fit stopped there, an intercept-only model.
  local train = split(avazu, SCHEMA, 9999)
  local features = ml.VectorAssembler { inputCols = { "C1", "banner_pos", "C14", "C15" }, outputCol = "features" }
    :transform(train)
  local fit = ml.LogisticRegression {}:fit(features)
  local best = ml.LogisticRegression { maxIter = 1000, tol = 1e-12 }:fit(features)
  local h, hb = fit.summary.objectiveHistory, best.summary.objectiveHistory
  io.write(("  raw features: %d iterations, objective %.6f (converged %.6f)\n"):format(fit.summary.totalIterations,
    h[#h], hb[#hb]))
  t.ok(h[#h] - hb[#hb] < 1e-4, ("objective %.6f, converged %.6f"):format(h[#h], hb[#hb]))
  t.ok(hb[#hb] < h[1] - 0.005, "the features explain something: " .. h[1] .. " -> " .. hb[#hb])
  t.ok(fit.coefficients[1] > 0.2, "banner_pos " .. tostring(fit.coefficients[1])) -- (0-based, as PySpark's)
end)

t.run()
