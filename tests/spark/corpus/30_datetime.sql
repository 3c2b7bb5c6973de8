SELECT date_add(DATE'2024-02-28', 1), date_add(DATE'2024-12-31', 1), date_add(DATE'2024-01-01', -1), date_sub(DATE'2024-03-01', 1)
SELECT date_add('2024-02-28', 2), date_add('2024-02-28 23:59:59', 1), date_add('bad', 1), date_add(NULL, 1)
SELECT date_add(DATE'2024-01-01', 2147483647) AS r
SELECT DATE'2024-01-31' + 1, DATE'2024-01-31' - 1, DATE'2024-03-01' - DATE'2024-02-01'
SELECT add_months(DATE'2024-01-31', 1), add_months(DATE'2023-01-31', 1), add_months(DATE'2024-02-29', 12), add_months(DATE'2024-02-29', -12)
SELECT add_months(DATE'2024-04-30', 1), add_months(DATE'2024-02-29', 1), add_months('2024-01-31 10:00:00', 1), add_months(DATE'2024-01-15', -13)
SELECT months_between(DATE'2024-03-31', DATE'2024-02-29'), months_between(DATE'2024-03-30', DATE'2024-02-29'), months_between(DATE'2024-01-01', DATE'2024-03-15')
SELECT months_between(TIMESTAMP'2024-03-01 12:00:00', TIMESTAMP'2024-02-01 00:00:00'), months_between(TIMESTAMP'2024-03-01 12:00:00', TIMESTAMP'2024-02-01 00:00:00', false)
SELECT months_between('1997-02-28 10:30:00', '1996-10-30') AS r
SELECT months_between(DATE'2024-02-29', DATE'2024-01-31'), months_between(DATE'2024-01-31', DATE'2024-02-29')
SELECT datediff(DATE'2024-03-01', DATE'2024-02-01'), datediff('2024-01-01', '2024-12-31'), datediff('2024-01-01 23:00:00', '2023-12-31 01:00:00'), datediff(NULL, DATE'2024-01-01')
SELECT date_diff(DATE'2024-03-01', DATE'2024-02-01') AS r
SELECT date_trunc('YEAR', TIMESTAMP'2024-05-17 13:45:30.123'), date_trunc('QUARTER', TIMESTAMP'2024-05-17 13:45:30.123'), date_trunc('MONTH', TIMESTAMP'2024-05-17 13:45:30.123')
SELECT date_trunc('WEEK', TIMESTAMP'2024-05-17 13:45:30.123'), date_trunc('DAY', TIMESTAMP'2024-05-17 13:45:30.123'), date_trunc('HOUR', TIMESTAMP'2024-05-17 13:45:30.123')
SELECT date_trunc('MINUTE', TIMESTAMP'2024-05-17 13:45:30.123'), date_trunc('SECOND', TIMESTAMP'2024-05-17 13:45:30.123'), date_trunc('MILLISECOND', TIMESTAMP'2024-05-17 13:45:30.123456'), date_trunc('MICROSECOND', TIMESTAMP'2024-05-17 13:45:30.123456')
SELECT date_trunc('yy', '2024-05-17'), date_trunc('mm', '2024-05-17'), date_trunc('dd', '2024-05-17'), date_trunc('bogus', '2024-05-17'), date_trunc('mon', '2024-05-17')
SELECT date_trunc('WEEK', TIMESTAMP'2024-01-01 00:00:00'), date_trunc('WEEK', TIMESTAMP'2023-12-31 10:00:00'), date_trunc('YEAR', TIMESTAMP'1969-07-20 20:17:00')
SELECT trunc(DATE'2024-05-17', 'YEAR'), trunc(DATE'2024-05-17', 'MM'), trunc(DATE'2024-05-17', 'Q'), trunc(DATE'2024-05-17', 'WEEK'), trunc(DATE'2024-05-17', 'DD'), trunc(DATE'2024-05-17', 'x')
SELECT trunc('2024-05-17 10:00:00', 'MON'), trunc(DATE'2024-05-17', 'yyyy'), trunc(DATE'2024-05-17', 'quarter')
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123', 'yyyy-MM-dd HH:mm:ss.SSS'), date_format(TIMESTAMP'2024-03-05 07:08:09', 'y yy yyy yyyy')
SELECT date_format(TIMESTAMP'2024-03-05 17:08:09', 'h hh a K k'), date_format(TIMESTAMP'2024-03-05 00:08:09', 'h hh a K kk')
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09', 'M MM MMM MMMM L LL'), date_format(TIMESTAMP'2024-03-05 07:08:09', 'E EE EEE EEEE')
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09', 'd dd D DDD'), date_format(TIMESTAMP'2024-03-05 07:08:09', 'Q QQ q'), date_format(TIMESTAMP'2024-03-05 07:08:09', 'QQQ QQQQ')
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.120', 'S SS SSS SSSSSS'), date_format(TIMESTAMP'2024-03-05 07:08:09', '''T''HH'), date_format(TIMESTAMP'2024-03-05 07:08:09', 'z VV XXX xx Z O')
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09', 'G u e'), date_format(DATE'2024-03-05', 'yyyy/MM/dd'), date_format('2024-03-05', 'MMM d, yyyy'), date_format(NULL, 'yyyy')
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09', 'w W') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09', 'Y') AS r
SELECT date_format(TIMESTAMP'0001-01-01 00:00:00', 'yyyy-MM-dd G'), date_format(TIMESTAMP'9999-12-31 23:59:59', 'yyyyy')
SELECT to_date('2024-03-05'), to_date('03/05/2024', 'MM/dd/yyyy'), to_date('2024-3-5', 'yyyy-M-d'), to_date('05.03.24', 'dd.MM.yy'), to_date('bad'), to_date('2024-02-30')
SELECT to_date('2024-03-05 10:00:00'), to_date('20240305', 'yyyyMMdd'), to_date('Mar 5 2024', 'MMM d yyyy'), to_date('March 05 2024', 'MMMM dd yyyy')
SELECT to_date('2024-03-05', 'yyyy-MM-dd HH') AS r
SELECT to_date('2024-3-5', 'yyyy-MM-dd') AS r
SELECT to_date('  2024-03-05') AS r
SELECT to_timestamp('2024-03-05 10:11:12'), to_timestamp('2024-03-05 10:11:12.5'), to_timestamp('05/03/2024 10:11', 'dd/MM/yyyy HH:mm'), to_timestamp('2024-03-05T10:11:12Z')
SELECT to_timestamp('2024-03-05 10:11:12', 'yyyy-MM-dd HH:mm:ss.SSS') AS r
SELECT to_timestamp('2024-03-05 10:11:12.123456', 'yyyy-MM-dd HH:mm:ss.SSSSSS'), to_timestamp('10:11 PM 2024-03-05', 'hh:mm a yyyy-MM-dd'), to_timestamp('1709633472', 'ssssssssss')
SELECT to_timestamp(1709633472), to_timestamp(1709633472.5), to_timestamp(-1), to_timestamp(NULL)
SELECT to_timestamp('2024-03-05 10:11:12+02:00'), to_timestamp('2024-03-05 10:11:12 +0530', 'yyyy-MM-dd HH:mm:ss Z'), to_timestamp('2024-03-05 10:11:12 PST', 'yyyy-MM-dd HH:mm:ss z')
SELECT unix_timestamp('2024-03-05 10:11:12'), unix_timestamp('2024-03-05', 'yyyy-MM-dd'), unix_timestamp('bad'), unix_timestamp(DATE'1969-12-31'), unix_timestamp(TIMESTAMP'1970-01-01 00:00:01.9')
SELECT to_unix_timestamp('2024-03-05 10:11:12'), unix_seconds(TIMESTAMP'2024-03-05 10:11:12'), unix_millis(TIMESTAMP'1969-12-31 23:59:59.999'), unix_micros(TIMESTAMP'1970-01-01 00:00:00.000001'), unix_date(DATE'1969-12-31')
SELECT from_unixtime(0), from_unixtime(1709633472, 'yyyy-MM-dd'), from_unixtime(-86401), from_unixtime(NULL), from_unixtime(253402300800)
SELECT from_unixtime(1.9) AS r
SELECT timestamp_seconds(1.5), timestamp_millis(-1), timestamp_micros(1), date_from_unix_date(-1), timestamp_seconds(-0.000001)
SELECT next_day(DATE'2024-03-05', 'TU'), next_day(DATE'2024-03-05', 'Tuesday'), next_day(DATE'2024-03-05', 'mon'), next_day(DATE'2024-03-05', 'xx'), next_day('2024-03-05 10:00:00', 'SUN')
SELECT last_day(DATE'2024-02-10'), last_day(DATE'2023-02-10'), last_day('2024-12-31'), last_day(NULL), last_day(TIMESTAMP'2024-04-30 23:00:00')
SELECT weekofyear(DATE'2024-01-01'), weekofyear(DATE'2023-01-01'), weekofyear(DATE'2020-12-31'), weekofyear(DATE'2021-01-03'), weekofyear(DATE'2026-12-31')
SELECT dayofweek(DATE'2024-03-03'), dayofweek(DATE'2024-03-09'), weekday(DATE'2024-03-03'), weekday(DATE'2024-03-04'), dayofmonth(DATE'2024-03-03'), dayofyear(DATE'2024-12-31')
SELECT year(DATE'2024-03-03'), quarter(DATE'2024-03-31'), quarter(DATE'2024-04-01'), month('2024-03-03'), day('2024-03-03'), hour('2024-03-03 13:14:15'), minute(TIMESTAMP'2024-03-03 13:14:15'), second(TIMESTAMP'2024-03-03 13:14:15.9')
SELECT extract(YEAR FROM DATE'2024-03-03'), extract(DOW FROM DATE'2024-03-03'), extract(DOY FROM DATE'2024-03-03'), extract(WEEK FROM DATE'2024-03-03'), extract(SECOND FROM TIMESTAMP'2024-03-03 13:14:15.123')
SELECT date_part('quarter', DATE'2024-05-01'), date_part('YEAROFWEEK', DATE'2021-01-01'), extract(ISODOW FROM DATE'2024-03-03'), extract(DAYOFWEEK_ISO FROM DATE'2024-03-03')
SELECT make_date(2024, 2, 29), make_date(2023, 2, 29), make_date(2024, 13, 1), make_date(NULL, 1, 1), make_date(-1, 1, 1)
SELECT make_timestamp(2024, 3, 5, 10, 11, 12.5), make_timestamp(2024, 3, 5, 10, 11, 60), make_timestamp(2024, 3, 5, 10, 11, 61), make_timestamp(2024, 3, 5, 25, 0, 0)
SELECT make_timestamp(2024, 3, 5, 10, 11, 12, 'America/New_York'), make_timestamp_ntz(2024, 3, 5, 10, 11, 12), make_timestamp(2024, 3, 5, 10, 11, 12.123456789)
SELECT make_interval(1, 2, 3, 4, 5, 6, 7.5) AS r
SELECT TIMESTAMP'1960-06-15 12:34:56.789', TIMESTAMP'1900-01-01 00:00:00', TIMESTAMP'0001-01-01 00:00:00', TIMESTAMP'9999-12-31 23:59:59.999999'
SELECT DATE'1582-10-05', DATE'1582-10-15', DATE'0001-01-01', DATE'1900-02-28' + 1
SELECT CAST(TIMESTAMP'1969-12-31 23:59:59.5' AS LONG), CAST(TIMESTAMP'1969-12-31 23:59:59.5' AS DOUBLE), CAST(-1.5 AS TIMESTAMP), CAST(1e12 AS TIMESTAMP)
SELECT CAST(TIMESTAMP'2024-03-05 10:11:12.5' AS DATE), CAST(DATE'2024-03-05' AS TIMESTAMP), CAST(TIMESTAMP'2024-03-05 10:11:12' AS STRING), CAST(TIMESTAMP'2024-03-05 10:11:12.100' AS STRING)
SELECT CAST(0 AS TIMESTAMP), CAST(true AS TIMESTAMP), CAST(DATE'2024-01-01' AS INT), CAST(123 AS DATE)
SELECT TIMESTAMP'2024-03-05 10:00:00' + INTERVAL 1 DAY, TIMESTAMP'2024-03-05 10:00:00' - INTERVAL '1 02:03:04' DAY TO SECOND, DATE'2024-01-31' + INTERVAL 1 MONTH
SELECT DATE'2024-03-05' + INTERVAL 36 HOURS, TIMESTAMP'2024-01-31 00:00:00' + INTERVAL 1 MONTH, INTERVAL 1 YEAR 2 MONTHS, INTERVAL '1-2' YEAR TO MONTH
SELECT TIMESTAMP'2024-03-05 10:00:00' - TIMESTAMP'2024-03-04 08:30:00', DATE'2024-03-05' - DATE'2023-03-05'
SELECT timestampadd(MONTH, 1, TIMESTAMP'2024-01-31 10:00:00'), timestampdiff(DAY, TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-03-01 00:00:00'), timestampdiff(MONTH, DATE'2024-01-31', DATE'2024-02-29')
SELECT dateadd(DAY, 5, DATE'2024-01-01'), datediff(HOUR, TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-01-02 01:30:00')
SELECT from_utc_timestamp(TIMESTAMP'2024-03-10 06:30:00', 'America/Los_Angeles'), to_utc_timestamp(TIMESTAMP'2024-03-10 02:30:00', 'America/Los_Angeles'), from_utc_timestamp(TIMESTAMP'2024-07-01 00:00:00', 'Asia/Kolkata'), from_utc_timestamp(TIMESTAMP'2024-07-01 00:00:00', '+05:00')
SELECT convert_timezone('UTC', 'Asia/Tokyo', TIMESTAMP_NTZ'2024-03-05 10:00:00') AS r
SELECT TIMESTAMP_NTZ'2024-03-05 10:00:00', CAST('2024-03-05 10:00:00' AS TIMESTAMP_NTZ), to_timestamp_ntz('2024-03-05 10:00:00')
SELECT window(TIMESTAMP'2024-03-05 10:07:00', '5 minutes') AS w
SELECT current_date() IS NOT NULL, current_timestamp() IS NOT NULL
SELECT date_format(TIMESTAMP'2024-03-05 10:00:00', 'yyyy-MM-dd''T''HH:mm:ss.SSSXXX') AS r
SELECT to_date('2024-366', 'yyyy-DDD') AS r
SELECT to_timestamp('2024-03-05 12:00:00 AM', 'yyyy-MM-dd hh:mm:ss a') AS r
SELECT to_timestamp('24-03-05', 'yy-MM-dd'), to_timestamp('99-03-05', 'yy-MM-dd'), to_date('1/2/2024', 'd/M/yyyy')
SELECT to_date('2024-03-05', 'YYYY-MM-dd') AS r
SELECT date_format(DATE'2024-12-30', 'YYYY-ww') AS r
SELECT unix_timestamp('2024-03-05 10:11', 'yyyy-MM-dd HH:mm:ss') AS r
SELECT try_to_timestamp('bad'), try_to_timestamp('2024-03-05', 'yyyy-MM-dd')
SELECT to_timestamp('2024-03-05T10:11:12.123+0100') AS r
SELECT CAST('2024-03-05T10:11:12.123+01:00' AS TIMESTAMP), CAST('2024-03-05 10:11:12.123-08' AS TIMESTAMP)
SELECT CAST('1970-01-01' AS TIMESTAMP) - INTERVAL 1 MICROSECOND AS r
SELECT sequence(DATE'2024-01-31', DATE'2024-05-31', INTERVAL 1 MONTH) AS r
SELECT sequence(DATE'2024-01-01', DATE'2024-01-05') AS r
SELECT sequence(TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-01-01 03:00:00', INTERVAL 90 MINUTES) AS r
SELECT date_add(DATE'2024-03-05', CAST(1.9 AS INT)), dayname(DATE'2024-03-05'), monthname(DATE'2024-03-05')
SELECT DATE'2024-03-05' = TIMESTAMP'2024-03-05 00:00:00', DATE'2024-03-05' < '2024-03-06', TIMESTAMP'2024-03-05 00:00:00' = '2024-03-05'
SELECT greatest(DATE'2024-01-01', TIMESTAMP'2023-12-31 10:00:00'), least(DATE'2024-01-01', '2023-01-01')
