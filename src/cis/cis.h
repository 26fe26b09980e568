/* cis/cis.h - a data-driven configuration benchmark engine (CIS-style).
 *
 * A benchmark is data: a YAML file with a header and a list of rules, each
 * rule a check built from a small set of composable primitives (files, their
 * mode and owner, content patterns with include-directory semantics, the
 * effective values of sshd and sysctl settings computed with each program's
 * own precedence, packages, systemd units, mount options, account and PAM
 * policy, world-writable and unowned files) and the combinators all/any/none.
 * docs/internals/cis.md describes the file format and every primitive.
 *
 * Evaluation reads only through a `struct ks_rootfs` (so a hostile tree
 * cannot make kensa read the scanning host's files) and produces, for each
 * rule, PASSED / FAILED / SKIPPED / ERROR with the evidence that decided it
 * (file, line and value) or the reason it could not be evaluated.
 *
 * The package set is an input: cis does not read package databases itself
 * (that is the pkg module's job); the caller passes a lookup callback.
 *
 * Thread-safety: a loaded benchmark is read-only and may be shared; a report
 * belongs to one thread. */
#ifndef KS_CIS_CIS_H
#define KS_CIS_CIS_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "formats/value.h"
#include "ingest/rootfs.h"

enum ks_cis_status {
    KS_CIS_PASSED = 0,
    KS_CIS_FAILED,
    KS_CIS_SKIPPED, /* not applicable, or a manual recommendation */
    KS_CIS_ERROR,   /* could not be evaluated; the reason says why */
    KS_CIS_NSTATUS,
};

/* "PASSED", "FAILED", "SKIPPED", "ERROR". */
const char *ks_cis_status_name(enum ks_cis_status s);

struct ks_cis_rule {
    const char *id; /* recommendation number, e.g. "5.1.20" */
    const char *title;
    const char *section; /* top-level section title */
    const char *description;
    const char *rationale;
    const char *remediation;
    unsigned level;      /* 1 or 2 (level 2 includes level 1) */
    const char **ssg;    /* ComplianceAsCode rule ids this rule corresponds to */
    size_t n_ssg;
    bool manual;         /* not automated: always SKIPPED */
    const char *applies_package; /* NULL, or only applicable when installed */
    const struct ks_value *check; /* validated check tree; NULL when manual */
    unsigned line;       /* line of the rule in the benchmark file */
};

struct ks_cis_benchmark {
    struct ks_arena arena; /* owns everything below */
    const char *file;      /* as given to ks_cis_load, for messages */
    const char *id;        /* e.g. "debian12" */
    const char *title;
    const char *version;
    const char *os_id;         /* os-release ID this benchmark targets */
    const char **os_versions;  /* accepted VERSION_ID values */
    size_t n_os_versions;
    struct ks_cis_rule *rules;
    size_t n_rules;
};

/* Parses and validates a benchmark file (`text`, `len` bytes; `name` is used
 * in messages). Every check is validated up front, so a malformed file fails
 * here with a message naming the file, the rule and the line, e.g.
 * "'debian12.yaml' rule '5.1.20' line 812: unknown check 'sshd_value'".
 * KS_EPARSE / KS_ELIMIT / KS_ENOMEM. On success `b` owns its memory until
 * ks_cis_release(); on failure `b` is released. */
ks_err ks_cis_load(struct ks_cis_benchmark *b, const char *name, const char *text, size_t len,
                   const struct ks_limits *lim, struct ks_diag *diag);
void ks_cis_release(struct ks_cis_benchmark *b);

/* Answers "is package `name` installed?" for the target. */
typedef bool ks_cis_pkg_fn(void *ctx, const char *name);

struct ks_cis_target {
    const struct ks_rootfs *root;
    const char *name;           /* shown in reports ("host", a directory) */
    bool live;                  /* a running host: also read /proc/self/mounts, /proc/sys */
    ks_cis_pkg_fn *pkg_installed; /* NULL: package checks give ERROR */
    void *pkg_ctx;
    const struct ks_limits *limits;
};

struct ks_cis_result {
    const struct ks_cis_rule *rule;
    enum ks_cis_status status;
    const char *evidence; /* what decided it (or why it was skipped / errored) */
};

struct ks_cis_report {
    struct ks_arena arena; /* owns evidence strings */
    const struct ks_cis_benchmark *bench;
    const char *target;
    unsigned level;
    struct ks_cis_result *results;
    size_t n_results;
    size_t counts[KS_CIS_NSTATUS];
    double elapsed_ms;
};

/* Evaluates every rule of `b` at or below `level` (1 or 2) against `t`.
 * Problems with single rules are ERROR results, not failures of the call;
 * the call fails only for KS_ENOMEM. `out` is released with
 * ks_cis_report_release(); it borrows `b`, which must outlive it. */
ks_err ks_cis_run(const struct ks_cis_benchmark *b, const struct ks_cis_target *t, unsigned level,
                  struct ks_cis_report *out, struct ks_diag *diag);
void ks_cis_report_release(struct ks_cis_report *r);

enum ks_cis_format {
    KS_CIS_TABLE,
    KS_CIS_JSON,
    KS_CIS_CSV,
    KS_CIS_HTML,
};

/* Parses "table", "json", "csv", "html". */
bool ks_cis_format_parse(const char *s, enum ks_cis_format *out);

/* Renders a report into `out` (appended). `color` adds ANSI colours to the
 * table. KS_ENOMEM / KS_ELIMIT from the buffer. */
ks_err ks_cis_render(const struct ks_cis_report *r, enum ks_cis_format f, bool color,
                     struct ks_buf *out);

/* Renders the rules of a benchmark (id, level, title, automated, SSG ids). */
ks_err ks_cis_render_list(const struct ks_cis_benchmark *b, enum ks_cis_format f,
                          struct ks_buf *out);

/* ---- effective values, also used on their own (`kensa cis effective`) ---- */

/* One effective setting: value and where it came from (file NULL: default). */
struct ks_cis_setting {
    const char *key; /* lowercase for sshd; as written for sysctl (dots) */
    const char *value;
    const char *file;
    unsigned line;
};

struct ks_cis_settings {
    struct ks_arena arena;
    struct ks_cis_setting *items; /* sorted by key */
    size_t len;
};

/* sshd's global configuration as `sshd -T` would print it without -C:
 * /etc/ssh/sshd_config and its Include files (glob, lexical order, relative
 * to /etc/ssh), keywords case-insensitive, the first value of a keyword
 * wins (list keywords such as AllowUsers accumulate), Match blocks do not
 * apply except "Match all", whose values override the global ones (first
 * value within Match blocks wins; a list replaces the global list),
 * compiled-in defaults for the keywords CIS checks, values normalised
 * the way sshd prints them (yes/no, times in seconds, LogLevel upper case).
 * KS_ENOTFOUND when there is no sshd_config; KS_EPARSE for a malformed one
 * (bad Include nesting, a keyword without value), with file and line. */
ks_err ks_cis_sshd_effective(const struct ks_rootfs *root, const struct ks_limits *lim,
                             struct ks_cis_settings *out, struct ks_diag *diag);

/* The same parser on one in-memory file (Include directives are recorded
 * but not followed), for the fuzzer and unit tests. */
ks_err ks_cis_sshd_parse_text(const char *name, const char *text, size_t len,
                              struct ks_cis_settings *out, struct ks_diag *diag);

/* sysctl settings as systemd-sysctl applies them at boot: files named
 * *.conf in /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d,
 * /usr/lib/sysctl.d and /lib/sysctl.d, a name in an earlier directory
 * masking the same name in a later one, applied in lexical order of file
 * name, then /etc/sysctl.conf; for each key the last assignment wins.
 * Keys use dots ('/' is accepted and converted). */
ks_err ks_cis_sysctl_effective(const struct ks_rootfs *root, const struct ks_limits *lim,
                               struct ks_cis_settings *out, struct ks_diag *diag);

/* Finds `key` (exact, as stored), or NULL. */
const struct ks_cis_setting *ks_cis_settings_get(const struct ks_cis_settings *s, const char *key);
void ks_cis_settings_release(struct ks_cis_settings *s);

#endif
