-- tide.eval_csv — from_csv, to_csv and schema_of_csv, as Spark 3.5's, for
-- tide.eval: one C kernel over the whole column (engine/csv_expr.c,
-- csv_expr_write.c), the field conversions and type inference those of the
-- CSV reader (csv_convert.c).
--
--   F.from_csv(F.col("value"), "a INT, b DATE", { dateFormat = "dd/MM/yyyy" })
--   F.to_csv(F.struct("id", "at"), { timestampFormat = "dd/MM/yyyy HH:mm" })
--   F.schema_of_csv("1,abc")   --> STRUCT<_c0: INT, _c1: STRING>
--   selectExpr("from_csv(value, 'a int, b string', map('sep', ';'))")
--
-- Options (Spark's names, any case):
--   sep / delimiter, quote ("), escape (\), charToEscapeQuoteEscaping (the
--   escape when it is not the quote), comment (none), nullValue (""),
--   emptyValue (reading: nothing, writing: two quotes), nanValue (NaN), positiveInf
--   (Inf), negativeInf (-Inf), ignoreLeadingWhiteSpace and
--   ignoreTrailingWhiteSpace (false reading, true writing), dateFormat,
--   timestampFormat, enableDateTimeParsingFallback, preferDate; from_csv:
--   mode (PERMISSIVE or FAILFAST: Spark refuses DROPMALFORMED for it),
--   columnNameOfCorruptRecord (_corrupt_record); to_csv: quoteAll (false),
--   escapeQuotes (true). locale: en-US only. Spark's other CSV options do
--   not apply to one record and are ignored, as Spark ignores them.
-- A malformed record adds to ctx.malformed, as from_json's do; FAILFAST
-- raises naming the record's origin (ctx.describeRow(row)), or the error
-- ctx.malformedRecord(row, why) makes.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")

local M = {}

local ERRLEN = 1024
local errbuf = ffi.new("char[?]", ERRLEN)
local failed = ffi.new("int64_t[1]")
local MAX_FIELDS = 20480 -- Spark's maxColumns

-- ---- options --------------------------------------------------------------------

-- Options by lowercased name (Spark's are case-insensitive), values as
-- text: Lua's booleans and numbers as Spark's map of strings holds them.
local function lowered(opts)
  local out = {}
  for k, v in pairs(opts or {}) do
    if type(k) == "string" and k ~= "schema" and k ~= "schemaNode" then out[k:lower()] = tostring(v) end
  end
  return out
end

local function flag(fn, o, key, default)
  local v = o[key:lower()]
  if v == nil then return default end
  v = v:lower()
  if v ~= "true" and v ~= "false" then
    error(("%s option %s must be true or false, not %q"):format(fn, key, o[key:lower()]), 0)
  end
  return v == "true"
end

-- A one-character option; Spark also takes "\t"-style escapes, and "" for
-- none (the NUL character, 0 here).
local ESCAPES = { ["\\t"] = "\t", ["\\n"] = "\n", ["\\r"] = "\r", ["\\\\"] = "\\", ["\\0"] = "\0",
                  ["\\\""] = '"', ["\\'"] = "'" }
local function char_option(fn, o, key, default)
  local v = o[key:lower()]
  if v == nil then v = default end
  if v == nil or v == "" then return 0 end
  v = ESCAPES[v] or v
  if #v ~= 1 then error(("%s option %s must be a single character, not %q"):format(fn, key, v), 0) end
  return v:byte()
end

-- A datetime pattern compiled for parsing or formatting, freed with the
-- plan that keeps it.
local function pattern(fn, text, parsing, option)
  local p = C.tide_datetime_pattern_compile(text, #text, parsing and 1 or 0, errbuf, ERRLEN)
  if p == nil then error(("%s option %s %q: %s"):format(fn, option, text, ffi.string(errbuf)), 0) end
  return ffi.gc(p, C.tide_datetime_pattern_free)
end

-- Date formats Spark's lenient timestamp parsing also reads
-- (CSVInferSchema): with one of them and no timestampFormat, dates and
-- timestamps in one column infer a timestamp, else a string.
local LENIENT_DATE_FORMATS = { ["yyyy-MM-dd"] = true, ["yyyy-M-d"] = true, ["yyyy-M-dd"] = true,
  ["yyyy-MM-d"] = true, ["yyyy-MM"] = true, ["yyyy-M"] = true, ["yyyy"] = true }

-- The C options of one call (tide_csv_expr_options) and what they point
-- to, kept by the returned plan. writing: to_csv's defaults and patterns.
local function c_options(fn, opts, writing)
  local o = lowered(opts)
  -- (text is read in the session's time zone; TIMESTAMP_NTZ by CAST's forms)
  require("tide.checks").refuseOptionsNotApplied(fn, o, { { "timeZone" }, { "timestampNTZFormat" } })
  local plan = { keep = {} }
  local c = ffi.new("tide_csv_expr_options")
  plan.options = c
  local locale = o.locale
  if locale and locale:lower() ~= "en-us" and locale:lower() ~= "en" then
    error(("%s option locale %q is not supported (tide reads and writes en-US)"):format(fn, locale), 0)
  end
  c.csv.sep = char_option(fn, o, "sep", o.delimiter or ",")
  if c.csv.sep == 0 then error(fn .. " option sep must not be empty", 0) end
  c.csv.quote = char_option(fn, o, "quote", '"')
  c.csv.escape = char_option(fn, o, "escape", "\\")
  -- univocity's default: the escape escapes itself unless it is the quote
  local esc_esc = o.chartoescapequoteescaping
  if esc_esc then
    c.escape_escape = char_option(fn, o, "charToEscapeQuoteEscaping")
  elseif c.csv.escape ~= c.csv.quote then
    c.escape_escape = c.csv.escape
  end
  c.csv.comment = char_option(fn, o, "comment")
  c.csv.ignore_leading = flag(fn, o, "ignoreLeadingWhiteSpace", writing) and 1 or 0
  c.csv.ignore_trailing = flag(fn, o, "ignoreTrailingWhiteSpace", writing) and 1 or 0
  c.quote_all = flag(fn, o, "quoteAll", false) and 1 or 0
  c.escape_quotes = flag(fn, o, "escapeQuotes", true) and 1 or 0
  local function text(field, value)
    if value == nil then return end
    plan.keep[#plan.keep + 1] = value
    c.csv[field] = value
  end
  text("empty_value", o.emptyvalue or (writing and '""' or ""))
  plan.nullValue = o.nullvalue or ""
  c.csv.null_value = plan.nullValue
  text("nan_value", o.nanvalue)
  text("positive_inf", o.positiveinf)
  text("negative_inf", o.negativeinf)
  if writing then
    if o.dateformat then
      plan.keep.date = pattern(fn, o.dateformat, false, "dateFormat")
      c.date_write_format = plan.keep.date
    end
    if o.timestampformat then
      plan.keep.timestamp = pattern(fn, o.timestampformat, false, "timestampFormat")
      c.timestamp_write_format = plan.keep.timestamp
    end
    return plan, o
  end
  -- Reading (UnivocityParser, CSVInferSchema), as the CSV source reads:
  -- dateFormat strictly, else CAST(string AS date)'s forms (which hold
  -- yyyy-MM-dd's), then unless a dateFormat is given CAST's forms with
  -- "GMT" taken out; inference (preferDate) takes a field as a date when
  -- dateFormat (yyyy-MM-dd by default) reads it; timestamps alike.
  local format, ts = o.dateformat, o.timestampformat
  local fallback = flag(fn, o, "enableDateTimeParsingFallback", format == nil)
  local prefer = flag(fn, o, "preferDate", true)
  local date = format and pattern(fn, format, true, "dateFormat")
  if not date and prefer and not fallback then date = pattern(fn, "yyyy-MM-dd", true, "dateFormat") end
  plan.keep.date = date
  c.csv.date_format = date
  c.csv.date_fallback = fallback and 1 or 0
  if prefer then
    plan.keep.inferDate = date or pattern(fn, "yyyy-MM-dd", true, "dateFormat")
    c.csv.infer_date_format = plan.keep.inferDate
  end
  c.csv.infer_dates_as_timestamps = (ts == nil and LENIENT_DATE_FORMATS[format or "yyyy-MM-dd"]) and 1 or 0
  if ts then
    plan.keep.timestamp = pattern(fn, ts, true, "timestampFormat")
    c.csv.timestamp_format = plan.keep.timestamp
  end
  c.csv.timestamp_fallback = flag(fn, o, "enableDateTimeParsingFallback", ts == nil) and 1 or 0
  return plan, o
end

-- Options given in SQL as map('key', 'value', ...) of literals (a node),
-- as a table: from_csv's, to_csv's, to_json's.
local function map_options(node, fn)
  if node == nil then return {} end
  local ok = node.k == "call" and node.fn == "map" and #(node.args or {}) % 2 == 0
  local opts = {}
  for i = 1, ok and #node.args or 0, 2 do
    local key, value = node.args[i], node.args[i + 1]
    if not (key.k == "lit" and type(key.value) == "string" and value.k == "lit" and value.value ~= nil) then
      ok = false
      break
    end
    opts[key.value] = tostring(value.value)
  end
  if not ok then
    error(("%s: the options must be map('key', 'value', ...) of literals"):format(fn), 0)
  end
  return opts
end

-- The options of a call: F's table (node.opts) or SQL's map argument.
local function options_of(node, position)
  local args = node.args or {}
  if args[position] then return map_options(args[position], node.fn) end
  return node.opts or {}
end

-- ---- from_csv ---------------------------------------------------------------------

local READABLE = { [T.ID.boolean] = true, [T.ID.int] = true, [T.ID.long] = true, [T.ID.float] = true,
  [T.ID.double] = true, [T.ID.string] = true, [T.ID.decimal] = true, [T.ID.date] = true,
  [T.ID.timestamp] = true }

-- A schema given as a DDL string or a struct type, checked: Spark's
-- from_csv reads a struct of atomic fields.
function M.schemaOf(schema, fn)
  fn = fn or "from_csv"
  if type(schema) == "string" then
    local ok, t = pcall(T.parseSchema, schema)
    if not ok then error(("%s: the schema cannot be read: %s"):format(fn, tostring(t)), 0) end
    schema = t
  end
  if not (T.isType(schema) and schema.id == T.ID.struct) then
    error(("%s needs a struct schema (a DDL string or a struct type), not %s"):format(fn, tostring(schema)), 0)
  end
  for _, f in ipairs(schema.fields) do
    if not READABLE[f.dataType.id] then
      error(("%s: field %s: CSV data source does not support %s data type"):format(fn, f.name,
        f.dataType:simpleString()), 0)
    end
  end
  return schema
end

-- Everything from_csv needs, checked once when the plan is compiled:
-- schema a struct type, opts F's options table.
function M.fromCsvPlan(schema, opts)
  schema = M.schemaOf(schema)
  local plan, o = c_options("from_csv", opts, false)
  local mode = (o.mode or "PERMISSIVE"):upper()
  if mode == "DROPMALFORMED" then
    error("from_csv() doesn't support the DROPMALFORMED mode. Acceptable modes are PERMISSIVE and FAILFAST.", 0)
  end
  if mode ~= "PERMISSIVE" and mode ~= "FAILFAST" then
    error("from_csv mode must be PERMISSIVE or FAILFAST, not " .. tostring(o.mode), 0)
  end
  plan.options.csv.mode = mode == "FAILFAST" and 2 or 0
  -- Spark's ExprUtils.verifyColumnNameOfCorruptRecord: the field, when the
  -- schema has it, is a string.
  local cname = o.columnnameofcorruptrecord or "_corrupt_record"
  local corrupt = -1
  local fields, names = ffi.new("tide_csv_field[?]", math.max(#schema.fields, 1)), {}
  local nullable = {}
  for i, f in ipairs(schema.fields) do
    if f.name == cname then
      if f.dataType.id ~= T.ID.string then
        error(("from_csv: the field for corrupt records (%s) must be string type and nullable, not %s"):format(
          cname, f.dataType:simpleString()), 0)
      end
      corrupt = i - 1
    end
    names[i] = f.name
    local c = fields[i - 1]
    c.name = f.name
    c.type = f.dataType.id
    c.precision = f.dataType.precision or f.dataType.bits or 0 -- (a tinyint's, smallint's range)
    c.scale = f.dataType.scale or 0
    nullable[i] = T.field(f.name, f.dataType, true)
  end
  plan.options.csv.corrupt_field = corrupt
  plan.fields, plan.names, plan.n = fields, names, #schema.fields
  -- (the CSV text may lack any field: Spark forces the schema nullable)
  plan.type = T.struct(nullable)
  return plan
end

-- Runs from_csv over a string or binary column into dst (a column slot in
-- out's arena). Returns the number of malformed rows.
function M.fromCsv(plan, out, input, dst, ctx)
  failed[0] = -1
  local k = C.tide_from_csv(out, input, plan.fields, plan.n, plan.options, dst, failed, errbuf, ERRLEN)
  if k < 0 then require("tide.json_functions").raiseParseError(ffi.string(errbuf), tonumber(failed[0]), ctx) end
  k = tonumber(k)
  if ctx then ctx.malformed = (ctx.malformed or 0) + k end
  return k
end

-- The text argument of these functions: strings and binary as they are,
-- other atomic values cast (Spark's implicit cast to string).
local function as_text(node, c, ev)
  local id = c.type.id
  if id == T.ID.string or id == T.ID.binary then return c end
  if id == T.ID.struct or id == T.ID.array or id == T.ID.map or id == T.ID.vector then
    ev.typeError(node, ("%s needs a string, not %s (%s)"):format(node.fn, c.type:simpleString(), c.name))
  end
  return ev.castTo(c, T.string)
end

-- The schema of a from_csv call: F's (node.opts.schema, a type), or a
-- foldable string argument (SQL's literal, schema_of_csv(...)).
local function schema_arg(node, compileChild, ev)
  local opts = node.opts or {}
  if opts.schema then return opts.schema end
  local arg = opts.schemaNode or (node.args or {})[2]
  if not arg then ev.typeError(node, "from_csv takes 2 or 3 arguments (csv, schema[, options]), not 1") end
  local is_lit, text = ev.literalOf(compileChild(arg))
  if not is_lit or type(text) ~= "string" then
    error(("from_csv: Schema should be specified in DDL format as a string literal or output of the "
      .. "schema_of_csv function instead of %s"):format(ev.sqlName(arg)), 0)
  end
  return text
end

local function from_csv(node, _, compileChild, ev)
  local args = node.args or {}
  if #args < 1 or #args > 3 then
    ev.typeError(node, ("from_csv takes 2 or 3 arguments (csv, schema[, options]), not %d"):format(#args))
  end
  local child = as_text(node, compileChild(args[1]), ev)
  local plan = M.fromCsvPlan(schema_arg(node, compileChild, ev), options_of(node, 3))
  return {
    type = plan.type, name = ev.sqlName(node),
    run = function(input, out, ctx)
      local col = child.run(input, out, ctx)
      local dst = ev.newColumn(out)
      M.fromCsv(plan, out, col, dst, ctx)
      return dst
    end,
  }
end

-- ---- to_csv -----------------------------------------------------------------------

local WRITABLE = READABLE

-- fn: who writes, for errors (to_csv, the csv sink).
function M.toCsvPlan(opts, fn)
  return (c_options(fn or "to_csv", opts, true))
end

-- Runs to_csv over a struct column into dst; plan is toCsvPlan's.
function M.toCsv(plan, out, input, dst)
  if C.tide_to_csv(out, input, plan.options, dst, errbuf, ERRLEN) ~= 0 then error(ffi.string(errbuf), 0) end
  return dst
end

local function to_csv(node, _, compileChild, ev)
  local args = node.args or {}
  if #args < 1 or #args > 2 then
    ev.typeError(node, ("to_csv takes 1 or 2 arguments (struct[, options]), not %d"):format(#args))
  end
  local child = compileChild(args[1])
  local t = child.type
  if t.id ~= T.ID.struct then
    ev.typeError(node, ('[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] to_csv needs a struct, not %s (%s)'):format(
      t:simpleString(), child.name))
  end
  for _, f in ipairs(t.fields) do
    if not WRITABLE[f.dataType.id] then
      ev.typeError(node, ("to_csv: field %s: CSV data source does not support %s data type"):format(f.name,
        f.dataType:simpleString()))
    end
  end
  local plan = M.toCsvPlan(options_of(node, 2))
  return {
    type = T.string, name = ev.sqlName(node),
    run = function(input, out, ctx)
      local col = child.run(input, out, ctx)
      return M.toCsv(plan, out, col, ev.newColumn(out))
    end,
  }
end

-- ---- schema_of_csv ----------------------------------------------------------------

-- DataType.sql of the types inference yields.
local SQL_TYPES = { [T.ID.int] = "INT", [T.ID.long] = "BIGINT", [T.ID.double] = "DOUBLE",
  [T.ID.date] = "DATE", [T.ID.timestamp] = "TIMESTAMP", [T.ID.boolean] = "BOOLEAN", [T.ID.string] = "STRING" }

-- Spark's DDL of the schema it infers for one CSV record (text), with
-- options (F's table).
function M.schemaOfCsv(text, opts)
  local plan = c_options("schema_of_csv", opts, false)
  local out = ffi.new("tide_csv_field[?]", MAX_FIELDS)
  local n = C.tide_schema_of_csv(text, #text, plan.options, out, MAX_FIELDS, errbuf, ERRLEN)
  if n < 0 then error(ffi.string(errbuf), 0) end
  local parts = {}
  for i = 0, n - 1 do
    local f = out[i]
    local t = f.type == T.ID.decimal and ("DECIMAL(%d,%d)"):format(f.precision, f.scale)
      or SQL_TYPES[tonumber(f.type)] or "STRING" -- (no value: a string, as Spark's toStructFields)
    parts[#parts + 1] = ("_c%d: %s"):format(i, t)
  end
  return "STRUCT<" .. table.concat(parts, ", ") .. ">"
end

-- schema_of_csv(csv[, options]): a string, computed once from the
-- literal text when the plan is compiled.
local function schema_of_csv(node, _, compileChild, ev)
  local args = node.args or {}
  if #args < 1 or #args > 2 then
    ev.typeError(node, ("schema_of_csv takes 1 or 2 arguments (csv[, options]), not %d"):format(#args))
  end
  local c = compileChild(args[1])
  local is_lit, text = ev.literalOf(c)
  if not is_lit then
    ev.typeError(node, ('[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] the input csv should be a foldable string '
      .. 'expression; however, got %s'):format(c.name))
  end
  if type(text) ~= "string" then
    ev.typeError(node, '[DATATYPE_MISMATCH.UNEXPECTED_NULL] the csv must not be null')
  end
  local ok, ddl = pcall(M.schemaOfCsv, text, options_of(node, 2))
  if not ok then error(("%s: %s"):format(ev.sqlName(node), ddl), 0) end
  local lit = compileChild({ k = "lit", value = ddl })
  lit.name = ev.sqlName(node)
  return lit
end

function M.register(eval)
  if M.registeredWith == eval then return end
  M.registeredWith = eval
  eval.register("from_csv", from_csv)
  eval.register("to_csv", to_csv)
  eval.register("schema_of_csv", schema_of_csv)
end

M.sqlOptions = map_options

return M
