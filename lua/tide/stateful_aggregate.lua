-- tide.stateful_aggregate — groupBy/agg on a streaming DataFrame, as
-- Spark's streaming aggregation (outputMode "complete" or "update"):
--
--   events:groupBy("site_id"):agg(F.count("*"):alias("n"), F.avg("click"))
--     .writeStream:outputMode("complete"):format("console"):start()
--
-- Each micro-batch is aggregated into partial aggregates per group (a
-- count, a sum, a min, ...; an average as its sum and count), merged with
-- the state (the partials of every group so far) by aggregating both
-- again, and the result is finalized: every group (complete) or the groups
-- the micro-batch touched (update). The state is tide.state_store's
-- state/0/ in the checkpoint: a replayed epoch starts from the state
-- before it, so each record is counted once.
--
-- With withWatermark on the time of an event-time window key (or on a
-- key column), as Spark 3.5's: rows of windows the last batch's watermark
-- has passed are late and dropped (counted in the progress), and the
-- groups the batch's own has passed are final: "append" writes them then
-- and drops them from the state, "update" drops them after writing the
-- changed ones. Without a watermark the state keeps every group.
--
-- A session window key (tide.session_window) keeps each key's open
-- sessions (state/6/): the micro-batch's partials, one per event time,
-- merge with the kept sessions of their keys that they overlap or touch,
-- as Spark's session window state store operators do; a kept session a
-- merge replaces leaves the state. Rows whose own session [time, time +
-- gap) ends at or before the watermark are late. As Spark's: "append" or
-- "complete" (not "update"), and never without another key.
--
-- Spark 3.5's other aggregates merge as its partial buffers do
-- (tide.aggregate_functions): product and bit_and/or/xor by themselves;
-- max_by/min_by as a struct of the extreme ordering and its value;
-- skewness, kurtosis, covar_*, corr and regr_* as a struct of their
-- moments (n, means, co-moment, second to fourth moments), merged by
-- Spark's own merge formulas, so the digits are those of a Spark job
-- whose partitions were the micro-batches; percentile, median,
-- percentile_approx and mode as the list of their values (as
-- collect_list), computed over it each batch. stddev and variance (and
-- their _pop forms) keep the same moments: Spark's CentralMomentAgg
-- buffer, finished by its evaluations. approx_count_distinct keeps its
-- HyperLogLog++ sketch (engine/hll.h: 2^p bytes per group, 512 by default,
-- however many values it has seen), merged register by register, so a
-- stream's estimate is a batch job's over the same rows; a state an
-- earlier tide wrote (each group's set of values) is made sketches as it
-- is read. count_if, bool_and/or and regr_count/avgx/avgy are counts,
-- mins, maxes and averages already.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")
local checks = require("tide.checks")
local ops = require("tide.dataframe_ops")
local state_store = require("tide.state_store")

local M = {}
local ID = T.ID
local errbuf, ERRLEN, cerr, int32s, take = ops.errbuf, ops.ERRLEN, ops.cerr, ops.int32s, ops.take
local by_time = state_store.byTime

-- tide_agg_fn codes.
local COUNT, SUM, AVG, MIN, MAX, COLLECT_LIST, COLLECT_SET = 1, 2, 3, 4, 5, 14, 15
local MERGE_LISTS, MERGE_SETS = 16, 17
-- tide_agg_stage, and the kernels whose partials are their results
-- (product, bit_*, bitmap_or_agg) or the lists of their values (percentile,
-- percentile_approx, mode).
local WHOLE, PARTIAL, MERGE_PARTIALS, FINAL = 0, 1, 2, 3
local SELF_MERGING = { [20] = true, [21] = true, [22] = true, [23] = true, [42] = true }
local LISTED = { [35] = true, [36] = true, [37] = true }
local APPROX_COUNT_DISTINCT = 40
-- (kept in the state: binary sketches and bitmaps)
local KEPT_BINARY = { [APPROX_COUNT_DISTINCT] = true, [42] = true }
-- How each aggregate's partials merge: codes taken over the partial column
-- (the lists of collect_list and collect_set: their elements, the state's
-- first, as Spark's Collect merges its buffers).
local MERGE = { [COUNT] = SUM, [SUM] = SUM, [MIN] = MIN, [MAX] = MAX, [10] = 10, [11] = 11, [12] = 12, [13] = 13,
                [COLLECT_LIST] = MERGE_LISTS, [COLLECT_SET] = MERGE_SETS }

local function col(name) return { k = "col", name = name } end

-- stddev, variance, stddev_pop, var_pop: codes 6-9, over the moments'
-- n and m2 as Spark's evaluations (a sample's of fewer than two values
-- and a population's of none are null), kept by skewness's kernel.
local SKEWNESS = 24
local SECOND_MOMENT = { [6] = { sample = true, root = true }, [7] = { sample = true }, [8] = { root = true }, [9] = {} }
local function second_moment(state, how)
  local function field(name) return { k = "field", expr = col(state), name = name } end
  local n = field("n")
  local divisor = how.sample and { k = "op", op = "-", left = n, right = { k = "lit", value = 1 } } or n
  local v = { k = "op", op = "/", left = field("m2"), right = divisor }
  if how.root then v = { k = "call", fn = "sqrt", args = { v } } end
  local enough = { k = "op", op = ">", left = n, right = { k = "lit", value = how.sample and 1 or 0 } }
  return { k = "case", branches = { { when = enough, value = v } } }
end

-- A merged state column as the aggregate's type: cast (a decimal sum
-- merged is wider than the sum's type), or, for an interval, the column's
-- microseconds or months taken as the interval they are (a TIMESTAMP_NTZ's
-- microseconds alike: the state holds them as a timestamp's).
local function as_result(state, t)
  return { k = "cast", expr = state, to = t, held = (t.interval or t.ntz) and t or nil }
end

-- The partial aggregates of specs, how they merge, the kernels that
-- finish some of them from the state (each state row its own group), the
-- projection that finalizes them, and the sketches' state columns (1-based
-- -> { type = the set of values an earlier tide kept there, rsd });
-- errors at the user's line for what tide cannot keep.
local function partials_of(schema, key_idx, specs)
  local nk = #key_idx
  local partial, merge, finish, final, sketches = {}, {}, {}, {}, {}
  for i, k in ipairs(key_idx) do final[i] = col(schema.fields[k + 1].name) end
  local function add(spec, code)
    local name = ("__partial%d"):format(#partial + 1)
    partial[#partial + 1] = { code = code, column = spec.column, zero = spec.zero, name = name }
    merge[#merge + 1] = { code = MERGE[code], column = nk + #merge, zero = spec.zero, name = name }
    return name
  end
  -- A kernel's partial (of stage `from`) and merge (of stage `by`); its
  -- state column is nk + #partial - 1.
  local function add_kernel(spec, from, by)
    local name = ("__partial%d"):format(#partial + 1)
    partial[#partial + 1] = { code = spec.code, kernel = true, stage = from, column = spec.column,
                              column2 = spec.column2, percentages = spec.percentages, name = name }
    merge[#merge + 1] = { code = spec.code, kernel = true, stage = by, column = nk + #merge,
                          percentages = spec.percentages, name = name }
    return name
  end
  local function finish_from(spec, state_column)
    local name = ("__final%d"):format(#finish + 1)
    finish[#finish + 1] = { code = spec.code, column = state_column, percentages = spec.percentages,
                            asArray = spec.asArray, name = name, type = spec.type }
    return name
  end
  for _, s in ipairs(specs) do
    local input = s.column and schema.fields[s.column + 1].dataType
    local other = s.column2 and schema.fields[s.column2 + 1].dataType
    if other and (other.id == ID.binary or other.id == ID.vector) then input = other end
    if s.distinct or s.distinctRows then
      checks.failAtUser(("%s over a stream: tide keeps no sets of values across micro-batches (Spark: distinct"
        .. " aggregations are not supported on streaming DataFrames/Datasets)"):format(s.name))
    elseif input and (input.id == ID.binary or input.id == ID.vector) and not KEPT_BINARY[s.code] then
      checks.failAtUser(("%s over a stream: a %s column is not kept in a streaming aggregation's state"):format(
        s.name, input:simpleString()))
    elseif s.code == AVG then
      if input.id == ID.decimal then
        checks.failAtUser(("%s over a stream: tide keeps no decimal averages across micro-batches; cast the column"
          .. " to double"):format(s.name))
      end
      local sum, count = add(s, SUM), add(s, COUNT)
      final[#final + 1] = { k = "alias", name = s.name, expr = { k = "op", op = "/",
        left = { k = "cast", expr = col(sum), to = T.double }, right = col(count) } }
    elseif not s.kernel and SECOND_MOMENT[s.code] then
      local name = add_kernel({ code = SKEWNESS, column = s.column }, PARTIAL, MERGE_PARTIALS)
      final[#final + 1] = { k = "alias", name = s.name, expr = second_moment(name, SECOND_MOMENT[s.code]) }
    elseif s.kernel and SELF_MERGING[s.code] then
      local name = add_kernel(s, WHOLE, WHOLE)
      final[#final + 1] = { k = "alias", name = s.name, expr = as_result(col(name), s.type) }
    elseif s.kernel and LISTED[s.code] then
      if s.column2 then
        checks.failAtUser(("%s over a stream: tide keeps a percentile's values, not their frequencies, across"
          .. " micro-batches"):format(s.name))
      end
      add(s, COLLECT_LIST)
      final[#final + 1] = { k = "alias", name = s.name, expr = col(finish_from(s, nk + #partial - 1)) }
    elseif s.kernel then
      add_kernel(s, PARTIAL, MERGE_PARTIALS)
      final[#final + 1] = { k = "alias", name = s.name, expr = col(finish_from(s, nk + #partial - 1)) }
      if s.code == APPROX_COUNT_DISTINCT then
        sketches[nk + #partial] = { type = T.array(input, false), rsd = s.percentages[1] }
      end
    elseif s.zero or MERGE[s.code] then
      local name = add(s, s.zero and COUNT or s.code)
      -- A decimal sum merged is wider than the sum: back to its type (null
      -- past it, as Spark's sum).
      final[#final + 1] = { k = "alias", name = s.name, expr = as_result(col(name), s.type) }
    else
      error(("%s over a stream: no merge for aggregate code %d"):format(s.name, s.code), 0)
    end
  end
  return partial, merge, finish, final, sketches
end

-- State rows read from files an earlier tide wrote, whose sketch columns
-- held each group's set of values (collect_set's partials): the sets made
-- sketches (the kernel's merge takes arrays of values), the other columns
-- as they are.
local function sets_as_sketches(rows, sketches)
  local n, fields = rows:count(), rows:schema().fields
  local order = {}
  for i = 1, #fields do order[i] = i - 1 end
  local extra = 0
  for _ in pairs(sketches) do extra = extra + 1 end
  local out = ops.columns_of(rows, order, extra)
  local slot = #fields
  for i, sketch in pairs(sketches) do
    local rsd = ffi.new("double[1]", sketch.rsd)
    if C.tide_aggregate_groups(out, out.columns[slot], fields[i].name, APPROX_COUNT_DISTINCT, MERGE_PARTIALS,
        rows.columns[i - 1], nil, rsd, 1, 0, n, nil, n, errbuf, ERRLEN) ~= 0 then
      error(cerr(), 0)
    end
    order[i], slot = slot, slot + 1
  end
  if C.tide_batch_finish(out) ~= 0 then error("streaming aggregation: columns of different lengths", 0) end
  local upgraded = ops.columns_of(out, order)
  if C.tide_batch_finish(upgraded) ~= 0 then error("streaming aggregation: columns of different lengths", 0) end
  return upgraded
end

-- The state rows with the finished kernels' columns after them.
local function finished(rows, finish)
  if #finish == 0 then return rows end
  local n, width = rows:count(), #rows:schema().fields
  local all = {}
  for i = 1, width do all[i] = i - 1 end
  local out = ops.columns_of(rows, all, #finish)
  for i, f in ipairs(finish) do
    local np = f.percentages and #f.percentages or 0
    local p = np > 0 and ffi.new("double[?]", np, unpack(f.percentages)) or nil
    if C.tide_aggregate_groups(out, out.columns[width + i - 1], f.name, f.code, FINAL, rows.columns[f.column], nil, p,
        np, f.asArray and 1 or 0, n, nil, n, errbuf, ERRLEN) ~= 0 then
      error(cerr(), 0)
    end
  end
  if C.tide_batch_finish(out) ~= 0 then error("streaming aggregation: columns of different lengths", 0) end
  return out
end

-- The watermark's delay (ms) of a query's plan, or nil without one.
function M.watermarkOf(plan)
  local node = state_store.watermarkNode(plan)
  return node and node.watermark.delayMs
end

-- The key a watermark finalizes groups by (its 0-based index in the keys),
-- or nil: a window or session window over a column that carries the
-- watermark (tide.event_time: the watermark's column, or window_time of
-- the windows an aggregation below finalizes, as Spark 3.5 chains
-- aggregations), by its end, or such a column.
local function eviction_key(plan, input_schema, key_idx)
  local marked = {}
  for _, name in ipairs(require("tide.event_time").columns(plan)) do marked[name] = true end
  if not next(marked) then return nil end
  local ends = { time_window = require("tide.time_window").END, session_window = require("tide.session_window").END }
  local names = {}
  for i, k in ipairs(key_idx) do names[input_schema.fields[k + 1].name] = i - 1 end
  local node = plan
  while node and not ends[node.kind] and node.kind ~= "stateful_aggregate" do node = node.child end
  if node and ends[node.kind] and names[ends[node.kind]] and marked[node.timeColumn] then
    return names[ends[node.kind]]
  end
  -- (the first key that carries it, as Spark's)
  for i, k in ipairs(key_idx) do
    if marked[input_schema.fields[k + 1].name] then return i - 1 end
  end
  return nil
end

-- A session window's keys (0-based, in the keys): its start and end, and
-- the other keys, which sessions are per; nil when the aggregation has
-- none.
local function session_keys(plan, input_schema, key_idx)
  local sw = require("tide.session_window")
  if not state_store.find(plan, "session_window") then return nil end
  local at, others = {}, {}
  for i, k in ipairs(key_idx) do
    local name = input_schema.fields[k + 1].name
    if name == sw.START or name == sw.END then at[name] = i - 1 else others[#others + 1] = i - 1 end
  end
  if not (at[sw.START] and at[sw.END]) then return nil end
  return { start = at[sw.START], stop = at[sw.END], others = others }
end

-- A session window's merge: the kept sessions (before, or nil) and a
-- micro-batch's partial aggregates (each row an event's interval, or
-- those of events at one time), their intervals merged per value of the
-- other keys into sessions (tide.session_window.mergeSessions), the
-- partials of each session merged. Returns the sessions, those the batch
-- touched, and the kept ones a merge replaced (nil when none), which
-- leave the state under their old start and end.
local function merge_sessions(before, partials, sessions, merge_keys, merge)
  local sw = require("tide.session_window")
  local aggregate_batch = require("tide.dataframe_aggregate").aggregateBatch
  local ns = before and before:count() or 0
  local both = ns > 0 and state_store.concat({ before, partials }) or partials
  local merged, starts, ends = sw.mergeSessions(both, sessions.others, sessions.start, sessions.stop)
  local n = both:count()
  local grouping = { gids = ffi.new("int32_t[?]", math.max(n, 1)), first = ffi.new("int64_t[?]", math.max(n, 1)) }
  grouping.ng = tonumber(C.tide_group_rows(merged, int32s(merge_keys), #merge_keys, grouping.gids, grouping.first,
    errbuf, ERRLEN))
  if grouping.ng < 0 then error(cerr(), 0) end
  local state = aggregate_batch(merged, merge_keys, merge, grouping)
  local groups = ffi.new("int64_t[?]", math.max(n - ns, 1))
  local k = tonumber(C.tide_groups_of_rows(grouping.gids, ns, n, grouping.ng, groups))
  if k < 0 then error("streaming aggregation: out of memory", 0) end
  return state, take(state, groups, k), sw.moved(before, ns, sessions.start, sessions.stop, starts, ends)
end

function M.plan(df, key_idx, specs, schema, explain)
  local input_schema = df._plan.schema
  local evict_by = eviction_key(df._plan, input_schema, key_idx)
  local sessions = session_keys(df._plan, input_schema, key_idx)
  local partial, merge, finish, final, sketches = partials_of(input_schema, key_idx, specs)
  local nk = #key_idx
  local aggregate_batch = require("tide.dataframe_aggregate").aggregateBatch
  local eval = require("tide.eval")
  -- The state's schema: the keys, then the partials (their types as the
  -- partial aggregation gives them, found over no rows).
  local empty = aggregate_batch(batchlib.fromRows({}, input_schema), key_idx, partial)
  local state_schema = empty:schema()
  local final_fields = {}
  for i, f in ipairs(state_schema.fields) do final_fields[i] = f end
  for _, f in ipairs(finish) do final_fields[#final_fields + 1] = T.field(f.name, f.type, true) end
  local finalize = eval.compileSelect(final, T.struct(final_fields))
  if sessions and #sessions.others == 0 then
    checks.failAtUser("Global aggregation with session window in streaming query is not supported.")
  end
  -- (a session window's sessions are kept apart from other aggregations',
  -- under an operator number of their own, as Spark's session operators
  -- keep a state of another shape)
  local op = sessions and state_store.operatorNumbers(df._plan, { 6 })[1] or 0
  local legacy
  if next(sketches) then
    local columns = {}
    for i, sketch in pairs(sketches) do columns[i] = sketch.type end
    legacy = { columns = columns, upgrade = function(rows) return sets_as_sketches(rows, sketches) end }
  end
  local store = state_store.new(state_schema, op, nk, df._session, legacy)
  local merge_keys = {}
  for i = 1, nk do merge_keys[i] = i - 1 end

  return ops.derive(df, {
    kind = "stateful_aggregate",
    stateOps = { op }, stores = { store },
    schema = schema,
    keyCount = nk, -- (its schema's first columns: tide.event_time)
    evictable = evict_by ~= nil,
    sessionWindow = sessions ~= nil,
    explain = "StateStore" .. explain,
    apply = function(batch, ctx)
      if not ctx.checkpoint then
        error("a streaming aggregation runs in a streaming query (writeStream:start())", 0)
      end
      local watermark_us = evict_by and state_store.evictionWatermarkUs(ctx)
      local late = 0
      if evict_by then batch, late = by_time(batch, key_idx[evict_by + 1], state_store.lateWatermarkUs(ctx), true) end
      local partials = aggregate_batch(batch, key_idx, partial)
      local before = store:before(ctx)
      -- changed: the groups the batch touched, as they are now (the delta
      -- the state store writes; update mode's output).
      local state, changed = partials, partials
      local moved -- (the kept sessions a merge replaced)
      if sessions then
        state, changed, moved = merge_sessions(before, partials, sessions, merge_keys, merge)
      elseif before and before:count() > 0 then
        local both = state_store.concat({ before, partials })
        local n, ns = both:count(), before:count()
        local grouping = { gids = ffi.new("int32_t[?]", n), first = ffi.new("int64_t[?]", n), ng = 1 }
        if nk > 0 then
          grouping.ng = tonumber(C.tide_group_rows(both, int32s(merge_keys), nk, grouping.gids, grouping.first,
            errbuf, ERRLEN))
          if grouping.ng < 0 then error(cerr(), 0) end
        end
        state = aggregate_batch(both, merge_keys, merge, grouping)
        local groups = ffi.new("int64_t[?]", math.max(n - ns, 1))
        local k = tonumber(C.tide_groups_of_rows(grouping.gids, ns, n, grouping.ng, groups))
        if k < 0 then error("streaming aggregation: out of memory", 0) end
        changed = take(state, groups, k)
      end
      local out = ctx.outputMode == "complete" and state or changed
      local removed
      if watermark_us and ctx.outputMode ~= "complete" then
        -- The groups the watermark has passed are final: append writes
        -- them now (when there are none, `empty`: the partials of no rows
        -- are no groups, the aggregation having a key to evict by); both
        -- modes drop them from the state. (A group the batch changed may
        -- be one: its rows were not late by the last batch's watermark.)
        state, removed = state_store.evict(state, evict_by, watermark_us)
        if ctx.outputMode == "append" then out = removed or empty end
      end
      if moved then removed = removed and state_store.concat({ moved, removed }) or moved end
      store:commit(ctx, sessions and "sessionWindowStateStoreSaveExec" or "stateStoreSave", state, changed, removed,
        late)
      return eval.project(finished(out, finish), finalize, ctx)
    end,
  })
end

-- The stateful aggregations of a plan (a chain): how many, and the last.
function M.find(plan)
  local last, n = state_store.find(plan, "stateful_aggregate")
  return n, last
end


-- A query's output mode against its plan, as Spark's analysis checks it: an
-- aggregation needs "complete" or "update", or "append" with a watermark
-- that makes its groups final; only one per query, and a sink that can
-- take its rows again each batch (in "append", each group comes once).
local ROW_APPENDING_SINKS = { json = "json", csv = "csv", text = "text", jdbc = "jdbc", postgres = "postgres" }
function M.checkOutputMode(w, fmt)
  local mode = w.mode or "append"
  -- (those on a side of a join too: tide.stream_join)
  local all = state_store.findAll(w.df._plan, "stateful_aggregate")
  local aggregations, aggregation = #all, all[1]
  local all_evictable = true
  for _, a in ipairs(all) do all_evictable = all_evictable and a.evictable end
  local node = w.df._plan
  while node do
    if node.kind == "sort" and mode ~= "complete" then
      error("Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset"
        .. " in Complete output mode", 0)
    elseif node.kind == "stream_join" and (mode == "update" or (mode == "complete" and aggregations > 0)) then
      -- (complete mode without an aggregation fails below, as Spark's)
      error(("Join between two streaming DataFrames/Datasets is not supported in %s output mode, only in Append"
        .. " output mode"):format(mode == "update" and "Update" or "Complete"), 0)
    end
    node = node.child
  end
  if aggregations == 1 and aggregation.sessionWindow and mode == "update" then
    error("Update output mode not supported for session window on streaming DataFrames/DataSets", 0)
  elseif aggregations > 1 and mode ~= "append" then
    -- (in append mode, as Spark 3.5's, each takes the windows the one below finalizes)
    error("Multiple streaming aggregations are not supported with streaming DataFrames/Datasets", 0)
  elseif aggregations == 0 and mode == "complete" then
    error("Complete output mode not supported when there are no streaming aggregations on streaming"
      .. " DataFrames/Datasets", 0)
  elseif aggregations >= 1 and mode == "append" and not all_evictable then
    error("Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets"
      .. " without watermark (withWatermark on the time of a window key, or of a key; or outputMode(\"complete\")"
      .. " or \"update\")", 0)
  elseif (aggregations == 1 or state_store.find(w.df._plan, "stateful_map")) and mode ~= "append"
      and ROW_APPENDING_SINKS[fmt] then
    local shown = mode:sub(1, 1):upper() .. mode:sub(2)
    error(("Data source %s does not support %s output mode (it appends rows: a streaming aggregation's groups, or"
      .. " flatMapGroupsWithState's updates, go to it through foreachBatch, which can overwrite or upsert them)")
      :format(fmt, shown), 0)
  end
  -- (flatMapGroupsWithState's own rules, and whether its event-time
  -- timeouts want batches when the watermark moves)
  local timeouts = require("tide.stateful_map").checkOutputMode(w.df._plan, mode)
  -- Whether a moved watermark runs a batch without new rows, as Spark's
  -- stateful operators ask for one (shouldRunAnotherBatch): an aggregation
  -- but in complete mode, a deduplication (its groups final, its keys let
  -- go), a join of two streams that lets kept rows go (an outer one's
  -- unmatched come out with nulls).
  local join = state_store.find(w.df._plan, "stream_join")
  return (aggregations >= 1 and mode ~= "complete") or state_store.find(w.df._plan, "stateful_dedup") ~= nil
    or (join ~= nil and join.evictable) or timeouts
end

return M
