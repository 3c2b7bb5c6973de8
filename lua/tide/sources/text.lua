-- The text source, Spark's text format (docs/csv.md, "Text files"): a row
-- per line of the files, in one string column, value:
--
--   spark.read:text("logs/")                                  -- value string
--   spark.read:text({ "a.txt", "b.txt" }, { wholetext = true }) -- a row per file
--   spark.read:format("text"):option("lineSep", ";"):load("data.txt")
--   spark.readStream:text("incoming/")                       -- no schema needed
--
-- Paths resolve as the CSV source's (tide.files); files may be plain or
-- gzip. The CSV reader's text mode (engine/csv_reader.c, text_lines) splits
-- them into lines straight into the column, every file of a read in one
-- batch: each line is taken as it is, empty ones too (""), as Spark's. By
-- default a line ends with "\n", "\r\n" or a lone "\r" (Hadoop's
-- LineRecordReader); lineSep sets one separator instead; wholetext makes
-- each file one row (none for an empty file). A file stream source reads
-- new files as the CSV and JSON ones do (tide.sources.file_stream).
local T = require("tide.types")
local files = require("tide.files")
local csv = require("tide.sources.csv")
local partitions = require("tide.partitions")

local M = {}

-- Spark's spellings, for load()'s warning about a misspelled option.
M.knownOptions = require("tide.file_filter").withFileOptions { "wholetext", "lineSep", "encoding", "compression" }

local DEFAULT_SCHEMA = T.fromDDL("value string")

local function parse_options(options)
  local whole = (options.wholetext or "false"):lower()
  if whole ~= "true" and whole ~= "false" then
    error(("text option wholetext must be true or false, not %q"):format(options.wholetext), 0)
  end
  local sep = options.linesep
  if sep == "" then error("requirement failed: 'lineSep' cannot be an empty string.", 0) end
  if sep and sep:find("\0", 1, true) then error("text option lineSep must not hold a NUL character", 0) end
  local enc = (options.encoding or options.charset or "utf-8"):lower():gsub("[-_]", "")
  if enc ~= "utf8" and enc ~= "ascii" and enc ~= "usascii" then
    error(("text encoding %s is not supported (tide reads UTF-8)"):format(options.encoding or options.charset), 0)
  end
  -- The CSV reader's options, its text mode on: the separator, quote and
  -- escape are not looked at then.
  return { sep = 0x1F, quote = 0, escape = 0, header = false, mode = 0, nullValue = "", multiLine = false,
           textLines = whole == "true" and 2 or 1, lineSep = sep }
end

-- A user's schema names the one string column (Spark reads the text into
-- it); anything else cannot hold the text.
local function check_schema(schema)
  if not schema then return DEFAULT_SCHEMA end
  if #schema.fields ~= 1 then
    error(("Text data source supports only a single column, and you have %d columns."):format(#schema.fields), 0)
  end
  local t = schema.fields[1].dataType
  if t.id ~= T.ID.string then
    error(("Text data source supports only a string column, but you have %s."):format(t:simpleString()), 0)
  end
  return schema
end

-- The files of path: a string, or a list of them (PySpark's text(paths)),
-- those filter (tide.file_filter) accepts.
local function resolve(path, filter)
  if type(path) ~= "table" then return files.resolve(path, nil, filter) end
  local list = {}
  for _, p in ipairs(path) do
    for _, f in ipairs(files.resolve(p, nil, filter)) do list[#list + 1] = f end
  end
  return list
end

local function describe(path)
  return type(path) == "table" and table.concat(path, ", ") or tostring(path)
end

function M.batch(options, schema, path, session)
  local o = parse_options(options)
  if path == nil then error("text: no path given (spark.read:text(path))", 0) end
  local layout = partitions.discover(path, options, schema, session)
  if layout then
    -- (the user's schema names the partition columns too: the text is the other one)
    local data = check_schema(layout:dataSchema(schema))
    return csv.partitioned(layout, ("FileScan text [%s]"):format(describe(path)), data, function(list, ctx)
      return csv.readFiles(list, data, o, -1, ctx)
    end)
  end
  schema = check_schema(schema)
  local filter = require("tide.file_filter").of(options, session)
  return {
    schema = schema,
    description = ("FileScan text [%s]"):format(describe(path)),
    paths = resolve(path, filter), -- ("Path does not exist" at once, as Spark's)
    -- Files are listed again at each read, as Spark does for a new query.
    read = function(_, ctx) return (csv.readFiles(resolve(path, filter), schema, o, -1, ctx)) end,
  }
end

-- As Spark, a text stream needs no schema: it has but the one column.
function M.stream(options, schema, path, session)
  local o = parse_options(options)
  if type(path) ~= "string" then error("text: a stream reads one path (a directory or a glob)", 0) end
  local layout = partitions.discover(path, options, schema, session, true)
  local data = check_schema(layout and layout:dataSchema(schema) or schema)
  return require("tide.sources.file_stream").new {
    format = "text", path = path, schema = data, options = options, partitions = layout, dataSchema = data,
    read = function(list, ctx) return csv.readFiles(list, data, o, -1, ctx) end,
  }
end

return M
