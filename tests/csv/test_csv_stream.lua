-- readStream:format("csv"): new files in a directory become batches; the
-- files each batch read are logged in the checkpoint (sources/0/N, Spark's
-- FileStreamSource layout) so a restarted query reads each file once.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

local SCHEMA = "id decimal(38,0), click int, site string"

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end

-- Starts a query over dir that records every batch's ids.
local function start(dir, cp, batches, opts)
  local r = spark.readStream:format("csv"):schema(SCHEMA):option("header", "true")
  for k, v in pairs(opts or {}) do r = r:option(k, v) end
  return r:load(dir).writeStream
    :foreachBatch(function(df, epoch)
      local ids = {}
      for _, row in ipairs(df:collect()) do ids[#ids + 1] = row.id end
      batches[#batches + 1] = { epoch = epoch, ids = table.concat(ids, " ") }
    end)
    :option("checkpointLocation", cp)
    :start()
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

t.run()
