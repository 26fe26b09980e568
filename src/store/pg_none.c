/* store/pg_none.c - the PostgreSQL backend when kensa is built without it
 * (meson -Dpostgres=disabled): a clear error instead of a missing symbol. */
#include "core/ks_common.h"

#include "store/driver.h"

ks_err ks_store_pg_open(const char *conninfo, const struct ks_driver **drv, void **conn,
                        struct ks_diag *diag)
{
    KS_UNUSED(conninfo);
    KS_UNUSED(drv);
    KS_UNUSED(conn);
    return ks_diag_set(diag, KS_EUNSUPPORTED,
                       "this kensa was built without PostgreSQL support (-Dpostgres)");
}
