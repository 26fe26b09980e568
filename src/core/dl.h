/* core/dl.h - a shared library loaded on first use (dlopen).
 *
 * The wrapper module of a costly third-party library (libarchive, libxml2,
 * SQLite, tree-sitter, libyaml, zlib) does not link it: it describes the
 * functions it calls in a `struct ks_dl` and calls ks_dl_load() at each of
 * its entry points, so a process loads the library only when a target
 * actually needs it (resident memory and start-up: docs/internals/loading.md).
 * The build still requires the library's Debian -dev package (meson), and
 * the soname is the one that package ships.
 *
 * Usage (in the one module that includes the library's header; one library
 * per source file):
 *
 *   #define KS_ARCHIVE_FNS(X) X(archive_read_new) X(archive_read_free)
 *   KS_DL_LIBRARY(la, KS_ARCHIVE_FNS, "libarchive.so.13", "read archives");
 *   #define archive_read_new (la.archive_read_new)
 *
 * declares the table `la` (a struct of function pointers typed after the
 * library's prototypes), its symbol list and `la_dl` for ks_dl_load().
 * Thread-safety: ks_dl_load() may be called from any
 * thread; the first call loads, later calls only read the recorded state. */
#ifndef KS_CORE_DL_H
#define KS_CORE_DL_H

#include "core/err.h"

struct ks_dl_sym {
    const char *name; /* NULL ends the list */
    size_t offset;    /* of the function pointer inside the table */
};

struct ks_dl {
    const char *soname;  /* "libarchive.so.13" */
    const char *purpose; /* "read archives": completes "needed to ..." */
    const struct ks_dl_sym *syms;
    void *table;         /* the struct of function pointers */
    int state;           /* 0 not tried, 1 loaded, -1 failed (sticky) */
    char error[300];     /* dlerror() of the failed attempt */
};

#define KS_DL_INIT(soname, purpose, syms, table) {(soname), (purpose), (syms), (table), 0, {0}}
/* One function pointer of the table, typed after the library's prototype. */
#define KS_DL_FIELD(fn) __typeof__(fn) *fn;
/* One row of the symbol list. */
#define KS_DL_SYM(fn) {#fn, offsetof(struct ks_dl_lib, fn)},
/* The table `var` of the functions FNS lists, and `var##_dl` to load it. */
#define KS_DL_LIBRARY(var, FNS, soname, purpose)                                                  \
    static struct ks_dl_lib {                                                                      \
        FNS(KS_DL_FIELD)                                                                           \
    } var;                                                                                         \
    static const struct ks_dl_sym var##_syms[] = {FNS(KS_DL_SYM){NULL, 0}};                        \
    static struct ks_dl var##_dl = KS_DL_INIT(soname, purpose, var##_syms, &var)

/* Loads `dl` once (dlopen RTLD_NOW|RTLD_LOCAL and every symbol of its list).
 * KS_EUNSUPPORTED with "cannot load 'SONAME' (needed to PURPOSE): ..." in
 * `diag` when the library or one of its symbols is missing; the failure is
 * remembered, so later calls fail the same way without retrying, and logged
 * once (ks_log_warn) for the process. */
ks_err ks_dl_load(struct ks_dl *dl, struct ks_diag *diag);

/* True once `dl` has been loaded by this process (for tests and --version). */
bool ks_dl_loaded(const struct ks_dl *dl);

/* pow() and log2() of libm, loaded on first call: libm's start-up (its IFUNC
 * resolvers) costs about 0.3 MiB of resident memory in every process that
 * links it, and only CVSS v3 scoring and the secrets entropy rule need it.
 * libm.so.6 ships in libc6 with libc itself, so failing to load it is a
 * broken system: these abort with a message (KS_BUG). Thread-safe. */
double ks_pow(double x, double y);
double ks_log2(double x);

/* The libm loader itself, for tests. */
ks_err ks_libm_load(struct ks_diag *diag);

#endif
