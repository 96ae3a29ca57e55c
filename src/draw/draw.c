/* libyolor drawing — rectangles, outlines and text in video frames.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every primitive is reduced to "write this colour into this set of luma
 * pixels". A colour is first split into per-plane jobs (which bytes of which
 * plane get which value); each job then visits the plane samples whose
 * footprint on the luma grid touches the set. For packed formats there is
 * one job with a 1×1 footprint; NV12 has a Y job and a UV job with a 2×2
 * footprint; I420 has Y, U and V jobs.
 *
 * All geometry is done in int64_t after clipping against the canvas, so no
 * input int can overflow, and every write is inside [0, plane width) ×
 * [0, plane height).
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include <yolor/yolor-draw.h>

/* A half-open rectangle [x0, x1) × [y0, y1) on the luma grid. */
typedef struct draw_box
{
  int64_t x0, y0, x1, y1;
} draw_box;

/* One plane's share of a colour. */
typedef struct plane_job
{
  uint8_t *data;
  int stride;
  int w, h; /* plane size in samples */
  int shift_x, shift_y; /* log2 of the subsampling against luma */
  int bpp; /* bytes per sample */
  int n; /* colour bytes written per sample */
  int off[3];
  uint8_t val[3];
  int alpha_off; /* byte composited as alpha, or -1 */
} plane_job;

typedef struct packed_layout
{
  int bpp, r, g, b, a; /* byte offsets; a = -1: no alpha byte */
} packed_layout;

/* Indexed by yolor_pixfmt for the packed formats. */
static const packed_layout packed_layouts[] = {
  [YOLOR_PIXFMT_RGB] = { 3, 0, 1, 2, -1 },
  [YOLOR_PIXFMT_BGR] = { 3, 2, 1, 0, -1 },
  [YOLOR_PIXFMT_RGBX] = { 4, 0, 1, 2, -1 },
  [YOLOR_PIXFMT_BGRX] = { 4, 2, 1, 0, -1 },
  [YOLOR_PIXFMT_XRGB] = { 4, 1, 2, 3, -1 },
  [YOLOR_PIXFMT_XBGR] = { 4, 3, 2, 1, -1 },
  [YOLOR_PIXFMT_RGBA] = { 4, 0, 1, 2, 3 },
  [YOLOR_PIXFMT_BGRA] = { 4, 2, 1, 0, 3 },
};

static int
is_packed (yolor_pixfmt format)
{
  return format >= YOLOR_PIXFMT_RGB && format <= YOLOR_PIXFMT_BGRA;
}

static int64_t
floor_div (int64_t a, int64_t b)
{
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t
ceil_div (int64_t a, int64_t b)
{
  return -floor_div (-a, b);
}

static int64_t
clamp64 (int64_t v, int64_t lo, int64_t hi)
{
  return v < lo ? lo : (v > hi ? hi : v);
}

static int
box_is_empty (const draw_box *b)
{
  return b->x0 >= b->x1 || b->y0 >= b->y1;
}

/* Intersects @b with the canvas. Returns 0 when nothing is left. */
static int
clip_to_canvas (const yolor_canvas *cv, draw_box *b)
{
  b->x0 = clamp64 (b->x0, 0, cv->width);
  b->x1 = clamp64 (b->x1, 0, cv->width);
  b->y0 = clamp64 (b->y0, 0, cv->height);
  b->y1 = clamp64 (b->y1, 0, cv->height);
  return !box_is_empty (b);
}

yolor_status
yolor_canvas_check (const yolor_canvas *canvas)
{
  int64_t w, cw;
  int i, n_planes;
  int64_t min_stride[3];

  if (canvas == NULL || canvas->width <= 0 || canvas->height <= 0)
    return YOLOR_ERR_INVALID_ARG;
  w = canvas->width;
  cw = (w + 1) / 2;

  if (is_packed (canvas->format)) {
    n_planes = 1;
    min_stride[0] = w * packed_layouts[canvas->format].bpp;
  } else if (canvas->format == YOLOR_PIXFMT_NV12) {
    n_planes = 2;
    min_stride[0] = w;
    min_stride[1] = 2 * cw;
  } else if (canvas->format == YOLOR_PIXFMT_I420) {
    n_planes = 3;
    min_stride[0] = w;
    min_stride[1] = cw;
    min_stride[2] = cw;
  } else {
    return YOLOR_ERR_INVALID_ARG;
  }

  if (!is_packed (canvas->format)
      && ((int) canvas->matrix < 0
          || (int) canvas->matrix > (int) YOLOR_YUV_BT709_FULL))
    return YOLOR_ERR_INVALID_ARG;

  for (i = 0; i < n_planes; i++) {
    if (canvas->planes[i] == NULL || canvas->strides[i] < min_stride[i])
      return YOLOR_ERR_INVALID_ARG;
  }
  return YOLOR_OK;
}

static uint8_t
to_byte (double v)
{
  v = floor (v + 0.5);
  return (uint8_t) (v < 0.0 ? 0.0 : (v > 255.0 ? 255.0 : v));
}

/* 0xRRGGBB → Y'CbCr bytes with the canvas's matrix and range. */
static void
rgb_to_yuv (uint32_t rgb, yolor_yuv_matrix matrix, int height, uint8_t *y,
    uint8_t *u, uint8_t *v)
{
  double kr, kb, r, g, b, luma, pb, pr;
  int full;

  if (matrix == YOLOR_YUV_AUTO)
    matrix = height >= 720 ? YOLOR_YUV_BT709 : YOLOR_YUV_BT601;
  full = matrix == YOLOR_YUV_BT601_FULL || matrix == YOLOR_YUV_BT709_FULL;
  if (matrix == YOLOR_YUV_BT601 || matrix == YOLOR_YUV_BT601_FULL) {
    kr = 0.299;
    kb = 0.114;
  } else {
    kr = 0.2126;
    kb = 0.0722;
  }

  r = ((rgb >> 16) & 0xff) / 255.0;
  g = ((rgb >> 8) & 0xff) / 255.0;
  b = (rgb & 0xff) / 255.0;
  luma = kr * r + (1.0 - kr - kb) * g + kb * b;
  pb = (b - luma) / (2.0 * (1.0 - kb));
  pr = (r - luma) / (2.0 * (1.0 - kr));
  if (full) {
    *y = to_byte (255.0 * luma);
    *u = to_byte (128.0 + 255.0 * pb);
    *v = to_byte (128.0 + 255.0 * pr);
  } else {
    *y = to_byte (16.0 + 219.0 * luma);
    *u = to_byte (128.0 + 224.0 * pb);
    *v = to_byte (128.0 + 224.0 * pr);
  }
}

static void
job_init (
    plane_job *job, uint8_t *data, int stride, int w, int h, int shift, int bpp)
{
  memset (job, 0, sizeof (*job));
  job->data = data;
  job->stride = stride;
  job->w = w;
  job->h = h;
  job->shift_x = shift;
  job->shift_y = shift;
  job->bpp = bpp;
  job->alpha_off = -1;
}

/* Splits @rgb into per-plane jobs for @cv (already checked). Returns the
 * number of jobs written to @jobs (at most 3). */
static int
make_jobs (const yolor_canvas *cv, uint32_t rgb, plane_job *jobs)
{
  int cw = (cv->width + 1) / 2, ch = (cv->height + 1) / 2;
  uint8_t y, u, v;

  if (is_packed (cv->format)) {
    const packed_layout *l = &packed_layouts[cv->format];

    job_init (&jobs[0], cv->planes[0], cv->strides[0], cv->width, cv->height, 0,
        l->bpp);
    jobs[0].n = 3;
    jobs[0].off[0] = l->r;
    jobs[0].off[1] = l->g;
    jobs[0].off[2] = l->b;
    jobs[0].val[0] = (rgb >> 16) & 0xff;
    jobs[0].val[1] = (rgb >> 8) & 0xff;
    jobs[0].val[2] = rgb & 0xff;
    jobs[0].alpha_off = l->a;
    return 1;
  }

  rgb_to_yuv (rgb, cv->matrix, cv->height, &y, &u, &v);
  job_init (
      &jobs[0], cv->planes[0], cv->strides[0], cv->width, cv->height, 0, 1);
  jobs[0].n = 1;
  jobs[0].val[0] = y;

  if (cv->format == YOLOR_PIXFMT_NV12) {
    job_init (&jobs[1], cv->planes[1], cv->strides[1], cw, ch, 1, 2);
    jobs[1].n = 2;
    jobs[1].off[1] = 1;
    jobs[1].val[0] = u;
    jobs[1].val[1] = v;
    return 2;
  }

  job_init (&jobs[1], cv->planes[1], cv->strides[1], cw, ch, 1, 1);
  jobs[1].n = 1;
  jobs[1].val[0] = u;
  job_init (&jobs[2], cv->planes[2], cv->strides[2], cw, ch, 1, 1);
  jobs[2].n = 1;
  jobs[2].val[0] = v;
  return 3;
}

static uint8_t
blend (uint8_t dst, uint8_t src, unsigned alpha)
{
  return (uint8_t) ((dst * (255u - alpha) + src * alpha + 127u) / 255u);
}

/* Writes samples [c0, c1) of plane row @row. Callers guarantee
 * 0 ≤ c0 ≤ c1 ≤ job->w and 0 ≤ row < job->h. */
static void
fill_span (
    const plane_job *job, int64_t row, int64_t c0, int64_t c1, uint8_t alpha)
{
  uint8_t *p;
  int64_t c;
  int k;

  if (c0 >= c1)
    return;
  p = job->data + (size_t) row * (size_t) job->stride
      + (size_t) c0 * (size_t) job->bpp;
  for (c = c0; c < c1; c++, p += job->bpp) {
    if (alpha == YOLOR_DRAW_OPAQUE) {
      for (k = 0; k < job->n; k++)
        p[job->off[k]] = job->val[k];
    } else {
      for (k = 0; k < job->n; k++)
        p[job->off[k]] = blend (p[job->off[k]], job->val[k], alpha);
    }
    if (job->alpha_off >= 0)
      p[job->alpha_off] = blend (p[job->alpha_off], 255, alpha);
  }
}

/* Fills the luma-grid set @outer minus @hole (either may extend past the
 * canvas; @hole may be empty and, when not, lies inside @outer at least one
 * pixel from each of its edges) in every job. A sample is written exactly
 * when its footprint touches a written luma pixel: it touches the clipped
 * @outer and its in-canvas part is not entirely inside @hole. */
static void
fill_region (const yolor_canvas *cv, const plane_job *jobs, int n_jobs,
    draw_box outer, draw_box hole, uint8_t alpha)
{
  int i;

  if (alpha == 0 || !clip_to_canvas (cv, &outer))
    return;

  for (i = 0; i < n_jobs; i++) {
    const plane_job *job = &jobs[i];
    int64_t fx = (int64_t) 1 << job->shift_x, fy = (int64_t) 1 << job->shift_y;
    int64_t px0, px1, py0, py1, hx0 = 0, hx1 = 0, hy0 = 0, hy1 = 0, row;

    /* Samples touching the clipped outer box. */
    px0 = floor_div (outer.x0, fx);
    px1 = clamp64 (floor_div (outer.x1 - 1, fx) + 1, 0, job->w);
    py0 = floor_div (outer.y0, fy);
    py1 = clamp64 (floor_div (outer.y1 - 1, fy) + 1, 0, job->h);
    /* Samples whose in-canvas part lies entirely inside the hole. A hole
     * reaching a canvas edge is extended past it first, so a footprint that
     * straddles the edge (odd sizes) counts by its in-canvas pixels only. */
    if (!box_is_empty (&hole)) {
      draw_box hl = hole;

      if (hl.x0 <= 0)
        hl.x0 = -fx;
      if (hl.y0 <= 0)
        hl.y0 = -fy;
      if (hl.x1 >= cv->width)
        hl.x1 = (int64_t) cv->width + fx;
      if (hl.y1 >= cv->height)
        hl.y1 = (int64_t) cv->height + fy;
      hx0 = ceil_div (hl.x0, fx);
      hx1 = floor_div (hl.x1, fx);
      hy0 = ceil_div (hl.y0, fy);
      hy1 = floor_div (hl.y1, fy);
    }

    for (row = py0; row < py1; row++) {
      if (row >= hy0 && row < hy1 && hx0 < hx1) {
        fill_span (job, row, px0, clamp64 (hx0, px0, px1), alpha);
        fill_span (job, row, clamp64 (hx1, px0, px1), px1, alpha);
      } else {
        fill_span (job, row, px0, px1, alpha);
      }
    }
  }
}

static void
fill_box (const yolor_canvas *cv, draw_box b, uint32_t rgb, uint8_t alpha)
{
  plane_job jobs[3];
  draw_box none = { 0, 0, 0, 0 };
  int n = make_jobs (cv, rgb, jobs);

  fill_region (cv, jobs, n, b, none, alpha);
}

static void
outline_box (
    const yolor_canvas *cv, draw_box b, int64_t t, uint32_t rgb, uint8_t alpha)
{
  plane_job jobs[3];
  draw_box hole = { b.x0 + t, b.y0 + t, b.x1 - t, b.y1 - t };
  int n = make_jobs (cv, rgb, jobs);

  fill_region (cv, jobs, n, b, hole, alpha);
}

yolor_status
yolor_draw_fill_rect (const yolor_canvas *canvas, int x, int y, int w, int h,
    uint32_t rgb, uint8_t alpha)
{
  draw_box b = { x, y, (int64_t) x + w, (int64_t) y + h };

  if (yolor_canvas_check (canvas) != YOLOR_OK)
    return YOLOR_ERR_INVALID_ARG;
  if (w > 0 && h > 0)
    fill_box (canvas, b, rgb, alpha);
  return YOLOR_OK;
}

yolor_status
yolor_draw_rect (const yolor_canvas *canvas, int x, int y, int w, int h,
    int thickness, uint32_t rgb, uint8_t alpha)
{
  draw_box b = { x, y, (int64_t) x + w, (int64_t) y + h };

  if (yolor_canvas_check (canvas) != YOLOR_OK)
    return YOLOR_ERR_INVALID_ARG;
  if (w > 0 && h > 0 && thickness > 0)
    outline_box (canvas, b, thickness, rgb, alpha);
  return YOLOR_OK;
}

/* ---- Text ---- */

/* Longest text measured or drawn; longer strings are cut (no frame is
 * that wide even at scale 1). Keeps every product within int64_t. */
#define MAX_TEXT_CHARS (1 << 20)

static int64_t
text_length (const char *text)
{
  int64_t n = 0;

  if (text == NULL)
    return 0;
  while (n < MAX_TEXT_CHARS && text[n] != '\0')
    n++;
  return n;
}

static int64_t
text_width64 (int64_t n_chars, int64_t scale)
{
  return n_chars > 0 ? n_chars * YOLOR_FONT_CELL_WIDTH * scale - scale : 0;
}

void
yolor_draw_text_size (
    const char *text, int scale, int *width_out, int *height_out)
{
  int64_t n = text_length (text), s = scale < 1 ? 1 : scale;
  int64_t w = text_width64 (n, s);
  int64_t h = n > 0 ? YOLOR_FONT_GLYPH_HEIGHT * s : 0;

  if (width_out)
    *width_out = (int) (w > INT32_MAX ? INT32_MAX : w);
  if (height_out)
    *height_out = (int) (h > INT32_MAX ? INT32_MAX : h);
}

typedef struct text_run
{
  const char *text;
  int64_t n_chars;
  int64_t x, y; /* top-left corner */
  int64_t scale;
} text_run;

/* Whether luma pixel (lx, ly) is inked; (lx, ly) must not be left of or
 * above the run's corner. */
static int
text_inked (const text_run *run, int64_t lx, int64_t ly)
{
  int64_t fx = (lx - run->x) / run->scale, fy = (ly - run->y) / run->scale;
  int64_t ci = fx / YOLOR_FONT_CELL_WIDTH, col = fx % YOLOR_FONT_CELL_WIDTH;
  const uint8_t *glyph;

  if (ci >= run->n_chars || col >= YOLOR_FONT_GLYPH_WIDTH
      || fy >= YOLOR_FONT_GLYPH_HEIGHT)
    return 0;
  glyph = yolor_font_glyph ((unsigned char) run->text[ci]);
  return (glyph[fy] >> (YOLOR_FONT_GLYPH_WIDTH - 1 - col)) & 1;
}

static void
draw_text_run (
    const yolor_canvas *cv, const text_run *run, uint32_t rgb, uint8_t alpha)
{
  plane_job jobs[3];
  draw_box clip = { run->x, run->y,
    run->x + text_width64 (run->n_chars, run->scale),
    run->y + YOLOR_FONT_GLYPH_HEIGHT * run->scale };
  int i, n_jobs;

  if (alpha == 0 || run->n_chars == 0 || !clip_to_canvas (cv, &clip))
    return;
  n_jobs = make_jobs (cv, rgb, jobs);

  for (i = 0; i < n_jobs; i++) {
    const plane_job *job = &jobs[i];
    int64_t fx = (int64_t) 1 << job->shift_x, fy = (int64_t) 1 << job->shift_y;
    int64_t px0 = floor_div (clip.x0, fx);
    int64_t px1 = floor_div (clip.x1 - 1, fx) + 1;
    int64_t py0 = floor_div (clip.y0, fy);
    int64_t py1 = floor_div (clip.y1 - 1, fy) + 1;
    int64_t pr, pc, lx, ly;

    for (pr = py0; pr < py1 && pr < job->h; pr++) {
      for (pc = px0; pc < px1 && pc < job->w; pc++) {
        int inked = 0;

        /* Any inked luma pixel of the footprint, within the clip. */
        for (ly = pr * fy; ly < (pr + 1) * fy && !inked; ly++) {
          if (ly < clip.y0 || ly >= clip.y1)
            continue;
          for (lx = pc * fx; lx < (pc + 1) * fx && !inked; lx++) {
            if (lx >= clip.x0 && lx < clip.x1)
              inked = text_inked (run, lx, ly);
          }
        }
        if (inked)
          fill_span (job, pr, pc, pc + 1, alpha);
      }
    }
  }
}

yolor_status
yolor_draw_text (const yolor_canvas *canvas, int x, int y, const char *text,
    int scale, uint32_t rgb, uint8_t alpha)
{
  text_run run;

  if (yolor_canvas_check (canvas) != YOLOR_OK)
    return YOLOR_ERR_INVALID_ARG;
  run.text = text;
  run.n_chars = text_length (text);
  run.x = x;
  run.y = y;
  run.scale = scale < 1 ? 1 : scale;
  draw_text_run (canvas, &run, rgb, alpha);
  return YOLOR_OK;
}

/* ---- Detections ---- */

void
yolor_draw_style_init (yolor_draw_style *style)
{
  if (style == NULL)
    return;
  style->color = yolor_draw_class_color (0);
  style->thickness = 0;
  style->text_scale = 0;
  style->alpha = YOLOR_DRAW_OPAQUE;
}

int
yolor_draw_auto_thickness (int frame_height)
{
  int64_t t = ((int64_t) frame_height + 180) / 360;

  return t < 1 ? 1 : (int) t;
}

int
yolor_draw_auto_text_scale (int frame_height)
{
  return yolor_draw_auto_thickness (frame_height);
}

yolor_status
yolor_draw_detection (const yolor_canvas *canvas, int x, int y, int w, int h,
    const char *label, const yolor_draw_style *style)
{
  return yolor_draw_detection_lines (
      canvas, x, y, w, h, &label, NULL, 1, style);
}

yolor_status
yolor_draw_detection_lines (const yolor_canvas *canvas, int x, int y, int w,
    int h, const char *const *lines, const uint32_t *line_colors, int n_lines,
    const yolor_draw_style *style)
{
  draw_box box = { x, y, (int64_t) x + w, (int64_t) y + h }, visible;
  int64_t t, s, pad, lw = 0, lh, lx, ly, fw, fh, line_h, n_shown = 0;

  if (yolor_canvas_check (canvas) != YOLOR_OK || style == NULL
      || (lines == NULL && n_lines > 0))
    return YOLOR_ERR_INVALID_ARG;
  visible = box;
  if (w <= 0 || h <= 0 || !clip_to_canvas (canvas, &visible))
    return YOLOR_OK;

  fw = canvas->width;
  fh = canvas->height;
  t = style->thickness > 0 ? style->thickness
                           : yolor_draw_auto_thickness (canvas->height);
  s = style->text_scale > 0 ? style->text_scale
                            : yolor_draw_auto_text_scale (canvas->height);
  outline_box (canvas, box, t, style->color, style->alpha);

  for (int i = 0; i < n_lines; i++) {
    int64_t n_chars = text_length (lines[i]);

    if (n_chars > 0) {
      int64_t tw = text_width64 (n_chars, s);

      lw = tw > lw ? tw : lw;
      n_shown++;
    }
  }
  if (n_shown == 0)
    return YOLOR_OK;

  /* Label: the lines, one font pixel of padding around each, stacked on
   * top of the box, else inside its top edge; always within the frame
   * when it fits. */
  pad = s;
  line_h = YOLOR_FONT_GLYPH_HEIGHT * s + 2 * pad;
  lw += 2 * pad;
  lh = n_shown * line_h;
  lx = box.x0;
  if (lx + lw > fw)
    lx = fw - lw;
  if (lx < 0)
    lx = 0;
  ly = box.y0 - lh;
  if (ly < 0)
    ly = box.y0 < 0 ? 0 : box.y0;
  if (ly + lh > fh)
    ly = fh - lh;
  if (ly < 0)
    ly = 0;

  for (int i = 0; i < n_lines; i++) {
    int64_t n_chars = text_length (lines[i]);
    uint32_t color = line_colors ? line_colors[i] : style->color;
    draw_box bg = { lx, ly, lx + lw, ly + line_h };
    text_run run;

    if (n_chars == 0)
      continue;
    fill_box (canvas, bg, color, style->alpha);
    run.text = lines[i];
    run.n_chars = n_chars;
    run.x = lx + pad;
    run.y = ly + pad;
    run.scale = s;
    draw_text_run (
        canvas, &run, yolor_draw_contrast_color (color), style->alpha);
    ly += line_h;
  }
  return YOLOR_OK;
}

/* ---- Colours ---- */

/* Hues 137.5° apart (so neighbouring class ids differ strongly), saturation
 * alternating 0.85 / 0.65, value 1.0 except every third entry at 0.8. */
static const uint32_t palette[YOLOR_DRAW_PALETTE_SIZE] = {
  0xFF2626,
  0x59FF8A,
  0x841FCC,
  0xFFEA59,
  0x26DBFF,
  0xCC478F,
  0x5CFF26,
  0x6059FF,
  0xCC591F,
  0x59FFC1,
  0xED26FF,
  0xB0CC47,
  0x2692FF,
  0xFF597B,
  0x1FCC2D,
  0x9859FF,
  0xFFB726,
  0x47CCC7,
  0xFF26C8,
  0xA5FF59,
};

uint32_t
yolor_draw_class_color (int class_id)
{
  int i = class_id % YOLOR_DRAW_PALETTE_SIZE;

  if (i < 0)
    i += YOLOR_DRAW_PALETTE_SIZE;
  return palette[i];
}

int
yolor_draw_label_hash (const char *label)
{
  uint32_t h = 2166136261u;

  if (label == NULL)
    return 0;
  for (; *label != '\0'; label++) {
    h ^= (unsigned char) *label;
    h *= 16777619u;
  }
  return (int) (h & 0x7fffffffu);
}

uint32_t
yolor_draw_contrast_color (uint32_t rgb)
{
  uint32_t r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;

  /* Rec. 601 luma weights, in thousandths. */
  return (299 * r + 587 * g + 114 * b) >= 140000 ? 0x000000 : 0xFFFFFF;
}
