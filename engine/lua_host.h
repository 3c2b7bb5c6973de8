/*
 * lua_host.h — the LuaJIT state tide runs scripts in.
 *
 * tide_lua_new() opens the standard libraries and makes `require` find
 * tide's own modules: from TIDE_LUA_PATH when set (development), else from
 * the bytecode compiled into the binary. LUA_PATH/LUA_CPATH keep working
 * for the user's own modules. Errors are reported in one place,
 * tide_lua_report(), with the Lua traceback.
 */
#ifndef TIDE_LUA_HOST_H
#define TIDE_LUA_HOST_H
#include <lua.h>

lua_State *tide_lua_new(void);
/* Sets the global `arg` as the lua command does: arg[0] is the script,
   arg[1..] its arguments, negative indices what came before. */
void tide_lua_set_args(lua_State *L, int argc, char **argv, int script_index);
/* Calls the function below nargs arguments with a traceback handler.
   On error leaves the message with traceback on the stack and returns
   non-zero. */
int tide_lua_pcall(lua_State *L, int nargs, int nresults);
/* Loads and runs a file ("-" is standard input), or a string. On error
   reports it and returns 1. */
int tide_lua_dofile(lua_State *L, const char *path);
int tide_lua_dostring(lua_State *L, const char *code, const char *chunkname);
/* Prints the error on top of the stack to stderr and pops it. */
void tide_lua_report(lua_State *L);

/* Signals: in scripts the first SIGINT/SIGTERM requests a stop and a
   second one exits at once. */
void tide_install_stop_signals(void);

#endif
