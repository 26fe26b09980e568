/* fuzz/fuzz_archive.c - the archive reader on arbitrary bytes: walk every
 * member, read wanted ones, descend into nested archives, with small limits.
 * Checks beyond "no crash": names are normalised (never absolute, never
 * "..") and no read exceeds the limits. */
#include "core/ks_common.h"

#include "core/buf.h"
#include "ingest/archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const char *n)
{
    size_t len = strlen(n);

    if (!*n || *n == '/' || !strcmp(n, "..") || !strncmp(n, "../", 3) || strstr(n, "/../") ||
        (len >= 3 && !strcmp(n + len - 3, "/..")))
        KS_BUG("unsafe name '%s'", n);
}

static void walk(struct ks_archive *ar, const struct ks_limits *lim, int depth)
{
    const struct ks_archive_entry *e;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf b = KS_BUF_INIT(0);
    ks_err err;

    while ((err = ks_archive_next(ar, &e, &d)) != KS_ENOTFOUND) {
        if (err == KS_EPARSE || (err == KS_ELIMIT && strstr(d.msg, "max_path_len")))
            continue;
        if (err)
            break;
        check_name(e->name);
        if (e->type != KS_ARCHIVE_FILE)
            continue;
        if (depth < 3 && (e->size % 2)) {
            struct ks_archive *in;
            if (ks_archive_open_member(&in, ar, KS_ARCHIVE_ANY, &d) == KS_OK) {
                walk(in, lim, depth + 1);
                ks_archive_close(in);
            }
            continue;
        }
        ks_buf_reset(&b);
        if (ks_archive_read_all(ar, 1 << 20, &b, &d) == KS_OK && b.len > lim->max_file_size)
            KS_BUG("read beyond max_file_size");
    }
    ks_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_archive_budget budget = {0, 0};
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);
    struct ks_archive *ar;

    lim.max_file_size = 1 << 20;
    lim.max_expanded = 8 << 20;
    lim.max_entries = 10000;
    if (ks_archive_open_memory(&ar, data, size, "fuzz", KS_ARCHIVE_ANY, &lim, &budget, &d) ==
        KS_OK) {
        walk(ar, &lim, 0);
        ks_archive_close(ar);
    }
    if (budget.expanded > lim.max_expanded + (1u << 20))
        KS_BUG("expanded %llu bytes", (unsigned long long)budget.expanded);
    ks_decompress_memory(data, size, "fuzz", &lim, &out, &d);
    if (out.len > lim.max_file_size)
        KS_BUG("decompressed beyond max_file_size");
    ks_buf_release(&out);
    return 0;
}
