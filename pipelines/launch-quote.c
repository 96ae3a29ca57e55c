/* Quoting for gst_parse_launch () descriptions, and property lists checked
 * to be only property assignments.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "launch-quote.h"

#include <string.h>

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

/* TRUE when @name is a GObject property name: a letter, then letters,
 * digits, '-' or '_'. */
static gboolean
is_property_name (const gchar *name, gsize len)
{
  gsize i;

  if (len == 0 || !g_ascii_isalpha (name[0]))
    return FALSE;
  for (i = 1; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '_')
      return FALSE;
  return TRUE;
}

gchar *
yolor_launch_props (const gchar *props, GError **error)
{
  GString *out = g_string_new (NULL);
  gchar **argv = NULL;
  gint argc = 0, i;

  if (props == NULL || props[strspn (props, " \t")] == '\0')
    return g_string_free (out, FALSE);
  if (!g_shell_parse_argv (props, &argc, &argv, error)) {
    g_string_free (out, TRUE);
    return NULL;
  }
  for (i = 0; i < argc; i++) {
    const gchar *eq = strchr (argv[i], '=');
    gchar *value;

    if (eq == NULL || !is_property_name (argv[i], (gsize) (eq - argv[i]))) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "'%s' is not a property assignment (expected NAME=VALUE, e.g. "
          "threshold=0.3)",
          argv[i]);
      g_strfreev (argv);
      g_string_free (out, TRUE);
      return NULL;
    }
    if (eq - argv[i] == 4 && strncmp (argv[i], "name", 4) == 0) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "'%s': the element's name is the application's (no name=)", argv[i]);
      g_strfreev (argv);
      g_string_free (out, TRUE);
      return NULL;
    }
    value = yolor_launch_quote (eq + 1);
    g_string_append_printf (
        out, "%s%.*s=%s", i ? " " : "", (int) (eq - argv[i]), argv[i], value);
    g_free (value);
  }
  g_strfreev (argv);
  return g_string_free (out, FALSE);
}
