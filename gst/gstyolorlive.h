/* gst-yolor: inference off the streaming thread for yolordetect's live mode
 * (plugin-internal). The newest submitted frame wins: a frame submitted
 * while another waits replaces it; none is ever queued behind a running
 * inference.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_YOLOR_LIVE_H
#define GST_YOLOR_LIVE_H

#include <gst/video/video.h>

G_BEGIN_DECLS

typedef struct _GstYolorLive GstYolorLive;

/* Runs in the worker thread on a copy of a submitted frame (@frame mapped
 * for reading, borrowed), with the frame number and the job bytes given to
 * gst_yolor_live_submit () (borrowed, writable). */
typedef void (*GstYolorLiveFn) (const GstVideoFrame *frame, guint64 number,
    gpointer job, gpointer user_data);

/* Starts the worker thread. @user_data retained until gst_yolor_live_free.
 * Returns: (transfer full). */
GstYolorLive *gst_yolor_live_new (GstYolorLiveFn fn, gpointer user_data);

/* Stops the thread after the running job (a waiting one is dropped) and
 * frees everything. NULL is a no-op. */
void gst_yolor_live_free (GstYolorLive *live);

/* Copies @frame (borrowed, mapped for reading) and @job (@job_size bytes,
 * borrowed) as the next job, replacing a waiting one. Returns: FALSE if
 * the frame could not be copied (it does not match the info of the last
 * gst_yolor_live_reset ()). */
gboolean gst_yolor_live_submit (GstYolorLive *live, const GstVideoFrame *frame,
    guint64 number, gconstpointer job, gsize job_size);

/* Waits for the running job to finish, drops a waiting one and sets the
 * frame layout of later submissions to @info (borrowed, nullable = keep).
 * For caps changes and flushes. */
void gst_yolor_live_reset (GstYolorLive *live, const GstVideoInfo *info);

G_END_DECLS
#endif /* GST_YOLOR_LIVE_H */
