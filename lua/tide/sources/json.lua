-- The JSON source: JSON lines (one object per line), as Spark's json format
-- without multiLine (docs/csv.md, "JSON lines"):
--
--   spark.read:json("events/*.json")                          -- schema inferred
--   spark.read:schema("id bigint, site string"):json("events/", { mode = "DROPMALFORMED" })
--   spark.readStream:format("json"):schema(ddl):option("maxFilesPerTrigger", 1):load("incoming/")
--
-- Paths resolve as the CSV source's (tide.files). The CSV reader splits the
-- files into lines (tide.sources.csv lineReader: gzip, LF or CRLF, line
-- numbers), and from_json's kernel (simdjson) parses a chunk of lines at a
-- time straight into typed columns, with its modes for malformed records.
-- Blank lines are skipped, as Spark skips them. Inferring a schema
-- follows Spark's JsonInferSchema, in C as schema_of_json does
-- (json_schema_of.cc), for what tide has types for (docs/csv.md).
local bit = require("bit")
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local files = require("tide.files")
local file_filter = require("tide.file_filter")
local batchlib = require("tide.batch")
local checks = require("tide.checks")
local csv = require("tide.sources.csv")
local input_files = require("tide.input_files")
local json_functions = require("tide.json_functions")
local ops = require("tide.dataframe_ops")
local partitions = require("tide.partitions")

local M = {}

local CHUNK_ROWS = 65536
local ERRLEN = 1024
local errbuf = ffi.new("char[?]", ERRLEN)
local function cerr() return ffi.string(errbuf) end

-- Spark's spellings, for load()'s warning about a misspelled option.
M.knownOptions = file_filter.withFileOptions { "mode", "columnNameOfCorruptRecord", "samplingRatio",
  "primitivesAsString", "prefersDecimal", "dropFieldIfAllNull", "allowNonNumericNumbers", "multiLine", "encoding",
  "lineSep", "dateFormat", "enableDateTimeParsingFallback", "timestampFormat", "inferTimestamp", "timeZone",
  "timestampNTZFormat" }

-- ---- options ---------------------------------------------------------------------

local MODES = { PERMISSIVE = true, DROPMALFORMED = true, FAILFAST = true }

local function flag(options, key, default)
  local v = options[key:lower()]
  if v == nil then return default end
  if v:lower() ~= "true" and v:lower() ~= "false" then
    error(("JSON option %s must be true or false, not %q"):format(key, v), 0)
  end
  return v:lower() == "true"
end

local function parse_options(options)
  local o = {
    mode = (options.mode or "PERMISSIVE"):upper(),
    corruptColumn = options.columnnameofcorruptrecord or "_corrupt_record",
    samplingRatio = tonumber(options.samplingratio or 1),
    primitivesAsString = flag(options, "primitivesAsString", false),
    prefersDecimal = flag(options, "prefersDecimal", false),
    dropFieldIfAllNull = flag(options, "dropFieldIfAllNull", false),
    allowNonNumericNumbers = flag(options, "allowNonNumericNumbers", true),
    allowSingleQuotes = flag(options, "allowSingleQuotes", true),
    -- Date fields (from_json's options): strings are never inferred as
    -- dates, as Spark's JsonInferSchema infers none.
    dateFormat = options.dateformat,
    timestampFormat = options.timestampformat,
    -- (as given: its default differs for dates and timestamps)
    parsingFallback = options.enabledatetimeparsingfallback,
  }
  flag(options, "enableDateTimeParsingFallback", true) -- (checked: true or false)
  if not MODES[o.mode] then
    error(("JSON option mode must be PERMISSIVE, DROPMALFORMED or FAILFAST, not %q"):format(options.mode), 0)
  end
  if flag(options, "multiLine", false) then
    error("JSON option multiLine=true is not supported: tide reads JSON lines, one object per line", 0)
  end
  local sep = options.linesep
  if sep and sep ~= "\n" and sep ~= "\r\n" and sep ~= "\\n" and sep ~= "\\r\\n" then
    error(("JSON option lineSep %q is not supported: lines end with LF or CRLF"):format(sep), 0)
  end
  local enc = (options.encoding or options.charset or "utf-8"):lower():gsub("[-_]", "")
  if enc ~= "utf8" and enc ~= "ascii" and enc ~= "usascii" then
    error(("JSON encoding %s is not supported (tide reads UTF-8)"):format(options.encoding or options.charset), 0)
  end
  if not o.samplingRatio or o.samplingRatio <= 0 or o.samplingRatio > 1 then
    error(("JSON option samplingRatio must be in (0, 1], not %q"):format(options.samplingratio), 0)
  end
  checks.refuseOptionsNotApplied("JSON", options, json_functions.PARSER_OPTIONS_NOT_APPLIED)
  return o
end

-- ---- records: the non-blank lines of a file, a chunk at a time ----------------------

local blank_free = C.tide_regex_compile("[^ \\t\\r\\n]", 10, errbuf, ERRLEN)
assert(blank_free ~= nil, "compiling the blank-line pattern")
blank_free = ffi.gc(blank_free, C.tide_regex_free) -- (freed with the Lua state, for the leak checks)

-- The error of a malformed record in FAILFAST mode, at the file and line
-- where it starts.
local function failfast(path, line, why)
  return ("%s:%s: malformed JSON record (%s). Parse mode FAILFAST; use PERMISSIVE or DROPMALFORMED to read past it")
    :format(path, line or "?", why)
end

-- (tide_json_split_arrays's out-parameter: the row each record came from)
local origin = ffi.new("int64_t*[1]")

-- Calls fn(records, line_of, split) for each chunk of the file's records:
-- the lines that hold more than white space, as a batch of one string
-- column, a line holding an array of objects a record of each (Spark's,
-- SPARK-3308); line_of(row) is the line the record in that row starts on
-- (for errors, so it may read the file again). split, when a line was
-- split: { lines = the lines (a batch as records), from = the line each
-- record came from (an int64_t array) }. Advances progress with the
-- file's bytes.
local function each_chunk(path, progress, fn)
  local lines = csv.lineReader(path)
  local ok, err = pcall(function()
    local before = 0 -- lines of the file in the chunks before this one
    while true do
      local text = lines:next(CHUNK_ROWS)
      if not text then break end
      local scratch = batchlib.wrap(C.tide_batch_derive(text, 1), "out of memory reading " .. path)
      if C.tide_eval_regex_match(scratch, text.columns, blank_free, scratch.columns, errbuf, ERRLEN) ~= 0 then
        error(("reading %s: %s"):format(path, cerr()), 0)
      end
      local records = C.tide_batch_filter(text, scratch.columns, errbuf, ERRLEN)
      if records == nil then error(("reading %s: %s"):format(path, cerr()), 0) end
      records = batchlib.wrap(records)
      local split = C.tide_json_split_arrays(records, origin, errbuf, ERRLEN)
      if split == nil and errbuf[0] ~= 0 then error(("reading %s: %s"):format(path, cerr()), 0) end
      local from = split ~= nil and origin[0]
      local lines_split = from and { lines = records, from = from }
      if split ~= nil then records = batchlib.wrap(split) end
      local first = before
      local function line_of(row)
        if from then row = tonumber(from[row]) end
        local kept = ffi.cast("uint8_t*", scratch.columns[0].values)
        local i, seen = 0, -1
        while seen < row do
          if kept[i] ~= 0 then seen = seen + 1 end
          i = i + 1
        end
        return csv.lineOf(path, first + i - 1)
      end
      fn(records, line_of, lines_split)
      before = before + tonumber(text.num_rows)
      progress:update(lines:bytesRead(), nil)
    end
  end)
  lines:close()
  if not ok then error(err, 0) end
end

-- ---- schema inference (Spark's JsonInferSchema, for JSON lines) ----------------------

-- Spark's inference options, as tide_json_inference's flags.
local function infer_flags(o)
  local flags = 0
  if o.prefersDecimal then flags = bit.bor(flags, C.TIDE_JSON_PREFERS_DECIMAL) end
  if o.primitivesAsString then flags = bit.bor(flags, C.TIDE_JSON_PRIMITIVES_AS_STRING) end
  if o.dropFieldIfAllNull then flags = bit.bor(flags, C.TIDE_JSON_DROP_FIELD_IF_ALL_NULL) end
  if not o.allowSingleQuotes then flags = bit.bor(flags, C.TIDE_JSON_NO_SINGLE_QUOTES) end
  return flags
end

local function sampler(ratio)
  local taken, seen = 0, 0
  return function()
    seen = seen + 1
    if math.floor(seen * ratio) > taken then
      taken = taken + 1
      return true
    end
    return false
  end
end

-- The schema of the records of the files in list, inferred in C
-- (json_schema_of.cc) a chunk at a time, sampled by samplingRatio.
local function infer(list, o)
  local inference = C.tide_json_inference_new(infer_flags(o))
  if inference == nil then error("out of memory inferring a JSON schema", 0) end
  inference = ffi.gc(inference, C.tide_json_inference_free)
  local any_malformed = false
  local sampled = o.samplingRatio < 1 and sampler(o.samplingRatio)
  local progress = csv.progress(list, "inferring the schema of")
  for _, f in ipairs(list) do
    each_chunk(f.path, progress, function(records, line_of)
      local n = tonumber(records.num_rows)
      local skip = nil
      if sampled then
        skip = ffi.new("uint8_t[?]", math.max(n, 1))
        for row = 0, n - 1 do skip[row] = sampled() and 0 or 1 end
      end
      local malformed = ffi.new("uint8_t[?]", math.max(n, 1))
      local bad = C.tide_json_inference_add(inference, records.columns, skip, malformed, errbuf, ERRLEN)
      if bad < 0 then error(cerr(), 0) end
      if bad > 0 then
        any_malformed = true
        if o.mode == "FAILFAST" then
          local row = 0
          while malformed[row] == 0 do row = row + 1 end
          error(failfast(f.path, line_of(row), cerr()), 0)
        end
      end
    end)
    progress:advance(f.size)
  end
  progress:done()
  local need = C.tide_json_inference_schema(inference, nil, 0)
  if need < 0 then error("out of memory inferring a JSON schema", 0) end
  local ddl = ffi.new("char[?]", need + 1)
  C.tide_json_inference_schema(inference, ddl, need + 1)
  local fields = need > 0 and T.parse(ffi.string(ddl, need)).fields or {}
  -- As Spark, PERMISSIVE keeps malformed records' text in a column of
  -- their own, sorted in with the others (withCorruptField).
  if any_malformed and o.mode == "PERMISSIVE" then
    local have = false
    for _, field in ipairs(fields) do have = have or field.name == o.corruptColumn end
    if not have then
      local at = 1
      while fields[at] and fields[at].name < o.corruptColumn do at = at + 1 end
      table.insert(fields, at, T.field(o.corruptColumn, T.string, true))
    end
  end
  if #fields == 0 then
    error("Unable to infer schema for JSON: the files hold no JSON object. It must be specified manually.", 0)
  end
  return T.struct(fields)
end

-- ---- reading -------------------------------------------------------------------------

-- The rows of part (from_json's over split records, statuses their
-- malformed flags) with every record of a line that held a malformed one
-- made malformed too, as Spark's: the line is one record to its parser,
-- which keeps the values of the objects it read and marks each with the
-- line's text (PERMISSIVE's corrupt record column); DROPMALFORMED drops
-- them all. Returns them and how many rows are malformed now. (Runs for
-- chunks with a malformed record only.)
local function whole_lines_malformed(part, status, split, plan)
  local n, from = part:count(), split.from
  local bad = {} -- the lines that held a malformed record
  for r = 0, n - 1 do
    if status[r] == 1 then bad[tonumber(from[r])] = true end
  end
  local k, pick = 0, ffi.new("int64_t[?]", math.max(n, 1))
  for r = 0, n - 1 do
    if bad[tonumber(from[r])] then status[r], k, pick[r] = 1, k + 1, n + r else pick[r] = r end
  end
  -- (DROPMALFORMED drops them: no text to give)
  local corrupt = plan.options.corrupt_field
  if corrupt < 0 or plan.mode == json_functions.MODES.DROPMALFORMED then return part, k end
  -- each row as it is, then each with its line's text as its corrupt
  -- record: the rows picked from the one or the other
  local texts = ops.take(split.lines, from, n)
  local ncols = part.num_columns
  local marked = batchlib.wrap(C.tide_batch_derive(part, ncols), "out of memory reading JSON")
  for i = 0, ncols - 1 do marked.columns[i] = part.columns[i] end
  marked.columns[corrupt] = texts.columns[0]
  local both = C.tide_batch_concat(ffi.new("tide_batch*[2]", part, marked), 2, errbuf, ERRLEN)
  if both == nil then error("reading JSON: " .. cerr(), 0) end
  return ops.take(batchlib.wrap(both), pick, n), k
end

-- The columns of `schema` read from the files of list, in one batch; the
-- malformed and dropped counts go to ctx when given, and the records read
-- (non-blank lines, dropped ones too) to ctx.sourceRecords, a stream's
-- numInputRows (as the CSV source's), and the rows each file gave too
-- (tide.input_files: input_file_name()), returned after the batch
-- (runs[i]: the rows of list[i]).
local function read_files(list, schema, plan, ctx)
  local parts, runs = {}, {}
  local progress = csv.progress(list, "reading")
  for _, f in ipairs(list) do
    local rows = 0
    each_chunk(f.path, progress, function(records, line_of, split)
      local out = batchlib.wrap(C.tide_batch_derive(records, 1), "out of memory reading " .. f.path)
      local k, status = json_functions.fromJson(plan, out, records.columns, out.columns, {
        malformedRecord = function(row, why) return failfast(f.path, line_of(row), why) end,
      }, split ~= nil)
      local parsed = out.columns[0]
      local part = batchlib.wrap(C.tide_batch_derive(out, parsed.num_children), "out of memory reading " .. f.path)
      for i = 0, parsed.num_children - 1 do part.columns[i] = parsed.children[i] end
      if status and split then part, k = whole_lines_malformed(part, status, split, plan) end
      local dropped = 0
      if status and plan.mode == json_functions.MODES.DROPMALFORMED then
        part, dropped = batchlib.dropRows(part, { status })
      end
      if ctx then
        ctx.malformed = (ctx.malformed or 0) + k
        ctx.dropped = (ctx.dropped or 0) + dropped
        ctx.sourceRecords = (ctx.sourceRecords or 0) + tonumber(records.num_rows)
      end
      parts[#parts + 1] = part
      rows = rows + part:count()
    end)
    progress:advance(f.size)
    runs[#runs + 1] = input_files.run(f.path, rows, f.size)
  end
  progress:done()
  local out
  if #parts == 0 then
    out = batchlib.fromRows({}, schema)
  else
    -- One batch of its own (the parts keep every chunk's lines alive).
    local joined = C.tide_batch_concat(ffi.new("tide_batch*[?]", #parts, parts), #parts, errbuf, ERRLEN)
    if joined == nil then error("reading JSON: " .. cerr(), 0) end
    out = batchlib.wrap(joined)
  end
  input_files.record(ctx, out, runs)
  return out, runs
end

-- Spark ML's vectors have no JSON form (the only tide type without one),
-- in a struct, an array or a map either. (A map's keys must be strings:
-- from_json's plan says so.)
local function check_types(st)
  local function check(t, name)
    if t.id == T.ID.vector then
      error(("JSON data source does not support vector data type (column %s)"):format(name), 0)
    end
    if t.id == T.ID.struct then check_types(t) end
    if t.id == T.ID.array then check(t.elementType, name) end
    if t.id == T.ID.map then
      check(t.keyType, name)
      check(t.valueType, name)
    end
  end
  for _, f in ipairs(st.fields) do check(f.dataType, f.name) end
end

local function plan_for(schema, o)
  check_types(schema)
  local ok, plan = pcall(json_functions.fromJsonPlan, schema, {
    mode = o.mode, columnNameOfCorruptRecord = o.corruptColumn,
    allowNonNumericNumbers = o.allowNonNumericNumbers and "true" or "false",
    allowSingleQuotes = o.allowSingleQuotes and "true" or "false",
    dateFormat = o.dateFormat, timestampFormat = o.timestampFormat,
    enableDateTimeParsingFallback = o.parsingFallback,
  })
  if not ok then error((tostring(plan):gsub("^from_json", "JSON source")), 0) end
  return plan
end

function M.batch(options, schema, path, session)
  local o = parse_options(options)
  local layout = partitions.discover(path, options, schema, session)
  if layout then
    local data = layout:dataSchema(schema) or infer(layout.files, o)
    local plan = plan_for(data, o)
    return csv.partitioned(layout, ("FileScan json [%s]"):format(tostring(path)), data, function(list, ctx)
      return read_files(list, data, plan, ctx)
    end)
  end
  local filter = file_filter.of(options, session)
  local list = files.resolve(path, nil, filter)
  if not schema then
    if #list == 0 then error("Unable to infer schema for JSON. It must be specified manually.", 0) end
    schema = infer(list, o)
  end
  local plan = plan_for(schema, o)
  return {
    schema = schema,
    description = ("FileScan json [%s]"):format(tostring(path)),
    paths = list,
    -- Files are listed again at each read, as Spark does for a new query.
    read = function(_, ctx) return (read_files(files.resolve(path, nil, filter), schema, plan, ctx)) end,
  }
end

function M.stream(options, schema, path, session)
  local file_stream = require("tide.sources.file_stream")
  file_stream.requireSchema(schema, "json")
  local o = parse_options(options)
  local layout = partitions.discover(path, options, schema, session, true)
  local data = layout and layout:dataSchema(schema) or schema
  local plan = plan_for(data, o)
  return file_stream.new {
    format = "json", path = path, schema = schema, options = options, partitions = layout, dataSchema = data,
    read = function(list, ctx) return read_files(list, data, plan, ctx) end,
  }
end

return M
