/* fuzz/fuzz_xml.c - the XML reader on arbitrary bytes.
 *
 * Beyond "no crash": every node of a parsed tree is walked, names and texts
 * must be NUL-terminated where text_len says, and parents must link back. */
#include "core/ks_common.h"

#include "core/arena.h"
#include "formats/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const struct ks_xml_node *n, const struct ks_xml_node *parent)
{
    size_t count = 0;
    for (; n; n = n->next) {
        if (n->parent != parent || strlen(n->text) != n->text_len || !n->name[0])
            KS_BUG("inconsistent XML tree");
        for (size_t i = 0; i < n->nattrs; i++)
            if (!n->attrs[i].name || !n->attrs[i].value)
                KS_BUG("attribute without name or value");
        count += 1 + walk(n->child, n);
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ks_arena arena = KS_ARENA_INIT(65536, 64u << 20);
    struct ks_limits lim = ks_limits_default;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_xml_node *root;

    lim.max_json_depth = 64;
    if (!ks_xml_parse(&arena, "fuzz", (const char *)data, size, &lim, &root, &diag))
        walk(root, NULL);
    ks_arena_reset(&arena);
    return 0;
}
