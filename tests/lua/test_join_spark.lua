-- Joins as Spark 3.5 runs them, each checked against Spark 3.5.3's own
-- output for the same query: comma joins (planned as an equi-join when the
-- WHERE holds an equality), NATURAL joins, LATERAL generators and
-- subqueries, the keys of an outer JOIN ... USING, conditions of any
-- shape (expressions as keys, a nested loop without a key) in SQL and in
-- df:join, and keys of a string and a number.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function sorted(list)
  table.sort(list)
  return list
end

-- What df:explain() prints.
local function explained(df)
  local out, write = {}, io.write
  io.write = function(...) for _, s in ipairs({ ... }) do out[#out + 1] = s end end
  local ok, err = pcall(function() df:explain() end)
  io.write = write
  if not ok then error(err, 0) end
  return table.concat(out)
end

local function sql(text) return spark:sql(text) end

local function views()
  sql("CREATE OR REPLACE TEMP VIEW emp AS SELECT * FROM VALUES (1, 'ann', 10), (2, 'bob', 20), (3, 'cy', NULL),"
    .. " (4, 'dan', 10) AS t(id, name, dept)")
  sql("CREATE OR REPLACE TEMP VIEW dept AS SELECT * FROM VALUES (10, 'eng'), (20, 'ops'), (30, 'hr') AS t(dept, dname)")
  sql("CREATE OR REPLACE TEMP VIEW sal AS SELECT * FROM VALUES (1, 100), (2, 200), (4, 150), (5, 50) AS t(id, amount)")
end

t.test("a comma joins every row of each table, and a WHERE equality over two of them makes it an equi-join", function()
  local cross = sql("SELECT * FROM VALUES (1) AS a(x), VALUES (2) AS b(y)")
  t.same_table(cross.columns, { "x", "y" })
  t.same_table(t.rows(cross), { "1|2" })
  t.same_table(t.rows(sql("SELECT * FROM (SELECT 1 AS a) t1, (SELECT 2 AS b) t2, (SELECT 3 AS c) t3")), { "1|2|3" })
  t.same_table(t.rows(sql("WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM a, b")),
    { "1|2" })
  local equi = sql("SELECT * FROM VALUES (1), (2) AS a(x), VALUES (2), (3) AS b(y) WHERE a.x = b.y")
  t.same_table(t.rows(equi), { "2|2" })
  -- planned as Spark's optimizer plans it: the equality is the join's key, no filter of every pair
  local plan = explained(equi)
  t.has(plan, "Join Inner, (x = y)")
  t.ok(not plan:find("Filter", 1, true), plan)
  local same_names = sql("SELECT * FROM VALUES (1), (2) AS a(x), VALUES (2), (3) AS b(x) WHERE a.x = b.x")
  t.same_table(same_names.columns, { "x", "x" })
  t.same_table(t.rows(same_names), { "2|2" })
  t.same_table(t.rows(sql("SELECT count(*) FROM range(10) a, range(5) b WHERE a.id = b.id")), { "5" })
  t.has(explained(sql("SELECT count(*) FROM range(10) a, range(5) b WHERE a.id = b.id")), "Join Inner, (id = id)")
  -- the product of 2000 rows by 2000 is never made
  t.same_table(t.rows(sql("SELECT count(*) FROM range(2000) a, range(2000) b WHERE a.id = b.id + 1 AND a.id % 2 = 0")),
    { "999" })
end)

t.test("comma joins of temp views and WITH queries, several tables, conditions of one table filter it first", function()
  views()
  t.same_table(t.rows(sql("SELECT e.name, d.dname FROM emp e, dept d WHERE e.dept = d.dept ORDER BY e.name")),
    { "ann|eng", "bob|ops", "dan|eng" })
  local three = sql("SELECT name, dname, amount FROM emp e, dept d, sal s WHERE e.dept = d.dept AND s.id = e.id"
    .. " AND s.amount > 100 ORDER BY name")
  t.same_table(three.columns, { "name", "dname", "amount" })
  t.same_table(t.rows(three), { "bob|ops|200", "dan|eng|150" })
  local plan = explained(three)
  t.has(plan, "Join Inner, (id = id)")
  t.has(plan, "Join Inner, (dept = dept)")
  t.has(plan, "Filter (amount > 100)")
  t.same_table(t.rows(sql("SELECT d.dname, count(*) AS n FROM emp e, dept d WHERE e.dept = d.dept GROUP BY d.dname"
    .. " ORDER BY d.dname")), { "eng|2", "ops|1" })
  t.same_table(t.rows(sql("WITH x AS (SELECT id, dept FROM emp), y AS (SELECT dept, dname FROM dept) SELECT x.id,"
    .. " y.dname FROM x, y WHERE x.dept = y.dept ORDER BY 1")), { "1|eng", "2|ops", "4|eng" })
  -- an OR keeps every pair to test, and the rows it passes
  t.same_table(t.rows(sql("SELECT e.id, d.dept FROM emp e, dept d WHERE e.dept = d.dept OR e.dept IS NULL"
    .. " ORDER BY e.id, d.dept")), { "1|10", "2|20", "3|10", "3|20", "3|30", "4|10" })
  t.same_table(t.rows(sql("SELECT e.id FROM emp e CROSS JOIN dept d WHERE e.dept = d.dept AND e.id > 1 ORDER BY 1")),
    { "2", "4" })
  -- a table after joins found by its name: e.id after e and d joined
  t.same_table(t.rows(sql("SELECT e.id, d.dept, s.amount FROM emp e JOIN dept d ON e.dept < d.dept JOIN sal s"
    .. " ON s.id = e.id ORDER BY e.id, d.dept")), { "1|20|100", "1|30|100", "2|30|200", "4|20|150", "4|30|150" })
end)

t.test("NATURAL joins USING the names both sides have, in Spark's column order", function()
  local l = "VALUES (1, 'a', 10), (2, 'b', 20) AS t(x, y, v)"
  local r = "VALUES (30, 1, 'a'), (40, 3, 'c') AS u(w, x, y)"
  local function natural(how) return sql(("SELECT * FROM %s NATURAL %s JOIN %s"):format(l, how, r)) end
  for _, how in ipairs({ "", "INNER" }) do
    t.same_table(natural(how).columns, { "x", "y", "v", "w" })
    t.same_table(t.rows(natural(how)), { "1|a|10|30" })
  end
  t.same_table(t.rows(natural("LEFT")), { "1|a|10|30", "2|b|20|null" })
  t.same_table(t.rows(natural("LEFT OUTER")), { "1|a|10|30", "2|b|20|null" })
  t.same_table(t.rows(natural("RIGHT")), { "1|a|10|30", "3|c|null|40" })
  local full = natural("FULL OUTER")
  t.same_table(full.columns, { "x", "y", "v", "w" })
  t.same_table(sorted(t.rows(full)), { "1|a|10|30", "2|b|20|null", "3|c|null|40" })
  t.same_table(t.rows(sql("SELECT * FROM VALUES (1, 'a'), (1, 'a'), (2, 'b') AS t(x, y) NATURAL JOIN"
    .. " VALUES (1, 'a'), (2, 'c') AS u(x, y)")), { "1|a", "1|a" })
  -- no name in common: every pair; names match as written (X is not x)
  t.same_table(t.rows(sql("SELECT * FROM VALUES (1) AS t(x) NATURAL JOIN VALUES (2) AS u(y)")), { "1|2" })
  local cased = sql("SELECT * FROM VALUES (1, 2) AS t(X, y) NATURAL JOIN VALUES (1, 3) AS u(x, z)")
  t.same_table(cased.columns, { "X", "y", "x", "z" })
  t.same_table(t.rows(cased), { "1|2|1|3" })
  -- over temp views, with the joined tables' own names
  views()
  t.same_table(t.rows(sql("SELECT * FROM emp NATURAL JOIN dept ORDER BY id")), { "10|1|ann|eng", "20|2|bob|ops",
    "10|4|dan|eng" })
  t.same_table(t.rows(sql("SELECT * FROM emp NATURAL JOIN sal ORDER BY id")), { "1|ann|10|100", "2|bob|20|200",
    "4|dan|10|150" })
  t.raises(function() sql("SELECT * FROM emp NATURAL LEFT SEMI JOIN dept") end,
    "Unsupported natural join type LeftSemi")
  t.raises(function() sql("SELECT * FROM emp NATURAL CROSS JOIN dept") end,
    "The join types NATURAL and CROSS are incompatible")
end)

t.test("an outer JOIN ... USING keeps one merged key for *, and t.k names each side's own", function()
  local full = "FROM VALUES (1) AS l(k) FULL JOIN VALUES (2) AS r(k) USING (k)"
  t.same_table(sql("SELECT * " .. full).columns, { "k" })
  t.same_table(sorted(t.rows(sql("SELECT * " .. full))), { "1", "2" })
  t.same_table(sorted(t.rows(sql("SELECT l.k, r.k " .. full))), { "1|null", "null|2" })
  t.same_table(t.rows(sql("SELECT l.k, r.k " .. full .. " ORDER BY 1, 2")), { "null|2", "1|null" })
  t.same_table(t.rows(sql("SELECT k, l.k, r.k FROM VALUES (1) AS l(k) RIGHT JOIN VALUES (2) AS r(k) USING (k)")),
    { "2|null|2" })
  t.same_table(t.rows(sql("SELECT k, l.k, r.k FROM VALUES (1) AS l(k) LEFT JOIN VALUES (2) AS r(k) USING (k)")),
    { "1|1|null" })
  views()
  t.same_table(t.rows(sql("SELECT dept, e.dept, d.dept FROM emp e FULL JOIN dept d USING (dept) ORDER BY 1, 2, 3")),
    { "null|null|null", "10|10|10", "10|10|10", "20|20|20", "30|null|30" })
  t.same_table(t.rows(sql("SELECT name FROM emp e FULL JOIN dept d USING (dept) WHERE d.dept IS NULL")), { "cy" })
  t.same_table(t.rows(sql("SELECT count(*) FROM emp e LEFT JOIN dept d USING (dept) WHERE d.dept IS NULL")), { "1" })
  local star = sql("SELECT * FROM emp e FULL JOIN dept d USING (dept) ORDER BY dept, id")
  t.same_table(star.columns, { "dept", "id", "name", "dname" })
  -- a string key with an int key: compared as ints, the merged key a string
  local mixed = sql("SELECT * FROM VALUES ('1'), ('2') AS l(k) FULL JOIN VALUES (1), (3) AS r(k) USING (k)")
  t.eq(mixed.schema.fields[1].dataType:simpleString(), "string")
  t.same_table(sorted(t.rows(mixed)), { "1", "2", "3" })
  t.same_table(t.rows(sql("SELECT * FROM VALUES ('1'), ('2') AS l(k) JOIN VALUES (1), (2) AS r(k) USING (k)")),
    { "1", "2" })
end)

t.test("LATERAL generators and subqueries join each row to the rows they make of it", function()
  local arr = "VALUES (1, array(10, 20)), (2, array()) AS t(id, a)"
  local lat = sql("SELECT * FROM " .. arr .. ", LATERAL explode(a) AS x(e)")
  t.same_table(lat.columns, { "id", "a", "e" })
  t.same_table(t.rows(lat), { "1|[10, 20]|10", "1|[10, 20]|20" })
  t.same_table(sql("SELECT * FROM VALUES (1, array(10, 20)) AS t(id, a), LATERAL explode(t.a)").columns,
    { "id", "a", "col" })
  t.same_table(t.rows(sql("SELECT id, e FROM VALUES (1, array(10, 20)) AS t(id, a), LATERAL explode(a) AS x(e)")),
    { "1|10", "1|20" })
  t.same_table(t.rows(sql("SELECT * FROM " .. arr .. ", LATERAL posexplode(a) AS x(p, e)")),
    { "1|[10, 20]|0|10", "1|[10, 20]|1|20" })
  t.same_table(t.rows(sql("SELECT * FROM " .. arr .. " JOIN LATERAL explode(a) AS x(e)")),
    { "1|[10, 20]|10", "1|[10, 20]|20" })
  t.same_table(t.rows(sql("SELECT * FROM " .. arr .. " CROSS JOIN LATERAL explode(a) AS x(e)")),
    { "1|[10, 20]|10", "1|[10, 20]|20" })
  t.same_table(t.rows(sql("SELECT * FROM " .. arr .. " JOIN LATERAL explode(a) AS x(e) ON e > 10")),
    { "1|[10, 20]|20" })
  local left = sql("SELECT * FROM " .. arr .. " LEFT JOIN LATERAL explode(a) AS x(e) ON true")
  t.same_table(sorted(t.rows(left)), { "1|[10, 20]|10", "1|[10, 20]|20", "2|[]|null" })
  t.same_table(t.rows(sql("SELECT * FROM VALUES (1, array(named_struct('p', 1, 'q', 'x'))) AS t(id, a),"
    .. " LATERAL inline(a)")), { "1|[{1, x}]|1|x" })
  t.same_table(t.rows(sql("SELECT * FROM VALUES (1, 2, 3) AS t(a, b, c), LATERAL stack(2, a, b, c, a + b) AS s(u, v)")),
    { "1|2|3|1|2", "1|2|3|3|3" })
  t.same_table(t.rows(sql("SELECT x, k, v FROM VALUES (1, map('a', 1, 'b', 2)) AS t(x, m), LATERAL explode(m) AS"
    .. " e(k, v) ORDER BY k")), { "1|a|1", "1|b|2" })
  t.same_table(t.rows(sql("SELECT * FROM VALUES (1, array(1, 2)) AS t(x, a), LATERAL explode(a) AS v(e),"
    .. " LATERAL explode(array(e, e * 10)) AS w(f) ORDER BY e, f")),
    { "1|[1, 2]|1|1", "1|[1, 2]|1|10", "1|[1, 2]|2|2", "1|[1, 2]|2|20" })
  -- a subquery of values over the row
  local values = sql("SELECT * FROM VALUES (1), (2) AS t(id), LATERAL (SELECT t.id * 10 AS z)")
  t.same_table(values.columns, { "id", "z" })
  t.same_table(t.rows(values), { "1|10", "2|20" })
  t.same_table(sql("SELECT * FROM VALUES (1, 2) AS t(x, y), LATERAL (SELECT x + y, x * y) AS z(s, p)").columns,
    { "x", "y", "s", "p" })
  t.same_table(t.rows(sql("SELECT t.x, z.s FROM VALUES (1, 2) AS t(x, y) JOIN LATERAL (SELECT t.x + t.y AS s) z")),
    { "1|3" })
  -- generators as tables, and LATERAL VIEW
  t.same_table(sql("SELECT * FROM explode(array(1, 2))").columns, { "col" })
  t.same_table(t.rows(sql("SELECT * FROM posexplode(array('a', 'b')) AS t(p, v)")), { "0|a", "1|b" })
  t.same_table(t.rows(sql("SELECT * FROM VALUES (1, array(1, 2)) AS t(id, a) LATERAL VIEW explode(a) v AS e")),
    { "1|[1, 2]|1", "1|[1, 2]|2" })
  t.raises(function() sql("SELECT * FROM VALUES (1, 2) AS t(x, y) RIGHT JOIN LATERAL (SELECT x AS z)") end,
    "LATERAL with a RIGHT join is not supported")
end)

t.test("SQL joins on any condition: expressions as keys, and a nested loop where there is no equality", function()
  local function q(text) return t.rows(sql(text)) end
  t.same_table(q("SELECT * FROM VALUES (1), (2) AS l(a) JOIN VALUES (1), (2) AS r(b) ON a < b"), { "1|2" })
  t.same_table(q("SELECT * FROM VALUES (1), (2) AS l(a) JOIN VALUES (10), (20) AS r(b) ON true ORDER BY a, b"),
    { "1|10", "1|20", "2|10", "2|20" })
  local lower = sql("SELECT l.a, r.a FROM VALUES ('A') AS l(a) JOIN VALUES ('a') AS r(a) ON lower(l.a) = r.a")
  t.same_table(t.rows(lower), { "A|a" })
  t.has(explained(lower), "(lower(a) = a)")
  t.same_table(q("SELECT l.* FROM VALUES (1) AS l(a) JOIN VALUES (2) AS r(b) ON l.a + 1 = r.b"), { "1" })
  local three = "VALUES (1), (2), (3) AS l(a)"
  t.same_table(q("SELECT * FROM " .. three .. " LEFT JOIN VALUES (1), (2) AS r(b) ON a < b"),
    { "1|2", "2|null", "3|null" })
  t.same_table(sorted(q("SELECT * FROM " .. three .. " RIGHT JOIN VALUES (1), (2), (5) AS r(b) ON a > b")),
    { "2|1", "3|1", "3|2", "null|5" })
  t.same_table(sorted(q("SELECT * FROM " .. three .. " FULL JOIN VALUES (0), (2), (5) AS r(b) ON a > b AND b > 1")),
    { "1|null", "2|null", "3|2", "null|0", "null|5" })
  t.same_table(q("SELECT * FROM " .. three .. " LEFT SEMI JOIN VALUES (1), (2) AS r(b) ON a < b"), { "1" })
  t.same_table(q("SELECT * FROM " .. three .. " LEFT ANTI JOIN VALUES (1), (2) AS r(b) ON a < b"), { "2", "3" })
  t.same_table(q("SELECT * FROM VALUES (1), (2), (NULL) AS l(a) LEFT ANTI JOIN VALUES (1), (NULL) AS r(b) ON a < b"),
    { "1", "2", "null" })
  t.same_table(q("SELECT * FROM VALUES (1, 2) AS l(a, b) JOIN VALUES (3, 2) AS r(c, d) ON a + b = c AND b = d"),
    { "1|2|3|2" })
  t.same_table(q("SELECT * FROM VALUES (1), (2) AS l(a) JOIN VALUES (3), (4) AS r(b) ON a + 2 = b OR a = b"),
    { "1|3", "2|4" })
  t.same_table(sorted(q("SELECT * FROM VALUES (1, 'x'), (NULL, 'y') AS l(a, v) JOIN VALUES (1), (NULL) AS r(b)"
    .. " ON a + 0 <=> b * 1")), { "1|x|1", "null|y|null" })
  t.same_table(q("SELECT * FROM " .. three .. " JOIN VALUES (1), (2), (3) AS r(b) ON a < b AND b < 3"), { "1|2" })
  views()
  t.same_table(q("SELECT name, amount FROM emp e LEFT JOIN sal s ON e.id < s.id AND s.amount < 200 ORDER BY name,"
    .. " amount"), { "ann|50", "ann|150", "bob|50", "bob|150", "cy|50", "cy|150", "dan|50" })
  t.same_table(q("SELECT name FROM emp e LEFT ANTI JOIN sal s ON e.id < s.id - 2 ORDER BY name"), { "cy", "dan" })
  t.same_table(q("SELECT name FROM emp e LEFT SEMI JOIN sal s ON upper(e.name) = upper('ANN') AND e.id = s.id"),
    { "ann" })
  -- many pairs, evaluated chunk by chunk
  t.same_table(q("SELECT count(*) FROM range(300) a JOIN range(300) b ON a.id < b.id"), { "44850" })
  t.same_table(q("SELECT count(*), sum(a.id), sum(b.id) FROM range(400) a FULL JOIN range(300) b ON a.id < b.id - 290"),
    { "727|79884|55530" })
  t.same_table(q("SELECT count(*), count(a.id), count(b.id) FROM range(400) a RIGHT JOIN range(300) b"
    .. " ON a.id * 2 < b.id - 250"), { "876|625|876" })
  t.same_table(q("SELECT count(*), count(a.id), count(b.id) FROM range(400) a LEFT JOIN range(300) b"
    .. " ON a.id * 2 < b.id - 250"), { "1000|1000|625" })
  t.same_table(q("SELECT count(*) FROM range(400) a LEFT SEMI JOIN range(300) b ON a.id * 2 < b.id - 250"), { "25" })
  t.same_table(q("SELECT count(*) FROM range(400) a LEFT ANTI JOIN range(300) b ON a.id * 2 < b.id - 250"), { "375" })
end)

t.test("a string key and a number key compare as Spark's `=` casts them", function()
  local function q(text) return t.rows(sql(text)) end
  t.same_table(q("SELECT * FROM VALUES ('1'), ('2') AS l(a) JOIN VALUES (1), (2) AS r(b) ON a = b ORDER BY a"),
    { "1|1", "2|2" })
  t.same_table(q("SELECT * FROM VALUES ('1.0'), ('2') AS l(a) JOIN VALUES (1), (2) AS r(b) ON a = b ORDER BY b"),
    { "1.0|1", "2|2" })
  t.same_table(q("SELECT * FROM VALUES ('1'), ('x') AS l(a) JOIN VALUES (1.5D), (1D) AS r(b) ON a = b"), { "1|1.0" })
  t.same_table(q("SELECT * FROM VALUES ('1'), ('2') AS l(a) JOIN VALUES (1L), (2L) AS r(b) ON a = b ORDER BY a"),
    { "1|1", "2|2" })
  t.same_table(q("SELECT * FROM VALUES ('1.5'), ('2') AS l(a) JOIN VALUES (1.5BD), (2.0BD) AS r(b) ON a = b"
    .. " ORDER BY a"), { "1.5|1.5", "2|2.0" })
  t.same_table(q("SELECT * FROM VALUES ('2024-01-01') AS l(a) JOIN VALUES (DATE'2024-01-01') AS r(b) ON a = b"),
    { "2024-01-01|2024-01-01" })
  t.same_table(q("SELECT * FROM VALUES (1, 'x') AS l(a, b) JOIN VALUES (1.0D, 'x') AS r(c, d) ON a = c AND b = d"),
    { "1|x|1.0|x" })
  local strings = spark:createDataFrame({ { "1", "a" }, { "7", "b" } }, "k string, v string")
  local ints = spark:createDataFrame({ { 1 }, { 2 } }, "k int")
  t.same_table(t.rows(strings:join(ints, strings.k:eq(ints.k))), { "1|a|1" })
  t.same_table(t.rows(strings:join(ints, "k")), { "1|a" })
end)

local function people()
  return spark:createDataFrame({ { 1, "ann" }, { 2, "bob" }, { 3, "cy" }, { nil, "nobody" } }, "id int, name string")
end

local function limits()
  return spark:createDataFrame({ { 1, 1 }, { 2, 3 }, { 3, nil } }, "lo int, hi int")
end

t.test("df:join takes any Column condition: the same types and rows as Spark's", function()
  local p, r = people(), limits()
  local between = p.id:ge(r.lo):and_(p.id:le(r.hi))
  local inner = p:join(r, between)
  t.same_table(inner.columns, { "id", "name", "lo", "hi" })
  t.same_table(sorted(t.rows(inner)), { "1|ann|1|1", "2|bob|2|3", "3|cy|2|3" })
  t.same_table(sorted(t.rows(p:join(r, between, "left"))),
    { "1|ann|1|1", "2|bob|2|3", "3|cy|2|3", "null|nobody|null|null" })
  t.same_table(sorted(t.rows(p:join(r, between, "right"))),
    { "1|ann|1|1", "2|bob|2|3", "3|cy|2|3", "null|null|3|null" })
  t.same_table(sorted(t.rows(p:join(r, between, "full"))),
    { "1|ann|1|1", "2|bob|2|3", "3|cy|2|3", "null|nobody|null|null", "null|null|3|null" })
  t.same_table(t.rows(p:join(r, between, "left_semi")), { "1|ann", "2|bob", "3|cy" })
  t.same_table(t.rows(p:join(r, between, "left_anti")), { "null|nobody" })
  local full = p:join(r, between, "full")
  t.same_table({ full.schema.fields[1].nullable, full.schema.fields[3].nullable }, { true, true })
  -- an equality of expressions over each side is a key, hashed
  local keyed = p:join(r, (p.id + 1):eq(r.hi))
  t.same_table(sorted(t.rows(keyed)), { "2|bob|2|3" })
  t.has(explained(keyed), "Join Inner, ((id + 1) = hi)")
  t.same_table(t.rows(p:join(r, F.upper(p.name):eq(F.lit("BOB")))), { "2|bob|1|1", "2|bob|2|3", "2|bob|3|null" })
  t.same_table(#t.rows(p:join(r, F.lit(true))), 12)
  t.same_table(#t.rows(p:join(r, F.lit(false), "left")), 4)
  t.same_table(#t.rows(p:join(r, F.lit(false), "full")), 7)
  -- a conjunct of one side filters it first; the other side's rows stay where the join keeps them
  local one_sided = p:join(r, p.id:eq(r.lo):and_(r.hi:gt(1)), "left")
  t.same_table(t.rows(one_sided), { "1|ann|null|null", "2|bob|2|3", "3|cy|null|null", "null|nobody|null|null" })
  t.has(explained(one_sided), "Filter (hi > 1)")
  -- a filter over a cross join moves into it
  local crossed = p:crossJoin(r):filter(p.id:eq(r.lo))
  t.same_table(t.rows(crossed), { "1|ann|1|1", "2|bob|2|3", "3|cy|3|null" })
  t.has(explained(crossed), "Join Inner, (id = lo)")
end)

t.test("a stream joins a static DataFrame on any condition, micro-batch by micro-batch", function()
  local dir = t.tempdir()
  t.write(dir .. "/1.csv", "1\n2\n5\n")
  local stream = spark.readStream:csv(dir, { schema = "v int" })
  local r = limits()
  local q = stream:join(r, stream.v:ge(r.lo):and_(stream.v:le(r.hi)), "left").writeStream:format("memory")
    :queryName("join_spark_nested"):start()
  q:processAllAvailable()
  q:stop()
  t.same_table(sorted(t.rows(spark:table("join_spark_nested"))), { "1|1|1", "2|2|3", "5|null|null" })
end)

t.run()
