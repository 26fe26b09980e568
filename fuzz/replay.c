/* fuzz/replay.c - runs a fuzz target over every file of its corpus, without
 * libFuzzer, so that the normal and sanitizer test builds replay the corpora
 * (CI never fuzzes; long runs are done by hand, see fuzz/README.md). */
#include "core/ks_common.h"

#include "core/buf.h"
#include "core/file.h"

#include <dirent.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    size_t runs = 0;

    for (int i = 1; i < argc; i++) {
        struct ks_buf b = KS_BUF_INIT(0);
        struct ks_diag d = KS_DIAG_INIT;
        char *names[20000];
        size_t n = 0;
        struct dirent *de;
        DIR *dir = opendir(argv[i]);

        if (!dir) {
            fprintf(stderr, "replay: cannot open corpus '%s'\n", argv[i]);
            return 1;
        }
        for (de = readdir(dir); de && n < KS_ARRAY_LEN(names); de = readdir(dir))
            if (de->d_name[0] != '.')
                names[n++] = strdup(de->d_name);
        closedir(dir);
        qsort(names, n, sizeof(*names), cmp);
        for (size_t k = 0; k < n; k++) {
            char path[4096];

            snprintf(path, sizeof(path), "%s/%s", argv[i], names[k]);
            ks_buf_reset(&b);
            if (ks_file_read(path, 64u << 20, &b, &d)) {
                fprintf(stderr, "replay: %s\n", d.msg);
                return 1;
            }
            LLVMFuzzerTestOneInput((const uint8_t *)b.ptr, b.len);
            runs++;
            free(names[k]);
        }
        ks_buf_release(&b);
    }
    printf("replayed %zu inputs\n", runs);
    return runs ? 0 : 1;
}
