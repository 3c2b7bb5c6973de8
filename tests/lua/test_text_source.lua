-- The text source and sink (Spark's text format: tide.sources.text, the
-- CSV reader's text mode, tide.sinks.file) and input_file_name() with its
-- block start and length (tide.input_files): the file each row of a
-- csv, json or text read came from, kept through projections, filters,
-- limits and slices, "" after any other operator.
local t = require("testing")
local tide = require("tide")
local files = require("tide.files")
local F = tide.functions
local spark = tide.session()

local write = t.write

local function gzip(path, text)
  write(path .. ".plain", text)
  local out, status = t.sh(("gzip -c %q > %q && rm %q"):format(path .. ".plain", path, path .. ".plain"))
  assert(status == 0, out)
  return path
end

local function uri(path) return "file://" .. files.absolute(path) end

local function values(df)
  local out = {}
  for i, r in ipairs(df:collect()) do out[i] = r.value end
  return out
end

-- ---- reading ---------------------------------------------------------------------

t.test("a row per line: empty lines kept, \\n, \\r\\n and a lone \\r all end one, as Hadoop's reader", function()
  local dir = t.tempdir()
  write(dir .. "/a.txt", "one\n\ntwo\r\nthree\rfour\r\r\nfive")
  local df = spark.read:text(dir .. "/a.txt")
  t.eq(df.schema:simpleString(), "struct<value:string>")
  t.same_table(values(df), { "one", "", "two", "three", "four", "", "five" })
  -- A last line end starts no line; an empty file has none.
  write(dir .. "/b.txt", "x\n\n")
  write(dir .. "/c.txt", "")
  t.same_table(values(spark.read:text(dir .. "/b.txt")), { "x", "" })
  t.same_table(values(spark.read:text(dir .. "/c.txt")), {})
  -- Lines are taken as they are: separators, quotes, blanks, UTF-8.
  write(dir .. "/d.txt", ' "a",b \t\n\xC3\xA9t\xC3\xA9\x1F;\n')
  t.same_table(values(spark.read:text(dir .. "/d.txt")), { ' "a",b \t', "\xC3\xA9t\xC3\xA9\x1F;" })
end)

t.test("lineSep: one separator, of any length, and nothing else ends a line", function()
  local dir = t.tempdir()
  write(dir .. "/a.txt", "x;y;;z\n;")
  t.same_table(values(spark.read:text(dir .. "/a.txt", { lineSep = ";" })), { "x", "y", "", "z\n" })
  write(dir .. "/b.txt", "a<>b<<>>c<")
  t.same_table(values(spark.read:format("text"):option("lineSep", "<>"):load(dir .. "/b.txt")),
    { "a", "b<", ">c<" })
  write(dir .. "/c.txt", "a\r\nb\rc\n")
  t.same_table(values(spark.read:text(dir .. "/c.txt", { lineSep = "\r\n" })), { "a", "b\rc\n" })
  t.raises(function() spark.read:text(dir .. "/a.txt", { lineSep = "" }) end, "'lineSep' cannot be an empty string")
end)

t.test("lines longer than the reader's buffer, and a separator across its end", function()
  local dir = t.tempdir()
  local long = ("0123456789"):rep(60000) -- 600 KB, past the 256 KB buffer
  write(dir .. "/a.txt", long .. "\n\n" .. long .. "\r")
  local got = values(spark.read:text(dir .. "/a.txt"))
  t.eq(#got, 3)
  t.ok(got[1] == long and got[2] == "" and got[3] == long, "the long lines whole")
  -- A two-byte separator at every offset around 256 KB.
  local parts, text = {}, {}
  local size = 0
  for i = 1, 40000 do
    parts[i] = ("r%d"):format(i)
    text[#text + 1] = parts[i] .. "##"
    size = size + #parts[i] + 2
  end
  t.ok(size > 256 * 1024, "past the buffer")
  write(dir .. "/b.txt", table.concat(text))
  t.same_table(values(spark.read:text(dir .. "/b.txt", { lineSep = "##" })), parts)
end)

t.test("wholetext: a row per file, its text as it is; gzip read transparently", function()
  local dir = t.tempdir()
  write(dir .. "/a.txt", "one\r\n\ntwo")
  write(dir .. "/b.txt", "")
  gzip(dir .. "/c.txt.gz", "zipped\nlines\n")
  t.same_table(values(spark.read:text(dir, { wholetext = true })), { "one\r\n\ntwo", "zipped\nlines\n" })
  t.same_table(values(spark.read:text(dir)), { "one", "", "two", "zipped", "lines" })
  t.raises(function() spark.read:text(dir, { wholetext = "yes" }) end, "wholetext must be true or false")
  -- a byte-order mark: no part of a line, but of a whole file's text (Spark's readers of each)
  local bom = t.tempdir()
  write(bom .. "/m.txt", "\xEF\xBB\xBFhello\nworld\n")
  t.same_table(values(spark.read:text(bom)), { "hello", "world" })
  t.same_table(values(spark.read:text(bom, { wholetext = true })), { "\xEF\xBB\xBFhello\nworld\n" })
end)

t.test("paths: a list of them, globs, a user's one string column; errors as Spark's", function()
  local dir = t.tempdir()
  write(dir .. "/a.txt", "a1\na2\n")
  write(dir .. "/b.log", "b1\n")
  t.same_table(values(spark.read:text({ dir .. "/b.log", dir .. "/a.txt" })), { "b1", "a1", "a2" })
  t.same_table(values(spark.read:text(dir .. "/*.txt")), { "a1", "a2" })
  local named = spark.read:schema("line string"):text(dir .. "/a.txt")
  t.same_table(named.columns, { "line" })
  t.same_table(t.rows(named), { "a1", "a2" })
  t.raises(function() spark.read:schema("a string, b string"):text(dir) end, "only a single column")
  t.raises(function() spark.read:schema("a int"):text(dir) end, "only a string column")
  t.raises(function() spark.read:text(dir .. "/none") end, "does not exist")
  t.raises(function() spark.read:text(dir, { encoding = "latin1" }) end, "not supported")
  -- Files are listed again at each action.
  local df = spark.read:text(dir .. "/*.txt")
  write(dir .. "/c.txt", "c1")
  t.eq(df:count(), 3)
end)

-- ---- writing ---------------------------------------------------------------------

t.test("df.write:text: a line per row (null: empty), lineSep, modes; one string column required", function()
  local dir = t.tempdir() .. "/out"
  local df = spark:createDataFrame({ { "a" }, { "" }, { nil }, { "b,c" } }, "v string")
  t.eq(df.write:text(dir), 4)
  local parts = {}
  for _, name in ipairs(files.list(dir)) do
    if name:match("^part%-.*%.txt$") then parts[#parts + 1] = name end
  end
  t.eq(#parts, 1)
  t.eq(t.read(dir .. "/" .. parts[1]), "a\n\n\nb,c\n")
  t.ok(files.stat(dir .. "/_SUCCESS") ~= nil, "_SUCCESS")
  t.same_table(values(spark.read:text(dir)), { "a", "", "", "b,c" })
  t.raises(function() df.write:text(dir) end, "PATH_ALREADY_EXISTS")
  df.write:text(dir, { mode = "overwrite", lineSep = "|" })
  t.same_table(values(spark.read:text(dir, { lineSep = "|" })), { "a", "", "", "b,c" })
  df.write:mode("append"):format("text"):save(dir)
  t.eq(spark.read:text(dir):count(), 5, "the appended part's 4 lines and the |-joined one")

  local two = spark:createDataFrame({ { "a", "b" } }, "x string, y string")
  t.raises(function() two.write:text(t.tempdir() .. "/o") end,
    "Text data source supports only a single column, and you have 2 columns.")
  local num = spark:createDataFrame({ { "a", 1 } }, "x string, n int")
  t.raises(function() num.write:text(t.tempdir() .. "/o") end,
    "%[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE%] The Text datasource doesn't support the column `n` of the type \"INT\".")
  t.raises(function() df.write:text(t.tempdir() .. "/o", { compression = "gzip" }) end, "not supported")
end)

t.test("the text sink writes an epoch's rows to part-<epoch>-<query id>.txt", function()
  local dir = t.tempdir()
  local df = spark:createDataFrame({ { "x" }, { nil }, { "y" } }, "value string")
  local sink = require("tide.sinks.text").new({ opts = { path = dir, linesep = "\r\n" } }, df.schema, { id = "q1" })
  t.eq(sink:addBatch(3, df:toBatch()), 3)
  t.eq(t.read(dir .. "/part-00003-q1.txt"), "x\r\n\r\ny\r\n")
  local text_sink = require("tide.sinks.text")
  t.raises(function() text_sink.new({ opts = { path = dir } }, spark:range(1).schema, { id = "q" }) end,
    "doesn't support the column `id` of the type \"BIGINT\"")
  -- as a query's sink: writeStream:format("text")
  local input, out = t.tempdir(), t.tempdir()
  write(input .. "/1.txt", "a\nb\n")
  local q = spark.readStream:text(input).writeStream:format("text"):option("path", out)
    :option("checkpointLocation", t.tempdir() .. "/cp"):trigger { availableNow = true }:start()
  q:awaitTermination()
  local files = t.sh("cat " .. out .. "/part-00000-*.txt")
  t.eq(files, "a\nb\n")
end)

-- ---- streaming -------------------------------------------------------------------

t.test("readStream:text: new files become batches, no schema needed; input_file_name() per file", function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  write(dir .. "/a.txt", "a1\n\na2\n")
  local name = t.unique("text_stream")
  local q = spark.readStream:text(dir):select("value", F.input_file_name():alias("file"))
    .writeStream:format("memory"):queryName(name):option("checkpointLocation", cp):start()
  q:processAllAvailable()
  write(dir .. "/.b.tmp", "b1\rb2")
  os.rename(dir .. "/.b.tmp", dir .. "/b.txt")
  write(dir .. "/.c.tmp", "c1\n")
  os.rename(dir .. "/.c.tmp", dir .. "/c.txt")
  q:processAllAvailable()
  q:stop()
  local got = t.rows(spark:table(name):orderBy("file", "value"))
  t.same_table(got, { "|" .. uri(dir .. "/a.txt"), "a1|" .. uri(dir .. "/a.txt"), "a2|" .. uri(dir .. "/a.txt"),
    "b1|" .. uri(dir .. "/b.txt"), "b2|" .. uri(dir .. "/b.txt"), "c1|" .. uri(dir .. "/c.txt") })
  t.raises(function() spark.readStream:text(dir, { wholetext = 1 }) end, "wholetext must be true or false")
end)

-- ---- input_file_name() -----------------------------------------------------------

local function csv_dir()
  local dir = t.tempdir()
  write(dir .. "/a.csv", "x\n1\n2\n3\n")
  write(dir .. "/b.csv", "x\n4\n5\n")
  write(dir .. "/c.csv", "x\n6\n")
  return dir
end

t.test("input_file_name(): each row's own file, in a batch read of several files", function()
  local dir = csv_dir()
  local a, b, c = uri(dir .. "/a.csv"), uri(dir .. "/b.csv"), uri(dir .. "/c.csv")
  local df = spark.read:option("header", true):csv(dir)
  t.same_table(t.rows(df:select("x", F.input_file_name(), F.input_file_block_start(), F.input_file_block_length())), {
    "1|" .. a .. "|0|8", "2|" .. a .. "|0|8", "3|" .. a .. "|0|8", "4|" .. b .. "|0|6", "5|" .. b .. "|0|6",
    "6|" .. c .. "|0|4" })
  t.same_table(df:select(F.input_file_name()).columns, { "input_file_name()" })
  -- withColumn, selectExpr, SQL, a filter before and after, a filter on the file.
  t.same_table(t.rows(df:withColumn("f", F.input_file_name()):filter("x % 2 = 0"):select("x", "f")),
    { "2|" .. a, "4|" .. b, "6|" .. c })
  t.same_table(t.rows(df:filter("x > 2"):selectExpr("x", "input_file_name() AS f")),
    { "3|" .. a, "4|" .. b, "5|" .. b, "6|" .. c })
  t.same_table(t.rows(df:filter(F.input_file_name():endswith("b.csv"))), { "4", "5" })
  df:createOrReplaceTempView("input_files_view")
  t.same_table(t.rows(spark:sql(
    "SELECT x, input_file_name() AS f FROM input_files_view WHERE x IN (1, 6)")), { "1|" .. a, "6|" .. c })
  -- json and text alike.
  write(dir .. "/d.json", '{"v":1}\n\n{"v":2}\n')
  write(dir .. "/e.json", '{"v":3}\n')
  t.same_table(t.rows(spark.read:json(dir .. "/*.json"):select("v", F.input_file_name())),
    { "1|" .. uri(dir .. "/d.json"), "2|" .. uri(dir .. "/d.json"), "3|" .. uri(dir .. "/e.json") })
  t.same_table(t.rows(spark.read:text(dir .. "/[ab].csv"):select(F.input_file_name()):distinct():orderBy(
    "input_file_name()")), { a, b }, "evaluated before the shuffle (distinct)")
  t.same_table(t.rows(spark.read:text(dir .. "/[ab].csv"):distinct():select(F.input_file_name()):distinct()),
    { "" }, "after a shuffle (distinct): no file")
  t.same_table(t.rows(spark.read:text(dir .. "/c.csv"):select("value", F.input_file_name())),
    { "x|" .. c, "6|" .. c })
  -- in a CASE branch that runs over its own rows, after an observe
  local branch = F.when(F.col("x"):gt(4), F.concat(F.input_file_name(), F.expr("substr(uuid(), 1, 0)")))
    :otherwise(F.input_file_name())
  local csvs = spark.read:option("header", true):csv(dir .. "/*.csv")
  t.same_table(t.rows(csvs:observe("seen", F.count(F.lit(1)):alias("n")):select("x", branch:alias("f"))),
    { "1|" .. a, "2|" .. a, "3|" .. a, "4|" .. b, "5|" .. b, "6|" .. c })
end)

t.test("input_file_name(): a limit keeps its first rows' files; other operators give \"\" after them", function()
  local dir = csv_dir()
  local a, b = uri(dir .. "/a.csv"), uri(dir .. "/b.csv")
  local df = spark.read:option("header", true):csv(dir)
  t.same_table(t.rows(df:limit(4):select("x", F.input_file_name())), { "1|" .. a, "2|" .. a, "3|" .. a, "4|" .. b })
  t.same_table(t.rows(df:filter("x > 1"):limit(3):withColumn("f", F.input_file_name())),
    { "2|" .. a, "3|" .. a, "4|" .. b })
  -- a union's rows keep each side's files (a side of no file: "")
  local c = uri(dir .. "/c.csv")
  t.same_table(t.rows(df:filter("x = 1"):union(df:filter("x = 6")):select("x", F.input_file_name())),
    { "1|" .. a, "6|" .. c })
  t.same_table(t.rows(df:filter("x = 1"):union(spark:createDataFrame({ { "9" } }, "x string"))
    :select("x", F.input_file_name(), F.input_file_block_length())), { "1|" .. a .. "|8", "9||-1" })
  -- after an aggregate, a join, a sort: ""
  t.same_table(t.rows(df:groupBy():count():select("count", F.input_file_name(), F.input_file_block_length())),
    { "6||-1" })
  local other = spark:createDataFrame({ { "1", "p" }, { "5", "q" } }, "x string, tag string")
  t.same_table(t.rows(df:join(other, "x"):select("x", "tag", F.input_file_name()):orderBy("x")), { "1|p|", "5|q|" })
  t.same_table(t.rows(df:orderBy(F.col("x"):desc()):limit(1):select("x", F.input_file_name())), { "6|" })
  -- evaluated over the scan, in the aggregate itself: each file's rows
  t.same_table(t.rows(df:groupBy(F.input_file_name():alias("f")):count():orderBy("f")),
    { a .. "|3", b .. "|2", uri(dir .. "/c.csv") .. "|1" })
  -- no file at all
  t.same_table(t.rows(spark:range(2):select(F.input_file_name(), F.input_file_block_start())), { "|-1", "|-1" })
end)

t.test("input_file_name() over sliced execution: the runs shift with each slice", function()
  local dir = t.tempdir()
  local want = {}
  for k, n in ipairs({ 2500, 10, 0, 4321 }) do
    local lines = { "x" }
    for i = 1, n do
      local x = k * 100000 + i
      lines[#lines + 1] = tostring(x)
      if x % 7 == 0 then want[#want + 1] = ("%d|%s"):format(x, uri(("%s/f%d.csv"):format(dir, k))) end
    end
    write(("%s/f%d.csv"):format(dir, k), table.concat(lines, "\n") .. "\n")
  end
  spark.conf:set("spark.tide.sliceRows", 333)
  local ok, err = pcall(function()
    local df = spark.read:option("header", true):schema("x int"):csv(dir)
    t.same_table(t.rows(df:withColumn("f", F.input_file_name()):filter("x % 7 = 0")), want)
    t.same_table(t.rows(df:filter("x % 7 = 0"):select("x", F.input_file_name())), want)
    local firsts = t.rows(df:limit(2505):select("x", F.input_file_name()))
    t.eq(#firsts, 2505)
    t.eq(firsts[2501], "200001|" .. uri(dir .. "/f2.csv"))
    t.eq(firsts[2500], "102500|" .. uri(dir .. "/f1.csv"))
  end)
  spark.conf:set("spark.tide.sliceRows", 0)
  if not ok then error(err, 0) end
end)

t.test("input_file_name() in a file stream: files added between batches, each row its own file", function()
  local dir, cp = t.tempdir(), t.tempdir() .. "/cp"
  write(dir .. "/a.json", '{"v":1}\n{"v":2}\n')
  local name = t.unique("file_stream_files")
  local q = spark.readStream:schema("v int"):json(dir)
    :filter("v != 2")
    :select("v", F.input_file_name():alias("f"), F.input_file_block_length():alias("n"))
    .writeStream:format("memory"):queryName(name):option("checkpointLocation", cp):start()
  q:processAllAvailable()
  write(dir .. "/.t", '{"v":3}\n')
  os.rename(dir .. "/.t", dir .. "/b.json")
  write(dir .. "/.t", '{"v":4}\n{"v":5}\n')
  os.rename(dir .. "/.t", dir .. "/c.json")
  q:processAllAvailable()
  q:stop()
  t.same_table(t.rows(spark:table(name):orderBy("v")), { "1|" .. uri(dir .. "/a.json") .. "|16",
    "3|" .. uri(dir .. "/b.json") .. "|8", "4|" .. uri(dir .. "/c.json") .. "|16",
    "5|" .. uri(dir .. "/c.json") .. "|16" })
end)

t.test("a file's URI as Spark's: absolute, escaped", function()
  local base = files.absolute(t.tempdir())
  local dir = base .. "/a b%"
  os.execute(("mkdir -p %q"):format(dir))
  write(dir .. "/x#1.txt", "l\n")
  t.same_table(t.rows(spark.read:text(dir .. "/"):select(F.input_file_name())),
    { "file://" .. base .. "/a%20b%25/x%231.txt" })
end)

t.run()
