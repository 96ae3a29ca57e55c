/* gst-yolor: an MQTT publisher with a bounded queue that outlives the
 * broker's restarts (libmosquitto), for yolormetapublish.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_YOLOR_MQTT_H
#define GST_YOLOR_MQTT_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GstYolorMqtt GstYolorMqtt;

/* The errors of gst_yolor_mqtt_new(). */
#define GST_YOLOR_MQTT_ERROR (gst_yolor_mqtt_error_quark ())
GQuark gst_yolor_mqtt_error_quark (void);
typedef enum
{
  GST_YOLOR_MQTT_ERROR_CONNECT, /* no broker answered */
  GST_YOLOR_MQTT_ERROR_REFUSED, /* the broker refused the connection */
} GstYolorMqttError;

/* How the publisher is set up. Strings borrowed for the call. */
typedef struct _GstYolorMqttConfig
{
  const gchar *host;
  gint port;
  const gchar *client_id; /* NULL: the broker's choice */
  const gchar *topic;
  gint qos; /* 0, 1 or 2 */
  guint max_queue; /* messages held until the broker acknowledges them */
  guint connect_attempts; /* first connection: tries, a second apart */
  guint reconnect_max_s; /* longest wait between reconnections */
} GstYolorMqttConfig;

/* Counts since gst_yolor_mqtt_new(). */
typedef struct _GstYolorMqttStats
{
  guint64 published; /* acknowledged by the broker (QoS 0: sent) */
  guint64 lost; /* dropped from the full queue */
  guint64 queued; /* waiting now */
  guint64 connections; /* successful connections, the first included */
} GstYolorMqttStats;

/* Connects to the broker (blocking, up to @c->connect_attempts tries) and
 * starts the thread that sends, reconnects and resends.
 * Returns: (transfer full): the publisher, or NULL with @error set (the
 * broker's address and why). */
GstYolorMqtt *gst_yolor_mqtt_new (const GstYolorMqttConfig *c, GError **error);

/* Queues a copy of @payload (@len bytes) for the topic. Never waits for the
 * network; when the queue is full the oldest message is dropped and
 * counted lost. Thread-safe. */
void gst_yolor_mqtt_publish (GstYolorMqtt *m, const gchar *payload, gsize len);

/* Waits until the queue is empty or @timeout_ms passed.
 * Returns: TRUE if it is empty. */
gboolean gst_yolor_mqtt_flush (GstYolorMqtt *m, guint timeout_ms);

void gst_yolor_mqtt_get_stats (GstYolorMqtt *m, GstYolorMqttStats *out);

/* Stops the thread, disconnects and frees @m (NULL is allowed); what is
 * still queued is dropped and counted lost. */
void gst_yolor_mqtt_free (GstYolorMqtt *m);

G_END_DECLS

#endif /* GST_YOLOR_MQTT_H */
