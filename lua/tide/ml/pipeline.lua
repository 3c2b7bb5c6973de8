-- tide.ml.pipeline — Pipeline and PipelineModel, as Spark's: fit runs the
-- stages in order, fitting each estimator on the output of the stages
-- before it; the model's transform chains every stage's operator onto the
-- DataFrame's plan (so it serves batch and streaming DataFrames alike).
local base = require("tide.ml.base")

local M = {}

local Pipeline = base.class {
  name = "Pipeline", sparkClass = "org.apache.spark.ml.Pipeline",
  params = { stages = base.NONE },
}
M.Pipeline = Pipeline

local PipelineModel = base.class {
  name = "PipelineModel", sparkClass = "org.apache.spark.ml.PipelineModel",
  params = {},
}
M.PipelineModel = PipelineModel

function PipelineModel.fromStages(stages, uid)
  local model = PipelineModel.new()
  model.stages = stages
  if uid then model.uid = uid end
  return model
end

-- A model that follows the saves to path: see tide.ml.watch.
function PipelineModel.watch(path, opts)
  return require("tide.ml.watch").watch(path, PipelineModel.load, opts)
end

local function is_estimator(stage) return type(stage.fit) == "function" end

-- A stage's error as the caller of fit or transform sees it: the stage
-- named, without the place in tide's own modules it was raised from
-- (the caller's line comes first instead).
local function stage_error(what, i, stage, err)
  -- (a stage's checks raise at the user's line, base.fail: the line of
  -- this fit or transform, which the error gets again below)
  err = tostring(err):gsub("^[^:\n]*:%d+: ", "")
  return ("%s stage %d (%s): %s"):format(what, i, stage.uid or "?", err)
end

function Pipeline:fit(df)
  local stages = self:getOrDefault("stages") or {}
  local last = 0
  for i, s in ipairs(stages) do
    if type(s) ~= "table" or (not is_estimator(s) and type(s.transform) ~= "function") then
      error(("Pipeline: stage %d is neither an estimator nor a transformer"):format(i), 2)
    end
    if is_estimator(s) then last = i end
  end
  -- The input is read once; each estimator then fits on the output of the
  -- stages before it, computed once (held in memory as one batch).
  local cur = df
  if last > 0 and not df._streaming then cur = base.frame(df._session, base.materialize(df), df.schema) end
  -- cur as a plan over df: what a model that keeps its training data (a
  -- training summary, scored when first read) keeps, as Spark's lineage,
  -- rather than the batches above, which hold every stage's columns.
  local lineage = df
  local models = {}
  for i, s in ipairs(stages) do
    local model = s
    if is_estimator(s) then
      local ok, m = pcall(s.fit, s, cur)
      if not ok then error(stage_error("Pipeline", i, s, m), 2) end
      model = m
      if model._trainedOn then model:_trainedOn(lineage) end
    end
    models[i] = model
    if i < last then
      cur = model:transform(cur)
      lineage = model:transform(lineage)
      if is_estimator(s) then cur = base.frame(df._session, base.materialize(cur), cur.schema) end
    end
  end
  return PipelineModel.fromStages(models, self.uid)
end

function PipelineModel:transform(df)
  -- The operators the stages add, recorded on each for tide.optimizer,
  -- which may run them as one (tide.ml.fused).
  local group = { stages = self.stages, ops = {} }
  for i, s in ipairs(self.stages) do
    local ok, out = pcall(s.transform, s, df)
    if not ok then error(stage_error("PipelineModel", i, s, out), 2) end
    df = out
    group.ops[i] = df._plan
  end
  for _, op in ipairs(group.ops) do op.pipeline = group end
  return df
end

function PipelineModel:_stageUids()
  local uids = {}
  for i, s in ipairs(self.stages) do uids[i] = s.uid end
  return uids
end

local function stage_dir(dir, i, uid) return ("%s/stages/%d_%s"):format(dir, i - 1, uid) end

function PipelineModel:_writeStages(dir, write_stage)
  for i, s in ipairs(self.stages) do
    if not s._sparkClass then error(("PipelineModel: stage %d cannot be saved"):format(i), 0) end
    write_stage(s, stage_dir(dir, i, s.uid))
  end
end

function PipelineModel:_readStages(dir, uids, load_stage)
  self.stages = {}
  for i, uid in ipairs(uids) do
    local sdir = stage_dir(dir, i, uid)
    if not require("tide.files").stat(sdir) then
      -- The pipeline's own metadata names a stage directory that is not
      -- there: that file is damaged (or the copy incomplete); say which.
      error(("model metadata %s/metadata/part-00000 names stage %d as %s, which does not exist")
        :format(dir, i - 1, sdir), 0)
    end
    self.stages[i] = load_stage(sdir)
  end
end

function Pipeline:_stageUids()
  local uids = {}
  for i, s in ipairs(self:getOrDefault("stages") or {}) do uids[i] = s.uid end
  return uids
end
function Pipeline:_writeStages(dir, write_stage)
  self.stages = self:getOrDefault("stages") or {}
  PipelineModel._writeStages(self, dir, write_stage)
  self.stages = nil
end
function Pipeline:_readStages(dir, uids, load_stage)
  PipelineModel._readStages(self, dir, uids, load_stage)
  self._set.stages, self.stages = self.stages, nil
end

return M
