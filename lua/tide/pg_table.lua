-- tide.pg_table — one batch into a PostgreSQL table, in one transaction:
--
--   BEGIN [; CREATE TABLE IF NOT EXISTS the marker table]
--   [claim the epoch: insert its marker row (query id, target, epoch id,
--    seq) unless there (then the epoch is skipped)] and read the table's
--    columns, in one statement (with BEGIN, one round trip)
--   [CREATE TABLE from the batch's schema | DROP + CREATE | TRUNCATE]
--   check that every column fits the table (before any row is sent)
--   COPY ... FROM STDIN (FORMAT binary)          -- engine/pg_copy.c; pieces
--                                                   sent as they are made
--   COMMIT
--
-- With a marker the write is exactly once: rows and marker commit
-- together, and a replayed epoch finds its marker and writes nothing. A
-- lost connection is retried (maxRetries, retryDelayMs doubling); any other
-- error rolls the transaction back and is raised, naming the table.
local C = require("tide.ffi")
local columns = require("tide.pg_columns")
local pg = require("tide.pg")

local M = {}

M.DEFAULT_COMMIT_TABLE = "tide_commits"
-- Markers older than this many epochs are deleted (a replay only ever
-- concerns the newest epoch).
local KEEP_EPOCHS = 100

-- ---- save modes (Spark's SaveMode) ---------------------------------------------------

local MODES = { append = "append", overwrite = "overwrite", ignore = "ignore",
                error = "errorifexists", errorifexists = "errorifexists", default = "errorifexists" }

function M.mode(name)
  local m = MODES[tostring(name):lower()]
  if not m then
    error(("unknown save mode %q (append, overwrite, ignore, error, errorifexists)"):format(tostring(name)), 0)
  end
  return m
end

-- ---- reading the table --------------------------------------------------------------

-- The table's columns with their base types (domains resolved); none when
-- the table ($1) does not exist.
local COLUMNS = [[
SELECT a.attnum, a.attname::text AS name,
       (CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END)::int8 AS oid,
       (CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END) AS typmod,
       format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS notnull,
       (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS hasdefault,
       a.atttypid::int8 AS declared_oid, a.atttypmod AS declared_typmod
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = to_regclass($1::text) AND a.attnum > 0 AND NOT a.attisdropped]]

-- Whether the table exists and its columns (one row of NULLs when it has
-- none), in one statement.
local TABLE_INFO = [[
SELECT to_regclass($1::text) IS NOT NULL AS table_exists, c.*
FROM (SELECT 1) AS one LEFT JOIN (]] .. COLUMNS .. [[) AS c ON true
ORDER BY c.attnum]]

-- As TABLE_INFO, and the epoch claimed: its marker row ($2, $4, $5,
-- num_rows $6) is inserted unless one is there already (claimed 0: the
-- epoch was written before). Data-modifying CTEs run once, whatever the
-- query reads. A marker names the table as PostgreSQL resolves it,
-- schema.table (target_name), so that "t", "public.t" and "T" are one
-- table; one that does not exist yet is named where CREATE TABLE will put
-- it (schema $7, or the current schema; name $8). Markers written before
-- named the table as it was given ($3), which a replay still finds.
local function claim_sql(commits)
  return ([[
WITH target AS (
  SELECT COALESCE(
    (SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1::text)),
    quote_ident(CASE WHEN $7::text = '' THEN current_schema() ELSE $7::text END) || '.' || quote_ident($8::text),
    $3::text) AS name),
found AS (
  SELECT 1 FROM %s WHERE query_id = $2::text AND target IN ((SELECT name FROM target), $3::text)
    AND epoch_id = $4::int8 AND seq = $5::int4),
claim AS (
  INSERT INTO %s (query_id, target, epoch_id, seq, num_rows)
  SELECT $2::text, (SELECT name FROM target), $4::int8, $5::int4, $6::int8 WHERE NOT EXISTS (SELECT 1 FROM found)
  RETURNING 1)
SELECT (SELECT count(*) FROM claim) AS claimed, (SELECT name FROM target) AS target_name,
       to_regclass($1::text) IS NOT NULL AS table_exists, c.*
FROM (SELECT 1) AS one LEFT JOIN (]] .. COLUMNS .. [[) AS c ON true
ORDER BY c.attnum]]):format(commits, commits)
end

-- ---- the transaction ------------------------------------------------------------------

local function commit_table_sql(name)
  return "CREATE TABLE IF NOT EXISTS " .. name .. [[ (
  query_id text NOT NULL,
  target text NOT NULL,
  epoch_id bigint NOT NULL,
  seq integer NOT NULL DEFAULT 0,
  num_rows bigint,
  committed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (query_id, target, epoch_id, seq))]]
end

-- Runs `prefix` (statements without rows: BEGIN, ...) and then the
-- statement sql with parameters args (their types, for its PREPARE, in
-- types) in one round trip: through the simple protocol, as EXECUTE of a
-- statement prepared on this connection (planned once), PREPAREd in the
-- same round trip the first time. A connection that does not prepare runs
-- the prefix and then sql, in two round trips. Returns sql's rows.
local function after(conn, prefix, sql, types, args)
  local st = conn:statement(sql)
  if not st then
    conn:command(prefix)
    return conn:execText(sql, false, args)
  end
  local lits = {}
  for i = 1, args.n do lits[i] = pg.literal(args[i]) end
  local text = { prefix }
  if not st.ready then text[#text + 1] = ("PREPARE %s (%s) AS %s"):format(st.name, types, sql) end
  text[#text + 1] = ("EXECUTE %s(%s)"):format(st.name, table.concat(lits, ", "))
  local ok, rows = pcall(conn.execText, conn, table.concat(text, "; "), false)
  if ok then
    st.ready = true
  elseif not st.ready then
    conn:forgetStatement(sql) -- whether its PREPARE ran is unknown: a new name next time
  end
  if not ok then error(rows, 0) end
  return rows
end

-- The columns of TABLE_INFO's rows (none: the row of NULLs).
local function columns_of(info)
  local cols = {}
  for _, r in ipairs(info) do
    if r.name ~= nil then
      cols[#cols + 1] = { name = r.name, oid = tonumber(r.oid), typmod = tonumber(r.typmod), type = r.type,
                          notnull = r.notnull, hasdefault = r.hasdefault,
                          declared = { tonumber(r.declared_oid), tonumber(r.declared_typmod) } }
    end
  end
  return cols
end

-- ---- where a failed row is ----------------------------------------------------------

-- Where row i (0-based) of batch b came from, when its rows carry it: a
-- Kafka record's topic, partition and offset columns (kept by the plan
-- and written to the table); nil otherwise (nothing is guessed).
local function provenance(b, i)
  local has = {}
  for _, name in ipairs(b:columnNames()) do has[name] = true end
  if not (has.partition and has.offset) then return nil end
  local ok, text = pcall(function()
    local partition, offset = b:column("partition"):get(i), b:column("offset"):get(i)
    if type(partition) ~= "number" or (type(offset) ~= "number" and type(offset) ~= "cdata") then return nil end
    local topic = has.topic and b:column("topic"):get(i)
    return ("%spartition %d offset %s"):format(type(topic) == "string" and ("topic " .. topic .. " ") or "",
      partition, tostring(offset):gsub("U?LL$", ""))
  end)
  return ok and text or nil
end

-- A COPY's error naming its row (err.copyRow, from 1): where that row is,
-- err.where = {row =, provenance =}, from the batch the COPY sent
-- (`batch`), or from the pieces (`sizes`: the rows of each piece with
-- rows, by piece number; `pieces`: the function giving them again).
local function locate(err, batch, sizes, pieces)
  if type(err) ~= "table" or not err.copyRow or err.where then return end
  local row = err.copyRow
  err.where = { row = row }
  if batch then
    if row <= batch:count() then err.where.provenance = provenance(batch, row - 1) end
    return
  end
  local before = 0
  for _, size in ipairs(sizes) do
    if row <= before + size.rows then
      -- Made again when a plan over the pieces does not keep them (on
      -- this error's path only).
      local ok, b = pcall(pieces, size.k)
      if ok and b then err.where.provenance = provenance(b, row - before - 1) end
      return
    end
    before = before + size.rows
  end
end

-- COPY of the batches pieces(1), pieces(2), ... until nil, each sent as
-- soon as it is made, so that the server stores one while the next is
-- computed; begun at the first piece with rows. Returns the rows copied
-- and whether a COPY began.
local function copy_pieces(conn, copy_sql, pieces, indices, oids)
  local copying = false
  local sizes = {} -- {k, rows} of each piece copied, in order, for locate
  local ok, err = pcall(function()
    local k = 1
    while true do
      local b = pieces(k)
      if b == nil then break end
      if b:count() > 0 then
        if not copying then
          conn:copyBegin(copy_sql)
          copying = true
        end
        sizes[#sizes + 1] = { k = k, rows = b:count() }
        local okr, e = pcall(conn.copyRows, conn, b, indices, oids)
        if not okr then
          locate(e, nil, sizes, pieces)
          error(e, 0)
        end
      end
      k = k + 1
    end
  end)
  if not ok then
    -- The rows cannot all be made (or sent): the COPY ends with an error
    -- and the transaction rolls back.
    if copying then conn:copyAbort("the rows to copy could not be made: " .. tostring(err)) end
    error(err, 0)
  end
  if not copying then return 0, false end
  local okc, rows = pcall(conn.copyEnd, conn)
  if not okc then
    locate(rows, nil, sizes, pieces)
    error(rows, 0)
  end
  return rows, true
end

-- conn:copy of spec.batch, its failed row located.
local function copy_batch(conn, copy_sql, batch, indices, oids)
  local ok, rows = pcall(conn.copy, conn, copy_sql, batch, indices, oids)
  if not ok then
    locate(rows, batch)
    error(rows, 0)
  end
  return rows
end

-- What a connection learnt of a table it appended to, by table, marker
-- table and the batch's schema: the batch columns, the COPY's column list
-- and target OIDs (planColumns), and a statement that fails unless every
-- column written still has the type it had then. The next append of the
-- same shape (a stream's next epoch) goes by it (fast_append).
local function plan_key(qualified, commits, schema)
  local parts = { qualified, commits or "" }
  for _, f in ipairs(schema.fields) do parts[#parts + 1] = f.name .. " " .. f.dataType:simpleString() end
  return table.concat(parts, "\0")
end

local function learnt_plan(qualified, target, indices, column_list, oids, targets)
  local same = {}
  for i, c in ipairs(targets) do
    same[i] = ("(%s, %d, %d)"):format(pg.literal(c.name), c.declared[1], c.declared[2])
  end
  -- A binary COPY carries no types: into a column altered to another type
  -- of the same width it would store the bytes as that type. 1/0 fails
  -- the statement, and the COPY after it, when a column differs.
  local check = ("SELECT 1 / (count(*) = %d)::int FROM pg_attribute WHERE attrelid = %s::regclass "
    .. "AND attnum > 0 AND NOT attisdropped AND (attname::text, atttypid::int8, atttypmod) IN (%s)")
    :format(#targets, pg.literal(qualified), table.concat(same, ", "))
  return { indices = indices, oids = oids, check = check, target = target,
           copy = "COPY " .. qualified .. " " .. column_list .. " FROM STDIN (FORMAT binary)" }
end

-- Every KEEP_EPOCHS epochs, the statement that deletes the query's
-- markers older than KEEP_EPOCHS (nil otherwise).
local function prune_markers_sql(commits, target, marker)
  if marker.epochId % KEEP_EPOCHS ~= 0 or marker.epochId < KEEP_EPOCHS then return nil end
  return ("DELETE FROM %s WHERE query_id = %s AND target = %s AND epoch_id < %s"):format(commits,
    pg.literal(tostring(marker.queryId)), pg.literal(target), pg.literal(marker.epochId - KEEP_EPOCHS))
end

local function marker_sql(commits, target, marker, rows)
  local sql = ("INSERT INTO %s (query_id, target, epoch_id, seq, num_rows) VALUES (%s, %s, %s, %s, %s)")
    :format(commits, pg.literal(tostring(marker.queryId)), pg.literal(target), pg.literal(marker.epochId),
      pg.literal(marker.seq or 0), pg.literal(rows))
  local prune = prune_markers_sql(commits, target, marker)
  return prune and prune .. "; " .. sql or sql
end

-- An append by a plan the connection learnt, without the catalog
-- statement. Statements sent in one simple query before a COPY run in one
-- transaction with it, committed when the COPY ends: the type check, the
-- marker row (its primary key fails a replayed epoch) and the COPY go in
-- the first round trip, the rows in the second. Pieces that are more than
-- one (their count is known only once sent) take three: BEGIN, the check
-- and the COPY; the rows; the marker with the COMMIT. The full transaction
-- takes four, one of them its catalog statement: what a stream of small
-- micro-batches pays per epoch. Any failure (a table changed since, a
-- replayed epoch, a bad row) has the caller run the full transaction,
-- which finds out what it was; so does a save without rows (nil:
-- nothing was sent).
-- spec.pieces with its first two pieces kept (fast_append): a callable
-- object, not a closure per batch, which a compiled trace would keep,
-- and the batch with it (tide.execution's PieceChain).
local KeptPieces = {}
KeptPieces.__index = KeptPieces
function KeptPieces:__call(k)
  if k <= 2 then return self[k] end
  return self.rest(k)
end

local function fast_append(conn, spec, plan, qualified, commits)
  local rows, pieces = spec.batch and spec.batch:count(), spec.pieces
  if pieces then
    -- Whether there is a second piece tells whether the count is known
    -- before the COPY (asking makes it before the first is sent: a batch
    -- of several loses that one overlap). The two are kept, not made
    -- again: a piece of a plan over the pieces is computed at each call.
    local first, second = pieces(1), pieces(2)
    if second == nil then rows = first and first:count() or 0 end
    pieces = setmetatable({ first, second, rest = spec.pieces }, KeptPieces)
  end
  if rows == 0 then return nil end
  local marker, last = spec.marker, nil
  local before = plan.check .. "; "
  if marker and rows then
    before = before .. marker_sql(commits, plan.target, marker, rows) .. "; "
  elseif marker then
    before, last = "BEGIN; " .. before, true
  end
  local copied, began = 0, true
  if pieces then
    copied, began = copy_pieces(conn, before .. plan.copy, pieces, plan.indices, plan.oids)
    if not began then return nil end
  else
    copied = copy_batch(conn, before .. plan.copy, spec.batch, plan.indices, plan.oids)
  end
  if last then conn:command(marker_sql(commits, plan.target, marker, copied) .. "; COMMIT") end
  return copied, "written"
end

-- Runs the save over one connection; returns rows written and a status:
-- "written", "skipped" (marker found) or "ignored" (mode ignore, table exists).
-- Round trips, which are what a small save costs (a stream's micro-batch):
-- one for BEGIN, the marker table and the statement that claims the epoch
-- and reads the table's columns; COPY (two); COMMIT. An append the
-- connection learnt the table for takes two (fast_append).
local function transaction(conn, spec)
  local parts, qualified = pg.tableName(spec.dbtable)
  local marker = spec.marker
  local schema = spec.batch and spec.batch:schema() or spec.schema
  -- pieces: the count is known once they are all sent (the marker's
  -- num_rows is set then)
  local nrows = spec.batch and spec.batch:count()
  local info, target
  local commits = marker and select(2, pg.tableName(spec.commitTable or M.DEFAULT_COMMIT_TABLE))
  local mode = spec.mode or "errorifexists"
  local plan_id = mode == "append" and plan_key(qualified, commits, schema)
  conn.appendPlans = conn.appendPlans or {}
  local plan = plan_id and conn.appendPlans[plan_id]
  if plan then
    local ok, rows, status = pcall(fast_append, conn, spec, plan, qualified, commits)
    if ok and rows then return rows, status end
    if not ok then
      if conn:alive() and conn:inTransaction() then conn:command("ROLLBACK") end
      if pg.isLost(rows) then error(rows, 0) end
      conn.appendPlans[plan_id] = nil
    end
  end
  if marker then
    local key = { qualified, tostring(marker.queryId), qualified, marker.epochId, marker.seq or 0, nrows,
      #parts > 1 and parts[#parts - 1] or "", parts[#parts], n = 8 }
    local ok, rows = pcall(after, conn, "BEGIN; " .. commit_table_sql(commits), claim_sql(commits),
      "text, text, text, int8, int4, int8, text, text", key)
    if not ok then
      if type(rows) == "table" and rows.sqlstate == "23505" then
        -- Another writer claimed this epoch meanwhile: its rows stand.
        conn:command("ROLLBACK")
        return 0, "skipped"
      end
      error(rows, 0)
    end
    info = rows:collect()
    if tonumber(info[1].claimed) == 0 then
      conn:command("ROLLBACK")
      return 0, "skipped"
    end
    target = info[1].target_name
    local prune = prune_markers_sql(commits, target, marker)
    if prune then conn:command(prune) end
  else
    info = after(conn, "BEGIN", TABLE_INFO, "text", { qualified, n = 1 }):collect()
  end
  local exists = info[1].table_exists
  if exists and mode == "errorifexists" then
    error(("Table or view %s already exists. SaveMode: ErrorIfExists."):format(qualified), 0)
  end
  if exists and mode == "ignore" then
    conn:command("ROLLBACK")
    return 0, "ignored"
  end
  local create = columns.createTableSql(qualified, schema, spec.createTableColumnTypes, spec.createTableOptions)
  if exists and mode == "overwrite" and not spec.truncate then
    conn:command("DROP TABLE " .. qualified)
    exists = false
  end
  if not exists then
    conn:command(create)
    info = conn:execText(TABLE_INFO, true, qualified):collect()
  end
  local indices, column_list, oids, targets = columns.planColumns(schema, columns_of(info), qualified)
  if exists and mode == "overwrite" then
    conn:command("TRUNCATE TABLE " .. qualified .. (spec.cascadeTruncate and " CASCADE" or ""))
  end
  local copy_sql = "COPY " .. qualified .. " " .. column_list .. " FROM STDIN (FORMAT binary)"
  local rows, finish = 0, "COMMIT"
  if spec.pieces then
    rows = copy_pieces(conn, copy_sql, spec.pieces, indices, oids)
    if marker then
      -- The marker's row count, in the COMMIT's round trip (a stream's
      -- small micro-batches pay per round trip).
      finish = ("UPDATE %s SET num_rows = %s WHERE query_id = %s AND target = %s AND epoch_id = %s AND seq = %s; COMMIT")
        :format(commits, pg.literal(rows), pg.literal(tostring(marker.queryId)), pg.literal(target),
          pg.literal(marker.epochId), pg.literal(marker.seq or 0))
    end
  elseif nrows > 0 then
    rows = copy_batch(conn, copy_sql, spec.batch, indices, oids)
  end
  conn:command(finish)
  if plan_id then conn.appendPlans[plan_id] = learnt_plan(qualified, target, indices, column_list, oids, targets) end
  return rows, "written"
end

local function lost(message)
  return setmetatable({ message = message, lost = true, sqlstate = "" }, pg.PgError)
end

-- A connection the server refused for good: the credentials, pg_hba.conf,
-- a database or role that does not exist. Asking again changes nothing
-- (unlike a server that is down, starting or full).
local function refused(message)
  return message:find("authentication failed", 1, true) or message:find("no pg_hba.conf entry", 1, true)
    or message:find("does not exist", 1, true) or message:find("permission denied", 1, true)
end

local function current_epoch()
  local streaming = package.loaded["tide.streaming"]
  return streaming and streaming.currentEpoch()
end

-- For an error of a COPY that named its row (locate): which row of what
-- the user wrote that is — the epoch's micro-batch for the jdbc sink, the
-- DataFrame otherwise; rows counted from 1 in the order written, which
-- is the batch's (a micro-batch made in pieces: the pieces one after
-- another), with the row's Kafka record when its columns carry it — and
-- that nothing of the save stayed: its one transaction rolled back.
local function row_place(spec, err)
  local where = type(err) == "table" and err.where
  if not where then return "" end
  local current, marker = current_epoch(), spec.marker
  local epoch = current and current.epochId or (marker and marker.epochId)
  local text
  if spec.sink then
    text = ("row %d of epoch %s's micro-batch"):format(where.row, tostring(epoch))
  elseif epoch ~= nil then
    text = ("row %d of the DataFrame written in epoch %s"):format(where.row, tostring(epoch))
  else
    text = ("row %d of the DataFrame written"):format(where.row)
  end
  if where.provenance then
    text = text .. " (" .. where.provenance .. ")"
  elseif epoch == nil and tostring(err):find(("row %d, column"):format(where.row), 1, true) then
    text = nil -- tide's own error, which says as much
  end
  if spec.sink then
    return ("; the row is %s; epoch %s was rolled back: none of its rows is in the table, "
      .. "and the query's restart writes the epoch again"):format(text, tostring(epoch))
  end
  return ("%s; the write was rolled back: none of its rows is in the table"):format(text and "; the row is " .. text or "")
end

-- One line on stderr for a save that replaced invalid UTF-8 in text
-- values (as Spark's JDBC writer does: engine/pg_copy.c), so that it is
-- not silent: how many values, and the first one's row and column.
local function report_replaced(spec, replaced, qualified)
  local current, marker = current_epoch(), spec.marker
  local epoch = current and current.epochId or (marker and marker.epochId)
  local who = ""
  if epoch ~= nil then
    local id = current and current.queryId or (marker and marker.queryId)
    local name = current and current.queryName or spec.queryName
    who = ("%s epoch %s: "):format(name and ("query %s (id %s)"):format(name, tostring(id))
      or ("query (id %s)"):format(tostring(id)), tostring(epoch))
  end
  io.stderr:write(("tide: %s%d value%s written to %s held invalid UTF-8; each malformed sequence was "
    .. "replaced by U+FFFD, as Spark's JDBC writer does (the first: row %d of the %s, column %q)\n")
    :format(who, replaced.count, replaced.count == 1 and "" or "s", qualified, replaced.row,
      spec.sink and "micro-batch" or "DataFrame", replaced.column))
end

-- Saves spec.batch (or spec.pieces, a function giving the k-th batch of
-- rows or nil, with their spec.schema) into spec.dbtable over
-- spec.conninfo. spec: mode,
-- truncate, cascadeTruncate, createTableColumnTypes, createTableOptions,
-- marker {queryId, epochId, seq}, commitTable, maxRetries (3),
-- retryDelayMs (500), sink (true: the jdbc sink writes a whole epoch),
-- queryName. Returns rows written and the status. An error of a row
-- names where the row is (row_place).
function M.save(spec)
  local _, qualified = pg.tableName(spec.dbtable)
  local retries = tonumber(spec.maxRetries or 3)
  local delay = tonumber(spec.retryDelayMs or 500)
  local attempt, replanned = 0, false
  while true do
    local conn
    local ok, rows, status = pcall(function()
      local okc, c = pcall(pg.connect, spec.conninfo, "write")
      if not okc then error(refused(tostring(c)) and tostring(c) or lost(tostring(c)), 0) end
      conn = c
      conn.replaced = nil -- (the connection's last COPY may be an earlier save's)
      return transaction(conn, spec)
    end)
    if ok then
      if conn.replaced and status == "written" then report_replaced(spec, conn.replaced, qualified) end
      return rows, status
    end
    if conn and conn:alive() and conn:inTransaction() then pcall(conn.command, conn, "ROLLBACK") end
    if pg.isForgotten(rows) and not replanned then
      -- The server forgot a prepared statement (DISCARD ALL, a pooler):
      -- the connection stops preparing; the transaction runs again at once.
      replanned = true
    elseif pg.isLost(rows) and attempt < retries and C.tide_sleep(delay * 2 ^ attempt / 1000) == 0 then
      attempt = attempt + 1
    else
      local suffix = attempt > 0 and (" (after %d retries)"):format(attempt) or ""
      error(("writing to PostgreSQL table %s [%s] failed%s: %s%s"):format(qualified, pg.redact(spec.conninfo),
        suffix, tostring(rows), row_place(spec, rows)), 0)
    end
  end
end

return M
