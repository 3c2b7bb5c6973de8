-- tide.ml.multinomial — Spark's multinomial logistic regression (family
-- "multinomial", or "auto" over more than two classes): the softmax fit
-- over K coefficient sets and a fitted model's scores (K margins and K
-- probabilities as vectors, the predicted class). The fit is the binary
-- one's (tide.ml.classification) per class: L-BFGS, or OWL-QN with an L1
-- share, over standardized features centered virtually, the loss and
-- gradient in C (engine/ml_softmax.c); its answer is Spark's: the
-- coefficients of each feature and the intercepts centered over the
-- classes (without regularization the softmax has no unique optimum, and
-- Spark picks the centered one, as glmnet does).
--
-- Coefficients are held feature-major, coef[j * K + k] feature j's for
-- class k, with the K intercepts after the nf * K coefficients, as the C
-- kernels read them.
local ffi = require("ffi")
local C = require("tide.ffi")
local base = require("tide.ml.base")
local bounds = require("tide.ml.bounds")
local optim = require("tide.ml.optim")
local linalg = require("tide.ml.linalg")

local M = {}

local function new(n) return ffi.new("double[?]", math.max(n, 1)) end

-- fit(a) -> coef, history, iterations. a: fcol (vectors of size nf), y
-- (class indices as doubles), w (weights or nil), rows, nf, K, histogram
-- (each class's weight, 1-based, up to the largest label: K may be more,
-- from the label column's metadata), stats (feature.vectorStats), std
-- (each feature's deviation) and scale (1 / it, 0 for a constant
-- feature), box (tide.ml.bounds' box, or nil), fitIntercept,
-- standardization, l1, l2 (the penalties' weights), regParam, maxIter,
-- tol.
function M.fit(a)
  local nf, K, fit_intercept = a.nf, a.K, a.fitIntercept
  local size = (nf + 1) * K
  local coef = new(size)
  local histogram = a.histogram
  local classes = 0
  for k = 1, #histogram do if histogram[k] ~= 0 then classes = classes + 1 end end
  local box = a.box
  if fit_intercept and classes == 1 and not box then
    -- One class only: Spark's answer, zero coefficients and an infinite
    -- intercept for that class (the others 0).
    for k = 1, #histogram do
      if histogram[k] ~= 0 then
        coef[nf * K + k - 1] = math.huge
        io.stderr:write(("tide: warning: LogisticRegression: all labels are %d; its intercept is Infinity\n"):format(
          k - 1))
      end
    end
    return coef, { 0 }, 0
  end
  local dim = nf * K + (fit_intercept and K or 0)
  local x = new(dim)
  if fit_intercept then
    -- Spark's start: the intercepts follow the classes' shares (log(1 +
    -- weight), centered over the labels seen; a class above them starts
    -- at 0).
    local mean = 0
    for k = 1, #histogram do mean = mean + math.log(1 + histogram[k]) / #histogram end
    for k = 1, #histogram do x[nf * K + k - 1] = math.log(1 + histogram[k]) - mean end
  end
  bounds.clamp(box, x)
  -- (the features are centered unless an intercept is bounded, as Spark's)
  local centered = fit_intercept and not (box and box.intercepts)
  local scale, mean = a.scale, centered and a.stats.mean or nil
  local orig = new(size)
  local wsum = ffi.new("double[1]")
  local threads = C.tide_ml_cpu_count()
  local pen_of = {}
  for j = 0, nf - 1 do pen_of[j] = a.standardization and 1 or scale[j] * scale[j] end
  -- As the binary fit: the kernel works on the original features, with
  -- w_jk = beta_jk * scale_j and b_k = b'_k - sum_j w_jk * mean_j; the
  -- gradient with respect to beta_jk is scale_j * (g_jk - mean_j * g_bk).
  local function fg(beta, grad)
    ffi.fill(grad, dim * 8)
    for k = 0, K - 1 do orig[nf * K + k] = fit_intercept and beta[nf * K + k] or 0 end
    for j = 0, nf - 1 do
      for k = 0, K - 1 do
        local wjk = beta[j * K + k] * scale[j]
        orig[j * K + k] = wjk
        if mean then orig[nf * K + k] = orig[nf * K + k] - wjk * mean[j] end
      end
    end
    wsum[0] = 0
    local loss = C.tide_ml_loss_grad_parallel(C.TIDE_ML_LOSS_SOFTMAX, a.fcol, a.y, a.w, a.rows, orig, nf, K,
      fit_intercept and 1 or 0, threads, grad, wsum)
    if wsum[0] ~= wsum[0] then base.fail("LogisticRegression: out of memory computing the loss") end
    local W = wsum[0]
    local f = loss / W
    if fit_intercept then
      for k = 0, K - 1 do grad[nf * K + k] = grad[nf * K + k] / W end
    end
    for j = 0, nf - 1 do
      for k = 0, K - 1 do
        local i = j * K + k
        local g = grad[i] / W
        if mean then g = g - mean[j] * grad[nf * K + k] end
        grad[i] = g * scale[j]
        if a.l2 > 0 then
          local c = beta[i]
          f = f + 0.5 * a.l2 * c * c * pen_of[j]
          grad[i] = grad[i] + a.l2 * c * pen_of[j]
        end
      end
    end
    return f
  end
  local l1w
  if a.l1 > 0 then
    l1w = new(dim)
    for j = 0, nf - 1 do
      for k = 0, K - 1 do l1w[j * K + k] = a.standardization and a.l1 or a.l1 * scale[j] end
    end
  end
  local history, iterations
  -- (Spark's Breeze LBFGS, or with an L1 penalty its OWLQN, step for step;
  -- within bounds a projected L-BFGS where Spark runs L-BFGS-B)
  x, history, iterations = (box and optim.bounded or optim.breeze)(fg, x, dim, { maxIter = a.maxIter, tol = a.tol,
    l1 = l1w, owlqn = l1w ~= nil, lower = box and box.lower, upper = box and box.upper })
  for k = 0, K - 1 do coef[nf * K + k] = fit_intercept and x[nf * K + k] or 0 end
  for j = 0, nf - 1 do
    for k = 0, K - 1 do
      -- (divided, as Spark's: a coefficient at its bound is the bound's bits)
      local wjk = a.std[j] > 0 and x[j * K + k] / a.std[j] or 0
      coef[j * K + k] = wjk
      if centered and wjk ~= 0 then coef[nf * K + k] = coef[nf * K + k] - wjk * mean[j] end
    end
  end
  -- (a bounded answer stays as the bounds hold it)
  if box then return coef, history, iterations end
  if a.regParam == 0 then
    for j = 0, nf - 1 do
      local center = 0
      for k = 0, K - 1 do center = center + coef[j * K + k] end
      center = center / K
      for k = 0, K - 1 do coef[j * K + k] = coef[j * K + k] - center end
    end
  end
  if fit_intercept then
    local center = 0
    for k = 0, K - 1 do center = center + coef[nf * K + k] end
    center = center / K
    for k = 0, K - 1 do coef[nf * K + k] = coef[nf * K + k] - center end
  end
  return coef, history, iterations
end

-- The coefficients as Spark's coefficientMatrix (K x nf) and
-- interceptVector.
function M.matrices(coef, nf, K)
  local values, intercepts = {}, {}
  for j = 0, nf - 1 do
    for k = 0, K - 1 do values[j * K + k + 1] = coef[j * K + k] end
  end
  for k = 0, K - 1 do intercepts[k + 1] = coef[nf * K + k] end
  return linalg.denseMatrix(K, nf, values), linalg.dense(intercepts)
end

-- The K margins of one vector (a tide.ml.linalg vector of size nf), each
-- summed in the order of its entries and then its intercept added, as
-- the kernel sums a row.
function M.margins(coef, nf, K, features)
  local sums = {}
  for k = 1, K do sums[k] = 0.0 end
  local function add(j, v)
    for k = 1, K do sums[k] = sums[k] + coef[j * K + k - 1] * v end
  end
  if features.dense then
    for j, v in ipairs(features.values) do add(j - 1, v) end
  else
    for e, j in ipairs(features.indices) do add(j, features.values[e]) end
  end
  for k = 1, K do sums[k] = sums[k] + coef[nf * K + k - 1] end
  return sums
end

-- Spark's softmax of margins (a +Infinity takes all; the others scaled by
-- the reciprocal of their sum, Spark's BLAS.scal(1 / sum)), as the
-- kernel's.
function M.softmax(margins)
  local K, max = #margins, -math.huge
  local p = {}
  for k = 1, K do
    if margins[k] == math.huge then
      for c = 1, K do p[c] = c == k and 1.0 or 0.0 end
      return p
    end
    if margins[k] > max then max = margins[k] end
  end
  local sum = 0.0
  for k = 1, K do
    p[k] = math.exp(margins[k] - max)
    sum = sum + p[k]
  end
  local scale = 1 / sum
  for k = 1, K do p[k] = p[k] * scale end
  return p
end

-- The predicted class (0-based): the first largest margin, or with
-- thresholds the first largest p_k / t_k.
function M.predicted(margins, p, thresholds)
  local best = 1
  if not thresholds then
    for k = 2, #margins do if margins[k] > margins[best] then best = k end end
    return best - 1
  end
  local max = -math.huge
  for k = 1, #p do
    local scaled = p[k] / thresholds[k]
    if scaled > max then max, best = scaled, k end
  end
  return best - 1
end

return M
