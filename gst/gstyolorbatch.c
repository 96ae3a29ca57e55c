/* gst-yolor: batches across the streams of one model instance.
 *
 * Every waiting frame is a request in its instance's queue. A thread that
 * submits a frame waits until the frame has run. Whoever finds a full
 * batch, or the oldest frame of its size past its deadline, takes those
 * frames out of the queue, runs them with yolor_net_detect_batch () and
 * wakes their threads. Nothing here touches pixels or numbers: the engine
 * does.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstyolorbatch.h"

#include <string.h>

typedef struct
{
  yolor_batch_item *item; /* borrowed: the submitter's */
  const yolor_model *model; /* borrowed: its net's model */
  gint w, h; /* its net's input size */
  gint64 deadline; /* monotonic µs */
  gboolean taken; /* out of the queue, running */
  gboolean done;
  guint batched; /* frames of its batch */
} Request;

/* The lock covers the table, its queues and every request in them. */
static GMutex batch_lock;
static GCond batch_cond; /* broadcast when a batch ends */
static GHashTable *queues; /* id (owned) → GQueue of Request (borrowed) */

static gboolean
same_size (const Request *a, const Request *b)
{
  return a->model == b->model && a->w == b->w && a->h == b->h
      && a->item->net != b->item->net;
}

/* Up to @max requests of @q that can run with @req (@req first, then the
 * oldest), into @out; the deadline of the oldest of them in *@oldest.
 * Returns how many. */
static guint
gather (GQueue *q, Request *req, guint max, Request **out, gint64 *oldest)
{
  guint n = 1;
  out[0] = req;
  *oldest = req->deadline;
  for (GList *l = q->head; l && n < max; l = l->next) {
    Request *r = l->data;
    gboolean clash = FALSE;
    if (r == req || !same_size (r, req))
      continue;
    for (guint k = 1; k < n; k++)
      clash |= out[k]->item->net == r->item->net;
    if (clash)
      continue;
    out[n++] = r;
    *oldest = MIN (*oldest, r->deadline);
  }
  return n;
}

/* Runs @n taken requests (the lock not held). */
static void
run_batch (Request **reqs, guint n)
{
  yolor_batch_item items[YOLOR_MAX_BATCH];
  yolor_error err;
  yolor_status st;
  gboolean any_own = FALSE;

  for (guint k = 0; k < n; k++) {
    items[k] = *reqs[k]->item;
    items[k].status = YOLOR_OK;
  }
  st = yolor_net_detect_batch (items, (int) n, &err);
  for (guint k = 0; k < n; k++)
    any_own |= items[k].status != YOLOR_OK;
  for (guint k = 0; k < n; k++) {
    yolor_batch_item *it = reqs[k]->item;
    if (st != YOLOR_OK && !any_own) {
      /* the batch itself could not run */
      items[k].status = st;
      items[k].err = err;
    }
    it->status = items[k].status;
    it->n_out = items[k].n_out;
    if (it->status != YOLOR_OK)
      it->err = items[k].err;
  }
}

yolor_status
gst_yolor_batch_detect (const gchar *id, yolor_batch_item *item,
    guint batch_size, guint64 timeout_us, guint *batched_out)
{
  Request req = { 0 }, *batch[YOLOR_MAX_BATCH];
  GQueue *q;

  req.item = item;
  req.model = yolor_net_model (item->net);
  yolor_net_input_size (item->net, &req.w, &req.h);
  req.deadline = g_get_monotonic_time () + (gint64) timeout_us;
  batch_size = CLAMP (batch_size, 1, YOLOR_MAX_BATCH);

  g_mutex_lock (&batch_lock);
  if (queues == NULL)
    queues = g_hash_table_new_full (
        g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_queue_free);
  q = g_hash_table_lookup (queues, id);
  if (q == NULL) {
    q = g_queue_new ();
    g_hash_table_insert (queues, g_strdup (id), q);
  }
  g_queue_push_tail (q, &req);
  while (!req.done) {
    gint64 oldest;
    guint n;
    if (req.taken) {
      g_cond_wait (&batch_cond, &batch_lock);
      continue;
    }
    n = gather (q, &req, batch_size, batch, &oldest);
    if (n < batch_size && g_get_monotonic_time () < oldest) {
      /* woken by a batch that ended, or at the oldest one's deadline */
      g_cond_wait_until (&batch_cond, &batch_lock, oldest);
      continue;
    }
    for (guint k = 0; k < n; k++) {
      batch[k]->taken = TRUE;
      g_queue_remove (q, batch[k]);
    }
    g_mutex_unlock (&batch_lock);
    run_batch (batch, n);
    g_mutex_lock (&batch_lock);
    for (guint k = 0; k < n; k++) {
      batch[k]->batched = n;
      batch[k]->done = TRUE;
    }
    g_cond_broadcast (&batch_cond);
  }
  g_mutex_unlock (&batch_lock);
  if (batched_out)
    *batched_out = req.batched;
  return item->status;
}
