-- The query loop without Kafka: the rate source into memory and
-- foreachBatch sinks; triggers, checkpoints and recovery, progress,
-- listeners, and a graceful stop on SIGTERM.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local tmp = t.tempdir()
local function dir(name) return tmp .. "/" .. name end

local function rate(rows_per_second)
  return spark.readStream:format("rate"):option("rowsPerSecond", rows_per_second or 1000):load()
end

local function values_of(df) return t.sorted_values(df, "value") end

local wait_for = t.wait_for

local function contiguous(values, from)
  for i, v in ipairs(values) do
    if v ~= from + i - 1 then return false, ("value %d at position %d"):format(v, i) end
  end
  return true
end

t.test("a rate stream lands in a memory table, every value once", function()
  local q = rate(2000):select("value", (F.col("value") * 2):alias("double"))
    .writeStream:format("memory"):queryName("rates"):start()
  tide.sleep(0.3)
  q:stop()
  t.ok(not q:isActive(), "stopped")
  local rows = spark:table("rates"):collect()
  t.ok(#rows > 100, "rows arrived: " .. #rows)
  local values = values_of(spark:table("rates"))
  t.ok(contiguous(values, 0))
  for _, r in ipairs(rows) do t.eq(r.double, r.value * 2) end
end)

t.test("foreachBatch gets each batch with increasing epoch ids", function()
  local epochs, total = {}, 0
  local q = rate(1000).writeStream
    :foreachBatch(function(df, epoch)
      epochs[#epochs + 1] = epoch
      total = total + df:count()
    end)
    :option("checkpointLocation", dir("foreach"))
    :trigger { processingTime = "50 milliseconds" }
    :start()
  tide.sleep(0.4)
  q:stop()
  t.ok(#epochs >= 3, "several batches: " .. #epochs)
  for i, e in ipairs(epochs) do t.eq(e, i - 1, "epoch ids count up from 0") end
  t.ok(total > 0)
  local p = q:lastProgress()
  t.eq(p.batchId, epochs[#epochs])
end)

t.test("foreachBatch's DataFrame has the query's schema: tinyint, smallint, intervals, void", function()
  local schemas, shown = {}, nil
  local q = rate(100):selectExpr("value", "CAST(value AS TINYINT) AS b", "CAST(value AS SMALLINT) AS s",
      "INTERVAL 1 HOUR AS iv", "NULL AS n")
    .writeStream:foreachBatch(function(df)
      schemas[#schemas + 1] = df.schema:simpleString()
      if df:count() > 0 then shown = shown or t.rows(df:limit(1)) end
    end)
    :option("checkpointLocation", dir("foreach_types"))
    :trigger { processingTime = "50 milliseconds" }
    :start()
  wait_for(function() return shown ~= nil end, 10)
  q:stop()
  for _, s in ipairs(schemas) do t.eq(s, "struct<value:bigint,b:tinyint,s:smallint,iv:interval hour,n:void>") end
  t.same_table(shown, { "0|0|0|3600000000|null" }) -- (an interval collects as its microseconds)
end)

t.test("several queries: one waiting for records does not hold back another's", function()
  local waits = {}
  local idle = rate(0.001).writeStream:format("memory"):queryName("idle_rates"):start()
  local latest = idle.source.latestOffsets
  idle.source.latestOffsets = function(self, after, wait_ms)
    waits[#waits + 1] = wait_ms
    return latest(self, after, wait_ms)
  end
  local function longest()
    local m = 0
    for _, w in ipairs(waits) do m = math.max(m, w) end
    return m
  end
  tide.sleep(0.2)
  t.ok(longest() >= 50, "alone, a query waits for its records in its source: " .. longest() .. " ms")

  waits = {}
  local batches = 0
  local busy = rate(2000).writeStream
    :foreachBatch(function() batches = batches + 1 end)
    :option("checkpointLocation", dir("busy_beside_idle"))
    :start()
  tide.sleep(0.3)
  busy:stop()
  idle:stop()
  t.ok(#waits > 0 and batches > 0, "both queries ran")
  t.ok(longest() <= 5, "beside another query, a wait takes a turn: " .. longest() .. " ms")
end)

-- A query whose batches are large (a rate source's 300 ms of 200k rows/s,
-- in slices of 1000 rows) beside one that runs a batch as soon as it has
-- rows: the small query's batches that ran while the large one's was in
-- flight, and the large query's rows.
local pairs_started = 0
local function large_beside_small(on_small_batch)
  pairs_started = pairs_started + 1
  local name = "large_batches_" .. pairs_started
  spark.conf:set("spark.tide.sliceRows", "1000")
  local large = rate(200000):select("value", (F.col("value") + 1):alias("next"))
    .writeStream:format("memory"):queryName(name)
    :option("checkpointLocation", dir(name))
    :trigger { processingTime = "300 milliseconds" }:start()
  local inside = 0
  local small = rate(1000).writeStream
    :foreachBatch(function()
      if large:isActive() and large:status().isTriggerActive then inside = inside + 1 end
      if on_small_batch then on_small_batch(large) end
    end)
    :option("checkpointLocation", dir("small_" .. pairs_started))
    :start()
  return large, small, function() return inside end, name
end

t.test("several queries: a large batch pauses between its pieces for the others", function()
  local large, small, inside, name = large_beside_small()
  wait_for(function() return inside() >= 3 end)
  small:stop()
  large:stop()
  spark.conf:unset("spark.tide.sliceRows")
  t.ok(inside() >= 3, "small batches ran inside a large one: " .. inside())
  -- Every large batch ended whole: its rows are all in the table, each once.
  local rows = 0
  for _, p in ipairs(large:recentProgress()) do rows = rows + p.numInputRows end
  local values = values_of(spark:table(name))
  t.eq(#values, rows)
  t.ok(contiguous(values, 0))
end)

t.test("a query stopped while its batch is paused ends that batch first and commits it", function()
  local stopped_inside = false
  local large, small, _, name = large_beside_small(function(large)
    if not stopped_inside and large:isActive() and large:status().isTriggerActive then
      stopped_inside = true
      large:stop()
    end
  end)
  wait_for(function() return stopped_inside end)
  small:stop()
  spark.conf:unset("spark.tide.sliceRows")
  t.ok(not large:isActive())
  local rows = 0
  for _, p in ipairs(large:recentProgress()) do rows = rows + p.numInputRows end
  t.ok(rows > 0, "the paused batch ended: " .. rows .. " rows")
  local values = values_of(spark:table(name))
  t.eq(#values, rows, "every row of the batches that ran, once")
  t.ok(contiguous(values, 0))
  local cp = require("tide.checkpoint").open(large.checkpoint.dir)
  t.eq(cp:latestCommitId(), cp:latestOffsetsId(), "its last batch committed")
  cp:close()
end)

t.test("a restart continues after the last committed batch, nothing twice", function()
  local cp = dir("restart")
  local seen = {}
  local function run()
    local q = rate(1000).writeStream
      :foreachBatch(function(df) for _, v in ipairs(values_of(df)) do seen[#seen + 1] = v end end)
      :option("checkpointLocation", cp):start()
    tide.sleep(0.2)
    q:stop()
    return q
  end
  local first = run()
  local second = run()
  t.eq(first.id, second.id, "the query id survives the restart")
  t.ok(first.runId ~= second.runId, "a new run id")
  table.sort(seen)
  t.ok(contiguous(seen, 0))
end)

t.test("an epoch with offsets but no commit is replayed with the same id and offsets", function()
  local cp = dir("replay")
  local batches = {}
  local q = rate(1000).writeStream
    :foreachBatch(function(df, epoch) batches[#batches + 1] = { epoch = epoch, values = values_of(df) } end)
    :option("checkpointLocation", cp):start()
  wait_for(function() return #batches >= 2 and #batches[#batches].values > 0 end)
  q:stop()
  local last = batches[#batches]
  -- Forget the last commit, as if the process died after the sink wrote.
  assert(os.remove(cp .. "/commits/" .. last.epoch))
  local replayed = {}
  q = rate(1000).writeStream
    :foreachBatch(function(df, epoch) replayed[#replayed + 1] = { epoch = epoch, values = values_of(df) } end)
    :option("checkpointLocation", cp):trigger { once = true }:start()
  q:awaitTermination()
  t.eq(replayed[1].epoch, last.epoch, "same epoch id")
  t.same_table(replayed[1].values, last.values, "same rows")
end)

t.test("a commit lost in a crash while the next offsets made it to disk is written again", function()
  local cp = dir("lostcommit")
  local batches = {}
  local q = rate(1000).writeStream
    :foreachBatch(function(df, epoch) batches[#batches + 1] = { epoch = epoch, values = values_of(df) } end)
    :option("checkpointLocation", cp):start()
  wait_for(function() return #batches >= 3 and #batches[#batches].values > 0 end)
  q:stop()
  local last = batches[#batches]
  -- commits/N is written complete but its name is not fsynced: a crash
  -- after offsets/N+1 reached the disk can lose it (here: N = last - 1,
  -- and the process died after the last epoch's sink, before its commit)
  assert(os.remove(cp .. "/commits/" .. last.epoch))
  assert(os.remove(cp .. "/commits/" .. (last.epoch - 1)))
  local replayed = {}
  q = rate(1000).writeStream
    :foreachBatch(function(df, epoch) replayed[#replayed + 1] = { epoch = epoch, values = values_of(df) } end)
    :option("checkpointLocation", cp):trigger { once = true }:start()
  q:awaitTermination()
  t.ok(io.open(cp .. "/commits/" .. (last.epoch - 1)) ~= nil, "the lost commit is back")
  t.eq(replayed[1].epoch, last.epoch, "the epoch without a commit is replayed")
  t.same_table(replayed[1].values, last.values, "with its rows")
end)

t.test("commits are written in the background; one that fails stops the query at the next batch", function()
  local cp = dir("commitfail")
  local epochs = {}
  local q = rate(1000).writeStream:foreachBatch(function(df, epoch)
      epochs[#epochs + 1] = epoch
      -- another writer's commits/1: this query's cannot be written (commits/
      -- may not be there yet: commits/0 is written in the background)
      if epoch == 1 then
        os.execute("mkdir -p '" .. cp .. "/commits'")
        local f = assert(io.open(cp .. "/commits/1", "w")); f:write("x"); f:close()
      end
    end):option("checkpointLocation", cp):start()
  wait_for(function() return not q:isActive() end)
  t.ok(tostring(q:exception()):find("commits/1 already exists", 1, true), tostring(q:exception()))
  t.same_table(epochs, { 0, 1, 2 }, "the error comes with the commit after it, not later")
end)

t.test("a checkpoint keeps the newest minBatchesToRetain entries of each log", function()
  local cp = dir("retain")
  local n = 0
  local q = rate(1000).writeStream:foreachBatch(function() n = n + 1 end)
    :option("checkpointLocation", cp):option("minBatchesToRetain", 3):start()
  wait_for(function() return n >= 8 end)
  q:stop()
  local function inode(path) return (t.sh("stat -c %i '" .. path .. "'"):match("%d+")) end
  local spares = {}
  for _, log in ipairs({ "offsets", "commits" }) do
    local ids, others = {}, {}
    for name in t.sh("ls -A '" .. cp .. "/" .. log .. "'"):gmatch("[^\n]+") do
      if name:match("^%d+$") then ids[#ids + 1] = tonumber(name) else others[#others + 1] = name end
    end
    table.sort(ids)
    t.eq(#ids, 3, log .. ": three entries")
    t.eq(ids[3], n - 1, log .. ": the newest")
    -- the last pruned entry waits as the spare the next entry is written into
    t.same_table(others, { ".spare" }, log .. ": no other files")
    spares[log] = inode(cp .. "/" .. log .. "/.spare")
  end
  -- (a restart keeping more entries, so that the next entry stays to be looked at)
  local more = 0
  q = rate(1000).writeStream:foreachBatch(function() more = more + 1 end)
    :option("checkpointLocation", cp):option("minBatchesToRetain", 100):start()
  wait_for(function() return more >= 1 end)
  q:stop()
  t.eq(inode(cp .. "/offsets/" .. n), spares.offsets, "the next offsets entry reuses the spare's inode")
  t.eq(inode(cp .. "/commits/" .. n), spares.commits, "and so does the next commit")
end)

t.test("minBatchesToRetain below 1 is refused, and 1 keeps the entry a replay starts from", function()
  for _, bad in ipairs({ 0, -1, "many" }) do
    local err = t.raises(function()
      rate().writeStream:foreachBatch(function() end):option("checkpointLocation", dir("retain_bad"))
        :option("minBatchesToRetain", bad):start()
    end)
    t.ok(err:find("minBatchesToRetain must be a whole number >= 1, not " .. bad, 1, true), err)
  end
  -- With 1, pruning offsets/N-1 before commits/N is on disk left a
  -- checkpoint no restart could replay from: two are kept.
  local cp = dir("retain_one")
  local n = 0
  local q = rate(1000).writeStream:foreachBatch(function() n = n + 1 end)
    :option("checkpointLocation", cp):option("minBatchesToRetain", 1):start()
  wait_for(function() return n >= 5 end)
  q:stop()
  for _, log in ipairs({ "offsets", "commits" }) do
    local ids = {}
    for name in t.sh("ls '" .. cp .. "/" .. log .. "'"):gmatch("[^\n]+") do ids[#ids + 1] = tonumber(name) end
    table.sort(ids)
    t.same_table(ids, { n - 2, n - 1 }, log)
  end
end)

t.test("a second query on the same checkpoint fails fast, in this process or another", function()
  local cp = dir("locked")
  local q = rate().writeStream:foreachBatch(function() end):option("checkpointLocation", cp):start()
  t.raises(function()
    rate().writeStream:foreachBatch(function() end):option("checkpointLocation", cp):start()
  end, "in use by another running query")
  -- The lock is the directory's own, not a file in it that a cleanup could
  -- delete while the query runs.
  t.eq(io.open(cp .. "/.lock"), nil, "no lock file")
  local other = dir("locked_other")
  os.execute("mkdir -p '" .. other .. "'")
  local out, status = t.run_script(other, "second.lua", ([[
    local spark = require("tide").session()
    spark.readStream:format("rate"):load().writeStream:foreachBatch(function() end)
      :option("checkpointLocation", %q):start()
  ]]):format(cp))
  t.ok(status ~= 0 and out:find("in use by another running query", 1, true), out)
  q:stop()
end)

t.test("a corrupt checkpoint entry fails naming the file", function()
  local cp = dir("corrupt")
  local batches = 0
  local q = rate(1000).writeStream:foreachBatch(function() batches = batches + 1 end)
    :option("checkpointLocation", cp):start()
  wait_for(function() return batches >= 1 end)
  q:stop()
  -- A restart reads the newest entry.
  local ids = t.sh("ls '" .. cp .. "/offsets' | sort -n | tail -n 1")
  local newest = cp .. "/offsets/" .. ids:match("%d+")
  local f = assert(io.open(newest, "w"))
  f:write("v1\n{\"batchWatermarkMs\":0,\"batchTi")
  f:close()
  t.raises(function()
    rate().writeStream:foreachBatch(function() end):option("checkpointLocation", cp):start()
  end, newest .. " is corrupt or truncated")
  f = assert(io.open(newest, "w"))
  f:write("v9\n{}")
  f:close()
  t.raises(function()
    rate().writeStream:foreachBatch(function() end):option("checkpointLocation", cp):start()
  end, "has version v9")
end)

t.test("progress has Spark's fields with sane values, and listeners hear every event", function()
  local events, first_progress = {}, nil
  local listener = spark.streams:addListener {
    onQueryStarted = function(e) events[#events + 1] = "started " .. e.id end,
    onQueryProgress = function(e)
      events[#events + 1] = "progress " .. e.progress.batchId
      first_progress = first_progress or e.progress
    end,
    onQueryTerminated = function(e) events[#events + 1] = "terminated " .. e.id end,
  }
  local q = rate(1000).writeStream:format("memory"):queryName("progress_test")
    :option("progressLog", dir("progress.jsonl")):start()
  tide.sleep(0.3)
  local p = q:lastProgress()
  q:stop()
  spark.streams:removeListener(listener)
  t.ok(p ~= nil, "a progress record")
  for _, k in ipairs({ "id", "runId", "timestamp", "batchId", "numInputRows", "processedRowsPerSecond",
                       "durationMs", "sources", "sink", "numMalformedRows", "numDroppedRows" }) do
    t.ok(p[k] ~= nil, "field " .. k)
  end
  t.eq(p.id, q.id)
  t.ok(p.timestamp:match("^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%.%d%d%dZ$"), p.timestamp)
  t.ok(p.durationMs.triggerExecution >= 0)
  t.eq(p.sources[1].numInputRows, p.numInputRows)
  t.eq(p.sink.numOutputRows, p.numInputRows)
  t.eq(p.numMalformedRows, 0)
  local json = p:json()
  local head = '{"id":"' .. q.id .. '","runId":'
  t.eq(json:sub(1, #head), head)
  t.eq(events[1], "started " .. q.id)
  t.eq(events[#events], "terminated " .. q.id)
  t.ok(#events >= 3, "progress events")
  local lines = 0
  for line in io.lines(dir("progress.jsonl")) do
    lines = lines + 1
    t.ok(line:find('"batchId":' .. (lines - 1), 1, true), line)
  end
  -- The log has every batch; recentProgress the last 100 (Spark's default),
  -- which a fast machine passes in 0.3 s.
  t.eq(#q:recentProgress(), math.min(lines, 100))
  -- The first batch has no trigger before it: its input rate is 0.0, as
  -- Spark's (rows over an infinite time), and any progress encodes as JSON.
  t.eq(first_progress.batchId, 0)
  t.eq(first_progress.inputRowsPerSecond, 0)
  t.eq(first_progress.sources[1].inputRowsPerSecond, 0)
  t.has(first_progress:json(), '"inputRowsPerSecond":0.0')
  t.ok(pcall(tide.json.encode, first_progress), "tide.json.encode of the first progress")
  t.ok(q:lastProgress().inputRowsPerSecond > 0)
end)

t.test("status tells what the query is doing", function()
  local q = rate(10).writeStream:format("memory"):queryName("status_test"):start()
  local s = q:status()
  t.eq(s.isTriggerActive, false)
  t.eq(type(s.message), "string")
  q:stop()
  t.eq(q:status().message, "Stopped")
end)

t.test("outputMode: update runs as append, complete is refused at start (no aggregations)", function()
  local q = rate(1000).writeStream:outputMode("update"):format("memory"):queryName("update_test"):start()
  wait_for(function() return spark:table("update_test"):count() > 0 end)
  q:stop()
  t.ok(contiguous(values_of(spark:table("update_test")), 0))
  t.raises(function() rate().writeStream:outputMode("complete"):format("memory"):queryName("c"):start() end,
    "Complete output mode not supported when there are no streaming aggregations")
end)

t.test("a sink error terminates the query and awaitTermination raises it", function()
  local q = rate(1000).writeStream:foreachBatch(function() error("sink exploded") end)
    :option("checkpointLocation", dir("failing")):start()
  t.raises(function() q:awaitTermination(5) end, "sink exploded")
  t.ok(not q:isActive())
  t.ok(q:exception():find("sink exploded"), "exception()")
  -- No commit was written for the failed epoch.
  local f = io.open(dir("failing") .. "/commits/0")
  t.eq(f, nil)
end)

t.test("SIGTERM finishes the batch in flight, commits it and exits 0", function()
  local bin = os.getenv("TIDE_BIN")
  local cp, marker = dir("sigterm"), dir("sigterm.started")
  local script = dir("sigterm.lua")
  local f = assert(io.open(script, "w"))
  f:write(([[
    local tide = require("tide")
    local spark = tide.session()
    spark.readStream:format("rate"):option("rowsPerSecond", 1000):load().writeStream
      :foreachBatch(function(df, epoch)
        io.open(%q, "w"):close()
        tide.sleep(0.3) -- a slow sink: the signal arrives mid-batch
        print("batch " .. epoch .. " done")
      end)
      :option("checkpointLocation", %q):start()
    spark.streams:awaitAnyTermination()
    print("clean exit")
  ]]):format(marker, cp))
  f:close()
  local out, status = t.sh(("%s run %s & pid=$!; for i in $(seq 100); do [ -e %s ] && break; sleep 0.05; done; " ..
    "kill -TERM $pid; wait $pid"):format(bin, script, marker))
  t.eq(status, 0, "exit status: " .. out)
  t.ok(out:find("batch 0 done"), out)
  t.ok(out:find("clean exit"), out)
  local last_commit = io.open(cp .. "/commits/0")
  t.ok(last_commit ~= nil, "the batch in flight was committed")
  if last_commit then last_commit:close() end
end)

t.run()
