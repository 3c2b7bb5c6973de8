-- The memory sink: the rows of every batch kept in the process under the
-- query's name, readable as a batch DataFrame with spark:table(name),
-- which reads the rows there are at each of its actions (tide.session
-- liveFrame). A replayed epoch replaces its own rows, so the table holds
-- each input record once. For tests and the console.
local ffi = require("ffi")
local C = require("tide.ffi")
local batchlib = require("tide.batch")

local M = {}
local Sink = {}
Sink.__index = Sink

function M.new(writer, schema, query)
  if not writer.name then error('the memory sink needs a queryName: writeStream:queryName("name")', 0) end
  -- In complete mode each batch is the whole result: it replaces the
  -- table, as Spark's memory sink does.
  local sink = setmetatable({ epochs = {}, order = {}, schema = schema, description = "MemorySink",
    complete = writer.mode == "complete" }, Sink)
  local session = writer.df._session
  session:registerTable(writer.name, function() return sink:all() end, schema)
  return sink
end

function Sink:addBatch(epoch, batch)
  if self.complete then self.epochs, self.order = {}, {} end
  if not self.epochs[epoch] then self.order[#self.order + 1] = epoch end
  self.epochs[epoch] = batch
  return batch:count()
end

-- Every row so far as one batch.
function Sink:all()
  local list = {}
  for _, e in ipairs(self.order) do list[#list + 1] = self.epochs[e] end
  if #list == 0 then return batchlib.fromRows({}, self.schema) end
  if #list == 1 then return list[1] end
  local arr = ffi.new("tide_batch*[?]", #list, list)
  local errbuf = ffi.new("char[256]")
  return batchlib.wrap(C.tide_batch_concat(arr, #list, errbuf, 256), "memory sink: " .. ffi.string(errbuf))
end

function Sink:stop() end

return M
