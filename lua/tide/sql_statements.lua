-- tide.sql_statements — the statements spark:sql takes besides queries,
-- as a notebook's SQL cells use them, each giving the DataFrame Spark's
-- does (no rows and no columns for those that only act):
--
--   CREATE [OR REPLACE] [GLOBAL] TEMP[ORARY] VIEW [IF NOT EXISTS] v [(a, b)] AS query
--   DROP VIEW [IF EXISTS] v                 CACHE [LAZY] TABLE v [AS query]
--   UNCACHE TABLE [IF EXISTS] v             CLEAR CACHE
--   SHOW TABLES|VIEWS [IN db] [[LIKE] 'pattern']     SHOW COLUMNS IN v [IN db]
--   SHOW DATABASES|SCHEMAS|NAMESPACES [[LIKE] 'p']   SHOW FUNCTIONS [[LIKE] 'p']
--   DESCRIBE|DESC [TABLE] [EXTENDED] v      DESCRIBE FUNCTION f
--   USE [DATABASE|SCHEMA|NAMESPACE] db
--   SET                SET key            SET key = value          RESET [key]
--   EXPLAIN [EXTENDED] query
--
-- over tide.catalog and spark.conf. A text that starts with none of them
-- is a query (tide.sql_query).
local sql = require("tide.sql")

local M = {}

local function none(session)
  return session:createDataFrame({}, "")
end

-- The text from token tok on (what a statement hands to the query
-- parser), the statement before it blanked so that an error's position
-- is the statement's.
local function rest(p, tok)
  return (" "):rep(tok.pos - 1) .. p.text:sub(tok.pos)
end

-- The text from tok on as written (SET's key and value).
local function rest_text(p, tok)
  return p.text:sub(tok.pos)
end

-- A view's name: name or db.name (global_temp.v).
local function view_name(p)
  local name = p:name("a view name", true)
  while p:accept_op(".") do name = name .. "." .. p:name("a view name", true) end
  return name
end

-- [LIKE] 'pattern' at the end of a SHOW: Spark's pattern, * any text and
-- | between alternatives, as a catalog pattern.
local function show_pattern(p)
  p:accept_kw("LIKE")
  local tok = p:peek()
  if tok.t == "str" then
    p:advance()
    return tok.value
  end
end

local function create_view(p, session)
  local replace = p:accept_kw("OR") and p:expect_kw("REPLACE") and true
  local global = p:accept_kw("GLOBAL") ~= nil
  if not (p:accept_kw("TEMP") or p:accept_kw("TEMPORARY")) then
    p:fail("TEMP VIEW or TEMPORARY VIEW (tide's views are temporary: a session's names for queries)")
  end
  p:expect_kw("VIEW")
  local at = p:peek()
  local if_not_exists = p:accept_kw("IF") and p:expect_kw("NOT") and p:expect_kw("EXISTS") and true
  if replace and if_not_exists then
    require("tide.sql_lexer").fail(p.text, at.pos, "CREATE VIEW with both IF NOT EXISTS and REPLACE is not allowed")
  end
  local name = view_name(p)
  if not global and name:find(".", 1, true) then
    error(("[TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS] CREATE TEMPORARY VIEW or the corresponding Dataset APIs only accept"
      .. " single-part view names, but got: %s."):format(name), 0)
  end
  local columns = p:aliasNames()
  p:expect_kw("AS")
  local df = require("tide.sql_query").run(session, rest(p, p:peek()))
  if columns then
    if #columns ~= #df.columns then
      error(("CREATE VIEW %s: [CREATE_VIEW_COLUMN_ARITY_MISMATCH] the view names %d columns, its query gives %d")
        :format(name, #columns, #df.columns), 0)
    end
    df = df:toDF(columns)
  end
  local exists = global and session._globalTables[name:lower()] or (not global and session:lookupTable(name))
  if exists and if_not_exists then return none(session) end
  if global then
    if replace then df:createOrReplaceGlobalTempView(name) else df:createGlobalTempView(name) end
  elseif replace then
    df:createOrReplaceTempView(name)
  else
    df:createTempView(name)
  end
  return none(session)
end

local function drop_view(p, session)
  p:expect_kw("VIEW")
  local if_exists = p:accept_kw("IF") and p:expect_kw("EXISTS") and true
  local name = view_name(p)
  p:finish(nil, "the end of the statement")
  local catalog = session.catalog
  local db, bare = name:match("^(.-)%.([^.]+)$")
  local dropped
  if db and db:lower() == "global_temp" then
    dropped = catalog:dropGlobalTempView(bare)
  else
    dropped = catalog:dropTempView(name)
  end
  if not dropped and not if_exists then
    error(("[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s` cannot be found. Verify the spelling and correctness"
      .. " of the schema and catalog."):format(name), 0)
  end
  return none(session)
end

local function cache_table(p, session)
  p:accept_kw("LAZY")
  p:expect_kw("TABLE")
  local name = view_name(p)
  if p:accept_kw("AS") then
    -- (a new view, as Spark's CACHE TABLE ... AS makes it: never one replaced)
    require("tide.sql_query").run(session, rest(p, p:peek())):createTempView(name)
  else
    p:finish(nil, "AS or the end of the statement")
  end
  session.catalog:cacheTable(name)
  return none(session)
end

local function uncache_table(p, session)
  p:expect_kw("TABLE")
  local if_exists = p:accept_kw("IF") and p:expect_kw("EXISTS") and true
  local name = view_name(p)
  p:finish(nil, "the end of the statement")
  if not (if_exists and not session:lookupTable(name)) then session.catalog:uncacheTable(name) end
  return none(session)
end

local function show(p, session)
  local catalog = session.catalog
  if p:accept_kw("TABLES") or p:accept_kw("VIEWS") then
    local views = p.toks[p.i - 1].up == "VIEWS"
    local db = (p:accept_kw("IN") or p:accept_kw("FROM")) and p:name("a database", true) or nil
    local pattern = show_pattern(p)
    p:finish(nil, "LIKE 'pattern' or the end of the statement")
    local rows = {}
    for _, t in ipairs(catalog:listTables(db, pattern)) do
      rows[#rows + 1] = { t.namespace[1] or "", t.name, true }
    end
    return session:createDataFrame(rows, ("namespace string, %s string, isTemporary boolean")
      :format(views and "viewName" or "tableName"))
  end
  if p:accept_kw("COLUMNS") then
    if not (p:accept_kw("IN") or p:accept_kw("FROM")) then p:fail("IN or FROM") end
    local name = view_name(p)
    local db = (p:accept_kw("IN") or p:accept_kw("FROM")) and p:name("a database", true) or nil
    p:finish(nil, "the end of the statement")
    local rows = {}
    for i, c in ipairs(catalog:listColumns(name, db)) do rows[i] = { c.name } end
    return session:createDataFrame(rows, "col_name string")
  end
  if p:accept_kw("DATABASES") or p:accept_kw("SCHEMAS") or p:accept_kw("NAMESPACES") then
    local pattern = show_pattern(p)
    p:finish(nil, "LIKE 'pattern' or the end of the statement")
    local rows = {}
    for i, d in ipairs(catalog:listDatabases(pattern)) do rows[i] = { d.name } end
    return session:createDataFrame(rows, "namespace string")
  end
  if p:accept_kw("FUNCTIONS") then
    local pattern = show_pattern(p)
    p:finish(nil, "LIKE 'pattern' or the end of the statement")
    local rows = {}
    for i, f in ipairs(catalog:listFunctions(nil, pattern)) do rows[i] = { f.name } end
    return session:createDataFrame(rows, "function string")
  end
  p:fail("TABLES, VIEWS, COLUMNS, DATABASES or FUNCTIONS")
end

local function describe(p, session)
  if p:accept_kw("FUNCTION") then
    p:accept_kw("EXTENDED")
    local f = session.catalog:getFunction(view_name(p))
    p:finish(nil, "the end of the statement")
    return session:createDataFrame({ { "Function: " .. f.name }, { "Class: " .. f.className } }, "function_desc string")
  end
  p:accept_kw("TABLE")
  p:accept_kw("EXTENDED")
  p:accept_kw("FORMATTED")
  local name = view_name(p)
  p:finish(nil, "the end of the statement")
  local rows = {}
  for i, c in ipairs(session.catalog:listColumns(name)) do rows[i] = { c.name, c.dataType } end
  return session:createDataFrame(rows, "col_name string, data_type string, comment string")
end

local function use(p, session)
  if not (p:accept_kw("DATABASE") or p:accept_kw("SCHEMA")) then p:accept_kw("NAMESPACE") end
  local db = p:name("a database", true)
  p:finish(nil, "the end of the statement")
  session.catalog:setCurrentDatabase(db)
  return none(session)
end

-- SET's text after the keyword: key = value, key, or nothing; the value
-- is the rest of the text, as Spark's parser takes it.
local function unquoted(s) return (s:gsub("^`(.*)`$", "%1"):gsub("``", "`")) end

local function set(p, session)
  local conf = session.conf
  if p:accept_kw("TIME") then
    -- SET TIME ZONE 'zone' | LOCAL: the session time zone
    p:expect_kw("ZONE")
    local tok = p:advance()
    local zone = tok.t == "str" and tok.value or (tok.t == "id" and tok.up == "LOCAL" and "UTC")
    if not zone then p:fail("a time zone ('Europe/Paris') or LOCAL", tok) end
    p:finish(nil, "the end of the statement")
    conf:set("spark.sql.session.timeZone", zone)
    return none(session)
  end
  local text = p:peek().t == "eof" and "" or rest_text(p, p:peek())
  if text:match("^%s*%-v%s*$") then p:fail("SET key = value, SET key or SET (tide has no SET -v)") end
  local key, value = text:match("^%s*([^=]-)%s*=%s*(.-)%s*$")
  if key and value:find(";", 1, true) then
    error(("SET: the value %q holds a ';', which ends a statement (one statement a call)"):format(value), 0)
  end
  if key and key ~= "" then
    key, value = unquoted(key), unquoted(value)
    conf:set(key, value)
    return session:createDataFrame({ { key, value } }, "key string, value string")
  end
  key = text:match("^%s*(%S+)%s*$")
  if key then
    key = unquoted(key)
    return session:createDataFrame({ { key, conf:get(key) or "<undefined>" } }, "key string, value string")
  end
  if text:match("%S") then error(("SET: cannot read %q (SET key = value, SET key or SET)"):format(text), 0) end
  local rows = {}
  for k, v in pairs(conf:getAll()) do rows[#rows + 1] = { k, v } end
  table.sort(rows, function(a, b) return a[1] < b[1] end)
  return session:createDataFrame(rows, "key string, value string")
end

local function reset(p, session)
  local key = p:peek().t ~= "eof" and rest(p, p:peek()):match("^%s*(.-)%s*$") or nil
  if key then
    session.conf:unset(key)
  else
    for k in pairs(session.conf:getAll()) do session.conf:unset(k) end
  end
  return none(session)
end

local function explain(p, session)
  local mode = "simple"
  if p:accept_kw("EXTENDED") then mode = "extended" end
  local df = require("tide.sql_query").run(session, rest(p, p:peek()))
  return session:createDataFrame({ { require("tide.dataframe_explain").text(df, mode) } }, "plan string")
end

local function clear_cache(p, session)
  p:expect_kw("CACHE")
  p:finish(nil, "the end of the statement")
  session.catalog:clearCache()
  return none(session)
end

local STATEMENTS = {
  CLEAR = clear_cache, CREATE = create_view, DROP = drop_view, CACHE = cache_table, UNCACHE = uncache_table, SHOW = show,
  DESCRIBE = describe, DESC = describe, USE = use, SET = set, RESET = reset, EXPLAIN = explain,
}

-- The DataFrame of a statement, or nil when text is a query.
function M.run(session, text)
  text = text:gsub("%s*;%s*$", "") -- a statement's closing ;
  local p = sql.newParser(text)
  local tok = p:peek()
  local statement = tok.t == "id" and STATEMENTS[tok.up]
  if not statement then return nil end
  p:advance()
  return statement(p, session)
end

return M
