SELECT 'it''s' AS r
SELECT 'a' 'b' AS r
SELECT "dq" AS r
SELECT 'tab\there' AS r
SELECT 'back\\slash' AS r
SELECT '\u0041\u00e9' AS r
SELECT 'nl\nx' AS r
SELECT 'q\'s' AS r
SELECT '%\_' AS r
SELECT `weird name`.x FROM (SELECT 1 AS x) AS `weird name`
SELECT 1 AS `a b`, 2 AS `c``d`
SELECT 1 /* comment */ + 2 AS r
SELECT 1 + 2 -- trailing comment
SELECT 1 AS x, 2 AS X
SELECT 1e0, 1E10, 1.5e-3, .5, 5., 0x10 AS r
SELECT 1.0, 1.00, 100.0, 0.000001, 123456789012345678901234567890.5
SELECT 10000000000, 2147483648, -2147483648, 9223372036854775807, 9223372036854775808
SELECT 1Y + 1Y, 1S, 1L, 1.5BD, 1.5F, 1.5D
SELECT -0.0, -0.0D, 0.0D * -1, -0.0F, CAST('-0.0' AS DOUBLE), CAST(-0.0D AS STRING)
SELECT 1e-4D, 1e-3D, 0.001D, 12345678.0D, 123456789.0D, 1.0E7D, 9999999.999D
SELECT CAST(1e-4 AS FLOAT), CAST(0.001 AS FLOAT), CAST(1e7 AS FLOAT), CAST(9999999 AS FLOAT), CAST(12345678 AS FLOAT)
SELECT array(1.0D, 1e7D, 1e-4D, CAST('NaN' AS DOUBLE)), map(1.5D, 1e20D), named_struct('f', CAST(0.1 AS FLOAT))
SELECT array(CAST(1.50 AS DECIMAL(5,2)), CAST(0 AS DECIMAL(5,2))), array(0.1BD)
SELECT array(TIMESTAMP'2024-01-01 10:00:00.5', TIMESTAMP'1960-01-01 00:00:00'), map(DATE'2024-01-01', true)
SELECT array(X'0102', X''), array(array(), array(NULL)), array(map('a', array(1)))
SELECT TIMESTAMP'2024-01-01 10:00:00.100', TIMESTAMP'2024-01-01 10:00:00.000001', TIMESTAMP'1969-12-31 23:59:59.999999', TIMESTAMP'1900-01-01 00:00:00.5'
SELECT CAST('1960-01-01 00:00:00.123' AS TIMESTAMP), CAST(-86400.5 AS TIMESTAMP), CAST(TIMESTAMP'1960-01-01 00:00:00.5' AS DOUBLE), CAST(TIMESTAMP'1960-01-01 00:00:00.5' AS BIGINT)
SELECT date_format(TIMESTAMP'1960-01-01 00:00:00.5', 'yyyy-MM-dd HH:mm:ss.SSS'), unix_timestamp(TIMESTAMP'1960-01-01 00:00:00.5'), hour(TIMESTAMP'1960-01-01 23:00:00')
SELECT year(DATE'0001-01-01'), dayofweek(DATE'0001-01-01'), date_add(DATE'0001-01-01', -1), date_format(DATE'0001-01-01', 'EEEE')
SELECT DATE'2100-02-28' + 1, DATE'2000-02-28' + 1, weekofyear(DATE'2100-01-01'), last_day(DATE'2100-02-01'), last_day(DATE'2000-02-01')
SELECT CAST(DATE'1582-10-04' AS STRING), date_add(DATE'1582-10-04', 1), datediff(DATE'1582-10-15', DATE'1582-10-04'), dayofweek(DATE'1582-10-04')
SELECT from_unixtime(-62135596800), from_unixtime(-62135596801), to_timestamp(-62135596800), from_unixtime(32503680000)
SELECT date_trunc('MONTH', TIMESTAMP'1969-12-31 23:59:59'), date_trunc('HOUR', TIMESTAMP'1969-12-31 23:59:59.999'), date_trunc('SECOND', TIMESTAMP'1969-12-31 23:59:59.999')
SELECT date_trunc('WEEK', TIMESTAMP'1970-01-01 00:00:00'), date_trunc('QUARTER', TIMESTAMP'1969-11-15 00:00:00'), trunc(DATE'1969-12-31', 'WEEK')
SELECT to_timestamp('1960-01-01 00:00:00'), to_date('1960-01-01'), unix_timestamp('1960-01-01 00:00:00'), from_unixtime(-315619200, 'EEE MMM d yyyy')
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09', 'hh:mm a'), date_format(TIMESTAMP'2024-03-05 12:00:00', 'hh a'), date_format(TIMESTAMP'2024-03-05 00:00:00', 'KK a kk')
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09', 'EEEEE'), date_format(TIMESTAMP'2024-03-05 07:08:09', 'MMMMM')
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09', 'yyyyMMddHHmmss'), date_format(TIMESTAMP'2024-03-05 07:08:09', 'dd/MM/yy'), date_format(TIMESTAMP'2024-03-05 07:08:09', 'D')
SELECT date_format(TIMESTAMP'2024-12-31 07:08:09', 'D DD DDD'), date_format(TIMESTAMP'2024-01-09 07:08:09', 'D DD DDD')
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09', 'X'), date_format(TIMESTAMP'2024-03-05 07:08:09', 'XX'), date_format(TIMESTAMP'2024-03-05 07:08:09', 'Z'), date_format(TIMESTAMP'2024-03-05 07:08:09', 'x')
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09', 'yyyy-MM-dd''T''HH:mm:ss') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09', 'yyyy-MM-dd\'T\'HH:mm:ss') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09', '''''') AS r
SELECT to_date('2024-03-05T10:00', 'yyyy-MM-dd\'T\'HH:mm') AS r
SELECT to_timestamp('2024-03-05 10:11:12.123456789') AS r
SELECT to_timestamp('2024-03-05 10:11:12.1', 'yyyy-MM-dd HH:mm:ss.SSS') AS r
SELECT to_timestamp('2024-03-05 10', 'yyyy-MM-dd HH') AS r
SELECT to_timestamp('2024-03-05', 'yyyy-MM-dd') AS r
SELECT to_timestamp('12:34:56', 'HH:mm:ss') AS r
SELECT to_date('2024', 'yyyy'), to_date('2024-03', 'yyyy-MM'), to_date('03-2024', 'MM-yyyy')
SELECT to_date('Tue 2024-03-05', 'EEE yyyy-MM-dd') AS r
SELECT to_date('2024-03-05 junk', 'yyyy-MM-dd') AS r
SELECT to_date('2024-02-30', 'yyyy-MM-dd') AS r
SELECT to_date(' 2024-03-05', 'yyyy-MM-dd') AS r
SELECT to_timestamp('2024-03-05 10:11:12.123Z', 'yyyy-MM-dd HH:mm:ss.SSSX') AS r
SELECT to_timestamp('2024-03-05 10:11:12 -08:00', 'yyyy-MM-dd HH:mm:ss XXX') AS r
SELECT unix_timestamp('20240305', 'yyyyMMdd'), unix_timestamp('2024-03-05 10:11:12.999'), unix_timestamp('1969-12-31 23:59:59')
SELECT from_unixtime(1709633472, 'yyyy-MM-dd HH:mm:ss.SSS'), from_unixtime(1709633472, 'EEEE, MMMM d, yyyy h:mm a'), from_unixtime(1709633472, 'bogus q')
SELECT CAST(1709633472 AS TIMESTAMP), CAST(1709633472.123456789 AS TIMESTAMP), CAST(CAST(1709633472 AS TIMESTAMP) AS BIGINT)
SELECT CAST('2024-03-05' AS TIMESTAMP) < CAST('2024-03-05 00:00:01' AS TIMESTAMP), TIMESTAMP'2024-03-05 00:00:00' = DATE'2024-03-05'
SELECT months_between(DATE'2024-01-31', DATE'2024-01-01'), months_between(DATE'2024-05-31', DATE'2024-02-29'), months_between(TIMESTAMP'2024-03-01 00:00:00', TIMESTAMP'2024-01-31 23:59:59')
SELECT months_between(DATE'1969-01-01', DATE'1970-07-15'), months_between(DATE'2024-03-15', DATE'2024-03-15'), months_between(NULL, DATE'2024-01-01')
SELECT add_months(DATE'2024-03-31', -1), add_months(DATE'0001-01-31', -1), add_months(DATE'9999-12-31', 1), add_months(DATE'2024-01-31', 2147483647)
SELECT next_day(DATE'2024-03-09', 'Sat'), next_day(DATE'2024-03-09', 'SU'), next_day(DATE'2024-03-09', 'friday'), next_day(NULL, 'mon'), next_day(DATE'2024-03-09', NULL)
SELECT weekofyear('2024-12-30'), weekofyear('2024-12-29'), weekofyear('2027-01-01'), weekofyear('2021-01-04'), weekofyear(NULL)
SELECT extract(WEEK FROM DATE'2021-01-01'), extract(QUARTER FROM DATE'2024-12-31'), extract(MONTH FROM TIMESTAMP'2024-12-31 23:00:00'), extract(HOUR FROM TIMESTAMP'2024-12-31 23:00:00')
SELECT extract(MINUTE FROM TIMESTAMP'2024-12-31 23:59:00'), extract(DAY FROM DATE'2024-02-29'), extract(YEAR FROM TIMESTAMP'0001-01-01 00:00:00'), extract(EPOCH FROM TIMESTAMP'1970-01-02 00:00:00.5')
SELECT date_part('SECONDS', TIMESTAMP'2024-01-01 00:00:07.25'), date_part('D', DATE'2024-01-05'), date_part('MON', DATE'2024-04-05'), date_part('Y', DATE'2024-04-05')
SELECT make_date(2024, 2, 30), make_date(0, 1, 1), make_date(10000, 1, 1), make_timestamp(2024, 2, 30, 0, 0, 0), make_timestamp(2024, 1, 1, 0, 0, -1)
SELECT make_timestamp(1969, 12, 31, 23, 59, 59.999999), make_timestamp(1, 1, 1, 0, 0, 0), make_timestamp(2024, 1, 1, 24, 0, 0)
SELECT date_from_unix_date(0), date_from_unix_date(2932896), unix_date(DATE'2024-03-05'), timestamp_millis(1709633472123), timestamp_micros(-1)
SELECT trunc(TIMESTAMP'2024-05-17 13:45:30', 'MONTH'), trunc(DATE'2024-02-29', 'YY'), trunc(NULL, 'MM'), trunc(DATE'2024-02-29', NULL)
SELECT dayofweek('2024-03-05 25:00:00'), month('2024-13-01'), year('bad'), year(''), hour('10:11:12')
SELECT substring('hello', 2147483647), substring('hello', -2147483648, 3), substring('hello', 1, 2147483647), substr('hello', 0), substr('', 1, 1)
SELECT substring(NULL, 1, 2), substring('abc', NULL, 1), substring('abc', 1, NULL), substring(X'010203', 2, 1)
SELECT left('abc', NULL), right(NULL, 1), left('hello', 10), right('hello', 10), right('hello', -1)
SELECT lpad('abc', 0, 'x'), rpad('abc', 0, 'x'), lpad('', 3, 'xy'), rpad('', 3, ''), lpad('abc', 5, NULL), rpad('a', 4, 'éü')
SELECT lpad(X'01', 3, X'00'), rpad(X'01', 3, X'FF')
SELECT repeat('', 5), repeat(NULL, 2), repeat('x', NULL), space(NULL)
SELECT split('a1b2c3', '\\d'), split('a.b', '\\.'), split('  a  b ', '\\s+'), split('abc', 'b', 1), split('a,b,c', ',', 10), split('a,b', ',', -5)
SELECT split('aXbXc', 'x'), split('a,b', NULL), split('héllo wörld', 'ö'), split('a', 'a'), split('aaa', 'a'), split('aaa', 'a', -1)
SELECT regexp_extract('abc', 'b', 0), regexp_extract('abc', '(a)(b)?(x)?', 3), regexp_extract(NULL, 'a', 0), regexp_extract('abc', NULL, 0), regexp_extract('aaa', 'a', 0)
SELECT regexp_extract('abc', '(a)', 2) AS r
SELECT regexp_extract('abc', '[', 0) AS r
SELECT regexp_replace('abc', '(b)', '[$1]'), regexp_replace('abc', 'b', '\\\\'), regexp_replace('a b c', ' ', ''), regexp_replace('ABC', '(?i)b', 'x'), regexp_replace(NULL, 'a', 'b')
SELECT regexp_replace('abc', 'b', '$2') AS r
SELECT regexp_replace('aaa', '^a', 'b'), regexp_replace('a\nb', '.', 'x'), regexp_replace('abc', '[ac]', ''), regexp_replace('2024-03-05', '(\\d+)-(\\d+)-(\\d+)', '$3/$2/$1')
SELECT regexp_extract_all('abc', '(x)', 1), regexp_extract_all('a1b2', '([a-z])([0-9])', 2), regexp_extract_all(NULL, 'a', 0)
SELECT 'abc' rlike 'a.c', 'ABC' rlike 'abc', 'a\nc' rlike 'a.c', 'abc' rlike '^b', 'xabcx' rlike 'abc', 'abc' rlike '[[:alpha:]]+'
SELECT 'abc' rlike '\\p{Alpha}+', 'é' rlike '\\w', 'a1' rlike '\\d$', 'ab' rlike 'a{1,2}b'
SELECT 'a_c' LIKE 'a\\_c', 'a\\c' LIKE 'a\\\\c', 'a%' LIKE '%\\%', 'abc' LIKE '%', 'ABC' ILIKE '_b_', 'ß' ILIKE 'SS'
SELECT 'a%c' LIKE 'a/%c' ESCAPE '/' AS r
SELECT 'abc' LIKE 'a\\' AS r
SELECT 'a\\' LIKE 'a\\\\' AS r
SELECT initcap('ABC DEF'), initcap('a-b c_d e.f'), initcap('1abc 2DEF'), initcap('  x'), initcap(NULL), initcap('élan vital')
SELECT initcap('hello\tworld'), initcap('hello\nworld'), initcap('o''neil') AS r
SELECT upper(NULL), lower(''), upper('ﬁ'), lower('ΣΑΣ'), upper('ı')
SELECT translate('hello', 'el', 'ip'), translate('hello', 'l', ''), translate('héllo', 'é', 'e'), translate('abc', 'aa', 'xy'), translate('abc', 'a', NULL)
SELECT format_string('%d', NULL), format_string('%s', NULL), format_string(NULL, 1), format_string('%5s|%-5s|', NULL, 'x'), format_string('%.2f', NULL)
SELECT format_string('%.2f', 2.675), format_string('%.2f', 2.675D), format_string('%.0f', 0.5D), format_string('%.0f', 1.5D), format_string('%.1f', 0.05D), format_string('%.3e', 123456.0D)
SELECT format_string('%08.2f', -1.5D), format_string('%+d', 5), format_string('% d', 5), format_string('%(d', -5), format_string('%#x', 255), format_string('%o', -8)
SELECT format_string('%s %s', 'a') AS r
SELECT format_string('%d', 'x') AS r
SELECT format_string('%10.4s|', 'abcdefg'), format_string('%-10d|', -42), format_string('%x', -1), format_string('%X', 3000000000L), format_string('%e', 0.0D)
SELECT format_string('%g', 123456789.0D), format_string('%g', 0.00001234D), format_string('%a', 1.0D), format_string('%.10f', 1.0D/3)
SELECT format_string('%S', 'abc'), format_string('%c', 'a'), format_string('%n') AS r
SELECT format_string('%tY', DATE'2024-03-05') AS r
SELECT format_string('%s', DATE'2024-03-05'), format_string('%s', TIMESTAMP'2024-03-05 10:00:00'), format_string('%s', true), format_string('%s', X'01')
SELECT format_number(0, 2), format_number(-1234.5, 1), format_number(1234.5, 0), format_number(0.5, 0), format_number(1.5, 0), format_number(-0.5D, 0)
SELECT format_number(123456789012345.678, 2), format_number(CAST(1 AS DECIMAL(38,18)), 3), format_number(1e-10, 3), format_number(CAST('NaN' AS DOUBLE), 2), format_number(CAST('Infinity' AS DOUBLE), 1)
SELECT format_number(1234.5678, '#,##0.00'), format_number(1234.5678, '0.0'), format_number(0.5, '0%'), format_number(1234.5, ''), format_number(-1234.5, '#,###')
SELECT format_number(12345, 5), format_number(CAST(12345 AS BIGINT), 0), format_number(CAST(1.5 AS FLOAT), 3), format_number(9999999999999999L, 0)
SELECT concat_ws(',', NULL), concat_ws(',', array(NULL)), concat_ws('-', 'a', array('b', 'c'), NULL, array()), concat_ws(',', 1, 2) AS r
SELECT concat_ws(',', CAST(NULL AS ARRAY<STRING>), 'a') AS r
SELECT concat(1, 2), concat('a', 1.5), concat(DATE'2024-01-01', 'x'), concat(true, 'x'), concat(X'01', X'02')
SELECT locate('', ''), locate('a', ''), locate('', 'abc', 2), locate('', 'abc', 10), locate('b', 'abcb', -1), locate('é', 'aéb')
SELECT instr(NULL, 'a'), instr('abc', NULL), instr('ééé', 'é'), instr('abcabc', 'ca')
SELECT levenshtein('', ''), levenshtein('a', ''), levenshtein('héllo', 'hello'), levenshtein('abc', 'ABC'), levenshtein('kitten', 'sitting', 0)
SELECT soundex('a'), soundex('Lloyd'), soundex('Honeyman'), soundex('Jackson'), soundex('é'), soundex('a1b'), soundex(NULL)
SELECT soundex('Gutierrez'), soundex('Lee'), soundex('  Robert'), soundex('VanDeusen'), soundex('Washington')
SELECT base64(X''), base64(X'00'), base64(X'0000'), base64(X'000000'), base64(CAST(repeat('a', 60) AS BINARY))
SELECT unbase64('YQ'), unbase64('YQ=='), unbase64(''), unbase64(NULL), unbase64('Y Q = =')
SELECT encode('abc', 'utf-8'), encode(NULL, 'UTF-8'), decode(X'E282AC', 'UTF-8'), decode(X'FF', 'UTF-8'), decode(X'68656c6c6f', 'US-ASCII')
SELECT encode('abc', 'bogus') AS r
SELECT decode(X'00410042', 'UTF-16BE'), decode(X'FEFF0041', 'UTF-16'), encode('é', 'UTF-16LE'), encode('é', 'UTF-16')
SELECT hex(X'00FF'), hex(-255), hex(9223372036854775807L), hex(-9223372036854775808L), hex(1.5D), hex('é'), hex(CAST(1 AS TINYINT)), hex(CAST(-1 AS TINYINT))
SELECT unhex('0'), unhex('000'), unhex('GG'), unhex(''), unhex(NULL), unhex('aBcD')
SELECT conv('100', 2, 10), conv('-100', 2, 10), conv('FFFFFFFFFFFFFFFF', 16, 10), conv('FFFFFFFFFFFFFFFF', 16, -10), conv('18446744073709551616', 10, 16), conv('10', 37, 10)
SELECT conv('  10', 10, 2), conv('10 ', 10, 2), conv('1.5', 10, 2), conv('-', 10, 2), conv(NULL, 10, 2), conv('10', 10, 1)
SELECT conv(255, 10, 16), conv(-1, 10, 2), conv('z', 36, 10), conv('Z', 36, 10), conv('a', 10, 16)
SELECT bin(-1), bin(CAST(1 AS TINYINT)), bin(NULL), bin(9223372036854775807L), bin('5'), bin(2.9)
SELECT shiftleft(CAST(1 AS TINYINT), 7), shiftleft(1, 33), shiftright(1, 33), shiftright(-1, 100), shiftleft(1L, 64), shiftrightunsigned(-1, 0), shiftrightunsigned(-1L, 63)
SELECT typeof(shiftleft(CAST(1 AS TINYINT), 1)), typeof(shiftleft(1L, 1)), typeof(1 << 2L)
SELECT width_bucket(0, 0, 10, 5), width_bucket(10, 0, 10, 5), width_bucket(-1, 0, 10, 5), width_bucket(11, 0, 10, 5), width_bucket(5, 10, 0, 5), width_bucket(CAST('NaN' AS DOUBLE), 0, 10, 5)
SELECT width_bucket(5, 0, 10, -1), width_bucket(5, 0, 10, 9223372036854775807L), width_bucket(5, CAST('Infinity' AS DOUBLE), 10, 2)
SELECT factorial(20), factorial(2.9), factorial('5'), factorial(CAST(3 AS BIGINT))
SELECT log(2.718281828459045), log(100), ln(1), log(10, 0), log(0, 0), log(-1, 10), log(1, 1), log10(-0.0), log2(0.5), log(NULL, 2)
SELECT pow(2, -1), pow(-2, 3), pow(-2, 0.5), pow(2, 1024), pow(0.0, -1), pow(-0.0, -1), pow(1, CAST('NaN' AS DOUBLE)), pow(CAST('NaN' AS DOUBLE), 0), pow(10, 308), pow(10, -324)
SELECT exp(0), exp(NULL), exp(709), exp(1e-20), expm1(0), expm1(-1000), exp(CAST('-Infinity' AS DOUBLE))
SELECT sqrt(1e-320), sqrt(CAST('Infinity' AS DOUBLE)), cbrt(0.001), cbrt(8), cbrt(-0.0), sqrt(CAST(2 AS DECIMAL(10,2)))
SELECT round(1.25, 1), round(1.35, 1), round(-1.25, 1), bround(1.25, 1), bround(1.35, 1), bround(-1.25, 1), round(1.25D, 1), round(1.35D, 1), bround(1.25D, 1), bround(1.35D, 1)
SELECT round(0.285D, 2), round(1.005D, 2), round(2.675D, 2), round(1.45D, 1), round(-0.5D), round(0.49999999999999994D), round(4503599627370497.0D)
SELECT round(CAST(1.25 AS FLOAT), 1), round(CAST(0.125 AS FLOAT), 2), bround(CAST(2.5 AS FLOAT), 0), round(CAST(3.14159 AS FLOAT), 3)
SELECT round(123.456, 5), round(123.456D, 5), round(CAST(99.99 AS DECIMAL(4,2)), 1), round(CAST(99.99 AS DECIMAL(4,2)), -1), round(CAST(99.99 AS DECIMAL(4,2)), -2), round(CAST(-99.99 AS DECIMAL(4,2)))
SELECT typeof(round(CAST(99.99 AS DECIMAL(4,2)), 1)), typeof(round(CAST(99.99 AS DECIMAL(4,2)), -1)), typeof(round(99.99D, 1)), typeof(round(5, -1)), typeof(round(5L, 1)), typeof(bround(CAST(1 AS TINYINT), 0))
SELECT round(127Y, -1), round(CAST(32767 AS SMALLINT), -1), round(-2147483648, -1), round(9223372036854775807L, -1), round(5, -20), round(1.5, 100)
SELECT ceil(CAST(1.01 AS DECIMAL(5,2))), floor(CAST(-1.01 AS DECIMAL(5,2))), typeof(ceil(CAST(1.01 AS DECIMAL(5,2)))), ceil(CAST('NaN' AS DOUBLE)), floor(CAST('-Infinity' AS DOUBLE)), ceil(-0.0D)
SELECT ceil(1.5, 0), floor(-1.5, 0), typeof(ceil(1.5D, 0)), ceil(1.23456D, 3), floor(-1.23456D, 3), ceil(155, -1), floor(155, -1), ceil(-155, -2), floor(CAST(1.5 AS FLOAT), 0)
SELECT ceil(12345678901234567.5D), floor(1e300D), ceil(9.2233720368547758E18D), floor(-9.3e18D)
SELECT 5 % -3, -5 % 3, -5 % -3, 5.5 % 2, -5.5 % 2, 5.5D % -2, CAST('-Infinity' AS DOUBLE) % 2, 5 % CAST('Infinity' AS DOUBLE), -0.0D % 1
SELECT pmod(5, -3), pmod(-5, -3), pmod(-5.5, 2), pmod(-5.5D, -2), pmod(CAST(-7 AS DECIMAL(5,2)), 3), pmod(-2147483648, -1), pmod(7, NULL)
SELECT -2147483648 % -1, -9223372036854775808L % -1L, -2147483648 div -1, 5 div -2, -5 div -2, CAST(-7.5 AS DECIMAL(3,1)) div 2
SELECT 3 / 2 * 2, 3 div 2 * 2, 7 / 7, 2147483647 / -1, 1.0 / 3 * 3, 10 / 3.0D
SELECT CAST(10 AS DECIMAL(10,2)) / CAST(3 AS DECIMAL(10,2)), CAST(1 AS DECIMAL(1,0)) / CAST(7 AS DECIMAL(1,0)), CAST(2 AS DECIMAL(38,2)) / CAST(3 AS DECIMAL(38,2)), CAST(1e20 AS DECIMAL(38,0)) / 0.1
SELECT CAST(1 AS DECIMAL(38,18)) * CAST(1 AS DECIMAL(38,18)), CAST(0.1 AS DECIMAL(38,37)) * 10, CAST(123.456 AS DECIMAL(6,3)) % CAST(1.1 AS DECIMAL(2,1)), CAST(-7.5 AS DECIMAL(3,1)) % 2
SELECT CAST(1 AS DECIMAL(5,2)) + CAST(1 AS DECIMAL(10,5)), CAST(1 AS DECIMAL(5,2)) - 1.005, CAST(9.99 AS DECIMAL(3,2)) * CAST(9.99 AS DECIMAL(3,2)), 1.5 + 1, 1.5 + 1.5D, 1.5 + CAST(1 AS FLOAT)
SELECT typeof(CAST(1 AS DECIMAL(5,2)) + CAST(1 AS DECIMAL(10,5))), typeof(1.5 + 1), typeof(1.5 + 1L), typeof(1.5 + CAST(1 AS FLOAT)), typeof(CAST(1 AS DECIMAL(5,2)) % 3), typeof(CAST(9.99 AS DECIMAL(3,2)) * CAST(9.99 AS DECIMAL(3,2)))
SELECT typeof(CAST(1 AS DECIMAL(38,10)) / CAST(3 AS DECIMAL(38,10))), typeof(CAST(1 AS DECIMAL(10,2)) / 3.0), typeof(1 / 3.0), typeof(1L / 2L), typeof(CAST(1 AS DECIMAL(20,10)) * 2L)
SELECT CAST(1 AS DECIMAL(20,10)) * 2L, CAST(1.5 AS DECIMAL(20,10)) / 7L, 1.0000000001 * 3, 12345678.12345678 * 1000
SELECT CAST('1.5' AS DECIMAL(10,0)), CAST('2.5' AS DECIMAL(10,0)), CAST('-2.5' AS DECIMAL(10,0)), CAST(2.5D AS DECIMAL(10,0)), CAST(CAST(2.5 AS FLOAT) AS DECIMAL(10,0)), CAST(0.125D AS DECIMAL(3,2))
SELECT CAST('1e-50' AS DECIMAL(10,5)), CAST('123456789012' AS DECIMAL(10,0)), CAST(1.7976931348623157E308D AS DECIMAL(38,0)), CAST('0.00000000000000000001' AS DECIMAL(38,20))
SELECT CAST(CAST('0.00000000000000000001' AS DECIMAL(38,20)) AS DOUBLE), CAST(CAST('123.4500' AS DECIMAL(10,4)) AS STRING), CAST(CAST('1E+2' AS DECIMAL(10,0)) AS STRING)
SELECT CAST(CAST(0.000001 AS DECIMAL(10,7)) AS STRING), CAST(CAST(1E-7 AS DECIMAL(10,7)) AS STRING), CAST(1E-7 AS DECIMAL(10,7))
SELECT CAST(true AS DOUBLE), CAST(false AS DECIMAL(3,1)), CAST(1.5 AS BOOLEAN), CAST(0.0D AS BOOLEAN), CAST(CAST('NaN' AS DOUBLE) AS BOOLEAN), CAST(-1 AS BOOLEAN)
SELECT CAST(DATE'2024-03-05' AS STRING), CAST(DATE'2024-03-05' AS DOUBLE), CAST(DATE'2024-03-05' AS BIGINT), CAST(TIMESTAMP'2024-03-05 00:00:00' AS INT)
SELECT CAST(X'414243' AS STRING), CAST(X'FF' AS STRING), CAST('é' AS BINARY), CAST(123 AS BINARY), CAST(1L AS BINARY)
SELECT CAST(1.9999999999999999 AS DOUBLE), CAST('1.9999999999999999' AS DOUBLE), CAST('0.1' AS FLOAT), CAST(CAST('0.1' AS FLOAT) AS DOUBLE), CAST(CAST(0.1D AS FLOAT) AS STRING)
SELECT CAST('1e308' AS DOUBLE) * 10, CAST('4.9e-324' AS DOUBLE), CAST('2.5e-324' AS DOUBLE), CAST('1e-400' AS FLOAT), CAST('3.5e38' AS FLOAT)
SELECT CAST(' 1.5 ' AS DOUBLE), CAST('1.5\n' AS DOUBLE), CAST('\t1' AS INT), CAST('1_000' AS INT), CAST('١٢' AS INT), CAST('+' AS INT), CAST('-' AS DOUBLE)
SELECT CAST('  true  ' AS BOOLEAN), CAST('TrUe' AS BOOLEAN), CAST('n' AS BOOLEAN), CAST('' AS BOOLEAN)
SELECT CAST('2024-03-05' AS DATE) + 0, CAST('2024-3-5' AS DATE), CAST('2024-03-5T' AS DATE), CAST('2024-03-05 garbage' AS DATE), CAST('2024-03-05Tgarbage' AS DATE)
SELECT CAST('12:00' AS TIMESTAMP) IS NOT NULL, CAST('2024-03-05T12' AS TIMESTAMP), CAST('2024-03-05 12:0' AS TIMESTAMP), CAST('2024-03-05 12:00:00.' AS TIMESTAMP)
SELECT CAST('2024-03-05T10:11:12.123456789Z' AS TIMESTAMP), CAST('2024-03-05 10:11:12 Z' AS TIMESTAMP), CAST('2024-03-05 10:11:12GMT+1' AS TIMESTAMP), CAST('2024-03-05 10:11:12 Europe/Paris' AS TIMESTAMP)
SELECT CAST(TIMESTAMP'2024-03-05 10:11:12.123456' AS STRING), CAST(TIMESTAMP'2024-03-05 10:11:12.120000' AS STRING), CAST(TIMESTAMP'1969-12-31 23:59:59.9' AS STRING)
SELECT coalesce(NULL, 1.5, 2), coalesce('a', 1), coalesce(DATE'2024-01-01', '2024-02-02'), coalesce(array(1), array()), coalesce(NULL, NULL)
SELECT nvl(1, 'a'), nvl('a', 1), nvl2(NULL, 1, 'x'), nullif(1.0, 1), nullif('a', 'A'), nullif(CAST('NaN' AS DOUBLE), CAST('NaN' AS DOUBLE))
SELECT if(NULL, 'a', 'b'), if(true, NULL, 1), if(false, 1, 2.5), if(1 = 1, DATE'2024-01-01', NULL), if('true', 1, 2)
SELECT CASE WHEN x > 1 THEN 'big' WHEN x > 0 THEN 'small' ELSE 'none' END FROM VALUES (2), (1), (0), (NULL) AS t(x)
SELECT CASE x WHEN 1 THEN 'one' WHEN NULL THEN 'null' ELSE 'other' END FROM VALUES (1), (NULL), (2) AS t(x)
SELECT greatest(1, NULL, 3), greatest('10', '9'), greatest(10, '9'), least('a', NULL), greatest(1.5, 2), least(CAST('NaN' AS DOUBLE), 1.0D), greatest(-0.0D, 0.0D), least(DATE'2024-01-01', DATE'2023-01-01')
SELECT greatest(1, 2L, 3.5), least(1, CAST(2 AS TINYINT)), typeof(greatest(1, 2L)), typeof(greatest(1, 1.5)), typeof(least(CAST(1 AS FLOAT), 1.5D)), greatest(TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-01-01 00:00:01')
SELECT x, y, x = y, x <=> y, x < y FROM VALUES (1, NULL), (NULL, NULL), (1, 1), (CAST('NaN' AS DOUBLE), CAST('NaN' AS DOUBLE)) AS t(x, y)
SELECT CAST('NaN' AS DOUBLE) > CAST('Infinity' AS DOUBLE), CAST('NaN' AS DOUBLE) = CAST('NaN' AS DOUBLE), -0.0D < 0.0D, CAST('NaN' AS FLOAT) = CAST('NaN' AS DOUBLE)
SELECT true AND NULL, false AND NULL, true OR NULL, false OR NULL, NOT true, true XOR false
SELECT NOT NULL, NULL IS NULL, NULL IS NOT NULL, NULL IS TRUE, NULL IS NOT FALSE, true IS DISTINCT FROM NULL, NULL IS NOT DISTINCT FROM NULL
SELECT 1 IN (NULL), NULL NOT IN (1), 1 NOT IN (), 'a' IN ('a', NULL), 1.0 IN (1, 2), CAST(1 AS TINYINT) IN (1, 1000)
SELECT 3 IN (SELECT 1 UNION SELECT 3) AS r
SELECT array_position(array(NULL, 1), NULL), array_position(array(1.0D, CAST('NaN' AS DOUBLE)), CAST('NaN' AS DOUBLE)), array_position(array(), 1), array_position(NULL, 1)
SELECT array_contains(array(CAST('NaN' AS DOUBLE)), CAST('NaN' AS DOUBLE)), array_contains(array(-0.0D), 0.0D), array_contains(array(array(1)), array(1)), array_contains(array('a'), NULL)
SELECT array_remove(array(1.0D, CAST('NaN' AS DOUBLE)), CAST('NaN' AS DOUBLE)), array_distinct(array(array(1), array(1), NULL, NULL)), array_union(array(1.0D, -0.0D), array(0.0D))
SELECT array_intersect(array(1, 1, NULL), array(1, NULL, NULL)), array_except(array(1, 2, NULL), array(NULL)), array_union(array(), array()), array_intersect(array('b', 'a'), array('a', 'b'))
SELECT array_union(array(3, 1), array(2, 1)), array_except(array(3, 1, 3), array()), array_intersect(array(3, 1, 2), array(2, 3))
SELECT sort_array(array(true, false, NULL)), sort_array(array(DATE'2024-01-01', NULL, DATE'2023-01-01'), false), sort_array(array('a', 'B', 'é', 'e', 'Z')), sort_array(array(array(2), array(1, 5), array(1)))
SELECT sort_array(array(CAST(1.5 AS DECIMAL(3,1)), CAST(-1 AS DECIMAL(3,1)))), sort_array(array(X'02', X'01')), sort_array(NULL), sort_array(array())
SELECT array_sort(array('b', NULL, 'a'), (x, y) -> CASE WHEN x IS NULL THEN -1 WHEN y IS NULL THEN 1 WHEN x < y THEN 1 WHEN x > y THEN -1 ELSE 0 END) AS r
SELECT array_sort(array(2, 1, 3), (x, y) -> 0), array_sort(array(1, 2, 3), (x, y) -> y - x)
SELECT slice(array(1, 2, 3), 2, 0), slice(array(), 1, 1), slice(NULL, 1, 1), slice(array(1, 2, 3), -1, 1), slice(array(1, 2, 3), 3, 5), slice(array(1, 2, 3), -3, 3)
SELECT element_at(array(1, 2), NULL), element_at(NULL, 1), element_at(map(1, 'a'), NULL), element_at(map(CAST('NaN' AS DOUBLE), 1), CAST('NaN' AS DOUBLE)), element_at(array('a'), 1L)
SELECT array(10, 20)[1], array(10, 20)[NULL], map('a', 1)[NULL], array(array(1, 2))[0][1], named_struct('a', named_struct('b', 5)).a.b
SELECT sequence(-3, 3, 2), sequence(3, -3, -2), sequence(0, 0, -1), sequence(1, 2, 5), sequence(NULL, 2), sequence(1, NULL), sequence(CAST(1 AS TINYINT), CAST(3 AS TINYINT))
SELECT sequence(DATE'2024-01-01', DATE'2024-01-10', INTERVAL 3 DAYS), sequence(DATE'2024-01-05', DATE'2024-01-01'), sequence(DATE'2024-03-01', DATE'2024-03-03', INTERVAL 1 DAY)
SELECT sequence(1, 3, 1L), typeof(sequence(1, 3L)), typeof(sequence(CAST(1 AS SMALLINT), CAST(2 AS SMALLINT)))
SELECT flatten(array(array('a'), NULL, array('b'))), flatten(NULL), flatten(array()), flatten(array(array()))
SELECT array_join(array(NULL, NULL), ','), array_join(array(NULL, 'a'), ',', ''), array_join(array('a', 'b'), NULL), array_join(NULL, ','), array_join(array(1.5D, 2.0D), ';'), array_join(array(DATE'2024-01-01'), ',')
SELECT array_repeat(array(1), 2), array_repeat('a', NULL), array_repeat(NULL, NULL), size(array_repeat(0, 5))
SELECT arrays_zip(array(1, 2), array(3)), arrays_zip(array(1), array(2), array(3)), arrays_zip(array(NULL), array()), arrays_zip(array(1, 2))
SELECT array_insert(array(1, 2), 0, 9) AS r
SELECT array_insert(array(1, 2), -5, 9), array_insert(array(1, 2), 3, 9), array_insert(array(1, 2), 4, 9), array_insert(NULL, 1, 9), array_insert(array(1), NULL, 9), array_insert(array(1), 1, NULL)
SELECT array_append(NULL, 1), array_append(array(), 1), array_prepend(NULL, 1), array_prepend(array('a'), NULL), array_compact(NULL), array_compact(array(NULL))
SELECT array_max(array(array(1), array(2))), array_min(array(NULL, NULL)), array_max(array(DATE'2024-01-01', DATE'2025-01-01')), array_max(array(true, false)), array_max(array(-0.0D, 0.0D))
SELECT transform(array(1, NULL), x -> x IS NULL), transform(array('a', 'b'), (x, i) -> concat(x, i)), transform(array(array(1, 2), array(3)), a -> size(a)), transform(array(1, 2), x -> transform(array(10), y -> x + y))
SELECT filter(array('a', '', NULL), x -> x != ''), filter(array(1, 2, 3), x -> NULL), filter(NULL, x -> true), filter(array(1, 2, 3, 4), (x, i) -> x > i)
SELECT aggregate(array('a', 'b', 'c'), '', (acc, x) -> concat(acc, x)), aggregate(array(1, 2, 3), 1, (acc, x) -> acc * x), aggregate(NULL, 0, (a, x) -> a + x), aggregate(array(1.5D, 2.5D), 0.0D, (a, x) -> a + x, a -> a / 2)
SELECT aggregate(array(1, 2, 3), named_struct('s', 0, 'c', 0), (acc, x) -> named_struct('s', acc.s + x, 'c', acc.c + 1), acc -> acc.s / acc.c) AS avg
SELECT exists(NULL, x -> true), forall(NULL, x -> true), exists(array(NULL), x -> x IS NULL), forall(array(NULL), x -> x IS NULL)
SELECT zip_with(array(1), array(), (a, b) -> b), zip_with(NULL, array(1), (a, b) -> a), zip_with(array(1, 2), array(3, 4), (a, b) -> array(a, b))
SELECT map_filter(map('a', 1, 'b', NULL), (k, v) -> v IS NULL), transform_values(map('a', 1), (k, v) -> v + 1.5), transform_keys(map('a', 1, 'b', 2), (k, v) -> concat(k, v))
SELECT transform_keys(map('a', 1), (k, v) -> NULL) AS r
SELECT map_zip_with(map('a', 1), map('b', 2), (k, x, y) -> coalesce(x, 0) + coalesce(y, 0)) AS r
SELECT map_keys(map()), map_values(NULL), map_entries(map(2, 'b', 1, 'a')), map_contains_key(map('a', 1), NULL), map_contains_key(map(1, 2), 1.0)
SELECT map(1, 'a', 2, 'b')[2], map('a', 1, 'b', 2)['c'], map(array(1, 2), 'x')[array(1, 2)], map(1.5, 'x')[1.5D], element_at(map(1, 'a', 1, 'b'), 1)
SELECT map_from_entries(array(struct('a', 1), struct('a', 2))) AS r
SELECT map_from_entries(array(struct(NULL, 1))) AS r
SELECT map_from_entries(NULL), map_from_entries(array()), map_from_entries(array(struct(1, 'a'), NULL))
SELECT map_concat(map(1, 'a'), map(1, 'b'), map(1, 'c')) AS r
SELECT str_to_map('a:1,b'), str_to_map('a:1:2'), str_to_map('a', ',', ':'), str_to_map(NULL), str_to_map('a=1&b=2', '&', '='), str_to_map('a1b2', '[0-9]', '')
SELECT str_to_map('k1:v1,k2:v2', '[,]', '[:]'), str_to_map('a.1|b.2', '\\|', '\\.')
SELECT size(str_to_map('a:1,b:2,a:3')) AS r
SELECT struct(1, 2).col1, named_struct('a', 1, 'a', 2), struct(NULL AS x).x, struct(1, 'a') = struct(1, 'a'), struct(1) < struct(2)
SELECT named_struct('b', 2, 'a', 1) AS s, to_json(named_struct('b', 2, 'a', 1)), to_json(struct(1, 'x')), to_json(array()), to_json(map()), to_json(NULL)
SELECT to_json(named_struct('a', CAST(1.0 AS DECIMAL(10,5)), 'b', 1.0E-10D, 'c', 123456789.0D, 'd', CAST(1e7 AS FLOAT), 'e', -0.0D)) AS r
SELECT to_json(named_struct('t', TIMESTAMP'2024-01-01 10:00:00.123', 'd', DATE'0001-01-01', 'b', true, 'n', CAST(NULL AS STRING))) AS r
SELECT to_json(named_struct('a', named_struct('b', NULL))), to_json(array(NULL, 1)), to_json(map('k', array(NULL))), to_json(array(array()))
SELECT to_json(named_struct('s', '\u0001\t/<>&\'')) AS r
SELECT to_json(map(named_struct('a', 1), 2)) AS r
SELECT to_json(map(DATE'2024-01-01', 1, TIMESTAMP'2024-01-01 00:00:00', 2)) AS r
SELECT to_json(named_struct('a', 1), map('timestampFormat', 'yyyy')), to_json(named_struct('t', TIMESTAMP'2024-01-01 10:00:00'), map('timestampFormat', 'dd/MM/yyyy HH:mm'))
SELECT to_json(named_struct('n', CAST(NULL AS INT)), map('ignoreNullFields', 'false')) AS r
SELECT from_json('{"a": 1, "b": [1, "x", null]}', 'a INT, b ARRAY<INT>') AS r
SELECT from_json('{"a": 1, "b": {"c": "d"}}', 'a INT, b MAP<STRING,STRING>') AS r
SELECT from_json('{"a":2147483648}', 'a INT'), from_json('{"a":2147483648}', 'a BIGINT'), from_json('{"a":1.9}', 'a BIGINT'), from_json('{"a":"1.9"}', 'a DOUBLE'), from_json('{"a":1}', 'a STRING')
SELECT from_json('{"a":"x"}', 'a INT, b INT'), from_json('{"a":1, "b":"x"}', 'a INT, b INT'), from_json('[{"a":1}, "x"]', 'ARRAY<STRUCT<a: INT>>'), from_json('{"a":1}', 'ARRAY<INT>')
SELECT from_json('{"a":1}', 'a INT', map('mode', 'FAILFAST')) AS r
SELECT from_json('{"a":"bad"}', 'a INT', map('mode', 'FAILFAST')) AS r
SELECT from_json('{"a":"2024-01-05 10:11"}', 'a TIMESTAMP'), from_json('{"a":"05/01/2024"}', 'a DATE', map('dateFormat', 'dd/MM/yyyy')), from_json('{"a":"2024-01-05T10:11:12.5Z"}', 'a TIMESTAMP')
SELECT from_json('{"a": 1, "a": 2}', 'MAP<STRING,INT>') AS r
SELECT from_json('{"a":-0.0, "b": 1E400, "c": 0.1}', 'a DOUBLE, b DOUBLE, c FLOAT') AS r
SELECT from_json('{"a":[1,2]}', 'a ARRAY<STRING>'), from_json('{"a":{"b":1}}', 'a STRUCT<b: STRING>'), from_json('{"a":true}', 'a STRING'), from_json('{"a":null}', 'a STRING')
SELECT from_json('{"a":"\\u00e9\\n"}', 'a STRING') AS r
SELECT from_json(' {"a":1} ', 'a INT'), from_json('{"a":1,}', 'a INT'), from_json("{'a':1}", 'a INT'), from_json('{a:1}', 'a INT')
SELECT get_json_object('{"a":"x"}', '$.a.b'), get_json_object('{"a":[1,2,3]}', '$.a[3]'), get_json_object('{"a":[1,2,3]}', '$.a[-1]'), get_json_object('{"a":[[1,2],[3]]}', '$.a[0][1]'), get_json_object('{"a":[{"b":[1,2]},{"b":[3]}]}', '$.a[*].b')
SELECT get_json_object('{"a":"line\\nbreak"}', '$.a'), get_json_object('{"a":"q\\"uote"}', '$.a'), get_json_object('{"a":{"b":"c"}}', '$.a'), get_json_object('{"a":[ "x" , "y" ]}', '$.a')
SELECT get_json_object('{"a":1}', '$.'), get_json_object('{"a":1}', '$..a'), get_json_object('{"a":1}', ''), get_json_object('{"a":1}', NULL), get_json_object(NULL, '$.a')
SELECT get_json_object('[{"a":1},{"a":2}]', '$[*].a'), get_json_object('[{"a":1}]', '$[*].a'), get_json_object('[]', '$[*]'), get_json_object('{"a":[]}', '$.a[*]'), get_json_object('{"a":[1]}', '$.a[*]')
SELECT get_json_object('{"a":1.0}', '$.a'), get_json_object('{"a":1E5}', '$.a'), get_json_object('{"a":0.10}', '$.a'), get_json_object('{"a":  "x"  }', '$.a'), get_json_object('{"a":1}x', '$.a')
SELECT get_json_object('{"a":{"b":1}, "a":{"b":2}}', '$.a.b') AS r
SELECT get_json_object('{"$":1}', '$.$'), get_json_object('{"a.b":1}', '$.a.b'), get_json_object('{"a":{"":1}}', '$.a'), get_json_object('{"a_b":1}', '$.a_b'), get_json_object('{"1":1}', '$.1')
SELECT json_tuple('{"a":null,"b":1.50,"c":[1, 2]}', 'a', 'b', 'c')
SELECT json_tuple('{"a":"x"}', NULL, 'a')
SELECT json_tuple(NULL, 'a')
SELECT x.* FROM (SELECT json_tuple('{"k":"v","n":2}', 'k', 'n') AS (k, n)) x
SELECT schema_of_json('{"a":1.5e10}'), schema_of_json('{"a":"2024-01-01"}'), schema_of_json('{"a":[1,"x"]}'), schema_of_json('{"a":[1,1.5]}'), schema_of_json('{"b":1,"a":2}')
SELECT schema_of_json('{"a":null}'), schema_of_json('[]'), schema_of_json('{"a":{}}'), schema_of_json('{"a":9223372036854775808}'), schema_of_json('{"A":1,"a":2}')
SELECT schema_of_json('bad') AS r
SELECT schema_of_json('{"a":1}', map('prefersDecimal', 'true')), schema_of_json('{"a":1.5}', map('prefersDecimal', 'true'))
SELECT json_array_length(NULL), json_array_length('[1,,2]'), json_array_length('[[],{}]'), json_array_length(' [1] '), json_object_keys('{}'), json_object_keys('{"a":1,"a":2}'), json_object_keys('bad')
SELECT to_csv(named_struct('a', 'x"y', 'b', 1.5D, 'c', DATE'2024-01-01', 'd', '')), from_csv('"a,b",2', 'x STRING, y INT'), from_csv('x', 'a INT'), from_csv('', 'a INT, b STRING')
SELECT schema_of_csv('a,1,1.5,true,2024-01-01'), from_csv('1;2', 'a INT, b INT', map('sep', ';'))
SELECT hash(0), hash(-1), hash(2147483647), hash(-2147483648), hash(0L), hash(-1L), hash(0.0D), hash(1.5D), hash(0.0F), hash(-0.0F)
SELECT hash('abc'), hash('é'), hash('日本'), hash(repeat('x', 100)), hash(NULL, 1), hash(1, NULL), hash(CAST(NULL AS INT))
SELECT hash(array()), hash(array(NULL)), hash(array('a', 'b')), hash(named_struct('a', 'x', 'b', 2)), hash(struct(NULL))
SELECT hash(CAST(1 AS DECIMAL(5,2))), hash(CAST(123456789012345678 AS DECIMAL(18,0))), hash(CAST(1 AS DECIMAL(19,0))), hash(CAST(1 AS DECIMAL(38,10))), hash(1.5)
SELECT hash(DATE'1970-01-01'), hash(DATE'1969-12-31'), hash(TIMESTAMP'1970-01-01 00:00:00'), hash(TIMESTAMP'1969-12-31 23:59:59.999999'), hash(X''), hash(X'00'), hash(true), hash(false)
SELECT xxhash64(0), xxhash64(-1), xxhash64(0L), xxhash64(0.0D), xxhash64(-0.0D), xxhash64(CAST(1 AS FLOAT)), xxhash64(true), xxhash64(DATE'2024-01-01'), xxhash64(TIMESTAMP'2024-01-01 00:00:00')
SELECT xxhash64('é'), xxhash64(repeat('ab', 50)), xxhash64(X'0102'), xxhash64(named_struct('a', 1)), xxhash64(array(1, NULL)), xxhash64(CAST(1.5 AS DECIMAL(5,2))), xxhash64(NULL, NULL)
SELECT md5(NULL), md5('é'), sha1(''), sha1(X'00'), sha2('', 256), sha2(NULL, 256), sha2('abc', 512), crc32('é'), crc32(X'FFFF')
SELECT pmod(hash('a'), 10), abs(hash('b')) % 7, hash(hash(1))
SELECT x, first(y) OVER (PARTITION BY x ORDER BY y ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS f FROM VALUES (1, 'b'), (1, 'a'), (2, NULL) AS t(x, y) ORDER BY x
SELECT x, y, rank() OVER (PARTITION BY x ORDER BY y DESC NULLS LAST) AS r FROM VALUES (1, NULL), (1, 5), (1, 5), (2, 1) AS t(x, y) ORDER BY x, r
SELECT x, ntile(2) OVER (ORDER BY x) FROM VALUES (1), (2), (3) AS t(x) ORDER BY x
SELECT x, ntile(4) OVER (ORDER BY x) FROM VALUES (1), (2), (3), (4), (5), (6) AS t(x) ORDER BY x
SELECT x, percent_rank() OVER (ORDER BY x), cume_dist() OVER (ORDER BY x) FROM VALUES (1) AS t(x)
SELECT x, lag(x, 0) OVER (ORDER BY x), lead(x, 10, 0) OVER (ORDER BY x), lag(x, 1, 'z') OVER (ORDER BY x) FROM VALUES ('a'), ('b') AS t(x) ORDER BY x
SELECT x, avg(x) OVER (ORDER BY x ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM VALUES (1), (2), (3), (4) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x ROWS BETWEEN CURRENT ROW AND CURRENT ROW) FROM VALUES (1), (2) AS t(x) ORDER BY x
SELECT x, count(*) OVER (ORDER BY x) FROM VALUES (1), (1), (2), (NULL), (NULL) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM VALUES (1), (1), (2) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (PARTITION BY x IS NULL) FROM VALUES (1), (NULL), (2) AS t(x) ORDER BY x
SELECT x, max(x) OVER (ORDER BY x ROWS BETWEEN 5 PRECEDING AND 2 PRECEDING) FROM VALUES (1), (2), (3), (4) AS t(x) ORDER BY x
SELECT x, row_number() OVER (ORDER BY x DESC) FROM VALUES ('b'), ('a'), ('c') AS t(x) ORDER BY x
SELECT g, x, sum(x) OVER w, avg(x) OVER w FROM VALUES ('a', 1), ('a', 3), ('b', 2) AS t(g, x) WINDOW w AS (PARTITION BY g) ORDER BY g, x
SELECT x, nth_value(x, 2) IGNORE NULLS OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM VALUES (NULL), (1), (2), (3) AS t(x) ORDER BY x
SELECT x, first_value(x, true) OVER (ORDER BY x NULLS FIRST) FROM VALUES (NULL), (1), (2) AS t(x) ORDER BY x NULLS FIRST
SELECT x, collect_set(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM VALUES (1), (1), (2) AS t(x) ORDER BY x
SELECT x, stddev(x) OVER (ORDER BY x) FROM VALUES (1), (2), (4) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x DESC RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM VALUES (1), (2), (3), (5) AS t(x) ORDER BY x
SELECT x, count(x) OVER (ORDER BY x RANGE BETWEEN 1 FOLLOWING AND 3 FOLLOWING) FROM VALUES (1), (2), (3), (5), (NULL) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (ORDER BY d RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW) FROM VALUES (1, DATE'2024-01-01'), (2, DATE'2024-01-02'), (4, DATE'2024-01-04') AS t(x, d) ORDER BY x
SELECT sum(x), avg(x), min(x), max(x), count(x) FROM VALUES (CAST(1.5 AS DECIMAL(10,1))), (CAST(-2.25 AS DECIMAL(10,2))), (NULL) AS t(x)
SELECT sum(x), avg(x) FROM VALUES (1.0E308D), (1.0E308D) AS t(x)
SELECT avg(x) FROM VALUES (CAST(1 AS DECIMAL(38,0))), (CAST(2 AS DECIMAL(38,0))) AS t(x)
SELECT avg(x) FROM VALUES (CAST(1 AS DECIMAL(38,36))), (CAST(2 AS DECIMAL(38,36))) AS t(x)
SELECT avg(x), typeof(avg(x)) FROM VALUES (CAST(1 AS DECIMAL(3,2))), (CAST(2 AS DECIMAL(3,2))), (CAST(2 AS DECIMAL(3,2))) AS t(x)
SELECT sum(x), typeof(sum(x)) FROM VALUES (CAST(9.99 AS DECIMAL(3,2))), (CAST(9.99 AS DECIMAL(3,2))) AS t(x)
SELECT avg(x) FROM VALUES (1L), (2L), (2L) AS t(x)
SELECT avg(x), sum(x) FROM VALUES (CAST(1 AS FLOAT)), (CAST(2.2 AS FLOAT)) AS t(x)
SELECT variance(x), stddev(x), var_pop(x), stddev_pop(x) FROM VALUES (1.0E10D), (1.0E10D + 1), (1.0E10D + 2) AS t(x)
SELECT variance(x), stddev(x) FROM VALUES (CAST('NaN' AS DOUBLE)), (1.0D) AS t(x)
SELECT stddev_samp(x), var_samp(x), skewness(x), kurtosis(x) FROM VALUES (1), (2) AS t(x)
SELECT skewness(x), kurtosis(x) FROM VALUES (1), (2), (3), (10), (20) AS t(x)
SELECT std(x), typeof(stddev(CAST(1 AS DECIMAL(5,2)))) FROM VALUES (1), (3) AS t(x)
SELECT percentile(x, 0.5), percentile(x, 0.75) FROM VALUES (1), (2), (NULL), (100) AS t(x)
SELECT percentile(x, 0.5, f) FROM VALUES (1, 1), (2, 3), (3, 1) AS t(x, f)
SELECT percentile(x, array(0, 0.5, 1)) FROM VALUES (1.5D), (2.5D), (10.0D) AS t(x)
SELECT percentile(x, 1.5) FROM VALUES (1) AS t(x)
SELECT percentile_approx(x, 0.5), percentile_approx(x, 0.01), percentile_approx(x, 0.99) FROM VALUES (1), (2), (3), (4), (5) AS t(x)
SELECT percentile_approx(x, array(0.1, 0.5, 0.9), 100) FROM VALUES (10), (20), (30), (40), (50), (60) AS t(x)
SELECT percentile_approx(x, 0.5) FROM VALUES (CAST(1.5 AS DECIMAL(4,2))), (CAST(2.5 AS DECIMAL(4,2))) AS t(x)
SELECT percentile_approx(x, 0.5) FROM VALUES (TIMESTAMP'2024-01-01 00:00:00'), (TIMESTAMP'2024-01-03 00:00:00') AS t(x)
SELECT median(x), typeof(median(x)) FROM VALUES (1), (2), (3), (4) AS t(x)
SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY x DESC), percentile_disc(0.25) WITHIN GROUP (ORDER BY x DESC) FROM VALUES (1), (2), (3), (4) AS t(x)
SELECT collect_list(x) FROM VALUES (CAST(NULL AS INT)) AS t(x)
SELECT collect_set(x) FROM VALUES (CAST('NaN' AS DOUBLE)), (CAST('NaN' AS DOUBLE)), (-0.0D), (0.0D) AS t(x)
SELECT sort_array(collect_set(x)) FROM VALUES (array(1)), (array(1)), (array(2)) AS t(x)
SELECT g, collect_list(x) FROM VALUES ('a', 1), ('a', NULL), ('b', NULL) AS t(g, x) GROUP BY g ORDER BY g
SELECT first(x), last(x) FROM VALUES (CAST(NULL AS INT)), (NULL) AS t(x)
SELECT first(x, true), last(x, true) FROM VALUES (CAST(NULL AS INT)) AS t(x)
SELECT count(DISTINCT x) FROM VALUES (-0.0D), (0.0D), (CAST('NaN' AS DOUBLE)), (CAST('NaN' AS DOUBLE)) AS t(x)
SELECT count(DISTINCT x), approx_count_distinct(x) FROM VALUES ('a'), ('A'), ('a '), (NULL) AS t(x)
SELECT sum(DISTINCT x), avg(DISTINCT x), collect_list(DISTINCT x) FROM VALUES (1), (1), (2), (NULL) AS t(x)
SELECT max_by(x, y), min_by(x, y) FROM VALUES ('a', CAST('NaN' AS DOUBLE)), ('b', 1.0D) AS t(x, y)
SELECT bool_and(x), bool_or(x) FROM VALUES (CAST(NULL AS BOOLEAN)) AS t(x)
SELECT bit_and(x), bit_or(x), bit_xor(x) FROM VALUES (CAST(NULL AS INT)) AS t(x)
SELECT bit_and(x), bit_xor(x), typeof(bit_or(x)) FROM VALUES (CAST(-1 AS TINYINT)), (CAST(5 AS TINYINT)) AS t(x)
SELECT grouping(g), g, count(*) FROM VALUES ('a'), ('b'), (NULL) AS t(g) GROUP BY g WITH ROLLUP ORDER BY g
SELECT g, h, count(*) FROM VALUES ('a', 1), ('a', 2) AS t(g, h) GROUP BY g, h WITH CUBE ORDER BY g, h
SELECT g, sum(x) FROM VALUES ('a', 1), ('b', 2) AS t(g, x) GROUP BY GROUPING SETS ((g), (g)) ORDER BY g
SELECT g, h, sum(x), grouping_id() FROM VALUES ('a', 'x', 1), ('b', 'y', 2) AS t(g, h, x) GROUP BY g, ROLLUP(h) ORDER BY g, h
SELECT count(*) FROM VALUES (1), (2) AS t(x) GROUP BY ()
SELECT 1 AS k, sum(x) FROM VALUES (1), (2) AS t(x) GROUP BY k
SELECT x + 1 AS y, count(*) FROM VALUES (1), (1), (2) AS t(x) GROUP BY x + 1 ORDER BY y
SELECT upper(g), count(*) FROM VALUES ('a'), ('A') AS t(g) GROUP BY upper(g)
SELECT g FROM VALUES ('a'), ('b') AS t(g) GROUP BY g HAVING g > 'a'
SELECT sum(x) AS s FROM VALUES (1), (2) AS t(x) HAVING s > 2
SELECT g, max(x) FROM VALUES ('a', 1), ('a', 2), ('b', 3) AS t(g, x) GROUP BY ALL ORDER BY g
SELECT x FROM VALUES (1), (2), (3) AS t(x) ORDER BY x LIMIT 1 OFFSET 0
SELECT x FROM VALUES (1), (2), (3) AS t(x) ORDER BY -x LIMIT 2
SELECT x, y FROM VALUES (1, 'b'), (1, 'a'), (2, NULL), (NULL, 'c') AS t(x, y) ORDER BY 2 NULLS FIRST, 1 DESC
SELECT x FROM VALUES (CAST(1.5 AS DECIMAL(5,2))), (CAST(-0.5 AS DECIMAL(5,2))), (NULL) AS t(x) ORDER BY x DESC NULLS LAST
SELECT x FROM VALUES (TIMESTAMP'1969-12-31 23:59:59'), (TIMESTAMP'1970-01-01 00:00:00'), (TIMESTAMP'0001-01-01 00:00:00') AS t(x) ORDER BY x
SELECT x FROM VALUES (array(1, 2)), (array(1)), (array()), (NULL), (array(NULL)) AS t(x) ORDER BY x
SELECT x FROM VALUES (named_struct('a', 2, 'b', 'x')), (named_struct('a', 1, 'b', 'y')), (named_struct('a', 1, 'b', NULL)) AS t(x) ORDER BY x
SELECT x FROM VALUES (true), (false), (NULL) AS t(x) ORDER BY x DESC
SELECT x FROM VALUES (X'02'), (X'0102'), (X'01'), (X'') AS t(x) ORDER BY x
SELECT DISTINCT x FROM VALUES (array(1, 2)), (array(1, 2)), (array(2, 1)) AS t(x) ORDER BY x
SELECT DISTINCT x FROM VALUES (map('a', 1)), (map('a', 1)) AS t(x)
SELECT x, count(*) FROM VALUES (named_struct('a', 1)), (named_struct('a', 1)), (NULL) AS t(x) GROUP BY x ORDER BY x
SELECT a, b FROM VALUES (1, 2) AS t(a, b) UNION ALL SELECT b, a FROM VALUES (3, 4) AS u(a, b)
SELECT 1 AS x UNION SELECT 2 AS y ORDER BY x DESC
SELECT x FROM VALUES (1), (2) AS t(x) EXCEPT ALL SELECT x FROM VALUES (1), (1) AS u(x)
SELECT x FROM VALUES (NULL), (NULL) AS t(x) INTERSECT SELECT x FROM VALUES (NULL) AS u(x)
SELECT x FROM (SELECT 1 AS x UNION ALL SELECT 2) t UNION ALL SELECT 3 INTERSECT SELECT 3 ORDER BY x
SELECT CAST(1 AS TINYINT) AS x UNION ALL SELECT 1000 ORDER BY x
SELECT DATE'2024-01-01' AS d UNION ALL SELECT TIMESTAMP'2024-01-01 10:00:00'
SELECT array(1) AS a UNION ALL SELECT array(1.5)
SELECT 'a' AS x UNION ALL SELECT 1 UNION ALL SELECT 1.5D
SELECT l.k, l.v, r.w FROM VALUES (1, 'a'), (1, 'b') AS l(k, v) JOIN VALUES (1, 'x'), (1, 'y') AS r(k, w) ON l.k = r.k ORDER BY l.v, r.w
SELECT * FROM VALUES (1.0D), (-0.0D), (CAST('NaN' AS DOUBLE)) AS l(a) JOIN VALUES (0.0D), (CAST('NaN' AS DOUBLE)) AS r(b) ON a = b ORDER BY a
SELECT * FROM VALUES (1), (2) AS l(a) JOIN VALUES (1L), (2L) AS r(b) ON a = b ORDER BY a
SELECT * FROM VALUES ('1'), ('2') AS l(a) JOIN VALUES (1), (2) AS r(b) ON a = b ORDER BY a
SELECT * FROM VALUES (1, 2) AS l(a, b) LEFT JOIN VALUES (3, 4) AS r(c, d) ON a = c
SELECT * FROM VALUES (1, 'x'), (2, 'y') AS l(k, v) LEFT JOIN VALUES (1, 'p'), (1, 'q') AS r(k, w) USING (k) ORDER BY k, w
SELECT l.*, r.* FROM VALUES (1) AS l(a) FULL JOIN VALUES (2) AS r(a) ON l.a = r.a ORDER BY l.a NULLS LAST
SELECT * FROM VALUES (1), (2), (3) AS l(a) LEFT SEMI JOIN VALUES (2), (2), (3) AS r(b) ON a = b ORDER BY a
SELECT * FROM VALUES (1), (2), (NULL) AS l(a) LEFT ANTI JOIN VALUES (CAST(NULL AS INT)) AS r(b) ON a = b ORDER BY a
SELECT * FROM VALUES (1), (2) AS l(a) JOIN VALUES (1), (2) AS r(b) ON a < b
SELECT * FROM VALUES (1), (2) AS l(a) JOIN VALUES (10), (20) AS r(b) ON true ORDER BY a, b
SELECT * FROM VALUES (1) AS l(a) JOIN VALUES (1) AS m(b) ON a = b JOIN VALUES (1) AS r(c) ON b = c
SELECT * FROM VALUES (1), (2) AS l(a), VALUES (3) AS r(b) ORDER BY a
SELECT a, (SELECT count(*) FROM VALUES (1), (2), (3) AS r(b) WHERE b <= a) AS c FROM VALUES (0), (2), (5) AS l(a) ORDER BY a
SELECT a FROM VALUES (1), (2), (3) AS l(a) WHERE a = (SELECT max(b) FROM VALUES (1), (2) AS r(b))
SELECT a FROM VALUES (1), (2) AS l(a) WHERE NOT EXISTS (SELECT 1 FROM VALUES (1) AS r(b) WHERE r.b = l.a)
SELECT a, a IN (SELECT b FROM VALUES (1), (NULL) AS r(b)) AS i FROM VALUES (1), (2), (NULL) AS l(a) ORDER BY a
SELECT (SELECT b FROM VALUES (1), (2) AS r(b)) AS r
SELECT max(a) FROM (SELECT a FROM VALUES (1), (5), (3) AS t(a) ORDER BY a LIMIT 2)
SELECT * FROM (SELECT 1 AS a) t1, (SELECT 2 AS b) t2
WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM a, b
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r
SELECT * FROM range(3)
SELECT * FROM range(1, 10, 4)
SELECT id * 2 FROM range(0, 3) ORDER BY 1 DESC
SELECT count(*) FROM range(1000)
SELECT sum(id), avg(id), stddev(id) FROM range(1, 101)
SELECT id, id % 3 AS m FROM range(5) WHERE id % 3 != 0
SELECT explode(sequence(1, 3)) AS x, 'a' AS y ORDER BY x DESC
SELECT posexplode(array(10, 20)) AS (p, v)
SELECT explode(array(array(1, 2), array(3))) AS a
SELECT inline(array(struct(1, 'a'))) AS (n, s)
SELECT explode(map(1, array(2)))
SELECT t.x, e FROM VALUES (1), (2) AS t(x) LATERAL VIEW explode(array(x, x * 10)) v AS e ORDER BY t.x, e
SELECT k, count(*) FROM (SELECT explode(array('a', 'b', 'a')) AS k) GROUP BY k ORDER BY k
SELECT * FROM VALUES (1, 'a'), (2, 'b'), (3, 'c') AS t(x, y) WHERE y IN ('a', 'c') AND x > 1
SELECT * FROM VALUES (1), (2) AS t(x) WHERE NULL
SELECT * FROM VALUES (1), (2) AS t(x) WHERE x = '1'
SELECT * FROM VALUES ('1'), ('01'), ('1.0') AS t(x) WHERE x = 1
SELECT * FROM VALUES ('a'), ('b') AS t(x) WHERE x > 1
SELECT x, CAST(x AS INT) FROM VALUES ('1'), (' 2'), ('3.7'), ('x'), (NULL) AS t(x)
SELECT schema_of_json('{"a":1.50}', map('prefersDecimal', 'true')), schema_of_json('{"a":0.001}', map('prefersDecimal', 'true')), schema_of_json('{"a":-1.5}', map('prefersDecimal', 'true')) AS r
SELECT schema_of_json('{"a":1e2}', map('prefersDecimal', 'true')) AS r
SELECT schema_of_json('{"a":1.5e1}', map('prefersDecimal', 'true')), schema_of_json('{"a":12e-1}', map('prefersDecimal', 'true')), schema_of_json('{"a":[1.5, 10.25]}', map('prefersDecimal', 'true')) AS r
SELECT schema_of_json('{"a":1.5,"b":1}', map('prefersDecimal', 'true')), schema_of_json('[{"a":1.5},{"a":100.125}]', map('prefersDecimal', 'true')), schema_of_json('{"a":1.0E-40}', map('prefersDecimal', 'true')) AS r
SELECT schema_of_json('{"a":123456789012345678901234567890.123456789}', map('prefersDecimal', 'true')), schema_of_json('{"a":[1, 2.5]}', map('prefersDecimal', 'true')), schema_of_json('{"a":0.0}', map('prefersDecimal', 'true')) AS r
SELECT schema_of_json('{"a":1.5,"b":true,"c":[1],"d":"x","e":null}', map('primitivesAsString', 'true')), schema_of_json('{"a":1.5}', map('prefersDecimal', 'true', 'primitivesAsString', 'true')) AS r
SELECT schema_of_json('{"a":1}', map('bogus', 'true')), schema_of_json('{"a":1.5}', map('prefersDecimal', 'false')) AS r
SELECT to_json(named_struct('a', 1), map('timestampFormat', 'yyyy')), to_json(array(1)) AS r
SELECT from_json('{"a":1}', 'a INT', map('mode', 'PERMISSIVE')), from_json('{"a":1}', 'a INT') AS r
