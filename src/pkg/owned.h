/* pkg/owned.h - which OS package installed a file, and so which language
 * packages were installed by the OS package manager (Debian's
 * python3-idna ships /usr/lib/python3/dist-packages/idna-3.3.dist-info).
 *
 * The OS collectors record every file their packages install (dpkg's
 * info/<pkg>[:<arch>].list, or status.d/<pkg>.md5sums in distroless images;
 * apk's F:/R: lines; rpm's DIRNAMES/BASENAMES/DIRINDEXES header tags) into
 * the inventory's `owned` table (model/inventory.h): a 64-bit hash of the
 * path and the owner's index, 16 bytes per file, whatever the path's length,
 * so a tree with 300,000 installed files costs about 5 MiB. The table keeps
 * no path text: two different paths with the same 64-bit FNV-1a hash would
 * make one look owned (a chance of about 1e-10 for a large tree; a target
 * that wanted to claim ownership could as well write a .list file).
 *
 * ks_owned_resolve() (run by ks_pkg_finish) ties the owners to components
 * and sets `owner` on every language component whose file (component->path;
 * for a member of an archive, the outer archive: "/usr/share/java/x.jar")
 * is installed by an OS package.
 *
 * Not thread-safe: one inventory per thread, like pkg/inventory.h. */
#ifndef KS_PKG_OWNED_H
#define KS_PKG_OWNED_H

#include "core/err.h"
#include "core/limits.h"
#include "model/inventory.h"

/* Registers an OS package as an owner of files: its type, name and, when
 * the file list names it, architecture; `bom_ref` when the component is
 * already known (rpm, apk), else NULL (dpkg .list files: resolved by name
 * and arch). The strings are copied. Sets *out to the owner's index.
 * KS_ENOMEM only. */
ks_err ks_owned_owner(struct ks_inventory *inv, enum ks_pkg_type type, const char *name,
                      const char *arch, const char *bom_ref, uint32_t *out);

/* Records that `owner` installs the file at `dir` followed by `base` (byte
 * ranges; `dir` may be empty; a leading "/" is added when missing, "/." and
 * "" are not files and are ignored, as are paths longer than
 * lim->max_path_len). Beyond lim->max_entries files the table stops
 * growing and is marked truncated (ks_owned_resolve() then notes that
 * ownership is incomplete). KS_ENOMEM only. */
ks_err ks_owned_add(struct ks_inventory *inv, uint32_t owner, const char *dir, size_t dirlen,
                    const char *base, size_t baselen, const struct ks_limits *lim);

/* After every file was collected: sorts the table, ties owners to
 * components (bom_ref), sets component->owner on language components whose
 * file an OS package installs, and adds coverage notes (an OS package
 * database without file lists, e.g. a distroless status.d/ without
 * md5sums, when there are language packages to tie; a truncated table).
 * Idempotent. KS_ENOMEM only. */
ks_err ks_owned_resolve(struct ks_inventory *inv);

/* The bom_ref of the OS package that installed `path` (absolute inside the
 * target), or NULL. When several list it (shared directories), the smallest
 * bom_ref. On a merged-/usr tree dpkg lists "/bin/x" for "/usr/bin/x": the
 * other spelling of /bin, /sbin and /lib* paths is tried too. Valid after
 * ks_owned_resolve(). */
const char *ks_owned_lookup(const struct ks_inventory *inv, const char *path);

/* Number of file paths recorded for owners of `type` (KS_PKG_UNKNOWN: all). */
size_t ks_owned_count(const struct ks_inventory *inv, enum ks_pkg_type type);

#endif
