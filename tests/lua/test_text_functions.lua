-- tide.eval_text: trim/ltrim/rtrim, lpad/rpad, concat_ws, instr, locate,
-- translate, initcap, reverse, repeat, ascii, regexp_extract, md5, sha1,
-- sha2, crc32, base64, unbase64, hex, hash, ifnull/nvl, nullif and nvl2,
-- and Spark 3.5's other string functions (left, right, contains,
-- substring_index, format_number, format_string, split_part, replace,
-- position, find_in_set, levenshtein, soundex, overlay, the regexp_*
-- family, ilike, URLs, mask, luhn_check, charsets, unhex, elt, to_binary)
-- against Spark 3.5's results, result types and column names, from
-- tide.functions and from SQL strings. The expected strings and hashes
-- were computed with Spark 3.5.1's own UTF8String and Murmur3_x86_32
-- classes (spark-unsafe), java.util.Base64's MIME decoder (Spark's
-- unbase64) and Spark's documented examples; the edge cases of the later
-- functions follow the code Spark runs for them (UTF8String,
-- java.text.DecimalFormat, java.util.Formatter, java.net.URI and
-- URLDecoder), worked out from its source.
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
  -- the group index cast to int as Spark casts it: a fraction truncates, a
  -- text reads as CAST(text AS INT), NULL (or a text that is no int) gives NULL
  -- (expected: Spark 3.5.3's)
  t.same_table(t.rows(spark:sql([[SELECT regexp_extract('abc', '(b)', '1'), regexp_extract('abc', '(b)', ' 1.9 '),
    regexp_extract('abc', '(b)', 1.9), regexp_extract('abc', '(b)', 'x'), regexp_extract('abc', '(?<g>a)', 'g'),
    regexp_extract('abc', '(b)', NULL), regexp_extract_all('abcb', '(b)', NULL), regexp_extract_all('abcb', '(b)', '0'),
    regexp_instr('abc', 'b', 'x'), regexp_instr('abc', 'b', '0')]])), { "b|b|b|null|null|null|null|[b, b]|null|2" })
  t.raises(function() df:selectExpr("regexp_extract(s, '(a)', s)") end,
    "the group index of regexp_extract must be a literal integer")
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

t.test("base64 and unbase64: Java's MIME encoder's lines of 76; its decoder's leniency and errors", function()
  check {
    { "s string", strings("Spark SQL", "", nil, string.rep("x", 100)), F.base64("s"),
      { "U3BhcmsgU1FM", "", "null", string.rep("eHh4", 19) .. "\r\n" .. string.rep("eHh4", 14) .. "eA==" }, "string",
      "base64(s)" },
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

-- ---- Spark 3.5's other string functions --------------------------------------------

t.test("left, right: characters of text (left: bytes of binary); nothing for len <= 0", function()
  local rows = strings("Spark SQL", "héllo😀", "", nil)
  check {
    { "s string", rows, F.left("s", 3), { "Spa", "hél", "", "null" }, "string", "left(s, 3)" },
    { "s string", rows, F.right("s", 3), { "SQL", "lo😀", "", "null" }, "string", "right(s, 3)" },
    { "s string", strings("abc"), "left(s, -1)", { "" }, "string", "left(s, -1)" },
    { "s string", strings("abc"), "right(s, 0)", { "" }, "string", "right(s, 0)" },
    { "s string", strings("abc"), "right(s, 2147483647)", { "abc" }, "string", "right(s, 2147483647)" },
    { "s string, n int", { { "abc", 2 }, { "abc", nil } }, "left(s, n)", { "ab", "null" }, "string", "left(s, n)" },
    { "s string", strings("Spark SQL"), "left(encode(s, 'utf-8'), 3)", { "[53 70 61]" }, "binary",
      "left(encode(s, utf-8), 3)" },
    { "i int", { { 12345 } }, F.right("i", F.lit(2)), { "45" }, "string", "right(i, 2)" },
  }
end)

t.test("contains, startswith, endswith: byte for byte, of strings or of two binaries", function()
  local rows = strings("Spark SQL", "", nil)
  check {
    { "s string", rows, F.contains("s", F.lit("Spark")), { "true", "false", "null" }, "boolean",
      "contains(s, Spark)" },
    { "s string", rows, "contains(s, 'SPARK')", { "false", "false", "null" }, "boolean", "contains(s, SPARK)" },
    { "s string", rows, "contains(s, '')", { "true", "true", "null" }, "boolean", "contains(s, )" },
    { "s string", rows, "contains(s, NULL)", { "null", "null", "null" }, "boolean", "contains(s, NULL)" },
    { "s string", rows, F.startswith("s", F.lit("Spark")), { "true", "false", "null" }, "boolean",
      "startswith(s, Spark)" },
    { "s string", rows, "startswith(s, 'SQL')", { "false", "false", "null" }, "boolean", "startswith(s, SQL)" },
    { "s string", rows, F.endswith("s", F.lit("SQL")), { "true", "false", "null" }, "boolean", "endswith(s, SQL)" },
    { "s string", strings("Spark SQL"), "endswith(unhex('537061726b2053514c'), unhex('53514c'))", { "true" },
      "boolean", "endswith(unhex(537061726b2053514c), unhex(53514c))" },
    { "s string", strings("Spark SQL"), "startswith(unhex('537061726b2053514c'), unhex('53514c'))", { "false" },
      "boolean", "startswith(unhex(537061726b2053514c), unhex(53514c))" },
    { "s string", strings("Spark SQL"), "contains(encode(s, 'utf-8'), unhex('537061726b'))", { "true" },
      "boolean", "contains(encode(s, utf-8), unhex(537061726b))" },
    { "i int", { { 12345 } }, "contains(i, 34)", { "true" }, "boolean", "contains(i, 34)" },
  }
end)

t.test("substring_index: before the count-th delimiter, after the -count-th from the right", function()
  local rows = strings("www.apache.org", "a", "", nil)
  check {
    { "s string", rows, F.substring_index("s", ".", 2), { "www.apache", "a", "", "null" }, "string",
      "substring_index(s, ., 2)" },
    { "s string", rows, F.substring_index("s", ".", -2), { "apache.org", "a", "", "null" }, "string",
      "substring_index(s, ., -2)" },
    { "s string", rows, "substring_index(s, '.', 0)", { "", "", "", "null" }, "string", "substring_index(s, ., 0)" },
    { "s string", rows, "substring_index(s, '', 1)", { "", "", "", "null" }, "string", "substring_index(s, , 1)" },
    { "s string", strings("www.apache.org"), "substring_index(s, '.', 9)", { "www.apache.org" }, "string",
      "substring_index(s, ., 9)" },
    -- Delimiters are found byte by byte, one byte on: they may overlap.
    { "s string", strings("aaaa"), "substring_index(s, 'aa', 2)", { "a" }, "string", "substring_index(s, aa, 2)" },
    { "s string", strings("aaaa"), "substring_index(s, 'aa', -2)", { "a" }, "string",
      "substring_index(s, aa, -2)" },
    { "s string", strings("hé·llo·wörld"), "substring_index(s, '·', -1)", { "wörld" }, "string",
      "substring_index(s, ·, -1)" },
  }
end)

t.test("split_part: by literal text, 1-based, negative from the end, \"\" out of range", function()
  local rows = strings("11.12.13", "a,b,,c,", "", nil)
  check {
    { "s string", strings("11.12.13"), F.split_part("s", F.lit("."), F.lit(3)), { "13" }, "string",
      "split_part(s, ., 3)" },
    { "s string", rows, "split_part(s, ',', 2)", { "", "b", "", "null" }, "string", "split_part(s, ,, 2)" },
    { "s string", rows, "split_part(s, ',', -1)", { "11.12.13", "", "", "null" }, "string", "split_part(s, ,, -1)" },
    { "s string", rows, "split_part(s, ',', -2)", { "", "c", "", "null" }, "string", "split_part(s, ,, -2)" },
    { "s string", rows, "split_part(s, ',', 9)", { "", "", "", "null" }, "string", "split_part(s, ,, 9)" },
    -- An empty delimiter does not split; a regex character is plain text.
    { "s string", rows, "split_part(s, '', 1)", { "11.12.13", "a,b,,c,", "", "null" }, "string",
      "split_part(s, , 1)" },
    { "s string", strings("a|b|c"), "split_part(s, '|', 2)", { "b" }, "string", "split_part(s, |, 2)" },
    { "s string, d string, p int", { { "x-y", "-", 1 }, { "x-y", nil, 1 }, { "x-y", "-", nil } },
      "split_part(s, d, p)", { "x", "null", "null" }, "string", "split_part(s, d, p)" },
  }
end)

t.test("replace: every occurrence, left to right; an empty search changes nothing", function()
  check {
    { "s string", strings("ABCabc", "abcabc", "", nil), F.replace("s", F.lit("abc"), F.lit("DEF")),
      { "ABCDEF", "DEFDEF", "", "null" }, "string", "replace(s, abc, DEF)" },
    -- Without a replacement the search is removed: Spark names it replace(s, abc, ).
    { "s string", strings("ABCabc"), F.replace("s", F.lit("abc")), { "ABC" }, "string", "replace(s, abc, )" },
    { "s string", strings("ABCabc"), "REPLACE(s, 'abc')", { "ABC" }, "string", "replace(s, abc, )" },
    { "s string", strings("aaa"), "replace(s, 'aa', 'b')", { "ba" }, "string", "replace(s, aa, b)" },
    { "s string", strings("aaa"), "replace(s, '', 'x')", { "aaa" }, "string", "replace(s, , x)" },
    { "s string", strings("héllo"), "replace(s, 'é', 'e')", { "hello" }, "string", "replace(s, é, e)" },
    { "s string", strings("abc"), "replace(s, 'b', NULL)", { "null" }, "string", "replace(s, b, NULL)" },
  }
end)

t.test("position and POSITION(sub IN s), find_in_set", function()
  local rows = strings("foobarbar", "héllo bar", nil)
  check {
    { "s string", rows, F.position(F.lit("bar"), "s"), { "4", "7", "null" }, "int", "position(bar, s, 1)" },
    { "s string", rows, "position('bar', s, 5)", { "7", "7", "null" }, "int", "position(bar, s, 5)" },
    -- SQL's POSITION ... IN is locate(sub, s), as Spark's parser makes it.
    { "s string", rows, "POSITION('bar' IN s)", { "4", "7", "null" }, "int", "locate(bar, s, 1)" },
    { "s string", rows, "position(lower('B') IN lower(s)) * 2", { "8", "14", "null" }, "int",
      "(locate(lower(B), lower(s), 1) * 2)" },
    { "s string", strings("abc,b,ab,c,def", "a,,b", "", nil), F.find_in_set(F.lit("ab"), "s"),
      { "3", "0", "0", "null" }, "int", "find_in_set(ab, s)" },
    { "s string", strings("a,,b", ""), "find_in_set('', s)", { "2", "1" }, "int", "find_in_set(, s)" },
    { "s string", strings("a,b"), "find_in_set('a,b', s)", { "0" }, "int", "find_in_set(a,b, s)" },
  }
end)

t.test("bit_length, octet_length, char/chr, space", function()
  check {
    { "s string", strings("Spark SQL", "é", "", nil), F.bit_length("s"), { "72", "16", "0", "null" }, "int",
      "bit_length(s)" },
    { "s string", strings("Spark SQL", "é", "", nil), F.octet_length("s"), { "9", "2", "0", "null" }, "int",
      "octet_length(s)" },
    { "s string", strings("x"), "bit_length(unhex('537061726b2053514c'))", { "72" }, "int",
      "bit_length(unhex(537061726b2053514c))" },
    -- chr: "" below 0, else the character of n % 256 (U+0000 for 0).
    { "l bigint", { { 65 }, { 321 }, { 256 }, { 200 }, { -1 }, { nil } }, "hex(chr(l))",
      { "41", "41", "00", "C388", "", "null" }, "string", "hex(chr(l))" },
    { "i int", { { 65 } }, F.char("i"), { "A" }, "string", "char(i)" },
    { "i int", { { 65 } }, "CHR(i)", { "A" }, "string", "chr(i)" },
    { "s string", strings("97"), "char(s)", { "a" }, "string", "char(s)" },
    { "n int", { { 2 }, { 0 }, { -3 }, { nil } }, "concat(space(n), '1')", { "  1", "1", "1", "null" }, "string",
      "concat(space(n), 1)" },
  }
end)

t.test("levenshtein over characters, with Spark 3.5's threshold (-1 past it)", function()
  check {
    { "s string", strings("kitten", "", "héllo", nil), F.levenshtein("s", F.lit("sitting")),
      { "3", "7", "7", "null" }, "int", "levenshtein(s, sitting)" },
    { "s string", strings("kitten", "sitting", "", nil), F.levenshtein("s", F.lit("sitting"), 2),
      { "-1", "0", "-1", "null" }, "int", "levenshtein(s, sitting, 2)" },
    { "s string", strings("héllo"), "levenshtein(s, 'hello')", { "1" }, "int", "levenshtein(s, hello)" },
    { "s string", strings("abc"), "levenshtein(s, 'abd', 1)", { "1" }, "int", "levenshtein(s, abd, 1)" },
    { "s string", strings("abc"), "levenshtein(s, 'abc', -1)", { "-1" }, "int", "levenshtein(s, abc, -1)" },
    { "s string", strings("abc"), "levenshtein(s, 'abd', NULL)", { "null" }, "int", "levenshtein(s, abd, NULL)" },
  }
end)

t.test("soundex: ASCII letters; a first character that is not one leaves the string", function()
  check {
    { "s string", strings("Miller", "Robert", "Rupert", "Tymczak", "Pfister", "Ashcraft", "a-b-c", "héllo", "1abc",
      "", nil), F.soundex("s"),
      { "M460", "R163", "R163", "T522", "P236", "A261", "A120", "H400", "1abc", "", "null" }, "string", "soundex(s)" },
  }
  local df = spark:createDataFrame(tide.batch.fromRows({ { 1 } }, "i int"))
  t.raises_at_caller {
    { function() df:select(F.soundex("i")) end, "soundex needs a string, not int (i)" },
  }
end)

t.test("overlay and OVERLAY(s PLACING r FROM p [FOR l]): characters of text, bytes of binary", function()
  local rows = strings("Spark SQL", nil)
  check {
    { "s string", rows, F.overlay("s", F.lit("_"), 6), { "Spark_SQL", "null" }, "string", "overlay(s, _, 6, -1)" },
    { "s string", rows, "overlay(s, 'CORE', 7)", { "Spark CORE", "null" }, "string", "overlay(s, CORE, 7, -1)" },
    { "s string", rows, "OVERLAY(s PLACING 'ANSI ' FROM 7 FOR 0)", { "Spark ANSI SQL", "null" }, "string",
      "overlay(s, ANSI , 7, 0)" },
    { "s string", rows, "OVERLAY(s PLACING 'tructured' FROM 2 FOR 4)", { "Structured SQL", "null" }, "string",
      "overlay(s, tructured, 2, 4)" },
    { "s string", rows, "decode(overlay(encode(s, 'utf-8'), encode('_', 'utf-8'), 6), 'utf-8')",
      { "Spark_SQL", "null" }, "string", "decode(overlay(encode(s, utf-8), encode(_, utf-8), 6, -1), utf-8)" },
    { "s string", strings("héllo"), "overlay(s, 'É', 2, 1)", { "hÉllo" }, "string", "overlay(s, É, 2, 1)" },
    { "s string", strings("Spark SQL"), "overlay(s, 'x', -3)", { "xQL" }, "string", "overlay(s, x, -3, -1)" },
    { "s string", strings("abc"), "overlay(s, 'xy', 10)", { "abcxy" }, "string", "overlay(s, xy, 10, -1)" },
  }
end)

t.test("elt: the n-th input, NULL out of range; binary only when every input is", function()
  check {
    { "i int", { { 1 }, { 2 }, { 3 }, { 0 }, { nil } }, F.elt("i", F.lit("scala"), F.lit("java")),
      { "scala", "java", "null", "null", "null" }, "string", "elt(i, scala, java)" },
    { "i int", { { 2 } }, "elt(i, 'a', 1)", { "1" }, "string", "elt(i, a, 1)" },
    { "s string", strings("x"), "elt('1', s, NULL)", { "x" }, "string", "elt(1, s, NULL)" },
    { "i int", { { 2 } }, "elt(i, unhex('AB'), unhex('CD'))", { "[CD]" }, "binary", "elt(i, unhex(AB), unhex(CD))" },
  }
end)

t.test("luhn_check: digits passing the Luhn checksum, any script's digits", function()
  check {
    { "s string", strings("8112189876", "79927398713", "79927398714", "", "0", "1a", "٧٩٩٢٧٣٩٨٧١٣", nil),
      F.luhn_check("s"), { "true", "true", "false", "false", "true", "false", "true", "null" }, "boolean",
      "luhn_check(s)" },
    { "l bigint", { { 79927398713 } }, "luhn_check(l)", { "true" }, "boolean", "luhn_check(l)" },
  }
end)

t.test("mask: upper, lower, digits and others by Java's classes; NULL keeps a class", function()
  local rows = strings("AbCD123-@$#", nil)
  check {
    { "s string", strings("abcd-EFGH-8765-4321"), F.mask("s"), { "xxxx-XXXX-nnnn-nnnn" }, "string",
      "mask(s, X, x, n, NULL)" },
    { "s string", strings("abcd-EFGH-8765-4321"), "mask(s, 'Q')", { "xxxx-QQQQ-nnnn-nnnn" }, "string",
      "mask(s, Q, x, n, NULL)" },
    { "s string", rows, F.mask("s", F.lit("Q"), F.lit("q")), { "QqQQnnn-@$#", "null" }, "string",
      "mask(s, Q, q, n, NULL)" },
    { "s string", rows, "mask(s, 'Q', 'q', 'd', 'o')", { "QqQQdddoooo", "null" }, "string", "mask(s, Q, q, d, o)" },
    { "s string", rows, "mask(s, NULL, NULL, 'd', 'o')", { "AbCDdddoooo", "null" }, "string",
      "mask(s, NULL, NULL, d, o)" },
    { "s string", rows, "mask(s, NULL, NULL, NULL, NULL)", { "AbCD123-@$#", "null" }, "string",
      "mask(s, NULL, NULL, NULL, NULL)" },
    -- Beyond ASCII by their classes; an emoji is two chars of class other.
    { "s string", strings("ÀéÑ٣ǅ😀"), "mask(s, 'X', 'x', 'n', '*')", { "XxXn***" }, "string",
      "mask(s, X, x, n, *)" },
  }
  local df = spark:createDataFrame(tide.batch.fromRows({ { "a" } }, "s string"))
  t.raises_at_caller {
    { function() df:select(F.mask("s", F.lit("XX"))) end, "Length of upperChar should be 1" },
    { function() df:selectExpr("mask(s, s)") end, "the upperChar of mask must be a literal string" },
    { function() df:selectExpr("mask(1)") end, "mask needs a string, not int" },
  }
end)

t.test("format_number: d places or a DecimalFormat pattern, HALF_EVEN on the exact value", function()
  check {
    { "d double", { { 12332.123456 }, { -1234.5 }, { nil } }, F.format_number("d", 4),
      { "12,332.1235", "-1,234.5000", "null" }, "string", "format_number(d, 4)" },
    { "d double", { { 12332.123456 } }, "format_number(d, '##################.###')", { "12332.123" }, "string",
      "format_number(d, ##################.###)" },
    -- Ties to even on the exact binary value: 0.125 is a tie, 0.135 and
    -- 1.005 are not (just above and below); zeros past Double.toString's
    -- digits; a negative value rounded to zero keeps its sign.
    { "d double", { { 0.125 }, { 0.135 }, { 1.005 }, { 2.5 }, { -0.001 }, { 1.2345678901234567e20 } },
      "format_number(d, 2)", { "0.12", "0.14", "1.00", "2.50", "-0.00", "123,456,789,012,345,670,000.00" },
      "string", "format_number(d, 2)" },
    { "d double", { { 2.5 }, { 3.5 }, { -2.5 }, { 0 / 0 }, { 1 / 0 }, { -1 / 0 } }, "format_number(d, 0)",
      { "2", "4", "-2", "NaN", "∞", "-∞" }, "string", "format_number(d, 0)" },
    { "d double", { { 0.1 } }, "format_number(d, 20)", { "0.10000000000000000000" }, "string",
      "format_number(d, 20)" },
    -- A float is formatted as the double it widens to; decimals and longs exactly.
    { "f float", { { 0.1 } }, "format_number(f, 10)", { "0.1000000015" }, "string", "format_number(f, 10)" },
    { "m decimal(10,3)", { { "1.125" }, { "1.135" }, { "-0.001" }, { "12345.678" } }, "format_number(m, 2)",
      { "1.12", "1.14", "-0.00", "12,345.68" }, "string", "format_number(m, 2)" },
    { "l bigint", { { 1234567890123 }, { -5 } }, "format_number(l, 1)", { "1,234,567,890,123.0", "-5.0" }, "string",
      "format_number(l, 1)" },
    { "i int, d int", { { 1234, 2 }, { 1234, -1 }, { 1234, nil } }, "format_number(i, d)",
      { "1,234.00", "null", "null" }, "string", "format_number(i, d)" },
    -- Patterns: '#' and '0' digits, grouping, quoted and plain affixes, %,
    -- a negative pattern; "" is the default pattern.
    { "d double", { { 0.5 }, { 0 }, { 1234.5678 } }, "format_number(d, '#.##')", { "0.5", "0", "1234.57" }, "string",
      "format_number(d, #.##)" },
    { "d double", { { 0.25 } }, "format_number(d, '.###')", { ".25" }, "string", "format_number(d, .###)" },
    { "d double", { { 0.255 } }, "format_number(d, '#.#%')", { "25.5%" }, "string", "format_number(d, #.#%)" },
    { "d double", { { 1234.5 }, { -1234.5 } }, "format_number(d, '$#,##0.00;($#,##0.00)')",
      { "$1,234.50", "($1,234.50)" }, "string", "format_number(d, $#,##0.00;($#,##0.00))" },
    { "d double", { { 1234.5 } }, F.format_number("d", "0000.00' units'"), { "1234.50 units" }, "string",
      "format_number(d, 0000.00' units')" },
    { "d double", { { 1234.5 } }, "format_number(d, '')", { "1,234" }, "string", "format_number(d, )" },
  }
  local df = spark:createDataFrame(tide.batch.fromRows({ { "1", 1.5 } }, "s string, d double"))
  t.raises_at_caller {
    { function() df:select(F.format_number("s", 2)) end, "format_number needs a number, not string (s)" },
    { function() df:selectExpr("format_number(d, s)") end, "the pattern of format_number must be a literal" },
    { function() df:selectExpr("format_number(d, '0.0E0')") end, "uses 'E', which tide does not support" },
    { function() df:selectExpr("format_number(d, '#,##0.0,')") end, "malformed pattern" },
  }
end)

t.test("format_string / printf: Java's Formatter over Spark's values", function()
  check {
    { "s string", strings("days", nil), F.format_string("Hello World %d %s", F.lit(100), "s"),
      { "Hello World 100 days", "Hello World 100 null" }, "string", "format_string(Hello World %d %s, 100, s)" },
    { "s string", strings("days"), F.printf(F.lit("%s!"), "s"), { "days!" }, "string", "printf(%s!, s)" },
    -- Widths, justification, precision, argument indexes, %% and %n.
    { "s string", strings("héllo", nil), "format_string('[%s][%8s][%-8s][%.2s][%S][%b]', s, s, s, s, s, s)",
      { "[héllo][   héllo][héllo   ][hé][HÉLLO][true]", "[null][    null][null    ][nu][NULL][false]" }, "string",
      "format_string([%s][%8s][%-8s][%.2s][%S][%b], s, s, s, s, s, s)" },
    { "s string", strings("a"), "format_string('%2$s %1$s %<s %s %% %n', s, 'b')", { "b a a a % \n" }, "string",
      "format_string(%2$s %1$s %<s %s %% %n, s, b)" },
    -- Integers: signs, grouping, zero padding, %x/%o of a negative int as
    -- its 32 bits (of a bigint, 64).
    { "i int", { { 255 }, { -255 } },
      "format_string('%d|%5d|%-5d|%05d|%x|%X|%o|%#x|%,d|%+d|% d|%(d', i, i, i, i, i, i, i, i, i, i, i, i)",
      { "255|  255|255  |00255|ff|FF|377|0xff|255|+255| 255|255",
        "-255| -255|-255 |-0255|ffffff01|FFFFFF01|37777777401|0xffffff01|-255|-255|-255|(255)" }, "string",
      "format_string(%d|%5d|%-5d|%05d|%x|%X|%o|%#x|%,d|%+d|% d|%(d, i, i, i, i, i, i, i, i, i, i, i, i)" },
    { "l bigint", { { -1 }, { 1234567 } }, "format_string('%x %,d', l, l)",
      { "ffffffffffffffff -1", "12d687 1,234,567" }, "string", "format_string(%x %,d, l, l)" },
    -- Floating point: HALF_UP from the shortest decimal digits (Java's
    -- 0.125 -> 0.13 and 1.005 -> 1.01, where C's printf gives 0.12, 1.00).
    { "d double", { { 0.125 }, { 1.005 }, { 2.5 }, { -0.0 } }, "format_string('%.2f %.0f', d, d)",
      { "0.13 0", "1.01 1", "2.50 3", "-0.00 -0" }, "string", "format_string(%.2f %.0f, d, d)" },
    { "d double", { { 3.14159 }, { -1234.5 }, { 1e10 }, { 0.000123456 }, { 0 / 0 } },
      "format_string('%f|%10.3f|%e|%g|%,.2f|%+.1f|%(.1f|%E', d, d, d, d, d, d, d, d)",
      { "3.141590|     3.142|3.141590e+00|3.14159|3.14|+3.1|3.1|3.141590E+00",
        "-1234.500000| -1234.500|-1.234500e+03|-1234.50|-1,234.50|-1234.5|(1234.5)|-1.234500E+03",
        "10000000000.000000|10000000000.000|1.000000e+10|1.00000e+10|10,000,000,000.00|+10000000000.0"
          .. "|10000000000.0|1.000000E+10",
        "0.000123|     0.000|1.234560e-04|0.000123456|0.00|+0.0|0.0|1.234560E-04",
        "NaN|       NaN|NaN|NaN|NaN|NaN|NaN|NAN" }, "string",
      "format_string(%f|%10.3f|%e|%g|%,.2f|%+.1f|%(.1f|%E, d, d, d, d, d, d, d, d)" },
    -- %s of Spark's internal values: Double/Float.toString, a Decimal, a
    -- date's day number; %c of a code point.
    { "d double, f float, m decimal(10,2), t date, b boolean", { { 1e7, 0.1, "1.50", "2024-01-01", true } },
      "format_string('%s %s %s %s %s %.3f', d, f, m, t, b, f)", { "1.0E7 0.1 1.50 19723 true 0.100" }, "string",
      "format_string(%s %s %s %s %s %.3f, d, f, m, t, b, f)" },
    { "i int", { { 65 } }, "format_string('%c|%3c|%C', i, i, i + 32)", { "A|  A|A" }, "string",
      "format_string(%c|%3c|%C, i, i, (i + 32))" },
    { "s string", strings("%s-%s", "%d", nil), "format_string(s, 1, 2)", { "1-2", "1", "null" }, "string",
      "format_string(s, 1, 2)" },
    { "s string", strings("x"), "format_string(NULL, s)", { "null" }, "string", "format_string(NULL, s)" },
  }
  local df = spark:createDataFrame(tide.batch.fromRows({ { "a", "1.50" } }, "s string, m decimal(10,2)"))
  t.raises_at_caller {
    { function() df:selectExpr("format_string('%d', s)") end,
      "the conversion %d cannot format argument 1, a string (IllegalFormatConversionException: d != "
      .. "org.apache.spark.unsafe.types.UTF8String)" },
    { function() df:selectExpr("format_string('%.1f', m)") end, "f != org.apache.spark.sql.types.Decimal" },
    { function() df:select(F.format_string("%s %s", "s")) end, "no argument for the format specifier '%s'" },
    { function() df:selectExpr("format_string('%q', s)") end, "unknown conversion '%q'" },
    { function() df:selectExpr("printf('%tY', s)") end, "tide does not support the conversion '%t'" },
    { function() df:selectExpr("format_string('%-s', s)") end, "MissingFormatWidthException: %-s" },
    { function() df:selectExpr("format_string('%#s', s)") end, "FormatFlagsConversionMismatchException" },
    { function() df:selectExpr("format_string('%0$s', s)") end, "[ZERO_INDEX]" },
    { function() df:selectExpr("format_string('%s', struct(s))") end, "format_string cannot format struct" },
    { function() F.format_string(F.col("s")) end, "format is a string, not a table" },
  }
  -- A format in a column is checked row by row, when it runs.
  t.raises(function() over("s string", strings("%d"), "format_string(s, 'x')") end,
    "the conversion %%d cannot format argument 1")
end)

t.test("regexp_extract_all, regexp_like/regexp, regexp_count, regexp_substr, regexp_instr", function()
  local players = "Steven Jones and Stephen Smith are the best players"
  check {
    { "s string", strings("100-200, 300-400", "", nil), F.regexp_extract_all("s", F.lit("(\\d+)-(\\d+)"), 1),
      { "[100, 300]", "[]", "null" }, "array<string>", "regexp_extract_all(s, (\\d+)-(\\d+), 1)" },
    { "s string", strings("100-200, 300-400"), "regexp_extract_all(s, '(\\\\d+)-(\\\\d+)')", { "[100, 300]" },
      "array<string>", "regexp_extract_all(s, (\\d+)-(\\d+), 1)" },
    { "s string", strings("a1b22"), "regexp_extract_all(s, '(\\\\d)(x)?', 2)", { "[, , ]" }, "array<string>",
      "regexp_extract_all(s, (\\d)(x)?, 2)" },
    { "s string", strings("abc", nil), F.regexp_like("s", F.lit("^a.c$")), { "true", "null" }, "boolean",
      "REGEXP_LIKE(s, ^a.c$)" },
    { "s string", strings("abc"), "regexp(s, 'x')", { "false" }, "boolean", "REGEXP(s, x)" },
    { "s string", strings("%SystemDrive%\\Users\\John"), "regexp_like(s, '%SystemDrive%\\\\\\\\Users.*')", { "true" },
      "boolean", "REGEXP_LIKE(s, %SystemDrive%\\\\Users.*)" },
    { "s string", strings(players, "abcdefghijklmnopqrstuvwxyz", "", nil), F.regexp_count("s", F.lit("Ste(v|ph)en")),
      { "2", "0", "0", "null" }, "int", "regexp_count(s, Ste(v|ph)en)" },
    { "s string", strings("abcdefghijklmnopqrstuvwxyz"), "regexp_count(s, '[a-z]{3}')", { "8" }, "int",
      "regexp_count(s, [a-z]{3})" },
    { "s string", strings("abc"), "regexp_count(s, '')", { "4" }, "int", "regexp_count(s, )" },
    -- No match, or an empty one, is NULL.
    { "s string", strings(players, "Jeck", nil), F.regexp_substr("s", F.lit("Ste(v|ph)en")),
      { "Steven", "null", "null" }, "string", "regexp_substr(s, Ste(v|ph)en)" },
    { "s string", strings("abc"), "regexp_substr(s, 'x*')", { "null" }, "string", "regexp_substr(s, x*)" },
    -- The first match's place in UTF-16 chars, 1-based; 0 for none.
    { "s string", strings("user@spark.apache.org", "none", "h😀é@x", nil), F.regexp_instr("s", F.lit("@[^.]*")),
      { "5", "0", "5", "null" }, "int", "regexp_instr(s, @[^.]*, 0)" },
    { "s string", strings("\\abc"), "regexp_instr(s, '^\\\\\\\\abc$', 1)", { "1" }, "int",
      "regexp_instr(s, ^\\\\abc$, 1)" },
  }
  local df = spark:createDataFrame(tide.batch.fromRows({ { "a" } }, "s string"))
  t.raises_at_caller {
    { function() df:selectExpr("regexp_extract_all(s, '\\\\d+')") end,
      "the group index must be between 0 and 0 (the groups of '\\d+'), not 1" },
    { function() df:select(F.regexp_count("s", "s")) end, "the pattern of regexp_count must be a literal" },
    { function() df:selectExpr("regexp_substr(s, '(')") end, "invalid regular expression" },
  }
end)

t.test("ilike and [NOT] ILIKE [ESCAPE]: LIKE of both sides lower-cased", function()
  local rows = strings("Spark", "spark", "SPARQ", "ÉCOLE", nil)
  check {
    { "s string", rows, F.ilike("s", F.lit("_Park")), { "true", "true", "false", "false", "null" }, "boolean",
      "ilike(s, _Park)" },
    { "s string", rows, "s ILIKE '%ark'", { "true", "true", "false", "false", "null" }, "boolean", "ilike(s, %ark)" },
    { "s string", rows, "s NOT ILIKE 'é%'", { "true", "true", "true", "false", "null" }, "boolean",
      "(NOT ilike(s, é%))" },
    { "s string", strings("%SystemDrive%/Users/John"), "s ILIKE '/%SYSTEMDrive/%//Users%' ESCAPE '/'", { "true" },
      "boolean", "ilike(s, /%SYSTEMDrive/%//Users%)" },
    { "s string", strings("%SystemDrive%/Users/John"), F.ilike("s", F.lit("/%SYSTEMDrive/%//Users%"), F.lit("/")),
      { "true" }, "boolean", "ilike(s, /%SYSTEMDrive/%//Users%)" },
  }
end)

t.test("url_encode, url_decode (Spark's CANNOT_DECODE_URL), parse_url as java.net.URI reads URLs", function()
  check {
    { "s string", strings("https://spark.apache.org", "a b+c~é", "", nil), F.url_encode("s"),
      { "https%3A%2F%2Fspark.apache.org", "a+b%2Bc%7E%C3%A9", "", "null" }, "string", "url_encode(s)" },
    { "s string", strings("https%3A%2F%2Fspark.apache.org", "a+b%20c", "%E9%82%A3%FF", nil), F.url_decode("s"),
      { "https://spark.apache.org", "a b c", "那�", "null" }, "string", "url_decode(s)" },
  }
  for _, bad in ipairs({ "%zz", "abc%", "abc%4", "%-1" }) do
    t.has(t.raises(function() over("s string", strings(bad), F.url_decode("s")) end),
      "[CANNOT_DECODE_URL] The provided URL cannot be decoded: " .. bad .. ". Please ensure")
  end
  local urls = strings("http://user:pw@spark.apache.org:8080/path/p.html?query=1&k=v#Ref", "https://my_host.com/x",
    "http://a b.com/", "mailto:x@y.com", "file:///tmp/x?q", "/rel/path?x=1", "http://[::1]:80/p", "http://ex.com/%zz",
    nil)
  local function parts(part, want)
    return { "s string", urls, F.parse_url("s", F.lit(part)), want, "string", ("parse_url(s, %s)"):format(part) }
  end
  check {
    { "s string", strings("http://spark.apache.org/path?query=1"), "parse_url(s, 'HOST')", { "spark.apache.org" },
      "string", "parse_url(s, HOST)" },
    { "s string", strings("http://spark.apache.org/path?query=1"), "parse_url(s, 'QUERY')", { "query=1" }, "string",
      "parse_url(s, QUERY)" },
    { "s string", strings("http://spark.apache.org/path?query=1"), "parse_url(s, 'QUERY', 'query')", { "1" },
      "string", "parse_url(s, QUERY, query)" },
    -- A host with '_' is no server to java.net.URI (a registry authority,
    -- no host); a space or a broken escape is no URI at all (NULL).
    parts("HOST", { "spark.apache.org", "null", "null", "null", "null", "null", "[::1]", "null", "null" }),
    parts("PATH", { "/path/p.html", "/x", "null", "null", "/tmp/x", "/rel/path", "/p", "null", "null" }),
    parts("QUERY", { "query=1&k=v", "null", "null", "null", "q", "x=1", "null", "null", "null" }),
    parts("REF", { "Ref", "null", "null", "null", "null", "null", "null", "null", "null" }),
    parts("PROTOCOL", { "http", "https", "null", "mailto", "file", "null", "http", "null", "null" }),
    parts("FILE", { "/path/p.html?query=1&k=v", "/x", "null", "null", "/tmp/x?q", "/rel/path?x=1", "/p", "null",
                    "null" }),
    parts("AUTHORITY", { "user:pw@spark.apache.org:8080", "my_host.com", "null", "null", "null", "null", "[::1]:80",
                         "null", "null" }),
    parts("USERINFO", { "user:pw", "null", "null", "null", "null", "null", "null", "null", "null" }),
    parts("host", { "null", "null", "null", "null", "null", "null", "null", "null", "null" }),
    -- The key is a regular expression, as Spark does not quote it.
    { "s string", strings("http://x.com/?a=1&b=2&ab=3", "http://x.com/?axb=4", "http://x.com/"),
      F.parse_url("s", F.lit("QUERY"), F.lit("a.b")), { "null", "4", "null" }, "string", "parse_url(s, QUERY, a.b)" },
    { "s string", strings("http://x.com/?a=1&b=2"), "parse_url(s, 'HOST', 'b')", { "null" }, "string",
      "parse_url(s, HOST, b)" },
  }
  local df = spark:createDataFrame(tide.batch.fromRows({ { "a", 1 } }, "s string, i int"))
  t.raises_at_caller {
    { function() df:selectExpr("parse_url(s, 'QUERY', '(')") end, "invalid regular expression" },
    { function() df:selectExpr("parse_url(i, 'HOST')") end, "parse_url needs strings, not int (i)" },
  }
end)

t.test("encode and decode in Spark's six charsets, unhex, to_binary and try_to_binary", function()
  check {
    { "s string", strings("abc", nil), F.encode("s", "utf-8"), { "[61 62 63]", "null" }, "binary", "encode(s, utf-8)" },
    { "s string", strings("abc"), "decode(encode(s, 'utf-8'), 'utf-8')", { "abc" }, "string",
      "decode(encode(s, utf-8), utf-8)" },
    -- A character the charset lacks is '?'; UTF-16 starts with its mark.
    { "s string", strings("hé😀"), "hex(encode(s, 'US-ASCII'))", { "683F3F" }, "string", "hex(encode(s, US-ASCII))" },
    { "s string", strings("hé😀"), "hex(encode(s, 'latin1'))", { "68E93F" }, "string", "hex(encode(s, latin1))" },
    { "s string", strings("hé😀", ""), "hex(encode(s, 'UTF-16'))", { "FEFF006800E9D83DDE00", "" }, "string",
      "hex(encode(s, UTF-16))" },
    { "s string", strings("hé😀"), "hex(encode(s, 'utf-16le'))", { "6800E9003DD800DE" }, "string",
      "hex(encode(s, utf-16le))" },
    -- Malformed input decodes to U+FFFD; UTF-16 reads a byte-order mark.
    { "s string", strings("FEFF0068", "FFFE6800", "0068", "D800", "00"), "decode(unhex(s), 'UTF-16')",
      { "h", "h", "h", "�", "�" }, "string", "decode(unhex(s), UTF-16)" },
    { "s string", strings("68E9"), "decode(unhex(s), 'US-ASCII')", { "h�" }, "string", "decode(unhex(s), US-ASCII)" },
    { "s string", strings("68E9"), F.decode(F.unhex("s"), "ISO-8859-1"), { "hé" }, "string",
      "decode(unhex(s), ISO-8859-1)" },
    { "s string", strings("537061726B2053514C"), "decode(unhex(s), 'UTF-8')", { "Spark SQL" }, "string",
      "decode(unhex(s), UTF-8)" },
    { "s string", strings("537061726B2053514C", "abc", "zz", "", nil), F.unhex("s"),
      { "[53 70 61 72 6B 20 53 51 4C]", "[0A BC]", "null", "[]", "null" }, "binary", "unhex(s)" },
    { "s string", strings("abc"), "to_binary(s, 'utf-8')", { "[61 62 63]" }, "binary", "to_binary(s, utf-8)" },
    { "s string", strings("abc"), F.to_binary("s"), { "[0A BC]" }, "binary", "to_binary(s)" },
    { "s string", strings("U3Bhcms=", "U3Bhcm", "U3Bhc", "ab=="), "try_to_binary(s, 'BASE64')",
      { "[53 70 61 72 6B]", "[53 70 61 72]", "null", "[69]" }, "binary", "try_to_binary(s, BASE64)" },
    { "s string", strings("a!"), "try_to_binary(s, 'base64')", { "null" }, "binary", "try_to_binary(s, base64)" },
    { "s string", strings("abc"), "try_to_binary(s, 'invalidFormat')", { "null" }, "binary",
      "try_to_binary(s, invalidFormat)" },
    { "s string", strings("zz"), F.try_to_binary("s"), { "null" }, "binary", "try_to_binary(s)" },
  }
  local df = spark:createDataFrame(tide.batch.fromRows({ { "zz" } }, "s string"))
  t.raises_at_caller {
    { function() df:select(F.encode("s", "EBCDIC")) end, "unsupported charset 'EBCDIC'" },
    { function() df:selectExpr("to_binary(s, 'xyz')") end, "must be one of 'hex', 'utf-8', 'utf8', or 'base64'" },
    { function() df:selectExpr("to_binary(s, s)") end, "the fmt of to_binary must be a literal string" },
  }
  t.has(t.raises(function() df:selectExpr("to_binary(s)"):collect() end),
    "[CONVERSION_INVALID_INPUT] The value 'zz' ('HEX') cannot be converted to \"BINARY\"")
  t.has(t.raises(function() over("s string", strings("U3Bhc"), "to_binary(s, 'base64')") end), "('BASE64')")
end)

t.test("decode(x, search, result, ..., default): the first matching search, <=> (NULL matches NULL)", function()
  local places = "1, 'Southlake', 2, 'San Francisco', 3, 'New Jersey', 4, 'Seattle'"
  check {
    { "i int", { { 2 }, { 6 }, { nil } }, "decode(i, " .. places .. ", 'Non domestic')",
      { "San Francisco", "Non domestic", "Non domestic" }, "string",
      "decode(i, 1, Southlake, 2, San Francisco, 3, New Jersey, 4, Seattle, Non domestic)" },
    { "i int", { { 6 } }, "decode(i, " .. places .. ")", { "null" }, "string",
      "decode(i, 1, Southlake, 2, San Francisco, 3, New Jersey, 4, Seattle)" },
    { "i int", { { 1 } }, "decode(NULL, 6, 'Spark', NULL, 'SQL', 4, 'rocks')", { "SQL" }, "string",
      "decode(NULL, 6, Spark, NULL, SQL, 4, rocks)" },
  }
end)

t.test("a DataFrame's selectExpr over the new functions, and their aliases", function()
  local df = spark:createDataFrame(tide.batch.fromRows({ { "Jane.Doe@x.io", 1234.5 } }, "email string, amount double"))
  local out = df:selectExpr("substring_index(email, '@', 1) AS user", "format_number(amount, 1) AS amount",
    "mask(left(email, 4))", "character_length(email)", "len(email)", "char_length(email)",
    "printf('%s spent %.2f', email, amount) AS line")
  t.same_table(out.columns, { "user", "amount", "mask(left(email, 4), X, x, n, NULL)", "character_length(email)",
    "len(email)", "char_length(email)", "line" })
  t.same_table(t.rows(out), { "Jane.Doe|1,234.5|Xxxx|13|13|13|Jane.Doe@x.io spent 1234.50" })
  local w = df:withColumn("host", F.split_part("email", F.lit("@"), F.lit(-1)))
    :withColumn("code", F.soundex(F.split_part("email", F.lit("."), F.lit(2))))
  t.same_table(t.rows(w:select("host", "code")), { "x.io|D200" })
  t.raises_at_caller {
    { function() df:selectExpr("elt(1)") end, "elt takes 2 or more arguments, not 1" },
    { function() df:selectExpr("left(email)") end, "left takes 2 arguments, not 1" },
    { function() df:selectExpr("overlay(email, unhex('AB'), 1)") end,
      "overlay needs its input and replacement of one type, not string and binary" },
    { function() F.replace("email") end, "replace() needs 2 arguments" },
  }
end)

t.test("UTF-16 surrogates Java cannot pair; levenshtein's threshold bounds its work", function()
  -- a high surrogate and what follows it are one malformed unit of four bytes, as Java's decoder reads them
  t.same_table(t.rows(spark:range(1):selectExpr("hex(encode(decode(unhex('D8000041'), 'UTF-16BE'), 'UTF-8'))",
    "hex(encode(decode(unhex('D800D800DC00'), 'UTF-16BE'), 'UTF-8'))",
    "hex(encode(decode(unhex('D83DDE00'), 'UTF-16BE'), 'UTF-8'))")), { "EFBFBD|EFBFBDEFBFBD|F09F9880" })
  -- (a threshold's band: quick over 20,000 characters)
  t.same_table(t.rows(spark:range(1):selectExpr("levenshtein(repeat('ab', 10000), repeat('ba', 10000), 2)",
    "levenshtein(repeat('ab', 10000), repeat('ba', 10000), 1)", "levenshtein('abcdef', 'azcdxf', 2)")),
    { "2|-1|2" })
end)

t.run()
