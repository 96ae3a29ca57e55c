/* The darknet-family models against reference darknet
 * (../shared/expected/<model>.darknet.json, -thresh 0.25) on the five test
 * images: same detections, box IoU >= 0.95, |dconf| <= 0.01.
 *
 * Darknet decodes JPEG with stb_image; the images are decoded here with the
 * same decoder (Debian's libstb-dev) so that the comparison measures the
 * engine (resize, network, decode, NMS) and not two JPEG decoders.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "../common/test-check.h"
#include "../common/test-util.h"
#include "yolor/yolor.h"

static const char *const models[] = { "yolo-fastest-1.1", "yolo-fastest-1.1-xl",
  "mobilenetv2-yolov3-nano-coco" };

static const char *const images[] = { "dog.jpg", "eagle.jpg", "giraffe.jpg",
  "horses.jpg", "person.jpg" };

typedef struct
{
  int cls;
  float cx, cy, w, h, conf;
} det;

/* darknet prints boxes unclamped; the engine clamps them to the frame. */
static void
clamp_box (det *d)
{
  float x1 = fmaxf (0.0f, d->cx - d->w / 2),
        x2 = fminf (1.0f, d->cx + d->w / 2);
  float y1 = fmaxf (0.0f, d->cy - d->h / 2),
        y2 = fminf (1.0f, d->cy + d->h / 2);
  d->cx = (x1 + x2) / 2;
  d->cy = (y1 + y2) / 2;
  d->w = x2 - x1;
  d->h = y2 - y1;
}

/* The objects of @image in darknet's JSON (one object per line). */
static int
expected (const char *json, const char *image, det *out, int max)
{
  char key[128];
  const char *p, *end;
  int n = 0;
  snprintf (key, sizeof (key), "\"filename\":\"%s\"", image);
  p = strstr (json, key);
  ck_assert_msg (p != NULL, "%s not in the expected file", image);
  end = strstr (p, "]");
  while ((p = strstr (p, "{\"class_id\":")) && p < end && n < max) {
    det *d = &out[n];
    const char *q;
    d->cls = atoi (p + 12);
    q = strstr (p, "\"center_x\":");
    d->cx = strtof (q + 11, NULL);
    q = strstr (p, "\"center_y\":");
    d->cy = strtof (q + 11, NULL);
    q = strstr (p, "\"width\":");
    d->w = strtof (q + 8, NULL);
    q = strstr (p, "\"height\":");
    d->h = strtof (q + 9, NULL);
    q = strstr (p, "\"confidence\":");
    d->conf = strtof (q + 13, NULL);
    clamp_box (d);
    n++;
    p++;
  }
  return n;
}

static double
iou (const det *a, const det *b)
{
  double ax1 = a->cx - a->w / 2, ax2 = a->cx + a->w / 2;
  double ay1 = a->cy - a->h / 2, ay2 = a->cy + a->h / 2;
  double bx1 = b->cx - b->w / 2, bx2 = b->cx + b->w / 2;
  double by1 = b->cy - b->h / 2, by2 = b->cy + b->h / 2;
  double iw = fmin (ax2, bx2) - fmax (ax1, bx1);
  double ih = fmin (ay2, by2) - fmax (ay1, by1);
  double inter = (iw > 0 && ih > 0) ? iw * ih : 0;
  return inter / (a->w * a->h + b->w * b->h - inter);
}

START_TEST (test_model)
{
  const char *m = models[_i];
  char cfg[1024], jpath[1024], ipath[1024];
  char *json;
  yolor_net *net = NULL;
  yolor_error err;
  yolor_options o;
  int failures = 0;

  yolor_options_init (&o);
  o.n_threads = 2;
  tu_shared_path (cfg, sizeof (cfg), "models/%s/%s.cfg", m, m);
  ck_assert_msg (
      yolor_net_load (cfg, NULL, &o, &net, &err) == YOLOR_OK, "%s", err.msg);
  ck_assert_int_eq (yolor_net_flavor (net), YOLOR_FLAVOR_DARKNET);
  json = tu_read_file (
      tu_shared_path (jpath, sizeof (jpath), "expected/%s.darknet.json", m),
      NULL);
  ck_assert_msg (json != NULL, "cannot read %s", jpath);

  for (size_t k = 0; k < sizeof (images) / sizeof (images[0]); k++) {
    int w, h, n_exp, used[300] = { 0 };
    det exp[300], got[300];
    yolor_detection d[300];
    yolor_post_params post;
    size_t n = 0;
    unsigned char *px = tu_load_rgb (
        tu_shared_path (ipath, sizeof (ipath), "images/%s", images[k]), &w, &h);
    yolor_image img = { YOLOR_PIXFMT_RGB, 0, 0, { NULL }, { 0 }, 0 };
    ck_assert_msg (px != NULL, "cannot decode %s", ipath);
    img.width = w;
    img.height = h;
    img.planes[0] = px;
    img.strides[0] = 3 * w;
    ck_assert_int_eq (yolor_net_prepare (net, w, h, &err), YOLOR_OK);
    yolor_net_default_post (net, &post);
    ck_assert_msg (
        yolor_net_detect (net, &img, &post, d, 300, &n, &err) == YOLOR_OK, "%s",
        err.msg);
    for (size_t i = 0; i < n; i++) {
      got[i].cls = d[i].class_id;
      got[i].cx = (d[i].x1 + d[i].x2) / 2 / w;
      got[i].cy = (d[i].y1 + d[i].y2) / 2 / h;
      got[i].w = (d[i].x2 - d[i].x1) / w;
      got[i].h = (d[i].y2 - d[i].y1) / h;
      got[i].conf = d[i].confidence;
    }
    n_exp = expected (json, images[k], exp, 300);
    for (int e = 0; e < n_exp; e++) {
      int match = -1;
      for (size_t i = 0; i < n; i++)
        if (!used[i] && got[i].cls == exp[e].cls
            && fabs (got[i].conf - exp[e].conf) <= 0.01
            && iou (&got[i], &exp[e]) >= 0.95)
          match = (int) i;
      if (match >= 0) {
        used[match] = 1;
      } else {
        failures++;
        fprintf (stderr,
            "%s %s: darknet class %d conf %.4f box %.4f %.4f "
            "%.4f %.4f has no match\n",
            m, images[k], exp[e].cls, exp[e].conf, exp[e].cx, exp[e].cy,
            exp[e].w, exp[e].h);
      }
    }
    for (size_t i = 0; i < n; i++)
      if (!used[i]) {
        failures++;
        fprintf (stderr, "%s %s: extra class %d conf %.4f\n", m, images[k],
            got[i].cls, got[i].conf);
      }
    tu_free_image (px);
  }
  ck_assert_msg (
      failures == 0, "%s: %d detections differ from darknet", m, failures);
  free (json);
  yolor_net_free (net);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("darknet");
  TCase *tc = tcase_create ("expected");
  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_model, 0, 3);
  suite_add_tcase (s, tc);
  return tu_run_suite (s);
}
