/* fuzz/fuzz_net_aws.c - the AWS CLI JSON model reader and the analysis on
 * arbitrary bytes. The input is split at the first NUL into a file name
 * (which decides name-matched outputs such as target health) and the
 * document; whatever loads must analyse without error and give findings
 * whose port ranges and paths are well formed. */
#include "core/ks_common.h"

#include "net/aws.h"
#include "net/reach.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_diag diag = KS_DIAG_INIT;
    const char *text = (const char *)data;
    const uint8_t *nul = memchr(data, 0, KS_MIN(size, (size_t)64));
    char name[80] = "fuzz.json";
    struct ks_net_aws m;
    struct ks_net_result r;

    if (nul) {
        size_t n = (size_t)(nul - data);
        memcpy(name, data, n);
        name[n] = '\0';
        text += n + 1;
        size -= n + 1;
    }
    lim.max_json_depth = 64;
    lim.max_file_size = 1 << 20;
    ks_net_aws_init(&m);
    ks_net_result_init(&r);
    if (!ks_net_aws_add(&m, name, text, size, &lim, &diag) && !ks_net_aws_finish(&m, &diag)) {
        if (ks_net_analyze(&m, &r, &diag))
            KS_BUG("analysis failed on a loaded model: %s", diag.msg);
        for (size_t i = 0; i < r.findings.len; i++) {
            const struct ks_net_finding *f = &r.findings.items[i];
            if (f->begin < 0 || f->end > 65535 || f->begin > f->end || f->n_steps < 2 ||
                f->n_steps > 30)
                KS_BUG("malformed finding %d-%d (%zu steps)", f->begin, f->end, f->n_steps);
            ks_net_port_exposed(&r, f->resource, f->proto, f->begin);
        }
    }
    ks_net_result_release(&r);
    ks_net_aws_release(&m);
    return 0;
}
