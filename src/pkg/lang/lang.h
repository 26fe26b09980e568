/* pkg/lang/lang.h - the language-ecosystem collectors ("deep inspection").
 *
 * Each collector is a pure parser from one file's bytes to components (see
 * pkg/collector.h): Python, Node.js, Java, Go, Rust, Ruby, PHP and .NET
 * metadata, lock files and binaries. They add components with name, version,
 * OSV ecosystem, purl, path, layer and, where the file records them, scope
 * (dev/optional), direct/transitive and dependency edges (bom_ref/depends,
 * resolved within the same file). Stateless and thread-safe.
 *
 * Malformed input returns KS_EPARSE / KS_ELIMIT with a one-line message
 * naming the file. Parts of a valid file that cannot be inventoried (an
 * unpinned requirement, a Go binary too old to carry inline build info) are
 * recorded as coverage notes, not errors. */
#ifndef KS_PKG_LANG_LANG_H
#define KS_PKG_LANG_LANG_H

#include "pkg/collector.h"

/* All language collectors, NULL-terminated, in a fixed order. */
extern const struct ks_collector *const ks_lang_collectors[];

/* True for the collectors whose `parse` reads only parts of a file through
 * ctx->blob and accepts data NULL (Go build info and cargo-auditable data in
 * ELF binaries); every other collector needs the bytes. */
bool ks_lang_reads_parts(const struct ks_collector *c);

/* Cross-file clean-up, run once after every file of a target was collected:
 * a jar whose META-INF/maven/ ** /pom.properties yielded components drops the
 * weaker guess made from its MANIFEST.MF (component or "not identified"
 * note). Call before ks_inventory_sort(). KS_OK or KS_ENOMEM. */
ks_err ks_lang_finish(struct ks_inventory *inv);

#endif
