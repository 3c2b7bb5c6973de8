-- tide.pretty — a readable rendering of any Lua value, for the console and
-- for test failure messages:
--
--   local pretty = require("tide.pretty")
--   pretty({ 1, 2, name = "x", sub = { a = true } })
--     --> { 1, 2, name = "x", sub = { a = true } }
--
-- Tables list their array part (1..n up to the first nil) first, then the
-- other keys sorted (numbers, then strings, then the rest). A table that
-- does not fit on one line (80 columns) is broken over several, indented
-- two spaces per level. A table met again inside itself prints as
-- <cycle: table: 0x...>. Strings are quoted with escapes; values whose
-- metatable has __tostring (batches, rows, columns, ...) print with
-- tostring (less one trailing line break), so a batch shows as its
-- Spark-style table. Tables are walked
-- with next() and rawget(), never through __index or __pairs, so
-- rendering has no side effects.
--
-- pretty(value, options) takes options.width (default 80) and
-- options.depth (tables nested deeper print as {...}; default unlimited).

local WIDTH = 80

local keywords = {}
for w in ([[and break do else elseif end false for function goto if in local
  nil not or repeat return then true until while]]):gmatch("%a+") do keywords[w] = true end

local escapes = { ["\\"] = "\\\\", ['"'] = '\\"', ["\n"] = "\\n", ["\r"] = "\\r",
  ["\t"] = "\\t", ["\a"] = "\\a", ["\b"] = "\\b", ["\f"] = "\\f", ["\v"] = "\\v" }

local function quote(s)
  -- A control byte before a digit needs all three digits, or the digit
  -- would be read as part of the escape.
  return '"' .. s:gsub('[%c"\\]', escapes):gsub("(%c)(%d?)", function(c, d)
    return (d ~= "" and "\\%03d" or "\\%d"):format(c:byte()) .. d
  end) .. '"'
end

local function number(n)
  local s = tostring(n)
  -- tostring keeps 14 digits; when that loses the value, the fewest digits
  -- that keep it (0.5644849559558768, as Python prints it, not
  -- 0.56448495595587678).
  if tonumber(s) ~= n and n == n then
    for digits = 15, 17 do
      s = ("%." .. digits .. "g"):format(n)
      if tonumber(s) == n then break end
    end
  end
  return s
end

-- tostring through __tostring, or nil when the value has none. An error
-- inside __tostring is shown rather than raised: a broken value must not
-- break printing of everything around it.
local function via_tostring(v)
  local mt = getmetatable(v)
  -- cdata report the string "ffi" as their metatable; their metatype's
  -- __tostring (if any) is what tostring() calls.
  if type(v) ~= "cdata" and (type(mt) ~= "table" or rawget(mt, "__tostring") == nil) then
    return nil
  end
  local ok, s = pcall(tostring, v)
  if not ok then return "<__tostring error: " .. tostring(s) .. ">" end
  -- Spark-style tables end with a line break; the layout adds its own.
  return (s:gsub("\n$", ""))
end

local function is_identifier(k)
  return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil and not keywords[k]
end

local type_order = { number = 1, string = 2, boolean = 3 }

local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then
    local ra, rb = type_order[ta] or 4, type_order[tb] or 4
    if ra ~= rb then return ra < rb end
    return ta < tb
  end
  if ta == "number" or ta == "string" then return a < b end
  if ta == "boolean" then return b and not a end
  return tostring(a) < tostring(b)
end

local render

local function indent_lines(s, pad)
  return (s:gsub("\n", "\n" .. pad))
end

local function render_table(t, opts, level, path)
  if path[t] then return "<cycle: " .. tostring(t) .. ">" end
  if opts.depth and level >= opts.depth then return next(t) == nil and "{}" or "{...}" end
  path[t] = true

  local n = 0
  while rawget(t, n + 1) ~= nil do n = n + 1 end
  local keys = {}
  for k in next, t do
    if not (type(k) == "number" and k >= 1 and k <= n and k % 1 == 0) then keys[#keys + 1] = k end
  end
  table.sort(keys, key_less)

  local items = {}
  for i = 1, n do items[i] = render(rawget(t, i), opts, level + 1, path) end
  for _, k in ipairs(keys) do
    local name = is_identifier(k) and k or "[" .. render(k, opts, level + 1, path) .. "]"
    items[#items + 1] = name .. " = " .. render(rawget(t, k), opts, level + 1, path)
  end
  path[t] = nil

  if #items == 0 then return "{}" end
  local flat = "{ " .. table.concat(items, ", ") .. " }"
  if #flat + level * 2 <= opts.width and not flat:find("\n", 1, true) then return flat end
  -- Nested values come back indented from column 0; each level shifts
  -- its items' lines by two spaces.
  for i, item in ipairs(items) do items[i] = "  " .. indent_lines(item, "  ") end
  return "{\n" .. table.concat(items, ",\n") .. "\n}"
end

function render(v, opts, level, path)
  local tv = type(v)
  if tv == "string" then return quote(v) end
  if tv == "number" then return number(v) end
  if tv == "nil" or tv == "boolean" then return tostring(v) end
  local s = via_tostring(v)
  if s then return s end
  if tv == "table" then return render_table(v, opts, level, path) end
  return tostring(v)
end

return function(value, options)
  local opts = { width = WIDTH }
  for k, v in pairs(options or {}) do opts[k] = v end
  return render(value, opts, 0, {})
end
