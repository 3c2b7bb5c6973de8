-- tide.join_time_bounds — what a stream-stream join's condition says
-- about time (tide.stream_join): the bounds "one side's time >= the other
-- side's time + c", read from conjuncts over timestamps, unix_* and casts
-- of them to numbers, with constants and intervals; and from them and a
-- watermark, the time at or before which a side's kept rows can match no
-- later row and go.
local T = require("tide.types")
local coerce = require("tide.eval_coerce")
local lineage = require("tide.lineage")
local sql = require("tide.sql")

local M = {}
local ID = T.ID

-- Microseconds a unit of each function's result stands for.
local TIME_FUNCTIONS = { unix_micros = 1, unix_millis = 1000, unix_seconds = 1000000 }
local DAY = 86400000000

-- Zone ids of a fixed offset, where a day is always 24 hours: UTC's
-- names, Java's short ids of fixed offsets, and offsets alone or after
-- UTC, GMT or UT (+02:00, -8, UTC+1), as tide_time_zone_find reads them.
local FIXED_ZONES = { UTC = true, Z = true, GMT = true, UT = true, ["Etc/UTC"] = true, ["Etc/GMT"] = true,
                      EST = true, MST = true, HST = true }
function M.fixedOffset(zone)
  if zone == nil then return true end -- tide's default zone: UTC
  local id = tostring(zone):match("^%s*(.-)%s*$")
  if FIXED_ZONES[id] then return true end
  local offset = id:match("^UTC([+-].*)$") or id:match("^GMT([+-].*)$") or id:match("^UT([+-].*)$") or id
  return offset:match("^[+-][%d:]+$") ~= nil
end

-- A side of a comparison as a sum of timestamp terms and a constant:
-- { terms = { {column = j, sign = ±1} }, const = c, unit = µs per unit,
-- whole = whether every term is a whole number of units }, or nil when it
-- is not one (column j is of the joined schema). A timestamp (whole µs),
-- unix_* and a cast to an integral type (its seconds, floored) are whole;
-- a cast to double, float or decimal keeps the fraction of a second.
-- fixed_days: whether an interval's whole days are a fixed time (the
-- session zone has a fixed offset).
local function linear(node, schema, fixed_days)
  local k = node.k
  if k == "lit" and type(node.value) == "number" then return { terms = {}, const = node.value, whole = true } end
  if k == "interval" then -- ts + INTERVAL 1 HOUR
    if node.months then return nil end -- (a month has no fixed length: no bound)
    if not fixed_days and math.abs(node.micros) >= DAY then return nil end
    return { terms = {}, const = node.micros, unit = 1, whole = true }
  end
  local inner, unit, whole = nil, nil, true
  if k == "col" then
    inner, unit = node, 1
  elseif k == "call" and TIME_FUNCTIONS[tostring(node.fn):lower()] and #node.args == 1 then
    inner, unit = node.args[1], TIME_FUNCTIONS[tostring(node.fn):lower()]
  elseif k == "cast" and node.expr.k == "col" and node.to and node.to ~= T.timestamp and coerce.isNumeric(node.to) then
    inner, unit, whole = node.expr, 1000000, coerce.isIntegral(node.to) -- a timestamp cast to a number: its seconds
  end
  if inner then
    if inner.k ~= "col" then return nil end
    local j = schema:resolveField(inner.name, lineage.fieldsOf(inner.from))
    if not j or schema.fields[j].dataType.id ~= ID.timestamp then return nil end
    return { terms = { { column = j, sign = 1 } }, const = 0, unit = unit, whole = whole }
  end
  if k == "neg" then
    local a = linear(node.expr, schema, fixed_days)
    if not a then return nil end
    for _, t in ipairs(a.terms) do t.sign = -t.sign end
    a.const = -a.const
    return a
  end
  if k == "op" and (node.op == "+" or node.op == "-") then
    local a, b = linear(node.left, schema, fixed_days), linear(node.right, schema, fixed_days)
    if not a or not b or (a.unit and b.unit and a.unit ~= b.unit) then return nil end
    local s = node.op == "+" and 1 or -1
    for _, t in ipairs(b.terms) do a.terms[#a.terms + 1] = { column = t.column, sign = s * t.sign } end
    a.const, a.unit, a.whole = a.const + s * b.const, a.unit or b.unit, a.whole and b.whole
    return a
  end
end

local COMPARISONS = { [">="] = true, [">"] = true, ["<="] = true, ["<"] = true }

-- The constant c' of x >= y + c' that x >= y + c (x > y + c when strict)
-- makes: over whole units (x and y whole numbers of them) c rounded up,
-- and one unit further when strict; over fractions c itself, a strict
-- bound taken as >=, which lets rows go no sooner than it allows.
local function lower_bound(c, strict, whole)
  if not whole then return c end
  return strict and math.floor(c) + 1 or math.ceil(c)
end

-- The bounds a condition's conjuncts give: { side = s, column = i, other
-- = j, const = c (in units), unit = u } for "side s's column i >= the
-- other side's column j + c", which lets side s's kept rows go once the
-- watermark passes j's time + c. Conjuncts of another shape give none.
function M.boundsOf(residual, schema, outputs, fixed_days)
  local out = {}
  for _, node in ipairs(sql.conjuncts(residual, {})) do
    -- as left - right op 0
    local d = node.k == "op" and COMPARISONS[node.op]
      and linear({ k = "op", op = "-", left = node.left, right = node.right }, schema, fixed_days)
    if d and d.unit and #d.terms == 2 and d.terms[1].sign ~= d.terms[2].sign then
      -- as x - y + const op 0, x the positive term
      local x, y = d.terms[1], d.terms[2]
      if x.sign < 0 then x, y = y, x end
      local ox, oy, op = outputs[x.column], outputs[y.column], node.op
      -- x - y + const >= 0: x >= y - const; x - y + const <= 0: y >= x + const.
      if ox.side ~= oy.side and (op == ">=" or op == ">") then
        out[#out + 1] = { side = ox.side, column = ox.index, other = oy.index, unit = d.unit,
                          const = lower_bound(-d.const, op == ">", d.whole) }
      elseif ox.side ~= oy.side then
        out[#out + 1] = { side = oy.side, column = oy.index, other = ox.index, unit = d.unit,
                          const = lower_bound(d.const, op == "<", d.whole) }
      end
    end
  end
  return out
end

-- The time at or before which a kept row of a side can match no later
-- row of the other side, by its bounds over the other side's watermarked
-- time (a later row of it is after the watermark w µs): x >= y + c needs
-- floor(x/u) >= floor(y/u) + c >= floor(w/u) + c (over fractions, x/u >=
-- y/u + c > floor(w/u) + c alike), so rows with x below (floor(w/u) + c)
-- * u go. Of several bounds, the latest; nil without one.
function M.evictionTime(bounds, w_us)
  local evict
  for _, b in ipairs(bounds) do
    local t = (math.floor(w_us / b.unit) + b.const) * b.unit - 1
    if not evict or t > evict.time then evict = { column = b.column, time = t } end
  end
  return evict
end

return M
