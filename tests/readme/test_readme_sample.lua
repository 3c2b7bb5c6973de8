-- README.md's sample script runs as printed against the model
-- notebooks/ml_training.lua saves: its from_json schema has every column
-- the model reads. Only the addresses, the topic, the table and the
-- checkpoint are swapped for the test's, and the endless
-- awaitTermination() for a bounded run.
local t = require("testing")
local tide = require("tide")

local root = os.getenv("TIDE_SOURCE_DIR") or "."
local bin = os.getenv("TIDE_BIN") or "build/tide"

-- The lua block after `line` in the README.
local function sample(after)
  local readme = t.read(root .. "/README.md")
  local at = assert(readme:find(after, 1, true), "README: no " .. after)
  return assert(readme:match("```lua\n(.-)```", at), "README: no lua block after " .. after)
end

-- Replaces `from` by `to`, which must occur exactly once.
local function swap(code, from, to)
  local i, j = code:find(from, 1, true)
  assert(i and not code:find(from, j + 1, true), "README sample: not exactly one " .. from)
  return code:sub(1, i - 1) .. to .. code:sub(j + 1)
end

t.test("the README's script scores the producer's events with the training notebook's model", function()
  local tmp = t.tempdir()
  local out, status = t.sh(("cd '%s' && CTR_ROWS=5000 TIDE_DATA_DIR=data '%s' run '%s/notebooks/ml_training.lua'")
    :format(tmp, bin, root))
  t.eq(status, 0, out)
  local bootstrap, conninfo = t.kafka_bootstrap(), t.pg_conninfo()
  local topic, tbl = t.unique("readme_events"), t.unique("readme_predictions")
  tide.admin.client(bootstrap):createTopic(topic, 2)

  local code = sample("A PySpark user reads a tide script line by line")
  code = swap(code, '"127.0.0.1:9092"', ("%q"):format(bootstrap))
  code = swap(code, '"to_predict"', ("%q"):format(topic))
  code = swap(code, '"jdbc:postgresql://localhost:5432/tide"', ("%q"):format(conninfo))
  code = swap(code, '"predictions"', ("%q"):format(tbl))
  code = swap(code, '"checkpoints/predictions"', ("%q"):format(tmp .. "/checkpoints/predictions"))
  code = swap(code, '"model/ctr"', ("%q"):format(tmp .. "/model/ctr"))
  code = swap(code, "query:awaitTermination()", "return query")
  local query = assert(loadstring(code, "=README.md"))()
  -- (the stream starts at the latest offsets, as Spark's: its first batch
  -- fixes them before any event is produced, however slow the machine)
  query:processAllAvailable()

  tide.datagen.ctr { rows = 300, out = tmp .. "/events.csv.gz", test = true, seed = 9 }
  out, status = t.sh(("'%s' run '%s/scripts/producer.lua' '%s/events.csv.gz' --bootstrap '%s' --topic '%s' --quiet")
    :format(bin, root, tmp, bootstrap, topic))
  t.eq(status, 0, out)
  query:processAllAvailable()
  query:stop()
  t.eq(query:exception(), nil)
  local r = tide.sql(conninfo, ('SELECT COUNT(DISTINCT id) AS n, MIN(probability) AS lo, MAX(probability) AS hi FROM "%s"')
    :format(tbl)):collect()[1]
  t.eq(tonumber(tostring(r.n)), 300, "every event scored once")
  t.ok(r.lo > 0 and r.hi < 1, "probabilities")
end)

t.run()
