/* The engine's matrix multiply for convolutions:
 *
 *   C[M][N] = act (A[M][K] · B[K][N] + bias[M])
 *
 * A is a weight matrix, B the activations (im2col columns, the input itself
 * for 1x1 convs, or Winograd-transformed tiles). Cache-blocked and packed:
 * for each K block, A is packed into 6-row panels, each thread packs its
 * strip of B into 16-column panels, and a 6x16 register-blocked micro-kernel
 * (AVX2+FMA when the CPU has it, portable C otherwise) computes each tile.
 * Bias and activation are applied to a tile when its last K block is done,
 * while it is still in cache, so there is no separate epilogue pass.
 *
 * Threads: one OpenMP region per call with the net's thread count; threads
 * own disjoint column strips of C. No BLAS call happens here, so OpenMP and
 * OpenBLAS threads never compete for the cores.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels.h"

#define MR 6
#define NR 16
#define KC 256
#define NB 192 /* columns per strip: 12 panels */

#ifndef YOLOR_KERNELS_AVX2
size_t
yolor_sgemm_workspace (int M, int n_threads)
{
  size_t a = (size_t) ((M + MR - 1) / MR) * MR * KC;
  return a + (size_t) n_threads * KC * NB + 64;
}
#endif

/* acc[MR][NR] = Σ_k a[k][MR] b[k][NR] */
static void
kernel_c (int kc, const float *a, const float *b, float *acc)
{
  float c[MR][NR];
  memset (c, 0, sizeof (c));
  for (int k = 0; k < kc; k++) {
    const float *bk = b + (size_t) k * NR;
    for (int i = 0; i < MR; i++) {
      float ai = a[(size_t) k * MR + i];
      for (int j = 0; j < NR; j++)
        c[i][j] += ai * bk[j];
    }
  }
  memcpy (acc, c, sizeof (c));
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

__attribute__ ((target ("avx2,fma"))) static void
kernel_avx2 (int kc, const float *a, const float *b, float *acc)
{
  __m256 c00 = _mm256_setzero_ps (), c01 = _mm256_setzero_ps ();
  __m256 c10 = _mm256_setzero_ps (), c11 = _mm256_setzero_ps ();
  __m256 c20 = _mm256_setzero_ps (), c21 = _mm256_setzero_ps ();
  __m256 c30 = _mm256_setzero_ps (), c31 = _mm256_setzero_ps ();
  __m256 c40 = _mm256_setzero_ps (), c41 = _mm256_setzero_ps ();
  __m256 c50 = _mm256_setzero_ps (), c51 = _mm256_setzero_ps ();
  for (int k = 0; k < kc; k++) {
    __m256 b0 = _mm256_load_ps (b), b1 = _mm256_load_ps (b + 8);
    __m256 ai;
    ai = _mm256_broadcast_ss (a + 0);
    c00 = _mm256_fmadd_ps (ai, b0, c00);
    c01 = _mm256_fmadd_ps (ai, b1, c01);
    ai = _mm256_broadcast_ss (a + 1);
    c10 = _mm256_fmadd_ps (ai, b0, c10);
    c11 = _mm256_fmadd_ps (ai, b1, c11);
    ai = _mm256_broadcast_ss (a + 2);
    c20 = _mm256_fmadd_ps (ai, b0, c20);
    c21 = _mm256_fmadd_ps (ai, b1, c21);
    ai = _mm256_broadcast_ss (a + 3);
    c30 = _mm256_fmadd_ps (ai, b0, c30);
    c31 = _mm256_fmadd_ps (ai, b1, c31);
    ai = _mm256_broadcast_ss (a + 4);
    c40 = _mm256_fmadd_ps (ai, b0, c40);
    c41 = _mm256_fmadd_ps (ai, b1, c41);
    ai = _mm256_broadcast_ss (a + 5);
    c50 = _mm256_fmadd_ps (ai, b0, c50);
    c51 = _mm256_fmadd_ps (ai, b1, c51);
    a += MR;
    b += NR;
  }
  _mm256_storeu_ps (acc + 0, c00);
  _mm256_storeu_ps (acc + 8, c01);
  _mm256_storeu_ps (acc + 16, c10);
  _mm256_storeu_ps (acc + 24, c11);
  _mm256_storeu_ps (acc + 32, c20);
  _mm256_storeu_ps (acc + 40, c21);
  _mm256_storeu_ps (acc + 48, c30);
  _mm256_storeu_ps (acc + 56, c31);
  _mm256_storeu_ps (acc + 64, c40);
  _mm256_storeu_ps (acc + 72, c41);
  _mm256_storeu_ps (acc + 80, c50);
  _mm256_storeu_ps (acc + 88, c51);
}

static int
have_avx2 (void)
{
  static int v = -1;
  if (v < 0) {
    __builtin_cpu_init ();
    v = __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
  }
  return v;
}
#else
static int
have_avx2 (void)
{
  return 0;
}

static void
kernel_avx2 (int kc, const float *a, const float *b, float *acc)
{
  kernel_c (kc, a, b, acc);
}
#endif

/* Panel p of A rows [p·MR, p·MR+MR) over k in [k0, k0+kc): dst[k][MR]. */
static void
pack_a (const float *A, int lda, int M, int p, int k0, int kc, float *dst)
{
  for (int k = 0; k < kc; k++)
    for (int i = 0; i < MR; i++) {
      int r = p * MR + i;
      dst[(size_t) k * MR + i] = r < M ? A[(size_t) r * lda + k0 + k] : 0.0f;
    }
}

/* B rows [k0, k0+kc), columns [n0, n0+nb) into NR-wide panels. */
static void
pack_b (
    const float *B, int ldb, int N, int n0, int nb, int k0, int kc, float *dst)
{
  for (int j0 = 0; j0 < nb; j0 += NR) {
    float *d = dst + (size_t) j0 * kc;
    int w = N - (n0 + j0);
    if (w > NR)
      w = NR;
    for (int k = 0; k < kc; k++) {
      const float *src = B + (size_t) (k0 + k) * ldb + n0 + j0;
      float *dk = d + (size_t) k * NR;
      if (w == NR) {
        memcpy (dk, src, NR * sizeof (float));
      } else {
        for (int j = 0; j < NR; j++)
          dk[j] = j < w ? src[j] : 0.0f;
      }
    }
  }
}

void
YOLOR_KFN (yolor_sgemm) (int n_threads, int M, int N, int K, const float *A,
    int lda, const float *B, int ldb, float *C, int ldc, const float *bias,
    yolor_act act, float *work)
{
  int n_panels = (M + MR - 1) / MR;
  int n_strips = (N + NB - 1) / NB;
  float *apack = (float *) (((uintptr_t) work + 63) & ~(uintptr_t) 63);
  float *bpack_all = apack + (size_t) n_panels * MR * KC;
  int avx2 = have_avx2 ();
  (void) n_threads;

#pragma omp parallel num_threads(n_threads)
  {
#ifdef _OPENMP
    int tid = omp_get_thread_num ();
#else
    int tid = 0;
#endif
    float *bpack = bpack_all + (size_t) tid * KC * NB;
    float acc[MR * NR] __attribute__ ((aligned (32)));

    for (int k0 = 0; k0 < K; k0 += KC) {
      int kc = K - k0 < KC ? K - k0 : KC;
      int first = k0 == 0, last = k0 + kc >= K;

#pragma omp for schedule(static)
      for (int p = 0; p < n_panels; p++)
        pack_a (A, lda, M, p, k0, kc, apack + (size_t) p * MR * kc);

#pragma omp for schedule(static)
      for (int s = 0; s < n_strips; s++) {
        int n0 = s * NB, nb = N - n0 < NB ? N - n0 : NB;
        int nbp = (nb + NR - 1) / NR * NR;
        pack_b (B, ldb, N, n0, nbp, k0, kc, bpack);
        for (int p = 0; p < n_panels; p++) {
          const float *ap = apack + (size_t) p * MR * kc;
          int rows = M - p * MR < MR ? M - p * MR : MR;
          for (int j0 = 0; j0 < nb; j0 += NR) {
            int cols = nb - j0 < NR ? nb - j0 : NR;
            if (avx2)
              kernel_avx2 (kc, ap, bpack + (size_t) j0 * kc, acc);
            else
              kernel_c (kc, ap, bpack + (size_t) j0 * kc, acc);
            for (int i = 0; i < rows; i++) {
              int r = p * MR + i;
              float *c = C + (size_t) r * ldc + n0 + j0;
              const float *t = acc + i * NR;
              if (!first)
                for (int j = 0; j < cols; j++)
                  acc[i * NR + j] += c[j];
              if (last) {
                yolor_act_row (c, t, cols, bias ? bias[r] : 0.0f, act);
              } else {
                memcpy (c, t, (size_t) cols * sizeof (float));
              }
            }
          }
        }
      }
    }
  }
}
