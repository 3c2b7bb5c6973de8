-- tide.error_hints — hints added to an error's message where Lua's own
-- wording leaves a Spark user without the way out: the host's traceback
-- handler (tide run, the console) and the notebook runner pass every
-- error's message through explain, and the host and the console a
-- script's or chunk's syntax error too.
local M = {}

-- The globals a PySpark shell or the console has and a script does not;
-- and a table compared with a number, for which Lua calls no metamethod:
-- the first filter a Spark user writes, F.col("id") > 1, fails inside Lua.
local HINTS = {
  { patterns = { "attempt to index global 'tide' (a nil value)" },
    hint = "a script defines its own: local tide = require(\"tide\"); only the console predefines tide" },
  { patterns = { "attempt to index global 'spark' (a nil value)", "attempt to index global 'F' (a nil value)" },
    hint = "a script makes its own: local spark = tide.session(); local F = tide.functions" },
  { patterns = { "attempt to compare number with table", "attempt to compare table with number" },
    hint = "if the table is a Column: Lua's < > <= >= cannot compare one with a number; write"
      .. " F.col(\"x\"):gt(1), :ge, :lt, :le" },
}

-- The properties of DataFrame and SparkSession (PySpark's df.write,
-- spark.read, ...), reached with '.' in tide too. Written with ':' and
-- followed by a method (df:write:mode("x")), they make Lua's syntax error
-- "function arguments expected near ':'" (or '.'), which names neither.
local PROPERTIES = { write = "df", writeStream = "df", na = "df", stat = "df", read = "spark", readStream = "spark",
                     conf = "spark", catalog = "spark" }

-- Lines first - 1 and first of text (a chunk's source), or of the file
-- named path; nil when there is no such file or line.
local function lines_of(text, path, first)
  local lines = {}
  if text then
    for line in (text .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
  else
    local f = path and io.open(path, "r")
    if not f then return nil end
    for line in f:lines() do
      lines[#lines + 1] = line
      if #lines >= first then break end
    end
    f:close()
  end
  if not lines[first] then return nil end
  return lines[first - 1] or "", lines[first]
end

-- A line of code without its strings' contents and its comment, as far
-- as one line can tell (a long string or comment over lines is not
-- seen): what is left is code.
local function code_of(line)
  local out, quote, i = {}, nil, 1
  while i <= #line do
    local c = line:sub(i, i)
    if quote then
      if c == "\\" then
        i = i + 1
      elseif c == quote then
        out[#out + 1], quote = c, nil
      end
    elseif c == '"' or c == "'" then
      out[#out + 1], quote = c, c
    elseif line:sub(i, i + 1) == "--" then
      break
    else
      out[#out + 1] = c
    end
    i = i + 1
  end
  return table.concat(out)
end

-- object:property, then ':' or '.' and a method called: (...), "..." or {...}.
local PROPERTY_CALL = "([%w_%.]*):([%a_][%w_]*)%s*([:.])%s*([%a_][%w_]*)%s*[%(\"'{]"

-- The hint for a property written with ':' and followed by a method call
-- on the line that the syntax error names (or, where a chain breaks
-- lines and that line begins with the method, df:writeStream\n
-- :format(...), across the end of the line before and it); nil when the
-- code there has none.
local function property_with_colon(message, source)
  local chunk, line = message:match("^(.-):(%d+): function arguments expected near '[:.]'")
  if not chunk then return nil end
  local before, text = lines_of(source, chunk, tonumber(line))
  if not text then return nil end
  text = code_of(text)
  if text:match("^%s*[:.]") then
    text = (code_of(before):match("([%w_%.]*:[%a_][%w_]*)%s*$") or "") .. text
  end
  local hint
  for object, property, sep, method in text:gmatch(PROPERTY_CALL) do
    if PROPERTIES[property] then
      object = object:match("^[%a_]") and object or PROPERTIES[property]
      hint = ("%s is a property, reached with '.': %s.%s:%s(...), not %s:%s%s%s(...)"):format(property, object,
        property, method, object, property, sep, method)
    end
  end
  return hint
end

-- What PySpark reaches as a property and tide as a method, used as a
-- value: Lua says "attempt to get length of field 'active' (a function
-- value)" of #spark.streams.active.
local PROPERTY_METHODS = { active = "spark.streams:active()", isActive = "query:isActive()" }

local function method_as_value(message)
  local name = message:match("attempt to [%a ]- field '([%a_][%w_]*)' %(a function value%)")
  local call = name and PROPERTY_METHODS[name]
  return call and ("%s is a method in tide (a property in PySpark): %s"):format(name, call)
end

-- message with the hint that fits it, if any. source: the chunk's text,
-- when the error is a syntax error of a chunk that is no file (the
-- console's input); otherwise the file the message names is read.
function M.explain(message, source)
  for _, h in ipairs(HINTS) do
    for _, pattern in ipairs(h.patterns) do
      if message:find(pattern, 1, true) and not message:find(h.hint, 1, true) then
        return message .. " (" .. h.hint .. ")"
      end
    end
  end
  local hint = property_with_colon(message, source) or method_as_value(message)
  if hint and not message:find(hint, 1, true) then return message .. " (" .. hint .. ")" end
  return message
end

return M
