/* One camera of the multi-camera job (yolor-cameras): its pipeline, its
 * outputs, and the states it goes through when it drops and reconnects.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_CAMERA_H
#define YOLOR_CAMERA_H

#include <stdio.h>

#include <gst/gst.h>

typedef enum
{
  YOLOR_CAMERA_IDLE, /* not started yet */
  YOLOR_CAMERA_WAITING, /* a reconnect timer is pending */
  YOLOR_CAMERA_CONNECTING, /* pipeline playing, no frame yet */
  YOLOR_CAMERA_STREAMING, /* frames arrive */
  YOLOR_CAMERA_DRAINING, /* EOS sent in, waiting for the MP4 to finish */
  YOLOR_CAMERA_DONE, /* finished (job stopping or --max-frames) */
  YOLOR_CAMERA_GAVE_UP /* --retries failed attempts in a row */
} YolorCameraState;

typedef struct _YolorCameras YolorCameras;

typedef struct
{
  YolorCameras *job; /* borrowed: owns this camera */
  gchar *name; /* owned */
  gchar *url; /* owned */
  gchar *jsonl; /* owned: path */
  gchar *part; /* owned: path of the MP4 being written */
  FILE *jsonl_file; /* owned; written by the streaming thread only */
  GstElement *pipeline; /* owned, NULL between connections */
  GstBus *bus; /* owned with pipeline */
  YolorCameraState state; /* main thread only */
  guint retry_id; /* reconnect timer, 0 when none */
  guint failures; /* attempts in a row that brought no frame */
  guint connection; /* connections made (the current one's number) */
  GString *videos; /* owned: the MP4s written, space-separated names */
  guint drops; /* connections lost after they brought frames */
  guint empty; /* connections that brought no frame */
  gboolean dropped; /* this connection ended by a drop (error, EOS, …) */
  gint64 since_us; /* state change time (main thread) */

  /* shared with the streaming thread, under lock */
  GMutex lock;
  gint64 last_frame_us; /* monotonic time of the newest input frame */
  guint64 frames_in; /* frames into the detector, all connections */
  guint64 frames_out; /* frames out (JSON lines written) */
  guint64 conn_frames; /* frames into the detector, this connection */
  gboolean eos_sent; /* EOS sent in at the detector's input */
  gboolean maxed; /* the --max-frames-th frame passed */
} YolorCamera;

/* The job: its cameras and settings (the command line's options, read-only
 * once the cameras run), and what the main thread decides. */
struct _YolorCameras
{
  GMainLoop *loop; /* owned */
  YolorCamera *cams; /* owned, n_cams */
  guint n_cams;
  /* owned strings: folder, model, launch-quoted detector properties,
   * rtspsrc protocols, model-instance-id, display sink (NULL: MP4s) */
  gchar *out_dir, *model, *props, *protocols, *instance_id, *video_sink;
  gchar *track; /* owned: yolortrack tracking-type, NULL: no tracking */
  gint latency_ms, connect_timeout, stall_timeout, retry_wait, retry_max_wait,
      retries, max_frames, duration; /* ms; s; s; s; s; counts; s */
  gboolean no_video, no_osd;
  gboolean stopping; /* no more reconnects: every camera finishes */
  gboolean failed; /* an error that is no camera's: the job ends, status 1 */
};

/* Sets up @cam (caller-allocated, zeroed) of @job (borrowed) from "NAME=URL"
 * or "URL" (then NAME is cam<index + 1>); NAME is letters, digits, '-' and
 * '_'. Returns: FALSE with @error set (G_OPTION_ERROR). */
gboolean yolor_camera_init (YolorCamera *cam, YolorCameras *job, guint index,
    const gchar *arg, GError **error);

/* Creates NAME.jsonl in @cam's job folder (truncating an older one).
 * Returns: FALSE with @error set. */
gboolean yolor_camera_open (YolorCamera *cam, GError **error);

/* Builds and starts a connection's pipeline (main thread). */
void yolor_camera_connect (YolorCamera *cam);

/* Called about twice a second at monotonic time @now (µs): notices the
 * first frame, silence (--stall-timeout), a connection without video
 * (--connect-timeout) and an MP4 slow to finish. */
void yolor_camera_tick (YolorCamera *cam, gint64 now);

/* The job stops (@job->stopping is set): finishes the connection, the MP4
 * with it, or cancels the pending reconnect. */
void yolor_camera_stop (YolorCamera *cam);

/* Stops what still runs and closes the JSON lines: the counts are final
 * (the job must be stopping). */
void yolor_camera_close (YolorCamera *cam);

/* Closes @cam and frees its members; @cam itself is the caller's. */
void yolor_camera_clear (YolorCamera *cam);

/* TRUE when every camera of @job is done or gave up. */
gboolean yolor_cameras_ended (const YolorCameras *job);

/* Quits @job's loop when every camera is done or gave up. */
void yolor_cameras_check_end (YolorCameras *job);

/* An error that is no camera's: @broken (may be NULL) stops at once, the
 * others finish their files, and the job ends with status 1. */
void yolor_cameras_fail (YolorCameras *job, YolorCamera *broken);

/* A detector of @job's model instance that is never fed: while it is
 * paused the model stays loaded, even when every camera is away (an
 * instance's model is freed when its last element stops), and a model that
 * cannot load is found before any camera connects.
 * Returns: (transfer full) the paused pipeline (set it to NULL, unref), or
 * NULL with @error set (the detector's error). */
GstElement *yolor_cameras_keep_model (YolorCameras *job, GError **error);

#endif /* YOLOR_CAMERA_H */
