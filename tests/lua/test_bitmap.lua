-- Spark 3.5's bitmap functions, which count distinct values exactly in
-- 4096-byte bitmaps: bitmap_bucket_number, bitmap_bit_position,
-- bitmap_count, bitmap_construct_agg and bitmap_or_agg. Every expected
-- value is Apache Spark 3.5.3's (spark.sql, local mode).
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function one(sql) return spark:sql(sql):collect()[1] end

t.test("a value's bucket and bit, as Spark's, of bigints (other numbers and strings cast)", function()
  t.same_table(t.rows(spark:sql("SELECT bitmap_bucket_number(x), bitmap_bit_position(x) FROM VALUES (1), (32768),"
    .. " (32769), (0), (-1), (-32768), (-32769), (NULL) AS t(x)")),
    { "1|0", "1|32767", "2|0", "0|0", "0|1", "-1|0", "-1|1", "null|null" })
  t.eq(one("SELECT bitmap_bucket_number(b) AS r FROM VALUES (1.5) AS t(b)").r, 1)
  t.eq(spark:sql("SELECT bitmap_bucket_number(1), bitmap_count(X'00')").schema:simpleString(),
    "struct<bitmap_bucket_number(1):bigint,bitmap_count(X'00'):bigint>")
  t.eq(one("SELECT bitmap_count(X'FF01') AS r").r, 9)
  t.has(t.raises(function() spark:sql("SELECT bitmap_count(NULL)") end),
    [[Parameter 0 requires the "BINARY" type, however "NULL" has the type "VOID".]])
end)

t.test("bitmaps of each group, their OR, and the distinct values they count", function()
  local r = one("SELECT substring(hex(bitmap_construct_agg(bitmap_bit_position(x))), 1, 8) AS h,"
    .. " length(bitmap_construct_agg(bitmap_bit_position(x))) AS n FROM VALUES (1), (2), (3), (9), (NULL) AS t(x)")
  t.same_table({ r.h, r.n }, { "07010000", 4096 })
  r = one("SELECT bitmap_count(bitmap_or_agg(b)) AS c, substring(hex(bitmap_or_agg(b)), 1, 6) AS h,"
    .. " length(bitmap_or_agg(b)) AS n FROM VALUES (X'10'), (X'20'), (X'0001') AS t(b)")
  t.same_table({ r.c, r.h, r.n }, { 3, "300100", 4096 })
  -- Spark's count of distinct values: buckets, then the bitmaps' bits
  t.same_table(t.rows(spark:sql("SELECT g, sum(n) FROM (SELECT g, bitmap_bucket_number(x) AS bucket,"
    .. " bitmap_count(bitmap_construct_agg(bitmap_bit_position(x))) AS n FROM VALUES (1, 5), (1, 5), (1, 40000),"
    .. " (2, 7) AS t(g, x) GROUP BY g, bucket) GROUP BY g ORDER BY g")), { "1|2", "2|1" })
  -- no values: an empty bitmap, not NULL
  r = one("SELECT length(bitmap_construct_agg(x)) AS n, bitmap_count(bitmap_construct_agg(x)) AS c FROM (SELECT 1 AS"
    .. " x) WHERE false")
  t.same_table({ r.n, r.c }, { 4096, 0 })
  t.has(t.raises(function() spark:sql("SELECT bitmap_construct_agg(x) FROM VALUES (40000) AS t(x)"):collect() end),
    "[INVALID_BITMAP_POSITION] The 0-indexed bitmap position 40000 is out of bounds. The bitmap has 32768 bits"
      .. " (4096 bytes).")
  t.same_table(spark:sql("SELECT bitmap_construct_agg(b), bitmap_or_agg(s) FROM VALUES ('1', 'a') AS t(b, s)").columns,
    { "bitmap_construct_agg(b)", "bitmap_or_agg(s)" })
end)

t.test("F's functions; a stream's bitmaps kept across micro-batches", function()
  local df = spark:createDataFrame({ { 1, 3 }, { 1, 5 }, { 2, 7 } }, "g int, x int")
  t.same_table(t.rows(df:groupBy("g"):agg(F.bitmap_count(F.bitmap_construct_agg(F.bitmap_bit_position("x")))
    :alias("n")):orderBy("g")), { "1|2", "2|1" })
  local dir = t.tempdir()
  t.write(dir .. "/1.csv", "1,3\n1,5\n2,7\n")
  local agg = spark.readStream:csv(dir, { schema = "g int, x int" }):groupBy("g")
    :agg(F.bitmap_construct_agg(F.bitmap_bit_position("x")):alias("b"))
    :select("g", F.bitmap_count("b"):alias("n"))
  local q = agg.writeStream:outputMode("complete"):format("memory"):queryName("bitmaps"):start()
  q:processAllAvailable()
  t.write(dir .. "/2.csv", "1,3\n1,9\n")
  q:processAllAvailable()
  q:stop()
  t.same_table(t.rows(spark:table("bitmaps"):orderBy("g")), { "1|3", "2|1" })
end)

t.run()
