/*
 * time_zone_db.cc — the system's tzdb (tzdata's /usr/share/zoneinfo) for
 * time_zone.c, through Howard Hinnant's date library (libdate-tz, built
 * to read the OS's compiled zones): whether a region exists, its
 * transitions over a span of instants, and the database's version.
 *
 * The compiled zones list their transitions up to 2037; what follows
 * comes from the rule at the end of each zone's file (a POSIX TZ string,
 * as glibc reads it), read with the library's Posix::time_zone.
 *
 * Every function catches what the library throws (unknown ids, files it
 * cannot read, memory): C callers see a return value. The first call
 * loads the database (the library's get_tzdb, a thread-safe static);
 * time_zone.c makes it under its lock. No environment variable is read
 * or written.
 */
#include <date/ptz.h>
#include <date/tz.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#ifndef TIDE_ZONEINFO_DIR
#define TIDE_ZONEINFO_DIR "/usr/share/zoneinfo"
#endif

extern "C" {
int tide_tzdb_has(const char *id);
int tide_tzdb_transitions(const char *id, int64_t from, int64_t until, int32_t *first,
                          void (*each)(void *ctx, int64_t at, int32_t offset), void *ctx);
const char *tide_tzdb_version(void);
}

namespace
{

using seconds = std::chrono::seconds;

const date::time_zone *find_zone(const char *id)
{
    try {
        return date::locate_zone(id);
    } catch (...) {
        return nullptr;
    }
}

/* The POSIX TZ string a TZif file (version 2 or later) ends with, between
   its last two newlines; empty when there is none. */
std::string footer(const std::string &name)
{
    std::ifstream in(TIDE_ZONEINFO_DIR "/" + name, std::ios::binary);
    if (!in) return {};
    in.seekg(0, std::ios::end);
    std::streamoff size = in.tellg();
    if (size < 8) return {};
    std::streamoff tail = size < 256 ? size : 256;
    std::string buf(static_cast<size_t>(tail), '\0');
    in.seekg(size - tail);
    if (!in.read(&buf[0], tail) || buf.back() != '\n') return {};
    size_t open = buf.rfind('\n', buf.size() - 2);
    if (open == std::string::npos) return {};
    return buf.substr(open + 1, buf.size() - open - 2);
}

/* The rule's start or end (",M3.5.0/-1"): a time of day the library's
   reader takes (0 to 99 hours) stays; one it does not (negative, as
   Greenland's, or of three digits) becomes 0, its value into *shift, to
   be added to the instants the rewritten rule gives. */
std::string plain_time(const std::string &part, seconds *shift)
{
    *shift = seconds{0};
    size_t slash = part.find('/');
    if (slash == std::string::npos) return part;
    const char *p = part.c_str() + slash + 1;
    int sign = *p == '-' ? -1 : 1;
    if (*p == '-' || *p == '+') p++;
    long field[3] = {0, 0, 0};
    int digits = 0;
    for (int f = 0; f < 3; f++) {
        if (f > 0) {
            if (*p != ':') break;
            p++;
        }
        int n = 0;
        for (; *p >= '0' && *p <= '9'; p++, n++)
            field[f] = field[f] * 10 + (*p - '0');
        if (f == 0) digits = n;
    }
    if (sign > 0 && digits <= 2) return part;
    *shift = seconds{sign * (field[0] * 3600 + field[1] * 60 + field[2])};
    return part.substr(0, slash) + "/0";
}

/* A POSIX TZ string the library reads, with the shifts of its start and
   end times (plain_time). */
std::string plain_rule(const std::string &rule, seconds *start, seconds *end)
{
    *start = *end = seconds{0};
    size_t a = rule.find(',');
    if (a == std::string::npos) return rule;
    size_t b = rule.find(',', a + 1);
    if (b == std::string::npos) return rule;
    return rule.substr(0, a + 1) + plain_time(rule.substr(a + 1, b - a - 1), start) + "," +
           plain_time(rule.substr(b + 1), end);
}

} // namespace

int tide_tzdb_has(const char *id)
{
    return find_zone(id) != nullptr;
}

/* The offset in force at `from` into *first, then each instant in (from,
   until) where the zone's total offset (standard + daylight saving)
   changes, with the new offset, through `each`. 0, or -1 when the zone is
   unknown or cannot be read. */
int tide_tzdb_transitions(const char *id, int64_t from, int64_t until, int32_t *first,
                          void (*each)(void *ctx, int64_t at, int32_t offset), void *ctx)
{
    try {
        const date::time_zone *zone = find_zone(id);
        if (!zone) return -1;
        date::sys_seconds t{seconds{from}}, end{seconds{until}};
        date::sys_info info = zone->get_info(t);
        int32_t cur = static_cast<int32_t>(info.offset.count());
        *first = cur;
        while (info.end < end) {
            t = info.end;
            info = zone->get_info(t);
            int32_t o = static_cast<int32_t>(info.offset.count());
            if (o != cur) each(ctx, t.time_since_epoch().count(), o);
            cur = o;
        }
        /* The last explicit offset runs to the end of the library's time
           (past year 9999); from its start on, the file's final rule
           holds (none: the last offset does). */
        if (info.end.time_since_epoch().count() < 253402300800LL) return 0;
        seconds start_shift, end_shift;
        std::string rule = plain_rule(footer(zone->name()), &start_shift, &end_shift);
        if (rule.empty()) return 0;
        std::unique_ptr<Posix::time_zone> posix;
        try {
            posix.reset(new Posix::time_zone(rule));
        } catch (...) {
            return 0;
        }
        t = info.begin > t ? info.begin : t;
        date::sys_info p = posix->get_info(t);
        for (int guard = 0; guard < 8192; guard++) {
            int32_t o = static_cast<int32_t>(p.offset.count());
            if (o != cur) {
                /* daylight saving time begins at the rule's start */
                date::sys_seconds at =
                    p.begin + (p.save != std::chrono::minutes{0} ? start_shift : end_shift);
                /* the rule's first span may start before the explicit one */
                each(ctx, (at > t ? at : t).time_since_epoch().count(), o);
                cur = o;
            }
            if (p.end >= end || p.end <= p.begin) break;
            p = posix->get_info(p.end);
        }
        return 0;
    } catch (...) {
        return -1;
    }
}

/* The database's version: the library's, or tzdata.zi's first line when
   the library finds none ("# version 2025b"). */
const char *tide_tzdb_version(void)
{
    /* a static local: initialised once, thread-safely */
    static const std::string version = [] {
        std::string v;
        try {
            v = date::get_tzdb().version;
            if (v.empty() || v == "unknown") {
                v.clear();
                std::ifstream in(TIDE_ZONEINFO_DIR "/tzdata.zi");
                std::string line;
                if (in && std::getline(in, line) && line.rfind("# version ", 0) == 0)
                    v = line.substr(10);
            }
        } catch (...) {
            v.clear();
        }
        return v.empty() ? std::string("unknown") : v;
    }();
    return version.c_str();
}
