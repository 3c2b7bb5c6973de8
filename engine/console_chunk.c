/*
 * console_chunk.c — what a line typed at the console (console.c) does.
 * Lines join the unfinished chunk until console.lua's compile() finds it
 * complete; then it runs, with Ctrl-C able to interrupt it
 * (console_signals.c), and show() prints the values it returns. A syntax
 * error, or an error while it runs, is reported and the console goes on.
 * Also the module's idle(), between keys, and the report of a chunk left
 * unfinished when input ends.
 */
#include "console_int.h"
#include "lua_host.h"

#include <lua.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum compiled { COMPILED, INCOMPLETE, FAILED };

/* console.lua's compile(chunk): on COMPILED leaves the function on the
   stack; a syntax error is reported. */
static enum compiled compile_chunk(lua_State *L, const char *code, size_t len)
{
    lua_getfield(L, console.module, "compile");
    lua_pushlstring(L, code, len);
    if (tide_lua_pcall(L, 1, 3) != 0) {
        tide_lua_report(L);
        return FAILED;
    }
    if (lua_isfunction(L, -3)) {
        lua_pop(L, 2);
        return COMPILED;
    }
    if (lua_toboolean(L, -1)) {
        lua_pop(L, 3);
        return INCOMPLETE;
    }
    lua_pop(L, 1);
    lua_remove(L, -2);
    tide_lua_report(L);
    return FAILED;
}

/* Runs the function on top of the stack and shows what it returns; both
   can be interrupted. Errors are reported and the console goes on. */
static void run_chunk(lua_State *L)
{
    int base = lua_gettop(L) - 1;
    fflush(stdout);
    console_run_begin();
    int status = tide_lua_pcall(L, 0, LUA_MULTRET);
    int n = lua_gettop(L) - base;
    if (status == 0 && n > 0) {
        lua_getfield(L, console.module, "show");
        lua_insert(L, base + 1);
        status = tide_lua_pcall(L, n, 0);
    }
    int stopped = console_run_end(L);
    fflush(stdout);
    if (status != 0) {
        /* The terminal echoed ^C; start the message on a line of its own. */
        if (stopped && console.tty) fputs("\n", stderr);
        tide_lua_report(L);
        console.failed = 1;
    }
    lua_settop(L, base);
}

void console_discard_chunk(void)
{
    console.chunk_len = 0;
}

static int append_chunk(const char *line)
{
    size_t len = strlen(line);
    size_t need = console.chunk_len + len + 2;
    if (need > console.chunk_cap) {
        size_t cap = console.chunk_cap ? console.chunk_cap : 256;
        while (cap < need)
            cap *= 2;
        char *grown = realloc(console.chunk, cap);
        if (!grown) return -1;
        console.chunk = grown;
        console.chunk_cap = cap;
    }
    if (console.chunk_len > 0) console.chunk[console.chunk_len++] = '\n';
    memcpy(console.chunk + console.chunk_len, line, len + 1);
    console.chunk_len += len;
    return 0;
}

int console_is_blank(const char *s)
{
    for (; *s; s++)
        if (!strchr(" \t\r\n", *s)) return 0;
    return 1;
}

/* One line of input: it completes a chunk (which then runs), continues
   one, or is a syntax error. */
void console_handle_line(const char *line)
{
    console.idle_failed = 0;
    console.line++;
    if (console.chunk_len == 0 && console_is_blank(line)) return;
    if (console.chunk_len == 0) console.chunk_line = console.line;
    if (append_chunk(line) != 0) {
        fputs("tide: out of memory\n", stderr);
        console_discard_chunk();
        return;
    }
    switch (compile_chunk(console.L, console.chunk, console.chunk_len)) {
    case COMPILED:
        console_discard_chunk();
        run_chunk(console.L);
        break;
    case INCOMPLETE:
        break;
    case FAILED:
        console_discard_chunk();
        console.failed = 1;
        break;
    }
}

/* Input ended (Ctrl-D, or the end of a pipe) inside an unfinished chunk:
   said, not dropped in silence, with Lua's own message about the end of
   input (console.lua's unfinished()), as a script with the same text would get. */
void console_report_unfinished(void)
{
    if (console.chunk_len == 0) return;
    lua_State *L = console.L;
    lua_getfield(L, console.module, "unfinished");
    lua_pushlstring(L, console.chunk, console.chunk_len);
    lua_pushinteger(L, console.chunk_line);
    if (tide_lua_pcall(L, 2, 1) != 0 || !lua_isstring(L, -1)) {
        lua_pop(L, 1);
        lua_pushfstring(
            L, "the input ended inside an unfinished chunk (from line %d), which did not run",
            console.chunk_line);
    }
    tide_lua_report(L);
    console_discard_chunk();
    console.failed = 1;
}

/* The module's idle(); true when it wrote to the terminal. */
int console_call_idle(void)
{
    if (console.idle_failed) return 0;
    lua_State *L = console.L;
    lua_getfield(L, console.module, "idle");
    if (tide_lua_pcall(L, 0, 1) != 0) {
        /* Reported once: an idle() that always fails would flood the
           screen ten times a second. */
        if (console.tty) fputs("\n", stdout); /* off the prompt line */
        fflush(stdout);
        tide_lua_report(L);
        console.idle_failed = 1;
        return 1;
    }
    int wrote = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return wrote;
}
