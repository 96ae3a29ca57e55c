/* Default options.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "yolor-private.h"

void
yolor_options_init (yolor_options *opts)
{
  if (!opts)
    return;
  memset (opts, 0, sizeof (*opts));
  opts->n_threads = 0;
  opts->flavor = YOLOR_FLAVOR_AUTO;
  opts->fold = 1;
  opts->resize = YOLOR_RESIZE_AUTO;
  opts->embedding_layer = -1;
}

const char *
yolor_precision_name (yolor_precision precision)
{
  return precision == YOLOR_PRECISION_BF16 ? "bf16" : "fp32";
}

int
yolor_precision_parse (const char *name, yolor_precision *out)
{
  if (name && strcmp (name, "fp32") == 0)
    *out = YOLOR_PRECISION_FP32;
  else if (name && strcmp (name, "bf16") == 0)
    *out = YOLOR_PRECISION_BF16;
  else
    return -1;
  return 0;
}
