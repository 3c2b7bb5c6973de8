-- grouped:flatMapGroupsWithState(fn, outputSchema, stateSchema, outputMode,
-- timeoutConf), Spark's arbitrary stateful processing: over a batch
-- DataFrame (each group once, no state); on a stream the state per key
-- across micro-batches (state/7/), back after a restart, a replayed epoch
-- starting from the state before it; event-time and processing-time
-- timeouts; Spark's errors for misuse and for output modes.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

local SCHEMA = "user string, v int, at timestamp"

local function add_file(dir, name, rows) t.write_csv(dir .. "/" .. name, rows) end
local function stream(dir) return spark.readStream:csv(dir, { schema = SCHEMA, maxFilesPerTrigger = 1 }) end
-- An event time `s` seconds after 2024-01-01 00:00:00, and its milliseconds.
local function at(s) return ("2024-01-01 00:%02d:%02d"):format(math.floor(s / 60), s % 60) end
local BASE_MS = 1704067200000

-- Counts each user's events across batches; emits the running count.
local function count_events(key, rows, state)
  local n = state:exists() and state:get().n or 0
  for _ in rows do n = n + 1 end
  state:update({ n })
  return { { key[1], n } }
end

local function counts(df)
  return df:groupBy("user"):flatMapGroupsWithState(count_events, "user string, n long", "n long", "update",
    "NoTimeout")
end

-- Runs df over every file available, one file a batch: the rows of each
-- epoch (sorted), the progress records by epoch.
local function run(df, cp, batches, fail_at, mode)
  return df.writeStream:outputMode(mode or "update")
    :foreachBatch(function(b, epoch)
      if epoch == fail_at then error("sink down") end
      local rows = t.rows(b)
      table.sort(rows)
      batches[epoch + 1] = rows
    end)
    :option("checkpointLocation", cp):trigger { availableNow = true }:start()
end

t.test("a batch DataFrame: each group once, with no state; its rows a slice at a time", function()
  local rows = {}
  for i = 1, 2500 do rows[i] = { "a", i } end
  rows[#rows + 1], rows[#rows + 2] = { "b", 7 }, { nil, 1 }
  local df = spark:createDataFrame(rows, "user string, v int")
  local seen = {}
  local out = df:groupBy("user"):flatMapGroupsWithState(function(key, it, state)
    t.eq(state:exists(), false)
    t.eq(state:getOption(), nil)
    t.eq(state:hasTimedOut(), false)
    t.ok(state:getCurrentProcessingTimeMs() > BASE_MS, "processing time")
    state:setTimeoutDuration("1 minute") -- allowed, never fires over a batch
    local n, sum = 0, 0
    for row in it do n, sum = n + 1, sum + row.v end
    seen[#seen + 1] = key[1] or "null"
    return { { user = key[1], n = n }, { key[1], sum } }
  end, "user string, n long", "n long", "append", "ProcessingTimeTimeout")
  t.eq(out.isStreaming, false)
  local got = t.rows(out)
  table.sort(got)
  t.same_table(got, { "a|2500", "a|3126250", "b|1", "b|7", "null|1", "null|1" })
  table.sort(seen)
  t.same_table(seen, { "a", "b", "null" })
  -- an iterator of rows, nil, and a StructType for the schemas
  local T = tide.types
  local it = df:groupBy("user"):flatMapGroupsWithState(function(key)
    if key[1] ~= "b" then return nil end
    local done = false
    return function()
      if done then return nil end
      done = true
      return { key[1] }
    end
  end, T.struct({ T.field("user", T.string, true) }), "n long", "update", "NoTimeout")
  t.same_table(t.rows(it), { "b" })
end)

t.test("a stream counting events per user: the state across batches, back after a restart", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  add_file(input, "1.csv", { { "a", 1, at(1) }, { "b", 2, at(1) }, { "a", 3, at(2) } })
  add_file(input, "2.csv", { { "a", 4, at(3) } })
  add_file(input, "3.csv", { { "c", 5, at(4) }, { "b", 6, at(4) } })
  local batches = {}
  local q = run(counts(stream(input)), cp, batches)
  q:awaitTermination()
  t.same_table(batches, { { "a|2", "b|1" }, { "a|3" }, { "b|2", "c|1" } })
  local ops = q:lastProgress().stateOperators
  t.eq(#ops, 1)
  t.eq(ops[1].operatorName, "flatMapGroupsWithState")
  t.same_table({ ops[1].numRowsTotal, ops[1].numRowsUpdated, ops[1].numRowsRemoved }, { 3, 2, 0 })
  t.ok(io.open(cp .. "/state/7/2.delta", "r"), "state/7/2.delta written")
  -- a new query on the checkpoint goes on from the state
  add_file(input, "4.csv", { { "a", 7, at(5) }, { "c", 8, at(5) } })
  q = run(counts(stream(input)), cp, batches)
  q:awaitTermination()
  t.same_table(batches[4], { "a|4", "c|2" })
  t.eq(q:lastProgress().stateOperators[1].numRowsTotal, 3)
end)

t.test("a replayed epoch starts from the state before it: the same output, each event counted once", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  add_file(input, "1.csv", { { "a", 1, at(1) }, { "b", 2, at(1) } })
  local batches = {}
  run(counts(stream(input)), cp, batches):awaitTermination()
  -- epoch 1 saves its state, then its sink fails: the restart replays it
  add_file(input, "2.csv", { { "a", 3, at(2) }, { "a", 4, at(2) } })
  local q = run(counts(stream(input)), cp, batches, 1)
  t.raises(function() q:awaitTermination() end, "sink down")
  q = run(counts(stream(input)), cp, batches)
  q:awaitTermination()
  t.same_table(batches, { { "a|1", "b|1" }, { "a|3" } })
  add_file(input, "3.csv", { { "a", 5, at(3) } })
  run(counts(stream(input)), cp, batches):awaitTermination()
  t.same_table(batches[3], { "a|4" })
end)

t.test("remove() drops a key's state; a state of structs and timestamps comes back from the deltas", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  -- a user's events until a v of 0, which ends the user's count
  local function plan()
    return stream(input):groupBy("user"):flatMapGroupsWithState(function(key, rows, state)
      local s = state:getOption() or { n = 0, last = nil }
      local n, last, done = s.n, s.last, false
      for row in rows do
        n, last = n + 1, row.at
        done = done or row.v == 0
      end
      if done then
        state:remove()
        return { { key[1], n, "done" } }
      end
      state:update({ n = n, last = last })
      return { { key[1], n, tostring(state) } }
    end, "user string, n long, what string", "n long, last timestamp", "append", "NoTimeout")
  end
  add_file(input, "1.csv", { { "a", 1, at(1) }, { "b", 2, at(1) } })
  add_file(input, "2.csv", { { "a", 0, at(2) } })
  local batches = {}
  local q = run(plan(), cp, batches, nil, "append")
  q:awaitTermination()
  t.same_table(batches, {
    { "a|1|GroupState(Row(n=1, last=1704067201000000))", "b|1|GroupState(Row(n=1, last=1704067201000000))" },
    { "a|2|done" } })
  t.same_table({ q:lastProgress().stateOperators[1].numRowsTotal, q:lastProgress().stateOperators[1].numRowsRemoved },
    { 1, 1 })
  -- a restart rebuilds the state from state/7/0.snapshot and 1.delta
  add_file(input, "3.csv", { { "a", 5, at(3) }, { "b", 6, at(4) } })
  run(plan(), cp, batches, nil, "append"):awaitTermination()
  t.same_table(batches[3], { "a|1|GroupState(Row(n=1, last=1704067203000000))",
    "b|2|GroupState(Row(n=2, last=1704067204000000))" })
end)

-- Sessions per user ended by an event-time timeout: each event pushes the
-- user's timeout to its time + 10 s; when the watermark passes it, the
-- user's count comes out and the state goes.
local function sessions(df)
  return df:withWatermark("at", "5 seconds"):groupBy("user"):flatMapGroupsWithState(function(key, rows, state)
    if state:hasTimedOut() then
      local n = state:get().n
      state:remove()
      return { { key[1], n, "timed out at " .. math.floor((state:getCurrentWatermarkMs() - BASE_MS) / 1000) } }
    end
    local n, latest = state:exists() and state:get().n or 0, 0
    for row in rows do
      n = n + 1
      latest = math.max(latest, math.floor(row.at / 1000))
    end
    state:update({ n })
    state:setTimeoutTimestamp(latest, "10 seconds")
    return nil
  end, "user string, n long, what string", "n long", "append", "EventTimeTimeout")
end

t.test("event-time timeouts fire when the watermark passes them; late rows are dropped", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  add_file(input, "1.csv", { { "a", 1, at(10) }, { "b", 1, at(12) } }) -- a times out at 20, b at 22
  add_file(input, "2.csv", { { "a", 1, at(14) } })                     -- watermark 7; a at 24
  add_file(input, "3.csv", { { "c", 1, at(30) } })                     -- watermark 9; c at 40
  -- watermark 25: b times out; d is late by the last batch's (9), f is not (as Spark 3.5's)
  add_file(input, "4.csv", { { "a", 1, at(26) }, { "d", 1, at(3) }, { "f", 1, at(20) } })
  local batches = {}
  local q = run(sessions(stream(input)), cp, batches, nil, "append")
  q:awaitTermination()
  t.same_table({ batches[1], batches[2], batches[3] }, { {}, {}, {} })
  -- batch 4 (watermark 25) would time a out (24), but a has a row, which
  -- comes first and pushes a's timeout to 36; b (22) goes
  t.same_table(batches[4], { "b|1|timed out at 25" })
  local p4 = q:recentProgress()[4].stateOperators[1]
  t.eq(p4.numRowsDroppedByWatermark, 1)
  t.eq(p4.numRowsRemoved, 1)
  t.eq(p4.numRowsTotal, 3) -- a, c and f
  -- one more event moves the watermark past a's (36) and c's (40)
  add_file(input, "5.csv", { { "e", 1, at(60) } }) -- watermark 55 next
  q = run(sessions(stream(input)), cp, batches, nil, "append")
  q:awaitTermination()
  -- a batch without data runs for the moved watermark: a, c and f time out
  -- (the expected values are Apache Spark 3.5.3's on the same files)
  local last = batches[#batches]
  t.same_table(last, { "a|3|timed out at 55", "c|1|timed out at 55", "f|1|timed out at 55" })
  t.eq(q:lastProgress().numInputRows, 0)
end)

t.test("processing-time timeouts fire once their duration has passed, with no new data", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  local out = {}
  local function start()
    local df = stream(input):groupBy("user"):flatMapGroupsWithState(function(key, rows, state)
      if state:hasTimedOut() then
        local n = state:get().n
        state:remove()
        return { { key[1], n, "idle" } }
      end
      local n = state:exists() and state:get().n or 0
      for _ in rows do n = n + 1 end
      state:update({ n })
      state:setTimeoutDuration(300)
      return { { key[1], n, "active" } }
    end, "user string, n long, what string", "n long", "update", "ProcessingTimeTimeout")
    return df.writeStream:outputMode("update")
      :foreachBatch(function(b) for _, r in ipairs(t.rows(b)) do out[#out + 1] = r end end)
      :option("checkpointLocation", cp):start()
  end
  local function seen(row)
    return function()
      for _, r in ipairs(out) do if r == row then return true end end
      return false
    end
  end
  local q = start()
  add_file(input, "1.csv", { { "a", 1, at(1) }, { "a", 2, at(1) } })
  t.wait_for(seen("a|2|idle"), 20)
  t.eq(out[1], "a|2|active")
  -- the timeout's batch had no rows; the state is empty after it; and it
  -- was the first batch after the one that set it (none ran empty-handed
  -- between, its time read before the wait for data)
  local p = q:lastProgress()
  t.eq(p.stateOperators[1].numRowsTotal, 0)
  t.eq(p.batchId, 1)
  -- no batch runs while nothing is pending
  local epochs = #q:recentProgress()
  tide.sleep(0.5)
  t.eq(#q:recentProgress(), epochs)
  -- stopped while b's timeout is pending, a new query on the checkpoint
  -- fires it without new data
  add_file(input, "2.csv", { { "b", 1, at(2) } })
  t.wait_for(seen("b|1|active"), 20)
  q:stop()
  q = start()
  t.wait_for(seen("b|1|idle"), 20)
  q:stop()
end)

t.test("GroupState misuse fails with Spark's messages, at the function's line", function()
  local df = spark:createDataFrame({ { "a", 1 } }, "user string, v int")
  local function with(conf, body)
    return function()
      df:groupBy("user"):flatMapGroupsWithState(function(key, rows, state)
        body(state)
        return nil
      end, "user string", "n long", "update", conf):collect()
    end
  end
  t.raises(with("NoTimeout", function(s) s:get() end), "State is either not defined or has already been removed")
  t.raises(with("NoTimeout", function(s) s:update(nil) end), "'null' is not a valid state value")
  t.raises(with("NoTimeout", function(s) s:setTimeoutDuration(1000) end),
    "Cannot set timeout duration without enabling processing time timeout")
  t.raises(with("ProcessingTimeTimeout", function(s) s:setTimeoutTimestamp(1000) end),
    "Cannot set timeout timestamp without enabling event time timeout")
  t.raises(with("ProcessingTimeTimeout", function(s) s:setTimeoutDuration(0) end), "Timeout duration must be positive")
  t.raises(with("ProcessingTimeTimeout", function(s) s:setTimeoutDuration("-5 seconds") end),
    "Provided duration %(%-5 seconds%) is negative")
  t.raises(with("EventTimeTimeout", function(s) s:setTimeoutTimestamp(-1) end), "Timeout timestamp must be positive")
  t.raises(with("NoTimeout", function(s) s:getCurrentWatermarkMs() end),
    "Cannot get event time watermark timestamp without setting watermark")
  -- the errors point at the user's line
  t.raises(with("NoTimeout", function(s) s:get() end), "test_stateful_map.lua:%d+: State is either")
  t.raises(with("NoTimeout", function(s) s.get() end), "GroupState.get called with '.'")
  -- a state that does not fit its schema, at the update's line (a batch DataFrame too)
  t.raises(with("NoTimeout", function(s) s:update({ n = "many" }) end),
    "test_stateful_map.lua:%d+: update: the value does not fit the state's schema struct<n:bigint>")
  t.raises(with("NoTimeout", function(s) s:update({ user = "a", v = 1 }) end),
    "update: the value has none of the state's fields")
  -- a row alone, not in a list
  t.raises(function()
    df:groupBy("user"):flatMapGroupsWithState(function(key) return { user = key[1] } end, "user string", "n long",
      "update", "NoTimeout"):collect()
  end, "returns a list of rows")
  -- a timestamp earlier than the watermark (a stream whose watermark moved)
  local input = t.tempdir()
  add_file(input, "1.csv", { { "a", 1, at(30) } })
  add_file(input, "2.csv", { { "a", 1, at(31) } })
  local q = stream(input):withWatermark("at", "10 seconds"):groupBy("user"):flatMapGroupsWithState(
    function(key, rows, state)
      state:setTimeoutTimestamp(BASE_MS + 1000)
      return nil
    end, "user string", "n long", "update", "EventTimeTimeout")
    .writeStream:outputMode("update"):foreachBatch(function() end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
  t.raises(function() q:awaitTermination() end,
    "Timeout timestamp %(1704067201000%) cannot be earlier than the current watermark %(1704067220000%)")
  -- a state that does not fit its schema fails the batch, at the update's line
  q = stream(input):groupBy("user"):flatMapGroupsWithState(function(key, rows, state)
      state:update({ n = "many" })
      return nil
    end, "user string", "n long", "update", "NoTimeout")
    .writeStream:outputMode("update"):foreachBatch(function() end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
  t.raises(function() q:awaitTermination() end,
    "test_stateful_map.lua:%d+: update: the value does not fit the state's schema struct<n:bigint>")
end)

t.test("Spark's checks of the arguments and of output modes", function()
  local input = t.tempdir()
  local grouped = stream(input):groupBy("user")
  -- a file sink appends: update mode's rows would be there twice
  t.raises(function()
    counts(stream(input)).writeStream:outputMode("update"):format("json"):option("path", t.tempdir())
      :option("checkpointLocation", t.tempdir() .. "/cp"):start()
  end, "Data source json does not support Update output mode")
  local function fmgws(g, mode, conf) return g:flatMapGroupsWithState(count_events, "user string, n long", "n long",
    mode, conf) end
  t.raises(function() fmgws(grouped, "complete", "NoTimeout") end,
    "The output mode of function should be append or update")
  t.raises(function() fmgws(grouped, "update", "Timeout") end, "Invalid string for GroupStateTimeout: Timeout")
  t.raises(function() grouped:flatMapGroupsWithState("f", "user string", "n long", "update", "NoTimeout") end,
    "takes a function")
  t.raises(function() fmgws(grouped, "update", "EventTimeTimeout") end,
    "Watermark must be specified in the query using '%[Dataset/DataFrame%].withWatermark%(%)'")
  local cp = t.tempdir() .. "/cp"
  local function start(df, mode)
    return df.writeStream:outputMode(mode):foreachBatch(function() end):option("checkpointLocation", cp):start()
  end
  -- without an aggregation, the function's mode must be the query's
  t.raises(function() start(fmgws(grouped, "update", "NoTimeout"), "append") end,
    "flatMapGroupsWithState in update mode is not supported with Append output mode")
  t.raises(function() start(fmgws(grouped, "append", "NoTimeout"), "update") end,
    "flatMapGroupsWithState in append mode is not supported with Update output mode")
  t.raises(function() start(fmgws(grouped, "append", "NoTimeout"), "complete") end,
    "Complete output mode not supported when there are no streaming aggregations")
  -- with an aggregation: update mode never; append mode before it only
  t.raises(function() start(fmgws(grouped, "update", "NoTimeout"):groupBy("user"):count(), "complete") end,
    "flatMapGroupsWithState in update mode is not supported with aggregation")
  local counted = stream(input):groupBy("user"):count():groupBy("user")
  t.raises(function() start(fmgws(counted, "append", "NoTimeout"), "complete") end,
    "flatMapGroupsWithState in append mode is not supported after aggregation")
  -- append mode followed by an aggregation runs (complete mode)
  add_file(input, "1.csv", { { "a", 1, at(1) }, { "a", 2, at(1) }, { "b", 3, at(1) } })
  local got
  local q = fmgws(grouped, "append", "NoTimeout"):groupBy("n"):count().writeStream:outputMode("complete")
    :foreachBatch(function(b) got = t.rows(b:orderBy("n")) end)
    :option("checkpointLocation", cp):trigger { availableNow = true }:start()
  q:awaitTermination()
  t.same_table(got, { "1|1", "2|1" })
end)

t.run()
