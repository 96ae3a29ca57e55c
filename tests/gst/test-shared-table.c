/* The table of shared model instances (gst/gstyolorshared.c), driven
 * directly with a load function the test holds: loading one instance never
 * holds up another, elements asking for an instance being loaded wait for
 * it and load nothing, and a failed load lets the next element try.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>

#include <gst/check/gstcheck.h>

#include "gstyolorshared.h"
#include "test-util.h"

/* A load that waits for the test's go-ahead (when gated) and counts its
 * calls; fails when told to. */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean gated, go, fail;
  guint started; /* loads begun */
} Gate;

static yolor_status
gated_load (const gchar *cfg, const gchar *weights, void *user_data,
    yolor_model **model_out, yolor_error *err)
{
  Gate *g = user_data;
  gboolean fail;
  yolor_options opts;

  g_mutex_lock (&g->lock);
  g->started++;
  g_cond_broadcast (&g->cond);
  while (g->gated && !g->go)
    g_cond_wait (&g->cond, &g->lock);
  fail = g->fail;
  g->fail = FALSE; /* only the first load fails */
  g_mutex_unlock (&g->lock);
  if (fail) {
    snprintf (err->msg, sizeof (err->msg), "told to fail");
    err->code = YOLOR_ERR_IO;
    return YOLOR_ERR_IO;
  }
  yolor_options_init (&opts);
  return yolor_model_load (cfg, weights, &opts, model_out, err);
}

static void
gate_init (Gate *g, gboolean gated)
{
  memset (g, 0, sizeof *g);
  g_mutex_init (&g->lock);
  g_cond_init (&g->cond);
  g->gated = gated;
}

static void
gate_wait_started (Gate *g, guint n)
{
  g_mutex_lock (&g->lock);
  while (g->started < n)
    g_cond_wait (&g->cond, &g->lock);
  g_mutex_unlock (&g->lock);
}

static void
gate_open (Gate *g)
{
  g_mutex_lock (&g->lock);
  g->go = TRUE;
  g_cond_broadcast (&g->cond);
  g_mutex_unlock (&g->lock);
}

static void
gate_clear (Gate *g)
{
  g_mutex_clear (&g->lock);
  g_cond_clear (&g->cond);
}

/* One acquire in a thread of its own. */
typedef struct
{
  const gchar *id;
  gchar *cfg;
  Gate *gate;
  yolor_model *model; /* out */
  yolor_error err;
  gint done; /* atomic */
} Acquire;

static gpointer
acquire_thread (gpointer data)
{
  Acquire *a = data;
  gchar *cfg_out = NULL;

  a->model = gst_yolor_shared_acquire (
      a->id, a->cfg, NULL, NULL, gated_load, a->gate, &cfg_out, &a->err);
  g_free (cfg_out);
  g_atomic_int_set (&a->done, 1);
  return NULL;
}

/* Starts @a, and @b once @a's load has begun (held at @gate); after 100
 * ms opens the gate and joins both. Returns: TRUE when @b was still
 * waiting when the gate opened. */
static gboolean
race_two (Gate *gate, Acquire *a, Acquire *b)
{
  GThread *ta, *tb;
  gboolean b_waited;

  ta = g_thread_new ("a", acquire_thread, a);
  gate_wait_started (gate, 1);
  tb = g_thread_new ("b", acquire_thread, b);
  g_usleep (100 * 1000);
  b_waited = !g_atomic_int_get (&b->done);
  gate_open (gate);
  g_thread_join (ta);
  g_thread_join (tb);
  return b_waited;
}

/* While instance "slow" loads (held at the gate), instance "fast" loads
 * and returns. (Were the table locked during a load, "fast" would wait for
 * the gate: the test opens it after 30 s and fails.) */
GST_START_TEST (test_other_instance_not_held_up)
{
  gchar *cfg = test_model_path ();
  Gate slow, fast;
  Acquire a = { "table-slow", cfg, &slow, NULL, { YOLOR_OK, "" }, 0 };
  Acquire b = { "table-fast", cfg, &fast, NULL, { YOLOR_OK, "" }, 0 };
  GThread *ta, *tb;
  gboolean fast_first, slow_held;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  gate_init (&slow, TRUE);
  gate_init (&fast, FALSE);
  ta = g_thread_new ("slow", acquire_thread, &a);
  gate_wait_started (&slow, 1);
  tb = g_thread_new ("fast", acquire_thread, &b);
  while (!g_atomic_int_get (&b.done) && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  fast_first = g_atomic_int_get (&b.done);
  slow_held = !g_atomic_int_get (&a.done);
  if (fast_first)
    fail_unless_equals_int (gst_yolor_shared_users ("table-slow"), 0);
  gate_open (&slow);
  g_thread_join (ta);
  g_thread_join (tb);
  fail_unless (fast_first, "loading one instance held up another");
  fail_unless (slow_held, "the slow load was not held");
  fail_unless (a.model != NULL, "%s", a.err.msg);
  fail_unless (b.model != NULL, "%s", b.err.msg);
  fail_unless (a.model != b.model);
  fail_unless_equals_int (gst_yolor_shared_users ("table-slow"), 1);
  fail_unless_equals_int (gst_yolor_shared_users ("table-fast"), 1);
  yolor_model_unref (a.model);
  yolor_model_unref (b.model);
  gst_yolor_shared_release ("table-fast");
  gst_yolor_shared_release ("table-slow");
  fail_unless_equals_int (gst_yolor_shared_users ("table-slow"), 0);
  gate_clear (&slow);
  gate_clear (&fast);
  g_free (cfg);
}

GST_END_TEST;

/* A second element asking for an instance being loaded waits for it, loads
 * nothing, and gets the same model. */
GST_START_TEST (test_same_instance_waits)
{
  gchar *cfg = test_model_path ();
  Gate gate;
  Acquire a = { "table-same", cfg, &gate, NULL, { YOLOR_OK, "" }, 0 };
  Acquire b = { "table-same", cfg, &gate, NULL, { YOLOR_OK, "" }, 0 };

  gate_init (&gate, TRUE);
  fail_unless (race_two (&gate, &a, &b), "b did not wait for the load");
  fail_unless (a.model != NULL && a.model == b.model);
  fail_unless_equals_int (gate.started, 1);
  fail_unless_equals_int (gst_yolor_shared_users ("table-same"), 2);
  yolor_model_unref (a.model);
  yolor_model_unref (b.model);
  gst_yolor_shared_release ("table-same");
  gst_yolor_shared_release ("table-same");
  fail_unless_equals_int (gst_yolor_shared_users ("table-same"), 0);
  gate_clear (&gate);
  g_free (cfg);
}

GST_END_TEST;

/* The first load fails while a second element waits: the waiting one is
 * not given the first one's error; it loads itself and succeeds. */
GST_START_TEST (test_failed_load_lets_next_try)
{
  gchar *cfg = test_model_path ();
  Gate gate;
  Acquire a = { "table-fail", cfg, &gate, NULL, { YOLOR_OK, "" }, 0 };
  Acquire b = { "table-fail", cfg, &gate, NULL, { YOLOR_OK, "" }, 0 };

  gate_init (&gate, TRUE);
  gate.fail = TRUE;
  fail_unless (race_two (&gate, &a, &b), "b did not wait for the load");
  fail_unless (a.model == NULL);
  fail_unless_equals_int (a.err.code, YOLOR_ERR_IO);
  fail_unless (strstr (a.err.msg, "told to fail") != NULL);
  fail_unless (b.model != NULL, "%s", b.err.msg);
  fail_unless_equals_int (gate.started, 2);
  fail_unless_equals_int (gst_yolor_shared_users ("table-fail"), 1);
  yolor_model_unref (b.model);
  gst_yolor_shared_release ("table-fail");
  gate_clear (&gate);
  g_free (cfg);
}

GST_END_TEST;

static Suite *
shared_table_suite (void)
{
  Suite *s = suite_create ("yolorsharedtable");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_other_instance_not_held_up);
  tcase_add_test (tc, test_same_instance_waits);
  tcase_add_test (tc, test_failed_load_lets_next_try);
  return s;
}

GST_CHECK_MAIN (shared_table);
