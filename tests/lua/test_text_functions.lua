-- tide.eval_text: trim/ltrim/rtrim, lpad/rpad, concat_ws, instr, locate,
-- translate, initcap, reverse, repeat, ascii, regexp_extract, md5, sha1,
-- sha2, crc32, base64, unbase64, hex, hash, ifnull/nvl, nullif and nvl2
-- against Spark 3.5's results, result types and column names, from
-- tide.functions and from SQL strings. The expected strings and hashes
-- were computed with Spark 3.5.1's own UTF8String and Murmur3_x86_32
-- classes (spark-unsafe), java.util.Base64's MIME decoder (Spark's
-- unbase64) and Spark's documented examples.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local cases = require("expression_cases")
local over, check = cases.over, cases.check
local spark = tide.session()

-- One string column s holding the given values (nil for NULL).
local function strings(...)
  local rows = {}
  for i = 1, select("#", ...) do rows[i] = { (select(i, ...)) } end
  return rows
end

t.test("trim, ltrim, rtrim: spaces only; with characters, TRIM(BOTH x FROM s)", function()
  local rows = strings("  a b  ", "\ta\t ", "", "   ", "  héllo ", nil)
  check {
    { "s string", rows, F.trim("s"), { "a b", "\ta\t", "", "", "héllo", "null" }, "string", "trim(s)" },
    { "s string", rows, F.ltrim("s"), { "a b  ", "\ta\t ", "", "", "héllo ", "null" }, "string", "ltrim(s)" },
    { "s string", rows, F.rtrim(F.col("s")), { "  a b", "\ta\t", "", "", "  héllo", "null" }, "string", "rtrim(s)" },
    { "s string", strings("SSparkSQLS", "ééaéxé", nil), F.trim("s", "SLéx"),
      { "parkSQ", "a", "null" }, "string", "TRIM(BOTH SLéx FROM s)" },
    -- SQL's two-argument form is trim(trimStr, str), as StringTrim's constructor.
    { "s string", strings("SSparkSQLS"), "ltrim('SL', s)", { "parkSQLS" }, "string", "TRIM(LEADING SL FROM s)" },
    { "s string", strings("SSparkSQLS"), "RTRIM('SL', s)", { "SSparkSQ" }, "string", "TRIM(TRAILING SL FROM s)" },
    { "s string", strings("ééaéxé"), "trim(s)", { "ééaéxé" }, "string", "trim(s)" },
    { "s string", strings("abc"), F.trim("s", ""), { "abc" }, "string", "TRIM(BOTH  FROM s)" },
    { "s string", strings("xax"), "trim(NULL, s)", { "null" }, "string", "TRIM(BOTH NULL FROM s)" },
    -- btrim takes the string first and keeps its name.
    { "s string", strings("SSparkSQLS", "  x "), F.btrim("s", "SL"), { "parkSQ", "  x " }, "string", "btrim(s, SL)" },
    { "s string", strings("  x "), "btrim(s)", { "x" }, "string", "btrim(s)" },
    -- Numbers are cast to strings.
    { "i int", { { 7 } }, F.trim("i"), { "7" }, "string", "trim(i)" },
  }
end)

t.test("lpad and rpad: cut to len when longer, an empty pad pads nothing, pad repeats and is cut", function()
  check {
    { "s string", strings("hi", "héllo", "", nil), F.lpad("s", 5, "??"),
      { "???hi", "héllo", "?????", "null" }, "string", "lpad(s, 5, ??)" },
    { "s string", strings("hi", "héllo"), F.lpad("s", 1, "??"), { "h", "h" }, "string", "lpad(s, 1, ??)" },
    { "s string", strings("hi"), F.lpad("s", 5, ""), { "hi" }, "string", "lpad(s, 5, )" },
    { "s string", strings("hi"), F.lpad("s", -1, "x"), { "" }, "string", "lpad(s, -1, x)" },
    { "s string", strings("a"), F.lpad("s", 4, "éü"), { "éüéa" }, "string", "lpad(s, 4, éü)" },
    { "s string", strings("hé", "hi"), F.rpad("s", 5, "ab"), { "héaba", "hiaba" }, "string", "rpad(s, 5, ab)" },
    { "s string", strings("a"), F.rpad("s", 4, "éü"), { "aéüé" }, "string", "rpad(s, 4, éü)" },
    { "s string", strings("hi"), F.rpad("s", 0, "x"), { "" }, "string", "rpad(s, 0, x)" },
    -- SQL: the pad defaults to a space; the length may come from a column.
    { "s string, n int", { { "ab", 4 }, { "ab", nil } }, "lpad(s, n)", { "  ab", "null" }, "string", "lpad(s, n,  )" },
    { "s string", strings("ab"), "rpad(s, '3', NULL)", { "null" }, "string", "rpad(s, 3, NULL)" },
    { "i int", { { 42 } }, F.lpad("i", 5, 0), { "00042" }, "string", "lpad(i, 5, 0)" },
  }
end)

t.test("concat_ws skips NULLs, unlike concat; a NULL separator gives NULL", function()
  local ddl = "a string, b string, n int"
  local rows = { { "x", "y", 1 }, { "x", nil, 2 }, { nil, nil, nil } }
  check {
    { ddl, rows, F.concat_ws("-", "a", "b", "n"), { "x-y-1", "x-2", "" }, "string", "concat_ws(-, a, b, n)" },
    { ddl, rows, F.concat_ws(", ", "a"), { "x", "x", "" }, "string", "concat_ws(, , a)" },
    { ddl, rows, F.concat_ws("-"), { "", "", "" }, "string", "concat_ws(-)" },
    { ddl, rows, "concat_ws(b, a, 'z', NULL)", { "xyz", "null", "null" }, "string", "concat_ws(b, a, z, NULL)" },
    { ddl, rows, "CONCAT_WS('/', a, n * 2)", { "x/2", "x/4", "" }, "string", "concat_ws(/, a, (n * 2))" },
  }
  t.raises(function() F.concat_ws(F.col("a"), "b") end, "sep is a string, not a table")
end)

t.test("instr and locate: 1-based characters, 0 when absent; locate's NULL or < 1 position gives 0", function()
  check {
    { "s string", strings("foobarbar", "héllo", "", nil), F.instr("s", "l"), { "0", "3", "0", "null" }, "int", "instr(s, l)" },
    { "s string", strings("foobarbar", ""), F.instr("s", ""), { "1", "1" }, "int", "instr(s, )" },
    { "s string", strings("foobarbar", "bar", nil), F.locate("bar", "s"), { "4", "1", "null" }, "int", "locate(bar, s, 1)" },
    { "s string", strings("foobarbar"), F.locate("bar", "s", 5), { "7" }, "int", "locate(bar, s, 5)" },
    { "s string", strings("foobarbar"), F.locate("bar", "s", 0), { "0" }, "int", "locate(bar, s, 0)" },
    { "s string", strings("héllo wörld"), F.locate("ö", "s", 3), { "8" }, "int", "locate(ö, s, 3)" },
    { "s string", strings("abc"), "locate('', s, 10)", { "1" }, "int", "locate(, s, 10)" },
    { "s string", strings("abc"), "locate('c', s, 4)", { "0" }, "int", "locate(c, s, 4)" },
    { "s string", strings("abc"), "locate('b', s)", { "2" }, "int", "locate(b, s, 1)" },
    { "s string, p int", { { "abcabc", 3 }, { "abcabc", nil }, { nil, nil }, { nil, 1 } }, "locate('a', s, p)",
      { "4", "0", "0", "null" }, "int", "locate(a, s, p)" },
    { "i bigint", { { 12345 } }, "instr(i, 34)", { "3" }, "int", "instr(i, 34)" },
  }
end)

t.test("translate: character by character, removing those without a replacement", function()
  check {
    { "s string", strings("AaBbCc", nil), F.translate("s", "abc", "123"), { "A1B2C3", "null" }, "string",
      "translate(s, abc, 123)" },
    -- The first mapping of a character wins; c has no replacement.
    { "s string", strings("abcabc"), F.translate("s", "abca", "xy"), { "xyxy" }, "string", "translate(s, abca, xy)" },
    { "s string", strings("héllo😀"), "translate(s, 'é😀', 'e!')", { "hello!" }, "string", "translate(s, é😀, e!)" },
    { "s string", strings("aaa"), "translate(s, 'a', '')", { "" }, "string", "translate(s, a, )" },
    { "s string", strings("aaa"), "translate(s, NULL, '')", { "null" }, "string", "translate(s, NULL, )" },
  }
  local df = spark:createDataFrame(tide.batch.fromRows(strings("a"), "s string"))
  t.raises(function() df:select(F.translate("s", F.col("s"), "x")) end,
    "the characters to replace of translate must be a literal string")
end)

t.test("initcap, reverse, repeat and ascii", function()
  check {
    { "s string", strings("hello wORLD-foo  bar o'neil\tx", "élan vital ÉCOLE", " ǆemal ǳ", "", nil), F.initcap("s"),
      { "Hello World-foo  Bar O'neil\tx", "Élan Vital École", " ǅemal ǲ", "", "null" }, "string", "initcap(s)" },
    -- Java's String.toLowerCase: a final sigma, İ as i and a combining dot.
    { "s string", strings("ΟΔΟΣ ΟΔΟΣ. İSTANBUL"), F.initcap("s"), { "Οδος Οδος. I\xCC\x87stanbul" }, "string",
      "initcap(s)" },
    -- Malformed bytes stay in text that has no multi-byte character (UTF8String's
    -- fast path) and become U+FFFD in text that has one (through a Java String).
    { "s string", strings("\xFFaBc x", "\xFFaBé x"), "hex(initcap(s))", { "FF6162632058", "EFBFBD6162C3A92058" },
      "string", "hex(initcap(s))" },
    { "s string", strings("héllo😀", "", nil), F.reverse("s"), { "😀olléh", "", "null" }, "string", "reverse(s)" },
    { "s string", strings("ab", nil), F["repeat"]("s", 3), { "ababab", "null" }, "string", "repeat(s, 3)" },
    { "s string, n int", { { "ab", 0 }, { "ab", -1 }, { "ab", nil }, { "é", 2 } }, "repeat(s, n)",
      { "", "", "null", "éé" }, "string", "repeat(s, n)" },
    { "s string", strings("A", "é", "😀", "", nil), F.ascii("s"), { "65", "233", "128512", "0", "null" }, "int",
      "ascii(s)" },
    { "i int", { { 2 } }, F.ascii("i"), { "50" }, "int", "ascii(i)" },
  }
  t.eq(F.repeat_, F["repeat"])
end)

t.test("regexp_extract: a group of the first match, empty when nothing matches", function()
  local rows = strings("100-200", "x 7-8 9-10", "none", nil)
  check {
    { "s string", rows, F.regexp_extract("s", "(\\d+)-(\\d+)", 1), { "100", "7", "", "null" }, "string",
      "regexp_extract(s, (\\d+)-(\\d+), 1)" },
    { "s string", rows, F.regexp_extract("s", "(\\d+)-(\\d+)", 2), { "200", "8", "", "null" }, "string",
      "regexp_extract(s, (\\d+)-(\\d+), 2)" },
    { "s string", rows, F.regexp_extract("s", "(\\d+)-(\\d+)", 0), { "100-200", "7-8", "", "null" }, "string",
      "regexp_extract(s, (\\d+)-(\\d+), 0)" },
    -- An optional group that took no part gives "".
    { "s string", strings("a", "ab"), F.regexp_extract("s", "(a)(b)?", 2), { "", "b" }, "string",
      "regexp_extract(s, (a)(b)?, 2)" },
    { "s string", strings("id=42;"), "regexp_extract(s, 'id=(\\\\d+)')", { "42" }, "string",
      "regexp_extract(s, id=(\\d+), 1)" },
  }
  local df = spark:createDataFrame(tide.batch.fromRows(strings("a"), "s string"))
  t.raises(function() df:select(F.regexp_extract("s", "(a)", 2)) end,
    "the group index must be between 0 and 1 %(the groups of '%(a%)'%), not 2")
  t.raises(function() df:select(F.regexp_extract("s", "(a", 1)) end, "invalid regular expression")
  t.raises(function() df:select(F.regexp_extract("s", F.col("s"), 1)) end, "the pattern of regexp_extract must be a literal")
end)

t.test("md5, sha1, sha2, crc32: Spark's documented values; binary and strings alike", function()
  local rows = strings("Spark", "", nil)
  check {
    { "s string", rows, F.md5("s"), { "8cde774d6f7333752ed72cacddb05126", "d41d8cd98f00b204e9800998ecf8427e", "null" },
      "string", "md5(s)" },
    { "s string", rows, F.sha1("s"), { "85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c",
      "da39a3ee5e6b4b0d3255bfef95601890afd80709", "null" }, "string", "sha1(s)" },
    { "s string", strings("Spark"), F.sha2("s", 256),
      { "529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b" }, "string", "sha2(s, 256)" },
    { "s string", strings("Spark"), "sha2(s, 0)",
      { "529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b" }, "string", "sha2(s, 0)" },
    { "s string", strings("abc"), F.sha2("s", 224), { "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7" },
      "string", "sha2(s, 224)" },
    { "s string", strings("abc"), F.sha2("s", 384), { "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
      .. "8086072ba1e7cc2358baeca134c825a7" }, "string", "sha2(s, 384)" },
    { "s string", strings("abc"), F.sha2("s", 512), { "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
      .. "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" }, "string", "sha2(s, 512)" },
    -- Other bit lengths give NULL.
    { "s string", strings("abc"), F.sha2("s", 128), { "null" }, "string", "sha2(s, 128)" },
    { "s string", rows, F.crc32("s"), { "1557323817", "0", "null" }, "bigint", "crc32(s)" },
    { "s string", strings("Spark"), "SHA(CAST(s AS BINARY))", { "85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c" }, "string",
      "sha(CAST(s AS BINARY))" },
  }
  local df = spark:createDataFrame(tide.batch.fromRows({ { 1 } }, "i int"))
  t.raises(function() df:select(F.md5("i")) end, "md5 needs a binary or a string, not int %(i%)")
  t.raises(function() df:selectExpr("sha2(CAST(i AS STRING), i)") end, "the bit length of sha2 must be a literal integer")
end)

t.test("base64 and unbase64: no line breaks; Java's MIME decoder's leniency and errors", function()
  check {
    { "s string", strings("Spark SQL", "", nil, string.rep("x", 100)), F.base64("s"),
      { "U3BhcmsgU1FM", "", "null", string.rep("eHh4", 33) .. "eA==" }, "string", "base64(s)" },
    { "s string", strings("U3BhcmsgU1FM", "U3Bhcms=", "U3Bhcms", "U3B\nhc ms=", "U3Bhcg==", "U3Bhcg", "",
      "U3Bhcg==\n!", "é U3Bhcms=", nil), "CAST(unbase64(s) AS STRING)",
      { "Spark SQL", "Spark", "Spark", "Spark", "Spar", "Spar", "", "Spar", "Spark", "null" }, "string",
      "CAST(unbase64(s) AS STRING)" },
    { "s string", strings("U3Bhcms="), F.unbase64("s"), { "[53 70 61 72 6B]" }, "binary", "unbase64(s)" },
    { "s string", strings("AAEC/w=="), "hex(unbase64(s))", { "000102FF" }, "string", "hex(unbase64(s))" },
  }
  for _, bad in ipairs({ { "U3Bhcg=", "wrong 4%-byte ending unit" }, { "U", "Last unit does not have enough valid bits" },
                         { "=", "wrong 4%-byte ending unit" }, { "U3Bhcg==x", "incorrect ending byte" } }) do
    t.raises(function() over("s string", strings(bad[1]), F.unbase64("s")) end, "unbase64: .*" .. bad[2])
  end
end)

t.test("hex: bigints as Long.toHexString in capitals, strings and binary byte by byte", function()
  check {
    { "i bigint", { { 17 }, { -1 }, { 0 }, { 2 ^ 40 }, { nil } }, F.hex("i"),
      { "11", "FFFFFFFFFFFFFFFF", "0", "10000000000", "null" }, "string", "hex(i)" },
    { "i int", { { 255 } }, "hex(i)", { "FF" }, "string", "hex(i)" },
    { "d double", { { 17.9 } }, "hex(d)", { "11" }, "string", "hex(d)" },
    { "s string", strings("Spark SQL", "é", ""), F.hex("s"), { "537061726B2053514C", "C3A9", "" }, "string", "hex(s)" },
    { "b boolean", { { true } }, "hex(b)", { "74727565" }, "string", "hex(b)" },
  }
end)

t.test("hash: Spark's Murmur3 with seed 42, chained over the arguments, NULLs skipped", function()
  -- Values from Spark 3.5.1's Murmur3_x86_32 (hashInt, hashLong,
  -- hashUnsafeBytes) as Murmur3Hash calls it.
  check {
    { "i int", { { 1 }, { 0 }, { -1 }, { 2147483647 }, { nil } }, F.hash("i"),
      { "-559580957", "933211791", "-1604776387", "133916647", "42" }, "int", "hash(i)" },
    { "l bigint", { { 1 }, { 1234567890123 }, { -9223372036854775807LL - 1 } }, F.hash("l"),
      { "-1712319331", "1304145252", "-853646085" }, "int", "hash(l)" },
    { "d double", { { 1.5 }, { 0.0 }, { -0.0 }, { 0 / 0 } }, F.hash("d"),
      { "1290763749", "-1670924195", "-1670924195", "-1281358385" }, "int", "hash(d)" },
    { "f float", { { 1.5 } }, F.hash("f"), { "-221251528" }, "int", "hash(f)" },
    { "b boolean", { { true }, { false } }, F.hash("b"), { "-559580957", "933211791" }, "int", "hash(b)" },
    -- Strings: whole words, then Spark's byte-by-byte tail.
    { "s string", strings("", "a", "ab", "abc", "abcd", "Spark", "héllo wörld", "ÿþ"), F.hash("s"),
      { "142593372", "1485273170", "-97053317", "1322437556", "-396302900", "228093765", "-281075962", "1468979952" },
      "int", "hash(s)" },
    { "m decimal(4,2)", { { "12.34" } }, F.hash("m"), { "-1028144669" }, "int", "hash(m)" },
    { "m decimal(30,0)", { { "-123456789012345678901234" }, { "1" } }, F.hash("m"), { "1547522907", "-386724586" },
      "int", "hash(m)" },
    { "s string, i int", { { "Spark", 2 }, { nil, 1 } }, "hash(s, i)", { "-1781276684", "-559580957" }, "int",
      "hash(s, i)" },
    { "i int, s string", { { 1, "a" }, { nil, "a" } }, "HASH(i, s, NULL)", { "-936062819", "1485273170" }, "int",
      "hash(i, s, NULL)" },
  }
end)

t.test("ifnull, nvl, nullif and nvl2", function()
  local ddl = "a int, b bigint, s string"
  local rows = { { 1, 10, "x" }, { nil, 20, "1" }, { 3, nil, nil }, { nil, nil, nil } }
  check {
    { ddl, rows, F.ifnull("a", "b"), { "1", "20", "3", "null" }, "bigint", "ifnull(a, b)" },
    { ddl, rows, F.nvl("s", F.lit("none")), { "x", "1", "none", "none" }, "string", "nvl(s, none)" },
    { ddl, rows, "NVL(a, 0)", { "1", "0", "3", "0" }, "int", "nvl(a, 0)" },
    { ddl, rows, F.nullif("a", F.lit(3)), { "1", "null", "null", "null" }, "int", "nullif(a, 3)" },
    -- Compared as = compares them: the string "1" as an int; the result keeps a's type.
    { ddl, rows, "nullif(s, a)", { "x", "1", "null", "null" }, "string", "nullif(s, a)" },
    { ddl, { { 1, 1, "1" } }, "nullif(s, a)", { "null" }, "string", "nullif(s, a)" },
    { ddl, rows, "nullif(a, NULL)", { "1", "null", "3", "null" }, "int", "nullif(a, NULL)" },
    { ddl, rows, F.nvl2("a", "s", F.lit("none")), { "x", "none", "null", "none" }, "string", "nvl2(a, s, none)" },
    { ddl, rows, "nvl2(s, a, b)", { "1", "null", "null", "null" }, "bigint", "nvl2(s, a, b)" },
    { ddl, rows, "nvl2(NULL, a, 5)", { "5", "5", "5", "5" }, "int", "nvl2(NULL, a, 5)" },
  }
  local df = spark:createDataFrame(tide.batch.fromRows(rows, ddl))
  t.raises(function() df:selectExpr("nvl(a)") end, "nvl takes 2 arguments, not 1")
  t.raises(function() df:selectExpr("nvl2(a, b)") end, "nvl2 takes 3 arguments, not 2")
end)

t.test("a DataFrame's selectExpr and withColumn, and the errors for wrong arguments", function()
  local df = spark:createDataFrame(tide.batch.fromRows({ { "  Jane Doe ", "jane@x.io", 7 } },
    "name string, email string, n int"))
  local out = df:selectExpr("TRIM(name) AS name", "initcap(lower(name))", "LPAD(n, 3, '0') AS code",
    "regexp_extract(email, '@(.*)$', 1) AS domain", "md5(email)", "concat_ws('|', name, n)", "hash(n)")
  t.same_table(out.columns, { "name", "initcap(lower(name))", "code", "domain", "md5(email)",
    "concat_ws(|, name, n)", "hash(n)" })
  local row = out:collect()[1]
  t.same_table({ row.name, row["initcap(lower(name))"], row.code, row.domain, row["hash(n)"] },
    { "Jane Doe", "  Jane Doe ", "007", "x.io", 1079293707 })
  t.eq(row["concat_ws(|, name, n)"], "  Jane Doe |7")
  local w = df:withColumn("h", F.sha2("email", 256)):withColumn("e", F.nullif(F.trim("name"), F.lit("")))
  t.eq(w:collect()[1].e, "Jane Doe")
  t.raises(function() df:selectExpr("repeat(name, name > 'a')") end, "repeat needs an int, not boolean")
  t.raises(function() df:selectExpr("lpad(name)") end, "lpad takes 2 to 3 arguments, not 1")
  t.raises(function() df:select(F.lpad("name", 3)) end, "needs a length and a pad")
  t.raises(function() df:selectExpr("trim(struct(n))") end, "trim needs a string, not struct")
  t.raises(function() df:selectExpr("nullif(struct(n), n)") end, "nullif cannot compare struct")
end)

t.run()
