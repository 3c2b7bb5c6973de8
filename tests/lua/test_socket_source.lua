-- The socket source, as Spark's: the lines a TCP server sends, read by
-- Spark's quick example (a word count over `nc -lk 9999`). The server here
-- is a listening socket of the test's own (LuaJIT's FFI over libc).
local ffi = require("ffi")
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

ffi.cdef [[
struct test_sockaddr_in { uint16_t family; uint16_t port; uint32_t addr; uint8_t zero[8]; };
int socket(int domain, int type, int protocol);
int bind(int fd, const void *addr, uint32_t len);
int listen(int fd, int backlog);
int accept(int fd, void *addr, void *len);
int getsockname(int fd, void *addr, uint32_t *len);
long send(int fd, const void *buf, size_t n, int flags);
int close(int fd);
]]
local C = ffi.C

-- A server listening on a free port of 127.0.0.1: server.port, and
-- server:accept(), server:send(text), server:hangUp() for the connection
-- a query made, server:close().
local Server = {}
Server.__index = Server

local function listen()
  local fd = C.socket(2, 1, 0) -- AF_INET, SOCK_STREAM
  assert(fd >= 0, "socket")
  local addr = ffi.new("struct test_sockaddr_in", { family = 2, port = 0, addr = 0x0100007f })
  assert(C.bind(fd, addr, ffi.sizeof(addr)) == 0, "bind")
  assert(C.listen(fd, 4) == 0, "listen")
  local len = ffi.new("uint32_t[1]", ffi.sizeof(addr))
  C.getsockname(fd, addr, len)
  local port = bit.bor(bit.lshift(bit.band(addr.port, 0xff), 8), bit.rshift(addr.port, 8))
  return setmetatable({ fd = fd, port = port }, Server)
end

-- (the query connected when it started: its connection waits in the backlog)
function Server:accept()
  self.conn = C.accept(self.fd, nil, nil)
  assert(self.conn >= 0, "accept")
end
function Server:send(text) assert(C.send(self.conn, text, #text, 0) == #text, "send") end
function Server:hangUp()
  C.close(self.conn)
  self.conn = nil
end
function Server:close()
  if self.conn then self:hangUp() end
  C.close(self.fd)
end

local function socket_stream(port, options)
  local r = spark.readStream:format("socket"):option("host", "127.0.0.1"):option("port", port)
  for k, v in pairs(options or {}) do r = r:option(k, v) end
  return r:load()
end

local function sorted(rows)
  table.sort(rows)
  return rows
end

t.test("Spark's quick example: a word count over the lines a server sends, in complete mode", function()
  local server = listen()
  local lines = socket_stream(server.port)
  t.same_table(lines.columns, { "value" })
  t.ok(lines.isStreaming, "a stream")
  local words = lines:select(F.explode(F.split(lines.value, " ")):alias("word"))
  local q = words:groupBy("word"):count().writeStream:outputMode("complete"):format("memory")
    :queryName("socket_words"):start()
  server:accept()
  server:send("apache spark\napache hadoop\n")
  q:processAllAvailable()
  t.same_table(sorted(t.rows(spark:table("socket_words"))), { "apache|2", "hadoop|1", "spark|1" })
  server:send("spark streaming\n")
  q:processAllAvailable()
  t.same_table(sorted(t.rows(spark:table("socket_words"))), { "apache|2", "hadoop|1", "spark|2", "streaming|1" })
  -- Spark's offsets: the number of the last line read
  local p = q:lastProgress()
  t.eq(p.sources[1].description, ("TextSocketV2[host: 127.0.0.1, port: %d]"):format(server.port))
  t.same_table({ p.sources[1].startOffset, p.sources[1].endOffset, p.numInputRows }, { 1, 2, 1 })
  q:stop()
  server:close()
end)

t.test("lines end at \\n, \\r or \\r\\n; with includeTimestamp each has when it arrived", function()
  local server = listen()
  local before = os.time()
  local q = socket_stream(server.port, { includeTimestamp = true }).writeStream:format("memory")
    :queryName("socket_lines"):start()
  server:accept()
  server:send("one\r\ntwo\rthree\n\nfour")
  -- a last line without its end is a line once the server hangs up
  server:hangUp()
  q:processAllAvailable()
  local rows = spark:table("socket_lines"):select("value", F.unix_timestamp("timestamp"):alias("at")):collect()
  local values = {}
  for i, r in ipairs(rows) do
    values[i] = r.value
    t.ok(r.at >= before and r.at <= os.time(), "arrived while the test ran")
  end
  t.same_table(values, { "one", "two", "three", "", "four" })
  t.same_table(spark:table("socket_lines").columns, { "value", "timestamp" })
  q:stop()
  server:close()
end)

t.test("a restarted query reads the lines sent after it connected again, its offsets going on", function()
  local server = listen()
  local cp, seen = t.tempdir() .. "/cp", {}
  local function start()
    return socket_stream(server.port).writeStream:foreachBatch(function(batch, epoch)
      for _, r in ipairs(t.rows(batch)) do seen[#seen + 1] = epoch .. ":" .. r end
    end):option("checkpointLocation", cp):start()
  end
  local q = start()
  server:accept()
  server:send("a\nb\n")
  q:processAllAvailable()
  q:stop()
  server:hangUp()
  q = start()
  server:accept()
  server:send("c\n")
  q:processAllAvailable()
  q:stop()
  t.same_table(seen, { "0:a", "0:b", "1:c" })
  t.eq(t.read(cp .. "/offsets/1"):match("\n([^\n]*)$"), "2")
  server:close()
end)

t.test("the socket source's options and its connection fail clearly", function()
  local server = listen()
  t.raises_at_caller({
    { function() local df = spark.readStream:format("socket"):option("port", 1):load(); return df end,
      'Set a host to read from with option("host", ...).' },
    { function() local df = spark.readStream:format("socket"):option("host", "x"):load(); return df end,
      'Set a port to read from with option("port", ...).' },
    { function() local df = socket_stream(server.port, { includeTimestamp = "yes" }); return df end,
      'includeTimestamp must be set to either "true" or "false"' },
    { function() local df = socket_stream("nine"); return df end, 'option port must be a port number, not "nine"' },
    { function()
        local df = spark.readStream:format("socket"):schema("value string"):option("host", "x"):option("port", 1)
          :load()
        return df
      end, "The socket source does not support a user-specified schema." },
    { function() local df = spark.read:format("socket"):load(); return df end,
      'format "socket" cannot be read as a batch' },
  })
  server:close()
  -- nothing listens there now
  local err = t.raises(function() socket_stream(server.port).writeStream:format("console"):start() end)
  t.has(err, ("socket source: cannot connect to 127.0.0.1:%d: Connection refused"):format(server.port))
end)

t.run()
