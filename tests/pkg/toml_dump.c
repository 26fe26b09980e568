/* tests/pkg/toml_dump.c - prints each TOML file named on the command line as
 * one JSON line (or {"error": …}), for the comparison with Python's tomllib
 * in tests/pkg/toml_diff.py. */
#include "core/ks_common.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/file.h"
#include "formats/json.h"
#include "formats/toml.h"

int main(int argc, char **argv)
{
    struct ks_limits lim;

    ks_limits_init(&lim);
    for (int i = 1; i < argc; i++) {
        struct ks_arena arena;
        struct ks_diag d = KS_DIAG_INIT;
        struct ks_buf in = KS_BUF_INIT(0), out = KS_BUF_INIT(0);
        struct ks_value *v;
        struct ks_jw w;

        ks_arena_init(&arena, 0, 0);
        ks_jw_init(&w, &out, 0);
        if (ks_file_read(argv[i], lim.max_file_size, &in, &d) ||
            ks_toml_parse(&arena, argv[i], in.ptr ? in.ptr : "", in.len, &lim, &v, &d)) {
            ks_jw_obj_begin(&w);
            ks_jw_kstr(&w, "error", d.msg);
            ks_jw_obj_end(&w);
        } else {
            ks_jw_value(&w, v);
        }
        if (ks_jw_finish(&w))
            return 1;
        puts(out.ptr);
        ks_buf_release(&in);
        ks_buf_release(&out);
        ks_arena_release(&arena);
    }
    return 0;
}
