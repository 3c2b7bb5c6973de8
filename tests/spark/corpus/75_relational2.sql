SELECT g, sum(x) FROM VALUES ('a', 2147483647), ('a', 1) AS t(g, x) GROUP BY g
SELECT typeof(sum(x)) FROM VALUES (1) AS t(x)
SELECT sum(x) FROM VALUES (CAST(2147483647 AS INT)), (CAST(2147483647 AS INT)) AS t(x)
SELECT avg(x) FROM VALUES (9223372036854775807L), (9223372036854775807L) AS t(x)
SELECT sum(x) FROM VALUES (9223372036854775807L), (9223372036854775807L), (-9223372036854775807L) AS t(x)
SELECT avg(x), sum(x) FROM VALUES (CAST(0.1 AS DECIMAL(20,10))), (CAST(0.2 AS DECIMAL(20,10))), (CAST(0.3 AS DECIMAL(20,10))) AS t(x)
SELECT avg(x) FROM VALUES (CAST(1 AS DECIMAL(5,0))), (CAST(2 AS DECIMAL(5,0))), (CAST(2 AS DECIMAL(5,0))) AS t(x)
SELECT sum(x) / count(x), avg(x) FROM VALUES (1), (2), (2) AS t(x)
SELECT avg(DISTINCT x), count(DISTINCT x) FROM VALUES (1.5D), (1.5D), (2.5D) AS t(x)
SELECT g, avg(x), count(*), min(x), max(x) FROM VALUES ('b', 1.5D), ('a', 2.5D), ('b', NULL), (NULL, 3.0D) AS t(g, x) GROUP BY g ORDER BY g NULLS LAST
SELECT count(*) AS c, g FROM VALUES ('a'), ('a'), ('b') AS t(g) GROUP BY g ORDER BY c DESC, g
SELECT g, count(*) FROM VALUES ('a'), ('a'), ('b') AS t(g) GROUP BY g ORDER BY count(*)
SELECT g, max(x) - min(x) AS spread FROM VALUES ('a', 1), ('a', 5), ('b', 3) AS t(g, x) GROUP BY g ORDER BY spread DESC
SELECT sum(x) * 2, count(*) + 1, avg(x) / 2 FROM VALUES (1), (2) AS t(x)
SELECT g, sum(CASE WHEN x > 1 THEN x END) FROM VALUES ('a', 1), ('a', 2), ('b', 1) AS t(g, x) GROUP BY g ORDER BY g
SELECT g, count(DISTINCT x), sum(DISTINCT x) FROM VALUES ('a', 1), ('a', 1), ('a', 2), ('b', NULL) AS t(g, x) GROUP BY g ORDER BY g
SELECT g, collect_list(x) FROM VALUES ('a', 3), ('a', 1), ('a', 2) AS t(g, x) GROUP BY g
SELECT g, first(x), last(x) FROM VALUES ('a', 3), ('a', 1), ('a', 2) AS t(g, x) GROUP BY g
SELECT g, min_by(x, y), max_by(x, y) FROM VALUES ('a', 'p', 2), ('a', 'q', 1), ('b', 'r', NULL) AS t(g, x, y) GROUP BY g ORDER BY g
SELECT g, stddev(x), variance(x) FROM VALUES ('a', 1), ('b', 1), ('b', 2) AS t(g, x) GROUP BY g ORDER BY g
SELECT g, percentile(x, 0.5), median(x), percentile_approx(x, 0.5) FROM VALUES ('a', 1), ('a', 2), ('b', 5) AS t(g, x) GROUP BY g ORDER BY g
SELECT corr(x, y), covar_pop(x, y), regr_slope(y, x) FROM VALUES (1.0D, 1.0D) AS t(x, y)
SELECT corr(x, y) FROM VALUES (1, 1), (2, 2), (3, 3) AS t(x, y)
SELECT covar_samp(x, y), covar_pop(x, y) FROM VALUES (1, 10), (2, 20), (3, 40) AS t(x, y)
SELECT kurtosis(x), skewness(x) FROM VALUES (1), (1), (1), (1), (100) AS t(x)
SELECT var_samp(x), stddev_samp(x) FROM VALUES (CAST(1.5 AS DECIMAL(10,2))), (CAST(2.5 AS DECIMAL(10,2))), (CAST(4.5 AS DECIMAL(10,2))) AS t(x)
SELECT sum(x), count(*), avg(x) FROM range(1, 1001) AS t(x)
SELECT sum(id * id), avg(id * 1.5), max(id) FROM range(100)
SELECT stddev(id), variance(id), skewness(id), kurtosis(id) FROM range(10)
SELECT percentile(id, 0.9), percentile_approx(id, 0.9), median(id) FROM range(100)
SELECT percentile_approx(id, array(0.01, 0.25, 0.5, 0.75, 0.99)) FROM range(1000)
SELECT approx_count_distinct(id), count(DISTINCT id) FROM range(1000)
SELECT approx_count_distinct(id % 17) FROM range(10000)
SELECT id % 3 AS k, count(*), sum(id) FROM range(10) GROUP BY id % 3 ORDER BY k
SELECT id % 3 AS k, collect_list(id) FROM range(7) GROUP BY k ORDER BY k
SELECT k, sum(v) FROM (SELECT id % 2 AS k, id AS v FROM range(6)) GROUP BY ROLLUP(k) ORDER BY k NULLS LAST
SELECT a, b, count(*), grouping_id() FROM (SELECT id % 2 AS a, id % 3 AS b FROM range(6)) GROUP BY CUBE(a, b) ORDER BY a NULLS FIRST, b NULLS FIRST
SELECT a, b, sum(c) FROM VALUES (1, 1, 10), (1, 2, 20), (2, 1, 30) AS t(a, b, c) GROUP BY GROUPING SETS ((a, b), (a), ()) ORDER BY a NULLS LAST, b NULLS LAST
SELECT a, grouping(a), sum(c) FROM VALUES (1, 10), (NULL, 20) AS t(a, c) GROUP BY ROLLUP(a) ORDER BY grouping(a), a NULLS FIRST
SELECT a, b, grouping_id(a, b) AS gid FROM VALUES (1, 2) AS t(a, b) GROUP BY CUBE(a, b) ORDER BY gid
SELECT x, row_number() OVER (PARTITION BY g ORDER BY x), rank() OVER (PARTITION BY g ORDER BY x DESC) FROM VALUES ('a', 1), ('a', 2), ('b', 3), ('b', 3) AS t(g, x) ORDER BY g, x
SELECT x, sum(x) OVER (ORDER BY x), avg(x) OVER (ORDER BY x), count(x) OVER (ORDER BY x) FROM VALUES (1), (2), (2), (3) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM VALUES (1), (2), (2), (3) AS t(x) ORDER BY x
SELECT x, first_value(x) OVER (ORDER BY x DESC), last_value(x) OVER (ORDER BY x DESC) FROM VALUES (1), (2), (3) AS t(x) ORDER BY x
SELECT x, lag(x) OVER (ORDER BY x), lead(x) OVER (ORDER BY x) FROM VALUES (CAST(NULL AS INT)), (1), (2) AS t(x) ORDER BY x NULLS FIRST
SELECT x, lead(x, 1, x * 100) OVER (ORDER BY x) FROM VALUES (1), (2) AS t(x) ORDER BY x
SELECT x, ntile(3) OVER (ORDER BY x) FROM VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10) AS t(x) ORDER BY x
SELECT x, percent_rank() OVER (ORDER BY x), cume_dist() OVER (ORDER BY x) FROM VALUES (1), (1), (2), (3), (3), (3) AS t(x) ORDER BY x
SELECT x, percent_rank() OVER (PARTITION BY x > 2 ORDER BY x) FROM VALUES (1), (2), (3), (4) AS t(x) ORDER BY x
SELECT x, rank() OVER (ORDER BY x NULLS LAST), dense_rank() OVER (ORDER BY x DESC NULLS FIRST) FROM VALUES (1), (NULL), (NULL), (2) AS t(x) ORDER BY x NULLS LAST
SELECT x, avg(x) OVER (PARTITION BY g), x - avg(x) OVER (PARTITION BY g) AS d FROM VALUES ('a', 1), ('a', 2), ('b', 5) AS t(g, x) ORDER BY g, x
SELECT x, sum(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING) FROM VALUES (1), (2), (3) AS t(x) ORDER BY x
SELECT x, max(x) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) FROM VALUES (1), (2), (3) AS t(x) ORDER BY x
SELECT x, count(*) OVER (), sum(x) OVER (PARTITION BY x) FROM VALUES (1), (1), (2) AS t(x) ORDER BY x
SELECT x, row_number() OVER (ORDER BY x) AS rn FROM VALUES (3), (1), (2) AS t(x) ORDER BY rn DESC
SELECT g, x, first_value(x) IGNORE NULLS OVER (PARTITION BY g ORDER BY o) AS f FROM VALUES ('a', NULL, 1), ('a', 5, 2), ('a', 7, 3) AS t(g, x, o) ORDER BY o
SELECT g, x, last_value(x, true) OVER (PARTITION BY g ORDER BY o ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS l FROM VALUES ('a', 1, 1), ('a', NULL, 2), ('a', 3, 3) AS t(g, x, o) ORDER BY o
SELECT x, sum(x) OVER (ORDER BY x RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM VALUES (1), (2) AS t(x) ORDER BY x
SELECT x, min(x) OVER (ORDER BY x RANGE UNBOUNDED PRECEDING) FROM VALUES (2), (1) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x ROWS 1 PRECEDING) FROM VALUES (1), (2), (3) AS t(x) ORDER BY x
SELECT x, avg(x) OVER (ORDER BY x ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM VALUES (1.5D), (2.5D), (NULL) AS t(x) ORDER BY x
SELECT x, sum(DISTINCT x) OVER () FROM VALUES (1), (1), (2) AS t(x) ORDER BY x
SELECT x, count(DISTINCT x) OVER () FROM VALUES (1), (1), (2) AS t(x) ORDER BY x
SELECT x, bool_and(x > 1) OVER (ORDER BY x) FROM VALUES (1), (2) AS t(x) ORDER BY x
SELECT x FROM VALUES (1), (2), (3) AS t(x) ORDER BY x LIMIT 2 OFFSET 2
SELECT DISTINCT g FROM VALUES ('b'), ('a'), ('b') AS t(g) ORDER BY g DESC
SELECT DISTINCT x % 2 AS m FROM VALUES (1), (2), (3) AS t(x) ORDER BY m
SELECT x FROM VALUES (1), (2) AS t(x) UNION ALL SELECT x FROM VALUES (1) AS u(x) ORDER BY x DESC LIMIT 2
SELECT * FROM (SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y') ORDER BY a DESC
SELECT a FROM (SELECT 1 AS a UNION SELECT 1 UNION SELECT 2) ORDER BY a
SELECT 1 AS a EXCEPT SELECT 2
SELECT a, b FROM VALUES (1, NULL), (1, NULL) AS t(a, b) INTERSECT SELECT a, b FROM VALUES (1, NULL) AS u(a, b)
SELECT a, b FROM VALUES (1, NULL), (1, NULL), (2, 3) AS t(a, b) EXCEPT ALL SELECT a, b FROM VALUES (1, NULL) AS u(a, b) ORDER BY a
SELECT * FROM VALUES (1, 'a') AS l(k, v) FULL OUTER JOIN VALUES (CAST(NULL AS INT), 'b') AS r(k, w) ON l.k = r.k ORDER BY v NULLS LAST
SELECT * FROM VALUES (NULL, 'a') AS l(k, v) JOIN VALUES (NULL, 'b') AS r(k, w) USING (k)
SELECT * FROM VALUES (1, 'a'), (2, 'b') AS l(k, v) LEFT JOIN VALUES (2, 'x') AS r(k, w) USING (k) ORDER BY k
SELECT * FROM VALUES (1, 'a'), (2, 'b') AS l(k, v) RIGHT JOIN VALUES (2, 'x'), (3, 'y') AS r(k, w) USING (k) ORDER BY k
SELECT k FROM VALUES (1, 'a') AS l(k, v) JOIN VALUES (1, 'x') AS r(k, w) USING (k)
SELECT l.k, r.k FROM VALUES (1) AS l(k) FULL JOIN VALUES (2) AS r(k) USING (k) ORDER BY 1, 2
SELECT * FROM VALUES (1, 2, 'x') AS l(a, b, v) JOIN VALUES (1, 2, 'y'), (1, 3, 'z') AS r(a, b, w) ON l.a = r.a AND l.b = r.b
SELECT * FROM VALUES (1, 2) AS l(a, b) JOIN VALUES (1, 3) AS r(a, b) ON l.a = r.a AND l.b < r.b
SELECT * FROM VALUES (1, 2) AS l(a, b) LEFT JOIN VALUES (1, 3) AS r(a, b) ON l.a = r.a AND r.b > 5
SELECT count(*) FROM VALUES (1), (1), (1) AS l(a) JOIN VALUES (1), (1) AS r(a) ON l.a = r.a
SELECT l.a, r.a FROM VALUES ('A') AS l(a) JOIN VALUES ('a') AS r(a) ON lower(l.a) = r.a
SELECT l.a FROM VALUES (1), (2), (3) AS l(a) LEFT SEMI JOIN VALUES (2), (3), (3) AS r(a) ON l.a = r.a AND r.a > 2
SELECT l.a FROM VALUES (1), (2), (3) AS l(a) LEFT ANTI JOIN VALUES (2) AS r(a) USING (a) ORDER BY a
SELECT * FROM VALUES (1.5D) AS l(a) JOIN VALUES (CAST(1.5 AS DECIMAL(3,1))) AS r(b) ON a = b
SELECT * FROM VALUES (DATE'2024-01-01') AS l(a) JOIN VALUES (TIMESTAMP'2024-01-01 00:00:00') AS r(b) ON a = b
SELECT * FROM VALUES (array(1, 2)) AS l(a) JOIN VALUES (array(1, 2)) AS r(b) ON a = b
SELECT * FROM VALUES (named_struct('x', 1)) AS l(a) JOIN VALUES (named_struct('x', 1)) AS r(b) ON a = b
SELECT x FROM VALUES (1), (2), (3) AS t(x) WHERE x IN (SELECT y FROM VALUES (2), (3) AS u(y) WHERE y > 2)
SELECT x, x IN (1, 2) FROM VALUES (1), (3), (NULL) AS t(x) ORDER BY x
SELECT x FROM VALUES (1), (2) AS t(x) WHERE x > ALL (SELECT 1)
SELECT (SELECT max(x) FROM VALUES (1), (2) AS t(x)) + 1 AS r
SELECT (SELECT sum(x) FROM VALUES (1), (2) AS t(x) WHERE x > o.y) AS r FROM VALUES (0), (1), (5) AS o(y) ORDER BY y
SELECT * FROM VALUES (1), (2) AS t(x) WHERE EXISTS (SELECT 1 WHERE false)
SELECT * FROM (SELECT x FROM VALUES (3), (1), (2) AS t(x) ORDER BY x DESC LIMIT 2) ORDER BY x
SELECT x FROM VALUES (1), (2), (3) AS t(x) ORDER BY x DESC LIMIT 1
SELECT max(x) FROM (SELECT 1 AS x UNION ALL SELECT NULL)
SELECT * FROM VALUES ('a', 1) AS t(k, v) WHERE k = 'a' OR v IS NULL
SELECT x, y FROM VALUES (1, 2) AS t(x, y) WHERE (x, y) = (1, 2)
SELECT x FROM VALUES (1), (NULL) AS t(x) WHERE x IS DISTINCT FROM 1
SELECT * FROM VALUES (1, 2), (3, 4) AS t(a, b) WHERE a + b BETWEEN 3 AND 7
SELECT t.* FROM VALUES (1, 'x') AS t(a, b)
SELECT *, a * 2 AS c FROM VALUES (1, 'x') AS t(a, b)
SELECT a AS b, b AS a FROM VALUES (1, 'x') AS t(a, b)
SELECT a, a FROM VALUES (1) AS t(a)
SELECT a + 1, a + 1 FROM VALUES (1) AS t(a)
SELECT 1, 1.0, 'a', NULL, true, DATE'2024-01-01', X'00'
SELECT upper('a') AS `UPPER`, lower('A') AS lower
SELECT count(*) FROM VALUES (1), (2) AS t(x) WHERE x > 5 GROUP BY x
SELECT sum(x) FROM VALUES (1), (2) AS t(x) WHERE x > 5
SELECT g, count(*) FROM VALUES ('a') AS t(g) WHERE g = 'z' GROUP BY g
SELECT max(x), min(x) FROM VALUES ('2024-01-02'), ('2024-01-10') AS t(x)
SELECT * FROM VALUES (1, 2), (1, 2), (3, 4) AS t(a, b) GROUP BY a, b ORDER BY a
SELECT a, b FROM VALUES (1, 2), (1, 3) AS t(a, b) ORDER BY a, b DESC
SELECT a FROM VALUES (1), (2) AS t(a) ORDER BY a + 0 DESC
SELECT a FROM VALUES ('a10'), ('a9'), ('a1') AS t(a) ORDER BY length(a), a
SELECT a FROM VALUES (2), (1) AS t(a) SORT BY a
SELECT a FROM VALUES (2), (1) AS t(a) CLUSTER BY a
SELECT * FROM VALUES (1, 2) AS t(a, b) PIVOT (sum(b) FOR a IN (1, 2))
SELECT * FROM VALUES ('x', 'a', 1), ('x', 'b', 2), ('y', 'a', 3) AS t(k, c, v) PIVOT (sum(v) AS s, count(v) AS n FOR c IN ('a', 'b')) ORDER BY k
SELECT * FROM VALUES (1, 10, 20) AS t(id, a, b) UNPIVOT INCLUDE NULLS (val FOR col IN (a, b))
SELECT * FROM VALUES (1, 10, NULL) AS t(id, a, b) UNPIVOT (val FOR col IN (a AS x, b AS y))
SELECT * FROM VALUES (1, 2, 3, 4) AS t(a, b, c, d) UNPIVOT ((v1, v2) FOR col IN ((a, b), (c, d)))
SELECT id FROM range(5) TABLESAMPLE (2 ROWS)
SELECT * FROM range(3) WHERE id IN (SELECT id FROM range(1, 10, 2))
SELECT /*+ BROADCAST(r) */ l.id FROM range(3) l JOIN range(2) r ON l.id = r.id ORDER BY 1
SELECT id, CASE WHEN id % 2 = 0 THEN 'even' END AS p FROM range(3)
SELECT x FROM VALUES (1) AS t(x) WHERE x = 1 AND x IS NOT NULL AND x IN (1)
SELECT * EXCEPT (b) FROM VALUES (1, 2, 3) AS t(a, b, c)
SELECT named_struct('a', x, 'b', y).* FROM VALUES (1, 2) AS t(x, y)
SELECT s.a FROM (SELECT named_struct('a', 1, 'b', 2) AS s)
SELECT s.* FROM (SELECT named_struct('a', 1, 'b', 2) AS s)
SELECT m['k'], a[0], s.f FROM (SELECT map('k', 'v') AS m, array(7) AS a, named_struct('f', 3) AS s)
SELECT x.a.b FROM (SELECT named_struct('a', named_struct('b', 9)) AS x)
SELECT element_at(a, 1), size(a), a[1] FROM VALUES (array(1, 2)), (array()), (NULL) AS t(a)
SELECT explode(a) FROM VALUES (array(1, 2)), (array(3)) AS t(a)
SELECT posexplode_outer(a) FROM VALUES (array(1)), (NULL) AS t(a)
SELECT g, explode(a) AS v FROM VALUES ('x', array(1, 2)), ('y', array(3)) AS t(g, a) ORDER BY g, v
SELECT g, size(collect_list(v)) FROM (SELECT g, explode(a) AS v FROM VALUES ('x', array(1, 2)), ('y', array(3)) AS t(g, a)) GROUP BY g ORDER BY g
SELECT transform(a, x -> x * m) FROM VALUES (array(1, 2), 10) AS t(a, m)
SELECT filter(a, x -> x > lim) FROM VALUES (array(1, 5, 9), 4) AS t(a, lim)
SELECT aggregate(a, 0, (acc, x) -> acc + x) AS s FROM VALUES (array(1, 2, 3)), (array()), (NULL) AS t(a)
SELECT get_json_object(j, '$.a'), json_tuple(j, 'a') FROM VALUES ('{"a":1}'), ('{"a":"x"}'), (NULL) AS t(j)
SELECT from_json(j, 'a INT').a AS a FROM VALUES ('{"a":1}'), ('bad') AS t(j)
SELECT to_json(struct(*)) FROM VALUES (1, 'x', NULL) AS t(a, b, c)
SELECT to_json(named_struct('a', a, 'b', b)) FROM VALUES (1, CAST(NULL AS STRING)) AS t(a, b)
SELECT concat_ws(',', collect_list(CAST(x AS STRING))) FROM VALUES (1), (2), (NULL) AS t(x)
SELECT array_sort(collect_list(x)) FROM VALUES (3), (1), (2) AS t(x)
SELECT size(collect_set(x)) FROM VALUES (1), (1), (NULL) AS t(x)
SELECT map_from_arrays(collect_list(k), collect_list(v)) FROM VALUES ('a', 1), ('b', 2) AS t(k, v)
SELECT max(struct(x, y)).y FROM VALUES (1, 'a'), (2, 'b') AS t(x, y)
SELECT sum(x) FILTER (WHERE x > 1), count(*) FILTER (WHERE x IS NULL) FROM VALUES (1), (2), (NULL) AS t(x)
SELECT any_value(x), some(x > 1), every(x > 0) FROM VALUES (1), (2) AS t(x)
SELECT count(1) FROM range(0)
SELECT sum(id), avg(id), max(id), collect_list(id) FROM range(0)
SELECT array_agg(DISTINCT x) FROM VALUES (1), (1) AS t(x)
SELECT x, count(*) OVER (PARTITION BY x) FROM VALUES (CAST('NaN' AS DOUBLE)), (CAST('NaN' AS DOUBLE)), (-0.0D), (0.0D) AS t(x) ORDER BY x
SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW) c FROM VALUES (DATE'2024-01-01'), (DATE'2024-01-02'), (DATE'2024-01-04') AS t(d)
SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN INTERVAL 1 MONTH PRECEDING AND CURRENT ROW) c FROM VALUES (DATE'2024-01-31'), (DATE'2024-02-29'), (DATE'2024-03-30') AS t(d)
SELECT ts, count(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL 1 MONTH PRECEDING AND CURRENT ROW) c FROM VALUES (TIMESTAMP'2024-01-31 00:00:00'), (TIMESTAMP'2024-02-29 00:00:00'), (TIMESTAMP'2024-03-30 00:00:00') AS t(ts)
SELECT ts, sum(v) OVER (ORDER BY ts DESC RANGE BETWEEN INTERVAL '30' MINUTE PRECEDING AND INTERVAL 10 MINUTES FOLLOWING) c FROM VALUES (TIMESTAMP'2024-01-01 10:00:00', 1), (TIMESTAMP'2024-01-01 10:20:00', 2), (TIMESTAMP'2024-01-01 10:40:00', 4), (NULL, 8) AS t(ts, v)
SELECT ts, count(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1 02:00:00' DAY TO SECOND PRECEDING AND CURRENT ROW) c FROM VALUES (TIMESTAMP'2024-01-01 00:00:00'), (TIMESTAMP'2024-01-02 01:00:00'), (TIMESTAMP'2024-01-02 03:00:00') AS t(ts)
SELECT ts, count(*) OVER (ORDER BY ts RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) c FROM VALUES (TIMESTAMP'2024-01-01 00:00:00') AS t(ts)
SELECT ts, count(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL 2 HOURS FOLLOWING AND INTERVAL 1 HOUR FOLLOWING) c FROM VALUES (TIMESTAMP'2024-01-01 00:00:00') AS t(ts)
SELECT ts, count(*) OVER (ORDER BY ts RANGE INTERVAL 1 HOUR PRECEDING) c FROM VALUES (TIMESTAMP'2024-01-01 00:00:00'), (TIMESTAMP'2024-01-01 00:59:59') AS t(ts)
SELECT ts, count(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL 1 HOUR PRECEDING AND CURRENT ROW) c FROM VALUES (TIMESTAMP_NTZ'2024-01-01 00:00:00'), (TIMESTAMP_NTZ'2024-01-01 00:59:59'), (TIMESTAMP_NTZ'2024-01-01 02:00:00') AS t(ts)
SELECT k, ts, max(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL 90 SECONDS PRECEDING AND INTERVAL 30 SECONDS FOLLOWING) m FROM VALUES ('a', TIMESTAMP'2024-01-01 00:00:00', 1), ('a', TIMESTAMP'2024-01-01 00:01:00', 5), ('a', TIMESTAMP'2024-01-01 00:02:00', 3), ('b', TIMESTAMP'2024-01-01 00:00:30', 7) AS t(k, ts, v) ORDER BY k, ts
SELECT ts, count(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL -1 HOUR PRECEDING AND INTERVAL 2 HOURS FOLLOWING) c FROM VALUES (TIMESTAMP'2024-01-01 00:00:00'), (TIMESTAMP'2024-01-01 01:30:00'), (TIMESTAMP'2024-01-01 03:00:00') AS t(ts)
