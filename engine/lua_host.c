/*
 * lua_host.c — creates the LuaJIT state, finds tide's Lua modules, runs
 * chunks with tracebacks, and turns signals into stop requests.
 */
#include "lua_host.h"
#include "embedded_lua.h"
#include "tide_ffi.h"

#include <lauxlib.h>
#include <lualib.h>
#include <luajit.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

int tide_stop_requested(void)
{
    return stop_requested;
}

void tide_request_stop(void)
{
    stop_requested = 1;
}

/* When the first stop signal came, in CLOCK_MONOTONIC ns (0: none yet). */
static int64_t first_signal_ns;

static int64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* async-signal-safe */
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The first SIGINT/SIGTERM asks the query to stop after the batch in
   flight; a second one exits at once. One within half a second of the
   first is the same request delivered twice, not a second: timeout(1)
   signals its child and then the child's process group, and wrappers
   forward to a group that got the signal already. */
static void on_stop_signal(int sig)
{
    int64_t now = monotonic_ns();
    if (first_signal_ns != 0 && now - first_signal_ns >= 500000000) {
        static const char msg[] = "\ntide: second signal, exiting now\n";
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        _exit(128 + sig);
    }
    if (first_signal_ns == 0) first_signal_ns = now;
    stop_requested = 1;
}

void tide_install_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* ---- module search ------------------------------------------------------ */

static const tide_embedded_module *find_embedded(const char *name)
{
    for (const tide_embedded_module *m = tide_embedded_modules; m->name; m++)
        if (strcmp(m->name, name) == 0) return m;
    return NULL;
}

/* Tries TIDE_LUA_PATH/<name as path>.lua and .../init.lua. */
static int load_override(lua_State *L, const char *root, const char *name)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, root);
    luaL_addchar(&b, '/');
    for (const char *p = name; *p; p++) luaL_addchar(&b, *p == '.' ? '/' : *p);
    luaL_pushresult(&b);
    const char *base = lua_tostring(L, -1);
    const char *suffixes[] = {".lua", "/init.lua"};
    for (int i = 0; i < 2; i++) {
        lua_pushfstring(L, "%s%s", base, suffixes[i]);
        const char *path = lua_tostring(L, -1);
        FILE *f = fopen(path, "r");
        if (f) {
            fclose(f);
            if (luaL_loadfile(L, path) != 0) return lua_error(L);
            lua_remove(L, -2); /* path */
            lua_remove(L, -2); /* base */
            return 1;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return 0;
}

static int tide_searcher(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    const char *root = getenv("TIDE_LUA_PATH");
    if (root && *root && load_override(L, root, name)) return 1;
    const tide_embedded_module *m = find_embedded(name);
    if (!m) {
        lua_pushfstring(L, "\n\tno module '%s' built into tide", name);
        return 1;
    }
    lua_pushfstring(L, "@%s", m->path);
    if (luaL_loadbuffer(L, (const char *)m->code, m->size, lua_tostring(L, -1)) != 0)
        return lua_error(L);
    return 1;
}

/* Puts tide's searcher right after package.preload, ahead of LUA_PATH. */
static void install_searcher(lua_State *L)
{
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "loaders");
    int n = (int)lua_objlen(L, -1);
    for (int i = n; i >= 2; i--) {
        lua_rawgeti(L, -1, i);
        lua_rawseti(L, -2, i + 1);
    }
    lua_pushcfunction(L, tide_searcher);
    lua_rawseti(L, -2, 2);
    lua_pop(L, 2);
}

/* os.exit(code) closes the state first unless told not to (os.exit(code,
   false)): finalizers release batches, connections and producers, so an
   exit in the middle of a script leaks nothing and flushes what it should. */
static const char close_on_exit[] =
    "local exit = os.exit\n"
    "os.exit = function(code, close)\n"
    "  if close == nil then close = true end\n"
    "  return exit(code, close)\n"
    "end\n";

/* Python's True, False and None, read as Lua globals, are nil without a
   word: a Spark user's option("header", True) would turn the header off.
   Reading one that the script has not defined is an error at the line. */
static const char python_names[] =
    "local lua = { True = 'true', False = 'false', None = 'nil' }\n"
    "setmetatable(_G, { __index = function(_, name)\n"
    "  if lua[name] then\n"
    "    error(('%s is Python; in Lua write %s'):format(name, lua[name]), 2)\n"
    "  end\n"
    "end })\n";

lua_State *tide_lua_new(void)
{
    lua_State *L = luaL_newstate();
    if (!L) return NULL;
    luaL_openlibs(L);
    install_searcher(L);
    if (luaL_dostring(L, close_on_exit) != 0 || luaL_dostring(L, python_names) != 0) {
        lua_close(L);
        return NULL;
    }
    return L;
}

void tide_lua_set_args(lua_State *L, int argc, char **argv, int script_index)
{
    lua_createtable(L, argc - script_index, script_index + 1);
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - script_index);
    }
    lua_setglobal(L, "arg");
}

/* ---- running chunks ---------------------------------------------------- */

/* Whether msg begins with a place, "file:line: ". */
static int has_place(const char *msg)
{
    const char *colon = strchr(msg, ':');
    if (!colon || memchr(msg, '\n', (size_t)(colon - msg))) return 0;
    const char *p = colon + 1;
    if (*p < '0' || *p > '9') return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == ':';
}

/* Whether a chunk is one of tide's own modules (built in, or loaded from
   TIDE_LUA_PATH). */
static int is_tide_module(const char *source)
{
    if (strncmp(source, "@lua/tide/", 10) == 0) return 1;
    const char *root = getenv("TIDE_LUA_PATH");
    size_t n = root ? strlen(root) : 0;
    return n > 0 && source[0] == '@' && strncmp(source + 1, root, n) == 0 &&
           strncmp(source + 1 + n, "/tide/", 6) == 0;
}

/* An error raised without a place (error(msg, 0), or a level that a tail
   call made point past the script) gets the line of the script that led
   to it: the innermost frame outside tide's modules. */
static void add_place(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (has_place(msg)) return;
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0 || strcmp(ar.what, "C") == 0 ||
            is_tide_module(ar.source))
            continue;
        lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
        lua_replace(L, 1);
        return;
    }
}

/* The message at stack index `index` (absolute) with tide.error_hints'
   hints (where Lua's wording leaves a Spark user without the way out); as
   it was if that fails. */
static void add_hints(lua_State *L, int index)
{
    int top = lua_gettop(L);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "tide.error_hints");
    if (lua_pcall(L, 1, 1, 0) == 0 && lua_istable(L, -1)) {
        lua_getfield(L, -1, "explain");
        lua_pushvalue(L, index);
        if (lua_pcall(L, 1, 1, 0) == 0 && lua_isstring(L, -1)) lua_replace(L, index);
    }
    lua_settop(L, top);
}

static int traceback(lua_State *L)
{
    if (!lua_isstring(L, 1)) {
        /* A non-string error: use its __tostring when it has one. */
        if (luaL_callmeta(L, 1, "__tostring") && lua_isstring(L, -1)) {
            lua_replace(L, 1);
        } else {
            lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
            lua_replace(L, 1);
        }
    }
    add_place(L);
    add_hints(L, 1);
    luaL_traceback(L, L, lua_tostring(L, 1), 1);
    return 1;
}

int tide_lua_pcall(lua_State *L, int nargs, int nresults)
{
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, traceback);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    return status;
}

void tide_lua_report(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "tide: %s\n", msg ? msg : "(error object is not a string)");
    fflush(stderr);
    lua_pop(L, 1);
}

int tide_lua_dofile(lua_State *L, const char *path)
{
    int status = luaL_loadfile(L, strcmp(path, "-") == 0 ? NULL : path);
    if (status == 0)
        status = tide_lua_pcall(L, 0, 0);
    else if (lua_isstring(L, -1))
        add_hints(L, lua_gettop(L)); /* a syntax error: df:write:mode(...) */
    if (status != 0) tide_lua_report(L);
    return status ? 1 : 0;
}

int tide_lua_dostring(lua_State *L, const char *code, const char *chunkname)
{
    int status = luaL_loadbuffer(L, code, strlen(code), chunkname);
    if (status == 0) status = tide_lua_pcall(L, 0, 0);
    if (status != 0) tide_lua_report(L);
    return status ? 1 : 0;
}
