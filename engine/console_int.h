/*
 * console_int.h — the console's state, shared by its files: console.c
 * (arguments, line editing, history, completion, the input loops),
 * console_chunk.c (what a line of input does: chunks compiled, run and
 * shown; idle()) and console_signals.c (Ctrl-C and the other signals).
 * C only.
 */
#ifndef TIDE_CONSOLE_INT_H
#define TIDE_CONSOLE_INT_H
#include <lua.h>

#include <signal.h>
#include <stddef.h>

/* The console is one per process: libedit's callbacks and the signal
   handlers reach it through this. */
typedef struct {
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
} console_state;

extern console_state console;

/* console_signals.c: what its handlers note for the input loops. */
extern volatile sig_atomic_t console_interrupted; /* Ctrl-C at the prompt */
extern volatile sig_atomic_t console_resized;     /* SIGWINCH */
extern volatile sig_atomic_t console_quit_signal; /* SIGTERM/SIGHUP at the prompt */

/* console_signals.c: installs the console's handlers (SIGINT, SIGWINCH,
   SIGTERM, SIGHUP). */
void console_signals_install(void);
/* console_signals.c: around code run from the prompt, which Ctrl-C can
   interrupt; end clears what a Ctrl-C left set and returns whether one
   came while it ran. */
void console_run_begin(void);
int console_run_end(lua_State *L);
/* console_signals.c: dies of sig, its default action restored. */
void console_raise(int sig);

/* console_chunk.c: one line of input, which completes a chunk (then run,
   its values shown), continues one, or is a syntax error. */
void console_handle_line(const char *line);
/* console_chunk.c: drops the unfinished chunk (Ctrl-C at the prompt). */
void console_discard_chunk(void);
/* console_chunk.c: at the end of input, reports an unfinished chunk. */
void console_report_unfinished(void);
/* console_chunk.c: the module's idle(); true when it wrote to the
   terminal. */
int console_call_idle(void);
/* console_chunk.c: s is only white space. */
int console_is_blank(const char *s);

#endif
