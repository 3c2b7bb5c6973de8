-- Statements Spark 3.5 refuses at analysis, which tide refuses too (with
-- Spark's error class and wording), and their neighbours Spark accepts:
-- div of non-integral operands, hash of a map, untyped NULLs where a map,
-- a boolean condition, a string or a typed value is needed. Each expected
-- error was checked in Spark 3.5.3; and a few statements Spark runs that
-- tide refused.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function value(sql) return spark:sql(sql):collect()[1][1] end

-- Each statement raises an error holding each text.
local function refused(cases)
  for _, c in ipairs(cases) do
    local err = t.raises(function() spark:sql(c[1]):collect() end)
    for i = 2, #c do t.has(err, c[i]) end
  end
end

local DIFF = "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] the left and right operands of the binary operator have"
  .. " incompatible types"
local WRONG = '[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE] the binary operator requires the input type ("BIGINT" or'
  .. ' "DECIMAL" or "INTERVAL YEAR TO MONTH" or "INTERVAL DAY TO SECOND")'

t.test("div: doubles, floats and strings are refused as Spark's IntegralDivide refuses them", function()
  refused({
    { "SELECT 7.5D div 2", "'(7.5 div 2)'", DIFF, '("DOUBLE" and "BIGINT")' },
    { "SELECT 7.0D div 0", '("DOUBLE" and "BIGINT")' },
    { "SELECT 7 div 2D", '("BIGINT" and "DOUBLE")' },
    { "SELECT '10' div 3", "'(10 div 3)'", '("DOUBLE" and "BIGINT")' },
    { "SELECT 10L div '3'", '("BIGINT" and "DOUBLE")' },
    { "SELECT CAST(1.5 AS FLOAT) div 3", '("FLOAT" and "BIGINT")' },
    { "SELECT CAST(1 AS FLOAT) div 2D", '("FLOAT" and "DOUBLE")' },
    { "SELECT CAST(7 AS TINYINT) div 2D", '("BIGINT" and "DOUBLE")' },
    { "SELECT NULL div 2D", '("VOID" and "DOUBLE")' },
    { "SELECT '10' div NULL", '("DOUBLE" and "VOID")' },
    { "SELECT 7.5D div 2D", WRONG, 'not "DOUBLE"' },
    { "SELECT '10' div '3'", WRONG, 'not "DOUBLE"' },
    { "SELECT 7.5D div 2.5", WRONG, 'not "DOUBLE"' },
    { "SELECT '10' div 2.5", WRONG, 'not "DOUBLE"' },
    { "SELECT CAST(1.5 AS FLOAT) div CAST(1 AS FLOAT)", WRONG, 'not "FLOAT"' },
  })
  local df = spark:range(1)
  t.has(t.raises(function() df:select(F.expr("7.5D div 2")):collect() end), DIFF)
end)

t.test("div: integral types, decimals and NULLs beside them are divided", function()
  t.eq(value("SELECT 7 div 2"), 3)
  t.eq(value("SELECT 7.5 div 2"), 3)
  t.eq(value("SELECT 7.5 div 2.5"), 3)
  t.eq(value("SELECT 7 div 2.5"), 2)
  t.eq(value("SELECT CAST(7 AS TINYINT) div CAST(2 AS SMALLINT)"), 3)
  t.eq(value("SELECT NULL div 2"), nil)
  t.eq(value("SELECT 7 div NULL"), nil)
  t.eq(value("SELECT NULL div NULL"), nil)
end)

local HASH_MAP = '[DATATYPE_MISMATCH.HASH_MAP_TYPE] Input to the function `%s` cannot contain elements of the'
  .. ' "MAP" type'

t.test("hash, xxhash64: a map, even nested or a typed NULL, is refused", function()
  refused({
    { "SELECT hash(map('a', 1))", "'hash(map(a, 1))'", HASH_MAP:format("hash") },
    { "SELECT xxhash64(map('a', 1))", HASH_MAP:format("xxhash64") },
    { "SELECT hash(array(map('a', 1)))", HASH_MAP:format("hash") },
    { "SELECT hash(named_struct('a', array(map(1, 2))))", HASH_MAP:format("hash") },
    { "SELECT hash(1, map('a', 1))", HASH_MAP:format("hash") },
    { "SELECT xxhash64(1, CAST(NULL AS MAP<INT,INT>))", HASH_MAP:format("xxhash64") },
  })
  local df = spark:range(1)
  t.has(t.raises(function() df:select(F.hash(F.create_map(F.lit(1), F.lit(2)))):collect() end),
    HASH_MAP:format("hash"))
  -- (what Spark hashes: its values for these)
  t.eq(value("SELECT hash(NULL)"), 42)
  t.eq(value("SELECT hash(array(1, 2))"), -222940379)
  t.eq(value("SELECT hash(named_struct('a', 1))"), -559580957)
  t.eq(value("SELECT hash(x'01')"), -386724586)
end)

t.test("map_concat: an untyped NULL is refused, a NULL map gives NULL", function()
  local DIFF_MAPS = "[DATATYPE_MISMATCH.MAP_CONCAT_DIFF_TYPES] The `map_concat` should all be of type map, but it's"
  refused({
    { "SELECT map_concat(map(1, 'a'), NULL)", "'map_concat(map(1, a), NULL)'", DIFF_MAPS,
      '["MAP<INT, STRING>", "VOID"]' },
    { "SELECT map_concat(NULL, map(1, 'a'))", '["VOID", "MAP<INT, STRING>"]' },
    { "SELECT map_concat(NULL)", '["VOID"]' },
  })
  t.has(t.raises(function()
    spark:range(1):select(F.map_concat(F.create_map(F.lit(1), F.lit(2)), F.lit(nil))):collect()
  end), '["MAP<INT, INT>", "VOID"]')
  t.eq(value("SELECT map_concat(map(1, 'a'), CAST(NULL AS MAP<INT,STRING>))"), nil)
  t.eq(value("SELECT map_concat(map(1, 'a'), map())")[1], "a")
end)

t.test("CASE WHEN: a NULL or string condition is refused; IF(NULL, ...) is not", function()
  local UNEXPECTED = '[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Parameter %d requires the "BOOLEAN" type, however'
    .. ' "%s" has the type "%s"'
  refused({
    { "SELECT CASE WHEN NULL THEN 1 ELSE 2 END", "'CASE WHEN NULL THEN 1 ELSE 2 END'",
      UNEXPECTED:format(1, "NULL", "VOID") },
    { "SELECT CASE WHEN true THEN 1 WHEN NULL THEN 3 ELSE 2 END", UNEXPECTED:format(2, "NULL", "VOID") },
    { "SELECT CASE WHEN 'true' THEN 1 ELSE 2 END", UNEXPECTED:format(1, "true", "STRING") },
  })
  t.has(t.raises(function()
    spark:range(1):select(F.when(F.lit(nil), 1):otherwise(2)):collect()
  end), UNEXPECTED:format(1, "NULL", "VOID"))
  t.eq(value("SELECT CASE NULL WHEN NULL THEN 'n' ELSE 'e' END"), "e")
  t.eq(value("SELECT CASE WHEN CAST(NULL AS BOOLEAN) THEN 1 ELSE 2 END"), 2)
  t.eq(value("SELECT IF(NULL, 1, 2)"), 2)
end)

t.test("json_tuple: an untyped NULL argument is refused, a string NULL is not", function()
  local NON_STRING = "[DATATYPE_MISMATCH.NON_STRING_TYPE] json_tuple requires that all arguments are strings"
  refused({
    { "SELECT json_tuple(NULL, 'a')", "'json_tuple(NULL, a)'", NON_STRING },
    { [[SELECT json_tuple('{"a":"x"}', NULL, 'a')]], NON_STRING },
    { [[SELECT json_tuple('{"a":"x"}', 1)]], NON_STRING },
  })
  t.eq(value("SELECT json_tuple(CAST(NULL AS STRING), 'a')"), nil)
  t.eq(value([[SELECT json_tuple('{"a":"x"}', 'a')]]), "x")
end)

t.test("array_contains: an untyped NULL is refused, a typed one gives NULL", function()
  local NULL_TYPE = "[DATATYPE_MISMATCH.NULL_TYPE] Null typed values cannot be used as arguments of `array_contains`"
  refused({
    { "SELECT array_contains(array('a'), NULL)", "'array_contains(array(a), NULL)'", NULL_TYPE },
    { "SELECT array_contains(NULL, 'a')", NULL_TYPE },
    { "SELECT array_contains(array(NULL), NULL)", NULL_TYPE },
  })
  t.has(t.raises(function() spark:range(1):select(F.array_contains(F.array(F.lit(1)), nil)):collect() end),
    NULL_TYPE)
  t.eq(value("SELECT array_contains(array('a'), CAST(NULL AS STRING))"), nil)
  t.eq(value("SELECT array_contains(array(1), 1.5)"), false)
end)

t.test("what Spark runs: intervals div intervals, count_if and bool_and of NULL, map_concat()", function()
  -- (the expected values are Spark 3.5.3's)
  local df = spark:sql("SELECT INTERVAL '3' DAY div INTERVAL '1' DAY, INTERVAL '5' MONTH div INTERVAL '2' MONTH AS m,"
    .. " INTERVAL '-7' HOUR div INTERVAL '2' HOUR AS h, INTERVAL '25' HOUR div INTERVAL '1' DAY AS d,"
    .. " INTERVAL '1' DAY div INTERVAL '0' DAY AS z")
  t.eq(df.schema:simpleString(), "struct<(INTERVAL '3' DAY div INTERVAL '1' DAY):bigint,m:bigint,h:bigint,d:bigint,"
    .. "z:bigint>")
  t.same_table(t.rows(df), { "3|2|-3|1|null" })
  refused({
    { "SELECT INTERVAL '1' MONTH div INTERVAL '1' DAY", DIFF, '("INTERVAL MONTH" and "INTERVAL DAY")' },
    { "SELECT INTERVAL '1' DAY div 2", DIFF, '("INTERVAL DAY" and "BIGINT")' },
    { "SELECT true div true", WRONG, 'not "BOOLEAN"' },
  })
  df = spark:sql("SELECT count_if(NULL), bool_and(NULL), bool_or(NULL)")
  t.eq(df.schema:simpleString(), "struct<count_if(NULL):bigint,bool_and(NULL):boolean,bool_or(NULL):boolean>")
  t.same_table(t.rows(df), { "0|null|null" })
  t.same_table(t.rows(spark:sql("SELECT count_if(x), every(x) FROM VALUES (NULL), (NULL) AS t(x)")), { "0|null" })
  df = spark:sql("SELECT map_concat() AS m FROM VALUES (1), (2) AS t(x)")
  t.eq(df.schema:simpleString(), "struct<m:map<string,string>>")
  t.same_table(t.rows(df), { "{}", "{}" })
end)

t.run()
