-- tide.batch — columnar batches (placeholder while the full module lands).
local ffi = require("ffi")
local C = require("tide.ffi")
local M = {}
-- Takes ownership of a tide_batch* returned by C; raises `err` if NULL.
function M.wrap(ptr, err)
  if ptr == nil then error(err or "out of memory", 2) end
  return ffi.gc(ptr, C.tide_batch_free)
end
return M
