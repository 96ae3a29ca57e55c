/* The process's thread pool: the one place the engine's kernels run in
 * parallel (yolor_parallel in kernels.h).
 *
 * A loop of n items is cut into chunks (one per thread by default, see
 * CHUNKS_PER_WORKER). The caller publishes the loop as the pool's job and
 * then claims chunks itself, like every helper that comes: a chunk is
 * claimed by one compare-and-swap on the job's ticket, (epoch << 32 | next
 * chunk), so no chunk belongs to a thread in advance. A helper that has not
 * woken yet, or lost its core before it came, leaves its chunk to the
 * others, and when it does come it finds the chunks gone or the epoch
 * changed and claims nothing. The caller returns once every chunk is done;
 * it never waits for a helper that has not claimed one. Waiting spins a few
 * microseconds, then sleeps on a futex, so that idle threads leave the
 * cores to whoever needs them.
 *
 * One job runs at a time. A loop started while another net's loop holds the
 * pool runs in its caller alone. Helpers are created on demand, as many as
 * the largest thread count asked for less one (the caller is a worker);
 * helper i is worker i and joins only jobs of more than i threads, so a
 * worker index is never used twice within a job.
 *
 * The job's description (function, context, sizes) is published under a
 * sequence number: a helper reads it, then checks the number is still the
 * epoch it woke for, before it trusts it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

#include "kernels.h"

#define MAX_HELPERS 255
/* Chunks per worker. One: finer chunks let the others take more of the
 * share of a thread that lost its core mid-loop, but each chunk has a setup
 * (a GEMM packs its blocks of B per chunk) and the chunks' boundaries share
 * cache lines; measured with one busy process on one of two cores, one
 * chunk per worker was as fast busy as two or four, and faster idle
 * (docs/performance.md). */
#define CHUNKS_PER_WORKER 1
/* Spinning before sleeping, in nanoseconds: long enough to bridge the gap
 * between one layer's loop and the next, short enough that a thread whose
 * core another process needs gives it up (5 µs was slower idle, 50 µs and
 * more slower busy). */
#define SPIN_NS 20000

/* Fields written by different threads live on different cache lines. */
#define LINE _Alignas(64)

typedef struct
{
  /* ticket: epoch << 32 | next chunk to claim */
  LINE uint64_t ticket;
  /* chunks of the current job finished; futex word of a sleeping caller */
  LINE uint32_t done;
  uint32_t caller_asleep;
  /* futex word the helpers sleep on: the latest epoch published */
  LINE uint32_t epoch;
  uint32_t helpers_asleep;
  /* the epoch whose description below is complete, 0 while one is written */
  LINE uint32_t seq;
  /* the job, valid while seq equals its epoch */
  yolor_chunk_fn fn;
  void *ctx;
  long n, n_chunks;
  int n_threads;
  /* 1 while a caller owns the pool */
  LINE int busy;
  int n_helpers;
  pthread_mutex_t grow;
} yolor_pool;

/* the process's pool (static): helpers are never stopped */
static yolor_pool pool = { .grow = PTHREAD_MUTEX_INITIALIZER };

static inline uint64_t
now_ns (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (uint64_t) t.tv_sec * 1000000000u + (uint64_t) t.tv_nsec;
}

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#endif
}

/* Sleeps while *word == val (or not at all). */
static void
word_wait (uint32_t *word, uint32_t val)
{
#ifdef __linux__
  syscall (SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
#else
  struct timespec t = { 0, 50000 };
  if (__atomic_load_n (word, __ATOMIC_ACQUIRE) == val)
    nanosleep (&t, NULL);
#endif
}

/* Wakes every thread asleep on @word. */
static void
word_wake (uint32_t *word)
{
#ifdef __linux__
  syscall (SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
#else
  (void) word;
#endif
}

/* Returns *word once it is no longer @val: spins SPIN_NS, then sleeps on
 * it, counted in *asleep so that whoever changes it knows to wake it (the
 * writer changes the word, then reads *asleep; both in sequential order, so
 * either the writer sees the sleeper or the futex sees the new value). */
static uint32_t
await_change (uint32_t *word, uint32_t val, uint32_t *asleep)
{
  uint64_t t0 = now_ns ();
  unsigned spins = 0;
  uint32_t v;
  while ((v = __atomic_load_n (word, __ATOMIC_ACQUIRE)) == val) {
    cpu_relax ();
    if ((++spins & 63) == 0 && now_ns () - t0 > SPIN_NS) {
      __atomic_add_fetch (asleep, 1, __ATOMIC_SEQ_CST);
      word_wait (word, val);
      __atomic_sub_fetch (asleep, 1, __ATOMIC_SEQ_CST);
      t0 = now_ns ();
    }
  }
  return v;
}

/* A chunk of epoch @e (of @n_chunks), or -1 when none is left. */
static long
claim (uint32_t e, long n_chunks)
{
  uint64_t t = __atomic_load_n (&pool.ticket, __ATOMIC_ACQUIRE);
  for (;;) {
    if ((uint32_t) (t >> 32) != e || (long) (uint32_t) t >= n_chunks)
      return -1;
    if (__atomic_compare_exchange_n (
            &pool.ticket, &t, t + 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
      return (long) (uint32_t) t;
  }
}

/* Runs chunks of epoch @e as @worker until none is left. */
static void
work (
    uint32_t e, yolor_chunk_fn fn, void *ctx, long n, long n_chunks, int worker)
{
  long c;
  while ((c = claim (e, n_chunks)) >= 0) {
    fn (ctx, n * c / n_chunks, n * (c + 1) / n_chunks, worker);
    if (__atomic_add_fetch (&pool.done, 1, __ATOMIC_SEQ_CST)
            == (uint32_t) n_chunks
        && __atomic_load_n (&pool.caller_asleep, __ATOMIC_SEQ_CST))
      word_wake (&pool.done);
  }
}

static void *
helper_main (void *data)
{
  int id = (int) (intptr_t) data;
  uint32_t seen = 0;
  for (;;) {
    uint32_t e = await_change (&pool.epoch, seen, &pool.helpers_asleep);
    yolor_chunk_fn fn;
    void *ctx;
    long n, n_chunks;
    int n_threads;
    seen = e;
    /* the job of epoch e, if it is still the one described */
    if (__atomic_load_n (&pool.seq, __ATOMIC_ACQUIRE) != e)
      continue;
    fn = __atomic_load_n (&pool.fn, __ATOMIC_RELAXED);
    ctx = __atomic_load_n (&pool.ctx, __ATOMIC_RELAXED);
    n = __atomic_load_n (&pool.n, __ATOMIC_RELAXED);
    n_chunks = __atomic_load_n (&pool.n_chunks, __ATOMIC_RELAXED);
    n_threads = __atomic_load_n (&pool.n_threads, __ATOMIC_RELAXED);
    __atomic_thread_fence (__ATOMIC_ACQUIRE);
    if (__atomic_load_n (&pool.seq, __ATOMIC_RELAXED) != e || id >= n_threads)
      continue;
    work (e, fn, ctx, n, n_chunks, id);
  }
  return NULL;
}

/* After fork() only the calling thread exists: the child starts with no
 * helpers and a free pool. */
static void
after_fork_child (void)
{
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  pool.n_helpers = 0;
  pool.busy = 0;
  pool.helpers_asleep = 0;
  pool.caller_asleep = 0;
  pool.grow = m;
}

/* Makes sure helpers 1 … want exist; returns how many do. */
static int
grow (int want)
{
  static int atfork_done;
  int have;
  if (want > MAX_HELPERS)
    want = MAX_HELPERS;
  have = __atomic_load_n (&pool.n_helpers, __ATOMIC_ACQUIRE);
  if (have >= want)
    return have;
  pthread_mutex_lock (&pool.grow);
  if (!atfork_done) {
    pthread_atfork (NULL, NULL, after_fork_child);
    atfork_done = 1;
  }
  while (pool.n_helpers < want) {
    pthread_t t;
    pthread_attr_t attr;
    int ok;
    pthread_attr_init (&attr);
    pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
    ok = pthread_create (
             &t, &attr, helper_main, (void *) (intptr_t) (pool.n_helpers + 1))
        == 0;
    pthread_attr_destroy (&attr);
    if (!ok)
      break; /* fewer helpers: the caller does more of the work */
    __atomic_store_n (&pool.n_helpers, pool.n_helpers + 1, __ATOMIC_RELEASE);
  }
  have = pool.n_helpers;
  pthread_mutex_unlock (&pool.grow);
  return have;
}

void
yolor_parallel (int n_threads, long n, long grain, yolor_chunk_fn fn, void *ctx)
{
  long n_chunks;
  uint32_t e, d;

  if (n <= 0)
    return;
  if (grain < 1)
    grain = 1;
  n_chunks = n / grain > 0 ? n / grain : 1; /* each at least grain items */
  if (n_threads > MAX_HELPERS + 1)
    n_threads = MAX_HELPERS + 1;
  if (n_chunks > (long) n_threads * CHUNKS_PER_WORKER)
    n_chunks = (long) n_threads * CHUNKS_PER_WORKER;
  if (n_threads <= 1 || n_chunks <= 1 || grow (n_threads - 1) < 1
      || __atomic_exchange_n (&pool.busy, 1, __ATOMIC_ACQUIRE)) {
    fn (ctx, 0, n, 0);
    return;
  }

  /* publish: invalidate the description, write it, then the epoch */
  e = pool.epoch + 1;
  if (e == 0)
    e = 1; /* 0 marks a description being written */
  __atomic_store_n (&pool.seq, 0, __ATOMIC_RELAXED);
  __atomic_thread_fence (__ATOMIC_RELEASE);
  __atomic_store_n (&pool.fn, fn, __ATOMIC_RELAXED);
  __atomic_store_n (&pool.ctx, ctx, __ATOMIC_RELAXED);
  __atomic_store_n (&pool.n, n, __ATOMIC_RELAXED);
  __atomic_store_n (&pool.n_chunks, n_chunks, __ATOMIC_RELAXED);
  __atomic_store_n (&pool.n_threads, n_threads, __ATOMIC_RELAXED);
  __atomic_store_n (&pool.done, 0, __ATOMIC_RELAXED);
  __atomic_store_n (&pool.seq, e, __ATOMIC_RELEASE);
  __atomic_store_n (&pool.ticket, (uint64_t) e << 32, __ATOMIC_RELEASE);
  __atomic_store_n (&pool.epoch, e, __ATOMIC_SEQ_CST);
  if (__atomic_load_n (&pool.helpers_asleep, __ATOMIC_SEQ_CST))
    word_wake (&pool.epoch);

  work (e, fn, ctx, n, n_chunks, 0);

  /* the chunks helpers claimed and still run */
  while ((d = __atomic_load_n (&pool.done, __ATOMIC_ACQUIRE))
      != (uint32_t) n_chunks)
    await_change (&pool.done, d, &pool.caller_asleep);
  __atomic_store_n (&pool.busy, 0, __ATOMIC_RELEASE);
}

typedef struct
{
  yolor_items_fn fn;
  void *ctx;
  int n; /* items handed out one by one */
  int next; /* atomic: the next item to claim */
} items_loop;

/* One chunk per thread, each claiming items one at a time while any is
 * left: a thread that lost its core takes fewer of them. */
static void
items_chunk (void *data, long lo, long hi, int worker)
{
  items_loop *q = data;
  int i;
  (void) lo;
  (void) hi;
  (void) worker;
  while ((i = __atomic_fetch_add (&q->next, 1, __ATOMIC_RELAXED)) < q->n)
    q->fn (q->ctx, i, i + 1);
}

void
yolor_parallel_items (int n_threads, int n, yolor_items_fn fn, void *ctx)
{
  int whole = n_threads > 1 ? n / n_threads * n_threads : 0;
  if (whole > 0) {
    items_loop q = { fn, ctx, whole, 0 };
    yolor_parallel (n_threads, n_threads, 1, items_chunk, &q);
  }
  if (whole < n)
    fn (ctx, whole, n);
}
