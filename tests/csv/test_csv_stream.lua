-- readStream:format("csv"): new files in a directory become batches; the
-- files each batch read are logged in the checkpoint (sources/0/N, Spark's
-- FileStreamSource layout) so a restarted query reads each file once.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

local SCHEMA = "id decimal(38,0), click int, site string"

local write = t.write

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end

-- Starts a query over dir that records every batch's ids (and calls
-- on_batch(epoch) after each, when given).
local function start(dir, cp, batches, opts, trigger, on_batch)
  local r = spark.readStream:format("csv"):schema(SCHEMA):option("header", "true")
  for k, v in pairs(opts or {}) do r = r:option(k, v) end
  local w = r:load(dir).writeStream
    :foreachBatch(function(df, epoch)
      local ids = {}
      for _, row in ipairs(df:collect()) do ids[#ids + 1] = row.id end
      batches[#batches + 1] = { epoch = epoch, ids = table.concat(ids, " ") }
      if on_batch then on_batch(epoch) end
    end)
    :option("checkpointLocation", cp)
  if trigger then w = w:trigger(trigger) end
  return w:start()
end

t.test("a stream needs a schema", function()
  t.raises(function() spark.readStream:format("csv"):load(t.tempdir()) end, "Schema must be specified")
end)

t.test("new files become batches, logged in sources/0 and read once across restarts", function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  write(dir .. "/a.csv", "id,click,site\n18446744073709551615,1,x\n2,0,y\n")
  local batches = {}
  local q = start(dir, cp, batches)
  q:processAllAvailable()
  t.eq(#batches, 1)
  t.eq(batches[1].ids, "18446744073709551615 2")
  t.eq(batches[1].epoch, 0)

  -- A file being written elsewhere and moved in; hidden files are ignored.
  write(dir .. "/.b.csv.tmp", "id,click,site\n3,0,z\n")
  os.rename(dir .. "/.b.csv.tmp", dir .. "/b.csv")
  write(dir .. "/_temporary", "junk")
  q:processAllAvailable()
  t.eq(#batches, 2)
  t.eq(batches[2].ids, "3")
  local p = q:lastProgress()
  t.eq(p.numInputRows, 1)
  t.eq(p.sources[1].endOffset.logOffset, 1)
  t.ok(p.sources[1].description:find("FileStreamSource[file:" .. dir, 1, true), p.sources[1].description)
  q:stop()

  -- Spark's layout: offsets hold the log offset, sources/0/N the files.
  t.eq(read_file(cp .. "/offsets/1"):match("[^\n]*$"), '{"logOffset":1}')
  local log0 = read_file(cp .. "/sources/0/0")
  t.ok(log0:match('^v1\n{"path":"file://' .. dir:gsub("%p", "%%%0") .. '/a%.csv","timestamp":%d+,"batchId":0}$'), log0)

  -- A restart reads nothing again, then only the new file.
  local again = {}
  q = start(dir, cp, again)
  q:processAllAvailable()
  t.eq(#again, 0)
  write(dir .. "/c.csv", "id,click,site\n4,1,w\n")
  q:processAllAvailable()
  t.eq(#again, 1)
  t.eq(again[1].ids, "4")
  t.eq(again[1].epoch, 2)
  q:stop()
end)

t.test("maxFilesPerTrigger splits a backlog, oldest files first", function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  for i, name in ipairs({ "z.csv", "y.csv", "x.csv" }) do
    write(dir .. "/" .. name, "id,click,site\n" .. i .. ",0,s\n")
    os.execute(("touch -d '2024-01-01 00:00:0%d' '%s/%s'"):format(i, dir, name))
  end
  local batches = {}
  local q = start(dir, cp, batches, { maxFilesPerTrigger = 2 })
  q:processAllAvailable()
  q:stop()
  t.eq(#batches, 2)
  t.eq(batches[1].ids, "1 2")
  t.eq(batches[2].ids, "3")
end)

t.test("an epoch replayed after a crash reads the same files", function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  write(dir .. "/a.csv", "id,click,site\n1,0,s\n")
  local batches = {}
  local q = start(dir, cp, batches)
  q:processAllAvailable()
  q:stop()
  write(dir .. "/b.csv", "id,click,site\n2,0,s\n")
  -- Batch 1 planned (log entry and offsets written) but never committed.
  local failing = spark.readStream:format("csv"):schema(SCHEMA):option("header", "true"):load(dir)
    .writeStream:foreachBatch(function() error("sink down") end)
    :option("checkpointLocation", cp):start()
  t.raises(function() failing:awaitTermination(5) end, "sink down")
  write(dir .. "/c.csv", "id,click,site\n3,0,s\n")
  local replayed = {}
  q = start(dir, cp, replayed)
  q:processAllAvailable()
  q:stop()
  t.eq(replayed[1].epoch, 1)
  t.eq(replayed[1].ids, "2")
  t.eq(replayed[2].epoch, 2)
  t.eq(replayed[2].ids, "3")
end)

-- Three files a, b, c (ids 1, 2, 3), oldest first.
local function three_files(dir)
  for i, name in ipairs({ "a.csv", "b.csv", "c.csv" }) do
    write(dir .. "/" .. name, "id,click,site\n" .. i .. ",0,s\n")
    os.execute(("touch -d '2024-01-01 00:00:0%d' '%s/%s'"):format(i, dir, name))
  end
end

-- The names in a checkpoint directory, sorted ("0 1 2").
local function listing(dir)
  local names = {}
  for name in t.sh("ls '" .. dir .. "'"):gmatch("%S+") do names[#names + 1] = name end
  table.sort(names)
  return table.concat(names, " ")
end

-- Runs a query with trigger until it ends by itself; its batches as
-- "epoch:ids, ...".
local function run_to_end(dir, cp, trigger, opts, on_batch)
  local batches = {}
  t.ok(start(dir, cp, batches, opts, trigger, on_batch):awaitTermination(30), "the query ends by itself")
  local text = {}
  for i, b in ipairs(batches) do text[i] = b.epoch .. ":" .. b.ids end
  return table.concat(text, ", ")
end

t.test("availableNow reads every file there at the start, in batches of maxFilesPerTrigger", function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  three_files(dir)
  -- A file that arrives during the run waits for the next run, as in Spark.
  local function add_file_in_batch_0(epoch)
    if epoch == 0 then write(dir .. "/d.csv", "id,click,site\n4,0,s\n") end
  end
  t.eq(run_to_end(dir, cp, { availableNow = true }, { maxFilesPerTrigger = 1 }, add_file_in_batch_0),
    "0:1, 1:2, 2:3")
  -- The log has an entry for each batch that ran, and none more.
  t.eq(listing(cp .. "/sources/0"), "0 1 2")
  t.eq(listing(cp .. "/offsets"), "0 1 2")
  t.eq(listing(cp .. "/commits"), "0 1 2")
  t.eq(run_to_end(dir, cp, { availableNow = true }, { maxFilesPerTrigger = 1 }), "3:4")
  t.eq(listing(cp .. "/sources/0"), "0 1 2 3")
end)

t.test("trigger once reads every file there in one batch, whatever maxFilesPerTrigger says", function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  three_files(dir)
  t.eq(run_to_end(dir, cp, { once = true }, { maxFilesPerTrigger = 1 }), "0:1 2 3")
  t.eq(listing(cp .. "/sources/0"), "0")
  t.eq(run_to_end(dir, cp, { once = true }, { maxFilesPerTrigger = 1 }), "", "nothing is read twice")
  t.eq(listing(cp .. "/sources/0"), "0")
end)

t.test("an availableNow run killed mid-batch resumes: no file read twice, none skipped", function()
  local dir = t.tempdir()
  t.sh(("mkdir -p '%s/in'"):format(dir))
  three_files(dir .. "/in")
  -- Each batch's ids go to out.txt when its function returns; the first
  -- run is killed (SIGKILL) inside batch 1.
  local script = ([[
local spark = require("tide").session()
local kill_in = tonumber(os.getenv("KILL_IN_BATCH"))
spark.readStream:format("csv"):schema(%q):option("header", "true"):option("maxFilesPerTrigger", 1)
  :load("in").writeStream
  :foreachBatch(function(df, epoch)
    if epoch == kill_in then os.execute("kill -9 $PPID") end
    local ids = {}
    for _, row in ipairs(df:collect()) do ids[#ids + 1] = row.id end
    local f = assert(io.open("out.txt", "a"))
    f:write(epoch, ":", table.concat(ids, " "), "\n")
    f:close()
  end)
  :option("checkpointLocation", "cp"):trigger{ availableNow = true }:start():awaitTermination()
]]):format(SCHEMA)
  local out, status = t.run_script(dir, "job.lua", script)
  t.eq(status, 0, out)
  t.eq(t.read(dir .. "/out.txt"), "0:1\n1:2\n2:3\n", "an undisturbed run")
  t.sh(("rm -rf '%s/cp' '%s/out.txt'"):format(dir, dir))

  out, status = t.run_script(dir, "job.lua", script, "KILL_IN_BATCH=1")
  t.ok(status ~= 0, "the first run is killed: " .. out)
  t.eq(t.read(dir .. "/out.txt"), "0:1\n")
  out, status = t.run_script(dir, "job.lua", script)
  t.eq(status, 0, out)
  t.eq(t.read(dir .. "/out.txt"), "0:1\n1:2\n2:3\n", "batch 1 replayed with its file, then the rest")
  t.eq(listing(dir .. "/cp/sources/0"), "0 1 2")
end)

t.test("malformed rows in a stream are counted in the progress; FAILFAST fails the query", function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  write(dir .. "/a.csv", "id,click,site\n1,x,s\n2,0,s\n")
  local batches = {}
  local q = start(dir, cp, batches, { mode = "DROPMALFORMED" })
  q:processAllAvailable()
  q:stop()
  t.eq(batches[1].ids, "2")
  t.eq(q:lastProgress().numMalformedRows, 1)
  t.eq(q:lastProgress().numDroppedRows, 1)
  local q2 = start(dir, t.tempdir() .. "/cp2", {}, { mode = "FAILFAST" })
  local err = t.raises(function() q2:awaitTermination(5) end)
  t.ok(err:find(dir .. "/a.csv:2:", 1, true), err)
end)

t.test("numInputRows counts every record read, dropped ones too (input = output + dropped)", function()
  -- As a Kafka source under from_json's DROPMALFORMED: the source's records
  -- are the input, whatever the parse then drops.
  local dir = t.tempdir()
  write(dir .. "/a.csv", "id,click,site\n1,x,s\n2,0,s\n3,0\n4,0,s\n5,0,s,extra\n6,1,s\n")
  for _, case in ipairs({ { "DROPMALFORMED", 3 }, { "PERMISSIVE", 6 } }) do
    local batches = {}
    local q = start(dir, t.tempdir() .. "/cp", batches, { mode = case[1] })
    q:processAllAvailable()
    q:stop()
    local p = q:lastProgress()
    t.eq(p.numInputRows, 6, case[1])
    t.eq(p.sources[1].numInputRows, 6, case[1])
    t.eq(p.sink.numOutputRows, case[2], case[1])
    t.eq(p.numMalformedRows, 3, case[1])
    t.eq(p.numDroppedRows, 6 - case[2], case[1])
  end
  -- JSON lines too.
  local jdir = t.tempdir()
  write(jdir .. "/a.json", '{"id": 1}\n{"id": "x"}\n\n{"id": 3}\nnot json\n')
  local q = spark.readStream:format("json"):schema("id bigint"):option("mode", "DROPMALFORMED"):load(jdir)
    .writeStream:foreachBatch(function() end):option("checkpointLocation", t.tempdir() .. "/cp"):start()
  q:processAllAvailable()
  q:stop()
  local p = q:lastProgress()
  t.eq(p.numInputRows, 4, "json: the blank line is no record")
  t.eq(p.sink.numOutputRows, 2)
  t.eq(p.numDroppedRows, 2)
end)

t.test("a broken symbolic link in a read directory is warned about once, naming it", function()
  local dir = t.tempdir()
  write(dir .. "/a.csv", "id,click,site\n1,0,s\n")
  t.sh(("ln -s '%s/gone.csv' '%s/b.csv'"):format(dir, dir))
  local warned = t.stderr_of(function()
    t.eq(spark.read:schema(SCHEMA):option("header", "true"):csv(dir):count(), 1)
  end)
  t.eq(#warned, 1)
  t.ok(warned[1]:find("tide: warning: " .. dir .. "/b.csv is listed but cannot be read", 1, true), warned[1])
  t.ok(warned[1]:find("broken symbolic link", 1, true), warned[1])
  t.eq(#t.stderr_of(function() spark.read:schema(SCHEMA):option("header", "true"):csv(dir):count() end), 0,
    "once")
  -- A stream lists the directory at every trigger: one warning all the same.
  local sdir = t.tempdir()
  t.sh(("ln -s '%s/gone.csv' '%s/b.csv'"):format(sdir, sdir))
  local batches, q = {}, nil
  warned = t.stderr_of(function()
    q = start(sdir, t.tempdir() .. "/cp", batches)
    for i = 1, 3 do
      write(sdir .. "/f" .. i .. ".csv", "id,click,site\n" .. i .. ",0,s\n")
      q:processAllAvailable()
    end
    q:stop()
  end)
  t.eq(#batches, 3)
  t.eq(#warned, 1, table.concat(warned))
  t.ok(warned[1]:find(sdir .. "/b.csv", 1, true), warned[1])
  -- A glob that matches the link warns too.
  local gdir = t.tempdir()
  write(gdir .. "/a.csv", "id,click,site\n1,0,s\n")
  t.sh(("ln -s '%s/gone.csv' '%s/c.csv'"):format(gdir, gdir))
  warned = t.stderr_of(function()
    t.eq(spark.read:schema(SCHEMA):option("header", "true"):csv(gdir .. "/*.csv"):count(), 1)
  end)
  t.eq(#warned, 1)
  t.ok(warned[1]:find(gdir .. "/c.csv", 1, true), warned[1])
end)

t.run()
