-- tide.error_hints — hints added to an error's message where Lua's own
-- wording leaves a Spark user without the way out: the host's traceback
-- handler (tide run, the console) and the notebook runner pass every
-- error's message through explain.
local M = {}

-- The globals a PySpark shell or the console has and a script does not;
-- and a table compared with a number, for which Lua calls no metamethod:
-- the first filter a Spark user writes, F.col("id") > 1, fails inside Lua.
local HINTS = {
  { patterns = { "attempt to index global 'tide' (a nil value)" },
    hint = "a script defines its own: local tide = require(\"tide\"); only the console predefines tide" },
  { patterns = { "attempt to index global 'spark' (a nil value)", "attempt to index global 'F' (a nil value)" },
    hint = "a script makes its own: local spark = tide.session(); local F = tide.functions" },
  { patterns = { "attempt to compare number with table", "attempt to compare table with number" },
    hint = "if the table is a Column: Lua's < > <= >= cannot compare one with a number; write"
      .. " F.col(\"x\"):gt(1), :ge, :lt, :le" },
}

function M.explain(message)
  for _, h in ipairs(HINTS) do
    for _, pattern in ipairs(h.patterns) do
      if message:find(pattern, 1, true) and not message:find(h.hint, 1, true) then
        return message .. " (" .. h.hint .. ")"
      end
    end
  end
  return message
end

return M
