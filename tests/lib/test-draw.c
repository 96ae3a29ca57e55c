/* Pixel tests of the drawing library (include/yolor/yolor-draw.h).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every canvas is allocated with guard bytes before and after each plane
 * and with row padding (stride > one row's bytes), all filled with seeded
 * random bytes. After drawing, every byte of the allocation is compared with
 * what a per-pixel reference model predicts: drawn pixels take the colour,
 * chroma samples take it when their 2×2 footprint touches a drawn luma
 * pixel, and every other byte (padding, guards, x bytes, pixels outside the
 * shape) is unchanged.
 */
#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yolor/yolor-draw.h>

#define GUARD 64

static const char *const format_names[YOLOR_PIXFMT_COUNT] = { "RGB", "BGR",
  "RGBx", "BGRx", "xRGB", "xBGR", "RGBA", "BGRA", "NV12", "I420" };

/* ---- Test canvas with guards and a snapshot ---- */

typedef struct test_canvas
{
  yolor_canvas cv;
  int n_planes;
  uint8_t *mem[3]; /* allocation: GUARD + stride·rows + GUARD */
  uint8_t *snap[3]; /* copy of mem before drawing */
  size_t size[3];
  int rows[3], cols[3], bpp[3], shift[3];
} test_canvas;

static uint32_t rng_state = 12345;

static uint32_t
rng (void)
{
  /* xorshift32 */
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static int
rng_range (int lo, int hi)
{
  return lo + (int) (rng () % (uint32_t) (hi - lo + 1));
}

static int
packed_bpp (yolor_pixfmt f)
{
  return (f == YOLOR_PIXFMT_RGB || f == YOLOR_PIXFMT_BGR) ? 3 : 4;
}

static int
is_yuv (yolor_pixfmt f)
{
  return f == YOLOR_PIXFMT_NV12 || f == YOLOR_PIXFMT_I420;
}

static void
tc_init (test_canvas *t, yolor_pixfmt f, int w, int h, int pad)
{
  int i, cw = (w + 1) / 2, ch = (h + 1) / 2;

  memset (t, 0, sizeof (*t));
  t->cv.format = f;
  t->cv.width = w;
  t->cv.height = h;
  if (!is_yuv (f)) {
    t->n_planes = 1;
    t->rows[0] = h;
    t->cols[0] = w;
    t->bpp[0] = packed_bpp (f);
  } else {
    t->n_planes = f == YOLOR_PIXFMT_NV12 ? 2 : 3;
    t->rows[0] = h;
    t->cols[0] = w;
    t->bpp[0] = 1;
    for (i = 1; i < t->n_planes; i++) {
      t->rows[i] = ch;
      t->cols[i] = cw;
      t->bpp[i] = f == YOLOR_PIXFMT_NV12 ? 2 : 1;
      t->shift[i] = 1;
    }
  }
  for (i = 0; i < t->n_planes; i++) {
    size_t k;

    t->cv.strides[i] = t->cols[i] * t->bpp[i] + pad;
    t->size[i] = GUARD + (size_t) t->cv.strides[i] * t->rows[i] + GUARD;
    t->mem[i] = malloc (t->size[i]);
    t->snap[i] = malloc (t->size[i]);
    ck_assert_ptr_nonnull (t->mem[i]);
    ck_assert_ptr_nonnull (t->snap[i]);
    for (k = 0; k < t->size[i]; k++)
      t->mem[i][k] = (uint8_t) rng ();
    memcpy (t->snap[i], t->mem[i], t->size[i]);
    t->cv.planes[i] = t->mem[i] + GUARD;
  }
}

static void
tc_clear (test_canvas *t)
{
  int i;

  for (i = 0; i < t->n_planes; i++) {
    free (t->mem[i]);
    free (t->snap[i]);
  }
}

static void
tc_unchanged (const test_canvas *t)
{
  int i;

  for (i = 0; i < t->n_planes; i++)
    ck_assert_msg (memcmp (t->mem[i], t->snap[i], t->size[i]) == 0,
        "%s %dx%d: plane %d changed", format_names[t->cv.format], t->cv.width,
        t->cv.height, i);
}

/* ---- Expected colour bytes ---- */

typedef struct test_color
{
  uint32_t rgb;
  uint8_t y, u, v; /* BT.601 limited range (frames < 720 rows) */
} test_color;

static const test_color RED = { 0xFF0000, 81, 90, 240 };
static const test_color GREEN = { 0x00FF00, 145, 54, 34 };
static const test_color BLUE = { 0x0000FF, 41, 240, 110 };
static const test_color WHITE = { 0xFFFFFF, 235, 128, 128 };
static const test_color BLACK = { 0x000000, 16, 128, 128 };

/* Value of byte @k of a sample of plane @p, or -1 when the byte is never
 * written (x bytes) and -2 for an alpha byte. */
static int
color_byte (yolor_pixfmt f, int p, int k, const test_color *c)
{
  uint8_t r = (c->rgb >> 16) & 0xff, g = (c->rgb >> 8) & 0xff;
  uint8_t b = c->rgb & 0xff;

  switch (f) {
    case YOLOR_PIXFMT_RGB:
      return k == 0 ? r : k == 1 ? g : b;
    case YOLOR_PIXFMT_BGR:
      return k == 0 ? b : k == 1 ? g : r;
    case YOLOR_PIXFMT_RGBX:
      return k == 0 ? r : k == 1 ? g : k == 2 ? b : -1;
    case YOLOR_PIXFMT_BGRX:
      return k == 0 ? b : k == 1 ? g : k == 2 ? r : -1;
    case YOLOR_PIXFMT_XRGB:
      return k == 0 ? -1 : k == 1 ? r : k == 2 ? g : b;
    case YOLOR_PIXFMT_XBGR:
      return k == 0 ? -1 : k == 1 ? b : k == 2 ? g : r;
    case YOLOR_PIXFMT_RGBA:
      return k == 0 ? r : k == 1 ? g : k == 2 ? b : -2;
    case YOLOR_PIXFMT_BGRA:
      return k == 0 ? b : k == 1 ? g : k == 2 ? r : -2;
    case YOLOR_PIXFMT_NV12:
      return p == 0 ? c->y : (k == 0 ? c->u : c->v);
    case YOLOR_PIXFMT_I420:
      return p == 0 ? c->y : (p == 1 ? c->u : c->v);
    default:
      return -1;
  }
}

static uint8_t
ref_blend (uint8_t dst, uint8_t src, unsigned a)
{
  return (uint8_t) ((dst * (255u - a) + src * a + 127u) / 255u);
}

/* ---- Reference shapes (one luma pixel at a time) ---- */

typedef int (*mask_fn) (const void *shape, int x, int y);

typedef struct ref_rect
{
  long long x, y, w, h, t; /* t ≤ 0: filled */
} ref_rect;

static int
rect_mask (const void *shape, int x, int y)
{
  const ref_rect *r = shape;
  int in_outer = x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
  int in_hole = x >= r->x + r->t && x < r->x + r->w - r->t && y >= r->y + r->t
      && y < r->y + r->h - r->t;

  if (r->t <= 0)
    return in_outer;
  return in_outer && !in_hole;
}

typedef struct ref_text
{
  const char *text;
  long long x, y, scale;
} ref_text;

static int
text_mask (const void *shape, int x, int y)
{
  const ref_text *t = shape;
  long long dx, dy, ci, col;

  if (x < t->x || y < t->y)
    return 0;
  dx = (x - t->x) / t->scale;
  dy = (y - t->y) / t->scale;
  ci = dx / 6;
  col = dx % 6;
  if (col >= 5 || dy >= 8 || ci >= (long long) strlen (t->text))
    return 0;
  return (yolor_font_glyph ((unsigned char) t->text[ci])[dy] >> (4 - col)) & 1;
}

/* Whether the footprint of sample (c, r) of plane @p touches the mask. */
static int
footprint_hit (
    const test_canvas *t, int p, int c, int r, mask_fn mask, const void *shape)
{
  int f = 1 << t->shift[p], x, y;

  for (y = r * f; y < (r + 1) * f && y < t->cv.height; y++)
    for (x = c * f; x < (c + 1) * f && x < t->cv.width; x++)
      if (mask (shape, x, y))
        return 1;
  return 0;
}

/* Compares every byte of @t with the model "shape drawn in @c at @alpha". */
static void
tc_expect (const test_canvas *t, mask_fn mask, const void *shape,
    const test_color *c, unsigned alpha, const char *what)
{
  int p;

  for (p = 0; p < t->n_planes; p++) {
    size_t k;
    int stride = t->cv.strides[p];

    for (k = 0; k < t->size[p]; k++) {
      uint8_t before = t->snap[p][k], got = t->mem[p][k], want = before;

      if (k >= GUARD && k < t->size[p] - GUARD) {
        size_t off = k - GUARD;
        int r = (int) (off / (size_t) stride);
        int col_byte = (int) (off % (size_t) stride);
        int c_ = col_byte / t->bpp[p], b = col_byte % t->bpp[p];

        if (c_ < t->cols[p] && footprint_hit (t, p, c_, r, mask, shape)) {
          int v = color_byte (t->cv.format, p, b, c);

          if (v >= 0)
            want = alpha == 255 ? (uint8_t) v
                                : ref_blend (before, (uint8_t) v, alpha);
          else if (v == -2)
            want = ref_blend (before, 255, alpha);
        }
        if (got != want)
          ck_abort_msg ("%s on %s %dx%d (strides %d,%d,%d): plane %d sample "
                        "(%d,%d) byte %d is %u, expected %u (was %u)",
              what, format_names[t->cv.format], t->cv.width, t->cv.height,
              t->cv.strides[0], t->cv.strides[1], t->cv.strides[2], p, c_, r, b,
              got, want, before);
      } else if (got != want) {
        ck_abort_msg ("%s on %s %dx%d: guard byte %zu of plane %d changed",
            what, format_names[t->cv.format], t->cv.width, t->cv.height, k, p);
      }
    }
  }
}

/* Byte @k of the sample of plane @p at luma (x, y). */
static uint8_t
px (const test_canvas *t, int p, int x, int y, int k)
{
  int s = t->shift[p];

  return t->cv.planes[p][(size_t) (y >> s) * t->cv.strides[p]
      + (size_t) (x >> s) * t->bpp[p] + k];
}

/* Whether the pixel (x, y) has colour @c (every colour byte of every plane). */
static int
has_color (const test_canvas *t, int x, int y, const test_color *c)
{
  int p, k;

  for (p = 0; p < t->n_planes; p++)
    for (k = 0; k < t->bpp[p]; k++) {
      int v = color_byte (t->cv.format, p, k, c);
      if (v >= 0 && px (t, p, x, y, k) != v)
        return 0;
    }
  return 1;
}

/* Whether the luma (or packed) bytes of (x, y) are as before drawing. */
static int
luma_unchanged (const test_canvas *t, int x, int y)
{
  size_t o = GUARD + (size_t) y * t->cv.strides[0] + (size_t) x * t->bpp[0];

  return memcmp (t->mem[0] + o, t->snap[0] + o, t->bpp[0]) == 0;
}

/* ---- Tests ---- */

/* Box edges land exactly on the box: packed formats, loop over formats. */
START_TEST (test_rect_edges)
{
  yolor_pixfmt f = (yolor_pixfmt) _i;
  test_canvas t;
  ref_rect r = { 5, 4, 20, 11, 2 };

  tc_init (&t, f, 37, 23, 7);
  ck_assert_int_eq (
      yolor_draw_rect (&t.cv, 5, 4, 20, 11, 2, RED.rgb, 255), YOLOR_OK);
  tc_expect (&t, rect_mask, &r, &RED, 255, "rect 5,4 20x11 t=2");

  /* Explicit edges: columns 5,6 and 23,24; rows 4,5 and 13,14. */
  ck_assert (has_color (&t, 5, 4, &RED));
  ck_assert (has_color (&t, 24, 14, &RED));
  ck_assert (has_color (&t, 6, 10, &RED));
  ck_assert (has_color (&t, 23, 10, &RED));
  ck_assert (has_color (&t, 15, 5, &RED));
  ck_assert (has_color (&t, 15, 13, &RED));
  ck_assert (luma_unchanged (&t, 4, 4));
  ck_assert (luma_unchanged (&t, 25, 14));
  ck_assert (luma_unchanged (&t, 5, 3));
  ck_assert (luma_unchanged (&t, 24, 15));
  ck_assert (luma_unchanged (&t, 7, 6));
  ck_assert (luma_unchanged (&t, 22, 12));
  tc_clear (&t);
}
END_TEST

/* YUV: exact luma edges, chroma where the 2×2 footprint touches them. */
START_TEST (test_rect_yuv)
{
  yolor_pixfmt f = _i ? YOLOR_PIXFMT_I420 : YOLOR_PIXFMT_NV12;
  test_canvas t;
  ref_rect r = { 3, 3, 9, 7, 1 };
  int cp = f == YOLOR_PIXFMT_NV12 ? 1 : 2; /* plane holding V */
  int vk = f == YOLOR_PIXFMT_NV12 ? 1 : 0;

  tc_init (&t, f, 37, 23, 5);
  ck_assert_int_eq (
      yolor_draw_rect (&t.cv, 3, 3, 9, 7, 1, BLUE.rgb, 255), YOLOR_OK);
  tc_expect (&t, rect_mask, &r, &BLUE, 255, "rect 3,3 9x7 t=1");

  ck_assert_uint_eq (px (&t, 0, 3, 3, 0), BLUE.y);
  ck_assert_uint_eq (px (&t, 0, 11, 9, 0), BLUE.y);
  ck_assert (luma_unchanged (&t, 2, 3));
  ck_assert (luma_unchanged (&t, 12, 9));
  ck_assert (luma_unchanged (&t, 4, 4));
  /* Chroma (1,1) covers luma 2..3: touches the left and top edges. */
  ck_assert_uint_eq (px (&t, 1, 2, 2, 0), BLUE.u);
  ck_assert_uint_eq (px (&t, cp, 2, 2, vk), BLUE.v);
  /* Chroma (2,2) covers luma 4..5 × 4..5: inside the hole, untouched. */
  ck_assert_uint_eq (px (&t, 1, 4, 4, 0),
      t.snap[1][GUARD + 2 * t.cv.strides[1] + 2 * t.bpp[1]]);
  tc_clear (&t);
}
END_TEST

/* BT.709 from 720 rows and the explicit full-range matrices. */
START_TEST (test_yuv_matrix)
{
  test_canvas t;

  tc_init (&t, YOLOR_PIXFMT_NV12, 6, 720, 0);
  yolor_draw_fill_rect (&t.cv, 0, 0, 2, 2, RED.rgb, 255);
  ck_assert_uint_eq (px (&t, 0, 0, 0, 0), 63);
  ck_assert_uint_eq (px (&t, 1, 0, 0, 0), 102);
  ck_assert_uint_eq (px (&t, 1, 0, 0, 1), 240);
  t.cv.matrix = YOLOR_YUV_BT601_FULL;
  yolor_draw_fill_rect (&t.cv, 0, 0, 2, 2, RED.rgb, 255);
  ck_assert_uint_eq (px (&t, 0, 0, 0, 0), 76);
  ck_assert_uint_eq (px (&t, 1, 0, 0, 0), 85);
  ck_assert_uint_eq (px (&t, 1, 0, 0, 1), 255);
  t.cv.matrix = YOLOR_YUV_BT709_FULL;
  yolor_draw_fill_rect (&t.cv, 0, 0, 2, 2, WHITE.rgb, 255);
  ck_assert_uint_eq (px (&t, 0, 0, 0, 0), 255);
  ck_assert_uint_eq (px (&t, 1, 0, 0, 0), 128);
  t.cv.matrix = YOLOR_YUV_BT601;
  yolor_draw_fill_rect (&t.cv, 0, 0, 2, 2, GREEN.rgb, 255);
  ck_assert_uint_eq (px (&t, 0, 1, 1, 0), GREEN.y);
  ck_assert_uint_eq (px (&t, 1, 0, 0, 0), GREEN.u);
  ck_assert_uint_eq (px (&t, 1, 0, 0, 1), GREEN.v);
  tc_clear (&t);
}
END_TEST

/* Boxes crossing each border, fully outside, with extreme values. */
START_TEST (test_clipping)
{
  yolor_pixfmt f = (yolor_pixfmt) _i;
  static const ref_rect cases[] = {
    { -4, -3, 10, 9, 2 },
    { 30, 18, 20, 20, 3 },
    { -10, 5, 100, 4, 1 },
    { 2, -50, 5, 200, 2 },
    { -100, -100, 300, 300, 1 },
    { -100, -100, 300, 300, 0 },
    { 36, 22, 1, 1, 1 },
    { 0, 0, 37, 23, 1 },
    { -1, -1, 39, 25, 1 },
    { -1, -1, 39, 25, 2 },
    { 35, 0, 5, 23, 1 },
    { 1, 1, 36, 22, 1 },
  };
  static const ref_rect outside[] = {
    { -10, 5, 10, 4, 1 },
    { 37, 5, 10, 4, 1 },
    { 5, -10, 4, 10, 1 },
    { 5, 23, 4, 10, 1 },
    { INT_MAX, INT_MAX, INT_MAX, INT_MAX, 3 },
    { INT_MIN, INT_MIN, INT_MAX, INT_MAX, INT_MAX },
    { INT_MAX - 1, 0, INT_MAX, 10, 1 },
    { INT_MIN, 0, 5, 5, 1 },
    { 5, 5, 0, 10, 1 },
    { 5, 5, 10, 0, 1 },
    { 5, 5, -10, 10, 1 },
    { 5, 5, 10, INT_MIN, 1 },
    { INT_MIN, INT_MIN, INT_MIN, INT_MIN, INT_MIN },
  };
  size_t i;

  for (i = 0; i < sizeof (cases) / sizeof (cases[0]); i++) {
    test_canvas t;
    char what[96];
    const ref_rect *r = &cases[i];

    tc_init (&t, f, 37, 23, 3);
    snprintf (what, sizeof (what), "case %zu (%lld,%lld %lldx%lld t=%lld)", i,
        r->x, r->y, r->w, r->h, r->t);
    if (r->t > 0)
      yolor_draw_rect (&t.cv, (int) r->x, (int) r->y, (int) r->w, (int) r->h,
          (int) r->t, GREEN.rgb, 255);
    else
      yolor_draw_fill_rect (&t.cv, (int) r->x, (int) r->y, (int) r->w,
          (int) r->h, GREEN.rgb, 255);
    tc_expect (&t, rect_mask, r, &GREEN, 255, what);
    tc_clear (&t);
  }

  for (i = 0; i < sizeof (outside) / sizeof (outside[0]); i++) {
    test_canvas t;
    const ref_rect *r = &outside[i];

    tc_init (&t, f, 37, 23, 3);
    yolor_draw_rect (&t.cv, (int) r->x, (int) r->y, (int) r->w, (int) r->h,
        (int) r->t, GREEN.rgb, 255);
    if (r->t > 0)
      yolor_draw_fill_rect (&t.cv, (int) r->x, (int) r->y, (int) r->w,
          (int) r->h, GREEN.rgb, 255);
    yolor_draw_detection (&t.cv, (int) r->x, (int) r->y, (int) r->w, (int) r->h,
        "label", &(yolor_draw_style){ GREEN.rgb, (int) r->t, (int) r->t, 255 });
    tc_unchanged (&t);
    tc_clear (&t);
  }
}
END_TEST

/* Thickness: 1, several, at least half the box (filled), huge. */
START_TEST (test_thickness)
{
  yolor_pixfmt f = (yolor_pixfmt) _i;
  static const int thick[] = { 1, 2, 3, 4, 5, 6, 9, 100, INT_MAX };
  size_t i;

  for (i = 0; i < sizeof (thick) / sizeof (thick[0]); i++) {
    test_canvas t;
    ref_rect r = { 4, 3, 13, 10, thick[i] }; /* t ≥ 5: filled */
    char what[64];

    tc_init (&t, f, 21, 17, 1);
    snprintf (what, sizeof (what), "thickness %d", thick[i]);
    yolor_draw_rect (&t.cv, 4, 3, 13, 10, thick[i], WHITE.rgb, 255);
    tc_expect (&t, rect_mask, &r, &WHITE, 255, what);
    tc_clear (&t);
  }

  /* Thickness ≤ 0 draws nothing. */
  for (i = 0; i < 3; i++) {
    test_canvas t;

    tc_init (&t, f, 21, 17, 1);
    yolor_draw_rect (
        &t.cv, 4, 3, 13, 10, i == 2 ? INT_MIN : -(int) i, WHITE.rgb, 255);
    tc_unchanged (&t);
    tc_clear (&t);
  }
}
END_TEST

/* Odd sizes down to 1×1, odd strides, random boxes against the model. */
START_TEST (test_random_rects)
{
  int iter;

  rng_state = 777;
  for (iter = 0; iter < 400; iter++) {
    yolor_pixfmt f = (yolor_pixfmt) (iter % YOLOR_PIXFMT_COUNT);
    int w = rng_range (1, 41), h = rng_range (1, 29), pad = rng_range (0, 9);
    ref_rect r;
    test_canvas t;
    char what[128];
    const test_color *c = (iter & 1) ? &BLUE : &BLACK;

    r.x = rng_range (-2 * w, 2 * w);
    r.y = rng_range (-2 * h, 2 * h);
    r.w = rng_range (-2, 3 * w);
    r.h = rng_range (-2, 3 * h);
    r.t = rng_range (0, 6);
    tc_init (&t, f, w, h, pad);
    snprintf (what, sizeof (what), "iter %d: %s (%lld,%lld %lldx%lld t=%lld)",
        iter, r.t ? "rect" : "fill", r.x, r.y, r.w, r.h, r.t);
    if (r.t > 0)
      yolor_draw_rect (&t.cv, (int) r.x, (int) r.y, (int) r.w, (int) r.h,
          (int) r.t, c->rgb, 255);
    else
      yolor_draw_fill_rect (
          &t.cv, (int) r.x, (int) r.y, (int) r.w, (int) r.h, c->rgb, 255);
    if (r.w <= 0 || r.h <= 0)
      tc_unchanged (&t);
    else
      tc_expect (&t, rect_mask, &r, c, 255, what);
    tc_clear (&t);
  }
}
END_TEST

/* The 'A' glyph, pixel by pixel, at scale 1 and 2. */
START_TEST (test_text_glyph)
{
  static const char *const A[8] = { ".###.", "#...#", "#...#", "#####", "#...#",
    "#...#", "#...#", "....." };
  int scale;

  for (scale = 1; scale <= 2; scale++) {
    test_canvas t;
    int x, y;

    tc_init (&t, YOLOR_PIXFMT_RGB, 20, 20, 2);
    yolor_draw_text (&t.cv, 2, 3, "A", scale, WHITE.rgb, 255);
    for (y = 0; y < 20; y++)
      for (x = 0; x < 20; x++) {
        int fx = (x - 2) / scale, fy = (y - 3) / scale;
        int ink = x >= 2 && y >= 3 && fx < 5 && fy < 8 && A[fy][fx] == '#';

        if (ink)
          ck_assert_msg (has_color (&t, x, y, &WHITE),
              "scale %d: (%d,%d) "
              "should be inked",
              scale, x, y);
        else
          ck_assert_msg (luma_unchanged (&t, x, y),
              "scale %d: (%d,%d) "
              "should be untouched",
              scale, x, y);
      }
    tc_clear (&t);
  }
}
END_TEST

/* Text on every format, at several scales, crossing the borders. */
START_TEST (test_text_formats)
{
  yolor_pixfmt f = (yolor_pixfmt) _i;
  static const ref_text cases[] = {
    { "Hello, 0.87 #12", 1, 2, 1 },
    { "gjpqy_|", -3, -2, 2 },
    { "W", 30, 15, 3 },
    { "xyz", -20, 10, 4 },
    { "\xc3\xa9\x01?", 5, 5, 1 },
    { "~", 36, 22, 1 },
  };
  size_t i;

  for (i = 0; i < sizeof (cases) / sizeof (cases[0]); i++) {
    test_canvas t;
    char what[64];

    tc_init (&t, f, 37, 23, 4);
    snprintf (what, sizeof (what), "text case %zu", i);
    yolor_draw_text (&t.cv, (int) cases[i].x, (int) cases[i].y, cases[i].text,
        (int) cases[i].scale, RED.rgb, 255);
    tc_expect (&t, text_mask, &cases[i], &RED, 255, what);
    tc_clear (&t);
  }
}
END_TEST

START_TEST (test_text_misc)
{
  test_canvas t;
  int w, h;
  char *long_text;

  yolor_draw_text_size ("abc", 2, &w, &h);
  ck_assert_int_eq (w, 3 * 6 * 2 - 2);
  ck_assert_int_eq (h, 16);
  yolor_draw_text_size ("", 2, &w, &h);
  ck_assert_int_eq (w, 0);
  ck_assert_int_eq (h, 0);
  yolor_draw_text_size (NULL, 0, &w, NULL);
  ck_assert_int_eq (w, 0);
  yolor_draw_text_size ("x", 0, &w, &h);
  ck_assert_int_eq (w, 5);
  ck_assert_int_eq (h, 8);
  yolor_draw_text_size ("xx", INT_MAX, &w, &h);
  ck_assert_int_eq (w, INT32_MAX);
  ck_assert_int_eq (h, INT32_MAX);

  /* Unknown bytes are drawn as '?'. */
  ck_assert_ptr_eq (yolor_font_glyph (0), yolor_font_glyph ('?'));
  ck_assert_ptr_eq (yolor_font_glyph (200), yolor_font_glyph ('?'));
  ck_assert_ptr_eq (yolor_font_glyph (-1), yolor_font_glyph ('?'));
  ck_assert_ptr_ne (yolor_font_glyph ('A'), yolor_font_glyph ('?'));
  /* Every printable glyph but the space has ink, and only in 5 columns. */
  for (w = 33; w < 127; w++) {
    const uint8_t *g = yolor_font_glyph (w);
    int k, any = 0;
    for (k = 0; k < 8; k++) {
      ck_assert_uint_eq (g[k] & 0xe0, 0);
      any |= g[k];
    }
    ck_assert_msg (any != 0, "glyph %d is empty", w);
  }

  tc_init (&t, YOLOR_PIXFMT_I420, 15, 9, 0);
  yolor_draw_text (&t.cv, 0, 0, NULL, 1, RED.rgb, 255);
  yolor_draw_text (&t.cv, 0, 0, "", 1, RED.rgb, 255);
  yolor_draw_text (&t.cv, 0, 0, "   ", 3, RED.rgb, 255);
  yolor_draw_text (&t.cv, 0, 0, "AB", 2, RED.rgb, 0);
  /* Just outside each border ("Hg" is 11 × 8 at scale 1). */
  yolor_draw_text (&t.cv, -11, 0, "Hg", 1, RED.rgb, 255);
  yolor_draw_text (&t.cv, 15, 0, "Hg", 1, RED.rgb, 255);
  yolor_draw_text (&t.cv, 0, -8, "Hg", 1, RED.rgb, 255);
  yolor_draw_text (&t.cv, 0, 9, "Hg", 1, RED.rgb, 255);
  yolor_draw_text (&t.cv, INT_MAX, INT_MAX, "Hg", INT_MAX, RED.rgb, 255);
  tc_unchanged (&t);

  long_text = malloc (3 << 20);
  ck_assert_ptr_nonnull (long_text);
  memset (long_text, 'M', 3 << 20);
  long_text[(3 << 20) - 1] = '\0';
  yolor_draw_text (&t.cv, -1000, 0, long_text, 1, RED.rgb, 255);
  yolor_draw_text (&t.cv, INT_MIN, INT_MIN, long_text, INT_MAX, RED.rgb, 255);
  yolor_draw_text_size (long_text, 1, &w, &h);
  ck_assert_int_gt (w, 0);
  free (long_text);
  tc_clear (&t);
}
END_TEST

/* Alpha blending, including the alpha byte of RGBA/BGRA. */
START_TEST (test_alpha)
{
  yolor_pixfmt f = (yolor_pixfmt) _i;
  test_canvas t;
  ref_rect r = { 2, 2, 11, 8, 2 };
  ref_text txt = { "Ab", 1, 12, 1 };

  tc_init (&t, f, 19, 21, 3);
  yolor_draw_rect (&t.cv, 2, 2, 11, 8, 2, RED.rgb, 128);
  tc_expect (&t, rect_mask, &r, &RED, 128, "rect alpha 128");
  tc_clear (&t);

  tc_init (&t, f, 19, 21, 3);
  yolor_draw_text (&t.cv, 1, 12, "Ab", 1, WHITE.rgb, YOLOR_DRAW_DIM_ALPHA);
  tc_expect (&t, text_mask, &txt, &WHITE, YOLOR_DRAW_DIM_ALPHA, "text dim");
  tc_clear (&t);

  tc_init (&t, f, 19, 21, 3);
  yolor_draw_rect (&t.cv, 2, 2, 11, 8, 2, RED.rgb, 0);
  yolor_draw_fill_rect (&t.cv, 0, 0, 19, 21, RED.rgb, 0);
  yolor_draw_detection (
      &t.cv, 2, 2, 11, 8, "x", &(yolor_draw_style){ RED.rgb, 0, 0, 0 });
  tc_unchanged (&t);
  tc_clear (&t);
}
END_TEST

/* Label placement of yolor_draw_detection(). */
START_TEST (test_detection)
{
  test_canvas t;
  yolor_draw_style st;
  uint32_t bg = 0x2040C0; /* dark: white text */
  test_color c_bg = { bg, 0, 0, 0 };

  yolor_draw_style_init (&st);
  ck_assert_int_eq (st.alpha, 255);
  ck_assert_int_eq (st.thickness, 0);
  ck_assert_int_eq (st.text_scale, 0);
  st.color = bg;

  /* 160×100: auto thickness 1, text scale 1; "ab" is 11×8, label 13×10. */
  tc_init (&t, YOLOR_PIXFMT_BGRX, 160, 100, 8);
  ck_assert_int_eq (
      yolor_draw_detection (&t.cv, 20, 40, 50, 30, "ab", &st), YOLOR_OK);
  ck_assert (has_color (&t, 20, 40, &c_bg)); /* box corner */
  ck_assert (has_color (&t, 69, 69, &c_bg));
  ck_assert (luma_unchanged (&t, 21, 41)); /* inside the box */
  ck_assert (has_color (&t, 20, 30, &c_bg)); /* label above the box */
  ck_assert (has_color (&t, 32, 39, &c_bg));
  ck_assert (luma_unchanged (&t, 33, 35)); /* right of the label */
  ck_assert (luma_unchanged (&t, 20, 29)); /* above the label */
  ck_assert (has_color (&t, 21, 31, &c_bg)); /* padding */
  ck_assert (has_color (&t, 22, 33, &WHITE)); /* 'a' row 2 = .###. */
  ck_assert (has_color (&t, 21, 33, &c_bg));
  tc_clear (&t);

  /* No room above: label inside the top edge; near the right: shifted. */
  tc_init (&t, YOLOR_PIXFMT_RGB, 160, 100, 0);
  yolor_draw_detection (&t.cv, 150, 3, 10, 30, "ab", &st);
  ck_assert (has_color (&t, 147, 3, &c_bg));
  ck_assert (has_color (&t, 159, 12, &c_bg));
  ck_assert (luma_unchanged (&t, 146, 3));
  ck_assert (luma_unchanged (&t, 147, 13));
  tc_clear (&t);

  /* Box partly left of and above the frame: label at the frame corner. */
  tc_init (&t, YOLOR_PIXFMT_NV12, 160, 100, 0);
  yolor_draw_detection (&t.cv, -30, -30, 50, 50, "ab", &st);
  ck_assert_uint_eq (px (&t, 0, 0, 0, 0), px (&t, 0, 12, 9, 0));
  ck_assert (luma_unchanged (&t, 13, 0));
  ck_assert (luma_unchanged (&t, 0, 10));
  tc_clear (&t);

  /* Light colour: black text. NULL label: box only. Bad arguments. */
  tc_init (&t, YOLOR_PIXFMT_RGB, 160, 100, 0);
  st.color = 0xFFEA59;
  yolor_draw_detection (&t.cv, 20, 40, 50, 30, "ab", &st);
  ck_assert (has_color (&t, 22, 33, &BLACK));
  ck_assert_int_eq (yolor_draw_detection (&t.cv, 0, 0, 5, 5, "a", NULL),
      YOLOR_ERR_INVALID_ARG);
  tc_clear (&t);

  tc_init (&t, YOLOR_PIXFMT_RGB, 160, 100, 0);
  st.color = bg;
  yolor_draw_detection (&t.cv, 20, 40, 50, 30, NULL, &st);
  yolor_draw_detection (&t.cv, 20, 40, 50, 30, "", &st);
  {
    ref_rect r = { 20, 40, 50, 30, 1 };
    tc_expect (&t, rect_mask, &r, &c_bg, 255, "detection without label");
  }
  tc_clear (&t);
}
END_TEST

/* A label of several lines: stacked in the order given, each line in its
 * colour, as wide as the widest, the last one touching the box; NULL and
 * empty lines take no room. */
START_TEST (test_detection_lines)
{
  static const uint32_t colors[] = { 0x2040C0, 0xFF0000, 0xFFEA59, 0xFF0000 };
  const char *lines[] = { "ab", NULL, "abcd", "" };
  test_color c0 = { colors[0], 0, 0, 0 }, c1 = { colors[2], 0, 0, 0 };
  test_canvas t;
  yolor_draw_style st;

  yolor_draw_style_init (&st);
  st.color = 0x00FF00;
  /* 160×100: text scale 1, a line 10 rows; "abcd" is 23 wide, the block
   * 25×20 at (20, 20) above the box at (20, 40) */
  tc_init (&t, YOLOR_PIXFMT_BGRX, 160, 100, 8);
  ck_assert_int_eq (
      yolor_draw_detection_lines (&t.cv, 20, 40, 50, 30, lines, colors, 4, &st),
      YOLOR_OK);
  ck_assert (has_color (&t, 20, 40, &GREEN)); /* the outline: style colour */
  ck_assert (has_color (&t, 20, 20, &c0)); /* line 0 on top */
  ck_assert (has_color (&t, 44, 29, &c0)); /* full block width */
  ck_assert (has_color (&t, 22, 23, &WHITE)); /* its 'a' row 2 */
  ck_assert (has_color (&t, 20, 30, &c1)); /* line 1 below it */
  ck_assert (has_color (&t, 44, 39, &c1));
  ck_assert (has_color (&t, 22, 33, &BLACK));
  ck_assert (luma_unchanged (&t, 45, 30)); /* right of the block */
  ck_assert (luma_unchanged (&t, 20, 19)); /* above it */
  tc_clear (&t);

  /* no room above: the block inside the box's top edge, in the frame */
  tc_init (&t, YOLOR_PIXFMT_RGB, 160, 100, 0);
  yolor_draw_detection_lines (&t.cv, 20, 5, 50, 30, lines, NULL, 4, &st);
  ck_assert (has_color (&t, 20, 5, &GREEN));
  ck_assert (has_color (&t, 44, 24, &GREEN)); /* line 1, style colour */
  ck_assert (luma_unchanged (&t, 44, 25)); /* the box inside, below */
  ck_assert (luma_unchanged (&t, 30, 26));
  tc_clear (&t);

  /* no lines: the box alone; NULL lines with a count: refused */
  tc_init (&t, YOLOR_PIXFMT_RGB, 160, 100, 0);
  ck_assert_int_eq (
      yolor_draw_detection_lines (&t.cv, 20, 40, 50, 30, NULL, NULL, 0, &st),
      YOLOR_OK);
  ck_assert (luma_unchanged (&t, 20, 39));
  ck_assert_int_eq (
      yolor_draw_detection_lines (&t.cv, 20, 40, 50, 30, NULL, NULL, 2, &st),
      YOLOR_ERR_INVALID_ARG);
  tc_clear (&t);
}
END_TEST

/* Random detections with random labels never write out of bounds. */
START_TEST (test_random_detections)
{
  int iter;

  rng_state = 4242;
  for (iter = 0; iter < 300; iter++) {
    yolor_pixfmt f = (yolor_pixfmt) (iter % YOLOR_PIXFMT_COUNT);
    int w = rng_range (1, 64), h = rng_range (1, 48), k;
    test_canvas t;
    yolor_draw_style st;
    char label[24];
    int n = rng_range (0, 22);

    for (k = 0; k < n; k++)
      label[k] = (char) rng_range (1, 255);
    label[n] = '\0';
    yolor_draw_style_init (&st);
    st.color = yolor_draw_class_color (iter);
    st.thickness = rng_range (-1, 5);
    st.text_scale = rng_range (-1, 4);
    st.alpha = (uint8_t) rng ();
    tc_init (&t, f, w, h, rng_range (0, 5));
    ck_assert_int_eq (yolor_draw_detection (&t.cv, rng_range (-2 * w, 2 * w),
                          rng_range (-2 * h, 2 * h), rng_range (-5, 3 * w),
                          rng_range (-5, 3 * h), label, &st),
        YOLOR_OK);
    for (k = 0; k < t.n_planes; k++) {
      ck_assert (memcmp (t.mem[k], t.snap[k], GUARD) == 0);
      ck_assert (memcmp (t.mem[k] + t.size[k] - GUARD,
                     t.snap[k] + t.size[k] - GUARD, GUARD)
          == 0);
    }
    tc_clear (&t);
  }
}
END_TEST

START_TEST (test_canvas_check)
{
  test_canvas t;
  yolor_canvas bad;

  tc_init (&t, YOLOR_PIXFMT_I420, 9, 7, 0);
  ck_assert_int_eq (yolor_canvas_check (&t.cv), YOLOR_OK);
  ck_assert_int_eq (yolor_canvas_check (NULL), YOLOR_ERR_INVALID_ARG);

  bad = t.cv;
  bad.width = 0;
  ck_assert_int_eq (yolor_canvas_check (&bad), YOLOR_ERR_INVALID_ARG);
  bad = t.cv;
  bad.height = -3;
  ck_assert_int_eq (yolor_canvas_check (&bad), YOLOR_ERR_INVALID_ARG);
  bad = t.cv;
  bad.format = YOLOR_PIXFMT_COUNT;
  ck_assert_int_eq (yolor_canvas_check (&bad), YOLOR_ERR_INVALID_ARG);
  bad = t.cv;
  bad.format = (yolor_pixfmt) -1;
  ck_assert_int_eq (yolor_canvas_check (&bad), YOLOR_ERR_INVALID_ARG);
  bad = t.cv;
  bad.planes[2] = NULL;
  ck_assert_int_eq (yolor_canvas_check (&bad), YOLOR_ERR_INVALID_ARG);
  bad = t.cv;
  bad.strides[1] = 4; /* needs (9 + 1) / 2 = 5 */
  ck_assert_int_eq (yolor_canvas_check (&bad), YOLOR_ERR_INVALID_ARG);
  bad = t.cv;
  bad.matrix = (yolor_yuv_matrix) 99;
  ck_assert_int_eq (yolor_canvas_check (&bad), YOLOR_ERR_INVALID_ARG);
  bad = t.cv;
  bad.format = YOLOR_PIXFMT_NV12; /* UV stride 5 < 10 */
  ck_assert_int_eq (yolor_canvas_check (&bad), YOLOR_ERR_INVALID_ARG);
  bad = t.cv;
  bad.format = YOLOR_PIXFMT_RGB; /* stride 9 < 27 */
  ck_assert_int_eq (yolor_canvas_check (&bad), YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (
      yolor_draw_rect (&bad, 0, 0, 5, 5, 1, 0, 255), YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (
      yolor_draw_fill_rect (&bad, 0, 0, 5, 5, 0, 255), YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (
      yolor_draw_text (&bad, 0, 0, "a", 1, 0, 255), YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (yolor_draw_detection (&bad, 0, 0, 5, 5, "a",
                        &(yolor_draw_style){ 0, 1, 1, 255 }),
      YOLOR_ERR_INVALID_ARG);
  tc_unchanged (&t);
  tc_clear (&t);

  /* RGB with a packed stride of exactly width·3 is fine; x/y matrices are
   * ignored for packed formats. */
  tc_init (&t, YOLOR_PIXFMT_RGB, 9, 7, 0);
  t.cv.matrix = (yolor_yuv_matrix) 99;
  ck_assert_int_eq (yolor_canvas_check (&t.cv), YOLOR_OK);
  tc_clear (&t);
}
END_TEST

START_TEST (test_colors)
{
  int i, j;

  for (i = 0; i < YOLOR_DRAW_PALETTE_SIZE; i++) {
    ck_assert_uint_le (yolor_draw_class_color (i), 0xFFFFFF);
    for (j = 0; j < i; j++)
      ck_assert_uint_ne (
          yolor_draw_class_color (i), yolor_draw_class_color (j));
  }
  ck_assert_uint_eq (yolor_draw_class_color (3),
      yolor_draw_class_color (3 + YOLOR_DRAW_PALETTE_SIZE));
  ck_assert_uint_eq (yolor_draw_class_color (-1),
      yolor_draw_class_color (YOLOR_DRAW_PALETTE_SIZE - 1));
  yolor_draw_class_color (INT_MIN);
  yolor_draw_class_color (INT_MAX);

  ck_assert_int_eq (yolor_draw_label_hash (NULL), 0);
  ck_assert_int_ge (yolor_draw_label_hash ("person"), 0);
  ck_assert_int_eq (
      yolor_draw_label_hash ("person"), yolor_draw_label_hash ("person"));
  ck_assert_int_ne (
      yolor_draw_label_hash ("person"), yolor_draw_label_hash ("car"));

  ck_assert_uint_eq (yolor_draw_contrast_color (0xFFFFFF), 0x000000);
  ck_assert_uint_eq (yolor_draw_contrast_color (0xFFFF00), 0x000000);
  ck_assert_uint_eq (yolor_draw_contrast_color (0x000000), 0xFFFFFF);
  ck_assert_uint_eq (yolor_draw_contrast_color (0x0000FF), 0xFFFFFF);

  ck_assert_int_eq (yolor_draw_auto_thickness (320), 1);
  ck_assert_int_eq (yolor_draw_auto_thickness (720), 2);
  ck_assert_int_eq (yolor_draw_auto_thickness (1080), 3);
  ck_assert_int_eq (yolor_draw_auto_thickness (2160), 6);
  ck_assert_int_eq (yolor_draw_auto_thickness (0), 1);
  ck_assert_int_eq (yolor_draw_auto_thickness (INT_MIN), 1);
  ck_assert_int_gt (yolor_draw_auto_thickness (INT_MAX), 1);
  ck_assert_int_eq (yolor_draw_auto_text_scale (320), 1);
  ck_assert_int_eq (yolor_draw_auto_text_scale (1080), 3);
}
END_TEST

static Suite *
draw_suite (void)
{
  Suite *s = suite_create ("draw");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (
      tc, test_rect_edges, YOLOR_PIXFMT_RGB, YOLOR_PIXFMT_BGRA + 1);
  tcase_add_loop_test (tc, test_rect_yuv, 0, 2);
  tcase_add_test (tc, test_yuv_matrix);
  tcase_add_loop_test (tc, test_clipping, 0, YOLOR_PIXFMT_COUNT);
  tcase_add_loop_test (tc, test_thickness, 0, YOLOR_PIXFMT_COUNT);
  tcase_add_test (tc, test_random_rects);
  tcase_add_test (tc, test_text_glyph);
  tcase_add_loop_test (tc, test_text_formats, 0, YOLOR_PIXFMT_COUNT);
  tcase_add_test (tc, test_text_misc);
  tcase_add_loop_test (tc, test_alpha, 0, YOLOR_PIXFMT_COUNT);
  tcase_add_test (tc, test_detection);
  tcase_add_test (tc, test_detection_lines);
  tcase_add_test (tc, test_random_detections);
  tcase_add_test (tc, test_canvas_check);
  tcase_add_test (tc, test_colors);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (draw_suite ());
  int n_failed;

  srunner_run_all (sr, CK_NORMAL);
  n_failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return n_failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
