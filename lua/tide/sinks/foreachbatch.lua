-- foreachBatch(function(df, epoch_id)): the user's function gets each
-- micro-batch as a batch DataFrame. An error in it fails the batch, and the
-- epoch is replayed with the same id on restart, so the function can write
-- idempotently keyed by epoch_id.
local session = require("tide.session")

local M = {}
local Sink = {}
Sink.__index = Sink

function M.new(writer)
  return setmetatable({ fn = writer.batchFn, session = writer.df._session,
    description = "ForeachBatchSink" }, Sink)
end

function Sink:addBatch(epoch, batch)
  self.fn(session.localFrame(self.session, batch), epoch)
  return batch:count()
end

function Sink:stop() end

return M
