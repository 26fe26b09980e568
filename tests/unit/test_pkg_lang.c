/* Unit tests of the language collectors on the real fixtures under
 * tests/data/pkg/ (see the README there) and on malformed input. */
#include "ks_test.h"

#include "core/buf.h"
#include "core/file.h"
#include "core/limits.h"
#include "core/str.h"
#include "pkg/inventory.h"
#include "pkg/lang/lang.h"

#include <sys/stat.h>

static struct ks_inventory inv;
static struct ks_limits lim;

static int setup(void **state)
{
    (void)state;
    ks_inventory_init(&inv);
    ks_limits_init(&lim);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ks_inventory_release(&inv);
    return 0;
}

static const struct ks_collector *collector(const char *name)
{
    for (size_t i = 0; ks_lang_collectors[i]; i++)
        if (!strcmp(ks_lang_collectors[i]->name, name))
            return ks_lang_collectors[i];
    fail_msg("no collector '%s'", name);
    abort();
}

/* Runs collector `name` on `len` bytes as if found at `path`. */
static ks_err run_mem(const char *name, const char *path, const char *data, size_t len,
                      struct ks_diag *d)
{
    const struct ks_collector *c = collector(name);
    struct ks_collect_ctx ctx = {&inv, path, "sha256:layer", &lim, NULL};

    assert_true(c->wants(path, S_IFREG | 0755));
    ks_diag_clear(d);
    return c->parse(&ctx, data, len, d);
}

static ks_err run_str(const char *name, const char *path, const char *s, struct ks_diag *d)
{
    return run_mem(name, path, s, strlen(s), d);
}

/* Runs collector `name` on fixture tests/data/pkg/<rel>, as path "/<rel>". */
static void run_fixture(const char *name, const char *rel)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf b = KS_BUF_INIT(0);
    char file[4096], path[4096];

    snprintf(file, sizeof(file), "%s/tests/data/pkg/%s", ks_test_srcdir(), rel);
    snprintf(path, sizeof(path), "/%s", rel);
    assert_int_equal(ks_file_read(file, 1u << 26, &b, &d), KS_OK);
    if (run_mem(name, path, b.ptr ? b.ptr : "", b.len, &d))
        fail_msg("%s: %s", rel, d.msg);
    ks_buf_release(&b);
}

static const struct ks_component *find(const char *purl, const char *path_suffix)
{
    for (size_t i = 0; i < inv.components.len; i++) {
        const struct ks_component *c = &inv.components.items[i];
        if (!strcmp(c->purl, purl) && (!path_suffix || strstr(c->path, path_suffix)))
            return c;
    }
    return NULL;
}

static const struct ks_component *must(const char *purl, const char *path_suffix)
{
    const struct ks_component *c = find(purl, path_suffix);

    if (!c) {
        fail_msg("component '%s' not found", purl);
        abort(); /* not reached: tells the compiler c is not NULL */
    }
    return c;
}

static bool depends_on(const struct ks_component *c, const char *purl)
{
    size_t n = strlen(purl);

    for (size_t i = 0; i < c->ndepends; i++)
        if (!strncmp(c->depends[i], purl, n) && c->depends[i][n] == '#')
            return true;
    return false;
}

static size_t count_path(const char *suffix)
{
    size_t n = 0;

    for (size_t i = 0; i < inv.components.len; i++)
        n += ks_ends_with(inv.components.items[i].path, suffix);
    return n;
}

/* ---- which collector wants which file ---- */

static void test_wants(void **state)
{
    static const struct {
        const char *path, *collector;
        bool want;
    } cases[] = {
            {"/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA", "python-metadata",
             true},
            {"/usr/lib/python3/dist-packages/x.egg-info/PKG-INFO", "python-metadata", true},
            {"/app/METADATA", "python-metadata", false},
            {"/app/requirements.txt", "python-requirements", true},
            {"/app/requirements-dev.txt", "python-requirements", true},
            {"/app/node_modules/ms/package.json", "node-package", true},
            {"/app/node_modules/@types/node/package.json", "node-package", true},
            {"/app/node_modules/ms/test/package.json", "node-package", false},
            /* Debian's node-* packages (nodejs policy) */
            {"/usr/share/nodejs/acorn/package.json", "node-package", true},
            {"/usr/share/nodejs/@types/node/package.json", "node-package", true},
            {"/usr/lib/nodejs/ws/package.json", "node-package", true},
            {"/usr/lib/x86_64-linux-gnu/nodejs/bufferutil/package.json", "node-package", true},
            {"/usr/share/nodejs/acorn/dist/package.json", "node-package", false},
            {"/usr/share/nodejs/package.json", "node-package", false},
            {"/usr/lib/x86_64-linux-gnu/perl/package.json", "node-package", false},
            {"/usr/share/nodejs/npm/node_modules/abbrev/package.json", "node-package", true},
            {"/app/package.json", "node-package", false},
            {"/app/package-lock.json", "npm-lock", true},
            {"/app/npm-shrinkwrap.json", "npm-lock", true},
            {"/app/node_modules/.package-lock.json", "npm-lock", false},
            {"/app/node_modules/uri-js/yarn.lock", "yarn-lock", false},
            {"/app/node_modules/x/test/fixtures/node_modules/y/package.json", "node-package",
             false},
            {"/app/node_modules/x/node_modules/@s/y/package.json", "node-package", true},
            {"/a.jar!/META-INF/MANIFEST.MF", "java-manifest", true},
            {"/a.jar!/META-INF/maven/g/a/pom.properties", "java-pom-properties", true},
            {"/src/go.mod", "go-mod", true},
            {"/src/Cargo.lock", "cargo-lock", true},
            {"/var/lib/gems/3.1.0/specifications/rack-2.2.4.gemspec", "gemspec", true},
            {"/src/rack.gemspec", "gemspec", false},
            {"/usr/lib/ruby/gems/3.1.0/specifications/default/net-imap-0.2.3.gemspec", "gemspec",
             true},
            {"/app/vendor/composer/installed.json", "composer-installed", true},
            {"/app/bin/App.deps.json", "dotnet-deps", true},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (collector(cases[i].collector)->wants(cases[i].path, S_IFREG | 0644) != cases[i].want)
            fail_msg("%s: wants(%s) != %d", cases[i].collector, cases[i].path, cases[i].want);
    /* Binaries: only executable regular files. */
    assert_true(collector("go-binary")->wants("/usr/bin/x", S_IFREG | 0755));
    assert_false(collector("go-binary")->wants("/usr/bin/x", S_IFREG | 0644));
}

/* ---- Python ---- */

static void test_python(void **state)
{
    const struct ks_component *c;

    (void)state;
    run_fixture("python-metadata", "python/site/PyYAML-6.0.dist-info/METADATA");
    run_fixture("python-metadata", "python/site/PyJWT-2.6.0.egg-info/PKG-INFO");
    c = must("pkg:pypi/pyyaml@6.0", NULL);
    assert_string_equal(c->name, "PyYAML");
    assert_string_equal(c->ecosystem, "PyPI");
    assert_string_equal(c->license, "MIT");
    assert_string_equal(c->layer, "sha256:layer");
    assert_string_equal(c->path, "/python/site/PyYAML-6.0.dist-info/METADATA");
    must("pkg:pypi/pyjwt@2.6.0", NULL);

    run_fixture("python-requirements", "python/req/requirements.txt");
    assert_int_equal(count_path("requirements.txt"), 3);
    assert_int_equal(must("pkg:pypi/django@4.2.11", NULL)->direct, 1);
    must("pkg:pypi/requests@2.31.0", "requirements.txt");
    must("pkg:pypi/zope-interface@6.2", NULL);
    assert_int_equal(inv.notes.len, 1);
    assert_non_null(strstr(inv.notes.items[0].message, "3 requirement(s)"));
    assert_non_null(strstr(inv.notes.items[0].message, "'flask>=2.0'"));

    run_fixture("pipfile-lock", "python/pipenv/Pipfile.lock");
    assert_int_equal(must("pkg:pypi/pyasn1@0.4.4", NULL)->scope, KS_SCOPE_REQUIRED);
    assert_int_equal(must("pkg:pypi/pytest@3.8.0", NULL)->scope, KS_SCOPE_DEV);

    run_fixture("poetry-lock", "python/poetry/poetry.lock");
    c = must("pkg:pypi/requests@2.31.0", "poetry.lock");
    assert_true(depends_on(c, "pkg:pypi/certifi@2024.2.2"));
    assert_true(depends_on(c, "pkg:pypi/pysocks@1.7.1"));
    assert_int_equal(must("pkg:pypi/pysocks@1.7.1", NULL)->scope, KS_SCOPE_OPTIONAL);

    /* Poetry 2 records groups instead of a category. */
    {
        struct ks_diag d = KS_DIAG_INIT;
        assert_int_equal(run_str("poetry-lock", "/p2/poetry.lock",
                                 "[[package]]\nname = \"black\"\nversion = \"24.1.0\"\n"
                                 "groups = [\"dev\"]\n\n[[package]]\nname = \"click\"\n"
                                 "version = \"8.1.7\"\ngroups = [\"main\", \"dev\"]\n"
                                 "[metadata]\nlock-version = \"2.1\"\n",
                                 &d),
                         KS_OK);
        assert_int_equal(must("pkg:pypi/black@24.1.0", "/p2/")->scope, KS_SCOPE_DEV);
        assert_int_equal(must("pkg:pypi/click@8.1.7", "/p2/")->scope, KS_SCOPE_REQUIRED);
    }

    run_fixture("uv-lock", "python/uv/uv.lock");
    assert_null(find("pkg:pypi/demo@0.1.0", NULL)); /* the project itself */
    c = must("pkg:pypi/requests@2.31.0", "uv.lock");
    assert_int_equal(c->direct, 1);
    assert_int_equal(c->scope, KS_SCOPE_REQUIRED);
    c = must("pkg:pypi/pytest@8.1.1", "uv.lock");
    assert_int_equal(c->direct, 1);
    assert_int_equal(c->scope, KS_SCOPE_DEV);
    assert_true(depends_on(c, "pkg:pypi/pluggy@1.4.0"));
    assert_int_equal(must("pkg:pypi/certifi@2024.2.2", "uv.lock")->direct, 0);
    /* Scope inherited along the edges: pluggy only through dev pytest. */
    assert_int_equal(must("pkg:pypi/certifi@2024.2.2", "uv.lock")->scope, KS_SCOPE_REQUIRED);
    assert_int_equal(must("pkg:pypi/pluggy@1.4.0", "uv.lock")->scope, KS_SCOPE_DEV);
}

static void test_python_malformed(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;

    (void)state;
    assert_int_equal(run_str("python-metadata", "/x.dist-info/METADATA",
                             "Metadata-Version: 2.1\nName: x\n\nVersion: 1\n", &d),
                     KS_EPARSE);
    assert_string_equal(d.msg, "'/x.dist-info/METADATA': no 'Version' header in package metadata");
    assert_int_equal(run_str("pipfile-lock", "/Pipfile.lock", "{\"default\": {}}", &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "'/Pipfile.lock'"));
    assert_int_equal(run_str("poetry-lock", "/poetry.lock", "[[package]]\nname = \"x\"\n", &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "has no version"));
    assert_int_equal(run_str("uv-lock", "/uv.lock", "[[package]\n", &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "'/uv.lock' line 1"));
    assert_int_equal(run_mem("python-requirements", "/requirements.txt", "a==1\0", 5, &d),
                     KS_EPARSE);
    assert_int_equal(inv.components.len, 0);
}

/* ---- Node.js ---- */

static void test_npm(void **state)
{
    const struct ks_component *c;

    (void)state;
    run_fixture("npm-lock", "npm/v3/package-lock.json");
    c = must("pkg:npm/%40types/node@20.11.0", "v3/package-lock.json");
    assert_string_equal(c->name, "@types/node");
    assert_string_equal(c->ecosystem, "npm");
    assert_int_equal(c->direct, 1);
    assert_true(depends_on(c, "pkg:npm/undici-types@5.26.5"));
    c = must("pkg:npm/semver@7.6.0", "v3/");
    assert_int_equal(c->scope, KS_SCOPE_DEV);
    assert_int_equal(c->direct, 1);
    assert_int_equal(must("pkg:npm/yallist@4.0.0", "v3/")->scope, KS_SCOPE_DEV);
    /* Nested installs resolve the nearest copy: finalhandler's own debug
     * 2.6.9 (not the top-level 4.3.4), which uses its own ms 2.0.0. */
    c = must("pkg:npm/finalhandler@1.2.0", "v3/");
    assert_true(depends_on(c, "pkg:npm/debug@2.6.9"));
    assert_false(depends_on(c, "pkg:npm/debug@4.3.4"));
    assert_true(depends_on(must("pkg:npm/debug@2.6.9", "v3/"), "pkg:npm/ms@2.0.0"));
    assert_true(depends_on(must("pkg:npm/debug@4.3.4", "v3/"), "pkg:npm/ms@2.1.2"));
    assert_int_equal(must("pkg:npm/ms@2.0.0", "v3/")->direct, 0);

    run_fixture("npm-lock", "npm/v1/package-lock.json");
    c = must("pkg:npm/finalhandler@1.3.2", "v1/");
    assert_true(depends_on(c, "pkg:npm/debug@2.6.9"));
    assert_true(depends_on(must("pkg:npm/debug@2.6.9", "v1/"), "pkg:npm/ms@2.0.0"));
    assert_true(depends_on(must("pkg:npm/debug@4.4.3", "v1/"), "pkg:npm/ms@2.1.3"));
    assert_int_equal(must("pkg:npm/semver@7.8.6", "v1/")->scope, KS_SCOPE_DEV);

    run_fixture("node-package", "npm/v3/node_modules/@types/node/package.json");
    c = must("pkg:npm/%40types/node@20.11.0", "node_modules");
    assert_string_equal(c->license, "MIT");
}

static void test_yarn_pnpm(void **state)
{
    const struct ks_component *c;

    (void)state;
    run_fixture("yarn-lock", "yarn/v1/yarn.lock");
    assert_int_equal(count_path("v1/yarn.lock"), 16);
    c = must("pkg:npm/finalhandler@1.3.2", "v1/yarn.lock");
    assert_true(depends_on(c, "pkg:npm/debug@2.6.9"));
    assert_true(depends_on(c, "pkg:npm/on-finished@2.4.2"));
    assert_true(depends_on(must("pkg:npm/debug@4.4.3", "v1/yarn.lock"), "pkg:npm/ms@2.1.3"));

    run_fixture("yarn-lock", "yarn/berry/yarn.lock");
    assert_int_equal(count_path("berry/yarn.lock"), 16);
    assert_int_equal(must("pkg:npm/semver@7.8.6", "berry/")->direct, 1);
    assert_int_equal(must("pkg:npm/ms@2.0.0", "berry/")->direct, 0);
    assert_true(depends_on(must("pkg:npm/debug@2.6.9", "berry/"), "pkg:npm/ms@2.0.0"));

    run_fixture("pnpm-lock", "pnpm/pnpm-lock.yaml");
    assert_int_equal(count_path("pnpm-lock.yaml"), 16);
    c = must("pkg:npm/semver@7.8.6", "pnpm");
    assert_int_equal(c->direct, 1);
    assert_int_equal(c->scope, KS_SCOPE_DEV);
    assert_true(depends_on(must("pkg:npm/finalhandler@1.3.2", "pnpm"), "pkg:npm/debug@2.6.9"));
    assert_int_equal(must("pkg:npm/ee-first@1.1.1", "pnpm")->direct, 0);
    assert_int_equal(must("pkg:npm/ee-first@1.1.1", "pnpm")->scope, KS_SCOPE_REQUIRED);
}

static void test_node_malformed(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;

    (void)state;
    assert_int_equal(run_str("npm-lock", "/package-lock.json", "{\"packages\": {", &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "'/package-lock.json'"));
    assert_int_equal(run_str("npm-lock", "/package-lock.json", "[1]", &d), KS_EPARSE);
    assert_int_equal(run_str("npm-lock", "/package-lock.json",
                             "{\"lockfileVersion\":3,\"packages\":{\"node_modules/a\":1}}", &d),
                     KS_EPARSE);
    assert_int_equal(run_str("yarn-lock", "/yarn.lock", "a@^1\n  version \"1\"\n", &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "line 1"));
    assert_int_equal(run_str("yarn-lock", "/yarn.lock", "a@^1:\n  resolved \"x\"\n", &d),
                     KS_EPARSE);
    assert_int_equal(run_str("pnpm-lock", "/pnpm-lock.yaml", "packages: {}\n", &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "lockfileVersion"));
    assert_int_equal(run_str("node-package", "/node_modules/a/package.json", "{", &d), KS_EPARSE);
    assert_int_equal(inv.components.len, 0);
}

/* ---- Java ---- */

static void test_java(void **state)
{
    const struct ks_component *c;
    struct ks_diag d = KS_DIAG_INIT;

    (void)state;
    /* A shaded jar carries one pom.properties per bundled artifact. */
    static const char *const shaded[] = {
            "org.apache.maven.wagon/wagon-http", "org.apache.maven.wagon/wagon-http-shared",
            "org.apache.httpcomponents/httpclient", "org.apache.httpcomponents/httpcore",
            "commons-codec/commons-codec"};
    char rel[512];
    for (size_t i = 0; i < 5; i++) {
        snprintf(rel, sizeof(rel),
                 "java/wagon-http-shaded-3.5.3.jar!/META-INF/maven/%s/pom.properties", shaded[i]);
        run_fixture("java-pom-properties", rel);
    }
    run_fixture("java-manifest", "java/wagon-http-shaded-3.5.3.jar!/META-INF/MANIFEST.MF");
    run_fixture("java-pom-properties",
                "java/commons-lang3-3.12.0.jar!/META-INF/maven/org.apache.commons/commons-lang3/"
                "pom.properties");
    run_fixture("java-manifest", "java/commons-lang3-3.12.0.jar!/META-INF/MANIFEST.MF");
    run_fixture("java-manifest", "java/aopalliance-1.0.jar!/META-INF/MANIFEST.MF");
    c = must("pkg:maven/org.apache.commons/commons-lang3@3.12.0", "pom.properties");
    assert_string_equal(c->name, "org.apache.commons:commons-lang3");
    assert_string_equal(c->ecosystem, "Maven");
    must("pkg:maven/org.apache.httpcomponents/httpclient@4.5.14", NULL);
    must("pkg:maven/commons-codec/commons-codec@1.15", NULL);
    /* None of these manifests states a groupId (Implementation-Vendor-Id):
     * notes, no guessed coordinates. */
    assert_int_equal(inv.components.len, 6);
    assert_int_equal(inv.notes.len, 3);
    /* A manifest that does state them yields a component named after the
     * jar file; the registry's finishing pass drops it (and the notes) for
     * jars that also have pom.properties. */
    assert_int_equal(run_str("java-manifest",
                             "/java/commons-lang3-3.12.0.jar!/META-INF/MANIFEST.MF",
                             "Manifest-Version: 1.0\r\nImplementation-Vendor-Id: org.apach\r\n"
                             " e.commons\r\nImplementation-Version: 3.12.0\r\n\r\nName: x\r\n",
                             &d),
                     KS_OK);
    must("pkg:maven/org.apache.commons/commons-lang3@3.12.0", "MANIFEST.MF");
    assert_int_equal(run_str("java-manifest", "/app/lib/foo-1.2.jar!/META-INF/MANIFEST.MF",
                             "Implementation-Vendor-Id: org.example\n", &d),
                     KS_OK);
    must("pkg:maven/org.example/foo@1.2", "foo-1.2.jar");
    assert_int_equal(ks_lang_finish(&inv), KS_OK);
    assert_null(find("pkg:maven/org.apache.commons/commons-lang3@3.12.0", "MANIFEST.MF"));
    must("pkg:maven/org.apache.commons/commons-lang3@3.12.0", "pom.properties");
    must("pkg:maven/org.example/foo@1.2", "foo-1.2.jar");
    assert_int_equal(inv.components.len, 7);
    assert_int_equal(inv.notes.len, 1);
    assert_non_null(strstr(inv.notes.items[0].path, "aopalliance"));

    assert_int_equal(run_str("java-pom-properties", "/a.jar!/META-INF/maven/g/a/pom.properties",
                             "groupId=g\nartifactId=a\n", &d),
                     KS_EPARSE);
    assert_string_equal(d.msg, "'/a.jar!/META-INF/maven/g/a/pom.properties': "
                               "pom.properties lacks version");
}

/* Nested jars: the walk names members "/app.war!/WEB-INF/lib/b.jar!/…";
 * the clean-up pairs each MANIFEST.MF with the pom.properties of its own jar. */
static void test_java_nested(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    static const char manifest[] = "Implementation-Vendor-Id: org.example\n"
                                   "Implementation-Version: 1.0\n";

    (void)state;
    assert_int_equal(run_str("java-pom-properties",
                             "/app.war!/WEB-INF/lib/b-1.0.jar!/META-INF/maven/org.example/b/"
                             "pom.properties",
                             "groupId=org.example\nartifactId=b\nversion=1.0\n", &d),
                     KS_OK);
    assert_int_equal(run_str("java-manifest",
                             "/app.war!/WEB-INF/lib/b-1.0.jar!/META-INF/MANIFEST.MF", manifest, &d),
                     KS_OK);
    assert_int_equal(run_str("java-manifest", "/app.war!/META-INF/MANIFEST.MF", manifest, &d),
                     KS_OK);
    assert_int_equal(inv.components.len, 3);
    assert_int_equal(ks_lang_finish(&inv), KS_OK);
    assert_int_equal(inv.components.len, 2);
    must("pkg:maven/org.example/b@1.0", "b-1.0.jar!/META-INF/maven/");
    must("pkg:maven/org.example/app@1.0", "/app.war!/META-INF/MANIFEST.MF");
}

/* ---- Go ---- */

static void test_go_mod(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_component *c;

    (void)state;
    assert_int_equal(run_str("go-mod", "/src/go.mod",
                             "module example.com/m\n\ngo 1.21\n\n"
                             "require (\n\tgithub.com/a/b v1.2.3\n"
                             "\tgolang.org/x/net v0.17.0 // indirect\n"
                             "\t\"github.com/q/r\" v0.1.0\n"
                             "\texample.com/local v0.0.0\n)\n"
                             "require github.com/single/x v2.0.0+incompatible\n"
                             "replace github.com/a/b v1.2.3 => github.com/fork/b v1.2.4\n"
                             "replace example.com/local => ../local\n",
                             &d),
                     KS_OK);
    assert_int_equal(inv.components.len, 4);
    assert_null(find("pkg:golang/github.com/a/b@v1.2.3", NULL));
    c = must("pkg:golang/github.com/fork/b@v1.2.4", NULL);
    assert_int_equal(c->direct, 1);
    assert_int_equal(must("pkg:golang/golang.org/x/net@v0.17.0", NULL)->direct, 0);
    must("pkg:golang/github.com/q/r@v0.1.0", NULL);
    must("pkg:golang/github.com/single/x@v2.0.0%2Bincompatible", NULL);

    run_fixture("go-mod", "go/go.mod");
    must("pkg:golang/github.com/google/uuid@v1.3.0", "/go/go.mod");

    assert_int_equal(run_str("go-mod", "/go.mod", "require x v1\n", &d), KS_EPARSE);
    assert_string_equal(d.msg, "'/go.mod': no 'module' directive");
    assert_int_equal(run_str("go-mod", "/go.mod", "module m\nrequire x\n", &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "line 2"));
    /* Real build info (Go 1.19.8, see the fixtures README). */
    run_fixture("go-binary", "elf/go-buildinfo.o");
    c = must("pkg:golang/stdlib@v1.19.8", "go-buildinfo.o");
    assert_int_equal(c->type, KS_PKG_GO_STDLIB);
    assert_string_equal(c->name, "stdlib");
    c = must("pkg:golang/example.com/kensa-fixture", "go-buildinfo.o");
    assert_null(c->version); /* "(devel)" */
    assert_int_equal(c->direct, 1);
    must("pkg:golang/github.com/google/uuid@v1.3.0", "go-buildinfo.o");
    must("pkg:golang/golang.org/x/text@v0.7.0", "go-buildinfo.o");
    /* example.com/local is replaced by a directory: code of this build. */
    assert_null(find("pkg:golang/example.com/local@v0.0.0", "go-buildinfo.o"));
    assert_int_equal(count_path("go-buildinfo.o"), 4);
    /* Not ELF, or ELF without Go build info: not an error, nothing found. */
    assert_int_equal(run_str("go-binary", "/bin/sh", "#!/bin/sh\necho hi\n", &d), KS_OK);
}

/* ---- Rust ---- */

static void test_rust(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_component *c;

    (void)state;
    run_fixture("cargo-lock", "rust/Cargo.lock");
    assert_null(find("pkg:cargo/demo@0.1.0", NULL)); /* the workspace crate */
    c = must("pkg:cargo/serde_json@1.0.87", NULL);
    assert_string_equal(c->ecosystem, "crates.io");
    assert_int_equal(c->direct, 1);
    assert_true(depends_on(c, "pkg:cargo/itoa@1.0.1"));
    assert_true(depends_on(c, "pkg:cargo/serde@1.0.152"));
    assert_int_equal(must("pkg:cargo/ryu@1.0.2", NULL)->direct, 0);

    assert_int_equal(run_str("cargo-lock", "/Cargo.lock", "[[package]]\nname = \"x\"\n", &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "no name or version"));
    assert_int_equal(run_str("cargo-lock", "/Cargo.lock", "package = 1\n", &d), KS_EPARSE);
    assert_int_equal(run_str("cargo-auditable", "/bin/x",
                             "\x7f"
                             "ELF",
                             &d),
                     KS_OK);

    run_fixture("cargo-auditable", "elf/cargo-auditable.o");
    assert_null(find("pkg:cargo/demo@0.1.0", "auditable")); /* the root crate */
    c = must("pkg:cargo/serde_json@1.0.87", "auditable");
    assert_int_equal(c->direct, 1);
    assert_true(depends_on(c, "pkg:cargo/ryu@1.0.2"));
    assert_int_equal(must("pkg:cargo/cc@1.0.73", "auditable")->scope, KS_SCOPE_DEV);
    assert_int_equal(must("pkg:cargo/itoa@1.0.1", "auditable")->direct, 0);
}

/* ---- Ruby ---- */

static void test_ruby(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_component *c;

    (void)state;
    run_fixture("gemfile-lock", "ruby/Gemfile.lock");
    c = must("pkg:gem/steep@0.47.0", NULL);
    assert_string_equal(c->ecosystem, "RubyGems");
    assert_int_equal(c->direct, 1);
    assert_true(depends_on(c, "pkg:gem/activesupport@6.1.4.1"));
    assert_true(depends_on(c, "pkg:gem/rbs@1.7.1"));
    c = must("pkg:gem/activesupport@6.1.4.1", NULL);
    assert_int_equal(c->direct, 0);
    assert_true(depends_on(c, "pkg:gem/tzinfo@2.0.4"));

    run_fixture("gemspec", "ruby/specifications/rack-2.2.22.gemspec");
    c = must("pkg:gem/rack@2.2.22", NULL);
    assert_string_equal(c->license, "MIT");

    assert_int_equal(run_str("gemfile-lock", "/Gemfile.lock", "GEM\n  specs:\n    x (1.0\n", &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "line 3"));
    assert_int_equal(run_str("gemfile-lock", "/Gemfile.lock", "    just text\n", &d), KS_EPARSE);
    assert_int_equal(run_str("gemspec", "/specifications/x.gemspec", "s.name = 'x'\n", &d),
                     KS_EPARSE);
    /* Platform gems carry the platform as a purl qualifier. */
    assert_int_equal(run_str("gemfile-lock", "/p/Gemfile.lock",
                             "GEM\n  specs:\n    nokogiri (1.15.5-x86_64-linux)\n", &d),
                     KS_OK);
    must("pkg:gem/nokogiri@1.15.5?platform=x86_64-linux", NULL);
}

/* ---- PHP ---- */

static void test_php(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_component *c;

    (void)state;
    run_fixture("composer-lock", "php/project/composer.lock");
    run_fixture("composer-installed", "php/project/vendor/composer/installed.json");
    c = must("pkg:composer/kensa-fixture/alpha@1.4.2", "composer.lock");
    assert_string_equal(c->ecosystem, "Packagist");
    assert_true(depends_on(c, "pkg:composer/kensa-fixture/beta@2.1.0"));
    assert_int_equal(c->scope, KS_SCOPE_REQUIRED);
    assert_string_equal(must("pkg:composer/kensa-fixture/beta@2.1.0", "composer.lock")->license,
                        "Apache-2.0 OR MIT");
    assert_int_equal(must("pkg:composer/kensa-fixture/gamma-dev@0.3.1", "composer.lock")->scope,
                     KS_SCOPE_DEV);
    assert_int_equal(must("pkg:composer/kensa-fixture/gamma-dev@0.3.1", "installed.json")->scope,
                     KS_SCOPE_DEV);
    /* composer 1's installed.json is a bare array. */
    assert_int_equal(run_str("composer-installed", "/v1/vendor/composer/installed.json",
                             "[{\"name\":\"Monolog/Monolog\",\"version\":\"1.0.0\"}]", &d),
                     KS_OK);
    must("pkg:composer/monolog/monolog@1.0.0", "/v1/");
    assert_int_equal(run_str("composer-lock", "/composer.lock", "{\"packages\":{}}", &d),
                     KS_EPARSE);
    assert_int_equal(run_str("composer-lock", "/composer.lock", "{\"packages\":[{}]}", &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "has no name or version"));
}

/* ---- .NET ---- */

static void test_dotnet(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_component *c;

    (void)state;
    run_fixture("dotnet-deps", "dotnet/App.deps.json");
    run_fixture("nuget-lock", "dotnet/packages.lock.json");
    c = must("pkg:nuget/Serilog.Sinks.Console@5.0.1", "deps.json");
    assert_string_equal(c->ecosystem, "NuGet");
    assert_int_equal(c->direct, 1);
    assert_true(depends_on(c, "pkg:nuget/Serilog@3.1.1"));
    assert_int_equal(must("pkg:nuget/Serilog@3.1.1", "deps.json")->direct, 0);
    assert_null(find("pkg:nuget/App@1.0.0", NULL));
    c = must("pkg:nuget/Serilog.Sinks.Console@5.0.1", "packages.lock.json");
    assert_int_equal(c->direct, 1);
    assert_true(depends_on(c, "pkg:nuget/Serilog@3.1.1"));
    assert_int_equal(must("pkg:nuget/Serilog@3.1.1", "packages.lock.json")->direct, 0);
    assert_null(find("pkg:nuget/Lib", NULL));
    assert_int_equal(count_path("packages.lock.json"), 3);

    run_fixture("nuget-packages-config", "dotnet/packages.config");
    assert_int_equal(count_path("packages.config"), 3);
    assert_int_equal(must("pkg:nuget/NUnit@3.13.3", "packages.config")->scope, KS_SCOPE_DEV);
    assert_int_equal(must("pkg:nuget/log4net@2.0.15", "packages.config")->scope, KS_SCOPE_REQUIRED);
    assert_int_equal(run_str("nuget-packages-config", "/packages.config",
                             "<packages><package id=\"x\"/></packages>", &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "line 1: <package> without id or version"));
    assert_int_equal(run_str("nuget-packages-config", "/packages.config", "<packages>", &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "'/packages.config'"));
    assert_int_equal(run_str("nuget-packages-config", "/packages.config",
                             "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY x SYSTEM "
                             "\"file:///etc/passwd\">]><packages><package id=\"&x;\" "
                             "version=\"1\"/></packages>",
                             &d),
                     KS_EPARSE); /* the external entity contributes nothing: empty id */

    assert_int_equal(run_str("dotnet-deps", "/a.deps.json", "{\"targets\":{}}", &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "not a .deps.json"));
    assert_int_equal(run_str("dotnet-deps", "/a.deps.json",
                             "{\"libraries\":{\"NoVersion\":{\"type\":\"package\"}}}", &d),
                     KS_EPARSE);
    assert_int_equal(run_str("nuget-lock", "/packages.lock.json",
                             "{\"dependencies\":{\"net8.0\":{\"A\":{\"type\":\"Direct\"}}}}", &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "no 'resolved' version"));
}

/* Limits: a document over max_file_size is refused, not parsed. */
static void test_limits(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;

    (void)state;
    lim.max_file_size = 8;
    assert_int_equal(run_str("cargo-lock", "/Cargo.lock", "[[package]]\nname = \"x\"\n", &d),
                     KS_ELIMIT);
    assert_int_equal(run_str("npm-lock", "/package-lock.json", "{\"lockfileVersion\": 3}", &d),
                     KS_ELIMIT);
    lim.max_file_size = 1u << 20;
    lim.max_json_depth = 4;
    assert_int_equal(run_str("npm-lock", "/package-lock.json",
                             "{\"dependencies\":{\"a\":{\"version\":\"1\",\"dependencies\":{\"b\":"
                             "{\"version\":\"1\",\"dependencies\":{\"c\":{\"version\":\"1\"}}}}}}}",
                             &d),
                     KS_ELIMIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_wants, setup, teardown),
            cmocka_unit_test_setup_teardown(test_python, setup, teardown),
            cmocka_unit_test_setup_teardown(test_python_malformed, setup, teardown),
            cmocka_unit_test_setup_teardown(test_npm, setup, teardown),
            cmocka_unit_test_setup_teardown(test_yarn_pnpm, setup, teardown),
            cmocka_unit_test_setup_teardown(test_node_malformed, setup, teardown),
            cmocka_unit_test_setup_teardown(test_java, setup, teardown),
            cmocka_unit_test_setup_teardown(test_java_nested, setup, teardown),
            cmocka_unit_test_setup_teardown(test_go_mod, setup, teardown),
            cmocka_unit_test_setup_teardown(test_rust, setup, teardown),
            cmocka_unit_test_setup_teardown(test_ruby, setup, teardown),
            cmocka_unit_test_setup_teardown(test_php, setup, teardown),
            cmocka_unit_test_setup_teardown(test_dotnet, setup, teardown),
            cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
