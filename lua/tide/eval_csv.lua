-- tide.eval_csv — from_csv, to_csv and schema_of_csv.
local M = {}

function M.register(eval)
  local _ = eval
end

return M
