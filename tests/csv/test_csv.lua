-- The CSV source: Avazu's real rows (tests/csv/data, from
-- /work/shared/data), gzip, line ends, quoting, the parse modes, schema
-- inference, paths that are directories or globs.
local t = require("testing")
local tide = require("tide")
local T = tide.types
local spark = tide.session()

local DATA = (os.getenv("TIDE_SOURCE_DIR") or ".") .. "/tests/csv/data/"
local AVAZU = "id decimal(38,0), click int, hour int, C1 int, banner_pos int, site_id string, " ..
  "site_domain string, site_category string, app_id string, app_domain string, app_category string, " ..
  "device_id string, device_ip string, device_model string, device_type int, device_conn_type int, " ..
  "C14 int, C15 int, C16 int, C17 int, C18 int, C19 int, C20 int, C21 int"

local write = t.write

local function csv(path, opts, schema)
  local r = spark.read:format("csv")
  for k, v in pairs(opts or {}) do r = r:option(k, v) end
  if schema then r = r:schema(schema) end
  return r:load(path)
end

-- Rows as lists of cell texts (as show prints them), for comparisons.
local function batch_cells(b)
  local out = {}
  for r = 0, b:count() - 1 do
    local row = {}
    for c = 0, b.num_columns - 1 do row[c + 1] = tide.batch.cellText(b.columns[c], r) end
    out[#out + 1] = table.concat(row, "|")
  end
  return out
end

local function cells(df)
  return batch_cells(df:toBatch())
end

t.test("Avazu rows read with the training schema; ids above 2^63 are exact", function()
  local df = csv(DATA .. "avazu_sample.csv", { header = "true" }, AVAZU)
  local rows = df:collect()
  t.eq(#rows, 100)
  t.eq(rows[1].id, "1000009418151094273")
  t.eq(rows[2].id, "10000169349117863715")
  t.eq(rows[2].click, 0)
  t.eq(rows[2].hour, 14102100)
  t.eq(rows[2].site_id, "1fbe01fe")
  t.eq(rows[2].C20, 100084)
  t.eq(rows[1].C20, -1)
  -- Every id round-trips digit for digit.
  local f = assert(io.open(DATA .. "avazu_sample.csv"))
  f:read("*l")
  local i = 0
  for line in f:lines() do
    i = i + 1
    t.eq(rows[i].id, line:match("^([^,]*)"), "id of row " .. i)
  end
  f:close()
end)

t.test("gzip and plain files read the same", function()
  local plain = cells(csv(DATA .. "avazu_sample.csv", { header = "true" }, AVAZU))
  local gz = cells(csv(DATA .. "avazu_sample.csv.gz", { header = "true" }, AVAZU))
  t.eq(#gz, 100)
  t.same_table(gz, plain)
end)

t.test("inferSchema follows Spark: Avazu's id is decimal(20,0), hour int, ids strings", function()
  local df = csv(DATA .. "avazu_sample.csv", { header = "true", inferSchema = "true" })
  local types = {}
  for _, d in ipairs(df.dtypes) do types[d[1]] = d[2] end
  t.eq(types.id, "decimal(20,0)")
  t.eq(types.click, "int")
  t.eq(types.hour, "int")
  t.eq(types.site_id, "string")
  t.eq(types.C20, "int")
  t.eq(df:count(), 100)
  t.eq(df:collect()[2].id, "10000169349117863715")
end)

t.test("inferSchema widens per column: bigint, double, timestamp, boolean, string, null", function()
  local dir = t.tempdir()
  local path = write(dir .. "/types.csv", table.concat({
    "i,l,d,n,ts,b,s,e,mix,big",
    "1,1,1,1,2024-01-02 03:04:05,true,x,,1,5",
    "2,3000000000,2.5,,2024-01-03,FALSE,1,,true,123456789012345678901234",
    "-3,4,1e3,7,2024-01-04T00:00:00Z,false,2.0,,2024-01-01,-1",
  }, "\n") .. "\n")
  local df = csv(path, { header = "true", inferSchema = "true" })
  t.same_table(df.dtypes, {
    { "i", "int" }, { "l", "bigint" }, { "d", "double" }, { "n", "int" }, { "ts", "timestamp" },
    { "b", "boolean" }, { "s", "string" }, { "e", "string" }, { "mix", "string" }, { "big", "decimal(24,0)" },
  })
  local rows = df:collect()
  t.eq(rows[2].l, 3000000000)
  t.eq(rows[3].d, 1000)
  t.eq(rows[2].n, nil)
  t.eq(rows[2].b, false)
  t.eq(rows[1].e, nil)
  t.eq(rows[2].big, "123456789012345678901234")
  t.eq(rows[3].big, "-1")
end)

t.test("without a header columns are _c0, _c1, ... and strings unless inferred", function()
  local dir = t.tempdir()
  local path = write(dir .. "/nohead.csv", "1,a\n2,b\n")
  local df = csv(path)
  t.same_table(df.dtypes, { { "_c0", "string" }, { "_c1", "string" } })
  t.eq(df:collect()[2]._c0, "2")
  t.same_table(csv(path, { inferSchema = "true" }).dtypes, { { "_c0", "int" }, { "_c1", "string" } })
end)

t.test("CRLF line ends read as LF; blank lines are skipped; the last line may lack its end", function()
  local dir = t.tempdir()
  local lf = write(dir .. "/lf.csv", "a,b\n1,x\n2,y\n\n3,z\n")
  local crlf = write(dir .. "/crlf.csv", "a,b\r\n1,x\r\n2,y\r\n\r\n3,z")
  local s = "a int, b string"
  t.same_table(cells(csv(crlf, { header = "true" }, s)), { "1|x", "2|y", "3|z" })
  t.same_table(cells(csv(crlf, { header = "true" }, s)), cells(csv(lf, { header = "true" }, s)))
end)

t.test("quoted fields hold separators, quotes, escapes and (multiLine) line breaks", function()
  local dir = t.tempdir()
  local path = write(dir .. "/q.csv", table.concat({
    'id,text,n',
    '1,"a,b",10',
    '2,"say ""hi""",20',
    '3,"two\nlines",30',
    '4,"esc \\" quote",40',
    '5,"crlf\r\ninside",50',
    '6, spaced ,60',
  }, "\r\n") .. "\r\n")
  local rows = csv(path, { header = "true", multiLine = "true" }, "id int, text string, n int"):collect()
  t.eq(#rows, 6)
  t.eq(rows[1].text, "a,b")
  t.eq(rows[2].text, 'say "hi"')
  t.eq(rows[3].text, "two\nlines")
  t.eq(rows[3].n, 30)
  t.eq(rows[4].text, 'esc " quote')
  t.eq(rows[5].text, "crlf\r\ninside")
  t.eq(rows[6].text, " spaced ")
  -- With the escape set to the quote, a backslash is an ordinary character.
  local path2 = write(dir .. "/q2.csv", 'a\n"x\\y"\n')
  t.eq(csv(path2, { header = "true", escape = '"' }, "a string"):collect()[1].a, "x\\y")
end)

t.test("fields split right wherever separators, quotes and empty fields fall in a line", function()
  -- Lines of every length up to 70 (plain lines are split 16 bytes at a
  -- time), each with empty fields at both ends and, in every other line, a
  -- quoted field holding a separator that moves along the line.
  local dir = t.tempdir()
  local lines, want = { "a,b,c,d,e" }, {}
  for n = 0, 70 do
    local b = ("x"):rep(n % 23)
    local c = tostring(n):rep(1 + n % 5)
    local d = n % 2 == 0 and ('"q,' .. ("y"):rep(n % 19) .. '"') or ("z"):rep(n % 17)
    lines[#lines + 1] = ("," .. b .. "," .. c .. "," .. d .. ",")
    local dv = n % 2 == 0 and ("q," .. ("y"):rep(n % 19)) or ("z"):rep(n % 17)
    want[#want + 1] = { b ~= "" and b or nil, c, dv ~= "" and dv or nil }
  end
  local path = write(dir .. "/split.csv", table.concat(lines, "\n") .. "\n")
  local rows = csv(path, { header = "true" }, "a string, b string, c string, d string, e string"):collect()
  t.eq(#rows, #want)
  for i, r in ipairs(rows) do
    t.eq(r.a, nil, "row " .. i)
    t.eq(r.b, want[i][1], "row " .. i)
    t.eq(r.c, want[i][2], "row " .. i)
    t.eq(r.d, want[i][3], "row " .. i)
    t.eq(r.e, nil, "row " .. i)
  end
end)

t.test("empty unquoted fields and nullValue are null", function()
  local dir = t.tempdir()
  local path = write(dir .. "/n.csv", 'a,b,c\n,"",x\nNA,y,NA\n')
  local rows = csv(path, { header = "true" }, "a int, b string, c string"):collect()
  t.eq(rows[1].a, nil)
  t.eq(rows[1].b, nil) -- "" equals the default nullValue, as in Spark
  t.eq(rows[1].c, "x")
  t.eq(rows[2].c, "NA")
  rows = csv(path, { header = "true", nullValue = "NA" }, "a int, b string, c string"):collect()
  t.eq(rows[1].b, "")
  t.eq(rows[2].a, nil)
  t.eq(rows[2].c, nil)
  t.eq(rows[1].a, nil) -- an unquoted empty field is always null
end)

-- A file with a bad int at line 4 and a short record at line 6 (line 2
-- holds a record spanning two lines: read with multiLine).
local function bad_file()
  local dir = t.tempdir()
  return write(dir .. "/bad.csv", table.concat({
    "id,name,n",
    '1,"multi',
    'line",10',
    "2,b,notanumber",
    "3,c,30",
    "4,d",
    "5,e,50,extra",
    "6,f,60",
  }, "\n") .. "\n")
end

t.test("PERMISSIVE keeps malformed records with nulls and their text in _corrupt_record", function()
  local path = bad_file()
  local df = csv(path, { header = "true", multiLine = "true" }, "id int, name string, n int, _corrupt_record string")
  local ctx = require("tide.execution").context()
  local b = require("tide.execution").execute(df._plan, ctx)
  local rows = b:collect()
  t.eq(#rows, 6)
  t.eq(rows[1].name, "multi\nline")
  t.eq(rows[1]._corrupt_record, nil)
  t.eq(rows[2].id, 2)
  t.eq(rows[2].n, nil)
  t.eq(rows[2]._corrupt_record, "2,b,notanumber")
  t.eq(rows[4].name, "d")
  t.eq(rows[4].n, nil)
  t.eq(rows[4]._corrupt_record, "4,d")
  t.eq(rows[5].n, 50)
  t.eq(rows[5]._corrupt_record, "5,e,50,extra")
  t.eq(rows[6]._corrupt_record, nil)
  t.eq(ctx.malformed, 3)
  t.eq(ctx.dropped, 0)
  -- Without the column the rows are the same, minus the text.
  t.eq(csv(path, { header = "true", multiLine = "true" }, "id int, name string, n int"):count(), 6)
end)

t.test("DROPMALFORMED drops and counts malformed records", function()
  local df = csv(bad_file(), { header = "true", mode = "DROPMALFORMED", multiLine = "true" }, "id int, name string, n int")
  local ctx = require("tide.execution").context()
  local b = require("tide.execution").execute(df._plan, ctx)
  local ids = {}
  for _, r in ipairs(b:collect()) do ids[#ids + 1] = r.id end
  t.same_table(ids, { 1, 3, 6 })
  t.eq(b:column("n"):nullCount(), 0)
  t.eq(ctx.malformed, 3)
  t.eq(ctx.dropped, 3)
end)

t.test("FAILFAST stops at the first malformed record, naming the file and its line", function()
  local path = bad_file()
  local err = t.raises(function()
    csv(path, { header = "true", mode = "failfast", multiLine = "true" }, "id int, name string, n int"):count()
  end)
  t.ok(err:find(path .. ":4:", 1, true), err)
  t.ok(err:find("field 3 (n): 'notanumber' is not a valid int", 1, true), err)
  t.ok(err:find("FAILFAST", 1, true), err)
  local dir = t.tempdir()
  local short = write(dir .. "/short.csv", "a,b\n1,2\n3\n")
  err = t.raises(function() csv(short, { header = "true", mode = "FAILFAST" }, "a int, b int"):count() end)
  t.ok(err:find(short .. ":3:", 1, true) and err:find("expected 2 fields, found 1", 1, true), err)
  local open = write(dir .. "/open.csv", 'a,b\n1,"never closed\n2,3\n')
  err = t.raises(function() csv(open, { header = "true", mode = "FAILFAST" }, "a int, b string"):count() end)
  t.ok(err:find(open .. ":2:", 1, true) and err:find("not closed", 1, true), err)
  t.raises(function() csv(path, { mode = "sloppy" }) end, "PERMISSIVE, DROPMALFORMED or FAILFAST")
end)

t.test("a directory reads its visible files in name order; globs match files", function()
  local dir = t.tempdir()
  write(dir .. "/b.csv", "a\n3\n4\n")
  write(dir .. "/a.csv", "a\n1\n2\n")
  write(dir .. "/_SUCCESS", "")
  write(dir .. "/.hidden.csv", "a\n99\n")
  os.execute(("gzip -c '%s/a.csv' > '%s/c.csv.gz'"):format(dir, dir))
  local function ids(df)
    local out = {}
    for _, r in ipairs(df:collect()) do out[#out + 1] = r.a end
    return out
  end
  t.same_table(ids(csv(dir, { header = "true" }, "a int")), { 1, 2, 3, 4, 1, 2 })
  t.same_table(ids(csv(dir .. "/*.csv", { header = "true" }, "a int")), { 1, 2, 3, 4 })
  t.same_table(ids(csv(dir .. "/{b,c}.csv*", { header = "true" }, "a int")), { 3, 4, 1, 2 })
  t.same_table(ids(csv(dir .. "/[a-b].csv", { header = "true" }, "a int")), { 1, 2, 3, 4 })
  t.raises(function() csv(dir .. "/nothing*.csv", { header = "true" }, "a int") end, "Path does not exist")
  t.raises(function() csv(dir .. "/missing.csv", { header = "true" }, "a int") end, "Path does not exist")
  local inferred = csv(dir .. "/*.csv*", { header = "true", inferSchema = "true" })
  t.same_table(inferred.dtypes, { { "a", "int" } })
end)

t.test("a batch larger than one chunk reads every row", function()
  local dir = t.tempdir()
  local parts = { "k,v" }
  for i = 1, 150000 do parts[#parts + 1] = i .. "," .. (i % 7 == 0 and "" or tostring(i * 0.5)) end
  local path = write(dir .. "/big.csv", table.concat(parts, "\n") .. "\n")
  local b = csv(path, { header = "true" }, "k long, v double"):toBatch()
  t.eq(b:count(), 150000)
  t.eq(b:column("v"):nullCount(), math.floor(150000 / 7))
  t.eq(b:column("k"):get(149999), 150000)
  t.eq(b:column("v"):get(149998), 149999 * 0.5)
end)

t.test("schema types CSV cannot hold are refused", function()
  t.raises(function() csv(DATA .. "avazu_sample.csv", {}, "a binary") end, "does not support binary")
  t.raises(function() csv(DATA .. "avazu_sample.csv", {}, "a int, _corrupt_record int") end, "must be string")
end)

t.test("an option a letter or two from one of Spark's warns, naming the one meant", function()
  local path = t.tempdir() .. "/typo.csv"
  write(path, "a,b\n1,x\n")
  local lines = t.stderr_of(function()
    spark.read:format("csv"):option("heder", "true"):option("inferSchem", "true"):load(path)
  end)
  t.eq(table.concat(lines), 'tide: warning: csv source option "heder" is not known; did you mean "header"?\n'
    .. 'tide: warning: csv source option "inferSchem" is not known; did you mean "inferSchema"?\n')
  -- Spark's options are not taken for typos; those tide does not apply
  -- fail, naming them, unless set to Spark's default
  t.eq(#t.stderr_of(function() spark.read:option("nullValue", "NA"):option("dateFormat", "y"):csv(path) end), 0)
  t.eq(spark.read:option("ignoreLeadingWhiteSpace", false):option("nanValue", "NaN"):csv(path):count(), 2)
  t.raises(function() spark.read:option("unescapedQuoteHandling", "RAISE_ERROR"):csv(path) end,
    'CSV option unescapedQuoteHandling=RAISE_ERROR is Spark\'s, but tide does not apply it %(only its default, '
    .. '"STOP_AT_DELIMITER"%)')
  t.eq(spark.read:schema("a string"):option("pathGlobFilter", "*.txt"):csv(path):count(), 0)
  t.raises(function() spark.read:option("allowComments", true):json(path) end,
    "JSON option allowComments=true is Spark's, but tide does not apply it")
end)

-- ---- a record is a line unless multiLine ------------------------------------------

local STRAY = "id int, name string, amt decimal(5,2)"

-- The ids read, the context's malformed and dropped counts, and (with
-- the batch) the batch read.
local function read_batch(path, opts, schema)
  local df = csv(path, opts, schema or STRAY)
  local ctx = require("tide.execution").context()
  local b = require("tide.execution").execute(df._plan, ctx)
  local ids = {}
  for _, r in ipairs(b:collect()) do ids[#ids + 1] = tostring(r.id) end
  return table.concat(ids, " "), ctx.malformed, ctx.dropped, b
end

local function read_ids(path, opts, schema)
  local ids, malformed, dropped = read_batch(path, opts, schema)
  return ids, malformed, dropped
end

t.test("a stray quote makes only its own line malformed: the lines after it are read", function()
  local dir = t.tempdir()
  local text = '1,a,1\n2,"b"x,2\n3,c,3\n4,d,4\n5,e,5\n'
  local path = write(dir .. "/stray.csv", text)
  t.same_table({ read_ids(path, { mode = "DROPMALFORMED" }) }, { "1 3 4 5", 1, 1 })
  local ids, malformed, dropped, b = read_batch(path, {}, STRAY .. ", _corrupt_record string")
  t.eq(ids, "1 2 3 4 5")
  t.eq(malformed, 1)
  t.eq(dropped, 0)
  local rows = b:collect()
  t.eq(rows[2]._corrupt_record, '2,"b"x,2')
  t.eq(rows[2].name, nil)
  t.eq(rows[3].name, "c")
  t.eq(rows[3]._corrupt_record, nil)
  local err = t.raises(function() csv(path, { mode = "FAILFAST" }, STRAY):count() end)
  t.has(err, path .. ":2: malformed CSV record (field 2: text after the closing quote")
  -- The same under multiLine: the bad line alone is malformed.
  t.same_table({ read_ids(path, { mode = "DROPMALFORMED", multiLine = "true" }) }, { "1 3 4 5", 1, 1 })
  -- A CRLF file, and a stray quote in the last line, which lacks its end.
  local crlf = write(dir .. "/crlf.csv", '1,a,1\r\n2,"b"x,2\r\n3,c,3\r\n4,"d"y')
  t.same_table({ read_ids(crlf, { mode = "DROPMALFORMED" }) }, { "1 3", 2, 2 })
end)

t.test("a quote not closed by the end of its line: that line is malformed (multiLine=false)", function()
  local dir = t.tempdir()
  -- The default escape makes \" an escaped quote, so this field never closes.
  local path = write(dir .. "/win.csv", '1,"C:\\temp\\",1\n2,b,2\n3,"open,3\r\n4,d,4\n')
  t.same_table({ read_ids(path, { mode = "DROPMALFORMED" }) }, { "2 4", 2, 2 })
  local ids, malformed, _, b = read_batch(path, {}, STRAY .. ", _corrupt_record string")
  t.eq(ids, "1 2 3 4")
  t.eq(malformed, 2)
  t.eq(b:collect()[1]._corrupt_record, '1,"C:\\temp\\",1')
  t.eq(b:collect()[3]._corrupt_record, '3,"open,3')
  local err = t.raises(function() csv(path, { mode = "FAILFAST" }, STRAY):count() end)
  t.has(err, path .. ":1: malformed CSV record (field 2: a quoted field is not closed by the end of its line")
  -- multiLine=true: the quoted field runs on over the line breaks.
  local text = write(dir .. "/ml.csv", '1,"two\nlines",1\n2,b,2\n')
  t.same_table({ read_ids(text, { mode = "DROPMALFORMED" }) }, { "2", 2, 2 }, "each line malformed")
  local rows = csv(text, { multiLine = "true" }, STRAY):collect()
  t.eq(#rows, 2)
  t.eq(rows[1].name, "two\nlines")
  t.raises(function() csv(text, { multiLine = "maybe" }, STRAY) end, "multiLine must be true or false")
end)

t.test("a stray quote in a line longer than the input buffer skips just that line", function()
  local dir = t.tempdir()
  local long = ("x"):rep(300000)
  local path = write(dir .. "/long.csv", '1,a,1\n2,"b"' .. long .. ',2\n3,c,3\n4,"' .. long .. '\n5,e,5\n')
  t.same_table({ read_ids(path, { mode = "DROPMALFORMED" }) }, { "1 3 5", 2, 2 })
  local _, _, _, b = read_batch(path, {}, STRAY .. ", _corrupt_record string")
  t.eq(b:collect()[2]._corrupt_record, "2,\"b\"" .. long .. ",2")
  t.eq(b:collect()[5].name, "e")
end)

t.test("a quote inside an unquoted field is an ordinary character, as Spark's", function()
  local dir = t.tempdir()
  local path = write(dir .. "/inch.csv", '1,5\'10",1\n2,a"b"c,2\n')
  local rows = csv(path, { mode = "FAILFAST" }, STRAY):collect()
  t.eq(rows[1].name, '5\'10"')
  t.eq(rows[2].name, 'a"b"c')
end)

-- ---- blanks after a closing quote -----------------------------------------------------

-- Spark's parser (univocity) skips spaces and tabs after a closing quote
-- when the separator or the line's end follows them; other text after
-- them is still text after the closing quote.
local BLANKS = table.concat({
  '1,"a" ,1.5',
  '2,"b"  \t,2',
  '3,c,"3"  ',
  '4,"d"x,4',
  '5,"e"  x,5',
  '6,"f" "g",6',
  '7,"" ,7',
  '8,h,"8" \t\r',
  '9,"i""" ,9',
  '10,"j","10"   ',
}, "\n")

t.test("blanks after a closing quote end the field when a separator or the line end follows", function()
  local dir = t.tempdir()
  write(dir .. "/blanks.csv", BLANKS)
  t.sh(("cd '%s' && gzip -c blanks.csv > blanks.csv.gz"):format(dir))
  local schema = STRAY .. ", _corrupt_record string"
  for _, name in ipairs({ "blanks.csv", "blanks.csv.gz" }) do
    local path = dir .. "/" .. name
    for _, multi in ipairs({ "false", "true" }) do
      local what = name .. " multiLine=" .. multi
      local ids, malformed, dropped, b = read_batch(path, { multiLine = multi }, schema)
      t.eq(ids, "1 2 3 4 5 6 7 8 9 10", what)
      t.eq(malformed, 3, what)
      t.eq(dropped, 0, what)
      local rows = b:collect()
      t.eq(rows[1].name, "a", what)
      t.eq(rows[1].amt, "1.50", what)
      t.eq(rows[2].name, "b", what)
      t.eq(rows[2].amt, "2.00", what)
      t.eq(rows[3].name, "c", what)
      t.eq(rows[3].amt, "3.00", what)
      t.eq(rows[5].name, nil, what)
      t.eq(rows[5]._corrupt_record, '5,"e"  x,5', what)
      t.eq(rows[6]._corrupt_record, '6,"f" "g",6', what)
      t.eq(rows[7].name, nil, what) -- "" is the default nullValue
      t.eq(rows[7].amt, "7.00", what)
      t.eq(rows[8].amt, "8.00", what)
      t.eq(rows[9].name, 'i"', what)
      t.eq(rows[9].amt, "9.00", what)
      t.eq(rows[10].amt, "10.00", what)
      for _, i in ipairs({ 1, 2, 3, 7, 8, 9, 10 }) do
        t.eq(rows[i]._corrupt_record, nil, what .. " row " .. i)
      end
      t.same_table({ read_ids(path, { mode = "DROPMALFORMED", multiLine = multi }) },
        { "1 2 3 7 8 9 10", 3, 3 }, what)
      local err = t.raises(function() csv(path, { mode = "FAILFAST", multiLine = multi }, STRAY):count() end)
      t.has(err, path .. ":4: malformed CSV record (field 2: text after the closing quote")
    end
  end
  -- multiLine: after a quoted field that spans lines.
  local spans = write(dir .. "/spans.csv", '1,"two\nlines"  ,1\n2,"b" \t\n')
  local ids, malformed, _, b = read_batch(spans, { multiLine = "true" }, "id int, name string, n int")
  t.eq(ids, "1 2")
  t.eq(malformed, 1) -- record 2 has two fields of three
  t.eq(b:collect()[1].name, "two\nlines")
  t.eq(b:collect()[1].n, 1)
  t.eq(b:collect()[2].name, "b")
  -- Blanks, then text: the field where it happens is named.
  local after = write(dir .. "/after.csv", '1,"a" ,1\n2,b,"2"  x\n')
  local err = t.raises(function() csv(after, { mode = "FAILFAST" }, STRAY):count() end)
  t.has(err, after .. ":2: malformed CSV record (field 3: text after the closing quote")
  -- A tab separator is a separator, not a blank; blanks before it are skipped.
  local tabs = write(dir .. "/tabs.tsv", '1\t"a"\t1\n2\t"b" \t2\n3\t"c"  x\t3\n')
  _, malformed, _, b = read_batch(tabs, { sep = "\t" })
  t.eq(malformed, 1)
  t.eq(b:collect()[1].name, "a")
  t.eq(b:collect()[2].name, "b")
  t.eq(b:collect()[2].amt, "2.00")
  -- A header's quoted names, and inference, skip them too.
  local head = write(dir .. "/head.csv", '"id" ,"name"\t,"amt"  \n1,"a" ,1\n2,"b",2\n')
  local df = csv(head, { header = "true", inferSchema = "true" })
  t.same_table(df.columns, { "id", "name", "amt" })
  t.same_table(df.dtypes, { { "id", "int" }, { "name", "string" }, { "amt", "int" } })
  t.same_table(cells(df), { "1|a|1", "2|b|2" })
end)

t.test("blanks after a closing quote across the input buffer's end are skipped just the same", function()
  -- Lines of 512 KiB, two of the reader's 256 KiB input buffers, with the
  -- closing quote of field 2 a few bytes either side of the first
  -- buffer's end, so that the blanks after it are split between buffers
  -- (or start the next one); then the same lines with text after the blanks.
  local dir = t.tempdir()
  local BUF, LINE = 256 * 1024, 512 * 1024
  local lines, names = {}, {}
  for i = 1, 16 do
    local d = (i - 1) % 8
    local quote_at = BUF - 4 + d -- 0-based offset of the closing quote
    local head = tostring(i) .. ',"'
    local name = ("n"):rep(quote_at - #head)
    local blanks = d % 2 == 0 and "      " or " \t \t "
    local rest = (i <= 8 and "" or "z") .. ","
    local line = head .. name .. '"' .. blanks .. rest
    line = line .. ("f"):rep(LINE - 1 - #line)
    assert(#line == LINE - 1 and line:sub(quote_at + 1, quote_at + 1) == '"')
    lines[i], names[i] = line, name
  end
  local path = write(dir .. "/long.csv", table.concat(lines, "\n") .. "\n")
  t.sh(("cd '%s' && gzip -c long.csv > long.csv.gz"):format(dir))
  local schema = "id int, name string, rest string"
  for _, name in ipairs({ "long.csv", "long.csv.gz" }) do
    for _, multi in ipairs({ "false", "true" }) do
      local what = name .. " multiLine=" .. multi
      local ids, malformed, _, b = read_batch(dir .. "/" .. name, { multiLine = multi }, schema)
      t.eq(ids, "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", what)
      t.eq(malformed, 8, what)
      local rows = b:collect()
      for i = 1, 8 do
        t.ok(rows[i].name == names[i], what .. ": the name of row " .. i)
        t.eq(#rows[i].rest, LINE - 1 - #lines[i]:match("^[^,]*,[^,]*,"), what .. " row " .. i)
      end
      for i = 9, 16 do t.eq(rows[i].name, nil, what .. " row " .. i) end
      t.same_table({ read_ids(dir .. "/" .. name, { mode = "DROPMALFORMED", multiLine = multi }, schema) },
        { "1 2 3 4 5 6 7 8", 8, 8 }, what)
    end
  end
end)

-- ---- escapes and doubled quotes where an input buffer ends ---------------------------

local BUF = 256 * 1024 -- the reader's input buffer (INPUT_BYTES, engine/csv_reader.h)
local QUOTED = "id int, name string, rest string, _corrupt_record string"
local AFTER, AFTER_ROW = '2,"t\\"u",v\n', '2|t"u|v|null' -- a record after, with an escape

-- The end of a line '1,"<text>...' from a byte placed a few bytes either
-- side of an input buffer's end, with field 2's value after <text> (false:
-- the record is malformed) and field 3. Each has an escape or a quote
-- whose meaning depends on the byte after it.
local TAILS = {
  { '\\"z",r', '"z', "r" }, -- an escaped quote
  { '""z\\"y",r', '"z"y', "r" }, -- a doubled quote, then an escaped one
  { '\\"""z\\"y",r', '""z"y', "r" }, -- an escaped quote, then a doubled one
  { '\\\\","r\\"s"', "\\", 'r"s' }, -- an escaped escape: the quote ends the field
  { '","r\\"s"', "", 'r"s' }, -- the closing quote, then a quoted field with an escape
  { '\\"z"x,r', false }, -- text after the closing quote
}

-- The row a line '1,"<text><tail>' reads as, and whether it is malformed.
local function tail_row(text, tail)
  if tail[2] == false then return '1|null|null|1,"' .. text .. tail[1], 1 end
  return ("1|%s|%s|null"):format(text .. tail[2], tail[3]), 0
end

-- The rows of a file as cell texts, and its malformed count.
local function quoted_read(path, multi)
  local _, malformed, _, b = read_batch(path, { multiLine = multi }, QUOTED)
  return batch_cells(b), malformed
end

-- Rows compared one by one; a mismatch shows the end of the row read, as
-- rows may be longer than the input buffer.
local function same_rows(got, want, what)
  t.eq(#got, #want, what .. ": rows")
  for i = 1, #want do
    t.ok(got[i] == want[i], ("%s: row %d is ...%q, expected ...%q"):format(what, i, got[i]:sub(-24),
      want[i]:sub(-24)))
  end
end

t.test("escapes and doubled quotes in a line across the input buffer's end read as elsewhere", function()
  -- A first line of a length that puts the second line's tail 3 bytes
  -- before to 3 bytes after the end of the first input buffer; the same
  -- lines after a short first line (the buffer's end far from them) are the
  -- reference.
  local dir = t.tempdir()
  local text = ("a"):rep(20)
  for k, tail in ipairs(TAILS) do
    local line = '1,"' .. text .. tail[1] .. "\n"
    write(("%s/ref%d.csv"):format(dir, k), "0,f,0\n" .. line .. AFTER)
    for d = -3, 3 do
      local first = BUF + d - 3 - #text -- its bytes, the line end included
      local file = "0," .. ("f"):rep(first - 5) .. ",0\n" .. line .. AFTER
      assert(file:sub(BUF + d + 1, BUF + d + #tail[1]) == tail[1])
      write(("%s/at%d_%d.csv"):format(dir, k, d), file)
    end
  end
  t.sh(("cd '%s' && gzip -k *.csv"):format(dir))
  for k, tail in ipairs(TAILS) do
    for _, multi in ipairs({ "false", "true" }) do
      local ref, ref_malformed = quoted_read(("%s/ref%d.csv"):format(dir, k), multi)
      local row, malformed = tail_row(text, tail)
      local what = ("tail %d multiLine=%s"):format(k, multi)
      same_rows(ref, { "0|f|0|null", row, AFTER_ROW }, what)
      t.eq(ref_malformed, malformed, what .. ": malformed")
      table.remove(ref, 1)
      for d = -3, 3 do
        for _, ext in ipairs({ ".csv", ".csv.gz" }) do
          local what = ("tail %d at the buffer's end %+d, %s multiLine=%s"):format(k, d, ext, multi)
          local rows, bad = quoted_read(("%s/at%d_%d%s"):format(dir, k, d, ext), multi)
          table.remove(rows, 1)
          same_rows(rows, ref, what)
          t.eq(bad, ref_malformed, what .. ": malformed")
        end
      end
    end
  end
end)

t.test("escapes and doubled quotes split between the pieces of a line longer than the buffer", function()
  -- The first line is longer than the input buffer, so libcsv gets it in
  -- two pieces, the first the file's first buffer, and the tail starts 3
  -- bytes before to 3 bytes after its end: an escape and its quote, two
  -- escapes, or the two quotes of a doubled one fall in different pieces.
  local dir = t.tempdir()
  for k, tail in ipairs(TAILS) do
    for d = -3, 3 do
      local text = ("a"):rep(BUF + d - 3)
      write(("%s/long%d_%d.csv"):format(dir, k, d), '1,"' .. text .. tail[1] .. "\n" .. AFTER)
    end
  end
  t.sh(("cd '%s' && gzip -k *.csv"):format(dir))
  for k, tail in ipairs(TAILS) do
    for d = -3, 3 do
      local row, malformed = tail_row(("a"):rep(BUF + d - 3), tail)
      for _, ext in ipairs({ ".csv", ".csv.gz" }) do
        for _, multi in ipairs({ "false", "true" }) do
          local what = ("tail %d at the piece's end %+d, %s multiLine=%s"):format(k, d, ext, multi)
          local rows, bad = quoted_read(("%s/long%d_%d%s"):format(dir, k, d, ext), multi)
          same_rows(rows, { row, AFTER_ROW }, what)
          t.eq(bad, malformed, what .. ": malformed")
        end
      end
    end
  end
  -- A record that goes wrong in the first piece skips the rest of its
  -- line: the escape that ends the piece is not carried to the next line.
  local line = '1,"a"x,"' .. ("b"):rep(BUF - 9) .. '\\"z",r'
  assert(line:sub(BUF, BUF) == "\\")
  write(dir .. "/skipped.csv", line .. "\n" .. AFTER)
  for _, multi in ipairs({ "false", "true" }) do
    local rows, bad = quoted_read(dir .. "/skipped.csv", multi)
    same_rows(rows, { "1|null|null|" .. line, AFTER_ROW }, "skipped, multiLine=" .. multi)
    t.eq(bad, 1, "skipped, multiLine=" .. multi)
  end
end)

-- ---- gzip that ends early; a byte-order mark ------------------------------------------

t.test("a truncated gzip file fails in every mode, naming the file and how far it got", function()
  local dir = t.tempdir()
  local parts, more = {}, {}
  for i = 1, 500 do parts[#parts + 1] = i .. ",n" .. i .. "," .. i end
  for i = 501, 1000 do more[#more + 1] = i .. ",n" .. i .. "," .. i end
  write(dir .. "/a.csv", table.concat(parts, "\n") .. "\n")
  write(dir .. "/b.csv", table.concat(more, "\n") .. "\n")
  -- A whole member, then the first 12 bytes of the next.
  t.sh(("cd '%s' && (gzip -c a.csv; gzip -c b.csv | head -c 12) > cut.csv.gz"):format(dir))
  local big = {}
  for i = 1, 100000 do big[#big + 1] = i .. ",name" .. i .. "," .. (i % 1000) .. ".5" end
  write(dir .. "/big.csv", table.concat(big, "\n") .. "\n")
  t.sh(("cd '%s' && gzip -c big.csv | head -c 200000 > head.csv.gz"):format(dir))
  for _, name in ipairs({ "cut.csv.gz", "head.csv.gz" }) do
    for _, mode in ipairs({ "PERMISSIVE", "DROPMALFORMED", "FAILFAST" }) do
      local err = t.raises(function() csv(dir .. "/" .. name, { mode = mode }, STRAY):count() end)
      t.has(err, "cannot read " .. dir .. "/" .. name .. ": unexpected end of gzip data (the file is truncated)")
      t.ok(err:find("it ends in line %d+"), err)
    end
  end
  -- The whole files read.
  t.sh(("cd '%s' && gzip -c big.csv > whole.csv.gz"):format(dir))
  t.eq(csv(dir .. "/whole.csv.gz", { mode = "FAILFAST" }, STRAY):count(), 100000)
end)

t.test("a UTF-8 byte-order mark at the start of a file is skipped, plain or gzip", function()
  local dir = t.tempdir()
  local bom = "\239\187\191"
  write(dir .. "/h.csv", bom .. "id,name,amt\n1,a,1\n2,b,2\n")
  write(dir .. "/n.csv", bom .. "1,a,1\n2,b,2\n")
  t.sh(("cd '%s' && gzip -c h.csv > h.csv.gz"):format(dir))
  for _, name in ipairs({ "h.csv", "h.csv.gz" }) do
    local df = csv(dir .. "/" .. name, { header = "true", inferSchema = "true" })
    t.eq(df.columns[1], "id", name)
    t.eq(df:collect()[1].id, 1, name)
    t.same_table({ read_ids(dir .. "/" .. name, { header = "true", mode = "FAILFAST" }) }, { "1 2", 0, 0 })
  end
  t.same_table({ read_ids(dir .. "/n.csv", { mode = "FAILFAST" }) }, { "1 2", 0, 0 })
  t.eq(csv(dir .. "/n.csv", {}).columns[1], "_c0")
  -- Only at the very start: elsewhere the bytes are the field's.
  write(dir .. "/mid.csv", "1,a,1\n2," .. bom .. "b,2\n")
  t.eq(csv(dir .. "/mid.csv", {}, STRAY):collect()[2].name, bom .. "b")
end)

t.test("decimals with an exponent read as Java's BigDecimal reads them", function()
  local dir = t.tempdir()
  local path = write(dir .. "/e.csv", "1e2,1E-2\n1.5e1,5E-1\n-2.5E+1,1e20\n9.9999e2,0e5\n1e3,1e38\n")
  local df = csv(path, {}, "a decimal(5,2), b decimal(38,0), _corrupt_record string")
  local ctx = require("tide.execution").context()
  local b = require("tide.execution").execute(df._plan, ctx)
  t.same_table(cells(df), {
    "100.00|0|null", "15.00|1|null", "-25.00|100000000000000000000|null", "999.99|0|null",
    "null|null|1e3,1e38" })
  t.eq(ctx.malformed, 1)
  local _ = b
end)

t.run()
