/* store/store.h - kensa's persistent state: accounts, tokens, resources,
 * inventories and findings with their lifecycle, and the event outbox.
 *
 * One interface, several backends: the logic (lifecycle transitions, token
 * hashing, migrations) is written once in store.c in portable SQL with $N
 * parameters; a backend only executes statements (driver.h). SQLite is the
 * default (a file under $KENSA_HOME, WAL); PostgreSQL comes next behind the
 * same driver interface.
 *
 * Ownership: strings returned in records are copied into caller buffers or
 * the caller's arena, never borrowed from the backend. Thread-safety: one
 * `struct ks_store` per thread. Every operation that changes several rows is
 * one transaction: a crash leaves the previous state. */
#ifndef KS_STORE_STORE_H
#define KS_STORE_STORE_H

#include "core/arena.h"
#include "core/err.h"

struct ks_store;

/* The schema version this build creates and expects. */
#define KS_STORE_SCHEMA_VERSION 5

/* Opens (creating if needed) the store at `location`: a file path for
 * SQLite. Runs pending migrations. KS_EDB when the store was written by a
 * newer kensa. */
ks_err ks_store_open(const char *location, struct ks_store **out, struct ks_diag *diag);
void ks_store_close(struct ks_store *st);

/* Groups the changes of the following operations into one transaction
 * until ks_store_batch_end(), which commits them: for many small
 * operations in a row (re-evaluating a fleet), one commit instead of one
 * each. A failed operation rolls the whole batch back and ends it
 * (ks_store_batch_end() then has nothing to commit): the caller redoes
 * the batch's work or gives up. Meanwhile the
 * store's write lock is held: keep batches short. The first batch of a
 * connection also sets it up for bulk writes (SQLite: the WAL is
 * checkpointed every 64 MiB instead of 4 MiB). KS_EINVAL when a batch is
 * already open. */
ks_err ks_store_batch_begin(struct ks_store *st, struct ks_diag *diag);
ks_err ks_store_batch_end(struct ks_store *st, struct ks_diag *diag);

/* Copies what the store's write-ahead log holds back into the store
 * without waiting for readers or writers (SQLite: a passive checkpoint;
 * nothing for a backend without such a log). A thread beside a bulk writer
 * calls it after the writer's commits, so that the writer's own
 * checkpoints (SQLite runs one in the commit that fills the log) find
 * little left to copy. */
ks_err ks_store_checkpoint(struct ks_store *st, struct ks_diag *diag);

/* ---- accounts and tokens ---- */

struct ks_account {
    int64_t id;
    char name[128];
    bool admin;
    int64_t created_at;
};

/* Creates an account. Names are unique (KS_EINVAL "account 'x' exists"). */
ks_err ks_store_account_create(struct ks_store *st, const char *name, bool admin, int64_t now,
                               int64_t *id, struct ks_diag *diag);
ks_err ks_store_account_get(struct ks_store *st, int64_t id, struct ks_account *out,
                            struct ks_diag *diag);
/* Calls `fn` for each account in id order. */
typedef ks_err ks_store_account_fn(const struct ks_account *a, void *ctx);
ks_err ks_store_account_list(struct ks_store *st, ks_store_account_fn *fn, void *ctx,
                             struct ks_diag *diag);
/* True when an administrator account exists (`kensa server init` ran). */
ks_err ks_store_has_admin(struct ks_store *st, bool *out, struct ks_diag *diag);

#define KS_TOKEN_LEN 68 /* "ks_" + 64 hex + NUL */

/* Creates a bearer token for `account`: `token` receives the secret, which
 * is shown once and never stored (only its SHA-256 is). */
ks_err ks_store_token_create(struct ks_store *st, int64_t account, const char *label, int64_t now,
                             char token[KS_TOKEN_LEN], int64_t *token_id, struct ks_diag *diag);
/* Resolves a presented token to its account; KS_ENOTFOUND when unknown or
 * deleted (no detail: callers answer 401 without saying why). */
ks_err ks_store_token_auth(struct ks_store *st, const char *token, struct ks_account *out,
                           struct ks_diag *diag);
/* Deletes token `id`; when `account` > 0 only if it belongs to it. */
ks_err ks_store_token_delete(struct ks_store *st, int64_t id, int64_t account,
                             struct ks_diag *diag);

/* ---- resources and inventories ---- */

/* Creates or updates resource `rid` (host, image, function) of `account`;
 * `tags_json` is a JSON object of string values or NULL (tags unchanged);
 * its keys also become filterable resource tags. */
ks_err ks_store_resource_put(struct ks_store *st, int64_t account, const char *rid,
                             const char *type, const char *tags_json, int64_t now,
                             struct ks_diag *diag);

/* Stores an inventory for a resource: it becomes the latest, and the
 * previous one stays in the history. `body` is the document as submitted;
 * `packed` the inventory read from it in the form of pkg/packed.h (NULL:
 * none; readers then parse the body). `*changed` says whether its digest
 * differs from the latest one. */
ks_err ks_store_inventory_put(struct ks_store *st, int64_t account, const char *rid,
                              const char *digest, const char *body, size_t len,
                              const char *packed, int64_t now, bool *changed,
                              struct ks_diag *diag);

/* Calls `fn` with the latest inventory of every resource (all accounts):
 * its packed form (pkg/packed.h), or its body when it has none (the other
 * one NULL), and the resource's revision as read with it (see
 * ks_store_resource_revision). Strings are borrowed for the duration of
 * the call. */
typedef ks_err ks_store_inventory_fn(int64_t account, const char *rid, const char *type,
                                     const char *body, const char *packed, int64_t revision,
                                     void *ctx);
ks_err ks_store_inventories_latest(struct ks_store *st, ks_store_inventory_fn *fn, void *ctx,
                                   struct ks_diag *diag);

/* A package as the matcher looks it up: (OSV ecosystem, normalised name;
 * source package names for Debian/Alpine). */
struct ks_pkg_key {
    const char *ecosystem;
    const char *name;
};

/* Replaces the package keys of the latest inventory of resource `rid`
 * (duplicates are ignored), in one transaction. */
ks_err ks_store_inventory_keys_put(struct ks_store *st, int64_t account, const char *rid,
                                   const struct ks_pkg_key *keys, size_t n,
                                   struct ks_diag *diag);

/* Calls `fn` once for each resource whose latest inventory holds one of
 * `keys` (its package keys as last put), in no particular order; strings
 * valid during the call. The store may not be written from `fn`. */
typedef ks_err ks_store_resource_fn(int64_t account, const char *rid, void *ctx);
ks_err ks_store_resources_with(struct ks_store *st, const struct ks_pkg_key *keys, size_t n,
                               ks_store_resource_fn *fn, void *ctx, struct ks_diag *diag);

/* The latest inventory of resource `rid` of `account`: its type and its
 * packed form (pkg/packed.h), or its body when it has no packed form (the
 * other one NULL), copied into `arena`, and the resource's revision as
 * read with it. KS_ENOTFOUND when it has none. */
ks_err ks_store_inventory_latest(struct ks_store *st, int64_t account, const char *rid,
                                 struct ks_arena *arena, const char **type, const char **body,
                                 const char **packed, int64_t *revision, struct ks_diag *diag);

/* The revision of resource `rid` of `account`: a count that every change
 * of its inventory or of its findings (apply, suppression) raises in the
 * same transaction, so that what was read of the resource earlier (its
 * inventory, findings matched from it) can be checked to be still current
 * before it is written from. -1 when there is no such resource. */
ks_err ks_store_resource_revision(struct ks_store *st, int64_t account, const char *rid,
                                  int64_t *out, struct ks_diag *diag);

/* The document of resource `rid`'s latest inventory as submitted, copied
 * into `arena` (for a reader that could not use its packed form).
 * KS_ENOTFOUND when it has none. */
ks_err ks_store_inventory_document(struct ks_store *st, int64_t account, const char *rid,
                                   struct ks_arena *arena, const char **body,
                                   struct ks_diag *diag);

/* Number of resources with an inventory. */
ks_err ks_store_inventory_count(struct ks_store *st, int64_t *out, struct ks_diag *diag);

/* Small named values of the service's own (e.g. the digest of the
 * vulnerability database the findings were last evaluated against).
 * get: "" when unset; KS_ELIMIT when the value does not fit `size`. */
ks_err ks_store_meta_get(struct ks_store *st, const char *key, char *out, size_t size,
                         struct ks_diag *diag);
ks_err ks_store_meta_set(struct ks_store *st, const char *key, const char *value,
                         struct ks_diag *diag);

/* ---- findings ---- */

/* What the engine found for one resource: the complete current set. */
struct ks_finding_row {
    const char *id;       /* stable finding id */
    const char *type;     /* PACKAGE_VULNERABILITY, CODE_VULNERABILITY, NETWORK_REACHABILITY */
    const char *vuln_id;  /* CVE/GHSA/detector id */
    const char *severity; /* band */
    double score;         /* kensa score, or -1 */
    const char *title;
    const char *package; /* or NULL */
    const char *body;    /* the finding as JSON (export/findings format) */
    size_t body_len;     /* strlen(body), or 0: not known */
    /* Filterable details (NULL when not applicable). */
    const char *package_version;
    const char *fix_available;     /* YES, NO, PARTIAL */
    const char *exploit_available; /* YES, NO */
    const char *vendor_severity;
    const char *vuln_source; /* NVD, DEBIAN_CVE, GHSA, ... */
    bool has_epss;
    double epss;
    /* The advisory's description (NULL: it has none), kept once per
     * `text_key` (the advisory record it comes from) and put back into
     * `body` at byte `text_at` when the finding is read
     * (ks_export_finding_json_apart). A corrected, added or removed
     * description is then one row, not a write of every finding of the
     * advisory. NULL `text_key`: `body` is whole. */
    const char *text_key;
    const char *description;
    size_t text_at;
};

struct ks_apply_result {
    size_t opened, reobserved, updated, closed, reopened;
};

/* Applies the current finding set of resource `rid`: new ids open as
 * ACTIVE; ids already stored are re-observed (lastObservedAt = now) and
 * updated when their body changed; stored ACTIVE/SUPPRESSED findings absent
 * from `rows` are CLOSED; CLOSED ones that reappear are reopened. Every
 * transition is recorded in the history with `cause` and queued as an event
 * in the outbox, in one transaction. */
ks_err ks_store_findings_apply(struct ks_store *st, int64_t account, const char *rid,
                               const struct ks_finding_row *rows, size_t n, const char *cause,
                               int64_t now, struct ks_apply_result *res, struct ks_diag *diag);

/* ks_store_findings_apply() for a new inventory, with its package keys
 * recorded in the same transaction (as ks_store_inventory_keys_put()). */
ks_err ks_store_findings_apply_keys(struct ks_store *st, int64_t account, const char *rid,
                                    const struct ks_pkg_key *keys, size_t nkeys,
                                    const struct ks_finding_row *rows, size_t n,
                                    const char *cause, int64_t now, struct ks_apply_result *res,
                                    struct ks_diag *diag);

/* Like ks_store_findings_apply() after the advisory data changed but the
 * inventory did not: findings whose body is unchanged are left as they are
 * (lastObservedAt keeps the last inventory's time), and with `packages`
 * only the stored findings of those package names are considered: `rows`
 * is then the complete current set for those packages (a stored one of
 * them that is absent closes) and findings of other packages stay as they
 * are. `packages` NULL: every finding of the resource. */
struct ks_findings_ahead;
ks_err ks_store_findings_reapply(struct ks_store *st, int64_t account, const char *rid,
                                 const char *const *packages, size_t npackages,
                                 struct ks_findings_ahead *ahead,
                                 const struct ks_finding_row *rows, size_t n, const char *cause,
                                 int64_t now, struct ks_apply_result *res, struct ks_diag *diag);

/* What ks_store_findings_reapply() reads of the resource's stored findings
 * before it writes, read ahead through another connection `rd` (a thread
 * preparing the next resources while one writes): given to the reapply
 * (`ahead`, else NULL) with the same arguments, it stands for that read as
 * long as the resource's findings did not change since (the store keeps a
 * revision of each resource, ks_store_resource_revision; a reapply that
 * finds another one reads them itself). One reapply uses it up (it marks what it saw);
 * free it with ks_store_findings_ahead_free(). */
ks_err ks_store_findings_ahead(struct ks_store *rd, int64_t account, const char *rid,
                               const char *const *packages, size_t npackages,
                               const struct ks_finding_row *rows, size_t n,
                               struct ks_findings_ahead **out, struct ks_diag *diag);
void ks_store_findings_ahead_free(struct ks_findings_ahead *ahead);

/* ---- filters, listing ---- */

struct ks_value;

/* Compiles `criteria` (an Inspector-style FilterCriteria object: per field a
 * list of StringFilter {comparison EQUALS|PREFIX|NOT_EQUALS, value},
 * NumberFilter {lowerInclusive, upperInclusive}, DateFilter {startInclusive,
 * endInclusive} (epoch seconds or RFC 3339), MapFilter {comparison, key,
 * value} or PackageFilter {name, version}) to check it; KS_EINVAL with detail
 * for unknown fields, operators or shapes. Within a field the filters are
 * OR-ed (NOT_EQUALS ones AND-ed); fields are AND-ed. */
ks_err ks_store_filter_check(const struct ks_value *criteria, struct ks_diag *diag);

enum ks_sort_order { KS_SORT_ASC, KS_SORT_DESC };

struct ks_list_query {
    int64_t account; /* 0: every account (administrator) */
    const struct ks_value *criteria; /* or NULL: all findings */
    const char *sort_field; /* SEVERITY, FIRST_OBSERVED_AT, …; NULL: LAST_OBSERVED_AT */
    enum ks_sort_order order;
    size_t max; /* 1-100 */
    const char *next_token; /* from a previous page, or NULL */
};

/* Lists findings matching `q`, calling `fn` with each stored JSON body and
 * state, in a stable order (sort key, then account, resource and id) with
 * keyset pagination: the token written to `next` (empty at the end; room
 * for KS_PAGE_TOKEN_MAX bytes) stays valid under concurrent inserts.
 * KS_EINVAL for a bad field, sort or token. */
#define KS_PAGE_TOKEN_MAX 2600
struct ks_finding_state;
typedef ks_err ks_store_finding_fn(const char *id, int64_t account, const char *body,
                                   const struct ks_finding_state *state, void *ctx);
ks_err ks_store_findings_list(struct ks_store *st, const struct ks_list_query *q,
                              ks_store_finding_fn *fn, void *ctx, char *next, size_t next_size,
                              struct ks_diag *diag);

/* The backend's plan for the findings_list query of `q`, appended to `out`
 * one step per line (SQLite: EXPLAIN QUERY PLAN details; PostgreSQL:
 * EXPLAIN lines): for tests and diagnosis of index use. */
struct ks_buf;
ks_err ks_store_findings_list_plan(struct ks_store *st, const struct ks_list_query *q,
                                   struct ks_buf *out, struct ks_diag *diag);

/* Saved filters: action NONE (a saved view) or SUPPRESS (a suppression
 * rule). SUPPRESS rules turn matching ACTIVE findings SUPPRESSED, now and
 * for every later finding, and back to ACTIVE when the rule goes; rules of
 * an administrator account apply to every account. */
struct ks_filter_rec {
    int64_t id;
    int64_t account;
    const char *name, *action, *criteria, *description, *reason; /* in the caller's arena */
    int64_t created_at, updated_at;
};

/* Creates a filter; `criteria` is FilterCriteria JSON (checked). Names are
 * unique per account. */
ks_err ks_store_filter_create(struct ks_store *st, const struct ks_filter_rec *f, int64_t now,
                              int64_t *id, struct ks_diag *diag);
/* Replaces name/action/criteria/description/reason of filter `f->id` owned
 * by `f->account` (any owner when 0); NULL fields stay as they are. */
ks_err ks_store_filter_update(struct ks_store *st, const struct ks_filter_rec *f, int64_t now,
                              struct ks_diag *diag);
ks_err ks_store_filter_delete(struct ks_store *st, int64_t account, int64_t id, int64_t now,
                              struct ks_diag *diag);
/* Calls `fn` for each filter of `account` (all when 0), by id. */
typedef ks_err ks_store_filter_fn(const struct ks_filter_rec *f, void *ctx);
ks_err ks_store_filter_list(struct ks_store *st, int64_t account, ks_store_filter_fn *fn,
                            void *ctx, struct ks_diag *diag);

/* ---- aggregations, coverage, usage ---- */

struct ks_severity_counts {
    int64_t all, critical, high, medium, low, other;
};

/* Counts ACTIVE findings of `account` (all accounts when 0) matching
 * `criteria` (may be NULL), grouped by `type`: ACCOUNT, RESOURCE,
 * RESOURCE_TYPE, PACKAGE, TITLE (vulnerability id), SEVERITY or
 * FINDING_TYPE. Groups come sorted by critical, high, then all counts
 * (descending), at most `max`. KS_EINVAL for an unknown type. */
typedef ks_err ks_store_agg_fn(const char *key, const struct ks_severity_counts *c, void *ctx);
ks_err ks_store_aggregate(struct ks_store *st, int64_t account, const char *type,
                          const struct ks_value *criteria, size_t max, ks_store_agg_fn *fn,
                          void *ctx, struct ks_diag *diag);

/* A resource's coverage: whether its last inventory could be scanned. */
struct ks_coverage {
    int64_t account;
    const char *rid, *type;
    int64_t last_inventory_at; /* 0: never inventoried */
    const char *status;        /* ACTIVE, INACTIVE; NULL: never evaluated */
    const char *reason;        /* SUCCESSFUL, UNSUPPORTED_OS, RESOURCE_REMOVED, ...; or NULL */
    const char *detail;        /* a sentence saying why, or NULL */
};

/* Coverage: every resource of `account` (all when 0). Strings are borrowed
 * for the duration of the call. */
typedef ks_err ks_store_coverage_fn(const struct ks_coverage *c, void *ctx);
ks_err ks_store_coverage(struct ks_store *st, int64_t account, ks_store_coverage_fn *fn,
                         void *ctx, struct ks_diag *diag);

/* Records the coverage of resource `rid` of `account` (status, reason,
 * detail as in struct ks_coverage). When it differs from the recorded one,
 * queues a "coverage.changed" event (for accounts with a webhook) in the
 * same transaction and sets `*changed`. KS_ENOTFOUND for an unknown
 * resource. */
ks_err ks_store_coverage_set(struct ks_store *st, int64_t account, const char *rid,
                             const char *status, const char *reason, const char *detail,
                             int64_t now, bool *changed, struct ks_diag *diag);

/* Removes resource `rid` of `account` from evaluation: its findings close
 * (cause "resource removed"), its inventory stops being the latest (it is
 * kept in the history, and no re-evaluation reopens its findings), and its
 * coverage becomes INACTIVE/RESOURCE_REMOVED with a coverage.changed event,
 * in one transaction. A later inventory brings it back. KS_ENOTFOUND for an
 * unknown resource. */
ks_err ks_store_resource_remove(struct ks_store *st, int64_t account, const char *rid,
                                int64_t now, struct ks_apply_result *res, struct ks_diag *diag);

/* Usage: distinct resources inventoried per account, resource type and UTC
 * day (days since the epoch), oldest first. */
typedef ks_err ks_store_usage_fn(int64_t account, const char *type, int64_t day, int64_t count,
                                 void *ctx);
ks_err ks_store_usage(struct ks_store *st, int64_t account, ks_store_usage_fn *fn, void *ctx,
                      struct ks_diag *diag);

struct ks_finding_state {
    char status[16];
    int64_t first_observed, last_observed, updated;
};

/* The lifecycle state of finding `id` (of `account` unless `account` is 0). */
ks_err ks_store_finding_state(struct ks_store *st, int64_t account, const char *id,
                              struct ks_finding_state *out, struct ks_diag *diag);

/* The stored JSON body and state of finding `id` of `account` (any account
 * when 0); the body is copied into `arena`. KS_ENOTFOUND otherwise. */
ks_err ks_store_finding_get(struct ks_store *st, int64_t account, const char *id,
                            struct ks_arena *arena, const char **body,
                            struct ks_finding_state *state, struct ks_diag *diag);

/* Calls `fn` for each history entry of finding `id` of `account` (any
 * account when 0), oldest first. */
typedef ks_err ks_store_history_fn(int64_t at, const char *from, const char *to,
                                   const char *cause, void *ctx);
ks_err ks_store_finding_history(struct ks_store *st, int64_t account, const char *id,
                                ks_store_history_fn *fn, void *ctx, struct ks_diag *diag);

/* ---- events and webhooks ---- */

/* Queues an event (e.g. "inventory.processed" for resource `subject` with a
 * JSON `payload`) for delivery. Findings' transitions queue their own. Only
 * accounts with a webhook keep events (nobody would receive the others). */
ks_err ks_store_outbox_add(struct ks_store *st, int64_t account, const char *kind,
                           const char *subject, const char *payload, int64_t now,
                           struct ks_diag *diag);

/* One event due for delivery, with the finding it concerns (when it is a
 * finding event; NULL fields otherwise). Strings valid during the call. */
struct ks_event {
    int64_t id, account, created_at;
    int attempts;
    const char *kind, *subject, *payload;
    const char *status, *severity, *title, *vuln_id, *rid;
};
typedef ks_err ks_store_event_fn(const struct ks_event *e, void *ctx);

/* Calls `fn` for at most `max` undelivered events whose next attempt is due
 * at `now`, oldest first. */
ks_err ks_store_outbox_due(struct ks_store *st, int64_t now, size_t max, ks_store_event_fn *fn,
                           void *ctx, struct ks_diag *diag);

/* Marks event `id` delivered, or schedules its next attempt at `next_at`. */
ks_err ks_store_outbox_result(struct ks_store *st, int64_t id, bool delivered, int64_t now,
                              int64_t next_at, struct ks_diag *diag);

struct ks_webhook {
    int64_t id, account, created_at;
    const char *url, *secret; /* borrowed during the call */
};
typedef ks_err ks_store_webhook_fn(const struct ks_webhook *w, void *ctx);

/* Creates a webhook of `account` delivering to `url`, signed with `secret`. */
ks_err ks_store_webhook_create(struct ks_store *st, int64_t account, const char *url,
                               const char *secret, int64_t now, int64_t *id,
                               struct ks_diag *diag);
/* The webhooks of `account` (all when 0). */
ks_err ks_store_webhook_list(struct ks_store *st, int64_t account, ks_store_webhook_fn *fn,
                             void *ctx, struct ks_diag *diag);
/* The webhooks an event of `account` goes to: that account's and every
 * administrator's (administrators see the whole organisation). */
ks_err ks_store_webhooks_for(struct ks_store *st, int64_t account, ks_store_webhook_fn *fn,
                             void *ctx, struct ks_diag *diag);
ks_err ks_store_webhook_delete(struct ks_store *st, int64_t account, int64_t id,
                               struct ks_diag *diag);

/* ---- reports ---- */

struct ks_report_rec {
    int64_t id, account, created_at, finished_at;
    char kind[32];    /* "findings" or "sbom" */
    char format[16];  /* CSV, JSON, CYCLONEDX, SPDX */
    char status[16];  /* IN_PROGRESS, SUCCEEDED, FAILED */
    char location[1024];
    char error[KS_DIAG_MSG_MAX];
    int64_t size, rows; /* bytes and findings written (SUCCEEDED findings reports) */
};

ks_err ks_store_report_create(struct ks_store *st, int64_t account, const char *kind,
                              const char *format, int64_t now, int64_t *id,
                              struct ks_diag *diag);
/* Records the outcome: SUCCEEDED with `location`, `size` bytes and `rows`
 * findings, or FAILED with `error`. */
ks_err ks_store_report_finish(struct ks_store *st, int64_t id, bool ok, const char *location,
                              const char *error, int64_t size, int64_t rows, int64_t now,
                              struct ks_diag *diag);
/* Marks every report still IN_PROGRESS as FAILED with `error` (at start-up:
 * whatever was being written when the server stopped will not finish).
 * `*n` receives how many. */
ks_err ks_store_reports_fail_unfinished(struct ks_store *st, const char *error, int64_t now,
                                        int64_t *n, struct ks_diag *diag);
/* Report `id` of `account` (any when 0); KS_ENOTFOUND otherwise. */
ks_err ks_store_report_get(struct ks_store *st, int64_t account, int64_t id,
                           struct ks_report_rec *out, struct ks_diag *diag);

/* Number of events waiting in the outbox (for tests and /metrics). */
ks_err ks_store_outbox_count(struct ks_store *st, int64_t *out, struct ks_diag *diag);

#endif
