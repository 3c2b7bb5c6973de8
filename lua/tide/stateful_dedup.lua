-- tide.stateful_dedup — dropDuplicates (and distinct) on a streaming
-- DataFrame, as Spark's streaming deduplication:
--
--   events:withWatermark("at", "10 minutes"):dropDuplicates({ "id", "at" })
--
-- A row goes through the first time its keys are seen, in any batch: each
-- batch's first rows of each key are checked against the keys seen before
-- (tide.state_store's state/1/, with their replay-safe versions) in one C
-- pass (engine/set_ops.c's EXCEPT), and the new keys join the state. With
-- a watermark on a key column, as in Spark, rows at or before it are late
-- and dropped, and the keys it passed leave the state; without one the
-- state keeps every key.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local ops = require("tide.dataframe_ops")
local state_store = require("tide.state_store")

local M = {}
local errbuf, ERRLEN, cerr, int32s, take, columns_of = ops.errbuf, ops.ERRLEN, ops.cerr, ops.int32s, ops.take,
  ops.columns_of

-- df deduplicated by the columns key_idx (0-based), key_names theirs.
function M.plan(df, key_idx, key_names, label)
  local schema = df._plan.schema
  local key_fields, state_cols, evict_by = {}, {}, nil
  local mark = state_store.watermarkNode(df._plan)
  for i, k in ipairs(key_idx) do
    key_fields[i] = schema.fields[k + 1]
    state_cols[i] = i - 1
    if mark and key_names[i] == mark.watermark.column then evict_by = i end
  end
  local store = state_store.new(T.struct(key_fields), 1, #key_fields, df._session)
  local c_keys, c_state_cols, nk = int32s(key_idx), int32s(state_cols), #key_idx
  return ops.derive(df, {
    kind = "stateful_dedup",
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
      local watermark_us = evict_by and ctx.watermarkMs * 1000
      local late = 0
      if watermark_us then rows, late = state_store.byTime(rows, key_idx[evict_by], watermark_us, true) end
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

return M
