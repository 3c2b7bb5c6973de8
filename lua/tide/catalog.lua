-- tide.catalog — spark.catalog, PySpark's Catalog over tide's session,
-- and the DataFrame methods that make its temp views:
--
--   df:createOrReplaceTempView("v")   df:createTempView("v")   (registerTempTable)
--   df:createGlobalTempView("g")      -- spark:table("global_temp.g")
--   spark.catalog:listTables()        -- Table(name='v', ..., tableType='TEMPORARY', isTemporary=True)
--   spark.catalog:listColumns("v")    spark.catalog:tableExists("v")
--   spark.catalog:dropTempView("v")   spark.catalog:cacheTable("v")   spark.catalog:listFunctions("*json*")
--
-- tide has Spark's session catalog without a metastore: one catalog,
-- spark_catalog, with one database, default, holding no tables of its
-- own; the temp views (and memory sinks' tables, which Spark makes temp
-- views too) of the session, and the global temp views of the database
-- global_temp. The functions are tide's built-in ones. Names compare
-- case-insensitively, as with Spark's default spark.sql.caseSensitive;
-- patterns are Spark's: "*" any text, "|" between alternatives, matched
-- case-insensitively against whole names.
local checks = require("tide.checks")
local rowlib = require("tide.row")

local M = {}
local fail = checks.failAtUser

local CATALOG, DATABASE, GLOBAL_TEMP = "spark_catalog", "default", "global_temp"

-- ---- matching names --------------------------------------------------------------------------

-- The names matching a Java regex (whole names, case-insensitively), by
-- tide's own regex kernel over a column of the names. `what` names the
-- caller in the error a bad pattern gives.
function M.matchNames(names, pattern, what)
  if #names == 0 then return {} end
  local batchlib, eval = require("tide.batch"), require("tide.eval")
  local rows = {}
  for i, name in ipairs(names) do rows[i] = { name } end
  local batch = batchlib.fromRows(rows, "name string")
  local ok, pred = pcall(eval.compile, { k = "call", fn = "rlike", args = { { k = "col", name = "name" },
    { k = "lit", value = "(?i)^(?:" .. pattern .. ")$" } } }, batch:schema())
  if not ok then error(("%s: invalid pattern %q: %s"):format(what, pattern, tostring(pred)), 0) end
  local out = {}
  for i, row in ipairs(eval.filter(batch, pred, {}):collect()) do out[i] = row.name end
  return out
end

-- Spark's StringUtils.filterPattern: the names any "|"-separated part of
-- pattern matches ("*" any text), sorted; a part that is no regex matches
-- nothing.
local function filter_pattern(names, pattern)
  if pattern == nil then return names end
  if type(pattern) ~= "string" then fail(("pattern must be a string, not %s"):format(checks.kindOf(pattern))) end
  local found, out = {}, {}
  for part in (pattern:match("^%s*(.-)%s*$") .. "|"):gmatch("([^|]*)|") do
    local ok, matched = pcall(M.matchNames, names, (part:gsub("%*", ".*")), "pattern")
    if ok then
      for _, name in ipairs(matched) do
        if not found[name] then
          found[name] = true
          out[#out + 1] = name
        end
      end
    end
  end
  table.sort(out)
  return out
end

-- ---- the rows the catalog returns --------------------------------------------------------------

-- Records printing as PySpark's, Table(name='v', catalog=None, ...).
local function record_type(class, names)
  local mt = rowlib.metatable(names)
  local shown = mt.__tostring
  mt.__tostring = function(r) return class .. shown(r):sub(4) end
  return function(values) return setmetatable(values, mt) end
end

local function list(values) return setmetatable(values, rowlib.listMetatable(false)) end

local Table = record_type("Table", { "name", "catalog", "namespace", "description", "tableType", "isTemporary" })
local Column = record_type("Column", { "name", "description", "dataType", "nullable", "isPartition", "isBucket" })
local Database = record_type("Database", { "name", "catalog", "description", "locationUri" })
local CatalogMetadata = record_type("CatalogMetadata", { "name", "description" })
local Function = record_type("Function", { "name", "catalog", "namespace", "description", "className",
                                           "isTemporary" })

-- ---- errors, in Spark's words --------------------------------------------------------------------

local function quoted(name)
  local parts = {}
  for part in tostring(name):gmatch("[^.]+") do parts[#parts + 1] = "`" .. part:gsub("`", "") .. "`" end
  return table.concat(parts, ".")
end

local function table_not_found(name)
  fail(("[TABLE_OR_VIEW_NOT_FOUND] The table or view %s cannot be found. Verify the spelling and correctness of the"
    .. " schema and catalog."):format(quoted(name)))
end

local function schema_not_found(db)
  fail(("[SCHEMA_NOT_FOUND] The schema %s cannot be found. Verify the spelling and correctness of the schema and"
    .. " catalog."):format(quoted(db)))
end

local function need_name(what, name)
  if type(name) ~= "string" then fail(("%s needs a name (a string), not %s"):format(what, checks.kindOf(name))) end
  return name
end

-- The database part of a name: db.name, or dbName given apart.
local function qualified(name, db)
  if db ~= nil then return need_name("dbName", db) .. "." .. name end
  return name
end

local function is_default(db)
  local l = db:lower()
  return l == DATABASE or l == CATALOG .. "." .. DATABASE
end

-- ---- Catalog -----------------------------------------------------------------------------------

local Catalog = {}

function M.new(session) return setmetatable({ session = session }, Catalog) end

function Catalog:currentCatalog() return CATALOG end

function Catalog:setCurrentCatalog(name)
  if need_name("setCurrentCatalog", name):lower() ~= CATALOG then
    fail(("[CATALOG_NOT_FOUND] The catalog `%s` not found. Consider to set the SQL config spark.sql.catalog.%s to a"
      .. " catalog plugin."):format(name, name))
  end
end

function Catalog:listCatalogs(pattern)
  local out = {}
  for _, name in ipairs(filter_pattern({ CATALOG }, pattern)) do out[#out + 1] = CatalogMetadata { name = name } end
  return out
end

function Catalog:currentDatabase() return DATABASE end

function Catalog:setCurrentDatabase(db)
  need_name("setCurrentDatabase", db)
  if db:lower() == GLOBAL_TEMP then
    fail("global_temp is a system preserved database, you cannot use it as current database. To access global"
      .. " temporary views, you should use qualified name with the GLOBAL_TEMP_DATABASE, e.g. SELECT * FROM"
      .. " global_temp.viewName.")
  end
  if not is_default(db) then schema_not_found(db) end
end

local function database_row()
  return Database { name = DATABASE, catalog = CATALOG, description = "default database",
    locationUri = "file:" .. require("tide.files").absolute("spark-warehouse") }
end

function Catalog:listDatabases(pattern)
  return #filter_pattern({ DATABASE }, pattern) == 1 and { database_row() } or {}
end

function Catalog:getDatabase(db)
  if not is_default(need_name("getDatabase", db)) then schema_not_found(db) end
  return database_row()
end

function Catalog:databaseExists(db) return is_default(need_name("databaseExists", db)) end

-- The Table row of a view of the session (global: of global_temp).
local function table_row(key, global)
  return Table { name = key, namespace = list(global and { GLOBAL_TEMP } or {}), tableType = "TEMPORARY",
    isTemporary = true }
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- listTables([dbName[, pattern]]): as Spark's, the session's temp views
-- in any database listed, and global_temp's own views before them.
function Catalog:listTables(db, pattern)
  local s = self.session
  local rows = {}
  if db ~= nil then
    need_name("listTables", db)
    if db:lower() == GLOBAL_TEMP then
      for _, key in ipairs(filter_pattern(sorted_keys(s._globalTables), pattern)) do
        rows[#rows + 1] = table_row(key, true)
      end
    elseif not is_default(db) then
      schema_not_found(db)
    end
  end
  for _, key in ipairs(filter_pattern(sorted_keys(s._tables), pattern)) do rows[#rows + 1] = table_row(key, false) end
  return rows
end

-- The entry of a table name (tide.session lookupTable), or nil.
local function lookup(s, name, db)
  return s:lookupTable(qualified(name, db))
end

function Catalog:tableExists(name, db)
  return lookup(self.session, need_name("tableExists", name), db) ~= nil
end

function Catalog:getTable(name)
  local s = self.session
  local t, key, where = lookup(s, need_name("getTable", name))
  if not t then table_not_found(name) end
  return table_row(key, where == s._globalTables)
end

function Catalog:listColumns(name, db)
  local s = self.session
  need_name("listColumns", name)
  if not lookup(s, name, db) then table_not_found(qualified(name, db)) end
  local df = s:table(qualified(name, db))
  local out = {}
  for i, f in ipairs(df._plan.schema.fields) do
    out[i] = Column { name = f.name, dataType = f.dataType:simpleString(), nullable = f.nullable ~= false,
      isPartition = false, isBucket = false }
  end
  return out
end

function Catalog:dropTempView(name)
  local s = self.session
  local t, key, where = lookup(s, need_name("dropTempView", name))
  if not t or where ~= s._tables then return false end
  if s._cachedTables then s._cachedTables[key] = nil end
  where[key] = nil
  return true
end

function Catalog:dropGlobalTempView(name)
  local s = self.session
  local key = need_name("dropGlobalTempView", name):lower()
  if not s._globalTables[key] then return false end
  s._globalTables[key] = nil
  return true
end

-- ---- caching: df:cache() of a view's DataFrame ----------------------------------------------------

-- The DataFrame a view name stands for, and its key in the session's temp
-- views (nil for global ones): a memory sink's table is the DataFrame
-- cacheTable made of it, if any.
local function view_frame(s, what, name)
  local t, key, where = lookup(s, need_name(what, name))
  if not t then table_not_found(name) end
  local sink = type(t) == "function" and where == s._tables
  return t, key, sink
end

function Catalog:isCached(name)
  local s = self.session
  local t, key, sink = view_frame(s, "isCached", name)
  if sink then return (s._cachedTables or {})[key] ~= nil end
  return t._uncached ~= nil
end

-- cacheTable(name[, storageLevel]): the view's rows kept from its next
-- action on, as df:cache() keeps them (tide keeps them in memory,
-- whatever the level).
function Catalog:cacheTable(name)
  local s = self.session
  local t, key, sink = view_frame(s, "cacheTable", name)
  if sink then
    s._cachedTables = s._cachedTables or {}
    if not s._cachedTables[key] then
      s._cachedTables[key] = require("tide.session").liveFrame(s, key, t, (s._tableSchemas or {})[key]):cache()
    end
  elseif t._streaming then
    fail("cacheTable: Queries with streaming sources must be executed with writeStream:start()")
  else
    t:cache()
  end
end

function Catalog:uncacheTable(name)
  local s = self.session
  local t, key, sink = view_frame(s, "uncacheTable", name)
  if sink then
    if s._cachedTables then s._cachedTables[key] = nil end
  else
    t:unpersist()
  end
end

function Catalog:clearCache()
  local s = self.session
  for df in pairs(s._cachedFrames or {}) do df:unpersist() end
  s._cachedTables = nil
end

-- refreshTable: tide reads a view's source again at each action; only
-- the name is checked, as Spark's.
function Catalog:refreshTable(name) view_frame(self.session, "refreshTable", name) end
function Catalog:refreshByPath(path) need_name("refreshByPath", path) end

function Catalog:createTable(name)
  fail(("createTable(%s): tide has no metastore for tables; df:createOrReplaceTempView(name) makes a view"):format(
    tostring(name)))
end
Catalog.createExternalTable = Catalog.createTable

-- ---- functions -----------------------------------------------------------------------------------

-- Names compiled by tide's evaluator apart from its registry: aggregates,
-- null tests, grouping and the time window.
local BUILTIN = {}
for name in ([[count sum avg mean min max first last collect_list collect_set stddev stddev_pop stddev_samp std
    variance var_pop var_samp approx_count_distinct grouping grouping_id window isnull isnotnull
    != % * + - / < <= <=> = == > >= and or not]]):gmatch("%S+") do BUILTIN[name] = true end
-- SQL names of the registry that tide.functions does not spell.
local SQL_ONLY = { "if", "len", "like", "rlike", "map", "mod", "now", "random", "sha", "space", "substr", "lcase",
                   "ucase", "uuid", "chr", "assert_true" }

local function_names -- sorted, made once

local function all_functions()
  if function_names then return function_names end
  local eval, aggregates = require("tide.eval"), require("tide.aggregate_functions")
  local window = require("tide.window")
  local candidates = {}
  for name in pairs(require("tide.functions")) do candidates[#candidates + 1] = name end
  for _, name in ipairs(SQL_ONLY) do candidates[#candidates + 1] = name end
  for name in pairs(BUILTIN) do candidates[#candidates + 1] = name end
  local seen, out = {}, {}
  for _, name in ipairs(candidates) do
    if type(name) == "string" and not seen[name] and name == name:lower() and (BUILTIN[name]
        or eval.isRegistered(name) or aggregates.isAggregate(name) or window.functionNames[name]) then
      seen[name] = true
      out[#out + 1] = name
    end
  end
  table.sort(out)
  function_names = out
  return out
end

local function function_row(name)
  return Function { name = name, className = "tide.functions", isTemporary = true }
end

local function has_function(name)
  local l = name:lower():gsub("^system%.builtin%.", "")
  for _, n in ipairs(all_functions()) do
    if n == l then return n end
  end
  return nil
end

function Catalog:listFunctions(db, pattern)
  if db ~= nil and not is_default(need_name("listFunctions", db)) then schema_not_found(db) end
  local out = {}
  for i, name in ipairs(filter_pattern(all_functions(), pattern)) do out[i] = function_row(name) end
  return out
end

function Catalog:functionExists(name, db)
  if db ~= nil and not is_default(need_name("functionExists", db)) then return false end
  return has_function(need_name("functionExists", name)) ~= nil
end

function Catalog:getFunction(name)
  local found = has_function(need_name("getFunction", name))
  if not found then
    fail(("[UNRESOLVED_ROUTINE] Cannot resolve function %s on search path [`system`.`builtin`, `system`.`session`,"
      .. " `spark_catalog`.`default`]."):format(quoted(name)))
  end
  return function_row(found)
end

checks.colonCalls("Catalog", "spark.catalog", function(v) return getmetatable(v) == Catalog end, Catalog)
Catalog.__index = checks.strictIndex("Catalog", "method", Catalog)
Catalog.__tostring = function() return "Catalog(tide)" end

-- ---- DataFrame methods: temp views, and the cache kept track of -----------------------------------

-- A view's name: one part, as Spark's Dataset API takes it.
local function view_name(method, name)
  if type(name) ~= "string" or name == "" then
    fail(("%s needs a view name (a string), not %s"):format(method, checks.kindOf(name)))
  end
  if name:match("^`.*`$") then return name:sub(2, -2) end
  if name:find(".", 1, true) then
    fail(("[TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS] CREATE TEMPORARY VIEW or the corresponding Dataset APIs only accept"
      .. " single-part view names, but got: %s."):format(quoted(name)))
  end
  return name
end

local function already_exists(name)
  fail(("[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view `%s` because it already exists.\n"
    .. "Choose a different name, drop or replace the existing view, or add the IF NOT EXISTS clause to tolerate"
    .. " pre-existing views."):format(name))
end

function M.install(dataframe)
  local methods = dataframe.methods

  function methods:createOrReplaceTempView(name)
    self._session:registerTable(view_name("createOrReplaceTempView", name), self)
  end
  -- PySpark's deprecated name of it.
  methods.registerTempTable = methods.createOrReplaceTempView

  -- createTempView(name): a view (or memory sink's table) of that name
  -- already there is an error, as Spark's.
  function methods:createTempView(name)
    name = view_name("createTempView", name)
    if self._session:lookupTable(name) then already_exists(name) end
    self._session:registerTable(name, self)
  end

  function methods:createGlobalTempView(name)
    name = view_name("createGlobalTempView", name)
    if self._session:lookupTable(GLOBAL_TEMP .. "." .. name) then already_exists(name) end
    self._session:registerGlobalTable(name, self)
  end

  function methods:createOrReplaceGlobalTempView(name)
    self._session:registerGlobalTable(view_name("createOrReplaceGlobalTempView", name), self)
  end

  -- cache and unpersist (tide.dataframe_ops) as they are, the cached
  -- DataFrames also kept (weakly) by their session for clearCache. (Tail
  -- calls: their errors name the line that called them.)
  local cache, unpersist = methods.cache, methods.unpersist
  function methods:cache(...)
    local session = self._session
    if session and not self._streaming then
      session._cachedFrames = session._cachedFrames or setmetatable({}, { __mode = "k" })
      session._cachedFrames[self] = true
    end
    return cache(self, ...)
  end
  methods.persist = methods.cache
  function methods:unpersist(...)
    local cached = self._session and self._session._cachedFrames
    if cached then cached[self] = nil end
    return unpersist(self, ...)
  end
end

M.GLOBAL_TEMP = GLOBAL_TEMP

return M
