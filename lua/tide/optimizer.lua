-- tide.optimizer — rewrites a plan before it runs: a filter over an inner
-- join moves into the join's condition first (tide.join_filters); then
-- two rewrites:
--   * a fitted pipeline whose columns in between nothing above it reads
--     (the seed's model:transform(events):select("id", "probability", ...))
--     runs as one fused scorer (tide.ml.fused) instead of stage after
--     stage. Which columns the operators above read is worked out through
--     projections (their expressions' column references); any other
--     operator, or an expression that reads every column (a star), leaves
--     the plan as it is.
--   * partition pruning: a filter over a read of partitioned directories
--     (or a file stream of them), through projections and joins, whose
--     condition, or a conjunct of it, names partition columns alone has
--     the read skip the directories it cannot keep (Spark's
--     PartitionFilters; below).
-- A plan is rewritten once; the result is kept on it (operators above a
-- rewritten one are copies).
local C = require("tide.ffi")
local T = require("tide.types")
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

-- ---- partition pruning -------------------------------------------------------------------------

-- A filter over a read of partitioned directories (a source with prune:
-- tide.sources.csv's partitioned reads, for csv, json and text, and a file
-- stream's, tide.sources.file_stream) hands the read the conditions of its
-- own that name partition columns alone, through the filters,
-- projections, joins and unions (both sides, by position) in between: the
-- conjuncts of an AND, and of an OR the OR of what each side has (Spark's
-- extractPredicatesWithinOutputSet: (k = 1 AND n > 0) OR k = 2 gives
-- k = 1 OR k = 2). The read evaluates
-- them once per directory and opens none they do not make true. The
-- filter stays as it is: over the rows of the directories read it keeps
-- what it kept, the others it would have dropped. So that the rows are
-- those of a read of every directory:
--   * the conditions are deterministic, name a partition column and no
--     other, and run nothing of the rows' files or batch (NOT_PUSHED);
--   * the filter and the filters, projections and joins below it run
--     nothing whose values depend on the rows it runs over, nor a call
--     that fails (ROW_DEPENDENT): those would see fewer rows;
--   * a join passes a condition to a side whose rows it keeps whatever
--     the other side holds (Spark's PushPredicateThroughJoin): both of an
--     inner join, an outer join's preserved side, a semi or anti join's
--     left; never the side an outer join fills with nulls, whose rows a
--     condition such as k IS NULL would then keep padded. Its own
--     condition prunes the sides whose rows that fail it match nothing
--     (pushable_sides);
--   * when a row-wise operator above it holds rand() or randn(), whose
--     values follow the slices a batch is run over (tide.execution), the
--     read is pruned only when it is not sliced (spark.tide.sliceRows 0,
--     a batch query's default). A join's build side is read whole, apart
--     from the slices.

-- Calls whose values depend on the rows they run over (their number and
-- order), or on the batch, or which fail the query (Spark evaluates
-- them where they are reached: a directory skipped would not fail); a
-- UDF sees whole columns.
local ROW_DEPENDENT = { rand = true, randn = true, random = true, uuid = true, shuffle = true,
  monotonically_increasing_id = true, raise_error = true, assert_true = true, udf = true }
-- Calls a partition filter may not hold: those, those of the row's file
-- or batch (nondeterministic in Spark), and current_timezone(), which a
-- filter fixes when it is made (the pruning's copy is made later).
local NOT_PUSHED = { input_file_name = true, input_file_block_start = true, input_file_block_length = true,
  spark_partition_id = true, current_user = true, user = true, session_user = true, current_timezone = true }
for fn in pairs(ROW_DEPENDENT) do NOT_PUSHED[fn] = true end
-- Calls whose values follow the slice a batch is run over (ctx.sliceIndex).
local SLICED = { rand = true, randn = true, random = true }

-- Expression kinds a partition filter may hold; and what an operator below
-- a pushed filter may hold besides (lambdas: their variables are no
-- columns of the read).
local PUSHABLE_KINDS = { col = true, lit = true, op = true, call = true, cast = true, isnull = true,
  isnotnull = true, ["not"] = true, ["in"] = true, case = true, neg = true, bitnot = true, alias = true,
  interval = true, item = true, field = true, atleastnnonnulls = true }
local ROW_LOCAL_KINDS = { lambda = true, lambdavar = true }
for k in pairs(PUSHABLE_KINDS) do ROW_LOCAL_KINDS[k] = true end

-- Whether expression node (or a list of them) holds a call of `calls`, or
-- (kinds given) a node of a kind not in kinds.
local function holds(node, calls, kinds, seen)
  if type(node) ~= "table" or getmetatable(node) or seen[node] then return false end
  seen[node] = true
  if node.k ~= nil then
    if kinds and not kinds[node.k] then return true end
    if node.k == "call" and (type(node.fn) ~= "string" or calls[node.fn:lower()]) then return true end
    if node.k == "lit" then return false end
  end
  for key, v in pairs(node) do
    if key ~= "from" and holds(v, calls, kinds, seen) then return true end
  end
  return false
end

-- The expressions of a filter or a projection (nil: of another operator).
local function expressions(op)
  if op.kind == "filter" and op.predicate then return { op.predicate.node } end
  if op.kind == "project" and op.compiled then
    local nodes = {}
    for i, c in ipairs(op.compiled) do nodes[i] = c.node end
    return nodes
  end
  return nil
end

-- Whether a filter or projection may run over the rows of fewer
-- directories (see the top).
local function row_local(op)
  local nodes = expressions(op)
  return nodes ~= nil and not holds(nodes, ROW_DEPENDENT, ROW_LOCAL_KINDS, {})
end

-- Whether op is a join of tide.dataframe_join: its spec says how it runs
-- (the probe side its child, the build side spec.buildPlan).
local function is_join(op)
  return (op.kind == "join" or op.kind == "joinWhole") and op.spec ~= nil and op.left ~= nil and op.right ~= nil
end

-- Whether op (any operator) holds rand() or randn(): its expressions, or
-- what it keeps of them (other modules' operators), its inputs left out
-- (a join's: its condition's remainder).
local INPUTS = { child = true, left = true, right = true, source = true, optimized = true, fusedFrom = true,
  pipeline = true, spec = true }
local function holds_sliced(op)
  local nodes = expressions(op)
  if nodes then return holds(nodes, SLICED, nil, {}) end
  local seen = {}
  if op.spec and holds(op.spec.residualNode, SLICED, nil, seen) then return true end
  for key, v in pairs(op) do
    if not INPUTS[key] and holds(v, SLICED, nil, seen) then return true end
  end
  return false
end

-- The sides ("left", "right" keys) of join op that a condition over its
-- output may prune (see the top), and those its own condition's (the
-- remainder after the keys, over the pairs it matches) may: a side whose
-- rows that fail it could match nothing anyway (Spark pushes a join's
-- one-sided conditions to an inner or semi join's sides, an outer join's
-- null-supplying side, an anti join's right). None when the join's
-- condition holds what depends on the rows it sees.
local function pushable_sides(op)
  local spec = op.spec
  if holds(spec.residualNode, ROW_DEPENDENT, ROW_LOCAL_KINDS, {}) then return {}, {} end
  local MODE = require("tide.dataframe_join").MODE
  local probe = spec.probeSide
  local build = probe == "left" and "right" or "left"
  local mode = spec.mode
  if mode == MODE.inner then return { left = true, right = true }, { left = true, right = true } end
  if mode == MODE.semi then return { [probe] = true }, { left = true, right = true } end
  if mode == MODE.anti then return { [probe] = true }, { [build] = true } end
  if mode == MODE.probe_outer then return { [probe] = true }, { [build] = true } end
  if mode == MODE.build_outer then return { [build] = true }, { [probe] = true } end
  return {}, {} -- a full outer join fills either side with nulls, and keeps every row of both
end

-- The column of the read (the leaf under filters, projections, joins and
-- unions) that a column node over op's output names, as tide.eval resolves
-- it: the read's field index, the read and the route to it (route and, for
-- each join passed, "l" or "r", for each union "u" or "v": the side the
-- target route, the read's, goes on); nil when it is computed or not found
-- (with the projection, its expression and the route to it when computed).
local UNION_SIDES = { u = "left", v = "right" }
local function read_column(node, op, route, target)
  while true do
    while op.kind == "filter" do op = op.child end
    local i
    if node.index then
      i = node.index + 1
    elseif type(node.name) == "string" then
      i = op.schema:resolveField(node.name, lineage.fieldsOf(node.from))
    end
    if not i then return nil end
    if is_join(op) then
      -- (a full outer join's USING key is both sides' coalesced: no side's)
      local out = op.spec.outputs[i]
      if not (out and out.side and out.index) then return nil end
      node, op, route = { k = "col", index = out.index }, op[out.side], route .. out.side:sub(1, 1)
    elseif op.kind == "union" then
      -- (columns by position: the side's column i)
      local step = target:sub(#route + 1, #route + 1)
      if not UNION_SIDES[step] then return nil end
      node, op, route = { k = "col", index = i - 1 }, op[UNION_SIDES[step]], route .. step
    elseif op.kind ~= "project" then
      return i, op, nil, route
    else
      local item = op.compiled[i]
      local expr = item and item.node
      while expr and expr.k == "alias" do expr = expr.expr end
      if not expr or expr.k ~= "col" then return nil, op, expr, route end
      node, op = expr, op.child
    end
  end
end

-- node (over op's output, `route` from where the condition was made) as
-- an expression over the partition columns of found.read, which is at
-- found.route (column nodes by position in them), or nil when it names
-- another column or holds what a partition filter may not. found.columns
-- counts the partition columns named.
local function over_partitions(node, op, found, route)
  if type(node) ~= "table" or getmetatable(node) then return node end
  local kind = node.k
  if kind ~= nil then
    if not PUSHABLE_KINDS[kind] then return nil end
    if kind == "call" and (type(node.fn) ~= "string" or NOT_PUSHED[node.fn:lower()]) then return nil end
    if kind == "col" then
      local i, read, computed, at = read_column(node, op, route, found.route)
      if computed then
        -- a projection's expression: over the partition columns in turn
        return over_partitions(computed, read.child, found, at)
      end
      -- (a self-join reads one plan on both sides: the route tells them apart)
      if not i or read ~= found.read or at ~= found.route then return nil end
      local p, name = read.source.partitionColumn(i)
      if not p then return nil end
      found.columns = found.columns + 1
      return { k = "col", name = name, index = p - 1 }
    end
  end
  local out = {}
  for key, v in pairs(node) do
    if key ~= "from" then
      local copy = over_partitions(v, op, found, route)
      if copy == nil then return nil end
      out[key] = copy
    end
  end
  return out
end

local function logic(node)
  return node.k == "op" and type(node.op) == "string" and node.op:lower() or nil
end

-- What of pushed.node (a condition over pushed.over's output) names
-- partition columns of read (at pushed.route from there) alone, appended
-- to out as conjuncts.
local function partition_conditions(pushed, read, out)
  local function extract(node)
    local which = logic(node)
    if which == "and" then
      local l, r = extract(node.left), extract(node.right)
      if l and r then return { k = "op", op = "and", left = l, right = r } end
      return l or r
    elseif which == "or" then
      local l = extract(node.left)
      local r = l and extract(node.right)
      return r and { k = "op", op = "or", left = l, right = r } or nil
    end
    local found = { columns = 0, read = read, route = pushed.route }
    local copy = over_partitions(node, pushed.over, found, "")
    return found.columns > 0 and copy or nil
  end
  local function split(node)
    if logic(node) == "and" then
      split(node.left)
      split(node.right)
    else
      out[#out + 1] = node
    end
  end
  local got = extract(pushed.node)
  if got then split(got) end
end

-- A shallow copy of op with fields replaced.
local function copy_of(op, fields)
  local copy = {}
  for key, v in pairs(op) do copy[key] = v end
  copy.optimized = nil
  for key, v in pairs(fields) do copy[key] = v end
  return copy
end
M.copyOf = copy_of

-- The read pruned by the conditions pushed to it (a copy), or the read.
-- A stream's query opens a source of its own (tide.execution.openSource):
-- the copy's opens one pruned alike.
local function pruned_read(read, sliced, pushed)
  if #pushed == 0 or not (read.source and read.source.prune and read.source.partitionColumn) then return read end
  local conditions = {}
  for _, p in ipairs(pushed) do partition_conditions(p, read, conditions) end
  if #conditions == 0 then return read end
  local how = { unlessSliced = sliced }
  local source = read.source:prune(conditions, how)
  if not source then return read end
  local open = read.open
  return copy_of(read, { source = source, open = open and function()
    local own = open()
    return own.prune and own:prune(conditions, how) or own
  end or nil })
end

local NONE = {}
local prune

-- A join with its sides pruned: the conditions pushed (a list of
-- { node = condition, over = operator, route = ... }) and its own
-- condition passed to the sides they may prune (pushable_sides). below:
-- its probe side runs under slices with rand() above (see prune).
local function pruned_join(plan, below, pushed)
  local spec = plan.spec
  local sides, own_sides = pushable_sides(plan)
  local own
  if spec.residualNode and next(own_sides) then
    -- the join's condition, over the pairs of rows it matches: as a
    -- condition over a join whose output those pairs are
    local pair_fields = {}
    for j, o in ipairs(spec.pairOutputs) do pair_fields[j] = o.field end
    own = { node = spec.residualNode, route = "", over = { kind = plan.kind, spec = { outputs = spec.pairOutputs },
      schema = T.struct(pair_fields), left = plan.left, right = plan.right } }
  end
  local fields, changed = {}, false
  for _, side in ipairs({ "left", "right" }) do
    local passed = {}
    for _, p in ipairs(sides[side] and pushed or NONE) do passed[#passed + 1] = p end
    if own and own_sides[side] then passed[#passed + 1] = own end
    for i, p in ipairs(passed) do passed[i] = { node = p.node, over = p.over, route = p.route .. side:sub(1, 1) } end
    local input = plan[side]
    fields[side] = prune(input, side == spec.probeSide and below or false, passed)
    changed = changed or fields[side] ~= input
  end
  if not changed then return plan end
  fields.child = fields[spec.probeSide]
  local build = spec.probeSide == "left" and "right" or "left"
  if fields[build] ~= plan[build] then
    -- the build side the join computes: the pruned one
    local pruned_spec = {}
    for key, v in pairs(spec) do pruned_spec[key] = v end
    pruned_spec.buildPlan = fields[build]
    local run = require("tide.dataframe_join").run
    fields.spec, fields.apply = pruned_spec, function(batch, ctx) return run(pruned_spec, batch, ctx) end
  end
  return copy_of(plan, fields)
end

-- plan with its partitioned reads pruned. sliced: a row-wise operator
-- above plan, with no other kind in between, holds rand() or randn().
-- pushed: the conditions of the filters above that reach it (see
-- pruned_join), each over the output of an operator above or at plan.
prune = function(plan, sliced, pushed)
  pushed = pushed or NONE
  if not plan.child and not plan.left then return pruned_read(plan, sliced, pushed) end
  local row_wise = require("tide.execution").ROW_WISE[plan.kind]
  local below = row_wise and (sliced or holds_sliced(plan)) or false
  if is_join(plan) then return pruned_join(plan, below, pushed) end
  if plan.kind == "filter" or plan.kind == "project" then
    local passed = NONE
    if row_local(plan) then
      passed = pushed
      if plan.kind == "filter" then
        passed = { unpack(pushed) }
        passed[#passed + 1] = { node = plan.predicate.node, over = plan.child, route = "" }
      end
    end
    local child = prune(plan.child, below, passed)
    return child ~= plan.child and copy_of(plan, { child = child }) or plan
  end
  if plan.child then
    -- (a join of two streams runs its sides' operators, views of its
    -- child, inside itself: the child is what it reads)
    local child = prune(plan.child, below, NONE)
    return child ~= plan.child and copy_of(plan, { child = child }) or plan
  end
  -- a union: each side read in turn, the conditions above passed to both
  -- (a filter over a union is one over each side, Spark's
  -- PushPredicateThroughNonJoin)
  local function side(input, step)
    local passed = {}
    for i, p in ipairs(pushed) do passed[i] = { node = p.node, over = p.over, route = p.route .. step } end
    return prune(input, false, passed)
  end
  local left, right = side(plan.left, "u"), side(plan.right, "v")
  if left == plan.left and right == plan.right then return plan end
  return copy_of(plan, { left = left, right = right })
end

-- The plan to run for plan (itself the plan to run for the result).
function M.optimize(plan)
  local done = plan.optimized
  if done then return done end
  done = prune(rewrite(require("tide.join_filters").rewrite(plan)), false, nil)
  plan.optimized, done.optimized = done, done
  return done
end


return M
