/* pkg/lang/internal.h - helpers shared by the language collectors (private
 * to src/pkg/lang/).
 *
 * A `struct lang_set` gathers the components of one file: it deduplicates
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

#define LANG_NONE ((size_t)-1)

struct lang_edge {
    size_t from, to;
};

struct lang_set {
    struct ks_collect_ctx *ctx;
    struct ks_map by_purl;       /* purl -> index + 1 (as pointer-sized integer) */
    KS_VEC(struct lang_edge) edges;
    struct ks_arena scratch;     /* parse trees and temporary strings */
};

void lang_set_init(struct lang_set *s, struct ks_collect_ctx *ctx);
/* Attaches dependency edges to their components. KS_ENOMEM only. */
ks_err lang_set_finish(struct lang_set *s, struct ks_diag *diag);
void lang_set_release(struct lang_set *s);

/* Adds (or finds, by purl) a component of `type`. `name` and `version` are
 * copied (version may be NULL). `qualifiers` is an optional purl qualifier
 * string ("platform=java"). Returns its index, or LANG_NONE when out of
 * memory (diag set). */
size_t lang_add(struct lang_set *s, enum ks_pkg_type type, const char *name, const char *version,
                const char *qualifiers, struct ks_diag *diag);
/* The component at `idx` (valid until the next lang_add). */
struct ks_component *lang_at(struct lang_set *s, size_t idx);
/* Raises a component's scope/directness: REQUIRED beats OPTIONAL beats DEV,
 * direct (1) beats transitive (0) beats unknown (-1). */
void lang_scope(struct lang_set *s, size_t idx, enum ks_dep_scope scope, int direct);
void lang_license(struct lang_set *s, size_t idx, const char *license);
ks_err lang_edge(struct lang_set *s, size_t from, size_t to, struct ks_diag *diag);
/* Gives the components from index `first` on whose scope the file does not
 * state the scope they inherit along the recorded edges from the direct
 * dependencies: a package reached from a required one is required, one
 * reached only from dev (optional) ones is dev (optional). Call before
 * lang_set_finish(). KS_ENOMEM only. */
ks_err lang_propagate_scope(struct lang_set *s, size_t first, struct ks_diag *diag);

/* "'<path>': <message>" as KS_EPARSE. */
ks_err lang_bad(struct lang_set *s, struct ks_diag *diag, const char *fmt, ...) KS_PRINTF(3, 4);

/* Parsers into the scratch arena, errors naming ctx->path. */
ks_err lang_json(struct lang_set *s, const char *data, size_t len, struct ks_value **out,
                 struct ks_diag *diag);
ks_err lang_yaml(struct lang_set *s, const char *data, size_t len, struct ks_value **out,
                 struct ks_diag *diag);
ks_err lang_toml(struct lang_set *s, const char *data, size_t len, struct ks_value **out,
                 struct ks_diag *diag);

/* A NUL-terminated copy of data[0..len) in the scratch arena (NULL: ENOMEM). */
char *lang_strndup(struct lang_set *s, const char *data, size_t len);
/* The last path component of ctx->path. */
const char *lang_basename(const char *path);
/* True if `path` ends with `suffix` and it starts a path component. */
bool lang_path_is(const char *path, const char *name);

/* PEP 503 normalised name into the scratch arena. */
char *lang_pep503(struct lang_set *s, const char *name);
/* A license from a JSON/TOML value: a string, {"type": "..."}, or an array of
 * either joined with " OR " (npm, composer, cargo forms). NULL if none. */
const char *lang_license_of(struct lang_set *s, const struct ks_value *v);

/* Finds section `name` of the ELF file data[0..len): on success sets its
 * file offset and size (checked to lie inside the data) and returns true.
 * False for anything that is not a well-formed ELF file with that section. */
bool lang_elf_section(const char *data, size_t len, const char *name, size_t *off, size_t *size);

/* Each ecosystem's collectors. */
extern const struct ks_collector lang_python_meta, lang_python_requirements, lang_pipfile_lock,
        lang_poetry_lock, lang_uv_lock;
extern const struct ks_collector lang_node_package, lang_npm_lock, lang_yarn_lock, lang_pnpm_lock;
extern const struct ks_collector lang_java_manifest, lang_java_pom_properties;
extern const struct ks_collector lang_go_binary, lang_go_mod;
extern const struct ks_collector lang_cargo_lock, lang_cargo_auditable;
extern const struct ks_collector lang_gemfile_lock, lang_gemspec;
extern const struct ks_collector lang_composer_lock, lang_composer_installed;
extern const struct ks_collector lang_dotnet_deps, lang_nuget_lock, lang_nuget_config;

#endif
