-- tide.ml.param_grid — param maps and ParamGridBuilder, as pyspark.ml.tuning's:
--
--   local grid = ml.ParamGridBuilder():addGrid(lr, "regParam", {0.1, 0.01}):baseOn(lr, "maxIter", 10):build()
--
-- A param map is a table { [stage] = { name = value, ... }, ... }: Spark's
-- ParamMap, whose Params belong to a parent (a uid); here the stage object
-- stands for its parent, and matches by uid (the stage itself, or one of a
-- Pipeline's stages: withParams). tide.ml.tuning's validators fit an
-- estimator with each map of a grid.
local batchlib = require("tide.batch")
local base = require("tide.ml.base")

local M = {}

local function Pipeline() return require("tide.ml.pipeline").Pipeline end

-- ---- param maps ----------------------------------------------------------------------------

local ParamMap = {}

-- The entries of a param map, ordered by the stage's uid and the name:
-- { {stage, name, value}, ... }.
local function entries(map)
  local out = {}
  for stage, params in pairs(map) do
    for name, value in pairs(params) do out[#out + 1] = { stage, name, value } end
  end
  table.sort(out, function(a, b)
    if a[1].uid ~= b[1].uid then return a[1].uid < b[1].uid end
    return a[2] < b[2]
  end)
  return out
end

-- A value as a param map's text shows it: a number as Java prints a
-- double, without its ".0"; a string quoted.
local function shown(v)
  if type(v) == "number" then return (batchlib.javaDouble(v):gsub("%.0$", "")) end
  if type(v) == "string" then return ("%q"):format(v) end
  return tostring(v)
end

-- {LogisticRegression_6b3a1c0e9d2f.regParam: 0.1, ...}
local function map_text(map)
  local parts = {}
  for i, e in ipairs(entries(map)) do parts[i] = ("%s.%s: %s"):format(e[1].uid, e[2], shown(e[3])) end
  return "{" .. table.concat(parts, ", ") .. "}"
end
ParamMap.__tostring = map_text

local function new_map(list)
  local map = setmetatable({}, ParamMap)
  for _, e in ipairs(list or {}) do
    map[e[1]] = map[e[1]] or {}
    map[e[1]][e[2]] = e[3]
  end
  return map
end

local function is_stage(v) return type(v) == "table" and type(v.uid) == "string" and type(v.hasParam) == "function" end

-- ---- ParamGridBuilder -----------------------------------------------------------------------

local Builder = {}
Builder.__index = Builder
Builder.__tostring = function() return "ParamGridBuilder" end

-- ml.ParamGridBuilder(): :addGrid(stage, name, values), :baseOn(...), :build().
function M.ParamGridBuilder() return setmetatable({ _grid = {} }, Builder) end

-- The values are checked as the stage's setter checks them (its name, the
-- kind, a choice list or a range), so a typo fails here, at the line that
-- wrote it, rather than in the middle of a fit.
local function check_values(who, stage, name, values)
  if not is_stage(stage) then
    base.fail(("ParamGridBuilder:%s needs a stage first (addGrid(lr, \"regParam\", {0.1, 0.01})), not %s")
      :format(who, type(stage)))
  end
  if type(name) ~= "string" then
    base.fail(("ParamGridBuilder:%s needs a parameter name (a string) after the stage, not %s"):format(who,
      type(name)))
  end
  if type(values) ~= "table" then
    base.fail(("ParamGridBuilder:%s needs a list of values for %s.%s, not %s"):format(who, stage.uid, name,
      type(values)))
  end
  local probe = stage:copy()
  for _, v in ipairs(values) do probe:set(name, v) end
  if #values == 0 then probe:set(name, nil) end -- (the name alone is checked)
end

-- Every value of values for stage's parameter name; a parameter given
-- again keeps its place and takes the new values (PySpark's dict).
-- addGrid(lr.regParam, values), PySpark's form, names both by the Param.
function Builder:addGrid(stage, name, values)
  if base.isParam(stage) then stage, name, values = stage._stage, stage.name, name end
  check_values("addGrid", stage, name, values)
  local list = { unpack(values) }
  for _, g in ipairs(self._grid) do
    if g.stage.uid == stage.uid and g.name == name then
      g.values = list
      return self
    end
  end
  self._grid[#self._grid + 1] = { stage = stage, name = name, values = list }
  return self
end

-- One value in every map: baseOn(stage, name, value), or baseOn(map) with
-- a param map ({ [lr] = { maxIter = 10 } }); PySpark's forms,
-- baseOn(lr.maxIter, 10) and baseOn({ [lr.maxIter] = 10 }), too.
function Builder:baseOn(stage, name, value)
  if base.isParam(stage) then return self:baseOn(stage._stage, stage.name, name) end
  if type(stage) == "table" and not is_stage(stage) and base.isParam(next(stage)) then
    local list = {}
    for p, v in pairs(stage) do
      if not base.isParam(p) then base.fail("ParamGridBuilder:baseOn: a map of Params takes only Params as keys") end
      list[#list + 1] = { p, v }
    end
    table.sort(list, function(a, b) return tostring(a[1]) < tostring(b[1]) end)
    for _, e in ipairs(list) do self:baseOn(e[1], e[2]) end
    return self
  end
  if type(stage) == "table" and not is_stage(stage) then
    for s, params in pairs(stage) do
      if not is_stage(s) or type(params) ~= "table" then
        base.fail("ParamGridBuilder:baseOn takes (stage, name, value) or a param map { [stage] = { name = value } }")
      end
    end
    for _, e in ipairs(entries(stage)) do self:addGrid(e[1], e[2], { e[3] }) end
    return self
  end
  check_values("baseOn", stage, name, { value })
  return self:addGrid(stage, name, { value })
end

-- The maps of every combination of the values: the first parameter added
-- varies slowest (PySpark's itertools.product). No grid gives one empty
-- map (the estimator as it is).
function Builder:build()
  local combos = { {} }
  for _, g in ipairs(self._grid) do
    local more = {}
    for _, combo in ipairs(combos) do
      for _, v in ipairs(g.values) do
        local c = { unpack(combo) }
        c[#c + 1] = { g.stage, g.name, v }
        more[#more + 1] = c
      end
    end
    combos = more
  end
  local maps = {}
  for i, combo in ipairs(combos) do maps[i] = new_map(combo) end
  return maps
end

-- A copy of est with map's params set: on est itself, or on the stage of
-- a Pipeline (nested ones too) with the entry's uid. An entry whose stage
-- is not there is an error (Spark would ignore it, and the grid would
-- search nothing).
local function with_params(est, map, who)
  local wanted, order = {}, {}
  for _, e in ipairs(entries(map)) do
    local uid = e[1].uid
    if not wanted[uid] then wanted[uid], order[#order + 1] = {}, e[1] end
    wanted[uid][e[2]] = e[3]
  end
  local used = {}
  local function apply(stage)
    local extra = wanted[stage.uid]
    local copy = stage
    if extra then
      used[stage.uid] = true
      copy = stage:copy(extra)
    end
    if getmetatable(stage) == Pipeline() then
      local stages = {}
      for i, s in ipairs(copy:getOrDefault("stages") or {}) do stages[i] = apply(s) end
      if copy == stage then copy = stage:copy() end
      copy._set.stages = stages
    end
    return copy
  end
  local out = apply(est)
  for _, stage in ipairs(order) do
    if not used[stage.uid] then
      base.fail(("%s: a param map sets %s of %s, which is neither the estimator (%s) nor one of its stages")
        :format(who, next(wanted[stage.uid]), stage.uid, est.uid))
    end
  end
  return out
end

-- A copy of stage with `map` applied: a ParamGridBuilder's map, a map
-- of Params ({ [lr.maxIter] = 5 }: a Pipeline's stages' too), or of names
-- ({ maxIter = 5 }).
function M.withMap(stage, map, who)
  if getmetatable(map) == ParamMap then return with_params(stage, map, who) end
  local list, by_name = {}, {}
  for k, v in pairs(map) do
    if base.isParam(k) then
      list[#list + 1] = { k._stage, k.name, v }
    elseif is_stage(k) and type(v) == "table" then
      for name, value in pairs(v) do list[#list + 1] = { k, name, value } end
    elseif type(k) == "string" then
      by_name[k] = v
    else
      base.fail(("%s: a param map's keys are Params (lr.maxIter), param names or stages, not %s"):format(who,
        tostring(k)))
    end
  end
  local copy = #list > 0 and with_params(stage, new_map(list), who) or stage
  return next(by_name) and copy:copy(by_name) or copy
end

M.entries, M.newMap, M.mapText, M.valueText = entries, new_map, map_text, shown
M.isStage, M.withParams = is_stage, with_params

return M
