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
-- Blank lines are skipped, as Spark skips them. Inferring a schema parses
-- each record (tide_json_parse) and follows Spark's JsonInferSchema for
-- what tide has types for (docs/csv.md).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local files = require("tide.files")
local batchlib = require("tide.batch")
local checks = require("tide.checks")
local csv = require("tide.sources.csv")
local input_files = require("tide.input_files")
local json_functions = require("tide.json_functions")
local partitions = require("tide.partitions")

local M = {}

local CHUNK_ROWS = 65536
local ERRLEN = 1024
local errbuf = ffi.new("char[?]", ERRLEN)
local function cerr() return ffi.string(errbuf) end

-- Spark's spellings, for load()'s warning about a misspelled option.
M.knownOptions = { "mode", "columnNameOfCorruptRecord", "samplingRatio", "primitivesAsString", "prefersDecimal",
  "dropFieldIfAllNull", "allowNonNumericNumbers", "multiLine", "encoding", "lineSep", "maxFilesPerTrigger",
  "dateFormat", "enableDateTimeParsingFallback", "timestampFormat", "basePath" }

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

-- Spark's JSON options the reader does not apply, with their defaults
-- (tide.checks.refuseOptionsNotApplied): those of the parser, and
-- allowSingleQuotes, which from_json applies but inference does not.
local NOT_APPLIED = { { "allowSingleQuotes", "true" } }

local function parse_options(options)
  local o = {
    mode = (options.mode or "PERMISSIVE"):upper(),
    corruptColumn = options.columnnameofcorruptrecord or "_corrupt_record",
    samplingRatio = tonumber(options.samplingratio or 1),
    primitivesAsString = flag(options, "primitivesAsString", false),
    prefersDecimal = flag(options, "prefersDecimal", false),
    dropFieldIfAllNull = flag(options, "dropFieldIfAllNull", false),
    allowNonNumericNumbers = flag(options, "allowNonNumericNumbers", true),
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
  checks.refuseOptionsNotApplied("JSON", options, NOT_APPLIED)
  checks.refuseOptionsNotApplied("JSON", options, checks.FILE_SOURCE_OPTIONS_NOT_APPLIED)
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

-- Calls fn(records, line_of) for each chunk of the file's records: the
-- lines that hold more than white space, as a batch of one string column;
-- line_of(row) is the line the record in that row starts on (for errors,
-- so it may read the file again). Advances progress with the file's bytes.
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
      local first = before
      local function line_of(row)
        local kept = ffi.cast("uint8_t*", scratch.columns[0].values)
        local i, seen = 0, -1
        while seen < row do
          if kept[i] ~= 0 then seen = seen + 1 end
          i = i + 1
        end
        return csv.lineOf(path, first + i - 1)
      end
      fn(records, line_of)
      before = before + tonumber(text.num_rows)
      progress:update(lines:bytesRead(), nil)
    end
  end)
  lines:close()
  if not ok then error(err, 0) end
end

-- ---- schema inference (Spark's JsonInferSchema, for JSON lines) ----------------------

-- A node of the schema being inferred: kind nil (only nulls seen),
-- "boolean", "long", "double", "decimal" (precision, scale), "string",
-- "struct" (fields: name -> node) or "array" (element: a node, whose kind
-- stays nil while only empty arrays and null elements were seen).
local NUMERIC = { long = true, double = true, decimal = true }

-- Spark's compatibleType: numbers widen (long and double to double, long
-- to decimal(20,0) next to a decimal, decimals to the widest, as many
-- digits each side of the point as either has, and past 38 digits to
-- double); arrays merge their elements' types; anything else that differs
-- (an array and a scalar too) is a string.
local function vote(node, kind, precision, scale)
  local have = node.kind
  if have == kind and kind ~= "decimal" then return end
  if have == nil then
    node.kind, node.precision, node.scale = kind, precision, scale
    if kind == "struct" then node.fields = {} end
    if kind == "array" then node.element = {} end
  elseif NUMERIC[have] and NUMERIC[kind] then
    if have == "double" or kind == "double" then
      node.kind, node.precision, node.scale = "double", nil, nil
    else
      local p1, s1 = have == "long" and 20 or node.precision, have == "long" and 0 or node.scale or 0
      local p2, s2 = kind == "long" and 20 or precision, kind == "long" and 0 or scale or 0
      local s = math.max(s1, s2)
      local digits = math.max(p1 - s1, p2 - s2) + s
      if digits > 38 then
        node.kind, node.precision, node.scale = "double", nil, nil
      else
        node.kind, node.precision, node.scale = "decimal", digits, s
      end
    end
  elseif have ~= "string" then
    node.kind, node.precision, node.scale, node.fields, node.element = "string", nil, nil, nil, nil
  end
end

-- Java's BigDecimal of a number's text: its precision (significant digits,
-- at least one) and scale (digits after the point less the exponent).
local function big_decimal(text)
  local mantissa, exponent = text:match("^%-?([%d.]+)[eE]([+-]?%d+)$")
  mantissa = mantissa or text:match("^%-?([%d.]+)$")
  local whole, fraction = mantissa:match("^(%d*)%.?(%d*)$")
  local digits = (whole .. fraction):gsub("^0+", "")
  return math.max(#digits, 1), #fraction - tonumber(exponent or 0)
end

-- tide_json_kind
local J_NULL, J_FALSE, J_TRUE, J_NUMBER, J_INT64, J_UINT64, J_BIGINT, J_STRING, J_ARRAY, J_OBJECT =
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9

-- The index after the value at i of a parsed document (its subtree).
local function skip(v, i)
  local kind, count = v[i].kind, v[i].count
  i = i + 1
  if kind == J_OBJECT then
    for _ = 1, count do i = skip(v, i + 1) end -- a key, then its value
  elseif kind == J_ARRAY then
    for _ = 1, count do i = skip(v, i) end
  end
  return i
end

-- Merges the value at i of a parsed document into node; returns the index
-- after it. A number that is a whole one votes long, as its kind cannot
-- tell 1 from 1.0: probe_longs checks the longs against the text.
local function merge(node, v, i, o)
  local x = v[i]
  local kind = x.kind
  if kind == J_NULL then return i + 1 end
  if kind == J_OBJECT then
    vote(node, "struct")
    if node.kind ~= "struct" then return skip(v, i) end
    local fields, j = node.fields, i + 1
    for _ = 1, x.count do
      local name = ffi.string(v[j].text, v[j].length)
      local child = fields[name]
      if not child then
        child = {}
        fields[name] = child
      end
      j = merge(child, v, j + 1, o)
    end
    return j
  end
  if kind == J_ARRAY then
    vote(node, "array")
    if node.kind ~= "array" then return skip(v, i) end
    local element, j = node.element, i + 1
    for _ = 1, x.count do j = merge(element, v, j, o) end
    return j
  end
  if kind == J_STRING or o.primitivesAsString then
    vote(node, "string")
    return skip(v, i)
  end
  if kind == J_TRUE or kind == J_FALSE then
    vote(node, "boolean")
  elseif kind == J_NUMBER and o.prefersDecimal and x.length > 0 then
    -- (a fraction or an exponent: Spark's DecimalType(max(precision, scale), scale))
    local text = ffi.string(x.text, x.length)
    local precision, scale = big_decimal(text)
    if scale < 0 then
      error(("JSON option prefersDecimal: %s as a decimal has a negative scale, which Spark refuses too"):format(text),
        0)
    end
    if math.max(precision, scale) > 38 then
      vote(node, "double")
    else
      vote(node, "decimal", math.max(precision, scale), scale)
    end
  elseif kind == J_NUMBER then
    local n = x.number
    vote(node, (n == math.floor(n) and n > -2 ^ 63 and n < 2 ^ 63) and "long" or "double")
  elseif kind == J_INT64 then
    vote(node, "long")
  elseif kind == J_UINT64 then
    vote(node, "decimal", #tostring(ffi.cast("uint64_t", x.integer)) - 3) -- (less "ULL")
  elseif kind == J_BIGINT then
    local digits = tonumber(x.length) - (x.text[0] == 45 and 1 or 0) -- (a '-')
    if digits <= 38 then vote(node, "decimal", digits) else vote(node, "double") end
  end
  return i + 1
end

-- The type a node stands for, or nil where Spark's canonicalizeType
-- drops it; fields sorted by name, as Spark's. A field that was only ever
-- null is a string, and so is the element of arrays only ever empty (or
-- of null elements), unless drop_nulls (dropFieldIfAllNull) drops them; a
-- struct left without fields goes, and an array of it (SPARK-8093); a
-- field named "" is left out.
local function type_of(node, drop_nulls)
  local kind = node.kind
  if kind == nil then return not drop_nulls and T.string or nil end
  if kind == "array" then
    local element = type_of(node.element, drop_nulls)
    return element and T.array(element)
  end
  if kind == "struct" then
    local names = {}
    for name in pairs(node.fields) do if name ~= "" then names[#names + 1] = name end end
    table.sort(names)
    local fields = {}
    for _, name in ipairs(names) do
      local t = type_of(node.fields[name], drop_nulls)
      if t then fields[#fields + 1] = T.field(name, t, true) end
    end
    return #fields > 0 and T.struct(fields) or nil
  end
  if kind == "decimal" then return T.decimal(node.precision, node.scale or 0) end
  return T[kind or "string"]
end

-- A step into an array's elements, in the paths below (other steps are
-- field names).
local ELEMENTS = {}

-- The type of the long leaves under node and the structs and arrays above
-- them, with each leaf's path (a list of steps) appended to paths; nil
-- when there is none.
local function longs_of(node, paths, path)
  if node.kind == "long" then
    paths[#paths + 1] = { path = path, node = node }
    return T.long
  end
  if node.kind == "array" then
    local here = { unpack(path) }
    here[#here + 1] = ELEMENTS
    local et = longs_of(node.element, paths, here)
    return et and T.array(et)
  end
  if node.kind ~= "struct" then return nil end
  local fields = {}
  for name, child in pairs(node.fields) do
    local here = { unpack(path) }
    here[#here + 1] = name
    local ct = longs_of(child, paths, here)
    if ct then fields[#fields + 1] = T.field(name, ct, true) end
  end
  return #fields > 0 and T.struct(fields) or nil
end

-- The type of one path, down to a long (a struct: a path starts with a
-- field's name).
local function path_struct(path, k)
  k = k or 1
  local t = k == #path and T.long or path_struct(path, k + 1)
  if path[k] == ELEMENTS then return T.array(t) end
  return T.struct{ T.field(path[k], t, true) }
end

-- Whether from_json reads every record of `records` not in `ignore` (a
-- uint8_t per row) under schema, without a malformed one.
local function reads_all(records, schema, ignore)
  local plan = json_functions.fromJsonPlan(schema, { mode = "DROPMALFORMED" })
  local out = batchlib.wrap(C.tide_batch_derive(records, 1), "out of memory inferring a JSON schema")
  local k, status = json_functions.fromJson(plan, out, records.columns, out.columns)
  if k == 0 then return true end
  for row = 0, tonumber(records.num_rows) - 1 do
    if status[row] ~= 0 and ignore[row] == 0 then return false end
  end
  return true
end

-- A long in the inferred schema may have been a number written with a
-- fraction or an exponent (1.0, 1e3), which Spark infers as double and a
-- long column would not read: from_json, which reads the text, tells. One
-- pass over the chunk for every long, and one for each long when that
-- fails.
local function probe_longs(root, records, ignore)
  local paths = {}
  local schema = longs_of(root, paths, {})
  if not schema or reads_all(records, schema, ignore) then return end
  for _, p in ipairs(paths) do
    if not reads_all(records, path_struct(p.path), ignore) then p.node.kind = "double" end
  end
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

local function infer(list, o)
  local root = { kind = "struct", fields = {} }
  local any_malformed = false
  local sampled = sampler(o.samplingRatio)
  local count = ffi.new("int64_t[1]")
  local progress = csv.progress(list, "inferring the schema of")
  for _, f in ipairs(list) do
    each_chunk(f.path, progress, function(records, line_of)
      local col = records.columns[0]
      local offsets, data = ffi.cast("int32_t*", col.values), col.data
      local n = tonumber(records.num_rows)
      -- Rows the probe of longs leaves out: malformed, or not sampled.
      local ignore = ffi.new("uint8_t[?]", math.max(n, 1))
      for row = 0, n - 1 do
        if sampled() then
          local doc = C.tide_json_parse(data + offsets[row], offsets[row + 1] - offsets[row], errbuf, ERRLEN)
          local values = doc ~= nil and C.tide_json_doc_values(doc, count)
          if values and values[0].kind == J_OBJECT then
            -- (an error, prefersDecimal's negative scale, after the doc is freed)
            local ok, err = pcall(merge, root, values, 0, o)
            if not ok then
              C.tide_json_doc_free(doc)
              error(err, 0)
            end
          else
            ignore[row] = 1
            any_malformed = true
            if o.mode == "FAILFAST" then
              local why = values and "not a JSON object"
                or ("not valid JSON: " .. cerr():gsub("^JSON error at line 1, ", ""))
              if doc ~= nil then C.tide_json_doc_free(doc) end
              error(failfast(f.path, line_of(row), why), 0)
            end
          end
          if doc ~= nil then C.tide_json_doc_free(doc) end
        else
          ignore[row] = 1
        end
      end
      probe_longs(root, records, ignore)
    end)
    progress:advance(f.size)
  end
  progress:done()
  local schema = type_of(root, o.dropFieldIfAllNull) or T.struct({})
  -- As Spark, PERMISSIVE keeps malformed records' text in a column of
  -- their own (sorted in with the others).
  if any_malformed and o.mode == "PERMISSIVE" and not schema:fieldIndex(o.corruptColumn) then
    root.fields[o.corruptColumn] = { kind = "string" }
    schema = type_of(root, o.dropFieldIfAllNull)
  end
  if #schema.fields == 0 then
    error("Unable to infer schema for JSON: the files hold no JSON object. It must be specified manually.", 0)
  end
  return schema
end

-- ---- reading -------------------------------------------------------------------------

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
    each_chunk(f.path, progress, function(records, line_of)
      local out = batchlib.wrap(C.tide_batch_derive(records, 1), "out of memory reading " .. f.path)
      local k, status = json_functions.fromJson(plan, out, records.columns, out.columns, {
        malformedRecord = function(row, why) return failfast(f.path, line_of(row), why) end,
      })
      local parsed = out.columns[0]
      local part = batchlib.wrap(C.tide_batch_derive(out, parsed.num_children), "out of memory reading " .. f.path)
      for i = 0, parsed.num_children - 1 do part.columns[i] = parsed.children[i] end
      local dropped = 0
      if status then part, dropped = batchlib.dropRows(part, { status }) end
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
  if not schema then
    local list = files.resolve(path)
    if #list == 0 then error("Unable to infer schema for JSON. It must be specified manually.", 0) end
    schema = infer(list, o)
  end
  local plan = plan_for(schema, o)
  return {
    schema = schema,
    description = ("FileScan json [%s]"):format(tostring(path)),
    -- Files are listed again at each read, as Spark does for a new query.
    read = function(_, ctx) return (read_files(files.resolve(path), schema, plan, ctx)) end,
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
