-- tide.stateful_map — arbitrary stateful processing, as Spark's
-- flatMapGroupsWithState (PySpark 3.5's applyInPandasWithState's shape):
--
--   events:groupBy("user"):flatMapGroupsWithState(function(key, rows, state)
--     local n = state:exists() and state:get().n or 0
--     for _ in rows do n = n + 1 end
--     state:update({ n })
--     return { { key[1], n } }
--   end, "user string, n long", "n long", "update", "NoTimeout")
--
-- fn(key, rows, state) runs once per group that has rows in the batch (key
-- a Lua list of the key values, rows an iterator of its Rows, state a
-- tide.group_state GroupState), then, on a stream, once per group whose
-- timeout passed (no rows, state:hasTimedOut() true). It returns the
-- group's output rows: a list of Rows or tables (by field name or by
-- position) of outputSchema, an iterator of them, or nil. The rows of all
-- groups make one batch (batch.fromRows) per micro-batch.
--
-- The batch is grouped in C (tide_group_rows) and put in group order with
-- one take; a group's rows reach Lua a slice at a time as fn iterates.
-- On a stream each key's state is kept in tide.state_store's state/7/ (key
-- columns, groupState: a struct of the state's schema, null when removed
-- with a timeout still set, and timeoutTimestamp in ms, null when none), as
-- Spark's state format 2 keeps it, merged once per micro-batch: a replayed
-- epoch starts from the state before it, with the processing time and
-- watermark the offsets log holds for it, so its output is the same.
-- Timeouts as Spark's: a call's timeout is cleared unless the call sets
-- it again; ProcessingTimeTimeout fires when the batch's time is past it
-- (a batch without data runs for it, M.timeoutDue), EventTimeTimeout when
-- the watermark is (then rows at or before the last batch's watermark are
-- late, dropped and counted). Over a batch DataFrame each group is called once, with no
-- state, and timeouts never fire. Output modes are checked as Spark's
-- UnsupportedOperationChecker checks them (M.checkOutputMode).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")
local checks = require("tide.checks")
local ops = require("tide.dataframe_ops")
local state_store = require("tide.state_store")
local group_state = require("tide.group_state")

local M = {}
-- The state store's operator number in state/ (tide.state_store's list).
local STATE_OP = 7
-- Rows of a group turned into Lua Rows at a time, as fn iterates.
local SLICE_ROWS = 1024
local NO_TIMESTAMP = group_state.NO_TIMESTAMP
local errbuf, ERRLEN, cerr, int32s, take, columns_of = ops.errbuf, ops.ERRLEN, ops.cerr, ops.int32s, ops.take,
  ops.columns_of

local function no_rows() return nil end

-- The batch's groups by the columns key_idx: { n = groups, sorted = the
-- rows in group order, starts = each group's first row in sorted (n + 1
-- entries), keys = a batch of each group's keys }.
local function group_batch(batch, key_idx)
  local n, nk = batch:count(), #key_idx
  if n == 0 then return { n = 0 } end
  local gids, first = ffi.new("int32_t[?]", n), ffi.new("int64_t[?]", n)
  local ng = 1
  if nk > 0 then
    ng = tonumber(C.tide_group_rows(batch, int32s(key_idx), nk, gids, first, errbuf, ERRLEN))
    if ng < 0 then error(cerr(), 0) end
  else
    first[0] = 0
  end
  -- A counting sort of the rows by group, stable: each group's rows keep
  -- their order.
  local starts = ffi.new("int64_t[?]", ng + 1)
  for i = 0, n - 1 do starts[gids[i] + 1] = starts[gids[i] + 1] + 1 end
  for g = 1, ng do starts[g] = starts[g] + starts[g - 1] end
  local at, order = ffi.new("int64_t[?]", ng), ffi.new("int64_t[?]", n)
  ffi.copy(at, starts, ng * ffi.sizeof("int64_t"))
  for i = 0, n - 1 do
    local g = gids[i]
    order[at[g]] = i
    at[g] = at[g] + 1
  end
  -- (one row a group, or one group: the rows are in group order already)
  return { n = ng, sorted = (ng == n or ng == 1) and batch or take(batch, order, n), starts = starts,
           keys = take(columns_of(batch, key_idx), first, ng) }
end

-- An iterator of rows [from, to) of sorted, made Rows a slice at a time.
local function rows_of(sorted, from, to)
  local pos, buf, k = tonumber(from), nil, 0
  to = tonumber(to)
  return function()
    if buf and k < #buf then
      k = k + 1
      return buf[k]
    end
    if pos >= to then return nil end
    local size = math.min(SLICE_ROWS, to - pos)
    buf = batchlib.wrap(C.tide_batch_slice(sorted, pos, size), "out of memory slicing a group's rows"):collect()
    pos, k = pos + size, 1
    return buf[1]
  end
end

-- Column views of a batch's columns (0-based indices from, to).
local function views(batch, from, to)
  local out = {}
  for c = from, to do out[#out + 1] = batch:column(c + 1) end
  return out
end

local function key_of(key_views, r)
  local key = {}
  for i, v in ipairs(key_views) do key[i] = v:get(r) end
  return key
end

-- fn's result appended to out: a list of rows, an iterator, or nil.
local function add_output(out, result)
  if result == nil then return end
  if type(result) == "function" then
    for row in result do out[#out + 1] = row end
    return
  end
  if type(result) ~= "table" or require("tide.row").fields(result) or (result[1] == nil and next(result) ~= nil) then
    error(("the flatMapGroupsWithState function returns a list of rows (tables or Rows), an iterator of rows or"
      .. " nil, not %s"):format(type(result) == "table" and "one row" or "a " .. type(result)), 0)
  end
  for _, row in ipairs(result) do out[#out + 1] = row end
end

-- The function's rows of a batch as a batch of the output's schema.
local function output_batch(rows, schema)
  for i, row in ipairs(rows) do
    if type(row) ~= "table" then
      error(("the flatMapGroupsWithState function's row %d is a %s, not a table or Row"):format(i, type(row)), 0)
    end
  end
  local ok, out = pcall(batchlib.fromRows, rows, schema)
  if not ok then
    error(("the flatMapGroupsWithState function's rows do not fit the output schema %s: %s"):format(
      schema:simpleString(), tostring(out)), 0)
  end
  return out
end

-- Over a batch DataFrame: each group once, with no state; timeouts are
-- set but never fire, as Spark's createForBatch.
local function batch_plan(df, p)
  return ops.derive(df, {
    kind = "flat_map_groups",
    schema = p.outputSchema,
    explain = p.explain,
    apply = function(batch)
      local groups = group_batch(batch, p.keyIdx)
      local out, now = {}, math.floor(C.tide_now() * 1000)
      if groups.n == 0 then return output_batch(out, p.outputSchema) end
      local key_views = views(groups.keys, 0, #p.keyIdx - 1)
      for g = 0, groups.n - 1 do
        local state = group_state.new({ schema = p.stateSchema, timeoutConf = p.timeoutConf, hasTimedOut = false,
          processingTimeMs = now, watermarkMs = NO_TIMESTAMP, watermarkPresent = p.watermarkPresent })
        add_output(out, p.fn(key_of(key_views, g), rows_of(groups.sorted, groups.starts[g], groups.starts[g + 1]),
          state))
      end
      return output_batch(out, p.outputSchema)
    end,
  })
end

-- The earliest timeout of the state rows (column col), or nil.
local function earliest_timeout(rows, col)
  local n = rows:count()
  if n == 0 then return nil end
  local c = rows.columns[col]
  local values, best = ffi.cast("int64_t*", c.values), nil
  for i = 0, n - 1 do
    if batchlib.isValid(c, i) then
      local v = tonumber(values[i])
      if not best or v < best then best = v end
    end
  end
  return best
end

local function stream_plan(df, p)
  local schema, nk = df._plan.schema, #p.keyIdx
  -- The state's columns: the keys, the state struct and the timeout,
  -- under names no key has.
  local fields, taken = {}, {}
  for i, k in ipairs(p.keyIdx) do
    fields[i] = schema.fields[k + 1]
    taken[fields[i].name:lower()] = true
  end
  local function unique(name)
    while taken[name:lower()] do name = "_" .. name end
    taken[name:lower()] = true
    return name
  end
  fields[nk + 1] = T.field(unique("groupState"), p.stateSchema, true)
  fields[nk + 2] = T.field(unique("timeoutTimestamp"), T.long, true)
  local store_schema = T.struct(fields)
  local op = state_store.operatorNumbers(df._plan, { STATE_OP })
  local store = state_store.new(store_schema, op[1], nk, df._session)
  local column = p.timeoutConf == "EventTimeTimeout" and require("tide.event_time").timeColumn(df._plan)
  local late_idx = column and schema:resolveField(column)
  local conf = p.timeoutConf

  return ops.derive(df, {
    kind = "stateful_map",
    stateOps = op, stores = { store },
    schema = p.outputSchema,
    explain = p.explain,
    mapOutputMode = p.outputMode,
    timeoutConf = conf,
    apply = function(batch, ctx)
      if not ctx.checkpoint then
        error("flatMapGroupsWithState on a stream runs in a streaming query (writeStream:start())", 0)
      end
      local st = ctx.state
      local now = ctx.batchTimestampMs or math.floor(C.tide_now() * 1000)
      -- (the watermark its input comes with: a join's below it, else the query's)
      local watermark = p.watermarkPresent and math.floor(state_store.evictionWatermarkUs(ctx) / 1000) or NO_TIMESTAMP
      local late = 0
      if late_idx then batch, late = state_store.byTime(batch, late_idx - 1, state_store.lateWatermarkUs(ctx), true) end
      local before = store:before(ctx)
      local ns = before and before:count() or 0
      local groups = group_batch(batch, p.keyIdx)
      -- The kept state of each group of the batch (state_of[g], a row of
      -- before or -1), by grouping the batch's keys with the state's.
      local state_of = ffi.new("int64_t[?]", math.max(groups.n, 1))
      for g = 0, groups.n - 1 do state_of[g] = -1 end
      local matched = ffi.new("uint8_t[?]", math.max(ns, 1))
      if ns > 0 and groups.n > 0 then
        if nk == 0 then
          state_of[0], matched[0] = 0, 1
        else
          local key_cols = {}
          for i = 1, nk do key_cols[i] = i - 1 end
          local both = state_store.concat({ groups.keys, columns_of(before, key_cols) })
          local m = both:count()
          local g, f = ffi.new("int32_t[?]", m), ffi.new("int64_t[?]", m)
          if C.tide_group_rows(both, int32s(key_cols), nk, g, f, errbuf, ERRLEN) < 0 then error(cerr(), 0) end
          -- (the batch's keys are distinct: groups 0 .. n - 1, in order)
          for j = 0, ns - 1 do
            local gid = g[groups.n + j]
            if gid < groups.n then state_of[gid], matched[j] = j, 1 end
          end
        end
      end
      local value_view, timeout_col = ns > 0 and before:column(nk + 1), ns > 0 and before.columns[nk + 1]
      local timeouts = ns > 0 and ffi.cast("int64_t*", timeout_col.values)
      local function old_timeout(j)
        if j < 0 or not batchlib.isValid(timeout_col, j) then return NO_TIMESTAMP end
        return tonumber(timeouts[j])
      end

      local out, puts, gone, touched = {}, {}, {}, ffi.new("uint8_t[?]", math.max(ns, 1))
      -- What a call left, as Spark's onIteratorCompletion: a removal
      -- without a timeout removes the key; else a change of the value or
      -- of the timeout writes the key's row (a row with neither value nor
      -- timeout is removed: it holds nothing).
      local function settle(state, key, j)
        local value, updated, removed, timeout = group_state.outcome(state)
        local old = old_timeout(j)
        if not (updated or removed or timeout ~= old) then return end
        if j >= 0 then touched[j] = 1 end
        if value == nil and timeout == NO_TIMESTAMP then
          if j >= 0 then gone[#gone + 1] = j end
          return
        end
        local row = {}
        for i = 1, nk do row[i] = key[i] end
        row[nk + 1] = value
        if timeout ~= NO_TIMESTAMP then row[nk + 2] = timeout end
        puts[#puts + 1] = row
      end
      local function call(key, rows, j, timed_out)
        local state = group_state.new({ value = j >= 0 and value_view:get(j) or nil, schema = p.stateSchema,
          timeoutConf = conf, hasTimedOut = timed_out, processingTimeMs = now, watermarkMs = watermark,
          watermarkPresent = p.watermarkPresent })
        add_output(out, p.fn(key, rows, state))
        settle(state, key, j)
      end

      if groups.n > 0 then
        local key_views = views(groups.keys, 0, nk - 1)
        for g = 0, groups.n - 1 do
          call(key_of(key_views, g), rows_of(groups.sorted, groups.starts[g], groups.starts[g + 1]),
            tonumber(state_of[g]), false)
        end
      end
      -- Then the kept groups without rows whose timeout has passed, as
      -- Spark's processTimedOutState (after the groups with rows).
      local threshold = conf == "ProcessingTimeTimeout" and now
        or conf == "EventTimeTimeout" and p.watermarkPresent and watermark or nil
      if threshold and ns > 0 then
        local key_views
        for j = 0, ns - 1 do
          if matched[j] == 0 then
            local t = old_timeout(j)
            if t ~= NO_TIMESTAMP and t < threshold then
              key_views = key_views or views(before, 0, nk - 1)
              call(key_of(key_views, j), no_rows, j, true)
            end
          end
        end
      end

      -- One merge: the kept rows no call touched, then the rows written.
      local fits, upserted = pcall(batchlib.fromRows, puts, store_schema)
      if not fits then
        error(("a flatMapGroupsWithState state does not fit the state schema %s: %s"):format(
          p.stateSchema:simpleString(), tostring(upserted)), 0)
      end
      local state, removed = upserted, nil
      if ns > 0 then
        local keep, k = ffi.new("int64_t[?]", ns), 0
        for j = 0, ns - 1 do
          if touched[j] == 0 then
            keep[k] = j
            k = k + 1
          end
        end
        local kept = k == ns and before or take(before, keep, k)
        state = #puts > 0 and state_store.concat({ kept, upserted }) or kept
        if #gone > 0 then removed = take(before, ffi.new("int64_t[?]", #gone, gone), #gone) end
      end
      store:commit(ctx, "flatMapGroupsWithState", state, upserted, removed, late)
      if conf == "ProcessingTimeTimeout" then st.processingTimeout = { next = earliest_timeout(state, nk + 1) } end
      return output_batch(out, p.outputSchema)
    end,
  })
end

-- grouped:flatMapGroupsWithState(fn, outputSchema, stateSchema,
-- outputMode, timeoutConf) (tide.dataframe_aggregate's GroupedData):
-- Spark's checks of the arguments fail at the user's line.
function M.plan(grouped, fn, output_schema, state_schema, output_mode, timeout_conf)
  local fail = checks.failAtUser
  if type(fn) ~= "function" then
    fail(("flatMapGroupsWithState takes a function(key, rows, state), not %s"):format(checks.kindOf(fn)))
  end
  local ok, out_st = pcall(T.fromDDL, output_schema)
  if not ok then fail("flatMapGroupsWithState: outputSchema: " .. tostring(out_st)) end
  local ok2, state_st = pcall(T.fromDDL, state_schema)
  if not ok2 then fail("flatMapGroupsWithState: stateSchema: " .. tostring(state_st)) end
  local mode = type(output_mode) == "string" and output_mode:lower()
  if mode ~= "append" and mode ~= "update" then
    fail(("The output mode of function should be append or update (not %s)"):format(
      type(output_mode) == "string" and ("%q"):format(output_mode) or checks.kindOf(output_mode)))
  end
  if not group_state.TIMEOUTS[timeout_conf] then
    fail(("Invalid string for GroupStateTimeout: %s (NoTimeout, ProcessingTimeTimeout or EventTimeTimeout)")
      :format(tostring(timeout_conf)))
  end
  local keys, df = grouped.keys, grouped.df
  if keys.window or keys.positions then
    fail("flatMapGroupsWithState groups by columns and expressions: a window, rollup, cube or grouping sets key is"
      .. " not supported")
  end
  local schema = df._plan.schema
  local key_idx, key_names = {}, {}
  for i, k in ipairs(keys) do
    key_idx[i] = schema:resolveField(k) - 1
    key_names[i] = k
  end
  local mark = state_store.watermarkNode(df._plan)
  if df._streaming and timeout_conf == "EventTimeTimeout" and not mark then
    fail("Watermark must be specified in the query using '[Dataset/DataFrame].withWatermark()' for using event-time"
      .. " timeout in a [map|flatMap]GroupsWithState. Event-time timeout not supported without watermark.")
  end
  local p = {
    fn = fn, keyIdx = key_idx, outputSchema = out_st, stateSchema = state_st, outputMode = mode,
    timeoutConf = timeout_conf, watermarkPresent = mark ~= nil,
    explain = ("FlatMapGroupsWithState [%s], %s, %s, %s"):format(table.concat(key_names, ", "),
      state_st:simpleString(), mode, timeout_conf),
  }
  if df._streaming then return stream_plan(df, p) end
  return batch_plan(df, p)
end

-- ---- queries ----------------------------------------------------------------------------------

local MODE_NAMES = { append = "Append", update = "Update", complete = "Complete" }

-- A query's output mode against its flatMapGroupsWithState operators, as
-- Spark's UnsupportedOperationChecker: without an aggregation in the query
-- the operator's mode must be the query's; with one, the operator's mode
-- must be "append" and the aggregation after it. Returns whether a moved
-- watermark alone should run a batch (an event-time timeout may fire).
function M.checkOutputMode(plan, mode)
  -- (those on a side of a join too: tide.stream_join)
  local aggregations = #state_store.findAll(plan, "stateful_aggregate")
  local no_data = false
  for _, node in ipairs(state_store.findAll(plan, "stateful_map")) do
    local own = node.mapOutputMode
    if aggregations == 0 and own ~= mode then
      error(("flatMapGroupsWithState in %s mode is not supported with %s output mode on a streaming"
        .. " DataFrame/Dataset"):format(own, MODE_NAMES[mode] or mode), 0)
    elseif aggregations > 0 and own == "update" then
      error("flatMapGroupsWithState in update mode is not supported with aggregation on a streaming"
        .. " DataFrame/Dataset", 0)
    elseif aggregations > 0 and select(2, state_store.find(node, "stateful_aggregate")) > 0 then
      error("flatMapGroupsWithState in append mode is not supported after aggregation on a streaming"
        .. " DataFrame/Dataset", 0)
    end
    no_data = no_data or node.timeoutConf == "EventTimeTimeout"
  end
  return no_data
end

-- Whether a query with no new data should run a batch for a processing-time
-- timeout: one of its groups' timeouts is before now_ms. After a restart,
-- until a batch has run, the state is not in memory: one batch runs to read
-- it (Spark's runs a batch at every trigger with such timeouts).
function M.timeoutDue(plan, states, committed, now_ms)
  local timed = false
  for _, node in ipairs(state_store.findAll(plan, "stateful_map")) do
    timed = timed or node.timeoutConf == "ProcessingTimeTimeout"
  end
  if not timed then return false end
  local known = false
  for _, st in pairs(states) do
    local pt = type(st) == "table" and st.processingTimeout
    if pt then
      known = true
      if pt.next and pt.next < now_ms then return true end
    end
  end
  return not known and committed
end

return M
