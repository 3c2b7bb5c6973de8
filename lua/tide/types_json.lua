-- tide.types_json — Spark's JSON form of data types, for tide.types:
-- DataType.json/jsonValue and DataType.fromJson (Scala's), PySpark's
-- schema.json(), StructType.fromJson and _parse_datatype_json_string.
--
--   T.fromDDL("a bigint"):json()
--     --> {"type":"struct","fields":[{"name":"a","type":"long","nullable":true,"metadata":{}}]}
--   T.fromJson(text)            -- a type from that text, or from a jsonValue() table
--
-- json() writes each object's keys in the order Spark's jsonValue builds
-- them (Scala's DataType.json, what Spark writes into checkpoints and
-- files). PySpark's json() sorts the keys instead: json.encode(t:jsonValue())
-- gives that text. Field metadata is written with its keys sorted (Spark's
-- order is its hash maps'), but for the ML attribute ("ml_attr"), whose
-- keys keep the order Spark's stages write.
local json = require("tide.json")

local M = {}
local T -- tide.types (install)

-- Spark ML's VectorUDT, tide's T.vector.
local VECTOR_CLASS, VECTOR_PY_CLASS = "org.apache.spark.ml.linalg.VectorUDT", "pyspark.ml.linalg.VectorUDT"

-- ---- writing ----------------------------------------------------------------------------

-- An object of the pairs { {key, value}, ... }: keeping their order for
-- json(), a plain table for jsonValue().
local function object(ordered, members)
  if ordered then return json.ordered(members) end
  local t = {}
  for _, m in ipairs(members) do t[m[1]] = m[2] end
  return t
end

-- The keys of an ML attribute in the order Spark's attributes write them
-- (StringIndexer: vals, type, name; a group: attrs, num_attrs); others after, sorted.
local ML_ATTR_ORDER = { "vals", "type", "num_vals", "name", "attrs", "num_attrs" }

local function sorted_keys(t, skip)
  local keys = {}
  for k in pairs(t) do
    if not (skip and skip[k]) then keys[#keys + 1] = k end
  end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  return keys
end

local function ml_attr_value(attr, ordered)
  local members, known = {}, {}
  for _, k in ipairs(ML_ATTR_ORDER) do
    known[k] = true
    if attr[k] ~= nil then members[#members + 1] = { k, attr[k] } end
  end
  for _, k in ipairs(sorted_keys(attr, known)) do members[#members + 1] = { k, attr[k] } end
  return object(ordered, members)
end

-- field.ml (docs/ml.md) as Spark's "ml_attr": a StringIndexer's nominal
-- attribute (its labels), or a vector's size (an attribute group of
-- num_attrs, as FeatureHasher's; tide keeps no per-slot attributes).
local function ml_attr_of(f)
  local ml = rawget(f, "ml")
  if type(ml) ~= "table" then return nil end
  if ml.nominal then
    local values = ml.values
    if values then
      local vals = {}
      for i, v in ipairs(values) do vals[i] = v end
      return { vals = json.array(vals), type = "nominal", name = ml.name or f.name }
    elseif ml.numValues then
      return { type = "nominal", num_vals = ml.numValues, name = ml.name or f.name }
    end
  elseif ml.size then
    return { num_attrs = ml.size }
  end
end

-- A field's metadata: the table it was given, else its ML attribute.
local function metadata_value(f, ordered)
  local all = {}
  for k, v in pairs(rawget(f, "metadata") or {}) do all[k] = v end
  if all.ml_attr == nil then all.ml_attr = ml_attr_of(f) end
  local members = {}
  for _, k in ipairs(sorted_keys(all)) do
    local v = all[k]
    if k == "ml_attr" and type(v) == "table" and not json.isArray(v) then v = ml_attr_value(v, ordered) end
    members[#members + 1] = { k, v }
  end
  return object(ordered, members)
end

local value_of

local function field_value(f, ordered)
  return object(ordered, {
    { "name", f.name }, { "type", value_of(f.dataType, ordered) }, { "nullable", f.nullable ~= false },
    { "metadata", metadata_value(f, ordered) } })
end

-- VectorUDT's sqlType, as Spark writes it.
local function vector_value(ordered)
  local function sql_field(name, t, nullable)
    return object(ordered, { { "name", name }, { "type", t }, { "nullable", nullable },
      { "metadata", object(ordered, {}) } })
  end
  local function ints_or_doubles(element)
    return object(ordered, { { "type", "array" }, { "elementType", element }, { "containsNull", false } })
  end
  local fields = json.array {
    sql_field("type", "byte", false), sql_field("size", "integer", true),
    sql_field("indices", ints_or_doubles("integer"), true), sql_field("values", ints_or_doubles("double"), true) }
  return object(ordered, {
    { "type", "udt" }, { "class", VECTOR_CLASS }, { "pyClass", VECTOR_PY_CLASS },
    { "sqlType", object(ordered, { { "type", "struct" }, { "fields", fields } }) } })
end

-- Spark's jsonValue of a type: ordered objects for json(), else plain tables.
function value_of(t, ordered)
  local ID = T.ID
  if t.id == ID.struct then
    local fields = json.array()
    for i, f in ipairs(t.fields) do fields[i] = field_value(f, ordered) end
    return object(ordered, { { "type", "struct" }, { "fields", fields } })
  elseif t.id == ID.array then
    return object(ordered, { { "type", "array" }, { "elementType", value_of(t.elementType, ordered) },
      { "containsNull", t.containsNull ~= false } })
  elseif t.id == ID.map then
    return object(ordered, { { "type", "map" }, { "keyType", value_of(t.keyType, ordered) },
      { "valueType", value_of(t.valueType, ordered) }, { "valueContainsNull", t.valueContainsNull ~= false } })
  elseif t.id == ID.vector then
    return vector_value(ordered)
  end
  -- atomic: typeName is Spark's JSON name ("integer", "long", "decimal(10,2)", "void")
  return t.name
end

-- ---- reading ----------------------------------------------------------------------------

local function is_list(v)
  if type(v) ~= "table" then return false end
  if json.isArray(v) then return true end
  local n = 0
  for _ in pairs(v) do n = n + 1 end
  return n == #v
end

local function is_object(v) return type(v) == "table" and not json.isArray(v) end

-- A JSON value as a short text, for an error.
local function text_of(v)
  local ok, s = pcall(json.encode, v)
  s = ok and s or tostring(v)
  return #s > 120 and (s:sub(1, 117) .. "...") or s
end

local function where(path) return path ~= "" and (" (at " .. path .. ")") or "" end

local function fail(v, what, path, reason)
  error(("Failed to convert the JSON string '%s' to a %s: %s%s"):format(text_of(v), what, reason, where(path)), 0)
end

local ATOMIC -- name -> type (install)
-- Spark's JSON names of types tide's columns do not hold.
local UNSUPPORTED = { variant = true, calendarinterval = true }
-- DDL names that Spark's JSON writes otherwise.
local JSON_NAME = { int = "integer", bigint = "long", smallint = "short", tinyint = "byte", bool = "boolean" }

local function parse_name(v, path)
  local t = ATOMIC[v]
  if t then return t end
  if v == "decimal" then return T.decimal(10, 0) end
  local p, s = v:match("^decimal%(%s*(%d+)%s*,%s*(%-?%d+)%s*%)$")
  if p then
    local ok, d = pcall(T.decimal, tonumber(p), tonumber(s))
    if not ok then fail(v, "data type", path, (d:gsub("^[^:]*:%d+: ", ""))) end
    return d
  end
  -- CHAR(n) and VARCHAR(n) are strings in tide, as in its DDL
  if v:match("^char%(%s*%d+%s*%)$") or v:match("^varchar%(%s*%d+%s*%)$") then return T.string end
  -- Spark's ANSI intervals: interval day to second, interval year, ...
  if v:match("^interval [%a ]+$") then
    local ok, iv = pcall(T.parse, v)
    if ok then return iv end
  end
  if UNSUPPORTED[v] or v:match("^interval ") then
    fail(v, "data type", path, ("tide has no %s type"):format(v))
  end
  local hint = JSON_NAME[v:lower()] or (ATOMIC[v:lower()] and v:lower())
  fail(v, "data type", path, ("unknown type name %q%s"):format(v,
    hint and (" (Spark's JSON writes %q)"):format(hint) or ""))
end

local parse_type

local function need(v, key, kind, what, path)
  local x = v[key]
  if x == nil or x == json.null then fail(v, what, path, ("no %q"):format(key)) end
  if kind == "boolean" and type(x) ~= "boolean" then
    fail(v, what, path, ("%q must be true or false, not %s"):format(key, text_of(x)))
  elseif kind == "string" and type(x) ~= "string" then
    fail(v, what, path, ("%q must be a string, not %s"):format(key, text_of(x)))
  end
  return x
end

local function parse_field(v, path)
  if not is_object(v) then fail(v, "field", path, "a field is an object with name, type, nullable and metadata") end
  local name = need(v, "name", "string", "field", path)
  local inner = path == "" and name or (path .. "." .. name)
  local dataType = parse_type(need(v, "type", nil, "field", inner), inner)
  local nullable = need(v, "nullable", "boolean", "field", inner)
  local metadata = v.metadata
  if metadata == json.null then metadata = nil end
  if metadata ~= nil and not is_object(metadata) then
    fail(v, "field", inner, ("%q must be an object, not %s"):format("metadata", text_of(metadata)))
  end
  return T.field(name, dataType, nullable, metadata and next(metadata) ~= nil and metadata or nil)
end

function parse_type(v, path)
  if type(v) == "string" then return parse_name(v, path) end
  if not is_object(v) then
    fail(v, "data type", path, 'a type is a name such as "long" or an object with "type"')
  end
  local kind = need(v, "type", "string", "data type", path)
  local prefix = path == "" and "" or (path .. ".")
  if kind == "struct" then
    local fields = need(v, "fields", nil, "data type", path)
    if not is_list(fields) then fail(v, "data type", path, '"fields" must be a list') end
    local out = {}
    for i, f in ipairs(fields) do out[i] = parse_field(f, path) end
    return T.struct(out)
  elseif kind == "array" then
    local element = parse_type(need(v, "elementType", nil, "data type", path), prefix .. "element")
    return T.array(element, need(v, "containsNull", "boolean", "data type", path))
  elseif kind == "map" then
    local key = parse_type(need(v, "keyType", nil, "data type", path), prefix .. "key")
    local value = parse_type(need(v, "valueType", nil, "data type", path), prefix .. "value")
    return T.map(key, value, need(v, "valueContainsNull", "boolean", "data type", path))
  elseif kind == "udt" then
    if v.class == VECTOR_CLASS or v.pyClass == VECTOR_PY_CLASS then return T.vector end
    fail(v, "data type", path, ("the user-defined type %s is not one tide has (it has Spark ML's VectorUDT)")
      :format(tostring(v.class or v.pyClass)))
  end
  local atomic = ATOMIC[kind] or kind == "decimal" or kind:match("^decimal%(")
  fail(v, "data type", path, ("unknown type %q%s"):format(kind,
    atomic and (" (an atomic type is written as its name alone: %q)"):format(kind) or ""))
end

-- A type from Spark's JSON text, or from a jsonValue() (a table, or the
-- name of an atomic type); raises with the offending part (level 0).
local function read(v)
  if T.isType(v) then return v end -- as T.parse and T.fromDDL pass a type through
  if type(v) == "string" then
    local ok, decoded = pcall(json.decode, v)
    if ok then
      v = decoded
    elseif not (v:match("^[%a_][%w_]*$") or v:match("^[%a_][%w_]*%b()$")) then
      local short = #v > 120 and (v:sub(1, 117) .. "...") or v
      error(("Failed to convert the JSON string '%s' to a data type: %s"):format(short, decoded), 0)
    end
  elseif type(v) ~= "table" then
    error(("T.fromJson takes JSON text or a table, not %s"):format(v == nil and "nil" or "a " .. type(v)), 0)
  end
  return parse_type(v, "")
end

-- ---- installing into tide.types ----------------------------------------------------------

-- The ML attribute of Spark field metadata as field.ml (docs/ml.md), or
-- nil: a nominal attribute (its labels, or their number) or a group's size.
function M.attributeOf(metadata)
  local a = metadata.ml_attr
  if not is_object(a) then return nil end
  if a.type == "nominal" then
    if is_list(a.vals) then
      local values = {}
      for i, s in ipairs(a.vals) do values[i] = s end
      return { nominal = true, numValues = #values, values = values, name = a.name }
    elseif tonumber(a.num_vals) then
      return { nominal = true, numValues = tonumber(a.num_vals), name = a.name }
    end
  elseif a.type == nil and tonumber(a.num_attrs) then
    return { size = tonumber(a.num_attrs) }
  end
end

-- A field's metadata as PySpark's StructField.metadata (a plain table).
function M.metadataOf(f) return metadata_value(f, false) end

function M.install(types, DataType, Field)
  T = types
  ATOMIC = { boolean = T.boolean, byte = T.byte, short = T.short, integer = T.int, long = T.long, float = T.float,
             double = T.double, string = T.string, binary = T.binary, date = T.date, timestamp = T.timestamp,
             timestamp_ntz = T.timestampNTZ,
             -- (NullType: Spark writes "void"; its DataType.fromJson also reads the older "null")
             void = T.null, null = T.null }

  -- Spark's jsonValue: a type's name, or tables (lists are json.array).
  function DataType:jsonValue() return value_of(self, false) end
  -- Spark's JSON text of the type, compact, keys in Spark's order.
  function DataType:json() return json.encode(value_of(self, true)) end
  function Field:jsonValue() return field_value(self, false) end
  function Field:json() return json.encode(field_value(self, true)) end

  -- DataType.fromJson (Scala's) and PySpark's StructType.fromJson and
  -- _parse_datatype_json_string: any type, from JSON text or a jsonValue.
  function T.fromJson(v)
    local ok, t = pcall(read, v)
    if not ok then error(t, 2) end
    return t
  end

  -- from_json's schema text as Spark's functions.from_json(e, schema:
  -- String) reads it: Spark's JSON form when it is JSON, else DDL
  -- (parseSchema). Spark's SQL from_json, from_csv and the readers'
  -- schema(...) take DDL only, as tide's.
  function T.parseSchemaOrJson(s)
    if type(s) == "string" and s:match('^%s*[{"]') then return read(s) end
    return T.parseSchema(s)
  end
end

return M
