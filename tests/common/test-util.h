/* Helpers shared by the engine tests: shared-data paths, raw float32 files,
 * tolerance lookup in the reference ref.json files, comparisons.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_TEST_UTIL_H
#define YOLOR_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* $YOLOR_SHARED_DIR/@rel into @buf (borrowed). Returns @buf. */
char *tu_shared_path (char *buf, size_t n, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Whole file, NUL-terminated; transferred (free()). NULL on failure. */
char *tu_read_file (const char *path, size_t *len_out);

/* Raw little-endian float32 file; transferred (free()). */
float *tu_read_f32 (const char *path, size_t *n_out);

/* suggested_tolerances[@file][@field] of a ref.json text; NAN if absent. */
double tu_ref_tolerance (const char *json, const char *file, const char *field);

/* Largest |a − b| over n values (NaN counts as infinite); index in *at. */
double tu_max_abs_diff (const float *a, const float *b, size_t n, size_t *at);

/* Deterministic uniform floats in [lo, hi). */
void tu_fill_random (float *x, size_t n, uint32_t seed, float lo, float hi);

/* A JPEG decoded to packed RGB with darknet's decoder; transferred (free
 * with tu_free_image()). NULL on failure. */
unsigned char *tu_load_rgb (const char *path, int *w, int *h);
void tu_free_image (unsigned char *px);

/* C[M][N] (+)= A[M][K] · B[K][N], a plain triple loop accumulating in
 * double (test-ref.c). */
void tu_gemm_ref (int M, int N, int K, const float *A, int lda, const float *B,
    int ldb, float *C, int ldc, int accumulate);

/* Direct conv: y[o] = Σ x ⋆ w, no bias, accumulating in double. */
void tu_conv_ref (const float *x, int c_in, int h, int w, const float *wt,
    int c_out, int k, int stride, int pad, int groups, int oh, int ow,
    float *y);

#endif
