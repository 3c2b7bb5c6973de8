-- A real streaming run in this process for some seconds (TIDE_LEAK_SECONDS,
-- default 5): Kafka -> from_json -> PostgreSQL (exactly once) and Kafka,
-- while records keep arriving, then a clean stop. Its point is the
-- sanitized build (scripts/test), where LeakSanitizer checks at exit that
-- the source, the sinks, batches, arenas and connections were all freed:
-- any leak fails this test.
package.path = (os.getenv("TIDE_SOURCE_DIR") or ".") .. "/tests/faults/?.lua;" .. package.path
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local faults = require("faults")

local bootstrap, ci = t.kafka_bootstrap(), t.pg_conninfo()
local admin = tide.admin.client(bootstrap)
local spark = tide.session()

t.test("a Kafka -> PostgreSQL and Kafka stream runs, stops and frees everything", function()
  local seconds = tonumber(os.getenv("TIDE_LEAK_SECONDS") or "5")
  local dir = t.tempdir()
  local input, output, tbl = t.unique("leak_in"), t.unique("leak_out"), t.unique("leak")
  admin:createTopic(input, 3)
  admin:createTopic(output, 3)
  local events = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
    :option("subscribe", input):option("startingOffsets", "earliest"):option("maxOffsetsPerTrigger", 500):load()
    :select(F.from_json(F.col("value"):cast("string"), "id decimal(38,0), n int"):alias("e")):select("e.*")
  local to_pg = events.writeStream:format("jdbc"):option("url", ci):option("dbtable", tbl)
    :option("checkpointLocation", dir .. "/cp_pg"):start()
  local to_kafka = events:selectExpr("to_json(struct(id, n)) AS value").writeStream:format("kafka")
    :option("kafka.bootstrap.servers", bootstrap):option("topic", output)
    :option("checkpointLocation", dir .. "/cp_kafka"):start()
  local produced = 0
  local deadline = tide.now() + seconds
  while tide.now() < deadline do
    faults.produce(bootstrap, input, produced + 1, produced + 500)
    produced = produced + 500
    tide.sleep(0.2) -- the queries run meanwhile
  end
  local wait_until = tide.now() + 60
  while faults.count(ci, tbl) < produced and tide.now() < wait_until and to_pg:isActive() do tide.sleep(0.1) end
  to_pg:stop()
  to_kafka:stop()
  t.eq(to_pg:exception(), nil)
  t.eq(to_kafka:exception(), nil)
  t.ok(#to_pg:recentProgress() > 3, "several batches ran")
  faults.check_exactly_once(ci, tbl, faults.ids(1, produced), "PostgreSQL")
  print(("  %d records in %d s"):format(produced, seconds))
end)

t.run()
