#include "core/ks_common.h"

#include "core/dl.h"

#include "core/log.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>

static pthread_mutex_t dl_lock = PTHREAD_MUTEX_INITIALIZER;

static void dl_try(struct ks_dl *dl)
{
    void *h = dlopen(dl->soname, RTLD_NOW | RTLD_LOCAL);

    if (!h) {
        const char *e = dlerror();
        snprintf(dl->error, sizeof(dl->error), "%s", e ? e : "dlopen failed");
        __atomic_store_n(&dl->state, -1, __ATOMIC_RELEASE);
        return;
    }
    for (const struct ks_dl_sym *s = dl->syms; s->name; s++) {
        void *p;

        dlerror();
        p = dlsym(h, s->name);
        if (!p) {
            snprintf(dl->error, sizeof(dl->error), "no symbol '%s'", s->name);
            __atomic_store_n(&dl->state, -1, __ATOMIC_RELEASE);
            return; /* the handle stays open: dlclose of a half-used library helps nobody */
        }
        /* POSIX guarantees object and function pointers have one
         * representation; memcpy keeps ISO C quiet about the conversion. */
        memcpy((char *)dl->table + s->offset, &p, sizeof(p));
    }
    __atomic_store_n(&dl->state, 1, __ATOMIC_RELEASE);
}

ks_err ks_dl_load(struct ks_dl *dl, struct ks_diag *diag)
{
    int state = __atomic_load_n(&dl->state, __ATOMIC_ACQUIRE);

    if (state == 0) {
        pthread_mutex_lock(&dl_lock);
        if (dl->state == 0) {
            dl_try(dl);
            /* Once per library and process: callers that turn a failed file
             * into a coverage note (the collectors) would otherwise leave a
             * broken installation visible only in the SBOM's notes. */
            if (dl->state < 0)
                ks_log_warn("cannot load '%s' (needed to %s): %s", dl->soname, dl->purpose,
                            dl->error);
        }
        state = dl->state;
        pthread_mutex_unlock(&dl_lock);
    }
    if (state > 0)
        return KS_OK;
    return ks_diag_set(diag, KS_EUNSUPPORTED, "cannot load '%s' (needed to %s): %s", dl->soname,
                       dl->purpose, dl->error);
}

bool ks_dl_loaded(const struct ks_dl *dl)
{
    return __atomic_load_n(&dl->state, __ATOMIC_ACQUIRE) > 0;
}

/* ---- libm ---- */

#define KS_LIBM_FNS(X) X(pow) X(log2)

KS_DL_LIBRARY(lib_m, KS_LIBM_FNS, "libm.so.6",
              "compute scores");

ks_err ks_libm_load(struct ks_diag *diag)
{
    return ks_dl_load(&lib_m_dl, diag);
}

static void libm_need(void)
{
    struct ks_diag d = KS_DIAG_INIT;

    if (ks_libm_load(&d))
        KS_BUG("%s", d.msg);
}

double ks_pow(double x, double y)
{
    libm_need();
    return lib_m.pow(x, y);
}

double ks_log2(double x)
{
    libm_need();
    return lib_m.log2(x);
}
