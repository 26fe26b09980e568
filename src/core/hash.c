#include "core/ks_common.h"

#include "core/hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>

struct ks_sha256 {
    EVP_MD_CTX *ctx;
};

struct ks_sha256 *ks_sha256_new(void)
{
    struct ks_sha256 *h = malloc(sizeof(*h));

    if (!h)
        return NULL;
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || !EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(h->ctx);
        free(h);
        return NULL;
    }
    return h;
}

void ks_sha256_update(struct ks_sha256 *h, const void *data, size_t len)
{
    if (!EVP_DigestUpdate(h->ctx, data, len))
        KS_BUG("EVP_DigestUpdate failed");
}

void ks_sha256_final(struct ks_sha256 *h, unsigned char out[KS_SHA256_LEN])
{
    unsigned int n = 0;

    if (!EVP_DigestFinal_ex(h->ctx, out, &n) || n != KS_SHA256_LEN)
        KS_BUG("EVP_DigestFinal_ex failed");
}

void ks_sha256_free(struct ks_sha256 *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    free(h);
}

void ks_sha256(const void *data, size_t len, unsigned char out[KS_SHA256_LEN])
{
    unsigned int n = 0;

    if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) || n != KS_SHA256_LEN)
        KS_BUG("EVP_Digest failed");
}

void ks_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                    unsigned char out[KS_SHA256_LEN])
{
    unsigned int n = 0;

    if (!HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &n) || n != KS_SHA256_LEN)
        KS_BUG("HMAC failed");
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

uint64_t ks_fnv1a(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 14695981039346656037ull;

    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}
