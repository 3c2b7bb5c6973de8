-- tide.join_pairs — a hash join's pairs as row positions, for joins whose
-- condition asks more than its keys (Spark's join evaluates the rest of
-- the condition, the residual, over each joined row):
--
--   local found = join_pairs.match(spec, built, batch, keys, mode, ctx)   -- the pairs the residual passes
--   local out = join_pairs.gather(spec, found, built, batch, keys)        -- spec.outputs' columns
--
-- In an inner join the residual only filters the pairs the keys matched;
-- in an outer, semi or anti join it decides which rows have a match at
-- all, so it has to be known before the rows without one are added. The
-- C kernel lists the key-matched pairs (engine/join.c tide_join_match),
-- the residual is evaluated once over them, gathered as the joined row
-- it reads (spec.pairOutputs: every column of both sides, also for semi
-- and anti joins, whose output has the left's alone), and the kernel then
-- keeps the passing pairs and adds what the mode adds for the rows left
-- without one (tide_join_pairs_select): a probe row in its place, the
-- build rows nothing passed last, in order; a semi join's probe rows with
-- a passing pair, an anti join's without. So the rows come in the order
-- the equality-only join gives them, and nothing runs per row in Lua.
-- A stream-stream join (tide.stream_join) also asks which rows of each
-- side have a passing pair: mark().
local ffi = require("ffi")
local C = require("tide.ffi")
local batchlib = require("tide.batch")
local ops = require("tide.dataframe_ops")

local M = {}
local errbuf, ERRLEN, cerr = ops.errbuf, ops.ERRLEN, ops.cerr

-- Pointer arrays of the columns of `outputs` for a probe of batch (its
-- key columns keys) against built: the probe side's columns, the build
-- side's, and both for a full outer USING join's coalesced key (o.key:
-- the key columns, as compared; o.both: a column of each side, 0-based,
-- when the output's type is another).
function M.columns(spec, outputs, built, batch, keys)
  local n = #outputs
  local probe_cols = ffi.new("const tide_column*[?]", n + 1)
  local build_cols = ffi.new("const tide_column*[?]", n + 1)
  local build_side = spec.probeSide == "left" and "right" or "left"
  for j, o in ipairs(outputs) do
    if o.key then -- a full outer USING join's key: coalesce(left, right)
      probe_cols[j - 1], build_cols[j - 1] = keys[o.key - 1], built.keys[o.key - 1]
    elseif o.both then
      probe_cols[j - 1], build_cols[j - 1] = batch.columns + o.both[spec.probeSide],
        built.batch.columns + o.both[build_side]
    elseif o.side == spec.probeSide then
      probe_cols[j - 1] = batch.columns + o.index
    else
      build_cols[j - 1] = built.batch.columns + o.index
    end
  end
  return probe_cols, build_cols
end

-- The pairs of batch's rows and built's that the keys match and
-- spec.residual passes (every key-matched pair when there is none), with
-- the rows `mode` (engine/ffi/join.h) adds for those without one.
function M.match(spec, built, batch, keys, mode, ctx)
  local found = C.tide_join_match(built.table, keys, #spec.probeKeys, batch:count(), errbuf, ERRLEN)
  if found == nil then error(cerr(), 0) end
  found = ffi.gc(found, C.tide_join_pairs_free)
  if not spec.residual then
    assert(mode == C.TIDE_JOIN_INNER, "a join without a residual takes its mode from tide_join_probe")
    return found
  end
  local pc, bc = M.columns(spec, spec.pairOutputs, built, batch, keys)
  local joined = C.tide_join_pairs_gather(found, pc, bc, spec.cPairNames, #spec.pairOutputs, errbuf, ERRLEN)
  joined = batchlib.wrap(joined, cerr())
  local scratch = C.tide_batch_derive(joined, 0)
  if scratch == nil then error("out of memory evaluating a join's condition", 0) end
  local ok, pass = pcall(spec.residual.run, joined, scratch, ctx or {})
  local rc = ok and C.tide_join_pairs_select(found, pass, mode, errbuf, ERRLEN)
  C.tide_batch_free(scratch)
  batchlib.release(joined)
  if not ok then error(pass, 0) end
  if rc ~= 0 then error(cerr(), 0) end
  return found
end

-- spec.outputs' columns of the pairs.
function M.gather(spec, found, built, batch, keys)
  local pc, bc = M.columns(spec, spec.outputs, built, batch, keys)
  return batchlib.wrap(C.tide_join_pairs_gather(found, pc, bc, spec.cNames, #spec.outputs, errbuf, ERRLEN), cerr())
end

-- Sets marks[r - from] (a uint8_t array) for each row r in [from, from +
-- n) of side "probe" or "build" that has a pair; returns how many it set.
function M.mark(found, side, from, n, marks)
  return tonumber(C.tide_join_pairs_mark(found, side == "build" and 1 or 0, from, n, marks))
end

return M
