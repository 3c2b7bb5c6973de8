-- The README's main job, scripts/demo.lua, on a small run: the embedded
-- broker, the private PostgreSQL, training, streaming, and a summary whose
-- produced and stored counts are equal; a step that fails stops the demo
-- with that step's own error; --help names the command typed.
local t = require("testing")

local root = os.getenv("TIDE_SOURCE_DIR") or "."
local bin = os.getenv("TIDE_BIN") or "build/tide"

t.test("the demo stops at the first failing step and shows that step's own error", function()
  local out, status = t.sh(("TIDE_SOURCE_DIR='%s' '%s' run '%s/scripts/demo.lua' --events 1000 --train-rows 0")
    :format(root, bin, root))
  t.eq(status, 1, out)
  t.ok(out:find("LogisticRegression: the training data has no rows", 1, true), out)
  t.ok(out:find("demo: the training notebook failed (exit status 1); stopped there", 1, true), out)
  t.ok(not out:find("Streaming", 1, true) and not out:find("streaming notebook", 1, true), "no later step: " .. out)
end)

t.test("a count that is not one fails before anything runs", function()
  local out, status = t.sh(("TIDE_SOURCE_DIR='%s' '%s' run '%s/scripts/demo.lua' --events abc"):format(root, bin, root))
  t.eq(status, 2, out)
  t.ok(out:find("demo: --events needs a whole number >= 1, not abc", 1, true), out)
  t.ok(not out:find("==", 1, true), "no step ran: " .. out)
end)

t.test("--help names the command that was typed", function()
  local out, status = t.sh(("TIDE_DEMO_COMMAND=scripts/demo '%s' run '%s/scripts/demo.lua' --help"):format(bin, root))
  t.eq(status, 0, out)
  t.ok(out:find("^usage: scripts/demo %[BOOTSTRAP%]"), out)
  out, status = t.sh(("'%s' run '%s/scripts/demo.lua' --no-such-option"):format(bin, root))
  t.eq(status, 2, out)
  t.ok(out:find("^usage: tide run scripts/demo.lua"), out)
end)

t.test("the demo stores every produced event once and says where its reports are", function()
  local out, status = t.sh(("TIDE_SOURCE_DIR='%s' '%s' run '%s/scripts/demo.lua' --events 4000 --rate 4000 --train-rows 5000")
    :format(root, bin, root))
  t.eq(status, 0, out)
  local produced = tonumber(out:match("events produced%s+(%d+)"))
  local stored = tonumber(out:match("rows in PostgreSQL%s+(%d+)"))
  t.eq(produced, 4000, out)
  t.eq(stored, produced, out)
  t.ok(out:match("latency%s+p50 [%d.]+ ms, p99 [%d.]+ ms"), out)
  t.ok(out:match("throughput%s+%d+ rows/s"), out)
  t.ok(out:find("sample predictions:", 1, true), out)
  t.ok(out:find("(read AUC: ", 1, true), "the line on accuracy and AUC: " .. out)
  for _, file in ipairs({ "/build/demo/training.html", "/build/demo/streaming.html",
    "/build/demo/plots/inputRowsPerSecond.svg" }) do
    local f = io.open(root .. file)
    t.ok(f, file)
    if f then f:close() end
  end
end)

t.run()
