-- spark.catalog, PySpark's Catalog: one catalog (spark_catalog) with one
-- database (default), the session's temp views and memory sinks' tables
-- as temporary tables, global_temp's views, caching of views, and the
-- functions tide has; errors in Spark 3.5's words.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()
local catalog = spark.catalog

local has, at_caller = t.has, t.at_caller

local function names_of(list)
  local out = {}
  for i, r in ipairs(list) do out[i] = r.name end
  return out
end

local function people() return spark:createDataFrame({ { 1, "a" }, { 2, "b" } }, "id int, name string") end

t.test("one catalog, spark_catalog, with one database, default", function()
  t.eq(catalog:currentCatalog(), "spark_catalog")
  t.eq(catalog:currentDatabase(), "default")
  t.same_table(names_of(catalog:listCatalogs()), { "spark_catalog" })
  t.eq(tostring(catalog:listCatalogs()[1]), "CatalogMetadata(name='spark_catalog', description=None)")
  t.same_table(names_of(catalog:listCatalogs("spark*")), { "spark_catalog" })
  t.same_table(names_of(catalog:listCatalogs("other")), {})
  local db = catalog:listDatabases()[1]
  t.eq(db.name, "default")
  t.eq(db.catalog, "spark_catalog")
  t.eq(db.description, "default database")
  t.same_table(names_of(catalog:listDatabases("def*")), { "default" })
  t.same_table(names_of(catalog:listDatabases("x*")), {})
  t.eq(catalog:getDatabase("default").name, "default")
  t.eq(catalog:databaseExists("default"), true)
  t.eq(catalog:databaseExists("DEFAULT"), true)
  t.eq(catalog:databaseExists("spark_catalog.default"), true)
  t.eq(catalog:databaseExists("sales"), false)
  catalog:setCurrentDatabase("default")
  catalog:setCurrentCatalog("spark_catalog")
  t.raises_at_caller({
    { function() catalog:setCurrentDatabase("sales") end,
      "[SCHEMA_NOT_FOUND] The schema `sales` cannot be found. Verify the spelling and correctness of the schema and"
        .. " catalog." },
    { function() catalog:setCurrentDatabase("global_temp") end,
      "global_temp is a system preserved database, you cannot use it as current database." },
    { function() catalog:getDatabase("sales") end, "[SCHEMA_NOT_FOUND] The schema `sales` cannot be found." },
    { function() catalog:setCurrentCatalog("hive") end, "[CATALOG_NOT_FOUND] The catalog `hive` not found." },
  })
end)

t.test("listTables lists the temp views and memory sinks' tables, lower-cased, as TEMPORARY tables", function()
  people():createOrReplaceTempView("Cat_People")
  people():filter("id = 1"):createOrReplaceTempView("cat_one")
  local tables = catalog:listTables()
  local found = {}
  for _, tab in ipairs(tables) do found[tab.name] = tab end
  local tab = found.cat_people
  t.ok(tab ~= nil, "cat_people listed")
  t.eq(tab.catalog, nil)
  t.same_table({ unpack(tab.namespace) }, {})
  t.eq(tab.description, nil)
  t.eq(tab.tableType, "TEMPORARY")
  t.eq(tab.isTemporary, true)
  t.eq(tostring(tab), "Table(name='cat_people', catalog=None, namespace=[], description=None, tableType='TEMPORARY',"
    .. " isTemporary=true)")
  t.same_table(names_of(catalog:listTables("default", "cat_*")), { "cat_one", "cat_people" })
  t.same_table(names_of(catalog:listTables(nil, "CAT_P*|cat_o*")), { "cat_one", "cat_people" })
  t.same_table(names_of(catalog:listTables(nil, "cat")), {})
  -- a memory sink's table is one of them
  local q = spark.readStream:format("rate"):load().writeStream:format("memory"):queryName("Cat_Sink"):start()
  q:processAllAvailable()
  q:stop()
  t.same_table(names_of(catalog:listTables(nil, "cat_*")), { "cat_one", "cat_people", "cat_sink" })
  t.eq(catalog:tableExists("cat_sink"), true)
  t.raises_at_caller({ { function() catalog:listTables("sales") end, "[SCHEMA_NOT_FOUND] The schema `sales`" } })
end)

t.test("global temp views are listed under global_temp, before the session's views", function()
  people():createOrReplaceGlobalTempView("cat_global")
  local tables = catalog:listTables("global_temp", "cat_*")
  t.same_table(names_of(tables), { "cat_global", "cat_one", "cat_people", "cat_sink" })
  t.same_table({ unpack(tables[1].namespace) }, { "global_temp" })
  t.eq(tostring(tables[1].namespace), "['global_temp']")
  t.eq(tables[2].namespace[1], nil)
  t.eq(catalog:tableExists("global_temp.cat_global"), true)
  t.eq(catalog:tableExists("cat_global", "global_temp"), true)
  t.eq(catalog:tableExists("cat_global"), false)
  t.eq(catalog:getTable("global_temp.cat_global").namespace[1], "global_temp")
  t.eq(catalog:dropGlobalTempView("cat_global"), true)
  t.eq(catalog:dropGlobalTempView("cat_global"), false)
  t.eq(catalog:tableExists("global_temp.cat_global"), false)
end)

t.test("tableExists, getTable and listColumns look a view up by name, case-insensitively", function()
  t.eq(catalog:tableExists("cat_people"), true)
  t.eq(catalog:tableExists("CAT_PEOPLE"), true)
  t.eq(catalog:tableExists("cat_nope"), false)
  t.eq(catalog:getTable("Cat_People").name, "cat_people")
  local columns = catalog:listColumns("cat_people")
  t.same_table(names_of(columns), { "id", "name" })
  t.eq(tostring(columns[1]), "Column(name='id', description=None, dataType='int', nullable=true, isPartition=false,"
    .. " isBucket=false)")
  t.eq(columns[2].dataType, "string")
  t.eq(columns[2].nullable, true)
  local err = t.raises(function() catalog:getTable("cat_nope") end)
  has(err, "[TABLE_OR_VIEW_NOT_FOUND] The table or view `cat_nope` cannot be found. Verify the spelling and"
    .. " correctness of the schema and catalog.")
  at_caller(err)
  t.raises_at_caller({
    { function() catalog:listColumns("cat_nope") end, "[TABLE_OR_VIEW_NOT_FOUND] The table or view `cat_nope`" },
    { function() catalog:listColumns("cat_people", "sales") end, "The table or view `sales`.`cat_people`" },
    { function() catalog:tableExists(3) end, "tableExists needs a name (a string), not a number" },
  })
end)

t.test("dropTempView tells whether the view was there", function()
  people():createOrReplaceTempView("cat_dropped")
  t.eq(catalog:dropTempView("CAT_DROPPED"), true)
  t.eq(catalog:dropTempView("cat_dropped"), false)
  t.eq(catalog:tableExists("cat_dropped"), false)
  t.raises(function() spark:table("cat_dropped") end, "table or view not found: cat_dropped")
  t.raises(function() spark:sql("SELECT * FROM cat_dropped") end, "table or view not found")
end)

t.test("cacheTable, isCached, uncacheTable and clearCache cache a view's DataFrame, as df:cache()", function()
  local reads = 0
  local batch = tide.batch.fromRows({ { 1 }, { 2 } }, "n int")
  local plan = { kind = "scan", schema = batch:schema(), source = {
    description = "LocalRelation", read = function() reads = reads + 1; return batch end } }
  local df = require("tide.dataframe").new(spark, plan, false)
  df:createOrReplaceTempView("cat_cached")
  t.eq(catalog:isCached("cat_cached"), false)
  catalog:cacheTable("cat_cached")
  t.eq(catalog:isCached("cat_cached"), true)
  t.eq(spark:table("cat_cached"):count(), 2)
  t.eq(spark:sql("SELECT * FROM cat_cached"):count(), 2)
  t.eq(reads, 1, "read once, then kept")
  catalog:uncacheTable("cat_cached")
  t.eq(catalog:isCached("cat_cached"), false)
  t.eq(spark:table("cat_cached"):count(), 2)
  t.eq(reads, 2)
  -- df:cache() shows in isCached; clearCache forgets every cached DataFrame
  df:cache()
  t.eq(catalog:isCached("cat_cached"), true)
  local other = people():cache()
  other:count()
  catalog:clearCache()
  t.eq(catalog:isCached("cat_cached"), false)
  t.eq(other._uncached, nil, "a DataFrame not a view is uncached too")
  -- a memory sink's table: its rows at cacheTable's next action
  t.eq(catalog:isCached("cat_sink"), false)
  catalog:cacheTable("cat_sink")
  t.eq(catalog:isCached("cat_sink"), true)
  t.ok(spark:table("cat_sink"):count() >= 0)
  catalog:uncacheTable("cat_sink")
  t.eq(catalog:isCached("cat_sink"), false)
  -- a cached memory sink's table replaced by a view: the view's rows
  catalog:cacheTable("cat_sink")
  spark:createDataFrame({ { 1 } }, "z int"):createOrReplaceTempView("cat_sink")
  t.same_table(spark:table("cat_sink").columns, { "z" })
  t.eq(catalog:isCached("cat_sink"), false)
  catalog:refreshTable("cat_cached")
  t.raises_at_caller({
    { function() catalog:isCached("cat_nope") end, "[TABLE_OR_VIEW_NOT_FOUND] The table or view `cat_nope`" },
    { function() catalog:cacheTable("cat_nope") end, "[TABLE_OR_VIEW_NOT_FOUND]" },
    { function() catalog:refreshTable("cat_nope") end, "[TABLE_OR_VIEW_NOT_FOUND]" },
  })
end)

t.test("listFunctions, functionExists and getFunction know tide's built-in functions", function()
  local all = catalog:listFunctions()
  t.ok(#all > 200, "hundreds of functions")
  local names = names_of(all)
  local sorted = { unpack(names) }
  table.sort(sorted)
  t.same_table(names, sorted, "sorted")
  t.same_table(names_of(catalog:listFunctions(nil, "to_j*|from_json")), { "from_json", "to_json" })
  t.same_table(names_of(catalog:listFunctions("default", "row_num*")), { "row_number" })
  for _, name in ipairs({ "abs", "ABS", "count", "sum", "coalesce", "explode", "from_json", "row_number", "rlike",
    "if", "percentile", "isnull", "date_format" }) do
    t.eq(catalog:functionExists(name), true, name)
  end
  t.eq(catalog:functionExists("col"), false)
  t.eq(catalog:functionExists("no_such_function"), false)
  t.eq(catalog:functionExists("abs", "sales"), false)
  local fn = catalog:getFunction("Abs")
  t.eq(fn.name, "abs")
  t.eq(fn.isTemporary, true)
  t.eq(fn.catalog, nil)
  t.raises_at_caller({
    { function() catalog:getFunction("no_such_function") end,
      "[UNRESOLVED_ROUTINE] Cannot resolve function `no_such_function` on search path [`system`.`builtin`,"
        .. " `system`.`session`, `spark_catalog`.`default`]." },
    { function() catalog:listFunctions("sales") end, "[SCHEMA_NOT_FOUND] The schema `sales`" },
  })
end)

t.test("spark.read:table reads a view; spark.readStream:table a view of a stream, as Spark's", function()
  spark.readStream:format("rate"):load():createOrReplaceTempView("rates_view")
  local rates = spark.readStream:table("rates_view")
  t.ok(rates.isStreaming, "a stream")
  t.same_table(rates.columns, { "timestamp", "value" })
  spark:range(3):createOrReplaceTempView("three")
  t.eq(spark.read:table("three"):count(), 3)
  t.has(t.raises(function() spark.readStream:table("three") end), "three is not a temp view of streaming logical"
    .. " plan, please use batch API such as `DataFrameReader.table` to read it.")
  t.has(t.raises(function() spark.readStream:table("nowhere") end), "table or view not found: nowhere")
end)

t.test("the catalog's methods are called with ':' and a misspelt one is named", function()
  t.raises_at_caller({
    { function() catalog.listTables() end, "Catalog.listTables called with '.': use spark.catalog:listTables(...)" },
    { function() catalog:listTable() end, 'Catalog has no method "listTable"; did you mean "listTables"?' },
    { function() catalog:createTable("t") end, "tide has no metastore for tables" },
  })
  t.eq(spark.catalog, catalog, "one Catalog per session")
end)

t.run()
