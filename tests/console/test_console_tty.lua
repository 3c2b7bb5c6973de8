-- The interactive console on a real terminal: tmux runs `tide console` in
-- a pseudo-terminal on a private server, the test types into it
-- (send-keys) and reads the screen (capture-pane). Every wait polls the
-- screen with a deadline; steps run in order in one session.
local t = require("testing")

local bin = assert(os.getenv("TIDE_BIN"), "TIDE_BIN is set by ctest")

if os.execute("command -v tmux >/dev/null 2>&1") ~= 0 then
  io.stderr:write("FAIL: tmux is not installed; the console tests drive the console " ..
    "through it (apt-get install tmux)\n")
  os.exit(1)
end

local tmp = t.tempdir()
local socket = tmp .. "/tmux.sock"
local history = tmp .. "/history"
local WAIT = 15 -- seconds, for each thing awaited

local function shq(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

local function tmux(args)
  local out, status = t.sh("tmux -S " .. socket .. " " .. args)
  if status ~= 0 then error("tmux " .. args .. " failed: " .. out, 2) end
  return out
end

-- Starts `command` in a new session; when it ends the pane shows
-- "[exited N]" with its exit status.
local function start(session, command)
  local sh = "env TIDE_HISTORY=" .. shq(history) .. " " .. command ..
    "; echo \"[exited $?]\"; sleep 600"
  tmux("-f /dev/null new-session -d -x 132 -y 50 -s " .. session .. " " .. shq(sh))
end

-- The screen and its scrollback as lines, trailing blanks trimmed.
local function lines(session)
  local out = tmux("capture-pane -p -J -S -2000 -t " .. session)
  local result = {}
  for line in (out .. "\n"):gmatch("(.-)\n") do result[#result + 1] = line:gsub("%s+$", "") end
  while #result > 0 and result[#result] == "" do result[#result] = nil end
  return result
end

local function screen(session)
  return table.concat(lines(session), "\n")
end

local function wait_until(session, what, pred)
  local deadline = os.time() + WAIT
  repeat
    local ls = lines(session)
    if pred(ls) then return ls end
    t.sh("sleep 0.05")
  until os.time() > deadline
  error("timed out waiting for " .. what .. "; the screen:\n" .. screen(session), 2)
end

local function count(ls, line)
  local n = 0
  for _, l in ipairs(ls) do if l == line then n = n + 1 end end
  return n
end

local function last(ls)
  return ls[#ls] or ""
end

local function type_text(session, text)
  tmux("send-keys -t " .. session .. " -l " .. shq(text))
end

local function key(session, name)
  tmux("send-keys -t " .. session .. " " .. name)
end

-- Types a line and Enter, then waits until one more line reads `expect`.
local function enter(session, text, expect)
  local before = count(lines(session), expect)
  type_text(session, text)
  key(session, "Enter")
  return wait_until(session, ("%q after typing %q"):format(expect, text), function(ls)
    return count(ls, expect) > before
  end)
end

-- Waits for an empty prompt on the last line.
local function prompt(session)
  return wait_until(session, "a fresh prompt", function(ls) return last(ls) == "tide>" end)
end

t.test("the console starts with a banner and a prompt", function()
  start("one", bin .. " console")
  local ls = prompt("one")
  t.ok(screen("one"):find("console on LuaJIT", 1, true), screen("one"))
  t.eq(#ls, 2, "banner and prompt only")
end)

t.test("an expression prints its value", function()
  enter("one", "1+41", "42")
  enter("one", "{1, 2, x = 'y'}", '{ 1, 2, x = "y" }')
  -- Tabs between the values; the screen shows them as spaces to the next stop.
  enter("one", "'a', nil, 3", '"a"     nil     3')
end)

t.test("a multi-line function definition continues at the ...> prompt", function()
  type_text("one", "function f(x)")
  key("one", "Enter")
  wait_until("one", "the continuation prompt", function(ls) return last(ls) == "...>" end)
  type_text("one", "return x*2")
  key("one", "Enter")
  wait_until("one", "the continuation prompt", function(ls) return last(ls) == "...>" end)
  type_text("one", "end")
  key("one", "Enter")
  prompt("one")
  enter("one", "f(21)", "42")
end)

t.test("errors print with a traceback and the console goes on", function()
  enter("one", "error('oops')", "tide: stdin:1: oops")
  local ls = prompt("one")
  t.ok(count(ls, "stack traceback:") >= 1, screen("one"))
  enter("one", "6*7+100", "142")
end)

t.test("Ctrl-C stops a running endless loop and the prompt comes back", function()
  -- The print shows that the loop runs; a Ctrl-C sent before would reach
  -- the prompt instead.
  enter("one", "print('looping') while true do end", "looping")
  key("one", "C-c")
  wait_until("one", "the interrupted error", function(ls)
    return count(ls, "tide: stdin:1: interrupted!") == 1
  end)
  prompt("one")
  enter("one", "2+3", "5")
end)

t.test("Ctrl-C in awaitTermination interrupts the wait and leaves the query running", function()
  -- Each batch sleeps, so that the Ctrl-C most likely lands inside one.
  enter("one", "spark = tide.session(); n = 0; q = spark.readStream:format('rate'):option('rowsPerSecond', 50)"
    .. ":load().writeStream:foreachBatch(function() n = n + 1; tide.sleep(0.3) end)"
    .. ":option('checkpointLocation', '" .. tmp .. "/ck'):trigger{processingTime = '100 milliseconds'}:start();"
    .. " print('started')", "started")
  type_text("one", "q:awaitTermination()")
  key("one", "Enter")
  t.sh("sleep 1")
  local before = count(lines("one"), "tide: stdin:1: interrupted!")
  key("one", "C-c")
  wait_until("one", "the interrupted wait", function(ls)
    return count(ls, "tide: stdin:1: interrupted!") == before + 1
  end)
  prompt("one")
  t.ok(not screen("one"):find("StreamingQueryException", 1, true), screen("one"))
  enter("one", "q:isActive(), q:exception()", "true    nil")
  enter("one", "n0 = n; tide.sleep(1); print(n > n0)", "true")
  enter("one", "q:stop() print(q:isActive())", "false")
end)

t.test("Ctrl-C at the prompt discards the line and any unfinished chunk", function()
  type_text("one", "junk junk")
  -- (the line read in full first: a Ctrl-C makes the terminal drop keys not yet read)
  wait_until("one", "the typed line", function(ls) return last(ls) == "tide> junk junk" end)
  key("one", "C-c")
  wait_until("one", "the discarded line", function(ls)
    return ls[#ls - 1] == "tide> junk junk^C" and last(ls) == "tide>"
  end)
  type_text("one", "function g(")
  key("one", "Enter")
  wait_until("one", "the continuation prompt", function(ls) return last(ls) == "...>" end)
  key("one", "C-c")
  prompt("one")
  -- Were "function g(" still pending, this line would continue it.
  enter("one", "30+4", "34")
  t.ok(not screen("one"):find("near 'junk'", 1, true), "the discarded line did not run")
end)

t.test("Tab completes globals' fields and methods", function()
  type_text("one", "string.up")
  key("one", "Tab")
  wait_until("one", "string.upper completed", function(ls) return last(ls) == "tide> string.upper" end)
  enter("one", "('abc')", '"ABC"')
  enter("one", "s = 'xyz'", "tide> s = 'xyz'")
  type_text("one", "s:up")
  key("one", "Tab")
  wait_until("one", "s:upper completed", function(ls) return last(ls) == "tide> s:upper" end)
  enter("one", "()", '"XYZ"')
  -- A submodule of tide completes before anything loaded it.
  type_text("one", "tide.datag")
  key("one", "Tab")
  wait_until("one", "tide.datagen completed", function(ls) return last(ls) == "tide> tide.datagen" end)
  enter("one", ".ctr ~= nil", "true")
end)

t.test("batches print as tables and complete their methods", function()
  enter("one", "b = tide.batch.fromRows({{1, 'a'}, {2, 'b'}}, 'id int, name string')",
    "tide> b = tide.batch.fromRows({{1, 'a'}, {2, 'b'}}, 'id int, name string')")
  enter("one", "b", "| id|name|")
  type_text("one", "b:printSch")
  key("one", "Tab")
  wait_until("one", "b:printSchema completed", function(ls) return last(ls) == "tide> b:printSchema" end)
  enter("one", "()", " |-- id: integer (nullable = true)")
end)

t.test("idle() runs while the console waits and may print above the prompt", function()
  enter("one", "require('tide.console').idle = function() idle_calls = (idle_calls or 0) + 1 end",
    "tide> require('tide.console').idle = function() idle_calls = (idle_calls or 0) + 1 end")
  t.sh("sleep 0.8") -- about 8 idle calls
  enter("one", "idle_calls > 2", "true")
  enter("one", "require('tide.console').idle = function() if not said then said = true " ..
    "io.write('\\nhello from idle\\n') return true end end", "hello from idle")
  type_text("one", "partial")
  wait_until("one", "the prompt redrawn below the idle output", function(ls)
    return last(ls) == "tide> partial" and ls[#ls - 1] == "hello from idle"
  end)
  key("one", "C-c")
  prompt("one")
  enter("one", "require('tide.console').idle = function() end", "tide> require('tide.console').idle = function() end")
end)

t.test("Ctrl-D leaves with status 0", function()
  enter("one", "print('from session one')", "from session one")
  key("one", "C-d")
  wait_until("one", "the console to exit", function(ls) return count(ls, "[exited 0]") == 1 end)
end)

t.test("history persists to the next session", function()
  local f = assert(io.open(history), "the history file " .. history)
  local saved = f:read("*a")
  f:close()
  t.ok(saved:find("1+41", 1, true), saved)
  t.ok(not saved:find("junk", 1, true), "a discarded line is not in the history")
  start("two", bin .. " console")
  prompt("two")
  key("two", "Up")
  wait_until("two", "the last line of session one", function(ls)
    return last(ls) == "tide> print('from session one')"
  end)
  key("two", "Enter")
  wait_until("two", "the recalled line's output", function(ls) return count(ls, "from session one") == 1 end)
  key("two", "C-d")
  wait_until("two", "the console to exit", function(ls) return count(ls, "[exited 0]") == 1 end)
end)

t.test("`tide` alone on a terminal opens the console", function()
  start("three", bin)
  prompt("three")
  enter("three", "1+1", "2")
  key("three", "C-d")
  wait_until("three", "the console to exit", function(ls) return count(ls, "[exited 0]") == 1 end)
end)

t.test("Ctrl-D at the ...> prompt says the unfinished chunk did not run, and leaves with status 0", function()
  start("four", bin .. " console")
  prompt("four")
  enter("four", "1+1", "2")
  type_text("four", "print(")
  key("four", "Enter")
  wait_until("four", "the continuation prompt", function(ls) return last(ls) == "...>" end)
  key("four", "C-d")
  local ls = wait_until("four", "the console to exit", function(ls) return count(ls, "[exited 0]") == 1 end)
  t.eq(count(ls, "tide: stdin:2: unexpected symbol near '<eof>' (the input ended inside the chunk begun on"
    .. " line 2, which did not run)"), 1, screen("four"))
end)

t.test("stop the tmux server", function()
  tmux("kill-server")
end)

t.run()
