/* broker.c — placeholder, replaced by the mock-cluster broker. */
#include "broker.h"
#include "tide_ffi.h"

#include <stddef.h>

const char tide_broker_usage[] = "usage: tide broker\n";

int tide_broker_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 1;
}
