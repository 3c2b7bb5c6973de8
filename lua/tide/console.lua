-- tide.console — the Lua half of `tide console` (engine/console.c holds
-- the terminal, signals and history):
--
--   console.compile(source)  -> function, or nil, message, incomplete
--   console.show(...)        writes the values a chunk returned
--   console.complete(text)   -> sorted completions of the word before the cursor
--   console.idle()           called every 100 ms while the console waits for input
--   console.setup()          the console's globals (`tide`)
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
-- near '<eof>'".
local function incomplete(message)
  return message:sub(-7) == "'<eof>'"
end

-- An expression first, so `1+1` prints 2 (as Lua 5.3's REPL does; the
-- Lua 5.1 habit `=1+1` works too); then a statement. A chunk that is incomplete either way asks for more input,
-- which lets `{` or `f(` open a multi-line expression.
--
-- A valid expression list is compiled again as the arguments of a local
-- identity function: `return f(x)` is a tail call, which would drop the
-- chunk's own frame, and with it "stdin:1:" from error messages and
-- tracebacks. Both forms keep the user's text on line 1.
local VALUES = "local function __console_values(...) return ... end return __console_values("

function M.compile(source)
  source = source:gsub("^=", "", 1)
  local fn, expr_err = loadstring("return " .. source, CHUNK)
  if fn then
    fn = loadstring(VALUES .. source .. "\n)", CHUNK) or fn
  else
    local err
    fn, err = loadstring(source, CHUNK)
    if not fn then return nil, err, incomplete(err) or incomplete(expr_err) end
  end
  if jit then jit.off(fn, true) end
  return fn
end

-- Writes every value a chunk returned, pretty-printed: tabs between them
-- (as print does), or line breaks when one takes several lines (batches).
function M.show(...)
  local n = select("#", ...)
  if n == 0 then return end
  local parts, sep = {}, "\t"
  for i = 1, n do
    parts[i] = pretty((select(i, ...)))
    if parts[i]:find("\n", 1, true) then sep = "\n" end
  end
  io.stdout:write(table.concat(parts, sep), "\n")
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

-- The members of a value: its own fields (tables), then what its
-- metatable's __index reaches. A cdata hides its metatype behind the FFI
-- ("ffi" is all getmetatable says); the usual `Class.__index = Class`
-- idiom makes v.__index hand back the method table, which is tried under
-- pcall since indexing a cdata with an unknown name raises.
local function members(v, functions_only)
  local into = {}
  local tv = type(v)
  if tv == "table" then fields_of(v, into, functions_only) end
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
    -- At most ~80 ms of batches, then back to the keyboard.
    local deadline = os.clock() + 0.08
    while streaming.step(0) and os.clock() < deadline do end
    streaming.finishPaused()
  end)
  console_sink.beforeOutput = nil
  if not ok then error(err, 0) end
  return printed
end

-- Makes `tide` a global when the module loads; returns the error message
-- otherwise, for the console to show as a warning.
function M.setup()
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
  return ("tide%s console on %s. Ctrl-D leaves, Ctrl-C interrupts, Tab completes.")
    :format(version, jit and jit.version or _VERSION)
end

return M
