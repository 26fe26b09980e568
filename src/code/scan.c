/* code/scan.c - languages, results, and scanning a directory tree with
 * worker threads (each with its own result, merged at the end). */
#include "core/ks_common.h"

#include "code/code.h"

#include "core/buf.h"
#include "core/file.h"
#include "core/str.h"
#include "ingest/archive.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const lang_names[KS_LANG_COUNT] = {"auto", "python", "javascript",
                                                      "typescript", "java"};

const char *ks_code_lang_name(enum ks_code_lang lang)
{
    return lang < KS_LANG_COUNT ? lang_names[lang] : "unknown";
}

bool ks_code_lang_parse(const char *s, enum ks_code_lang *out)
{
    for (int i = 0; i < KS_LANG_COUNT; i++)
        if (!strcmp(s, lang_names[i]))
            return *out = (enum ks_code_lang)i, true;
    return false;
}

enum ks_code_lang ks_code_lang_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');

    if (!dot || (slash && dot < slash))
        return KS_LANG_AUTO;
    if (!strcmp(dot, ".py"))
        return KS_LANG_PYTHON;
    if (!strcmp(dot, ".js") || !strcmp(dot, ".mjs") || !strcmp(dot, ".cjs") || !strcmp(dot, ".jsx"))
        return KS_LANG_JAVASCRIPT;
    if (!strcmp(dot, ".ts") || !strcmp(dot, ".mts") || !strcmp(dot, ".cts"))
        return ks_ends_with(path, ".d.ts") ? KS_LANG_AUTO : KS_LANG_TYPESCRIPT;
    if (!strcmp(dot, ".java"))
        return KS_LANG_JAVA;
    return KS_LANG_AUTO;
}

const char *ks_code_severity_name(enum ks_code_severity s)
{
    static const char *const n[] = {"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
    return s <= KS_CSEV_CRITICAL ? n[s] : "UNTRIAGED";
}

void ks_code_result_init(struct ks_code_result *r)
{
    memset(r, 0, sizeof(*r));
    ks_arena_init(&r->arena, KS_ARENA_DEFAULT_BLOCK, 0);
}

void ks_code_result_release(struct ks_code_result *r)
{
    KS_VEC_RELEASE(&r->findings);
    KS_VEC_RELEASE(&r->notes);
    ks_arena_release(&r->arena);
}

static int finding_cmp(const void *a, const void *b)
{
    const struct ks_code_finding *x = a, *y = b;
    int d = strcmp(x->file, y->file);

    if (d)
        return d;
    if (x->start_line != y->start_line)
        return x->start_line < y->start_line ? -1 : 1;
    if (x->start_col != y->start_col)
        return x->start_col < y->start_col ? -1 : 1;
    return strcmp(x->det->id, y->det->id);
}

static int note_cmp(const void *a, const void *b)
{
    const struct ks_code_note *x = a, *y = b;
    int d = strcmp(x->file, y->file);
    return d ? d : strcmp(x->msg, y->msg);
}

void ks_code_result_sort(struct ks_code_result *r)
{
    if (r->findings.len)
        qsort(r->findings.items, r->findings.len, sizeof(*r->findings.items), finding_cmp);
    if (r->notes.len)
        qsort(r->notes.items, r->notes.len, sizeof(*r->notes.items), note_cmp);
}

/* ---- directory scan ------------------------------------------------------- */

struct job {
    KS_VEC(char *) files; /* relative paths */
    const char *root;
    enum ks_code_lang lang;
    const struct ks_limits *lim;
    pthread_mutex_t mu;
    size_t next;
};

struct worker {
    struct job *job;
    struct ks_code_result res;
    ks_err err;
    struct ks_diag diag;
    pthread_t th;
};

static ks_err list_files(struct job *j, const char *rel, unsigned depth, struct ks_diag *diag)
{
    char path[4096];
    DIR *d;
    struct dirent *e;
    ks_err err = KS_OK;

    if (depth > 64)
        return KS_OK;
    snprintf(path, sizeof(path), "%s%s%s", j->root, *rel ? "/" : "", rel);
    d = opendir(path);
    if (!d)
        return depth ? KS_OK : ks_diag_errno(diag, KS_EIO, "cannot open '%s'", j->root);
    while ((e = readdir(d)) && !err) {
        char sub[4096];
        struct stat st;
        if (e->d_name[0] == '.' && (!e->d_name[1] || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".git")))
            continue;
        if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name) >=
            KS_MIN(sizeof(sub), (size_t)j->lim->max_path_len))
            continue;
        snprintf(path, sizeof(path), "%s/%s", j->root, sub);
        if (lstat(path, &st))
            continue;
        if (S_ISDIR(st.st_mode)) {
            err = list_files(j, sub, depth + 1, diag);
        } else if (S_ISREG(st.st_mode)) {
            enum ks_code_lang l = ks_code_lang_of(sub);
            if (l == KS_LANG_AUTO || (j->lang != KS_LANG_AUTO && l != j->lang))
                continue;
            if (j->files.len >= j->lim->max_entries) {
                err = ks_diag_set(diag, KS_ELIMIT, "'%s': more than %llu files", j->root,
                                  (unsigned long long)j->lim->max_entries);
                break;
            }
            char *s = strdup(sub);
            if (!s || KS_VEC_PUSH(&j->files, s)) {
                free(s);
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            }
        }
    }
    closedir(d);
    return err;
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct job *j = w->job;
    struct ks_buf buf = KS_BUF_INIT(0);

    for (;;) {
        size_t i;
        char path[8192];
        struct ks_diag d = KS_DIAG_INIT;

        pthread_mutex_lock(&j->mu);
        i = j->next++;
        pthread_mutex_unlock(&j->mu);
        if (i >= j->files.len)
            break;
        snprintf(path, sizeof(path), "%s/%s", j->root, j->files.items[i]);
        ks_buf_reset(&buf);
        if (ks_file_read(path, (size_t)j->lim->max_file_size, &buf, &d)) {
            struct ks_code_note n = {ks_arena_strdup(&w->res.arena, j->files.items[i]),
                                     ks_arena_strdup(&w->res.arena, d.msg)};
            if (n.file && n.msg)
                (void)KS_VEC_PUSH(&w->res.notes, n);
            continue;
        }
        w->err = ks_code_scan_text(&w->res, j->lang, j->files.items[i], buf.ptr ? buf.ptr : "",
                                   buf.len, j->lim, &w->diag);
        if (w->err)
            break;
    }
    ks_buf_release(&buf);
    return NULL;
}

static ks_err merge_into(struct ks_code_result *dst, struct ks_code_result *src)
{
    /* strings stay in the source arena: move its blocks over */
    for (size_t i = 0; i < src->findings.len; i++)
        if (KS_VEC_PUSH(&dst->findings, src->findings.items[i]))
            return KS_ENOMEM;
    for (size_t i = 0; i < src->notes.len; i++)
        if (KS_VEC_PUSH(&dst->notes, src->notes.items[i]))
            return KS_ENOMEM;
    dst->files += src->files;
    dst->lines += src->lines;
    dst->bytes += src->bytes;
    return KS_OK;
}

ks_err ks_code_scan_dir(struct ks_code_result *res, const char *dir, enum ks_code_lang lang,
                        unsigned threads, const struct ks_limits *lim, struct ks_diag *diag)
{
    struct job j = {.root = dir, .lang = lang, .lim = lim ? lim : &ks_limits_default};
    struct worker *ws = NULL;
    ks_err err;
    unsigned n = threads;

    pthread_mutex_init(&j.mu, NULL);
    err = list_files(&j, "", 0, diag);
    if (err)
        goto done;
    if (!n) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        n = c > 0 ? (unsigned)c : 1;
    }
    if (n > 64)
        n = 64;
    if (n > j.files.len)
        n = j.files.len ? (unsigned)j.files.len : 1;
    ws = calloc(n, sizeof(*ws));
    if (!ws) {
        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (unsigned i = 0; i < n; i++) {
        ws[i].job = &j;
        ks_code_result_init(&ws[i].res);
    }
    if (n == 1)
        work(&ws[0]);
    else {
        for (unsigned i = 0; i < n; i++)
            if (pthread_create(&ws[i].th, NULL, work, &ws[i]))
                KS_BUG("cannot start a scan thread");
        for (unsigned i = 0; i < n; i++)
            pthread_join(ws[i].th, NULL);
    }
    for (unsigned i = 0; i < n && !err; i++) {
        if (ws[i].err) {
            err = ws[i].err;
            if (diag)
                *diag = ws[i].diag;
        } else
            err = merge_into(res, &ws[i].res);
    }
    ks_code_result_sort(res);

done:
    if (ws) {
        /* the workers' arenas hold the strings the merged findings point to:
         * chain them behind the result's arena instead of freeing them */
        for (unsigned i = 0; i < n; i++) {
            KS_VEC_RELEASE(&ws[i].res.findings);
            KS_VEC_RELEASE(&ws[i].res.notes);
            if (err)
                ks_arena_release(&ws[i].res.arena);
            else
                ks_arena_adopt(&res->arena, &ws[i].res.arena);
        }
        free(ws);
    }
    for (size_t i = 0; i < j.files.len; i++)
        free(j.files.items[i]);
    KS_VEC_RELEASE(&j.files);
    pthread_mutex_destroy(&j.mu);
    return err;
}

/* ---- archives ---------------------------------------------------------- */

static void add_note(struct ks_code_result *res, const char *file, const char *msg)
{
    struct ks_code_note n = {ks_arena_strdup(&res->arena, file), ks_arena_strdup(&res->arena, msg)};
    if (n.file && n.msg)
        (void)KS_VEC_PUSH(&res->notes, n);
}

ks_err ks_code_scan_archive(struct ks_code_result *res, const char *path, enum ks_code_lang lang,
                            const struct ks_limits *lim, struct ks_diag *diag)
{
    struct ks_archive *ar = NULL;
    const struct ks_archive_entry *e;
    struct ks_buf buf = KS_BUF_INIT(0);
    ks_err err;

    if (!lim)
        lim = &ks_limits_default;
    err = ks_archive_open_file(&ar, path, KS_ARCHIVE_ANY, lim, NULL, diag);
    if (err)
        return err;
    for (;;) {
        struct ks_diag d = KS_DIAG_INIT;
        err = ks_archive_next(ar, &e, &d);
        if (err == KS_ENOTFOUND) {
            err = KS_OK;
            break;
        }
        if ((err == KS_EPARSE || err == KS_ELIMIT) && !ks_archive_failed(ar)) {
            add_note(res, path, d.msg); /* one hostile member: skip it */
            continue;
        }
        if (err) {
            if (diag)
                *diag = d;
            break;
        }
        enum ks_code_lang l = ks_code_lang_of(e->name);
        if (e->type != KS_ARCHIVE_FILE || l == KS_LANG_AUTO || (lang != KS_LANG_AUTO && l != lang))
            continue;
        ks_buf_reset(&buf);
        err = ks_archive_read_all(ar, (size_t)lim->max_file_size, &buf, &d);
        if (err == KS_ELIMIT) {
            add_note(res, e->name, "skipped: larger than max_file_size");
            err = KS_OK;
            continue;
        }
        if (err) {
            if (diag)
                *diag = d;
            break;
        }
        err = ks_code_scan_text(res, lang, e->name, buf.ptr ? buf.ptr : "", buf.len, lim, diag);
        if (err)
            break;
    }
    ks_buf_release(&buf);
    ks_archive_close(ar);
    ks_code_result_sort(res);
    return err;
}
