SELECT ln(0), ln(-1), log(0), log10(0), log2(-2), log1p(-1), log1p(-2), log(2, 8), log(1, 8), log(0, 8), log(-2, 8)
SELECT log(10, 100), log10(1000), log2(8), ln(exp(1)), exp(1), exp(710), exp(-1000), expm1(1e-10)
SELECT pow(2, 10), pow(-8, 1.0/3), pow(0, -1), pow(0, 0), power(2, 0.5), pow(-1, 0.5), 2 ^ 3
SELECT sqrt(-1), sqrt(2), cbrt(-27), sqrt(0), sqrt(-0.0), sqrt(NULL)
SELECT abs(-2147483648), abs(-9223372036854775808L), abs(-0.0), abs(CAST(-1.5 AS DECIMAL(3,1))), abs(CAST(-128 AS TINYINT))
SELECT -(-2147483648), negative(5), positive(-5), -CAST(-128 AS TINYINT)
SELECT sign(-2.5), signum(0), sign(CAST('NaN' AS DOUBLE)), signum(-0.0)
SELECT hex(255), hex(-1), hex(0), hex(NULL), hex(3.7), unhex('FF'), conv('ff', 16, 10), conv('-1', 10, 16), conv('10', 10, -2), conv('zz', 36, 10)
SELECT conv('123', 10, 2), conv('777', 8, 16), conv('-10', 10, -10), conv('abc', 10, 16), conv('', 10, 16), conv('9999999999999999999999', 10, 16), conv('1a', 10, 16)
SELECT bin(5), bin(-5), bin(0), bin(13.7), oct(8)
SELECT shiftleft(1, 31), shiftleft(1, 32), shiftleft(1L, 63), shiftright(-8, 1), shiftrightunsigned(-8, 1), shiftrightunsigned(-8L, 1), shiftleft(1, -1)
SELECT 1 << 3, 16 >> 2, -16 >>> 28, 5 & 3, 5 | 3, 5 ^ 3, ~5, bit_count(7), bit_count(-1), bit_get(5, 0), getbit(5, 1)
SELECT width_bucket(5.3, 0.2, 10.6, 5), width_bucket(-2.1, 1.3, 3.4, 3), width_bucket(8.1, 0.0, 5.7, 4), width_bucket(-0.9, 5.2, 0.5, 2), width_bucket(5, 0, 10, 0)
SELECT width_bucket(10.6, 0.2, 10.6, 5), width_bucket(NULL, 0, 1, 2), width_bucket(1, 1, 1, 2)
SELECT factorial(0), factorial(5), factorial(20), factorial(21), factorial(-1), factorial(NULL)
SELECT greatest(1, 2.5, '3'), least(1, NULL, 3), greatest(NULL, NULL), greatest(CAST('NaN' AS DOUBLE), 1.0D), least(-0.0D, 0.0D)
SELECT greatest('a', 'B', 'c'), least(1, 2L, 3.5D), greatest(array(1, 2), array(1, 3)), greatest(true, false)
SELECT pi(), e(), degrees(pi()), radians(180), sin(pi()), cos(pi()), tan(pi() / 4), asin(2), acos(-1), atan(1), atan2(1, 1), atan2(0.0, -0.0)
SELECT sinh(1), cosh(1), tanh(100), asinh(1), acosh(0.5), atanh(1), cot(1), sec(1), csc(1)
SELECT hypot(3, 4), rint(2.5), rint(-2.5), rint(3.5), round(2.5D), round(-2.5D), round(0.5F)
SELECT mod(-7, 3), -7 % 3, pmod(-7, 3), pmod(7, -3), pmod(-7, -3), mod(7.5, 2), pmod(-7.5D, 2), 7 % 0, pmod(7, 0)
SELECT div(7, 2), 7 div 0, -7 div 2, 7.9 div 2, CAST(7 AS DECIMAL(5,2)) div 2
SELECT try_add(2147483647, 1), try_subtract(-2147483648, 1), try_multiply(2147483647, 2), try_divide(1, 0), try_divide(1, 2), try_add(DATE'2024-01-01', 1)
SELECT 2147483647 + 1, -2147483648 - 1, 2147483647 * 2, 9223372036854775807L + 1, CAST(200 AS TINYINT), CAST(200 AS TINYINT) + CAST(100 AS TINYINT)
SELECT CAST(127 AS TINYINT) + CAST(1 AS TINYINT), CAST(32767 AS SMALLINT) * CAST(2 AS SMALLINT), CAST(100 AS TINYINT) * 3
SELECT 1 / 0, 1.0 / 0, 1.0D / 0, -1.0D / 0, 0.0D / 0, 0 / 0, 1 % 0, 1.0D % 0
SELECT 1 / 3, 10 / 4, -10 / 4, 1.0 / 3, 2 / 3.0, 1 / 3.0D
SELECT CAST(1 AS DECIMAL(38,0)) / 3, CAST(1 AS DECIMAL(38,18)) / 3, CAST(1 AS DECIMAL(10,4)) * CAST(1 AS DECIMAL(10,4)), CAST(1.5 AS DECIMAL(38,37)) + 1
SELECT CAST(12345678901234567890 AS DECIMAL(20,0)) * CAST(12345678901234567890 AS DECIMAL(20,0)) AS r
SELECT CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0)) + 1 AS r
SELECT CAST(1.23456789 AS DECIMAL(20,8)) * CAST(9.87654321 AS DECIMAL(20,8)) AS r
SELECT 0.1 + 0.2, 0.1D + 0.2D, 0.1F + 0.2F, 1.1 * 1.1, 3.0 - 1.15
SELECT 1e308 * 10, -1e308 * 10, 1e-320 / 1e10, CAST('1e400' AS DOUBLE), CAST('-1e-400' AS DOUBLE)
SELECT CAST('NaN' AS DOUBLE) = CAST('NaN' AS DOUBLE), CAST('NaN' AS DOUBLE) > 1e308, -0.0D = 0.0D, CAST('NaN' AS DOUBLE) IN (CAST('NaN' AS DOUBLE)), CAST('Infinity' AS DOUBLE) - CAST('Infinity' AS DOUBLE)
SELECT isnan(CAST('NaN' AS DOUBLE)), isnan(1.0), isnan(NULL), nanvl(CAST('NaN' AS DOUBLE), 0), nanvl(1.0D, 0), isnull(NULL), isnotnull(1)
SELECT ceil(-0.5), ceil(-0.5D), floor(-0.5D), ceil(1e20D), floor(CAST(1.5 AS DECIMAL(10,1))), ceiling(2.1), ceil(3000000000.5D)
SELECT ceil(3.14159, 2), floor(3.14159, 2), ceil(-3.14159, 3), floor(314.159, -2), ceil(CAST(3.14159 AS DOUBLE), 2), ceil(12345, -2)
SELECT round(123.456, -1), round(123.456, -3), round(-123.456, 1), round(1.5E-10D, 11), round(9.995D, 2), round(1e300D, -299)
SELECT round(2147483647, -1), round(CAST(2147483647 AS BIGINT), -1), round(123, -1), round(125, -1), bround(125, -1), bround(135, -1)
SELECT round(CAST(0.5 AS FLOAT)), round(CAST(2.5 AS DECIMAL(3,1))), round(CAST(-2.5 AS DECIMAL(3,1))), bround(CAST(2.5 AS DECIMAL(3,1))), round(CAST(1.45 AS FLOAT), 1)
SELECT round(CAST('NaN' AS DOUBLE), 2), round(CAST('Infinity' AS DOUBLE)), bround(-0.5D), round(-0.4D)
SELECT random(1) IS NOT NULL, typeof(1), typeof(1L), typeof(1.5), typeof(1.5D), typeof(1.5F), typeof(1e3), typeof(1BD), typeof(1Y), typeof(1S)
SELECT typeof(1 / 2), typeof(1 div 2), typeof(CAST(1 AS TINYINT) + CAST(1 AS TINYINT)), typeof(1 + 1L), typeof(1.5 * 2), typeof(1.5 * 2D), typeof(2147483648)
SELECT typeof(CAST(1 AS DECIMAL(5,2)) / CAST(1 AS DECIMAL(5,2))), typeof(CAST(1 AS DECIMAL(38,10)) * CAST(1 AS DECIMAL(38,10))), typeof(sum(CAST(1 AS DECIMAL(5,2)))), typeof(avg(CAST(1 AS DECIMAL(5,2))))
SELECT typeof(avg(1)), typeof(sum(1)), typeof(sum(1.5D)), typeof(count(1)), typeof(round(1.55, 1)), typeof(ceil(1.5)), typeof(ceil(1.5D)), typeof(floor(1.55, 1))
SELECT typeof(array(1, 2L)), typeof(map('a', 1)), typeof(named_struct('a', 1)), typeof(NULL), typeof(DATE'2024-01-01'), typeof(X'01'), typeof(INTERVAL 1 DAY)
SELECT typeof(abs(CAST(1 AS TINYINT))), typeof(-CAST(1 AS SMALLINT)), typeof(pmod(1, 2L)), typeof(5 % 2.0D), typeof(pow(2, 3)), typeof(sqrt(4)), typeof(bround(1.5, 0))
SELECT typeof(coalesce(1, 2L)), typeof(if(true, 1, 1.5)), typeof(CASE WHEN true THEN 1 ELSE 'a' END), typeof(greatest(1, 1.5)), typeof(nvl(1, 1.5D))
SELECT 1 = 1.0, 1 = '1', '1.0' = 1, 'a' = 1, true = 'true', true = 1, '1' = 1.0D, 2 > '10'
SELECT 1 <=> NULL, NULL <=> NULL, NULL = NULL, NULL AND false, NULL OR true, NOT NULL, NULL AND true
SELECT 5 BETWEEN 1 AND 10, 5 NOT BETWEEN 6 AND 1, NULL BETWEEN 1 AND 2, 'b' BETWEEN 'a' AND 'c'
SELECT 1 IN (1, NULL), 2 IN (1, NULL), 2 NOT IN (1, NULL), NULL IN (1), 1 IN ('1', 2)
SELECT e() * 1e10, pi() * 1e-10, 1.0D / 7, 100.0D / 3, 2.0D / 3 * 1e6, 1e6D / 3
SELECT 123456789.0D * 10, 1234567.0D, 12345678.0D, 0.0001D, 0.001D * 0.1, 1e-3D + 0, CAST(1e7 AS DOUBLE)
SELECT CAST(1e7 AS FLOAT), CAST(1.2345678e7 AS FLOAT), CAST(0.0001 AS FLOAT), CAST(1e-4 AS FLOAT) * 10, CAST(3.3 AS FLOAT) * CAST(3 AS FLOAT)
SELECT CAST(1.1 AS FLOAT) + 1.1D, CAST(CAST(1.1 AS FLOAT) AS DOUBLE), CAST(CAST(0.1 AS FLOAT) AS DECIMAL(10,9))
SELECT CAST(1e-7 AS DECIMAL(10,8)), CAST(1e-7 AS DECIMAL(10,8)) * 1, CAST(1.0E7 AS DECIMAL(10,1)), CAST(0.5 AS DECIMAL(1,0)), CAST(-0.5 AS DECIMAL(1,0)), CAST(1.55 AS DECIMAL(2,1))
SELECT CAST(123.45 AS DECIMAL(4,2)), CAST(12.345 AS DECIMAL(3,1)), CAST('123.456' AS DECIMAL(4,1)), CAST(1e100 AS DECIMAL(38,0)), CAST('1e3' AS DECIMAL(6,2))
SELECT 1.0E-20 * 1.0E-20, 10000000000000000000.1 + 1, -0.00, 0.10, 1.000, 123.4500
SELECT crc32('hello'), crc32(''), crc32(NULL), md5('hello'), md5(''), sha1('hello'), sha('abc')
SELECT sha2('hello', 256), sha2('hello', 224), sha2('hello', 384), sha2('hello', 512), sha2('hello', 0), sha2('hello', 100)
SELECT hash(1), hash('a'), hash(NULL), hash(1, 'a'), hash(1L), hash(1.0D), hash(-0.0D), hash(0.0D), hash(true), hash(DATE'2024-01-01')
SELECT hash(array(1, 2)), hash(map('a', 1)), hash(named_struct('a', 1)), hash(CAST(1.5 AS DECIMAL(10,2))), hash(CAST(1.5 AS FLOAT)), hash(CAST(1 AS TINYINT)), hash(''), hash(TIMESTAMP'2024-01-01 00:00:00')
SELECT xxhash64(1), xxhash64('a'), xxhash64(NULL), xxhash64(1, 'a'), xxhash64(1L), xxhash64(1.0D), xxhash64(''), xxhash64(array('a', 'b'))
SELECT hash(CAST(1.5 AS DECIMAL(30,2))), xxhash64(CAST(1.5 AS DECIMAL(30,2))), hash(X'0102'), hash('héllo'), hash(CAST('NaN' AS DOUBLE))
SELECT sha2(CAST('abc' AS BINARY), 256), md5(X''), crc32(X'00')
SELECT bit_length('é'), octet_length(X'0001'), bit_and_nothing FROM (SELECT 1 AS bit_and_nothing)
SELECT 9223372036854775807L * 2, -9223372036854775808L / -1, -9223372036854775808L div -1, CAST(-9223372036854775808L AS INT)
SELECT CAST(1e19 AS BIGINT), CAST(-1e19 AS BIGINT), CAST(CAST('NaN' AS DOUBLE) AS INT), CAST(CAST('Infinity' AS DOUBLE) AS BIGINT), CAST(3e9 AS INT), CAST(-2.9 AS INT), CAST(2.9D AS TINYINT)
SELECT CAST(300 AS TINYINT), CAST(-129 AS TINYINT), CAST(70000 AS SMALLINT), CAST(3000000000L AS INT), CAST(1e10 AS FLOAT), CAST(4e38 AS FLOAT)
