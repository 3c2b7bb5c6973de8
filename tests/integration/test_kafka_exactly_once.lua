-- The Kafka sink's exactly-once mode (option kafka.transactional.id)
-- against the real broker: each epoch one transaction that also marks the
-- epoch committed. A Kafka -> Kafka query killed with SIGKILL at random
-- moments while records arrive, restarted on its checkpoint each time,
-- leaves every id exactly once for a read_committed reader; a replayed
-- epoch the marker shows committed writes nothing; a second producer with
-- the same transactional.id fences the first, which stops saying so; a
-- batch write is one transaction, all or nothing.
package.path = (os.getenv("TIDE_SOURCE_DIR") or ".") .. "/tests/faults/?.lua;" .. package.path
local t = require("testing")
local tide = require("tide")
local faults = require("faults")

local bootstrap = t.kafka_bootstrap()
local admin = tide.admin.client(bootstrap)
local spark = tide.session()

-- The records of topic as a reader with isolation level `level` reads
-- them: {id = copies}, and the count of records.
-- With `want`, read again (for up to 15 s) until at least that many
-- records come: a transaction's commit markers reach the partitions a
-- moment after the commit returns, and a read_committed reader sees its
-- records only then.
local function read_ids(topic, level, want)
  local rows
  local deadline = tide.now() + 15
  repeat
    rows = spark.read:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", topic)
      :option("kafka.isolation.level", level):load():selectExpr("CAST(value AS STRING) AS v"):collect()
    if not want or #rows >= want or tide.now() > deadline then break end
    tide.sleep(0.2)
  until false
  local copies = {}
  for _, r in ipairs(rows) do
    local id = r.v:match('"id":"(%d+)"')
    if not id then error("unexpected record " .. r.v, 2) end
    copies[id] = (copies[id] or 0) + 1
  end
  return copies, #rows
end

-- Every one of ids exactly once in copies, and nothing else.
local function check_exactly_once(copies, count, ids, what)
  local want = {}
  for _, id in ipairs(ids) do
    want[id] = true
    if copies[id] ~= 1 then error(("%s: id %s came %d times"):format(what, id, copies[id] or 0), 2) end
  end
  for id in pairs(copies) do
    if not want[id] then error(("%s: unexpected id %s"):format(what, id), 2) end
  end
  t.eq(count, #ids, what .. ": record count")
end

-- A script copying the JSON events of `input` to `output` through the
-- transactional sink; with the argument "finish" it writes what is there
-- and stops (availableNow). spec.sliceRows runs each batch in pieces of
-- that many rows, each taking spec.pieceMs more (a slow model's time), so
-- that a transaction stays open while its first pieces' records are
-- delivered.
local function copy_script(path, spec)
  t.write(path, ([[
local tide = require("tide")
local F = tide.functions
local spark = tide.session()
local slice_rows, piece_s = %d, %f
if slice_rows > 0 then spark.conf:set("spark.tide.sliceRows", slice_rows) end
local slow = F.udf(function(n, out, v)
  tide.sleep(piece_s)
  local values = {}
  for i = 0, n - 1 do values[i + 1] = v:get(i) end
  return values
end, "string")
local w = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", %q)
  :option("subscribe", %q):option("startingOffsets", "earliest"):option("maxOffsetsPerTrigger", %d):load()
  :select(slow(F.col("value"):cast("string")):alias("value"))
  .writeStream:format("kafka"):option("kafka.bootstrap.servers", %q):option("topic", %q)
  :option("kafka.transactional.id", %q):option("checkpointLocation", %q)
if arg[1] == "finish" then w = w:trigger{ availableNow = true } end
local q = w:start()
print("started")
io.stdout:flush()
q:awaitTermination()
]]):format(spec.sliceRows or 0, (spec.pieceMs or 0) / 1000, bootstrap, spec.input, spec.maxOffsetsPerTrigger,
    bootstrap, spec.output, spec.transactionalId, spec.checkpoint))
  return path
end

-- Runs the copy with opts (maxOffsetsPerTrigger, sliceRows, pieceMs),
-- killing it (SIGKILL) at a random moment after opts.perRun more records
-- arrived, again and again; then lets it finish. Every id is then in the
-- output exactly once for a read_committed reader. (Each transaction adds
-- a marker to the log, which tide's reader takes ~0.1 s to pass: the
-- counts keep the epochs to about a hundred.)
local function kill_and_check(opts)
  local kills = faults.long and 50 or 12
  local per_run = opts.perRun
  local dir = t.tempdir()
  local input, output = t.unique("eos_kill_in"), t.unique("eos_kill_out")
  admin:createTopic(input, 3)
  admin:createTopic(output, 3)
  local script = copy_script(dir .. "/copy.lua", { input = input, output = output,
    maxOffsetsPerTrigger = opts.maxOffsetsPerTrigger, sliceRows = opts.sliceRows, pieceMs = opts.pieceMs,
    transactionalId = t.unique("eos-kill"), checkpoint = dir .. "/cp" })
  local produced, ended_early = 0, {}
  for run = 1, kills do
    faults.produce(bootstrap, input, produced + 1, produced + per_run)
    produced = produced + per_run
    local p = faults.spawn(dir, script)
    tide.sleep(0.2 + math.random() * 1.5)
    if p:status() then
      ended_early[#ended_early + 1] = ("run %d ended with %d:\n%s"):format(run, p:status(), p:output())
    end
    t.eq(p:kill(), p:status() and p:status() or 137)
  end
  t.eq(#ended_early, 0, table.concat(ended_early, "\n"))
  local epochs = #require("tide.files").list(dir .. "/cp/commits")
  t.ok(epochs > 0, "the killed runs committed epochs")
  local p = faults.spawn(dir, script, "finish")
  t.eq(p:wait(300), 0, p:output())

  local ids = faults.ids(1, produced)
  local copies, committed = read_ids(output, "read_committed", #ids)
  check_exactly_once(copies, committed, ids, "read_committed")
  -- A read_uncommitted reader also reads the records of the transactions
  -- that the kills left open (aborted by the next run): every id, and
  -- maybe some twice.
  local all, uncommitted = read_ids(output, "read_uncommitted", committed)
  for _, id in ipairs(ids) do
    if not all[id] then error("read_uncommitted: id " .. id .. " is missing") end
  end
  t.ok(uncommitted >= committed, "read_uncommitted reads at least the committed records")
  local skipped = 0
  for n = 1, faults.spawned do
    local f = io.open(("%s/proc%d.log"):format(dir, n))
    if f then
      for _ in f:read("*a"):gmatch("already written to Kafka topic") do skipped = skipped + 1 end
      f:close()
    end
  end
  print(("  %d kills, %d records; %d epochs committed before the last run; read_uncommitted %d records (%d "
    .. "of aborted transactions); %d replayed epochs found committed"):format(kills, produced, epochs,
    uncommitted, uncommitted - committed, skipped))
end

t.test("SIGKILL at random moments, then restarts: read_committed holds every id exactly once", function()
  kill_and_check { maxOffsetsPerTrigger = 50, perRun = 400 }
end)

-- Batches of slow pieces: kills land inside transactions whose first
-- pieces' records are already in the log.
t.test("SIGKILL while a batch's pieces are sent in its transaction: the same", function()
  kill_and_check { maxOffsetsPerTrigger = 200, sliceRows = 20, pieceMs = 20, perRun = 1000 }
end)

-- The checkpoint's commit of the last epoch is removed, as if the query
-- had died between Kafka's commit and the checkpoint's: the restart
-- replays that epoch, finds it marked and writes nothing.
t.test("a replayed epoch the marker shows committed writes nothing; a fresh checkpoint writes all again", function()
  local dir = t.tempdir()
  local input, output = t.unique("eos_replay_in"), t.unique("eos_replay_out")
  admin:createTopic(input, 1)
  admin:createTopic(output, 2)
  faults.produce(bootstrap, input, 1, 500)
  local txid = t.unique("eos-replay")
  local function run(checkpoint)
    local q = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", input)
      :option("startingOffsets", "earliest"):option("maxOffsetsPerTrigger", 100):load()
      :selectExpr("CAST(value AS STRING) AS value")
      .writeStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("topic", output)
      :option("kafka.transactional.id", txid):option("checkpointLocation", checkpoint)
      :queryName("eos_replay"):trigger{ availableNow = true }:start()
    q:awaitTermination()
    local written = {}
    for _, p in ipairs(q:recentProgress()) do written[#written + 1] = p.sink.numOutputRows end
    return written, q.id
  end
  local written = run(dir .. "/cp")
  t.same_table(written, { 100, 100, 100, 100, 100 })
  t.ok(os.remove(dir .. "/cp/commits/4"), "commits/4 removed")
  local lines = t.stderr_of(function() written = run(dir .. "/cp") end)
  t.same_table(written, { 0 })
  t.eq(#lines, 1, table.concat(lines))
  t.has(lines[1], "query eos_replay (id ")
  t.has(lines[1], ("epoch 4: already written to Kafka topic %s (transactional.id %s) before a restart; skipped")
    :format(output, txid))
  local ids = faults.ids(1, 500)
  local copies, count = read_ids(output, "read_committed", 500)
  check_exactly_once(copies, count, ids, "after the replay")
  -- The marker names the query (its checkpoint's id): a query started on
  -- a new checkpoint is another query, and writes every epoch.
  written = run(dir .. "/cp2")
  t.same_table(written, { 100, 100, 100, 100, 100 })
  copies, count = read_ids(output, "read_committed", 1000)
  t.eq(count, 1000)
  for _, id in ipairs(ids) do t.eq(copies[id], 2, "id " .. id) end
end)

t.test("a second query with the same transactional.id fences the first, which stops saying so", function()
  local dir = t.tempdir()
  local input, other, output = t.unique("eos_fence_in"), t.unique("eos_fence_other"), t.unique("eos_fence_out")
  admin:createTopic(input, 1)
  admin:createTopic(other, 1)
  admin:createTopic(output, 1)
  local txid = t.unique("eos-fence")
  faults.produce(bootstrap, input, 1, 100)
  local first = faults.spawn(dir, copy_script(dir .. "/first.lua", { input = input, output = output,
    maxOffsetsPerTrigger = 20, transactionalId = txid, checkpoint = dir .. "/cp_first" }))
  t.wait_for(function()
    tide.sleep(0.2)
    return first:status() or select(2, read_ids(output, "read_committed")) >= 100
  end, 60)
  t.eq(first:status(), nil, first:output())
  -- The second query (its own checkpoint and input) starts its producer
  -- with the same transactional.id: the brokers fence the first's.
  faults.produce(bootstrap, other, 101, 110)
  local q = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", other)
    :option("startingOffsets", "earliest"):load():selectExpr("CAST(value AS STRING) AS value")
    .writeStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("topic", output)
    :option("kafka.transactional.id", txid):option("checkpointLocation", dir .. "/cp_second")
    :trigger{ availableNow = true }:start()
  q:awaitTermination()
  t.eq(q:exception(), nil)
  -- The first query's next epoch fails.
  faults.produce(bootstrap, input, 111, 130)
  local rc = first:wait(120)
  t.ok(rc and rc ~= 0, "the first query failed: " .. tostring(rc) .. "\n" .. first:output())
  t.has(first:output(), ('kafka sink: transactional.id "%s" is fenced: a newer producer with the same '
    .. "transactional.id started (another query or write uses it: give each query its own)"):format(txid))
  local copies, count = read_ids(output, "read_committed", 110)
  check_exactly_once(copies, count, faults.ids(1, 110), "the two queries' records")
end)

t.test("df.write with kafka.transactional.id: one transaction, all or nothing", function()
  local topic = t.unique("eos_write")
  admin:createTopic(topic, 2)
  local function frame(null_topic_at)
    local rows = {}
    for i = 1, 300 do rows[i] = { ('{"id":"%s"}'):format(faults.id(i)), i ~= null_topic_at and topic or nil } end
    return spark:createDataFrame(rows, "value string, topic string")
  end
  local function write(df)
    df.write:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
      :option("kafka.transactional.id", t.unique("eos-write")):save()
  end
  write(frame(nil))
  local copies, count = read_ids(topic, "read_committed", 300)
  check_exactly_once(copies, count, faults.ids(1, 300), "the write")
  -- Row 200 has no topic: the 199 records before it are sent, the write
  -- fails, and its transaction is aborted: none of them is read.
  local ok, err = pcall(write, frame(200))
  t.ok(not ok)
  t.has(err, "row 200 has a null topic and the sink has no topic option to fall back on (the transaction was aborted)")
  copies, count = read_ids(topic, "read_committed", 300)
  check_exactly_once(copies, count, faults.ids(1, 300), "after the failed write")
  -- They reached the log before the abort: a read_uncommitted reader
  -- reads them too.
  copies, count = read_ids(topic, "read_uncommitted", 300 + 199)
  t.eq(count, 300 + 199)
  for i = 1, 300 do t.eq(copies[faults.id(i)], i < 200 and 2 or 1, "id " .. faults.id(i)) end
end)

t.test("an empty kafka.transactional.id is refused at the start", function()
  local df = spark.readStream:format("rate"):load():selectExpr("CAST(value AS STRING) AS value")
  local ok, err = pcall(function()
    df.writeStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("topic", "t")
      :option("kafka.transactional.id", " "):option("checkpointLocation", t.tempdir() .. "/cp"):start()
  end)
  t.ok(not ok)
  t.has(err, 'the kafka sink\'s option "kafka.transactional.id" is empty')
end)

t.run()
