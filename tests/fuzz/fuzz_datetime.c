/*
 * fuzz_datetime.c — the datetime pattern parsers (eval_datetime_parse.c,
 * java.time's; datetime_legacy_parse.c, SimpleDateFormat's) on arbitrary
 * patterns and texts. The input is a pattern, a NUL byte and a text (no
 * NUL: the whole input is the text, read by a few common patterns). A
 * pattern compiles or fails with a message; a text is read or refused,
 * in the session time zone and in one with daylight saving time.
 */
#include "datetime_legacy_parse.h"
#include "ffi/datetime.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void read_by(const char *pattern, size_t plen, const char *text, size_t len)
{
    char err[256] = "";
    tide_datetime_pattern *p = tide_datetime_pattern_compile(pattern, plen, 1, err, sizeof err);
    if (!p && !err[0]) abort();
    int64_t micros;
    if (p) {
        tide_datetime_parse_one(p, text, len, &micros);
        tide_datetime_pattern_free(p);
    }
    err[0] = '\0';
    tide_legacy_pattern *legacy = tide_legacy_pattern_compile(pattern, plen, err, sizeof err);
    if (!legacy && !err[0]) abort();
    if (legacy) {
        tide_legacy_parse_one(legacy, text, len, &micros);
        tide_legacy_pattern_free(legacy);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ZONES[] = {"UTC", "America/Los_Angeles"};
    static const char *const PATTERNS[] = {"yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss.SSS",
                                           "dd MMM yyyy h:mm a z", "yyyyMMddHHmmssXXX"};
    char err[128];
    const uint8_t *nul = memchr(data, 0, size);
    for (size_t z = 0; z < sizeof ZONES / sizeof *ZONES; z++) {
        if (tide_time_zone_set_session(ZONES[z], strlen(ZONES[z]), err, sizeof err) != 0) abort();
        if (nul) {
            size_t plen = (size_t)(nul - data);
            read_by((const char *)data, plen, (const char *)nul + 1, size - plen - 1);
        } else {
            for (size_t k = 0; k < sizeof PATTERNS / sizeof *PATTERNS; k++)
                read_by(PATTERNS[k], strlen(PATTERNS[k]), (const char *)data, size);
        }
    }
    return 0;
}
