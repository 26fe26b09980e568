/* store/filter.h - FilterCriteria compiled to SQL (internal to store/). */
#ifndef KS_STORE_FILTER_H
#define KS_STORE_FILTER_H

#include "core/buf.h"
#include "formats/value.h"
#include "store/driver.h"

#define KS_SQLFRAG_MAX_ARGS 512

/* A WHERE-clause fragment over `findings f` and its arguments. Text
 * arguments borrow from the criteria tree. */
struct ks_sqlfrag {
    struct ks_buf sql;
    struct ks_sqlv args[KS_SQLFRAG_MAX_ARGS];
    size_t nargs;
};

void ks_sqlfrag_init(struct ks_sqlfrag *f);
void ks_sqlfrag_release(struct ks_sqlfrag *f);

/* Appends a new argument and writes its "$N" into the SQL. */
ks_err ks_sqlfrag_arg(struct ks_sqlfrag *f, struct ks_sqlv v);

/* Appends "(condition)" for `criteria` (NULL or {} appends "1 = 1"). */
ks_err ks_filter_compile(const struct ks_value *criteria, struct ks_sqlfrag *f,
                         struct ks_diag *diag);

/* The SQL expression sorting by `field` (SortField names), and whether it is
 * numeric; NULL for an unknown field. */
const char *ks_sort_expr(const char *field, bool *numeric);

#endif
