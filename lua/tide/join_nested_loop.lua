-- tide.join_nested_loop — a join whose condition has no equality to hash
-- on (a.t < b.t, lower(a.x) LIKE b.p, true), as Spark's
-- BroadcastNestedLoopJoin runs it: every probe row against every build
-- row, the condition evaluated over the pairs.
--
--   local out = nested_loop.probe(spec, built, batch, ctx)   -- spec, built: tide.dataframe_join's
--
-- The pairs are made chunk by chunk of probe rows (a table of no keys
-- matches every build row, engine/join.c), at most CHUNK_PAIRS of them at
-- a time (one probe row's when the build side has more rows), so that a
-- large join holds one chunk's pairs, not the product of both sides; the
-- condition runs vectorized over each chunk (tide.join_pairs), which
-- keeps the pairs it passes and adds what the join type adds for the probe
-- rows without one: inner, a probe-side outer join (left, or right with
-- the right probing), semi and anti joins take each probe row whole in
-- one chunk. A full (or build-side) outer join also marks the build rows
-- some chunk matched; those none did come last, with nulls for the probe side
-- (engine/join_nested.c). Rows come in probe order, each probe row's
-- pairs in build order.
local ffi = require("ffi")
local C = require("tide.ffi")
local batchlib = require("tide.batch")
local ops = require("tide.dataframe_ops")
local join_pairs = require("tide.join_pairs")

local M = {}
local errbuf, ERRLEN, cerr = ops.errbuf, ops.ERRLEN, ops.cerr

-- Pairs of rows evaluated at a time.
local CHUNK_PAIRS = 65536
M.CHUNK_PAIRS = CHUNK_PAIRS

-- The build rows `marks` leaves unmatched, as spec's output columns with
-- nulls for the probe side (a probe batch gives those columns' types).
local function unmatched(spec, built, batch, marks)
  local pc, bc = join_pairs.columns(spec, spec.outputs, built, batch, {})
  for j, o in ipairs(spec.outputs) do
    if o.both then pc[j - 1] = nil end -- (a coalesced key: the build row's)
  end
  return batchlib.wrap(C.tide_join_unmatched(marks, built.batch:count(), pc, bc, spec.cNames, #spec.outputs, errbuf,
    ERRLEN), cerr())
end

-- The rows of pieces (batches of one layout) one after another.
local function concat(pieces)
  if #pieces == 1 then return pieces[1] end
  local arr = ffi.new("tide_batch*[?]", #pieces)
  for i, b in ipairs(pieces) do arr[i - 1] = b end
  local out = batchlib.wrap(C.tide_batch_concat(arr, #pieces, errbuf, ERRLEN), cerr())
  for _, b in ipairs(pieces) do batchlib.release(b) end
  return out
end

-- The rows spec.mode gives of probe rows `batch` and the rows of `built`
-- (a table of no keys), the residual deciding which pairs match.
function M.probe(spec, built, batch, ctx)
  local MODE = require("tide.dataframe_join").MODE
  local pairs_of = require("tide.dataframe_join").pairsOf
  local n, m = batch:count(), built.batch:count()
  local rows = math.max(1, math.floor(CHUNK_PAIRS / math.max(m, 1)))
  -- (a build-side outer join matches chunks as an inner or probe-side one,
  -- marking the build rows matched)
  local marking = spec.mode == MODE.full or spec.mode == MODE.build_outer
  local chunk_mode = spec.mode == MODE.full and MODE.probe_outer or spec.mode == MODE.build_outer and MODE.inner
    or spec.mode
  local marks = marking and ffi.new("uint8_t[?]", m + 1)
  local pieces, from = {}, 0
  repeat
    local chunk = batch
    if n > rows then
      chunk = batchlib.wrap(C.tide_batch_slice(batch, from, rows), "out of memory slicing a join's rows")
    end
    local out, found = pairs_of(spec, built, chunk, chunk_mode, ctx)
    if marks then join_pairs.mark(found, "build", 0, m, marks) end
    pieces[#pieces + 1] = out
    if chunk ~= batch then batchlib.release(chunk) end
    from = from + rows
  until from >= n
  if marking then pieces[#pieces + 1] = unmatched(spec, built, batch, marks) end
  return concat(pieces)
end

return M
