-- tide.eval_aes — aes_encrypt, aes_decrypt and try_aes_decrypt of
-- tide.eval's `call` nodes, as Spark 3.5's (engine/eval_aes.c):
--   aes_encrypt(input, key[, mode[, padding[, iv[, aad]]]])
--   aes_decrypt(input, key[, mode[, padding[, aad]]]), try_aes_decrypt
-- input, key, iv and aad binary (a string is its bytes, as Spark casts
-- it), mode and padding strings; a binary result, NULL where an argument
-- is. try_aes_decrypt is NULL where aes_decrypt fails.
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")
local fns = require("tide.eval_functions")

local M = {}
local ID = T.ID

local function typed(node, c, ev, t, what)
  local id = c.type.id
  if id == t.id then return c end
  if coerce.isVoid(c.type) or id == ID.string or (t.id == ID.string and id == ID.binary) then
    return ev.castTo(c, t)
  end
  ev.typeError(node, ("%s needs %s as its %s, not %s (%s)"):format(node.fn, t:simpleString(), what,
    c.type:simpleString(), c.name))
end

local ENCRYPT_ARGS = { { T.binary, "input" }, { T.binary, "key" }, { T.string, "mode" }, { T.string, "padding" },
                       { T.binary, "iv" }, { T.binary, "aad" } }
local DECRYPT_ARGS = { ENCRYPT_ARGS[1], ENCRYPT_ARGS[2], ENCRYPT_ARGS[3], ENCRYPT_ARGS[4], ENCRYPT_ARGS[6] }

local function aes(encrypt, or_null)
  local wanted = encrypt and ENCRYPT_ARGS or DECRYPT_ARGS
  return function(node, _, compileChild, ev)
    local args = fns.argsOf(node, compileChild, 2, #wanted, ev)
    for i, a in ipairs(args) do args[i] = typed(node, a, ev, wanted[i][1], wanted[i][2]) end
    local n = #args
    return fns.overArgs(ev, node, T.binary, args, function(out, cols, dst)
      local iv, aad
      if encrypt then iv, aad = n >= 5 and cols[5] or nil, n >= 6 and cols[6] or nil
      else aad = n >= 5 and cols[5] or nil end
      return C.tide_eval_aes(out, cols[1], cols[2], n >= 3 and cols[3] or nil, n >= 4 and cols[4] or nil, iv, aad,
        encrypt and 1 or 0, or_null and 1 or 0, dst, ev.errbuf, ev.errlen)
    end)
  end
end

function M.register(eval)
  eval.register("aes_encrypt", aes(true, false))
  eval.register("aes_decrypt", aes(false, false))
  eval.register("try_aes_decrypt", aes(false, true))
end

return M
