/*
 * embedded_lua.h — tide's Lua modules as bytecode compiled into the
 * binary (the table is generated at build time by scripts/embed_lua.lua).
 */
#ifndef TIDE_EMBEDDED_LUA_H
#define TIDE_EMBEDDED_LUA_H
#include <stddef.h>

typedef struct tide_embedded_module {
    const char *name; /* "tide.batch" */
    const char *path; /* "lua/tide/batch.lua", the chunk name in tracebacks */
    const unsigned char *code;
    size_t size;
} tide_embedded_module;

/* Ends with an entry whose name is NULL. */
extern const tide_embedded_module tide_embedded_modules[];

#endif
