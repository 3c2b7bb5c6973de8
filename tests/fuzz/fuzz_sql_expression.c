/*
 * fuzz_sql_expression.c — the SQL expression parser of selectExpr and
 * where: any text gives a node (whose name can be printed) or a syntax
 * error naming a position, never another Lua error.
 */
#include "fuzz_lua.h"

#include <stdint.h>

static const char CHECK[] =
    "local sql = require('tide.sql')\n"
    "return function(text)\n"
    "  local ok, node = pcall(sql.parseNamedExpression, text)\n"
    "  if not ok then\n"
    "    if not tostring(node):find('syntax error at position', 1, true) then error(node, 0) end\n"
    "    return\n"
    "  end\n"
    "  sql.toString(node)\n"
    "  sql.outputName(node)\n"
    "end\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_lua_run(CHECK, data, size);
    return 0;
}
