/* Compute kernels. Every kernel takes the thread count of its net and runs
 * its parallel loops on the process's thread pool (yolor_parallel); no
 * other code runs in parallel.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_KERNELS_H
#define YOLOR_KERNELS_H

#include <math.h>
#include <string.h>

#include "yolor-private.h"

/* ---- Threads (kernels/pool.c) ----
 * yolor_parallel (n_threads, n, grain, fn, ctx) runs items [0, n) on the
 * caller and up to n_threads − 1 of the pool's helpers, in chunks of at
 * least @grain items (or n, if fewer) that each thread claims one at a
 * time: fn (ctx, lo, hi, worker) runs items [lo, hi) in thread
 * @worker (0 … n_threads − 1, never two running chunks of one call with the
 * same index: the index of per-thread scratch). Returns when every chunk has
 * run. Calls from several threads at once are safe (one of them gets the
 * helpers, the others run alone), and so is a call from inside @fn (it runs
 * alone). @ctx is borrowed for the call. */
typedef void (*yolor_chunk_fn) (void *ctx, long lo, long hi, int worker);
void yolor_parallel (
    int n_threads, long n, long grain, yolor_chunk_fn fn, void *ctx);

/* Items of a batch (frames), each a whole task: with at least as many items
 * as threads, n_threads × ⌊n / n_threads⌋ of them run in the pool, each
 * thread claiming one item at a time while any is left (a thread that lost
 * its core takes fewer), each item alone in its thread (the loops it starts
 * run in that thread: no thread waits for another inside an item); the
 * remaining items then run in the caller, one call for all of them, whose
 * loops use every thread. fn (ctx, lo, hi) runs items [lo, hi). */
typedef void (*yolor_items_fn) (void *ctx, int lo, int hi);
void yolor_parallel_items (int n_threads, int n, yolor_items_fn fn, void *ctx);

/* The kernels declared with YOLOR_KDECL below are compiled three times: for
 * the build's baseline and, on x86-64, for AVX2+FMA (YOLOR_KERNELS_AVX2) and
 * AVX-512 (YOLOR_KERNELS_AVX512); dispatch.c picks one at run time.
 * YOLOR_KFN names a kernel's variant. */
#if defined(YOLOR_KERNELS_AVX512)
#define YOLOR_KFN(name) name##_avx512
#elif defined(YOLOR_KERNELS_AVX2)
#define YOLOR_KFN(name) name##_avx2
#else
#define YOLOR_KFN(name) name##_generic
/* The baseline build also holds the kernels' single-copy functions. */
#define YOLOR_KERNELS_BASELINE 1
#endif

/* Depthwise k×k conv (one filter per channel) with fused bias (may be NULL)
 * and activation: y[c] = act (x[c] ⋆ wt[c] + bias[c]). @work:
 * yolor_depthwise_workspace () floats (each thread's zero-padded plane). */
size_t yolor_depthwise_workspace (
    int k, int stride, int oh, int ow, int n_threads);
void yolor_depthwise (int n_threads, const float *x, int c, int h, int w,
    const float *wt, int k, int stride, int pad, int oh, int ow,
    const float *bias, yolor_act act, float *y, float *work);

/* y[c][i] = act(y[c][i] + bias[c]) for c < C, i < hw. bias may be NULL. */
void yolor_bias_act (
    int n_threads, float *y, int C, int hw, const float *bias, yolor_act act);

/* y[c][i] = act((y − mean)/sqrt(var + eps)·gamma + beta): unfolded BN. */
void yolor_bn_act (int n_threads, float *y, int C, int hw, const float *gamma,
    const float *beta, const float *mean, const float *var, float eps,
    yolor_act act);

/* In-place activation of n values. */
void yolor_act_apply (int n_threads, float *y, size_t n, yolor_act act);

/* Scalar activation (also used by the kernels above). */
static inline float
yolor_sigmoid (float x)
{
  return 1.0f / (1.0f + __builtin_expf (-x));
}

/* exp(x) without branches, so that loops over it vectorize: Cody-Waite range
 * reduction and a degree-7 polynomial, within 2 ulp of expf over the
 * clamped range [-87.3, 88.7] (outside it the result saturates). */
static inline float
yolor_expf (float x)
{
  float fx, r, p, n, scale;
  int32_t ni, bits;
  x = fmaxf (fminf (x, 88.7f), -87.3f);
  fx = x * 1.44269504088896341f + 0.5f;
  ni = (int32_t) fx;
  ni -= (float) ni > fx;
  n = (float) ni;
  r = x - n * 0.693359375f + n * 2.12194440e-4f;
  p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  bits = (ni + 127) << 23;
  memcpy (&scale, &bits, sizeof (scale));
  return p * scale;
}

/* Scalar activation. */
static inline float
yolor_act1 (float x, yolor_act act)
{
  switch (act) {
    case YOLOR_ACT_LINEAR:
      return x;
    case YOLOR_ACT_LEAKY:
      return x > 0.0f ? x : 0.1f * x;
    case YOLOR_ACT_RELU:
      return x > 0.0f ? x : 0.0f;
    case YOLOR_ACT_RELU6:
      return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case YOLOR_ACT_LOGISTIC:
      return 1.0f / (1.0f + yolor_expf (-x));
    case YOLOR_ACT_SILU:
      return x / (1.0f + yolor_expf (-x));
    case YOLOR_ACT_MISH: {
      /* x·tanh(softplus(x)) = x·n/(n + 2) with n = e^x·(e^x + 2); above 20
       * softplus is x itself, as in PyTorch */
      float e = yolor_expf (x > 20.0f ? 20.0f : x);
      float n = e * (e + 2.0f);
      return x > 20.0f ? x * tanhf (x) : x * n / (n + 2.0f);
    }
    case YOLOR_ACT_TANH:
      return tanhf (x);
    case YOLOR_ACT_HARDSWISH: {
      float t = x + 3.0f;
      t = t < 0.0f ? 0.0f : (t > 6.0f ? 6.0f : t);
      return x * t / 6.0f;
    }
  }
  return x;
}

/* Eight and sixteen floats at a time with the generic vectors GCC and clang
 * share (SSE, AVX or AVX-512, whichever the build targets; a build narrower
 * than the type splits it); casts between float and int types reinterpret
 * the bits. Shuffles use __builtin_shufflevector (GCC 12+, clang). */
typedef float yolor_v8f __attribute__ ((vector_size (32)));
typedef int32_t yolor_v8i __attribute__ ((vector_size (32)));
typedef float yolor_v16f __attribute__ ((vector_size (64)));
typedef int32_t yolor_v16i __attribute__ ((vector_size (64)));

/* src[0], src[2], … src[14]: a stride-2 row read as one vector (reads 16
 * floats). */
static inline yolor_v8f
yolor_v8_even (const float *src)
{
  yolor_v8f lo, hi;
  memcpy (&lo, src, sizeof (lo));
  memcpy (&hi, src + 8, sizeof (hi));
  return __builtin_shufflevector (lo, hi, 0, 2, 4, 6, 8, 10, 12, 14);
}

/* a where m is set, else b, on a vector of either width. */
#define YOLOR_VEC_SELECT_DEFINE(W)                                             \
  static inline yolor_v##W##f yolor_select##W (                                \
      yolor_v##W##i m, yolor_v##W##f a, yolor_v##W##f b)                       \
  {                                                                            \
    return (yolor_v##W##f) (                                                   \
        (m & (yolor_v##W##i) a) | (~m & (yolor_v##W##i) b));                   \
  }

YOLOR_VEC_SELECT_DEFINE (8)
YOLOR_VEC_SELECT_DEFINE (16)

/* yolor_expf8/16 (): yolor_expf () on a vector. The x86 builds have their
 * own, with fused multiply-adds (vec-exp-x86.h); the baseline's is
 * yolor_expf ()'s own arithmetic, lane by lane. Within a build the two
 * widths give the same bits for the same lane value. */
#if defined(YOLOR_KERNELS_AVX512) || defined(YOLOR_KERNELS_AVX2)
#include "vec-exp-x86.h"
#else
#define YOLOR_VEC_EXP_DEFINE(W)                                                \
  static inline yolor_v##W##f yolor_expf##W (yolor_v##W##f x)                  \
  {                                                                            \
    yolor_v##W##f zero = { 0 }, fx, nf, r, p;                                  \
    yolor_v##W##i ni;                                                          \
    x = yolor_select##W (x > 88.7f, zero + 88.7f, x);                          \
    x = yolor_select##W (x < -87.3f, zero - 87.3f, x);                         \
    fx = x * 1.44269504088896341f + 0.5f;                                      \
    ni = __builtin_convertvector(fx, yolor_v##W##i);                           \
    nf = __builtin_convertvector(ni, yolor_v##W##f);                           \
    ni = ni + (nf > fx); /* true is −1: floor */                             \
    nf = __builtin_convertvector(ni, yolor_v##W##f);                           \
    r = x - nf * 0.693359375f + nf * 2.12194440e-4f;                           \
    p = zero + 1.9875691500e-4f;                                               \
    p = p * r + 1.3981999507e-3f;                                              \
    p = p * r + 8.3334519073e-3f;                                              \
    p = p * r + 4.1665795894e-2f;                                              \
    p = p * r + 1.6666665459e-1f;                                              \
    p = p * r + 5.0000001201e-1f;                                              \
    p = p * r * r + r + 1.0f;                                                  \
    return p * (yolor_v##W##f) ((ni + 127) << 23);                             \
  }

YOLOR_VEC_EXP_DEFINE (8)
YOLOR_VEC_EXP_DEFINE (16)
#endif

/* The activations on a vector of either width: the same body, instantiated
 * for both (yolor_act8/16). */
#define YOLOR_VEC_ACT_DEFINE(W)                                                \
  /* SiLU, logistic, mish or leaky of v (the vectorized activations) */        \
  static inline yolor_v##W##f yolor_act##W (yolor_v##W##f v, yolor_act act)    \
  {                                                                            \
    yolor_v##W##f one = { 0 }, e, nn;                                          \
    one += 1.0f;                                                               \
    switch (act) {                                                             \
      case YOLOR_ACT_SILU:                                                     \
        return v / (one + yolor_expf##W (-v));                                 \
      case YOLOR_ACT_LOGISTIC:                                                 \
        return one / (one + yolor_expf##W (-v));                               \
      case YOLOR_ACT_MISH:                                                     \
        e = yolor_expf##W (yolor_select##W (v > 20.0f, one * 20.0f, v));       \
        nn = e * (e + 2.0f);                                                   \
        return yolor_select##W (v > 20.0f, v, v * nn / (nn + 2.0f));           \
      default:                                                                 \
        return yolor_select##W (v > 0.0f, v, v * 0.1f);                        \
    }                                                                          \
  }

YOLOR_VEC_ACT_DEFINE (8)
YOLOR_VEC_ACT_DEFINE (16)

/* y[i] = act (x[i] + b) for i < n, sixteen and eight at a time where the
 * activation has a vector form (and the last few as one more vector of
 * eight). x may equal y. */
static inline void
yolor_act_row (float *y, const float *x, int n, float b, yolor_act act)
{
  int i = 0;
  if (act == YOLOR_ACT_SILU || act == YOLOR_ACT_LOGISTIC
      || act == YOLOR_ACT_MISH || act == YOLOR_ACT_LEAKY) {
    for (; i + 16 <= n; i += 16) {
      yolor_v16f v;
      memcpy (&v, x + i, sizeof (v));
      v = yolor_act16 (v + b, act);
      memcpy (y + i, &v, sizeof (v));
    }
    for (; i + 8 <= n; i += 8) {
      yolor_v8f v;
      memcpy (&v, x + i, sizeof (v));
      v = yolor_act8 (v + b, act);
      memcpy (y + i, &v, sizeof (v));
    }
    if (i < n) {
      /* the tail in a vector too: a value's result does not depend on
       * where in a row it is (rows are cut differently by tiles, threads
       * and batches) */
      yolor_v8f v = { 0 };
      memcpy (&v, x + i, sizeof (float) * (size_t) (n - i));
      v = yolor_act8 (v + b, act);
      memcpy (y + i, &v, sizeof (float) * (size_t) (n - i));
    }
    return;
  }
  if (act == YOLOR_ACT_LINEAR) {
    for (; i < n; i++)
      y[i] = x[i] + b;
    return;
  }
  for (; i < n; i++)
    y[i] = yolor_act1 (x[i] + b, act);
}

/* ---- The convolution GEMM ----
 *
 *   C[M][N] = act (A[M][K] · B[K][N] + bias[M])
 *
 * A (the weights) is packed once, at load, by yolor_sgemm_pack_a() into the
 * layout of the kernels in use. B is either a row-major matrix or a k×k
 * convolution's input read as its im2col column matrix, which is then never
 * built: the GEMM gathers each block while it packs it. A batch runs several
 * independent products of the same shape (Winograd's 36). */
typedef struct
{
  const float *x; /* borrowed: B[K][ld], or the conv input x[c][h][w] */
  int ld; /* matrix: row stride; 0 for a conv source */
  int c, h, w, k, stride, pad, ow; /* conv source only */
} yolor_gemm_src;

typedef struct
{
  int M, N, K;
  const float *a; /* borrowed: packed by yolor_sgemm_pack_a () */
  const uint16_t *a16; /* borrowed, or NULL: A as BF16, packed by
                        * yolor_bgemm_pack_a (); when set, a is unused,
                        * a_step counts uint16_t and B is rounded to BF16
                        * as it is packed (FP32 accumulation) */
  yolor_gemm_src b;
  float *c; /* borrowed: C[M][ldc] */
  int ldc;
  const float *bias; /* borrowed, may be NULL */
  yolor_act act;
  int batch; /* products; 0 or 1 for one */
  size_t a_step, b_step, c_step, bias_step; /* floats between items */
  /* Several images (0 or 1: one, at b.x and c): the batch runs once per
   * image i, on B at xs[i] and C at cs[i] (b.x and c unused), every image
   * with the same A and bias. */
  int images;
  const float *const *xs; /* borrowed: images pointers */
  float *const *cs; /* borrowed: images pointers */
} yolor_gemm_task;

/* B as the im2col matrix of a k×k conv on x[c][h][w] with output width
 * @ow. */
static inline yolor_gemm_src
yolor_gemm_conv_source (
    const float *x, int c, int h, int w, int k, int stride, int pad, int ow)
{
  yolor_gemm_src s = { x, 0, c, h, w, k, stride, pad, ow };
  return s;
}

/* Floats of packed A for an M×K matrix, and the packing itself. */
size_t yolor_sgemm_packed_floats (int M, int K);
void yolor_sgemm_pack_a (int M, int K, const float *A, int lda, float *dst);

/* BF16 (the upper half of an FP32) of @f, rounded to nearest even, as
 * vcvtneps2bf16 does: subnormals become a signed zero, NaN stays NaN. */
static inline uint16_t
yolor_bf16_round (float f)
{
  uint32_t u;
  memcpy (&u, &f, sizeof (u));
  if ((u & 0x7fffffffu) > 0x7f800000u)
    return (uint16_t) ((u >> 16) | 0x40u);
  if ((u & 0x7f800000u) == 0)
    return (uint16_t) ((u >> 16) & 0x8000u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return (uint16_t) (u >> 16);
}

/* The BF16 GEMM: yolor_sgemm_run () on a task with a16 set. Available when
 * the AVX-512 kernels are in use and the CPU has avx512_bf16; elsewhere
 * yolor_bgemm_packed () is 0 and nothing may be packed. Packing: M×K
 * weights as BF16 pairs of k, in MR-row panels (K padded to even). */
int yolor_bf16_available (void);
size_t yolor_bgemm_packed (int M, int K); /* uint16_t values */
void yolor_bgemm_pack_a (int M, int K, const float *A, int lda, uint16_t *dst);
#if defined(YOLOR_HAVE_BF16_KERNELS)
size_t yolor_bgemm_packed_avx512 (int M, int K);
void yolor_bgemm_pack_a_avx512 (
    int M, int K, const float *A, int lda, uint16_t *dst);
#endif

/* Values of packed A for an M×K matrix: floats, or with @bf16 uint16_t
 * (the a_step unit of a task). */
static inline size_t
yolor_gemm_packed_values (int bf16, int M, int K)
{
  return bf16 ? yolor_bgemm_packed (M, K) : yolor_sgemm_packed_floats (M, K);
}

/* Workspace floats of yolor_sgemm_run () for n_threads threads. */
size_t yolor_sgemm_workspace (int n_threads);

/* Runs @g on n_threads threads. @work: yolor_sgemm_workspace (). */
void yolor_sgemm_run (int n_threads, const yolor_gemm_task *g, float *work);


/* Winograd F(4x4, 3x3), stride 1: transformed and packed weights from
 * w[cout][cin][3][3] (yolor_winograd_weights_bytes () of them; with @bf16,
 * packed for the BF16 GEMM, which must be available); workspace floats for
 * a conv of that size; the conv itself with bias and activation fused
 * (work: @work_floats, at least yolor_winograd_workspace (); a batch takes
 * as many tiles at a time as it holds; gemm_work: yolor_sgemm_workspace
 * ()). yolor_winograd_prepare () returns -1 when out
 * of memory. */
size_t yolor_winograd_weights_bytes (int cout, int cin, int bf16);
int yolor_winograd_prepare (
    const float *w, int cout, int cin, int bf16, void *u);
/* The plain transform, u[36][cout][cin] (unpacked; for tests). */
void yolor_winograd_weights (const float *w, int cout, int cin, float *u);
size_t yolor_winograd_workspace (int cin, int cout, int oh, int ow);
/* @images (at least 1) convs of the same size, x[i] → y[i], as one: their
 * tiles share the products. @add (borrowed, or NULL): one tensor per image
 * shaped as y[i], added after the activation (a residual that would
 * otherwise take its own pass); y[i] must not overlap x[i] or add[i]. */
void yolor_winograd_conv (int n_threads, int images, const float *const *x,
    int cin, int h, int w, int pad, const void *u, int bf16, int cout,
    const float *bias, yolor_act act, const float *const *add, float *const *y,
    int oh, int ow, float *work, size_t work_floats, float *gemm_work);

/* ---- Frame conversion (kernels/convert.c) ----
 * YUV → RGB: R = (Y − y_off)·ys + rv·(V − 128), G = (Y − y_off)·ys +
 * gu·(U − 128) + gv·(V − 128), B = (Y − y_off)·ys + bu·(U − 128). */
typedef struct
{
  float y_off, ys, rv, gu, gv, bu;
} yolor_yuv_coef;

/* Where each output column j samples the frame: columns xa[j] and xb[j],
 * with weight w[j] (letterbox: OpenCV's 11-bit weight of xa; stretch: 1 for
 * the last column) and dx[j] (stretch: the weight of xb). The same for
 * every row, so it is computed once per frame, into the net's pre_cols
 * buffer (yolor_preprocess_table_bytes (W) bytes, one array per field). */
typedef struct
{
  int *xa, *xb, *w;
  float *dx;
} yolor_resample_cols;

static inline yolor_resample_cols
yolor_resample_cols_at (void *buf, int W)
{
  yolor_resample_cols c;
  c.xa = buf;
  c.xb = c.xa + W;
  c.w = c.xb + W;
  c.dx = (float *) (c.w + W);
  return c;
}

/* net->input from @img (checked by yolor_preprocess) with the net's resize
 * mode; fills net->pre_cols first. */
void yolor_convert_frame (
    yolor_net *net, const yolor_image *img, const yolor_yuv_coef *k);

/* The variants of every dispatched kernel (dispatch.c calls them). */
#define YOLOR_KDECL(ret, name, params)                                         \
  ret name##_generic params;                                                   \
  ret name##_avx2 params;                                                      \
  ret name##_avx512 params;

YOLOR_KDECL (size_t, yolor_sgemm_packed_floats, (int M, int K))
YOLOR_KDECL (void, yolor_sgemm_pack_a,
    (int M, int K, const float *A, int lda, float *dst))
YOLOR_KDECL (void, yolor_sgemm_run,
    (int n_threads, const yolor_gemm_task *g, float *work))
YOLOR_KDECL (void, yolor_winograd_conv,
    (int n_threads, int images, const float *const *x, int cin, int h, int w,
        int pad, const void *u, int bf16, int cout, const float *bias,
        yolor_act act, const float *const *add, float *const *y, int oh, int ow,
        float *work, size_t work_floats, float *gemm_work))
YOLOR_KDECL (void, yolor_depthwise,
    (int n_threads, const float *x, int c, int h, int w, const float *wt, int k,
        int stride, int pad, int oh, int ow, const float *bias, yolor_act act,
        float *y, float *work))
YOLOR_KDECL (void, yolor_bias_act,
    (int n_threads, float *y, int C, int hw, const float *bias, yolor_act act))
YOLOR_KDECL (void, yolor_bn_act,
    (int n_threads, float *y, int C, int hw, const float *gamma,
        const float *beta, const float *mean, const float *var, float eps,
        yolor_act act))
YOLOR_KDECL (
    void, yolor_act_apply, (int n_threads, float *y, size_t n, yolor_act act))
YOLOR_KDECL (void, yolor_convert_frame,
    (yolor_net * net, const yolor_image *img, const yolor_yuv_coef *k))

/* The kernels in use: "avx512", "avx2" or "generic". */
const char *yolor_kernels_name (void);


#endif /* YOLOR_KERNELS_H */
