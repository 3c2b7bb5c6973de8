-- The CSV source, with Spark's options (docs/csv.md):
--
--   spark.read:format("csv"):option("header", "true"):schema(ddl):load("train.gz")
--   spark.read:format("csv"):option("header", "true"):option("inferSchema", "true"):load("dir/")
--   spark.readStream:format("csv"):schema(ddl):option("maxFilesPerTrigger", 1):load("incoming/")
--
-- A path is a file, a directory or a glob (tide.files). Files may be plain
-- or gzip. The C reader (engine/csv_reader.c) converts fields straight into
-- typed columns, a chunk of rows per call; a batch read appends every
-- file's chunks to one batch and shows a progress bar on stderr when it is
-- a terminal and the load takes a while.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local files = require("tide.files")
local file_filter = require("tide.file_filter")
local batchlib = require("tide.batch")
local checks = require("tide.checks")
local input_files = require("tide.input_files")
local partitions = require("tide.partitions")
local read_progress = require("tide.read_progress")

local M = {}

local CHUNK_ROWS = 65536
local ERRLEN = 1024
local ID = T.ID

-- ---- options ---------------------------------------------------------------------

-- (Option keys arrive lowercased; key is Spark's spelling, for errors.)
local function flag(options, key, default)
  local v = options[key:lower()]
  if v == nil then return default end
  v = v:lower()
  if v ~= "true" and v ~= "false" then
    error(("CSV option %s must be true or false, not %q"):format(key, options[key:lower()]), 0)
  end
  return v == "true"
end

-- A one-character option; Spark also takes "\t"-style escapes and "" for
-- none (the NUL character).
local function char_option(options, key, default)
  local v = options[key]
  if v == nil then v = default end
  if v == "" then return 0 end
  local escapes = { ["\\t"] = "\t", ["\\n"] = "\n", ["\\r"] = "\r", ["\\\\"] = "\\", ["\\0"] = "\0",
                    ["\\\""] = '"', ["\\'"] = "'" }
  v = escapes[v] or v
  if #v ~= 1 then error(("CSV option %s must be a single character, not %q"):format(key, v), 0) end
  return v:byte()
end

local MODES = { permissive = 0, dropmalformed = 1, failfast = 2 }

-- Spark's spellings of the CSV source's options, for load()'s warning
-- about a misspelled one (heder, inferSchem): those tide reads, and
-- Spark's others, so that they are not taken for typos.
M.knownOptions = file_filter.withFileOptions { "sep", "delimiter", "quote", "escape", "header", "inferSchema",
  "nullValue", "columnNameOfCorruptRecord", "samplingRatio", "mode", "encoding", "charset",
  "comment", "ignoreLeadingWhiteSpace", "ignoreTrailingWhiteSpace", "nanValue", "positiveInf", "negativeInf",
  "dateFormat", "timestampFormat", "maxColumns", "maxCharsPerColumn", "multiLine", "locale", "lineSep",
  "enforceSchema", "emptyValue", "unescapedQuoteHandling", "charToEscapeQuoteEscaping", "timeZone",
  "timestampNTZFormat", "preferDate", "enableDateTimeParsingFallback" }

-- Date formats whose dates Spark's lenient timestamp parsing also reads
-- (CSVInferSchema's LENIENT_TS_FORMATTER_SUPPORTED_DATE_FORMATS): with one
-- of them and no timestampFormat, a column of dates and timestamps is
-- inferred as timestamps, else as strings.
local LENIENT_DATE_FORMATS = { ["yyyy-MM-dd"] = true, ["yyyy-M-d"] = true, ["yyyy-M-dd"] = true,
  ["yyyy-MM-d"] = true, ["yyyy-MM"] = true, ["yyyy-M"] = true, ["yyyy"] = true }

-- A dateFormat (or timestampFormat: option) compiled for parsing (freed
-- with o).
local function date_pattern(text, option)
  local err = ffi.new("char[256]")
  local p = C.tide_datetime_pattern_compile(text, #text, 1, err, 256)
  if p == nil then error(("CSV option %s %q: %s"):format(option or "dateFormat", text, ffi.string(err)), 0) end
  return ffi.gc(p, C.tide_datetime_pattern_free)
end

-- Spark's dates (CSVOptions, UnivocityParser, CSVInferSchema): a date
-- column reads dateFormat strictly, or without one CAST(string AS date)'s
-- forms, which hold yyyy-MM-dd's; its fallback (enableDateTimeParsingFallback,
-- on unless a dateFormat is given) then reads CAST's forms with "GMT"
-- taken out. Inference (preferDate, true by default) takes a column as
-- dates when dateFormat (by default yyyy-MM-dd) reads every value.
local function date_options(o, options)
  local format = options.dateformat
  o.dateFallback = flag(options, "enableDateTimeParsingFallback", format == nil)
  local prefer = flag(options, "preferDate", true)
  local pattern = format and date_pattern(format)
  -- Without a dateFormat Spark reads yyyy-MM-dd strictly first, which
  -- CAST's forms hold: only without the fallback is the pattern alone left.
  if pattern then
    o.datePattern = pattern
  elseif prefer and not o.dateFallback then
    o.datePattern = date_pattern("yyyy-MM-dd")
  end
  if prefer then o.inferDatePattern = pattern or o.datePattern or date_pattern("yyyy-MM-dd") end
  o.datesAsTimestamps = options.timestampformat == nil and LENIENT_DATE_FORMATS[format or "yyyy-MM-dd"] or false
  -- Timestamps alike: timestampFormat strictly (inference too), else
  -- CAST's forms; the fallback on unless a timestampFormat is given.
  local ts = options.timestampformat
  o.timestampPattern = ts and date_pattern(ts, "timestampFormat")
  o.timestampFallback = flag(options, "enableDateTimeParsingFallback", ts == nil)
end

-- Spark's CSV options the reader does not apply, with their defaults
-- (tide.checks.refuseOptionsNotApplied); text is read in the session's
-- time zone, and TIMESTAMP_NTZ fields by CAST's forms.
local NOT_APPLIED = { { "locale", "en-US" }, { "timeZone" }, { "timestampNTZFormat" },
  { "unescapedQuoteHandling", "STOP_AT_DELIMITER" }, { "maxColumns", "20480" }, { "maxCharsPerColumn", "-1" } }

local function parse_options(options)
  local o = {
    sep = char_option(options, "sep", options.delimiter or ","),
    quote = char_option(options, "quote", '"'),
    escape = char_option(options, "escape", "\\"),
    header = flag(options, "header", false),
    inferSchema = flag(options, "inferSchema", false),
    -- Spark's default: a line is a record; quoted line breaks need it true.
    multiLine = flag(options, "multiLine", false),
    -- false: a header whose names are not the schema's fails the read
    enforceSchema = flag(options, "enforceSchema", true),
    nullValue = options.nullvalue or "",
    -- univocity's settings as Spark reads with them (tide_csv_options)
    comment = char_option(options, "comment", ""),
    ignoreLeading = flag(options, "ignoreLeadingWhiteSpace", false),
    ignoreTrailing = flag(options, "ignoreTrailingWhiteSpace", false),
    emptyValue = options.emptyvalue, nanValue = options.nanvalue,
    positiveInf = options.positiveinf, negativeInf = options.negativeinf,
    corruptColumn = options.columnnameofcorruptrecord or "_corrupt_record",
    samplingRatio = tonumber(options.samplingratio or 1),
  }
  local mode = (options.mode or "PERMISSIVE"):lower()
  o.mode = MODES[mode]
  if not o.mode then
    error(("CSV option mode must be PERMISSIVE, DROPMALFORMED or FAILFAST, not %q"):format(options.mode), 0)
  end
  local enc = (options.encoding or options.charset or "utf-8"):lower():gsub("[-_]", "")
  if enc ~= "utf8" and enc ~= "ascii" and enc ~= "usascii" then
    error(("CSV encoding %s is not supported (tide reads UTF-8)"):format(options.encoding or options.charset), 0)
  end
  if o.sep == 0 then error("CSV option sep must not be empty", 0) end
  checks.refuseOptionsNotApplied("CSV", options, NOT_APPLIED)
  -- Records end at line ends (LF, CRLF or CR) as with Spark's default;
  -- two escapes before a quote are one escape (Spark's default
  -- charToEscapeQuoteEscaping, the escape itself).
  local sep = options.linesep
  if sep ~= nil and sep ~= "\n" and sep ~= "\\n" then
    error(("CSV option lineSep %q is not supported: records end at LF, CRLF or CR"):format(sep), 0)
  end
  local esc_esc = options.chartoescapequoteescaping
  if esc_esc ~= nil and o.escape ~= 0 and char_option(options, "chartoescapequoteescaping") ~= o.escape then
    error(("CSV option charToEscapeQuoteEscaping=%s is Spark's, but tide does not apply it (only the escape, %q)")
      :format(esc_esc, string.char(o.escape)), 0)
  end
  if not o.samplingRatio or o.samplingRatio <= 0 or o.samplingRatio > 1 then
    error("CSV option samplingRatio must be in (0, 1]", 0)
  end
  date_options(o, options)
  return o
end

-- The C options for one file; `corrupt` is the corrupt-record column's
-- 0-based index or -1. The strings live as long as o.
local function c_options(o, corrupt)
  return ffi.new("tide_csv_options", {
    sep = o.sep, quote = o.quote, escape = o.escape, header = o.header and 1 or 0,
    mode = o.mode, corrupt_field = corrupt or -1, null_value = o.nullValue,
    multi_line = o.multiLine and 1 or 0,
    comment = o.comment, ignore_leading = o.ignoreLeading and 1 or 0, ignore_trailing = o.ignoreTrailing and 1 or 0,
    empty_value = o.emptyValue, nan_value = o.nanValue, positive_inf = o.positiveInf, negative_inf = o.negativeInf,
    date_format = o.datePattern, date_fallback = o.dateFallback and 1 or 0,
    infer_date_format = o.inferDatePattern, infer_dates_as_timestamps = o.datesAsTimestamps and 1 or 0,
    timestamp_format = o.timestampPattern, timestamp_fallback = o.timestampFallback and 1 or 0,
    -- (the text source's: tide.sources.text)
    text_lines = o.textLines or 0, line_sep = o.lineSep,
  })
end

local errbuf = ffi.new("char[?]", ERRLEN)
local function cerr() return ffi.string(errbuf) end

local function open(path, copts)
  local r = C.tide_csv_open(path, copts, errbuf, ERRLEN)
  if r == nil then error(cerr(), 0) end
  return ffi.gc(r, C.tide_csv_close)
end

local function close(r)
  C.tide_csv_close(ffi.gc(r, nil))
end

-- ---- schemas -------------------------------------------------------------------------

local function type_of(field)
  if field.type == ID.decimal then return T.decimal(field.precision, field.scale) end
  for name, id in pairs(ID) do
    if id == field.type then return T[name] end
  end
end

-- Spark's rules for header names: an empty name is _c<i>; repeated names
-- (compared without case) get their index appended.
local function safe_names(raw, width)
  local names, seen = {}, {}
  for i = 1, width do
    local n = raw[i]
    if n == nil or n == "" then n = "_c" .. (i - 1) end
    names[i] = n
    seen[n:lower()] = (seen[n:lower()] or 0) + 1
  end
  for i = 1, width do
    if raw[i] and raw[i] ~= "" and seen[names[i]:lower()] > 1 then names[i] = names[i] .. (i - 1) end
  end
  return names
end

local function header_names(r)
  local raw = {}
  for i = 0, C.tide_csv_header_count(r) - 1 do raw[i + 1] = ffi.string(C.tide_csv_header_name(r, i)) end
  return raw
end

-- Spark's CSVHeaderChecker: a file's header against the schema given (the
-- corrupt-record column left out), names compared without case; a
-- mismatch fails the read with enforceSchema false, else is a warning,
-- once per file, as Spark logs it.
local function check_header(r, schema, o, path)
  local header, names = header_names(r), {}
  if #header == 0 then return end -- (an empty file)
  for _, f in ipairs(schema.fields) do
    if f.name ~= o.corruptColumn then names[#names + 1] = f.name end
  end
  local why
  if #header ~= #names then
    why = ("Number of column in CSV header is not equal to number of fields in the schema:\n Header length: %d,"
      .. " schema size: %d\nCSV file: %s"):format(#header, #names, path)
  else
    for i = 1, #names do
      if header[i]:lower() ~= names[i]:lower() then
        why = ("CSV header does not conform to the schema.\n Header: %s\n Schema: %s\nExpected: %s but found: %s"
          .. "\nCSV file: %s"):format(table.concat(header, ", "), table.concat(names, ", "), names[i], header[i], path)
        break
      end
    end
  end
  if not why then return end
  if not o.enforceSchema then error(why, 0) end
  io.stderr:write("tide: warning: ", why, "\n")
end

local NUMERIC_RANK = { [ID.int] = 1, [ID.long] = 2, [ID.decimal] = 3, [ID.double] = 4 }

-- Spark's CSVInferSchema.compatibleType, for the types inference yields.
local function widen(a, b, o)
  if a == nil then return b end
  if b == nil or a == b then return a end
  if (a.id == ID.date and b.id == ID.timestamp) or (a.id == ID.timestamp and b.id == ID.date) then
    return o.datesAsTimestamps and T.timestamp or T.string
  end
  local ra, rb = NUMERIC_RANK[a.id], NUMERIC_RANK[b.id]
  if ra and rb then
    local hi = ra > rb and a or b
    if hi.id == ID.decimal then
      local function digits(t)
        return t.id == ID.decimal and t.precision or t.id == ID.long and 20 or 10
      end
      return T.decimal(math.max(digits(a), digits(b)), 0)
    end
    return hi
  end
  return T.string
end

-- Infers the schema over every file (Spark reads all of the data for it).
local function infer(paths, o)
  local copts = c_options(o, -1)
  local types, names, width = {}, nil, nil
  local out = ffi.new("tide_csv_field[4096]")
  local progress = M.progress(paths, "inferring the schema of")
  for _, f in ipairs(paths) do
    local r = open(f.path, copts)
    local n = C.tide_csv_infer(r, -1, o.samplingRatio, out, 4096, errbuf, ERRLEN)
    if n < 0 then error(cerr(), 0) end
    if not width then
      width = n
      names = o.header and header_names(r) or {}
    end
    -- Columns null everywhere in this file (type 0) do not vote against
    -- what other files found.
    for i = 1, math.min(width, n) do
      if out[i - 1].type ~= 0 then types[i] = widen(types[i], type_of(out[i - 1]), o) end
    end
    progress:advance(f.size)
    close(r)
  end
  progress:done()
  if not width then error("Unable to infer schema for CSV. It must be specified manually.", 0) end
  names = safe_names(names, width)
  local fields = {}
  for i = 1, width do fields[i] = T.field(names[i], types[i] or T.string, true) end
  return T.struct(fields)
end

-- Without a schema or inference: every column a string, named by the
-- first file's header (or _c0, _c1, ...) and as wide as its first record.
local function string_schema(paths, o)
  if #paths == 0 then error("Unable to infer schema for CSV. It must be specified manually.", 0) end
  local out = ffi.new("tide_csv_field[4096]")
  local r = open(paths[1].path, c_options(o, -1))
  local n = C.tide_csv_infer(r, o.header and 0 or 1, 1, out, 4096, errbuf, ERRLEN)
  if n < 0 then error(cerr(), 0) end
  local names = safe_names(o.header and header_names(r) or {}, n)
  close(r)
  local fields = {}
  for i = 1, n do fields[i] = T.field(names[i], T.string, true) end
  return T.struct(fields)
end

local function check_schema(schema, o)
  local corrupt = -1
  for i, f in ipairs(schema.fields) do
    local id = f.dataType.id
    if id == ID.binary or id == ID.struct then
      error(("CSV data source does not support %s data type (column %s)"):format(f.dataType:simpleString(), f.name), 0)
    end
    if f.name == o.corruptColumn then
      if id ~= ID.string then
        error(("The field for corrupt records must be string type and nullable: %s is %s"):format(
          f.name, f.dataType:simpleString()), 0)
      end
      corrupt = i - 1
    end
  end
  return corrupt
end

-- The C schema (the names kept alive by the returned table).
local function c_fields(schema)
  local n = #schema.fields
  local arr = ffi.new("tide_csv_field[?]", math.max(n, 1))
  local keep = {}
  for i, f in ipairs(schema.fields) do
    keep[i] = f.name
    local t = f.dataType
    arr[i - 1].name = f.name
    arr[i - 1].type = t.ntz and ID.string or t.id -- (a TIMESTAMP_NTZ read as its text first: read_files)
    arr[i - 1].precision = t.precision or t.bits or 0 -- (a tinyint's, smallint's range)
    arr[i - 1].scale = t.scale or 0
  end
  return arr, n, keep
end

-- ---- progress on stderr ---------------------------------------------------------------

-- A bar for reading `paths` (tide.read_progress; the JSON source's too).
M.progress = read_progress.new

-- ---- reading -------------------------------------------------------------------------

-- Reads files into one batch of `schema`; adds the malformed and dropped
-- counts to ctx when given, and the records read (those dropped too) to
-- ctx.sourceRecords: a stream's numInputRows, so that input = output +
-- dropped as for a Kafka source whose from_json drops rows. The rows each
-- file gave go to ctx too (tide.input_files: input_file_name()), and are
-- returned after the batch (runs[i]: the rows of list[i]).
local function read_files(list, schema, o, corrupt, ctx)
  local fields, n, keep = c_fields(schema)
  local b = batchlib.wrap(C.tide_csv_batch_new(fields, n, CHUNK_ROWS), "out of memory creating a CSV batch")
  local copts = c_options(o, corrupt)
  local progress = M.progress(list, "reading")
  local reserved = false
  local total_bytes = progress.total
  local runs = {}
  for _, f in ipairs(list) do
    local before = tonumber(b.num_rows)
    local r = open(f.path, copts)
    local header_checked = not (o.header and o.givenSchema)
    while true do
      local got = C.tide_csv_read(r, b, CHUNK_ROWS, errbuf, ERRLEN)
      if got < 0 then error(cerr(), 0) end
      if not header_checked then
        header_checked = true
        check_header(r, schema, o, f.path)
      end
      if got == 0 then break end
      local rows = tonumber(b.num_rows)
      local done = progress.base + tonumber(C.tide_csv_bytes_read(r))
      if not reserved and done > 0 and rows >= 2 * CHUNK_ROWS then
        -- Size the columns once for the whole read, from the rows per byte
        -- seen so far, instead of doubling them (and the memory) as they fill.
        reserved = true
        local estimate = math.floor(rows * total_bytes / done * 1.03) + CHUNK_ROWS
        if estimate > rows * 2 and C.tide_csv_reserve(b, estimate) ~= 0 then
          error("out of memory reading " .. f.path, 0)
        end
      end
      progress:update(tonumber(C.tide_csv_bytes_read(r)), rows)
    end
    if ctx then
      ctx.malformed = (ctx.malformed or 0) + tonumber(C.tide_csv_malformed(r))
      ctx.dropped = (ctx.dropped or 0) + tonumber(C.tide_csv_dropped(r))
      ctx.sourceRecords = (ctx.sourceRecords or 0) + tonumber(C.tide_csv_records(r))
    end
    progress:advance(f.size)
    close(r)
    runs[#runs + 1] = input_files.run(f.path, tonumber(b.num_rows) - before, f.size)
  end
  progress:done()
  -- each TIMESTAMP_NTZ column's text as a local date-time (tide.eval_timestamp_ntz: NULL with a zone, as Spark's)
  for i, f in ipairs(schema.fields) do
    if f.dataType.ntz then
      local parsed = ffi.new("tide_column")
      if C.tide_eval_timestamp_ntz_parse(b, b.columns[i - 1], 0, parsed, errbuf, ERRLEN) ~= 0 then error(cerr(), 0) end
      ffi.copy(b.columns[i - 1], parsed, ffi.sizeof("tide_column"))
    end
  end
  input_files.record(ctx, b, runs)
  local _ = keep
  return b, runs
end
M.readFiles = read_files

local function resolve_schema(schema, paths, o)
  if schema then return schema end
  if o.inferSchema then return infer(paths, o) end
  return string_schema(paths, o)
end

-- A read of partitioned directories (tide.partitions): the files' columns
-- are those of data_schema, the partition columns added to each batch.
-- source:prune(nodes, options) is the read of the directories whose
-- partition values conditions over them (expression nodes,
-- tide.optimizer's) make true, or nil when they do not compile there;
-- options.unlessSliced: every directory when the query runs its plan over
-- slices of the read's batch (spark.tide.sliceRows).
function M.partitioned(layout, description, data_schema, read)
  local schema = layout:setSchema(data_schema)
  local function source(filter, nodes, options)
    local function pruning(slice_rows)
      return filter and not (options.unlessSliced and (slice_rows or 0) > 0)
    end
    -- (listed again at each read, the partition columns' types kept)
    local function listing(ctx)
      local list = layout:list()
      if pruning(ctx.sliceRows) then return layout:prune(list, filter, ctx) end
      return list
    end
    return {
      schema = schema,
      description = description,
      paths = layout.files,
      partitionFilters = nodes,
      read = function(_, ctx)
        local list = listing(ctx or {})
        local b, runs = read(list, ctx)
        return layout:attach(b, list, runs, ctx)
      end,
      -- (a pruned read is not pruned again)
      prune = not filter and function(_, conditions, how)
        local compiled, kept = layout:partitionFilter(conditions)
        return compiled and source(compiled, kept, how or {}) or nil
      end or nil,
      -- The partition column (its index and name) that field i of the
      -- schema is, or nil for a column of the files.
      partitionColumn = function(i)
        local p = layout.from[i] and layout.from[i].part
        if p then return p, layout.columns[p].name end
      end,
      -- What explain() adds to the scan's line: the partition filters and
      -- the leaf directories and files a read of the path now reads.
      explainDetails = function()
        if not nodes then return "" end
        local sql = require("tide.sql")
        local texts = {}
        for i, node in ipairs(nodes) do texts[i] = sql.toString(node) end
        local text = ", PartitionFilters: [" .. table.concat(texts, ", ") .. "]"
        local known, slice_rows = pcall(require("tide.execution").sliceRows, layout.session)
        slice_rows = known and slice_rows or 0
        if not pruning(slice_rows) then return text .. " (unused: spark.tide.sliceRows slices a rand() above)" end
        local ok, _, stats = pcall(listing, { sliceRows = slice_rows })
        if not ok or not stats then return text end
        return text .. (", PartitionsRead: %d of %d, FilesRead: %d of %d"):format(stats.partitionsRead,
          stats.partitions, stats.filesRead, stats.files)
      end,
    }
  end
  return source(nil, nil, {})
end

function M.batch(options, schema, path, session)
  local o = parse_options(options)
  o.givenSchema = schema ~= nil
  local layout = partitions.discover(path, options, schema, session)
  if layout then
    local data = resolve_schema(layout:dataSchema(schema), layout.files, o)
    local corrupt = check_schema(data, o)
    return M.partitioned(layout, ("FileScan csv [%s]"):format(tostring(path)), data, function(list, ctx)
      return read_files(list, data, o, corrupt, ctx)
    end)
  end
  local filter = file_filter.of(options, session)
  local paths = files.resolve(path, nil, filter)
  schema = resolve_schema(schema, paths, o)
  local corrupt = check_schema(schema, o)
  return {
    schema = schema,
    description = ("FileScan csv [%s]"):format(tostring(path)),
    paths = paths,
    -- Files are listed again at each read, as Spark does for a new query.
    read = function(_, ctx)
      return (read_files(files.resolve(path, nil, filter), schema, o, corrupt, ctx))
    end,
  }
end

-- Reads the files in batches of up to `rows` rows, for callers that stream
-- a file too large to hold (the producer, benchmarks):
--   local next_batch, schema = csv.chunks(options, schema_or_nil, path, 65536)
--   for batch in next_batch do ... end
-- Malformed rows follow the mode option, as in a read.
function M.chunks(options, schema, path, rows)
  local o = parse_options(options)
  local paths = files.resolve(path, nil, file_filter.of(options))
  schema = resolve_schema(schema, paths, o)
  local corrupt = check_schema(schema, o)
  local fields, n, keep = c_fields(schema)
  local copts = c_options(o, corrupt)
  local i, reader = 0, nil
  local function next_batch()
    local _ = o -- (copts points at its date patterns)
    while true do
      if not reader then
        i = i + 1
        if not paths[i] then return nil end
        reader = open(paths[i].path, copts)
      end
      local b = batchlib.wrap(C.tide_csv_batch_new(fields, n, rows), "out of memory creating a CSV batch")
      local got = C.tide_csv_read(reader, b, rows, errbuf, ERRLEN)
      if got < 0 then
        close(reader)
        error(cerr(), 0)
      end
      if got > 0 then return b end
      close(reader)
      reader = nil
    end
  end
  local _ = keep
  return next_batch, schema
end

-- ---- text lines, for line-based formats (JSON lines) --------------------------------

-- The reader splits a file into its lines when it quotes nothing and
-- separates fields with a byte no text line holds (the unit separator,
-- 0x1F, a control character JSON never holds unescaped): each line is a
-- record, LF or CRLF ended, empty ones skipped, gzip read as plain text.
-- A line that does hold the byte has several fields, so it is malformed
-- for the reader, which keeps it whole in the corrupt-record column.
local LINE_SEPARATOR = 0x1F
local LINE_SCHEMA = T.fromDDL("value string, _line string")
local LINE_OPTIONS = ffi.new("tide_csv_options", { sep = LINE_SEPARATOR, quote = 0, escape = 0, header = 0,
  mode = MODES.permissive, corrupt_field = 1 })

local LineReader = {}
LineReader.__index = LineReader

--   local lines = csv.lineReader(path)
--   local batch = lines:next(rows)   -- the next lines (about rows of them), nil at the end
--   lines:bytesRead(); lines:close()
function M.lineReader(path)
  return setmetatable({ reader = open(path, LINE_OPTIONS), path = path }, LineReader)
end

-- A batch of one string column, "value", with the file's next lines.
function LineReader:next(rows)
  local r = self.reader
  local fields, width, names = c_fields(LINE_SCHEMA)
  local b = batchlib.wrap(C.tide_csv_batch_new(fields, width, rows), "out of memory reading " .. self.path)
  local _ = names
  local split_before = C.tide_csv_malformed(r)
  local got = C.tide_csv_read(r, b, rows, errbuf, ERRLEN)
  if got < 0 then error(cerr(), 0) end
  if got == 0 then return nil end
  local lines = batchlib.wrap(C.tide_batch_derive(b, 1), "out of memory reading " .. self.path)
  if C.tide_csv_malformed(r) == split_before then
    lines.columns[0] = b.columns[0]
  else
    -- Lines the separator split are whole in the corrupt column.
    local whole_first = ffi.new("const tide_column*[2]", b.columns + 1, b.columns)
    if C.tide_eval_coalesce(lines, whole_first, 2, lines.columns, errbuf, ERRLEN) ~= 0 then
      error(("reading %s: %s"):format(self.path, cerr()), 0)
    end
    lines.columns[0].name = b.columns[0].name
  end
  return lines
end

function LineReader:bytesRead() return tonumber(C.tide_csv_bytes_read(self.reader)) end
function LineReader:close() close(self.reader) end

-- The line that a file's record (0-based, as lineReader counts them)
-- starts on, for errors. The reader names a line only in a FAILFAST error:
-- it reads the records before this one, then this one into a batch of two
-- columns, which a line (one field) cannot fill.
local LOCATE_OPTIONS = ffi.new("tide_csv_options", { sep = LINE_SEPARATOR, quote = 0, escape = 0, header = 0,
  mode = MODES.failfast, corrupt_field = -1 })
local LOCATE_SCHEMA = T.fromDDL("a int, b int")

function M.lineOf(path, record)
  local line_fields, _, line_names = c_fields(LINE_SCHEMA)
  local locate_fields, locate_width, locate_names = c_fields(LOCATE_SCHEMA)
  local r = open(path, LOCATE_OPTIONS)
  local skipped, line = 0, nil
  while skipped < record do
    local rows = math.min(record - skipped, CHUNK_ROWS)
    -- (the value column alone: the reader fails on a record that splits)
    local b = batchlib.wrap(C.tide_csv_batch_new(line_fields, 1, rows), "out of memory reading " .. path)
    local got = C.tide_csv_read(r, b, rows, errbuf, ERRLEN)
    if got <= 0 then break end
    skipped = skipped + tonumber(got)
  end
  if skipped == record then
    local b = batchlib.wrap(C.tide_csv_batch_new(locate_fields, locate_width, 1), "out of memory reading " .. path)
    if C.tide_csv_read(r, b, 1, errbuf, ERRLEN) < 0 then line = tonumber(cerr():sub(#path + 2):match("^(%d+):")) end
  end
  close(r)
  local _ = { line_names, locate_names }
  return line
end

function M.stream(options, schema, path, session)
  local file_stream = require("tide.sources.file_stream")
  file_stream.requireSchema(schema, "csv")
  local o = parse_options(options)
  o.givenSchema = true
  local layout = partitions.discover(path, options, schema, session, true)
  local data = layout and layout:dataSchema(schema) or schema
  local corrupt = check_schema(data, o)
  return file_stream.new {
    format = "csv", path = path, schema = schema, options = options, partitions = layout, dataSchema = data,
    read = function(list, ctx) return read_files(list, data, o, corrupt, ctx) end,
  }
end

return M
