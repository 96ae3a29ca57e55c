/* The thread pool (yolor_parallel):
 *  - every item of [0, n) runs exactly once, for odd n, grains and thread
 *    counts (more threads than cores too), with worker indices below the
 *    thread count and never two running chunks on one index;
 *  - every chunk has at least @grain items (unless n has fewer);
 *  - several threads calling at once, each with its own loops, and a call
 *    from inside a chunk, all complete with every item once;
 *  - a loop started while another holds the pool does not wait for it: one
 *    caller's chunk blocks until a second caller's whole loop has run;
 *  - yolor_parallel_items: every item once; with n ≥ threads, the first
 *    threads·⌊n/threads⌋ items one call each, whose own loops run alone (in
 *    their thread), the rest in one call;
 *  - after fork() the child's loops run (its helpers are gone; not under
 *    ThreadSanitizer, which cannot start threads in such a child).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <string.h>
#include <unistd.h>

#include "../common/test-check.h"
#include "kernels/kernels.h"

#define MAX_WORKERS 16

/* ThreadSanitizer cannot start threads in a child forked from a process
 * that has threads: the fork case runs in the other builds only. */
#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif

typedef struct
{
  int *count; /* per item, incremented atomically */
  int busy[MAX_WORKERS]; /* 1 while a chunk runs on that worker index */
  int n_threads;
  long grain, n;
  int bad_worker, reused_worker, short_chunk;
} loop_check;

static void
count_items (void *data, long lo, long hi, int worker)
{
  loop_check *q = data;
  if (worker < 0 || worker >= q->n_threads || worker >= MAX_WORKERS) {
    __atomic_store_n (&q->bad_worker, 1, __ATOMIC_RELAXED);
    return;
  }
  if (__atomic_exchange_n (&q->busy[worker], 1, __ATOMIC_ACQ_REL))
    __atomic_store_n (&q->reused_worker, 1, __ATOMIC_RELAXED);
  if (hi - lo < q->grain && hi - lo != q->n)
    __atomic_store_n (&q->short_chunk, 1, __ATOMIC_RELAXED);
  for (long i = lo; i < hi; i++)
    __atomic_add_fetch (&q->count[i], 1, __ATOMIC_RELAXED);
  __atomic_store_n (&q->busy[worker], 0, __ATOMIC_RELEASE);
}

/* Runs one loop of @fn (count_items, or a chunk that calls it) and checks
 * it; returns 0 when it was right. */
static int
run_loop_of (yolor_chunk_fn fn, int n_threads, long n, long grain)
{
  loop_check q = { 0 };
  int ok = 1;
  q.count = calloc ((size_t) n + 1, sizeof (int));
  q.n_threads = n_threads;
  q.grain = grain < 1 ? 1 : grain;
  q.n = n;
  yolor_parallel (n_threads, n, grain, fn, &q);
  for (long i = 0; i < n; i++)
    ok &= q.count[i] == 1;
  ok &= !q.bad_worker && !q.reused_worker && !q.short_chunk;
  free (q.count);
  return ok ? 0 : -1;
}

static int
run_loop (int n_threads, long n, long grain)
{
  return run_loop_of (count_items, n_threads, n, grain);
}

static const long sizes[] = { 0, 1, 2, 3, 7, 64, 1000, 100003 };
static const long grains[] = { 0, 1, 3, 1000 };
static const int threads[] = { 1, 2, 3, 8 };

START_TEST (test_items_once)
{
  for (size_t a = 0; a < sizeof (sizes) / sizeof (sizes[0]); a++)
    for (size_t b = 0; b < sizeof (grains) / sizeof (grains[0]); b++)
      for (size_t c = 0; c < sizeof (threads) / sizeof (threads[0]); c++)
        for (int rep = 0; rep < 20; rep++)
          TU_CHECK (run_loop (threads[c], sizes[a], grains[b]) == 0,
              "n %ld grain %ld threads %d (repetition %d): an item ran "
              "other than once, a worker index was out of range or used "
              "twice at once, or a chunk was shorter than the grain",
              sizes[a], grains[b], threads[c], rep);
}
END_TEST

/* ---- several callers, and a call from inside a chunk ---- */

typedef struct
{
  int n_threads;
  int failures;
} caller;

static void
nested_chunk (void *data, long lo, long hi, int worker)
{
  loop_check *q = data;
  count_items (q, lo, hi, worker);
  /* a loop of its own from inside this one: runs in this thread */
  if (run_loop (2, 37, 1) != 0)
    __atomic_store_n (&q->bad_worker, 1, __ATOMIC_RELAXED);
}

static void *
caller_main (void *data)
{
  caller *c = data;
  for (int i = 0; i < 300; i++) {
    long n = 1 + (i * 7919) % 513;
    if (run_loop (c->n_threads, n, 1 + i % 5) != 0)
      c->failures++;
    if (run_loop_of (nested_chunk, c->n_threads, n, 1) != 0)
      c->failures++;
  }
  return NULL;
}

START_TEST (test_concurrent_callers)
{
  enum
  {
    N_CALLERS = 4
  };
  pthread_t t[N_CALLERS];
  caller c[N_CALLERS];
  for (int i = 0; i < N_CALLERS; i++) {
    c[i].n_threads = 2 + i % 3;
    c[i].failures = 0;
    ck_assert_int_eq (pthread_create (&t[i], NULL, caller_main, &c[i]), 0);
  }
  for (int i = 0; i < N_CALLERS; i++) {
    pthread_join (t[i], NULL);
    ck_assert_msg (c[i].failures == 0,
        "caller %d (%d threads): %d of its loops went wrong", i, c[i].n_threads,
        c[i].failures);
  }
}
END_TEST

/* ---- a loop holding the pool does not hold up another caller ---- */

typedef struct
{
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int second_done;
} hold;

/* Chunk 0 waits until the second caller's loop is done. */
static void
holding_chunk (void *data, long lo, long hi, int worker)
{
  hold *h = data;
  (void) hi;
  (void) worker;
  if (lo != 0)
    return;
  pthread_mutex_lock (&h->lock);
  while (!h->second_done)
    pthread_cond_wait (&h->cond, &h->lock);
  pthread_mutex_unlock (&h->lock);
}

static void *
holder_main (void *data)
{
  yolor_parallel (2, 4, 1, holding_chunk, data);
  return NULL;
}

START_TEST (test_busy_pool_runs_alone)
{
  hold h = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
  pthread_t t;
  int ok;
  ck_assert_int_eq (pthread_create (&t, NULL, holder_main, &h), 0);
  /* whether the holder has the pool yet or not, this loop must finish */
  for (int i = 0; i < 50; i++)
    ck_assert_int_eq (run_loop (2, 1000, 1), 0);
  ok = run_loop (2, 1000, 1) == 0;
  pthread_mutex_lock (&h.lock);
  h.second_done = 1;
  pthread_cond_broadcast (&h.cond);
  pthread_mutex_unlock (&h.lock);
  pthread_join (t, NULL);
  ck_assert (ok);
}
END_TEST

/* yolor_parallel_items: what ran, and in which calls. */
typedef struct
{
  int runs[64]; /* per item */
  int n_calls;
  int lo[64], hi[64], alone[64]; /* per call */
  pthread_mutex_t lock;
} items_record;

static void
inner_chunk (void *ctx, long lo, long hi, int worker)
{
  int *workers = ctx; /* a bit per worker index seen */
  (void) lo;
  (void) hi;
  __atomic_fetch_or (workers, 1 << worker, __ATOMIC_RELAXED);
}

static void
record_items (void *ctx, int lo, int hi)
{
  items_record *r = ctx;
  int workers = 0, k;
  /* a loop inside a pool chunk runs in its thread alone, as worker 0 */
  yolor_parallel (2, 64, 1, inner_chunk, &workers);
  pthread_mutex_lock (&r->lock);
  for (int i = lo; i < hi; i++)
    r->runs[i]++;
  k = r->n_calls++;
  r->lo[k] = lo;
  r->hi[k] = hi;
  r->alone[k] = workers == 1;
  pthread_mutex_unlock (&r->lock);
}

START_TEST (test_parallel_items)
{
  static const int ns[] = { 1, 2, 3, 4, 5, 7, 8 };
  for (size_t c = 0; c < sizeof (ns) / sizeof (ns[0]); c++)
    for (int nt = 1; nt <= 3; nt++) {
      int n = ns[c], whole = nt > 1 ? n / nt * nt : 0, rest = 0, chunks = 0;
      items_record r;
      memset (&r, 0, sizeof (r));
      pthread_mutex_init (&r.lock, NULL);
      yolor_parallel_items (nt, n, record_items, &r);
      for (int i = 0; i < n; i++)
        ck_assert_msg (r.runs[i] == 1, "n=%d threads=%d: item %d ran %d times",
            n, nt, i, r.runs[i]);
      for (int k = 0; k < r.n_calls; k++) {
        if (r.lo[k] == whole && r.hi[k] == n) {
          rest++; /* the rest: one call */
          continue;
        }
        /* the whole items: one call each, its loops run alone */
        chunks++;
        ck_assert_msg (r.hi[k] <= whole && r.hi[k] - r.lo[k] == 1 && r.alone[k],
            "n=%d threads=%d: call [%d, %d) (alone %d)", n, nt, r.lo[k],
            r.hi[k], r.alone[k]);
      }
      ck_assert_msg (chunks == whole && rest == (whole < n),
          "n=%d threads=%d: %d single items and %d calls for the rest", n, nt,
          chunks, rest);
      pthread_mutex_destroy (&r.lock);
    }
}
END_TEST

START_TEST (test_fork)
{
  pid_t pid;
  int status = 0;
  ck_assert_int_eq (run_loop (2, 1000, 1), 0); /* helpers exist now */
  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    _exit (run_loop (2, 1000, 1) == 0 && run_loop (3, 5000, 7) == 0 ? 0 : 1);
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0,
      "the child's loops failed or hung (status %d)", status);
}
END_TEST

static Suite *
pool_suite (void)
{
  Suite *s = suite_create ("pool");
  TCase *tc = tcase_create ("pool");
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_items_once);
  tcase_add_test (tc, test_concurrent_callers);
  tcase_add_test (tc, test_busy_pool_runs_alone);
  tcase_add_test (tc, test_parallel_items);
#ifndef UNDER_TSAN
  tcase_add_test (tc, test_fork);
#endif
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return tu_run_suite (pool_suite ());
}
