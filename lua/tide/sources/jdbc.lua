-- The jdbc source (PostgreSQL), as Spark's:
--   spark.read:format("jdbc")
--     :option("url", "jdbc:postgresql://localhost:5432/postgres")
--     :option("dbtable", "predictions")        -- or "(SELECT ...) AS t"
--     -- or :option("query", "SELECT id, probability FROM predictions")
--     :option("user", "postgres"):option("password", "...")
--     :load()
-- The statement runs at load() (which fixes the schema) and again on
-- every later action, so each action sees the table as it is then; a
-- numeric column whose values change scale between runs fails the action
-- rather than changing type. Types: engine/ffi/pg.h, docs/postgres.md.
local pg = require("tide.pg")

local M = {}

local function statement(options)
  if options.dbtable and options.query then
    error("Both 'dbtable' and 'query' can not be specified at the same time.", 0)
  end
  if options.query then return options.query end
  if not options.dbtable then error("Option 'dbtable' or 'query' is required.", 0) end
  local rel = options.dbtable
  if rel:match("^%s*%(") then return "SELECT * FROM " .. rel end -- a subquery, as Spark takes it
  local _, qualified = pg.tableName(rel)
  return "SELECT * FROM " .. qualified
end

function M.batch(options, schema)
  if schema then error("jdbc does not allow user-specified schemas.", 0) end
  local conninfo = pg.conninfo(options)
  local sql = statement(options)
  local first = pg.queryBatch(conninfo, sql)
  local src = { schema = first:schema(), description = "JDBCRelation(" .. (options.dbtable or "query") .. ")" }
  function src.read()
    if first then
      local b = first
      first = nil
      return b
    end
    local b = pg.queryBatch(conninfo, sql)
    if b:schema() ~= src.schema then
      error(("jdbc source: the result's schema changed since load(): %s, now %s"):format(
        src.schema:simpleString(), b:schema():simpleString()), 0)
    end
    return b
  end
  return src
end

return M
