/* formats/toml.h - TOML into the common value tree (our own reader: Debian
 * ships no C TOML library).
 *
 * Covers what lock files and pyproject.toml use, which is TOML 1.0 minus
 * nothing we have seen: tables, arrays of tables, dotted keys, bare/quoted
 * keys, basic/literal/multi-line strings with all escapes, inline tables,
 * arrays, integers (decimal, 0x/0o/0b, underscores), floats (incl. inf/nan),
 * booleans; from TOML 1.1, newlines and a trailing comma inside inline
 * tables and the \e escape. Offset/local dates and times are kept as KS_VSTRING (flagged
 * `plain`) so they never lose precision. Tables become KS_VOBJECT in
 * definition order, arrays KS_VARRAY. Redefining a key or a table, and
 * extending an inline table or a static array, are errors (as in the spec).
 *
 * Limits: input size (`max_file_size`) and nesting of inline arrays/tables
 * and header depth (`max_json_depth`). Errors name the document with line
 * and column: "'Cargo.lock' line 3 column 9: expected '=' after key".
 * Input must be valid UTF-8 (the spec requires it). Thread-safe. */
#ifndef KS_FORMATS_TOML_H
#define KS_FORMATS_TOML_H

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "formats/value.h"

/* Parses one TOML document of `len` bytes; `*out` (a KS_VOBJECT) points into
 * `arena`. On error the arena may hold partial allocations. */
ks_err ks_toml_parse(struct ks_arena *arena, const char *name, const char *text, size_t len,
                     const struct ks_limits *lim, struct ks_value **out, struct ks_diag *diag);

#endif
