/* tests/pkg/lang_dump.c - runs every language collector over a directory
 * tree and prints the inventory as JSON lines, for the differential and
 * fixture tests (the real walk of targets lives in ingest/).
 *
 *   lang_dump ROOT      paths are printed relative to ROOT, starting with '/'.
 *
 * A directory whose name ends in '!' stands for an unpacked archive: its
 * members appear as "/x.jar!/META-INF/…", the convention of pkg/collector.h. */
#include "core/ks_common.h"

#include "core/buf.h"
#include "core/file.h"
#include "core/limits.h"
#include "formats/json.h"
#include "pkg/inventory.h"
#include "pkg/lang/lang.h"

#include <ftw.h>
#include <sys/stat.h>

static struct ks_inventory inv;
static struct ks_limits lim;
static size_t root_len;
static int failures;

static int visit(const char *fpath, const struct stat *st, int flag, struct FTW *ftw)
{
    const char *rel = fpath + root_len;
    struct ks_buf b = KS_BUF_INIT(0);
    bool read = false;
    (void)ftw;

    if (flag != FTW_F)
        return 0;
    /* The file is read once, for every collector that wants it. */
    for (size_t i = 0; ks_lang_collectors[i]; i++) {
        const struct ks_collector *c = ks_lang_collectors[i];
        struct ks_collect_ctx ctx = {&inv, rel, NULL, &lim, NULL};
        struct ks_diag d = KS_DIAG_INIT;
        if (!c->wants(rel, st->st_mode))
            continue;
        bool read_failed = !read && ks_file_read(fpath, lim.max_file_size, &b, &d);
        if (read_failed || c->parse(&ctx, b.ptr ? b.ptr : "", b.len, &d)) {
            struct ks_buf q = KS_BUF_INIT(0);
            ks_json_quote(&q, d.msg, strlen(d.msg));
            printf("{\"error\":%s,\"collector\":\"%s\"}\n", q.ptr, c->name);
            ks_buf_release(&q);
            failures++;
            if (read_failed)
                break;
        }
        read = true;
    }
    ks_buf_release(&b);
    return 0;
}

int main(int argc, char **argv)
{
    struct ks_buf out = KS_BUF_INIT(0);
    struct ks_jw w;

    if (argc != 2) {
        fprintf(stderr, "usage: lang_dump ROOT\n");
        return 2;
    }
    ks_limits_init(&lim);
    ks_inventory_init(&inv);
    root_len = strlen(argv[1]);
    while (root_len > 1 && argv[1][root_len - 1] == '/')
        root_len--;
    if (nftw(argv[1], visit, 32, FTW_PHYS)) {
        perror(argv[1]);
        return 1;
    }
    ks_lang_finish(&inv);
    ks_inventory_sort(&inv);
    for (size_t i = 0; i < inv.components.len; i++) {
        const struct ks_component *c = &inv.components.items[i];
        ks_buf_reset(&out);
        ks_jw_init(&w, &out, 0);
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "name", c->name);
        ks_jw_kstr_opt(&w, "version", c->version);
        ks_jw_kstr(&w, "ecosystem", c->ecosystem);
        ks_jw_kstr(&w, "purl", c->purl);
        ks_jw_kstr_opt(&w, "license", c->license);
        ks_jw_kstr(&w, "path", c->path);
        ks_jw_kint(&w, "direct", c->direct);
        ks_jw_kstr(&w, "scope",
                   c->scope == KS_SCOPE_REQUIRED   ? "required"
                   : c->scope == KS_SCOPE_OPTIONAL ? "optional"
                   : c->scope == KS_SCOPE_DEV      ? "dev"
                                                   : "unknown");
        ks_jw_key(&w, "depends");
        ks_jw_arr_begin(&w);
        for (size_t k = 0; k < c->ndepends; k++) {
            const char *h = strchr(c->depends[k], '#');
            ks_jw_strn(&w, c->depends[k], h ? (size_t)(h - c->depends[k]) : strlen(c->depends[k]));
        }
        ks_jw_arr_end(&w);
        ks_jw_obj_end(&w);
        if (ks_jw_finish(&w))
            return 1;
        puts(out.ptr);
    }
    for (size_t i = 0; i < inv.notes.len; i++) {
        ks_buf_reset(&out);
        ks_jw_init(&w, &out, 0);
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "note", inv.notes.items[i].message);
        ks_jw_kstr_opt(&w, "path", inv.notes.items[i].path);
        ks_jw_obj_end(&w);
        if (ks_jw_finish(&w))
            return 1;
        puts(out.ptr);
    }
    ks_buf_release(&out);
    ks_inventory_release(&inv);
    return failures ? 3 : 0;
}
