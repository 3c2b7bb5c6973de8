-- Spark's xpath functions over libxml2's XPath 1.0: every expected value
-- and message below is Apache Spark 3.5.3's (spark.sql, local mode) for
-- the same document and path, namespaces and entities read as its
-- parser reads them.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function one(sql) return spark:sql(sql):collect()[1] end
local function list(v) return table.concat(v, ",") end

t.test("xpath selects the values of the nodes: text, attributes, comments; an element's is NULL", function()
  t.eq(list(one("SELECT xpath('<a><b>b1</b><b>b2</b><b>b3</b><c>c1</c><c>c2</c></a>', 'a/b/text()') AS r").r),
    "b1,b2,b3")
  t.eq(list(one([[SELECT xpath('<a><b id="1">b1</b><b id="2">b2</b></a>', 'a/b/@id') AS r]]).r), "1,2")
  t.same_table(t.rows(spark:sql("SELECT xpath('<a><b>b1</b><b>b2</b></a>', 'a/b') AS elements,"
    .. " xpath('<a><b>b1</b></a>', 'a/c') AS none, xpath('<a><!-- c --><b>1</b></a>', 'a/node()') AS nodes")),
    { "[null, null]|[]|[ c , null]" })
  t.eq(spark:sql("SELECT xpath('<a/>', 'a') AS r").schema.fields[1].dataType:simpleString(), "array<string>")
end)

t.test("xpath_string, xpath_boolean and the numbers, as Xalan reads them", function()
  local r = one("SELECT xpath_string('<a><b>b</b><c>cc</c></a>', 'a/c') AS c, xpath_string('<a><b>b</b></a>', 'a/d')"
    .. " AS d, xpath_string('<a><b>b<x>1</x></b></a>', 'a/b') AS nested, xpath_string('<a>x &amp; y</a>', 'a') AS amp")
  t.same_table({ r.c, r.d, r.nested, r.amp }, { "cc", "", "b1", "x & y" })
  r = one("SELECT xpath_boolean('<a><b>1</b></a>', 'a/b') AS some, xpath_boolean('<a><b>1</b></a>', 'a/c') AS none,"
    .. " xpath_boolean('<a><b>1</b></a>', 'a/b = 1') AS eq")
  t.same_table({ r.some, r.none, r.eq }, { true, false, true })
  r = one("SELECT xpath_int('<a><b>1</b><b>2</b></a>', 'sum(a/b)') AS sum, xpath_int('<a><b>x</b></a>', 'a/b') AS nan,"
    .. " xpath_int('<a><b>2.7</b></a>', 'a/b') AS frac, xpath_int('<a></a>', 'a/b') AS none,"
    .. " xpath_int('<a><b>-3.9</b></a>', 'a/b') AS neg")
  t.same_table({ r.sum, r.nan, r.frac, r.none, r.neg }, { 3, 0, 2, 0, -3 })
  r = one("SELECT xpath_long('<a><b>99999999999</b></a>', 'a/b') AS long, xpath_short('<a><b>70000</b></a>', 'a/b')"
    .. " AS short, xpath_float('<a><b>1.5</b></a>', 'a/b') AS float, xpath_number('<a><b>1</b><b>2</b></a>',"
    .. " 'sum(a/b)') AS number, xpath_long('<a><b>1e30</b></a>', 'a/b') AS exponent")
  t.same_table({ r.long, r.short, r.float, r.number, r.exponent }, { 99999999999, 4464, 1.5, 3, 0 })
  local nan = one("SELECT xpath_double('<a><b>x</b></a>', 'a/b') AS x, xpath_double('<a><b>-1e3</b></a>', 'a/b') AS e")
  t.ok(nan.x ~= nan.x and nan.e ~= nan.e, "NaN: not a number, and XPath 1.0 has no exponents")
  local typed = spark:sql("SELECT xpath_short('<a/>', 'a') AS s, xpath_int('<a/>', 'a') AS i,"
    .. " xpath_long('<a/>', 'a') AS l, xpath_float('<a/>', 'a') AS f, xpath_double('<a/>', 'a') AS d,"
    .. " xpath_number('<a/>', 'a') AS n, xpath_boolean('<a/>', 'a') AS b, xpath_string('<a/>', 'a') AS str")
  t.eq(typed.schema:simpleString(), "struct<s:smallint,i:int,l:bigint,f:float,d:double,n:double,b:boolean,str:string>")
end)

t.test("documents as Spark's parser reads them: no namespaces, entities, NULL and empty documents", function()
  -- not namespace aware: <b xmlns="u"> is b; a prefix is part of the name, which a path's prefix does not select
  local r = one([[SELECT xpath('<a xmlns="u"><b>1</b></a>', 'a/b/text()') AS default_ns,]]
    .. [[ xpath('<ns:a xmlns:ns="u"><ns:b>1</ns:b></ns:a>', 'ns:a/ns:b/text()') AS prefixed]])
  t.same_table({ list(r.default_ns), #r.prefixed }, { "1", 0 })
  -- internal entities are expanded; external ones never loaded
  t.eq(one([[SELECT xpath_string('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "ent">]><a>&e;</a>', 'a') AS r]]).r,
    "ent")
  t.eq(one([[SELECT xpath_string('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/hostname">]>]]
    .. [[<a>x&e;y</a>', 'a') AS r]]).r, "xy")
  r = one("SELECT xpath(NULL, 'a') AS n, xpath_string('<a/>', NULL) AS p, xpath_string('', 'a') AS e")
  t.same_table({ r.n, r.p, r.e }, {})
end)

t.test("a bad document fails at its row, a bad path when the query is built; F's functions", function()
  t.has(t.raises(function() spark:sql("SELECT xpath('<a><b>1</b>', 'a/b') AS r"):collect() end),
    "Error loading expression 'a/b': the document is not XML (line 1, column 12: ")
  t.has(t.raises(function() spark:sql("SELECT xpath('<a><b>1</b></a>', 'a/b[') AS r") end), "Invalid XPath 'a/b['")
  t.has(t.raises(function() spark:sql("SELECT xpath('<a/>', p) FROM VALUES ('a') AS t(p)") end),
    [[the input path should be a foldable "STRING" expression; however, got "p".]])
  local df = spark:createDataFrame({ { "<r><v>1</v><v>2</v></r>" } }, "x string")
  local r = df:select(F.xpath("x", F.lit("r/v/text()")):alias("l"), F.xpath_int("x", F.lit("sum(r/v)")):alias("n"))
    :collect()[1]
  t.same_table({ list(r.l), r.n }, { "1,2", 3 })
  t.same_table(df:select(F.xpath_string("x", F.lit("r/v"))).columns, { "xpath_string(x, r/v)" })
end)

t.run()
