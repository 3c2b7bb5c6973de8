-- tide.observation — df:observe(...), named metrics of a query.
local M = {}

function M.install(dataframe)
  local _ = dataframe
end

return M
