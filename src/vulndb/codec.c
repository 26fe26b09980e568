/* vulndb/codec.c - how blobs and explicit version lists are stored
 * (docs/internals/vulndb.md, "Compact columns"). */
#include "core/ks_common.h"

#include "vulndb/internal.h"

#include "core/deflate.h"

/* The preset dictionary of blob compression (schema version 2; changing a
 * byte of it is a new schema version). Words and URL prefixes common to
 * advisory feeds of every kind (OSV, NVD, distributions), written from the
 * formats' documentation and general advisory vocabulary: a blob of a few
 * hundred bytes then refers to them instead of spelling them out. zlib
 * codes near references (the end) cheapest, so the JSON scaffolding that
 * every blob has comes last. Kept under 4096 bytes (C17's portable literal
 * length). */
static const char dict[] =
        " is vulnerable to denial of service (DoS) via a crafted request. This issue affects vers"
        "ions prior to . An attacker could exploit this vulnerability to execute arbitrary code, "
        "cause a denial of service, or obtain sensitive information. Cross-site scripting (XSS) v"
        "ulnerability in the  allows remote attackers to inject arbitrary web script or HTML via "
        "the  parameter. SQL injection vulnerability allows remote authenticated users to execute"
        " arbitrary SQL commands via the . Server-Side Request Forgery (SSRF) Cross-Site Request "
        "Forgery (CSRF) path traversal directory traversal remote code execution out-of-bounds re"
        "ad out-of-bounds write heap-based buffer overflow use-after-free integer overflow NULL p"
        "ointer dereference infinite loop uncontrolled resource consumption memory exhaustion reg"
        "ular expression denial of service (ReDoS) improper input validation improper certificate"
        " validation information disclosure privilege escalation authentication bypass an unauthe"
        "nticated attacker a remote attacker a local attacker malicious user can be exploited to "
        "which could lead to which may allow that allows an attacker to when processing a special"
        "ly crafted file. The issue was fixed in version and later versions. Users are advised to"
        " upgrade to the latest version. There are no known workarounds for this vulnerability. T"
        "his vulnerability has been patched in version Upgrading to version is recommended. This "
        "could allow an attacker to cause a panic An attacker can craft a malicious input which c"
        "auses the parser to consume excessive memory and CPU. Affected versions of this crate di"
        "d not properly check the bounds, resulting in memory corruption. The flaw is in the func"
        "tion in versions before and earlier, before through . In the Linux kernel, the following"
        " vulnerability has been resolved: "
        "https://www.openwall.com/lists/oss-security/http://www.openwall.com/lists/oss-security/h"
        "ttp://www.securityfocus.com/bid/http://secunia.com/advisories/https://security.gentoo.or"
        "g/glsa/https://security.netapp.com/advisory/ntap-https://www.oracle.com/security-alerts/"
        "https://lists.debian.org/debian-lts-announce/https://www.debian.org/security/https://usn"
        ".ubuntu.com/https://ubuntu.com/security/notices/USN-https://access.redhat.com/errata/RHS"
        "A-https://access.redhat.com/security/cve/CVE-https://bugzilla.redhat.com/show_bug.cgi?id"
        "=https://bugzilla.suse.com/show_bug.cgi?id=https://lists.fedoraproject.org/archives/list"
        "/package-announce@lists.fedoraproject.org/message/https://lists.apache.org/thread/http:/"
        "/lists.opensuse.org/opensuse-security-announce/https://groups.google.com/g/golang-announ"
        "ce/c/https://go.dev/issue/https://go.dev/cl/https://pkg.go.dev/vuln/GO-https://crates.io"
        "/crates/https://rustsec.org/advisories/RUSTSEC-https://pypi.org/project/https://www.npmj"
        "s.com/package/https://huntr.dev/bounties/https://security.snyk.io/vuln/SNYK-https://hack"
        "erone.com/reports/https://cwe.mitre.org/data/definitions/https://cve.mitre.org/cgi-bin/c"
        "vename.cgi?name=CVE-https://nvd.nist.gov/vuln/detail/CVE-https://github.com/advisories/G"
        "HSA-https://github.com/pypa/advisory-database/tree/main/vulns/https://github.com/rustsec"
        "/advisory-db/"
        "\"severity_label\":\"MODERATE\"\"severity_label\":\"HIGH\"\"severity_label\":\"CRITICAL\"\"severity_l"
        "abel\":\"LOW\"\"cwes\":[\"CWE-\"tags\":[\"Third Party Advisory\"\"Vendor Advisory\"\"Patch\"\"Exploit\"\""
        "Issue Tracking\"\"Mailing List\"\"Release Notes\"\"Broken Link\",\"related\":[\"CVE-{\"type\":\"PACKA"
        "GE\",\"url\":\"https://{\"type\":\"INTRODUCED\",\"url\":\"https://{\"type\":\"EVIDENCE\",\"url\":\"https:/"
        "/{\"type\":\"DETECTION\",\"url\":\"https://{\"type\":\"DISCUSSION\",\"url\":\"https://{\"type\":\"GIT\",\"u"
        "rl\":\"https://{\"type\":\"ARTICLE\",\"url\":\"https://{\"type\":\"REPORT\",\"url\":\"https://github.com"
        "//issues/{\"type\":\"ADVISORY\",\"url\":\"https://nvd.nist.gov/vuln/detail/CVE-{\"type\":\"ADVISOR"
        "Y\",\"url\":\"https://github.com//security/advisories/GHSA-{\"type\":\"FIX\",\"url\":\"https://gith"
        "ub.com//pull/{\"type\":\"WEB\",\"url\":\"https://github.com//releases/tag/v{\"type\":\"FIX\",\"url\":"
        "\"https://github.com//commit/\"},{\"type\":\"WEB\",\"url\":\"https://{\"details\":\"The \",\"reference"
        "s\":[{\"type\":\"WEB\",\"url\":\"https://github.com/";

const char *vdb_blob_dict(size_t *len)
{
    *len = sizeof(dict) - 1;
    return dict;
}

ks_err vdb_blob_decode(const void *data, size_t len, struct ks_buf *out, struct ks_diag *diag)
{
    size_t dl;
    const char *d = vdb_blob_dict(&dl);
    struct ks_diag zd = KS_DIAG_INIT;
    ks_err err = ks_inflate(KS_Z_RAW, data, len, d, dl, out, &zd);
    if (err)
        return ks_diag_set(diag, err, "stored details: %s", zd.msg);
    return KS_OK;
}

/* ---- explicit version lists ----
 *
 * Sorted by bytes (strcmp), without duplicates, front-coded: per version one
 * byte (p << 4 | s) then the s bytes that follow the p bytes it shares with
 * the previous version; p or s of 15 or more is written as 15 and the rest
 * follows as a LEB128 number (p first). "1.10.3", "1.10.4" take 7 + 2 bytes. */

static ks_err put_uint(struct ks_buf *out, size_t v)
{
    unsigned char b[10];
    size_t n = 0;
    do {
        b[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    return ks_buf_add(out, b, n);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

ks_err vdb_versions_encode(const char **v, size_t n, struct ks_buf *out, struct ks_diag *diag)
{
    const char *prev = "";
    size_t plen = 0;
    ks_err err = KS_OK;

    ks_buf_reset(out);
    qsort(v, n, sizeof(*v), cmp_str);
    for (size_t i = 0; i < n && !err; i++) {
        size_t len = strlen(v[i]), p = 0;
        if (len > VDB_VERSION_MAX)
            return ks_diag_set(diag, KS_ELIMIT, "version of %zu bytes (at most %d)", len,
                               VDB_VERSION_MAX);
        if (i && !strcmp(v[i], prev))
            continue;
        while (p < len && p < plen && v[i][p] == prev[p])
            p++;
        size_t s = len - p;
        unsigned char h = (unsigned char)((p < 15 ? p : 15) << 4 | (s < 15 ? s : 15));
        err = ks_buf_addc(out, (char)h);
        if (!err && p >= 15)
            err = put_uint(out, p - 15);
        if (!err && s >= 15)
            err = put_uint(out, s - 15);
        if (!err)
            err = ks_buf_add(out, v[i] + p, s);
        prev = v[i];
        plen = len;
    }
    if (err)
        return ks_diag_set(diag, err, "out of memory");
    return KS_OK;
}

static bool get_uint(const unsigned char **p, const unsigned char *end, size_t *v)
{
    size_t r = 0;
    for (unsigned shift = 0; *p < end && shift < 35; shift += 7) {
        unsigned char b = *(*p)++;
        r |= (size_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return true;
        }
    }
    return false;
}

void vdb_versions_iter_init(struct vdb_versions_iter *it, const void *data, size_t len)
{
    it->p = data;
    it->end = it->p + (data ? len : 0);
    it->len = 0;
    it->bad = false;
    it->cur[0] = '\0';
}

const char *vdb_versions_next(struct vdb_versions_iter *it)
{
    size_t p, s, x;

    if (it->bad || it->p >= it->end)
        return NULL;
    unsigned char h = *it->p++;
    p = h >> 4;
    s = h & 15;
    if (p == 15) {
        if (!get_uint(&it->p, it->end, &x))
            goto bad;
        p += x;
    }
    if (s == 15) {
        if (!get_uint(&it->p, it->end, &x))
            goto bad;
        s += x;
    }
    if (p > it->len || s > (size_t)(it->end - it->p) || p + s > VDB_VERSION_MAX)
        goto bad;
    memcpy(it->cur + p, it->p, s);
    it->p += s;
    it->len = p + s;
    it->cur[it->len] = '\0';
    return it->cur;
bad:
    it->bad = true; /* a damaged column ends the list, never reads past it */
    return NULL;
}

bool vdb_versions_has(const void *data, size_t len, const char *version)
{
    struct vdb_versions_iter it;
    const char *v;

    vdb_versions_iter_init(&it, data, len);
    while ((v = vdb_versions_next(&it))) {
        int c = strcmp(v, version);
        if (c == 0)
            return true;
        if (c > 0)
            return false; /* sorted: it would have come by now */
    }
    return false;
}

size_t vdb_versions_count(const void *data, size_t len)
{
    struct vdb_versions_iter it;
    size_t n = 0;

    vdb_versions_iter_init(&it, data, len);
    while (vdb_versions_next(&it))
        n++;
    return n;
}
