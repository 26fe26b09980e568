/* match/match.c - the matching engine behind `kensa scan`. */
#include "core/ks_common.h"

#include "match/match.h"

#include "core/map.h"
#include "match/internal.h"
#include "score/fix.h"

void ks_match_result_init(struct ks_match_result *r)
{
    memset(r, 0, sizeof(*r));
    ks_arena_init(&r->arena, 65536, 0);
}

void ks_match_result_release(struct ks_match_result *r)
{
    KS_VEC_RELEASE(&r->findings);
    KS_VEC_RELEASE(&r->skipped);
    KS_VEC_RELEASE(&r->notes);
    ks_arena_release(&r->arena);
}

/* The packageManager value of the original service's findings. */
static const char *package_manager(enum ks_pkg_type t)
{
    switch (t) {
    case KS_PKG_DEB:
    case KS_PKG_RPM:
    case KS_PKG_APK:
    case KS_PKG_KERNEL:
        return "OS";
    case KS_PKG_PYPI:
        return "PYTHONPKG";
    case KS_PKG_NPM:
        return "NODEPKG";
    case KS_PKG_MAVEN:
        return "JAR";
    case KS_PKG_GO:
    case KS_PKG_GO_STDLIB:
        return "GOBINARY";
    case KS_PKG_CARGO:
        return "CARGO";
    case KS_PKG_GEM:
        return "GEMSPEC";
    case KS_PKG_COMPOSER:
        return "COMPOSER";
    case KS_PKG_NUGET:
        return "NUGET";
    case KS_PKG_UNKNOWN:
        break;
    }
    return "UNKNOWN";
}

/* The advisory source named in findings, from the feed that matched. */
static const char *source_of(const char *feed, const char *ecosystem)
{
    if (!strcmp(feed, "debian-tracker") || !strcmp(feed, "apt"))
        return "DEBIAN_CVE";
    if (!strcmp(feed, "alpine-secdb"))
        return "ALPINE_SECDB";
    if (!strcmp(feed, "updateinfo"))
        return "AMAZON_CVE";
    if (!strcmp(feed, "nvd"))
        return "NVD";
    if (ecosystem && !strncmp(ecosystem, "Ubuntu", 6))
        return "UBUNTU_CVE";
    if (ecosystem && !strncmp(ecosystem, "Debian", 6))
        return "DEBIAN_CVE";
    return "OSV";
}

/* The apt suite a fix was read from ("bookworm-security/openssl/CVE-…" →
 * "bookworm-security"), or NULL for other feeds and for a Release file that
 * named no suite (the importer's placeholder "apt"). */
static const char *apt_suite(struct ks_arena *a, const struct ks_vdb_match *m)
{
    const char *slash = m->feed && m->record && !strcmp(m->feed, "apt") ? strchr(m->record, '/')
                                                                        : NULL;

    if (!slash || (slash - m->record == 3 && !strncmp(m->record, "apt", 3)))
        return NULL;
    return ks_arena_strndup(a, m->record, (size_t)(slash - m->record));
}

/* "CVSS:3.1/…" → "3.1", "CVSS:4.0/…" → "4.0", a bare v2 vector → "2.0". */
static const char *cvss_version(const char *vector)
{
    if (!strncmp(vector, "CVSS:3.1/", 9))
        return "3.1";
    if (!strncmp(vector, "CVSS:3.0/", 9))
        return "3.0";
    if (!strncmp(vector, "CVSS:4.0/", 9))
        return "4.0";
    return "2.0";
}

bool ks_match_kernel_headers(const struct ks_component *c)
{
    return c->type == KS_PKG_DEB && c->name &&
           (!strcmp(c->name, "linux-libc-dev") || !strncmp(c->name, "linux-headers-", 14));
}

static ks_err note(struct ks_match_result *res, const char *text, struct ks_diag *diag)
{
    if (!text || KS_VEC_PUSH(&res->notes, text))
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    return KS_OK;
}

bool ks_match_lookup_key(const struct ks_component *c, const char **eco, const char **name,
                         const char **version)
{
    *eco = c->ecosystem;
    *name = c->name;
    *version = c->version;
    if (c->type == KS_PKG_DEB || c->type == KS_PKG_APK) {
        /* Distribution advisories are about source packages. */
        if (c->source_name)
            *name = c->source_name;
        if (c->source_version)
            *version = c->source_version;
    }
    return *eco && *name && *version;
}

static int cmp_finding(const void *pa, const void *pb)
{
    const struct ks_finding *a = pa, *b = pb;
    int r;

    if (a->severity != b->severity)
        return a->severity > b->severity ? -1 : 1;
    if (a->score.score10 != b->score.score10)
        return a->score.score10 > b->score.score10 ? -1 : 1;
    r = strcmp(a->package.name, b->package.name);
    if (!r)
        r = strcmp(a->vulnerability_id, b->vulnerability_id);
    if (!r)
        r = strcmp(a->package.file_path ? a->package.file_path : "",
                   b->package.file_path ? b->package.file_path : "");
    return r;
}

static ks_err skip(struct ks_match_result *res, const struct ks_finding *f, size_t component,
                   const char *reason)
{
    struct ks_match_skip s;

    if (!reason)
        return KS_ENOMEM;
    memset(&s, 0, sizeof(s));
    s.vulnerability_id = f->vulnerability_id;
    s.package = f->package.name;
    s.reason = reason;
    s.component = component;
    s.finding = *f;
    return KS_VEC_PUSH(&res->skipped, s);
}

/* f->cvss: each source's CVSS vectors (one entry per source and vector),
 * marked `vendor` when the source advises on the package itself. */
static ks_err cvss_per_source(struct ks_arena *a, const struct ks_vdb_match *m,
                              struct ks_finding *f)
{
    struct ks_cvss_score *cvss;
    size_t n = 0, max = 0;

    for (size_t k = 0; k < m->nsevs; k++)
        max += m->sevs[k].cvss;
    if (!max)
        return KS_OK;
    cvss = ks_arena_calloc(a, max, sizeof(*cvss));
    if (!cvss)
        return KS_ENOMEM;
    for (size_t k = 0; k < m->nsevs; k++) {
        const struct ks_vdb_severity *s = &m->sevs[k];
        size_t j = 0;
        if (!s->cvss)
            continue;
        while (j < n && !(!strcmp(cvss[j].source, s->source) && !strcmp(cvss[j].vector, s->value)))
            j++;
        if (j == n)
            cvss[n++] = (struct ks_cvss_score){s->source, cvss_version(s->value), s->value, 0,
                                               s->vendor};
        else
            cvss[j].vendor |= s->vendor;
    }
    ks_score_fill_bases(cvss, n);
    f->cvss = cvss;
    f->ncvss = n;
    return KS_OK;
}

/* Builds the finding for one (component, match) and files it, unless it
 * is a duplicate of `dup_of` (same purl), a kernel flaw on kernel headers,
 * or VEX, the ignore rules, --ignore-unfixed or --severity remove it (a
 * recorded skip). A second advisory for a vulnerability already decided
 * for this instance only fills a missing fixed version. */
static ks_err add_finding(struct ks_match_result *res, const struct ks_match_opts *o,
                          const struct ks_component *c, size_t ci,
                          const struct ks_component *dup_of, const char *os_owned,
                          const struct ks_vdb_match *m, size_t first_of_component,
                          size_t first_skip)
{
    struct ks_arena *a = &res->arena;
    struct ks_score_input in;
    struct ks_finding f;
    const struct ks_vex_statement *vs;
    const struct ks_ignore_rule *ir;
    struct ks_purl purl;
    bool have_purl = false;
    ks_err err;

    /* One finding per vulnerability and package instance. */
    for (size_t i = first_of_component; i < res->findings.len; i++) {
        struct ks_finding *g = &res->findings.items[i];
        if (!strcmp(g->vulnerability_id, m->vuln)) {
            if (!g->package.fixed_version && m->fixed && strcmp(m->fixed, "0")) {
                g->package.fixed_version = ks_arena_strdup(a, m->fixed);
                g->package.fix_command =
                        ks_fix_command(a, c->type, c->name, g->package.fixed_version, NULL);
                g->fix_available = ks_fix_available_of(1, g->package.fix_command ? 1 : 0);
            }
            return KS_OK;
        }
    }
    for (size_t i = first_skip; i < res->skipped.len; i++)
        if (res->skipped.items[i].component == ci &&
            !strcmp(res->skipped.items[i].vulnerability_id, m->vuln))
            return KS_OK;
    memset(&f, 0, sizeof(f));
    f.type = KS_FINDING_PACKAGE_VULNERABILITY;
    f.status = KS_STATUS_ACTIVE;
    f.resource_type = o->resource_type;
    f.resource_id = o->resource_id;
    f.vulnerability_id = m->vuln;
    if (m->record && strcmp(m->record, m->vuln)) {
        /* The advisory that matched is an alias (GHSA) or the advisory
         * about this CVE (DSA, DLA, USN): name it. */
        const char **al = ks_arena_alloc(a, sizeof(*al));
        if (!al)
            return KS_ENOMEM;
        al[0] = m->record;
        f.aliases = al;
        f.naliases = 1;
    }
    f.source = source_of(m->feed, m->ecosystem);
    f.description = m->summary;
    f.title = KS_ARENA_CAT(a, m->vuln, " - ", c->name);
    f.package.name = c->name;
    f.package.version = c->version;
    f.package.epoch = -1;
    f.package.arch = c->arch;
    f.package.package_manager = package_manager(c->type);
    f.package.purl = c->purl;
    f.package.file_path = c->path;
    f.package.layer = c->layer;
    if (m->fixed && *m->fixed && strcmp(m->fixed, "0")) {
        f.package.fixed_version = m->fixed;
        f.package.fix_command = ks_fix_command(a, c->type, c->name, m->fixed, apt_suite(a, m));
    }
    f.fix_available = ks_fix_available_of(1, f.package.fixed_version && f.package.fix_command);
    if ((err = cvss_per_source(a, m, &f)))
        return err;
    memset(&in, 0, sizeof(in));
    in.cvss = f.cvss;
    in.ncvss = f.ncvss;
    in.vendor_scale = KS_SCALE_GENERIC;
    in.netpath = o->netpath;
    /* The vendor's own label: the first one that names a band (a Debian
     * urgency "not yet assigned" does not), else the first one. */
    for (int pass = 0; pass < 2 && !f.vendor_severity; pass++)
        for (size_t k = 0; k < m->nsevs; k++) {
            const struct ks_vdb_severity *s = &m->sevs[k];
            enum ks_severity band;
            if (s->cvss || !s->vendor ||
                (!pass && !ks_score_vendor_severity(ks_score_scale_of(s->source, s->type),
                                                    s->value, &band)))
                continue;
            f.vendor_severity = s->value;
            f.vendor_severity_source = s->source;
            in.vendor_scale = ks_score_scale_of(s->source, s->type);
            break;
        }
    in.vendor_severity = f.vendor_severity;
    in.vendor_source = f.vendor_severity_source;
    err = ks_score_compute(a, &in, &f.score, &f.severity);
    if (err)
        return err;
    f.epss.known = m->epss >= 0;
    f.epss.score = m->epss >= 0 ? m->epss : 0;
    f.kev.listed = m->kev;
    f.exploit_available = m->kev;
    f.source_url = !strncmp(m->record, "GHSA-", 5)
                           ? KS_ARENA_CAT(a, "https://github.com/advisories/", m->record)
                   : !strncmp(m->vuln, "CVE-", 4)
                           ? KS_ARENA_CAT(a, "https://nvd.nist.gov/vuln/detail/", m->vuln)
                           : NULL;
    ks_finding_make_id(&f);
    if (dup_of)
        return skip(res, &f, ci,
                    ks_arena_printf(a, "same package instance as '%s' (%s): decided there",
                                    dup_of->path ? dup_of->path : dup_of->name, c->purl));
    if (ks_match_kernel_headers(c)) {
        res->kernel_headers++;
        return skip(res, &f, ci,
                    "kernel headers: a Linux kernel flaw is not in the userspace headers this "
                    "package installs; it concerns the running kernel");
    }
    if (os_owned) {
        res->os_owned_matches++;
        return skip(res, &f, ci, os_owned);
    }
    if (c->purl && !ks_purl_parse(a, c->purl, &purl, NULL))
        have_purl = true;
    if (o->vex && have_purl) {
        vs = ks_vex_find(o->vex, m->vuln, &m->record, 1, &purl);
        if (vs && (vs->status == KS_VEX_NOT_AFFECTED || vs->status == KS_VEX_FIXED)) {
            err = skip(res, &f, ci,
                       ks_arena_printf(a, "vex %s%s%s (%s)", ks_vex_status_name(vs->status),
                                       vs->justification ? ": " : "",
                                       vs->justification ? vs->justification : "", vs->source));
            if (!err)
                res->skipped.items[res->skipped.len - 1].vex = vs;
            return err;
        }
    }
    if (o->ignore) {
        ir = ks_ignore_match(o->ignore, m->vuln, &m->record, 1, c->name, have_purl ? &purl : NULL,
                             c->path);
        if (ir)
            return skip(res, &f, ci,
                        ks_arena_printf(a, "ignored: %s ('%s' line %u)", ir->reason,
                                        o->ignore->file, ir->line));
    }
    if (o->ignore_unfixed && !f.package.fixed_version)
        return skip(res, &f, ci, "no fixed version (--ignore-unfixed)");
    if (o->severities && !o->severities[f.severity])
        return skip(res, &f, ci,
                    ks_arena_printf(a, "severity %s not selected (--severity)",
                                    ks_severity_name(f.severity)));
    return KS_VEC_PUSH(&res->findings, f);
}

/* True when the OS package version `osv` ("1:2.28.1+dfsg-1", rpm "E:V-R",
 * apk "V-rN") is upstream version `v` (a leading Go "v" ignored), possibly
 * repacked ("+dfsg", "+ds", "~"): then the OS package *is* that software
 * and its advisories speak for it. Another version is a bundled copy. */
static bool same_upstream(const char *osv, const char *v)
{
    const char *colon = strchr(osv, ':'), *dash;
    size_t n, vn;

    if (colon && colon > osv && strspn(osv, "0123456789") == (size_t)(colon - osv))
        osv = colon + 1;
    dash = strrchr(osv, '-');
    n = dash ? (size_t)(dash - osv) : strlen(osv);
    if (v[0] == 'v' && v[1] >= '0' && v[1] <= '9')
        v++;
    vn = strlen(v);
    if (!vn || vn > n || strncmp(osv, v, vn))
        return false;
    return vn == n || osv[vn] == '+' || osv[vn] == '~';
}

/* Sets *reason when component `c`, installed by an OS package, is left to
 * that package's advisories (counted), and the note's first example. */
/* Whether the database has advisories for OS ecosystem `eco`, asked once
 * per ecosystem and inventory (`cache` keeps the last answer). */
struct os_data {
    const char *eco;
    bool has;
};

static ks_err os_has_data(struct ks_vdb *db, struct os_data *cache, const char *eco, bool *has,
                          struct ks_diag *diag)
{
    ks_err err = KS_OK;

    if (!eco) {
        *has = false;
        return KS_OK;
    }
    if (!cache->eco || strcmp(cache->eco, eco)) {
        err = ks_vdb_has_ecosystem(db, eco, &cache->has, diag);
        cache->eco = eco;
    }
    *has = cache->has;
    return err;
}

static ks_err os_owned(struct ks_vdb *db, struct os_data *cache, struct ks_match_result *res,
                       const struct ks_match_opts *o, const struct ks_map *os_refs,
                       const struct ks_inventory *inv, const struct ks_component *c,
                       const char **reason, const char **example, const char **nodata_eco,
                       struct ks_diag *diag)
{
    uintptr_t k = (uintptr_t)ks_map_get(os_refs, c->owner, strlen(c->owner));
    const struct ks_component *oc = k ? &inv->components.items[k - 1] : NULL;
    bool has = false;
    ks_err err;

    if (!oc || !oc->version || !c->version || !same_upstream(oc->version, c->version))
        return KS_OK;
    if ((err = os_has_data(db, cache, oc->ecosystem, &has, diag)))
        return err;
    if (!has) { /* nothing would speak for it: matched upstream */
        res->os_owned_nodata++;
        *nodata_eco = oc->ecosystem ? oc->ecosystem : "its OS release";
        return KS_OK;
    }
    res->os_owned++;
    if (!*example)
        *example = ks_arena_printf(&res->arena, "%s %s %s from %s %s",
                                   c->ecosystem ? c->ecosystem : package_manager(c->type),
                                   c->name, c->version, oc->name, oc->version);
    if (o->os_owned_upstream)
        return *example ? KS_OK : ks_diag_set(diag, KS_ENOMEM, "out of memory");
    *reason = ks_arena_printf(&res->arena,
                              "installed by OS package '%s' %s, whose advisories decide (they "
                              "know the distribution's backports); --no-os-owned-filter "
                              "matches it upstream",
                              oc->name, oc->version);
    return *reason && *example ? KS_OK : ks_diag_set(diag, KS_ENOMEM, "out of memory");
}

/* A coverage note that is also the end-of-life check's outcome. */
static ks_err eol_note(struct ks_match_result *res, const char *text, struct ks_diag *diag)
{
    res->eol_note = text;
    return note(res, text, diag);
}

/* Later of two YYYY-MM-DD dates (NULL: unknown). */
static const char *later(const char *a, const char *b)
{
    return !a ? b : !b ? a : strcmp(a, b) >= 0 ? a : b;
}

/* The end-of-life finding or note for the inventory's OS release. */
static ks_err check_eol(struct ks_match_result *res, const struct ks_match_opts *o,
                        const struct ks_inventory *inv, struct ks_diag *diag)
{
    const struct ks_distro *d = &inv->distro;
    struct ks_arena *a = &res->arena;
    const char *where = d->source ? d->source : "/etc/os-release";
    const struct ks_eol_table *t;
    const struct ks_eol_release *r;
    const char *name, *end, *title, *ext = NULL;
    bool debian;
    struct ks_finding f;
    const struct ks_ignore_rule *ir;

    if (!d->id)
        return KS_OK; /* no OS: nothing to say beyond the inventory's notes */
    if (!o->eol || !o->today)
        return eol_note(res,
                        ks_arena_printf(a,
                                        "'%s': no end-of-life data found (--eol-data DIR); "
                                        "end of life of '%s %s' not checked",
                                        where, d->id, d->version_id ? d->version_id : "?"),
                        diag);
    t = ks_eol_table(o->eol, d->id);
    if (!t)
        return eol_note(res,
                        ks_arena_printf(a,
                                        "'%s': no end-of-life data for '%s'; end of life not "
                                        "checked",
                                        where, d->id),
                        diag);
    r = ks_eol_find(t, d->version_id, d->codename);
    if (!r)
        return eol_note(res,
                        ks_arena_printf(a,
                                        "'%s': %s release '%s' is not in the end-of-life data "
                                        "('%s'); end of life not checked",
                                        where, d->id,
                                        d->version_id ? d->version_id
                                        : d->codename ? d->codename
                                                      : "?",
                                        t->file),
                        diag);
    debian = !strcmp(d->id, "debian");
    name = ks_arena_printf(a, "%s %s (%s)",
                           debian                     ? "Debian"
                           : !strcmp(d->id, "ubuntu") ? "Ubuntu"
                                                      : d->id,
                           r->version, r->series);
    if (!name)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    if (!r->eol || strcmp(o->today, r->eol) <= 0) {
        res->eol_note = ks_arena_printf(a, "%s is supported until %s", name,
                                        r->eol ? r->eol : "(no date yet)");
        return KS_OK;
    }
    if (debian) {
        end = later(r->eol, r->eol_lts);
        if (strcmp(o->today, end) <= 0)
            return eol_note(res,
                            ks_arena_printf(a,
                                            "%s is past its end of regular security support on "
                                            "%s; Debian LTS supports part of it until %s",
                                            name, r->eol, r->eol_lts),
                            diag);
        title = ks_arena_printf(a, "%s is past its end of security support on %s%s%s%s", name,
                                r->eol, r->eol_lts ? " (LTS ended " : "",
                                r->eol_lts ? r->eol_lts : "", r->eol_lts ? ")" : "");
    } else {
        end = later(r->eol, r->eol_server);
        if (strcmp(o->today, end) <= 0) {
            res->eol_note = ks_arena_printf(a, "%s is supported until %s", name, end);
            return KS_OK;
        }
        if (r->eol_esm && strcmp(o->today, r->eol_esm) <= 0)
            ext = ks_arena_printf(a, " (Ubuntu Pro ESM until %s)", r->eol_esm);
        title = ks_arena_printf(a, "%s is past its end of standard security support on %s%s", name,
                                end, ext ? ext : "");
    }
    memset(&f, 0, sizeof(f));
    f.type = KS_FINDING_END_OF_LIFE;
    f.status = KS_STATUS_ACTIVE;
    f.resource_type = o->resource_type;
    f.resource_id = o->resource_id;
    f.vulnerability_id =
            ks_arena_printf(a, "KENSA-EOL-%s-%s", d->id, d->version_id ? d->version_id : r->series);
    f.title = title;
    f.description = ks_arena_printf(
            a,
            "%s receives no security updates since %s: vulnerabilities found in its packages "
            "from then on stay unfixed. Upgrade to a supported release. (End-of-life dates: "
            "distro-info-data, %s.)",
            name, end, strrchr(t->file, '/') ? strrchr(t->file, '/') + 1 : t->file);
    f.source = "DISTRO_INFO";
    f.source_url =
            debian ? "https://wiki.debian.org/DebianReleases" : "https://wiki.ubuntu.com/Releases";
    f.severity = KS_SEV_HIGH;
    f.score.basis = KS_BASIS_RULE;
    f.score.basis_reason = "end of life: HIGH by kensa's rule (no CVSS applies to a release)";
    f.package.name = d->id;
    f.package.version = d->version_id ? d->version_id : r->series;
    f.package.epoch = -1;
    f.package.package_manager = "OS";
    f.package.file_path = where;
    f.fix_available = KS_FIX_NO;
    if (!f.vulnerability_id || !f.title || !f.description)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    ks_finding_make_id(&f);
    if (o->ignore &&
        (ir = ks_ignore_match(o->ignore, f.vulnerability_id, NULL, 0, d->id, NULL, where)))
        return skip(res, &f, SIZE_MAX,
                    ks_arena_printf(a, "ignored: %s ('%s' line %u)", ir->reason, o->ignore->file,
                                    ir->line))
                       ? ks_diag_set(diag, KS_ENOMEM, "out of memory")
                       : KS_OK;
    if (o->severities && !o->severities[f.severity])
        return skip(res, &f, SIZE_MAX, "severity HIGH not selected (--severity)")
                       ? ks_diag_set(diag, KS_ENOMEM, "out of memory")
                       : KS_OK;
    return KS_VEC_PUSH(&res->findings, f) ? ks_diag_set(diag, KS_ENOMEM, "out of memory") : KS_OK;
}

ks_err ks_match_inventory(struct ks_vdb *db, const struct ks_inventory *inv,
                          const struct ks_match_opts *o, struct ks_match_result *res,
                          struct ks_diag *diag)
{
    bool noted[KS_PKG_KERNEL + 1] = {false};
    struct ks_map seen = KS_MAP_INIT; /* purl → component index + 1 */
    struct ks_map os_refs = KS_MAP_INIT; /* OS package bom_ref → component index + 1 */
    const struct ks_component *dup_example = NULL, *dup_first = NULL;
    const char *owned_example = NULL, *nodata_eco = NULL;
    struct os_data os_cache = {NULL, false};
    ks_err err = KS_OK;

    for (size_t i = 0; !err && i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        if ((c->type == KS_PKG_DEB || c->type == KS_PKG_RPM || c->type == KS_PKG_APK) &&
            c->bom_ref && !ks_map_get(&os_refs, c->bom_ref, strlen(c->bom_ref)) &&
            ks_map_put(&os_refs, c->bom_ref, strlen(c->bom_ref), (void *)(uintptr_t)(i + 1)))
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }

    for (size_t i = 0; i < inv->components.len && !err; i++) {
        const struct ks_component *c = &inv->components.items[i];
        const struct ks_component *dup_of = NULL;
        const char *eco, *name, *version, *owned = NULL;
        struct ks_vdb_match *m = NULL;
        size_t n = 0, first = res->findings.len, first_skip = res->skipped.len;

        if (!ks_match_lookup_key(c, &eco, &name, &version)) {
            if (eco && name && c->type == KS_PKG_GO) {
                /* The main module of a binary built from a source tree:
                 * no release version to compare; its dependencies and the
                 * toolchain are matched. */
                err = note(res,
                           ks_arena_printf(&res->arena,
                                           "'%s': Go module '%s' has version (devel) (built from "
                                           "a source tree); not matched",
                                           c->path ? c->path : "?", c->name),
                           diag);
            } else if (eco && name) {
                err = note(res,
                           ks_arena_printf(&res->arena,
                                           "'%s': %s package '%s' has no version; "
                                           "not matched",
                                           c->path ? c->path : "?", package_manager(c->type),
                                           c->name),
                           diag);
            } else if (!noted[c->type]) {
                noted[c->type] = true;
                err = note(res,
                           ks_arena_printf(&res->arena,
                                           "'%s': no ecosystem known for %s packages; not matched",
                                           c->path ? c->path : c->name, package_manager(c->type)),
                           diag);
            }
            continue;
        }
        if (c->purl) {
            /* The same purl (name and version) found again, e.g. in a lock
             * file and in installed metadata: one package instance. */
            size_t plen = strlen(c->purl);
            uintptr_t prev = (uintptr_t)ks_map_get(&seen, c->purl, plen);
            if (prev) {
                dup_of = &inv->components.items[prev - 1];
                res->duplicates++;
                if (!dup_example) {
                    dup_example = c;
                    dup_first = dup_of;
                }
            } else if (ks_map_put(&seen, c->purl, plen, (void *)(uintptr_t)(i + 1))) {
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                break;
            }
        }
        if (!dup_of)
            res->components++;
        if (c->owner && !dup_of) {
            err = os_owned(db, &os_cache, res, o, &os_refs, inv, c, &owned, &owned_example,
                           &nodata_eco, diag);
            if (err)
                break;
        }
        /* Lookup strings go to the result's arena: findings point to them. */
        err = ks_vdb_lookup(db, &res->arena, eco, name, version, &m, &n, diag);
        for (size_t k = 0; !err && k < n; k++) {
            err = add_finding(res, o, c, i, dup_of, owned, &m[k], first, first_skip);
            if (err == KS_ENOMEM)
                err = ks_diag_set(diag, err, "out of memory");
        }
        free(m);
    }
    if (!err && res->duplicates)
        err = note(
                res,
                ks_arena_printf(&res->arena,
                                "%zu components found again under another path with the same purl "
                                "(e.g. %s in '%s' and '%s'): each matched once, under the "
                                "first path",
                                res->duplicates, dup_example->purl,
                                dup_first->path ? dup_first->path : "?",
                                dup_example->path ? dup_example->path : "?"),
                diag);
    if (!err && res->kernel_headers)
        err = note(res,
                   ks_arena_printf(&res->arena,
                                   "%zu Linux kernel vulnerabilities matched kernel-header "
                                   "packages (linux-libc-dev, linux-headers-*) and are not "
                                   "reported: the headers hold no kernel code (--explain ID shows "
                                   "each)",
                                   res->kernel_headers),
                   diag);
    if (!err && res->os_owned)
        err = note(res,
                   o->os_owned_upstream
                           ? ks_arena_printf(&res->arena,
                                             "%zu language packages were installed by OS "
                                             "packages (e.g. %s) and were matched upstream too "
                                             "(--no-os-owned-filter): those findings ignore the "
                                             "distribution's backports",
                                             res->os_owned, owned_example)
                           : ks_arena_printf(&res->arena,
                                             "%zu language packages were installed by OS "
                                             "packages (e.g. %s) and are left to those "
                                             "packages' advisories, which know the "
                                             "distribution's backports: %zu upstream match%s "
                                             "not reported (--explain ID shows each; "
                                             "--no-os-owned-filter matches them upstream)",
                                             res->os_owned, owned_example,
                                             res->os_owned_matches,
                                             res->os_owned_matches == 1 ? "" : "es"),
                   diag);
    if (!err && res->os_owned_nodata)
        err = note(res,
                   ks_arena_printf(&res->arena,
                                   "%zu language packages were installed by OS packages, but the "
                                   "database has no advisories for %s: they are matched "
                                   "upstream (import the distribution's feed so that its "
                                   "backports decide)",
                                   res->os_owned_nodata, nodata_eco),
                   diag);
    ks_map_release(&seen);
    ks_map_release(&os_refs);
    if (!err)
        err = check_eol(res, o, inv, diag);
    if (!err && res->findings.len > 1)
        qsort(res->findings.items, res->findings.len, sizeof(*res->findings.items), cmp_finding);
    return err;
}
