-- Session windows: F.session_window(time, gap) as a grouping key, over
-- batch DataFrames (sessions merged per value of the other keys) and over
-- streams (the sessions kept in the checkpoint, merged with each
-- micro-batch's, made final by the watermark). Expected rows are those of
-- Spark 3.5's DataFrameSessionWindowingSuite and StreamingSessionWindowSuite.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function sorted_rows(df)
  local out = t.rows(df)
  table.sort(out)
  return out
end

-- Rows of {time, value, id}, the time a string cast to a timestamp.
local function events(rows)
  return spark:createDataFrame(rows, "time string, value int, id string")
    :selectExpr("CAST(time AS timestamp) AS time", "value", "id")
end

local function shown(df)
  return df:selectExpr("CAST(session_window.start AS STRING)", "CAST(session_window.end AS STRING)", "*")
    :drop("session_window")
end

t.test("simple session window with record at window start", function()
  local df = events({ { "2016-03-27 19:39:30", 1, "a" } })
  t.same_table(t.rows(shown(df:groupBy(F.session_window("time", "10 seconds")):agg(F.count("*"):alias("counts")))),
    { "2016-03-27 19:39:30|2016-03-27 19:39:40|1" })
end)

t.test("session window groupBy statement: sessions of the whole DataFrame, sorted by the grouping", function()
  local df = events({ { "2016-03-27 19:39:34", 1, "a" }, { "2016-03-27 19:39:56", 2, "a" },
    { "2016-03-27 19:39:27", 4, "b" } })
  local counts = df:groupBy(F.session_window("time", "10 seconds")):agg(F.count("*"):alias("counts"))
    :orderBy("session_window"):select("counts")
  t.same_table(t.rows(counts), { "2", "1" })
end)

t.test("session window groupBy with multiple keys: sessions per key, merged while the next event is within the gap",
  function()
    local df = events({ { "2016-03-27 19:39:34", 1, "a" }, { "2016-03-27 19:39:39", 1, "a" },
      { "2016-03-27 19:39:56", 2, "a" }, { "2016-03-27 19:40:04", 2, "a" }, { "2016-03-27 19:39:27", 4, "b" } })
    local out = df:groupBy(F.session_window("time", "10 seconds"), "id")
      :agg(F.count("*"):alias("counts"), F.sum("value"):alias("sum"))
    t.same_table(sorted_rows(shown(out)), {
      "2016-03-27 19:39:27|2016-03-27 19:39:37|b|1|4",
      "2016-03-27 19:39:34|2016-03-27 19:39:49|a|2|2",
      "2016-03-27 19:39:56|2016-03-27 19:40:14|a|2|4",
    })
    -- keys overlapped with sessions: each key's sessions are its own
    df = events({ { "2016-03-27 19:39:34", 1, "a" }, { "2016-03-27 19:39:39", 1, "b" },
      { "2016-03-27 19:39:40", 2, "a" }, { "2016-03-27 19:39:45", 2, "b" }, { "2016-03-27 19:39:27", 4, "b" } })
    out = df:groupBy(F.session_window("time", "10 seconds"), "id")
      :agg(F.count("*"):alias("counts"), F.sum("value"):alias("sum"))
    t.same_table(sorted_rows(shown(out)), {
      "2016-03-27 19:39:27|2016-03-27 19:39:37|b|1|4",
      "2016-03-27 19:39:34|2016-03-27 19:39:50|a|2|3",
      "2016-03-27 19:39:39|2016-03-27 19:39:55|b|2|3",
    })
    -- the key first or last, an expression key, and a session touching the
    -- next event (an event at the session's end joins it, as Spark's)
    df = events({ { "2016-03-27 19:39:30", 1, "a" }, { "2016-03-27 19:39:40", 1, "A" },
      { "2016-03-27 19:39:51", 1, "a" } })
    out = df:groupBy(F.upper(F.col("id")), F.session_window("time", "10 seconds")):count()
    t.same_table(out.columns, { "upper(id)", "session_window", "count" })
    t.same_table(sorted_rows(out), {
      "A|{2016-03-27 19:39:30, 2016-03-27 19:39:50}|2",
      "A|{2016-03-27 19:39:51, 2016-03-27 19:40:01}|1",
    })
  end)

t.test("session window with multi-column projection: each row's own interval, named session_window", function()
  local df = events({ { "2016-03-27 19:39:34", 1, "a" }, { "2016-03-27 19:39:56", 2, "a" },
    { "2016-03-27 19:39:27", 4, "b" } })
  local out = df:select(F.session_window("time", "10 seconds"), "value"):orderBy("session_window")
  t.same_table(out.columns, { "session_window", "value" })
  t.same_table(t.rows(shown(out)), {
    "2016-03-27 19:39:27|2016-03-27 19:39:37|4",
    "2016-03-27 19:39:34|2016-03-27 19:39:44|1",
    "2016-03-27 19:39:56|2016-03-27 19:40:06|2",
  })
end)

t.test("null times have no session; the type, an alias, SQL, and the errors", function()
  local df = events({ { "2016-03-27 09:00:05", 1, "a" }, { "2016-03-27 09:00:32", 2, "a" }, { nil, 3, "a" },
    { nil, 4, "b" } })
  local out = df:groupBy(F.session_window("time", "10 seconds")):agg(F.sum("value"):alias("s"))
  t.same_table(sorted_rows(out:select("s")), { "1", "2" })
  t.eq(out.schema.fields[1].dataType:simpleString(), "struct<start:timestamp,end:timestamp>")
  local aliased = df:groupBy(F.session_window("time", "1 minute"):alias("session"), "id"):count()
  t.same_table(aliased.columns, { "session", "id", "count" })
  t.same_table(sorted_rows(aliased:selectExpr("id", "CAST(session.end AS STRING)", "count")),
    { "a|2016-03-27 09:01:32|2" })
  df:createOrReplaceTempView("session_events")
  t.same_table(sorted_rows(spark:sql("SELECT id, count(*) AS n FROM session_events"
    .. " GROUP BY id, session_window(time, '10 seconds')")), { "a|1", "a|1" })
  t.same_table(sorted_rows(spark:sql("SELECT id, count(*) AS n FROM session_events"
    .. " GROUP BY id, session_window(time, '1 minute')")), { "a|2" })
  t.same_table(t.rows(spark:sql("SELECT id, session_window.start, session_window.end, count(*) AS cnt"
    .. " FROM session_events GROUP BY id, session_window(time, '1 minute')"):selectExpr("id", "CAST(start AS STRING)",
    "CAST(`end` AS STRING)", "cnt")), { "a|2016-03-27 09:00:05|2016-03-27 09:01:32|2" })
  t.raises(function() F.session_window("time", F.col("id")) end, "not supported")
  t.raises(function() spark:sql("SELECT count(*) FROM session_events GROUP BY session_window(time, id)") end,
    "not supported")
  t.raises(function() F.session_window("time", "1 month") end, "months or years")
  t.raises(function() df:groupBy(F.session_window("id", "1 minute")) end, "not a timestamp")
  t.raises(function() df:groupBy(F.session_window("time", "1 minute"), F.window("time", "1 minute")) end,
    "Multiple time/session window expressions")
end)

-- ---- streams ---------------------------------------------------------------------------------

-- StreamingSessionWindowSuite's sessionWindowQuery over a directory of
-- CSV files of {words, seconds}, a file a batch: each word a session id.
local function session_query(dir)
  return spark.readStream:csv(dir, { schema = "value string, timestamp long", maxFilesPerTrigger = 1 })
    :withColumn("eventTime", F.col("timestamp"):cast("timestamp"))
    :withWatermark("eventTime", "30 seconds")
    :selectExpr("explode(split(value, ' ')) AS sessionId", "eventTime")
    :groupBy(F.session_window("eventTime", "10 seconds"):alias("session"), "sessionId")
    :agg(F.count("*"):alias("numEvents"))
    :selectExpr("sessionId", "CAST(session.start AS LONG)", "CAST(session.end AS LONG)",
      "CAST(session.end AS LONG) - CAST(session.start AS LONG) AS durationMs", "numEvents")
end

local INPUTS = {
  { { "hello world spark streaming", 40 }, { "world hello structured streaming", 41 } },
  { { "spark streaming", 25 } }, -- new sessions before the kept ones
  { { "spark streaming", 0 } }, -- late: a session ending at 10, the watermark 11
  { { "spark streaming", 30 } }, -- bridges two kept sessions of each key
  { { "hello apache spark", 60 } }, -- new sessions after the kept ones
  { { "structured streaming", 90 } },
}

local function add_input(dir, i) t.write_csv(("%s/%02d.csv"):format(dir, i), INPUTS[i]) end

t.test("complete mode: every session after each batch, merged across batches", function()
  local input = t.tempdir()
  local batches = {}
  local q
  -- (Spark's complete mode test has no late batch: its watermark stays 0)
  for _, i in ipairs({ 1, 2, 4, 5, 6 }) do
    add_input(input, i)
    q = q or session_query(input).writeStream:outputMode("complete")
      :foreachBatch(function(df, epoch) batches[epoch + 1] = sorted_rows(df) end)
      :option("checkpointLocation", t.tempdir() .. "/cp"):start()
    q:processAllAvailable()
  end
  q:stop()
  t.same_table(batches[1], { "hello|40|51|11|2", "spark|40|50|10|1", "streaming|40|51|11|2",
    "structured|41|51|10|1", "world|40|51|11|2" })
  t.same_table(batches[2], { "hello|40|51|11|2", "spark|25|35|10|1", "spark|40|50|10|1", "streaming|25|35|10|1",
    "streaming|40|51|11|2", "structured|41|51|10|1", "world|40|51|11|2" })
  t.same_table(batches[3], { "hello|40|51|11|2", "spark|25|50|25|3", "streaming|25|51|26|4",
    "structured|41|51|10|1", "world|40|51|11|2" })
  t.same_table(batches[4], { "apache|60|70|10|1", "hello|40|51|11|2", "hello|60|70|10|1", "spark|25|50|25|3",
    "spark|60|70|10|1", "streaming|25|51|26|4", "structured|41|51|10|1", "world|40|51|11|2" })
  t.same_table(batches[5], { "apache|60|70|10|1", "hello|40|51|11|2", "hello|60|70|10|1", "spark|25|50|25|3",
    "spark|60|70|10|1", "streaming|25|51|26|4", "streaming|90|100|10|1", "structured|41|51|10|1",
    "structured|90|100|10|1", "world|40|51|11|2" })
end)

t.test("append mode: each session once, when the watermark passes its end; late rows dropped; a restart", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  local out, dropped = {}, {}
  local function start()
    return session_query(input).writeStream:outputMode("append")
      :foreachBatch(function(df, epoch) out[epoch + 1] = sorted_rows(df) end)
      :option("checkpointLocation", cp):start()
  end
  local q = start()
  for i = 1, #INPUTS do
    add_input(input, i)
    if i == 4 or i == 5 then
      -- stopped and started again: the sessions come back from the
      -- checkpoint (after the bridging batch, without the two it replaced)
      q:stop()
      q = start()
    end
    q:processAllAvailable()
    local p = q:lastProgress()
    if i == 3 then dropped[#dropped + 1] = p.stateOperators[1].numRowsDroppedByWatermark end
  end
  local p = q:lastProgress()
  -- The last watermark (60) makes five sessions final in a batch without
  -- data, which the query runs on its own once the batch before is done.
  local function written()
    local all = {}
    for epoch = 1, table.maxn(out) do
      for _, r in ipairs(out[epoch] or {}) do all[#all + 1] = r end
    end
    table.sort(all)
    return all
  end
  t.wait_for(function() return #written() >= 5 end, 10)
  q:stop()
  t.same_table(dropped, { 2 })
  t.eq(p.stateOperators[1].operatorName, "sessionWindowStateStoreSaveExec")
  t.same_table(written(), { "hello|40|51|11|2", "spark|25|50|25|3", "streaming|25|51|26|4", "structured|41|51|10|1",
    "world|40|51|11|2" })
  t.ok(io.open(cp .. "/state/6/1.delta", "r"), "the sessions are state/6/ in the checkpoint")
end)

t.test("a replayed epoch gives the same sessions: its state is the one before it", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  local seen = {}
  local function start(fail_at)
    return session_query(input).writeStream:outputMode("complete")
      :foreachBatch(function(df, epoch)
        if epoch == fail_at then error("sink down") end
        seen[epoch + 1] = sorted_rows(df)
      end)
      :option("checkpointLocation", cp):start()
  end
  add_input(input, 1)
  add_input(input, 2)
  add_input(input, 4)
  local q = start(2)
  t.raises(function() q:processAllAvailable() end, "sink down")
  q = start(nil)
  q:processAllAvailable()
  q:stop()
  t.same_table(seen[3], { "hello|40|51|11|2", "spark|25|50|25|3", "streaming|25|51|26|4", "structured|41|51|10|1",
    "world|40|51|11|2" })
end)

t.test("on a stream: update mode, a global session window and append without a watermark fail as Spark's", function()
  local input = t.tempdir()
  add_input(input, 1)
  t.raises(function()
    session_query(input).writeStream:outputMode("update"):format("console")
      :option("checkpointLocation", t.tempdir() .. "/cp"):start()
  end, "Update output mode not supported for session window")
  local s = spark.readStream:csv(input, { schema = "value string, timestamp long" })
    :withColumn("eventTime", F.col("timestamp"):cast("timestamp"))
  t.raises(function() s:withWatermark("eventTime", "10 seconds"):groupBy(F.session_window("eventTime", "5 seconds"))
    :count() end, "Global aggregation with session window in streaming query is not supported")
  t.raises(function()
    s:groupBy(F.session_window("eventTime", "5 seconds"), "value"):count().writeStream:format("console")
      :option("checkpointLocation", t.tempdir() .. "/cp"):start()
  end, "Append output mode not supported")
end)

t.run()
