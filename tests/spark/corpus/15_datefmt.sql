SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'yyyy') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'yy') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'y') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'yyyyy') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'M') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'MM') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'MMM') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'MMMM') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'd') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'dd') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'D') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'DDD') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'H') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'HH') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'h') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'hh') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'k') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'K') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'm') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'mm') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 's') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'ss') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'S') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'SS') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'SSS') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'SSSS') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'SSSSSS') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'a') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'E') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'EEE') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'EEEE') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'Q') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'QQ') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'QQQ') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'QQQQ') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'X') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'XXX') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'Z') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'ZZZZZ') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'x') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'xxx') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'u') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'e') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'c') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'F') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'yyyy-MM-dd\'T\'HH:mm:ss.SSSXXX') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'dd.MM.yyyy HH:mm') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'EEE, d MMM yyyy HH:mm:ss Z') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'yyyyMMdd') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'h:mm a') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', '\'quoted\'') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', '\'\'') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'yyyy-MM-dd G') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'VV') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'z') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'zzzz') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'O') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'w') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'W') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'Y') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'YYYY') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'n') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'N') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'A') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'B') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', '[yyyy]') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', '#') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', '{') AS r
SELECT date_format(TIMESTAMP'2024-03-05 07:08:09.123456', 'yyyy-MM-dd hh:mm:ss a') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'yyyy') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'yy') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'y') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'yyyyy') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'M') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'MM') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'MMM') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'MMMM') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'd') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'dd') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'D') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'DDD') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'H') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'HH') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'h') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'hh') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'k') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'K') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'm') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'mm') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 's') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'ss') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'S') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'SS') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'SSS') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'SSSS') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'SSSSSS') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'a') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'E') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'EEE') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'EEEE') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'Q') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'QQ') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'QQQ') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'QQQQ') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'X') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'XXX') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'Z') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'ZZZZZ') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'x') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'xxx') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'u') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'e') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'c') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'F') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'yyyy-MM-dd\'T\'HH:mm:ss.SSSXXX') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'dd.MM.yyyy HH:mm') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'EEE, d MMM yyyy HH:mm:ss Z') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'yyyyMMdd') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'h:mm a') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', '\'quoted\'') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', '\'\'') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'yyyy-MM-dd G') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'VV') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'z') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'zzzz') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'O') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'w') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'W') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'Y') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'YYYY') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'n') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'N') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'A') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'B') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', '[yyyy]') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', '#') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', '{') AS r
SELECT date_format(TIMESTAMP'1969-07-20 20:17:40', 'yyyy-MM-dd hh:mm:ss a') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'yyyy') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'yy') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'y') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'yyyyy') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'M') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'MM') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'MMM') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'MMMM') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'd') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'dd') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'D') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'DDD') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'H') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'HH') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'h') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'hh') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'k') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'K') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'm') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'mm') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 's') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'ss') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'S') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'SS') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'SSS') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'SSSS') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'SSSSSS') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'a') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'E') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'EEE') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'EEEE') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'Q') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'QQ') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'QQQ') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'QQQQ') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'X') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'XXX') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'Z') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'ZZZZZ') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'x') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'xxx') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'u') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'e') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'c') AS r
SELECT date_format(TIMESTAMP'0999-12-31 23:59:59', 'F') AS r
SELECT to_timestamp('2024-03-05', 'yyyy-MM-dd') AS r
SELECT to_date('2024-03-05', 'yyyy-MM-dd') AS r
SELECT unix_timestamp('2024-03-05', 'yyyy-MM-dd') AS r
SELECT to_timestamp('2024-3-5', 'yyyy-M-d') AS r
SELECT to_date('2024-3-5', 'yyyy-M-d') AS r
SELECT unix_timestamp('2024-3-5', 'yyyy-M-d') AS r
SELECT to_timestamp('05/03/2024', 'dd/MM/yyyy') AS r
SELECT to_date('05/03/2024', 'dd/MM/yyyy') AS r
SELECT unix_timestamp('05/03/2024', 'dd/MM/yyyy') AS r
SELECT to_timestamp('5/3/24', 'd/M/yy') AS r
SELECT to_date('5/3/24', 'd/M/yy') AS r
SELECT unix_timestamp('5/3/24', 'd/M/yy') AS r
SELECT to_timestamp('2024-03-05 7:08', 'yyyy-MM-dd H:mm') AS r
SELECT to_date('2024-03-05 7:08', 'yyyy-MM-dd H:mm') AS r
SELECT unix_timestamp('2024-03-05 7:08', 'yyyy-MM-dd H:mm') AS r
SELECT to_timestamp('2024-03-05 07:08:09 PM', 'yyyy-MM-dd hh:mm:ss a') AS r
SELECT to_date('2024-03-05 07:08:09 PM', 'yyyy-MM-dd hh:mm:ss a') AS r
SELECT unix_timestamp('2024-03-05 07:08:09 PM', 'yyyy-MM-dd hh:mm:ss a') AS r
SELECT to_timestamp('2024-03-05 12:08:09 AM', 'yyyy-MM-dd hh:mm:ss a') AS r
SELECT to_date('2024-03-05 12:08:09 AM', 'yyyy-MM-dd hh:mm:ss a') AS r
SELECT unix_timestamp('2024-03-05 12:08:09 AM', 'yyyy-MM-dd hh:mm:ss a') AS r
SELECT to_timestamp('Mar 05, 2024', 'MMM dd, yyyy') AS r
SELECT to_date('Mar 05, 2024', 'MMM dd, yyyy') AS r
SELECT unix_timestamp('Mar 05, 2024', 'MMM dd, yyyy') AS r
SELECT to_timestamp('Tuesday, March 5, 2024', 'EEEE, MMMM d, yyyy') AS r
SELECT to_date('Tuesday, March 5, 2024', 'EEEE, MMMM d, yyyy') AS r
SELECT unix_timestamp('Tuesday, March 5, 2024', 'EEEE, MMMM d, yyyy') AS r
SELECT to_timestamp('2024-065', 'yyyy-DDD') AS r
SELECT to_date('2024-065', 'yyyy-DDD') AS r
SELECT unix_timestamp('2024-065', 'yyyy-DDD') AS r
SELECT to_timestamp('20240305070809', 'yyyyMMddHHmmss') AS r
SELECT to_date('20240305070809', 'yyyyMMddHHmmss') AS r
SELECT unix_timestamp('20240305070809', 'yyyyMMddHHmmss') AS r
SELECT to_timestamp('2024-03-05T07:08:09.5', 'yyyy-MM-dd\'T\'HH:mm:ss.S') AS r
SELECT to_date('2024-03-05T07:08:09.5', 'yyyy-MM-dd\'T\'HH:mm:ss.S') AS r
SELECT unix_timestamp('2024-03-05T07:08:09.5', 'yyyy-MM-dd\'T\'HH:mm:ss.S') AS r
SELECT to_timestamp('2024-03-05 07:08:09.123456', 'yyyy-MM-dd HH:mm:ss.SSSSSS') AS r
SELECT to_date('2024-03-05 07:08:09.123456', 'yyyy-MM-dd HH:mm:ss.SSSSSS') AS r
SELECT unix_timestamp('2024-03-05 07:08:09.123456', 'yyyy-MM-dd HH:mm:ss.SSSSSS') AS r
SELECT to_timestamp('2024-03-05 07:08:09+0100', 'yyyy-MM-dd HH:mm:ssZ') AS r
SELECT to_date('2024-03-05 07:08:09+0100', 'yyyy-MM-dd HH:mm:ssZ') AS r
SELECT unix_timestamp('2024-03-05 07:08:09+0100', 'yyyy-MM-dd HH:mm:ssZ') AS r
SELECT to_timestamp('2024-03-05 07:08:09 +01:00', 'yyyy-MM-dd HH:mm:ss XXX') AS r
SELECT to_date('2024-03-05 07:08:09 +01:00', 'yyyy-MM-dd HH:mm:ss XXX') AS r
SELECT unix_timestamp('2024-03-05 07:08:09 +01:00', 'yyyy-MM-dd HH:mm:ss XXX') AS r
SELECT to_timestamp('1969-12-31 23:59:59', 'yyyy-MM-dd HH:mm:ss') AS r
SELECT to_date('1969-12-31 23:59:59', 'yyyy-MM-dd HH:mm:ss') AS r
SELECT unix_timestamp('1969-12-31 23:59:59', 'yyyy-MM-dd HH:mm:ss') AS r
SELECT to_timestamp('0001-01-01', 'yyyy-MM-dd') AS r
SELECT to_date('0001-01-01', 'yyyy-MM-dd') AS r
SELECT unix_timestamp('0001-01-01', 'yyyy-MM-dd') AS r
SELECT to_timestamp('99', 'yy') AS r
SELECT to_date('99', 'yy') AS r
SELECT unix_timestamp('99', 'yy') AS r
SELECT to_timestamp('70', 'yy') AS r
SELECT to_date('70', 'yy') AS r
SELECT unix_timestamp('70', 'yy') AS r
SELECT to_timestamp('2024', 'yyyy') AS r
SELECT to_date('2024', 'yyyy') AS r
SELECT unix_timestamp('2024', 'yyyy') AS r
SELECT to_timestamp('03', 'MM') AS r
SELECT to_date('03', 'MM') AS r
SELECT unix_timestamp('03', 'MM') AS r
SELECT to_timestamp('2024-02-30', 'yyyy-MM-dd') AS r
SELECT to_date('2024-02-30', 'yyyy-MM-dd') AS r
SELECT unix_timestamp('2024-02-30', 'yyyy-MM-dd') AS r
SELECT to_timestamp('2024-03-05 24:00:00', 'yyyy-MM-dd HH:mm:ss') AS r
SELECT to_date('2024-03-05 24:00:00', 'yyyy-MM-dd HH:mm:ss') AS r
SELECT unix_timestamp('2024-03-05 24:00:00', 'yyyy-MM-dd HH:mm:ss') AS r
SELECT to_timestamp('2024/03/05', 'yyyy-MM-dd') AS r
SELECT to_date('2024/03/05', 'yyyy-MM-dd') AS r
SELECT unix_timestamp('2024/03/05', 'yyyy-MM-dd') AS r
SELECT to_timestamp('2024-03-05', 'yyyy/MM/dd') AS r
SELECT to_date('2024-03-05', 'yyyy/MM/dd') AS r
SELECT unix_timestamp('2024-03-05', 'yyyy/MM/dd') AS r
SELECT to_timestamp('  2024-03-05', 'yyyy-MM-dd') AS r
SELECT to_date('  2024-03-05', 'yyyy-MM-dd') AS r
SELECT unix_timestamp('  2024-03-05', 'yyyy-MM-dd') AS r
SELECT to_timestamp('2024-03-05x', 'yyyy-MM-dd') AS r
SELECT to_date('2024-03-05x', 'yyyy-MM-dd') AS r
SELECT unix_timestamp('2024-03-05x', 'yyyy-MM-dd') AS r
SELECT to_timestamp('12/31/1999 11:59 PM', 'MM/dd/yyyy hh:mm a') AS r
SELECT to_date('12/31/1999 11:59 PM', 'MM/dd/yyyy hh:mm a') AS r
SELECT unix_timestamp('12/31/1999 11:59 PM', 'MM/dd/yyyy hh:mm a') AS r
SELECT to_timestamp('2024-W10', 'YYYY-\'W\'ww') AS r
SELECT to_date('2024-W10', 'YYYY-\'W\'ww') AS r
SELECT unix_timestamp('2024-W10', 'YYYY-\'W\'ww') AS r
SELECT to_timestamp('1709622489', 's') AS r
SELECT to_date('1709622489', 's') AS r
SELECT unix_timestamp('1709622489', 's') AS r
SELECT to_timestamp('2024-03-05 07:08', 'yyyy-MM-dd HH:mm:ss') AS r
SELECT to_date('2024-03-05 07:08', 'yyyy-MM-dd HH:mm:ss') AS r
SELECT unix_timestamp('2024-03-05 07:08', 'yyyy-MM-dd HH:mm:ss') AS r
SELECT to_date('2024-3-5', 'yyyy-MM-dd') AS r
SELECT to_date(' 2024-03-05', 'yyyy-MM-dd') AS r
SELECT to_date('2024-03-05 extra', 'yyyy-MM-dd') AS r
SELECT to_date('2024-03-05T10:00:00', 'yyyy-MM-dd') AS r
SELECT to_date('2024-02-30', 'yyyy-MM-dd') AS r
SELECT to_date('2024-13-01', 'yyyy-MM-dd') AS r
SELECT to_date('24-03-05', 'yyyy-MM-dd') AS r
SELECT to_date('2024035', 'yyyyMMdd') AS r
SELECT to_date('5.3.2024', 'dd.MM.yyyy') AS r
SELECT to_timestamp('2024-03-05 7:08:09', 'yyyy-MM-dd HH:mm:ss') AS r
SELECT to_timestamp('2024-03-05 25:00:00', 'yyyy-MM-dd HH:mm:ss') AS r
SELECT to_timestamp('5 March 2024', 'd MMM yyyy') AS r
SELECT to_timestamp('Mar 5, 2024', 'MMMM d, yyyy') AS r
SELECT to_timestamp('2024-03-05 07:08:09 pm', 'yyyy-MM-dd hh:mm:ss a') AS r
SELECT to_timestamp('3/5/2024 7:08:09 PM', 'MM/dd/yyyy h:mm:ss a') AS r
SELECT to_timestamp('2024-03-05 13:08 PM', 'yyyy-MM-dd hh:mm a') AS r
SELECT to_timestamp('2024-03-05 0:30 AM', 'yyyy-MM-dd h:mm a') AS r
SELECT to_timestamp('2024-03-05 10:00:00.0999', 'yyyy-MM-dd HH:mm:ss.SSS') AS r
SELECT to_timestamp('2024-03-05 10:00:00.1234', 'yyyy-MM-dd HH:mm:ss.SSS') AS r
SELECT to_timestamp('2024-03-05 10:00:00 +0130', 'yyyy-MM-dd HH:mm:ss z') AS r
SELECT to_timestamp('2024-03-05 10:00:00 -08:00', 'yyyy-MM-dd HH:mm:ss z') AS r
SELECT to_timestamp('abc', 'yyyy-MM-dd') AS r
SELECT to_timestamp('2024/03/05', 'yyyy-MM-dd') AS r
SELECT unix_timestamp('2024-3-5', 'yyyy-MM-dd') AS r
SELECT to_unix_timestamp('2024-3-5', 'yyyy-MM-dd') AS r
SELECT try_to_timestamp('2024-3-5', 'yyyy-MM-dd') AS r
SELECT try_to_timestamp('abc', 'yyyy-MM-dd') AS r
SELECT unix_timestamp('2024-3-5 1:2:3') AS r
SELECT to_timestamp('2024-03-05 10:00:00 +01', 'yyyy-MM-dd HH:mm:ss xxx') AS r
