/* formats/yaml.h - YAML into the common value tree; the only user of libyaml.
 *
 * One document per input (a second document is an error). Plain scalars
 * `null`, `~` and empty become KS_VNULL, `true`/`false` (any case) KS_VBOOL,
 * every other scalar a KS_VSTRING (plain ones flagged `plain`): numbers stay
 * text so that version strings such as 1.10 survive. Aliases are rejected
 * (no expansion, so no billion-laughs). Nodes carry their source line.
 * Limits: input size and nesting depth from `struct ks_limits`. Errors name
 * the document with line and column. Thread-safe. */
#ifndef KS_FORMATS_YAML_H
#define KS_FORMATS_YAML_H

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "formats/value.h"

/* Loads libyaml now (ks_yaml_parse otherwise loads it on first use): KS_OK,
 * or KS_EUNSUPPORTED naming the missing library (core/dl.h). */
ks_err ks_yaml_load(struct ks_diag *diag);

ks_err ks_yaml_parse(struct ks_arena *arena, const char *name, const char *text, size_t len,
                     const struct ks_limits *lim, struct ks_value **out, struct ks_diag *diag);

#endif
