-- spark.conf checks a setting when it is set, spark:sql runs a SELECT over
-- temp views, and PySpark's SparkSession.builder and spark.sparkContext
-- work as ported scripts use them.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

t.test("a bad value of a tide setting fails at set, naming the key, the value and what is allowed", function()
  local err = t.raises(function() spark.conf:set("spark.tide.sliceRows", "abc") end)
  t.at_caller(err)
  t.has(err, 'spark.tide.sliceRows must be a whole number >= 0 (0 turns slicing off), not "abc"')
  t.eq(spark.conf:get("spark.tide.sliceRows"), nil, "the bad value is not kept")
  for _, bad in ipairs({ -1, 2.5, "", true }) do
    t.raises(function() spark.conf:set("spark.tide.sliceRows", bad) end, "spark.tide.sliceRows must be")
  end
  err = t.raises(function() spark.conf:set("spark.tide.workerThreads", "all") end)
  t.has(err, 'spark.tide.workerThreads must be a whole number >= 0')
  t.has(err, '"all"')
  spark.conf:set("spark.tide.sliceRows", 500)
  t.eq(spark.conf:get("spark.tide.sliceRows"), "500")
  spark.conf:unset("spark.tide.sliceRows")
  t.eq(spark.conf:get("spark.tide.sliceRows", "unset"), "unset")
end)

t.test("a key under spark.tide. that tide does not have is refused, with the nearest one", function()
  local err = t.raises(function() spark.conf:set("spark.tide.slicerows", 100) end)
  t.at_caller(err)
  t.has(err, "spark.tide.slicerows is not a setting of tide")
  t.has(err, "did you mean spark.tide.sliceRows?")
  t.raises(function() spark.conf:set("spark.tide.threads", 2) end, "spark.tide.workerThreads")
end)

t.test("Spark's settings: checked as Spark checks them, the others kept as given", function()
  t.raises(function() spark.conf:set("spark.sql.shuffle.partitions", "abc") end,
    'spark.sql.shuffle.partitions must be a whole number >= 1, not "abc"')
  t.raises(function() spark.conf:set("spark.sql.shuffle.partitions", 0) end, "spark.sql.shuffle.partitions")
  spark.conf:set("spark.sql.shuffle.partitions", 8)
  t.eq(spark.conf:get("spark.sql.shuffle.partitions"), "8")
  t.raises(function() spark.conf:set("spark.sql.session.timeZone", "Europe/Paris") end,
    'spark.sql.session.timeZone must be UTC')
  spark.conf:set("spark.sql.session.timeZone", "UTC")
  spark.conf:set("spark.app.name", "ported job")
  t.eq(spark.conf:get("spark.app.name"), "ported job")
  t.raises(function() spark.conf:set("spark.app.name", nil) end, "spark.conf:unset")
  local err = t.raises(function() spark.conf.set("spark.tide.sliceRows", 10) end, "use spark.conf:set")
  t.at_caller(err)
end)

t.test("spark:sql runs a SELECT over temp views: joins, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT", function()
  spark:createDataFrame({ { "fr", "a", 1, 1 }, { "fr", "b", 2, 0 }, { "de", "a", 3, 1 }, { "fr", "a", 4, 1 },
    { nil, "c", 5, 0 } }, "country string, site string, n int, click int"):createOrReplaceTempView("events")
  spark:createDataFrame({ { "a", "Site A" }, { "b", "Site B" } }, "site string, title string")
    :createOrReplaceTempView("sites")
  local ctr = spark:sql("SELECT site, avg(click) AS ctr, count(*) n FROM events GROUP BY site HAVING count(*) > 1"
    .. " ORDER BY ctr DESC, site")
  t.same_table(ctr.columns, { "site", "ctr", "n" })
  t.same_table(t.rows(ctr), { "a|1.0|3" })
  t.same_table(t.rows(spark:sql([[SELECT e.site, s.title, e.n FROM events e JOIN sites s ON e.site = s.site
    WHERE e.n > 1 ORDER BY e.n DESC LIMIT 2]])), { "a|Site A|4", "a|Site A|3" })
  t.same_table(t.rows(spark:sql("SELECT e.site, title FROM events AS e LEFT JOIN sites USING (site) WHERE n = 5")),
    { "c|null" })
  -- A name both sides have: t.col is each side's own; the bare name is
  -- ambiguous, as in Spark.
  spark:createDataFrame({ { "a", "x" }, { "b", "y" } }, "site string, country string"):createOrReplaceTempView("owners")
  local both = spark:sql("SELECT e.country, o.country, e.n FROM events e JOIN owners o ON e.site = o.site ORDER BY e.n")
  t.same_table(both.columns, { "country", "o.country", "n" })
  t.same_table(t.rows(both), { "fr|x|1", "fr|y|2", "de|x|3", "fr|x|4" })
  t.raises(function() spark:sql("SELECT country FROM events e JOIN owners o ON e.site = o.site") end,
    "Reference 'country' is ambiguous, could be: country, o.country")
  -- Positions and aliases in GROUP BY and ORDER BY; DISTINCT; a subquery.
  t.same_table(t.rows(spark:sql("SELECT DISTINCT country FROM events ORDER BY 1")), { "null", "de", "fr" })
  t.same_table(t.rows(spark:sql("SELECT country AS c, sum(n) FROM events GROUP BY c ORDER BY sum(n) DESC")),
    { "fr|7", "null|5", "de|3" })
  t.same_table(t.rows(spark:sql("SELECT site, n FROM events ORDER BY click DESC, n LIMIT 3")), { "a|1", "a|3", "a|4" })
  t.same_table(t.rows(spark:sql("SELECT t.site FROM (SELECT site, n FROM events WHERE n > 2) AS t;")),
    { "a", "a", "c" })
  t.same_table(t.rows(spark:sql("SELECT count(*) FROM events")), { "5" })
  t.same_table(t.rows(spark.sql("SELECT max(n) AS m FROM events")), { "5" })
  -- Errors name the table or the place.
  local err = t.raises(function() spark:sql("SELECT x FROM nope") end)
  t.at_caller(err)
  t.has(err, 'table or view not found: nope (a DataFrame is registered with df:createOrReplaceTempView("nope"))')
  t.raises(function() spark:sql("SELECT site FROM events GROUP") end, "expected BY, found the end of the text")
  t.raises(function() spark:sql("SELECT site FROM events UNION SELECT site FROM sites") end,
    "expected the end of the query")
  t.raises(function() spark:sql("SELECT site FROM events ORDER BY 7") end, "position 7 is not in the select list")
end)

t.test("SparkSession.builder:appName(...):config(...):getOrCreate() is the one session, with its settings", function()
  local built = tide.SparkSession.builder:appName("ctr"):master("local[2]")
    :config("spark.sql.shuffle.partitions", 4):config({ ["spark.tide.sliceRows"] = 1000, ["my.key"] = true })
    :getOrCreate()
  t.eq(built, spark)
  t.eq(spark.conf:get("spark.app.name"), "ctr")
  t.eq(spark.conf:get("spark.master"), "local[2]")
  t.eq(spark.conf:get("spark.sql.shuffle.partitions"), "4")
  t.eq(spark.conf:get("spark.tide.sliceRows"), "1000")
  t.eq(spark.conf:get("my.key"), "true")
  spark.conf:unset("spark.tide.sliceRows")
  -- A builder is new at each use: settings of one are not another's.
  local a = tide.SparkSession.builder:appName("other")
  t.eq(#tide.SparkSession.builder.settings, 0)
  t.eq(#a.settings, 1)
  -- Each setting is checked at its call, before getOrCreate.
  local err = t.raises(function() tide.SparkSession.builder:config("spark.tide.sliceRows", "x") end)
  t.at_caller(err)
  t.has(err, 'spark.tide.sliceRows must be a whole number >= 0 (0 turns slicing off), not "x"')
  for _, local_mode in ipairs({ "local", "local[*]", "local[4]", "local[4, 2]" }) do
    tide.SparkSession.builder:master(local_mode)
  end
  err = t.raises(function() tide.SparkSession.builder:master("spark://host:7077") end)
  t.at_caller(err)
  t.has(err, 'master("spark://host:7077"): tide runs in this process')
  t.raises(function() tide.SparkSession.builder:enableHiveSupport() end, "tide has no Hive metastore")
  t.raises(function() tide.SparkSession.builder:appNme("x") end, 'did you mean "appName"')
  t.raises(function() tide.SparkSession.builder.getOrCreate() end, "use SparkSession.builder:getOrCreate")
  t.raises(function() local _ = tide.SparkSession.active end, "tide's SparkSession has only builder")
end)

t.test("spark.sparkContext: setLogLevel takes Spark's levels; appName and master are the session's", function()
  spark.conf:set("spark.app.name", "ctr")
  local sc = spark.sparkContext
  sc:setLogLevel("WARN")
  sc:setLogLevel("error")
  t.eq(sc.appName, "ctr")
  t.eq(sc.master, "local[2]")
  local err = t.raises(function() sc:setLogLevel("LOUD") end)
  t.at_caller(err)
  t.has(err, "Supplied level LOUD did not match one of: ALL,DEBUG,ERROR,FATAL,INFO,OFF,TRACE,WARN")
  t.raises(function() return sc.parallelize end, "sparkContext.parallelize: tide has no RDDs")
end)

t.run()
