-- tide.pg_columns — a DataFrame's columns against a PostgreSQL table's:
-- the type each Spark type is created as (CREATE TABLE from a schema,
-- with Spark's createTableColumnTypes overrides), and the match of a
-- batch's columns to an existing table's (by name, each type writable
-- into the column's binary COPY format), every problem listed at once.
local C = require("tide.ffi")
local T = require("tide.types")
local pg = require("tide.pg")

local M = {}

-- PostgreSQL's most dimensions an array has (MAXDIM).
local MAX_DIMS = 6

-- How many arrays dt nests (0 when it is no array).
function M.arrayDepth(dt)
  local n = 0
  while dt.id == T.ID.array do dt, n = dt.elementType, n + 1 end
  return n
end

-- The column type Spark's PostgreSQL dialect creates for a Spark type.
function M.pgType(dt)
  local id = dt.id
  if dt.void then return nil end -- (Spark's: Can't get JDBC type for void.)
  if id == T.ID.string then return "TEXT" end
  if id == T.ID.binary then return "BYTEA" end
  if id == T.ID.boolean then return "BOOLEAN" end
  if id == T.ID.int then return "INTEGER" end
  if id == T.ID.long then return "BIGINT" end
  if id == T.ID.float then return "FLOAT4" end
  if id == T.ID.double then return "FLOAT8" end
  if id == T.ID.timestamp then return "TIMESTAMP" end
  if id == T.ID.date then return "DATE" end -- JdbcUtils' common type: the dialect leaves dates to it
  if id == T.ID.decimal then return ("NUMERIC(%d,%d)"):format(dt.precision, dt.scale) end
  -- as the dialect's: an array of a type it creates, nested arrays as
  -- more dimensions of the same type (PostgreSQL's int[][] is int[])
  if id == T.ID.array and M.arrayDepth(dt) <= MAX_DIMS then
    local inner = M.pgType(dt.elementType)
    return inner and inner .. "[]"
  end
  return nil
end

-- The innermost element type of nested arrays (dt itself when no array).
local function innermost(dt)
  while dt.id == T.ID.array do dt = dt.elementType end
  return dt
end

-- Why a void column (an untyped NULL's, SELECT NULL) is written nowhere.
local VOID_HINT = " (Spark: Can't get JDBC type for void.; an untyped NULL has no type: CAST(NULL AS INT), or"
  .. " the table column's type, gives it one)"

-- Fails naming the first void column of schema (or array of voids): Spark
-- writes none over JDBC, into a new table or an existing one.
function M.refuseVoid(schema, what)
  for _, f in ipairs(schema.fields) do
    if innermost(f.dataType).void then
      error(("%s: cannot write column %q of type %s%s"):format(what, f.name, f.dataType:simpleString(), VOID_HINT), 0)
    end
  end
end

-- Whether a DataFrame column of type dt can be copied into a table column
-- of type oid: an array into an array type by its innermost elements.
local function copyable(dt, oid)
  if dt.id == T.ID.array then
    local element, inner = C.tide_pg_array_element(oid), innermost(dt)
    return element ~= 0 and M.arrayDepth(dt) <= MAX_DIMS
      and C.tide_pg_copy_supported(inner.id, inner.scale or 0, element) ~= 0
  end
  return C.tide_pg_copy_supported(dt.id, dt.scale or 0, oid) ~= 0
end

-- Spark's createTableColumnTypes: "id DECIMAL(38,0), name VARCHAR(64)".
local function parse_column_types(text, schema)
  local out = {}
  if not text or text == "" then return out end
  local depth, start, items = 0, 1, {}
  for i = 1, #text + 1 do
    local ch = text:sub(i, i)
    if ch == "(" then depth = depth + 1 elseif ch == ")" then depth = depth - 1 end
    if (ch == "," and depth == 0) or i == #text + 1 then
      items[#items + 1] = text:sub(start, i - 1)
      start = i + 1
    end
  end
  for _, item in ipairs(items) do
    item = item:match("^%s*(.-)%s*$")
    local name, ty = item:match('^"(.-)"%s+(.+)$')
    if not name then name, ty = item:match("^`(.-)`%s+(.+)$") end
    if not name then name, ty = item:match("^(%S+)%s+(.+)$") end
    if not name or ty:find(";", 1, true) then
      error(("createTableColumnTypes: cannot read %q (want \"name TYPE, ...\")"):format(item), 0)
    end
    local found
    for _, f in ipairs(schema.fields) do
      if f.name == name or (not found and f.name:lower() == name:lower()) then found = f.name end
    end
    if not found then error(("createTableColumnTypes: column %q is not in the DataFrame"):format(name), 0) end
    out[found] = ty
  end
  return out
end

function M.createTableSql(qualified, schema, column_types, table_options)
  local overrides = parse_column_types(column_types, schema)
  local cols = {}
  for i, f in ipairs(schema.fields) do
    local ty = overrides[f.name] or M.pgType(f.dataType)
    if not ty then
      error(("cannot create a PostgreSQL column for %q of type %s%s"):format(f.name, f.dataType:simpleString(),
        M.arrayDepth(f.dataType) > MAX_DIMS and " (PostgreSQL's arrays have at most 6 dimensions)"
        or innermost(f.dataType).void and VOID_HINT or ""), 0)
    end
    cols[i] = pg.quoteIdent(f.name) .. " " .. ty .. (f.nullable == false and " NOT NULL" or "")
  end
  if #cols == 0 then error("cannot create a table without columns", 0) end
  local sql = "CREATE TABLE " .. qualified .. " (" .. table.concat(cols, ", ") .. ")"
  if table_options and table_options ~= "" then sql = sql .. " " .. table_options end
  return sql
end

local PG_NUMERIC = 1700
local PG_NUMERIC_ARRAY = 1231

-- The scale of a numeric(p, s) typmod: 11 bits, signed since PostgreSQL
-- 15 (numeric(5, -2) rounds to hundreds).
local function numeric_scale(typmod)
  local s = bit.band(typmod - 4, 0x7FF)
  return s >= 0x400 and s - 0x800 or s
end

-- Matches the batch's columns to the table's: by name (exactly, else
-- case-insensitively when that is unambiguous), each type writable into
-- the column's. Returns the batch column indices, the quoted column list,
-- the target OIDs and the table columns written; raises with every
-- problem listed.
function M.planColumns(schema, table_columns, display)
  local exact, lower = {}, {}
  for _, c in ipairs(table_columns) do
    exact[c.name] = c
    local k = c.name:lower()
    lower[k] = lower[k] == nil and c or false -- false: ambiguous
  end
  local problems, used = {}, {}
  local indices, names, oids, targets = {}, {}, {}, {}
  for i, f in ipairs(schema.fields) do
    local c = exact[f.name] or lower[f.name:lower()]
    local dt = f.dataType
    if not c then
      problems[#problems + 1] = ("column %q of the DataFrame is not in the table"):format(f.name)
    elseif used[c.name] then
      problems[#problems + 1] = ("columns %q and %q of the DataFrame both name column %q"):format(used[c.name], f.name, c.name)
    elseif innermost(dt).void or not copyable(dt, c.oid) then
      problems[#problems + 1] = ("column %q is %s in the DataFrame but %s in the table%s"):format(f.name,
        dt:simpleString(), c.type, M.arrayDepth(dt) > MAX_DIMS and " (PostgreSQL's arrays have at most 6 dimensions)"
        or innermost(dt).void and VOID_HINT or "")
    elseif innermost(dt).id == T.ID.decimal and (c.oid == PG_NUMERIC or c.oid == PG_NUMERIC_ARRAY)
        and c.typmod >= 4 and innermost(dt).scale > numeric_scale(c.typmod) then
      problems[#problems + 1] = ("column %q is %s in the DataFrame but %s in the table, which would round it")
        :format(f.name, dt:simpleString(), c.type)
    else
      used[c.name] = f.name
      indices[#indices + 1], names[#names + 1], oids[#oids + 1] = i, pg.quoteIdent(c.name), c.oid
      targets[#targets + 1] = c
    end
  end
  for _, c in ipairs(table_columns) do
    if c.notnull and not c.hasdefault and not used[c.name] then
      problems[#problems + 1] = ("column %q of the table is NOT NULL, has no default, and is not in the DataFrame"):format(c.name)
    end
  end
  if #problems > 0 then
    local have = {}
    for k, c in ipairs(table_columns) do have[k] = c.name .. " " .. c.type end
    error(("cannot write to %s: %s (table columns: %s; nothing was written)"):format(display,
      table.concat(problems, "; "), table.concat(have, ", ")), 0)
  end
  return indices, "(" .. table.concat(names, ", ") .. ")", oids, targets
end

return M
