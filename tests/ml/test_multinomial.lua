-- Multinomial logistic regression, as Spark's: the family rules, the fit
-- (its coefficients, intercepts and first steps), the model's vectors of
-- margins and probabilities, its summary and evaluation, thresholds, one
-- class only, labels Spark refuses, and saving. Expected values are
-- Apache Spark 3.5.3's over the same rows (converged fits to 1e-5: the
-- two stop at slightly different points of the same optimum).
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local spark = tide.session()

-- (tests/ml/multinomial_rows.lua: 1,500 rows of three features and a label
-- 0, 1 or 2 drawn from a softmax of them; weights 1 to 3)
local df = dofile("tests/ml/multinomial_rows.lua")(spark)

local function near(got, want, tol, what)
  t.ok(math.abs(got - want) <= tol, ("%s: %.17g, Spark %.17g"):format(what, got, want))
end

-- The model's coefficient matrix (rows of classes) and intercepts against
-- Spark's.
local function same_model(m, coefficients, intercepts, tol)
  t.eq(m.coefficientMatrix.numRows, #coefficients)
  t.eq(m.coefficientMatrix.numCols, #coefficients[1])
  for i, row in ipairs(coefficients) do
    for j, want in ipairs(row) do
      near(m.coefficientMatrix:get(i - 1, j - 1), want, tol, ("coefficient %d,%d"):format(i, j))
    end
  end
  for k, want in ipairs(intercepts) do near(m.interceptVector[k - 1], want, tol, "intercept " .. k) end
end

t.test("more than two classes fit a multinomial model with Spark's centered coefficients", function()
  local lr = ml.LogisticRegression { maxIter = 500, tol = 1e-12 }
  local m = lr:fit(df)
  t.eq(m.numClasses, 3)
  t.eq(m.numFeatures, 3)
  same_model(m, {
    { -0.8727824368007455, -0.7124330449782234, -0.09349455561528293 },
    { 1.4148127801921442, -1.542990586133005, -0.11979044909744034 },
    { -0.5420303433913988, 2.255423631111228, 0.21328500471272327 },
  }, { 1.6259575911730073, 1.6626141513405108, -3.288571742513518 }, 1e-5)
  -- (without regularization each feature's coefficients and the
  -- intercepts sum to 0 over the classes)
  local sum = 0
  for k = 0, 2 do sum = sum + m.coefficientMatrix:get(k, 1) + m.interceptVector[k] end
  t.ok(math.abs(sum) < 1e-12, "centered: " .. sum)
  -- the start, Spark's: the intercepts from the classes' shares
  local s = m.summary
  t.eq(s.objectiveHistory[1], 1.069436464750964)
  near(s.objectiveHistory[#s.objectiveHistory], 0.9278030016229111, 1e-12, "last objective")
  t.eq(s.accuracy, 0.5646666666666667)
  t.same_table(s.labels, { 0, 1, 2 })
  near(s:weightedFMeasure(), 0.5357506280418569, 1e-15, "weightedFMeasure")
  near(s.weightedPrecision, 0.5456806420368064, 1e-15, "weightedPrecision")
  local f = s:fMeasureByLabel()
  near(f[1], 0.2300884955752212, 1e-15, "F label 0")
  near(f[3], 0.6381679389312978, 1e-15, "F label 2")
  t.has(t.raises(function() return s.areaUnderROC end), "areaUnderROC is a binary summary's")
  t.has(t.raises(function() return s.roc end), "a model of 3 classes has the multiclass metrics")
  -- Spark's: the binomial forms are not there
  t.has(t.raises(function() return m.coefficients end),
    "Multinomial models contain a matrix of coefficients, use coefficientMatrix instead.")
  t.has(t.raises(function() return m.intercept end), "use interceptVector instead")
end)

t.test("its first steps are Spark's: standardized, centered, from the classes' shares", function()
  local m = ml.LogisticRegression { maxIter = 5 }:fit(df)
  same_model(m, {
    { -0.8726984605383563, -0.7124638922117659, -0.09353639570635962 },
    { 1.4142436264890674, -1.5427584394156553, -0.11974613208187145 },
    { -0.5415451659507111, 2.2552223316274214, 0.21328252778823106 },
  }, { 1.626416500957261, 1.6622363068535158, -3.288652807810777 }, 1e-9)
  t.eq(m.summary.totalIterations, 5)
  near(m.summary.objectiveHistory[6], 0.9278030095168626, 1e-13, "objective after 5 steps")
  -- weighted, with an L2 penalty, 3 steps: every objective Spark's
  local w = ml.LogisticRegression { maxIter = 3, weightCol = "w", regParam = 0.01 }:fit(df)
  same_model(w, {
    { -0.8918990368915557, -0.5852660710992157, -0.09194374026872619 },
    { 1.4009101354981048, -1.564763826074814, -0.11135051193039752 },
    { -0.5090110986065507, 2.150029897174025, 0.20329425219911867 },
  }, { 1.5417970066000266, 1.5728810843556933, -3.11467809095572 }, 1e-9)
  local spark_history = { 1.0688450605015687, 0.931507650011021, 0.9290815265483159, 0.9290482756721026 }
  for i, v in ipairs(spark_history) do near(w.summary.objectiveHistory[i], v, 1e-13, "objective " .. i) end
end)

t.test("L2, elastic net without standardization, weights without an intercept: Spark's optimum", function()
  same_model(ml.LogisticRegression { maxIter = 500, tol = 1e-12, regParam = 0.05 }:fit(df), {
    { -0.7358640448107242, -0.574144460336094, -0.07598836185651771 },
    { 1.1683976060768988, -1.271686035981467, -0.09601508612562554 },
    { -0.43253356126617554, 1.8458304963175598, 0.17200344798214065 },
  }, { 1.2566490017524177, 1.3681916068540654, -2.624840608606483 }, 1e-6)
  local en = ml.LogisticRegression { maxIter = 500, tol = 1e-12, regParam = 0.02, elasticNetParam = 0.5,
    standardization = false }:fit(df)
  same_model(en, {
    { -0.1197376034918141, 0.0, 0.0 },
    { 0.8383243525701508, -0.5826931732794931, 0.0 },
    { 0.0, 1.4322113696717218, 0.236728191884691 },
  }, { 0.9293007075656751, 1.2540548915653245, -2.1833555991309996 }, 1e-5)
  -- (the L1 share sets exactly the coefficients Spark's does to 0)
  for _, ij in ipairs({ { 0, 1 }, { 0, 2 }, { 1, 2 }, { 2, 0 } }) do t.eq(en.coefficientMatrix:get(ij[1], ij[2]), 0) end
  same_model(ml.LogisticRegression { maxIter = 500, tol = 1e-12, weightCol = "w", fitIntercept = false }:fit(df), {
    { -0.8612976434127732, -0.46012327483568766, 0.02917840103732755 },
    { 1.5303173549645375, -1.4996904124054256, 0.009560274743730036 },
    { -0.6690197115517644, 1.9598136872411134, -0.03873867578105759 },
  }, { 0, 0, 0 }, 1e-6)
  local weighted = ml.LogisticRegression { maxIter = 500, tol = 1e-12, weightCol = "w", regParam = 0.01 }:fit(df)
  same_model(weighted, {
    { -0.8781314135543051, -0.595310379044111, -0.09278529855490733 },
    { 1.3917662425033022, -1.5620320405118342, -0.11110865550035295 },
    { -0.5136348289490015, 2.157342419555942, 0.20389395405525595 },
  }, { 1.5508663908687272, 1.5753028590789366, -3.126169249947664 }, 1e-5)
  t.eq(weighted.summary.objectiveHistory[1], 1.0688450605015687)
  near(weighted.summary:weightedFMeasure(), 0.5457412968901957, 1e-15, "weighted fit's weightedFMeasure")
end)

t.test("scores: the margins and probabilities as vectors, the class with the largest", function()
  local m = ml.LogisticRegression { maxIter = 500, tol = 1e-12 }:fit(df)
  local scored = m:transform(df)
  local types = {}
  for _, f in ipairs(scored.schema.fields) do types[f.name] = f.dataType:simpleString() end
  t.same_table({ types.rawPrediction, types.probability, types.prediction }, { "vector", "vector", "double" })
  local got = scored:select("features", "rawPrediction", "probability", "prediction"):limit(3):collect()
  local spark_rows = {
    { { -0.8147584355358088, -0.02799597217368599, 0.8427544077094944 },
      { 0.11844803576537392, 0.2601443868759407, 0.6214075773586853 }, 2 },
    { { -0.036699956632576525, 1.2991137825982881, -1.2624138259657114 },
      { 0.1962077945875813, 0.7461957858857491, 0.057596419526669586 }, 1 },
    { { -0.853519654962734, -0.36741017240032114, 1.2209298273630549 },
      { 0.09446312832646309, 0.15359496872553074, 0.7519419029480062 }, 2 },
  }
  for i, want in ipairs(spark_rows) do
    local r = got[i]
    for k = 1, 3 do
      near(r.rawPrediction[k - 1], want[1][k], 1e-5, ("row %d margin %d"):format(i, k))
      near(r.probability[k - 1], want[2][k], 1e-6, ("row %d probability %d"):format(i, k))
    end
    t.eq(r.prediction, want[3])
    -- one vector at a time: the same bits as the column's
    t.eq(m:predictRaw(r.features), r.rawPrediction)
    t.eq(m:predictProbability(r.features), r.probability)
    t.eq(m:predict(r.features), r.prediction)
  end
  -- thresholds: the class whose probability over its threshold is largest
  m:setThresholds({ 0.5, 0.2, 0.3 })
  local counts = {}
  for _, r in ipairs(m:transform(df):groupBy("prediction"):count():orderBy("prediction"):collect()) do
    counts[#counts + 1] = { r.prediction, r.count }
  end
  t.same_table(counts, { { 1, 914 }, { 2, 586 } })
  m:setThresholds({ 0.5, 0.5 })
  t.has(t.raises(function() m:transform(df):count() end),
    "non-matching numClasses and thresholds.length. numClasses=3, but thresholds has length 2")
  t.has(t.raises(function() ml.LogisticRegression { thresholds = { 0.5, 0.5 } }:fit(df) end),
    "LogisticRegression.train() called with non-matching numClasses and thresholds.length")
end)

t.test("the multiclass evaluator's logLoss reads a probability vector at each row's label", function()
  local scored = ml.LogisticRegression { maxIter = 500, tol = 1e-12 }:fit(df):transform(df)
  local function loss(extra)
    return ml.MulticlassClassificationEvaluator(extra):evaluate(scored)
  end
  near(loss { metricName = "logLoss" }, 0.9278030016229111, 1e-12, "logLoss")
  near(loss { metricName = "logLoss", weightCol = "w" }, 0.9241421050057399, 1e-9, "weighted logLoss")
  t.eq(loss { metricName = "accuracy" }, 0.5646666666666667)
  local two = ml.VectorAssembler { inputCols = { "x1", "x2" }, outputCol = "probability" }:transform(
    spark:createDataFrame({ { 0.2, 0.8, 2 } }, "x1 double, x2 double, label int"))
  t.has(t.raises(function() ml.MulticlassClassificationEvaluator { metricName = "logLoss" }:evaluate(two) end),
    "row 0: Invalid label 2: the probability vectors have 2 classes")
end)

t.test("family: multinomial over two classes, binomial refuses three, as Spark", function()
  local m = ml.LogisticRegression { maxIter = 500, tol = 1e-12, family = "multinomial" }:fit(df:where("label < 2"))
  t.eq(m.numClasses, 2)
  same_model(m, {
    { -1.1713604545085485, 0.41060019063648856, 0.009689975313010253 },
    { 1.1713604545085485, -0.41060019063648856, -0.009689975313010253 },
  }, { 0.038659968128276045, -0.038659968128276045 }, 1e-6)
  local r = m:transform(df:where("label < 2")):select("probability", "prediction"):limit(1):collect()[1]
  near(r.probability[1], 0.792113266636141, 1e-7, "P(1)")
  t.eq(r.prediction, 1)
  -- two classes: Spark's binary summary, over the probability vector
  near(m.summary.areaUnderROC, 0.6879029979191819, 1e-9, "areaUnderROC")
  near(m.summary.accuracy, 0.6768558951965066, 1e-15, "accuracy")
  t.has(t.raises(function() ml.LogisticRegression { family = "binomial" }:fit(df) end),
    "Binomial family only supports 1 or 2 outcome classes but found 3.")
  -- auto over two classes stays binomial
  local b = ml.LogisticRegression {}:fit(df:where("label < 2"))
  t.eq(b.coefficientMatrix.numRows, 1)
  t.eq(b.coefficientMatrix:get(0, 2), b.coefficients[2])
  t.eq(b.interceptVector[0], b.intercept)
end)

t.test("one class only: zero coefficients, an infinite intercept for it, as Spark", function()
  local one = df:withColumn("label", tide.functions.lit(2))
  local m
  local warnings = t.stderr_of(function() m = ml.LogisticRegression { family = "multinomial" }:fit(one) end)
  t.has(table.concat(warnings, "\n"), "all labels are 2")
  t.eq(m.numClasses, 3)
  t.eq(tostring(m.interceptVector), "[0.0,0.0,Infinity]")
  t.same_table(m.summary.objectiveHistory, { 0 })
  local r = m:transform(one):select("rawPrediction", "probability", "prediction"):limit(1):collect()[1]
  t.eq(tostring(r.probability), "[0.0,0.0,1.0]")
  t.eq(r.prediction, 2)
end)

t.test("labels Spark refuses, with its messages and the row", function()
  local F = tide.functions
  local function with_label(expr)
    return df:withColumn("label", F.expr(("CASE WHEN x1 < 0.01 THEN %s ELSE label END"):format(expr)))
  end
  t.has(t.raises(function() ml.LogisticRegression {}:fit(with_label("1.5")) end),
    "Labels MUST be Integers, but got 1.5")
  t.has(t.raises(function() ml.LogisticRegression {}:fit(with_label("-1")) end),
    "Labels MUST be in [0, 2147483647), but got -1.0")
  t.has(t.raises(function() ml.LogisticRegression {}:fit(with_label("CAST(NULL AS DOUBLE)")) end),
    "Labels MUST NOT be Null or NaN")
  t.has(t.raises(function() ml.LogisticRegression {}:fit(with_label("100000000")) end),
    "a label is a class index from 0")
end)

t.test("string labels through a Pipeline; saved and loaded, the same scores", function()
  local names = df:withColumn("kind",
    tide.functions.expr("CASE label WHEN 0 THEN 'low' WHEN 1 THEN 'mid' ELSE 'high' END"))
  local pipeline = ml.Pipeline { stages = {
    ml.StringIndexer { inputCol = "kind", outputCol = "kind_idx" },
    ml.LogisticRegression { labelCol = "kind_idx", maxIter = 50 },
  } }
  local model = pipeline:fit(names)
  local lr = model.stages[2]
  t.eq(lr.numClasses, 3)
  local dir = t.tempdir() .. "/m"
  model:write():save(dir)
  local loaded = ml.PipelineModel.load(dir)
  t.eq(loaded.stages[2].coefficientMatrix, lr.coefficientMatrix)
  t.eq(loaded.stages[2].interceptVector, lr.interceptVector)
  t.eq(loaded.stages[2].hasSummary, false)
  local a = model:transform(names):select("probability", "prediction"):collect()
  local b = loaded:transform(names):select("probability", "prediction"):collect()
  t.eq(#a, 1500)
  for i = 1, #a do
    if a[i].probability ~= b[i].probability or a[i].prediction ~= b[i].prediction then
      t.ok(false, "row " .. i .. " differs after loading")
      break
    end
  end
end)

t.test("a multinomial model scores a stream, each row as one vector at a time scores", function()
  local m = ml.LogisticRegression { maxIter = 50 }:fit(df)
  local stream = spark.readStream:format("rate"):option("rowsPerSecond", 2000):load()
    :selectExpr("(value % 100) / 100.0 AS x1", "((value * 7) % 100) / 100.0 AS x2", "10.0 + value % 4 AS x3")
  local scored = m:transform(ml.VectorAssembler { inputCols = { "x1", "x2", "x3" }, outputCol = "features" }
    :transform(stream))
  t.ok(scored.isStreaming)
  local seen, bad = 0, 0
  local q = scored.writeStream:foreachBatch(function(batch)
    for _, r in ipairs(batch:collect()) do
      seen = seen + 1
      if r.probability ~= m:predictProbability(r.features) or r.prediction ~= m:predict(r.features) then
        bad = bad + 1
      end
    end
  end):option("checkpointLocation", t.tempdir() .. "/cp"):trigger { processingTime = "50 milliseconds" }:start()
  tide.sleep(0.4)
  q:stop()
  t.ok(seen > 100, "rows scored: " .. seen)
  t.eq(bad, 0)
end)

t.test("a StringIndexer's labels say how many classes, as Spark's label metadata does", function()
  local names = df:withColumn("kind",
    tide.functions.expr("CASE label WHEN 0 THEN 'low' WHEN 1 THEN 'mid' ELSE 'high' END"))
  local indexer = ml.StringIndexer { inputCol = "kind", outputCol = "idx" }:fit(names)
  -- (the rows of two of its three labels: still three classes, the third
  -- with no rows, and a multinomial fit)
  local two = indexer:transform(names):where("idx < 2"):cache()
  local m = ml.LogisticRegression { labelCol = "idx", maxIter = 3 }:fit(two)
  t.eq(m.numClasses, 3)
  same_model(m, {
    { -1.041375560118098, 1.9750350083754677, 0.1779450556481412 },
    { 1.0662439301604931, -1.943694687788647, -0.18092540362900467 },
    { -0.024868370042395088, -0.03134032058682059, 0.0029803479808634546 },
  }, { -1.823388972810301, 3.4222804771269866, -1.5988915043166856 }, 1e-9)
  local spark_history = { 1.0986078716716197, 0.7201041087716497, 0.6189623114419166, 0.5822905161628834 }
  for i, v in ipairs(spark_history) do near(m.summary.objectiveHistory[i], v, 1e-13, "objective " .. i) end
  t.same_table(m.summary.labels, { 0, 1 })
  near(m.summary.accuracy, 0.7167381974248928, 1e-15, "accuracy")
  t.has(t.raises(function() ml.LogisticRegression { labelCol = "idx", family = "binomial" }:fit(two) end),
    "Binomial family only supports 1 or 2 outcome classes but found 3.")
  -- a cast is a plain number, without the labels: two classes
  t.eq(ml.LogisticRegression { labelCol = "i", maxIter = 3 }:fit(two:withColumn("i",
    tide.functions.col("idx"):cast("double"))).numClasses, 2)
end)

t.run()
