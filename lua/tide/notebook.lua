-- tide.notebook — `tide notebook FILE`: runs a Lua notebook (Jupytext's
-- percent format) cell by cell in one Lua state and writes a report with
-- each cell's code, its printed output, its tables (df:show) and its charts
-- (tide.plot, inline SVG). It stops at the first failing cell, puts the
-- traceback in the report and exits 1.
--
--   -- %% [markdown]
--   -- # A title
--   -- Text; lines start with "-- ".
--
--   -- %%
--   local df = spark.read:format("csv"):option("header", true):load(path)
--   df:show(5)
--
-- The file runs as one chunk, exactly as `tide run FILE` runs it, so a
-- `local` of one cell is seen by the cells after it; a call at each cell's
-- marker tells the runner which cell the output that follows belongs to.
local M = {}

M.usage = [[
usage: tide notebook FILE [--out REPORT] [ARGS...]

Runs a Lua notebook (Jupytext percent format: "-- %%" starts a code cell,
"-- %% [markdown]" a markdown cell whose lines start with "-- ") cell by
cell and writes a report: each cell's code, printed output, tables
(df:show) and charts (tide.plot). Stops at the first failing cell, shows
its traceback and exits 1.

  --out REPORT   report.html (default: FILE's name with .html, in the
                 current directory) or report.md (charts go to
                 REPORT_files/ beside it)
  ARGS           passed to the notebook as arg[1], arg[2], ... (--out and
                 -o anywhere are tide notebook's; after "--" everything
                 goes to the notebook)
]]

-- ---- parsing -----------------------------------------------------------------

-- Cells of a percent-format file: { kind = "code"|"markdown", title,
-- marker (its "-- %%" line; nil for text before the first marker), line
-- (first line of its body), lines = {...} }.
function M.parse(text)
  local cells, current = {}, nil
  local line_no = 0
  local function open(kind, title, line, marker)
    current = { kind = kind, title = title, line = line, marker = marker, lines = {} }
    cells[#cells + 1] = current
  end
  for line in (text .. (text:sub(-1) == "\n" and "" or "\n")):gmatch("(.-)\r?\n") do
    line_no = line_no + 1
    local rest = line:match("^%-%-%s*%%%%(.*)$")
    if rest then
      local kind = rest:match("%[(%w+)%]")
      local title = rest:gsub("%[%w+%]", ""):match("^%s*(.-)%s*$")
      open((kind == "markdown" or kind == "md") and "markdown" or "code", title ~= "" and title or nil, line_no + 1,
        line_no)
    else
      if not current then open("code", nil, line_no) end
      current.lines[#current.lines + 1] = line
    end
  end
  -- Blank lines at a cell's end belong to no one; a cell left empty is dropped.
  local kept = {}
  for _, cell in ipairs(cells) do
    while #cell.lines > 0 and not cell.lines[#cell.lines]:match("%S") do cell.lines[#cell.lines] = nil end
    if cell.kind == "markdown" then
      for i, l in ipairs(cell.lines) do cell.lines[i] = l:gsub("^%-%-%s?", "", 1) end
    end
    if #cell.lines > 0 then kept[#kept + 1] = cell end
  end
  return kept
end

-- ---- running -----------------------------------------------------------------

local HOOK = "__tide_notebook_cell"

local is_tide_module = require("tide.checks").isTideModule

-- The "file:line:" an error message begins with, or nil.
local function place_of(message)
  return message:match("^([^\n:]+:%d+):")
end

-- An error raised in the notebook (the xpcall handler's, stack intact from
-- `level` on), placed as `tide run` places it: a message without a place,
-- or whose level pointed past the notebook into this runner, gets the line
-- of the innermost frame outside tide's modules. Returns the message, the
-- notebook's line the error happened at and the notebook's frame's name
-- in tracebacks.
local function place_error(e, chunk_source, level)
  local message = tostring(e)
  local runner_places, user_place, notebook_line, notebook_src = {}, nil, nil, nil
  local past_notebook = false
  while true do
    local info = debug.getinfo(level, "Sl")
    if not info then break end
    local here = info.currentline > 0 and info.what ~= "C" and (info.short_src .. ":" .. info.currentline) or nil
    if past_notebook then
      if here then runner_places[here] = true end
    elseif here and not is_tide_module(info.source) then
      user_place = user_place or here
    end
    if info.source == chunk_source then
      notebook_line = notebook_line or info.currentline
      if info.what == "main" then past_notebook, notebook_src = true, info.short_src end
    end
    level = level + 1
  end
  local place = place_of(message)
  if place and runner_places[place] then
    message, place = message:sub(#place + 3), nil -- "file:line: " off
  end
  if not place and user_place then message = user_place .. ": " .. message end
  return message, notebook_line, notebook_src
end

-- A traceback ends at the notebook's main chunk, as under `tide run`: the
-- frames below it are this runner's, not the notebook's.
local function without_runner(traceback, notebook_src)
  if not notebook_src then return traceback end
  local kept, main = {}, "\t" .. notebook_src .. ":"
  for line in (traceback .. "\n"):gmatch("(.-)\n") do
    kept[#kept + 1] = line
    if line:sub(1, #main) == main and line:sub(-15) == ": in main chunk" then break end
  end
  return table.concat(kept, "\n")
end

-- Runs the notebook's source; each code cell gets `outputs` (a list of
-- { kind = "text" | "table" | "svg" | "error", ... }) and `seconds`.
-- Returns true, or false and the index of the failing cell; its last
-- output is the error, with `line` (the notebook's line it happened at)
-- and `compiled` (false for a syntax error: no cell ran).
function M.run(cells, source, path, echo)
  local tide = require("tide")
  local display = require("tide.display")
  local lines = {}
  for line in (source .. "\n"):gmatch("(.-)\r?\n") do lines[#lines + 1] = line end
  for i, cell in ipairs(cells) do
    if cell.kind == "code" then
      local at = cell.marker or 1
      lines[at] = ("%s(%d) "):format(HOOK, i) .. lines[at]
    end
  end

  local saved_print, saved_write, saved_handler = print, io.write, display.handler
  local current, started
  local outputs = {}
  local function text(s)
    local last = outputs[#outputs]
    if last and last.kind == "text" then
      last.text = last.text .. s
    else
      outputs[#outputs + 1] = { kind = "text", text = s }
    end
    if echo then saved_write(s) end
  end
  _G[HOOK] = function(i)
    local now = tide.now()
    if current then cells[current].seconds = now - started end
    current, started = i, now
    outputs = {}
    cells[i].outputs = outputs
  end
  _G.print = function(...)
    local parts = {}
    for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
    text(table.concat(parts, "\t") .. "\n")
  end
  io.write = function(...)
    for i = 1, select("#", ...) do text(tostring((select(i, ...)))) end
    return io.stdout
  end
  display.handler = function(kind, s, value)
    outputs[#outputs + 1] = { kind = kind, text = s, value = value }
    if echo then saved_write(kind == "svg" and (tostring(value) .. "\n") or s) end
  end

  local chunk, err = loadstring(table.concat(lines, "\n"), "@" .. path)
  local ok, failed_line = chunk ~= nil, nil
  if chunk then
    ok, err = xpcall(chunk, function(e)
      local message, notebook_src
      message, failed_line, notebook_src = place_error(e, "@" .. path, 3)
      message = require("tide.error_hints").explain(message)
      return without_runner(debug.traceback(message, 2), notebook_src)
    end)
  else
    failed_line = tonumber(tostring(err):match(":(%d+):"))
  end
  if current then cells[current].seconds = tide.now() - started end
  _G.print, io.write, display.handler, _G[HOOK] = saved_print, saved_write, saved_handler, nil
  if ok then return true end
  -- A syntax error stops the whole file before any cell runs: it belongs to
  -- the cell holding its line.
  if not current then
    current = 1
    for i, cell in ipairs(cells) do
      if cell.kind == "code" and (cell.marker or 1) <= (failed_line or 1) then current = i end
    end
    cells[current].outputs = cells[current].outputs or {}
  end
  local list = cells[current].outputs
  list[#list + 1] = { kind = "error", text = tostring(err), line = failed_line, compiled = chunk ~= nil }
  return false, current
end

-- ---- reports -------------------------------------------------------------------

local function html_escape(s)
  return (tostring(s):gsub("[&<>\"]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;" }))
end

-- The markdown a notebook's text cells use: headings, lists, paragraphs,
-- code blocks (lines indented by four spaces), `code`, **bold**,
-- *emphasis*, [links](url).
local function inline(s)
  s = html_escape(s)
  s = s:gsub("`([^`]+)`", "<code>%1</code>")
  s = s:gsub("%*%*(.-)%*%*", "<strong>%1</strong>")
  s = s:gsub("%*([^%*]+)%*", "<em>%1</em>")
  s = s:gsub("%[([^%]]+)%]%(([^%)]+)%)", '<a href="%2">%1</a>')
  return s
end

local function markdown_html(lines)
  local out, para, list, code = {}, {}, false, nil
  local function flush()
    if #para > 0 then out[#out + 1] = "<p>" .. inline(table.concat(para, " ")) .. "</p>" end
    para = {}
    if list then out[#out + 1] = "</ul>" end
    list = false
    if code then
      while code[#code] == "" do code[#code] = nil end
      out[#out + 1] = "<pre><code>" .. html_escape(table.concat(code, "\n")) .. "</code></pre>"
      code = nil
    end
  end
  for _, l in ipairs(lines) do
    local hashes, heading = l:match("^(#+)%s+(.*)$")
    local item = l:match("^%s*[-*]%s+(.*)$")
    -- Indented lines continue a paragraph or a list item; elsewhere they
    -- are code, kept line by line (a command per line stays one).
    local indented = l:match("^    (.*)$")
    if code and (indented or not l:match("%S")) then
      code[#code + 1] = indented or ""
    elseif indented and #para == 0 and not list then
      code = { indented }
    elseif hashes then
      flush()
      out[#out + 1] = ("<h%d>%s</h%d>"):format(#hashes, inline(heading), #hashes)
    elseif item then
      if #para > 0 or code then flush() end
      if not list then out[#out + 1] = "<ul>" end
      list = true
      out[#out + 1] = "<li>" .. inline(item) .. "</li>"
    elseif l:match("%S") then
      if list or code then flush() end
      para[#para + 1] = l
    else
      flush()
    end
  end
  flush()
  return table.concat(out, "\n")
end

local function table_html(t)
  local out = { "<table><thead><tr>" }
  for _, name in ipairs(t.names) do out[#out + 1] = "<th>" .. html_escape(name) .. "</th>" end
  out[#out + 1] = "</tr></thead><tbody>"
  for _, row in ipairs(t.rows) do
    out[#out + 1] = "<tr>"
    for _, cell in ipairs(row) do out[#out + 1] = "<td>" .. html_escape(cell) .. "</td>" end
    out[#out + 1] = "</tr>"
  end
  out[#out + 1] = "</tbody></table>"
  if t.more then out[#out + 1] = ('<p class="note">only showing top %d rows</p>'):format(#t.rows) end
  return table.concat(out)
end

local CSS = [[
body { font-family: sans-serif; max-width: 980px; margin: 2em auto; color: #222; }
.cell { margin: 1.2em 0; }
pre { background: #f6f8fa; padding: .6em .8em; overflow-x: auto; font-size: 13px; }
pre.out { background: #fff; border-left: 3px solid #ccc; }
pre.error { background: #fff0f0; border-left: 3px solid #d62728; color: #a00; }
.meta { color: #888; font-size: 12px; }
table { border-collapse: collapse; font-size: 13px; margin: .4em 0; }
th, td { border: 1px solid #ddd; padding: 2px 8px; text-align: right; }
th { background: #f0f0f0; }
.note { color: #666; font-size: 12px; }
]]

function M.html(cells, info)
  local out = {
    "<!DOCTYPE html>", '<html><head><meta charset="utf-8">',
    "<title>" .. html_escape(info.title) .. "</title>", "<style>" .. CSS .. "</style></head><body>",
    ('<p class="meta">%s — run with tide %s on %s, %.2f s%s</p>'):format(html_escape(info.title),
      html_escape(info.version), html_escape(info.date), info.seconds,
      info.failed and (", failed in cell " .. info.failed) or ""),
  }
  for i, cell in ipairs(cells) do
    out[#out + 1] = '<div class="cell">'
    if cell.kind == "markdown" then
      out[#out + 1] = markdown_html(cell.lines)
    else
      out[#out + 1] = "<pre><code>" .. html_escape(table.concat(cell.lines, "\n")) .. "</code></pre>"
      for _, o in ipairs(cell.outputs or {}) do
        if o.kind == "text" then
          out[#out + 1] = '<pre class="out">' .. html_escape(o.text) .. "</pre>"
        elseif o.kind == "table" then
          out[#out + 1] = table_html(o.value)
        elseif o.kind == "svg" then
          out[#out + 1] = "<div>" .. o.text .. "</div>"
        elseif o.kind == "error" then
          out[#out + 1] = '<pre class="error">' .. html_escape(o.text) .. "</pre>"
        end
      end
      if cell.seconds then out[#out + 1] = ('<p class="meta">[%d] %.3f s</p>'):format(i, cell.seconds) end
    end
    out[#out + 1] = "</div>"
  end
  out[#out + 1] = "</body></html>\n"
  return table.concat(out, "\n")
end

local function md_table(t)
  local out = { "| " .. table.concat(t.names, " | ") .. " |", "|" .. ("---|"):rep(#t.names) }
  for _, row in ipairs(t.rows) do
    local cells = {}
    for j, c in ipairs(row) do cells[j] = c:gsub("|", "\\|") end
    out[#out + 1] = "| " .. table.concat(cells, " | ") .. " |"
  end
  if t.more then out[#out + 1] = ("\n_only showing top %d rows_"):format(#t.rows) end
  return table.concat(out, "\n")
end

-- Markdown report; charts are written as files under files_dir.
function M.markdown(cells, info, files_dir, files_link)
  local out = { ("_%s — run with tide %s on %s, %.2f s%s_"):format(info.title, info.version, info.date,
    info.seconds, info.failed and (", failed in cell " .. info.failed) or "") }
  local charts = 0
  for _, cell in ipairs(cells) do
    if cell.kind == "markdown" then
      out[#out + 1] = table.concat(cell.lines, "\n")
    else
      out[#out + 1] = "```lua\n" .. table.concat(cell.lines, "\n") .. "\n```"
      for _, o in ipairs(cell.outputs or {}) do
        if o.kind == "text" or o.kind == "error" then
          out[#out + 1] = "```\n" .. o.text:gsub("\n$", "") .. "\n```"
        elseif o.kind == "table" then
          out[#out + 1] = md_table(o.value)
        elseif o.kind == "svg" then
          charts = charts + 1
          os.execute(("mkdir -p '%s'"):format(files_dir:gsub("'", "'\\''")))
          local name = ("chart-%d.svg"):format(charts)
          local f = assert(io.open(files_dir .. "/" .. name, "wb"))
          f:write(o.text)
          f:close()
          out[#out + 1] = ("![%s](%s/%s)"):format(o.value and o.value.title or "chart", files_link, name)
        end
      end
    end
  end
  return table.concat(out, "\n\n") .. "\n"
end

-- ---- the command ----------------------------------------------------------------

local function read_file(path)
  local f, err = io.open(path, "rb")
  if not f then error("tide notebook: cannot read " .. tostring(err), 0) end
  local text = f:read("*a")
  f:close()
  return text
end

-- An argument that looks like a try at --out but is not it (--output,
-- -out, --out=r.html, --ouput, --outfile): the notebook gets it anyway,
-- and the user a hint. Conservative: only names near "out" or "output".
function M.looksLikeOut(a)
  local dashes, name = a:match("^(%-%-?)([%a][%w_-]*)")
  if not name then return false end
  name = name:lower()
  local with_value = a:find("=", 1, true) ~= nil
  if name == "out" or name == "o" then return with_value or dashes == "-" and name == "out" end
  return name:sub(1, 3) == "out" or require("tide.suggest").distance(name, "output") <= 2
end

function M.main(args)
  local path, report, rest = nil, nil, {}
  local i = 1
  while i <= #args do
    local a = args[i]
    if a == "--help" or a == "-h" then
      io.write(M.usage)
      return 0
    elseif a == "--out" or a == "-o" then
      report = args[i + 1] or error("tide notebook: --out needs a file name", 0)
      i = i + 1
    elseif a == "--" then
      for j = i + 1, #args do rest[#rest + 1] = args[j] end
      break
    elseif not path and a:match("^%-.") then
      io.stderr:write(("tide notebook: unknown option %s\n%s"):format(a, M.usage))
      return 2
    elseif not path then
      path = a
    else
      if M.looksLikeOut(a) then
        io.stderr:write(("tide notebook: %s goes to the notebook as arg[%d]; tide notebook's own option is "
          .. "--out REPORT (or -o)\n"):format(a, #rest + 1))
      end
      rest[#rest + 1] = a
    end
    i = i + 1
  end
  if not path then
    io.stderr:write(M.usage)
    return 2
  end
  report = report or (path:match("([^/]+)$"):gsub("%.lua$", "") .. ".html")
  local ok, source = pcall(read_file, path)
  if not ok then
    io.stderr:write(source, "\n") -- (the user's to fix: no traceback)
    return 1
  end
  local cells = M.parse(source)
  _G.arg = { [0] = path }
  for j, a in ipairs(rest) do _G.arg[j] = a end

  local tide = require("tide")
  local started = tide.now()
  local ok, failed = M.run(cells, source, path, true)
  local info = {
    title = path:match("([^/]+)$"), version = tide.version(), date = os.date("!%Y-%m-%d %H:%M UTC"),
    seconds = tide.now() - started, failed = failed,
  }
  local text
  if report:match("%.md$") then
    local files = report:gsub("%.md$", "") .. "_files"
    text = M.markdown(cells, info, files, files:match("([^/]+)$"))
  else
    text = M.html(cells, info)
  end
  -- What the notebook printed comes before the status lines on stderr,
  -- also when both go to one pipe.
  io.stdout:flush()
  local f, err = io.open(report, "wb")
  if not f then error("tide notebook: cannot write the report: " .. tostring(err), 0) end
  f:write(text)
  f:close()
  if not ok then
    local outputs = cells[failed].outputs
    local e = outputs[#outputs]
    local where = e.line and ("%s:%d"):format(path, e.line) or path
    if e.compiled then
      io.stderr:write(("tide notebook: cell %d failed at %s (the cell starts at line %d):\n%s\n"):format(failed,
        where, cells[failed].line, e.text))
    else
      io.stderr:write(("tide notebook: %s does not compile (a syntax error at %s, in cell %d), so no cell ran:\n%s\n")
        :format(path, where, failed, e.text))
    end
    io.stderr:write("report: " .. report .. "\n")
    return 1
  end
  io.stderr:write(("report: %s (%d cells, %.2f s)\n"):format(report, #cells, info.seconds))
  return 0
end

return M
