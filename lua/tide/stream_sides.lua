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

-- Runs ops (opsAbove's) over batch, each with its own state, as
-- tide.execution runs a chain.
function M.run(ops, batch, ctx)
  for i = #ops, 1, -1 do
    ctx.state = ctx.stateOf(ops[i])
    batch = ops[i].apply(batch, ctx)
  end
  return batch
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
-- operators and withWatermark are refused: their state and event times
-- would not be kept apart from the other side's; they go after the union.
function M.union(lplan, rplan, session)
  local base, left, right = M.shared(lplan, rplan, "union of streaming DataFrames", session)
  local lops, rops = M.opsAbove(left, base), M.opsAbove(right, base)
  for _, list in ipairs({ lops, rops }) do
    for _, o in ipairs(list) do
      local what = M.STATEFUL[o.kind] or (o.kind == "watermark" and "withWatermark")
      if what then
        fail(("%s on one side of a union of streams is not supported: its state and event times would not be"
          .. " kept apart from the other side's; apply it after the union"):format(what))
      end
    end
  end
  local errbuf = ffi.new("char[256]")
  return {
    kind = "stream_union", schema = left.schema, explain = "Union", child = base, left = left, right = right,
    apply = function(batch, ctx)
      -- (l and r held here: the array holds no reference to them)
      local l, r = M.run(lops, batch, ctx), M.run(rops, batch, ctx)
      local out = C.tide_batch_concat(ffi.new("tide_batch*[2]", l, r), 2, errbuf, 256)
      return batchlib.wrap(out, out == nil and "union: " .. ffi.string(errbuf) or nil)
    end,
  }
end

return M
