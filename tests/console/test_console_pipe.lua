-- `tide console` without a terminal: a script on standard input, -e
-- chunks, -i reading lines from a pipe, idle calls, usage.
local t = require("testing")

local bin = assert(os.getenv("TIDE_BIN"), "TIDE_BIN is set by ctest")
local tmp = t.tempdir()

local function write(name, text) return t.write(tmp .. "/" .. name, text) end

-- stdout and stderr apart: t.sh merges them in an order not to rely on.
local function run(cmd)
  local out, status = t.sh(cmd .. " 2>" .. tmp .. "/stderr")
  local f = assert(io.open(tmp .. "/stderr"))
  local err = f:read("*a")
  f:close()
  return out, status, err
end

t.test("a script on standard input runs as a script", function()
  local out, status, err = run("echo 'print(1+1)' | " .. bin .. " console")
  t.eq(status, 0)
  t.eq(out, "2\n")
  t.eq(err, "")
end)

t.test("the console predefines the global tide; tide run and tide run - do not (docs/console.md)", function()
  local script = write("globals.lua", "print(rawget(_G, 'tide') ~= nil, arg[0])\n")
  t.eq((run(bin .. " console < " .. script)), "true\tnil\n")
  t.eq((run(bin .. " < " .. script)), "true\tnil\n", "`tide` alone is `tide console`")
  t.eq((run(bin .. " run - < " .. script)), "false\t-\n")
  t.eq((run(bin .. " run " .. script)), "false\t" .. script .. "\n")
end)

t.test("-e runs a chunk and exits; several run in order", function()
  local out, status = run(bin .. " console -e 'print(6*7)'")
  t.eq(status, 0)
  t.eq(out, "42\n")
  out, status = run(bin .. " console -e 'x = 6' -e 'print(x * 7)' < /dev/null")
  t.eq(status, 0)
  t.eq(out, "42\n")
end)

t.test("the console has tide as a global", function()
  local out, status = run(bin .. " console -e 'print(type(tide), tide.version())'")
  t.eq(status, 0)
  t.ok(out:match("^table\t%d+%.%d+%.%d+\n$"), out)
end)

t.test("an error in a script on standard input exits 1 with a traceback", function()
  local out, status, err = run("printf 'print(\"before\")\\nlocal function inner()\\n  error(\"boom\")\\nend\\ninner()\\n' | "
    .. bin .. " console")
  t.eq(status, 1)
  t.eq(out, "before\n")
  t.ok(err:find("stdin:3: boom", 1, true), err)
  t.ok(err:find("stack traceback:", 1, true), err)
  t.ok(err:find("stdin:5: in main chunk", 1, true), err)
end)

t.test("`tide` with no command runs a piped script as the console does, globals and all", function()
  local out, status, err = run("echo 'print(type(tide), type(help), tide.version())' | " .. bin)
  t.eq(status, 0, err)
  t.ok(out:match("^table\ttable\t%d+%.%d+%.%d+\n$"), out)
  t.eq(err, "")
  out, status, err = run("printf 'x = 1\\nx\\n' | " .. bin)
  t.eq(status, 1)
  t.eq(out, "")
  t.ok(err:find("`tide console -i` reads it line by line, as typed", 1, true), err)
end)

t.test("lines typed as at the prompt, piped, fail as a script and say how to run them as typed", function()
  local out, status, err = run("printf 'x = 1\\nx\\n' | " .. bin .. " console")
  t.eq(status, 1)
  t.eq(out, "")
  t.ok(err:find("`tide console -i` reads it line by line, as typed", 1, true), err)
  out, status = run("printf 'x = 1\\nx\\n' | " .. bin .. " console -i")
  t.eq(status, 0)
  t.eq(out, "1\n")
end)

t.test("an error in -e exits 1 and skips the rest", function()
  local out, status, err = run(bin .. " console -e 'error(\"bad\")' -e 'print(\"not reached\")'")
  t.eq(status, 1)
  t.eq(out, "")
  t.ok(err:find("(command line):1: bad", 1, true), err)
  t.ok(err:find("stack traceback:", 1, true), err)
end)

t.test("-i reads lines from a pipe as the prompt would", function()
  local input = write("session.txt", table.concat({
    "1+41",
    "function f(x)",
    "  return x * 2",
    "end",
    "f(50)",
    "{1, 2, x = 'y'}",
    "error('oops')",
    "x = = 1",
    "'a', nil, 3",
    "print('after the errors')",
  }, "\n") .. "\n")
  local out, status, err = run(bin .. " console -i < " .. input)
  t.eq(status, 1, "read from a pipe, a session with errors exits 1")
  t.eq(out, '42\n100\n{ 1, 2, x = "y" }\n"a"\tnil\t3\nafter the errors\n')
  t.ok(err:find("stdin:1: oops", 1, true), err)
  t.ok(err:find("stack traceback:", 1, true), err)
  t.ok(err:find("stdin:1: unexpected symbol near '='", 1, true), err)
end)

t.test("-i: a session without errors exits 0; a syntax error alone exits 1", function()
  local _, status, err = run("printf 'x = 2\\nx * 21\\n' | " .. bin .. " console -i")
  t.eq(status, 0, err)
  _, status, err = run("printf 'x = = 1\\nprint(\"goes on\")\\n' | " .. bin .. " console -i")
  t.eq(status, 1)
  t.ok(err:find("stdin:1: unexpected symbol near '='", 1, true), err)
end)

t.test("-i: a chunk unfinished at the end of input is reported with its line, and exits 1", function()
  local out, status, err = run("printf 'print(1)\\nbad(\\n' | " .. bin .. " console -i")
  t.eq(status, 1)
  t.eq(out, "1\n")
  t.eq(err, "tide: stdin:2: unexpected symbol near '<eof>' (the input ended inside the chunk begun on line 2,"
    .. " which did not run)\n")
  -- Several lines, the last without a line break: Lua's message names the
  -- lines of the input.
  out, status, err = run("printf 'x = 1\\n\\nfunction f(y)\\n  return y' | " .. bin .. " console -i")
  t.eq(status, 1)
  t.eq(out, "")
  t.ok(err:find("tide: stdin:4: 'end' expected (to close 'function' at line 3) near '<eof>'"
    .. " (the input ended inside the chunk begun on line 3, which did not run)", 1, true), err)
end)

t.test("a method PySpark reads as a property prints with a hint to call it", function()
  local lines = write("props.txt", table.concat({
    "spark = tide.session()",
    "q = spark.readStream:format('rate'):load().writeStream:format('memory'):queryName('props'):start()",
    "q.isActive", "spark.streams.active", "f = q.isActive", "f",
    -- (status, lastProgress and recentProgress are properties in tide too)
    "type(q.status.message), type(q.recentProgress)", "q:stop()", "q:isActive()",
  }, "\n") .. "\n")
  local out, status, err = run(bin .. " console -i < " .. lines)
  t.eq(status, 0, err)
  local hints = {}
  for line in out:gmatch("[^\n]+") do
    if not line:match("^function: ") then hints[#hints + 1] = line end
  end
  t.same_table(hints, {
    "q.isActive is a method in tide (a property in PySpark): q:isActive()",
    "spark.streams.active is a method in tide (a property in PySpark): spark.streams:active()",
    "StreamingQuery.isActive is a method in tide (a property in PySpark): q:isActive()",
    "\"string\"\t\"table\"",
    "false",
  })
  local _, functions = out:gsub("function: ", "")
  t.eq(functions, 3, "the value itself still prints: " .. out)
  -- Other functions print as before, without a hint.
  out = run("echo 'print, string.upper' | " .. bin .. " console -i")
  t.ok(out:match("^function: [^\n]*\tfunction: [^\n]*\n$"), out)
end)

t.test("help prints a guide; help(value) lists the value's methods and properties", function()
  local lines = write("help.lua", table.concat({ "help", "help()", "spark = tide.session()",
    'help(spark:createDataFrame({{1, "a"}}, {"id", "name"}))', "help(tide)" }, "\n") .. "\n")
  local out, status, err = run(bin .. " console -i < " .. lines)
  t.eq(status, 0, err)
  t.eq(err, "")
  local _, guides = out:gsub("spark = tide%.session%(%)", "")
  t.eq(guides, 2, "the guide, for help and for help(): " .. out)
  local df = out:match("DataFrame%[id: bigint, name: string%]  %(table%)\n(.-)\nmodule tide\n")
  t.ok(df, out)
  t.ok(df:match("^methods, called as value:name%(...%):\n") and df:find("%sprintSchema%s"), df)
  t.ok(df:match("\nproperties and fields, read as value%.name:\n  columns dtypes "), df)
  t.ok(out:match("\nmodule tide\nfunctions, called as value%.name%(...%):\n  executable now session "), out)
  t.ok(out:find("%sfunctions%s") and out:find("%sml%s"), "submodules listed: " .. out)
end)

t.test("-e then -i: the chunks run first, then the lines", function()
  local out, status = run("echo 'print(greeting)' | " .. bin .. " console -e 'greeting = \"hi\"' -i")
  t.eq(status, 0)
  t.eq(out, "hi\n")
end)

t.test("idle() is called while the console waits for input", function()
  local out, status = run("(echo 'require(\"tide.console\").idle = function() idle_calls = (idle_calls or 0) + 1 end'; "
    .. "sleep 1; echo 'print(idle_calls >= 3)') | " .. bin .. " console -i")
  t.eq(status, 0)
  t.eq(out, "true\n")
end)

t.test("a streaming query started at the prompt runs while the console waits", function()
  local out, status = run("(echo 'spark = tide.session()'; "
    .. "echo 'q = spark.readStream:format(\"rate\"):option(\"rowsPerSecond\", 200):load()"
    .. ".writeStream:format(\"memory\"):queryName(\"idle_mem\"):start()'; "
    .. "sleep 1.5; echo 'print(spark:table(\"idle_mem\"):count() >= 100, q:isActive())'; echo 'q:stop()') | "
    .. bin .. " console -i")
  t.eq(status, 0)
  t.eq(out, "true\ttrue\n")
end)

t.test("an idle() that raises is reported once, and the console goes on", function()
  local out, status, err = run("(echo 'require(\"tide.console\").idle = function() error(\"idle broke\") end'; "
    .. "sleep 0.8; echo 'print(\"still here\")') | " .. bin .. " console -i")
  t.eq(status, 0)
  t.eq(out, "still here\n")
  local _, reports = err:gsub("idle broke", "")
  t.eq(reports, 1, "reports of the idle error in " .. err)
end)

t.test("usage: --help describes the console; unknown arguments exit 2", function()
  local out, status = run(bin .. " console --help")
  t.eq(status, 0)
  for _, what in ipairs({ "usage: tide console", "-e CODE", "-i", "Ctrl-C", "Ctrl-D", "Tab",
    "TIDE_HISTORY", "JIT" }) do
    t.ok(out:find(what, 1, true), what .. " in " .. out)
  end
  local _, status2, err = run(bin .. " console --frobnicate")
  t.eq(status2, 2)
  t.ok(err:find("unknown argument '--frobnicate'", 1, true), err)
  _, status2, err = run(bin .. " console -e")
  t.eq(status2, 2)
  t.ok(err:find("-e needs a Lua chunk", 1, true), err)
end)

t.run()
