SELECT CAST('1' AS int) AS c
SELECT CAST('1' AS bigint) AS c
SELECT CAST('1' AS tinyint) AS c
SELECT CAST('1' AS double) AS c
SELECT CAST('1' AS float) AS c
SELECT CAST('1' AS decimal(5,2)) AS c
SELECT CAST('1' AS boolean) AS c
SELECT CAST(' 1 ' AS int) AS c
SELECT CAST(' 1 ' AS bigint) AS c
SELECT CAST(' 1 ' AS tinyint) AS c
SELECT CAST(' 1 ' AS double) AS c
SELECT CAST(' 1 ' AS float) AS c
SELECT CAST(' 1 ' AS decimal(5,2)) AS c
SELECT CAST(' 1 ' AS boolean) AS c
SELECT CAST('+1' AS int) AS c
SELECT CAST('+1' AS bigint) AS c
SELECT CAST('+1' AS tinyint) AS c
SELECT CAST('+1' AS double) AS c
SELECT CAST('+1' AS float) AS c
SELECT CAST('+1' AS decimal(5,2)) AS c
SELECT CAST('+1' AS boolean) AS c
SELECT CAST('-1' AS int) AS c
SELECT CAST('-1' AS bigint) AS c
SELECT CAST('-1' AS tinyint) AS c
SELECT CAST('-1' AS double) AS c
SELECT CAST('-1' AS float) AS c
SELECT CAST('-1' AS decimal(5,2)) AS c
SELECT CAST('-1' AS boolean) AS c
SELECT CAST('1.5' AS int) AS c
SELECT CAST('1.5' AS bigint) AS c
SELECT CAST('1.5' AS tinyint) AS c
SELECT CAST('1.5' AS double) AS c
SELECT CAST('1.5' AS float) AS c
SELECT CAST('1.5' AS decimal(5,2)) AS c
SELECT CAST('1.5' AS boolean) AS c
SELECT CAST('-1.5' AS int) AS c
SELECT CAST('-1.5' AS bigint) AS c
SELECT CAST('-1.5' AS tinyint) AS c
SELECT CAST('-1.5' AS double) AS c
SELECT CAST('-1.5' AS float) AS c
SELECT CAST('-1.5' AS decimal(5,2)) AS c
SELECT CAST('-1.5' AS boolean) AS c
SELECT CAST('1e3' AS int) AS c
SELECT CAST('1e3' AS bigint) AS c
SELECT CAST('1e3' AS tinyint) AS c
SELECT CAST('1e3' AS double) AS c
SELECT CAST('1e3' AS float) AS c
SELECT CAST('1e3' AS decimal(5,2)) AS c
SELECT CAST('1e3' AS boolean) AS c
SELECT CAST('' AS int) AS c
SELECT CAST('' AS bigint) AS c
SELECT CAST('' AS tinyint) AS c
SELECT CAST('' AS double) AS c
SELECT CAST('' AS float) AS c
SELECT CAST('' AS decimal(5,2)) AS c
SELECT CAST('' AS boolean) AS c
SELECT CAST('abc' AS int) AS c
SELECT CAST('abc' AS bigint) AS c
SELECT CAST('abc' AS tinyint) AS c
SELECT CAST('abc' AS double) AS c
SELECT CAST('abc' AS float) AS c
SELECT CAST('abc' AS decimal(5,2)) AS c
SELECT CAST('abc' AS boolean) AS c
SELECT CAST('2147483648' AS int) AS c
SELECT CAST('2147483648' AS bigint) AS c
SELECT CAST('2147483648' AS tinyint) AS c
SELECT CAST('2147483648' AS double) AS c
SELECT CAST('2147483648' AS float) AS c
SELECT CAST('2147483648' AS decimal(5,2)) AS c
SELECT CAST('2147483648' AS boolean) AS c
SELECT CAST('-2147483649' AS int) AS c
SELECT CAST('-2147483649' AS bigint) AS c
SELECT CAST('-2147483649' AS tinyint) AS c
SELECT CAST('-2147483649' AS double) AS c
SELECT CAST('-2147483649' AS float) AS c
SELECT CAST('-2147483649' AS decimal(5,2)) AS c
SELECT CAST('-2147483649' AS boolean) AS c
SELECT CAST('0x10' AS int) AS c
SELECT CAST('0x10' AS bigint) AS c
SELECT CAST('0x10' AS tinyint) AS c
SELECT CAST('0x10' AS double) AS c
SELECT CAST('0x10' AS float) AS c
SELECT CAST('0x10' AS decimal(5,2)) AS c
SELECT CAST('0x10' AS boolean) AS c
SELECT CAST('1.' AS int) AS c
SELECT CAST('1.' AS bigint) AS c
SELECT CAST('1.' AS tinyint) AS c
SELECT CAST('1.' AS double) AS c
SELECT CAST('1.' AS float) AS c
SELECT CAST('1.' AS decimal(5,2)) AS c
SELECT CAST('1.' AS boolean) AS c
SELECT CAST('.5' AS int) AS c
SELECT CAST('.5' AS bigint) AS c
SELECT CAST('.5' AS tinyint) AS c
SELECT CAST('.5' AS double) AS c
SELECT CAST('.5' AS float) AS c
SELECT CAST('.5' AS decimal(5,2)) AS c
SELECT CAST('.5' AS boolean) AS c
SELECT CAST('-0' AS int) AS c
SELECT CAST('-0' AS bigint) AS c
SELECT CAST('-0' AS tinyint) AS c
SELECT CAST('-0' AS double) AS c
SELECT CAST('-0' AS float) AS c
SELECT CAST('-0' AS decimal(5,2)) AS c
SELECT CAST('-0' AS boolean) AS c
SELECT CAST('NaN' AS int) AS c
SELECT CAST('NaN' AS bigint) AS c
SELECT CAST('NaN' AS tinyint) AS c
SELECT CAST('NaN' AS double) AS c
SELECT CAST('NaN' AS float) AS c
SELECT CAST('NaN' AS decimal(5,2)) AS c
SELECT CAST('NaN' AS boolean) AS c
SELECT CAST('Infinity' AS int) AS c
SELECT CAST('Infinity' AS bigint) AS c
SELECT CAST('Infinity' AS tinyint) AS c
SELECT CAST('Infinity' AS double) AS c
SELECT CAST('Infinity' AS float) AS c
SELECT CAST('Infinity' AS decimal(5,2)) AS c
SELECT CAST('Infinity' AS boolean) AS c
SELECT CAST('-infinity' AS int) AS c
SELECT CAST('-infinity' AS bigint) AS c
SELECT CAST('-infinity' AS tinyint) AS c
SELECT CAST('-infinity' AS double) AS c
SELECT CAST('-infinity' AS float) AS c
SELECT CAST('-infinity' AS decimal(5,2)) AS c
SELECT CAST('-infinity' AS boolean) AS c
SELECT CAST('1 2' AS int) AS c
SELECT CAST('1 2' AS bigint) AS c
SELECT CAST('1 2' AS tinyint) AS c
SELECT CAST('1 2' AS double) AS c
SELECT CAST('1 2' AS float) AS c
SELECT CAST('1 2' AS decimal(5,2)) AS c
SELECT CAST('1 2' AS boolean) AS c
SELECT CAST('	7	' AS int) AS c
SELECT CAST('	7	' AS bigint) AS c
SELECT CAST('	7	' AS tinyint) AS c
SELECT CAST('	7	' AS double) AS c
SELECT CAST('	7	' AS float) AS c
SELECT CAST('	7	' AS decimal(5,2)) AS c
SELECT CAST('	7	' AS boolean) AS c
SELECT CAST('9223372036854775808' AS int) AS c
SELECT CAST('9223372036854775808' AS bigint) AS c
SELECT CAST('9223372036854775808' AS tinyint) AS c
SELECT CAST('9223372036854775808' AS double) AS c
SELECT CAST('9223372036854775808' AS float) AS c
SELECT CAST('9223372036854775808' AS decimal(5,2)) AS c
SELECT CAST('9223372036854775808' AS boolean) AS c
SELECT CAST('1,000' AS int) AS c
SELECT CAST('1,000' AS bigint) AS c
SELECT CAST('1,000' AS tinyint) AS c
SELECT CAST('1,000' AS double) AS c
SELECT CAST('1,000' AS float) AS c
SELECT CAST('1,000' AS decimal(5,2)) AS c
SELECT CAST('1,000' AS boolean) AS c
SELECT CAST('00012' AS int) AS c
SELECT CAST('00012' AS bigint) AS c
SELECT CAST('00012' AS tinyint) AS c
SELECT CAST('00012' AS double) AS c
SELECT CAST('00012' AS float) AS c
SELECT CAST('00012' AS decimal(5,2)) AS c
SELECT CAST('00012' AS boolean) AS c
SELECT CAST('1d' AS int) AS c
SELECT CAST('1d' AS bigint) AS c
SELECT CAST('1d' AS tinyint) AS c
SELECT CAST('1d' AS double) AS c
SELECT CAST('1d' AS float) AS c
SELECT CAST('1d' AS decimal(5,2)) AS c
SELECT CAST('1d' AS boolean) AS c
SELECT CAST('1f' AS int) AS c
SELECT CAST('1f' AS bigint) AS c
SELECT CAST('1f' AS tinyint) AS c
SELECT CAST('1f' AS double) AS c
SELECT CAST('1f' AS float) AS c
SELECT CAST('1f' AS decimal(5,2)) AS c
SELECT CAST('1f' AS boolean) AS c
SELECT CAST('1L' AS int) AS c
SELECT CAST('1L' AS bigint) AS c
SELECT CAST('1L' AS tinyint) AS c
SELECT CAST('1L' AS double) AS c
SELECT CAST('1L' AS float) AS c
SELECT CAST('1L' AS decimal(5,2)) AS c
SELECT CAST('1L' AS boolean) AS c
SELECT CAST('true' AS boolean) AS c
SELECT CAST('TRUE' AS boolean) AS c
SELECT CAST(' true ' AS boolean) AS c
SELECT CAST('t' AS boolean) AS c
SELECT CAST('yes' AS boolean) AS c
SELECT CAST('y' AS boolean) AS c
SELECT CAST('1' AS boolean) AS c
SELECT CAST('0' AS boolean) AS c
SELECT CAST('no' AS boolean) AS c
SELECT CAST('f' AS boolean) AS c
SELECT CAST('off' AS boolean) AS c
SELECT CAST('2' AS boolean) AS c
SELECT CAST('2024-02-29' AS date) AS c
SELECT CAST('2024-02-29' AS timestamp) AS c
SELECT CAST('2023-02-29' AS date) AS c
SELECT CAST('2023-02-29' AS timestamp) AS c
SELECT CAST('2024-1-5' AS date) AS c
SELECT CAST('2024-1-5' AS timestamp) AS c
SELECT CAST('2024' AS date) AS c
SELECT CAST('2024' AS timestamp) AS c
SELECT CAST('2024-03' AS date) AS c
SELECT CAST('2024-03' AS timestamp) AS c
SELECT CAST(' 2024-03-01 ' AS date) AS c
SELECT CAST(' 2024-03-01 ' AS timestamp) AS c
SELECT CAST('2024-03-01T10:00:00' AS date) AS c
SELECT CAST('2024-03-01T10:00:00' AS timestamp) AS c
SELECT CAST('2024-03-01 10:00:00' AS date) AS c
SELECT CAST('2024-03-01 10:00:00' AS timestamp) AS c
SELECT CAST('20240301' AS date) AS c
SELECT CAST('20240301' AS timestamp) AS c
SELECT CAST('2024/03/01' AS date) AS c
SELECT CAST('2024/03/01' AS timestamp) AS c
SELECT CAST('0001-01-01' AS date) AS c
SELECT CAST('0001-01-01' AS timestamp) AS c
SELECT CAST('9999-12-31' AS date) AS c
SELECT CAST('9999-12-31' AS timestamp) AS c
SELECT CAST('-0001-01-01' AS date) AS c
SELECT CAST('-0001-01-01' AS timestamp) AS c
SELECT CAST('+10000-01-01' AS date) AS c
SELECT CAST('+10000-01-01' AS timestamp) AS c
SELECT CAST('2024-03-01 25:00:00' AS date) AS c
SELECT CAST('2024-03-01 25:00:00' AS timestamp) AS c
SELECT CAST('2024-03-01T10:00:00Z' AS date) AS c
SELECT CAST('2024-03-01T10:00:00Z' AS timestamp) AS c
SELECT CAST('2024-03-01T10:00:00+02:00' AS date) AS c
SELECT CAST('2024-03-01T10:00:00+02:00' AS timestamp) AS c
SELECT CAST('2024-03-01 10:00:00.123456789' AS date) AS c
SELECT CAST('2024-03-01 10:00:00.123456789' AS timestamp) AS c
SELECT CAST('2024-03-01 10:00' AS date) AS c
SELECT CAST('2024-03-01 10:00' AS timestamp) AS c
SELECT CAST('2024-03-01 1:2:3' AS date) AS c
SELECT CAST('2024-03-01 1:2:3' AS timestamp) AS c
SELECT CAST('1969-12-31 23:59:59.999' AS date) AS c
SELECT CAST('1969-12-31 23:59:59.999' AS timestamp) AS c
SELECT CAST('T10:00:00' AS date) AS c
SELECT CAST('T10:00:00' AS timestamp) AS c
SELECT CAST('10:00:00' AS date) AS c
SELECT CAST('10:00:00' AS timestamp) AS c
SELECT CAST('2024-03-01 10:00:00 UTC' AS date) AS c
SELECT CAST('2024-03-01 10:00:00 UTC' AS timestamp) AS c
SELECT CAST('2024-03-01 10:00:00 America/New_York' AS date) AS c
SELECT CAST('2024-03-01 10:00:00 America/New_York' AS timestamp) AS c
SELECT CAST('1582-10-10' AS date) AS c
SELECT CAST('1582-10-10' AS timestamp) AS c
SELECT CAST('2024-13-01' AS date) AS c
SELECT CAST('2024-13-01' AS timestamp) AS c
SELECT CAST('2024-00-10' AS date) AS c
SELECT CAST('2024-00-10' AS timestamp) AS c
