-- tide.state_store — what a stateful streaming operator keeps across
-- micro-batches (a streaming aggregation's groups, dropDuplicates' keys),
-- versioned by epoch as Spark's state store is:
--
--   local store = state_store.new(schema, 0)  -- state/0/ of the checkpoint
--   local rows = store:before(ctx)            -- the rows after epoch - 1
--   store:save(ctx, rows)                     -- the rows after this epoch
--
-- The rows after epoch N are written to the checkpoint as state/<op>/N
-- (JSON lines, timestamps as their microseconds, atomically) before any
-- sink sees the batch; a replayed epoch starts from state/<op>/N-1, so its
-- output is the same and each record counts once. Between batches the
-- rows stay in memory; after a restart they are read back. Also the
-- watermark's part: which rows a watermark has passed.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local ops = require("tide.dataframe_ops")

local M = {}
local ID = T.ID
local errbuf, ERRLEN, cerr, take = ops.errbuf, ops.ERRLEN, ops.cerr, ops.take

local Store = {}
Store.__index = Store

local function col(name) return { k = "col", name = name } end

-- schema: the rows' (a struct); op: the operator's number in state/.
function M.new(schema, op)
  local eval = require("tide.eval")
  local to_json, from_json, json_fields = {}, {}, {}
  for i, f in ipairs(schema.fields) do
    local c = col(f.name)
    if f.dataType.id == ID.timestamp then
      to_json[i] = { k = "alias", name = f.name, expr = { k = "call", fn = "unix_micros", args = { c } } }
      from_json[i] = { k = "alias", name = f.name, expr = { k = "call", fn = "timestamp_micros", args = { c } } }
    else
      to_json[i], from_json[i] = c, c
    end
    json_fields[i] = T.field(f.name, f.dataType.id == ID.timestamp and T.long or f.dataType, true)
  end
  return setmetatable({
    op = op, jsonSchema = T.struct(json_fields),
    encode = eval.compileSelect({ { k = "alias", name = "value", expr = { k = "call", fn = "to_json",
      args = { { k = "call", fn = "struct", args = to_json } } } } }, schema),
    decode = eval.compileSelect(from_json, T.struct(json_fields)),
  }, Store)
end

function Store:path(cp, epoch) return ("%s/state/%d/%d"):format(cp.dir, self.op, epoch) end

-- The rows after epoch - 1 for a batch of ctx.epochId (nil at epoch 0):
-- the ones kept after the last batch, or read from the checkpoint.
function Store:before(ctx)
  local st, epoch = ctx.state, ctx.epochId
  if st.epoch == epoch - 1 then return st.rows end
  if epoch == 0 then return nil end
  local cp = ctx.checkpoint
  local path = self:path(cp, epoch - 1)
  local f = io.open(path, "rb")
  if not f then
    error(("checkpoint %s: state/%d/%d is missing: the state after batch %d, which batch %d starts from"):format(
      cp.dir, self.op, epoch - 1, epoch - 1, epoch), 0)
  end
  f:close()
  local read = require("tide.session").session().read:schema(self.jsonSchema):option("mode", "FAILFAST")
    :json(path):toBatch()
  return require("tide.eval").project(read, self.decode, ctx)
end

-- Writes the rows after ctx.epochId and keeps them for the next batch;
-- versions older than the checkpoint keeps go.
function Store:save(ctx, rows)
  local cp = ctx.checkpoint
  if C.tide_fs_mkdirs(("%s/state/%d"):format(cp.dir, self.op), errbuf, ERRLEN) ~= 0 then
    error("checkpoint: " .. cerr(), 0)
  end
  local lines = require("tide.eval").project(rows, self.encode, ctx)
  if C.tide_write_lines(self:path(cp, ctx.epochId), nil, lines.columns, errbuf, ERRLEN) ~= 0 then
    error("checkpoint: " .. cerr(), 0)
  end
  local old = ctx.epochId - (cp.retain or 100)
  if old >= 0 then os.remove(self:path(cp, old)) end
  ctx.state.epoch, ctx.state.rows = ctx.epochId, rows
end

-- ---- watermarks ---------------------------------------------------------------------------

-- withWatermark's node below a plan (a chain), or nil.
function M.watermarkNode(plan)
  while plan do
    if plan.kind == "watermark" then return plan end
    plan = plan.child
  end
end

-- The rows of batch whose time (its column col) is after the watermark or
-- null (after), or at or before it; and how many are not.
function M.byTime(batch, col_index, watermark_us, after)
  local n = batch:count()
  local rows = ffi.new("int64_t[?]", math.max(n, 1))
  local k = tonumber(C.tide_rows_by_time(batch.columns[col_index], n, watermark_us, after and 1 or 0, rows))
  return take(batch, rows, k), n - k
end

return M
