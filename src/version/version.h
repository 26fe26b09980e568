/* version/version.h - version comparison for every package ecosystem.
 *
 * Pure functions, no I/O, thread-safe. Each scheme parses and compares
 * exactly as the ecosystem's own reference implementation does (dpkg, rpm,
 * apk-tools, python packaging, npm semver, golang.org/x/mod/semver, Maven
 * ComparableVersion, RubyGems, NuGet.Versioning, Composer); see
 * docs/ecosystems.md for the ecosystem names and their release suffixes. */
#ifndef KS_VERSION_VERSION_H
#define KS_VERSION_VERSION_H

#include "core/err.h"

enum ks_scheme {
    KS_SCHEME_NONE = 0,
    KS_SCHEME_DPKG,     /* Debian, Ubuntu */
    KS_SCHEME_RPM,      /* Red Hat, AlmaLinux, Rocky Linux, Amazon Linux, SUSE, Fedora, ... */
    KS_SCHEME_APK,      /* Alpine, Wolfi, Chainguard */
    KS_SCHEME_PEP440,   /* PyPI */
    KS_SCHEME_SEMVER,   /* npm, crates.io, Hex, Pub, SwiftURL; OSV SEMVER ranges */
    KS_SCHEME_GO,       /* Go */
    KS_SCHEME_MAVEN,    /* Maven */
    KS_SCHEME_RUBYGEMS, /* RubyGems */
    KS_SCHEME_NUGET,    /* NuGet */
    KS_SCHEME_COMPOSER, /* Packagist */
};

/* An ecosystem name split into its parts: "Debian:12" -> base "Debian",
 * release "12"; "Red Hat:enterprise_linux:9::appstream" keeps the CPE-style
 * suffix in `release`. */
struct ks_ecosystem {
    enum ks_scheme scheme;
    char base[32];     /* canonical OSV (or kensa) spelling, e.g. "Alpine" */
    char release[128]; /* "" when absent */
};

/* Parses an OSV ecosystem name (case-sensitive, as OSV defines them) with an
 * optional release suffix. KS_ENOTFOUND with detail for an unknown
 * ecosystem. */
ks_err ks_ecosystem_parse(const char *name, struct ks_ecosystem *out, struct ks_diag *diag);

/* The scheme of an ecosystem name, or KS_SCHEME_NONE when unknown. */
enum ks_scheme ks_scheme_for_ecosystem(const char *name);

/* A short name of the scheme ("dpkg", "rpm", ...). */
const char *ks_scheme_name(enum ks_scheme s);

/* True if `v` is a valid version in `scheme` (as the reference would accept it). */
bool ks_version_valid(enum ks_scheme scheme, const char *v);

/* Compares `a` and `b` under `scheme`: *out is -1, 0 or 1. KS_EPARSE with
 * detail naming the version and the scheme when either is invalid. */
ks_err ks_version_cmp(enum ks_scheme scheme, const char *a, const char *b, int *out,
                      struct ks_diag *diag);

#endif
