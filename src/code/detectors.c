/* code/detectors.c - the detector catalogue: data only.
 *
 * Ids, names, CWEs and severities follow the Amazon Q detector library's
 * naming (docs/code.md lists them). Each rule exists once per language; the
 * JavaScript detectors also cover TypeScript. */
#include "core/ks_common.h"

#include "code/code_int.h"

#define PY KS_LANG_PYTHON
#define JS KS_LANG_JAVASCRIPT
#define JV KS_LANG_JAVA

#define DET3(slug, name, cwes, sev, tags, desc, fix, rule)                                       \
    {"python/" slug, name, PY, cwes, sev, tags ",Python", desc, fix, rule},                    \
            {"javascript/" slug, name, JS, cwes, sev, tags ",JavaScript", desc, fix, rule},    \
            {"java/" slug, name, JV, cwes, sev, tags ",Java", desc, fix, rule}

#define H  KS_CSEV_HIGH
#define C  KS_CSEV_CRITICAL
#define M  KS_CSEV_MEDIUM
#define L  KS_CSEV_LOW

const struct ks_code_detector ks_code_detectors[] = {
    DET3("os-command-injection", "OS command injection", "CWE-77,CWE-78,CWE-88", H,
         "injection,subprocess,owasp-top10,top25-cwes",
         "Untrusted input reaches a shell command. An attacker can run arbitrary commands with "
         "the function's permissions.",
         "Pass the command as an argument list without a shell, or quote each untrusted part "
         "(shlex.quote) and validate it against an allow-list.",
         R_CMDI),
    DET3("sql-injection", "SQL injection", "CWE-89", H, "injection,sql,owasp-top10,top25-cwes",
         "Untrusted input is built into an SQL statement, so an attacker can change the query.",
         "Use parameterised queries (placeholders plus a parameter list) instead of string "
         "building.",
         R_SQLI),
    DET3("code-injection", "Unsanitized input is run as code", "CWE-94", C,
         "injection,owasp-top10,top25-cwes",
         "Untrusted input is evaluated as code (eval, exec, Function, script engines).",
         "Never evaluate untrusted input; parse it as data (JSON, a literal parser) or map it "
         "to a fixed set of operations.",
         R_CODEI),
    DET3("path-traversal", "Path traversal", "CWE-22", H, "injection,owasp-top10,top25-cwes",
         "Untrusted input is used as a file path, so '../' sequences can reach files outside "
         "the intended directory.",
         "Reduce the name to its base name, or resolve the path and check that it stays inside "
         "the intended directory before using it.",
         R_PATH),
    DET3("server-side-request-forgery", "Server-side request forgery", "CWE-918", H,
         "networking,owasp-top10,top25-cwes",
         "Untrusted input chooses the URL of an outbound request, so an attacker can reach "
         "internal services such as the instance metadata endpoint.",
         "Check the host against an allow-list of expected destinations before requesting.",
         R_SSRF),
    DET3("cross-site-scripting", "Cross-site scripting", "CWE-20,CWE-79,CWE-80", H,
         "injection,owasp-top10,top25-cwes",
         "Untrusted input is written into an HTML response without escaping.",
         "Escape untrusted values for HTML (html.escape, markupsafe.escape, a template engine "
         "with autoescaping) before writing them.",
         R_XSS),
    DET3("untrusted-deserialization", "Deserialization of untrusted object", "CWE-502", H,
         "deserialization,owasp-top10,top25-cwes",
         "Untrusted input is deserialized with a format that can construct arbitrary objects "
         "and run code.",
         "Use a data-only format (JSON) or a safe loader (yaml.safe_load); never unpickle or "
         "deserialize objects from untrusted sources.",
         R_DESER),
    DET3("xml-external-entity", "XML External Entity", "CWE-611", H, "xml,owasp-top10",
         "Untrusted XML is parsed with external entities enabled, which can disclose files or "
         "reach internal hosts.",
         "Disable DTDs and external entities (defusedxml, resolve_entities=False, "
         "disallow-doctype-decl) before parsing untrusted XML.",
         R_XXE),
    DET3("ldap-injection", "LDAP injection", "CWE-90", H, "injection,ldap",
         "Untrusted input is built into an LDAP search filter.",
         "Escape filter values (ldap.filter.escape_filter_chars or the equivalent) before "
         "building the filter.",
         R_LDAP),
    DET3("xpath-injection", "XPath injection", "CWE-643", H, "injection,xml",
         "Untrusted input is built into an XPath expression.",
         "Use XPath variables/parameters instead of concatenating input into the expression.",
         R_XPATH),
    DET3("log-injection", "Log injection", "CWE-117,CWE-93", H, "data-integrity,injection",
         "Untrusted input is written to a log unchanged; line breaks in it can forge entries.",
         "Remove or encode CR and LF characters in untrusted values before logging them.",
         R_LOGINJ),
    DET3("open-redirect", "URL redirection to untrusted site", "CWE-601", H, "owasp-top10",
         "Untrusted input chooses the target of a redirect.",
         "Redirect only to relative paths or to hosts on an allow-list.", R_REDIRECT),
    DET3("sensitive-information-leak", "Sensitive information leak", "CWE-532,CWE-200", H,
         "information-leak,secrets",
         "A credential or other secret value is written to a log, where anyone who can read the "
         "logs can use it.",
         "Do not log secrets; log a redacted form or an identifier instead.", R_LOGSECRET),
    DET3("hardcoded-credentials", "Hardcoded credentials", "CWE-798", C,
         "secrets,security,owasp-top10,top25-cwes",
         "Access credentials, such as passwords and access keys, should not be hardcoded in "
         "source code: anyone with the code has them.",
         "Remove the value, rotate it, and load it at run time from the environment, an AWS "
         "profile or a secrets manager.",
         R_SECRET),
    DET3("insecure-hashing", "Insecure hashing", "CWE-327,CWE-328", M, "cryptography",
         "A broken hash function (MD5, SHA-1) is used; collisions make it unfit for passwords, "
         "signatures and integrity checks.",
         "Use SHA-256 or better; for passwords use a slow KDF (bcrypt, scrypt, argon2, PBKDF2).",
         R_WEAKHASH),
    DET3("insecure-cryptography", "Insecure cryptography", "CWE-327", C, "cryptography",
         "A broken cipher (DES, 3DES, RC4, Blowfish) is used.",
         "Use AES-GCM or ChaCha20-Poly1305.", R_WEAKCIPHER),
    DET3("insecure-cipher-mode", "Insecure cipher mode (ECB)", "CWE-327", H, "cryptography",
         "ECB mode encrypts equal blocks to equal ciphertext and leaks the structure of the "
         "data.",
         "Use an authenticated mode such as GCM with a random nonce.", R_ECB),
    DET3("static-initialization-vector", "Static initialization vector", "CWE-329,CWE-1204", H,
         "cryptography",
         "A constant initialization vector makes encryption deterministic.",
         "Generate a fresh random IV/nonce for every message (os.urandom, crypto.randomBytes, "
         "SecureRandom).",
         R_STATICIV),
    DET3("weak-key-size", "Weak cryptographic key size", "CWE-326", H, "cryptography",
         "An RSA key shorter than 2048 bits can be factored.",
         "Use RSA keys of at least 2048 (preferably 3072) bits.", R_WEAKRSA),
    DET3("insecure-random", "Pseudorandom number generators", "CWE-330,CWE-338", M,
         "cryptography",
         "A predictable pseudorandom generator produces a token, password or key.",
         "Use a cryptographic generator: secrets / os.urandom, crypto.randomBytes, "
         "SecureRandom.",
         R_RANDOM),
    DET3("improper-certificate-validation", "Improper certificate validation", "CWE-295", H,
         "cryptography,networking",
         "TLS certificate or host name verification is turned off, so connections can be "
         "intercepted.",
         "Keep verification on; trust a private CA by configuring its bundle instead.", R_TLS),
    DET3("insecure-connection", "Insecure connection using unencrypted protocol", "CWE-319", H,
         "networking",
         "A request goes to a plain http:// (or ftp/telnet) endpoint; data travels unencrypted.",
         "Use https:// (TLS) endpoints.", R_HTTP),
    DET3("missing-encryption", "Sensitive data stored unencrypted", "CWE-311", M,
         "cryptography,amazon-s3",
         "An object is written to S3 without asking for server-side encryption.",
         "Pass ServerSideEncryption ('aws:kms' or 'AES256') or rely on a bucket policy that "
         "enforces default encryption.",
         R_S3ENC),
    DET3("hardcoded-bind-all-interfaces", "Hardcoded interface binding", "CWE-605,CWE-200", M,
         "networking",
         "A server binds to 0.0.0.0 and is reachable on every interface.",
         "Bind to a specific interface (127.0.0.1 or a configured address).", R_BINDALL),
    DET3("loose-file-permissions", "Loose file permissions", "CWE-732,CWE-266", H,
         "access-control",
         "A file is made writable or readable by every user.",
         "Grant the least permissions needed (for example 0o600 or 0o640).", R_PERMS),
    DET3("insecure-cookie", "Insecure cookie", "CWE-614,CWE-311,CWE-312", H, "cookies",
         "A cookie is set without the Secure flag and can travel over plain HTTP.",
         "Set secure=True (and httponly) on cookies.", R_COOKIE),
    DET3("improper-authentication", "Improper signature verification", "CWE-347,CWE-287", H,
         "access-control",
         "A JSON web token is decoded without verifying its signature.",
         "Verify tokens (jwt.decode with algorithms and a key, jwt.verify) before trusting "
         "their claims.",
         R_JWT),
    {"python/insecure-temp-file", "Insecure temporary file or directory", PY, "CWE-377", M,
     "race-condition,Python",
     "tempfile.mktemp() returns a name another process can create first.",
     "Use tempfile.mkstemp() or NamedTemporaryFile().", R_TEMPFILE},
    {"python/do-not-auto-add-or-warning-missing-hostkey-policy",
     "Using AutoAddPolicy or WarningPolicy", PY, "CWE-322", H, "networking,Python",
     "paramiko accepts unknown SSH host keys, so a man in the middle is not detected.",
     "Load known host keys and use RejectPolicy.", R_HOSTKEY},
};

const size_t ks_code_detector_count = KS_ARRAY_LEN(ks_code_detectors);

const struct ks_code_detector *ks_code_detector_for(int rule, enum ks_code_lang lang)
{
    if (lang == KS_LANG_TYPESCRIPT)
        lang = KS_LANG_JAVASCRIPT;
    for (size_t i = 0; i < ks_code_detector_count; i++)
        if (ks_code_detectors[i].rule == rule && ks_code_detectors[i].lang == lang)
            return &ks_code_detectors[i];
    return NULL;
}
