/*
 * json_rows.cc — a schemaless JSON function's job run over a column's
 * rows on the caller's and the worker threads, and its cells made into
 * columns (contracts in json_rows.hh).
 */
#include "json_rows.hh"

#include <climits>

namespace tide_json
{

namespace
{

void run_rows(Part &p)
{
    std::unique_ptr<Work> w;
    try {
        w = p.job->work();
        for (int64_t i = p.begin; i < p.end; i++)
            p.job->row(i, p.rows, *w);
    } catch (const std::exception &e) {
        set_error(p.err, sizeof p.err, "%s", e.what());
        p.failed = true;
    } catch (...) {
        set_error(p.err, sizeof p.err, "failed");
        p.failed = true;
    }
    thread_scratch().trim();
}

void run_part(void *arg)
{
    run_rows(*(Part *)arg);
}

/* Rows a part takes at least: below this, handing rows to another thread
   costs more than reading them. */
constexpr int64_t MIN_PART_ROWS = 512;

} // namespace

bool run(const Job &job, int64_t n, Parts &parts, const char *what, char *errbuf, size_t errlen)
{
    int64_t nparts = 1 + tide_workers_threads();
    if (nparts > n / MIN_PART_ROWS) nparts = n / MIN_PART_ROWS;
    if (nparts < 1) nparts = 1;
    int64_t step = (n + nparts - 1) / nparts;
    for (int64_t begin = 0; begin < n || parts.empty(); begin += step) {
        auto p = std::make_unique<Part>();
        p->job = &job;
        p->begin = begin;
        p->end = begin + step < n ? begin + step : n;
        p->task.fn = run_part;
        p->task.arg = p.get();
        parts.push_back(std::move(p));
        if (step == 0) break;
    }
    struct Waiter {
        Parts &parts;
        size_t submitted = 0;
        ~Waiter()
        {
            for (size_t i = 1; i < submitted; i++)
                tide_workers_wait(&parts[i]->task);
        }
    } waiter{parts};
    for (size_t i = 1; i < parts.size(); i++) {
        tide_workers_submit(&parts[i]->task);
        waiter.submitted = i + 1;
    }
    run_rows(*parts[0]);
    for (size_t i = 1; i < waiter.submitted; i++)
        tide_workers_wait(&parts[i]->task);
    waiter.submitted = 0;
    for (auto &p : parts) {
        if (p->failed) {
            set_error(errbuf, errlen, "%s: %s", what, p->err);
            return false;
        }
    }
    return true;
}

bool strings(tide_batch *out, tide_column *col, const char *name, const Parts &parts, size_t k,
             size_t j, const char *what, char *errbuf, size_t errlen)
{
    int64_t m = 0, bytes = 0;
    bool nulls = false;
    for (auto &p : parts) {
        const Rows &r = p->rows;
        for (size_t c = j; c < r.ends.size(); c += k) {
            bytes += r.ends[c] - r.cell_start(c);
            nulls |= !r.valid[c];
            m++;
        }
    }
    if (bytes > INT32_MAX) {
        set_error(errbuf, errlen, "%s: a string column past 2 GiB", what);
        return false;
    }
    if (kernel_alloc(out, col, name, TIDE_STRING, 0, 0, m, bytes) != 0 ||
        (nulls && kernel_validity(out, col) != 0)) {
        set_error(errbuf, errlen, "%s: out of memory", what);
        return false;
    }
    int32_t *off = (int32_t *)col->values;
    int64_t at = 0, row = 0;
    for (auto &p : parts) {
        const Rows &r = p->rows;
        for (size_t c = j; c < r.ends.size(); c += k, row++) {
            int64_t start = r.cell_start(c), len = r.ends[c] - start;
            if (len) memcpy(col->data + at, r.bytes.data() + start, (size_t)len);
            at += len;
            off[row + 1] = (int32_t)at;
            if (!r.valid[c]) tide_mark_null(col, row);
        }
    }
    kernel_finish(col);
    return true;
}

namespace
{

/* dst's validity from the parts' row_valid (a bitmap only when a row is NULL). */
bool row_validity(tide_batch *out, tide_column *dst, const Parts &parts)
{
    int64_t row = 0;
    for (auto &p : parts) {
        for (uint8_t ok : p->rows.row_valid) {
            if (!ok) {
                if (kernel_validity(out, dst) != 0) return false;
                tide_mark_null(dst, row);
            }
            row++;
        }
    }
    return true;
}

} // namespace

bool counted_column(tide_batch *out, tide_column *dst, int32_t type, int64_t n, const Parts &parts,
                    const char *what, char *errbuf, size_t errlen)
{
    if (kernel_alloc(out, dst, "", type, 0, 0, n, 0) == 0 && row_validity(out, dst, parts))
        return true;
    set_error(errbuf, errlen, "%s: out of memory", what);
    return false;
}

bool check_input(const tide_column *json, const char *what, char *errbuf, size_t errlen)
{
    if (json->type != TIDE_STRING && json->type != TIDE_BINARY) {
        set_error(errbuf, errlen, "%s needs a string column", what);
        return false;
    }
    return true;
}

} // namespace tide_json
