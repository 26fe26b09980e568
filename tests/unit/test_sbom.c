#include "ks_test.h"

#include "core/arena.h"
#include "core/buf.h"
#include "export/sbom.h"
#include "formats/json.h"
#include "pkg/inventory.h"
#include "pkg/scan.h"

static void build(struct ks_inventory *inv, const char *extra_version)
{
    struct ks_component *c;
    static const char *deps[1];

    ks_inventory_init(inv);
    inv->target.kind = KS_TARGET_ROOTFS;
    inv->target.name = "/srv/root";
    inv->distro.id = "debian";
    inv->distro.version_id = "12";
    c = ks_inventory_add(inv);
    c->type = KS_PKG_DEB;
    c->name = "libssl3";
    c->version = extra_version;
    c->arch = "amd64";
    c->source_name = "openssl";
    c->bom_ref = "deb:libssl3";
    c->path = "/var/lib/dpkg/status";
    c = ks_inventory_add(inv);
    c->type = KS_PKG_DEB;
    c->name = "curl";
    c->version = "7.88.1-10+deb12u5";
    c->arch = "amd64";
    c->bom_ref = "deb:curl";
    deps[0] = "deb:libssl3";
    c->depends = deps;
    c->ndepends = 1;
    /* Same bom-ref twice: the writers must still give unique ids. */
    c = ks_inventory_add(inv);
    c->type = KS_PKG_MAVEN;
    c->name = "org.example:lib";
    c->version = "1.0";
    c->bom_ref = "deb:curl";
    c->license = "Apache-2.0";
    ks_pkg_finish(inv);
}

static struct ks_value *write_parse(struct ks_arena *a, const struct ks_inventory *inv,
                                    enum ks_sbom_format f, struct ks_buf *out)
{
    struct ks_sbom_opts o = {f, "0.1.0", NULL};
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_value *v = NULL;

    ks_buf_reset(out);
    assert_int_equal(ks_sbom_write(inv, &o, out, &d), KS_OK);
    if (f != KS_SBOM_TABLE)
        assert_int_equal(ks_json_parse(a, "out", out->ptr, out->len, &ks_limits_default, &v, &d),
                         KS_OK);
    return v;
}

static void test_cyclonedx(void **state)
{
    struct ks_inventory inv, inv2;
    struct ks_arena a = KS_ARENA_INIT(0, 0);
    struct ks_buf out = KS_BUF_INIT(0), again = KS_BUF_INIT(0);
    const struct ks_value *v, *comps, *deps;
    const char *serial;

    (void)state;
    build(&inv, "3.0.11-1~deb12u2");
    v = write_parse(&a, &inv, KS_SBOM_CYCLONEDX, &out);
    assert_string_equal(ks_value_get_str(v, "specVersion"), "1.6");
    assert_null(ks_value_path(v, "metadata.timestamp"));
    comps = ks_value_get(v, "components");
    assert_int_equal(ks_value_len(comps), 4); /* the OS + 3 */
    assert_string_equal(ks_value_get_str(ks_value_at(comps, 0), "type"), "operating-system");
    /* Canonical order: deb (curl, libssl3) then maven. */
    assert_string_equal(ks_value_get_str(ks_value_at(comps, 1), "name"), "curl");
    assert_string_equal(ks_value_get_str(ks_value_at(comps, 3), "group"), "org.example");
    assert_string_equal(ks_value_get_str(ks_value_at(comps, 3), "bom-ref"), "deb:curl#2");
    deps = ks_value_get(v, "dependencies");
    assert_int_equal(ks_value_len(deps), 1);
    assert_string_equal(ks_value_get_str(ks_value_at(deps, 0), "ref"), "deb:curl");
    /* Byte-identical when written again; the serial follows the content. */
    serial = ks_value_get_str(v, "serialNumber");
    write_parse(&a, &inv, KS_SBOM_CYCLONEDX, &again);
    assert_string_equal(ks_buf_str(&out), ks_buf_str(&again));
    build(&inv2, "3.0.11-1~deb12u3");
    v = write_parse(&a, &inv2, KS_SBOM_CYCLONEDX, &again);
    assert_string_not_equal(serial, ks_value_get_str(v, "serialNumber"));
    ks_inventory_release(&inv);
    ks_inventory_release(&inv2);
    ks_buf_release(&out);
    ks_buf_release(&again);
    ks_arena_release(&a);
}

static void test_spdx(void **state)
{
    struct ks_inventory inv;
    struct ks_arena a = KS_ARENA_INIT(0, 0);
    struct ks_buf out = KS_BUF_INIT(0);
    const struct ks_value *v, *pk, *rel;
    size_t depends_on = 0;

    (void)state;
    build(&inv, "3.0.11-1~deb12u2");
    v = write_parse(&a, &inv, KS_SBOM_SPDX, &out);
    assert_string_equal(ks_value_get_str(v, "spdxVersion"), "SPDX-2.3");
    assert_string_equal(ks_value_path(v, "creationInfo.created")->u.s.ptr, "1970-01-01T00:00:00Z");
    pk = ks_value_get(v, "packages");
    assert_int_equal(ks_value_len(pk), 4); /* target + 3 */
    assert_string_equal(ks_value_get_str(ks_value_at(pk, 1), "SPDXID"),
                        "SPDXRef-Package-deb-curl-7.88.1-10-deb12u5");
    rel = ks_value_get(v, "relationships");
    for (size_t i = 0; i < ks_value_len(rel); i++)
        if (!strcmp(ks_value_get_str(ks_value_at(rel, i), "relationshipType"), "DEPENDS_ON")) {
            depends_on++;
            assert_string_equal(ks_value_get_str(ks_value_at(rel, i), "relatedSpdxElement"),
                                "SPDXRef-Package-deb-libssl3-3.0.11-1-deb12u2");
        }
    assert_int_equal(depends_on, 1);
    ks_inventory_release(&inv);
    ks_buf_release(&out);
    ks_arena_release(&a);
}

static void test_json_table(void **state)
{
    struct ks_inventory inv;
    struct ks_arena a = KS_ARENA_INIT(0, 0);
    struct ks_buf out = KS_BUF_INIT(0);
    const struct ks_value *v;
    enum ks_sbom_format f;

    (void)state;
    build(&inv, "3.0.11-1~deb12u2");
    v = write_parse(&a, &inv, KS_SBOM_JSON, &out);
    assert_string_equal(ks_value_path(v, "target.kind")->u.s.ptr, "rootfs");
    assert_int_equal(ks_value_len(ks_value_get(v, "components")), 3);
    write_parse(&a, &inv, KS_SBOM_TABLE, &out);
    assert_non_null(strstr(ks_buf_str(&out), "libssl3"));
    assert_non_null(strstr(ks_buf_str(&out), "3 components"));
    assert_int_equal(ks_sbom_format_parse("spdx", &f), KS_OK);
    assert_int_equal(f, KS_SBOM_SPDX);
    assert_int_equal(ks_sbom_format_parse("xml", &f), KS_EINVAL);
    ks_inventory_release(&inv);
    ks_buf_release(&out);
    ks_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_cyclonedx),
            cmocka_unit_test(test_spdx),
            cmocka_unit_test(test_json_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
