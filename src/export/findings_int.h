/* export/findings_int.h - helpers shared by the findings writers (private to
 * export/). */
#ifndef KS_EXPORT_FINDINGS_INT_H
#define KS_EXPORT_FINDINGS_INT_H

#include "export/findings.h"

/* The findings in report order (see findings.h), as a malloc'd array of
 * pointers the caller frees; NULL when out of memory (or n == 0). */
const struct ks_finding **ks_findings_sorted(const struct ks_finding *f, size_t n);

/* Compares two findings in report order. */
int ks_findings_cmp(const struct ks_finding *a, const struct ks_finding *b);

/* Bytes of the longest prefix of the UTF-8 string `s` that holds at most
 * `max_chars` code points and does not split a sequence. `*chars` (may be
 * NULL) receives the code points kept. */
size_t ks_utf8_prefix(const char *s, size_t max_chars, size_t *chars);

/* Code points in `s` (invalid bytes count one each). */
size_t ks_utf8_chars(const char *s);

/* "9.8" for 98; writes into `buf` (at least 8 bytes). */
const char *ks_score10_str(int score10, char *buf, size_t cap);

/* The score a finding is ranked and shown by: the kensa score when scored,
 * -1 otherwise. */
int ks_finding_score10(const struct ks_finding *f);

#endif
