#include "core/ks_common.h"

#include "ingest/walk.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/vec.h"
#include "ingest/archive.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_DIR_DEPTH 256

struct walk {
    const struct ks_limits *lim;
    const struct ks_walk_visitor *v;
    struct ks_archive_budget budget;
};

static void skipped(struct walk *w, const char *path, const char *why)
{
    if (w->v->skipped)
        w->v->skipped(w->v->ctx, path, why);
}

static ks_err visit_bytes(struct walk *w, const struct ks_walk_file *f, const char *data,
                          size_t len, uint32_t depth, struct ks_diag *diag);

/* Walks the members of the archive held in `data` (a file at `prefix`). */
static ks_err walk_nested(struct walk *w, const struct ks_walk_file *outer, const char *data,
                          size_t len, uint32_t depth, struct ks_diag *diag)
{
    struct ks_archive *ar = NULL;
    const struct ks_archive_entry *e;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf path = KS_BUF_INIT(0), bytes = KS_BUF_INIT(0);
    ks_err err = KS_OK, e2;

    if (depth > w->lim->max_archive_depth) {
        skipped(w, outer->path, "archives nested deeper than max_archive_depth");
        return KS_OK;
    }
    if (ks_archive_open_memory(&ar, data, len, outer->path, KS_ARCHIVE_ANY, w->lim, &w->budget,
                               &d)) {
        skipped(w, outer->path, d.msg);
        return KS_OK;
    }
    for (;;) {
        struct ks_walk_file f;
        bool want, nest;

        e2 = ks_archive_next(ar, &e, &d);
        if (e2 == KS_ENOTFOUND)
            break;
        if ((e2 == KS_EPARSE || e2 == KS_ELIMIT) && !ks_archive_failed(ar)) {
            skipped(w, outer->path, d.msg);
            continue;
        }
        if (e2) {
            skipped(w, outer->path, d.msg);
            break;
        }
        if (e->type != KS_ARCHIVE_FILE)
            continue;
        ks_buf_reset(&path);
        if (ks_buf_addf(&path, "%s!/%s", outer->path, e->name)) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        want = w->v->wants && w->v->wants(w->v->ctx, path.ptr, e->mode);
        nest = w->v->nested && w->v->nested(w->v->ctx, path.ptr);
        if (!want && !nest)
            continue;
        ks_buf_reset(&bytes);
        if (ks_archive_read_all(ar, (size_t)w->lim->max_file_size, &bytes, &d)) {
            skipped(w, path.ptr, d.msg);
            continue;
        }
        memset(&f, 0, sizeof(f));
        f.path = path.ptr;
        f.mode = e->mode;
        f.size = bytes.len;
        f.layer = outer->layer;
        err = visit_bytes(w, &f, bytes.ptr ? bytes.ptr : "", bytes.len, depth, diag);
        if (err)
            goto done;
    }
done:
    ks_archive_close(ar);
    ks_buf_release(&path);
    ks_buf_release(&bytes);
    return err;
}

static ks_err visit_bytes(struct walk *w, const struct ks_walk_file *f, const char *data,
                          size_t len, uint32_t depth, struct ks_diag *diag)
{
    ks_err err;

    if (w->v->wants && w->v->wants(w->v->ctx, f->path, f->mode)) {
        err = w->v->file(w->v->ctx, f, data, len, diag);
        if (err)
            return err;
    }
    if (w->v->nested && w->v->nested(w->v->ctx, f->path))
        return walk_nested(w, f, data, len, depth + 1, diag);
    return KS_OK;
}

ks_err ks_walk_memory(const struct ks_walk_file *f, const char *data, size_t len,
                      const struct ks_limits *lim, const struct ks_walk_visitor *v,
                      struct ks_diag *diag)
{
    struct walk w;

    memset(&w, 0, sizeof(w));
    w.lim = lim;
    w.v = v;
    return visit_bytes(&w, f, data, len, 0, diag);
}

/* ---- root filesystems ----
 *
 * Listing directories and stat'ing their files is most of a walk's cost and
 * is spread over worker threads; reading and visiting the wanted files stays
 * in the calling thread, in walk order, so the visitor sees exactly what a
 * one-thread walk would show it, in the same order.
 *
 * A task is one directory. Its worker walks the subtree depth-first itself
 * and records, in name order, the files the visitor wants (path, mode, size,
 * often an open descriptor), the notes for what it had to skip and, where it
 * handed a subdirectory to the queue instead (only while the queue is
 * shorter than the number of workers, so idle workers always find work), a
 * link to that subdirectory's task. The calling thread visits the records in
 * walk order as soon as they are published, following the links.
 *
 * Entries are first looked at in getdents order (count, type, stat of
 * regular files, `wants`); only those kept (directories, wanted files,
 * notes) are sorted. Queued directories, and wanted files the worker did not
 * open (too many already wait), are opened by path with openat2
 * (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) below the root; everything else
 * with O_NOFOLLOW in a directory the worker holds. No symlink is ever
 * followed. */

#define MAX_WORKERS 4
#define CANCELLED KS_EINTERNAL /* a task given up because the walk was aborted */
#define READ_MAX (1u << 20) /* wanted files up to this size are read, bigger ones mapped */
#define WAKE_BATCH 64       /* items that wake the calling thread (see publish) */
#define MAX_HELD 256        /* wanted files opened ahead of the calling thread (at most) */
#define FILE_FLAGS (O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

enum item_kind { ITEM_FILE, ITEM_SKIP, ITEM_TASK };

struct task;

struct item {
    enum item_kind kind;
    bool parts;       /* ITEM_FILE: the visitor needs only parts (f->blob) */
    int fd;           /* ITEM_FILE: opened by the worker, or -1: open `path` */
    unsigned mode;    /* ITEM_FILE */
    uint64_t size;    /* ITEM_FILE */
    const char *path; /* ITEM_FILE, ITEM_SKIP (in the task's arena) */
    const char *why;  /* ITEM_SKIP (in the task's arena) */
    struct task *sub; /* ITEM_TASK */
};

/* Items live in blocks that never move, so the calling thread can visit
 * the first ones while the worker is still appending. */
#define BLOCK_ITEMS 64

struct block {
    struct block *next;
    struct item items[BLOCK_ITEMS];
};

struct fswalk;

struct task {
    struct fswalk *fs;
    struct task *next; /* queue link */
    char *path;        /* "" for the root, else "/a/b" */
    int fd;            /* the root's descriptor; -1: open `path` */
    unsigned depth;
    struct block *first, *last; /* written by the worker only */
    size_t nitems;              /* items in the blocks (worker) */
    atomic_size_t published;    /* items the calling thread may visit */
    atomic_bool done;           /* the worker finished (err is set) */
    ks_err err;                 /* KS_ENOMEM / KS_ELIMIT: the walk was aborted */
    struct ks_arena arena;
};

struct fswalk {
    struct walk *w; /* limits, visitor, archive budget (calling thread) */
    int rootfd;
    bool xdev;
    dev_t dev;
    unsigned nworkers;
    pthread_mutex_t mu;
    pthread_cond_t work; /* a task was queued, or stop */
    pthread_cond_t done; /* items were published or a task finished, and the caller waits */
    atomic_bool waiting; /* the calling thread waits (or is about to) on `done`, */
    struct task *_Atomic wait_task; /* for this task's items */
    atomic_size_t wait_index;       /* beyond this one */
    struct task *head, *tail;
    atomic_size_t queued;
    bool stop;               /* under mu */
    atomic_bool abort;       /* stop listing: an error or the visitor failed */
    ks_err abort_err;        /* under mu: the first reason */
    atomic_uint_least64_t entries;
    atomic_uint held; /* descriptors of wanted files opened by workers, not yet visited */
    struct ks_buf read; /* calling thread: the bytes of small wanted files */
    struct ks_blob_cache cache; /* calling thread: for files visited in parts */
    unsigned max_held;  /* MAX_HELD, or less under a low RLIMIT_NOFILE */
};

enum dent_kind { DENT_DIR, DENT_FILE, DENT_LONG };

/* A directory entry kept for recording. */
struct dent {
    size_t name; /* offset in worker.names */
    unsigned char type;
    enum dent_kind kind;
    bool parts;
    unsigned mode;
    uint64_t size;
};

struct worker {
    struct fswalk *fs;
    pthread_t th;
    /* getdents64 buffer (entries are copied out before descending); aligned
     * for struct dirent64. */
    _Alignas(struct dirent64) char dents[32768];
    struct ks_buf names; /* names of the directories being walked, a stack */
    KS_VEC(struct dent) ents; /* their entries, a stack */
    struct ks_buf path;
};

static int open_below(int rootfd, const char *path, int flags)
{
    struct open_how how;

    memset(&how, 0, sizeof(how));
    how.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    while (*path == '/')
        path++;
    return (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof(how));
}

static void fs_abort(struct fswalk *fs, ks_err err)
{
    pthread_mutex_lock(&fs->mu);
    if (!fs->abort_err)
        fs->abort_err = err;
    atomic_store(&fs->abort, true);
    pthread_mutex_unlock(&fs->mu);
}

/* Lets the calling thread visit the items recorded so far (at the end of
 * each directory and every 16 items). It is woken only once WAKE_BATCH
 * items wait for it, or when the task is finished: waking a sleeping thread
 * costs more than visiting a few files (tens of microseconds in a VM). */
static void publish(struct task *t)
{
    struct fswalk *fs = t->fs;

    if (t->nitems == atomic_load_explicit(&t->published, memory_order_relaxed))
        return;
    atomic_store(&t->published, t->nitems);
    if (atomic_load(&fs->waiting) && atomic_load(&fs->wait_task) == t &&
        t->nitems - atomic_load(&fs->wait_index) >= WAKE_BATCH) {
        pthread_mutex_lock(&fs->mu);
        pthread_cond_broadcast(&fs->done);
        pthread_mutex_unlock(&fs->mu);
    }
}

static ks_err add_item(struct task *t, const struct item *it)
{
    size_t i = t->nitems % BLOCK_ITEMS;

    if (i == 0) {
        struct block *b = malloc(sizeof(*b));
        if (!b)
            return KS_ENOMEM;
        b->next = NULL;
        if (t->last)
            t->last->next = b;
        else
            t->first = b;
        t->last = b;
    }
    t->last->items[i] = *it;
    t->nitems++;
    if (t->nitems - atomic_load_explicit(&t->published, memory_order_relaxed) >= 16)
        publish(t);
    return KS_OK;
}

static ks_err add_skip(struct task *t, const char *path, const char *why)
{
    struct item it = {ITEM_SKIP, false, -1, 0, 0, ks_arena_strdup(&t->arena, path),
                      ks_arena_strdup(&t->arena, why), NULL};

    if (!it.path || !it.why)
        return KS_ENOMEM;
    return add_item(t, &it);
}

static int cmp_dent(const void *a, const void *b, void *names)
{
    return strcmp((const char *)names + ((const struct dent *)a)->name,
                  (const char *)names + ((const struct dent *)b)->name);
}

static ks_err list_dir(struct worker *wk, struct task *t, int dirfd, unsigned depth);

/* Queues the subdirectory at wk->path when another worker could take it. */
static ks_err maybe_queue(struct worker *wk, struct task *t, unsigned depth, bool *queued)
{
    struct fswalk *fs = wk->fs;
    struct task *sub;
    struct item it;

    *queued = false;
    if (atomic_load_explicit(&fs->queued, memory_order_relaxed) >= fs->nworkers)
        return KS_OK;
    sub = calloc(1, sizeof(*sub));
    if (!sub || !(sub->path = strdup(wk->path.ptr))) {
        free(sub);
        return KS_ENOMEM;
    }
    sub->fs = fs;
    sub->fd = -1;
    sub->depth = depth;
    ks_arena_init(&sub->arena, 4096, 0);
    memset(&it, 0, sizeof(it));
    it.kind = ITEM_TASK;
    it.fd = -1;
    it.sub = sub;
    if (add_item(t, &it)) {
        free(sub->path);
        free(sub);
        return KS_ENOMEM;
    }
    pthread_mutex_lock(&fs->mu);
    if (fs->tail)
        fs->tail->next = sub;
    else
        fs->head = sub;
    fs->tail = sub;
    atomic_fetch_add(&fs->queued, 1);
    pthread_cond_signal(&fs->work);
    pthread_mutex_unlock(&fs->mu);
    *queued = true;
    return KS_OK;
}

/* First look at one entry of a directory (its path is in wk->path), in
 * the order getdents gives them: counts it, learns what it is and, for a
 * regular file, whether the visitor wants it. Sets *keep when it must be
 * recorded (a directory, a wanted file, a note): only those are sorted. */
static ks_err look(struct worker *wk, int dirfd, const char *name, struct dent *e, bool *keep)
{
    struct fswalk *fs = wk->fs;
    const struct ks_limits *lim = fs->w->lim;
    const struct ks_walk_visitor *v = fs->w->v;
    const char *path = wk->path.ptr;
    struct stat st;
    bool want, nest;

    *keep = false;
    if (wk->path.len > lim->max_path_len) {
        e->kind = DENT_LONG;
        *keep = true;
        return KS_OK;
    }
    if (atomic_fetch_add(&fs->entries, 1) + 1 > lim->max_entries)
        return KS_ELIMIT;
    if (e->type == DT_UNKNOWN) {
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return KS_OK;
        e->type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
    }
    if (e->type == DT_DIR) {
        e->kind = DENT_DIR;
        *keep = true;
        return KS_OK;
    }
    /* Symlinks, devices, fifos, sockets: never followed nor read. */
    if (e->type != DT_REG)
        return KS_OK;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
        return KS_OK;
    want = v->wants && v->wants(v->ctx, path, st.st_mode);
    nest = v->nested && v->nested(v->ctx, path);
    if (!want && !nest)
        return KS_OK;
    e->kind = DENT_FILE;
    e->parts = !nest && v->parts && v->parts(v->ctx, path, st.st_mode);
    e->mode = st.st_mode;
    e->size = (uint64_t)st.st_size;
    *keep = true;
    return KS_OK;
}

/* Records a kept entry (its path is in wk->path), in name order. */
static ks_err record(struct worker *wk, struct task *t, int dirfd, const char *name,
                     const struct dent *e, unsigned depth)
{
    struct fswalk *fs = wk->fs;
    const char *path = wk->path.ptr;
    struct stat st;
    struct item it;
    bool queued;
    ks_err err;
    int sub;

    switch (e->kind) {
    case DENT_LONG:
        return add_skip(t, path, "path longer than max_path_len");
    case DENT_FILE:
        if (e->size > fs->w->lim->max_file_size)
            return add_skip(t, path, "larger than max_file_size");
        memset(&it, 0, sizeof(it));
        it.kind = ITEM_FILE;
        it.parts = e->parts;
        it.mode = e->mode;
        it.size = e->size;
        it.path = ks_arena_strndup(&t->arena, path, wk->path.len);
        if (!it.path)
            return KS_ENOMEM;
        /* Open it here, where it is one lookup in a directory already open,
         * while not too many descriptors wait for the calling thread. */
        it.fd = -1;
        if (atomic_fetch_add(&fs->held, 1) < fs->max_held)
            it.fd = openat(dirfd, name, FILE_FLAGS);
        if (it.fd < 0)
            atomic_fetch_sub(&fs->held, 1);
        if ((err = add_item(t, &it)) && it.fd >= 0) {
            close(it.fd);
            atomic_fetch_sub(&fs->held, 1);
        }
        return err;
    case DENT_DIR:
        break;
    }
    if (depth + 1 > MAX_DIR_DEPTH)
        return add_skip(t, path, "directories nested too deep");
    if ((err = maybe_queue(wk, t, depth + 1, &queued)) || queued)
        return err;
    sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0)
        return add_skip(t, path, strerror(errno));
    if (fs->xdev && (fstat(sub, &st) < 0 || st.st_dev != fs->dev)) {
        close(sub);
        return KS_OK;
    }
    err = list_dir(wk, t, sub, depth + 1);
    close(sub);
    return err;
}

/* Sets wk->path to the directory's path (length `base`) + "/" + name. */
static ks_err set_path(struct worker *wk, size_t base, const char *name)
{
    ks_buf_truncate(&wk->path, base);
    return ks_buf_addc(&wk->path, '/') || ks_buf_adds(&wk->path, name) ? KS_ENOMEM : KS_OK;
}

/* Lists the directory `dirfd` (at wk->path) and, depth-first, its
 * subdirectories, recording into `t`. Entries are first looked at in
 * getdents order; only the few kept ones (directories, wanted files, notes)
 * are sorted into byte-wise name order and recorded. */
static ks_err list_dir(struct worker *wk, struct task *t, int dirfd, unsigned depth)
{
    struct fswalk *fs = wk->fs;
    size_t names0 = wk->names.len, ents0 = wk->ents.len, base = wk->path.len;
    ks_err err = KS_OK;

    /* getdents64 on the descriptor we already hold: no dup/fdopendir per
     * directory (they were a third of the syscalls of a walk). */
    for (;;) {
        ssize_t n = getdents64(dirfd, wk->dents, sizeof(wk->dents));
        if (n < 0) {
            err = add_skip(t, wk->path.len ? wk->path.ptr : "/", strerror(errno));
            break;
        }
        if (n == 0)
            break;
        if (atomic_load_explicit(&fs->abort, memory_order_relaxed)) {
            err = CANCELLED;
            goto done;
        }
        for (ssize_t off = 0; off < n;) {
            struct dirent64 *de = (struct dirent64 *)(void *)(wk->dents + off);
            struct dent e;
            bool keep;
            off += de->d_reclen;
            if (de->d_name[0] == '.' &&
                (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
                continue;
            memset(&e, 0, sizeof(e));
            e.name = wk->names.len;
            e.type = de->d_type;
            if ((err = set_path(wk, base, de->d_name)) ||
                (err = look(wk, dirfd, de->d_name, &e, &keep)))
                goto done;
            if (keep && (ks_buf_add(&wk->names, de->d_name, strlen(de->d_name) + 1) ||
                         KS_VEC_PUSH(&wk->ents, e))) {
                err = KS_ENOMEM;
                goto done;
            }
        }
    }
    if (err)
        goto done;
    if (wk->ents.len - ents0 > 1)
        qsort_r(wk->ents.items + ents0, wk->ents.len - ents0, sizeof(*wk->ents.items), cmp_dent,
                wk->names.ptr);
    for (size_t i = ents0; i < wk->ents.len; i++) {
        /* wk->names and wk->ents move while subdirectories are listed:
         * index them anew. */
        const char *name = wk->names.ptr + wk->ents.items[i].name;
        struct dent e = wk->ents.items[i];
        if (atomic_load_explicit(&fs->abort, memory_order_relaxed)) {
            err = CANCELLED;
            break;
        }
        if ((err = set_path(wk, base, name)) || (err = record(wk, t, dirfd, name, &e, depth)))
            break;
    }
done:
    ks_buf_truncate(&wk->path, base);
    ks_buf_truncate(&wk->names, names0);
    wk->ents.len = ents0;
    publish(t);
    return err;
}

static void run_task(struct worker *wk, struct task *t)
{
    struct fswalk *fs = wk->fs;
    struct stat st;
    ks_err err = KS_OK;
    int fd = t->fd;

    ks_buf_reset(&wk->path);
    if (atomic_load(&fs->abort))
        err = CANCELLED;
    else if (ks_buf_adds(&wk->path, t->path))
        err = KS_ENOMEM;
    else if (fd < 0 && (fd = open_below(fs->rootfd, t->path, O_RDONLY | O_DIRECTORY)) < 0)
        err = add_skip(t, t->path, strerror(errno));
    else if (!fs->xdev || (fstat(fd, &st) == 0 && st.st_dev == fs->dev))
        err = list_dir(wk, t, fd, t->depth);
    if (fd >= 0 && fd != t->fd)
        close(fd);
    if (err && err != CANCELLED)
        fs_abort(fs, err);
    t->err = err;
    atomic_store(&t->published, t->nitems);
    pthread_mutex_lock(&fs->mu);
    atomic_store(&t->done, true);
    pthread_cond_broadcast(&fs->done);
    pthread_mutex_unlock(&fs->mu);
}

static void *worker_main(void *arg)
{
    struct worker *wk = arg;
    struct fswalk *fs = wk->fs;

    for (;;) {
        struct task *t;
        pthread_mutex_lock(&fs->mu);
        while (!fs->head && !fs->stop)
            pthread_cond_wait(&fs->work, &fs->mu);
        t = fs->head;
        if (!t) {
            pthread_mutex_unlock(&fs->mu);
            break;
        }
        fs->head = t->next;
        if (!fs->head)
            fs->tail = NULL;
        atomic_fetch_sub(&fs->queued, 1);
        pthread_mutex_unlock(&fs->mu);
        run_task(wk, t);
    }
    return NULL;
}

static void free_task(struct task *t)
{
    if (!t)
        return;
    for (struct block *b = t->first, *next; b; b = next) {
        size_t n = b == t->last ? t->nitems - (t->nitems - 1) / BLOCK_ITEMS * BLOCK_ITEMS
                                : BLOCK_ITEMS;
        for (size_t i = 0; i < n; i++) {
            if (b->items[i].kind == ITEM_TASK)
                free_task(b->items[i].sub);
            if (b->items[i].kind == ITEM_FILE && b->items[i].fd >= 0)
                close(b->items[i].fd); /* not visited: the walk failed */
        }
        next = b->next;
        free(b);
    }
    ks_arena_release(&t->arena);
    free(t->path);
    free(t);
}

/* Reads a wanted regular file and visits it (calling thread). */
static ks_err visit_file(struct fswalk *fs, struct item *it, struct ks_diag *diag)
{
    struct walk *w = fs->w;
    struct ks_walk_file f;
    struct ks_blob blob;
    struct ks_diag d = KS_DIAG_INIT;
    void *map = NULL;
    size_t len = 0;
    const char *data;
    ks_err err;
    int fd;

    fd = it->fd;
    if (fd >= 0) {
        it->fd = -1;
        atomic_fetch_sub(&fs->held, 1);
    } else {
        fd = open_below(fs->rootfd, it->path, FILE_FLAGS);
    }
    if (fd < 0) {
        skipped(w, it->path, strerror(errno));
        return KS_OK;
    }
    memset(&f, 0, sizeof(f));
    f.path = it->path;
    f.mode = it->mode;
    f.size = it->size;
    f.blob = &blob;
    if (it->parts) {
        ks_blob_fd(&blob, fd, it->size, &fs->cache);
        err = w->v->file(w->v->ctx, &f, NULL, (size_t)it->size, diag);
        close(fd);
        return err;
    }
    if (it->size <= READ_MAX) {
        ks_buf_reset(&fs->read);
        if (ks_fd_read(fd, it->path, (size_t)w->lim->max_file_size, &fs->read, &d)) {
            skipped(w, it->path, d.msg);
            close(fd);
            return KS_OK;
        }
        data = fs->read.ptr ? fs->read.ptr : "";
        len = fs->read.len;
    } else {
        map = mmap(NULL, (size_t)it->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            skipped(w, it->path, strerror(errno));
            close(fd);
            return KS_OK;
        }
        data = map;
        len = (size_t)it->size;
    }
    close(fd);
    f.size = len;
    ks_blob_memory(&blob, data, len);
    err = visit_bytes(w, &f, data, len, 0, diag);
    if (map)
        munmap(map, len);
    return err;
}

/* Visits the records of `t` and of the tasks it links to, in order, as
 * soon as their workers publish them. */
static ks_err visit_task(struct fswalk *fs, struct task *t, struct ks_diag *diag)
{
    struct block *b = NULL;
    ks_err err = KS_OK;

    for (size_t i = 0; !err;) {
        struct item *it;
        if (i == atomic_load(&t->published)) {
            bool done;
            pthread_mutex_lock(&fs->mu);
            atomic_store(&fs->wait_task, t);
            atomic_store(&fs->wait_index, i);
            atomic_store(&fs->waiting, true);
            while (!(done = atomic_load(&t->done)) &&
                   atomic_load(&t->published) - i < WAKE_BATCH)
                pthread_cond_wait(&fs->done, &fs->mu);
            atomic_store(&fs->waiting, false);
            pthread_mutex_unlock(&fs->mu);
            if (done && i == atomic_load(&t->published))
                break;
            continue;
        }
        b = i == 0 ? t->first : i % BLOCK_ITEMS == 0 ? b->next : b;
        it = &b->items[i % BLOCK_ITEMS];
        i++;
        switch (it->kind) {
        case ITEM_FILE:
            err = visit_file(fs, it, diag);
            break;
        case ITEM_SKIP:
            skipped(fs->w, it->path, it->why);
            break;
        case ITEM_TASK:
            err = visit_task(fs, it->sub, diag);
            free_task(it->sub);
            it->sub = NULL;
            break;
        }
    }
    if (!err && t->err) {
        pthread_mutex_lock(&fs->mu);
        err = fs->abort_err ? fs->abort_err : t->err;
        pthread_mutex_unlock(&fs->mu);
        if (err == KS_ELIMIT)
            return ks_diag_set(diag, KS_ELIMIT, "more than %" PRIu64 " files (max_entries)",
                               fs->w->lim->max_entries);
        return ks_diag_set(diag, err, "%s",
                           err == KS_ENOMEM ? "out of memory" : ks_err_str(err));
    }
    ks_progress_update(fs->w->v->progress, "files", atomic_load(&fs->entries), 0);
    return err;
}

/* One worker per CPU this process may run on (its affinity mask, which
 * containers and taskset narrow), at most MAX_WORKERS. */
static unsigned worker_count(void)
{
    cpu_set_t set;
    long n = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set)
                                                          : sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (unsigned)n;
}

ks_err ks_walk_rootfs(const char *root, bool xdev, const struct ks_limits *lim,
                      const struct ks_walk_visitor *v, struct ks_diag *diag)
{
    struct walk w;
    struct fswalk fs;
    struct worker *wks = NULL;
    struct task *top = NULL;
    struct stat st;
    struct rlimit rl;
    unsigned started = 0;
    ks_err err;

    memset(&w, 0, sizeof(w));
    w.lim = lim;
    w.v = v;
    memset(&fs, 0, sizeof(fs));
    fs.w = &w;
    fs.xdev = xdev;
    fs.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fs.rootfd < 0)
        return ks_diag_errno(diag, errno == ENOENT ? KS_ENOTFOUND : KS_EIO,
                             "cannot open root filesystem '%s'", root);
    if (fstat(fs.rootfd, &st) < 0) {
        err = ks_diag_errno(diag, KS_EIO, "cannot stat '%s'", root);
        close(fs.rootfd);
        return err;
    }
    fs.dev = st.st_dev;
    fs.nworkers = worker_count();
    fs.max_held = MAX_HELD;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur / 4 < MAX_HELD)
        fs.max_held = (unsigned)(rl.rlim_cur / 4);
    /* Grow the descriptor table now, while the process may still have one
     * thread: once threads share it, each growth (at 64, 128, 256 open
     * descriptors) waits for an RCU grace period, milliseconds in a VM. */
    {
        int hi = fcntl(fs.rootfd, F_DUPFD_CLOEXEC, (int)fs.max_held + 64);
        if (hi >= 0)
            close(hi);
    }
    pthread_mutex_init(&fs.mu, NULL);
    pthread_cond_init(&fs.work, NULL);
    pthread_cond_init(&fs.done, NULL);
    wks = calloc(fs.nworkers, sizeof(*wks));
    top = calloc(1, sizeof(*top));
    if (!wks || !top || !(top->path = strdup(""))) {
        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    top->fs = &fs;
    top->fd = fs.rootfd;
    ks_arena_init(&top->arena, 4096, 0);
    fs.head = fs.tail = top;
    fs.queued = 1;
    for (; started < fs.nworkers; started++) {
        wks[started].fs = &fs;
        if (pthread_create(&wks[started].th, NULL, worker_main, &wks[started]))
            break;
    }
    if (!started) {
        err = ks_diag_set(diag, KS_ENOMEM, "cannot start a walk thread");
        goto done;
    }
    err = visit_task(&fs, top, diag);
done:
    /* Stop the workers (after an error they may still be listing). */
    if (err)
        atomic_store(&fs.abort, true);
    pthread_mutex_lock(&fs.mu);
    fs.stop = true;
    pthread_cond_broadcast(&fs.work);
    pthread_mutex_unlock(&fs.mu);
    for (unsigned i = 0; i < started; i++) {
        pthread_join(wks[i].th, NULL);
        ks_buf_release(&wks[i].names);
        ks_buf_release(&wks[i].path);
        KS_VEC_RELEASE(&wks[i].ents);
    }
    free_task(top);
    free(wks);
    ks_buf_release(&fs.read);
    pthread_cond_destroy(&fs.done);
    pthread_cond_destroy(&fs.work);
    pthread_mutex_destroy(&fs.mu);
    close(fs.rootfd);
    if (!err)
        ks_progress_update(v->progress, "files", fs.entries, fs.entries);
    return err;
}

ks_err ks_walk_archive(const char *path, const struct ks_limits *lim,
                       const struct ks_walk_visitor *v, struct ks_diag *diag)
{
    struct walk w;
    struct ks_archive *ar = NULL;
    const struct ks_archive_entry *e;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf name = KS_BUF_INIT(0), bytes = KS_BUF_INIT(0);
    ks_err err;

    memset(&w, 0, sizeof(w));
    w.lim = lim;
    w.v = v;
    err = ks_archive_open_file(&ar, path, KS_ARCHIVE_ANY, lim, &w.budget, diag);
    if (err)
        return err;
    for (;;) {
        struct ks_walk_file f;
        bool want, nest;

        err = ks_archive_next(ar, &e, &d);
        if (err == KS_ENOTFOUND) {
            err = KS_OK;
            break;
        }
        if ((err == KS_EPARSE || err == KS_ELIMIT) && !ks_archive_failed(ar)) {
            skipped(&w, path, d.msg);
            continue;
        }
        if (err) {
            *diag = d;
            break;
        }
        if (e->type != KS_ARCHIVE_FILE)
            continue;
        ks_buf_reset(&name);
        if (ks_buf_addf(&name, "/%s", e->name)) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            break;
        }
        want = v->wants && v->wants(v->ctx, name.ptr, e->mode);
        nest = v->nested && v->nested(v->ctx, name.ptr);
        if (!want && !nest)
            continue;
        ks_buf_reset(&bytes);
        if (ks_archive_read_all(ar, (size_t)lim->max_file_size, &bytes, &d)) {
            if (d.code != KS_ELIMIT) {
                err = d.code ? d.code : KS_EPARSE;
                *diag = d;
                break;
            }
            skipped(&w, name.ptr, d.msg);
            continue;
        }
        memset(&f, 0, sizeof(f));
        f.path = name.ptr;
        f.mode = e->mode;
        f.size = bytes.len;
        err = visit_bytes(&w, &f, bytes.ptr ? bytes.ptr : "", bytes.len, 1, diag);
        if (err)
            break;
    }
    ks_archive_close(ar);
    ks_buf_release(&name);
    ks_buf_release(&bytes);
    return err;
}
