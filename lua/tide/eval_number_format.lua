-- tide.eval_number_format — Spark's number format strings: to_number,
-- try_to_number, and to_char/to_varchar of numbers.
local M = {}

function M.register(_) end

return M
