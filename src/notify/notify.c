#include "core/ks_common.h"

#include "notify/notify.h"

#include "core/buf.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/vec.h"
#include "formats/json.h"
#include "http/http.h"

#include <time.h>

struct pending {
    int64_t id, account;
    int attempts;
    char *body; /* the JSON POSTed */
    char *kind;
};

struct hook {
    char *url, *secret;
};

static ks_err collect_event(const struct ks_event *e, void *ctx)
{
    KS_VEC(struct pending) *v = ctx;
    struct ks_buf b = KS_BUF_INIT(1u << 20);
    struct ks_arena a = KS_ARENA_INIT(4096, 0);
    struct ks_limits lim = ks_limits_default;
    struct ks_value *payload = NULL;
    struct pending p;
    struct ks_jw w;
    char when[32];
    time_t t = (time_t)e->created_at;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (e->payload)
        ks_json_parse(&a, "payload", e->payload, strlen(e->payload), &lim, &payload, NULL);
    ks_jw_init(&w, &b, 0);
    ks_jw_obj_begin(&w);
    ks_jw_kint(&w, "id", e->id);
    ks_jw_kstr(&w, "type", e->kind);
    ks_jw_kint(&w, "accountId", e->account);
    ks_jw_kstr(&w, "time", when);
    if (e->status) {
        ks_jw_key(&w, "finding");
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "id", e->subject);
        ks_jw_kstr(&w, "status", e->status);
        ks_jw_kstr_opt(&w, "severity", e->severity);
        ks_jw_kstr_opt(&w, "title", e->title);
        ks_jw_kstr_opt(&w, "vulnerabilityId", e->vuln_id);
        ks_jw_kstr_opt(&w, "resourceId", e->rid);
        ks_jw_obj_end(&w);
    } else {
        ks_jw_kstr(&w, "subject", e->subject);
    }
    if (payload) {
        ks_jw_key(&w, "detail");
        ks_jw_value(&w, payload);
    }
    ks_jw_obj_end(&w);
    ks_arena_release(&a);
    if (ks_jw_finish(&w)) {
        ks_buf_release(&b);
        return KS_ENOMEM;
    }
    p.id = e->id;
    p.account = e->account;
    p.attempts = e->attempts;
    p.body = ks_buf_detach(&b, NULL);
    p.kind = strdup(e->kind);
    if (!p.body || !p.kind || KS_VEC_PUSH(v, p)) {
        free(p.body);
        free(p.kind);
        return KS_ENOMEM;
    }
    return KS_OK;
}

static ks_err collect_hook(const struct ks_webhook *wh, void *ctx)
{
    KS_VEC(struct hook) *v = ctx;
    struct hook h = {strdup(wh->url), strdup(wh->secret)};

    if (!h.url || !h.secret || KS_VEC_PUSH(v, h)) {
        free(h.url);
        free(h.secret);
        return KS_ENOMEM;
    }
    return KS_OK;
}

/* POSTs one event to one webhook; true on a 2xx answer. */
static bool post(const struct hook *h, const struct pending *p, int64_t now, long timeout_ms)
{
    struct ks_buf signed_text = KS_BUF_INIT(0);
    unsigned char mac[KS_SHA256_LEN];
    char hex[KS_SHA256_HEX], sig[200], event[160], delivery[64];
    const char *headers[3];
    struct ks_diag d = KS_DIAG_INIT;
    long status = 0;
    ks_err err;

    if (ks_buf_addf(&signed_text, "%lld.%s", (long long)now, p->body))
        return false;
    ks_hmac_sha256(h->secret, strlen(h->secret), signed_text.ptr, signed_text.len, mac);
    ks_buf_release(&signed_text);
    ks_hex(mac, sizeof(mac), hex);
    snprintf(sig, sizeof(sig), "X-Kensa-Signature: t=%lld,v1=%s", (long long)now, hex);
    snprintf(event, sizeof(event), "X-Kensa-Event: %s", p->kind);
    snprintf(delivery, sizeof(delivery), "X-Kensa-Delivery: %lld", (long long)p->id);
    headers[0] = event;
    headers[1] = delivery;
    headers[2] = sig;
    err = ks_http_post_json(h->url, headers, 3, p->body, strlen(p->body), timeout_ms, &status,
                            &d);
    if (err || status < 200 || status > 299) {
        ks_log_info("webhook '%s': event %lld not delivered: %s", h->url, (long long)p->id,
                    err ? d.msg : "non-2xx answer");
        return false;
    }
    return true;
}

ks_err ks_notify_run_once(struct ks_store *st, int64_t now, size_t max, long timeout_ms,
                          struct ks_notify_stats *stats, struct ks_diag *diag)
{
    KS_VEC(struct pending) ev = KS_VEC_INIT;
    KS_VEC(struct hook) hooks = KS_VEC_INIT;
    ks_err err;

    memset(stats, 0, sizeof(*stats));
    /* Read first, then send: the store is not written while a query is open. */
    err = ks_store_outbox_due(st, now, max, collect_event, &ev, diag);
    for (size_t i = 0; !err && i < ev.len; i++) {
        const struct pending *p = &ev.items[i];
        bool all = true;

        for (size_t k = 0; k < hooks.len; k++) {
            free(hooks.items[k].url);
            free(hooks.items[k].secret);
        }
        hooks.len = 0;
        err = ks_store_webhooks_for(st, p->account, collect_hook, &hooks, diag);
        for (size_t k = 0; !err && k < hooks.len; k++)
            all = post(&hooks.items[k], p, now, timeout_ms) && all;
        if (err)
            break;
        stats->events++;
        if (all) {
            stats->delivered++;
            err = ks_store_outbox_result(st, p->id, true, now, 0, diag);
        } else {
            int shift = p->attempts < 12 ? p->attempts : 12;
            int64_t wait = KS_MIN((int64_t)1 << shift, (int64_t)3600);
            stats->failed++;
            err = ks_store_outbox_result(st, p->id, false, now, now + wait, diag);
        }
    }
    for (size_t k = 0; k < hooks.len; k++) {
        free(hooks.items[k].url);
        free(hooks.items[k].secret);
    }
    KS_VEC_RELEASE(&hooks);
    for (size_t i = 0; i < ev.len; i++) {
        free(ev.items[i].body);
        free(ev.items[i].kind);
    }
    KS_VEC_RELEASE(&ev);
    if (err == KS_ENOMEM)
        return ks_diag_set(diag, err, "out of memory");
    return err;
}
