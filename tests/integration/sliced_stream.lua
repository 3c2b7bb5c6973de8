-- A Kafka stream whose micro-batches run the plan in slices
-- (spark.tide.sliceRows): the same rows and numMalformedRows as over whole
-- batches, and a FAILFAST error names the record's topic, partition and
-- offset, not its position in the slice. The Kafka sink takes such a
-- batch piece by piece: the same records, and an epoch that fails in a
-- later piece commits nothing, so its restart writes it whole. Whichever
-- way a sink takes an epoch, offsets/N is on disk first.
local t = require("testing")
local tide = require("tide")
local F, T = tide.functions, tide.types
local spark = tide.session()

local bootstrap = t.kafka_bootstrap()
local name = t.unique("sliced")
tide.admin.client(bootstrap):createTopic(name, 1)

local N = 12000
local BAD = { [3] = true, [5001] = true, [11999] = true } -- offsets (one partition)
local values = {}
for i = 0, N - 1 do
  values[i + 1] = BAD[i] and ("{broken " .. i) or ('{"id": %d, "site": "s%d"}'):format(i, i % 13)
end
t.eq(tide.kafka.produce { bootstrap = bootstrap, topic = name, values = values }, N)
values = nil

local schema = T.struct { T.field("id", T.long), T.field("site", T.string) }

-- Runs the stream to its end with slices of `slice` rows; returns the
-- output rows as text, the malformed count and the query's error. watch(q)
-- is called once the query started.
local function run(slice, mode, start, watch)
  spark.conf:set("spark.tide.sliceRows", slice)
  local out = {}
  local q = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
    :option("subscribe", name):option("startingOffsets", start or "earliest"):option("maxOffsetsPerTrigger", 6000):load()
    :selectExpr("CAST(value AS STRING) AS value", "offset")
    :select(F.from_json("value", schema, { mode = mode }):alias("j"), "offset")
    :select("j.*", "offset"):withColumn("label", F.concat(F.col("site"), F.lit("#"), F.col("offset")))
    .writeStream:option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }
    :foreachBatch(function(df)
      local b = df:toBatch()
      local id, label = b:column("id"), b:column("label")
      for i = 0, b:count() - 1 do out[#out + 1] = tostring(id:get(i)) .. "/" .. tostring(label:get(i)) end
    end):start()
  if watch then watch(q) end
  local ok, err = pcall(q.awaitTermination, q, 120)
  spark.conf:unset("spark.tide.sliceRows")
  local malformed = 0
  for _, p in ipairs(q:recentProgress()) do malformed = malformed + p.numMalformedRows end
  return out, malformed, not ok and tostring(err) or nil
end

t.test("the stream's rows and malformed count are the same in slices of 700 as whole", function()
  local whole, wbad, werr = run(0, "PERMISSIVE")
  local sliced, sbad, serr = run(700, "PERMISSIVE")
  t.eq(werr, nil)
  t.eq(serr, nil)
  t.eq(#whole, N)
  t.eq(wbad, 3)
  t.eq(sbad, wbad, "numMalformedRows")
  t.ok(t.same(sliced, whole), "the same rows in the same order")
  t.eq(sliced[5002], "nil/nil", "offset 5001 gave a null row")
end)

t.test("FAILFAST names the record's offset from a later slice", function()
  -- From offset 4 on: the first batch [4, 6004) fails at offset 5001, its
  -- row 4997, row 97 of its slice 7.
  local _, _, err = run(700, "FAILFAST", ('{"%s":{"0":4}}'):format(name))
  t.ok(err, "the query failed")
  t.ok(err:find("Row 4997:", 1, true), err)
  t.ok(err:find(("(topic %s partition 0 offset 5001)"):format(name), 1, true), err)
end)

-- Runs the stream into the topic `out` with slices of 700 (the Kafka sink
-- takes each piece as it comes); returns the query's error and its
-- progress records.
local function run_to_kafka(out, mode, checkpoint, start, watch)
  spark.conf:set("spark.tide.sliceRows", 700)
  local q = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
    :option("subscribe", name):option("startingOffsets", start or "earliest"):option("maxOffsetsPerTrigger", 6000):load()
    :selectExpr("CAST(value AS STRING) AS value", "offset")
    :select(F.from_json("value", schema, { mode = mode }):alias("j"), "offset")
    :select(F.concat(F.coalesce(F.col("j.id"):cast("string"), F.lit("null")), F.lit("@"), F.col("offset")):alias("value"))
    .writeStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("topic", out)
    :option("checkpointLocation", checkpoint):trigger { availableNow = true }:start()
  if watch then watch(q) end
  local ok, err = pcall(q.awaitTermination, q, 120)
  spark.conf:unset("spark.tide.sliceRows")
  return not ok and tostring(err) or nil, q:recentProgress()
end

-- The output topic's values in offset order.
local function topic_values(out)
  local values = {}
  for _, r in ipairs(spark.read:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", out)
      :load():selectExpr("CAST(value AS STRING) AS v", "offset"):orderBy("offset"):collect()) do
    values[#values + 1] = r.v
  end
  return values
end

t.test("the Kafka sink writes a sliced batch piece by piece: every record, in order", function()
  local out = t.unique("sliced_out")
  tide.admin.client(bootstrap):createTopic(out, 1)
  -- Every piece handed to the sink is released (its memory goes with the
  -- sink's own reference), not left to a garbage collection.
  local batchlib = require("tide.batch")
  local probe = require("tide.sinks.kafka").new({ opts = { ["kafka.bootstrap.servers"] = bootstrap, topic = out } },
    T.fromDDL("value string"))
  local Sink = getmetatable(probe)
  probe:stop()
  -- (strong tables: the objects are compared, never used)
  local handed, released = {}, {}
  local add, release = Sink.addPiece, batchlib.release
  Sink.addPiece = function(self, epoch, batch)
    handed[batch] = true
    return add(self, epoch, batch)
  end
  batchlib.release = function(b)
    released[b] = true
    return release(b)
  end
  local ok, err, progress = pcall(run_to_kafka, out, "PERMISSIVE", t.tempdir() .. "/cp")
  Sink.addPiece, batchlib.release = add, release
  t.ok(ok, tostring(err))
  local pieces, freed = 0, 0
  for b in pairs(handed) do
    pieces = pieces + 1
    if released[b] then freed = freed + 1 end
  end
  t.ok(pieces >= 2, pieces .. " pieces")
  t.eq(freed, pieces, "pieces released once handed over")
  t.eq(err, nil)
  local written = 0
  for _, p in ipairs(progress) do
    t.eq(p.sink.numOutputRows, p.numInputRows, "batch " .. p.batchId .. " wrote what it read")
    written = written + p.sink.numOutputRows
  end
  t.eq(written, N)
  local values = topic_values(out)
  t.eq(#values, N)
  for i = 0, N - 1 do
    local want = (BAD[i] and "null" or tostring(i)) .. "@" .. i
    if values[i + 1] ~= want then
      t.eq(values[i + 1], want, "record " .. i)
      break
    end
  end
end)

t.test("an epoch that fails in a later piece commits nothing; its restart writes it whole", function()
  local out = t.unique("sliced_fail")
  tide.admin.client(bootstrap):createTopic(out, 1)
  local cp = t.tempdir() .. "/cp"
  -- From offset 4 on, the first epoch [4, 6004) fails at offset 5001, in
  -- its eighth piece, after seven were handed to the sink.
  local from4 = ('{"%s":{"0":4}}'):format(name)
  local err = run_to_kafka(out, "FAILFAST", cp, from4)
  t.ok(err and err:find("offset 5001)", 1, true), err)
  t.eq(t.sh("ls " .. cp .. "/commits 2>/dev/null | wc -l"):match("%d+"), "0", "no epoch committed")
  err = run_to_kafka(out, "PERMISSIVE", cp, from4)
  t.eq(err, nil)
  t.eq(t.sh("ls " .. cp .. "/commits | wc -l"):match("%d+"), "2", "[4, 6004) and [6004, 12000) committed")
  -- At least once: every record of [4, N), those of the failed epoch's
  -- first pieces perhaps twice.
  local seen = {}
  for _, v in ipairs(topic_values(out)) do seen[v] = (seen[v] or 0) + 1 end
  for i = 4, N - 1 do
    local want = (BAD[i] and "null" or tostring(i)) .. "@" .. i
    local n = seen[want] or 0
    if n < 1 or n > 2 or (n == 2 and i >= 4904) then
      t.eq(n, "once (or twice if before offset 4904)", want .. " in the output topic")
      break
    end
  end
end)

-- Watches a started query: every call of its sink for an epoch must come
-- after the checkpoint waited for that epoch's offsets/N to be on disk, and
-- find the file whole. Fills `calls` with "method epoch" for each call.
local function offsets_first(calls)
  return function(q)
    local cp, sink = q.checkpoint, q.sink
    local pending, durable = nil, {}
    local write, await = cp.writeOffsets, cp.awaitOffsets
    cp.writeOffsets = function(self, n, ...)
      write(self, n, ...)
      pending = n
    end
    cp.awaitOffsets = function(self)
      await(self)
      if pending then durable[pending], pending = true, nil end
    end
    for _, method in ipairs({ "addBatch", "addPieces", "addPiece", "endPieces" }) do
      local f = sink[method]
      if f then
        sink[method] = function(self, epoch, ...)
          if calls[#calls] ~= method .. " " .. epoch then calls[#calls + 1] = method .. " " .. epoch end
          if not durable[epoch] then error(("%s of epoch %d before its offsets were on disk"):format(method, epoch), 0) end
          local text = t.read(("%s/offsets/%d"):format(cp.dir, epoch))
          if not text:match('^v1\n{.-}\n{"') then error(("offsets/%d is not whole: %s"):format(epoch, text), 0) end
          return f(self, epoch, ...)
        end
      end
    end
  end
end

t.test("a sink sees an epoch only once its offsets are on disk: whole, in pieces, piece by piece", function()
  -- offsets/N is written by a thread while the epoch's first piece is made
  local calls = {}
  local rows, _, err = run(0, "PERMISSIVE", nil, offsets_first(calls))
  t.eq(err, nil)
  t.eq(#rows, N)
  t.ok(t.same(calls, { "addBatch 0", "addBatch 1" }), table.concat(calls, ", "))
  calls = {}
  rows, _, err = run(700, "PERMISSIVE", nil, offsets_first(calls))
  t.eq(err, nil)
  t.eq(#rows, N)
  t.ok(t.same(calls, { "addPieces 0", "addPieces 1" }), table.concat(calls, ", "))
  calls = {}
  -- a sink that takes only whole batches, over a batch made in pieces
  spark.conf:set("spark.tide.sliceRows", 700)
  local table_name = t.unique("sliced_memory")
  local q = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
    :option("subscribe", name):option("startingOffsets", "earliest"):option("maxOffsetsPerTrigger", 6000):load()
    :selectExpr("CAST(value AS STRING) AS value")
    .writeStream:format("memory"):queryName(table_name):trigger { availableNow = true }:start()
  offsets_first(calls)(q)
  local ok, qerr = pcall(q.awaitTermination, q, 120)
  spark.conf:unset("spark.tide.sliceRows")
  t.ok(ok, tostring(qerr))
  t.eq(spark:table(table_name):count(), N)
  t.ok(t.same(calls, { "addBatch 0", "addBatch 1" }), table.concat(calls, ", "))
  calls = {}
  local out = t.unique("sliced_durable")
  tide.admin.client(bootstrap):createTopic(out, 1)
  err = run_to_kafka(out, "PERMISSIVE", t.tempdir() .. "/cp", nil, offsets_first(calls))
  t.eq(err, nil)
  t.ok(t.same(calls, { "addPiece 0", "endPieces 0", "addPiece 1", "endPieces 1" }), table.concat(calls, ", "))
  t.eq(#topic_values(out), N)
end)

-- Runs fn() with calls to the Kafka source's methods named in `names`
-- counted; returns the counts and fn's pcall results.
local function counting(names, fn)
  local probe = require("tide.sources.kafka").stream { ["kafka.bootstrap.servers"] = bootstrap, subscribe = name }
  local Source = getmetatable(probe)
  probe:stop()
  local calls, saved = {}, {}
  for _, k in ipairs(names) do
    calls[k], saved[k] = 0, Source[k]
    Source[k] = function(...)
      calls[k] = calls[k] + 1
      return saved[k](...)
    end
  end
  local results = { pcall(fn) }
  for k, f in pairs(saved) do Source[k] = f end
  return calls, unpack(results)
end

t.test("each piece after a batch's first is fetched while the plan runs over the one before", function()
  local calls, ok, out, bad, err = counting({ "getBatch", "beginBatch", "endBatch" },
    function() return run(700, "PERMISSIVE") end)
  t.ok(ok, tostring(out))
  t.eq(err, nil)
  t.eq(#out, N)
  t.eq(bad, 3)
  -- two micro-batches of 6000 rows, in pieces of about 700: each batch's
  -- first piece is read at once, every other one ahead
  t.eq(calls.getBatch, 2, "pieces fetched on the spot")
  t.eq(calls.beginBatch, calls.endBatch, "every piece begun was taken")
  t.ok(calls.endBatch >= 2 * 7, "pieces fetched ahead: " .. calls.endBatch)
end)

t.test("with more batches to come, the next batch's first piece is fetched while this one ends", function()
  spark.conf:set("spark.tide.sliceRows", 700)
  local out = {}
  local calls, ok, err = counting({ "getBatch", "beginBatch", "endBatch", "fetchAhead" }, function()
    -- the default trigger: a batch after another while there are records
    local q = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
      :option("subscribe", name):option("startingOffsets", "earliest"):option("maxOffsetsPerTrigger", 6000):load()
      :selectExpr("CAST(value AS STRING) AS value", "offset")
      .writeStream:option("checkpointLocation", t.tempdir() .. "/cp")
      :foreachBatch(function(df)
        local b = df:toBatch()
        local offset = b:column("offset")
        for i = 0, b:count() - 1 do out[#out + 1] = offset:get(i) end
      end):start()
    q:processAllAvailable()
    q:stop()
  end)
  spark.conf:unset("spark.tide.sliceRows")
  t.ok(ok, tostring(err))
  t.eq(#out, N)
  for i = 1, N do
    if out[i] ~= i - 1 then t.eq(out[i], i - 1, "row " .. i .. " in offset order, once") end
  end
  -- two batches of 6000 in pieces of about 700: only the first batch's
  -- first piece is read on the spot
  t.eq(calls.getBatch, 1, "pieces fetched on the spot")
  t.ok(calls.fetchAhead >= 1, "the second batch's start fetched ahead")
  t.eq(calls.beginBatch, calls.endBatch, "every piece begun was taken")
end)

t.test("foreachBatch over the bare source takes its batch in pieces, and count() counts them apart", function()
  spark.conf:set("spark.tide.sliceRows", 700)
  local counts, kept, even = {}, {}, {}
  local calls, ok, err = counting({ "getBatch", "beginBatch", "endBatch" }, function()
    local q = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
      :option("subscribe", name):option("startingOffsets", "earliest"):option("maxOffsetsPerTrigger", 6000):load()
      .writeStream:option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }
      :foreachBatch(function(df)
        counts[#counts + 1] = df:count()
        -- not joined into one batch: the pieces are still apart
        kept[#kept + 1] = df._plan.source.pieces.n
        even[#even + 1] = df:where("offset % 2 = 0"):count()
      end):start()
    q:awaitTermination(120)
  end)
  spark.conf:unset("spark.tide.sliceRows")
  t.ok(ok, tostring(err))
  t.ok(t.same(counts, { 6000, 6000 }), table.concat(counts, ", "))
  t.ok(t.same(even, { 3000, 3000 }), table.concat(even, ", "))
  t.ok(kept[1] >= 8 and kept[2] >= 8, "pieces kept apart: " .. table.concat(kept, ", "))
  t.eq(calls.beginBatch, calls.endBatch, "every piece begun was taken")
  t.ok(calls.endBatch >= 2 * 7, "pieces fetched ahead: " .. calls.endBatch)
end)

t.run()
