-- Partitioned directories (Spark's partitionBy and partition discovery):
-- df.write:partitionBy and writeStream:partitionBy for csv, json and text
-- (directory names escaped, nulls as __HIVE_DEFAULT_PARTITION__, Spark's
-- errors and save modes, a restarted stream writing each row once), and
-- reading them back: partition columns typed as Spark infers them, a
-- user's schema, basePath, inconsistent layouts, input_file_name(), and
-- the file stream source.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()
local has = t.has

-- The files under dir (relative paths, sorted), directories left out.
local function tree(dir)
  local out = {}
  for line in t.sh(("cd '%s' && find . -type f | LC_ALL=C sort"):format(dir)):gmatch("[^\n]+") do
    out[#out + 1] = line:gsub("^%./", "")
  end
  return out
end

-- The files under dir with the uuid of part files replaced by U.
local function layout(dir)
  local out = {}
  for i, p in ipairs(tree(dir)) do out[i] = p:gsub("part%-(%d+)%-[%x%-]+%.", "part-%1-U.") end
  return table.concat(out, "\n")
end

-- The one file under dir/sub.
local function only_file(dir, sub)
  local found = {}
  for _, p in ipairs(tree(dir)) do
    if p:sub(1, #sub + 1) == sub .. "/" and not p:find("/_", 1, true) then found[#found + 1] = p end
  end
  t.eq(#found, 1, "files in " .. sub)
  return t.read(dir .. "/" .. found[1])
end

local dir_of = t.dir_of

local function schema_of(df)
  local parts = {}
  for i, f in ipairs(df.schema.fields) do parts[i] = f.name .. " " .. f.dataType:simpleString() end
  return table.concat(parts, ", ")
end

local PEOPLE = { { 1, "a", "x/y", 10 }, { 2, "b", nil, 20 }, { 3, "a", "x/y", 30 }, { 4, "c", "", 40 },
  { 5, "a", "z", 50 } }

-- ---- writing --------------------------------------------------------------------------

t.test("df.write:partitionBy writes a directory per value, the files without the partition columns", function()
  local out = t.tempdir() .. "/out"
  local df = spark:createDataFrame(PEOPLE, "id int, k string, d string, n bigint")
  t.eq(df.write:partitionBy("k", "d"):csv(out, { header = true }), 5)
  -- "/" escaped as Spark's escapePathName; null and "" are the default partition
  t.eq(layout(out), table.concat({
    "_SUCCESS",
    "k=a/d=x%2Fy/part-00000-U.csv",
    "k=a/d=z/part-00000-U.csv",
    "k=b/d=__HIVE_DEFAULT_PARTITION__/part-00000-U.csv",
    "k=c/d=__HIVE_DEFAULT_PARTITION__/part-00000-U.csv" }, "\n"))
  t.eq(only_file(out, "k=a/d=x%2Fy"), "id,n\n1,10\n3,30\n")
  t.eq(only_file(out, "k=c/d=__HIVE_DEFAULT_PARTITION__"), "id,n\n4,40\n")
  -- read back: the files' columns, then the partition columns, typed
  local back = spark.read:csv(out, { header = true, inferSchema = true }):orderBy("id")
  t.eq(schema_of(back), "id int, n int, k string, d string")
  t.same_table(t.rows(back), { "1|10|a|x/y", "2|20|b|null", "3|30|a|x/y", "4|40|c|null", "5|50|a|z" })
end)

t.test("partitionBy takes a list, names any case, and json and text formats", function()
  local base = t.tempdir()
  local df = spark:createDataFrame({ { "one", 1, "2024-01-02" }, { "two", 2, "2024-01-02" }, { "three", 1, nil } },
    "s string, K int, day string"):withColumn("day", F.col("day"):cast("date"))
  df.write:partitionBy({ "k", "DAY" }):json(base .. "/j")
  t.eq(layout(base .. "/j"), table.concat({ "K=1/day=2024-01-02/part-00000-U.json",
    "K=1/day=__HIVE_DEFAULT_PARTITION__/part-00000-U.json", "K=2/day=2024-01-02/part-00000-U.json", "_SUCCESS" }, "\n"))
  t.eq(only_file(base .. "/j", "K=1/day=2024-01-02"), '{"s":"one"}\n')
  local back = spark.read:json(base .. "/j"):orderBy("s")
  t.eq(schema_of(back), "s string, K int, day date")
  t.same_table(t.rows(back), { "one|1|2024-01-02", "three|1|null", "two|2|2024-01-02" })

  df.write:partitionBy("K", "day"):text(base .. "/t")
  t.eq(only_file(base .. "/t", "K=2/day=2024-01-02"), "two\n")
  local text = spark.read:text(base .. "/t"):orderBy("value")
  t.eq(schema_of(text), "value string, K int, day date")
  t.same_table(t.rows(text), { "one|1|2024-01-02", "three|1|null", "two|2|2024-01-02" })
end)

t.test("partition values are Spark's text of the value, escaped; they read back unescaped", function()
  local out = t.tempdir() .. "/out"
  local values = { "a b", "c:d", "e=f", "g%h", "i#j?k*", "l\\m", "n'o\"p", "q[r]{s}^", "été", "tab\there" }
  local rows = {}
  for i, v in ipairs(values) do rows[i] = { i, v } end
  spark:createDataFrame(rows, "id int, key string").write:partitionBy("key"):csv(out)
  local dirs = {}
  for i, p in ipairs(tree(out)) do dirs[i] = p:match("^[^/]*") end
  table.sort(dirs)
  t.same_table(dirs, { "_SUCCESS", "key=a b", "key=c%3Ad", "key=e%3Df", "key=g%25h", "key=i%23j%3Fk%2A",
    "key=l%5Cm", "key=n%27o%22p", "key=q%5Br%5D%7Bs}%5E", "key=tab%09here", "key=été" })
  local back = spark.read:schema("id int"):csv(out):orderBy("id")
  t.eq(schema_of(back), "id int, key string")
  local keys = {}
  for i, row in ipairs(back:collect()) do keys[i] = row.key end
  t.same_table(keys, values)
  -- a column name is escaped too
  local out2 = t.tempdir() .. "/out"
  spark:createDataFrame({ { 1, 2 } }, "id int, `a=b` int").write:partitionBy("a=b"):csv(out2)
  t.eq(layout(out2), "_SUCCESS\na%3Db=2/part-00000-U.csv")
  t.eq(schema_of(spark.read:csv(out2)), "_c0 string, a=b int")
end)

t.test("dates, timestamps, numbers and booleans as partition values, and the types they read back as", function()
  local out = t.tempdir() .. "/out"
  spark.conf:set("spark.sql.session.timeZone", "UTC")
  local df = spark:sql([[SELECT 1 AS id, DATE'2024-03-01' AS d, TIMESTAMP'2024-03-01 10:20:30' AS ts,
    TIMESTAMP'2024-03-01 10:20:30.125' AS ms, 1.5D AS x, 12345678901L AS big, true AS b,
    CAST(3.50 AS DECIMAL(5,2)) AS m]])
  df.write:partitionBy("d", "ts", "ms", "x", "big", "b", "m"):csv(out)
  t.eq(layout(out), "_SUCCESS\nd=2024-03-01/ts=2024-03-01 10%3A20%3A30/ms=2024-03-01 10%3A20%3A30.125/x=1.5/"
    .. "big=12345678901/b=true/m=3.50/part-00000-U.csv")
  local back = spark.read:csv(out)
  -- As Spark infers: a timestamp with more than one digit of fraction is a
  -- string (the pattern is yyyy-MM-dd HH:mm:ss[.S]), a boolean too; a
  -- decimal with a fraction is a double.
  t.eq(schema_of(back), "_c0 string, d date, ts timestamp, ms string, x double, big bigint, b string, m double")
  t.same_table(t.rows(back), { "1|2024-03-01|2024-03-01 10:20:30|2024-03-01 10:20:30.125|1.5|12345678901|true|3.5" })
  spark.conf:unset("spark.sql.session.timeZone")
end)

t.test("partitionBy fails as Spark's does, at the caller's line", function()
  local df = spark:createDataFrame({ { 1, "a" } }, "id int, k string")
  local out = t.tempdir() .. "/out"
  t.raises_at_caller({
    { function() df.write:partitionBy("x"):csv(out) end,
      "Partition column `x` not found in schema struct<id:int,k:string>" },
    { function() df.write:partitionBy("k", "id"):csv(out) end,
      "[ALL_PARTITION_COLUMNS_NOT_ALLOWED] Cannot use all columns for partition columns." },
    { function() df.write:partitionBy("k", "K"):csv(out) end,
      "[COLUMN_ALREADY_EXISTS] The column `k` already exists." },
    { function() df:withColumn("a", F.array("id")).write:partitionBy("a"):json(out) end,
      "Cannot use array<int> for partition column" },
    { function() df.write:partitionBy("k", 3) end,
      "partitionBy: column 2 must be a column name (a string), not a number" },
    -- text: exactly one string column besides the partition columns
    { function() df.write:partitionBy("k"):text(out) end,
      "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The Text datasource doesn't support the column `id` of the type "
      .. "\"INT\"." },
    { function() df:withColumn("s", F.lit("x")):withColumn("id", F.col("id"):cast("string")).write:partitionBy("k")
      :text(out) end, "Text data source supports only a single column, and you have 2 columns." },
  })
  t.eq(t.sh("ls -A '" .. out .. "' 2>/dev/null"), "", "nothing written")
  -- one string column besides them is a text write
  df:withColumn("id", F.col("id"):cast("string")).write:partitionBy("k"):text(out)
  t.eq(only_file(out, "k=a"), "1\n")
end)

t.test("save modes: errorifexists, ignore, append adds files, overwrite replaces the whole path", function()
  local out = t.tempdir() .. "/out"
  local df = spark:createDataFrame({ { 1, "a" }, { 2, "b" } }, "id int, k string")
  df.write:partitionBy("k"):csv(out)
  has(t.raises(function() df.write:partitionBy("k"):csv(out) end), "[PATH_ALREADY_EXISTS] Path " .. out)
  local _, status = df.write:partitionBy("k"):mode("ignore"):csv(out)
  t.eq(status, "ignored")
  spark:createDataFrame({ { 3, "a" }, { 4, "c" } }, "id int, k string").write:partitionBy("k"):mode("append"):csv(out)
  t.eq(layout(out), table.concat({ "_SUCCESS", "k=a/part-00000-U.csv", "k=a/part-00000-U.csv", "k=b/part-00000-U.csv",
    "k=c/part-00000-U.csv" }, "\n"))
  t.same_table(t.rows(spark.read:schema("id int"):csv(out):orderBy("id")), { "1|a", "2|b", "3|a", "4|c" })
  spark:createDataFrame({ { 5, "z" } }, "id int, k string").write:partitionBy("k"):mode("overwrite"):csv(out)
  t.eq(layout(out), "_SUCCESS\nk=z/part-00000-U.csv")
  t.same_table(t.rows(spark.read:schema("id int"):csv(out)), { "5|z" })
  -- an empty DataFrame writes no partition directory
  spark:createDataFrame({}, "id int, k string").write:partitionBy("k"):mode("overwrite"):csv(out)
  t.eq(layout(out), "_SUCCESS")
end)

-- ---- reading --------------------------------------------------------------------------

t.test("partition discovery infers int, bigint, decimal, double, date, timestamp and string, nulls too", function()
  local dir = dir_of {
    ["i=1/l=5000000000/dc=12345678901234567890/db=1.5/dt=2024-01-02/ts=2024-01-02 03%3A04%3A05/s=a%3Db/f.csv"] = "v\n",
    ["i=2/l=7/dc=-3/db=2/dt=__HIVE_DEFAULT_PARTITION__/ts=2024-01-02/s=__HIVE_DEFAULT_PARTITION__/f.csv"] = "w\n",
  }
  spark.conf:set("spark.sql.session.timeZone", "UTC")
  local df = spark.read:csv(dir):orderBy("_c0")
  t.eq(schema_of(df), "_c0 string, i int, l bigint, dc decimal(20,0), db double, dt date, ts timestamp, s string")
  t.same_table(t.rows(df), { "v|1|5000000000|12345678901234567890|1.5|2024-01-02|2024-01-02 03:04:05|a=b",
    "w|2|7|-3|2.0|null|2024-01-02 00:00:00|null" })
  -- types that meet: int and double make a double, a bigint and a double a
  -- string (no precision lost), an invalid date a string
  local mixed = dir_of { ["a=1/b=1/c=2024-02-30/f.csv"] = "1\n", ["a=2.5/b=1.5/c=2024-02-28/f.csv"] = "2\n",
    ["a=3/b=9000000000/c=x/f.csv"] = "3\n" }
  local m = spark.read:csv(mixed):orderBy("_c0")
  t.eq(schema_of(m), "_c0 string, a double, b string, c string")
  t.same_table(t.rows(m), { "1|1.0|1|2024-02-30", "2|2.5|1.5|2024-02-28", "3|3.0|9000000000|x" })
  -- without type inference every partition column is a string
  spark.conf:set("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
  t.eq(schema_of(spark.read:csv(dir)), "_c0 string, i string, l string, dc string, db string, dt string, "
    .. "ts string, s string")
  spark.conf:unset("spark.sql.sources.partitionColumnTypeInference.enabled")
  spark.conf:unset("spark.sql.session.timeZone")
end)

t.test("a user's schema names partition columns: its types win, the columns come after the files' ones", function()
  local dir = dir_of { ["k=1/d=2024-01-02/f.csv"] = "x,1\n", ["k=02/d=2024-01-03/f.csv"] = "y,2\n" }
  local df = spark.read:schema("k string, s string, n int"):csv(dir):orderBy("s")
  t.eq(schema_of(df), "s string, n int, k string, d date")
  t.same_table(t.rows(df), { "x|1|1|2024-01-02", "y|2|02|2024-01-03" })
  local cased = spark.read:schema("s string, n int, K bigint"):csv(dir)
  t.eq(schema_of(cased), "s string, n int, K bigint, d date")
  has(t.raises(function() spark.read:schema("s string, n int, d int"):csv(dir) end),
    "Failed to cast value `2024-01-03` to `IntegerType` for partition column `d`")
end)

t.test("a file's column of a partition column's name takes its value, where the file has it", function()
  local dir = dir_of { ["k=7/f.csv"] = "id,k\n1,99\n" }
  local df = spark.read:csv(dir, { header = true, inferSchema = true })
  t.eq(schema_of(df), "id int, k int")
  t.same_table(t.rows(df), { "1|7" })
end)

t.test("basePath makes the directories below it partition columns; errors as Spark's", function()
  local dir = dir_of { ["k=1/d=a/f.csv"] = "1\n", ["k=1/d=b/f.csv"] = "2\n", ["k=2/d=a/f.csv"] = "3\n" }
  t.eq(schema_of(spark.read:csv(dir .. "/k=1")), "_c0 string, d string")
  local df = spark.read:option("basePath", dir):csv(dir .. "/k=1"):orderBy("_c0")
  t.eq(schema_of(df), "_c0 string, k int, d string")
  t.same_table(t.rows(df), { "1|1|a", "2|1|b" })
  t.same_table(t.rows(spark.read:option("basePath", dir):csv(dir .. "/k=1/d=b/f.csv")), { "2|1|b" })
  t.same_table(t.rows(spark.read:option("basePath", dir):csv(dir .. "/k=*/d=a"):orderBy("_c0")), { "1|1|a", "3|2|a" })
  t.raises_at_caller({
    { function() spark.read:option("basePath", dir .. "/k=1"):csv(dir) end, "Wrong basePath " .. dir .. "/k=1" },
    { function() spark.read:option("basePath", dir .. "/none"):csv(dir) end,
      "Option 'basePath' must be a directory" },
  })
end)

t.test("inconsistent directory layouts fail as Spark's", function()
  local stray = dir_of { ["k=1/f.csv"] = "1\n", ["other/g.csv"] = "2\n" }
  t.raises_at_caller({
    { function() spark.read:csv(stray) end, "Conflicting directory structures detected. Suspicious paths:" },
    { function() spark.read:csv(dir_of { ["a=1/b=2/f.csv"] = "1\n", ["a=2/g.csv"] = "2\n" }) end,
      "Conflicting partition column names detected:\n\n\tPartition column name list #0: a, b\n\t"
      .. "Partition column name list #1: a" },
    { function() spark.read:csv(dir_of { ["=1/f.csv"] = "1\n" }) end, "Empty partition column name in '=1'" },
  })
  has(t.raises(function() spark.read:csv(stray) end), "please set \"basePath\"")
  -- files beside the partition directories are not read, as in Spark
  local beside = dir_of { ["k=1/f.csv"] = "1\n", ["root.csv"] = "2\n", ["_hidden/x.csv"] = "3\n" }
  t.same_table(t.rows(spark.read:csv(beside)), { "1|1" })
  -- subdirectories that name no column leave a directory unpartitioned
  t.same_table(t.rows(spark.read:csv(dir_of { ["a.csv"] = "1\n", ["sub/b.csv"] = "2\n" })), { "1" })
end)

t.test("input_file_name() gives each row its file; inputFiles lists them", function()
  local dir = dir_of { ["k=1/a.csv"] = "1\n2\n", ["k=1/b.csv"] = "3\n", ["k=2/c.csv"] = "4\n",
    ["k=3/empty.csv"] = "", ["k=4/d.csv"] = "5\n" }
  local df = spark.read:schema("n int"):csv(dir)
  local got = {}
  for _, row in ipairs(df:select("n", "k", F.input_file_name():alias("f")):collect()) do
    got[#got + 1] = ("%d %d %s"):format(row.n, row.k, row.f:match("k=%d/[^/]*$"))
  end
  t.same_table(got, { "1 1 k=1/a.csv", "2 1 k=1/a.csv", "3 1 k=1/b.csv", "4 2 k=2/c.csv", "5 4 k=4/d.csv" })
  local listed = df:inputFiles()
  t.eq(#listed, 5)
  t.ok(listed[1]:match("^file:.*/k=1/a%.csv$"), listed[1])
  -- a filter on a partition column (its directories pruned) keeps each row's file
  local filtered = df:filter(F.col("k"):ge(2)):select("n", F.input_file_name():alias("f")):collect()
  t.eq(#filtered, 2)
  t.ok(filtered[1].f:match("k=2/c%.csv$"), filtered[1].f)
  t.ok(filtered[2].f:match("k=4/d%.csv$"), filtered[2].f)
  -- so do sample and randomSplit: every row drawn keeps its own file (n tells which)
  local function files_of(rows)
    local out = {}
    for _, row in ipairs(rows) do out[#out + 1] = ("%d %s"):format(row.n, row.f:match("k=%d/[^/]*$")) end
    return out
  end
  local expected = { ["1"] = "k=1/a.csv", ["2"] = "k=1/a.csv", ["3"] = "k=1/b.csv", ["4"] = "k=2/c.csv",
    ["5"] = "k=4/d.csv" }
  local sampled = files_of(df:sample(0.6, 11):select("n", F.input_file_name():alias("f")):collect())
  t.ok(#sampled > 0 and #sampled < 5, "a sample: " .. #sampled .. " rows")
  for _, line in ipairs(sampled) do t.eq(line, line:match("^%d") .. " " .. expected[line:match("^%d")]) end
  local a, b = unpack(df:randomSplit({ 0.5, 0.5 }, 3))
  local split = files_of(a:union(b):select("n", F.input_file_name():alias("f")):orderBy("n"):collect())
  t.same_table(split, { "1 k=1/a.csv", "2 k=1/a.csv", "3 k=1/b.csv", "4 k=2/c.csv", "5 k=4/d.csv" })
end)

t.test("json and text reads of partitioned directories", function()
  local dir = dir_of { ["day=2024-01-01/a.json"] = '{"id":1,"day":"x"}\n{"id":2}\n', ["day=2024-01-02/b.json"] =
    '{"id":3}\n' }
  local j = spark.read:json(dir):orderBy("id")
  t.eq(schema_of(j), "day date, id bigint")
  t.same_table(t.rows(j), { "2024-01-01|1", "2024-01-01|2", "2024-01-02|3" })
  local typed = spark.read:schema("id int"):json(dir):orderBy("id")
  t.eq(schema_of(typed), "id int, day date")
  local txt = spark.read:text(dir_of { ["p=x/a.txt"] = "one\ntwo\n", ["p=y/b.txt"] = "three\n" }):orderBy("value")
  t.eq(schema_of(txt), "value string, p string")
  t.same_table(t.rows(txt), { "one|x", "three|y", "two|x" })
  local whole = spark.read:text(dir_of { ["p=x/a.txt"] = "one\ntwo\n" }, { wholetext = true })
  t.same_table(t.rows(whole), { "one\ntwo\n|x" })
end)

-- ---- partition pruning ----------------------------------------------------------------

local CORRUPT_GZIP = t.CORRUPT_GZIP

-- The plan explain() prints.
local function plan_of(df) return require("tide.dataframe_explain").text(df, "simple") end

-- The files of a DataFrame's rows (input_file_name()), their directory and name.
local function files_read(df)
  local seen, out = {}, {}
  for _, row in ipairs(df:select(F.input_file_name():alias("f")):collect()) do
    local f = row.f:match("[^/]*/[^/]*$")
    if not seen[f] then
      seen[f] = true
      out[#out + 1] = f
    end
  end
  table.sort(out)
  return out
end

t.test("a filter on partition columns never opens the directories it cannot keep", function()
  local dir = dir_of { ["k=1/a.csv"] = "1,x\n2,y\n", ["k=1/b.csv"] = "3,x\n", ["k=2/c.csv"] = "4,z\n",
    ["k=3/bad.csv.gz"] = CORRUPT_GZIP, ["k=__HIVE_DEFAULT_PARTITION__/d.csv"] = "5,x\n" }
  local df = spark.read:schema("n int, s string"):csv(dir)
  -- the file of k=3 fails a read that opens it
  has(t.raises(function() df:collect() end), "bad.csv.gz")
  has(t.raises(function() df:filter("k = 3"):collect() end), "bad.csv.gz")
  local function rows_of(cond) return t.rows(df:filter(cond):orderBy("n")) end
  t.same_table(rows_of("k = 1"), { "1|x|1", "2|y|1", "3|x|1" })
  t.same_table(rows_of(F.col("k"):isin(1, 2)), { "1|x|1", "2|y|1", "3|x|1", "4|z|2" })
  t.same_table(rows_of("k < 3 AND s = 'x'"), { "1|x|1", "3|x|1" }, "the data conjunct filters the rows")
  t.same_table(rows_of("k IS NULL"), { "5|x|null" })
  t.same_table(rows_of("k != 3"), { "1|x|1", "2|y|1", "3|x|1", "4|z|2" }, "k = NULL is not true")
  t.same_table(rows_of("(k = 1 AND n > 2) OR (k = 2 AND n > 0)"), { "3|x|1", "4|z|2" })
  t.same_table(rows_of("k = 1 OR k IS NULL"), { "1|x|1", "2|y|1", "3|x|1", "5|x|null" })
  t.same_table(t.rows(df:filter(df.k:eq(2))), { "4|z|2" }, "a column of the DataFrame")
  -- through projections: a renamed or computed partition column
  t.same_table(t.rows(df:select("n", F.col("k"):alias("key")):filter("key = 2")), { "4|2" })
  t.same_table(t.rows(df:withColumn("k2", F.col("k") * 10):filter("k2 = 20"):select("n")), { "4" })
  -- SQL over a view
  df:createOrReplaceTempView("pruned_view")
  t.same_table(t.rows(spark:sql("SELECT n, k FROM pruned_view WHERE k = 2 AND n > 0")), { "4|2" })
  t.same_table(t.rows(spark:sql("SELECT n FROM pruned_view WHERE k IN (1, 2) AND s = 'z'")), { "4" })
  -- the files read, as input_file_name() gives them
  t.same_table(files_read(df:filter("k = 1")), { "k=1/a.csv", "k=1/b.csv" })
  t.same_table(files_read(df:filter("k IS NULL OR k = 2")), { "k=2/c.csv", "k=__HIVE_DEFAULT_PARTITION__/d.csv" })
  -- explain: the partition filters on the scan, and what a read reads
  local plan = plan_of(df:filter("k = 1 AND n > 0"))
  has(plan, "Filter ((k = 1) AND (n > 0))\n+- FileScan csv [" .. dir .. "] [n, s, k], "
    .. "PartitionFilters: [(k = 1)], PartitionsRead: 1 of 4, FilesRead: 2 of 5\n")
  has(plan_of(spark:sql("SELECT * FROM pruned_view WHERE k IS NULL OR k > 1")),
    "PartitionFilters: [((k IS NULL) OR (k > 1))], PartitionsRead: 3 of 4, FilesRead: 3 of 5")
  has(plan_of(df:filter("(k = 1 AND n > 2) OR (k = 2 AND n > 0)")),
    "PartitionFilters: [((k = 1) OR (k = 2))], PartitionsRead: 2 of 4")
  -- a filter that keeps no directory reads none
  t.same_table(t.rows(df:filter("k = 7")), {})
  has(plan_of(df:filter("k = 7")), "PartitionsRead: 0 of 4, FilesRead: 0 of 5")
  t.ok(not plan_of(df:filter("n > 0")):find("PartitionFilters", 1, true), "no partition filter")
end)

t.test("conditions that are not the partition columns' alone, or not deterministic, read every directory", function()
  local dir = dir_of { ["k=1/a.csv"] = "1\n2\n", ["k=2/bad.csv.gz"] = CORRUPT_GZIP }
  local df = spark.read:schema("n int"):csv(dir)
  t.same_table(t.rows(df:filter("k = 1")), { "1|1", "2|1" })
  local every = {
    "k = n",                                -- a partition and a data column in one conjunct
    "k = 1 OR n > 5",                       -- an OR whose side names a data column alone
    "NOT (k = 2 AND n > 5)",
    "k = 1 AND rand(1) < 2",                -- rand() in the filter: it must see every row
    "k = 1 AND monotonically_increasing_id() >= 0",
  }
  for _, cond in ipairs(every) do
    has(t.raises(function() df:filter(cond):collect() end), "bad.csv.gz")
    t.ok(not plan_of(df:filter(cond)):find("PartitionFilters", 1, true), cond)
  end
  -- a projection below the filter that must see every row
  has(t.raises(function() df:withColumn("r", F.rand(3)):filter("k = 1"):collect() end), "bad.csv.gz")
  has(t.raises(function() df:withColumn("id", F.monotonically_increasing_id()):filter("k = 1"):collect() end),
    "bad.csv.gz")
  local udf = F.udf(function(n, out, x) for i = 0, n - 1 do out:values()[i] = x:values()[i] end end, "int")
  has(t.raises(function() df:withColumn("u", udf("n")):filter("k = 1"):collect() end), "bad.csv.gz")
  -- a sample below it: the rows it keeps depend on the rows it sees
  has(t.raises(function() df:sample(0.99, 1):filter("k = 1"):collect() end), "bad.csv.gz")
  -- a filter above a deterministic one prunes; input_file_name(), each
  -- row's own, stays in the rows' filter
  t.same_table(t.rows(df:filter("n > 0"):filter("k = 1"):orderBy("n")), { "1|1", "2|1" })
  t.same_table(t.rows(df:filter("k = 1 AND input_file_name() LIKE '%/k=1/a.csv'")), { "1|1", "2|1" })
  has(plan_of(df:filter("k = 1 AND input_file_name() != ''")), "PartitionFilters: [(k = 1)]")
end)

t.test("json and text reads are pruned alike", function()
  local jdir = dir_of { ["day=2024-01-01/a.json"] = '{"id":1}\n', ["day=2024-01-02/b.json"] = '{"id":2}\n',
    ["day=2024-01-03/bad.json.gz"] = CORRUPT_GZIP }
  local j = spark.read:schema("id bigint"):json(jdir)
  has(t.raises(function() j:collect() end), "bad.json.gz")
  t.same_table(t.rows(j:filter("day < DATE'2024-01-03'"):orderBy("id")), { "1|2024-01-01", "2|2024-01-02" })
  t.same_table(t.rows(j:filter(F.col("day"):eq("2024-01-02"))), { "2|2024-01-02" })
  local tdir = dir_of { ["p=x/a.txt"] = "one\n", ["p=y/bad.txt.gz"] = CORRUPT_GZIP }
  local txt = spark.read:text(tdir)
  has(t.raises(function() txt:collect() end), "bad.txt.gz")
  t.same_table(t.rows(txt:where("p = 'x'")), { "one|x" })
  has(plan_of(txt:where("p = 'x'")), "FileScan text [" .. tdir .. "] [value, p], PartitionFilters: [(p = x)], "
    .. "PartitionsRead: 1 of 2, FilesRead: 1 of 2")
end)

t.test("a pruned read gives the rows of a read of every directory", function()
  spark.conf:set("spark.sql.session.timeZone", "UTC")
  local files = {}
  local n = 0
  for _, k in ipairs({ "0", "1", "2", "__HIVE_DEFAULT_PARTITION__" }) do
    for _, d in ipairs({ "a", "b%20c", "__HIVE_DEFAULT_PARTITION__" }) do
      for _, day in ipairs({ "2024-01-01", "2024-02-01" }) do
        local lines = {}
        for i = 1, 3 do
          n = n + 1
          lines[i] = ("%d,%s"):format(n, i == 2 and "" or "s" .. (n % 4))
        end
        files[("k=%s/d=%s/day=%s/part.csv"):format(k, d, day)] = table.concat(lines, "\n") .. "\n"
      end
    end
  end
  local dir = dir_of(files)
  local function read() return spark.read:schema("n int, s string"):csv(dir) end
  local pruned = read()
  local every = read():cache() -- (a filter over the cached rows reads every directory)
  t.eq(schema_of(pruned), "n int, s string, k int, d string, day date")
  local conditions = {
    "k = 1", "k IN (0, 2)", "k < 2", "k >= 1 AND k <= 2", "k IS NULL", "k IS NOT NULL", "NOT (k = 1)",
    "k <=> NULL", "coalesce(k, 9) = 9", "d = 'b c'", "d IS NULL OR k = 0", "k = 1 OR d = 'a'",
    "day = DATE'2024-02-01'", "day < '2024-01-15' AND k = 2", "k = 1 AND n > 30", "k = 2 AND s IS NULL",
    "(k = 1 AND n > 30) OR (k = 2 AND s = 's1')", "k + n > 40", "k = 0 OR n < 5", "d LIKE 'b%' AND k != 2",
    "CASE WHEN k = 1 THEN d = 'a' ELSE k = 0 END", "k = 1 AND rand(7) < 0.5", "rand(7) < 0.5 AND k = 1",
  }
  local pushed = 0
  for _, cond in ipairs(conditions) do
    local got = t.rows(pruned:filter(cond))
    t.ok(#got > 0, cond .. " keeps rows")
    t.same_table(got, t.rows(every:filter(cond)), cond)
    if plan_of(pruned:filter(cond)):find("PartitionFilters", 1, true) then pushed = pushed + 1 end
  end
  t.eq(pushed, 19, "the conditions pruned (not: k + n > 40, k = 0 OR n < 5, and those with rand())")
  -- operators above the filter see the same rows: rand() and row ids too
  local function above(df)
    return df:filter("k = 2 AND day = '2024-02-01'"):withColumn("r", F.rand(5))
      :withColumn("id", F.monotonically_increasing_id()):select("n", "r", "id")
  end
  t.same_table(t.rows(above(pruned)), t.rows(above(every)))
  -- with the plan run over slices of the read's batch, rand() above follows
  -- the slices: the read is not pruned then
  spark.conf:set("spark.tide.sliceRows", "2")
  t.same_table(t.rows(above(pruned)), t.rows(above(every)), "sliced")
  has(plan_of(above(pruned)), "PartitionFilters: [(k = 2), (day = 2024-02-01)] (unused: spark.tide.sliceRows")
  t.same_table(t.rows(pruned:filter("k = 1")), t.rows(every:filter("k = 1")), "sliced, no rand()")
  has(plan_of(pruned:filter("k = 1")), "PartitionsRead: 6 of 24")
  spark.conf:unset("spark.tide.sliceRows")
  spark.conf:unset("spark.sql.session.timeZone")
end)

t.test("each read lists the directories again and prunes the new ones too", function()
  local dir = dir_of { ["k=1/a.csv"] = "1\n" }
  local df = spark.read:schema("n int"):csv(dir):filter("k >= 2")
  t.same_table(t.rows(df), {})
  assert(os.execute(("mkdir -p '%s/k=2' '%s/k=0'"):format(dir, dir)) == 0)
  t.write(dir .. "/k=2/b.csv", "2\n")
  t.write(dir .. "/k=0/bad.csv.gz", CORRUPT_GZIP)
  t.same_table(t.rows(df), { "2|2" })
  has(plan_of(df), "PartitionsRead: 1 of 3, FilesRead: 1 of 3")
end)

t.test("pruning goes by the values the rows get, whatever changed since the read was made", function()
  -- a timestamp partition read in UTC, pruned after the session zone changed
  local dir = dir_of { ["ts=2024-01-01 00%3A00%3A00/a.csv"] = "1\n", ["ts=2024-01-02 00%3A00%3A00/b.csv"] = "2\n" }
  spark.conf:set("spark.sql.session.timeZone", "UTC")
  local df = spark.read:schema("n int"):csv(dir)
  df:collect()
  spark.conf:set("spark.sql.session.timeZone", "Asia/Tokyo")
  local cond = "ts = TIMESTAMP'2024-01-01 09:00:00'"
  t.same_table(t.rows(df:filter(cond)), t.rows(df:filter(cond .. " AND rand() < 2")))
  t.same_table(t.rows(df:filter(cond)), { "1|2024-01-01 09:00:00" })
  -- current_timezone() is the filter's, fixed when it was made: never pushed
  local zones = dir_of { ["tz=UTC/a.csv"] = "1\n", ["tz=Asia%2FTokyo/b.csv"] = "2\n" }
  spark.conf:set("spark.sql.session.timeZone", "UTC")
  local by_zone = spark.read:schema("n int"):csv(zones):filter("tz = current_timezone()")
  spark.conf:set("spark.sql.session.timeZone", "Asia/Tokyo")
  t.same_table(t.rows(by_zone), { "1|UTC" })
  t.ok(not plan_of(by_zone):find("PartitionFilters", 1, true))
  spark.conf:unset("spark.sql.session.timeZone")
  -- a condition that drops rows of its own (from_json's DROPMALFORMED) reads every directory
  local json = dir_of { ["j=%7B%22a%22%3A2}/a.csv"] = "1\n", ["j=x/b.csv"] = "2\n" }
  local malformed = "coalesce(from_json(j, 'a int', map('mode', 'DROPMALFORMED')).a, 0) = 2"
  local jdf = spark.read:schema("n int"):csv(json)
  t.same_table(t.rows(jdf:filter(malformed):select("n")), { "1" })
end)

-- ---- streaming ------------------------------------------------------------------------

local run = t.run_available

t.test("writeStream:partitionBy: a file per epoch in each partition directory, each row once after a restart",
  function()
  local input, base = t.tempdir(), t.tempdir()
  local out, cp = base .. "/out", base .. "/cp"
  t.write(input .. "/a.csv", "1,x,10\n2,y,20\n3,x,30\n")
  local function query()
    return spark.readStream:schema("id int, k string, n int"):option("maxFilesPerTrigger", 1):csv(input)
      .writeStream:format("csv"):partitionBy("k"):option("path", out):option("checkpointLocation", cp)
  end
  local q = run(query())
  local id = q.id
  t.eq(layout(out), "k=x/part-00000-U.csv\nk=y/part-00000-U.csv")
  t.eq(t.read(("%s/k=x/part-00000-%s.csv"):format(out, id)), "1,10\n3,30\n")
  -- a second file, then a restart from the checkpoint: only the new file is read
  t.write(input .. "/b.csv", "4,y,40\n5,z,50\n")
  run(query())
  t.eq(layout(out), "k=x/part-00000-U.csv\nk=y/part-00000-U.csv\nk=y/part-00001-U.csv\nk=z/part-00001-U.csv")
  -- epoch 1 replayed (its commit lost in a crash): its files are rewritten, not added to
  assert(os.remove(cp .. "/commits/1"))
  run(query())
  t.eq(layout(out), "k=x/part-00000-U.csv\nk=y/part-00000-U.csv\nk=y/part-00001-U.csv\nk=z/part-00001-U.csv")
  t.same_table(t.rows(spark.read:schema("id int, n int"):csv(out):orderBy("id")),
    { "1|10|x", "2|20|y", "3|30|x", "4|40|y", "5|50|z" })
  -- Spark's checks when the query starts
  has(t.raises(function()
    spark.readStream:schema("id int, k string"):csv(input).writeStream:format("json"):partitionBy("id", "k")
      :option("path", out):option("checkpointLocation", base .. "/cp2"):start()
  end), "Cannot use all columns for partition columns")
end)

t.test("a file stream of partitioned directories adds the partition columns, new directories too", function()
  local input, base = t.tempdir(), t.tempdir()
  assert(os.execute(("mkdir -p '%s/k=1' '%s/k=2'"):format(input, input)) == 0)
  t.write(input .. "/k=1/a.csv", "1\n2\n")
  t.write(input .. "/k=2/b.csv", "3\n")
  local seen = {}
  local function query()
    local df = spark.readStream:schema("n int"):csv(input)
    t.eq(schema_of(df), "n int, k int")
    return df:select("n", "k", F.input_file_name():alias("f")).writeStream:foreachBatch(function(batch)
      for _, row in ipairs(batch:orderBy("n"):collect()) do
        seen[#seen + 1] = ("%d %d %s"):format(row.n, row.k, row.f:match("k=%d/[^/]*$"))
      end
    end):option("checkpointLocation", base .. "/cp")
  end
  run(query())
  t.same_table(seen, { "1 1 k=1/a.csv", "2 1 k=1/a.csv", "3 2 k=2/b.csv" })
  assert(os.execute(("mkdir -p '%s/k=3'"):format(input)) == 0)
  t.write(input .. "/k=3/c.csv", "4\n")
  seen = {}
  run(query())
  t.same_table(seen, { "4 3 k=3/c.csv" }, "after a restart, the new file alone")
  -- a batch replayed after a restart (its commit lost) reads its files, and their values, again
  assert(os.remove(base .. "/cp/commits/1"))
  seen = {}
  run(query())
  t.same_table(seen, { "4 3 k=3/c.csv" }, "the replayed batch")
end)

t.run()
