-- tide.eval_math: abs, round, bround, floor, ceil, sqrt, exp, ln/log,
-- log10, log2, pow, signum, greatest, least, to_timestamp, the
-- trigonometric and hyperbolic functions, radians, degrees, log1p, expm1,
-- cbrt, rint, atan2, hypot, pi, e, pmod, mod, negative, positive, the try_
-- arithmetic, the bitwise operators, shifts, bit_count, factorial, bin,
-- conv, width_bucket, rand and randn against Spark 3.5's results
-- (non-ANSI; Java's values where Spark calls java.lang.Math), result
-- types and column names, from tide.functions and from SQL strings. Values are compared as Spark's
-- show prints them ("2.68", "NaN", "null"), so that NaN, -0.0 and
-- infinities are checked too.
local t = require("testing")
local tide = require("tide")
local eval = require("tide.eval")
local column = require("tide.column")
local suggest = require("tide.suggest")
local F = tide.functions
local cases = require("expression_cases")
local over, check, list = cases.over, cases.check, cases.list
local spark = tide.session()

local NAN, INF = 0 / 0, math.huge
local INT_MIN, INT_MAX, LONG_MAX = -2147483648, 2147483647, 9223372036854775807LL
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
    -- exp and the logarithms are the C library's: exp(1) is e's double,
    -- where Java's StrictMath (fdlibm) gives one bit above it.
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
  local err = t.raises(function() return F.gamma end)
  t.ok(err:find('tide.functions has no function "gamma"', 1, true) and not err:find("did you mean", 1, true), err)
  t.has(t.raises(function() return F.sqr end), 'did you mean "sqrt"?')
end)

t.test("trigonometric and hyperbolic functions: doubles named in capitals, Java's values", function()
  local PI = 3.141592653589793
  check {
    { "double", list(0, -0.0, 1, PI / 2, NAN, INF, nil), F.sin("v"),
      { "0.0", "-0.0", "0.8414709848078965", "1.0", "NaN", "NaN", "null" }, "double", "SIN(v)" },
    { "double", list(0, 1, PI), F.cos("v"), { "1.0", "0.5403023058681398", "-1.0" }, "double", "COS(v)" },
    { "double", list(0, -0.0, 1, 0.5), F.tan("v"), { "0.0", "-0.0", "1.5574077246549023", "0.5463024898437905" },
      "double", "TAN(v)" },
    -- cot, sec and csc are 1 / tan, cos, sin: Infinity at 0, signed.
    { "double", list(1, 0, -0.0, 2), F.cot("v"),
      { "0.6420926159343306", "Infinity", "-Infinity", "-0.45765755436028577" }, "double", "COT(v)" },
    { "double", list(0, 1, 2), F.sec("v"), { "1.0", "1.8508157176809255", "-2.402997961722381" }, "double", "SEC(v)" },
    { "double", list(1, 0, 2), F.csc("v"), { "1.1883951057781212", "Infinity", "1.0997501702946164" }, "double",
      "CSC(v)" },
    { "double", list(0, 2, 1, 0.5, -1), F.asin("v"),
      { "0.0", "NaN", "1.5707963267948966", "0.5235987755982989", "-1.5707963267948966" }, "double", "ASIN(v)" },
    { "double", list(1, 2, 0, 0.5, -1), F.acos("v"),
      { "0.0", "NaN", "1.5707963267948966", "1.0471975511965979", "3.141592653589793" }, "double", "ACOS(v)" },
    { "double", list(0, 1, INF, -1), F.atan("v"),
      { "0.0", "0.7853981633974483", "1.5707963267948966", "-0.7853981633974483" }, "double", "ATAN(v)" },
    { "double", list(0, 1, -2, 1000), F.sinh("v"), { "0.0", "1.1752011936438014", "-3.626860407847019", "Infinity" },
      "double", "SINH(v)" },
    { "double", list(0, -2, 1000), F.cosh("v"), { "1.0", "3.7621956910836314", "Infinity" }, "double", "COSH(v)" },
    { "double", list(0, 1, INF, -0.5), F.tanh("v"), { "0.0", "0.7615941559557649", "1.0", "-0.46211715726000974" },
      "double", "TANH(v)" },
    -- Spark's formulas, overflow included: asinh(-1e200) and acosh(1e300)
    -- are Infinity (x * x is), asinh(-0.0) is 0.0.
    { "double", list(0, 1, -INF, -1e200, -0.0), F.asinh("v"),
      { "0.0", "0.8813735870195429", "-Infinity", "Infinity", "0.0" }, "double", "ASINH(v)" },
    { "double", list(1, 0, 2, 1e300), F.acosh("v"), { "0.0", "NaN", "1.3169578969248166", "Infinity" }, "double",
      "ACOSH(v)" },
    { "double", list(0, 2, 1, 0.5, -0.0), F.atanh("v"), { "0.0", "NaN", "Infinity", "0.5493061443340548", "-0.0" },
      "double", "ATANH(v)" },
    -- Numbers, strings and NULL are read as doubles.
    { "int", list(0, nil), F.sin("v"), { "0.0", "null" }, "double", "SIN(v)" },
    { "decimal(10,2)", list("1.00"), F.cot("v"), { "0.6420926159343306" }, "double", "COT(v)" },
    { "string", list("1", "x"), F.sec("v"), { "1.8508157176809255", "null" }, "double", "SEC(v)" },
    { "int", list(1), "acos(NULL)", { "null" }, "double", "ACOS(NULL)" },
  }
end)

t.test("radians, degrees, log1p, expm1, cbrt, rint, atan2, hypot, pi() and e()", function()
  check {
    { "double", list(180, 1, -90), F.radians("v"),
      { "3.141592653589793", "0.017453292519943295", "-1.5707963267948966" }, "double", "RADIANS(v)" },
    { "double", list(3.141592653589793, 1, 0.5), F.degrees("v"), { "180.0", "57.29577951308232", "28.64788975654116" },
      "double", "DEGREES(v)" },
    { "int", list(180), F.toRadians("v"), { "3.141592653589793" }, "double", "RADIANS(v)" },
    { "double", list(1), F.toDegrees("v"), { "57.29577951308232" }, "double", "DEGREES(v)" },
    -- log1p is NULL at -1 and below (Hive's rule, as the other logarithms).
    { "double", list(0, 1, -0.5, 1e-20, -1, -2, NAN, nil), F.log1p("v"),
      { "0.0", "0.6931471805599453", "-0.6931471805599453", "1.0E-20", "null", "null", "NaN", "null" }, "double",
      "LOG1P(v)" },
    { "double", list(0, 1, -1, 1e-20, 1000), F.expm1("v"),
      { "0.0", "1.718281828459045", "-0.6321205588285577", "1.0E-20", "Infinity" }, "double", "EXPM1(v)" },
    -- a cube's root exact, as Java's cbrt: cbrt(27.0) is 3.0, not the C
    -- library's double cbrt's 3.0000000000000004.
    { "double", list(27, -8, 2, 0.001, -0.0, -INF, NAN), F.cbrt("v"),
      { "3.0", "-2.0", "1.2599210498948732", "0.1", "-0.0", "-Infinity", "NaN" }, "double", "CBRT(v)" },
    -- rint rounds half to even and keeps the sign of a zero.
    { "double", list(12.3456, 2.5, 3.5, -2.5, -0.4, 1e20, NAN), F.rint("v"),
      { "12.0", "2.0", "4.0", "-2.0", "-0.0", "1.0E20", "NaN" }, "double", "rint(v)" },
    -- atan2 of zeros: Spark adds 0.0 to both sides, so -0.0 is 0.0.
    { "y double, x double", { { 0, 0 }, { -0.0, -1 }, { 0, -1 }, { 1, 1 }, { -1, -0.0 }, { 1, -1 }, { -1, -1 },
        { INF, INF }, { nil, 1 } }, F.atan2("y", "x"),
      { "0.0", "3.141592653589793", "3.141592653589793", "0.7853981633974483", "-1.5707963267948966",
        "2.356194490192345", "-2.356194490192345", "0.7853981633974483", "null" }, "double", "ATAN2(y, x)" },
    { "a double, b double", { { 3, 4 }, { INF, NAN }, { NAN, 1 }, { 1, 1 }, { -5, 12 }, { 1e300, 1e300 } },
      F.hypot("a", "b"), { "5.0", "Infinity", "NaN", "1.4142135623730951", "13.0", "1.4142135623730952E300" },
      "double", "HYPOT(a, b)" },
    { "double", list(1), F.atan2(1, "v"), { "0.7853981633974483" }, "double", "ATAN2(1, v)" },
    { "int", list(3), "hypot(v, 4)", { "5.0" }, "double", "HYPOT(v, 4)" },
    { "int", list(1, 2), F.pi(), { "3.141592653589793", "3.141592653589793" }, "double", "PI()" },
    { "int", list(1), F.e(), { "2.718281828459045" }, "double", "E()" },
    { "int", list(1), "pi() * 2", { "6.283185307179586" }, "double", "(PI() * 2)" },
  }
end)

t.test("Spark's documented examples of the math functions, through SQL", function()
  local out = spark:range(1):selectExpr("acos(1)", "asin(0)", "atan(0)", "atan2(0, 0)", "cbrt(27.0)", "cos(0)",
    "cosh(0)", "cot(1)", "csc(1)", "sec(0)", "degrees(3.141592653589793)", "radians(180)", "expm1(0)", "log1p(0)",
    "rint(12.3456)", "sin(0)", "sinh(0)", "tan(0)", "tanh(0)", "asinh(0)", "acosh(1)", "atanh(0)", "hypot(3, 4)",
    "e()", "pi()", "factorial(5)", "bin(13)", "bin(-13)", "bin(13.3)", "conv('100', 2, 10)", "conv(-10, 16, -10)",
    "pmod(10, 3)", "pmod(-10, 3)", "shiftleft(2, 1)", "shiftright(4, 1)", "shiftrightunsigned(4, 1)", "bit_count(0)",
    "3 & 5", "3 | 5", "3 ^ 5", "~ 0", "negative(1)", "positive(1)", "try_add(1, 2)", "try_subtract(2, 1)",
    "try_multiply(2, 3)", "try_divide(3, 2)", "try_divide(2L, 2L)", "width_bucket(5.3, 0.2, 10.6, 5)",
    "width_bucket(-2.1, 1.3, 3.4, 3)", "width_bucket(8.1, 0.0, 5.7, 4)", "width_bucket(-0.9, 5.2, 0.5, 2)",
    "mod(2, 1.8BD)", "rand(0)", "randn(0)", "rand(null)")
  t.same_table(out.columns, { "ACOS(1)", "ASIN(0)", "ATAN(0)", "ATAN2(0, 0)", "CBRT(27.0)", "COS(0)", "COSH(0)",
    "COT(1)", "CSC(1)", "SEC(0)", "DEGREES(3.141592653589793)", "RADIANS(180)", "EXPM1(0)", "LOG1P(0)",
    "rint(12.3456)", "SIN(0)", "SINH(0)", "TAN(0)", "TANH(0)", "ASINH(0)", "ACOSH(1)", "ATANH(0)", "HYPOT(3, 4)",
    "E()", "PI()", "factorial(5)", "bin(13)", "bin(-13)", "bin(13.3)", "conv(100, 2, 10)", "conv(-10, 16, -10)",
    "pmod(10, 3)", "pmod(-10, 3)", "shiftleft(2, 1)", "shiftright(4, 1)", "shiftrightunsigned(4, 1)",
    "bit_count(0)", "(3 & 5)", "(3 | 5)", "(3 ^ 5)", "~0", "negative(1)", "(+ 1)", "try_add(1, 2)",
    "try_subtract(2, 1)", "try_multiply(2, 3)", "try_divide(3, 2)", "try_divide(2, 2)",
    "width_bucket(5.3, 0.2, 10.6, 5)", "width_bucket(-2.1, 1.3, 3.4, 3)", "width_bucket(8.1, 0.0, 5.7, 4)",
    "width_bucket(-0.9, 5.2, 0.5, 2)", "mod(2, 1.8)", "rand(0)", "randn(0)", "rand(NULL)" })
  t.same_table(t.rows(out), { table.concat({ "0.0", "0.0", "0.0", "0.0", "3.0", "1.0", "1.0", "0.6420926159343306",
    "1.1883951057781212", "1.0", "180.0", "3.141592653589793", "0.0", "0.0", "12.0", "0.0", "0.0", "0.0", "0.0",
    "0.0", "0.0", "0.0", "5.0", "2.718281828459045", "3.141592653589793", "120", "1101",
    "1111111111111111111111111111111111111111111111111111111111110011", "1101", "4", "-16", "1", "2", "4", "2",
    "2", "0", "1", "7", "6", "-1", "-1", "1", "3", "1", "6", "1.5", "1.0", "3", "0", "5", "3", "0.2",
    "0.7604953758285915", "1.6034991609278433", "0.7604953758285915" }, "|") })
  t.eq(out.schema.fields[53].dataType:simpleString(), "decimal(2,1)") -- mod(2, 1.8BD), as Spark's 2 % 1.8
end)

t.test("pmod and mod: the type of %, pmod taking the divisor's sign, NULL for a zero divisor", function()
  -- PySpark's example of pmod, and Java's % for the rest.
  check {
    { "a double, b double", { { 1, NAN }, { NAN, 2 }, { 10, 3 }, { NAN, NAN }, { -3, 4 }, { -10, 3 }, { -5, -6 },
        { 7, -8 }, { 1, 2 }, { -7.5, 2 }, { -0.0, 3 }, { -1e-20, 3 }, { 1, 0 }, { nil, 1 } }, F.pmod("a", "b"),
      { "NaN", "NaN", "1.0", "NaN", "1.0", "2.0", "-5.0", "7.0", "1.0", "0.5", "-0.0", "0.0", "null", "null" },
      "double", "pmod(a, b)" },
    { "a int, b int", { { 10, 3 }, { -10, 3 }, { -7, -3 }, { 7, -3 }, { INT_MIN, -1 }, { -1, INT_MIN }, { INT_MIN, 3 },
        { -7, 2147483647 }, { 5, 0 } }, F.pmod("a", "b"),
      { "1", "2", "-1", "1", "0", "2147483647", "1", "2147483640", "null" }, "int", "pmod(a, b)" },
    { "a bigint, b bigint", { { LONG_MIN, -1 }, { -1, LONG_MIN }, { -7, 3 } }, F.pmod("a", "b"),
      { "0", "9223372036854775807", "2" }, "bigint", "pmod(a, b)" },
    { "a float, b float", { { -7.5, 2 }, { -1e-8, 3 } }, F.pmod("a", "b"), { "0.5", "0.0" }, "float", "pmod(a, b)" },
    -- Decimals get Remainder's type: min(p1-s1, p2-s2) + max(s1, s2) digits.
    { "a decimal(10,2), b decimal(5,1)", { { "-7.50", "2.0" }, { "7.50", "-2.0" }, { "-0.01", "0.3" },
        { "1.00", "0.0" } }, F.pmod("a", "b"), { "0.50", "1.50", "0.29", "null" }, "decimal(6,2)", "pmod(a, b)" },
    { "a int, b bigint", { { -7, 3 } }, F.pmod("a", "b"), { "2" }, "bigint", "pmod(a, b)" },
    { "a int, b string", { { -7, "2.5" } }, "pmod(a, b)", { "0.5" }, "double", "pmod(a, b)" },
    { "int", list(-10), F.pmod("v", 3), { "2" }, "int", "pmod(v, 3)" },
    { "int", list(7), F.pmod(-10, "v"), { "4" }, "int", "pmod(-10, v)" },
    -- mod is %, named mod(a, b): Java's remainder, the dividend's sign.
    { "a int, b int", { { -7, 3 }, { 7, -3 }, { INT_MIN, -1 }, { 1, 0 } }, "mod(a, b)", { "-1", "1", "0", "null" },
      "int", "mod(a, b)" },
    { "a double, b int", { { -7.5, 2 } }, "MOD(a, b) + 1", { "-0.5" }, "double", "(mod(a, b) + 1)" },
  }
end)

t.test("negative and positive keep the type; strings and NULL are doubles", function()
  check {
    { "int", list(1, -5, INT_MIN, nil), F.negative("v"), { "-1", "5", "-2147483648", "null" }, "int", "negative(v)" },
    { "bigint", list(LONG_MIN), F.negate("v"), { "-9223372036854775808" }, "bigint", "negative(v)" },
    { "decimal(10,2)", list("1.50"), "negative(v)", { "-1.50" }, "decimal(10,2)", "negative(v)" },
    { "string", list("2.5"), "negative(v)", { "-2.5" }, "double", "negative(v)" },
    { "double", list(0.0), F.negative("v"), { "-0.0" }, "double", "negative(v)" },
    { "int", list(1, nil), F.positive("v"), { "1", "null" }, "int", "(+ v)" },
    { "decimal(10,2)", list("-1.50"), "positive(v)", { "-1.50" }, "decimal(10,2)", "(+ v)" },
    { "string", list("2"), "positive(v) * 2", { "4.0" }, "double", "((+ v) * 2)" },
  }
end)

t.test("decimal arithmetic with integer columns: exact at the ends of int and bigint, NULL past decimal(38)", function()
  local df = spark:createDataFrame({ { INT_MIN, LONG_MIN }, { INT_MAX, LONG_MAX }, { -3, -7 }, { nil, nil } },
    "i int, l bigint")
  local out = df:selectExpr("i * 0.5", "l * 1.5", "CAST(i AS decimal(10,0))", "CAST(l AS decimal(19,0))",
    "CAST(l AS decimal(21,2))", "CAST(i AS decimal(5,0))", "l * CAST(l AS decimal(19,0))",
    "CAST(l AS decimal(38,0)) * 100000000000000000000")
  -- (a cast of a column keeps its name, as Spark's ResolveAliases names it)
  t.same_table(out.dtypes, { { "(i * 0.5)", "decimal(12,1)" }, { "(l * 1.5)", "decimal(23,1)" },
    { "i", "decimal(10,0)" }, { "l", "decimal(19,0)" }, { "l", "decimal(21,2)" }, { "i", "decimal(5,0)" },
    { "(l * CAST(l AS DECIMAL(19,0)))", "decimal(38,0)" },
    { "(CAST(l AS DECIMAL(38,0)) * 100000000000000000000)", "decimal(38,0)" } })
  t.same_table(t.rows(out), {
    "-1073741824.0|-13835058055282163712.0|-2147483648|-9223372036854775808|-9223372036854775808.00|null|"
      .. "85070591730234615865843651857942052864|null",
    "1073741823.5|13835058055282163710.5|2147483647|9223372036854775807|9223372036854775807.00|null|"
      .. "85070591730234615847396907784232501249|null",
    "-1.5|-10.5|-3|-7|-7.00|-3|49|-700000000000000000000",
    "null|null|null|null|null|null|null|null" })
end)

t.test("decimal products and quotients whose exact form passes 10^38 before rounding, as Spark's", function()
  t.same_table(t.rows(spark:sql([[SELECT CAST(2 AS decimal(38,28)) * CAST(3 AS decimal(38,18)),
    CAST(1.5 AS decimal(38,30)) * CAST(1.5 AS decimal(38,30)), CAST(i AS decimal(38,28)) * CAST(i AS decimal(38,28)),
    CAST(-0.5 AS decimal(38,37)) * CAST(0.000001 AS decimal(38,37)),
    1 / CAST(0.5 AS decimal(38,36)), CAST(-7 AS decimal(10,0)) / CAST(0.3 AS decimal(38,37)),
    CAST(1 AS decimal(10,0)) / CAST(0.00000000000000000000000000000000000001 AS decimal(38,38))
    FROM VALUES (2147483647) AS v(i)]])), {
    "6.0000000|2.250000000000000000000|4611686014132420609.00000000000000000|-0.00000050000000000000000000000000000|"
      .. "2.000000|-23.333333|null" })
end)

t.test("an integer meets a decimal of many fraction digits in its type, the scale kept (Spark's bounded)", function()
  local out = spark:sql([[SELECT b > 0.9999999999999999999, b <= 0.9999999999999999999, b = x, coalesce(x, b),
    1 < 1.00000000000000000000000000001
    FROM VALUES (1L, CAST('0.999999999999999999999' AS decimal(38,21))) AS v(b, x)]])
  t.eq(out.schema.fields[4].dataType:simpleString(), "decimal(38,21)")
  t.same_table(t.rows(out), { "true|false|false|0.999999999999999999999|true" })
end)

t.test("try_add, try_subtract, try_multiply, try_divide: NULL where Spark's + - * / would overflow", function()
  check {
    { "a int, b int", { { 1, 2 }, { 2147483647, 1 }, { INT_MIN, -1 }, { INT_MIN, 1 }, { nil, 1 } }, F.try_add("a", "b"),
      { "3", "null", "null", "-2147483647", "null" }, "int", "try_add(a, b)" },
    { "a int, b int", { { 2, 1 }, { INT_MIN, 1 }, { 0, INT_MIN } }, F.try_subtract("a", "b"),
      { "1", "null", "null" }, "int", "try_subtract(a, b)" },
    { "a int, b int", { { 2, 3 }, { INT_MIN, 10 }, { INT_MIN, -1 }, { 65536, 32768 } }, F.try_multiply("a", "b"),
      { "6", "null", "null", "null" }, "int", "try_multiply(a, b)" },
    { "a bigint, b int", { { LONG_MAX, 1 }, { LONG_MAX, -1 } }, F.try_add("a", "b"),
      { "null", "9223372036854775806" }, "bigint", "try_add(a, b)" },
    { "a bigint, b bigint", { { LONG_MIN, -1 }, { 3037000500, 3037000500 }, { 3037000499, 3037000499 } },
      F.try_multiply("a", "b"), { "null", "null", "9223372030926249001" }, "bigint", "try_multiply(a, b)" },
    -- try_divide is Spark's /: doubles (or decimals), NULL for a zero divisor.
    { "a int, b int", { { 3, 2 }, { 1, 0 }, { INT_MIN, -1 } }, F.try_divide("a", "b"),
      { "1.5", "null", "2.147483648E9" }, "double", "try_divide(a, b)" },
    -- Doubles overflow to Infinity in Spark's TRY mode too.
    { "a double, b double", { { 1e308, 1e308 }, { 1, 0 } }, "try_add(a, b)", { "Infinity", "1.0" }, "double",
      "try_add(a, b)" },
    { "a double, b double", { { 1, 0 } }, "try_divide(a, b)", { "null" }, "double", "try_divide(a, b)" },
    -- Decimals: NULL past the result's precision.
    { "a decimal(38,0), b decimal(38,0)", { { "99999999999999999999999999999999999999", "1" }, { "1", "2" } },
      F.try_add("a", "b"), { "null", "3" }, "decimal(38,0)", "try_add(a, b)" },
    { "a decimal(10,2), b decimal(10,2)", { { "1.00", "0.00" }, { "1.00", "3.00" } }, F.try_divide("a", "b"),
      { "null", "0.3333333333333" }, "decimal(23,13)", "try_divide(a, b)" },
    { "a string, b int", { { "1.5", 1 } }, "try_add(a, b)", { "2.5" }, "double", "try_add(a, b)" },
    -- A date and days go to date_add and date_sub, as Spark's.
    { "d date, n int", { { "2021-01-01", 1 } }, "try_add(d, n)", { "2021-01-02" }, "date", "try_add(d, n)" },
    { "d date, n int", { { "2021-01-01", 1 } }, "try_subtract(d, n)", { "2020-12-31" }, "date", "try_subtract(d, n)" },
  }
end)

t.test("bitwise & | ^ ~ in SQL, with Spark's precedence; shifts as Java's; bit_count", function()
  check {
    { "a int, b int", { { 3, 5 }, { -1, 255 }, { nil, 1 } }, "a & b", { "1", "255", "null" }, "int", "(a & b)" },
    { "a int, b int", { { 3, 5 }, { INT_MIN, 1 } }, "a | b", { "7", "-2147483647" }, "int", "(a | b)" },
    { "a int, b int", { { 3, 5 }, { -1, 1 } }, "a ^ b", { "6", "-2" }, "int", "(a ^ b)" },
    { "int", list(0, -1, 2147483647, nil), "~v", { "-1", "0", "-2147483648", "null" }, "int", "~v" },
    { "bigint", list(0), "~ v", { "-1" }, "bigint", "~v" },
    -- int meets bigint as bigint, NULL takes the other side's type.
    { "a int, b bigint", { { -1, 4294967296 } }, "a & b", { "4294967296" }, "bigint", "(a & b)" },
    { "int", list(6), "v & NULL", { "null" }, "int", "(v & NULL)" },
    -- | < ^ < & < + - < * /, and ~ binds to its operand.
    { "int", list(1), "1 | 2 & 3 ^ 4", { "7" }, "int", "(1 | ((2 & 3) ^ 4))" },
    { "int", list(1), "1 + 2 & 3", { "3" }, "int", "((1 + 2) & 3)" },
    { "int", list(1), "5 & 3 = 1", { "true" }, "boolean", "((5 & 3) = 1)" },
    { "int", list(1), "~v + 1", { "-1" }, "int", "(~v + 1)" },
    { "int", list(1), "2 * 3 | 1", { "7" }, "int", "((2 * 3) | 1)" },
    { "int", list(5), F.bitwise_not("v"), { "-6" }, "int", "~v" },
    { "int", list(5), F.bitwiseNOT("v"), { "-6" }, "int", "~v" },
    -- Shifts take their count mod 32 (int) or 64 (bigint), as Java's.
    { "a int, n int", { { 1, 33 }, { -8, 1 }, { INT_MAX, 1 }, { 1, -1 }, { 1, nil } }, F.shiftleft("a", F.col("n")),
      { "2", "-16", "-2", "-2147483648", "null" }, "int", "shiftleft(a, n)" },
    { "a int, n int", { { -8, 1 }, { -1, 31 }, { 4, 1 } }, F.shiftright("a", F.col("n")), { "-4", "-1", "2" }, "int",
      "shiftright(a, n)" },
    { "a int, n int", { { -1, 28 }, { -8, 0 }, { -8, 32 } }, F.shiftrightunsigned("a", F.col("n")),
      { "15", "-8", "-8" }, "int", "shiftrightunsigned(a, n)" },
    { "bigint", list(1, -1), F.shiftLeft("v", 63), { "-9223372036854775808", "-9223372036854775808" }, "bigint",
      "shiftleft(v, 63)" },
    { "bigint", list(-1), F.shiftRightUnsigned("v", 60), { "15" }, "bigint", "shiftrightunsigned(v, 60)" },
    { "bigint", list(-16), F.shiftRight("v", 2), { "-4" }, "bigint", "shiftright(v, 2)" },
    -- Other numbers and strings become ints (Spark's implicit cast), the
    -- count too.
    { "double", list(5.9), "shiftleft(v, 1)", { "10" }, "int", "shiftleft(v, 1)" },
    { "string", list("5"), "shiftleft(v, 2L)", { "20" }, "int", "shiftleft(v, 2)" },
    -- bit_count counts an int's bits as a bigint's (sign-extended).
    { "int", list(0, 7, -1, INT_MIN, nil), F.bit_count("v"), { "0", "3", "64", "33", "null" }, "int", "bit_count(v)" },
    { "bigint", list(-1, LONG_MIN), F.bit_count("v"), { "64", "1" }, "int", "bit_count(v)" },
    { "boolean", list(true, false), F.bit_count("v"), { "1", "0" }, "int", "bit_count(v)" },
    { "int", list(1), "bit_count(NULL)", { "null" }, "int", "bit_count(NULL)" },
  }
end)

t.test("factorial, bin and conv", function()
  check {
    -- factorial: 0..20 (a bigint), NULL outside.
    { "int", list(0, 1, 5, 20, 21, -1, nil), F.factorial("v"),
      { "1", "1", "120", "2432902008176640000", "null", "null", "null" }, "bigint", "factorial(v)" },
    { "string", list("5", "5.9", "x"), "factorial(v)", { "120", "120", "null" }, "bigint", "factorial(v)" },
    { "bigint", list(4294967301), "factorial(v)", { "120" }, "bigint", "factorial(v)" }, -- the int cast wraps
    -- bin: Long.toBinaryString of a bigint (doubles truncated).
    { "bigint", list(13, -13, 0, LONG_MIN, nil), F.bin("v"),
      { "1101", "1111111111111111111111111111111111111111111111111111111111110011", "0",
        "1000000000000000000000000000000000000000000000000000000000000000", "null" }, "string", "bin(v)" },
    { "double", list(13.3, -1.5), F.bin("v"),
      { "1101", "1111111111111111111111111111111111111111111111111111111111111111" }, "string", "bin(v)" },
    { "int", list(-1), F.bin("v"), { "1111111111111111111111111111111111111111111111111111111111111111" }, "string",
      "bin(v)" },
    -- conv: Spark's NumberConverter. Digits up to the first that is not
    -- one; an unsigned 64-bit value (all ones past 2^64 - 1); a negative
    -- to base > 0 wraps; to base < 0 is signed; bad bases are NULL.
    { "string", list("100", "-10", "FFFFFFFFFFFFFFFF", "1FFFFFFFFFFFFFFFF", "12x3", "x", "-", "  7f  ", "", nil),
      F.conv("v", 16, 10),
      { "256", "18446744073709551600", "18446744073709551615", "18446744073709551615", "18", "0", "0", "127", "null",
        "null" }, "string", "conv(v, 16, 10)" },
    { "string", list("-10", "FFFFFFFFFFFFFFFF", "8000000000000000", "-0", "zz"), F.conv("v", 16, -10),
      { "-16", "-1", "-9223372036854775808", "-0", "0" }, "string", "conv(v, 16, -10)" },
    { "s string, f int, t int", { { "zz", 36, 10 }, { "Zz", 36, 16 }, { "10", 1, 10 }, { "10", 10, 37 },
        { "10", 10, -1 }, { "11", 2, -2 }, { "-11", 2, 2 }, { "1.5", 10, 10 }, { "10", nil, 2 }, { "10", 10, nil } },
      F.expr("conv(s, f, t)"),
      { "1295", "50F", "null", "null", "null", "11", "1111111111111111111111111111111111111111111111111111111111111101",
        "1", "null", "null" }, "string", "conv(s, f, t)" },
    { "int", list(-10, 255), "conv(v, 10, 16)", { "FFFFFFFFFFFFFFF6", "FF" }, "string", "conv(v, 10, 16)" },
  }
end)

t.test("width_bucket: Spark's buckets, NULL for a bad range or count", function()
  check {
    { "v double, lo double, hi double, n bigint", { { 5.3, 0.2, 10.6, 5 }, { -2.1, 1.3, 3.4, 3 }, { 8.1, 0, 5.7, 4 },
        { -0.9, 5.2, 0.5, 2 }, { INF, 0, 10, 5 }, { -INF, 0, 10, 5 }, { 10, 0, 10, 5 }, { 0, 0, 10, 5 },
        { 5.2, 5.2, 0.5, 2 }, { 0.5, 5.2, 0.5, 2 }, { 6, 5.2, 0.5, 2 } }, F.width_bucket("v", "lo", "hi", "n"),
      { "3", "0", "5", "3", "6", "0", "6", "1", "1", "3", "0" }, "bigint", "width_bucket(v, lo, hi, n)" },
    -- NULL: a count <= 0 or the largest bigint, a NaN value, an empty or
    -- infinite range.
    { "v double, lo double, hi double, n bigint", { { 1, 0, 10, 0 }, { 1, 0, 10, -1 }, { NAN, 0, 10, 5 },
        { 1, 3, 3, 5 }, { 1, -INF, 10, 5 }, { 1, 0, NAN, 5 }, { 1, 0, 10, LONG_MAX }, { nil, 0, 10, 5 },
        { 1, 0, 10, nil } }, F.width_bucket("v", "lo", "hi", "n"),
      { "null", "null", "null", "null", "null", "null", "null", "null", "null" }, "bigint",
      "width_bucket(v, lo, hi, n)" },
    -- Java's (long) of the quotient, + 1.
    { "v double, n bigint", { { 9.999999999999998, LONG_MAX - 1 }, { 10, LONG_MAX - 1 } },
      F.width_bucket("v", F.lit(0), F.lit(10), "n"), { "9223372036854773761", "9223372036854775807" }, "bigint",
      "width_bucket(v, 0, 10, n)" },
    { "int", list(7), F.width_bucket("v", F.lit(0), F.lit(10), 5), { "4" }, "bigint", "width_bucket(v, 0, 10, 5)" },
    { "string", list("7.5"), "width_bucket(v, 0, 10, '5')", { "4" }, "bigint", "width_bucket(v, 0, 10, 5)" },
  }
end)

t.test("rand and randn: Spark's XORShiftRandom, the slice as the partition, the epoch apart", function()
  local b = tide.batch.fromRows({ { 1 }, { 2 } }, "id int")
  local function values(expr, ctx)
    local compiled = eval.compileSelect({ column.colNode(expr) }, b:schema())
    local out = eval.project(b, compiled, ctx or {})
    return { tide.batch.cellText(out.columns[0], 0), tide.batch.cellText(out.columns[0], 1) }, compiled.schema
  end
  -- Spark's rand(42) and randn(42) over one partition (PySpark's examples).
  t.same_table(values(F.rand(42)), { "0.619189370225301", "0.5096018842446481" })
  t.same_table(values(F.randn(42)), { "2.384479054241165", "0.1920934041293524" })
  t.same_table(values(F.expr("random(42)")), { "0.619189370225301", "0.5096018842446481" })
  -- A slice k draws as Spark's partition k, XORShiftRandom(seed + k); a
  -- micro-batch's epoch e adds e * 2^32.
  t.same_table(values(F.rand(42), { sliceIndex = 1 }), { "0.8017532427858894", "0.6565552949992319" })
  t.same_table(values(F.rand(42), { epochId = 1 }), { "0.27646105206982663", "0.8967802740192191" })
  -- randn's pairs: the second of each pair is the next row's.
  local five = tide.batch.fromRows({ { 1 }, { 2 }, { 3 }, { 4 }, { 5 } }, "id int")
  local out = eval.project(five, eval.compileSelect({ F.randn(0).node }, five:schema()), {})
  local texts = {}
  for r = 0, 4 do texts[r + 1] = tide.batch.cellText(out.columns[0], r) end
  t.same_table(texts, { "1.6034991609278433", "0.14416006165776865", "-0.6253564498627744", "-0.28385414448030416",
    "0.9333495004884642" })
  -- Names, types, determinism: the same seed gives the same values; a
  -- DataFrame keeps its values across actions, rand() keeps its seed.
  local df = spark:createDataFrame(b)
  local r = df:select(F.rand(7), F.expr("rand()"), F.expr("randn(-1L)"), F.expr("rand(NULL)"))
  t.same_table(r.dtypes, { { "rand(7)", "double" }, { "rand()", "double" }, { "randn(-1)", "double" },
    { "rand(NULL)", "double" } })
  t.same_table(t.rows(r), t.rows(r))
  t.eq(t.rows(r:select("rand(7)"))[1], "0.28188121484885875")
  local row = r:collect()[1]
  t.ok(row["rand()"] >= 0 and row["rand()"] < 1, "rand() in [0, 1)")
  t.eq(t.rows(r:select("rand(NULL)"))[1], "0.7604953758285915") -- NULL is seed 0
  t.eq(df:filter("rand(42) < 0.6"):count(), 1)
  -- F.rand() draws its seed when called, and is named by it, as PySpark's.
  local name = df:select(F.rand()).columns[1]
  t.ok(name:match("^rand%(%-?%d+%)$"), name)
  t.ok(df:select(F.randn()).columns[1] ~= df:select(F.randn()).columns[1], "two seeds")
end)

t.test("the new functions' names inside other expressions, aggregates and Column's repr", function()
  local df = spark:createDataFrame(tide.batch.fromRows({ { 0.5, 3 }, { 1.5, 4 } }, "d double, i int"))
  t.eq(tostring(F.sin("d")), "Column<'SIN(d)'>")
  t.eq(tostring(F.positive("i")), "Column<'(+ i)'>")
  t.eq(tostring(F.bitwise_not("i")), "Column<'~i'>")
  local agg = df:agg(F.sum(F.sin("d")), F.max(F.positive("i")), F.min(F.pi()))
  t.same_table(agg.columns, { "sum(SIN(d))", "max((+ i))", "min(PI())" })
  local nested = df:select(F.round(F.cbrt("d"), 2), F.log1p(F.abs("d")), (F.sinh("d") + 1):alias("s"))
  t.same_table(nested.columns, { "round(CBRT(d), 2)", "LOG1P(abs(d))", "s" })
  t.same_table(df:selectExpr("round(atan2(d, i), 3)", "hypot(d, i) > 1", "conv(bin(i), 2, 16)").columns,
    { "round(ATAN2(d, i), 3)", "(HYPOT(d, i) > 1)", "conv(bin(i), 2, 16)" })
end)

t.test("errors of the new functions, at the caller's line", function()
  local df = spark:createDataFrame(tide.batch.fromRows({ { 0.5, 3, true } }, "d double, i int, b boolean"))
  t.raises_at_caller({
    { function() F.conv("i", 2.5, 10) end, "conv(col, fromBase, toBase) takes whole-number bases, not 2.5 and 10" },
    { function() F.shiftleft("i", "x") end, "shiftleft(col, numBits) takes a whole number of bits, not x" },
    { function() F.rand(1.5) end, "rand(seed) takes a whole-number seed, not 1.5" },
    { function() F.atan2("d") end, "atan2() needs two columns or numbers" },
    { function() F.sin() end, "sin() needs a column" },
    { function() F.try_divide("d") end, "try_divide() needs two columns" },
    { function() F.width_bucket("d", 0, 1) end, "width_bucket(v, min, max, numBucket) needs four arguments" },
    { function() local _ = df:select(F.bit_count("d")) end, "bit_count needs an integer or a boolean, not double (d)" },
    { function() local _ = df:select(F.sin("b")) end,
      "cannot resolve 'SIN(b)' due to data type mismatch: sin needs a number, not boolean (b)" },
    { function() local _ = df:select(F.pmod("b", "i")) end, "pmod needs numbers, not boolean and int" },
    { function() local _ = df:selectExpr("rand(i)") end,
      "Input argument to rand must be an integer, long, or null constant." },
    { function() local _ = df:selectExpr("randn(0.5)") end,
      "Input argument to randn must be an integer, long, or null constant." },
    { function() local _ = df:selectExpr("d & i") end, "& needs integers, not double and int" },
    { function() local _ = df:selectExpr("~d") end, "~ needs integers, not double" },
    { function() local _ = df:selectExpr("mod(i)") end, "mod takes 2 arguments, not 1" },
    { function() local _ = df:selectExpr("factorial(i, 2)") end, "factorial takes 1 arguments, not 2" },
    { function() local _ = df:selectExpr("pi(1)") end, "pi takes 0 arguments, not 1" },
    { function() local _ = df:selectExpr("conv(struct(i), 2, 10)") end, "conv needs a string, not struct<i:int>" },
  })
end)

t.test("conv with the smallest int as a base is NULL, as Spark's", function()
  t.same_table(t.rows(spark:range(1):selectExpr("conv('10', 10, -2147483648)", "conv('10', -2147483648, 10)")),
    { "null|null" })
end)

t.test("bit_get / getbit: a bit as 0 or 1; a position outside the type's bits fails where it is evaluated", function()
  local out = spark:sql("SELECT bit_get(11, 0), bit_get(11, 2), getbit(11, 3), bit_get(-1, 31),"
    .. " bit_get(shiftleft(CAST(1 AS BIGINT), 40), 40), bit_get(NULL, 1), bit_get(5, NULL)")
  t.same_table(t.rows(out), { "1|0|1|1|1|null|null" })
  t.eq(out.dtypes[1][2], "tinyint") -- (Spark 3.5.3's)
  t.same_table(t.rows(spark:sql("SELECT bit_get(CAST(-1 AS TINYINT), 7), bit_get(CAST(-1 AS SMALLINT), 15)")),
    { "1|1" })
  t.raises(function() spark:sql("SELECT bit_get(CAST(5 AS TINYINT), 8)"):collect() end,
    "expects an integer value in %[0, 8%), but got 8.")
  local df = spark:createDataFrame({ { 5, 0 }, { 5, 1 }, { 5, 40 } }, "x int, p int")
  t.same_table(t.rows(df:filter("p < 32"):select(F.bit_get("x", F.col("p")), F.getbit("x", 2))), { "1|1", "0|1" })
  t.raises(function() df:select(F.bit_get("x", F.col("p"))):collect() end,
    "^%[INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE%] The value of parameter%(s%) `pos` in `bit_get` is invalid:"
    .. " expects an integer value in %[0, 32%), but got 40.$")
  t.raises(function() spark:sql("SELECT getbit(CAST(1 AS BIGINT), -1)"):collect() end, "in `getbit` is invalid:"
    .. " expects an integer value in %[0, 64%), but got %-1.")
  t.raises(function() spark:sql("SELECT bit_get(1.5, 1)") end, "bit_get needs an integer, not decimal%(2,1%)")
end)

t.run()
