/*
 * fuzz_checkpoint.c — reading a checkpoint whose files hold arbitrary
 * bytes (a truncated write, a disk error, a hand edit). The first byte
 * picks the file: offsets/0, commits/0, metadata or sources/0/0 (beside
 * a valid metadata, and offsets/0 for a commit). Any content is read
 * correctly or fails with an error naming the file, never another Lua
 * error.
 */
#include "fuzz_lua.h"

#include <stdint.h>

static const char CHECK[] =
    "local checkpoint = require('tide.checkpoint')\n"
    "local dir = os.tmpname(); os.remove(dir)\n"
    "assert(os.execute(\"mkdir -p '\" .. dir .. \"/offsets' '\" .. dir .. \"/commits' '\" .. dir "
    ".. \"/sources/0'\") == 0)\n"
    "local files = { 'offsets/0', 'commits/0', 'metadata', 'sources/0/0' }\n"
    "local cleanup = newproxy(true)\n"
    "getmetatable(cleanup).__gc = function() os.execute(\"rm -rf '\" .. dir .. \"'\") end\n"
    "return function(input)\n"
    "  local _ = cleanup\n"
    "  local name = files[(input:byte(1) or 0) % 4 + 1]\n"
    "  for _, f in ipairs(files) do os.remove(dir .. '/' .. f) end\n"
    "  local function put(path, text)\n"
    "    local f = assert(io.open(dir .. '/' .. path, 'wb')); f:write(text); f:close()\n"
    "  end\n"
    "  -- what recovery needs beside the file fuzzed: the query's id, and the\n"
    "  -- offsets a commit belongs to\n"
    "  if name ~= 'metadata' then put('metadata', '{\"id\":\"fuzz\"}\\n') end\n"
    "  if name == 'commits/0' then put('offsets/0', 'v1\\n{\"batchTimestampMs\":0}\\n-') end\n"
    "  put(name, input:sub(2))\n"
    "  local ok, err = pcall(function()\n"
    "    local cp = checkpoint.open(dir)\n"
    "    local ok2, err2 = pcall(function()\n"
    "      if name == 'offsets/0' then cp:readOffsets(0)\n"
    "      elseif name == 'commits/0' then cp:hasCommit(0)\n"
    "      elseif name == 'sources/0/0' then cp:readSourceStart(1) end\n"
    "    end)\n"
    "    cp:close()\n"
    "    if not ok2 then error(err2, 0) end\n"
    "  end)\n"
    "  if not ok and not tostring(err):find('checkpoint file ' .. dir .. '/' .. name, 1, true) "
    "then\n"
    "    error(err, 0)\n"
    "  end\n"
    "end\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_lua_run(CHECK, data, size);
    return 0;
}
