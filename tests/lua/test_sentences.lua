-- sentences(str), as Spark 3.5.3's (the JRE's sentence and word
-- BreakIterators): every expected value is Spark's for the same text.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local CASES = {
  { "Hi there! How are you?", "Hi there | How are you" },
  { "Mr. Smith went home. he said hi.", "Mr | Smith went home he said hi" },
  { "3.14 is pi. Yes it is", "3.14 is pi | Yes it is" },
  { "Hello...World. Next one", "Hello World | Next one" },
  { "one  two,three;four", "one two three four" },
  { "It's a dog's life. Don't stop", "It's a dog's life | Don't stop" },
  { "e-mail me at a@b.com. OK?", "e-mail me at a b.com | OK" },
  { "Wait... what? No! Really.", "Wait what | No | Really" },
  { "  leading spaces. trailing  ", "leading spaces trailing" },
  { 'Quote: "Hi." Then more.', "Quote Hi | Then more" },
  { "ÉCOLE été. Über alles", "ÉCOLE été | Über alles" },
  { "line one\nline two. Three", "line one line two | Three" },
  { "A.B.C. are letters. Fine", "A.B.C are letters | Fine" },
  { "x=1+2 equals 3. Done", "x 1 2 equals 3 | Done" },
  { "日本語のテキスト 次", "日本語 の テキスト 次" },
  { "abc123 x1y", "abc123 x1y" },
  { "!!! Hi", " | Hi" },
  { "Go. 5 apples. ok", "Go 5 apples ok" },
  { "what?No", "what | No" },
  { "a_b c__d", "a_b c d" },
  { "1,000 and 1.5", "1,000 and 1.5" },
  { "naïve café", "naïve café" },
  { "(Yes.) No", "Yes | No" },
  { 'end."Next', "end | Next" },
  { "tab\there. There", "tab here | There" },
}

-- A sentences value as text: words joined by spaces, sentences by " | ".
local function shown(v)
  local out = {}
  for i, words in ipairs(v) do out[i] = table.concat(words, " ") end
  return table.concat(out, " | ")
end

t.test("sentences end at ? and !, and at a period before no lower-case letter or digit; words as Java's", function()
  local rows = {}
  for i, c in ipairs(CASES) do rows[i] = { c[1] } end
  local got = spark:createDataFrame(rows, "s string"):select(F.sentences("s"):alias("r")):collect()
  for i, c in ipairs(CASES) do t.eq(shown(got[i].r), c[2], c[1]) end
end)

t.test("an empty text has none, blanks one without words; NULL, the locale's arguments, the type", function()
  local r = spark:sql("SELECT sentences('') AS e, sentences('   ') AS b, sentences(NULL) AS n,"
    .. " sentences('Hi there. Bye', 'en', 'US') AS l"):collect()[1]
  t.same_table({ #r.e, #r.b, #r.b[1], r.n, shown(r.l) }, { 0, 1, 0, nil, "Hi there | Bye" })
  t.eq(spark:sql("SELECT sentences('a') AS s").schema:simpleString(), "struct<s:array<array<string>>>")
end)

t.run()
