-- The tide command line: run, errors with tracebacks, arguments, module
-- lookup, stop requests, version and help.
local t = require("testing")

local bin = assert(os.getenv("TIDE_BIN"), "TIDE_BIN is set by ctest")
local tmp = t.tempdir()

local function write(name, text) return t.write(tmp .. "/" .. name, text) end

local run = t.sh

t.test("a script runs with its arguments in arg", function()
  local script = write("args.lua", "print(arg[0], arg[1], arg[2], #arg)")
  local out, status = run(bin .. " run " .. script .. " a 'b c'")
  t.eq(status, 0)
  t.eq(out, script .. "\ta\tb c\t2\n")
end)

t.test("a script error exits 1 with the message and a traceback", function()
  local script = write("fail.lua", "local function inner()\n  error('boom')\nend\ninner()\n")
  local out, status = run(bin .. " run " .. script)
  t.eq(status, 1)
  t.ok(out:find(script .. ":2: boom", 1, true), "message with file:line in " .. out)
  t.ok(out:find("stack traceback:", 1, true), "traceback")
  t.ok(out:find(script .. ":4: in main chunk", 1, true), "caller's line in the traceback")
end)

t.test("a syntax error and a missing file exit 1", function()
  local out, status = run(bin .. " run " .. write("syntax.lua", "x = = 1"))
  t.eq(status, 1)
  t.ok(out:find("syntax.lua:1:"), out)
  out, status = run(bin .. " run " .. tmp .. "/missing.lua")
  t.eq(status, 1)
  t.ok(out:find("cannot open"), out)
end)

t.test("errors inside tide's own modules name their Lua file and line", function()
  local out, status = run(bin .. " run " .. write("mod.lua", "require('tide').batch.fromRows({{1}}, 'a int,,')"))
  t.eq(status, 1)
  t.ok(out:find("mod.lua:1:"), out)
end)

t.test("an error raised without a place gets the script's line that led to it", function()
  local script = write("noplace.lua", table.concat({
    "local spark = require('tide').session()",
    "local raw = spark.readStream:format('rate'):load()",
    "local df = raw:selectExpr('CAST(valeu AS STRING)')",
  }, "\n"))
  local out, status = run(bin .. " run " .. script)
  t.eq(status, 1)
  t.ok(out:find("tide: " .. script .. ":3: cannot resolve 'valeu'", 1, true), out)
  out = run(bin .. " run " .. write("zero.lua", "\nerror('bare', 0)\n"))
  t.ok(out:find("tide: " .. tmp .. "/zero.lua:2: bare", 1, true), out)
  out = run(bin .. " run " .. write("placed.lua", "error('x.lua:9: placed', 0)\n"))
  t.ok(out:find("tide: x.lua:9: placed", 1, true), out)
end)

t.test("a script on standard input runs with `tide run -` and bare `tide`", function()
  local out, status = run("echo 'print(6*7)' | " .. bin .. " run -")
  t.eq(status, 0); t.eq(out, "42\n")
  out, status = run("echo 'print(6*9)' | " .. bin)
  t.eq(status, 0); t.eq(out, "54\n")
end)

t.test("require finds the user's modules through LUA_PATH", function()
  write("mymod.lua", "return { answer = 42 }")
  local script = write("usemod.lua", "print(require('mymod').answer)")
  local out, status = run("LUA_PATH='" .. tmp .. "/?.lua;;' " .. bin .. " run " .. script)
  t.eq(status, 0); t.eq(out, "42\n")
end)

t.test("TIDE_LUA_PATH overrides the built-in modules", function()
  assert(os.execute("mkdir -p " .. tmp .. "/override/tide") == 0)
  write("override/tide/types.lua", "return { overridden = true }")
  local script = write("over.lua", "print(require('tide.types').overridden)")
  local out = run("TIDE_LUA_PATH=" .. tmp .. "/override " .. bin .. " run " .. script)
  t.eq(out, "true\n")
  out = run(bin .. " run " .. script)
  t.eq(out, "nil\n")
end)

t.test("a copied binary carries its Lua modules", function()
  assert(os.execute("cp " .. bin .. " " .. tmp .. "/tide-copy") == 0)
  local script = write("copy.lua", "print(require('tide').batch.fromRows({{1}}, 'a int'):count())")
  local out, status = run("cd / && env -u TIDE_LUA_PATH " .. tmp .. "/tide-copy run " .. script)
  t.eq(status, 0); t.eq(out, "1\n")
end)

t.test("SIGTERM is a stop request the script sees; a second signal exits at once, the same one twice does not", function()
  local ready = tmp .. "/ready"
  local script = write("stop.lua", ([[
    local tide = require("tide")
    io.open(%q, "w"):close()
    while not tide.stopRequested() do tide.sleep(0.05) end
    print("finishing the batch in flight")
    if arg[1] == "stubborn" then while true do tide.sleep(0.05) end end
  ]]):format(ready))
  local wait_ready = "for i in $(seq 100); do [ -e " .. ready .. " ] && break; sleep 0.05; done"
  local out, status = run(bin .. " run " .. script .. " & pid=$!; " .. wait_ready ..
    "; kill -TERM $pid; wait $pid")
  t.eq(status, 0)
  t.eq(out, "finishing the batch in flight\n")
  os.remove(ready)
  out, status = run(bin .. " run " .. script .. " stubborn & pid=$!; " .. wait_ready ..
    "; kill -INT $pid; sleep 0.7; kill -INT $pid; wait $pid")
  t.eq(status, 130)
  t.ok(out:find("second signal"), out)
  -- timeout(1) signals the child and then its process group: one request, delivered twice at once
  os.remove(ready)
  out, status = run(bin .. " run " .. script .. " & pid=$!; " .. wait_ready ..
    "; kill -TERM $pid; kill -TERM $pid; wait $pid")
  t.eq(status, 0)
  t.eq(out, "finishing the batch in flight\n")
end)

t.test("version names tide and every library", function()
  local out, status = run(bin .. " version")
  t.eq(status, 0)
  for _, lib in ipairs({ "^tide %d+%.%d+%.%d+", "LuaJIT 2%.1", "librdkafka %d", "libpq %d", "simdjson %d" }) do
    t.ok(out:find(lib), lib .. " in " .. out)
  end
end)

t.test("every command has help", function()
  for _, cmd in ipairs({ "run", "console", "broker", "version" }) do
    local out, status = run(bin .. " " .. cmd .. " --help")
    t.eq(status, 0, cmd .. " --help")
    t.ok(out:find("usage: tide " .. cmd, 1, true), cmd .. " usage in " .. out)
  end
  local out, status = run(bin .. " --help")
  t.eq(status, 0)
  for _, cmd in ipairs({ "run", "console", "broker", "version" }) do t.ok(out:find("  " .. cmd), cmd) end
  out, status = run(bin .. " frobnicate")
  t.eq(status, 2)
  t.ok(out:find("no command 'frobnicate'"), out)
end)

t.run()
