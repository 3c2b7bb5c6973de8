-- tide.show — Spark's show as text, for batches and DataFrames alike
-- (tide.batch makes the cells):
--
--   show.arguments(...)     -> n, truncate, vertical: show(n, truncate,
--                              vertical) or show{n =, truncate =, vertical =}
--   show.escape(text)       -> control characters escaped, "a\\nb"
--   show.cut(text, limit)   -> a cell cut to limit characters ("abcd...")
--   show.table(cells)       -> the bordered table Dataset.showString prints
--   show.vertical(cells)    -> the vertical form (-RECORD 0 ...)
--
-- cells is { names = {...}, rows = { {text, ...}, ... }, truncate = n,
-- more = whether rows were left out }.
local M = {}

-- Spark's show escapes control characters in names and cells
-- (SparkSchemaUtils.escapeMetaCharacters), so a newline keeps the table
-- whole.
local META = { ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t", ["\a"] = "\\a", ["\b"] = "\\b",
               ["\v"] = "\\v", ["\f"] = "\\f" }
function M.escape(s) return (s:gsub("[\a\b\t\n\v\f\r]", META)) end

-- Java's length of s (UTF-16 units: a character beyond the BMP, 4 bytes
-- of UTF-8, is two), which is what Spark cuts cells by.
local function java_length(s)
  local _, continuation = s:gsub("[\128-\191]", "")
  local _, astral = s:gsub("[\240-\247]", "")
  return #s - continuation + astral
end

-- East Asian wide characters, which Spark's Utils.stringHalfWidth counts
-- twice when it pads a cell.
local WIDE = { { 0x1100, 0x115F }, { 0x2E80, 0xA4CF }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE10, 0xFE19 },
               { 0xFE30, 0xFE6F }, { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 } }
local function wide_count(s)
  local n = 0
  for a, b, c in s:gmatch("([\225-\239])([\128-\191])([\128-\191])") do
    local cp = (a:byte() - 0xE0) * 4096 + (b:byte() - 0x80) * 64 + (c:byte() - 0x80)
    for _, r in ipairs(WIDE) do
      if cp >= r[1] and cp <= r[2] then n = n + 1; break end
    end
  end
  return n
end

-- Width as Spark pads cells: Java's length plus the wide characters.
local function width(s) return java_length(s) + wide_count(s) end

-- The first `units` UTF-16 units of s (a character is not split).
local function java_prefix(s, units)
  local count, i = 0, 1
  while i <= #s and count < units do
    local b = s:byte(i)
    i = i + (b >= 0xF0 and 4 or b >= 0xE0 and 3 or b >= 0xC0 and 2 or 1)
    count = count + (b >= 0xF0 and 2 or 1)
  end
  return s:sub(1, i - 1)
end

function M.cut(s, limit)
  if limit > 0 and java_length(s) > limit then
    if limit < 4 then return java_prefix(s, limit) end
    return java_prefix(s, limit - 3) .. "..."
  end
  return s
end

-- Spark's Dataset.showString: cells right-aligned when truncating and
-- left-aligned otherwise, "only showing top n rows" when some were left out.
function M.table(t)
  local all = { t.names }
  for _, cells in ipairs(t.rows) do all[#all + 1] = cells end
  local widths = {}
  for c = 1, #t.names do
    widths[c] = 3
    for _, cells in ipairs(all) do widths[c] = math.max(widths[c], width(cells[c])) end
  end
  local sep = { "+" }
  for c = 1, #t.names do sep[#sep + 1] = ("-"):rep(widths[c]) .. "+" end
  -- (no columns: Scala's addString of nothing still writes both ends, ++ and ||)
  if #t.names == 0 then sep[2] = "+" end
  sep = table.concat(sep)
  local out = { sep }
  for r, cells in ipairs(all) do
    local line = { "|" }
    for c = 1, #t.names do
      local pad = (" "):rep(widths[c] - width(cells[c]))
      line[#line + 1] = (t.truncate > 0 and pad .. cells[c] or cells[c] .. pad) .. "|"
    end
    if #t.names == 0 then line[2] = "|" end
    out[#out + 1] = table.concat(line)
    if r == 1 then out[#out + 1] = sep end
  end
  out[#out + 1] = sep
  local text = table.concat(out, "\n") .. "\n"
  if t.more then
    text = text .. ("only showing top %d %s\n"):format(#t.rows, #t.rows == 1 and "row" or "rows")
  end
  return text
end

-- Spark's vertical show (Dataset.showString): a "-RECORD i" line per row,
-- then " name | value " per column, names and values padded to the widest.
function M.vertical(cells)
  local name_width, value_width = 3, 3
  for _, name in ipairs(cells.names) do name_width = math.max(name_width, width(name)) end
  for _, row in ipairs(cells.rows) do
    for _, v in ipairs(row) do value_width = math.max(value_width, width(v)) end
  end
  local out = {}
  for i, row in ipairs(cells.rows) do
    local head = "-RECORD " .. (i - 1)
    out[#out + 1] = head .. ("-"):rep(name_width + value_width + 5 - #head) .. "\n"
    for c, name in ipairs(cells.names) do
      out[#out + 1] = (" %s%s | %s%s \n"):format(name, (" "):rep(name_width - width(name)),
        row[c], (" "):rep(value_width - width(row[c])))
    end
  end
  if #cells.rows == 0 then
    out[#out + 1] = "(0 rows)\n"
  elseif cells.more then
    out[#out + 1] = ("only showing top %d %s\n"):format(#cells.rows, #cells.rows == 1 and "row" or "rows")
  end
  return table.concat(out)
end

local SHOW_PARAMETERS = { n = true, truncate = true, vertical = true }

-- show's arguments as PySpark takes them: show(n, truncate, vertical), or
-- its keywords as a table, show{n = 5, truncate = false, vertical = true}.
-- n is a whole number of rows (20 when not given; fewer than none is
-- none, as in Spark), truncate true (cells cut to 20 characters), false or
-- a number of characters, vertical a boolean. Returns them checked; an
-- error points at the line that called show (the caller of the function
-- that calls this).
function M.arguments(n, truncate, vertical)
  if type(n) == "table" then
    if truncate ~= nil or vertical ~= nil then error("show takes arguments or one table of them, not both", 3) end
    for k in pairs(n) do
      if not SHOW_PARAMETERS[k] then
        error(("show has no parameter %s (it takes n, truncate, vertical)"):format(tostring(k)), 3)
      end
    end
    n, truncate, vertical = n.n, n.truncate, n.vertical
  end
  if n == nil then n = 20 end
  if type(n) ~= "number" or n ~= math.floor(n) then
    local hint = type(n) == "boolean" and " (untruncated: show(20, false) or show{truncate = false})" or ""
    error(("show: n must be a whole number of rows, not %s%s"):format(tostring(n), hint), 3)
  end
  if truncate ~= nil and type(truncate) ~= "boolean" and type(truncate) ~= "number" then
    error(("show: truncate must be a boolean or a number of characters, not a %s"):format(type(truncate)), 3)
  end
  if vertical ~= nil and type(vertical) ~= "boolean" then
    error(("show: vertical must be a boolean, not a %s"):format(type(vertical)), 3)
  end
  return math.max(n, 0), truncate, vertical or false
end

return M
