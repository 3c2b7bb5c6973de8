-- tide.window_range — RANGE frames whose bounds are offsets of the order
-- value, as Spark computes them (tide.window plans and runs the rest):
--
--   sum(v) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING)
--   Window.orderBy("x"):rangeBetween(-1, 2)
--   count(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL 1 HOUR PRECEDING AND CURRENT ROW)
--
-- A row's frame holds the rows whose order value lies within the offsets
-- of its own: Spark adds each offset to the row's value in the value's
-- type (the offset cast to it first: 1.5 over an int column is 1; a date
-- moves by days), and the frame runs from the first row at or past the
-- lower bound to the last row at or before the upper one, in the sort's
-- direction (PRECEDING means larger values when it is descending). SQL's
-- interval offsets move a timestamp (or TIMESTAMP_NTZ) order value by
-- either kind of interval, a date by a year-month one, as Spark's
-- arithmetic moves them (a month from 2024-01-31 is 2024-02-29), and the
-- values are compared as microseconds (days). A row
-- whose order value is NULL has the NULL rows as its frame there. The
-- bounds are computed per row by tide's evaluator, as doubles compared
-- with the order values (exact sums first: 0.2 + 0.1 of decimals is 0.3),
-- and each frame found by one pass over the sorted rows.
local ffi = require("ffi")
local T = require("tide.types")
local names = require("tide.sql_names")
local checks = require("tide.checks")

local M = {}
local ID = T.ID
local fail = checks.failAtUser
local interval_plan

-- Whether the frame has a bound that is an offset (not unbounded, not
-- the current row) of a RANGE frame.
function M.hasOffsets(frame)
  return frame ~= nil and frame.range and ((not frame.loUnbounded and frame.lo ~= 0)
    or (not frame.hiUnbounded and frame.hi ~= 0)) or false
end

local NUMERIC = { [ID.int] = true, [ID.long] = true, [ID.float] = true, [ID.double] = true, [ID.decimal] = true }

-- The literal an offset stands for (v, or the literal SQL wrote: 1.5 a
-- decimal), signed (PRECEDING negative).
local function offset_literal(v, lit)
  if lit then return lit end
  if v == math.floor(v) then return { k = "lit", value = v, type = T.long } end -- (PySpark's are Longs)
  return { k = "lit", value = v, type = T.double }
end

local function as_double(node) return { k = "cast", expr = node, to = T.double } end

-- A frame with interval offsets over expr (of type t): the order value
-- and each bound as microseconds (a timestamp's since the epoch, a
-- TIMESTAMP_NTZ's local ones) or a date's day number, each bound the order
-- value moved by its interval (back for PRECEDING, the other way when the
-- order is descending).
function interval_plan(frame, expr, t, desc, shown, input)
  local function refuse(lit)
    local it = lit and lit.k == "interval" and (lit.months and "INTERVAL YEAR TO MONTH" or "INTERVAL DAY TO SECOND")
      or "a number"
    fail(("%s: [DATATYPE_MISMATCH.RANGE_FRAME_INVALID_TYPE] The data type \"%s\" used in the order specification"
      .. " does not match the data type \"%s\" which is used in the range frame"):format(shown,
      t:simpleString():upper(), it))
  end
  local number
  if t.id == ID.timestamp and t.ntz then
    number = function(x)
      return { k = "cast", to = T.long, intervalNumber = true, expr = { k = "op", op = "-", left = x,
        right = { k = "lit", value = 0, type = T.timestampNTZ } } }
    end
  elseif t.id == ID.timestamp then
    number = function(x) return { k = "call", fn = "unix_micros", args = { x } } end
  elseif t.id == ID.date then
    number = function(x) return { k = "call", fn = "unix_date", args = { x } } end
  end
  local plan = { key = number and input(as_double(number(expr))), desc = desc }
  for _, side in ipairs({ "lo", "hi" }) do
    local v, lit = frame[side], frame[side .. "Lit"]
    if not frame[side .. "Unbounded"] and v ~= 0 then
      if not (lit and lit.k == "interval") or not number or (t.id == ID.date and lit.micros) then refuse(lit) end
      -- (PRECEDING negates the literal's value, which may itself be negative)
      local preceding = v ~= (lit.months or lit.micros)
      plan[side] = input(as_double(number({ k = "op", op = (preceding ~= desc) and "-" or "+", left = expr,
        right = lit })))
    end
  end
  return plan
end

-- The checks Spark makes of such a frame, and the columns its frames
-- are found with: input(node) names an input column computed for node;
-- typeof(node) is a node's type over the window's input. Returns
-- { key, lo, hi } (input column names: the order value and each offset
-- bound, doubles; lo or hi nil where that side is no offset).
function M.plan(spec, frame, shown, input, typeof)
  if #spec.order == 0 then
    fail(("%s: A range window frame cannot be used in an unordered window specification (Spark:"
      .. " DATATYPE_MISMATCH.RANGE_FRAME_WITHOUT_ORDER)"):format(shown))
  elseif #spec.order > 1 then
    fail(("%s: A range window frame with value boundaries cannot be used in a window specification with multiple"
      .. " order by expressions (Spark: DATATYPE_MISMATCH.RANGE_FRAME_MULTI_ORDER)"):format(shown))
  end
  local o = spec.order[1]
  local expr, desc = o, false
  if o.k == "sortorder" then expr, desc = o.expr, o.descending end
  local t = typeof(expr)
  local is_date = t.id == ID.date
  local function is_interval(lit) return lit ~= nil and lit.k == "interval" end
  if is_interval(frame.loLit) or is_interval(frame.hiLit) then
    return interval_plan(frame, expr, t, desc, shown, input)
  end
  if not (NUMERIC[t.id] or is_date) then
    fail(("%s: the order value %s is %s, which a range of values cannot be measured on (Spark:"
      .. " DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE: a number, a date, or an interval's"
      .. " timestamp)"):format(shown, names.toString(expr), t:simpleString()))
  end
  -- (a date as its day number, which a day offset moves)
  local value = is_date and { k = "call", fn = "unix_date", args = { expr } } or expr
  local vt = is_date and T.int or t
  local function bound(v, lit)
    local offset = { k = "cast", expr = offset_literal(v, lit), to = vt }
    -- (descending, the offset goes the other way: Spark's UnaryMinus)
    return input(as_double({ k = "op", op = desc and "-" or "+", left = value, right = offset }))
  end
  local plan = { key = input(as_double(value)), desc = desc }
  if not frame.loUnbounded and frame.lo ~= 0 then plan.lo = bound(frame.lo, frame.loLit) end
  if not frame.hiUnbounded and frame.hi ~= 0 then plan.hi = bound(frame.hi, frame.hiLit) end
  return plan
end

local function valid(col, i)
  return col.validity == nil or bit.band(col.validity[bit.rshift(i, 3)], bit.lshift(1, bit.band(i, 7))) ~= 0
end

-- The frames [fs, fe) of n sorted rows whose offset sides are those of
-- range (M.plan's, its key, lo and hi the columns of the sorted batch):
-- rewritten where the frame's side is an offset; the others (unbounded,
-- the current row's peers) are left as they are. ps/pe are each row's
-- partition, qs/qe its peers (rows of its order value).
function M.frames(range, key, lo, hi, n, ps, pe, qs, qe, fs, fe)
  local sign = range.desc and -1 or 1
  local v = ffi.cast("const double*", key.values)
  local lov = lo and ffi.cast("const double*", lo.values)
  local hiv = hi and ffi.cast("const double*", hi.values)
  local i = 0
  while i < n do
    local p0, p1 = tonumber(ps[i]), tonumber(pe[i])
    -- the rows with an order value: one run, NULLs sort first or last
    local a, b = p0, p1
    while a < b and not valid(key, a) do a = a + 1 end
    while b > a and not valid(key, b - 1) do b = b - 1 end
    local at_lo, at_hi = a, a
    for r = p0, p1 - 1 do
      if r >= a and r < b then
        -- (values and bounds grow along the rows, in the sort's sense)
        if lo then
          local bound = sign * lov[r]
          while at_lo < b and sign * v[at_lo] < bound do at_lo = at_lo + 1 end
          fs[r] = at_lo
        end
        if hi then
          local bound = sign * hiv[r]
          while at_hi < b and sign * v[at_hi] <= bound do at_hi = at_hi + 1 end
          fe[r] = at_hi
        end
      else
        -- a NULL order value: its bound is NULL, which only the NULLs reach
        if lo then fs[r] = qs[r] end
        if hi then fe[r] = qe[r] end
      end
      if fe[r] < fs[r] then fe[r] = fs[r] end
    end
    i = p1
  end
end

return M
