-- A Spark job ported to tide, against the real Kafka broker and the test
-- PostgreSQL: an error of the plan inside a jdbc write (a model's invalid
-- row) comes out as itself, naming the Kafka record, not as a PostgreSQL
-- failure; an epoch the jdbc writer skips on a replay is reported as 0 rows
-- written, with a line on stderr; minOffsetsPerTrigger puts batches off
-- until enough records or maxTriggerDelay; the producer says when the
-- seed's WAIT_TIME paces it.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local pg = require("tide.pg")
local spark = tide.session()

local bootstrap = t.kafka_bootstrap()
local ci = t.pg_conninfo()
local admin = tide.admin.client(bootstrap)

local N, BAD = 20000, 15000 -- records; the one without "hour"

-- A topic of `partitions` partitions holding N JSON records in one
-- partition, record BAD without its hour (offset BAD of partition 0).
local function events_topic(partitions)
  local topic = t.unique("porting")
  admin:createTopic(topic, partitions)
  local values = {}
  for i = 0, N - 1 do
    values[i + 1] = i == BAD and ('{"id": %d}'):format(i) or ('{"id": %d, "hour": %d}'):format(i, i % 24)
  end
  local keys = {}
  for i = 1, N do keys[i] = "same" end -- one partition for all
  t.eq(tide.kafka.produce { bootstrap = bootstrap, topic = topic, values = values, keys = keys }, N)
  local at = spark.read:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", topic)
    :load():where("CAST(value AS STRING) NOT LIKE '%hour%'"):collect()
  t.eq(#at, 1)
  return topic, at[1].partition, at[1].offset
end

local function events(topic)
  return spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
    :option("subscribe", topic):option("startingOffsets", "earliest"):load()
    :selectExpr("CAST(value AS STRING) AS value")
    :select(F.from_json("value", "id long, hour int"):alias("d")):select("d.*")
end

local assembler = tide.ml.VectorAssembler { inputCols = { "hour" }, outputCol = "features" }

-- Runs df's stream to its end with fn as its foreachBatch function; the
-- query's error.
local function run_batches(df, fn)
  local q = df.writeStream:option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }
    :foreachBatch(fn):start()
  local ok, err = pcall(q.awaitTermination, q, 120)
  t.ok(not q:isActive())
  return not ok and tostring(err) or nil
end

local function jdbc_write(df, tbl)
  df:select("id", "hour").write:format("jdbc"):option("url", ci):option("dbtable", tbl):mode("append"):save()
end

local function not_postgres(err)
  t.ok(err, "the query failed")
  t.ok(not err:find("PostgreSQL", 1, true), "not a PostgreSQL failure: " .. err)
  t.ok(err:find('VectorAssembler: row %d+: Encountered null while assembling a row with handleInvalid = "error" %(column hour%)'),
    err)
end

t.test("a model's invalid row in the stream's plan, written by jdbc in foreachBatch, names its record", function()
  local topic, partition, offset = events_topic(3)
  local tbl = t.unique("porting_t")
  local err = run_batches(assembler:transform(events(topic)), function(df) jdbc_write(df, tbl) end)
  not_postgres(err)
  t.ok(err:find(("(topic %s partition %d offset %d)"):format(topic, partition, offset), 1, true), err)
end)

t.test("a model's invalid row in foreachBatch's own plan names its record, or its piece", function()
  local topic, partition, offset = events_topic(1)
  local tbl = t.unique("porting_t")
  local err = run_batches(events(topic), function(df) jdbc_write(assembler:transform(df), tbl) end)
  not_postgres(err)
  -- one partition's range: the piece's row is the record
  t.ok(err:find(("(topic %s partition %d offset %d)"):format(topic, partition, offset), 1, true), err)
  -- Records spread over partitions are read in pieces of several
  -- partitions, in no defined order: the error names the epoch, the
  -- piece and its offsets.
  local spread = t.unique("porting")
  admin:createTopic(spread, 3)
  local values = {}
  for i = 0, N - 1 do values[i + 1] = i == BAD and '{"id": 1}' or ('{"id": %d, "hour": 1}'):format(i) end
  local keys = {}
  for i = 1, N do keys[i] = "k" .. (i % 7) end
  tide.kafka.produce { bootstrap = bootstrap, topic = spread, values = values, keys = keys }
  err = run_batches(events(spread), function(df) jdbc_write(assembler:transform(df), tbl) end)
  not_postgres(err)
  t.ok(err:find("%(epoch 0, piece %d+ of %d+ of the micro%-batch, read from topic " .. spread:gsub("%p", "%%%0")
    .. " partition %d offsets %d+ to %d+, partition"), err)
end)

t.test("a model's invalid row before the jdbc sink names its record", function()
  local topic, partition, offset = events_topic(1)
  local q = assembler:transform(events(topic)):select("id", "hour").writeStream:format("jdbc")
    :option("url", ci):option("dbtable", t.unique("porting_sink")):option("checkpointLocation", t.tempdir() .. "/cp")
    :trigger { availableNow = true }:start()
  local ok, err = pcall(q.awaitTermination, q, 120)
  t.ok(not ok)
  err = tostring(err)
  not_postgres(err)
  t.ok(err:find(("(topic %s partition %d offset %d)"):format(topic, partition, offset), 1, true), err)
end)

-- Runs fn with io.stderr's writes collected; returns them.
local function stderr_of(fn)
  local real, lines = io.stderr, {}
  io.stderr = { write = function(_, ...) for _, s in ipairs({ ... }) do lines[#lines + 1] = tostring(s) end end }
  local ok, err = pcall(fn)
  io.stderr = real
  if not ok then error(err, 0) end
  return table.concat(lines)
end

-- A topic of 500 records.
local function small_topic()
  local topic = t.unique("porting")
  admin:createTopic(topic, 1)
  local values = {}
  for i = 0, 499 do values[i + 1] = ('{"id": %d, "hour": 1}'):format(i) end
  tide.kafka.produce { bootstrap = bootstrap, topic = topic, values = values }
  return topic
end

t.test("an epoch the jdbc sink skips on a replay counts 0 rows written and says so on stderr", function()
  local topic, tbl, dir = small_topic(), t.unique("porting_replay"), t.tempdir() .. "/cp"
  local function run()
    local q = events(topic).writeStream:format("jdbc"):queryName(tbl):option("url", ci):option("dbtable", tbl)
      :option("checkpointLocation", dir):trigger { once = true }:start()
    q:awaitTermination(60)
    return q
  end
  local q = run()
  t.eq(q:lastProgress().sink.numOutputRows, 500)
  -- a crash after the sink committed, before commits/0: the restart replays epoch 0
  t.ok(os.remove(dir .. "/commits/0"))
  local said = stderr_of(function() q = run() end)
  t.eq(q:lastProgress().batchId, 0)
  t.eq(q:lastProgress().numInputRows, 500)
  t.eq(q:lastProgress().sink.numOutputRows, 0, "nothing written by the replay")
  t.eq(pg.query(ci, "SELECT count(*) AS n FROM " .. tbl):collect()[1].n, 500)
  t.eq(said, ('tide: query %s (id %s) epoch 0: already written to "%s" before a restart; skipped\n')
    :format(tbl, q.id, tbl))
end)

t.test("a jdbc write in foreachBatch that a replay skips says so on stderr", function()
  local topic, tbl, dir = small_topic(), t.unique("porting_replay"), t.tempdir() .. "/cp"
  local statuses = {}
  local function run()
    local q = events(topic).writeStream:option("checkpointLocation", dir):trigger { once = true }
      :foreachBatch(function(df)
        local _, status = df.write:format("jdbc"):option("url", ci):option("dbtable", tbl):mode("append"):save()
        statuses[#statuses + 1] = status
      end):start()
    q:awaitTermination(60)
    return q
  end
  run()
  t.ok(os.remove(dir .. "/commits/0"))
  local q
  local said = stderr_of(function() q = run() end)
  t.same_table(statuses, { "written", "skipped" })
  t.eq(said, ('tide: query (id %s) epoch 0: already written to "%s" before a restart; skipped\n'):format(q.id, tbl))
end)

t.test("minOffsetsPerTrigger puts batches off until enough records arrive or maxTriggerDelay passes", function()
  local topic = t.unique("porting_min")
  admin:createTopic(topic, 2)
  local function produce(n)
    local values = {}
    for i = 1, n do values[i] = "v" .. i end
    tide.kafka.produce { bootstrap = bootstrap, topic = topic, values = values }
  end
  produce(5)
  local batches = {}
  local q = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", topic)
    :option("startingOffsets", "earliest"):option("minOffsetsPerTrigger", 10):option("maxTriggerDelay", "3s"):load()
    .writeStream:option("checkpointLocation", t.tempdir() .. "/cp")
    :foreachBatch(function(df) batches[#batches + 1] = { rows = df:count(), at = tide.now() } end):start()
  -- as in Spark, the first trigger runs with what there is
  q:awaitTermination(1.5)
  t.eq(#batches, 1)
  t.eq(batches[1].rows, 5)
  produce(4)
  q:awaitTermination(1)
  t.eq(#batches, 1, "4 records of 10: put off")
  produce(6)
  q:awaitTermination(1)
  t.eq(#batches, 2, "10 records: run")
  t.eq(batches[2].rows, 10)
  local before = tide.now()
  produce(2)
  q:awaitTermination(5)
  q:stop()
  t.eq(#batches, 3, "maxTriggerDelay ended the wait")
  t.eq(batches[3].rows, 2)
  local waited = batches[3].at - before
  t.ok(waited > 1.5 and waited < 4, ("2 records waited %.2f s of the 3-s maxTriggerDelay"):format(waited))
end)

t.test("the producer says when the seed's WAIT_TIME paces it; --rate 0 sends as fast as possible", function()
  local root = os.getenv("TIDE_SOURCE_DIR") or "."
  local bin = os.getenv("TIDE_BIN") or "build/tide"
  local csv = t.tempdir() .. "/events.csv"
  local f = assert(io.open(csv, "w"))
  f:write("id,hour\n")
  for i = 1, 20 do f:write(("%d,%d\n"):format(i, i % 24)) end
  f:close()
  local topic = t.unique("porting_producer")
  admin:createTopic(topic, 1)
  local cmd = ("WAIT_TIME=0.05 '%s' run '%s/scripts/producer.lua' '%s' --bootstrap %s --topic %s --quiet")
    :format(bin, root, csv, bootstrap, topic)
  local out, status = t.sh(cmd)
  t.eq(status, 0, out)
  t.ok(out:find("producer: WAIT_TIME=0.05: 20 messages/s (--rate 0 sends as fast as possible)", 1, true), out)
  local secs = tonumber(out:match("sent 20 messages to %S+ in ([%d.]+) s"))
  t.ok(secs and secs >= 0.8, "20 messages at 20/s: " .. out)
  out, status = t.sh(cmd .. " --rate 0")
  t.eq(status, 0, out)
  t.ok(not out:find("WAIT_TIME", 1, true), out)
  secs = tonumber(out:match("sent 20 messages to %S+ in ([%d.]+) s"))
  t.ok(secs and secs < 0.8, "--rate 0 overrides WAIT_TIME: " .. out)
end)

t.run()
