/* kafka_client.c — placeholder. */
#include "ffi/kafka.h"
