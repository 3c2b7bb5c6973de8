SELECT explode(array(1, 2)) AS x, 'a' AS y
SELECT explode(array(1, 2)) AS x ORDER BY x DESC
SELECT explode(array(1, 2)) AS x, 'a' AS y ORDER BY x
SELECT 1 AS k, explode(array(1, 2)) AS x ORDER BY x
SELECT l.*, r.* FROM VALUES (1) AS l(a) JOIN VALUES (1) AS r(a) ON l.a = r.a
SELECT l.* FROM VALUES (1) AS l(a) JOIN VALUES (2) AS r(b) ON l.a + 1 = r.b
SELECT r.* FROM VALUES (1, 'x') AS l(a, b) JOIN VALUES (1, 'y') AS r(a, c) ON l.a = r.a
SELECT x FROM VALUES (CAST(NULL AS INT)), (NULL) AS t(x) INTERSECT SELECT x FROM VALUES (CAST(NULL AS INT)) AS u(x)
SELECT x FROM VALUES (CAST(NULL AS INT)), (1) AS t(x) EXCEPT SELECT x FROM VALUES (1) AS u(x)
SELECT DISTINCT x FROM VALUES (-0.0D), (0.0D) AS t(x)
SELECT x, count(*) FROM VALUES (-0.0D), (0.0D) AS t(x) GROUP BY x
SELECT * FROM VALUES (-0.0D) AS l(a) JOIN VALUES (0.0D) AS r(b) ON a = b
SELECT 'it''s' AS r
SELECT 'a' 'b' AS r
SELECT trim('\t a \t') = 'a' AS r
SELECT length(trim('\n\ta\n')) AS r
SELECT 'a\tb' AS r
SELECT 'a\nb' AS r
SELECT length('a\nb') AS r
SELECT CAST(200 AS TINYINT) AS r
SELECT typeof(CAST(1 AS TINYINT)) AS r
SELECT typeof(CAST(1 AS SMALLINT)) AS r
SELECT CAST(CAST(1 AS TINYINT) AS STRING) AS r
SELECT upper('straße') AS r
SELECT base64(CAST(repeat('a', 58) AS BINARY)) AS r
SELECT base64(CAST(repeat('a', 57) AS BINARY)) AS r
SELECT exp(1) AS r
SELECT cosh(1) AS r
SELECT CAST(2147483647 AS FLOAT) AS r
SELECT CAST(0.3 AS FLOAT) AS r
SELECT CAST(1.0E10 AS FLOAT) AS r
SELECT array_distinct(array(-0.0D, 0.0D)) AS r
SELECT array_union(array(-0.0D), array(0.0D)) AS r
SELECT from_json('{"a":NaN}', 'a DOUBLE') AS r
SELECT from_json('{''a'':1}', 'a INT') AS r
SELECT from_json('{"a":1} x', 'a INT') AS r
SELECT get_json_object('{"a b":1}', '$[\'a b\']') AS r
SELECT get_json_object('{"a":1}', '$[\'a\']') AS r
SELECT to_json(named_struct('t', TIMESTAMP'2024-01-01 10:00:00'), map('timestampFormat', 'dd/MM/yyyy HH:mm')) AS r
SELECT to_json(named_struct('n', CAST(NULL AS INT)), map('ignoreNullFields', 'false')) AS r
SELECT to_json(map(named_struct('a', 1), 2)) AS r
SELECT lpad(X'01', 3, X'00') AS r
SELECT concat(X'01', X'02') AS r
SELECT typeof(concat(X'01', X'02')) AS r
SELECT mode(x) FROM VALUES (1), (2), (2), (3), (3) AS t(x)
SELECT percentile_approx(x, 0.5) FROM VALUES (CAST(1.5 AS DECIMAL(4,2))), (CAST(2.5 AS DECIMAL(4,2))) AS t(x)
SELECT initcap('o\'neil') AS r
SELECT '日本' AS a, 'x' AS b
SELECT CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0)) div 1 AS r
SELECT lower('ΣΑΣ') AS r
SELECT sum(x) FROM VALUES (CAST(100 AS TINYINT)), (CAST(100 AS TINYINT)) AS t(x)
SELECT x FROM VALUES (CAST(1 AS TINYINT)) AS t(x) WHERE x + CAST(127 AS TINYINT) < 0
