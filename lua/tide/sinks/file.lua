-- The json and csv file sinks: each epoch's rows go to one file,
-- PATH/part-<epoch>.<ext>, written atomically; a replayed epoch rewrites its
-- own file, so the directory holds every input row exactly once.
--   json: one object per line (to_json of the row; null fields left out)
--   csv:  options sep (","), quote ("\""), nullValue (""), header (false)
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local eval = require("tide.eval")
local execution = require("tide.execution")

local M = {}
local Sink = {}
Sink.__index = Sink

local errbuf = ffi.new("char[1024]")

local function one_char(opts, key, default)
  local v = opts[key] or default
  if #v ~= 1 then error(("csv option %s must be one character, not %q"):format(key, v), 0) end
  return v
end

function M.new(writer, schema, format)
  local opts = writer.opts
  if not opts.path then error(("the %s sink needs a path: writeStream:option(\"path\", DIR)"):format(format), 0) end
  local sink = setmetatable({ path = opts.path, format = format, description = "FileSink[" .. opts.path .. "]" }, Sink)
  local cols = {}
  for i, f in ipairs(schema.fields) do cols[i] = { k = "col", name = f.name } end
  if format == "json" then
    sink.compiled = eval.compileSelect({ { k = "alias", name = "value", expr = { k = "call", fn = "to_json",
      args = { { k = "call", fn = "struct", args = cols } } } } }, schema)
  else
    local casts = {}
    for i, f in ipairs(schema.fields) do
      if f.dataType.id == T.ID.struct or f.dataType.id == T.ID.binary then
        error(("the csv sink cannot write column %s of type %s"):format(f.name, f.dataType:simpleString()), 0)
      end
      casts[i] = { k = "alias", name = f.name, expr = { k = "cast", to = T.string, expr = cols[i] } }
    end
    sink.compiled = eval.compileSelect(casts, schema)
    sink.sep, sink.quote = one_char(opts, "sep", ","), one_char(opts, "quote", '"')
    sink.nullValue = opts.nullvalue or ""
    if opts.header == "true" then sink.header = table.concat(schema:fieldNames(), sink.sep) end
  end
  return sink
end

function Sink:addBatch(epoch, batch)
  local ctx = execution.context()
  local strings = eval.project(batch, self.compiled, ctx)
  local lines
  if self.format == "json" then
    lines = strings.columns
  else
    lines = ffi.new("tide_column[1]")
    if C.tide_csv_join(strings, strings, self.sep:byte(), self.quote:byte(), self.nullValue, lines, errbuf, 1024) ~= 0 then
      error(ffi.string(errbuf), 0)
    end
  end
  local file = ("%s/part-%05d.%s"):format(self.path, epoch, self.format)
  if C.tide_write_lines(file, self.header, lines, errbuf, 1024) ~= 0 then
    error(self.format .. " sink: " .. ffi.string(errbuf), 0)
  end
  return batch:count()
end

function Sink:stop() end

return M
