/* bench/bench_version.c - comparisons per second: kensa's dpkg and rpm
 * comparators against the reference C implementations, libdpkg's
 * dpkg_version_compare() and librpm's rpmvercmp(), in one run, same pairs.
 *
 *   bench_version DPKG_PAIRS.tsv RPM_PAIRS.tsv
 *
 * (plain "A<TAB>B" lines, e.g. the unpacked tests/data/version corpora).
 * Only pairs that both sides accept are timed. Single-threaded: per core. */
#include "core/ks_common.h"

#include "version/version.h"

#define LIBDPKG_VOLATILE_API 1
#include <dpkg/dpkg-db.h>
#include <dpkg/dpkg.h>
#include <dpkg/version.h>
#include <rpm/rpmver.h>
#include <time.h>

struct pairs {
    char **a, **b;
    size_t n;
};

static void load(const char *path, struct pairs *p)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    ssize_t len;

    if (!f) {
        perror(path);
        exit(2);
    }
    memset(p, 0, sizeof(*p));
    while ((len = getline(&line, &cap, f)) >= 0) {
        char *tab;

        if (len && line[len - 1] == '\n')
            line[len - 1] = '\0';
        if (!(tab = strchr(line, '\t')))
            continue;
        *tab = '\0';
        if (p->n == alloc) {
            alloc = alloc ? alloc * 2 : 1024;
            p->a = realloc(p->a, alloc * sizeof(char *));
            p->b = realloc(p->b, alloc * sizeof(char *));
            if (!p->a || !p->b)
                exit(2);
        }
        p->a[p->n] = strdup(line);
        p->b[p->n] = strdup(tab + 1);
        if (!p->a[p->n] || !p->b[p->n])
            exit(2);
        p->n++;
    }
    free(line);
    fclose(f);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile long sink;

/* Runs `body` over all pairs until at least 2 s have passed; pairs/s. */
#define MEASURE(result, n, body)                                                                   \
    do {                                                                                           \
        double t0 = now(), t;                                                                      \
        size_t done = 0;                                                                           \
        long acc = 0;                                                                              \
        do {                                                                                       \
            for (size_t i = 0; i < (n); i++) {                                                     \
                body;                                                                              \
            }                                                                                      \
            done += (n);                                                                           \
        } while ((t = now() - t0) < 2.0);                                                          \
        sink = acc;                                                                                \
        (result) = (double)done / t;                                                               \
    } while (0)

static bool dpkg_ok(struct dpkg_version *v, const char *s)
{
    struct dpkg_error err = DPKG_ERROR_INIT;

    if (parseversion(v, s, &err) < 0) {
        bool fatal = err.type == DPKG_MSG_ERROR;

        dpkg_error_destroy(&err);
        return !fatal;
    }
    return true;
}

int main(int argc, char **argv)
{
    struct pairs dp, rp, d = {0}, r = {0};
    struct dpkg_version *va, *vb;
    double k_dpkg, l_dpkg_cmp, l_dpkg_parse, k_rpm, l_rpm;
    int out;

    if (argc != 3) {
        fprintf(stderr, "usage: bench_version DPKG_PAIRS.tsv RPM_PAIRS.tsv\n");
        return 2;
    }
    load(argv[1], &dp);
    load(argv[2], &rp);
    d.a = malloc(dp.n * sizeof(char *));
    d.b = malloc(dp.n * sizeof(char *));
    va = malloc(dp.n * sizeof(*va));
    vb = malloc(dp.n * sizeof(*vb));
    r.a = malloc(rp.n * sizeof(char *));
    r.b = malloc(rp.n * sizeof(char *));
    if (!d.a || !d.b || !va || !vb || !r.a || !r.b)
        return 2;
    for (size_t i = 0; i < dp.n; i++) {
        if (ks_version_valid(KS_SCHEME_DPKG, dp.a[i]) &&
            ks_version_valid(KS_SCHEME_DPKG, dp.b[i]) && dpkg_ok(&va[d.n], dp.a[i]) &&
            dpkg_ok(&vb[d.n], dp.b[i])) {
            d.a[d.n] = dp.a[i];
            d.b[d.n++] = dp.b[i];
        }
    }
    for (size_t i = 0; i < rp.n; i++) {
        if (ks_version_valid(KS_SCHEME_RPM, rp.a[i]) && ks_version_valid(KS_SCHEME_RPM, rp.b[i])) {
            r.a[r.n] = rp.a[i];
            r.b[r.n++] = rp.b[i];
        }
    }

    MEASURE(k_dpkg, d.n, ks_version_cmp(KS_SCHEME_DPKG, d.a[i], d.b[i], &out, NULL);
            acc += out);
    MEASURE(l_dpkg_cmp, d.n, acc += dpkg_version_compare(&va[i], &vb[i]));
    {
        /* libdpkg parse+compare: parseversion() allocates from dpkg's
         * never-freed pool, so this runs one pass only. */
        double t0 = now();
        struct dpkg_version x, y;

        for (size_t i = 0; i < d.n; i++) {
            dpkg_ok(&x, d.a[i]);
            dpkg_ok(&y, d.b[i]);
            sink += dpkg_version_compare(&x, &y);
        }
        l_dpkg_parse = (double)d.n / (now() - t0);
    }
    MEASURE(k_rpm, r.n, ks_version_cmp(KS_SCHEME_RPM, r.a[i], r.b[i], &out, NULL); acc += out);
    MEASURE(l_rpm, r.n, acc += rpmvercmp(r.a[i], r.b[i]));

    printf("dpkg: %zu pairs\n", d.n);
    printf("  kensa ks_version_cmp (parse+compare)       %8.2f M pairs/s\n", k_dpkg / 1e6);
    printf("  libdpkg dpkg_version_compare (pre-parsed)  %8.2f M pairs/s  ratio %.2f\n",
           l_dpkg_cmp / 1e6, k_dpkg / l_dpkg_cmp);
    printf("  libdpkg parseversion x2 + compare          %8.2f M pairs/s  ratio %.2f\n",
           l_dpkg_parse / 1e6, k_dpkg / l_dpkg_parse);
    printf("rpm: %zu pairs\n", r.n);
    printf("  kensa ks_version_cmp (EVR split+compare)   %8.2f M pairs/s\n", k_rpm / 1e6);
    printf("  librpm rpmvercmp                           %8.2f M pairs/s  ratio %.2f\n",
           l_rpm / 1e6, k_rpm / l_rpm);
    return 0;
}
