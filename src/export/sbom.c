#include "core/ks_common.h"

#include "export/sbom.h"

#include "core/hash.h"

ks_err ks_sbom_format_parse(const char *name, enum ks_sbom_format *out)
{
    static const struct {
        const char *name;
        enum ks_sbom_format f;
    } names[] = {{"cyclonedx", KS_SBOM_CYCLONEDX},
                 {"spdx", KS_SBOM_SPDX},
                 {"json", KS_SBOM_JSON},
                 {"table", KS_SBOM_TABLE}};

    for (size_t i = 0; i < KS_ARRAY_LEN(names); i++)
        if (!strcmp(name, names[i].name)) {
            *out = names[i].f;
            return KS_OK;
        }
    return KS_EINVAL;
}

ks_err ks_sbom_write(const struct ks_inventory *inv, const struct ks_sbom_opts *o,
                     struct ks_buf *out, struct ks_diag *diag)
{
    ks_err err = KS_EINVAL;

    switch (o->format) {
    case KS_SBOM_CYCLONEDX:
        err = ks_sbom_write_cyclonedx(inv, o, out);
        break;
    case KS_SBOM_SPDX:
        err = ks_sbom_write_spdx(inv, o, out);
        break;
    case KS_SBOM_JSON:
        err = ks_sbom_write_json(inv, o, out);
        break;
    case KS_SBOM_TABLE:
        err = ks_sbom_write_table(inv, out);
        break;
    }
    if (err)
        return ks_diag_set(diag, err, "cannot write the SBOM: %s", ks_err_str(err));
    return KS_OK;
}

const char *ks_sbom_type_name(enum ks_pkg_type t)
{
    static const char *const names[] = {
            [KS_PKG_UNKNOWN] = "unknown", [KS_PKG_DEB] = "deb",       [KS_PKG_RPM] = "rpm",
            [KS_PKG_APK] = "apk",         [KS_PKG_PYPI] = "pypi",     [KS_PKG_NPM] = "npm",
            [KS_PKG_MAVEN] = "maven",     [KS_PKG_GO] = "golang",     [KS_PKG_CARGO] = "cargo",
            [KS_PKG_GEM] = "gem",         [KS_PKG_COMPOSER] = "composer",
            [KS_PKG_NUGET] = "nuget",     [KS_PKG_GO_STDLIB] = "go-stdlib",
            [KS_PKG_KERNEL] = "kernel",
    };
    return (size_t)t < KS_ARRAY_LEN(names) && names[t] ? names[t] : "unknown";
}

const char *ks_sbom_kind_name(enum ks_target_kind k)
{
    switch (k) {
    case KS_TARGET_ROOTFS: return "rootfs";
    case KS_TARGET_IMAGE: return "image";
    case KS_TARGET_ARCHIVE: return "archive";
    case KS_TARGET_SBOM: return "sbom";
    case KS_TARGET_HOST: return "host";
    }
    return "unknown";
}

static void hash_str(struct ks_sha256 *h, const char *s)
{
    ks_sha256_update(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

void ks_sbom_content_uuid(const struct ks_inventory *inv, char out[37])
{
    struct ks_sha256 *h = ks_sha256_new();
    unsigned char d[32];
    char hex[65];

    if (!h) {
        memset(d, 0, sizeof(d));
    } else {
        hash_str(h, ks_sbom_kind_name(inv->target.kind));
        hash_str(h, inv->target.name);
        hash_str(h, inv->target.digest);
        hash_str(h, inv->distro.id);
        hash_str(h, inv->distro.version_id);
        for (size_t i = 0; i < inv->components.len; i++) {
            const struct ks_component *c = &inv->components.items[i];
            hash_str(h, ks_sbom_type_name(c->type));
            hash_str(h, c->name);
            hash_str(h, c->version);
            hash_str(h, c->purl);
            hash_str(h, c->path);
            hash_str(h, c->layer);
        }
        ks_sha256_final(h, d);
        ks_sha256_free(h);
    }
    d[6] = (unsigned char)((d[6] & 0x0f) | 0x50); /* version 5 layout */
    d[8] = (unsigned char)((d[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    ks_hex(d, 16, hex);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}
