/* The engine's matrix multiply for convolutions:
 *
 *   C[M][N] = act (A[M][K] · B[K][N] + bias[M])
 *
 * A is a weight matrix, packed once at load (yolor_sgemm_pack_a) into K
 * blocks of MR-row panels; B is the activations: the input itself for 1x1
 * convs, a k×k conv's input read as its im2col matrix (gathered while it is
 * packed, so the column matrix is never written out), or Winograd-transformed
 * tiles. Each thread packs KC-row blocks of a column strip of B (all of B
 * up to 512 columns, else 192-column strips) into NR-column panels in its
 * own buffer, and the micro-kernel (sgemm-ukernel.h) writes each MR×NR tile
 * straight into C. Bias and activation are applied to a tile once its last K
 * block is done, while it is still in cache: there is no epilogue pass.
 *
 * Threads: the work is the list of (item, column strip, row panel)
 * triples, run in chunks of consecutive panels that the threads claim one at
 * a time (yolor_parallel), so threads stay busy however few columns a
 * product has and a thread that lost its core holds up one chunk only.
 *
 * The portable build (the baseline variant: what a CPU without the x86
 * SIMD builds runs) keeps that blocking and threading but has OpenBLAS
 * multiply each block: its kernels for the CPU at hand beat the plain C
 * micro-kernel that was here (on yolor_csp's convs, one thread: 1.75x with
 * OpenBLAS held to its SSE3 kernels, 4.7x with its own choice; see
 * docs/performance.md). A stays row-major there, each thread gathers its
 * block of B into its buffer as a row-major matrix, and OpenBLAS runs
 * single-threaded inside our threads.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "sgemm-ukernel.h"

#if defined(YOLOR_KERNELS_BASELINE)
#include <cblas.h>
#define YOLOR_SGEMM_BLAS 1
#endif

#define KC 256 /* K block, at most */
#define NB 192 /* columns per strip */
/* Up to this many columns, one strip, so that A is read once (the 20x20
 * and 40x40 maps). */
#define NB_ONE 512
/* Rows of C a thread takes at a time, at least: each chunk packs its own
 * blocks of B, so fewer rows would pack them too often. */
#define GEMM_GRAIN_ROWS 32

/* The rows of the parallel loop's items: a micro-kernel's MR, or with
 * OpenBLAS the rows of one call. OpenBLAS's result for a row depends on how
 * many rows the call has (its small-matrix kernels sum in another order),
 * so every call takes one whole item, whatever the threads claimed. */
#if defined(YOLOR_SGEMM_BLAS)
#define PANEL_ROWS GEMM_GRAIN_ROWS
#else
#define PANEL_ROWS MR
#endif

/* A thread's buffer (KC × NB_ONE floats) holds, in BF16, the panels of a
 * strip (kc2 ≤ KC rows of BF16 pairs, at most NB_ONE columns: the first
 * half) and a KC × NR FP32 scratch panel (the second half). */
_Static_assert(KC % 2 == 0, "BF16 K blocks must stay within KC when made even");
_Static_assert(
    (size_t) KC *NR <= (size_t) KC * NB_ONE / 2, "BF16 scratch must fit");

#ifdef YOLOR_KERNELS_BASELINE
/* The same for every variant: NB and KC do not depend on it. */
size_t
yolor_sgemm_workspace (int n_threads)
{
  return (size_t) (n_threads > 0 ? n_threads : 1) * KC * NB_ONE + 16;
}
#endif

/* K blocks of equal size (at most KC): K = 288 runs as 2 x 144, not as
 * 256 + 32, whose short block would cost a pass over C of its own. */
static inline int
k_block (int K)
{
  int n = (K + KC - 1) / KC;
  return n > 0 ? (K + n - 1) / n : KC;
}

static float *
thread_buffer (float *work, int part)
{
  float *base = (float *) (((uintptr_t) work + 63) & ~(uintptr_t) 63);
  return base + (size_t) part * KC * NB_ONE;
}

#if defined(YOLOR_SGEMM_BLAS)
/* OpenBLAS reads A as it is: row-major, M × K. */
size_t
YOLOR_KFN (yolor_sgemm_packed_floats) (int M, int K)
{
  return (size_t) M * (size_t) K;
}

void
YOLOR_KFN (yolor_sgemm_pack_a) (
    int M, int K, const float *A, int lda, float *dst)
{
  for (int r = 0; r < M; r++)
    memcpy (dst + (size_t) r * K, A + (size_t) r * lda,
        (size_t) K * sizeof (float));
}

/* One thread for OpenBLAS: our threads call it in parallel. Set once per
 * process, the first time a product runs. */
static void
blas_one_thread (void)
{
  static int set;
  if (!__atomic_load_n (&set, __ATOMIC_ACQUIRE)) {
    openblas_set_num_threads (1);
    __atomic_store_n (&set, 1, __ATOMIC_RELEASE);
  }
}
#else
size_t
YOLOR_KFN (yolor_sgemm_packed_floats) (int M, int K)
{
  return (size_t) ((M + MR - 1) / MR) * MR * (size_t) K;
}

/* K block [k0, k0+kc) of panel p lives at k0·Mp + p·MR·kc, laid out
 * [k][MR]; rows past M are zero. */
void
YOLOR_KFN (yolor_sgemm_pack_a) (
    int M, int K, const float *A, int lda, float *dst)
{
  int n_panels = (M + MR - 1) / MR;
  size_t Mp = (size_t) n_panels * MR;
  int kb = k_block (K);
  for (int k0 = 0; k0 < K; k0 += kb) {
    int kc = K - k0 < kb ? K - k0 : kb;
    for (int p = 0; p < n_panels; p++) {
      float *d = dst + (size_t) k0 * Mp + (size_t) p * MR * kc;
      for (int i = 0; i < MR; i++) {
        int r = p * MR + i;
        const float *src = A + (size_t) r * lda + k0;
        for (int k = 0; k < kc; k++)
          d[(size_t) k * MR + i] = r < M ? src[k] : 0.0f;
      }
    }
  }
}
#endif

#if !defined(YOLOR_SGEMM_BLAS)
/* Rows [k0, k0+kc), columns [n0, n0+w) of a matrix into NR-wide panels
 * (columns past w are zero). */
static void
pack_b_matrix (
    const float *B, int ldb, int n0, int w, int k0, int kc, float *restrict dst)
{
  for (int j0 = 0; j0 < w; j0 += NR) {
    float *d = dst + (size_t) j0 * kc;
    int cols = w - j0 < NR ? w - j0 : NR;
    const float *src = B + (size_t) k0 * ldb + n0 + j0;
    for (int k = 0; k < kc; k++, src += ldb, d += NR) {
      if (cols == NR) {
        memcpy (d, src, NR * sizeof (float));
      } else {
        for (int j = 0; j < NR; j++)
          d[j] = j < cols ? src[j] : 0.0f;
      }
    }
  }
}

/* The same block of a k×k conv's im2col matrix, gathered from the input:
 * row r = (ch·k + ky)·k + kx, column n = oy·ow + ox holds
 * x[ch][oy·stride − pad + ky][ox·stride − pad + kx] (0 outside). */
static void
pack_b_conv (const yolor_gemm_src *s, const float *x, int N, int n0, int w,
    int k0, int kc, float *restrict dst)
{
  int st = s->stride;
  size_t plane = (size_t) s->h * s->w;
#if defined(YOLOR_KERNELS_AVX512)
  /* the gather's offsets within a plane are 32-bit */
  int gather_ok = plane <= INT32_MAX;
#endif
  for (int j0 = 0; j0 < w; j0 += NR) {
    float *d = dst + (size_t) j0 * kc;
    int n = n0 + j0, oy = n / s->ow, ox = n % s->ow;
    int cols = w - j0 < NR ? w - j0 : NR;
    int one_row = cols == NR && ox + NR <= s->ow;
    int by[NR], bx[NR];
    for (int j = 0, y = oy, xx = ox; j < NR; j++) {
      by[j] = n + j < N && j < cols ? y * st - s->pad : -(1 << 28);
      bx[j] = xx * st - s->pad;
      if (++xx == s->ow) {
        xx = 0;
        y++;
      }
    }
    for (int k = 0; k < kc; k++, d += NR) {
      int r = k0 + k, kx = r % s->k, ky = (r / s->k) % s->k,
          ch = r / (s->k * s->k);
      const float *xc = x + (size_t) ch * plane;
      if (one_row) {
        int iy = by[0] + ky, ix = bx[0] + kx;
        if (iy < 0 || iy >= s->h) {
          memset (d, 0, NR * sizeof (float));
          continue;
        }
        if (ix >= 0 && ix + (NR - 1) * st < s->w) {
          const float *src = xc + (size_t) iy * s->w + ix;
          /* this row of the next panel, packed after this one: the rows of
           * every channel and ky are too many streams for the hardware
           * prefetcher to follow */
          for (int f = 0; f < NR * st; f += 16)
            __builtin_prefetch (src + NR * st + f, 0, 3);
          if (st == 1) {
            memcpy (d, src, NR * sizeof (float));
          } else if (st == 2 && ix + 2 * NR <= s->w) {
            /* the even floats of 2·NR contiguous ones, eight at a time */
            for (int j = 0; j < NR; j += 8) {
              yolor_v8f v = yolor_v8_even (src + 2 * j);
              memcpy (d + j, &v, sizeof (v));
            }
          } else {
            for (int j = 0; j < NR; j++)
              d[j] = src[j * st];
          }
          continue;
        }
      }
#if defined(YOLOR_KERNELS_AVX512)
      if (gather_ok) {
        /* panels at a row's edge or across rows: the in-bounds columns
         * gathered, the others zero */
        for (int h = 0; h < NR; h += 16) {
          __m512i iy = _mm512_add_epi32 (
                      _mm512_loadu_si512 (by + h), _mm512_set1_epi32 (ky)),
                  ix = _mm512_add_epi32 (
                      _mm512_loadu_si512 (bx + h), _mm512_set1_epi32 (kx));
          /* unsigned: a negative row or column is out of range too */
          __mmask16 in = _mm512_cmplt_epu32_mask (iy, _mm512_set1_epi32 (s->h))
              & _mm512_cmplt_epu32_mask (ix, _mm512_set1_epi32 (s->w));
          __m512i at = _mm512_add_epi32 (
              _mm512_mullo_epi32 (iy, _mm512_set1_epi32 (s->w)), ix);
          _mm512_store_ps (d + h,
              _mm512_mask_i32gather_ps (_mm512_setzero_ps (), in, at, xc, 4));
        }
        continue;
      }
#endif
      for (int j = 0; j < NR; j++) {
        int iy = by[j] + ky, ix = bx[j] + kx;
        d[j] = iy >= 0 && iy < s->h && ix >= 0 && ix < s->w
            ? xc[(size_t) iy * s->w + ix]
            : 0.0f;
      }
    }
  }
}

/* A tile of @rows × @cols (less than MR × NR) from @tile into C. */
static inline void
store_partial (
    const float *tile, float *ct, int ldc, int rows, int cols, int acc)
{
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++)
      ct[(size_t) i * ldc + j] =
          acc ? ct[(size_t) i * ldc + j] + tile[i * NR + j] : tile[i * NR + j];
}

/* Bias and activation on a finished tile of C, rows from panel @p. */
static inline void
epilogue (const yolor_gemm_task *g, const float *bias, float *ct, int p,
    int rows, int cols)
{
  for (int i = 0; i < rows; i++) {
    float *ci = ct + (size_t) i * g->ldc;
    yolor_act_row (ci, ci, cols, bias ? bias[p * MR + i] : 0.0f, g->act);
  }
}

#endif

/* Item @bi of @g (over every image): its B and C in *@b_out and *@c_out;
 * returns its index in the batch, which picks A and the bias. */
static inline int
item (const yolor_gemm_task *g, int bi, const float **b_out, float **c_out)
{
  int batch = g->batch > 0 ? g->batch : 1, j = bi % batch, img = bi / batch;
  int many = g->images > 1;
  *b_out = (many ? g->xs[img] : g->b.x) + (size_t) j * g->b_step;
  *c_out = (many ? g->cs[img] : g->c) + (size_t) j * g->c_step;
  return j;
}

#if !defined(YOLOR_SGEMM_BLAS)
/* Columns [n0, n0+w) of item @bi, row panels [p0, p1), all K. */
static void
block (const yolor_gemm_task *g, int bi, int n0, int w, int p0, int p1,
    float *restrict bpack)
{
  int M = g->M, K = g->K, ldc = g->ldc;
  size_t Mp = (size_t) ((M + MR - 1) / MR) * MR;
  const float *B;
  float *C;
  int j = item (g, bi, &B, &C);
  const float *A = g->a + (size_t) j * g->a_step;
  const float *bias = g->bias ? g->bias + (size_t) j * g->bias_step : NULL;
  float tile[MR * NR] __attribute__ ((aligned (64)));
  int act_bias = g->bias || g->act != YOLOR_ACT_LINEAR, kb = k_block (K);

  for (int k0 = 0; k0 < K; k0 += kb) {
    int kc = K - k0 < kb ? K - k0 : kb;
    int acc = k0 > 0, last = k0 + kc >= K;
    if (g->b.ld)
      pack_b_matrix (B, g->b.ld, n0, w, k0, kc, bpack);
    else
      pack_b_conv (&g->b, B, g->N, n0, w, k0, kc, bpack);
    for (int p = p0; p < p1; p++) {
      const float *ap = A + (size_t) k0 * Mp + (size_t) p * MR * kc;
      int rows = M - p * MR < MR ? M - p * MR : MR;
      for (int j0 = 0; j0 < w; j0 += NR) {
        int cols = w - j0 < NR ? w - j0 : NR;
        float *ct = C + (size_t) p * MR * ldc + n0 + j0;
        const float *bp = bpack + (size_t) j0 * kc;
        if (rows == MR && cols == NR) {
          ukernel (kc, ap, bp, ct, ldc, acc);
        } else {
          ukernel (kc, ap, bp, tile, NR, 0);
          store_partial (tile, ct, ldc, rows, cols, acc);
        }
        if (last && act_bias)
          epilogue (g, bias, ct, p, rows, cols);
      }
    }
  }
}

#endif

#if defined(YOLOR_SGEMM_BLAS)
/* Rows [k0, k0+kc), columns [n0, n0+w) of a conv's im2col matrix (as
 * pack_b_conv () numbers them) into @dst, row-major kc × w. */
static void
gather_conv (const yolor_gemm_src *s, const float *x, int n0, int w, int k0,
    int kc, float *restrict dst)
{
  int st = s->stride;
  size_t plane = (size_t) s->h * s->w;
  for (int k = 0; k < kc; k++, dst += w) {
    int r = k0 + k, kx = r % s->k, ky = (r / s->k) % s->k,
        ch = r / (s->k * s->k);
    const float *xc = x + (size_t) ch * plane;
    int oy = n0 / s->ow, ox = n0 % s->ow;
    for (int j = 0; j < w;) {
      int iy = oy * st - s->pad + ky;
      int run = s->ow - ox < w - j ? s->ow - ox : w - j;
      if (iy < 0 || iy >= s->h) {
        memset (dst + j, 0, (size_t) run * sizeof (float));
      } else {
        const float *row = xc + (size_t) iy * s->w;
        for (int i = 0; i < run; i++) {
          int ix = (ox + i) * st - s->pad + kx;
          dst[j + i] = ix >= 0 && ix < s->w ? row[ix] : 0.0f;
        }
      }
      j += run;
      ox = 0;
      oy++;
    }
  }
}

/* block () with OpenBLAS multiplying: columns [n0, n0+w) of item @bi, row
 * panels [p0, p1) of PANEL_ROWS, K in blocks of at most KC rows gathered
 * into @bbuf; one call per panel (see PANEL_ROWS). */
static void
block_blas (const yolor_gemm_task *g, int bi, int n0, int w, int p0, int p1,
    float *restrict bbuf)
{
  int K = g->K, ldc = g->ldc, kb = k_block (K);
  int lo = p0 * PANEL_ROWS,
      hi = p1 * PANEL_ROWS < g->M ? p1 * PANEL_ROWS : g->M;
  const float *B;
  float *C;
  int j = item (g, bi, &B, &C);
  const float *A = g->a + (size_t) j * g->a_step;
  const float *bias = g->bias ? g->bias + (size_t) j * g->bias_step : NULL;
  for (int k0 = 0; k0 < K; k0 += kb) {
    int kc = K - k0 < kb ? K - k0 : kb;
    const float *bk = bbuf;
    int ldb = w;
    if (g->b.ld) {
      bk = B + (size_t) k0 * g->b.ld + n0;
      ldb = g->b.ld;
    } else
      gather_conv (&g->b, B, n0, w, k0, kc, bbuf);
    for (int r0 = lo; r0 < hi;) {
      int r1 = r0 + PANEL_ROWS < hi ? r0 + PANEL_ROWS : hi;
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, r1 - r0, w, kc,
          1.0f, A + (size_t) r0 * K + k0, K, bk, ldb, k0 > 0 ? 1.0f : 0.0f,
          C + (size_t) r0 * ldc + n0, ldc);
      r0 = r1;
    }
  }
  if (g->bias || g->act != YOLOR_ACT_LINEAR)
    for (int r = lo; r < hi; r++) {
      float *c = C + (size_t) r * ldc + n0;
      yolor_act_row (c, c, w, bias ? bias[r] : 0.0f, g->act);
    }
}
#endif

#if defined(YOLOR_KERNELS_AVX512) && defined(YOLOR_HAVE_BF16_KERNELS)
/* ---- BF16: the same blocking, A packed as BF16 pairs of k at load, each B
 * panel gathered as FP32 (by the same packers) into a small scratch and
 * rounded to BF16 pairs from there, while it is in L1. ---- */

/* K blocks as k_block (), made even so that only the last can be odd (it
 * is padded with a zero row). */
static inline int
k_block_bf16 (int K)
{
  return (k_block (K) + 1) & ~1;
}

size_t
yolor_bgemm_packed_avx512 (int M, int K)
{
  return (size_t) ((M + MR - 1) / MR) * MR * (size_t) ((K + 1) & ~1);
}

/* K block [k0, k0+kc) of panel p at k0·Mp + p·MR·kc2 (kc2: kc made even),
 * laid out [kc2/2][MR][2]; rows past M and the pad row are zero. */
void
yolor_bgemm_pack_a_avx512 (int M, int K, const float *A, int lda, uint16_t *dst)
{
  int n_panels = (M + MR - 1) / MR;
  size_t Mp = (size_t) n_panels * MR;
  int kb = k_block_bf16 (K);
  for (int k0 = 0; k0 < K; k0 += kb) {
    int kc = K - k0 < kb ? K - k0 : kb, kc2 = (kc + 1) & ~1;
    for (int p = 0; p < n_panels; p++) {
      uint16_t *d = dst + (size_t) k0 * Mp + (size_t) p * MR * kc2;
      for (int i = 0; i < MR; i++) {
        int r = p * MR + i;
        for (int k = 0; k < kc2; k++)
          d[((size_t) (k / 2) * MR + i) * 2 + k % 2] = r < M && k < kc
              ? yolor_bf16_round (A[(size_t) r * lda + k0 + k])
              : 0;
      }
    }
  }
}

/* @kc rows of NR floats, @ld apart, into BF16 pairs [kc2/2][NR][2] (kc2:
 * kc made even; the pad row is zero). */
YOLOR_BF16_TARGET static void
panel_to_bf16 (const float *src, size_t ld, int kc, uint16_t *restrict dst)
{
  /* the k row's value of column j to 2j, the k+1 row's to 2j + 1 */
  static const uint16_t order[32] __attribute__ ((aligned (64))) = { 0, 16, 1,
    17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23, 8, 24, 9, 25, 10, 26, 11, 27,
    12, 28, 13, 29, 14, 30, 15, 31 };
  __m512i idx = _mm512_load_si512 (order);
  for (int k = 0; k < kc; k += 2, src += 2 * ld, dst += 2 * NR)
    for (int h = 0; h < NR; h += 16) {
      __m512 next =
          k + 1 < kc ? _mm512_loadu_ps (src + ld + h) : _mm512_setzero_ps ();
      __m512bh both = _mm512_cvtne2ps_pbh (next, _mm512_loadu_ps (src + h));
      _mm512_store_si512 (
          dst + 2 * h, _mm512_permutexvar_epi16 (idx, (__m512i) both));
    }
}

/* block () in BF16. @scratch: KC × NR floats, 64-byte aligned. */
YOLOR_BF16_TARGET static void
block_bf16 (const yolor_gemm_task *g, int bi, int n0, int w, int p0, int p1,
    float *restrict scratch, uint16_t *restrict bpack)
{
  int M = g->M, K = g->K, ldc = g->ldc;
  size_t Mp = (size_t) ((M + MR - 1) / MR) * MR;
  const float *B;
  float *C;
  int j = item (g, bi, &B, &C);
  const uint16_t *A = g->a16 + (size_t) j * g->a_step;
  const float *bias = g->bias ? g->bias + (size_t) j * g->bias_step : NULL;
  float tile[MR * NR] __attribute__ ((aligned (64)));
  int act_bias = g->bias || g->act != YOLOR_ACT_LINEAR;
  int kb = k_block_bf16 (K);

  for (int k0 = 0; k0 < K; k0 += kb) {
    int kc = K - k0 < kb ? K - k0 : kb, kc2 = (kc + 1) & ~1;
    int acc = k0 > 0, last = k0 + kc >= K;
    for (int j0 = 0; j0 < w; j0 += NR) {
      int cols = w - j0 < NR ? w - j0 : NR;
      uint16_t *d = bpack + (size_t) j0 * kc2;
      if (g->b.ld && cols == NR) {
        /* whole rows of a matrix: rounded straight from it */
        panel_to_bf16 (B + (size_t) k0 * g->b.ld + n0 + j0, g->b.ld, kc, d);
        continue;
      }
      if (g->b.ld)
        pack_b_matrix (B, g->b.ld, n0 + j0, cols, k0, kc, scratch);
      else
        pack_b_conv (&g->b, B, g->N, n0 + j0, cols, k0, kc, scratch);
      panel_to_bf16 (scratch, NR, kc, d);
    }
    for (int p = p0; p < p1; p++) {
      const uint16_t *ap = A + (size_t) k0 * Mp + (size_t) p * MR * kc2;
      int rows = M - p * MR < MR ? M - p * MR : MR;
      for (int j0 = 0; j0 < w; j0 += NR) {
        int cols = w - j0 < NR ? w - j0 : NR;
        float *ct = C + (size_t) p * MR * ldc + n0 + j0;
        const uint16_t *bp = bpack + (size_t) j0 * kc2;
        if (rows == MR && cols == NR) {
          ukernel_bf16 (kc2 / 2, ap, bp, ct, ldc, acc);
        } else {
          ukernel_bf16 (kc2 / 2, ap, bp, tile, NR, 0);
          store_partial (tile, ct, ldc, rows, cols, acc);
        }
        if (last && act_bias)
          epilogue (g, bias, ct, p, rows, cols);
      }
    }
  }
}
#endif

/* Row panels one after another along each (batch item, column strip): the
 * items of the parallel loop. */
typedef struct
{
  const yolor_gemm_task *g;
  float *work;
  int n_panels, n_strips, nb;
} sgemm_loop;

/* Items [lo, hi) in @worker's packing buffer. */
static void
sgemm_chunk (void *data, long lo, long hi, int worker)
{
  const sgemm_loop *L = data;
  const yolor_gemm_task *g = L->g;
  int n_panels = L->n_panels, n_strips = L->n_strips, nb = L->nb;
  float *bpack = thread_buffer (L->work, worker);
  while (lo < hi) {
    long seg = lo / n_panels, end = (seg + 1) * n_panels;
    int bi = (int) (seg / n_strips), s = (int) (seg % n_strips);
    int n0 = s * nb, w = g->N - n0 < nb ? g->N - n0 : nb;
    if (end > hi)
      end = hi;
    if (g->K > 0 && g->a16) {
#if defined(YOLOR_KERNELS_AVX512) && defined(YOLOR_HAVE_BF16_KERNELS)
      /* the BF16 panels in the buffer's first half, the FP32 scratch in
       * its second */
      block_bf16 (g, bi, n0, w, (int) (lo % n_panels),
          (int) (lo % n_panels + (end - lo)), bpack + (size_t) KC * NB_ONE / 2,
          (uint16_t *) bpack);
#else
      /* yolor_bgemm_packed () is 0 in this build: nothing can have been
       * packed for a16, so no caller sets it */
      abort ();
#endif
    } else if (g->K > 0) {
#if defined(YOLOR_SGEMM_BLAS)
      block_blas (g, bi, n0, w, (int) (lo % n_panels),
          (int) (lo % n_panels + (end - lo)), bpack);
#else
      block (g, bi, n0, w, (int) (lo % n_panels),
          (int) (lo % n_panels + (end - lo)), bpack);
#endif
    } else {
      /* K = 0: C = act (bias) */
      const float *unused;
      float *c0;
      int j = item (g, bi, &unused, &c0);
      const float *b = g->bias ? g->bias + (size_t) j * g->bias_step : NULL;
      for (int r = (int) (lo % n_panels) * PANEL_ROWS;
           r < (int) (lo % n_panels + (end - lo)) * PANEL_ROWS && r < g->M;
           r++) {
        float *c = c0 + (size_t) r * g->ldc + n0;
        memset (c, 0, (size_t) w * sizeof (float));
        yolor_act_row (c, c, w, b ? b[r] : 0.0f, g->act);
      }
    }
    lo = end;
  }
}

void
YOLOR_KFN (yolor_sgemm_run) (
    int n_threads, const yolor_gemm_task *g, float *work)
{
  sgemm_loop L;
  long items =
      (long) (g->batch > 0 ? g->batch : 1) * (g->images > 1 ? g->images : 1);
  if (g->M <= 0 || g->N <= 0)
    return;
#if defined(YOLOR_SGEMM_BLAS)
  blas_one_thread ();
#endif
  L.g = g;
  L.work = work;
  L.n_panels = (g->M + PANEL_ROWS - 1) / PANEL_ROWS;
  L.n_strips = g->N <= NB_ONE ? 1 : (g->N + NB - 1) / NB;
  /* strips of equal width (a multiple of NR) */
  L.nb = ((g->N + L.n_strips - 1) / L.n_strips + NR - 1) / NR * NR;
  L.n_strips = (g->N + L.nb - 1) / L.nb;
  yolor_parallel (n_threads, items * L.n_strips * L.n_panels,
      (GEMM_GRAIN_ROWS + PANEL_ROWS - 1) / PANEL_ROWS, sgemm_chunk, &L);
}
