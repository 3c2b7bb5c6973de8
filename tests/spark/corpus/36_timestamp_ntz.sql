-- Spark 3.5's TIMESTAMP_NTZ (TimestampNTZType): literals, casts, functions, arithmetic, comparisons and
-- coercion, aggregates, windows, JSON and CSV text; then the same in a session time zone other than UTC.
SELECT TIMESTAMP_NTZ '2024-01-01 10:00:00', typeof(TIMESTAMP_NTZ '2024-01-01 10:00:00')
SELECT CAST('2024-01-01 10:00:00' AS TIMESTAMP_NTZ), CAST('2024-01-01' AS TIMESTAMP_NTZ), CAST('2024-01-01T10:00:00.123456' AS TIMESTAMP_NTZ)
SELECT CAST('2024-01-01 10:00:00+02:00' AS TIMESTAMP_NTZ) AS a, CAST('2024-01-01 10:00:00 America/New_York' AS TIMESTAMP_NTZ) AS b, CAST('2024-01-01 10:00:00Z' AS TIMESTAMP_NTZ) AS c
SELECT CAST('garbage' AS TIMESTAMP_NTZ), CAST('' AS TIMESTAMP_NTZ), CAST('2024' AS TIMESTAMP_NTZ), CAST('2024-02' AS TIMESTAMP_NTZ), CAST(' 2024-01-01 10:00 ' AS TIMESTAMP_NTZ)
SELECT CAST('T10:00:00' AS TIMESTAMP_NTZ) AS a, CAST('10:00:00' AS TIMESTAMP_NTZ) AS b
SELECT CAST(DATE '2024-01-01' AS TIMESTAMP_NTZ), CAST(TIMESTAMP '2024-01-01 10:00:00' AS TIMESTAMP_NTZ)
SELECT CAST(TIMESTAMP_NTZ '2024-01-01 10:00:00' AS TIMESTAMP), CAST(TIMESTAMP_NTZ '2024-01-01 10:00:00' AS DATE), CAST(TIMESTAMP_NTZ '2024-01-01 10:00:00.5' AS STRING)
SELECT CAST(TIMESTAMP_NTZ '2024-01-01 10:00:00' AS BIGINT)
SELECT CAST(1 AS TIMESTAMP_NTZ)
SELECT CAST(TIMESTAMP_NTZ '2024-01-01 10:00:00' AS DOUBLE)
SELECT CAST(TIMESTAMP_NTZ '2024-01-01 10:00:00' AS BOOLEAN)
SELECT CAST(TIMESTAMP_NTZ '2024-01-01 10:00:00' AS INT)
SELECT TRY_CAST('x' AS TIMESTAMP_NTZ), TRY_CAST('2024-01-01 10:00' AS TIMESTAMP_NTZ)
SELECT to_timestamp_ntz('2024-01-01 10:00:00'), to_timestamp_ntz('01/02/2024 10:30', 'MM/dd/yyyy HH:mm'), to_timestamp_ntz('bad')
SELECT to_timestamp_ntz(DATE '2024-01-01'), to_timestamp_ntz(TIMESTAMP '2024-01-01 10:00:00'), to_timestamp_ntz(TIMESTAMP_NTZ '2024-01-01 10:00:00')
SELECT to_timestamp_ntz(1)
SELECT typeof(to_timestamp_ntz('2024-01-01 10:00:00', 'yyyy-MM-dd HH:mm:ss'))
SELECT make_timestamp_ntz(2024, 1, 1, 10, 30, 45.5), typeof(make_timestamp_ntz(2024, 1, 1, 10, 30, 45.5)), make_timestamp_ntz(2024, 13, 1, 0, 0, 0), make_timestamp_ntz(2024, 1, 1, 0, 0, 60)
SELECT make_timestamp_ntz(2024, 1, 1, 10, 30, 45.5, 'UTC')
SELECT typeof(localtimestamp()), typeof(localtimestamp), typeof(current_timestamp())
SELECT localtimestamp() IS NOT NULL AS r
SELECT hour(x), minute(x), second(x), year(x), month(x), day(x), dayofweek(x), dayofyear(x), weekofyear(x), quarter(x), weekday(x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT date_format(x, 'yyyy-MM-dd HH:mm:ss.SSS'), date_format(x, 'EEE MMM d HH:mm'), date_trunc('HOUR', x), typeof(date_trunc('HOUR', x)), date_trunc('MONTH', x), date_trunc('WEEK', x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT date_format(x, 'yyyy-MM-dd HH:mm z') AS r FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT date_format(x, 'yyyy-MM-dd HH:mm XXX') AS r FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT to_date(x), typeof(to_date(x)), unix_timestamp(x), to_unix_timestamp(x), last_day(x), date_add(x, 1), add_months(x, 1), trunc(x, 'MM'), datediff(x, DATE '2024-01-01') FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT unix_seconds(x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT unix_micros(x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT months_between(x, TIMESTAMP_NTZ '2024-01-01 00:00:00') AS r FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT extract(HOUR FROM x), extract(SECOND FROM x), date_part('day', x), extract(DOW FROM x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT timestampadd(HOUR, 1, x), typeof(timestampadd(HOUR, 1, x)), timestampdiff(HOUR, x, TIMESTAMP_NTZ '2024-03-11 00:00:00'), timestampadd(MONTH, 1, x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT timestampdiff(HOUR, x, TIMESTAMP '2024-03-11 00:00:00') AS r FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT from_utc_timestamp(x, 'Asia/Tokyo'), typeof(from_utc_timestamp(x, 'Asia/Tokyo')), to_utc_timestamp(x, 'Asia/Tokyo') FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT convert_timezone('UTC', 'Asia/Tokyo', x), convert_timezone('Asia/Tokyo', x), typeof(convert_timezone('Asia/Tokyo', x)) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT x + INTERVAL 1 DAY, typeof(x + INTERVAL 1 DAY), x + INTERVAL '1' HOUR, x - INTERVAL '1-2' YEAR TO MONTH, x + INTERVAL 1 MONTH FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT x + INTERVAL '1 02:03:04' DAY TO SECOND, x - make_dt_interval(1, 2), x + make_ym_interval(1, 1), INTERVAL 2 HOURS + x FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT x + i, x - i FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5', INTERVAL '3' HOUR) AS v(x, i)
SELECT x - TIMESTAMP_NTZ '2024-03-09 00:00:00', typeof(x - TIMESTAMP_NTZ '2024-03-09 00:00:00') FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT x - TIMESTAMP '2024-03-09 00:00:00', typeof(x - TIMESTAMP '2024-03-09 00:00:00') FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT x - DATE '2024-03-09', typeof(x - DATE '2024-03-09'), DATE '2024-03-09' - x FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT x + 1 FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT date_add(x, 1), date_sub(x, 1), typeof(date_add(x, 1)) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT x = TIMESTAMP '2024-03-10 02:30:45.5', x < TIMESTAMP '2024-03-11 00:00:00', x > DATE '2024-03-10', x = '2024-03-10 02:30:45.5', x < '2024-03-11' FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT typeof(coalesce(x, TIMESTAMP '2024-01-01 00:00:00')), coalesce(x, TIMESTAMP '2024-01-01 00:00:00'), typeof(coalesce(x, DATE '2024-01-01')), typeof(greatest(x, TIMESTAMP '2024-01-01 00:00:00')) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT typeof(CASE WHEN true THEN x ELSE '2024-01-01' END), typeof(coalesce(x, '2024-01-01')), typeof(array(x, TIMESTAMP '2024-01-01 00:00:00')) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT x FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x) UNION ALL SELECT TIMESTAMP '2024-01-01 00:00:00'
SELECT x FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5'), (NULL), (TIMESTAMP_NTZ '2023-01-01 00:00:00') AS v(x) ORDER BY x
SELECT min(x), max(x), count(x), typeof(min(x)) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5'), (NULL), (TIMESTAMP_NTZ '2023-01-01 00:00:00') AS v(x)
SELECT x, count(*) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5'), (TIMESTAMP_NTZ '2024-03-10 02:30:45.5'), (TIMESTAMP_NTZ '2023-01-01 00:00:00') AS v(x) GROUP BY x ORDER BY x
SELECT window(x, '1 hour') FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT typeof(window_time(window(x, '1 hour'))) AS t, window_time(window(x, '1 hour')) AS r FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT session_window(x, '10 minutes') FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT to_json(named_struct('a', x)), to_csv(named_struct('a', x)) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT to_json(named_struct('a', x)) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)
SELECT from_json('{"a":"2024-01-01T10:00:00"}', 'a timestamp_ntz'), from_json('{"a":"2024-01-01 10:00:00.5"}', 'a timestamp_ntz'), from_json('{"a":"2024-01-01T10:00:00+02:00"}', 'a timestamp_ntz')
SELECT from_csv('2024-01-01T10:00:00', 'a timestamp_ntz'), from_csv('2024-01-01 10:00:00', 'a timestamp_ntz')
SELECT schema_of_json('{"a":"2024-01-01T10:00:00"}')
SELECT CAST(NULL AS TIMESTAMP_NTZ), typeof(CAST(NULL AS TIMESTAMP_NTZ))
SELECT CAST(x AS TIMESTAMP_NTZ) FROM VALUES (TIMESTAMP '2024-01-01 10:00:00') AS v(x)
SELECT CAST(named_struct('a', '2024-01-01 10:00:00') AS STRUCT<a: TIMESTAMP_NTZ>) AS r
SELECT CAST(array('2024-01-01 10:00:00') AS ARRAY<TIMESTAMP_NTZ>) AS r
SELECT array(x), named_struct('a', x), map('k', x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT TIMESTAMP_NTZ '2024-01-01', TIMESTAMP_NTZ '2024-01-01T10:00', TIMESTAMP_NTZ '2024-01-01 10:00:00+02:00'
SELECT TIMESTAMP_NTZ 'garbage'
SELECT timestamp_ntz '2024-01-01 10:00:00' AS r
SELECT CAST('2024-01-01 10:00:00' AS timestamp_ntz) AS r
SELECT hash(x), x IN (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT x <=> NULL, x = NULL, nvl(x, TIMESTAMP_NTZ '2000-01-01 00:00:00') FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT to_timestamp(x), typeof(to_timestamp(x)), to_timestamp_ltz(x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT CAST('1970-01-01 00:00:00' AS TIMESTAMP_NTZ), CAST('9999-12-31 23:59:59.999999' AS TIMESTAMP_NTZ), CAST('0001-01-01 00:00:00' AS TIMESTAMP_NTZ)
SET spark.sql.session.timeZone = America/Los_Angeles
SELECT TIMESTAMP_NTZ '2024-03-10 02:30:00', CAST(TIMESTAMP_NTZ '2024-03-10 02:30:00' AS TIMESTAMP), CAST(TIMESTAMP '2024-03-10 12:30:00' AS TIMESTAMP_NTZ), CAST(TIMESTAMP_NTZ '2024-11-03 01:30:00' AS TIMESTAMP)
SELECT hour(x), date_format(x, 'yyyy-MM-dd HH:mm'), date_trunc('DAY', x), unix_timestamp(x), to_date(x), CAST(x AS STRING) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)
SELECT x + INTERVAL 1 DAY, x + INTERVAL 24 HOURS, x - TIMESTAMP_NTZ '2024-03-09 02:30:00' FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)
SELECT x = TIMESTAMP '2024-03-10 03:30:00', x = TIMESTAMP '2024-03-10 02:30:00' FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)
SELECT x - TIMESTAMP '2024-03-10 00:00:00' AS r FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)
SELECT make_timestamp_ntz(2024, 3, 10, 2, 30, 0), to_timestamp_ntz('2024-03-10 02:30:00'), CAST('2024-03-10 02:30:00-05:00' AS TIMESTAMP_NTZ)
SELECT from_utc_timestamp(x, 'Asia/Tokyo'), to_utc_timestamp(x, 'UTC') FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)
SELECT from_json('{"a":"2024-03-10T02:30:00"}', 'a timestamp_ntz'), to_json(named_struct('a', TIMESTAMP_NTZ '2024-03-10 02:30:00'))
SELECT window(x, '1 hour') FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)
SELECT weekofyear(x), dayofweek(x), date_format(x, 'EEEE') FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)
SELECT unix_timestamp(x), to_unix_timestamp(x) FROM VALUES (TIMESTAMP_NTZ '1970-01-01 00:00:00') AS v(x)
SELECT months_between(x, TIMESTAMP_NTZ '2024-03-09 00:00:00') AS r FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)
SELECT timestampadd(HOUR, 1, x), timestampdiff(HOUR, x, TIMESTAMP_NTZ '2024-03-11 00:00:00') FROM VALUES (TIMESTAMP_NTZ '2024-03-10 01:30:00') AS v(x)
SELECT x > TIMESTAMP '2024-03-10 02:00:00' FROM VALUES (TIMESTAMP_NTZ '2024-03-10 01:30:00') AS v(x)
SELECT window(x, '1 hour') AS w, count(*) AS n FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00'), (TIMESTAMP_NTZ '2024-03-10 02:45:00'), (TIMESTAMP_NTZ '2024-03-10 04:00:00') AS v(x) GROUP BY window(x, '1 hour') ORDER BY n
SELECT session_window(x, '10 minutes') AS w, count(*) AS n FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00'), (TIMESTAMP_NTZ '2024-03-10 02:35:00'), (TIMESTAMP_NTZ '2024-03-10 04:00:00') AS v(x) GROUP BY session_window(x, '10 minutes') ORDER BY n
SELECT to_csv(named_struct('a', TIMESTAMP_NTZ '2024-03-10 02:30:00', 'b', 1)), to_json(named_struct('a', array(TIMESTAMP_NTZ '2024-03-10 02:30:00')))
SELECT localtimestamp() - CAST(current_timestamp() AS TIMESTAMP_NTZ) AS d, typeof(localtimestamp()) AS t
SELECT x, hour(x), typeof(x) FROM VALUES (CAST('2024-03-10 02:30:00' AS TIMESTAMP_NTZ)), (CAST(DATE '2024-03-10' AS TIMESTAMP_NTZ)), (NULL) AS v(x) ORDER BY x
SELECT x, date_format(x, 'yyyy-MM-dd HH:mm:ss'), CAST(x AS TIMESTAMP) FROM VALUES (TIMESTAMP_NTZ '2024-11-03 01:30:00'), (TIMESTAMP_NTZ '2024-07-01 12:00:00') AS v(x)
SELECT to_timestamp_ntz(t), CAST(t AS TIMESTAMP_NTZ), to_timestamp_ntz(d) FROM VALUES (TIMESTAMP '2024-07-01 12:00:00', DATE '2024-07-01') AS v(t, d)
SELECT localtimestamp() - CAST(current_timestamp() AS TIMESTAMP_NTZ) AS d
SELECT convert_timezone('Europe/Paris', x), convert_timezone('America/New_York', 'Asia/Tokyo', x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)
SELECT x, count(*) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00'), (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x) GROUP BY x
SELECT max(x), min(x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00'), (TIMESTAMP_NTZ '2024-11-03 01:30:00') AS v(x)
SELECT x < y, x = y, y - x FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00', DATE '2024-03-11') AS v(x, y)
SELECT to_date(x), CAST(x AS DATE), year(x), dayofmonth(x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 23:30:00') AS v(x)
SELECT hour(x), timestampadd(HOUR, 1, x), timestampdiff(HOUR, x, TIMESTAMP_NTZ '2024-03-11 00:00:00'), extract(SECOND FROM x), dayofweek(x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)
SELECT x - DATE '2024-03-09', x - INTERVAL '1-2' YEAR TO MONTH, x = '2024-03-10 02:30:00', x > DATE '2024-03-10' FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)
SELECT CAST(s AS TIMESTAMP_NTZ) AS t FROM VALUES ('2024-03-10 02:30:00+01:00'), ('T10:00'), ('x'), (NULL) AS v(s)
SELECT x FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x) UNION ALL SELECT DATE '2024-01-01'
SELECT date_trunc('HOUR', x), months_between(x, DATE '2024-01-01'), to_utc_timestamp(x, 'Asia/Tokyo') FROM VALUES (TIMESTAMP_NTZ '2024-11-03 01:30:00') AS v(x)
SELECT CAST(array(x) AS ARRAY<STRING>), CAST(named_struct('a', x) AS STRUCT<a: STRING>) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)
SELECT x, max(x) OVER () AS m, lag(x) OVER (ORDER BY x) AS l, first(x) OVER (ORDER BY x) AS f FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00'), (TIMESTAMP_NTZ '2024-03-10 04:00:00') AS v(x)
SET spark.sql.session.timeZone = UTC
