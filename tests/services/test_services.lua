-- The real services the integration tests use: a Kafka broker that takes
-- admin calls from librdkafka, and a PostgreSQL that takes password logins
-- over TCP; both scripts are idempotent and report their address.
local t = require("testing")
local tide = require("tide")
local root = os.getenv("TIDE_SOURCE_DIR")

t.test("kafka status prints the bootstrap address of a running broker", function()
  t.ok(t.kafka_bootstrap():match("^127%.0%.0%.1:%d+$"), "bootstrap host:port")
end)

t.test("kafka start on a running broker only prints its address", function()
  local out, status = t.sh(root .. "/scripts/kafka start")
  t.eq(status, 0)
  t.eq(out:gsub("%s+$", ""), t.kafka_bootstrap())
end)

t.test("the broker creates, grows and deletes a topic through librdkafka", function()
  local admin = tide.admin.client(t.kafka_bootstrap())
  local topic = t.unique("services")
  admin:createTopic(topic, 2)
  admin:createPartitions(topic, 3)
  admin:deleteRecords(topic, 2, 0)
  t.raises(function() admin:createTopic(topic, 1) end, "already exists")
  admin:deleteTopic(topic)
end)

t.test("postgres status prints a conninfo with a password login over TCP", function()
  local conninfo = t.pg_conninfo()
  t.ok(conninfo:match("host=127%.0%.0%.1 port=%d+ dbname=tide user=tide password=%S+"), conninfo)
end)

t.test("postgres answers queries as the tide role", function()
  local out, status = t.sh(root .. "/scripts/postgres psql -tA -c 'SELECT current_user, 6 * 7'")
  t.eq(status, 0, out)
  t.eq(out, "tide|42\n")
end)

t.test("a wrong password is refused (scram over TCP, not trust)", function()
  local port = t.pg_conninfo():match("port=(%d+)")
  local out, status = t.sh("PGPASSWORD=wrong psql -w -h 127.0.0.1 -p " .. port .. " -U tide -d tide -c 'SELECT 1'")
  t.ok(status ~= 0, "login refused")
  t.ok(out:find("password authentication failed"), out)
end)

t.run()
