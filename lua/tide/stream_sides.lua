-- tide.stream_sides — two streaming DataFrames met in one query (a join of
-- two streams, a union of streams) as views of the one stream a tide query
-- reads: the node of the plan both are built on, and each side's operators
-- above it, which the joining or uniting operator runs over that node's
-- rows.
--
-- Two Kafka sources of one cluster (two readStream calls, as Spark's
-- impressions and clicks) are read as one: a source subscribed to the
-- topics of both, each side the rows of its own topics (topic IN (...)
-- over that source). The query reads the same records as Spark's two
-- sources would; its checkpoint holds one source's offsets, of every topic.
local ffi = require("ffi")
local C = require("tide.ffi")
local batchlib = require("tide.batch")
local checks = require("tide.checks")
local json = require("tide.json")
local optimizer = require("tide.optimizer")
local state_store = require("tide.state_store")

local M = {}
local fail = checks.failAtUser

-- Operators keeping state in the checkpoint: on a side they would run
-- inside the joining or uniting operator, with their state not kept apart.
M.STATEFUL = { stateful_aggregate = "An aggregation", stateful_dedup = "dropDuplicates",
               stateful_map = "flatMapGroupsWithState", stream_join = "A join of two streams" }

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

-- The name the column `name` of plan `below` has in plan `above` (a
-- chain over it): projections may pass it on under an alias, as Spark's
-- attributes keep a watermark's mark through them; nil once one drops it.
-- A projection passes it on in an item that takes the field the name
-- resolves to in its input (as every name resolves: tide.types
-- resolveField, which ignores case).
local function renamed(above, below, name)
  local chain = M.opsAbove(above, below)
  for i = #chain, 1, -1 do
    local op = chain[i]
    if op.kind == "project" then
      local input = op.child.schema
      local j = input:resolveField(name)
      name = nil
      for _, item in ipairs(j and op.compiled or {}) do
        local n = item.node
        if n and n.k == "alias" then n = n.expr end
        if n and n.k == "col" and item.field == input.fields[j] then
          name = item.name
          break
        end
      end
      if not name then return nil end
    end
  end
  return name
end

-- A side's watermark: withWatermark's node on its chain (its own, above
-- the shared part, or the shared part's) and the index (0-based) of its
-- column in the side's rows, or nil when the side no longer has it.
function M.sideMark(plan, base)
  local node = state_store.watermarkNode(plan)
  if not node then return nil end
  local name = renamed(plan, node, node.watermark.column)
  local i = name and plan.schema:resolveField(name)
  if not i then return nil end
  return { node = node, column = i - 1, own = not M.onChain(base, node), delayMs = node.watermark.delayMs }
end

-- The rows of a side of batch: its operators (opsAbove's) over it, each
-- with its own state, as tide.execution runs a chain; and the latest
-- event time its own withWatermark saw, apart from the other side's.
function M.runSide(ops, batch, ctx)
  local outer = ctx.maxEventTimeMs
  ctx.maxEventTimeMs = nil
  for i = #ops, 1, -1 do
    ctx.state = ctx.stateOf(ops[i])
    batch = ops[i].apply(batch, ctx)
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

-- ---- two Kafka sources as one ------------------------------------------------------------------

local function leaf(plan)
  while plan.child do plan = plan.child end
  return plan
end

local function topics_of(list)
  local topics = {}
  for t in list:gmatch("[^,%s]+") do topics[#topics + 1] = t end
  return topics
end

-- Options each source has its own of; every other must be the same on both.
local OWN = { subscribe = true, startingoffsets = true, startingoffsetsbytimestamp = true,
              maxoffsetspertrigger = true }

-- Two JSON objects of offsets or timestamps by topic as one; a topic in
-- both must be given the same.
local function merged_by_topic(name, a, b, refuse)
  local ok_a, ta = pcall(json.decode, a)
  local ok_b, tb = pcall(json.decode, b)
  if not (ok_a and ok_b and type(ta) == "table" and type(tb) == "table") then
    refuse(("option %s differs (%s and %s): give both the same, or JSON by topic"):format(name, a, b))
  end
  local out = {}
  for topic, v in pairs(ta) do out[topic] = v end
  for topic, v in pairs(tb) do
    if out[topic] ~= nil and json.encode(out[topic]) ~= json.encode(v) then
      refuse(("option %s gives topic %s two ways"):format(name, topic))
    end
    out[topic] = v
  end
  return json.encode(out)
end

-- The options of one Kafka source reading what the sources of options a
-- and b read.
local function merged_options(a, b, refuse)
  if not (a.subscribe and b.subscribe) then
    refuse("each needs option subscribe (not subscribePattern or assign) for tide to read both as one source")
  end
  local keys = {}
  for k in pairs(a) do keys[k] = true end
  for k in pairs(b) do keys[k] = true end
  local out = {}
  for k in pairs(keys) do
    -- (the values are not shown: kafka.* options may hold credentials)
    if not OWN[k] and a[k] ~= b[k] then refuse(("option %s differs"):format(k)) end
    out[k] = a[k]
  end
  local topics, seen = {}, {}
  for _, list in ipairs({ a.subscribe, b.subscribe }) do
    for _, t in ipairs(topics_of(list)) do
      if not seen[t] then topics[#topics + 1], seen[t] = t, true end
    end
  end
  out.subscribe = table.concat(topics, ",")
  local sa, sb = a.startingoffsets or "latest", b.startingoffsets or "latest"
  if sa ~= sb then out.startingoffsets = merged_by_topic("startingOffsets", sa, sb, refuse) end
  local ta, tb = a.startingoffsetsbytimestamp, b.startingoffsetsbytimestamp
  if (ta == nil) ~= (tb == nil) then refuse("option startingOffsetsByTimestamp is given for one of them only") end
  if ta and ta ~= tb then
    out.startingoffsetsbytimestamp = merged_by_topic("startingOffsetsByTimestamp", ta, tb, refuse)
  end
  -- (each source reads at most its own limit a batch: both, as many)
  local ma, mb = a.maxoffsetspertrigger, b.maxoffsetspertrigger
  if (ma == nil) ~= (mb == nil) then refuse("option maxOffsetsPerTrigger is given for one of them only") end
  if ma then out.maxoffsetspertrigger = tostring(math.floor(tonumber(ma) + tonumber(mb))) end
  return out
end

-- The scan of one Kafka source for the scans la and lb.
local function merged_scan(la, lb, refuse)
  local options = merged_options(la.options, lb.options, refuse)
  local stream = require("tide.sources.kafka").stream
  local ok, src = pcall(stream, options)
  if not ok then refuse(tostring(src)) end
  -- This instance only describes the source; each query opens its own.
  src:stop()
  return { kind = "scan", schema = src.schema, source = src, format = "kafka", options = options,
           open = function() return stream(options) end }
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

-- A side read from the merged source: its own topics' rows of it.
local function side_over(plan, old_leaf, merged, session)
  local in_own_topics = require("tide.functions").col("topic"):isin(topics_of(old_leaf.options.subscribe))
  local own = require("tide.dataframe").new(session, merged, true):filter(in_own_topics)
  return rebased(plan, old_leaf, own._plan)
end

-- The node lplan and rplan are both built on, and the two plans built on
-- it: themselves when they share one; copies over one Kafka source when
-- each reads a Kafka source of its own. Else fails: `what` names the
-- operation ("union of streaming DataFrames").
function M.shared(lplan, rplan, what, session)
  local base = shared_node(lplan, rplan)
  if base then return base, lplan, rplan end
  local la, lb = leaf(lplan), leaf(rplan)
  local function refuse(reason)
    fail(("%s of different sources is not supported: a tide query reads one streaming source, so both must be"
      .. " views of one stream (e.g. events:filter(...) for each, with a Kafka source subscribed to both"
      .. " topics), or read two Kafka sources of one cluster, as one: %s"):format(what, reason))
  end
  if la.format ~= "kafka" or lb.format ~= "kafka" then
    refuse(("they read %s and %s"):format(la.source.description or la.format or "a source",
      lb.source.description or lb.format or "a source"))
  end
  local merged = merged_scan(la, lb, refuse)
  return merged, side_over(lplan, la, merged, session), side_over(rplan, lb, merged, session)
end

-- ---- a union of streams ------------------------------------------------------------------------

-- The plan of the rows of lplan then rplan (both streaming, their columns
-- aligned by tide.dataframe_sets): one operator over the stream both
-- read, running each side's operators over its rows. A side's stateful
-- operators are refused: their state would not be kept apart from the
-- other side's; they go after the union. A side's own withWatermark makes
-- the query's watermark with the other's, as Spark's (sidesEventTime).
function M.union(lplan, rplan, session)
  local base, left, right = M.shared(lplan, rplan, "union of streaming DataFrames", session)
  local sides, own, column = { { plan = left }, { plan = right } }, false, nil
  local shared = state_store.watermarkNode(base) ~= nil
  for _, side in ipairs(sides) do
    side.ops = M.opsAbove(side.plan, base)
    for _, o in ipairs(side.ops) do
      if M.STATEFUL[o.kind] then
        fail(("%s on one side of a union of streams is not supported: its state would not be kept apart from"
          .. " the other side's; apply it after the union, or before the stream splits"):format(M.STATEFUL[o.kind]))
      end
      if o.kind == "watermark" and not side.delayMs then side.delayMs, own = o.watermark.delayMs, true end
    end
    side.mark = M.sideMark(side.plan, base)
    -- the event time's column in the union's rows (named as the left's):
    -- the first side's that keeps it
    if side.delayMs and side.mark and not column then column = left.schema.fields[side.mark.column + 1].name end
  end
  if own and shared then
    fail("union: withWatermark both on the stream the sides share and on a side: set it on one of them")
  end
  local errbuf = ffi.new("char[256]")
  local node = {
    kind = "stream_union", schema = left.schema, explain = "Union", child = base, left = left, right = right,
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
