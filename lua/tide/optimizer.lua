-- tide.optimizer — rewrites a plan before it runs. One rewrite so far: a
-- fitted pipeline whose columns in between nothing above it reads (the
-- seed's model:transform(events):select("id", "probability", ...)) runs as
-- one fused scorer (tide.ml.fused) instead of stage after stage. Which
-- columns the operators above read is worked out through projections
-- (their expressions' column references); any other operator, or an
-- expression that reads every column (a star), leaves the plan as it is.
-- A plan is rewritten once; the result is kept on it.
local C = require("tide.ffi")
local batchlib = require("tide.batch")
local lineage = require("tide.lineage")

local M = {}

-- Adds the columns expression node reads to set (a "data.x" reference
-- both as is and as its column "data"); false when it cannot tell. A
-- column's DataFrame (tide.lineage) is no part of the expression.
local function references(node, set, seen)
  if type(node) ~= "table" or seen[node] or lineage.isRef(node) then return true end
  seen[node] = true
  if node.k == "star" then return false end
  if node.k == "col" and type(node.name) == "string" then
    set[node.name] = true
    set[node.name:match("^[^.]*")] = true
  end
  for _, v in pairs(node) do
    if type(v) == "table" and not references(v, set, seen) then return false end
  end
  return true
end

-- The columns a projection reads to make the `needed` ones of its output
-- (nil: all of them); nil when that cannot be told.
local function projection_needs(op, needed)
  if not op.compiled then return nil end
  local set, seen = {}, {}
  for _, item in ipairs(op.compiled) do
    if (needed == nil or needed[item.name]) and not references(item.node, set, seen) then return nil end
  end
  return set
end

-- The operator that runs group (tide.ml.pipeline's record of the operators
-- a PipelineModel added, bottom first) as one fused scorer, or nil when
-- its stages are not of that shape or `needed` holds one of the columns
-- only the stages in between make.
local function fused_operator(group, needed)
  local fused = require("tide.ml.fused")
  local bottom, top = group.ops[1], group.ops[#group.ops]
  local input_schema = bottom.child.schema
  local scorer = fused.compile(group.stages, input_schema)
  if not scorer then return nil end
  local scores = {}
  for _, name in pairs(scorer.outputs) do scores[name] = true end
  local added = {}
  for j = #input_schema.fields + 1, #top.schema.fields do
    local f = top.schema.fields[j]
    if needed[f.name] and not scores[f.name] then return nil end
    added[#added + 1] = f
  end
  local skipper_op
  for _, op in ipairs(group.ops) do
    if op.stage == scorer.skipper then skipper_op = op end
  end
  return {
    kind = "ml",
    schema = top.schema,
    child = bottom.child,
    fusedFrom = group.ops,
    apply = function(batch, ctx)
      local out = batchlib.wrap(C.tide_batch_derive(batch, batch.num_columns + #added))
      for i = 0, batch.num_columns - 1 do out.columns[i] = batch.columns[i] end
      local state = skipper_op and ctx and ctx.stateOf(skipper_op)
      local result = fused.score(scorer, batch, out, added, ctx, state)
      if result then return result end
      -- A row one of the stages fails on: they run, and raise their error.
      local b = batch
      for _, op in ipairs(group.ops) do
        if ctx then ctx.state = ctx.stateOf(op) end
        b = op.apply(b, ctx)
      end
      return b
    end,
  }
end

-- Whether ops[i], ops[i + 1], ... (top first) are group's operators.
local function holds_group(ops, i, group)
  local n = #group.ops
  for k = 0, n - 1 do
    local op = ops[i + k]
    if op ~= group.ops[n - k] or op.kind ~= "ml" then return false end
  end
  return true
end

local function rewrite(plan)
  local ops = {}
  local p = plan
  while p.child do
    ops[#ops + 1] = p
    p = p.child
  end
  local needed -- nil: every column of ops[i]'s output is read
  for i = 1, #ops do
    local op, group = ops[i], ops[i].pipeline
    if needed and group and holds_group(ops, i, group) then
      local fused = fused_operator(group, needed)
      if fused then
        -- the operators above, copied onto the fused one
        local below = fused
        for k = i - 1, 1, -1 do
          local copy = {}
          for key, v in pairs(ops[k]) do copy[key] = v end
          copy.child, copy.optimized = below, nil
          below = copy
        end
        return below
      end
    end
    if op.kind ~= "project" then return plan end
    needed = projection_needs(op, needed)
    if not needed then return plan end
  end
  return plan
end

-- The plan to run for plan.
function M.optimize(plan)
  local done = plan.optimized
  if done then return done end
  done = rewrite(plan)
  plan.optimized = done
  return done
end


return M
