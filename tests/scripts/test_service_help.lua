-- The project's commands explain themselves: --help prints the header of
-- the script (what it does, its options) and nothing of its code, and does
-- nothing else (no build, no test run, no service started).
local t = require("testing")

local root = os.getenv("TIDE_SOURCE_DIR") or "."

for _, name in ipairs({ "kafka", "postgres" }) do
  t.test("scripts/" .. name .. " --help prints its commands; an unknown command fails with them", function()
    local out, status = t.sh(("'%s/scripts/%s' --help"):format(root, name))
    t.eq(status, 0, out)
    t.eq(out:sub(1, #("scripts/" .. name .. " — ")), "scripts/" .. name .. " — ")
    t.has(out, "scripts/" .. name .. " stop")
    t.ok(not out:find("set -euo", 1, true) and not out:find("#", 1, true), out)
    local bad, bad_status = t.sh(("'%s/scripts/%s' no-such-command"):format(root, name))
    t.eq(bad_status, 2)
    t.eq(bad, out)
  end)
end

for _, name in ipairs({ "scripts/test", "scripts/build", "scripts/demo", "scripts/soak", "bench/run" }) do
  t.test(name .. " --help prints its header and does nothing else", function()
    for _, flag in ipairs({ "--help", "-h" }) do
      local out, status = t.sh(("TIDE_BUILD_DIR=/nonexistent '%s/%s' %s"):format(root, name, flag))
      t.eq(status, 0, out)
      t.eq(out:sub(1, #(name .. " — ")), name .. " — ")
      t.ok(not out:find("set -euo", 1, true) and not out:find("#", 1, true) and not out:find("ninja", 1, true), out)
    end
  end)
end

t.run()
