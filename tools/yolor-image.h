/* Image files to packed RGB, decoded with GStreamer. Used by the yolor tool
 * and by tests.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_IMAGE_FILE_H
#define YOLOR_IMAGE_FILE_H

#include <stddef.h>
#include <stdint.h>

/* A decoded picture: packed 8-bit RGB, rows of @stride bytes. */
typedef struct yolor_rgb_image
{
  int width;
  int height;
  int stride; /* bytes per row, >= 3 * width */
  uint8_t *data; /* owned: release with yolor_rgb_image_clear() */
} yolor_rgb_image;

/* Decodes the image file @path (borrowed) into *@out. JPEG files go through
 * jpegdec with RGB output caps (libjpeg does the colour conversion); other
 * formats through decodebin and videoconvert. Initialises GStreamer if the
 * caller has not. On success *@out holds pixels transferred to the caller
 * (yolor_rgb_image_clear()) and 0 is returned. On failure, returns -1 and
 * writes a message naming the file into @errbuf (@errlen bytes, may be
 * 0); *@out is then zeroed. */
int yolor_rgb_image_load (
    const char *path, yolor_rgb_image *out, char *errbuf, size_t errlen);

/* Frees the pixels of @img (borrowed) and zeroes it. NULL is a no-op. */
void yolor_rgb_image_clear (yolor_rgb_image *img);

#endif /* YOLOR_IMAGE_FILE_H */
