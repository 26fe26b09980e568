/* net/host.h - the host's own view: listening sockets and the host firewall.
 *
 * Sockets come from /proc/net/{tcp,tcp6,udp,udp6} (TCP in LISTEN, UDP
 * unconnected), owners from /proc/PID/fd links. The firewall comes from
 * `nft -j list ruleset` JSON and/or `iptables-save` text, compiled into one
 * rule model and evaluated for a new inbound packet: "is a packet from the
 * internet to port P accepted?".
 *
 * Evaluation: base chains of the input and prerouting hooks (filter type) in
 * hook and priority order; each must accept. Rules are matched on l4proto,
 * destination port, input interface name (wildcards `eth*` / `eth+`), source
 * address, `ct state` (a probe is "new") and nfproto; jump/goto/return,
 * accept/drop/reject, named and anonymous sets. A condition kensa cannot
 * decide (a source address when none is given, a source port, a destination
 * address, an unknown expression) makes the rule not match: "the internet"
 * is any address, so address-specific rules neither open nor close a port
 * in general. With both nft and iptables given, both must accept.
 *
 * Parsers are bounded by struct ks_limits, fail with KS_EPARSE naming the
 * input, never execute anything. Not thread-safe per object. */
#ifndef KS_NET_HOST_H
#define KS_NET_HOST_H

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/vec.h"
#include "net/aws.h"

/* ---- listening sockets ---- */

struct ks_net_socket {
    int proto; /* KS_NET_TCP or KS_NET_UDP */
    struct ks_net_cidr addr; /* bind address (full length) */
    int port;
    uint64_t inode;
    int pid;          /* 0 when unknown */
    const char *comm; /* process name, or NULL */
};

struct ks_net_sockets {
    struct ks_arena arena;
    KS_VEC(struct ks_net_socket) items; /* sorted by proto, port, address */
};

void ks_net_sockets_init(struct ks_net_sockets *s);
void ks_net_sockets_release(struct ks_net_sockets *s);

/* Parses one /proc/net/{tcp,tcp6,udp,udp6} text (`proto`, `v6` say which). */
ks_err ks_net_sockets_parse(struct ks_net_sockets *s, const char *name, const char *text,
                            size_t len, int proto, bool v6, struct ks_diag *diag);

/* Reads the four tables under `proc` ("/proc" for the live host; missing
 * tables are skipped) and, when `owners`, the owning processes. */
ks_err ks_net_sockets_read(struct ks_net_sockets *s, const char *proc, bool owners,
                           const struct ks_limits *lim, struct ks_diag *diag);

/* True if the bind address is a wildcard (0.0.0.0, ::) or not loopback. */
bool ks_net_socket_exposed(const struct ks_net_socket *so);

/* ---- firewall ---- */

struct ks_net_fw; /* opaque */

struct ks_net_fw *ks_net_fw_new(void);
void ks_net_fw_free(struct ks_net_fw *fw);

/* Adds `nft -j list ruleset` output. */
ks_err ks_net_fw_add_nft(struct ks_net_fw *fw, const char *name, const char *text, size_t len,
                         const struct ks_limits *lim, struct ks_diag *diag);
/* Adds `iptables-save` (or `ip6tables-save`, with `v6`) output. */
ks_err ks_net_fw_add_iptables(struct ks_net_fw *fw, const char *name, const char *text, size_t len,
                              bool v6, const struct ks_limits *lim, struct ks_diag *diag);

/* Whether anything was added. */
bool ks_net_fw_present(const struct ks_net_fw *fw);

/* The packet evaluated. */
struct ks_net_probe {
    int proto;          /* KS_NET_TCP / KS_NET_UDP */
    int port;
    bool v6;
    const char *iface;  /* input interface, or NULL: rules on specific names do not match */
    const struct ks_net_cidr *source; /* or NULL: any internet address */
};

enum ks_net_fw_verdict { KS_NET_FW_ACCEPT, KS_NET_FW_DROP, KS_NET_FW_REJECT };

/* The fate of the packet: accepted by every firewall added (no firewall:
 * accepted), silently dropped, or rejected (an answer comes back). */
enum ks_net_fw_verdict ks_net_fw_verdict(const struct ks_net_fw *fw, const struct ks_net_probe *p);

/* ks_net_fw_verdict() == KS_NET_FW_ACCEPT. */
bool ks_net_fw_accepts(const struct ks_net_fw *fw, const struct ks_net_probe *p);

#endif
