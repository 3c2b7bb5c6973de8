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
  -- a gap of another type than a string fails as Spark's analysis fails it
  t.raises(function() df:groupBy(F.session_window("time", F.lit(5)), "id") end,
    "Gap duration expression used in session window must be CalendarIntervalType, but got int")
  t.raises(function() spark:sql("SELECT session_window(time, 1.0), value FROM session_events") end,
    "must be CalendarIntervalType, but got decimal%(2,1%)")
  -- (a gap column of unreadable durations gives no row a session)
  t.same_table(t.rows(spark:sql("SELECT count(*) FROM session_events GROUP BY session_window(time, id)")), {})
  t.raises(function() F.session_window("time", "1 month") end, "months or years")
  t.raises(function() df:groupBy(F.session_window("id", "1 minute")) end, "not a timestamp")
  t.raises(function() df:groupBy(F.session_window("time", "1 minute"), F.window("time", "1 minute")) end,
    "Multiple time/session window expressions")
end)

-- ---- dynamic gaps ----------------------------------------------------------------------------

-- Rows of {time, value, id, gap}, the gap a duration string (or nil).
local function gapped(rows)
  return spark:createDataFrame(rows, "time string, value int, id string, gap string")
    :selectExpr("CAST(time AS timestamp) AS time", "value", "id", "gap")
end

local TWO_KEYS = {
  { "2016-03-27 10:00:00", 1, "a" }, { "2016-03-27 10:00:04", 2, "a" }, { "2016-03-27 10:00:10", 4, "a" },
  { "2016-03-27 10:00:00", 8, "b" }, { "2016-03-27 10:00:15", 16, "b" }, { "2016-03-27 10:00:40", 32, "b" },
}
-- a's sessions with a gap of 5 seconds, b's with one of 20
local TWO_KEYS_SESSIONS = {
  "2016-03-27 10:00:00|2016-03-27 10:00:09|a|2|3", "2016-03-27 10:00:00|2016-03-27 10:00:35|b|2|24",
  "2016-03-27 10:00:10|2016-03-27 10:00:15|a|1|4", "2016-03-27 10:00:40|2016-03-27 10:01:00|b|1|32",
}

t.test("dynamic gap: two keys with different gaps (F.when), each key's sessions by its own gap", function()
  local gap = F.when(F.col("id"):eq("a"), "5 seconds"):otherwise("20 seconds")
  local out = events(TWO_KEYS):groupBy(F.session_window("time", gap), "id")
    :agg(F.count("*"):alias("counts"), F.sum("value"):alias("sum"))
  t.same_table(out.columns, { "session_window", "id", "counts", "sum" })
  t.eq(out.schema.fields[1].dataType:simpleString(), "struct<start:timestamp,end:timestamp>")
  t.same_table(sorted_rows(shown(out)), TWO_KEYS_SESSIONS)
end)

t.test("dynamic gap by row: a session ends at the latest end of its events; null, zero, negative and unreadable"
  .. " gaps drop the row", function()
  local df = gapped({
    { "2016-03-27 10:00:00", 1, "a", "30 seconds" }, { "2016-03-27 10:00:20", 2, "a", "1 second" },
    { "2016-03-27 10:00:29", 4, "a", "1 second" }, -- [29, 30): the session still ends at 30
    { "2016-03-27 10:00:31", 8, "a", "interval 1 minute" }, -- after 30: a session of its own
    { "2016-03-27 10:00:30", 16, "a", "0 seconds" }, -- would touch the first session's end
    { "2016-03-27 10:00:05", 32, "a", nil }, { "2016-03-27 10:00:10", 64, "a", "-5 seconds" },
    { "2016-03-27 10:00:12", 128, "a", "soon" }, { "2016-03-27 10:00:00", 256, "b", "1 day" },
    { nil, 512, "b", "1 hour" },
  })
  local out = df:groupBy("id", F.session_window("time", F.col("gap"))):agg(F.count("*"):alias("n"),
    F.sum("value"):alias("s"))
  t.same_table(out.columns, { "id", "session_window", "n", "s" })
  t.same_table(sorted_rows(shown(out)), {
    "2016-03-27 10:00:00|2016-03-27 10:00:30|a|3|7", "2016-03-27 10:00:00|2016-03-28 10:00:00|b|1|256",
    "2016-03-27 10:00:31|2016-03-27 10:01:31|a|1|8",
  })
  -- a gap of months has no fixed length: the action fails, naming it
  local months = gapped({ { "2016-03-27 10:00:00", 1, "a", "1 month" } })
  t.raises(function() t.rows(months:groupBy("id", F.session_window("time", F.col("gap"))):count()) end,
    "the gap \"1 month\" has months or years")
end)

t.test("dynamic gap in SQL: a CASE of strings or of INTERVALs, and an INTERVAL literal", function()
  events(TWO_KEYS):createOrReplaceTempView("two_keys")
  local function query(gap)
    return sorted_rows(spark:sql("SELECT CAST(session_window.start AS STRING) AS s, CAST(session_window.end AS STRING)"
      .. " AS e, id, count(*) AS counts, sum(value) AS sum FROM two_keys GROUP BY id, session_window(time, " .. gap
      .. ")"))
  end
  t.same_table(query("CASE WHEN id = 'a' THEN '5 seconds' ELSE '20 seconds' END"), TWO_KEYS_SESSIONS)
  t.same_table(query("CASE WHEN id = 'a' THEN INTERVAL 5 SECONDS ELSE INTERVAL 20 SECONDS END"), TWO_KEYS_SESSIONS)
  t.same_table(query("INTERVAL 10 SECONDS"), {
    "2016-03-27 10:00:00|2016-03-27 10:00:10|b|1|8", "2016-03-27 10:00:00|2016-03-27 10:00:20|a|3|7",
    "2016-03-27 10:00:15|2016-03-27 10:00:25|b|1|16", "2016-03-27 10:00:40|2016-03-27 10:00:50|b|1|32",
  })
  -- F.expr's INTERVAL is a literal gap too
  local out = events(TWO_KEYS):groupBy(F.session_window("time", F.expr("INTERVAL 20 SECONDS")), "id"):count()
  t.same_table(sorted_rows(shown(out)), { "2016-03-27 10:00:00|2016-03-27 10:00:30|a|3",
    "2016-03-27 10:00:00|2016-03-27 10:00:35|b|2", "2016-03-27 10:00:40|2016-03-27 10:01:00|b|1" })
end)

t.test("dynamic gap in a select: each row's own [time, time + gap), null without a gap above zero", function()
  -- DataFrameSessionWindowingSuite's table of SPARK-36465's tests
  local df = spark:createDataFrame({ { "2016-03-27 19:39:34", 1, "10 seconds" }, { "2016-03-27 19:39:56", 2,
    "20 seconds" }, { "2016-03-27 19:39:27", 4, "30 seconds" } }, "time string, value int, duration string")
    :selectExpr("CAST(time AS timestamp) AS time", "value", "duration")
  df:createOrReplaceTempView("durations")
  local function selected(sql)
    local out = spark:sql(sql)
    t.same_table(out.columns, { "session_window", "value" })
    return sorted_rows(out:selectExpr("CAST(session_window.start AS STRING)", "CAST(session_window.end AS STRING)",
      "value"))
  end
  t.same_table(selected("SELECT session_window(time, duration), value FROM durations"), {
    "2016-03-27 19:39:27|2016-03-27 19:39:57|4", "2016-03-27 19:39:34|2016-03-27 19:39:44|1",
    "2016-03-27 19:39:56|2016-03-27 19:40:16|2" })
  t.same_table(selected("SELECT session_window(time, CASE WHEN value = 1 THEN '2 seconds' WHEN value = 2 THEN"
    .. " '10 seconds' ELSE '20 seconds' END), value FROM durations"), {
    "2016-03-27 19:39:27|2016-03-27 19:39:47|4", "2016-03-27 19:39:34|2016-03-27 19:39:36|1",
    "2016-03-27 19:39:56|2016-03-27 19:40:06|2" })
  -- (Spark drops the row of an unreadable, zero or negative gap; tide's is
  -- a null session_window, as a row without a time is)
  t.same_table(selected("SELECT session_window(time, CASE WHEN value = 1 THEN '2 seconds' WHEN value = 2 THEN"
    .. " 'invalid gap duration' ELSE '-20 seconds' END), value FROM durations"), {
    "2016-03-27 19:39:34|2016-03-27 19:39:36|1", "null|null|2", "null|null|4" })
  local out = df:select(F.session_window("time", F.col("duration")):alias("session"), "value")
  t.same_table(out.columns, { "session", "value" })
  t.eq(out.schema.fields[1].dataType:simpleString(), "struct<start:timestamp,end:timestamp>")
  t.same_table(sorted_rows(out:selectExpr("CAST(session.end AS STRING)", "value")), {
    "2016-03-27 19:39:44|1", "2016-03-27 19:39:57|4", "2016-03-27 19:40:16|2" })
end)

-- ---- streams ---------------------------------------------------------------------------------

-- StreamingSessionWindowSuite's sessionWindowQuery over a directory of
-- CSV files of {words, seconds}, a file a batch: each word a session id.
local function session_query(dir, gap)
  return spark.readStream:csv(dir, { schema = "value string, timestamp long", maxFilesPerTrigger = 1 })
    :withColumn("eventTime", F.col("timestamp"):cast("timestamp"))
    :withWatermark("eventTime", "30 seconds")
    :selectExpr("explode(split(value, ' ')) AS sessionId", "eventTime")
    :groupBy(F.session_window("eventTime", gap or "10 seconds"):alias("session"), "sessionId")
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

-- Every row a foreachBatch collector kept (out[epoch] = its rows), sorted.
local function written(out)
  local all = {}
  for epoch = 1, table.maxn(out) do
    for _, r in ipairs(out[epoch] or {}) do all[#all + 1] = r end
  end
  table.sort(all)
  return all
end

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
  t.wait_for(function() return #written(out) >= 5 end, 10)
  q:stop()
  t.same_table(dropped, { 2 })
  t.eq(p.stateOperators[1].operatorName, "sessionWindowStateStoreSaveExec")
  t.same_table(written(out), { "hello|40|51|11|2", "spark|25|50|25|3", "streaming|25|51|26|4", "structured|41|51|10|1",
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

-- StreamingSessionWindowSuite's dynamic gap (SPARK-36465): hello's
-- events 1 second, structured's 0 and world's -10 (left out), the others'
-- 10 seconds.
local function spark_gap()
  return F.when(F.col("sessionId"):eq("hello"), "1 second"):when(F.col("sessionId"):eq("structured"), "0 second")
    :when(F.col("sessionId"):eq("world"), "-10 seconds"):otherwise("10 seconds")
end

t.test("dynamic gap, complete mode: every session each batch, each word's by its own gap", function()
  local input = t.tempdir()
  local batches = {}
  local q
  for _, i in ipairs({ 1, 2, 4, 5, 6 }) do
    add_input(input, i)
    q = q or session_query(input, spark_gap()).writeStream:outputMode("complete")
      :foreachBatch(function(df, epoch) batches[epoch + 1] = sorted_rows(df) end)
      :option("checkpointLocation", t.tempdir() .. "/cp"):start()
    q:processAllAvailable()
  end
  q:stop()
  t.same_table(batches[1], { "hello|40|42|2|2", "spark|40|50|10|1", "streaming|40|51|11|2" })
  t.same_table(batches[2], { "hello|40|42|2|2", "spark|25|35|10|1", "spark|40|50|10|1", "streaming|25|35|10|1",
    "streaming|40|51|11|2" })
  t.same_table(batches[3], { "hello|40|42|2|2", "spark|25|50|25|3", "streaming|25|51|26|4" })
  t.same_table(batches[4], { "apache|60|70|10|1", "hello|40|42|2|2", "hello|60|61|1|1", "spark|25|50|25|3",
    "spark|60|70|10|1", "streaming|25|51|26|4" })
  t.same_table(batches[5], { "apache|60|70|10|1", "hello|40|42|2|2", "hello|60|61|1|1", "spark|25|50|25|3",
    "spark|60|70|10|1", "streaming|25|51|26|4", "streaming|90|100|10|1" })
end)

t.test("dynamic gap, append mode: Spark's sessions, late rows dropped, across a restart", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  local out, dropped = {}, {}
  local function start()
    return session_query(input, spark_gap()).writeStream:outputMode("append")
      :foreachBatch(function(df, epoch) out[epoch + 1] = sorted_rows(df) end)
      :option("checkpointLocation", cp):start()
  end
  local q = start()
  for i = 1, #INPUTS do
    add_input(input, i)
    if i == 4 then
      q:stop()
      q = start()
    end
    q:processAllAvailable()
    if i == 3 then dropped[#dropped + 1] = q:lastProgress().stateOperators[1].numRowsDroppedByWatermark end
  end
  t.wait_for(function() return #written(out) >= 3 end, 10)
  q:stop()
  t.same_table(dropped, { 2 })
  t.same_table(written(out), { "hello|40|42|2|2", "spark|25|50|25|3", "streaming|25|51|26|4" })
end)

-- A stream of {user, at (seconds), gap}, a file a batch, sessionized by
-- each row's gap.
local function gap_query(dir, gap)
  return spark.readStream:csv(dir, { schema = "user string, at long, gap string", maxFilesPerTrigger = 1 })
    :withColumn("eventTime", F.col("at"):cast("timestamp"))
    :withWatermark("eventTime", "10 seconds")
    :groupBy(F.session_window("eventTime", gap or F.col("gap")), "user")
    :agg(F.count("*"):alias("n"), F.sum("at"):alias("ats"))
    :selectExpr("user", "CAST(session_window.start AS LONG)", "CAST(session_window.end AS LONG)", "n", "ats")
end

t.test("dynamic gap, append mode: a session opened with one gap is extended by events of others, across micro-"
  .. "batches and restarts, by its kept end", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  local files = {
    -- a: [10, 40); b: [10, 12); b's null and negative gaps: no session
    "a,10,30 seconds\nb,10,2 seconds\nb,10,\nb,10,-1 seconds\n",
    -- a: [38, 58) joins [10, 40) -> [10, 58); b: [13, 15), after [10, 12)
    "a,38,20 seconds\nb,13,2 seconds\n",
    -- (restarted) a: [55, 56) joins the kept [10, 58), which it only holds
    -- by its kept end (its last event's gap, 20 seconds, is not 1)
    "a,55,1 second\n",
    -- (restarted) a: [57, 59) -> [10, 59)
    "a,57,2 seconds\n",
    -- the watermark (90) passes every session above
    "a,100,1 second\nb,100,1 second\n",
  }
  local out = {}
  local function start()
    return gap_query(input).writeStream:outputMode("append")
      :foreachBatch(function(df, epoch) out[epoch + 1] = sorted_rows(df) end)
      :option("checkpointLocation", cp):start()
  end
  local q = start()
  for i, text in ipairs(files) do
    t.write(("%s/%02d.csv"):format(input, i), text)
    if i == 3 or i == 4 then
      q:stop()
      q = start()
    end
    q:processAllAvailable()
  end
  t.wait_for(function() return #written(out) >= 3 end, 10)
  q:stop()
  t.same_table(written(out), { "a|10|59|4|160", "b|10|12|1|10", "b|13|15|1|13" })
  t.ok(io.open(cp .. "/state/6/1.delta", "r"), "the sessions are state/6/ in the checkpoint")
end)

t.test("a checkpoint of a literal gap's sessions restarts under a dynamic gap: the kept sessions keep their ends",
  function()
    local input, cp = t.tempdir(), t.tempdir() .. "/cp"
    local last
    local function start(gap)
      return gap_query(input, gap).writeStream:outputMode("complete")
        :foreachBatch(function(df) last = sorted_rows(df) end)
        :option("checkpointLocation", cp):start()
    end
    t.write(input .. "/01.csv", "a,10,1 second\n")
    local q = start("10 seconds")
    q:processAllAvailable()
    q:stop()
    t.same_table(last, { "a|10|20|1|10" })
    -- [19, 20) joins the kept [10, 20); [25, 30) does not
    t.write(input .. "/02.csv", "a,19,1 second\na,25,5 seconds\n")
    q = start(nil)
    q:processAllAvailable()
    q:stop()
    t.same_table(last, { "a|10|20|2|29", "a|25|30|1|25" })
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

t.test("a dynamic gap's text reads as Spark casts a string to an interval; a literal gap of zero or less is null", function()
  local spark = tide.session()
  local df = spark:createDataFrame({ { "0.5 seconds" }, { "+5 seconds" }, { "1 hour -30 minutes" },
    { "-1 hour 90 minutes" }, { "5 s" }, { "5seconds" }, { "interval 2 days" }, { "106751992 days" } }, "g string")
    :selectExpr("g", "TIMESTAMP'2024-01-01 10:00:00' AS t")
  t.same_table(t.rows(df:selectExpr("CAST(session_window(t, g).end AS string)")), { "2024-01-01 10:00:00.5",
    "2024-01-01 10:00:05", "2024-01-01 10:30:00", "2024-01-01 10:30:00", "null", "null", "2024-01-03 10:00:00",
    "null" })
  t.same_table(t.rows(df:limit(1):selectExpr("session_window(t, '0 seconds')", "session_window(t, '-5 seconds')",
    "session_window(t, INTERVAL -5 SECONDS)")), { "null|null|null" })
  -- a late end stops at the last time there is, never wraps
  t.same_table(t.rows(spark:sql("SELECT CAST(session_window(CAST(9223372036854 AS timestamp), '100 days').end"
    .. " AS string) AS e")), { "+294247-01-10 04:00:54.775807" })
end)

t.run()
