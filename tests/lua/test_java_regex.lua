-- Regular expressions in Java's syntax (engine/java_regex.c): what
-- java.util.regex.Pattern reads otherwise than PCRE2 — property classes,
-- \u and \0 escapes, nested classes and intersections, '.' and '$' at
-- Java's line terminators, (?U), (?d), (?x) in classes — through
-- regexp_extract, rlike, regexp_replace and split. Expected values are
-- Apache Spark 3.5.3's (Java 17) for the same patterns and subjects.
local t = require("testing")
local tide = require("tide")
local F = tide.functions

local spark = tide.session()

-- regexp_extract(subject, pattern, 0) as Spark gives it.
local function extract(subject, pattern)
  local df = spark:createDataFrame({ { subject } }, "s string")
  return df:select(F.regexp_extract("s", pattern, 0):alias("r")):collect()[1].r
end

local function check(cases)
  for _, c in ipairs(cases) do
    t.eq(extract(c[1], c[2]), c[3], ("%q ~ %s"):format(c[1], c[2]))
  end
end

t.test("POSIX classes are US-ASCII, Unicode's under (?U)", function()
  check({
    { "héllo", [=[\p{Alpha}+]=], "h" }, { "ÉCOLE", [=[\p{Upper}+]=], "COLE" }, { "été", [=[\p{Lower}+]=], "t" },
    { "a1٣", [=[\p{Digit}+]=], "1" }, { "ab12", [=[\p{Alnum}+]=], "ab12" }, { "a b", [=[\p{Blank}]=], " " },
    { "a\tb", [=[\p{Space}]=], "\t" }, { "zz09af", [=[\p{XDigit}+]=], "09af" }, { "a~b", [=[\p{Graph}+]=], "a~b" },
    { "a b", [=[\p{Print}+]=], "a b" }, { "abé", [=[[\p{ASCII}]+]=], "ab" }, { "x1y", [=[[\P{Alpha}]]=], "1" },
    { "ab.c", [=[[^\p{Punct}]+]=], "ab" }, { "x", [=[\p{IsAlpha}]=], "x" }, { "kitty", [=[(?i)K\p{Alpha}+]=], "kitty" },
    { "ABC", [=[(?i)\p{Lower}+]=], "ABC" },
    { "é", [=[(?U)\w]=], "é" }, { "é", [=[(?U)\p{Alpha}]=], "é" }, { "٣", [=[(?U)\d]=], "٣" },
    { "a b", [=[(?U)\p{Punct}]=], "" },
  })
end)

t.test("java.lang.Character classes, categories, scripts and binary properties", function()
  check({
    { "ÀB", [=[\p{javaUpperCase}+]=], "ÀB" }, { "a b\tc", [=[\p{javaWhitespace}+]=], " " },
    { "a\u{a0}", [=[\p{javaWhitespace}]=], "" }, { "ab1", [=[\p{javaLetterOrDigit}+]=], "ab1" },
    { "ab1-", [=[[\P{javaLetterOrDigit}]]=], "-" }, { "ABC", [=[\p{javaLowerCase}]=], "" },
    { "Ab", [=[\p{Lu}]=], "A" }, { "Ab", [=[\p{IsLu}]=], "A" }, { "Ab", [=[\pL+]=], "Ab" }, { "x", [=[\p{LC}]=], "x" },
    { "x", [=[\p{IsLC}]=], "x" }, { "x", [=[\p{gc=Ll}]=], "x" },
    { "abc", [=[\p{IsLatin}+]=], "abc" }, { "αβγ", [=[\p{IsGreek}+]=], "αβγ" }, { "日本語", [=[\p{IsHan}+]=], "日本語" },
    { "αβ", [=[\p{script=Greek}+]=], "αβ" }, { "αβ", [=[\p{sc=greek}+]=], "αβ" },
    { "Ünïcode", [=[\p{IsAlphabetic}+]=], "Ünïcode" }, { "Ab", [=[\p{IsUppercase}+]=], "A" },
    { "a,b", [=[\p{IsPunctuation}]=], "," }, { "a\tb c", [=[\p{IsWhite_Space}+]=], "\t" },
    { "x", [=[\p{IsLetter}]=], "x" }, { "a", [=[\p{IsAssigned}]=], "a" },
  })
  t.eq(spark:sql([[SELECT 'Straße' RLIKE '^\\p{IsLatin}+$']]):collect()[1][1], true)
end)

t.test("nested classes are unions, && intersects, ^ negates the whole class", function()
  check({
    { "bcde", [=[[a-z&&[^aeiou]]+]=], "bcd" }, { "bcd", [=[[^a-z&&[^aeiou]]+]=], "" },
    { "axbz", [=[[a-c[x-z]]+]=], "axbz" }, { "bac", [=[[^a[b]]+]=], "c" }, { "abc", [=[[a-z&&b-c&&c]]=], "c" },
    { "a.b", [=[[\p{Punct}&&[^.]]]=], "" }, { "a-b", [=[[\w&&[^a]]+]=], "b" }, { "a,b", [=[[\p{L}&&[^a]]]=], "b" },
    { "]a", [=[[]a]+]=], "]a" }, { "]a", [=[[^]a]+]=], "" }, { "x^", [=[[x^]+]=], "x^" }, { "ab", [=[[a&b]+]=], "ab" },
    { "a]", [=[[\Q]\E]]=], "]" },
    -- (no POSIX classes in Java: a nested class of ':', 'a', 'l', 'p', 'h')
    { "abc", "[[:alpha:]]+", "a" }, { "b:a", "[:a]+", ":a" },
  })
end)

t.test("escapes: \\uhhhh (surrogate pairs too), \\0ooo", function()
  check({
    { "é", [=[\u00e9]=], "é" }, { "é", [=[[\u00e9]]=], "é" }, { "😀x", [=[\uD83D\uDE00]=], "😀" },
    { "A", [=[\0101]=], "A" }, { "é", [=[\x{e9}]=], "é" },
  })
end)

t.test("'.' and '$' stop at Java's line terminators; (?d) at \\n only; (?s), (?x)", function()
  check({
    { "a\rb", "a.b", "" }, { "a\u{85}b", "a.b", "" }, { "a\u{2028}b", "a.b", "" }, { "a\vb", "a.b", "a\vb" },
    { "a\r\nb", "(?m)a$", "a" }, { "a\rb", "(?m)a$", "a" }, { "a\r\n", "a$", "a" }, { "a\r", "a$", "a" },
    { "a\rb", "(?d)a.b", "a\rb" }, { "a\nb", "(?d)a.b", "" }, { "a\nb", "(?s:a.)b", "a\nb" },
    { "ab", "(?x) a  b # c", "ab" }, { "a b", "(?x)[a ]+", "a" }, { "AbC", "(?i:a)b", "Ab" }, { "Ab", "(?-i)a", "" },
    { "ÉCOLE", "(?iu)école", "ÉCOLE" },
  })
end)

-- (expected: Apache Spark 3.5.3's regexp_extract of the same)
t.test("(?i) folds the case of ASCII letters alone, as Java's; (?u) and (?U) fold every letter", function()
  check({
    { "ÉCOLE", "(?i)école", "" }, { "école", "(?i)ÉCOLE", "" }, { "éCOLE", "(?i)école", "éCOLE" },
    { "ÉCOLE", "(?i)[é]cole", "" }, { "éCOLE", "(?i)[é]cole", "éCOLE" }, { "ÉCOLE", "(?i)[^é]cole", "ÉCOLE" },
    { "éCOLE", "(?i)[^é]cole", "" }, { "Ab", "(?i)[a-zé]b", "Ab" }, { "ÉCOLE", [=[(?i)\u00e9cole]=], "" },
    { "ÉCOLE", [=[(?i)\Qécole\E]=], "" }, { "éCOLE", [=[(?i)\Qécole\E]=], "éCOLE" },
    { "ÉCOLE", "(?iU)école", "ÉCOLE" }, { "K", [=[(?i)\x{212A}]=], "" }, { "ÉCOLE", "(?i)(?u:é)cole", "ÉCOLE" },
    { "xÉ", [=[(?i)x[\x{e9}]]=], "" }, { "Ab", "(?i)[[a-z]&&[^é]]b", "Ab" }, { "É", [=[(?i)[\p{L}&&[é]]]=], "" },
    -- a class in a class: an ASCII letter folded throughout, any other character as it is
    { "A", "(?i)[b[^a]é]", "" }, { "c", "(?i)[b[^a]é]", "c" }, { "É", "(?i)[b[^a]é]", "É" }, { "B", "(?i)[b[^a]é]", "B" },
    { "A", "(?i)[^aé]", "" }, { "É", "(?i)[^aé]", "É" },
  })
end)

t.test("replace and split take the same syntax", function()
  local df = spark:createDataFrame({ { "a.b.c", "a1b22c" } }, "s string, d string")
  local r = df:select(F.regexp_replace("s", [=[\p{Punct}]=], "-"):alias("r"),
    F.split("d", [=[\p{Digit}+]=]):alias("parts")):collect()[1]
  t.eq(r.r, "a-b-c")
  t.eq(table.concat(r.parts, ","), "a,b,c")
end)

-- (Spark 3.5.3's values)
t.test("Unicode blocks, under the names Java takes", function()
  check({
    { "αβγ", [=[\p{InGreek}+]=], "αβγ" }, { "aαβ", [=[\p{InGreekandCoptic}+]=], "αβ" },
    { "aαβ", [=[\p{InGreek and Coptic}+]=], "αβ" }, { "x", [=[\p{block=BasicLatin}]=], "x" },
    { "aé", [=[\p{blk=Latin-1 Supplement}]=], "é" }, { "abéü", [=[\P{InBasicLatin}+]=], "éü" },
    { "aαb", [=[[\p{InGreek}a]+]=], "aα" }, { "\u{500}x", [=[\p{InCyrillicSupplementary}]=], "\u{500}" },
    { "aé", [=[\p{InLATIN_1_SUPPLEMENT}]=], "é" }, { "aé", [=[\p{Inlatin-1supplement}]=], "é" },
    { "a\u{20d0}", [=[\p{InCombiningMarksforSymbols}]=], "\u{20d0}" }, { "é", [=[[^\p{InBasicLatin}]]=], "é" },
    { "αβ", [=[(?i)\p{InGreek}+]=], "αβ" }, { "a\u{1F600}", [=[\p{InEmoticons}]=], "\u{1F600}" },
  })
  -- as Java's Character.UnicodeBlock.forName, which takes neither
  t.raises(function() extract("αβ", [=[\p{InGREEK_AND_COPTIC}]=]) end, "unknown Unicode block \\p{InGREEK_AND_COPTIC}")
  t.raises(function() extract("x", [=[\p{InNowhere}]=]) end, "unknown Unicode block")
end)

t.test("what PCRE2 cannot do is an error naming it; so are Java's unknown properties", function()
  t.raises(function() extract("a", [=[\N{LATIN SMALL LETTER A}]=]) end, "named characters")
  -- (Spark: [INVALID_PARAMETER_VALUE.PATTERN], Java's "Unknown character property name")
  t.raises(function() extract("abc", [=[\p{Alphabetic}]=]) end, "unknown character property \\p{Alphabetic}")
  t.raises(function() extract("abc", [=[\p{isLatin}]=]) end, "unknown character property")
  t.raises(function() extract("abc", [=[[a-]=]) end, "unclosed character class at position 0")
  t.raises(function() extract("abc", [=[\u12]=]) end, "\\u needs four hexadecimal digits")
  -- PCRE2's syntax that Java does not have is refused, as Java refuses it
  t.raises(function() extract("ab", "(?R)") end, "unknown group %(%?R%.%.%.%)")
  t.raises(function() extract("ab", "(?1)(a)") end, "unknown group")
  t.raises(function() extract("ab", "(?P<n>a)") end, "unknown group")
  t.raises(function() extract("ab", [=[a\Kb]=]) end, "illegal or unsupported escape sequence \\K")
  t.raises(function() extract("ab", [=[(a)\g1]=]) end, "illegal or unsupported escape sequence \\g")
  check({ { "ab", "(?<n>a)(?=b)", "a" }, { "ab", "(?<=a)b", "b" }, { "ab", "(?>a)", "a" } })
  -- PCRE2's own errors point at the Java pattern's position
  t.raises(function() extract("abc", [=[\p{Alpha}(]=]) end, "missing closing parenthesis at position 10")
end)

t.run()
