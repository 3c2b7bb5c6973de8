-- The json, csv and text file sinks: each epoch's rows go to one file,
-- PATH/part-<epoch>-<query id>.<ext>, written atomically. The query id is
-- kept in the checkpoint, so a replayed epoch rewrites its own file and the
-- directory holds every input row exactly once; another query (another
-- checkpoint) writing to the same directory names its files with its own
-- id, so it never overwrites what an earlier query committed.
--   json: one object per line (to_json of the row; null fields left out)
--   csv:  options sep (","), quote ("\""), nullValue (""), header (false),
--         dateFormat (yyyy-MM-dd, Spark's default: dates as it writes them);
--         timestamps as Spark's CSV writer writes them by default,
--         2026-12-05T18:08:58.649Z (the json sink's to_json writes the same)
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
local eval = require("tide.eval")
local execution = require("tide.execution")
local partitions = require("tide.partitions")

local M = {}
local Sink = {}
Sink.__index = Sink

local errbuf = ffi.new("char[1024]")

local function one_char(opts, key, default)
  local v = opts[key] or default
  if #v ~= 1 then error(("csv option %s must be one character, not %q"):format(key, v), 0) end
  return v
end

-- Spark's checks of a text write: every column a string (the first
-- that is not is named), then one column; lineSep not empty. tide writes
-- no compression.
function M.checkText(schema, opts)
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
  if opts.linesep == "" then error("requirement failed: 'lineSep' cannot be an empty string.", 0) end
  local codec = opts.compression and opts.compression:lower()
  if codec and codec ~= "none" and codec ~= "uncompressed" then
    error(("text: compression %s is not supported (tide writes uncompressed text)"):format(opts.compression), 0)
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
  if format == "text" then
    M.checkText(schema, opts)
    sink.lineSep, sink.extension = opts.linesep or "\n", "txt"
    sink.compiled = eval.compileSelect({ cols[1] }, full)
  elseif format == "json" then
    sink.compiled = eval.compileSelect({ { k = "alias", name = "value", expr = { k = "call", fn = "to_json",
      args = { { k = "call", fn = "struct", args = cols } } } } }, full)
  else
    local casts = {}
    sink.timestamps, sink.dates = {}, {}
    for i, f in ipairs(schema.fields) do
      local id = f.dataType.id
      if f.dataType.void then -- (SELECT NULL's untyped column: CAST(NULL AS STRING) writes it)
        error(("[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't support the column `%s` of the"
          .. ' type "VOID".'):format(f.name), 0)
      end
      if id == T.ID.struct or id == T.ID.binary or id == T.ID.array or id == T.ID.map then
        error(("the csv sink cannot write column %s of type %s (CSV data source does not support %s data type)")
          :format(f.name, f.dataType:simpleString(), f.dataType:simpleString()), 0)
      end
      if f.dataType.id == T.ID.timestamp then
        -- Taken as it is: iso_timestamps writes its text (CAST AS STRING
        -- gives Spark SQL's "2026-12-05 18:08:58.649072", not the CSV's).
        sink.timestamps[#sink.timestamps + 1] = i - 1
        casts[i] = { k = "alias", name = f.name, expr = cols[i] }
      elseif id == T.ID.date then
        -- Taken as it is too: date_texts writes it as dateFormat says.
        sink.dates[#sink.dates + 1] = i - 1
        casts[i] = { k = "alias", name = f.name, expr = cols[i] }
      else
        casts[i] = { k = "alias", name = f.name, expr = { k = "cast", to = T.string, expr = cols[i] } }
      end
    end
    sink.compiled = eval.compileSelect(casts, full)
    sink.sep, sink.quote = one_char(opts, "sep", ","), one_char(opts, "quote", '"')
    sink.nullValue = opts.nullvalue or ""
    if opts.header == "true" then sink.header = table.concat(schema:fieldNames(), sink.sep) end
    if opts.dateformat then
      local fmt = opts.dateformat
      local p = C.tide_datetime_pattern_compile(fmt, #fmt, 0, errbuf, 1024)
      if p == nil then error(("csv option dateFormat %q: %s"):format(fmt, ffi.string(errbuf)), 0) end
      sink.datePattern = ffi.gc(p, C.tide_datetime_pattern_free)
    end
  end
  return sink
end

-- Column i of `strings` (a timestamp column) replaced by its text as
-- Spark's CSV writer gives it by default (yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]
-- in UTC: 2026-12-05T18:08:58.649Z, Spark's JSON default too), which tide's
-- csv reader (tide_timestamp_parse) reads back.
local function iso_timestamps(strings, i)
  local dst = eval.newColumn(strings)
  if C.tide_timestamp_text(strings, strings.columns + i, dst, errbuf, 1024) ~= 0 then
    error("csv sink: " .. ffi.string(errbuf), 0)
  end
  strings.columns[i] = dst[0]
end

-- Column i of `strings` (a date column) replaced by its text as Spark's
-- CSV writer gives it: as dateFormat formats it (pattern), yyyy-MM-dd
-- without one.
local function date_texts(strings, i, pattern)
  local dst = eval.newColumn(strings)
  if C.tide_date_text(strings, strings.columns + i, pattern, dst, errbuf, 1024) ~= 0 then
    error("csv sink: " .. ffi.string(errbuf), 0)
  end
  strings.columns[i] = dst[0]
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
  local lines
  if self.format == "json" then
    lines = strings.columns
  else
    for _, i in ipairs(self.timestamps) do iso_timestamps(strings, i) end
    for _, i in ipairs(self.dates) do date_texts(strings, i, self.datePattern) end
    lines = ffi.new("tide_column[1]")
    if C.tide_csv_join(strings, strings, self.sep:byte(), self.quote:byte(), self.nullValue, lines, errbuf, 1024) ~= 0 then
      error(ffi.string(errbuf), 0)
    end
  end
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
