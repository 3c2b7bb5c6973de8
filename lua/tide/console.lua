-- tide.console — the Lua half of `tide console` (engine/console.c holds
-- the terminal, signals and history):
--
--   console.compile(source)  -> function, or nil, message, incomplete
--   console.unfinished(source, first_line)
--                            -> the message for a chunk input ended inside
--   console.show(...)        writes the values a chunk returned
--   console.complete(text)   -> sorted completions of the word before the cursor
--   console.idle()           called every 100 ms while the console waits for input
--   console.help             the `help` global: help() a guide, help(value) its members
--   console.setup()          the console's globals (`tide`, `help`)
--
-- Chunks typed at the prompt are compiled here with the JIT turned off
-- for them and every function they define (jit.off(fn, true)): the debug
-- hook that Ctrl-C sets can only stop code the interpreter runs, and a
-- compiled trace of `while true do end` would never look at it. Library
-- code keeps the JIT.
local pretty = require("tide.pretty")

local M = {}

M.prompt = "tide> "
M.continuation = "...> "

-- The chunk name of console input: errors read "stdin:1: ...", as in luajit.
local CHUNK = "=stdin"

-- A load error about the end of input means the chunk goes on, as luajit's
-- REPL decides: "'end' expected near '<eof>'", "unfinished long string
-- near '<eof>'". One is not: a chunk ending in `df:show` is a method not
-- called (what `df.show` shows in Python), and waiting for its arguments
-- on the next line would turn whatever comes next into a syntax error.
local METHOD_NOT_CALLED = "function arguments expected near '<eof>'"

local function incomplete(message)
  return message:sub(-7) == "'<eof>'" and message:sub(-#METHOD_NOT_CALLED) ~= METHOD_NOT_CALLED
end

-- An expression first, so `1+1` prints 2 (as Lua 5.3's REPL does; the
-- Lua 5.1 habit `=1+1` works too); then a statement. A chunk that is incomplete either way asks for more input,
-- which lets `{` or `f(` open a multi-line expression.
--
-- A valid expression list is compiled again as the arguments of a local
-- identity function: `return f(x)` is a tail call, which would drop the
-- chunk's own frame, and with it "stdin:1:" from error messages and
-- tracebacks. Both forms keep the user's text on line 1, and the closing
-- parenthesis stays on the chunk's last line: LuaJIT gives an expression
-- (`df.columns` with df nil) the line of the token after it. It goes on a
-- line of its own only when a trailing comment would swallow it.
local VALUES = "local function __console_values(...) return ... end return __console_values("

-- The text of the last chunk compiled as an expression (nil after a
-- statement), which show() uses to name a value in a hint (`q.status`).
local last_expression

function M.compile(source)
  source = source:gsub("^=", "", 1)
  local fn, expr_err = loadstring("return " .. source, CHUNK)
  last_expression = fn and source or nil
  if fn then
    fn = loadstring(VALUES .. source .. ")", CHUNK) or loadstring(VALUES .. source .. "\n)", CHUNK) or fn
  else
    local err
    fn, err = loadstring(source, CHUNK)
    if not fn then
      local method = err:sub(-#METHOD_NOT_CALLED) == METHOD_NOT_CALLED and source:match("([%w_.]+:[%w_]+)%s*$")
      if method then err = ("%s: call the method with parentheses, %s()"):format(err, method) end
      if not incomplete(err) then err = require("tide.error_hints").explain(err, source) end
      return nil, err, incomplete(err) or incomplete(expr_err)
    end
  end
  if jit then jit.off(fn, true) end
  return fn
end

-- The message for a chunk still unfinished when input ends (`bad(` as the
-- last line of a pipe, or Ctrl-D at the ...> prompt): Lua's own error
-- about the end of input, as `tide run` would give for the same text. The
-- chunk is compiled after first_line - 1 empty lines so that the message
-- names lines of the input ("stdin:7:"), not of the chunk.
function M.unfinished(source, first_line)
  source = source:gsub("^=", "", 1)
  local pad = ("\n"):rep((tonumber(first_line) or 1) - 1)
  local _, err = loadstring(pad .. source, CHUNK)
  if not (err and incomplete(err)) then
    local _, expr_err = loadstring(pad .. "return " .. source, CHUNK)
    err = expr_err or err
  end
  return ("%s (the input ended inside the chunk begun on line %d, which did not run)")
    :format(err or "unfinished chunk", tonumber(first_line) or 1)
end

-- ---- methods that PySpark has as properties ----------------------------------

-- What PySpark reads as a property and tide calls as a method: q.isActive
-- in Python is q:isActive() here, and q.isActive alone is the function
-- (q.status, q.lastProgress and q.recentProgress are properties in tide
-- too). A module not loaded yet has made no such object, so there is
-- nothing to recognize.
local PYSPARK_PROPERTIES = {
  { module = "tide.streaming", class = "StreamingQuery", name = "StreamingQuery", usage = "q",
    properties = { "isActive" } },
  { module = "tide.streaming_manager", class = "Manager", name = "StreamingQueryManager",
    usage = "spark.streams", properties = { "active" } },
}

local function class_table(module, class)
  local m = package.loaded[module]
  return type(m) == "table" and type(m[class]) == "table" and m[class] or nil
end

-- The class and property a function is the method of, or nil.
local function property_method(fn)
  for _, c in ipairs(PYSPARK_PROPERTIES) do
    local class = class_table(c.module, c.class)
    if class then
      for _, property in ipairs(c.properties) do
        if rawequal(rawget(class, property), fn) then return c, property end
      end
    end
  end
  return nil
end

-- "q.status is a method in tide ...", named as the user wrote it when the
-- chunk was that one path (q.status, spark.streams.active), else by class.
local function property_hint(fn, expression)
  local c, property = property_method(fn)
  if not c then return nil end
  local object = expression and expression:match("^%s*([%a_][%w_.]*)%." .. property .. "%s*$")
  if object then
    return ("%s.%s is a method in tide (a property in PySpark): %s:%s()"):format(object, property, object, property)
  end
  return ("%s.%s is a method in tide (a property in PySpark): %s:%s()"):format(c.name, property, c.usage, property)
end

-- Writes every value a chunk returned, pretty-printed: tabs between them
-- (as print does), or line breaks when one takes several lines (batches).
-- A method that PySpark has as a property adds a line saying how to call
-- it, since what `q.status` shows, function: 0x..., does not.
function M.show(...)
  local n = select("#", ...)
  if n == 0 then return end
  local parts, hints, sep = {}, {}, "\t"
  for i = 1, n do
    local v = (select(i, ...))
    parts[i] = pretty(v)
    if parts[i]:find("\n", 1, true) then sep = "\n" end
    if type(v) == "function" then
      hints[#hints + 1] = property_hint(v, n == 1 and last_expression or nil)
    end
  end
  last_expression = nil -- named once: a later show() is of other values
  io.stdout:write(table.concat(parts, sep), "\n")
  for _, hint in ipairs(hints) do io.stdout:write(hint, "\n") end
  io.stdout:flush()
end

-- ---- completion -------------------------------------------------------------

local keywords = {}
for w in ([[and break do else elseif end false for function goto if in local
  nil not or repeat return then true until while]]):gmatch("%a+") do keywords[w] = true end

local function get(v, key)
  local ok, r = pcall(function() return v[key] end)
  if ok then return r end
  return nil
end

-- The names of fields of a table (raw: no __index, no side effects) that
-- are identifiers, with their values.
local function fields_of(t, into, functions_only)
  for k, v in next, t do
    if type(k) == "string" and k:match("^[%a_][%w_]*$") and not keywords[k]
      and (not functions_only or type(v) == "function") and into[k] == nil then
      into[k] = v
    end
  end
end

-- The tables an __index chain goes through, starting at metatable mt.
-- A function __index is looked into through its upvalues (tide's classes
-- keep `methods` there); those names are kept only when indexing the value
-- really yields them.
local function index_tables(v, mt, into, functions_only)
  local seen = {}
  for _ = 1, 16 do
    if type(mt) ~= "table" then return end
    local index = rawget(mt, "__index")
    if type(index) == "table" then
      if seen[index] then return end
      seen[index] = true
      fields_of(index, into, functions_only)
      mt = getmetatable(index)
    elseif type(index) == "function" then
      for i = 1, 255 do
        local name, up = debug.getupvalue(index, i)
        if not name then break end
        if type(up) == "table" and up ~= v then
          local candidates = {}
          fields_of(up, candidates, true)
          for k, f in pairs(candidates) do
            local got = get(v, k)
            if into[k] == nil and (rawequal(got, f) or (not functions_only and got ~= nil)) then
              into[k] = got
            end
          end
        end
      end
      return
    else
      return
    end
  end
end

-- The names of the modules built into tide ("tide.ml", ...), read once
-- from the binary's table of them (engine/embedded_lua.h); none when it
-- cannot be read.
local builtin_names
local function builtin_modules()
  if builtin_names then return builtin_names end
  builtin_names = {}
  pcall(function()
    local ffi = require("ffi")
    ffi.cdef [[
      typedef struct { const char *name, *path; const unsigned char *code; size_t size; } tide_console_module;
      extern const tide_console_module tide_embedded_modules[];
    ]]
    local list = ffi.C.tide_embedded_modules
    local i = 0
    while list[i].name ~= nil do
      builtin_names[#builtin_names + 1] = ffi.string(list[i].name)
      i = i + 1
    end
  end)
  return builtin_names
end

-- The name a table is loaded under (package.loaded), or nil.
local function module_name(v)
  if type(v) ~= "table" then return nil end
  for name, loaded in pairs(package.loaded) do
    if rawequal(loaded, v) then return name end
  end
  return nil
end

-- A module whose __index loads its submodules on first use (`tide`, where
-- tide.ml, tide.functions, ... are no field until then): the names of its
-- submodules.
local function submodules(v, into)
  local mt = getmetatable(v)
  if type(mt) ~= "table" or type(rawget(mt, "__index")) ~= "function" then return end
  local name = module_name(v)
  if not name then return end
  local prefix = name .. "."
  for _, module in ipairs(builtin_modules()) do
    local child = module:sub(#prefix + 1)
    if module:sub(1, #prefix) == prefix and child:match("^[%a_][%w_]*$") and into[child] == nil then
      into[child] = true
    end
  end
end

-- The members of a value: its own fields (tables) and not yet loaded
-- submodules, then what its metatable's __index reaches. A cdata hides
-- its metatype behind the FFI ("ffi" is all getmetatable says); the usual `Class.__index = Class`
-- idiom makes v.__index hand back the method table, which is tried under
-- pcall since indexing a cdata with an unknown name raises.
local function members(v, functions_only)
  local into = {}
  local tv = type(v)
  if tv == "table" then
    fields_of(v, into, functions_only)
    if not functions_only then submodules(v, into) end
  end
  if tv == "table" or tv == "userdata" or tv == "string" then
    index_tables(v, getmetatable(v), into, functions_only)
  elseif tv == "cdata" then
    local index = get(v, "__index")
    if type(index) == "table" then index_tables(v, { __index = index }, into, functions_only) end
  end
  return into
end

-- Resolves "a.b.c" from the globals; nil when a step is missing.
local function resolve(path)
  local v = _G
  for name in path:gmatch("[^.]+") do
    if type(v) ~= "table" and type(v) ~= "cdata" and type(v) ~= "userdata" then return nil end
    v = get(v, name)
    if v == nil then return nil end
  end
  return v
end

-- Completions of the word before the cursor: globals and keywords for a
-- bare name, fields after `a.b.`, methods after `a.b:`. Each is the whole
-- word as it would read completed ("string.upper").
function M.complete(text)
  local head, sep, partial = text:match("^(.-)([.:])([%w_]*)$")
  local names
  if head then
    if head == "" or not head:match("^[%a_][%w_]*[%w_.]*$") or head:find("..", 1, true) then
      return {}
    end
    local v = resolve(head)
    if v == nil then return {} end
    names = members(v, sep == ":")
  else
    if not text:match("^[%a_]?[%w_]*$") then return {} end
    head, sep, partial = "", "", text
    names = {}
    fields_of(_G, names, false)
    for k in pairs(keywords) do names[k] = true end
  end
  local out = {}
  local hide_private = partial:sub(1, 2) ~= "__"
  for k in pairs(names) do
    if k:sub(1, #partial) == partial and not (hide_private and k:sub(1, 2) == "__") then
      out[#out + 1] = head .. sep .. k
    end
  end
  table.sort(out)
  return out
end

-- ---- help ------------------------------------------------------------------------

local GUIDE = [[
The tide console: Lua, with tide's PySpark-shaped API in the global `tide`.

Conditions on Columns are methods, not Lua operators: `and`, `or` and `not`
pick one operand instead of combining Columns, `==` and `~=` with a value
answer false, and `<`, `>` with a number raise. Write
  df:filter(F.col("id"):gt(1):and_(F.col("name"):eq("a")))
with :eq :ne :lt :le :gt :ge and :and_ :or_ :not_, or SQL text:
  df:filter("id > 1 and name = 'a'")

  spark = tide.session()                      -- SparkSession.builder.getOrCreate()
  F, ml = tide.functions, tide.ml             -- pyspark.sql.functions, pyspark.ml
  df = spark.read:option("header", true):option("inferSchema", true):csv("data.csv")
  df:show(5)   df:printSchema()   df.columns   df:count()
  df:groupBy("click"):count():show()
  df:join(sites, "site_id", "left")           -- joins, pivot, unionByName, ...
  df:createOrReplaceTempView("events")
  spark:sql("SELECT site_id, avg(click) AS ctr FROM events GROUP BY site_id ORDER BY ctr DESC"):show()
  df:withColumn("rn", F.row_number():over(tide.Window.partitionBy("site_id"):orderBy("hour")))
  q = spark.readStream:format("rate"):load().writeStream:format("console"):start()
  q:stop()                                    -- queries run while the console waits
  spark.readStream:format("rate"):load():groupBy(F.col("value") % 3):count()
    .writeStream:outputMode("complete"):format("console"):start()

From Python: methods are called with ':' (df:show()), properties read with
'.' (df.columns, spark.read); keyword arguments are a table
(ml.LogisticRegression { maxIter = 10 }); None is nil, != is ~=, and lists
count from 1. A `local` lasts one line: use globals to keep values.

help(value) lists a value's methods and fields. Tab completes names, Ctrl-C
interrupts, Ctrl-D leaves. More in docs/console.md and docs/streaming.md.]]

-- Names as indented lines of at most 80 columns.
local function wrap(names)
  local lines, line = {}, " "
  for _, name in ipairs(names) do
    if line ~= " " and #line + 1 + #name > 80 then
      lines[#lines + 1] = line
      line = " "
    end
    line = line .. " " .. name
  end
  lines[#lines + 1] = line
  return table.concat(lines, "\n")
end

-- What help(value) prints: the value, then the names it offers: methods
-- (value:name(...), what its metatable reaches), functions, properties
-- and fields (value.name). Names starting with "_" are private.
local function describe(v)
  local module, shown = module_name(v), pretty(v, { depth = 1 })
  local head = module and ("module %s"):format(module)
    or (not shown:find("\n") and ("%s  (%s)"):format(shown, type(v)))
    or type(v)
  -- members() counts a table's own functions as methods: they are called
  -- with '.', as a module's are.
  local functions, methods, properties = {}, members(v, true), members(v, false)
  if type(v) == "table" then fields_of(v, functions, true) end
  for k in pairs(functions) do methods[k], properties[k] = nil, nil end
  for k in pairs(methods) do properties[k] = nil end
  local out = { head }
  local parts = {
    { "methods, called as value:name(...)", methods },
    { "functions, called as value.name(...)", functions },
    { "properties and fields, read as value.name", properties },
  }
  for _, part in ipairs(parts) do
    local names = {}
    for k in pairs(part[2]) do
      if k:sub(1, 1) ~= "_" then names[#names + 1] = k end
    end
    table.sort(names)
    if #names > 0 then out[#out + 1] = part[1] .. ":\n" .. wrap(names) end
  end
  return table.concat(out, "\n")
end

-- `help` prints the guide; help(value) describes the value.
M.help = setmetatable({}, {
  __call = function(_, ...)
    if select("#", ...) == 0 then
      io.stdout:write(GUIDE, "\n")
    else
      io.stdout:write(describe((...)), "\n")
    end
  end,
  __tostring = function() return GUIDE end,
})

-- ---- idle time and setup ------------------------------------------------------

-- Called every 100 ms while the console waits for a key: active streaming
-- queries run their micro-batches here, so a query started at the prompt
-- keeps going while the user types (as in the seed's notebooks). Returns
-- true after writing to the terminal, so the console redraws the prompt
-- and the line being typed.
function M.idle()
  local streaming = package.loaded["tide.streaming"]
  if not streaming or #streaming.active() == 0 then return false end
  local printed = false
  local console_sink = require("tide.sinks.console")
  console_sink.beforeOutput = function()
    if not printed then io.write("\n") end
    printed = true
  end
  local ok, err = pcall(function()
    -- At most ~80 ms of batches, then back to the keyboard: wall-clock
    -- time, as a batch may wait (a sink, a sleep) without using the CPU.
    local now_ms = require("tide.streaming_loop").nowMs
    local deadline = now_ms() + 80
    while streaming.step(0) and now_ms() < deadline do end
    streaming.finishPaused()
  end)
  console_sink.beforeOutput = nil
  if not ok then error(err, 0) end
  return printed
end

-- Makes `help` a global, and `tide` when the module loads; returns the
-- error message otherwise, for the console to show as a warning.
function M.setup()
  _G.help = M.help
  local ok, tide = pcall(require, "tide")
  if ok then
    _G.tide = tide
    return nil
  end
  return tostring(tide)
end

function M.banner()
  local version = ""
  local tide = rawget(_G, "tide")
  if type(tide) == "table" and type(rawget(tide, "version")) == "function" then
    local ok, v = pcall(tide.version)
    if ok then version = " " .. tostring(v) end
  end
  return ("tide%s console on %s. help() to start; Ctrl-D leaves, Ctrl-C interrupts, Tab completes.")
    :format(version, jit and jit.version or _VERSION)
end

return M
