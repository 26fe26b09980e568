/* tests/unit/ks_test.h - what every cmocka unit test includes. */
#ifndef KS_TESTS_KS_TEST_H
#define KS_TESTS_KS_TEST_H

#include "core/ks_common.h"

#include <setjmp.h>
/* cmocka.h needs these included first. */
#include <cmocka.h>

/* The source tree (tests run with it as working directory too). */
static inline const char *ks_test_srcdir(void)
{
    const char *d = getenv("KS_SRCDIR");
    return d ? d : ".";
}

#endif
