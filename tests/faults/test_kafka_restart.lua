-- The Kafka broker stopped and started again (scripts/kafka restart: same
-- port, same data) while a Kafka -> PostgreSQL + Kafka pipeline runs and
-- has a backlog: the query waits and retries, then catches up; PostgreSQL
-- holds every id exactly once, the output topic every id at least once,
-- and the query never failed. The broker is left running for other tests.
package.path = (os.getenv("TIDE_SOURCE_DIR") or ".") .. "/tests/faults/?.lua;" .. package.path
local t = require("testing")
local tide = require("tide")
local faults = require("faults")

local bootstrap, ci = t.kafka_bootstrap(), t.pg_conninfo()
local admin = tide.admin.client(bootstrap)

local function restart_kafka()
  local out, status = t.sh(faults.root .. "/scripts/kafka restart")
  t.eq(status, 0, "scripts/kafka restart: " .. out)
  t.eq(t.kafka_bootstrap(), bootstrap, "the broker came back on its port")
end

t.test("the broker restarted during a run: the query waits, catches up, loses nothing", function()
  local restarts = faults.long and 3 or 1
  local per_round = faults.long and 40000 or 20000
  local dir = t.tempdir()
  local input, output, tbl = t.unique("restart_in"), t.unique("restart_out"), t.unique("restart")
  admin:createTopic(input, 3)
  admin:createTopic(output, 3)
  local script = faults.pipeline_script(dir .. "/pipeline.lua", {
    bootstrap = bootstrap, input = input, output = output, conninfo = ci, table = tbl, dir = dir,
    maxOffsetsPerTrigger = 500,
  })
  local p = faults.spawn(dir, script)
  local produced = 0
  for round = 1, restarts do
    faults.produce(bootstrap, input, produced + 1, produced + per_round)
    produced = produced + per_round
    -- the broker goes away while the query works through the backlog
    local n = faults.wait_rows(ci, tbl, produced - per_round + 1000, 60, p)
    t.ok(n < produced, ("round %d: the backlog is not done yet when the broker stops (%d of %d)"):format(round, n, produced))
    restart_kafka()
    t.eq(p:status(), nil, "the query survived the restart:\n" .. p:output())
  end
  -- records written after the restart arrive too
  faults.produce(bootstrap, input, produced + 1, produced + 1000)
  produced = produced + 1000
  local n = faults.wait_rows(ci, tbl, produced, 180, p)
  t.eq(n, produced, "caught up:\n" .. p:output())
  t.eq(p:status(), nil, "still running:\n" .. p:output())
  print("  query output during the restart:\n" .. p:output():sub(1, 3000))
  p:signal("TERM")
  t.eq(p:wait(60), 0, "a clean stop after the restart:\n" .. p:output())
  local ids = faults.ids(1, produced)
  faults.check_exactly_once(ci, tbl, ids, "PostgreSQL")
  -- the Kafka query may be behind the PostgreSQL one: finish it
  local fin = faults.spawn(dir, script, "finish")
  t.eq(fin:wait(180), 0, fin:output())
  faults.check_exactly_once(ci, tbl, ids, "PostgreSQL after the finishing run")
  faults.check_at_least_once(bootstrap, output, ids, "Kafka")
end)

t.run()
