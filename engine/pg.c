/* pg.c — placeholder. */
#include "ffi/pg.h"
