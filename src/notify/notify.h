/* notify/notify.h - delivering the store's events to webhooks.
 *
 * Every finding transition and every processed inventory is queued in the
 * store's outbox (in the same transaction as the change), so a restart
 * loses none. Delivery is at least once: each event is POSTed as JSON to
 * every webhook of its account and of the administrators, signed:
 *
 *     X-Kensa-Event: finding.created
 *     X-Kensa-Delivery: <event id>           (receivers deduplicate on it)
 *     X-Kensa-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
 *
 * An event is done when every destination answered 2xx; otherwise it is
 * retried with exponential backoff (2^attempts seconds, at most an hour).
 * Only the kensa-server helper links this module (libcurl). */
#ifndef KS_NOTIFY_NOTIFY_H
#define KS_NOTIFY_NOTIFY_H

#include "core/err.h"
#include "store/store.h"

struct ks_notify_stats {
    size_t events;    /* events attempted */
    size_t delivered; /* events done */
    size_t failed;    /* events that will be retried */
};

/* Delivers up to `max` due events. `timeout_ms` bounds each POST. */
ks_err ks_notify_run_once(struct ks_store *st, int64_t now, size_t max, long timeout_ms,
                          struct ks_notify_stats *stats, struct ks_diag *diag);

#endif
