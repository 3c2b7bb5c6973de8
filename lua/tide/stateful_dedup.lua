-- tide.stateful_dedup — dropDuplicates (and distinct) on a streaming
-- DataFrame, as Spark's streaming deduplication:
--
--   events:withWatermark("at", "10 minutes"):dropDuplicates({ "id", "at" })
--
-- A row goes through the first time its keys are seen, in any batch: each
-- batch's first rows of each key are checked against the keys seen before
-- (tide.state_store's state/1/, with their replay-safe versions) in one C
-- pass (engine/set_ops.c's EXCEPT), and the new keys join the state. With
-- a watermark on a key column, as in Spark, rows at or before the last
-- batch's are late and dropped, and the keys the batch's own passed leave
-- the state; without one the state keeps every key.
--
--   events:withWatermark("at", "10 minutes"):dropDuplicatesWithinWatermark({ "id" })
--
-- Spark 3.5's deduplication within the watermark (planWithinWatermark): a
-- row goes through when its keys are not in the state; its keys then stay
-- there until (its event time + the watermark's delay), state/4/'s
-- expiresAt, is at or before the watermark. Keys need not hold the event
-- time, so a key seen again after its entry expired passes again.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local ops = require("tide.dataframe_ops")
local state_store = require("tide.state_store")

local M = {}
-- The state store's operator number in state/ (tide.state_store's list).
local WITHIN_WATERMARK_OP = 4
local errbuf, ERRLEN, cerr, int32s, take, columns_of = ops.errbuf, ops.ERRLEN, ops.cerr, ops.int32s, ops.take,
  ops.columns_of

-- df deduplicated by the columns key_idx (0-based), key_names theirs.
function M.plan(df, key_idx, key_names, label)
  local schema = df._plan.schema
  local key_fields, state_cols, evict_by = {}, {}, nil
  local marked = {}
  for _, name in ipairs(require("tide.event_time").columns(df._plan)) do marked[name:lower()] = true end
  for i, k in ipairs(key_idx) do
    key_fields[i] = schema.fields[k + 1]
    state_cols[i] = i - 1
    if marked[key_names[i]:lower()] and not evict_by then evict_by = i end
  end
  local op = state_store.operatorNumbers(df._plan, { 1 })
  local store = state_store.new(T.struct(key_fields), op[1], #key_fields, df._session)
  local c_keys, c_state_cols, nk = int32s(key_idx), int32s(state_cols), #key_idx
  return ops.derive(df, {
    kind = "stateful_dedup",
    stateOps = op, stores = { store },
    schema = schema,
    explain = "StreamingDeduplicate " .. label,
    apply = function(batch, ctx)
      if not ctx.checkpoint then error("a streaming deduplication runs in a streaming query", 0) end
      -- The first row of each key in the batch.
      local n = batch:count()
      local gids, first = ffi.new("int32_t[?]", math.max(n, 1)), ffi.new("int64_t[?]", math.max(n, 1))
      local ng = tonumber(C.tide_group_rows(batch, c_keys, nk, gids, first, errbuf, ERRLEN))
      if ng < 0 then error(cerr(), 0) end
      local rows = ng == n and batch or take(batch, first, ng)
      local watermark_us = evict_by and state_store.evictionWatermarkUs(ctx)
      local late = 0
      if evict_by then
        rows, late = state_store.byTime(rows, key_idx[evict_by], state_store.lateWatermarkUs(ctx), true)
      end
      -- Of those, the keys not seen before.
      local seen = store:before(ctx)
      local keys = columns_of(rows, key_idx)
      local state, added = keys, keys
      if seen and seen:count() > 0 then
        local both = state_store.concat({ keys, seen })
        local m, nr = both:count(), keys:count()
        local g, f = ffi.new("int32_t[?]", m), ffi.new("int64_t[?]", m)
        local groups = tonumber(C.tide_group_rows(both, c_state_cols, nk, g, f, errbuf, ERRLEN))
        if groups < 0 then error(cerr(), 0) end
        local keep = ffi.new("int64_t[?]", math.max(nr, 1))
        local k = tonumber(C.tide_set_operation(g, m, nr, groups, C.TIDE_SET_EXCEPT, keep))
        if k < 0 then error("dropDuplicates: out of memory", 0) end
        rows = take(rows, keep, k)
        added = columns_of(rows, key_idx)
        state = state_store.concat({ seen, added })
      end
      -- (The keys added are after the watermark, as their rows were: none
      -- of them goes.)
      local removed
      if watermark_us then state, removed = state_store.evict(state, evict_by - 1, watermark_us) end
      store:commit(ctx, "dedupe", state, added, removed, late)
      return rows
    end,
  })
end

-- The rows of `rows` whose keys (its columns key_idx) `seen` (a batch
-- whose first columns are keys) does not hold, in order, in one C pass
-- (engine/set_ops.c's EXCEPT).
local function not_seen(rows, key_idx, seen)
  local nk = #key_idx
  local seen_cols = {}
  for i = 1, nk do seen_cols[i] = i - 1 end
  local both = state_store.concat({ columns_of(rows, key_idx), columns_of(seen, seen_cols) })
  local m, nr = both:count(), rows:count()
  local g, f = ffi.new("int32_t[?]", m), ffi.new("int64_t[?]", m)
  local groups = tonumber(C.tide_group_rows(both, int32s(seen_cols), nk, g, f, errbuf, ERRLEN))
  if groups < 0 then error(cerr(), 0) end
  local keep = ffi.new("int64_t[?]", math.max(nr, 1))
  local k = tonumber(C.tide_set_operation(g, m, nr, groups, C.TIDE_SET_EXCEPT, keep))
  if k < 0 then error("dropDuplicatesWithinWatermark: out of memory", 0) end
  return k == nr and rows or take(rows, keep, k)
end

-- df deduplicated by the columns key_idx (0-based), key_names theirs, as
-- Spark's StreamingDeduplicateWithinWatermarkExec. withWatermark must be
-- below, its column in df (Spark's message otherwise, at the user's line).
-- Per batch, as Spark 3.5's: rows at or before the last batch's
-- watermark are late (dropped, counted: state_store.lateWatermarkUs);
-- the first row of each other key not in the state passes, and its keys
-- enter the state with its event time + the delay; then the entries that
-- expire at or before the batch's watermark (ctx.watermarkMs) leave it.
-- Replays start from the state before the epoch (tide.state_store).
function M.planWithinWatermark(df, key_idx, key_names, label)
  local schema = df._plan.schema
  local mark = state_store.watermarkNode(df._plan)
  local column = require("tide.event_time").timeColumn(df._plan)
  local time_idx = column and schema:resolveField(column)
  if not time_idx then
    require("tide.checks").failAtUser("dropDuplicatesWithinWatermark is not supported with streaming"
      .. " DataFrames/DataSets without watermark (withWatermark(eventTime, delay) before it, its column kept)")
  end
  time_idx = time_idx - 1
  local delay_us = mark.watermark.delayMs * 1000
  -- The state: the keys, then when they expire (a name no key has).
  local fields, taken = {}, {}
  for i, k in ipairs(key_idx) do
    fields[i] = schema.fields[k + 1]
    taken[fields[i].name:lower()] = true
  end
  local expires = "expiresAt"
  while taken[expires:lower()] do expires = "_" .. expires end
  local nk = #key_idx
  fields[nk + 1] = T.field(expires, T.timestamp, true)
  local op = state_store.operatorNumbers(df._plan, { WITHIN_WATERMARK_OP })
  local store = state_store.new(T.struct(fields), op[1], nk, df._session)
  -- A new entry from a row's keys and event time (columns_of the row's
  -- keys and time): the keys, and the time + the delay.
  local entry_fields, entry = {}, {}
  for i = 1, nk do
    entry_fields[i] = T.field(("k%d"):format(i), fields[i].dataType, true)
    entry[i] = { k = "alias", name = fields[i].name, expr = { k = "col", name = entry_fields[i].name } }
  end
  entry_fields[nk + 1] = T.field("t", T.timestamp, true)
  -- (a null time counts as 0, as Spark's getLong reads it: such a key
  -- expires at the first eviction)
  local micros = { k = "call", fn = "coalesce", args = {
    { k = "call", fn = "unix_micros", args = { { k = "col", name = "t" } } },
    { k = "cast", expr = { k = "lit", value = 0 }, to = T.long } } }
  entry[nk + 1] = { k = "alias", name = expires, expr = { k = "call", fn = "timestamp_micros", args = { {
    k = "op", op = "+", left = micros,
    right = { k = "cast", expr = { k = "lit", value = delay_us }, to = T.long } } } } }
  local eval = require("tide.eval")
  local make_entries = eval.compileSelect(entry, T.struct(entry_fields))
  local c_keys = int32s(key_idx)
  local entry_cols = { unpack(key_idx) }
  entry_cols[nk + 1] = time_idx
  return ops.derive(df, {
    kind = "stateful_dedup",
    stateOps = op, stores = { store },
    schema = schema,
    explain = "StreamingDeduplicateWithinWatermark " .. label,
    apply = function(batch, ctx)
      if not ctx.checkpoint then error("a streaming deduplication runs in a streaming query", 0) end
      local watermark_us = state_store.evictionWatermarkUs(ctx)
      local rows, late = state_store.byTime(batch, time_idx, state_store.lateWatermarkUs(ctx), true)
      -- The first row of each key in the batch.
      local n = rows:count()
      local gids, first = ffi.new("int32_t[?]", math.max(n, 1)), ffi.new("int64_t[?]", math.max(n, 1))
      local ng = tonumber(C.tide_group_rows(rows, c_keys, nk, gids, first, errbuf, ERRLEN))
      if ng < 0 then error(cerr(), 0) end
      if ng < n then rows = take(rows, first, ng) end
      local kept = store:before(ctx)
      if kept and kept:count() > 0 and rows:count() > 0 then rows = not_seen(rows, key_idx, kept) end
      local added = eval.project(columns_of(rows, entry_cols), make_entries, ctx)
      local state = kept and kept:count() > 0 and state_store.concat({ kept, added }) or added
      local removed
      state, removed = state_store.evict(state, nk, watermark_us)
      store:commit(ctx, "dedupeWithinWatermark", state, added, removed, late)
      return rows
    end,
  })
end

return M
