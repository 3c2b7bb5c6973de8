-- tide.lineage — which DataFrame a column reference came from. df.x (and
-- df["x"]) carry df's plan, and a join's output fields the plan of the
-- side each came from (field.origin), so that after a join on a condition
-- a.id and b.id find each side's id where the name alone is ambiguous, as
-- Spark's attribute ids do; a field's qualifier (the alias of its side,
-- df:alias("a")) lets F.col("a.id") find it too (tide.types resolveField).
local M = {}

-- A column node holds its DataFrame's plan as an opaque reference, a
-- table with a metatable, which the walkers of expression trees pass over
-- (they copy or skip such values: a plan is no part of the expression).
local Ref = {}
function M.ref(plan) return setmetatable({ plan = plan }, Ref) end
function M.isRef(v) return getmetatable(v) == Ref end

-- Whether plan is built on `from` (is it, or has it among its inputs).
local function derives(plan, from)
  if plan == from then return true end
  if plan.left and plan.right then return derives(plan.left, from) or derives(plan.right, from) end
  return plan.child ~= nil and derives(plan.child, from)
end
M.derives = derives

-- The test resolveField takes to choose among same-named fields: those of
-- the DataFrame a column node came from (`from`, M.ref's; nil: no
-- choice, the name alone decides).
function M.fieldsOf(from)
  if not from then return nil end
  return function(field) return field.origin ~= nil and derives(field.origin, from.plan) end
end

return M
