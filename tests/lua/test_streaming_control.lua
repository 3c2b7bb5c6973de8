-- Controlling queries from the script and from inside their own batches:
-- stop() and waits called in a foreachBatch function, awaitAnyTermination
-- after a failure, errors and their tracebacks, the processingTime
-- trigger's schedule, and the progress JSON's numbers (the rate source, no
-- Kafka).
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

local tmp = t.tempdir()
local function dir(name) return tmp .. "/" .. name end
local here = debug.getinfo(1, "S").short_src

local function rate(rows_per_second)
  return spark.readStream:format("rate"):option("rowsPerSecond", rows_per_second or 1000):load()
end

local wait_for = t.wait_for

local function exists(path)
  local f = io.open(path)
  if f then f:close() end
  return f ~= nil
end

t.test("stop() inside the query's own foreachBatch: the batch commits, then the query ends; a restart goes on", function()
  -- (a few times: the checkpoint used to be released under the batch, whose
  -- commit then raced the next query's)
  for trial = 1, 5 do
    for _, beside in ipairs({ false, true }) do
      -- beside another query, the batch runs in a coroutine
      local other = beside and rate(1000).writeStream:foreachBatch(function() end)
        :option("checkpointLocation", dir(("beside_%d"):format(trial))):start()
      local cp = dir(("stop_inside_%d_%s"):format(trial, tostring(beside)))
      local seen, active_after_stop = {}, nil
      local q
      q = rate(1000).writeStream:foreachBatch(function(_, epoch)
        seen[#seen + 1] = epoch
        if epoch == 1 then
          q:stop()
          active_after_stop = q:isActive()
        end
      end):option("checkpointLocation", cp):start()
      t.eq(q:awaitTermination(10), true, "the query ended")
      t.eq(q:exception(), nil)
      t.eq(active_after_stop, false, "isActive() is false once stop() was called")
      t.same_table(seen, { 0, 1 }, "no batch after the one that stopped")
      t.ok(exists(cp .. "/commits/1"), "the batch that called stop() committed")
      local again = {}
      local q2 = rate(1000).writeStream:foreachBatch(function(_, epoch) again[#again + 1] = epoch end)
        :option("checkpointLocation", cp):start()
      local ok, err = pcall(wait_for, function() return #again >= 2 or not q2:isActive() end)
      q2:stop()
      if other then other:stop() end
      t.ok(ok, tostring(err))
      t.eq(q2:exception(), nil, "the restart on the checkpoint runs")
      t.eq(again[1], 2, "the restart goes on after the committed epoch 1")
    end
  end
end)

t.test("stop() inside the batch of a query with a temporary checkpoint removes it once the batch ended", function()
  local q
  q = rate(1000).writeStream:format("memory"):queryName("stop_inside_memory"):start()
  local cp = q.checkpoint.dir
  local stopped
  local listener = spark.streams:addListener {
    onQueryProgress = function(e)
      if e.progress.id == q.id and not stopped then
        stopped = true
        q:stop() -- (a listener runs inside the batch, as a foreachBatch function)
      end
    end,
  }
  q:awaitTermination(10)
  spark.streams:removeListener(listener)
  t.eq(q:isActive(), false)
  t.eq(q:exception(), nil)
  t.eq(exists(cp .. "/metadata"), false, "the temporary checkpoint is gone")
end)

t.test("awaitAnyTermination raises the error of a query that failed before it was called", function()
  spark.streams:resetTerminated()
  local bad = rate(100).writeStream:queryName("fails_early")
    :foreachBatch(function() error("boom in the batch") end)
    :option("checkpointLocation", dir("fails_early")):start()
  local good = rate(100).writeStream:queryName("runs_on")
    :foreachBatch(function() end):option("checkpointLocation", dir("runs_on")):start()
  wait_for(function() return not bad:isActive() end)
  local t0 = tide.now()
  local err = t.raises(function() spark.streams:awaitAnyTermination(20) end)
  t.ok(tide.now() - t0 < 10, "at once, not after the timeout: " .. (tide.now() - t0) .. " s")
  t.has(err, "StreamingQueryException: query fails_early")
  t.has(err, "boom in the batch")
  -- and again, until resetTerminated()
  t.has(t.raises(function() spark.streams:awaitAnyTermination() end), "boom in the batch")
  spark.streams:resetTerminated()
  t0 = tide.now()
  t.eq(spark.streams:awaitAnyTermination(0.3), false, "after resetTerminated, a wait for the next")
  t.ok(tide.now() - t0 >= 0.29, "it waited")
  good:stop()
  -- a stopped query counts as terminated, without an error
  t.eq(spark.streams:awaitAnyTermination(3), true)
  spark.streams:resetTerminated()
end)

t.test("a script whose query failed before awaitAnyTermination exits with its error", function()
  local sub = dir("fails_before_wait")
  os.execute("mkdir -p '" .. sub .. "'")
  local out, status = t.run_script(sub, "fails.lua", ([[
    local tide = require("tide")
    local spark = tide.session()
    spark.readStream:format("rate"):option("rowsPerSecond", 100):load()
      .writeStream:foreachBatch(function(df, id) error("boom in batch " .. id) end)
      :option("checkpointLocation", %q):start()
    tide.sleep(0.5)
    spark.streams:awaitAnyTermination()
    print("reached the end")
  ]]):format(sub .. "/cp"))
  t.ok(status ~= 0, "exit status " .. tostring(status) .. ": " .. out)
  t.has(out, "boom in batch 0")
  t.eq(out:find("reached the end", 1, true), nil, out)
end)

t.test("error(nil) in a foreachBatch function fails the query, its batch not committed", function()
  local cp = dir("error_nil")
  local q = rate(100).writeStream:foreachBatch(function() error(nil) end)
    :option("checkpointLocation", cp):start()
  local err = t.raises(function() q:awaitTermination(10) end)
  t.has(err, "the foreachBatch function raised nil")
  t.eq(q:isActive(), false)
  t.has(tostring(q:exception()), "the foreachBatch function raised nil")
  t.eq(exists(cp .. "/commits/0"), false, "no commit")
end)

t.test("awaitTermination or processAllAvailable inside the query's own batch fails at the caller", function()
  for _, method in ipairs({ "awaitTermination", "processAllAvailable" }) do
    local cp = dir("wait_inside_" .. method)
    local epochs = {}
    local q
    q = rate(100).writeStream:queryName("waits_" .. method):foreachBatch(function(_, epoch)
      epochs[#epochs + 1] = epoch
      if epoch == 1 then q[method](q, 0.2) end
    end):option("checkpointLocation", cp):start()
    local err = t.raises(function() q:awaitTermination(10) end)
    local text = tostring(q:exception())
    t.has(text, ("cannot wait for query waits_%s (id %s) from inside its own batch"):format(method, q.id))
    t.ok(text:sub(1, #here + 1) == here .. ":", "raised at the line that called it: " .. text)
    t.eq(err:find("already exists", 1, true), nil, err)
    t.same_table(epochs, { 0, 1 }, "no batch ran inside the batch")
    t.eq(exists(cp .. "/commits/1"), false, "the failed batch is not committed")
  end
end)

-- (not tail calls, so that each keeps its frame)
local function check_row(n)
  if n >= 0 then error("a bad row in the batch") end
  return n
end
local function check_batch(df)
  local n = check_row(df:count())
  return n
end

t.test("an error in a foreachBatch function has the traceback of where it was raised", function()
  for _, beside in ipairs({ false, true }) do
    local other = beside and rate(100).writeStream:foreachBatch(function() end)
      :option("checkpointLocation", dir("traceback_beside")):start()
    local q = rate(100).writeStream:foreachBatch(function(df)
      local n = check_batch(df)
      return n
    end):option("checkpointLocation", dir("traceback_" .. tostring(beside))):start()
    pcall(q.awaitTermination, q, 10)
    if other then other:stop() end
    local text = tostring(q:exception())
    local trace = text:match("stack traceback:\n(.*)$")
    t.ok(trace, "a traceback: " .. text)
    local frames = {}
    for line in trace:gmatch("[^\n]+") do
      if not line:find("[C]", 1, true) then frames[#frames + 1] = line end
    end
    t.ok(frames[1]:find(here, 1, true) and frames[1]:find("check_row", 1, true),
      "the first frame is the function that raised: " .. trace)
    t.ok(frames[2]:find("check_batch", 1, true), "then its caller: " .. trace)
    local _, count = text:gsub("stack traceback:", "")
    t.eq(count, 1, "one traceback: " .. text)
  end
end)

-- The source's waits for records while the query is idle.
local function idle_waits(trigger)
  local w = rate(0.001).writeStream:foreachBatch(function() end)
    :option("checkpointLocation", dir("idle_" .. tostring(trigger and trigger.processingTime)))
  if trigger then w = w:trigger(trigger) end
  local q = w:start()
  local waits = {}
  local latest = q.source.latestOffsets
  q.source.latestOffsets = function(self, after, wait_ms)
    waits[#waits + 1] = wait_ms or 0
    return latest(self, after, wait_ms)
  end
  tide.sleep(0.5)
  q:stop()
  return waits
end

t.test("processingTime 0 runs as the default trigger: an idle query waits in its source, not polling", function()
  for _, trigger in ipairs({ { processingTime = "0 seconds" }, { processingTime = 0 } }) do
    local waits = idle_waits(trigger)
    t.ok(#waits < 50, "a few waits, not a poll loop: " .. #waits)
    local longest = 0
    for _, w in ipairs(waits) do longest = math.max(longest, w) end
    t.ok(longest >= 50, "it waits for records in its source: " .. longest .. " ms")
  end
  -- a negative one is refused, as Spark's, before a checkpoint is made
  local cp = dir("negative_interval")
  t.raises_at_caller {
    { function()
        rate().writeStream:foreachBatch(function() end):trigger { processingTime = -5 }
          :option("checkpointLocation", cp):start()
      end, "the interval of trigger should not be negative" },
  }
  t.eq(exists(cp), false, "no checkpoint")
end)

-- The gaps between the starts of a processingTime query's batches, each
-- batch taking batch_s.
local function batch_gaps(interval, batch_s, batches)
  local starts = {}
  local q = rate(1000).writeStream:foreachBatch(function()
    starts[#starts + 1] = tide.now()
    tide.sleep(batch_s)
  end):trigger { processingTime = interval }
    :option("checkpointLocation", dir(("gaps_%s_%s"):format(interval, batch_s))):start()
  wait_for(function() return #starts >= batches end)
  q:stop()
  local gaps = {}
  for i = 2, #starts do gaps[#gaps + 1] = starts[i] - starts[i - 1] end
  return gaps
end

t.test("processingTime: a batch that runs over its interval is followed at once, as Spark's", function()
  -- Batches of 1.2 s on a 1-s interval: one every 1.2 s, where waiting for
  -- the next interval boundary made it one every 2 s. (Bounds wide enough
  -- for a loaded machine: a batch never starts early, and 2 s is the old
  -- behaviour.)
  for _, gap in ipairs(batch_gaps("1 second", 1.2, 3)) do
    t.ok(gap >= 1.19 and gap < 1.9, "the next batch starts as the last ends: " .. gap .. " s apart")
  end
  -- within the interval, batches keep to it, not back to back (50 ms
  -- apart). (The gaps are between the functions' starts, which come after
  -- each batch's planning: a loaded machine may delay one and not the
  -- next, so a gap may be a little under the interval.)
  for _, gap in ipairs(batch_gaps("300 milliseconds", 0.05, 3)) do
    t.ok(gap >= 0.25, "an interval apart: " .. gap .. " s")
  end
end)

t.test("status, lastProgress and recentProgress are properties as in PySpark, and still methods", function()
  local input = dir("properties_in")
  assert(os.execute("mkdir -p '" .. input .. "'") == 0)
  t.write(input .. "/a.csv", "1\n2\n3\n")
  local q = spark.readStream:schema("k int"):csv(input).writeStream:format("memory"):queryName("props")
    :option("checkpointLocation", dir("properties_cp")):start()
  -- before the first batch: PySpark's None; the method form gives nil
  t.eq(q:lastProgress(), nil)
  t.eq(q.lastProgress(), nil)
  t.eq(tostring(q.lastProgress), "nil (no progress yet)")
  local err = t.raises(function() local _ = q.lastProgress.numInputRows end)
  t.has(err, "q.lastProgress.numInputRows: the query has no progress yet (None in PySpark)")
  t.at_caller(err)
  t.eq(#q.recentProgress, 0)
  t.eq(tide.json.encode(q.recentProgress), "[]")
  t.eq(q.status.message, "Initializing sources")
  t.same_table(q:status(), { message = "Initializing sources", isDataAvailable = false, isTriggerActive = false })
  t.same_table(q.status(), q.status)
  q:processAllAvailable()
  -- the property and the method give the same progress
  t.eq(q.lastProgress.numInputRows, 3)
  t.eq(q.lastProgress.batchId, 0)
  t.eq(q.lastProgress, q:lastProgress())
  t.eq(q:lastProgress().sources[1].numInputRows, 3)
  t.eq(#q.recentProgress, #q:recentProgress())
  t.eq(q.recentProgress[#q.recentProgress], q.lastProgress)
  t.eq(q.recentProgress[1].numInputRows, 3)
  t.eq(tide.json.decode(tide.json.encode(q.recentProgress))[1].numInputRows, 3)
  t.eq(type(q.status.isDataAvailable), "boolean")
  t.eq(q.status.message, q:status().message)
  -- id, runId and name are fields, isActive and exception methods
  t.eq(q.id, q.lastProgress.id)
  t.eq(q.runId, q.lastProgress.runId)
  t.eq(q.name, "props")
  t.eq(q:isActive(), true)
  t.eq(q:exception(), nil)
  q:stop()
  t.eq(q:isActive(), false)
  t.eq(q.status.isTriggerActive, false)
end)

t.test("progress JSON writes rates as Spark's doubles, and has processedRowsPerSecond for a 0-ms trigger", function()
  local q = rate(1000).writeStream:format("memory"):queryName("rates_json")
    :option("progressLog", dir("rates.jsonl")):start()
  wait_for(function() return #q:recentProgress() >= 3 end)
  q:stop()
  -- a trigger that took under a millisecond counts as one, as in Spark
  local d = { addBatch = 0, commitOffsets = 0, getBatch = 0, latestOffset = 0, queryPlanning = 0,
              triggerExecution = 0, walCommit = 0 }
  local ctx = { malformed = 0, dropped = 0 }
  local p = q:makeProgress(7, tide.now() * 1000, d, 3, 3, 3, ctx, 10, 13, 13)
  t.eq(p.processedRowsPerSecond, 3000)
  t.eq(p.sources[1].processedRowsPerSecond, 3000)
  local json = p:json()
  t.has(json, '"processedRowsPerSecond":3000.0,')
  t.has(json, '"inputRowsPerSecond":')
  local _, rates = json:gsub('"processedRowsPerSecond":3000.0', "")
  t.eq(rates, 2, "the query's and the source's: " .. json)
  t.has(tostring(p), '"processedRowsPerSecond" : 3000.0')
  t.eq(tide.json.decode(json).processedRowsPerSecond, 3000)
  -- Java's Double.toString, which Spark's JSON writes
  local progress = require("tide.progress")
  for _, case in ipairs({ { 1500, "1500.0" }, { 0, "0.0" }, { 460.7491021036429, "460.7491021036429" },
                          { 1e7, "1.0E7" }, { 12345678.5, "1.23456785E7" }, { 0.001, "0.001" },
                          { 0.00025, "2.5E-4" }, { 1 / 3, "0.3333333333333333" } }) do
    t.eq(progress.javaDouble(case[1]), case[2])
  end
  -- every rate of the real progress log has a fraction or an exponent
  for line in io.lines(dir("rates.jsonl")) do
    for rate_text in line:gmatch('RowsPerSecond":([^,}]+)') do
      t.ok(rate_text:find("[.E]"), "a double: " .. rate_text .. " in " .. line)
    end
  end
end)

t.test("option(\"queryName\") names the query as queryName() does: the memory sink's table, q.name", function()
  local input = dir("query_name_in")
  assert(os.execute("mkdir -p '" .. input .. "'") == 0)
  t.write(input .. "/a.csv", "1\n2\n")
  local q = spark.readStream:schema("k int"):csv(input).writeStream:format("memory"):option("queryName", "by_option")
    :start()
  q:processAllAvailable()
  t.eq(q.name, "by_option")
  t.same_table(t.rows(spark:table("by_option"):orderBy("k")), { "1", "2" })
  q:stop()
  -- the later of the two wins, as both set the one option in Spark
  q = spark.readStream:schema("k int"):csv(input).writeStream:format("memory"):queryName("first")
    :option("queryName", "second"):start()
  t.eq(q.name, "second")
  q:stop()
  q = spark.readStream:schema("k int"):csv(input).writeStream:format("memory"):option("queryName", "first")
    :queryName("second"):start()
  t.eq(q.name, "second")
  q:stop()
  -- a query without a name has none; an empty name is refused in PySpark's words
  q = rate(100).writeStream:foreachBatch(function() end):option("checkpointLocation", dir("unnamed_cp")):start()
  t.eq(q.name, nil)
  q:stop()
  t.raises_at_caller({
    { function() rate(100).writeStream:queryName("") end, "Value for `queryName` must be a non-empty string, got ''" },
    { function() rate(100).writeStream:queryName(nil) end,
      "Value for `queryName` must be a non-empty string, got nil" },
  })
end)

t.run()
