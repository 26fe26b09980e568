/* core/hash.h - SHA-256 and HMAC-SHA256 (via nettle) and FNV-1a for hash
 * tables.
 *
 * Nettle objects never leave this file: the streaming context is opaque. */
#ifndef KS_CORE_HASH_H
#define KS_CORE_HASH_H

#include "core/err.h"

#define KS_SHA256_LEN 32
#define KS_SHA256_HEX (KS_SHA256_LEN * 2 + 1)

struct ks_sha256;

/* Streaming SHA-256. _new returns NULL when out of memory; _final writes the
 * digest and may be followed only by _free. */
struct ks_sha256 *ks_sha256_new(void);
void ks_sha256_update(struct ks_sha256 *h, const void *data, size_t len);
void ks_sha256_final(struct ks_sha256 *h, unsigned char out[KS_SHA256_LEN]);
void ks_sha256_free(struct ks_sha256 *h);

/* One-shot digest of `len` bytes. */
void ks_sha256(const void *data, size_t len, unsigned char out[KS_SHA256_LEN]);

/* HMAC-SHA256 of `len` bytes of `data` with `key`. */
void ks_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                    unsigned char out[KS_SHA256_LEN]);

/* Writes `nbytes` random bytes from the kernel (getrandom) as lowercase hex
 * into `out` (2*nbytes+1 bytes). KS_EIO when no randomness can be had. */
ks_err ks_random_hex(char *out, size_t nbytes);

/* Lowercase hex of `len` bytes into `out` (2*len+1 bytes). */
void ks_hex(const unsigned char *in, size_t len, char *out);

/* A 64-bit hash of `len` bytes, eight at a time (multiply and xor-shift,
 * finished with MurmurHash3's mix): for in-memory tables only, never for
 * security or for anything stored (it depends on byte order). */
uint64_t ks_hash64(const void *data, size_t len);

#endif
