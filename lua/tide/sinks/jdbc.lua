-- The PostgreSQL sink, exactly once:
--   df.writeStream:format("jdbc")            -- or "postgres"
--     :option("url", "jdbc:postgresql://localhost:5432/postgres")
--     :option("dbtable", "predictions")
--     :option("checkpointLocation", "checkpoints/predictions")
--     :start()
-- Each epoch's rows and a marker row (query id, table, epoch id) in
-- tide_commits (option commitTable) commit in one transaction; a replayed
-- epoch whose marker exists writes nothing. The table is created from the
-- stream's schema when missing and checked before the first epoch. A lost
-- connection is retried (maxRetries, retryDelayMs); then the query fails
-- with the error, and that epoch has no marker, so the restart writes it.
local T = require("tide.types")
local pg = require("tide.pg")
local pg_table = require("tide.pg_table")
local writer = require("tide.writer")

local M = {}
local Sink = {}
Sink.__index = Sink

function M.new(w, schema, query)
  local spec, qualified = writer.jdbcSpec(w.opts, "append")
  for _, f in ipairs(schema.fields) do
    if not pg_table.pgType(f.dataType) and f.dataType.id == T.ID.struct then
      error(("the jdbc sink cannot write column %q of type %s"):format(f.name, f.dataType:simpleString()), 0)
    end
  end
  return setmetatable({ spec = spec, schema = schema, queryId = query and query.id or w.opts.queryid,
    description = "JdbcSink[" .. qualified .. " @ " .. pg.redact(spec.conninfo) .. "]" }, Sink)
end

local function save(self, epoch, what, value)
  local spec = {}
  for k, v in pairs(self.spec) do spec[k] = v end
  spec[what] = value
  spec.schema = self.schema
  spec.marker = { queryId = self.queryId, epochId = epoch, seq = 0 }
  local rows, status = pg_table.save(spec)
  self.lastStatus = status
  return rows, status
end

function Sink:addBatch(epoch, batch)
  local rows, status = save(self, epoch, "batch", batch)
  -- A skipped epoch's rows are in the table already (written by its first run).
  return status == "skipped" and batch:count() or rows
end

-- A micro-batch made piece by piece: each piece is sent as soon as it is
-- made (tide.pg_table), while the next one is computed.
function Sink:addPieces(epoch, pieces)
  local rows, status = save(self, epoch, "pieces", function(k) return pieces:get(k) end)
  pieces:drain()
  return status == "skipped" and pieces.rows or rows
end

function Sink:stop() end

return M
