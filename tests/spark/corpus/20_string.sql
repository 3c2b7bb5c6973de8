SELECT substring('hello', 0, 2) AS r
SELECT substring('hello', 1, 2) AS r
SELECT substring('hello', -3) AS r
SELECT substring('hello', -3, 2) AS r
SELECT substring('hello', -10, 3) AS r
SELECT substring('hello', -10, 8) AS r
SELECT substring('hello', 10) AS r
SELECT substring('hello', 2, -1) AS r
SELECT substr('hello', 2) AS r
SELECT substring('hello' FROM 2 FOR 3) AS r
SELECT left('hello', 2), right('hello', 2), left('hello', -1), right('hello', 0)
SELECT substring_index('a.b.c.d', '.', 2), substring_index('a.b.c.d', '.', -2), substring_index('a.b.c.d', '.', 0), substring_index('a..b', '..', 1)
SELECT lpad('hi', 5, 'ab'), rpad('hi', 5, 'ab'), lpad('hello', 3, 'x'), rpad('hello', 3, 'x')
SELECT lpad('hi', 5), rpad('hi', 5), lpad('hi', 5, ''), lpad('hi', -1, 'x'), lpad(NULL, 3, 'x')
SELECT lpad('héllo', 7, 'ñ') AS r
SELECT split('a,b,,c,', ',') AS r
SELECT split('a,b,,c,', ',', -1) AS r
SELECT split('a,b,,c,', ',', 2) AS r
SELECT split('a1b22c333d', '[0-9]+') AS r
SELECT split('abc', '') AS r
SELECT split('', ',') AS r
SELECT split('a.b.c', '.') AS r
SELECT split('a|b|c', '|') AS r
SELECT split('a b  c', ' ', 0) AS r
SELECT split(NULL, ',') AS r
SELECT regexp_extract('foo123bar456', '([a-z]+)([0-9]+)', 2) AS r
SELECT regexp_extract('foo123bar', '([0-9]+)', 0) AS r
SELECT regexp_extract('foobar', '([0-9]+)', 1) AS r
SELECT regexp_extract('foo123', '(x)?foo', 1) AS r
SELECT regexp_extract_all('a1b22c333', '([0-9]+)', 1) AS r
SELECT regexp_extract_all('a1b22c333', '[0-9]', 0) AS r
SELECT regexp_replace('aaa', 'a*', 'X') AS r
SELECT regexp_replace('hello world', '(\\w+) (\\w+)', '$2 $1') AS r
SELECT regexp_replace('abc', '', '-') AS r
SELECT regexp_replace('a.b.c', '\\.', '') AS r
SELECT regexp_replace('abcabc', 'b', 'X', 3) AS r
SELECT regexp_count('abcabc', 'b'), regexp_count('aaa', 'a*'), regexp_instr('abcabc', 'c'), regexp_substr('abc123', '[0-9]+')
SELECT regexp_like('abc', '^a'), 'abc' rlike 'B', 'abc' regexp '^.b'
SELECT translate('abcabc', 'ab', 'x') AS r
SELECT translate('abcabc', 'abc', 'xyzw') AS r
SELECT translate('abc', '', 'x'), translate(NULL, 'a', 'b')
SELECT initcap('hello wORLD  foo-bar o''neil') AS r
SELECT initcap(''), initcap(' a'), initcap('ábc déf')
SELECT upper('straße'), lower('İSTANBUL'), upper('ǆ')
SELECT format_string('%5d|%-5d|%05d', 42, 42, 42) AS r
SELECT format_string('%.3f %e %g', 3.14159, 31415.9, 0.0001234) AS r
SELECT format_string('%s and %s', 'a', NULL) AS r
SELECT format_string('%x %X %o', 255, 255, 8) AS r
SELECT format_string('%10.2f|%-10s|', 3.14159D, 'ab') AS r
SELECT format_string('%,d', 1234567) AS r
SELECT format_string('%b %c', true, 65) AS r
SELECT printf('%s=%d', 'x', 1) AS r
SELECT format_string('%2$s %1$s', 'a', 'b') AS r
SELECT format_string('%%') AS r
SELECT format_number(1234567.891, 2), format_number(1234567.891, 0), format_number(-0.5, 0), format_number(0.125, 2)
SELECT format_number(12332.123456, '##,###.###'), format_number(1.5, '#'), format_number(NULL, 2), format_number(5, -1)
SELECT format_number(1e20, 2), format_number(CAST(1.005 AS DECIMAL(10,3)), 2), format_number(2.5D, 0), format_number(3.5D, 0)
SELECT concat_ws(',', 'a', NULL, 'b'), concat_ws(',', array('x', NULL, 'y'), 'z'), concat_ws(NULL, 'a'), concat_ws('', array())
SELECT concat('a', NULL), concat('a', 'b', 'c'), concat(), 'a' || 'b' || NULL
SELECT concat(array(1, 2), array(3)), concat(array(1), NULL)
SELECT locate('b', 'abcb'), locate('b', 'abcb', 3), locate('b', 'abcb', 0), locate('', 'abc'), locate('z', 'abc'), locate(NULL, 'a')
SELECT instr('abcb', 'b'), instr('abc', ''), instr('', ''), position('b' IN 'abc'), position('b', 'abcb', 3)
SELECT levenshtein('kitten', 'sitting'), levenshtein('', 'abc'), levenshtein('abc', 'abc'), levenshtein(NULL, 'a')
SELECT levenshtein('kitten', 'sitting', 2), levenshtein('kitten', 'sitting', 3)
SELECT soundex('Robert'), soundex('Rupert'), soundex('Tymczak'), soundex(''), soundex('123'), soundex('Pfister'), soundex('Ashcraft')
SELECT base64('hello'), base64(''), unbase64('aGVsbG8='), CAST(unbase64('aGVsbG8=') AS STRING), base64(CAST('ß' AS BINARY))
SELECT unbase64('!!!') AS r
SELECT encode('héllo', 'UTF-8'), decode(encode('héllo', 'UTF-8'), 'UTF-8'), encode('abc', 'UTF-16')
SELECT decode(encode('héllo', 'ISO-8859-1'), 'ISO-8859-1'), encode('abc', 'US-ASCII')
SELECT hex('abc'), hex(''), unhex('616263'), CAST(unhex('616263') AS STRING), unhex('6'), unhex('zz')
SELECT CAST('abc' AS BINARY), CAST(CAST('abc' AS BINARY) AS STRING), X'0aFF'
SELECT parse_url('http://user:pw@host.com:8080/path/a?x=1&y=2#frag', 'HOST'), parse_url('http://user:pw@host.com:8080/path/a?x=1&y=2#frag', 'PATH')
SELECT parse_url('http://user:pw@host.com:8080/path/a?x=1&y=2#frag', 'QUERY'), parse_url('http://user:pw@host.com:8080/path/a?x=1&y=2#frag', 'QUERY', 'y')
SELECT parse_url('http://user:pw@host.com:8080/path/a?x=1&y=2#frag', 'REF'), parse_url('http://user:pw@host.com:8080/path/a?x=1&y=2#frag', 'PROTOCOL'), parse_url('http://user:pw@host.com:8080/path/a?x=1&y=2#frag', 'USERINFO'), parse_url('http://user:pw@host.com:8080/path/a?x=1&y=2#frag', 'AUTHORITY'), parse_url('http://user:pw@host.com:8080/path/a?x=1&y=2#frag', 'FILE')
SELECT parse_url('not a url', 'HOST'), parse_url('http://h/p?q=1', 'QUERY', 'z'), parse_url('http://h', 'PATH')
SELECT url_encode('a b&c=d/é'), url_decode('a+b%26c%3Dd'), url_decode('%E2%82%AC')
SELECT url_decode('%zz') AS r
SELECT 'abc' LIKE 'a%', 'abc' LIKE 'a_c', 'a_c' LIKE 'a\\_c', 'abc' LIKE 'a\\_c', 'a%c' LIKE 'a!%c' ESCAPE '!', 'ABC' LIKE 'a%'
SELECT 'ABC' ILIKE 'a%', 'abc' NOT LIKE 'b%', NULL LIKE 'a', 'a' LIKE NULL, '' LIKE '%', '' LIKE '_'
SELECT 'a\nb' LIKE 'a_b', 'a\nb' LIKE 'a%b', 'abc' LIKE ANY ('x%', 'a%'), 'abc' LIKE ALL ('a%', '%c'), 'abc' NOT LIKE ALL ('x%', 'y%')
SELECT 'abc' rlike '', 'abc' rlike '^$', 'a.c' rlike 'a\\.c', 'A' rlike '(?i)a'
SELECT trim('  a  '), ltrim('  a  '), rtrim('  a  '), trim(BOTH 'x' FROM 'xxaxx'), trim(LEADING 'xy' FROM 'yxaxy'), trim(TRAILING FROM '  a  ')
SELECT trim('\t a \t'), btrim('xxaxx', 'x'), ltrim('xyxa', 'xy'), rtrim('axyx', 'xy')
SELECT length('héllo'), char_length(''), octet_length('héllo'), bit_length('abc'), length(NULL), length(X'0102')
SELECT reverse('héllo'), reverse(''), reverse(array(1, 2, 3)), repeat('ab', 3), repeat('ab', 0), repeat('ab', -1)
SELECT ascii('A'), ascii(''), ascii('é'), chr(65), chr(256), chr(-1), char(97)
SELECT space(3), space(-1), concat('[', space(0), ']')
SELECT replace('abcabc', 'b', 'XX'), replace('abc', '', 'X'), replace('abc', 'b'), replace('aaa', 'aa', 'b')
SELECT overlay('Spark SQL' PLACING '_' FROM 6), overlay('Spark SQL' PLACING 'CORE' FROM 7), overlay('Spark SQL' PLACING 'ANSI ' FROM 7 FOR 0), overlay('Spark SQL' PLACING 'tructured' FROM 2 FOR 4)
SELECT startswith('abc', 'ab'), endswith('abc', 'bc'), contains('abc', 'b'), contains('abc', ''), startswith(NULL, 'a')
SELECT find_in_set('b', 'a,b,c'), find_in_set('d', 'a,b,c'), find_in_set('a,b', 'a,b,c'), find_in_set('', 'a,,c')
SELECT elt(2, 'a', 'b', 'c'), elt(4, 'a', 'b'), elt(0, 'a'), elt(NULL, 'a')
SELECT sentences('Hi there! How are you?') AS r
SELECT mask('AbCD123-@$#'), mask('AbCD123-@$#', 'Q', 'q', 'd', 'o'), mask(NULL)
SELECT to_number('$78.12', '$99.99'), to_number('454', '999'), to_char(454, '999'), to_char(78.12, '$99.99')
SELECT to_number('12,454.8-', '99,999.9S') AS r
SELECT luhn_check('79927398713'), luhn_check('79927398710')
SELECT str_to_map('a:1,b:2,c'), str_to_map('a=1;b=2', ';', '='), str_to_map('')
SELECT str_to_map('a:1,a:2') AS r
SELECT uuid() IS NOT NULL AS r
SELECT quote('it''s') AS r
SELECT split_part('a,b,c', ',', 2), split_part('a,b,c', ',', -1), split_part('a,b,c', ',', 5), split_part('a,b,c', '', 1)
SELECT split_part('a,b,c', ',', 0) AS r
SELECT 'a' < 'b', 'B' < 'a', 'abc' > 'ab', '' < 'a', 'é' > 'z'
SELECT nvl('', 'x'), '' = ' ', 'a' = 'a ', 'abc' IN ('ABC', 'abc')
SELECT lcase('AbC'), ucase('aBc'), char_length('日本語'), substring('日本語', 2, 1), lpad('日本', 4, '語')
SELECT collate('abc', 'UTF8_BINARY') AS r
SELECT btrim('  abc  '), trim(BOTH FROM '  x  '), trim('ab' FROM 'abxba')
SELECT printf('%08.3f', -3.14159) AS r
SELECT format_string('%s', 1.0D), format_string('%s', 1e20D), format_string('%s', CAST(1.50 AS DECIMAL(4,2))), format_string('%s', array(1,2))
SELECT format_string('%d', 3.5) AS r
SELECT format_string('%5.1s|', 'abc') AS r
SELECT string(1.0D), string(NULL), string(true), string(array(1, NULL)), string(map('a', 1)), string(named_struct('a', 1, 'b', 'x'))
SELECT CAST(array('a', NULL, '') AS STRING), CAST(struct(NULL, 1) AS STRING), CAST(map(1, NULL) AS STRING)
SELECT CAST(array(1.0D, 1e20D, -0.0D) AS STRING), CAST(array(CAST('2024-01-01' AS DATE)) AS STRING)
SELECT array('a', NULL, ''), map('k', NULL), named_struct('x', NULL, 'y', array()), struct(1, 'a')
SELECT hex(aes_encrypt('Spark', '0000111122223333', 'GCM', 'DEFAULT', unhex('000000000000000000000000'))) AS r, hex(aes_encrypt('Spark SQL', '1234567890abcdef', 'CBC', 'DEFAULT', unhex('00000000000000000000000000000000'))) AS s, hex(aes_encrypt('Spark SQL', '1234567890abcdef', 'ECB')) AS t
SELECT CAST(aes_decrypt(unhex('83F16B2AA704794132802D248E6BFD4E380078182D1544813898AC97E709B28A94'), '0000111122223333') AS STRING) AS r, try_aes_decrypt(X'00', '0000111122223333') AS s, aes_encrypt(NULL, '0000111122223333') AS t
SELECT aes_encrypt('x', 'short') AS r
SELECT aes_decrypt(X'00', '0000111122223333', 'CTR') AS r
SELECT hex(aes_encrypt('Spark', '0000111122223333', 'GCM', 'DEFAULT', unhex('000000000000000000000000'), 'aad')) AS r, CAST(aes_decrypt(aes_encrypt('y', '0000111122223333', 'GCM', 'DEFAULT', '', 'aad'), '0000111122223333', 'GCM', 'DEFAULT', 'aad') AS STRING) AS s
SELECT make_dt_interval(1, 2, 3, 4.5) AS r, make_ym_interval(1, 2) AS s, regexp_extract('αβγ', '\\p{InGreek and Coptic}+', 0) AS t, 'ü' RLIKE '\\p{blk=Latin-1 Supplement}' AS u
SELECT xpath('<a><b>b1</b><b>b2</b><c>c1</c></a>', 'a/b/text()') AS r, xpath('<a><b id="1">x</b></a>', 'a/b/@id') AS s, xpath('<a><b>1</b></a>', 'a/b') AS t, xpath_string('<a><b>b<x>1</x></b></a>', 'a/b') AS u
SELECT xpath_int('<a><b>1</b><b>2</b></a>', 'sum(a/b)') AS r, xpath_short('<a><b>70000</b></a>', 'a/b') AS s, xpath_long('<a><b>1e30</b></a>', 'a/b') AS t, xpath_double('<a><b>2.5</b></a>', 'a/b') AS u, xpath_boolean('<a><b>1</b></a>', 'a/c') AS v
SELECT xpath('<a xmlns="u"><b>1</b></a>', 'a/b/text()') AS r, xpath_string('', 'a') AS s, xpath(NULL, 'a') AS t, xpath_float('<a><b>x</b></a>', 'a/b') AS u
SELECT xpath('<a><b>1</b>', 'a/b') AS r
