SELECT round(0.5) AS r
SELECT round(0.5, 2) AS r
SELECT round(0.5, -1) AS r
SELECT bround(0.5) AS r
SELECT bround(0.5, 2) AS r
SELECT round(CAST(0.5 AS DOUBLE), 2) AS r
SELECT bround(CAST(0.5 AS DOUBLE), 2) AS r
SELECT ceil(0.5) AS r
SELECT floor(0.5) AS r
SELECT ceil(0.5, 1) AS r
SELECT floor(0.5, -1) AS r
SELECT round(CAST(0.5 AS FLOAT), 1) AS r
SELECT round(1.5) AS r
SELECT round(1.5, 2) AS r
SELECT round(1.5, -1) AS r
SELECT bround(1.5) AS r
SELECT bround(1.5, 2) AS r
SELECT round(CAST(1.5 AS DOUBLE), 2) AS r
SELECT bround(CAST(1.5 AS DOUBLE), 2) AS r
SELECT ceil(1.5) AS r
SELECT floor(1.5) AS r
SELECT ceil(1.5, 1) AS r
SELECT floor(1.5, -1) AS r
SELECT round(CAST(1.5 AS FLOAT), 1) AS r
SELECT round(2.5) AS r
SELECT round(2.5, 2) AS r
SELECT round(2.5, -1) AS r
SELECT bround(2.5) AS r
SELECT bround(2.5, 2) AS r
SELECT round(CAST(2.5 AS DOUBLE), 2) AS r
SELECT bround(CAST(2.5 AS DOUBLE), 2) AS r
SELECT ceil(2.5) AS r
SELECT floor(2.5) AS r
SELECT ceil(2.5, 1) AS r
SELECT floor(2.5, -1) AS r
SELECT round(CAST(2.5 AS FLOAT), 1) AS r
SELECT round(-0.5) AS r
SELECT round(-0.5, 2) AS r
SELECT round(-0.5, -1) AS r
SELECT bround(-0.5) AS r
SELECT bround(-0.5, 2) AS r
SELECT round(CAST(-0.5 AS DOUBLE), 2) AS r
SELECT bround(CAST(-0.5 AS DOUBLE), 2) AS r
SELECT ceil(-0.5) AS r
SELECT floor(-0.5) AS r
SELECT ceil(-0.5, 1) AS r
SELECT floor(-0.5, -1) AS r
SELECT round(CAST(-0.5 AS FLOAT), 1) AS r
SELECT round(-1.5) AS r
SELECT round(-1.5, 2) AS r
SELECT round(-1.5, -1) AS r
SELECT bround(-1.5) AS r
SELECT bround(-1.5, 2) AS r
SELECT round(CAST(-1.5 AS DOUBLE), 2) AS r
SELECT bround(CAST(-1.5 AS DOUBLE), 2) AS r
SELECT ceil(-1.5) AS r
SELECT floor(-1.5) AS r
SELECT ceil(-1.5, 1) AS r
SELECT floor(-1.5, -1) AS r
SELECT round(CAST(-1.5 AS FLOAT), 1) AS r
SELECT round(-2.5) AS r
SELECT round(-2.5, 2) AS r
SELECT round(-2.5, -1) AS r
SELECT bround(-2.5) AS r
SELECT bround(-2.5, 2) AS r
SELECT round(CAST(-2.5 AS DOUBLE), 2) AS r
SELECT bround(CAST(-2.5 AS DOUBLE), 2) AS r
SELECT ceil(-2.5) AS r
SELECT floor(-2.5) AS r
SELECT ceil(-2.5, 1) AS r
SELECT floor(-2.5, -1) AS r
SELECT round(CAST(-2.5 AS FLOAT), 1) AS r
SELECT round(0.125) AS r
SELECT round(0.125, 2) AS r
SELECT round(0.125, -1) AS r
SELECT bround(0.125) AS r
SELECT bround(0.125, 2) AS r
SELECT round(CAST(0.125 AS DOUBLE), 2) AS r
SELECT bround(CAST(0.125 AS DOUBLE), 2) AS r
SELECT ceil(0.125) AS r
SELECT floor(0.125) AS r
SELECT ceil(0.125, 1) AS r
SELECT floor(0.125, -1) AS r
SELECT round(CAST(0.125 AS FLOAT), 1) AS r
SELECT round(1.005) AS r
SELECT round(1.005, 2) AS r
SELECT round(1.005, -1) AS r
SELECT bround(1.005) AS r
SELECT bround(1.005, 2) AS r
SELECT round(CAST(1.005 AS DOUBLE), 2) AS r
SELECT bround(CAST(1.005 AS DOUBLE), 2) AS r
SELECT ceil(1.005) AS r
SELECT floor(1.005) AS r
SELECT ceil(1.005, 1) AS r
SELECT floor(1.005, -1) AS r
SELECT round(CAST(1.005 AS FLOAT), 1) AS r
SELECT round(2.675) AS r
SELECT round(2.675, 2) AS r
SELECT round(2.675, -1) AS r
SELECT bround(2.675) AS r
SELECT bround(2.675, 2) AS r
SELECT round(CAST(2.675 AS DOUBLE), 2) AS r
SELECT bround(CAST(2.675 AS DOUBLE), 2) AS r
SELECT ceil(2.675) AS r
SELECT floor(2.675) AS r
SELECT ceil(2.675, 1) AS r
SELECT floor(2.675, -1) AS r
SELECT round(CAST(2.675 AS FLOAT), 1) AS r
SELECT round(12345.6789) AS r
SELECT round(12345.6789, 2) AS r
SELECT round(12345.6789, -1) AS r
SELECT bround(12345.6789) AS r
SELECT bround(12345.6789, 2) AS r
SELECT round(CAST(12345.6789 AS DOUBLE), 2) AS r
SELECT bround(CAST(12345.6789 AS DOUBLE), 2) AS r
SELECT ceil(12345.6789) AS r
SELECT floor(12345.6789) AS r
SELECT ceil(12345.6789, 1) AS r
SELECT floor(12345.6789, -1) AS r
SELECT round(CAST(12345.6789 AS FLOAT), 1) AS r
SELECT round(-12345.6789) AS r
SELECT round(-12345.6789, 2) AS r
SELECT round(-12345.6789, -1) AS r
SELECT bround(-12345.6789) AS r
SELECT bround(-12345.6789, 2) AS r
SELECT round(CAST(-12345.6789 AS DOUBLE), 2) AS r
SELECT bround(CAST(-12345.6789 AS DOUBLE), 2) AS r
SELECT ceil(-12345.6789) AS r
SELECT floor(-12345.6789) AS r
SELECT ceil(-12345.6789, 1) AS r
SELECT floor(-12345.6789, -1) AS r
SELECT round(CAST(-12345.6789 AS FLOAT), 1) AS r
SELECT round(1e20) AS r
SELECT round(1e20, 2) AS r
SELECT round(1e20, -1) AS r
SELECT bround(1e20) AS r
SELECT bround(1e20, 2) AS r
SELECT round(CAST(1e20 AS DOUBLE), 2) AS r
SELECT bround(CAST(1e20 AS DOUBLE), 2) AS r
SELECT ceil(1e20) AS r
SELECT floor(1e20) AS r
SELECT ceil(1e20, 1) AS r
SELECT floor(1e20, -1) AS r
SELECT round(CAST(1e20 AS FLOAT), 1) AS r
SELECT round(NULL) AS r
SELECT round(NULL, 2) AS r
SELECT round(NULL, -1) AS r
SELECT bround(NULL) AS r
SELECT bround(NULL, 2) AS r
SELECT round(CAST(NULL AS DOUBLE), 2) AS r
SELECT bround(CAST(NULL AS DOUBLE), 2) AS r
SELECT ceil(NULL) AS r
SELECT floor(NULL) AS r
SELECT ceil(NULL, 1) AS r
SELECT floor(NULL, -1) AS r
SELECT round(CAST(NULL AS FLOAT), 1) AS r
