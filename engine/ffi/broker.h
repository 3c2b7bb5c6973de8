/* The embedded demo broker (librdkafka's mock cluster).
   Part of the FFI declarations (see tide_ffi.h): plain C, no macros, so
   that LuaJIT's ffi.cdef reads it as well. */
#ifndef TIDE_FFI_BROKER_H
#define TIDE_FFI_BROKER_H

#include "tide_ffi.h"

/* ---- the embedded demo broker (librdkafka's mock cluster) -------------- */

typedef struct tide_broker tide_broker;
tide_broker *tide_broker_start(int32_t partitions, char *errbuf, size_t errlen);
const char *tide_broker_bootstrap(const tide_broker *broker);
int tide_broker_create_topic(tide_broker *broker, const char *topic, int32_t partitions,
                             char *errbuf, size_t errlen);
void tide_broker_stop(tide_broker *broker);


#endif
