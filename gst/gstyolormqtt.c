/* gst-yolor: an MQTT publisher with a bounded queue that outlives the
 * broker's restarts.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One thread owns the libmosquitto client: it connects, sends what is
 * queued, reads the acknowledgements (mosquitto_loop) and, when the
 * connection is lost, starts a fresh client (dropping libmosquitto's own
 * copies) and resends every message not yet acknowledged. A message leaves
 * the queue when the broker acknowledges it (QoS 1, 2) or it was written
 * (QoS 0), so a restart of the broker loses nothing while the queue has
 * room; QoS 1 may deliver a message twice, as the protocol allows.
 */
#include "gstyolormqtt.h"

#include <errno.h>
#include <string.h>

#include <mosquitto.h>

/* How long one mosquitto_loop() call waits on the socket, ms: the most a
 * queued message waits for the thread. */
#define LOOP_MS 10
#define KEEPALIVE_S 30
/* Longest wait for a connection to be accepted (the broker's CONNACK). */
#define CONNACK_WAIT_US (5 * G_USEC_PER_SEC)

typedef struct _Msg
{
  gchar *payload; /* owned */
  gsize len;
  gint mid; /* id on the current connection; 0: not sent on it yet */
} Msg;

struct _GstYolorMqtt
{
  gchar *host, *client_id, *topic; /* owned */
  gint port, qos;
  guint max_queue, reconnect_max_s;

  struct mosquitto *mosq; /* owned; used by the thread only once it runs */
  GThread *thread; /* owned */

  GMutex lock; /* guards what follows */
  GCond cond; /* the queue emptied, a connection came, stop was asked */
  GQueue queue; /* Msg* (owned), oldest first */
  gboolean connected; /* the broker accepted the current connection */
  gint connack; /* its answer, -1 before it came */
  gboolean stop;
  GstYolorMqttStats stats;
};

G_DEFINE_QUARK (gst - yolor - mqtt - error - quark, gst_yolor_mqtt_error)

static void
msg_free (gpointer data)
{
  Msg *m = data;

  g_free (m->payload);
  g_free (m);
}

static void
on_connect (struct mosquitto *mosq, void *obj, int rc)
{
  GstYolorMqtt *m = obj;

  (void) mosq;
  g_mutex_lock (&m->lock);
  m->connack = rc;
  m->connected = rc == 0;
  if (rc == 0)
    m->stats.connections++;
  g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);
}

/* The broker acknowledged @mid (QoS 1, 2; QoS 0 is settled at sending). */
static void
on_publish (struct mosquitto *mosq, void *obj, int mid)
{
  GstYolorMqtt *m = obj;

  (void) mosq;
  if (m->qos == 0)
    return;
  g_mutex_lock (&m->lock);
  for (GList *l = m->queue.head; l; l = l->next) {
    Msg *msg = l->data;

    if (msg->mid == mid) {
      g_queue_delete_link (&m->queue, l);
      msg_free (msg);
      m->stats.published++;
      break;
    }
  }
  if (m->queue.length == 0)
    g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);
}

static void
set_callbacks (GstYolorMqtt *m)
{
  mosquitto_connect_callback_set (m->mosq, on_connect);
  mosquitto_publish_callback_set (m->mosq, on_publish);
}

/* A fresh client after a lost connection: whatever libmosquitto still
 * held is dropped, the queue is sent again from its start. */
static void
reset_client (GstYolorMqtt *m)
{
  mosquitto_reinitialise (m->mosq, m->client_id, TRUE, m);
  set_callbacks (m);
  g_mutex_lock (&m->lock);
  m->connected = FALSE;
  m->connack = -1;
  for (GList *l = m->queue.head; l; l = l->next)
    ((Msg *) l->data)->mid = 0;
  g_mutex_unlock (&m->lock);
}

/* Sends every queued message not yet sent on this connection. */
static gboolean
send_queued (GstYolorMqtt *m)
{
  gboolean ok = TRUE;

  g_mutex_lock (&m->lock);
  for (GList *l = m->queue.head, *next; ok && m->connected && l; l = next) {
    Msg *msg = l->data;
    gint mid = 0, rc;

    next = l->next;
    if (msg->mid != 0)
      continue;
    rc = mosquitto_publish (
        m->mosq, &mid, m->topic, (int) msg->len, msg->payload, m->qos, FALSE);
    if (rc != MOSQ_ERR_SUCCESS) {
      ok = FALSE;
    } else if (m->qos == 0) {
      g_queue_delete_link (&m->queue, l);
      msg_free (msg);
      m->stats.published++;
    } else {
      msg->mid = mid;
    }
  }
  if (m->queue.length == 0)
    g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);
  return ok;
}

/* Waits @us or until stop is asked. Returns: TRUE when asked to stop. */
static gboolean
wait_or_stop (GstYolorMqtt *m, gint64 us)
{
  gint64 end = g_get_monotonic_time () + us;
  gboolean stop;

  g_mutex_lock (&m->lock);
  while (!m->stop && g_cond_wait_until (&m->cond, &m->lock, end))
    ;
  stop = m->stop;
  g_mutex_unlock (&m->lock);
  return stop;
}

/* The next wait between reconnection tries. */
static guint
next_backoff (GstYolorMqtt *m, guint s)
{
  return MIN (s * 2, MAX (m->reconnect_max_s, 1));
}

static gpointer
mqtt_thread (gpointer data)
{
  GstYolorMqtt *m = data;
  gboolean socket_up = TRUE; /* gst_yolor_mqtt_new() connected */
  guint backoff_s = 1;
  gint64 attempt = g_get_monotonic_time ();

  for (;;) {
    gboolean ok, connected, refused, stop;

    g_mutex_lock (&m->lock);
    stop = m->stop;
    g_mutex_unlock (&m->lock);
    if (stop)
      break;
    if (!socket_up) {
      /* not blocking: a broker that does not answer cannot hold stop */
      attempt = g_get_monotonic_time ();
      if (mosquitto_connect_async (m->mosq, m->host, m->port, KEEPALIVE_S)
          != MOSQ_ERR_SUCCESS) {
        if (wait_or_stop (m, backoff_s * G_USEC_PER_SEC))
          break;
        backoff_s = next_backoff (m, backoff_s);
        continue;
      }
      socket_up = TRUE;
    }
    ok = mosquitto_loop (m->mosq, LOOP_MS, 1) == MOSQ_ERR_SUCCESS
        && send_queued (m);
    g_mutex_lock (&m->lock);
    connected = m->connected;
    refused = m->connack > 0;
    g_mutex_unlock (&m->lock);
    if (ok && connected) {
      backoff_s = 1;
      continue;
    }
    if (ok && !refused && g_get_monotonic_time () - attempt < CONNACK_WAIT_US)
      continue; /* still connecting */
    /* lost (try again at once), or the attempt failed (wait first) */
    reset_client (m);
    socket_up = FALSE;
    if (!connected) {
      if (wait_or_stop (m, backoff_s * G_USEC_PER_SEC))
        break;
      backoff_s = next_backoff (m, backoff_s);
    }
  }
  mosquitto_disconnect (m->mosq);
  mosquitto_loop (m->mosq, LOOP_MS, 1);
  return NULL;
}

static gpointer
lib_init (gpointer unused)
{
  (void) unused;
  mosquitto_lib_init ();
  return NULL;
}

/* The first connection, before the thread runs. */
static gboolean
first_connect (GstYolorMqtt *m, guint attempts, GError **error)
{
  gint rc = MOSQ_ERR_SUCCESS, err = 0;
  gint64 end;

  for (guint i = 0; i < MAX (attempts, 1); i++) {
    if (i > 0)
      g_usleep (G_USEC_PER_SEC);
    errno = 0;
    rc = mosquitto_connect (m->mosq, m->host, m->port, KEEPALIVE_S);
    err = errno;
    if (rc == MOSQ_ERR_SUCCESS)
      break;
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    g_set_error (error, GST_YOLOR_MQTT_ERROR, GST_YOLOR_MQTT_ERROR_CONNECT,
        "cannot connect to the MQTT broker at %s:%d: %s", m->host, m->port,
        rc == MOSQ_ERR_ERRNO ? g_strerror (err) : mosquitto_strerror (rc));
    return FALSE;
  }
  end = g_get_monotonic_time () + CONNACK_WAIT_US;
  while (g_get_monotonic_time () < end) {
    gint connack;

    rc = mosquitto_loop (m->mosq, 100, 1);
    g_mutex_lock (&m->lock);
    connack = m->connack;
    g_mutex_unlock (&m->lock);
    if (connack == 0)
      return TRUE;
    if (connack > 0) {
      g_set_error (error, GST_YOLOR_MQTT_ERROR, GST_YOLOR_MQTT_ERROR_REFUSED,
          "the MQTT broker at %s:%d refused the connection: %s", m->host,
          m->port, mosquitto_connack_string (connack));
      return FALSE;
    }
    if (rc != MOSQ_ERR_SUCCESS)
      break;
  }
  g_set_error (error, GST_YOLOR_MQTT_ERROR, GST_YOLOR_MQTT_ERROR_CONNECT,
      "the MQTT broker at %s:%d did not answer the connection", m->host,
      m->port);
  return FALSE;
}

GstYolorMqtt *
gst_yolor_mqtt_new (const GstYolorMqttConfig *c, GError **error)
{
  static GOnce once = G_ONCE_INIT;
  GstYolorMqtt *m;

  g_once (&once, lib_init, NULL);
  m = g_new0 (GstYolorMqtt, 1);
  m->host = g_strdup (c->host);
  m->client_id = g_strdup (c->client_id);
  m->topic = g_strdup (c->topic);
  m->port = c->port;
  m->qos = CLAMP (c->qos, 0, 2);
  m->max_queue = MAX (c->max_queue, 1);
  m->reconnect_max_s = c->reconnect_max_s;
  m->connack = -1;
  g_mutex_init (&m->lock);
  g_cond_init (&m->cond);
  g_queue_init (&m->queue);
  m->mosq = mosquitto_new (m->client_id, TRUE, m);
  if (m->mosq == NULL) {
    g_set_error (error, GST_YOLOR_MQTT_ERROR, GST_YOLOR_MQTT_ERROR_CONNECT,
        "cannot create an MQTT client: %s", g_strerror (errno));
    gst_yolor_mqtt_free (m);
    return NULL;
  }
  set_callbacks (m);
  if (!first_connect (m, c->connect_attempts, error)) {
    gst_yolor_mqtt_free (m);
    return NULL;
  }
  m->thread = g_thread_new ("yolor-mqtt", mqtt_thread, m);
  return m;
}

void
gst_yolor_mqtt_publish (GstYolorMqtt *m, const gchar *payload, gsize len)
{
  Msg *msg = g_new0 (Msg, 1);

  msg->payload = g_memdup2 (payload, len);
  msg->len = len;
  g_mutex_lock (&m->lock);
  /* full: the oldest goes (the newest results matter most) */
  while (m->queue.length >= m->max_queue) {
    msg_free (g_queue_pop_head (&m->queue));
    m->stats.lost++;
  }
  g_queue_push_tail (&m->queue, msg);
  g_mutex_unlock (&m->lock);
}

gboolean
gst_yolor_mqtt_flush (GstYolorMqtt *m, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean empty;

  g_mutex_lock (&m->lock);
  while (m->queue.length > 0 && g_cond_wait_until (&m->cond, &m->lock, end))
    ;
  empty = m->queue.length == 0;
  g_mutex_unlock (&m->lock);
  return empty;
}

void
gst_yolor_mqtt_get_stats (GstYolorMqtt *m, GstYolorMqttStats *out)
{
  g_mutex_lock (&m->lock);
  *out = m->stats;
  out->queued = m->queue.length;
  g_mutex_unlock (&m->lock);
}

void
gst_yolor_mqtt_free (GstYolorMqtt *m)
{
  if (m == NULL)
    return;
  if (m->thread) {
    g_mutex_lock (&m->lock);
    m->stop = TRUE;
    g_cond_broadcast (&m->cond);
    g_mutex_unlock (&m->lock);
    g_thread_join (m->thread);
  }
  if (m->mosq)
    mosquitto_destroy (m->mosq);
  g_queue_clear_full (&m->queue, msg_free);
  g_mutex_clear (&m->lock);
  g_cond_clear (&m->cond);
  g_free (m->host);
  g_free (m->client_id);
  g_free (m->topic);
  g_free (m);
}
