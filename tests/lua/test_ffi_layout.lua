-- The FFI's view of tide_ffi.h must match the C compiler's, field by field.
local t = require("testing")
local ffi = require("ffi")
local C = require("tide.ffi")

local layout = {
  tide_column = { "name", "type", "precision", "scale", "length", "null_count", "validity", "values",
                  "data", "capacity", "data_capacity", "num_children", "vector_size", "children" },
  tide_batch = { "arena", "num_rows", "num_columns", "columns", "parent", "refs" },
  tide_ml_linear_term = { "column", "kind", "position", "invalid", "scaled", "dense", "shift", "mult", "add",
                          "dict", "unseen", "categories", "ohe_invalid", "block_size" },
}

for struct, fields in pairs(layout) do
  t.test(struct .. " has the same size and offsets in C and Lua", function()
    t.eq(ffi.sizeof(struct), tonumber(C.tide_layout_probe(struct)), "sizeof " .. struct)
    for _, f in ipairs(fields) do
      local c_offset = tonumber(C.tide_layout_probe(struct .. "." .. f))
      t.ok(c_offset >= 0, "C knows " .. struct .. "." .. f)
      t.eq(ffi.offsetof(struct, f), c_offset, "offsetof " .. struct .. "." .. f)
    end
  end)
end

t.test("an unknown probe is -1", function()
  t.eq(tonumber(C.tide_layout_probe("nope")), -1)
end)

t.run()
