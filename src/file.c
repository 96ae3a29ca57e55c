/* Opening model files: regular files only, with their size.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yolor-private.h"

FILE *
yolor_file_open (
    const char *path, const char *what, int64_t *size_out, yolor_error *err)
{
  struct stat st;
  FILE *f;
  /* O_NONBLOCK: opening a FIFO without a writer must not hang; it is
   * rejected below like every other file that is not regular */
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0) {
    yolor_error_set (err, YOLOR_ERR_IO, "%s: cannot open the %s: %s", path,
        what, strerror (errno));
    return NULL;
  }
  if (fstat (fd, &st) != 0) {
    yolor_error_set (err, YOLOR_ERR_IO, "%s: cannot read the %s: %s", path,
        what, strerror (errno));
    close (fd);
    return NULL;
  }
  if (S_ISDIR (st.st_mode)) {
    yolor_error_set (
        err, YOLOR_ERR_IO, "%s: is a directory, not a %s file", path, what);
    close (fd);
    return NULL;
  }
  if (!S_ISREG (st.st_mode)) {
    yolor_error_set (err, YOLOR_ERR_IO,
        "%s: is not a regular file (a %s file must be one)", path, what);
    close (fd);
    return NULL;
  }
  /* back to blocking reads (regular files ignore the flag anyway) */
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
  f = fdopen (fd, "rb");
  if (!f) {
    yolor_error_set (err, YOLOR_ERR_IO, "%s: cannot read the %s: %s", path,
        what, strerror (errno));
    close (fd);
    return NULL;
  }
  *size_out = (int64_t) st.st_size;
  return f;
}
