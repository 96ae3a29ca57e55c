/* The layers that pass their input on unchanged at inference: dropout and
 * silence. Their output is their input's buffer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-private.h"

/* Dropout: its keys matter for training only; read so that a bad value is
 * still an error. */
void
yolor_dropout_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l)
{
  (void) m;
  (void) l;
  yolor_parse_float (c, "probability", 0.5f, 0.0f, 1.0f);
  yolor_parse_int (c, "dropblock", 0, 0, 1);
  yolor_parse_float (c, "dropblock_size_rel", 0.0f, 0.0f, 1.0f);
  yolor_parse_int (c, "dropblock_size_abs", 0, 0, 1000);
}

int
yolor_owns_nothing (const yolor_layer *l)
{
  (void) l;
  return 0;
}
