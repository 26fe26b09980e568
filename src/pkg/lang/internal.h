/* pkg/lang/internal.h - helpers shared by the language collectors (private
 * to src/pkg/lang/).
 *
 * A `struct ks_lang_set` gathers the components of one file: it deduplicates
 * them by purl (so a lock file listing a package twice yields it once, with
 * the strongest scope), builds purls and bom_refs, and turns edges recorded
 * by index into `depends` arrays when finished. Indexes, not pointers, name
 * components because the inventory's array moves as it grows. */
#ifndef KS_PKG_LANG_INTERNAL_H
#define KS_PKG_LANG_INTERNAL_H

#include "core/arena.h"
#include "core/map.h"
#include "core/vec.h"
#include "formats/value.h"
#include "pkg/collector.h"

#define KS_LANG_NONE ((size_t)-1)

struct ks_lang_edge {
    size_t from, to;
};

struct ks_lang_set {
    struct ks_collect_ctx *ctx;
    struct ks_map by_purl; /* purl -> index + 1 (as pointer-sized integer) */
    KS_VEC(struct ks_lang_edge) edges;
    struct ks_arena scratch; /* parse trees and temporary strings */
};

void ks_lang_set_init(struct ks_lang_set *s, struct ks_collect_ctx *ctx);
/* Attaches dependency edges to their components. KS_ENOMEM only. */
ks_err ks_lang_set_finish(struct ks_lang_set *s, struct ks_diag *diag);
void ks_lang_set_release(struct ks_lang_set *s);

/* Adds (or finds, by purl) a component of `type`. `name` and `version` are
 * copied (version may be NULL). `qualifiers` is an optional purl qualifier
 * string ("platform=java"). Returns its index, or KS_LANG_NONE when out of
 * memory (diag set). */
size_t ks_lang_add(struct ks_lang_set *s, enum ks_pkg_type type, const char *name,
                   const char *version, const char *qualifiers, struct ks_diag *diag);
/* The component at `idx` (valid until the next ks_lang_add). */
struct ks_component *ks_lang_at(struct ks_lang_set *s, size_t idx);
/* Raises a component's scope/directness: REQUIRED beats OPTIONAL beats DEV,
 * direct (1) beats transitive (0) beats unknown (-1). */
void ks_lang_scope(struct ks_lang_set *s, size_t idx, enum ks_dep_scope scope, int direct);
void ks_lang_license(struct ks_lang_set *s, size_t idx, const char *license);
ks_err ks_lang_edge(struct ks_lang_set *s, size_t from, size_t to, struct ks_diag *diag);
/* Gives the components from index `first` on whose scope the file does not
 * state the scope they inherit along the recorded edges from the direct
 * dependencies: a package reached from a required one is required, one
 * reached only from dev (optional) ones is dev (optional). Call before
 * ks_lang_set_finish(). KS_ENOMEM only. */
ks_err ks_lang_propagate_scope(struct ks_lang_set *s, size_t first, struct ks_diag *diag);

/* "'<path>': <message>" as KS_EPARSE. */
ks_err ks_lang_bad(struct ks_lang_set *s, struct ks_diag *diag, const char *fmt, ...)
        KS_PRINTF(3, 4);

/* Parsers into the scratch arena, errors naming ctx->path. */
ks_err ks_lang_json(struct ks_lang_set *s, const char *data, size_t len, struct ks_value **out,
                    struct ks_diag *diag);
ks_err ks_lang_yaml(struct ks_lang_set *s, const char *data, size_t len, struct ks_value **out,
                    struct ks_diag *diag);
ks_err ks_lang_toml(struct ks_lang_set *s, const char *data, size_t len, struct ks_value **out,
                    struct ks_diag *diag);

/* A NUL-terminated copy of data[0..len) in the scratch arena (NULL: ENOMEM). */
char *ks_lang_strndup(struct ks_lang_set *s, const char *data, size_t len);
/* The last path component of ctx->path. */
const char *ks_lang_basename(const char *path);
/* True if `path` ends with `suffix` and it starts a path component. */
bool ks_lang_path_is(const char *path, const char *name);

/* PEP 503 normalised name into the scratch arena. */
char *ks_lang_pep503(struct ks_lang_set *s, const char *name);
/* A license from a JSON/TOML value: a string, {"type": "..."}, or an array of
 * either joined with " OR " (npm, composer, cargo forms). NULL if none. */
const char *ks_lang_license_of(struct ks_lang_set *s, const struct ks_value *v);

/* The file being parsed with random access: ctx->blob, or `data` wrapped
 * into `tmp` when the caller gave only bytes. */
const struct ks_blob *ks_lang_blob(const struct ks_collect_ctx *ctx, const char *data, size_t len,
                                   struct ks_blob *tmp);

/* Finds section `name` of the ELF file `b` and reads its contents into
 * `out` (within out->max). True on success; false for anything that is not
 * a well-formed, readable ELF file with that section (or when the section
 * is larger than out->max, or KS_ENOMEM: `*err` tells those apart, KS_OK
 * when the file simply has no such section). Reads only the ELF header, the
 * section table, the section names and the section. */
bool ks_lang_elf_section(const struct ks_blob *b, const char *name, struct ks_buf *out,
                         ks_err *err);

/* Each ecosystem's collectors. */
extern const struct ks_collector ks_lang_python_meta, ks_lang_python_requirements,
        ks_lang_pipfile_lock, ks_lang_poetry_lock, ks_lang_uv_lock;
extern const struct ks_collector ks_lang_node_package, ks_lang_npm_lock, ks_lang_yarn_lock,
        ks_lang_pnpm_lock;
extern const struct ks_collector ks_lang_java_manifest, ks_lang_java_pom_properties;
extern const struct ks_collector ks_lang_go_binary, ks_lang_go_mod;
extern const struct ks_collector ks_lang_cargo_lock, ks_lang_cargo_auditable;
extern const struct ks_collector ks_lang_gemfile_lock, ks_lang_gemspec;
extern const struct ks_collector ks_lang_composer_lock, ks_lang_composer_installed;
extern const struct ks_collector ks_lang_dotnet_deps, ks_lang_nuget_lock, ks_lang_nuget_config;

#endif
