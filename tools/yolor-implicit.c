/* yolor info --implicit / --implicit-plot: what each consumer of implicit
 * knowledge (shift/control/select/alternate_channels) applies per channel,
 * as a table and as an SVG of one bar chart per consumer.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One consumer and the values it applies. */
typedef struct
{
  int layer; /* the consumer */
  const char *type; /* static: its cfg type */
  int from; /* the layer its 'from' names */
  const char *from_type; /* static */
  int from_folded; /* 1: a conv of an implicit layer, computed at load */
  const char *op; /* static: "adds", "multiplies", ... */
  double identity; /* the value that changes nothing */
  int n; /* channels */
  double *v; /* owned: the applied values (sigmoid taken for select) */
} implicit_row;

static const char *
consumer_op (const char *type, double *identity)
{
  static const struct
  {
    const char *prefix, *op;
    double identity;
  } ops[] = {
    { "shift_channels", "adds", 0.0 },
    { "control_channels", "multiplies", 1.0 },
    { "select_channels", "multiplies (sigmoid)", 1.0 },
    { "alternate_channels", "prepends", 0.0 },
  };
  for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
    if (strncmp (type, ops[k].prefix, strlen (ops[k].prefix)) == 0) {
      *identity = ops[k].identity;
      return ops[k].op;
    }
  return NULL;
}

static void
free_rows (implicit_row *rows, int n)
{
  for (int k = 0; k < n; k++)
    free (rows[k].v);
  free (rows);
}

/* The consumers of @net whose 'from' is an implicit layer, into *@rows.
 * Returns their count, or -1 when out of memory. Rows whose source is not
 * constant (a conv of an implicit layer, unfolded) get n = 0. */
static int
collect (yolor_net *net, implicit_row **rows)
{
  int n_layers = yolor_net_n_layers (net), n = 0;
  implicit_row *r = calloc ((size_t) n_layers + 1, sizeof *r);
  if (!r)
    return -1;
  for (int i = 0; i < n_layers; i++) {
    yolor_layer_info li, si;
    const float *src;
    implicit_row *row = &r[n];
    int sigmoid;
    if (yolor_net_layer_info (net, i, &li) != YOLOR_OK || li.n_inputs < 2)
      continue;
    row->op = consumer_op (li.type, &row->identity);
    if (!row->op)
      continue;
    row->layer = i;
    row->type = li.type;
    row->from = li.inputs[1];
    row->from_type = yolor_net_layer_type (net, row->from);
    src = yolor_net_implicit_values (net, row->from, &row->n);
    if (src && yolor_net_layer_info (net, row->from, &si) == YOLOR_OK
        && si.folded_away) {
      /* an implicit layer that was a conv of one, computed at load */
      row->from_folded = 1;
      row->from_type =
          strstr (row->from_type, "_2d") ? "conv (Z^T c)" : "conv (W z)";
    }
    n++;
    if (!src)
      continue;
    row->v = malloc (sizeof (double) * (size_t) row->n);
    if (!row->v) {
      free_rows (r, n);
      return -1;
    }
    sigmoid = strncmp (row->type, "select", 6) == 0;
    for (int c = 0; c < row->n; c++)
      row->v[c] = sigmoid ? 1.0 / (1.0 + exp (-(double) src[c])) : src[c];
  }
  *rows = r;
  return n;
}

/* The channel of @row farthest from the identity, skipping @taken. */
static int
farthest (const implicit_row *row, const int *taken, int n_taken)
{
  int best = -1;
  for (int c = 0; c < row->n; c++) {
    int skip = 0;
    for (int k = 0; k < n_taken; k++)
      skip |= taken[k] == c;
    if (!skip
        && (best < 0
            || fabs (row->v[c] - row->identity)
                > fabs (row->v[best] - row->identity)))
      best = c;
  }
  return best;
}

int
yolor_cli_print_implicit (yolor_net *net, FILE *out)
{
  implicit_row *rows;
  int n = collect (net, &rows);
  if (n < 0)
    return -1;
  fprintf (out,
      "implicit knowledge: %d consumer%s (the values each applies per "
      "channel; identity 0 to add, 1 to multiply)\n",
      n, n == 1 ? "" : "s");
  if (n == 0) {
    free_rows (rows, n);
    return 0;
  }
  fprintf (out, "%5s  %-21s %5s  %-17s %-20s %6s %10s %10s %10s  %s\n", "layer",
      "consumer", "from", "source", "op", "chans", "min", "mean", "max",
      "farthest from identity (channel: value)");
  for (int k = 0; k < n; k++) {
    const implicit_row *row = &rows[k];
    double lo = INFINITY, hi = -INFINITY, sum = 0.0;
    int taken[3], n_taken = 0;
    fprintf (out, "%5d  %-21s %5d  %-17s %-20s", row->layer, row->type,
        row->from, row->from_type ? row->from_type : "?", row->op);
    if (!row->v) {
      fprintf (out,
          "  (a layer computed every frame: a conv of an "
          "implicit layer is constant only when folded)\n");
      continue;
    }
    for (int c = 0; c < row->n; c++) {
      lo = fmin (lo, row->v[c]);
      hi = fmax (hi, row->v[c]);
      sum += row->v[c];
    }
    fprintf (out, " %6d %10.4f %10.4f %10.4f ", row->n, lo, sum / row->n, hi);
    while (n_taken < 3 && n_taken < row->n) {
      int c = farthest (row, taken, n_taken);
      taken[n_taken++] = c;
      fprintf (out, "%s %d: %.4f", n_taken > 1 ? "," : "", c, row->v[c]);
    }
    fprintf (out, "%s\n", row->from_folded ? "  (computed at load)" : "");
  }
  free_rows (rows, n);
  return 0;
}

/* @s as XML text on @f. */
static void
put_xml (FILE *f, const char *s)
{
  for (; *s; s++)
    switch (*s) {
      case '<':
        fputs ("&lt;", f);
        break;
      case '>':
        fputs ("&gt;", f);
        break;
      case '&':
        fputs ("&amp;", f);
        break;
      case '"':
        fputs ("&quot;", f);
        break;
      default:
        fputc (*s, f);
    }
}

/* The other strings written are cfg type names and numbers. */
int
yolor_cli_implicit_svg (yolor_net *net, const char *model, const char *path)
{
  const int width = 960, panel = 160, top = 56, left = 70, right = 20;
  const int plot_w = width - left - right, plot_h = panel - 50;
  implicit_row *rows;
  int n = collect (net, &rows), n_plots = 0;
  FILE *f;
  if (n < 0)
    return -1;
  for (int k = 0; k < n; k++)
    n_plots += rows[k].v != NULL;
  f = fopen (path, "w");
  if (!f) {
    int e = errno;
    free_rows (rows, n);
    errno = e;
    return -1;
  }
  fprintf (f,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"%d\" y=\"22\" font-size=\"15\">Implicit knowledge: per "
      "channel, what each consumer applies (bars from the identity)</text>\n"
      "<text x=\"%d\" y=\"40\" fill=\"#555\">",
      width, top + panel * (n_plots > 0 ? n_plots : 1), width,
      top + panel * (n_plots > 0 ? n_plots : 1), left, left);
  put_xml (f, model);
  fprintf (f, "</text>\n");
  for (int k = 0, p = 0; k < n; k++) {
    const implicit_row *row = &rows[k];
    double span = 0.0, bw;
    int y0 = top + p * panel + 30, mid = y0 + plot_h / 2;
    if (!row->v)
      continue;
    for (int c = 0; c < row->n; c++)
      span = fmax (span, fabs (row->v[c] - row->identity));
    if (span == 0.0)
      span = 1.0;
    bw = (double) plot_w / row->n;
    fprintf (f,
        "<g class=\"consumer\" data-layer=\"%d\" data-from=\"%d\" "
        "data-channels=\"%d\">\n"
        "<text x=\"%d\" y=\"%d\">layer %d %s: %s layer %d (%s), %d "
        "channels</text>\n"
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
        "stroke=\"#bbb\"/>\n"
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n"
        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.3g</text>\n"
        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.3g</text>\n"
        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.3g</text>\n",
        row->layer, row->from, row->n, left, y0 - 8, row->layer, row->type,
        row->op, row->from, row->from_type ? row->from_type : "?", row->n, left,
        y0, plot_w, plot_h, left, mid, left + plot_w, mid, left - 6, y0 + 10,
        row->identity + span, left - 6, mid + 4, row->identity, left - 6,
        y0 + plot_h, row->identity - span);
    for (int c = 0; c < row->n; c++) {
      double d = (row->v[c] - row->identity) / span * (plot_h / 2.0);
      fprintf (f,
          "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
          "height=\"%.2f\" fill=\"%s\"><title>channel %d: %.6g</title>"
          "</rect>\n",
          left + c * bw, d > 0 ? mid - d : (double) mid,
          bw > 1.5 ? bw - 0.5 : bw, fabs (d), d >= 0 ? "#3465a4" : "#cc0000", c,
          row->v[c]);
    }
    fprintf (f,
        "<text x=\"%d\" y=\"%d\" fill=\"#555\">0</text>\n"
        "<text x=\"%d\" y=\"%d\" fill=\"#555\" text-anchor=\"end\">%d"
        "</text>\n</g>\n",
        left, y0 + plot_h + 14, left + plot_w, y0 + plot_h + 14, row->n - 1);
    p++;
  }
  if (n_plots == 0)
    fprintf (f,
        "<text x=\"%d\" y=\"%d\">no constant implicit knowledge in "
        "this model</text>\n",
        left, top + 40);
  fprintf (f, "</svg>\n");
  free_rows (rows, n);
  if (ferror (f)) {
    fclose (f);
    errno = EIO;
    return -1;
  }
  return fclose (f) == 0 ? 0 : -1;
}
