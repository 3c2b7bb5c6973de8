-- The tide side of tests/spark/compare: runs each statement of the corpus
-- files in tide and writes one JSON line per statement, as spark_side.py
-- does: its id (file:line), the text show(20, false) prints and the
-- schema, or the error.
--   tide run tests/spark/tide_side.lua OUT.jsonl corpus.sql ...
local tide = require("tide")
local json = require("tide.json")
local spark = tide.session()

local out = assert(io.open(arg[1], "w"))
for i = 2, #arg do
  local path, n = arg[i], 0
  for line in io.lines(path) do
    n = n + 1
    local sql = line:match("^%s*(.-)%s*$")
    if sql ~= "" and not sql:match("^%-%-") then
      local record = json.ordered { { "id", path:gsub(".*/", "") .. ":" .. n }, { "sql", sql } }
      local schema, shown
      local ok, err = pcall(function()
        local df = spark:sql(sql)
        -- (what df:show prints: intervals as their text, tide.interval_values)
        local text = require("tide.interval_values").shown(df)
        schema, shown = df.schema:treeString(), text:limit(21):toBatch():showString(20, false)
      end)
      if ok then
        record[3], record[4], record[5] = { "ok", true }, { "schema", schema }, { "out", shown }
      else
        local message = tostring(err):gsub("^[^:]*%.lua:%d+: ", "")
        record[3], record[4] = { "ok", false }, { "err", message:sub(1, 400) }
      end
      out:write(json.encode(record), "\n")
    end
  end
end
out:close()
