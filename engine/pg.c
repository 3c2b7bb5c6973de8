/* pg.c — placeholder. */
#include "tide_ffi.h"
