-- tide.eval_math: abs, round, bround, floor, ceil, sqrt, exp, ln/log,
-- log10, log2, pow, signum, greatest, least and to_timestamp against
-- Spark 3.5's results (non-ANSI), result types and column names, from
-- tide.functions and from SQL strings. Values are compared as Spark's
-- show prints them ("2.68", "NaN", "null"), so that NaN, -0.0 and
-- infinities are checked too.
local t = require("testing")
local tide = require("tide")
local eval = require("tide.eval")
local suggest = require("tide.suggest")
local F = tide.functions
local cases = require("expression_cases")
local over, check, list = cases.over, cases.check, cases.list
local spark = tide.session()

local NAN, INF = 0 / 0, math.huge
local INT_MIN, LONG_MAX = -2147483648, 9223372036854775807LL
local LONG_MIN = -LONG_MAX - 1

t.test("round and bround: HALF_UP and HALF_EVEN over the double's decimal digits, as BigDecimal", function()
  check {
    -- Spark rounds BigDecimal(Double.toString(d)): 2.675 and 1.005 round up
    -- although their doubles are a hair below; NaN and infinities stay;
    -- -0.4 and -0.0 give 0.0, not -0.0.
    { "double", list(2.675, 1.005, 0.285, -2.675, 2.5, nil), F.round("v", 2),
      { "2.68", "1.01", "0.29", "-2.68", "2.5", "null" }, "double", "round(v, 2)" },
    { "double", list(2.5, -2.5, 0.5, -0.4, -0.0, NAN, INF, -INF, 1e-20), F.round("v"),
      { "3.0", "-3.0", "1.0", "0.0", "0.0", "NaN", "Infinity", "-Infinity", "0.0" }, "double", "round(v, 0)" },
    { "double", list(123.456, 125.0, -125.0, 1.2345e20), F.round("v", -1),
      { "120.0", "130.0", "-130.0", "1.2345E20" }, "double", "round(v, -1)" },
    { "double", list(1.2345e20, 9.5e-5), F.round("v", -18), { "1.23E20", "0.0" }, "double", "round(v, -18)" },
    { "double", list(2.5, 3.5, -2.5, 2.675, 2.665, 0.125, 125.0), F.bround("v", 0),
      { "2.0", "4.0", "-2.0", "3.0", "3.0", "0.0", "125.0" }, "double", "bround(v, 0)" },
    { "double", list(2.675, 2.665, 0.125, -0.125), F.bround("v", 2),
      { "2.68", "2.66", "0.12", "-0.12" }, "double", "bround(v, 2)" },
    { "double", list(125.0, 135.0), F.bround("v", -1), { "120.0", "140.0" }, "double", "bround(v, -1)" },
    { "float", list(0.125, 2.5), F.round("v", 2), { "0.13", "2.5" }, "float", "round(v, 2)" },
    -- Integers keep their type and change at negative scales only,
    -- wrapping as BigDecimal.intValue / longValue do.
    { "int", list(15, -15, 14, 2147483647, INT_MIN, nil), F.round("v", -1),
      { "20", "-20", "10", "-2147483646", "2147483646", "null" }, "int", "round(v, -1)" },
    { "int", list(2147483647, 7), F.round("v", 2), { "2147483647", "7" }, "int", "round(v, 2)" },
    { "int", list(2147483647, 499999999), F.round("v", -9), { "2000000000", "0" }, "int", "round(v, -9)" },
    { "int", list(2147483647, -7), F.round("v", -10), { "0", "0" }, "int", "round(v, -10)" },
    { "int", list(15, 25, -25, 35), F.bround("v", -1), { "20", "20", "-20", "40" }, "int", "bround(v, -1)" },
    { "bigint", list(LONG_MAX, LONG_MIN, 150), F.round("v", -2),
      { "9223372036854775800", "-9223372036854775800", "200" }, "bigint", "round(v, -2)" },
    { "bigint", list(LONG_MAX), F.round("v", -1), { "-9223372036854775806" }, "bigint", "round(v, -1)" },
    -- A decimal's scale drops to d; its precision keeps the integral
    -- digits plus one (RoundBase.dataType).
    { "decimal(10,2)", list("1.25", "-1.25", "1.24", "99999999.99", nil), F.round("v", 1),
      { "1.3", "-1.3", "1.2", "100000000.0", "null" }, "decimal(10,1)", "round(v, 1)" },
    { "decimal(10,2)", list("1.25", "-1.25", "1.35"), F.bround("v", 1), { "1.2", "-1.2", "1.4" },
      "decimal(10,1)", "bround(v, 1)" },
    { "decimal(10,2)", list("1.25", "150.00", "-150.00", "99999999.99"), F.round("v", -2),
      { "0", "200", "-200", "100000000" }, "decimal(9,0)", "round(v, -2)" },
    { "decimal(10,2)", list("150.00", "250.00"), F.bround("v", -2), { "200", "200" }, "decimal(9,0)", "bround(v, -2)" },
    { "decimal(10,2)", list("1.25"), F.round("v", 5), { "1.25" }, "decimal(11,2)", "round(v, 5)" },
    { "decimal(3,1)", list("99.5", "-99.5"), F.round("v"), { "100", "-100" }, "decimal(3,0)", "round(v, 0)" },
    { "decimal(38,0)", list("12345"), F.round("v", -40), { "0" }, "decimal(38,0)", "round(v, -40)" },
    -- Scales far past any digit.
    { "double", list(5.5, -5.5), F.round("v", -2147483647), { "0.0", "0.0" }, "double", "round(v, -2147483647)" },
    { "double", list(5.5), F.round("v", 2147483647), { "5.5" }, "double", "round(v, 2147483647)" },
    { "int", list(5), F.bround("v", -2147483647), { "0" }, "int", "bround(v, -2147483647)" },
    { "decimal(10,2)", list("-5.50"), F.round("v", -2147483647), { "0" }, "decimal(38,0)", "round(v, -2147483647)" },
    -- Strings are doubles, NULL is a double NULL; a NULL scale is NULL.
    { "string", list("2.675", "x"), F.round("v", 2), { "2.68", "null" }, "double", "round(v, 2)" },
    { "double", list(2.5), "round(v, NULL)", { "null" }, "double", "round(v, NULL)" },
    { "int", list(1), "round(NULL)", { "null" }, "double", "round(NULL, 0)" },
  }
end)

t.test("floor and ceil: bigint of doubles as Java's (long) cast, decimals at scale 0", function()
  check {
    { "double", list(2.5, -2.5, -0.1, NAN, INF, -INF, 1e19, nil), F.floor("v"),
      { "2", "-3", "-1", "0", "9223372036854775807", "-9223372036854775808", "9223372036854775807", "null" },
      "bigint", "FLOOR(v)" },
    { "double", list(2.1, -0.1, 5.0, NAN), F.ceil("v"), { "3", "0", "5", "0" }, "bigint", "CEIL(v)" },
    { "int", list(-7, 5), F.floor("v"), { "-7", "5" }, "bigint", "FLOOR(v)" },
    { "bigint", list(LONG_MAX), F.ceil("v"), { "9223372036854775807" }, "bigint", "CEIL(v)" },
    { "string", list("2.5", "x"), F.ceil("v"), { "3", "null" }, "bigint", "CEIL(v)" },
    { "decimal(10,2)", list("-1.25", "1.25", "99999999.99"), F.floor("v"), { "-2", "1", "99999999" },
      "decimal(9,0)", "FLOOR(v)" },
    { "decimal(10,2)", list("-1.25", "1.25", "99999999.99"), F.ceil("v"), { "-1", "2", "100000000" },
      "decimal(9,0)", "CEIL(v)" },
    { "decimal(5,0)", list("-12"), F.floor("v"), { "-12" }, "decimal(5,0)", "FLOOR(v)" },
    { "double", list(2.5), F.ceiling("v"), { "3" }, "bigint", "ceiling(v)" },
    -- With a scale (RoundFloor/RoundCeil): a decimal, doubles first cast
    -- to decimal(30,15).
    { "decimal(10,4)", list("3.1411", "-3.1411"), F.ceil("v", 3), { "3.142", "-3.141" }, "decimal(10,3)", "ceil(v, 3)" },
    { "decimal(10,4)", list("3.1411", "-3.1411"), F.floor("v", -3), { "0", "-1000" }, "decimal(7,0)", "floor(v, -3)" },
    { "double", list(3.1411), "ceil(v, -3)", { "1000" }, "decimal(16,0)", "ceil(v, -3)" },
    { "double", list(3.1411, NAN), "floor(v, 2)", { "3.14", "null" }, "decimal(18,2)", "floor(v, 2)" },
  }
end)

t.test("abs keeps the type and wraps integers, as non-ANSI Spark", function()
  check {
    { "int", list(-5, 5, INT_MIN, nil), F.abs("v"), { "5", "5", "-2147483648", "null" }, "int", "abs(v)" },
    { "bigint", list(LONG_MIN, -3), F.abs("v"), { "-9223372036854775808", "3" }, "bigint", "abs(v)" },
    { "double", list(-0.0, -INF, NAN, -2.5), F.abs("v"), { "0.0", "Infinity", "NaN", "2.5" }, "double", "abs(v)" },
    { "decimal(10,2)", list("-1.50", "2.00"), F.abs("v"), { "1.50", "2.00" }, "decimal(10,2)", "abs(v)" },
    { "string", list("-2.5"), F.abs("v"), { "2.5" }, "double", "abs(v)" },
  }
end)

t.test("sqrt, exp, the logarithms, pow and signum: doubles, NULL for a logarithm of x <= 0", function()
  check {
    { "double", list(4, -1, 2, INF, NAN, nil), F.sqrt("v"),
      { "2.0", "NaN", "1.4142135623730951", "Infinity", "NaN", "null" }, "double", "SQRT(v)" },
    { "int", list(9), F.sqrt("v"), { "3.0" }, "double", "SQRT(v)" },
    { "double", list(0, 1, -INF, NAN, 1000), F.exp("v"),
      { "1.0", "2.718281828459045", "0.0", "NaN", "Infinity" }, "double", "EXP(v)" },
    -- log(x) is ln: NULL (not NaN or -Infinity) at x <= 0, NaN stays NaN.
    { "double", list(1, 0, -1, NAN, INF, math.exp(1)), F.log("v"),
      { "0.0", "null", "null", "NaN", "Infinity", "1.0" }, "double", "ln(v)" },
    { "double", list(1, 0), F.ln("v"), { "0.0", "null" }, "double", "ln(v)" },
    { "double", list(1, -2), "log(v)", { "0.0", "null" }, "double", "LOG(E(), v)" },
    { "double", list(1, -2), "ln(v)", { "0.0", "null" }, "double", "ln(v)" },
    { "double", list(100, 1000, 0, -5), F.log(10, "v"), { "2.0", "2.9999999999999996", "null", "null" },
      "double", "LOG(10.0, v)" },
    { "double", list(8, 0.25), "log(2, v)", { "3.0", "-2.0" }, "double", "LOG(2, v)" },
    { "double", list(0.25, 0.5, 2), "log(v, 0.25)", { "1.0", "2.0", "-2.0" }, "double", "LOG(v, 0.25)" },
    { "double", list(1, 0), "log(v, 10)", { "Infinity", "null" }, "double", "LOG(v, 10)" },
    { "double", list(1000, 0.001, 0), F.log10("v"), { "3.0", "-3.0", "null" }, "double", "LOG10(v)" },
    { "double", list(8, 1024, 3, 0, -1), F.log2("v"), { "3.0", "10.0", "1.5849625007211563", "null", "null" },
      "double", "LOG2(v)" },
    -- pow is Java's Math.pow: a NaN exponent is NaN even for base 1.
    { "double", list(2, -1, 0, NAN), F.pow("v", 0.5), { "1.4142135623730951", "NaN", "0.0", "NaN" },
      "double", "POWER(v, 0.5)" },
    { "double", list(2, 0, NAN), F.pow("v", 10), { "1024.0", "0.0", "NaN" }, "double", "POWER(v, 10)" },
    { "double", list(1, 0, NAN), F.pow(1, "v"), { "1.0", "1.0", "NaN" }, "double", "POWER(1, v)" },
    { "double", list(INF, -INF), F.pow(-1, "v"), { "NaN", "NaN" }, "double", "POWER(-1, v)" },
    { "double", list(0), F.pow("v", -1), { "Infinity" }, "double", "POWER(v, -1)" },
    { "int", list(3), "pow(v, 2)", { "9.0" }, "double", "pow(v, 2)" },
    { "int", list(3), "power(v, 2)", { "9.0" }, "double", "POWER(v, 2)" },
    { "double", list(-5, 0, -0.0, NAN, 3.2, nil), F.signum("v"),
      { "-1.0", "0.0", "-0.0", "NaN", "1.0", "null" }, "double", "SIGNUM(v)" },
    { "int", list(-5), F.sign("v"), { "-1.0" }, "double", "sign(v)" },
    { "decimal(10,2)", list("-0.50"), "sign(v)", { "-1.0" }, "double", "sign(v)" },
  }
end)

t.test("to_timestamp(x) is CAST(x AS timestamp)", function()
  check {
    { "string", list("2024-01-02 03:04:05", "bogus", nil), F.to_timestamp("v"),
      { "2024-01-02 03:04:05", "null", "null" }, "timestamp", "to_timestamp(v)" },
    { "string", list("2024-01-02"), "to_timestamp(v)", { "2024-01-02 00:00:00" }, "timestamp", "to_timestamp(v)" },
  }
end)

t.test("greatest and least: the arguments' wider type, NULLs skipped, NaN above every number", function()
  local b = tide.batch.fromRows({ { 1, 2.5, "a", "1.50" }, { nil, 3.0, "b", nil }, { nil, nil, nil, nil },
    { 5, NAN, "c", "-2" }, { 0, -0.0, "", "0" } }, "i int, d double, s string, m decimal(10,2)")
  local compiled = eval.compileSelect({ F.greatest("i", "d").node, F.least("i", "d").node,
    F.greatest("s", F.lit("b")).node, F.least("m", "i").node, F.greatest("d", "i").node }, b:schema())
  t.eq(compiled.schema:simpleString(), "struct<greatest(i, d):double,least(i, d):double,greatest(s, b):string,"
    .. "least(m, i):decimal(12,2),greatest(d, i):double>")
  local out = eval.project(b, compiled, {})
  local rows = {}
  for r = 0, out:count() - 1 do
    rows[r + 1] = {}
    for k = 0, 4 do rows[r + 1][k + 1] = tide.batch.cellText(out.columns[k], r) end
  end
  t.same_table(rows, {
    { "2.5", "1.0", "b", "1.00", "2.5" },
    { "3.0", "3.0", "b", "null", "3.0" },
    { "null", "null", "b", "null", "null" },
    { "NaN", "5.0", "c", "-2.00", "NaN" },
    -- 0.0 and -0.0 are equal: the first argument stays.
    { "0.0", "0.0", "b", "0.00", "-0.0" },
  })
  local df = spark:createDataFrame(b)
  t.raises(function() df:select(F.greatest("i", "s")) end, "the arguments of greatest must share a type, not int, string")
  t.raises(function() F.greatest("i") end, "greatest takes at least 2 columns")
  t.raises(function() df:selectExpr("least(i)") end, "least takes 2 or more arguments, not 1")
end)

t.test("SQL strings: the functions by their Spark names, aliases and errors", function()
  local df = spark:createDataFrame(tide.batch.fromRows({ { -2.675, 7, "1.25" } }, "d double, i int, m decimal(10,2)"))
  local out = df:selectExpr("ROUND(d, 2) AS r", "abs(i)", "Floor(d)", "CEILING(m)", "SQRT(i)", "bround(m, 1)",
    "greatest(i, 3, NULL)", "LEAST(i, m)", "exp(0)", "log10(i * 100)")
  t.same_table(out.columns, { "r", "abs(i)", "FLOOR(d)", "ceiling(m)", "SQRT(i)", "bround(m, 1)",
    "greatest(i, 3, NULL)", "least(i, m)", "EXP(0)", "LOG10((i * 100))" })
  t.eq(out.schema:simpleString(), "struct<r:double,abs(i):int,FLOOR(d):bigint,ceiling(m):decimal(9,0),SQRT(i):double,"
    .. "bround(m, 1):decimal(10,1),greatest(i, 3, NULL):int,least(i, m):decimal(12,2),EXP(0):double,"
    .. "LOG10((i * 100)):double>")
  local row = out:collect()[1]
  local got = {}
  for i, name in ipairs(out.columns) do got[i] = row[name] end
  t.same_table(got, { -2.68, 7, -3, "2", math.sqrt(7), "1.2", 7, "1.25", 1, math.log10(700) })
  t.eq(df:filter("round(d) = -3 AND abs(i) > 5"):count(), 1)
  t.raises(function() df:selectExpr("round(d, i)") end, "the scale of round must be a literal integer")
  t.raises(function() df:selectExpr("sqrt(d > 1)") end, "cannot resolve 'SQRT%(%(d > 1%)%)' due to data type mismatch")
  t.raises(function() df:selectExpr("round(d, 1, 2)") end, "round takes 1 to 2 arguments, not 3")
  t.raises(function() df:selectExpr("pow(d)") end, "pow takes 2 arguments, not 1")
end)

t.test("'did you mean' needs real similarity: at most one edit up to four letters, a third of the name", function()
  t.eq(suggest.closest("round", { "count" }, 2), nil)
  t.eq(suggest.closest("abs", { "asc" }, 2), nil)
  t.eq(suggest.closest("sinh", { "sign", "min" }, 2), nil)
  t.eq(suggest.closest("abz", { "asc", "abs" }, 2), "abs")
  t.eq(suggest.closest("coalese", { "coalesce" }, 2), "coalesce")
  t.eq(suggest.closest("maxOffsetPerTrigger", { "maxOffsetsPerTrigger" }, 2), "maxOffsetsPerTrigger")
  local err = t.raises(function() return F.sinh end)
  t.ok(err:find('tide.functions has no function "sinh"', 1, true) and not err:find("did you mean", 1, true), err)
  t.has(t.raises(function() return F.sqr end), 'did you mean "sqrt"?')
end)

t.run()
