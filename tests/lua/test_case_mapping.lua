-- upper, lower and initcap beyond ASCII as Spark 3.5 gives them: Java's
-- String.toUpperCase / toLowerCase (SpecialCasing's unconditional
-- mappings, the final sigma within Java's word, U+0130 to i + U+0307) and
-- InitCap's per-char title case. Every expected value is what Spark 3.5.3
-- (on Java 17) returned for the same expression.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local cases = require("expression_cases")
local check = cases.check
local spark = tide.session()

local function strings(...)
  local rows = {}
  for i = 1, select("#", ...) do rows[i] = { (select(i, ...)) } end
  return rows
end

t.test("upper: SpecialCasing's mappings to several characters", function()
  local rows = strings("straße", "ﬁ", "ǆ", "ı", "ŉ", "ǰ", "ΐ", "և", "ﬓﬔﬕﬖﬗ", "ẖẗẘẙẚ", "ǅǆ", "ﬁne ﬂow", nil)
  check {
    { "s string", rows, F.upper("s"),
      { "STRASSE", "FI", "Ǆ", "I", "ʼN", "J̌", "\206\153\204\136\204\129", "ԵՒ", "ՄՆՄԵՄԻՎՆՄԽ", "H̱T̈W̊Y̊Aʾ", "ǄǄ", "FINE FLOW", "null" },
      "string", "upper(s)" },
    { "s string", strings("ᾳᾼ", "ὈΔΥΣΣΕΎΣ", "ß"), "ucase(s)", { "ΑΙΑΙ", "ὈΔΥΣΣΕΎΣ", "SS" }, "string", "ucase(s)" },
  }
end)

t.test("lower: the final sigma ends a word, U+0130 is i and a combining dot", function()
  local rows = strings("ΣΑΣ", "Σ", "ΑΣΑ", "ΑΣ.", "Α-Σ", "Α..Σ", "Α1Σ", "1Σ", "Α Σ", "Α\204\129Σ", "ΑΣ\204\129",
    "Α²Σ", "ΑカΣ", "ὈΔΥΣΣΕΎΣ", "İSTANBUL", "Iİı", "ǆA ǅB ǄC")
  check {
    { "s string", rows, F.lower("s"),
      { "σας", "σ", "ασα", "ας.", "α-ς", "α..σ", "α1ς", "1σ", "α σ", "α\204\129ς", "ας\204\129",
        "α²ς", "αカσ", "ὀδυσσεύς", "i\204\135stanbul", "ii\204\135ı", "ǆa ǆb ǆc" },
      "string", "lower(s)" },
    -- A surrogate pair joins the word after it only at the start.
    { "s string", strings("𐐀Σ", "Α𐐀Σ", "ΑΣ𐐀"), "lcase(s)", { "𐐨ς", "α𐐨σ", "ασ𐐨" }, "string", "lcase(s)" },
  }
end)

t.test("initcap: lower case, then each word's first char in title case (no special casing)", function()
  check {
    { "s string", strings("ǆa ßb", "ǆA ǅB ǄC", "ﬁne ﬂow", "ΣΑΣ ΑΣ", "Iİı", "ẖẗ"), F.initcap("s"),
      { "ǅa ßb", "ǅa ǅb ǅc", "ﬁne ﬂow", "Σας Ας", "Ii\204\135ı", "ẖẗ" }, "string", "initcap(s)" },
  }
end)

t.test("malformed bytes: kept when no character starts, U+FFFD when one does", function()
  local df = spark:sql("SELECT upper(cast(unhex('FF61') as string)) AS a, lower(cast(unhex('CEA3FF') as string)) AS b,"
    .. " upper(cast(unhex('61FF62C3A9') as string)) AS c")
  t.same_table(t.rows(df), { "\255A|σ\239\191\189|A\239\191\189BÉ" })
end)

t.test("SQL: upper, lower and ILIKE agree with Java's case", function()
  local df = spark:sql("SELECT upper('straße'), lower('ΣΑΣ'), 'STRASSE' ilike 'straße', 'ΣΑΣ' ilike 'σας',"
    .. " 'İ' ilike 'i̇'")
  t.same_table(t.rows(df), { "STRASSE|σας|false|true|true" })
end)
t.run()
