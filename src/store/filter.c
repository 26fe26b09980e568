/* store/filter.c - FilterCriteria → SQL, written once for every backend.
 *
 * Only portable SQL is produced: PREFIX is substr() = value (LIKE is
 * case-insensitive in SQLite and needs escaping), tags are an EXISTS over
 * resource_tags, and every value is a bound parameter. */
#include "core/ks_common.h"

#include "store/filter.h"

#include <time.h>

enum kind { STR, NUM, DATE, MAP, PKG };

struct field {
    const char *name;
    enum kind kind;
    const char *col;
};

static const struct field fields[] = {
        {"findingArn", STR, "f.id"},
        {"awsAccountId", STR, "CAST(f.account AS TEXT)"},
        {"findingType", STR, "f.type"},
        {"severity", STR, "f.severity"},
        {"firstObservedAt", DATE, "f.first_observed"},
        {"lastObservedAt", DATE, "f.last_observed"},
        {"updatedAt", DATE, "f.updated_at"},
        {"findingStatus", STR, "f.status"},
        {"title", STR, "f.title"},
        {"inspectorScore", NUM, "f.score"},
        {"resourceType", STR,
         "(SELECT r.type FROM resources r WHERE r.account = f.account AND r.rid = f.rid)"},
        {"resourceId", STR, "f.rid"},
        {"resourceTags", MAP, NULL},
        {"vulnerabilityId", STR, "f.vuln_id"},
        {"vulnerabilitySource", STR, "f.vuln_source"},
        {"vendorSeverity", STR, "f.vendor_severity"},
        {"vulnerablePackages", PKG, NULL},
        {"fixAvailable", STR, "f.fix_available"},
        {"exploitAvailable", STR, "f.exploit_available"},
        {"epssScore", NUM, "f.epss"},
};

void ks_sqlfrag_init(struct ks_sqlfrag *f)
{
    ks_buf_init(&f->sql, 1u << 20);
    f->nargs = 0;
}

void ks_sqlfrag_release(struct ks_sqlfrag *f)
{
    ks_buf_release(&f->sql);
}

ks_err ks_sqlfrag_arg(struct ks_sqlfrag *f, struct ks_sqlv v)
{
    if (f->nargs >= KS_SQLFRAG_MAX_ARGS)
        return KS_ELIMIT;
    f->args[f->nargs++] = v;
    return ks_buf_addf(&f->sql, "$%zu", f->nargs);
}

/* RFC 3339 ("2026-11-26T10:00:00Z", offset or fraction allowed) or epoch
 * seconds as a number. */
static bool time_value(const struct ks_value *v, double *out)
{
    struct tm tm;
    const char *s, *p;
    int off = 0;

    if (v && (v->type == KS_VINT || v->type == KS_VREAL)) {
        *out = v->type == KS_VINT ? (double)v->u.i : v->u.d;
        return true;
    }
    s = ks_value_str(v);
    if (!s)
        return false;
    memset(&tm, 0, sizeof(tm));
    p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p)
        return false;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    if (*p == 'Z' || *p == 'z')
        p++;
    else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        off = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600 + ((p[4] - '0') * 10 + (p[5] - '0')) * 60;
        if (*p == '-')
            off = -off;
        p += 6;
    } else
        return false;
    if (*p)
        return false;
    *out = (double)(timegm(&tm) - off);
    return true;
}

static bool number_value(const struct ks_value *v, double *out)
{
    if (!v)
        return false;
    if (v->type == KS_VINT)
        *out = (double)v->u.i;
    else if (v->type == KS_VREAL)
        *out = v->u.d;
    else
        return false;
    return true;
}

static ks_err bad(struct ks_diag *diag, const char *field, const char *what)
{
    return ks_diag_set(diag, KS_EINVAL, "filterCriteria.%s: %s", field, what);
}

/* One StringFilter {comparison, value} on `col`; sets *negative for
 * NOT_EQUALS (AND-ed with the others). */
static ks_err string_cond(struct ks_sqlfrag *f, const char *name, const char *col,
                          const struct ks_value *o, bool *negative, struct ks_diag *diag)
{
    const char *cmp = ks_value_get_str(o, "comparison");
    const struct ks_value *val = ks_value_get(o, "value");
    const char *v = ks_value_str(val);
    ks_err err;

    if (!cmp || !v)
        return bad(diag, name, "a string filter needs 'comparison' and 'value'");
    if (!*v || strlen(v) > 1024)
        return bad(diag, name, "'value' must be 1 to 1024 characters");
    *negative = !strcmp(cmp, "NOT_EQUALS");
    if (!strcmp(cmp, "EQUALS")) {
        err = ks_buf_addf(&f->sql, "%s = ", col);
        return err ? err : ks_sqlfrag_arg(f, KS_SQL_TEXT(v));
    }
    if (!strcmp(cmp, "PREFIX")) {
        err = ks_buf_addf(&f->sql, "substr(%s, 1, %zu) = ", col, strlen(v));
        return err ? err : ks_sqlfrag_arg(f, KS_SQL_TEXT(v));
    }
    if (*negative) {
        err = ks_buf_addf(&f->sql, "(%s IS NULL OR %s <> ", col, col);
        if (!err)
            err = ks_sqlfrag_arg(f, KS_SQL_TEXT(v));
        return err ? err : ks_buf_addc(&f->sql, ')');
    }
    return bad(diag, name, "comparison must be EQUALS, PREFIX or NOT_EQUALS");
}

static ks_err range_cond(struct ks_sqlfrag *f, const char *name, const char *col, bool date,
                         const struct ks_value *o, struct ks_diag *diag)
{
    const char *lo_key = date ? "startInclusive" : "lowerInclusive";
    const char *hi_key = date ? "endInclusive" : "upperInclusive";
    const struct ks_value *lo = ks_value_get(o, lo_key), *hi = ks_value_get(o, hi_key);
    double a, b;
    ks_err err;

    if (!lo && !hi)
        return bad(diag, name, date ? "a date filter needs startInclusive or endInclusive"
                                    : "a number filter needs lowerInclusive or upperInclusive");
    if ((lo && !(date ? time_value(lo, &a) : number_value(lo, &a))) ||
        (hi && !(date ? time_value(hi, &b) : number_value(hi, &b))))
        return bad(diag, name, date ? "dates are RFC 3339 strings or epoch seconds"
                                    : "bounds must be numbers");
    err = ks_buf_addf(&f->sql, "(%s IS NOT NULL", col);
    /* Bounds are reals (epoch seconds may carry fractions): cast, since
     * PostgreSQL would otherwise type the parameter after the column. */
    if (!err && lo) {
        err = ks_buf_addf(&f->sql, " AND %s >= CAST(", col);
        if (!err)
            err = ks_sqlfrag_arg(f, KS_SQL_REAL(a));
        if (!err)
            err = ks_buf_adds(&f->sql, " AS DOUBLE PRECISION)");
    }
    if (!err && hi) {
        err = ks_buf_addf(&f->sql, " AND %s <= CAST(", col);
        if (!err)
            err = ks_sqlfrag_arg(f, KS_SQL_REAL(b));
        if (!err)
            err = ks_buf_adds(&f->sql, " AS DOUBLE PRECISION)");
    }
    return err ? err : ks_buf_addc(&f->sql, ')');
}

static ks_err map_cond(struct ks_sqlfrag *f, const char *name, const struct ks_value *o,
                       struct ks_diag *diag)
{
    const char *cmp = ks_value_get_str(o, "comparison");
    const char *key = ks_value_get_str(o, "key");
    const char *val = ks_value_get_str(o, "value");
    ks_err err;

    if (!cmp || strcmp(cmp, "EQUALS") || !key || !*key)
        return bad(diag, name, "a map filter needs comparison EQUALS and a 'key'");
    err = ks_buf_adds(&f->sql, "EXISTS (SELECT 1 FROM resource_tags t WHERE t.account = "
                               "f.account AND t.rid = f.rid AND t.key = ");
    if (!err)
        err = ks_sqlfrag_arg(f, KS_SQL_TEXT(key));
    if (!err && val) {
        err = ks_buf_adds(&f->sql, " AND t.value = ");
        if (!err)
            err = ks_sqlfrag_arg(f, KS_SQL_TEXT(val));
    }
    return err ? err : ks_buf_addc(&f->sql, ')');
}

static ks_err package_cond(struct ks_sqlfrag *f, const char *name, const struct ks_value *o,
                           struct ks_diag *diag)
{
    static const struct {
        const char *key, *col;
    } sub[] = {{"name", "f.package"}, {"version", "f.package_version"}};
    bool any = false;
    ks_err err = ks_buf_addc(&f->sql, '(');

    if (o->type != KS_VOBJECT)
        return bad(diag, name, "a package filter is an object");
    for (size_t i = 0; i < o->u.o.len && !err; i++) {
        const char *k = o->u.o.items[i].key;
        size_t s;
        bool neg;

        for (s = 0; s < KS_ARRAY_LEN(sub) && strcmp(sub[s].key, k); s++)
            ;
        if (s == KS_ARRAY_LEN(sub))
            return ks_diag_set(diag, KS_EINVAL,
                               "filterCriteria.%s: package field '%s' is not supported", name, k);
        if (any)
            err = ks_buf_adds(&f->sql, " AND ");
        if (!err)
            err = string_cond(f, name, sub[s].col, o->u.o.items[i].value, &neg, diag);
        any = true;
    }
    if (!any)
        return bad(diag, name, "a package filter needs 'name' or 'version'");
    return err ? err : ks_buf_addc(&f->sql, ')');
}

/* Fields of the original FilterCriteria that kensa does not store (yet):
 * refused by name rather than ignored, so a filter never silently widens. */
static bool known_unsupported(const char *name)
{
    static const char *const names[] = {
            "ec2InstanceImageId", "ec2InstanceVpcId", "ec2InstanceSubnetId", "ecrImagePushedAt",
            "ecrImageArchitecture", "ecrImageRegistry", "ecrImageRepositoryName", "ecrImageTags",
            "ecrImageHash", "ecrImageLastInUseAt", "ecrImageInUseCount", "portRange",
            "networkProtocol", "componentId", "componentType", "relatedVulnerabilities",
            "lambdaFunctionName", "lambdaFunctionLayers", "lambdaFunctionRuntime",
            "lambdaFunctionLastModifiedAt", "lambdaFunctionExecutionRoleArn",
            "codeVulnerabilityDetectorName", "codeVulnerabilityDetectorTags",
            "codeVulnerabilityFilePath"};

    for (size_t i = 0; i < KS_ARRAY_LEN(names); i++)
        if (!strcmp(names[i], name))
            return true;
    return false;
}

static ks_err one_field(struct ks_sqlfrag *f, const struct field *fd, const struct ks_value *list,
                        struct ks_diag *diag)
{
    bool any_pos = false, any_neg = false;
    struct ks_buf neg = KS_BUF_INIT(0);
    ks_err err = KS_OK;

    if (!ks_value_is(list, KS_VARRAY) || list->u.a.len < 1 || list->u.a.len > 10)
        return bad(diag, fd->name, "must be a list of 1 to 10 filters");
    err = ks_buf_adds(&f->sql, "((");
    for (size_t i = 0; i < list->u.a.len && !err; i++) {
        const struct ks_value *o = list->u.a.items[i];
        size_t mark = f->sql.len;
        bool negative = false;

        if (!ks_value_is(o, KS_VOBJECT)) {
            err = bad(diag, fd->name, "each filter is an object");
            break;
        }
        if (any_pos)
            err = ks_buf_adds(&f->sql, " OR ");
        if (err)
            break;
        switch (fd->kind) {
        case STR:
            err = string_cond(f, fd->name, fd->col, o, &negative, diag);
            break;
        case NUM:
        case DATE:
            err = range_cond(f, fd->name, fd->col, fd->kind == DATE, o, diag);
            break;
        case MAP:
            err = map_cond(f, fd->name, o, diag);
            break;
        case PKG:
            err = package_cond(f, fd->name, o, diag);
            break;
        }
        if (err)
            break;
        if (negative) {
            /* Move NOT_EQUALS conditions to the AND-ed group. */
            const char *cond = f->sql.ptr + mark + (any_pos ? 4 : 0);
            err = ks_buf_addf(&neg, "%s%s", any_neg ? " AND " : "", cond);
            ks_buf_truncate(&f->sql, mark);
            any_neg = true;
        } else {
            any_pos = true;
        }
    }
    if (!err)
        err = ks_buf_addf(&f->sql, "%s)%s%s)", any_pos ? "" : "1 = 1",
                          any_neg ? " AND " : "", any_neg ? ks_buf_str(&neg) : "");
    ks_buf_release(&neg);
    if (err == KS_ELIMIT || err == KS_ENOMEM)
        return ks_diag_set(diag, KS_EINVAL, "filterCriteria is too large");
    return err;
}

ks_err ks_filter_compile(const struct ks_value *criteria, struct ks_sqlfrag *f,
                         struct ks_diag *diag)
{
    ks_err err;

    if (!criteria || criteria->type == KS_VNULL)
        return ks_buf_adds(&f->sql, "1 = 1");
    if (criteria->type != KS_VOBJECT)
        return ks_diag_set(diag, KS_EINVAL, "filterCriteria must be an object");
    err = ks_buf_adds(&f->sql, "(1 = 1");
    for (size_t i = 0; i < criteria->u.o.len && !err; i++) {
        const char *name = criteria->u.o.items[i].key;
        size_t k;

        for (k = 0; k < KS_ARRAY_LEN(fields) && strcmp(fields[k].name, name); k++)
            ;
        if (k == KS_ARRAY_LEN(fields))
            return ks_diag_set(diag, KS_EINVAL,
                               known_unsupported(name)
                                       ? "filterCriteria.%s is not supported by kensa"
                                       : "filterCriteria.%s: unknown field",
                               name);
        err = ks_buf_adds(&f->sql, " AND ");
        if (!err)
            err = one_field(f, &fields[k], criteria->u.o.items[i].value, diag);
    }
    return err ? err : ks_buf_addc(&f->sql, ')');
}

const char *ks_sort_expr(const char *field, bool *numeric)
{
    static const struct {
        const char *name, *expr;
        bool numeric;
    } sorts[] = {
            {"SEVERITY", "f.severity_rank", true}, /* CRITICAL 5 … INFORMATIONAL 1, else 0 */
            {"FIRST_OBSERVED_AT", "f.first_observed", true},
            {"LAST_OBSERVED_AT", "f.last_observed", true},
            {"INSPECTOR_SCORE", "COALESCE(f.score, -1)", true},
            {"EPSS_SCORE", "COALESCE(f.epss, -1)", true},
            {"AWS_ACCOUNT_ID", "f.account", true},
            {"FINDING_TYPE", "f.type", false},
            {"FINDING_STATUS", "f.status", false},
            {"VULNERABILITY_ID", "COALESCE(f.vuln_id, '')", false},
            {"VULNERABILITY_SOURCE", "COALESCE(f.vuln_source, '')", false},
            {"VENDOR_SEVERITY", "COALESCE(f.vendor_severity, '')", false},
    };

    for (size_t i = 0; i < KS_ARRAY_LEN(sorts); i++) {
        if (!strcmp(sorts[i].name, field)) {
            *numeric = sorts[i].numeric;
            return sorts[i].expr;
        }
    }
    return NULL;
}
