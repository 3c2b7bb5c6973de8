-- The exactly-once PostgreSQL sink and foreachBatch writers, against the
-- test PostgreSQL: an epoch replayed after a crash between the sink and
-- commits/N writes nothing twice; an epoch whose sink failed leaves no
-- marker and is written by the restart.
local t = require("testing")
local tide = require("tide")
local pg = require("tide.pg")
local T = require("tide.types")
local batchlib = require("tide.batch")
local dataframe = require("tide.dataframe")

local ci = t.pg_conninfo()
local spark = tide.session()

local function scalar(sql, ...) return pg.query(ci, sql, ...):collect()[1].v end

-- A deterministic streaming source: rows value = 0, 1, 2, ... in epochs of
-- PER rows (offsets count rows; checkpointed as {"rows": n}).
local PER = 500
local SCHEMA = T.struct { T.field("value", T.long) }
local Counter = {}
Counter.__index = Counter
function Counter:initialOffsets() return 0 end
function Counter:serialize(o) return ('{"rows":%d}'):format(o) end
function Counter:deserialize(v) return type(v) == "table" and v.rows or tonumber(v) end
function Counter:toProgress(o) return o end
function Counter:seek() end
function Counter:minOffsets(a, b) return math.min(a, b) end
function Counter:stop() end
function Counter:latestOffsets(after) return after + PER end
function Counter:planEnd(_, latest) return latest end
-- Rows fetched so far, and a function called with each fetch's range.
local fetched = { rows = 0, hook = nil }
function Counter:getBatch(start, finish)
  fetched.rows = fetched.rows + (finish - start)
  if fetched.hook then fetched.hook(start, finish) end
  local rows = {}
  for v = start, finish - 1 do rows[#rows + 1] = { v } end
  return batchlib.fromRows(rows, SCHEMA)
end

-- Consecutive pieces of `rows` rows (a micro-batch fetched piece by piece).
function Counter:splitRange(start, finish, rows)
  local out = {}
  for s = start, finish - 1, rows do out[#out + 1] = { s, math.min(finish, s + rows) } end
  if #out == 0 then out[1] = { start, finish } end
  return out
end

local function counter_stream()
  local src = setmetatable({ schema = SCHEMA, description = "Counter" }, Counter)
  return dataframe.new(spark, { kind = "scan", schema = SCHEMA, source = src }, true)
end

-- One run of a query over the counter that stops after its first
-- micro-batch (a replayed epoch, when the checkpoint has one); `sink` sets
-- the format and options on writeStream. Returns the query; raises when it
-- failed.
local function run_once(dir, sink, stream)
  local q = sink((stream or counter_stream()).writeStream):option("checkpointLocation", dir):start()
  local l = spark.streams:addListener { onQueryProgress = function(e)
    if e.progress.id == q.id then q:stop() end
  end }
  local ok, err = pcall(q.awaitTermination, q, 30)
  spark.streams:removeListener(l)
  if not ok then error(err, 0) end
  t.ok(not q:isActive(), "the query stopped after one batch")
  return q
end

local function jdbc(url, tbl, extra)
  return function(ws)
    ws = ws:format("jdbc"):option("url", url):option("dbtable", tbl)
    for k, v in pairs(extra or {}) do ws = ws:option(k, v) end
    return ws
  end
end

t.test("the jdbc sink writes each epoch once, also when it is replayed", function()
  local dir, tbl = t.tempdir(), t.unique("stream")
  local q = run_once(dir, jdbc(ci, tbl))
  local n = scalar("SELECT count(*) AS v FROM " .. tbl)
  t.eq(n, PER, "rows written")
  t.eq(q:lastProgress().sink.numOutputRows, n)
  t.eq(scalar("SELECT count(DISTINCT value) AS v FROM " .. tbl), n)
  -- a crash after the sink committed but before commits/0: the restart replays epoch 0
  t.eq(q:lastProgress().batchId, 0)
  t.ok(os.remove(dir .. "/commits/0"))
  q = run_once(dir, jdbc(ci, tbl))
  t.eq(q:lastProgress().batchId, 0, "epoch 0 ran again")
  t.eq(scalar("SELECT count(*) AS v FROM " .. tbl), n, "the replay wrote nothing")
  -- the next epoch continues where epoch 0 ended
  run_once(dir, jdbc(ci, tbl))
  local total = scalar("SELECT count(*) AS v FROM " .. tbl)
  t.eq(total, 2 * PER, "epoch 1 appended")
  t.eq(scalar("SELECT count(DISTINCT value) AS v FROM " .. tbl), total)
  t.eq(scalar("SELECT max(value) + 1 AS v FROM " .. tbl), total, "no gap, no duplicate")
  local markers = pg.query(ci, "SELECT epoch_id, query_id FROM tide_commits WHERE target = $1 ORDER BY epoch_id",
    "public." .. tbl):collect()
  t.eq(#markers, 2); t.eq(markers[1].epoch_id, 0); t.eq(markers[2].epoch_id, 1); t.eq(markers[1].query_id, q.id)
end)

t.test("a failed epoch has no marker; the restart writes it once", function()
  local dir, tbl = t.tempdir(), t.unique("stream_fail")
  local dead = ci:gsub("port=%d+", "port=1")
  local err = t.raises(function() run_once(dir, jdbc(dead, tbl, { maxRetries = 1, retryDelayMs = 10 })) end,
    "StreamingQueryException")
  t.ok(err:find("after 1 retries", 1, true), err)
  t.ok(not err:find(ci:match("password=(%S+)"), 1, true), "no password in " .. err)
  t.eq(scalar("SELECT count(*) AS v FROM tide_commits WHERE target = $1", "public." .. tbl), 0)
  run_once(dir, jdbc(ci, tbl))
  local n = scalar("SELECT count(*) AS v FROM " .. tbl)
  t.ok(n > 0)
  t.eq(scalar("SELECT count(DISTINCT value) AS v FROM " .. tbl), n)
  t.eq(scalar("SELECT min(value) AS v FROM " .. tbl), 0, "epoch 0 itself was written")
end)

t.test("df.write inside foreachBatch takes the epoch: a replay writes nothing twice", function()
  local dir, a, b = t.tempdir(), t.unique("feb_a"), t.unique("feb_b")
  local epochs = {}
  local function sink(ws)
    return ws:foreachBatch(function(batch, epoch_id)
      epochs[#epochs + 1] = epoch_id
      local function save(tbl) return batch.write:format("jdbc"):option("url", ci):option("dbtable", tbl):mode("append"):save() end
      save(a)
      save(a) -- a second write of the same table in one epoch is kept
      save(b)
    end)
  end
  run_once(dir, sink)
  local n = scalar("SELECT count(*) AS v FROM " .. b)
  t.ok(n > 0)
  t.eq(scalar("SELECT count(*) AS v FROM " .. a), 2 * n)
  t.ok(os.remove(dir .. "/commits/0"))
  run_once(dir, sink)
  t.same_table(epochs, { 0, 0 }, "the function ran again for epoch 0")
  t.eq(scalar("SELECT count(*) AS v FROM " .. b), n)
  t.eq(scalar("SELECT count(*) AS v FROM " .. a), 2 * n)
  t.eq(scalar("SELECT count(*) AS v FROM tide_commits WHERE target IN ($1, $2)", "public." .. a, "public." .. b), 3)
  -- opting out: exactlyOnce=false writes without a marker
  local c = t.unique("feb_c")
  local batch = spark:createDataFrame({ { 1 } }, "x int")
  batch.write:format("jdbc"):option("url", ci):option("dbtable", c):option("exactlyOnce", "false"):save()
  t.eq(scalar("SELECT count(*) AS v FROM " .. c), 1)
end)

t.test("a save retried inside foreachBatch: the replay's first save finds the retry's marker", function()
  local dir, tbl = t.tempdir(), t.unique("feb_retry")
  pg.execute(ci, "CREATE TABLE " .. tbl .. " (value bigint)")
  local first_run = true
  local function sink(ws)
    return ws:foreachBatch(function(batch)
      -- the first run's first attempt fails (a constraint), its retry
      -- commits, then the function fails: the epoch is not committed
      if first_run then pg.execute(ci, "ALTER TABLE " .. tbl .. " ADD CONSTRAINT never CHECK (value < 0)") end
      for attempt = 1, 2 do
        local ok = pcall(function()
          batch.write:format("jdbc"):option("url", ci):option("dbtable", tbl):option("maxRetries", 0):mode("append"):save()
        end)
        if ok then break end
        t.eq(attempt, 1, "only the first attempt fails")
        pg.execute(ci, "ALTER TABLE " .. tbl .. " DROP CONSTRAINT never")
      end
      if first_run then error("after the save", 0) end
    end)
  end
  t.raises(function() run_once(dir, sink) end, "after the save")
  t.eq(scalar("SELECT count(*) AS v FROM " .. tbl), PER)
  first_run = false
  run_once(dir, sink)
  t.eq(scalar("SELECT count(*) AS v FROM " .. tbl), PER, "the replay wrote nothing twice")
end)

-- ---- micro-batches made piece by piece ---------------------------------------------
-- A row-wise plan over a source that splits its ranges, with slices of 100
-- rows: each 500-row micro-batch is fetched and run in five pieces, and a
-- jdbc write sends each piece as soon as it is made.

local function pieced(fn)
  spark.conf:set("spark.tide.sliceRows", "100")
  fetched.rows, fetched.hook = 0, nil
  local ok, err = pcall(fn)
  spark.conf:unset("spark.tide.sliceRows")
  fetched.hook = nil
  if not ok then error(err, 0) end
end

local function doubled() return counter_stream():selectExpr("value", "value * 2 AS twice") end

local function write_in_foreach(tbl)
  return function(ws)
    return ws:foreachBatch(function(df)
      df.write:format("jdbc"):option("url", ci):option("dbtable", tbl):mode("append"):save()
    end)
  end
end

local function marker_rows(tbl)
  return tonumber(scalar("SELECT sum(num_rows) AS v FROM tide_commits WHERE target = $1", "public." .. tbl))
end

-- The rows the COPY into tbl has taken so far (nil when none runs), once
-- it has taken at least `want`, or after 10 s.
local function copied_while_running(tbl, want)
  local n
  local deadline = tide.now() + 10
  repeat
    local r = pg.query(ci, "SELECT tuples_processed AS n FROM pg_stat_progress_copy WHERE relid = to_regclass($1)",
      tbl):collect()[1]
    n = r and tonumber(r.n)
    if n and n >= want then return n end
    tide.sleep(0.01)
  until tide.now() > deadline
  return n
end

for _, case in ipairs { { "the jdbc sink", function(tbl) return jdbc(ci, tbl) end },
                        { "a write in foreachBatch", write_in_foreach } } do
  t.test(case[1] .. " sends a sliced micro-batch while it is made: the COPY has the first pieces before the last is fetched", function()
    pieced(function()
      local dir, tbl = t.tempdir(), t.unique("pieces")
      pg.execute(ci, ("CREATE TABLE %s (value bigint, twice bigint)"):format(tbl))
      local in_copy
      fetched.hook = function(start) if start == 400 then in_copy = copied_while_running(tbl, 400) end end
      local q = run_once(dir, case[2](tbl), doubled())
      t.eq(in_copy, 400, "rows in the COPY when the last piece was fetched")
      t.eq(scalar("SELECT count(*) AS v FROM " .. tbl), PER)
      t.eq(scalar("SELECT count(*) AS v FROM " .. tbl .. " WHERE twice = 2 * value"), PER)
      t.eq(scalar("SELECT count(DISTINCT value) AS v FROM " .. tbl), PER)
      t.eq(marker_rows(tbl), PER, "the marker counts the epoch's rows")
      t.eq(q:lastProgress().numInputRows, PER)
      t.eq(q:lastProgress().sink.numOutputRows, PER)
      t.eq(fetched.rows, PER, "each piece fetched once")
    end)
  end)

  t.test(case[1] .. ": an error in a later piece aborts the COPY; nothing is written and the restart writes the epoch once", function()
    pieced(function()
      local dir, tbl = t.tempdir(), t.unique("pieces_fail")
      fetched.hook = function(start) if start == 300 then error("bad record at offset 300", 0) end end
      local err = t.raises(function() run_once(dir, case[2](tbl), doubled()) end, "StreamingQueryException")
      t.ok(err:find("bad record at offset 300", 1, true), err)
      t.eq(scalar("SELECT count(*) AS v FROM tide_commits WHERE target = $1", "public." .. tbl), 0, "no marker")
      -- This test's connections only (ctest -j runs other tests beside it);
      -- an aborted transaction counts too.
      t.eq(scalar("SELECT count(*) AS v FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' "
        .. "AND strpos(query, $1) > 0", tbl), 0, "no transaction left open")
      fetched.hook = nil
      run_once(dir, case[2](tbl), doubled())
      t.eq(scalar("SELECT count(*) AS v FROM " .. tbl), PER)
      t.eq(scalar("SELECT min(value) AS v FROM " .. tbl), 0, "epoch 0 itself was written")
      t.eq(scalar("SELECT count(DISTINCT value) AS v FROM " .. tbl), PER)
    end)
  end)
end

for _, case in ipairs { { "the jdbc sink", function(tbl) return jdbc(ci, tbl) end,
                          "; the row is row 301 of epoch 0's micro-batch; epoch 0 was rolled back: none of its rows is in "
                          .. "the table, and the query's restart writes the epoch again" },
                        { "a write in foreachBatch", write_in_foreach,
                          "; the row is row 301 of the DataFrame written in epoch 0; the write was rolled back" } } do
  t.test(case[1] .. ": a row the server refuses, in a later piece, is named by its epoch and its row there; the restart writes the epoch", function()
    pieced(function()
      local dir, tbl = t.tempdir(), t.unique("pieces_row")
      -- value 300 is row 301 of epoch 0, row 1 of its fourth piece
      pg.execute(ci, ("CREATE TABLE %s (value bigint, twice bigint CONSTRAINT not_600 CHECK (twice <> 600))"):format(tbl))
      local err = t.raises(function() run_once(dir, case[2](tbl), doubled()) end, "StreamingQueryException")
      t.has(err, 'violates check constraint "not_600"')
      t.has(err, case[3])
      t.ok(not err:find("offset", 1, true), "no record is named: the rows do not carry one: " .. err)
      t.eq(scalar("SELECT count(*) AS v FROM " .. tbl), 0)
      t.eq(scalar("SELECT count(*) AS v FROM tide_commits WHERE target = $1", "public." .. tbl), 0, "no marker")
      -- as said: the restart writes epoch 0, once the table takes it
      pg.execute(ci, ("ALTER TABLE %s DROP CONSTRAINT not_600"):format(tbl))
      local q = run_once(dir, case[2](tbl), doubled())
      t.eq(q:lastProgress().batchId, 0, "epoch 0 ran again")
      t.eq(scalar("SELECT count(*) AS v FROM " .. tbl), PER)
      t.eq(scalar("SELECT count(DISTINCT value) AS v FROM " .. tbl), PER)
    end)
  end)
end

t.test("a sliced micro-batch into a table its connection knows: the marker counts every piece, a failed piece writes nothing", function()
  pieced(function()
    -- a connection of its own, whose prepared statements count the catalog queries
    local own, dir, tbl = ci .. " application_name=pieces_known", t.tempdir(), t.unique("pieces_known")
    local conn = pg.connect(own, "write")
    local function catalog()
      return tonumber(conn:exec("SELECT coalesce(sum(generic_plans + custom_plans), 0) AS n FROM pg_prepared_statements")
        :collect()[1].n)
    end
    run_once(dir, jdbc(own, tbl), doubled())
    local asked = catalog()
    run_once(dir, jdbc(own, tbl), doubled())
    t.eq(catalog(), asked, "the second epoch went by the table the connection knew")
    t.eq(scalar("SELECT count(*) AS v FROM " .. tbl), 2 * PER)
    t.eq(scalar("SELECT count(DISTINCT value) AS v FROM " .. tbl), 2 * PER)
    t.eq(marker_rows(tbl), 2 * PER)
    fetched.hook = function(start) if start == 2 * PER + 300 then error("bad record at offset 1300", 0) end end
    t.raises(function() run_once(dir, jdbc(own, tbl), doubled()) end, "bad record at offset 1300")
    t.eq(scalar("SELECT count(*) AS v FROM " .. tbl), 2 * PER, "nothing of the failed epoch")
    t.eq(scalar("SELECT count(*) AS v FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' "
      .. "AND application_name = 'pieces_known'"), 0, "no transaction left open on the test's connection")
    fetched.hook = nil
    run_once(dir, jdbc(own, tbl), doubled())
    t.eq(scalar("SELECT count(DISTINCT value) AS v FROM " .. tbl), 3 * PER)
    t.eq(marker_rows(tbl), 3 * PER)
  end)
end)

t.test("foreachBatch over pieces: each piece is made once however the function uses the DataFrame", function()
  pieced(function()
    -- counted, then written twice: one fetch of the batch, one join
    local dir, tbl = t.tempdir(), t.unique("pieces_reuse")
    local counted
    run_once(dir, function(ws)
      return ws:foreachBatch(function(df)
        counted = df:count()
        for _ = 1, 2 do df.write:format("jdbc"):option("url", ci):option("dbtable", tbl):mode("append"):save() end
      end)
    end, doubled())
    t.eq(counted, PER)
    t.eq(scalar("SELECT count(*) AS v FROM " .. tbl), 2 * PER)
    t.eq(marker_rows(tbl), 2 * PER)
    t.eq(fetched.rows, PER)
    -- not used at all: the batch is still made, its rows counted
    fetched.rows = 0
    local q = run_once(t.tempdir(), function(ws) return ws:foreachBatch(function() end) end, doubled())
    t.eq(fetched.rows, PER)
    t.eq(q:lastProgress().numInputRows, PER)
    t.eq(q:lastProgress().sink.numOutputRows, PER)
    -- an error in the plan fails the batch even when the function catches it
    fetched.hook = function(start) if start == 200 then error("bad record at offset 200", 0) end end
    local caught
    local err = t.raises(function()
      run_once(t.tempdir(), function(ws)
        return ws:foreachBatch(function(df) caught = select(2, pcall(df.count, df)) end)
      end, doubled())
    end, "StreamingQueryException")
    t.ok(tostring(caught):find("bad record at offset 200", 1, true), tostring(caught))
    t.ok(err:find("bad record at offset 200", 1, true), err)
  end)
end)

t.test("the sink checks its options when the query starts", function()
  t.raises(function()
    counter_stream().writeStream:format("postgres"):option("checkpointLocation", t.tempdir()):start()
  end, "'url' is required")
end)

t.test("the jdbc sink creates a DATE column for a date and writes each epoch's dates, whole or in pieces", function()
  local function dated() return counter_stream():selectExpr("value", "CAST(CAST(value * 86400 AS TIMESTAMP) AS DATE) AS d") end
  local dir, tbl = t.tempdir(), t.unique("stream_dates")
  run_once(dir, jdbc(ci, tbl), dated())
  t.eq(scalar("SELECT data_type AS v FROM information_schema.columns WHERE table_name = $1 AND column_name = 'd'", tbl),
    "date")
  -- the next epochs go by the table the connection learnt, one of them in pieces
  pieced(function() run_once(dir, jdbc(ci, tbl), dated()) end)
  run_once(dir, jdbc(ci, tbl), dated())
  t.eq(scalar("SELECT count(*) AS v FROM " .. tbl), 3 * PER)
  t.eq(scalar("SELECT count(*) AS v FROM " .. tbl .. " WHERE d = DATE '1970-01-01' + value::int"), 3 * PER)
  t.eq(scalar("SELECT max(d)::text AS v FROM " .. tbl), "1974-02-08")
end)

t.run()
