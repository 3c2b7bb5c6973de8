-- LogisticRegression's bounds on coefficients and intercepts, as
-- Spark's: the constrained optimum (binomial and multinomial, with and
-- without standardization), the params' checks with Spark's messages,
-- and the params saved as Spark writes them. Expected values are Apache
-- Spark 3.5.3's over the same rows (tests/ml/test_multinomial.lua's).
-- Where the bounded problem has a flat direction (intercepts shifted
-- together, unregularized), only what the optimum fixes is compared: the
-- objective, the coefficients, the intercepts' differences.
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local M, V = ml.Matrices, ml.Vectors
local spark = tide.session()

local df = dofile("tests/ml/multinomial_rows.lua")(spark)
local binary = df:where("label < 2"):cache()

local function near(got, want, tol, what)
  t.ok(math.abs(got - want) <= tol, ("%s: %.17g, Spark %.17g"):format(what, got, want))
end

local function fit(params, data)
  params.maxIter, params.tol = 500, 1e-12
  return ml.LogisticRegression(params):fit(data)
end

-- The coefficients (rows of classes) against Spark's; a bound Spark's
-- answer sits on is the same bits.
local function same_coefficients(m, want, tol)
  for i, row in ipairs(want) do
    for j, w in ipairs(row) do
      local got = m.coefficientMatrix:get(i - 1, j - 1)
      if w == 0 or w == 1 or w == -1 or w == 0.5 then t.eq(got, w, ("coefficient %d,%d"):format(i, j))
      else near(got, w, tol, ("coefficient %d,%d"):format(i, j)) end
    end
  end
end

local function last_objective(m) return m.summary.objectiveHistory[#m.summary.objectiveHistory] end

t.test("binomial: non-negative coefficients, an intercept at most 0; Spark's optimum", function()
  local m = fit({ lowerBoundsOnCoefficients = M.dense(1, 3, { 0, 0, 0 }), upperBoundsOnIntercepts = V.dense { 0 } },
    binary)
  same_coefficients(m, { { 2.2844369786280114, 0, 0 } }, 1e-4)
  near(m.intercept, -0.6183357164014907, 1e-4, "intercept")
  near(last_objective(m), 0.6115707315950387, 1e-9, "objective")
  -- (Spark's start: the log-odds intercept, here above its bound, held at it)
  near(m.summary.objectiveHistory[1], 0.693147180559936, 1e-15, "first objective")
  -- coefficients bounded only: the features centered as without bounds
  local c = fit({ lowerBoundsOnCoefficients = M.dense(1, 3, { 0, 0, 0 }) }, binary)
  same_coefficients(c, { { 2.2844443877643505, 0, 0 } }, 1e-5)
  near(c.intercept, -0.618321338111173, 1e-5, "intercept")
  near(c.summary.objectiveHistory[1], 0.6566387250536562, 1e-15, "first objective")
end)

t.test("binomial, L2 without standardization, both bounds", function()
  local m = fit({ regParam = 0.02, standardization = false, lowerBoundsOnCoefficients = M.dense(1, 3, { -0.5, -0.5,
    -0.5 }), upperBoundsOnCoefficients = M.dense(1, 3, { 0.5, 0.5, 0.5 }) }, binary)
  same_coefficients(m, { { 0.5, -0.31319752638156545, 0.0013882254245361724 } }, 1e-4)
  near(m.intercept, 0.3985528491790806, 1e-4, "intercept")
  near(last_objective(m), 0.6393533954760648, 1e-9, "objective")
end)

t.test("multinomial: bounded coefficients and intercepts, not centered", function()
  local m = fit({ regParam = 0.01, upperBoundsOnCoefficients = M.dense(3, 3, { 1, 1, 1, 1, 1, 1, 1, 1, 1 }),
    lowerBoundsOnIntercepts = { -1, -1, -1 } }, df)
  same_coefficients(m, {
    { -1.1600083759702202, -1.6940866590945387, -0.08839071998152964 },
    { 1, -2.4976802146885833, -0.11201167023131708 },
    { -0.8215967741924007, 1, 0.20040239021315742 },
  }, 1e-4)
  near(last_objective(m), 0.9344477437270466, 1e-9, "objective")
  -- (the intercepts may shift together, the loss and penalty the same:
  -- their differences are the optimum's, and none is below -1; without
  -- the features centered, x3's coefficient and the intercepts trade off
  -- nearly freely, so both fits stop within 1e-3 of them)
  local spark_intercepts = { 3.5565349105208397, 3.620545196386683, -0.9898387425953891 }
  local b = m.interceptVector
  near(b[1] - b[0], spark_intercepts[2] - spark_intercepts[1], 1e-3, "intercept 1 - 0")
  near(b[2] - b[0], spark_intercepts[3] - spark_intercepts[1], 1e-3, "intercept 2 - 0")
  t.ok(b[2] >= -1, "intercept 2 within its bound: " .. b[2])
  -- unregularized: a bound on each coefficient, the objective Spark's
  local d = fit({ lowerBoundsOnCoefficients = M.dense(3, 3, { -1, -1, -1, -1, -1, -1, -1, -1, -1 }) }, df)
  t.eq(d.coefficientMatrix:get(1, 1), -1)
  near(last_objective(d), 0.9278030020740219, 1e-9, "objective")
end)

t.test("the checks Spark makes, with its messages", function()
  local function fails(params, message)
    t.has(t.raises(function() ml.LogisticRegression(params):fit(binary) end), message)
  end
  fails({ elasticNetParam = 0.5, regParam = 0.1, lowerBoundsOnIntercepts = V.dense { 0 } },
    "Fitting under bound constrained optimization only supports L2 regularization, but got elasticNetParam = 0.5.")
  fails({ fitIntercept = false, lowerBoundsOnIntercepts = { 0 } },
    "Please don't set bounds on intercepts if fitting without intercept.")
  fails({ lowerBoundsOnCoefficients = M.dense(1, 2, { 0, 0 }) }, "The shape of LowerBoundsOnCoefficients must be "
    .. "compatible with (1, number of features) for binomial regression, or (number of classes, number of features) "
    .. "for multinomial regression, but found: (1, 2).")
  fails({ upperBoundsOnIntercepts = { 0, 1 } }, "The size of upperBoundsOnIntercepts must be equal to 1 for binomial "
    .. "regression, or the number of classes for multinomial regression, but found: 2.")
  fails({ lowerBoundsOnCoefficients = M.dense(1, 3, { 0, 0, 1 }), upperBoundsOnCoefficients = M.dense(1, 3,
    { 1, 1, 0 }) }, "LowerBoundsOnCoefficients should always be less than or equal to upperBoundsOnCoefficients, but "
    .. "found: lowerBoundsOnCoefficients = 0.0  0.0  1.0  , upperBoundsOnCoefficients = 1.0  1.0  0.0  .")
  fails({ lowerBoundsOnIntercepts = { 1 }, upperBoundsOnIntercepts = { 0 } }, "LowerBoundsOnIntercepts should always "
    .. "be less than or equal to upperBoundsOnIntercepts, but found: lowerBoundsOnIntercepts = [1.0], "
    .. "upperBoundsOnIntercepts = [0.0].")
  t.has(t.raises(function() ml.LogisticRegression { lowerBoundsOnCoefficients = { 1, 2 } } end),
    "Could not convert a Lua table to matrix")
  t.has(t.raises(function() ml.LogisticRegression { lowerBoundsOnIntercepts = "x" } end),
    "Could not convert x to vector")
  t.has(t.raises(function() ml.LogisticRegression { maxBlockSizeInMB = -1 } end), "maxBlockSizeInMB must be >= 0")
end)

t.test("the bounds saved as Spark writes them, and loaded", function()
  local lr = ml.LogisticRegression { maxIter = 3, lowerBoundsOnCoefficients = M.dense(1, 3, { 0, 0, 0 }),
    upperBoundsOnIntercepts = { 0.5 } }
  local dir = t.tempdir() .. "/lr"
  lr:write():save(dir)
  local f = assert(io.open(dir .. "/metadata/part-00000"))
  local meta = require("tide.json").decode(f:read("*a"))
  f:close()
  t.same_table(meta.paramMap.lowerBoundsOnCoefficients, { class = "matrix", type = 1, numRows = 1, numCols = 3,
    values = { 0, 0, 0 }, isTransposed = false })
  t.same_table(meta.paramMap.upperBoundsOnIntercepts, { type = 1, values = { 0.5 } })
  t.eq(meta.defaultParamMap.maxBlockSizeInMB, 0)
  local back = ml.LogisticRegression.load(dir)
  t.eq(back:getLowerBoundsOnCoefficients(), lr:getLowerBoundsOnCoefficients())
  t.eq(back:getUpperBoundsOnIntercepts(), V.dense { 0.5 })
  t.eq(tostring(back:getUpperBoundsOnIntercepts()), "[0.5]")
  -- and fitted again, the same model
  t.eq(back:fit(binary).coefficientMatrix, lr:fit(binary).coefficientMatrix)
  -- a matrix param whose JSON holds no matrix fails naming the file
  local path = dir .. "/metadata/part-00000"
  local text = io.open(path):read("*a")
  for _, bad in ipairs({ '"numCols":"x"', '"numCols":4' }) do
    local f = assert(io.open(path, "w"))
    f:write((text:gsub('"numCols":3', bad)))
    f:close()
    t.has(t.raises(function() ml.LogisticRegression.load(dir) end),
      "model metadata " .. path .. ": param lowerBoundsOnCoefficients: ")
  end
end)

t.run()
