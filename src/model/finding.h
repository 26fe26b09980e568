/* model/finding.h - a finding: one vulnerability (or network exposure, or code
 * flaw) in one package instance of one resource, with its score, fix and
 * threat intelligence. Plain records; the only logic is the stable id.
 *
 * The fields follow the original service's finding model (Inspector's
 * Finding / PackageVulnerabilityDetails / VulnerablePackage / CvssScore /
 * InspectorScoreDetails, see docs/internals/export.md for the mapping).
 *
 * Ownership: every string and array is borrowed from whoever built the
 * finding (normally a scan's arena) and lives as long as it. Unknown text
 * fields are NULL (never ""); unknown numbers use the sentinels noted. */
#ifndef KS_MODEL_FINDING_H
#define KS_MODEL_FINDING_H

#include "core/hash.h"
#include "core/ks_common.h"

/* Severity bands (SPEC.md §3): 0 INFORMATIONAL, 0.1-3.9 LOW, 4.0-6.9 MEDIUM,
 * 7.0-8.9 HIGH, 9.0-10.0 CRITICAL; UNTRIAGED when there is neither a score
 * nor a vendor label. Ordered so that a larger value is more severe. */
enum ks_severity {
    KS_SEV_UNTRIAGED = 0,
    KS_SEV_INFORMATIONAL,
    KS_SEV_LOW,
    KS_SEV_MEDIUM,
    KS_SEV_HIGH,
    KS_SEV_CRITICAL,
};

enum ks_finding_type {
    KS_FINDING_PACKAGE_VULNERABILITY = 0,
    KS_FINDING_CODE_VULNERABILITY,
    KS_FINDING_NETWORK_REACHABILITY,
    KS_FINDING_END_OF_LIFE, /* the OS release is past its security support */
};

enum ks_finding_status {
    KS_STATUS_ACTIVE = 0,
    KS_STATUS_SUPPRESSED,
    KS_STATUS_CLOSED,
};

/* YES: a fixed version and a fix command exist; NO: none; PARTIAL: only some
 * of the packages behind the finding have a fix (ASFF's rule). */
enum ks_fix_available {
    KS_FIX_NO = 0,
    KS_FIX_YES,
    KS_FIX_PARTIAL,
};

/* One published CVSS score: who scored it, which version, the vector as
 * published and the base score kensa computed from it (tenths, 0..100). */
struct ks_cvss_score {
    const char *source;  /* "NVD", "GHSA", "DEBIAN", "UBUNTU", "GO", ... (vulndb source names) */
    const char *version; /* "2.0", "3.0", "3.1", "4.0" */
    const char *vector;
    int base10;  /* base score × 10 */
    bool vendor; /* the source is the vendor of the package (the distribution's or
                    ecosystem's own advisory): its score wins over NVD's */
};

/* What the severity of a finding rests on (ks_score_compute's rule). */
enum ks_score_basis {
    KS_BASIS_NONE = 0,     /* neither CVSS nor a vendor label: UNTRIAGED */
    KS_BASIS_VENDOR_CVSS,  /* the vendor's CVSS */
    KS_BASIS_NVD_CVSS,     /* no vendor CVSS: NVD's */
    KS_BASIS_OTHER_CVSS,   /* neither: another source's CVSS */
    KS_BASIS_VENDOR_LABEL, /* no CVSS at all: the vendor's own label */
    KS_BASIS_RULE,         /* a kensa rule sets it (end of life, code and network findings) */
};

/* One change the environment made to the chosen vector. */
struct ks_score_adjustment {
    const char *metric; /* "AttackVector" */
    const char *reason; /* human sentence, e.g. "no network path to the resource: AV:N -> AV:A" */
};

/* The kensa score: the chosen CVSS, adjusted to the resource's environment. */
struct ks_kensa_score {
    bool scored;             /* false: no CVSS at all (severity came from a label or is UNTRIAGED) */
    int score10;             /* adjusted score × 10 */
    const char *source;      /* source of the chosen CVSS ("NVD", "DEBIAN_CVE", ...) */
    const char *version;     /* its CVSS version */
    const char *base_vector; /* as published */
    int base10;              /* score of the published vector × 10 (v4.0: every metric it gives) */
    const char *vector;      /* after the adjustments (== base_vector when there are none) */
    const struct ks_score_adjustment *adjustments;
    size_t nadjustments;
    enum ks_score_basis basis;  /* set for every finding, scored or not */
    const char *basis_source;   /* source of the CVSS or label used; NULL for NONE */
    const char *basis_reason;   /* one sentence: what was chosen over what */
};

/* The package instance a package finding is about. */
struct ks_finding_package {
    const char *name;
    const char *version;         /* as installed, without epoch and release for rpm */
    int epoch;                   /* rpm/dpkg epoch; -1 unknown */
    const char *release;         /* rpm release / dpkg revision */
    const char *arch;
    const char *package_manager; /* "DPKG", "RPM", "APK", "PIP", "NPM", "GOBINARY", ... */
    const char *purl;
    const char *file_path; /* manifest, lock file or binary inside the target */
    const char *layer;     /* image layer that brought it ("sha256:…") */
    const char *fixed_version;
    const char *fix_command; /* exact command, e.g. "apt-get install --only-upgrade pkg=ver" */
};

/* CISA Known Exploited Vulnerabilities entry. */
struct ks_kev {
    bool listed;
    const char *date_added; /* YYYY-MM-DD */
    const char *due_date;   /* YYYY-MM-DD */
    const char *ransomware; /* knownRansomwareCampaignUse: "Known" / "Unknown" */
};

/* FIRST EPSS. */
struct ks_epss {
    bool known;
    double score;      /* 0..1 */
    double percentile; /* 0..1 */
};

struct ks_finding {
    char id[KS_SHA256_HEX]; /* ks_finding_make_id() */
    enum ks_finding_type type;
    const char *title;
    const char *description;
    enum ks_severity severity;
    enum ks_finding_status status;

    const char *resource_type; /* "ROOTFS", "IMAGE", "ARCHIVE", "SBOM", "HOST" */
    const char *resource_id;   /* path, image digest, host name, ... */

    struct ks_kensa_score score;

    const char *vulnerability_id; /* CVE-…, GHSA-…, DSA-…, ALAS… */
    const char *const *aliases;
    size_t naliases;
    const char *source;          /* advisory source: "DEBIAN_CVE", "OSV", "GHSA", ... */
    const char *source_url;
    const char *vendor_severity; /* the vendor's own label, verbatim */
    const char *vendor_severity_source; /* who gives it ("DEBIAN", "GHSA", ...), or NULL */

    struct ks_finding_package package;
    enum ks_fix_available fix_available;

    const struct ks_cvss_score *cvss;
    size_t ncvss;

    struct ks_epss epss;
    struct ks_kev kev;
    bool exploit_available; /* KEV, or an NVD reference tagged Exploit */

    const char *const *references;
    size_t nreferences;

    const char *first_observed; /* RFC 3339 UTC; NULL when not tracked (CLI scans) */
    const char *last_observed;
};

/* The finding's stable id: lowercase hex SHA-256 of resource id, vulnerability
 * id, purl and file path, each followed by a NUL byte (NULL counts as ""), so
 * that no two different tuples hash the same input. Writes into f->id. */
static inline void ks_finding_make_id(struct ks_finding *f)
{
    const char *parts[4] = {f->resource_id, f->vulnerability_id, f->package.purl,
                            f->package.file_path};
    unsigned char digest[KS_SHA256_LEN];
    struct ks_sha256 *h = ks_sha256_new();

    if (!h) {
        f->id[0] = '\0';
        return;
    }
    for (size_t i = 0; i < 4; i++) {
        const char *s = parts[i] ? parts[i] : "";
        ks_sha256_update(h, s, strlen(s) + 1);
    }
    ks_sha256_final(h, digest);
    ks_sha256_free(h);
    ks_hex(digest, sizeof(digest), f->id);
}

#endif
