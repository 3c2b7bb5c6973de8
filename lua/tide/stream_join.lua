-- tide.stream_join — an inner, left outer, right outer, full outer or left
-- semi join of two streaming DataFrames, as Spark's stream-stream join
-- (StreamingSymmetricHashJoinExec):
--
--   local imps = events:filter("kind = 'imp'"):select(F.col("ad"):alias("iad"), F.col("at"):alias("it"))
--     :withWatermark("it", "2 hours")
--   local clicks = events:filter("kind = 'click'"):select(F.col("ad"):alias("cad"), F.col("at"):alias("ct"))
--     :withWatermark("ct", "3 hours")
--   imps:join(clicks, F.expr("iad = cad AND ct >= it AND ct <= it + INTERVAL 1 HOUR"))
--
-- Each side's rows are kept in state (tide.state_store: state/2/ the
-- left's, state/3/ the right's, after a streaming aggregation's 0 and
-- dropDuplicates' 1), so each micro-batch joins its new left rows with
-- the right's kept and new rows, and the left's kept rows with the new
-- right rows: every matching pair comes out once, in the batch where its
-- second row arrives (append mode only, as Spark's inner stream-stream
-- join). A kept row is keyed by (its epoch, its place in that epoch's new
-- rows), so a replayed epoch starts from the rows after N-1 and writes
-- the same rows again.
--
-- An outer join, as Spark's, needs watermarks and a condition or a key
-- that lets the outer side's kept rows go (below): a kept row of an
-- outer side also records whether some row of the other side has
-- matched it (__matched, set through the state's deltas when a later
-- batch matches it), and when the watermark lets it go unmatched it
-- comes out once, with nulls for the other side, in that batch. Since the flag is state, a restart
-- or a replayed epoch emits the same null-extended rows, once. A left
-- semi join, as Spark's, emits a left row once, in the batch where its
-- first match arrives: a new left row that matches is not kept, one that
-- does not is kept unmatched until a right row matches it (then flagged,
-- so that it comes out once) or the watermark lets it go; it needs what a
-- left outer join needs.
--
-- Both sides are views of one node of the plan (the stream split by
-- filters, the stream joined with itself, or the sources of streams
-- read apart: tide.stream_sides), and the operator runs each side's
-- operators over that node's rows.
--
-- A side may deduplicate its rows, and aggregate them or run
-- flatMapGroupsWithState (Spark 3.5's chained stateful operators:
-- grouped_side below); each such operator runs inside the join with a
-- state of its own (tide.state_store numbering). A second join on a side
-- is refused.
--
-- With watermarks, as Spark 3.5's: a side's rows at or before the last
-- batch's watermark (by its watermark column) are late, dropped and
-- counted (tide.state_store lateWatermarkUs); and a condition
-- that bounds one side's time from below by the other side's watermarked
-- time (lt >= rt + c, over timestamps, unix_micros/millis/seconds or casts
-- to numbers, c a constant or an interval) lets that side's kept rows go
-- once the watermark makes them unable to match a later row; a query with
-- such a bound runs a batch without new rows when its watermark moves, as
-- Spark's does (tide.stateful_aggregate.checkOutputMode). Without such a
-- bound (or key, below) a side's state keeps every row. An interval of a
-- day or more is a fixed bound only in a session zone of fixed offset
-- (UTC, +02:00): in a region's, days move on its calendar
-- (tide.eval_operators). Watermarks on
-- both sides, after the stream splits, make the query's watermark the
-- earlier of the two (Spark's default "min" policy; "max" the later:
-- tide.stream_sides sidesEventTime).
--
-- A watermarked column among the join's keys lets rows go too, as
-- Spark's JoinStateKeyWatermarkPredicate: when a side's key of an
-- equality is that side's watermark column, a kept row of either side
-- whose key of that equality (the other side's equals it wherever a pair
-- matches; a date compared as the timestamp the join casts it to) is at
-- or before the watermark can match no later row, since a later row of
-- the watermarked side with such a key is late and dropped. Such a key
-- also lets an outer or semi join run without a range bound, as Spark's
-- checker allows. The keys are columns the state already holds: its
-- layout, and older checkpoints, stay as they were.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")
local checks = require("tide.checks")
local ops = require("tide.dataframe_ops")
local state_store = require("tide.state_store")
local eval = require("tide.eval")
local join = require("tide.dataframe_join") -- (loaded before this module, which it loads on a join of streams)
local join_pairs = require("tide.join_pairs")
local time_bounds = require("tide.join_time_bounds")
local sides = require("tide.stream_sides")

local M = {}
local ID = T.ID
local fail = checks.failAtUser
local columns_of = ops.columns_of
local errbuf, ERRLEN, cerr = ops.errbuf, ops.ERRLEN, ops.cerr
local ops_above = sides.opsAbove -- (where the two sides meet)

-- The state stores' operator numbers in state/: after the aggregation's
-- (0) and dropDuplicates' (1).
local LEFT_OP, RIGHT_OP = 2, 3
local ROW = "__join_row" -- the key of a kept row: epoch * 2^32 + its place in the epoch's rows
local MATCHED = "__matched" -- an outer (or semi) side's kept row: has a row of the other side matched it?
local PER_EPOCH = 2 ^ 32
local SIDES = { "left", "right" }

-- ---- the rows kept ---------------------------------------------------------------------------

local OUT_OF_MEMORY = "out of memory keeping a join's rows"

-- rows with their keys in front: epoch * 2^32 + their place (0, 1, ...),
-- by C kernels, not a Lua loop: the places from the one that lists a
-- column's rows after a time (every row of a column of nulls is), plus
-- the epoch's first key.
local function keyed(rows, epoch)
  local n, nc = rows:count(), rows.num_columns
  local held = batchlib.wrap(C.tide_batch_derive(rows, nc + 1), OUT_OF_MEMORY)
  for i = 0, nc - 1 do held.columns[i + 1] = rows.columns[i] end
  -- scratch columns, in held's arena
  local nulls, places, first, base = eval.newColumn(held), eval.newColumn(held), eval.newColumn(held),
    eval.newColumn(held)
  if C.tide_column_init_nulls(held, nulls, "", ID.timestamp, 0, n) ~= 0
      or C.tide_column_init(held, places, "", ID.long, math.max(n, 1)) ~= 0
      or C.tide_column_init(held, first, "", ID.long, 1) ~= 0 then
    error(OUT_OF_MEMORY, 0)
  end
  C.tide_rows_by_time(nulls, n, 0, 1, ffi.cast("int64_t*", places.values))
  places.length = n
  ffi.cast("int64_t*", first.values)[0] = epoch * PER_EPOCH
  first.length = 1
  local key = held.columns
  if C.tide_eval_broadcast(held, first, n, base, errbuf, ERRLEN) ~= 0
      or C.tide_eval_arith(held, C.TIDE_ADD, places, base, 0, 0, key, errbuf, ERRLEN) ~= 0 then
    error(cerr(), 0)
  end
  key.name = C.tide_arena_strdup(held.arena, ROW)
  if key.name == nil then error(OUT_OF_MEMORY, 0) end
  return held
end

-- The rows of a side's state the watermark (w_us) has not passed by one
-- of the side's join keys ({ column = its index in the side's rows, cast
-- = the type the join compares it as, or nil }), and those it has passed
-- (nil when none). A date key is compared as the timestamp the join
-- casts it to (the same kernel), so that a row goes exactly when no
-- later row of the other side can equal it; a null key matches nothing
-- later and stays, as Spark's predicate keeps it.
local function evict_by_key(rows, key, w_us)
  local at = key.column + 1 -- (after the state's row key)
  if not key.cast then return state_store.evict(rows, at, w_us) end
  local n = rows:count()
  local scratch = batchlib.wrap(C.tide_batch_derive(rows, 0), OUT_OF_MEMORY)
  local time = eval.newColumn(scratch)
  if C.tide_eval_cast(scratch, rows.columns + at, key.cast.id, 0, 0, time, errbuf, ERRLEN) ~= 0 then
    error("join: casting a key: " .. cerr(), 0)
  end
  local places = ffi.new("int64_t[?]", math.max(n, 1))
  local k = tonumber(C.tide_rows_by_time(time, n, w_us, 1, places))
  local kept, gone = rows, nil
  if k < n then
    kept = ops.take(rows, places, k)
    gone = ops.take(rows, places, tonumber(C.tide_rows_by_time(time, n, w_us, 0, places)))
  end
  batchlib.release(scratch)
  return kept, gone
end

-- A side's state after the watermark w_us lets go of the rows that can
-- match no later row, by its range bounds and its watermarked keys (each
-- alone is enough for a row to go), and the rows let go, or nil.
local function let_go(side, rows, w_us)
  local gone = {}
  local evict = time_bounds.evictionTime(side.bounds, w_us)
  if evict then rows, gone[1] = state_store.evict(rows, evict.column + 1, evict.time) end
  for _, key in ipairs(side.keyMarks) do
    local removed
    rows, removed = evict_by_key(rows, key, w_us)
    gone[#gone + 1] = removed
  end
  if #gone == 0 then return rows, nil end
  return rows, state_store.concat(gone)
end

-- A side's state: its store (state/<op>/), the state's schema (the key,
-- then the side's columns, then for an outer side whether the row has
-- matched) and the side's columns' indices in it (1 to n, after the key).
local function side_state(schema, op, session, outer)
  local fields, cols = { T.field(ROW, T.long, false), unpack(schema.fields) }, {}
  for i = 1, #schema.fields do cols[i] = i end
  if outer then fields[#fields + 1] = T.field(MATCHED, T.boolean, false) end
  local state_schema = T.struct(fields)
  local side = { store = state_store.new(state_schema, op, 1, session), schema = state_schema, cols = cols,
                 outer = outer, empty = batchlib.fromRows({}, schema) }
  if outer then
    -- the kept rows with this batch's marks (__hit) after their flag
    local hit_fields = { unpack(fields) }
    hit_fields[#hit_fields + 1] = T.field("__hit", T.boolean, false)
    local hit_schema = T.struct(hit_fields)
    local function ref(i) return { k = "col", name = hit_fields[i].name, index = i - 1 } end
    local flag, hit = ref(#fields), ref(#fields + 1)
    local nodes = {}
    for i = 1, #fields - 1 do nodes[i] = ref(i) end
    nodes[#fields] = { k = "alias", name = MATCHED, expr = { k = "op", op = "or", left = flag, right = hit } }
    side.update = eval.compileSelect(nodes, hit_schema)
    side.newlyMatched = eval.compile({ k = "op", op = "and", left = hit, right = { k = "not", expr = flag } },
      hit_schema)
    side.unmatched = eval.compile({ k = "not", expr = ref(#fields) }, state_schema)
    -- the side's new rows with their marks (a semi join's left side)
    local marked_fields = { unpack(schema.fields) }
    marked_fields[#marked_fields + 1] = T.field(MATCHED, T.boolean, false)
    local marked_schema, flag_of_new = T.struct(marked_fields), { k = "col", name = MATCHED, index = #schema.fields }
    side.newMatched = eval.compile(flag_of_new, marked_schema)
    side.newUnmatched = eval.compile({ k = "not", expr = flag_of_new }, marked_schema)
    side.own = {}
    for i = 1, #schema.fields do side.own[i] = i - 1 end
  end
  return side
end

-- rows with a boolean column `name` after their columns: true for the
-- rows that have a pair in one of `marks`, each { pairs (tide.join_pairs),
-- the side of the pairs rows are ("probe" or "build"), the pairs' row
-- number of rows' first row }.
local function with_marks(rows, name, marks)
  local n, nc = rows:count(), rows.num_columns
  local all = {}
  for i = 1, nc do all[i] = i - 1 end
  local held = columns_of(rows, all, 1)
  local col = held.columns + nc
  if C.tide_column_init(held, col, name, ID.boolean, math.max(n, 1)) ~= 0 then error(OUT_OF_MEMORY, 0) end
  for _, m in ipairs(marks) do join_pairs.mark(m[1], m[2], m[3], n, ffi.cast("uint8_t*", col.values)) end
  col.length = n
  return held
end

-- An outer side's kept rows with this batch's marks: all of them, their
-- flags updated, and those the batch matched first (the delta's upserts).
local function mark_kept(side, kept, marks, ctx)
  local hit = with_marks(kept, "__hit", marks)
  return eval.project(hit, side.update, ctx), eval.project(eval.filter(hit, side.newlyMatched, ctx), side.update, ctx)
end

-- The rows of an outer side `s` the watermark let go (removed) that
-- nothing matched, with nulls for the other side (the join's kernel with
-- no rows on the other side: the columns keep their types), or nil.
local function null_extended(op, s, removed, ctx)
  local unmatched = eval.filter(removed, op[s].unmatched, ctx)
  if unmatched:count() == 0 then return nil end
  local rows = columns_of(unmatched, op[s].cols)
  if s == "left" then return join.probe(op.nullRight, op.noRight, rows, ctx) end
  return join.probe(op.nullLeft, join.buildTable(op.spec, rows), op.left.empty, ctx)
end

-- The watermark of the rows the join gives the operators above it, from
-- the query's w_ms, as Spark 3.5 propagates it (produceOutputWatermark):
-- the earliest of the sides' state watermarks (the time before which a
-- side's rows can match nothing more: its bounds' eviction time, or w_ms
-- by a watermarked key), or w_ms when no side lets rows go. An
-- aggregation above finalizes its windows by it.
local function output_watermark_ms(op, w_ms)
  if not w_ms or w_ms <= 0 then return w_ms end
  local out
  for _, s in ipairs(SIDES) do
    local side = op[s]
    local evict = time_bounds.evictionTime(side.bounds, w_ms * 1000)
    local t = evict and math.floor((evict.time + 1) / 1000) or (#side.keyMarks > 0 and w_ms or nil)
    if t then out = out and math.min(out, t) or t end
  end
  return out or w_ms
end

-- ---- the operator ----------------------------------------------------------------------------

local function run(op, batch, ctx)
  if not ctx.checkpoint then error("a join of two streams runs in a streaming query (writeStream:start())", 0) end
  local st = ctx.state
  local epoch = ctx.epochId
  local w_us = ctx.watermarkMs and ctx.watermarkMs > 0 and ctx.watermarkMs * 1000 or nil
  local new, late, marks = {}, {}, {}
  ctx.stateOperators = ctx.stateOperators or {} -- (the sides' contexts read the query's list)
  for _, s in ipairs(SIDES) do
    local side = op[s]
    local rows, seen = sides.runSide(side.ops, batch, ctx)
    if side.mark then
      local own = side.mark.own
      marks[#marks + 1] = { key = s, delayMs = own and side.mark.delayMs or 0,
                            seen = own and seen or state_store.latestTimeMs(rows, side.mark.column) }
    elseif side.tracked then
      marks[#marks + 1] = { key = s, delayMs = side.tracked.delayMs, seen = seen }
    end
    late[s] = 0
    if w_us and side.mark then
      rows, late[s] = state_store.byTime(rows, side.mark.column, state_store.lateWatermarkUs(ctx), true)
    end
    new[s] = rows
  end
  ctx.state = st
  if #marks > 0 then ctx.maxEventTimeMs = sides.sidesEventTime(ctx.watermarkPolicy, marks, st) end
  -- Each side's kept rows (the state after epoch - 1) and its columns alone.
  local kept, kept_cols, sub = {}, {}, {}
  for _, s in ipairs(SIDES) do
    st[s] = st[s] or {}
    sub[s] = setmetatable({ state = st[s] }, { __index = ctx })
    kept[s] = op[s].store:before(sub[s]) or batchlib.fromRows({}, op[s].schema)
    kept_cols[s] = columns_of(kept[s], op[s].cols)
  end
  -- New left rows with every right row (kept and new), then the kept left
  -- rows with the new right rows: each pair once. An outer side's rows
  -- learn which of them these pairs matched: the pairs' rows of each side.
  local spec = op.spec
  local right_all = state_store.concat({ kept_cols.right, new.right })
  local built_all, built_new = join.buildTable(spec, right_all), join.buildTable(spec, new.right)
  local emitted, marks = {}, nil
  if op.outer then
    local by_new, by_kept
    emitted[1], by_new = join.pairsOf(spec, built_all, new.left, C.TIDE_JOIN_INNER, ctx)
    emitted[2], by_kept = join.pairsOf(spec, built_new, kept_cols.left, C.TIDE_JOIN_INNER, ctx)
    local kept_right = kept_cols.right:count()
    marks = {
      left = { kept = { { by_kept, "probe", 0 } }, new = { { by_new, "probe", 0 } } },
      right = { kept = { { by_new, "build", 0 } }, new = { { by_new, "build", kept_right }, { by_kept, "build", 0 } } },
    }
  elseif op.semi then
    -- (the left rows with a pair are what comes out, once: no joined rows)
    local _, by_new = join.pairsOf(spec, built_all, new.left, C.TIDE_JOIN_INNER, ctx, true)
    local _, by_kept = join.pairsOf(spec, built_new, kept_cols.left, C.TIDE_JOIN_INNER, ctx, true)
    marks = { left = { kept = { { by_kept, "probe", 0 } }, new = { { by_new, "probe", 0 } } } }
  else
    emitted[1] = join.probe(spec, built_all, new.left, ctx)
    emitted[2] = join.probe(spec, built_new, kept_cols.left, ctx)
  end
  -- The state after this epoch: the kept rows, the new ones, less those
  -- the watermark makes unable to match; an outer side's rows let go
  -- unmatched come out with nulls.
  for _, s in ipairs(SIDES) do
    local side = op[s]
    local added, rows, upserted, kept_new
    if op.semi and s == "left" then
      -- new rows that matched come out, kept rows when first matched;
      -- every new row is kept with its flag (Spark's state holds those
      -- that matched too, which its progress counts)
      local marked = with_marks(new[s], MATCHED, marks[s].new)
      emitted[#emitted + 1] = columns_of(eval.filter(marked, side.newMatched, ctx), side.own)
      added = keyed(marked, epoch)
      if w_us then added = let_go(side, added, w_us) end
      local kept_rows, first_matched = mark_kept(side, kept[s], marks[s].kept, ctx)
      emitted[#emitted + 1] = columns_of(first_matched, side.cols)
      rows, upserted = state_store.concat({ kept_rows, added }), state_store.concat({ first_matched, added })
    elseif side.outer then
      added = keyed(with_marks(new[s], MATCHED, marks[s].new), epoch)
      -- (Spark's progress counts the new rows it kept: not those this
      -- side keeps only to let go below)
      kept_new = w_us and let_go(side, added, w_us) or added
      local kept_rows, first_matched = mark_kept(side, kept[s], marks[s].kept, ctx)
      rows, upserted = state_store.concat({ kept_rows, added }), state_store.concat({ first_matched, added })
    else
      added = keyed(new[s], epoch)
      -- (a new row the watermark lets go already is joined, not kept, as
      -- Spark's; an outer side keeps it, to come out with nulls below
      -- when it matched nothing, where Spark 3.5 would drop it unsaid)
      if w_us then added = let_go(side, added, w_us) end
      rows, upserted = state_store.concat({ kept[s], added }), added
    end
    local removed
    if w_us then rows, removed = let_go(side, rows, w_us) end
    if side.outer and removed and not op.semi then emitted[#emitted + 1] = null_extended(op, s, removed, ctx) end
    -- As Spark's progress: the rows the batch added (not the flags it
    -- set), and those let go of a side that is not outer (an outer
    -- side's go as they come out, uncounted)
    local counted = { updated = (kept_new or added):count(),
                      removed = removed and (op.semi or not side.outer) and removed:count() or 0 }
    side.store:commit(sub[s], "symmetricHashJoin", rows, upserted, removed, late[s], counted)
  end
  -- One progress entry for the join, as Spark's: its sides' sums
  local list = ctx.stateOperators
  local right_entry = table.remove(list)
  local both = list[#list]
  for key, v in pairs(right_entry) do
    if type(v) == "number" and key ~= "order" then both[key] = both[key] + v end
  end
  -- (the operators above take the watermarks the join gives: tide.state_store)
  ctx.inputWatermarkMs = output_watermark_ms(op, ctx.watermarkMs)
  ctx.lateInputWatermarkMs = output_watermark_ms(op, ctx.lateWatermarkMs)
  return state_store.concat(emitted)
end

-- The sides whose rows an outer join keeps when nothing matches them.
local OUTER = { left = { left = true }, right = { right = true }, full = { left = true, right = true } }

-- As Spark's UnsupportedOperationChecker: an outer join needs a side's
-- rows to be let go, for the nulls to come out: a watermarked column
-- among the keys (either side's: both sides' rows then go), or a
-- watermark on the other side and a condition bounding the outer side's
-- time by it (for a full join, either side's will do, as Spark's; the
-- other side's state then keeps every row).
local function check_outer(op, outer, text)
  local ok = #op.left.keyMarks > 0
  for s in pairs(outer) do ok = ok or #op[s].bounds > 0 end
  if not ok then
    fail(("Stream-stream %s join between two streaming DataFrame/Datasets is not supported without a watermark in"
      .. " the join keys, or a watermark on the nullable side and an appropriate range condition"):format(
      text:match("^Join (%a+)")))
  end
end

-- The plan of ldf joined with rdf (both streaming), spec being
-- tide.dataframe_join's (the left probes); new_df makes the DataFrame.
function M.plan(ldf, rdf, how, spec, text, new_df)
  if how == "cross" or #spec.probeKeys == 0 then
    fail("Stream-stream join without equality predicate is not supported: join two streams on at least one"
      .. " equality between a column of each side")
  end
  local outer, semi = OUTER[how], how == "semi"
  if how ~= "inner" and not outer and not semi then
    fail(("%s join between two streaming DataFrames is not supported: Spark joins two streams inner, left outer,"
      .. " right outer, full outer or left semi; join a stream with a static DataFrame for it"):format(
      text:match("^Join (%a+)")))
  end
  local base, lplan, rplan = sides.shared(ldf._plan, rdf._plan)
  if state_store.find(lplan, "stream_join") or state_store.find(rplan, "stream_join") then
    fail("a query may hold one join between two streams (its sides' state is state/2 and state/3)")
  end
  local op = { spec = spec, outer = outer, semi = semi }
  local numbers = state_store.operatorNumbers({ child = base, left = lplan, right = rplan }, { LEFT_OP, RIGHT_OP })
  for _, s in ipairs(SIDES) do
    local plan = s == "left" and lplan or rplan
    local side_ops = ops_above(plan, base)
    local grouped = sides.groupingOf(side_ops, "a join between two streams")
    op[s] = side_state(plan.schema, s == "left" and numbers[1] or numbers[2], ldf._session,
      (outer and outer[s]) or (semi and s == "left"))
    op[s].ops = side_ops
    -- (a side that groups its rows, by an aggregation or
    -- flatMapGroupsWithState, Spark 3.5's chained stateful operators: the
    -- operator runs inside the join with its own state, by the query's
    -- watermark, and the join takes its rows as they come out. The side's
    -- withWatermark before it, which must be its own, is what the join
    -- tracks of it; its rows carry it in the aggregation's window column
    -- or window_time of it, or a key: tide.event_time)
    op[s].mark = sides.sideMark(plan, base, "a join between two streams")
    if grouped then
      local wm = sides.groupingWatermark(grouped, base, "a join between two streams")
      op[s].tracked = wm and { delayMs = wm.watermark.delayMs }
    end
  end
  local own = (op.left.mark and op.left.mark.own) or (op.right.mark and op.right.mark.own)
    or op.left.tracked or op.right.tracked
  local shared = state_store.watermarkNode(base)
  if own and shared then
    fail("join: withWatermark both on the stream the sides share and on a side: set it on one of them (on each"
      .. " side, the query's watermark is the earlier of the two, as Spark's default policy)")
  end
  -- Each side's bounds by the other's watermarked time: those that let its
  -- kept rows go.
  local conf = ldf._session and ldf._session.conf
  local fixed_days = time_bounds.fixedOffset(conf and conf:get("spark.sql.session.timeZone"))
  -- (a semi join's condition reads both sides' columns, its output the left's)
  local bounds = {}
  if spec.residualNode then
    local outputs, fields = spec.pairOutputs, {}
    for j, o in ipairs(outputs) do fields[j] = o.field end
    bounds = time_bounds.boundsOf(spec.residualNode, T.struct(fields), outputs, fixed_days)
  end
  for _, s in ipairs(SIDES) do
    local other = op[s == "left" and "right" or "left"].mark
    op[s].bounds = {}
    for _, b in ipairs(bounds) do
      if other and b.side == s and b.other == other.column then op[s].bounds[#op[s].bounds + 1] = b end
    end
  end
  -- Each side's keys that the watermark bounds: those of the equalities
  -- in which either side's key is its watermarked column (Spark's
  -- joinKeyOrdinalForWatermark, which takes the first; each of several
  -- lets rows go alone).
  op.left.keyMarks, op.right.keyMarks = {}, {}
  for k = 1, #spec.probeKeys do
    local lm, rm = op.left.mark, op.right.mark
    if (lm and spec.probeKeys[k] == lm.column) or (rm and spec.buildKeys[k] == rm.column) then
      local left, right = op.left.keyMarks, op.right.keyMarks
      left[#left + 1] = { column = spec.probeKeys[k], cast = spec.probeCasts[k] }
      right[#right + 1] = { column = spec.buildKeys[k], cast = spec.buildCasts[k] }
    end
  end
  if outer or semi then check_outer(op, outer or { left = true }, text) end
  -- As Spark's (isWatermarkDefinedOnInput), a side's rows go by a range
  -- bound only when they carry a watermark of their own: a bound on an
  -- aggregated side, or on a side without withWatermark, satisfies the
  -- outer join's check above but lets nothing go.
  for _, s in ipairs(SIDES) do
    if not op[s].mark then op[s].bounds = {} end
  end
  -- the kernel's modes that give a side's rows with nulls for the other
  op.nullRight = setmetatable({ mode = join.MODE.probe_outer, residual = false }, { __index = spec })
  op.nullLeft = setmetatable({ mode = join.MODE.build_outer, residual = false }, { __index = spec })
  if outer and outer.left then op.noRight = join.buildTable(spec, op.right.empty) end
  -- the sides' event-time columns in the joined rows, which an aggregation above may finalize windows by
  local event_time = {}
  for _, s in ipairs(SIDES) do
    local mark = op[s].mark
    local plan = s == "left" and lplan or rplan
    if mark and not (semi and s == "right") then
      event_time[#event_time + 1] = plan.schema.fields[mark.column + 1].name
    end
  end
  local node = {
    kind = "stream_join",
    eventTimeColumns = event_time,
    stateOps = numbers, stores = { op.left.store, op.right.store },
    schema = spec.schema,
    -- whether a moved watermark alone lets kept rows go (a batch without new rows then)
    evictable = #op.left.bounds > 0 or #op.right.bounds > 0 or #op.left.keyMarks > 0,
    explain = "StreamingSymmetricHashJoin " .. text:gsub("^Join ", ""),
    child = base,
    left = lplan,
    right = rplan,
    apply = function(batch, ctx) return run(op, batch, ctx) end,
  }
  if own then node = sides.sidesWatermark(node) end
  return new_df(ldf._session, node, true)
end

return M
