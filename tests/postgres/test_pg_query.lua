-- tide.pg against the test PostgreSQL: statements into typed batches,
-- parameters, conninfo from Spark's options, identifier quoting, errors
-- that name the problem and never the password.
local t = require("testing")
local tide = require("tide")
local pg = require("tide.pg")
local T = require("tide.types")

local ci = t.pg_conninfo()
local password = ci:match("password=(%S+)")

local function schema_of(df)
  local out = {}
  for _, f in ipairs(df.schema.fields) do out[#out + 1] = f.name .. ":" .. f.dataType:simpleString() end
  return table.concat(out, ",")
end

t.test("result columns get tide types, values exact", function()
  local df = pg.query(ci, [[SELECT true AS b, 1::int2 AS s, 2::int4 AS i, 3::int8 AS l, 1.5::float4 AS f,
    2.25::float8 AS d, 18446744073709551615::numeric(38,0) AS id, 1.50::numeric(10,2) AS n2,
    'héllo'::text AS t, 'x'::varchar(3) AS v, '\xdeadbeef'::bytea AS by,
    '2024-01-02 03:04:05.123456'::timestamp AS ts, '2024-01-02 03:04:05+02'::timestamptz AS tz,
    '2024-02-29'::date AS dt, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, '{"a":1}'::jsonb AS j]])
  t.eq(schema_of(df), "b:boolean,s:int,i:int,l:bigint,f:double,d:double,id:decimal(38,0),n2:decimal(10,2)," ..
    "t:string,v:string,by:binary,ts:timestamp,tz:timestamp,dt:date,u:string,j:string")
  local r = df:collect()[1]
  t.eq(r.b, true); t.eq(r.s, 1); t.eq(r.i, 2); t.eq(r.l, 3); t.eq(r.f, 1.5); t.eq(r.d, 2.25)
  t.eq(r.id, "18446744073709551615"); t.eq(r.n2, "1.50"); t.eq(r.t, "héllo"); t.eq(r.v, "x")
  t.eq(r.by, "\222\173\190\239")
  t.eq(r.ts, 1704164645123456)              -- µs since 1970, UTC
  t.eq(r.tz, 1704164645000000 - 2 * 3600e6) -- the instant, in UTC
  t.eq(r.dt, "2024-02-29"); t.eq(r.u, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"); t.eq(r.j, '{"a": 1}')
end)

t.test("a date reads the same in any session time zone; a timestamp is its wall clock there", function()
  local spark = require("tide").session()
  spark.conf:set("spark.sql.session.timeZone", "America/Los_Angeles")
  local ok, err = pcall(function()
    local r = pg.query(ci, [[SELECT '2024-02-29'::date AS dt, '2024-01-02 03:04:05'::timestamp AS ts]]):collect()[1]
    t.eq(r.dt, "2024-02-29")
    t.eq(r.ts, 1704164645000000 + 8 * 3600e6) -- 03:04:05 in Los Angeles (UTC-8), as Spark's reader gives it
  end)
  spark.conf:set("spark.sql.session.timeZone", "UTC")
  if not ok then error(err, 0) end
end)

t.test("each jdbc action reads in the session time zone of its own time, as Spark reads at the action", function()
  local spark = require("tide").session()
  pg.execute(ci, "DROP TABLE IF EXISTS zone_reads; DROP SEQUENCE IF EXISTS zone_reads_seq;"
    .. " CREATE SEQUENCE zone_reads_seq; CREATE TABLE zone_reads (ts timestamp);"
    .. " INSERT INTO zone_reads VALUES ('2024-07-01 12:00:00')")
  local function load()
    return spark.read:format("jdbc"):option("url", ci)
      :option("query", "SELECT ts, ts::timestamptz::text AS text, nextval('zone_reads_seq') AS n FROM zone_reads")
      :load()
  end
  local noon = 1719835200000000 -- 2024-07-01 12:00:00 UTC
  -- the zone unchanged, load()'s rows serve the first action: one statement
  local df = load()
  t.eq(df:collect()[1].n, 1); t.eq(df:collect()[1].n, 2)
  df = load() -- 3
  spark.conf:set("spark.sql.session.timeZone", "Asia/Tokyo")
  local ok, err = pcall(function()
    local a, b = df:collect()[1], df:collect()[1]
    t.eq(a.ts, noon - 9 * 3600e6); t.eq(b.ts, a.ts) -- 12:00 in Tokyo, at both actions
    t.eq(a.text, "2024-07-01 12:00:00+09"); t.eq(b.text, a.text)
    t.eq(a.n, 4); t.eq(b.n, 5) -- read at each action
  end)
  spark.conf:set("spark.sql.session.timeZone", "UTC")
  pg.execute(ci, "DROP TABLE zone_reads; DROP SEQUENCE zone_reads_seq")
  if not ok then error(err, 0) end
end)

t.test("timestamps read alike in binary and text results, BC too; one after tide's fails, not infinity", function()
  local spark = require("tide").session()
  -- each query as binary results and as text ones (no binary decoder for an interval)
  local function read(sql)
    local binary = pg.query(ci, sql):collect()[1].ts
    local text = pg.query(ci, sql .. ", interval '1 day' AS i"):collect()[1].ts
    t.eq(text, binary, sql)
    return binary
  end
  local function refused(sql, value)
    for _, q in ipairs({ sql, sql .. ", interval '1 day' AS i" }) do
      local err = t.raises(function() pg.query(ci, q) end)
      t.has(err, ('row 1, column "ts": the value %s is after the last instant of tide\'s timestamps (and Spark\'s),'
        .. " +294247-01-10 04:00:54.775806 UTC"):format(value))
    end
  end
  t.eq(read("SELECT timestamptz '0044-03-15 10:00:00+00 BC' AS ts"), -63517788000000000LL) -- -0043-03-15 10:00 UTC
  t.eq(read("SELECT timestamp '0044-03-15 10:00:00 BC' AS ts"), -63517788000000000LL)
  t.eq(read("SELECT timestamptz '294247-01-10 04:00:54.775806+00' AS ts"), 9223372036854775806LL)
  refused("SELECT timestamptz '294247-01-10 04:00:54.775807+00' AS ts", "294247-01-10 04:00:54.775807+00")
  refused("SELECT timestamptz '294276-12-31 23:59:59+00' AS ts", "294276-12-31 23:59:59+00")
  t.eq(read("SELECT timestamptz 'infinity' AS ts"), 9223372036854775807LL)
  refused("SELECT timestamp '294247-01-10 04:00:54.775807' AS ts",
    "294247-01-10 04:00:54.775807, a wall clock in the session time zone,")
  spark.conf:set("spark.sql.session.timeZone", "America/Los_Angeles")
  local ok, err = pcall(function()
    -- a wall clock before tide's last instant is an instant after it west of UTC
    refused("SELECT timestamp '294247-01-10 00:00:00' AS ts",
      "294247-01-10 00:00:00, a wall clock in the session time zone,")
    t.eq(read("SELECT timestamp '294246-01-10 00:00:00' AS ts"), 9223340486400000000LL + 8 * 3600000000LL)
    t.eq(read("SELECT timestamp 'infinity' AS ts"), 9223372036854775807LL)
    -- and one after it is an instant before it east of UTC
    spark.conf:set("spark.sql.session.timeZone", "Europe/Paris")
    t.eq(read("SELECT timestamp '294247-01-10 04:30:00' AS ts"), 9223372035000000000LL)
    -- (Paris's local mean time, +00:09:21)
    t.eq(read("SELECT timestamp '0044-03-15 10:00:00 BC' AS ts"), -63517788000000000LL - 561000000LL)
  end)
  spark.conf:set("spark.sql.session.timeZone", "UTC")
  if not ok then error(err, 0) end
end)

t.test("date reads as date, in binary and in text results alike; a malformed one fails naming its row", function()
  local sql = [[SELECT d FROM (VALUES (1, '2024-02-29'::date), (2, '1999-12-31'), (3, '2000-01-01'), (4, '0001-01-01 BC'),
    (5, 'infinity'), (6, '-infinity'), (7, NULL)) v(id, d) ORDER BY id]]
  local want = { "2024-02-29", "1999-12-31", "2000-01-01", "0000-01-01", "+5881580-07-11", "-5877641-06-23" }
  local binary = pg.query(ci, sql)
  local text = pg.query(ci, (sql:gsub("SELECT d", "SELECT d, interval '1 day' AS a"))) -- no binary decoder for it
  t.eq(schema_of(binary), "d:date"); t.eq(schema_of(text), "d:date,a:string")
  for i, r in ipairs({ binary:collect(), text:collect() }) do
    for k = 1, 7 do t.eq(r[k].d, want[k], ("result %d row %d"):format(i, k)) end
  end
  -- the days read are the dates CAST and show give
  t.same_table(t.rows(binary:selectExpr("CAST(d AS STRING)"):limit(3)), { "2024-02-29", "1999-12-31", "2000-01-01" })
  -- the session's DateStyle is ISO; any other text is refused, never guessed at
  local conn = pg.connect(ci)
  conn:command("SET DateStyle = 'SQL, DMY'")
  local ok, err = pcall(function() return conn:execText("SELECT '2024-02-29'::date AS d", false) end)
  conn:command("SET DateStyle = 'ISO, MDY'")
  t.ok(not ok, "a date in another style is refused")
  t.has(tostring(err), 'row 1, column "d": malformed value')
end)

t.test("NULLs of every type are nulls", function()
  local df = pg.query(ci, [[SELECT NULL::bool a, NULL::int b, NULL::int8 c, NULL::float8 d, NULL::numeric(5,1) e,
    NULL::text f, NULL::bytea g, NULL::timestamp h, NULL::date i
    UNION ALL SELECT true, 1, 2, 3, 4.5, 'x', '\x00', '2000-01-01', '2000-01-01']])
  local rows = df:collect()
  for _, name in ipairs(df.columns) do t.eq(rows[1][name], nil, name) end
  t.eq(rows[2].e, "4.5"); t.eq(rows[2].g, "\0"); t.eq(rows[2].h, 946684800000000); t.eq(rows[2].i, "2000-01-01")
end)

t.test("a stored NaN of any bits reads back as a NaN, never a crash", function()
  -- float8recv keeps whatever bits a binary COPY sends; some NaNs, read
  -- into a Lua value as they are, LuaJIT takes for a pointer.
  local tbl = t.unique("odd_nan")
  pg.execute(ci, ("CREATE TABLE %s (x float8)"):format(tbl))
  local bits = "\xff\xfd\xff\x8f\xfe\xc9\x3f\xf5" -- big-endian, as COPY's binary format
  local file = t.tempdir() .. "/odd_nan.copy"
  local f = assert(io.open(file, "wb"))
  f:write("PGCOPY\n\255\r\n\0", "\0\0\0\0", "\0\0\0\0", "\0\1", "\0\0\0\8", bits, "\255\255")
  f:close()
  local out, status = t.sh(("psql '%s' -v ON_ERROR_STOP=1 -c \"\\copy %s FROM '%s' (FORMAT binary)\" 2>&1")
    :format(ci, tbl, file))
  t.eq(status, 0, out)
  t.eq(pg.query(ci, ("SELECT x::text AS x FROM %s"):format(tbl)):collect()[1].x, "NaN", "stored as a NaN")
  local x = pg.query(ci, ("SELECT x FROM %s"):format(tbl)):collect()[1].x
  t.ok(x ~= x, "read back as NaN: " .. tostring(x))
end)

t.test("unconstrained numeric: decimal(38, s) when every value fits, else its exact text", function()
  local df = pg.query(ci, "SELECT x FROM (VALUES (1.5::numeric), (-0.001), (123456789012345678901234567890)) v(x)")
  t.eq(schema_of(df), "x:decimal(38,3)")
  t.same_table({ df:collect()[1].x, df:collect()[2].x, df:collect()[3].x },
    { "1.500", "-0.001", "123456789012345678901234567890.000" })
  local wide = pg.query(ci, "SELECT x FROM (VALUES (1e40::numeric), (1)) v(x)")
  t.eq(schema_of(wide), "x:string")
  t.eq(wide:collect()[1].x, "1" .. ("0"):rep(40))
  local nan = pg.query(ci, "SELECT 'NaN'::numeric AS x")
  t.eq(schema_of(nan), "x:string"); t.eq(nan:collect()[1].x, "NaN")
  t.eq(schema_of(pg.query(ci, "SELECT sum(x) AS s FROM (VALUES (1::numeric(38,0))) v(x)")), "s:decimal(38,0)")
end)

t.test("types without a binary decoder come back as PostgreSQL's text", function()
  local df = pg.query(ci, "SELECT 7 AS n, ARRAY[point(1.5, 2)] AS arr, interval '1 day' AS iv, '\\x01ff'::bytea AS b, " ..
    "'2024-01-02 03:04:05.5+00'::timestamptz AS ts, 2.50::numeric(4,2) AS m, 1e3::float8 AS f")
  t.eq(schema_of(df), "n:int,arr:string,iv:string,b:binary,ts:timestamp,m:decimal(4,2),f:double")
  local r = df:collect()[1]
  t.eq(r.arr, '{"(1.5,2)"}'); t.eq(r.iv, "1 day"); t.eq(r.b, "\1\255"); t.eq(r.ts, 1704164645500000)
  t.eq(r.m, "2.50"); t.eq(r.f, 1000)
end)

t.test("parameters: numbers, strings, booleans, nil as NULL, big integers", function()
  local df = pg.query(ci, "SELECT $1::int + 1 AS a, $2::text AS b, $3::bool AS c, $4::text IS NULL AS d, $5::numeric AS e",
    41, "it's", true, nil, "18446744073709551616")
  local r = df:collect()[1]
  t.eq(r.a, 42); t.eq(r.b, "it's"); t.eq(r.c, true); t.eq(r.d, true); t.eq(r.e, "18446744073709551616")
end)

t.test("tide.sql(conninfo, query) runs through tide.pg", function()
  t.eq(tide.sql(ci, "SELECT 2 + $1::int AS x", 3):collect()[1].x, 5)
end)

t.test("commands: several statements, rows changed", function()
  local name = t.unique("cmd")
  pg.execute(ci, ("CREATE TABLE %s (a int); INSERT INTO %s VALUES (1), (2), (3)"):format(name, name))
  t.eq(pg.execute(ci, ("UPDATE %s SET a = a + 1 WHERE a > $1"):format(name), 1), 2)
  local df, affected = pg.query(ci, ("DELETE FROM %s RETURNING a"):format(name))
  t.eq(affected, 3); t.eq(df:count(), 3)
  pg.execute(ci, "DROP TABLE " .. name)
end)

t.test("server errors carry the message and SQLSTATE", function()
  local err = t.raises(function() pg.query(ci, "SELECT * FROM no_such_table_here") end)
  t.ok(err:find('relation "no_such_table_here" does not exist', 1, true), err)
  t.ok(err:find("SQLSTATE 42P01", 1, true), err)
  t.ok(err:find("dbname='tide'", 1, true), "names the server: " .. err)
  t.ok(not err:find(password, 1, true), "no password in " .. err)
  err = t.raises(function() pg.query(ci, "SELECT 1/0") end, "division by zero")
  t.raises(function() pg.query(ci, "COPY (SELECT 1) TO STDOUT") end, "COPY")
  -- the pooled connection is still usable after errors
  t.eq(pg.query(ci, "SELECT 1 AS one"):collect()[1].one, 1)
end)

t.test("the password never appears in an error", function()
  local wrong = ci:gsub("password=%S+", "password=Sw0rdfish-not-the-one")
  local err = t.raises(function() pg.query(wrong, "SELECT 1") end, "password authentication failed")
  t.ok(not err:find("Sw0rdfish", 1, true), err)
  local uri = "postgresql://tide:Sw0rdfish%zz@127.0.0.1:1/tide"
  err = t.raises(function() pg.query(uri, "SELECT 1") end)
  t.ok(not err:find("Sw0rdfish", 1, true), err)
  err = t.raises(function() pg.query("host=127.0.0.1 port=1 password=Sw0rdfish connect_timeout=2", "SELECT 1") end)
  t.ok(not err:find("Sw0rdfish", 1, true), err)
  err = t.raises(function() pg.conninfo("host=x password=Sw0rdfish bogus=1") end, "bogus")
  t.ok(not err:find("Sw0rdfish", 1, true), err)
  t.ok(not pg.redact(ci):find(password, 1, true))
end)

t.test("conninfo from Spark's options: JDBC URLs, URIs, user and password", function()
  local function kv(s)
    local out = {}
    for k, v in s:gmatch("([%w_]+)='(.-)'") do out[k] = v end
    return out
  end
  t.same_table(kv(pg.conninfo("jdbc:postgresql://db.example:6543/sales?user=bob&password=p%40ss&ssl=true")),
    { host = "db.example", port = "6543", dbname = "sales", user = "bob", password = "p@ss", sslmode = "require" })
  t.same_table(kv(pg.conninfo { url = "jdbc:postgresql://h1,h2:5433/db", user = "u", password = "pw" }),
    { host = "h1,h2", port = "5432,5433", dbname = "db", user = "u", password = "pw" })
  t.same_table(kv(pg.conninfo("jdbc:postgresql:mydb")), { host = "localhost", port = "5432", dbname = "mydb" })
  t.same_table(kv(pg.conninfo("jdbc:postgresql://[::1]:5433/db?currentSchema=sales&ApplicationName=tide")),
    { host = "::1", port = "5433", dbname = "db", options = "-c search_path=sales", application_name = "tide" })
  t.same_table(kv(pg.conninfo { URL = "postgresql://a:b@h:1/d", USER = "x" }),
    { host = "h", port = "1", dbname = "d", user = "x", password = "b" })
  t.raises(function() pg.conninfo("jdbc:mysql://h/db") end, "PostgreSQL")
  t.raises(function() pg.conninfo {} end, "'url' is required")
  -- the test server through a JDBC URL, password as an option
  local host, port, user = ci:match("host=(%S+)"), ci:match("port=(%S+)"), ci:match("user=(%S+)")
  local jdbc = pg.conninfo { url = ("jdbc:postgresql://%s:%s/tide?user=%s"):format(host, port, user), password = password }
  t.eq(pg.query(jdbc, "SELECT current_user AS u"):collect()[1].u, user)
end)

t.test("a URL that does not parse fails at once, naming it without its password and what is wrong", function()
  local function fails(url, what)
    local err = t.raises(function() pg.conninfo { url = url, password = "Sw0rdfish" } end)
    t.has(err, what)
    t.ok(not err:find("Sw0rdfish", 1, true), "no password in " .. err)
    return err
  end
  local err = fails("jdbc:postgresql://db.example.com:54x2/tide", 'port "54x2" is not a port number (1-65535)')
  t.has(err, 'invalid JDBC URL "jdbc:postgresql://db.example.com:54x2/tide"')
  fails("jdbc:postgresql://db.example.com:70000/tide", 'port "70000"')
  fails("jdbc:postgresql://db.example.com:/tide", "the port after ':' is empty")
  fails("jdbc:postgresql:db.example.com:5432/tide", "the host needs '//' before it")
  fails("jdbc:postgresql://:5432/tide", 'empty host in ":5432"')
  fails("jdbc:postgresql:///tide", "no host after '//'")
  fails("jdbc:postgresql://h1,,h2/tide", "empty host")
  fails("jdbc:postgresql://::1/tide", "an IPv6 address goes in brackets")
  fails("jdbc:postgresql://[::1/tide", "is not closed by ']'")
  fails("jdbc:mysql://db.example.com:3306/tide?password=Sw0rdfish", 'PostgreSQL only, not "mysql"')
  fails("jdbc:postgres://db.example.com/tide", 'PostgreSQL\'s is "postgresql"')
  err = fails("jdbc:postgresql://bob:Sw0rdfish@db.example.com/tide", "not before the host")
  t.has(err, '"jdbc:postgresql://bob@db.example.com/tide"')
  err = fails("jdbc:postgresql://db.example.com/tide?user=bob&password=Sw0rdfish&ssl=maybe", 'ssl must be true or false, not "maybe"')
  t.has(err, '"jdbc:postgresql://db.example.com/tide?user=bob&ssl=maybe"')
  fails("jdbc:postgresql://db.example.com/tide?sslmode=always", "sslmode must be one of disable, allow, prefer")
  fails("jdbc:postgresql://db.example.com/tide?connectTimeout=soon", "connectTimeout must be a whole number")
  fails("jdbc:postgresql://db.example.com/tide?=x", "has no name")
  fails("jdbc:postgresql://db.example.com/tide?user=b%zzob", "'%' must start a %XX escape")
  fails("jdbc:postgresql://db.example.com/ti/de", "holds a '/'")
  fails("jdbc:postgresql://db.example.com/tide\n", "white space at its start or end")
  -- libpq's own forms: what libpq would refuse only when connecting
  err = fails("postgresql://bob:Sw0rdfish@db.example.com:54x2/tide", 'port "54x2" is not a port number')
  t.has(err, "host='db.example.com'")
  fails("host=db.example.com port=5432 sslmode=always", "sslmode must be one of")
  -- what the JDBC driver takes still parses
  t.ok(pg.conninfo("jdbc:postgresql://db.example.com/tide?ssl&ApplicationName=my%20job&prepareThreshold=5&&")
    :find("sslmode='require'", 1, true))
  t.ok(pg.conninfo("jdbc:postgresql://db-1.example.com,[::1]:5433/tide"):find("port='5432,5433'", 1, true))
end)

t.test("a reader or writer given a bad URL fails at its call, before connecting", function()
  local spark = tide.session()
  local url = "jdbc:postgresql://db.example.com:54x2/tide"
  t.raises(function() spark.read:format("jdbc"):option("url", url):option("dbtable", "t"):load() end,
    'invalid JDBC URL "jdbc:postgresql://db.example.com:54x2/tide": port "54x2"')
  local df = spark:createDataFrame({ { 1 } }, "a int")
  t.raises(function() df.write:jdbc(url, "t", "append") end, 'port "54x2"')
end)

t.test("libpq's environment fills in what the conninfo leaves out", function()
  local script = t.tempdir() .. "/env.lua"
  local f = assert(io.open(script, "w"))
  f:write(("print(require('tide.pg').query(%q, 'SELECT 40 + 2 AS x'):collect()[1].x)"):format((ci:gsub(" password=%S+", ""))))
  f:close()
  local out, status = t.sh(("PGPASSWORD=%s %s run %s"):format(password, os.getenv("TIDE_BIN") or "build/tide", script))
  t.eq(status, 0, out)
  t.ok(out:find("42", 1, true), out)
end)

t.test("what the server says outside an answer is a tide warning on stderr, not a bare libpq line", function()
  local script = t.tempdir() .. "/notice.lua"
  local f = assert(io.open(script, "w"))
  -- RESET ALL (as a pooler's DISCARD ALL) puts client_min_messages back
  -- to NOTICE: the NOTICE is still not printed.
  f:write(("require('tide.pg').execute(%q, [[RESET ALL; DO $$ BEGIN RAISE NOTICE 'chatty'; "
    .. "RAISE WARNING 'careful: %%', 42; END $$]]); print('done')"):format(ci))
  f:close()
  local out, status = t.sh(("%s run %s"):format(os.getenv("TIDE_BIN") or "build/tide", script))
  t.eq(status, 0, out)
  t.ok(out:find("tide: warning: postgres server: WARNING:  careful: 42\n", 1, true), out)
  t.ok(not out:find("chatty", 1, true), out)
  t.ok(out:find("done", 1, true), out)
end)

t.test("table names: unquoted parts fold to lower case, quoted ones are kept, all come out quoted", function()
  local parts, q = pg.tableName("Sales.Orders")
  t.same_table(parts, { "sales", "orders" }); t.eq(q, '"sales"."orders"')
  parts, q = pg.tableName('"My Schema"."We""ird.Name"')
  t.same_table(parts, { "My Schema", 'We"ird.Name' }); t.eq(q, '"My Schema"."We""ird.Name"')
  t.eq(select(2, pg.tableName("t; DROP TABLE x")), '"t; drop table x"')
  t.raises(function() pg.tableName("a..b") end, "empty part")
  t.raises(function() pg.tableName('"open') end, "unterminated")
  t.raises(function() pg.tableName("a.b.c.d") end, "three parts")
  t.eq(pg.quoteIdent('a"b'), '"a""b"')
end)

t.test("a batch DataFrame from a query works with DataFrame actions", function()
  local df = pg.query(ci, "SELECT g AS id, g * 0.5 AS half FROM generate_series(1, 1000) g")
  t.eq(df:count(), 1000)
  t.eq(df.schema.fields[2].dataType, T.decimal(38, 1))
  t.eq(df:collect()[2].half, "1.0")
end)

t.test("spark.read:jdbc(url, table, properties): the jdbc source with the properties as options", function()
  local spark = tide.session()
  pg.execute(ci, "DROP TABLE IF EXISTS jdbc_read; CREATE TABLE jdbc_read (id int, site text);"
    .. " INSERT INTO jdbc_read VALUES (1, 'a'), (2, 'b'), (3, 'a'), (NULL, 'c')")
  local host, port, db, user = ci:match("host=(%S+)"), ci:match("port=(%S+)"), ci:match("dbname=(%S+)"),
    ci:match("user=(%S+)")
  local url = ("jdbc:postgresql://%s:%s/%s"):format(host, port, db)
  local props = { user = user, password = password }
  local function sorted(df)
    local rows = t.rows(df)
    table.sort(rows)
    return rows
  end
  local all = { "1|a", "2|b", "3|a", "null|c" }
  local df = spark.read:jdbc(url, "jdbc_read", props)
  t.eq(schema_of(df), "id:int,site:string")
  t.same_table(sorted(df), all)
  -- PySpark's keyword form, and the option form it stands for
  t.same_table(sorted(spark.read:jdbc(url, "jdbc_read", { properties = props })), all)
  t.same_table(sorted(spark.read:format("jdbc"):option("url", url):option("dbtable", "jdbc_read"):options(props)
    :load()), all)
  -- the properties reach the server: a wrong password fails, without showing it
  local err = t.raises(function()
    spark.read:jdbc(url, "jdbc_read", { user = user, password = "not-the-password" })
  end, "password authentication failed")
  t.ok(not err:find("not-the-password", 1, true), err)
  -- predicates: the rows of each in turn (a row two hold comes twice); none: no rows
  t.same_table(sorted(spark.read:jdbc(url, "jdbc_read", { "site = 'a'", "id >= 2" }, props)),
    { "1|a", "2|b", "3|a", "3|a" })
  t.same_table(sorted(spark.read:jdbc(url, "jdbc_read", { predicates = { "id IS NULL" }, properties = props })),
    { "null|c" })
  local none = spark.read:jdbc(url, "jdbc_read", { predicates = {}, properties = props })
  t.eq(none:count(), 0)
  t.eq(schema_of(none), "id:int,site:string")
  -- column partitioning reads every row, nulls included, as Spark's partitions together do
  t.same_table(sorted(spark.read:jdbc(url, "jdbc_read", "id", 1, 3, 2, props)), all)
  t.same_table(sorted(spark.read:jdbc(url, "jdbc_read", { column = "ID", lowerBound = 1, upperBound = 100,
    numPartitions = 8, properties = props })), all)
  -- without a column, numPartitions in the table is an option, as PySpark passes its properties on
  t.same_table(sorted(spark.read:jdbc(url, "jdbc_read", { user = user, password = password, numPartitions = "4" })),
    all)
  -- PySpark's arguments in order, nil for None: properties, predicates, a partitioned read
  t.same_table(sorted(spark.read:jdbc(url, "jdbc_read", nil, nil, nil, nil, nil, props)), all)
  t.same_table(sorted(spark.read:jdbc(url, "jdbc_read", nil, nil, nil, nil, { "site = 'b'" }, props)), { "2|b" })
  t.same_table(sorted(spark.read:jdbc(url, "jdbc_read", "id", 1, 3, 2, nil, props)), all)
  -- a lower bound above the upper is refused only when there are partitions to make, as in Spark
  t.same_table(sorted(spark.read:jdbc(url, "jdbc_read", "id", 5, 1, 1, props)), all)
  t.raises_at_caller({
    { function() spark.read:jdbc(url, "jdbc_read", "id", 5, 1, 2, props) end,
      "Operation not allowed: the lower bound of partitioning column is larger than the upper bound."
        .. " Lower bound: 5; Upper bound: 1" },
    { function() spark.read:jdbc(url, "jdbc_read", "site", 1, 3, 2, props) end,
      "Partition column type should be numeric, date, or timestamp, but string found." },
    { function() spark.read:jdbc(url, "jdbc_read", "nope", 1, 3, 2, props) end,
      "User-defined partition column nope not found in the JDBC relation: struct<id:int,site:string>" },
    { function() spark.read:jdbc(url, "jdbc_read", "id", 1.5, 3, 2, props) end,
      'jdbc option lowerBound must be a whole number for the numeric partition column id, not "1.5"' },
    { function() spark.read:jdbc(url, "jdbc_read", "id", 1, 3) end,
      "jdbc: numPartitions can not be None when column is specified" },
    -- bounds without a column are options, which want a partitionColumn, as Spark's
    { function() spark.read:jdbc(url, "jdbc_read", { lowerBound = 1, upperBound = 3, properties = props }) end,
      "users need to specify all or none for the following options: 'partitionColumn', 'lowerBound'," },
    { function() spark.read:jdbc(url, "jdbc_read", nil, props) end,
      "jdbc: argument 4 is a table: after url and table come column" },
    { function() spark.read:jdbc(url, "jdbc_read", nil, nil, nil, nil, nil, props, {}) end,
      "jdbc takes at most 8 arguments, not 9" },
    { function() spark.read:jdbc(url, "jdbc_read", { column = "id", predicates = { "true" } }) end,
      "jdbc: column and predicates cannot both be given" },
    { function() spark.read:jdbc(url, nil, props) end, "jdbc: argument 2 (table) must be a string, not nil" },
    { function() spark.read:jdbc(url, "jdbc_read", { "id > 1", 2 }, props) end,
      "jdbc: predicate 2 must be a string (an SQL condition), not a number" },
    { function() spark.read:format("jdbc"):option("url", url):option("dbtable", "jdbc_read")
        :option("partitionColumn", "id"):options(props):load() end,
      "users need to specify all or none for the following options: 'partitionColumn', 'lowerBound',"
        .. " 'upperBound', and 'numPartitions'" },
    { function() spark.read:format("jdbc"):option("url", url):option("query", "SELECT 1 AS id")
        :options({ partitionColumn = "id", lowerBound = 1, upperBound = 2, numPartitions = 2 }):load() end,
      "Options 'query' and 'partitionColumn' can not be specified together." },
  })
  -- a misspelt property gets load()'s warning, as the option form's
  local lines = t.stderr_of(function()
    spark.read:jdbc(url, "jdbc_read", { user = user, password = password, fetchsze = 100 }):count()
  end)
  t.same_table(lines, { 'tide: warning: jdbc source option "fetchsze" is not known; did you mean "fetchsize"?\n' })
  pg.execute(ci, "DROP TABLE jdbc_read")
end)

t.run()
