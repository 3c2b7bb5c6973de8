/*
 * time_zone.h — time zones as Spark names them (DateTimeUtils.getZoneId:
 * offsets, UTC/GMT/UT, Java's SHORT_IDS, tzdata's region ids) and the
 * conversions between an instant and its local time in one, as java.time
 * does them (not part of the FFI; ffi/datetime.h has Lua's calls).
 *
 * A region's offsets come from the system's tzdb (tzdata's
 * /usr/share/zoneinfo, read through the date library;
 * tide_zone_data_version names its version), once per region and
 * process: they are cached in a table of the region's transitions, so
 * that no conversion calls into tzdb and every loaded zone is read-only,
 * shared by all threads and never freed. Times are
 * seconds since 1970-01-01 UTC (instants) or "local seconds" (the local
 * date-time read as if it were UTC); offsets are seconds east of UTC.
 */
#ifndef TIDE_TIME_ZONE_H
#define TIDE_TIME_ZONE_H

#include "ffi/datetime.h"

#include <stdatomic.h>
#include <stdint.h>

/* A zone: a fixed offset (count 0) or a region's transitions. Fixed
   zones may live anywhere (a caller's stack); regions are owned by
   time_zone.c, never change once loaded and are never freed. */
struct tide_zone {
    int32_t fixed;        /* the offset of a zone without transitions */
    int32_t count;        /* transitions */
    const int64_t *at;    /* instant of each transition, ascending */
    const int32_t *off;   /* count + 1: off[0] before at[0], off[k + 1] from at[k] on */
    const int64_t *local; /* local seconds where transition k's gap or overlap begins */
    const char *id;       /* the region's tzdb id, or NULL */
    struct tide_zone *next;
};

/* What resolving a local time takes when it has no preference among two
   offsets (ZonedDateTime.of): the earlier one. */
#define TIDE_ZONE_EARLIER INT32_MIN

/* The session time zone; NULL for UTC. Set by tide_time_zone_set_session
   (ffi/datetime.h) between queries, read by the conversions in them: a
   worker thread sees it through the lock that hands it its task, so the
   read needs no ordering of its own. */
extern _Atomic(const tide_zone *) tide_zone_session_;

static inline const tide_zone *tide_zone_session(void)
{
    return atomic_load_explicit(&tide_zone_session_, memory_order_relaxed);
}

/* The zone `id` names, as Spark's getZoneId reads it (String.trim, the
   +h: and +hh:m rewrites, SHORT_IDS, then ZoneId.of): 0 with *zone set
   to a region (loaded on first use) or to *fixed, filled in for an
   offset; -1 when Java would refuse the id or tzdb has no such region
   (a refused id is remembered: refusing it again takes no lock). Safe on
   any thread. */
int tide_zone_lookup(const char *id, size_t len, tide_zone *fixed, const tide_zone **zone);

int32_t tide_zone_region_offset(const tide_zone *z, int64_t utc);

/* The version of the tzdb regions are read from ("2025b"), or "unknown". */
const char *tide_zone_data_version(void);

/* The offset in force at an instant. */
static inline int32_t tide_zone_offset(const tide_zone *z, int64_t utc)
{
    return z->count == 0 ? z->fixed : tide_zone_region_offset(z, utc);
}

/* The instant of a local time, as java.time resolves one: its offset when
   it happens once; in an overlap (it happens twice) `prefer` if that is
   one of the two offsets, else the earlier one; in a gap (it never
   happens, clocks jumped over it) the local time moved forward by the
   gap's length. */
int64_t tide_zone_utc(const tide_zone *z, int64_t local, int32_t prefer);

/* The first instant of the local day starting at local midnight `local`
   (LocalDate.atStartOfDay(zone)): the end of a gap that hides midnight,
   else midnight resolved as tide_zone_utc does. */
int64_t tide_zone_day_start(const tide_zone *z, int64_t local);

/* Instant v (microseconds) moved as Spark moves a timestamp in zone z
   (NULL: UTC): `months` then `days` on its local calendar (a month's
   last day kept where the new month is shorter), resolved preferring v's
   own offset (ZonedDateTime.plusMonths/plusDays), then `micros` of exact
   time. 0 with *r, or -1 out of range (Math.addExact's overflow). */
int tide_zone_move(const tide_zone *z, int64_t v, int64_t months, int64_t days, int64_t micros,
                   int64_t *r);

#endif
