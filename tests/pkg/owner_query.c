/* tests/pkg/owner_query.c - which OS package owns each path, as kensa's
 * inventory knows it (pkg/owned.h), for the differential tests against
 * `dpkg-query -L`, `rpm -ql` and apk's database (tests/pkg/owned.sh).
 *
 *   owner_query KIND TARGET < paths    prints "PATH<TAB>BOM-REF" (or "-")
 *
 * KIND is rootfs or image; paths are absolute inside the target. The first
 * line printed is "# files N": the size of the installed-file table. */
#include "core/ks_common.h"

#include "core/limits.h"
#include "pkg/inventory.h"
#include "pkg/owned.h"
#include "pkg/scan.h"

int main(int argc, char **argv)
{
    struct ks_inventory inv;
    struct ks_scan_opts so;
    struct ks_diag d = KS_DIAG_INIT;
    char line[8192];
    int rc = 0;

    if (argc != 3 || (strcmp(argv[1], "rootfs") && strcmp(argv[1], "image"))) {
        fprintf(stderr, "usage: owner_query rootfs|image TARGET < paths\n");
        return 2;
    }
    ks_inventory_init(&inv);
    memset(&so, 0, sizeof(so));
    so.lim = &ks_limits_default;
    if (ks_pkg_scan(&inv, !strcmp(argv[1], "image") ? KS_TARGET_IMAGE : KS_TARGET_ROOTFS, argv[2],
                    &so, &d)) {
        fprintf(stderr, "owner_query: %s\n", d.msg);
        ks_inventory_release(&inv);
        return 1;
    }
    printf("# files %zu\n", ks_owned_count(&inv, KS_PKG_UNKNOWN));
    while (fgets(line, sizeof(line), stdin)) {
        const char *owner;
        line[strcspn(line, "\n")] = '\0';
        if (!line[0])
            continue;
        owner = ks_owned_lookup(&inv, line);
        printf("%s\t%s\n", line, owner ? owner : "-");
    }
    ks_inventory_release(&inv);
    return rc;
}
