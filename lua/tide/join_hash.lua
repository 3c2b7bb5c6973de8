-- tide.join_hash — the hash join over batches (engine/join.c) that
-- tide.dataframe_join's operator runs and tide.stream_join reuses: the
-- build side's rows hashed once on their key columns (cast to one type
-- where the sides' differ), probe rows matched against them in a join
-- mode, a residual condition deciding which pairs match (tide.join_pairs;
-- without a key, every pair: tide.join_nested_loop).
--
--   local built = join_hash.buildTable(spec, build_rows)  -- spec: tide.dataframe_join's join_spec
--   local out = join_hash.probe(spec, built, probe_rows, ctx)
local ffi = require("ffi")
local C = require("tide.ffi")
local batchlib = require("tide.batch")
local execution = require("tide.execution")
local ops = require("tide.dataframe_ops")
local join_pairs = require("tide.join_pairs")
local nested_loop = require("tide.join_nested_loop")

local M = {}
local errbuf, ERRLEN, cerr = ops.errbuf, ops.ERRLEN, ops.cerr

-- engine/ffi/join.h's modes.
local MODE = { inner = C.TIDE_JOIN_INNER, probe_outer = C.TIDE_JOIN_PROBE_OUTER,
               build_outer = C.TIDE_JOIN_BUILD_OUTER, full = C.TIDE_JOIN_FULL_OUTER,
               semi = C.TIDE_JOIN_SEMI, anti = C.TIDE_JOIN_ANTI }
M.MODE = MODE

-- A key column of batch (0-based index i), cast to t when t is given, the
-- cast's buffers in holder (a batch derived from batch, made on demand).
local COLUMN_SIZE = ffi.sizeof("tide_column")
local function key_column(batch, i, t, holder)
  local col = batch.columns + i
  if not t then return col, holder end
  holder = holder or batchlib.wrap(C.tide_batch_derive(batch, 0), "out of memory casting a join key")
  local p = C.tide_arena_calloc(holder.arena, COLUMN_SIZE)
  if p == nil then error("out of memory casting a join key", 0) end
  local dst = ffi.cast("tide_column*", p)
  if C.tide_eval_cast(holder, col, t.id, t.precision or 0, t.scale or 0, dst, errbuf, ERRLEN) ~= 0 then
    error("join: casting a key: " .. cerr(), 0)
  end
  return dst, holder
end

-- The probe side's or build side's key columns of batch: an array of
-- column pointers, and the batch holding their casts (nil: none).
local function key_array(batch, index, cast)
  local arr = ffi.new("const tide_column*[?]", #index + 1)
  local holder
  for k, i in ipairs(index) do arr[k - 1], holder = key_column(batch, i, cast[k], holder) end
  return arr, holder
end

-- A hash table over the build side's rows `batch`: the rows, their keys
-- and the table, kept together (the table points into the columns).
local function build_table(spec, batch)
  local keys, holder = key_array(batch, spec.buildKeys, spec.buildCasts)
  local tbl = C.tide_join_build(keys, spec.cNullSafe, #spec.buildKeys, batch:count(), errbuf, ERRLEN)
  if tbl == nil then error(cerr(), 0) end
  return { batch = batch, keys = keys, holder = holder, table = ffi.gc(tbl, C.tide_join_free) }
end
M.buildTable = build_table

-- The pairs (tide.join_pairs) that `mode` gives of probe rows `batch` and
-- the rows of `built` (build_table's), the residual deciding which have
-- a match, and their rows as spec's output columns (unless pairs_only).
local function pairs_of(spec, built, batch, mode, ctx, pairs_only)
  local keys, holder = key_array(batch, spec.probeKeys, spec.probeCasts)
  local ok, found, out = pcall(function()
    local p = join_pairs.match(spec, built, batch, keys, mode, ctx)
    return p, not pairs_only and join_pairs.gather(spec, p, built, batch, keys) or nil
  end)
  if holder then batchlib.release(holder) end
  if not ok then error(found, 0) end
  return out, found
end
M.pairsOf = pairs_of

-- The rows spec's mode gives of probe rows `batch` and the rows of `built`,
-- as spec's output columns. An inner join's residual filters the pairs
-- the keys matched, after the kernel made them; another type's decides
-- which rows have a match (pairs_of).
local function probe(spec, built, batch, ctx)
  if spec.residual and #spec.probeKeys == 0 then return nested_loop.probe(spec, built, batch, ctx) end
  if spec.residual and spec.mode ~= MODE.inner then return (pairs_of(spec, built, batch, spec.mode, ctx)) end
  local keys, holder = key_array(batch, spec.probeKeys, spec.probeCasts)
  local probe_cols, build_cols = join_pairs.columns(spec, spec.outputs, built, batch, keys)
  local out = C.tide_join_probe(built.table, keys, #spec.probeKeys, batch:count(), spec.mode, probe_cols,
    build_cols, spec.cNames, #spec.outputs, errbuf, ERRLEN)
  if holder then batchlib.release(holder) end
  if out == nil then error(cerr(), 0) end
  out = batchlib.wrap(out)
  if spec.residual then out = require("tide.eval").filter(out, spec.residual, ctx) end
  return out
end
M.probe = probe

-- The build side of a stream-static or batch join, computed and hashed
-- once per query (or action).
local function run_join(spec, batch, ctx)
  local state = ctx.state
  local built = state.built
  if not built then
    local bctx = execution.context(nil, execution.sliceRows(spec.session))
    built = build_table(spec, execution.execute(spec.buildPlan, bctx))
    state.built = built
  end
  return probe(spec, built, batch, ctx)
end
M.run = run_join

return M
