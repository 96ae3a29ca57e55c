/* gst-yolor element tests: GLib's locks made visible to ThreadSanitizer.
 *
 * GLib implements GMutex, GRecMutex and GCond on Linux with futexes, not
 * pthreads, so ThreadSanitizer (which intercepts pthreads) does not see
 * GST_OBJECT_LOCK, the pads' stream locks or the state locks, and reports
 * every access they protect as a race. Linked into the test programs of a
 * -Db_sanitize=thread build only, these definitions take the place of
 * GLib's for every call made through the dynamic linker (GStreamer's,
 * the plugin's and the test's), run the real function, and tell
 * ThreadSanitizer what it synchronises.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

#include <glib.h>
#include <sanitizer/tsan_interface.h>

/* Declared here, defined by this file: not part of any header. */
void g_mutex_lock (GMutex *m);
gboolean g_mutex_trylock (GMutex *m);
void g_mutex_unlock (GMutex *m);
void g_rec_mutex_lock (GRecMutex *m);
gboolean g_rec_mutex_trylock (GRecMutex *m);
void g_rec_mutex_unlock (GRecMutex *m);
void g_cond_wait (GCond *c, GMutex *m);
gboolean g_cond_wait_until (GCond *c, GMutex *m, gint64 end_time);
void g_cond_signal (GCond *c);
void g_cond_broadcast (GCond *c);
GThreadPool *g_thread_pool_new (GFunc func, gpointer user_data,
    gint max_threads, gboolean exclusive, GError **error);
gboolean g_thread_pool_push (GThreadPool *pool, gpointer data, GError **error);

typedef void (*mutex_fn) (GMutex *);
typedef gboolean (*mutex_try_fn) (GMutex *);
typedef void (*rec_fn) (GRecMutex *);
typedef gboolean (*rec_try_fn) (GRecMutex *);
typedef void (*wait_fn) (GCond *, GMutex *);
typedef gboolean (*wait_until_fn) (GCond *, GMutex *, gint64);
typedef void (*cond_fn) (GCond *);
typedef GThreadPool *(*pool_new_fn) (
    GFunc, gpointer, gint, gboolean, GError **);
typedef gboolean (*pool_push_fn) (GThreadPool *, gpointer, GError **);

/* The real GLib function @name, looked up on first use (which can come
 * from another library's constructor, before main) and kept in an atomic
 * slot. */
static void *
find_real (void **slot, const char *name)
{
  void *f = __atomic_load_n (slot, __ATOMIC_ACQUIRE);

  if (!f) {
    f = dlsym (RTLD_NEXT, name);
    __atomic_store_n (slot, f, __ATOMIC_RELEASE);
  }
  return f;
}

#define REAL(name, type)                                                       \
  static void *slot_##name;                                                    \
  type real_##name = (type) find_real (&slot_##name, #name)

void
g_mutex_lock (GMutex *m)
{
  REAL (g_mutex_lock, mutex_fn);
  real_g_mutex_lock (m);
  __tsan_acquire (m);
}

gboolean
g_mutex_trylock (GMutex *m)
{
  REAL (g_mutex_trylock, mutex_try_fn);
  gboolean ok;
  ok = real_g_mutex_trylock (m);
  if (ok)
    __tsan_acquire (m);
  return ok;
}

void
g_mutex_unlock (GMutex *m)
{
  REAL (g_mutex_unlock, mutex_fn);
  __tsan_release (m);
  real_g_mutex_unlock (m);
}

void
g_rec_mutex_lock (GRecMutex *m)
{
  REAL (g_rec_mutex_lock, rec_fn);
  real_g_rec_mutex_lock (m);
  __tsan_acquire (m);
}

gboolean
g_rec_mutex_trylock (GRecMutex *m)
{
  REAL (g_rec_mutex_trylock, rec_try_fn);
  gboolean ok;
  ok = real_g_rec_mutex_trylock (m);
  if (ok)
    __tsan_acquire (m);
  return ok;
}

void
g_rec_mutex_unlock (GRecMutex *m)
{
  REAL (g_rec_mutex_unlock, rec_fn);
  __tsan_release (m);
  real_g_rec_mutex_unlock (m);
}

void
g_cond_wait (GCond *c, GMutex *m)
{
  REAL (g_cond_wait, wait_fn);
  __tsan_release (m);
  real_g_cond_wait (c, m);
  __tsan_acquire (m);
  __tsan_acquire (c);
}

gboolean
g_cond_wait_until (GCond *c, GMutex *m, gint64 end_time)
{
  REAL (g_cond_wait_until, wait_until_fn);
  gboolean ok;
  __tsan_release (m);
  ok = real_g_cond_wait_until (c, m, end_time);
  __tsan_acquire (m);
  __tsan_acquire (c);
  return ok;
}

void
g_cond_signal (GCond *c)
{
  REAL (g_cond_signal, cond_fn);
  __tsan_release (c);
  real_g_cond_signal (c);
}

void
g_cond_broadcast (GCond *c)
{
  REAL (g_cond_broadcast, cond_fn);
  __tsan_release (c);
  real_g_cond_broadcast (c);
}

/* GThreadPool hands each pushed item to a worker through a GAsyncQueue,
 * whose lock GLib takes inside itself. GstTaskPool pushes an item it has
 * just allocated and the worker frees it: without this the free reads as a
 * race with the allocation. A push releases the item, the worker acquires
 * it before the pool's function runs (a trampoline in front of it). */
typedef struct
{
  GFunc func;
  gpointer user_data;
} pool_func;

static void
pool_trampoline (gpointer data, gpointer user_data)
{
  const pool_func *f = user_data;
  __tsan_acquire (data);
  f->func (data, f->user_data);
}

GThreadPool *
g_thread_pool_new (GFunc func, gpointer user_data, gint max_threads,
    gboolean exclusive, GError **error)
{
  REAL (g_thread_pool_new, pool_new_fn);
  /* one per pool, kept for the process (a test makes a few) */
  pool_func *f = malloc (sizeof (*f));
  if (!f)
    return real_g_thread_pool_new (
        func, user_data, max_threads, exclusive, error);
  f->func = func;
  f->user_data = user_data;
  return real_g_thread_pool_new (
      pool_trampoline, f, max_threads, exclusive, error);
}

gboolean
g_thread_pool_push (GThreadPool *pool, gpointer data, GError **error)
{
  REAL (g_thread_pool_push, pool_push_fn);
  __tsan_release (data);
  return real_g_thread_pool_push (pool, data, error);
}
