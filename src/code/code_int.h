/* code/code_int.h - shared between the engine and the catalogue (private). */
#ifndef KS_CODE_CODE_INT_H
#define KS_CODE_CODE_INT_H

#include "code/code.h"

/* Engine rules; a detector names one, per language. */
enum ks_code_rule {
    /* taint rules: need a path from a source to the sink */
    R_CMDI,
    R_SQLI,
    R_CODEI,
    R_PATH,
    R_SSRF,
    R_XSS,
    R_DESER,
    R_XXE,
    R_LDAP,
    R_XPATH,
    R_LOGINJ,
    R_REDIRECT,
    R_LOGSECRET, /* sensitive values (secret taint) into logs */
    R_TAINT_LAST = R_LOGSECRET,
    /* pattern rules */
    R_SECRET,
    R_WEAKHASH,
    R_WEAKCIPHER,
    R_ECB,
    R_STATICIV,
    R_WEAKRSA,
    R_RANDOM,
    R_TLS,
    R_HTTP,
    R_S3ENC,
    R_BINDALL,
    R_PERMS,
    R_COOKIE,
    R_JWT,
    R_TEMPFILE,
    R_HOSTKEY,
    R_COUNT,
};

/* The detector for `rule` in `lang` (TypeScript uses JavaScript's), or NULL. */
const struct ks_code_detector *ks_code_detector_for(int rule, enum ks_code_lang lang);

#endif
