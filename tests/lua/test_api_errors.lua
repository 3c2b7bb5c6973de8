-- The mistakes a PySpark user makes first, each ending in an error (or a
-- warning) that names the option, method or place: option(key, nil), a
-- method called with '.', Lua's == in where(), bad Kafka options, a typo in
-- a sink format, an unreachable broker. No service is needed: the Kafka
-- cases use an address where nothing listens.
local t = require("testing")
local has, at_caller = t.has, t.at_caller
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local tmp = t.tempdir()
local NOWHERE = "127.0.0.1:1" -- connection refused at once

local function frame()
  return spark:createDataFrame({ { 1, "x" }, { 2, "y" } }, "id int, v string")
end

local function rate()
  return spark.readStream:format("rate"):option("rowsPerSecond", 100):load()
end

local function kafka_reader(options)
  local r = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", NOWHERE)
    :option("subscribe", "api_errors_never_created")
  for k, v in pairs(options or {}) do r:option(k, v) end
  return r
end

-- ---- option(key, nil) ------------------------------------------------------------

t.test("option(key, nil) fails at once, naming the option, on every reader and writer", function()
  local unset = os.getenv("TIDE_TEST_VARIABLE_THAT_IS_NOT_SET")
  local err = t.raises(function()
    spark.readStream:format("kafka"):option("kafka.bootstrap.servers", unset)
  end)
  has(err, 'option "kafka.bootstrap.servers" has no value (nil)')
  at_caller(err)
  err = t.raises(function() spark.read:format("csv"):option("header", nil) end)
  has(err, 'option "header" has no value (nil)')
  at_caller(err)
  err = t.raises(function() rate().writeStream:format("memory"):option("checkpointLocation", nil) end)
  has(err, 'option "checkpointLocation" has no value (nil)')
  at_caller(err)
  err = t.raises(function() frame().write:format("jdbc"):option("url", nil) end)
  has(err, 'option "url" has no value (nil)')
  at_caller(err)
  err = t.raises(function() frame().write:jdbc(unset, "t") end)
  has(err, "jdbc: url has no value (nil)")
  at_caller(err)
  -- A misspelt save mode, given to jdbc() or to mode(), names the caller's line.
  err = t.raises(function() frame().write:jdbc("jdbc:postgresql://127.0.0.1:1/x", "t", "apend") end)
  has(err, 'unknown save mode "apend"')
  at_caller(err)
  err = t.raises(function() frame().write:mode("apend") end)
  at_caller(err)
end)

-- Runs a script (text) with the tide binary in dir; its output (stdout
-- and stderr) and exit status.
local run_script = t.run_script

t.test("a nil checkpointLocation makes no directory named nil", function()
  -- in a directory of its own, where a ./nil would be made
  local dir = tmp .. "/nil_checkpoint"
  assert(os.execute("mkdir -p '" .. dir .. "'") == 0)
  local out, status = run_script(dir, "start.lua", [[
local spark = require("tide").session()
spark.readStream:format("rate"):load().writeStream:foreachBatch(function() end)
  :option("checkpointLocation", os.getenv("TIDE_TEST_VARIABLE_THAT_IS_NOT_SET")):start():stop()
]])
  t.eq(status, 1, out)
  has(out, 'start.lua:3: option "checkpointLocation" has no value (nil)')
  t.ok(not io.open(dir .. "/nil", "r"), "no ./nil made")
end)

t.test("numbers and booleans are still options, kept as text", function()
  local r = spark.readStream:format("rate"):option("rowsPerSecond", 5):option("flag", true)
    :options { numPartitions = 2 }
  t.eq(r.opts.rowspersecond, "5")
  t.eq(r.opts.flag, "true")
  t.eq(r.opts.numpartitions, "2")
  local w = rate().writeStream:option("numRows", 3):option("truncate", false)
  t.eq(w.opts.numrows, "3")
  t.eq(w.opts.truncate, "false")
  local bw = frame().write:option("batchsize", 10):option("truncate", true)
  t.eq(bw.opts.batchsize, "10")
  t.eq(bw.opts.truncate, "true")
  local err = t.raises(function() spark.read:format("csv"):option("header", { true }) end)
  has(err, 'option "header" must be a string, number or boolean, not a table')
  at_caller(err)
end)

-- ---- '.' instead of ':' ----------------------------------------------------------

t.test("a method called with '.' instead of ':' fails naming it, at the caller's line", function()
  local df = frame()
  local cases = {
    { function() spark.readStream.format("kafka") end,
      "DataStreamReader.format called with '.': use spark.readStream:format(...)" },
    { function() spark.read.format("csv") end, "DataFrameReader.format called with '.': use spark.read:format(...)" },
    { function() spark.read:format("csv").option("header", "true") end, "DataFrameReader.option called with '.'" },
    { function() df.select("v") end, "DataFrame.select called with '.': use df:select(...)" },
    { function() spark.createDataFrame({ { 1 } }, "a int") end,
      "SparkSession.createDataFrame called with '.': use spark:createDataFrame(...)" },
    { function() F.col("v").alias("w") end, "Column.alias called with '.': use col:alias(...)" },
    { function() df.where("id > 1") end, "DataFrame.where called with '.': use df:where(...)" },
    { function() df.count() end, "DataFrame.count called with '.': use df:count(...)" },
    { function() df.groupBy("v") end, "DataFrame.groupBy called with '.'" },
    { function() df:groupBy("v").count() end, "GroupedData.count called with '.': use df:groupBy(...):count(...)" },
    { function() df.na.drop() end, "DataFrameNaFunctions.drop called with '.': use df.na:drop(...)" },
    { function() df.write.format("jdbc") end, "DataFrameWriter.format called with '.': use df.write:format(...)" },
    { function() rate().writeStream.format("memory") end,
      "DataStreamWriter.format called with '.': use df.writeStream:format(...)" },
    { function() spark.streams.active() end,
      "StreamingQueryManager.active called with '.': use spark.streams:active(...)" },
  }
  t.raises_at_caller(cases)
end)

t.test("a StreamingQuery's methods called with '.' fail naming them", function()
  local q = rate().writeStream:format("memory"):queryName("dot_calls"):start()
  local err = t.raises(function() q.awaitTermination(1) end)
  has(err, "StreamingQuery.awaitTermination called with '.': use query:awaitTermination(...)")
  at_caller(err)
  err = t.raises(function() q.stop() end)
  has(err, "StreamingQuery.stop called with '.'")
  t.ok(q:isActive(), "the query still runs")
  q:stop()
  t.ok(not q:isActive())
end)

t.test("methods called with ':' work, and their own errors still point at the caller", function()
  local df = frame()
  t.eq(df:where("id > 1"):count(), 1)
  t.eq(df:groupBy("v"):count():count(), 2)
  t.eq(#df.na:drop():collect(), 2)
  t.raises(function() df:select("nope") end, "cannot resolve 'nope'")
  local err = t.raises(function() df:limit(-1) end, "limit needs a whole number")
  at_caller(err)
  err = t.raises(function() spark.read:load() end, "no format given")
  at_caller(err)
end)

-- ---- where with Lua's == ------------------------------------------------------------

t.test("where(F.col(v) == x) says that == cannot build a Column and what to write", function()
  local df = frame()
  local err = t.raises(function() df:where(F.col("v") == "x") end)
  has(err, "filter needs a Column or a SQL string")
  has(err, "Lua's == and ~= cannot build a Column")
  has(err, 'F.col("v"):eq("x")')
  at_caller(err)
  t.eq(df:where(F.col("v"):eq("x")):count(), 1, "the method the message names works")
  err = t.raises(function() df:filter(42) end)
  has(err, "filter needs a Column or a SQL string, not a number")
end)

-- ---- Kafka source options ------------------------------------------------------------

t.test("maxOffsetsPerTrigger must be a whole number >= 1, checked at load() and start()", function()
  for _, bad in ipairs({ "abc", 0, -1, "1.5" }) do
    local err = t.raises(function() kafka_reader({ maxOffsetsPerTrigger = bad }):load() end)
    has(err, "option maxOffsetsPerTrigger must be a whole number >= 1")
    has(err, tostring(bad))
    at_caller(err)
  end
  local df = kafka_reader({ maxOffsetsPerTrigger = 500 }):load()
  t.ok(df.isStreaming)
  local err = t.raises(function()
    df.writeStream:format("memory"):queryName("bad_limit"):option("maxOffsetsPerTrigger", 0):start()
  end)
  has(err, "writeStream option maxOffsetsPerTrigger must be a whole number >= 1")
  at_caller(err)
  err = t.raises(function() spark.readStream:format("rate"):option("maxOffsetsPerTrigger", "abc"):load() end)
  has(err, 'rate source: maxOffsetsPerTrigger must be a whole number >= 1, not "abc"')
end)

t.test("kafka maxOffsetsPerTrigger: every partition with a backlog gets one record, even past the limit", function()
  local src = require("tide.sources.kafka").stream({ ["kafka.bootstrap.servers"] = NOWHERE,
    subscribe = "api_errors_never_created" })
  local function total(start, finish)
    local n = 0
    for topic, parts in pairs(finish) do
      for p, off in pairs(parts) do n = n + off - ((start[topic] or {})[p] or 0) end
    end
    return n
  end
  local start = { t = { ["0"] = 0, ["1"] = 0, ["2"] = 0 } }
  -- 3 partitions with a backlog, a limit of 2: one record from each.
  local finish = src:planEnd(start, { t = { ["0"] = 100, ["1"] = 1, ["2"] = 5 } }, 2)
  t.same_table(finish, { t = { ["0"] = 1, ["1"] = 1, ["2"] = 1 } })
  -- Fewer backlogged partitions than the limit: the total is the limit.
  finish = src:planEnd(start, { t = { ["0"] = 1000, ["1"] = 1, ["2"] = 10 } }, 100)
  t.eq(total(start, finish), 100)
  t.ok(finish.t["1"] == 1 and finish.t["2"] >= 1, "the small partitions are not starved")
  src:stop()
end)

t.test("kafka failOnDataLoss and includeHeaders name themselves when not true or false", function()
  local err = t.raises(function() kafka_reader({ failOnDataLoss = "flase" }):load() end)
  has(err, 'option failOnDataLoss must be true or false, not "flase"')
  at_caller(err)
  err = t.raises(function() kafka_reader({ includeHeaders = "yes" }):load() end)
  has(err, 'option includeHeaders must be true or false, not "yes"')
end)

t.test("a kafka source option a letter or two from a known one gets a warning on stderr", function()
  local out, status = run_script(tmp, "misspelled.lua", ([[
local spark = require("tide").session()
spark.readStream:format("kafka"):option("kafka.bootstrap.servers", %q):option("subscribe", "x")
  :option("startingOffset", "earliest"):option("maxOffsetPerTrigger", 5)
  :option("minOffsetsPerTrigger", 3):option("somethingElse", 1):option("kafka.client.id", "c")
  :load()
print("loaded")
]]):format(NOWHERE))
  t.eq(status, 0, out)
  has(out, "loaded")
  has(out, 'tide: warning: kafka source option "startingOffset" is not known; did you mean "startingOffsets"?\n')
  has(out, 'tide: warning: kafka source option "maxOffsetPerTrigger" is not known; did you mean "maxOffsetsPerTrigger"?\n')
  local warnings = 0
  for _ in out:gmatch("tide: warning:") do warnings = warnings + 1 end
  t.eq(warnings, 2, "no warning for Spark's minOffsetsPerTrigger, a far-off name or kafka.*: " .. out)
end)

t.test("the jdbc source refuses Spark's options that change what it reads, before it connects", function()
  local function read(key, value)
    return spark.read:format("jdbc"):option("url", "jdbc:postgresql://127.0.0.1:1/x"):option("dbtable", "t")
      :option(key, value):load()
  end
  t.raises(function() read("customSchema", "id DECIMAL(38, 0)") end,
    "jdbc option customSchema=id DECIMAL%(38, 0%) is Spark's, but tide does not apply it")
  t.raises(function() read("sessionInitStatement", "SET search_path TO x") end, "jdbc option sessionInitStatement=")
  t.raises(function() read("prepareQuery", "WITH t AS (SELECT 1)") end, "jdbc option prepareQuery=")
  t.raises(function() read("preferTimestampNTZ", true) end, 'only its default, "false"%)')
  -- at its default it goes on to connect (and, no server there, fails so)
  local err = t.raises(function() read("preferTimestampNTZ", false) end)
  t.ok(not err:find("does not apply", 1, true), err)
end)

t.test("the rate source warns of a misspelt option, which would leave its default of a row a second", function()
  local lines = t.stderr_of(function()
    spark.readStream:format("rate"):option("rowsPerSecnd", 50):load()
    -- Spark's others are known, as is tide's maxOffsetsPerTrigger
    spark.readStream:format("rate"):option("rowsPerSecond", 5):option("rampUpTime", "1s")
      :option("numPartitions", 2):option("maxOffsetsPerTrigger", 10):option("somethingElse", 1):load()
  end)
  t.same_table(lines,
    { 'tide: warning: rate source option "rowsPerSecnd" is not known; did you mean "rowsPerSecond"?\n' })
end)

t.test("df.write warns of a misspelt csv, json, text, jdbc or kafka option at save(), ignoring it as Spark", function()
  local out = tmp .. "/write_typos"
  local df = frame()
  local lines = t.stderr_of(function()
    df.write:option("heder", true):option("sep", ";"):mode("overwrite"):csv(out .. "/csv")
    df.write:mode("overwrite"):json(out .. "/json", { ignoreNullField = true, compression = "none" })
    df:select("v").write:mode("overwrite"):text(out .. "/text", { lineSp = "\n" })
    -- a save that fails (nothing listens there) has warned first
    t.raises(function()
      df.write:jdbc("jdbc:postgresql://127.0.0.1:1/db", "t", "append", { user = "u", pasword = "p" })
    end, "cannot connect")
    t.raises(function()
      df:selectExpr("v AS value").write:format("kafka"):option("kafka.bootstrap.servers", NOWHERE)
        :option("topc", "t"):option("kafka.linger.ms", 5):option("deliveryTimeoutMs", 1):save()
    end)
  end)
  t.same_table(lines, {
    'tide: warning: csv writer option "heder" is not known; did you mean "header"?\n',
    'tide: warning: json writer option "ignoreNullField" is not known; did you mean "ignoreNullFields"?\n',
    'tide: warning: text writer option "lineSp" is not known; did you mean "lineSep"?\n',
    'tide: warning: jdbc writer option "pasword" is not known; did you mean "password"?\n',
    'tide: warning: kafka writer option "topc" is not known; did you mean "topic"?\n',
  })
  -- the misspelt header did nothing: the first line is a row, split by the option that was right
  local f = assert(io.popen("cat '" .. out .. "/csv'/part-*.csv | sort"))
  t.eq(f:read("*a"), "1;x\n2;y\n")
  f:close()
end)

t.test("writeStream warns of a misspelt option at start(); a missing checkpointLocation names the near miss", function()
  local lines = t.stderr_of(function()
    local err = t.raises(function()
      rate().writeStream:format("csv"):option("path", tmp .. "/cp_typo_out")
        :option("checkpointLocaton", tmp .. "/cp_typo"):start()
    end)
    has(err, "checkpointLocation must be given")
    has(err, '(sink csv); option "checkpointLocaton" was given: did you mean "checkpointLocation"?')
    at_caller(err)
    -- the console sink needs no checkpoint: it starts, with the warnings
    local q = rate().writeStream:format("console"):option("numRow", 5):option("checkpointLocaton", "x")
      :option("progressLog", tmp .. "/typo_progress.jsonl"):start()
    q:stop()
    -- Spark's file sink options and the query's own are known
    q = rate().writeStream:format("json"):option("path", tmp .. "/typo_json_out")
      :option("checkpointLocation", tmp .. "/typo_json_cp"):option("minBatchesToRetain", 5):start()
    q:stop()
  end)
  t.same_table(lines, {
    'tide: warning: csv sink option "checkpointLocaton" is not known; did you mean "checkpointLocation"?\n',
    'tide: warning: console sink option "checkpointLocaton" is not known; did you mean "checkpointLocation"?\n',
    'tide: warning: console sink option "numRow" is not known; did you mean "numRows"?\n',
  })
  -- the error without a near miss is as it was
  local err = t.raises(function()
    rate().writeStream:format("csv"):option("path", tmp .. "/cp_none_out"):start()
  end)
  t.ok(err:find("%(sink csv%)$"), err)
end)

-- ---- sinks and queries ------------------------------------------------------------

t.test("a typo in the sink format fails before anything is written, listing the formats", function()
  local cp = tmp .. "/consol_checkpoint"
  local err = t.raises(function()
    rate().writeStream:format("consol"):option("checkpointLocation", cp):start()
  end)
  has(err, 'unknown sink format "consol"')
  has(err, "console, csv, jdbc, json, kafka, memory, postgres")
  at_caller(err)
  t.ok(not io.open(cp, "r"), "no checkpoint directory made")
  -- without a checkpoint, the format is still what is wrong
  err = t.raises(function() rate().writeStream:format("consol"):start() end)
  has(err, 'unknown sink format "consol"')
  t.ok(not err:find("checkpointLocation", 1, true), err)
end)

t.test("a failed query without a name is reported without a double space", function()
  local q = rate().writeStream:foreachBatch(function() error("no good") end)
    :option("checkpointLocation", tmp .. "/unnamed_failure"):start()
  local err = t.raises(function() q:awaitTermination(10) end)
  has(err, "StreamingQueryException: query (id " .. q.id .. ") terminated with an error")
  t.ok(not err:find("query  ", 1, true), err)
  local named = rate().writeStream:queryName("failing_one"):foreachBatch(function() error("no good") end)
    :option("checkpointLocation", tmp .. "/named_failure"):start()
  err = t.raises(function() named:awaitTermination(10) end)
  has(err, "StreamingQueryException: query failing_one (id " .. named.id .. ") terminated with an error")
end)

-- ---- an unreachable broker --------------------------------------------------------

t.test("a kafka source that cannot reach its brokers names the bootstrap servers", function()
  local df = kafka_reader():load()
  local err = t.raises(function() df.writeStream:format("memory"):queryName("unreachable"):start() end)
  has(err, "kafka source: ")
  has(err, "(kafka.bootstrap.servers " .. NOWHERE .. ")")
end)

t.test("a kafka sink that cannot reach its brokers names them, without what precedes an @", function()
  local df = spark:createDataFrame({ { "a" } }, "value string")
  local err = t.raises(function()
    df.write:format("kafka"):option("kafka.bootstrap.servers", NOWHERE .. ",someone:secret@127.0.0.1:2")
      :option("topic", "api_errors_never_created"):option("deliveryTimeoutMs", 1000):save()
  end)
  has(err, "kafka sink: ")
  has(err, "(kafka.bootstrap.servers " .. NOWHERE .. ",127.0.0.1:2)")
  t.ok(not err:find("secret", 1, true), err)
end)

t.test("an admin call that cannot reach its brokers names them", function()
  local admin = tide.admin.client { bootstrap = NOWHERE, timeout = 1 }
  local err = t.raises(function() admin:createTopic("api_errors_never_created", 1) end)
  has(err, "(bootstrap servers " .. NOWHERE .. ")")
  at_caller(err)
end)

t.run()
