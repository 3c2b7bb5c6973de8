/* The p-values of the ML hypothesis tests (ml_stat.c): the upper tails at
   the 95% quantiles of the chi-squared and F distributions are 0.05, and
   the edge cases are Spark's (1 for a statistic of 0 or no degrees of
   freedom, NaN for NaN), never GSL's abort. */
#include <math.h>

#include "check.h"
#include "ffi/ml_stat.h"

static int near(double a, double b)
{
    return fabs(a - b) <= 1e-12;
}

static void test_chi_squared(void)
{
    /* the chi-squared 95% quantiles of 1 and 10 degrees of freedom */
    CHECK(near(tide_ml_chi_squared_pvalue(3.841458820694124, 1), 0.05));
    CHECK(near(tide_ml_chi_squared_pvalue(18.307038053275146, 10), 0.05));
    CHECK(tide_ml_chi_squared_pvalue(0.0, 3) == 1.0);
    CHECK(tide_ml_chi_squared_pvalue(0.0, 0) == 1.0);
    CHECK(isnan(tide_ml_chi_squared_pvalue(NAN, 2)));
    /* (1 - cdf: a tail below 1e-16 is 0, as Spark's) */
    CHECK(tide_ml_chi_squared_pvalue(500.0, 2) == 0.0);
}

static void test_f(void)
{
    /* the F(2, 10) 95% quantile */
    CHECK(near(tide_ml_f_pvalue(4.102821015130399, 2, 10), 0.05));
    CHECK(tide_ml_f_pvalue(0.0, 2, 10) == 1.0);
    CHECK(isnan(tide_ml_f_pvalue(NAN, 2, 10)));
    CHECK(isnan(tide_ml_f_pvalue(1.5, 0, 10)));
    CHECK(tide_ml_f_pvalue(1e6, 2, 57) == 0.0);
}

TEST_MAIN(TEST(test_chi_squared), TEST(test_f))
