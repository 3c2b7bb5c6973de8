-- tide.dataframe_stat — DataFrameStatFunctions (df.stat).
local M = {}

function M.install(dataframe)
  local _ = dataframe
end

return M
