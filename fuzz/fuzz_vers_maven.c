/* fuzz/fuzz_vers_maven.c - the maven version parser and order on arbitrary
 * bytes (see fuzz_version.h for the properties checked).
 *
 * Maven's ComparableVersion is not transitive (found by this target, and
 * confirmed against maven-artifact 3.8.7 itself): "1.0-SNAPSHOT" <
 * "1.0.0.RELEASE" < "1.!-alrha1.5" but "1.0-SNAPSHOT" > "1.!-alrha1.5",
 * because a list compares above a string yet a string item compares below
 * a number. kensa agrees with Maven, so only reflexivity, antisymmetry and
 * validity are checked here (the crash-* seed keeps the example). */
#include "core/ks_common.h"

#include "fuzz_version.h"

static bool always(const char *v)
{
    KS_UNUSED(v);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_version_check(KS_SCHEME_MAVEN, data, size, always);
}
