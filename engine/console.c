/* console.c — placeholder, replaced by the libedit console. */
#include "console.h"
#include "lua_host.h"

#include <lauxlib.h>

const char tide_console_usage[] = "usage: tide console [-e CODE] [-i]\n";

int tide_console_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    lua_State *L = tide_lua_new();
    int status = tide_lua_dofile(L, "-");
    lua_close(L);
    return status;
}
