/* StringIndexer's dictionary (ml_dict.c): a label is found at the index it
   was added at, one at a time and a column at a time, whatever its length
   (a label of up to 8 bytes is its own key in the table, a longer one is
   keyed by its hash); labels that differ only past their 8th byte, or
   only by trailing zero bytes, stay apart; nulls and unknown labels give
   -1; the table keeps its labels as it grows and when sorted. */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "check.h"
#include "ffi/ml.h"

#define LABELS 20000

/* Label k: lengths 0 to 23 in turn, so that every length meets the
   8-byte boundary; bytes that differ from label to label only at the end
   for the long ones (a shared 8-byte prefix). */
static int label_of(int k, char *out)
{
    int len = k % 24;
    memset(out, 'p', (size_t)len);
    char digits[16];
    int n = snprintf(digits, sizeof digits, "%d", k);
    if (len >= n)
        memcpy(out + len - n, digits, (size_t)n);
    else if (len > 0) {
        /* Too short for the number: bytes of k itself, zeros included. */
        for (int i = 0; i < len; i++)
            out[i] = (char)((k >> (8 * (i % 4))) & 0xff);
    }
    return len;
}

/* Short labels repeat once their bytes run out; the dictionary holds one
   of each, so the expected index of label k is its first insertion. */
static tide_ml_dict *dict_of_labels(int32_t *index_of)
{
    tide_ml_dict *d = tide_ml_dict_new();
    CHECK(d != NULL);
    for (int k = 0; k < LABELS; k++) {
        char label[32];
        int len = label_of(k, label);
        index_of[k] = tide_ml_dict_add(d, label, len);
        CHECK(index_of[k] >= 0);
    }
    return d;
}

static void labels_are_found_at_their_index(void)
{
    static int32_t index_of[LABELS];
    tide_ml_dict *d = dict_of_labels(index_of);
    for (int k = 0; k < LABELS; k++) {
        char label[32];
        int len = label_of(k, label);
        CHECK(tide_ml_dict_find(d, label, len) == index_of[k]);
        int32_t got_len;
        const char *got = tide_ml_dict_label(d, index_of[k], &got_len);
        CHECK(got_len == len && memcmp(got, label, (size_t)len) == 0);
    }
    tide_ml_dict_free(d);
}

static void near_misses_are_not_found(void)
{
    tide_ml_dict *d = tide_ml_dict_new();
    CHECK(tide_ml_dict_add(d, "ab", 2) == 0);
    CHECK(tide_ml_dict_add(d, "abcdefgh", 8) == 1);
    CHECK(tide_ml_dict_add(d, "abcdefgh-1", 10) == 2);
    CHECK(tide_ml_dict_add(d, "", 0) == 3);
    CHECK(tide_ml_dict_find(d, "ab\0", 3) == -1); /* zero padding is no byte */
    CHECK(tide_ml_dict_find(d, "a", 1) == -1);
    CHECK(tide_ml_dict_find(d, "abcdefg", 7) == -1);
    CHECK(tide_ml_dict_find(d, "abcdefgh-2", 10) == -1); /* same first 8 bytes */
    CHECK(tide_ml_dict_find(d, "abcdefgh-", 9) == -1);
    CHECK(tide_ml_dict_find(d, "abcdefgh-1", 10) == 2);
    CHECK(tide_ml_dict_find(d, "", 0) == 3);
    CHECK(tide_ml_dict_add(d, "ab\0", 3) == 4); /* a new label, not "ab" */
    CHECK(tide_ml_dict_find(d, "ab", 2) == 0);
    tide_ml_dict_free(d);

    /* Every byte followed by 0 to 7 zeros: eight labels with the same
       zero-padded bytes each, so that lookups probe past their kin. */
    d = tide_ml_dict_new();
    int32_t index_of[256][8];
    for (int zeros = 0; zeros < 8; zeros++)
        for (int b = 0; b < 256; b++) {
            char label[8] = {(char)b};
            index_of[b][zeros] = tide_ml_dict_add(d, label, 1 + zeros);
        }
    CHECK(tide_ml_dict_size(d) == 256 * 8);
    int ok = 1;
    for (int zeros = 0; zeros < 8; zeros++)
        for (int b = 0; b < 256; b++) {
            char label[8] = {(char)b};
            ok &= tide_ml_dict_find(d, label, 1 + zeros) == index_of[b][zeros];
        }
    CHECK(ok);
    tide_ml_dict_free(d);
}

/* A column of every label, an unknown one every 7th row and a null every
   11th, looked up over ranges that start and end off the lookup's chunks. */
static void a_column_is_looked_up_as_its_rows_are(void)
{
    static int32_t index_of[LABELS];
    tide_ml_dict *d = dict_of_labels(index_of);
    tide_batch *b = tide_batch_new(1);
    tide_column *col = &b->columns[0];
    CHECK(tide_column_init(b, col, "label", TIDE_STRING, 0) == 0);
    static int32_t expected[LABELS];
    for (int k = 0; k < LABELS; k++) {
        char label[40];
        int len = label_of(k, label);
        expected[k] = index_of[k];
        if (k % 11 == 0) {
            CHECK(tide_column_append_null(b, col) == 0);
            expected[k] = -1;
            continue;
        }
        if (k % 7 == 0) {
            len = snprintf(label, sizeof label, "unknown-%d", k);
            expected[k] = -1;
        }
        CHECK(tide_column_append_bytes(b, col, label, len) == 0);
    }
    CHECK(tide_batch_finish(b) == 0);
    static int32_t got[LABELS + 1];
    const int64_t cuts[][2] = {{0, LABELS}, {5, 38}, {31, 33}, {1000, 1000}, {LABELS - 3, LABELS}};
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        int64_t begin = cuts[c][0], end = cuts[c][1];
        memset(got, 0x7f, sizeof got);
        tide_ml_dict_find_rows(d, col, begin, end, got);
        int same = 1;
        for (int64_t i = begin; i < end; i++)
            same &= got[i - begin] == expected[i];
        CHECK(same);
        CHECK(got[end - begin] == 0x7f7f7f7f); /* nothing past the range */
    }
    tide_ml_dict *empty = tide_ml_dict_new();
    tide_ml_dict_find_rows(empty, col, 0, 100, got);
    int none = 1;
    for (int i = 0; i < 100; i++)
        none &= got[i] == -1;
    CHECK(none);
    tide_ml_dict_free(empty);
    tide_batch_free(b);
    tide_ml_dict_free(d);
}

static void a_sorted_dictionary_finds_every_label(void)
{
    static int32_t index_of[LABELS];
    tide_ml_dict *d = dict_of_labels(index_of);
    tide_ml_dict *sorted = tide_ml_dict_sorted(d, 3); /* alphabetAsc */
    CHECK(sorted != NULL && tide_ml_dict_size(sorted) == tide_ml_dict_size(d));
    int ok = 1;
    for (int32_t i = 0; i < tide_ml_dict_size(sorted); i++) {
        int32_t len;
        const char *label = tide_ml_dict_label(sorted, i, &len);
        ok &= tide_ml_dict_find(sorted, label, len) == i;
        if (i > 0) {
            int32_t prev_len;
            const char *prev = tide_ml_dict_label(sorted, i - 1, &prev_len);
            int32_t common = prev_len < len ? prev_len : len;
            int c = common ? memcmp(prev, label, (size_t)common) : 0;
            ok &= c < 0 || (c == 0 && prev_len < len);
        }
    }
    CHECK(ok);
    tide_ml_dict_free(sorted);
    tide_ml_dict_free(d);
}

TEST_MAIN(TEST(labels_are_found_at_their_index), TEST(near_misses_are_not_found),
          TEST(a_column_is_looked_up_as_its_rows_are), TEST(a_sorted_dictionary_finds_every_label))
