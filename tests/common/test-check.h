/* The Check runner every engine test ends with.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_TEST_CHECK_H
#define YOLOR_TEST_CHECK_H

#include <check.h>
#include <stdlib.h>

/* ck_assert_msg for checks inside loops over many values: Check records
 * the location of every passing ck_assert (a write to its log each time),
 * which makes per-value checks cost a system call; this checks first. */
#define TU_CHECK(cond, ...)                                                    \
  do {                                                                         \
    if (!(cond))                                                               \
      ck_abort_msg (__VA_ARGS__);                                              \
  } while (0)

/* Runs @s (transferred) and returns the process exit status. */
static inline int
tu_run_suite (Suite *s)
{
  SRunner *sr = srunner_create (s);
  int failed;
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
