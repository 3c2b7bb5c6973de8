-- tide.ml.watch — a saved model that a running query follows: each save to
-- the path (model:write():overwrite():save(path), from any process) is
-- picked up at a batch boundary, without restarting the query.
--
--   local watched = ml.PipelineModel.watch("model/ctr", { interval = 1 })
--   watched:transform(stream).writeStream:...:start()
--
-- Contract: transform adds one plan operator. Before it scores a batch it
-- checks, at most once per `interval` seconds, the saveId that every save
-- writes into <path>/metadata/part-00000 (saves are atomic renames: a
-- reader sees the old directory or the new one). A new saveId loads the
-- new model (on the query's thread, before the batch); the whole batch is
-- then scored by it, so no batch mixes two models. A model that cannot be
-- loaded (corrupt, half-copied, a newer format) or whose output columns
-- differ in names or types from the first model's is not used: the
-- current model keeps scoring, a warning names the path and the reason
-- once per saveId, and the next check tries again.
local C = require("tide.ffi")
local dataframe = require("tide.dataframe")
local execution = require("tide.execution")
local persist = require("tide.ml.persist")

local M = {}

local Watched = {}
Watched.__index = Watched

local function warn(self, stamp, msg)
  if self._warned[stamp or "?"] then return end
  self._warned[stamp or "?"] = true
  io.stderr:write(("tide: warning: model %s: %s; still scoring with model %d (saveId %s)\n"):format(
    self.path, msg, self.version, tostring(self.saveId)))
end

-- load: path -> model (e.g. PipelineModel.load). opts.interval: seconds
-- between checks (default 1; 0 checks before every batch).
function M.watch(path, load, opts)
  opts = opts or {}
  local interval = opts.interval or 1
  if type(path) ~= "string" or path == "" then error("watch needs the path of a saved model", 3) end
  if type(interval) ~= "number" or interval < 0 then error("watch: interval must be a number of seconds >= 0", 3) end
  local ok, model = pcall(load, path)
  if not ok then error(model, 3) end
  local self = setmetatable({
    path = path, load = load, interval = interval,
    model = model, saveId = model._saveStamp, version = 1,
    checks = 0, lastCheck = C.tide_now(), _warned = {}, _plans = setmetatable({}, { __mode = "k" }),
  }, Watched)
  return self
end

-- Checks the path now; true when a newer model was loaded.
function Watched:check()
  self.checks = self.checks + 1
  self.lastCheck = C.tide_now()
  local stamp = persist.saveStamp(self.path)
  if stamp == nil or stamp == self.saveId then return false end -- mid-rename, or unchanged
  local ok, model = pcall(self.load, self.path)
  if not ok then
    -- (the loader's error carries this file's position; the message names the model file)
    warn(self, stamp, "cannot load the new save: " .. tostring(model):gsub("^[^:]*%.lua:%d+: ", ""))
    return false
  end
  -- A save that landed while loading may have mixed two models' files:
  -- use the model only if the stamp held still.
  if persist.saveStamp(self.path) ~= stamp or model._saveStamp ~= stamp then return false end
  for _, plan in pairs(self._plans) do
    local okp, err = pcall(plan.prepare, model)
    if not okp then
      warn(self, stamp, tostring(err))
      return false
    end
  end
  for _, plan in pairs(self._plans) do plan.commit(model) end
  self.model, self.saveId, self.version = model, stamp, self.version + 1
  return true
end

function Watched:maybeCheck()
  if C.tide_now() - self.lastCheck >= self.interval then return self:check() end
  return false
end

local function same_columns(a, b)
  if #a.fields ~= #b.fields then return false end
  for i, f in ipairs(a.fields) do
    local g = b.fields[i]
    if f.name ~= g.name or f.dataType:simpleString() ~= g.dataType:simpleString() then return false end
  end
  return true
end

local function describe(schema)
  local parts = {}
  for i, f in ipairs(schema.fields) do parts[i] = f.name .. ":" .. f.dataType:simpleString() end
  return table.concat(parts, ",")
end

-- df plus the model's output columns; the model in use is the newest one
-- loaded when each batch starts.
function Watched:transform(df)
  local input_schema = df._plan.schema
  -- The model's operators over a leaf that stands for the batch in flight.
  local function inner(model)
    local leaf = { kind = "watched-input", schema = input_schema }
    return model:transform(dataframe.new(df._session, leaf, df._streaming))._plan
  end
  local current = inner(self.model)
  local schema = current.schema
  local pending
  local plan = {
    prepare = function(model)
      local p = inner(model)
      if not same_columns(p.schema, schema) then
        error(("the new model's columns (%s) differ from the running model's (%s)"):format(
          describe(p.schema), describe(schema)), 0)
      end
      pending = p
    end,
    commit = function() current, pending = pending, nil end,
  }
  local op = {
    kind = "ml-watched",
    schema = schema,
    apply = function(batch, ctx)
      -- A batch run in slices checks before its first slice only.
      if not (ctx and ctx.sliceIndex and ctx.sliceIndex > 0) then self:maybeCheck() end
      return execution.execute(current, ctx, batch)
    end,
  }
  self._plans[op] = plan
  op.child = df._plan
  return dataframe.new(df._session, op, df._streaming)
end

return M
