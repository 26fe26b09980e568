/* net/aws.c - AWS CLI JSON outputs into the network model (see aws.h). */
#include "core/ks_common.h"

#include "net/aws.h"

#include "core/buf.h"
#include "core/file.h"
#include "core/str.h"
#include "formats/json.h"

#include <arpa/inet.h>
#include <dirent.h>

bool ks_net_cidr_parse(const char *s, struct ks_net_cidr *out)
{
    char tmp[64];
    const char *slash;
    size_t n;
    uint64_t len;

    if (!s)
        return false;
    memset(out, 0, sizeof(*out));
    slash = strchr(s, '/');
    n = slash ? (size_t)(slash - s) : strlen(s);
    if (n == 0 || n >= sizeof(tmp))
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    out->v6 = strchr(tmp, ':') != NULL;
    if (inet_pton(out->v6 ? AF_INET6 : AF_INET, tmp, out->a) != 1)
        return false;
    if (!slash) {
        out->len = out->v6 ? 128 : 32;
        return true;
    }
    if (ks_parse_u64(slash + 1, &len) || len > (out->v6 ? 128u : 32u))
        return false;
    out->len = (uint8_t)len;
    return true;
}

void ks_net_aws_init(struct ks_net_aws *m)
{
    memset(m, 0, sizeof(*m));
    ks_arena_init(&m->arena, 1u << 20, 0);
}

void ks_net_aws_release(struct ks_net_aws *m)
{
    KS_VEC_RELEASE(&m->instances);
    KS_VEC_RELEASE(&m->enis);
    KS_VEC_RELEASE(&m->subnets);
    KS_VEC_RELEASE(&m->vpcs);
    KS_VEC_RELEASE(&m->rtbs);
    KS_VEC_RELEASE(&m->igws);
    KS_VEC_RELEASE(&m->acls);
    KS_VEC_RELEASE(&m->sgs);
    KS_VEC_RELEASE(&m->pls);
    KS_VEC_RELEASE(&m->pcxs);
    KS_VEC_RELEASE(&m->vgws);
    KS_VEC_RELEASE(&m->vpns);
    KS_VEC_RELEASE(&m->lbs);
    KS_VEC_RELEASE(&m->listeners);
    KS_VEC_RELEASE(&m->tgs);
    KS_VEC_RELEASE(&m->pending);
    ks_map_release(&m->rtb_of_subnet);
    ks_map_release(&m->acl_of_subnet);
    ks_arena_release(&m->arena);
}

/* ---- one document ---- */

struct rd {
    struct ks_net_aws *m;
    const char *file;  /* base name */
    const char *key;   /* current top-level key */
    size_t index;
    struct ks_diag *diag;
};

static ks_err bad(struct rd *r, const char *what)
{
    return ks_diag_set(r->diag, KS_EPARSE, "'%s': %s[%zu]: %s", r->file, r->key, r->index, what);
}

static ks_err nomem(struct rd *r)
{
    return ks_diag_set(r->diag, KS_ENOMEM, "'%s': out of memory", r->file);
}

/* Copies string member `key` of `v` into the model arena; NULL if absent. */
static const char *dup(struct rd *r, const struct ks_value *v, const char *key)
{
    const struct ks_value *s = ks_value_get(v, key);

    if (!s || s->type != KS_VSTRING)
        return NULL;
    return ks_arena_strndup(&r->m->arena, s->u.s.ptr, s->u.s.len);
}

/* A required string member. */
static ks_err need(struct rd *r, const struct ks_value *v, const char *key, const char **out)
{
    char msg[128];

    *out = dup(r, v, key);
    if (*out)
        return KS_OK;
    snprintf(msg, sizeof(msg), "missing string '%s'", key);
    return bad(r, msg);
}

static int get_int(const struct ks_value *v, const char *key, int dflt)
{
    int64_t i;

    if (!ks_value_int(ks_value_get(v, key), &i) || i < INT_MIN || i > INT_MAX)
        return dflt;
    return (int)i;
}

/* Copies the string `field` of each object of array `key` (or, with field
 * NULL, each string of the array). */
static ks_err dup_list(struct rd *r, const struct ks_value *v, const char *key, const char *field,
                       const char ***out, size_t *n)
{
    const struct ks_value *a = ks_value_get(v, key);
    size_t len = ks_value_len(a), k = 0;

    *out = NULL;
    *n = 0;
    if (!len)
        return KS_OK;
    *out = ks_arena_calloc(&r->m->arena, len, sizeof(**out));
    if (!*out)
        return nomem(r);
    for (size_t i = 0; i < len; i++) {
        const struct ks_value *e = ks_value_at(a, i);
        const char *s = field ? dup(r, e, field)
                              : (e->type == KS_VSTRING
                                         ? ks_arena_strndup(&r->m->arena, e->u.s.ptr, e->u.s.len)
                                         : NULL);
        if (s)
            (*out)[k++] = s;
    }
    *n = k;
    return KS_OK;
}

static ks_err cidr(struct rd *r, const char *s, struct ks_net_cidr *c)
{
    char msg[160];

    if (ks_net_cidr_parse(s, c))
        return KS_OK;
    snprintf(msg, sizeof(msg), "bad CIDR '%.64s'", s);
    return bad(r, msg);
}

/* "tcp", "6", "-1", "icmpv6"... as a protocol number. */
static bool proto_of(const char *s, int *out)
{
    uint64_t n;

    if (!s)
        return false;
    if (!strcmp(s, "-1") || !strcmp(s, "all"))
        *out = KS_NET_PROTO_ALL;
    else if (!strcmp(s, "tcp"))
        *out = KS_NET_TCP;
    else if (!strcmp(s, "udp"))
        *out = KS_NET_UDP;
    else if (!strcmp(s, "icmp"))
        *out = KS_NET_ICMP;
    else if (!strcmp(s, "icmpv6"))
        *out = KS_NET_ICMP6;
    else if (!ks_parse_u64(s, &n) && n <= 255)
        *out = (int)n;
    else
        return false;
    return true;
}

static ks_err read_eni(struct rd *r, const struct ks_value *v, const char *instance)
{
    struct ks_net_eni e = {0};
    const struct ks_value *att = ks_value_get(v, "Attachment");
    ks_err err;

    if ((err = need(r, v, "NetworkInterfaceId", &e.id)))
        return err;
    e.subnet = dup(r, v, "SubnetId");
    e.vpc = dup(r, v, "VpcId");
    e.instance = instance ? instance : dup(r, att, "InstanceId");
    e.public_ip = dup(r, ks_value_get(v, "Association"), "PublicIp");
    e.private_ip = dup(r, v, "PrivateIpAddress");
    e.ipv6 = ks_value_len(ks_value_get(v, "Ipv6Addresses")) > 0;
    e.device = get_int(att, "DeviceIndex", -1);
    if ((err = dup_list(r, v, "Groups", "GroupId", &e.groups, &e.n_groups)))
        return err;
    if (!e.subnet || !e.vpc)
        return bad(r, "network interface without 'SubnetId' or 'VpcId'");
    return KS_VEC_PUSH(&r->m->enis, e) ? nomem(r) : KS_OK;
}

static ks_err read_reservation(struct rd *r, const struct ks_value *v)
{
    const struct ks_value *insts = ks_value_get(v, "Instances");
    ks_err err;

    if (!ks_value_is(insts, KS_VARRAY))
        return bad(r, "missing array 'Instances'");
    for (size_t i = 0; i < insts->u.a.len; i++) {
        const struct ks_value *in = insts->u.a.items[i];
        const struct ks_value *enis = ks_value_get(in, "NetworkInterfaces");
        struct ks_net_instance inst = {0};

        if ((err = need(r, in, "InstanceId", &inst.id)))
            return err;
        inst.state = dup(r, ks_value_get(in, "State"), "Name");
        if (KS_VEC_PUSH(&r->m->instances, inst))
            return nomem(r);
        for (size_t k = 0; k < ks_value_len(enis); k++)
            if ((err = read_eni(r, ks_value_at(enis, k), inst.id)))
                return err;
    }
    return KS_OK;
}

static ks_err read_subnet(struct rd *r, const struct ks_value *v)
{
    struct ks_net_subnet s = {0};
    ks_err err;

    if ((err = need(r, v, "SubnetId", &s.id)) || (err = need(r, v, "VpcId", &s.vpc)))
        return err;
    if ((err = cidr(r, ks_value_get_str(v, "CidrBlock"), &s.cidr)))
        return err;
    return KS_VEC_PUSH(&r->m->subnets, s) ? nomem(r) : KS_OK;
}

static ks_err cidr_set(struct rd *r, const struct ks_value *v, const char *first,
                       struct ks_net_cidr **out, size_t *n)
{
    static const char *const sets[][2] = {{"CidrBlockAssociationSet", "CidrBlock"},
                                          {"CidrBlockSet", "CidrBlock"},
                                          {"Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock"},
                                          {"Ipv6CidrBlockSet", "Ipv6CidrBlock"}};
    size_t cap = 1;
    ks_err err;

    for (size_t s = 0; s < KS_ARRAY_LEN(sets); s++)
        cap += ks_value_len(ks_value_get(v, sets[s][0]));
    *out = ks_arena_calloc(&r->m->arena, cap, sizeof(**out));
    if (!*out)
        return nomem(r);
    *n = 0;
    if (first && ks_value_get_str(v, first)) {
        if ((err = cidr(r, ks_value_get_str(v, first), &(*out)[(*n)++])))
            return err;
    }
    for (size_t s = 0; s < KS_ARRAY_LEN(sets); s++) {
        const struct ks_value *a = ks_value_get(v, sets[s][0]);
        for (size_t i = 0; i < ks_value_len(a); i++) {
            const char *c = ks_value_get_str(ks_value_at(a, i), sets[s][1]);
            struct ks_net_cidr x;
            bool dupl = false;
            if (!c)
                continue;
            if ((err = cidr(r, c, &x)))
                return err;
            for (size_t k = 0; k < *n; k++)
                dupl |= !memcmp(&(*out)[k], &x, sizeof(x));
            if (!dupl)
                (*out)[(*n)++] = x;
        }
    }
    return KS_OK;
}

static ks_err read_vpc(struct rd *r, const struct ks_value *v)
{
    struct ks_net_vpc p = {0};
    ks_err err;

    if ((err = need(r, v, "VpcId", &p.id)) ||
        (err = cidr_set(r, v, "CidrBlock", &p.cidrs, &p.n_cidrs)))
        return err;
    return KS_VEC_PUSH(&r->m->vpcs, p) ? nomem(r) : KS_OK;
}

static ks_err read_rtb(struct rd *r, const struct ks_value *v)
{
    struct ks_net_rtb t = {0};
    const struct ks_value *assoc = ks_value_get(v, "Associations");
    const struct ks_value *routes = ks_value_get(v, "Routes");
    size_t idx = r->m->rtbs.len + 1;
    ks_err err;

    if ((err = need(r, v, "RouteTableId", &t.id)) || (err = need(r, v, "VpcId", &t.vpc)))
        return err;
    for (size_t i = 0; i < ks_value_len(assoc); i++) {
        const struct ks_value *a = ks_value_at(assoc, i);
        const char *sub = dup(r, a, "SubnetId");
        const char *state = ks_value_get_str(ks_value_get(a, "AssociationState"), "State");

        if (state && strcmp(state, "associated"))
            continue;
        if (ks_value_bool(ks_value_get(a, "Main"), false))
            t.main = true;
        if (sub && ks_map_put(&r->m->rtb_of_subnet, sub, strlen(sub), (void *)idx))
            return nomem(r);
    }
    t.routes = ks_arena_calloc(&r->m->arena, ks_value_len(routes) + 1, sizeof(*t.routes));
    if (!t.routes)
        return nomem(r);
    for (size_t i = 0; i < ks_value_len(routes); i++) {
        static const char *const targets[] = {
                "GatewayId",       "NatGatewayId",       "VpcPeeringConnectionId",
                "TransitGatewayId", "NetworkInterfaceId", "InstanceId",
                "EgressOnlyInternetGatewayId", "LocalGatewayId", "CarrierGatewayId",
                "CoreNetworkArn"};
        const struct ks_value *ro = ks_value_at(routes, i);
        struct ks_net_route *rt = &t.routes[t.n_routes];
        const char *d4 = ks_value_get_str(ro, "DestinationCidrBlock");
        const char *d6 = ks_value_get_str(ro, "DestinationIpv6CidrBlock");
        const char *state = ks_value_get_str(ro, "State");

        rt->prefix_list = dup(r, ro, "DestinationPrefixListId");
        if (d4 || d6) {
            if ((err = cidr(r, d4 ? d4 : d6, &rt->dst)))
                return err;
        } else if (!rt->prefix_list) {
            return bad(r, "route without a destination");
        }
        for (size_t k = 0; k < KS_ARRAY_LEN(targets) && !rt->target; k++)
            rt->target = dup(r, ro, targets[k]);
        if (!rt->target)
            rt->target = "unknown";
        rt->active = !state || !strcmp(state, "active");
        t.n_routes++;
    }
    return KS_VEC_PUSH(&r->m->rtbs, t) ? nomem(r) : KS_OK;
}

static ks_err read_igw(struct rd *r, const struct ks_value *v)
{
    struct ks_net_igw g = {0};
    const struct ks_value *att = ks_value_get(v, "Attachments");
    ks_err err;

    if ((err = need(r, v, "InternetGatewayId", &g.id)))
        return err;
    for (size_t i = 0; i < ks_value_len(att); i++) {
        const char *st = ks_value_get_str(ks_value_at(att, i), "State");
        if (st && (!strcmp(st, "available") || !strcmp(st, "attached")))
            g.vpc = dup(r, ks_value_at(att, i), "VpcId");
    }
    return KS_VEC_PUSH(&r->m->igws, g) ? nomem(r) : KS_OK;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct ks_net_acl_entry *x = a, *y = b;
    return (x->number > y->number) - (x->number < y->number);
}

static ks_err read_acl(struct rd *r, const struct ks_value *v)
{
    struct ks_net_acl a = {0};
    const struct ks_value *assoc = ks_value_get(v, "Associations");
    const struct ks_value *ents = ks_value_get(v, "Entries");
    size_t idx = r->m->acls.len + 1;
    ks_err err;

    if ((err = need(r, v, "NetworkAclId", &a.id)) || (err = need(r, v, "VpcId", &a.vpc)))
        return err;
    a.is_default = ks_value_bool(ks_value_get(v, "IsDefault"), false);
    for (size_t i = 0; i < ks_value_len(assoc); i++) {
        const char *sub = dup(r, ks_value_at(assoc, i), "SubnetId");
        if (sub && ks_map_put(&r->m->acl_of_subnet, sub, strlen(sub), (void *)idx))
            return nomem(r);
    }
    a.entries = ks_arena_calloc(&r->m->arena, ks_value_len(ents) + 1, sizeof(*a.entries));
    if (!a.entries)
        return nomem(r);
    for (size_t i = 0; i < ks_value_len(ents); i++) {
        const struct ks_value *e = ks_value_at(ents, i);
        struct ks_net_acl_entry *x = &a.entries[a.n_entries];
        const struct ks_value *pr = ks_value_get(e, "PortRange");
        const char *act = ks_value_get_str(e, "RuleAction");
        const char *c4 = ks_value_get_str(e, "CidrBlock"), *c6 = ks_value_get_str(e, "Ipv6CidrBlock");

        x->number = get_int(e, "RuleNumber", -1);
        x->egress = ks_value_bool(ks_value_get(e, "Egress"), false);
        if (x->number < 0 || !act || (strcmp(act, "allow") && strcmp(act, "deny")))
            return bad(r, "ACL entry without 'RuleNumber' or 'RuleAction'");
        x->allow = !strcmp(act, "allow");
        if (!proto_of(ks_value_get_str(e, "Protocol"), &x->proto))
            return bad(r, "ACL entry with a bad 'Protocol'");
        if ((err = cidr(r, c4 ? c4 : c6, &x->cidr)))
            return err;
        x->from = pr ? get_int(pr, "From", 0) : 0;
        x->to = pr ? get_int(pr, "To", 65535) : 65535;
        a.n_entries++;
    }
    if (a.n_entries)
        qsort(a.entries, a.n_entries, sizeof(*a.entries), cmp_entry);
    return KS_VEC_PUSH(&r->m->acls, a) ? nomem(r) : KS_OK;
}

static ks_err read_sg(struct rd *r, const struct ks_value *v)
{
    struct ks_net_sg g = {0};
    const struct ks_value *perms = ks_value_get(v, "IpPermissions");
    size_t cap = 0;
    ks_err err;

    if ((err = need(r, v, "GroupId", &g.id)))
        return err;
    g.name = dup(r, v, "GroupName");
    g.vpc = dup(r, v, "VpcId");
    for (size_t i = 0; i < ks_value_len(perms); i++) {
        const struct ks_value *p = ks_value_at(perms, i);
        cap += ks_value_len(ks_value_get(p, "IpRanges")) +
               ks_value_len(ks_value_get(p, "Ipv6Ranges")) +
               ks_value_len(ks_value_get(p, "PrefixListIds")) +
               ks_value_len(ks_value_get(p, "UserIdGroupPairs"));
    }
    g.in = ks_arena_calloc(&r->m->arena, cap + 1, sizeof(*g.in));
    if (!g.in)
        return nomem(r);
    for (size_t i = 0; i < ks_value_len(perms); i++) {
        const struct ks_value *p = ks_value_at(perms, i);
        static const char *const lists[] = {"IpRanges", "Ipv6Ranges", "PrefixListIds",
                                            "UserIdGroupPairs"};
        struct ks_net_sg_rule base = {0};

        if (!proto_of(ks_value_get_str(p, "IpProtocol"), &base.proto))
            return bad(r, "permission with a bad 'IpProtocol'");
        if (base.proto == KS_NET_PROTO_ALL || (base.proto != KS_NET_TCP && base.proto != KS_NET_UDP &&
                                               !ks_value_get(p, "FromPort"))) {
            base.from = 0;
            base.to = 65535;
        } else {
            base.from = get_int(p, "FromPort", 0);
            base.to = get_int(p, "ToPort", 65535);
            if (base.from == -1)
                base.from = 0;
            if (base.to == -1)
                base.to = 65535;
        }
        for (size_t l = 0; l < KS_ARRAY_LEN(lists); l++) {
            const struct ks_value *a = ks_value_get(p, lists[l]);
            for (size_t k = 0; k < ks_value_len(a); k++) {
                const struct ks_value *e = ks_value_at(a, k);
                struct ks_net_sg_rule *x = &g.in[g.n_in];

                *x = base;
                if (l < 2) {
                    x->ref = KS_NET_REF_CIDR;
                    if ((err = cidr(r, ks_value_get_str(e, l ? "CidrIpv6" : "CidrIp"), &x->cidr)))
                        return err;
                } else if (l == 2) {
                    x->ref = KS_NET_REF_PREFIX_LIST;
                    if ((err = need(r, e, "PrefixListId", &x->id)))
                        return err;
                } else {
                    x->ref = KS_NET_REF_GROUP;
                    if ((err = need(r, e, "GroupId", &x->id)))
                        return err;
                    x->group_vpc = dup(r, e, "VpcId");
                }
                g.n_in++;
            }
        }
    }
    return KS_VEC_PUSH(&r->m->sgs, g) ? nomem(r) : KS_OK;
}

static ks_err read_pl(struct rd *r, const struct ks_value *v)
{
    struct ks_net_pl p = {0};
    ks_err err;

    if ((err = need(r, v, "PrefixListId", &p.id)))
        return err;
    p.name = dup(r, v, "PrefixListName");
    return KS_VEC_PUSH(&r->m->pls, p) ? nomem(r) : KS_OK;
}

static ks_err read_pcx(struct rd *r, const struct ks_value *v)
{
    struct ks_net_pcx p = {0};
    const struct ks_value *acc = ks_value_get(v, "AccepterVpcInfo");
    const struct ks_value *req = ks_value_get(v, "RequesterVpcInfo");
    const char *code = ks_value_get_str(ks_value_get(v, "Status"), "Code");
    ks_err err;

    if ((err = need(r, v, "VpcPeeringConnectionId", &p.id)) ||
        (err = need(r, req, "VpcId", &p.vpc_a)) || (err = need(r, acc, "VpcId", &p.vpc_b)) ||
        (err = cidr_set(r, req, "CidrBlock", &p.cidrs_a, &p.n_a)) ||
        (err = cidr_set(r, acc, "CidrBlock", &p.cidrs_b, &p.n_b)))
        return err;
    p.active = code && !strcmp(code, "active");
    return KS_VEC_PUSH(&r->m->pcxs, p) ? nomem(r) : KS_OK;
}

static ks_err read_vgw(struct rd *r, const struct ks_value *v)
{
    struct ks_net_vgw g = {0};
    const struct ks_value *att = ks_value_get(v, "VpcAttachments");
    const char *st = ks_value_get_str(v, "State");
    size_t k = 0;
    ks_err err;

    if ((err = need(r, v, "VpnGatewayId", &g.id)))
        return err;
    g.available = !st || !strcmp(st, "available");
    g.vpcs = ks_arena_calloc(&r->m->arena, ks_value_len(att) + 1, sizeof(*g.vpcs));
    if (!g.vpcs)
        return nomem(r);
    for (size_t i = 0; i < ks_value_len(att); i++) {
        const char *as = ks_value_get_str(ks_value_at(att, i), "State");
        const char *vpc = dup(r, ks_value_at(att, i), "VpcId");
        if (vpc && as && !strcmp(as, "attached"))
            g.vpcs[k++] = vpc;
    }
    g.n_vpcs = k;
    return KS_VEC_PUSH(&r->m->vgws, g) ? nomem(r) : KS_OK;
}

static ks_err read_vpn(struct rd *r, const struct ks_value *v)
{
    struct ks_net_vpn c = {0};
    const char *st = ks_value_get_str(v, "State");
    ks_err err;

    if ((err = need(r, v, "VpnConnectionId", &c.id)))
        return err;
    c.vgw = dup(r, v, "VpnGatewayId");
    c.available = st && !strcmp(st, "available");
    return KS_VEC_PUSH(&r->m->vpns, c) ? nomem(r) : KS_OK;
}

static ks_err read_lb(struct rd *r, const struct ks_value *v)
{
    struct ks_net_lb b = {0};
    const char *scheme = ks_value_get_str(v, "Scheme");
    ks_err err;

    if ((err = need(r, v, "LoadBalancerArn", &b.arn)) ||
        (err = need(r, v, "LoadBalancerName", &b.name)))
        return err;
    b.type = dup(r, v, "Type");
    b.vpc = dup(r, v, "VpcId");
    b.internet_facing = scheme && !strcmp(scheme, "internet-facing");
    if ((err = dup_list(r, v, "AvailabilityZones", "SubnetId", &b.subnets, &b.n_subnets)) ||
        (err = dup_list(r, v, "SecurityGroups", NULL, &b.groups, &b.n_groups)))
        return err;
    return KS_VEC_PUSH(&r->m->lbs, b) ? nomem(r) : KS_OK;
}

static ks_err read_listener(struct rd *r, const struct ks_value *v)
{
    struct ks_net_listener l = {0};
    const struct ks_value *acts = ks_value_get(v, "DefaultActions");
    size_t cap = 0, k = 0;
    ks_err err;

    if ((err = need(r, v, "ListenerArn", &l.arn)) ||
        (err = need(r, v, "LoadBalancerArn", &l.lb_arn)))
        return err;
    l.protocol = dup(r, v, "Protocol");
    l.port = get_int(v, "Port", -1);
    for (size_t i = 0; i < ks_value_len(acts); i++)
        cap += 1 + ks_value_len(ks_value_path(ks_value_at(acts, i), "ForwardConfig.TargetGroups"));
    l.target_groups = ks_arena_calloc(&r->m->arena, cap + 1, sizeof(*l.target_groups));
    if (!l.target_groups)
        return nomem(r);
    for (size_t i = 0; i < ks_value_len(acts); i++) {
        const struct ks_value *a = ks_value_at(acts, i);
        const struct ks_value *fw = ks_value_path(a, "ForwardConfig.TargetGroups");
        const char *type = ks_value_get_str(a, "Type");
        const char *tg = dup(r, a, "TargetGroupArn");

        if (!type || strcmp(type, "forward"))
            continue;
        if (tg)
            l.target_groups[k++] = tg;
        for (size_t j = 0; j < ks_value_len(fw); j++) {
            const char *t = dup(r, ks_value_at(fw, j), "TargetGroupArn");
            bool seen = false;
            for (size_t q = 0; t && q < k; q++)
                seen |= !strcmp(l.target_groups[q], t);
            if (t && !seen)
                l.target_groups[k++] = t;
        }
    }
    l.n_target_groups = k;
    return KS_VEC_PUSH(&r->m->listeners, l) ? nomem(r) : KS_OK;
}

static ks_err read_tg(struct rd *r, const struct ks_value *v)
{
    struct ks_net_tg t = {0};
    ks_err err;

    if ((err = need(r, v, "TargetGroupArn", &t.arn)) ||
        (err = need(r, v, "TargetGroupName", &t.name)))
        return err;
    t.type = dup(r, v, "TargetType");
    t.port = get_int(v, "Port", 0);
    return KS_VEC_PUSH(&r->m->tgs, t) ? nomem(r) : KS_OK;
}

/* Elements of files matched by name are kept until every file is read. */
static ks_err read_pending(struct rd *r, const struct ks_value *v, bool health)
{
    struct ks_net_pending *p = r->m->pending.len ? &r->m->pending.items[r->m->pending.len - 1] : NULL;
    ks_err err;

    if (!p || r->index == 0 || strcmp(p->file, r->file) || p->health != health) {
        struct ks_net_pending n = {ks_arena_strdup(&r->m->arena, r->file), health, NULL, 0};
        if (!n.file || KS_VEC_PUSH(&r->m->pending, n))
            return nomem(r);
        p = &r->m->pending.items[r->m->pending.len - 1];
    }
    if (health) {
        struct ks_net_target t = {0}, *arr;
        const struct ks_value *tg = ks_value_get(v, "Target");
        if ((err = need(r, tg, "Id", &t.id)))
            return err;
        t.port = get_int(tg, "Port", 0);
        arr = ks_arena_alloc(&r->m->arena, (p->n + 1) * sizeof(*arr));
        if (!arr)
            return nomem(r);
        if (p->n)
            memcpy(arr, p->items, p->n * sizeof(*arr));
        arr[p->n++] = t;
        p->items = arr;
    } else {
        struct ks_net_cidr c, *arr;
        if ((err = cidr(r, ks_value_get_str(v, "Cidr"), &c)))
            return err;
        arr = ks_arena_alloc(&r->m->arena, (p->n + 1) * sizeof(*arr));
        if (!arr)
            return nomem(r);
        if (p->n)
            memcpy(arr, p->items, p->n * sizeof(*arr));
        arr[p->n++] = c;
        p->items = arr;
    }
    return KS_OK;
}

typedef ks_err reader_fn(struct rd *r, const struct ks_value *v);

static ks_err read_health(struct rd *r, const struct ks_value *v)
{
    return read_pending(r, v, true);
}

static ks_err read_entries(struct rd *r, const struct ks_value *v)
{
    return read_pending(r, v, false);
}

static ks_err read_eni_top(struct rd *r, const struct ks_value *v)
{
    return read_eni(r, v, NULL);
}

static ks_err read_nat(struct rd *r, const struct ks_value *v)
{
    KS_UNUSED(r);
    KS_UNUSED(v);
    return KS_OK; /* NAT gateways never carry inbound paths; seen for coverage only */
}

static const struct {
    const char *key;
    enum ks_net_kind kind;
    reader_fn *fn;
} readers[] = {
        {"Reservations", KS_NET_K_INSTANCES, read_reservation},
        {"NetworkInterfaces", KS_NET_K_ENIS, read_eni_top},
        {"Subnets", KS_NET_K_SUBNETS, read_subnet},
        {"Vpcs", KS_NET_K_VPCS, read_vpc},
        {"RouteTables", KS_NET_K_ROUTES, read_rtb},
        {"InternetGateways", KS_NET_K_IGWS, read_igw},
        {"NatGateways", KS_NET_K_NATS, read_nat},
        {"NetworkAcls", KS_NET_K_ACLS, read_acl},
        {"SecurityGroups", KS_NET_K_SGS, read_sg},
        {"PrefixLists", KS_NET_K_PLS, read_pl},
        {"Entries", KS_NET_K_PLS, read_entries},
        {"VpcPeeringConnections", KS_NET_K_PCXS, read_pcx},
        {"VpnGateways", KS_NET_K_VGWS, read_vgw},
        {"VpnConnections", KS_NET_K_VPNS, read_vpn},
        {"LoadBalancers", KS_NET_K_LBS, read_lb},
        {"Listeners", KS_NET_K_LISTENERS, read_listener},
        {"TargetGroups", KS_NET_K_TGS, read_tg},
        {"TargetHealthDescriptions", KS_NET_K_HEALTH, read_health},
};

struct doc {
    struct rd r;
    bool recognised;
    uint32_t kinds;
};

static ks_err member_cb(const char *key, const struct ks_value *v, size_t index, void *ctx)
{
    struct doc *d = ctx;

    for (size_t i = 0; i < KS_ARRAY_LEN(readers); i++) {
        if (strcmp(key, readers[i].key))
            continue;
        d->recognised = true;
        d->kinds |= 1u << readers[i].kind;
        if (index == KS_JSON_WHOLE && v->type == KS_VARRAY)
            return KS_OK; /* an empty list: the kind is known, and has nothing */
        if (index == KS_JSON_WHOLE)
            return ks_diag_set(d->r.diag, KS_EPARSE, "'%s': '%s' is not an array", d->r.file,
                               key);
        d->r.key = readers[i].key;
        d->r.index = index;
        if (v->type != KS_VOBJECT)
            return bad(&d->r, "not an object");
        return readers[i].fn(&d->r, v);
    }
    return KS_OK; /* NextToken and other members */
}

ks_err ks_net_aws_add(struct ks_net_aws *m, const char *name, const char *text, size_t len,
                      const struct ks_limits *lim, struct ks_diag *diag)
{
    struct ks_arena tmp = KS_ARENA_INIT(256 * 1024, lim->max_file_size);
    const char *base = strrchr(name, '/');
    struct doc d = {{m, base ? base + 1 : name, "", 0, diag}, false, 0};
    ks_err err;

    if (len > lim->max_file_size) {
        err = ks_diag_set(diag, KS_ELIMIT, "'%s': larger than the limit of %llu bytes", name,
                          (unsigned long long)lim->max_file_size);
        goto done;
    }
    err = ks_json_each_member(&tmp, name, text, len, lim, member_cb, &d, diag);
    if (err)
        goto done;
    if (!d.recognised) {
        err = ks_diag_set(diag, KS_EPARSE,
                          "'%s': not an AWS CLI output kensa knows (no 'Reservations', "
                          "'SecurityGroups', 'NetworkAcls', ... key)",
                          name);
        goto done;
    }
    m->kinds |= d.kinds;
    m->bytes += len;
done:
    ks_arena_release(&tmp);
    return err;
}

/* ---- resolving name-matched files ---- */

ks_err ks_net_aws_finish(struct ks_net_aws *m, struct ks_diag *diag)
{
    for (size_t i = 0; i < m->pending.len; i++) {
        struct ks_net_pending *p = &m->pending.items[i];
        size_t best = SIZE_MAX, best_len = 0;

        if (p->health) {
            for (size_t t = 0; t < m->tgs.len; t++) {
                size_t n = strlen(m->tgs.items[t].name);
                if (n > best_len && strstr(p->file, m->tgs.items[t].name)) {
                    best = t;
                    best_len = n;
                }
            }
            if (best == SIZE_MAX)
                return ks_diag_set(diag, KS_EPARSE,
                                   "'%s': target health, but no target group name in the file "
                                   "name matches",
                                   p->file);
            m->tgs.items[best].targets = p->items;
            m->tgs.items[best].n_targets = p->n;
            m->tgs.items[best].targets_known = true;
        } else {
            for (size_t t = 0; t < m->pls.len; t++)
                if (strstr(p->file, m->pls.items[t].id))
                    best = t;
            if (best == SIZE_MAX) {
                const char *pl = strstr(p->file, "pl-");
                struct ks_net_pl n = {0};
                size_t k = 0;
                if (!pl)
                    return ks_diag_set(diag, KS_EPARSE,
                                       "'%s': prefix-list entries, but no 'pl-...' id in the "
                                       "file name",
                                       p->file);
                while (pl[3 + k] && ((pl[3 + k] >= '0' && pl[3 + k] <= '9') ||
                                     (pl[3 + k] >= 'a' && pl[3 + k] <= 'f')))
                    k++;
                n.id = ks_arena_strndup(&m->arena, pl, 3 + k);
                if (!n.id || KS_VEC_PUSH(&m->pls, n))
                    return ks_diag_set(diag, KS_ENOMEM, "out of memory");
                best = m->pls.len - 1;
            }
            m->pls.items[best].entries = p->items;
            m->pls.items[best].n_entries = p->n;
            m->pls.items[best].entries_known = true;
        }
    }
    /* Tables of healthy targets: a group with no health file keeps
     * targets_known false. */
    return KS_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

ks_err ks_net_aws_load(struct ks_net_aws *m, const char *dir, const struct ks_limits *lim,
                       struct ks_diag *diag)
{
    struct ks_buf text = KS_BUF_INIT(0);
    KS_VEC(char *) names = KS_VEC_INIT;
    struct dirent *de;
    DIR *d = opendir(dir);
    ks_err err = KS_OK;

    if (!d)
        return ks_diag_errno(diag, KS_EIO, "cannot open directory '%s'", dir);
    while ((de = readdir(d))) {
        char *n;
        if (de->d_name[0] == '.' || !ks_ends_with(de->d_name, ".json"))
            continue;
        n = strdup(de->d_name);
        if (!n || KS_VEC_PUSH(&names, n)) {
            free(n);
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (names.len)
        qsort(names.items, names.len, sizeof(*names.items), cmp_str);
    for (size_t i = 0; i < names.len; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, names.items[i]);
        ks_buf_reset(&text);
        err = ks_file_read(path, lim->max_file_size, &text, diag);
        if (!err)
            err = ks_net_aws_add(m, path, text.ptr ? text.ptr : "", text.len, lim, diag);
        if (err)
            goto done;
    }
    err = ks_net_aws_finish(m, diag);
done:
    for (size_t i = 0; i < names.len; i++)
        free(names.items[i]);
    KS_VEC_RELEASE(&names);
    ks_buf_release(&text);
    closedir(d);
    return err;
}
