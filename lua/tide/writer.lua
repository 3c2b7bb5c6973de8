-- tide.writer — df.write, Spark's DataFrameWriter for batch DataFrames.
--
--   df.write:format("jdbc")
--     :option("url", "jdbc:postgresql://localhost:5432/postgres")
--     :option("dbtable", "predictions")
--     :option("user", "postgres"):option("password", os.getenv("PGPASSWORD"))
--     :mode("append")          -- append | overwrite | ignore | error (default); kafka: append | error
--     :save()
--   df.write:jdbc(url, "predictions", "append", { user = "postgres" })
--
-- Formats: "jdbc" and its alias "postgres" (PostgreSQL; docs/postgres.md),
-- "kafka" (options kafka.bootstrap.servers and topic, as Spark's), and
-- "csv" / "json" / "text" (a directory of part files; df.write:csv(path)).
-- A save is one transaction: the table is created from the DataFrame's
-- schema when missing (Spark's type mapping; createTableColumnTypes,
-- createTableOptions), an existing table's columns are checked before any
-- row is sent, the rows go with binary COPY. Inside a streaming query's
-- foreachBatch the save is tied to the epoch (a marker row in the same
-- transaction) so a replayed epoch writes nothing twice; outside one,
-- options epochId and queryId do the same.
local checks = require("tide.checks")
local execution = require("tide.execution")
local pg = require("tide.pg")
local pg_table = require("tide.pg_table")

local M = {}

local Writer = {}
Writer.__index = Writer

function M.DataFrameWriter(df)
  if df.isStreaming then
    error("'write' can not be called on streaming Dataset/DataFrame; use writeStream", 3)
  end
  return setmetatable({ df = df, fmt = nil, opts = {}, spelled = {}, saveMode = "errorifexists" }, Writer)
end

function Writer:format(name) self.fmt = tostring(name):lower(); return self end

checks.optionMethods(Writer)

-- The options of a format's writes as Spark spells them, for the warning
-- of save() and writeStream's start() about one a letter or two from a
-- known one (tide.checks warnMisspelledOptions, as the readers warn):
-- Spark takes one set of options for a format's reads and writes, so the
-- source's (tide.sources.<format>.knownOptions), then those of writing
-- and tide's own. Options under optionPrefix(format) (kafka.*) are
-- librdkafka's to check. nil for a format without a list.
local FILE_WRITE = { "path", "compression", "codec", "dateFormat", "timestampFormat", "timestampNTZFormat",
  "encoding", "lineSep", "timeZone" }
local WRITE_ONLY = {
  csv = { "escapeQuotes", "quoteAll", "emptyValue", "charToEscapeQuoteEscaping" },
  json = { "ignoreNullFields" },
  text = {},
  -- tide's own (docs/postgres.md)
  jdbc = { "maxRetries", "retryDelayMs", "epochId", "queryId", "exactlyOnce", "commitTable" },
}
local SOURCE = { csv = "csv", json = "json", text = "text", jdbc = "jdbc", postgres = "jdbc", postgresql = "jdbc" }
local known_cache = {}

function M.knownOptions(format)
  if format == "kafka" then return { "topic", "includeHeaders", "deliveryTimeoutMs" } end
  local source = SOURCE[format]
  if not source then return nil end
  if known_cache[source] then return known_cache[source] end
  local list = {}
  for _, part in ipairs({ require("tide.sources." .. source).knownOptions, source ~= "jdbc" and FILE_WRITE or {},
                          WRITE_ONLY[source] }) do
    for _, name in ipairs(part) do list[#list + 1] = name end
  end
  known_cache[source] = list
  return list
end

function M.optionPrefix(format) return format == "kafka" and "kafka." or nil end

-- partitionBy("k", "d") or partitionBy{"k", "d"}: csv, json and text
-- saves write a directory per value (k=1/d=x/part-....csv), as Spark's;
-- the columns are checked when the DataFrame is saved, as Spark does.
function Writer:partitionBy(...)
  self.partitionCols = require("tide.partitions").names("partitionBy", ...)
  return self
end

-- (level: the caller whose line a bad mode names)
local function set_mode(self, name, level)
  local ok, m = pcall(pg_table.mode, name)
  if not ok then error(m, level + 1) end
  self.saveMode = m
  return self
end

function Writer:mode(name)
  local w = set_mode(self, name, 2) -- (not a tail call: level 2 is the caller)
  return w
end

-- The marker of the write when it belongs to an epoch: the enclosing
-- streaming epoch (foreachBatch), or options epochId (+ queryId). seq
-- numbers the saves to one table within one run of an epoch, so a
-- foreachBatch function that writes a table twice keeps both writes, and
-- its replay (which makes the same saves in the same order) skips both.
-- Only a save that commits (or finds its marker) takes its number
-- (saved): a failed save retried by the function would otherwise leave
-- the retry a number the replay's first, successful save does not have.
function M.epochMarker(opts, target)
  if (opts.exactlyonce or ""):lower() == "false" then return nil end
  local streaming = package.loaded["tide.streaming"]
  local current = streaming and streaming.currentEpoch()
  local epoch = opts.epochid and tonumber(opts.epochid) or (current and current.epochId)
  if opts.epochid and not epoch then error(("option epochId %q is not a number"):format(opts.epochid), 0) end
  if epoch == nil then return nil end
  local query = opts.queryid or (current and current.queryId)
  if not query then error("option epochId needs option queryId outside a streaming query", 0) end
  local seq = 0
  if current then
    current.pgSaves = current.pgSaves or {}
    seq = current.pgSaves[target] or 0
  end
  return { queryId = tostring(query), epochId = epoch, seq = seq, epoch = current, target = target }
end

-- The save of marker's epoch to its table is done: the next takes the
-- next number.
function M.saved(marker)
  local current = marker and marker.epoch
  if current then current.pgSaves[marker.target] = marker.seq + 1 end
end

-- The spec tide.pg_table.save takes, from JDBC options.
function M.jdbcSpec(opts, mode)
  local conninfo = pg.conninfo(opts)
  if opts.query then error("option 'query' is for reading; writing needs 'dbtable'", 0) end
  if not opts.dbtable then error("Option 'dbtable' is required", 0) end
  local _, qualified = pg.tableName(opts.dbtable)
  local flag = function(v) return v ~= nil and v:lower() == "true" end
  return {
    conninfo = conninfo, dbtable = opts.dbtable, mode = mode,
    truncate = flag(opts.truncate), cascadeTruncate = flag(opts.cascadetruncate),
    createTableColumnTypes = opts.createtablecolumntypes, createTableOptions = opts.createtableoptions,
    commitTable = opts.committable, maxRetries = opts.maxretries, retryDelayMs = opts.retrydelayms,
  }, qualified
end

-- One line on stderr for a save a streaming epoch skipped: its marker
-- shows the epoch was written before (a replay after a restart).
function M.reportSkipped(marker, qualified, queryName)
  local which = queryName and ("query %s (id %s)"):format(queryName, marker.queryId)
    or ("query (id %s)"):format(marker.queryId)
  io.stderr:write(("tide: %s epoch %s: already written to %s before a restart; skipped\n")
    :format(which, tostring(marker.epochId), qualified))
end

-- pg_table.save of spec whose rows are made while they are written
-- (spec.pieces, called with k gives the k-th batch): an error of making a
-- piece (the plan's: a FAILFAST record, a model's invalid row) is raised
-- as it is, not as a failure of writing to PostgreSQL, which it is not.
-- (A callable object, not a closure per batch, as tide.execution's
-- PieceChain and for its reason: a trace would keep the batch.)
local MadePieces = {}
MadePieces.__index = MadePieces

function MadePieces:__call(k)
  local ok, b = pcall(self.chain, k)
  if not ok then
    self.failed = self.failed or { b }
    error(b, 0)
  end
  return b
end

function M.savePieces(spec, pieces)
  local made = setmetatable({ chain = pieces }, MadePieces)
  spec.pieces = made
  local ok, rows, status = pcall(pg_table.save, spec)
  if not ok then error(made.failed and made.failed[1] or rows, 0) end
  return rows, status
end

local function save_jdbc(self)
  local spec, qualified = M.jdbcSpec(self.opts, self.saveMode)
  require("tide.pg_columns").refuseVoid(self.df.schema, "jdbc write")
  spec.marker = M.epochMarker(self.opts, qualified)
  local pieces = execution.piecesOf(self.df._plan)
  local rows, status
  if pieces then
    spec.schema = self.df.schema
    rows, status = M.savePieces(spec, pieces)
  else
    spec.batch = self.df:toBatch()
    rows, status = pg_table.save(spec)
  end
  M.saved(spec.marker)
  local streaming = package.loaded["tide.streaming"]
  local current = streaming and streaming.currentEpoch()
  if status == "skipped" and current and spec.marker and not self.opts.epochid then
    M.reportSkipped(spec.marker, qualified, current.queryName)
  end
  return rows, status
end

-- Kafka, as Spark's batch write: a value column (and optionally key,
-- topic, partition and headers), every record acknowledged before save
-- returns. A topic cannot be overwritten or tested for existence, so, as
-- Spark (KafkaSourceProvider.createRelation), only append and
-- errorifexists (the default; it appends) are allowed: overwrite and
-- ignore would otherwise append, unlike what they say.
local SPARK_MODE = { overwrite = "Overwrite", ignore = "Ignore" }

local function save_kafka(self)
  local refused = SPARK_MODE[self.saveMode]
  if refused then
    error(("Save mode %s not allowed for Kafka. Allowed save modes are Append and ErrorIfExists (default).")
      :format(refused), 0)
  end
  local sink = require("tide.sinks.kafka").new({ opts = self.opts }, self.df.schema)
  local ok, rows = pcall(sink.addBatch, sink, nil, self.df:toBatch())
  sink:stop()
  if not ok then error(rows, 0) end
  return rows, "written"
end

-- csv, json and text, as Spark's batch file writes: a directory (the path) of
-- part files, one a save (part-00000-<uuid>.csv, written atomically, as
-- the streaming file sinks write theirs), and _SUCCESS once it is whole;
-- partitioned (partitionBy), one part file in each partition directory.
-- Modes: errorifexists (the default) fails when the path holds anything,
-- ignore writes nothing then, overwrite first removes what the directory
-- holds, partition directories too, append adds part files.
local function save_file(self, format)
  local files = require("tide.files")
  local file_sink = require("tide.sinks.file")
  local path = self.opts.path
  if not path or path == "" then error(("%s: no path given (df.write:%s(path))"):format(format, format), 0) end
  -- (Spark checks the partition columns, then the schema, before it
  -- looks at the path)
  -- (rawget: a writer's missing field is an error, a misspelt method's)
  local partition_by = rawget(self, "partitionCols")
  local data = file_sink.dataColumns(self.df.schema, partition_by)
  file_sink.checkWriteOptions(format, self.opts)
  if format == "text" then file_sink.checkText(data) end
  local info = files.stat(path)
  if info and not info.isDir then error(("%s: path %s is a file, not a directory"):format(format, path), 0) end
  local names = info and files.list(path) or {}
  if #names > 0 then
    if self.saveMode == "errorifexists" then
      error(('[PATH_ALREADY_EXISTS] Path %s already exists. Set mode as "overwrite" to overwrite the existing path.')
        :format(path), 0)
    elseif self.saveMode == "ignore" then
      return 0, "ignored"
    elseif self.saveMode == "overwrite" then
      local ok, err = pcall(files.empty, path)
      if not ok then error(("%s: overwrite %s"):format(format, tostring(err)), 0) end
    end
  end
  local id = require("tide.checkpoint").uuid()
  local sink = file_sink.new({ opts = self.opts, partitionCols = partition_by }, self.df.schema, format, { id = id })
  local rows = sink:addBatch(0, self.df:toBatch())
  local f = assert(io.open(path .. "/_SUCCESS", "w"))
  f:close()
  return rows, "written"
end

local FORMATS = { jdbc = save_jdbc, postgres = save_jdbc, postgresql = save_jdbc, kafka = save_kafka,
                  csv = function(self) return save_file(self, "csv") end,
                  json = function(self) return save_file(self, "json") end,
                  text = function(self) return save_file(self, "text") end }

-- Writes the DataFrame; returns the rows written and "written", "skipped"
-- (its epoch was already committed) or "ignored" (mode ignore, table there).
function Writer:save(path)
  if path ~= nil then self.opts.path = tostring(path) end
  -- (rawget: a writer's unset field is nil, a misspelt method an error)
  local fmt = rawget(self, "fmt")
  if not fmt then error('save: no format given (df.write:format("jdbc"))', 2) end
  local fn = FORMATS[fmt]
  if not fn then
    error(("DataFrameWriter: format %q is not supported yet (supported: jdbc, postgres, kafka, csv, json, text)")
      :format(fmt), 2)
  end
  local known = M.knownOptions(fmt)
  if known then
    checks.warnMisspelledOptions(fmt .. " writer", self.opts, self.spelled, known, M.optionPrefix(fmt))
  end
  -- (an interval column as its text, or refused: tide.interval_values)
  local ok, rows, status = pcall(function()
    self.df = require("tide.interval_values").forSink(self.df, fmt)
    return fn(self)
  end)
  if not ok then error(rows, 2) end
  return rows, status
end

-- PySpark's df.write.jdbc(url, table, mode, properties).
function Writer:jdbc(url, dbtable, mode, properties)
  if url == nil or dbtable == nil then
    error(("jdbc: %s has no value (nil)"):format(url == nil and "url" or "dbtable"), 2)
  end
  self:format("jdbc"):option("url", url):option("dbtable", dbtable)
  if mode then set_mode(self, mode, 2) end
  if properties then self:options(properties) end
  local ok, rows, status = pcall(self.save, self)
  if not ok then error(rows, 2) end
  return rows, status
end

-- PySpark's df.write.csv(path, mode=..., header=...) and df.write.json:
-- df.write:csv(path, {mode = "overwrite", header = true}), the options
-- table as the reader's (a key `mode` sets the mode, the others are
-- options).
local function save_as(self, format, path, options)
  self:format(format)
  if options ~= nil then
    if type(options) ~= "table" then
      error(("%s: options must be a table ({header = true, mode = \"overwrite\"}), not %s"):format(format,
        checks.kindOf(options)), 3)
    end
    for k, v in pairs(options) do
      if tostring(k):lower() == "mode" then set_mode(self, v, 3) else self:option(k, v) end
    end
  end
  local ok, rows, status = pcall(self.save, self, path)
  if not ok then error(rows, 3) end
  return rows, status
end

function Writer:csv(path, options)
  local rows, status = save_as(self, "csv", path, options)
  return rows, status
end

function Writer:json(path, options)
  local rows, status = save_as(self, "json", path, options)
  return rows, status
end

-- PySpark's df.write.text(path, compression=None, lineSep=None).
function Writer:text(path, options)
  local rows, status = save_as(self, "text", path, options)
  return rows, status
end

-- df.write.format("jdbc") fails naming the method; a method it does not
-- have (parquet, saveAsTable) fails where it is called, with a did-you-mean.
checks.colonCalls("DataFrameWriter", "df.write", function(v) return getmetatable(v) == Writer end, Writer)
Writer.__index = checks.strictIndex("DataFrameWriter", "method", Writer)

return M
