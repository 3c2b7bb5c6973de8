-- The CSV reader's univocity options, as Spark 3.5 reads with them:
-- comment, ignoreLeadingWhiteSpace, ignoreTrailingWhiteSpace, emptyValue,
-- nanValue / positiveInf / negativeInf, and decimals with grouping commas.
-- The expected rows are what Apache Spark 3.5.3 read from the same files.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

local write = t.write
local BUF = 256 * 1024 -- the reader's input buffer (INPUT_BYTES, engine/csv_reader.h)

-- Rows as "a|b|c" texts (null for a null), read with the options.
local function rows(path, opts, schema)
  local r = spark.read:format("csv"):option("header", "true")
  for k, v in pairs(opts or {}) do r = r:option(k, v) end
  if schema then r = r:schema(schema) end
  local df = r:load(path)
  return t.rows(df), df
end

-- A header, a comment-like line, a line of blanks, values with blanks
-- around them (one quoted), a quoted empty field, and a comment.
local SPACED = 'a,b,c\n#x,y\n  \n1 , "q ,r" ,  s  \n  2,  "t"  ,u\n""," ",NaN\n#comment\n3,,Inf\n'

t.test("comment skips the lines starting with it; lines of blanks alone are skipped", function()
  local path = write(t.tempdir() .. "/spaced.csv", SPACED)
  -- Without multiLine Spark drops lines of blanks alone; the comment
  -- character is an ordinary one until set.
  t.same_table(rows(path), { "#x|y|null", '1 | "q |r" ', '  2|  "t"  |u', "null| |NaN", "#comment|null|null",
    "3|null|Inf" })
  t.same_table(rows(path, { comment = "#" }), { '1 | "q |r" ', '  2|  "t"  |u', "null| |NaN", "3|null|Inf" })
  -- multiLine reads the line of blanks as a record; comments are skipped
  -- there too.
  t.same_table(rows(path, { comment = "#", multiLine = true }),
    { "  |null|null", '1 | "q |r" ', '  2|  "t"  |u', "null| |NaN", "3|null|Inf" })
  -- Skipped lines are neither records nor malformed; the header may
  -- follow comments, and inference does not see them.
  local headed = write(t.tempdir() .. "/headed.csv", "# made by a test\nn,s\n# one\n1,x\n#two\n2,y\n")
  local got, df = rows(headed, { comment = "#", inferSchema = true })
  t.same_table(got, { "1|x", "2|y" })
  t.eq(df.schema:simpleString(), "struct<n:int,s:string>")
  t.eq(spark.read:option("header", true):option("comment", "#"):option("mode", "FAILFAST"):csv(headed):count(), 2)
  -- the file's last line, without its end, too
  local last = write(t.tempdir() .. "/last.csv", "n,s\n1,x\n  \t")
  t.same_table(rows(last), { "1|x" })
  t.same_table(rows(write(t.tempdir() .. "/c.csv", "n,s\n1,x\n#2,y"), { comment = "#" }), { "1|x" })
end)

t.test("ignoreLeadingWhiteSpace and ignoreTrailingWhiteSpace drop blanks around values", function()
  local path = write(t.tempdir() .. "/spaced.csv", SPACED)
  -- Blanks before a quote: with leading blanks dropped it opens a quoted
  -- value, else it is an ordinary character.
  t.same_table(rows(path, { comment = "#", ignoreLeadingWhiteSpace = true }),
    { "1 |q ,r|s  ", "2|t|u", "null| |NaN", "3|null|Inf" })
  t.same_table(rows(path, { comment = "#", ignoreTrailingWhiteSpace = true }),
    { '1| "q|r"', '  2|  "t"|u', "null| |NaN", "3|null|Inf" })
  t.same_table(rows(path, { comment = "#", ignoreLeadingWhiteSpace = true, ignoreTrailingWhiteSpace = true }),
    { "1|q ,r|s", "2|t|u", "null| |NaN", "3|null|Inf" })
  -- Blanks inside quotes are kept. With multiLine, a line of blanks alone
  -- is skipped when leading blanks are dropped, and a record of one empty
  -- value when only trailing ones are.
  t.same_table(rows(path, { multiLine = true, comment = "#", ignoreLeadingWhiteSpace = true }),
    { "1 |q ,r|s  ", "2|t|u", "null| |NaN", "3|null|Inf" })
  t.same_table(rows(path, { multiLine = true, comment = "#", ignoreTrailingWhiteSpace = true }),
    { "null|null|null", '1| "q|r"', '  2|  "t"|u', "null| |NaN", "3|null|Inf" })
  -- Tabs are blanks too, and an escaped quote stays inside its value.
  local tabbed = write(t.tempdir() .. "/tabbed.csv", 'a,b,c\n\t1\t, "x\\"  ,y" ,z \n')
  local schema = "a string, b string, c string, bad string"
  local opts = { columnNameOfCorruptRecord = "bad", ignoreLeadingWhiteSpace = true, ignoreTrailingWhiteSpace = true }
  t.same_table(rows(tabbed, opts, schema), { '1|x"  ,y|z|null' })
  t.same_table(rows(tabbed, { columnNameOfCorruptRecord = "bad", ignoreLeadingWhiteSpace = true }, schema),
    { '1\t|x"  ,y|z |null' })
  -- Text after a closing quote is malformed, blanks dropped or not.
  local after = write(t.tempdir() .. "/after.csv", 'a,b,c\n"a"  ,  "b"x,c\n')
  t.same_table(rows(after, opts, schema), { 'a|null|null|"a"  ,  "b"x,c' })
end)

t.test("blanks around values across the pieces of a line longer than the buffer", function()
  -- A long quoted value, then blanks and values, placed so that the end
  -- of the line's first piece (the input buffer, from the line's start)
  -- falls in and next to each run of blanks.
  local dir = t.tempdir()
  for d = -8, 8 do
    local long = ("a"):rep(BUF + d - 8)
    local path = write(("%s/long%d.csv"):format(dir, d), 'a,b,c\n"' .. long .. '"   ,   v   ,  w\n1,2,3\n')
    local opts = { ignoreLeadingWhiteSpace = true, ignoreTrailingWhiteSpace = true }
    -- (the long value compared by its length and its end, for short messages)
    local function ends(row, want, what)
      t.eq(#row, #long + #want, what .. " at " .. d .. ": length")
      t.eq(row:sub(-#want - 1), "a" .. want, what .. " at " .. d)
    end
    local got = rows(path, opts)
    t.eq(#got, 2, "rows at " .. d)
    ends(got[1], "|v|w", "both")
    t.eq(got[2], "1|2|3", "the line after at " .. d)
    ends(rows(path, { ignoreTrailingWhiteSpace = true })[1], "|   v|  w", "trailing only")
    ends(rows(path, { ignoreLeadingWhiteSpace = true })[1], "|v   |w", "leading only")
  end
end)

t.test("emptyValue is a quoted empty field's text; nullValue is tested after it", function()
  local path = write(t.tempdir() .. "/spaced.csv", SPACED)
  t.same_table(rows(path, { comment = "#", emptyValue = "E" }),
    { '1 | "q |r" ', '  2|  "t"  |u', "E| |NaN", "3|null|Inf" })
  t.same_table(rows(path, { comment = "#", emptyValue = "E", nullValue = "E" }),
    { '1 | "q |r" ', '  2|  "t"  |u', "null| |NaN", "3|null|Inf" })
end)

t.test("nanValue, positiveInf and negativeInf read floats and doubles, and only they", function()
  local path = write(t.tempdir() .. "/nan.csv", "a,b\n1.5,nan\nINF,-INF\n-Inf,Inf\nx,NaN\n")
  local schema = "a double, b float"
  -- Spark's defaults are NaN, Inf and -Inf; Java's NaN and Infinity read
  -- whatever the options.
  t.same_table(rows(path, {}, schema), { "1.5|null", "null|null", "-Infinity|Infinity", "null|NaN" })
  local opts = { nanValue = "nan", positiveInf = "INF", negativeInf = "-INF" }
  t.same_table(rows(path, opts, schema), { "1.5|NaN", "Infinity|-Infinity", "null|null", "null|NaN" })
  -- Inference takes them as doubles too.
  local b = write(t.tempdir() .. "/b.csv", "b\nnan\n-INF\n2\n")
  local _, df = rows(b, { inferSchema = true, nanValue = "nan", negativeInf = "-INF" })
  t.eq(df.schema:simpleString(), "struct<b:double>")
  _, df = rows(b, { inferSchema = true })
  t.eq(df.schema:simpleString(), "struct<b:string>")
end)

t.test("decimals read with grouping commas taken out, as Spark's en-US parser", function()
  local path = write(t.tempdir() .. "/dec.csv", 'a,b\n"1,234.5",1\n"1,000",2\n')
  t.same_table(rows(path, {}, "a decimal(10,2), b int"), { "1234.50|1", "1000.00|2" })
  -- Inference does not take them for numbers (Spark's neither).
  local _, df = rows(path, { inferSchema = true })
  t.eq(df.schema:simpleString(), "struct<a:string,b:int>")
end)

t.test("enforceSchema false checks the header against the schema given, as Spark's CSVHeaderChecker", function()
  -- (messages: Apache Spark 3.5.3's, but for the file's name)
  local path = write(t.tempdir() .. "/h.csv", "a,B\n1,2\n")
  local function read(schema, opts) return rows(path, opts or { enforceSchema = false }, schema) end
  -- names compared without case; the corrupt-record column is not the file's
  t.same_table(read("a int, b int, _corrupt_record string"), { "1|2|null" })
  t.raises(function() read("x int, b int") end, "CSV header does not conform to the schema.\n Header: a, B\n"
    .. " Schema: x, b\nExpected: x but found: a\nCSV file: " .. path)
  t.raises(function() read("a int") end, "Number of column in CSV header is not equal to number of fields in the"
    .. " schema:\n Header length: 2, schema size: 1\nCSV file: " .. path)
  -- by default the rows are read, and the mismatch is a warning
  local got
  local lines = t.stderr_of(function() got = read("x int, b int", {}) end)
  t.same_table(got, { "1|2" })
  t.eq(table.concat(lines), "tide: warning: CSV header does not conform to the schema.\n Header: a, B\n"
    .. " Schema: x, b\nExpected: x but found: a\nCSV file: " .. path .. "\n")
  t.eq(#t.stderr_of(function() read("A int, b int", {}) end), 0)
end)

t.test("the CSV writer writes as Spark's: blanks trimmed, quotes escaped, \"\" for an empty string, its options", function()
  -- (expected: the files Apache Spark 3.5.3 wrote for the same rows and options)
  local df = spark:createDataFrame({ { " a ", 'q"x', "", nil, "c,d", "l\nm", 1.5 } },
    "s string, t string, e string, n string, c string, nl string, d double")
  local function written(opts)
    local dir = t.tempdir() .. "/out"
    local w = df.write
    for k, v in pairs(opts) do w = w:option(k, v) end
    w:csv(dir)
    local text = t.sh(("cat '%s'/part-*.csv"):format(dir))
    return text
  end
  t.eq(written({ header = true }), 's,t,e,n,c,nl,d\na,"q\\"x","",,"c,d","l\nm",1.5\n')
  t.eq(written({ escape = '"' }), 'a,"q""x","",,"c,d","l\nm",1.5\n')
  t.eq(written({ ignoreLeadingWhiteSpace = false, ignoreTrailingWhiteSpace = false }),
    ' a ,"q\\"x","",,"c,d","l\nm",1.5\n')
  t.eq(written({ escapeQuotes = false }), 'a,q"x,"",,"c,d","l\nm",1.5\n')
  t.eq(written({ nullValue = "NULL", emptyValue = "EMPTY" }), 'a,"q\\"x",EMPTY,NULL,"c,d","l\nm",1.5\n')
  t.eq(written({ quoteAll = true }), '"a","q\\"x","","","c,d","l\nm","1.5"\n')
  -- files tide does not write fail, naming the option
  t.raises(function() written({ compression = "gzip" }) end, "csv: compression gzip is not supported")
  t.raises(function() written({ lineSep = ";" }) end, 'csv: lineSep ";" is not supported')
  t.raises(function() written({ encoding = "ISO-8859-1" }) end, "csv: encoding ISO%-8859%-1 is not supported")
  t.raises(function() df.write:json(t.tempdir() .. "/j", { compression = "gzip" }) end,
    "json: compression gzip is not supported")
  -- and the reader reads back what it wrote
  local dir = t.tempdir() .. "/back"
  df.write:option("header", true):csv(dir)
  t.same_table(rows(dir, { multiLine = true }, "s string, t string, e string, n string, c string, nl string, d double"),
    { 'a|q"x|null|null|c,d|l\nm|1.5' })
end)

t.test("lineSep and charToEscapeQuoteEscaping are taken at Spark's default only", function()
  local path = write(t.tempdir() .. "/a.csv", "a,b\n1,2\n")
  t.same_table(rows(path, { lineSep = "\n", charToEscapeQuoteEscaping = "\\" }), { "1|2" })
  t.raises(function() rows(path, { lineSep = ";" }) end, 'CSV option lineSep ";" is not supported')
  t.raises(function() rows(path, { charToEscapeQuoteEscaping = "#" }) end,
    "CSV option charToEscapeQuoteEscaping=# is Spark's, but tide does not apply it")
  -- a zone of its own, and a TIMESTAMP_NTZ pattern, are refused as from_csv refuses them
  t.raises(function() rows(path, { maxCharsPerColumn = 100 }) end,
    'CSV option maxCharsPerColumn=100 is Spark.s, but tide does not apply it %(only its default, "%-1"%)')
  t.same_table(rows(path, { maxColumns = 20480 }), { "1|2" })
  t.raises(function() rows(path, { timeZone = "Europe/Paris" }) end,
    "CSV option timeZone=Europe/Paris is Spark's, but tide does not apply it")
  t.raises(function() spark:sql("SELECT from_csv('1', 'a INT', map('timestampNTZFormat', 'yyyy'))"):collect() end,
    "from_csv option timestampNTZFormat=yyyy is Spark's, but tide does not apply it")
end)

t.run()
