-- The console sink: each batch printed as Spark prints it,
--   -------------------------------------------
--   Batch: 3
--   -------------------------------------------
-- followed by the table. Options numRows (20) and truncate (true).
local M = {}
local Sink = {}
Sink.__index = Sink

function M.new(writer)
  local truncate = writer.opts.truncate
  return setmetatable({
    numRows = tonumber(writer.opts.numrows) or 20,
    truncate = truncate == nil or truncate == "true",
    description = "org.apache.spark.sql.execution.streaming.ConsoleTable$",
  }, Sink)
end

-- Called before a batch is printed (the interactive console sets it, to
-- move off the prompt line first).
M.beforeOutput = nil

function Sink:addBatch(epoch, batch)
  if M.beforeOutput then M.beforeOutput() end
  local line = ("-"):rep(43)
  io.write(line, "\n", "Batch: ", epoch, "\n", line, "\n")
  io.write(batch:showString(self.numRows, self.truncate), "\n")
  io.flush()
  return batch:count()
end

function Sink:stop() end

return M
