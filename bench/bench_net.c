/* bench/bench_net.c - times the AWS model read and the reachability analysis
 * separately on a directory of AWS CLI JSON (see bench/README.md):
 *     bench_net DIR
 * prints input MB, read seconds and MB/s, analysis seconds, findings and
 * peak RSS. Not part of the test suite. */
#include "core/ks_common.h"

#include "net/aws.h"
#include "net/reach.h"

#include <sys/resource.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_net_aws m;
    struct ks_net_result r;
    struct rusage ru;
    double t0, t1, t2, mb;

    if (argc != 2) {
        fprintf(stderr, "usage: bench_net DIR\n");
        return 2;
    }
    ks_net_aws_init(&m);
    ks_net_result_init(&r);
    t0 = now();
    if (ks_net_aws_load(&m, argv[1], &lim, &d)) {
        fprintf(stderr, "load: %s\n", d.msg);
        return 1;
    }
    t1 = now();
    if (ks_net_analyze(&m, &r, &d)) {
        fprintf(stderr, "analyze: %s\n", d.msg);
        return 1;
    }
    t2 = now();
    getrusage(RUSAGE_SELF, &ru);
    mb = (double)m.bytes / 1e6;
    printf("instances %zu  interfaces %zu  groups %zu  subnets %zu  lbs %zu\n",
           m.instances.len, m.enis.len, m.sgs.len, m.subnets.len, m.lbs.len);
    printf("input %.1f MB  read %.3f s (%.1f MB/s)  analysis %.3f s  findings %zu  peak RSS %.1f MB\n",
           mb, t1 - t0, mb / (t1 - t0), t2 - t1, r.findings.len, (double)ru.ru_maxrss / 1024.0);
    ks_net_result_release(&r);
    ks_net_aws_release(&m);
    return 0;
}
