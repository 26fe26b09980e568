/* fuzz/fuzz_lang.c - every language collector on arbitrary bytes.
 *
 * The first byte picks the collector (modulo their count); the rest is the
 * file. Beyond "no crash": a collector either fails with a message or adds
 * components whose required fields are set. Collectors that read parts of
 * files (ELF binaries) also read the same bytes from a file through pread
 * and the window cache, as a root filesystem walk gives them: the result
 * must be the same. */
#include "core/ks_common.h"

#include "core/limits.h"
#include "pkg/inventory.h"
#include "pkg/lang/lang.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The same bytes as a file read in parts: same error, same components. */
static void parse_from_file(const struct ks_collector *c, const char *path,
                            const struct ks_limits *lim, const uint8_t *data, size_t size,
                            ks_err want, size_t ncomponents)
{
    static struct ks_blob_cache cache;
    struct ks_inventory inv;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_blob blob;
    int fd = memfd_create("fuzz_lang", MFD_CLOEXEC);
    ks_err e;

    if (fd < 0 || write(fd, data, size) != (ssize_t)size)
        KS_BUG("fuzz_lang: cannot write a memfd");
    ks_blob_fd(&blob, fd, size, &cache);
    ks_inventory_init(&inv);
    {
        struct ks_collect_ctx ctx = {&inv, path, NULL, lim, &blob};
        e = c->parse(&ctx, NULL, size, &diag);
    }
    if (e != want || inv.components.len != ncomponents)
        KS_BUG("fuzz_lang: %s reads a file differently from its bytes", c->name);
    ks_inventory_release(&inv);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A path each collector wants, by collector name. */
static const struct {
    const char *collector, *path;
} paths[] = {
        {"python-metadata", "/site/x-1.dist-info/METADATA"},
        {"python-requirements", "/app/requirements.txt"},
        {"pipfile-lock", "/app/Pipfile.lock"},
        {"poetry-lock", "/app/poetry.lock"},
        {"uv-lock", "/app/uv.lock"},
        {"node-package", "/app/node_modules/x/package.json"},
        {"npm-lock", "/app/package-lock.json"},
        {"yarn-lock", "/app/yarn.lock"},
        {"pnpm-lock", "/app/pnpm-lock.yaml"},
        {"java-manifest", "/app/x-1.0.jar!/META-INF/MANIFEST.MF"},
        {"java-pom-properties", "/app/x.jar!/META-INF/maven/g/a/pom.properties"},
        {"go-binary", "/usr/bin/x"},
        {"go-mod", "/src/go.mod"},
        {"cargo-lock", "/src/Cargo.lock"},
        {"cargo-auditable", "/usr/bin/x"},
        {"gemfile-lock", "/app/Gemfile.lock"},
        {"gemspec", "/gems/specifications/x-1.gemspec"},
        {"composer-lock", "/app/composer.lock"},
        {"composer-installed", "/app/vendor/composer/installed.json"},
        {"dotnet-deps", "/app/x.deps.json"},
        {"nuget-lock", "/app/packages.lock.json"},
        {"nuget-packages-config", "/app/packages.config"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_inventory inv;
    struct ks_limits lim = ks_limits_default;
    struct ks_diag diag = KS_DIAG_INIT;
    size_t n = 0, pick;
    const struct ks_collector *c;
    const char *path = NULL;
    ks_err e;

    if (size < 1)
        return 0;
    while (ks_lang_collectors[n])
        n++;
    pick = data[0] % n;
    c = ks_lang_collectors[pick];
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        if (!strcmp(paths[i].collector, c->name))
            path = paths[i].path;
    if (!path)
        KS_BUG("fuzz_lang: no path for a collector");
    if (!c->wants(path, S_IFREG | 0755))
        KS_BUG("fuzz_lang: collector does not want its own path");
    lim.max_json_depth = 64;
    lim.max_file_size = 1u << 20;
    ks_inventory_init(&inv);
    {
        struct ks_collect_ctx ctx = {&inv, path, NULL, &lim, NULL};
        e = c->parse(&ctx, (const char *)data + 1, size - 1, &diag);
    }
    if (e && !diag.msg[0])
        KS_BUG("collector failed without a message");
    for (size_t i = 0; !e && i < inv.components.len; i++) {
        const struct ks_component *k = &inv.components.items[i];
        if (!k->name || !k->name[0] || !k->purl || !k->bom_ref || !k->ecosystem || !k->path)
            KS_BUG("component with a required field missing");
        for (size_t j = 0; j < k->ndepends; j++)
            if (!k->depends[j])
                KS_BUG("NULL dependency");
    }
    if (ks_lang_reads_parts(c))
        parse_from_file(c, path, &lim, data + 1, size - 1, e, inv.components.len);
    if (ks_lang_finish(&inv))
        KS_BUG("ks_lang_finish failed");
    ks_inventory_release(&inv);
    return 0;
}
