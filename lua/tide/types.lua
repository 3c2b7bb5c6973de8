-- tide.types — Spark SQL's data types, as tide's columns hold them.
--
--   local T = tide.types
--   T.struct{ T.field("id", T.decimal(38, 0)), T.field("hour", T.int) }
--   T.fromDDL("id decimal(38,0), hour int, site_id string")
--   T.parse("decimal(38,0)")              T.array(T.string)   T.parse("array<string>")
--   T.map(T.string, T.int)                T.parse("map<string,int>")
--
-- Every type knows its column type id (tide_ffi.h), Spark's simpleString
-- ("int", "bigint", "decimal(38,0)", "struct<a:int>") and typeName as
-- printSchema shows it ("integer", "long", ...), and Spark's JSON form
-- (t:json(), T.fromJson(text): tide.types_json).
local M = {}
-- Spark's JSON form of types (json, jsonValue, fromJson) and field
-- metadata: tide.types_json, installed at the end of this file.
local types_json

local DataType = {}
DataType.__index = DataType

function DataType:simpleString() return self.simple end
function DataType:typeName() return self.name end
function DataType:__tostring() return self.simple end
function DataType.__eq(a, b) return a:simpleString() == b:simpleString() end
-- PySpark's types are classes called without arguments (LongType()); so
-- T.long() is T.long, as T.decimal(38, 0) and T.struct{...} are calls.
function DataType:__call(...)
  if select("#", ...) > 0 then
    -- df:schema() calls the struct df.schema is with df.
    local hint = self.fields and " (a DataFrame's schema is the property df.schema, not df:schema())" or ""
    error(("%s() takes no arguments%s"):format(self.simple, hint), 2)
  end
  return self
end

local function atomic(id, name, simple)
  return setmetatable({ id = id, name = name, simple = simple }, DataType)
end

-- Column type ids, as in tide_ffi.h's enum tide_type.
local ID = { boolean = 1, int = 2, long = 3, float = 4, double = 5, string = 6,
             binary = 7, timestamp = 8, decimal = 9, struct = 10, vector = 11, array = 12, map = 13,
             date = 14 }
M.ID = ID

M.boolean = atomic(ID.boolean, "boolean", "boolean")
M.int = atomic(ID.int, "integer", "int")
-- ByteType and ShortType (tinyint, smallint): held in int columns, so
-- that every kernel takes them as ints; bits is the width their values
-- wrap to (tide.eval: casts and arithmetic narrow their results).
M.byte = atomic(ID.int, "byte", "tinyint")
M.byte.bits = 8
M.short = atomic(ID.int, "short", "smallint")
M.short.bits = 16
M.long = atomic(ID.long, "long", "bigint")
M.float = atomic(ID.float, "float", "float")
M.double = atomic(ID.double, "double", "double")
M.string = atomic(ID.string, "string", "string")
M.binary = atomic(ID.binary, "binary", "binary")
M.timestamp = atomic(ID.timestamp, "timestamp", "timestamp")
-- TimestampNTZType (timestamp_ntz): a local date-time without a zone,
-- never shifted by the session time zone. Held in timestamp columns as
-- the local date-time's microseconds read as if it were UTC; ntz marks it
-- (tide.eval_timestamp_ntz runs its kernels in UTC).
M.timestampNTZ = atomic(ID.timestamp, "timestamp_ntz", "timestamp_ntz")
M.timestampNTZ.ntz = true
-- DateType: a calendar day, no time and no zone.
M.date = atomic(ID.date, "date", "date")
-- Spark's ANSI intervals (tide.eval_intervals): DayTimeIntervalType, a
-- duration in microseconds held in long columns, and
-- YearMonthIntervalType, a number of months held in int columns; fields
-- from startField to endField (Spark's codes: day 0, hour 1, minute 2,
-- second 3; year 0, month 1) as its text shows them.
local INTERVAL_FIELDS = { daytime = { [0] = "day", "hour", "minute", "second" }, yearmonth = { [0] = "year", "month" } }
local function interval_type(kind, startField, endField)
  local names = INTERVAL_FIELDS[kind]
  endField = endField or startField
  if not (names[startField] and names[endField] and startField <= endField) then
    error(("interval %s to %s: no such interval type"):format(tostring(names[startField] or startField),
      tostring(names[endField] or endField)), 3)
  end
  local name = "interval " .. names[startField] .. (endField ~= startField and " to " .. names[endField] or "")
  local t = atomic(kind == "daytime" and ID.long or ID.int, name, name)
  t.interval, t.startField, t.endField = kind, startField, endField
  return t
end
function M.dayTimeInterval(startField, endField) return interval_type("daytime", startField or 0, endField or 3) end
function M.yearMonthInterval(startField, endField) return interval_type("yearmonth", startField or 0, endField or 1) end
-- Spark ML's VectorUDT: feature vectors (tide.ml.linalg values in Lua).
M.vector = atomic(ID.vector, "vector", "vector")
M.integer = M.int
-- NullType (void): the type of an untyped NULL (SELECT NULL, F.lit(nil)),
-- whose values are all null. Held in string columns of nulls, so that
-- every kernel takes them; void marks it, and tide.eval_coerce widens it
-- to whatever type it meets, as Spark's type coercion does.
M.null = atomic(ID.string, "void", "void")
M.null.void = true
M.void = M.null

function M.decimal(precision, scale)
  precision, scale = precision or 10, scale or 0
  if precision < 1 or precision > 38 or scale < 0 or scale > precision then
    error(("decimal(%s,%s): precision must be 1..38 and scale 0..precision"):format(
      tostring(precision), tostring(scale)), 2)
  end
  local name = ("decimal(%d,%d)"):format(precision, scale)
  local t = atomic(ID.decimal, name, name)
  t.precision, t.scale = precision, scale
  return t
end

-- The atomic type of a C type id (tide_ffi.h's), a decimal's with its
-- precision and scale; nil for a struct or an array, whose fields or
-- elements it does not know.
function M.fromId(id, precision, scale)
  if id == ID.decimal then return M.decimal(precision, scale) end
  for name, tid in pairs(ID) do
    if tid == id and id ~= ID.struct and id ~= ID.array and id ~= ID.map then return M[name] end
  end
end

-- T.array(elementType[, containsNull]): Spark's ArrayType (containsNull
-- true unless said).
function M.array(elementType, containsNull)
  if getmetatable(elementType) ~= DataType then
    error("T.array: the element type must be a tide.types value", 2)
  end
  local t = atomic(ID.array, "array", "array<" .. elementType:simpleString() .. ">")
  t.elementType, t.containsNull = elementType, containsNull ~= false
  return t
end

-- T.map(keyType, valueType[, valueContainsNull]): Spark's MapType.
function M.map(keyType, valueType, valueContainsNull)
  if getmetatable(keyType) ~= DataType or getmetatable(valueType) ~= DataType then
    error("T.map: the key and value types must be tide.types values", 2)
  end
  local t = atomic(ID.map, "map", ("map<%s,%s>"):format(keyType:simpleString(), valueType:simpleString()))
  t.keyType, t.valueType, t.valueContainsNull = keyType, valueType, valueContainsNull ~= false
  return t
end

-- A struct's field, PySpark's StructField. f.metadata reads as PySpark's:
-- the table given, else field.ml (the ML attribute tide keeps, docs/ml.md)
-- in Spark's form, else {}.
local Field = {}
function Field.__index(f, key)
  if key == "metadata" then return types_json.metadataOf(f) end
  return Field[key]
end

function Field:simpleString() return self.name .. ":" .. self.dataType:simpleString() end

-- As PySpark 3.5's: a field has no type name, its type has.
function Field:typeName()
  error("[INVALID_TYPENAME_CALL] StructField does not have typeName. Use typeName on its type explicitly instead.", 2)
end

-- A field of a struct: name, type, nullability (true unless said) and
-- Spark's field metadata (a table, optional), whose ML attribute
-- ("ml_attr") becomes field.ml as a stage's output carries it.
function M.field(name, dataType, nullable, metadata)
  if type(name) ~= "string" then error("field name must be a string", 2) end
  if getmetatable(dataType) ~= DataType then
    error(("field %q: the type must be a tide.types value"):format(name), 2)
  end
  local f = setmetatable({ name = name, dataType = dataType, nullable = nullable ~= false }, Field)
  if metadata ~= nil then
    if type(metadata) ~= "table" then error(("field %q: the metadata must be a table"):format(name), 2) end
    f.metadata, f.ml = metadata, types_json.attributeOf(metadata)
  end
  return f
end

local function struct_simple(fields)
  local parts = {}
  for i, f in ipairs(fields) do parts[i] = f.name .. ":" .. f.dataType:simpleString() end
  return "struct<" .. table.concat(parts, ",") .. ">"
end

-- T.struct{field, ...}; fields may also be given as {name, type} pairs.
function M.struct(fields)
  local t = atomic(ID.struct, "struct", "")
  t.fields = {}
  for i, f in ipairs(fields or {}) do
    if f.name == nil and type(f[1]) == "string" then f = M.field(f[1], f[2], f[3]) end
    if getmetatable(f) == nil then setmetatable(f, Field) end -- a plain {name = ..., dataType = ...}
    t.fields[i] = f
  end
  t.simple = struct_simple(t.fields)
  t.names = t:fieldNames() -- PySpark's schema.names
  return t
end

function DataType:fieldNames()
  local names = {}
  for i, f in ipairs(self.fields or {}) do names[i] = f.name end
  return names
end

-- Index of a struct field by its exact name, or nil (PySpark's fieldIndex).
function DataType:fieldIndex(name)
  for i, f in ipairs(self.fields or {}) do if f.name == name then return i end end
end

-- The indices of the fields of exactly that name, else of those equal to
-- it but for case (what withColumn, withColumnRenamed and drop(name) take
-- as Spark's: every one of them).
function DataType:fieldsNamed(name)
  local exact, folded, lower = {}, {}, name:lower()
  for i, f in ipairs(self.fields or {}) do
    if f.name == name then exact[#exact + 1] = i elseif f.name:lower() == lower then folded[#folded + 1] = i end
  end
  return #exact > 0 and exact or folded
end

-- The indices of the fields a column name refers to, as Spark resolves
-- names by default (spark.sql.caseSensitive=false): the fields of exactly
-- that name, else those equal to it but for case; else, for "q.name",
-- the fields so named whose qualifier is q (field.qualifier: the alias of
-- the join side a field came from, tide.lineage).
function DataType:matchingFields(name)
  local named = self:fieldsNamed(name)
  if #named > 0 then return named end
  -- `a.b`: the column of that very name, as Spark reads a quoted one
  local quoted = name:match("^`(.*)`$")
  if quoted and not quoted:gsub("``", ""):find("`") then return self:fieldsNamed((quoted:gsub("``", "`"))) end
  local qualifier, rest = name:lower():match("^([^.]+)%.(.+)$")
  local qualified = {}
  if qualifier then
    for i, f in ipairs(self.fields or {}) do
      if f.qualifier and f.qualifier:lower() == qualifier and f.name:lower() == rest then
        qualified[#qualified + 1] = i
      end
    end
  end
  return qualified
end

-- The index of the field a column name refers to (matchingFields), or
-- nil when none does. Several fields of one name are told apart by
-- pick(field) when given (tide.lineage: the fields of one side of a
-- join); else the name is ambiguous: nil and a message naming the
-- candidates, as Spark's. Every name a DataFrame method or an expression
-- takes resolves here, so that select, drop, groupBy, ... agree.
function DataType:resolveField(name, pick)
  if type(name) ~= "string" then return self:fieldIndex(name) end
  local found = self:matchingFields(name)
  if #found > 1 and pick then
    local picked = {}
    for _, i in ipairs(found) do
      if pick(self.fields[i]) then picked[#picked + 1] = i end
    end
    if #picked > 0 then found = picked end
  end
  if #found <= 1 then return found[1] end
  local names, same = {}, true
  for k, i in ipairs(found) do
    local f = self.fields[i]
    names[k] = f.qualifier and (f.qualifier .. "." .. f.name) or f.name
    same = same and f.name == self.fields[found[1]].name
  end
  if not same then
    return nil, ("column name %q is ambiguous: it could be %s (names that differ only in case)")
      :format(name, table.concat(names, " or "))
  end
  return nil, ("Reference '%s' is ambiguous, could be: %s. In an expression, name one DataFrame's column as"
    .. " df.%s, or alias the DataFrames (df:alias(\"a\")) and name it F.col(\"a.%s\"); or rename one of them"
    .. " before the join"):format(name, table.concat(names, ", "), name, name)
end

function DataType:add(name, dataType, nullable)
  local fields = { unpack(self.fields) }
  fields[#fields + 1] = M.field(name, type(dataType) == "string" and M.parse(dataType) or dataType, nullable)
  return M.struct(fields)
end

-- The tree printSchema prints.
function DataType:treeString()
  local out = { "root" }
  -- (a name's control characters escaped, as show's: Spark's escapeMetaCharacters)
  local escape = require("tide.show").escape
  local walk_type
  local function walk(fields, prefix)
    for _, f in ipairs(fields) do
      out[#out + 1] = ("%s|-- %s: %s (nullable = %s)"):format(prefix, escape(f.name), f.dataType:typeName(),
        tostring(f.nullable))
      walk_type(f.dataType, prefix .. "|    ")
    end
  end
  -- what a field's type holds: a struct's fields, an array's elements
  function walk_type(t, prefix)
    if t.fields then walk(t.fields, prefix) end
    if t.elementType then
      out[#out + 1] = ("%s|-- element: %s (containsNull = %s)"):format(prefix, t.elementType:typeName(),
        tostring(t.containsNull))
      walk_type(t.elementType, prefix .. "|    ")
    end
    if t.keyType then
      out[#out + 1] = ("%s|-- key: %s"):format(prefix, t.keyType:typeName())
      walk_type(t.keyType, prefix .. "|    ")
      out[#out + 1] = ("%s|-- value: %s (valueContainsNull = %s)"):format(prefix, t.valueType:typeName(),
        tostring(t.valueContainsNull))
      walk_type(t.valueType, prefix .. "|    ")
    end
  end
  walk(self.fields or {}, " ")
  return table.concat(out, "\n") .. "\n"
end

-- ---- parsing type names and DDL ------------------------------------------

local NAMES = {
  boolean = M.boolean, bool = M.boolean,
  int = M.int, integer = M.int, smallint = M.short, tinyint = M.byte, short = M.short, byte = M.byte,
  bigint = M.long, long = M.long,
  float = M.float, real = M.float,
  double = M.double,
  string = M.string, varchar = M.string, char = M.string, text = M.string,
  binary = M.binary, bytes = M.binary,
  timestamp = M.timestamp, timestamp_ltz = M.timestamp, timestamp_ntz = M.timestampNTZ,
  date = M.date,
  vector = M.vector,
  void = M.null,
}

local Parser = {}
Parser.__index = Parser

function Parser:fail(msg)
  error(("cannot parse type %q at position %d: %s"):format(self.s, self.pos, msg), 0)
end

function Parser:skip() self.pos = self.s:find("[^%s]", self.pos) or #self.s + 1 end

function Parser:peek(pattern)
  self:skip()
  return self.s:match("^" .. pattern, self.pos)
end

function Parser:take(pattern, what)
  local v = self:peek(pattern)
  if not v then self:fail("expected " .. what) end
  self.pos = self.pos + #v
  return v
end

function Parser:ident()
  if self:peek("`") then
    self.pos = self.pos + 1
    local name = self.s:match("^([^`]*)`", self.pos) or self:fail("unterminated `")
    self.pos = self.pos + #name + 1
    return name
  end
  return self:take("[%a_][%w_]*", "a name")
end

function Parser:type()
  local name = self:take("[%a_][%w_]*", "a type name"):lower()
  if name == "decimal" or name == "dec" or name == "numeric" then
    if self:peek("%(") then
      self:take("%(", "(")
      local p = tonumber(self:take("%d+", "a precision"))
      local s = 0
      if self:peek(",") then
        self:take(",", ",")
        s = tonumber(self:take("%d+", "a scale"))
      end
      self:take("%)", ")")
      local ok, t = pcall(M.decimal, p, s)
      if not ok then self:fail(t) end
      return t
    end
    return M.decimal(10, 0)
  elseif name == "struct" then
    self:take("<", "<")
    local fields = {}
    if not self:peek(">") then
      repeat
        local fname = self:ident()
        if self:peek(":") then self:take(":", ":") end
        fields[#fields + 1] = M.field(fname, self:type(), true)
      until not (self:peek(",") and self:take(",", ","))
    end
    self:take(">", ">")
    return M.struct(fields)
  elseif name == "array" then
    self:take("<", "<")
    local element = self:type()
    self:take(">", ">")
    return M.array(element)
  elseif name == "map" then
    self:take("<", "<")
    local key = self:type()
    self:take(",", ",")
    local value = self:type()
    self:take(">", ">")
    return M.map(key, value)
  elseif name == "interval" then
    -- interval day to second, interval year, ... (Spark's ANSI intervals)
    local function field()
      local word = self:take("%a+", "an interval field (year, month, day, hour, minute, second)"):lower()
      for kind, names in pairs(INTERVAL_FIELDS) do
        for code = 0, #names do if names[code] == word then return kind, code end end
      end
      self:fail("unknown interval field '" .. word .. "'")
    end
    local kind, from = field()
    local to_kind, to = kind, from
    if self:peek("[Tt][Oo]%s") then
      self:take("[Tt][Oo]", "to")
      to_kind, to = field()
    end
    local ok, t = pcall(interval_type, kind, from, kind == to_kind and to or -1)
    if not ok then self:fail(t) end
    return t
  elseif name == "varchar" or name == "char" then
    if self:peek("%(") then
      self:take("%(", "(")
      self:take("%d+", "a length")
      self:take("%)", ")")
    end
    return M.string
  end
  return NAMES[name] or self:fail("unknown type '" .. name .. "'")
end

local function parser(s)
  if type(s) ~= "string" then
    error(("a type must be a tide.types value or its name, not %s"):format(s == nil and "nil" or "a " .. type(s)), 0)
  end
  return setmetatable({ s = s, pos = 1 }, Parser)
end

-- A type from its name: "string", "int", "decimal(38,0)", "struct<a:int>".
function M.parse(s)
  if getmetatable(s) == DataType then return s end
  local p = parser(s)
  local t = p:type()
  p:skip()
  if p.pos <= #s then p:fail("unexpected text") end
  return t
end

-- A struct from a DDL string: "id decimal(38,0), hour int NOT NULL".
function M.fromDDL(s)
  if getmetatable(s) == DataType then return s end
  local p = parser(s)
  local fields = {}
  p:skip()
  while p.pos <= #s do
    local name = p:ident()
    local t = p:type()
    local nullable = true
    if p:peek("[Nn][Oo][Tt]%s+[Nn][Uu][Ll][Ll]") then
      p:take("[Nn][Oo][Tt]%s+[Nn][Uu][Ll][Ll]", "NOT NULL")
      nullable = false
    end
    fields[#fields + 1] = M.field(name, t, nullable)
    if not p:peek(",") then break end
    p:take(",", ",")
  end
  p:skip()
  if p.pos <= #s then p:fail("unexpected text") end
  return M.struct(fields)
end

-- A schema from its text, as Spark's DataType.fromDDL reads from_json's:
-- a list of fields ("id bigint, site_id string") or one type
-- ("struct<id:bigint>"). A typo is reported against what the text looks
-- like, not against the other reading.
function M.parseSchema(s)
  local ok, st = pcall(M.fromDDL, s)
  if ok then return st end
  local ok_type, t = pcall(M.parse, s)
  if ok_type then return t end
  error(s:match("^%s*%a+%s*<") and t or st, 0)
end

function M.isType(v) return getmetatable(v) == DataType end
function M.isField(v) return getmetatable(v) == Field end

-- Whether values of type t cannot be ordered or compared, as Spark's: a
-- vector (Spark ML's) or a map, or a struct or array holding one.
function M.unordered(t)
  if t.id == ID.vector or t.id == ID.map then return true end
  if t.elementType then return M.unordered(t.elementType) end
  for _, f in ipairs(t.fields or {}) do
    if M.unordered(f.dataType) then return true end
  end
  return false
end

types_json = require("tide.types_json")
types_json.install(M, DataType, Field)

return M
