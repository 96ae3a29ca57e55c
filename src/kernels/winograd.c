/* Winograd F(4x4, 3x3) convolution for 3x3 stride-1 layers: 36 products per
 * 4x4 output tile instead of 144, so the multiply count drops by 4x.
 *
 *   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A        (Lavin & Gray, 2015)
 *
 * Weights are transformed once at load into U[36][cout][cin] and packed for
 * the GEMM. Per frame the input tiles (6x6, stride 4) are transformed into
 * V[36][cin][tiles], the 36 products U·V run as one batched GEMM
 * (yolor_sgemm_run), and the output transform adds the bias and applies the
 * activation while it writes the result, so there is no separate epilogue
 * pass. Tiles are done in chunks so that the workspace stays bounded; each
 * chunk is three parallel loops (input transform, products, output
 * transform).
 *
 * Rounding: the transforms add a little float32 error (see
 * docs/performance.md for the measured effect on the reference heads).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

#define WG_T 6 /* input tile */
#define WG_M 4 /* output tile */
#define WG_N (WG_T * WG_T) /* 36 */
#define WG_WORK_FLOATS (2u << 20) /* chunk budget, floats */
/* Floats of V[k] or M[k] for @rows channels of @nt tiles: rounded up to
 * whole 4 KB pages plus one cache line, so that the 36 matrices start at
 * 36 different offsets in a page. With a plain rows·nt (256 channels of
 * 100 tiles: 25 pages exactly) the transforms' 36 streams fall into the
 * same cache sets. */
#define WG_PAGE_FLOATS 1024
#define WG_SKEW_FLOATS 16
#define WG_PAD_MAX (WG_PAGE_FLOATS + WG_SKEW_FLOATS)
static inline size_t
k_stride (int rows, int nt)
{
  size_t n = (size_t) rows * nt;
  return (n + WG_PAGE_FLOATS - 1) / WG_PAGE_FLOATS * WG_PAGE_FLOATS
      + WG_SKEW_FLOATS;
}

#ifdef YOLOR_KERNELS_BASELINE
/* G (6x3) */
static const float G[6][3] = {
  { 1.0f / 4, 0, 0 },
  { -1.0f / 6, -1.0f / 6, -1.0f / 6 },
  { -1.0f / 6, 1.0f / 6, -1.0f / 6 },
  { 1.0f / 24, 1.0f / 12, 1.0f / 6 },
  { 1.0f / 24, -1.0f / 12, 1.0f / 6 },
  { 0, 0, 1 },
};

void
yolor_winograd_weights (const float *w, int cout, int cin, float *u)
{
  for (int o = 0; o < cout; o++)
    for (int c = 0; c < cin; c++) {
      const float *g = w + ((size_t) o * cin + c) * 9;
      float t[6][3], r[6][6];
      for (int i = 0; i < 6; i++)
        for (int j = 0; j < 3; j++)
          t[i][j] = G[i][0] * g[0 * 3 + j] + G[i][1] * g[1 * 3 + j]
              + G[i][2] * g[2 * 3 + j];
      for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
          r[i][j] = t[i][0] * G[j][0] + t[i][1] * G[j][1] + t[i][2] * G[j][2];
      for (int k = 0; k < WG_N; k++)
        u[((size_t) k * cout + o) * cin + c] = r[k / 6][k % 6];
    }
}


size_t
yolor_winograd_weights_bytes (int cout, int cin, int bf16)
{
  return WG_N * yolor_gemm_packed_values (bf16, cout, cin)
      * (bf16 ? sizeof (uint16_t) : sizeof (float));
}

int
yolor_winograd_prepare (const float *w, int cout, int cin, int bf16, void *u)
{
  size_t step = yolor_gemm_packed_values (bf16, cout, cin);
  float *t = malloc (sizeof (float) * WG_N * (size_t) cout * cin);
  if (!t)
    return -1;
  yolor_winograd_weights (w, cout, cin, t);
  for (int k = 0; k < WG_N; k++) {
    const float *tk = t + (size_t) k * cout * cin;
    if (bf16)
      yolor_bgemm_pack_a (cout, cin, tk, cin, (uint16_t *) u + k * step);
    else
      yolor_sgemm_pack_a (cout, cin, tk, cin, (float *) u + k * step);
  }
  free (t);
  return 0;
}

#endif

static int
chunk_tiles (int cin, int cout, int tiles)
{
  int n = (int) (WG_WORK_FLOATS / ((size_t) WG_N * (cin + cout)));
  if (n < 16)
    n = 16;
  return n < tiles ? n : tiles;
}

#ifdef YOLOR_KERNELS_BASELINE
size_t
yolor_winograd_workspace (int cin, int cout, int oh, int ow)
{
  int tiles = ((oh + 3) / 4) * ((ow + 3) / 4);
  return (size_t) WG_N
      * ((size_t) (cin + cout) * chunk_tiles (cin, cout, tiles)
          + 2 * WG_PAD_MAX);
}
#endif

#define SEG 8 /* tiles transformed together: one vector lane each */
/* How far ahead the output transform asks for each of its 36 rows of M, in
 * floats (four segments): the hardware's stream prefetchers do not follow
 * 36 streams at once. Measured on layer 3 of yolor_csp (32 -> 64 channels,
 * 320x320), 2 threads: 14.2 -> 11.7 ms; 64 and 128 were no better. */
#define WG_PREFETCH 32
#define SPAN (4 * SEG + 8) /* input columns a segment reads, rounded up */

/* The first @n (< SEG) lanes of @v to @dst, and the first @n floats of
 * @src into lanes of a vector (the others zero): partial segments at the end
 * of a tile row, as one masked store or load where the build has one (a
 * libc call for each of the 36 rows cost more than the transform on the
 * 20x20 maps, where every segment is partial). */
static inline void
seg_store (float *dst, yolor_v8f v, int n)
{
#if defined(YOLOR_KERNELS_AVX512) || defined(YOLOR_KERNELS_AVX2)
  __m256i lanes = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
  _mm256_maskstore_ps (
      dst, _mm256_cmpgt_epi32 (_mm256_set1_epi32 (n), lanes), (__m256) v);
#else
  for (int i = 0; i < n; i++)
    dst[i] = v[i];
#endif
}

static inline yolor_v8f
seg_load (const float *src, int n)
{
#if defined(YOLOR_KERNELS_AVX512) || defined(YOLOR_KERNELS_AVX2)
  __m256i lanes = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
  return (yolor_v8f) _mm256_maskload_ps (
      src, _mm256_cmpgt_epi32 (_mm256_set1_epi32 (n), lanes));
#else
  yolor_v8f v = { 0 };
  for (int i = 0; i < n; i++)
    v[i] = src[i];
  return v;
#endif
}

/* Bᵀ on six vectors (one column or row of a 6x6 tile, in every lane). */
static inline void
bt6 (const yolor_v8f d[6], yolor_v8f o[6])
{
  o[0] = 4 * d[0] - 5 * d[2] + d[4];
  o[1] = -4 * d[1] - 4 * d[2] + d[3] + d[4];
  o[2] = 4 * d[1] - 4 * d[2] - d[3] + d[4];
  o[3] = -2 * d[1] - d[2] + 2 * d[3] + d[4];
  o[4] = 2 * d[1] - d[2] - 2 * d[3] + d[4];
  o[5] = 4 * d[1] - 5 * d[3] + d[5];
}

/* Aᵀ on six vectors. */
static inline void
at6 (const yolor_v8f m[6], yolor_v8f o[4])
{
  o[0] = m[0] + m[1] + m[2] + m[3] + m[4];
  o[1] = m[1] - m[2] + 2 * (m[3] - m[4]);
  o[2] = m[1] + m[2] + 4 * (m[3] + m[4]);
  o[3] = m[1] - m[2] + 8 * (m[3] - m[4]) + m[5];
}

/* P[m][q] = t[4q + m] for m < 6, q < 8, from t[0 .. 40): the six columns of
 * eight side-by-side tiles (which overlap by two), as vectors over tiles. */
static inline void
tile_columns (const float *t, yolor_v8f P[6])
{
  yolor_v8f a, b, c, d, e, ab, cd;
  memcpy (&a, t, sizeof (a));
  memcpy (&b, t + 8, sizeof (b));
  memcpy (&c, t + 16, sizeof (c));
  memcpy (&d, t + 24, sizeof (d));
  memcpy (&e, t + 32, sizeof (e));
#define PHASE(m)                                                               \
  do {                                                                         \
    ab = __builtin_shufflevector (                                             \
        a, b, m, m + 4, m + 8, m + 12, m, m + 4, m + 8, m + 12);               \
    cd = __builtin_shufflevector (                                             \
        c, d, m, m + 4, m + 8, m + 12, m, m + 4, m + 8, m + 12);               \
    P[m] = __builtin_shufflevector (ab, cd, 0, 1, 2, 3, 8, 9, 10, 11);         \
  } while (0)
  PHASE (0);
  PHASE (1);
  PHASE (2);
  PHASE (3);
#undef PHASE
  P[4] = __builtin_shufflevector (P[0], e, 1, 2, 3, 4, 5, 6, 7, 8);
  P[5] = __builtin_shufflevector (P[1], e, 1, 2, 3, 4, 5, 6, 7, 9);
}

/* The inverse for four columns: out[4q + s] = y[s][q], 32 floats as two
 * vectors of sixteen, so that the activation reads them as whole vectors
 * (a sixteen-float load from four eight-float stores is not forwarded). */
static inline void
tile_rows_out (const yolor_v8f y[4], yolor_v16f out[2])
{
#define LO(a, b) __builtin_shufflevector (a, b, 0, 8, 1, 9, 2, 10, 3, 11)
#define HI(a, b) __builtin_shufflevector (a, b, 4, 12, 5, 13, 6, 14, 7, 15)
#define EVEN(a, b) __builtin_shufflevector (a, b, 0, 1, 8, 9, 2, 3, 10, 11)
#define ODD(a, b) __builtin_shufflevector (a, b, 4, 5, 12, 13, 6, 7, 14, 15)
#define CAT(a, b)                                                              \
  __builtin_shufflevector (                                                    \
      a, b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
  yolor_v8f l01 = LO (y[0], y[1]);
  yolor_v8f l23 = LO (y[2], y[3]);
  yolor_v8f h01 = HI (y[0], y[1]);
  yolor_v8f h23 = HI (y[2], y[3]);
  out[0] = CAT (EVEN (l01, l23), ODD (l01, l23));
  out[1] = CAT (EVEN (h01, h23), ODD (h01, h23));
#undef LO
#undef HI
#undef EVEN
#undef ODD
#undef CAT
}

/* Bᵀ d B of the tiles (ty, tx0 .. tx0+SEG) of channel @xc: v[k][q] for
 * k = 6·r + s. Rows first (vectors along the input row), then columns
 * (vectors over the tiles). */
static inline void
input_segment (
    const float *xc, int h, int w, int pad, int ty, int tx0, yolor_v8f v[WG_N])
{
  float rows[6][SPAN], t[6][SPAN];
  int x0 = tx0 * WG_M - pad, y0 = ty * WG_M - pad;
  int inside = x0 >= 0 && x0 + SPAN <= w;
  for (int i = 0; i < 6; i++) {
    int iy = y0 + i;
    const float *src;
    if (iy < 0 || iy >= h) {
      memset (rows[i], 0, sizeof (rows[i]));
      continue;
    }
    src = xc + (size_t) iy * w;
    if (inside) {
      memcpy (rows[i], src + x0, sizeof (rows[i]));
    } else {
      for (int j = 0; j < SPAN; j++) {
        int ix = x0 + j;
        rows[i][j] = ix >= 0 && ix < w ? src[ix] : 0.0f;
      }
    }
  }
  for (int j = 0; j < SPAN; j += 8) {
    yolor_v8f d[6], o[6];
    for (int i = 0; i < 6; i++)
      memcpy (&d[i], &rows[i][j], sizeof (d[i]));
    bt6 (d, o);
    for (int r = 0; r < 6; r++)
      memcpy (&t[r][j], &o[r], sizeof (o[r]));
  }
  for (int r = 0; r < 6; r++) {
    yolor_v8f P[6];
    tile_columns (t[r], P);
    bt6 (P, v + 6 * r);
  }
}

/* One chunk of tiles [t0, t0 + nt) of a conv, as three parallel loops.
 * Tiles are numbered over every image, @tiles per image, so a chunk may
 * span images; a segment never does (it stays in one tile row). */
typedef struct
{
  const float *const *x; /* one input per image */
  float *const *y; /* one output per image */
  const float *const *add; /* one per image, or NULL: added after the
                            * activation, shaped as y */
  const float *bias;
  float *V, *M;
  size_t v_step, m_step; /* floats between V[k], M[k] */
  int cin, cout, h, w, pad, oh, ow, tw, tiles, t0, nt;
  yolor_act act;
} wg_chunk;

/* Input transform of channels [lo, hi): V[k][c][t], a segment of tiles of
 * one tile row at a time. */
static void
input_channels (void *data, long lo, long hi, int worker)
{
  const wg_chunk *q = data;
  int tw = q->tw, t0 = q->t0, nt = q->nt;
  (void) worker;
  for (int c = (int) lo; c < (int) hi; c++) {
    size_t plane = (size_t) c * q->h * q->w;
    for (int tl = 0; tl < nt;) {
      int t = (t0 + tl) % q->tiles, ty = t / tw, tx = t % tw;
      int n = tw - tx < SEG ? tw - tx : SEG;
      const float *xc = q->x[(t0 + tl) / q->tiles] + plane;
      yolor_v8f v[WG_N];
      if (n > nt - tl)
        n = nt - tl;
      input_segment (xc, q->h, q->w, q->pad, ty, tx, v);
      for (int k = 0; k < WG_N; k++) {
        float *dst = q->V + k * q->v_step + (size_t) c * nt + tl;
        if (n == SEG)
          memcpy (dst, &v[k], sizeof (v[k])); /* one vector store */
        else
          seg_store (dst, v[k], n);
      }
      tl += n;
    }
  }
}

/* Output transform + bias + activation (+ the added tensor) of channels
 * [lo, hi), a segment at a time. */
static void
output_channels (void *data, long lo, long hi, int worker)
{
  const wg_chunk *q = data;
  int tw = q->tw, t0 = q->t0, nt = q->nt, oh = q->oh, ow = q->ow;
  /* activations whose vector form yolor_act_row () would use */
  int vec_act = q->act == YOLOR_ACT_LINEAR || q->act == YOLOR_ACT_SILU
      || q->act == YOLOR_ACT_LOGISTIC || q->act == YOLOR_ACT_MISH
      || q->act == YOLOR_ACT_LEAKY;
  (void) worker;
  for (int o = (int) lo; o < (int) hi; o++) {
    float b = q->bias ? q->bias[o] : 0.0f;
    size_t plane = (size_t) o * oh * ow;
    for (int tl = 0; tl < nt;) {
      int t = (t0 + tl) % q->tiles, ty = t / tw, tx = t % tw;
      int n = tw - tx < SEG ? tw - tx : SEG;
      int img = (t0 + tl) / q->tiles;
      float *yo = q->y[img] + plane;
      const float *ao = q->add ? q->add[img] + plane : NULL;
      int cols;
      yolor_v8f m[WG_N], tt[4][6];
      if (n > nt - tl)
        n = nt - tl;
      cols = ow - tx * WG_M < n * WG_M ? ow - tx * WG_M : n * WG_M;
      if (ao) /* its rows, read after the transform */
        for (int r = 0; r < 4 && ty * WG_M + r < oh; r++) {
          const float *ar = ao + (size_t) (ty * WG_M + r) * ow + tx * WG_M;
          __builtin_prefetch (ar);
          __builtin_prefetch (ar + 16);
        }
      for (int k = 0; k < WG_N; k++) {
        const float *src = q->M + k * q->m_step + (size_t) o * nt + tl;
        __builtin_prefetch (src + WG_PREFETCH);
        if (n == SEG)
          memcpy (&m[k], src, sizeof (m[k])); /* one vector load */
        else
          m[k] = seg_load (src, n);
      }
      for (int j = 0; j < 6; j++) {
        yolor_v8f col[6] = { m[j], m[6 + j], m[12 + j], m[18 + j], m[24 + j],
          m[30 + j] };
        yolor_v8f o4[4];
        at6 (col, o4);
        for (int r = 0; r < 4; r++)
          tt[r][j] = o4[r];
      }
      for (int r = 0; r < 4 && ty * WG_M + r < oh; r++) {
        yolor_v8f yr[4];
        yolor_v16f row[2];
        size_t at = (size_t) (ty * WG_M + r) * ow + tx * WG_M;
        float *dst = yo + at;
        at6 (tt[r], yr);
        tile_rows_out (yr, row);
        if (cols == 4 * SEG && vec_act) {
          for (int i = 0; i < 2; i++) {
            yolor_v16f v = row[i] + b, a;
            if (q->act != YOLOR_ACT_LINEAR)
              v = yolor_act16 (v, q->act);
            if (ao) {
              memcpy (&a, ao + at + 16 * i, sizeof (a));
              v += a;
            }
            memcpy (dst + 16 * i, &v, sizeof (v));
          }
        } else {
          yolor_act_row (dst, (const float *) row, cols, b, q->act);
          if (ao)
            for (int i = 0; i < cols; i++)
              dst[i] += ao[at + i];
        }
      }
      tl += n;
    }
  }
}

void
YOLOR_KFN (yolor_winograd_conv) (int n_threads, int images,
    const float *const *x, int cin, int h, int w, int pad, const void *u,
    int bf16, int cout, const float *bias, yolor_act act,
    const float *const *add, float *const *y, int oh, int ow, float *work,
    size_t work_floats, float *gemm_work)
{
  int tw = (ow + 3) / 4, th = (oh + 3) / 4, tiles = tw * th;
  int all = tiles * (images > 1 ? images : 1);
#if defined(YOLOR_KERNELS_BASELINE)
  /* the portable build's GEMM is OpenBLAS's, whose sum for a column
   * depends on its place in the product: chunks never span images and
   * start at the same tiles of each, so an image gives the same bits alone
   * and batched */
  int span = tiles;
  int chunk = chunk_tiles (cin, cout, tiles);
#else
  int span = all;
  int chunk = chunk_tiles (cin, cout, all);
#endif
  /* as many as the workspace holds: never fewer than one image's chunk */
  size_t fit = work_floats / WG_N > 2 * WG_PAD_MAX
      ? (work_floats / WG_N - 2 * WG_PAD_MAX) / (size_t) (cin + cout)
      : 0;
  if ((size_t) chunk > fit)
    chunk = (int) fit;
  wg_chunk q;
  yolor_gemm_task g = { 0 };
  q.x = x;
  q.bias = bias;
  q.y = y;
  q.add = add;
  q.V = work;
  q.M = work + WG_N * k_stride (cin, chunk);
  q.cin = cin;
  q.cout = cout;
  q.h = h;
  q.w = w;
  q.pad = pad;
  q.oh = oh;
  q.ow = ow;
  q.tw = tw;
  q.tiles = tiles;
  q.act = act;
  g.M = cout;
  g.K = cin;
  if (bf16) {
    g.a16 = u;
    g.a_step = yolor_bgemm_packed (cout, cin);
  } else {
    g.a = u;
    g.a_step = YOLOR_KFN (yolor_sgemm_packed_floats) (cout, cin);
  }
  g.b.x = q.V;
  g.c = q.M;
  g.act = YOLOR_ACT_LINEAR;
  g.batch = WG_N;

  for (int t0 = 0; t0 < all;) {
    int end = (t0 / span + 1) * span;
    int nt = end - t0 < chunk ? end - t0 : chunk;
    q.t0 = t0;
    q.nt = nt;
    g.N = g.b.ld = g.ldc = nt;
    q.v_step = g.b_step = k_stride (cin, nt);
    q.m_step = g.c_step = k_stride (cout, nt);
    yolor_parallel (n_threads, cin, 1, input_channels, &q);
    /* 36 products: M[k] = U[k] · V[k] */
    YOLOR_KFN (yolor_sgemm_run) (n_threads, &g, gemm_work);
    yolor_parallel (n_threads, cout, 1, output_channels, &q);
    t0 += nt;
  }
}
