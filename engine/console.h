/*
 * console.h — `tide console`: the interactive Lua console on libedit.
 */
#ifndef TIDE_CONSOLE_H
#define TIDE_CONSOLE_H

extern const char tide_console_usage[];

/* argv holds the arguments after "console". Returns the exit status. */
int tide_console_main(int argc, char **argv);

#endif
