/* formats/debian.h - Debian's text formats: control stanzas (deb822:
 * Packages, Sources, Release), OpenPGP clear-signed wrappers (InRelease) and
 * changelogs (Debian Policy §4.4, debian/changelog and
 * usr/share/doc/PKG/changelog.Debian.gz).
 *
 * Pure functions over bytes held by the caller; nothing is copied, every
 * slice points into the input. Thread-safe (no shared state). Errors name
 * the file and line. */
#ifndef KS_FORMATS_DEBIAN_H
#define KS_FORMATS_DEBIAN_H

#include "core/err.h"
#include "core/str.h"

/* ---- control stanzas ---- */

struct ks_deb822_field {
    struct ks_str name;
    struct ks_str value; /* after "Name:", trimmed; continuation lines included raw */
};

struct ks_deb822 {
    const char *p, *end;
    const char *file; /* for messages */
    unsigned line;    /* 1-based line of the next byte */
};

void ks_deb822_init(struct ks_deb822 *r, const char *file, const char *data, size_t len);

/* Reads the next stanza into `fields` (at most `cap`), `*n` fields, `*line`
 * its first line. Blank lines separate stanzas; "#" comment lines are
 * skipped. KS_ENOTFOUND at the end of the input (no message). KS_EPARSE for
 * a line that is neither "Name: value" nor a continuation, KS_ELIMIT for
 * more than `cap` fields; the reader then has skipped the rest of that
 * stanza, so the next call goes on with the one after. */
ks_err ks_deb822_next(struct ks_deb822 *r, struct ks_deb822_field *fields, size_t cap, size_t *n,
                      unsigned *line, struct ks_diag *diag);

/* The value of field `name` (case-insensitive, as deb822 field names are);
 * {NULL, 0} when absent. */
struct ks_str ks_deb822_get(const struct ks_deb822_field *f, size_t n, const char *name);

/* The signed text of an OpenPGP clear-signed message ("-----BEGIN PGP
 * SIGNED MESSAGE-----", armor headers, blank line, text, "-----BEGIN PGP
 * SIGNATURE-----"), or the whole input when it is not one. KS_EPARSE when
 * the wrapper is malformed or the text holds dash-escaped lines (never
 * found in Release files). The signature is NOT verified. */
ks_err ks_clearsigned_text(const char *file, const char *data, size_t len, struct ks_str *text,
                           struct ks_diag *diag);

/* ---- changelogs ---- */

struct ks_changelog_entry {
    struct ks_str source;        /* "openssl" */
    struct ks_str version;       /* "3.0.15-1~deb12u1" */
    struct ks_str distributions; /* "bookworm-security" (space-separated list) */
    struct ks_str urgency;       /* "medium"; {NULL,0} when absent */
    struct ks_str changes;       /* the lines between header and trailer, raw */
    struct ks_str maintainer;    /* "Name <mail>" */
    struct ks_str date;          /* RFC 5322 date of the trailer */
    unsigned line;               /* line of the header */
};

struct ks_changelog {
    const char *p, *end;
    const char *file;
    unsigned line;
    bool done;
};

void ks_changelog_init(struct ks_changelog *c, const char *file, const char *data, size_t len);

/* The next entry, newest first. KS_ENOTFOUND at the end of the entries: the
 * input's end, or a line that ends the parseable part (Emacs "Local
 * variables:", "Old Changelog:", or any non-blank line where an entry
 * header is due after at least one entry). KS_EPARSE (file, line) for a
 * first line that is no entry header, a bad header, or an entry without its
 * " -- maintainer  date" trailer; the iterator is then done. */
ks_err ks_changelog_next(struct ks_changelog *c, struct ks_changelog_entry *e,
                         struct ks_diag *diag);

#endif
