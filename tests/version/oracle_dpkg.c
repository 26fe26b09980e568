/* tests/version/oracle_dpkg.c - the dpkg oracle of the differential tests:
 * reads "A<TAB>B" lines and prints what dpkg itself (libdpkg's parseversion()
 * and dpkg_version_compare(), as `dpkg --compare-versions` uses them) says:
 * -1, 0, 1, or "error" when dpkg rejects a version (warnings are accepted,
 * as `dpkg --compare-versions` accepts them). Test-time only. */
#define LIBDPKG_VOLATILE_API 1
#include <dpkg/dpkg-db.h>
#include <dpkg/dpkg.h>
#include <dpkg/version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse(struct dpkg_version *v, const char *s)
{
    struct dpkg_error err = DPKG_ERROR_INIT;

    if (parseversion(v, s, &err) < 0) {
        int fatal = err.type == DPKG_MSG_ERROR;

        dpkg_error_destroy(&err);
        return fatal ? -1 : 0;
    }
    return 0;
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    while ((n = getline(&line, &cap, stdin)) >= 0) {
        struct dpkg_version a, b;
        char *tab;
        int r;

        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        tab = strchr(line, '\t');
        if (!tab) {
            puts("error");
            continue;
        }
        *tab = '\0';
        if (parse(&a, line) || parse(&b, tab + 1)) {
            puts("error");
            continue;
        }
        r = dpkg_version_compare(&a, &b);
        puts(r < 0 ? "-1" : r > 0 ? "1" : "0");
    }
    free(line);
    return 0;
}
