-- Spark 3.5's SQL syntax and call forms, each with the values, types and
-- column names Apache Spark 3.5.3 gives (spark.sql.ansi.enabled off):
-- adjacent string literals, SUBSTRING(s FROM p FOR n), LIKE ... ESCAPE,
-- window frames of one bound and RANGE offsets, div(a, b), decimal
-- literals with exponents, count(a, b), collect_list(DISTINCT x), the
-- variances over windows, subscripts that are expressions, bare NULL
-- arguments, boolean = number and greatest/least of arrays.
local t = require("testing")
local tide = require("tide")
local T = require("tide.types")
local F = require("tide.functions")
local spark = tide.session()

local function q(text) return t.rows(spark:sql(text)) end
local function columns(text) return spark:sql(text).columns end
local function types(text)
  local out = {}
  for i, d in ipairs(spark:sql(text).dtypes) do out[i] = d[2] end
  return out
end
-- The query fails with that text in its error.
local function fails(text, message) t.has(t.raises(function() spark:sql(text) end), message) end

t.test("adjacent string literals join: 'it''s' is its, a quote inside is \\'", function()
  t.same_table(q([[SELECT 'it''s' AS a, "say ""hi""" AS b, 'a' 'b' AS c, 'it\'s' AS d, "it's" AS e]]),
    { "its|say hi|ab|it's|it's" })
  t.same_table(columns("SELECT 'it''s'"), { "its" })
  t.same_table(q([[SELECT s FROM VALUES ('its'), ('it''s'), ('it\'s') AS t(s) WHERE s = 'it''s']]), { "its", "its" })
  t.same_table(t.rows(spark:range(1):selectExpr("'a''b' AS x")), { "ab" })
end)

t.test("SUBSTRING(s FROM p [FOR n]) and SUBSTR: substring's call, named as Spark names it", function()
  local text = "SELECT substring('hello' FROM 2 FOR 3), substring('hello' FROM 2), substr('hello' FROM 2 FOR 3),"
    .. " substring('hello' FROM -3 FOR 2), substring(NULL FROM 1)"
  t.same_table(q(text), { "ell|ello|ell|ll|null" })
  t.same_table(columns(text), { "substring(hello, 2, 3)", "substring(hello, 2, 2147483647)", "substring(hello, 2, 3)",
    "substring(hello, -3, 2)", "substring(NULL, 1, 2147483647)" })
  t.same_table(q("SELECT substring(s FROM 2 FOR 1 + 1), substring(s, 2 FOR 1) FROM VALUES ('abcd') AS t(s)"),
    { "bc|b" })
end)

t.test("LIKE, NOT LIKE and ILIKE take ESCAPE 'c'; Spark names LIKE without it", function()
  local text = "SELECT 'a%c' LIKE 'a!%c' ESCAPE '!', 'abc' NOT LIKE 'a!%c' ESCAPE '!', 'A%C' ILIKE 'a!%c' ESCAPE '!',"
    .. " 'a_c' LIKE 'a#_c' ESCAPE '#', 'abc' LIKE 'a#_c' ESCAPE '#'"
  t.same_table(q(text), { "true|true|true|true|false" })
  t.same_table(columns(text), { "a%c LIKE a!%c", "(NOT abc LIKE a!%c)", "ilike(A%C, a!%c)", "a_c LIKE a#_c",
    "abc LIKE a#_c" })
  t.same_table(q("SELECT s, s LIKE 'a!%' ESCAPE '!' FROM VALUES ('a%'), ('ab'), (NULL) AS t(s)"),
    { "a%|true", "ab|false", "null|null" })
  fails("SELECT 'a' LIKE 'a' ESCAPE '!!'", "the escape of LIKE must be one character")
end)

t.test("TRIM(BOTH|LEADING|TRAILING ... FROM s), POSITION(a IN b) and EXTRACT(f FROM d)", function()
  local text = "SELECT trim(BOTH 'x' FROM 'xxaxx'), trim(LEADING 'x' FROM 'xxaxx'), position('b' IN 'abc'),"
    .. " position('b', 'abcb', 3), extract(YEAR FROM DATE'2024-03-05'),"
    .. " extract(MONTH FROM TIMESTAMP'2024-03-05 10:00:00')"
  t.same_table(q(text), { "a|axx|2|4|2024|3" })
  t.same_table(columns(text), { "TRIM(BOTH x FROM xxaxx)", "TRIM(LEADING x FROM xxaxx)", "locate(b, abc, 1)",
    "position(b, abcb, 3)", "extract(YEAR FROM DATE '2024-03-05')",
    "extract(MONTH FROM TIMESTAMP '2024-03-05 10:00:00')" })
end)

t.test("a frame of one bound runs from it to the current row: ROWS 1 PRECEDING, RANGE UNBOUNDED PRECEDING", function()
  local function frame(f, values)
    return q(("SELECT x, sum(x) OVER (ORDER BY x %s) FROM VALUES %s AS t(x) ORDER BY x"):format(f, values))
  end
  t.same_table(frame("ROWS UNBOUNDED PRECEDING", "(1), (2), (3)"), { "1|1", "2|3", "3|6" })
  t.same_table(frame("ROWS 1 PRECEDING", "(1), (2), (3)"), { "1|1", "2|3", "3|5" })
  t.same_table(frame("RANGE UNBOUNDED PRECEDING", "(1), (2), (2), (3)"), { "1|1", "2|5", "2|5", "3|8" })
  t.same_table(frame("ROWS CURRENT ROW", "(1), (2), (2), (3)"), { "1|1", "2|2", "2|2", "3|3" })
  t.same_table(frame("RANGE CURRENT ROW", "(1), (2), (2), (3)"), { "1|1", "2|4", "2|4", "3|3" })
  -- (1 FOLLOWING AND CURRENT ROW: empty frames, no error)
  t.same_table(frame("ROWS 1 FOLLOWING", "(1), (2), (3)"), { "1|null", "2|null", "3|null" })
  t.same_table(columns("SELECT sum(x) OVER (ORDER BY x ROWS 1 PRECEDING) FROM VALUES (1) AS t(x)"),
    { "sum(x) OVER (ORDER BY x ASC NULLS FIRST ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)" })
  t.same_table(columns("SELECT min(x) OVER (ORDER BY x RANGE UNBOUNDED PRECEDING) FROM VALUES (1) AS t(x)"),
    { "min(x) OVER (ORDER BY x ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)" })
end)

t.test("RANGE BETWEEN n PRECEDING AND m FOLLOWING: the rows whose order value is within the row's offsets", function()
  local function frame(order, f, values, agg)
    return q(("SELECT x, %s OVER (ORDER BY x %s RANGE BETWEEN %s) FROM VALUES %s AS t(x) ORDER BY x"):format(
      agg or "sum(x)", order, f, values))
  end
  t.same_table(frame("", "1 PRECEDING AND 1 FOLLOWING", "(1), (2), (2), (4), (5), (NULL)"),
    { "null|null", "1|5", "2|5", "2|5", "4|9", "5|9" })
  t.same_table(q("SELECT x, sum(x) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM VALUES (1),"
    .. " (2), (2), (4), (5) AS t(x) ORDER BY x"), { "1|1", "2|5", "2|5", "4|4", "5|9" })
  -- descending, PRECEDING is the larger values
  t.same_table(frame("DESC", "1 PRECEDING AND 1 FOLLOWING", "(1), (2), (3), (5), (NULL)"),
    { "null|null", "1|3", "2|6", "3|5", "5|5" })
  t.same_table(frame("DESC NULLS FIRST", "2 PRECEDING AND CURRENT ROW", "(1), (2), (3), (5), (NULL)"),
    { "null|null", "1|6", "2|5", "3|8", "5|5" })
  -- a NULL order value's frame is the NULL rows, which no other row's reaches
  t.same_table(frame("NULLS LAST", "UNBOUNDED PRECEDING AND 1 PRECEDING", "(1), (2), (3), (5), (NULL)", "count(x)"),
    { "null|4", "1|0", "2|1", "3|2", "5|3" })
  t.same_table(frame("", "1 FOLLOWING AND 3 FOLLOWING", "(1), (2), (3), (5), (NULL)", "count(x)"),
    { "null|0", "1|2", "2|2", "3|1", "5|0" })
  -- offsets of doubles, decimals (exact: 0.2 + 0.1 reaches 0.3), bigints and dates (days); an int's
  -- offset of 1.5 is 1, as Spark casts it
  t.same_table(frame("", "1.5 PRECEDING AND 1.5 FOLLOWING", "(1.0D), (2.0D), (3.5D), (6.0D)", "avg(x)"),
    { "1.0|1.5", "2.0|2.1666666666666665", "3.5|2.75", "6.0|6.0" })
  t.same_table(frame("", "0.1 PRECEDING AND 0.1 FOLLOWING", "(0.1), (0.2), (0.3), (0.5)", "count(*)"),
    { "0.1|2", "0.2|3", "0.3|2", "0.5|1" })
  t.same_table(frame("", "1 PRECEDING AND 1 FOLLOWING", "(CAST(1 AS BIGINT)), (2), (4)"), { "1|3", "2|3", "4|4" })
  t.same_table(frame("", "1 PRECEDING AND 1 FOLLOWING", "(DATE'2024-01-01'), (DATE'2024-01-02'), (DATE'2024-01-04')",
    "count(*)"), { "2024-01-01|2", "2024-01-02|2", "2024-01-04|1" })
  t.same_table(frame("", "1.5 PRECEDING AND CURRENT ROW", "(1), (2), (3)"), { "1|1", "2|3", "3|5" })
  t.same_table(q("SELECT g, x, sum(x) OVER (PARTITION BY g ORDER BY x RANGE BETWEEN 2 PRECEDING AND 2 FOLLOWING)"
    .. " FROM VALUES ('a', 1), ('a', 3), ('a', 6), ('b', 2), ('b', 4) AS t(g, x) ORDER BY g, x"),
    { "a|1|4", "a|3|4", "a|6|6", "b|2|6", "b|4|6" })
  t.same_table(columns("SELECT sum(x) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM VALUES (1)"
    .. " AS t(x)"), { "sum(x) OVER (ORDER BY x ASC NULLS FIRST RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING)" })
  -- the DataFrame API's rangeBetween takes them too
  local df = spark:createDataFrame({ { 1 }, { 2 }, { 2 }, { 4 }, { 5 } }, "x int")
  t.same_table(t.rows(df:select("x", F.sum("x"):over(tide.Window.orderBy("x"):rangeBetween(-1, 1)))),
    { "1|5", "2|5", "2|5", "4|9", "5|9" })
end)

t.test("RANGE BETWEEN INTERVAL ... PRECEDING: timestamps by either kind of interval, dates by months", function()
  -- (Spark 3.5.3's values and names)
  local ts = "(TIMESTAMP'2024-01-01 10:00:00', 1), (TIMESTAMP'2024-01-01 10:20:00', 2),"
    .. " (TIMESTAMP'2024-01-01 10:40:00', 4), (NULL, 8)"
  local df = spark:sql("SELECT ts, sum(v) OVER (ORDER BY ts DESC RANGE BETWEEN INTERVAL '30' MINUTE PRECEDING AND"
    .. " INTERVAL 10 MINUTES FOLLOWING) FROM VALUES " .. ts .. " AS t(ts, v) ORDER BY ts")
  t.same_table(t.rows(df), { "null|8", "2024-01-01 10:00:00|3", "2024-01-01 10:20:00|6", "2024-01-01 10:40:00|4" })
  t.eq(df.columns[2], "sum(v) OVER (ORDER BY ts DESC NULLS LAST RANGE BETWEEN INTERVAL '30' MINUTE PRECEDING AND"
    .. " INTERVAL '10' MINUTE FOLLOWING)")
  t.same_table(q("SELECT k, ts, max(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL 90 SECONDS PRECEDING"
    .. " AND INTERVAL 30 SECONDS FOLLOWING) FROM VALUES ('a', TIMESTAMP'2024-01-01 00:00:00', 1),"
    .. " ('a', TIMESTAMP'2024-01-01 00:01:00', 5), ('a', TIMESTAMP'2024-01-01 00:02:00', 3),"
    .. " ('b', TIMESTAMP'2024-01-01 00:00:30', 7) AS t(k, ts, v) ORDER BY k, ts"),
    { "a|2024-01-01 00:00:00|1", "a|2024-01-01 00:01:00|5", "a|2024-01-01 00:02:00|5", "b|2024-01-01 00:00:30|7" })
  -- a month back from 2024-03-30 is 2024-02-29; from 2024-02-29, 2024-01-29
  local month = "count(*) OVER (ORDER BY d RANGE BETWEEN INTERVAL 1 MONTH PRECEDING AND CURRENT ROW)"
  t.same_table(q("SELECT d, " .. month .. " FROM VALUES (DATE'2024-01-31'), (DATE'2024-02-29'), (DATE'2024-03-30')"
    .. " AS t(d) ORDER BY d"), { "2024-01-31|1", "2024-02-29|2", "2024-03-30|2" })
  t.same_table(q("SELECT ts, count(*) OVER (ORDER BY ts RANGE INTERVAL 1 HOUR PRECEDING) FROM VALUES"
    .. " (TIMESTAMP_NTZ'2024-01-01 00:00:00'), (TIMESTAMP_NTZ'2024-01-01 00:59:59'),"
    .. " (TIMESTAMP_NTZ'2024-01-01 02:00:00') AS t(ts) ORDER BY ts"),
    { "2024-01-01 00:00:00|1", "2024-01-01 00:59:59|2", "2024-01-01 02:00:00|1" })
  fails("SELECT count(*) OVER (ORDER BY d RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW) FROM VALUES"
    .. " (DATE'2024-01-01') AS t(d)", 'RANGE_FRAME_INVALID_TYPE] The data type "DATE"')
  fails("SELECT count(*) OVER (ORDER BY x RANGE BETWEEN INTERVAL 1 HOUR PRECEDING AND CURRENT ROW) FROM VALUES (1)"
    .. " AS t(x)", "RANGE_FRAME_INVALID_TYPE")
  fails("SELECT count(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL 2 HOURS FOLLOWING AND INTERVAL 1 HOUR FOLLOWING)"
    .. " FROM VALUES (TIMESTAMP'2024-01-01 00:00:00') AS t(ts)", "must be less than or equal to the upper bound")
end)

t.test("RANGE offsets and frames Spark refuses", function()
  fails("SELECT sum(x) OVER (ORDER BY x, x RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM VALUES (1) AS t(x)",
    "RANGE_FRAME_MULTI_ORDER")
  fails("SELECT count(*) OVER (ORDER BY s RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM VALUES ('a') AS t(s)",
    "SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE")
  fails("SELECT sum(x) OVER (RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM VALUES (1) AS t(x)",
    "RANGE_FRAME_WITHOUT_ORDER")
  fails("SELECT sum(x) OVER (ORDER BY x RANGE BETWEEN 3 FOLLOWING AND 1 FOLLOWING) FROM VALUES (1) AS t(x)",
    "The lower bound of a window frame must be less than or equal to the upper bound")
  fails("SELECT sum(x) OVER (ORDER BY x ROWS BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM VALUES (1) AS t(x)",
    "The lower bound of a window frame must be less than or equal to the upper bound")
end)

t.test("div(a, b) is a div b; 1.0E-8BD is a decimal of Spark's BigDecimal type", function()
  local text = "SELECT div(7, 2), div(7.9, 2), div(-7, 2), div(7, 0)"
  t.same_table(q(text), { "3|3|-3|null" })
  t.same_table(columns(text), { "(7 div 2)", "(7.9 div 2)", "(-7 div 2)", "(7 div 0)" })
  t.same_table(types(text), { "bigint", "bigint", "bigint", "bigint" })
  t.same_table(q("SELECT div FROM VALUES (5) AS t(div)"), { "5" }) -- (div names a column too)
  text = "SELECT 1.0E-8BD, 1E10BD, 1.5E2BD, 12.345E1BD, -1.0E-8BD, 1E+2BD, 1.23E-1BD"
  t.same_table(q(text), { "0.000000010|10000000000|150|123.45|-0.000000010|100|0.123" })
  t.same_table(columns(text), { "1.0E-8", "10000000000", "150", "123.45", "-1.0E-8", "100", "0.123" })
  t.same_table(types(text), { "decimal(9,9)", "decimal(11,0)", "decimal(3,0)", "decimal(5,2)", "decimal(9,9)",
    "decimal(3,0)", "decimal(3,3)" })
  t.same_table(q("SELECT CAST(1.0E-8BD AS string), CAST(1.0E-8BD AS double), 1.2E-1BD + 1"), { "1.0E-8|1.0E-8|1.12" })
  fails("SELECT 1E-40BD", "expected a number in the range of decimal(38)")
  -- (an exponent without BD is a double, as before)
  t.same_table(types("SELECT 1E2, 1.5e-1"), { "double", "double" })
end)

t.test("count(a, b) counts the rows where none is null; collect_list(DISTINCT x) and array_agg(DISTINCT x)", function()
  local text = "SELECT count(x, y), count(y, x, z) FROM VALUES (1, NULL, 1), (1, 2, 3), (NULL, NULL, 1) AS t(x, y, z)"
  t.same_table(q(text), { "1|1" })
  t.same_table(columns(text), { "count(x, y)", "count(y, x, z)" })
  t.same_table(types(text), { "bigint", "bigint" })
  t.same_table(q("SELECT g, count(x, y) FROM VALUES ('a', 1, NULL), ('a', 1, 2), ('b', NULL, 1) AS t(g, x, y)"
    .. " GROUP BY g ORDER BY g"), { "a|1", "b|0" })
  t.same_table(q("SELECT g, count(x, y) OVER (PARTITION BY g) FROM VALUES ('a', 1, NULL), ('a', 1, 2) AS t(g, x, y)"),
    { "a|1", "a|1" })
  text = "SELECT collect_list(DISTINCT x), array_agg(DISTINCT x), collect_set(DISTINCT x), collect_set(x)"
    .. " FROM VALUES (1), (1), (2), (NULL) AS t(x)"
  t.same_table(q(text), { "[1, 2]|[1, 2]|[1, 2]|[1, 2]" })
  t.same_table(columns(text), { "collect_list(DISTINCT x)", "collect_list(DISTINCT x)", "collect_set(DISTINCT x)",
    "collect_set(x)" })
  t.same_table(q("SELECT sort_array(collect_list(DISTINCT x)) FROM VALUES (3), (1), (3), (2) AS t(x)"), { "[1, 2, 3]" })
end)

t.test("stddev, variance and their _pop and _samp forms over windows: Spark's digits", function()
  local text = "SELECT g, x, stddev(x) OVER (PARTITION BY g), stddev_pop(x) OVER (PARTITION BY g), variance(x) OVER"
    .. " (PARTITION BY g), var_pop(x) OVER (PARTITION BY g) FROM VALUES ('a', 1), ('a', 2), ('a', 4), ('b', 5)"
    .. " AS t(g, x) ORDER BY g, x"
  local a = "1.5275252316519465|1.247219128924647|2.333333333333333|1.5555555555555554"
  t.same_table(q(text), { "a|1|" .. a, "a|2|" .. a, "a|4|" .. a, "b|5|null|0.0|null|0.0" })
  t.same_table(columns(text), { "g", "x",
    "stddev(x) OVER (PARTITION BY g ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
    "stddev_pop(x) OVER (PARTITION BY g ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
    "variance(x) OVER (PARTITION BY g ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
    "var_pop(x) OVER (PARTITION BY g ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)" })
  t.same_table(types(text), { "string", "int", "double", "double", "double", "double" })
  t.same_table(q("SELECT x, std(x) OVER (ORDER BY x), stddev_samp(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND"
    .. " CURRENT ROW), var_samp(x) OVER (ORDER BY x) FROM VALUES (1.5D), (2.0D), (4.0D) AS t(x) ORDER BY x"),
    { "1.5|null|null|null", "2.0|0.3535533905932738|0.3535533905932738|0.125",
      "4.0|1.3228756555322954|1.4142135623730951|1.75" })
  t.same_table(q("SELECT x, stddev(x) OVER (ORDER BY x) FROM VALUES (CAST(1.5 AS DECIMAL(3,1))), (2.0), (4.0) AS t(x)"
    .. " ORDER BY x"), { "1.5|null", "2.0|0.3535533905932738", "4.0|1.3228756555322954" })
  t.same_table(q("SELECT x, stddev(x) OVER (ORDER BY x) FROM VALUES (1), (2), (4) AS t(x) ORDER BY x"),
    { "1|null", "2|0.7071067811865476", "4|1.5275252316519465" })
  t.same_table(q("SELECT s, stddev(s) OVER () FROM VALUES ('1'), ('3') AS t(s)"),
    { "1|1.4142135623730951", "3|1.4142135623730951" })
  t.has(t.raises(function() spark:sql("SELECT stddev(b) OVER () FROM VALUES (true) AS t(b)") end),
    "the column b is boolean, which stddev cannot take")
end)

t.test("subscripts that are expressions: a[NULL], m[NULL], m[array(1, 2)], a[i + 1]", function()
  local text = "SELECT array(10, 20)[NULL], map('a', 1)[NULL], map(array(1, 2), 'x')[array(1, 2)],"
    .. " map(array(1, 2), 'x')[array(1, 3)]"
  t.same_table(q(text), { "null|null|x|null" })
  t.same_table(columns(text), { "array(10, 20)[NULL]", "map(a, 1)[NULL]", "map(array(1, 2), x)[array(1, 2)]",
    "map(array(1, 2), x)[array(1, 3)]" })
  t.same_table(types(text), { "int", "int", "string", "string" })
  text = "SELECT a[i], m[k], a[i + 1] FROM VALUES (array(10, 20, 30), 1, map('x', 5), 'x'), (array(1), 3, map('y', 6),"
    .. " 'z') AS t(a, i, m, k)"
  t.same_table(q(text), { "20|5|30", "null|null|null" })
  t.same_table(columns(text), { "a[i]", "m[k]", "a[(i + 1)]" })
  t.same_table(q("SELECT array(10, 20)[-1], array(10, 20)[5], array(10, 20)[CAST(1 AS BIGINT)]"), { "null|null|20" })
  fails("SELECT array(10, 20)[1.5]", "the index 1.5 is decimal(2,1), not an integral type")
end)

t.test("a bare NULL where Spark's function takes an array or a map is a NULL one (size(NULL) is -1)", function()
  t.same_table(q("SELECT size(NULL), cardinality(NULL), array_size(NULL)"), { "-1|-1|null" })
  local text = "SELECT slice(NULL, 1, 1), sort_array(NULL), array_join(NULL, ','), arrays_zip(NULL), map_values(NULL),"
    .. " map_keys(NULL), array_compact(NULL), array_distinct(NULL), array_max(NULL), shuffle(NULL),"
    .. " map_entries(NULL), arrays_zip(array(1), NULL), from_json(NULL, 'a INT')"
  t.same_table(q(text), { "null|null|null|null|null|null|null|null|null|null|null|null|null" })
  t.same_table(q("SELECT typeof(slice(NULL, 1, 1)), typeof(array_join(NULL, ',')), typeof(arrays_zip(NULL)),"
    .. " typeof(map_values(NULL)), typeof(array_compact(NULL)), typeof(sort_array(NULL)), typeof(array_max(NULL)),"
    .. " typeof(map_entries(NULL)), typeof(arrays_zip(array(1), NULL)), typeof(from_json(NULL, 'a INT'))"),
    { "array<void>|string|array<struct<0:void>>|array<void>|array<void>|array<void>|void|"
      .. "array<struct<key:void,value:void>>|array<struct<0:int,1:void>>|struct<a:int>" })
  t.same_table(columns("SELECT slice(NULL, 1, 1), array_join(NULL, ','), from_json(NULL, 'a INT')"),
    { "slice(NULL, 1, 1)", "array_join(NULL, ,)", "from_json(NULL)" })
  t.eq(spark:sql("SELECT from_json(NULL, 'a INT') AS j").schema.fields[1].dataType, T.struct { T.field("a", T.int) })
  -- where Spark refuses the NULL, tide does too
  fails("SELECT array_contains(NULL, 1)", "[DATATYPE_MISMATCH.NULL_TYPE] Null typed values cannot be used as arguments")
  fails("SELECT flatten(NULL)", "flatten needs an array, not void")
  fails("SELECT element_at(NULL, 1)", "element_at needs an array, not void")
  fails("SELECT map_contains_key(map('a', 1), NULL)",
    "Null typed values cannot be used as arguments of map_contains_key")
end)

t.test("a boolean equal to a number: true = 1 is true, b = 0 is NOT b, as Spark's BooleanEquality", function()
  local text = "SELECT true = 1, true = 0, false = 0, true = 2, 1 = true, true <=> 1, true != 1, true = 1.0, true = 1L,"
    .. " true = 1.5D, true = 1.0D"
  t.same_table(q(text), { "true|false|true|false|true|true|false|true|true|false|true" })
  t.same_table(columns(text), { "true", "(NOT true)", "(NOT false)", "(true = 2)", "true",
    "((true IS NOT NULL) AND true)", "(NOT true)", "true", "true", "(true = 1.5)", "true" })
  text = "SELECT b, b = 1, b = 0, b = 2, b <=> 1, 2 = b FROM VALUES (true), (false), (NULL) AS t(b)"
  t.same_table(q(text), { "true|true|false|false|true|false", "false|false|true|false|false|false",
    "null|null|null|null|false|null" })
  t.same_table(columns(text), { "b", "b", "(NOT b)", "(b = 2)", "((b IS NOT NULL) AND b)", "(2 = b)" })
  t.same_table(q("SELECT b = i, i = b FROM VALUES (true, 1), (true, 2), (false, 0), (NULL, 1) AS t(b, i)"),
    { "true|true", "false|false", "true|true", "null|null" })
  t.same_table(q("SELECT b FROM VALUES (true), (false) AS t(b) WHERE b = 1"), { "true" })
  fails("SELECT true < 1", "cannot compare boolean and int")
end)

t.test("greatest and least of arrays and structs: Spark's ordering, NULLs skipped", function()
  local text = "SELECT greatest(array(1, 2), array(1, 3)), least(array(1, 2), array(1)), greatest(array(1, NULL),"
    .. " array(1, 2)), greatest(array(1), NULL)"
  t.same_table(q(text), { "[1, 3]|[1]|[1, 2]|[1]" })
  t.same_table(columns(text), { "greatest(array(1, 2), array(1, 3))", "least(array(1, 2), array(1))",
    "greatest(array(1, NULL), array(1, 2))", "greatest(array(1), NULL)" })
  t.same_table(q("SELECT greatest(array(1, 2), array(1.5)), least(array('b'), array('a', 'z'))"), { "[1.5]|[a, z]" })
  t.same_table(types("SELECT greatest(array(1, 2), array(1.5))"), { "array<decimal(11,1)>" })
  t.same_table(q("SELECT greatest(named_struct('a', 1), named_struct('a', 2)), least(array(array(1)),"
    .. " array(array(0, 5)))"), { "{2}|[[0, 5]]" })
  t.same_table(q("SELECT greatest(x, y), least(x, y) FROM VALUES (array(1, 2), array(1, 2, 0)), (array(3), NULL)"
    .. " AS t(x, y)"), { "[1, 2, 0]|[1, 2]", "[3]|[3]" })
  fails("SELECT greatest(array(1), 'a')", "the arguments of greatest must share a type")
end)

t.run()
