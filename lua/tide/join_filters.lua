-- tide.join_filters — a filter over an inner join moves into the join's
-- condition before the query runs, as Spark's optimizer pushes a Filter's
-- conjuncts into the Join below it (PushPredicateThroughJoin) and then
-- finds the equalities to hash on (ExtractEquiJoinKeys): FROM a, b WHERE
-- a.x = b.y, a cross join filtered, runs as a hash join on x and y rather
-- than as every pair of rows filtered; a.x < b.y as a nested loop over
-- chunks of pairs rather than the whole product at once.
--
--   local plan = require("tide.join_filters").rewrite(plan)   -- tide.optimizer's first rewrite
--
-- The filter's column references name the join's output, directly or
-- through a projection of columns (SQL renames a right column whose name
-- the left has); each is located on the side it came from, and the join
-- is made again (plan.withCondition, tide.dataframe_join's) with the
-- conjuncts that are deterministic and name its columns ANDed to its
-- condition (tide.join_conditions then filters a side by those of one
-- side, hashes the equalities, evaluates the rest over the pairs). The
-- filter stays above unless every conjunct moved. Operators above a
-- rewritten one are copies; a plan with nothing to move is returned as
-- it is.
local lineage = require("tide.lineage")
local conditions = require("tide.join_conditions")
local copy_of = require("tide.optimizer").copyOf

local M = {}

-- The index (1-based) of the field of schema a column node names, as
-- tide.eval resolves it; nil when none (or several) does.
local function field_index(node, schema)
  if node.index then return node.index + 1 end
  if type(node.name) ~= "string" then return nil end
  return (schema:resolveField(node.name, lineage.fieldsOf(node.from)))
end

-- node (over filter's input) with its columns located on join's sides, or
-- nil when one is not a column of the join passed on (a computed one, a
-- struct's field by a dotted name). project: the projection between them.
local function located(node, filter, project, join)
  local ok = true
  local out = conditions.mapColumns(node, function(n)
    if not ok then return n end
    local i = field_index(n, filter.child.schema)
    if i and project then
      local e = project.compiled[i] and project.compiled[i].node
      while e and e.k == "alias" do e = e.expr end
      i = e and e.k == "col" and field_index(e, join.schema) or nil
    end
    local o = i and join.spec.outputs[i]
    if not (o and o.side and o.index) then
      ok = false
      return n
    end
    return conditions.column(o.field.name, o.side, o.index + 1)
  end)
  return ok and out or nil
end

-- Whether a located node reads a column of the join.
local function reads_columns(node)
  if type(node) ~= "table" or getmetatable(node) then return false end
  if node.k == "col" and node.side then return true end
  for key, v in pairs(node) do
    if key ~= "from" and reads_columns(v) then return true end
  end
  return false
end

-- The plan filter stands for with its conditions moved into the join
-- below it, or nil when there is no such join or nothing moves.
local function into_join(filter)
  if filter.joinPushed then return nil end
  local below, project = filter.child, nil
  if below.kind == "project" and below.compiled then project, below = below, below.child end
  if not (below.withCondition and below.spec and below.spec.outputs) then return nil end
  local sql = require("tide.sql")
  local moved, all = {}, true
  for _, c in ipairs(sql.conjuncts(filter.predicate.node, {})) do
    local l = conditions.deterministic(c) and located(c, filter, project, below)
    if l and reads_columns(l) then moved[#moved + 1] = l else all = false end
  end
  if #moved == 0 then return nil end
  local ok, joined = pcall(below.withCondition, conditions.all(moved))
  if not ok then return nil end
  local out = project and copy_of(project, { child = joined }) or joined
  if all then return out end
  return copy_of(filter, { child = out, joinPushed = true })
end

-- plan with the filters over inner joins in it moved into them.
function M.rewrite(plan)
  local fields
  if plan.child then
    local child = M.rewrite(plan.child)
    if child ~= plan.child then
      fields = { child = child }
      -- (a join's probe side is its child)
      local side = plan.spec and plan.spec.probeSide
      if side and plan[side] == plan.child then fields[side] = child end
    end
  elseif plan.left and plan.right then
    local left, right = M.rewrite(plan.left), M.rewrite(plan.right)
    if left ~= plan.left or right ~= plan.right then fields = { left = left, right = right } end
  end
  local op = fields and copy_of(plan, fields) or plan
  if op.kind == "filter" and op.predicate then
    -- (what moved may filter a join below in turn: a filter over a join's side)
    local moved = into_join(op)
    if moved then return M.rewrite(moved) end
  end
  return op
end

return M
