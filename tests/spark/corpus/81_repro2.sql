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
SELECT to_json(named_struct('a', 1, 'b', array(1, 2), 'c', map('k', named_struct('d', 1)), 'e', map()), map('pretty', 'true')) AS r
SELECT to_json(array(named_struct('h', 1), named_struct('h', 2)), map('pretty', 'true')) AS r
SELECT to_json(array(array(1), array()), map('pretty', 'true')) AS r
SELECT '${tide_compare_unset}' AS r, '${foo:bar}' AS s, '$${x' AS t
SELECT schema_of_json('{"a":null,"b":[{}],"c":{"d":null,"e":1}}', map('dropFieldIfAllNull', 'true')) AS r
SELECT schema_of_json('{"a":"","b":[""]}') AS r
SELECT to_csv(named_struct('a', ' x ', 'b', 'q"y', 'c', '', 'd', CAST(NULL AS STRING))) AS r
SELECT to_csv(named_struct('a', ' x ', 'b', 'q"y'), map('quoteAll', 'true', 'ignoreLeadingWhiteSpace', 'false')) AS r
SELECT from_csv('"a"  ,  b  ', 'x STRING, y STRING', map('ignoreLeadingWhiteSpace', 'true', 'ignoreTrailingWhiteSpace', 'true')) AS r
SELECT regexp_extract('abc', '(b)', ' 1.9 ') AS r, regexp_extract('abc', '(b)', 1.9) AS s, regexp_extract('abc', '(b)', 'x') AS t
SELECT regexp_extract_all('abcb', '(b)', NULL) AS r, regexp_instr('abc', 'b', 'x') AS s, regexp_instr('abc', 'b', '0') AS t
SELECT regexp_extract('ÉCOLE', '(?i)[é]cole', 0) AS r, regexp_extract('ÉCOLE', '(?i)[^é]cole', 0) AS s, regexp_extract('Ab', '(?i)[a-zé]b', 0) AS t
SELECT regexp_extract('ÉCOLE', '(?i)\\Qécole\\E', 0) AS r, regexp_extract('ÉCOLE', '(?i)\\u00e9cole', 0) AS s, 'K' RLIKE '(?i)\\x{212A}' AS t, regexp_extract('ÉCOLE', '(?iU)école', 0) AS u
