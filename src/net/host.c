/* net/host.c - listening sockets and host firewall evaluation (see host.h). */
#include "core/ks_common.h"

#include "net/host.h"

#include "core/buf.h"
#include "core/file.h"
#include "core/str.h"
#include "formats/json.h"

#include <dirent.h>
#include <unistd.h>

/* ---- sockets ---- */

void ks_net_sockets_init(struct ks_net_sockets *s)
{
    memset(s, 0, sizeof(*s));
    ks_arena_init(&s->arena, 64 * 1024, 0);
}

void ks_net_sockets_release(struct ks_net_sockets *s)
{
    KS_VEC_RELEASE(&s->items);
    ks_arena_release(&s->arena);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* "0100007F:0016": the address is printed as 32-bit words in host order. */
static bool parse_endpoint(const char *p, size_t n, bool v6, struct ks_net_cidr *a, int *port)
{
    size_t hex = v6 ? 32 : 8;
    int pt = 0;

    if (n != hex + 5 || p[hex] != ':')
        return false;
    memset(a, 0, sizeof(*a));
    a->v6 = v6;
    a->len = v6 ? 128 : 32;
    for (size_t w = 0; w < hex / 8; w++) {
        uint32_t word = 0;
        for (size_t i = 0; i < 8; i++) {
            int h = hexval(p[w * 8 + i]);
            if (h < 0)
                return false;
            word = word << 4 | (uint32_t)h;
        }
        /* the kernel prints the in-memory word: little-endian on the hosts we run on */
        for (int b = 0; b < 4; b++)
            a->a[w * 4 + (size_t)b] = (uint8_t)(word >> (8 * b));
    }
    for (size_t i = 0; i < 4; i++) {
        int h = hexval(p[hex + 1 + i]);
        if (h < 0)
            return false;
        pt = pt << 4 | h;
    }
    *port = pt;
    return true;
}

static int cmp_socket(const void *x, const void *y)
{
    const struct ks_net_socket *a = x, *b = y;
    int c;

    if (a->proto != b->proto)
        return a->proto - b->proto;
    if (a->port != b->port)
        return a->port - b->port;
    if (a->addr.v6 != b->addr.v6)
        return a->addr.v6 - b->addr.v6;
    c = memcmp(a->addr.a, b->addr.a, 16);
    return c ? c : (a->inode > b->inode) - (a->inode < b->inode);
}

ks_err ks_net_sockets_parse(struct ks_net_sockets *s, const char *name, const char *text,
                            size_t len, int proto, bool v6, struct ks_diag *diag)
{
    size_t pos = 0;
    unsigned line = 0;

    while (pos < len) {
        const char *ln = text + pos, *nl = memchr(ln, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - ln) : len - pos;
        const char *f[12];
        size_t fl[12], nf = 0, i = 0;

        pos += n + (nl != NULL);
        if (++line == 1 || n == 0)
            continue; /* header */
        while (i < n && nf < KS_ARRAY_LEN(f)) {
            while (i < n && ln[i] == ' ')
                i++;
            if (i >= n)
                break;
            f[nf] = ln + i;
            while (i < n && ln[i] != ' ')
                i++;
            fl[nf] = (size_t)(ln + i - f[nf]);
            nf++;
        }
        struct ks_net_socket so = {0};
        uint64_t inode = 0;
        int st, rport;
        struct ks_net_cidr raddr;
        if (nf < 10 || fl[3] != 2 || !parse_endpoint(f[1], fl[1], v6, &so.addr, &so.port) ||
            !parse_endpoint(f[2], fl[2], v6, &raddr, &rport))
            return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: not a socket table line", name,
                               line);
        st = hexval(f[3][0]) * 16 + hexval(f[3][1]);
        for (size_t k = 0; k < fl[9]; k++) {
            if (f[9][k] < '0' || f[9][k] > '9' || inode > UINT64_MAX / 10 - 10)
                return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: bad inode", name, line);
            inode = inode * 10 + (uint64_t)(f[9][k] - '0');
        }
        /* TCP_LISTEN is 0x0A; an unconnected UDP socket is TCP_CLOSE (0x07) */
        if ((proto == KS_NET_TCP && st != 0x0A) || (proto == KS_NET_UDP && (st != 0x07 || rport)))
            continue;
        so.proto = proto;
        so.inode = inode;
        if (KS_VEC_PUSH(&s->items, so))
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    if (s->items.len)
        qsort(s->items.items, s->items.len, sizeof(*s->items.items), cmp_socket);
    return KS_OK;
}

static void find_owners(struct ks_net_sockets *s, const char *proc)
{
    DIR *d = opendir(proc);
    struct dirent *de;

    if (!d)
        return;
    while ((de = readdir(d))) {
        char path[512], link[128], comm[64] = "";
        DIR *fd;
        struct dirent *fe;
        int pid = 0;

        for (const char *c = de->d_name; *c; c++) {
            if (*c < '0' || *c > '9' || pid > 100000000) {
                pid = -1;
                break;
            }
            pid = pid * 10 + (*c - '0');
        }
        if (pid <= 0)
            continue;
        snprintf(path, sizeof(path), "%s/%d/fd", proc, pid);
        if (!(fd = opendir(path)))
            continue;
        while ((fe = readdir(fd))) {
            char lp[600];
            ssize_t n;
            uint64_t ino = 0;
            snprintf(lp, sizeof(lp), "%s/%s", path, fe->d_name);
            n = readlink(lp, link, sizeof(link) - 1);
            if (n <= 0)
                continue;
            link[n] = '\0';
            if (!ks_starts_with(link, "socket:["))
                continue;
            for (const char *c = link + 8; *c >= '0' && *c <= '9'; c++)
                ino = ino * 10 + (uint64_t)(*c - '0');
            for (size_t i = 0; i < s->items.len; i++) {
                struct ks_net_socket *so = &s->items.items[i];
                if (so->inode != ino || so->pid)
                    continue;
                if (!comm[0]) {
                    char cp[512];
                    FILE *f;
                    snprintf(cp, sizeof(cp), "%s/%d/comm", proc, pid);
                    if ((f = fopen(cp, "r"))) {
                        if (fgets(comm, sizeof(comm), f))
                            comm[strcspn(comm, "\n")] = '\0';
                        fclose(f);
                    }
                }
                so->pid = pid;
                so->comm = comm[0] ? ks_arena_strdup(&s->arena, comm) : NULL;
            }
        }
        closedir(fd);
    }
    closedir(d);
}

ks_err ks_net_sockets_read(struct ks_net_sockets *s, const char *proc, bool owners,
                           const struct ks_limits *lim, struct ks_diag *diag)
{
    static const struct {
        const char *file;
        int proto;
        bool v6;
    } tabs[] = {{"tcp", KS_NET_TCP, false},
                {"tcp6", KS_NET_TCP, true},
                {"udp", KS_NET_UDP, false},
                {"udp6", KS_NET_UDP, true}};
    struct ks_buf b = KS_BUF_INIT(0);
    ks_err err = KS_OK;

    for (size_t i = 0; i < KS_ARRAY_LEN(tabs); i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/net/%s", proc, tabs[i].file);
        if (access(path, R_OK))
            continue;
        ks_buf_reset(&b);
        if ((err = ks_file_read(path, lim->max_file_size, &b, diag)) ||
            (err = ks_net_sockets_parse(s, path, b.ptr ? b.ptr : "", b.len, tabs[i].proto,
                                        tabs[i].v6, diag)))
            goto done;
    }
    if (owners)
        find_owners(s, proc);
done:
    ks_buf_release(&b);
    return err;
}

bool ks_net_socket_exposed(const struct ks_net_socket *so)
{
    static const uint8_t lo6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t mapped_lo[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    if (!so->addr.v6)
        return so->addr.a[0] != 127;
    if (!memcmp(so->addr.a, lo6, 16))
        return false;
    return !(memcmp(so->addr.a, mapped_lo, 12) == 0 && so->addr.a[12] == 127);
}

/* ---- firewall model ---- */

enum cond_kind { C_IIF, C_L4, C_DPORT, C_SADDR, C_CT_NEW, C_FAMILY, C_UNKNOWN };
enum verdict { V_NONE, V_ACCEPT, V_DROP, V_REJECT, V_JUMP, V_GOTO, V_RETURN };

struct cond {
    enum cond_kind kind;
    bool neg;
    int proto;     /* C_DPORT: the implied protocol; C_FAMILY: 4 or 6 */
    KS_VEC(int) nums;            /* C_L4 protocols; C_DPORT pairs lo,hi */
    KS_VEC(const char *) names;  /* C_IIF */
    KS_VEC(struct ks_net_cidr) nets; /* C_SADDR */
    bool ct_new;   /* C_CT_NEW: "new" is among the states */
};

struct rule {
    KS_VEC(struct cond) conds;
    enum verdict v;
    const char *target;
};

struct chain {
    int fw;            /* which ruleset (0 nft, 1 iptables v4, 2 iptables v6) */
    int family;        /* 0 both (inet), 4, 6 */
    const char *table, *name;
    int hook;          /* 0 none, 1 prerouting, 2 input */
    int prio;
    bool policy_drop;
    KS_VEC(struct rule) rules;
};

struct ks_net_fw {
    struct ks_arena arena;
    KS_VEC(struct chain) chains;
    bool present;
    bool has[3];
};

struct ks_net_fw *ks_net_fw_new(void)
{
    struct ks_net_fw *fw = calloc(1, sizeof(*fw));

    if (fw)
        ks_arena_init(&fw->arena, 64 * 1024, 0);
    return fw;
}

static void cond_release(struct cond *c)
{
    KS_VEC_RELEASE(&c->nums);
    KS_VEC_RELEASE(&c->names);
    KS_VEC_RELEASE(&c->nets);
}

void ks_net_fw_free(struct ks_net_fw *fw)
{
    if (!fw)
        return;
    for (size_t i = 0; i < fw->chains.len; i++) {
        struct chain *ch = &fw->chains.items[i];
        for (size_t r = 0; r < ch->rules.len; r++) {
            for (size_t c = 0; c < ch->rules.items[r].conds.len; c++)
                cond_release(&ch->rules.items[r].conds.items[c]);
            KS_VEC_RELEASE(&ch->rules.items[r].conds);
        }
        KS_VEC_RELEASE(&ch->rules);
    }
    KS_VEC_RELEASE(&fw->chains);
    ks_arena_release(&fw->arena);
    free(fw);
}

bool ks_net_fw_present(const struct ks_net_fw *fw)
{
    return fw && fw->present;
}

static struct chain *find_chain(const struct ks_net_fw *fw, int which, const char *table,
                                const char *name, int family)
{
    for (size_t i = 0; i < fw->chains.len; i++) {
        struct chain *c = &fw->chains.items[i];
        if (c->fw == which && c->family == family && !strcmp(c->table, table) &&
            !strcmp(c->name, name))
            return c;
    }
    return NULL;
}

/* ---- evaluation ---- */

static bool iface_match(const char *pattern, const char *iface)
{
    size_t n = strlen(pattern);

    if (n && (pattern[n - 1] == '*' || pattern[n - 1] == '+'))
        return !strncmp(pattern, iface, n - 1);
    return !strcmp(pattern, iface);
}

static bool net_match(const struct ks_net_cidr *net, const struct ks_net_cidr *a)
{
    unsigned full, rest;

    if (net->v6 != a->v6)
        return false;
    full = net->len / 8;
    rest = net->len % 8;
    if (memcmp(net->a, a->a, full))
        return false;
    if (rest && ((net->a[full] ^ a->a[full]) & (0xff << (8 - rest)) & 0xff))
        return false;
    return true;
}

/* 1 match, 0 no match, -1 undecidable */
static int cond_eval(const struct cond *c, const struct ks_net_probe *p)
{
    int r = -1;

    switch (c->kind) {
    case C_IIF:
        if (!p->iface)
            return -1;
        r = 0;
        for (size_t i = 0; i < c->names.len; i++)
            r |= iface_match(c->names.items[i], p->iface);
        break;
    case C_L4:
        r = 0;
        for (size_t i = 0; i < c->nums.len; i++)
            r |= c->nums.items[i] == p->proto;
        break;
    case C_DPORT:
        if (c->proto && c->proto != p->proto)
            return 0; /* `tcp dport` never matches UDP, negated or not */
        r = 0;
        for (size_t i = 0; i + 1 < c->nums.len; i += 2)
            r |= p->port >= c->nums.items[i] && p->port <= c->nums.items[i + 1];
        break;
    case C_SADDR:
        if (!p->source)
            return -1;
        r = 0;
        for (size_t i = 0; i < c->nets.len; i++)
            r |= net_match(&c->nets.items[i], p->source);
        if (c->nets.len && c->nets.items[0].v6 != p->source->v6)
            return 0; /* an ip saddr match implies IPv4 */
        break;
    case C_CT_NEW:
        r = c->ct_new;
        break;
    case C_FAMILY:
        return (c->proto == 6) == p->v6 ? !c->neg : c->neg;
    case C_UNKNOWN:
        return -1;
    }
    return c->neg ? !r : r;
}

enum run_result { R_ACCEPT, R_DROP, R_REJECT, R_FALLOFF };

/* `budget` bounds the rules visited per probe: jumps can fan out (a chain
 * jumping twice to one that jumps twice ...), and the kernel's own loop
 * check does not apply to input kensa merely reads. */
static enum run_result run_chain(const struct ks_net_fw *fw, const struct chain *ch,
                                 const struct ks_net_probe *p, int depth, long *budget)
{
    if (depth > 32)
        return R_FALLOFF;
    for (size_t i = 0; i < ch->rules.len; i++) {
        const struct rule *r = &ch->rules.items[i];
        bool match = true;

        if (--*budget < 0)
            return R_FALLOFF;
        for (size_t c = 0; c < r->conds.len && match; c++)
            match = cond_eval(&r->conds.items[c], p) == 1;
        if (!match)
            continue;
        switch (r->v) {
        case V_NONE:
            break;
        case V_ACCEPT:
            return R_ACCEPT;
        case V_DROP:
            return R_DROP;
        case V_REJECT:
            return R_REJECT;
        case V_RETURN:
            return R_FALLOFF;
        case V_JUMP:
        case V_GOTO: {
            const struct chain *t = find_chain(fw, ch->fw, ch->table,
                                               r->target, ch->family);
            enum run_result rr = t ? run_chain(fw, t, p, depth + 1, budget) : R_FALLOFF;
            if (rr != R_FALLOFF || r->v == V_GOTO)
                return rr;
            break;
        }
        }
    }
    return R_FALLOFF;
}

static int cmp_base(const void *x, const void *y)
{
    const struct chain *a = *(const struct chain *const *)x, *b = *(const struct chain *const *)y;

    if (a->hook != b->hook)
        return a->hook - b->hook;
    return (a->prio > b->prio) - (a->prio < b->prio);
}

enum ks_net_fw_verdict ks_net_fw_verdict(const struct ks_net_fw *fw, const struct ks_net_probe *p)
{
    const struct chain *base[256];
    size_t n = 0;

    if (!fw)
        return KS_NET_FW_ACCEPT;
    for (int which = 0; which < 3; which++) {
        if (!fw->has[which] || (which == 1 && p->v6) || (which == 2 && !p->v6))
            continue;
        n = 0;
        for (size_t i = 0; i < fw->chains.len && n < KS_ARRAY_LEN(base); i++) {
            const struct chain *c = &fw->chains.items[i];
            if (c->fw == which && c->hook &&
                (c->family == 0 || (c->family == 6) == p->v6))
                base[n++] = c;
        }
        if (n)
            qsort(base, n, sizeof(*base), cmp_base);
        for (size_t i = 0; i < n; i++) {
            long budget = 100000;
            enum run_result r = run_chain(fw, base[i], p, 0, &budget);
            if (r == R_REJECT)
                return KS_NET_FW_REJECT;
            if (r == R_DROP || (r == R_FALLOFF && base[i]->policy_drop))
                return KS_NET_FW_DROP;
        }
    }
    return KS_NET_FW_ACCEPT;
}

bool ks_net_fw_accepts(const struct ks_net_fw *fw, const struct ks_net_probe *p)
{
    return ks_net_fw_verdict(fw, p) == KS_NET_FW_ACCEPT;
}

/* ---- nft -j ---- */

struct nft {
    struct ks_net_fw *fw;
    const struct ks_value *root;
    const char *name;
    struct ks_diag *diag;
};

static int proto_num(const char *s)
{
    if (!s)
        return -1;
    if (!strcmp(s, "tcp"))
        return KS_NET_TCP;
    if (!strcmp(s, "udp"))
        return KS_NET_UDP;
    if (!strcmp(s, "icmp"))
        return KS_NET_ICMP;
    if (!strcmp(s, "ipv6-icmp") || !strcmp(s, "icmpv6"))
        return KS_NET_ICMP6;
    return -1;
}

static const struct ks_value *nft_set(struct nft *n, const char *family, const char *table,
                                      const char *name)
{
    const struct ks_value *arr = ks_value_get(n->root, "nftables");

    for (size_t i = 0; i < ks_value_len(arr); i++) {
        const struct ks_value *s = ks_value_get(ks_value_at(arr, i), "set");
        const char *f = ks_value_get_str(s, "family"), *t = ks_value_get_str(s, "table"),
                   *nm = ks_value_get_str(s, "name");
        if (s && f && t && nm && !strcmp(f, family) && !strcmp(t, table) && !strcmp(nm, name))
            return ks_value_get(s, "elem");
    }
    return NULL;
}

/* Adds one right-hand value (number, string, range, prefix, set element) to
 * the condition. False: not understood. */
static bool nft_value(struct nft *n, struct cond *c, const struct ks_value *v, int depth)
{
    int64_t i;

    if (depth > 8)
        return false;
    if (v->type == KS_VOBJECT && ks_value_get(v, "elem")) /* {"elem": {"val": ...}} */
        return nft_value(n, c, ks_value_path(v, "elem.val"), depth + 1);
    switch (c->kind) {
    case C_DPORT:
        if (ks_value_int(v, &i) && i >= 0 && i <= 65535)
            return !KS_VEC_PUSH(&c->nums, (int)i) && !KS_VEC_PUSH(&c->nums, (int)i);
        if (v->type == KS_VOBJECT && ks_value_get(v, "range")) {
            int64_t a, b;
            const struct ks_value *r = ks_value_get(v, "range");
            if (!ks_value_int(ks_value_at(r, 0), &a) || !ks_value_int(ks_value_at(r, 1), &b) ||
                a < 0 || b > 65535 || a > b)
                return false;
            return !KS_VEC_PUSH(&c->nums, (int)a) && !KS_VEC_PUSH(&c->nums, (int)b);
        }
        if (v->type == KS_VSTRING) { /* service names nft may print */
            static const struct {
                const char *n;
                int p;
            } svc[] = {{"ssh", 22}, {"http", 80}, {"https", 443}, {"domain", 53}, {"ntp", 123}};
            for (size_t k = 0; k < KS_ARRAY_LEN(svc); k++)
                if (!strcmp(v->u.s.ptr, svc[k].n))
                    return !KS_VEC_PUSH(&c->nums, svc[k].p) && !KS_VEC_PUSH(&c->nums, svc[k].p);
        }
        return false;
    case C_L4:
        if (ks_value_int(v, &i))
            return !KS_VEC_PUSH(&c->nums, (int)i);
        if (v->type == KS_VSTRING && proto_num(v->u.s.ptr) >= 0)
            return !KS_VEC_PUSH(&c->nums, proto_num(v->u.s.ptr));
        return false;
    case C_IIF:
        if (v->type != KS_VSTRING)
            return false;
        return !KS_VEC_PUSH(&c->names, ks_arena_strdup(&n->fw->arena, v->u.s.ptr));
    case C_SADDR: {
        struct ks_net_cidr net;
        if (v->type == KS_VSTRING && ks_net_cidr_parse(v->u.s.ptr, &net))
            return !KS_VEC_PUSH(&c->nets, net);
        if (v->type == KS_VOBJECT && ks_value_get(v, "prefix")) {
            const struct ks_value *pf = ks_value_get(v, "prefix");
            int64_t len;
            if (!ks_net_cidr_parse(ks_value_get_str(pf, "addr"), &net) ||
                !ks_value_int(ks_value_get(pf, "len"), &len) || len < 0 ||
                len > (net.v6 ? 128 : 32))
                return false;
            net.len = (uint8_t)len;
            return !KS_VEC_PUSH(&c->nets, net);
        }
        return false;
    }
    case C_CT_NEW:
        if (v->type != KS_VSTRING)
            return false;
        c->ct_new |= !strcmp(v->u.s.ptr, "new");
        return true;
    default:
        return false;
    }
}

static bool nft_right(struct nft *n, struct cond *c, const struct ks_value *right,
                      const char *family, const char *table)
{
    if (!right)
        return false;
    if (right->type == KS_VSTRING && right->u.s.ptr[0] == '@') {
        const struct ks_value *elems = nft_set(n, family, table, right->u.s.ptr + 1);
        if (!elems)
            return false;
        right = elems;
    } else if (right->type == KS_VOBJECT && ks_value_get(right, "set")) {
        right = ks_value_get(right, "set");
    }
    if (right->type == KS_VARRAY) {
        for (size_t i = 0; i < right->u.a.len; i++)
            if (!nft_value(n, c, right->u.a.items[i], 0))
                return false;
        return true;
    }
    return nft_value(n, c, right, 0);
}

static ks_err nft_match(struct nft *n, struct rule *r, const struct ks_value *m,
                        const char *family, const char *table)
{
    const struct ks_value *left = ks_value_get(m, "left");
    const char *op = ks_value_get_str(m, "op");
    struct cond c = {0};
    const char *meta = ks_value_path(left, "meta.key") ? ks_value_get_str(ks_value_get(left, "meta"), "key") : NULL;
    const struct ks_value *pl = ks_value_get(left, "payload");
    const char *ct = ks_value_get_str(ks_value_get(left, "ct"), "key");

    c.kind = C_UNKNOWN;
    c.neg = op && !strcmp(op, "!=");
    if (op && strcmp(op, "==") && strcmp(op, "!=") && strcmp(op, "in"))
        goto push; /* <, >, &: not modelled */
    if (meta && (!strcmp(meta, "iifname") || !strcmp(meta, "iif")))
        c.kind = C_IIF;
    else if (meta && !strcmp(meta, "l4proto"))
        c.kind = C_L4;
    else if (meta && !strcmp(meta, "nfproto")) {
        const char *v = ks_value_get_str(m, "right");
        c.kind = C_FAMILY;
        c.proto = v && !strcmp(v, "ipv6") ? 6 : 4;
        goto push;
    } else if (pl) {
        const char *proto = ks_value_get_str(pl, "protocol"), *field = ks_value_get_str(pl, "field");
        if (proto && field && (!strcmp(proto, "tcp") || !strcmp(proto, "udp")) &&
            !strcmp(field, "dport")) {
            c.kind = C_DPORT;
            c.proto = proto_num(proto);
        } else if (proto && field && (!strcmp(proto, "ip") || !strcmp(proto, "ip6")) &&
                   !strcmp(field, "saddr")) {
            c.kind = C_SADDR;
        } else if (proto && field && !strcmp(proto, "ip6") && !strcmp(field, "nexthdr")) {
            c.kind = C_L4;
        } else if (proto && field && !strcmp(proto, "ip") && !strcmp(field, "protocol")) {
            c.kind = C_L4;
        }
    } else if (ct && !strcmp(ct, "state")) {
        c.kind = C_CT_NEW;
    }
    if (c.kind != C_UNKNOWN && !nft_right(n, &c, ks_value_get(m, "right"), family, table)) {
        cond_release(&c);
        memset(&c, 0, sizeof(c));
        c.kind = C_UNKNOWN;
    }
push:
    if (KS_VEC_PUSH(&r->conds, c)) {
        cond_release(&c);
        return ks_diag_set(n->diag, KS_ENOMEM, "out of memory");
    }
    return KS_OK;
}

static int family_of(const char *f)
{
    if (!f || !strcmp(f, "inet"))
        return 0;
    if (!strcmp(f, "ip"))
        return 4;
    if (!strcmp(f, "ip6"))
        return 6;
    return -1; /* arp, bridge, netdev: not on the input path modelled */
}

static ks_err nft_rule(struct nft *n, const struct ks_value *ru)
{
    const char *fam = ks_value_get_str(ru, "family"), *table = ks_value_get_str(ru, "table"),
               *cname = ks_value_get_str(ru, "chain");
    const struct ks_value *expr = ks_value_get(ru, "expr");
    struct chain *ch;
    struct rule r = {0};
    ks_err err = KS_OK;

    if (!fam || !table || !cname || family_of(fam) < 0)
        return KS_OK;
    ch = find_chain(n->fw, 0, table, cname, family_of(fam));
    if (!ch)
        return ks_diag_set(n->diag, KS_EPARSE, "'%s': rule for unknown chain '%s'", n->name,
                           cname);
    for (size_t i = 0; i < ks_value_len(expr) && !err; i++) {
        const struct ks_value *e = ks_value_at(expr, i);
        const char *k = e->type == KS_VOBJECT && e->u.o.len ? e->u.o.items[0].key : "";
        const struct ks_value *val = e->type == KS_VOBJECT && e->u.o.len ? e->u.o.items[0].value : NULL;

        if (!strcmp(k, "match"))
            err = nft_match(n, &r, val, fam, table);
        else if (!strcmp(k, "accept"))
            r.v = V_ACCEPT;
        else if (!strcmp(k, "drop"))
            r.v = V_DROP;
        else if (!strcmp(k, "reject"))
            r.v = V_REJECT;
        else if (!strcmp(k, "return"))
            r.v = V_RETURN;
        else if (!strcmp(k, "jump") || !strcmp(k, "goto")) {
            r.v = k[0] == 'j' ? V_JUMP : V_GOTO;
            r.target = ks_arena_strdup(&n->fw->arena, ks_value_get_str(val, "target"));
            if (!r.target)
                r.v = V_NONE;
        } else if (!strcmp(k, "counter") || !strcmp(k, "log") || !strcmp(k, "comment") ||
                   !strcmp(k, "limit")) {
            continue;
        } else {
            struct cond c = {.kind = C_UNKNOWN};
            if (KS_VEC_PUSH(&r.conds, c))
                err = ks_diag_set(n->diag, KS_ENOMEM, "out of memory");
        }
        if (r.v != V_NONE)
            break;
    }
    if (!err && KS_VEC_PUSH(&ch->rules, r))
        err = ks_diag_set(n->diag, KS_ENOMEM, "out of memory");
    if (err) {
        for (size_t c = 0; c < r.conds.len; c++)
            cond_release(&r.conds.items[c]);
        KS_VEC_RELEASE(&r.conds);
    }
    return err;
}

ks_err ks_net_fw_add_nft(struct ks_net_fw *fw, const char *name, const char *text, size_t len,
                         const struct ks_limits *lim, struct ks_diag *diag)
{
    struct ks_value *root;
    struct nft n = {fw, NULL, name, diag};
    const struct ks_value *arr;
    ks_err err;

    if ((err = ks_json_parse(&fw->arena, name, text, len, lim, &root, diag)))
        return err;
    arr = ks_value_get(root, "nftables");
    if (!ks_value_is(arr, KS_VARRAY))
        return ks_diag_set(diag, KS_EPARSE, "'%s': no 'nftables' array (not `nft -j` output)",
                           name);
    n.root = root;
    for (size_t i = 0; i < arr->u.a.len; i++) {
        const struct ks_value *c = ks_value_get(arr->u.a.items[i], "chain");
        const char *fam = ks_value_get_str(c, "family"), *hook = ks_value_get_str(c, "hook"),
                   *type = ks_value_get_str(c, "type"), *pol = ks_value_get_str(c, "policy");
        struct chain ch = {0};
        int64_t prio = 0;

        if (!c)
            continue;
        ch.family = family_of(fam);
        ch.table = ks_arena_strdup(&fw->arena, ks_value_get_str(c, "table"));
        ch.name = ks_arena_strdup(&fw->arena, ks_value_get_str(c, "name"));
        if (!fam || !ch.table || !ch.name)
            return ks_diag_set(diag, KS_EPARSE, "'%s': chain %zu without family, table or name",
                               name, i);
        if (ch.family < 0 || find_chain(fw, 0, ch.table, ch.name, ch.family))
            continue;
        if (hook && (!type || !strcmp(type, "filter"))) {
            ch.hook = !strcmp(hook, "input") ? 2 : !strcmp(hook, "prerouting") ? 1 : 0;
            ks_value_int(ks_value_get(c, "prio"), &prio);
            ch.prio = (int)KS_MAX(KS_MIN(prio, 100000), -100000);
            ch.policy_drop = pol && !strcmp(pol, "drop");
        }
        if (KS_VEC_PUSH(&fw->chains, ch))
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < arr->u.a.len; i++) {
        const struct ks_value *r = ks_value_get(arr->u.a.items[i], "rule");
        if (r && (err = nft_rule(&n, r)))
            return err;
    }
    fw->present = fw->has[0] = true;
    return KS_OK;
}

/* ---- iptables-save ---- */

/* Splits a line into words, honouring double quotes. */
static size_t split_words(char *s, char **w, size_t max)
{
    size_t n = 0;

    while (*s && n < max) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        if (*s == '"') {
            w[n++] = ++s;
            while (*s && *s != '"')
                s += (s[0] == '\\' && s[1]) ? 2 : 1;
        } else {
            w[n++] = s;
            while (*s && *s != ' ' && *s != '\t')
                s++;
        }
        if (*s)
            *s++ = '\0';
    }
    return n;
}

static bool port_list(struct cond *c, const char *s)
{
    char buf[512];
    char *p = buf;

    if (strlen(s) >= sizeof(buf))
        return false;
    memcpy(buf, s, strlen(s) + 1);
    while (*p) {
        char *end = strchr(p, ',');
        char *colon;
        uint64_t a, b;
        if (end)
            *end = '\0';
        colon = strchr(p, ':');
        if (colon)
            *colon = '\0';
        if (ks_parse_u64(p, &a) || a > 65535)
            return false;
        b = a;
        if (colon && (ks_parse_u64(colon + 1, &b) || b > 65535 || b < a))
            return false;
        if (KS_VEC_PUSH(&c->nums, (int)a) || KS_VEC_PUSH(&c->nums, (int)b))
            return false;
        if (!end)
            break;
        p = end + 1;
    }
    return c->nums.len > 0;
}

static ks_err ipt_rule(struct ks_net_fw *fw, int which, const char *table, char **w, size_t n,
                       const char *name, unsigned line, struct ks_diag *diag)
{
    struct chain *ch = find_chain(fw, which, table, w[1], which == 1 ? 4 : 6);
    struct rule r = {0};
    int proto = 0;
    ks_err err = KS_OK;

    if (!ch)
        return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: rule for undeclared chain '%s'",
                           name, line, w[1]);
    for (size_t i = 2; i < n && !err; i++) {
        struct cond c = {0};
        bool neg = false, have = true;
        const char *o;

        if (!strcmp(w[i], "!")) {
            neg = true;
            if (++i >= n)
                break;
        }
        o = w[i];
        c.neg = neg;
        if ((!strcmp(o, "-j") || !strcmp(o, "-g")) && i + 1 < n) {
            const char *t = w[++i];
            have = false;
            if (!strcmp(t, "ACCEPT"))
                r.v = V_ACCEPT;
            else if (!strcmp(t, "DROP"))
                r.v = V_DROP;
            else if (!strcmp(t, "REJECT")) {
                r.v = V_REJECT;
                i = n; /* --reject-with ... */
            }
            else if (!strcmp(t, "RETURN"))
                r.v = V_RETURN;
            else if (!strcmp(t, "LOG") || !strcmp(t, "NFLOG")) {
                /* the remaining words are target options */
                i = n;
            } else if (find_chain(fw, which, table, t, which == 1 ? 4 : 6)) {
                r.v = o[1] == 'j' ? V_JUMP : V_GOTO;
                r.target = ks_arena_strdup(&fw->arena, t);
            } else {
                c.kind = C_UNKNOWN; /* MARK, CT, ...: cannot tell */
                have = true;
                i = n;
            }
        } else if ((!strcmp(o, "-p") || !strcmp(o, "--protocol")) && i + 1 < n) {
            const char *p = w[++i];
            c.kind = C_L4;
            if (!strcmp(p, "all") || !strcmp(p, "0"))
                have = false;
            else if (proto_num(p) >= 0) {
                proto = proto_num(p);
                have = !KS_VEC_PUSH(&c.nums, proto);
            } else
                c.kind = C_UNKNOWN;
        } else if ((!strcmp(o, "-i") || !strcmp(o, "--in-interface")) && i + 1 < n) {
            c.kind = C_IIF;
            if (KS_VEC_PUSH(&c.names, ks_arena_strdup(&fw->arena, w[++i])))
                err = KS_ENOMEM;
        } else if ((!strcmp(o, "-s") || !strcmp(o, "--source")) && i + 1 < n) {
            struct ks_net_cidr net;
            c.kind = C_SADDR;
            char *list = w[++i], *comma;
            for (;;) {
                comma = strchr(list, ',');
                if (comma)
                    *comma = '\0';
                if (!ks_net_cidr_parse(list, &net)) {
                    c.kind = C_UNKNOWN;
                    break;
                }
                if (KS_VEC_PUSH(&c.nets, net))
                    err = KS_ENOMEM;
                if (!comma)
                    break;
                list = comma + 1;
            }
        } else if ((!strcmp(o, "--dport") || !strcmp(o, "--destination-port") ||
                    !strcmp(o, "--dports") || !strcmp(o, "--destination-ports")) && i + 1 < n) {
            c.kind = C_DPORT;
            c.proto = proto;
            if (!proto || !port_list(&c, w[++i]))
                c.kind = C_UNKNOWN;
        } else if ((!strcmp(o, "--ctstate") || !strcmp(o, "--state")) && i + 1 < n) {
            char *list = w[++i];
            c.kind = C_CT_NEW;
            for (char *t = list; t && *t;) {
                char *comma = strchr(t, ',');
                if (comma)
                    *comma = '\0';
                c.ct_new |= !strcmp(t, "NEW");
                t = comma ? comma + 1 : NULL;
            }
        } else if (!strcmp(o, "-m") && i + 1 < n) {
            const char *mod = w[++i];
            have = false;
            if (strcmp(mod, "tcp") && strcmp(mod, "udp") && strcmp(mod, "conntrack") &&
                strcmp(mod, "state") && strcmp(mod, "multiport") && strcmp(mod, "comment")) {
                c.kind = C_UNKNOWN; /* a match module kensa does not model */
                have = true;
            }
        } else if (!strcmp(o, "--comment") && i + 1 < n) {
            i++;
            have = false;
        } else {
            c.kind = C_UNKNOWN;
            if (i + 1 < n && w[i + 1][0] != '-' && strcmp(w[i + 1], "!"))
                i++;
        }
        if (have && !err && KS_VEC_PUSH(&r.conds, c))
            err = KS_ENOMEM;
        else if (!have || err)
            cond_release(&c);
    }
    if (!err && KS_VEC_PUSH(&ch->rules, r))
        err = KS_ENOMEM;
    if (err) {
        for (size_t c = 0; c < r.conds.len; c++)
            cond_release(&r.conds.items[c]);
        KS_VEC_RELEASE(&r.conds);
        return ks_diag_set(diag, err, "'%s': out of memory", name);
    }
    return KS_OK;
}

ks_err ks_net_fw_add_iptables(struct ks_net_fw *fw, const char *name, const char *text, size_t len,
                              bool v6, const struct ks_limits *lim, struct ks_diag *diag)
{
    int which = v6 ? 2 : 1;
    char table[64] = "";
    char buf[4096];
    size_t pos = 0;
    unsigned line = 0;

    if (len > lim->max_file_size)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': larger than the limit", name);
    while (pos < len) {
        const char *ln = text + pos, *nl = memchr(ln, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - ln) : len - pos;
        char *w[256];
        size_t nw;
        ks_err err;

        pos += n + (nl != NULL);
        line++;
        if (n == 0 || ln[0] == '#')
            continue;
        if (n >= sizeof(buf))
            return ks_diag_set(diag, KS_ELIMIT, "'%s' line %u: line too long", name, line);
        if (memchr(ln, '\0', n))
            return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: NUL byte", name, line);
        memcpy(buf, ln, n);
        buf[n] = '\0';
        if (n && buf[n - 1] == '\r')
            buf[n - 1] = '\0';
        if (buf[0] == '*') {
            snprintf(table, sizeof(table), "%s", buf + 1);
            continue;
        }
        if (!strcmp(buf, "COMMIT")) {
            table[0] = '\0';
            continue;
        }
        if (!table[0])
            return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: outside a '*table' section",
                               name, line);
        if (buf[0] == ':') {
            struct chain ch = {0};
            nw = split_words(buf + 1, w, 3);
            if (nw < 2)
                return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: bad chain line", name, line);
            if (find_chain(fw, which, table, w[0], which == 1 ? 4 : 6))
                continue;
            ch.fw = which;
            ch.family = which == 1 ? 4 : 6;
            ch.table = ks_arena_strdup(&fw->arena, table);
            ch.name = ks_arena_strdup(&fw->arena, w[0]);
            if (!strcmp(table, "filter") && !strcmp(w[0], "INPUT"))
                ch.hook = 2;
            ch.policy_drop = !strcmp(w[1], "DROP");
            if (!ch.table || !ch.name || KS_VEC_PUSH(&fw->chains, ch))
                return ks_diag_set(diag, KS_ENOMEM, "out of memory");
            continue;
        }
        nw = split_words(buf, w, KS_ARRAY_LEN(w));
        if (nw < 2 || strcmp(w[0], "-A"))
            return ks_diag_set(diag, KS_EPARSE, "'%s' line %u: expected '-A CHAIN ...'", name,
                               line);
        if (strcmp(table, "filter"))
            continue; /* nat/mangle/raw do not decide acceptance here */
        if ((err = ipt_rule(fw, which, table, w, nw, name, line, diag)))
            return err;
    }
    fw->present = fw->has[which] = true;
    return KS_OK;
}
