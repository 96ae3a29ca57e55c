/* Replays fuzz inputs without libFuzzer: each argument is a file or a
 * directory whose files (sorted by name; dot-files and README* skipped) are
 * passed one by one to the target's LLVMFuzzerTestOneInput, each in a buffer
 * of exactly its size. Linked with every fuzz-*.c into the *-replay
 * executables that the test suite runs over fuzz/regressions/ and the
 * generated seeds (fuzz/meson.build). A missing argument path is skipped
 * with a note. Prints how many inputs ran; fails when none did, unless
 * --allow-empty is given first.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz-util.h"

static int
run_file (const char *path)
{
  FILE *f = fopen (path, "rb");
  uint8_t *buf;
  long len;
  if (!f || fseek (f, 0, SEEK_END) != 0 || (len = ftell (f)) < 0
      || fseek (f, 0, SEEK_SET) != 0) {
    fprintf (stderr, "replay: cannot read %s: %s\n", path, strerror (errno));
    if (f)
      fclose (f);
    return -1;
  }
  /* exactly len bytes (malloc (0) may return NULL: ask for one then) */
  buf = malloc (len > 0 ? (size_t) len : 1);
  if (!buf || fread (buf, 1, (size_t) len, f) != (size_t) len) {
    fprintf (stderr, "replay: cannot read %s\n", path);
    free (buf);
    fclose (f);
    return -1;
  }
  fclose (f);
  fprintf (stderr, "replay: %s (%ld bytes)\n", path, len);
  LLVMFuzzerTestOneInput (buf, (size_t) len);
  free (buf);
  return 0;
}

static int
wanted_name (const struct dirent *d)
{
  return d->d_name[0] != '.' && strncmp (d->d_name, "README", 6) != 0;
}

/* Returns the number of inputs run, -1 on a read error. */
static int
run_path (const char *path)
{
  struct stat st;
  struct dirent **names;
  int n, ran = 0;

  if (stat (path, &st) != 0) {
    fprintf (stderr, "replay: %s does not exist, skipped\n", path);
    return 0;
  }
  if (!S_ISDIR (st.st_mode))
    return run_file (path) == 0 ? 1 : -1;
  n = scandir (path, &names, wanted_name, alphasort);
  if (n < 0) {
    fprintf (stderr, "replay: cannot list %s: %s\n", path, strerror (errno));
    return -1;
  }
  for (int i = 0; i < n; i++) {
    char *full = malloc (strlen (path) + strlen (names[i]->d_name) + 2);
    struct stat fst;
    if (!full)
      abort ();
    sprintf (full, "%s/%s", path, names[i]->d_name);
    if (ran >= 0 && stat (full, &fst) == 0 && S_ISREG (fst.st_mode))
      ran = run_file (full) == 0 ? ran + 1 : -1;
    free (full);
    free (names[i]);
  }
  free (names);
  return ran;
}

int
main (int argc, char **argv)
{
  int total = 0, first = 1, allow_empty = 0;
  if (argc > 1 && strcmp (argv[1], "--allow-empty") == 0) {
    allow_empty = 1;
    first = 2;
  }
  for (int i = first; i < argc; i++) {
    int n = run_path (argv[i]);
    if (n < 0)
      return 1;
    total += n;
  }
  printf ("replayed %d inputs\n", total);
  if (total == 0 && !allow_empty) {
    fprintf (stderr, "replay: no inputs found\n");
    return 1;
  }
  return 0;
}
