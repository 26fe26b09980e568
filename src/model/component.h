/* model/component.h - what an inventory is made of: software components found
 * in a target, with where each came from. Plain records, no logic.
 *
 * Every string is owned by the inventory's arena and lives as long as it.
 * Fields that a collector cannot know are NULL (never ""). */
#ifndef KS_MODEL_COMPONENT_H
#define KS_MODEL_COMPONENT_H

#include "core/arena.h"
#include "core/ks_common.h"

/* The package manager or language ecosystem a component belongs to. */
enum ks_pkg_type {
    KS_PKG_UNKNOWN = 0,
    KS_PKG_DEB,
    KS_PKG_RPM,
    KS_PKG_APK,
    KS_PKG_PYPI,
    KS_PKG_NPM,
    KS_PKG_MAVEN,
    KS_PKG_GO,
    KS_PKG_CARGO,
    KS_PKG_GEM,
    KS_PKG_COMPOSER,
    KS_PKG_NUGET,
    KS_PKG_GO_STDLIB, /* the Go toolchain/stdlib embedded in a Go binary */
    KS_PKG_KERNEL,    /* the running or installed kernel */
};

enum ks_dep_scope {
    KS_SCOPE_UNKNOWN = 0,
    KS_SCOPE_REQUIRED,
    KS_SCOPE_OPTIONAL,
    KS_SCOPE_DEV,
};

struct ks_component {
    enum ks_pkg_type type;
    const char *name;      /* as the ecosystem spells it (Maven: "group:artifact") */
    const char *version;   /* full version as the ecosystem compares it (rpm: [E:]V-R) */
    const char *ecosystem; /* OSV ecosystem with release, e.g. "Debian:12", "PyPI" */
    const char *purl;      /* package URL per the purl spec, with qualifiers */
    const char *cpe;       /* CPE 2.3, only where the ecosystem has a reliable one */
    const char *arch;
    const char *source_name;    /* OS packages: the source package (dpkg Source, rpm SRPM) */
    const char *source_version; /* when it differs from `version` */
    const char *license;        /* SPDX expression or the declared text */
    const char *path;           /* file it was found in, absolute inside the target */
    const char *layer;          /* image layer diff id that introduced it */
    const char *bom_ref;        /* stable id inside the inventory (for dependencies) */
    const char *owner; /* language packages: bom_ref of the OS package whose installed files
                          include `path` (pkg/owned.h), or NULL */
    enum ks_dep_scope scope;
    int direct; /* 1 direct, 0 transitive, -1 unknown */
    const char **depends; /* bom_refs of direct dependencies, `ndepends` of them */
    size_t ndepends;
};

#endif
