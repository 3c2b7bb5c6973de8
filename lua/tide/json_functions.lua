-- tide.json_functions — from_json and to_json for tide.eval, over whole
-- columns through the C kernels (tide_from_json in from_json.cc, tide_to_json in
-- json_write.c), and the functions of JSON text without a schema
-- (json_path.cc, json_fields.cc): get_json_object, json_tuple, json_array_length,
-- json_object_keys, schema_of_json.
--
--   F.from_json(F.col("value"), schema, { mode = "PERMISSIVE",
--                                         columnNameOfCorruptRecord = "_corrupt_record" })
--   F.to_json(F.struct("id", "probability"))
--
-- from_json options (Spark's names):
--   mode                       PERMISSIVE (default) | DROPMALFORMED | FAILFAST
--   columnNameOfCorruptRecord  a top-level string field of the schema that gets
--                              the raw text of malformed records; by default
--                              "_corrupt_record" when the schema has it
--   allowNonNumericNumbers     NaN, Infinity, -INF, ... as numbers, and the strings
--                              "NaN", "Infinity", ... in float/double fields (true)
--   allowSingleQuotes          strings (and names) in single quotes (true)
--   dateFormat                 date fields: Spark's pattern letters, read strictly;
--                              by default CAST(string AS date)'s forms
--   timestampFormat            timestamp fields: Spark's pattern letters, read
--                              strictly; by default CAST(string AS timestamp)'s
--   enableDateTimeParsingFallback  after dateFormat (or CAST), CAST's forms
--                              with "GMT" taken out, then for dates an int of
--                              days (true unless dateFormat, for timestamps
--                              timestampFormat, is given)
-- Malformed records add to ctx.malformed. In DROPMALFORMED mode their rows
-- are handed to ctx.dropRows(status, count), so that the projection drops
-- whole rows (and counts them in ctx.dropped); FAILFAST raises an error
-- naming the record's origin (ctx.describeRow(row)), or the error
-- ctx.malformedRecord(row, why) makes, for a caller that names its records
-- its own way (the JSON file source: file and line).
-- to_json options: ignoreNullFields (true) leaves null fields out;
-- timestampFormat (Spark's pattern letters; by default
-- yyyy-MM-dd'T'HH:mm:ss.SSSXXX, milliseconds) writes timestamps, also
-- inside structs and arrays: "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX" keeps their
-- microseconds, which from_json reads back; dateFormat (by default
-- yyyy-MM-dd) writes dates.
-- Arrays: from_json reads a JSON array into an array field (null elements
-- kept; an element that does not fit fails its top-level field as a
-- scalar does); to_json writes arrays, null elements as null.
-- An array schema ("array<struct<a:int>>") reads a JSON array as the
-- whole document (an object, when the elements are structs, as an array
-- of it alone; a malformed record is a null array, as Spark's).
-- Maps: from_json reads a JSON object into a map field, or as the whole
-- schema ("map<string,int>", a malformed record giving a null map), its
-- members the entries in order (null values kept, a duplicate name an
-- entry of its own, as Spark's); as Spark's, keys must be strings, checked
-- when the plan is compiled. to_json writes maps as objects, null values
-- as null, other keys named by their text (json_write.c's put_map_key).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local checks = require("tide.checks")

local M = {}

local MODES = { PERMISSIVE = 0, DROPMALFORMED = 1, FAILFAST = 2 }
M.MODES = MODES
local errbuf = ffi.new("char[1024]")
local failed = ffi.new("int64_t[1]")

local function truthy(v, default)
  if v == nil then return default end
  if type(v) == "string" then return v:lower() == "true" end
  return v and true or false
end

-- A dateFormat (or timestampFormat: option) compiled for parsing or
-- formatting, freed with the plan that keeps it.
local function date_pattern(fmt, parsing, fn, option)
  fmt = tostring(fmt)
  local p = C.tide_datetime_pattern_compile(fmt, #fmt, parsing and 1 or 0, errbuf, 1024)
  if p == nil then error(("%s option %s: %s"):format(fn, option or "dateFormat", ffi.string(errbuf)), 0) end
  return ffi.gc(p, C.tide_datetime_pattern_free)
end

-- Whether t is, or holds, a map whose keys are not strings.
local function non_string_keys(t)
  if t.id == T.ID.map then
    return t.keyType.id ~= T.ID.string or non_string_keys(t.valueType)
  end
  if t.elementType then return non_string_keys(t.elementType) end
  for _, f in ipairs(t.fields or {}) do
    if non_string_keys(f.dataType) then return true end
  end
  return false
end

-- The schema flattened in preorder for tide_from_json. The Lua strings of
-- the names stay referenced by the returned table, which keeps the C
-- pointers to them valid.
function M.flatten(schema, name)
  if not (T.isType(schema) and (schema.id == T.ID.struct or schema.id == T.ID.map or schema.id == T.ID.array)) then
    error("from_json needs a struct, map or array schema, not " .. tostring(schema), 0)
  end
  -- A JSON object's member names are strings: Spark's from_json refuses
  -- any other key type when it is analyzed.
  if non_string_keys(schema) then
    error(('from_json: [DATATYPE_MISMATCH.INVALID_JSON_MAP_KEY_TYPE] input schema "%s" can only contain '
      .. "string as a key type for a map"):format(schema:simpleString()), 0)
  end
  local list = {}
  local function add(fname, t)
    list[#list + 1] = { name = fname, t = t }
    if t.id == T.ID.array then
      add("element", t.elementType)
    elseif t.id == T.ID.map then
      add("key", t.keyType)
      add("value", t.valueType)
    else
      for _, f in ipairs(t.fields or {}) do add(f.name, f.dataType) end
    end
  end
  add(name or "from_json", schema)
  local fields = ffi.new("tide_json_field[?]", #list)
  local names = {}
  for i, e in ipairs(list) do
    local c = fields[i - 1]
    names[i] = e.name
    c.name = e.name
    c.type = e.t.ntz and T.ID.string or e.t.id -- (a TIMESTAMP_NTZ read as its text first: ntz_values)
    c.precision = e.t.precision or e.t.bits or 0 -- (a tinyint's, smallint's range)
    c.scale = e.t.scale or 0
    c.num_children = e.t.id == T.ID.array and 1 or e.t.id == T.ID.map and 2 or e.t.fields and #e.t.fields or 0
  end
  return { fields = fields, n = #list, names = names }
end

-- Spark's JSON parser options tide's parsing does not apply, with their
-- defaults (tide.checks.refuseOptionsNotApplied): from_json, schema_of_json
-- and the JSON source refuse them unless set so.
M.PARSER_OPTIONS_NOT_APPLIED = { { "allowComments", "false" }, { "allowUnquotedFieldNames", "false" },
  { "allowNumericLeadingZeros", "false" }, { "allowBackslashEscapingAnyCharacter", "false" },
  { "allowUnquotedControlChars", "false" }, { "locale", "en-US" }, { "inferTimestamp", "false" },
  -- (text is read in the session's time zone, spark.sql.session.timeZone;
  -- TIMESTAMP_NTZ fields by CAST's forms)
  { "timeZone" }, { "timestampNTZFormat" } }

local function refuse_not_applied(fn, opts)
  local lowered = {}
  for k, v in pairs(opts or {}) do lowered[tostring(k):lower()] = v end
  checks.refuseOptionsNotApplied(fn, lowered, M.PARSER_OPTIONS_NOT_APPLIED)
end

-- Everything from_json needs, checked once when the plan is compiled.
function M.fromJsonPlan(schema, opts, name)
  opts = opts or {}
  refuse_not_applied("from_json", opts)
  local mode = MODES[(opts.mode or "PERMISSIVE"):upper()]
  if not mode then
    error("from_json mode must be PERMISSIVE, DROPMALFORMED or FAILFAST, not " .. tostring(opts.mode), 0)
  end
  local plan = M.flatten(schema, name)
  local corrupt = -1
  local cname = opts.columnNameOfCorruptRecord
  if cname == nil and schema:fieldIndex("_corrupt_record") then cname = "_corrupt_record" end
  if cname ~= nil and schema.id == T.ID.struct then
    local i = schema:fieldIndex(cname)
    if i then
      if schema.fields[i].dataType.id ~= T.ID.string then
        error(("from_json: the field for corrupt records (%s) must be a string, not %s"):format(
          cname, schema.fields[i].dataType:simpleString()), 0)
      end
      corrupt = i - 1
    end
  end
  -- Spark's JacksonParser: dateFormat strictly when given, else CAST's
  -- forms; the fallback after it is on unless a dateFormat is given.
  plan.options = ffi.new("tide_json_options", mode, corrupt, truthy(opts.allowNonNumericNumbers, true) and 1 or 0,
    truthy(opts.enableDateTimeParsingFallback, opts.dateFormat == nil) and 1 or 0)
  if opts.dateFormat ~= nil then
    plan.datePattern = date_pattern(opts.dateFormat, true, "from_json")
    plan.options.date_format = plan.datePattern
  end
  -- timestamps alike, their fallback on unless a timestampFormat is given
  plan.options.timestamp_fallback = truthy(opts.enableDateTimeParsingFallback, opts.timestampFormat == nil) and 1 or 0
  plan.options.no_single_quotes = truthy(opts.allowSingleQuotes, true) and 0 or 1
  if opts.timestampFormat ~= nil then
    plan.timestampPattern = date_pattern(opts.timestampFormat, true, "from_json", "timestampFormat")
    plan.options.timestamp_format = plan.timestampPattern
  end
  plan.mode = mode
  plan.type = schema
  return plan
end

-- Calls fn(c, ft) for each column c in col, of type t, that is no
-- collection (col itself, or an array's elements, a map's keys and
-- values, a struct's fields, at any depth), ft its type.
local function each_leaf(col, t, fn)
  if t.id == T.ID.array then
    each_leaf(col.children[0], t.elementType, fn)
  elseif t.id == T.ID.map then
    each_leaf(col.children[0], t.keyType, fn)
    each_leaf(col.children[1], t.valueType, fn)
  elseif t.id == T.ID.struct then
    for i, f in ipairs(t.fields) do each_leaf(col.children[i - 1], f.dataType, fn) end
  else
    fn(col, t)
  end
end

-- The columns of void fields (T.null: Spark's NullType, which its JSON
-- parser reads as null whatever the text holds) in col, of type t, made
-- all null: the kernel reads them as the strings they are held in.
local function null_voids(out, col, t)
  each_leaf(col, t, function(c, ft)
    if not ft.void then return end
    local bytes = math.max(math.floor((tonumber(c.length) + 7) / 8), 1)
    local validity = C.tide_arena_calloc(out.arena, bytes)
    if validity == nil then error("out of memory", 0) end
    c.validity, c.null_count = ffi.cast("uint8_t*", validity), c.length
  end)
end

-- The columns of TIMESTAMP_NTZ fields in col, of type t, read from the
-- text the kernel left in them as Spark's JSON reader reads a local
-- date-time: NULL where it has a zone (tide.eval_timestamp_ntz).
local function ntz_values(out, col, t)
  each_leaf(col, t, function(c, ft)
    if not ft.ntz then return end
    local parsed = ffi.new("tide_column")
    if C.tide_eval_timestamp_ntz_parse(out, c, 0, parsed, errbuf, 1024) ~= 0 then error(ffi.string(errbuf), 0) end
    ffi.copy(c, parsed, ffi.sizeof("tide_column"))
  end)
end

-- Runs from_json over a string or binary column into dst, a column slot
-- (tide.eval's newColumn(out) or one of out's columns) whose buffers go in out's arena. Returns the number of
-- malformed rows and, when any in DROPMALFORMED mode (or any mode with
-- want_status), their statuses (a uint8_t array: 1 = malformed).
function M.fromJson(plan, out, input, dst, ctx, want_status)
  local n = tonumber(input.length)
  local status = nil
  if plan.mode == MODES.DROPMALFORMED or want_status then status = ffi.new("uint8_t[?]", math.max(n, 1)) end
  failed[0] = -1
  local k = C.tide_from_json(out, input, plan.fields, plan.n, plan.options, dst, status, failed, errbuf, 1024)
  if k < 0 then M.raiseParseError(ffi.string(errbuf), tonumber(failed[0]), ctx) end
  if plan.type.simple:find("void", 1, true) then null_voids(out, dst, plan.type) end
  if plan.type.simple:find("timestamp_ntz", 1, true) then ntz_values(out, dst, plan.type) end
  k = tonumber(k)
  if ctx then ctx.malformed = (ctx.malformed or 0) + k end
  return k, k > 0 and status or nil
end

-- Raises a parsing kernel's error (from_json's, from_csv's) about row
-- (-1: none): a FAILFAST record through ctx.malformedRecord, which places
-- the row (a topic, partition and offset), the kernel's words without its
-- row number; else the message with the row described where ctx can.
function M.raiseParseError(msg, row, ctx)
  if row >= 0 and ctx and ctx.malformedRecord then
    error(ctx.malformedRecord(row, msg:match("^Malformed records are detected in record parsing%. "
      .. "Parse Mode: FAILFAST%. Row %d+: (.*)$") or msg), 0)
  end
  if row >= 0 and ctx and ctx.describeRow then
    local ok, where = pcall(ctx.describeRow, row)
    if ok and where then msg = msg .. " (" .. where .. ")" end
  end
  error(msg, 0)
end

-- to_json's options, checked once when the plan is compiled: the C
-- options, and the compiled timestampFormat and dateFormat patterns they
-- point to (kept alive by the returned table).
function M.toJsonPlan(opts)
  -- Spark's option names are case-insensitive
  local lowered = {}
  for k, v in pairs(opts or {}) do
    if type(k) == "string" then lowered[k:lower()] = v end
  end
  opts = { dateFormat = lowered.dateformat, timestampFormat = lowered.timestampformat,
           ignoreNullFields = lowered.ignorenullfields }
  local plan = { options = ffi.new("tide_json_write_options") }
  plan.options.pretty = truthy(lowered.pretty, false) and 1 or 0
  if opts.dateFormat ~= nil then
    plan.datePattern = date_pattern(opts.dateFormat, false, "to_json")
    plan.options.date_format = plan.datePattern
  end
  plan.options.include_nulls = truthy(opts.ignoreNullFields, true) and 0 or 1
  local fmt = opts.timestampFormat
  if fmt ~= nil then
    fmt = tostring(fmt)
    local p = C.tide_datetime_pattern_compile(fmt, #fmt, 0, errbuf, 1024)
    if p == nil then error("to_json option timestampFormat: " .. ffi.string(errbuf), 0) end
    plan.pattern = ffi.gc(p, C.tide_datetime_pattern_free)
    plan.options.timestamp_format = p
  end
  return plan
end

-- Runs to_json over any column into dst; plan is toJsonPlan's, or the
-- options it takes.
function M.toJson(out, input, dst, plan)
  if not (plan and plan.options) then plan = M.toJsonPlan(plan) end
  if C.tide_to_json_with(out, input, plan.options, dst, errbuf, 1024) ~= 0 then
    error(ffi.string(errbuf), 0)
  end
  return dst
end

-- ---- JSON text without a schema (json_path.cc, json_fields.cc) ----------------------------
--
-- get_json_object(json, path), json_tuple(json, name, ...) (a generator:
-- tide.generate makes its columns), json_array_length, json_object_keys
-- and schema_of_json, as Spark 3.5's. The text may use single quotes and
-- raw control characters in strings, as the Jackson parser Spark reads it
-- with allows (schema_of_json: single quotes only, its default options);
-- text that is not JSON gives NULL. get_json_object's path may be a
-- column; json_tuple's names and schema_of_json's text must be literals.

local function json_text(node, c, ev, position)
  local id = c.type.id
  if id == T.ID.string or id == T.ID.binary then return c end
  if require("tide.eval_coerce").isVoid(c.type) then return ev.castTo(c, T.string) end
  ev.typeError(node, ('%s needs a string as its %s argument, not %s (%s)'):format(node.fn, position or "first",
    c.type:simpleString(), c.name))
end

local function get_json_object(node, _, compileChild, ev)
  local fns = require("tide.eval_functions")
  local args = fns.argsOf(node, compileChild, 2, 2, ev)
  local json, path = json_text(node, args[1], ev), json_text(node, args[2], ev, "second")
  return fns.overArgs(ev, node, T.string, { json, path }, function(out, cols, dst)
    return C.tide_eval_get_json_object(out, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
  end)
end

-- One kernel of the json text alone, giving type t.
local function of_json(kernel, t)
  return function(node, _, compileChild, ev)
    local fns = require("tide.eval_functions")
    local json = json_text(node, fns.argsOf(node, compileChild, 1, 1, ev)[1], ev)
    return fns.overArgs(ev, node, t, { json }, function(out, cols, dst)
      return kernel(out, cols[1], dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- json_tuple(json, name, ...): in a select, tide.generate compiles it with
-- node.asStruct, for a struct of its columns (c0, c1, ...); anywhere else
-- it is a generator in an expression, as Spark refuses.
local function json_tuple(node, _, compileChild, ev)
  if not node.asStruct then
    error(("The generator is not supported: nested in expressions %q (json_tuple goes directly in a select)")
      :format(ev.sqlName(node)), 0)
  end
  local fns = require("tide.eval_functions")
  local n = #(node.args or {})
  if n < 2 then
    ev.typeError(node, ("[WRONG_NUM_ARGS] json_tuple requires at least 2 arguments (the JSON and a field name),"
      .. " not %d"):format(n))
  end
  local args = fns.argsOf(node, compileChild, 2, nil, ev)
  local function not_string(c) -- (an untyped NULL too, as Spark: json_tuple(NULL, 'a'))
    ev.typeError(node, ("[DATATYPE_MISMATCH.NON_STRING_TYPE] json_tuple requires that all arguments are strings,"
      .. " not %s (%s)"):format(c.type:simpleString(), c.name))
  end
  if require("tide.eval_coerce").isVoid(args[1].type) then not_string(args[1]) end
  local json = json_text(node, args[1], ev)
  local names, fields = {}, {}
  for i = 2, #args do
    local c = args[i]
    if c.type.id ~= T.ID.string then not_string(c) end
    local name = fns.literalString(node, c, ev, "field name")
    names[i - 1] = name
    fields[i - 1] = T.field("c" .. (i - 2), T.string, true)
  end
  local k = #args - 1
  local c_names = ffi.new("const char*[?]", k)
  for i = 1, k do c_names[i - 1] = names[i] end
  return fns.overArgs(ev, node, T.struct(fields), { json }, function(out, cols, dst)
    local _ = names -- (keeps the strings c_names points to)
    return C.tide_eval_json_tuple(out, cols[1], c_names, k, dst, ev.errbuf, ev.errlen)
  end)
end

-- schema_of_json's options tide takes, Spark's spellings: flags of
-- tide_json_schema_of. Spark's other JSON options are refused when
-- given (their defaults are tide's); names Spark does not know it ignores.
local INFER_FLAGS = { prefersdecimal = C.TIDE_JSON_PREFERS_DECIMAL,
                      primitivesasstring = C.TIDE_JSON_PRIMITIVES_AS_STRING,
                      dropfieldifallnull = C.TIDE_JSON_DROP_FIELD_IF_ALL_NULL }
local OTHER_JSON_OPTIONS = { "allowSingleQuotes", "allowNonNumericNumbers", "samplingRatio",
  "mode", "columnNameOfCorruptRecord", "dateFormat", "timestampFormat", "multiLine", "encoding",
  "lineSep" }

local function infer_flags(opts, fn)
  refuse_not_applied(fn, opts)
  local flags = 0
  for key, value in pairs(opts or {}) do
    local lower = tostring(key):lower()
    local v = tostring(value):lower()
    if INFER_FLAGS[lower] then
      if v ~= "true" and v ~= "false" then error(("%s: option %s must be true or false, not %q"):format(fn, key,
        tostring(value)), 0) end
      if v == "true" then flags = bit.bor(flags, INFER_FLAGS[lower]) end
    else
      for _, name in ipairs(OTHER_JSON_OPTIONS) do
        if name:lower() == lower then
          error(("%s: option %s is not supported by tide (its default is Spark's; prefersDecimal,"
            .. " primitivesAsString and dropFieldIfAllNull are)"):format(fn, name), 0)
        end
      end
    end
  end
  return flags
end

-- Spark's DDL of the type it infers for a JSON document (tide_json_schema_of),
-- with opts (prefersDecimal, primitivesAsString).
function M.schemaOf(text, opts)
  local flags = infer_flags(opts, "schema_of_json")
  local size = 256
  while true do
    local buf = ffi.new("char[?]", size)
    local n = C.tide_json_schema_of(text, #text, flags, buf, size, errbuf, 1024)
    if n < 0 then error(ffi.string(errbuf), 0) end
    if n < size then return ffi.string(buf, n) end
    size = tonumber(n) + 1
  end
end

-- schema_of_json(json[, options]): a string, computed once from the
-- literal text when the plan is compiled.
local function schema_of_json(node, _, compileChild, ev)
  local fns = require("tide.eval_functions")
  local args = fns.argsOf(node, compileChild, 1, 2, ev)
  local is_lit, text = ev.literalOf(args[1])
  if not is_lit or type(text) ~= "string" then
    ev.typeError(node, ("[NON_FOLDABLE_INPUT] the input json should be a foldable string expression and not null;"
      .. " however, got %s"):format(args[1].name))
  end
  local opts = node.args[2] and require("tide.eval_csv").sqlOptions(node.args[2], "schema_of_json") or node.opts
  local ok, ddl = pcall(M.schemaOf, text, opts)
  if not ok then error(("%s: %s"):format(ev.sqlName(node), ddl), 0) end
  local c = compileChild({ k = "lit", value = ddl })
  c.name = ev.sqlName(node)
  return c
end

-- ---- registration with tide.eval ----------------------------------------------------

-- ASSUMED CONTRACT (docs/architecture.md; adjust when eval.lua settles):
-- eval.register(name, compiler) where compiler(node, schema, compileChild)
-- returns { type, name, run = function(input_batch, out_batch, ctx) ->
-- tide_column* }, and compileChild(node) gives the same for an argument.
-- A DROPMALFORMED from_json asks the projection to drop rows through
-- ctx.dropRows(status), status being a uint8_t array with 1 for each row
-- to drop (eval.project applies it after computing every column).
function M.register(eval)
  if M.registeredWith == eval then return end
  M.registeredWith = eval
  local new_column = eval.newColumn
  eval.register("from_json", function(node, schema, compileChild)
    local child = compileChild(node.args[1])
    local ctype = child.type
    if ctype.id ~= T.ID.string and ctype.id ~= T.ID.binary then
      error(("from_json needs a string column, not %s"):format(ctype:simpleString()), 0)
    end
    local opts = node.opts or {}
    local plan = M.fromJsonPlan(opts.schema, opts, "from_json(" .. (child.name or "value") .. ")")
    return {
      type = plan.type,
      -- (Spark names from_json of a map type "entries": tide.sql_names)
      name = plan.type.id == T.ID.map and "entries" or "from_json(" .. (child.name or "value") .. ")",
      run = function(input, out, ctx)
        local col = child.run(input, out, ctx)
        local dst = new_column(out)
        local k, status = M.fromJson(plan, out, col, dst, ctx)
        if status and ctx and ctx.dropRows then ctx.dropRows(status, k) end
        return dst
      end,
    }
  end)
  eval.register("get_json_object", get_json_object)
  eval.register("json_tuple", json_tuple)
  eval.register("json_array_length", of_json(C.tide_eval_json_array_length, T.int))
  eval.register("json_object_keys", of_json(C.tide_eval_json_object_keys, T.array(T.string)))
  eval.register("schema_of_json", schema_of_json)
  eval.register("to_json", function(node, schema, compileChild)
    local child = compileChild(node.args[1])
    local sql_options = node.args[2] and require("tide.eval_csv").sqlOptions(node.args[2], "to_json")
    local opts = M.toJsonPlan(sql_options or node.opts)
    return {
      type = T.string,
      name = "to_json(" .. (child.name or "value") .. ")",
      run = function(input, out, ctx)
        local col = child.run(input, out, ctx)
        local dst = new_column(out)
        M.toJson(out, col, dst, opts)
        return dst
      end,
    }
  end)
end

-- Requiring this module registers the functions when tide.eval is loaded
-- already; an eval that requires this module while it loads itself calls
-- M.register(eval) instead (the require below then fails as a loop, and is
-- ignored).
package.loaded["tide.json_functions"] = M
local ok, eval = pcall(require, "tide.eval")
if ok and type(eval) == "table" and type(eval.register) == "function" then M.register(eval) end

return M
