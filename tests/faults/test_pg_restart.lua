-- PostgreSQL restarted (scripts/postgres restart: same port, same data)
-- while a Kafka -> PostgreSQL query works through a backlog: the sink
-- retries the lost connection and the table holds every id exactly once.
-- And PostgreSQL down for longer than the retries last: the query stops
-- with a clear error naming the table and the server (no password), and
-- the restarted query converges to exactly once. The server is left
-- running for other tests.
package.path = (os.getenv("TIDE_SOURCE_DIR") or ".") .. "/tests/faults/?.lua;" .. package.path
local t = require("testing")
local tide = require("tide")
local faults = require("faults")

local bootstrap, ci = t.kafka_bootstrap(), t.pg_conninfo()
local admin = tide.admin.client(bootstrap)

local function postgres(cmd)
  local out, status = t.sh(faults.root .. "/scripts/postgres " .. cmd)
  t.eq(status, 0, "scripts/postgres " .. cmd .. ": " .. out)
end

local function setup(name, jdbc)
  local dir = t.tempdir()
  local input, tbl = t.unique(name .. "_in"), t.unique(name)
  admin:createTopic(input, 3)
  local script = faults.pipeline_script(dir .. "/pipeline.lua", {
    bootstrap = bootstrap, input = input, conninfo = ci, table = tbl, dir = dir,
    maxOffsetsPerTrigger = 200, jdbc = jdbc,
  })
  return dir, input, tbl, script
end

t.test("a pooled connection the server closed is opened again before use", function()
  t.eq(faults.scalar(ci, "SELECT 1 AS v"), 1)
  postgres("restart")
  t.eq(faults.scalar(ci, "SELECT 2 AS v"), 2, "the first statement after the restart")
end)

t.test("PostgreSQL restarted during a run: retried, exactly once", function()
  local restarts = faults.long and 20 or 4
  local total = faults.long and 200000 or 60000
  local dir, input, tbl, script = setup("pgrestart", { maxRetries = 6, retryDelayMs = 200 })
  faults.produce(bootstrap, input, 1, total)
  local p = faults.spawn(dir, script)
  t.ok(faults.wait_rows(ci, tbl, 1, 60, p) > 0, "the query started writing:\n" .. p:output())
  local during = {}
  for _ = 1, restarts do
    tide.sleep(math.random() * 0.3)
    during[#during + 1] = faults.count(ci, tbl)
    postgres("restart")
    t.eq(p:status(), nil, "the query survived the restart:\n" .. p:output())
  end
  t.ok(during[1] < total, "the restarts hit the query while it had work: " .. table.concat(during, " "))
  print("  rows in the table at each restart: " .. table.concat(during, " "))
  t.eq(faults.wait_rows(ci, tbl, total, 180, p), total, "caught up:\n" .. p:output())
  p:signal("TERM")
  t.eq(p:wait(60), 0, p:output())
  faults.check_exactly_once(ci, tbl, faults.ids(1, total), "PostgreSQL")
end)

t.test("PostgreSQL down beyond the retries: a clear error, and the restart is exactly once", function()
  local dir, input, tbl, script = setup("pgdown", { maxRetries = 2, retryDelayMs = 100 })
  faults.produce(bootstrap, input, 1, 1000)
  local p = faults.spawn(dir, script)
  t.eq(faults.wait_rows(ci, tbl, 1000, 60, p), 1000, p:output())
  local ok, err = pcall(function()
    postgres("stop")
    faults.produce(bootstrap, input, 1001, 3000)
    local rc = p:wait(60)
    t.ok(rc ~= nil and rc ~= 0, "the query stopped with an error")
    local out = p:output()
    t.ok(out:find("writing to PostgreSQL table \"" .. tbl .. "\"", 1, true), out)
    t.ok(out:find("after 2 retries", 1, true), out)
    t.ok(out:find("port='" .. ci:match("port=(%d+)") .. "'", 1, true), "the error names the server: " .. out)
    t.ok(not out:find(ci:match("password=(%S+)"), 1, true), "no password in the error")
  end)
  postgres("start") -- whatever happened: other tests need the server
  if not ok then error(err, 0) end
  local fin = faults.spawn(dir, script, "finish")
  t.eq(fin:wait(120), 0, fin:output())
  faults.check_exactly_once(ci, tbl, faults.ids(1, 3000), "PostgreSQL")
end)

t.run()
