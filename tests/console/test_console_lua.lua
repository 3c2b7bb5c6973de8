-- The console's Lua half: the pretty printer, how typed chunks compile
-- (expressions first, incomplete chunks, the JIT off), and completion.
local t = require("testing")
local pretty = require("tide.pretty")
local console = require("tide.console")
local tide = require("tide")

-- ---- tide.pretty -------------------------------------------------------------

t.test("scalars print as Lua would write them", function()
  t.eq(pretty(42), "42")
  t.eq(pretty(0.1), "0.1")
  t.eq(pretty(-1.5), "-1.5")
  t.eq(pretty(nil), "nil")
  t.eq(pretty(true), "true")
  t.eq(pretty("abc"), '"abc"')
end)

t.test("numbers keep every digit, and no more", function()
  t.eq(pretty(2 ^ 53), "9007199254740992")
  t.eq(tonumber(pretty(1 / 3)), 1 / 3)
  t.eq(pretty(0.56448495595587678), "0.5644849559558768", "the shortest digits that keep the value, as Python's repr")
  t.eq(pretty(0.1 + 0.2), "0.30000000000000004")
  t.eq(pretty(1 / 0), "inf")
end)

t.test("strings are quoted with escapes", function()
  t.eq(pretty('a "b"\n\tc\\'), [["a \"b\"\n\tc\\"]])
  t.eq(pretty("\1x"), [["\1x"]])
  t.eq(pretty("\0011"), [["\0011"]], "a control byte before a digit takes three digits")
end)

t.test("tables: array part first, then sorted keys", function()
  t.eq(pretty({}), "{}")
  t.eq(pretty({ 1, 2, 3 }), "{ 1, 2, 3 }")
  t.eq(pretty({ b = 1, a = 2, 10, [10] = 3, ["x y"] = 4, [true] = 5 }),
    '{ 10, [10] = 3, a = 2, b = 1, ["x y"] = 4, [true] = 5 }')
  t.eq(pretty({ ["end"] = 1 }), '{ ["end"] = 1 }', "keywords are not bare keys")
  t.eq(pretty({ 1, nil, 3 }), "{ 1, [3] = 3 }", "the array part stops at the first nil")
end)

t.test("nested tables that do not fit are broken over indented lines", function()
  local long = ("x"):rep(70)
  t.eq(pretty({ a = { b = { long, 1 } }, n = 1 }),
    '{\n  a = {\n    b = {\n      "' .. long .. '",\n      1\n    }\n  },\n  n = 1\n}')
  t.eq(pretty({ a = { 1, 2 }, b = "c" }), '{ a = { 1, 2 }, b = "c" }')
end)

t.test("cycles are cut, shared tables printed twice", function()
  local c = { 1 }
  c.self = c
  t.ok(pretty(c):match("^{ 1, self = <cycle: table: 0x%x+> }$"), pretty(c))
  local shared = { 1 }
  t.eq(pretty({ shared, shared }), "{ { 1 }, { 1 } }")
end)

t.test("options: depth and width", function()
  t.eq(pretty({ a = { b = { c = {} } } }, { depth = 2 }), "{ a = { b = {...} } }")
  t.eq(pretty({ 1, 2 }, { width = 5 }), "{\n  1,\n  2\n}")
end)

t.test("values with __tostring print through it; tables are read raw", function()
  local obj = setmetatable({ hidden = 1 }, { __tostring = function() return "OBJ" end })
  t.eq(pretty(obj), "OBJ")
  t.eq(pretty({ obj, x = obj }), "{ OBJ, x = OBJ }")
  local strict = setmetatable({ a = 1 }, { __index = function() error("no __index please") end })
  t.eq(pretty(strict), "{ a = 1 }")
  local broken = setmetatable({}, { __tostring = function() error("broken") end })
  t.ok(pretty(broken):find("^<__tostring error: .*broken>$"), pretty(broken))
end)

t.test("a batch prints as its Spark-style table", function()
  local b = tide.batch.fromRows({ { 1, "a" }, { 2, "b" } }, "id int, name string")
  local s = pretty(b)
  t.eq(s, (tostring(b):gsub("\n$", "")))
  t.ok(s:find("| id|name|", 1, true), s)
  local nested = pretty({ b })
  t.ok(nested:find("\n  | id|name|\n", 1, true), nested)
end)

t.test("the test harness shows tables with tide.pretty", function()
  t.raises(function() t.same_table({ 1, a = "x" }, { 2 }) end,
    'expected { 2 }, got { 1, a = "x" }')
end)

-- ---- console.compile -------------------------------------------------------------

t.test("an expression compiles to a function returning its values", function()
  local fn = assert(console.compile("1+41"))
  t.eq(fn(), 42)
  t.eq(assert(console.compile("=6*7"))(), 42, "Lua 5.1's =expr")
  fn = assert(console.compile('1, nil, "a"'))
  t.eq(select("#", fn()), 3)
  t.eq(select(3, fn()), "a")
end)

t.test("a statement compiles as itself", function()
  local fn = assert(console.compile("console_test_global = 6 * 7"))
  t.eq(select("#", fn()), 0)
  t.eq(console_test_global, 42)
end)

t.test("unfinished chunks are incomplete, not errors", function()
  for _, src in ipairs({ "function f(x)", "function f(x)\nreturn x", "for i = 1, 2 do",
    "{", "{ 1,", "x = 1 +", "[[long", "f(" }) do
    local fn, err, incomplete = console.compile(src)
    t.eq(fn, nil, src)
    t.ok(err:find("^stdin:"), err)
    t.eq(incomplete, true, src)
  end
  local fn = assert(console.compile("function f(x)\nreturn x * 2\nend"))
  fn()
  t.eq(f(21), 42)
  t.same_table(assert(console.compile("{\n1,\n2 }"))(), { 1, 2 })
end)

t.test("a chunk unfinished at the end of input: Lua's message, on the lines of the input", function()
  t.eq(console.unfinished("bad(", 2),
    "stdin:2: unexpected symbol near '<eof>' (the input ended inside the chunk begun on line 2, which did not run)")
  t.eq(console.unfinished("function f(x)\n  return x", 5),
    "stdin:6: 'end' expected (to close 'function' at line 5) near '<eof>'"
      .. " (the input ended inside the chunk begun on line 5, which did not run)")
  -- An open table is unfinished as an expression, not as a statement.
  t.ok(console.unfinished("{ 1,", 1):find("^stdin:1: unexpected symbol near '<eof>'"), console.unfinished("{ 1,", 1))
  t.ok(console.unfinished("print(1", 1):find("^stdin:1: '%)' expected near '<eof>'"), console.unfinished("print(1", 1))
end)

t.test("syntax errors are errors", function()
  local fn, err, incomplete = console.compile("x = = 1")
  t.eq(fn, nil)
  t.eq(incomplete, false)
  t.ok(err:find("stdin:1:", 1, true), err)
end)

t.test("errors in expressions keep the chunk's position", function()
  local ok, err = pcall(assert(console.compile('error("boom")')))
  t.eq(ok, false)
  t.eq(err, "stdin:1: boom")
end)

t.test("an error in an expression's last field names line 1; a trailing comment still compiles", function()
  local ok, err = pcall(assert(console.compile("console_test_missing.columns")))
  t.eq(ok, false)
  t.ok(err:find("^stdin:1: attempt to index global 'console_test_missing'"), err)
  t.eq(assert(console.compile("6 * 7 -- the answer"))(), 42)
end)

t.test("a method named but not called is an error with a hint, not a chunk that goes on", function()
  local fn, err, incomplete = console.compile("df:show")
  t.eq(fn, nil)
  t.eq(incomplete, false)
  t.eq(err, "stdin:1: function arguments expected near '<eof>': call the method with parentheses, df:show()")
  fn, err, incomplete = console.compile("x = spark.read:csv  ")
  t.eq(incomplete, false)
  t.ok(err:find("with parentheses, spark.read:csv()", 1, true), err)
end)

t.test("typed chunks run with the JIT off, so the Ctrl-C hook sees their loops", function()
  if not jit or not jit.status() then return end
  -- A debug count hook fires in interpreted code only: once a loop has a
  -- trace (the first run), a hooked second run would see no count events.
  local fn = assert(console.compile("local n = 0 for i = 1, 1e6 do n = n + i end return n"))
  fn()
  local hits = 0
  debug.sethook(function()
    hits = hits + 1
  end, "", 1000)
  fn()
  debug.sethook()
  t.ok(hits > 500, "the count hook fired " .. hits .. " times")
end)

-- ---- console.complete ---------------------------------------------------------------

local function has(list, item)
  for _, v in ipairs(list) do if v == item then return true end end
  return false
end

t.test("completes globals and keywords", function()
  t.ok(has(console.complete("pri"), "print"))
  t.ok(has(console.complete("wh"), "while"))
  t.ok(has(console.complete("ti"), "tide") or rawget(_G, "tide") == nil)
  t.same_table(console.complete("zzz_no_such"), {})
end)

t.test("completes fields along a dotted path", function()
  t.same_table(console.complete("string.up"), { "string.upper" })
  t.same_table(console.complete("math.fl"), { "math.floor" })
  console_test_nested = { inner = { alpha = 1, beta = 2 } }
  t.same_table(console.complete("console_test_nested.inner."),
    { "console_test_nested.inner.alpha", "console_test_nested.inner.beta" })
  t.same_table(console.complete("nope.x"), {})
  t.same_table(console.complete("string..x"), {})
end)

t.test("completes tide's submodules before they are loaded, without loading them", function()
  t.eq(console.setup(), nil, "the globals are set")
  t.eq(rawget(tide, "plot"), nil, "tide.plot is not loaded yet")
  t.same_table(console.complete("tide.pl"), { "tide.plot" })
  local all = console.complete("tide.")
  for _, name in ipairs({ "tide.functions", "tide.ml", "tide.types", "tide.session" }) do
    t.ok(has(all, name), name .. " in " .. table.concat(all, " "))
  end
  t.eq(rawget(tide, "plot"), nil, "completing did not load it")
  t.same_table(console.complete("tide:pl"), {}, "modules are no methods")
end)

t.test("completes methods after ':' through the metatable", function()
  console_test_s = "abc"
  t.same_table(console.complete("console_test_s:up"), { "console_test_s:upper" })
  t.same_table(console.complete("io.stdout:wr"), { "io.stdout:write" })
  local Class = {}
  Class.__index = Class
  function Class.hello() end
  Class.notAMethod = 1
  console_test_obj = setmetatable({ own = function() end, field = 2 }, Class)
  t.same_table(console.complete("console_test_obj:"), { "console_test_obj:hello", "console_test_obj:own" })
  t.same_table(console.complete("console_test_obj."),
    { "console_test_obj.field", "console_test_obj.hello", "console_test_obj.notAMethod", "console_test_obj.own" })
end)

t.test("completes methods of an __index function's method table", function()
  local methods = { greet = function() end }
  local properties = { computed = function() return 42 end }
  console_test_fobj = setmetatable({}, { __index = function(_, k)
    return methods[k] or (properties[k] and properties[k]())
  end })
  t.same_table(console.complete("console_test_fobj:"), { "console_test_fobj:greet" })
  t.same_table(console.complete("console_test_fobj."), { "console_test_fobj.computed", "console_test_fobj.greet" })
end)

t.test("completes methods of cdata batches without raising", function()
  console_test_b = tide.batch.fromRows({ { 1 } }, "id int")
  t.same_table(console.complete("console_test_b:printSch"), { "console_test_b:printSchema" })
  local shows = console.complete("console_test_b:show")
  t.ok(has(shows, "console_test_b:show") and has(shows, "console_test_b:showString"), table.concat(shows, " "))
  t.ok(not has(console.complete("console_test_b:"), "console_test_b:__tostring"), "metamethods hidden")
  t.same_table(console.complete("console_test_b:__tostr"), { "console_test_b:__tostring" })
  local ffi = require("ffi")
  console_test_plain = ffi.new("struct { int a; }")
  console_test_int = ffi.new("int64_t", 1)
  t.same_table(console.complete("console_test_plain:"), {})
  t.same_table(console.complete("console_test_int:"), {})
end)

t.test("the guide tells, among its first lines, how to write conditions on Columns", function()
  local guide = tostring(console.help)
  local head = table.concat({ guide:match("^([^\n]*\n[^\n]*\n[^\n]*\n[^\n]*\n[^\n]*\n[^\n]*\n[^\n]*\n[^\n]*\n)") })
  for _, what in ipairs({ "`and`, `or` and `not`", "`<`, `>` with a number", ":gt(1):and_(", ":eq", ":lt", ":not_" }) do
    t.ok(head:find(what, 1, true), what .. " in the first lines of the guide:\n" .. head)
  end
  -- Every Column method the guide names exists, and its example builds a
  -- condition.
  local col = tide.functions.col("x")
  for name in head:gmatch("[%s)]:([%a_]+)") do
    t.eq(type(col[name]), "function", "Column:" .. name .. ", named in the guide")
  end
  local F = tide.functions
  local example = F.col("id"):gt(1):and_(F.col("name"):eq("a"))
  t.eq(tostring(example), "Column<'((id > 1) AND (name = a))'>")
end)

t.run()
