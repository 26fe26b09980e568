/* tests/score/export_sample.c - writes the sample findings
 * (tests/unit/sample_findings.h) in one export format to stdout, for the
 * validator tests (SARIF multitool, JSON Schema, CSV reader):
 *     export-sample json|sarif|asff|csv|table */
#include "core/ks_common.h"

#include "core/arena.h"
#include "core/buf.h"
#include "export/findings.h"

#include "../unit/sample_findings.h"

int main(int argc, char **argv)
{
    struct ks_arena a = KS_ARENA_INIT(0, 0);
    struct ks_buf out = KS_BUF_INIT(0);
    struct ks_export_opts o = {.tool_version = "0.1.0", .target = "/srv/images/app",
                               .now = "2026-01-02T03:04:05Z"};
    struct ks_finding *f = NULL;
    size_t n = sample_findings(&a, &f);
    ks_err err;

    if (argc != 2 || !n) {
        fprintf(stderr, "usage: export-sample json|sarif|asff|csv|table\n");
        return 2;
    }
    if (!strcmp(argv[1], "json"))
        err = ks_export_findings_json(f, n, &o, &out);
    else if (!strcmp(argv[1], "sarif"))
        err = ks_export_findings_sarif(f, n, &o, &out);
    else if (!strcmp(argv[1], "asff"))
        err = ks_export_findings_asff(f, n, &o, &out);
    else if (!strcmp(argv[1], "csv"))
        err = ks_export_findings_csv(f, n, &o, &out);
    else if (!strcmp(argv[1], "table"))
        err = ks_export_findings_table(f, n, &o, &out);
    else
        err = KS_EINVAL;
    if (err) {
        fprintf(stderr, "export-sample: %s\n", ks_err_str(err));
        return 1;
    }
    fwrite(out.ptr, 1, out.len, stdout);
    ks_buf_release(&out);
    ks_arena_release(&a);
    return 0;
}
