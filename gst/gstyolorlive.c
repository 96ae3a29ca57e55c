/* gst-yolor: the live-mode inference thread.
 *
 * Two frame buffers: `pending` (the newest submitted frame, not yet
 * started) and `work` (the frame of the running job). Starting a job swaps
 * them, so a submission never waits for an inference and never allocates.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstyolorlive.h"

#include <string.h>

struct _GstYolorLive
{
  GstYolorLiveFn fn;
  gpointer user_data; /* retained */
  GThread *thread;

  GMutex lock; /* everything below */
  GCond cond;
  gboolean quit;
  gboolean busy; /* a job is running */
  gboolean have_pending;
  GstVideoInfo info; /* layout of both buffers */
  GstBuffer *pending, *work; /* owned, info.size bytes */
  guint64 pending_number, work_number;
  guint8 *pending_job, *work_job; /* owned: pending_cap, work_cap bytes */
  gsize pending_cap, work_cap;
};

static gpointer
worker (gpointer data)
{
  GstYolorLive *live = data;

  g_mutex_lock (&live->lock);
  for (;;) {
    GstVideoFrame frame;
    GstBuffer *b;
    guint8 *j;
    gsize cap;

    while (!live->quit && !live->have_pending)
      g_cond_wait (&live->cond, &live->lock);
    if (live->quit)
      break;
    b = live->work;
    live->work = live->pending;
    live->pending = b;
    j = live->work_job;
    live->work_job = live->pending_job;
    live->pending_job = j;
    cap = live->work_cap;
    live->work_cap = live->pending_cap;
    live->pending_cap = cap;
    live->work_number = live->pending_number;
    live->have_pending = FALSE;
    live->busy = TRUE;
    g_mutex_unlock (&live->lock);

    /* only this thread touches `work` while busy */
    if (gst_video_frame_map (&frame, &live->info, live->work, GST_MAP_READ)) {
      live->fn (&frame, live->work_number, live->work_job, live->user_data);
      gst_video_frame_unmap (&frame);
    }

    g_mutex_lock (&live->lock);
    live->busy = FALSE;
    g_cond_broadcast (&live->cond);
  }
  g_mutex_unlock (&live->lock);
  return NULL;
}

GstYolorLive *
gst_yolor_live_new (GstYolorLiveFn fn, gpointer user_data)
{
  GstYolorLive *live = g_new0 (GstYolorLive, 1);

  live->fn = fn;
  live->user_data = user_data;
  g_mutex_init (&live->lock);
  g_cond_init (&live->cond);
  gst_video_info_init (&live->info);
  live->thread = g_thread_new ("yolor-live", worker, live);
  return live;
}

void
gst_yolor_live_free (GstYolorLive *live)
{
  if (live == NULL)
    return;
  g_mutex_lock (&live->lock);
  live->quit = TRUE;
  g_cond_broadcast (&live->cond);
  g_mutex_unlock (&live->lock);
  g_thread_join (live->thread);
  gst_clear_buffer (&live->pending);
  gst_clear_buffer (&live->work);
  g_free (live->pending_job);
  g_free (live->work_job);
  g_mutex_clear (&live->lock);
  g_cond_clear (&live->cond);
  g_free (live);
}

void
gst_yolor_live_reset (GstYolorLive *live, const GstVideoInfo *info)
{
  g_mutex_lock (&live->lock);
  while (live->busy)
    g_cond_wait (&live->cond, &live->lock);
  live->have_pending = FALSE;
  if (info != NULL && info->size != live->info.size) {
    gst_clear_buffer (&live->pending);
    gst_clear_buffer (&live->work);
    live->pending = gst_buffer_new_allocate (NULL, info->size, NULL);
    live->work = gst_buffer_new_allocate (NULL, info->size, NULL);
  }
  if (info != NULL)
    live->info = *info;
  g_mutex_unlock (&live->lock);
}

gboolean
gst_yolor_live_submit (GstYolorLive *live, const GstVideoFrame *frame,
    guint64 number, gconstpointer job, gsize job_size)
{
  GstVideoFrame dst;
  gboolean ok = FALSE;

  g_mutex_lock (&live->lock);
  if (live->pending != NULL
      && GST_VIDEO_FRAME_WIDTH (frame) == GST_VIDEO_INFO_WIDTH (&live->info)
      && GST_VIDEO_FRAME_HEIGHT (frame) == GST_VIDEO_INFO_HEIGHT (&live->info)
      && GST_VIDEO_FRAME_FORMAT (frame) == GST_VIDEO_INFO_FORMAT (&live->info)
      && gst_video_frame_map (
          &dst, &live->info, live->pending, GST_MAP_WRITE)) {
    ok = gst_video_frame_copy (&dst, frame);
    gst_video_frame_unmap (&dst);
  }
  if (ok) {
    /* the worker never holds pending_job: it may grow */
    if (job_size > live->pending_cap) {
      live->pending_job = g_realloc (live->pending_job, job_size);
      live->pending_cap = job_size;
    }
    memcpy (live->pending_job, job, job_size);
    live->pending_number = number;
    live->have_pending = TRUE;
    g_cond_broadcast (&live->cond);
  }
  g_mutex_unlock (&live->lock);
  return ok;
}
