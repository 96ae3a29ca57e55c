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

/* Turns @props (borrowed), property assignments as a shell would split them
 * ("threshold=0.3 object-class='person, car'"), into launch-line text with
 * every value quoted, so that nothing in it can add elements or links.
 * Returns: (transfer full): the text ("" for NULL or blank @props), or NULL
 * with @error set when a word is not NAME=VALUE, or sets "name" (the
 * applications name their elements). */
gchar *yolor_launch_props (const gchar *props, GError **error);

#endif /* YOLOR_LAUNCH_QUOTE_H */
