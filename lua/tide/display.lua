-- tide.display — where rich output goes. In a script or the console,
-- tables are printed as text; `tide notebook` installs a handler that puts
-- them (and charts) into its report instead.
--
--   handler(kind, text, value): kind "table" (value: { names, rows, more,
--   truncate }, text: Spark's text table) or "svg" (text: the SVG, value:
--   the chart).
local M = { handler = nil }

function M.table(cells, text)
  if M.handler then return M.handler("table", text, cells) end
  io.write(text, "\n") -- (a blank line after the table, as Spark's println of it)
end

return M
