-- scripts/producer.lua against the real broker: every row with no nulls
-- becomes one JSON object (ids as decimal strings, numbers as numbers),
-- rows with nulls are dropped and counted, and --limit, --rate, --key and
-- --replicas do what they say.
local t = require("testing")
local tide = require("tide")

local root = os.getenv("TIDE_SOURCE_DIR") or "."
local bin = os.getenv("TIDE_BIN") or "build/tide"
local bootstrap = t.kafka_bootstrap()
local admin = tide.admin.client(bootstrap)
local tmp = t.tempdir()

local csv = tmp .. "/events.csv"
do
  local f = assert(io.open(csv, "w"))
  f:write("id,hour,site_id,C14\n")
  for i = 1, 50 do
    if i % 10 == 0 then
      f:write(("1844674407370955%04d,14102100,,%d\n"):format(i, 15000 + i)) -- a null site_id
    else
      f:write(("1844674407370955%04d,14102100,s%d,%d\n"):format(i, i % 3, 15000 + i))
    end
  end
  f:close()
end

local function producer(args)
  return t.sh(("'%s' run '%s/scripts/producer.lua' '%s' --bootstrap %s %s"):format(bin, root, csv, bootstrap, args))
end

local function read_all(topic)
  return tide.kafka.read { bootstrap = bootstrap, topic = topic, partition = "all", timeout = 30000 }
end

t.test("rows become JSON objects; rows with nulls are dropped and counted", function()
  local topic = t.unique("producer")
  admin:createTopic(topic, 3)
  local out, status = producer("--topic " .. topic)
  t.eq(status, 0, out)
  t.ok(out:find("sent 45 messages to " .. topic, 1, true), out)
  t.ok(out:find("5 rows with nulls dropped", 1, true), out)
  local values = {}
  for _, r in ipairs(read_all(topic):collect()) do values[#values + 1] = r.value end
  table.sort(values)
  t.eq(#values, 45)
  t.eq(values[1], '{"id":"18446744073709550001","hour":14102100,"site_id":"s1","C14":15001}')
end)

t.test("--limit, --key and --replicas", function()
  local topic = t.unique("producer")
  admin:createTopic(topic, 1)
  local out, status = producer("--topic " .. topic .. " --limit 7 --key site_id --replicas 2")
  t.eq(status, 0, out)
  local rows = read_all(topic):collect()
  t.eq(#rows, 14, "7 from each of 2 replicas")
  for _, r in ipairs(rows) do t.ok(tostring(r.key):match("^s%d$"), "key " .. tostring(r.key)) end
end)

t.test("--rate paces the messages and still sends them all", function()
  local topic = t.unique("producer")
  admin:createTopic(topic, 1)
  local out, status = producer("--topic " .. topic .. " --rate 200 --limit 20")
  t.eq(status, 0, out)
  t.eq(read_all(topic):count(), 20)
end)

t.test("--rate starts its schedule at the first message, not with a burst", function()
  -- 100,000 rows with a null come first (dropped: ~50 ms of reading and
  -- encoding), then 500 to send at 5,000/s (a 100-ms schedule): had the
  -- schedule started with the script, every record would be due by the
  -- first send and leave at once (a span of ~7 ms, as chunks are
  -- encoded). A stall of the producer on a busy machine bunches the records
  -- it delays, and only a stall at the start shortens the span: the
  -- schedule is long enough that a stall of tens of ms still leaves most
  -- of it.
  local big = tmp .. "/big.csv"
  local f = assert(io.open(big, "w"))
  f:write("id,hour,site_id,C14\n")
  for i = 1, 100000 do f:write(("%d,14102100,,%d\n"):format(1000000 + i, 15000 + i % 100)) end
  for i = 1, 500 do f:write(("%d,14102100,s%d,%d\n"):format(2000000 + i, i % 7, 15000 + i % 100)) end
  f:close()
  local topic = t.unique("producer")
  admin:createTopic(topic, 1)
  local out, status = t.sh(("'%s' run '%s/scripts/producer.lua' '%s' --bootstrap %s --topic %s --rate 5000 --limit 500")
    :format(bin, root, big, bootstrap, topic))
  t.eq(status, 0, out)
  local rows = read_all(topic)
  t.eq(rows:count(), 500)
  local ts = rows:column("timestamp"):values()
  local first, last = math.huge, 0
  for i = 0, 499 do
    first, last = math.min(first, tonumber(ts[i])), math.max(last, tonumber(ts[i]))
  end
  -- sent in ticks of 1 ms (5 records each): the last ~99 ms after the
  -- first; timestamps are in whole ms
  t.ok(last - first >= 40000, ("produce timestamps span %d us"):format(last - first))
end)

t.test("--loop passes over the file again with the same types, up to --limit", function()
  local topic = t.unique("producer")
  admin:createTopic(topic, 2)
  local out, status = producer("--topic " .. topic .. " --loop --limit 100 --quiet")
  t.eq(status, 0, out)
  t.ok(out:find("sent 100 messages to " .. topic, 1, true), out)
  -- 45 + 45 + 10 sent over 3 passes, each pass reading (and dropping 5 of) all 50 rows
  t.ok(out:find("; 15 rows with nulls dropped", 1, true), out)
  local counts = {}
  for _, r in ipairs(read_all(topic):collect()) do counts[r.value] = (counts[r.value] or 0) + 1 end
  local distinct = 0
  for v, n in pairs(counts) do
    distinct = distinct + 1
    t.ok(v:match('^{"id":"1844674407370955%d%d%d%d","hour":14102100,"site_id":"s%d","C14":%d+}$'), v)
    t.ok(n == 2 or n == 3, v .. " sent " .. n .. " times")
  end
  t.eq(distinct, 45)
end)

t.test("records the broker refuses make the producer exit 1, naming the topic", function()
  local topic = t.unique("producer")
  admin:createTopic(topic, 1, { ["max.message.bytes"] = "200" })
  local out, status = producer("--topic " .. topic .. " --quiet")
  t.eq(status, 1, out)
  t.ok(out:find("not written: topic " .. topic .. " partition 0", 1, true), out)
end)

t.test("a usage error exits 2 and names the problem", function()
  local out, status = t.sh(("'%s' run '%s/scripts/producer.lua' --frobnicate"):format(bin, root))
  t.eq(status, 2, out)
  t.ok(out:find("unknown option --frobnicate", 1, true), out)
end)

t.run()
