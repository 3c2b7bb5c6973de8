/*
 * fuzz_lua.h — fuzz targets whose parser is written in Lua. CHECK_CODE is
 * a Lua chunk returning function(input) that runs the parser and raises
 * only when the parser failed in a way it should not (anything but its own
 * clear error): that raise aborts, which the fuzzer reports as a crash.
 */
#ifndef TIDE_FUZZ_LUA_H
#define TIDE_FUZZ_LUA_H

#include "lua_host.h"

#include <lauxlib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static lua_State *fuzz_lua;

/* Closing the state runs the finalizers (temporary files go). */
static void fuzz_lua_close(void) { lua_close(fuzz_lua); }

static void fuzz_lua_run(const char *check_code, const uint8_t *data, size_t size)
{
    if (!fuzz_lua) {
        fuzz_lua = tide_lua_new();
        if (!fuzz_lua || luaL_loadstring(fuzz_lua, check_code) != 0 ||
            tide_lua_pcall(fuzz_lua, 0, 1) != 0) {
            fprintf(stderr, "fuzz target setup: %s\n", fuzz_lua ? lua_tostring(fuzz_lua, -1) : "no Lua state");
            abort();
        }
        lua_setglobal(fuzz_lua, "fuzz_check");
        atexit(fuzz_lua_close);
    }
    lua_getglobal(fuzz_lua, "fuzz_check");
    lua_pushlstring(fuzz_lua, (const char *)data, size);
    if (tide_lua_pcall(fuzz_lua, 1, 0) != 0) {
        fprintf(stderr, "unexpected failure on a %zu-byte input:\n%s\n", size,
                lua_tostring(fuzz_lua, -1));
        abort();
    }
    /* Keep memory flat over millions of inputs. */
    lua_gc(fuzz_lua, LUA_GCSTEP, 0);
}

#endif
