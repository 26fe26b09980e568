#include "core/ks_common.h"

#include "core/hash.h"

#include <openssl/evp.h>

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
