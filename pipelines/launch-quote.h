/* Quoting for gst_parse_launch () descriptions, shared by the pipeline
 * applications.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_LAUNCH_QUOTE_H
#define YOLOR_LAUNCH_QUOTE_H

#include <glib.h>

/* Returns: @s (borrowed) as a double-quoted launch-line value, with '"'
 * and '\\' escaped (transferred: g_free ()). */
gchar *yolor_launch_quote (const gchar *s);

#endif /* YOLOR_LAUNCH_QUOTE_H */
