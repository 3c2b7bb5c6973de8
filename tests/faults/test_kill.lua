-- SIGKILL of a streaming query at random moments, then a restart, 20 times
-- (TIDE_FAULTS_LONG=1: 100), while records keep arriving: the PostgreSQL
-- table holds every id exactly once (ids beyond 2^63 included) and the
-- Kafka output topic every id at least once. Once with small batches, once
-- with batches of many pieces, between which the Kafka query's batch
-- pauses for the PostgreSQL query's.
package.path = (os.getenv("TIDE_SOURCE_DIR") or ".") .. "/tests/faults/?.lua;" .. package.path
local t = require("testing")
local tide = require("tide")
local faults = require("faults")

local bootstrap, ci = t.kafka_bootstrap(), t.pg_conninfo()
local admin = tide.admin.client(bootstrap)

local function kill_and_check(opts)
  local kills = faults.long and 100 or 20
  local per_run = faults.long and 3000 or 1500
  local dir = t.tempdir()
  local input, output, tbl = t.unique("kill_in"), t.unique("kill_out"), t.unique("kill")
  admin:createTopic(input, 3)
  admin:createTopic(output, 3)
  local script = faults.pipeline_script(dir .. "/pipeline.lua", {
    bootstrap = bootstrap, input = input, output = output, conninfo = ci, table = tbl, dir = dir,
    maxOffsetsPerTrigger = opts.maxOffsetsPerTrigger, sliceRows = opts.sliceRows,
  })
  local produced = 0
  local killed_alive, ended_early = 0, {}
  for run = 1, kills do
    faults.produce(bootstrap, input, produced + 1, produced + per_run)
    produced = produced + per_run
    local p = faults.spawn(dir, script)
    tide.sleep(0.1 + math.random() * 1.2)
    if p:status() then
      ended_early[#ended_early + 1] = ("run %d ended with %d:\n%s"):format(run, p:status(), p:output())
    else
      killed_alive = killed_alive + 1
    end
    t.eq(p:kill(), p:status() and p:status() or 137)
  end
  t.eq(#ended_early, 0, table.concat(ended_early, "\n"))
  t.eq(killed_alive, kills, "every run was killed while it ran")
  local rows_before_finish = faults.count(ci, tbl)
  t.ok(rows_before_finish > 0, "the killed runs made progress")
  local p = faults.spawn(dir, script, "finish")
  local rc = p:wait(300)
  t.eq(rc, 0, p:output())
  local ids = faults.ids(1, produced)
  faults.check_exactly_once(ci, tbl, ids, "PostgreSQL")
  local copies = faults.check_at_least_once(bootstrap, output, ids, "Kafka")
  t.ok(copies >= produced)
  print(("  %d kills, %d records; %d in PostgreSQL before the last run; %d Kafka copies (%d duplicates)"):format(
    kills, produced, rows_before_finish, copies, copies - produced))
end

t.test("SIGKILL at random moments: PostgreSQL exactly once, Kafka at least once", function()
  kill_and_check { maxOffsetsPerTrigger = 50 }
end)

-- Batches of many pieces: the Kafka query's batch pauses between its
-- pieces while the PostgreSQL query runs, and kills land there too.
t.test("SIGKILL while batches pause between their pieces: the same", function()
  kill_and_check { maxOffsetsPerTrigger = 3000, sliceRows = 100 }
end)

t.run()
