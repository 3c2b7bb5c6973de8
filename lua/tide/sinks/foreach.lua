-- foreach(fn) or foreach{open = fn(partition_id, epoch_id) -> bool,
-- process = fn(row), close = fn(err)}: one Lua call per row, with the row as
-- a Row table. open returning false skips the epoch's rows (nil, a
-- function without a return, processes them); close(nil), or close(err)
-- after process raised err, follows each open. Convenient and slow: it
-- builds a table per row, which the batch paths avoid. Use foreachBatch
-- where speed matters.
local M = {}
local Sink = {}
Sink.__index = Sink

function M.new(writer)
  local obj = writer.foreachObj
  if type(obj) == "function" then obj = { process = obj } end
  if type(obj.process) ~= "function" then error("foreach needs a process(row) function", 0) end
  return setmetatable({ obj = obj, description = "ForeachSink" }, Sink)
end

-- As PySpark's foreach: close(err) follows every open that returned,
-- whatever it returned, so a writer that opened a connection in open and
-- answered false (an epoch it had already written) still closes it. An
-- open that raises gets no close, as in PySpark.
function Sink:addBatch(epoch, batch)
  local obj = self.obj
  local process = not obj.open or obj.open(0, epoch) ~= false
  local ok, err = true, nil
  if process then
    ok, err = pcall(function()
      for _, row in ipairs(batch:collect()) do obj.process(row) end
    end)
  end
  if obj.close then obj.close(not ok and err or nil) end
  if not ok then error(err, 0) end
  return process and batch:count() or 0
end

function Sink:stop() end

return M
