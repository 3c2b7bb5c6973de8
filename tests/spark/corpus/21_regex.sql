SELECT regexp_extract('foo123bar', '(\\d+)', 1) AS r
SELECT regexp_extract('foo123bar', '\\p{Alpha}+', 0) AS r
SELECT regexp_extract('foo123bar', '\\p{Digit}+', 0) AS r
SELECT regexp_extract('Foo Bar', '\\p{Upper}\\p{Lower}+', 0) AS r
SELECT regexp_extract('a.b', '\\p{Punct}', 0) AS r
SELECT regexp_extract('héllo', '\\p{L}+', 0) AS r
SELECT regexp_extract('héllo', '\\w+', 0) AS r
SELECT regexp_extract('abc', '(?i)B', 0) AS r
SELECT regexp_extract('line1\nline2', '(?m)^line2$', 0) AS r
SELECT regexp_extract('a1b2c3', '[a-z&&[^b]]+', 0) AS r
SELECT regexp_extract('x', '(a)?x', 1) AS r
SELECT regexp_extract('abc', '(?<first>a)', 'first') AS r
SELECT regexp_extract('abc', 'z', 0) AS r
SELECT regexp_replace('a.b.c', '\\.', '$') AS r
SELECT regexp_replace('abc', '(b)', '[$1]') AS r
SELECT regexp_replace('abc', '(?<x>b)', '[${x}]') AS r
SELECT regexp_replace('abc', 'b', '\\$') AS r
SELECT regexp_replace('aaa', 'a*', 'X') AS r
SELECT regexp_replace('abc', '', '-') AS r
SELECT regexp_replace('abcabc', 'b', 'X', 3) AS r
SELECT regexp_extract_all('a1b22c333', '\\d+', 0) AS r
SELECT regexp_extract_all('a1b22c333', '([a-z])(\\d+)', 2) AS r
SELECT regexp_count('aaa', 'a') AS r
SELECT regexp_count('aaa', 'a*') AS r
SELECT regexp_substr('abc123', '\\d+') AS r
SELECT regexp_instr('abc123', '\\d+') AS r
SELECT regexp_like('abc', '^a.c$') AS r
SELECT 'abc' rlike 'b' AS r
SELECT 'abc' rlike '^b' AS r
SELECT 'a\nb' rlike 'a.b' AS r
SELECT 'a\nb' rlike '(?s)a.b' AS r
SELECT split('a1b2c', '\\d') AS r
SELECT split('a1b2c', '\\d', 2) AS r
SELECT split('abc', '') AS r
SELECT split('a,b,,', ',') AS r
SELECT split('a,b,,', ',', -1) AS r
SELECT split(',a,b', ',') AS r
SELECT 'a_c' LIKE 'a\\_c' AS r
SELECT 'a%c' LIKE 'a\\%c' AS r
SELECT 'abc' LIKE 'A%' AS r
SELECT 'abc' ILIKE 'A%' AS r
SELECT 'a/c' LIKE 'a//c' ESCAPE '/' AS r
SELECT 'abc' LIKE ANY ('a%', 'z%') AS r
SELECT 'abc' LIKE ALL ('a%', '%c') AS r
SELECT 'abc' NOT LIKE ANY ('a%', 'z%') AS r
SELECT regexp_extract('2024-03-05', '(\\d{4})-(\\d{2})-(\\d{2})', 2) AS r
SELECT regexp_extract('aaa', 'a{2,}+', 0) AS r
SELECT regexp_extract('abab', '(ab)\\1', 0) AS r
SELECT regexp_extract('foo.bar', '\\Qo.b\\E', 0) AS r
SELECT regexp_extract('tab\there', '\\t(\\w+)', 1) AS r
SELECT regexp_extract('x', '[', 0) AS r
SELECT regexp_replace('x', '(', 'y') AS r
SELECT regexp_extract('abc', '(a)(b)', 3) AS r
SELECT regexp_extract('ABC', '\\p{javaLowerCase}', 0) AS r
SELECT regexp_extract('a b', '\\h', 0) AS r
SELECT regexp_extract('日本語', '\\p{IsHan}+', 0) AS r
SELECT regexp_extract('Ünïcode', '\\p{IsAlphabetic}+', 0) AS r
SELECT regexp_replace('2024-03-05', '(\\d+)-(\\d+)-(\\d+)', '$3/$2/$1') AS r
SELECT regexp_replace('abc', 'b', '$0$0') AS r
SELECT regexp_replace('abc', 'b', '\\\\') AS r
SELECT translate('abc', 'ab', 'x') AS r
SELECT initcap('hello wORLD-foo bar_baz') AS r
SELECT lpad('abc', 5, 'xy'), rpad('abc', 2, 'xy'), lpad('abc', 5, '') AS r
SELECT overlay('abcdef' PLACING 'XY' FROM 2 FOR 3) AS r
SELECT levenshtein('kitten', 'sitting'), soundex('Robert'), soundex('Tymczak') AS r
SELECT instr('abcabc', 'c'), locate('c', 'abcabc', 4), position('c' IN 'abcabc') AS r
SELECT substring_index('a.b.c', '.', 2), substring_index('a.b.c', '.', -2), substring_index('a.b.c', '.', 0) AS r
SELECT format_number(1234567.891, 2), format_number(1234567.891, '#,###.#'), format_number(-0.5, 0) AS r
SELECT repeat('ab', 3), reverse('abc'), ascii('a'), chr(97), char(256+97) AS r
SELECT base64('abc'), unbase64('YWJj'), hex('abc'), unhex('616263') AS r
SELECT encode('é', 'UTF-8'), decode(encode('é', 'UTF-8'), 'UTF-8'), encode('é', 'ISO-8859-1') AS r
SELECT trim(BOTH 'x' FROM 'xxaxx'), trim(LEADING FROM '  a '), ltrim('xxa', 'x'), btrim('  a  ') AS r
SELECT left('abc', 2), right('abc', 2), left('abc', -1) AS r
SELECT concat_ws('-', 'a', NULL, 'b', array('c', 'd')) AS r
SELECT elt(2, 'a', 'b', 'c'), elt(4, 'a', 'b') AS r
SELECT find_in_set('b', 'a,b,c'), find_in_set('b,c', 'a,b,c') AS r
SELECT url_decode('a%20b+c'), url_encode('a b&c') AS r
SELECT parse_url('http://user@host.com:8080/p/a?x=1&y=2#frag', 'QUERY', 'y'), parse_url('http://host.com/p', 'HOST') AS r
SELECT mask('AbCd-123'), mask('AbCd-123', 'X', 'x', 'n', NULL) AS r
SELECT luhn_check('79927398713'), luhn_check('79927398710') AS r
SELECT to_char(12454.8, '99,999.9'), to_number('$78.12', '$99.99') AS r
SELECT split_part('a,b,c', ',', 2), split_part('a,b,c', ',', -1), split_part('a,b,c', ',', 5) AS r
SELECT startswith('abc', 'ab'), endswith('abc', 'bc'), contains('abc', 'x') AS r
SELECT regexp_extract('héllo', '\\p{Alpha}+', 0) AS r
SELECT regexp_extract('ÉCOLE', '\\p{Upper}+', 0) AS r
SELECT regexp_extract('été', '\\p{Lower}+', 0) AS r
SELECT regexp_extract('a1٣', '\\p{Digit}+', 0) AS r
SELECT regexp_extract('x٣4', '\\d+', 0) AS r
SELECT regexp_extract('ab12', '\\p{Alnum}+', 0) AS r
SELECT regexp_extract('a b', '\\p{Blank}', 0) AS r
SELECT regexp_extract('a\tb', '\\p{Space}', 0) AS r
SELECT regexp_extract('zz09af', '\\p{XDigit}+', 0) AS r
SELECT regexp_extract('a~b', '\\p{Graph}+', 0) AS r
SELECT regexp_extract('a b', '\\p{Print}+', 0) AS r
SELECT regexp_extract('héllo', '\\p{ASCII}+', 0) AS r
SELECT regexp_extract('a.b', '\\P{Alpha}', 0) AS r
SELECT regexp_extract('ab.c', '[\\p{Alpha}.]+', 0) AS r
SELECT regexp_extract('ab.c', '[^\\p{Punct}]+', 0) AS r
SELECT regexp_extract('ÀB', '\\p{javaUpperCase}+', 0) AS r
SELECT regexp_extract('a b', '\\p{javaWhitespace}', 0) AS r
SELECT regexp_extract('abc', '\\p{IsLatin}+', 0) AS r
SELECT regexp_extract('αβγ', '\\p{IsGreek}+', 0) AS r
SELECT regexp_extract('αβγ', '\\p{InGreek}+', 0) AS r
SELECT regexp_extract('Ab', '\\p{Lu}', 0) AS r
SELECT regexp_extract('Ab', '\\p{IsLu}', 0) AS r
SELECT regexp_extract('Ab', '\\p{IsUppercase}', 0) AS r
SELECT regexp_extract('Ab', '\\p{L}+', 0) AS r
SELECT regexp_extract('Ab', '\\pL+', 0) AS r
SELECT regexp_extract('a,b', '\\p{IsPunctuation}', 0) AS r
SELECT regexp_extract('a b', '\\p{IsWhite_Space}', 0) AS r
SELECT regexp_extract('é', '\\u00e9', 0) AS r
SELECT regexp_extract('é', '\\x{e9}', 0) AS r
SELECT regexp_extract('A', '\\x41', 0) AS r
SELECT regexp_extract('A', '\\0101', 0) AS r
SELECT regexp_extract('héllo wörld', '(?U)\\w+', 0) AS r
SELECT regexp_extract('ÉCOLE', '(?i)école', 0) AS r
SELECT regexp_extract('ÉCOLE', '(?iu)école', 0) AS r
SELECT regexp_extract('a\r\nb', '(?d)a.', 0) AS r
SELECT regexp_extract('aaa', '(?U)a+?', 0) AS r
SELECT regexp_extract('a1b2', '[a-z&&[^b]]', 0) AS r
SELECT regexp_extract('a # b', '(?x) a \\# ', 0) AS r
SELECT regexp_extract('ab', '\\Ga', 0) AS r
SELECT regexp_extract('word boundary', '\\bb\\w+', 0) AS r
SELECT regexp_extract('ab', 'a\\Z', 0) AS r
SELECT regexp_extract('a\u2028b', '(?s)a.b', 0) AS r
SELECT regexp_extract('\u00A0', '\\s', 0) AS r
SELECT regexp_extract('x\u000Bx', '\\s', 0) AS r
SELECT regexp_extract('abc', '\\k', 0) AS r
SELECT regexp_extract('ab', '(?<n>a)\\k<n>', 0) AS r
SELECT regexp_replace('abc', 'b', '$2') AS r
SELECT regexp_replace('abc', '(b)', '$11') AS r
SELECT regexp_replace('abc', 'b', '\\n') AS r
SELECT regexp_replace('abc', 'b', '$') AS r
