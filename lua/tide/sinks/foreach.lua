-- foreach(fn) or foreach{open = fn(partition_id, epoch_id) -> bool,
-- process = fn(row), close = fn(err)}: one Lua call per row, with the row as
-- a Row table. Convenient and slow: it builds a table per row, which the
-- batch paths avoid. Use foreachBatch where speed matters.
local M = {}
local Sink = {}
Sink.__index = Sink

function M.new(writer)
  local obj = writer.foreachObj
  if type(obj) == "function" then obj = { process = obj } end
  if type(obj.process) ~= "function" then error("foreach needs a process(row) function", 0) end
  return setmetatable({ obj = obj, description = "ForeachSink" }, Sink)
end

function Sink:addBatch(epoch, batch)
  local obj = self.obj
  if obj.open and obj.open(0, epoch) == false then return 0 end
  local ok, err = pcall(function()
    for _, row in ipairs(batch:collect()) do obj.process(row) end
  end)
  if obj.close then obj.close(not ok and err or nil) end
  if not ok then error(err, 0) end
  return batch:count()
end

function Sink:stop() end

return M
