/* formats/xml.c - libxml2 tree -> struct ks_xml_node tree (see xml.h). */
#include "core/ks_common.h"

#include "formats/xml.h"

#include "core/dl.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlversion.h>
#include <pthread.h>

/* libxml2, loaded on first use (core/dl.h): only a target that needs it pays for it */
#define KS_XML_FNS(X) \
    X(xmlCtxtGetLastError) \
    X(xmlCtxtReadMemory) \
    X(xmlDocGetRootElement) \
    X(xmlFreeDoc) \
    X(xmlFreeParserCtxt) \
    X(xmlGetLineNo) \
    X(xmlInitParser) \
    X(xmlNewParserCtxt)

KS_DL_LIBRARY(lib_xml, KS_XML_FNS, "libxml2.so.2",
              "read XML");

#define xmlCtxtGetLastError (lib_xml.xmlCtxtGetLastError)
#define xmlCtxtReadMemory (lib_xml.xmlCtxtReadMemory)
#define xmlDocGetRootElement (lib_xml.xmlDocGetRootElement)
#define xmlFreeDoc (lib_xml.xmlFreeDoc)
#define xmlFreeParserCtxt (lib_xml.xmlFreeParserCtxt)
#define xmlGetLineNo (lib_xml.xmlGetLineNo)
#define xmlInitParser (lib_xml.xmlInitParser)
#define xmlNewParserCtxt (lib_xml.xmlNewParserCtxt)

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

struct conv {
    struct ks_arena *arena;
    const char *name;
    const struct ks_limits *lim;
    uint64_t count;
    struct ks_diag *diag;
};

/* Own character data of `x`: TEXT and CDATA children only; entity references
 * (never substituted) contribute nothing. */
static ks_err own_text(struct ks_arena *a, xmlNode *first, const char **out, size_t *out_len)
{
    size_t len = 0;
    for (xmlNode *c = first; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            len += strlen((const char *)c->content);
    char *s = ks_arena_alloc(a, len + 1);
    if (!s)
        return KS_ENOMEM;
    size_t at = 0;
    for (xmlNode *c = first; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            size_t n = strlen((const char *)c->content);
            memcpy(s + at, c->content, n);
            at += n;
        }
    s[at] = '\0';
    *out = s;
    if (out_len)
        *out_len = at;
    return KS_OK;
}

static ks_err convert(struct conv *cv, xmlNode *x, struct ks_xml_node *parent, unsigned depth,
                      struct ks_xml_node **out)
{
    if (depth > cv->lim->max_json_depth)
        return ks_diag_set(cv->diag, KS_ELIMIT, "'%s' line %ld: elements nested deeper than %u",
                           cv->name, xmlGetLineNo(x), cv->lim->max_json_depth);
    if (++cv->count > cv->lim->max_entries)
        return ks_diag_set(cv->diag, KS_ELIMIT, "'%s': more than %llu elements", cv->name,
                           (unsigned long long)cv->lim->max_entries);
    struct ks_xml_node *n = ks_arena_calloc(cv->arena, 1, sizeof(*n));
    if (!n)
        return ks_diag_set(cv->diag, KS_ENOMEM, "'%s': out of memory", cv->name);
    n->name = ks_arena_strdup(cv->arena, (const char *)x->name);
    n->ns = x->ns && x->ns->href ? ks_arena_strdup(cv->arena, (const char *)x->ns->href) : NULL;
    n->parent = parent;
    long line = xmlGetLineNo(x);
    n->line = line > 0 ? (unsigned)line : 0;
    if (!n->name || (x->ns && x->ns->href && !n->ns) ||
        own_text(cv->arena, x->children, &n->text, &n->text_len))
        return ks_diag_set(cv->diag, KS_ENOMEM, "'%s': out of memory", cv->name);

    size_t na = 0;
    for (xmlAttr *at = x->properties; at; at = at->next)
        na++;
    if (na) {
        n->attrs = ks_arena_calloc(cv->arena, na, sizeof(*n->attrs));
        if (!n->attrs)
            return ks_diag_set(cv->diag, KS_ENOMEM, "'%s': out of memory", cv->name);
        for (xmlAttr *at = x->properties; at; at = at->next) {
            struct ks_xml_attr *a = &n->attrs[n->nattrs++];
            a->name = ks_arena_strdup(cv->arena, (const char *)at->name);
            if (!a->name || own_text(cv->arena, at->children, &a->value, NULL))
                return ks_diag_set(cv->diag, KS_ENOMEM, "'%s': out of memory", cv->name);
        }
    }

    struct ks_xml_node **tail = &n->child;
    for (xmlNode *c = x->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        ks_err err = convert(cv, c, n, depth + 1, tail);
        if (err)
            return err;
        tail = &(*tail)->next;
    }
    *out = n;
    return KS_OK;
}

ks_err ks_xml_parse(struct ks_arena *arena, const char *name, const char *text, size_t len,
                    const struct ks_limits *lim, struct ks_xml_node **root,
                    struct ks_diag *diag)
{
    ks_err err = KS_OK;
    xmlParserCtxt *ctxt = NULL;
    xmlDoc *doc = NULL;

    *root = NULL;
    if (len > lim->max_file_size)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': %zu bytes, over the limit of %llu", name, len,
                           (unsigned long long)lim->max_file_size);
    if (len > INT_MAX)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': too large for the XML reader", name);
    if ((err = ks_xml_load(diag)))
        return err;
    pthread_once(&xml_once, xml_init);
    ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return ks_diag_set(diag, KS_ENOMEM, "'%s': out of memory", name);
    /* No NOENT (no entity substitution), no DTDLOAD/DTDATTR (no external
     * DTD), NONET (never the network), no HUGE (libxml2's own caps stay). */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    doc = xmlCtxtReadMemory(ctxt, text, (int)len, name, NULL, opts);
    if (!doc || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        if (e && e->message) {
            size_t n = strlen(e->message);
            while (n && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
                n--;
            err = ks_diag_set(diag, KS_EPARSE, "'%s' line %d: %.*s", name, e->line, (int)n,
                              e->message);
        } else {
            err = ks_diag_set(diag, KS_EPARSE, "'%s': not a well-formed XML document", name);
        }
        goto done;
    }
    xmlNode *top = xmlDocGetRootElement(doc);
    if (!top) {
        err = ks_diag_set(diag, KS_EPARSE, "'%s': no root element", name);
        goto done;
    }
    struct conv cv = {arena, name, lim, 0, diag};
    err = convert(&cv, top, NULL, 1, root);
    if (err)
        *root = NULL;
done:
    if (doc)
        xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return err;
}

const struct ks_xml_node *ks_xml_child(const struct ks_xml_node *n, const char *name)
{
    if (!n)
        return NULL;
    for (const struct ks_xml_node *c = n->child; c; c = c->next)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

const struct ks_xml_node *ks_xml_next(const struct ks_xml_node *n)
{
    if (!n)
        return NULL;
    for (const struct ks_xml_node *c = n->next; c; c = c->next)
        if (!strcmp(c->name, n->name))
            return c;
    return NULL;
}

const char *ks_xml_attr(const struct ks_xml_node *n, const char *name)
{
    if (!n)
        return NULL;
    for (size_t i = 0; i < n->nattrs; i++)
        if (!strcmp(n->attrs[i].name, name))
            return n->attrs[i].value;
    return NULL;
}

const char *ks_xml_child_text(const struct ks_xml_node *n, const char *name)
{
    const struct ks_xml_node *c = ks_xml_child(n, name);
    return c ? c->text : NULL;
}

ks_err ks_xml_load(struct ks_diag *diag)
{
    return ks_dl_load(&lib_xml_dl, diag);
}

const char *ks_xml_version(void)
{
    return LIBXML_DOTTED_VERSION;
}
