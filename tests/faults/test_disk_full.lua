-- The checkpoint directory on a small filesystem (a 1 MB tmpfs) that fills
-- up while a Kafka -> PostgreSQL query runs: the query stops with a clear
-- error naming the file and the cause, the checkpoint holds no partial or
-- corrupt file, and once there is room again the query resumes where it
-- stopped, exactly once. Needs root (mount); skipped with a message
-- otherwise.
package.path = (os.getenv("TIDE_SOURCE_DIR") or ".") .. "/tests/faults/?.lua;" .. package.path
local t = require("testing")
local tide = require("tide")
local checkpoint = require("tide.checkpoint")
local faults = require("faults")

local bootstrap, ci = t.kafka_bootstrap(), t.pg_conninfo()
local admin = tide.admin.client(bootstrap)

-- Every entry of a checkpoint's logs reads back; no temporary file is left.
local function check_checkpoint(dir)
  local cp = checkpoint.open(dir)
  local ok, err = pcall(function()
    local last = cp:latestOffsetsId()
    t.ok(last ~= nil, "offsets were written")
    for id = 0, last do
      local entry = cp:readOffsets(id)
      t.ok(type(entry.sources[1]) == "table", ("offsets/%d holds offsets"):format(id))
      if id < last then t.ok(cp:hasCommit(id), ("commits/%d"):format(id)) end
    end
  end)
  cp:close()
  if not ok then error(err, 0) end
  local leftovers = t.sh("find " .. dir .. " -name '*.tmp*'")
  t.eq(leftovers, "", "temporary files left in the checkpoint")
end

t.test("a full checkpoint filesystem: a clear error, no corrupt file, a clean resume", function()
  local dir = t.tempdir()
  local mnt = dir .. "/small"
  os.execute("mkdir -p " .. mnt)
  local out, status = t.sh("mount -t tmpfs -o size=1m tmpfs " .. mnt)
  if status ~= 0 then
    print("SKIP: cannot mount a size-limited tmpfs (needs root): " .. out)
    return
  end
  local ok, err = pcall(function()
    local input, tbl = t.unique("full_in"), t.unique("full")
    admin:createTopic(input, 3)
    local script = faults.pipeline_script(dir .. "/pipeline.lua", {
      bootstrap = bootstrap, input = input, conninfo = ci, table = tbl, dir = mnt,
      maxOffsetsPerTrigger = 100,
    })
    faults.produce(bootstrap, input, 1, 1000)
    local p = faults.spawn(dir, script)
    t.eq(faults.wait_rows(ci, tbl, 1000, 60, p), 1000, p:output())
    -- fill the filesystem to the last byte
    t.sh("dd if=/dev/zero of=" .. mnt .. "/filler bs=4096")
    t.ok(tonumber((t.sh("df --output=avail " .. mnt .. " | tail -1"))) == 0, "the filesystem is full")
    faults.produce(bootstrap, input, 1001, 3000)
    local rc = p:wait(60)
    t.ok(rc ~= nil and rc ~= 0, "the query stopped with an error (status " .. tostring(rc) .. ")")
    local log = p:output()
    t.ok(log:find("No space left on device", 1, true), log)
    -- offsets/N of the next batch, or commits/N when the disk filled while the last batch ran
    local line = log:match("checkpoint: cannot write " .. mnt:gsub("%p", "%%%0") .. "/cp_pg/%a+/%d+[^\n]*")
    t.ok(line, "the error names the file: " .. log)
    print("  " .. line)
    local before = faults.count(ci, tbl)
    t.ok(before < 3000, "stopped before the end")
    check_checkpoint(mnt .. "/cp_pg")
    -- still full: a restart fails the same way, and harms nothing
    local again = faults.spawn(dir, script, "finish")
    t.ok((again:wait(60) or 0) ~= 0, "a restart on the full disk fails")
    t.ok(again:output():find("No space left on device", 1, true), again:output())
    check_checkpoint(mnt .. "/cp_pg")
    -- room again: the query resumes and finishes, exactly once
    os.remove(mnt .. "/filler")
    local fin = faults.spawn(dir, script, "finish")
    t.eq(fin:wait(120), 0, fin:output())
    faults.check_exactly_once(ci, tbl, faults.ids(1, 3000), "PostgreSQL")
    check_checkpoint(mnt .. "/cp_pg")
  end)
  for _, p in ipairs(faults.procs) do p:kill() end
  t.sh("umount " .. mnt)
  if not ok then error(err, 0) end
end)

t.run()
