/* net/reach.h - which ports of which instance the internet, a peered VPC or
 * a VPN can reach, computed from a loaded AWS model without probing.
 *
 * Semantics (docs/internals/net.md has the full list and the sources):
 *  - route tables: the subnet's explicit association, else the VPC's main
 *    table; the route for a source address is the longest matching prefix,
 *    and it must lead back to the edge the traffic came in by (igw-, pcx-,
 *    vgw-) and be active;
 *  - a direct internet path needs a public IPv4 (Association.PublicIp: public
 *    or Elastic IP) for IPv4 sources, an IPv6 address for IPv6 sources;
 *  - network ACLs are stateless and ordered: the lowest matching rule number
 *    decides, the `*` rule (32767) denies; inbound must allow the port and
 *    outbound must allow the return traffic to the source on some ephemeral
 *    port (1024-65535);
 *  - security groups are stateful: the union of the inbound rules of every
 *    group of the interface (CIDR, IPv6 CIDR, prefix lists with known entries,
 *    group references: the load balancer's groups, or groups of the peer VPC);
 *  - protocol -1 opens every TCP and UDP port; ICMP rules open none;
 *  - internet-facing load balancers: listener -> target groups -> targets on
 *    their ports, through the balancer's subnets, ACLs and groups, then the
 *    target's ACL and groups with the balancer as source (a network load
 *    balancer without groups preserves the client address);
 *  - "the internet" is every IPv4 address outside the private, shared,
 *    loopback, link-local, benchmark, multicast and reserved blocks, and
 *    IPv6 2000::/3.
 * Missing kinds of input become coverage notes saying what was assumed.
 *
 * Thread-safety: a result is immutable after ks_net_analyze(); queries on it
 * are safe from many threads. */
#ifndef KS_NET_REACH_H
#define KS_NET_REACH_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/vec.h"
#include "formats/json.h"
#include "net/aws.h"

enum ks_net_source { KS_NET_SRC_INTERNET, KS_NET_SRC_PEERED, KS_NET_SRC_VPN };

struct ks_net_step {
    const char *id;   /* componentId */
    const char *type; /* componentType, e.g. "AWS::EC2::SecurityGroup" */
    const char *arn;  /* componentArn, or NULL */
};

struct ks_net_finding {
    const char *resource; /* instance id (ENI id for an interface with no instance) */
    enum ks_net_source source;
    int proto;      /* KS_NET_TCP or KS_NET_UDP */
    int begin, end; /* open port range, inclusive */
    const char *via_lb; /* load balancer name, or NULL for a direct path */
    struct ks_net_step *steps; /* edge first, instance last */
    size_t n_steps;
};

struct ks_net_result {
    struct ks_arena arena; /* owns every string and step */
    KS_VEC(struct ks_net_finding) findings; /* sorted: resource, source, proto, begin */
    KS_VEC(const char *) notes;             /* coverage notes, in a fixed order */
    size_t n_instances, n_enis;
};

void ks_net_result_init(struct ks_net_result *r);
void ks_net_result_release(struct ks_net_result *r);

/* Analyses `m` into `r` (initialised by the caller). KS_ENOMEM only. */
ks_err ks_net_analyze(const struct ks_net_aws *m, struct ks_net_result *r, struct ks_diag *diag);

/* ---- what the scan engine uses ---- */

/* True if any internet path (direct or through a load balancer) reaches
 * resource `id` (an instance id). */
bool ks_net_internet_exposed(const struct ks_net_result *r, const char *id);

/* True if `port` of `proto` (KS_NET_TCP/KS_NET_UDP) of resource `id` is
 * reachable from the internet. */
bool ks_net_port_exposed(const struct ks_net_result *r, const char *id, int proto, int port);

/* Calls `fn` for each internet-reachable port range of resource `id`
 * (ranges may repeat across paths). Returns how many ranges there were. */
typedef void ks_net_range_fn(int proto, int begin, int end, void *ctx);
size_t ks_net_exposure(const struct ks_net_result *r, const char *id, ks_net_range_fn *fn,
                       void *ctx);

/* ---- presentation ---- */

/* "Port 22 is reachable from an Internet Gateway - TCP" and friends. */
void ks_net_title(const struct ks_net_finding *f, struct ks_buf *out);
/* "INFORMATIONAL".."CRITICAL": MEDIUM for internet paths, HIGH when the
 * range spans 1000 ports or more, LOW for peered and VPN sources. */
const char *ks_net_severity(const struct ks_net_finding *f);
const char *ks_net_source_name(enum ks_net_source s); /* "internet", "peered-vpc", "vpn" */

/* Writes the findings (Inspector's finding shape, see docs) as an array. */
void ks_net_write_findings(const struct ks_net_result *r, struct ks_jw *w);

#endif
