-- spark.conf checks a setting when it is set, and PySpark's
-- SparkSession.builder and spark.sparkContext work as ported scripts use
-- them.
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
  t.raises(function() spark.conf:set("spark.sql.streaming.stateStore.minDeltasForSnapshot", 0) end,
    "spark.sql.streaming.stateStore.minDeltasForSnapshot must be a whole number >= 1, not \"0\"")
  spark.conf:set("spark.sql.shuffle.partitions", 8)
  t.eq(spark.conf:get("spark.sql.shuffle.partitions"), "8")
  t.raises(function() spark.conf:set("spark.sql.session.timeZone", "Europe/Pariss") end,
    'spark.sql.session.timeZone must be a time zone Spark takes')
  spark.conf:set("spark.sql.session.timeZone", "UTC")
  spark.conf:set("spark.app.name", "ported job")
  t.eq(spark.conf:get("spark.app.name"), "ported job")
  t.raises(function() spark.conf:set("spark.app.name", nil) end, "spark.conf:unset")
  local err = t.raises(function() spark.conf.set("spark.tide.sliceRows", 10) end, "use spark.conf:set")
  t.at_caller(err)
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
