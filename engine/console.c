/*
 * console.c — `tide console`: the interactive Lua console on libedit.
 *
 * This file owns the terminal side: arguments, line editing and history
 * (libedit's readline interface), signals, and the input loop. What a line
 * means — compiling it, printing values, completing names, idle work — is
 * lua/tide/console.lua, reached through the table require("tide.console")
 * returns, which stays at a fixed stack slot for the whole session.
 *
 * The loop waits for input with poll() and feeds libedit one key at a
 * time (rl_callback_read_char); every 100 ms without input it calls the
 * module's idle(), where streaming queries run their micro-batches.
 * A complete chunk runs from libedit's line callback, with the terminal
 * back in its normal mode.
 *
 * Ctrl-C while a chunk runs sets a debug hook that raises "interrupted!"
 * at the next Lua instruction, as luajit's own REPL does; chunks are
 * compiled with the JIT off (see console.lua) so that the hook is seen.
 * If a second Ctrl-C comes before the hook ran (code stuck in C), the
 * default action ends the process. Ctrl-C at the prompt discards the line
 * and any unfinished chunk.
 */
#include "console.h"
#include "lua_host.h"

#include <lauxlib.h>
#include <lua.h>

#include <editline/readline.h>

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IDLE_MS     100
#define HISTORY_MAX 1000

const char tide_console_usage[] =
    "usage: tide console [-e CODE]... [-i]\n"
    "\n"
    "An interactive Lua console with tide loaded as the global `tide`. `tide`\n"
    "with no command is `tide console`.\n"
    "\n"
    "options:\n"
    "  -e CODE   run the Lua chunk CODE; may be given several times (run in\n"
    "            order). Without -i the console exits afterwards, with status 1\n"
    "            if a chunk raised an error.\n"
    "  -i        enter the interactive console after the -e chunks. With\n"
    "            standard input not a terminal, lines are then read as they\n"
    "            come, without editing or prompts; an error does not stop\n"
    "            the reading, but the exit status is then 1, and a chunk\n"
    "            left unfinished at the end of input is an error.\n"
    "\n"
    "at the prompt:\n"
    "  an expression prints its value: `1+41` prints 42; every value a chunk\n"
    "      returns is shown, tables and batches pretty-printed\n"
    "  an unfinished chunk (`function f(x)`) continues on the next line at\n"
    "      the ...> prompt\n"
    "  Tab completes global names, fields after `.` and methods after `:`\n"
    "  Ctrl-C interrupts the running code, or discards the line (and any\n"
    "      unfinished chunk) being typed\n"
    "  Ctrl-D on an empty line leaves the console (exit status 0); an\n"
    "      unfinished chunk is reported, not run\n"
    "  errors print with a traceback and the console goes on\n"
    "  `local` variables last for one chunk; use globals to keep values\n"
    "\n"
    "Code typed at the prompt runs with the JIT compiler off so that Ctrl-C\n"
    "can stop it; library code keeps the JIT. A streaming micro-batch in\n"
    "flight ends first, and its query goes on (Ctrl-C again interrupts the\n"
    "batch, ending its query). If the running code is stuck in C, a second\n"
    "Ctrl-C ends the process.\n"
    "\n"
    "The console predefines the globals `tide` (require(\"tide\")) and `help`\n"
    "(help() prints a guide, help(value) lists a value's methods); `tide run`\n"
    "does not, so a script for it starts with local tide = require(\"tide\").\n"
    "\n"
    "With standard input not a terminal and no -e, the console (and `tide`\n"
    "alone) runs it as a script, like `tide run -` with the `tide` global:\n"
    "errors print with a traceback, exit status 1.\n"
    "\n"
    "environment:\n"
    "  TIDE_HISTORY   the history file (default ~/.tide_history, the last 1000\n"
    "                 lines); set but empty, no history is kept\n";

/* Word separators for completion: Lua's operators and brackets, but not
   `.` and `:`, so that `string.up` is one word to complete. */
static const char completion_breaks[] = " \t\n\"'`@$><=;|&{}()[],+-*/%^#~";

/* The console is one per process: libedit's callbacks and the signal
   handler reach it through this. */
static struct {
    lua_State *L;
    int module;      /* stack slot of the tide.console table */
    int tty;         /* input through libedit (else plain lines) */
    int done;        /* leave the input loop */
    int idle_failed; /* idle() raised; not called again until the next line */
    int failed;      /* a chunk raised or did not compile: piped -i exits 1 */
    int line;        /* lines of input read so far */
    int chunk_line;  /* the line the unfinished chunk starts on */
    char *chunk;     /* the unfinished chunk typed so far; owned */
    size_t chunk_len, chunk_cap;
    char *history;      /* history file, or NULL; owned */
    char *last_entry;   /* last line added to the history; owned */
    char **completions; /* owned, each entry too */
    int n_completions;
} con;

static volatile sig_atomic_t running;     /* a chunk from the prompt runs */
static volatile sig_atomic_t stopped;     /* Ctrl-C while it ran */
static volatile sig_atomic_t interrupted; /* Ctrl-C at the prompt */
static volatile sig_atomic_t resized;     /* SIGWINCH */
static volatile sig_atomic_t quit_signal; /* SIGTERM/SIGHUP at the prompt */
static volatile sig_atomic_t in_stream_batch; /* tide_console_stream_batch */
static volatile sig_atomic_t deferred;        /* a Ctrl-C waits for the batch's end */
static volatile sig_atomic_t forced;          /* a second one: interrupt the batch */

#define INTERRUPT_HOOK_MASK (LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT)

static void on_sigint(int sig);

/* ---- signals ------------------------------------------------------------ */

static void set_handler(int sig, void (*handler)(int));

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

static void set_handler(int sig, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: poll() must return so the loop sees the flag. */
    sigaction(sig, &sa, NULL);
}

static void on_sigint(int sig)
{
    if (!running) {
        interrupted = 1;
        return;
    }
    if (deferred) forced = 1;
    /* As luajit's laction(): until the hook runs, another Ctrl-C kills. */
    set_handler(sig, SIG_DFL);
    stopped = 1;
    lua_sethook(con.L, interrupt_hook, INTERRUPT_HOOK_MASK, 1);
}

void tide_console_stream_batch(int running_now)
{
    in_stream_batch = running_now;
    if (!running_now && deferred && running)
        lua_sethook(con.L, interrupt_hook, INTERRUPT_HOOK_MASK, 1);
}

static void on_sigwinch(int sig)
{
    (void)sig;
    resized = 1;
}

static void on_quit_signal(int sig)
{
    if (running) {
        /* The terminal is in its normal mode while code runs: just die. */
        set_handler(sig, SIG_DFL);
        raise(sig);
        return;
    }
    quit_signal = sig;
}

static void install_console_signals(void)
{
    set_handler(SIGINT, on_sigint);
    set_handler(SIGWINCH, on_sigwinch);
    set_handler(SIGTERM, on_quit_signal);
    set_handler(SIGHUP, on_quit_signal);
}

/* ---- running what was typed ---------------------------------------------- */

enum compiled { COMPILED, INCOMPLETE, FAILED };

/* console.compile(chunk): on COMPILED leaves the function on the stack; a
   syntax error is reported. */
static enum compiled compile_chunk(lua_State *L, const char *code, size_t len)
{
    lua_getfield(L, con.module, "compile");
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
    stopped = 0;
    running = 1;
    int status = tide_lua_pcall(L, 0, LUA_MULTRET);
    int n = lua_gettop(L) - base;
    if (status == 0 && n > 0) {
        lua_getfield(L, con.module, "show");
        lua_insert(L, base + 1);
        status = tide_lua_pcall(L, n, 0);
    }
    running = 0;
    deferred = forced = 0;
    /* A Ctrl-C that came after the code finished left the hook set and
       the default action in place. */
    lua_sethook(L, NULL, 0, 0);
    set_handler(SIGINT, on_sigint);
    fflush(stdout);
    if (status != 0) {
        /* The terminal echoed ^C; start the message on a line of its own. */
        if (stopped && con.tty) fputs("\n", stderr);
        tide_lua_report(L);
        con.failed = 1;
    }
    lua_settop(L, base);
}

static void discard_chunk(void)
{
    con.chunk_len = 0;
}

static int append_chunk(const char *line)
{
    size_t len = strlen(line);
    size_t need = con.chunk_len + len + 2;
    if (need > con.chunk_cap) {
        size_t cap = con.chunk_cap ? con.chunk_cap : 256;
        while (cap < need)
            cap *= 2;
        char *grown = realloc(con.chunk, cap);
        if (!grown) return -1;
        con.chunk = grown;
        con.chunk_cap = cap;
    }
    if (con.chunk_len > 0) con.chunk[con.chunk_len++] = '\n';
    memcpy(con.chunk + con.chunk_len, line, len + 1);
    con.chunk_len += len;
    return 0;
}

static int is_blank(const char *s)
{
    for (; *s; s++)
        if (!strchr(" \t\r\n", *s)) return 0;
    return 1;
}

/* One line of input: it completes a chunk (which then runs), continues
   one, or is a syntax error. */
static void handle_line(const char *line)
{
    con.idle_failed = 0;
    con.line++;
    if (con.chunk_len == 0 && is_blank(line)) return;
    if (con.chunk_len == 0) con.chunk_line = con.line;
    if (append_chunk(line) != 0) {
        fputs("tide: out of memory\n", stderr);
        discard_chunk();
        return;
    }
    switch (compile_chunk(con.L, con.chunk, con.chunk_len)) {
    case COMPILED:
        discard_chunk();
        run_chunk(con.L);
        break;
    case INCOMPLETE:
        break;
    case FAILED:
        discard_chunk();
        con.failed = 1;
        break;
    }
}

/* Input ended (Ctrl-D, or the end of a pipe) inside an unfinished chunk:
   said, not dropped in silence, with Lua's own message about the end of
   input (console.unfinished), as a script with the same text would get. */
static void report_unfinished(void)
{
    if (con.chunk_len == 0) return;
    lua_State *L = con.L;
    lua_getfield(L, con.module, "unfinished");
    lua_pushlstring(L, con.chunk, con.chunk_len);
    lua_pushinteger(L, con.chunk_line);
    if (tide_lua_pcall(L, 2, 1) != 0 || !lua_isstring(L, -1)) {
        lua_pop(L, 1);
        lua_pushfstring(
            L, "the input ended inside an unfinished chunk (from line %d), which did not run",
            con.chunk_line);
    }
    tide_lua_report(L);
    discard_chunk();
    con.failed = 1;
}

/* The module's idle(); true when it wrote to the terminal. */
static int call_idle(void)
{
    if (con.idle_failed) return 0;
    lua_State *L = con.L;
    lua_getfield(L, con.module, "idle");
    if (tide_lua_pcall(L, 0, 1) != 0) {
        /* Reported once: an idle() that always fails would flood the
           screen ten times a second. */
        if (con.tty) fputs("\n", stdout); /* off the prompt line */
        fflush(stdout);
        tide_lua_report(L);
        con.idle_failed = 1;
        return 1;
    }
    int wrote = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return wrote;
}

/* ---- history ------------------------------------------------------------- */

static char *history_file(void)
{
    const char *env = getenv("TIDE_HISTORY");
    if (env) return *env ? strdup(env) : NULL;
    const char *home = getenv("HOME");
    if (!home || !*home) {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : NULL;
    }
    if (!home) return NULL;
    size_t size = strlen(home) + sizeof "/.tide_history";
    char *path = malloc(size);
    if (path) snprintf(path, size, "%s/.tide_history", home);
    return path;
}

/* Adds the line and saves the whole history at once, so that it survives
   a console that is killed; it is at most HISTORY_MAX short lines. */
static void remember(const char *line)
{
    if (is_blank(line)) return;
    if (con.last_entry && strcmp(con.last_entry, line) == 0) return;
    add_history(line);
    free(con.last_entry);
    con.last_entry = strdup(line);
    if (con.history && write_history(con.history) != 0) {
        fprintf(stderr, "tide: cannot write the history to %s; history is off\n", con.history);
        free(con.history);
        con.history = NULL;
    }
}

/* ---- completion ------------------------------------------------------------ */

static void free_completions(void)
{
    for (int i = 0; i < con.n_completions; i++)
        free(con.completions[i]);
    free(con.completions);
    con.completions = NULL;
    con.n_completions = 0;
}

/* libedit's generator protocol: one match per call, state 0 first. */
static char *next_completion(const char *text, int state)
{
    static int next;
    (void)text;
    if (state == 0) next = 0;
    if (next >= con.n_completions) return NULL;
    return strdup(con.completions[next++]);
}

static char **complete(const char *text, int start, int end)
{
    (void)start;
    (void)end;
    rl_attempted_completion_over = 1; /* never fall back to file names */
    free_completions();
    lua_State *L = con.L;
    int top = lua_gettop(L);
    lua_getfield(L, con.module, "complete");
    lua_pushstring(L, text);
    if (tide_lua_pcall(L, 1, 1) != 0 || !lua_istable(L, -1)) {
        lua_settop(L, top);
        return NULL;
    }
    int n = (int)lua_objlen(L, -1);
    con.completions = n > 0 ? calloc((size_t)n, sizeof *con.completions) : NULL;
    for (int i = 0; con.completions && i < n; i++) {
        lua_rawgeti(L, -1, i + 1);
        const char *s = lua_tostring(L, -1);
        if (s && (con.completions[con.n_completions] = strdup(s))) con.n_completions++;
        lua_pop(L, 1);
    }
    lua_settop(L, top);
    if (con.n_completions == 0) return NULL;
    return rl_completion_matches(text, next_completion);
}

/* ---- the input loops --------------------------------------------------------- */

static const char *current_prompt(void)
{
    lua_getfield(con.L, con.module, con.chunk_len ? "continuation" : "prompt");
    const char *prompt = lua_tostring(con.L, -1);
    lua_pop(con.L, 1); /* the string stays reachable from the module table */
    return prompt ? prompt : "> ";
}

static void on_line(char *line);

/* (Re)installing the handler is what makes libedit show a fresh prompt
   with an empty line. */
static void show_prompt(void)
{
    rl_callback_handler_install(current_prompt(), on_line);
}

/* libedit's line callback; line is NULL on Ctrl-D, and ours to free. */
static void on_line(char *line)
{
    if (!line) {
        fputs("\n", stdout);
        con.done = 1;
        return;
    }
    remember(line);
    handle_line(line);
    free(line);
    if (!con.done) show_prompt();
}

static int wait_input(void)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    int n = poll(&p, 1, IDLE_MS);
    if (n < 0) return errno == EINTR ? 0 : -1;
    if (n == 0) return 0;
    if (p.revents & POLLIN) return 1;
    return -1; /* the terminal or pipe is gone */
}

static void tty_loop(void)
{
    /* libedit's own handlers would re-raise SIGINT to the whole process
       group (kill(0, sig)); the console handles its signals itself. */
    /* libedit reads and shows multibyte characters only under the user's
       LC_CTYPE; in the "C" locale it drops them. */
    setlocale(LC_CTYPE, "");
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_readline_name = "tide";
    rl_attempted_completion_function = complete;
    rl_basic_word_break_characters = completion_breaks;
    rl_completion_append_character = '\0';
    using_history();
    stifle_history(HISTORY_MAX);
    if (con.history) read_history(con.history);

    show_prompt();
    while (!con.done && !quit_signal) {
        if (interrupted) {
            interrupted = 0;
            discard_chunk();
            fputs("^C\n", stdout);
            fflush(stdout);
            rl_callback_handler_remove();
            show_prompt();
        }
        if (resized) {
            resized = 0;
            rl_resize_terminal();
        }
        int ready = wait_input();
        if (ready < 0) break;
        if (ready > 0) {
            rl_callback_read_char();
        } else if (!interrupted && !resized && call_idle()) {
            rl_forced_update_display();
        }
    }
    rl_callback_handler_remove();
}

/* Standard input that is not a terminal, with -i: lines as they come, no
   prompt, same meaning as at the terminal. */
static void plain_loop(void)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    while (!con.done && !quit_signal) {
        if (interrupted) {
            interrupted = 0;
            discard_chunk();
        }
        int ready = wait_input();
        if (ready == 0) {
            call_idle();
            continue;
        }
        if (len + 4096 + 1 > cap) {
            size_t grown_cap = cap ? cap * 2 : 8192;
            char *grown = realloc(buf, grown_cap);
            if (!grown) break;
            buf = grown;
            cap = grown_cap;
        }
        ssize_t got = ready > 0 ? read(STDIN_FILENO, buf + len, 4096) : 0;
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            if (len > 0) {
                buf[len] = '\0';
                handle_line(buf);
            }
            break;
        }
        len += (size_t)got;
        char *start = buf, *nl;
        while (!con.done && (nl = memchr(start, '\n', len - (size_t)(start - buf)))) {
            *nl = '\0';
            if (nl > start && nl[-1] == '\r') nl[-1] = '\0';
            handle_line(start);
            start = nl + 1;
        }
        len -= (size_t)(start - buf);
        memmove(buf, start, len);
    }
    free(buf);
}

/* ---- entry ------------------------------------------------------------------- */

static int usage_error(const char *fmt, const char *arg)
{
    fputs("tide console: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n\n", stderr);
    fputs(tide_console_usage, stderr);
    return 2;
}

/* require("tide.console") onto the stack; 0 on success. */
static int load_module(lua_State *L)
{
    lua_getglobal(L, "require");
    lua_pushstring(L, "tide.console");
    if (tide_lua_pcall(L, 1, 1) != 0) {
        tide_lua_report(L);
        return -1;
    }
    return 0;
}

static int repl(int interactive_tty)
{
    lua_State *L = con.L;
    con.tty = interactive_tty;
    install_console_signals();
    if (con.tty) {
        lua_getfield(L, con.module, "banner");
        if (tide_lua_pcall(L, 0, 1) == 0) {
            const char *banner = lua_tostring(L, -1);
            if (banner) printf("%s\n", banner);
            lua_pop(L, 1);
        } else {
            tide_lua_report(L);
        }
        fflush(stdout);
        con.history = history_file();
        tty_loop();
    } else {
        plain_loop();
    }
    if (quit_signal) {
        /* Die of the signal, now that the terminal is restored. */
        fputs("\n", stdout);
        fflush(stdout);
        set_handler(quit_signal, SIG_DFL);
        raise(quit_signal);
    }
    report_unfinished();
    /* At a terminal the user saw each error; read from a pipe, a session
       is a run like a script's, and its status says whether it went well. */
    return !con.tty && con.failed ? 1 : 0;
}

int tide_console_main(int argc, char **argv)
{
    int n_code = 0, interactive = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-e") == 0) {
            if (++i >= argc) return usage_error("%s needs a Lua chunk", "-e");
            n_code++;
        } else if (strcmp(argv[i], "-i") == 0) {
            interactive = 1;
        } else {
            return usage_error("unknown argument '%s'", argv[i]);
        }
    }
    int stdin_tty = isatty(STDIN_FILENO);
    if (n_code == 0 && stdin_tty) interactive = 1;

    lua_State *L = tide_lua_new();
    if (!L) {
        fputs("tide: cannot create the Lua state (out of memory)\n", stderr);
        return 1;
    }
    con.L = L;
    tide_lua_set_args(L, argc, argv, argc);
    if (load_module(L) != 0) {
        lua_close(L);
        return 1;
    }
    con.module = lua_gettop(L);

    /* The console's globals; a tide module that does not load is worth a
       warning at the prompt, not the end of the session. */
    int status = 0;
    lua_getfield(L, con.module, "setup");
    if (tide_lua_pcall(L, 0, 1) != 0) {
        tide_lua_report(L);
    } else {
        if (interactive && lua_isstring(L, -1))
            fprintf(stderr, "tide: warning: require(\"tide\") failed: %s\n", lua_tostring(L, -1));
        lua_pop(L, 1);
    }

    /* -e chunks and scripts behave as under `tide run`: a signal is a stop
       request, a second one exits. */
    if (n_code > 0 || !interactive) tide_install_stop_signals();
    for (int i = 0; i < argc && status == 0; i++) {
        if (strcmp(argv[i], "-e") == 0) status = tide_lua_dostring(L, argv[++i], "=(command line)");
    }
    if (status == 0) {
        if (interactive)
            status = repl(stdin_tty);
        else if (n_code == 0 && (status = tide_lua_dofile(L, "-")) != 0)
            /* Lines typed as at the prompt (an expression alone, `df`) do
               not make a script: say how to have them read as typed. */
            fputs("tide: standard input is not a terminal, so the console ran it as one script;"
                  " `tide console -i` reads it line by line, as typed\n",
                  stderr);
    }

    free_completions();
    free(con.chunk);
    free(con.history);
    free(con.last_entry);
    memset(&con, 0, sizeof con);
    lua_close(L);
    return status;
}
