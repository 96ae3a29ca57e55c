/* Winograd F(4x4, 3x3) convolution for 3x3 stride-1 layers: 36 products per
 * 4x4 output tile instead of 144, so the multiply count drops by 4x.
 *
 *   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A        (Lavin & Gray, 2015)
 *
 * Weights are transformed once at load into U[36][cout][cin]. Per frame the
 * input tiles (6x6, stride 4) are transformed into V[36][cin][tiles], the 36
 * products U·V are plain GEMMs (yolor_gemm, outside any OpenMP region), and
 * the output transform adds the bias and applies the activation while it
 * writes the result, so there is no separate epilogue pass. Tiles are done in
 * chunks so that the workspace stays bounded.
 *
 * Rounding: the transforms add a little float32 error (see
 * docs/performance.md for the measured effect on the reference heads).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "kernels.h"

#define WG_T 6                  /* input tile */
#define WG_M 4                  /* output tile */
#define WG_N (WG_T * WG_T)      /* 36 */
#define WG_WORK_FLOATS (6u << 20)       /* chunk budget, floats */

/* G (6x3) */
static const float G[6][3] = {
  {1.0f / 4, 0, 0},
  {-1.0f / 6, -1.0f / 6, -1.0f / 6},
  {-1.0f / 6, 1.0f / 6, -1.0f / 6},
  {1.0f / 24, 1.0f / 12, 1.0f / 6},
  {1.0f / 24, -1.0f / 12, 1.0f / 6},
  {0, 0, 1},
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

static int
chunk_tiles (int cin, int cout, int tiles)
{
  int n = (int) (WG_WORK_FLOATS / ((size_t) WG_N * (cin + cout)));
  if (n < 16)
    n = 16;
  return n < tiles ? n : tiles;
}

size_t
yolor_winograd_workspace (int cin, int cout, int oh, int ow)
{
  int tiles = ((oh + 3) / 4) * ((ow + 3) / 4);
  return (size_t) WG_N * (cin + cout) * chunk_tiles (cin, cout, tiles);
}

/* Bᵀ d B for one 6x6 tile. */
static inline void
input_tile (const float d[6][6], float v[6][6])
{
  float t[6][6];
  for (int j = 0; j < 6; j++) {
    float d0 = d[0][j], d1 = d[1][j], d2 = d[2][j], d3 = d[3][j],
        d4 = d[4][j], d5 = d[5][j];
    t[0][j] = 4 * d0 - 5 * d2 + d4;
    t[1][j] = -4 * d1 - 4 * d2 + d3 + d4;
    t[2][j] = 4 * d1 - 4 * d2 - d3 + d4;
    t[3][j] = -2 * d1 - d2 + 2 * d3 + d4;
    t[4][j] = 2 * d1 - d2 - 2 * d3 + d4;
    t[5][j] = 4 * d1 - 5 * d3 + d5;
  }
  for (int i = 0; i < 6; i++) {
    float d0 = t[i][0], d1 = t[i][1], d2 = t[i][2], d3 = t[i][3],
        d4 = t[i][4], d5 = t[i][5];
    v[i][0] = 4 * d0 - 5 * d2 + d4;
    v[i][1] = -4 * d1 - 4 * d2 + d3 + d4;
    v[i][2] = 4 * d1 - 4 * d2 - d3 + d4;
    v[i][3] = -2 * d1 - d2 + 2 * d3 + d4;
    v[i][4] = 2 * d1 - d2 - 2 * d3 + d4;
    v[i][5] = 4 * d1 - 5 * d3 + d5;
  }
}

/* Aᵀ m A for one tile. */
static inline void
output_tile (const float m[6][6], float y[4][4])
{
  float t[4][6];
  for (int j = 0; j < 6; j++) {
    float m0 = m[0][j], m1 = m[1][j], m2 = m[2][j], m3 = m[3][j],
        m4 = m[4][j], m5 = m[5][j];
    t[0][j] = m0 + m1 + m2 + m3 + m4;
    t[1][j] = m1 - m2 + 2 * (m3 - m4);
    t[2][j] = m1 + m2 + 4 * (m3 + m4);
    t[3][j] = m1 - m2 + 8 * (m3 - m4) + m5;
  }
  for (int i = 0; i < 4; i++) {
    float m0 = t[i][0], m1 = t[i][1], m2 = t[i][2], m3 = t[i][3],
        m4 = t[i][4], m5 = t[i][5];
    y[i][0] = m0 + m1 + m2 + m3 + m4;
    y[i][1] = m1 - m2 + 2 * (m3 - m4);
    y[i][2] = m1 + m2 + 4 * (m3 + m4);
    y[i][3] = m1 - m2 + 8 * (m3 - m4) + m5;
  }
}

void
yolor_winograd_conv (int n_threads, const float *x, int cin, int h, int w,
    int pad, const float *u, int cout, const float *bias, yolor_act act,
    float *y, int oh, int ow, float *work, float *gemm_work)
{
  int tw = (ow + 3) / 4, th = (oh + 3) / 4, tiles = tw * th;
  int chunk = chunk_tiles (cin, cout, tiles);
  float *V = work;
  float *M = work + (size_t) WG_N * cin * chunk;
  (void) n_threads;

  for (int t0 = 0; t0 < tiles; t0 += chunk) {
    int nt = tiles - t0 < chunk ? tiles - t0 : chunk;

    /* input transform: V[k][c][t] */
#pragma omp parallel for num_threads(n_threads) schedule(static)
    for (int c = 0; c < cin; c++) {
      const float *xc = x + (size_t) c * h * w;
      for (int t = 0; t < nt; t++) {
        int ty = (t0 + t) / tw, tx = (t0 + t) % tw;
        int y0 = ty * WG_M - pad, x0 = tx * WG_M - pad;
        float d[6][6], v[6][6];
        int inside = y0 >= 0 && x0 >= 0 && y0 + 6 <= h && x0 + 6 <= w;
        for (int i = 0; i < 6; i++) {
          int iy = y0 + i;
          const float *row = xc + (size_t) iy * w;
          if (inside) {
            for (int j = 0; j < 6; j++)
              d[i][j] = row[x0 + j];
          } else {
            for (int j = 0; j < 6; j++) {
              int ix = x0 + j;
              d[i][j] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? row[ix]
                  : 0.0f;
            }
          }
        }
        input_tile ((const float (*)[6]) d, v);
        for (int k = 0; k < WG_N; k++)
          V[((size_t) k * cin + c) * nt + t] = v[k / 6][k % 6];
      }
    }

    /* 36 products: M[k] = U[k] · V[k] */
    for (int k = 0; k < WG_N; k++)
      yolor_sgemm (n_threads, cout, nt, cin, u + (size_t) k * cout * cin, cin,
          V + (size_t) k * cin * nt, nt, M + (size_t) k * cout * nt, nt, NULL,
          YOLOR_ACT_LINEAR, gemm_work);

    /* output transform + bias + activation */
#pragma omp parallel for num_threads(n_threads) schedule(static)
    for (int o = 0; o < cout; o++) {
      float b = bias ? bias[o] : 0.0f;
      float *yo = y + (size_t) o * oh * ow;
      for (int t = 0; t < nt; t++) {
        int ty = (t0 + t) / tw, tx = (t0 + t) % tw;
        float m[6][6], r[4][4];
        for (int k = 0; k < WG_N; k++)
          m[k / 6][k % 6] = M[((size_t) k * cout + o) * nt + t];
        output_tile ((const float (*)[6]) m, r);
        for (int i = 0; i < 4; i++) {
          int oy = ty * 4 + i;
          if (oy >= oh)
            break;
          for (int j = 0; j < 4; j++) {
            int ox = tx * 4 + j;
            if (ox >= ow)
              break;
            yo[(size_t) oy * ow + ox] = yolor_act1 (r[i][j] + b, act);
          }
        }
      }
    }
  }
}
