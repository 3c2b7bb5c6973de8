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
--
-- spark.read:jdbc(url, table, ...) (tide.reader) comes here too; its
-- predicates (extra.predicates, a list of SQL conditions) read the rows
-- of each, one after another, in one statement (UNION ALL): Spark's
-- partitions, one per predicate. Spark's column partitioning
-- (partitionColumn, lowerBound, upperBound, numPartitions) is checked as
-- Spark checks it and then read as one partition: its partitions together
-- hold every row of the table, which one statement reads as well.
local T = require("tide.types")
local pg = require("tide.pg")

local M = {}

-- Spark's JDBC options (JDBCOptions; those of writing too, which Spark
-- takes on a read), and the connection properties tide passes on, for
-- load()'s warning about a misspelled one.
M.knownOptions = { "url", "dbtable", "query", "driver", "partitionColumn", "lowerBound", "upperBound",
  "numPartitions", "queryTimeout", "fetchsize", "truncate", "cascadeTruncate", "createTableOptions",
  "createTableColumnTypes", "customSchema", "batchsize", "isolationLevel", "sessionInitStatement",
  "pushDownPredicate", "pushDownAggregate", "pushDownLimit", "pushDownOffset", "pushDownTableSample", "keytab",
  "principal", "tableComment", "refreshKrb5Config", "connectionProvider", "prepareQuery", "preferTimestampNTZ",
  "user", "password" }

local function relation(options)
  if options.dbtable and options.query then
    error("Both 'dbtable' and 'query' can not be specified at the same time.", 0)
  end
  if options.query then return nil end
  if not options.dbtable then error("Option 'dbtable' or 'query' is required.", 0) end
  local rel = options.dbtable
  if rel:match("^%s*%(") then return rel end -- a subquery, as Spark takes it
  local _, qualified = pg.tableName(rel)
  return qualified
end

-- The statement that reads the relation: the whole of it, or, with
-- predicates, the rows of each predicate in turn (a row that two hold is
-- read twice, one that none holds not at all, as in Spark).
local function statement(options, predicates)
  local rel = relation(options)
  if not rel then return options.query end
  if not predicates then return "SELECT * FROM " .. rel end
  if #predicates == 0 then return "SELECT * FROM " .. rel .. " WHERE false" end
  local parts = {}
  for i, p in ipairs(predicates) do parts[i] = ("SELECT * FROM %s WHERE (%s)"):format(rel, p) end
  return table.concat(parts, " UNION ALL ")
end

local NUMERIC = { [T.ID.int] = true, [T.ID.long] = true, [T.ID.float] = true, [T.ID.double] = true,
                  [T.ID.decimal] = true }

-- Spark's checks of column partitioning, before and once the schema is
-- known (JDBCOptions, JDBCRelation.columnPartition): all four options or
-- none, not with query, a numeric, date or timestamp column of the
-- relation, whole-number bounds for a numeric one, the lower not above
-- the upper when there are partitions to make.
-- Spark's JDBC options that change what a read gives, which tide does not
-- apply (tide.checks.refuseOptionsNotApplied): types of its own for
-- columns, statements run before the query, TIMESTAMP_NTZ for timestamps
-- without a zone.
local NOT_APPLIED = { { "customSchema" }, { "sessionInitStatement" }, { "prepareQuery" },
  { "preferTimestampNTZ", "false" } }

local function check_options(options)
  require("tide.checks").refuseOptionsNotApplied("jdbc", options, NOT_APPLIED)
  local column, lower, upper, n = options.partitioncolumn, options.lowerbound, options.upperbound,
    options.numpartitions
  if (column or lower or upper) and not (column and lower and upper and n) then
    error("When reading JDBC data sources, users need to specify all or none for the following options:"
      .. " 'partitionColumn', 'lowerBound', 'upperBound', and 'numPartitions'", 0)
  end
  if options.query and column then
    error("Options 'query' and 'partitionColumn' can not be specified together. Please define the query using"
      .. " `dbtable` option instead and make sure to qualify the partition columns using the supplied subquery"
      .. " alias to resolve any ambiguity.", 0)
  end
  if n and not (tonumber(n) and tonumber(n) == math.floor(tonumber(n))) then
    error(("jdbc option numPartitions must be a whole number, not %q"):format(n), 0)
  end
end

local function check_partitioning(options, schema)
  local name = options.partitioncolumn
  if not name then return end
  local unquoted = name:match('^"(.*)"$') or name
  local field
  for _, f in ipairs(schema.fields) do
    if f.name:lower() == unquoted:lower() then field = f end
  end
  if not field then
    error(("User-defined partition column %s not found in the JDBC relation: %s"):format(name,
      schema:simpleString()), 0)
  end
  local id = field.dataType.id
  if not (NUMERIC[id] or id == T.ID.date or id == T.ID.timestamp) then
    error(("Partition column type should be numeric, date, or timestamp, but %s found.")
      :format(field.dataType:simpleString()), 0)
  end
  if not NUMERIC[id] then return end
  local bounds = {}
  for _, key in ipairs({ "lowerBound", "upperBound" }) do
    local v = tonumber(options[key:lower()])
    if not v or v ~= math.floor(v) then
      error(("jdbc option %s must be a whole number for the numeric partition column %s, not %q")
        :format(key, field.name, options[key:lower()]), 0)
    end
    bounds[#bounds + 1] = v
  end
  if tonumber(options.numpartitions) > 1 and bounds[1] > bounds[2] then
    error(("Operation not allowed: the lower bound of partitioning column is larger than the upper bound."
      .. " Lower bound: %s; Upper bound: %s"):format(options.lowerbound, options.upperbound), 0)
  end
end

local function session_zone()
  return require("tide.session").session().conf:get("spark.sql.session.timeZone")
end

function M.batch(options, schema, _, _, extra)
  if schema then error("jdbc does not allow user-specified schemas.", 0) end
  check_options(options)
  local conninfo = pg.conninfo(options)
  local sql = statement(options, extra and extra.predicates)
  local first = pg.queryBatch(conninfo, sql)
  local first_zone = session_zone() -- (its timestamps, and the server's conversions, are read in it)
  check_partitioning(options, first:schema())
  local src = { schema = first:schema(), description = "JDBCRelation(" .. (options.dbtable or "query") .. ")" }
  function src.read()
    if first then
      local b, zone = first, first_zone
      first = nil
      -- load()'s rows serve the first action unless the session time zone changed since, as Spark reads at it
      if zone == session_zone() then return b end
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
