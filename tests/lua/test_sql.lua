-- tide.sql: SQL expression strings become the nodes Column builds, with
-- Spark's precedence, names and literal types; bad text gives one clean
-- "syntax error at position N" message, never a Lua runtime error.
local t = require("testing")
local tide = require("tide")
local sql = require("tide.sql")
local T, F = tide.types, tide.functions

local parse, named, str = sql.parseExpression, sql.parseNamedExpression, sql.toString

local function col(name) return { k = "col", name = name } end
local function lit(value, ty) return { k = "lit", value = value, type = ty } end
local function op(o, l, r) return { k = "op", op = o, left = l, right = r } end

-- The pretty SQL of a parsed expression.
local function name_of(text) return str(parse(text)) end

t.test("column references, struct fields and quoted names", function()
  t.same_table(parse("hour"), col("hour"))
  t.same_table(parse("data.x"), { k = "field", expr = col("data"), name = "x" })
  t.same_table(parse("a.b.c"), { k = "field", expr = { k = "field", expr = col("a"), name = "b" }, name = "c" })
  t.same_table(parse("`site id`"), col("site id"))
  t.same_table(parse("`a``b`"), col("a`b"))
  t.same_table(parse("`a.b`"), col("a.b"))
  t.same_table(parse("`data`.`x y`"), { k = "field", expr = col("data"), name = "x y" })
  t.same_table(parse("C14"), col("C14"))
  t.same_table(parse("timestamp"), col("timestamp"))
  t.same_table(parse("cast"), col("cast"))
  t.same_table(parse("data.end"), { k = "field", expr = col("data"), name = "end" })
  t.same_table(parse("arr[0]"), { k = "item", expr = col("arr"), index = 0 })
  t.same_table(parse("m['k'].v"), { k = "field", expr = { k = "item", expr = col("m"), index = "k" }, name = "v" })
end)

t.test("integer literals are int, then bigint, then decimal, as Spark types them", function()
  t.same_table(parse("42"), lit(42, T.int))
  t.same_table(parse("2147483647"), lit(2147483647, T.int))
  t.same_table(parse("-2147483648"), lit(-2147483648, T.int))
  t.same_table(parse("2147483648"), lit(2147483648, T.long))
  t.same_table(parse("42L"), lit(42, T.long))
  t.same_table(parse("7l"), lit(7, T.long))
  t.same_table(parse("12S"), lit(12, T.short))
  t.same_table(parse("12Y"), lit(12, T.byte))
  -- Beyond 2^53 a bigint is an exact int64.
  local big = parse("9007199254740993L")
  t.eq(type(big.value), "cdata")
  t.eq(tostring(big.value), "9007199254740993LL")
  t.eq(tostring(parse("-9223372036854775808").value), "-9223372036854775808LL")
  t.eq(parse("9223372036854775807").type, T.long)
  -- Avazu ids exceed 2^63: a decimal literal, exact as a string.
  t.same_table(parse("10000554139829213984"), lit("10000554139829213984", T.decimal(20, 0)))
  t.raises(function() parse("9223372036854775808L") end, "in the range of bigint")
  t.raises(function() parse("128Y") end, "in the range of tinyint")
  t.raises(function() parse(("9"):rep(39)) end, "decimal%(38%)")
end)

t.test("fractional literals are decimals; an exponent or D makes a double, F a float, BD a decimal", function()
  t.same_table(parse("1.5"), lit("1.5", T.decimal(2, 1)))
  t.same_table(parse(".5"), lit("0.5", T.decimal(1, 1)))
  t.same_table(parse("0.10"), lit("0.10", T.decimal(2, 2)))
  t.same_table(parse("1."), lit("1", T.decimal(1, 0)))
  t.same_table(parse("0.001"), lit("0.001", T.decimal(3, 3)))
  t.same_table(parse("-1.5"), lit("-1.5", T.decimal(2, 1)))
  t.same_table(parse("-0.0"), lit("0.0", T.decimal(1, 1)))
  t.same_table(parse("1.5D"), lit(1.5, T.double))
  t.same_table(parse("1.5e0"), lit(1.5, T.double))
  t.same_table(parse("1e3"), lit(1000, T.double))
  t.same_table(parse("2.5E-3"), lit(0.0025, T.double))
  t.same_table(parse("-1.5D"), lit(-1.5, T.double))
  t.same_table(parse("3D"), lit(3, T.double))
  t.same_table(parse("1.25f"), lit(1.25, T.float))
  t.same_table(parse("1.50BD"), lit("1.50", T.decimal(3, 2)))
  t.same_table(parse("0.05bd"), lit("0.05", T.decimal(2, 2)))
  t.same_table(parse("-.5BD"), lit("-0.5", T.decimal(1, 1)))
  t.same_table(parse("007BD"), lit("7", T.decimal(1, 0)))
  t.raises(function() parse("1e999") end, "in the range of double")
  -- as Spark's BigDecimal literal: more than 38 digits fail
  t.raises(function() parse(("1"):rep(38) .. ".5") end, "in the range of decimal%(38%)")
  t.same_table(parse("0." .. ("1"):rep(38)), lit("0." .. ("1"):rep(38), T.decimal(38, 38)))
  t.raises(function() parse("1.5L") end, "expected an integer before the L suffix")
  -- a negative zero stays one, as a double or float
  local spark = tide.session()
  local zeros = spark:sql("SELECT -0.0D AS d, -0.0F AS f, CAST(-0.0D AS string) AS s"):collect()[1]
  t.eq(1 / zeros.d, -1 / 0); t.eq(1 / zeros.f, -1 / 0); t.eq(zeros.s, "-0.0")
  t.eq(1 / spark:range(1):select(F.lit(-0.0):alias("z")):collect()[1].z, -1 / 0)
end)

t.test("a name that starts with digits is a name, as in Spark's lexer", function()
  t.same_table(parse("1a"), col("1a"))
  t.same_table(parse("1LL"), col("1LL"))
  t.same_table(parse("1e5"), lit(100000, T.double))
end)

t.test("strings: both quotes, Spark's escapes, adjacent strings (a doubled quote too)", function()
  t.same_table(parse("'abc'"), lit("abc", T.string))
  t.same_table(parse('"abc"'), lit("abc", T.string))
  t.eq(parse([['it''s']]).value, "its")
  t.eq(parse([["say ""hi"""]]).value, "say hi")
  t.eq(parse([['a\'b']]).value, "a'b")
  t.eq(parse([['a\nb\tc\\d']]).value, "a\nb\tc\\d")
  t.eq(parse([['\101\u00e9\Z']]).value, "A\195\169\26")
  t.eq(parse([['100\%' 'x\_y']]).value, "100\\%x\\_y")
  t.eq(parse([['\q']]).value, "q")
  t.eq(parse([['a' "b" 'c']]).value, "abc")
  t.eq(parse([[r'C:\dir\n']]).value, [[C:\dir\n]])
  t.eq(parse("''").value, "")
end)

t.test("TRUE, FALSE and NULL in any case", function()
  t.same_table(parse("TRUE"), lit(true, T.boolean))
  t.same_table(parse("false"), lit(false, T.boolean))
  t.same_table(parse("Null"), { k = "lit" })
end)

t.test("CAST takes any type T.parse knows", function()
  t.same_table(parse("CAST(value AS STRING)"), { k = "cast", expr = col("value"), to = T.string, typeText = "STRING" })
  t.eq(parse("cast(id as decimal(38, 0))").to, T.decimal(38, 0))
  t.eq(parse("CAST(x AS bigint)").to, T.long)
  t.eq(parse("CAST(x AS struct<a:int, b:decimal(10,2)>)").to:simpleString(), "struct<a:int,b:decimal(10,2)>")
  t.eq(parse("CAST(CAST(x AS int) AS string)").expr.k, "cast")
  t.raises(function() parse("CAST(x AS foo)") end, "position 11 .*expected a data type %(unknown type 'foo'%), found 'foo'")
  t.raises(function() parse("CAST(x AS)") end, "position 10 .*expected a data type, found '%)'")
  t.raises(function() parse("CAST(x)") end, "position 7 .*expected AS, found '%)'")
  t.raises(function() parse("CAST(x AS int") end, "position 14 .*expected '%)', found the end of the text")
end)

t.test("arithmetic: * / % DIV bind tighter than + - ||, left to right", function()
  local a, b, c = col("a"), col("b"), col("c")
  t.same_table(parse("a + b * c"), op("+", a, op("*", b, c)))
  t.same_table(parse("a - b - c"), op("-", op("-", a, b), c))
  t.same_table(parse("(a + b) * c"), op("*", op("+", a, b), c))
  t.same_table(parse("a / b % c"), op("%", op("/", a, b), c))
  t.same_table(parse("a DIV b"), op("div", a, b))
  t.same_table(parse("a || b"), { k = "call", fn = "concat", args = { a, b } })
  t.same_table(parse("a || b + c"), op("+", { k = "call", fn = "concat", args = { a, b } }, c))
  t.same_table(parse("a-1"), op("-", a, lit(1, T.int)))
  t.same_table(parse("a - -1"), op("-", a, lit(-1, T.int)))
end)

t.test("unary minus and plus bind tightest; -literal is a literal", function()
  local a, b = col("a"), col("b")
  t.same_table(parse("-a * b"), op("*", { k = "neg", expr = a }, b))
  t.same_table(parse("- - a"), { k = "neg", expr = { k = "neg", expr = a } })
  t.same_table(parse("-(1)"), { k = "neg", expr = lit(1, T.int) })
  t.same_table(parse("+a"), a)
  t.same_table(parse("+1"), lit(1, T.int))
  t.same_table(parse("-a.b"), { k = "neg", expr = { k = "field", expr = a, name = "b" } })
end)

t.test("comparisons, with every spelling", function()
  local a, one = col("a"), lit(1, T.int)
  for text, o in pairs { ["="] = "=", ["=="] = "=", ["!="] = "!=", ["<>"] = "!=", ["<"] = "<",
                         ["<="] = "<=", [">"] = ">", [">="] = ">=", ["<=>"] = "<=>" } do
    t.same_table(parse("a " .. text .. " 1"), op(o, a, one), text)
  end
  t.same_table(parse("a + 1 > b * 2"), op(">", op("+", a, one), op("*", col("b"), lit(2, T.int))))
end)

t.test("logic: OR < AND < NOT < comparison", function()
  local a, b, c = col("a"), col("b"), col("c")
  t.same_table(parse("a OR b AND c"), op("or", a, op("and", b, c)))
  t.same_table(parse("a AND b OR c"), op("or", op("and", a, b), c))
  t.same_table(parse("NOT a AND b"), op("and", { k = "not", expr = a }, b))
  t.same_table(parse("not a = b"), { k = "not", expr = op("=", a, b) })
  t.same_table(parse("!a"), { k = "not", expr = a })
  t.same_table(parse("NOT NOT a"), { k = "not", expr = { k = "not", expr = a } })
  t.same_table(parse("a and (b or c)"), op("and", a, op("or", b, c)))
end)

t.test("predicates: IS [NOT] NULL, [NOT] IN, [NOT] BETWEEN, [NOT] LIKE", function()
  local a = col("a")
  t.same_table(parse("a IS NULL"), { k = "isnull", expr = a })
  t.same_table(parse("a is not null"), { k = "isnotnull", expr = a })
  t.same_table(parse("a + 1 IS NULL"), { k = "isnull", expr = op("+", a, lit(1, T.int)) })
  t.same_table(parse("a IS NULL AND b IS NOT NULL"),
    op("and", { k = "isnull", expr = a }, { k = "isnotnull", expr = col("b") }))
  t.same_table(parse("a IN (1, 'x', NULL)"),
    { k = "in", expr = a, list = { lit(1, T.int), lit("x", T.string), { k = "lit" } } })
  t.same_table(parse("a NOT IN (1)"), { k = "not", expr = { k = "in", expr = a, list = { lit(1, T.int) } } })
  local between = op("and", op(">=", a, lit(1, T.int)), op("<=", a, lit(9, T.int)))
  t.same_table(parse("a BETWEEN 1 AND 9"), between)
  t.same_table(parse("a NOT BETWEEN 1 AND 9"), { k = "not", expr = between })
  t.same_table(parse("a BETWEEN 1 AND 9 AND b"), op("and", between, col("b")))
  local n = parse("a BETWEEN 1 AND 9")
  t.ok(n.left.left ~= n.right.left, "the operand is two nodes, not one shared table")
  t.same_table(parse("a LIKE 'x%'"), { k = "call", fn = "like", args = { a, lit("x%", T.string) } })
  t.same_table(parse("a NOT LIKE 'x%'"),
    { k = "not", expr = { k = "call", fn = "like", args = { a, lit("x%", T.string) } } })
  t.same_table(parse("a RLIKE '^x'"), { k = "call", fn = "rlike", args = { a, lit("^x", T.string) } })
  -- Spark names LIKE infix and RLIKE as a call
  t.eq(name_of("a RLIKE '^x'"), "RLIKE(a, ^x)")
  t.eq(name_of("a LIKE 'x%'"), "a LIKE x%")
  local yes = lit(true, T.boolean)
  t.same_table(parse("a IS TRUE"), op("<=>", a, yes))
  t.same_table(parse("a IS NOT FALSE"), { k = "not", expr = op("<=>", a, lit(false, T.boolean)) })
  t.same_table(parse("a IS DISTINCT FROM b"), { k = "not", expr = op("<=>", a, col("b")) })
  t.same_table(parse("a IS NOT DISTINCT FROM b + 1"), op("<=>", a, op("+", col("b"), lit(1, T.int))))
  t.same_table(parse("isnull(a)"), { k = "isnull", expr = a })
  t.same_table(parse("isnotnull(a)"), { k = "isnotnull", expr = a })
end)

t.test("CASE, searched and simple", function()
  local a = col("a")
  t.same_table(parse("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END"), {
    k = "case",
    branches = { { when = op(">", a, lit(1, T.int)), value = lit("big", T.string) },
                 { when = op(">", a, lit(0, T.int)), value = lit("small", T.string) } },
    otherwise = lit("none", T.string) })
  t.same_table(parse("case a when 1 then 'one' when 2 then 'two' end"), {
    k = "case",
    branches = { { when = op("=", a, lit(1, T.int)), value = lit("one", T.string) },
                 { when = op("=", a, lit(2, T.int)), value = lit("two", T.string) } } })
  t.raises(function() parse("CASE END") end, "position 6 .*expected WHEN, found 'END'")
  t.raises(function() parse("CASE WHEN a THEN 1") end, "expected END, found the end of the text")
  t.raises(function() parse("CASE WHEN a 1 END") end, "position 13 .*expected THEN, found '1'")
end)

t.test("function calls: lower-cased names, any arguments, count(*)", function()
  t.same_table(parse("LOWER(site_id)"), { k = "call", fn = "lower", args = { col("site_id") } })
  t.same_table(parse("current_timestamp()"), { k = "call", fn = "current_timestamp", args = {} })
  t.same_table(parse("substring(a, 1, 3)"),
    { k = "call", fn = "substring", args = { col("a"), lit(1, T.int), lit(3, T.int) } })
  t.same_table(parse("count(*)"), { k = "call", fn = "count", args = { { k = "star" } } })
  t.same_table(parse("no_such_fn(a)"), { k = "call", fn = "no_such_fn", args = { col("a") } })
  t.same_table(parse("coalesce(f(a), 0) + 1"),
    op("+", { k = "call", fn = "coalesce", args = { { k = "call", fn = "f", args = { col("a") } }, lit(0, T.int) } },
      lit(1, T.int)))
  t.same_table(parse("from_json(value, 'id int').id"), { k = "field", name = "id", expr = { k = "call",
    fn = "from_json", args = { col("value") }, opts = { schema = T.fromDDL("id int"), mode = "PERMISSIVE" } } })
end)

t.test("from_json takes its schema and options as Spark SQL writes them", function()
  t.same_table(parse("from_json(j, 'a int, b string')").opts,
    { schema = T.fromDDL("a int, b string"), mode = "PERMISSIVE" })
  t.same_table(parse("from_json(j, 'struct<a:int>', map('mode', 'failfast', 'allowNonNumericNumbers', false))").opts,
    { schema = T.parse("struct<a:int>"), mode = "FAILFAST", allowNonNumericNumbers = "false" })
  t.same_table(F.expr("from_json(j, 'a int')").node, F.from_json("j", "a int").node, "the node F.from_json makes")
  t.raises(function() parse("from_json(j)") end,
    "position 10 .*from_json takes 2 or 3 arguments %(json, schema%[, options%]%), not 1")
  t.raises(function() parse("from_json(j, k)") end,
    "position 14 .*expected the schema of from_json as a string literal, such as 'a int, b string', found 'k'")
  t.raises(function() parse("from_json(j, 'a nt')") end,
    "position 14 .*the schema of from_json cannot be read: cannot parse type \"a nt\" at position 5: unknown type 'nt'")
  t.raises(function() parse("from_json(j, 'a int', 'mode')") end,
    "position 23 .*expected the options of from_json as map%('key', 'value', %.%.%.%) of literals")
  t.raises(function() parse("from_json(j, 'a int', map('mode'))") end, "position 23 .*options of from_json")
  t.raises(function() parse("from_json(j, 'a int', map('mode', 'LENIENT'))") end,
    "position 23 .*from_json mode must be PERMISSIVE, DROPMALFORMED or FAILFAST, not LENIENT")
  -- and it runs: PERMISSIVE gives nulls, DROPMALFORMED drops the row
  local spark = tide.session()
  local df = spark:createDataFrame({ { '{"a": 5}' }, { "{bad" } }, "j string")
  local rows = df:selectExpr("from_json(j, 'a int') AS d", "from_json(j, 'struct<a:int>').a AS a"):collect()
  t.eq(#rows, 2)
  t.eq(rows[1].a, 5)
  t.eq(rows[2].a, nil)
  t.eq(df:selectExpr("from_json(j, 'a int', map('mode', 'DROPMALFORMED')).a"):count(), 1)
  local err = t.raises(function() local _ = df:selectExpr("from_json(j, 'a nt')") end)
  t.has(err, "the schema of from_json cannot be read")
  t.at_caller(err)
end)

t.test("current_timestamp needs no parentheses, as in Spark SQL; a column of the name comes first", function()
  local spark = tide.session()
  local df = spark:createDataFrame({ { 1 } }, "k int")
  local stamped = df:selectExpr("current_timestamp", "CURRENT_TIMESTAMP AS t", "now() AS n", "k")
  t.same_table(stamped.columns, { "current_timestamp()", "t", "n", "k" })
  t.eq(stamped.schema.fields[1].dataType, T.timestamp)
  local row = stamped:collect()[1]
  t.eq(row["current_timestamp()"], row.t, "one time in a batch")
  t.ok(math.abs(row.t / 1e6 - tide.now()) < 60, "now: " .. tostring(row.t))
  t.same_table(df:select(F.col("current_timestamp")).columns, { "current_timestamp()" })
  local named = spark:createDataFrame({ { 7 } }, "current_timestamp int")
  t.eq(named:selectExpr("current_timestamp + 1 AS x"):collect()[1].x, 8)
  local dated = df:selectExpr("current_date", "current_date() AS d", "CAST(current_timestamp AS date) AS c")
  t.same_table(dated.columns, { "current_date()", "d", "c" })
  t.eq(dated.schema.fields[1].dataType, T.date)
  row = dated:collect()[1]
  t.eq(row.d, row.c, "the batch's timestamp's date")
end)

t.test("comments are skipped", function()
  t.same_table(parse("a -- the rest\n+ 1"), op("+", col("a"), lit(1, T.int)))
  t.same_table(parse("a /* one /* nested */ */ + 1"), op("+", col("a"), lit(1, T.int)))
  t.raises(function() parse("a /* open") end, "position 3 .*expected %*/")
end)

t.test("named expressions: AS, bare aliases, stars", function()
  t.same_table(named("CAST(value AS STRING)"), { k = "cast", expr = col("value"), to = T.string, typeText = "STRING" })
  t.same_table(named("a + 1 AS b"), { k = "alias", expr = op("+", col("a"), lit(1, T.int)), name = "b" })
  t.same_table(named("a b"), { k = "alias", expr = col("a"), name = "b" })
  t.same_table(named("a AS `my name`"), { k = "alias", expr = col("a"), name = "my name" })
  t.same_table(named("a `x`"), { k = "alias", expr = col("a"), name = "x" })
  t.same_table(named("*"), { k = "star" })
  t.same_table(named("data.*"), { k = "star", prefix = "data" })
  t.same_table(named("`da ta`.inner.*"), { k = "star", prefix = "da ta.inner" })
  t.raises(function() named("a AS") end, "position 5 .*expected a name after AS, found the end of the text")
  t.raises(function() named("a b c") end, "position 5 .*expected the end of the expression, found 'c'")
  t.raises(function() named("data.* x") end, "position 6 .*expected a field name, found '%*'")
  t.raises(function() parse("*") end, "position 1 .*expected an expression, found '%*'")
  t.raises(function() parse("a b") end, "position 3 .*expected an operator or the end of the expression, found 'b'")
end)

t.test("errors name the position and what was expected", function()
  local err = t.raises(function() parse("a + * b") end)
  t.eq(err, [[syntax error at position 5 in "a + * b": expected an expression, found '*']])
  t.raises(function() parse("") end, "position 1 .*expected an expression, found the end of the text")
  t.raises(function() parse("   ") end, "position 4 .*found the end of the text")
  t.raises(function() parse("(a + 1") end, "position 7 .*expected '%)', found the end of the text")
  t.raises(function() parse("a IN ()") end, "position 7 .*expected an expression, found '%)'")
  t.raises(function() parse("a IN 1") end, "position 6 .*expected '%(', found '1'")
  t.raises(function() parse("a BETWEEN 1 OR 2") end, "position 13 .*expected AND, found 'OR'")
  t.raises(function() parse("a IS 1") end, "position 6 .*expected NULL, TRUE, FALSE or DISTINCT FROM, found '1'")
  t.raises(function() parse("a IS DISTINCT b") end, "position 15 .*expected FROM, found 'b'")
  t.raises(function() parse("a IS NULL IS NULL") end, "position 11 .*found 'IS'")
  t.raises(function() parse("a # b") end, "position 3 .*found '#'")
  t.raises(function() parse("f(a,)") end, "position 5 .*expected an expression, found '%)'")
  t.raises(function() parse("'abc") end, "position 1 .*expected a closing ' for the string")
  t.raises(function() parse("x = 'a\\") end, "position 5 .*expected a closing '")
  t.raises(function() parse("`abc") end, "position 1 .*expected a closing `")
  t.raises(function() parse("a.") end, "position 3 .*expected a field name")
  t.raises(function() parse("arr[b") end, "position 6 .*expected ']', found the end of the text")
  t.raises(function() parse("SELECT a") end, "position 1 .*expected an expression, found 'SELECT'")
  t.raises(function() parse(("("):rep(1000) .. "a" .. (")"):rep(1000)) end, "nested too deeply")
  t.raises(function() parse(("- "):rep(1000) .. "a") end, "nested too deeply")
  t.raises(function() parse(42) end, "must be a string")
  -- A long text is shown around the position only.
  local long = ("a + "):rep(100) .. "* b" .. (" + c"):rep(100)
  err = t.raises(function() parse(long) end, "position 401 in \"%.%.%.a %+ a")
  t.ok(#err < 200, "the message stays short: " .. err)
end)

t.test("INTERVAL literals move timestamps by their days, hours, minutes and seconds", function()
  t.same_table(parse("INTERVAL 1 HOUR"), { k = "interval", micros = 3600000000, text = "INTERVAL '1' HOUR",
    startField = 1, endField = 1 })
  t.eq(parse("INTERVAL '90' MINUTES").micros, 90 * 60000000)
  t.eq(parse("INTERVAL 1 DAY 12 HOURS").micros, 36 * 3600000000)
  t.eq(parse("INTERVAL '1 hour 30 minutes'").micros, 90 * 60000000)
  t.eq(parse("INTERVAL -5 SECONDS").micros, -5000000)
  t.eq(parse("INTERVAL 1.5 SECONDS").micros, 1500000)
  t.eq(parse("INTERVAL 2 WEEKS").micros, 14 * 86400000000)
  t.eq(parse("INTERVAL 2 DAYS").daysOnly, true, "a date moved by it stays a date")
  t.eq(parse("INTERVAL 1 DAY 12 HOURS").daysOnly, nil)
  t.eq(name_of("ts + INTERVAL 1 HOUR"), "ts + INTERVAL '01' HOUR")
  -- A column named interval is still a column.
  t.same_table(parse("interval + 1"), op("+", col("interval"), lit(1, T.int)))
  -- year-month intervals: a date moves as add_months moves it, a timestamp by months of its local date-time
  t.same_table(parse("INTERVAL 1 YEAR 2 MONTHS"), { k = "interval", months = 14,
    text = "INTERVAL '1-2' YEAR TO MONTH", startField = 0, endField = 1 })
  t.eq(parse("INTERVAL '3' MONTHS").text, "INTERVAL '3' MONTH")
  t.eq(parse("INTERVAL -2 YEARS").months, -24)
  t.raises(function() parse("INTERVAL 1 MONTH 2 DAYS") end, "Cannot mix year%-month and day%-time fields")
  t.raises(function() parse("INTERVAL 1.5 MONTHS") end, "expected a whole number of months")
  t.same_table(parse("INTERVAL '1-2' YEAR TO MONTH"), { k = "interval", months = 14,
    text = "INTERVAL '1-2' YEAR TO MONTH", startField = 0, endField = 1 })
  t.eq(parse("INTERVAL '-0-3' YEAR TO MONTH").months, -3)
  t.raises(function() parse("INTERVAL '1-12' YEAR TO MONTH") end, "outside 0%-11")
  local ym = tide.session():sql("SELECT DATE'2024-01-31' + INTERVAL 1 MONTH AS a, DATE'2024-03-31' - INTERVAL 1 MONTH"
    .. " AS b, DATE'2024-02-29' + INTERVAL 1 YEAR AS c, INTERVAL '14' MONTH + DATE'2024-01-31' AS d, "
    .. "TIMESTAMP'2024-01-31 10:00:00' + INTERVAL 1 MONTH AS e, TIMESTAMP'2024-03-31 10:00:00' - INTERVAL 2 YEARS AS f")
  t.eq(ym.schema:simpleString(), "struct<a:date,b:date,c:date,d:date,e:timestamp,f:timestamp>")
  t.same_table(t.rows(ym), { "2024-02-29|2024-02-29|2025-02-28|2025-03-31|2024-02-29 10:00:00|2022-03-31 10:00:00" })
  t.eq(name_of("d + INTERVAL 1 MONTH"), "d + INTERVAL '1' MONTH")
  t.raises(function() parse("INTERVAL 1 FOO") end, "expected an interval unit")
  local spark = tide.session()
  local df = spark:createDataFrame({ { "2024-03-10 12:00:00" }, { nil } }, "ts timestamp")
  t.same_table(t.rows(df:selectExpr("ts + INTERVAL 1 HOUR", "ts - INTERVAL '90' MINUTES", "INTERVAL 1 DAY + ts",
    "ts + INTERVAL 1.5 SECONDS")), { "2024-03-10 13:00:00|2024-03-10 10:30:00|2024-03-11 12:00:00|2024-03-10 12:00:01.5",
    "null|null|null|null" })
  t.eq(df:selectExpr("ts + INTERVAL 1 HOUR").dtypes[1][2], "timestamp")
  t.same_table(t.rows(df:select((F.col("ts") + F.expr("INTERVAL 2 WEEKS")):alias("w"))),
    { "2024-03-24 12:00:00", "null" })
  t.raises(function() df:selectExpr("INTERVAL 1 HOUR - ts") end, "write the timestamp first")
  t.raises(function() df:selectExpr("1 + INTERVAL 1 HOUR") end, "an interval moves a timestamp or a date, not int")
  t.eq(df:selectExpr("INTERVAL 1 HOUR").dtypes[1][2], "interval hour") -- a value of its own (test_intervals.lua)
end)

t.test("X'..' is a binary literal, named as written; X alone is still a column", function()
  local spark = tide.session()
  local df = spark:sql("SELECT X'01FF', X'1' AS odd, hex(X'') AS empty, typeof(X'00') AS ty, x FROM (SELECT 7 AS x)")
  t.same_table(df.columns, { "X'01FF'", "odd", "empty", "ty", "x" })
  t.same_table(t.rows(df), { "[01 FF]|[01]||binary|7" })
  t.same_table(parse("X"), col("X"))
  t.raises(function() parse("X'0G'") end, "the binary literal X'0G' holds a character that is not a hex digit")
end)

t.test("LIKE ANY/SOME/ALL, IGNORE/RESPECT NULLS, struct(x AS name), TRIM(... FROM ...): Spark's SQL forms", function()
  local spark = tide.session()
  local df = spark:createDataFrame({ { 1, "apple", 10 }, { 2, "zebra", nil }, { 3, nil, 5 }, { 4, "kiwi", nil } },
    "id int, k string, v int")
  t.same_table(t.rows(df:selectExpr("k LIKE ANY ('a%', 'z%')", "k NOT LIKE ANY ('a%', 'z%')",
    "k LIKE ALL ('%a%', '%e%')", "k NOT LIKE ALL ('a%', 'z%')", "k ILIKE SOME ('A%')", "k LIKE ANY ('a%', NULL)")),
    { "true|true|true|false|true|true", "true|true|true|false|false|null", "null|null|null|null|null|null",
      "false|true|false|true|false|null" })
  t.raises(function() parse("k LIKE ANY ()") end, "expected a pattern")
  -- IGNORE NULLS is the ignoreNulls argument
  t.same_table(t.rows(df:selectExpr("first(v) IGNORE NULLS AS f", "last(v) IGNORE NULLS AS l",
    "first(v) RESPECT NULLS AS r", "last(v) RESPECT NULLS AS lr")), { "10|5|10|null" })
  t.same_table(t.rows(df:selectExpr("nth_value(v, 2) IGNORE NULLS OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING"
    .. " AND UNBOUNDED FOLLOWING) AS n"):limit(1)), { "5" })
  t.raises(function() parse("ntile(2) IGNORE NULLS OVER (ORDER BY id)") end,
    "ntile does not take IGNORE NULLS or RESPECT NULLS in tide")
  t.raises(function() parse("first(v, true) IGNORE NULLS") end, "first takes IGNORE NULLS or RESPECT NULLS after 1")
  -- struct's named expressions
  local st = df:selectExpr("struct(1 AS a, k AS b) AS s", "struct(id, k AS name).name AS nm"):limit(1)
  t.eq(st.schema:simpleString(), "struct<s:struct<a:int,b:string>,nm:string>")
  t.same_table(t.rows(st), { "{1, apple}|apple" })
  -- TRIM([BOTH | LEADING | TRAILING] [chars] FROM s), named as Spark names it
  local tr = spark:sql("SELECT trim(BOTH 'x' FROM 'xaxx') AS a, trim(LEADING 'x' FROM 'xax') AS b, "
    .. "trim(TRAILING FROM '  a  ') AS c, trim(FROM ' z ') AS d, TRIM(BOTH 'x' FROM 'xax')")
  t.same_table(tr.columns, { "a", "b", "c", "d", "TRIM(BOTH x FROM xax)" })
  t.same_table(t.rows(tr), { "a|ax|  a|z|a" })
end)

t.test("row constructors (a, b) IN ((1, 'x'), ...) and WITHIN GROUP (ORDER BY x), as Spark's parser reads them", function()
  local spark = tide.session()
  local df = spark:createDataFrame({ { 1, "a" }, { 2, "b" }, { 2, "a" } }, "id int, k string")
  t.same_table(t.rows(df:filter("(id, k) NOT IN ((2, 'b'))")
    :selectExpr("id", "(id, k) IN ((1, 'a'), (2, 'b')) AS hit")), { "1|true", "2|false" })
  t.eq(df:selectExpr("(id, k) AS r").schema:simpleString(), "struct<r:struct<id:int,k:string>>")
  t.same_table(t.rows(df:selectExpr("(id + 1) AS p")), { "2", "3", "3" }, "one expression in parentheses is itself")
  local g = spark:createDataFrame({ { "a", 1 }, { "a", 2 }, { "a", 4 }, { "b", 10 }, { "b", 10 }, { "b", 3 } },
    "k string, v int")
  local agg = g:groupBy("k"):agg(F.expr("percentile_cont(0.25) WITHIN GROUP (ORDER BY v)"),
    F.expr("percentile_cont(0.25) WITHIN GROUP (ORDER BY v DESC)"):alias("d"),
    F.expr("mode() WITHIN GROUP (ORDER BY v)"):alias("m")):orderBy("k")
  t.same_table(agg.columns, { "k", "percentile_cont(0.25) WITHIN GROUP (ORDER BY v)", "d", "m" })
  t.same_table(t.rows(agg), { "a|1.5|3.0|1", "b|6.5|10.0|10" })
  -- percentile_disc: the first value whose rank reaches ceil(p * n), a double
  local disc = spark:createDataFrame({ { 0 }, { 10 } }, "v int"):agg(
    F.expr("percentile_disc(0.25) WITHIN GROUP (ORDER BY v)"), F.expr("percentile_disc(1) WITHIN GROUP (ORDER BY v)"))
  t.eq(disc.schema:simpleString(), "struct<percentile_disc(0.25) WITHIN GROUP (ORDER BY v):double,"
    .. "percentile_disc(1) WITHIN GROUP (ORDER BY v):double>")
  t.same_table(t.rows(disc), { "0.0|10.0" })
  t.raises(function() parse("mode() WITHIN GROUP (ORDER BY v DESC)") end,
    "mode WITHIN GROUP is not supported in tide")
  -- named as Spark names them, whatever the spelling; FILTER before IGNORE NULLS, Spark's order
  t.same_table(g:agg(F.expr("percentile_cont(.5)\n within group (order by v asc)")).columns,
    { "percentile_cont(0.5) WITHIN GROUP (ORDER BY v)" })
  t.same_table(t.rows(g:agg(F.expr("first(v) FILTER (WHERE k = 'b') IGNORE NULLS"):alias("f"))), { "10" })
  -- nested rows, and named fields
  t.same_table(t.rows(df:selectExpr("(id, (k, id)) IN ((1, ('a', 1))) AS h")), { "true", "false", "false" })
  t.eq(df:selectExpr("(id AS x, k AS y) AS r").schema:simpleString(), "struct<r:struct<x:int,y:string>>")
end)

t.test("CAST of a struct to a struct of as many fields casts field by field, as Spark's; unions and IN widen them", function()
  local spark = tide.session()
  local c = spark:sql("SELECT CAST(named_struct('a', 1, 'b', '2') AS struct<x:bigint,y:int>) AS c, "
    .. "CAST(CAST(NULL AS struct<a:int>) AS struct<b:string>) AS n, "
    .. "CAST(named_struct('a', array(1, 2)) AS struct<a:array<string>>) AS arr")
  t.eq(c.schema:simpleString(), "struct<c:struct<x:bigint,y:int>,n:struct<b:string>,arr:struct<a:array<string>>>")
  t.same_table(t.rows(c), { "{1, 2}|null|{[1, 2]}" })
  t.raises(function() spark:sql("SELECT CAST(named_struct('a', 1) AS struct<a:int,b:int>)") end,
    "cannot cast struct<a:int> to struct<a:int,b:int>")
  local u = spark:sql("SELECT named_struct('a', 1) AS s UNION ALL SELECT named_struct('a', 2L)")
  t.eq(u.schema:simpleString(), "struct<s:struct<a:bigint>>")
  t.same_table(t.rows(u), { "{1}", "{2}" })
  t.same_table(t.rows(spark:createDataFrame({ { 1, 10 }, { 2, 20 }, { 3, 5 } }, "id int, v int")
    :selectExpr("(id, v) IN ((1, 10L), (2, 20.0)) AS h")), { "true", "true", "false" })
end)

t.test("toString gives Spark's pretty SQL", function()
  local cases = {
    { "hour", "hour" }, { "data.x", "data.x" }, { "`a b`", "a b" },
    { "1", "1" }, { "-7", "-7" }, { "5000000000", "5000000000" }, { "3L", "3" },
    { "1.5", "1.5" }, { "2.0", "2.0" }, { "1e10", "1.0E10" }, { "1e-4", "1.0E-4" }, { "0.001", "0.001" },
    { "1234567.5", "1234567.5" }, { "12345678.5", "12345678.5" }, { "12345678.5D", "1.23456785E7" }, { "0.1", "0.1" },
    { "1.1F", "1.1" },
    { "1.50BD", "1.50" }, { "10000554139829213984", "10000554139829213984" },
    { "9223372036854775807", "9223372036854775807" },
    { "'demo'", "demo" }, { "NULL", "NULL" }, { "true", "true" },
    { "a + 1", "(a + 1)" }, { "a = 1", "(a = 1)" }, { "a == 'x'", "(a = x)" },
    { "a != 1", "(NOT (a = 1))" }, { "a <> 1", "(NOT (a = 1))" }, { "a <=> b", "(a <=> b)" },
    { "a and b or c", "((a AND b) OR c)" }, { "a % 2", "(a % 2)" }, { "a div 2", "(a div 2)" },
    { "NOT a", "(NOT a)" }, { "-a", "(- a)" }, { "a IS NULL", "(a IS NULL)" },
    { "a IS NOT NULL", "(a IS NOT NULL)" }, { "a IN (1, 2)", "(a IN (1, 2))" },
    { "a NOT IN (1, 2)", "(NOT (a IN (1, 2)))" },
    { "a BETWEEN 1 AND 2", "((a >= 1) AND (a <= 2))" },
    { "CAST(a AS string)", "CAST(a AS STRING)" }, { "CAST(a AS int)", "CAST(a AS INT)" },
    { "CAST(a AS bigint)", "CAST(a AS BIGINT)" }, { "CAST(a AS double)", "CAST(a AS DOUBLE)" },
    { "CAST(a AS decimal(38,0))", "CAST(a AS DECIMAL(38,0))" }, { "CAST(a AS timestamp)", "CAST(a AS TIMESTAMP)" },
    { "CAST(a AS boolean)", "CAST(a AS BOOLEAN)" }, { "CAST(a AS binary)", "CAST(a AS BINARY)" },
    { "CAST(a AS struct<x:int,`y z`:string>)", "a" },
    { "CASE WHEN a = 1 THEN 'x' ELSE 'y' END", "CASE WHEN (a = 1) THEN x ELSE y END" },
    { "CASE a WHEN 1 THEN 2 END", "CASE WHEN (a = 1) THEN 2 END" },
    { "lower(site_id)", "lower(site_id)" }, { "SUBSTRING(a, 1, 2)", "substring(a, 1, 2)" },
    { "current_timestamp()", "current_timestamp()" }, { "count(*)", "count(1)" },
    { "a || 'x'", "concat(a, x)" }, { "a LIKE 'x%'", "a LIKE x%" }, { "a NOT LIKE 'x%'", "(NOT a LIKE x%)" },
    { "arr[0]", "arr[0]" }, { "(a + 1) * 2", "((a + 1) * 2)" },
  }
  for _, c in ipairs(cases) do t.eq(name_of(c[1]), c[2], c[1]) end
  t.eq(str(named("a + 1 AS b")), "(a + 1) AS b")
  t.eq(str(named("data.*")), "data.*")
  t.eq(str(named("*")), "*")
end)

t.test("outputName is the column name a select gives", function()
  local cases = {
    { "CAST(value AS STRING)", "value" }, { "CAST(key AS STRING) AS k", "k" }, { "data.x", "x" },
    { "hour", "hour" }, { "a + 1", "(a + 1)" }, { "CAST(a + 1 AS STRING)", "CAST((a + 1) AS STRING)" },
    { "CAST(data.x AS STRING)", "CAST(data.x AS STRING)" }, { "'demo'", "demo" }, { "lower(a) l", "l" },
  }
  for _, c in ipairs(cases) do t.eq(sql.outputName(named(c[1])), c[2], c[1]) end
end)

t.test("Column and F.expr share the parser and the names", function()
  t.eq(tostring(F.col("a"):cast("string")), "Column<'CAST(a AS STRING)'>")
  t.eq(tostring((F.col("a") + 1) * 2), "Column<'((a + 1) * 2)'>")
  t.eq(tostring(F.col("topic"):eq("demo"):and_(F.col("partition"):lt(3))), "Column<'((topic = demo) AND (partition < 3))'>")
  t.eq(tostring(F.lit(2.5)), "Column<'2.5'>")
  t.eq(tostring(F.lit(nil)), "Column<'NULL'>")
  t.eq(tostring(F.when(F.col("a"):isNull(), 0):otherwise(F.col("a"))), "Column<'CASE WHEN (a IS NULL) THEN 0 ELSE a END'>")
  t.eq(tostring(F.col("a"):isin(1, 2)), "Column<'(a IN (1, 2))'>")
  t.eq(tostring(-F.col("a")), "Column<'(- a)'>")
  t.eq(tostring(F.expr("a + 1 AS b")), "Column<'(a + 1) AS b'>")
  t.eq(tostring(F.desc("a")), "Column<'a DESC NULLS LAST'>")
  t.eq(tostring(F.col("a"):asc_nulls_last()), "Column<'a ASC NULLS LAST'>")
  t.eq(tostring(F.countDistinct("a", "b")), "Column<'count(DISTINCT a, b)'>")
  t.same_table(F.expr("data.x > 1").node, parse("data.x > 1"))
  t.raises(function() F.expr("a +") end, "syntax error at position 4")
end)

t.test("calling the module runs a query through tide.pg", function()
  local saved = package.loaded["tide.pg"]
  local seen
  package.loaded["tide.pg"] = { query = function(...) seen = { ... }; return "rows" end }
  local ok, result = pcall(sql, "dbname=x", "SELECT 1", { 7 })
  package.loaded["tide.pg"] = saved
  t.ok(ok, tostring(result))
  t.eq(result, "rows")
  t.same_table(seen, { "dbname=x", "SELECT 1", { 7 } })
end)

-- Random text from pieces of the grammar: every input gives a node (whose
-- name can be printed) or a syntax error, nothing else.
-- "name:type" of each column of df's schema.
local function typed_columns(df)
  local out = {}
  for i, f in ipairs(df.schema.fields) do out[i] = f.name .. ":" .. f.dataType:simpleString() end
  return out
end

t.test("decimal literals in queries: Spark's types, values and coercions (DecimalPrecision)", function()
  local spark = tide.session()
  local one = spark:sql("SELECT 0.1 + 0.2, 1.5, .5, 0.10, 1., -0.8, 0.001, 1.5e3, 1.5D, 1.5F, 1.5BD")
  t.same_table(typed_columns(one), { "(0.1 + 0.2):decimal(2,1)", "1.5:decimal(2,1)", "0.5:decimal(1,1)",
    "0.10:decimal(2,2)", "1:decimal(1,0)", "-0.8:decimal(1,1)", "0.001:decimal(3,3)", "1500.0:double",
    "1.5:double", "1.5:float", "1.5:decimal(2,1)" })
  t.same_table(t.rows(one), { "0.3|1.5|0.5|0.10|1|-0.8|0.001|1500.0|1.5|1.5|1.5" })
  t.same_table(t.rows(spark:sql("SELECT 0.1 + 0.2 = 0.3, 0.1D + 0.2D = 0.3D, 1.0 / 3, 2 % 1.8")),
    { "true|false|0.333333|0.2" })
  -- named as BigDecimal.toString writes them (scientific below 1e-6), shown plainly, cast to strings and written
  -- to JSON as toString again (Spark's Cast without ANSI mode, Jackson)
  local tiny = spark:sql("SELECT 0.0000001, 0.000001, -0.00000010, 0.0000000, CAST(0.00000012 AS STRING) AS s,"
    .. " concat(CAST(0.000000120 AS DECIMAL(10, 9)), '') AS c, to_json(named_struct('x', 0.0000001)) AS j")
  t.same_table(tiny.columns, { "1E-7", "0.000001", "-1.0E-7", "0E-7", "s", "c", "j" })
  t.same_table(t.rows(tiny), { "0.0000001|0.000001|-0.00000010|0.0000000|1.2E-7|1.20E-7|{\"x\":1E-7}" })
  local df = spark:createDataFrame({ { 1, 4, 0.25, "0.54" }, { 3, 5, 0.75, "x" } },
    "i int, l bigint, d double, s string")
  df:createOrReplaceTempView("nums")
  local q = spark:sql([[SELECT i * 0.5 AS a, l + 0.5 AS b, d * 0.5 AS c, i * 1.00 AS e, 2 * 0.5 AS f,
    CASE WHEN i > 1 THEN 1 ELSE 0.5 END AS g, coalesce(d, 0.5) AS h, if(i > 1, 0.5, 1) AS k, array(0.5, i) AS m,
    greatest(i, 0.5) AS n, s > 0.5 AS o, i DIV 0.5 AS p, round(i * 0.333, 2) AS r, sqrt(i * 1.5) AS u FROM nums]])
  t.same_table(typed_columns(q), { "a:decimal(12,1)", "b:decimal(22,1)", "c:double", "e:decimal(14,2)",
    "f:decimal(3,1)", "g:decimal(11,1)", "h:double", "k:decimal(11,1)", "m:array<decimal(11,1)>",
    "n:decimal(11,1)", "o:boolean", "p:bigint", "r:decimal(14,2)", "u:double" })
  t.same_table(t.rows(q), {
    "0.5|4.5|0.125|1.00|1.0|0.5|0.25|1.0|[0.5, 1.0]|1.0|true|2|0.33|1.224744871391589",
    "1.5|5.5|0.375|3.00|1.0|1.0|0.75|0.5|[0.5, 3.0]|3.0|null|6|1.00|2.1213203435596424" })
  -- filters, selectExpr and F.expr read the same literals
  t.same_table(t.rows(df:filter("d > 0.5"):select("i")), { "3" })
  t.same_table(t.rows(df:where("i * 1.5 BETWEEN 0.1 AND 2.0"):select("i")), { "1" })
  t.same_table(typed_columns(df:selectExpr("i * 0.5 AS h", "d"):select("h", F.expr("d + 0.1"), F.lit(1.5))),
    { "h:decimal(12,1)", "(d + 0.1):double", "1.5:double" })
  -- aggregates of decimals, and parameters that take the literal as its number
  local agg = spark:sql([[SELECT avg(0.5) AS a, sum(i * 0.5) AS b, percentile(d, 0.5) AS c,
    approx_percentile(i, 0.95) AS e, approx_count_distinct(i, 0.05) AS f,
    percentile_cont(0.25) WITHIN GROUP (ORDER BY i DESC) AS g FROM nums]])
  t.same_table(typed_columns(agg), { "a:decimal(5,5)", "b:decimal(22,1)", "c:double", "e:int", "f:bigint",
    "g:double" })
  t.same_table(t.rows(agg), { "0.50000|2.0|0.5|3|2|2.5" })
  t.same_table(t.rows(spark:sql("SELECT count(*) FROM nums TABLESAMPLE (100.0 PERCENT)")), { "2" })
  -- ROWS bounds are ints (1.0 is a decimal); 39 digits are no decimal
  t.raises(function() spark:sql("SELECT sum(i) OVER (ORDER BY i ROWS BETWEEN 1.0 PRECEDING AND CURRENT ROW) FROM nums")
  end, "whole number of rows %(an int%), found '1.0'")
  t.raises(function() spark:sql("SELECT " .. ("9"):rep(38) .. ".5") end, "in the range of decimal%(38%)")
  t.raises(function() spark:sql("SELECT i FROM nums LIMIT 1.5") end, "must be integer type, but got \"DECIMAL%(2,1%)\"")
  -- array_append as Spark's: no type holds an int and 0.5 without a loss (findTightestCommonType)
  t.raises(function() df:selectExpr("array_append(array(i), 0.5)") end,
    'but it\'s %["ARRAY<INT>", "DECIMAL%(1,1%)"%]')
  t.same_table(t.rows(df:selectExpr("array_append(array(i), 0.5D)")), { "[1.0, 0.5]", "[3.0, 0.5]" })
end)

t.test("fuzz: random text parses or fails with a syntax error", function()
  local pieces = { "a", "b.c", "`q`", "`x``y`", "1", "2.5", "1e3", "7L", "1BD", "'s'", '"t"', "'it''s'", "'\\n'",
    "NULL", "TRUE", "+", "-", "*", "/", "%", "||", "=", "==", "!=", "<>", "<", "<=", ">", ">=", "<=>", "(", ")",
    ",", ".", "!", "[", "]", "AND", "OR", "NOT", "IS", "IN", "BETWEEN", "LIKE", "CASE", "WHEN", "THEN", "ELSE",
    "END", "CAST", "AS", "int", "decimal(38,0)", "struct<", ">", "lower", "count", "DIV", "*", "--", "/*", "*/",
    "#", "'", "`", "\\", "9999999999999999999999", "-", "r'", ":", " ", " ", "\n", "\0", "\255" }
  local stats = { nodes = 0, errors = 0 }
  for i = 1, 4000 do
    local parts = {}
    for j = 1, math.random(1, 12) do
      local p = pieces[math.random(#pieces)]
      if math.random() < 0.5 then p = p .. " " end
      parts[j] = p
    end
    local text = table.concat(parts)
    local fn = i % 2 == 0 and parse or named
    local ok, res = pcall(fn, text)
    if ok then
      t.eq(type(res), "table", text)
      t.eq(type(str(res)), "string", text)
      t.eq(type(sql.outputName(res)), "string", text)
      stats.nodes = stats.nodes + 1
    else
      if type(res) ~= "string" or not res:find("^syntax error at position %d+ in ") then
        error(("input %q raised %s"):format(text, tostring(res)))
      end
      stats.errors = stats.errors + 1
    end
  end
  t.ok(stats.nodes > 100 and stats.errors > 100, ("both outcomes seen: %d nodes, %d errors"):format(stats.nodes, stats.errors))
end)

t.run()
