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
local pg_columns = require("tide.pg_columns")
local pg_table = require("tide.pg_table")
local writer = require("tide.writer")

local M = {}
local Sink = {}
Sink.__index = Sink

function M.new(w, schema, query)
  local spec, qualified = writer.jdbcSpec(w.opts, "append")
  pg_columns.refuseVoid(schema, "the jdbc sink")
  for _, f in ipairs(schema.fields) do
    local id = f.dataType.id
    if not pg_columns.pgType(f.dataType) and (id == T.ID.struct or id == T.ID.array or id == T.ID.map) then
      error(("the jdbc sink cannot write column %q of type %s"):format(f.name, f.dataType:simpleString()), 0)
    end
  end
  return setmetatable({ spec = spec, schema = schema, queryId = query and query.id or w.opts.queryid,
    queryName = query and query.name, qualified = qualified,
    description = "JdbcSink[" .. qualified .. " @ " .. pg.redact(spec.conninfo) .. "]" }, Sink)
end

-- Saves the epoch's rows (what: "batch", or "pieces" made while they are
-- written). Returns the rows written: 0 for an epoch skipped because its
-- marker shows it was written before (a replay after a restart), which
-- gets one line on stderr.
local function save(self, epoch, what, value)
  local spec = {}
  for k, v in pairs(self.spec) do spec[k] = v end
  spec.schema = self.schema
  spec.marker = { queryId = self.queryId, epochId = epoch, seq = 0 }
  spec.sink, spec.queryName = true, self.queryName -- (for errors: the whole epoch)
  local rows, status
  if what == "pieces" then
    rows, status = writer.savePieces(spec, value)
  else
    spec.batch = value
    rows, status = pg_table.save(spec)
  end
  self.lastStatus = status
  if status == "skipped" then writer.reportSkipped(spec.marker, self.qualified, self.queryName) end
  return rows
end

function Sink:addBatch(epoch, batch)
  return save(self, epoch, "batch", batch)
end

-- A micro-batch made piece by piece: each piece is sent as soon as it is
-- made (tide.pg_table), while the next one is computed. A skipped epoch's
-- pieces are still made: its input is counted, and an error in the plan
-- fails it, as on its first run.
function Sink:addPieces(epoch, pieces)
  local rows = save(self, epoch, "pieces", pieces) -- (pieces(k) is pieces:get(k))
  pieces:drain()
  return rows
end

function Sink:stop() end

return M
