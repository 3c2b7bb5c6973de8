-- `tide notebook`: percent-format cells run in one state into an HTML or
-- Markdown report with output, tables and charts; a failing cell stops the
-- run with its traceback and exit status 1; `tide run` runs the same file.
local t = require("testing")
local notebook = require("tide.notebook")

local tmp = t.tempdir()
local root = os.getenv("TIDE_SOURCE_DIR") or "."
local bin = os.getenv("TIDE_BIN") or "build/tide"
local data = root .. "/tests/notebook/data/"

local read = t.read

t.test("cells are split at -- %% markers, markdown lines unprefixed", function()
  local cells = notebook.parse(read(data .. "sample_notebook.lua"))
  t.eq(#cells, 3)
  t.eq(cells[1].kind, "markdown")
  t.eq(cells[1].lines[1], "# A sample notebook")
  t.eq(cells[2].kind, "code")
  t.eq(cells[2].line, 8)
  t.eq(cells[3].title, "a table and a chart")
  local plain = notebook.parse("print(1)\n-- %%\nprint(2)\n")
  t.eq(#plain, 2, "text before the first marker is a cell")
end)

t.test("an HTML report holds code, output, tables and inline SVG", function()
  local report = tmp .. "/sample.html"
  local out, status = t.sh(("'%s' notebook '%s' --out '%s' extra-arg"):format(bin, data .. "sample_notebook.lua", report))
  t.eq(status, 0, out)
  t.ok(out:find("hello from cell 2", 1, true), "output echoed while running")
  local html = read(report)
  t.ok(html:find("<h1>A sample notebook</h1>", 1, true), "markdown heading")
  t.ok(html:find("<strong>globals</strong>", 1, true), "markdown bold")
  t.ok(html:find("hello from cell 2", 1, true), "printed output")
  t.ok(html:find("<th>id</th><th>name</th>", 1, true), "table header")
  t.ok(html:find("<td>b&lt;&amp;&gt;</td>", 1, true), "cells escaped")
  t.ok(not html:find("<td>c</td>", 1, true), "show(2) shows two rows")
  t.ok(html:find("only showing top 2 rows", 1, true))
  t.ok(html:find("<svg", 1, true) and html:find("a line", 1, true), "inline chart")
  t.ok(html:find("args: extra-arg", 1, true), "arguments reach the notebook")
end)

t.test("a Markdown report writes its charts beside it", function()
  local report = tmp .. "/sample.md"
  local out, status = t.sh(("'%s' notebook '%s' --out '%s'"):format(bin, data .. "sample_notebook.lua", report))
  t.eq(status, 0, out)
  local md = read(report)
  t.ok(md:find("| id | name |", 1, true), "markdown table")
  t.ok(md:find("![a line](sample_files/chart-1.svg)", 1, true), "chart link")
  t.ok(read(tmp .. "/sample_files/chart-1.svg"):find("<svg", 1, true))
end)

t.test("a failing cell stops the run, exit 1, traceback with file:line", function()
  local report = tmp .. "/failing.html"
  local out, status = t.sh(("'%s' notebook '%s' --out '%s'"):format(bin, data .. "failing_notebook.lua", report))
  t.eq(status, 1)
  t.ok(out:find("cell 2 failed", 1, true), out)
  t.ok(out:find("failing_notebook.lua:5: boom in cell two", 1, true), out)
  local html = read(report)
  t.ok(html:find("first cell runs", 1, true))
  t.ok(html:find('class="error"', 1, true) and html:find("stack traceback", 1, true))
  t.ok(not html:find("never reached\n", 1, true), "later cells do not run")
end)

-- Writes a notebook into tmp; its path.
local function notebook_file(name, text) return t.write(tmp .. "/" .. name, text) end

t.test("an error is placed at the notebook's line as tide run places it; the header names that line, the traceback "
  .. "ends at the notebook", function()
  -- A constructor's error level that goes past the notebook's chunk, and
  -- an error raised without a place.
  local cases = {
    { name = "level.lua", text = "-- %%\nprint(1)\n\n-- %%\nlocal tide = require('tide')\n"
      .. "tide.ml.LogisticRegression { regParm = 1 }\n",
      line = 6, cell_line = 5, main_line = 6, message = 'LogisticRegression has no parameter "regParm"' },
    { name = "placeless.lua", text = "-- %%\nlocal function check(x)\n  if not x then error('no x given', 0) end\n"
      .. "end\n\n-- %%\ncheck(nil)\n", line = 3, cell_line = 7, main_line = 7, message = "no x given" },
  }
  for _, case in ipairs(cases) do
    local path = notebook_file(case.name, case.text)
    local out, status = t.sh(("'%s' notebook '%s' --out '%s.html'"):format(bin, path, path))
    t.eq(status, 1, out)
    t.ok(out:find(("tide notebook: cell 2 failed at %s:%d (the cell starts at line %d):\n%s:%d: %s")
      :format(path, case.line, case.cell_line, path, case.line, case.message), 1, true), out)
    t.ok(out:find(("\n\t%s:%d: in main chunk\nreport: "):format(path, case.main_line), 1, true)
      and not out:find("tide/notebook.lua", 1, true), "the traceback ends at the notebook: " .. out)
    local run_out = t.sh(("'%s' run '%s'"):format(bin, path))
    t.ok(run_out:find(("tide: %s:%d: %s"):format(path, case.line, case.message), 1, true),
      "tide run says the same: " .. run_out)
    t.ok(read(path .. ".html"):find(('<pre class="error">%s:%d: '):format(path, case.line), 1, true), "in the report")
  end
end)

t.test("a markdown cell's indented lines are a code block, a command per line", function()
  local path = notebook_file("code_block.lua", "-- %% [markdown]\n-- Run it:\n--\n--     tide run a.lua\n"
    .. "--     tide run b.lua\n--\n-- Then read <this>.\n\n-- %%\nprint(1)\n")
  local out, status = t.sh(("'%s' notebook '%s' --out '%s.html'"):format(bin, path, path))
  t.eq(status, 0, out)
  local html = read(path .. ".html")
  t.ok(html:find("<p>Run it:</p>\n<pre><code>tide run a.lua\ntide run b.lua</code></pre>\n"
    .. "<p>Then read &lt;this&gt;.</p>", 1, true), html)
end)

t.test("a syntax error says the notebook does not compile, where, and that no cell ran", function()
  local path = notebook_file("syntax.lua", "-- %%\nprint('never')\n\n-- %%\nlocal x = = 1\n")
  local out, status = t.sh(("'%s' notebook '%s' --out '%s.html'"):format(bin, path, path))
  t.eq(status, 1, out)
  t.ok(out:find(("tide notebook: %s does not compile (a syntax error at %s:5, in cell 2), so no cell ran:\n"
    .. "%s:5: unexpected symbol near '='"):format(path, path, path), 1, true), out)
  t.ok(not out:find("never", 1, true), out)
end)

t.test("stdout is flushed before tide notebook's own lines on stderr: one pipe keeps the order", function()
  local out, status = t.sh(("'%s' notebook '%s' --out '%s' 2>&1 | cat"):format(bin, data .. "sample_notebook.lua",
    tmp .. "/order.html"))
  t.eq(status, 0, out)
  t.ok(out:match("\nreport: [^\n]*%(3 cells, [%d.]+ s%)\n$"), out)
  out, status = t.sh(("'%s' notebook '%s' --out '%s' 2>&1 | cat"):format(bin, data .. "failing_notebook.lua",
    tmp .. "/order2.html"))
  t.ok(out:match("^first cell runs\ntide notebook: cell 2 failed"), out)
  t.ok(out:match("\nreport: [^\n]*order2%.html\n$"), out)
end)

t.test("an argument after FILE that looks like a misspelt --out reaches the notebook, with a hint", function()
  local report = tmp .. "/hint.html"
  local out, status = t.sh(("cd '%s' && '%s' notebook '%s' --output '%s'"):format(tmp, bin, data .. "sample_notebook.lua",
    report))
  t.eq(status, 0, out)
  t.ok(out:find("tide notebook: --output goes to the notebook as arg[1]; tide notebook's own option is --out REPORT",
    1, true), out)
  t.ok(out:find("args: --output", 1, true), "the notebook got it: " .. out)
  t.ok(not io.open(report), "no report at the --output path")
  t.ok(io.open(tmp .. "/sample_notebook.html"), "the report under its default name")
  -- --out is tide notebook's anywhere; after -- everything is the notebook's, without a hint.
  out = t.sh(("cd '%s' && '%s' notebook '%s' --out '%s' -- --output x"):format(tmp, bin, data .. "sample_notebook.lua",
    report))
  t.ok(out:find("args: --output", 1, true) and not out:find("goes to the notebook", 1, true), out)
  t.ok(io.open(report), "the --out report")
  for _, a in ipairs({ "--output", "-out", "--out=r.html", "--ouput", "--outfile", "-o=r.html" }) do
    t.ok(notebook.looksLikeOut(a), a)
  end
  for _, a in ipairs({ "x.html", "--rate", "-v", "--input", "--verbose", "--opt", "--o" }) do
    t.ok(not notebook.looksLikeOut(a), a)
  end
end)

t.test("an unknown option before FILE is a usage error", function()
  local out, status = t.sh(("'%s' notebook --output x.html '%s'"):format(bin, data .. "sample_notebook.lua"))
  t.eq(status, 2, out)
  t.ok(out:find("tide notebook: unknown option --output", 1, true), out)
end)

t.test("tide run runs the same notebook as a plain script", function()
  local out, status = t.sh(("'%s' run '%s' x"):format(bin, data .. "sample_notebook.lua"))
  t.eq(status, 0, out)
  t.ok(out:find("hello from cell 2", 1, true))
  t.ok(out:find("| id|name|", 1, true) or out:find("|id |", 1, true) or out:find("+---+", 1, true), out)
end)

t.test("tide notebook of a missing file says so in a line, exit 1, no traceback", function()
  local dir = t.tempdir()
  local out, status = t.sh(("'%s' notebook '%s/none.lua' 2>&1"):format(bin, dir))
  t.eq(status, 1, out)
  t.eq(out, ("tide notebook: cannot read %s/none.lua: No such file or directory\n"):format(dir))
end)

t.run()
