/*
 * check.h — the assertions of tide's C unit tests. A failed CHECK prints
 * the file, line and expression and marks the test failed; TEST_MAIN runs
 * the listed tests and prints "N passed, N failed".
 */
#ifndef TIDE_CHECK_H
#define TIDE_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (strcmp(a_, b_) != 0) {                                                                 \
            fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__, b_, a_);   \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

typedef struct {
    const char *name;
    void (*fn)(void);
} check_test;

static inline int check_run(const check_test *tests, size_t n)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        int before = check_failures;
        tests[i].fn();
        if (check_failures == before) {
            passed++;
            printf("ok   %s\n", tests[i].name);
        } else {
            failed++;
            printf("FAIL %s\n", tests[i].name);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

#define TEST_MAIN(...)                                                                             \
    int main(void)                                                                                 \
    {                                                                                              \
        static const check_test tests[] = {__VA_ARGS__};                                           \
        return check_run(tests, sizeof tests / sizeof tests[0]);                                   \
    }
#define TEST(fn) {#fn, fn}

#endif
