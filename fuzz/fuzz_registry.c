/* fuzz/fuzz_registry.c - the registry parsers on arbitrary bytes: manifests
 * and indexes (with each Content-Type a registry may send), Docker config
 * credentials, WWW-Authenticate challenges and image references. No crash,
 * bounded, and what parses is consistent (digests valid, platforms of index
 * entries formed from os/arch). */
#include "core/ks_common.h"

#include "core/arena.h"
#include "ingest/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {NULL, KS_REG_MT_OCI_INDEX, KS_REG_MT_OCI_MANIFEST,
                                        KS_REG_MT_DOCKER_LIST, KS_REG_MT_DOCKER_V2,
                                        KS_REG_MT_DOCKER_V1_JWS, "application/json; charset=x"};
    struct ks_limits lim = ks_limits_default;
    struct ks_reg_manifest m;
    struct ks_reg_challenge ch;
    struct ks_reg_ref ref;
    struct ks_arena a;
    const char *up;
    char *text;

    lim.max_json_depth = 64;
    ks_arena_init(&a, 0, 0);
    if (!ks_reg_manifest_parse(&a, "fuzz", types[size % KS_ARRAY_LEN(types)], (const char *)data,
                               size, &lim, &m, NULL)) {
        for (size_t i = 0; i < m.ndescs; i++)
            if (!ks_reg_digest_valid(m.descs[i].digest, NULL) ||
                (m.descs[i].platform && !strchr(m.descs[i].platform, '/')))
                KS_BUG("descriptor %zu accepted with a bad digest or platform", i);
        if (!m.is_index && !ks_reg_digest_valid(m.config.digest, NULL))
            KS_BUG("manifest accepted with a bad config digest");
    }
    ks_reg_config_auth(&a, "fuzz", (const char *)data, size, "127.0.0.1:5000", &lim, &up, NULL);
    text = ks_arena_strndup(&a, (const char *)data, size < 4096 ? size : 4096);
    if (text) {
        if (!ks_reg_challenge_parse(text, &ch, NULL) && ch.scheme == KS_REG_AUTH_BEARER &&
            !ch.realm[0])
            KS_BUG("bearer challenge accepted without realm");
        if (!ks_reg_ref_parse(text, &ref, NULL) && (!ref.host[0] || !ref.repo[0] ||
                                                    (!ref.tag[0] && !ref.digest[0])))
            KS_BUG("reference accepted without host, repository or tag/digest");
    }
    ks_arena_release(&a);
    return 0;
}
