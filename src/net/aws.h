/* net/aws.h - the AWS network model, read from AWS CLI JSON outputs.
 *
 * ks_net_aws_load() reads every `*.json` file of a directory, recognises each
 * by its top-level key (`Reservations`, `NetworkInterfaces`, `Subnets`,
 * `Vpcs`, `RouteTables`, `InternetGateways`, `NatGateways`, `NetworkAcls`,
 * `SecurityGroups`, `PrefixLists`, `VpcPeeringConnections`, `VpnGateways`,
 * `VpnConnections`, `LoadBalancers`, `Listeners`, `TargetGroups`,
 * `TargetHealthDescriptions`, and `Entries` of get-managed-prefix-list-entries)
 * and streams its big array element by element (ks_json_each_member), so a
 * large estate is never held as one tree. Two outputs do not name the object
 * they describe and are matched by file name: a prefix-list entries file must
 * contain the list's id (`pl-...`) in its name, a target-health file the
 * target group's name (the longest matching name wins).
 *
 * Errors: a file that is not JSON, has no recognised key or lacks a required
 * field is KS_EPARSE naming the file and element; files larger than
 * lim->max_file_size are KS_ELIMIT. The model owns all its memory (one arena
 * plus vectors) until ks_net_aws_release(). Not thread-safe; read-only use of
 * a loaded model from several threads is safe. */
#ifndef KS_NET_AWS_H
#define KS_NET_AWS_H

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/map.h"
#include "core/vec.h"

/* An IPv4 or IPv6 prefix; IPv4 addresses use a[0..3]. */
struct ks_net_cidr {
    bool v6;
    uint8_t len;
    uint8_t a[16];
};

/* Parses "10.0.0.0/16", "2001:db8::/56" or a bare address (full length). */
bool ks_net_cidr_parse(const char *s, struct ks_net_cidr *out);

/* Protocol numbers; KS_NET_PROTO_ALL is AWS "-1". */
enum { KS_NET_PROTO_ALL = -1, KS_NET_ICMP = 1, KS_NET_TCP = 6, KS_NET_UDP = 17, KS_NET_ICMP6 = 58 };

enum ks_net_ref { KS_NET_REF_CIDR, KS_NET_REF_PREFIX_LIST, KS_NET_REF_GROUP };

struct ks_net_sg_rule {
    int proto;    /* KS_NET_PROTO_ALL or a protocol number */
    int from, to; /* port range (ICMP: type/code, ignored); all ports when proto is ALL */
    enum ks_net_ref ref;
    struct ks_net_cidr cidr; /* KS_NET_REF_CIDR */
    const char *id;          /* prefix-list id or security-group id */
    const char *group_vpc;   /* UserIdGroupPairs[].VpcId, may be NULL */
};

struct ks_net_sg {
    const char *id, *name, *vpc;
    struct ks_net_sg_rule *in; /* inbound rules only: groups are stateful */
    size_t n_in;
};

struct ks_net_acl_entry {
    int number;
    bool egress, allow;
    int proto;
    int from, to; /* PortRange, 0-65535 when absent */
    struct ks_net_cidr cidr;
};

struct ks_net_acl {
    const char *id, *vpc;
    bool is_default;
    struct ks_net_acl_entry *entries; /* sorted by rule number */
    size_t n_entries;
};

struct ks_net_route {
    struct ks_net_cidr dst;
    const char *prefix_list; /* DestinationPrefixListId, or NULL */
    const char *target;      /* igw-, vgw-, pcx-, nat-, eni-, tgw-, local, ... */
    bool active;             /* State "active" (blackhole routes are inactive) */
};

struct ks_net_rtb {
    const char *id, *vpc;
    bool main;
    struct ks_net_route *routes;
    size_t n_routes;
};

struct ks_net_subnet {
    const char *id, *vpc;
    struct ks_net_cidr cidr;
};

struct ks_net_eni {
    const char *id, *subnet, *vpc, *instance; /* instance may be NULL */
    const char *public_ip;                    /* Association.PublicIp, or NULL */
    const char *private_ip;
    bool ipv6;    /* has at least one IPv6 address */
    int device;   /* Attachment.DeviceIndex, -1 when unknown */
    const char **groups;
    size_t n_groups;
};

struct ks_net_instance {
    const char *id, *state;
};

struct ks_net_pcx {
    const char *id, *vpc_a, *vpc_b;
    struct ks_net_cidr *cidrs_a, *cidrs_b; /* IPv4 and IPv6 blocks of each side */
    size_t n_a, n_b;
    bool active;
};

struct ks_net_vgw {
    const char *id;
    const char **vpcs; /* attached VPCs */
    size_t n_vpcs;
    bool available;
};

struct ks_net_lb {
    const char *arn, *name, *type, *vpc;
    bool internet_facing;
    const char **subnets, **groups;
    size_t n_subnets, n_groups;
};

struct ks_net_listener {
    const char *arn, *lb_arn, *protocol;
    int port;
    const char **target_groups;
    size_t n_target_groups;
};

struct ks_net_target {
    const char *id;
    int port; /* 0: the group's port */
};

struct ks_net_tg {
    const char *arn, *name, *type;
    int port;
    bool targets_known;
    struct ks_net_target *targets;
    size_t n_targets;
};

struct ks_net_pl {
    const char *id, *name;
    bool entries_known;
    struct ks_net_cidr *entries;
    size_t n_entries;
};

/* Which kinds of output were found (bits of 1 << enum ks_net_kind). */
enum ks_net_kind {
    KS_NET_K_INSTANCES,
    KS_NET_K_ENIS,
    KS_NET_K_SUBNETS,
    KS_NET_K_VPCS,
    KS_NET_K_ROUTES,
    KS_NET_K_IGWS,
    KS_NET_K_NATS,
    KS_NET_K_ACLS,
    KS_NET_K_SGS,
    KS_NET_K_PLS,
    KS_NET_K_PCXS,
    KS_NET_K_VGWS,
    KS_NET_K_VPNS,
    KS_NET_K_LBS,
    KS_NET_K_LISTENERS,
    KS_NET_K_TGS,
    KS_NET_K_HEALTH,
    KS_NET_K_COUNT
};

struct ks_net_vpn {
    const char *id, *vgw;
    bool available;
};

struct ks_net_igw {
    const char *id, *vpc; /* vpc NULL when detached */
};

struct ks_net_vpc {
    const char *id;
    struct ks_net_cidr *cidrs;
    size_t n_cidrs;
};

struct ks_net_aws {
    struct ks_arena arena;
    uint32_t kinds;     /* bit per enum ks_net_kind seen */
    uint64_t bytes;     /* JSON bytes read */
    KS_VEC(struct ks_net_instance) instances;
    KS_VEC(struct ks_net_eni) enis;
    KS_VEC(struct ks_net_subnet) subnets;
    KS_VEC(struct ks_net_vpc) vpcs;
    KS_VEC(struct ks_net_rtb) rtbs;
    KS_VEC(struct ks_net_igw) igws;
    KS_VEC(struct ks_net_acl) acls;
    KS_VEC(struct ks_net_sg) sgs;
    KS_VEC(struct ks_net_pl) pls;
    KS_VEC(struct ks_net_pcx) pcxs;
    KS_VEC(struct ks_net_vgw) vgws;
    KS_VEC(struct ks_net_vpn) vpns;
    KS_VEC(struct ks_net_lb) lbs;
    KS_VEC(struct ks_net_listener) listeners;
    KS_VEC(struct ks_net_tg) tgs;
    /* route-table and ACL associations: subnet id -> table / acl index + 1 */
    struct ks_map rtb_of_subnet, acl_of_subnet;
    /* pending target-health and prefix-list entry files, resolved at the end */
    KS_VEC(struct ks_net_pending) pending;
};

struct ks_net_pending {
    const char *file; /* base name */
    bool health;      /* target health (else prefix-list entries) */
    void *items;
    size_t n;
};

void ks_net_aws_init(struct ks_net_aws *m);
void ks_net_aws_release(struct ks_net_aws *m);

/* Reads every *.json file of `dir` (sorted by name) into `m`. */
ks_err ks_net_aws_load(struct ks_net_aws *m, const char *dir, const struct ks_limits *lim,
                       struct ks_diag *diag);

/* Reads one document (`name` for messages and file-name matching). Call
 * ks_net_aws_finish() after the last one. */
ks_err ks_net_aws_add(struct ks_net_aws *m, const char *name, const char *text, size_t len,
                      const struct ks_limits *lim, struct ks_diag *diag);
ks_err ks_net_aws_finish(struct ks_net_aws *m, struct ks_diag *diag);

#endif
