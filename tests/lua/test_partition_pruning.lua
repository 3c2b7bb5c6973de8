-- Partition pruning (Spark's PartitionFilters) beyond a filter over a
-- read: filters above a join prune the partitioned side that owns their
-- columns (both sides of an inner join, an outer join's preserved side
-- only, a semi or anti join's left), filters above a union both sides,
-- and a file stream of partitioned
-- directories reads of each micro-batch's files only those of the
-- directories the filter keeps, the others still being the stream's
-- (maxFilesPerTrigger, the log, a restart). tests/csv/test_partitions.lua
-- has pruning over a batch read.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()
local has = t.has

local CORRUPT_GZIP = t.CORRUPT_GZIP

local dir_of = t.dir_of

-- The plan explain() prints.
local function plan_of(df) return require("tide.dataframe_explain").text(df, "simple") end

-- For each FileScan line of df's plan, in order, whether it has partition filters.
local function scans_pruned(df)
  local out = {}
  for line in plan_of(df):gmatch("[^\n]+") do
    if line:find("FileScan", 1, true) then out[#out + 1] = line:find("PartitionFilters", 1, true) ~= nil end
  end
  return out
end

-- ---- through joins ----------------------------------------------------------------------------

-- a: k, s by day (a null day too); b: k, name by p. a's k = 4 rows match
-- b's p=y rows only, k = 5 none; b's p=x and p=y both hold k = 1.
local A_FILES = {
  ["dt=2024-01-01/a.csv"] = "1,a1\n2,a2\n4,a4\n",
  ["dt=2024-01-02/a.csv"] = "1,b1\n3,b3\n5,b5\n",
  ["dt=__HIVE_DEFAULT_PARTITION__/a.csv"] = "2,c2\n4,c4\n",
}
local B_FILES = {
  ["p=x/b.csv"] = "1,one\n2,two\n",
  ["p=y/b.csv"] = "1,uno\n3,three\n4,four\n",
}

local function read_a(dir) return spark.read:schema("k int, s string"):csv(dir) end
local function read_b(dir) return spark.read:schema("k int, name string"):csv(dir) end

t.test("a filter above a join prunes the sides it may, and the rows are those of unpruned reads", function()
  local adir, bdir = dir_of(A_FILES), dir_of(B_FILES)
  local a, b = read_a(adir), read_b(bdir)
  -- (a filter over cached rows reads every directory)
  local every_a, every_b = read_a(adir):cache(), read_b(bdir):cache()
  local c = spark:createDataFrame({ { 1, "c1" }, { 3, "c3" } }, "k int, tag string")
  local cases = {
    -- { name, function(a, b) -> DataFrame, whether a's and b's scans are pruned }
    { "inner, a's column", function(l, r) return l:join(r, "k"):where("dt = '2024-01-01'") end, { true, false } },
    { "inner, b's column (the build side)", function(l, r) return l:join(r, "k"):where("p = 'x'") end,
      { false, true } },
    { "inner, each side's", function(l, r) return l:join(r, "k"):where("dt IS NULL AND p = 'y' AND s != 'z'") end,
      { true, true } },
    { "inner, an OR of both sides'", function(l, r) return l:join(r, "k"):where("dt = '2024-01-01' OR p = 'x'") end,
      { false, false } },
    { "inner, an OR's partition parts", function(l, r)
      return l:join(r, "k"):where("(dt = '2024-01-02' AND name = 'uno') OR dt IS NULL")
    end, { true, false } },
    { "inner, a condition over both sides' columns", function(l, r)
      return l:join(r, "k"):where("CAST(dt AS STRING) > p")
    end, { false, false } },
    { "left outer, the preserved side", function(l, r)
      return l:join(r, "k", "left"):where("dt = '2024-01-01'")
    end, { true, false } },
    { "left outer, the null-supplying side", function(l, r)
      return l:join(r, "k", "left"):where("p IS NULL OR p = 'x'")
    end, { false, false } },
    { "right outer, the preserved side", function(l, r)
      return l:join(r, "k", "right"):where("p = 'y'")
    end, { false, true } },
    { "right outer, the null-supplying side", function(l, r)
      return l:join(r, "k", "right"):where("dt IS NULL")
    end, { false, false } },
    { "full outer", function(l, r) return l:join(r, "k", "full"):where("dt = '2024-01-01' AND p = 'x'") end,
      { false, false } },
    { "left semi", function(l, r) return l:join(r, "k", "left_semi"):where("dt = '2024-01-02'") end,
      { true, false } },
    { "left anti", function(l, r) return l:join(r, "k", "left_anti"):where("dt = '2024-01-01'") end,
      { true, false } },
    { "a condition on the join", function(l, r)
      return l:join(r, l.k:eq(r.k):and_(r.name:ne("two"))):where("p = 'x' AND dt IS NOT NULL")
    end, { true, true } },
    { "through projections above and below", function(l, r)
      return l:select("k", F.col("dt"):alias("day")):join(r:withColumn("pp", F.upper("p")), "k")
        :select("k", "day", "pp", "name"):where("day = '2024-01-02' AND pp = 'Y'")
    end, { true, true } },
    { "a filter of each side, and one above", function(l, r)
      return l:where("k < 5"):join(r:where("p = 'y'"), "k"):where("dt = '2024-01-02'")
    end, { true, true } },
    { "two joins", function(l, r)
      return l:join(r, "k"):join(c, "k"):where("dt = '2024-01-01' AND p = 'x'")
    end, { true, true } },
    { "rand() in the join's condition", function(l, r)
      return l:join(r, l.k:eq(r.k):and_(F.rand(1):lt(2))):where("dt = '2024-01-01' AND p = 'x'")
    end, { false, false } },
    { "a join condition over both sides' columns", function(l, r)
      return l:join(r, l.k:eq(r.k):and_(r.p:eq("x"):or_(l.s:eq("b1"))), "left")
    end, { false, false } },
    { "rand() in the filter", function(l, r)
      return l:join(r, "k"):where("dt = '2024-01-01' AND rand(3) < 2")
    end, { false, false } },
    { "rand() between the join and the filter", function(l, r)
      return l:join(r, "k"):withColumn("r", F.rand(3)):where("dt = '2024-01-01'"):drop("r")
    end, { false, false } },
    { "rand() below the join on one side", function(l, r)
      return l:withColumn("r", F.rand(3)):drop("r"):join(r, "k"):where("dt = '2024-01-01' AND p = 'x'")
    end, { false, true } },
  }
  -- the join's own condition: a side whose rows that fail it match nothing
  local expected = { inner = { true, true }, left = { false, true }, right = { true, false }, full = { false, false },
    left_semi = { true, true }, left_anti = { false, true } }
  for _, how in ipairs({ "inner", "left", "right", "full", "left_semi", "left_anti" }) do
    cases[#cases + 1] = { how .. ", the join's condition", function(l, r)
      return l:join(r, l.k:eq(r.k):and_(r.p:eq("x")):and_(l.dt:eq("2024-01-01")), how)
    end, expected[how] }
  end
  for _, case in ipairs(cases) do
    local name, make, want = case[1], case[2], case[3]
    local got = t.rows(make(a, b))
    t.same_table(got, t.rows(make(every_a, every_b)), name)
    t.same_table(scans_pruned(make(a, b)), want, name .. ": the scans pruned")
    t.same_table(scans_pruned(make(every_a, every_b)), {}, name .. ": cached, no scan")
  end
  -- the rows themselves, for a few
  t.same_table(t.rows(a:join(b, "k", "left"):where("p IS NULL OR p = 'x'"):orderBy("k", "s", "name")),
    { "1|a1|2024-01-01|one|x", "1|b1|2024-01-02|one|x", "2|a2|2024-01-01|two|x", "2|c2|null|two|x",
      "5|b5|2024-01-02|null|null" }, "the k = 3 and 4 rows matched p=y rows only: they are not null-padded")
  t.same_table(t.rows(a:join(b, "k"):where("dt = '2024-01-01' AND p = 'y'"):orderBy("k")),
    { "1|a1|2024-01-01|uno|y", "4|a4|2024-01-01|four|y" })
  -- explain: each side's filters on its scan, with what it reads
  has(plan_of(a:join(b, "k"):where("dt = '2024-01-01' AND p = 'y'")),
    "FileScan csv [" .. adir .. "] [k, s, dt], PartitionFilters: [(dt = 2024-01-01)], "
    .. "PartitionsRead: 1 of 3, FilesRead: 1 of 3\n")
  has(plan_of(a:join(b, "k"):where("dt = '2024-01-01' AND p = 'y'")),
    "FileScan csv [" .. bdir .. "] [k, name, p], PartitionFilters: [(p = y)], "
    .. "PartitionsRead: 1 of 2, FilesRead: 1 of 2")
end)

t.test("a filter above a union prunes both sides' reads by their own columns, by position", function()
  local adir, bdir = dir_of(A_FILES), dir_of(B_FILES)
  -- a's dt and b's p are each side's third column: the union's, by position
  local function united(l, r) return l:union(r):where("dt IS NULL OR dt = 'y'") end
  local df = united(read_a(adir), read_b(bdir))
  local every = united(read_a(adir):cache(), read_b(bdir):cache())
  t.same_table(t.rows(df:orderBy("k", "s")), t.rows(every:orderBy("k", "s")))
  t.same_table(t.rows(df:orderBy("k", "s")), { "1|uno|y", "2|c2|null", "3|three|y", "4|c4|null", "4|four|y" })
  t.same_table(scans_pruned(df), { true, true })
  -- (the union casts a's dates to its string column; b's are strings)
  has(plan_of(df), "FileScan csv [" .. adir .. "] [k, s, dt], PartitionFilters: [((CAST(dt AS STRING) IS NULL) OR "
    .. "(CAST(dt AS STRING) = y))], PartitionsRead: 1 of 3, FilesRead: 1 of 3")
  has(plan_of(df), "FileScan csv [" .. bdir .. "] [k, name, p], PartitionFilters: [((p IS NULL) OR (p = y))],"
    .. " PartitionsRead: 1 of 2, FilesRead: 1 of 2")
  -- a side's column that is no partition column prunes nothing there
  t.same_table(scans_pruned(read_a(adir):select("k", "dt"):union(read_b(bdir):select("k", "name")):where("dt = 'x'")),
    { true, false })
end)

t.test("a join's pruned side never opens the directories the filter drops", function()
  local afiles, bfiles = {}, {}
  for k, v in pairs(A_FILES) do afiles[k] = v end
  for k, v in pairs(B_FILES) do bfiles[k] = v end
  afiles["dt=2024-01-03/bad.csv.gz"] = CORRUPT_GZIP
  bfiles["p=z/bad.csv.gz"] = CORRUPT_GZIP
  local adir, bdir = dir_of(afiles), dir_of(bfiles)
  local a, b = read_a(adir), read_b(bdir)
  has(t.raises(function() a:join(b, "k"):collect() end), "bad.csv.gz")
  has(t.raises(function() a:join(b, "k"):where("dt < '2024-01-03'"):collect() end), "bad.csv.gz")
  t.same_table(t.rows(a:join(b, "k"):where("dt < '2024-01-03' AND p = 'x'"):orderBy("k", "s")),
    { "1|a1|2024-01-01|one|x", "1|b1|2024-01-02|one|x", "2|a2|2024-01-01|two|x" })
  -- an outer join reads its null-supplying side whole, its preserved side pruned
  has(t.raises(function() a:join(b, "k", "left"):where("dt = '2024-01-02' AND p = 'y'"):collect() end),
    "bad.csv.gz")
  t.same_table(t.rows(read_a(adir):join(read_b(dir_of(B_FILES)), "k", "left"):where("dt = '2024-01-02'")
    :orderBy("k")), { "1|b1|2024-01-02|one|x", "1|b1|2024-01-02|uno|y", "3|b3|2024-01-02|three|y",
    "5|b5|2024-01-02|null|null" })
  -- SQL: a WHERE over a JOIN of two views
  a:createOrReplaceTempView("pruned_a")
  b:createOrReplaceTempView("pruned_b")
  t.same_table(t.rows(spark:sql([[SELECT pruned_a.k, s, name, dt FROM pruned_a JOIN pruned_b
    ON pruned_a.k = pruned_b.k WHERE pruned_a.dt = DATE'2024-01-02' AND pruned_b.p = 'y' ORDER BY s]])),
    { "1|b1|uno|2024-01-02", "3|b3|three|2024-01-02" })
  -- (a RIGHT JOIN's left side supplies nulls: read whole, the right pruned)
  local right = spark:sql("SELECT x.k, name FROM pruned_a x RIGHT JOIN pruned_b y ON x.k = y.k WHERE y.p = 'x'")
  t.same_table(scans_pruned(right), { false, true })
  has(t.raises(function() right:collect() end), "dt=2024-01-03/bad.csv.gz")
  has(t.raises(function()
    spark:sql("SELECT * FROM pruned_a x LEFT JOIN pruned_b y ON x.k = y.k WHERE x.dt IS NULL AND y.p = 'x'"):collect()
  end), "p=z/bad.csv.gz")
  -- (an ON condition prunes the side a LEFT JOIN fills with nulls)
  t.same_table(t.rows(spark:sql([[SELECT x.k, s, name FROM pruned_a x LEFT JOIN pruned_b y ON x.k = y.k
    AND y.p = 'x' WHERE x.dt IS NULL ORDER BY x.k]])), { "2|c2|two", "4|c4|null" })
  -- a scalar subquery (joined in) no longer keeps the WHERE from the scan
  t.same_table(t.rows(spark:sql([[SELECT k, s FROM pruned_a WHERE dt = '2024-01-01'
    AND k > (SELECT min(k) FROM pruned_b WHERE p = 'x') ORDER BY k]])), { "2|a2", "4|a4" })
  -- a self-join: the side the condition names alone
  local x, y = a:where("dt IS NOT NULL"):alias("x"), a:alias("y")
  local self_join = x:join(y, F.col("x.k"):eq(F.col("y.k"))):where(F.col("x.dt"):eq("2024-01-01"))
  t.same_table(scans_pruned(self_join), { true, false })
  has(t.raises(function() self_join:collect() end), "bad.csv.gz")
  local both = x:join(y, F.col("x.k"):eq(F.col("y.k")))
    :where(F.col("x.dt"):eq("2024-01-01"):and_(F.col("y.dt"):eq("2024-01-02")))
  t.same_table(scans_pruned(both), { true, true })
  t.same_table(t.rows(both:select("x.k", "x.s", "y.s")), { "1|a1|b1" })
end)

-- ---- file streams -----------------------------------------------------------------------------

-- Files whose modification times follow the list's order (a file stream
-- takes the oldest first): { { "k=1/a.csv", "text" }, ... }.
local function stream_dir(list)
  local dir = t.tempdir()
  for i, f in ipairs(list) do
    local path, text = dir .. "/" .. f[1], f[2]
    assert(os.execute(("mkdir -p '%s'"):format(path:match("^(.*)/[^/]*$"))) == 0)
    t.write(path, text)
    assert(os.execute(("touch -d '@%d' '%s'"):format(1700000000 + i, path)) == 0)
  end
  return dir
end

-- A query over df writing each batch's rows (as "n/k") to out[batch id];
-- run with trigger availableNow.
local function run_into(df, cp, out, fields)
  fields = fields or { "n", "k" }
  return df.writeStream:foreachBatch(function(batch, id)
    local rows = {}
    for _, row in ipairs(batch:collect()) do
      local parts = {}
      for i, f in ipairs(fields) do parts[i] = tostring(row[f]) end
      rows[#rows + 1] = table.concat(parts, "/")
    end
    table.sort(rows)
    out[id] = table.concat(rows, " ")
  end):option("checkpointLocation", cp):trigger { availableNow = true }:start()
end

local function run_ok(df, cp, out, fields)
  local q = run_into(df, cp, out, fields)
  q:awaitTermination(30)
  t.ok(not q:isActive(), "the query ended")
  t.eq(q:exception(), nil)
  return q
end

-- The error a query over df ends with.
local function run_failing(df, cp)
  local q = run_into(df, cp, {})
  local err = t.raises(function() q:awaitTermination(30) end)
  t.ok(not q:isActive(), "the query ended")
  return err
end

-- Each batch's numInputRows and end offset, as "rows@offset".
local function progress_of(q)
  local out = {}
  for _, p in ipairs(q.recentProgress) do
    out[#out + 1] = ("%d@%d"):format(p.numInputRows, p.sources[1].endOffset.logOffset)
  end
  return out
end

-- The files of the source's log, each "batch:dir/name".
local function log_of(cp)
  local out = {}
  for line in t.sh(("cat '%s'/sources/0/*"):format(cp)):gmatch("[^\n]+") do
    local path, batch = line:match('"path":"([^"]+)".-"batchId":(%d+)')
    if path then out[#out + 1] = batch .. ":" .. path:match("[^/]*/[^/]*$") end
  end
  table.sort(out)
  return out
end

local STREAM_FILES = {
  { "k=1/a.csv", "1\n2\n" }, { "k=1/c.csv", "3\n" }, { "k=3/d.csv", "9\n" }, { "k=2/bad.csv.gz", CORRUPT_GZIP },
}

t.test("a file stream reads of each batch the files of the directories the filter keeps", function()
  local input, base = stream_dir(STREAM_FILES), t.tempdir()
  local function stream() return spark.readStream:schema("n int"):option("maxFilesPerTrigger", 1):csv(input) end
  -- unfiltered, the stream reads the bad file and fails
  has(run_failing(stream(), base .. "/every"), "bad.csv.gz")
  local filtered = stream():where("k = 1 OR k = 3")
  has(plan_of(filtered), "FileStreamSource[file:" .. input .. "] [n, k], PartitionFilters: [((k = 1) OR (k = 3))]")
  local cp, out = base .. "/cp", {}
  local q = run_ok(filtered, cp, out)
  t.same_table(out, { [0] = "1/1 2/1", [1] = "3/1", [2] = "9/3", [3] = "" })
  -- maxFilesPerTrigger counts the file not read (a batch of its own), and
  -- numInputRows the rows read
  t.same_table(progress_of(q), { "2@0", "1@1", "1@2", "0@3" })
  -- the log holds every file the stream took, the one not read too
  t.same_table(log_of(cp), { "0:k=1/a.csv", "1:k=1/c.csv", "2:k=3/d.csv", "3:k=2/bad.csv.gz" })
  -- json and text streams are pruned alike
  local jin = stream_dir { { "k=1/a.json", '{"n":1}\n' }, { "k=2/bad.json.gz", CORRUPT_GZIP } }
  local jout = {}
  run_ok(spark.readStream:schema("n int"):json(jin):where("k = 1"), base .. "/json", jout)
  t.same_table(jout, { [0] = "1/1" })
  local tin = stream_dir { { "p=x/a.txt", "one\n" }, { "p=y/bad.txt.gz", CORRUPT_GZIP } }
  local tout = {}
  run_ok(spark.readStream:text(tin):where("p = 'x'"), base .. "/text", tout, { "value", "p" })
  t.same_table(tout, { [0] = "one/x" })
end)

t.test("the files a stream's filter skipped are its files after a restart, replayed batches pruned again", function()
  local input, base = stream_dir(STREAM_FILES), t.tempdir()
  local function stream() return spark.readStream:schema("n int"):option("maxFilesPerTrigger", 2):csv(input) end
  local cp = base .. "/cp"
  local out = {}
  t.same_table(progress_of(run_ok(stream():where("k != 2"), cp, out)), { "3@0", "1@1" })
  t.same_table(out, { [0] = "1/1 2/1 3/1", [1] = "9/3" })
  -- the last batch replayed (its commit lost): its files are pruned again
  -- (their directories known from their paths alone)
  assert(os.remove(cp .. "/commits/1"))
  out = {}
  t.same_table(progress_of(run_ok(stream():where("k != 2"), cp, out)), { "1@1" })
  t.same_table(out, { [1] = "9/3" })
  -- replayed without the filter, the batch reads them all: the bad file too
  assert(os.remove(cp .. "/commits/1"))
  has(run_failing(stream(), cp), "bad.csv.gz")
  out = {}
  run_ok(stream():where("k != 2"), cp, out)
  t.same_table(out, { [1] = "9/3" })
  -- a restart without the filter reads new files only: those skipped were seen
  t.write(input .. "/k=2/e.csv", "5\n")
  t.write(input .. "/k=1/f.csv", "6\n")
  out = {}
  local q = run_ok(stream(), cp, out)
  t.same_table(out, { [2] = "5/2 6/1" })
  t.same_table(progress_of(q), { "2@2" })
  t.same_table(log_of(cp), { "0:k=1/a.csv", "0:k=1/c.csv", "1:k=2/bad.csv.gz", "1:k=3/d.csv", "2:k=1/f.csv",
    "2:k=2/e.csv" })
end)

t.test("a stream's read is not pruned under slices with rand() above; through a stream-static join it is", function()
  local input, base = stream_dir(STREAM_FILES), t.tempdir()
  local function stream() return spark.readStream:schema("n int"):csv(input) end
  local random = stream():where("k = 1"):withColumn("r", F.rand(7))
  has(plan_of(random), "PartitionFilters: [(k = 1)] (unused: spark.tide.sliceRows slices a rand() above)")
  has(run_failing(random, base .. "/sliced"), "bad.csv.gz")
  spark.conf:set("spark.tide.sliceRows", "0")
  local out = {}
  run_ok(stream():where("k = 1"):withColumn("r", F.rand(7)), base .. "/whole", out)
  spark.conf:unset("spark.tide.sliceRows")
  t.same_table(out, { [0] = "1/1 2/1 3/1" })
  -- joined with a static partitioned DataFrame: each side pruned by its own conditions
  local static = read_b(dir_of { ["p=x/b.csv"] = "1,one\n3,three\n", ["p=y/b.csv"] = "1,uno\n",
    ["p=z/bad.csv.gz"] = CORRUPT_GZIP }):withColumnRenamed("k", "n")
  local joined = stream():join(static, "n"):where("k = 1 AND p = 'x'")
  t.same_table(scans_pruned(joined), { true }, "the static side's scan")
  has(plan_of(joined), "FileStreamSource[file:" .. input .. "] [n, k], PartitionFilters: [(k = 1)]")
  out = {}
  run_ok(joined, base .. "/joined", out, { "n", "k", "name", "p" })
  t.same_table(out, { [0] = "1/1/one/x 3/1/three/x" })
  -- a stream's left outer join reads the static (null-supplying) side whole
  has(run_failing(stream():join(static, "n", "left"):where("k = 1 AND p = 'x'"), base .. "/outer"), "bad.csv.gz")
end)

t.run()
