/* tests/unit/sample_findings.h - hand-built findings for the export tests,
 * with real values from the advisory samples in the shared data (GHSA OSV
 * records, NVD CVE API records, the CISA KEV catalogue, Ubuntu OSV, the
 * Debian security tracker excerpt). Package versions are chosen inside each
 * advisory's affected range; resource ids are made up.
 *
 * Scores and fix commands are not hand-written: each finding goes through
 * ks_score_compute() and ks_fix_command() like the scanner's would.
 * Everything lives in `arena`. */
#ifndef KS_TESTS_SAMPLE_FINDINGS_H
#define KS_TESTS_SAMPLE_FINDINGS_H

#include "core/arena.h"
#include "model/finding.h"
#include "score/fix.h"
#include "score/score.h"

struct sample_spec {
    const char *vuln, *title, *description, *source, *source_url, *vendor_severity;
    enum ks_vendor_scale scale;
    const char *aliases[3];
    struct ks_cvss_score cvss[3];
    enum ks_netpath netpath;
    struct ks_finding_package pkg;
    struct ks_kev kev;
    struct ks_epss epss;
    const char *refs[3];
    enum ks_pkg_type ptype;
};

static const struct sample_spec sample_specs[] = {
    {"GHSA-jfh8-c2jp-5v3q", "Remote code injection in Log4j",
     "Log4j versions prior to 2.16.0 are subject to a remote code execution vulnerability via the "
     "ldap JNDI parser.",
     "GHSA", "https://github.com/advisories/GHSA-jfh8-c2jp-5v3q", "CRITICAL", KS_SCALE_GHSA,
     {"CVE-2021-44228"},
     {{"GHSA", "3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 0, true}},
     KS_NETPATH_UNKNOWN,
     {"org.apache.logging.log4j:log4j-core", "2.14.1", -1, NULL, NULL, "MAVEN",
      "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "/app/lib/log4j-core-2.14.1.jar",
      "sha256:1567e7ea90b67fc95ccdeeec39bdc3045098dee7e0c604975b957a9f8c0e9616", "2.15.0",
      NULL},
     {true, "2021-12-10", "2021-12-24", "Known"},
     {false, 0, 0},
     {"https://nvd.nist.gov/vuln/detail/CVE-2021-44228",
      "https://github.com/apache/logging-log4j2/pull/608"}, KS_PKG_MAVEN},
    {"CVE-2021-3156", "CVE-2021-3156 - sudo",
     "Sudo before 1.9.5p2 contains an off-by-one error that can result in a heap-based buffer "
     "overflow, which allows privilege escalation to root via \"sudoedit -s\" and a command-line "
     "argument that ends with a single backslash character.",
     "NVD", "https://nvd.nist.gov/vuln/detail/CVE-2021-3156", NULL, KS_SCALE_DEBIAN,
     {NULL},
     {{"NVD", "3.1", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 0, false},
      {"NVD", "2.0", "AV:L/AC:L/Au:N/C:C/I:C/A:C", 0, false}},
     KS_NETPATH_NO,
     {"sudo", "1.8.27", 0, "1+deb10u2", "amd64", "DPKG",
      "pkg:deb/debian/sudo@1.8.27-1%2Bdeb10u2?arch=amd64&distro=debian-10", NULL, NULL,
      "1.8.27-1+deb10u3", NULL},
     {true, "2022-04-06", "2022-04-27", "Unknown"},
     {false, 0, 0},
     {"https://www.openwall.com/lists/oss-security/2021/01/26/3"}, KS_PKG_DEB},
    {"GHSA-4374-p667-p6c8", "HTTP/2 rapid reset can cause excessive work in net/http",
     "A malicious HTTP/2 client which rapidly creates requests and immediately resets them can "
     "cause excessive server resource consumption.",
     "GHSA", "https://github.com/advisories/GHSA-4374-p667-p6c8", "HIGH", KS_SCALE_GHSA,
     {"CVE-2023-39325"},
     {{"GHSA", "3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 0, true}},
     KS_NETPATH_NO,
     {"golang.org/x/net", "v0.15.0", -1, NULL, NULL, "GOBINARY",
      "pkg:golang/golang.org/x/net@v0.15.0", "/usr/local/bin/api-server", NULL, "0.17.0", NULL},
     {false, NULL, NULL, NULL},
     {false, 0, 0},
     {"https://go.dev/cl/534215", "https://github.com/golang/go/issues/63417"}, KS_PKG_GO},
    {"CVE-2024-0727", "CVE-2024-0727 - openssl",
     "Issue summary: Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash "
     "leading to a potential Denial of Service attack",
     "UBUNTU_CVE", "https://ubuntu.com/security/CVE-2024-0727", "low", KS_SCALE_UBUNTU,
     {NULL},
     {{"UBUNTU", "3.1", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", 0, true}},
     KS_NETPATH_UNKNOWN,
     {"openssl", "1.0.2g", 0, "1ubuntu4.20+esm10", "amd64", "DPKG",
      "pkg:deb/ubuntu/openssl@1.0.2g-1ubuntu4.20%2Besm10?arch=amd64", NULL, NULL,
      "1.0.2g-1ubuntu4.20+esm11", NULL},
     {false, NULL, NULL, NULL},
     {false, 0, 0},
     {"https://www.openssl.org/news/secadv/20240125.txt"}, KS_PKG_DEB},
    {"GHSA-8xww-x3g3-6jcv", "ReDoS based DoS vulnerability in Action Dispatch",
     "Users on Ruby 3.2.0 or greater are not affected by this vulnerability.\nPatches\n\nTo aid "
     "users who aren\xe2\x80\x99t able to upgrade immediately we have provided patches",
     "GHSA", "https://github.com/advisories/GHSA-8xww-x3g3-6jcv", "LOW", KS_SCALE_GHSA,
     {"CVE-2023-22795"},
     {{NULL, NULL, NULL, 0, false}},
     KS_NETPATH_UNKNOWN,
     {"actionpack", "6.1.7", -1, NULL, NULL, "BUNDLER", "pkg:gem/actionpack@6.1.7",
      "/srv/app/Gemfile.lock", NULL, "6.1.7.1", NULL},
     {false, NULL, NULL, NULL},
     {false, 0, 0},
     {NULL}, KS_PKG_GEM},
    {"GHSA-crjr-9rc5-ghw8", "Inefficient Regular Expression Complexity in Nokogiri",
     "This vulnerability was reported by HackerOne user ooooooo_q "
     "(\xe3\x81\xaa\xe3\x81\xaa\xe3\x81\x8a\xe3\x81\x8f), see \"Credit\", 2022",
     "GHSA", "https://github.com/advisories/GHSA-crjr-9rc5-ghw8", "HIGH", KS_SCALE_GHSA,
     {"CVE-2022-24836"},
     {{"GHSA", "3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 0, true}},
     KS_NETPATH_UNKNOWN,
     {"nokogiri", "1.13.3", -1, NULL, NULL, "BUNDLER", "pkg:gem/nokogiri@1.13.3",
      "/srv/app/Gemfile.lock", NULL, "1.13.4", NULL},
     {false, NULL, NULL, NULL},
     {true, 0.00383, 0.73075},
     {NULL}, KS_PKG_GEM},
    {"CVE-2022-0456", "CVE-2022-0456 - chromium", NULL, "DEBIAN_CVE",
     "https://security-tracker.debian.org/tracker/CVE-2022-0456", "not yet assigned",
     KS_SCALE_DEBIAN,
     {NULL},
     {{NULL, NULL, NULL, 0, false}},
     KS_NETPATH_UNKNOWN,
     {"chromium", "97.0.4692.99", 0, "1", "amd64", "DPKG",
      "pkg:deb/debian/chromium@97.0.4692.99-1?arch=amd64", NULL, NULL, NULL, NULL},
     {false, NULL, NULL, NULL},
     {false, 0, 0},
     {NULL}, KS_PKG_DEB},
};

#define SAMPLE_RESOURCE "rootfs:/srv/images/app"

static inline size_t count_until_null(const void *const *v, size_t max)
{
    size_t n = 0;
    while (n < max && v[n])
        n++;
    return n;
}

/* Builds the sample findings; returns their number, or 0 on failure. */
static inline size_t sample_findings(struct ks_arena *a, struct ks_finding **out)
{
    size_t n = KS_ARRAY_LEN(sample_specs);
    struct ks_finding *f = ks_arena_calloc(a, n, sizeof(*f));

    if (!f)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const struct sample_spec *s = &sample_specs[i];
        size_t ncvss = 0;
        while (ncvss < 3 && s->cvss[ncvss].vector)
            ncvss++;
        struct ks_cvss_score *cv = ks_arena_calloc(a, ncvss ? ncvss : 1, sizeof(*cv));
        if (!cv)
            return 0;
        memcpy(cv, s->cvss, ncvss * sizeof(*cv));
        ks_score_fill_bases(cv, ncvss);

        f[i].type = KS_FINDING_PACKAGE_VULNERABILITY;
        f[i].title = s->title;
        f[i].description = s->description;
        f[i].status = KS_STATUS_ACTIVE;
        f[i].resource_type = "ROOTFS";
        f[i].resource_id = SAMPLE_RESOURCE;
        f[i].vulnerability_id = s->vuln;
        f[i].aliases = s->aliases;
        f[i].naliases = count_until_null((const void *const *)s->aliases, 3);
        f[i].source = s->source;
        f[i].source_url = s->source_url;
        f[i].vendor_severity = s->vendor_severity;
        f[i].vendor_severity_source = s->vendor_severity ? s->source : NULL;
        f[i].package = s->pkg;
        f[i].package.fix_command =
                ks_fix_command(a, s->ptype, s->pkg.name, s->pkg.fixed_version, NULL);
        f[i].fix_available = ks_fix_available_of(1, f[i].package.fix_command ? 1 : 0);
        f[i].cvss = cv;
        f[i].ncvss = ncvss;
        f[i].epss = s->epss;
        f[i].kev = s->kev;
        f[i].exploit_available = s->kev.listed;
        f[i].references = s->refs;
        f[i].nreferences = count_until_null((const void *const *)s->refs, 3);

        struct ks_score_input in = {cv, ncvss, s->scale, s->vendor_severity, s->netpath,
                                    s->vendor_severity ? s->source : NULL};
        if (ks_score_compute(a, &in, &f[i].score, &f[i].severity))
            return 0;
        ks_finding_make_id(&f[i]);
    }
    *out = f;
    return n;
}

#endif
