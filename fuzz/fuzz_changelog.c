/* fuzz/fuzz_changelog.c - the Debian changelog reader on arbitrary bytes.
 *
 * Beyond "no crash": every entry's slices lie inside the input, in order,
 * and the iterator ends (KS_ENOTFOUND) after at most one error. */
#include "core/ks_common.h"

#include "formats/debian.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(struct ks_str s, const char *lo, const char *hi)
{
    if (s.ptr && (s.ptr < lo || s.ptr + s.len > hi))
        KS_BUG("slice outside the input");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    struct ks_changelog c;
    struct ks_changelog_entry e;
    struct ks_diag diag = KS_DIAG_INIT;
    ks_err err;
    unsigned last = 0;

    ks_changelog_init(&c, "changelog", p, size);
    while (!(err = ks_changelog_next(&c, &e, &diag))) {
        inside(e.source, p, end);
        inside(e.version, p, end);
        inside(e.distributions, p, end);
        inside(e.urgency, p, end);
        inside(e.changes, p, end);
        inside(e.maintainer, p, end);
        inside(e.date, p, end);
        if (!e.source.len || !e.version.len || e.line <= last)
            KS_BUG("empty name/version or lines out of order");
        last = e.line;
    }
    if (err != KS_ENOTFOUND && err != KS_EPARSE)
        KS_BUG("unexpected error %d", (int)err);
    if (ks_changelog_next(&c, &e, &diag) != KS_ENOTFOUND)
        KS_BUG("iterator did not stop");
    return 0;
}
