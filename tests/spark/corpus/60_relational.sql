SELECT coalesce(NULL, NULL, 3), coalesce(NULL), coalesce(1, 'a'), nvl(NULL, 2), nvl2(NULL, 'a', 'b'), nvl2(1, 'a', 'b'), nullif(1, 1), nullif(1, 2), ifnull(NULL, 'x')
SELECT nullif('', ''), nullif(NULL, 1), zeroifnull(NULL), nullifzero(0), if(NULL, 1, 2), if(1 > 0, 'y', 'n'), iff(false, 1, 2)
SELECT CASE 1 WHEN 1 THEN 'a' WHEN 1 THEN 'b' END, CASE WHEN NULL THEN 1 ELSE 2 END, CASE 'x' WHEN 'y' THEN 1 END, CASE NULL WHEN NULL THEN 'n' ELSE 'e' END
SELECT CASE WHEN 1 = 1 THEN 1 ELSE 1.5 END, CASE WHEN false THEN 1 ELSE 'a' END, CASE WHEN true THEN DATE'2024-01-01' ELSE TIMESTAMP'2024-01-01 10:00:00' END
SELECT decode(2, 1, 'one', 2, 'two', 'other'), decode(5, 1, 'one', 'other'), decode(NULL, NULL, 'null', 'x')
SELECT equal_null(NULL, NULL), equal_null(1, NULL), 1 <=> 1.0, assert_true(true)
SELECT sum(x), avg(x), count(x), count(*), min(x), max(x) FROM VALUES (1), (NULL), (3) AS t(x)
SELECT sum(x), avg(x), count(x), min(x) FROM VALUES (CAST(NULL AS INT)) AS t(x)
SELECT sum(x), avg(x) FROM (SELECT 1 AS x) WHERE x > 5
SELECT count(*) FROM (SELECT 1 AS x) WHERE x > 5
SELECT sum(x), avg(x) FROM VALUES (CAST(1.10 AS DECIMAL(5,2))), (CAST(2.25 AS DECIMAL(5,2))), (CAST(3.333 AS DECIMAL(5,3))) AS t(x)
SELECT sum(x), avg(x) FROM VALUES (CAST(1.1 AS DECIMAL(38,1))), (CAST(2.2 AS DECIMAL(38,1))) AS t(x)
SELECT sum(x), avg(x) FROM VALUES (CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0))), (CAST(1 AS DECIMAL(38,0))) AS t(x)
SELECT avg(x), sum(x) FROM VALUES (2147483647), (2147483647) AS t(x)
SELECT sum(x) FROM VALUES (9223372036854775807L), (1L) AS t(x)
SELECT avg(x), sum(x) FROM VALUES (1.0D), (CAST('NaN' AS DOUBLE)) AS t(x)
SELECT sum(x), avg(x), max(x), min(x) FROM VALUES (CAST('Infinity' AS DOUBLE)), (CAST('-Infinity' AS DOUBLE)) AS t(x)
SELECT max(x), min(x) FROM VALUES (1.0D), (CAST('NaN' AS DOUBLE)), (-0.0D), (0.0D) AS t(x)
SELECT avg(x), sum(x) FROM VALUES (0.1D), (0.2D), (0.3D) AS t(x)
SELECT avg(x) FROM VALUES (1), (2) AS t(x)
SELECT avg(x) FROM VALUES (CAST(1 AS DECIMAL(10,0))), (CAST(2 AS DECIMAL(10,0))) AS t(x)
SELECT stddev(x), stddev_samp(x), stddev_pop(x), variance(x), var_samp(x), var_pop(x) FROM VALUES (5.0D) AS t(x)
SELECT stddev(x), stddev_pop(x), variance(x), var_pop(x), skewness(x), kurtosis(x) FROM VALUES (1), (2), (3), (4), (10) AS t(x)
SELECT stddev(x), variance(x), skewness(x), kurtosis(x) FROM VALUES (2), (2), (2) AS t(x)
SELECT stddev(x), variance(x) FROM VALUES (CAST(NULL AS DOUBLE)) AS t(x)
SELECT stddev(x) FROM VALUES (CAST(1.5 AS DECIMAL(5,2))), (CAST(2.5 AS DECIMAL(5,2))) AS t(x)
SELECT corr(x, y), covar_pop(x, y), covar_samp(x, y), regr_slope(y, x), regr_intercept(y, x), regr_r2(y, x), regr_count(y, x) FROM VALUES (1, 2), (2, 4), (3, 7), (NULL, 1) AS t(x, y)
SELECT corr(x, y), covar_samp(x, y) FROM VALUES (1, 2) AS t(x, y)
SELECT corr(x, y) FROM VALUES (1, 2), (1, 3) AS t(x, y)
SELECT percentile(x, 0.5), percentile(x, 0.25), percentile(x, array(0.1, 0.9)), median(x) FROM VALUES (1), (2), (3), (4) AS t(x)
SELECT percentile_approx(x, 0.5), percentile_approx(x, array(0.25, 0.75)), approx_percentile(x, 0.9, 100) FROM VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10) AS t(x)
SELECT percentile_approx(x, 0.5) FROM VALUES (1.5D), (2.5D), (NULL) AS t(x)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM VALUES (1), (2), (3), (4) AS t(x)
SELECT percentile(x, 0.5) FROM VALUES (CAST(NULL AS INT)) AS t(x)
SELECT mode(x) FROM VALUES (1), (2), (2), (3), (3) AS t(x)
SELECT collect_list(x), collect_set(x) FROM VALUES (3), (1), (NULL), (3), (2) AS t(x)
SELECT sort_array(collect_set(x)), size(collect_list(x)) FROM VALUES ('b'), ('a'), ('b') AS t(x)
SELECT array_agg(x) FROM VALUES (2), (1) AS t(x)
SELECT first(x), last(x), first(x, true), last(x, true), first_value(x), any_value(x) FROM VALUES (NULL), (1), (2), (NULL) AS t(x)
SELECT count(DISTINCT x), count(DISTINCT x, y), sum(DISTINCT x), avg(DISTINCT x), approx_count_distinct(x) FROM VALUES (1, 'a'), (1, 'b'), (2, NULL), (NULL, 'a') AS t(x, y)
SELECT count(x, y) FROM VALUES (1, NULL), (1, 2) AS t(x, y)
SELECT min_by(x, y), max_by(x, y), bool_and(b), bool_or(b), every(b), some(b), any(b) FROM VALUES ('a', 3, true), ('b', 1, false), ('c', 2, NULL) AS t(x, y, b)
SELECT bit_and(x), bit_or(x), bit_xor(x) FROM VALUES (12), (10), (6) AS t(x)
SELECT count_if(x > 1), sum(IF(x > 1, 1, 0)), max(x) FILTER (WHERE x < 3) FROM VALUES (1), (2), (3) AS t(x)
SELECT g, sum(v) FROM VALUES ('a', 1), ('b', 2), (NULL, 3), ('a', 4) AS t(g, v) GROUP BY g ORDER BY g
SELECT g, sum(v) FROM VALUES ('a', 1), ('b', 2), (NULL, 3), ('a', 4) AS t(g, v) GROUP BY g ORDER BY g DESC NULLS LAST
SELECT g, h, sum(v), grouping(g), grouping_id() FROM VALUES ('a', 'x', 1), ('a', 'y', 2), ('b', 'x', 3) AS t(g, h, v) GROUP BY ROLLUP(g, h) ORDER BY g, h
SELECT g, h, sum(v), grouping_id(g, h) FROM VALUES ('a', 'x', 1), ('a', 'y', 2), ('b', 'x', 3) AS t(g, h, v) GROUP BY CUBE(g, h) ORDER BY g NULLS FIRST, h NULLS FIRST
SELECT g, h, sum(v) FROM VALUES ('a', 'x', 1), ('a', 'y', 2), ('b', 'x', 3) AS t(g, h, v) GROUP BY GROUPING SETS ((g), (h), ()) ORDER BY g, h
SELECT g, sum(v) FROM VALUES ('a', 1), ('b', 2), ('a', 4) AS t(g, v) GROUP BY g HAVING sum(v) > 2 ORDER BY g
SELECT g, count(*) AS c FROM VALUES ('a', 1), ('b', 2), ('a', 4) AS t(g, v) GROUP BY g HAVING c > 1
SELECT g, sum(v) FROM VALUES (NULL, 1), (NULL, 2) AS t(g, v) GROUP BY ROLLUP(g)
SELECT sum(v) FROM VALUES (1), (2) AS t(v) HAVING sum(v) > 10
SELECT x % 2 AS k, count(*) FROM VALUES (1), (2), (3) AS t(x) GROUP BY 1 ORDER BY 1
SELECT x, row_number() OVER (ORDER BY x), rank() OVER (ORDER BY x), dense_rank() OVER (ORDER BY x), percent_rank() OVER (ORDER BY x), cume_dist() OVER (ORDER BY x) FROM VALUES (1), (2), (2), (3), (NULL) AS t(x) ORDER BY x
SELECT x, ntile(3) OVER (ORDER BY x), ntile(10) OVER (ORDER BY x) FROM VALUES (1), (2), (3), (4), (5), (6), (7) AS t(x) ORDER BY x
SELECT x, lag(x) OVER (ORDER BY x), lead(x, 2) OVER (ORDER BY x), lag(x, 1, -1) OVER (ORDER BY x), lead(x, -1) OVER (ORDER BY x) FROM VALUES (1), (2), (3), (4) AS t(x) ORDER BY x
SELECT x, lag(y, 1) IGNORE NULLS OVER (ORDER BY x) AS l FROM VALUES (1, 'a'), (2, NULL), (3, 'c'), (4, NULL) AS t(x, y) ORDER BY x
SELECT g, x, sum(x) OVER (PARTITION BY g ORDER BY x) AS s, count(*) OVER (PARTITION BY g) AS c FROM VALUES ('a', 1), ('a', 2), ('a', 2), ('b', 5) AS t(g, x) ORDER BY g, x
SELECT x, sum(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s FROM VALUES (1), (2), (3), (4) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM VALUES (1), (2), (2), (4), (5) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS s FROM VALUES (1), (2), (2), (4) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x ROWS UNBOUNDED PRECEDING) AS s, avg(x) OVER (ORDER BY x ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING) AS a FROM VALUES (1), (2), (3), (4) AS t(x) ORDER BY x
SELECT x, first_value(x) OVER (ORDER BY x), last_value(x) OVER (ORDER BY x), last_value(x) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), nth_value(x, 2) OVER (ORDER BY x) FROM VALUES (1), (2), (3) AS t(x) ORDER BY x
SELECT x, min(x) OVER (), max(x) OVER (), collect_list(x) OVER (ORDER BY x) FROM VALUES (3), (1), (2) AS t(x) ORDER BY x
SELECT x, sum(x) OVER (ORDER BY x DESC NULLS LAST) AS s FROM VALUES (1), (NULL), (3) AS t(x) ORDER BY x NULLS FIRST
SELECT x, rank() OVER (ORDER BY x DESC) FROM VALUES (CAST('NaN' AS DOUBLE)), (1.0D), (CAST('Infinity' AS DOUBLE)), (-0.0D), (0.0D) AS t(x) ORDER BY x
SELECT x, avg(x) OVER (ORDER BY x RANGE BETWEEN 1.5 PRECEDING AND 1.5 FOLLOWING) AS a FROM VALUES (1.0D), (2.0D), (3.5D), (6.0D) AS t(x) ORDER BY x
SELECT x FROM VALUES (3), (NULL), (1) AS t(x) ORDER BY x
SELECT x FROM VALUES (3), (NULL), (1) AS t(x) ORDER BY x DESC
SELECT x FROM VALUES (3), (NULL), (1) AS t(x) ORDER BY x NULLS LAST
SELECT x FROM VALUES (3), (NULL), (1) AS t(x) ORDER BY x DESC NULLS FIRST
SELECT x FROM VALUES ('b'), ('B'), ('a'), (''), ('é') AS t(x) ORDER BY x
SELECT x FROM VALUES (1.0D), (CAST('NaN' AS DOUBLE)), (-0.0D), (0.0D), (CAST('-Infinity' AS DOUBLE)) AS t(x) ORDER BY x
SELECT x FROM VALUES (1), (2), (1), (NULL), (NULL) AS t(x) UNION SELECT 2 ORDER BY x
SELECT x FROM VALUES (1), (2), (1), (NULL) AS t(x) UNION ALL SELECT x FROM VALUES (1), (NULL) AS u(x) ORDER BY x
SELECT x FROM VALUES (1), (2), (2), (NULL), (NULL) AS t(x) INTERSECT SELECT x FROM VALUES (2), (2), (NULL) AS u(x) ORDER BY x
SELECT x FROM VALUES (1), (2), (2), (2), (NULL), (NULL) AS t(x) INTERSECT ALL SELECT x FROM VALUES (2), (2), (NULL) AS u(x) ORDER BY x
SELECT x FROM VALUES (1), (2), (2), (NULL) AS t(x) EXCEPT SELECT x FROM VALUES (2) AS u(x) ORDER BY x
SELECT x FROM VALUES (1), (2), (2), (2), (NULL), (NULL) AS t(x) EXCEPT ALL SELECT x FROM VALUES (2), (NULL) AS u(x) ORDER BY x
SELECT 1 AS a UNION SELECT 1.5 ORDER BY a
SELECT 1 AS a UNION ALL SELECT 'x' ORDER BY a
SELECT 1 AS a UNION ALL SELECT CAST(NULL AS STRING)
SELECT CAST(1.0 AS DOUBLE) AS x UNION ALL SELECT CAST(-0.0 AS DOUBLE) UNION SELECT 0.0D
SELECT a, b FROM VALUES (1, 'x'), (2, 'y'), (NULL, 'z') AS l(a, b) JOIN VALUES (1, 'p'), (NULL, 'q'), (3, 'r') AS r(a, c) USING (a) ORDER BY a
SELECT * FROM VALUES (1, 'x'), (2, 'y'), (NULL, 'z') AS l(a, b) LEFT JOIN VALUES (1, 'p'), (NULL, 'q'), (3, 'r') AS r(a2, c) ON a = a2 ORDER BY a, b
SELECT * FROM VALUES (1, 'x'), (2, 'y'), (NULL, 'z') AS l(a, b) RIGHT JOIN VALUES (1, 'p'), (NULL, 'q'), (3, 'r') AS r(a2, c) ON a = a2 ORDER BY a2, c
SELECT * FROM VALUES (1, 'x'), (2, 'y'), (NULL, 'z') AS l(a, b) FULL OUTER JOIN VALUES (1, 'p'), (NULL, 'q'), (3, 'r') AS r(a2, c) ON a = a2 ORDER BY a, a2, b, c
SELECT * FROM VALUES (1, 'x'), (2, 'y'), (NULL, 'z') AS l(a, b) LEFT SEMI JOIN VALUES (1), (NULL) AS r(a2) ON a = a2 ORDER BY a
SELECT * FROM VALUES (1, 'x'), (2, 'y'), (NULL, 'z') AS l(a, b) LEFT ANTI JOIN VALUES (1), (NULL) AS r(a2) ON a = a2 ORDER BY a
SELECT * FROM VALUES (1, 'x'), (NULL, 'z') AS l(a, b) JOIN VALUES (1), (NULL) AS r(a2) ON a <=> a2 ORDER BY a
SELECT * FROM VALUES (1, 'x'), (2, 'y') AS l(a, b) FULL JOIN VALUES (2, 'p'), (3, 'q') AS r(a, c) USING (a) ORDER BY a
SELECT * FROM VALUES (1), (2) AS l(a) CROSS JOIN VALUES ('x'), ('y') AS r(b) ORDER BY a, b
SELECT * FROM VALUES (1, 10), (2, 20) AS l(a, v) JOIN VALUES (1, 5), (1, 15), (2, 25) AS r(a, w) ON l.a = r.a AND v < w ORDER BY l.a, w
SELECT l.a, count(r.a) FROM VALUES (1), (2), (3) AS l(a) LEFT JOIN VALUES (1), (1), (3) AS r(a) ON l.a = r.a GROUP BY l.a ORDER BY l.a
SELECT * FROM VALUES (1, 'a'), (1, 'a'), (2, 'b') AS t(x, y) NATURAL JOIN VALUES (1, 'a'), (2, 'c') AS u(x, y)
SELECT x FROM VALUES (1), (2), (3), (4), (5) AS t(x) ORDER BY x LIMIT 2 OFFSET 1
SELECT x FROM VALUES (1), (2), (3) AS t(x) ORDER BY x OFFSET 5
SELECT x FROM VALUES (1), (2), (3) AS t(x) ORDER BY x LIMIT 0
SELECT DISTINCT x, y FROM VALUES (1, NULL), (1, NULL), (NULL, NULL), (NULL, NULL), (1, 2) AS t(x, y) ORDER BY x, y
SELECT DISTINCT x FROM VALUES (-0.0D), (0.0D), (CAST('NaN' AS DOUBLE)), (CAST('NaN' AS DOUBLE)) AS t(x) ORDER BY x
SELECT x, count(*) FROM VALUES (-0.0D), (0.0D), (CAST('NaN' AS DOUBLE)), (CAST('NaN' AS DOUBLE)) AS t(x) GROUP BY x ORDER BY x
SELECT x FROM VALUES (1), (2), (3) AS t(x) WHERE x > (SELECT avg(y) FROM VALUES (1), (2) AS u(y)) ORDER BY x
SELECT x FROM VALUES (1), (2), (NULL) AS t(x) WHERE x IN (SELECT y FROM VALUES (2), (NULL) AS u(y))
SELECT x FROM VALUES (1), (2), (NULL) AS t(x) WHERE x NOT IN (SELECT y FROM VALUES (2), (NULL) AS u(y))
SELECT x FROM VALUES (1), (2), (NULL) AS t(x) WHERE x NOT IN (SELECT y FROM VALUES (2) AS u(y)) ORDER BY x
SELECT x FROM VALUES (1), (2) AS t(x) WHERE EXISTS (SELECT 1 FROM VALUES (2) AS u(y) WHERE y = x)
SELECT x, (SELECT max(y) FROM VALUES (1), (5) AS u(y) WHERE y > x) AS m FROM VALUES (0), (3), (9) AS t(x) ORDER BY x
SELECT (SELECT 1 WHERE false) AS r
SELECT * FROM (SELECT x, x * 2 AS y FROM VALUES (1), (2) AS t(x)) s WHERE y > 2
WITH c AS (SELECT 1 AS a UNION ALL SELECT 2) SELECT sum(a) FROM c
SELECT g, collect_list(x) FROM (SELECT * FROM VALUES ('a', 2), ('a', 1), ('b', 3) AS t(g, x) ORDER BY g, x) GROUP BY g ORDER BY g
SELECT max(x), min(x) FROM VALUES ('b'), ('a'), ('B'), (NULL) AS t(x)
SELECT max(x), min(x) FROM VALUES (array(1, 2)), (array(1, 3)), (array(1)) AS t(x)
SELECT max(x), min(x), sum(CAST(x AS INT)) FROM VALUES (true), (false), (NULL) AS t(x)
SELECT max(x), min(x) FROM VALUES (DATE'2024-01-01'), (DATE'1969-01-01') AS t(x)
SELECT sum(x) FROM VALUES (CAST(1 AS TINYINT)), (CAST(127 AS TINYINT)) AS t(x)
SELECT typeof(sum(x)), typeof(avg(x)) FROM VALUES (CAST(1 AS TINYINT)) AS t(x)
SELECT x, y FROM VALUES (1, 'a'), (2, 'b') AS t(x, y) ORDER BY y DESC LIMIT 1
SELECT * FROM VALUES (1, 2), (3, 4)
SELECT * FROM VALUES 1, 2, 3 ORDER BY 1 DESC
SELECT col1 + 1 FROM VALUES (1), (2)
SELECT * FROM VALUES (1, 'a'), (2.5, NULL) AS t(x, y)
SELECT x FROM VALUES (1), (1.5D) AS t(x)
SELECT * FROM VALUES (CAST(1.25 AS DECIMAL(5,2))), (CAST(10.5 AS DECIMAL(4,1))) AS t(x)
SELECT g, sum(x) AS s, rank() OVER (ORDER BY sum(x) DESC) AS r FROM VALUES ('a', 1), ('b', 5), ('c', 5) AS t(g, x) GROUP BY g ORDER BY r, g
SELECT g, x FROM VALUES ('a', 1), ('a', 2), ('b', 3) AS t(g, x) QUALIFY row_number() OVER (PARTITION BY g ORDER BY x DESC) = 1 ORDER BY g
SELECT * FROM VALUES ('a', 1), ('b', 2) AS t(k, v) PIVOT (sum(v) FOR k IN ('a', 'b', 'c'))
SELECT * FROM VALUES (1, 2, 3) AS t(id, a, b) UNPIVOT (val FOR col IN (a, b))
SELECT sum(x) OVER (), x FROM VALUES (1), (2) AS t(x) ORDER BY x
SELECT x, count(x) OVER (ORDER BY x ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM VALUES (NULL), (1), (2) AS t(x) ORDER BY x
SELECT x, dense_rank() OVER (PARTITION BY x % 2 ORDER BY x DESC) FROM VALUES (1), (2), (3), (4), (5) AS t(x) ORDER BY x
SELECT g, avg(x), stddev(x) FROM VALUES ('a', 1), ('b', 2), ('b', 4) AS t(g, x) GROUP BY g ORDER BY g
SELECT histogram_numeric(x, 3) FROM VALUES (1), (2), (3), (10) AS t(x)
SELECT kurtosis(x), skewness(x) FROM VALUES (1.0D) AS t(x)
SELECT try_sum(x), try_avg(x) FROM VALUES (9223372036854775807L), (1L) AS t(x)
SELECT sum(x), avg(x) FROM VALUES (1), (NULL) AS t(x) GROUP BY x ORDER BY x
SELECT count(*), count(1), count(NULL), count(DISTINCT NULL) FROM VALUES (1), (2) AS t(x)
SELECT regr_avgx(y, x), regr_avgy(y, x), regr_sxx(y, x), regr_syy(y, x), regr_sxy(y, x) FROM VALUES (1, 2), (2, 4), (3, 7) AS t(x, y)
SELECT x, y FROM VALUES (1, 'b'), (1, 'a'), (0, 'c') AS t(x, y) ORDER BY x DESC, y ASC
SELECT concat_ws('|', collect_list(x)) FROM VALUES ('a'), ('b') AS t(x)
SELECT first(x) IGNORE NULLS, last(x) IGNORE NULLS FROM VALUES (NULL), (1), (2), (NULL) AS t(x)
SELECT max_by(x, y), min_by(x, y) FROM VALUES ('a', NULL), ('b', 1), ('c', 1) AS t(x, y)
SELECT percentile(x, 0) , percentile(x, 1), percentile(x, 0.33) FROM VALUES (10), (20), (30) AS t(x)
SELECT percentile_approx(x, 0.5, 10000) FROM VALUES (1), (2), (3), (4) AS t(x)
SELECT percentile_approx(x, 0.5) FROM VALUES (DATE'2024-01-01'), (DATE'2024-01-03'), (DATE'2024-01-02') AS t(x)
SELECT median(x) FROM VALUES (1.0D), (2.0D) AS t(x)
SELECT sum(x), avg(x) FROM VALUES (CAST(0.1 AS FLOAT)), (CAST(0.2 AS FLOAT)) AS t(x)
