/* ingest/rootfs.h - read files of a root filesystem directory without ever
 * leaving it.
 *
 * Every path is resolved by the kernel with openat2(RESOLVE_IN_ROOT): `..`
 * stops at the root and absolute symlinks are taken relative to the root, the
 * way they would resolve inside a chroot, so a hostile tree cannot make kensa
 * read the scanning host's files. Magic links (/proc/…/fd) are refused.
 * Nothing is ever opened for writing. A `struct ks_rootfs` may be shared by
 * threads for reading. */
#ifndef KS_INGEST_ROOTFS_H
#define KS_INGEST_ROOTFS_H

#include "core/buf.h"
#include "core/err.h"

#include <sys/stat.h>

struct ks_rootfs {
    int dirfd;
    char *path; /* as given, for messages */
};

/* Opens the directory `path` as a root. KS_ENOTFOUND / KS_EIO with detail. */
ks_err ks_rootfs_open(struct ks_rootfs *r, const char *path, struct ks_diag *diag);
void ks_rootfs_close(struct ks_rootfs *r);

/* Opens `rel` (absolute or relative: both mean "inside the root") read-only
 * with extra `flags` (O_DIRECTORY, O_NOFOLLOW…). Returns a descriptor the
 * caller closes, or -1 with errno set. */
int ks_rootfs_openat(const struct ks_rootfs *r, const char *rel, int flags);

/* Appends the contents of `rel` to `out`. KS_ENOTFOUND when it does not exist
 * (no message is set for that case, since absence is usually not an error),
 * KS_ELIMIT beyond `max` bytes, KS_EIO otherwise. */
ks_err ks_rootfs_read(const struct ks_rootfs *r, const char *rel, size_t max, struct ks_buf *out,
                      struct ks_diag *diag);

/* stat of `rel`; `follow` resolves a final symlink (inside the root).
 * KS_ENOTFOUND when absent. */
ks_err ks_rootfs_stat(const struct ks_rootfs *r, const char *rel, bool follow, struct stat *st);

/* Directory listing callback: `name` is the entry name, `type` a DT_* value. */
typedef ks_err ks_rootfs_dir_fn(const char *name, unsigned char type, void *ctx);

/* Calls `fn` for every entry of directory `rel` except "." and "..", in
 * byte-wise name order (deterministic). KS_ENOTFOUND when absent. */
ks_err ks_rootfs_list(const struct ks_rootfs *r, const char *rel, ks_rootfs_dir_fn *fn, void *ctx,
                      struct ks_diag *diag);

#endif
