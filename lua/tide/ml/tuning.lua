-- tide.ml.tuning — model selection, as pyspark.ml.tuning: ParamGridBuilder
-- builds a list of param maps; CrossValidator (k folds) and
-- TrainValidationSplit (one split) fit the estimator with each map, score
-- the fitted models on held-out rows with an evaluator, and refit the best
-- map (the evaluator's isLargerBetter says which is best) on every row.
--
--   local lr = ml.LogisticRegression{maxIter = 10}
--   local grid = ml.ParamGridBuilder():addGrid(lr, "regParam", {0.1, 0.01}):build()
--   local cv = ml.CrossValidator{estimator = ml.Pipeline{stages = {..., lr}}, estimatorParamMaps = grid,
--                                evaluator = ml.BinaryClassificationEvaluator{}, numFolds = 3, seed = 42}
--   local model = cv:fit(train)       -- model.bestModel, model.avgMetrics, model:transform(test)
--
-- Param maps, ParamGridBuilder and a copy of the estimator with a map's
-- params set are tide.ml.param_grid's.
--
-- Folds as PySpark's: a column rand(seed) over the rows (held in memory
-- once, so every fold reads the same draws), fold i validating on the rows
-- whose draw is in [i/k, (i+1)/k) and training on the others; or the
-- user's fold numbers (foldCol).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local json = require("tide.json")
local base = require("tide.ml.base")
local batchlib = require("tide.batch")
local grid = require("tide.ml.param_grid")

local M = {}
local REQUIRED = base.REQUIRED
local entries, new_map, map_text, shown = grid.entries, grid.newMap, grid.mapText, grid.valueText
local is_stage, with_params = grid.isStage, grid.withParams

local function F() return require("tide.functions") end
local function Pipeline() return require("tide.ml.pipeline").Pipeline end

-- ml.ParamGridBuilder() (tide.ml.param_grid)
M.ParamGridBuilder = grid.ParamGridBuilder

-- ---- the validators' params -----------------------------------------------------------------

-- Java's String.hashCode: Spark's default seed is that of the class name.
local function java_hash(s)
  local h = 0
  for i = 1, #s do h = (h * 31 + s:byte(i)) % 4294967296 end
  return h >= 2147483648 and h - 4294967296 or h
end

local function validator_params(spark_class, extra)
  local p = { estimator = REQUIRED, estimatorParamMaps = REQUIRED, evaluator = REQUIRED,
              seed = java_hash(spark_class), parallelism = 1, collectSubModels = false }
  for k, v in pairs(extra) do p[k] = v end
  return p
end

local CV_CLASS = "org.apache.spark.ml.tuning.CrossValidator"
local TVS_CLASS = "org.apache.spark.ml.tuning.TrainValidationSplit"

local CrossValidator = base.class {
  name = "CrossValidator", sparkClass = CV_CLASS,
  params = validator_params(CV_CLASS, { numFolds = 3, foldCol = "" }),
  ranges = { numFolds = { 2 }, parallelism = { 1 } },
}
M.CrossValidator = CrossValidator

local CrossValidatorModel = base.class {
  name = "CrossValidatorModel", sparkClass = CV_CLASS .. "Model",
  params = CrossValidator._defaults, ranges = CrossValidator._ranges,
}
M.CrossValidatorModel = CrossValidatorModel

local TrainValidationSplit = base.class {
  name = "TrainValidationSplit", sparkClass = TVS_CLASS,
  params = validator_params(TVS_CLASS, { trainRatio = 0.75 }),
  ranges = { trainRatio = { 0, 1 }, parallelism = { 1 } },
}
M.TrainValidationSplit = TrainValidationSplit

local TrainValidationSplitModel = base.class {
  name = "TrainValidationSplitModel", sparkClass = TVS_CLASS .. "Model",
  params = TrainValidationSplit._defaults, ranges = TrainValidationSplit._ranges,
}
M.TrainValidationSplitModel = TrainValidationSplitModel

local function whole(stage, name)
  local v = stage:getOrDefault(name)
  if type(v) == "cdata" then v = tonumber(v) end
  if v ~= math.floor(v) then
    base.fail(("%s: Invalid param value given for param %q. Could not convert %s to int"):format(stage._name, name,
      tostring(v)))
  end
  return v
end

-- The estimator, the param maps and the evaluator, checked.
local function parts(self)
  local who = self._name
  local est, maps, eva = self:need("estimator"), self:need("estimatorParamMaps"), self:need("evaluator")
  if type(est) ~= "table" or type(est.fit) ~= "function" then
    base.fail(("%s: estimator must be an estimator (a stage with fit), not %s"):format(who, tostring(est)))
  end
  if type(eva) ~= "table" or type(eva.evaluate) ~= "function" or type(eva.isLargerBetter) ~= "function" then
    base.fail(("%s: evaluator must be an evaluator (evaluate and isLargerBetter), not %s"):format(who,
      tostring(eva)))
  end
  if type(maps) ~= "table" or #maps == 0 then
    base.fail(("%s: estimatorParamMaps must be a non-empty list of param maps "
      .. "(ParamGridBuilder():build() gives one empty map to fit the estimator as it is)"):format(who))
  end
  for i, map in ipairs(maps) do
    if type(map) ~= "table" then base.fail(("%s: estimatorParamMaps[%d] is not a param map"):format(who, i)) end
    for stage, params in pairs(map) do
      if not is_stage(stage) or type(params) ~= "table" then
        base.fail(("%s: estimatorParamMaps[%d] is not a param map ({ [stage] = { name = value } })"):format(who, i))
      end
    end
  end
  whole(self, "seed")
  whole(self, "parallelism")
  return est, maps, eva
end

-- ---- splitting -------------------------------------------------------------------------------

-- df held in memory as one batch (the folds and the final fit read it);
-- the frame keeps the schema's ML metadata.
local function held(df)
  if batchlib.isBatch(df) then return base.frame(nil, df), df end
  local batch = base.materialize(df)
  return base.frame(df._session, batch, df.schema), batch
end

local function keep(df) return base.frame(df._session, df:toBatch(), df.schema) end

-- data with a column rand(seed) computed once (held, so that each filter
-- reads the same draws).
local function with_draws(stage, data, name)
  local drawn = data:select("*", F().rand(whole(stage, "seed")):alias(name))
  return keep(drawn), drawn
end

local function nonempty(df, who, what)
  if df:count() == 0 then base.fail(("%s: %s is empty."):format(who, what)) end
  return df
end

-- The folds of data (held, over batch): their number k and split(i),
-- which gives fold i's train and validation rows (0 <= i < k), held in
-- memory. A fold is split when it is fitted, so that one fold's rows are
-- held at a time (PySpark caches each fold's and unpersists it after).
local function k_fold(self, data, batch)
  local who = self._name
  local k = whole(self, "numFolds")
  local fold_col = self:getOrDefault("foldCol")
  local function split(i, train_rows, validation_rows)
    return nonempty(keep(train_rows), who, ("The training data at fold %d"):format(i)),
      nonempty(keep(validation_rows), who, ("The validation data at fold %d"):format(i))
  end
  if fold_col == nil or fold_col == "" then
    local name = self.uid .. "_rand"
    local drawn = with_draws(self, data, name)
    local r = drawn[name]
    local h = 1.0 / k
    return k, function(i)
      -- (the last fold takes every draw from (k-1)/k up: k * (1/k) may fall
      -- below 1, which would leave rows in no fold)
      local cond = r:ge(i * h)
      if i < k - 1 then cond = cond:and_(r:lt((i + 1) * h)) end
      return split(i, drawn:filter(cond:not_()):drop(name), drawn:filter(cond):drop(name))
    end
  end
  -- The user's fold numbers: an int column, every row in [0, numFolds).
  local f, idx = base.fieldOf(data.schema, fold_col, who)
  if f.dataType.id ~= T.ID.int and f.dataType.id ~= T.ID.long then
    base.fail(("%s: The specified `foldCol` column %s must be integer type, but got %s."):format(who, fold_col,
      f.dataType:simpleString()))
  end
  local col = base.column(batch, fold_col, who)
  local n = tonumber(col.length)
  local values = ffi.new("double[?]", math.max(n, 1))
  base.check(C.tide_ml_column_doubles(col, values, base.errbuf, base.errlen), who, true)
  for i = 0, n - 1 do
    local v = values[i]
    if not batchlib.isValid(col, i) then
      base.fail(("%s: fold column %s, row %d: the fold number is null"):format(who, fold_col, i))
    end
    if v < 0 or v >= k then
      base.fail(("%s: fold column %s, row %d: Fold number must be in range [0, %d), but got %d."):format(who,
        fold_col, i, k, v))
    end
  end
  local ref = require("tide.column").wrap({ k = "col", name = f.name, index = idx - 1 })
  return k, function(i) return split(i, data:filter(ref:ne(i)), data:filter(ref:eq(i))) end
end

-- PySpark's _kFold(df): { {train, validation}, ... }, a pair per fold.
function CrossValidator:_kFold(df)
  local k, split = k_fold(self, held(df))
  local folds = {}
  for i = 1, k do folds[i] = { split(i - 1) } end
  return folds
end

-- ---- fitting ----------------------------------------------------------------------------------

-- fn(...)'s result; its error is raised again at the user's line, saying
-- where in the search it happened.
local function attempt(who, where, fn, ...)
  local ok, res = pcall(fn, ...)
  if not ok then base.fail(("%s, %s: %s"):format(who, where, (tostring(res):gsub("^[^:\n]*:%d+: ", "")))) end
  return res
end

local function fit_with(est, map, data, who, where)
  local copy = with_params(est, map, who)
  return attempt(who, where, copy.fit, copy, data)
end

local function metric_of(eva, model, validation, who, where)
  local m = attempt(who, where, function() return eva:evaluate(model:transform(validation)) end)
  if type(m) ~= "number" or m ~= m then
    base.fail(("%s, %s: the evaluator gave %s, which ranks no model (one class only in the validation rows?)")
      :format(who, where, tostring(m)))
  end
  return m
end

-- The first index of the best metric (numpy's argmax or argmin).
local function best_index(metrics, larger)
  local best = 1
  for j = 2, #metrics do
    if (larger and metrics[j] > metrics[best]) or (not larger and metrics[j] < metrics[best]) then best = j end
  end
  return best
end

-- Each map's metrics averaged over the folds, with their (population)
-- standard deviations, as PySpark's numpy mean and std.
local function mean_std(all, count)
  local avg, std = {}, {}
  local k = #all
  for j = 1, count do
    local s = 0
    for i = 1, k do s = s + all[i][j] end
    avg[j] = s / k
    local v = 0
    for i = 1, k do v = v + (all[i][j] - avg[j]) ^ 2 end
    std[j] = math.sqrt(v / k)
  end
  return avg, std
end

-- parallelism is taken and the fits run one after another: each
-- LogisticRegression fit spreads its loss over every CPU already.
function CrossValidator:fit(df)
  local who = self._name
  local est, maps, eva = parts(self)
  local data, batch = held(df)
  local k, split = k_fold(self, data, batch)
  local collect = self:getOrDefault("collectSubModels")
  local all, subs = {}, collect and {} or nil
  for i = 1, k do
    local train, validation = split(i - 1)
    all[i] = {}
    if subs then subs[i] = {} end
    for j, map in ipairs(maps) do
      local where = ("fold %d, param map %d %s"):format(i - 1, j, map_text(map))
      local model = fit_with(est, map, train, who, where)
      all[i][j] = metric_of(eva, model, validation, who, where)
      if subs then subs[i][j] = model end
    end
  end
  local avg, std = mean_std(all, #maps)
  local best = best_index(avg, eva:isLargerBetter())
  local model = base.inherit(CrossValidatorModel.new(), self)
  model.bestModel = fit_with(est, maps[best], data, who, ("the best param map %d on every row"):format(best))
  model.avgMetrics, model.stdMetrics, model.subModels = avg, std, subs
  return model
end

function TrainValidationSplit:fit(df)
  local who = self._name
  local est, maps, eva = parts(self)
  local ratio = self:getOrDefault("trainRatio")
  local data = held(df)
  local name = self.uid .. "_rand"
  local drawn = with_draws(self, data, name)
  local cond = drawn[name]:ge(ratio)
  local what = ("(trainRatio %s of %d rows)"):format(shown(ratio), data:count())
  local validation = nonempty(keep(drawn:filter(cond):drop(name)), who, "The validation data " .. what)
  local train = nonempty(keep(drawn:filter(cond:not_()):drop(name)), who, "The training data " .. what)
  local collect = self:getOrDefault("collectSubModels")
  local metrics, subs = {}, collect and {} or nil
  for j, map in ipairs(maps) do
    local where = ("param map %d %s"):format(j, map_text(map))
    local model = fit_with(est, map, train, who, where)
    metrics[j] = metric_of(eva, model, validation, who, where)
    if subs then subs[j] = model end
  end
  local best = best_index(metrics, eva:isLargerBetter())
  local model = base.inherit(TrainValidationSplitModel.new(), self)
  model.bestModel = fit_with(est, maps[best], data, who, ("the best param map %d on every row"):format(best))
  model.validationMetrics, model.subModels = metrics, subs
  return model
end

-- The best model's transform (batch or streaming alike).
function CrossValidatorModel:transform(df) return self.bestModel:transform(df) end
function TrainValidationSplitModel:transform(df) return self.bestModel:transform(df) end

-- ---- save and load -------------------------------------------------------------------------
--
-- Spark's layout: the metadata's paramMap holds the validator's own
-- params and estimatorParamMaps (per map, per param: parent uid, name and
-- the value as JSON text); estimator/, evaluator/ and, for a model,
-- bestModel/ (and subModels/fold<i>/<j> or subModels/<j> when collected)
-- are stages in the same layout. The metrics are in data/data.json.

-- A param's value as JSON text (Spark's Param.jsonEncode: a double 0.0,
-- NaN "NaN").
local function value_json(name, v) return json.encode(base.paramJson(name, v)) end

local function encode_maps(maps)
  local out = {}
  for i, map in ipairs(maps) do
    local list = {}
    for k, e in ipairs(entries(map)) do
      list[k] = json.ordered { { "parent", e[1].uid }, { "name", e[2] }, { "value", value_json(e[2], e[3]) },
                               { "isJson", true } }
    end
    out[i] = json.array(list)
  end
  return json.array(out)
end

local function paramMaps(self)
  local set, defaults = base.Params.paramMaps(self)
  set.estimator, set.evaluator = nil, nil
  if set.estimatorParamMaps then set.estimatorParamMaps = encode_maps(set.estimatorParamMaps) end
  return set, defaults
end

local function writeStages(self, dir, write_stage)
  for _, key in ipairs({ "estimator", "evaluator" }) do
    local s = self:need(key)
    if not s._sparkClass then error(("%s: the %s %s cannot be saved"):format(self._name, key, tostring(s)), 0) end
    write_stage(s, dir .. "/" .. key)
  end
  if self.bestModel then write_stage(self.bestModel, dir .. "/bestModel") end
  if self.subModels then
    for i, sub in ipairs(self.subModels) do
      if type(sub) == "table" and sub._sparkClass then
        write_stage(sub, ("%s/subModels/%d"):format(dir, i - 1)) -- (TrainValidationSplit's)
      else
        for j, m in ipairs(sub) do write_stage(m, ("%s/subModels/fold%d/%d"):format(dir, i - 1, j - 1)) end
      end
    end
  end
end

-- Every stage a param map may name: the estimator, its stages, the evaluator.
local function stages_by_uid(est, eva)
  local found = {}
  local function walk(s)
    found[s.uid] = s
    if getmetatable(s) == Pipeline() then
      for _, x in ipairs(s:getOrDefault("stages") or {}) do walk(x) end
    end
  end
  walk(est)
  found[eva.uid] = eva
  return found
end

local function decode_maps(list, est, eva, dir)
  if list == nil then return nil end
  local stages = stages_by_uid(est, eva)
  local maps = {}
  for i, encoded in ipairs(type(list) == "table" and list or {}) do
    local items = {}
    for k, e in ipairs(encoded) do
      local stage = stages[e.parent]
      if not stage then
        error(("model metadata %s/metadata/part-00000: estimatorParamMaps names %s.%s, which is neither the "
          .. "estimator, one of its stages nor the evaluator"):format(dir, tostring(e.parent), tostring(e.name)), 0)
      end
      local v = e.value
      if e.isJson ~= false then v = json.decode(v) end
      if json.isArray(v) then v = { unpack(v) } end
      v = base.paramFromJson(stage, e.name, v)
      items[k] = { stage, e.name, v }
    end
    maps[i] = new_map(items)
  end
  return maps
end

local function readStages(self, dir, _, load_stage)
  self._set.estimator = load_stage(dir .. "/estimator")
  self._set.evaluator = load_stage(dir .. "/evaluator")
  self._set.estimatorParamMaps = decode_maps(self._set.estimatorParamMaps, self._set.estimator,
    self._set.evaluator, dir)
  if not self._modelData then return end
  self.bestModel = load_stage(dir .. "/bestModel")
  if self._modelData.persistSubModels then
    local maps = #self._set.estimatorParamMaps
    local subs = {}
    if getmetatable(self) == CrossValidatorModel then
      for i = 1, whole(self, "numFolds") do
        subs[i] = {}
        for j = 1, maps do subs[i][j] = load_stage(("%s/subModels/fold%d/%d"):format(dir, i - 1, j - 1)) end
      end
    else
      for j = 1, maps do subs[j] = load_stage(("%s/subModels/%d"):format(dir, j - 1)) end
    end
    self.subModels = subs
  end
end

-- Metrics as doubles, a NaN or infinity as DoubleParam writes it.
local function numbers_json(list)
  local out = {}
  for i, v in ipairs(list or {}) do out[i] = base.paramJson("metric", v) end
  return json.array(out)
end
local NON_FINITE = { NaN = 0 / 0, Inf = math.huge, ["-Inf"] = -math.huge, Infinity = math.huge,
                     ["-Infinity"] = -math.huge }

local function json_numbers(list, r, key)
  if type(list) ~= "table" then r:fail("data.json", key .. " is missing") end
  local out = {}
  for i, v in ipairs(list) do
    if type(v) == "string" then v = NON_FINITE[v] end
    if type(v) ~= "number" then r:fail("data.json", key .. " holds something other than numbers") end
    out[i] = v
  end
  return out
end

for _, cls in ipairs({ CrossValidator, CrossValidatorModel, TrainValidationSplit, TrainValidationSplitModel }) do
  cls.paramMaps, cls._writeStages, cls._readStages = paramMaps, writeStages, readStages
end

function CrossValidatorModel:_writeData(w)
  w:json("data.json", { avgMetrics = numbers_json(self.avgMetrics), stdMetrics = numbers_json(self.stdMetrics),
    persistSubModels = self.subModels ~= nil })
end
function CrossValidatorModel:_readData(r)
  local d = r:json("data.json")
  self._modelData = d
  self.avgMetrics = json_numbers(d.avgMetrics, r, "avgMetrics")
  self.stdMetrics = d.stdMetrics and json_numbers(d.stdMetrics, r, "stdMetrics") or nil
end

function TrainValidationSplitModel:_writeData(w)
  w:json("data.json", { validationMetrics = numbers_json(self.validationMetrics),
    persistSubModels = self.subModels ~= nil })
end
function TrainValidationSplitModel:_readData(r)
  local d = r:json("data.json")
  self._modelData = d
  self.validationMetrics = json_numbers(d.validationMetrics, r, "validationMetrics")
end

return M
