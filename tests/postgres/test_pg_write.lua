-- df.write:format("jdbc") and spark.read:format("jdbc") against the test
-- PostgreSQL: Spark's save modes, table creation with Spark's types, exact
-- round trips (decimal ids beyond 2^63, NULLs, timestamps), dates and
-- timestamps into timestamp, timestamptz and text columns as Spark's writer
-- sends them in a session time zone, a mismatch refused before any row is
-- written, hostile identifiers, exactly-once markers, retries, and errors
-- without the password.
local t = require("testing")
local tide = require("tide")
local pg = require("tide.pg")
local T = require("tide.types")

local ci = t.pg_conninfo()
local password = ci:match("password=(%S+)")
local spark = tide.session()

local function count(tbl)
  if not pg.query(ci, "SELECT to_regclass($1) IS NOT NULL AS e", tbl):collect()[1].e then return 0 end
  return pg.query(ci, "SELECT count(*) AS n FROM " .. tbl):collect()[1].n
end

local function column_types(tbl)
  local rows = pg.query(ci, [[SELECT attname::text AS name, format_type(atttypid, atttypmod) AS type
    FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum]], tbl):collect()
  local out = {}
  for _, r in ipairs(rows) do out[#out + 1] = r.name .. " " .. r.type end
  return table.concat(out, ", ")
end

local function writer(df, tbl)
  return df.write:format("jdbc"):option("url", ci):option("dbtable", tbl)
end

local ALL = "id decimal(38,0), probability double, processed_at timestamp, name string, flag boolean, " ..
            "n int, l bigint, b binary, price decimal(10,2)"
local rows = {
  { "18446744073709551615", 0.25, "2024-01-02 03:04:05.123456", "héllo", true, 1, 2 ^ 53, "\0\1\255", "-12345678.90" },
  { "9223372036854775808", 1e-300, "1969-12-31 23:59:59.999999", "", false, -2147483648, -9007199254740991, "", "0.01" },
  { "99999999999999999999999999999999999999", -0.0, "1900-01-01 00:00:00", "a\"b'c;\n", true, 2147483647, 0, "x", "99999999.99" },
  { "-99999999999999999999999999999999999999", 1 / 0, nil, nil, nil, nil, nil, nil, nil },
  { "0", -1 / 0, "2262-04-11 23:47:16.854775", "😀", false, 0, 1, "\255", "-0.01" },
}

t.test("append creates a missing table with Spark's types and the rows round-trip exactly", function()
  local tbl = t.unique("predictions")
  local df = spark:createDataFrame(rows, ALL)
  local n, status = writer(df, tbl):mode("append"):save()
  t.eq(n, 5); t.eq(status, "written")
  t.eq(column_types(tbl), "id numeric(38,0), probability double precision, processed_at timestamp without time zone, " ..
    "name text, flag boolean, n integer, l bigint, b bytea, price numeric(10,2)")
  local back = spark.read:format("jdbc"):option("url", ci):option("query", "SELECT * FROM " .. tbl .. " ORDER BY id"):load()
  t.eq(back.schema, df.schema)
  local want, got = df:collect(), back:collect()
  -- ORDER BY id: -999.., 0, 9223372036854775808, 18446744073709551615, 999..
  for i, w in ipairs({ want[4], want[5], want[2], want[1], want[3] }) do
    for _, name in ipairs(df.columns) do t.eq(got[i][name], w[name], ("row %d column %s"):format(i, name)) end
  end
  -- the server sees the same digits and instants
  local s = pg.query(ci, ("SELECT id::text AS id, processed_at::text AS ts FROM %s WHERE id > 1e19"):format(tbl)):collect()
  t.eq(s[1].id, "18446744073709551615"); t.eq(s[1].ts, "2024-01-02 03:04:05.123456")
end)

t.test("mode error (Spark's default) refuses an existing table; ignore leaves it alone", function()
  local tbl = t.unique("modes")
  local df = spark:createDataFrame({ { 1 } }, "a int")
  writer(df, tbl):save()
  t.raises(function() writer(df, tbl):save() end, "already exists. SaveMode: ErrorIfExists")
  t.raises(function() writer(df, tbl):mode("errorifexists"):save() end, "already exists")
  local n, status = writer(df, tbl):mode("ignore"):save()
  t.eq(n, 0); t.eq(status, "ignored"); t.eq(count(tbl), 1)
  n, status = writer(spark:createDataFrame({ { 2 }, { 3 } }, "a int"), t.unique("fresh")):mode("ignore"):save()
  t.eq(n, 2); t.eq(status, "written")
  t.raises(function() writer(df, tbl):mode("upsert") end, "unknown save mode")
end)

t.test("overwrite drops and recreates; with truncate it keeps the table's definition", function()
  local tbl = t.unique("over")
  pg.execute(ci, ("CREATE TABLE %s (a int, note text DEFAULT 'kept', b text)"):format(tbl))
  pg.execute(ci, ("INSERT INTO %s (a, b) VALUES (1, 'old'), (2, 'old')"):format(tbl))
  local df = spark:createDataFrame({ { 10, "new" } }, "a int, b string")
  t.eq((writer(df, tbl):mode("overwrite"):option("truncate", "true"):save()), 1)
  t.eq(column_types(tbl), "a integer, note text, b text")
  local r = pg.query(ci, "SELECT * FROM " .. tbl):collect()
  t.eq(#r, 1); t.eq(r[1].a, 10); t.eq(r[1].note, "kept"); t.eq(r[1].b, "new")
  t.eq((writer(spark:createDataFrame({ { 1.5 } }, "x double"), tbl):mode("overwrite"):save()), 1)
  t.eq(column_types(tbl), "x double precision")
end)

t.test("createTableColumnTypes and createTableOptions shape the new table", function()
  local tbl = t.unique("shaped")
  local df = spark:createDataFrame({ { "1", "abc" } }, "id decimal(38,0), name string")
  writer(df, tbl):option("createTableColumnTypes", "name VARCHAR(5), id NUMERIC(38, 0)")
    :option("createTableOptions", "WITH (fillfactor = 70)"):save()
  t.eq(column_types(tbl), "id numeric(38,0), name character varying(5)")
  t.eq(pg.query(ci, "SELECT reloptions::text AS o FROM pg_class WHERE oid = $1::regclass", tbl):collect()[1].o, "{fillfactor=70}")
  t.raises(function() writer(df, t.unique("x")):option("createTableColumnTypes", "nope int"):save() end,
    'column "nope" is not in the DataFrame')
end)

t.test("a table that does not fit is refused before any row is written", function()
  local tbl = t.unique("strict")
  pg.execute(ci, ("CREATE TABLE %s (id numeric(38,0), amount numeric(10,2), n integer, must text NOT NULL, " ..
    "opt text NOT NULL DEFAULT 'd')"):format(tbl))
  local bad = spark:createDataFrame({ { "x", "1.234", 1, 5 } }, "id string, amount decimal(10,3), n int, extra int")
  local err = t.raises(function() writer(bad, tbl):mode("append"):save() end)
  for _, want in ipairs({ 'column "id" is string in the DataFrame but numeric(38,0) in the table',
      'column "amount" is decimal(10,3) in the DataFrame but numeric(10,2) in the table, which would round it',
      'column "extra" of the DataFrame is not in the table',
      'column "must" of the table is NOT NULL, has no default',
      "nothing was written" }) do
    t.ok(err:find(want, 1, true), want .. " in " .. err)
  end
  t.ok(not err:find(password, 1, true), "no password in the error")
  t.eq(count(tbl), 0)
end)

t.test("a value that does not fit aborts the COPY and the transaction: no row is written", function()
  local tbl = t.unique("narrow")
  pg.execute(ci, ("CREATE TABLE %s (n integer, s varchar(3))"):format(tbl))
  local many = {}
  for i = 1, 5000 do many[i] = { i, "ok" } end
  many[4000] = { 2 ^ 40, "ok" }
  local err = t.raises(function() writer(spark:createDataFrame(many, "n bigint, s string"), tbl):mode("append"):save() end)
  t.ok(err:find('row 4000, column "n": the value is out of range for integer', 1, true), err)
  many[4000] = { 1, "long" }
  err = t.raises(function() writer(spark:createDataFrame(many, "n bigint, s string"), tbl):mode("append"):save() end)
  t.ok(err:find("value too long for type character varying(3)", 1, true), err)
  t.ok(err:find("22001", 1, true), err)
  t.eq(count(tbl), 0)
end)

t.test("a double beyond real's range is refused as PostgreSQL's cast refuses it; NaN and the infinities pass", function()
  local tbl = t.unique("real")
  pg.execute(ci, ("CREATE TABLE %s (n int, c real)"):format(tbl))
  for _, case in ipairs { { 1e300, "1e+300 is out of range for real (overflow)" },
                          { -1e300, "-1e+300 is out of range for real (overflow)" },
                          { 1e-300, "1e-300 is out of range for real (underflow)" },
                          { -1e-50, "-1e-50 is out of range for real (underflow)" },
                          { 3.4028236e38, "3.4028236e+38 is out of range for real (overflow)" } } do
    local df = spark:createDataFrame({ { 1, 1.5 }, { 2, case[1] }, { 3, 2.5 } }, "n int, c double")
    local err = t.raises(function() writer(df, tbl):mode("append"):save() end)
    t.has(err, 'row 2, column "c": the value ' .. case[2])
    t.has(err, "the write was rolled back: none of its rows is in the table")
    t.eq(count(tbl), 0, "nothing written for " .. tostring(case[1]))
  end
  -- what real holds passes: its extremes, the subnormals, the signed zeros, NaN, the infinities
  local fits = { 3.4028234663852886e38, -3.4028234663852886e38, 1.1754943508222875e-38, 1.401298464324817e-45,
                 0.0, -0.0, 0 / 0, 1 / 0, -1 / 0 }
  local rows = {}
  for i, v in ipairs(fits) do rows[i] = { i, v } end
  t.eq((writer(spark:createDataFrame(rows, "n int, c double"), tbl):mode("append"):save()), #fits)
  local back = pg.query(ci, ("SELECT n, c::text AS c FROM %s ORDER BY n"):format(tbl)):collect()
  local want = { "3.4028235e+38", "-3.4028235e+38", "1.1754944e-38", "1e-45", "0", "-0", "NaN", "Infinity", "-Infinity" }
  for i, w in ipairs(want) do t.eq(back[i].c, w, "row " .. i) end
end)

-- Bytes that are not UTF-8, and what Java's decoder (new String(bytes,
-- UTF_8): Spark's UTF8String.toString) makes of them, as hex (checked
-- with OpenJDK 17): each maximal subpart of a sequence becomes U+FFFD.
local NOT_UTF8 = {
  { "626164ff", "626164efbfbd" }, -- a stray byte
  { "c0af", "efbfbdefbfbd" }, -- an overlong form: C0 never starts one
  { "e080af", "efbfbdefbfbdefbfbd" }, -- overlong: E0 needs A0..BF next
  { "eda080", "efbfbd" }, -- an encoded surrogate: one U+FFFD in Java
  { "eda041", "efbfbd41" },
  { "e28241", "efbfbd41" }, -- a 3-byte sequence cut short
  { "e282", "efbfbd" }, -- ... at the end
  { "f09f9841", "efbfbd41" },
  { "f09f98", "efbfbd" },
  { "f4908080", "efbfbdefbfbdefbfbdefbfbd" }, -- beyond U+10FFFF
  { "f580", "efbfbdefbfbd" },
  { "80", "efbfbd" },
  { "c241", "efbfbd41" },
  { "f0808080", "efbfbdefbfbdefbfbdefbfbd" },
  { "f7bfbfbf", "efbfbdefbfbdefbfbdefbfbd" },
  { string.rep("61", 20) .. "ff" .. string.rep("62", 17), string.rep("61", 20) .. "efbfbd" .. string.rep("62", 17) },
  { "c3a9f09f9880e282ac", "c3a9f09f9880e282ac" }, -- valid: unchanged
}

local function unhex(h) return (h:gsub("..", function(x) return string.char(tonumber(x, 16)) end)) end

t.test("invalid UTF-8 in text is written as Spark writes it, each malformed sequence as U+FFFD, and said", function()
  local tbl = t.unique("utf8")
  pg.execute(ci, ("CREATE TABLE %s (n int, s text, v varchar(60), c char(60), j json, jb jsonb, b bytea)"):format(tbl))
  local rows = {}
  for i, case in ipairs(NOT_UTF8) do
    local raw = unhex(case[1])
    rows[i] = { i, raw, raw, raw, '{"k": "' .. raw .. '"}', '["' .. raw .. '"]', raw }
  end
  local df = spark:createDataFrame(rows, "n int, s string, v string, c string, j string, jb string, b binary")
  local lines = t.stderr_of(function() t.eq((writer(df, tbl):mode("append"):save()), #rows) end)
  t.eq(#lines, 1, "one line on stderr")
  t.has(lines[1], ("tide: 80 values written to %q held invalid UTF-8; each malformed sequence was replaced by "
    .. 'U+FFFD, as Spark\'s JDBC writer does (the first: row 1 of the DataFrame, column "s")'):format(tbl))
  local back = pg.query(ci, ([[SELECT n, encode(convert_to(s, 'UTF8'), 'hex') AS s, encode(convert_to(v, 'UTF8'), 'hex') AS v,
      encode(convert_to(rtrim(c), 'UTF8'), 'hex') AS c, encode(convert_to(j->>'k', 'UTF8'), 'hex') AS j,
      encode(convert_to(jb->>0, 'UTF8'), 'hex') AS jb, encode(b, 'hex') AS b FROM %s ORDER BY n]]):format(tbl)):collect()
  for i, case in ipairs(NOT_UTF8) do
    for _, col in ipairs { "s", "v", "c", "j", "jb" } do t.eq(back[i][col], case[2], ("%s of %s"):format(col, case[1])) end
    t.eq(back[i].b, case[1], "bytea is bytes: as they are")
  end
  -- valid text says nothing
  lines = t.stderr_of(function() writer(spark:createDataFrame({ { 99, "héllo" } }, "n int, s string"), tbl):mode("append"):save() end)
  t.eq(#lines, 0)
end)

t.test("a NUL byte in text fails the save naming its row and column; nothing is written", function()
  local tbl = t.unique("nul")
  pg.execute(ci, ("CREATE TABLE %s (n int, s text)"):format(tbl))
  local many = {}
  for i = 1, 3000 do many[i] = { i, "fine, and longer than sixteen bytes" } end
  many[2500] = { 2500, "abc\0def" }
  local err = t.raises(function() writer(spark:createDataFrame(many, "n int, s string"), tbl):mode("append"):save() end)
  t.has(err, [[row 2500, column "s": the value holds a NUL byte (0x00, byte 4 of 7), which PostgreSQL's text types cannot store]])
  t.has(err, "the write was rolled back")
  t.eq(count(tbl), 0)
  -- also after invalid bytes, and in a long value
  many[2500] = { 2500, "\255" .. string.rep("x", 40) .. "\0" }
  err = t.raises(function() writer(spark:createDataFrame(many, "n int, s string"), tbl):mode("append"):save() end)
  t.has(err, [[row 2500, column "s": the value holds a NUL byte (0x00, byte 42 of 42)]])
  t.eq(count(tbl), 0)
end)

t.test("an error the server gives a row names the row of the DataFrame and says nothing was written", function()
  local tbl = t.unique("server_row")
  pg.execute(ci, ("CREATE TABLE %s (id bigint PRIMARY KEY, s varchar(5) NOT NULL)"):format(tbl))
  local many = {}
  for i = 1, 400 do many[i] = { i, "ok" } end
  many[135] = { 135, nil }
  local err = t.raises(function() writer(spark:createDataFrame(many, "id bigint, s string"), tbl):mode("append"):save() end)
  t.has(err, 'null value in column "s"')
  t.has(err, "; the row is row 135 of the DataFrame written; the write was rolled back: none of its rows is in the table")
  t.eq(count(tbl), 0)
end)

t.test("a COPY in steps: batches sent one by one, errors numbered from its first row, an abort", function()
  local tbl = t.unique("steps")
  pg.execute(ci, ("CREATE TABLE %s (n integer)"):format(tbl))
  local conn = pg.connect(ci, "steps")
  local function batch(values)
    local rows = {}
    for i, v in ipairs(values) do rows[i] = { v } end
    return spark:createDataFrame(rows, "n bigint"):toBatch()
  end
  local sql = "COPY " .. tbl .. " (n) FROM STDIN (FORMAT binary)"
  conn:command("BEGIN")
  conn:copyBegin(sql)
  t.eq(conn:copyRows(batch { 1, 2, 3 }, { 1 }, { 23 }), 3)
  t.eq(conn:copyRows(batch {}, { 1 }, { 23 }), 0)
  t.eq(conn:copyRows(batch { 4, 5 }, { 1 }, { 23 }), 2)
  t.eq(conn:copyEnd(), 5)
  conn:command("COMMIT")
  t.eq(count(tbl), 5)
  -- a value that does not fit, in the second batch: named by its row in the COPY
  conn:command("BEGIN")
  conn:copyBegin(sql)
  conn:copyRows(batch { 6, 7, 8 }, { 1 }, { 23 })
  local err = t.raises(function() conn:copyRows(batch { 9, 2 ^ 40 }, { 1 }, { 23 }) end)
  t.ok(tostring(err):find('row 5, column "n": the value is out of range for integer', 1, true), tostring(err))
  t.raises(function() conn:copyEnd() end, "no COPY in progress")
  conn:command("ROLLBACK")
  -- given up by the caller: the server gets the reason, the connection is usable
  conn:command("BEGIN")
  conn:copyBegin(sql)
  conn:copyRows(batch { 10 }, { 1 }, { 23 })
  conn:copyAbort("the rows could not be made")
  t.ok(conn:inTransaction(), "the transaction is left to roll back")
  conn:command("ROLLBACK")
  conn:copyAbort("nothing in progress: no-op")
  t.eq(count(tbl), 5, "neither failed COPY wrote a row")
  t.eq(tonumber(pg.query(ci, "SELECT sum(n) AS s FROM " .. tbl):collect()[1].s), 15)
end)

t.test("columns match case-insensitively when unambiguous; the table's extra columns take defaults", function()
  local tbl = t.unique("cases")
  pg.execute(ci, ('CREATE TABLE %s ("ID" bigint, "Name" text, created timestamptz DEFAULT now(), small int2)'):format(tbl))
  writer(spark:createDataFrame({ { 7, "x", 3 } }, "id bigint, name string, small int"), tbl):mode("append"):save()
  local r = pg.query(ci, ("SELECT \"ID\" AS id, \"Name\" AS name, created IS NOT NULL AS c, small FROM %s"):format(tbl)):collect()[1]
  t.eq(r.id, 7); t.eq(r.name, "x"); t.eq(r.c, true); t.eq(r.small, 3)
end)

t.test("an existing table's other types take what fits them", function()
  local tbl = t.unique("wide")
  pg.execute(ci, ("CREATE TABLE %s (j jsonb, js json, tz timestamptz, f4 real, c char(3), nm name, " ..
    "i8 bigint, i2 smallint, d8 float8, n numeric, vc varchar(10))"):format(tbl))
  local df = spark:createDataFrame({ { '{"a": [1, 2]}', '{"b":1}', "2024-01-02 03:04:05.5", 1.5, "ab", "nm",
    "9223372036854775807", 7, "1.25", 9007199254740993LL, "x" } },
    "j string, js string, tz timestamp, f4 double, c string, nm string, i8 decimal(20,0), i2 bigint, " ..
    "d8 decimal(5,2), n bigint, vc string")
  writer(df, tbl):mode("append"):save()
  local r = pg.query(ci, ("SELECT j->'a'->>1 AS j, js::text AS js, tz = '2024-01-02 03:04:05.5+00' AS tz, f4, c, nm::text AS nm, " ..
    "i8, i2, d8, n::text AS n, vc FROM %s"):format(tbl)):collect()[1]
  t.eq(r.j, "2"); t.eq(r.js, '{"b":1}'); t.eq(r.tz, true); t.eq(r.f4, 1.5); t.eq(r.c, "ab "); t.eq(r.nm, "nm")
  t.eq(tostring(r.i8), "9223372036854775807LL"); t.eq(r.i2, 7); t.eq(r.d8, 1.25); t.eq(r.n, "9007199254740993")
  t.eq(r.vc, "x")
  local err = t.raises(function()
    writer(spark:createDataFrame({ { "9223372036854775808" } }, "i8 decimal(20,0)"), tbl):mode("append"):save()
  end, "out of range for bigint")
  t.ok(err:find('row 1, column "i8"', 1, true), err)
end)

t.test("hostile table and column names are quoted, never run as SQL", function()
  pg.execute(ci, 'CREATE SCHEMA IF NOT EXISTS "Odd Schema"')
  local name = t.unique("we") .. '"ird; DROP TABLE x --'
  local dbtable = '"Odd Schema"."' .. name:gsub('"', '""') .. '"'
  local schema = T.struct { T.field('a"b', T.int), T.field("c; DROP TABLE y --", T.string), T.field("Upper Case", T.long) }
  local df = spark:createDataFrame({ { 1, "one", 2 } }, schema)
  t.eq((writer(df, dbtable):save()), 1)
  t.eq((writer(df, dbtable):mode("append"):save()), 1)
  local back = spark.read:format("postgres"):option("url", ci):option("dbtable", dbtable):load()
  t.eq(back:count(), 2)
  t.same_table(back.columns, { 'a"b', "c; DROP TABLE y --", "Upper Case" })
  t.eq(back:collect()[1]["c; DROP TABLE y --"], "one")
end)

t.test("exactly once: a save tied to an epoch writes once, a replay writes nothing", function()
  local tbl, commits = t.unique("eo"), t.unique("commits")
  local df = spark:createDataFrame({ { 1 }, { 2 }, { 3 } }, "a int")
  local function save(epoch)
    return writer(df, tbl):mode("append"):option("queryId", "q-1"):option("epochId", epoch)
      :option("commitTable", commits):save()
  end
  t.same_table({ save(0) }, { 3, "written" })
  t.same_table({ save(0) }, { 0, "skipped" })
  t.same_table({ save(1) }, { 3, "written" })
  t.eq(count(tbl), 6)
  local m = pg.query(ci, "SELECT query_id, target, epoch_id, seq, num_rows FROM " .. commits .. " ORDER BY epoch_id"):collect()
  t.eq(#m, 2); t.eq(m[1].query_id, "q-1"); t.eq(m[1].target, "public." .. tbl); t.eq(m[2].epoch_id, 1)
  t.eq(m[1].num_rows, 3)
  -- The table spelt another way is the same table: the replay is found.
  for _, spelling in ipairs({ "public." .. tbl, tbl:upper(), '"public"."' .. tbl .. '"' }) do
    local rows, status = writer(df, spelling):mode("append"):option("queryId", "q-1"):option("epochId", 1)
      :option("commitTable", commits):save()
    t.same_table({ rows, status }, { 0, "skipped" }, spelling)
  end
  -- A marker written before markers named the resolved table (the table as
  -- it was given, quoted) is found too.
  pg.query(ci, "INSERT INTO " .. commits .. " (query_id, target, epoch_id, seq, num_rows) VALUES ('q-1', $1, 2, 0, 3)",
    '"' .. tbl .. '"')
  t.same_table({ save(2) }, { 0, "skipped" })
  t.eq(count(tbl), 6)
  t.raises(function() writer(df, tbl):mode("append"):option("epochId", 3):save() end, "needs option queryId")
end)

t.test("saves of one table after the first reuse the writer's prepared statements; a server that forgot them is served", function()
  local tbl, commits = t.unique("eoprep"), t.unique("commits")
  local df = spark:createDataFrame({ { 1 }, { 2 } }, "a int")
  local function save(epoch)
    return writer(df, tbl):mode("append"):option("queryId", "q-p"):option("epochId", epoch)
      :option("commitTable", commits):save()
  end
  t.same_table({ save(0) }, { 2, "written" })
  local conn = pg.connect(ci, "write")
  local function prepared()
    return tonumber(conn:exec("SELECT count(*) AS n FROM pg_prepared_statements"):collect()[1].n)
  end
  local before = prepared()
  t.ok(before >= 1, "the claim and catalog statements are prepared")
  t.same_table({ save(1) }, { 2, "written" })
  t.eq(prepared(), before, "prepared once, then only executed")
  -- as a transaction-pooling proxy would: the statements are gone
  conn:command("DISCARD ALL")
  t.same_table({ save(2) }, { 2, "written" })
  t.same_table({ save(2) }, { 0, "skipped" })
  t.eq(count(tbl), 6)
  t.eq(count(commits), 3)
end)

t.test("appends after the first go by the table as the connection learnt it; a table changed since is read again", function()
  local tbl, commits = t.unique("learnt"), t.unique("commits")
  -- a connection of its own (one that a test before made stop preparing
  -- would hide the count below)
  local own = ci .. " application_name=learnt"
  local function save(df, epoch)
    return df.write:format("jdbc"):option("url", own):option("dbtable", tbl):mode("append"):option("queryId", "q-l")
      :option("epochId", epoch):option("commitTable", commits):save()
  end
  local conn = pg.connect(own, "write")
  -- the claim and catalog statements run as prepared statements: their
  -- executions are counted there
  local function executed()
    return tonumber(conn:exec("SELECT coalesce(sum(generic_plans + custom_plans), 0) AS n FROM pg_prepared_statements")
      :collect()[1].n)
  end
  local ints = function(...)
    local r = {}
    for i, v in ipairs({ ... }) do r[i] = { v } end
    return spark:createDataFrame(r, "n int")
  end
  t.same_table({ save(ints(1, 2), 0) }, { 2, "written" })
  local catalog = executed()
  t.ok(catalog >= 1, "the first append asked the catalog")
  t.same_table({ save(ints(3), 1) }, { 1, "written" })
  t.eq(executed(), catalog, "no catalog query once the table is known")
  -- a replay: its marker fails the quick append, the full one finds it
  t.same_table({ save(ints(3), 1) }, { 0, "skipped" })
  -- a column's type changed to another of the same width (a binary COPY
  -- of the int's four bytes into it would store them as a real): the
  -- table is read again and 4 is written as 4
  pg.execute(ci, ("ALTER TABLE %s ALTER COLUMN n TYPE real"):format(tbl))
  t.same_table({ save(ints(4), 2) }, { 1, "written" })
  t.eq(column_types(tbl), "n real")
  t.same_table(pg.query(ci, ("SELECT n FROM %s ORDER BY n"):format(tbl)):collect(),
    { { n = 1 }, { n = 2 }, { n = 3 }, { n = 4 } })
  -- dropped: created again
  pg.execute(ci, "DROP TABLE " .. tbl)
  t.same_table({ save(ints(5, 6), 3) }, { 2, "written" })
  t.eq(count(tbl), 2)
  t.same_table({ save(ints(), 4) }, { 0, "written" })
  -- a column the rows cannot fill: the full check's error, nothing written
  pg.execute(ci, ("ALTER TABLE %s ADD COLUMN extra int NOT NULL DEFAULT 0"):format(tbl))
  pg.execute(ci, ("ALTER TABLE %s ALTER COLUMN extra DROP DEFAULT"):format(tbl))
  t.raises(function() save(ints(7), 5) end, 'column "extra" of the table is NOT NULL, has no default')
  t.eq(count(tbl), 2)
  local m = pg.query(ci, "SELECT epoch_id, num_rows FROM " .. commits .. " ORDER BY epoch_id"):collect()
  t.eq(#m, 5); t.eq(m[2].num_rows, 1); t.eq(m[4].epoch_id, 3); t.eq(m[4].num_rows, 2); t.eq(m[5].num_rows, 0)
end)

t.test("every 100 epochs the markers older than 100 epochs go, whichever way the append went", function()
  local tbl, commits = t.unique("prune"), t.unique("commits")
  local df = spark:createDataFrame({ { 1 } }, "a int")
  local function save(epoch, url)
    return df.write:format("jdbc"):option("url", url or ci):option("dbtable", tbl):mode("append")
      :option("queryId", "q-prune"):option("epochId", epoch):option("commitTable", commits):save()
  end
  local function epochs()
    local out = {}
    for i, r in ipairs(pg.query(ci, "SELECT epoch_id FROM " .. commits .. " ORDER BY epoch_id"):collect()) do
      out[i] = r.epoch_id
    end
    return out
  end
  for _, e in ipairs({ 0, 1, 100, 150, 200 }) do t.same_table({ save(e) }, { 1, "written" }) end
  t.same_table(epochs(), { 100, 150, 200 })
  -- a connection that has not written the table yet: the full transaction
  t.same_table({ save(300, ci .. " application_name=prune") }, { 1, "written" })
  t.same_table(epochs(), { 200, 300 })
  t.eq(count(tbl), 6)
end)

t.test("a duplicate key in the table itself fails an append the connection knows, never reads as a replay", function()
  local tbl, commits = t.unique("pk"), t.unique("commits")
  pg.execute(ci, ("CREATE TABLE %s (a int PRIMARY KEY)"):format(tbl))
  local function save(epoch, ...)
    local r = {}
    for i, v in ipairs({ ... }) do r[i] = { v } end
    return writer(spark:createDataFrame(r, "a int"), tbl):mode("append"):option("queryId", "q-pk")
      :option("epochId", epoch):option("commitTable", commits):save()
  end
  t.same_table({ save(0, 1, 2) }, { 2, "written" })
  t.raises(function() save(1, 2, 3) end, "duplicate key")
  t.eq(count(tbl), 2)
  t.eq(count(commits), 1)
  t.same_table({ save(1, 3) }, { 1, "written" })
end)

t.test("the marker's values go into SQL as literals exactly: quotes, backslashes, a hostile table name", function()
  local tbl, commits = t.unique("eo'q\\b"), t.unique("commits")
  local qtbl = '"' .. tbl .. '"'
  local df = spark:createDataFrame({ { 1 } }, "a int")
  local qid = [[q'; DROP TABLE x; -- \' \\n E'\'']]
  local function save(epoch)
    return writer(df, qtbl):mode("append"):option("queryId", qid):option("epochId", epoch)
      :option("commitTable", commits):save()
  end
  t.same_table({ save(7) }, { 1, "written" })
  t.same_table({ save(7) }, { 0, "skipped" })
  local m = pg.query(ci, "SELECT query_id, target, epoch_id FROM " .. commits):collect()
  t.eq(#m, 1); t.eq(m[1].query_id, qid); t.eq(m[1].target, "public." .. qtbl); t.eq(m[1].epoch_id, 7)
  t.eq(pg.literal([[a'b\c]]), [[E'a''b\\c']])
end)

t.test("a failed epoch leaves no marker, so its retry writes it", function()
  local tbl, commits = t.unique("eofail"), t.unique("commits")
  pg.execute(ci, ("CREATE TABLE %s (n integer)"):format(tbl))
  local function save(df)
    return writer(df, tbl):mode("append"):option("queryId", "q"):option("epochId", 5):option("commitTable", commits):save()
  end
  t.raises(function() save(spark:createDataFrame({ { 1 }, { 2 ^ 40 } }, "n bigint")) end, "out of range")
  t.eq(count(commits), 0); t.eq(count(tbl), 0)
  t.same_table({ save(spark:createDataFrame({ { 1 }, { 2 } }, "n bigint")) }, { 2, "written" })
  t.eq(count(commits), 1); t.eq(count(tbl), 2)
end)

t.test("a connection refused for its credentials fails at once, without retries", function()
  local wrong = ci:gsub("password=%S+", "password=not-the-one")
  local df = spark:createDataFrame({ { 1 } }, "a int")
  local t0 = tide.now()
  local err = t.raises(function()
    df.write:format("jdbc"):option("url", wrong):option("dbtable", "x"):option("maxRetries", 3)
      :option("retryDelayMs", 500):mode("append"):save()
  end, "password authentication failed")
  t.ok(not err:find("retries", 1, true), err)
  t.ok(tide.now() - t0 < 0.5, "no backoff before the error")
end)

t.test("a lost connection is retried with backoff, then the error is raised", function()
  local dead = "host=127.0.0.1 port=1 dbname=tide user=tide password=" .. password .. " connect_timeout=2"
  local df = spark:createDataFrame({ { 1 } }, "a int")
  local t0 = tide.now()
  local err = t.raises(function()
    df.write:format("jdbc"):option("url", dead):option("dbtable", "x"):option("maxRetries", 2)
      :option("retryDelayMs", 50):mode("append"):save()
  end, "after 2 retries")
  t.ok(tide.now() - t0 >= 0.15, "waited 50 + 100 ms")
  t.ok(err:find("Connection refused", 1, true), err)
  t.ok(not err:find(password, 1, true), err)
  -- a pooled connection killed by the server: the next save reconnects
  local tbl = t.unique("lost")
  writer(df, tbl):save()
  local pid = pg.connect(ci, "write"):exec("SELECT pg_backend_pid() AS p"):collect()[1].p
  local other = pg.open(ci)
  other:exec("SELECT pg_terminate_backend($1)", pid)
  other:close()
  t.same_table({ writer(df, tbl):mode("append"):option("retryDelayMs", 10):save() }, { 1, "written" })
  t.eq(count(tbl), 2)
end)

t.test("statements share a connection, so a script's transaction spans its calls", function()
  local tbl = t.unique("txn")
  pg.execute(ci, ("CREATE TABLE %s (a int)"):format(tbl))
  pg.execute(ci, "BEGIN")
  pg.execute(ci, ("INSERT INTO %s VALUES (1)"):format(tbl))
  -- a writer meanwhile uses its own connection and commits on its own
  writer(spark:createDataFrame({ { 2 } }, "a int"), tbl):mode("append"):save()
  pg.execute(ci, "ROLLBACK")
  t.same_table(pg.query(ci, "SELECT a FROM " .. tbl):collect()[1], { a = 2 })
  t.eq(count(tbl), 1)
end)

t.test("a large batch goes through binary COPY intact", function()
  local src, dst = t.unique("big_src"), t.unique("big_dst")
  pg.execute(ci, ([[CREATE TABLE %s AS SELECT (g::numeric(38,0) + 18446744073709551615)::numeric(38,0) AS id,
    g / 7.0::float8 AS probability, timestamp '2024-01-01' + g * interval '1 microsecond' AS processed_at,
    CASE WHEN g %% 10 = 0 THEN NULL ELSE 'row ' || g END AS label FROM generate_series(1, 300000) g]]):format(src))
  local df = spark.read:format("jdbc"):option("url", ci):option("dbtable", src):load()
  t.eq(df:count(), 300000)
  writer(df, dst):mode("append"):save()
  local diff = pg.query(ci, ("SELECT count(*) AS n FROM (SELECT * FROM %s EXCEPT ALL SELECT * FROM %s) d"):format(src, dst))
  t.eq(diff:collect()[1].n, 0)
  t.eq(count(dst), 300000)
end)

t.test("the jdbc source: dbtable, query, subqueries; each action reads afresh", function()
  local tbl = t.unique("src")
  pg.execute(ci, ("CREATE TABLE %s AS SELECT g AS a FROM generate_series(1, 3) g"):format(tbl))
  local df = spark.read:format("jdbc"):option("url", ci):option("dbtable", tbl):load()
  t.eq(df:count(), 3)
  pg.execute(ci, ("INSERT INTO %s VALUES (4)"):format(tbl))
  t.eq(df:count(), 4)
  local sub = spark.read:format("jdbc"):option("url", ci):option("dbtable", ("(SELECT a * 2 AS b FROM %s) AS t"):format(tbl)):load()
  t.eq(sub.columns[1], "b"); t.eq(sub:count(), 4)
  t.raises(function() spark.read:format("jdbc"):option("url", ci):option("dbtable", tbl):option("query", "SELECT 1"):load() end,
    "can not be specified at the same time")
  t.raises(function() spark.read:format("jdbc"):option("url", ci):load() end, "'dbtable' or 'query' is required")
  t.raises(function() spark.read:format("jdbc"):schema("a int"):option("url", ci):option("dbtable", tbl):load() end,
    "does not allow user%-specified schemas")
end)

t.test("df.write:jdbc(url, table, mode, properties) and unsupported formats", function()
  local tbl = t.unique("short")
  local host, port, user = ci:match("host=(%S+)"), ci:match("port=(%S+)"), ci:match("user=(%S+)")
  local df = spark:createDataFrame({ { 1 } }, "a int")
  local n = df.write:jdbc(("jdbc:postgresql://%s:%s/tide"):format(host, port), tbl, "append", { user = user, password = password })
  t.eq(n, 1)
  t.raises(function() df.write:format("parquet"):save("/tmp/x") end, 'format "parquet" is not supported')
  t.raises(function() df.write:format("jdbc"):option("url", ci):save() end, "'dbtable' is required")
end)

-- ---- dates ------------------------------------------------------------------------------

local function data_type(tbl, column)
  return pg.query(ci, "SELECT data_type AS t FROM information_schema.columns WHERE table_name = $1 AND column_name = $2",
    tbl, column):collect()[1].t
end

-- The values of a column in PostgreSQL's text, by id.
local function server_text(tbl, column)
  local out = {}
  for _, r in ipairs(pg.query(ci, ("SELECT id, %s::text AS v FROM %s ORDER BY id"):format(column, tbl)):collect()) do
    out[r.id] = r.v == nil and "NULL" or r.v
  end
  return out
end

local DATES = { { 1, "2024-02-29" }, { 2, "1969-12-31" }, { 3, nil }, { 4, "-0043-03-15" }, { 5, "-4713-11-24" },
                { 6, "+5874897-12-31" }, { 7, "1970-01-01" }, { 8, "2000-01-01" } }

t.test("a date column creates DATE, as Spark's JdbcUtils, and dates round-trip exactly, BC and far years too", function()
  local tbl = t.unique("dates")
  local df = spark:createDataFrame(DATES, "id int, d date")
  t.eq((writer(df, tbl):mode("append"):save()), #DATES)
  t.eq(data_type(tbl, "d"), "date")
  -- the server's dates: year 0 of the proleptic calendar is 1 BC
  t.same_table(server_text(tbl, "d"), { "2024-02-29", "1969-12-31", "NULL", "0044-03-15 BC", "4714-11-24 BC",
    "5874897-12-31", "1970-01-01", "2000-01-01" })
  -- read back as dates: the jdbc source (binary results) and a query in text format (the interval has no
  -- binary decoder), both alike
  local back = spark.read:format("jdbc"):option("url", ci):option("query", "SELECT * FROM " .. tbl .. " ORDER BY id"):load()
  t.eq(back.schema, df.schema)
  local text = pg.query(ci, ("SELECT id, d, interval '1 day' AS a FROM %s ORDER BY id"):format(tbl))
  t.eq(text.schema.fields[2].dataType, T.date)
  local want, got, got_text = df:collect(), back:collect(), text:collect()
  for i = 1, #DATES do
    t.eq(got[i].d, want[i].d, "binary, row " .. i)
    t.eq(got_text[i].d, want[i].d, "text, row " .. i)
  end
  -- compared by the server as dates
  t.eq(pg.query(ci, ("SELECT count(*) AS n FROM %s WHERE d = DATE '2024-02-29' OR d = DATE '0044-03-15 BC'"):format(tbl))
    :collect()[1].n, 2)
end)

t.test("date ±infinity reads as the ends of date's range, which sort as infinities and are written back as them", function()
  local src, dst = t.unique("inf_dates"), t.unique("inf_dates_back")
  pg.execute(ci, ("CREATE TABLE %s (id int, d date)"):format(src))
  pg.execute(ci, ("INSERT INTO %s VALUES (1, 'infinity'), (2, '-infinity'), (3, '2000-01-01'), (4, NULL)"):format(src))
  local df = spark.read:format("jdbc"):option("url", ci):option("dbtable", src):load()
  local byid = {}
  for _, r in ipairs(df:collect()) do byid[r.id] = r.d end
  t.eq(byid[1], "+5881580-07-11"); t.eq(byid[2], "-5877641-06-23"); t.eq(byid[3], "2000-01-01"); t.eq(byid[4], nil)
  t.same_table(t.rows(df:orderBy("d"):select("id")), { "4", "2", "3", "1" })
  local text = pg.query(ci, ("SELECT id, d, interval '1 day' AS a FROM %s ORDER BY id"):format(src)):collect()
  t.eq(text[1].d, byid[1]); t.eq(text[2].d, byid[2])
  writer(df, dst):mode("append"):save()
  t.same_table(server_text(dst, "d"), { "infinity", "-infinity", "2000-01-01", "NULL" })
  t.eq(pg.query(ci, ("SELECT count(*) AS n FROM %s WHERE NOT isfinite(d)"):format(dst)):collect()[1].n, 2)
end)

t.test("a date PostgreSQL cannot store fails the save naming its row and column; nothing is written", function()
  for _, case in ipairs { { "-4713-11-23", 2 }, { "+5874898-01-01", 3 }, { "+5881580-07-10", 1 } } do
    local tbl = t.unique("far_dates")
    pg.execute(ci, ("CREATE TABLE %s (id int, d date)"):format(tbl))
    local rows = { { 1, "2024-01-01" }, { 2, "2024-01-02" }, { 3, "2024-01-03" } }
    rows[case[2]] = { case[2], case[1] }
    local err = t.raises(function()
      writer(spark:createDataFrame(rows, "id int, d date"), tbl):mode("append"):save()
    end)
    t.has(err, ('row %d, column "d": the value %s is out of range for PostgreSQL\'s date (-4713-11-24 to +5874897-12-31)')
      :format(case[2], case[1]))
    t.has(err, "none of its rows is in the table")
    t.eq(count(tbl), 0)
  end
end)

t.test("into an existing table a date goes into date; a string and other types are refused up front", function()
  local tbl = t.unique("date_targets")
  pg.execute(ci, ("CREATE TABLE %s (id int, d date NOT NULL, n int, j jsonb)"):format(tbl))
  writer(spark:createDataFrame({ { 1, "2024-03-01" } }, "id int, d date"), tbl):mode("append"):save()
  t.same_table(server_text(tbl, "d"), { "2024-03-01" })
  local err = t.raises(function()
    writer(spark:createDataFrame({ { 2, "2024-03-02", "2024-03-02", "2024-03-02" } }, "id int, d string, n date, j date"),
      tbl):mode("append"):save()
  end)
  for _, want in ipairs({ 'column "d" is string in the DataFrame but date in the table',
      'column "n" is date in the DataFrame but integer in the table',
      'column "j" is date in the DataFrame but jsonb in the table', "nothing was written" }) do
    t.has(err, want)
  end
  -- a CAST makes the types meet, as in Spark
  writer(spark:createDataFrame({ { 3, "2024-03-03" } }, "id int, d string"):selectExpr("id", "CAST(d AS DATE) AS d"), tbl)
    :mode("append"):save()
  t.same_table(server_text(tbl, "d"), { "2024-03-01", nil, "2024-03-03" })
  t.eq(count(tbl), 2)
end)

-- ---- dates and timestamps into other types, in a session time zone ---------------------

-- Runs fn with the session time zone `zone`, then puts UTC back.
local function in_zone(zone, fn)
  spark.conf:set("spark.sql.session.timeZone", zone)
  local ok, err = pcall(fn)
  spark.conf:set("spark.sql.session.timeZone", "UTC")
  if not ok then error(err, 0) end
end

-- The rows of sql run by PostgreSQL with its TimeZone set to zone (on a
-- connection of its own): the server's own conversions in that zone.
local function server_rows(zone, sql)
  local conn = pg.open(ci)
  local ok, rows = pcall(function()
    conn:command("SET TimeZone = " .. pg.literal(zone))
    return require("tide.session").localFrame(spark, (conn:exec(sql))):collect()
  end)
  conn:close()
  if not ok then error(rows, 0) end
  return rows
end

-- server_text in UTC (the server's text of a timestamptz is in the session time zone).
local function utc_text(tbl, column)
  local out = {}
  for _, r in ipairs(server_rows("UTC", ("SELECT id, %s::text AS v FROM %s ORDER BY id"):format(column, tbl))) do
    out[r.id] = r.v == nil and "NULL" or r.v
  end
  return out
end

local function read_back(tbl)
  return spark.read:format("jdbc"):option("url", ci)
    :option("query", ("SELECT * FROM %s ORDER BY id"):format(tbl)):load():collect()
end

-- 2018-11-04 began at 01:00 in Sao Paulo: its clocks skipped midnight.
local DAYS = { { 1, "2024-03-10" }, { 2, "2018-11-04" }, { 3, "-0043-03-15" }, { 4, "+10000-01-01" }, { 5, nil },
               { 6, "1970-01-01" } }

t.test("a date goes into timestamp as its midnight, timestamptz as its first instant in the session zone", function()
  -- the instants, in UTC, that PostgreSQL's own date::timestamptz gives in each zone
  local first_instants = {
    UTC = { "2024-03-10 00:00:00+00", "2018-11-04 00:00:00+00", "0044-03-15 00:00:00+00 BC", "10000-01-01 00:00:00+00",
            "NULL", "1970-01-01 00:00:00+00" },
    ["Europe/Paris"] = { "2024-03-09 23:00:00+00", "2018-11-03 23:00:00+00", "0044-03-14 23:50:39+00 BC",
                         "9999-12-31 23:00:00+00", "NULL", "1969-12-31 23:00:00+00" },
    ["America/Sao_Paulo"] = { "2024-03-10 03:00:00+00", "2018-11-04 03:00:00+00", "0044-03-15 03:06:28+00 BC",
                              "10000-01-01 03:00:00+00", "NULL", "1970-01-01 03:00:00+00" },
  }
  for _, zone in ipairs({ "UTC", "Europe/Paris", "America/Sao_Paulo" }) do
    in_zone(zone, function()
      local tbl = t.unique("date_times")
      pg.execute(ci, ("CREATE TABLE %s (id int, d date, ts timestamp, tz timestamptz)"):format(tbl))
      local df = spark:createDataFrame(DAYS, "id int, d date"):selectExpr("id", "d", "d AS ts", "d AS tz")
      t.eq((writer(df, tbl):mode("append"):save()), #DAYS)
      t.same_table(server_text(tbl, "ts"), { "2024-03-10 00:00:00", "2018-11-04 00:00:00", "0044-03-15 00:00:00 BC",
        "10000-01-01 00:00:00", "NULL", "1970-01-01 00:00:00" }, zone)
      t.same_table(utc_text(tbl, "tz"), first_instants[zone], zone)
      local sql = ("SELECT id, tz = d::timestamptz AS same FROM %s WHERE d IS NOT NULL"):format(tbl)
      for _, r in ipairs(server_rows(zone, sql)) do
        t.eq(r.same, true, ("%s: row %d is the server's date::timestamptz"):format(zone, r.id))
      end
      -- read back, both are the date's first instant, as Spark's CAST(d AS TIMESTAMP): the timestamp is a wall clock
      -- in the session time zone (a midnight the zone skipped moves on to where its gap ends, as in Spark)
      local want = spark:createDataFrame(DAYS, "id int, d date"):selectExpr("CAST(d AS TIMESTAMP) AS t"):collect()
      for i, r in ipairs(read_back(tbl)) do
        t.eq(r.tz, want[i].t, ("%s: tz, row %d"):format(zone, i))
        t.eq(r.ts, want[i].t, ("%s: ts, row %d"):format(zone, i))
      end
    end)
  end
end)

t.test("a date goes into text, varchar and char as PostgreSQL's date text; too long fails naming its row", function()
  local tbl = t.unique("date_text")
  pg.execute(ci, ("CREATE TABLE %s (id int, s text, v varchar(13), c char(14))"):format(tbl))
  local df = spark:createDataFrame(DAYS, "id int, d date"):selectExpr("id", "d AS s", "d AS v", "d AS c")
  in_zone("Asia/Kolkata", function() writer(df, tbl):mode("append"):save() end) -- a date is no instant
  local want = { "2024-03-10", "2018-11-04", "0044-03-15 BC", "10000-01-01", "NULL", "1970-01-01" }
  t.same_table(server_text(tbl, "s"), want)
  t.same_table(server_text(tbl, "v"), want)
  local back = read_back(tbl)
  t.eq(back[1].s, "2024-03-10"); t.eq(back[3].v, "0044-03-15 BC"); t.eq(back[1].c, "2024-03-10    ")
  t.eq(back[5].s, nil)
  -- the server reads each back as the same date
  t.eq(pg.query(ci, ("SELECT count(*) AS n FROM %s WHERE s::date = v::date AND v::date = c::date"):format(tbl))
    :collect()[1].n, 5)
  -- the ends of tide's date range stand for PostgreSQL's infinities (as read from a date column)
  local inf = t.unique("date_text_inf")
  pg.execute(ci, ("CREATE TABLE %s (id int, s text, ts timestamp)"):format(inf))
  writer(spark:createDataFrame({ { 1, "+5881580-07-11" }, { 2, "-5877641-06-23" } }, "id int, d date")
    :selectExpr("id", "d AS s", "d AS ts"), inf):mode("append"):save()
  t.same_table(server_text(inf, "s"), { "infinity", "-infinity" })
  t.same_table(server_text(inf, "ts"), { "infinity", "-infinity" })
  -- too long for varchar(n): the server refuses it, naming the row; nothing is written
  local short = t.unique("date_short")
  pg.execute(ci, ("CREATE TABLE %s (id int, v varchar(10))"):format(short))
  local err = t.raises(function()
    writer(spark:createDataFrame({ { 1, "2024-03-10" }, { 2, "-0043-03-15" } }, "id int, v date"), short)
      :mode("append"):save()
  end)
  t.has(err, "value too long for type character varying(10)")
  t.has(err, ", line 2, column v"); t.has(err, "the row is row 2 of the DataFrame written")
  t.eq(count(short), 0)
end)

t.test("a date beyond PostgreSQL's timestamps fails the save naming its row and column; nothing is written", function()
  local tbl = t.unique("date_far")
  pg.execute(ci, ("CREATE TABLE %s (id int, ts timestamp, tz timestamptz)"):format(tbl))
  local function save(rows, columns)
    return writer(spark:createDataFrame(rows, "id int, d date"):selectExpr("id", columns), tbl):mode("append"):save()
  end
  local ok_rows = { { 1, "2024-01-01" }, { 2, "-4713-11-24" }, { 3, "+294276-12-31" } }
  t.eq(save(ok_rows, "d AS ts"), 3)
  t.same_table(server_text(tbl, "ts"), { "2024-01-01 00:00:00", "4714-11-24 00:00:00 BC", "294276-12-31 00:00:00" })
  local err = t.raises(function() save({ { 4, "2024-01-01" }, { 5, "+294277-01-01" } }, "d AS ts") end)
  t.has(err, 'row 2, column "ts": the value +294277-01-01 is out of range for PostgreSQL\'s timestamp ' ..
    "(-4713-11-24 00:00:00 to +294276-12-31 23:59:59.999999)")
  t.has(err, "none of its rows is in the table")
  err = t.raises(function() save({ { 4, "-4713-11-23" } }, "d AS ts") end)
  t.has(err, 'row 1, column "ts": the value -4713-11-23 is out of range')
  -- into timestamptz the first instant counts: Paris's midnight of the first day is 23:50:39 UTC the day before
  in_zone("Europe/Paris", function()
    err = t.raises(function() save({ { 4, "2024-01-01" }, { 5, "-4713-11-24" } }, "d AS tz") end)
  end)
  t.has(err, 'row 2, column "tz": the value -4713-11-24 is out of range for PostgreSQL\'s timestamp with time zone')
  t.eq(count(tbl), 3)
  t.eq(save({ { 4, "-4713-11-24" } }, "d AS tz"), 1) -- in UTC it is the first instant PostgreSQL has
end)

-- Instants of a timestamp column's rows: a summer and a winter time in Paris, an LMT offset with seconds, a fraction
-- with trailing zeros, a year BC, a year beyond 9999.
local INSTANTS = { { 1, "2024-07-01 12:34:56.5" }, { 2, "2024-01-15 08:00:00" }, { 3, "1890-06-01 00:00:00.000123" },
                   { 4, "-0043-03-15 10:00:00" }, { 5, "+10000-01-01 00:00:00" }, { 6, nil } }

t.test("a timestamp goes into timestamp as its wall clock in the session zone, as Spark's writer sends it", function()
  local want = {
    UTC = { "2024-07-01 12:34:56.5", "2024-01-15 08:00:00", "1890-06-01 00:00:00.000123", "0044-03-15 10:00:00 BC",
            "10000-01-01 00:00:00", "NULL" },
    ["Europe/Paris"] = { "2024-07-01 14:34:56.5", "2024-01-15 09:00:00", "1890-06-01 00:09:21.000123",
                         "0044-03-15 10:09:21 BC", "10000-01-01 01:00:00", "NULL" },
  }
  for _, zone in ipairs({ "UTC", "Europe/Paris" }) do
    local tbl, created = t.unique("wall_clock"), t.unique("wall_clock_new")
    pg.execute(ci, ("CREATE TABLE %s (id int, ts timestamp, tz timestamptz)"):format(tbl))
    local df = spark:createDataFrame(INSTANTS, "id int, ts timestamp"):selectExpr("id", "ts", "ts AS tz")
    in_zone(zone, function()
      writer(df, tbl):mode("append"):save()
      writer(df:select("id", "ts"), created):save() -- a table tide creates: TIMESTAMP, the same
      -- read back in the same zone, the instants are the ones written
      local wrote = df:collect()
      for i, r in ipairs(read_back(tbl)) do
        t.eq(r.ts, wrote[i].ts, ("%s: ts, row %d"):format(zone, i))
        t.eq(r.tz, wrote[i].tz, ("%s: tz, row %d"):format(zone, i))
      end
      for i, r in ipairs(read_back(created)) do t.eq(r.ts, wrote[i].ts, ("%s: created, row %d"):format(zone, i)) end
    end)
    -- the wall clocks (timestamps are written as their instants are shown in the zone, not as UTC's)
    t.same_table(server_text(tbl, "ts"), want[zone], zone)
    t.same_table(server_text(created, "ts"), want[zone], zone)
    -- which is the server's own: the timestamptz of the same instant at its TimeZone there
    local sql = ("SELECT id, ts = tz::timestamp AS same FROM %s WHERE ts IS NOT NULL"):format(tbl)
    for _, r in ipairs(server_rows(zone, sql)) do
      t.eq(r.same, true, ("%s: row %d"):format(zone, r.id))
    end
  end
end)

t.test("a timestamp goes into text as the driver sends it: PostgreSQL's timestamptz text in the zone", function()
  local want = {
    UTC = { "2024-07-01 12:34:56.5+00", "2024-01-15 08:00:00+00", "1890-06-01 00:00:00.000123+00",
            "0044-03-15 10:00:00+00 BC", "10000-01-01 00:00:00+00", "NULL" },
    ["Europe/Paris"] = { "2024-07-01 14:34:56.5+02", "2024-01-15 09:00:00+01", "1890-06-01 00:09:21.000123+00:09:21",
                         "0044-03-15 10:09:21+00:09:21 BC", "10000-01-01 01:00:00+01", "NULL" },
    ["Asia/Kolkata"] = { "2024-07-01 18:04:56.5+05:30", "2024-01-15 13:30:00+05:30",
                         "1890-06-01 05:21:10.000123+05:21:10", "0044-03-15 15:53:28+05:53:28 BC",
                         "10000-01-01 05:30:00+05:30", "NULL" },
  }
  for _, zone in ipairs({ "UTC", "Europe/Paris", "Asia/Kolkata" }) do
    local tbl = t.unique("ts_text")
    pg.execute(ci, ("CREATE TABLE %s (id int, s text, v varchar(40), tz timestamptz)"):format(tbl))
    local df = spark:createDataFrame(INSTANTS, "id int, s timestamp"):selectExpr("id", "s", "s AS v", "s AS tz")
    in_zone(zone, function() writer(df, tbl):mode("append"):save() end)
    t.same_table(server_text(tbl, "s"), want[zone], zone)
    t.same_table(server_text(tbl, "v"), want[zone], zone)
    -- the server's own text of the instant at its TimeZone there, and read back as the same instant
    local sql = ("SELECT id, s = tz::text AND s::timestamptz = tz AS same FROM %s WHERE s IS NOT NULL"):format(tbl)
    for _, r in ipairs(server_rows(zone, sql)) do
      t.eq(r.same, true, ("%s: row %d"):format(zone, r.id))
    end
    local back = read_back(tbl)
    t.eq(back[1].s, want[zone][1]); t.eq(back[6].v, nil)
  end
  -- too long for varchar(n): the server refuses it, naming the row; nothing is written
  local short = t.unique("ts_short")
  pg.execute(ci, ("CREATE TABLE %s (id int, v varchar(22))"):format(short))
  local rows = { { 1, "2024-01-15 08:00:00" }, { 2, "2024-01-15 08:00:00.5" } }
  in_zone("Europe/Paris", function()
    local err = t.raises(function()
      writer(spark:createDataFrame(rows, "id int, v timestamp"), short):mode("append"):save()
    end)
    t.has(err, "value too long for type character varying(22)"); t.has(err, "the row is row 2 of the DataFrame written")
  end)
  t.eq(count(short), 0)
end)

t.test("arrays of dates and timestamps go into timestamp and text arrays element by element as above", function()
  local tbl = t.unique("time_arrays")
  pg.execute(ci, ("CREATE TABLE %s (id int, days timestamp[], stamps text[])"):format(tbl))
  local df = spark:createDataFrame({ { 1, "2024-03-10", "2024-07-01 12:00:00" } }, "id int, d date, ts timestamp")
    :selectExpr("id", "array(d, NULL) AS days", "array(ts) AS stamps")
  in_zone("Europe/Paris", function() writer(df, tbl):mode("append"):save() end)
  t.same_table(server_text(tbl, "days"), { '{"2024-03-10 00:00:00",NULL}' })
  t.same_table(server_text(tbl, "stamps"), { '{"2024-07-01 14:00:00+02"}' })
end)

-- ---- the connection's TimeZone is the session time zone ----------------------------------

-- Zones without summer time (a wall clock of the hour a change to winter time repeats reads back as its first pass),
-- a fixed offset west of UTC, Spark's UTC+h form and an offset with seconds; each with its offset in PostgreSQL's
-- text of a timestamptz there.
local SERVER_ZONES = { { "Asia/Tokyo", "+09" }, { "America/Sao_Paulo", "-03" }, { "-08:00", "-08" },
                       { "UTC+1", "+01" }, { "+05:45:30", "+05:45:30" } }

t.test("the server converts in the session time zone: DEFAULT now() into timestamp reads back as now", function()
  for _, z in ipairs(SERVER_ZONES) do
    local zone, offset = z[1], z[2]
    in_zone(zone, function()
      local tbl = t.unique("loaded")
      pg.execute(ci, ("CREATE TABLE %s (id int, loaded_at timestamp DEFAULT now())"):format(tbl))
      writer(spark:createDataFrame({ { 1 } }, "id int"), tbl):mode("append"):save()
      local r = spark.read:format("jdbc"):option("url", ci):option("dbtable", tbl):load()
        :selectExpr("CAST(loaded_at AS long) - unix_timestamp() AS d"):collect()[1]
      t.ok(math.abs(r.d) < 60, ("%s: the default's wall clock is now's (off by %d s)"):format(zone, r.d))
      -- what the server computes into a timestamp is the wall clock tide reads and writes
      local q = spark.read:format("jdbc"):option("url", ci):option("query", "SELECT now()::timestamp AS wall, now() AS"
        .. " instant, now()::text AS text, date '2024-03-10'::timestamptz AS midnight"):load():collect()[1]
      t.eq(q.wall, q.instant, zone)
      t.ok(q.text:sub(-#offset - 1) == " " .. q.text:sub(-#offset - 1, -#offset - 1) .. offset
        or q.text:sub(-#offset) == offset, ("%s: %s ends with %s"):format(zone, q.text, offset))
      -- date::timestamptz is the date's first instant there, as Spark's CAST(d AS TIMESTAMP)
      t.eq(q.midnight, spark:sql("SELECT CAST(DATE'2024-03-10' AS TIMESTAMP) AS t"):collect()[1].t, zone)
    end)
  end
end)

t.test("a kept connection's TimeZone follows the session time zone, also after a ROLLBACK undid it", function()
  local function server()
    return pg.query(ci, "SELECT current_setting('TimeZone') AS zone, now()::timestamp AS wall, now() AS instant")
      :collect()[1]
  end
  in_zone("Asia/Tokyo", function()
    t.eq(server().zone, "Asia/Tokyo")
    spark.conf:set("spark.sql.session.timeZone", "Asia/Kolkata") -- the same connection, set again
    local r = server()
    t.eq(r.zone, "Asia/Kolkata"); t.eq(r.wall, r.instant)
    -- set inside a transaction block, which a ROLLBACK undoes: set again after it
    pg.execute(ci, "BEGIN")
    spark.conf:set("spark.sql.session.timeZone", "Asia/Tokyo")
    t.eq(server().zone, "Asia/Tokyo")
    pg.execute(ci, "ROLLBACK")
    r = server()
    t.eq(r.zone, "Asia/Tokyo"); t.eq(r.wall, r.instant)
    -- two changes in one block: its ROLLBACK brings back the zone from before the block
    pg.execute(ci, "BEGIN")
    spark.conf:set("spark.sql.session.timeZone", "Asia/Kolkata")
    t.eq(server().zone, "Asia/Kolkata")
    spark.conf:set("spark.sql.session.timeZone", "America/Sao_Paulo")
    t.eq(server().zone, "America/Sao_Paulo")
    pg.execute(ci, "ROLLBACK")
    r = server()
    t.eq(r.zone, "America/Sao_Paulo"); t.eq(r.wall, r.instant)
    spark.conf:set("spark.sql.session.timeZone", "Asia/Tokyo")
    pg.execute(ci, "BEGIN; SAVEPOINT s")
    spark.conf:set("spark.sql.session.timeZone", "-08:00")
    t.eq(server().zone, "<-08>+08") -- PostgreSQL's name of an offset (POSIX's sign: west of UTC is +)
    pg.execute(ci, "ROLLBACK TO SAVEPOINT s")
    t.eq(server().zone, "<-08>+08")
    pg.execute(ci, "COMMIT")
    -- a SET TimeZone of a script's own holds until the session time zone changes
    pg.execute(ci, "SET TimeZone = 'Europe/Paris'")
    t.eq(server().zone, "Europe/Paris")
    spark.conf:set("spark.sql.session.timeZone", "America/Sao_Paulo")
    t.eq(server().zone, "America/Sao_Paulo")
  end)
  t.eq(server().zone, "UTC")
end)

-- Timestamps from microseconds since 1970 (text: beyond a Lua number's exact integers).
local function micros_frame(rows)
  return spark:createDataFrame(rows, "id int, us string"):selectExpr("id", "timestamp_micros(CAST(us AS BIGINT)) AS ts")
end

t.test("a timestamp beyond PostgreSQL's fails the save naming its row and column; never -infinity", function()
  local tbl = t.unique("ts_far")
  pg.execute(ci, ("CREATE TABLE %s (id int, ts timestamp, tz timestamptz)"):format(tbl))
  local function save(rows, column) return writer(micros_frame(rows):selectExpr("id", "ts AS " .. column), tbl)
    :mode("append"):save() end
  local range = "(-4713-11-24 00:00:00 to +294276-12-31 23:59:59.999999)"
  -- a wall clock in Los Angeles (local mean time, -07:52:58 then) one step from int64's end, PostgreSQL's -infinity
  in_zone("America/Los_Angeles", function()
    local err = t.raises(function()
      save({ { 1, "0" }, { 2, "-9222425323676775808" } }, "ts") -- int64's first + 2000-01-01 + 7:52:58
    end)
    t.has(err, 'row 2, column "ts": the value -290278-')
    t.has(err, "is out of range for PostgreSQL's timestamp " .. range)
    -- PostgreSQL's first wall clock, and a microsecond before it
    local first = spark:sql("SELECT CAST('-4713-11-24 00:00:00' AS TIMESTAMP) AS ts"):collect()[1].ts
    t.eq(writer(spark:createDataFrame({ { 1, first } }, "id int, ts timestamp"), tbl):mode("append"):save(), 1)
    err = t.raises(function()
      writer(spark:createDataFrame({ { 2, first - 1 } }, "id int, ts timestamp"), tbl):mode("append"):save()
    end)
    t.has(err, 'row 1, column "ts": the value -4713-11-23 23:59:59.999999 is out of range for PostgreSQL\'s timestamp '
      .. range)
  end)
  -- into timestamptz the instant counts: one at PostgreSQL's -infinity, then its first and the one before
  local err = t.raises(function() save({ { 3, "-9222425352054775808" } }, "tz") end)
  t.has(err, 'row 1, column "tz": the value -290278-')
  t.has(err, "is out of range for PostgreSQL's timestamp with time zone: its instant is not within -4713-11-24 "
    .. "00:00:00 to +294276-12-31 23:59:59.999999 UTC")
  t.eq(save({ { 3, "-210866803200000000" } }, "tz"), 1)
  err = t.raises(function() save({ { 4, "-210866803200000001" } }, "tz") end)
  t.has(err, 'row 1, column "tz": the value -4713-11-23 23:59:59.999999 is out of range')
  -- tide's ends stay PostgreSQL's infinities
  t.eq(save({ { 5, "9223372036854775807" }, { 6, "-9223372036854775808" } }, "ts"), 2)
  t.same_table(server_text(tbl, "ts"), { "4714-11-24 00:00:00 BC", [3] = "NULL", [5] = "infinity", [6] = "-infinity" })
  t.same_table(server_text(tbl, "tz"), { "NULL", [3] = "4714-11-24 00:00:00+00 BC", [5] = "NULL", [6] = "NULL" })
end)

t.run()
