/* match/eol.h - distribution releases' end of security support, from
 * Debian's distro-info-data CSV files (debian.csv, ubuntu.csv).
 *
 * The CSV: a header line naming the columns (version, codename, series,
 * created, release, eol, and optionally eol-lts, eol-elts, eol-server,
 * eol-esm, eol-legacy), then one release per line; dates are YYYY-MM-DD,
 * trailing columns may be missing. No quoting (the files use none: a
 * quote is an error). Bounded by lim->max_file_size and 4096 lines.
 *
 * An eol set owns one arena; not thread-safe while loading. */
#ifndef KS_MATCH_EOL_H
#define KS_MATCH_EOL_H

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/vec.h"

struct ks_eol_release {
    const char *version;    /* "12", "22.04 LTS"; NULL for sid, experimental */
    const char *codename;   /* "Bookworm", "Jammy Jellyfish" */
    const char *series;     /* "bookworm" */
    const char *eol;        /* end of (standard) security support, or NULL */
    const char *eol_lts;    /* Debian LTS end, or NULL */
    const char *eol_server; /* Ubuntu: longer server support of old releases, or NULL */
    const char *eol_esm;    /* Ubuntu: ESM (Ubuntu Pro) end, or NULL */
};

struct ks_eol_table {
    const char *distro; /* os-release ID: "debian", "ubuntu" */
    const char *file;   /* where it was read from */
    KS_VEC(struct ks_eol_release) releases;
};

struct ks_eol {
    struct ks_arena arena;
    KS_VEC(struct ks_eol_table) tables;
};

void ks_eol_init(struct ks_eol *e);
void ks_eol_release(struct ks_eol *e);

/* Parses one CSV `text` read from `file` as the table of `distro`
 * (replacing an earlier one). KS_EPARSE naming file and line on a missing
 * column, a malformed date or a quoted field; KS_ELIMIT when too large. */
ks_err ks_eol_load(struct ks_eol *e, const char *distro, const char *file, const char *text,
                   size_t len, const struct ks_limits *lim, struct ks_diag *diag);

/* The table of `distro`, or NULL. */
const struct ks_eol_table *ks_eol_table(const struct ks_eol *e, const char *distro);

/* The release of table `t` that os-release's VERSION_ID `version` (its
 * number, "22.04" for "22.04 LTS") or else VERSION_CODENAME `codename`
 * names; NULL when none does. */
const struct ks_eol_release *ks_eol_find(const struct ks_eol_table *t, const char *version,
                                         const char *codename);

#endif
