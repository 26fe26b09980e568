/* code/code.h - static analysis of function code (Python, JavaScript,
 * TypeScript, Java) for injection, data leaks, weak crypto and missing
 * encryption.
 *
 * Files are parsed with tree-sitter into real syntax trees; detectors are a
 * data catalogue (ks_code_detectors) evaluated by a small engine that tracks
 * taint inside functions, through assignments, string building and the
 * returns of local helpers, from sources (handler event/request parameters,
 * input(), process.argv, ...) to sinks, stopping at sanitisers. Secrets are
 * recognised by token format (with checksums where the format has one) and
 * by entropy; every message carries redacted values only.
 *
 * A file that does not parse cleanly is still analysed (tree-sitter recovers)
 * and gets a coverage note; nothing in the input aborts a scan.
 * Thread-safety: the catalogue is immutable; a ks_code_result is owned by one
 * thread; ks_code_scan_dir() runs its own worker threads. */
#ifndef KS_CODE_CODE_H
#define KS_CODE_CODE_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/vec.h"

enum ks_code_lang {
    KS_LANG_AUTO = 0, /* by file extension */
    KS_LANG_PYTHON,
    KS_LANG_JAVASCRIPT,
    KS_LANG_TYPESCRIPT,
    KS_LANG_JAVA,
    KS_LANG_COUNT,
};

enum ks_code_severity {
    KS_CSEV_INFO,
    KS_CSEV_LOW,
    KS_CSEV_MEDIUM,
    KS_CSEV_HIGH,
    KS_CSEV_CRITICAL,
};

struct ks_code_detector {
    const char *id;   /* "python/sql-injection" (output adds "@v1.0") */
    const char *name; /* "SQL injection" */
    enum ks_code_lang lang; /* JAVASCRIPT detectors also cover TypeScript */
    const char *cwes; /* comma-separated: "CWE-77,CWE-78,CWE-88" */
    enum ks_code_severity severity;
    const char *tags; /* comma-separated */
    const char *description;
    const char *remediation;
    int rule; /* engine rule implementing it (enum in code_int.h) */
};

extern const struct ks_code_detector ks_code_detectors[];
extern const size_t ks_code_detector_count;

/* One step of a taint path: where and what ("source: request.args", "x = ...",
 * "sink: os.system"). */
struct ks_code_step {
    uint32_t line, col; /* 1-based */
    const char *what;
};

struct ks_code_finding {
    const struct ks_code_detector *det;
    const char *file;
    uint32_t start_line, start_col, end_line, end_col; /* 1-based, inclusive lines */
    const char *message;            /* redacted */
    const struct ks_code_step *path; /* source first, sink last; NULL when none */
    size_t path_len;
};

/* A per-file remark on what was not (fully) analysed. */
struct ks_code_note {
    const char *file;
    const char *msg;
};

struct ks_code_result {
    struct ks_arena arena; /* owns every string and path below */
    KS_VEC(struct ks_code_finding) findings;
    KS_VEC(struct ks_code_note) notes;
    uint64_t files, lines, bytes;
};

void ks_code_result_init(struct ks_code_result *r);
void ks_code_result_release(struct ks_code_result *r);
/* Sorts findings by file, line, column and detector id (stable output). */
void ks_code_result_sort(struct ks_code_result *r);

/* The language of `path` from its extension (KS_LANG_AUTO when none). */
enum ks_code_lang ks_code_lang_of(const char *path);
const char *ks_code_lang_name(enum ks_code_lang lang);
/* Parses "python", "javascript", "typescript", "java" or "auto". */
bool ks_code_lang_parse(const char *s, enum ks_code_lang *out);
const char *ks_code_severity_name(enum ks_code_severity s); /* "HIGH" */

/* Loads libtree-sitter now (ks_code_scan_text otherwise loads it on first
 * use): KS_OK, or KS_EUNSUPPORTED naming the missing library (core/dl.h). */
ks_err ks_code_load(struct ks_diag *diag);

/* Analyses one file's text as `lang` (AUTO: from `file`'s extension; a file
 * of no known language is skipped) and appends findings and notes to `res`.
 * `file` is the display path. KS_ENOMEM, KS_ELIMIT (text larger than
 * lim->max_file_size) or KS_EUNSUPPORTED (libtree-sitter cannot be loaded,
 * core/dl.h) are the only errors; parse problems become notes. */
ks_err ks_code_scan_text(struct ks_code_result *res, enum ks_code_lang lang, const char *file,
                         const char *text, size_t len, const struct ks_limits *lim,
                         struct ks_diag *diag);

/* Analyses every file of `lang` (AUTO: every known language) under `dir`,
 * not following symlinks, with `threads` workers (0: one per CPU). Paths in
 * findings are relative to `dir`. Unreadable files become notes. */
ks_err ks_code_scan_dir(struct ks_code_result *res, const char *dir, enum ks_code_lang lang,
                        unsigned threads, const struct ks_limits *lim, struct ks_diag *diag);

/* Analyses every file of `lang` inside the archive at `path` (zip, jar, tar
 * with any compression; a Lambda deployment package), read in memory through
 * ingest/archive with all of `lim`. Paths in findings are the member names.
 * Hostile or over-limit members become notes; KS_EPARSE if `path` is not an
 * archive, KS_ELIMIT/KS_EIO when the archive as a whole cannot be read. */
ks_err ks_code_scan_archive(struct ks_code_result *res, const char *path, enum ks_code_lang lang,
                            const struct ks_limits *lim, struct ks_diag *diag);

/* Writers: JSON (kensa's own shape) and SARIF 2.1.0. */
ks_err ks_code_write_json(const struct ks_code_result *res, struct ks_buf *out);
ks_err ks_code_write_sarif(const struct ks_code_result *res, struct ks_buf *out);

/* Secret recognition, exposed for tests: returns the kind of secret `s` is
 * ("AWS access key id", "GitHub token", ...) or NULL. `name` is the variable
 * or key it is assigned to (may be NULL), used for the entropy rule. */
const char *ks_code_secret_kind(const char *s, size_t len, const char *name);
/* Writes a redacted form of `s` (first 4 chars then "****") to `out`. */
void ks_code_redact(const char *s, size_t len, char *out, size_t outsz);

#endif
