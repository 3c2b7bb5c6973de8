/* kafka_client.c — placeholder. */
#include "tide_ffi.h"
