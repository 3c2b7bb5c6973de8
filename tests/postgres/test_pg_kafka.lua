-- The jdbc sink over a real Kafka topic, against the test PostgreSQL: a
-- record's text that is not UTF-8 is written as Spark writes it (each
-- malformed sequence as U+FFFD) instead of failing the epoch on every
-- restart; a row the server refuses is named by its epoch, its row in the
-- micro-batch and, when the rows carry Kafka's columns, its record.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local pg = require("tide.pg")
local spark = tide.session()

local bootstrap = t.kafka_bootstrap()
local ci = t.pg_conninfo()
local admin = tide.admin.client(bootstrap)

local function scalar(sql, ...) return pg.query(ci, sql, ...):collect()[1].v end

-- A topic of 3 partitions holding `values`.
local function topic_of(values)
  local topic = t.unique("pg_kafka")
  admin:createTopic(topic, 3)
  t.eq(tide.kafka.produce { bootstrap = bootstrap, topic = topic, values = values }, #values)
  return topic
end

local function records(topic)
  return spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
    :option("subscribe", topic):option("startingOffsets", "earliest"):load()
end

-- Runs df into tbl with the jdbc sink until the topic's end (dir: the
-- checkpoint); the query's error, or nil; and what it wrote on stderr.
local function run(df, tbl, dir)
  local q, ok, err
  local lines = t.stderr_of(function()
    q = df.writeStream:format("jdbc"):option("url", ci):option("dbtable", tbl)
      :option("checkpointLocation", dir):trigger { availableNow = true }:start()
    ok, err = pcall(q.awaitTermination, q, 120)
  end)
  t.ok(not q:isActive())
  return not ok and tostring(err) or nil, lines
end

t.test("a Kafka record whose text is not UTF-8 is written with U+FFFD, as Spark writes it, and said", function()
  local values = {}
  for i = 1, 20 do values[i] = ('{"id":%d,"s":"ok"}'):format(i) end
  values[5] = '{"id":5,"s":"bad\255"}'
  local topic = topic_of(values)
  -- the value cast to string, as it is
  local raw = t.unique("pg_kafka_raw")
  local err, lines = run(records(topic):selectExpr("CAST(value AS STRING) AS v"), raw, t.tempdir())
  t.eq(err, nil)
  t.eq(scalar("SELECT count(*) AS v FROM " .. raw), 20)
  t.eq(scalar("SELECT v FROM " .. raw .. " WHERE v LIKE '%\"id\":5,%'"), '{"id":5,"s":"bad\239\191\189"}')
  t.eq(#lines, 1, table.concat(lines))
  t.has(lines[1], "epoch 0: 1 value written to " .. ("%q"):format(raw) .. " held invalid UTF-8; each malformed "
    .. "sequence was replaced by U+FFFD, as Spark's JDBC writer does (the first: row ")
  t.has(lines[1], ' of the micro-batch, column "v")')
  -- from_json, PERMISSIVE: the record goes whole into _corrupt_record
  local parsed = t.unique("pg_kafka_json")
  err = run(records(topic):selectExpr("CAST(value AS STRING) AS value")
    :select(F.from_json("value", "id long, s string, _corrupt_record string"):alias("d")):select("d.*"),
    parsed, t.tempdir())
  t.eq(err, nil)
  t.eq(scalar("SELECT count(*) AS v FROM " .. parsed), 20)
  t.eq(scalar("SELECT count(*) AS v FROM " .. parsed .. " WHERE strpos(coalesce(s, '') || coalesce(_corrupt_record, ''), "
    .. "U&'\\FFFD') > 0"), 1, "the bad record's text, with U+FFFD")
end)

-- A table whose s is NOT NULL, and 300 records of which id 250 has no s.
local function refused_setup(columns)
  local values = {}
  for i = 1, 300 do values[i] = i == 250 and '{"id":250}' or ('{"id":%d,"s":"x"}'):format(i) end
  local topic = topic_of(values)
  local tbl = t.unique("pg_kafka_nn")
  pg.execute(ci, ("CREATE TABLE %s (id bigint PRIMARY KEY, s varchar(5) NOT NULL%s)"):format(tbl, columns or ""))
  return topic, tbl
end

local function parsed(topic, ...)
  return records(topic):selectExpr("CAST(value AS STRING) AS value", ...)
    :select(F.from_json("value", "id long, s string"):alias("d"), ...):select("d.*", ...)
end

t.test("a row the server refuses names its epoch and row; the epoch is rolled back and the restart writes it", function()
  local topic, tbl = refused_setup()
  local dir = t.tempdir()
  local err = run(parsed(topic), tbl, dir)
  t.ok(err, "the query failed")
  t.has(err, 'null value in column "s"')
  local line = tonumber(err:match("COPY [^,]+, line (%d+)"))
  t.ok(line, err)
  t.has(err, ("; the row is row %d of epoch 0's micro-batch; epoch 0 was rolled back: none of its rows is in the "
    .. "table, and the query's restart writes the epoch again"):format(line))
  t.ok(not err:find("offset", 1, true), "the rows carry no record: none is named")
  t.eq(scalar("SELECT count(*) AS v FROM " .. tbl), 0)
  pg.execute(ci, ("ALTER TABLE %s ALTER COLUMN s DROP NOT NULL"):format(tbl))
  t.eq(run(parsed(topic), tbl, dir), nil)
  t.eq(scalar("SELECT count(*) AS v FROM " .. tbl), 300, "the restart wrote epoch 0 once")
end)

t.test("a row the server refuses is named by its Kafka record when the rows carry topic, partition and offset", function()
  local topic, tbl = refused_setup(', topic text, "partition" int, "offset" bigint')
  -- in pieces of 50 rows: the row is found in the piece that holds it
  spark.conf:set("spark.tide.sliceRows", "50")
  local ok, err = pcall(run, parsed(topic, "topic", "partition", "offset"), tbl, t.tempdir())
  spark.conf:unset("spark.tide.sliceRows")
  if not ok then error(err, 0) end
  t.ok(err, "the query failed")
  local at = spark.read:format("kafka"):option("kafka.bootstrap.servers", bootstrap):option("subscribe", topic)
    :load():where("CAST(value AS STRING) = '{\"id\":250}'"):collect()
  t.eq(#at, 1)
  t.has(err, ("epoch 0's micro-batch (topic %s partition %d offset %s); epoch 0 was rolled back")
    :format(topic, at[1].partition, tostring(at[1].offset):gsub("U?LL$", "")))
end)

t.run()
