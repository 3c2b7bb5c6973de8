/*
 * time_zone.c — time zones (contracts in time_zone.h and ffi/datetime.h):
 * names read as Spark's getZoneId reads them, regions' offsets from the
 * system's tzdb cached as tables of transitions, and java.time's resolution of local
 * times in gaps and overlaps.
 *
 * A region is loaded once per process, under a lock: the date library
 * (time_zone_db.cc, reading tzdata's /usr/share/zoneinfo, the zones glibc
 * reads) walks the zone's transitions one after the other, from the
 * zone's first offset to 2500; each change of the total offset is a row
 * of the table. Loading leaves the C library's zone alone: reading a
 * zone through it means switching TZ, and setenv races with getenv on
 * every other thread (librdkafka's resolver, libpq), while loads happen
 * on worker threads too (from_json, the CSV reader). Beyond
 * 2500 the table repeats its last 400 years, as a zone's final yearly
 * rule does (Gregorian years repeat their weekdays every 400 years);
 * before the first transition the zone keeps its first offset, as
 * java.time does.
 *
 * Loaded regions are read-only and live as long as the process (never
 * freed, not even at exit: worker threads and Lua may still hold them),
 * so conversions on any thread read them without locks. Each thread
 * caches the span around the last instant and local time it converted: a
 * column of nearby timestamps searches a table once. Ids refused once
 * are remembered too, so that text with a word where a zone may stand
 * ("10:00:00 AM") costs each row a lookup, not a lock and tzdb's search.
 */
#include "time_zone.h"
#include "calendar.h"
#include "timestamp.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* time_zone_db.cc: the system's tzdb through the date library. */
int tide_tzdb_has(const char *id);
int tide_tzdb_transitions(const char *id, int64_t from, int64_t until, int32_t *first,
                          void (*each)(void *ctx, int64_t at, int32_t offset), void *ctx);
const char *tide_tzdb_version(void);

_Atomic(const tide_zone *) tide_zone_session_;

#define DAY         86400LL
#define PERIOD      (146097 * DAY) /* 400 Gregorian years */
#define RULES_START 4102444800LL   /* 2100-01-01 */
#define TABLE_END   (RULES_START + PERIOD)
#define FAR_PAST    (-62135596800LL) /* 0001-01-01 */
#define MAX_ID      64
#define ID_BUF      (MAX_ID + 3) /* an id, rewritten by tide_zone_lookup, and its NUL */

/* Loaded regions (and the fixed zones handed to Lua), newest first:
   pushed under load_lock, read without it, never freed. */
static _Atomic(tide_zone *) regions;
static _Atomic(tide_zone *) offsets;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static void push(_Atomic(tide_zone *) *list, tide_zone *z)
{
    z->next = atomic_load_explicit(list, memory_order_relaxed);
    atomic_store_explicit(list, z, memory_order_release);
}

/* ---- refused ids ---------------------------------------------------------------- */

/* An open-addressing set of the region ids found unknown: slots filled
   under load_lock (each copy owned by the set for the process's life),
   read without it. Filled to half its slots at most, so that a lookup
   ends at an empty slot; ids refused beyond that are looked up in tzdb
   each time, which is slower but right. */
#define REFUSED_SLOTS 512
static _Atomic(const char *) refused[REFUSED_SLOTS];
static int refused_count; /* under load_lock */

static uint32_t id_hash(const char *id)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 16777619u;
    return h;
}

static int is_refused(const char *id)
{
    for (uint32_t i = id_hash(id);; i++) {
        const char *r = atomic_load_explicit(&refused[i % REFUSED_SLOTS], memory_order_acquire);
        if (!r) return 0;
        if (strcmp(r, id) == 0) return 1;
    }
}

/* The caller holds load_lock. */
static void remember_refused(const char *id)
{
    if (refused_count >= REFUSED_SLOTS / 2) return;
    char *copy = strdup(id);
    if (!copy) return;
    uint32_t i = id_hash(id);
    while (atomic_load_explicit(&refused[i % REFUSED_SLOTS], memory_order_relaxed))
        i++;
    atomic_store_explicit(&refused[i % REFUSED_SLOTS], copy, memory_order_release);
    refused_count++;
}

/* ---- loading a region from tzdb ----------------------------------------------- */

typedef struct {
    int64_t *at;
    int32_t *off;
    int32_t n, cap;
    int failed;
} table;

static void add(table *tb, int64_t at, int32_t off)
{
    if (tb->n + 2 > tb->cap) {
        int32_t cap = tb->cap ? tb->cap * 2 : 256;
        int64_t *a = realloc(tb->at, sizeof *a * (size_t)cap);
        if (a) tb->at = a;
        int32_t *o = realloc(tb->off, sizeof *o * (size_t)(cap + 1));
        if (o) tb->off = o;
        if (!a || !o) {
            tb->failed = 1;
            return;
        }
        tb->cap = cap;
    }
    tb->at[tb->n] = at;
    tb->off[++tb->n] = off;
}

static void add_row(void *ctx, int64_t at, int32_t off)
{
    table *tb = ctx;
    if (!tb->failed) add(tb, at, off);
}

/* The region's table from tzdb's transitions; NULL when tzdb fails or out
   of memory. Transitions that change only how the offset splits into
   standard and daylight time (or only the zone's abbreviation) leave the
   total alone and make no row. */
static tide_zone *load_region(const char *id)
{
    table tb = {0};
    tb.off = malloc(sizeof *tb.off);
    tide_zone *z = calloc(1, sizeof *z);
    if (!tb.off || !z || !(z->id = strdup(id)) ||
        tide_tzdb_transitions(id, FAR_PAST, TABLE_END, &tb.off[0], add_row, &tb) != 0)
        tb.failed = 1;
    int64_t *local = tb.failed ? NULL : malloc(sizeof *local * (size_t)(tb.n ? tb.n : 1));
    if (!local) {
        free(tb.at);
        free(tb.off);
        if (z) free((void *)z->id);
        free(z);
        return NULL;
    }
    for (int32_t k = 0; k < tb.n; k++) {
        int32_t a = tb.off[k], b = tb.off[k + 1];
        local[k] = tb.at[k] + (a < b ? a : b);
    }
    z->fixed = tb.off[0];
    z->count = tb.n;
    z->at = tb.at;
    z->off = tb.off;
    z->local = local;
    return z;
}

/* Whether tzdb has the region, as Java's ZoneRegion.ofId takes ids
   ([A-Za-z][A-Za-z0-9~/._+-]+, case as tzdb spells them) and only the
   zones of its tzdb provider. The system's zoneinfo holds a few files
   Java does not take: tzdb's Factory (which Java's compiler skips),
   localtime and posixrules (links to other zones), the posix/ and right/
   trees and the SystemV zones tzdb dropped in 2020. */
static int known_region(const char *id)
{
    size_t n = strlen(id);
    if (n < 2 || !((id[0] >= 'A' && id[0] <= 'Z') || (id[0] >= 'a' && id[0] <= 'z'))) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              strchr("~/._+-", c)))
            return 0;
    }
    if (strcmp(id, "Factory") == 0 || strcmp(id, "localtime") == 0 ||
        strcmp(id, "posixrules") == 0 || strncmp(id, "SystemV/", 8) == 0 ||
        strncmp(id, "posix/", 6) == 0 || strncmp(id, "right/", 6) == 0)
        return 0;
    return tide_tzdb_has(id);
}

static const tide_zone *find_in(_Atomic(tide_zone *) *list, const char *id, int32_t fixed)
{
    for (const tide_zone *z = atomic_load_explicit(list, memory_order_acquire); z; z = z->next)
        if (id ? strcmp(z->id, id) == 0 : z->fixed == fixed) return z;
    return NULL;
}

static const tide_zone *region(const char *id)
{
    const tide_zone *z = find_in(&regions, id, 0);
    if (z || is_refused(id)) return z;
    pthread_mutex_lock(&load_lock);
    /* The first call loads tzdb (thread-safe in the library too). */
    static int tzdb_loaded;
    if (!tzdb_loaded) {
        tide_tzdb_version();
        tzdb_loaded = 1;
    }
    z = find_in(&regions, id, 0);
    if (!z && !is_refused(id)) {
        if (known_region(id)) {
            tide_zone *loaded = load_region(id);
            if (loaded) push(&regions, loaded);
            z = loaded;
        } else {
            remember_refused(id);
        }
    }
    pthread_mutex_unlock(&load_lock);
    return z;
}

const char *tide_zone_data_version(void)
{
    return tide_tzdb_version();
}

/* ---- names ------------------------------------------------------------------------ */

/* Java's ZoneOffset.of(text): "Z", or a sign then h, hh, hhmm, hh:mm,
   hhmmss or hh:mm:ss; hours at most 18 (and 18 only with zero minutes and
   seconds), minutes and seconds below 60. Seconds east of UTC into *secs. */
static int zone_offset(const char *z, size_t n, int32_t *secs)
{
    if (n == 1 && z[0] == 'Z') {
        *secs = 0;
        return 0;
    }
    if (n < 2 || (z[0] != '+' && z[0] != '-')) return -1;
    int h = 0, m = 0, s = 0, bad;
    switch (n) {
    case 2:
        bad = z[1] < '0' || z[1] > '9';
        h = z[1] - '0';
        break;
    case 3:
        bad = tide_two_digits(z + 1, &h);
        break;
    case 5:
        bad = tide_two_digits(z + 1, &h) || tide_two_digits(z + 3, &m);
        break;
    case 6:
        bad = tide_two_digits(z + 1, &h) || z[3] != ':' || tide_two_digits(z + 4, &m);
        break;
    case 7:
        bad =
            tide_two_digits(z + 1, &h) || tide_two_digits(z + 3, &m) || tide_two_digits(z + 5, &s);
        break;
    case 9:
        bad = tide_two_digits(z + 1, &h) || z[3] != ':' || tide_two_digits(z + 4, &m) ||
              z[6] != ':' || tide_two_digits(z + 7, &s);
        break;
    default:
        return -1;
    }
    if (bad || h > 18 || m > 59 || s > 59 || (h == 18 && (m | s) != 0)) return -1;
    int32_t v = h * 3600 + m * 60 + s;
    *secs = z[0] == '-' ? -v : v;
    return 0;
}

/* Java's ZoneId.SHORT_IDS, which Spark's getZoneId passes to ZoneId.of. */
static const char *short_id(const char *id)
{
    static const char *const ids[][2] = {
        {"ACT", "Australia/Darwin"},
        {"AET", "Australia/Sydney"},
        {"AGT", "America/Argentina/Buenos_Aires"},
        {"ART", "Africa/Cairo"},
        {"AST", "America/Anchorage"},
        {"BET", "America/Sao_Paulo"},
        {"BST", "Asia/Dhaka"},
        {"CAT", "Africa/Harare"},
        {"CNT", "America/St_Johns"},
        {"CST", "America/Chicago"},
        {"CTT", "Asia/Shanghai"},
        {"EAT", "Africa/Addis_Ababa"},
        {"ECT", "Europe/Paris"},
        {"EST", "-05:00"},
        {"HST", "-10:00"},
        {"IET", "America/Indiana/Indianapolis"},
        {"IST", "Asia/Kolkata"},
        {"JST", "Asia/Tokyo"},
        {"MIT", "Pacific/Apia"},
        {"MST", "-07:00"},
        {"NET", "Asia/Yerevan"},
        {"NST", "Pacific/Auckland"},
        {"PLT", "Asia/Karachi"},
        {"PNT", "America/Phoenix"},
        {"PRT", "America/Puerto_Rico"},
        {"PST", "America/Los_Angeles"},
        {"SST", "Pacific/Guadalcanal"},
        {"VST", "Asia/Ho_Chi_Minh"},
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (strcmp(id, ids[i][0]) == 0) return ids[i][1];
    return id;
}

int tide_zone_lookup(const char *text, size_t n, tide_zone *fixed, const tide_zone **zone)
{
    while (n > 0 && (unsigned char)*text <= ' ')
        text++, n--;
    while (n > 0 && (unsigned char)text[n - 1] <= ' ')
        n--;
    char buf[ID_BUF]; /* room for the two rewrites' digits */
    if (n == 0 || n > MAX_ID || memchr(text, '\0', n)) return -1;
    memcpy(buf, text, n);
    buf[n] = '\0';
    /* getZoneId's rewrites of Spark 2's forms: the first "+h:" becomes
       "+0h:", a final "+hh:m" becomes "+hh:0m". */
    for (size_t i = 0; i + 2 < n; i++) {
        if ((buf[i] == '+' || buf[i] == '-') && buf[i + 1] >= '0' && buf[i + 1] <= '9' &&
            buf[i + 2] == ':') {
            memmove(buf + i + 2, buf + i + 1, n - i);
            buf[i + 1] = '0';
            n++;
            break;
        }
    }
    if (n >= 5 && (buf[n - 5] == '+' || buf[n - 5] == '-') && buf[n - 4] >= '0' &&
        buf[n - 4] <= '9' && buf[n - 3] >= '0' && buf[n - 3] <= '9' && buf[n - 2] == ':' &&
        buf[n - 1] >= '0' && buf[n - 1] <= '9') {
        buf[n + 1] = '\0';
        buf[n] = buf[n - 1];
        buf[n - 1] = '0';
        n++;
    }
    const char *id = n == 3 ? short_id(buf) : buf;
    n = strlen(id);
    size_t prefix = strncmp(id, "UTC", 3) == 0 || strncmp(id, "GMT", 3) == 0 ? 3
                    : strncmp(id, "UT", 2) == 0                              ? 2
                                                                             : 0;
    int32_t secs = 0;
    if (n <= 1 || id[0] == '+' || id[0] == '-') {
        if (zone_offset(id, n, &secs) != 0) return -1;
    } else if (prefix && n > prefix && (id[prefix] == '+' || id[prefix] == '-')) {
        if (zone_offset(id + prefix, n - prefix, &secs) != 0) return -1;
    } else if (!prefix || n > prefix) {
        /* a region id (GMT0 and UTC-like names included) */
        return (*zone = region(id)) ? 0 : -1;
    }
    memset(fixed, 0, sizeof *fixed);
    fixed->fixed = secs;
    *zone = fixed;
    return 0;
}

/* ---- conversions ------------------------------------------------------------------ */

/* A span of instants or local times over which one offset holds. */
typedef struct {
    const tide_zone *zone;
    int64_t lo, hi;
    int32_t offset;
} span;

static _Thread_local span last_utc, last_local;

/* The number of values[0..n) at or below x: a binary search without
   branches on the data (a conditional move a step), as instants in no
   order would mispredict half of them. */
static int32_t count_upto(const int64_t *values, int32_t n, int64_t x)
{
    if (n == 0) return 0;
    const int64_t *base = values;
    for (int32_t len = n; len > 1; len -= len / 2)
        base = base[len / 2] <= x ? base + len / 2 : base;
    return (int32_t)(base - values) + (*base <= x);
}

/* t, or its time 400 years back as many times as brings it below the
   table's end (the footer rule repeats with the calendar). */
static int64_t in_table(int64_t t)
{
    return t < TABLE_END ? t : RULES_START + floor_mod(t - RULES_START, PERIOD);
}

int32_t tide_zone_region_offset(const tide_zone *z, int64_t utc)
{
    int64_t t = in_table(utc);
    span *s = &last_utc;
    if (s->zone == z && t >= s->lo && t < s->hi) return s->offset;
    int32_t k = count_upto(z->at, z->count, t);
    s->zone = z;
    s->lo = k > 0 ? z->at[k - 1] : INT64_MIN;
    s->hi = k < z->count ? z->at[k] : INT64_MAX;
    s->offset = z->off[k];
    return s->offset;
}

/* The offsets a local time may have: before == after when it happens
   once; else the offsets around the transition whose gap (before <
   after) or overlap holds it, and *at that transition's instant. */
static void local_offsets(const tide_zone *z, int64_t local, int32_t *before, int32_t *after,
                          int64_t *at)
{
    if (z->count == 0) {
        *before = *after = z->fixed;
        return;
    }
    int64_t t = in_table(local), shift = local - t;
    span *s = &last_local;
    if (s->zone == z && t >= s->lo && t < s->hi) {
        *before = *after = s->offset;
        return;
    }
    int32_t k = count_upto(z->local, z->count, t);
    /* Transition k - 1's window is [local[k - 1], at + its larger offset). */
    if (k > 0) {
        int32_t a = z->off[k - 1], b = z->off[k];
        int64_t end = z->at[k - 1] + (a > b ? a : b);
        if (t < end) {
            *before = a, *after = b, *at = z->at[k - 1] + shift;
            return;
        }
        s->lo = end;
    } else {
        s->lo = INT64_MIN;
    }
    s->zone = z;
    s->hi = k < z->count ? z->local[k] : INT64_MAX;
    s->offset = *before = *after = z->off[k];
}

int64_t tide_zone_utc(const tide_zone *z, int64_t local, int32_t prefer)
{
    int32_t before, after;
    int64_t at;
    local_offsets(z, local, &before, &after, &at);
    /* ZonedDateTime.ofLocal: a gap's local time, moved forward by the gap,
       at the later offset, is local - before too. */
    if (after < before && prefer == after) return local - after;
    return local - before;
}

int64_t tide_zone_day_start(const tide_zone *z, int64_t local)
{
    int32_t before, after;
    int64_t at;
    local_offsets(z, local, &before, &after, &at);
    return after > before ? at : local - before;
}

/* ---- the FFI ---------------------------------------------------------------------- */

const tide_zone *tide_time_zone_find(const char *id, size_t len)
{
    tide_zone fixed;
    const tide_zone *z;
    if (tide_zone_lookup(id, len, &fixed, &z) != 0) return NULL;
    if (z != &fixed) return z;
    /* A fixed offset outlives the call: one shared zone per offset. */
    pthread_mutex_lock(&load_lock);
    z = find_in(&offsets, NULL, fixed.fixed);
    tide_zone *made = z ? NULL : calloc(1, sizeof *made);
    if (made) {
        made->fixed = fixed.fixed;
        push(&offsets, made);
        z = made;
    }
    pthread_mutex_unlock(&load_lock);
    return z;
}

int32_t tide_time_zone_offset(const tide_zone *z, int64_t utc_seconds)
{
    return z ? tide_zone_offset(z, utc_seconds) : 0;
}

int tide_time_zone_set_session(const char *id, size_t len, char *errbuf, size_t errlen)
{
    const tide_zone *z = tide_time_zone_find(id, len);
    if (!z) {
        snprintf(errbuf, errlen, "unknown time zone '%.*s'", (int)(len > MAX_ID ? MAX_ID : len),
                 id);
        return -1;
    }
    /* UTC under any name (Z, +00:00, Etc/UTC) takes the UTC paths. */
    atomic_store_explicit(&tide_zone_session_, z->count == 0 && z->fixed == 0 ? NULL : z,
                          memory_order_release);
    return 0;
}

int tide_zone_move(const tide_zone *z, int64_t v, int64_t months, int64_t days, int64_t micros,
                   int64_t *r)
{
    if (months != 0 || days != 0) {
        /* Far beyond any timestamp's 292,000 years: the arithmetic below
           stays clear of int64's ends. */
        if (months > 12LL * 1000000 || months < -12LL * 1000000 || days > 400000000LL ||
            days < -400000000LL)
            return -1;
        int64_t secs = floor_div(v, 1000000), frac = floor_mod(v, 1000000);
        int32_t offset = z ? tide_zone_offset(z, secs) : 0;
        int64_t local = secs + offset;
        int64_t day = floor_div(local, 86400), time = floor_mod(local, 86400);
        if (months != 0) {
            int64_t y;
            int m, d;
            civil_from_days(day, &y, &m, &d);
            int64_t index = y * 12 + (m - 1) + months;
            y = floor_div(index, 12);
            m = (int)floor_mod(index, 12) + 1;
            if (d > days_in_month(y, m)) d = days_in_month(y, m);
            day = days_from_civil(y, m, d);
        }
        local = (day + days) * 86400 + time;
        if (local > (INT64_C(1) << 50) || local < -(INT64_C(1) << 50)) return -1;
        secs = z ? tide_zone_utc(z, local, offset) : local;
        if (__builtin_mul_overflow(secs, 1000000, &v) || __builtin_add_overflow(v, frac, &v))
            return -1;
    }
    return __builtin_add_overflow(v, micros, r) ? -1 : 0;
}
