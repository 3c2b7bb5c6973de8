-- Spark's generic options of file sources (tide.file_filter): which files
-- a read takes (pathGlobFilter, recursiveFileLookup, modifiedBefore and
-- modifiedAfter), and those of a file stream (latestFirst, maxFileAge,
-- fileNameOnly, cleanSource). Expected values are Apache Spark 3.5.3's
-- over the same files, their modification times set.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

-- Seconds since the epoch of a UTC time "2020-06-01T10:00:00".
local function epoch(iso)
  local p = io.popen(("date -u -d '%s' +%%s"):format(iso:gsub("T", " ")))
  local secs = tonumber(p:read("*l"))
  p:close()
  return secs
end

-- Writes dir/name holding its own base name as a line, modified at iso.
local function put(dir, name, iso, text)
  local path = dir .. "/" .. name
  t.write_at(path, text or (path:match("[^/]*$") .. "\n"), epoch(iso or "2020-06-01T10:00:00"))
end

-- fn fails with text in its message.
local function fails(fn, text) t.has(t.raises(fn), text) end

local function values(df) return t.sorted_values(df, 1) end

local function tree()
  local dir = t.tempdir()
  put(dir, "a.csv", nil, "1,a\n")
  put(dir, "b.txt", nil, "2,b\n")
  put(dir, "x=1/c.csv", nil, "3,c\n")
  put(dir, "x=1/d.txt", nil, "4,d\n")
  put(dir, "x=2/deep/e.csv", nil, "5,e\n")
  put(dir, "x=2/_h/f.csv", nil, "6,f\n")
  return dir
end

t.test("pathGlobFilter matches file names, not paths, and partition directories are still read", function()
  local dir = tree()
  local function read(glob, path)
    return spark.read:schema("n int, s string"):option("pathGlobFilter", glob):csv(path or dir)
  end
  t.same_table(values(read("*.csv", dir .. "/x=1")), { 3 })
  local df = read("*.csv")
  t.same_table(df.columns, { "n", "s", "x" })
  t.same_table(t.rows(df:orderBy("n")), { "3|c|1", "5|e|2" })
  t.same_table(t.rows(read("{c,d}.*"):orderBy("n")), { "3|c|1", "4|d|1" })
  t.same_table(values(read("x=1/*.csv")), {})
  -- (and inputFiles lists the files read: with partition directories, as
  -- Spark's, not those beside them)
  t.same_table(spark.read:option("pathGlobFilter", "*.txt"):text(dir):inputFiles(), { "file:" .. dir .. "/x=1/d.txt" })
  t.same_table(spark.read:option("pathGlobFilter", "*.txt"):text(dir .. "/x=1"):inputFiles(),
    { "file:" .. dir .. "/x=1/d.txt" })
  t.same_table(spark.read:option("pathGlobFilter", "*.csv"):json(dir .. "/x=1", { schema = "n int" }):inputFiles(),
    { "file:" .. dir .. "/x=1/c.csv" })
end)

t.test("the partitions are inferred from every directory holding files, those the filters leave out too", function()
  local dir = t.tempdir()
  put(dir, "k=1/x.csv", "2020-06-01T10:00:00", "a\n1\n")
  put(dir, "k=abc/y.csv", "2020-06-03T10:00:00", "a\n2\n")
  local function read(options, schema)
    local r = spark.read:option("header", "true")
    for k, v in pairs(options) do r = r:option(k, v) end
    if schema then r = r:schema(schema) end
    return r:csv(dir)
  end
  -- (k=abc's value makes k a string column though its file is not read)
  local df = read({ pathGlobFilter = "x.*" })
  t.eq(df.schema:simpleString(), "struct<a:string,k:string>")
  t.same_table(t.rows(df), { "1|1" })
  df = read({ modifiedBefore = "2020-06-02T00:00:00" }, "a INT")
  t.eq(df.schema:simpleString(), "struct<a:int,k:string>")
  t.same_table(t.rows(df), { "1|1" })
  -- (no file read: the user's columns and the partition columns, no rows)
  df = read({ pathGlobFilter = "*.json" }, "a INT")
  t.eq(df.schema:simpleString(), "struct<a:int,k:string>")
  t.eq(df:count(), 0)
  fails(function() read({ pathGlobFilter = "*.json" }) end, "Unable to infer schema for CSV")
end)

t.test("recursiveFileLookup reads every file under the path, without partition columns", function()
  local dir = tree()
  local function read(schema, options)
    local r = spark.read:schema(schema):option("recursiveFileLookup", "true")
    for k, v in pairs(options or {}) do r = r:option(k, v) end
    return r:csv(dir .. (options and options.basePath and "/x=1" or ""))
  end
  local df = read("n int, s string")
  t.same_table(df.columns, { "n", "s" })
  -- (names starting with "_" are left out, as Spark's listing does)
  t.same_table(values(df), { 1, 2, 3, 4, 5 })
  t.same_table(t.rows(read("n int, s string, x int"):orderBy("n")),
    { "1|a|null", "2|b|null", "3|c|null", "4|d|null", "5|e|null" })
  t.same_table(values(read("n int, s string", { pathGlobFilter = "*.txt" })), { 2, 4 })
  t.same_table(values(read("n int, s string", { basePath = dir })), { 3, 4 })
  t.same_table(values(spark.read:option("recursiveFileLookup", "true"):text(dir)),
    { "1,a", "2,b", "3,c", "4,d", "5,e" })
  fails(function() spark.read:option("recursiveFileLookup", "yes"):text(dir) end,
    "Invalid value 'yes' for option 'recursiveFileLookup', must be 'true' or 'false'")
end)

t.test("modifiedBefore and modifiedAfter keep the files modified before or after a time, as Spark reads it",
  function()
  local dir = t.tempdir()
  put(dir, "p1", "2020-06-01T10:00:00")
  put(dir, "p2", "2020-06-01T12:00:00")
  put(dir, "p3", "2020-06-01T14:00:00")
  local function read(options, zone)
    spark.conf:set("spark.sql.session.timeZone", zone or "UTC")
    local r = spark.read
    for k, v in pairs(options) do r = r:option(k, v) end
    local out = values(r:text(dir))
    spark.conf:set("spark.sql.session.timeZone", "UTC")
    return out
  end
  t.same_table(read { modifiedBefore = "2020-06-01T12:00:00" }, { "p1" })
  t.same_table(read { modifiedBefore = "2020-06-01T12:00:01" }, { "p1", "p2" })
  t.same_table(read { modifiedAfter = "2020-06-01T12:00:00" }, { "p3" })
  t.same_table(read { modifiedAfter = "2020-06-01T11:59:59" }, { "p2", "p3" })
  t.same_table(read { modifiedAfter = "2020-06-01T09:00:00", modifiedBefore = "2020-06-01T13:00:00" }, { "p1", "p2" })
  t.same_table(read { modifiedAfter = "2030-01-01T00:00:00" }, {})
  -- as a timestamp cast reads text: a date, a space, a zone of its own
  t.same_table(read { modifiedBefore = "2020-06-02" }, { "p1", "p2", "p3" })
  t.same_table(read { modifiedBefore = "2020-06-01 13:00:00" }, { "p1", "p2" })
  t.same_table(read { modifiedBefore = "2020-06-01T13:00:00Z" }, { "p1", "p2" })
  -- In another zone Spark moves the file's time to the zone's wall clock
  -- before comparing it with the bound read in the zone: 05:30 in Los
  -- Angeles (12:30 UTC) keeps p3 (14:00 UTC, 07:00 on its wall clock).
  t.same_table(read({ modifiedBefore = "2020-06-01T05:30:00" }, "America/Los_Angeles"), { "p1", "p2", "p3" })
  t.same_table(read { modifiedBefore = "2020-06-01T06:00:00", timeZone = "America/Los_Angeles" },
    { "p1", "p2", "p3" })
  -- a file named by its path is filtered too
  t.same_table(values(spark.read:option("modifiedAfter", "2020-06-01T13:00:00"):text(dir .. "/p1")), {})
  fails(function() read { modifiedBefore = "June 1" } end,
    "The timestamp provided for the 'modifiedbefore' option is invalid. The expected format is "
    .. "'YYYY-MM-DDTHH:mm:ss', but the provided timestamp: June 1.")
  fails(function()
    spark.readStream:schema("value string"):option("modifiedBefore", "2020-06-01T13:00:00"):text(dir)
  end, "option 'modifiedbefore' is not allowed in file stream sources")
end)

-- ---- file streams ----

local run = t.batches_available

local function stream(dir, options)
  local r = spark.readStream:schema("value string")
  for k, v in pairs(options) do r = r:option(k, v) end
  return r:text(dir)
end

local function files_under(dir)
  local p = io.popen(("cd '%s' && find . -type f | sort"):format(dir))
  local out = {}
  for line in p:lines() do out[#out + 1] = line:sub(3) end
  p:close()
  return out
end

t.test("a file stream's listing options: pathGlobFilter and recursiveFileLookup", function()
  local dir = t.tempdir()
  put(dir, "in/a.csv")
  put(dir, "in/b.txt")
  t.same_table(run(stream(dir .. "/in", { pathGlobFilter = "*.csv" }), dir .. "/cp1"),
    { { epoch = 0, rows = { "a.csv" } } })
  put(dir, "in/sub/c.csv")
  put(dir, "in/x=1/d.csv")
  t.same_table(run(stream(dir .. "/in", { recursiveFileLookup = "true" }), dir .. "/cp2"),
    { { epoch = 0, rows = { "a.csv", "b.txt", "c.csv", "d.csv" } } })
end)

t.test("latestFirst takes the newest files first", function()
  local dir = t.tempdir()
  for i, h in ipairs { 10, 11, 12, 13 } do put(dir, "in/f" .. (i - 1), ("2020-06-01T%02d:00:00"):format(h)) end
  put(dir, "in/f4", "2020-06-01T13:00:00")
  t.same_table(run(stream(dir .. "/in", { latestFirst = "true", maxFilesPerTrigger = 2 }), dir .. "/cp"), {
    { epoch = 0, rows = { "f3", "f4" } }, { epoch = 1, rows = { "f1", "f2" } }, { epoch = 2, rows = { "f0" } } })
  -- Beyond availableNow, each batch lists the path again: a file that
  -- arrives goes before the older ones still waiting.
  local other = t.tempdir()
  for i, h in ipairs { 10, 11, 12 } do put(other, "in/g" .. (i - 1), ("2020-06-01T%02d:00:00"):format(h)) end
  local batches = {}
  local q = stream(other .. "/in", { latestFirst = "true", maxFilesPerTrigger = 1 }).writeStream
    :foreachBatch(function(df, epoch)
      batches[#batches + 1] = { epoch = epoch, rows = t.rows(df) }
      if epoch == 0 then put(other, "in/late", "2020-06-01T15:00:00") end
    end):option("checkpointLocation", other .. "/cp"):start()
  q:processAllAvailable()
  q:stop()
  t.same_table(batches, { { epoch = 0, rows = { "g2" } }, { epoch = 1, rows = { "late" } },
    { epoch = 2, rows = { "g1" } }, { epoch = 3, rows = { "g0" } } })
  fails(function() stream(dir .. "/in", { latestFirst = "yes" }) end,
    "Invalid value 'yes' for option 'latestFirst', must be 'true' or 'false'")
  fails(function() stream(dir .. "/in", { maxFilesPerTrigger = 0 }) end,
    "Invalid value '0' for option 'maxFilesPerTrigger', must be a positive integer")
end)

t.test("maxFileAge: files older than the newest seen by more than it are not read, but in the first batch",
  function()
  local dir = t.tempdir()
  put(dir, "in/c", "2020-06-01T14:00:00")
  t.same_table(run(stream(dir .. "/in", { maxFileAge = "1h" }), dir .. "/cp"), { { epoch = 0, rows = { "c" } } })
  -- after a restart, the files older than 13:00 (14:00 less an hour) are old
  put(dir, "in/a", "2020-06-01T10:00:00")
  put(dir, "in/b", "2020-06-01T13:30:00")
  put(dir, "in/b2", "2020-06-01T13:00:00")
  put(dir, "in/b3", "2020-06-01T12:59:59")
  t.same_table(run(stream(dir .. "/in", { maxFileAge = "1h" }), dir .. "/cp"), { { epoch = 1, rows = { "b", "b2" } } })
  -- the first batch's files are all new, the oldest first
  local other = t.tempdir()
  for i, h in ipairs { 10, 12, 14 } do put(other, "in/g" .. (i - 1), ("2020-06-01T%02d:00:00"):format(h)) end
  t.same_table(run(stream(other .. "/in", { maxFileAge = "1h", maxFilesPerTrigger = 1 }), other .. "/cp1"), {
    { epoch = 0, rows = { "g0" } }, { epoch = 1, rows = { "g1" } }, { epoch = 2, rows = { "g2" } } })
  -- with latestFirst and maxFilesPerTrigger it is not applied
  t.same_table(run(stream(other .. "/in", { maxFileAge = "1h", maxFilesPerTrigger = 1, latestFirst = "true" }),
    other .. "/cp2"),
    { { epoch = 0, rows = { "g2" } }, { epoch = 1, rows = { "g1" } }, { epoch = 2, rows = { "g0" } } })
  t.same_table(run(stream(other .. "/in", { maxFileAge = "1h", latestFirst = "true" }), other .. "/cp3"),
    { { epoch = 0, rows = { "g0", "g1", "g2" } } })
  -- milliseconds without a unit; Spark's units only
  t.same_table(run(stream(other .. "/in", { maxFileAge = "10" }), other .. "/cp4"),
    { { epoch = 0, rows = { "g0", "g1", "g2" } } })
  fails(function() stream(other .. "/in", { maxFileAge = "1 hour" }) end, "Failed to parse time string: 1 hour")
  fails(function() stream(other .. "/in", { maxFileAge = "1.5h" }) end, "Failed to parse time string: 1.5h")
  fails(function() stream(other .. "/in", { maxFileAge = "-1h" }) end, "option maxFileAge must not be negative")
end)

t.test("fileNameOnly: a file is new when no file of its name was read", function()
  local dir = t.tempdir()
  put(dir, "in/x/a.txt")
  t.same_table(run(stream(dir .. "/in/*", { fileNameOnly = "true" }), dir .. "/cp"),
    { { epoch = 0, rows = { "a.txt" } } })
  put(dir, "in/y/a.txt", "2020-06-01T11:00:00")
  put(dir, "in/y/b.txt", "2020-06-01T11:00:00")
  t.same_table(run(stream(dir .. "/in/*", { fileNameOnly = "true" }), dir .. "/cp"),
    { { epoch = 1, rows = { "b.txt" } } })
  -- (the log names the file's path, as Spark's)
  t.has(t.read(dir .. "/cp/sources/0/1"), '{"path":"file://' .. dir .. '/in/y/b.txt","timestamp":1591009200000')
end)

t.test("cleanSource deletes or archives a batch's files once it has committed", function()
  local dir = t.tempdir()
  for i = 0, 2 do put(dir, "in/f" .. i, ("2020-06-01T1%d:00:00"):format(i)) end
  local seen = {}
  local q = t.run_available(stream(dir .. "/in", { cleanSource = "delete", maxFilesPerTrigger = 1 }).writeStream
    :foreachBatch(function(_, epoch) seen[epoch] = files_under(dir .. "/in") end)
    :option("checkpointLocation", dir .. "/cp"))
  t.eq(q:lastProgress().batchId, 2)
  t.same_table(seen, { [0] = { "f0", "f1", "f2" }, { "f1", "f2" }, { "f2" } })
  t.same_table(files_under(dir .. "/in"), {})
  -- archive: under sourceArchiveDir, at the file's absolute path
  local other = t.tempdir()
  put(other, "in/g0")
  put(other, "in/g1", "2020-06-01T11:00:00")
  local batches = run(stream(other .. "/in", { cleanSource = "ARCHIVE", sourceArchiveDir = other .. "/arch" }),
    other .. "/cp")
  t.same_table(batches, { { epoch = 0, rows = { "g0", "g1" } } })
  t.same_table(files_under(other .. "/in"), {})
  t.same_table(files_under(other .. "/arch"), { other:sub(2) .. "/in/g0", other:sub(2) .. "/in/g1" })
  -- A restart cleans the last batch committed before it too (as Spark's
  -- does when it plans the next batch), in case a stop came before that.
  local again = t.tempdir()
  put(again, "in/h0")
  put(again, "in/h1", "2020-06-01T11:00:00")
  t.eq(#run(stream(again .. "/in", { maxFilesPerTrigger = 1 }), again .. "/cp"), 2)
  put(again, "in/h2", "2020-06-01T12:00:00")
  t.same_table(run(stream(again .. "/in", { cleanSource = "delete" }), again .. "/cp"),
    { { epoch = 2, rows = { "h2" } } })
  t.same_table(files_under(again .. "/in"), { "h0" })
  fails(function() stream(other .. "/in", { cleanSource = "archive" }) end,
    "Archive mode must be used with 'sourceArchiveDir' option.")
  fails(function() stream(other .. "/in", { cleanSource = "archive", sourceArchiveDir = other .. "/in/arch" }) end,
    "Base archive path cannot be set to the path where archived path can possibly match with source pattern")
  fails(function() stream(other .. "/in", { cleanSource = "move" }) end,
    "Invalid mode for clean source option move. Must be one of ARCHIVE,DELETE,OFF")
  t.same_table(run(stream(other .. "/in", { cleanSource = "OFF" }), other .. "/cp5"), {})
end)

t.run()
