-- What a Spark user porting a job runs into first, each refused or
-- reported where it is made rather than ignored: conflicting triggers,
-- an empty kafka.bootstrap.servers, Spark Kafka options tide does not
-- implement (and minOffsetsPerTrigger, which it does), tide.admin calls
-- with wrong arguments, and the producer's --help. No service is needed:
-- the Kafka cases use an address where nothing listens.
local t = require("testing")
local has, at_caller = t.has, t.at_caller
local tide = require("tide")
local spark = tide.session()

local tmp = t.tempdir()
local NOWHERE = "127.0.0.1:1" -- connection refused at once

local function rate()
  return spark.readStream:format("rate"):option("rowsPerSecond", 100):load()
end

local function kafka_reader(options, bootstrap)
  local r = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap or NOWHERE)
    :option("subscribe", "porting_never_created")
  for k, v in pairs(options or {}) do r:option(k, v) end
  return r
end

-- Runs a script (text) with the tide binary; its output (stdout and
-- stderr) and exit status.
local function run_script(name, text, env) return t.run_script(tmp, name, text, env) end

-- ---- Python habits -----------------------------------------------------------------

t.test("Python's True, False and None fail where they are read, naming the Lua spelling", function()
  t.raises_at_caller {
    { function() return spark.read:option("header", True) end, "True is Python; in Lua write true" },
    { function() return rate().writeStream:trigger { once = False } end, "False is Python; in Lua write false" },
    { function() return None end, "None is Python; in Lua write nil" },
  }
  -- a script's own global of that name is its own
  rawset(_G, "None", 0)
  t.eq(None, 0)
  rawset(_G, "None", nil)
end)

t.test("a nil among a method's columns fails naming the method and the argument, not dropping the rest", function()
  local df = spark:createDataFrame({ { 1, "a" } }, "id int, name string")
  t.raises_at_caller {
    { function() df:select(df.columns[0]):show() end, "select: argument 1 is nil (a misspelt variable? Lua's lists start at 1" },
    { function() df:select("id", nil, "name"):show() end, "select: argument 2 is nil" },
    { function() df:groupBy(nil):count():show() end, "groupBy: argument 1 is nil" },
    { function() df:drop(nil):show() end, "drop: argument 1 is nil" },
    { function() df:orderBy("name", nil, "id"):show() end, "orderBy: argument 2 is nil" },
  }
end)

t.test("a Column compared with a number by < or > fails with the methods that do it", function()
  local out, status = run_script("compare.lua", [[
local tide = require("tide")
local F = tide.functions
local df = tide.session():createDataFrame({ { 1 }, { 2 } }, "id int")
df:filter(F.col("id") > 1):show()
]])
  t.eq(status, 1, out)
  has(out, 'compare.lua:4: attempt to compare number with table (if the table is a Column: Lua\'s < > <= >= '
    .. 'cannot compare one with a number; write F.col("x"):gt(1), :ge, :lt, :le)')
end)

t.test("a script using the shell's globals (tide, spark, F) is told to make its own", function()
  local out, status = run_script("globals.lua", 'print(tide.version())\n')
  t.eq(status, 1, out)
  has(out, [[globals.lua:1: attempt to index global 'tide' (a nil value) (a script defines its own: local tide = ]]
    .. [[require("tide"); only the console predefines tide)]])
  out = run_script("spark.lua", 'local df = spark.read:csv("x.csv")\n')
  has(out, "(a script makes its own: local spark = tide.session(); local F = tide.functions)")
end)

-- ---- triggers ----------------------------------------------------------------------

t.test("a trigger of more than one kind is refused, as PySpark's 'Multiple triggers not allowed'", function()
  local ws = rate().writeStream
  local err = t.raises(function() ws:trigger { once = true, processingTime = "1 second" } end)
  has(err, "trigger takes one kind, not several (processingTime, once)")
  at_caller(err)
  err = t.raises(function() ws:trigger { availableNow = true, once = true } end)
  has(err, "(once, availableNow)")
  err = t.raises(function() ws:trigger { processingTime = "1 second", continuous = "1 second" } end)
  has(err, "not several")
  -- a misspelled kind is not taken for none
  err = t.raises(function() ws:trigger { once = true, procesingTime = "1 second" } end)
  has(err, "trigger: unknown key procesingTime")
  err = t.raises(function() ws:trigger { once = false } end)
  has(err, "trigger: once must be true, not false")
  err = t.raises(function() ws:trigger("5 seconds") end)
  has(err, "trigger takes a table")
  -- one kind is as before
  t.eq(ws:trigger { processingTime = "2 seconds" }.trig.interval, 2000)
  t.eq(ws:trigger { processingTime = "1 day" }.trig.interval, 86400000)
  t.eq(ws:trigger { once = true }.trig.kind, "once")
  t.eq(ws:trigger { availableNow = true }.trig.kind, "availableNow")
  err = t.raises(function() ws:trigger { continuous = "1 second" } end)
  has(err, "continuous triggers are not supported")
end)

-- ---- kafka.bootstrap.servers "" ------------------------------------------------------

t.test("an empty kafka.bootstrap.servers fails at load() and start(), naming the option", function()
  for _, empty in ipairs({ "", " ", "," }) do
    local err = t.raises(function() kafka_reader(nil, empty):load() end)
    has(err, 'the kafka source\'s option "kafka.bootstrap.servers" is empty')
    at_caller(err)
    err = t.raises(function() spark.read:format("kafka"):option("kafka.bootstrap.servers", empty)
      :option("subscribe", "t"):load() end)
    has(err, 'option "kafka.bootstrap.servers" is empty')
  end
  local err = t.raises(function()
    rate():selectExpr("CAST(value AS STRING) AS value").writeStream:format("kafka")
      :option("kafka.bootstrap.servers", ""):option("topic", "t")
      :option("checkpointLocation", tmp .. "/empty_bootstrap"):start()
  end)
  has(err, 'the kafka sink\'s option "kafka.bootstrap.servers" is empty')
  at_caller(err)
  err = t.raises(function()
    spark:createDataFrame({ { "a" } }, "value string").write:format("kafka")
      :option("kafka.bootstrap.servers", ""):option("topic", "t"):option("deliveryTimeoutMs", 1000):save()
  end)
  has(err, 'the kafka sink\'s option "kafka.bootstrap.servers" is empty')
  err = t.raises(function() tide.kafka.read { bootstrap = " ", topic = "t" } end)
  has(err, "kafka.read: bootstrap is required")
  err = t.raises(function() tide.kafka.produce { topic = "t" } end)
  has(err, "kafka.produce: bootstrap is required")
end)

-- ---- Spark's Kafka options -----------------------------------------------------------

t.test("Spark's timestamp options are checked at load(), naming the option", function()
  t.raises_at_caller {
    { function() kafka_reader({ startingTimestamp = "yesterday" }):load() end,
      'option startingTimestamp: "yesterday" is not a timestamp (milliseconds since 1970' },
    { function() kafka_reader({ startingOffsetsByTimestamp = '{"t":{"0":-5}}' }):load() end,
      "option startingOffsetsByTimestamp topic t partition 0: -5 is not a timestamp" },
    { function() kafka_reader({ startingOffsetsByTimestamp = "1700000000000" }):load() end,
      "option startingOffsetsByTimestamp must be JSON such as" },
    { function() kafka_reader({ startingTimestamp = 1, startingOffsetsByTimestampStrategy = "earliest" }):load() end,
      'option startingOffsetsByTimestampStrategy must be error or latest, not "earliest"' },
    { function() kafka_reader({ endingTimestamp = 1700000000000 }):load() end,
      "option endingTimestamp is for batch reads (spark.read), not streams" },
  }
end)

t.test("option assign: partitions are whole numbers, and at least one is named", function()
  local function assign(json)
    return spark.readStream:format("kafka"):option("kafka.bootstrap.servers", NOWHERE):option("assign", json)
  end
  t.raises_at_caller {
    { function() assign('{"t":["0"]}'):load() end, 'option assign: topic t: "0" is not a partition' },
    { function() assign('{"t":[1.5]}'):load() end, "option assign: topic t: 1.5 is not a partition" },
    { function() assign("{}"):load() end, "option assign names no partition" },
  }
end)

t.test("Spark's Kafka tuning options without a counterpart in tide warn once each on stderr", function()
  local out, status = run_script("tuning.lua", ([[
local spark = require("tide").session()
spark.readStream:format("kafka"):option("kafka.bootstrap.servers", %q):option("subscribe", "x")
  :option("minPartitions", 4):option("fetchOffset.numRetries", 5):option("kafkaConsumer.pollTimeoutMs", 1000)
  :option("groupIdPrefix", "porting"):option("maxTriggerDelay", "5m"):load()
print("loaded")
]]):format(NOWHERE))
  t.eq(status, 0, out)
  has(out, "loaded")
  has(out, 'tide: warning: kafka source option "minPartitions" has no effect in tide')
  has(out, 'tide: warning: kafka source option "fetchOffset.numRetries" has no effect in tide')
  local warnings = 0
  for _ in out:gmatch("tide: warning:") do warnings = warnings + 1 end
  t.eq(warnings, 2, "pollTimeoutMs, groupIdPrefix and maxTriggerDelay are used: " .. out)
end)

t.test("minOffsetsPerTrigger and maxTriggerDelay are checked at load()", function()
  for _, bad in ipairs({ "abc", 0, "2.5" }) do
    local err = t.raises(function() kafka_reader({ minOffsetsPerTrigger = bad }):load() end)
    has(err, ("option minOffsetsPerTrigger must be a whole number >= 1, not %q"):format(tostring(bad)))
    at_caller(err)
  end
  local err = t.raises(function() kafka_reader({ minOffsetsPerTrigger = 5, maxTriggerDelay = "soon" }):load() end)
  has(err, 'option maxTriggerDelay must be a duration such as "15m"')
end)

t.test("minOffsetsPerTrigger puts a batch off until enough offsets or maxTriggerDelay, as Spark", function()
  local kafka = require("tide.sources.kafka")
  local src = kafka.stream({ ["kafka.bootstrap.servers"] = NOWHERE, subscribe = "porting_never_created",
    minoffsetspertrigger = "10", maxtriggerdelay = "300ms" })
  local start = { t = { ["0"] = 100, ["1"] = 50 } }
  local function latest(a, b) return { t = { ["0"] = 100 + a, ["1"] = 50 + b } } end
  t.eq(src:delayBatch(start, latest(1, 0)), false, "the first trigger of a run is never put off")
  t.eq(src:delayBatch(start, latest(4, 5)), true, "9 offsets of 10")
  t.ok(src:delayLeftMs() > 0 and src:delayLeftMs() <= 300, "the delay left: " .. src:delayLeftMs())
  t.eq(src:delayBatch(start, latest(4, 6)), false, "10 offsets run at once")
  t.eq(src:delayBatch(start, latest(1, 0)), true, "the delay starts again at the last batch")
  tide.sleep(0.35)
  t.eq(src:delayBatch(start, latest(1, 0)), false, "maxTriggerDelay passed")
  src:stop()
  -- not given: nothing is put off
  local plain = kafka.stream({ ["kafka.bootstrap.servers"] = NOWHERE, subscribe = "porting_never_created" })
  t.eq(plain:delayBatch(start, latest(0, 1)), false)
  t.eq(plain:delayBatch(start, latest(0, 1)), false)
  plain:stop()
end)

-- ---- tide.admin ------------------------------------------------------------------------

t.test("tide.admin checks its arguments, naming the one that is wrong", function()
  local admin = tide.admin.client { bootstrap = NOWHERE, timeout = 1 }
  local err = t.raises(function() admin:deleteRecords("t") end)
  has(err, "admin:deleteRecords: partition must be a whole number >= 0, not nil")
  at_caller(err)
  t.ok(not err:find("tide_kafka_delete_records", 1, true), err)
  err = t.raises(function() admin:deleteRecords("t", 0) end)
  has(err, "admin:deleteRecords: before (the offset records are deleted below, or -1 for all) must be")
  err = t.raises(function() admin:createTopic(nil, 3) end)
  has(err, "admin:createTopic needs a topic name (a non-empty string), not nil")
  at_caller(err)
  err = t.raises(function() admin:createTopic("t", "3") end)
  has(err, 'admin:createTopic: partitions must be a whole number >= 1, not "3"')
  err = t.raises(function() admin:createTopic("t", 1, "retention.ms=1") end)
  has(err, "admin:createTopic: config must be a table of strings, not string")
  err = t.raises(function() admin:createPartitions("t") end)
  has(err, "admin:createPartitions: total (the new partition count) must be a whole number >= 1, not nil")
  err = t.raises(function() admin:deleteTopic("") end)
  has(err, 'admin:deleteTopic needs a topic name (a non-empty string), not ""')
  err = t.raises(function() admin.createTopic("t", 3) end)
  has(err, "Admin.createTopic called with '.': use admin:createTopic(...)")
  at_caller(err)
  for _, bad in ipairs({ "", " " }) do
    err = t.raises(function() tide.admin.client(bad) end)
    has(err, "tide.admin.client needs bootstrap servers")
    at_caller(err)
  end
  err = t.raises(function() tide.admin.client {} end)
  has(err, "tide.admin.client needs bootstrap servers (\"host:port[,host:port]\"), not nil")
end)

-- ---- scripts/producer.lua --help -------------------------------------------------------

t.test("the producer's --help gives each option's meaning and default", function()
  local root = os.getenv("TIDE_SOURCE_DIR") or "."
  local bin = os.getenv("TIDE_BIN") or "build/tide"
  local out, status = t.sh(("'%s' run '%s/scripts/producer.lua' --help 2>/dev/null"):format(bin, root))
  t.eq(status, 0, out)
  for _, option in ipairs({ "--bootstrap", "--topic", "--rate", "--wait", "--replicas", "--loop", "--limit",
                            "--key", "--quiet", "--producer-option" }) do
    has(out, "\n  " .. option .. " ")
  end
  has(out, "\n  -h, --help ")
  has(out, "[as fast as possible, unless $WAIT_TIME is set]")
  has(out, "the summary line")
  has(out, "queue.buffering.max.kbytes 65536]")
  out, status = t.sh(("'%s' run '%s/scripts/producer.lua' --rate fast"):format(bin, root))
  t.eq(status, 2, out)
  has(out, "--rate needs a number, not fast")
end)

t.run()
