-- Decodes an 8-bit RGBA or RGB PNG (what rsvg-convert writes) into its
-- pixels, with zlib through the FFI, so tests can look at a rendering.
local ffi = require("ffi")
ffi.cdef [[
unsigned long compressBound(unsigned long sourceLen);
int uncompress(uint8_t *dest, unsigned long *destLen, const uint8_t *source, unsigned long sourceLen);
]]
local z = ffi.load("z")

local M = {}

local function u32(s, i) return ((s:byte(i) * 256 + s:byte(i + 1)) * 256 + s:byte(i + 2)) * 256 + s:byte(i + 3) end

-- Returns width, height and a function pixel(x, y) -> r, g, b, a.
function M.decode(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  assert(data:sub(1, 8) == "\137PNG\r\n\26\n", path .. " is not a PNG")
  local pos, idat = 9, {}
  local width, height, depth, ctype
  while pos < #data do
    local len, kind = u32(data, pos), data:sub(pos + 4, pos + 7)
    local body = data:sub(pos + 8, pos + 7 + len)
    if kind == "IHDR" then
      width, height, depth, ctype = u32(body, 1), u32(body, 5), body:byte(9), body:byte(10)
    elseif kind == "IDAT" then
      idat[#idat + 1] = body
    end
    pos = pos + 12 + len
  end
  assert(depth == 8 and (ctype == 6 or ctype == 2), "only 8-bit RGB(A) PNGs")
  local bpp = ctype == 6 and 4 or 3
  local stride = width * bpp
  local raw = table.concat(idat)
  local size = ffi.new("unsigned long[1]", (stride + 1) * height)
  local out = ffi.new("uint8_t[?]", size[0])
  assert(z.uncompress(out, size, raw, #raw) == 0, "bad zlib data in " .. path)
  -- Undo the per-row filters (PNG spec, section 9).
  local px = ffi.new("uint8_t[?]", stride * height)
  for y = 0, height - 1 do
    local filter, src, row, prev = out[y * (stride + 1)], y * (stride + 1) + 1, y * stride, (y - 1) * stride
    for i = 0, stride - 1 do
      local a = i >= bpp and px[row + i - bpp] or 0
      local b = y > 0 and px[prev + i] or 0
      local c = (i >= bpp and y > 0) and px[prev + i - bpp] or 0
      local v = out[src + i]
      if filter == 1 then v = v + a
      elseif filter == 2 then v = v + b
      elseif filter == 3 then v = v + math.floor((a + b) / 2)
      elseif filter == 4 then
        local p = a + b - c
        local pa, pb, pc = math.abs(p - a), math.abs(p - b), math.abs(p - c)
        v = v + ((pa <= pb and pa <= pc) and a or (pb <= pc and b or c))
      end
      px[row + i] = v % 256
    end
  end
  return width, height, function(x, y)
    local i = y * stride + x * bpp
    return px[i], px[i + 1], px[i + 2], bpp == 4 and px[i + 3] or 255
  end
end

return M
