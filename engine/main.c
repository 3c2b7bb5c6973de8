/*
 * main.c — the tide command line: run, console, notebook, plot, broker,
 * version, help. Commands written in Lua (notebook, plot) are a module's
 * main(args).
 */
#include "broker.h"
#include "console.h"
#include "lua_host.h"
#include "ffi/workers.h"
#include "tide_ffi.h"

#include <lauxlib.h>
#include <luajit.h>
#include <libpq-fe.h>
#include <librdkafka/rdkafka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: tide [COMMAND] [ARGS...]\n"
    "\n"
    "tide is a stream processor: Lua scripts with PySpark's API, run by a C\n"
    "runtime over Kafka, PostgreSQL and a vectorized model kernel.\n"
    "\n"
    "commands:\n"
    "  run SCRIPT [ARGS...]   run a Lua script (\"-\" reads it from standard input)\n"
    "  console [-e CODE] [-i] interactive Lua console (the default on a terminal)\n"
    "  notebook FILE [--out REPORT]\n"
    "                         run a Lua notebook cell by cell into an HTML or\n"
    "                         Markdown report with tables and charts\n"
    "  plot PROGRESS [--out DIR]\n"
    "                         SVG charts of a streaming query's progress log\n"
    "  broker [OPTIONS]       an embedded Kafka broker for demos (not for tests)\n"
    "  version                versions of tide and the libraries it uses\n"
    "  help [COMMAND]         this text, or a command's help\n"
    "\n"
    "`tide` with no command is `tide console`: the interactive console on a\n"
    "terminal, and otherwise standard input run as one script with the\n"
    "console's globals (`tide`, `help`); `tide run -` runs it without them.\n"
    "`tide COMMAND --help` describes a command.\n"
    "\n"
    "environment:\n"
    "  TIDE_LUA_PATH          load tide's own Lua modules from this directory\n"
    "                         (e.g. ./lua) instead of the copies built in\n"
    "  LUA_PATH, LUA_CPATH    where `require` finds your own modules\n";

static const char run_usage[] =
    "usage: tide run SCRIPT [ARGS...]\n"
    "\n"
    "Runs a Lua script. The script sees its arguments in the global `arg`\n"
    "(arg[0] is the script, arg[1..] the arguments), as with the lua command.\n"
    "SCRIPT \"-\" reads the script from standard input.\n"
    "\n"
    "The first SIGINT or SIGTERM asks the script to stop: tide.stopRequested()\n"
    "turns true and tide.sleep() returns early, so a streaming query finishes\n"
    "the batch in flight. A second signal exits at once.\n"
    "\n"
    "Exit status: 0 on success; 1 when the script raises an error, which is\n"
    "printed with a Lua traceback; os.exit(code) gives code, after closing\n"
    "the Lua state so that batches, connections and producers are released.\n";

static const char version_usage[] =
    "usage: tide version\n"
    "\n"
    "Prints the versions of tide, LuaJIT, librdkafka, libpq and simdjson.\n";

static int print_versions(void)
{
    int pq = PQlibVersion();
    printf("tide %s\n", tide_version());
    printf("%s\n", LUAJIT_VERSION);
    printf("librdkafka %s\n", rd_kafka_version_str());
    printf("libpq %d.%d\n", pq / 10000, pq % 100);
    printf("simdjson %s\n", TIDE_SIMDJSON_VERSION);
    return 0;
}

static int wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) return 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
    }
    return 0;
}

/* Commands implemented in Lua: the module's main(args) returns the exit
   status. */
static const struct {
    const char *name, *module;
} lua_commands[] = {{"notebook", "tide.notebook"}, {"plot", "tide.plot"}};

static const char *lua_command_module(const char *name)
{
    for (size_t i = 0; i < sizeof lua_commands / sizeof lua_commands[0]; i++)
        if (strcmp(lua_commands[i].name, name) == 0) return lua_commands[i].module;
    return NULL;
}

/* argv[0] is the command's name, argv[1..] its arguments. */
static int run_lua_command(const char *module, int argc, char **argv)
{
    lua_State *L = tide_lua_new();
    if (!L) {
        fputs("tide: cannot create the Lua state (out of memory)\n", stderr);
        return 1;
    }
    tide_install_stop_signals();
    int status = 1;
    lua_getglobal(L, "require");
    lua_pushstring(L, module);
    if (tide_lua_pcall(L, 1, 1) != 0) {
        tide_lua_report(L);
    } else {
        lua_getfield(L, -1, "main");
        lua_createtable(L, argc, 0);
        for (int i = 1; i < argc; i++) {
            lua_pushstring(L, argv[i]);
            lua_rawseti(L, -2, i);
        }
        if (tide_lua_pcall(L, 1, 1) != 0) tide_lua_report(L);
        else status = (int)lua_tointeger(L, -1);
    }
    lua_close(L);
    return status;
}

static int help(const char *command)
{
    const char *module = command ? lua_command_module(command) : NULL;
    if (module) {
        char *args[] = {(char *)command, "--help", NULL};
        return run_lua_command(module, 2, args);
    }
    if (!command) fputs(usage, stdout);
    else if (strcmp(command, "run") == 0) fputs(run_usage, stdout);
    else if (strcmp(command, "console") == 0) fputs(tide_console_usage, stdout);
    else if (strcmp(command, "broker") == 0) fputs(tide_broker_usage, stdout);
    else if (strcmp(command, "version") == 0) fputs(version_usage, stdout);
    else {
        fprintf(stderr, "tide: no command '%s'; see tide --help\n", command);
        return 2;
    }
    return 0;
}

/* Runs argv[script_index] ("-" for standard input). */
static int run_script(int argc, char **argv, int script_index)
{
    lua_State *L = tide_lua_new();
    if (!L) {
        fputs("tide: cannot create the Lua state (out of memory)\n", stderr);
        return 1;
    }
    tide_install_stop_signals();
    tide_lua_set_args(L, argc, argv, script_index);
    int status = tide_lua_dofile(L, argv[script_index]);
    lua_close(L);
    return status;
}

int main(int argc, char **argv)
{
    tide_memory_init();
    atexit(tide_workers_shutdown);
    /* A script piped to `tide` is one written for the console, which is
       what `tide` opens on a terminal: the same globals either way, so
       that `tide < script.lua` and `tide console < script.lua` agree. */
    if (argc < 2) return tide_console_main(0, argv + 1);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) return help(NULL);
    if (strcmp(cmd, "help") == 0) return help(argc > 2 ? argv[2] : NULL);
    if (strcmp(cmd, "--version") == 0) return print_versions();

    if (strcmp(cmd, "run") == 0) {
        if (argc < 3 || strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) {
            fputs(run_usage, argc < 3 ? stderr : stdout);
            return argc < 3 ? 2 : 0;
        }
        int script = strcmp(argv[2], "--") == 0 ? 3 : 2;
        if (script >= argc) {
            fputs(run_usage, stderr);
            return 2;
        }
        return run_script(argc, argv, script);
    }
    if (wants_help(argc - 2, argv + 2)) return help(cmd);
    if (strcmp(cmd, "console") == 0) return tide_console_main(argc - 2, argv + 2);
    if (strcmp(cmd, "broker") == 0) return tide_broker_main(argc - 2, argv + 2);
    const char *module = lua_command_module(cmd);
    if (module) return run_lua_command(module, argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0) return print_versions();
    fprintf(stderr, "tide: no command '%s'; see tide --help\n", cmd);
    return 2;
}
