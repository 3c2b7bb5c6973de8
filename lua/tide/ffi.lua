-- tide.ffi — declares tide_ffi.h to the FFI once and returns the C
-- namespace, where the engine's functions live.
local ffi = require("ffi")
ffi.cdef(require("tide.cdef"))
return ffi.C
