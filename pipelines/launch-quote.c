/* Quoting for gst_parse_launch () descriptions.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "launch-quote.h"

gchar *
yolor_launch_quote (const gchar *s)
{
  GString *q = g_string_new ("\"");

  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      g_string_append_c (q, '\\');
    g_string_append_c (q, *s);
  }
  g_string_append_c (q, '"');
  return g_string_free (q, FALSE);
}
