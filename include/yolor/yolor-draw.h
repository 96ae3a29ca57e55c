/* libyolor drawing — boxes, label backgrounds and a built-in bitmap font,
 * drawn straight into video frames.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tutorial
 * --------
 *
 *   yolor_canvas cv = { YOLOR_PIXFMT_NV12, 1920, 1080,
 *                       { y_plane, uv_plane }, { y_stride, uv_stride } };
 *   yolor_draw_style style;
 *
 *   yolor_draw_style_init (&style);       // auto thickness and text scale
 *   style.color = yolor_draw_class_color (class_id);
 *   yolor_draw_detection (&cv, x, y, w, h, "person 0.87", &style);
 *
 * What this library promises:
 *
 *  - Pixels are written in the canvas's own format. NV12 and I420 are drawn
 *    into the Y plane and the subsampled chroma plane(s) directly; nothing
 *    is converted to RGB and back.
 *  - Any coordinates are accepted: negative, huge, zero or negative sizes.
 *    Everything is clipped to the canvas; nothing is ever written outside
 *    [0, width) × [0, height) of each plane, nor past a row's
 *    width × bytes-per-pixel (the padding up to the stride is untouched).
 *  - Nothing allocates, nothing aborts, there is no global state; the
 *    functions may be called from several threads on different canvases.
 *
 * Geometry. A box (x, y, w, h) covers the pixels x … x+w−1 and y … y+h−1,
 * as in GstVideoRegionOfInterestMeta. Outlines are drawn *inside* the box:
 * the outermost ring of pixels of the outline is exactly the box's border,
 * so a box clamped to the frame stays fully visible.
 *
 * Chroma. For NV12 and I420 a chroma sample covers a 2×2 block of luma
 * pixels. A chroma sample is written when its block touches a written luma
 * pixel (for a rectangle or outline) or an inked glyph pixel (for text);
 * a sample whose block lies entirely inside an outline's hole is left
 * alone. A one-pixel line therefore gets its colour even at odd positions.
 *
 * Colours are 0xRRGGBB (sRGB, 8 bits per channel). For YUV canvases they are
 * converted with the canvas's matrix. Alpha is 0…255: 255 replaces the
 * pixels, lower values blend ("over") with what is in the frame, 0 draws
 * nothing. On RGBA/BGRA canvases the alpha byte of every drawn pixel is
 * composited too (a' = α + a·(255 − α)/255, so opaque drawing sets 255);
 * the x byte of RGBx-style formats is never written.
 *
 * Ownership words as in yolor.h: *borrowed* = valid for the duration of the
 * call only.
 */
#ifndef YOLOR_YOLOR_DRAW_H
#define YOLOR_YOLOR_DRAW_H

#include <stdint.h>

#include <yolor/yolor.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A mutable frame to draw on. Same plane layout as yolor_image: packed
 * formats use planes[0]; NV12 uses planes[0] (Y) and planes[1] (interleaved
 * UV); I420 uses planes[0..2] (Y, U, V). Strides are in bytes, positive and
 * at least one row's worth of bytes of the plane. Chroma planes are
 * (width + 1) / 2 × (height + 1) / 2 samples.
 * The pixels are borrowed by every call: never kept after return. */
typedef struct yolor_canvas
{
  yolor_pixfmt format;
  int width;
  int height;
  uint8_t *planes[3];
  int strides[3];
  yolor_yuv_matrix matrix; /* YUV formats only; 0 = AUTO (BT.709 from
                                 * 720 rows, BT.601 below; limited range) */
} yolor_canvas;

/* Checks that @canvas (borrowed) can be drawn on: a known format, width and
 * height ≥ 1, non-NULL planes for that format and strides large enough for
 * one row. Every drawing function performs this check first.
 * Returns: YOLOR_OK or YOLOR_ERR_INVALID_ARG. */
YOLOR_API yolor_status yolor_canvas_check (const yolor_canvas *canvas);

/* Alpha of a fully opaque drawing. */
#define YOLOR_DRAW_OPAQUE 255
/* Alpha for dimmed drawing (yolorosd dim-stale uses it for stale boxes). */
#define YOLOR_DRAW_DIM_ALPHA 112

/* Fills the rectangle (x, y, w, h) with @rgb (0xRRGGBB) at @alpha.
 * @canvas is borrowed. Clipped; w ≤ 0 or h ≤ 0 draws nothing.
 * Returns: YOLOR_OK or YOLOR_ERR_INVALID_ARG (bad canvas). */
YOLOR_API yolor_status yolor_draw_fill_rect (const yolor_canvas *canvas, int x,
    int y, int w, int h, uint32_t rgb, uint8_t alpha);

/* Draws the outline of the box (x, y, w, h), @thickness pixels wide, inside
 * the box (see Geometry above). A thickness ≥ half the box's smaller side
 * fills the box; @thickness ≤ 0 draws nothing. @canvas is borrowed.
 * Returns: YOLOR_OK or YOLOR_ERR_INVALID_ARG (bad canvas). */
YOLOR_API yolor_status yolor_draw_rect (const yolor_canvas *canvas, int x,
    int y, int w, int h, int thickness, uint32_t rgb, uint8_t alpha);

/* ---- Text ---- */

/* The built-in font: 5 × 8 glyphs (7 rows above the baseline, 1 descender
 * row) in a 6 × 9 cell (one empty column and row between glyphs). */
#define YOLOR_FONT_GLYPH_WIDTH 5
#define YOLOR_FONT_GLYPH_HEIGHT 8
#define YOLOR_FONT_CELL_WIDTH 6
#define YOLOR_FONT_CELL_HEIGHT 9

/* The glyph of byte @c: YOLOR_FONT_GLYPH_HEIGHT rows, top first; in each row
 * bit 4 (0x10) is the leftmost column and bit 0 the rightmost. Printable
 * ASCII (32…126) has its own glyph; every other byte (control characters,
 * UTF-8 sequences) gets the glyph of '?'.
 * Returns: a static table (never NULL). */
YOLOR_API const uint8_t *yolor_font_glyph (int c);

/* Size in pixels of @text (borrowed, NUL-terminated, may be NULL = "") drawn
 * at @scale (values < 1 count as 1): width = n·6·scale − scale (no trailing
 * gap), height = 8·scale; both 0 for an empty string. Either out-parameter
 * may be NULL. Lengths that would overflow an int saturate at INT32_MAX. */
YOLOR_API void yolor_draw_text_size (
    const char *text, int scale, int *width_out, int *height_out);

/* Draws @text (borrowed, NUL-terminated; NULL draws nothing) with its top-left
 * corner at (x, y), each font pixel a @scale × @scale block (values < 1 count
 * as 1). Only the glyphs' inked pixels are written (no background: see
 * yolor_draw_fill_rect()). Everything is on one line: '\n' and other
 * non-printable bytes are drawn as '?'. Clipped. @canvas is borrowed.
 * Returns: YOLOR_OK or YOLOR_ERR_INVALID_ARG (bad canvas). */
YOLOR_API yolor_status yolor_draw_text (const yolor_canvas *canvas, int x,
    int y, const char *text, int scale, uint32_t rgb, uint8_t alpha);

/* ---- Detections ---- */

/* How yolor_draw_detection() draws one box. */
typedef struct yolor_draw_style
{
  uint32_t color; /* box and label background, 0xRRGGBB */
  int thickness; /* outline width in pixels; 0 = auto */
  int text_scale; /* font pixel size; 0 = auto */
  uint8_t alpha; /* YOLOR_DRAW_OPAQUE, or lower to dim */
} yolor_draw_style;

/* Fills @style (borrowed): colour of class 0, automatic thickness and text
 * scale (chosen from the canvas height at drawing time), opaque. */
YOLOR_API void yolor_draw_style_init (yolor_draw_style *style);

/* Outline thickness used when a style asks for "auto": one pixel per 360
 * frame rows, rounded, at least 1 (320 rows → 1, 720 → 2, 1080 → 3,
 * 2160 → 6). */
YOLOR_API int yolor_draw_auto_thickness (int frame_height);

/* Text scale used when a style asks for "auto": same rule as the thickness
 * (320 rows → 1 (glyphs 7 px tall), 1080 → 3 (21 px), 2160 → 6). */
YOLOR_API int yolor_draw_auto_text_scale (int frame_height);

/* Draws a detection: the outline of (x, y, w, h) and, when @label (borrowed)
 * is non-NULL and non-empty, a filled label background in the box colour
 * holding @label in black or white (whichever contrasts more). The label
 * sits on top of the box, left-aligned, or inside the box's top edge when
 * there is no room above; it is shifted horizontally to stay within the
 * frame. Nothing is drawn when the box does not intersect the frame.
 * @canvas and @style are borrowed.
 * Returns: YOLOR_OK or YOLOR_ERR_INVALID_ARG (bad canvas, NULL style). */
YOLOR_API yolor_status yolor_draw_detection (const yolor_canvas *canvas, int x,
    int y, int w, int h, const char *label, const yolor_draw_style *style);

/* As yolor_draw_detection(), with a label of @n_lines lines (@lines
 * borrowed; NULL or empty lines are skipped) stacked top to bottom in the
 * order given, as wide as the widest: the block sits on top of the box
 * (its last line touching the box), else inside the box's top edge, and is
 * kept within the frame as one label is. Line i has the background
 * @line_colors[i] (borrowed; NULL: style->color for all) and black or
 * white text, whichever contrasts more; the outline is style->color. For
 * one box detected as several classes: one label, strongest class first.
 * Returns: YOLOR_OK or YOLOR_ERR_INVALID_ARG (bad canvas, NULL style, NULL
 * @lines with @n_lines > 0). */
YOLOR_API yolor_status yolor_draw_detection_lines (const yolor_canvas *canvas,
    int x, int y, int w, int h, const char *const *lines,
    const uint32_t *line_colors, int n_lines, const yolor_draw_style *style);

/* ---- Colours ---- */

/* Number of entries in the class palette. */
#define YOLOR_DRAW_PALETTE_SIZE 20

/* Colour of class @class_id: a fixed palette of YOLOR_DRAW_PALETTE_SIZE
 * well-separated, saturated colours, repeating (any int is fine, negative
 * ones included). Returns: 0xRRGGBB. */
YOLOR_API uint32_t yolor_draw_class_color (int class_id);

/* A stable non-negative class number for a label text, for detections that
 * carry a label but no class id (FNV-1a of the bytes). @label is borrowed;
 * NULL gives 0. */
YOLOR_API int yolor_draw_label_hash (const char *label);

/* 0x000000 or 0xFFFFFF, whichever reads better on a background of @rgb. */
YOLOR_API uint32_t yolor_draw_contrast_color (uint32_t rgb);

#ifdef __cplusplus
}
#endif
#endif /* YOLOR_YOLOR_DRAW_H */
