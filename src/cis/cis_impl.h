/* cis/cis_impl.h - helpers shared by the files of the cis module only. */
#ifndef KS_CIS_CIS_IMPL_H
#define KS_CIS_CIS_IMPL_H

#include "core/ks_common.h"

/* Comparison operators of value checks. */
enum cis_op {
    CIS_OP_NONE = 0,
    CIS_OP_EQ,
    CIS_OP_NE,
    CIS_OP_LT,
    CIS_OP_LE,
    CIS_OP_GT,
    CIS_OP_GE,
    CIS_OP_IN,
    CIS_OP_NOT_IN,
    CIS_OP_MATCH,
    CIS_OP_NOT_MATCH,
    CIS_OP_SET,
    CIS_OP_UNSET,
    CIS_OP_EXCLUDES, /* a comma/space list containing none of the given items */
};

/* The operator named `s` ("eq", "le", ...), or CIS_OP_NONE. */
enum cis_op ks_cis_op_parse(const char *s);

/* Parses an octal mode such as "0640" (at most 07777). `out` may be NULL. */
bool ks_cis_parse_mode(const char *s, unsigned *out);

/* True if `name` is a test of the `accounts` primitive. */
bool ks_cis_accounts_test_known(const char *name);

#endif
