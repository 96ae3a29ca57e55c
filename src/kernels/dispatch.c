/* Run-time choice between the baseline kernels and the AVX2+FMA and AVX-512
 * builds of the same sources (see YOLOR_KFN in kernels.h). The choice is
 * made once, from the CPU's features.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

enum
{
  K_GENERIC,
  K_AVX2,
  K_AVX512
};

/* The best variant the CPU runs, capped by YOLOR_KERNELS (generic, avx2 or
 * avx512; the tests use it to check every variant on one machine). Nets may
 * load in several threads at once: every thread computes the same value,
 * and the cache is read and written atomically. */
static int
level (void)
{
  static int cached = -1;
  int v = __atomic_load_n (&cached, __ATOMIC_RELAXED);
  if (v < 0) {
    const char *force = getenv ("YOLOR_KERNELS");
    int cap = K_AVX512, best = K_GENERIC;
#if defined(YOLOR_HAVE_AVX2_KERNELS)
    __builtin_cpu_init ();
    if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
      best = K_AVX2;
#if defined(YOLOR_HAVE_AVX512_KERNELS)
    if (best == K_AVX2 && __builtin_cpu_supports ("avx512f")
        && __builtin_cpu_supports ("avx512vl")
        && __builtin_cpu_supports ("avx512dq")
        && __builtin_cpu_supports ("avx512bw"))
      best = K_AVX512;
#endif
#endif
    if (force && strcmp (force, "generic") == 0)
      cap = K_GENERIC;
    else if (force && strcmp (force, "avx2") == 0)
      cap = K_AVX2;
    v = best < cap ? best : cap;
    __atomic_store_n (&cached, v, __ATOMIC_RELAXED);
  }
  return v;
}

#if defined(YOLOR_HAVE_AVX512_KERNELS)
#define PICK(name)                                                             \
  (level () == K_AVX512        ? name##_avx512                                 \
          : level () == K_AVX2 ? name##_avx2                                   \
                               : name##_generic)
#elif defined(YOLOR_HAVE_AVX2_KERNELS)
#define PICK(name) (level () == K_AVX2 ? name##_avx2 : name##_generic)
#else
#define PICK(name) name##_generic
#endif

const char *
yolor_kernels (void)
{
  return yolor_kernels_name ();
}

int
yolor_precision_available (yolor_precision precision)
{
  return precision == YOLOR_PRECISION_FP32
      || (precision == YOLOR_PRECISION_BF16 && yolor_bf16_available ());
}

const char *
yolor_kernels_name (void)
{
  static const char *const names[] = { "generic", "avx2", "avx512" };
  return names[level ()];
}

int
yolor_bf16_available (void)
{
#if defined(YOLOR_HAVE_BF16_KERNELS)
  return level () == K_AVX512 && __builtin_cpu_supports ("avx512bf16");
#else
  return 0;
#endif
}

size_t
yolor_bgemm_packed (int M, int K)
{
#if defined(YOLOR_HAVE_BF16_KERNELS)
  if (yolor_bf16_available ())
    return yolor_bgemm_packed_avx512 (M, K);
#endif
  (void) M;
  (void) K;
  return 0;
}

void
yolor_bgemm_pack_a (int M, int K, const float *A, int lda, uint16_t *dst)
{
#if defined(YOLOR_HAVE_BF16_KERNELS)
  if (yolor_bf16_available ())
    yolor_bgemm_pack_a_avx512 (M, K, A, lda, dst);
#endif
  (void) M;
  (void) K;
  (void) A;
  (void) lda;
  (void) dst;
}

size_t
yolor_sgemm_packed_floats (int M, int K)
{
  return PICK (yolor_sgemm_packed_floats) (M, K);
}

void
yolor_sgemm_pack_a (int M, int K, const float *A, int lda, float *dst)
{
  PICK (yolor_sgemm_pack_a) (M, K, A, lda, dst);
}

void
yolor_sgemm_run (int n_threads, const yolor_gemm_task *g, float *work)
{
  PICK (yolor_sgemm_run) (n_threads, g, work);
}

void
yolor_winograd_conv (int n_threads, int images, const float *const *x, int cin,
    int h, int w, int pad, const void *u, int bf16, int cout, const float *bias,
    yolor_act act, const float *const *add, float *const *y, int oh, int ow,
    float *work, size_t work_floats, float *gemm_work)
{
  PICK (yolor_winograd_conv)
  (n_threads, images, x, cin, h, w, pad, u, bf16, cout, bias, act, add, y, oh,
      ow, work, work_floats, gemm_work);
}

void
yolor_depthwise (int n_threads, const float *x, int c, int h, int w,
    const float *wt, int k, int stride, int pad, int oh, int ow,
    const float *bias, yolor_act act, float *y, float *work)
{
  PICK (yolor_depthwise)
  (n_threads, x, c, h, w, wt, k, stride, pad, oh, ow, bias, act, y, work);
}

void
yolor_bias_act (
    int n_threads, float *y, int C, int hw, const float *bias, yolor_act act)
{
  PICK (yolor_bias_act) (n_threads, y, C, hw, bias, act);
}

void
yolor_bn_act (int n_threads, float *y, int C, int hw, const float *gamma,
    const float *beta, const float *mean, const float *var, float eps,
    yolor_act act)
{
  PICK (yolor_bn_act) (n_threads, y, C, hw, gamma, beta, mean, var, eps, act);
}

void
yolor_act_apply (int n_threads, float *y, size_t n, yolor_act act)
{
  PICK (yolor_act_apply) (n_threads, y, n, act);
}

void
yolor_convert_frame (
    yolor_net *net, const yolor_image *img, const yolor_yuv_coef *k)
{
  PICK (yolor_convert_frame) (net, img, k);
}
