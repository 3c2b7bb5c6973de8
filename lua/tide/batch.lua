-- tide.batch — columnar batches from Lua.
--
-- A batch is the C struct tide_batch (tide_ffi.h) with methods attached:
--   b:count(), b:schema(), b:printSchema(), b:show(n, truncate, vertical)
--   (or b:show{n = 5, truncate = false}), b:showString(...), b:collect(),
--   b:columnNames(), b:column(name or index) -> a zero-copy view of one column.
-- Batches made in C reach Lua through batch.wrap(ptr), which hands the
-- memory to the garbage collector. batch.fromRows(rows, schema) builds one
-- from Lua values, for tests and small inputs; data paths build batches in C.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local Row = require("tide.row")
local show = require("tide.show")

local M = {}
local ID = T.ID

local Batch = {}   -- methods of tide_batch
local Column = {}  -- methods of column views
Column.__index = Column

-- ---- memory ------------------------------------------------------------------

-- Batches are freed by the garbage collector, which sees only the few bytes
-- of each cdata, never the arena behind it: a Lua heap of 4 MB can keep
-- gigabytes of dead batches, and a stream's never shrink. So collections
-- are driven by arena bytes too: reclaim(slack) runs a full collection when
-- the bytes held by arenas grew by more than `slack` since the last one
-- (the streaming loop calls it after every micro-batch, sliced execution
-- after every slice; wrap() with a wide slack, for loops over batches
-- outside the streaming loop). Below the slack, reclaim(slack, mark,
-- step_kb) takes an incremental step of the collector instead, so that
-- small batches' arenas are freed by cycles spread over several batches,
-- not by a pause of a full collection every few batches (which delays the
-- next batch, so it shows in a stream's latency).
local arena_stats = ffi.new("tide_arena_stats")
local held_after_collect = 0
local WRAP_SLACK = 128 * 2 ^ 20

function M.arenaStats()
  C.tide_arena_stats_get(arena_stats)
  return { arenas = tonumber(arena_stats.arenas), bytes = tonumber(arena_stats.bytes),
           peakBytes = tonumber(arena_stats.peak_bytes), cachedBytes = tonumber(arena_stats.cached_bytes),
           cacheLimit = tonumber(arena_stats.cache_limit), reusedChunks = tonumber(arena_stats.reused_chunks) }
end

-- What the arenas held after the last collection: the memory that was
-- alive then. A loop takes it before an iteration and hands it to reclaim
-- after (reclaim(slack, mark)), so that collections inside the iteration
-- (sliced execution collects between slices, while the iteration's input
-- is still alive) do not hide what the iteration left behind.
function M.mark() return held_after_collect end

-- "collect" after a full collection, "step" when an incremental step ended
-- a cycle, false when it did neither.
function M.reclaim(slack, mark, step_kb)
  C.tide_arena_stats_get(arena_stats)
  local held = tonumber(arena_stats.bytes)
  if held < held_after_collect then held_after_collect = held end
  local base = mark and math.min(mark, held_after_collect) or held_after_collect
  local grown, done = held - base, "collect"
  if grown > (slack or 0) then
    collectgarbage("collect")
  elseif grown > 0 and step_kb and collectgarbage("step", step_kb) then
    done = "step" -- a cycle ended: what it could free is freed
  else
    return false
  end
  C.tide_arena_stats_get(arena_stats)
  held_after_collect = tonumber(arena_stats.bytes)
  return done
end

-- Batches whose reference is their Lua object's (wrap), and those a view
-- of a column has been handed out of (column, columnView): code outside
-- the engine may keep such a view, so release leaves those batches to the
-- collector.
local wrapped = setmetatable({}, { __mode = "k" })
local viewed = setmetatable({}, { __mode = "k" })

-- Takes ownership of a tide_batch* made by C; raises `err` if it is NULL.
function M.wrap(ptr, err)
  if ptr == nil then error(err or "out of memory", 2) end
  M.reclaim(WRAP_SLACK)
  local b = ffi.gc(ptr, C.tide_batch_free)
  wrapped[b] = true
  return b
end

-- Drops a wrapped batch's reference now instead of at a collection, for
-- the engine's own intermediates that nothing uses again (sliced
-- execution's): their arenas go at once (or with the last batch that
-- shares their buffers, which holds a reference of its own), so a slice
-- needs no full collection to free the one before it. A batch that was
-- viewed, or not wrapped here, is left to the collector; a batch already
-- released is not released again.
function M.release(b)
  if wrapped[b] and not viewed[b] then
    wrapped[b] = nil
    C.tide_batch_free(ffi.gc(b, nil))
  end
end

function M.isBatch(v)
  return type(v) == "cdata" and ffi.istype("tide_batch*", v)
end

-- ---- types of columns ------------------------------------------------------

local function column_type(col)
  local id = col.type
  if id == ID.decimal then return T.decimal(col.precision, col.scale) end
  if id == ID.struct then
    local fields = {}
    for i = 0, col.num_children - 1 do
      local child = col.children[i]
      fields[i + 1] = T.field(ffi.string(child.name), column_type(child), true)
    end
    return T.struct(fields)
  end
  if id == ID.array then return T.array(column_type(col.children[0])) end
  if id == ID.map then return T.map(column_type(col.children[0]), column_type(col.children[1])) end
  return T.fromId(id) or error("unknown column type id " .. tostring(id))
end

function Batch:schema()
  local fields = {}
  for i = 0, self.num_columns - 1 do
    local col = self.columns[i]
    fields[i + 1] = T.field(ffi.string(col.name), column_type(col), true)
  end
  return T.struct(fields)
end

function Batch:columnNames()
  local names = {}
  for i = 0, self.num_columns - 1 do names[i + 1] = ffi.string(self.columns[i].name) end
  return names
end

function Batch:count() return tonumber(self.num_rows) end

function Batch:printSchema() io.write(self:schema():treeString()) end

-- ---- reading values ----------------------------------------------------------

local POINTER = {
  [ID.boolean] = "uint8_t*", [ID.int] = "int32_t*", [ID.long] = "int64_t*",
  [ID.float] = "float*", [ID.double] = "double*", [ID.string] = "int32_t*",
  [ID.binary] = "int32_t*", [ID.timestamp] = "int64_t*", [ID.decimal] = "uint8_t*",
  [ID.vector] = "int64_t*", [ID.array] = "int64_t*", [ID.map] = "int64_t*", [ID.date] = "int32_t*",
}
local text_buf = ffi.new("char[48]")
local TWO53 = 2 ^ 53

local function is_valid(col, i)
  return col.validity == nil or bit.band(col.validity[bit.rshift(i, 3)], bit.lshift(1, bit.band(i, 7))) ~= 0
end

local function bytes_at(col, i)
  local offsets = ffi.cast("int32_t*", col.values)
  return ffi.string(col.data + offsets[i], offsets[i + 1] - offsets[i])
end

local function decimal_text(col, i)
  local n = C.tide_decimal_format(ffi.cast("uint8_t*", col.values) + 16 * i, col.scale, text_buf)
  return ffi.string(text_buf, n)
end

local function date_text(col, i)
  return ffi.string(text_buf, C.tide_date_format(ffi.cast("int32_t*", col.values)[i], text_buf))
end

-- Row i of a vector column as a tide.ml.linalg vector.
local function vector_at(col, i)
  local offsets = ffi.cast("int64_t*", col.values)
  local first, last = tonumber(offsets[i]), tonumber(offsets[i + 1])
  local idx = ffi.cast("int32_t*", col.children[0].values)
  local vals = ffi.cast("double*", col.children[1].values)
  local size = col.vector_size
  local linalg = require("tide.ml.linalg")
  local values = {}
  for k = first, last - 1 do values[#values + 1] = vals[k] end
  if col.scale == 1 or (col.scale == 2 and last - first == size and size > 0) then return linalg.dense(values) end
  local indices = {}
  for k = first, last - 1 do indices[#indices + 1] = idx[k] end
  return linalg.sparse(size, indices, values)
end

-- The range [first, last) of row i's elements in an array column's
-- element column.
local function elements_of(col, i)
  local offsets = ffi.cast("int64_t*", col.values)
  return tonumber(offsets[i]), tonumber(offsets[i + 1])
end

-- The Lua value of row i (0-based) of a column: numbers for numeric types
-- (int64 as a number when exact, else an int64 cdata), strings for string,
-- binary and decimal (exact digits), "yyyy-MM-dd" strings for dates,
-- microseconds for timestamps, Rows for
-- structs, lists for arrays (n: their length, null elements being holes),
-- tables of key -> value for maps (a null value's key left out), nil for
-- null.
local value_at
function value_at(col, i)
  if not is_valid(col, i) then return nil end
  local id = col.type
  if id == ID.array then
    local first, last = elements_of(col, i)
    local element = col.children[0]
    local list = setmetatable({ n = last - first },
      Row.listMetatable(element.type == ID.double or element.type == ID.float))
    for k = first, last - 1 do list[k - first + 1] = value_at(element, k) end
    return list
  end
  if id == ID.map then
    local first, last = elements_of(col, i)
    local map = setmetatable({}, Row.mapMetatable(col.children[1].type == ID.double
      or col.children[1].type == ID.float))
    for k = first, last - 1 do map[value_at(col.children[0], k)] = value_at(col.children[1], k) end
    return map
  end
  if id == ID.string or id == ID.binary then return bytes_at(col, i) end
  if id == ID.decimal then return decimal_text(col, i) end
  if id == ID.date then return date_text(col, i) end
  if id == ID.vector then return vector_at(col, i) end
  if id == ID.struct then
    local names, floating, values = {}, {}, {}
    for k = 0, col.num_children - 1 do
      local child = col.children[k]
      names[k + 1] = ffi.string(child.name)
      floating[k + 1] = child.type == ID.double or child.type == ID.float
      values[k + 1] = value_at(child, i)
    end
    return Row.make(Row.metatable(names, floating), values)
  end
  local v = ffi.cast(POINTER[id], col.values)[i]
  if id == ID.boolean then return v ~= 0 end
  if id == ID.long or id == ID.timestamp then
    if v < TWO53 and v > -TWO53 then return tonumber(v) end
    return v
  end
  return tonumber(v)
end

function Batch:collect()
  local names, floating = self:columnNames(), {}
  for c = 0, self.num_columns - 1 do
    floating[c + 1] = self.columns[c].type == ID.double or self.columns[c].type == ID.float
  end
  local mt = Row.metatable(names, floating)
  local rows = {}
  if mt.__repeats then -- (a name twice: each position's value is kept, Row.make)
    for r = 0, tonumber(self.num_rows) - 1 do
      local values = {}
      for c = 0, self.num_columns - 1 do values[c + 1] = value_at(self.columns[c], r) end
      rows[r + 1] = Row.make(mt, values)
    end
    return rows
  end
  for r = 0, tonumber(self.num_rows) - 1 do
    local row = {}
    for c = 0, self.num_columns - 1 do row[names[c + 1]] = value_at(self.columns[c], r) end
    rows[r + 1] = setmetatable(row, mt)
  end
  return rows
end

-- ---- column views --------------------------------------------------------------

-- A view of one column; row indices are 0-based, like the FFI arrays it
-- exposes. The view keeps its batch alive.
function Batch:column(key)
  local index = key
  if type(key) == "string" then
    index = nil
    for i = 0, self.num_columns - 1 do
      if ffi.string(self.columns[i].name) == key then index = i + 1 end
    end
    if not index then error(("no column %q in %s"):format(key, self:schema():simpleString()), 2) end
  end
  if type(index) ~= "number" or index < 1 or index > self.num_columns then
    error("column index out of range: " .. tostring(key), 2)
  end
  viewed[self] = true
  return setmetatable({ batch = self, col = self.columns[index - 1] }, Column)
end

-- A view of a column that is not found by name in a batch (a kernel's
-- result, a UDF's argument); owner (anything) is kept alive with it.
function M.columnView(col, owner)
  viewed[owner] = true
  return setmetatable({ batch = owner, col = col }, Column)
end

function Column:name() return ffi.string(self.col.name) end
function Column:dataType() return column_type(self.col) end
function Column:length() return tonumber(self.col.length) end
function Column:nullCount() return tonumber(self.col.null_count) end
function Column:isNull(i) return not is_valid(self.col, i) end
function Column:get(i) return value_at(self.col, i) end
-- The raw value buffer as a typed pointer: int64_t* for long, double* for
-- double, int32_t* offsets for string and binary (bytes in :data()), and
-- 16 bytes per value for decimal.
function Column:values() return ffi.cast(POINTER[self.col.type], self.col.values) end
function Column:data() return self.col.data end
function Column:child(k)
  local col = self.col
  for i = 0, col.num_children - 1 do
    if i + 1 == k or ffi.string(col.children[i].name) == k then
      return setmetatable({ batch = self.batch, col = col.children[i] }, Column)
    end
  end
  error("no field " .. tostring(k) .. " in " .. self:dataType():simpleString(), 2)
end

-- ---- show ------------------------------------------------------------------------

-- Java's Double.toString (Float.toString when is_float), which Spark's show
-- uses: the one implementation is C's, shared with to_json.
local java_buf = ffi.new("char[32]")
local function java_double(x, is_float)
  return ffi.string(java_buf, C.tide_format_java_double(x, is_float and 1 or 0, java_buf))
end

local function hex_bytes(s)
  local parts = {}
  for i = 1, #s do parts[i] = ("%02X"):format(s:byte(i)) end
  return "[" .. table.concat(parts, " ") .. "]"
end

-- The text of row i of a column as Spark writes a value: null as
-- null_text ("null", as CAST to STRING; show's "NULL", as Spark 3.5's
-- ToPrettyString), at any depth.
local cell_text
function cell_text(col, i, null_text)
  if not is_valid(col, i) then return null_text or "null" end
  local id = col.type
  if id == ID.string then return bytes_at(col, i) end
  if id == ID.binary then return hex_bytes(bytes_at(col, i)) end
  if id == ID.decimal then return decimal_text(col, i) end
  if id == ID.boolean then return ffi.cast("uint8_t*", col.values)[i] ~= 0 and "true" or "false" end
  if id == ID.int then return tostring(ffi.cast("int32_t*", col.values)[i]) end
  if id == ID.long then return tostring(ffi.cast("int64_t*", col.values)[i]):gsub("LL$", "") end
  if id == ID.double then return java_double(ffi.cast("double*", col.values)[i]) end
  if id == ID.float then return java_double(tonumber(ffi.cast("float*", col.values)[i]), true) end
  if id == ID.timestamp then
    local n = C.tide_timestamp_format(ffi.cast("int64_t*", col.values)[i], text_buf)
    return ffi.string(text_buf, n)
  end
  if id == ID.date then return date_text(col, i) end
  if id == ID.vector then return tostring(vector_at(col, i)) end
  if id == ID.struct then
    local parts = {}
    for k = 0, col.num_children - 1 do parts[k + 1] = cell_text(col.children[k], i, null_text) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  if id == ID.array then
    local first, last = elements_of(col, i)
    local parts = {}
    for k = first, last - 1 do parts[k - first + 1] = cell_text(col.children[0], k, null_text) end
    return "[" .. table.concat(parts, ", ") .. "]"
  end
  if id == ID.map then
    local first, last = elements_of(col, i)
    local parts = {}
    for k = first, last - 1 do
      parts[k - first + 1] = cell_text(col.children[0], k, null_text) .. " -> "
        .. cell_text(col.children[1], k, null_text)
    end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return "?"
end
M.cellText = cell_text
M.isValid = is_valid
M.javaDouble = java_double

-- The cells Spark's show prints: the column names, then up to n rows of
-- cell texts (nulls NULL, control characters escaped: show.escape) cut
-- to `truncate` characters (20 when true, none when false or 0); `more`
-- tells whether rows were left out.
function Batch:showCells(n, truncate)
  n = n or 20
  if truncate == nil or truncate == true then truncate = 20 end
  if truncate == false then truncate = 0 end
  local names = self:columnNames()
  for c, name in ipairs(names) do names[c] = show.escape(name) end
  local total = self:count()
  local shown = math.min(n, total)
  local rows = {}
  for r = 0, shown - 1 do
    local cells = {}
    for c = 0, self.num_columns - 1 do
      cells[c + 1] = show.cut(show.escape(cell_text(self.columns[c], r, "NULL")), truncate)
    end
    rows[#rows + 1] = cells
  end
  return { names = names, rows = rows, truncate = truncate, more = total > shown }
end

-- The text show prints, for the same arguments.
function Batch:showString(...)
  local n, truncate, vertical = show.arguments(...)
  local cells = self:showCells(n, truncate)
  return vertical and show.vertical(cells) or show.table(cells)
end

-- Prints the table (show(n, truncate, vertical) or show{...}, as a
-- DataFrame's), or hands it to the display (a notebook report); the
-- vertical form is text in either.
function Batch:show(...)
  local n, truncate, vertical = show.arguments(...)
  local cells = self:showCells(n, truncate)
  if vertical then
    io.write(show.vertical(cells), "\n")
  else
    require("tide.display").table(cells, show.table(cells))
  end
end

-- batch without the rows marked in `statuses` (a list of uint8_t arrays of
-- batch's rows, 1 = drop the row), and how many rows went: one C kernel
-- per array and one gather (tide_batch_filter), whatever the column types.
-- With nothing dropped, the result shares batch's buffers.
function M.dropRows(batch, statuses)
  local n = batch.num_rows
  local scratch = M.wrap(C.tide_batch_derive(batch, 0))
  local errbuf = ffi.new("char[256]")
  local function check(rc)
    if rc ~= 0 then error("dropping rows: " .. ffi.string(errbuf), 0) end
  end
  local views = {}
  for i, status in ipairs(statuses) do
    local col = ffi.new("tide_column")
    col.type, col.length, col.capacity, col.values = ID.boolean, n, n, status
    views[i] = col
  end
  local any = views[1]
  for i = 2, #views do
    local dst = ffi.new("tide_column")
    check(C.tide_eval_and_or(scratch, 1, any, views[i], dst, errbuf, 256))
    views[#views + 1], any = dst, dst
  end
  local keep = ffi.new("tide_column")
  check(C.tide_eval_not(scratch, any, keep, errbuf, 256))
  local result = C.tide_batch_filter(batch, keep, errbuf, 256)
  if result == nil then error("dropping rows: " .. ffi.string(errbuf), 0) end
  local _ = { views, scratch }
  result = M.wrap(result)
  return result, tonumber(n - result.num_rows)
end

-- A batch from rows of Lua values (batch_build.lua).
M.fromRows = require("tide.batch_build").fromRows

Batch.__index = Batch
Batch.__tostring = function(b) return b:showString() end
Batch.__len = function(b) return tonumber(b.num_rows) end
ffi.metatype("tide_batch", Batch)

return M
