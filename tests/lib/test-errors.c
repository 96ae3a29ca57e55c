/* Bad input gets a clear error, never a crash or a leak (this binary also
 * runs under ASan/UBSan):
 *  - malformed cfg files (written to a mkdtemp() directory): the status and
 *    "file:line" with the exact line of the offending key or section;
 *  - bad weights files (truncated, oversized, header only, missing, unknown
 *    version, corrupt variance): YOLOR_ERR_IO / _UNSUPPORTED, the message
 *    states the expected and found byte counts; the old 32-bit-seen header
 *    loads; a YOLOR model without the implicit trailer loads with a warning;
 *  - bad frame sizes, frames, planes, strides and call orders on
 *    prepare/detect, input sizes the network cannot take.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/test-check.h"
#include "../common/test-util.h"
#include "yolor-private.h"

/* ---- temporary files ---- */

static char tmp_dir[256];

static void
tmp_setup (void)
{
  snprintf (tmp_dir, sizeof (tmp_dir), "/tmp/yolor-test-errors-XXXXXX");
  ck_assert_msg (mkdtemp (tmp_dir) != NULL, "mkdtemp failed");
}

static void
tmp_teardown (void)
{
  DIR *d = opendir (tmp_dir);
  struct dirent *e;
  if (!d)
    return;
  while ((e = readdir (d))) {
    char p[600];
    if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
      continue;
    snprintf (p, sizeof (p), "%s/%s", tmp_dir, e->d_name);
    unlink (p);
  }
  closedir (d);
  rmdir (tmp_dir);
}

/* Writes @len bytes to tmp_dir/@name; the path goes to @path. */
static void
write_tmp (const char *name, const void *data, size_t len, char *path, size_t n)
{
  FILE *f;
  snprintf (path, n, "%s/%s", tmp_dir, name);
  f = fopen (path, "wb");
  ck_assert_msg (f != NULL, "cannot create %s", path);
  ck_assert (len == 0 || fwrite (data, 1, len, f) == len);
  fclose (f);
}

/* 1-based number of the first line of @text equal to @line; 0 if none. */
static int
line_of (const char *text, const char *line)
{
  int no = 1;
  size_t n = strlen (line);
  const char *p = text;
  while (*p) {
    const char *nl = strchr (p, '\n');
    size_t len = nl ? (size_t) (nl - p) : strlen (p);
    if (len == n && memcmp (p, line, n) == 0)
      return no;
    if (!nl)
      break;
    p = nl + 1;
    no++;
  }
  return 0;
}

/* 1 if @msg holds @v as a whole number (not part of a longer one). */
static int
has_number (const char *msg, long long v)
{
  char num[32];
  const char *p = msg;
  size_t n;
  snprintf (num, sizeof (num), "%lld", v);
  n = strlen (num);
  while ((p = strstr (p, num))) {
    int before = p > msg && isdigit ((unsigned char) p[-1]);
    int after = isdigit ((unsigned char) p[n]);
    if (!before && !after)
      return 1;
    p++;
  }
  return 0;
}

/* ---- malformed cfg files ---- */

#define NET "[net]\nwidth=32\nheight=32\nchannels=3\n\n"
#define CONV8                                                                  \
  "[convolutional]\nbatch_normalize=1\nfilters=8\nsize=3\n"                    \
  "stride=1\npad=1\nactivation=leaky\n\n"
#define HEAD_CONV                                                              \
  "[convolutional]\nfilters=18\nsize=1\nstride=1\n"                            \
  "activation=linear\n\n"
#define YOLO                                                                   \
  "[yolo]\nmask=0,1,2\nanchors=10,14, 23,27, 37,58\nclasses=1\n"               \
  "num=3\n"
#define HEAD HEAD_CONV YOLO
#define ROUTE8 "[route]\nlayers=-1,-1,-1,-1,-1,-1,-1,-1\n\n"
#define ONE_HEAD                                                               \
  "[convolutional]\nfilters=6\nsize=1\nactivation=linear\n\n"                  \
  "[yolo]\nmask=0\nanchors=10,14\nclasses=1\nnew_coords=1\n\n"

typedef struct
{
  const char *what;
  const char *text;
  yolor_status status;
  const char *line; /* the offending line, or NULL: no line */
  int at_section; /* 1: the message names the [section]
                                 * holding that line */
  const char *says; /* NULL or text the message must hold */
} cfg_case;

static const cfg_case cfg_cases[] = {
  { "key=value before any section", "# a comment\nwidth=32\n" NET CONV8 HEAD,
      YOLOR_ERR_PARSE, "width=32", 0, NULL },
  { "line without '='",
      NET "[convolutional]\nbatch_normalize=1\nfilters 8\n"
          "size=3\n" HEAD,
      YOLOR_ERR_PARSE, "filters 8", 0, NULL },
  { "unknown section type", NET CONV8 "[convolutionl]\nfilters=8\n\n" HEAD,
      YOLOR_ERR_UNSUPPORTED, "[convolutionl]", 0, NULL },
  { "unknown key",
      NET "[convolutional]\nbatch_normalize=1\nfitlers=8\n"
          "size=3\n\n" HEAD,
      YOLOR_ERR_PARSE, "fitlers=8", 0, NULL },
  { "unknown key in [net]",
      "[net]\nwidth=32\nheight=32\nwidht=7\n\n" CONV8 HEAD, YOLOR_ERR_PARSE,
      "widht=7", 0, NULL },
  { "unknown flavour in [net]",
      "[net]\nwidth=32\nheight=32\nflavor=yolor-papers\n\n" CONV8 HEAD,
      YOLOR_ERR_PARSE, "flavor=yolor-papers", 0, "yolor-paper" },
  { "a 2d implicit read by a consumer that does not flatten it",
      NET CONV8 "[implicit_add_2d]\natoms=2\nfilters=4\n\n[route]\n"
                "layers=0\n\n[shift_channels]\nfrom=1\n\n" HEAD,
      YOLOR_ERR_SHAPE, "[shift_channels]", 0,
      "'from' layer 1 must be a Cx1x1 vector, is 2x4x1 (the _2d form of "
      "this layer reads it flattened)" },
  { "unknown activation in [batchnorm]",
      NET CONV8 "[batchnorm]\nactivation=swishy\n\n" HEAD,
      YOLOR_ERR_UNSUPPORTED, "activation=swishy", 0, NULL },
  { "non-integer filters",
      NET "[convolutional]\nfilters=eight\nsize=3\n\n" HEAD, YOLOR_ERR_PARSE,
      "filters=eight", 0, NULL },
  { "trailing garbage after filters",
      NET "[convolutional]\nfilters=8x\n"
          "size=3\n\n" HEAD,
      YOLOR_ERR_PARSE, "filters=8x", 0, NULL },
  { "filters=0", NET "[convolutional]\nsize=3\nfilters=0\n\n" HEAD,
      YOLOR_ERR_PARSE, "filters=0", 0, NULL },
  { "negative filters", NET "[convolutional]\nsize=3\nfilters=-8\n\n" HEAD,
      YOLOR_ERR_PARSE, "filters=-8", 0, NULL },
  { "absurd filters (overflows long)",
      NET "[convolutional]\nsize=3\n"
          "filters=99999999999999999999\n\n" HEAD,
      YOLOR_ERR_PARSE, "filters=99999999999999999999", 0, NULL },
  { "size=99", NET "[convolutional]\nfilters=8\nsize=99\n\n" HEAD,
      YOLOR_ERR_PARSE, "size=99", 0, NULL },
  { "size=0", NET "[convolutional]\nfilters=8\nsize=0\n\n" HEAD,
      YOLOR_ERR_PARSE, "size=0", 0, NULL },
  { "stride=0", NET "[convolutional]\nfilters=8\nsize=3\nstride=0\n\n" HEAD,
      YOLOR_ERR_PARSE, "stride=0", 0, NULL },
  { "[net] width=0", "[net]\nheight=32\nwidth=0\n\n" CONV8 HEAD,
      YOLOR_ERR_PARSE, "width=0", 0, NULL },
  { "[net] channels=1", "[net]\nwidth=32\nheight=32\nchannels=1\n\n" CONV8 HEAD,
      YOLOR_ERR_UNSUPPORTED, "channels=1", 1, NULL },
  { "maxpool size=0", NET CONV8 "[maxpool]\nstride=1\nsize=0\n\n" HEAD,
      YOLOR_ERR_PARSE, "size=0", 0, NULL },
  { "upsample stride=0", NET CONV8 "[upsample]\nstride=0\n\n" HEAD,
      YOLOR_ERR_PARSE, "stride=0", 0, NULL },
  { "unknown activation",
      NET "[convolutional]\nfilters=8\nsize=3\n"
          "activation=swishh\n\n" HEAD,
      YOLOR_ERR_UNSUPPORTED, "activation=swishh", 0, NULL },
  { "filters not a multiple of groups",
      NET CONV8 "[convolutional]\n"
                "filters=9\ngroups=2\nsize=3\n\n" HEAD,
      YOLOR_ERR_PARSE, "groups=2", 1, NULL },
  { "route to a later layer (layers=5 at layer 2)",
      NET CONV8 CONV8 "[route]\nlayers=5\n\n" HEAD, YOLOR_ERR_PARSE, "layers=5",
      0, NULL },
  { "route to itself (layers=2 at layer 2)",
      NET CONV8 CONV8 "[route]\nlayers=2\n\n" HEAD, YOLOR_ERR_PARSE, "layers=2",
      0, NULL },
  { "route out of range (layers=-10 at layer 2)",
      NET CONV8 CONV8 "[route]\nlayers=-10\n\n" HEAD, YOLOR_ERR_PARSE,
      "layers=-10", 0, NULL },
  { "route with a non-integer index",
      NET CONV8 CONV8 "[route]\nlayers=-1.5\n\n" HEAD, YOLOR_ERR_PARSE,
      "layers=-1.5", 0, NULL },
  { "route with garbage", NET CONV8 CONV8 "[route]\nlayers=-1,x\n\n" HEAD,
      YOLOR_ERR_PARSE, "layers=-1,x", 0, NULL },
  { "route without layers=", NET CONV8 CONV8 "[route]\n\n" HEAD,
      YOLOR_ERR_PARSE, "[route]", 0, NULL },
  { "shortcut naming eight layers",
      NET CONV8 CONV8 "[shortcut]\n"
                      "from=-1,-1,-1,-1,-1,-1,-1,-1\n\n" HEAD,
      YOLOR_ERR_PARSE, "from=-1,-1,-1,-1,-1,-1,-1,-1", 0, NULL },
  { "shortcut from=1e20", NET CONV8 CONV8 "[shortcut]\nfrom=1e20\n\n" HEAD,
      YOLOR_ERR_PARSE, "from=1e20", 0, NULL },
  { "shortcut from=0 at layer 0",
      NET "[shortcut]\nfrom=0\n"
          "activation=linear\n\n" CONV8 HEAD,
      YOLOR_ERR_PARSE, "from=0", 0, NULL },
  { "shortcut from=-5 at layer 2",
      NET CONV8 CONV8 "[shortcut]\nfrom=-5\n\n" HEAD, YOLOR_ERR_PARSE,
      "from=-5", 0, NULL },
  { "mask index beyond the anchors",
      NET CONV8 HEAD_CONV
      "[yolo]\n"
      "mask=0,1,3\nanchors=10,14, 23,27, 37,58\nclasses=1\nnum=3\n",
      YOLOR_ERR_PARSE, "mask=0,1,3", 0, NULL },
  { "negative mask index",
      NET CONV8 HEAD_CONV "[yolo]\nmask=0,-1,2\n"
                          "anchors=10,14, 23,27, 37,58\nclasses=1\nnum=3\n",
      YOLOR_ERR_PARSE, "mask=0,-1,2", 0, NULL },
  { "odd anchors count",
      NET CONV8 HEAD_CONV "[yolo]\nmask=0,1,2\n"
                          "anchors=10,14, 23,27, 37\nclasses=1\nnum=3\n",
      YOLOR_ERR_PARSE, "anchors=10,14, 23,27, 37", 0, NULL },
  { "[yolo] channels differ from the previous conv",
      NET CONV8 "[convolutional]\nfilters=17\nsize=1\nstride=1\nactivation="
                "linear\n\n" YOLO,
      YOLOR_ERR_SHAPE, "[yolo]", 0, NULL },
  { "route of two sizes",
      NET CONV8
      "[convolutional]\nfilters=8\nsize=3\n"
      "stride=2\npad=1\nactivation=leaky\n\n[route]\nlayers=-1,-2\n\n" HEAD,
      YOLOR_ERR_SHAPE, "[route]", 0, NULL },
  { "groups do not divide the input channels",
      NET CONV8 "[convolutional]\nfilters=9\ngroups=3\nsize=1\n\n" HEAD,
      YOLOR_ERR_SHAPE, "groups=3", 1, NULL },
  { "kernel larger than the input",
      "[net]\nwidth=4\nheight=4\n\n"
      "[convolutional]\nfilters=8\nsize=15\nstride=1\n\n" HEAD,
      YOLOR_ERR_SHAPE, "size=15", 1, NULL },
  { "two heads with different classes",
      NET CONV8 HEAD
      "\n[route]\n"
      "layers=-3\n\n[convolutional]\nfilters=21\nsize=1\n\n[yolo]\n"
      "mask=0,1,2\nanchors=10,14, 23,27, 37,58\nclasses=2\nnum=3\n",
      YOLOR_ERR_PARSE, "classes=2", 1, NULL },
  { "duplicate key",
      NET "[convolutional]\nfilters=8\nsize=3\nfilters=16\n\n" HEAD,
      YOLOR_ERR_PARSE, "filters=16", 0, NULL },
  { "malformed section header", NET "[convolutional\nfilters=8\n\n" HEAD,
      YOLOR_ERR_PARSE, "[convolutional", 0, NULL },
  { "first section is not [net]", CONV8 HEAD, YOLOR_ERR_PARSE,
      "[convolutional]", 0, NULL },
  { "no layers after [net]", NET, YOLOR_ERR_PARSE, NULL, 0, NULL },
  { "empty file", "", YOLOR_ERR_PARSE, NULL, 0, NULL },
  { "only comments", "# nothing\n; here\n\n", YOLOR_ERR_PARSE, NULL, 0, NULL },
  { "no [yolo] layer", NET CONV8, YOLOR_ERR_UNSUPPORTED, NULL, 0, NULL },
  /* malformed numbers: an error naming file, line, key and value, and
   * nothing computed with the value (groups=x used to divide by zero) */
  { "groups=x",
      NET CONV8 "[convolutional]\nfilters=9\ngroups=x\nsize=1\n\n" HEAD,
      YOLOR_ERR_PARSE, "groups=x", 0,
      "[convolutional] expected an integer for 'groups' = 'x'" },
  { "groups=0x4", NET CONV8 "[convolutional]\nfilters=8\ngroups=0x4\n\n" HEAD,
      YOLOR_ERR_PARSE, "groups=0x4", 0, "'groups' = '0x4'" },
  { "groups=", NET CONV8 "[convolutional]\nfilters=8\ngroups=\n\n" HEAD,
      YOLOR_ERR_PARSE, "groups=", 0, "expected an integer for 'groups' = ''" },
  { "stride=x", NET "[convolutional]\nfilters=8\nsize=3\nstride=x\n\n" HEAD,
      YOLOR_ERR_PARSE, "stride=x", 0, "'stride' = 'x'" },
  { "stride_x=two",
      NET "[convolutional]\nfilters=8\nsize=3\nstride_x=two\n\n" HEAD,
      YOLOR_ERR_PARSE, "stride_x=two", 0, "'stride_x' = 'two'" },
  { "size=3.0", NET "[convolutional]\nfilters=8\nsize=3.0\n\n" HEAD,
      YOLOR_ERR_PARSE, "size=3.0", 0, "'size' = '3.0'" },
  { "pad=yes", NET "[convolutional]\nfilters=8\nsize=3\npad=yes\n\n" HEAD,
      YOLOR_ERR_PARSE, "pad=yes", 0, "'pad' = 'yes'" },
  { "[net] width=abc", "[net]\nheight=32\nwidth=abc\n\n" CONV8 HEAD,
      YOLOR_ERR_PARSE, "width=abc", 0,
      "[net] expected an integer for 'width'" },
  { "route groups=x", NET CONV8 "[route]\nlayers=-1\ngroups=x\n\n" HEAD,
      YOLOR_ERR_PARSE, "groups=x", 0,
      "[route] expected an integer for 'groups' = 'x'" },
  { "route group_id=-",
      NET CONV8 "[route]\nlayers=-1\ngroups=2\ngroup_id=-\n\n" HEAD,
      YOLOR_ERR_PARSE, "group_id=-", 0, "'group_id' = '-'" },
  { "maxpool stride=x", NET CONV8 "[maxpool]\nsize=2\nstride=x\n\n" HEAD,
      YOLOR_ERR_PARSE, "stride=x", 0,
      "[maxpool] expected an integer for 'stride'" },
  { "maxpool size=x", NET CONV8 "[maxpool]\nstride=2\nsize=x\n\n" HEAD,
      YOLOR_ERR_PARSE, "size=x", 0, "'size' = 'x'" },
  { "upsample stride=1.5", NET CONV8 "[upsample]\nstride=1.5\n\n" HEAD,
      YOLOR_ERR_PARSE, "stride=1.5", 0, "'stride' = '1.5'" },
  { "implicit filters=x", NET CONV8 "[implicit_add]\nfilters=x\n\n" CONV8 HEAD,
      YOLOR_ERR_PARSE, "filters=x", 0,
      "[implicit_add] expected an integer for 'filters'" },
  { "yolo classes=x",
      NET CONV8 HEAD_CONV
      "[yolo]\nmask=0,1,2\nanchors=10,14, 23,27, 37,58\nclasses=x\n",
      YOLOR_ERR_PARSE, "classes=x", 0,
      "[yolo] expected an integer for 'classes' = 'x'" },
  { "yolo num=x",
      NET CONV8 HEAD_CONV
      "[yolo]\nmask=0,1,2\nanchors=10,14, 23,27, 37,58\nclasses=1\nnum=x\n",
      YOLOR_ERR_PARSE, "num=x", 0, "'num' = 'x'" },
  { "yolo mask=0,1,2.5",
      NET CONV8 HEAD_CONV
      "[yolo]\nmask=0,1,2.5\nanchors=10,14, 23,27, 37,58\nclasses=1\n",
      YOLOR_ERR_PARSE, "mask=0,1,2.5", 0,
      "expected a list of integers for 'mask' = '0,1,2.5'" },
  { "yolo mask=1e9",
      NET CONV8 HEAD_CONV
      "[yolo]\nmask=0,1,1e9\nanchors=10,14, 23,27, 37,58\nclasses=1\n",
      YOLOR_ERR_PARSE, "mask=0,1,1e9", 0, "'mask' = '0,1,1e9'" },
  { "yolo mask beyond int",
      NET CONV8 HEAD_CONV "[yolo]\nmask=0,1,99999999999999999999\nanchors=10,"
                          "14, 23,27, 37,58\nclasses=1\n",
      YOLOR_ERR_PARSE, "mask=0,1,99999999999999999999", 0,
      "'mask' = '0,1,99999999999999999999'" },
  { "yolo anchors=10,x",
      NET CONV8 HEAD_CONV "[yolo]\nmask=0\nanchors=10,x\nclasses=1\n",
      YOLOR_ERR_PARSE, "anchors=10,x", 0,
      "expected a list of numbers for 'anchors' = '10,x'" },
  { "yolo negative anchor",
      NET CONV8 HEAD_CONV
      "[yolo]\nmask=0,1,2\nanchors=10,14, -23,27, 37,58\nclasses=1\n",
      YOLOR_ERR_PARSE, "anchors=10,14, -23,27, 37,58", 0,
      "anchor -23 is outside [0, 65536]" },
  { "yolo absurd anchor",
      NET CONV8 HEAD_CONV
      "[yolo]\nmask=0,1,2\nanchors=10,14, 23,27, 37,1e300\nclasses=1\n",
      YOLOR_ERR_PARSE, "anchors=10,14, 23,27, 37,1e300", 0,
      "anchor 1e+300 is outside" },
  { "yolo scale_x_y=big", NET CONV8 HEAD_CONV YOLO "scale_x_y=big\n",
      YOLOR_ERR_PARSE, "scale_x_y=big", 0,
      "expected a number for 'scale_x_y' = 'big'" },
  /* layer references are integers naming an earlier layer */
  { "route layers=-1.5 names the value",
      NET CONV8 CONV8 "[route]\nlayers=-1.5\n\n" HEAD, YOLOR_ERR_PARSE,
      "layers=-1.5", 0,
      "[route] expected a list of integers for 'layers' = '-1.5'" },
  { "route layers=0.5", NET CONV8 CONV8 "[route]\nlayers=0.5\n\n" HEAD,
      YOLOR_ERR_PARSE, "layers=0.5", 0, "'layers' = '0.5'" },
  { "route layers=-1e3", NET CONV8 CONV8 "[route]\nlayers=-1e3\n\n" HEAD,
      YOLOR_ERR_PARSE, "layers=-1e3", 0, "'layers' = '-1e3'" },
  { "route to a later layer names the value",
      NET CONV8 CONV8 "[route]\nlayers=-1, 5\n\n" HEAD, YOLOR_ERR_PARSE,
      "layers=-1, 5", 0,
      "layer 2: 'layers' = '-1, 5': 5 refers to layer 5, which is not an "
      "earlier layer" },
  { "route before layer 0 names the value",
      NET CONV8 CONV8 "[route]\nlayers=-3\n\n" HEAD, YOLOR_ERR_PARSE,
      "layers=-3", 0,
      "'layers' = '-3': -3 refers to layer -1, which does not exist" },
  { "route far out of range",
      NET CONV8 CONV8 "[route]\nlayers=-2000000000\n\n" HEAD, YOLOR_ERR_PARSE,
      "layers=-2000000000", 0, "'layers' = '-2000000000'" },
  { "shortcut from=x", NET CONV8 CONV8 "[shortcut]\nfrom=x\n\n" HEAD,
      YOLOR_ERR_PARSE, "from=x", 0,
      "[shortcut] expected a list of integers for 'from' = 'x'" },
  /* sizes beyond an int: computed in 64 bits, the error names the layer
   * and the size */
  { "implicit filters x atoms overflow an int",
      NET CONV8 "[implicit_add_2d]\nfilters=65536\natoms=65536\n\n"
                "[route]\nlayers=-2\n\n" HEAD,
      YOLOR_ERR_SHAPE, "filters=65536", 1,
      "layer 1 [implicit_add_2d]: output 65536x65536x1 (4294967296 values) "
      "is too large" },
  { "route channel sum overflows an int",
      NET CONV8 "[implicit_add_2d]\nfilters=16384\natoms=16384\n\n"
                "[route]\nlayers=-1,-1,-1,-1,-1,-1,-1,-1\n\n" HEAD,
      YOLOR_ERR_SHAPE, "layers=-1,-1,-1,-1,-1,-1,-1,-1", 1,
      "layer 2 [route]: output 131072x16384x1 (2147483648 values) is too "
      "large" },
  { "a tensor of 2^31 values (whose reorg had 2^31 channels)",
      NET CONV8 "[implicit_add_2d]\nfilters=32768\natoms=16384\n\n"
                "[upsample]\nstride=2\n\n[reorg]\n\n" HEAD,
      YOLOR_ERR_SHAPE, "[upsample]", 0,
      "layer 2 [upsample]: output 16384x65536x2 (2147483648 values) is too "
      "large (a tensor may hold at most 2147483647)" },
  { "c x h x w beyond an int",
      "[net]\nwidth=16384\nheight=16384\n\n[convolutional]\nfilters=65536\n"
      "size=1\n\n" HEAD,
      YOLOR_ERR_SHAPE, "filters=65536", 1,
      "layer 0 [convolutional]: output 65536x16384x16384 (17592186044416 "
      "values) is too large" },
  { "upsampled sides beyond an int",
      "[net]\nwidth=16384\nheight=16384\n\n[upsample]\nstride=32\n\n"
      "[upsample]\nstride=32\n\n[upsample]\nstride=32\n\n[upsample]\n"
      "stride=32\n\n" HEAD,
      YOLOR_ERR_SHAPE, "[upsample]", 0,
      "layer 0 [upsample]: output 3x524288x524288 (824633720832 values) is "
      "too large" },
  { "conv weights beyond an int",
      NET CONV8 "[implicit_add]\nfilters=65536\n\n" ROUTE8 ROUTE8 ROUTE8
                "[convolutional]\nfilters=9\nsize=3\npad=1\n\n" HEAD,
      YOLOR_ERR_SHAPE, "filters=9", 1,
      "layer 5 [convolutional]: 2717908992 weights (9 filters x 301989888 "
      "inputs) are more than a layer may have (2147483647)" },
  { "anchor positions of all heads beyond an int",
      "[net]\nwidth=16384\nheight=16384\n\n" ONE_HEAD ONE_HEAD ONE_HEAD ONE_HEAD
          ONE_HEAD ONE_HEAD ONE_HEAD ONE_HEAD ONE_HEAD,
      YOLOR_ERR_SHAPE, NULL, 0,
      "the 9 heads have 2415919104 anchor positions at 16384x16384, more "
      "than 2147483647" },
  { "Latin-1 byte in a value",
      NET "[convolutional]\nfilters=8\nsize=3\nactivation=l\xe9"
          "aky\n\n" HEAD,
      YOLOR_ERR_PARSE,
      "activation=l\xe9"
      "aky",
      0, "not valid UTF-8 text (byte 0xe9 at column 13)" },
  { "invalid UTF-8 in a comment", NET "# \xff\xfe\n" CONV8 HEAD,
      YOLOR_ERR_PARSE, "# \xff\xfe", 0, "(byte 0xff at column 3)" },
  { "overlong UTF-8 encoding of '/'",
      NET CONV8 "# a\xc0\xaf"
                "b\n" HEAD,
      YOLOR_ERR_PARSE,
      "# a\xc0\xaf"
      "b",
      0, "(byte 0xc0 at column 4)" },
  { "UTF-16 surrogate in UTF-8", NET CONV8 HEAD_CONV "# \xed\xa0\x80\n" YOLO,
      YOLOR_ERR_PARSE, "# \xed\xa0\x80", 0, "(byte 0xed at column 3)" },
  { "code point above U+10FFFF", NET "# \xf4\x90\x80\x80\n" CONV8 HEAD,
      YOLOR_ERR_PARSE, "# \xf4\x90\x80\x80", 0, "not valid UTF-8" },
  { "UTF-8 sequence cut by the line end", NET "# euro \xe2\x82\n" CONV8 HEAD,
      YOLOR_ERR_PARSE, "# euro \xe2\x82", 0, "(byte 0xe2 at column 8)" },
  { "stray continuation byte in a section name",
      NET CONV8 "[yo\x80lo]\nmask=0\n", YOLOR_ERR_PARSE, "[yo\x80lo]", 0,
      "not valid UTF-8" },
};

#define N_CFG_CASES ((int) (sizeof (cfg_cases) / sizeof (cfg_cases[0])))

/* The line the message must name. */
static int
expected_line (const cfg_case *c)
{
  int key = line_of (c->text, c->line), sec = 0, no = 1;
  const char *p = c->text;
  if (!c->at_section)
    return key;
  /* the last "[...]" line above the key */
  while (*p && no <= key) {
    if (*p == '[')
      sec = no;
    p = strchr (p, '\n');
    if (!p)
      break;
    p++;
    no++;
  }
  return sec;
}

START_TEST (test_bad_cfg)
{
  const cfg_case *c = &cfg_cases[_i];
  char path[512], where[600];
  yolor_net *net = (yolor_net *) (uintptr_t) 1;
  yolor_error err;
  yolor_status st;

  tmp_setup ();
  write_tmp ("bad.cfg", c->text, strlen (c->text), path, sizeof (path));
  memset (&err, 0, sizeof (err));
  st = yolor_net_load (path, "/nonexistent/yolor.weights", NULL, &net, &err);
  ck_assert_msg (st == c->status, "%s: status %s (%s), expected %s", c->what,
      yolor_status_str (st), err.msg, yolor_status_str (c->status));
  ck_assert_int_eq (err.code, st);
  ck_assert_msg (net == NULL, "%s: *net_out not cleared on failure", c->what);
  if (c->line) {
    int line = expected_line (c);
    ck_assert_msg (line > 0, "%s: test bug: no line '%s'", c->what, c->line);
    snprintf (where, sizeof (where), "%s:%d:", path, line);
    ck_assert_msg (strstr (err.msg, where) != NULL,
        "%s: message \"%s\" does not name %s", c->what, err.msg, where);
  } else {
    ck_assert_msg (strstr (err.msg, path) != NULL,
        "%s: message \"%s\" does not name the file %s", c->what, err.msg, path);
  }
  if (c->says)
    ck_assert_msg (strstr (err.msg, c->says) != NULL,
        "%s: message \"%s\" does not say \"%s\"", c->what, err.msg, c->says);
  /* synthetic weights must fail the same way: it is the cfg */
  st = yolor_net_load_synthetic (path, 1, NULL, &net, &err);
  ck_assert_msg (st == c->status, "%s (synthetic): status %s (%s)", c->what,
      yolor_status_str (st), err.msg);
  tmp_teardown ();
}
END_TEST

/* The template the cases above break is itself valid and runs. */
START_TEST (test_template_cfg_ok)
{
  static const char *const good[] = {
    NET CONV8 HEAD,
    NET CONV8 CONV8 "[route]\nlayers=-1,-2\n\n[shortcut]\nfrom=-3\n"
                    "activation=linear\n\n" HEAD,
    "# comment\r\n[net]\r\n  width = 32 \r\nheight=32\r\n\r\n" CONV8 HEAD,
    /* UTF-8 with a byte-order mark, text in comments in any script */
    "\xef\xbb\xbf# caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x90\x95 \xe4\xb8\xad\n" NET
        CONV8 HEAD,
  };
  for (size_t i = 0; i < sizeof (good) / sizeof (good[0]); i++) {
    char path[512];
    yolor_net *net = NULL;
    yolor_error err;
    tmp_setup ();
    write_tmp ("good.cfg", good[i], strlen (good[i]), path, sizeof (path));
    ck_assert_msg (
        yolor_net_load_synthetic (path, 3, NULL, &net, &err) == YOLOR_OK,
        "template %zu: %s", i, err.msg);
    ck_assert_int_eq (yolor_net_prepare_input (net, 32, 32, &err), YOLOR_OK);
    ck_assert_int_eq (yolor_net_forward (net, &err), YOLOR_OK);
    yolor_net_free (net);
    tmp_teardown ();
  }
}
END_TEST

START_TEST (test_binary_cfg)
{
  static const unsigned char bin[] = "[net]\nwidth=32\n\0\x01\x02\xff\xfe"
                                     "[convolutional]\n";
  char path[512];
  yolor_net *net = NULL;
  yolor_error err;
  yolor_status st;
  tmp_setup ();
  write_tmp ("binary.cfg", bin, sizeof (bin), path, sizeof (path));
  st = yolor_net_load (path, NULL, NULL, &net, &err);
  ck_assert_msg (
      st == YOLOR_ERR_PARSE, "status %s: %s", yolor_status_str (st), err.msg);
  ck_assert_msg (strstr (err.msg, path) != NULL, "message \"%s\"", err.msg);
  ck_assert (net == NULL);
  /* the weights of a real model are no cfg either */
  {
    char w[1024];
    tu_shared_path (
        w, sizeof (w), "models/yolo-fastest-1.1/yolo-fastest-1.1.weights");
    st = yolor_net_load (w, w, NULL, &net, &err);
    ck_assert_msg (st == YOLOR_ERR_PARSE, "weights as cfg: status %s: %s",
        yolor_status_str (st), err.msg);
    ck_assert (net == NULL);
  }
  tmp_teardown ();
}
END_TEST

START_TEST (test_bad_args)
{
  yolor_net *net = NULL;
  yolor_error err;
  char cfg[1024];
  yolor_options o;
  tu_shared_path (
      cfg, sizeof (cfg), "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg");
  ck_assert_int_eq (
      yolor_net_load (NULL, NULL, NULL, &net, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (
      yolor_net_load (cfg, NULL, NULL, NULL, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (yolor_net_load_synthetic (NULL, 1, NULL, &net, &err),
      YOLOR_ERR_INVALID_ARG);
  /* a missing cfg */
  ck_assert_int_eq (
      yolor_net_load ("/nonexistent/x.cfg", NULL, NULL, &net, &err),
      YOLOR_ERR_IO);
  ck_assert (strstr (err.msg, "/nonexistent/x.cfg") != NULL);
  /* a directory as cfg */
  ck_assert_int_ne (yolor_net_load ("/tmp", NULL, NULL, &net, &err), YOLOR_OK);
  ck_assert (net == NULL);
  /* embedding layer out of range */
  yolor_options_init (&o);
  o.embedding_layer = 100000;
  ck_assert_int_eq (
      yolor_net_load (cfg, NULL, &o, &net, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert (net == NULL);
  o.embedding_layer = -7;
  ck_assert_int_eq (
      yolor_net_load (cfg, NULL, &o, &net, &err), YOLOR_ERR_INVALID_ARG);
  /* errors with a NULL error record */
  ck_assert_int_eq (
      yolor_net_load ("/nonexistent/x.cfg", NULL, NULL, &net, NULL),
      YOLOR_ERR_IO);
  ck_assert_int_eq (
      yolor_net_prepare (NULL, 10, 10, NULL), YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (yolor_net_forward (NULL, NULL), YOLOR_ERR_INVALID_ARG);
  yolor_net_free (NULL);
  ck_assert (yolor_status_str ((yolor_status) 99) != NULL);
}
END_TEST

/* Directories and other files that are not regular, given as cfg or
 * weights: said so, not "9223372036854775807 bytes is too large". */
START_TEST (test_not_regular_files)
{
  char cfg[512], fifo[600], want[700];
  const char *t = NET CONV8 HEAD;
  yolor_net *net = (yolor_net *) (uintptr_t) 1;
  yolor_error err;
  yolor_status st;

  tmp_setup ();
  write_tmp ("m.cfg", t, strlen (t), cfg, sizeof (cfg));
  /* the directory as cfg */
  st = yolor_net_load (tmp_dir, NULL, NULL, &net, &err);
  ck_assert_msg (st == YOLOR_ERR_IO, "directory as cfg: status %s: %s",
      yolor_status_str (st), err.msg);
  ck_assert (net == NULL);
  snprintf (want, sizeof (want), "%s: is a directory, not a cfg file", tmp_dir);
  ck_assert_msg (
      strcmp (err.msg, want) == 0, "\"%s\", expected \"%s\"", err.msg, want);
  st = yolor_net_load_synthetic (tmp_dir, 1, NULL, &net, &err);
  ck_assert_int_eq (st, YOLOR_ERR_IO);
  ck_assert_msg (strstr (err.msg, "is a directory") != NULL, "\"%s\"", err.msg);
  /* the directory as weights */
  net = (yolor_net *) (uintptr_t) 1;
  st = yolor_net_load (cfg, tmp_dir, NULL, &net, &err);
  ck_assert_msg (st == YOLOR_ERR_IO, "directory as weights: status %s: %s",
      yolor_status_str (st), err.msg);
  ck_assert (net == NULL);
  snprintf (
      want, sizeof (want), "%s: is a directory, not a weights file", tmp_dir);
  ck_assert_msg (
      strcmp (err.msg, want) == 0, "\"%s\", expected \"%s\"", err.msg, want);
  /* a FIFO without a writer: rejected at once, not waited on */
  snprintf (fifo, sizeof (fifo), "%s/fifo.cfg", tmp_dir);
  ck_assert (mkfifo (fifo, 0600) == 0);
  st = yolor_net_load (fifo, NULL, NULL, &net, &err);
  ck_assert_int_eq (st, YOLOR_ERR_IO);
  snprintf (want, sizeof (want),
      "%s: is not a regular file (a cfg file must be one)", fifo);
  ck_assert_msg (
      strcmp (err.msg, want) == 0, "\"%s\", expected \"%s\"", err.msg, want);
  st = yolor_net_load (cfg, fifo, NULL, &net, &err);
  ck_assert_int_eq (st, YOLOR_ERR_IO);
  ck_assert_msg (
      strstr (err.msg, "not a regular file") && strstr (err.msg, fifo),
      "\"%s\"", err.msg);
  tmp_teardown ();
}
END_TEST

/* ---- weights ---- */

static char *
fastest_weights (size_t *len)
{
  char p[1024];
  char *w =
      tu_read_file (tu_shared_path (p, sizeof (p),
                        "models/yolo-fastest-1.1/yolo-fastest-1.1.weights"),
          len);
  ck_assert_msg (w != NULL, "cannot read %s", p);
  return w;
}

typedef struct
{
  const char *what;
  long delta; /* bytes added to the real size; */
  int half; /* or 1: half the file; 2: header only */
} size_case;

static const size_case size_cases[] = {
  { "truncated by 1 byte", -1, 0 },
  { "truncated by 4 bytes", -4, 0 },
  { "truncated to half", 0, 1 },
  { "oversized by 4 bytes", 4, 0 },
  { "oversized by 1 byte", 1, 0 },
  { "header only", 0, 2 },
};

START_TEST (test_weights_size)
{
  const size_case *c = &size_cases[_i];
  size_t len, n;
  char *w = fastest_weights (&len);
  char cfg[1024], path[512];
  char *buf;
  yolor_net *net = NULL;
  yolor_error err;
  yolor_status st;

  n = c->half == 1   ? len / 2
      : c->half == 2 ? 20
                     : (size_t) ((long) len + c->delta);
  buf = calloc (n > len ? n : len, 1);
  memcpy (buf, w, len);
  tmp_setup ();
  write_tmp ("w.weights", buf, n, path, sizeof (path));
  tu_shared_path (
      cfg, sizeof (cfg), "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg");
  st = yolor_net_load (cfg, path, NULL, &net, &err);
  ck_assert_msg (st == YOLOR_ERR_IO, "%s (%zu of %zu bytes): status %s: %s",
      c->what, n, len, yolor_status_str (st), err.msg);
  ck_assert (net == NULL);
  ck_assert_msg (strstr (err.msg, path) != NULL,
      "%s: \"%s\" does not name "
      "the file",
      c->what, err.msg);
  ck_assert_msg (has_number (err.msg, (long long) len)
          && has_number (err.msg, (long long) n),
      "%s: \"%s\" does not state "
      "the expected (%zu) and found (%zu) byte counts",
      c->what, err.msg, len, n);
  tmp_teardown ();
  free (buf);
  free (w);
}
END_TEST

/* The YOLOR model's file truncated: both expected sizes are stated. */
START_TEST (test_weights_size_yolor)
{
  char p[1024], cfg[1024], path[512];
  size_t len;
  char *w = tu_read_file (tu_shared_path (p, sizeof (p),
                              "reference/yolor_csp_narrow_320/model.weights"),
      &len);
  yolor_net *net = NULL;
  yolor_error err;
  yolor_status st;
  ck_assert (w != NULL);
  tmp_setup ();
  write_tmp ("w.weights", w, len - 1, path, sizeof (path));
  tu_shared_path (cfg, sizeof (cfg),
      "reference/yolor_csp_narrow_320/"
      "model.cfg");
  st = yolor_net_load (cfg, path, NULL, &net, &err);
  ck_assert_msg (
      st == YOLOR_ERR_IO, "status %s: %s", yolor_status_str (st), err.msg);
  ck_assert_msg (has_number (err.msg, (long long) len)
          && has_number (err.msg, (long long) len - 4 * 989)
          && has_number (err.msg, (long long) len - 1),
      "\"%s\" must state "
      "%zu, %zu (without the trailer) and %zu found",
      err.msg, len, len - 4 * 989, len - 1);
  tmp_teardown ();
  free (w);
}
END_TEST

START_TEST (test_weights_missing)
{
  char cfg[1024];
  yolor_net *net = NULL;
  yolor_error err;
  tu_shared_path (
      cfg, sizeof (cfg), "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg");
  ck_assert_int_eq (
      yolor_net_load (cfg, "/nonexistent/dir/m.weights", NULL, &net, &err),
      YOLOR_ERR_IO);
  ck_assert_msg (strstr (err.msg, "/nonexistent/dir/m.weights") != NULL,
      "\"%s\"", err.msg);
  ck_assert (net == NULL);
  /* a cfg whose default .weights does not exist */
  tmp_setup ();
  {
    char path[512], wp[512];
    const char *t = NET CONV8 HEAD;
    write_tmp ("lonely.cfg", t, strlen (t), path, sizeof (path));
    snprintf (wp, sizeof (wp), "%s/lonely.weights", tmp_dir);
    ck_assert_int_eq (
        yolor_net_load (path, NULL, NULL, &net, &err), YOLOR_ERR_IO);
    ck_assert_msg (
        strstr (err.msg, wp) != NULL, "\"%s\" does not name %s", err.msg, wp);
    /* an empty weights file */
    write_tmp ("lonely.weights", "", 0, wp, sizeof (wp));
    ck_assert_int_eq (
        yolor_net_load (path, NULL, NULL, &net, &err), YOLOR_ERR_IO);
  }
  tmp_teardown ();
}
END_TEST

static void
put_le32 (char *p, int32_t v)
{
  uint32_t u = (uint32_t) v;
  p[0] = (char) (u & 0xff);
  p[1] = (char) ((u >> 8) & 0xff);
  p[2] = (char) ((u >> 16) & 0xff);
  p[3] = (char) ((u >> 24) & 0xff);
}

START_TEST (test_weights_version)
{
  static const int32_t versions[][2] = { { 1000, 2 }, { -1, 2 }, { 0, 1000 },
    { 0, -5 }, { 0x7fffffff, 0 } };
  size_t len;
  char *w = fastest_weights (&len);
  char cfg[1024], path[512];
  yolor_net *net = NULL;
  yolor_error err;
  tu_shared_path (
      cfg, sizeof (cfg), "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg");
  tmp_setup ();
  for (size_t i = 0; i < sizeof (versions) / sizeof (versions[0]); i++) {
    yolor_status st;
    put_le32 (w, versions[i][0]);
    put_le32 (w + 4, versions[i][1]);
    write_tmp ("v.weights", w, len, path, sizeof (path));
    st = yolor_net_load (cfg, path, NULL, &net, &err);
    ck_assert_msg (st == YOLOR_ERR_UNSUPPORTED,
        "version %d.%d: status %s: "
        "%s",
        versions[i][0], versions[i][1], yolor_status_str (st), err.msg);
    ck_assert (net == NULL);
    ck_assert_msg (
        has_number (err.msg, versions[i][0]) && strstr (err.msg, path),
        "version %d.%d: \"%s\"", versions[i][0], versions[i][1], err.msg);
  }
  tmp_teardown ();
  free (w);
}
END_TEST

/* Header 0.1: "seen" is 32-bit, so the header is 16 bytes. The same
 * parameters must give the same heads. */
START_TEST (test_weights_old_header)
{
  size_t len;
  char *w = fastest_weights (&len);
  char *old = malloc (len - 4);
  char cfg[1024], path[512];
  yolor_net *a = NULL, *b = NULL;
  yolor_error err;
  float *in;
  size_t n;
  memcpy (old, w, 16);
  put_le32 (old, 0);
  put_le32 (old + 4, 1);
  memcpy (old + 16, w + 20, len - 20);
  tmp_setup ();
  write_tmp ("old.weights", old, len - 4, path, sizeof (path));
  tu_shared_path (
      cfg, sizeof (cfg), "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg");
  ck_assert_msg (
      yolor_net_load (cfg, path, NULL, &a, &err) == YOLOR_OK, "%s", err.msg);
  ck_assert_msg (
      yolor_net_load (cfg, NULL, NULL, &b, &err) == YOLOR_OK, "%s", err.msg);
  ck_assert_int_eq (yolor_net_prepare_input (a, 320, 320, &err), YOLOR_OK);
  ck_assert_int_eq (yolor_net_prepare_input (b, 320, 320, &err), YOLOR_OK);
  n = (size_t) 3 * 320 * 320;
  in = malloc (n * sizeof (float));
  tu_fill_random (in, n, 5, 0.0f, 1.0f);
  memcpy (yolor_net_input (a), in, n * sizeof (float));
  memcpy (yolor_net_input (b), in, n * sizeof (float));
  ck_assert_int_eq (yolor_net_forward (a, &err), YOLOR_OK);
  ck_assert_int_eq (yolor_net_forward (b, &err), YOLOR_OK);
  for (int k = 0; k < yolor_net_n_heads (a); k++) {
    int c, h, wd;
    const float *ha = yolor_net_head (a, k, &c, &h, &wd);
    const float *hb = yolor_net_head (b, k, NULL, NULL, NULL);
    ck_assert_msg (memcmp (ha, hb, sizeof (float) * (size_t) c * h * wd) == 0,
        "head %d differs between header 0.1 and 0.2", k);
  }
  yolor_net_free (a);
  yolor_net_free (b);
  free (in);
  free (old);
  free (w);
  tmp_teardown ();
}
END_TEST

/* A negative (or NaN) batch-norm variance is corrupt data, not a model. */
START_TEST (test_weights_corrupt_variance)
{
  size_t len;
  char *w = fastest_weights (&len);
  char cfg[1024], path[512];
  yolor_net *net = NULL;
  yolor_error err;
  yolor_status st;
  /* layer 0: BN, 8 filters: beta, gamma, mean, var[0] at 20 + 4·24 */
  float bad[2] = { -1.0f, NAN };
  tu_shared_path (
      cfg, sizeof (cfg), "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg");
  tmp_setup ();
  for (int i = 0; i < 2; i++) {
    memcpy (w + 20 + 4 * 24, &bad[i], 4);
    write_tmp ("c.weights", w, len, path, sizeof (path));
    st = yolor_net_load (cfg, path, NULL, &net, &err);
    ck_assert_msg (st == YOLOR_ERR_IO, "variance %g: status %s: %s",
        (double) bad[i], yolor_status_str (st), err.msg);
    ck_assert (net == NULL);
  }
  tmp_teardown ();
  free (w);
}
END_TEST

typedef struct
{
  int n_warnings;
  int trailer_warning;
  char last[512];
} log_record;

static void
record_log (void *user_data, yolor_log_level level, const char *msg)
{
  log_record *r = user_data;
  if (level == YOLOR_LOG_WARNING) {
    r->n_warnings++;
    if (strstr (msg, "trailer"))
      r->trailer_warning = 1;
    snprintf (r->last, sizeof (r->last), "%s", msg);
  }
}

/* The official .weights export drops the implicit parameters: such a file
 * loads, with a warning that names the missing trailer. */
START_TEST (test_weights_no_trailer)
{
  char p[1024], cfg[1024], path[512];
  size_t len;
  char *w = tu_read_file (tu_shared_path (p, sizeof (p),
                              "reference/yolor_csp_narrow_320/model.weights"),
      &len);
  yolor_options o;
  yolor_net *net = NULL;
  yolor_error err;
  log_record rec = { 0, 0, "" };
  ck_assert (w != NULL);
  ck_assert_uint_eq (len, 3578588);
  tmp_setup ();
  write_tmp ("notrailer.weights", w, len - 4 * 989, path, sizeof (path));
  tu_shared_path (
      cfg, sizeof (cfg), "reference/yolor_csp_narrow_320/model.cfg");
  yolor_options_init (&o);
  o.log = record_log;
  o.log_user_data = &rec;
  o.input_width = o.input_height = 320;
  ck_assert_msg (
      yolor_net_load (cfg, path, &o, &net, &err) == YOLOR_OK, "%s", err.msg);
  ck_assert_msg (rec.trailer_warning,
      "no warning about the trailer (%d "
      "warnings, last \"%s\")",
      rec.n_warnings, rec.last);
  ck_assert_msg (
      yolor_net_prepare_input (net, 320, 320, &err) == YOLOR_OK, "%s", err.msg);
  ck_assert_int_eq (yolor_net_forward (net, &err), YOLOR_OK);
  yolor_net_free (net);
  /* with the trailer: no warning */
  rec.n_warnings = rec.trailer_warning = 0;
  ck_assert_int_eq (yolor_net_load (cfg, p, &o, &net, &err), YOLOR_OK);
  ck_assert_int_eq (rec.n_warnings, 0);
  yolor_net_free (net);
  tmp_teardown ();
  free (w);
}
END_TEST

/* ---- non-finite and absurd weights ---- */

enum
{
  P_BIAS = 0, /* bias, or BN beta */
  P_GAMMA,
  P_MEAN,
  P_VAR,
  P_WEIGHTS
};

/* Offset in floats after the 20-byte header of array @which of conv layer
 * @layer, in the .weights order, for the layer shapes of @net. */
static long
param_offset (const yolor_net *net, int layer, int which)
{
  long off = 0;
  for (int i = 0; i < net->n_layers; i++) {
    const yolor_layer *l = &net->layers[i];
    long f, nw;
    if (l->ops->kind != YOLOR_LAYER_CONV)
      continue;
    f = l->conv.filters;
    nw = f * (l->conv.c_in / l->conv.groups) * l->conv.size * l->conv.size;
    if (i == layer) {
      if (which == P_WEIGHTS)
        return off + (l->conv.bn ? 4 : 1) * f;
      ck_assert (which == P_BIAS || l->conv.bn);
      return off + which * f;
    }
    off += (l->conv.bn ? 4 : 1) * f + nw;
  }
  ck_abort_msg ("layer %d is not a convolution", layer);
  return -1;
}

/* The layer shapes of @cfg (a synthetic load). Transferred. */
static yolor_net *
shapes_of (const char *cfg)
{
  yolor_net *net = NULL;
  yolor_error err;
  yolor_options o;
  yolor_options_init (&o);
  o.fold = 0;
  ck_assert_msg (yolor_net_load_synthetic (cfg, 1, &o, &net, &err) == YOLOR_OK,
      "%s", err.msg);
  return net;
}

/* The last convolution before [yolo] head @k. */
static int
head_conv (const yolor_net *net, int k)
{
  int y = net->model->heads[k];
  ck_assert (net->layers[y - 1].ops->kind == YOLOR_LAYER_CONV);
  return y - 1;
}

static void
put_f32 (char *w, long float_off, float v)
{
  memcpy (w + 20 + 4 * float_off, &v, 4);
}

/* A NaN or infinite parameter is a load error naming the layer, its cfg
 * line and which value. */
START_TEST (test_weights_non_finite)
{
  size_t len;
  char *w = fastest_weights (&len);
  char cfg[1024], path[512], where[2200];
  yolor_net *shape, *net = NULL;
  yolor_error err;
  int head;
  struct
  {
    int layer; /* -1: the first head's conv */
    int which;
    long index;
    float value;
    const char *says;
  } cases[] = {
    { 0, P_WEIGHTS, 0, NAN, "weight 0 is nan" },
    { 0, P_BIAS, 3, INFINITY, "bias 3 is inf" },
    { 0, P_GAMMA, 7, -INFINITY, "batch-norm scale 7 is -inf" },
    { 0, P_MEAN, 1, NAN, "batch-norm mean 1 is nan" },
    { 0, P_VAR, 0, INFINITY, "batch-norm variance 0 is inf" },
    { 0, P_VAR, 2, -1.0f, "batch-norm variance 2 is negative (-1)" },
    { -1, P_WEIGHTS, 100, NAN, "weight 100 is nan" },
    { -1, P_BIAS, 17, -NAN, "bias 17 is" },
  };

  tu_shared_path (
      cfg, sizeof (cfg), "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg");
  shape = shapes_of (cfg);
  head = head_conv (shape, 0);
  tmp_setup ();
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++) {
    int layer = cases[i].layer < 0 ? head : cases[i].layer;
    long off = param_offset (shape, layer, cases[i].which) + cases[i].index;
    char *bad = malloc (len);
    yolor_status st;
    memcpy (bad, w, len);
    put_f32 (bad, off, cases[i].value);
    write_tmp ("nf.weights", bad, len, path, sizeof (path));
    free (bad);
    net = (yolor_net *) (uintptr_t) 1;
    st = yolor_net_load (cfg, path, NULL, &net, &err);
    ck_assert_msg (st == YOLOR_ERR_IO, "case %zu: status %s: %s", i,
        yolor_status_str (st), err.msg);
    ck_assert (net == NULL);
    snprintf (where, sizeof (where),
        "%s: layer %d [convolutional] (%s:%d): ", path, layer, cfg,
        shape->layers[layer].line);
    ck_assert_msg (strstr (err.msg, where) && strstr (err.msg, cases[i].says)
            && strstr (err.msg, "corrupt"),
        "case %zu: \"%s\" does not say \"%s...%s\"", i, err.msg, where,
        cases[i].says);
  }
  yolor_net_free (shape);
  tmp_teardown ();
  free (w);
}
END_TEST

/* The implicit trailer of a YOLOR model is checked too. */
START_TEST (test_weights_non_finite_implicit)
{
  char p[1024], cfg[1024], path[512], want[2600];
  size_t len;
  char *w = tu_read_file (tu_shared_path (p, sizeof (p),
                              "reference/yolor_csp_narrow_320/model.weights"),
      &len);
  yolor_net *shape, *net = NULL;
  yolor_error err;
  yolor_status st;
  int last = -1;
  float inf = INFINITY;
  ck_assert (w != NULL);
  tu_shared_path (
      cfg, sizeof (cfg), "reference/yolor_csp_narrow_320/model.cfg");
  shape = shapes_of (cfg);
  for (int i = 0; i < shape->n_layers; i++)
    if (shape->layers[i].ops->kind == YOLOR_LAYER_IMPLICIT)
      last = i;
  ck_assert (last >= 0);
  /* the last float of the file: the last implicit layer's last value */
  memcpy (w + len - 4, &inf, 4);
  tmp_setup ();
  write_tmp ("i.weights", w, len, path, sizeof (path));
  st = yolor_net_load (cfg, path, NULL, &net, &err);
  ck_assert_msg (
      st == YOLOR_ERR_IO, "status %s: %s", yolor_status_str (st), err.msg);
  snprintf (want, sizeof (want),
      "%s: layer %d [%s] (%s:%d): implicit value %d is inf: the weights are "
      "corrupt",
      path, last, shape->layers[last].ops->name, cfg, shape->layers[last].line,
      shape->layers[last].c - 1);
  ck_assert_msg (
      strcmp (err.msg, want) == 0, "\"%s\", expected \"%s\"", err.msg, want);
  yolor_net_free (shape);
  tmp_teardown ();
  free (w);
}
END_TEST

/* Every detection, embedding and class score of @net on @img is finite and
 * inside the frame. Returns the number of detections. */
static size_t
check_finite_detect (yolor_net *net, const yolor_image *img,
    const yolor_post_params *post, const char *what)
{
  static yolor_detection d[2000];
  yolor_error err;
  size_t n = 0;
  int dim;
  const float *emb, *cs;
  ck_assert_msg (
      yolor_net_detect (net, img, post, d, 2000, &n, &err) == YOLOR_OK,
      "%s: %s", what, err.msg);
  for (size_t k = 0; k < n; k++) {
    TU_CHECK (isfinite (d[k].x1) && isfinite (d[k].y1) && isfinite (d[k].x2)
            && isfinite (d[k].y2) && isfinite (d[k].confidence)
            && isfinite (d[k].objectness),
        "%s: detection %zu is not finite: %g %g %g %g conf %g obj %g", what, k,
        d[k].x1, d[k].y1, d[k].x2, d[k].y2, d[k].confidence, d[k].objectness);
    TU_CHECK (d[k].x1 >= 0 && d[k].y1 >= 0 && d[k].x2 <= img->width
            && d[k].y2 <= img->height && d[k].x1 <= d[k].x2
            && d[k].y1 <= d[k].y2,
        "%s: detection %zu (%g %g %g %g) is not inside the %dx%d frame", what,
        k, d[k].x1, d[k].y1, d[k].x2, d[k].y2, img->width, img->height);
    TU_CHECK (d[k].confidence >= 0 && d[k].confidence <= 1
            && d[k].objectness >= 0 && d[k].objectness <= 1,
        "%s: detection %zu: confidence %g, objectness %g outside [0, 1]", what,
        k, d[k].confidence, d[k].objectness);
  }
  emb = yolor_net_embeddings (net, &dim);
  ck_assert_uint_eq (yolor_net_n_embeddings (net),
      n < YOLOR_MAX_EMBEDDINGS ? n : YOLOR_MAX_EMBEDDINGS);
  for (size_t k = 0; k < yolor_net_n_embeddings (net); k++)
    for (int c = 0; c < dim; c++)
      TU_CHECK (isfinite (emb[k * dim + c]), "%s: embedding %zu[%d] is %g",
          what, k, c, emb[k * dim + c]);
  cs = yolor_net_class_scores (net);
  for (int c = 0; c < yolor_net_n_classes (net); c++)
    TU_CHECK (
        cs[c] >= 0 && cs[c] <= 1, "%s: class score %d is %g", what, c, cs[c]);
  return n;
}

/* Huge but finite weights load; detect still gives only finite boxes
 * clamped to the frame (darknet decode: exp() of 1e30 is infinite). */
START_TEST (test_weights_absurd_finite)
{
  size_t len;
  char *w = fastest_weights (&len);
  char cfg[1024], path[512], img_path[1024];
  yolor_net *shape;
  int iw, ih;
  unsigned char *px = tu_load_rgb (
      tu_shared_path (img_path, sizeof (img_path), "images/dog.jpg"), &iw, &ih);
  yolor_image img = { YOLOR_PIXFMT_RGB, iw, ih, { px }, { 3 * iw }, 0 };
  /* per channel of each anchor (x, y, w, h, obj, classes...) */
  static const struct
  {
    const char *what;
    float xy, wh, obj, cls;
    int fold;
  } cases[] = {
    { "every head channel +1e30", 1e30f, 1e30f, 1e30f, 1e30f, 1 },
    { "obj and classes +1e30", 0, 0, 1e30f, 1e30f, 1 },
    { "w, h +1e30, obj +1e30", 0, 1e30f, 1e30f, 0, 1 },
    { "w, h -1e30, obj +1e30", 0, -1e30f, 1e30f, 1e30f, 1 },
    { "x, y -3e38, obj +3e38", -3e38f, 0, 3e38f, 3e38f, 1 },
    { "everything +1e30 without folding", 1e30f, 1e30f, 1e30f, 1e30f, 0 },
  };
  ck_assert (px != NULL);
  tu_shared_path (
      cfg, sizeof (cfg), "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg");
  shape = shapes_of (cfg);
  tmp_setup ();
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++) {
    char *bad = malloc (len);
    yolor_net *net = NULL;
    yolor_error err;
    yolor_options o;
    yolor_post_params post;
    size_t n;
    memcpy (bad, w, len);
    for (int k = 0; k < shape->model->n_heads; k++) {
      const yolor_layer *y = &shape->layers[shape->model->heads[k]];
      int hc = head_conv (shape, k), no = 5 + y->yolo.classes;
      long off = param_offset (shape, hc, P_BIAS);
      for (int a = 0; a < y->yolo.n_mask; a++)
        for (int ch = 0; ch < no; ch++) {
          float v = ch < 2 ? cases[i].xy
              : ch < 4     ? cases[i].wh
              : ch == 4    ? cases[i].obj
                           : cases[i].cls;
          if (v != 0)
            put_f32 (bad, off + a * no + ch, v);
        }
    }
    write_tmp ("absurd.weights", bad, len, path, sizeof (path));
    free (bad);
    yolor_options_init (&o);
    o.n_threads = 2;
    o.fold = cases[i].fold;
    ck_assert_msg (yolor_net_load (cfg, path, &o, &net, &err) == YOLOR_OK,
        "%s: %s", cases[i].what, err.msg);
    ck_assert_int_eq (yolor_net_prepare (net, iw, ih, &err), YOLOR_OK);
    yolor_net_default_post (net, &post);
    post.max_detections = 2000;
    n = check_finite_detect (net, &img, &post, cases[i].what);
    if (cases[i].obj > 0 && cases[i].wh <= 0 && cases[i].xy >= 0)
      ck_assert_msg (n > 0, "%s: no detections at all", cases[i].what);
    yolor_net_free (net);
  }
  yolor_net_free (shape);
  tmp_teardown ();
  tu_free_image (px);
  free (w);
}
END_TEST

/* BN values that overflow only once folded: a load error naming the
 * layer; without folding the net loads and detect stays finite. */
START_TEST (test_weights_fold_overflow)
{
  size_t len;
  char *w = fastest_weights (&len);
  char cfg[1024], path[512], where[2200];
  yolor_net *shape, *net = NULL;
  yolor_error err;
  yolor_options o;
  yolor_status st;
  const int W = 64, H = 48;
  uint8_t *px = malloc ((size_t) W * H * 3);
  yolor_image img = { YOLOR_PIXFMT_RGB, W, H, { px }, { 3 * W }, 0 };
  yolor_post_params post;
  for (int i = 0; i < W * H * 3; i++)
    px[i] = (uint8_t) (i * 7);
  tu_shared_path (
      cfg, sizeof (cfg), "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg");
  shape = shapes_of (cfg);
  /* gamma 3e38 with variance 1e-30: a scale of ~1e41 */
  for (int f = 0; f < shape->layers[0].conv.filters; f++) {
    put_f32 (w, param_offset (shape, 0, P_GAMMA) + f, 3e38f);
    put_f32 (w, param_offset (shape, 0, P_VAR) + f, 1e-30f);
  }
  tmp_setup ();
  write_tmp ("fold.weights", w, len, path, sizeof (path));
  st = yolor_net_load (cfg, path, NULL, &net, &err);
  ck_assert_msg (
      st == YOLOR_ERR_IO, "status %s: %s", yolor_status_str (st), err.msg);
  ck_assert (net == NULL);
  snprintf (where, sizeof (where), "%s:%d: layer 0 [convolutional]: ", cfg,
      shape->layers[0].line);
  ck_assert_msg (strstr (err.msg, where) && strstr (err.msg, "overflows"),
      "\"%s\" does not say \"%s... overflows\"", err.msg, where);
  yolor_options_init (&o);
  o.fold = 0;
  o.n_threads = 2;
  ck_assert_msg (
      yolor_net_load (cfg, path, &o, &net, &err) == YOLOR_OK, "%s", err.msg);
  ck_assert_int_eq (yolor_net_prepare (net, W, H, &err), YOLOR_OK);
  yolor_net_default_post (net, &post);
  post.conf_threshold = 0.0f;
  post.max_detections = 2000;
  check_finite_detect (net, &img, &post, "gamma 3e38 unfolded");
  yolor_net_free (net);
  yolor_net_free (shape);
  tmp_teardown ();
  free (px);
  free (w);
}
END_TEST

/* darknet new_coords heads use the raw values as probabilities and box
 * scales: with a linear head conv and huge biases, scores used to reach
 * infinity and boxes NaN. */
START_TEST (test_new_coords_absurd)
{
  static const char text[] = NET CONV8
      "[convolutional]\nfilters=18\nsize=1\nstride=1\nactivation=linear\n\n"
      "[yolo]\nmask=0,1,2\nanchors=10,14, 23,27, 37,58\nclasses=1\nnum=3\n"
      "new_coords=1\nscale_x_y=2\n";
  static const float biases[][4] = { /* xy, wh, obj, cls */
    { 0, 0, 1e30f, 1e30f }, { 3e38f, 3e38f, 3e38f, 3e38f },
    { -3e38f, 1e20f, 1e30f, 1e30f }, { 1e30f, 0, -1e30f, 1e30f },
    { NAN, 0, 0, 0 }
  };
  char cfg[512], path[512];
  yolor_net *shape;
  const int W = 40, H = 30;
  uint8_t px[40 * 30 * 3];
  yolor_image img = { YOLOR_PIXFMT_RGB, W, H, { px }, { 3 * W }, 0 };
  long n_floats;
  float *wf;
  char *file;
  for (size_t i = 0; i < sizeof (px); i++)
    px[i] = (uint8_t) (i * 13);
  tmp_setup ();
  write_tmp ("nc.cfg", text, strlen (text), cfg, sizeof (cfg));
  shape = shapes_of (cfg);
  n_floats = (long) yolor_weights_conv_floats (shape->model);
  file = calloc (20 + 4 * (size_t) n_floats, 1);
  put_le32 (file, 0);
  put_le32 (file + 4, 2);
  wf = malloc (sizeof (float) * (size_t) n_floats);
  for (size_t c = 0; c < sizeof (biases) / sizeof (biases[0]); c++) {
    yolor_net *net = NULL;
    yolor_error err;
    yolor_post_params post;
    yolor_status st;
    char what[64];
    size_t n;
    long b = param_offset (shape, 1, P_BIAS);
    tu_fill_random (wf, (size_t) n_floats, 3, -0.1f, 0.1f);
    for (int f = 0; f < 8; f++) {
      wf[param_offset (shape, 0, P_GAMMA) + f] = 1.0f;
      wf[param_offset (shape, 0, P_VAR) + f] = 1.0f;
    }
    for (int a = 0; a < 3; a++)
      for (int ch = 0; ch < 6; ch++)
        wf[b + a * 6 + ch] = biases[c][ch < 2 ? 0
                : ch < 4                      ? 1
                : ch == 4                     ? 2
                                              : 3];
    memcpy (file + 20, wf, sizeof (float) * (size_t) n_floats);
    write_tmp (
        "nc.weights", file, 20 + 4 * (size_t) n_floats, path, sizeof (path));
    snprintf (what, sizeof (what), "new_coords bias case %zu", c);
    st = yolor_net_load (cfg, path, NULL, &net, &err);
    if (isnan (biases[c][0])) {
      ck_assert_msg (st == YOLOR_ERR_IO && strstr (err.msg, "bias 0 is nan"),
          "%s: status %s: %s", what, yolor_status_str (st), err.msg);
      continue;
    }
    ck_assert_msg (st == YOLOR_OK, "%s: %s", what, err.msg);
    ck_assert_int_eq (yolor_net_prepare (net, W, H, &err), YOLOR_OK);
    yolor_net_default_post (net, &post);
    post.max_detections = 2000;
    n = check_finite_detect (net, &img, &post, what);
    if (c == 0)
      ck_assert_msg (n > 0, "%s: no detections", what);
    yolor_net_free (net);
  }
  free (wf);
  free (file);
  yolor_net_free (shape);
  tmp_teardown ();
}
END_TEST

/* ---- embeddings beyond YOLOR_MAX_EMBEDDINGS ---- */

/* More detections than embedding rows: yolor_net_n_embeddings () says how
 * many rows there are, and they are the first detections' rows. */
START_TEST (test_embeddings_at_the_maximum)
{
  enum
  {
    CAP = 1500
  };
  static yolor_detection d[CAP];
  char cfg[1024];
  yolor_net *net = NULL;
  yolor_error err;
  yolor_options o;
  yolor_post_params post;
  const int W = 320, H = 320;
  uint8_t *px = malloc ((size_t) W * H * 3);
  yolor_image img = { YOLOR_PIXFMT_RGB, W, H, { px }, { 3 * W }, 0 };
  yolor_image bad = img;
  size_t n = 0, n1 = 0;
  int dim = 0;
  float *first;
  const float *emb;
  for (int i = 0; i < W * H * 3; i++)
    px[i] = (uint8_t) ((i * 31) ^ (i >> 7));
  tu_shared_path (
      cfg, sizeof (cfg), "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg");
  yolor_options_init (&o);
  o.n_threads = 2;
  ck_assert_msg (yolor_net_load_synthetic (cfg, 7, &o, &net, &err) == YOLOR_OK,
      "%s", err.msg);
  ck_assert_int_eq (yolor_net_prepare (net, W, H, &err), YOLOR_OK);
  ck_assert_uint_eq (yolor_net_n_embeddings (net), 0);
  /* one box per anchor position, none suppressed: 3 x (10² + 20²) */
  yolor_net_default_post (net, &post);
  post.conf_threshold = 0.0f;
  post.iou_threshold = 1.0f;
  post.multi_label = 0;
  post.max_detections = CAP;
  ck_assert_msg (
      yolor_net_detect (net, &img, &post, d, CAP, &n, &err) == YOLOR_OK, "%s",
      err.msg);
  ck_assert_uint_eq (n, CAP);
  ck_assert_uint_eq (yolor_net_n_embeddings (net), YOLOR_MAX_EMBEDDINGS);
  emb = yolor_net_embeddings (net, &dim);
  ck_assert (emb != NULL && dim > 0);
  for (int r = 0; r < YOLOR_MAX_EMBEDDINGS; r++) {
    double sq = 0.0;
    for (int c = 0; c < dim; c++)
      sq += (double) emb[(size_t) r * dim + c] * emb[(size_t) r * dim + c];
    TU_CHECK (fabs (sq - 1.0) < 1e-3 || sq == 0.0, "row %d: |v|² = %g", r, sq);
  }
  first = malloc (sizeof (float) * YOLOR_MAX_EMBEDDINGS * (size_t) dim);
  memcpy (first, emb, sizeof (float) * YOLOR_MAX_EMBEDDINGS * (size_t) dim);
  /* asking for exactly the maximum gives the same rows */
  post.max_detections = YOLOR_MAX_EMBEDDINGS;
  ck_assert_int_eq (
      yolor_net_detect (net, &img, &post, d, CAP, &n1, &err), YOLOR_OK);
  ck_assert_uint_eq (n1, YOLOR_MAX_EMBEDDINGS);
  ck_assert_uint_eq (yolor_net_n_embeddings (net), YOLOR_MAX_EMBEDDINGS);
  ck_assert (memcmp (first, yolor_net_embeddings (net, NULL),
                 sizeof (float) * YOLOR_MAX_EMBEDDINGS * (size_t) dim)
      == 0);
  /* fewer detections: one row each */
  post.max_detections = 10;
  ck_assert_int_eq (
      yolor_net_detect (net, &img, &post, d, CAP, &n1, &err), YOLOR_OK);
  ck_assert_uint_eq (n1, 10);
  ck_assert_uint_eq (yolor_net_n_embeddings (net), 10);
  /* a failed detect leaves none */
  bad.width = W - 1;
  ck_assert_int_eq (
      yolor_net_detect (net, &bad, &post, d, CAP, &n1, &err), YOLOR_ERR_SHAPE);
  ck_assert_uint_eq (yolor_net_n_embeddings (net), 0);
  ck_assert_uint_eq (yolor_net_n_embeddings (NULL), 0);
  free (first);
  free (px);
  yolor_net_free (net);
}
END_TEST

/* ---- prepare / detect ---- */

static yolor_net *
load_fastest (void)
{
  char cfg[1024];
  yolor_net *net = NULL;
  yolor_error err;
  yolor_options o;
  yolor_options_init (&o);
  o.n_threads = 2;
  tu_shared_path (
      cfg, sizeof (cfg), "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg");
  ck_assert_msg (
      yolor_net_load (cfg, NULL, &o, &net, &err) == YOLOR_OK, "%s", err.msg);
  return net;
}

START_TEST (test_prepare_bad_sizes)
{
  static const int sizes[][2] = { { 0, 0 }, { -1, 5 }, { 5, -1 }, { 70000, 10 },
    { 10, 70000 }, { 0, 10 }, { -2147483647 - 1, 1 },
    { 2147483647, 2147483647 } };
  yolor_net *net = load_fastest ();
  yolor_error err;
  for (size_t i = 0; i < sizeof (sizes) / sizeof (sizes[0]); i++) {
    yolor_status st = yolor_net_prepare (net, sizes[i][0], sizes[i][1], &err);
    ck_assert_msg (st == YOLOR_ERR_INVALID_ARG,
        "prepare %dx%d: status %s "
        "(%s)",
        sizes[i][0], sizes[i][1], yolor_status_str (st), err.msg);
    ck_assert_msg (err.msg[0] != '\0', "prepare %dx%d: empty message",
        sizes[i][0], sizes[i][1]);
  }
  /* still usable */
  ck_assert_int_eq (yolor_net_prepare (net, 64, 48, &err), YOLOR_OK);
  yolor_net_free (net);
}
END_TEST

START_TEST (test_detect_bad_calls)
{
  yolor_net *net = load_fastest ();
  yolor_error err;
  const int W = 64, H = 48;
  uint8_t *px = calloc ((size_t) W * H * 4, 1);
  yolor_image img = { YOLOR_PIXFMT_RGB, W, H, { px }, { 3 * W }, 0 };
  yolor_image bad;
  yolor_detection d[16];
  yolor_post_params post;
  size_t n = 77;
  yolor_status st;

  /* before prepare */
  st = yolor_net_detect (net, &img, NULL, d, 16, &n, &err);
  ck_assert_msg (st == YOLOR_ERR_INVALID_ARG, "detect before prepare: %s",
      yolor_status_str (st));
  ck_assert_uint_eq (n, 0);
  ck_assert_int_eq (yolor_net_forward (net, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert (yolor_net_head (net, 0, NULL, NULL, NULL) == NULL);
  /* after prepare_input only: no frame size to map back to */
  ck_assert_int_eq (yolor_net_prepare_input (net, 320, 320, &err), YOLOR_OK);
  ck_assert_int_eq (yolor_net_detect (net, &img, NULL, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);

  ck_assert_int_eq (yolor_net_prepare (net, W, H, &err), YOLOR_OK);
  ck_assert_msg (
      yolor_net_detect (net, &img, NULL, d, 16, &n, &err) == YOLOR_OK, "%s",
      err.msg);

  /* a frame of another size */
  bad = img;
  bad.width = W - 2;
  st = yolor_net_detect (net, &bad, NULL, d, 16, &n, &err);
  ck_assert_msg (st == YOLOR_ERR_SHAPE, "other width: %s (%s)",
      yolor_status_str (st), err.msg);
  ck_assert_msg (has_number (err.msg, W - 2) && has_number (err.msg, W),
      "\"%s\"", err.msg);
  bad = img;
  bad.height = H + 2;
  ck_assert_int_eq (
      yolor_net_detect (net, &bad, NULL, d, 16, &n, &err), YOLOR_ERR_SHAPE);

  /* NULL image, NULL plane, short stride, bad format */
  ck_assert_int_eq (yolor_net_detect (net, NULL, NULL, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);
  bad = img;
  bad.planes[0] = NULL;
  ck_assert_int_eq (yolor_net_detect (net, &bad, NULL, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);
  bad = img;
  bad.strides[0] = 3 * W - 1;
  st = yolor_net_detect (net, &bad, NULL, d, 16, &n, &err);
  ck_assert_msg (
      st == YOLOR_ERR_INVALID_ARG, "short stride: %s", yolor_status_str (st));
  ck_assert_msg (strstr (err.msg, "stride") != NULL, "\"%s\"", err.msg);
  bad.strides[0] = W; /* width, but 3 bytes per pixel */
  ck_assert_int_eq (yolor_net_detect (net, &bad, NULL, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);
  bad.strides[0] = -3 * W;
  ck_assert_int_eq (yolor_net_detect (net, &bad, NULL, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);
  bad = img;
  bad.format = YOLOR_PIXFMT_RGBA;
  bad.strides[0] = 3 * W; /* too short for 4 bytes per pixel */
  ck_assert_int_eq (yolor_net_detect (net, &bad, NULL, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);
  bad = img;
  bad.format = YOLOR_PIXFMT_COUNT;
  ck_assert_int_eq (yolor_net_detect (net, &bad, NULL, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);
  bad.format = (yolor_pixfmt) -1;
  ck_assert_int_eq (yolor_net_detect (net, &bad, NULL, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);

  /* YUV: missing or short chroma planes */
  bad = img;
  bad.format = YOLOR_PIXFMT_NV12;
  bad.strides[0] = W;
  ck_assert_int_eq (yolor_net_detect (net, &bad, NULL, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);
  bad.planes[1] = px;
  bad.strides[1] = W - 1;
  ck_assert_int_eq (yolor_net_detect (net, &bad, NULL, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);
  bad.strides[1] = W;
  ck_assert_msg (
      yolor_net_detect (net, &bad, NULL, d, 16, &n, &err) == YOLOR_OK, "%s",
      err.msg);
  bad.format = YOLOR_PIXFMT_I420;
  bad.strides[1] = W / 2;
  ck_assert_int_eq (yolor_net_detect (net, &bad, NULL, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);
  bad.planes[2] = px;
  bad.strides[2] = W / 2 - 1;
  ck_assert_int_eq (yolor_net_detect (net, &bad, NULL, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);
  bad.strides[2] = W / 2;
  ck_assert_msg (
      yolor_net_detect (net, &bad, NULL, d, 16, &n, &err) == YOLOR_OK, "%s",
      err.msg);

  /* NULL detections with capacity, bad thresholds */
  ck_assert_int_eq (yolor_net_detect (net, &img, NULL, NULL, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (
      yolor_net_detect (net, &img, NULL, NULL, 0, &n, &err), YOLOR_OK);
  ck_assert_uint_eq (n, 0);
  yolor_net_default_post (net, &post);
  post.conf_threshold = NAN;
  ck_assert_int_eq (yolor_net_detect (net, &img, &post, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);
  yolor_net_default_post (net, &post);
  post.iou_threshold = -0.5f;
  ck_assert_int_eq (yolor_net_detect (net, &img, &post, d, 16, &n, &err),
      YOLOR_ERR_INVALID_ARG);

  /* and it still works */
  ck_assert_int_eq (
      yolor_net_detect (net, &img, NULL, d, 16, &n, &err), YOLOR_OK);
  free (px);
  yolor_net_free (net);
}
END_TEST

typedef struct
{
  const char *model; /* path under shared/ */
  int w, h;
  const char *says; /* NULL or the whole message */
} input_case;

/* Network input sizes the model cannot take: a clear error, the net stays
 * usable. yolor_p6_narrow starts with a reorg (needs even sizes) and joins
 * strides up to 64; yolo-fastest joins strides 16 and 32. */
static const input_case bad_inputs[] = {
  { "reference/yolor_p6_narrow_384/model.cfg", 33, 33,
      "input 33x33: this model needs width and height multiples of 64 (e.g. "
      "64x64)" },
  { "reference/yolor_p6_narrow_384/model.cfg", 64, 33,
      "input 64x33: this model needs width and height multiples of 64 (e.g. "
      "64x64)" },
  { "reference/yolor_p6_narrow_384/model.cfg", 1, 1,
      "input 1x1: this model needs width and height multiples of 64 (e.g. "
      "64x64)" },
  { "reference/yolor_p6_narrow_384/model.cfg", 96, 96,
      "input 96x96: this model needs width and height multiples of 64 (e.g. "
      "128x128)" },
  { "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg", 1, 1,
      "input 1x1: this model needs width and height multiples of 32 (e.g. "
      "32x32)" },
  { "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg", 33, 33,
      "input 33x33: this model needs width and height multiples of 32 (e.g. "
      "64x64)" },
  { "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg", 33, 17,
      "input 33x17: this model needs width and height multiples of 32 (e.g. "
      "64x32)" },
  { "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg", 330, 320,
      "input 330x320: this model needs width and height multiples of 32 (e.g. "
      "352x320)" },
  { "reference/yolor_csp_narrow_320/model.cfg", 1, 1,
      "input 1x1: this model needs width and height multiples of 32 (e.g. "
      "32x32)" },
  { "reference/yolor_csp_narrow_320/model.cfg", 320, 48,
      "input 320x48: this model needs width and height multiples of 32 (e.g. "
      "320x64)" },
  { "reference/yolor_csp_narrow_320/model.cfg", 0, 320,
      "input 0x320: width and height must be 1 to 16384" },
  { "reference/yolor_csp_narrow_320/model.cfg", 320, -1,
      "input 320x-1: width and height must be 1 to 16384" },
  { "reference/yolor_csp_narrow_320/model.cfg", 20000, 32,
      "input 20000x32: width and height must be 1 to 16384" },
};

START_TEST (test_prepare_input_bad)
{
  const input_case *c = &bad_inputs[_i];
  char cfg[1024];
  yolor_net *net = NULL;
  yolor_error err;
  yolor_status st;
  int good_w, good_h;
  yolor_layer_info before;
  double gmacs;
  tu_shared_path (cfg, sizeof (cfg), "%s", c->model);
  ck_assert_msg (
      yolor_net_load_synthetic (cfg, 1, NULL, &net, &err) == YOLOR_OK, "%s",
      err.msg);
  ck_assert_int_eq (
      yolor_net_layer_info (net, yolor_net_n_layers (net) - 1, &before),
      YOLOR_OK);
  gmacs = yolor_net_gmacs (net);
  memset (&err, 0, sizeof (err));
  st = yolor_net_prepare_input (net, c->w, c->h, &err);
  ck_assert_msg (st == YOLOR_ERR_SHAPE || st == YOLOR_ERR_INVALID_ARG,
      "%s at %dx%d: status %s (%s)", c->model, c->w, c->h,
      yolor_status_str (st), err.msg);
  ck_assert_msg (
      err.msg[0] != '\0', "%s at %dx%d: empty message", c->model, c->w, c->h);
  if (st == YOLOR_ERR_SHAPE)
    ck_assert_msg (strstr (err.msg, cfg) != NULL,
        "%s at %dx%d: \"%s\" does "
        "not name the cfg",
        c->model, c->w, c->h, err.msg);
  if (c->says) {
    ck_assert_int_eq (st, YOLOR_ERR_INVALID_ARG);
    ck_assert_msg (strcmp (err.msg, c->says) == 0,
        "%s at %dx%d: \"%s\", expected \"%s\"", c->model, c->w, c->h, err.msg,
        c->says);
  }
  /* the layer shapes are those of the default input again */
  {
    yolor_layer_info after;
    int last = yolor_net_n_layers (net) - 1;
    ck_assert_int_eq (yolor_net_layer_info (net, last, &after), YOLOR_OK);
    ck_assert_msg (after.c == before.c && after.h == before.h
            && after.w == before.w && yolor_net_gmacs (net) == gmacs,
        "%s: after a failed prepare at %dx%d the last layer is %dx%dx%d, "
        "was %dx%dx%d",
        c->model, c->w, c->h, after.c, after.h, after.w, before.c, before.h,
        before.w);
  }
  /* not prepared now */
  ck_assert_int_eq (yolor_net_forward (net, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert (yolor_net_head (net, 0, NULL, NULL, NULL) == NULL);
  /* and a good size works afterwards */
  good_w = good_h = yolor_net_max_stride (net) >= 64 ? 128 : 64;
  ck_assert_msg (
      yolor_net_prepare_input (net, good_w, good_h, &err) == YOLOR_OK,
      "%s at %dx%d after the failure: %s", c->model, good_w, good_h, err.msg);
  ck_assert_int_eq (yolor_net_forward (net, &err), YOLOR_OK);
  yolor_net_free (net);
}
END_TEST

/* A darknet model that joins no strides takes any size, odd ones too. */
START_TEST (test_prepare_input_odd_ok)
{
  static const char text[] =
      NET "[convolutional]\nfilters=8\nsize=3\nstride=2\npad=1\n"
          "activation=leaky\n\n" HEAD;
  char cfg[512];
  yolor_net *net = NULL;
  yolor_error err;
  tmp_setup ();
  write_tmp ("odd.cfg", text, strlen (text), cfg, sizeof (cfg));
  ck_assert_msg (
      yolor_net_load_synthetic (cfg, 1, NULL, &net, &err) == YOLOR_OK, "%s",
      err.msg);
  ck_assert_int_eq (yolor_net_max_stride (net), 2);
  ck_assert_msg (
      yolor_net_prepare_input (net, 33, 17, &err) == YOLOR_OK, "%s", err.msg);
  ck_assert_int_eq (yolor_net_forward (net, &err), YOLOR_OK);
  yolor_net_free (net);
  tmp_teardown ();
}
END_TEST

/* Extreme but valid frame aspects through letterbox and stretch. */
START_TEST (test_extreme_frames)
{
  static const int frames[][2] = { { 1, 1 }, { 65536, 1 }, { 1, 65536 },
    { 3, 2 }, { 2, 3 } };
  char cfg[1024];
  yolor_error err;
  for (int m = 0; m < 3; m++) {
    yolor_options o;
    yolor_net *net = NULL;
    yolor_options_init (&o);
    o.n_threads = 2;
    if (m < 2) {
      tu_shared_path (cfg, sizeof (cfg),
          "reference/yolor_csp_narrow_320/"
          "model.cfg");
      o.input_width = o.input_height = 320;
      o.resize = m == 0 ? YOLOR_RESIZE_LETTERBOX : YOLOR_RESIZE_LETTERBOX_RECT;
    } else {
      tu_shared_path (
          cfg, sizeof (cfg), "models/yolo-fastest-1.1/yolo-fastest-1.1.cfg");
    }
    ck_assert_int_eq (yolor_net_load (cfg, NULL, &o, &net, &err), YOLOR_OK);
    for (size_t i = 0; i < sizeof (frames) / sizeof (frames[0]); i++) {
      int W = frames[i][0], H = frames[i][1];
      uint8_t *px = malloc ((size_t) W * H * 3);
      float *rnd = malloc ((size_t) W * H * 3 * sizeof (float));
      yolor_image img = { YOLOR_PIXFMT_RGB, W, H, { px }, { 3 * W }, 0 };
      yolor_detection d[300];
      size_t n;
      tu_fill_random (rnd, (size_t) W * H * 3, (uint32_t) i, 0.0f, 256.0f);
      for (size_t k = 0; k < (size_t) W * H * 3; k++)
        px[k] = (uint8_t) rnd[k];
      ck_assert_msg (yolor_net_prepare (net, W, H, &err) == YOLOR_OK,
          "model %d frame %dx%d: %s", m, W, H, err.msg);
      ck_assert_msg (
          yolor_net_detect (net, &img, NULL, d, 300, &n, &err) == YOLOR_OK,
          "model %d frame %dx%d: %s", m, W, H, err.msg);
      for (size_t k = 0; k < n; k++)
        ck_assert_msg (d[k].x1 >= 0 && d[k].x2 <= W && d[k].y1 >= 0
                && d[k].y2 <= H && d[k].x1 <= d[k].x2 && d[k].y1 <= d[k].y2,
            "model %d frame %dx%d: box %zu (%g %g %g %g) outside the frame", m,
            W, H, k, d[k].x1, d[k].y1, d[k].x2, d[k].y2);
      free (px);
      free (rnd);
    }
    yolor_net_free (net);
  }
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("errors");
  TCase *tc = tcase_create ("errors");
  tcase_set_timeout (tc, 600);
  tcase_add_loop_test (tc, test_bad_cfg, 0, N_CFG_CASES);
  tcase_add_test (tc, test_template_cfg_ok);
  tcase_add_test (tc, test_binary_cfg);
  tcase_add_test (tc, test_bad_args);
  tcase_add_test (tc, test_not_regular_files);
  tcase_add_loop_test (tc, test_weights_size, 0,
      (int) (sizeof (size_cases) / sizeof (size_cases[0])));
  tcase_add_test (tc, test_weights_size_yolor);
  tcase_add_test (tc, test_weights_missing);
  tcase_add_test (tc, test_weights_version);
  tcase_add_test (tc, test_weights_old_header);
  tcase_add_test (tc, test_weights_corrupt_variance);
  tcase_add_test (tc, test_weights_no_trailer);
  tcase_add_test (tc, test_weights_non_finite);
  tcase_add_test (tc, test_weights_non_finite_implicit);
  tcase_add_test (tc, test_weights_absurd_finite);
  tcase_add_test (tc, test_weights_fold_overflow);
  tcase_add_test (tc, test_new_coords_absurd);
  tcase_add_test (tc, test_embeddings_at_the_maximum);
  tcase_add_test (tc, test_prepare_bad_sizes);
  tcase_add_test (tc, test_detect_bad_calls);
  tcase_add_loop_test (tc, test_prepare_input_bad, 0,
      (int) (sizeof (bad_inputs) / sizeof (bad_inputs[0])));
  tcase_add_test (tc, test_prepare_input_odd_ok);
  tcase_add_test (tc, test_extreme_frames);
  suite_add_tcase (s, tc);
  return tu_run_suite (s);
}
