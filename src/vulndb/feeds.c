/* vulndb/feeds.c - NVD, KEV, EPSS, Debian tracker, Alpine secdb and yum
 * updateinfo.xml readers. */
#include "core/ks_common.h"

#include "vulndb/internal.h"

#include "core/str.h"
#include "formats/json.h"
#include "formats/xml.h"

#define OOM(diag) ks_diag_set((diag), KS_ENOMEM, "out of memory")

static bool looks_like_id(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.' || *p == ':'))
            return false;
    return true;
}

static ks_err blob_from_buf(struct vdb_ctx *ctx, struct ks_buf *b, struct vdb_record *r)
{
    r->blob = ks_arena_strndup(ctx->arena, b->ptr, b->len);
    r->blob_len = b->len;
    return r->blob ? KS_OK : KS_ENOMEM;
}

/* ---- NVD CVE API 2.0 ---- */

static ks_err nvd_one(struct vdb_ctx *ctx, const struct ks_value *c, struct ks_diag *diag)
{
    struct vdb_record r = {0};
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_jw jw;
    ks_err err;

    vdb_count_read(ctx);
    r.feed = "nvd";
    r.rid = ks_value_get_str(c, "id");
    if (!r.rid || !ks_starts_with(r.rid, "CVE-") || !looks_like_id(r.rid))
        return vdb_reject(ctx, "NVD record without a CVE 'id'");
    r.modified = ks_value_get_str(c, "lastModified");
    r.published = ks_value_get_str(c, "published");
    const char *status = ks_value_get_str(c, "vulnStatus");
    if (status && !strcmp(status, "Rejected"))
        r.withdrawn = r.modified ? r.modified : "";
    const struct ks_value *desc = ks_value_get(c, "descriptions");
    for (size_t i = 0; i < ks_value_len(desc); i++) {
        const struct ks_value *d = ks_value_at(desc, i);
        const char *lang = ks_value_get_str(d, "lang");
        if (lang && !strcmp(lang, "en")) {
            r.summary = ks_value_get_str(d, "value");
            break;
        }
    }
    r.names = ks_arena_calloc(ctx->arena, 1, sizeof(char *));
    if (!r.names)
        return OOM(diag);
    r.names[r.nnames++] = r.rid;

    static const char *const mkeys[] = {"cvssMetricV40", "cvssMetricV31", "cvssMetricV30",
                                        "cvssMetricV2"};
    static const char *const mtypes[] = {"CVSS_V4", "CVSS_V3", "CVSS_V3", "CVSS_V2"};
    const struct ks_value *metrics = ks_value_get(c, "metrics");
    size_t nm = 0;
    for (int k = 0; k < 4; k++)
        nm += ks_value_len(ks_value_get(metrics, mkeys[k]));
    r.sev = ks_arena_calloc(ctx->arena, nm + 1, sizeof(*r.sev));
    if (!r.sev)
        return OOM(diag);
    for (int k = 0; k < 4; k++) {
        const struct ks_value *arr = ks_value_get(metrics, mkeys[k]);
        for (size_t i = 0; i < ks_value_len(arr); i++) {
            const struct ks_value *m = ks_value_at(arr, i);
            const struct ks_value *data = ks_value_get(m, "cvssData");
            const char *vec = ks_value_get_str(data, "vectorString");
            const struct ks_value *score = ks_value_get(data, "baseScore");
            if (!vec)
                continue;
            double sc = -1;
            if (ks_value_is(score, KS_VREAL))
                sc = score->u.d;
            else if (ks_value_is(score, KS_VINT))
                sc = (double)score->u.i;
            r.sev[r.nsev++] = (struct vdb_severity){mtypes[k], vec, sc,
                                                    ks_value_get_str(m, "source")};
        }
    }

    ks_jw_init(&jw, &b, 0);
    ks_jw_obj_begin(&jw);
    bool exploit = false;
    const struct ks_value *refs = ks_value_get(c, "references");
    ks_jw_key(&jw, "references");
    ks_jw_arr_begin(&jw);
    for (size_t i = 0; i < ks_value_len(refs); i++) {
        const struct ks_value *x = ks_value_at(refs, i);
        const char *url = ks_value_get_str(x, "url");
        if (!url)
            continue;
        ks_jw_obj_begin(&jw);
        ks_jw_kstr(&jw, "url", url);
        const struct ks_value *tags = ks_value_get(x, "tags");
        if (ks_value_len(tags)) {
            ks_jw_key(&jw, "tags");
            ks_jw_value(&jw, tags);
            for (size_t t = 0; t < ks_value_len(tags); t++) {
                const char *tag = ks_value_str(ks_value_at(tags, t));
                exploit |= tag && !strcmp(tag, "Exploit");
            }
        }
        ks_jw_obj_end(&jw);
    }
    ks_jw_arr_end(&jw);
    ks_jw_key(&jw, "cwes");
    ks_jw_arr_begin(&jw);
    const struct ks_value *weak = ks_value_get(c, "weaknesses");
    for (size_t i = 0; i < ks_value_len(weak); i++) {
        const struct ks_value *ds = ks_value_get(ks_value_at(weak, i), "description");
        for (size_t j = 0; j < ks_value_len(ds); j++) {
            const char *cwe = ks_value_get_str(ks_value_at(ds, j), "value");
            if (cwe && ks_starts_with(cwe, "CWE-"))
                ks_jw_str(&jw, cwe);
        }
    }
    ks_jw_arr_end(&jw);
    ks_jw_kbool(&jw, "exploit", exploit);
    ks_jw_kstr_opt(&jw, "status", status);
    ks_jw_obj_end(&jw);
    err = ks_jw_finish(&jw);
    if (!err)
        err = blob_from_buf(ctx, &b, &r);
    ks_buf_release(&b);
    if (err || (err = vdb_digest_value(ctx, c, r.digest)))
        return OOM(diag);
    return vdb_emit(ctx, &r, diag);
}

ks_err vdb_read_nvd(struct vdb_ctx *ctx, const struct ks_value *doc, struct ks_diag *diag)
{
    const struct ks_value *list = ks_value_is(doc, KS_VARRAY) ? doc
                                                                : ks_value_get(doc, "vulnerabilities");
    if (list) {
        if (!ks_value_is(list, KS_VARRAY)) {
            vdb_count_read(ctx);
            return vdb_reject(ctx, "NVD 'vulnerabilities' is not an array");
        }
        for (size_t i = 0; i < list->u.a.len; i++) {
            const struct ks_value *e = list->u.a.items[i];
            const struct ks_value *c = ks_value_get(e, "cve");
            ks_err err = nvd_one(ctx, c ? c : e, diag);
            if (err)
                return err;
        }
        return KS_OK;
    }
    const struct ks_value *c = ks_value_get(doc, "cve");
    return nvd_one(ctx, c ? c : doc, diag);
}

/* ---- CISA KEV ---- */

ks_err vdb_read_kev(struct vdb_ctx *ctx, const struct ks_value *doc, struct ks_diag *diag)
{
    const struct ks_value *list = ks_value_get(doc, "vulnerabilities");
    if (!ks_value_is(list, KS_VARRAY)) {
        vdb_count_read(ctx);
        return vdb_reject(ctx, "KEV catalogue without a 'vulnerabilities' array");
    }
    for (size_t i = 0; i < list->u.a.len; i++) {
        const struct ks_value *e = list->u.a.items[i];
        struct vdb_kev k = {
                .cve = ks_value_get_str(e, "cveID"),
                .vendor = ks_value_get_str(e, "vendorProject"),
                .product = ks_value_get_str(e, "product"),
                .name = ks_value_get_str(e, "vulnerabilityName"),
                .date_added = ks_value_get_str(e, "dateAdded"),
                .due_date = ks_value_get_str(e, "dueDate"),
                .ransomware = ks_value_get_str(e, "knownRansomwareCampaignUse"),
                .action = ks_value_get_str(e, "requiredAction"),
        };
        vdb_count_read(ctx);
        ks_err err;
        if (!k.cve || !ks_starts_with(k.cve, "CVE-") || !looks_like_id(k.cve))
            err = vdb_reject(ctx, "KEV entry %zu without a valid 'cveID'", i);
        else if (!k.date_added)
            err = vdb_reject(ctx, "KEV entry '%s' without 'dateAdded'", k.cve);
        else
            err = vdb_emit_kev(ctx, &k, diag);
        if (err)
            return err == KS_EPARSE ? ks_diag_set(diag, err, "%s", ctx->rep->rejects[0]) : err;
    }
    return KS_OK;
}

/* ---- FIRST EPSS CSV ---- */

static bool parse_prob(const char *s, size_t n, double *out)
{
    char tmp[32];
    if (n == 0 || n >= sizeof(tmp))
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    errno = 0;
    double d = strtod(tmp, &end);
    if (errno || *end || !(d >= 0.0 && d <= 1.0))
        return false;
    *out = d;
    return true;
}

ks_err vdb_read_epss(struct vdb_ctx *ctx, const char *text, size_t len, struct ks_diag *diag)
{
    size_t pos = 0, line = 0;
    bool header = false;

    while (pos < len) {
        const char *l = text + pos;
        const char *nl = memchr(l, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - l) : len - pos;
        pos += n + (nl ? 1 : 0);
        line++;
        if (n && l[n - 1] == '\r')
            n--;
        if (n == 0)
            continue;
        if (l[0] == '#') {
            /* "#model_version:v2023.03.01,score_date:2025-02-20T00:00:00+0000" */
            const char *sd = memmem(l, n, "score_date:", 11);
            if (sd) {
                char date[40];
                size_t dl = (size_t)(l + n - (sd + 11));
                if (dl < sizeof(date)) {
                    memcpy(date, sd + 11, dl);
                    date[dl] = '\0';
                    if (strcmp(date, ctx->newest_modified) > 0)
                        snprintf(ctx->newest_modified, sizeof(ctx->newest_modified), "%s", date);
                }
            }
            continue;
        }
        if (!header) {
            if (n < 19 || memcmp(l, "cve,epss,percentile", 19)) {
                vdb_count_read(ctx);
                ks_err err = vdb_reject(ctx, "line %zu: expected the header 'cve,epss,percentile'",
                                        line);
                return err ? ks_diag_set(diag, err, "'%s' line %zu: not an EPSS CSV",
                                         ctx->cur_file, line)
                           : KS_OK;
            }
            header = true;
            continue;
        }
        vdb_count_read(ctx);
        const char *c1 = memchr(l, ',', n);
        const char *c2 = c1 ? memchr(c1 + 1, ',', (size_t)(l + n - c1 - 1)) : NULL;
        double e, p;
        ks_err err = KS_OK;
        char cve[64];
        size_t cl = c1 ? (size_t)(c1 - l) : 0;
        if (!c2 || cl == 0 || cl >= sizeof(cve)) {
            err = vdb_reject(ctx, "line %zu: expected 3 fields", line);
        } else {
            memcpy(cve, l, cl);
            cve[cl] = '\0';
            if (!ks_starts_with(cve, "CVE-") || !looks_like_id(cve))
                err = vdb_reject(ctx, "line %zu: '%s' is not a CVE id", line, cve);
            else if (!parse_prob(c1 + 1, (size_t)(c2 - c1 - 1), &e) ||
                     !parse_prob(c2 + 1, (size_t)(l + n - c2 - 1), &p))
                err = vdb_reject(ctx, "line %zu: score or percentile is not a number in [0, 1]",
                                 line);
            else
                err = vdb_emit_epss(ctx, cve, e, p, diag);
        }
        if (err)
            return err == KS_EPARSE ? ks_diag_set(diag, err, "'%s' line %zu: bad EPSS row",
                                                  ctx->cur_file, line)
                                    : err;
    }
    return KS_OK;
}

/* ---- Debian security tracker JSON ---- */

static const char *debian_release(struct ks_arena *a, const char *codename)
{
    static const char *const names[][2] = {
            {"buzz", "1.1"},  {"rex", "1.2"},     {"bo", "1.3"},        {"hamm", "2.0"},
            {"slink", "2.1"}, {"potato", "2.2"},  {"woody", "3.0"},     {"sarge", "3.1"},
            {"etch", "4"},    {"lenny", "5"},     {"squeeze", "6"},     {"wheezy", "7"},
            {"jessie", "8"},  {"stretch", "9"},   {"buster", "10"},     {"bullseye", "11"},
            {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"},      {"duke", "15"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(names[i][0], codename))
            return ks_arena_printf(a, "Debian:%s", names[i][1]);
    return ks_arena_printf(a, "Debian:%s", codename); /* sid and unknown: keep the codename */
}

static ks_err tracker_one(struct vdb_ctx *ctx, const char *pkg, const char *cve,
                          const struct ks_value *e, struct ks_diag *diag)
{
    struct vdb_record r = {0};
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_jw jw;
    ks_err err;

    vdb_count_read(ctx);
    if (!looks_like_id(cve) || !looks_like_id(pkg))
        return vdb_reject(ctx, "package '%.64s': '%.64s' is not a valid id", pkg, cve);
    if (!ks_value_is(e, KS_VOBJECT))
        return vdb_reject(ctx, "package '%s' %s: entry is not an object", pkg, cve);
    const struct ks_value *rel = ks_value_get(e, "releases");
    if (ks_value_is(rel, KS_VARRAY) && rel->u.a.len == 0)
        rel = NULL; /* the tracker writes an empty "releases" as [] */
    if (rel && !ks_value_is(rel, KS_VOBJECT))
        return vdb_reject(ctx, "package '%s' %s: 'releases' is not an object", pkg, cve);
    r.feed = "debian-tracker";
    r.rid = ks_arena_printf(ctx->arena, "%s/%s", cve, pkg);
    r.summary = ks_value_get_str(e, "description");
    r.names = ks_arena_calloc(ctx->arena, 1, sizeof(char *));
    size_t nrel = rel ? rel->u.o.len : 0;
    r.aff = ks_arena_calloc(ctx->arena, nrel + 1, sizeof(*r.aff));
    r.sev = ks_arena_calloc(ctx->arena, nrel + 1, sizeof(*r.sev));
    if (!r.rid || !r.names || !r.aff || !r.sev)
        return OOM(diag);
    r.names[r.nnames++] = cve;
    for (size_t i = 0; i < nrel; i++) {
        const char *codename = rel->u.o.items[i].key;
        const struct ks_value *x = rel->u.o.items[i].value;
        const char *status = ks_value_get_str(x, "status");
        const char *fixed = ks_value_get_str(x, "fixed_version");
        const char *urgency = ks_value_get_str(x, "urgency");
        const char *nodsa = ks_value_get_str(x, "nodsa");
        const char *nodsa_reason = ks_value_get_str(x, "nodsa_reason");
        struct vdb_affected *a = &r.aff[r.naff];
        if (!status)
            return vdb_reject(ctx, "package '%s' %s release '%s': no 'status'", pkg, cve,
                              codename);
        a->ecosystem = debian_release(ctx->arena, codename);
        a->package = pkg;
        a->ranges = ks_arena_calloc(ctx->arena, 1, sizeof(*a->ranges));
        struct vdb_event *ev = ks_arena_calloc(ctx->arena, 2, sizeof(*ev));
        if (!a->ecosystem || !a->ranges || !ev)
            return OOM(diag);
        ev[0] = (struct vdb_event){VDB_INTRODUCED, "0"};
        a->ranges[0] = (struct vdb_range){"ECOSYSTEM", ev, 1};
        if (!strcmp(status, "resolved")) {
            if (!fixed)
                return vdb_reject(ctx, "package '%s' %s release '%s': resolved without "
                                       "'fixed_version'",
                                  pkg, cve, codename);
            if (!strcmp(fixed, "0")) {
                a->state = "not-affected";
                a->nranges = 0;
            } else {
                a->state = "fixed";
                a->fixed = fixed;
                ev[1] = (struct vdb_event){VDB_FIXED, fixed};
                a->ranges[0].nev = 2;
                a->nranges = 1;
            }
        } else if (!strcmp(status, "open")) {
            a->state = (nodsa && !strcmp(nodsa_reason ? nodsa_reason : "", "ignored"))
                               ? "wont-fix"
                               : (nodsa && !strcmp(nodsa_reason ? nodsa_reason : "", "postponed"))
                                         ? "fix-deferred"
                                         : "affected";
            a->nranges = 1;
        } else if (!strcmp(status, "undetermined")) {
            a->state = "under-investigation";
            a->nranges = 1;
        } else {
            return vdb_reject(ctx, "package '%s' %s release '%s': unknown status '%.32s'", pkg,
                              cve, codename, status);
        }
        if (urgency || nodsa)
            a->detail = ks_arena_printf(ctx->arena, "%s%s%s%s%s%s%s", urgency ? "urgency " : "",
                                        urgency ? urgency : "", urgency && nodsa ? "; " : "",
                                        nodsa ? "no-dsa: " : "", nodsa ? nodsa : "",
                                        nodsa_reason && *nodsa_reason ? " / " : "",
                                        nodsa_reason ? nodsa_reason : "");
        /* The urgency is per release (chromium: "end-of-life" for buster,
         * "not yet assigned" for bookworm): `source` names the release. */
        if (urgency)
            r.sev[r.nsev++] = (struct vdb_severity){"debian-urgency", urgency, -1, a->ecosystem};
        r.naff++;
    }
    ks_jw_init(&jw, &b, 0);
    ks_jw_obj_begin(&jw);
    ks_jw_kstr_opt(&jw, "scope", ks_value_get_str(e, "scope"));
    int64_t bug;
    if (ks_value_int(ks_value_get(e, "debianbug"), &bug))
        ks_jw_kint(&jw, "debianbug", bug);
    ks_jw_key(&jw, "references");
    ks_jw_arr_begin(&jw);
    ks_jw_obj_begin(&jw);
    ks_jw_kstr(&jw, "type", "ADVISORY");
    ks_buf_reset(&ctx->scratch);
    ks_buf_addf(&ctx->scratch, "https://security-tracker.debian.org/tracker/%s", cve);
    ks_jw_kstr(&jw, "url", ks_buf_str(&ctx->scratch));
    ks_jw_obj_end(&jw);
    ks_jw_arr_end(&jw);
    ks_jw_obj_end(&jw);
    err = ks_jw_finish(&jw);
    if (!err)
        err = blob_from_buf(ctx, &b, &r);
    ks_buf_release(&b);
    if (err || (err = vdb_digest_value(ctx, e, r.digest)))
        return OOM(diag);
    /* the package name is part of the record's identity, not of its value */
    for (size_t i = 0; i < strlen(pkg) && i < KS_SHA256_LEN; i++)
        r.digest[i] ^= (unsigned char)pkg[i];
    return vdb_emit(ctx, &r, diag);
}

ks_err vdb_read_tracker_package(struct vdb_ctx *ctx, const char *pkg, const struct ks_value *cves,
                                struct ks_diag *diag)
{
    if (!ks_value_is(cves, KS_VOBJECT)) {
        vdb_count_read(ctx);
        ks_err err = vdb_reject(ctx, "package '%.64s': not an object", pkg);
        return err ? ks_diag_set(diag, err, "'%s': bad tracker entry", ctx->cur_file) : KS_OK;
    }
    for (size_t j = 0; j < cves->u.o.len; j++) {
        ks_err err = tracker_one(ctx, pkg, cves->u.o.items[j].key, cves->u.o.items[j].value, diag);
        if (err)
            return err == KS_EPARSE ? ks_diag_set(diag, err, "%s",
                                                  ctx->rep->rejects[ctx->rep->nrejects_kept - 1])
                                    : err;
    }
    return KS_OK;
}

ks_err vdb_read_tracker(struct vdb_ctx *ctx, const struct ks_value *doc, struct ks_diag *diag)
{
    if (!ks_value_is(doc, KS_VOBJECT)) {
        vdb_count_read(ctx);
        return vdb_reject(ctx, "tracker document is not an object");
    }
    for (size_t i = 0; i < doc->u.o.len; i++) {
        ks_err err = vdb_read_tracker_package(ctx, doc->u.o.items[i].key,
                                              doc->u.o.items[i].value, diag);
        if (err)
            return err;
    }
    return KS_OK;
}

/* ---- Alpine secdb ---- */

static ks_err secdb_fix(struct vdb_ctx *ctx, const char *distro, const char *repo,
                        const char *pkg, const char *ver, const char *entry, struct ks_diag *diag)
{
    struct vdb_record r = {0};
    char id[80];
    size_t n = strcspn(entry, " \t");

    vdb_count_read(ctx);
    if (n == 0 || n >= sizeof(id))
        return vdb_reject(ctx, "package '%s' %s: bad secfixes entry '%.40s'", pkg, ver, entry);
    memcpy(id, entry, n);
    id[n] = '\0';
    if (!looks_like_id(id))
        return vdb_reject(ctx, "package '%s' %s: '%.40s' is not an id", pkg, ver, id);
    r.feed = "alpine-secdb";
    /* an id may be listed under several fixed versions (a regression) */
    r.rid = ks_arena_printf(ctx->arena, "%s/%s/%s/%s/%s", distro, repo, pkg, ver, id);
    r.names = ks_arena_calloc(ctx->arena, 1, sizeof(char *));
    r.aff = ks_arena_calloc(ctx->arena, 1, sizeof(*r.aff));
    struct vdb_range *rg = ks_arena_calloc(ctx->arena, 1, sizeof(*rg));
    struct vdb_event *ev = ks_arena_calloc(ctx->arena, 2, sizeof(*ev));
    const char *eco = ks_arena_printf(ctx->arena, "Alpine:%s", distro);
    const char *cid = ks_arena_strdup(ctx->arena, id);
    if (!r.rid || !r.names || !r.aff || !rg || !ev || !eco || !cid)
        return OOM(diag);
    r.names[r.nnames++] = cid;
    struct vdb_affected *a = &r.aff[r.naff++];
    a->ecosystem = eco;
    a->package = pkg;
    if (!strcmp(ver, "0")) {
        a->state = "not-affected";
    } else {
        a->state = "fixed";
        a->fixed = ver;
        ev[0] = (struct vdb_event){VDB_INTRODUCED, "0"};
        ev[1] = (struct vdb_event){VDB_FIXED, ver};
        *rg = (struct vdb_range){"ECOSYSTEM", ev, 2};
        a->ranges = rg;
        a->nranges = 1;
    }
    ks_buf_reset(&ctx->scratch);
    ks_buf_addf(&ctx->scratch, "%s\n%s\n%s\n%s\n%s", distro, repo, pkg, ver, id);
    ks_sha256(ctx->scratch.ptr, ctx->scratch.len, r.digest);
    return vdb_emit(ctx, &r, diag);
}

ks_err vdb_read_secdb(struct vdb_ctx *ctx, const struct ks_value *doc, struct ks_diag *diag)
{
    const char *distro = ks_value_get_str(doc, "distroversion");
    const char *repo = ks_value_get_str(doc, "reponame");
    const struct ks_value *pkgs = ks_value_get(doc, "packages");
    if (!distro || !looks_like_id(distro) || (pkgs && !ks_value_is(pkgs, KS_VARRAY) &&
                                              !ks_value_is(pkgs, KS_VNULL))) {
        vdb_count_read(ctx);
        return vdb_reject(ctx, "secdb without 'distroversion' or with a bad 'packages'");
    }
    if (!repo)
        repo = "main";
    for (size_t i = 0; i < ks_value_len(pkgs); i++) {
        const struct ks_value *p = ks_value_get(ks_value_at(pkgs, i), "pkg");
        const char *name = ks_value_get_str(p, "name");
        const struct ks_value *fixes = ks_value_get(p, "secfixes");
        bool valid = name && looks_like_id(name) && (!fixes || ks_value_is(fixes, KS_VOBJECT));
        ks_err err = KS_OK;
        if (!valid) { /* rejected as a whole: its secfixes are not read */
            vdb_count_read(ctx);
            err = vdb_reject(ctx, "packages[%zu]: no valid 'pkg.name' or 'secfixes'", i);
        }
        for (size_t j = 0; valid && !err && fixes && j < fixes->u.o.len; j++) {
            const char *ver = fixes->u.o.items[j].key;
            const struct ks_value *list = fixes->u.o.items[j].value;
            for (size_t k = 0; !err && k < ks_value_len(list); k++) {
                const char *entry = ks_value_str(ks_value_at(list, k));
                if (!entry) {
                    vdb_count_read(ctx);
                    err = vdb_reject(ctx, "package '%s' %s: secfixes entry is not a string",
                                     name, ver);
                    continue;
                }
                err = secdb_fix(ctx, distro, repo, name, ver, entry, diag);
            }
        }
        if (err)
            return err == KS_EPARSE ? ks_diag_set(diag, err, "%s",
                                                  ctx->rep->rejects[ctx->rep->nrejects_kept - 1])
                                    : err;
    }
    return KS_OK;
}

/* ---- yum updateinfo.xml ---- */

static const char *updateinfo_ecosystem(struct vdb_ctx *ctx, const char *id)
{
    if (ctx->ecosystem)
        return ctx->ecosystem;
    if (ks_starts_with(id, "ALAS2023-"))
        return "Amazon Linux:2023";
    if (ks_starts_with(id, "ALAS2022-"))
        return "Amazon Linux:2022";
    if (ks_starts_with(id, "ALAS2-"))
        return "Amazon Linux:2";
    if (ks_starts_with(id, "ALAS-"))
        return "Amazon Linux:1";
    return NULL;
}

static ks_err update_one(struct vdb_ctx *ctx, const struct ks_xml_node *u, struct ks_diag *diag)
{
    struct vdb_record r = {0};
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_jw jw;
    ks_err err;

    vdb_count_read(ctx);
    const char *id = ks_xml_child_text(u, "id");
    if (!id || !looks_like_id(id))
        return vdb_reject(ctx, "line %u: <update> without a valid <id>", u->line);
    const char *eco = updateinfo_ecosystem(ctx, id);
    if (!eco)
        return vdb_reject(ctx, "update '%s': cannot tell the distribution from the id; "
                               "give --ecosystem",
                          id);
    r.feed = "updateinfo";
    r.rid = id;
    r.summary = ks_xml_child_text(u, "title");
    r.published = ks_xml_attr(ks_xml_child(u, "issued"), "date");
    r.modified = ks_xml_attr(ks_xml_child(u, "updated"), "date");
    if (!r.modified)
        r.modified = r.published;
    const char *status = ks_xml_attr(u, "status");
    if (status && (!strcmp(status, "retracted") || !strcmp(status, "withdrawn")))
        r.withdrawn = r.modified ? r.modified : "";

    const struct ks_xml_node *refs = ks_xml_child(u, "references");
    size_t nref = 0, npkg = 0;
    for (const struct ks_xml_node *x = ks_xml_child(refs, "reference"); x; x = ks_xml_next(x))
        nref++;
    const struct ks_xml_node *pkglist = ks_xml_child(u, "pkglist");
    for (const struct ks_xml_node *c = ks_xml_child(pkglist, "collection"); c; c = ks_xml_next(c))
        for (const struct ks_xml_node *p = ks_xml_child(c, "package"); p; p = ks_xml_next(p))
            npkg++;
    r.names = ks_arena_calloc(ctx->arena, 1, sizeof(char *));
    r.about = ks_arena_calloc(ctx->arena, nref + 1, sizeof(char *));
    r.aff = ks_arena_calloc(ctx->arena, npkg + 1, sizeof(*r.aff));
    r.sev = ks_arena_calloc(ctx->arena, 1, sizeof(*r.sev));
    if (!r.names || !r.about || !r.aff || !r.sev)
        return OOM(diag);
    r.names[r.nnames++] = id;
    const char *sev = ks_xml_child_text(u, "severity");
    if (sev && *sev)
        r.sev[r.nsev++] = (struct vdb_severity){"vendor", sev, -1, NULL};

    ks_jw_init(&jw, &b, 0);
    ks_jw_obj_begin(&jw);
    ks_jw_kstr_opt(&jw, "details", ks_xml_child_text(u, "description"));
    ks_jw_kstr_opt(&jw, "type", ks_xml_attr(u, "type"));
    ks_jw_key(&jw, "references");
    ks_jw_arr_begin(&jw);
    for (const struct ks_xml_node *x = ks_xml_child(refs, "reference"); x; x = ks_xml_next(x)) {
        const char *type = ks_xml_attr(x, "type"), *rid = ks_xml_attr(x, "id");
        const char *href = ks_xml_attr(x, "href");
        if (type && !strcmp(type, "cve") && rid && looks_like_id(rid)) {
            bool dup = false;
            for (size_t i = 0; i < r.nabout; i++)
                dup |= !strcmp(r.about[i], rid);
            if (!dup)
                r.about[r.nabout++] = rid;
        }
        if (href) {
            ks_jw_obj_begin(&jw);
            ks_jw_kstr_opt(&jw, "type", type);
            ks_jw_kstr_opt(&jw, "id", rid);
            ks_jw_kstr(&jw, "url", href);
            ks_jw_obj_end(&jw);
        }
    }
    ks_jw_arr_end(&jw);
    ks_jw_obj_end(&jw);
    err = ks_jw_finish(&jw);
    if (!err)
        err = blob_from_buf(ctx, &b, &r);
    if (err) {
        ks_buf_release(&b);
        return OOM(diag);
    }

    /* digest: everything that matters, in document order */
    ks_buf_reset(&b);
    ks_buf_addf(&b, "%s\n%s\n%s\n%s\n%s\n", id, eco, r.modified ? r.modified : "",
                status ? status : "", r.blob);
    for (const struct ks_xml_node *c = ks_xml_child(pkglist, "collection"); c; c = ks_xml_next(c))
        for (const struct ks_xml_node *p = ks_xml_child(c, "package"); p; p = ks_xml_next(p)) {
            const char *name = ks_xml_attr(p, "name"), *ver = ks_xml_attr(p, "version");
            const char *rel = ks_xml_attr(p, "release"), *epoch = ks_xml_attr(p, "epoch");
            if (!name || !ver || !rel || !looks_like_id(name)) {
                ks_buf_release(&b);
                return vdb_reject(ctx, "update '%s' line %u: <package> without name, version "
                                       "and release",
                                  id, p->line);
            }
            const char *evr = (epoch && *epoch && strcmp(epoch, "0"))
                                      ? ks_arena_printf(ctx->arena, "%s:%s-%s", epoch, ver, rel)
                                      : ks_arena_printf(ctx->arena, "%s-%s", ver, rel);
            if (!evr) {
                ks_buf_release(&b);
                return OOM(diag);
            }
            ks_buf_addf(&b, "%s %s\n", name, evr);
            bool dup = false; /* one row per package, not per architecture */
            for (size_t i = 0; i < r.naff; i++)
                dup |= !strcmp(r.aff[i].package, name) && !strcmp(r.aff[i].fixed, evr);
            if (dup)
                continue;
            struct vdb_affected *a = &r.aff[r.naff++];
            struct vdb_range *rg = ks_arena_calloc(ctx->arena, 1, sizeof(*rg));
            struct vdb_event *ev = ks_arena_calloc(ctx->arena, 2, sizeof(*ev));
            if (!rg || !ev) {
                ks_buf_release(&b);
                return OOM(diag);
            }
            ev[0] = (struct vdb_event){VDB_INTRODUCED, "0"};
            ev[1] = (struct vdb_event){VDB_FIXED, evr};
            *rg = (struct vdb_range){"ECOSYSTEM", ev, 2};
            *a = (struct vdb_affected){.ecosystem = eco, .package = name, .state = "fixed",
                                       .fixed = evr, .ranges = rg, .nranges = 1};
        }
    ks_sha256(b.ptr, b.len, r.digest);
    ks_buf_release(&b);
    return vdb_emit(ctx, &r, diag);
}

ks_err vdb_read_updateinfo(struct vdb_ctx *ctx, const char *text, size_t len,
                           struct ks_diag *diag)
{
    struct ks_xml_node *root = NULL;
    struct ks_diag pd = KS_DIAG_INIT;

    ks_arena_reset(ctx->arena);
    ks_err err = ks_xml_parse(ctx->arena, ctx->cur_file, text, len, ctx->lim, &root, &pd);
    if (err == KS_ENOMEM)
        return ks_diag_set(diag, err, "%s", pd.msg);
    if (!err && strcmp(root->name, "updates")) {
        err = KS_EPARSE;
        ks_diag_set(&pd, err, "'%s': root element is <%s>, not <updates>", ctx->cur_file,
                    root->name);
    }
    if (err) {
        vdb_count_read(ctx);
        const char *f = ctx->cur_file;
        ctx->cur_file = NULL;
        err = vdb_reject(ctx, "%s", pd.msg);
        ctx->cur_file = f;
        return err ? ks_diag_set(diag, err, "%s", pd.msg) : KS_OK;
    }
    for (const struct ks_xml_node *u = ks_xml_child(root, "update"); u; u = ks_xml_next(u)) {
        err = update_one(ctx, u, diag);
        if (err)
            return err == KS_EPARSE ? ks_diag_set(diag, err, "%s",
                                                  ctx->rep->rejects[ctx->rep->nrejects_kept - 1])
                                    : err;
    }
    return KS_OK;
}
