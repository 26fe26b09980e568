/* formats/xml.h - XML into a small element tree; the only user of libxml2.
 *
 * For advisory feeds (yum updateinfo.xml) and package manifests (pom.xml,
 * packages.config, .nuspec). The document is parsed by libxml2 and copied
 * into plain `struct ks_xml_node`s in the caller's arena; no libxml2 object
 * leaves formats/.
 *
 * Safety: the network is never used (XML_PARSE_NONET), external entities
 * and external DTDs are never loaded, and entity references are never
 * substituted (no XXE, no billion laughs): an entity reference other than
 * the five predefined ones and character references contributes no text.
 * Limits: input size (`max_file_size`), element nesting (`max_json_depth`,
 * the one nesting limit for every document reader) and element count
 * (`max_entries`). Errors name the document and the line:
 * "'updateinfo.xml' line 7: opening and ending tag mismatch: id and title".
 *
 * Names: `name` is the element's local name (prefix dropped), `ns` its
 * namespace URI or NULL, so pom.xml's default namespace does not get in the
 * way of lookups by name. Attributes likewise by local name.
 *
 * Text: `text` is the concatenation of the element's own character data and
 * CDATA sections (not its children's), untrimmed, NUL-terminated.
 *
 * Thread-safe (libxml2 is initialised once; each call has its own parser). */
#ifndef KS_FORMATS_XML_H
#define KS_FORMATS_XML_H

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"

struct ks_xml_attr {
    const char *name;  /* local name */
    const char *value; /* entity-free value, NUL-terminated */
};

struct ks_xml_node {
    const char *name; /* local name */
    const char *ns;   /* namespace URI, or NULL */
    const char *text; /* own character data, "" when none */
    size_t text_len;
    struct ks_xml_attr *attrs;
    size_t nattrs;
    struct ks_xml_node *parent;
    struct ks_xml_node *child; /* first child element */
    struct ks_xml_node *next;  /* next sibling element */
    unsigned line;             /* 1-based line of the start tag */
};

/* Parses one XML document of `len` bytes; `name` is used in messages. On
 * success `*root` is the document element, owned by `arena`. KS_EPARSE for
 * malformed input, KS_ELIMIT for input over a limit. */
ks_err ks_xml_parse(struct ks_arena *arena, const char *name, const char *text, size_t len,
                    const struct ks_limits *lim, struct ks_xml_node **root,
                    struct ks_diag *diag);

/* The first child element of `n` named `name` (local name), or NULL. NULL
 * `n` gives NULL. */
const struct ks_xml_node *ks_xml_child(const struct ks_xml_node *n, const char *name);

/* The next sibling of `n` with the same local name as `n`, or NULL: iterate
 * with `for (c = ks_xml_child(p, "x"); c; c = ks_xml_next(c))`. */
const struct ks_xml_node *ks_xml_next(const struct ks_xml_node *n);

/* The value of attribute `name` (local name) of `n`, or NULL. */
const char *ks_xml_attr(const struct ks_xml_node *n, const char *name);

/* The text of the first child named `name`, or NULL when there is none. */
const char *ks_xml_child_text(const struct ks_xml_node *n, const char *name);

/* Loads libxml2 now (ks_xml_parse otherwise loads it on first use): KS_OK,
 * or KS_EUNSUPPORTED naming the missing library (core/dl.h). */
ks_err ks_xml_load(struct ks_diag *diag);

/* The libxml2 version this was built with ("2.9.14"). */
const char *ks_xml_version(void);

#endif
