-- Spark ML's hypothesis tests (tide.ml.stat: ChiSquareTest, ANOVATest,
-- FValueTest) and the feature selectors built on them
-- (tide.ml.feature_selectors: UnivariateFeatureSelector, ChiSqSelector,
-- VarianceThresholdSelector). Expected values are Apache Spark 3.5.3's
-- for the same rows (PySpark, local; ANOVATest and FValueTest through its
-- JVM classes, which PySpark does not wrap). p-values agree to about
-- 1e-14: Spark's distributions are commons-math's, tide's GSL's.
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local V = ml.Vectors
local spark = tide.session()

-- 120 rows of 8 features: categories related to the label (0, 1, 3),
-- categories that are not (2, 4), a continuous feature related to it (5)
-- and one that is not (6), and one mostly 0 (7); every fourth row sparse.
local function rows()
  local out = {}
  for i = 0, 119 do
    local label = i % 3
    local f = { (i % 3 + math.floor(i / 10) % 2) % 3, (i % 3 * 2 + i % 4) % 5, (i * 7) % 4, (i * i) % 6,
                (math.floor(i / 3) * 5) % 7, label * 1.5 + ((i * 37) % 11) / 10, ((i * 53) % 17) / 3,
                i % 9 == 0 and label or 0 }
    out[i + 1] = { label, t.vector_of(f, i % 4 == 0) }
  end
  return out
end
local df = spark:createDataFrame(rows(), "label double, features vector")

local nan = 0 / 0
local SPARK = {
  chi = { p = { 2.9009017410430715e-12, 0.00021137850346675258, 1.0, 0.0, 1.0, 0.0, 0.9999999935057009, 1.0 },
          dof = { 4, 8, 6, 6, 12, 64, 32, 0 },
          s = { 60.000000000000014, 30.000000000000007, 0.0, 119.99999999999999, 0.0, 240.00000000000023,
                4.821428571428568, 0.0 } },
  anova = { p = { 4.9100273180613385e-08, 0.051958584429050214, 1.0, 0.004046301273317732, 1.0, 0.0,
                  0.9642414708931599, nan },
            dof = { 119, 119, 119, 119, 119, 119, 119, 119 },
            s = { 19.5, 3.033333333333338, 0.0, 5.77777777777777, 0.0, 898.4509656383058, 0.03642486247494032, nan } },
  fvalue = { p = { 0.005890435622748935, 0.43021236473565183, 1.0, 0.004186086481148488, 1.0, 0.0,
                   0.8752319327343389, nan },
             dof = { 118, 118, 118, 118, 118, 118, 118, 118 },
             s = { 7.866666666666665, 0.6265486725663717, 0.0, 8.530120481927709, 0.0, 1799.3293287197152,
                   0.024761428928303762, nan } },
}

local function close(actual, expected, tolerance, what)
  if expected ~= expected then return t.ok(actual ~= actual, what .. ": NaN expected, got " .. tostring(actual)) end
  t.ok(math.abs(actual - expected) <= tolerance * math.max(1, math.abs(expected)),
    ("%s: %.17g, expected %.17g"):format(what, actual, expected))
end

local function check(name, r, third, expected, exact)
  local p, dof, s = r.pValues:toArray(), r.degreesOfFreedom, r[third]:toArray()
  t.eq(#p, #expected.p, name)
  for j = 1, #expected.p do
    close(p[j], expected.p[j], 1e-13, ("%s pValue %d"):format(name, j - 1))
    t.eq(dof[j], expected.dof[j], ("%s degreesOfFreedom %d"):format(name, j - 1))
    -- (a chi-squared statistic is summed in Spark's order, so its bits are
    -- Spark's; the F-values' sums of squares are summed otherwise)
    close(s[j], expected.s[j], exact and 0 or 1e-12, ("%s %s %d"):format(name, third, j - 1))
  end
end

t.test("ChiSquareTest: PySpark's documented example", function()
  local doc = spark:createDataFrame({ { 0.0, V.dense({ 0.5, 10.0 }) }, { 0.0, V.dense({ 1.5, 20.0 }) },
    { 1.0, V.dense({ 1.5, 30.0 }) }, { 0.0, V.dense({ 3.5, 30.0 }) }, { 0.0, V.dense({ 3.5, 40.0 }) },
    { 1.0, V.dense({ 3.5, 40.0 }) } }, "label double, features vector")
  local r = ml.stat.ChiSquareTest.test(doc, "features", "label"):head()
  check("example", r, "statistics", { p = { 0.6872892787909721, 0.6822703303362126 }, dof = { 2, 3 },
    s = { 0.75, 1.5 } }, true)
end)

t.test("ChiSquareTest, ANOVATest, FValueTest: Spark's statistics, degrees of freedom and p-values", function()
  local stat = ml.stat
  check("chi", stat.ChiSquareTest.test(df, "features", "label"):head(), "statistics", SPARK.chi, true)
  check("anova", stat.ANOVATest.test(df, "features", "label"):head(), "fValues", SPARK.anova)
  check("fvalue", stat.FValueTest.test(df, "features", "label"):head(), "fValues", SPARK.fvalue)
  -- Spark's schemas, flattened too: a row a feature
  t.eq(stat.ChiSquareTest.test(df, "features", "label").schema:simpleString(),
    "struct<pValues:vector,degreesOfFreedom:array<int>,statistics:vector>")
  t.eq(stat.ANOVATest.test(df, "features", "label").schema:simpleString(),
    "struct<pValues:vector,degreesOfFreedom:array<bigint>,fValues:vector>")
  local flat = stat.ChiSquareTest.test(df, "features", "label", true)
  t.eq(flat.schema:simpleString(), "struct<featureIndex:int,pValue:double,degreesOfFreedom:int,statistic:double>")
  local rows3 = flat:collect()
  t.eq(#rows3, 8)
  t.eq(rows3[6].featureIndex, 5)
  t.eq(rows3[6].statistic, SPARK.chi.s[6])
  t.eq(stat.FValueTest.test(df, "features", "label", true).schema:simpleString(),
    "struct<featureIndex:int,pValue:double,degreesOfFreedom:bigint,fValue:double>")
  -- any numeric label, read as a double
  local ints = df:withColumn("label", tide.functions.col("label"):cast("int"))
  check("chi of int labels", stat.ChiSquareTest.test(ints, "features", "label"):head(), "statistics", SPARK.chi, true)
end)

t.test("the tests' errors: Spark's type checks, a null, too many categories", function()
  local stat = ml.stat
  t.has(t.raises(function() stat.ChiSquareTest.test(df, "label", "label") end),
    "ChiSquareTest: Column label must be of type vector but was actually double.")
  local named = df:withColumn("name", tide.functions.lit("x"))
  t.has(t.raises(function() stat.ANOVATest.test(named, "features", "name") end),
    "ANOVATest: Column name must be of type numeric but was actually of type string.")
  local nulls = spark:createDataFrame({ { 1.0, V.dense({ 1.0 }) }, { nil, V.dense({ 2.0 }) } },
    "label double, features vector")
  t.has(t.raises(function() stat.ChiSquareTest.test(nulls, "features", "label") end),
    "ChiSquareTest: row 1: the label column label is null")
  local many = spark:range(10002):select(tide.functions.lit(1.0):alias("label"),
    ml.functions.array_to_vector(tide.functions.array(tide.functions.col("id"):cast("double"))):alias("features"))
  t.has(t.raises(function() stat.ChiSquareTest.test(many, "features", "label") end),
    "Chi-square test expect factors (categorical values) but found more than 10000 distinct values in column 0.")
end)

-- Spark's selectedFeatures for each mode (threshold: numTopFeatures 3,
-- percentile 0.25, the others 0.01): by ascending p-value (ties by index)
-- where a count is taken, in index order where a p-value is compared.
local SELECTED = {
  ["categorical categorical"] = { numTopFeatures = { 3, 5, 0 }, percentile = { 3, 5 }, fpr = { 0, 1, 3, 5 },
                                  fdr = { 3, 5, 0, 1 }, fwe = { 0, 1, 3, 5 } },
  ["continuous categorical"] = { numTopFeatures = { 5, 0, 3 }, percentile = { 5, 0 }, fpr = { 0, 3, 5 },
                                 fdr = { 5, 0 }, fwe = { 0, 5 } },
  ["continuous continuous"] = { numTopFeatures = { 5, 3, 0 }, percentile = { 5, 3 }, fpr = { 0, 3, 5 },
                                fdr = { 5 }, fwe = { 5 } },
}
local THRESHOLDS = { numTopFeatures = 3, percentile = 0.25, fpr = 0.01, fdr = 0.01, fwe = 0.01 }

local function list(v) return table.concat(v, ",") end

t.test("UnivariateFeatureSelector: Spark's features for every test and mode; kept in index order", function()
  for types, modes in pairs(SELECTED) do
    local ft, lt = types:match("(%S+) (%S+)")
    for mode, expected in pairs(modes) do
      local selector = ml.UnivariateFeatureSelector { outputCol = "sel", selectionMode = mode }
        :setFeatureType(ft):setLabelType(lt):setSelectionThreshold(THRESHOLDS[mode])
      t.eq(list(selector:fit(df).selectedFeatures), list(expected), types .. " " .. mode)
    end
  end
  -- the output: features 0, 1, 3, 5 of each row, dense rows dense and
  -- sparse rows sparse (Spark: (4,[],[]), [1.0,3.0,1.0,1.9],
  -- [2.0,1.0,4.0,3.8], [0.0,3.0,3.0,0.1], then the sparse row of all four)
  local model = ml.UnivariateFeatureSelector { outputCol = "sel", selectionMode = "fpr", selectionThreshold = 0.01,
    featureType = "categorical", labelType = "categorical" }:fit(df)
  local out = model:transform(df):limit(5):collect()
  t.eq(tostring(out[1].sel), "(4,[],[])")
  t.eq(tostring(out[2].sel), "[1.0,3.0,1.0,1.9]")
  t.eq(tostring(out[4].sel), "[0.0,3.0,3.0,0.1]")
  t.eq(list(out[5].sel:toArray()), "1,2,4,2")
  -- the default threshold of each mode: numTopFeatures 50 keeps all 8
  t.eq(#ml.UnivariateFeatureSelector { featureType = "continuous", labelType = "continuous" }:fit(df)
    .selectedFeatures, 8)
  local function fails(params, text)
    t.has(t.raises(function() ml.UnivariateFeatureSelector(params):fit(df) end), text)
  end
  fails({}, "featureType and labelType need to be set")
  fails({ featureType = "categorical", labelType = "continuous" },
    "Unsupported combination: featureType=categorical, labelType=continuous")
  fails({ featureType = "continuous", labelType = "continuous", selectionThreshold = 2.5 },
    "selectionThreshold needs to be a positive Integer for selection mode numTopFeatures, but got 2.5")
  fails({ featureType = "continuous", labelType = "continuous", selectionMode = "fpr", selectionThreshold = 2 },
    "selectionThreshold needs to be in the range [0, 1] for selection mode fpr, but got 2.0")
end)

t.test("ChiSqSelector and VarianceThresholdSelector: Spark's features; saved and loaded", function()
  local expected = { numTopFeatures = { 0, 3, 5 }, percentile = { 3, 5 }, fpr = { 0, 1, 3, 5 }, fdr = { 0, 1, 3, 5 },
                     fwe = { 0, 1, 3, 5 } }
  for mode, features in pairs(expected) do
    local params = { outputCol = "sel", selectorType = mode }
    params[mode] = THRESHOLDS[mode]
    t.eq(list(ml.ChiSqSelector(params):fit(df).selectedFeatures), list(features), mode)
  end
  local vt = ml.VarianceThresholdSelector { outputCol = "sel", varianceThreshold = 1.0 }:fit(df)
  t.eq(list(vt.selectedFeatures), "1,2,3,4,5,6")
  local out = vt:transform(df):limit(2):collect()
  t.eq(tostring(out[1].sel), "(6,[],[])")
  t.eq(tostring(out[2].sel), "[3.0,3.0,1.0,0.0,1.9,0.6666666666666666]")
  -- a constant feature's variance is 0, however its sum rounds
  local tenths = spark:createDataFrame({ { V.dense({ 0.1, 1 }) }, { V.dense({ 0.1, 2 }) }, { V.dense({ 0.1, 3 }) } },
    "features vector")
  t.eq(list(ml.VarianceThresholdSelector {}:fit(tenths).selectedFeatures), "1")

  local dir = t.tempdir()
  local pipeline = ml.Pipeline { stages = { ml.ChiSqSelector { outputCol = "chi", numTopFeatures = 2 },
    ml.UnivariateFeatureSelector { featuresCol = "chi", outputCol = "u", featureType = "categorical",
                                   labelType = "categorical", selectionThreshold = 1 },
    ml.VarianceThresholdSelector { featuresCol = "features", outputCol = "v" } } }
  local model = pipeline:fit(df)
  model:write():save(dir .. "/m")
  local loaded = ml.PipelineModel.load(dir .. "/m")
  for i = 1, 3 do t.eq(list(loaded.stages[i].selectedFeatures), list(model.stages[i].selectedFeatures)) end
  local function scored(m) return t.rows(m:transform(df):select("chi", "u", "v")) end
  t.same_table(scored(loaded), scored(model))
  t.ok(t.read(dir .. "/m/stages/0_" .. model.stages[1].uid .. "/metadata/part-00000")
    :find('"class":"org.apache.spark.ml.feature.ChiSqSelectorModel"', 1, true), "Spark's class")
end)

t.run()
