/*
 * console.c — `tide console`: the interactive Lua console on libedit.
 *
 * This file owns the terminal side: arguments, line editing and history
 * (libedit's readline interface), completion, and the input loops. What a
 * line means — compiling it, printing values, completing names, idle work —
 * is lua/tide/console.lua, reached through the table require("tide.console")
 * returns, which stays at a fixed stack slot for the whole session;
 * console_chunk.c runs a line through it. console_signals.c handles the
 * signals: Ctrl-C interrupts a running chunk, and at the prompt discards the
 * line and any unfinished chunk.
 *
 * The loop waits for input with poll() and feeds libedit one key at a
 * time (rl_callback_read_char); every 100 ms without input it calls the
 * module's idle(), where streaming queries run their micro-batches.
 * A complete chunk runs from libedit's line callback, with the terminal
 * back in its normal mode.
 */
#include "console.h"
#include "console_int.h"
#include "lua_host.h"

#include <lua.h>

#include <editline/readline.h>

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <pwd.h>
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

/* The one console of the process (console_int.h). */
console_state console;

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
    if (console_is_blank(line)) return;
    if (console.last_entry && strcmp(console.last_entry, line) == 0) return;
    add_history(line);
    free(console.last_entry);
    console.last_entry = strdup(line);
    if (console.history && write_history(console.history) != 0) {
        fprintf(stderr, "tide: cannot write the history to %s; history is off\n", console.history);
        free(console.history);
        console.history = NULL;
    }
}

/* ---- completion ------------------------------------------------------------ */

static void free_completions(void)
{
    for (int i = 0; i < console.n_completions; i++)
        free(console.completions[i]);
    free(console.completions);
    console.completions = NULL;
    console.n_completions = 0;
}

/* libedit's generator protocol: one match per call, state 0 first. */
static char *next_completion(const char *text, int state)
{
    static int next;
    (void)text;
    if (state == 0) next = 0;
    if (next >= console.n_completions) return NULL;
    return strdup(console.completions[next++]);
}

static char **complete(const char *text, int start, int end)
{
    (void)start;
    (void)end;
    rl_attempted_completion_over = 1; /* never fall back to file names */
    free_completions();
    lua_State *L = console.L;
    int top = lua_gettop(L);
    lua_getfield(L, console.module, "complete");
    lua_pushstring(L, text);
    if (tide_lua_pcall(L, 1, 1) != 0 || !lua_istable(L, -1)) {
        lua_settop(L, top);
        return NULL;
    }
    int n = (int)lua_objlen(L, -1);
    console.completions = n > 0 ? calloc((size_t)n, sizeof *console.completions) : NULL;
    for (int i = 0; console.completions && i < n; i++) {
        lua_rawgeti(L, -1, i + 1);
        const char *s = lua_tostring(L, -1);
        if (s && (console.completions[console.n_completions] = strdup(s))) console.n_completions++;
        lua_pop(L, 1);
    }
    lua_settop(L, top);
    if (console.n_completions == 0) return NULL;
    return rl_completion_matches(text, next_completion);
}

/* ---- the input loops --------------------------------------------------------- */

static const char *current_prompt(void)
{
    lua_getfield(console.L, console.module, console.chunk_len ? "continuation" : "prompt");
    const char *prompt = lua_tostring(console.L, -1);
    lua_pop(console.L, 1); /* the string stays reachable from the module table */
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
        console.done = 1;
        return;
    }
    remember(line);
    console_handle_line(line);
    free(line);
    if (!console.done) show_prompt();
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
    if (console.history) read_history(console.history);

    show_prompt();
    while (!console.done && !console_quit_signal) {
        if (console_interrupted) {
            console_interrupted = 0;
            console_discard_chunk();
            fputs("^C\n", stdout);
            fflush(stdout);
            rl_callback_handler_remove();
            show_prompt();
        }
        if (console_resized) {
            console_resized = 0;
            rl_resize_terminal();
        }
        int ready = wait_input();
        if (ready < 0) break;
        if (ready > 0) {
            rl_callback_read_char();
        } else if (!console_interrupted && !console_resized && console_call_idle()) {
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
    while (!console.done && !console_quit_signal) {
        if (console_interrupted) {
            console_interrupted = 0;
            console_discard_chunk();
        }
        int ready = wait_input();
        if (ready == 0) {
            console_call_idle();
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
                console_handle_line(buf);
            }
            break;
        }
        len += (size_t)got;
        char *start = buf, *nl;
        while (!console.done && (nl = memchr(start, '\n', len - (size_t)(start - buf)))) {
            *nl = '\0';
            if (nl > start && nl[-1] == '\r') nl[-1] = '\0';
            console_handle_line(start);
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
    lua_State *L = console.L;
    console.tty = interactive_tty;
    console_signals_install();
    if (console.tty) {
        lua_getfield(L, console.module, "banner");
        if (tide_lua_pcall(L, 0, 1) == 0) {
            const char *banner = lua_tostring(L, -1);
            if (banner) printf("%s\n", banner);
            lua_pop(L, 1);
        } else {
            tide_lua_report(L);
        }
        fflush(stdout);
        console.history = history_file();
        tty_loop();
    } else {
        plain_loop();
    }
    if (console_quit_signal) {
        /* Die of the signal, now that the terminal is restored. */
        fputs("\n", stdout);
        fflush(stdout);
        console_raise(console_quit_signal);
    }
    console_report_unfinished();
    /* At a terminal the user saw each error; read from a pipe, a session
       is a run like a script's, and its status says whether it went well. */
    return !console.tty && console.failed ? 1 : 0;
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
    console.L = L;
    tide_lua_set_args(L, argc, argv, argc);
    if (load_module(L) != 0) {
        lua_close(L);
        return 1;
    }
    console.module = lua_gettop(L);

    /* The console's globals; a tide module that does not load is worth a
       warning at the prompt, not the end of the session. */
    int status = 0;
    lua_getfield(L, console.module, "setup");
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
    free(console.chunk);
    free(console.history);
    free(console.last_entry);
    memset(&console, 0, sizeof console);
    lua_close(L);
    return status;
}
