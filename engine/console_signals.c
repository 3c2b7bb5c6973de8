/*
 * console_signals.c — the console's signals (console.c). Ctrl-C while a
 * chunk runs sets a debug hook that raises "interrupted!" at the next Lua
 * instruction, as luajit's own REPL does; chunks are compiled with the JIT
 * off (see console.lua) so that the hook is seen. If a second Ctrl-C comes
 * before the hook ran (code stuck in C), the default action ends the
 * process. Inside a streaming micro-batch the interruption waits for the
 * batch's end. Ctrl-C at the prompt, SIGWINCH, and SIGTERM/SIGHUP at the
 * prompt are only noted, for the input loop.
 */
#include "console_int.h"

#include <lauxlib.h>
#include <lua.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

volatile sig_atomic_t console_interrupted;
volatile sig_atomic_t console_resized;
volatile sig_atomic_t console_quit_signal;

static volatile sig_atomic_t running;         /* a chunk from the prompt runs */
static volatile sig_atomic_t stopped;         /* Ctrl-C while it ran */
static volatile sig_atomic_t in_stream_batch; /* tide_console_stream_batch */
static volatile sig_atomic_t deferred;        /* a Ctrl-C waits for the batch's end */
static volatile sig_atomic_t forced;          /* a second one: interrupt the batch */

#define INTERRUPT_HOOK_MASK (LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT)

static void set_handler(int sig, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: poll() must return so the loop sees the flag. */
    sigaction(sig, &sa, NULL);
}

static void on_sigint(int sig);

/* As PySpark, where Ctrl-C in awaitTermination() leaves the query running:
   raised inside a micro-batch, the error would fail the batch and end the
   query, so it waits for the batch's end; a second Ctrl-C does not wait. */
static void interrupt_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    if (in_stream_batch && !forced) {
        deferred = 1;
        set_handler(SIGINT, on_sigint);
        fputs("\ntide: interrupting once the micro-batch in flight ends (Ctrl-C again to interrupt "
              "it, which stops its query)\n",
              stderr);
        return;
    }
    if (deferred) {
        /* Where the loop happens to be is no place of the user's. */
        deferred = forced = 0;
        lua_pushliteral(L, "interrupted!");
        lua_error(L);
    }
    /* luaL_where, not luaL_error: a hook adds no frame of its own. */
    luaL_where(L, 0);
    lua_pushfstring(L, "%sinterrupted!", lua_tostring(L, -1));
    lua_error(L);
}

static void on_sigint(int sig)
{
    if (!running) {
        console_interrupted = 1;
        return;
    }
    if (deferred) forced = 1;
    /* As luajit's laction(): until the hook runs, another Ctrl-C kills. */
    set_handler(sig, SIG_DFL);
    stopped = 1;
    lua_sethook(console.L, interrupt_hook, INTERRUPT_HOOK_MASK, 1);
}

/* Lua's streaming runner, around each micro-batch (tide_ffi.h). */
void tide_console_stream_batch(int running_now)
{
    in_stream_batch = running_now;
    if (!running_now && deferred && running)
        lua_sethook(console.L, interrupt_hook, INTERRUPT_HOOK_MASK, 1);
}

static void on_sigwinch(int sig)
{
    (void)sig;
    console_resized = 1;
}

static void on_quit_signal(int sig)
{
    if (running) {
        /* The terminal is in its normal mode while code runs: just die. */
        console_raise(sig);
        return;
    }
    console_quit_signal = sig;
}

void console_signals_install(void)
{
    set_handler(SIGINT, on_sigint);
    set_handler(SIGWINCH, on_sigwinch);
    set_handler(SIGTERM, on_quit_signal);
    set_handler(SIGHUP, on_quit_signal);
}

void console_run_begin(void)
{
    stopped = 0;
    running = 1;
}

int console_run_end(lua_State *L)
{
    running = 0;
    deferred = forced = 0;
    /* A Ctrl-C that came after the code finished left the hook set and
       the default action in place. */
    lua_sethook(L, NULL, 0, 0);
    set_handler(SIGINT, on_sigint);
    return stopped;
}

void console_raise(int sig)
{
    set_handler(sig, SIG_DFL);
    raise(sig);
}
