-- Expression cases for the function tests (math, datetime, text): an
-- expression over a few rows, compared with Spark's output texts, result
-- type and column name.
local t = require("testing")
local tide = require("tide")
local eval = require("tide.eval")
local column = require("tide.column")
local F = tide.functions

local M = {}

-- A list that may hold nils (its n counts them).
function M.list(...) return { n = select("#", ...), ... } end

-- expr (a Column, or a SQL string for F.expr) over rows of schema ddl:
-- the texts show prints, the result type, the column name. A ddl that is
-- a bare type ("int") is one column v, and rows are then its values.
function M.over(ddl, rows, expr)
  if not ddl:find(" ", 1, true) or ddl:match("^decimal") then
    local values = rows
    rows = {}
    for i = 1, values.n or #values do rows[i] = { values[i] } end
    ddl = "v " .. ddl
  end
  local b = tide.batch.fromRows(rows, ddl)
  if type(expr) == "string" then expr = F.expr(expr) end
  local compiled = eval.compileSelect({ column.colNode(expr) }, b:schema())
  local out = eval.project(b, compiled, {})
  local texts = {}
  for r = 0, out:count() - 1 do texts[r + 1] = tide.batch.cellText(out.columns[0], r) end
  local f = compiled.schema.fields[1]
  return texts, f.dataType:simpleString(), f.name
end

-- Each case: the schema (or the one column's type), the rows (or its
-- values), the expression, Spark's output texts, result type and name.
function M.check(cases)
  for _, c in ipairs(cases) do
    local ddl, rows, expr, want, want_type, want_name = unpack(c)
    local texts, got_type, got_name = M.over(ddl, rows, expr)
    local what = ("%s over %s"):format(want_name, ddl)
    t.same_table(texts, want, what)
    t.eq(got_type, want_type, what .. " type")
    t.eq(got_name, want_name, what .. " name")
  end
end

return M
