/* Winograd F(4x4, 3x3) convolution for 3x3 stride-1 layers: 36 products per
 * 4x4 output tile instead of 144, so the multiply count drops by 4x.
 *
 *   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A        (Lavin & Gray, 2015)
 *
 * Weights are transformed once at load into U[36][cout][cin] and packed for
 * the GEMM. Per frame the input tiles (6x6, stride 4) are transformed into
 * V[36][cin][tiles], the 36 products U·V run as one batched GEMM
 * (yolor_sgemm_part) whose work all threads share, and the output transform
 * adds the bias and applies the activation while it writes the result, so
 * there is no separate epilogue pass. Tiles are done in chunks so that the
 * workspace stays bounded; each chunk is one OpenMP region.
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
yolor_winograd_weights_floats (int cout, int cin)
{
  return WG_N * yolor_sgemm_packed_floats (cout, cin);
}

int
yolor_winograd_prepare (const float *w, int cout, int cin, float *u)
{
  size_t step = yolor_sgemm_packed_floats (cout, cin);
  float *t = malloc (sizeof (float) * WG_N * (size_t) cout * cin);
  if (!t)
    return -1;
  yolor_winograd_weights (w, cout, cin, t);
  for (int k = 0; k < WG_N; k++)
    yolor_sgemm_pack_a (
        cout, cin, t + (size_t) k * cout * cin, cin, u + (size_t) k * step);
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
  return (size_t) WG_N * (cin + cout) * chunk_tiles (cin, cout, tiles);
}
#endif

#define L 8 /* tiles transformed together (SIMD lanes) */

/* Bᵀ d B for L tiles at once: d[i][j][lane] → v[i][j][lane]. */
static inline void
input_tiles (float d[6][6][L], float v[6][6][L])
{
  float t[6][6][L];
  for (int j = 0; j < 6; j++)
    for (int q = 0; q < L; q++) {
      float d0 = d[0][j][q], d1 = d[1][j][q], d2 = d[2][j][q];
      float d3 = d[3][j][q], d4 = d[4][j][q], d5 = d[5][j][q];
      t[0][j][q] = 4 * d0 - 5 * d2 + d4;
      t[1][j][q] = -4 * d1 - 4 * d2 + d3 + d4;
      t[2][j][q] = 4 * d1 - 4 * d2 - d3 + d4;
      t[3][j][q] = -2 * d1 - d2 + 2 * d3 + d4;
      t[4][j][q] = 2 * d1 - d2 - 2 * d3 + d4;
      t[5][j][q] = 4 * d1 - 5 * d3 + d5;
    }
  for (int i = 0; i < 6; i++)
    for (int q = 0; q < L; q++) {
      float d0 = t[i][0][q], d1 = t[i][1][q], d2 = t[i][2][q];
      float d3 = t[i][3][q], d4 = t[i][4][q], d5 = t[i][5][q];
      v[i][0][q] = 4 * d0 - 5 * d2 + d4;
      v[i][1][q] = -4 * d1 - 4 * d2 + d3 + d4;
      v[i][2][q] = 4 * d1 - 4 * d2 - d3 + d4;
      v[i][3][q] = -2 * d1 - d2 + 2 * d3 + d4;
      v[i][4][q] = 2 * d1 - d2 - 2 * d3 + d4;
      v[i][5][q] = 4 * d1 - 5 * d3 + d5;
    }
}

/* Aᵀ m A for L tiles at once. */
static inline void
output_tiles (float m[6][6][L], float y[4][4][L])
{
  float t[4][6][L];
  for (int j = 0; j < 6; j++)
    for (int q = 0; q < L; q++) {
      float m0 = m[0][j][q], m1 = m[1][j][q], m2 = m[2][j][q];
      float m3 = m[3][j][q], m4 = m[4][j][q], m5 = m[5][j][q];
      t[0][j][q] = m0 + m1 + m2 + m3 + m4;
      t[1][j][q] = m1 - m2 + 2 * (m3 - m4);
      t[2][j][q] = m1 + m2 + 4 * (m3 + m4);
      t[3][j][q] = m1 - m2 + 8 * (m3 - m4) + m5;
    }
  for (int i = 0; i < 4; i++)
    for (int q = 0; q < L; q++) {
      float m0 = t[i][0][q], m1 = t[i][1][q], m2 = t[i][2][q];
      float m3 = t[i][3][q], m4 = t[i][4][q], m5 = t[i][5][q];
      y[i][0][q] = m0 + m1 + m2 + m3 + m4;
      y[i][1][q] = m1 - m2 + 2 * (m3 - m4);
      y[i][2][q] = m1 + m2 + 4 * (m3 + m4);
      y[i][3][q] = m1 - m2 + 8 * (m3 - m4) + m5;
    }
}

void
YOLOR_KFN (yolor_winograd_conv) (int n_threads, const float *x, int cin, int h,
    int w, int pad, const float *u, int cout, const float *bias, yolor_act act,
    float *y, int oh, int ow, float *work, float *gemm_work)
{
  int tw = (ow + 3) / 4, th = (oh + 3) / 4, tiles = tw * th;
  int chunk = chunk_tiles (cin, cout, tiles);
  float *V = work;
  float *M = work + (size_t) WG_N * cin * chunk;
  yolor_gemm_task g = { 0 };
  g.M = cout;
  g.K = cin;
  g.a = u;
  g.b.x = V;
  g.c = M;
  g.act = YOLOR_ACT_LINEAR;
  g.batch = WG_N;
  g.a_step = YOLOR_KFN (yolor_sgemm_packed_floats) (cout, cin);

  for (int t0 = 0; t0 < tiles; t0 += chunk) {
    int nt = tiles - t0 < chunk ? tiles - t0 : chunk;
    g.N = g.b.ld = g.ldc = nt;
    g.b_step = (size_t) cin * nt;
    g.c_step = (size_t) cout * nt;

#pragma omp parallel num_threads(n_threads)
    {
      int tid = yolor_thread_num (), nth = yolor_team_size ();
      /* input transform: V[k][c][t], L tiles at a time */
#pragma omp for schedule(static)
      for (int c = 0; c < cin; c++) {
        const float *xc = x + (size_t) c * h * w;
        for (int tb = 0; tb < nt; tb += L) {
          float d[6][6][L], v[6][6][L];
          int nl = nt - tb < L ? nt - tb : L;
          for (int q = 0; q < L; q++) {
            int t = t0 + tb + (q < nl ? q : 0);
            int ty = t / tw, tx = t % tw;
            int y0 = ty * WG_M - pad, x0 = tx * WG_M - pad;
            int inside = y0 >= 0 && x0 >= 0 && y0 + 6 <= h && x0 + 6 <= w;
            for (int i = 0; i < 6; i++) {
              int iy = y0 + i;
              const float *row;
              if (iy < 0 || iy >= h) {
                for (int j = 0; j < 6; j++)
                  d[i][j][q] = 0.0f;
                continue;
              }
              row = xc + (size_t) iy * w;
              if (inside) {
                for (int j = 0; j < 6; j++)
                  d[i][j][q] = row[x0 + j];
              } else {
                for (int j = 0; j < 6; j++) {
                  int ix = x0 + j;
                  d[i][j][q] = (ix >= 0 && ix < w) ? row[ix] : 0.0f;
                }
              }
            }
          }
          input_tiles (d, v);
          for (int k = 0; k < WG_N; k++) {
            float *dst = V + ((size_t) k * cin + c) * nt + tb;
            for (int q = 0; q < nl; q++)
              dst[q] = v[k / 6][k % 6][q];
          }
        }
      }

      /* 36 products: M[k] = U[k] · V[k], shared by all threads */
      YOLOR_KFN (yolor_sgemm_part) (&g, tid, nth, gemm_work);
#pragma omp barrier

      /* output transform + bias + activation, L tiles at a time */
#pragma omp for schedule(static)
      for (int o = 0; o < cout; o++) {
        float b = bias ? bias[o] : 0.0f;
        float *yo = y + (size_t) o * oh * ow;
        for (int tb = 0; tb < nt; tb += L) {
          float m[6][6][L], r[4][4][L];
          int nl = nt - tb < L ? nt - tb : L;
          for (int k = 0; k < WG_N; k++) {
            const float *src = M + ((size_t) k * cout + o) * nt + tb;
            for (int q = 0; q < L; q++)
              m[k / 6][k % 6][q] = src[q < nl ? q : 0];
          }
          output_tiles (m, r);
          for (int q = 0; q < nl; q++) {
            int t = t0 + tb + q, ty = t / tw, tx = t % tw;
            for (int i = 0; i < 4; i++) {
              int oy = ty * 4 + i;
              float *yr;
              if (oy >= oh)
                break;
              yr = yo + (size_t) oy * ow + tx * 4;
              if (tx * 4 + 4 <= ow) {
                float row[4] = { r[i][0][q], r[i][1][q], r[i][2][q],
                  r[i][3][q] };
                yolor_act_row (yr, row, 4, b, act);
              } else {
                for (int j = 0; j < 4 && tx * 4 + j < ow; j++)
                  yr[j] = yolor_act1 (r[i][j][q] + b, act);
              }
            }
          }
        }
      }
    }
  }
}
