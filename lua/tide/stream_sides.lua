-- tide.stream_sides — two streaming DataFrames met in one query (a join of
-- two streams, a union of streams) as views of the one stream a tide query
-- reads: the node of the plan both are built on, and each side's operators
-- above it, which the joining or uniting operator runs over that node's
-- rows.
--
-- Two streams read by readStream calls of their own (Spark's impressions
-- and clicks, two Kafka sources) meet over a node reading both sources
-- (tide.sources.composite), each side the rows of its own source: the
-- query reads its sources as Spark's with several does, each with its own
-- offsets in the checkpoint.
local ffi = require("ffi")
local C = require("tide.ffi")
local batchlib = require("tide.batch")
local checks = require("tide.checks")
local composite = require("tide.sources.composite")
local input_files = require("tide.input_files")
local optimizer = require("tide.optimizer")
local state_store = require("tide.state_store")
local event_time = require("tide.event_time")

local M = {}
local fail = checks.failAtUser

-- The stateful operators a side of a join or a union may hold but one of
-- (the second is refused; a join of two streams none): deduplications
-- pass rows on as they come and may be several. (A side's operators run
-- inside the joining or uniting operator, each with its own state:
-- tide.state_store numbering keeps their checkpoint directories apart.)
M.NOT_ON_A_SIDE = { stateful_aggregate = "A second aggregation", stateful_map = "flatMapGroupsWithState",
                    stream_join = "A join of two streams" }

-- The stateful operators that group a side's rows, which a side of a
-- union or a join may hold one of (Spark 3.5's chained stateful
-- operators).
local GROUPING = { stateful_aggregate = "An aggregation", stateful_map = "flatMapGroupsWithState" }

-- The operator of a side's (opsAbove's list) that groups its rows, or nil;
-- fails at one the side cannot hold. where: "a join between two streams"
-- or "a union of streams".
function M.groupingOf(ops, where)
  local grouping
  for i = #ops, 1, -1 do
    local o = ops[i]
    if GROUPING[o.kind] and not grouping then
      grouping = o
    elseif M.NOT_ON_A_SIDE[o.kind] then
      fail(("%s on one side of %s is not supported: of the stateful operators, a side may hold dropDuplicates"
        .. " and one aggregation or flatMapGroupsWithState"):format(M.NOT_ON_A_SIDE[o.kind], where))
    end
  end
  return grouping
end

-- The withWatermark before a side's grouping operator, which must be the
-- side's own, after the stream splits (the query's watermark moves by
-- what each side sees, and the rows that come out of the grouping no
-- longer show it); an aggregation needs one. nil when there is none.
function M.groupingWatermark(grouping, base, where)
  local wm = state_store.watermarkNode(grouping)
  if (wm and M.onChain(base, wm)) or (not wm and grouping.kind == "stateful_aggregate") then
    fail(("%s on one side of %s needs a withWatermark of that side's own, before it (the query's watermark"
      .. " moves by the times each side sees)"):format(GROUPING[grouping.kind], where))
  end
  return wm
end

function M.onChain(plan, node)
  while plan do
    if plan == node then return true end
    plan = plan.child
  end
  return false
end

-- The node both plans are built on (the first of rplan's chain that
-- lplan's holds), or nil.
local function shared_node(lplan, rplan)
  local p = rplan
  while p do
    if M.onChain(lplan, p) then return p end
    p = p.child
  end
end

-- The operators of plan above `base`, top first.
function M.opsAbove(plan, base)
  local list = {}
  while plan ~= base do
    list[#list + 1] = plan
    plan = plan.child
  end
  return list
end

-- A side's watermark: withWatermark's node on its chain (its own, above
-- the shared part or below the side's aggregation, or the shared part's)
-- and the index (0-based) of the column of the side's rows that carries
-- it (tide.event_time: the watermarked column under any alias, a window
-- over it, an aggregation's window or window_time of it), or nil when the
-- side no longer has one. As Spark's join refuses a side with two (where:
-- "a join between two streams"); a union's goes by the first.
function M.sideMark(plan, base, where)
  local node = state_store.watermarkNode(plan)
  if not node then return nil end
  local names = event_time.columns(plan)
  if #names == 0 then return nil end
  if #names > 1 and where then
    fail(("a side of %s holds one event-time column, not %s (Spark: More than one event time columns are"
      .. " available. Please ensure there is at most one event time column per stream)"):format(where,
      table.concat(names, ", ")))
  end
  return { node = node, column = plan.schema:resolveField(names[1]) - 1, own = not M.onChain(base, node),
           delayMs = node.watermark.delayMs }
end

-- The rows of a side of batch: its operators (opsAbove's) over it, each
-- with its own state, as tide.execution runs a chain; and the latest
-- event time its own withWatermark saw, apart from the other side's.
function M.runSide(ops, batch, ctx)
  local outer = ctx.maxEventTimeMs
  ctx.maxEventTimeMs = nil
  for i = #ops, 1, -1 do
    ctx.state = ctx.stateOf(ops[i])
    local out = ops[i].apply(batch, ctx)
    input_files.carry(ops[i], batch, out, ctx)
    batch = out
  end
  local seen = ctx.maxEventTimeMs
  ctx.maxEventTimeMs = outer
  return batch, seen
end

-- Spark's watermark of a query with several withWatermark operators
-- (WatermarkTracker), one operator at a time: chosen so far (nil before
-- the first), and an operator's latest event time since the query
-- started (nil: none yet) and delay. Each operator's watermark is that
-- time less the delay, 0 before it saw a row; the query's is the least
-- of them (policy "min", Spark's default) or the greatest ("max").
local function pick_watermark(policy, chosen, seen_ms, delay_ms)
  local w = seen_ms and seen_ms - delay_ms or 0
  if chosen == nil then return w end
  return policy == "max" and math.max(chosen, w) or math.min(chosen, w)
end

-- The latest event time the query moves its watermark from, given the
-- sides of a join or a union that have a withWatermark, as Spark's
-- WatermarkTracker has one per withWatermark operator: a side's own, or
-- the stream's before the split, which Spark's optimizer copies into each
-- side under the side's filters, so that each copy sees its side's rows
-- only. marks: a list of { key = the side, delayMs = its own delay, or 0
-- for the stream's (which the query takes off), seen = the latest event
-- time of its rows in this batch, or nil }; st keeps what each side saw
-- since the query started (pick_watermark); policy: the query's ("min"
-- when nil). nil: the watermark stays.
function M.sidesEventTime(policy, marks, st)
  st.maxSeen = st.maxSeen or {}
  local chosen
  for _, m in ipairs(marks) do
    if m.seen then st.maxSeen[m.key] = math.max(st.maxSeen[m.key] or m.seen, m.seen) end
    chosen = pick_watermark(policy, chosen, st.maxSeen[m.key], m.delayMs)
  end
  -- (0, a side's before it saw a row, holds the query's where it is)
  return chosen and chosen > 0 and chosen or nil
end

-- The node over `node` (a join's or a union's whose sides have their own
-- withWatermark) from which the query moves its watermark: the sides'
-- (sidesEventTime's), which `node` reports as its latest event time, with
-- no delay left to take. column: the event time's name in its rows, by
-- which stateful operators above let rows go, or nil.
function M.sidesWatermark(node, column)
  return { kind = "watermark", schema = node.schema, watermark = { delayMs = 0, column = column },
           explain = "EventTimeWatermark (the sides', by spark.sql.streaming.multipleWatermarkPolicy)", child = node,
           apply = function(batch) return batch end }
end

-- ---- streams of different sources -------------------------------------------------------------

local function leaf(plan)
  while plan.child do plan = plan.child end
  return plan
end

-- plan with its node `old` (on its chain) replaced by `new`: copies of the
-- nodes above. A union's or a join's sides built on `old` too, which
-- explain shows.
local function rebased(plan, old, new)
  if plan == old then return new end
  local fields = { child = rebased(plan.child, old, new) }
  for _, side in ipairs({ "left", "right" }) do
    if plan[side] and M.onChain(plan[side], old) then fields[side] = rebased(plan[side], old, new) end
  end
  return optimizer.copyOf(plan, fields)
end

-- plan, read from the sources of scan (tide.sources.composite's) rather
-- than from its own leaf: a leaf of one source takes its rows of them (a
-- pick of its own); a composite's sides have their picks already.
local function over_sources(plan, scan)
  local own = leaf(plan)
  return rebased(plan, own, own.parts and scan or composite.pick(own, scan))
end

-- The node lplan and rplan are both built on, and the two plans built on
-- it: themselves when they share one; when each reads a source of its own
-- (two readStream calls), copies over a node reading the sources of both,
-- as Spark's query with several sources.
function M.shared(lplan, rplan)
  local base = shared_node(lplan, rplan)
  if base then return base, lplan, rplan end
  local scan = composite.scan(leaf(lplan), leaf(rplan))
  return scan, over_sources(lplan, scan), over_sources(rplan, scan)
end

-- ---- a union of streams ------------------------------------------------------------------------

-- The plan of the rows of lplan then rplan (both streaming, their columns
-- aligned by tide.dataframe_sets): one operator over the stream both
-- read, running each side's operators over its rows, each with its own
-- state: deduplications, and one aggregation or flatMapGroupsWithState
-- (after a withWatermark of the side's own), as Spark 3.5's. A side's own
-- withWatermark makes the query's watermark with the other's, as Spark's
-- (sidesEventTime).
function M.union(lplan, rplan)
  local base, left, right = M.shared(lplan, rplan)
  local sides, own, column = { { plan = left }, { plan = right } }, false, nil
  local shared = state_store.watermarkNode(base) ~= nil
  for _, side in ipairs(sides) do
    side.ops = M.opsAbove(side.plan, base)
    local grouping = M.groupingOf(side.ops, "a union of streams")
    if grouping then M.groupingWatermark(grouping, base, "a union of streams") end
    for _, o in ipairs(side.ops) do
      if o.kind == "watermark" and not side.delayMs then side.delayMs, own = o.watermark.delayMs, true end
    end
    side.mark = M.sideMark(side.plan, base)
    -- the event time's column in the union's rows (named as the left's):
    -- the first side's that keeps it
    if side.mark and not column then column = left.schema.fields[side.mark.column + 1].name end
  end
  if own and shared then
    fail("union: withWatermark both on the stream the sides share and on a side: set it on one of them")
  end
  local errbuf = ffi.new("char[256]")
  local node = {
    kind = "stream_union", schema = left.schema, explain = "Union", child = base, left = left, right = right,
    eventTimeColumns = { column }, -- (tide.event_time)
    apply = function(batch, ctx)
      local st, out, marks = ctx.state, {}, {}
      for i, side in ipairs(sides) do
        local rows, seen = M.runSide(side.ops, batch, ctx)
        out[i] = rows
        if side.delayMs then
          marks[#marks + 1] = { key = i, delayMs = side.delayMs, seen = seen }
        elseif shared and side.mark then
          marks[#marks + 1] = { key = i, delayMs = 0, seen = state_store.latestTimeMs(rows, side.mark.column) }
        end
      end
      ctx.state = st
      if #marks > 0 then ctx.maxEventTimeMs = M.sidesEventTime(ctx.watermarkPolicy, marks, st) end
      -- (out holds both sides' batches: the array holds no reference to them)
      local united = C.tide_batch_concat(ffi.new("tide_batch*[2]", out[1], out[2]), 2, errbuf, 256)
      return batchlib.wrap(united, united == nil and "union: " .. ffi.string(errbuf) or nil)
    end,
  }
  return own and M.sidesWatermark(node, column) or node
end

return M
