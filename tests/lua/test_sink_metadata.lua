-- Reading what a Spark streaming file sink wrote, as Spark reads it: a
-- directory with a _spark_metadata log gives the files the log lists
-- (tide.sink_metadata), so the files of a batch that failed before its
-- commit are never read. The logs here are written as Spark 3.5.3's sink
-- writes them; the expected rows are Spark's over the same directories.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

-- A sink's output: part files (name -> JSON lines), and log batches, each
-- a list of { name, action } (action "add" unless given), file
-- "<n>" or "<n>.compact".
local function sink(dir, parts, log)
  for name, text in pairs(parts) do t.write_at(dir .. "/" .. name, text, 1796652502) end
  os.execute(("mkdir -p '%s/_spark_metadata'"):format(dir))
  for file, entries in pairs(log) do
    local lines = { "v1" }
    for _, e in ipairs(entries) do
      lines[#lines + 1] = ('{"path":"file://%s/%s","size":14,"isDir":false,"modificationTime":%d,'
        .. '"blockReplication":1,"blockSize":33554432,"action":"%s"}'):format(dir, e[1], e[3] or 1796652502568,
        e[2] or "add")
    end
    t.write(dir .. "/_spark_metadata/" .. file, table.concat(lines, "\n"))
  end
end

local function ks(df) return t.sorted_values(df, "k") end

local PARTS = {
  ["part-00000-a-c000.json"] = '{"k":0,"p":0}\n',
  ["part-00000-b-c000.json"] = '{"k":1,"p":1}\n',
  ["part-00000-c-c000.json"] = '{"k":2,"p":0}\n',
  -- a batch's file written before a failure, never committed
  ["part-99999-stray.json"] = '{"k":99,"p":1}\n',
}

t.test("a read of a Spark sink's directory takes the files its log lists; a glob takes every file", function()
  local dir = t.tempdir()
  sink(dir, PARTS, { ["0"] = { { "part-00000-a-c000.json" } }, ["1"] = { { "part-00000-b-c000.json" } },
    ["2"] = { { "part-00000-c-c000.json" } } })
  t.same_table(ks(spark.read:json(dir)), { 0, 1, 2 })
  t.same_table(ks(spark.read:schema("k int, p int"):json(dir)), { 0, 1, 2 })
  t.same_table(ks(spark.read:json(dir .. "/*.json")), { 0, 1, 2, 99 })
  t.same_table(spark.read:text(dir):inputFiles(), { "file:" .. dir .. "/part-00000-a-c000.json",
    "file:" .. dir .. "/part-00000-b-c000.json", "file:" .. dir .. "/part-00000-c-c000.json" })
end)

t.test("a compacted log holds the batches before it; a delete takes a file out", function()
  local dir = t.tempdir()
  sink(dir, PARTS, {
    ["0"] = { { "part-00000-a-c000.json" } },
    ["1.compact"] = { { "part-00000-a-c000.json" }, { "part-00000-b-c000.json" } },
    ["2"] = { { "part-00000-c-c000.json" }, { "part-00000-a-c000.json", "delete" } },
  })
  t.same_table(ks(spark.read:json(dir)), { 1, 2 })
  -- (the batches before the latest compaction are not read again: it
  -- holds them)
  t.write(dir .. "/_spark_metadata/0", "v1\nnot read")
  t.same_table(ks(spark.read:json(dir)), { 1, 2 })
end)

t.test("a partitioned sink's output: partitions from the logged files' directories", function()
  local dir = t.tempdir()
  sink(dir, { ["p=0/part-00000-a.c000.json"] = '{"k":0}\n', ["p=1/part-00000-b.c000.json"] = '{"k":1}\n',
    ["p=0/part-00000-c.c000.json"] = '{"k":2}\n', ["p=1/part-99999-stray.json"] = '{"k":99}\n' },
    { ["0"] = { { "p=0/part-00000-a.c000.json" }, { "p=1/part-00000-b.c000.json" } },
      ["1"] = { { "p=0/part-00000-c.c000.json" } } })
  local df = spark.read:json(dir)
  t.eq(df.schema:simpleString(), "struct<k:bigint,p:int>")
  t.same_table(t.rows(df:orderBy("k")), { "0|0", "1|1", "2|0" })
end)

t.test("a file stream over a Spark sink's directory reads the files as its log lists them", function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  sink(dir, PARTS, { ["0"] = { { "part-00000-a-c000.json", nil, 1000 } },
    ["1"] = { { "part-00000-b-c000.json", nil, 2000 } } })
  local function stream() return spark.readStream:schema("k int, p int"):json(dir) end
  t.same_table(t.batches_available(stream(), cp), { { epoch = 0, rows = { "0|0", "1|1" } } })
  -- the sink commits another batch: its file is new, the stray still not
  sink(dir, {}, { ["2"] = { { "part-00000-c-c000.json", nil, 3000 } } })
  t.same_table(t.batches_available(stream(), cp), { { epoch = 1, rows = { "2|0" } } })
  -- (the source's log has the sink's times, as Spark's)
  t.has(t.read(cp .. "/sources/0/1"), '"timestamp":3000,"batchId":1')
end)

t.test("a damaged sink log fails the read, naming the file and the line", function()
  local dir = t.tempdir()
  sink(dir, PARTS, { ["0"] = { { "part-00000-a-c000.json" } } })
  t.write(dir .. "/_spark_metadata/1", "v1\nnot json")
  t.has(t.raises(function() spark.read:json(dir):collect() end),
    dir .. "/_spark_metadata/1: line 2 is not a file entry of a sink log")
end)

t.run()
