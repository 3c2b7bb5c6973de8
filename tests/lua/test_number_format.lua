-- Spark's number format strings (tide.eval_number_format): to_number,
-- try_to_number, and to_char/to_varchar of numbers. Values are those of
-- Spark 3.5's function docs, StringExpressionsSuite's ToNumber and
-- ToCharacter cases and the postgreSQL/numeric.sql golden file; those
-- marked otherwise are worked out from ToNumberParser's rules.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

-- The cells of df's first column, as show prints them.
local function expr(e) return t.rows(spark:range(1):selectExpr(e))[1] end

-- The name and the type a select gives e.
local function named(e)
  local df = spark:range(1):selectExpr(e)
  return df.columns[1], df.schema.fields[1].dataType:simpleString()
end

-- to_char of values (decimal text, false for NULL) as `type` by format.
local function chars(values, format, type)
  local rows = {}
  for i, v in ipairs(values) do rows[i] = { v or nil } end
  local df = spark:createDataFrame(rows, "x " .. (type or "decimal(38,10)"))
  return t.rows(df:selectExpr(("to_char(x, '%s')"):format(format)))
end

-- to_number(s, format) of one text, as show prints the decimal.
local function number(s, format) return expr(("to_number('%s', '%s')"):format(s, format)) end

-- ---- the docs' examples -----------------------------------------------------------------

t.test("to_number and try_to_number: Spark's examples", function()
  for _, fn in ipairs({ "to_number", "try_to_number" }) do
    t.eq(expr(fn .. "('454', '999')"), "454")
    t.eq(expr(fn .. "('454.00', '000.00')"), "454.00")
    t.eq(expr(fn .. "('12,454', '99,999')"), "12454")
    t.eq(expr(fn .. "('$78.12', '$99.99')"), "78.12")
    t.eq(expr(fn .. "('12,454.8-', '99,999.9S')"), "-12454.8")
  end
end)

t.test("to_char and to_varchar of numbers: Spark's examples", function()
  for _, fn in ipairs({ "to_char", "to_varchar" }) do
    t.eq(expr(fn .. "(454, '999')"), "454")
    t.eq(expr(fn .. "(454.00, '000D00')"), "454.00")
    t.eq(expr(fn .. "(12454, '99G999')"), "12,454")
    t.eq(expr(fn .. "(78.12, '$99.99')"), "$78.12")
    t.eq(expr(fn .. "(-12454.8, '99G999D9S')"), "12,454.8-")
  end
  -- dates, timestamps and binary stay date_format's, base64's, ...
  t.eq(expr("to_char(DATE '2016-04-08', 'y')"), "2016")
  t.eq(expr("to_char(CAST('Spark SQL' AS binary), 'hex')"), "537061726B2053514C")
end)

t.test("names and types: decimal(p, s) from the format's digits", function()
  t.same({ named("to_number('454', '999')") }, { "to_number(454, 999)", "decimal(3,0)" })
  t.same({ named("try_to_number('454.00', '000.00')") }, { "try_to_number(454.00, 000.00)", "decimal(5,2)" })
  t.same({ named("to_char(78.12, '$99.99')") }, { "to_char(78.12, $99.99)", "string" })
  -- numeric.sql's schemas
  t.same({ named("to_number('0.00001-', '9.999999S')") }, { "to_number(0.00001-, 9.999999S)", "decimal(7,6)" })
  t.same({ named("to_number('.0', '99999999.99999999')") }, { "to_number(.0, 99999999.99999999)", "decimal(16,8)" })
  t.same({ named("to_number('34,50', '999,99')") }, { "to_number(34,50, 999,99)", "decimal(5,0)" })
end)

-- ---- to_number ----------------------------------------------------------------------------

t.test("to_number: StringExpressionsSuite's positive cases", function()
  local cases = {
    { "$345", "S$999,099.99", "345.00" }, { "-$12,345.67", "S$999,099.99", "-12345.67" },
    { "454,123", "999,099", "454123" }, { "$045", "S$999,099.99", "45.00" }, { "454", "099", "454" },
    { "454.", "099.99", "454.00" }, { "454.6", "099D99", "454.60" }, { "454.67", "099.00", "454.67" },
    { "454", "000", "454" }, { "  454 ", "9099", "454" }, { "454.67", "099.99", "454.67" },
    { "$454", "$999", "454" }, { "  454,123 ", "999G099", "454123" }, { "$454,123", "$999G099", "454123" },
    { "+$89,1,2,3,45.123", "S$999,0,0,0,999.00000", "8912345.12300" }, { "-454", "S999", "-454" },
    { "+454", "S999", "454" }, { "454", "999PR", "454" }, { " 454 ", "999PR", "454" },
    { "454-", "999MI", "-454" }, { "-$54", "MI$99", "-54" },
    -- more digits than a long holds
    { "123,456,789,123,456,789,123", "999,999,999,999,999,999,999", "123456789123456789123" },
    -- the suite's loops, i in 0..2, j in 3..5, k in 6..9
    { "036", "999", "36" }, { "036", "S099.", "36" }, { "03.6", "99.9", "3.6" }, { "0,3,6", "999,999,0", "36" },
    { "259", "999", "259" }, { "259", "S099.", "259" }, { "25.9", "99.9", "25.9" }, { "2,5,9", "999,999,0", "259" },
  }
  for _, c in ipairs(cases) do
    t.eq(number(c[1], c[2]), c[3], c[1] .. " by " .. c[2])
    t.eq(expr(("try_to_number('%s', '%s')"):format(c[1], c[2])), c[3], "try_to_number")
  end
  -- numeric.sql
  t.eq(number("0.00001-", "9.999999S"), "-0.000010")
  t.eq(number(".0", "99999999.99999999"), "0.00000000")
  t.eq(number("0", "99.99"), "0.00")
  t.eq(number(".01-", "99.99S"), "-0.01")
  t.eq(number("34,50", "999,99"), "3450")
end)

t.test("to_number: text the format does not match fails, naming it; try_to_number is NULL", function()
  local cases = {
    { "45", "0,9" }, { "4", "09" }, { "454", "09" }, { "454", "99" }, { "45", "$99" }, { "45>", "99PR" },
    { "<45", "99PR" }, { "454+", "999MI" }, { "<454", "999PR" }, { "454>", "999PR" }, { "<454 ", "999PR" },
    { " 454>", "999PR" }, { "<<454>>", "999PR" }, { "45", "S$999,099.99" }, { "$345", "S$099,099.99" },
    { "4D5", "0D9" },
    -- numeric.sql
    { "-34,338,492", "99G999G999" }, { "123456", "999G999" },
  }
  for _, c in ipairs(cases) do
    local err = t.raises(function() number(c[1], c[2]) end)
    t.has(err, ("[INVALID_FORMAT.MISMATCH_INPUT] The format is invalid: '%s'. The input \"STRING\" %s does not"
      .. " match the format."):format(c[2], c[1]))
    t.eq(expr(("try_to_number('%s', '%s')"):format(c[1], c[2])), "null", c[1] .. " by " .. c[2])
  end
  -- the error names the query's expression
  t.has(t.raises(function() number("4540", "999") end), "to_number(4540, 999): [INVALID_FORMAT.MISMATCH_INPUT]")
end)

t.test("to_number: over a column, NULLs and bad rows", function()
  local df = spark:createDataFrame({ { "1,234.5-" }, { nil }, { "12" }, { "x" }, { " 7 " } }, "s string")
  t.same_table(t.rows(df:selectExpr("try_to_number(s, '9,999.9MI')")), { "-1234.5", "null", "12.0", "null", "7.0" })
  t.same_table(t.rows(df:filter("s <> 'x'"):selectExpr("to_number(s, '9,999.9MI')")),
    { "-1234.5", "12.0", "7.0" })
  t.has(t.raises(function() t.rows(df:selectExpr("to_number(s, '9,999.9MI')")) end),
    "The input \"STRING\" x does not match the format.")
  -- NULL text, and a NULL format (decimal(10,0), Spark's default)
  t.eq(expr("to_number(NULL, '999')"), "null")
  t.same({ named("to_number('454', NULL)") }, { "to_number(454, NULL)", "decimal(10,0)" })
  t.eq(expr("try_to_number('454', NULL)"), "null")
  -- numbers are cast to strings first
  t.eq(expr("to_number(454, '999')"), "454")
end)

t.test("to_number: the format's letters in any case, white space, optional digits (ToNumberParser's rules)",
  function()
    t.eq(number("12,454.8-", "99g999d9s"), "-12454.8")
    t.eq(number("<454>", "999pr"), "-454")
    t.eq(number("454-", "999mi"), "-454")
    t.eq(number("4 5 4", "999"), "454")
    -- the '.' of the text is optional, its digits at most the format's
    t.eq(number("454", "999.99"), "454.00")
    t.eq(number("4.5", "9.99"), "4.50")
    -- Java's digits: Unicode decimal digits count as Character.isDigit says
    t.eq(number("\217\164\217\165\217\164", "999"), "454")
    -- no digits: Spark 3.5 reads zero from the format's fraction zeros
    t.eq(number("", "9.9"), "0.0")
    t.eq(number("$", "$9.99"), "0.00")
  end)

t.test("to_number: text without a digit, where Spark 3.5 fails inside BigDecimal, does not match", function()
  for _, s in ipairs({ "", " ", "-" }) do
    t.has(t.raises(function() number(s, "S99") end), "[INVALID_FORMAT.MISMATCH_INPUT]")
    t.eq(expr(("try_to_number('%s', '99')"):format(s)), "null")
  end
end)

-- ---- invalid formats -------------------------------------------------------------------------

t.test("invalid formats fail when the query is built, with Spark's INVALID_FORMAT errors", function()
  local unexpected = "the structure of the format string must match: `[MI|S]` `[$]` `[0|9|G|,]*` `[.|D]` `[0|9]*`"
    .. " `[$]` `[PR|MI|S]`."
  local between = "[INVALID_FORMAT.CONT_THOUSANDS_SEPS] The format is invalid: '%s'. Thousands separators (, or G)"
    .. " must have digits in between them in the number format."
  local at_most = "[INVALID_FORMAT.WRONG_NUM_TOKEN] The format is invalid: '%s'. At most one %s is allowed in the"
    .. " number format."
  local cases = {
    { "", "[INVALID_FORMAT.EMPTY] The format is invalid: ''. The number format string cannot be empty." },
    { "999@", "[INVALID_FORMAT.UNEXPECTED_TOKEN] The format is invalid: '999@'. Found the unexpected character '@''"
      .. " in the format string; " .. unexpected },
    { "999M", "Found the unexpected character 'M'' in the format string; " .. unexpected },
    { "999P", "Found the unexpected character 'P''" },
    { "$", "[INVALID_FORMAT.WRONG_NUM_DIGIT] The format is invalid: '$'. The format string requires at least one"
      .. " number digit." },
    { "99.99.99", at_most:format("99.99.99", ". or D") },
    { "$$99", at_most:format("$$99", "$") },
    { "$9MI9", "Found the unexpected digit sequence in the format string" },
    { "SMI9", "Found the unexpected digit sequence in the format string" },
    { "SS$99", at_most:format("SS$99", "S") },
    { "MI$99MI", at_most:format("MI$99MI", "MI") },
    { "$9MI9MI", at_most:format("$9MI9MI", "MI") },
    { "PR$99", "Found the unexpected $ in the format string" },
    { "$9PR9", "Found the unexpected digit sequence in the format string" },
    { "999PRPR", at_most:format("999PRPR", "PR") },
    { "9$99", "[INVALID_FORMAT.CUR_MUST_BEFORE_DIGIT] The format is invalid: '9$99'. Currency characters must"
      .. " appear before digits in the number format." },
    -- (ToNumberParser's rules) a '$' after the digits is always one too late
    { "99.99$", "[INVALID_FORMAT.CUR_MUST_BEFORE_DIGIT]" },
    { ".$99", "[INVALID_FORMAT.CUR_MUST_BEFORE_DEC] The format is invalid: '.$99'. Currency characters must"
      .. " appear before any decimal point in the number format." },
    { ",099", between:format(",099") },
    { ",999,099", between:format(",999,099") },
    { "9,,09.99", between:format("9,,09.99") },
    { "9,99,.99", between:format("9,99,.99") },
    { "9,99,", between:format("9,99,") },
    { ",,999,099.99", between:format(",,999,099.99") },
    { "999G", between:format("999G") },
    { "099.99,9", "[INVALID_FORMAT.THOUSANDS_SEPS_MUST_BEFORE_DEC] The format is invalid: '099.99,9'. Thousands"
      .. " separators (, or G) may not appear after the decimal point in the number format." },
    { "99G999G999D999G999", "[INVALID_FORMAT.THOUSANDS_SEPS_MUST_BEFORE_DEC]" },
    -- the format as Spark reads it: upper-cased
    { "9s9", "The format is invalid: '9S9'." },
  }
  for _, c in ipairs(cases) do
    t.raises_at_caller({
      { function() expr(("to_number('454', '%s')"):format(c[1])) end, c[2] },
      { function() expr(("try_to_number('454', '%s')"):format(c[1])) end, c[2] },
      { function() expr(("to_char(456, '%s')"):format(c[1])) end, c[2] },
    })
  end
  t.raises_at_caller({
    { function() expr("to_number('454', '99.99.99')") end, "to_number(454, 99.99.99): [INVALID_FORMAT" },
    -- an invalid format fails even where every value is NULL
    { function() expr("to_char(NULL, '9,')") end, "[INVALID_FORMAT.CONT_THOUSANDS_SEPS]" },
    -- to_number's decimal has at most 38 digits; to_char's format may have more
    { function() expr("to_number('1', '" .. ("9"):rep(39) .. "')") end,
      "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision 39 exceeds max precision 38." },
    { function() expr("to_char(true, '999')") end, "to_char takes a number" },
    { function() spark:range(1):selectExpr("to_number('1', CAST(id AS string))") end, "NON_FOLDABLE_INPUT" },
  })
  t.eq(expr("to_char(1, '" .. ("9"):rep(40) .. ".99')"), (" "):rep(39) .. "1.00")
end)

-- ---- to_char ---------------------------------------------------------------------------------

t.test("to_char: ToCharacter's '0' and '9', '.' and 'D', ',' and 'G'", function()
  local cases = {
    { "454", "9999", " 454" }, { "454", "99999", "  454" }, { "4", "0", "4" }, { "45", "00", "45" },
    { "454", "000", "454" }, { "454", "0000", "0454" }, { "454", "00000", "00454" },
    { "0.4542", ".00000", ".45420" }, { "454.2", "000.0", "454.2" }, { "454", "000.0", "454.0" },
    { "454.2", "000.00", "454.20" }, { "454", "000.00", "454.00" }, { "0.4542", ".0000", ".4542" },
    { "4542", "0000.", "4542 " },
    { "0.4542", "D00000", ".45420" }, { "454.2", "000D0", "454.2" }, { "4542", "0000D", "4542 " },
    { "454.2", "0000.00", "0454.20" }, { "454", "0000.00", "0454.00" }, { "4542", "00000.", "04542 " },
    { "454.2", "9999.99", " 454.20" }, { "454", "9999.99", " 454.00" }, { "4542", "99999.", " 4542 " },
    { "12454", "0,0000", "1,2454" }, { "12454", "00,000", "12,454" }, { "124543", "000,000", "124,543" },
    { "12", "000,000", "000,012" }, { "1245436", "0,000,000", "1,245,436" },
    { "12454367", "00,000,000", "12,454,367" }, { "12454367", "00G000G000", "12,454,367" },
    { "12454", "000,000", "012,454" }, { "12454", "00,0000", "01,2454" }, { "12454", "000,0000", "001,2454" },
    { "12454", "0000,0000", "0001,2454" }, { "12454367", "000,000,000", "012,454,367" },
    { "12454", "999,999", " 12,454" }, { "12454", "9,9999", "1,2454" }, { "12454", "99,9999", " 1,2454" },
    { "12454", "999,9999", "  1,2454" }, { "12454", "9999,9999", "   1,2454" },
    { "12454367", "999,999,999", " 12,454,367" },
  }
  for _, c in ipairs(cases) do t.eq(chars({ c[1] }, c[2])[1], c[3], c[1] .. " by " .. c[2]) end
end)

t.test("to_char: '$', 'S', 'MI' and 'PR'", function()
  local cases = {
    { "78.12", "$99.99", "$78.12" }, { "78.12", "$00.00", "$78.12" },
    { "83028485", "S99999999999.9999999", "   +83028485.0000000" },
    { "0", "9999999999999999.999999999999999S", "               0.000000000000000+" },
    { "4.3100000000", "9999999999999999.999999999999999S", "               4.310000000000000+" },
    { "-454.8", "99G999.9S", "   454.8-" }, { "-454.8", "00G000.0S", "00,454.8-" }, { "-454", "S999", "-454" },
    { "-454", "999S", "454-" }, { "-12454.8", "99G999D9S", "12,454.8-" },
    { "-83028485", "99999999999.9999999S", "   83028485.0000000-" },
    { "4.31", "9999999999999999.999999999999999MI", "               4.310000000000000 " },
    { "0", "9999999999999999.999999999999999MI", "               0.000000000000000 " },
    { "-454.8", "99G999.9MI", "   454.8-" }, { "-454.8", "00G000.0MI", "00,454.8-" }, { "-454", "999MI", "454-" },
    { "-12454.8", "99G999D9MI", "12,454.8-" },
    { "-4.31", "MI9999999999999999.999999999999999", "               -4.310000000000000" },
    { "4.31", "9999999999999999.999999999999999PR", "               4.310000000000000  " },
    { "0", "9999999999999999.999999999999999PR", "               0.000000000000000  " },
    { "-123", "9999999999999999.999PR", "             <123.000>" },
    { "-123.4", "9999999999999999.999PR", "             <123.400>" },
    { "-454.8", "99G999.9PR", "   <454.8>" }, { "-454.8", "00G000.0PR", "<00,454.8>" }, { "-454", "999PR", "<454>" },
    { "-12454.8", "99G999D9PR", "<12,454.8>" },
  }
  for _, c in ipairs(cases) do t.eq(chars({ c[1] }, c[2])[1], c[3], c[1] .. " by " .. c[2]) end
end)

t.test("to_char: more digits than the format has give '#' in each place", function()
  t.same_table(chars({ "454", "454", "4.67", "4.67" }, "0"), { "#", "#", "#", "#" })
  t.eq(chars({ "454" }, "00")[1], "##")
  t.eq(chars({ "4.67" }, "9.9")[1], "#.#")
  t.eq(chars({ "4.67" }, "99.9")[1], "##.#")
  t.eq(expr("to_char(12454, '99')"), "##")
  -- (ToNumberParser's rules) a separator after a '#' is no digit's: a space
  t.eq(expr("to_char(12454, '9G999')"), "# ###")
  t.eq(expr("to_char(-12454, '999S')"), "###-")
end)

t.test("to_char: numeric.sql's num_data", function()
  local values = { "0", "0", "4.31", "16397.038491", "74881", "93901.57763026", "7799461.4119", "-24926804.04504742",
                   "-34338492.215397047", "-83028485" }
  local function sp(n) return (" "):rep(n) end
  t.same_table(chars(values, "9999999999999999.999999999999999PR"), {
    sp(15) .. "0.000000000000000  ", sp(15) .. "0.000000000000000  ", sp(15) .. "4.310000000000000  ",
    sp(11) .. "16397.038491000000000  ", sp(11) .. "74881.000000000000000  ", sp(11) .. "93901.577630260000000  ",
    sp(9) .. "7799461.411900000000000  ", sp(8) .. "<24926804.045047420000000>",
    sp(8) .. "<34338492.215397047000000>", sp(8) .. "<83028485.000000000000000>" })
  t.same_table(chars(values, "9999999999999999.999999999999999S"), {
    sp(15) .. "0.000000000000000+", sp(15) .. "0.000000000000000+", sp(15) .. "4.310000000000000+",
    sp(11) .. "16397.038491000000000+", sp(11) .. "74881.000000000000000+", sp(11) .. "93901.577630260000000+",
    sp(9) .. "7799461.411900000000000+", sp(8) .. "24926804.045047420000000-",
    sp(8) .. "34338492.215397047000000-", sp(8) .. "83028485.000000000000000-" })
  t.same_table(chars(values, "MI9999999999999999.999999999999999"), {
    sp(16) .. "0.000000000000000", sp(16) .. "0.000000000000000", sp(16) .. "4.310000000000000",
    sp(12) .. "16397.038491000000000", sp(12) .. "74881.000000000000000", sp(12) .. "93901.577630260000000",
    sp(10) .. "7799461.411900000000000", sp(8) .. "-24926804.045047420000000",
    sp(8) .. "-34338492.215397047000000", sp(8) .. "-83028485.000000000000000" })
  t.same_table(chars(values, "0999999999999999.999999999999999"), {
    "0000000000000000.000000000000000", "0000000000000000.000000000000000", "0000000000000004.310000000000000",
    "0000000000016397.038491000000000", "0000000000074881.000000000000000", "0000000000093901.577630260000000",
    "0000000007799461.411900000000000", "0000000024926804.045047420000000", "0000000034338492.215397047000000",
    "0000000083028485.000000000000000" })
  t.same_table(chars(values, "S0999999999999999.999999999999999"), {
    "+0000000000000000.000000000000000", "+0000000000000000.000000000000000", "+0000000000000004.310000000000000",
    "+0000000000016397.038491000000000", "+0000000000074881.000000000000000", "+0000000000093901.577630260000000",
    "+0000000007799461.411900000000000", "-0000000024926804.045047420000000", "-0000000034338492.215397047000000",
    "-0000000083028485.000000000000000" })
end)

t.test("to_char: NULLs, other types cast to decimals, and the DataFrame API", function()
  t.same_table(chars({ "1", false, "-2" }, "S9"), { "+1", "null", "-2" })
  t.eq(expr("to_char(NULL, '999')"), "null")
  t.eq(expr("to_char(454, NULL)"), "null")
  -- (ToNumberParser's rules) int, bigint, double and strings as
  -- decimal(10,0), (20,0), (30,15) and (38,18); a float as decimal(14,7)
  -- of its double, here with more fraction digits than the format
  t.eq(expr("to_char(CAST(2147483647 AS int), '9,999,999,999')"), "2,147,483,647")
  t.eq(expr("to_char(CAST('9223372036854775807' AS bigint), '9999999999999999999')"), "9223372036854775807")
  t.eq(expr("to_char(CAST(0.1 AS double), '0.999')"), "0.100")
  t.eq(expr("to_char('78.12', '$99.99')"), "$78.12")
  t.eq(expr("to_char(CAST(78.12 AS float), '$99.99')"), "$##.##")
  local df = spark:createDataFrame({ { "12454.8" }, { "-0.5" } }, "d decimal(10,2)")
  t.same_table(t.rows(df:select(F.to_char("d", "99G999D9S"))), { "12,454.8+", "     0.5-" })
  t.same_table(t.rows(df:select(F.to_varchar(df.d, F.lit("00000.00PR")))), { "12454.80  ", "<00000.50>" })
  t.eq(df:select(F.to_char("d", "9")).columns[1], "to_char(d, 9)")
  t.same_table(t.rows(df:select(F.expr("to_number(CAST(d AS string), 'S99999.99')"))), { "12454.80", "-0.50" })
end)

t.test("F.to_number and F.try_to_number, as PySpark's", function()
  local df = spark:createDataFrame({ { "$78.12" }, { "x" }, { nil } }, "s string")
  local out = df:select(F.try_to_number("s", F.lit("$99.99")):alias("n"))
  t.eq(out.schema:simpleString(), "struct<n:decimal(4,2)>")
  t.same_table(t.rows(out), { "78.12", "null", "null" })
  t.same_table(t.rows(df:limit(1):select(F.to_number("s", F.lit("$99.99")))), { "78.12" })
  t.raises(function() df:select(F.to_number("s", F.lit("$99.99"))):collect() end, "does not match the format")
end)

t.test("more whole digits than the format holds never make a decimal that does not fit", function()
  t.same_table(t.rows(spark:range(1):selectExpr("try_to_number('15', '.99')", "try_to_number('$15', '$.99')",
    "try_to_number('.15', '.99')")), { "null|null|0.15" })
  t.raises(function() spark:range(1):selectExpr("to_number('15', '.99')"):collect() end, "does not match the format")
end)

t.run()
