/* store/schema.c - the store's schema, one definition for every backend. */
#include "core/ks_common.h"

#include "store/driver.h"

/* Schema migrations, applied in order; entry i takes the store from
 * version i to i + 1. Never edit a released entry: add one. The DDL is
 * shared by every backend; "@ID@" stands for the backend's auto-numbered
 * primary key. */
const char *const ks_store_migrations[] = {
        "CREATE TABLE accounts(id @ID@, name TEXT UNIQUE NOT NULL,"
        " admin INTEGER NOT NULL, created_at BIGINT NOT NULL);"
        "CREATE TABLE tokens(id @ID@, account BIGINT NOT NULL REFERENCES accounts(id),"
        " hash TEXT UNIQUE NOT NULL, label TEXT, created_at BIGINT NOT NULL, deleted_at BIGINT);"
        "CREATE TABLE resources(account BIGINT NOT NULL REFERENCES accounts(id), rid TEXT NOT NULL,"
        " type TEXT NOT NULL, tags TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
        " last_inventory_at BIGINT, PRIMARY KEY(account, rid));"
        "CREATE TABLE inventories(id @ID@, account BIGINT NOT NULL, rid TEXT NOT NULL,"
        " digest TEXT NOT NULL, body TEXT NOT NULL, received_at BIGINT NOT NULL,"
        " latest INTEGER NOT NULL, FOREIGN KEY(account, rid) REFERENCES resources(account, rid));"
        "CREATE INDEX inventories_latest ON inventories(account, rid, latest);"
        "CREATE TABLE findings(account BIGINT NOT NULL, id TEXT NOT NULL, rid TEXT NOT NULL,"
        " type TEXT NOT NULL, vuln_id TEXT, severity TEXT, score DOUBLE PRECISION, title TEXT,"
        " package TEXT, body TEXT NOT NULL, status TEXT NOT NULL, first_observed BIGINT NOT NULL,"
        " last_observed BIGINT NOT NULL, updated_at BIGINT NOT NULL, package_version TEXT,"
        " fix_available TEXT, exploit_available TEXT, vendor_severity TEXT, vuln_source TEXT,"
        " epss DOUBLE PRECISION, PRIMARY KEY(account, id));"
        "CREATE INDEX findings_last_observed ON findings(last_observed, id);"
        "CREATE INDEX findings_vuln ON findings(vuln_id);"
        "CREATE TABLE resource_tags(account BIGINT NOT NULL, rid TEXT NOT NULL, key TEXT NOT NULL,"
        " value TEXT, PRIMARY KEY(account, rid, key));"
        "CREATE TABLE filters(id @ID@, account BIGINT NOT NULL, name TEXT NOT NULL,"
        " action TEXT NOT NULL, criteria TEXT NOT NULL, description TEXT, reason TEXT,"
        " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE(account, name));"
        "CREATE INDEX findings_resource ON findings(account, rid);"
        "CREATE INDEX findings_status ON findings(account, status, severity);"
        "CREATE TABLE finding_history(id @ID@, account BIGINT NOT NULL,"
        " finding TEXT NOT NULL, at BIGINT NOT NULL, from_status TEXT, to_status TEXT NOT NULL,"
        " cause TEXT NOT NULL);"
        "CREATE INDEX finding_history_finding ON finding_history(account, finding);"
        "CREATE TABLE outbox(id @ID@, account BIGINT NOT NULL, kind TEXT NOT NULL,"
        " subject TEXT NOT NULL, payload TEXT, created_at BIGINT NOT NULL,"
        " attempts INTEGER NOT NULL DEFAULT 0, next_at BIGINT NOT NULL, delivered_at BIGINT);"
        "CREATE INDEX outbox_pending ON outbox(delivered_at, next_at);",
        /* 2: webhooks (the HMAC secret is kept: it signs every delivery). */
        "CREATE TABLE webhooks(id @ID@, account BIGINT NOT NULL REFERENCES accounts(id),"
        " url TEXT NOT NULL, secret TEXT NOT NULL, created_at BIGINT NOT NULL);"
        "CREATE INDEX webhooks_account ON webhooks(account);",
        /* 3: findings reports and SBOM exports written to the reports directory. */
        "CREATE TABLE reports(id @ID@, account BIGINT NOT NULL REFERENCES accounts(id),"
        " kind TEXT NOT NULL, format TEXT NOT NULL, status TEXT NOT NULL, location TEXT,"
        " error TEXT, created_at BIGINT NOT NULL, finished_at BIGINT);",
        /* 4: reports written in the background tell their size
         * and row count; resources keep their coverage status, so that a
         * change of it can be announced (coverage.changed). */
        "ALTER TABLE reports ADD COLUMN size BIGINT;"
        "ALTER TABLE reports ADD COLUMN row_count BIGINT;"
        "ALTER TABLE resources ADD COLUMN scan_status TEXT;"
        "ALTER TABLE resources ADD COLUMN scan_reason TEXT;"
        "ALTER TABLE resources ADD COLUMN scan_detail TEXT;",
        /* 5: the packages of each resource's latest inventory, by the
         * (ecosystem, normalised name) the matcher looks up: after a
         * vulnerability database change only the inventories holding a
         * changed package are re-matched. */
        "CREATE TABLE inventory_packages(account BIGINT NOT NULL, rid TEXT NOT NULL,"
        " ecosystem TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY(account, rid, ecosystem, name));"
        "CREATE INDEX inventory_packages_key ON inventory_packages(ecosystem, name);"
        /* ... and their findings are read per package (the index also
         * serves resourceId filters of the administrator). */
        "CREATE INDEX findings_resource_package ON findings(rid, account, package);"
        "DROP INDEX findings_resource;"
        /* findings/list pages come from an index walk in (sort key,
         * account, id) order, from the page's start on: the severity rank is
         * a column so that it can be indexed. */
        "ALTER TABLE findings ADD COLUMN severity_rank INTEGER;"
        "UPDATE findings SET severity_rank = CASE severity WHEN 'CRITICAL' THEN 5"
        " WHEN 'HIGH' THEN 4 WHEN 'MEDIUM' THEN 3 WHEN 'LOW' THEN 2"
        " WHEN 'INFORMATIONAL' THEN 1 ELSE 0 END;"
        "CREATE INDEX findings_status_severity ON findings(status, severity_rank, account, id);"
        "CREATE INDEX findings_status_seen ON findings(status, last_observed, account, id);"
        "DROP INDEX findings_last_observed;"
        "CREATE INDEX findings_last_observed ON findings(last_observed, account, id);",
        /* 6: index keys end in (account, rid, id) rather than (account, id):
         * the findings of one resource sit together, so a re-evaluation or
         * an inventory that changes many of them rewrites a few index pages,
         * not one page per finding (ids are hashes: random). History is a
         * chain instead of an index: each finding names its latest history
         * row, each row the one before, so a transition appends a row and
         * rewrites nothing else (an index on the finding took one or more
         * page splits per resource and transition batch). */
        "DROP INDEX findings_status_severity;"
        "CREATE INDEX findings_status_severity ON findings(status, severity_rank, account, rid, id);"
        "DROP INDEX findings_status_seen;"
        "CREATE INDEX findings_status_seen ON findings(status, last_observed, account, rid, id);"
        "DROP INDEX findings_last_observed;"
        "CREATE INDEX findings_last_observed ON findings(last_observed, account, rid, id);"
        "ALTER TABLE finding_history ADD COLUMN prev BIGINT;"
        "ALTER TABLE findings ADD COLUMN history_head BIGINT;"
        "UPDATE finding_history SET prev = (SELECT MAX(h.id) FROM finding_history h"
        " WHERE h.account = finding_history.account AND h.finding = finding_history.finding"
        " AND h.id < finding_history.id);"
        "UPDATE findings SET history_head = (SELECT MAX(h.id) FROM finding_history h"
        " WHERE h.account = findings.account AND h.finding = findings.id);"
        "DROP INDEX finding_history_finding;"
        /* ... and advisory descriptions are kept once (see store.h,
         * ks_finding_row): bodies from before keep theirs inline. */
        "CREATE TABLE finding_texts(text_key TEXT PRIMARY KEY, description TEXT NOT NULL);"
        "ALTER TABLE findings ADD COLUMN text_key TEXT;"
        "ALTER TABLE findings ADD COLUMN text_at INTEGER;",
        /* 7: each resource's latest inventory also as the inventory read
         * from it (pkg/packed.h), so that re-evaluations need not parse
         * the document again (NULL for inventories from before: they are
         * parsed); the package keys' index covers the resource, so that
         * finding the resources with a changed package reads the index
         * alone. */
        "CREATE TABLE inventory_packed(account BIGINT NOT NULL, rid TEXT NOT NULL,"
        " packed TEXT NOT NULL, PRIMARY KEY(account, rid));"
        "DROP INDEX inventory_packages_key;"
        "CREATE INDEX inventory_packages_key ON inventory_packages(ecosystem, name, account, rid);"
        /* ... and each resource counts the changes of its inventory and
         * findings, so that what was read of them ahead of a write can be
         * trusted when nothing changed since (ks_store_findings_ahead,
         * ks_store_resource_revision). */
        "ALTER TABLE resources ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;",
};

const size_t ks_store_nmigrations = KS_ARRAY_LEN(ks_store_migrations);
