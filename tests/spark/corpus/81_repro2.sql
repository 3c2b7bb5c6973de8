SELECT typeof(x) FROM VALUES (NULL), (1) AS t(x)
SELECT x + 1 FROM VALUES (NULL), (1) AS t(x)
SELECT a, b FROM VALUES (1, NULL), (2, 3) AS t(a, b) EXCEPT ALL SELECT 1, NULL
SELECT typeof(b) FROM VALUES (1, NULL), (1, NULL), (2, 3) AS t(a, b) EXCEPT ALL SELECT a, b FROM VALUES (1, NULL) AS u(a, b)
SELECT a, b FROM VALUES (1, CAST(NULL AS INT)), (1, NULL) AS t(a, b) INTERSECT SELECT a, b FROM VALUES (1, CAST(NULL AS INT)) AS u(a, b)
SELECT s.* FROM (SELECT named_struct('a', 1, 'b', 2) AS s)
SELECT l.k, r.k FROM VALUES (1) AS l(k) FULL JOIN VALUES (2) AS r(k) USING (k)
SELECT k, l.k, r.k FROM VALUES (1) AS l(k) RIGHT JOIN VALUES (2) AS r(k) USING (k)
SELECT approx_count_distinct(id) FROM range(100)
SELECT approx_count_distinct(id) FROM range(1000)
SELECT 'a' || NULL AS r
SELECT 1 AS x, explode(array(1, 2, 3)) AS e
SELECT explode(array(1, 2, 3)) AS e ORDER BY e
SELECT explode(array(3, 1, 2)) AS e ORDER BY e LIMIT 2
SELECT g, explode(a) AS v FROM VALUES ('x', array(1, 2)) AS t(g, a) ORDER BY v
SELECT g, explode(a) AS v FROM VALUES ('x', array(1, 2)) AS t(g, a) ORDER BY g
SELECT * FROM (SELECT explode(array(1, 2)) AS v) ORDER BY v
SELECT posexplode(array(5, 6)) ORDER BY pos DESC
