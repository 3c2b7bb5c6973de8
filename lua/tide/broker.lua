-- tide.broker — an embedded Kafka broker for demos and quick tries
-- (librdkafka's mock cluster, in this process):
--
--   local broker = tide.broker.start { partitions = 3 }
--   broker:createTopic("to_predict")        -- 3 partitions, or give a count
--   print(broker:bootstrap())               -- "127.0.0.1:PORT"
--   broker:stop()                           -- also when collected
--
-- It keeps about 5 MB per partition (older records are dropped) and answers
-- no admin requests: create topics with createTopic. Not for benchmarks.
local ffi = require("ffi")
local C = require("tide.ffi")

local M = {}
local Broker = {}
Broker.__index = Broker

local errbuf = ffi.new("char[1024]")

function M.start(spec)
  spec = spec or {}
  local partitions = tonumber(spec.partitions or 1)
  local c = C.tide_broker_start(partitions, errbuf, 1024)
  if c == nil then error(ffi.string(errbuf), 2) end
  return setmetatable({ c = ffi.gc(c, C.tide_broker_stop) }, Broker)
end

function Broker:bootstrap()
  if not self.c then error("the broker is stopped", 2) end
  return ffi.string(C.tide_broker_bootstrap(self.c))
end

function Broker:createTopic(name, partitions)
  if not self.c then error("the broker is stopped", 2) end
  if type(name) ~= "string" then error("createTopic needs a topic name", 2) end
  if C.tide_broker_create_topic(self.c, name, tonumber(partitions or 0), errbuf, 1024) ~= 0 then
    error(ffi.string(errbuf), 2)
  end
  return self
end

function Broker:stop()
  if self.c then
    C.tide_broker_stop(ffi.gc(self.c, nil))
    self.c = nil
  end
end

return M
