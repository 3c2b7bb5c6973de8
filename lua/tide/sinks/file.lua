-- The json, csv and text file sinks: each epoch's rows go to one file,
-- PATH/part-<epoch>-<query id>.<ext>, written atomically. The query id is
-- kept in the checkpoint, so a replayed epoch rewrites its own file and the
-- directory holds every input row exactly once; another query (another
-- checkpoint) writing to the same directory names its files with its own
-- id, so it never overwrites what an earlier query committed.
--   json: one object per line (to_json of the row with the writer's
--         options: null fields left out unless ignoreNullFields is false,
--         dateFormat, timestampFormat)
--   csv:  a row a line as Spark's CSV writer writes it, by to_csv's kernel
--         with the writer's options (tide.eval_csv: sep, quote, escape,
--         nullValue, emptyValue, quoteAll, escapeQuotes, blanks around
--         values dropped, dateFormat, timestampFormat: 2026-12-05T18:08:58.649Z
--         by default, as the json sink's to_json writes them); header (false)
--         the column names, written the same way
--   text: the one string column, a row a line (a null one empty), each
--         followed by lineSep ("\n"), to part-....txt, as Spark's
-- With partitionBy(cols) (the writer's partitionCols), each epoch writes
-- one file into each partition directory its rows have,
-- PATH/k=1/d=x/part-<epoch>-<query id>.<ext>, holding the other columns
-- (tide.partitions). A replayed epoch has the same rows, so it rewrites
-- the same files: still every row exactly once, with no log to keep.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")
local eval = require("tide.eval")
local eval_csv = require("tide.eval_csv")
local execution = require("tide.execution")
local partitions = require("tide.partitions")

local M = {}
local Sink = {}
Sink.__index = Sink

local errbuf = ffi.new("char[1024]")

-- What tide writes: uncompressed UTF-8 files whose lines end with "\n"
-- (a text write's lineSep as given, not empty, as Spark checks it);
-- Spark's options asking for other files fail, naming themselves.
function M.checkWriteOptions(format, opts)
  local codec = opts.compression or opts.codec
  if codec and codec:lower() ~= "none" and codec:lower() ~= "uncompressed" then
    error(("%s: compression %s is not supported (tide writes uncompressed files)"):format(format, codec), 0)
  end
  if opts.linesep == "" then error("requirement failed: 'lineSep' cannot be an empty string.", 0) end
  if format ~= "text" and opts.linesep and opts.linesep ~= "\n" then
    error(("%s: lineSep %q is not supported (tide ends each line with \\n)"):format(format, opts.linesep), 0)
  end
  local encoding = opts.encoding or opts.charset
  if encoding and encoding:lower():gsub("[-_]", "") ~= "utf8" then
    error(("%s: encoding %s is not supported (tide writes UTF-8)"):format(format, encoding), 0)
  end
end

-- Spark's checks of a text write: every column a string (the first
-- that is not is named), then one column.
function M.checkText(schema)
  for _, f in ipairs(schema.fields) do
    if f.dataType.id ~= T.ID.string or f.dataType.void then
      error(("[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The Text datasource doesn't support the column `%s` of the type "
        .. '"%s".')
        :format(f.name, f.dataType:simpleString():upper()), 0)
    end
  end
  if #schema.fields ~= 1 then
    error(("Text data source supports only a single column, and you have %d columns."):format(#schema.fields), 0)
  end
end

-- The columns the files hold: schema without the partition columns
-- (partition_by: their names, checked as Spark checks them), and the
-- 1-based indices of the partition columns.
function M.dataColumns(schema, partition_by)
  if not partition_by or #partition_by == 0 then return schema, nil end
  local indices = partitions.writeColumns(schema, partition_by)
  local skip, fields = {}, {}
  for _, i in ipairs(indices) do skip[i] = true end
  for i, f in ipairs(schema.fields) do
    if not skip[i] then fields[#fields + 1] = f end
  end
  return T.struct(fields), indices
end

-- The header a CSV file starts with: the column names written as the
-- rows are (to_csv's plan: quoted, escaped and trimmed alike).
local function header_line(schema, plan)
  local fields, names = {}, {}
  for i, f in ipairs(schema.fields) do
    fields[i] = T.field("c" .. i, T.string)
    names["c" .. i] = f.name
  end
  local b = batchlib.fromRows({ { names } }, T.struct { T.field("header", T.struct(fields)) })
  local line = eval_csv.toCsv(plan, b, b.columns, eval.newColumn(b))
  local offsets = ffi.cast("int32_t*", line.values)
  return ffi.string(line.data + offsets[0], offsets[1] - offsets[0])
end

-- query: the StreamingQuery, whose id (the checkpoint's) names the files.
function M.new(writer, schema, format, query)
  local opts = writer.opts
  if not opts.path then error(("the %s sink needs a path: writeStream:option(\"path\", DIR)"):format(format), 0) end
  local id = query and query.id
  if not id then error(("the %s sink needs its query's id"):format(format), 0) end
  local sink = setmetatable({ path = opts.path, format = format, queryId = id,
    description = "FileSink[" .. opts.path .. "]" }, Sink)
  local data, indices = M.dataColumns(schema, writer.partitionCols)
  if indices then sink.split = partitions.splitter(schema, indices) end
  -- (the files' columns, taken from the rows of the whole schema)
  local cols = {}
  for i, f in ipairs(data.fields) do cols[i] = { k = "col", name = f.name } end
  local full = schema
  schema = data
  M.checkWriteOptions(format, opts)
  if format == "text" then
    M.checkText(schema)
    sink.lineSep, sink.extension = opts.linesep or "\n", "txt"
    sink.compiled = eval.compileSelect({ cols[1] }, full)
  elseif format == "json" then
    -- (the writer's options: ignoreNullFields, dateFormat, timestampFormat)
    sink.compiled = eval.compileSelect({ { k = "alias", name = "value", expr = { k = "call", fn = "to_json",
      args = { { k = "call", fn = "struct", args = cols } }, opts = opts } } }, full)
  else
    for _, f in ipairs(schema.fields) do
      local id = f.dataType.id
      if f.dataType.void then -- (SELECT NULL's untyped column, as Spark's: CAST(NULL AS STRING) writes it)
        error(("[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't support the column `%s` of the"
          .. ' type "VOID".'):format(f.name), 0)
      end
      if id == T.ID.struct or id == T.ID.binary or id == T.ID.array or id == T.ID.map then
        error(("the csv sink cannot write column %s of type %s (CSV data source does not support %s data type)")
          :format(f.name, f.dataType:simpleString(), f.dataType:simpleString()), 0)
      end
    end
    sink.compiled = eval.compileSelect({ { k = "call", fn = "struct", args = cols } }, full)
    sink.csv = eval_csv.toCsvPlan(opts, "csv sink")
    if opts.header == "true" then sink.header = header_line(schema, sink.csv) end
  end
  return sink
end

-- Writes the rows of batch to file.
local function write_file(self, file, batch, ctx)
  local strings = eval.project(batch, self.compiled, ctx)
  if self.format == "text" then
    if C.tide_write_text(file, strings.columns, self.lineSep, #self.lineSep, errbuf, 1024) ~= 0 then
      error("text sink: " .. ffi.string(errbuf), 0)
    end
    return
  end
  local lines = strings.columns
  if self.format == "csv" then lines = eval_csv.toCsv(self.csv, strings, strings.columns, eval.newColumn(strings)) end
  if C.tide_write_lines(file, self.header, lines, errbuf, 1024) ~= 0 then
    error(self.format .. " sink: " .. ffi.string(errbuf), 0)
  end
end

function Sink:addBatch(epoch, batch)
  local ctx = execution.context()
  local name = ("part-%05d-%s.%s"):format(epoch, self.queryId, self.extension or self.format)
  if not self.split then
    write_file(self, self.path .. "/" .. name, batch, ctx)
  else
    -- (the writes create the partition directories)
    for _, part in ipairs(self.split(batch, ctx)) do
      write_file(self, ("%s/%s/%s"):format(self.path, part.dir, name), part.batch, ctx)
    end
  end
  return batch:count()
end

function Sink:stop() end

return M
