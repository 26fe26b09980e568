/* formats/value.h - the document tree every reader in kensa produces.
 *
 * JSON (jansson), YAML (libyaml) and TOML (ours) are parsed into this one
 * plain tree, allocated in a caller-supplied arena, so no third-party object
 * ever leaves formats/ and consumers walk one type whatever the syntax.
 *
 * Scalars keep their text: a YAML plain scalar such as `1.10` stays the string
 * "1.10" (flagged `plain`), because version strings must never pass through a
 * float. Objects keep member order and may hold duplicate keys only if the
 * syntax allowed them (JSON: last wins, resolved at parse time).
 *
 * Every pointer in a tree is owned by the arena it was parsed into and stays
 * valid until that arena is reset or released. */
#ifndef KS_FORMATS_VALUE_H
#define KS_FORMATS_VALUE_H

#include "core/ks_common.h"

enum ks_vtype {
    KS_VNULL = 0,
    KS_VBOOL,
    KS_VINT,
    KS_VREAL,
    KS_VSTRING,
    KS_VARRAY,
    KS_VOBJECT,
};

struct ks_value;

struct ks_member {
    const char *key;
    size_t key_len;
    struct ks_value *value;
};

struct ks_value {
    enum ks_vtype type;
    bool plain;    /* YAML plain (unquoted) scalar kept as a string */
    unsigned line; /* 1-based source line, 0 when the reader cannot tell (JSON) */
    union {
        bool b;
        int64_t i;
        double d;
        struct {
            const char *ptr; /* NUL-terminated; may contain NUL only if len says so */
            size_t len;
        } s;
        struct {
            struct ks_value **items;
            size_t len;
        } a;
        struct {
            struct ks_member *items;
            size_t len;
        } o;
    } u;
};

/* Member `key` of object `v`, or NULL (also when `v` is NULL or not an object).
 * With duplicate keys the last one wins. */
const struct ks_value *ks_value_get(const struct ks_value *v, const char *key);

/* Follows a path of object keys separated by '.', e.g. "package.ecosystem". */
const struct ks_value *ks_value_path(const struct ks_value *v, const char *path);

/* The string of `v`, or NULL if `v` is NULL or not a string. */
const char *ks_value_str(const struct ks_value *v);

/* ks_value_str(ks_value_get(v, key)). */
const char *ks_value_get_str(const struct ks_value *v, const char *key);

/* Array length (0 for anything that is not an array) and element access
 * (NULL when out of range or not an array). */
size_t ks_value_len(const struct ks_value *v);
const struct ks_value *ks_value_at(const struct ks_value *v, size_t i);

/* Integer value: accepts KS_VINT, and a plain or quoted string of decimal
 * digits with optional sign. Returns false otherwise. */
bool ks_value_int(const struct ks_value *v, int64_t *out);

/* Boolean: KS_VBOOL only. Returns `dflt` when `v` is NULL or not a boolean. */
bool ks_value_bool(const struct ks_value *v, bool dflt);

bool ks_value_is(const struct ks_value *v, enum ks_vtype t);

/* A short name of the type ("string", "object", …) for error messages. */
const char *ks_vtype_name(enum ks_vtype t);

#endif
