-- The Lua examples of docs/ run as printed. Each runs in a fresh directory
-- as its own `tide run` script, after a prelude that makes the files and
-- the variables the example assumes (its `df`, `stream`, `train`, ...);
-- only addresses, topics, tables and endless waits are swapped for the
-- test's.
local t = require("testing")
local tide = require("tide")

local root = os.getenv("TIDE_SOURCE_DIR") or "."

-- The first lua block after the text `after` in docs/NAME.
local function example(name, after)
  local doc = t.read(root .. "/docs/" .. name)
  local at = assert(doc:find(after, 1, true), name .. ": no " .. after)
  return (assert(doc:match("```lua\n(.-)```", at), name .. ": no lua block after " .. after))
end

-- Replaces `from` by `to`; `from` must occur (every occurrence is replaced).
local function swap(code, from, to)
  local i = code:find(from, 1, true)
  assert(i, "example: no " .. from)
  local out, pos = {}, 1
  while i do
    out[#out + 1] = code:sub(pos, i - 1) .. to
    pos = i + #from
    i = code:find(from, pos, true)
  end
  out[#out + 1] = code:sub(pos)
  return table.concat(out)
end

-- Runs prelude .. code .. epilogue in dir; fails with the output unless
-- it exits 0. Returns the output.
local function run(dir, prelude, code, epilogue, env)
  local out, status = t.run_script(dir, "example.lua", prelude .. "\n" .. code .. "\n" .. (epilogue or ""), env)
  t.eq(status, 0, out)
  return out
end

local PRELUDE = [[
local tide = require("tide")
local F, T = tide.functions, tide.types
local spark = tide.session()
]]

-- A directory with Avazu-shaped CSV files: data/train.gz, data/*.csv.gz,
-- data/*.csv, and an empty incoming/.
local function data_dir(rows)
  local dir = t.tempdir()
  assert(os.execute(("mkdir -p '%s/data' '%s/incoming'"):format(dir, dir)) == 0)
  tide.datagen.ctr { rows = rows, out = dir .. "/data/train.gz", seed = 3 }
  tide.datagen.ctr { rows = rows, out = dir .. "/data/more.csv.gz", seed = 4 }
  tide.datagen.ctr { rows = rows, out = dir .. "/data/plain.csv", seed = 5 }
  return dir
end

t.test("batches.md: a batch from Lua", function()
  local out = run(t.tempdir(), "", example("batches.md", "## From Lua"))
  t.has(out, "Row(id='10000169349117863715', site_id='1fbe01fe', p=0.17)")
  t.has(out, "0.17\ntrue\n")
end)

t.test("streaming.md: reading with PySpark's keyword arguments", function()
  run(data_dir(50), PRELUDE, example("streaming.md", "`load` and `csv` take PySpark's keyword arguments"))
end)

t.test("streaming.md: a vectorized and a per-row UDF", function()
  local out = run(t.tempdir(), PRELUDE, example("streaming.md", "### UDFs"))
  t.has(out, "|  x2|  tag|")
  t.has(out, "| 3.0|a:1.5|")
  t.has(out, "|NULL|b:nil|")
end)

t.test("sql.md: the opening example", function()
  local out = run(t.tempdir(), "local tide = require(\"tide\")", example("sql.md", "# SQL: `spark:sql`"))
  t.has(out, "|   a|  1|")
  t.has(out, "|   b|  1|")
end)

t.test("streaming.md: the SQL syntax error quoted", function()
  local doc = t.read(root .. "/docs/streaming.md")
  local quoted = doc:match("Malformed text fails\nwith the position and what was expected:\n\n```\n(.-)\n```")
  local spark = tide.session()
  local df = spark:createDataFrame({ { 1, 2 } }, "a int, b int")
  local err = t.raises(function() df:selectExpr("a + * b") end)
  t.has(err, quoted)
end)

t.test("streaming.md: the seed's streaming job", function()
  local topic = t.unique("docs_seed")
  tide.admin.client(t.kafka_bootstrap()):createTopic(topic, 1)
  local code = example("streaming.md", "The seed's streaming job")
  code = swap(code, '"to_predict"', ("%q"):format(topic))
  code = swap(code, "spark.streams:awaitAnyTermination()", "spark.streams:awaitAnyTermination(1)")
  run(t.tempdir(), "", code, "", "KAFKA_HOST=" .. t.kafka_bootstrap())
end)

t.test("csv.md: window functions over Avazu's columns", function()
  local out = run(data_dir(50), PRELUDE .. [[
local df = spark.read:csv("data/plain.csv", { header = true, inferSchema = true })
]], example("csv.md", "### Window functions"), [[
local rows = df:withColumn("rn", F.row_number():over(w)):withColumn("running", F.sum("click"):over(w))
  :withColumn("total", F.count("*"):over(Window.partitionBy("site_id")))
print("rows", rows:count(), rows:filter("rn = 1"):count() == rows:select("site_id"):distinct():count())
]])
  t.has(out, "rows	50	true")
end)

t.test("streaming.md: a streaming aggregation", function()
  local code = example("streaming.md", "### Streaming aggregations")
  code = swap(code, ':start()', ':trigger { availableNow = true }:start()')
  local out = run(t.tempdir(), PRELUDE .. [[
local dir = "incoming"
os.execute("mkdir -p incoming")
local f = assert(io.open("incoming/a.csv", "w"))
f:write("s1,1\ns1,0\ns2,1\n")
f:close()
local events = spark.readStream:csv(dir, { schema = "site_id string, click int" })
]], code, [[
q:awaitTermination()
]])
  t.has(out, "|     s1|          2|0.5|")
  t.has(out, "|     s2|          1|1.0|")
end)

t.test("csv.md: reading CSV files", function()
  run(data_dir(50), "", example("csv.md", "## Reading"), [[
assert(df:count() == 50 and #df.columns == 24, "df")
assert(inferred:count() == 50 and same:count() == 50, "inferred")
]])
end)

-- The variables of ml.md's first example over generated rows, with a
-- file stream of the same columns.
local ML_PRELUDE = PRELUDE .. [[
local df = spark.read:csv("data/train.gz", { header = true, inferSchema = true })
  :withColumnRenamed("click", "label")
local train, test = unpack(df:randomSplit({ 0.8, 0.2 }, 7))
local stream = spark.readStream:csv("incoming/", { schema = df.schema, header = true })
local STRING_COLS = { "site_id", "app_id", "device_model" }
local IDX, VEC = { "site_idx", "app_idx", "model_idx" }, { "site_vec", "app_vec", "model_vec" }
local NUMERIC_COLS = { "C1", "banner_pos", "device_type", "C15", "C16" }
]]

t.test("ml.md: the pipeline, saved, loaded and evaluated", function()
  local dir = data_dir(2000)
  local out = run(dir, ML_PRELUDE, example("ml.md", "# tide.ml"))
  t.ok(tonumber(out:match("([%d.]+)%s*$")), "an AUC printed: " .. out)
  local _, status = t.sh(("test -d '%s/model/ctr/stages'"):format(dir))
  t.eq(status, 0, "model saved")
end)

t.test("ml.md: online learning from a stream", function()
  run(data_dir(500), ML_PRELUDE .. [[
local ml = tide.ml
local COLS, NUMERIC = { "site_id", "app_id", "C1", "banner_pos" }, { "C1", "banner_pos" }
local other_stream = stream
]], example("ml.md", "## Online learning (FTRL)"), [[
learner:partialFit(hasher:transform(train))
assert(#learner.lossHistory == 1, "one loss a batch")
]])
end)

t.test("ml.md: following a model as it is retrained", function()
  local dir = data_dir(500)
  run(dir, ML_PRELUDE .. [[
local ml = tide.ml
ml.Pipeline{ stages = {
  ml.StringIndexer{ inputCols = STRING_COLS, outputCols = IDX, handleInvalid = "keep" },
  ml.OneHotEncoder{ inputCols = IDX, outputCols = VEC },
  ml.VectorAssembler{ inputCols = VEC, outputCol = "features" },
  ml.LogisticRegression{ maxIter = 5 },
} }:fit(train):write():overwrite():save("model/ctr")
]], example("ml.md", "## Following a model as it is retrained"), [[
assert(watched.version == 1 and watched.model ~= nil)
assert(scored.isStreaming)
]])
end)

t.test("ml.md: model selection", function()
  run(data_dir(600), ML_PRELUDE .. "local ml = tide.ml\n", example("ml.md", "## Model selection"), [[
assert(#cvModel.avgMetrics == 4, "a metric a map")
assert(cvModel.bestModel.stages[4]:getRegParam() == 0.1 or cvModel.bestModel.stages[4]:getRegParam() == 0.01)
]])
end)

t.test("ml.md: synthetic data", function()
  local dir = t.tempdir()
  local code = swap(example("ml.md", "## Synthetic data (tide.datagen)"), "rows = 200000", "rows = 2000")
  run(dir, "local tide = require('tide')", code, [[
assert(made.rows == 2000 and made.path == "train.csv.gz" and made.bayesLogLoss > 0)
]])
end)

t.test("postgres.md: writes, reads and both exactly-once stream sinks", function()
  local conninfo = t.pg_conninfo()
  local host, port = conninfo:match("host=(%S+)"), conninfo:match("port=(%d+)")
  local db, user, password = conninfo:match("dbname=(%S+)"), conninfo:match("user=(%S+)"), conninfo:match("password=(%S+)")
  local tbl = t.unique("docs_predictions")
  local dir = t.tempdir()
  assert(os.execute(("mkdir -p '%s/incoming'"):format(dir)) == 0)
  local f = assert(io.open(dir .. "/incoming/p.csv", "w"))
  f:write("1,0.5,2024-01-02 03:04:05\n2,0.25,2024-01-02 03:04:06\n")
  f:close()
  local code = example("postgres.md", "# PostgreSQL")
  code = swap(code, '"jdbc:postgresql://localhost:5432/postgres"', ("%q"):format(("jdbc:postgresql://%s:%s/%s"):format(host, port, db)))
  code = swap(code, ':option("user", "postgres")', (":option(%q, %q)"):format("user", user))
  code = swap(code, '"host=localhost dbname=postgres"', ("%q"):format(conninfo))
  code = swap(code, "predictions", tbl)
  run(dir, PRELUDE .. [[
local df = spark:createDataFrame({ { "10000169349117863715", 0.17, "2024-01-02 03:04:05" } },
  "id decimal(38,0), probability double, processed_at timestamp")
local results = spark.readStream:csv("incoming/", { schema = df.schema })
]], code, ([[
for _, q in ipairs(spark.streams:active()) do q:processAllAvailable(); q:stop(); assert(not q:exception(), q:exception()) end
local n = tide.sql(%q, 'SELECT count(*) AS n FROM "%s"'):collect()[1].n
assert(n == 5, "1 row written, 2 by foreachBatch, 2 by the sink: " .. tostring(n))
]]):format(conninfo, tbl), ("PGUSER='%s' PGPASSWORD='%s'"):format(user, password))
end)

t.run()
