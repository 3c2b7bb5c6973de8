-- A Kafka stream whose micro-batches run the plan in slices
-- (spark.tide.sliceRows): the same rows and numMalformedRows as over whole
-- batches, and a FAILFAST error names the record's topic, partition and
-- offset, not its position in the slice.
local t = require("testing")
local tide = require("tide")
local F, T = tide.functions, tide.types
local spark = tide.session()

local bootstrap = t.kafka_bootstrap()
local name = t.unique("sliced")
tide.admin.client(bootstrap):createTopic(name, 1)

local N = 12000
local BAD = { [3] = true, [5001] = true, [11999] = true } -- offsets (one partition)
local values = {}
for i = 0, N - 1 do
  values[i + 1] = BAD[i] and ("{broken " .. i) or ('{"id": %d, "site": "s%d"}'):format(i, i % 13)
end
t.eq(tide.kafka.produce { bootstrap = bootstrap, topic = name, values = values }, N)
values = nil

local schema = T.struct { T.field("id", T.long), T.field("site", T.string) }

-- Runs the stream to its end with slices of `slice` rows; returns the
-- output rows as text, the malformed count and the query's error.
local function run(slice, mode, start)
  spark.conf:set("spark.tide.sliceRows", slice)
  local out = {}
  local q = spark.readStream:format("kafka"):option("kafka.bootstrap.servers", bootstrap)
    :option("subscribe", name):option("startingOffsets", start or "earliest"):option("maxOffsetsPerTrigger", 6000):load()
    :selectExpr("CAST(value AS STRING) AS value", "offset")
    :select(F.from_json("value", schema, { mode = mode }):alias("j"), "offset")
    :select("j.*", "offset"):withColumn("label", F.concat(F.col("site"), F.lit("#"), F.col("offset")))
    .writeStream:option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }
    :foreachBatch(function(df)
      local b = df:toBatch()
      local id, label = b:column("id"), b:column("label")
      for i = 0, b:count() - 1 do out[#out + 1] = tostring(id:get(i)) .. "/" .. tostring(label:get(i)) end
    end):start()
  local ok, err = pcall(q.awaitTermination, q, 120)
  spark.conf:unset("spark.tide.sliceRows")
  local malformed = 0
  for _, p in ipairs(q:recentProgress()) do malformed = malformed + p.numMalformedRows end
  return out, malformed, not ok and tostring(err) or nil
end

t.test("the stream's rows and malformed count are the same in slices of 700 as whole", function()
  local whole, wbad, werr = run(0, "PERMISSIVE")
  local sliced, sbad, serr = run(700, "PERMISSIVE")
  t.eq(werr, nil)
  t.eq(serr, nil)
  t.eq(#whole, N)
  t.eq(wbad, 3)
  t.eq(sbad, wbad, "numMalformedRows")
  t.ok(t.same(sliced, whole), "the same rows in the same order")
  t.eq(sliced[5002], "nil/nil", "offset 5001 gave a null row")
end)

t.test("FAILFAST names the record's offset from a later slice", function()
  -- From offset 4 on: the first batch [4, 6004) fails at offset 5001, its
  -- row 4997, row 97 of its slice 7.
  local _, _, err = run(700, "FAILFAST", ('{"%s":{"0":4}}'):format(name))
  t.ok(err, "the query failed")
  t.ok(err:find("Row 4997:", 1, true), err)
  t.ok(err:find(("(topic %s partition 0 offset 5001)"):format(name), 1, true), err)
end)

t.run()
