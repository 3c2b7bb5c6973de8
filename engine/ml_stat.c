/*
 * ml_stat.c — the p-values of Spark ML's hypothesis tests (ChiSquareTest,
 * ANOVATest, FValueTest). Spark computes 1 - cdf (commons-math's), not the
 * upper tail directly, so a p-value below about 1e-16 is 0 there: so here.
 */
#include "ffi/ml_stat.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>

/* GSL's default handler aborts on a domain error; tide checks the
   arguments itself and wants a NaN, never an abort. */
static void quiet_gsl(void)
{
    gsl_set_error_handler_off();
}

double tide_ml_chi_squared_pvalue(double statistic, double df)
{
    if (isnan(statistic)) return NAN;
    if (statistic <= 0.0 || df <= 0.0) return 1.0;
    quiet_gsl();
    return 1.0 - gsl_cdf_chisq_P(statistic, df);
}

double tide_ml_f_pvalue(double f, double df1, double df2)
{
    if (isnan(f) || !(df1 > 0.0) || !(df2 > 0.0)) return NAN;
    if (f <= 0.0) return 1.0;
    quiet_gsl();
    return 1.0 - gsl_cdf_fdist_P(f, df1, df2);
}
