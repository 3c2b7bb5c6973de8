-- tide.pg — PostgreSQL from Lua.
--
--   local pg = require("tide.pg")
--   local df = pg.query("postgresql://localhost/postgres", "SELECT * FROM t WHERE id > $1", 10)
--   pg.execute(conninfo, "CREATE TABLE t (id bigint)")      -- rows changed
--   pg.conninfo{ url = "jdbc:postgresql://host:5432/db?user=u", password = "..." }
--   pg.quoteIdent('we"ird'), pg.tableName("Sales.Orders")
--
-- A conninfo is anything libpq takes (a "key=value" string or a
-- postgresql:// URI); libpq's environment (PGHOST, PGPASSWORD, PGSERVICE,
-- ...) and ~/.pgpass fill in what it leaves out. Spark's JDBC options
-- (url = "jdbc:postgresql://...", user, password) become one. Connections
-- are kept per conninfo and reused; the C side keeps each one's TimeZone
-- at the session time zone (spark.sql.session.timeZone), setting it again
-- before a statement once that changed. Statements run in C; their rows come
-- back as one columnar batch (types in engine/ffi/pg.h). Error messages
-- name the server (never the password) and carry PostgreSQL's SQLSTATE.
local ffi = require("ffi")
local C = require("tide.ffi")
local batchlib = require("tide.batch")

local M = {}

local ERRLEN = 2048
local errbuf = ffi.new("char[?]", ERRLEN)

-- ---- conninfo ------------------------------------------------------------------

local function kv_quote(v)
  return "'" .. tostring(v):gsub("[\\']", "\\%0") .. "'"
end

-- "%40" as "@"; nil for a '%' not followed by two hex digits.
local function percent_decode(s)
  if s:find("%%%X") or s:find("%%%x%X") or s:find("%%%x?$") then return nil end
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

-- JDBC URL parameters libpq knows under another name; others (loglevel,
-- prepareThreshold, ...) concern the Java driver alone and are dropped.
local JDBC_PARAMS = {
  user = "user", password = "password", sslmode = "sslmode", sslcert = "sslcert",
  sslkey = "sslkey", sslrootcert = "sslrootcert", applicationname = "application_name",
  connecttimeout = "connect_timeout", options = "options", gssencmode = "gssencmode",
}

local SSLMODES = { disable = true, allow = true, prefer = true, require = true, ["verify-ca"] = true,
                   ["verify-full"] = true }
local SSLMODE_NAMES = "disable, allow, prefer, require, verify-ca, verify-full"

-- What is wrong with a port's text, or nil when it is one (1-65535).
local function bad_port(p)
  if p == "" then return "the port after ':' is empty" end
  local n = p:match("^%d+$") and tonumber(p)
  if not n or n < 1 or n > 65535 then return ("port %q is not a port number (1-65535)"):format(p) end
end

-- The URL as errors show it: without the password (a parameter, or a
-- user:password@ before the host).
local function shown_url(url)
  local head, query = url:match("^([^?]*)%??(.*)$")
  head = head:gsub("^([^/]*//[^/@:]*):[^/@]*@", "%1@")
  local kept = {}
  for pair in query:gmatch("[^&]+") do
    local key = pair:match("^[^=]*")
    if (percent_decode(key) or key):lower() ~= "password" then kept[#kept + 1] = pair end
  end
  return head .. (#kept > 0 and ("?" .. table.concat(kept, "&")) or "")
end

local JDBC_FORM = "jdbc:postgresql://host[:port][/database][?user=...&password=...]"

-- Fails naming the URL (without its password) and what is wrong with it.
local function bad_url(url, what)
  error(("invalid JDBC URL %q: %s (expected %s)"):format(shown_url(url), what, JDBC_FORM), 0)
end

-- The hosts and ports of a URL's authority ("h1:5432,[::1]:5433").
local function parse_hosts(url, authority)
  if authority == "" then bad_url(url, "no host after '//'") end
  if authority:find("@", 1, true) then
    bad_url(url, "user and password go in the parameters (?user=...&password=...) or in the options user and"
      .. " password, not before the host")
  end
  local hosts, ports = {}, {}
  for hostport in (authority .. ","):gmatch("([^,]*),") do
    local host, port
    if hostport:sub(1, 1) == "[" then
      local rest
      host, rest = hostport:match("^%[([^%]]*)%](.*)$")
      if not host or host == "" then bad_url(url, ("IPv6 address %q is not closed by ']'"):format(hostport)) end
      port = rest:match("^:(.*)$")
      if rest ~= "" and not port then bad_url(url, ("unexpected %q after the IPv6 address [%s]"):format(rest, host)) end
    else
      host, port = hostport:match("^([^:]*):(.*)$")
      host = host or hostport
      if port and port:find(":", 1, true) then
        bad_url(url, ("%q: an IPv6 address goes in brackets, as [::1]:5432"):format(hostport))
      end
      if host == "" then bad_url(url, ("empty host in %q"):format(authority)) end
      if not host:match("^[%w%.%-_]+$") then bad_url(url, ("host %q is not a host name or an IP address"):format(host)) end
    end
    local wrong = port and bad_port(port)
    if wrong then bad_url(url, wrong) end
    hosts[#hosts + 1], ports[#ports + 1] = host, port or "5432"
  end
  return hosts, ports
end

-- "jdbc:postgresql://h1:5432,h2/db?user=u&ssl=true" as libpq keywords, as
-- PostgreSQL's JDBC driver reads it; anything it would not take fails
-- here, before a connection is tried (a port of "54x2" must not quietly
-- become localhost:5432).
local function from_jdbc(url)
  if url:find("^%s") or url:find("%s$") then bad_url(url, "white space at its start or end") end
  local rest = url:match("^jdbc:postgresql:(.*)$")
  if not rest then
    local sub = url:match("^jdbc:([^:/]*)")
    if sub and sub:lower():match("^postgres") then
      bad_url(url, ("the subprotocol is %q; PostgreSQL's is \"postgresql\""):format(sub))
    end
    bad_url(url, ("tide reads and writes PostgreSQL only, not %q"):format(sub or url:match("^jdbc:[^/?]*") or url))
  end
  local path, query = rest:match("^([^?]*)%??(.*)$")
  local hosts, ports, dbname
  local authority, db = path:match("^//([^/]*)(.*)$")
  if authority then
    hosts, ports = parse_hosts(url, authority)
    dbname = db:gsub("^/", "", 1)
  else
    if path == "" then bad_url(url, "neither //host nor a database after 'jdbc:postgresql:'") end
    if path:find("[/:]") then bad_url(url, "the host needs '//' before it") end
    hosts, ports, dbname = { "localhost" }, { "5432" }, path
  end
  if dbname:find("/", 1, true) then bad_url(url, ("database name %q holds a '/'"):format(dbname)) end
  local decoded = percent_decode(dbname)
  if not decoded then bad_url(url, ("database name %q: '%%' must start a %%XX escape"):format(dbname)) end
  local parts = { "host=" .. kv_quote(table.concat(hosts, ",")), "port=" .. kv_quote(table.concat(ports, ",")) }
  if decoded ~= "" then parts[#parts + 1] = "dbname=" .. kv_quote(decoded) end
  local ssl, sslmode, schema
  for pair in query:gmatch("[^&]+") do
    local rawkey, rawvalue = pair:match("^([^=]*)=?(.*)$")
    local k, v = percent_decode(rawkey), percent_decode(rawvalue)
    if not (k and v) then bad_url(url, ("parameter %q: '%%' must start a %%XX escape"):format(rawkey)) end
    k = k:lower()
    if k == "" then bad_url(url, ("parameter %q has no name"):format(pair)) end
    if k == "ssl" then
      -- (the driver takes a bare "ssl" as true)
      if v ~= "" and v:lower() ~= "true" and v:lower() ~= "false" then
        bad_url(url, ("parameter ssl must be true or false, not %q"):format(v))
      end
      ssl = v:lower() ~= "false"
    elseif k == "sslmode" and not SSLMODES[v] then
      bad_url(url, ("parameter sslmode must be one of %s, not %q"):format(SSLMODE_NAMES, v))
    elseif k == "connecttimeout" and not v:match("^%d+$") then
      bad_url(url, ("parameter connectTimeout must be a whole number of seconds, not %q"):format(v))
    elseif k == "currentschema" then
      schema = v
    end
    if JDBC_PARAMS[k] then
      if k == "sslmode" then sslmode = v end
      parts[#parts + 1] = JDBC_PARAMS[k] .. "=" .. kv_quote(v)
    end
  end
  if ssl and not sslmode then parts[#parts + 1] = "sslmode='require'" end
  if schema then parts[#parts + 1] = "options=" .. kv_quote("-c search_path=" .. schema:gsub("[ \\]", "\\%0")) end
  return table.concat(parts, " ")
end

-- One buffer for every call: a stream normalizes its conninfo twice a
-- micro-batch, and a fresh 8 KB buffer each time was most of the garbage a
-- small batch's PostgreSQL write left the collector.
local CONNINFO_MAX = 8192
local conninfo_buf = ffi.new("char[?]", CONNINFO_MAX)

local function normalize(conninfo, user, password, redact)
  local n = C.tide_pg_conninfo(conninfo, user, password, redact and 1 or 0, conninfo_buf, CONNINFO_MAX, errbuf,
    ERRLEN)
  if n < 0 then error(ffi.string(errbuf), 0) end
  return ffi.string(conninfo_buf, n)
end

-- The keywords of a conninfo as normalize writes it (key='value', with
-- backslash escapes).
local function keywords(conninfo)
  local escaped = conninfo:gsub("\\(.)", function(c) return ("\0%03d"):format(c:byte()) end)
  local out = {}
  for k, v in escaped:gmatch("([%w_]+)='([^']*)'") do
    out[k] = v:gsub("%z(%d%d%d)", function(d) return string.char(tonumber(d)) end)
  end
  return out
end

-- libpq looks at the values of a conninfo or URI only when it connects:
-- the ones it would refuse fail here instead, where the options are given.
local function check_values(conninfo)
  local kw = keywords(conninfo)
  local wrong
  for p in ((kw.port or "") .. ","):gmatch("([^,]*),") do
    if p ~= "" then wrong = wrong or bad_port(p) end
  end
  if kw.sslmode and not SSLMODES[kw.sslmode] then
    wrong = ("sslmode must be one of %s, not %q"):format(SSLMODE_NAMES, kw.sslmode)
  end
  if kw.connect_timeout and not kw.connect_timeout:match("^%s*%-?%d+%s*$") then
    wrong = ("connect_timeout must be a whole number of seconds, not %q"):format(kw.connect_timeout)
  end
  if wrong then error(("invalid PostgreSQL connection string [%s]: %s"):format(M.redact(conninfo), wrong), 0) end
end

-- The libpq conninfo of a string (conninfo, URI or JDBC URL), or of Spark's
-- options {url = ..., user = ..., password = ...} (keys in any case).
function M.conninfo(spec, user, password)
  local url = spec
  if type(spec) == "table" then
    local opts = {}
    for k, v in pairs(spec) do opts[tostring(k):lower()] = v end
    url, user, password = opts.url, user or opts.user, password or opts.password
    if url == nil then error("Option 'url' is required (e.g. jdbc:postgresql://localhost:5432/postgres)", 0) end
  end
  url = tostring(url or "")
  if url:match("^jdbc:") then url = from_jdbc(url) end
  local conninfo = normalize(url, user and tostring(user), password and tostring(password), false)
  check_values(conninfo)
  return conninfo
end

-- The conninfo with its password left out, for messages.
function M.redact(conninfo)
  local ok, text = pcall(normalize, conninfo, nil, nil, true)
  return ok and text or "(invalid connection string)"
end

-- ---- identifiers ---------------------------------------------------------------

function M.quoteIdent(name)
  name = tostring(name)
  if name == "" or name:find("\0", 1, true) then error(("invalid identifier %q"):format(name), 2) end
  return '"' .. name:gsub('"', '""') .. '"'
end

-- The parts of a table name as PostgreSQL reads it: "Sales.Orders" is
-- sales.orders (unquoted parts fold to lower case), '"Sales"."Orders"' keeps
-- its case, and anything inside quotes (dots, spaces, quotes doubled) is
-- one part. Returns the parts and the quoted, qualified name.
function M.tableName(text)
  text = tostring(text or "")
  local parts, i, n = {}, 1, #text
  while true do
    while text:sub(i, i):match("%s") do i = i + 1 end
    local part
    if text:sub(i, i) == '"' then
      local buf = {}
      i = i + 1
      while true do
        if i > n then error(("table name %q: unterminated quoted identifier"):format(text), 0) end
        local ch = text:sub(i, i)
        if ch == '"' then
          if text:sub(i + 1, i + 1) == '"' then buf[#buf + 1] = '"'; i = i + 2 else i = i + 1; break end
        else
          buf[#buf + 1] = ch; i = i + 1
        end
      end
      part = table.concat(buf)
    else
      local j = i
      while j <= n and text:sub(j, j) ~= "." do j = j + 1 end
      part = text:sub(i, j - 1):gsub("%s+$", ""):lower()
      i = j
    end
    if part == "" then error(("table name %q has an empty part"):format(text), 0) end
    parts[#parts + 1] = part
    while text:sub(i, i):match("%s") do i = i + 1 end
    if i > n then break end
    if text:sub(i, i) ~= "." then error(("table name %q: unexpected text after a quoted identifier"):format(text), 0) end
    i = i + 1
  end
  if #parts > 3 then error(("table name %q has more than three parts"):format(text), 0) end
  local quoted = {}
  for k, p in ipairs(parts) do quoted[k] = M.quoteIdent(p) end
  return parts, table.concat(quoted, ".")
end

-- ---- connections -----------------------------------------------------------------

local Connection = {}
Connection.__index = Connection

local pool = {} -- conninfo -> Connection

local function params_of(...)
  local n = select("#", ...)
  local args = { ... }
  if n == 1 and type(args[1]) == "table" then
    args = args[1]
    n = args.n or #args
  end
  local arr = ffi.new("const char*[?]", math.max(n, 1))
  local keep = {}
  for i = 1, n do
    local v = args[i]
    if v ~= nil then
      if type(v) == "boolean" then v = v and "true" or "false"
      elseif type(v) == "number" then
        v = (v == math.floor(v) and math.abs(v) < 2 ^ 63) and ("%d"):format(v) or ("%.17g"):format(v)
      elseif type(v) == "cdata" then v = tostring(v):gsub("U?LL$", "")
      else v = tostring(v) end
      keep[i] = v
      arr[i - 1] = v
    end
  end
  return n, arr, keep
end

-- A connection of its own (not pooled); raises on failure.
function M.open(conninfo)
  local ptr = C.tide_pg_connect(conninfo, errbuf, ERRLEN)
  if ptr == nil then error(ffi.string(errbuf), 0) end
  return setmetatable({ ptr = ffi.gc(ptr, C.tide_pg_close), conninfo = conninfo }, Connection)
end

-- The pooled connection for conninfo (one per server, database and user,
-- however the conninfo is spelled), reconnecting when it was lost.
-- Statements share one connection, so a transaction a script opens with
-- pg.execute(ci, "BEGIN") spans its later calls. Writers (purpose
-- "write") have a connection of their own and get it outside any
-- transaction.
function M.connect(conninfo, purpose)
  conninfo = normalize(conninfo, nil, nil, false)
  local key = purpose and (conninfo .. "\0" .. purpose) or conninfo
  local c = pool[key]
  if c and c:alive() and not (purpose and c:inTransaction()) then return c end
  if c then c:close() end
  pool[key] = nil
  c = M.open(conninfo)
  pool[key] = c
  return c
end

-- Drops every pooled connection (tests, and after a fork).
function M.closeAll()
  for k, c in pairs(pool) do c:close(); pool[k] = nil end
end

function Connection:alive() return self.ptr ~= nil and C.tide_pg_alive(self.ptr) ~= 0 end
function Connection:inTransaction() return C.tide_pg_in_transaction(self.ptr) ~= 0 end
function Connection:sqlstate() return ffi.string(C.tide_pg_sqlstate(self.ptr)) end

function Connection:close()
  if self.ptr ~= nil then
    C.tide_pg_close(ffi.gc(self.ptr, nil))
    self.ptr = nil
  end
end

-- A failed call's error: a table {message=, sqlstate=, lost=} raised as
-- such, so callers can tell a lost connection (retry) from a server error.
local PgError = {}
PgError.__index = PgError
PgError.__tostring = function(e) return e.message end
M.PgError = PgError

local function pg_error(conn, message)
  return setmetatable({ message = message, sqlstate = conn:sqlstate(), lost = not conn:alive() }, PgError)
end

local function raise(conn, message) error(pg_error(conn, message), 0) end

function M.isLost(err) return getmetatable(err) == PgError and err.lost end
-- A prepared statement the server no longer knows (SQLSTATE 26000).
function M.isForgotten(err) return getmetatable(err) == PgError and err.sqlstate == "26000" end

-- Rows of one statement as a batch, and the rows it returned or changed.
function Connection:exec(sql, ...)
  if self.ptr == nil then error("PostgreSQL connection is closed", 2) end
  local n, arr, keep = params_of(...)
  local affected = ffi.new("int64_t[1]")
  local b = C.tide_pg_exec(self.ptr, sql, n, arr, affected, errbuf, ERRLEN)
  local _ = keep
  if b == nil then raise(self, ffi.string(errbuf)) end
  return batchlib.wrap(b), tonumber(affected[0])
end

-- The named statement sql is prepared as (or is to be) on this connection:
-- {name =, ready = whether it is prepared}; nil once the connection stopped
-- preparing (the server forgot a statement: DISCARD ALL, a
-- transaction-pooling proxy).
function Connection:statement(sql)
  if self.noPrepare then return nil end
  self.prepared = self.prepared or {}
  local st = self.prepared[sql]
  if not st then
    self.numPrepared = (self.numPrepared or 0) + 1
    st = { name = "tide_stmt_" .. self.numPrepared, ready = false }
    self.prepared[sql] = st
  end
  return st
end

-- Drops what is known of sql's statement: the next use prepares it under a
-- new name (when a PREPARE may or may not have run).
function Connection:forgetStatement(sql)
  if self.prepared then self.prepared[sql] = nil end
end

-- As exec, in one round trip (exec takes three: prepare, describe,
-- execute), with the rows in text format: for small results whose cost is
-- round trips and planning, as a sink's catalog and marker queries once
-- per micro-batch. With prepared true the statement is prepared on this
-- connection the first time (then only executed: planned once). Without
-- parameters sql may hold several statements (the simple protocol): the
-- rows are the last one's.
function Connection:execText(sql, prepared, ...)
  if self.ptr == nil then error("PostgreSQL connection is closed", 2) end
  local name
  local st = prepared and self:statement(sql)
  if st then
    if not st.ready then
      if C.tide_pg_prepare(self.ptr, st.name, sql, errbuf, ERRLEN) ~= 0 then raise(self, ffi.string(errbuf)) end
      st.ready = true
    end
    name = st.name
  end
  local n, arr, keep = params_of(...)
  local affected = ffi.new("int64_t[1]")
  local b = C.tide_pg_exec_text(self.ptr, name, sql, n, arr, affected, errbuf, ERRLEN)
  local _ = keep
  if b == nil then
    -- The server forgot a prepared statement: stop preparing here.
    if self:sqlstate() == "26000" then self.prepared, self.noPrepare = nil, true end
    raise(self, ffi.string(errbuf))
  end
  return batchlib.wrap(b), tonumber(affected[0])
end

-- A value as an SQL literal for the simple protocol (an E'' string, so
-- that it reads the same whatever standard_conforming_strings is); nil is
-- NULL.
function M.literal(v)
  if v == nil then return "NULL" end
  if type(v) == "cdata" then return (tostring(v):gsub("U?LL$", "")) end -- an int64
  if type(v) == "number" then
    if v ~= math.floor(v) or math.abs(v) >= 2 ^ 63 then error("literal: not an integer: " .. tostring(v), 2) end
    return ("%d"):format(v)
  end
  return "E'" .. tostring(v):gsub("\\", "\\\\"):gsub("'", "''") .. "'"
end

-- Runs a command (several, ';'-separated, without parameters); returns
-- the rows the last one changed.
function Connection:command(sql, ...)
  if self.ptr == nil then error("PostgreSQL connection is closed", 2) end
  local n, arr, keep = params_of(...)
  local rows = C.tide_pg_command(self.ptr, sql, n, arr, errbuf, ERRLEN)
  local _ = keep
  if rows < 0 then raise(self, ffi.string(errbuf)) end
  return tonumber(rows)
end

-- A failed COPY step's error, with copyRow: the row (from 1, counted
-- from the COPY's first) that failed, when tide or the server named one.
local function raise_copy(conn, message)
  local err = pg_error(conn, message)
  local row = tonumber(C.tide_pg_copy_error_row(conn.ptr))
  if row > 0 then err.copyRow = row end
  error(err, 0)
end

-- After a COPY ended: what it replaced in text values (invalid UTF-8 ->
-- U+FFFD, as Spark's JDBC writer does), {count, row, column} of the first,
-- in conn.replaced; nil when nothing.
local function note_replaced(conn)
  local row, column = ffi.new("int64_t[1]"), ffi.new("const char *[1]")
  local n = tonumber(C.tide_pg_copy_replaced(conn.ptr, row, column))
  conn.replaced = n > 0 and { count = n, row = tonumber(row[0]), column = ffi.string(column[0]) } or nil
end

-- COPY ... FROM STDIN (FORMAT binary) of batch columns `columns` (1-based
-- indices) as PostgreSQL types `oids`. Returns the rows copied; what it
-- replaced is in self.replaced (note_replaced).
function Connection:copy(sql, batch, columns, oids)
  local k = #columns
  local cols, types = ffi.new("int32_t[?]", k), ffi.new("uint32_t[?]", k)
  for i = 1, k do cols[i - 1], types[i - 1] = columns[i] - 1, oids[i] end
  self.replaced = nil
  local rows = C.tide_pg_copy(self.ptr, sql, batch, k, cols, types, errbuf, ERRLEN)
  if rows < 0 then raise_copy(self, ffi.string(errbuf)) end
  note_replaced(self)
  return tonumber(rows)
end

-- The same COPY in steps: copyBegin(sql), copyRows(batch, columns, oids)
-- for each batch (its rows are sent at once; returns their count), then
-- copyEnd() -> the rows copied. A failed step ends the COPY; copyAbort(why)
-- ends one that the caller gives up (no-op when none is in progress).
function Connection:copyBegin(sql)
  self.replaced = nil
  if C.tide_pg_copy_begin(self.ptr, sql, errbuf, ERRLEN) ~= 0 then raise(self, ffi.string(errbuf)) end
end

function Connection:copyRows(batch, columns, oids)
  local k = #columns
  local cols, types = ffi.new("int32_t[?]", k), ffi.new("uint32_t[?]", k)
  for i = 1, k do cols[i - 1], types[i - 1] = columns[i] - 1, oids[i] end
  local rows = C.tide_pg_copy_rows(self.ptr, batch, k, cols, types, errbuf, ERRLEN)
  if rows < 0 then raise_copy(self, ffi.string(errbuf)) end
  return tonumber(rows)
end

function Connection:copyEnd()
  local rows = C.tide_pg_copy_end(self.ptr, errbuf, ERRLEN)
  if rows < 0 then raise_copy(self, ffi.string(errbuf)) end
  note_replaced(self)
  return tonumber(rows)
end

function Connection:copyAbort(why)
  if self.ptr ~= nil then C.tide_pg_copy_abort(self.ptr, why) end
end

-- ---- one-shot statements -----------------------------------------------------------

local function with_context(conninfo, err)
  local where = M.redact(conninfo or "")
  if where == "" then return tostring(err) end
  return ("%s [%s]"):format(tostring(err), where)
end

-- Runs one statement; raises the error with the server named.
local function run(conninfo, fn)
  local ok, conn = pcall(M.connect, conninfo)
  if not ok then error(with_context(conninfo, conn), 0) end
  local ok2, a, b = pcall(fn, conn)
  if not ok2 then error(with_context(conninfo, a), 0) end
  return a, b
end

-- The rows of one statement as one batch (its parameters are $1, $2, ...).
function M.queryBatch(conninfo, sql, ...)
  local args = { n = select("#", ...), ... }
  return run(conninfo, function(conn) return conn:exec(sql, args) end)
end

-- The rows of one statement as a batch DataFrame. The statement runs now,
-- once; the DataFrame holds its rows. Also returns the rows it changed.
function M.query(conninfo, sql, ...)
  local b, affected = M.queryBatch(conninfo, sql, ...)
  local session = require("tide.session")
  return session.localFrame(session.session(), b), affected
end

-- Runs commands for their effect; returns the rows the last one changed.
function M.execute(conninfo, sql, ...)
  local args = { n = select("#", ...), ... }
  return run(conninfo, function(conn) return conn:command(sql, args) end)
end

return M
