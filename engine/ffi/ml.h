/*
 * ffi/ml.h — the kernels of tide.ml (engine/ml_*.c): feature encoding into
 * vector columns, scaling, hashing, logistic regression scoring, loss and
 * gradient, FTRL updates and metrics. Each call covers a whole column or a
 * range of rows. Errors return -1 (or NULL) with errbuf naming the row;
 * callers add the column and the place.
 * Part of the FFI declarations (see tide_ffi.h): plain C, no macros.
 */
#ifndef TIDE_FFI_ML_H
#define TIDE_FFI_ML_H

#include "tide_ffi.h"

/* Spark's handleInvalid. */
typedef enum tide_ml_invalid {
    TIDE_ML_ERROR = 0,
    TIDE_ML_SKIP = 1,
    TIDE_ML_KEEP = 2
} tide_ml_invalid;

/* ---- ml_dict.c: StringIndexer ------------------------------------------ */

/* Labels to indices (0, 1, ... in insertion order), with a count each. */
typedef struct tide_ml_dict tide_ml_dict;

tide_ml_dict *tide_ml_dict_new(void);
void tide_ml_dict_free(tide_ml_dict *dict);
int32_t tide_ml_dict_size(const tide_ml_dict *dict);
/* The index of label, added with count 0 when new; -1 out of memory. */
int32_t tide_ml_dict_add(tide_ml_dict *dict, const char *label, int32_t len);
/* The index of label, or -1. */
int32_t tide_ml_dict_find(const tide_ml_dict *dict, const char *label, int32_t len);
/* The index of each row [begin, end) of a string or binary column, into
   out[0 .. end - begin): -1 for a null or a label not in dict. */
void tide_ml_dict_find_rows(const tide_ml_dict *dict, const tide_column *col, int64_t begin,
                            int64_t end, int32_t *out);
const char *tide_ml_dict_label(const tide_ml_dict *dict, int32_t index, int32_t *len);
int64_t tide_ml_dict_count(const tide_ml_dict *dict, int32_t index);
/* Counts every non-null value of col (string, binary, boolean, int, long,
   float, double; numbers as Spark casts them to string: "1", "1.0").
   Returns the number of nulls, or -1 for an unsupported type. */
int64_t tide_ml_dict_count_column(tide_ml_dict *dict, const tide_column *col, char *errbuf,
                                  size_t errlen);
/* A new dictionary of dict's labels and counts in StringIndexer's order:
   0 frequencyDesc, 1 frequencyAsc (ties alphabetical), 2 alphabetDesc,
   3 alphabetAsc. */
tide_ml_dict *tide_ml_dict_sorted(const tide_ml_dict *dict, int32_t order);
/* StringIndexer's fit of several columns at once, spread over up to
   `threads` threads (a column each): out[k] gets column k's labels in
   `order`, with their counts (nulls are not labels). Returns 0, or -1 with
   errbuf naming the column (out is then all NULL). */
int tide_ml_dict_fit_columns(const tide_column *const *cols, int32_t ncols, int32_t order,
                             int32_t threads, tide_ml_dict **out, char *errbuf, size_t errlen);
/* StringIndexerModel.transform: dst (a double column built in out's arena)
   gets each row's label index. A null or unseen label is invalid: ERROR
   fails naming the row and label, SKIP sets drop[row] = 1 (drop must then
   hold input->length bytes), KEEP gives dict size. Returns the number of
   invalid rows, or -1. */
int64_t tide_ml_string_index(tide_batch *out, const tide_column *input, const tide_ml_dict *dict,
                             int32_t handle_invalid, tide_column *dst, uint8_t *drop, char *errbuf,
                             size_t errlen);

/* ---- ml_vector.c, ml_murmur3.c: vector columns -------------------------- */

/* OneHotEncoderModel.transform of one column of category indices (double or
   int): vectors of size num_categories + (KEEP ? 1 : 0) - (drop_last ? 1 : 0)
   with a 1.0 at the category; the last category (when dropped) gives an
   empty vector. A null, negative or out-of-range index is invalid: ERROR
   fails, KEEP maps it to category num_categories. Returns the invalid
   count, or -1. */
int64_t tide_ml_one_hot(tide_batch *out, const tide_column *input, int32_t num_categories,
                        int32_t drop_last, int32_t handle_invalid, tide_column *dst, char *errbuf,
                        size_t errlen);
/* VectorAssembler: numeric (boolean, int, long, float, double, decimal)
   and vector columns concatenated into dst, zeros left out, each row
   stored dense or sparse as Spark's Vector.compressed chooses. A null
   input, or a NaN number, is invalid: ERROR fails naming the row, the
   column and which (Spark's messages), SKIP sets drop[row], KEEP writes
   NaN (a null vector's whole width) and keeps a NaN number. NaNs inside a
   vector input are not looked for (nor in Spark). Returns the invalid
   count, or -1. */
int64_t tide_ml_assemble(tide_batch *out, const tide_column *const *inputs, int32_t num_inputs,
                         int32_t handle_invalid, tide_column *dst, uint8_t *drop, char *errbuf,
                         size_t errlen);
/* Adds per-feature statistics of a vector column (nulls skipped) into
   arrays of col->vector_size slots the caller initialised: nonzero counts,
   sums, sums of squares (all weighted by weights[row] when not NULL), and
   min/max of the non-zero values; *weight_sum and *weight_sq_sum get the
   rows' total weight and squared weight. -1 on NaN-free misuse (bad
   column). */
int tide_ml_vector_stats(const tide_column *col, const double *weights, double *weight_sum,
                         double *weight_sq_sum, double *nnz, double *sum, double *sumsq,
                         double *min, double *max, char *errbuf, size_t errlen);
/* The first row of a vector column that a fit cannot use: 1 for a null
   row, 2 for a NaN or infinite value (*feature its index, *value it);
   0 when every row is fine, -1 (errbuf) for a column not of vectors. */
int tide_ml_vector_check(const tide_column *col, int64_t *row, int32_t *feature, double *value,
                         char *errbuf, size_t errlen);
/* out_j = (x_j - shift[j]) * mult[j] + add[j] for every feature as a dense
   vector (MinMaxScaler, StandardScaler withMean); or, when dense_output is
   0, x_j * mult[j] for the stored entries alone, keeping sparsity. */
int tide_ml_scale_vectors(tide_batch *out, const tide_column *input, const double *shift,
                          const double *mult, const double *add, int32_t dense_output,
                          tide_column *dst, char *errbuf, size_t errlen);
/* Spark's FeatureHasher: for a numeric input not categorical, index
   murmur3("name") with the value; otherwise murmur3("name=value") with
   1.0 (value as Spark's toString); index = nonNegativeMod(hash, n);
   collisions add up; nulls are left out. */
int tide_ml_feature_hash(tide_batch *out, const tide_column *const *inputs,
                         const int32_t *categorical, int32_t num_inputs, int32_t num_features,
                         tide_column *dst, char *errbuf, size_t errlen);
/* Spark's simpleString of col's type for messages ("int", "string",
   "decimal(20,0)", "vector"), written into buf; returns buf. */
const char *tide_ml_type_name(const tide_column *col, char *buf, size_t len);
/* MurmurHash3_x86_32 of bytes (Spark's hashUnsafeBytes2). */
int32_t tide_ml_murmur3_32(const void *data, int32_t len, uint32_t seed);
/* Every row of a numeric column (boolean, int, long, float, double,
   decimal) as a double (NaN for nulls); -1 for other types. */
int tide_ml_column_doubles(const tide_column *col, double *out, char *errbuf, size_t errlen);
/* Element `index` of every row of a vector column (NaN for nulls). */
int tide_ml_vector_element(const tide_column *col, int32_t index, double *out, char *errbuf,
                           size_t errlen);

/* ---- ml_logreg.c, ml_auc.c: logistic regression -------------------------- */

/* Scores a vector column of vector_size == num_coef: margin m = intercept +
   coef . x; raw (a vector column [-m, m]), prob (double, P(label = 1)) and
   pred (double, 1 when prob > threshold) are filled when not NULL; a null
   row gives nulls. */
int tide_ml_lr_score(tide_batch *out, const tide_column *features, const double *coef,
                     int32_t num_coef, double intercept, double threshold, tide_column *raw,
                     tide_column *prob, tide_column *pred, char *errbuf, size_t errlen);
/* A linear SVM's scores, as tide_ml_lr_score's but for the prediction: 1
   when the margin is above threshold (Spark's LinearSVCModel). */
int tide_ml_svc_score(tide_batch *out, const tide_column *features, const double *coef,
                      int32_t num_coef, double intercept, double threshold, tide_column *raw,
                      tide_column *pred, char *errbuf, size_t errlen);
/* One input's part of a fused pipeline's features (tide_ml_linear_score):
   NUMERIC, a numeric column assembled at `position` (VectorAssembler with
   handleInvalid `invalid`), then scaled when `scaled` (MinMaxScaler: dense
   ? (x - shift) * mult + add : x * mult); ONE_HOT, a text column indexed by
   `dict` (StringIndexer; `unseen` KEEP or ERROR) and one-hot encoded
   (OneHotEncoder over `categories` categories, `ohe_invalid` KEEP or ERROR)
   into a block of `block_size` features from `position`. */
typedef enum tide_ml_term_kind {
    TIDE_ML_TERM_NUMERIC = 0,
    TIDE_ML_TERM_ONE_HOT = 1
} tide_ml_term_kind;

typedef struct tide_ml_linear_term {
    const tide_column *column;
    int32_t kind;
    int32_t position;
    int32_t invalid;
    int32_t scaled;
    int32_t dense;
    double shift, mult, add;
    const tide_ml_dict *dict;
    int32_t unseen;
    int32_t categories;
    int32_t ohe_invalid;
    int32_t block_size;
} tide_ml_linear_term;

/* The logistic regression scores of what a chain of StringIndexer,
   OneHotEncoder, VectorAssembler and MinMaxScaler stages would have fed
   it, without building their columns: the same sums in the same order as
   those stages and tide_ml_lr_score, so the same bits. Terms are in
   feature order. Rows that a VectorAssembler with handleInvalid "skip"
   drops are marked in drop (n bytes) and counted in the result; a row that
   would raise an error in one of the stages returns -2 with nothing
   written, so the caller runs the stages themselves to raise it. -1 with
   errbuf on other errors. */
int64_t tide_ml_linear_score(tide_batch *out, const tide_ml_linear_term *terms, int32_t num_terms,
                             int64_t rows, const double *coef, int32_t num_coef, double intercept,
                             double threshold, tide_column *raw, tide_column *prob,
                             tide_column *pred, uint8_t *drop, char *errbuf, size_t errlen);
/* Binary logistic loss of rows [begin, end): the sum of w * (log(1 + e^m)
   - y m) with m = coef[num_coef] (when fit_intercept) + sum_j coef_j *
   scale_j * x_j (scale NULL: 1); adds its gradient with respect to coef
   (num_coef + fit_intercept slots) into grad and the rows' weight into
   *weight_sum. Null feature rows are skipped. */
double tide_ml_lr_loss_grad(const tide_column *features, const double *labels,
                            const double *weights, int64_t begin, int64_t end, const double *coef,
                            const double *scale, int32_t num_coef, int32_t fit_intercept,
                            double *grad, double *weight_sum);
/* The multinomial (softmax) loss of rows [begin, end) over num_classes
   classes: the sum of w * (log sum_c e^m_c - m_y), m_c = coef[nf * K + c]
   (when fit_intercept) + sum_j coef[j * K + c] * x_j, y = (int)labels[i]
   in [0, K) (checked by the caller); adds its gradient ((nf +
   fit_intercept) * K slots, the same layout) into grad and the rows'
   weight into *weight_sum. margins: K doubles of scratch. */
double tide_ml_softmax_loss_grad(const tide_column *features, const double *labels,
                                 const double *weights, int64_t begin, int64_t end,
                                 const double *coef, int32_t num_features, int32_t num_classes,
                                 int32_t fit_intercept, double *margins, double *grad,
                                 double *weight_sum);
/* The hinge loss of a linear SVM over rows [begin, end): the sum of w *
   max(0, 1 - (2y - 1) m), m = coef[num_coef] (when fit_intercept) +
   sum_j coef_j * x_j (Spark's LinearSVC's); adds its gradient into grad
   (num_coef + fit_intercept slots) and the rows' weight into *weight_sum. */
double tide_ml_hinge_loss_grad(const tide_column *features, const double *labels,
                               const double *weights, int64_t begin, int64_t end,
                               const double *coef, int32_t num_coef, int32_t fit_intercept,
                               double *grad, double *weight_sum);
/* The losses tide_ml_loss_grad_parallel splits among threads. */
typedef enum tide_ml_loss_kind {
    TIDE_ML_LOSS_LOGISTIC = 0,
    TIDE_ML_LOSS_SOFTMAX = 1,
    TIDE_ML_LOSS_HINGE = 2
} tide_ml_loss_kind;
/* The loss of `kind` over rows [0, rows) split among `threads` threads
   (ml_loss.c; each with its own gradient, summed at the end): logistic
   (scale NULL), softmax over num_sets classes, or hinge. Out of memory:
   NaN, and *weight_sum NaN (a NaN loss alone is the data's or the
   coefficients'). */
double tide_ml_loss_grad_parallel(int32_t kind, const tide_column *features, const double *labels,
                                  const double *weights, int64_t rows, const double *coef,
                                  int32_t num_coef, int32_t num_sets, int32_t fit_intercept,
                                  int32_t threads, double *grad, double *weight_sum);
/* A multinomial model's scores of a features column (vectors of size
   num_features; coef laid out as above, the K intercepts always there):
   raw the K margins (each class's sum over the row's entries in order,
   then its intercept, as Spark sums them), prob their softmax (a +Infinity
   margin takes all, as Spark's), pred the first largest margin, or with
   thresholds (K doubles, or NULL) the first largest p_c / t_c. A null row
   scores nulls; NULL columns are not wanted. */
int tide_ml_softmax_score(tide_batch *out, const tide_column *features, const double *coef,
                          int32_t num_features, int32_t num_classes, const double *thresholds,
                          tide_column *raw, tide_column *prob, tide_column *pred, char *errbuf,
                          size_t errlen);
/* A naive Bayes model's margins as coef above (num_classes rows of
   num_features in theta, row-major): theta and pi (multinomial); theta -
   log(1 - e^theta) and pi plus each class's sum of log(1 - e^theta)
   (bernoulli); theta and no intercepts when pi is NULL (complement). */
void tide_ml_naive_bayes_coef(int32_t bernoulli, const double *theta, const double *pi,
                              int32_t num_classes, int32_t num_features, double *coef);
/* The same columns from margins already computed, row i's K at
   margins[i * K] (a null row of features scoring nulls): the classifiers
   whose margins are not linear (naive Bayes' complement and Gaussian). */
int tide_ml_class_scores(tide_batch *out, const tide_column *features, const double *margins,
                         int32_t num_classes, const double *thresholds, tide_column *raw,
                         tide_column *prob, tide_column *pred, char *errbuf, size_t errlen);
/* The processors online, for sizing thread counts. */
int32_t tide_ml_cpu_count(void);
/* FTRL-Proximal (McMahan et al., 2013) over rows [begin, end) one by one:
   z and n hold num_features + 1 slots (the last is the bias). Each row is
   scored before it updates the state; returns the sum of those weighted
   log losses (progressive validation) and adds the rows used to *rows. */
double tide_ml_ftrl_update(const tide_column *features, const double *labels, const double *weights,
                           int64_t begin, int64_t end, double *z, double *n, int32_t num_features,
                           double alpha, double beta, double l1, double l2, int64_t *rows);
/* The weights FTRL's state gives (count slots). */
void tide_ml_ftrl_weights(const double *z, const double *n, int32_t count, double alpha,
                          double beta, double l1, double l2, double *w);
/* The points of Spark's BinaryClassificationMetrics over scores against
   labels (positive when > 0.5), weighted when weights is not NULL: from
   the highest score down, each distinct score's threshold and the
   (weighted) positives tp and negatives fp at or above it; with num_bins
   > 0, runs of distinct / num_bins scores (when 2 or more) are one point
   at the run's lowest score, Spark's down-sampling of one partition.
   thresholds, tp and fp hold n values. Returns the points, or -1 with
   errbuf (a NaN score is an error). */
int64_t tide_ml_binary_curve(const double *scores, const double *labels, const double *weights,
                             int64_t n, int64_t num_bins, double *thresholds, double *tp,
                             double *fp, char *errbuf, size_t errlen);
/* The areas under the ROC and precision-recall curves of k such points
   (the last holds every row), as Spark's curves: ROC from (0,0) to (1,1),
   PR from (0, the first point's precision). */
void tide_ml_binary_areas(const double *tp, const double *fp, int64_t k, double *roc, double *pr);

/* ---- ml_io.c: model files ------------------------------------------------- */

/* The labels of dict as bytes: per label a little-endian uint32 length and
   its bytes. Returns the size; writes into buf only when cap suffices. */
int64_t tide_ml_dict_encode(const tide_ml_dict *dict, uint8_t *buf, int64_t cap);
/* A dictionary of tide_ml_dict_encode's bytes holding `expected` labels;
   NULL with errbuf when the bytes are truncated, corrupt or repeat a
   label. */
tide_ml_dict *tide_ml_dict_decode(const uint8_t *buf, int64_t len, int32_t expected, char *errbuf,
                                  size_t errlen);
/* FNV-1a 64 of bytes, as 16 hex digits into hex (17 bytes). */
void tide_ml_checksum(const void *data, int64_t len, char *hex);
/* Copies n doubles from bytes (a *.f64 file) into dst, every NaN as the C
   library's quiet NaN: a file may hold a NaN of any bits, and LuaJIT (its
   GC64 layout) takes some of them, once read into a Lua value, for a
   tagged pointer. */
void tide_ml_read_doubles(double *dst, const void *bytes, int64_t n);
/* Removes path and everything under it (a missing path is fine). */
int tide_ml_remove_tree(const char *path, char *errbuf, size_t errlen);
/* Renames a file or directory. */
int tide_ml_rename(const char *from, const char *to, char *errbuf, size_t errlen);

#endif
