-- What a user sees when the Kafka brokers cannot be reached: librdkafka's
-- own log lines ("%3|...|FAIL|rdkafka#consumer-1| ... Connection
-- refused", one per connection and attempt) are not printed; each error
-- names the bootstrap servers and says what failed; a query that goes on
-- waiting warns once per problem; a fetch waiting on a stopped broker ends
-- at its timeout. librdkafka's lines come back when the user asks for
-- them (kafka.debug, kafka.log_level). Each case runs a script with the
-- tide binary, whose whole output is checked; the brokers are an address
-- where nothing listens and librdkafka's mock cluster.
local t = require("testing")
local has = t.has

local tmp = t.tempdir()
local NOWHERE = "127.0.0.1:1" -- connection refused at once

-- (a script that hangs is ended after a minute)
local function run(name, text)
  return t.run_script(tmp, name, text, "timeout -k 5 60")
end

-- The lines of out that start with prefix (plain text).
local function lines_starting(out, prefix)
  local found = {}
  for line in out:gmatch("[^\n]+") do
    if line:sub(1, #prefix) == prefix then found[#found + 1] = line end
  end
  return found
end

-- librdkafka's own lines: "%LEVEL|TIME|FACILITY|CLIENT| ...".
local function raw_lines(out)
  local found = {}
  for line in out:gmatch("[^\n]+") do
    if line:match("^%%%d|") then found[#found + 1] = line end
  end
  return found
end

local function no_raw_lines(out)
  t.eq(#raw_lines(out), 0, "librdkafka's own lines in:\n" .. out)
end

-- Warnings of `who` ("kafka source"): at least one and at most `max`,
-- each a different problem, each naming the bootstrap servers; exactly
-- one says the connection was lost: refused, or (a broker stopping under a
-- connection, seen under a sanitizer's slower build) reset by the peer.
local function few_warnings(out, who, servers, max)
  local warnings = lines_starting(out, "tide: warning: " .. who .. ": ")
  t.ok(#warnings >= 1 and #warnings <= max, ("1 to %d warnings of the %s:\n%s"):format(max, who, out))
  local seen, refused, suffix = {}, 0, " (bootstrap servers " .. servers .. ")"
  for _, w in ipairs(warnings) do
    t.ok(not seen[w], "said once: " .. w)
    seen[w] = true
    t.ok(w:sub(-#suffix) == suffix, "names the servers: " .. w)
    if w:find("Connection refused", 1, true) or w:find("Connection reset by peer", 1, true) then
      refused = refused + 1
    end
  end
  t.eq(refused, 1, "one warning of the lost connection:\n" .. out)
end

t.test("brokers that cannot be reached: a read or a query fails with one error naming them and what failed", function()
  local out, status = run("unreachable_source.lua", ([[
local spark = require("tide").session()
local _, err = pcall(function()
  return spark.read:format("kafka"):option("kafka.bootstrap.servers", %q):option("subscribe", "logs_never_created")
    :load():count()
end)
io.stderr:write("batch read: ", tostring(err), "\n")
spark.readStream:format("kafka"):option("kafka.bootstrap.servers", %q):option("subscribe", "logs_never_created")
  :load().writeStream:format("memory"):queryName("nowhere"):start()
]]):format(NOWHERE, NOWHERE))
  t.eq(status, 1, out)
  no_raw_lines(out)
  t.eq(#lines_starting(out, "tide: warning:"), 0, "no warnings:\n" .. out)
  local batch = lines_starting(out, "batch read: ")
  t.eq(#batch, 1, out)
  has(batch[1], "batch read: kafka source: metadata of topic logs_never_created: ")
  has(batch[1], "Connection refused")
  has(batch[1], "(kafka.bootstrap.servers " .. NOWHERE .. ")")
  local errors = lines_starting(out, "tide: ")
  t.eq(#errors, 1, "one error:\n" .. out)
  has(errors[1], "unreachable_source.lua:8: kafka source: ")
  has(errors[1], "Connection refused")
  has(errors[1], "(kafka.bootstrap.servers " .. NOWHERE .. ")")
end)

t.test("brokers that cannot be reached: writes and admin calls fail saying what failed, and print nothing else", function()
  local out, status = run("unreachable_writes.lua", ([[
local tide = require("tide")
local spark = tide.session()
local calls = {
  produce = function()
    tide.kafka.produce { bootstrap = %q, topic = "logs_never_created", values = { "a" }, timeout = 1500 }
  end,
  sink = function()
    spark:createDataFrame({ { "a" } }, "value string").write:format("kafka"):option("kafka.bootstrap.servers", %q)
      :option("topic", "logs_never_created"):option("deliveryTimeoutMs", 1500):save()
  end,
  admin = function() tide.admin.client { bootstrap = %q, timeout = 1.5 }:createTopic("logs_never_created") end,
}
for _, name in ipairs({ "produce", "sink", "admin" }) do
  local _, err = pcall(calls[name])
  io.stderr:write(name, ": ", tostring(err), "\n")
end
]]):format(NOWHERE, NOWHERE, NOWHERE))
  t.eq(status, 0, out)
  no_raw_lines(out)
  t.eq(#lines_starting(out, "tide: "), 0, "no warnings:\n" .. out)
  local want = { -- the beginning, and how the bootstrap servers are named
    produce = { "kafka.produce: topic logs_never_created: 1 records not acknowledged within 1500 ms: ", "bootstrap servers" },
    sink = { "kafka sink: topic logs_never_created: 1 records not acknowledged within 1500 ms: ", "kafka.bootstrap.servers" },
    admin = { "topic logs_never_created: ", "bootstrap servers" },
  }
  for name, w in pairs(want) do
    local said = lines_starting(out, name .. ": ")
    t.eq(#said, 1, name .. ":\n" .. out)
    has(said[1], w[1])
    has(said[1], "Connection refused")
    has(said[1], ("(%s %s)"):format(w[2], NOWHERE))
  end
end)

t.test("a broker stopped under a running query and a waiting write: a few warnings, once each, then the error", function()
  local out, status = run("broker_stopped.lua", [[
local tide = require("tide")
local spark = tide.session()
local broker = tide.broker.start {}
broker:createTopic("logs_in", 2)
local bootstrap = broker:bootstrap()
io.stderr:write("bootstrap ", bootstrap, "\n")
tide.kafka.produce { bootstrap = bootstrap, topic = "logs_in", values = { "a", "b" } }
local seen = 0
local q = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", "logs_in")
  :option("startingOffsets", "earliest"):option("kafka.fetch.wait.max.ms", "10"):load()
  .writeStream:foreachBatch(function(df) seen = seen + df:count() end):option("checkpointLocation", "cp"):start()
local deadline = tide.now() + 10
while seen < 2 and tide.now() < deadline do tide.sleep(0.05) end
io.stderr:write("read ", seen, "\n")
broker:stop()
q:awaitTermination(12) -- the query waits for the broker
io.stderr:write("still active: ", tostring(q:isActive()), "\n")
q:stop()
local _, err = pcall(function()
  spark:createDataFrame({ { "v" } }, "value string").write:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
    :option("topic", "logs_in"):option("deliveryTimeoutMs", 8000):save()
end)
io.stderr:write("sink: ", tostring(err), "\n")
]])
  t.eq(status, 0, out)
  local servers = out:match("bootstrap (127%.0%.0%.1:%d+)\n")
  t.ok(servers, out)
  has(out, "read 2\n")
  has(out, "still active: true\n")
  no_raw_lines(out)
  few_warnings(out, "kafka source", servers, 4)
  few_warnings(out, "kafka sink", servers, 4)
  local sink = lines_starting(out, "sink: ")
  t.eq(#sink, 1, out)
  has(sink[1], "kafka sink: topic logs_in: 1 records not acknowledged within 8000 ms: ")
  has(sink[1], "Connection refused")
  has(sink[1], "(kafka.bootstrap.servers " .. servers .. ")")
end)

t.test("a fetch waiting for records when the broker stops fails after fetchTimeoutMs, saying what failed", function()
  local out, status = run("fetch_stopped.lua", [[
local tide = require("tide")
local broker = tide.broker.start {}
broker:createTopic("stall", 1)
local bootstrap = broker:bootstrap()
tide.kafka.produce { bootstrap = bootstrap, topic = "stall", values = { "a", "b" } }
local src = require("tide.sources.kafka").stream { ["kafka.bootstrap.servers"] = bootstrap, subscribe = "stall",
  fetchtimeoutms = "3000" }
local start = { stall = { ["0"] = 0 } }
src:seek(start)
broker:stop()
local t0 = tide.now()
local _, err = pcall(src.getBatch, src, start, { stall = { ["0"] = 5 } })
io.stderr:write(("failed after %.0f s: %s\n"):format(tide.now() - t0, tostring(err)))
src:stop()
io.stderr:write("stopped\n")
]])
  t.eq(status, 0, "ends, and stops:\n" .. out)
  no_raw_lines(out)
  local failed = lines_starting(out, "failed after ")
  t.eq(#failed, 1, out)
  t.ok(tonumber(failed[1]:match("^failed after (%d+) s")) <= 10, "soon after the fetch timeout: " .. failed[1])
  -- (the two records there may or may not have come before the stop: a
  -- slower build fetches them first)
  t.ok(failed[1]:find("kafka source: not all records arrived within 3000 ms: topic stall partition 0 has %[0, 5%) "
    .. "up to [02]: "), failed[1])
  has(failed[1], "brokers are down")
  has(out, "stopped\n")
end)

t.test("librdkafka's own lines on request (kafka.log_level, kafka.debug); its configuration warnings in tide's words", function()
  local out, status = run("raw_logs.lua", ([[
local tide = require("tide")
require("tide.sources.kafka").stream({ ["kafka.bootstrap.servers"] = %q, subscribe = "x", ["kafka.acks"] = "1" }):stop()
for _, options in ipairs({ { log_level = "3" }, { debug = "broker" } }) do
  local name = next(options)
  io.stderr:write("--- ", name, "\n")
  pcall(tide.kafka.produce, { bootstrap = %q, topic = "x", values = { "a" }, timeout = 1000, options = options })
end
]]):format(NOWHERE, NOWHERE))
  t.eq(status, 0, out)
  local before, log_level, debug = out:match("^(.*)%-%-%- log_level\n(.*)%-%-%- debug\n(.*)$")
  t.ok(before, out)
  t.eq(#raw_lines(before), 0, "no raw configuration warning:\n" .. before)
  t.same_table(lines_starting(before, "tide: warning: "), {
    "tide: warning: kafka source: Configuration property request.required.acks is a producer property and will be "
      .. "ignored by this consumer instance (bootstrap servers " .. NOWHERE .. ")",
  })
  local failed = false
  for _, line in ipairs(raw_lines(log_level)) do
    failed = failed or line:match("^%%3|[%d.]+|FAIL|rdkafka#producer%-%d+|") ~= nil
  end
  t.ok(failed, "log_level 3 shows librdkafka's FAIL lines:\n" .. log_level)
  t.ok(debug:find("\n%%7|") ~= nil or debug:find("^%%7|") ~= nil, "debug shows its debugging lines:\n" .. debug)
  t.eq(#lines_starting(log_level .. debug, "tide: warning:"), 0, "no warnings beside the raw lines")
end)

t.run()
