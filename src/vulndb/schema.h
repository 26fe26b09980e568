/* vulndb/schema.h - the SQL schema of the vulnerability database
 * (documented in docs/internals/vulndb.md). Internal to vulndb/. */
#ifndef KS_VULNDB_SCHEMA_H
#define KS_VULNDB_SCHEMA_H

#define VDB_STR_(x) #x
#define VDB_STR(x) VDB_STR_(x)
#define VDB_SCHEMA_VERSION_STR VDB_STR(KS_VDB_SCHEMA_VERSION)

#define VDB_SCHEMA_SQL                                                                             \
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;\n"           \
    "CREATE TABLE IF NOT EXISTS sources(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"        \
    " format TEXT, files INT, records_read INT, imported INT, rejected INT,"                        \
    " newest_modified TEXT, digest TEXT, imported_at INT, import_id INT, extra TEXT);\n"           \
    "CREATE TABLE IF NOT EXISTS imports(id INTEGER PRIMARY KEY, at INT, added INT, changed INT,"   \
    " withdrawn INT, removed INT);\n"                                                              \
    "CREATE TABLE IF NOT EXISTS blobs(id INTEGER PRIMARY KEY, hash BLOB UNIQUE NOT NULL,"          \
    " data BLOB NOT NULL);\n"                                                                      \
    "CREATE TABLE IF NOT EXISTS records(id INTEGER PRIMARY KEY, feed TEXT NOT NULL,"               \
    " rid TEXT NOT NULL, source INT NOT NULL, seen INT NOT NULL, modified TEXT, published TEXT,"   \
    " withdrawn TEXT, summary TEXT, blob INT, digest BLOB, UNIQUE(feed, rid));\n"                  \
    "CREATE INDEX IF NOT EXISTS records_source ON records(source);\n"                              \
    "CREATE TABLE IF NOT EXISTS record_ids(name TEXT NOT NULL, record INT NOT NULL,"               \
    " about INT NOT NULL, PRIMARY KEY(name, record)) WITHOUT ROWID;\n"                             \
    "CREATE INDEX IF NOT EXISTS record_ids_record ON record_ids(record);\n"                        \
    "CREATE TABLE IF NOT EXISTS affected(id INTEGER PRIMARY KEY, record INT NOT NULL,"             \
    " ecosystem TEXT NOT NULL, package TEXT NOT NULL, state TEXT, fixed TEXT, detail TEXT,"       \
    " versions BLOB);\n"                                                                             \
    "CREATE INDEX IF NOT EXISTS affected_pkg ON affected(ecosystem, package);\n"                   \
    "CREATE INDEX IF NOT EXISTS affected_record ON affected(record);\n"                            \
    "CREATE TABLE IF NOT EXISTS events(affected INT NOT NULL, rng INT NOT NULL, seq INT NOT NULL," \
    " rtype TEXT NOT NULL, kind INT NOT NULL, version TEXT NOT NULL,"                              \
    " PRIMARY KEY(affected, rng, seq)) WITHOUT ROWID;\n"                                           \
    "CREATE TABLE IF NOT EXISTS severities(record INT NOT NULL, type TEXT NOT NULL,"               \
    " vector TEXT, score REAL, source TEXT);\n"                                                    \
    "CREATE INDEX IF NOT EXISTS severities_record ON severities(record);\n"                        \
    "CREATE TABLE IF NOT EXISTS aliases(name TEXT PRIMARY KEY, vuln TEXT NOT NULL) WITHOUT ROWID;\n" \
    "CREATE INDEX IF NOT EXISTS aliases_vuln ON aliases(vuln);\n"                                  \
    "CREATE TABLE IF NOT EXISTS kev(cve TEXT PRIMARY KEY, source INT, vendor TEXT, product TEXT,"  \
    " name TEXT, date_added TEXT, due_date TEXT, ransomware TEXT, action TEXT) WITHOUT ROWID;\n"   \
    "CREATE TABLE IF NOT EXISTS epss(cve TEXT PRIMARY KEY, source INT, epss REAL,"                 \
    " percentile REAL) WITHOUT ROWID;\n"                                                           \
    "CREATE TABLE IF NOT EXISTS changes(import INT NOT NULL, feed TEXT NOT NULL,"                  \
    " rid TEXT NOT NULL, kind TEXT NOT NULL);\n"                                                  \
    "CREATE TABLE IF NOT EXISTS import_keys(import INT NOT NULL, ecosystem TEXT NOT NULL,"         \
    " package TEXT NOT NULL, PRIMARY KEY(import, ecosystem, package)) WITHOUT ROWID;\n"            \
    "CREATE TABLE IF NOT EXISTS lineage(import INTEGER PRIMARY KEY, prev_digest TEXT,"             \
    " digest TEXT NOT NULL);\n"

#endif
