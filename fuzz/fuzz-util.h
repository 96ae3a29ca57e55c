/* Helpers shared by the fuzz targets in fuzz/ (not part of libyolor):
 * in-memory files for the readers that take a path, and a byte reader that
 * turns the front of a fuzz input into parameters.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_FUZZ_UTIL_H
#define YOLOR_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_N_FILES 4

/* The libFuzzer entry point every target defines (fuzz-*.c) and both
 * libFuzzer and fuzz/replay.c call. */
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Replaces the contents of in-memory file @slot (0 … FUZZ_N_FILES-1) with
 * @data and returns a path that fopen() reads them from (static storage).
 * A memfd (/proc/self/fd/N), else an unlinked-at-exit file in $TMPDIR.
 * Aborts when neither works: the target cannot run. */
const char *fuzz_file (int slot, const uint8_t *data, size_t size);

/* Consumes the fuzz input from the front; zeros once it is exhausted. */
typedef struct
{
  const uint8_t *p;
  size_t n;
} fuzz_bytes;

unsigned fuzz_u8 (fuzz_bytes *b);

/* Aborts, printing "broken promise: @what" (which scripts/fuzz.sh reports),
 * unless @ok: for what a target checks beyond the sanitizers. */
void fuzz_check (int ok, const char *what);
unsigned fuzz_u16 (fuzz_bytes *b);

#endif /* YOLOR_FUZZ_UTIL_H */
