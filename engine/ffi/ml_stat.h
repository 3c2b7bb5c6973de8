/*
 * ffi/ml_stat.h — the distributions behind Spark ML's hypothesis tests
 * (engine/ml_stat.c): a test's p-value as Spark computes it, 1 minus the
 * cumulative probability of its statistic, from GSL's distributions where
 * Spark uses commons-math's (they agree to about 1e-14).
 * Part of the FFI declarations (see tide_ffi.h): plain C, no macros.
 */
#ifndef TIDE_FFI_ML_STAT_H
#define TIDE_FFI_ML_STAT_H

/* 1 - P(X <= statistic), X chi-squared with df degrees of freedom: 1 for
   a statistic or df not above 0, NaN for a NaN statistic. */
double tide_ml_chi_squared_pvalue(double statistic, double df);
/* 1 - P(X <= f), X F-distributed with df1 and df2 degrees of freedom: 1
   for f not above 0, NaN for NaN f or degrees of freedom not above 0. */
double tide_ml_f_pvalue(double f, double df1, double df2);

#endif
