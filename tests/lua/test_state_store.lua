-- The state store's files: after epoch N a streaming aggregation or
-- dropDuplicates writes the change, state/<op>/N.delta, and every K-th
-- epoch (spark.sql.streaming.stateStore.minDeltasForSnapshot) the whole
-- state, N.snapshot; a restart or a replayed epoch rebuilds the state from
-- the latest snapshot and the deltas after it. Restarted streams write
-- what uninterrupted ones do; files no kept version needs go.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local files = require("tide.files")
local spark = tide.session()

local SCHEMA = "site string, click int, price double, at timestamp"
local SNAPSHOT_CONF = "spark.sql.streaming.stateStore.minDeltasForSnapshot"
local BASE = 1704067200 -- 2024-01-01 00:00:00 UTC

local function at(seconds, micros)
  return os.date("!%Y-%m-%d %H:%M:%S", BASE + seconds) .. (micros and (".%06d"):format(micros) or "")
end

-- A CSV file of rows {site, click, price, at} in dir.
local function add_file(dir, name, rows) t.write_csv(dir .. "/" .. name, rows) end

local function stream(dir) return spark.readStream:csv(dir, { schema = SCHEMA, maxFilesPerTrigger = 1 }) end

-- The names in a directory, sorted.
local function listing(dir)
  local names = files.list(dir)
  table.sort(names, function(a, b)
    local na, nb = tonumber(a:match("^%d+")), tonumber(b:match("^%d+"))
    if na and nb and na ~= nb then return na < nb end
    return a < b
  end)
  return names
end

local function lines_of(path)
  local out = {}
  for line in t.read(path):gmatch("([^\n]*)\n") do out[#out + 1] = line end
  return out
end

local function count_with(lines, text)
  local n = 0
  for _, l in ipairs(lines) do if l:find(text, 1, true) then n = n + 1 end end
  return n
end

local function with_snapshot_every(k, fn)
  spark.conf:set(SNAPSHOT_CONF, k)
  local ok, err = pcall(fn)
  spark.conf:unset(SNAPSHOT_CONF)
  if not ok then error(err, 0) end
end

-- Files 00.csv .. of pseudo-random rows: 40 sites (and a null one), times
-- moving on about 4 minutes a file, some of them minutes behind (late,
-- under a watermark of 5 minutes).
local function generated_input(num_files)
  local dir, seed = t.tempdir(), 12345
  local function rand(n)
    seed = (seed * 1103515245 + 12345) % 2147483648
    return math.floor(seed / 65536) % n
  end
  for i = 0, num_files - 1 do
    local rows = {}
    for _ = 1, 25 do
      local s = rand(41)
      local seconds = i * 240 + rand(180) * 4 - (rand(5) == 0 and 540 or 0)
      local micros = rand(3) == 0 and rand(999999) or nil
      rows[#rows + 1] = { s == 40 and "" or ("s" .. s), rand(2), rand(1000) / 4, at(seconds, micros) }
    end
    add_file(dir, ("%02d.csv"):format(i), rows)
  end
  return dir
end

-- Runs build(stream) over every file of input into a fresh checkpoint,
-- in the output mode; stops[e] stops the query after epoch e (cleanly, as
-- stop() from foreachBatch does: after its commit), crashes[e] fails epoch
-- e's sink (its state written, its commit not), and each time the query
-- starts again until the input is done. The rows each epoch wrote, in the
-- order written, and the progress of each epoch.
local function run(input, build, mode, stops, crashes)
  stops, crashes = stops or {}, crashes or {}
  local cp = t.tempdir() .. "/cp"
  local out, progress, starts = {}, {}, 0
  while true do
    local q, stopped
    starts = starts + 1
    q = build(stream(input)).writeStream:outputMode(mode)
      :foreachBatch(function(df, epoch)
        if crashes[epoch] then
          crashes[epoch] = nil
          error("sink down at epoch " .. epoch)
        end
        out[epoch + 1] = t.rows(df)
        if stops[epoch] then
          stops[epoch], stopped = nil, true
          q:stop()
        end
      end)
      :option("checkpointLocation", cp):option("minBatchesToRetain", 3):trigger { availableNow = true }:start()
    local ok, err = pcall(q.awaitTermination, q)
    for _, p in ipairs(q:recentProgress()) do progress[p.batchId + 1] = p end
    if not ok then t.has(tostring(err), "sink down at epoch") end
    if ok and not stopped then break end
    t.ok(starts < 50, "the stream ends")
  end
  return out, progress, cp
end

local function windowed(df)
  return df:withWatermark("at", "5 minutes"):groupBy(F.window("at", "10 minutes"), "site")
    :agg(F.count("*"):alias("n"), F.sum("click"):alias("clicks"), F.max("price"):alias("top"))
end

local QUERIES = {
  { "complete", "complete", function(df)
    return df:groupBy("site"):agg(F.count("*"):alias("n"), F.sum("click"):alias("clicks"),
      F.avg("price"):alias("avg_price"), F.max("at"):alias("last_at"), F.first("price"):alias("first_price"))
  end },
  { "update under a watermark", "update", windowed },
  { "append under a watermark", "append", windowed },
  { "a global aggregation", "update", function(df) return df:select(F.count("*"), F.sum("price")) end },
  { "dropDuplicates", "append", function(df) return df:dropDuplicates("site", "click") end },
  { "dropDuplicates under a watermark", "append", function(df)
    return df:withWatermark("at", "5 minutes"):dropDuplicates("site", "at")
  end },
}

t.test("after restarts and replays, every mode writes what an uninterrupted run writes", function()
  local input = generated_input(16)
  with_snapshot_every(3, function()
    for _, case in ipairs(QUERIES) do
      local name, mode, build = case[1], case[2], case[3]
      local expected, progress = run(input, build, mode)
      t.ok(#expected >= 16, name .. ": an epoch per file")
      -- Restarts from a snapshot (after 3, 6, 12), from deltas after one,
      -- and replays of epochs whose state was written before the crash.
      local got, progress2, cp = run(input, build, mode, { [1] = true, [5] = true, [6] = true, [12] = true },
        { [3] = true, [8] = true, [9] = true, [14] = true })
      t.same_table(got, expected, name)
      for i, p in ipairs(progress) do
        local a, b = p.stateOperators[1], progress2[i].stateOperators[1]
        t.same_table({ b.numRowsTotal, b.numRowsUpdated, b.numRowsRemoved, b.numRowsDroppedByWatermark },
          { a.numRowsTotal, a.numRowsUpdated, a.numRowsRemoved, a.numRowsDroppedByWatermark },
          name .. ": state figures of epoch " .. (i - 1))
      end
      local op = name:find("dropDuplicates") and 1 or 0
      t.ok(#files.list(("%s/state/%d"):format(cp, op)) <= 3 + 3, name .. ": old state files deleted")
    end
  end)
end)

t.test("snapshots every K epochs, deltas between, files no kept version needs deleted", function()
  local input = t.tempdir()
  for i = 0, 24 do add_file(input, ("%02d.csv"):format(i), { { "s" .. (i % 4), 1, 1.0, at(i) } }) end
  local function files_after(retain)
    local cp, seen = t.tempdir() .. "/cp", {}
    local q = stream(input):groupBy("site"):count().writeStream:outputMode("complete")
      :foreachBatch(function(_, epoch)
        -- The state of the epoch is on disk before its sink sees it.
        if epoch == 14 then seen = listing(cp .. "/state/0") end
      end)
      :option("checkpointLocation", cp):option("minBatchesToRetain", retain):trigger { availableNow = true }:start()
    q:awaitTermination()
    t.eq(q:lastProgress().batchId, 24)
    return listing(cp .. "/state/0"), seen
  end
  -- Keeping 3 batches: while batch 24 ran the logs held 21 to 23, whose
  -- states stay: the snapshot at 20 and the deltas after it.
  local final, at14 = files_after(3)
  t.same_table(final, { "20.snapshot", "21.delta", "22.delta", "23.delta", "24.delta" })
  t.same_table(at14, { "10.snapshot", "11.delta", "12.delta", "13.delta", "14.delta" })
  -- Keeping 12 (12 to 23 while batch 24 ran): from the snapshot at 10.
  final = files_after(12)
  local expected = { "10.snapshot" }
  for v = 11, 19 do expected[#expected + 1] = v .. ".delta" end
  expected[#expected + 1] = "20.snapshot"
  for v = 21, 24 do expected[#expected + 1] = v .. ".delta" end
  t.same_table(final, expected)
end)

t.test("a delta holds the batch's changes, not the state", function()
  local input = t.tempdir()
  local many = {}
  for i = 1, 500 do many[i] = { "s" .. i, 1, 1.0, at(60) } end
  add_file(input, "0.csv", many)
  add_file(input, "1.csv", { { "s1", 1, 1.0, at(60) }, { "s2", 0, 1.0, at(60) }, { "s2", 1, 1.0, at(60) },
    { "new", 1, 1.0, at(60) } })
  add_file(input, "2.csv", {})
  local cp = t.tempdir() .. "/cp"
  local q = stream(input):groupBy("site"):agg(F.sum("click"), F.max("at")).writeStream:outputMode("update")
    :foreachBatch(function() end):option("checkpointLocation", cp):trigger { availableNow = true }:start()
  q:awaitTermination()
  local progress = q:recentProgress()
  t.eq(#lines_of(cp .. "/state/0/0.snapshot"), 500)
  t.same_table({ #lines_of(cp .. "/state/0/1.delta"), #lines_of(cp .. "/state/0/2.delta") }, { 3, 0 })
  t.same_table({ progress[2].stateOperators[1].numRowsTotal, progress[2].stateOperators[1].numRowsUpdated,
    progress[3].stateOperators[1].numRowsUpdated }, { 501, 3, 0 })
  t.ok(progress[2].stateOperators[1].commitTimeMs >= 0, "commitTimeMs")
  t.ok(progress[2].stateOperators[1].memoryUsedBytes > 0, "memoryUsedBytes")
  t.has(progress[2]:json(), '"numRowsRemoved":0,"commitTimeMs":')

  -- Under a watermark: the groups it passed go into the delta as removed
  -- keys (only the keys), beside the rows the batch upserted.
  input = t.tempdir()
  add_file(input, "0.csv", many)                                   -- 500 groups in the 00:00 window
  add_file(input, "1.csv", { { "a", 1, 1.0, at(3600) } })          -- the watermark moves to 00:55
  add_file(input, "2.csv", { { "b", 1, 1.0, at(3660) } })          -- which makes the 500 final
  cp = t.tempdir() .. "/cp"
  q = stream(input):withWatermark("at", "5 minutes"):groupBy(F.window("at", "10 minutes"), "site"):count()
    .writeStream:outputMode("update"):foreachBatch(function() end):option("checkpointLocation", cp)
    :trigger { availableNow = true }:start()
  q:awaitTermination()
  local delta = lines_of(cp .. "/state/0/2.delta")
  t.eq(#delta, 501)
  t.eq(count_with(delta, '"__removed":true'), 500)
  t.eq(count_with(delta, "__partial"), 1)
  t.same_table({ q:recentProgress()[3].stateOperators[1].numRowsRemoved,
    q:recentProgress()[3].stateOperators[1].numRowsUpdated }, { 500, 1 })

  -- dropDuplicates: the keys first seen in the batch.
  input = t.tempdir()
  add_file(input, "0.csv", many)
  add_file(input, "1.csv", { { "s7", 1, 1.0, at(0) }, { "x", 1, 1.0, at(0) }, { "x", 1, 1.0, at(0) } })
  cp = t.tempdir() .. "/cp"
  q = stream(input):dropDuplicates("site").writeStream:foreachBatch(function() end)
    :option("checkpointLocation", cp):trigger { availableNow = true }:start()
  q:awaitTermination()
  t.same_table(lines_of(cp .. "/state/1/1.delta"), { '{"site":"x"}' })
end)

-- Runs a complete-mode count over input on cp; the rows of each epoch.
local function counts(input, cp, out, fail_at, retain)
  local q = stream(input):groupBy("site"):agg(F.count("*"):alias("n"), F.max("at"):alias("last")).writeStream
    :outputMode("complete")
    :foreachBatch(function(df, epoch)
      if epoch == fail_at then error("sink down") end
      out[epoch + 1] = t.rows(df)
    end)
    :option("checkpointLocation", cp):option("minBatchesToRetain", retain or 100):trigger { availableNow = true }
    :start()
  local ok, err = pcall(q.awaitTermination, q)
  if not ok and not tostring(err):find("sink down", 1, true) then error(err, 0) end
  return q
end

local function small_input(n)
  local input = t.tempdir()
  for i = 0, n - 1 do
    add_file(input, ("%02d.csv"):format(i),
      { { "s" .. (i % 3), 1, 1.0, at(i, i * 7) }, { "s" .. (i % 5), 1, 1.0, at(i) } })
  end
  return input
end

t.test("a checkpoint of whole-state files (state/0/N, before deltas) restarts from them", function()
  local all = small_input(12)
  local expected = {}
  counts(all, t.tempdir() .. "/cp", expected)
  -- The first 5 files, the state written whole each epoch (a snapshot
  -- every epoch), then named as tide named it before deltas.
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  for i = 0, 4 do os.execute(("cp '%s/%02d.csv' '%s/'"):format(all, i, input)) end
  local out = {}
  with_snapshot_every(1, function() counts(input, cp, out) end)
  for v = 0, 4 do
    t.ok(os.rename(("%s/state/0/%d.snapshot"):format(cp, v), ("%s/state/0/%d"):format(cp, v)), "renamed")
  end
  t.same_table(listing(cp .. "/state/0"), { "0", "1", "2", "3", "4" })
  for i = 5, 11 do os.execute(("cp '%s/%02d.csv' '%s/'"):format(all, i, input)) end
  with_snapshot_every(3, function() counts(input, cp, out, nil, 3) end)
  t.same_table(out, expected)
  -- The states of 8 to 11 are kept: from the snapshot at 6; the old files went.
  t.same_table(listing(cp .. "/state/0"), { "6.snapshot", "7.delta", "8.delta", "9.snapshot", "10.delta",
    "11.delta" })

  -- dropDuplicates' keys (state/1/N) as well.
  local function dedup(dir, cpath, rows)
    local q = stream(dir):dropDuplicates("site").writeStream
      :foreachBatch(function(df, epoch) rows[epoch + 1] = t.rows(df:select("site")) end)
      :option("checkpointLocation", cpath):trigger { availableNow = true }:start()
    q:awaitTermination()
  end
  local want, got = {}, {}
  dedup(all, t.tempdir() .. "/cp", want)
  input, cp = t.tempdir(), t.tempdir() .. "/cp"
  for i = 0, 2 do os.execute(("cp '%s/%02d.csv' '%s/'"):format(all, i, input)) end
  with_snapshot_every(1, function() dedup(input, cp, got) end)
  for v = 0, 2 do os.rename(("%s/state/1/%d.snapshot"):format(cp, v), ("%s/state/1/%d"):format(cp, v)) end
  for i = 3, 11 do os.execute(("cp '%s/%02d.csv' '%s/'"):format(all, i, input)) end
  dedup(input, cp, got)
  t.same_table(got, want)
end)

t.test("a missing or corrupt state file fails the start, naming the checkpoint and the file", function()
  local input, cp = small_input(5), t.tempdir() .. "/cp"
  counts(input, cp, {})
  t.same_table(listing(cp .. "/state/0"), { "0.snapshot", "1.delta", "2.delta", "3.delta", "4.delta" })
  add_file(input, "05.csv", { { "s0", 1, 1.0, at(5) } })
  local saved = t.read(cp .. "/state/0/2.delta")
  os.remove(cp .. "/state/0/2.delta")
  local err = t.raises(function() counts(input, cp, {}) end)
  t.has(err, ("checkpoint %s: state/0/2.delta is missing: it is needed to rebuild the state after batch 4,"
    .. " which batch 5 starts from"):format(cp))
  t.write(cp .. "/state/0/2.delta", saved)
  local third = t.read(cp .. "/state/0/3.delta")
  t.write(cp .. "/state/0/3.delta", '{"site":"s0","__partial1":')
  err = t.raises(function() counts(input, cp, {}) end)
  t.has(err, ("checkpoint %s: state/0/3.delta is corrupt or unreadable"):format(cp))
  t.write(cp .. "/state/0/3.delta", third)
  os.remove(cp .. "/state/0/0.snapshot")
  err = t.raises(function() counts(input, cp, {}) end)
  t.has(err, ("checkpoint %s: state/0/0.snapshot is missing"):format(cp))
  -- Nothing was written past the missing file: the query had not started.
  t.eq(t.read(cp .. "/state/0/2.delta"), saved)
  t.ok(not io.open(cp .. "/state/0/5.delta"), "no state for batch 5")
end)

t.test("a replayed epoch overwrites its own delta, and computes the same output", function()
  local input = small_input(8)
  local expected = {}
  counts(input, t.tempdir() .. "/cp", expected)
  -- Epoch 4 wrote its delta, then its sink failed.
  local cp, out = t.tempdir() .. "/cp", {}
  counts(input, cp, out, 4)
  local written = t.read(cp .. "/state/0/4.delta")
  t.ok(not io.open(cp .. "/commits/4"), "epoch 4 not committed")
  -- Left as it is, the replay would not read it; make it wrong to see that
  -- the replay writes it again.
  t.write(cp .. "/state/0/4.delta", '{"site":"bogus","__partial1":99}\n')
  counts(input, cp, out, nil)
  t.same_table(out, expected)
  t.eq(t.read(cp .. "/state/0/4.delta"), written)
  -- A restart reads it back.
  add_file(input, "08.csv", { { "s1", 1, 1.0, at(8) } })
  local more = {}
  counts(input, cp, more)
  local uninterrupted = {}
  counts(input, t.tempdir() .. "/cp", uninterrupted)
  t.same_table(more[9], uninterrupted[9])

  -- Replayed under another snapshot interval: the epoch's snapshot
  -- replaces its delta.
  cp, out = t.tempdir() .. "/cp", {}
  counts(input, cp, out, 4)
  t.ok(io.open(cp .. "/state/0/4.delta"), "4.delta written")
  with_snapshot_every(2, function() counts(input, cp, out) end)
  t.same_table(out, uninterrupted)
  t.same_table(listing(cp .. "/state/0"), { "0.snapshot", "1.delta", "2.delta", "3.delta", "4.snapshot", "5.delta",
    "6.snapshot", "7.delta", "8.snapshot" })
end)

t.test("the watermark's split shares the batch when it passes none of its rows, and copies none for nothing", function()
  local state_store = require("tide.state_store")
  local rows = tide.batch.fromRows({ { 1, at(0) }, { 2, at(60) }, { 3, nil } }, "id int, at timestamp")
  local before, after = (BASE - 1) * 1000000, BASE * 1000000
  local all, late = state_store.byTime(rows, 1, before, true)
  t.ok(rawequal(all, rows), "every row after the watermark: the batch itself")
  t.eq(late, 0)
  local kept, removed = state_store.evict(rows, 1, before)
  t.ok(rawequal(kept, rows) and removed == nil, "nothing to evict: the batch kept, no removed rows")
  kept, removed = state_store.evict(rows, 1, after)
  t.same_table({ kept:count(), removed:count(), removed:collect()[1].id }, { 2, 1, 1 })
end)

t.test("minDeltasForSnapshot must be a whole number >= 1, checked when it is set", function()
  for _, bad in ipairs({ "0", "1.5", "x" }) do
    local err = t.raises(function() spark.conf:set(SNAPSHOT_CONF, bad) end)
    t.at_caller(err)
    t.has(err, ("spark.sql.streaming.stateStore.minDeltasForSnapshot must be a whole number >= 1, not %q"):format(bad))
  end
  t.eq(spark.conf:get(SNAPSHOT_CONF), "10", "nothing kept: Spark's default")
end)

t.run()
