-- The Params API every stage, model and evaluator has, as
-- pyspark.ml.param.Params (explainParam's "name: doc (default: x,
-- current: y)", isSet, hasDefault, extractParamMap, ...), and the
-- RegressionEvaluator against PySpark's documented example, values Spark
-- 3.5.3 gives for it, and Spark's RegressionMetrics formulas worked out
-- here row by row.
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local spark = tide.session()

local nan = 0 / 0

-- ---- Params -----------------------------------------------------------------------------------

t.test("explainParam: PySpark's text, values as Python prints them", function()
  local lr = ml.LogisticRegression { maxIter = 10 }
  t.eq(lr:explainParam("maxIter"), "maxIter: max number of iterations (>= 0). (default: 100, current: 10)")
  t.eq(lr:explainParam("tol"), "tol: the convergence tolerance for iterative algorithms (>= 0). (default: 1e-06)")
  t.eq(lr:explainParam("fitIntercept"), "fitIntercept: whether to fit an intercept term. (default: True)")
  t.eq(lr:explainParam("regParam"), "regParam: regularization parameter (>= 0). (default: 0.0)")
  t.eq(lr:explainParam("weightCol"), "weightCol: weight column name. If this is not set or empty, we treat all "
    .. "instance weights as 1.0. (undefined)")
  t.eq(ml.VectorAssembler { inputCols = { "a", "b" } }:explainParam("inputCols"),
    "inputCols: input column names. (current: ['a', 'b'])")
  t.eq(ml.Imputer {}:explainParam("missingValue"), "missingValue: The placeholder for the missing values. All "
    .. "occurrences of missingValue will be imputed. (default: nan)")
  t.eq(ml.Bucketizer { splits = { -math.huge, 0.5, 2, math.huge } }:explainParam("splits"):match("%([^()]*%)$"),
    "(current: [-inf, 0.5, 2.0, inf])")
  t.eq(ml.QuantileDiscretizer { numBucketsArray = { 5, 10 } }:explainParam("numBucketsArray"):match("%([^()]*%)$"),
    "(current: [5, 10])")
  -- a param of a stage's own meaning has the stage's doc
  t.eq(ml.StringIndexer {}:explainParam("handleInvalid"), "handleInvalid: how to handle invalid data (unseen or "
    .. "NULL values) in features and label column of string type. Options are 'skip' (filter out rows with "
    .. "invalid data), error (throw an error), or 'keep' (put invalid data in a special additional bucket, at "
    .. "index numLabels). (default: error)")
  -- a param is named by a string, or by a stage.params entry
  t.eq(lr:explainParam(lr:getParam("maxIter")), lr:explainParam("maxIter"))
end)

t.test("explainParams: every param, sorted by name, one a line", function()
  local b = ml.Bucketizer { inputCol = "x", outputCol = "y" }
  local lines = {}
  for line in (b:explainParams() .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = line:match("^(%w+):") end
  t.same_table(lines, { "handleInvalid", "inputCol", "inputCols", "outputCol", "outputCols", "splits",
    "splitsArray" })
end)

t.test("params, getParam, hasParam, isSet, hasDefault, isDefined, getOrDefault, clear", function()
  local si = ml.StringIndexer { inputCol = "s" }
  local names = {}
  for i, p in ipairs(si.params) do names[i] = p.name end
  t.same_table(names, { "handleInvalid", "inputCol", "inputCols", "outputCol", "outputCols", "stringOrderType" })
  t.eq(si.params[2].doc, "input column name.")
  local p = si:getParam("inputCol")
  t.eq(p.parent, si.uid)
  t.eq(tostring(p), si.uid .. "__inputCol")
  t.ok(si:hasParam("stringOrderType") and not si:hasParam("nope"), "hasParam")
  t.raises(function() si:hasParam(1) end, "paramName must be a string")
  t.ok(si:isSet("inputCol") and not si:isSet("handleInvalid"), "isSet")
  t.ok(si:hasDefault("handleInvalid") and not si:hasDefault("inputCol"), "hasDefault")
  t.ok(si:isDefined("inputCol") and si:isDefined("handleInvalid") and not si:isDefined("outputCol"), "isDefined")
  si:setHandleInvalid("keep")
  t.eq(si:getOrDefault("handleInvalid"), "keep")
  t.eq(si:clear("handleInvalid"), si)
  t.ok(not si:isSet("handleInvalid"), "cleared")
  t.eq(si:getOrDefault("handleInvalid"), "error")
  t.raises(function() si:isSet("nope") end, 'StringIndexer has no parameter "nope"')
  t.raises(function() si:explainParam("nope") end, "parameters: handleInvalid, inputCol")
end)

t.test("a stage's param attribute is the Param, as PySpark's lr.maxIter", function()
  local lr = ml.LogisticRegression { maxIter = 5 }
  local p = lr.maxIter
  t.eq(p.name, "maxIter")
  t.eq(p.parent, lr.uid)
  t.eq(p.doc, "max number of iterations (>= 0).")
  t.eq(tostring(p), lr.uid .. "__maxIter")
  t.eq(lr:getOrDefault(lr.maxIter), 5)
  t.eq(lr:getOrDefault(lr.regParam), 0)
  lr:set(lr.maxIter, 7)
  t.eq(lr:getMaxIter(), 7)
  t.ok(lr:isSet(lr.maxIter) and not lr:isSet(lr.regParam))
  t.eq(lr.nope, nil)
  -- a stage's own attributes are what they were
  local df = spark:createDataFrame({ { ml.Vectors.dense { 1 }, 0 }, { ml.Vectors.dense { 2 }, 1 } },
    "features vector, label double")
  local model = lr:fit(df)
  t.eq(model.coefficients.size, 1)
  t.eq(model.threshold.name, "threshold")
  local indexer = ml.StringIndexer { inputCol = "s", outputCol = "i" }
    :fit(spark:createDataFrame({ { "a" } }, "s string"))
  t.same_table({ unpack(indexer.labels) }, { "a" })
  t.eq(indexer.handleInvalid.name, "handleInvalid")
  t.eq(ml.Pipeline { stages = { lr } }.stages.name, "stages")
  t.eq(#ml.PipelineModel.fromStages({ model }).stages, 1)
  -- PySpark's grid: by Params, the same maps as by names
  local by_params = ml.ParamGridBuilder():addGrid(lr.regParam, { 0.1, 0.01 }):baseOn(lr.maxIter, 10)
    :baseOn({ [lr.tol] = 1e-4 }):build()
  local by_names = ml.ParamGridBuilder():addGrid(lr, "regParam", { 0.1, 0.01 }):baseOn(lr, "maxIter", 10)
    :baseOn(lr, "tol", 1e-4):build()
  t.eq(#by_params, 2)
  for i = 1, 2 do t.eq(tostring(by_params[i]), tostring(by_names[i])) end
  t.has(t.raises(function() ml.ParamGridBuilder():addGrid(lr.regParam, { -1 }) end), "regParam must be >= 0")
end)

t.test("extractParamMap: defaults < values set < extra; copy(extra)", function()
  local lr = ml.LogisticRegression { maxIter = 10 }
  local m = lr:extractParamMap()
  t.eq(m.maxIter, 10)
  t.eq(m.regParam, 0.0)
  t.eq(m.weightCol, nil)
  m = lr:extractParamMap { maxIter = 20, weightCol = "w" }
  t.eq(m.maxIter, 20)
  t.eq(m.weightCol, "w")
  t.eq(lr:getMaxIter(), 10, "extra changes nothing on the stage")
  t.raises(function() lr:extractParamMap { nope = 1 } end, "no parameter")
  local c = lr:copy { regParam = 0.5 }
  t.eq(c.uid, lr.uid)
  t.eq(c:getRegParam(), 0.5)
  t.eq(c:getMaxIter(), 10)
  t.eq(lr:getRegParam(), 0.0)
end)

t.test("every stage, model and evaluator explains each of its params with a doc", function()
  local seen = 0
  for name, cls in pairs(ml) do
    if type(cls) == "table" and cls._sparkClass and cls.new then
      local stage = cls.new()
      for _, p in ipairs(stage.params) do
        t.ok(p.doc ~= "", name .. "." .. p.name .. " has a doc")
        t.ok(stage:explainParam(p.name):find("^" .. p.name .. ": .+ %(.+%)$"), stage:explainParam(p.name))
      end
      local text = stage:explainParams()
      t.eq(select(2, text:gsub("%(default: ", "")) + select(2, text:gsub("%(current: ", ""))
        + select(2, text:gsub("%(undefined%)", "")), #stage.params, name)
      seen = seen + 1
    end
  end
  t.ok(seen >= 20, "classes: " .. seen)
end)

-- ---- fit(df, params), transform(df, params) -------------------------------------------------

t.test("fit and transform take a param map, fit a list of them, as PySpark's", function()
  local rows = {}
  for i = 1, 40 do rows[i] = { i % 3 == 0 and 1.0 or 0.0, ml.Vectors.dense({ i / 10, (i % 5) / 2 }) } end
  local df = spark:createDataFrame(rows, "label double, features vector")
  local lr = ml.LogisticRegression { maxIter = 20 }
  local function coef(m) return table.concat(m.coefficients:toArray(), ",") end
  -- a map of Params, of names, or a grid's map: applied to a copy, the
  -- estimator left as it was, the model of the same uid
  local two = lr:fit(df, { [lr.maxIter] = 2 })
  t.eq(two:getMaxIter(), 2)
  t.eq(lr:getMaxIter(), 20)
  t.eq(two.uid, lr.uid)
  t.eq(coef(two), coef(lr:copy({ maxIter = 2 }):fit(df)))
  t.ok(coef(two) ~= coef(lr:fit(df)), "two steps are not twenty")
  t.eq(coef(lr:fit(df, { maxIter = 2 })), coef(two))
  -- a list of maps: a model for each, in order
  local grid = ml.ParamGridBuilder():addGrid(lr.regParam, { 0.1, 0.5 }):build()
  local models = lr:fit(df, grid)
  t.eq(#models, 2)
  t.eq(models[1]:getRegParam(), 0.1)
  t.eq(models[2]:getRegParam(), 0.5)
  t.eq(coef(models[2]), coef(lr:copy({ regParam = 0.5 }):fit(df)))
  -- a Pipeline's stage's Param reaches the stage
  local pm = ml.Pipeline { stages = { lr } }:fit(df, { [lr.maxIter] = 2 })
  t.eq(coef(pm.stages[1]), coef(two))
  -- transform: the model's threshold for this call only
  local model = lr:fit(df)
  local function positives(scored) return scored:filter("prediction = 1.0"):count() end
  t.eq(positives(model:transform(df, { [model.threshold] = 0.999 })), 0)
  t.eq(positives(model:transform(df, { threshold = 0.001 })), 40)
  t.ok(positives(model:transform(df)) < 40, "threshold 0.5 predicts some 0s")
  t.eq(model:getThreshold(), 0.5)
  t.raises(function() lr:fit(df, 5) end, "LogisticRegression.fit: params must be a param map")
  t.raises(function() lr:fit(df, { [ml.VectorAssembler {}.outputCol] = "x" }) end,
    "neither the estimator %(LogisticRegression_")
end)

-- ---- RegressionEvaluator ------------------------------------------------------------------

-- PySpark's RegressionEvaluator docstring data.
local ROWS = { { -28.98343821, -27.0, 1.0 }, { 20.21491975, 21.5, 0.8 }, { -25.98418959, -22.0, 1.0 },
               { 30.69731842, 33.0, 0.6 }, { 74.69283752, 71.0, 0.2 } }
local scored = spark:createDataFrame(ROWS, "raw double, label double, weight double")

-- Spark's RegressionMetrics, written out: the (weighted) means of the
-- squared and absolute residuals, Σw(p - ȳ)²/W, and 1 - SSerr/SStot with
-- SStot = Σw(y - ȳ)² · (W - 1)/(W - Σw²/W) (its summarizer's unbiased
-- weighted variance times W - 1), or 1 - SSerr/Σwy² through the origin.
local function by_hand(weighted, metric, origin)
  local W, W2, Sy = 0, 0, 0
  for _, r in ipairs(ROWS) do
    local w = weighted and r[3] or 1
    W, W2, Sy = W + w, W2 + w * w, Sy + w * r[2]
  end
  local ybar = Sy / W
  local sse, sae, ssreg, m2, ssy = 0, 0, 0, 0, 0
  for _, r in ipairs(ROWS) do
    local w, p, y = weighted and r[3] or 1, r[1], r[2]
    sse, sae = sse + w * (y - p) ^ 2, sae + w * math.abs(y - p)
    ssreg, m2, ssy = ssreg + w * (p - ybar) ^ 2, m2 + w * (y - ybar) ^ 2, ssy + w * y * y
  end
  if metric == "mse" then return sse / W end
  if metric == "rmse" then return math.sqrt(sse / W) end
  if metric == "mae" then return sae / W end
  if metric == "var" then return ssreg / W end
  if origin then return 1 - sse / ssy end
  return 1 - sse / (m2 * (W - 1) / (W - W2 / W))
end

local function close(actual, expected, what)
  t.ok(math.abs(actual - expected) <= 1e-12 * math.max(1, math.abs(expected)),
    ("%s: %.17g, expected %.17g"):format(what, actual, expected))
end

t.test("RegressionEvaluator: PySpark's documented example", function()
  -- (the docstring's "2.842..." : the digits before the ellipsis)
  local function digits(x) return ("%.10f"):format(x):sub(1, 5) end
  local e = ml.RegressionEvaluator {}
  e:setPredictionCol("raw")
  t.eq(digits(e:evaluate(scored)), "2.842")
  t.eq(digits(e:evaluate(scored, { metricName = "r2" })), "0.993")
  t.eq(digits(e:evaluate(scored, { metricName = "mae" })), "2.649")
  local w = ml.RegressionEvaluator { predictionCol = "raw", weightCol = "weight" }
  t.eq(digits(w:evaluate(scored)), "2.740")
  t.eq(w:getThroughOrigin(), false)
end)

t.test("RegressionEvaluator: every metric, weighted or not, through the origin or not", function()
  -- Spark 3.5.3 on this data (RegressionEvaluator.evaluate)
  local SPARK = {
    ["false false"] = { rmse = 2.842485408190637, mse = 8.079723295776693, r2 = 0.9939111025985887,
                        mae = 2.6496454299999996, var = 1490.8300418309768 },
    ["false true"] = { r2 = 0.9948241739241045 },
    ["true false"] = { rmse = 2.7405268190953493, mse = 7.510487246180873, r2 = 0.9911640744346694,
                       mae = 2.5321856811111108, var = 980.9231053074155 },
    ["true true"] = { r2 = 0.9916663314985048 },
  }
  for _, weighted in ipairs({ false, true }) do
    for _, origin in ipairs({ false, true }) do
      for _, metric in ipairs({ "rmse", "mse", "r2", "mae", "var" }) do
        local e = ml.RegressionEvaluator { predictionCol = "raw", metricName = metric, throughOrigin = origin,
          weightCol = weighted and "weight" or nil }
        local got = e:evaluate(scored)
        local what = ("%s weighted=%s origin=%s"):format(metric, tostring(weighted), tostring(origin))
        close(got, by_hand(weighted, metric, origin), what)
        local spark_value = SPARK[tostring(weighted) .. " " .. tostring(origin)][metric]
          or SPARK[tostring(weighted) .. " false"][metric]
        close(got, spark_value, what .. " (Spark 3.5.3)")
      end
    end
  end
end)

t.test("RegressionEvaluator: isLargerBetter as Spark's; rows of weight 0 count for nothing", function()
  for metric, larger in pairs({ rmse = false, mse = false, mae = false, r2 = true, var = true }) do
    t.eq(ml.RegressionEvaluator { metricName = metric }:isLargerBetter(), larger, metric)
  end
  t.raises(function() ml.RegressionEvaluator { metricName = "mape" } end, "must be one of rmse, mse, r2, mae, var")
  local more = {}
  for i, r in ipairs(ROWS) do more[i] = r end
  more[#more + 1] = { 1e6, -1e6, 0.0 }
  local df = spark:createDataFrame(more, "raw double, label double, weight double")
  for _, metric in ipairs({ "rmse", "r2", "var" }) do
    local e = ml.RegressionEvaluator { predictionCol = "raw", weightCol = "weight", metricName = metric }
    close(e:evaluate(df), by_hand(true, metric, false), metric)
  end
end)

t.test("RegressionEvaluator: other numeric columns; invalid values fail naming the row", function()
  local ints = spark:createDataFrame({ { 1.0, 1, 2 }, { 2.0, 3, 1 } }, "p float, y int, w long")
  close(ml.RegressionEvaluator { predictionCol = "p", labelCol = "y", weightCol = "w", metricName = "mse" }
    :evaluate(ints), (0 + 1) / 3, "float prediction, int label, long weight")
  t.has(t.raises(function() ml.RegressionEvaluator { predictionCol = "y", labelCol = "p" }:evaluate(ints) end),
    "Column y must be of type equal to one of the following types: [double, float] but was actually of type int.")
  local function fails(rows, text, params)
    local df = spark:createDataFrame(rows, "prediction double, label double, weight double")
    local e = ml.RegressionEvaluator(params or { weightCol = "weight" })
    t.has(t.raises(function() e:evaluate(df) end), text)
  end
  fails({ { 1.0, 1.0, 1.0 }, { 1.0, nil, 1.0 } }, "RegressionEvaluator: label column label, row 1: Invalid label null")
  fails({ { 1.0, 1.0, 1.0 }, { nan, 1.0, 1.0 } }, "prediction column prediction, row 1: Invalid prediction NaN")
  fails({ { 1.0, 1.0, 1.0 }, { 1.0, 1.0, -1.0 } },
    "weight column weight, row 1: Weights MUST NOT be Negative or Infinity, but got -1.0")
  fails({ { 1.0, 1.0, 1.0 }, { 1.0, 1.0, math.huge } }, "Weights MUST NOT be Negative or Infinity, but got Infinity")
  fails({ { 1.0, 1.0, nil } }, "row 0: Weights MUST NOT be Null or NaN")
  fails({ { 1.0, 1.0, 0.0 } }, "Nothing has been added to this summarizer")
  fails({}, "Nothing has been added to this summarizer", {})
end)

t.test("RegressionEvaluator: saves and loads in Spark's layout", function()
  local dir = t.tempdir() .. "/re"
  ml.RegressionEvaluator { predictionCol = "raw", metricName = "mae" }:save(dir)
  local loaded = ml.RegressionEvaluator.load(dir)
  t.eq(loaded:getPredictionCol(), "raw")
  t.eq(loaded:getMetricName(), "mae")
  t.ok(t.read(dir .. "/metadata/part-00000"):find('"class":"org.apache.spark.ml.evaluation.RegressionEvaluator"',
    1, true), "class")
end)

t.run()
