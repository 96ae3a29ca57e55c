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
