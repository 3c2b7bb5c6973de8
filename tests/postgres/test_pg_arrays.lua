-- Array columns and PostgreSQL's array types, both ways: df.write
-- jdbc creates Spark's PostgreSQL column types for arrays (INTEGER[], ...;
-- nested arrays as more dimensions), COPY writes each element as its type
-- (a value that does not fit names its row, column and element; a ragged
-- nested array is refused, as PostgreSQL's arrays are rectangular), and
-- spark.read jdbc reads arrays back as tide arrays from binary and from
-- text results alike.
local t = require("testing")
local tide = require("tide")
local pg = require("tide.pg")

local ci = t.pg_conninfo()
local spark = tide.session()

local function writer(df, tbl)
  return df.write:format("jdbc"):option("url", ci):option("dbtable", tbl)
end

local function read_query(sql)
  return spark.read:format("jdbc"):option("url", ci):option("query", sql):load()
end

local function column_types(tbl)
  local rows = pg.query(ci, [[SELECT attname::text AS name, format_type(atttypid, atttypmod) AS type
    FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum]], tbl)
    :collect()
  local out = {}
  for _, r in ipairs(rows) do out[#out + 1] = r.name .. " " .. r.type end
  return table.concat(out, ", ")
end

local function count(tbl)
  return pg.query(ci, "SELECT count(*) AS n FROM " .. tbl):collect()[1].n
end

local ARRAYS = [[SELECT 1 AS id, array(1, 2, NULL) AS ints, array('x', 'y"z', '', NULL) AS strs,
  array(array(1, 2), array(3, 4)) AS grid, array(1.5D, -0.25D) AS dbls, array_remove(array(1), 1) AS empty,
  CAST(NULL AS array<int>) AS missing, array(CAST(1.25 AS decimal(5,2)), NULL) AS amounts,
  array(true, false) AS flags, array(DATE'2024-02-29') AS days, array(TIMESTAMP'2024-01-02 03:04:05.5') AS ats,
  array(X'01FF') AS blobs, array(CAST(9000000000 AS bigint)) AS longs
  UNION ALL
  SELECT 2, array(7), array('w'), array(array(5, 6)), array(2D), array_remove(array(1), 1), array(3),
    array(CAST(0.5 AS decimal(5,2))), array(true), array(DATE'1999-12-31'), array(TIMESTAMP'1970-01-01 00:00:00'),
    array(X''), array(1L)]]

t.test("a write creates Spark's PostgreSQL array types and every value reads back the same", function()
  local tbl = t.unique("arrays")
  local df = spark:sql(ARRAYS)
  t.eq((writer(df, tbl):mode("append"):save()), 2)
  t.eq(column_types(tbl), "id integer, ints integer[], strs text[], grid integer[], dbls double precision[], "
    .. "empty integer[], missing integer[], amounts numeric(5,2)[], flags boolean[], days date[], "
    .. "ats timestamp without time zone[], blobs bytea[], longs bigint[]")
  -- what the server holds, in its own text
  local server = pg.query(ci, ("SELECT ints::text, strs::text, grid::text, dbls::text, empty::text, "
    .. "missing IS NULL AS missing, amounts::text, days::text, ats::text, blobs::text, longs::text "
    .. "FROM %s WHERE id = 1"):format(tbl)):collect()[1]
  t.eq(server.ints, "{1,2,NULL}")
  t.eq(server.strs, [[{x,"y\"z","",NULL}]])
  t.eq(server.grid, "{{1,2},{3,4}}")
  t.eq(server.dbls, "{1.5,-0.25}")
  t.eq(server.empty, "{}")
  t.eq(server.missing, true)
  t.eq(server.amounts, "{1.25,NULL}")
  t.eq(server.days, "{2024-02-29}")
  t.eq(server.ats, [[{"2024-01-02 03:04:05.5"}]])
  t.eq(server.blobs, [[{"\\x01ff"}]])
  t.eq(server.longs, "{9000000000}")
  -- read back: the same schema and rows
  local back = spark.read:format("jdbc"):option("url", ci):option("dbtable", tbl):load():orderBy("id")
  t.eq(back.schema, df.schema)
  t.same_table(t.rows(back), t.rows(df:orderBy("id")))
end)

t.test("arrays read from a text result (a column without a binary form beside them) are the same", function()
  local sql = [==[SELECT ARRAY['a b', 'c\d', NULL, 'NULL', '{x}', '', 'q"uote'] AS strs, '[0:1]={7,8}'::int[] AS bounds,
    ARRAY[[1, 2], [3, 4]] AS grid, ARRAY[1.25, NULL]::numeric(5,2)[] AS amounts, ARRAY['2024-01-02'::date] AS days,
    ARRAY[true, false] AS flags, '{}'::text[] AS empty, NULL::int[] AS missing, ARRAY['\x0102'::bytea] AS blobs,
    ARRAY['{"a": 1}'::jsonb] AS docs]==]
  local binary = read_query(sql)
  local text = read_query(sql .. ", interval '1 day' AS span")
  t.eq(binary.schema:simpleString(), "struct<strs:array<string>,bounds:array<int>,grid:array<array<int>>,"
    .. "amounts:array<decimal(5,2)>,days:array<date>,flags:array<boolean>,empty:array<string>,missing:array<int>,"
    .. "blobs:array<binary>,docs:array<string>>")
  local row = binary:collect()[1]
  t.same_table({ row.strs[1], row.strs[2], row.strs[3], row.strs[4], row.strs[5], row.strs[6], row.strs[7] },
    { "a b", "c\\d", nil, "NULL", "{x}", "", 'q"uote' })
  t.eq(row.strs.n, 7)
  t.same_table(t.rows(binary), { "[a b, c\\d, null, NULL, {x}, , q\"uote]|[7, 8]|[[1, 2], [3, 4]]|[1.25, null]|"
    .. "[2024-01-02]|[true, false]|[]|null|[[01 02]]|[{\"a\": 1}]" })
  t.same_table(t.rows(text:drop("span")), t.rows(binary))
  t.eq(text:drop("span").schema, binary.schema)
end)

t.test("a value that does not fit names its row, column and element, and nothing is written", function()
  local tbl = t.unique("arrays_fit")
  pg.execute(ci, ("CREATE TABLE %s (id int, vals int4[], grid int4[])"):format(tbl))
  local df = spark:sql("SELECT 1 AS id, array(1L, 2L) AS vals, array(array(1)) AS grid UNION ALL "
    .. "SELECT 2, array(3L, 4294967296L), array(array(2))")
  t.raises(function() writer(df, tbl):mode("append"):save() end,
    'row 2, column "vals": the value has an element %(2 of 2, in order%) that cannot be written: the element is'
    .. ' out of range for integer')
  t.eq(count(tbl), 0)
  -- ragged and null inner arrays: PostgreSQL's arrays are rectangular
  local ragged = spark:sql("SELECT 1 AS id, array(1L) AS vals, array(array(1, 2), array(3)) AS grid")
  t.raises(function() writer(ragged, tbl):mode("append"):save() end,
    'row 1, column "grid": the value holds arrays of different lengths inside an array')
  local holes = spark:sql("SELECT 1 AS id, array(1L) AS vals, array(array(1), NULL) AS grid")
  t.raises(function() writer(holes, tbl):mode("append"):save() end,
    'row 1, column "grid": the value holds a null array inside an array')
  t.eq(count(tbl), 0)
  -- the element type decides: strings do not go into int4[], an array not into text
  t.raises(function() writer(spark:sql("SELECT array('1') AS vals"), tbl):mode("append"):save() end,
    'column "vals" is array<string> in the DataFrame but integer%[%] in the table')
  local texts = t.unique("arrays_text")
  pg.execute(ci, ("CREATE TABLE %s (vals text, amounts numeric(5,1)[])"):format(texts))
  t.raises(function() writer(spark:sql("SELECT array('1') AS vals"), texts):mode("append"):save() end,
    'column "vals" is array<string> in the DataFrame but text in the table')
  t.raises(function()
    writer(spark:sql("SELECT array(CAST(1.25 AS decimal(5,2))) AS amounts"), texts):mode("append"):save()
  end, 'column "amounts" is array<decimal%(5,2%)> in the DataFrame but numeric%(5,1%)%[%] in the table, which would round it')
  -- the valid rows go in
  t.eq((writer(spark:sql("SELECT 3 AS id, array(5L, NULL) AS vals, array(array(1, 2), array(3, 4)) AS grid"), tbl)
    :mode("append"):save()), 1)
  t.eq(pg.query(ci, "SELECT vals::text AS v, grid::text AS g FROM " .. tbl):collect()[1].g, "{{1,2},{3,4}}")
end)

t.test("a column whose arrays have different dimensions is refused when read, naming the row", function()
  t.raises(function()
    read_query("SELECT x FROM (VALUES (1, '{1}'::int[]), (2, '{{1},{2}}'::int[])) v(i, x) ORDER BY i"):collect()
  end, 'row 1, column "x": an array of 1 dimension where others have 2')
end)

t.test("a table's declared dimensions type its empty array columns; deeper than 6 and negative scales refused", function()
  local tbl = t.unique("arrays_dims")
  local df = spark:sql("SELECT array(array(1, 2), array(3, 4)) AS g, array(array('a')) AS s")
  writer(df:limit(0), tbl):mode("overwrite"):save()
  t.eq(column_types(tbl), "g integer[], s text[]")
  local src = spark.read:format("jdbc"):option("url", ci):option("dbtable", tbl):load()
  t.eq(src.schema, df.schema, "empty, the columns read as the arrays they were made for")
  t.eq(src:count(), 0)
  writer(df, tbl):mode("append"):save()
  pg.execute(ci, ("INSERT INTO %s VALUES (NULL, '{}')"):format(tbl))
  t.same_table(t.rows(src:orderBy("g")), { "null|[]", "[[1, 2], [3, 4]]|[[a]]" })
  -- PostgreSQL's arrays have at most 6 dimensions
  local deep = spark:sql("SELECT array(array(array(array(array(array(array(1))))))) AS a")
  t.raises(function() writer(deep, t.unique("arrays_deep")):mode("overwrite"):save() end,
    'cannot create a PostgreSQL column for "a" of type array<array<array<array<array<array<array<int>>>>>>> %(PostgreSQL\'s'
    .. " arrays have at most 6 dimensions%)")
  local flat = t.unique("arrays_flat")
  pg.execute(ci, ("CREATE TABLE %s (a int[])"):format(flat))
  t.raises(function() writer(deep, flat):mode("append"):save() end, "PostgreSQL's arrays have at most 6 dimensions")
  -- numeric(5,-2) rounds to hundreds (PostgreSQL 15's negative scales): refused, scalar or element
  local rounded = t.unique("arrays_rounded")
  pg.execute(ci, ("CREATE TABLE %s (s numeric(5,-2), a numeric(5,-2)[])"):format(rounded))
  local err = t.raises(function()
    writer(spark:sql("SELECT CAST(123 AS decimal(5,0)) AS s, array(CAST(123 AS decimal(5,0))) AS a"), rounded)
      :mode("append"):save()
  end)
  t.has(err, 'column "s" is decimal(5,0) in the DataFrame but numeric(5,-2) in the table, which would round it')
  t.has(err, 'column "a" is array<decimal(5,0)> in the DataFrame but numeric(5,-2)[] in the table, which would round it')
  t.eq(count(rounded), 0)
  -- "char"[] reads as strings, as Spark's dialect maps it
  t.same_table(t.rows(read_query([[SELECT ARRAY['a'::"char", 'b'] AS c]])), { "[a, b]" })
end)

t.run()
