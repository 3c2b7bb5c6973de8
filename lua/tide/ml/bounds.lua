-- tide.ml.bounds — LogisticRegression's bounds on coefficients and
-- intercepts (Spark's lowerBoundsOnCoefficients, upperBoundsOnCoefficients,
-- lowerBoundsOnIntercepts, upperBoundsOnIntercepts): their checks, with
-- Spark's messages, and the box they make in the optimizer's space, where
-- a coefficient is its feature's standard deviation times the returned
-- one (an intercept is itself). The layout is the fits': K coefficient
-- sets (1 for a binomial model), feature j's for set k at j * K + k, the
-- K intercepts after them.
local ffi = require("ffi")
local base = require("tide.ml.base")

local M = {}

local NAMES = { "lowerBoundsOnCoefficients", "upperBoundsOnCoefficients", "lowerBoundsOnIntercepts",
                "upperBoundsOnIntercepts" }

-- Whether any bound is set (Spark's usingBoundConstrainedOptimization).
function M.used(stage)
  for _, name in ipairs(NAMES) do if stage:isSet(name) then return true end end
  return false
end

-- What Spark checks of the params before a bounded fit.
function M.checkParams(stage, who)
  if not M.used(stage) then return end
  local alpha = stage:getOrDefault("elasticNetParam")
  if alpha ~= 0 then
    base.fail(("%s: Fitting under bound constrained optimization only supports L2 regularization, but got "
      .. "elasticNetParam = %s."):format(who, require("tide.batch").javaDouble(alpha)))
  end
  if not stage:getOrDefault("fitIntercept") and (stage:isSet("lowerBoundsOnIntercepts")
      or stage:isSet("upperBoundsOnIntercepts")) then
    base.fail(who .. ": Please don't set bounds on intercepts if fitting without intercept.")
  end
end

local function shape_check(stage, who, sets, nf)
  local function get(name) return stage:isSet(name) and stage:getOrDefault(name) or nil end
  for _, spec in ipairs({ { "lowerBoundsOnCoefficients", "LowerBoundsOnCoefficients" },
                          { "upperBoundsOnCoefficients", "upperBoundsOnCoefficients" } }) do
    local m = get(spec[1])
    if m and (m.numRows ~= sets or m.numCols ~= nf) then
      base.fail(("%s: The shape of %s must be compatible with (1, number of features) for binomial regression, "
        .. "or (number of classes, number of features) for multinomial regression, but found: (%d, %d)."):format(
        who, spec[2], m.numRows, m.numCols))
    end
  end
  for _, name in ipairs({ "lowerBoundsOnIntercepts", "upperBoundsOnIntercepts" }) do
    local v = get(name)
    if v and v.size ~= sets then
      base.fail(("%s: The size of %s must be equal to 1 for binomial regression, or the number of classes for "
        .. "multinomial regression, but found: %d."):format(who, name, v.size))
    end
  end
  for _, pair in ipairs({ { "lowerBoundsOnCoefficients", "upperBoundsOnCoefficients", "LowerBoundsOnCoefficients",
                            "upperBoundsOnCoefficients" },
                          { "lowerBoundsOnIntercepts", "upperBoundsOnIntercepts", "LowerBoundsOnIntercepts",
                            "upperBoundsOnIntercepts" } }) do
    local lo, hi = get(pair[1]), get(pair[2])
    if lo and hi then
      -- (a matrix's values column-major, a vector's each)
      local a, b = lo.numRows and lo.values or lo:toArray(), hi.numRows and hi.values or hi:toArray()
      for i = 1, #a do
        if not (a[i] <= b[i]) then
          base.fail(("%s: %s should always be less than or equal to %s, but found: %s = %s, %s = %s."):format(who,
            pair[3], pair[4], pair[1], tostring(lo), pair[2], tostring(hi)))
        end
      end
    end
  end
end

-- The box of a fit of `sets` coefficient sets over nf features, or nil
-- when no bound is set: { lower, upper (double arrays of the optimizer's
-- coordinates), intercepts (true when an intercept bound is finite: the
-- fit then cannot center the features, as Spark's does not) }. std: each
-- feature's standard deviation (0 for a constant one, whose coefficient
-- the box holds at 0).
function M.box(stage, who, sets, nf, std, fit_intercept)
  if not M.used(stage) then return nil end
  shape_check(stage, who, sets, nf)
  local dim = (nf + (fit_intercept and 1 or 0)) * sets
  local lower, upper = ffi.new("double[?]", math.max(dim, 1)), ffi.new("double[?]", math.max(dim, 1))
  local function matrix(name, k, j, none)
    if not stage:isSet(name) then return none end
    return stage:getOrDefault(name):get(k, j)
  end
  for j = 0, nf - 1 do
    for k = 0, sets - 1 do
      local i, sd = j * sets + k, std[j]
      lower[i] = sd > 0 and matrix("lowerBoundsOnCoefficients", k, j, -math.huge) * sd or 0
      upper[i] = sd > 0 and matrix("upperBoundsOnCoefficients", k, j, math.huge) * sd or 0
    end
  end
  local intercepts = false
  if fit_intercept then
    for k = 0, sets - 1 do
      local lo = stage:isSet("lowerBoundsOnIntercepts") and stage:getOrDefault("lowerBoundsOnIntercepts")[k]
        or -math.huge
      local hi = stage:isSet("upperBoundsOnIntercepts") and stage:getOrDefault("upperBoundsOnIntercepts")[k]
        or math.huge
      lower[nf * sets + k], upper[nf * sets + k] = lo, hi
      if lo > -math.huge or hi < math.huge then intercepts = true end
    end
  end
  return { lower = lower, upper = upper, intercepts = intercepts, dim = dim }
end

-- x (the starting point) moved into the box, as Spark's start is.
function M.clamp(box, x)
  if not box then return end
  for i = 0, box.dim - 1 do x[i] = math.min(math.max(x[i], box.lower[i]), box.upper[i]) end
end

return M
