-- The socket source, as Spark's (readStream:format("socket")): the lines a
-- TCP server sends, a row each (column "value"; with includeTimestamp,
-- "timestamp": when the line arrived), as Spark's quick example reads
-- `nc -lk 9999`. The connection is made when the query starts; the lines
-- are kept in memory (socket_source.c) until the batch that read them
-- commits.
--
-- As Spark's, it is for trying things out, not fault tolerant: a restarted
-- query reads the lines sent after it connected again. Its offsets are
-- Spark's: the number of the last line read (-1 before the first), a
-- micro-batch reading the lines (start, end].
--   spark.readStream:format("socket"):option("host", "localhost"):option("port", 9999):load()
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")

local M = {}
local Source = {}
Source.__index = Source

-- Spark's options (numPartitions is taken and has no effect here).
M.knownOptions = { "host", "port", "includeTimestamp", "numPartitions" }

local CONNECT_TIMEOUT_MS = 10000

local errbuf = ffi.new("char[512]")
local function cerr() return ffi.string(errbuf) end

function M.stream(options, schema)
  -- (Spark's messages)
  if schema then error("The socket source does not support a user-specified schema.", 0) end
  if not options.host then error('Set a host to read from with option("host", ...).', 0) end
  if not options.port then error('Set a port to read from with option("port", ...).', 0) end
  local port = tostring(options.port)
  if not port:match("^%d+$") or tonumber(port) > 65535 then
    error(('socket source: option port must be a port number, not %q'):format(port), 0)
  end
  local with_ts = tostring(options.includetimestamp or "false"):lower()
  if with_ts ~= "true" and with_ts ~= "false" then
    error('includeTimestamp must be set to either "true" or "false"', 0)
  end
  local fields = { T.field("value", T.string) }
  if with_ts == "true" then fields[2] = T.field("timestamp", T.timestamp) end
  return setmetatable({
    schema = T.struct(fields), host = options.host, port = port, withTimestamp = with_ts == "true",
    description = ("TextSocketV2[host: %s, port: %s]"):format(options.host, port),
  }, Source)
end

function Source:initialOffsets() return -1 end
function Source:serialize(offset) return tostring(offset) end
function Source:deserialize(v) return tonumber(v) end
function Source:toProgress(offset) return offset end
function Source:minOffsets(a, b) return math.min(a, b) end

-- Where the query starts: it connects, and the lines it receives follow
-- `offset` (-1 on a new checkpoint).
function Source:seek(offset)
  if not self.c then
    local c = C.tide_socket_source_open(self.host, self.port, CONNECT_TIMEOUT_MS, errbuf, 512)
    if c == nil then error("socket source: " .. cerr(), 0) end
    self.c = ffi.gc(c, C.tide_socket_source_close)
  end
  self.base = offset
end

-- The offset of the last line received, waiting up to wait_ms for one
-- when none is new (in slices, once the server has closed the connection).
function Source:latestOffsets(_, wait_ms)
  local n = C.tide_socket_source_read(self.c, wait_ms or 0, errbuf, 512)
  if n < 0 then error(cerr(), 0) end
  return self.base + tonumber(n)
end

Source.planEnd = require("tide.sources.rate").planEnd

function Source:getBatch(start, finish)
  if start < self.base or finish > self:latestOffsets(nil, 0) then
    error(("socket source: the checkpoint's batch reads lines %d to %d, which this connection did not receive"
      .. " (the socket source keeps no line across a restart, as Spark's: start the query with a new checkpoint)")
      :format(start + 1, finish), 0)
  end
  local b = C.tide_socket_source_batch(self.c, start - self.base, finish - self.base, self.withTimestamp and 1 or 0,
    errbuf, 512)
  return batchlib.wrap(b, b == nil and cerr() or nil)
end

-- The lines up to finish are done with.
function Source:commit(finish) C.tide_socket_source_drop(self.c, finish - self.base) end

function Source:stop()
  if self.c then
    C.tide_socket_source_close(ffi.gc(self.c, nil))
    self.c = nil
  end
end

return M
