#include "core/ks_common.h"

#include "core/hash.h"

#include <nettle/hmac.h>
#include <nettle/sha2.h>
#include <sys/random.h>

/* Nettle, not OpenSSL: libcrypto costs 1.4 MiB of resident memory in every
 * process that merely loads it (relocations, constructors) and 3.3 MiB once
 * EVP fetches a digest; nettle's SHA-256 (with the same SHA-NI code paths)
 * costs about 0.1 MiB. See docs/internals/loading.md. */
struct ks_sha256 {
    struct sha256_ctx ctx;
};

struct ks_sha256 *ks_sha256_new(void)
{
    struct ks_sha256 *h = malloc(sizeof(*h));

    if (!h)
        return NULL;
    sha256_init(&h->ctx);
    return h;
}

void ks_sha256_update(struct ks_sha256 *h, const void *data, size_t len)
{
    sha256_update(&h->ctx, len, data);
}

void ks_sha256_final(struct ks_sha256 *h, unsigned char out[KS_SHA256_LEN])
{
    sha256_digest(&h->ctx, KS_SHA256_LEN, out);
}

void ks_sha256_free(struct ks_sha256 *h)
{
    free(h);
}

void ks_sha256(const void *data, size_t len, unsigned char out[KS_SHA256_LEN])
{
    struct sha256_ctx ctx;

    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, KS_SHA256_LEN, out);
}

void ks_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                    unsigned char out[KS_SHA256_LEN])
{
    struct hmac_sha256_ctx ctx;

    hmac_sha256_set_key(&ctx, key_len, key);
    hmac_sha256_update(&ctx, len, data);
    hmac_sha256_digest(&ctx, KS_SHA256_LEN, out);
}

ks_err ks_random_hex(char *out, size_t nbytes)
{
    unsigned char raw[64];
    size_t got = 0;

    if (nbytes > sizeof(raw))
        return KS_EINVAL;
    while (got < nbytes) {
        ssize_t n = getrandom(raw + got, nbytes - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return KS_EIO;
        }
        got += (size_t)n;
    }
    ks_hex(raw, nbytes, out);
    return KS_OK;
}

void ks_hex(const unsigned char *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = '\0';
}

uint64_t ks_hash64(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)len * 0xff51afd7ed558ccdull), w;

    /* Byte at a time (FNV-1a) was 3-5 % of the store writer's time in a
     * fleet re-evaluation: maps keyed by 64-character finding ids. */
    for (; len >= 8; p += 8, len -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    if (len) {
        w = 0;
        memcpy(&w, p, len);
        h = (h ^ w) * 0x94d049bb133111ebull;
        h ^= h >> 29;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}
