-- Join conditions beyond equalities (the equalities hash, the rest
-- filters the pairs), and inner joins of two streams, as Spark's
-- stream-stream joins: both sides kept in state (state/2, state/3),
-- every matching pair emitted once, across restarts and replayed epochs,
-- and rows a watermark makes unable to match let go.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function sorted(list)
  table.sort(list)
  return list
end

-- ---- conditions beyond equalities ------------------------------------------------------------

local function ads_a()
  return spark:createDataFrame({ { 1, 10, "a1" }, { 1, 20, "a2" }, { 2, 5, "a3" }, { 3, 1, "a4" } },
    "ad int, t int, x string")
end
local function ads_b()
  return spark:createDataFrame({ { 1, 15, "b1" }, { 1, 25, "b2" }, { 2, 1, "b3" }, { 2, 9, "b4" }, { 3, nil, "b5" } },
    "ad int, t int, y string")
end

t.test("an inner join hashes on the equalities and filters the pairs by the rest of the condition", function()
  local a, b = ads_a(), ads_b()
  local range = a:join(b, a.ad:eq(b.ad):and_(b.t:ge(a.t)):and_(b.t:le(a.t + 10)))
  t.same_table(t.rows(range:select("x", "y")), { "a1|b1", "a2|b2", "a3|b4" })
  -- the same as the equi-join filtered afterwards
  t.same_table(t.rows(range:select("x", "y")), t.rows(a:join(b, a.ad:eq(b.ad))
    :filter(b.t:ge(a.t):and_(b.t:le(a.t + 10))):select("x", "y")))
  -- a list of conditions is their AND; a condition on one side's values too
  t.same_table(t.rows(a:join(b, { a.ad:eq(b.ad), a.x:ne("a1") }):select("x", "y")),
    { "a2|b1", "a2|b2", "a3|b3", "a3|b4", "a4|b5" })
  -- aliased sides, as F.col("l.x") and as SQL text through F.expr
  local l, r = a:alias("l"), b:alias("r")
  t.same_table(t.rows(l:join(r, F.expr("l.ad = r.ad AND r.t > l.t + 4")):select("x", "y")),
    { "a1|b1", "a1|b2", "a2|b2" })
  t.same_table(t.rows(l:join(r, F.col("l.ad"):eq(F.col("r.ad")):and_(F.col("r.t"):gt(F.col("l.t") + 4)))
    :select("x", "y")), { "a1|b1", "a1|b2", "a2|b2" })
  -- a null in the residual rejects the pair, as Spark's condition does
  t.eq(a:join(b, a.ad:eq(b.ad):and_(b.t:gt(0))):filter(F.col("y"):eq("b5")):count(), 0)
  -- cross with a condition is inner; SQL's ON takes it as well
  t.eq(a:join(b, a.ad:eq(b.ad):and_(b.t:ge(a.t)), "cross"):count(), 4)
  a:createOrReplaceTempView("sj_a")
  b:createOrReplaceTempView("sj_b")
  t.same_table(t.rows(spark:sql("SELECT sj_a.x, sj_b.y FROM sj_a JOIN sj_b ON sj_a.ad = sj_b.ad"
    .. " AND sj_b.t BETWEEN sj_a.t AND sj_a.t + 10")), { "a1|b1", "a2|b2", "a3|b4" })
  -- timestamps: a range of an hour, through unix_micros (tide's SQL has no INTERVAL literal)
  local imps = spark:createDataFrame({ { 1, "2024-01-01 00:00:00" }, { 2, "2024-01-01 00:00:00" } },
    "iad int, s string"):select("iad", F.col("s"):cast("timestamp"):alias("it"))
  local clicks = spark:createDataFrame({ { 1, "2024-01-01 00:59:59" }, { 2, "2024-01-01 01:00:01" } },
    "cad int, s string"):select("cad", F.col("s"):cast("timestamp"):alias("ct"))
  local hour = F.expr("iad = cad AND ct >= it AND unix_micros(ct) <= unix_micros(it) + 3600000000")
  t.same_table(t.rows(imps:join(clicks, hour):select("iad")), { "1" })
  -- explain shows the whole condition
  local out, write = {}, io.write
  io.write = function(...) for _, s in ipairs({ ... }) do out[#out + 1] = s end end
  local ok, err = pcall(function() range:explain() end)
  io.write = write
  if not ok then error(err, 0) end
  t.has(table.concat(out), "Join Inner, ((ad = ad) AND ((t >= t) AND (t <= (t + 10)))), BuildRight")
end)

t.test("in outer, semi and anti joins the rest of the condition decides which rows have a match", function()
  local a, b = ads_a(), ads_b()
  local cond = a.ad:eq(b.ad):and_(b.t:ge(a.t))
  -- a1 (t 10) matches b1 and b2, a2 (t 20) b2, a3 (t 5) b4 alone; a4's b5 has no t; b3 (t 1) nothing
  t.same_table(t.rows(a:join(b, cond, "left"):select("x", "y")), { "a1|b1", "a1|b2", "a2|b2", "a3|b4", "a4|null" })
  t.same_table(t.rows(a:join(b, cond, "right"):select("x", "y")),
    { "a1|b1", "a1|b2", "a2|b2", "a3|b4", "null|b3", "null|b5" })
  t.same_table(t.rows(a:join(b, cond, "full"):select("x", "y")),
    { "a1|b1", "a1|b2", "a2|b2", "a3|b4", "a4|null", "null|b3", "null|b5" })
  t.same_table(t.rows(a:join(b, cond, "left_semi"):select("x")), { "a1", "a2", "a3" })
  t.same_table(t.rows(a:join(b, cond, "left_anti"):select("x")), { "a4" })
end)

t.test("a stream joined with a static DataFrame filters each micro-batch's pairs by the residual", function()
  local dir = t.tempdir()
  t.write(dir .. "/1.csv", "1,10\n1,30\n2,5\n")
  local stream = spark.readStream:csv(dir, { schema = "ad int, t int" })
  local static = ads_b()
  local q = stream:join(static, stream.ad:eq(static.ad):and_(static.t:ge(stream.t))).writeStream:format("memory")
    :queryName("sj_static"):start()
  q:processAllAvailable()
  q:stop()
  t.same_table(sorted(t.rows(spark:table("sj_static"))), { "1|10|1|15|b1", "1|10|1|25|b2", "2|5|2|9|b4" })
end)

t.test("conditions a join cannot take fail at the caller's line, naming them", function()
  local a, b = ads_a(), ads_b()
  t.raises_at_caller({
    { function() a:join(b, a.ad:eq(b.ad):and_(a.t + 1)) end, "is int, not boolean" },
    { function() a:join(b, a.ad:eq(b.ad):and_(F.col("zz"):gt(1))) end, "zz" },
  })
end)

-- ---- two streams -------------------------------------------------------------------------------

local EVENTS = "kind string, ad int, at timestamp"

local function add(dir, name, rows) t.write_csv(dir .. "/" .. name, rows) end

-- Impressions and clicks: two views of one stream of events.
local function sides(dir, opts)
  local events = spark.readStream:csv(dir, { schema = EVENTS, maxFilesPerTrigger = 1 })
  if opts and opts.shared then events = events:withWatermark("at", opts.shared) end
  local imps = events:filter("kind = 'imp'"):select(F.col("ad"):alias("iad"), F.col("at"):alias("it"))
  local clicks = events:filter("kind = 'click'"):select(F.col("ad"):alias("cad"), F.col("at"):alias("ct"))
  if opts and opts.delay then
    imps, clicks = imps:withWatermark("it", opts.delay), clicks:withWatermark("ct", opts.delay)
  end
  return imps, clicks
end

-- Within an hour after the impression (as SQL text: in seconds, or with
-- an interval).
local function within_hour(imps, clicks, form)
  if form == "seconds" then
    return imps:join(clicks, F.expr("iad = cad AND ct >= it AND CAST(ct AS LONG) <= CAST(it AS LONG) + 3600"))
  elseif form == "interval" then
    return imps:join(clicks, F.expr("iad = cad AND ct >= it AND ct <= it + INTERVAL 1 HOUR"))
  end
  return imps:join(clicks, imps.iad:eq(clicks.cad):and_(clicks.ct:ge(imps.it))
    :and_(F.unix_micros(clicks.ct):le(F.unix_micros(imps.it) + 3600 * 1000000)))
end

-- Starts the join into a foreachBatch that keeps each epoch's rows
-- (a replayed epoch's replace its first attempt's); runs what there is.
local function run(df, cp, into, mode)
  local w = df:select("iad", "it", "ct").writeStream
  if mode then w = w:outputMode(mode) end
  local q = w:foreachBatch(function(batch, epoch) into[epoch + 1] = sorted(t.rows(batch)) end)
    :option("checkpointLocation", cp):start()
  q:processAllAvailable()
  q:stop()
  return q
end

local function all_rows(batches)
  local out = {}
  for _, b in ipairs(batches) do for _, r in ipairs(b) do out[#out + 1] = r end end
  return sorted(out)
end

-- Feeds `files` to the query make(dir) in groups (counts of files), each
-- processed to its end: by one query throughout, or (restart) by one
-- started for each group on the same checkpoint. The rows of each epoch,
-- the directory and the checkpoint. A restart changes nothing: both give
-- the same epochs. (Where a group ends, a moved watermark runs a batch
-- without rows either way, as Spark's, and the next group's rows are late
-- or not by it: a query fed the files in other groups gives other epochs.)
local function fed(files, groups, make, restart)
  local dir, cp, batches = t.tempdir(), t.tempdir() .. "/cp", {}
  local q, k = nil, 0
  for _, n in ipairs(groups) do
    for _ = 1, n do
      k = k + 1
      add(dir, files[k][1], files[k][2])
    end
    if restart or not q then
      q = make(dir).writeStream:foreachBatch(function(b, epoch) batches[epoch + 1] = sorted(t.rows(b)) end)
        :option("checkpointLocation", cp):start()
    end
    q:processAllAvailable()
    if restart then q:stop() end
  end
  if not restart then q:stop() end
  t.eq(q:exception(), nil, "the query ran")
  return batches, dir, cp
end

-- That restarts of make's query (after each file, and after the first
-- `split` files) give what one query fed the files alike gives; and that
-- the epoch after those `split` files, replayed as if the query stopped
-- in it, gives the same rows, and the query goes on from it alike.
local function check_restarts(files, make, split, what)
  local each = {}
  for i = 1, #files do each[i] = 1 end
  t.same_table(fed(files, each, make, true), fed(files, each, make, false), what .. ": a restart before every file")
  local two = { split, #files - split }
  local expected = fed(files, two, make, false)
  t.same_table(fed(files, two, make, true), expected, what .. ": a restart after " .. split .. " files")
  -- the query stopped in epoch `split - 1`: its commit, and the epoch
  -- without rows after it, not written
  local batches, dir, cp = fed({ unpack(files, 1, split) }, { split }, make, false)
  t.same_table(batches, { unpack(expected, 1, #batches) }, what .. ": the first files")
  for _, f in ipairs({ "commits/" .. split, "offsets/" .. split, "commits/" .. (split - 1) }) do
    os.remove(cp .. "/" .. f)
  end
  local again = {}
  local q = make(dir).writeStream:foreachBatch(function(b, epoch) again[epoch + 1] = sorted(t.rows(b)) end)
    :option("checkpointLocation", cp):start()
  q:processAllAvailable()
  t.same_table(again[split], expected[split], what .. ": epoch " .. (split - 1) .. " replayed")
  for i = split + 1, #files do add(dir, files[i][1], files[i][2]) end
  q:processAllAvailable()
  q:stop()
  for i = split, #again do batches[i] = again[i] end
  t.same_table(batches, expected, what .. ": after the replay")
end

local FILES = {
  { "1.csv", { { "imp", 1, "2024-01-01 00:00:00" }, { "click", 2, "2024-01-01 00:00:05" },
               { "imp", 4, "2024-01-01 00:00:00" }, { "click", 4, "2024-01-01 00:00:00" } } },
  -- the click of 1 after its impression, the impression of 2 after its click
  { "2.csv", { { "click", 1, "2024-01-01 00:10:00" }, { "imp", 2, "2024-01-01 00:00:01" },
               { "imp", 3, "2024-01-01 00:00:01" } } },
  -- a second click of 1, one of 3 too late for the range, and one of 1 in the same file as an impression of 1
  { "3.csv", { { "click", 1, "2024-01-01 00:20:00" }, { "click", 3, "2024-01-01 05:00:00" },
               { "imp", 1, "2024-01-01 00:30:00" }, { "click", 1, "2024-01-01 00:31:00" } } },
}
local EXPECTED = {
  { "4|2024-01-01 00:00:00|2024-01-01 00:00:00" },
  { "1|2024-01-01 00:00:00|2024-01-01 00:10:00", "2|2024-01-01 00:00:01|2024-01-01 00:00:05" },
  { "1|2024-01-01 00:00:00|2024-01-01 00:20:00", "1|2024-01-01 00:00:00|2024-01-01 00:31:00",
    "1|2024-01-01 00:30:00|2024-01-01 00:31:00" },
}

t.test("two views of one stream join inner: each matching pair once, in the batch its second row arrives", function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  for _, f in ipairs(FILES) do add(dir, f[1], f[2]) end
  local imps, clicks = sides(dir)
  local joined = within_hour(imps, clicks)
  t.ok(joined.isStreaming, "the join of two streams is a stream")
  local batches = {}
  local q = run(joined, cp, batches)
  t.same_table(batches, EXPECTED)
  -- the same pairs as a batch join over every row
  local all = spark.read:csv(dir, { schema = EVENTS })
  local bi = all:filter("kind = 'imp'"):select(F.col("ad"):alias("iad"), F.col("at"):alias("it"))
  local bc = all:filter("kind = 'click'"):select(F.col("ad"):alias("cad"), F.col("at"):alias("ct"))
  t.same_table(all_rows(batches), sorted(t.rows(within_hour(bi, bc):select("iad", "it", "ct"))))
  -- both sides' state in one progress entry, as Spark's; the rows of state/2 and state/3
  local ops = q:lastProgress().stateOperators
  t.same_table({ #ops, ops[1].operatorName, ops[1].numRowsTotal, ops[1].numRowsUpdated },
    { 1, "symmetricHashJoin", 11, 4 })
  t.ok(io.open(cp .. "/state/2/2.delta", "r") and io.open(cp .. "/state/3/0.snapshot", "r"), "state/2 and state/3")
  -- a stream joined with itself: every row with each of its key's rows
  local self_batches = {}
  local events = spark.readStream:csv(dir, { schema = EVENTS, maxFilesPerTrigger = 1 })
  local l, r = events:alias("l"), events:alias("r")
  local both_imps = F.col("l.kind"):eq("imp"):and_(F.col("r.kind"):eq("imp"))
  local q2 = l:join(r, F.col("l.ad"):eq(F.col("r.ad")):and_(both_imps))
    :select(F.col("l.at"), F.col("r.at")).writeStream
    :foreachBatch(function(b, e) self_batches[e + 1] = #t.rows(b) end):option("checkpointLocation", t.tempdir() .. "/s")
    :start()
  q2:processAllAvailable()
  q2:stop()
  -- imps 1, 4; then 2, 3; then a second 1 (with itself, and both ways with the first)
  t.same_table(self_batches, { 2, 2, 3 })
end)

t.test("restarts between batches and a replayed epoch give the output of an uninterrupted run", function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  spark.conf:set("spark.sql.streaming.stateStore.minDeltasForSnapshot", "2")
  local ok, err = pcall(function()
    local batches = {}
    for _, f in ipairs(FILES) do
      add(dir, f[1], f[2])
      run(within_hour(sides(dir)), cp, batches)
    end
    t.same_table(batches, EXPECTED)
    -- epoch 2's commit lost: it runs again from the state after 1, rebuilt from state/2/0.snapshot and 1.delta
    os.remove(cp .. "/commits/2")
    local again = {}
    run(within_hour(sides(dir)), cp, again)
    t.same_table(again, { [3] = EXPECTED[3] })
    t.ok(io.open(cp .. "/state/3/2.snapshot", "r"), "the replay writes its snapshot again")
    -- and the next epoch goes on from the replayed one's state
    add(dir, "4.csv", { { "click", 3, "2024-01-01 00:50:00" } })
    run(within_hour(sides(dir)), cp, again)
    t.same_table(again[4], { "3|2024-01-01 00:00:01|2024-01-01 00:50:00" })
  end)
  spark.conf:unset("spark.sql.streaming.stateStore.minDeltasForSnapshot")
  if not ok then error(err, 0) end
end)

t.test("watermarks: late rows dropped and counted, rows that can no longer match leave the state", function()
  local cases = { { delay = "10 minutes" }, { shared = "10 minutes" }, { delay = "10 minutes", form = "seconds" },
    { delay = "10 minutes", form = "interval" } }
  for _, opts in ipairs(cases) do
    local dir = t.tempdir()
    add(dir, "1.csv", { { "imp", 1, "2024-01-01 00:00:00" }, { "click", 9, "2024-01-01 00:00:00" } })
    add(dir, "2.csv", { { "imp", 2, "2024-01-01 02:00:00" }, { "click", 2, "2024-01-01 02:30:00" } })
    -- the watermark is now 01:50 (02:00 less 10 minutes: the earlier side's, or the stream's 02:30's less them)
    -- (23:40 is late: at or before the watermark the last batch ran with, 23:50)
    add(dir, "3.csv", { { "click", 1, "2024-01-01 00:30:00" }, { "click", 2, "2024-01-01 02:40:00" },
      { "click", 1, "2023-12-31 23:40:00" } })
    local batches, progress = {}, {}
    local imps, clicks = sides(dir, opts)
    local w = within_hour(imps, clicks, opts.form):select("iad", "it", "ct").writeStream
    local q = w:foreachBatch(function(b, e) batches[e + 1] = sorted(t.rows(b)) end)
      :option("checkpointLocation", t.tempdir() .. "/cp"):start()
    q:processAllAvailable()
    q:stop()
    for i, p in ipairs(q:recentProgress()) do progress[i] = p end
    -- (a withWatermark before the split is each side's, as Spark's optimizer
    -- copies it under each side's filter: the impressions' 02:00 holds it)
    t.eq(progress[3].eventTime.watermark, "2024-01-01T01:50:00.000Z", "the watermark batch 2 runs with, " .. next(opts))
    -- the click of 1 at 00:30 is not late by the watermark the last batch
    -- ran with (23:50), as Spark 3.5's: it meets the kept impression at 00:00
    t.same_table(batches, { {}, { "2|2024-01-01 02:00:00|2024-01-01 02:30:00" },
      { "1|2024-01-01 00:00:00|2024-01-01 00:30:00", "2|2024-01-01 02:00:00|2024-01-01 02:40:00" } })
    local state = progress[3].stateOperators[1]
    t.eq(state.numRowsDroppedByWatermark, 1, "the late click")
    -- batch 1 kept 2 impressions and 2 clicks; batch 2 lets go of the impression at 00:00 (no click after the
    -- watermark is within its hour) and of the click at 00:00 (no later impression can precede it)
    t.eq(progress[2].stateOperators[1].numRowsTotal, 4)
    t.same_table({ state.numRowsTotal, state.numRowsRemoved }, { 3, 2 })
  end
end)

t.test("a strict bound over casts to double keeps the rows a fraction of a second can still match", function()
  local dir = t.tempdir()
  -- the watermark after batch 0: 00:00:10, the earlier of the sides' (20 and 25 seconds, less 10)
  add(dir, "1.csv", { { "imp", 8, "2024-01-01 00:00:20" }, { "click", 9, "2024-01-01 00:00:25" },
    { "click", 1, "2024-01-01 00:00:10.7" } })
  -- a batch at 00:00:10 that moves no watermark: the click at 10.7 s stays, for an impression after 10 s
  add(dir, "2.csv", { { "imp", 97, "2024-01-01 00:00:15" } })
  add(dir, "3.csv", { { "imp", 1, "2024-01-01 00:00:10.5" } })
  local imps, clicks = sides(dir, { delay = "10 seconds" })
  local batches, after = {}, F.expr("iad = cad AND CAST(ct AS DOUBLE) > CAST(it AS DOUBLE)")
  local q = run(imps:join(clicks, after), t.tempdir() .. "/cp", batches)
  t.same_table(batches, { {}, {}, { "1|2024-01-01 00:00:10.5|2024-01-01 00:00:10.7" } })
  t.eq(q:recentProgress()[3].eventTime.watermark, "2024-01-01T00:00:10.000Z")
end)

-- ---- outer joins of two streams ----------------------------------------------------------------

-- Watermarks of 10 minutes on both sides; clicks within an hour after
-- their impression. Each file is a micro-batch; the comments give the
-- watermark the batch runs with. Each has rows of both sides (98 and 99
-- match nothing), none later than its side's latest so far: a side's
-- latest event time is not in the checkpoint, so a restarted query's
-- watermark moves by the sides that have rows, as Spark's does.
local OUTER_FILES = {
  { "1.csv", { { "imp", 1, "2024-01-01 00:00:00" }, { "imp", 2, "2024-01-01 00:00:00" },
               { "click", 9, "2024-01-01 00:00:05" }, { "click", 1, "2024-01-01 00:20:00" } } },
  { "2.csv", { { "imp", 3, "2024-01-01 02:00:00" }, { "click", 99, "2024-01-01 00:20:00" } } },
  -- at 00:10: clicks of kept impressions, and the click of 9 that nothing matched lets go
  { "3.csv", { { "click", 2, "2024-01-01 00:30:00" }, { "click", 3, "2024-01-01 02:30:00" },
               { "click", 4, "2024-01-01 02:15:00" }, { "imp", 98, "2024-01-01 02:00:00" } } },
  -- at 01:50: the impression of a kept click; impressions 1 and 2 go, matched
  { "4.csv", { { "imp", 4, "2024-01-01 02:10:00" }, { "imp", 5, "2024-01-01 05:00:00" },
               { "click", 5, "2024-01-01 05:00:00" }, { "imp", 6, "2024-01-01 05:00:00" },
               { "click", 7, "2024-01-01 05:00:00" } } },
  { "5.csv", { { "imp", 8, "2024-01-01 08:00:00" }, { "click", 8, "2024-01-01 08:00:00" } } },
  -- at 07:50: the impression of 6 and the click of 7, never matched, go
  { "6.csv", { { "imp", 10, "2024-01-01 10:00:00" }, { "click", 10, "2024-01-01 10:00:00" } } },
}
local PAIRS = {
  { "1|2024-01-01 00:00:00|1|2024-01-01 00:20:00" },
  {},
  { "2|2024-01-01 00:00:00|2|2024-01-01 00:30:00", "3|2024-01-01 02:00:00|3|2024-01-01 02:30:00" },
  { "4|2024-01-01 02:10:00|4|2024-01-01 02:15:00", "5|2024-01-01 05:00:00|5|2024-01-01 05:00:00" },
  { "8|2024-01-01 08:00:00|8|2024-01-01 08:00:00" },
  { "10|2024-01-01 10:00:00|10|2024-01-01 10:00:00" },
}
local LEFT_NULLS = { [5] = { "98|2024-01-01 02:00:00|null|null" }, [6] = { "6|2024-01-01 05:00:00|null|null" } }
local RIGHT_NULLS = { [3] = { "null|null|9|2024-01-01 00:00:05" }, [4] = { "null|null|99|2024-01-01 00:20:00" },
                      [6] = { "null|null|7|2024-01-01 05:00:00" } }

-- (the expected values are Apache Spark 3.5.3's over the same files: a
-- batch without new rows ends each run, the last file having moved the
-- watermark)
local function outer_expected(how)
  local out = {}
  for i, batch_pairs in ipairs(PAIRS) do
    local rows = { unpack(batch_pairs) }
    if how == "left" or how == "full" then for _, r in ipairs(LEFT_NULLS[i] or {}) do rows[#rows + 1] = r end end
    if how == "right" or how == "full" then for _, r in ipairs(RIGHT_NULLS[i] or {}) do rows[#rows + 1] = r end end
    out[i] = sorted(rows)
  end
  out[#out + 1] = {}
  return out
end

local function outer_join(dir, how)
  local imps, clicks = sides(dir, { delay = "10 minutes" })
  return imps:join(clicks, F.expr("iad = cad AND ct >= it AND ct <= it + INTERVAL 1 HOUR"), how)
end

local function run_outer(dir, how, cp, into)
  local q = outer_join(dir, how):select("iad", "it", "cad", "ct").writeStream
    :foreachBatch(function(batch, epoch) into[epoch + 1] = sorted(t.rows(batch)) end)
    :option("checkpointLocation", cp):start()
  q:processAllAvailable()
  q:stop()
  t.eq(q:exception(), nil, "the query ran")
  return q
end

t.test("outer joins of two streams: each pair once, each unmatched row once with nulls when the watermark lets it go",
  function()
  for _, how in ipairs({ "left", "right", "full" }) do
    local dir = t.tempdir()
    for _, f in ipairs(OUTER_FILES) do add(dir, f[1], f[2]) end
    local joined = outer_join(dir, how)
    t.eq(joined.schema.fields[1].nullable and joined.schema.fields[3].nullable, true, "the sides' columns nullable")
    local batches = {}
    local q = run_outer(dir, how, t.tempdir() .. "/cp", batches)
    t.same_table(batches, outer_expected(how), how)
    -- the outer side's rows keep their flag in state: the rows kept and the rows first matched are upserts
    local ops = q:recentProgress()[4].stateOperators
    t.eq(ops[1].numRowsTotal, 9, how .. ": rows kept after batch 3")
    -- batch 2 kept 3 clicks and an impression (the flags it set on kept rows are not counted, as Spark's)
    t.eq(q:recentProgress()[3].stateOperators[1].numRowsUpdated, 4, how .. ": rows added")
  end
end)

t.test("outer joins of two streams: restarts and a replayed epoch give the output of an uninterrupted run", function()
  spark.conf:set("spark.sql.streaming.stateStore.minDeltasForSnapshot", "2")
  local ok, err = pcall(function()
    for _, how in ipairs({ "left", "right", "full" }) do
      -- (epoch 2: a flag set on a kept row, a row let go unmatched)
      check_restarts(OUTER_FILES, function(dir) return outer_join(dir, how):select("iad", "it", "cad", "ct") end, 3,
        how)
    end
  end)
  spark.conf:unset("spark.sql.streaming.stateStore.minDeltasForSnapshot")
  if not ok then error(err, 0) end
end)

t.test("a join of streams runs a batch without new rows when its watermark moves, as Spark's", function()
  for _, how in ipairs({ "left", "inner" }) do
    local dir, batches = t.tempdir(), {}
    add(dir, "1.csv", { { "imp", 1, "2024-01-01 00:00:00" }, { "click", 9, "2024-01-01 00:00:05" } })
    -- the last rows: they move the watermark to 01:50, which lets the impression of 1 go, unmatched
    add(dir, "2.csv", { { "imp", 2, "2024-01-01 02:00:00" }, { "click", 2, "2024-01-01 02:00:30" } })
    local q = outer_join(dir, how):select("iad", "it", "cad", "ct").writeStream
      :foreachBatch(function(batch, epoch) batches[epoch + 1] = sorted(t.rows(batch)) end)
      :option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
    q:awaitTermination()
    local pair = { "2|2024-01-01 02:00:00|2|2024-01-01 02:00:30" }
    t.same_table(batches, { {}, pair, how == "left" and { "1|2024-01-01 00:00:00|null|null" } or {} }, how)
    local last = q:lastProgress()
    -- the impression of 1 and the click of 9 let go (an outer side's row uncounted, as Spark's)
    t.same_table({ last.numInputRows, last.eventTime.watermark, last.stateOperators[1].numRowsRemoved },
      { 0, "2024-01-01T01:50:00.000Z", how == "left" and 1 or 2 }, how)
  end
end)

t.test("outer joins of two streams need watermarks and a time bound, as Spark's", function()
  local dir = t.tempdir()
  add(dir, "1.csv", { { "imp", 1, "2024-01-01 00:00:00" }, { "click", 1, "2024-01-01 00:00:01" } })
  local imps, clicks = sides(dir)
  local wimps, wclicks = sides(dir, { delay = "10 minutes" })
  local range = "iad = cad AND ct >= it AND ct <= it + INTERVAL 1 HOUR"
  local message = "Stream-stream %s join between two streaming DataFrame/Datasets is not supported without a"
    .. " watermark in the join keys, or a watermark on the nullable side and an appropriate range condition"
  t.raises_at_caller({
    { function() imps:join(clicks, F.expr(range), "left") end, message:format("LeftOuter") },
    { function() imps:join(clicks, F.expr(range), "right_outer") end, message:format("RightOuter") },
    { function() imps:join(clicks, F.expr(range), "full") end, message:format("FullOuter") },
    { function() wimps:join(wclicks, wimps.iad:eq(wclicks.cad), "left") end, message:format("LeftOuter") },
    -- ct >= it bounds the clicks by the impressions' watermark, not the impressions
    { function() wimps:join(wclicks, F.expr("iad = cad AND ct >= it"), "left") end, message:format("LeftOuter") },
    { function() wimps:join(wclicks, F.expr("iad = cad AND ct <= it + INTERVAL 1 HOUR"), "right") end,
      message:format("RightOuter") },
    -- a watermark on the impressions alone bounds no impression by a click
    { function()
        local events = spark.readStream:csv(dir, { schema = EVENTS })
        local ei = events:filter("kind = 'imp'"):select(F.col("ad"):alias("iad"), F.col("at"):alias("it"))
          :withWatermark("it", "10 minutes")
        local ec = events:filter("kind = 'click'"):select(F.col("ad"):alias("cad"), F.col("at"):alias("ct"))
        local joined = ei:join(ec, F.expr(range), "left")
        return joined
      end, message:format("LeftOuter") },
  })
  -- what one bound allows, as Spark's
  t.ok(wimps:join(wclicks, F.expr("iad = cad AND ct >= it"), "right").isStreaming, "right outer: ct >= it")
  t.ok(wimps:join(wclicks, F.expr("iad = cad AND ct <= it + INTERVAL 1 HOUR"), "left").isStreaming,
    "left outer: ct <= it + 1 hour")
  -- a watermark on the stream before it splits, its column named in another case in the sides' select
  local events = spark.readStream:csv(dir, { schema = EVENTS }):withWatermark("at", "10 minutes")
  local ui = events:filter("kind = 'imp'"):select(F.col("ad"):alias("iad"), F.col("AT"):alias("it"))
  local uc = events:filter("kind = 'click'"):select(F.col("ad"):alias("cad"), F.col("At"):alias("ct"))
  t.ok(ui:join(uc, F.expr(range), "left").isStreaming, "the watermark's column resolved as any name")
  -- a bound of a day or more: fixed in a zone of fixed offset, not on a region's calendar
  local day = "iad = cad AND ct >= it AND ct <= it + INTERVAL 1 DAY"
  local ok, err = pcall(function()
    for _, zone in ipairs({ "UTC", "+02:00", "-08:00", "Etc/UTC", "GMT+1" }) do
      spark.conf:set("spark.sql.session.timeZone", zone)
      t.ok(wimps:join(wclicks, F.expr(day), "left").isStreaming, "a day in " .. zone)
    end
    spark.conf:set("spark.sql.session.timeZone", "America/Los_Angeles")
    t.raises_at_caller({ { function() wimps:join(wclicks, F.expr(day), "left") end, message:format("LeftOuter") } })
  end)
  spark.conf:unset("spark.sql.session.timeZone")
  if not ok then error(err, 0) end
end)

t.test("a left semi join of two streams emits each left row once, in the batch of its first match", function()
  -- FILES: impression 1 matched by clicks in batches 1 and 2, a second impression of 1 in batch 2
  local dir = t.tempdir()
  for _, f in ipairs(FILES) do add(dir, f[1], f[2]) end
  local imps, clicks = sides(dir, { delay = "10 minutes" })
  local semi = imps:join(clicks, F.expr("iad = cad AND ct >= it AND ct <= it + INTERVAL 1 HOUR"), "left_semi")
  t.same_table(semi.columns, { "iad", "it" })
  local batches = {}
  local q = semi.writeStream:foreachBatch(function(batch, epoch) batches[epoch + 1] = sorted(t.rows(batch)) end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):start()
  q:processAllAvailable()
  q:stop()
  t.eq(q:exception(), nil, "the query ran")
  -- (then a batch without rows: the watermark moved to 00:20)
  t.same_table(batches, { { "4|2024-01-01 00:00:00" }, { "1|2024-01-01 00:00:00", "2|2024-01-01 00:00:01" },
    { "1|2024-01-01 00:30:00" }, {} })
  -- the rows of a batch semi join over every row
  local all = spark.read:csv(dir, { schema = EVENTS })
  local bi = all:filter("kind = 'imp'"):select(F.col("ad"):alias("iad"), F.col("at"):alias("it"))
  local bc = all:filter("kind = 'click'"):select(F.col("ad"):alias("cad"), F.col("at"):alias("ct"))
  t.same_table(all_rows(batches), sorted(t.rows(bi:join(bc,
    F.expr("iad = cad AND ct >= it AND ct <= it + INTERVAL 1 HOUR"), "left_semi"))))
  -- kept: the impressions, with their flags (matched ones too, as Spark's), and the 3 clicks
  t.eq(q:lastProgress().stateOperators[1].numRowsTotal, 8)
  -- as a left outer join, it needs a watermark on the right and a bound
  local wi, wc = sides(dir)
  t.raises_at_caller({ { function() wi:join(wc, wi.iad:eq(wc.cad), "semi") end,
    "Stream-stream LeftSemi join between two streaming DataFrame/Datasets is not supported without a watermark" } })
  -- a month has no fixed length: INTERVAL 1 MONTH bounds nothing
  t.raises_at_caller({ { function()
    imps:join(clicks, F.expr("iad = cad AND ct >= it AND ct <= it + INTERVAL 1 MONTH"), "left_semi")
  end, "Stream-stream LeftSemi join between two streaming DataFrame/Datasets is not supported without a watermark" } })
end)

t.test("a left semi join of two streams: restarts and a replayed epoch give the output of an uninterrupted run",
  function()
  local expected = {}
  for i, batch_pairs in ipairs(PAIRS) do
    expected[i] = {}
    for j, r in ipairs(batch_pairs) do expected[i][j] = r:match("^([^|]*|[^|]*)") end
  end
  expected[#expected + 1] = {} -- (a batch without rows: the watermark moved)
  local function semi(dir) return outer_join(dir, "leftsemi") end
  t.same_table(fed(OUTER_FILES, { #OUTER_FILES }, semi, false), expected, "uninterrupted")
  -- (epoch 2: kept impressions first matched)
  check_restarts(OUTER_FILES, semi, 3, "left semi")
end)

-- ---- a watermarked join key --------------------------------------------------------------------

-- Impressions and clicks of an ad in one hour: each side's hour (its time
-- truncated) is its watermarked column and a key, as Spark's window
-- equality; delays of an hour. opts.only names the one side with a watermark.
local function hourly(dir, opts)
  local events = spark.readStream:csv(dir, { schema = EVENTS, maxFilesPerTrigger = 1 })
  local function side(kind, ad, hour, at)
    return events:filter(("kind = '%s'"):format(kind))
      :select(F.col("ad"):alias(ad), F.date_trunc("hour", "at"):alias(hour), F.col("at"):alias(at))
  end
  local imps, clicks = side("imp", "iad", "ih", "it"), side("click", "cad", "ch", "ct")
  if not opts or opts.only ~= "clicks" then imps = imps:withWatermark("ih", "1 hour") end
  if not opts or opts.only ~= "imps" then clicks = clicks:withWatermark("ch", "1 hour") end
  return imps, clicks
end

local function hourly_join(dir, how, opts)
  local imps, clicks = hourly(dir, opts)
  return imps:join(clicks, F.expr("iad = cad AND ih = ch"), how)
end

-- Each file a micro-batch, with rows of both sides (a side's latest hour
-- in each: see OUTER_FILES); the comments give the watermark the batch
-- runs with.
local KEY_FILES = {
  { "1.csv", { { "imp", 1, "2024-01-01 00:05:00" }, { "imp", 2, "2024-01-01 00:10:00" },
               { "imp", 7, "2024-01-01 00:30:00" }, { "click", 1, "2024-01-01 00:40:00" },
               { "click", 3, "2024-01-01 00:20:00" } } },
  -- at 23:00 the day before: the click of the kept impression of 2; a click of 7 in another hour than its impression
  { "2.csv", { { "click", 2, "2024-01-01 00:50:00" }, { "imp", 4, "2024-01-01 01:10:00" },
               { "click", 4, "2024-01-01 01:50:00" }, { "click", 7, "2024-01-01 01:05:00" } } },
  -- at 00:00: the click of 1 in hour 00:00 is not late by the last batch's (23:00): it meets the kept
  -- impression of 1; the rows of hour 00:00 go, the impression of 7 unmatched
  { "3.csv", { { "imp", 5, "2024-01-01 02:30:00" }, { "click", 5, "2024-01-01 02:31:00" },
               { "click", 1, "2024-01-01 00:59:00" } } },
  -- at 01:00: hour 01:00 goes, the click of 7 unmatched
  { "4.csv", { { "imp", 8, "2024-01-01 03:00:00" }, { "click", 8, "2024-01-01 03:10:00" },
               { "imp", 6, "2024-01-01 02:40:00" } } },
  -- at 02:00: hour 02:00 goes, the impression of 6 unmatched
  { "5.csv", { { "imp", 10, "2024-01-01 04:00:00" }, { "click", 10, "2024-01-01 04:05:00" } } },
}
-- (the expected values are Apache Spark 3.5.3's over the same files)
local KEY_PAIRS = {
  { "1|2024-01-01 00:05:00|1|2024-01-01 00:40:00" },
  { "2|2024-01-01 00:10:00|2|2024-01-01 00:50:00", "4|2024-01-01 01:10:00|4|2024-01-01 01:50:00" },
  { "1|2024-01-01 00:05:00|1|2024-01-01 00:59:00", "5|2024-01-01 02:30:00|5|2024-01-01 02:31:00" },
  { "8|2024-01-01 03:00:00|8|2024-01-01 03:10:00" },
  { "10|2024-01-01 04:00:00|10|2024-01-01 04:05:00" },
}
local KEY_LEFT_NULLS = { [3] = { "7|2024-01-01 00:30:00|null|null" }, [5] = { "6|2024-01-01 02:40:00|null|null" } }
local KEY_RIGHT_NULLS = { [3] = { "null|null|3|2024-01-01 00:20:00" }, [4] = { "null|null|7|2024-01-01 01:05:00" } }
-- The join's state entry after each batch, Spark 3.5.3's: numRowsTotal,
-- numRowsUpdated (the new rows kept), numRowsRemoved (an outer side's
-- removals uncounted), numRowsDroppedByWatermark. (An outer side keeps a
-- new row the watermark lets go already, the click of 1 in hour 00:00, to
-- come out with nulls if it matched nothing, where Spark 3.5 drops it
-- unsaid; so it is not counted.)
local KEY_STATE = {
  inner = "5 5 0 0, 9 4 0 0, 5 2 6 0, 5 3 3 0, 4 2 3 0, 2 0 2 0",
  left = "5 5 0 0, 9 4 0 0, 5 2 3 0, 5 3 2 0, 4 2 1 0, 2 0 1 0",
  right = "5 5 0 0, 9 4 0 0, 5 2 3 0, 5 3 1 0, 4 2 2 0, 2 0 1 0",
  full = "5 5 0 0, 9 4 0 0, 5 2 0 0, 5 3 0 0, 4 2 0 0, 2 0 0 0",
}
KEY_STATE.left_semi = KEY_STATE.inner

local function key_expected(how)
  local out = {}
  for i, batch_pairs in ipairs(KEY_PAIRS) do
    local rows = { unpack(batch_pairs) }
    if how == "left" or how == "full" then for _, r in ipairs(KEY_LEFT_NULLS[i] or {}) do rows[#rows + 1] = r end end
    if how == "right" or how == "full" then for _, r in ipairs(KEY_RIGHT_NULLS[i] or {}) do rows[#rows + 1] = r end end
    out[i] = sorted(rows)
  end
  out[#out + 1] = {} -- (a batch without rows: the last file moved the watermark)
  return out
end

local function run_key(dir, how, cp, into, opts)
  local q = hourly_join(dir, how, opts):select("iad", "it", "cad", "ct").writeStream
    :foreachBatch(function(batch, epoch) into[epoch + 1] = sorted(t.rows(batch)) end)
    :option("checkpointLocation", cp):start()
  q:processAllAvailable()
  q:stop()
  t.eq(q:exception(), nil, "the query ran")
  return q
end

-- A directory of files.
local function add_all(files)
  local dir = t.tempdir()
  for _, f in ipairs(files) do add(dir, f[1], f[2]) end
  return dir
end

-- The join's state entry, batch by batch, as KEY_STATE writes it (one
-- entry for both sides, as Spark's).
local function key_state(q)
  local out = {}
  for i, e in ipairs(t.state_entries(q)) do
    out[i] = e:match("^symmetricHashJoin (%d+ %d+ %d+ %d+)$")
    t.ok(out[i], "one entry for the join: " .. e)
  end
  return table.concat(out, ", ")
end


t.test("a watermarked join key lets both sides' rows go, and an outer join's unmatched rows come out once", function()
  for _, how in ipairs({ "inner", "left", "right", "full" }) do
    -- a watermark on both sides, or on the clicks alone: its key bounds the impressions' rows through the equality
    for _, opts in ipairs({ {}, { only = "clicks" } }) do
      local what = how .. (opts.only and " (a watermark on the clicks alone)" or "")
      local batches = {}
      local q = run_key(add_all(KEY_FILES), how, t.tempdir() .. "/cp", batches, opts)
      t.same_table(batches, key_expected(how), what)
      t.eq(key_state(q), KEY_STATE[how], what .. ": rows kept and let go")
      local progress = q:recentProgress()
      t.eq(progress[3].eventTime.watermark, "2024-01-01T00:00:00.000Z", what)
      -- the click of 1 in hour 00:00 is not late by the last batch's watermark (23:00)
      t.eq(progress[3].stateOperators[1].numRowsDroppedByWatermark, 0, what .. ": no late click")
    end
  end
  -- a watermark on the impressions alone: the click of 1 in hour 00:00 joins the kept impression of 1 and, on
  -- the outer side, is kept and goes at once with the rows of hour 00:00
  local batches = {}
  local q = run_key(add_all(KEY_FILES), "right", t.tempdir() .. "/cp", batches, { only = "imps" })
  t.same_table(batches, key_expected("right"), "a watermark on the impressions alone")
  t.eq(key_state(q), KEY_STATE.right, "the click of 1 kept and let go in its batch")
  -- the inner pairs are the batch join's
  local all = spark.read:csv(add_all(KEY_FILES), { schema = EVENTS })
  local function batch_side(kind, ad, hour, at)
    return all:filter(("kind = '%s'"):format(kind))
      :select(F.col("ad"):alias(ad), F.date_trunc("hour", "at"):alias(hour), F.col("at"):alias(at))
  end
  local pairs_all = t.rows(batch_side("imp", "iad", "ih", "it"):join(batch_side("click", "cad", "ch", "ct"),
    F.expr("iad = cad AND ih = ch")):select("iad", "it", "cad", "ct"))
  t.same_table(sorted(pairs_all), all_rows(KEY_PAIRS))
  -- a moved watermark alone lets rows go: a batch without new rows emits the impression of 1 with nulls
  local dir = t.tempdir()
  add(dir, "1.csv", { { "imp", 1, "2024-01-01 00:10:00" }, { "click", 9, "2024-01-01 00:20:00" } })
  add(dir, "2.csv", { { "imp", 2, "2024-01-01 02:00:00" }, { "click", 2, "2024-01-01 02:30:00" } })
  batches = {}
  q = hourly_join(dir, "left"):select("iad", "it", "cad", "ct").writeStream
    :foreachBatch(function(batch, epoch) batches[epoch + 1] = sorted(t.rows(batch)) end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
  q:awaitTermination()
  t.same_table(batches, { {}, { "2|2024-01-01 02:00:00|2|2024-01-01 02:30:00" },
    { "1|2024-01-01 00:10:00|null|null" } })
  local last = q:lastProgress()
  t.same_table({ last.numInputRows, last.eventTime.watermark }, { 0, "2024-01-01T01:00:00.000Z" })
  -- (of the 2 rows let go, the impression's, on the outer side, is not counted)
  t.eq(key_state(q), "2 2 0 0, 4 2 0 0, 2 0 1 0")
end)

t.test("a watermarked join key: restarts and a replayed epoch give the output of an uninterrupted run", function()
  spark.conf:set("spark.sql.streaming.stateStore.minDeltasForSnapshot", "2")
  local ok, err = pcall(function()
    for _, how in ipairs({ "left", "full" }) do
      -- (epoch 2: the click of 1 in hour 00:00, the rows of that hour let go, 7 with nulls)
      check_restarts(KEY_FILES, function(dir) return hourly_join(dir, how):select("iad", "it", "cad", "ct") end, 3,
        how)
    end
  end)
  spark.conf:unset("spark.sql.streaming.stateStore.minDeltasForSnapshot")
  if not ok then error(err, 0) end
end)

t.test("a watermarked join key: a left semi join, a date key, and what the checks accept", function()
  -- a left semi join: each impression once, in the batch of its first click; the unmatched ones go without output
  local batches = {}
  local q = hourly_join(add_all(KEY_FILES), "left_semi"):select("iad", "it").writeStream
    :foreachBatch(function(batch, epoch) batches[epoch + 1] = sorted(t.rows(batch)) end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):start()
  q:processAllAvailable()
  q:stop()
  t.eq(q:exception(), nil, "the semi join ran")
  t.same_table(batches, { { "1|2024-01-01 00:05:00" }, { "2|2024-01-01 00:10:00", "4|2024-01-01 01:10:00" },
    { "5|2024-01-01 02:30:00" }, { "8|2024-01-01 03:00:00" }, { "10|2024-01-01 04:00:00" }, {} })
  -- every row is kept until its hour goes, matched impressions too (flagged), as Spark's
  t.eq(key_state(q), KEY_STATE.left_semi)

  -- a date key equal to a watermarked timestamp: its rows go by the timestamp the join compares it as
  local dir = t.tempdir()
  add(dir, "1.csv", { { "imp", 1, "2024-01-01 00:00:00" }, { "click", 1, "2024-01-01 05:00:00" } })
  add(dir, "2.csv", { { "imp", 2, "2024-01-02 00:00:00" }, { "click", 2, "2024-01-02 10:00:00" } })
  -- at 2024-01-01 23:00: the impression of midnight of the 1st goes, and the click of that day
  add(dir, "3.csv", { { "imp", 3, "2024-01-03 00:00:00" }, { "click", 3, "2024-01-03 01:00:00" } })
  local events = spark.readStream:csv(dir, { schema = EVENTS, maxFilesPerTrigger = 1 })
  local imps = events:filter("kind = 'imp'"):select(F.col("ad"):alias("iad"), F.col("at"):alias("it"))
    :withWatermark("it", "1 hour")
  local clicks = events:filter("kind = 'click'"):select(F.col("ad"):alias("cad"), F.to_date("at"):alias("cday"))
  batches = {}
  q = imps:join(clicks, F.expr("iad = cad AND it = cday"), "right"):select("iad", "cday").writeStream
    :foreachBatch(function(batch, epoch) batches[epoch + 1] = sorted(t.rows(batch)) end)
    :option("checkpointLocation", t.tempdir() .. "/cp"):start()
  q:processAllAvailable()
  q:stop()
  t.eq(q:exception(), nil, "the date key's join ran")
  t.same_table(batches, { { "1|2024-01-01" }, { "2|2024-01-02" }, { "3|2024-01-03" }, {} })
  t.eq(key_state(q), "2 2 0 0, 4 2 0 0, 4 2 1 0, 2 0 1 0") -- (the right side's removals uncounted)

  -- the checks: a watermarked key on either side stands for the range bound, as Spark's
  local wi, wc = hourly(dir)
  for _, how in ipairs({ "left", "right", "full", "left_semi" }) do
    t.ok(wi:join(wc, F.expr("iad = cad AND ih = ch"), how).isStreaming, how)
    for _, only in ipairs({ "imps", "clicks" }) do
      t.ok(hourly_join(dir, how, { only = only }).isStreaming, how .. ": a watermark on the " .. only .. " alone")
    end
  end
  -- a watermark on the stream before it splits, kept through the sides' selects
  local shared = spark.readStream:csv(dir, { schema = EVENTS }):withWatermark("at", "10 minutes")
  local si = shared:filter("kind = 'imp'"):select(F.col("ad"):alias("iad"), F.col("at"):alias("it"))
  local sc = shared:filter("kind = 'click'"):select(F.col("ad"):alias("cad"), F.col("at"):alias("ct"))
  t.ok(si:join(sc, F.expr("iad = cad AND it = ct"), "full").isStreaming, "a key watermarked before the split")
  -- a key of the time the watermark is not on does not stand for one
  local message = "Stream-stream %s join between two streaming DataFrame/Datasets is not supported without a"
    .. " watermark in the join keys, or a watermark on the nullable side and an appropriate range condition"
  t.raises_at_caller({
    { function() wi:join(wc, F.expr("iad = cad AND it = ct"), "left") end, message:format("LeftOuter") },
    { function() wi:join(wc, F.expr("iad = cad"), "full") end, message:format("FullOuter") },
    { function() wi:join(wc, F.expr("iad = cad AND it = ct"), "semi") end, message:format("LeftSemi") },
  })
end)

t.test("a side without a watermark of its own keeps its rows, bounded or not, as Spark's", function()
  -- Spark lets a side's rows go by a range bound only when they carry a
  -- watermark (isWatermarkDefinedOnInput): here the left's never go, so
  -- a left outer join emits no nulls for them. (Spark 3.5.3's rows and
  -- state entries over the same files.)
  local dir = t.tempdir()
  local function put(side, name, lines, mtime)
    t.write_at(("%s/%s/%s"):format(dir, side, name), table.concat(lines, "\n") .. "\n", mtime)
  end
  put("a", "1.json", { '{"k":1,"ts":"2024-01-01 00:00:01"}', '{"k":2,"ts":"2024-01-01 00:00:02"}' }, 1000)
  put("b", "1.json", { '{"k":1,"bts":"2024-01-01 00:00:05"}' }, 1000)
  put("a", "2.json", { '{"k":3,"ts":"2024-01-01 00:01:00"}' }, 2000)
  put("b", "2.json", { '{"k":3,"bts":"2024-01-01 00:01:30"}' }, 2000)
  put("a", "3.json", { '{"k":9,"ts":"2024-01-01 00:10:00"}' }, 3000)
  put("b", "3.json", { '{"k":9,"bts":"2024-01-01 00:10:00"}' }, 3000)
  for _, how in ipairs({ "inner", "left_outer" }) do
    local a = spark.readStream:schema("k int, ts timestamp"):option("maxFilesPerTrigger", 1):json(dir .. "/a")
    local b = spark.readStream:schema("k int, bts timestamp"):option("maxFilesPerTrigger", 1):json(dir .. "/b")
      :withWatermark("bts", "5 seconds"):withColumnRenamed("k", "bk")
    local batches, q = t.batches_available(a:join(b, F.expr("k = bk AND bts >= ts AND bts <= ts + interval 10 seconds"),
      how), dir .. "/cp_" .. how)
    t.same_table(batches, { { epoch = 0, rows = { "1|2024-01-01 00:00:01|1|2024-01-01 00:00:05" } },
      { epoch = 1, rows = {} }, { epoch = 2, rows = { "9|2024-01-01 00:10:00|9|2024-01-01 00:10:00" } } }, how)
    t.same_table(t.state_entries(q), { "symmetricHashJoin 3 3 0 0", "symmetricHashJoin 5 2 0 0",
      "symmetricHashJoin 7 2 0 0" }, how)
  end
end)

t.test("what two streams cannot do fails clearly", function()
  local dir = t.tempdir()
  add(dir, "1.csv", { { "imp", 1, "2024-01-01 00:00:00" }, { "click", 1, "2024-01-01 00:00:01" } })
  local imps, clicks = sides(dir)
  local cond = imps.iad:eq(clicks.cad)
  t.raises_at_caller({
    { function() imps:join(clicks, cond, "left_anti") end, "LeftAnti join between two streaming DataFrames" },
    { function() imps:crossJoin(clicks) end, "Stream-stream join without equality predicate is not supported" },
    { function() imps:join(clicks, imps.it:le(clicks.ct)) end,
      "is not an equality of two columns: tide joins on at least one equality" },
    { function() within_hour(imps, clicks):join(clicks:alias("c2"), F.col("iad"):eq(F.col("c2.cad"))) end,
      "one join between two streams" },
    -- a side's aggregation needs the side's own watermark
    -- (tests/lua/test_stream_join_aggregation.lua)
    { function()
        local counts = clicks:groupBy("cad"):count()
        local joined = imps:join(counts, imps.iad:eq(counts.cad))
        return joined
      end, "An aggregation on one side of a join between two streams needs a withWatermark of that side's own" },
  })
  -- a side deduplicates its rows (runs: tests/lua/test_stream_sources.lua)
  t.ok(imps:dropDuplicates({ "iad" }):join(clicks, cond).isStreaming, "dropDuplicates on a side")
  -- before the stream splits, dropDuplicates is the stream's own
  local events = spark.readStream:csv(dir, { schema = EVENTS }):dropDuplicates({ "kind", "ad" })
  local di = events:filter("kind = 'imp'"):select(F.col("ad"):alias("iad"))
  local dc = events:filter("kind = 'click'"):select(F.col("ad"):alias("cad"))
  t.ok(di:join(dc, di.iad:eq(dc.cad)).isStreaming, "dropDuplicates before the split")
  -- append only, as Spark's
  t.has(t.raises(function()
    imps:join(clicks, cond).writeStream:outputMode("update"):format("memory"):queryName("sj_update"):start()
  end), "Join between two streaming DataFrames/Datasets is not supported in Update output mode, only in Append")
  t.has(t.raises(function()
    imps:join(clicks, cond).writeStream:outputMode("complete"):format("memory"):queryName("sj_complete"):start()
  end), "Complete output mode not supported")
end)

t.run()
