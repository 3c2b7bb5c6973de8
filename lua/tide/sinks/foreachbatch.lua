-- foreachBatch(function(df, epoch_id)): the user's function gets each
-- micro-batch as a batch DataFrame. An error in it fails the batch, and the
-- epoch is replayed with the same id on restart, so the function can write
-- idempotently keyed by epoch_id. A micro-batch that runs piece by piece
-- (tide.execution fetchedPieces) is made while the function uses it: a
-- jdbc write of it sends each piece as soon as it is made.
local session = require("tide.session")

local M = {}
local Sink = {}
Sink.__index = Sink

function M.new(writer, schema)
  return setmetatable({ fn = writer.batchFn, session = writer.df._session, schema = schema,
    description = "ForeachBatchSink" }, Sink)
end

-- The query's schema when it describes the batch's columns, as Spark's
-- foreachBatch DataFrame has it: a tinyint or an interval is one there,
-- where the batch's columns only say int or bigint.
local function schema_of(batch, schema)
  local own = batch:schema()
  if not schema or #schema.fields ~= #own.fields then return own end
  for i, f in ipairs(schema.fields) do
    if f.name ~= own.fields[i].name or f.dataType.id ~= own.fields[i].dataType.id then return own end
  end
  return schema
end

function Sink:addBatch(epoch, batch)
  self.fn(session.localFrame(self.session, batch, schema_of(batch, self.schema)), epoch)
  return batch:count()
end

-- Pieces the function did not take are made after it returns: every row
-- is counted, and an error in the plan fails the batch even when the
-- function caught it.
function Sink:addPieces(epoch, pieces)
  self.fn(session.piecesFrame(self.session, pieces, self.schema), epoch)
  pieces:drain()
  return pieces.rows
end

function Sink:stop() end

return M
