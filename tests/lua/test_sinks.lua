-- The sinks and the writer's settings as Spark has them: the json and csv
-- file sinks (files never overwritten by another query, timestamps in
-- Spark's text), the memory sink's table read at each action, foreach's
-- open/close, outputMode, and spark.sql.streaming.checkpointLocation; and
-- df.write's csv and json, with Spark's save modes.
-- Input comes from csv files (a file source), so every batch is known.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()
local has = t.has
local files = require("tide.files")

local SCHEMA = "id int, ts timestamp, s string"

-- A directory holding one csv file per entry of files (lists of lines).
local function input(files)
  local dir = t.tempdir()
  for i, lines in ipairs(files) do t.write(("%s/f%02d.csv"):format(dir, i), table.concat(lines, "\n") .. "\n") end
  return dir
end

local function stream(dir, opts)
  local r = spark.readStream:format("csv"):schema(SCHEMA)
  for k, v in pairs(opts or {}) do r = r:option(k, v) end
  return r:load(dir)
end

local run = t.run_available

local function ls(dir)
  local names = {}
  for name in t.sh("ls -1 '" .. dir .. "'"):gmatch("[^\n]+") do names[#names + 1] = name end
  return names
end

local function ids_of(df)
  local ids = {}
  for _, row in ipairs(df:collect()) do ids[#ids + 1] = row.id end
  table.sort(ids)
  return table.concat(ids, " ")
end

-- ---- json and csv file sinks ---------------------------------------------------

for _, fmt in ipairs({ "json", "csv" }) do
  t.test(fmt .. " sink: a second query writing to the same directory keeps the first one's files", function()
    local out, base = t.tempdir() .. "/out", t.tempdir()
    local first = input({ { "1,,a", "2,,b" } })
    local q1 = run(stream(first).writeStream:format(fmt):option("path", out)
      :option("checkpointLocation", base .. "/cp1"))
    local after_first = ls(out)
    t.eq(#after_first, 1, "one file for the first query's epoch")
    local text = t.read(out .. "/" .. after_first[1])
    -- A new query (a new checkpoint): its epoch 0 as well.
    local q2 = run(stream(input({ { "3,,c" } })).writeStream:format(fmt):option("path", out)
      :option("checkpointLocation", base .. "/cp2"))
    t.ok(q1.id ~= q2.id, "two queries")
    local names = ls(out)
    t.eq(#names, 2, "both queries' files: " .. table.concat(names, " "))
    t.eq(t.read(out .. "/" .. after_first[1]), text, "the first query's file as it was written")
    for _, name in ipairs(names) do
      t.ok(name:match("^part%-00000%-.+%." .. fmt .. "$"), name)
    end
    local read = fmt == "json" and spark.read:json(out) or spark.read:schema(SCHEMA):csv(out)
    t.eq(ids_of(read), "1 2 3", "spark.read of the directory has every row once")

    -- The first query replays its epoch 0 (its commit lost in a crash):
    -- it rewrites its own file, which still holds its rows once.
    assert(os.remove(base .. "/cp1/commits/0"))
    run(stream(first).writeStream:format(fmt):option("path", out):option("checkpointLocation", base .. "/cp1"))
    t.same_table(ls(out), names, "the replay wrote no new file")
    t.eq(t.read(out .. "/" .. after_first[1]), text, "the replayed epoch's file")
    read = fmt == "json" and spark.read:json(out) or spark.read:schema(SCHEMA):csv(out)
    t.eq(ids_of(read), "1 2 3", "still every row once")
  end)
end

t.test("csv and json sinks write timestamps as Spark does, and tide reads them back", function()
  local dir = input({ { "1,2026-12-05 18:08:58.649072,a", "2,,b", "3,2026-12-05 18:08:58,c",
    "4,1969-12-31 23:59:59.9999,d" } })
  local base = t.tempdir()
  local texts = {}
  for _, fmt in ipairs({ "csv", "json" }) do
    run(stream(dir).writeStream:format(fmt):option("path", base .. "/" .. fmt)
      :option("checkpointLocation", base .. "/cp_" .. fmt))
    local names = ls(base .. "/" .. fmt)
    t.eq(#names, 1)
    texts[fmt] = t.read(base .. "/" .. fmt .. "/" .. names[1])
  end
  -- Spark 3's CSV and JSON default, yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX], in UTC.
  t.eq(texts.csv, "1,2026-12-05T18:08:58.649Z,a\n2,,b\n3,2026-12-05T18:08:58.000Z,c\n"
    .. "4,1969-12-31T23:59:59.999Z,d\n")
  t.eq(texts.json, '{"id":1,"ts":"2026-12-05T18:08:58.649Z","s":"a"}\n{"id":2,"s":"b"}\n'
    .. '{"id":3,"ts":"2026-12-05T18:08:58.000Z","s":"c"}\n{"id":4,"ts":"1969-12-31T23:59:59.999Z","s":"d"}\n')
  local want = { "2026-12-05 18:08:58.649", "null", "2026-12-05 18:08:58", "1969-12-31 23:59:59.999" }
  local function shown(df)
    local out = {}
    for i, row in ipairs(df:orderBy("id"):selectExpr("CAST(ts AS string) AS ts"):collect()) do
      out[i] = row.ts == nil and "null" or row.ts
    end
    return out
  end
  t.same_table(shown(spark.read:schema(SCHEMA):csv(base .. "/csv")), want, "csv read with a schema")
  t.same_table(shown(spark.read:csv(base .. "/csv", { inferSchema = true }):withColumnRenamed("_c0", "id")
    :withColumnRenamed("_c1", "ts")), want, "csv read with inferSchema")
  t.same_table(shown(spark.read:schema(SCHEMA):json(base .. "/json")), want, "json read with a schema")
end)

-- ---- memory sink ---------------------------------------------------------------

t.test("a DataFrame of spark:table(memory sink) reads the sink's rows at each action", function()
  local dir = input({ { "1,,a", "2,,b" } })
  local q = stream(dir).writeStream:format("memory"):queryName("live_rows")
    :trigger { processingTime = "20 milliseconds" }:start()
  local df = spark:table("live_rows")
  local derived = df:where("id > 1")
  t.eq(df:count(), 0, "no batch ran yet")
  q:processAllAvailable()
  t.eq(df:count(), 2, "the same DataFrame, after the first batch")
  t.eq(ids_of(derived), "2", "a DataFrame made from it")
  t.write(dir .. "/f99.csv", "3,,c\n")
  q:processAllAvailable()
  t.eq(ids_of(df), "1 2 3", "and after the next")
  t.eq(derived:count(), 2)
  q:stop()
end)

-- ---- foreach -------------------------------------------------------------------

t.test("foreach calls close after every open, also one that returned false", function()
  local dir = input({ { "1,,a", "2,,b" }, { "3,,c" }, { "4,,d" } })
  local calls = {}
  local q = run(stream(dir, { maxFilesPerTrigger = 1 }).writeStream:foreach {
    open = function(_, epoch)
      calls[#calls + 1] = "open" .. epoch
      return epoch ~= 1
    end,
    process = function(row) calls[#calls + 1] = "p" .. row.id end,
    close = function(err) calls[#calls + 1] = "close(" .. tostring(err) .. ")" end,
  }:option("checkpointLocation", t.tempdir() .. "/cp"))
  t.eq(table.concat(calls, " "), "open0 p1 p2 close(nil) open1 close(nil) open2 p4 close(nil)")
  t.eq(q:lastProgress().batchId, 2)
end)

t.test("foreach: process's error reaches close, then fails the query", function()
  local closed
  local q = stream(input({ { "1,,a" } })).writeStream:foreach {
    process = function() error("row refused") end,
    close = function(err) closed = tostring(err) end,
  }:option("checkpointLocation", t.tempdir() .. "/cp"):start()
  t.raises(function() q:awaitTermination(10) end, "row refused")
  t.ok(closed and closed:find("row refused", 1, true), "close got the error: " .. tostring(closed))
end)

-- ---- outputMode ----------------------------------------------------------------

t.test("outputMode update is append for a query without aggregations", function()
  local dir = input({ { "1,,a", "2,,b" } })
  local epochs = {}
  run(stream(dir).writeStream:outputMode("update"):foreachBatch(function(df, epoch)
    epochs[#epochs + 1] = epoch .. ":" .. ids_of(df)
  end):option("checkpointLocation", t.tempdir() .. "/cp"))
  t.eq(table.concat(epochs, ","), "0:1 2")
  run(stream(dir).writeStream:outputMode("Update"):format("memory"):queryName("update_mode"))
  t.eq(ids_of(spark:table("update_mode")), "1 2")
end)

t.test("outputMode complete is refused at start as Spark refuses it; an unknown mode at once", function()
  local cp = t.tempdir() .. "/cp"
  local w = stream(input({ { "1,,a" } })).writeStream:outputMode("complete"):foreachBatch(function() end)
    :option("checkpointLocation", cp)
  t.raises_at_caller({
    { function() w:start() end, "Complete output mode not supported when there are no streaming aggregations" },
    { function() w:outputMode("upsert") end,
      "Unknown output mode upsert. Accepted output modes are 'append', 'complete', 'update'" },
  })
  t.eq(io.open(cp), nil, "no checkpoint made")
end)

-- ---- spark.sql.streaming.checkpointLocation ----------------------------------------

t.test("spark.sql.streaming.checkpointLocation is the checkpoint root of queries without one", function()
  local root = t.tempdir() .. "/root"
  spark.conf:set("spark.sql.streaming.checkpointLocation", root)
  local ok, err = pcall(function()
    local dir = input({ { "1,,a" } })
    local seen = {}
    local function named()
      return stream(dir).writeStream:queryName("cp_named"):foreachBatch(function(df) seen[#seen + 1] = ids_of(df) end)
    end
    local q = run(named())
    t.ok(io.open(root .. "/cp_named/metadata"), "<root>/<queryName> holds the checkpoint")
    t.ok(t.read(root .. "/cp_named/metadata"):find(q.id, 1, true), "of this query")
    -- The same name resumes that checkpoint: same id, nothing read twice.
    t.write(dir .. "/f99.csv", "2,,b\n")
    local again = run(named())
    t.eq(again.id, q.id, "the same query")
    t.eq(table.concat(seen, ","), "1,2")
    -- Without a name: <root>/<a new uuid> each start.
    local a = run(stream(dir).writeStream:foreachBatch(function() end))
    local b = run(stream(dir).writeStream:foreachBatch(function() end))
    t.ok(a.id ~= b.id, "two queries")
    local names = ls(root)
    table.sort(names)
    t.eq(#names, 3, table.concat(names, " "))
    for _, name in ipairs(names) do
      if name ~= "cp_named" then
        t.ok(name:match("^%x+%-%x+%-%x+%-%x+%-%x+$"), "a uuid: " .. name)
        t.ok(io.open(root .. "/" .. name .. "/commits/0"), name .. " holds a query's commits")
      end
    end
    -- A memory sink keeps its checkpoint there too, as in Spark.
    run(stream(dir).writeStream:format("memory"):queryName("cp_memory"))
    t.ok(io.open(root .. "/cp_memory/commits/0"), "the memory sink's checkpoint under the root")
    -- The option still wins.
    local own = t.tempdir() .. "/own"
    run(stream(dir).writeStream:queryName("cp_own"):foreachBatch(function() end):option("checkpointLocation", own))
    t.ok(io.open(own .. "/metadata"), "the query's own checkpoint")
    t.eq(io.open(root .. "/cp_own"), nil, "nothing under the root for it")
  end)
  spark.conf:unset("spark.sql.streaming.checkpointLocation")
  if not ok then error(err, 0) end
end)

t.test("df.write:csv and :json write a directory of part files, with Spark's save modes", function()
  local df = spark:createDataFrame({ { 1, "a" }, { 2, nil } }, "id int, s string")
  local dir = t.tempdir() .. "/out"
  t.eq(df.write:csv(dir, { header = true }), 2)
  t.ok(io.open(dir .. "/_SUCCESS"), "_SUCCESS once the save is whole")
  local read = function(header) return spark.read:option("header", header):schema("id int, s string"):csv(dir) end
  t.same_table(read("true"):orderBy("id"):collect(), { { id = 1, s = "a" }, { id = 2 } })
  has(t.raises(function() df.write:csv(dir) end), ("[PATH_ALREADY_EXISTS] Path %s already exists."):format(dir))
  t.same_table({ df.write:mode("ignore"):csv(dir) }, { 0, "ignored" })
  df.write:mode("append"):csv(dir) -- a second part file, without a header
  t.eq(#files.list(dir), 3, "two part files and _SUCCESS")
  df.write:json(dir, { mode = "overwrite" }) -- PySpark's df.write.json(path, mode="overwrite")
  t.eq(#files.list(dir), 2, "the part files before are gone")
  t.same_table(spark.read:json(dir):orderBy("id"):collect(), { { id = 1, s = "a" }, { id = 2 } })
  has(t.raises(function() df.write:parquet(dir) end), 'DataFrameWriter has no method "parquet"')
  has(t.raises(function() df.write:csv(dir, "overwrite") end), "csv: options must be a table")
end)

t.run()
