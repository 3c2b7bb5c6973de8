SELECT array(1, NULL, 3), array(), array(NULL), size(array()), size(NULL), cardinality(array(1, 2)), size(map(1, 2))
SELECT array_contains(array(1, NULL, 3), 3), array_contains(array(1, NULL, 3), 2), array_contains(array(1, 2), NULL), array_contains(NULL, 1)
SELECT array_position(array(3, 2, 1, 2), 2), array_position(array(1), 5), array_remove(array(1, NULL, 2, 1), 1), array_remove(array(1, NULL), NULL)
SELECT sort_array(array(3, NULL, 1, 2)), sort_array(array(3, NULL, 1, 2), false), array_sort(array(3, NULL, 1, 2)), sort_array(array('b', 'A', 'a', ''))
SELECT sort_array(array(CAST('NaN' AS DOUBLE), 1.0D, -0.0D, 0.0D, CAST('-Infinity' AS DOUBLE), NULL)) AS r
SELECT array_sort(array(CAST('NaN' AS DOUBLE), 1.0D, -0.0D, 0.0D, NULL)) AS r
SELECT array_sort(array(3, 1, 2), (a, b) -> b - a), array_sort(array('bb', 'a', 'ccc'), (a, b) -> length(a) - length(b))
SELECT array_sort(array(array(2, 1), array(1), array(1, 2), NULL)) AS r
SELECT sort_array(array(named_struct('a', 2, 'b', 'x'), named_struct('a', 1, 'b', 'y'))) AS r
SELECT array_distinct(array(1, 2, NULL, 2, NULL, 1)), array_distinct(array(CAST('NaN' AS DOUBLE), CAST('NaN' AS DOUBLE), -0.0D, 0.0D))
SELECT array_union(array(1, 2, 2), array(2, 3, NULL)), array_intersect(array(1, 2, 2, NULL), array(2, NULL)), array_except(array(1, 2, 2, NULL), array(2))
SELECT arrays_overlap(array(1, 2), array(3, 2)), arrays_overlap(array(1, NULL), array(3)), arrays_overlap(array(1), array(2)), arrays_overlap(array(), array(NULL))
SELECT flatten(array(array(1, 2), array(3), NULL)), flatten(array(array(1, 2), array())), flatten(array(array(array(1))))
SELECT sequence(1, 5), sequence(5, 1), sequence(1, 10, 3), sequence(10, 1, -4), sequence(1, 1), sequence(1L, 3L)
SELECT sequence(1, 5, -1) AS r
SELECT sequence(1, 5, 0) AS r
SELECT sequence(1.0D, 2.0D) AS r
SELECT slice(array(1, 2, 3, 4), 2, 2), slice(array(1, 2, 3, 4), -2, 5), slice(array(1, 2, 3), 5, 1), slice(array(1, 2, 3), -5, 2)
SELECT slice(array(1, 2, 3), 0, 1) AS r
SELECT slice(array(1, 2, 3), 1, -1) AS r
SELECT element_at(array(1, 2, 3), -1), element_at(array(1, 2, 3), 5), element_at(array(1, 2, 3), -5), element_at(map('a', 1), 'b'), element_at(map('a', 1), 'a')
SELECT element_at(array(1, 2, 3), 0) AS r
SELECT array(1, 2, 3)[0], array(1, 2, 3)[3], array(1, 2, 3)[-1], map('a', 1)['a'], map('a', 1)['z'], named_struct('x', 5).x
SELECT try_element_at(array(1, 2), 0), try_element_at(array(1, 2), 3), get(array(1, 2), 1), get(array(1, 2), -1)
SELECT array_repeat('x', 3), array_repeat(NULL, 2), array_repeat(1, 0), array_repeat(1, -1)
SELECT array_join(array('a', NULL, 'b'), ','), array_join(array('a', NULL, 'b'), ',', 'N'), array_join(array(1, 2), '-'), array_join(array(), ',')
SELECT array_min(array(3, NULL, 1)), array_max(array(3, NULL, 1)), array_min(array()), array_max(array(CAST('NaN' AS DOUBLE), 1.0D)), array_min(array('b', 'a'))
SELECT arrays_zip(array(1, 2), array('a', 'b', 'c')), arrays_zip(array(1), NULL), arrays_zip(array())
SELECT array_append(array(1, 2), 3), array_append(array(1, 2), NULL), array_prepend(array(1, 2), 0), array_insert(array(1, 2, 3), 2, 9), array_insert(array(1, 2, 3), -1, 9), array_insert(array(1), 5, 9)
SELECT array_compact(array(1, NULL, 2, NULL)), array_size(array(1, 2)), shuffle(array(1)) AS one
SELECT reverse(array(1, NULL, 3)), array_remove(array(), 1), array_except(array(NULL, NULL), array())
SELECT transform(array(1, 2, 3), x -> x * 10), transform(array(1, 2, 3), (x, i) -> x + i), transform(array(), x -> x), transform(NULL, x -> x)
SELECT filter(array(1, NULL, 3, 4), x -> x > 2), filter(array(1, 2, 3, 4), (x, i) -> i % 2 = 0), filter(array(1, NULL), x -> x IS NULL)
SELECT aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x), aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x, acc -> acc * 10), aggregate(array(), 0, (a, x) -> a + x), aggregate(array(1, NULL), 0, (a, x) -> a + x)
SELECT aggregate(array(1.5, 2.5), 0.0, (acc, x) -> acc + x) AS r
SELECT aggregate(array(1, 2), CAST(0 AS BIGINT), (acc, x) -> acc + x) AS r
SELECT reduce(array(1, 2, 3), 0, (a, x) -> a + x) AS r
SELECT exists(array(1, 2, 3), x -> x > 2), exists(array(1, NULL), x -> x > 5), exists(array(1, NULL), x -> x > 0), exists(array(), x -> true)
SELECT forall(array(1, 2, 3), x -> x > 0), forall(array(1, NULL), x -> x > 0), forall(array(1, NULL), x -> x > 5), forall(array(), x -> false)
SELECT zip_with(array(1, 2, 3), array(10, 20), (a, b) -> a + b), zip_with(array('a'), array('b'), (a, b) -> concat(a, b))
SELECT map_filter(map(1, 'a', 2, 'b'), (k, v) -> k > 1), transform_keys(map(1, 'a', 2, 'b'), (k, v) -> k * 10), transform_values(map(1, 'a'), (k, v) -> upper(v)), map_zip_with(map(1, 'a'), map(1, 'x', 2, 'y'), (k, a, b) -> concat(a, b))
SELECT transform_keys(map(1, 'a', 2, 'b'), (k, v) -> 0) AS r
SELECT map(1, 'a', 2, 'b'), map(), map_keys(map(2, 'b', 1, 'a')), map_values(map(2, 'b', 1, 'a')), map_entries(map(1, 'a')), map_contains_key(map(1, 'a'), 1)
SELECT map(1, 'a', 1, 'b') AS r
SELECT map_from_arrays(array(1, 2), array('a', 'b')), map_from_arrays(array(), array()), map_from_entries(array(struct(1, 'a'), struct(2, NULL)))
SELECT map_from_arrays(array(1, 2), array('a')) AS r
SELECT map_from_arrays(array(1, NULL), array('a', 'b')) AS r
SELECT map_from_arrays(array(1, 1), array('a', 'b')) AS r
SELECT map_concat(map(1, 'a'), map(2, 'b')), map_concat(map(1, 'a'), map()), map_concat(map(1, 'a'), NULL)
SELECT map_concat(map(1, 'a'), map(1, 'b')) AS r
SELECT map(NULL, 1) AS r
SELECT map('a', 1, 'b', NULL), map(1.5, 'x'), map(array(1), 'x'), map('k', map('n', 1))
SELECT named_struct('a', 1, 'b', named_struct('c', NULL)), struct(1 AS x, 'y' AS y), struct(NULL), named_struct('a', array(1, 2)).a
SELECT array(named_struct('a', 1), named_struct('a', 2)).a AS r
SELECT inline(array(struct(1, 'a'), struct(2, 'b')))
SELECT inline(array(named_struct('x', 1, 'y', 'a'), NULL))
SELECT explode(array(1, NULL, 3)) AS v
SELECT explode(array())
SELECT explode(map('a', 1, 'b', 2))
SELECT posexplode(array('x', 'y'))
SELECT posexplode(map('a', 1))
SELECT explode_outer(array()), 1 AS k
SELECT explode_outer(CAST(NULL AS ARRAY<INT>)) AS v
SELECT 1 AS a, explode(sequence(1, 3)) AS b
SELECT stack(2, 1, 'a', 2, 'b')
SELECT stack(3, 1, 2) AS r
SELECT inline_outer(array())
SELECT k, v FROM (SELECT explode(map('b', 2, 'a', 1)) AS (k, v)) ORDER BY k
SELECT id, c FROM VALUES (1, array(1, 2)), (2, array()), (3, NULL) AS t(id, a) LATERAL VIEW explode(a) x AS c ORDER BY id, c
SELECT id, c FROM VALUES (1, array(1, 2)), (2, array()), (3, NULL) AS t(id, a) LATERAL VIEW OUTER explode(a) x AS c ORDER BY id, c
SELECT id, p, c FROM VALUES (1, array('a', 'b')) AS t(id, a) LATERAL VIEW posexplode(a) x AS p, c
SELECT id, e FROM VALUES (1, array(10, 20)) AS t(id, a), LATERAL explode(a) AS x(e)
SELECT array(1, 2) = array(1, 2), array(1, NULL) = array(1, NULL), map(1, 2) IS NOT NULL, named_struct('a', 1) = named_struct('a', 1), array(1, 2) < array(1, 3)
SELECT CAST(array(1, 2) AS ARRAY<STRING>), CAST(array('1', 'x') AS ARRAY<INT>), CAST(map('a', '1') AS MAP<STRING, INT>), CAST(named_struct('a', '1') AS STRUCT<a: INT>)
SELECT array(1, 'a') AS r
SELECT array(1, 2.5, 3L) AS r
SELECT array(DATE'2024-01-01', TIMESTAMP'2024-01-01 10:00:00') AS r
SELECT concat(array(1), array('a')) AS r
SELECT array_contains(array(1, 2), '1') AS r
SELECT array_contains(array(1.0D, 2.0D), 1) AS r
SELECT size(split('', ',')), size(array(NULL)), array_size(NULL), size(map())
SELECT to_json(array(1, 2)), to_json(map('a', 1)), to_json(named_struct('a', 1, 'b', NULL)), to_json(named_struct('d', DATE'2024-01-01', 't', TIMESTAMP'2024-01-01 10:00:00'))
SELECT to_json(named_struct('x', 1.0D, 'y', 1e20D, 'z', CAST('NaN' AS DOUBLE), 'w', CAST(1.50 AS DECIMAL(5,2)))) AS r
SELECT to_json(named_struct('s', 'a"b\\c\n', 'u', 'é')), to_json(array(named_struct('a', array(1)))), to_json(map(1, named_struct('b', 2)))
SELECT from_json('{"a":1,"b":"x"}', 'a INT, b STRING'), from_json('{"a":"x"}', 'a INT'), from_json('bad', 'a INT'), from_json('{"a":1.5}', 'a INT'), from_json('{"a":1}', 'a DOUBLE')
SELECT from_json('[1,2,null]', 'ARRAY<INT>'), from_json('{"k":1,"j":2}', 'MAP<STRING,INT>'), from_json('{"a":[{"b":1}]}', 'a ARRAY<STRUCT<b: INT>>'), from_json('{"A":1}', 'a INT')
SELECT from_json('{"a":1}', 'STRUCT<a: INT>'), from_json('[{"a":1},{"a":2}]', 'a INT'), from_json('{"a":"2024-01-05"}', 'a DATE'), from_json('{"a":"2024-01-05 10:00:00"}', 'a TIMESTAMP')
SELECT from_json('{"a":true,"b":"true","c":1}', 'a BOOLEAN, b BOOLEAN, c BOOLEAN') AS r
SELECT from_json('{"a":1e2,"b":"1e2","c":12345678901}', 'a INT, b DOUBLE, c INT') AS r
SELECT from_json('', 'a INT'), from_json(NULL, 'a INT'), from_json('{}', 'a INT'), from_json('null', 'a INT'), from_json('{"a":1} x', 'a INT')
SELECT from_json('{"a":{"b":1}}', 'a STRING'), from_json('{"a":[1,2]}', 'a STRING'), from_json('{"a":1.50}', 'a STRING'), from_json('{"a":1.50}', 'a DECIMAL(5,1)')
SELECT from_json('{"a": 1, "a": 2}', 'a INT') AS r
SELECT get_json_object('{"a":{"b":[1,2,{"c":"x"}]}}', '$.a.b[2].c'), get_json_object('{"a":{"b":[1,2]}}', '$.a.b'), get_json_object('{"a":"x"}', '$.a'), get_json_object('{"a":1}', '$.z')
SELECT get_json_object('{"a":[{"b":1},{"b":2}]}', '$.a[*].b'), get_json_object('[1,2,3]', '$[1]'), get_json_object('{"a":1.50}', '$.a'), get_json_object('{"a":null}', '$.a'), get_json_object('bad', '$.a')
SELECT get_json_object('{"a b":1}', '$[''a b'']'), get_json_object('{"a":true}', '$.a'), get_json_object('{"a":"é\\u00e9"}', '$.a'), get_json_object('{"a":{"x":1 , "y" : [ 1 , 2 ]}}', '$.a')
SELECT get_json_object('{"a":1e2}', '$.a'), get_json_object('{"a":12345678901234567890}', '$.a'), get_json_object('{"a":-0.0}', '$.a'), get_json_object('{"a":1}', '$'), get_json_object('{"a":1}', 'a')
SELECT json_tuple('{"a":1,"b":"x","c":{"d":2}}', 'a', 'b', 'c', 'z')
SELECT json_tuple('bad', 'a')
SELECT schema_of_json('{"a":1,"b":[1.5],"c":{"d":"x"},"e":null,"f":true}'), schema_of_json('[1,2]'), schema_of_json('{"a":12345678901}'), schema_of_json('{"a":1e2}')
SELECT schema_of_json('[{"a":1},{"b":"x"}]'), schema_of_json('{"a":[]}'), schema_of_json('1'), schema_of_json('"x"')
SELECT json_array_length('[1,2,[3]]'), json_array_length('[]'), json_array_length('{}'), json_array_length('bad'), json_object_keys('{"a":1,"b":{"c":2}}'), json_object_keys('[]')
SELECT to_json(named_struct('a', CAST(1.5 AS FLOAT), 'b', CAST(1 AS TINYINT), 'c', X'01', 'd', array(map('k', NULL)))) AS r
SELECT to_csv(named_struct('a', 1, 'b', 'x,y', 'c', NULL)), from_csv('1,abc', 'a INT, b STRING'), schema_of_csv('1,abc,2.5')
SELECT from_json('{"a":"1"}', 'a INT'), from_json('{"a":" 1"}', 'a INT'), from_json('{"a":"NaN"}', 'a DOUBLE'), from_json('{"a":NaN}', 'a DOUBLE')
SELECT array_remove(array(1, 2), 2.0) AS r
SELECT array_remove(array(1, 2), 2L) AS r
SELECT array_remove(array(1, 2), 2.0D) AS r
SELECT array_remove(array(1, 2), '2') AS r
SELECT array_remove(array(1.5, 2), 2) AS r
SELECT array_remove(array(CAST(1 AS DECIMAL(12,1))), 1) AS r
SELECT array_remove(array('a'), 1) AS r
SELECT array_remove(array(DATE'2024-01-01'), TIMESTAMP'2024-01-01 00:00:00') AS r
SELECT array_remove(array(1Y), 1) AS r
SELECT array_remove(array(1), NULL) AS r
SELECT array_position(array(1, 2), 2.0), array_position(array(1), '1') AS r
SELECT array_contains(array(1, 2), 2.0), array_contains(array(1), '1') AS r
SELECT array_remove(array(1.5D), 1.5) AS r
SELECT array_contains(array(DATE'2024-01-01'), TIMESTAMP'2024-01-01 00:00:00'), array_position(array(TIMESTAMP'2024-01-01 00:00:00'), DATE'2024-01-01') AS r
SELECT map(1, 'a', 1, 'b') AS r
SELECT map_from_arrays(array(1, 1), array('a', 'b')) AS r
SELECT map_concat(map(1, 'a'), map(1, 'b')) AS r
SELECT str_to_map('a:1,a:2') AS r
SELECT map(NULL, 1) AS r
SELECT map_from_entries(array(struct(1, 'a'), struct(NULL, 'b'))) AS r
SELECT element_at(map(1, 'a'), NULL), map(1, 'a')[2], try_element_at(map(1, 'a'), 1) AS r
SELECT array(1, 2)[5], array(1, 2)[-1], element_at(array(1, 2), 0) AS r
SELECT element_at(array(1, 2), 5) AS r
SELECT concat(array(1), array(NULL, 2)), concat(array(1), NULL), array_join(array(NULL), ',') AS r
SELECT '2024-03-05' < DATE'2024-03-06', DATE'2024-03-05' = '2024-03-05', TIMESTAMP'2024-03-05 00:00:00' = DATE'2024-03-05' AS r
SELECT '1' = 1, '1.0' = 1, 'a' = 1, ' 1' = 1, '1' IN (1, 2), 1 IN ('1', 'x') AS r
SELECT DATE'2024-03-05' + 1, DATE'2024-03-05' - 1, '2024-03-05' + 1, date_add('2024-03-05 10:00:00', 1) AS r
SELECT DATE'2024-03-05' - DATE'2024-03-01', TIMESTAMP'2024-03-05 10:00:00' - TIMESTAMP'2024-03-05 09:00:00' AS r
SELECT CAST('2024-03-05 10:00:00' AS DATE), CAST(DATE'2024-03-05' AS TIMESTAMP), CAST(TIMESTAMP'2024-03-05 23:59:59' AS DATE) AS r
SELECT year('2024-03-05'), month(TIMESTAMP'2024-03-05 10:00:00'), day('2024-03-05T10:00:00Z'), hour('2024-03-05 10:11:12'), minute('10:11:12') AS r
SELECT to_date('2024-03-05 10:11:12'), to_date('2024/03/05'), to_timestamp('2024-03-05'), to_timestamp('2024-03-05T10:11:12.123+01:00') AS r
SELECT from_unixtime(0), from_unixtime(1700000000, 'yyyy-MM-dd'), unix_timestamp('2024-03-05', 'yyyy-MM-dd'), to_unix_timestamp('2024-03-05 00:00:00') AS r
SELECT date_format('2024-03-05', 'yyyy'), date_format(NULL, 'yyyy'), date_format(TIMESTAMP'2024-03-05 10:00:00', '') AS r
SELECT abs(-5), abs(-2147483648), negative(5), positive(-5), -(5) AS r
SELECT 5 / 2, 5 DIV 2, -5 DIV 2, 5.0 / 2, 5 % 2.5, CAST(5 AS DOUBLE) / 0, 0.0 / 0 AS r
SELECT 1e308 * 10, -1e308 * 10, CAST('1e400' AS DOUBLE), 1.0E-320 AS r
SELECT round(2.345, 2), round(2.345D, 2), round(-2.5D), round(0.5D), bround(0.5D), round(1.5F) AS r
SELECT ceil(2.1D), floor(-2.1D), ceil(CAST(2.1 AS DECIMAL(3,1))), typeof(ceil(2.1D)), typeof(ceil(2.1)) AS r
SELECT log(0), log(-1), ln(0), sqrt(-0.0), pow(0, 0), pow(-8, 1.0/3) AS r
SELECT greatest(1, 2.5, '3'), least(DATE'2024-01-01', '2023-12-31') AS r
SELECT nvl(1, 'a'), coalesce(1, 'a'), if(true, 1, 'a'), CASE WHEN true THEN 1 ELSE '2' END AS r
SELECT array(1, 'a'), array(1, 2.5), array(DATE'2024-01-01', TIMESTAMP'2024-01-01 10:00:00'), map(1, 'a', 'b', 2) AS r
SELECT struct(1 AS a, 'x' AS b) = struct(1 AS c, 'x' AS d), named_struct('a', 1) IN (named_struct('a', 1)) AS r
SELECT length(NULL), length(''), length(X'0102'), char_length(X'01') AS r
SELECT substring('abc', 0), substring('abc', -5, 2), substring('abc', 2, -1), substring(X'010203', 2, 1) AS r
SELECT repeat('a', -1), lpad('a', -1, 'x'), rpad(X'01', 3, X'02'), lpad('abc', 5, '') AS r
SELECT upper('ǆ'), lower('Σ'), initcap('hello-world foo_bar'), lower('İSTANBUL') AS r
SELECT trim('  a  '), trim(BOTH 'ab' FROM 'abcba'), ltrim('xyxa', 'xy'), trim(LEADING '' FROM ' a') AS r
SELECT split('a,b', ',', 0), split('a,b,c', ',', 1), split('', ','), split(NULL, ',') AS r
SELECT regexp_replace('a.b', '.', 'x'), regexp_replace('abc', '(a)(b)', '$2$1'), regexp_replace('aaa', 'a', 'b', 2) AS r
SELECT instr(NULL, 'a'), instr('abc', NULL), locate('', ''), locate('a', 'abc', 0), locate('a', 'abc', -1) AS r
SELECT ascii(''), ascii('é'), chr(-1), chr(0), char(65 + 256) AS r
SELECT base64(''), unbase64('!!'), unhex('zz'), hex(''), hex(NULL) AS r
SELECT md5(''), sha2('', 0), sha2('a', 1), crc32(''), hash(NULL), xxhash64(NULL) AS r
SELECT format_number(1.5, 0), format_number(2.5, 0), format_number(-1234.5678, 2), format_number(1, -1) AS r
SELECT sort_array(array(3, 1, NULL)), sort_array(array(3, 1, NULL), false), array_sort(array('b', 'a', NULL)) AS r
SELECT array_contains(array(1, 2), 2L), array_position(array(1.5, 2), 2), array_remove(array(1, 2), 2.0) AS r
SELECT flatten(array(array(1, 2), array(3))), flatten(array(array(1), array())), sequence(1, 1), sequence(3, 1, -1) AS r
SELECT array_repeat(NULL, 2), array_repeat('a', 0), array_repeat('a', -1) AS r
SELECT size(array()), size(CAST(NULL AS ARRAY<INT>)), cardinality(map()) AS r
SELECT explode(map('a', 1)) 
SELECT posexplode_outer(CAST(NULL AS ARRAY<INT>))
SELECT inline_outer(CAST(NULL AS ARRAY<STRUCT<a: INT>>))
SELECT a, explode(b) FROM VALUES (1, array(1, 2)), (2, array()) AS t(a, b) ORDER BY a
SELECT count(*), count(1), count(NULL), count(DISTINCT NULL), sum(NULL), avg(NULL) FROM VALUES (1) AS t(x)
SELECT sum(x) FROM VALUES (9223372036854775807L), (1L) AS t(x)
SELECT avg(x), sum(x) FROM VALUES (CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0))), (CAST(1 AS DECIMAL(38,0))) AS t(x)
SELECT min(x), max(x) FROM VALUES (CAST('NaN' AS DOUBLE)), (1.0D), (-0.0D) AS t(x)
SELECT stddev(x), variance(x) FROM VALUES (1), (1) AS t(x)
SELECT first(x), last(x), first(x, true), last(x, true) FROM VALUES (NULL), (1), (NULL) AS t(x)
SELECT bitmap_bucket_number(x) AS b, bitmap_bit_position(x) AS p, bitmap_count(X'FF01') AS c FROM VALUES (1), (32768), (32769), (0), (-1), (-32769), (NULL) AS t(x)
SELECT substring(hex(bitmap_construct_agg(bitmap_bit_position(x))), 1, 8) AS h, bitmap_count(bitmap_or_agg(CAST(x AS BINARY))) AS c FROM VALUES (1), (2), (3), (9), (NULL) AS t(x)
SELECT g, bitmap_count(bitmap_construct_agg(bitmap_bit_position(x))) AS n FROM VALUES (1, 5), (1, 5), (1, 6), (2, 7) AS t(g, x) GROUP BY g ORDER BY g
SELECT bitmap_construct_agg(x) AS r FROM VALUES (40000) AS t(x)
