/* gst-yolor: the live-mode inference thread.
 *
 * Two slots, each a frame buffer with the job that travels with it:
 * `pending` (the newest submitted frame, not yet started) and `work` (the
 * frame of the running job). Starting a job swaps them, so a submission
 * never waits for an inference and never allocates a frame.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstyolorlive.h"

#include <string.h>

/* A frame and what travels with it. */
typedef struct
{
  GstBuffer *buf; /* owned, info.size bytes */
  guint64 number;
  guint8 *job; /* owned: cap bytes */
  gsize cap;
} Slot;

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
  Slot pending, work;
};

static gpointer
worker (gpointer data)
{
  GstYolorLive *live = data;

  g_mutex_lock (&live->lock);
  for (;;) {
    GstVideoFrame frame;
    Slot s;

    while (!live->quit && !live->have_pending)
      g_cond_wait (&live->cond, &live->lock);
    if (live->quit)
      break;
    s = live->work;
    live->work = live->pending;
    live->pending = s;
    live->have_pending = FALSE;
    live->busy = TRUE;
    g_mutex_unlock (&live->lock);

    /* only this thread touches `work` while busy */
    if (gst_video_frame_map (
            &frame, &live->info, live->work.buf, GST_MAP_READ)) {
      live->fn (&frame, live->work.number, live->work.job, live->user_data);
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
  gst_clear_buffer (&live->pending.buf);
  gst_clear_buffer (&live->work.buf);
  g_free (live->pending.job);
  g_free (live->work.job);
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
    gst_clear_buffer (&live->pending.buf);
    gst_clear_buffer (&live->work.buf);
    live->pending.buf = gst_buffer_new_allocate (NULL, info->size, NULL);
    live->work.buf = gst_buffer_new_allocate (NULL, info->size, NULL);
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
  if (live->pending.buf != NULL
      && GST_VIDEO_FRAME_WIDTH (frame) == GST_VIDEO_INFO_WIDTH (&live->info)
      && GST_VIDEO_FRAME_HEIGHT (frame) == GST_VIDEO_INFO_HEIGHT (&live->info)
      && GST_VIDEO_FRAME_FORMAT (frame) == GST_VIDEO_INFO_FORMAT (&live->info)
      && gst_video_frame_map (
          &dst, &live->info, live->pending.buf, GST_MAP_WRITE)) {
    ok = gst_video_frame_copy (&dst, frame);
    gst_video_frame_unmap (&dst);
  }
  if (ok) {
    /* the worker never holds the pending job: it may grow */
    if (job_size > live->pending.cap) {
      live->pending.job = g_realloc (live->pending.job, job_size);
      live->pending.cap = job_size;
    }
    memcpy (live->pending.job, job, job_size);
    live->pending.number = number;
    live->have_pending = TRUE;
    g_cond_broadcast (&live->cond);
  }
  g_mutex_unlock (&live->lock);
  return ok;
}
