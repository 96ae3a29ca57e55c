/* In-memory files and the byte reader of the fuzz targets (fuzz-util.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-util.h"

static int fds[FUZZ_N_FILES] = { -1, -1, -1, -1 };
static char paths[FUZZ_N_FILES][4096];
static int is_tmp[FUZZ_N_FILES];

static void
remove_tmp_files (void)
{
  for (int i = 0; i < FUZZ_N_FILES; i++)
    if (is_tmp[i])
      unlink (paths[i]);
}

static int
open_slot (int slot)
{
  const char *dir = getenv ("TMPDIR");
  int fd = memfd_create ("yolor-fuzz", MFD_CLOEXEC);

  if (fd >= 0) {
    snprintf (paths[slot], sizeof (paths[slot]), "/proc/self/fd/%d", fd);
    if (access (paths[slot], R_OK) == 0)
      return fd;
    close (fd);
  }
  /* no memfd or no /proc: a real file */
  if (snprintf (paths[slot], sizeof (paths[slot]), "%s/yolor-fuzz-XXXXXX",
          dir && dir[0] ? dir : "/tmp")
          >= (int) sizeof (paths[slot])
      || (fd = mkstemp (paths[slot])) < 0) {
    fprintf (stderr, "fuzz: cannot create a scratch file in %s\n",
        dir && dir[0] ? dir : "/tmp");
    abort ();
  }
  if (!is_tmp[0] && !is_tmp[1] && !is_tmp[2] && !is_tmp[3])
    atexit (remove_tmp_files);
  is_tmp[slot] = 1;
  return fd;
}

const char *
fuzz_file (int slot, const uint8_t *data, size_t size)
{
  size_t done = 0;
  if (slot < 0 || slot >= FUZZ_N_FILES)
    abort ();
  if (fds[slot] < 0)
    fds[slot] = open_slot (slot);
  if (ftruncate (fds[slot], 0) != 0) {
    perror ("fuzz: ftruncate");
    abort ();
  }
  while (done < size) {
    ssize_t n = pwrite (fds[slot], data + done, size - done, (off_t) done);
    if (n <= 0) {
      perror ("fuzz: pwrite");
      abort ();
    }
    done += (size_t) n;
  }
  return paths[slot];
}

unsigned
fuzz_u8 (fuzz_bytes *b)
{
  if (b->n == 0)
    return 0;
  b->n--;
  return *b->p++;
}

unsigned
fuzz_u16 (fuzz_bytes *b)
{
  unsigned lo = fuzz_u8 (b);
  return lo | fuzz_u8 (b) << 8;
}

void
fuzz_check (int ok, const char *what)
{
  if (!ok) {
    fprintf (stderr, "fuzz: broken promise: %s\n", what);
    abort ();
  }
}
