/* Opening model files: regular files only, with their size; UTF-8 text.
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

long
yolor_utf8_invalid_at (const unsigned char *s, size_t n)
{
  size_t i = 0;
  while (i < n) {
    unsigned char b = s[i];
    unsigned char lo = 0x80, hi = 0xbf;
    size_t len;
    if (b < 0x80) {
      i++;
      continue;
    }
    if (b >= 0xc2 && b <= 0xdf)
      len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b == 0xe0)
        lo = 0xa0; /* no overlong forms */
      else if (b == 0xed)
        hi = 0x9f; /* no surrogates */
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b == 0xf0)
        lo = 0x90;
      else if (b == 0xf4)
        hi = 0x8f; /* nothing above U+10FFFF */
    } else
      return (long) i;
    if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
      return (long) i;
    for (size_t k = 2; k < len; k++)
      if ((s[i + k] & 0xc0) != 0x80)
        return (long) i;
    i += len;
  }
  return -1;
}
