/* net/reach.c - reachability over the AWS model (see reach.h). */
#include "core/ks_common.h"

#include "net/reach.h"

#include "core/map.h"
#include "core/str.h"

__extension__ typedef unsigned __int128 u128;

/* ---- addresses: IPv4 mapped into ::ffff:0:0/96 so one line holds both ---- */

struct arange {
    u128 lo, hi;
};

static struct arange cidr_range(const struct ks_net_cidr *c)
{
    u128 a = 0, mask;
    unsigned bits = c->v6 ? 128 : 32, len = c->len;
    struct arange r;

    if (c->v6) {
        for (int i = 0; i < 16; i++)
            a = (a << 8) | c->a[i];
    } else {
        for (int i = 0; i < 4; i++)
            a = (a << 8) | c->a[i];
    }
    mask = len >= bits ? 0 : bits - len >= 128 ? ~(u128)0 : ((((u128)1) << (bits - len)) - 1);
    r.lo = a & ~mask;
    r.hi = r.lo | mask;
    if (!c->v6) {
        u128 base = ((u128)0xffff) << 32;
        r.lo = (r.lo & 0xffffffffu) | base;
        r.hi = (r.hi & 0xffffffffu) | base;
    }
    return r;
}

static bool is_v4(u128 a)
{
    return (a >> 32) == 0xffff;
}

/* An IPv6 prefix never holds the IPv4 addresses mapped into ::ffff:0:0/96. */
static bool in_cidr(const struct ks_net_cidr *c, u128 a)
{
    struct arange r = cidr_range(c);
    return c->v6 != is_v4(a) && a >= r.lo && a <= r.hi;
}

/* ---- port sets: sorted, disjoint, non-adjacent ranges ---- */

struct prange {
    int lo, hi;
};

struct pset {
    KS_VEC(struct prange) v;
};

static void pset_clear(struct pset *s)
{
    s->v.len = 0;
}

static ks_err pset_add(struct pset *s, int lo, int hi)
{
    size_t i = 0, j;

    if (lo > hi)
        return KS_OK;
    while (i < s->v.len && s->v.items[i].hi + 1 < lo)
        i++;
    j = i;
    while (j < s->v.len && s->v.items[j].lo <= hi + 1) {
        lo = KS_MIN(lo, s->v.items[j].lo);
        hi = KS_MAX(hi, s->v.items[j].hi);
        j++;
    }
    if (j == i) {
        if (KS_VEC_RESERVE(&s->v, s->v.len + 1))
            return KS_ENOMEM;
        memmove(s->v.items + i + 1, s->v.items + i, (s->v.len - i) * sizeof(*s->v.items));
        s->v.len++;
    } else if (j > i + 1) {
        memmove(s->v.items + i + 1, s->v.items + j, (s->v.len - j) * sizeof(*s->v.items));
        s->v.len -= j - i - 1;
    }
    s->v.items[i] = (struct prange){lo, hi};
    return KS_OK;
}

/* out += a ∩ b */
static ks_err pset_add_inter(struct pset *out, const struct pset *a, const struct pset *b)
{
    size_t i = 0, j = 0;

    while (i < a->v.len && j < b->v.len) {
        int lo = KS_MAX(a->v.items[i].lo, b->v.items[j].lo);
        int hi = KS_MIN(a->v.items[i].hi, b->v.items[j].hi);
        if (lo <= hi && pset_add(out, lo, hi))
            return KS_ENOMEM;
        if (a->v.items[i].hi < b->v.items[j].hi)
            i++;
        else
            j++;
    }
    return KS_OK;
}

static bool pset_has(const struct pset *s, int p)
{
    for (size_t i = 0; i < s->v.len; i++)
        if (p >= s->v.items[i].lo && p <= s->v.items[i].hi)
            return true;
    return false;
}

static bool pset_meets(const struct pset *s, int lo, int hi)
{
    for (size_t i = 0; i < s->v.len; i++)
        if (s->v.items[i].lo <= hi && s->v.items[i].hi >= lo)
            return true;
    return false;
}

static void pset_release(struct pset *s)
{
    KS_VEC_RELEASE(&s->v);
}

/* ---- the analysis context ---- */

#define NOTE_MAX 64

struct an {
    const struct ks_net_aws *m;
    struct ks_net_result *r;
    struct ks_map sg, subnet, vpc, tg, eni_by_ip, instance, pl, rtb_main, eni_seen, eni_primary;
    KS_VEC(struct arange) internet;
    KS_VEC(u128) bounds;
    struct pset nacl_in, nacl_tmp, nacl_rest, sg_tmp, *acc;
    size_t n_acc;
    bool have[KS_NET_K_COUNT];
};

static ks_err note(struct an *a, const char *fmt, ...) KS_PRINTF(2, 3);
static ks_err note(struct an *a, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    char *s;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < a->r->notes.len; i++)
        if (!strcmp(a->r->notes.items[i], buf))
            return KS_OK;
    if (a->r->notes.len >= NOTE_MAX)
        return KS_OK;
    s = ks_arena_strdup(&a->r->arena, buf);
    return !s || KS_VEC_PUSH(&a->r->notes, s) ? KS_ENOMEM : KS_OK;
}

static ks_err index_all(struct an *a)
{
    const struct ks_net_aws *m = a->m;
    ks_err err = KS_OK;

#define PUT(map, key, val) \
    if (!err && (key)) err = ks_map_put(&(map), (key), strlen(key), (void *)(val))
    for (size_t i = 0; i < m->sgs.len; i++)
        PUT(a->sg, m->sgs.items[i].id, &m->sgs.items[i]);
    for (size_t i = 0; i < m->subnets.len; i++)
        PUT(a->subnet, m->subnets.items[i].id, &m->subnets.items[i]);
    for (size_t i = 0; i < m->vpcs.len; i++)
        PUT(a->vpc, m->vpcs.items[i].id, &m->vpcs.items[i]);
    for (size_t i = 0; i < m->tgs.len; i++)
        PUT(a->tg, m->tgs.items[i].arn, &m->tgs.items[i]);
    for (size_t i = 0; i < m->pls.len; i++)
        PUT(a->pl, m->pls.items[i].id, &m->pls.items[i]);
    for (size_t i = 0; i < m->instances.len; i++)
        PUT(a->instance, m->instances.items[i].id, &m->instances.items[i]);
    for (size_t i = 0; i < m->enis.len; i++)
        if (!ks_map_get(&a->eni_by_ip, m->enis.items[i].private_ip ? m->enis.items[i].private_ip : "",
                        m->enis.items[i].private_ip ? strlen(m->enis.items[i].private_ip) : 0))
            PUT(a->eni_by_ip, m->enis.items[i].private_ip, &m->enis.items[i]);
    for (size_t i = 0; !err && i < m->enis.len; i++) {
        struct ks_net_eni *e = &m->enis.items[i];
        const struct ks_net_eni *cur;
        if (!e->instance)
            continue;
        cur = ks_map_get(&a->eni_primary, e->instance, strlen(e->instance));
        if (!cur || e->device < cur->device)
            err = ks_map_put(&a->eni_primary, e->instance, strlen(e->instance), (void *)e);
    }
    for (size_t i = 0; i < m->rtbs.len; i++)
        if (m->rtbs.items[i].main)
            PUT(a->rtb_main, m->rtbs.items[i].vpc, &m->rtbs.items[i]);
#undef PUT
    for (int k = 0; k < KS_NET_K_COUNT; k++)
        a->have[k] = (m->kinds >> k) & 1;
    return err;
}

/* The public internet as address ranges. */
static ks_err build_internet(struct an *a)
{
    static const char *const private4[] = {
            "0.0.0.0/8",     "10.0.0.0/8",   "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
            "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/3"};
    struct ks_net_cidr all4, g6;
    struct arange cur;

    ks_net_cidr_parse("0.0.0.0/0", &all4);
    cur = cidr_range(&all4);
    for (size_t i = 0; i < KS_ARRAY_LEN(private4); i++) { /* sorted, disjoint */
        struct ks_net_cidr c;
        struct arange p;
        ks_net_cidr_parse(private4[i], &c);
        p = cidr_range(&c);
        if (p.lo > cur.lo && KS_VEC_PUSH(&a->internet, ((struct arange){cur.lo, p.lo - 1})))
            return KS_ENOMEM;
        cur.lo = p.hi + 1;
    }
    if (cur.lo <= cur.hi && KS_VEC_PUSH(&a->internet, cur))
        return KS_ENOMEM;
    ks_net_cidr_parse("2000::/3", &g6);
    return KS_VEC_PUSH(&a->internet, cidr_range(&g6)) ? KS_ENOMEM : KS_OK;
}

static const struct ks_net_rtb *rtb_for(struct an *a, const char *subnet, const char *vpc)
{
    size_t idx = (size_t)ks_map_get(&a->m->rtb_of_subnet, subnet, strlen(subnet));

    if (idx)
        return &a->m->rtbs.items[idx - 1];
    return vpc ? ks_map_get(&a->rtb_main, vpc, strlen(vpc)) : NULL;
}

static const struct ks_net_acl *acl_for(struct an *a, const char *subnet, const char *vpc)
{
    size_t idx = (size_t)ks_map_get(&a->m->acl_of_subnet, subnet, strlen(subnet));

    if (idx)
        return &a->m->acls.items[idx - 1];
    for (size_t i = 0; vpc && i < a->m->acls.len; i++)
        if (a->m->acls.items[i].is_default && !strcmp(a->m->acls.items[i].vpc, vpc))
            return &a->m->acls.items[i];
    return NULL;
}

/* The target of the longest matching active route for `addr`, or NULL. */
static const char *route_lookup(struct an *a, const struct ks_net_rtb *t, u128 addr)
{
    const char *best = NULL;
    int best_len = -1;

    for (size_t i = 0; i < t->n_routes; i++) {
        const struct ks_net_route *r = &t->routes[i];
        int len = -1;

        if (r->prefix_list) {
            const struct ks_net_pl *pl = ks_map_get(&a->pl, r->prefix_list, strlen(r->prefix_list));
            for (size_t k = 0; pl && k < pl->n_entries; k++)
                if (in_cidr(&pl->entries[k], addr))
                    len = KS_MAX(len, (int)pl->entries[k].len + (pl->entries[k].v6 ? 0 : 96));
        } else if (in_cidr(&r->dst, addr)) {
            len = r->dst.len + (r->dst.v6 ? 0 : 96);
        }
        if (len > best_len) {
            best_len = len;
            best = r->active ? r->target : NULL;
        }
    }
    return best;
}

static bool proto_match(int rule, int proto)
{
    return rule == KS_NET_PROTO_ALL || rule == proto;
}

/* Network ACL, one direction, for source/destination `addr`: the ports of
 * `proto` allowed into `out` (first matching rule number decides). */
static ks_err acl_eval(struct an *a, const struct ks_net_acl *acl, bool egress, u128 addr,
                       int proto, struct pset *out)
{
    pset_clear(out);
    if (!acl)
        return pset_add(out, 0, 65535);
    /* Ports are decided by the first rule that covers them: walk the ordered
     * rules over the still-undecided ranges. */
    pset_clear(&a->nacl_tmp);
    if (pset_add(&a->nacl_tmp, 0, 65535))
        return KS_ENOMEM;
    for (size_t i = 0; i < acl->n_entries && a->nacl_tmp.v.len; i++) {
        const struct ks_net_acl_entry *e = &acl->entries[i];
        struct pset t;
        int lo, hi;

        if (e->egress != egress || !proto_match(e->proto, proto) || !in_cidr(&e->cidr, addr))
            continue;
        lo = e->proto == KS_NET_PROTO_ALL ? 0 : e->from;
        hi = e->proto == KS_NET_PROTO_ALL ? 65535 : e->to;
        pset_clear(&a->nacl_rest);
        for (size_t k = 0; k < a->nacl_tmp.v.len; k++) {
            struct prange u = a->nacl_tmp.v.items[k];
            int ilo = KS_MAX(u.lo, lo), ihi = KS_MIN(u.hi, hi);
            if (ilo > ihi) {
                if (pset_add(&a->nacl_rest, u.lo, u.hi))
                    return KS_ENOMEM;
                continue;
            }
            if (e->allow && pset_add(out, ilo, ihi))
                return KS_ENOMEM;
            if ((u.lo < ilo && pset_add(&a->nacl_rest, u.lo, ilo - 1)) ||
                (ihi < u.hi && pset_add(&a->nacl_rest, ihi + 1, u.hi)))
                return KS_ENOMEM;
        }
        t = a->nacl_tmp; /* the still-undecided ports become the rest */
        a->nacl_tmp = a->nacl_rest;
        a->nacl_rest = t;
    }
    return KS_OK;
}

/* Whether security-group rule `r` admits `addr` from the source. */
struct src {
    enum ks_net_source kind;
    const char *edge;        /* route target the return traffic must use; NULL: no check */
    const char *edge_type;   /* component type of the edge step */
    const char *peer_vpc;    /* peered: group references to this VPC's groups admit */
    const char *const *lb_groups; /* load-balancer hop: references to these admit */
    size_t n_lb_groups;
    const struct arange *space; /* candidate source addresses */
    size_t n_space;
    bool need_public; /* direct internet path: public IPv4 / IPv6 address needed */
};

static bool rule_admits(struct an *a, const struct ks_net_sg_rule *r, const struct src *s, u128 addr)
{
    switch (r->ref) {
    case KS_NET_REF_CIDR:
        return in_cidr(&r->cidr, addr);
    case KS_NET_REF_PREFIX_LIST: {
        const struct ks_net_pl *pl = ks_map_get(&a->pl, r->id, strlen(r->id));
        for (size_t k = 0; pl && k < pl->n_entries; k++)
            if (in_cidr(&pl->entries[k], addr))
                return true;
        return false;
    }
    case KS_NET_REF_GROUP:
        for (size_t k = 0; k < s->n_lb_groups; k++)
            if (!strcmp(s->lb_groups[k], r->id))
                return true;
        if (s->peer_vpc) {
            const struct ks_net_sg *g = ks_map_get(&a->sg, r->id, strlen(r->id));
            const char *vpc = r->group_vpc ? r->group_vpc : g ? g->vpc : NULL;
            return vpc && !strcmp(vpc, s->peer_vpc);
        }
        return false;
    }
    return false;
}

static int cmp_u128(const void *x, const void *y)
{
    u128 a = *(const u128 *)x, b = *(const u128 *)y;
    return (a > b) - (a < b);
}

static ks_err bound_cidr(struct an *a, const struct ks_net_cidr *c)
{
    struct arange r = cidr_range(c);

    if (KS_VEC_PUSH(&a->bounds, r.lo))
        return KS_ENOMEM;
    return r.hi == ~(u128)0 ? KS_OK : KS_VEC_PUSH(&a->bounds, r.hi + 1);
}

/* One interface (or a load balancer seen as one) and its security groups. */
struct iface {
    const char *subnet, *vpc;
    const struct ks_net_sg *const *groups; /* NULL entry: "allows everything" */
    size_t n_groups;
    bool public4, ipv6;
};

/* Evaluates source `s` against interface `f` for `proto`: a->acc[g] gets the
 * ports open through group g. Returns the ACL used in *acl_out. */
static ks_err eval(struct an *a, const struct iface *f, const struct src *s, int proto,
                   const struct ks_net_acl **acl_out)
{
    const struct ks_net_rtb *rtb = rtb_for(a, f->subnet, f->vpc);
    const struct ks_net_acl *acl = a->have[KS_NET_K_ACLS] ? acl_for(a, f->subnet, f->vpc) : NULL;
    ks_err err;

    *acl_out = acl;
    for (size_t g = 0; g < f->n_groups; g++)
        pset_clear(&a->acc[g]);
    if (s->edge && !rtb && a->have[KS_NET_K_ROUTES])
        return KS_OK;
    /* Elementary address intervals: every prefix that can change a decision. */
    a->bounds.len = 0;
    for (size_t i = 0; acl && i < acl->n_entries; i++)
        if ((err = bound_cidr(a, &acl->entries[i].cidr)))
            return err;
    for (size_t i = 0; rtb && i < rtb->n_routes; i++) {
        if (!rtb->routes[i].prefix_list) {
            if ((err = bound_cidr(a, &rtb->routes[i].dst)))
                return err;
        } else {
            const struct ks_net_pl *pl = ks_map_get(&a->pl, rtb->routes[i].prefix_list,
                                                    strlen(rtb->routes[i].prefix_list));
            for (size_t k = 0; pl && k < pl->n_entries; k++)
                if ((err = bound_cidr(a, &pl->entries[k])))
                    return err;
        }
    }
    for (size_t g = 0; g < f->n_groups; g++) {
        const struct ks_net_sg *sg = f->groups[g];
        for (size_t i = 0; sg && i < sg->n_in; i++) {
            const struct ks_net_sg_rule *r = &sg->in[i];
            if (r->ref == KS_NET_REF_CIDR) {
                if ((err = bound_cidr(a, &r->cidr)))
                    return err;
            } else if (r->ref == KS_NET_REF_PREFIX_LIST) {
                const struct ks_net_pl *pl = ks_map_get(&a->pl, r->id, strlen(r->id));
                for (size_t k = 0; pl && k < pl->n_entries; k++)
                    if ((err = bound_cidr(a, &pl->entries[k])))
                        return err;
            }
        }
    }
    if (a->bounds.len)
        qsort(a->bounds.items, a->bounds.len, sizeof(u128), cmp_u128);

    for (size_t sp = 0; sp < s->n_space; sp++) {
        u128 lo = s->space[sp].lo, hi = s->space[sp].hi;
        size_t bi = 0;

        while (bi < a->bounds.len && a->bounds.items[bi] <= lo)
            bi++;
        for (;;) {
            u128 addr = lo;
            bool ok = true;

            if (s->need_public)
                ok = is_v4(addr) ? f->public4 : f->ipv6;
            if (ok && s->edge && rtb) {
                const char *t = route_lookup(a, rtb, addr);
                ok = t && !strcmp(t, s->edge);
            }
            if (ok) {
                if ((err = acl_eval(a, acl, false, addr, proto, &a->nacl_in)))
                    return err;
                ok = a->nacl_in.v.len > 0;
            }
            if (ok && acl) {
                if ((err = acl_eval(a, acl, true, addr, proto, &a->sg_tmp)))
                    return err;
                ok = pset_meets(&a->sg_tmp, 1024, 65535);
            }
            for (size_t g = 0; ok && g < f->n_groups; g++) {
                const struct ks_net_sg *sg = f->groups[g];
                pset_clear(&a->sg_tmp);
                if (!sg && (err = pset_add(&a->sg_tmp, 0, 65535)))
                    return err;
                for (size_t i = 0; sg && i < sg->n_in; i++) {
                    const struct ks_net_sg_rule *r = &sg->in[i];
                    if (proto_match(r->proto, proto) && rule_admits(a, r, s, addr) &&
                        (err = pset_add(&a->sg_tmp, r->from, r->to)))
                        return err;
                }
                if ((err = pset_add_inter(&a->acc[g], &a->nacl_in, &a->sg_tmp)))
                    return err;
            }
            /* next elementary interval */
            while (bi < a->bounds.len && a->bounds.items[bi] <= lo)
                bi++;
            if (bi >= a->bounds.len || a->bounds.items[bi] > hi)
                break;
            lo = a->bounds.items[bi];
        }
    }
    return KS_OK;
}

/* ---- findings ---- */

static ks_err add_steps(struct an *a, struct ks_net_finding *f, const struct ks_net_step *st,
                        size_t n)
{
    f->steps = ks_arena_calloc(&a->r->arena, n, sizeof(*st));
    if (!f->steps)
        return KS_ENOMEM;
    memcpy(f->steps, st, n * sizeof(*st));
    f->n_steps = n;
    return KS_OK;
}

#define MAX_STEPS 30

/* Emits the union of a->acc as findings, split where the set of groups
 * that open a port changes. `pre` are the steps before the groups. */
static ks_err emit(struct an *a, const struct iface *f, const char *resource, const char *eni,
                   const struct src *s, int proto, const struct ks_net_step *pre, size_t n_pre)
{
    struct pset all = {KS_VEC_INIT};
    ks_err err = KS_OK;

    for (size_t g = 0; g < f->n_groups; g++)
        for (size_t i = 0; i < a->acc[g].v.len; i++)
            if ((err = pset_add(&all, a->acc[g].v.items[i].lo, a->acc[g].v.items[i].hi)))
                goto done;
    for (size_t i = 0; i < all.v.len; i++) {
        int p = all.v.items[i].lo, end = all.v.items[i].hi;
        while (p <= end) {
            /* the maximal run from p with the same covering groups */
            int q = end;
            for (size_t g = 0; g < f->n_groups; g++) {
                const struct pset *x = &a->acc[g];
                bool in = pset_has(x, p);
                for (size_t k = 0; k < x->v.len; k++) {
                    const struct prange *r = &x->v.items[k];
                    if (in && p >= r->lo && p <= r->hi)
                        q = KS_MIN(q, r->hi);
                    else if (!in && r->lo > p)
                        q = KS_MIN(q, r->lo - 1);
                }
            }
            struct ks_net_step st[MAX_STEPS];
            size_t n = 0;
            struct ks_net_finding fd = {resource, s->kind, proto, p, q, NULL, NULL, 0};
            for (size_t k = 0; k < n_pre && n < MAX_STEPS - 2; k++)
                st[n++] = pre[k];
            for (size_t g = 0; g < f->n_groups && n < MAX_STEPS - 2; g++)
                if (f->groups[g] && pset_has(&a->acc[g], p))
                    st[n++] = (struct ks_net_step){f->groups[g]->id, "AWS::EC2::SecurityGroup",
                                                   NULL};
            st[n++] = (struct ks_net_step){eni, "AWS::EC2::NetworkInterface", NULL};
            if (strcmp(resource, eni))
                st[n++] = (struct ks_net_step){resource, "AWS::EC2::Instance", NULL};
            if ((err = add_steps(a, &fd, st, n)) || (err = KS_VEC_PUSH(&a->r->findings, fd)))
                goto done;
            p = q + 1;
        }
    }
done:
    pset_release(&all);
    return err;
}

static ks_err ensure_acc(struct an *a, size_t n)
{
    if (n <= a->n_acc)
        return KS_OK;
    struct pset *p = realloc(a->acc, n * sizeof(*p));
    if (!p)
        return KS_ENOMEM;
    for (size_t i = a->n_acc; i < n; i++)
        p[i] = (struct pset){KS_VEC_INIT};
    a->acc = p;
    a->n_acc = n;
    return KS_OK;
}

/* The security groups of an interface: NULL entries when groups are not
 * known at all (no describe-security-groups): everything is assumed open. */
static ks_err groups_of(struct an *a, const char *const *ids, size_t n, bool none_means_open,
                        const struct ks_net_sg ***out, size_t *n_out)
{
    const struct ks_net_sg **g;
    size_t k = 0;

    g = ks_arena_calloc(&a->r->arena, n + 1, sizeof(*g));
    if (!g)
        return KS_ENOMEM;
    if (!a->have[KS_NET_K_SGS] || (n == 0 && none_means_open)) {
        g[0] = NULL;
        *out = g;
        *n_out = 1;
        return KS_OK;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ks_net_sg *sg = ks_map_get(&a->sg, ids[i], strlen(ids[i]));
        if (sg)
            g[k++] = sg;
        else if (note(a, "security group '%s' is not in the input: assumed to allow nothing",
                      ids[i]))
            return KS_ENOMEM;
    }
    *out = g;
    *n_out = k;
    return ensure_acc(a, k + 1);
}

static const char *igw_of(struct an *a, const char *vpc, const struct ks_net_rtb *rtb)
{
    for (size_t i = 0; i < a->m->igws.len; i++)
        if (a->m->igws.items[i].vpc && !strcmp(a->m->igws.items[i].vpc, vpc))
            return a->m->igws.items[i].id;
    if (a->have[KS_NET_K_IGWS] || !rtb)
        return NULL;
    for (size_t i = 0; i < rtb->n_routes; i++)
        if (ks_starts_with(rtb->routes[i].target, "igw-"))
            return rtb->routes[i].target;
    return NULL;
}

static ks_err step_acl(const struct ks_net_acl *acl, struct ks_net_step *st, size_t *n)
{
    if (acl)
        st[(*n)++] = (struct ks_net_step){acl->id, "AWS::EC2::NetworkAcl", NULL};
    return KS_OK;
}

static ks_err direct_paths(struct an *a, const struct ks_net_eni *e)
{
    const char *resource = e->instance ? e->instance : e->id;
    const struct ks_net_rtb *rtb = rtb_for(a, e->subnet, e->vpc);
    struct iface f = {e->subnet, e->vpc, NULL, 0, e->public_ip != NULL, e->ipv6};
    static const int protos[] = {KS_NET_TCP, KS_NET_UDP};
    const struct ks_net_sg **groups;
    ks_err err;

    if ((err = groups_of(a, e->groups, e->n_groups, false, &groups, &f.n_groups)))
        return err;
    f.groups = groups;
    if ((err = ensure_acc(a, f.n_groups + 1)))
        return err;
    if (!rtb && a->have[KS_NET_K_ROUTES] &&
        (err = note(a, "no route table for subnet '%s': its interfaces are taken as unreachable",
                    e->subnet)))
        return err;

    /* internet */
    const char *igw = igw_of(a, e->vpc, rtb);
    if (igw || !a->have[KS_NET_K_ROUTES]) {
        struct src s = {KS_NET_SRC_INTERNET, igw, "AWS::EC2::InternetGateway", NULL, NULL, 0,
                        a->internet.items, a->internet.len, true};
        struct src s_any = s;
        if (!a->have[KS_NET_K_ROUTES])
            s_any.edge = NULL; /* routes unknown: assume a route to the gateway */
        for (size_t p = 0; p < 2; p++) {
            const struct ks_net_acl *acl;
            struct ks_net_step st[2];
            size_t n = 0;
            if ((err = eval(a, &f, a->have[KS_NET_K_ROUTES] ? &s : &s_any, protos[p], &acl)))
                return err;
            st[n++] = (struct ks_net_step){igw ? igw : "internet-gateway",
                                           "AWS::EC2::InternetGateway", NULL};
            step_acl(acl, st, &n);
            if ((err = emit(a, &f, resource, e->id, &s, protos[p], st, n)))
                return err;
        }
    }
    /* peered VPCs */
    for (size_t i = 0; i < a->m->pcxs.len; i++) {
        const struct ks_net_pcx *x = &a->m->pcxs.items[i];
        bool side_a = !strcmp(x->vpc_a, e->vpc), side_b = !strcmp(x->vpc_b, e->vpc);
        struct arange sp[16];
        size_t nsp = 0;

        if (!x->active || (!side_a && !side_b))
            continue;
        for (size_t k = 0; k < (side_a ? x->n_b : x->n_a) && nsp < KS_ARRAY_LEN(sp); k++)
            sp[nsp++] = cidr_range(side_a ? &x->cidrs_b[k] : &x->cidrs_a[k]);
        struct src s = {KS_NET_SRC_PEERED, x->id, "AWS::EC2::VPCPeeringConnection",
                        side_a ? x->vpc_b : x->vpc_a, NULL, 0, sp, nsp, false};
        for (size_t p = 0; p < 2; p++) {
            const struct ks_net_acl *acl;
            struct ks_net_step st[2];
            size_t n = 0;
            if ((err = eval(a, &f, &s, protos[p], &acl)))
                return err;
            st[n++] = (struct ks_net_step){x->id, s.edge_type, NULL};
            step_acl(acl, st, &n);
            if ((err = emit(a, &f, resource, e->id, &s, protos[p], st, n)))
                return err;
        }
    }
    /* VPN through a virtual private gateway: sources are the networks the
     * route table sends to the gateway */
    for (size_t i = 0; rtb && i < a->m->vgws.len; i++) {
        const struct ks_net_vgw *g = &a->m->vgws.items[i];
        struct arange sp[64];
        size_t nsp = 0;
        bool attached = false, up = !a->have[KS_NET_K_VPNS];

        for (size_t k = 0; k < g->n_vpcs; k++)
            attached |= !strcmp(g->vpcs[k], e->vpc);
        for (size_t k = 0; k < a->m->vpns.len; k++)
            up |= a->m->vpns.items[k].available && a->m->vpns.items[k].vgw &&
                  !strcmp(a->m->vpns.items[k].vgw, g->id);
        if (!g->available || !attached || !up)
            continue;
        for (size_t k = 0; k < rtb->n_routes && nsp < KS_ARRAY_LEN(sp); k++)
            if (!strcmp(rtb->routes[k].target, g->id) && !rtb->routes[k].prefix_list)
                sp[nsp++] = cidr_range(&rtb->routes[k].dst);
        if (!nsp)
            continue;
        if (!a->have[KS_NET_K_VPNS] &&
            (err = note(a, "no VPN connections given: the connections of '%s' are assumed up",
                        g->id)))
            return err;
        struct src s = {KS_NET_SRC_VPN, g->id, "AWS::EC2::VPNGateway", NULL, NULL, 0, sp, nsp, false};
        for (size_t p = 0; p < 2; p++) {
            const struct ks_net_acl *acl;
            struct ks_net_step st[2];
            size_t n = 0;
            if ((err = eval(a, &f, &s, protos[p], &acl)))
                return err;
            st[n++] = (struct ks_net_step){g->id, s.edge_type, NULL};
            step_acl(acl, st, &n);
            if ((err = emit(a, &f, resource, e->id, &s, protos[p], st, n)))
                return err;
        }
    }
    return KS_OK;
}

/* ---- load balancers ---- */

static const struct ks_net_eni *target_eni(struct an *a, const struct ks_net_tg *tg,
                                           const struct ks_net_target *t)
{
    if (tg->type && !strcmp(tg->type, "ip"))
        return ks_map_get(&a->eni_by_ip, t->id, strlen(t->id));
    return ks_map_get(&a->eni_primary, t->id, strlen(t->id));
}

static ks_err lb_paths(struct an *a, const struct ks_net_lb *lb)
{
    const struct ks_net_sg **lbg;
    size_t n_lbg;
    ks_err err;
    bool nlb_open = lb->type && !strcmp(lb->type, "network") && lb->n_groups == 0;

    if (!lb->internet_facing || (lb->type && !strcmp(lb->type, "gateway")))
        return KS_OK;
    if ((err = groups_of(a, lb->groups, lb->n_groups, true, &lbg, &n_lbg)))
        return err;
    for (size_t li = 0; li < a->m->listeners.len; li++) {
        const struct ks_net_listener *l = &a->m->listeners.items[li];
        bool tcp, udp;

        if (strcmp(l->lb_arn, lb->arn) || l->port < 0)
            continue;
        udp = l->protocol && (!strcmp(l->protocol, "UDP") || !strcmp(l->protocol, "TCP_UDP"));
        tcp = !l->protocol || strcmp(l->protocol, "UDP");
        for (int pi = 0; pi < 2; pi++) {
            int proto = pi ? KS_NET_UDP : KS_NET_TCP;
            struct ks_net_step front[MAX_STEPS];
            size_t nf = 0;
            const struct ks_net_subnet *via = NULL;

            if ((pi == 0 && !tcp) || (pi == 1 && !udp))
                continue;
            /* the front: internet -> a balancer subnet's ACL -> its groups */
            for (size_t si = 0; si < lb->n_subnets && !via; si++) {
                const struct ks_net_rtb *rtb = rtb_for(a, lb->subnets[si], lb->vpc);
                const char *igw = lb->vpc ? igw_of(a, lb->vpc, rtb) : NULL;
                struct iface f = {lb->subnets[si], lb->vpc, lbg, n_lbg, true, true};
                struct src s = {KS_NET_SRC_INTERNET, a->have[KS_NET_K_ROUTES] ? igw : NULL,
                                "AWS::EC2::InternetGateway", NULL, NULL, 0,
                                a->internet.items, a->internet.len, false};
                const struct ks_net_acl *acl;
                if (a->have[KS_NET_K_ROUTES] && !igw)
                    continue;
                if ((err = ensure_acc(a, n_lbg + 1)) || (err = eval(a, &f, &s, proto, &acl)))
                    return err;
                for (size_t g = 0; g < n_lbg; g++) {
                    if (!pset_has(&a->acc[g], l->port))
                        continue;
                    if (!via) {
                        via = ks_map_get(&a->subnet, lb->subnets[si], strlen(lb->subnets[si]));
                        if (!via) {
                            static struct ks_net_subnet unknown;
                            via = &unknown;
                        }
                        front[nf++] = (struct ks_net_step){igw ? igw : "internet-gateway",
                                                           "AWS::EC2::InternetGateway", NULL};
                        step_acl(acl, front, &nf);
                    }
                    if (lbg[g])
                        front[nf++] = (struct ks_net_step){lbg[g]->id,
                                                           "AWS::EC2::SecurityGroup", NULL};
                }
            }
            if (!via)
                continue;
            front[nf++] = (struct ks_net_step){lb->name,
                                               "AWS::ElasticLoadBalancingV2::LoadBalancer", lb->arn};
            front[nf++] = (struct ks_net_step){l->arn, "AWS::ElasticLoadBalancingV2::Listener",
                                               l->arn};
            /* the back: each target group's targets, the balancer as source */
            for (size_t ti = 0; ti < l->n_target_groups; ti++) {
                const struct ks_net_tg *tg = ks_map_get(&a->tg, l->target_groups[ti],
                                                        strlen(l->target_groups[ti]));
                struct arange sp[16];
                size_t nsp = 0;

                if (!tg) {
                    if ((err = note(a, "target group '%s' is not in the input",
                                    l->target_groups[ti])))
                        return err;
                    continue;
                }
                if (!tg->targets_known) {
                    if ((err = note(a, "targets of target group '%s' unknown (no "
                                       "describe-target-health output for it)",
                                    tg->name)))
                        return err;
                    continue;
                }
                if (!nlb_open) {
                    for (size_t si = 0; si < lb->n_subnets && nsp < KS_ARRAY_LEN(sp); si++) {
                        const struct ks_net_subnet *sn = ks_map_get(&a->subnet, lb->subnets[si],
                                                                    strlen(lb->subnets[si]));
                        if (sn)
                            sp[nsp++] = cidr_range(&sn->cidr);
                    }
                    if (!nsp) {
                        const struct ks_net_vpc *v = lb->vpc ? ks_map_get(&a->vpc, lb->vpc,
                                                                          strlen(lb->vpc))
                                                             : NULL;
                        for (size_t k = 0; v && k < v->n_cidrs && nsp < KS_ARRAY_LEN(sp); k++)
                            sp[nsp++] = cidr_range(&v->cidrs[k]);
                    }
                }
                struct src s = {KS_NET_SRC_INTERNET, NULL, NULL, NULL,
                                (const char *const *)lb->groups, lb->n_groups,
                                nlb_open ? a->internet.items : sp,
                                nlb_open ? a->internet.len : nsp, false};
                for (size_t k = 0; k < tg->n_targets; k++) {
                    const struct ks_net_target *t = &tg->targets[k];
                    const struct ks_net_eni *e = target_eni(a, tg, t);
                    int port = t->port ? t->port : tg->port;
                    const struct ks_net_sg **groups;
                    struct iface f = {0};
                    const struct ks_net_acl *acl;
                    struct ks_net_step st[MAX_STEPS];
                    size_t n = 0;

                    if (!e) {
                        if ((err = note(a, "target '%s' of '%s' has no known interface", t->id,
                                        tg->name)))
                            return err;
                        continue;
                    }
                    f = (struct iface){e->subnet, e->vpc, NULL, 0, true, true};
                    if ((err = groups_of(a, e->groups, e->n_groups, false, &groups, &f.n_groups)))
                        return err;
                    f.groups = groups;
                    if ((err = ensure_acc(a, f.n_groups + 1)) ||
                        (err = eval(a, &f, &s, proto, &acl)))
                        return err;
                    for (size_t g = 0; g < f.n_groups; g++) {
                        bool open = pset_has(&a->acc[g], port);
                        pset_clear(&a->acc[g]);
                        if (open && (err = pset_add(&a->acc[g], port, port)))
                            return err;
                    }
                    for (size_t q = 0; q < nf && n < MAX_STEPS - 8; q++)
                        st[n++] = front[q];
                    st[n++] = (struct ks_net_step){tg->name,
                                                   "AWS::ElasticLoadBalancingV2::TargetGroup",
                                                   tg->arn};
                    step_acl(acl, st, &n);
                    size_t before = a->r->findings.len;
                    if ((err = emit(a, &f, e->instance ? e->instance : e->id, e->id, &s, proto,
                                    st, n)))
                        return err;
                    for (size_t q = before; q < a->r->findings.len; q++)
                        a->r->findings.items[q].via_lb = lb->name;
                }
            }
        }
    }
    return KS_OK;
}

/* ---- driver ---- */

static int cmp_finding(const void *x, const void *y)
{
    const struct ks_net_finding *a = x, *b = y;
    int c = strcmp(a->resource, b->resource);

    if (c)
        return c;
    if (a->source != b->source)
        return (int)a->source - (int)b->source;
    if ((a->via_lb != NULL) != (b->via_lb != NULL))
        return a->via_lb ? 1 : -1;
    if (a->proto != b->proto)
        return a->proto - b->proto;
    if (a->begin != b->begin)
        return a->begin - b->begin;
    c = strcmp(a->steps[0].id, b->steps[0].id);
    if (c)
        return c;
    for (size_t i = 0; i < a->n_steps && i < b->n_steps; i++)
        if ((c = strcmp(a->steps[i].id, b->steps[i].id)))
            return c;
    return (a->n_steps > b->n_steps) - (a->n_steps < b->n_steps);
}

void ks_net_result_init(struct ks_net_result *r)
{
    memset(r, 0, sizeof(*r));
    ks_arena_init(&r->arena, 256 * 1024, 0);
}

void ks_net_result_release(struct ks_net_result *r)
{
    KS_VEC_RELEASE(&r->findings);
    KS_VEC_RELEASE(&r->notes);
    ks_arena_release(&r->arena);
}

static ks_err coverage(struct an *a)
{
    static const struct {
        enum ks_net_kind k;
        const char *text;
    } miss[] = {
            {KS_NET_K_INSTANCES, "no describe-instances output: interfaces from "
                                 "describe-network-interfaces only"},
            {KS_NET_K_ROUTES, "no route tables given: every subnet is assumed to route to its "
                              "VPC's internet gateway"},
            {KS_NET_K_ACLS, "no network ACLs given: the default network ACL (allow all) is "
                            "assumed for every subnet"},
            {KS_NET_K_SGS, "no security groups given: every port is assumed open"},
            {KS_NET_K_IGWS, "no internet gateways given: igw- route targets are assumed "
                            "attached"},
            {KS_NET_K_PCXS, "no VPC peering connections given: peered sources not analysed"},
            {KS_NET_K_VGWS, "no VPN gateways given: VPN sources not analysed"},
            {KS_NET_K_LBS, "no load balancers given: paths through load balancers not "
                           "analysed"},
    };
    ks_err err;

    for (size_t i = 0; i < KS_ARRAY_LEN(miss); i++)
        if (!a->have[miss[i].k] && (err = note(a, "%s", miss[i].text)))
            return err;
    if (a->have[KS_NET_K_LBS] && !a->have[KS_NET_K_LISTENERS] &&
        (err = note(a, "no listeners given: paths through load balancers not analysed")))
        return err;
    for (size_t i = 0; i < a->m->pls.len; i++)
        if (!a->m->pls.items[i].entries_known &&
            (err = note(a, "entries of prefix list '%s' unknown: rules naming it admit nothing",
                        a->m->pls.items[i].id)))
            return err;
    return KS_OK;
}

ks_err ks_net_analyze(const struct ks_net_aws *m, struct ks_net_result *r, struct ks_diag *diag)
{
    struct an a = {0};
    ks_err err;

    a.m = m;
    a.r = r;
    if ((err = index_all(&a)) || (err = build_internet(&a)) || (err = coverage(&a)))
        goto done;
    /* unknown prefix lists referenced by rules */
    for (size_t i = 0; i < m->sgs.len; i++)
        for (size_t k = 0; k < m->sgs.items[i].n_in; k++) {
            const struct ks_net_sg_rule *ru = &m->sgs.items[i].in[k];
            const struct ks_net_pl *pl;
            if (ru->ref != KS_NET_REF_PREFIX_LIST)
                continue;
            pl = ks_map_get(&a.pl, ru->id, strlen(ru->id));
            if ((!pl || !pl->entries_known) &&
                (err = note(&a, "entries of prefix list '%s' unknown: rules naming it admit "
                                "nothing",
                            ru->id)))
                goto done;
        }
    for (size_t i = 0; i < m->enis.len; i++) {
        struct ks_net_eni *e = &m->enis.items[i];
        if (ks_map_get(&a.eni_seen, e->id, strlen(e->id)))
            continue; /* listed by describe-instances and describe-network-interfaces */
        if ((err = ks_map_put(&a.eni_seen, e->id, strlen(e->id), (void *)e)))
            goto done;
        r->n_enis++;
        if (e->instance) {
            const struct ks_net_instance *in = ks_map_get(&a.instance, e->instance,
                                                          strlen(e->instance));
            if (in && in->state && strcmp(in->state, "running"))
                continue; /* stopped instances have no open ports */
        }
        if ((err = direct_paths(&a, e)))
            goto done;
    }
    r->n_instances = m->instances.len;
    if (m->listeners.len)
        for (size_t i = 0; i < m->lbs.len; i++)
            if ((err = lb_paths(&a, &m->lbs.items[i])))
                goto done;
    if (r->findings.len)
        qsort(r->findings.items, r->findings.len, sizeof(*r->findings.items), cmp_finding);
done:
    if (err)
        ks_diag_set(diag, err, "network analysis: %s", ks_err_str(err));
    for (size_t i = 0; i < a.n_acc; i++)
        pset_release(&a.acc[i]);
    free(a.acc);
    pset_release(&a.nacl_in);
    pset_release(&a.nacl_tmp);
    pset_release(&a.nacl_rest);
    pset_release(&a.sg_tmp);
    KS_VEC_RELEASE(&a.internet);
    KS_VEC_RELEASE(&a.bounds);
    ks_map_release(&a.sg);
    ks_map_release(&a.subnet);
    ks_map_release(&a.vpc);
    ks_map_release(&a.tg);
    ks_map_release(&a.eni_by_ip);
    ks_map_release(&a.instance);
    ks_map_release(&a.pl);
    ks_map_release(&a.rtb_main);
    ks_map_release(&a.eni_seen);
    ks_map_release(&a.eni_primary);
    return err;
}

/* ---- queries ---- */

static size_t first_of(const struct ks_net_result *r, const char *id)
{
    size_t lo = 0, hi = r->findings.len;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(r->findings.items[mid].resource, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t ks_net_exposure(const struct ks_net_result *r, const char *id, ks_net_range_fn *fn,
                       void *ctx)
{
    size_t n = 0;

    for (size_t i = first_of(r, id);
         i < r->findings.len && !strcmp(r->findings.items[i].resource, id); i++) {
        const struct ks_net_finding *f = &r->findings.items[i];
        if (f->source != KS_NET_SRC_INTERNET)
            continue;
        if (fn)
            fn(f->proto, f->begin, f->end, ctx);
        n++;
    }
    return n;
}

bool ks_net_internet_exposed(const struct ks_net_result *r, const char *id)
{
    return ks_net_exposure(r, id, NULL, NULL) > 0;
}

bool ks_net_port_exposed(const struct ks_net_result *r, const char *id, int proto, int port)
{
    for (size_t i = first_of(r, id);
         i < r->findings.len && !strcmp(r->findings.items[i].resource, id); i++) {
        const struct ks_net_finding *f = &r->findings.items[i];
        if (f->source == KS_NET_SRC_INTERNET && f->proto == proto && port >= f->begin &&
            port <= f->end)
            return true;
    }
    return false;
}

/* ---- presentation ---- */

const char *ks_net_source_name(enum ks_net_source s)
{
    return s == KS_NET_SRC_INTERNET ? "internet" : s == KS_NET_SRC_PEERED ? "peered-vpc" : "vpn";
}

static const char *edge_phrase(enum ks_net_source s)
{
    return s == KS_NET_SRC_INTERNET ? "an Internet Gateway"
           : s == KS_NET_SRC_PEERED ? "a Peered VPC"
                                    : "a Virtual Private Gateway";
}

void ks_net_title(const struct ks_net_finding *f, struct ks_buf *out)
{
    if (f->begin == f->end)
        ks_buf_addf(out, "Port %d", f->begin);
    else
        ks_buf_addf(out, "Port range %d-%d", f->begin, f->end);
    ks_buf_addf(out, " is reachable from %s", edge_phrase(f->source));
    if (f->via_lb)
        ks_buf_addf(out, " through load balancer %s", f->via_lb);
    ks_buf_addf(out, " - %s", f->proto == KS_NET_TCP ? "TCP" : "UDP");
}

const char *ks_net_severity(const struct ks_net_finding *f)
{
    if (f->source != KS_NET_SRC_INTERNET)
        return "LOW";
    return f->end - f->begin >= 999 ? "HIGH" : "MEDIUM";
}

static const char *short_type(const char *t)
{
    const char *p = strrchr(t, ':');
    return p ? p + 1 : t;
}

void ks_net_write_findings(const struct ks_net_result *r, struct ks_jw *w)
{
    struct ks_buf b = KS_BUF_INIT(0);

    ks_jw_arr_begin(w);
    for (size_t i = 0; i < r->findings.len; i++) {
        const struct ks_net_finding *f = &r->findings.items[i];
        const struct ks_net_step *edge = &f->steps[0];
        const char *eni = NULL;

        for (size_t k = 0; k < f->n_steps; k++)
            if (!strcmp(f->steps[k].type, "AWS::EC2::NetworkInterface"))
                eni = f->steps[k].id;
        ks_jw_obj_begin(w);
        ks_jw_kstr(w, "type", "NETWORK_REACHABILITY");
        ks_jw_kstr(w, "resourceId", f->resource);
        ks_jw_kstr(w, "sourceKind", ks_net_source_name(f->source));
        ks_buf_reset(&b);
        ks_net_title(f, &b);
        ks_jw_kstr(w, "title", ks_buf_str(&b));
        ks_buf_reset(&b);
        ks_buf_addf(&b, "On the instance %s, the port range %d-%d is reachable from the %s %s",
                    f->resource, f->begin, f->end, short_type(edge->type), edge->id);
        if (f->via_lb)
            ks_buf_addf(&b, " through the load balancer %s", f->via_lb);
        if (eni)
            ks_buf_addf(&b, " from an attached ENI %s", eni);
        ks_buf_adds(&b, ".");
        ks_jw_kstr(w, "description", ks_buf_str(&b));
        ks_jw_kstr(w, "severity", ks_net_severity(f));
        ks_jw_key(w, "networkReachabilityDetails");
        ks_jw_obj_begin(w);
        ks_jw_key(w, "openPortRange");
        ks_jw_obj_begin(w);
        ks_jw_kint(w, "begin", f->begin);
        ks_jw_kint(w, "end", f->end);
        ks_jw_obj_end(w);
        ks_jw_kstr(w, "protocol", f->proto == KS_NET_TCP ? "TCP" : "UDP");
        ks_jw_key(w, "networkPath");
        ks_jw_obj_begin(w);
        ks_jw_key(w, "steps");
        ks_jw_arr_begin(w);
        for (size_t k = 0; k < f->n_steps; k++) {
            ks_jw_obj_begin(w);
            ks_jw_kstr(w, "componentId", f->steps[k].id);
            ks_jw_kstr(w, "componentType", f->steps[k].type);
            ks_jw_kstr_opt(w, "componentArn", f->steps[k].arn);
            ks_jw_obj_end(w);
        }
        ks_jw_arr_end(w);
        ks_jw_obj_end(w);
        ks_jw_obj_end(w);
        ks_jw_key(w, "remediation");
        ks_jw_obj_begin(w);
        ks_jw_key(w, "recommendation");
        ks_jw_obj_begin(w);
        ks_jw_kstr(w, "text", "You can restrict access to your instance by modifying the "
                              "Security Groups or ACLs in the network path.");
        ks_jw_obj_end(w);
        ks_jw_obj_end(w);
        ks_jw_obj_end(w);
    }
    ks_jw_arr_end(w);
    ks_buf_release(&b);
}
