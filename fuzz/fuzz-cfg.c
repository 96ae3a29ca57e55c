/* Fuzz target: the cfg reader (src/load/cfg.c, yolor_cfg_read) and what reads
 * the parsed sections without building layers (yolor_cfg_find,
 * yolor_graph_detect_flavor). The input is the cfg file itself.
 *
 * Besides sanitizer reports it checks the reader's promises: on success
 * there is at least one section, names and keys are non-empty and free of
 * surrounding white space, keys are unique per section (yolor_cfg_find
 * returns each one's own entry) and line numbers increase; on failure the
 * error record names a status and a message and the cfg is empty.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "yolor-private.h"

static int
trimmed (const char *s)
{
  size_t n = strlen (s);
  return n > 0 && !isspace ((unsigned char) s[0])
      && !isspace ((unsigned char) s[n - 1]);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_file (0, data, size);
  yolor_cfg cfg;
  yolor_error err;
  int line = 0;

  memset (&err, 0, sizeof (err));
  if (yolor_cfg_read (path, &cfg, &err) != YOLOR_OK) {
    fuzz_check (err.code != YOLOR_OK && err.msg[0], "an error has a message");
    fuzz_check (cfg.n_sections == 0 && !cfg.sections, "a failed read is empty");
    return 0;
  }
  fuzz_check (cfg.n_sections > 0, "at least one section");
  for (int i = 0; i < cfg.n_sections; i++) {
    const yolor_cfg_section *s = &cfg.sections[i];
    fuzz_check (trimmed (s->name), "section names are trimmed and non-empty");
    fuzz_check (s->line > line, "line numbers increase");
    line = s->line;
    for (int k = 0; k < s->n_kv; k++) {
      const yolor_cfg_kv *kv = &s->kv[k];
      fuzz_check (trimmed (kv->key), "keys are trimmed and non-empty");
      fuzz_check (!kv->value[0] || trimmed (kv->value), "values are trimmed");
      fuzz_check (kv->line > line, "line numbers increase");
      line = kv->line;
      fuzz_check (yolor_cfg_find (s, kv->key) == kv, "keys are unique");
    }
  }
  fuzz_check (yolor_graph_detect_flavor (&cfg) != YOLOR_FLAVOR_AUTO,
      "a cfg has a flavour");
  yolor_cfg_clear (&cfg);
  return 0;
}
