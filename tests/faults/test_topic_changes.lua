-- Topics changed under a running Kafka -> PostgreSQL query
-- (docs/reliability.md):
--   * partitions added: the new partitions are read from their earliest
--     offset; every id arrives exactly once;
--   * the topic deleted: the query fails at once with an error naming the
--     topic (never a silent stall);
--   * the topic deleted and recreated behind the checkpoint's back: with
--     failOnDataLoss=true the restart fails naming topic, partition and
--     offsets; with false it warns and reads the new topic from its
--     earliest offset, so its records all arrive (before the fix it waited
--     forever on one partition and skipped records on the other).
package.path = (os.getenv("TIDE_SOURCE_DIR") or ".") .. "/tests/faults/?.lua;" .. package.path
local t = require("testing")
local tide = require("tide")
local faults = require("faults")

local bootstrap, ci = t.kafka_bootstrap(), t.pg_conninfo()
local admin = tide.admin.client(bootstrap)

-- Events from..to, keyed by id so that they spread over every partition.
local function produce_keyed(topic, from, to)
  return tide.kafka.produce { bootstrap = bootstrap, topic = topic, values = faults.events(from, to),
    keys = faults.ids(from, to) }
end

local function setup(name, partitions, fodl)
  local dir = t.tempdir()
  local input, tbl = t.unique(name .. "_in"), t.unique(name)
  admin:createTopic(input, partitions)
  local script = faults.pipeline_script(dir .. "/pipeline.lua", {
    bootstrap = bootstrap, input = input, conninfo = ci, table = tbl, dir = dir, failOnDataLoss = fodl })
  return dir, input, tbl, script
end

t.test("partitions added while the query runs are read from their earliest offset", function()
  local dir, input, tbl, script = setup("grow", 2)
  produce_keyed(input, 1, 1000)
  local p = faults.spawn(dir, script)
  t.eq(faults.wait_rows(ci, tbl, 1000, 60, p), 1000, p:output())
  admin:createPartitions(input, 5)
  produce_keyed(input, 1001, 3000)
  local parts = tide.kafka.read { bootstrap = bootstrap, topic = input, partition = -1 }
  local per = {}
  for i = 0, parts:count() - 1 do per[parts:column("partition"):get(i)] = true end
  t.ok(per[2] and per[3] and per[4], "records went to the new partitions")
  t.eq(faults.wait_rows(ci, tbl, 3000, 60, p), 3000, p:output())
  t.eq(p:status(), nil, p:output())
  p:signal("TERM")
  t.eq(p:wait(30), 0, p:output())
  faults.check_exactly_once(ci, tbl, faults.ids(1, 3000), "PostgreSQL")
end)

for _, fodl in ipairs({ true, false }) do
  t.test(("a topic deleted under a running query fails it, naming the topic (failOnDataLoss=%s)"):format(fodl), function()
    local dir, input, tbl, script = setup("gone", 2, fodl)
    produce_keyed(input, 1, 1000)
    local p = faults.spawn(dir, script)
    t.eq(faults.wait_rows(ci, tbl, 1000, 60, p), 1000, p:output())
    admin:deleteTopic(input)
    local rc = p:wait(60)
    t.ok(rc ~= nil and rc ~= 0, "the query stopped with an error")
    t.ok(p:output():find("topic " .. input .. " partition %d: latest offset: .*was the topic deleted%?"), p:output())
  end)
end

t.test("a recreated topic behind the checkpoint: failOnDataLoss=true fails the restart, naming it", function()
  local dir, input, tbl, script = setup("recreate_fail", 2, true)
  produce_keyed(input, 1, 1000)
  local p = faults.spawn(dir, script, "finish")
  t.eq(p:wait(60), 0, p:output())
  admin:deleteTopic(input)
  tide.sleep(1)
  admin:createTopic(input, 2)
  produce_keyed(input, 1001, 1400)
  p = faults.spawn(dir, script, "finish")
  local rc = p:wait(60)
  t.ok(rc ~= nil and rc ~= 0, "the restart failed")
  t.ok(p:output():find("topic " .. input .. " partition %d ends at offset %d+, before offset %d+ where the query is"), p:output())
  t.ok(p:output():find("Set failOnDataLoss to false", 1, true), p:output())
  t.eq(faults.count(ci, tbl), 1000, "nothing of the new topic was written")
end)

t.test("a recreated topic behind the checkpoint: failOnDataLoss=false reads it from its earliest offset", function()
  local dir, input, tbl, script = setup("recreate_go", 2, false)
  produce_keyed(input, 1, 1000)
  local p = faults.spawn(dir, script, "finish")
  t.eq(p:wait(60), 0, p:output())
  admin:deleteTopic(input)
  tide.sleep(1)
  admin:createTopic(input, 2)
  produce_keyed(input, 1001, 1400)
  p = faults.spawn(dir, script)
  t.eq(faults.wait_rows(ci, tbl, 1400, 60, p), 1400, "every record of the new topic arrived:\n" .. p:output())
  t.ok(p:output():find("reading it again from its earliest offset 0 (failOnDataLoss=false)", 1, true), p:output())
  -- a kill and a restart after the reset replay nothing twice
  p:kill()
  produce_keyed(input, 1401, 1600)
  p = faults.spawn(dir, script, "finish")
  t.eq(p:wait(60), 0, p:output())
  faults.check_exactly_once(ci, tbl, faults.ids(1, 1600), "PostgreSQL")
end)

t.run()
