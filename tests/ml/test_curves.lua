-- Spark's BinaryClassificationMetrics: the points of a score's curves,
-- down-sampled to numBins as Spark's evaluator (1000 by default) and a
-- logistic regression summary (1000) do, the areas under them, and the
-- summary's curves as DataFrames. Expected values are Apache Spark
-- 3.5.3's over the same rows (one partition, which fixes Spark's bins).
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local spark = tide.session()

-- 2,600 rows whose scores (rounded to 4 digits: 2,032 distinct, some
-- tied) rank the labels weakly, by a fixed generator; weights 1 to 3.
local function rows()
  local uniform = t.uniform(12345)
  local out = {}
  for i = 0, 2599 do
    local x1, x2 = uniform(), uniform()
    local label = uniform() < 0.25 + 0.5 * x1 * x2 and 1 or 0
    local score = math.floor((uniform() * 0.3 + 0.5 * x1 * x2) * 10000 + 0.5) / 10000
    out[#out + 1] = { score, label, 1 + i % 3, x1, x2 }
  end
  return spark:createDataFrame(out, "score double, label int, w int, x1 double, x2 double")
end
local df = rows()

t.test("the evaluator's areas are Spark's: binned by numBins when distinct scores are twice as many or more",
  function()
  t.eq(df:select("score"):distinct():count(), 2032)
  local function area(metric, bins, weighted)
    return ml.BinaryClassificationEvaluator { rawPredictionCol = "score", metricName = metric, numBins = bins,
      weightCol = weighted and "w" or nil }:evaluate(df)
  end
  local SPARK = {
    { 1000, 0.61511527927857879, 0.60946301900853617, 0.50183917741178274, 0.49410202767416439 },
    { 100, 0.61502935995118269, 0.60935950531914396, 0.50245937717395128, 0.49508354949600353 },
    -- (0: every distinct score; 2000: fewer than twice as many, the same)
    { 0, 0.6151337801556459, 0.60948554245725062, 0.50246174115461062, 0.4945541172592729 },
    { 2000, 0.6151337801556459, 0.60948554245725062, 0.50246174115461062, 0.4945541172592729 },
  }
  for _, s in ipairs(SPARK) do
    local bins = s[1]
    t.eq(area("areaUnderROC", bins), s[2], "ROC, numBins " .. bins)
    t.eq(area("areaUnderROC", bins, true), s[3], "weighted ROC, numBins " .. bins)
    t.eq(area("areaUnderPR", bins), s[4], "PR, numBins " .. bins)
    t.eq(area("areaUnderPR", bins, true), s[5], "weighted PR, numBins " .. bins)
  end
  t.eq(ml.BinaryClassificationEvaluator {}:getNumBins(), 1000)
  t.has(t.raises(function() ml.BinaryClassificationEvaluator { numBins = -1 } end), "numBins must be >= 0")
end)

t.test("a summary's curves are DataFrames of Spark's points, binned to 1000; areaUnderROC is under them", function()
  local va = ml.VectorAssembler { inputCols = { "x1", "x2" }, outputCol = "features" }
  -- (fitted to convergence, so that its probabilities rank the rows as
  -- Spark's do; its thresholds are Spark's to 1e-7)
  local s = ml.LogisticRegression { maxIter = 200, regParam = 0.0, tol = 1e-12 }:fit(va:transform(df)).summary
  t.eq(s.areaUnderROC, 0.64159191580658481)
  local function points(name, columns, count)
    local curve = s[name]
    t.same_table(curve.columns, columns)
    local got = curve:collect()
    t.eq(#got, count, name .. " points")
    return got
  end
  -- (2,600 distinct probabilities in runs of 2: 1,300 points; ROC from
  -- (0, 0) to (1, 1), PR from (0, the first precision))
  local roc = points("roc", { "FPR", "TPR" }, 1302)
  t.same_table({ roc[1][1], roc[1][2], roc[3][1], roc[3][2], roc[1302][1], roc[1302][2] },
    { 0, 0, 0.0018645121193287756, 0.0010090817356205853, 1, 1 })
  local pr = points("pr", { "recall", "precision" }, 1301)
  t.same_table({ pr[1][1], pr[1][2], pr[3][2], pr[1300][1], pr[1300][2], pr[1301][2] },
    { 0, 0.5, 0.25, 0.99899091826437947, 0.38106235565819863, 0.38115384615384618 })
  local f = points("fMeasureByThreshold", { "threshold", "F-Measure" }, 1300)
  t.same_table({ f[1][2], f[3][2], f[1300][2] }, { 0.0020140986908358514, 0.0040120361083249749,
    0.55193539404065717 })
  t.ok(math.abs(f[1][1] - 0.6744794194036553) < 1e-7 and math.abs(f[1300][1] - 0.14742359399362082) < 1e-7,
    "thresholds " .. f[1][1] .. " " .. f[1300][1])
  local p = points("precisionByThreshold", { "threshold", "precision" }, 1300)
  t.eq(p[3][2], 0.33333333333333331)
  local r = points("recallByThreshold", { "threshold", "recall" }, 1300)
  t.eq(r[3][2], 0.0020181634712411706)
  -- (each threshold is a probability the model gives, from the highest down)
  t.ok(p[1][1] > p[2][1] and f[1][1] == p[1][1] and r[1300][1] == p[1300][1], "thresholds")
  -- the area under the summary's ROC points, by the trapezoids
  local area = 0
  for i = 2, #roc do area = area + (roc[i][1] - roc[i - 1][1]) * (roc[i][2] + roc[i - 1][2]) / 2 end
  t.ok(math.abs(area - s.areaUnderROC) < 1e-15, "area " .. area)
end)

t.run()
