/*
 * json_rows.hh — a schemaless JSON function run over a column's rows
 * (json_path.cc, json_fields.cc): a Job gives each row's cells, and from
 * 1024 rows on the rows are cut into parts read at once by the caller and
 * the worker threads (workers.h) into buffers of their own, joined in row
 * order, so that the result is that of one thread. C++ only.
 */
#ifndef TIDE_JSON_ROWS_HH
#define TIDE_JSON_ROWS_HH

#include "json_lenient.hh"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

extern "C" {
#include "kernel.h"
#include "workers.h"
}

namespace tide_json
{

/* Cells (strings, or NULL) in row order, and per row a count (of cells,
   or the row's number) and whether the row is valid. */
struct Rows {
    std::string bytes;
    std::vector<int64_t> ends;
    std::vector<uint8_t> valid;
    std::vector<int64_t> count;
    std::vector<uint8_t> row_valid;

    void add(std::string_view s)
    {
        bytes.append(s.data(), s.size());
        ends.push_back((int64_t)bytes.size());
        valid.push_back(1);
    }
    void add_null()
    {
        ends.push_back((int64_t)bytes.size());
        valid.push_back(0);
    }
    int64_t cell_start(size_t c) const
    {
        return c ? ends[c - 1] : 0;
    }
};

/* A thread's scratch for the rows of one part; a job that needs more
   derives from it. */
struct Work {
    virtual ~Work() = default;
    std::vector<char> buf;
    std::string text;
    std::vector<std::string> values;
    std::vector<uint8_t> found;
};

/* One function over the rows of a column. */
struct Job {
    const tide_column *json = nullptr;
    virtual ~Job() = default;
    virtual std::unique_ptr<Work> work() const
    {
        return std::make_unique<Work>();
    }
    virtual void row(int64_t i, Rows &r, Work &w) const = 0;
};

struct Part {
    tide_task task;
    const Job *job = nullptr;
    int64_t begin = 0, end = 0;
    Rows rows;
    bool failed = false;
    char err[256] = {0};
};
typedef std::vector<std::unique_ptr<Part>> Parts;

/* The parts of a job over n rows, run, in row order; the first runs on
   the caller's thread. False with errbuf when one failed. */
bool run(const Job &job, int64_t n, Parts &parts, const char *what, char *errbuf, size_t errlen);
/* col becomes a string column of the cells j, j + k, j + 2k, ... of the
   parts' cells, in order. */
bool strings(tide_batch *out, tide_column *col, const char *name, const Parts &parts, size_t k,
             size_t j, const char *what, char *errbuf, size_t errlen);
/* The column of a job that gives a count per row (json_array_length,
   json_object_keys): dst as a `type` column of n rows, valid as the rows. */
bool counted_column(tide_batch *out, tide_column *dst, int32_t type, int64_t n, const Parts &parts,
                    const char *what, char *errbuf, size_t errlen);
/* False with errbuf unless json is a string or binary column. */
bool check_input(const tide_column *json, const char *what, char *errbuf, size_t errlen);

} // namespace tide_json

#endif
