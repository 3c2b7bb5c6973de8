/*
 * join.c — equi-joins by hashing (contracts in ffi/join.h). The build
 * side's rows are grouped by key in an open-addressing table of groups,
 * each a chain of its rows in order, so that a probe row finds all its
 * matches with one lookup: a join costs a pass over each side plus the
 * rows it makes, and a stream joined with a static DataFrame hashes the
 * static side once for all its micro-batches. Keys are equal as Spark's
 * `=` (row_hash.h: NaN = NaN, -0.0 = 0.0), and a null key matches nothing
 * (a null-safe key, <=>, matches null with null). Pairs are counted before
 * they are made, so their arrays are allocated once at their exact size
 * and a result too large to count fails instead of overflowing; the
 * output's columns are gathered by kernel_gather, which makes the nulls of
 * a side without a row.
 */
#include "ffi/join.h"
#include "kernel.h"
#include "row_hash.h"

#include <stdlib.h>
#include <string.h>

struct tide_join_table {
    const tide_column **keys; /* the caller's columns: they outlive the table */
    int32_t *null_safe;
    int32_t num_keys;
    int64_t num_rows;
    int64_t num_groups;
    int64_t *slots; /* a group id per slot, -1 when empty; a power of two of them */
    size_t mask;
    uint64_t *group_hash;
    int64_t *group_head; /* the group's first row */
    int64_t *group_size;
    int64_t *next;     /* the next row of the row's group, -1 after its last */
    int64_t *group_of; /* each row's group, -1 for a row whose key matches nothing */
};

static int hashable(int32_t type)
{
    return (type >= TIDE_BOOL && type <= TIDE_STRUCT) || type == TIDE_ARRAY || type == TIDE_DATE;
}

/* The hash of row r's keys (the combination tide_group_rows uses); 0 when
   a key that is not null-safe is null: that row matches nothing. */
static int hash_row(const tide_column *const *keys, const int32_t *null_safe, int32_t num_keys,
                    int64_t r, uint64_t *hash)
{
    uint64_t h = 0;
    for (int32_t k = 0; k < num_keys; k++) {
        if (!null_safe[k] && !tide_valid(keys[k], r)) return 0;
        h = tide_hash_mix(h * 31 + tide_hash_value(keys[k], r));
    }
    *hash = h;
    return 1;
}

/* Whether row ra of keys a and row rb of keys b are one key; a null key
   only gets here when it is null-safe, where null equals null alone. */
static int same_keys(const tide_column *const *a, int64_t ra, const tide_column *const *b,
                     int64_t rb, int32_t num_keys)
{
    for (int32_t k = 0; k < num_keys; k++) {
        int va = tide_valid(a[k], ra), vb = tide_valid(b[k], rb);
        if (va != vb) return 0;
        if (va && !tide_same_value(a[k], ra, b[k], rb)) return 0;
    }
    return 1;
}

void tide_join_free(tide_join_table *t)
{
    if (!t) return;
    free(t->keys);
    free(t->null_safe);
    free(t->slots);
    free(t->group_hash);
    free(t->group_head);
    free(t->group_size);
    free(t->next);
    free(t->group_of);
    free(t);
}

tide_join_table *tide_join_build(const tide_column *const *keys, const int32_t *null_safe,
                                 int32_t num_keys, int64_t num_rows, char *errbuf, size_t errlen)
{
    if (num_keys < 0 || num_rows < 0) {
        kernel_error(errbuf, errlen, "join: %d keys over %lld rows", num_keys, (long long)num_rows);
        return NULL;
    }
    for (int32_t k = 0; k < num_keys; k++) {
        if (!hashable(keys[k]->type)) {
            kernel_error(errbuf, errlen, "join: column %s (type %d) cannot be a join key",
                         keys[k]->name ? keys[k]->name : "?", keys[k]->type);
            return NULL;
        }
        if (keys[k]->length < num_rows) {
            kernel_error(errbuf, errlen, "join: key column %s has %lld rows, not %lld",
                         keys[k]->name ? keys[k]->name : "?", (long long)keys[k]->length,
                         (long long)num_rows);
            return NULL;
        }
    }
    /* Slots for twice the rows (at most every row its own group) keep the
       probe sequences short. */
    if ((uint64_t)num_rows > SIZE_MAX / 64) {
        kernel_error(errbuf, errlen, "join: %lld rows are too many to hash", (long long)num_rows);
        return NULL;
    }
    size_t n = (size_t)num_rows, slots = 16;
    while (slots < n * 2)
        slots *= 2;
    tide_join_table *t = calloc(1, sizeof *t);
    if (!t) goto oom;
    t->num_keys = num_keys;
    t->num_rows = num_rows;
    t->mask = slots - 1;
    t->keys = malloc(sizeof *t->keys * ((size_t)num_keys + 1));
    t->null_safe = calloc((size_t)num_keys + 1, sizeof *t->null_safe);
    t->slots = malloc(sizeof *t->slots * slots);
    t->group_hash = malloc(sizeof *t->group_hash * (n + 1));
    t->group_head = malloc(sizeof *t->group_head * (n + 1));
    t->group_size = malloc(sizeof *t->group_size * (n + 1));
    t->next = malloc(sizeof *t->next * (n + 1));
    t->group_of = malloc(sizeof *t->group_of * (n + 1));
    if (!t->keys || !t->null_safe || !t->slots || !t->group_hash || !t->group_head ||
        !t->group_size || !t->next || !t->group_of)
        goto oom;
    for (int32_t k = 0; k < num_keys; k++) {
        t->keys[k] = keys[k];
        t->null_safe[k] = null_safe ? null_safe[k] != 0 : 0;
    }
    memset(t->slots, 0xff, sizeof *t->slots * slots);
    /* Rows from the last: each is put first in its group's chain, so every
       chain ends up in row order without keeping its tail. */
    for (int64_t r = num_rows - 1; r >= 0; r--) {
        uint64_t h;
        t->next[r] = -1;
        t->group_of[r] = -1;
        if (!hash_row(t->keys, t->null_safe, num_keys, r, &h)) continue;
        int64_t g;
        for (size_t s = (size_t)h & t->mask;; s = (s + 1) & t->mask) {
            g = t->slots[s];
            if (g < 0) {
                g = t->num_groups++;
                t->slots[s] = g;
                t->group_hash[g] = h;
                t->group_size[g] = 0;
                t->group_head[g] = -1;
                break;
            }
            if (t->group_hash[g] == h && same_keys(t->keys, r, t->keys, t->group_head[g], num_keys))
                break;
        }
        t->next[r] = t->group_head[g];
        t->group_head[g] = r;
        t->group_size[g]++;
        t->group_of[r] = g;
    }
    return t;
oom:
    tide_join_free(t);
    kernel_error(errbuf, errlen, "out of memory hashing %lld rows to join", (long long)num_rows);
    return NULL;
}

/* The group of the table that probe row r's keys belong to, or -1. */
static int64_t find_group(const tide_join_table *t, const tide_column *const *keys, int64_t r)
{
    uint64_t h;
    if (!hash_row(keys, t->null_safe, t->num_keys, r, &h)) return -1;
    for (size_t s = (size_t)h & t->mask;; s = (s + 1) & t->mask) {
        int64_t g = t->slots[s];
        if (g < 0) return -1;
        if (t->group_hash[g] == h && same_keys(keys, r, t->keys, t->group_head[g], t->num_keys))
            return g;
    }
}

static int check_probe(const tide_join_table *t, const tide_column *const *keys, int32_t num_keys,
                       int64_t num_rows, int32_t mode, char *errbuf, size_t errlen)
{
    if (mode < TIDE_JOIN_INNER || mode > TIDE_JOIN_ANTI)
        return kernel_error(errbuf, errlen, "join: unknown mode %d", mode);
    if (num_keys != t->num_keys || num_rows < 0)
        return kernel_error(errbuf, errlen, "join: %d probe keys for a table of %d", num_keys,
                            t->num_keys);
    for (int32_t k = 0; k < num_keys; k++) {
        const tide_column *a = keys[k], *b = t->keys[k];
        /* Decimals compare by their 128 bits: one scale on both sides. */
        if (a->type != b->type || (a->type == TIDE_DECIMAL && a->scale != b->scale))
            return kernel_error(errbuf, errlen,
                                "join: key %d has type %d on one side and %d on the other", k + 1,
                                a->type, b->type);
        if (a->length < num_rows)
            return kernel_error(errbuf, errlen, "join: probe key column %s has %lld rows, not %lld",
                                a->name ? a->name : "?", (long long)a->length, (long long)num_rows);
    }
    return 0;
}

/* The pairs of a probe: probe_rows[i] and build_rows[i], -1 for no row. */
typedef struct pairs {
    int64_t n;
    int64_t *probe_rows;
    int64_t *build_rows;
} pairs;

static int make_pairs(const tide_join_table *t, const tide_column *const *keys, int64_t num_rows,
                      int32_t mode, pairs *p, char *errbuf, size_t errlen)
{
    int build_outer = mode == TIDE_JOIN_BUILD_OUTER || mode == TIDE_JOIN_FULL_OUTER;
    int probe_outer = mode == TIDE_JOIN_PROBE_OUTER || mode == TIDE_JOIN_FULL_OUTER;
    int64_t *group = malloc(sizeof *group * ((size_t)num_rows + 1));
    uint8_t *hit = build_outer ? calloc((size_t)t->num_groups + 1, 1) : NULL;
    int rc = -1;
    if (!group || (build_outer && !hit)) {
        kernel_error(errbuf, errlen, "out of memory joining %lld rows", (long long)num_rows);
        goto done;
    }
    int64_t total = 0;
    for (int64_t r = 0; r < num_rows; r++) {
        int64_t g = find_group(t, keys, r), rows;
        group[r] = g;
        if (mode == TIDE_JOIN_SEMI)
            rows = g >= 0;
        else if (mode == TIDE_JOIN_ANTI)
            rows = g < 0;
        else
            rows = g >= 0 ? t->group_size[g] : probe_outer;
        if (hit && g >= 0) hit[g] = 1;
        if (__builtin_add_overflow(total, rows, &total)) goto too_many;
    }
    for (int64_t b = 0; build_outer && b < t->num_rows; b++)
        if (t->group_of[b] < 0 || !hit[t->group_of[b]]) total++;
    if ((uint64_t)total > SIZE_MAX / (4 * sizeof(int64_t))) goto too_many;
    p->n = total;
    p->probe_rows = malloc(sizeof *p->probe_rows * ((size_t)total + 1));
    p->build_rows = malloc(sizeof *p->build_rows * ((size_t)total + 1));
    if (!p->probe_rows || !p->build_rows) {
        kernel_error(errbuf, errlen, "out of memory: the join makes %lld rows", (long long)total);
        goto done;
    }
    int64_t i = 0;
    for (int64_t r = 0; r < num_rows; r++) {
        int64_t g = group[r];
        if (mode == TIDE_JOIN_SEMI || mode == TIDE_JOIN_ANTI) {
            if ((g >= 0) == (mode == TIDE_JOIN_SEMI)) {
                p->probe_rows[i] = r;
                p->build_rows[i++] = -1;
            }
        } else if (g >= 0) {
            for (int64_t b = t->group_head[g]; b >= 0; b = t->next[b]) {
                p->probe_rows[i] = r;
                p->build_rows[i++] = b;
            }
        } else if (probe_outer) {
            p->probe_rows[i] = r;
            p->build_rows[i++] = -1;
        }
    }
    for (int64_t b = 0; build_outer && b < t->num_rows; b++) {
        if (t->group_of[b] >= 0 && hit[t->group_of[b]]) continue;
        p->probe_rows[i] = -1;
        p->build_rows[i++] = b;
    }
    rc = 0;
    goto done;
too_many:
    kernel_error(errbuf, errlen, "join: the result has too many rows to hold");
done:
    free(group);
    free(hit);
    return rc;
}

/* For the rows of one side: which[i] = 0, or -1 where rows[i] is -1 (no
   row: null); NULL in *which when no row is missing (kernel_gather's fast
   path). */
static int missing_rows(const int64_t *rows, int64_t n, int32_t **which)
{
    *which = NULL;
    int64_t i = 0;
    while (i < n && rows[i] >= 0)
        i++;
    if (i == n) return 0;
    int32_t *w = malloc(sizeof *w * ((size_t)n + 1));
    if (!w) return -1;
    for (i = 0; i < n; i++)
        w[i] = rows[i] < 0 ? -1 : 0;
    *which = w;
    return 0;
}

/* The output columns, gathered from the pairs. */
static tide_batch *gather(const pairs *p, const tide_column *const *probe_cols,
                          const tide_column *const *build_cols, const char *const *names,
                          int32_t num_out, char *errbuf, size_t errlen)
{
    int64_t n = p->n;
    tide_batch *out = tide_batch_new(num_out);
    int32_t *which_probe = NULL, *which_build = NULL, *which_either = NULL;
    int64_t *either_rows = NULL;
    int ok = out && missing_rows(p->probe_rows, n, &which_probe) == 0 &&
             missing_rows(p->build_rows, n, &which_build) == 0;
    for (int32_t j = 0; ok && j < num_out && !which_either; j++) {
        if (!probe_cols[j] || !build_cols[j]) continue;
        which_either = malloc(sizeof *which_either * ((size_t)n + 1));
        either_rows = malloc(sizeof *either_rows * ((size_t)n + 1));
        ok = which_either && either_rows;
        for (int64_t i = 0; ok && i < n; i++) {
            int from_probe = p->probe_rows[i] >= 0;
            which_either[i] = from_probe ? 0 : p->build_rows[i] >= 0 ? 1 : -1;
            either_rows[i] = from_probe ? p->probe_rows[i] : p->build_rows[i];
        }
    }
    if (!ok) {
        kernel_error(errbuf, errlen, "out of memory joining %lld rows", (long long)n);
        goto fail;
    }
    out->num_rows = n;
    for (int32_t j = 0; j < num_out; j++) {
        const tide_column *srcs[2] = {probe_cols[j], build_cols[j]};
        tide_column *dst = &out->columns[j];
        int rc;
        if (srcs[0] && srcs[1]) {
            char why[160];
            if (!kernel_same_layout(srcs[0], srcs[1], why, sizeof why)) {
                kernel_error(errbuf, errlen, "join: column %s differs between the sides: %s",
                             names[j], why);
                goto fail;
            }
            rc = kernel_gather(out, dst, names[j], srcs, 2, which_either, either_rows, n, errbuf,
                               errlen);
        } else if (srcs[0]) {
            rc = kernel_gather(out, dst, names[j], srcs, 1, which_probe, p->probe_rows, n, errbuf,
                               errlen);
        } else if (srcs[1]) {
            rc = kernel_gather(out, dst, names[j], srcs + 1, 1, which_build, p->build_rows, n,
                               errbuf, errlen);
        } else {
            rc = kernel_error(errbuf, errlen, "join: output column %s has no side", names[j]);
        }
        if (rc != 0) goto fail;
    }
    free(which_probe), free(which_build), free(which_either), free(either_rows);
    return out;
fail:
    free(which_probe), free(which_build), free(which_either), free(either_rows);
    if (out) tide_batch_free(out);
    return NULL;
}

/* Whether every output column holds the rows of its side. */
static int check_outputs(int64_t probe_rows, int64_t build_rows,
                         const tide_column *const *probe_cols,
                         const tide_column *const *build_cols, const char *const *names,
                         int32_t num_out, char *errbuf, size_t errlen)
{
    for (int32_t j = 0; j < num_out; j++) {
        if ((probe_cols[j] && probe_cols[j]->length < probe_rows) ||
            (build_cols[j] && build_cols[j]->length < build_rows))
            return kernel_error(errbuf, errlen, "join: output column %s is shorter than its side",
                                names[j]);
    }
    return 0;
}

tide_batch *tide_join_probe(const tide_join_table *t, const tide_column *const *keys,
                            int32_t num_keys, int64_t num_rows, int32_t mode,
                            const tide_column *const *probe_cols,
                            const tide_column *const *build_cols, const char *const *names,
                            int32_t num_out, char *errbuf, size_t errlen)
{
    if (check_probe(t, keys, num_keys, num_rows, mode, errbuf, errlen) != 0 ||
        check_outputs(num_rows, t->num_rows, probe_cols, build_cols, names, num_out, errbuf,
                      errlen) != 0)
        return NULL;
    pairs p = {0, NULL, NULL};
    tide_batch *out = NULL;
    if (make_pairs(t, keys, num_rows, mode, &p, errbuf, errlen) == 0)
        out = gather(&p, probe_cols, build_cols, names, num_out, errbuf, errlen);
    free(p.probe_rows);
    free(p.build_rows);
    return out;
}

/* ---- pairs a condition decides (a residual predicate) ---------------------------------- */

struct tide_join_pairs {
    pairs p;
    int64_t num_probe; /* the rows of each side, to find those without a pair */
    int64_t num_build;
};

void tide_join_pairs_free(tide_join_pairs *jp)
{
    if (!jp) return;
    free(jp->p.probe_rows);
    free(jp->p.build_rows);
    free(jp);
}

tide_join_pairs *tide_join_match(const tide_join_table *t, const tide_column *const *keys,
                                 int32_t num_keys, int64_t num_rows, char *errbuf, size_t errlen)
{
    if (check_probe(t, keys, num_keys, num_rows, TIDE_JOIN_INNER, errbuf, errlen) != 0)
        return NULL;
    tide_join_pairs *jp = calloc(1, sizeof *jp);
    if (!jp) {
        kernel_error(errbuf, errlen, "out of memory joining %lld rows", (long long)num_rows);
        return NULL;
    }
    jp->num_probe = num_rows;
    jp->num_build = t->num_rows;
    if (make_pairs(t, keys, num_rows, TIDE_JOIN_INNER, &jp->p, errbuf, errlen) != 0) {
        tide_join_pairs_free(jp);
        return NULL;
    }
    return jp;
}

int64_t tide_join_pairs_count(const tide_join_pairs *jp)
{
    return jp->p.n;
}

static int passes(const tide_column *pass, int64_t i)
{
    return tide_valid(pass, i) && ((const uint8_t *)pass->values)[i];
}

/* Pair k of out (when there is an out: the first walk counts), and k + 1. */
static int64_t emit(pairs *out, int64_t k, int64_t probe_row, int64_t build_row)
{
    if (out) {
        out->probe_rows[k] = probe_row;
        out->build_rows[k] = build_row;
    }
    return k + 1;
}

/* The pairs `mode` makes of jp's passing pairs, written to out (when not
   NULL); returns how many. The pairs are in probe order (make_pairs), so
   one walk finds each probe row's passing pairs; build_hit (num_build
   bytes, zeroed) marks the build rows that have one. */
static int64_t select_pairs(const tide_join_pairs *jp, const tide_column *pass, int32_t mode,
                            uint8_t *build_hit, pairs *out)
{
    const pairs *p = &jp->p;
    int probe_outer = mode == TIDE_JOIN_PROBE_OUTER || mode == TIDE_JOIN_FULL_OUTER;
    int64_t k = 0, i = 0;
    for (int64_t r = 0; r < jp->num_probe; r++) {
        int64_t hits = 0;
        for (; i < p->n && p->probe_rows[i] == r; i++) {
            if (!passes(pass, i)) continue;
            hits++;
            if (build_hit) build_hit[p->build_rows[i]] = 1;
            if (mode != TIDE_JOIN_SEMI && mode != TIDE_JOIN_ANTI)
                k = emit(out, k, r, p->build_rows[i]);
        }
        if ((mode == TIDE_JOIN_SEMI && hits > 0) || (mode == TIDE_JOIN_ANTI && hits == 0) ||
            (probe_outer && hits == 0))
            k = emit(out, k, r, -1);
    }
    if (mode == TIDE_JOIN_BUILD_OUTER || mode == TIDE_JOIN_FULL_OUTER) {
        for (int64_t b = 0; b < jp->num_build; b++)
            if (!build_hit[b]) k = emit(out, k, -1, b);
    }
    return k;
}

int tide_join_pairs_select(tide_join_pairs *jp, const tide_column *pass, int32_t mode,
                           char *errbuf, size_t errlen)
{
    if (mode < TIDE_JOIN_INNER || mode > TIDE_JOIN_ANTI)
        return kernel_error(errbuf, errlen, "join: unknown mode %d", mode);
    if (!pass || pass->type != TIDE_BOOL || pass->length < jp->p.n)
        return kernel_error(errbuf, errlen, "join: the condition is not a boolean of %lld rows",
                            (long long)jp->p.n);
    int build_outer = mode == TIDE_JOIN_BUILD_OUTER || mode == TIDE_JOIN_FULL_OUTER;
    /* Counted first, with the build rows' marks, then made at their size;
       the second walk marks the same rows again. */
    uint8_t *hit = build_outer ? calloc((size_t)jp->num_build + 1, 1) : NULL;
    pairs out = {0, NULL, NULL};
    if (build_outer && !hit) goto oom;
    out.n = select_pairs(jp, pass, mode, hit, NULL);
    out.probe_rows = malloc(sizeof *out.probe_rows * ((size_t)out.n + 1));
    out.build_rows = malloc(sizeof *out.build_rows * ((size_t)out.n + 1));
    if (!out.probe_rows || !out.build_rows) goto oom;
    if (hit) memset(hit, 0, (size_t)jp->num_build);
    select_pairs(jp, pass, mode, hit, &out);
    free(hit);
    free(jp->p.probe_rows);
    free(jp->p.build_rows);
    jp->p = out;
    return 0;
oom:
    free(hit);
    free(out.probe_rows);
    free(out.build_rows);
    return kernel_error(errbuf, errlen, "out of memory joining %lld pairs", (long long)jp->p.n);
}

int64_t tide_join_pairs_mark(const tide_join_pairs *jp, int32_t side, int64_t from, int64_t n,
                             uint8_t *marks)
{
    const int64_t *rows = side ? jp->p.build_rows : jp->p.probe_rows;
    const int64_t *other = side ? jp->p.probe_rows : jp->p.build_rows;
    int64_t marked = 0;
    for (int64_t i = 0; i < jp->p.n; i++) {
        int64_t r = rows[i] - from;
        if (rows[i] < 0 || other[i] < 0 || r < 0 || r >= n || marks[r]) continue;
        marks[r] = 1;
        marked++;
    }
    return marked;
}

tide_batch *tide_join_pairs_gather(const tide_join_pairs *jp, const tide_column *const *probe_cols,
                                   const tide_column *const *build_cols,
                                   const char *const *names, int32_t num_out, char *errbuf,
                                   size_t errlen)
{
    if (check_outputs(jp->num_probe, jp->num_build, probe_cols, build_cols, names, num_out,
                      errbuf, errlen) != 0)
        return NULL;
    return gather(&jp->p, probe_cols, build_cols, names, num_out, errbuf, errlen);
}
