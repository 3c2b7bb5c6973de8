-- tide.ml.optim — the quasi-Newton minimizers of the linear models, over
-- FFI double arrays: Breeze's LBFGS and OWLQN as Spark runs them (breeze),
-- and a projected L-BFGS within bounds (bounded: box constraints, where
-- Spark runs L-BFGS-B). The objective's smooth part and gradient come
-- from the caller (one C kernel call per evaluation); this file only does
-- the vector algebra of the quasi-Newton steps (a few passes per
-- iteration).
local ffi = require("ffi")

local M = {}

local function new(n) return ffi.new("double[?]", math.max(n, 1)) end
local function dot(a, b, n)
  local s = 0
  for i = 0, n - 1 do s = s + a[i] * b[i] end
  return s
end
local function copy(dst, src, n) ffi.copy(dst, src, n * 8) end

local function sign(x) return x > 0 and 1 or (x < 0 and -1 or 0) end

-- The L1 term sum_j l1[j] * |x_j|.
local function l1_term(x, l1, n)
  if not l1 then return 0 end
  local s = 0
  for j = 0, n - 1 do s = s + l1[j] * math.abs(x[j]) end
  return s
end

-- The gradient of the coordinates free to move within the bounds (0
-- where a bound holds one against its descent).
local function free_gradient(pg, g, x, n, lower, upper)
  for j = 0, n - 1 do
    local gj = g[j]
    if (x[j] <= lower[j] and gj > 0) or (x[j] >= upper[j] and gj < 0) then pg[j] = 0 else pg[j] = gj end
  end
end

-- bounded(fg, x, n, opts) -> x, history, iterations
--   fg(x, g) -> f fills g with the gradient at x; opts.maxIter (100),
--   opts.tol (1e-6), opts.m (10 corrections), opts.lower, opts.upper:
--   double arrays of per-coordinate bounds (-math.huge / math.huge where
--   there is none). x starts within them. The quasi-Newton step moves the
--   free coordinates (the others are held at their bound) and is cut back
--   to the box.
-- history[k] is the objective before iteration k, then after the last
-- one, as Spark's objectiveHistory. Stops when the relative change of the
-- objective falls to tol, or the gradient vanishes.
function M.bounded(fg, x, n, opts)
  local max_iter, tol, m = opts.maxIter or 100, opts.tol or 1e-6, opts.m or 10
  local lower, upper = opts.lower, opts.upper
  local g, pg, d = new(n), new(n), new(n)
  local xn, gn = new(n), new(n)
  local f = fg(x, g)
  local history = { f }
  local S, Y, rho = {}, {}, {}
  local alpha = {}
  local spare_s, spare_y
  local iter = 0
  free_gradient(pg, g, x, n, lower, upper)
  while iter < max_iter do
    local gnorm = math.sqrt(dot(pg, pg, n))
    if gnorm <= 1e-12 or gnorm ~= gnorm then break end
    -- Two-loop recursion: d = -H pg.
    for j = 0, n - 1 do d[j] = -pg[j] end
    local k = #S
    for i = k, 1, -1 do
      alpha[i] = rho[i] * dot(S[i], d, n)
      local y = Y[i]
      for j = 0, n - 1 do d[j] = d[j] - alpha[i] * y[j] end
    end
    if k > 0 then
      local gamma = dot(S[k], Y[k], n) / dot(Y[k], Y[k], n)
      for j = 0, n - 1 do d[j] = d[j] * gamma end
    end
    for i = 1, k do
      local beta = rho[i] * dot(Y[i], d, n)
      local s = S[i]
      for j = 0, n - 1 do d[j] = d[j] + s[j] * (alpha[i] - beta) end
    end
    -- (hold the coordinates a bound stops)
    for j = 0, n - 1 do if pg[j] == 0 then d[j] = 0 end end
    local slope = dot(d, pg, n)
    if slope >= 0 then -- not a descent direction: start the memory afresh
      S, Y, rho = {}, {}, {}
      for j = 0, n - 1 do d[j] = -pg[j] end
      slope = dot(d, pg, n)
    end
    -- Backtracking line search (Armijo), first step 1/|d| as Breeze's.
    local t = (#S == 0) and 1 / math.sqrt(dot(d, d, n)) or 1
    local fn
    local accepted = false
    for _ = 1, 40 do
      for j = 0, n - 1 do xn[j] = math.min(math.max(x[j] + t * d[j], lower[j]), upper[j]) end
      fn = fg(xn, gn)
      local decrease = 0
      for j = 0, n - 1 do decrease = decrease + pg[j] * (xn[j] - x[j]) end
      if fn == fn and fn <= f + 1e-4 * decrease then accepted = true; break end
      t = t * 0.5
    end
    if not accepted then break end
    iter = iter + 1
    -- Curvature pair.
    -- (into a spare pair of arrays, which the dropped oldest pair becomes
    -- once the memory is full: at a million coefficients a fresh pair is
    -- 16 MB to zero and collect)
    local s, y = spare_s or new(n), spare_y or new(n)
    spare_s, spare_y = nil, nil
    for j = 0, n - 1 do s[j] = xn[j] - x[j]; y[j] = gn[j] - g[j] end
    local sy = dot(s, y, n)
    if sy > 1e-10 then
      if #S == m then
        spare_s, spare_y = table.remove(S, 1), table.remove(Y, 1)
        table.remove(rho, 1)
      end
      S[#S + 1], Y[#Y + 1], rho[#rho + 1] = s, y, 1 / sy
    else
      spare_s, spare_y = s, y
    end
    copy(x, xn, n)
    copy(g, gn, n)
    local previous = f
    f = fn
    history[#history + 1] = f
    free_gradient(pg, g, x, n, lower, upper)
    if math.abs(previous - f) <= tol * math.max(math.abs(f), 1e-8) then break end
  end
  return x, history, iter
end

-- ---- Breeze's LBFGS and OWLQN, as Spark runs them -------------------------------------------

-- breeze(fg, x, n, opts) -> x, history, iterations: Breeze 2's LBFGS, or
-- with opts.owlqn its OWLQN, step for step, as Spark runs them (so that a
-- fit follows Spark's path: LinearSVC's hinge loss has kinks where a
-- different step lands elsewhere):
--   opts.maxIter, opts.tol, opts.m (10), opts.l1 (OWLQN: nil or
--   per-coordinate L1 weights).
-- Its pieces, each as Breeze's: the two-loop recursion over the last m
-- (step, gradient change) pairs with no curvature check (a pair of
-- negative curvature fails the iteration: the memory is reset once, and a
-- second failure in a row ends the fit). LBFGS: the strong Wolfe line
-- search from 1/|d| (first iteration) or 1, growing by 1.5, its zoom by
-- safeguarded cubic interpolation. OWLQN: the direction kept to the
-- orthant of steepest descent; the backtracking line search from 0.5/|g|
-- (first iteration, shrinking by 0.1) or 1 (by 0.5), whose first trial is
-- judged by the value at the start without the L1 term (so with none it
-- always shrinks), growing by 2.1 while the slope is steeper than 0.9 of
-- the start's and shrinking while it is above -0.9 of it; steps projected
-- onto the orthant. Both stop when the iterations reach maxIter, the
-- value is within tol (times the first value) of the largest of the last
-- 20, the gradient's norm is within tol times the value (or 1e-8), or the
-- search failed. history: every state's value, a reset repeating one, as
-- Spark's objectiveHistory.
function M.breeze(fg, x, n, opts)
  local max_iter, tol, m, l1, owlqn = opts.maxIter or 100, opts.tol or 1e-6, opts.m or 10, opts.l1, opts.owlqn
  local g, ag = new(n), new(n)
  -- (the value with the L1 term, and without it)
  local function adjusted(point, grad, adj)
    local v = fg(point, grad)
    if l1 then
      for j = 0, n - 1 do
        local c, xv, gv = l1[j], point[j], grad[j]
        if xv == 0 then
          local plus, minus = gv + c, gv - c
          adj[j] = minus > 0 and minus or (plus < 0 and plus or 0)
        else
          adj[j] = gv + sign(xv) * c
        end
      end
    else
      copy(adj, grad, n)
    end
    return v + l1_term(point, l1, n), v
  end
  local value, smooth = adjusted(x, g, ag)
  local initial = value
  local history, recent = { value }, { math.huge }
  local steps, deltas = {}, {} -- newest first
  local iter, failed_once = 0, false
  local d, xn, gn, agn, trial_g, trial_ag = new(n), new(n), new(n), new(n), new(n), new(n)

  local function direction()
    -- (Breeze's ApproximateInverseHessian * the adjusted gradient, negated)
    copy(d, ag, n)
    local k = #steps
    local diag = 1.0
    if k > 0 then
      local sy, yy = dot(steps[1], deltas[1], n), dot(deltas[1], deltas[1], n)
      if sy < 0 or sy ~= sy then return false end
      diag = sy / yy
    end
    local as, rho = {}, {}
    for i = 1, k do
      rho[i] = dot(steps[i], deltas[i], n)
      as[i] = dot(steps[i], d, n) / rho[i]
      if as[i] ~= as[i] then return false end
      local y = deltas[i]
      for j = 0, n - 1 do d[j] = d[j] - as[i] * y[j] end
    end
    for j = 0, n - 1 do d[j] = d[j] * diag end
    for i = k, 1, -1 do
      local beta = dot(deltas[i], d, n) / rho[i]
      local s = steps[i]
      for j = 0, n - 1 do d[j] = d[j] + (as[i] - beta) * s[j] end
    end
    for j = 0, n - 1 do
      d[j] = -d[j]
      if owlqn and not (d[j] * ag[j] < 0) then d[j] = 0 end
    end
    return true
  end

  -- x + t d (OWLQN: projected onto the orthant of x, of -ag where x is
  -- 0), into out
  local function step(t, out)
    for j = 0, n - 1 do
      local v = x[j] + d[j] * t
      if owlqn then
        local orthant = x[j] ~= 0 and sign(x[j]) or sign(-ag[j])
        out[j] = sign(v) == orthant and v or 0
      else
        out[j] = v
      end
    end
  end
  -- The value and slope along d at step t (at 0 the state's own, as
  -- Breeze's cached function gives them); the last step evaluated is kept
  -- (xn, trial_g, trial_ag), so the step taken is not evaluated again.
  local last_t, last_value, last_smooth
  local function phi(t)
    if t == 0 then return value, dot(ag, d, n) end
    step(t, xn)
    last_t = t
    last_value, last_smooth = adjusted(xn, trial_g, trial_ag)
    return last_value, dot(trial_ag, d, n)
  end

  -- Breeze's StrongWolfeLineSearch(10, 10): nil when it fails.
  local function interp(l, r)
    local d1 = l.dd + r.dd - 3 * (l.f - r.f) / (l.t - r.t)
    local d2 = math.sqrt(d1 * d1 - l.dd * r.dd)
    local t = r.t - (r.t - l.t) * (r.dd + d2 - d1) / (r.dd - l.dd + 2 * d2)
    local lo, hi = l.t + 0.1 * (r.t - l.t), l.t + 0.9 * (r.t - l.t)
    if t < lo then return lo elseif t > hi then return hi end
    return t
  end
  local function point(t)
    local f, dd = phi(t)
    return { t = t, f = f, dd = dd }
  end
  local function strong_wolfe(t)
    local low = point(0)
    local f0, dd0 = low.f, low.dd
    if dd0 > 0 then return nil end
    local function zoom(lo, hi)
      for _ = 1, 10 do
        local c = point(lo.t > hi.t and interp(hi, lo) or interp(lo, hi))
        if c.f > f0 + 1e-4 * c.t * dd0 or c.f >= lo.f then
          hi = c
        else
          if math.abs(c.dd) <= 0.9 * math.abs(dd0) then return c.t end
          if c.dd * (hi.t - lo.t) >= 0 then hi = lo end
          lo = c
        end
      end
      return nil
    end
    for i = 0, 9 do
      local c = point(t)
      if c.f == math.huge or c.f == -math.huge or c.f ~= c.f then
        t = t / 2
      else
        if c.f > f0 + 1e-4 * t * dd0 or (c.f >= low.f and i > 0) then return zoom(low, c) end
        if math.abs(c.dd) <= 0.9 * math.abs(dd0) then return c.t end
        if c.dd >= 0 then return zoom(c, low) end
        low = c
        t = t * 1.5
      end
    end
    return nil
  end

  local function line_search()
    if not owlqn then
      local t = strong_wolfe(iter == 0 and 1 / math.sqrt(dot(d, d, n)) or 1.0)
      if t and t * math.sqrt(dot(g, g, n)) < 1e-10 then return nil end
      return t
    end
    local first = iter < 1
    local shrink = first and 0.1 or 0.5
    local _, slope0 = phi(0)
    local f0 = value
    local t = first and 0.5 / math.sqrt(dot(g, g, n)) or 1.0
    local _, slope = phi(t)
    -- (Breeze's first trial carries the value at the start, without the
    -- L1 term: with none it is always cut back)
    local fval = smooth
    for k = 1, 20 do
      local multiplier
      if fval > f0 + t * slope0 * 1e-4 then multiplier = shrink
      elseif slope < 0.9 * slope0 then multiplier = 2.1
      elseif slope > -0.9 * slope0 then multiplier = shrink
      else return t end
      local next_t = t * multiplier
      if next_t < 1e-10 or next_t > 1e10 then return nil end
      -- (after 20 trials Breeze's search ends at the last it kept)
      if k == 20 then return t end
      t = next_t
      fval, slope = phi(t)
    end
  end

  while true do
    -- Breeze's stopping checks, on every state
    if iter >= max_iter and max_iter >= 0 then break end
    local top = -math.huge
    for _, v in ipairs(recent) do top = math.max(top, v) end
    if #recent >= 2 and math.abs(value - top) <= tol * math.abs(initial) then break end
    if math.sqrt(dot(ag, ag, n)) <= math.max(tol * math.abs(value), 1e-8) then break end
    last_t = nil
    local t = direction() and line_search()
    if not t then
      -- (a second failure in a row ends the fit: Breeze's last state)
      if failed_once then history[#history + 1] = value; break end
      failed_once = true
      steps, deltas = {}, {}
      history[#history + 1] = value
    else
      local v, sv
      if t == last_t then
        copy(gn, trial_g, n)
        copy(agn, trial_ag, n)
        v, sv = last_value, last_smooth
      else
        step(t, xn)
        v, sv = adjusted(xn, gn, agn)
      end
      local s, y = new(n), new(n)
      for j = 0, n - 1 do s[j], y[j] = xn[j] - x[j], gn[j] - g[j] end
      table.insert(steps, 1, s)
      table.insert(deltas, 1, y)
      if #steps > m then steps[m + 1], deltas[m + 1] = nil, nil end
      copy(x, xn, n)
      copy(g, gn, n)
      copy(ag, agn, n)
      value, smooth = v, sv
      iter = iter + 1
      failed_once = false
      history[#history + 1] = value
      recent[#recent + 1] = value
      if #recent > 20 then table.remove(recent, 1) end
    end
  end
  -- (Spark's totalIterations counts the states after the first, resets
  -- included)
  return x, history, #history - 1
end

return M
