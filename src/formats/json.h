/* formats/json.h - JSON in and out; the only user of jansson.
 *
 * Reading: strict RFC 8259 (valid UTF-8 only, no trailing garbage, no NUL in
 * strings, 64-bit integers exact; numbers that do not fit int64 are kept as
 * KS_VREAL). The result is a `struct ks_value` tree in the caller's arena.
 * Limits: input size (`max_file_size`) and nesting (`max_json_depth`) come
 * from `struct ks_limits`. Errors name the document and carry line and
 * column: "'x.json' line 2 column 19: unexpected token near '}'".
 *
 * Writing: `struct ks_jw` streams compact or indented JSON into a ks_buf,
 * escaping strings and keeping the caller's key order (deterministic output).
 *
 * Thread-safe: each call uses only its arguments (jansson's allocator hooks
 * are set once and route through a thread-local scratch arena). */
#ifndef KS_FORMATS_JSON_H
#define KS_FORMATS_JSON_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "formats/value.h"

/* Parses one JSON document of `len` bytes. `name` is used in messages.
 * On success `*out` points into `arena`. */
ks_err ks_json_parse(struct ks_arena *arena, const char *name, const char *text, size_t len,
                     const struct ks_limits *lim, struct ks_value **out, struct ks_diag *diag);

/* Reads callback for ks_json_parse_stream: fills up to `size` bytes of `buf`
 * and returns the count, 0 at end, or (size_t)-1 on error. */
typedef size_t ks_json_read_fn(void *buf, size_t size, void *ctx);

/* Parses one document pulled through `read` (e.g. from an archive member),
 * never holding more than `lim->max_file_size` bytes of input. */
ks_err ks_json_parse_stream(struct ks_arena *arena, const char *name, ks_json_read_fn *read,
                            void *ctx, const struct ks_limits *lim, struct ks_value **out,
                            struct ks_diag *diag);

/* Calls `fn` for each element of the top-level array of `text` (or once for
 * a top-level object), each element parsed on its own, so a huge array never
 * exists as one tree. `arena` is reset before each element. `fn` returns
 * KS_OK to go on; any other value stops the walk and is returned. */
typedef ks_err ks_json_each_fn(const struct ks_value *elem, size_t index, void *ctx);
ks_err ks_json_each(struct ks_arena *arena, const char *name, const char *text, size_t len,
                    const struct ks_limits *lim, ks_json_each_fn *fn, void *ctx,
                    struct ks_diag *diag);

/* Walks the members of a top-level object without building it whole: a
 * member whose value is an array is delivered element by element (`index`
 * 0, 1, ...), any other member value once with `index` KS_JSON_WHOLE. This is
 * how a huge `{"Reservations": [...]}` is read in bounded memory. `key` is
 * the member name (valid during the call only); `arena` is reset before each
 * call. An empty array is delivered once, whole (KS_JSON_WHOLE, an empty
 * KS_VARRAY), so the caller still learns the member exists. Errors as ks_json_each(); a
 * top level that is not an object is KS_EPARSE. */
#define KS_JSON_WHOLE SIZE_MAX
typedef ks_err ks_json_member_fn(const char *key, const struct ks_value *v, size_t index,
                                 void *ctx);
ks_err ks_json_each_member(struct ks_arena *arena, const char *name, const char *text, size_t len,
                           const struct ks_limits *lim, ks_json_member_fn *fn, void *ctx,
                           struct ks_diag *diag);

/* ---- writer ---- */

#define KS_JW_MAX_DEPTH 64

struct ks_jw {
    struct ks_buf *out;
    int indent; /* 0 = compact */
    int depth;
    bool first[KS_JW_MAX_DEPTH]; /* no element written yet at this depth */
    bool after_key;
    ks_err err; /* first error; later calls do nothing */
};

/* Starts writing into `out` (appends). `indent` spaces per level, 0 compact. */
void ks_jw_init(struct ks_jw *w, struct ks_buf *out, int indent);

void ks_jw_obj_begin(struct ks_jw *w);
void ks_jw_obj_end(struct ks_jw *w);
void ks_jw_arr_begin(struct ks_jw *w);
void ks_jw_arr_end(struct ks_jw *w);
void ks_jw_key(struct ks_jw *w, const char *key);
void ks_jw_str(struct ks_jw *w, const char *s); /* NULL writes null */
void ks_jw_strn(struct ks_jw *w, const char *s, size_t len);
void ks_jw_int(struct ks_jw *w, int64_t v);
void ks_jw_uint(struct ks_jw *w, uint64_t v);
void ks_jw_real(struct ks_jw *w, double v); /* shortest form that round-trips */
/* `v` with exactly `decimals` (0..17) digits after the point, never an
 * exponent: "10.0" for scores; non-finite values write null. */
void ks_jw_fixed(struct ks_jw *w, double v, int decimals);
void ks_jw_bool(struct ks_jw *w, bool v);
void ks_jw_null(struct ks_jw *w);
/* Writes a whole value tree. */
void ks_jw_value(struct ks_jw *w, const struct ks_value *v);
/* Writes `len` bytes of `json`, one complete JSON value that the caller
 * vouches for (e.g. one it serialised itself earlier), as the next value,
 * unchecked and as is (compact inside an indented document). */
void ks_jw_raw(struct ks_jw *w, const char *json, size_t len);

/* Key + value shorthands; the _opt variants write nothing for NULL. */
void ks_jw_kstr(struct ks_jw *w, const char *key, const char *s);
void ks_jw_kstr_opt(struct ks_jw *w, const char *key, const char *s);
void ks_jw_kint(struct ks_jw *w, const char *key, int64_t v);
void ks_jw_kbool(struct ks_jw *w, const char *key, bool v);

/* Finishes: KS_OK if every call succeeded and all containers were closed;
 * adds a final newline when indenting. */
ks_err ks_jw_finish(struct ks_jw *w);

/* Appends `len` bytes of `s` as a quoted, escaped JSON string to `out`.
 * Invalid UTF-8 bytes are written as U+FFFD so output is always valid JSON. */
ks_err ks_json_quote(struct ks_buf *out, const char *s, size_t len);

#endif
