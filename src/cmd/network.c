/* cmd/network.c - `kensa network analyze`: cloud reachability from AWS CLI
 * JSON, the host's listeners and firewall, and the findings that combine them. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/buf.h"
#include "core/file.h"
#include "core/str.h"
#include "formats/json.h"
#include "net/aws.h"
#include "net/host.h"
#include "net/reach.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

const char cmd_network_help[] =
        "usage: kensa network analyze [--aws DIR] [--host] [--rootfs DIR] [options]\n\n"
        "Reports which ports of which instance are reachable from the internet, a peered\n"
        "VPC or a VPN (from AWS CLI JSON outputs, without probing), and on a host which\n"
        "processes listen and whether the host firewall lets a packet through.\n\n"
        "  --aws DIR          directory of `aws ec2 describe-*` / `aws elbv2 describe-*` JSON\n"
        "  --host             this host: /proc/net sockets, `nft -j list ruleset` or iptables-save\n"
        "  --rootfs DIR       an unpacked root file system: its saved iptables rules only\n"
        "  --proc DIR         read sockets from DIR instead of /proc\n"
        "  --nft-json FILE    `nft -j list ruleset` output to use instead of running nft\n"
        "  --iptables FILE    `iptables-save` output to use (repeatable; '6:FILE' for ip6tables)\n"
        "  --instance ID      the instance this host is, to combine host and cloud views\n"
        "  --iface NAME       interface internet traffic arrives on (default: none known)\n"
        "  --source ADDR      evaluate the firewall for this source address\n"
        "  --ports SPEC       also print the verdict per port, e.g. tcp:1-1024,udp:53,123\n"
        "  --format F         table (default) or json\n"
        "  -o, --output FILE  write the report to FILE instead of standard output\n";

enum {
    OPT_AWS = KS_OPT_FIRST_CMD,
    OPT_HOST,
    OPT_ROOTFS,
    OPT_PROC,
    OPT_NFT,
    OPT_IPT,
    OPT_INSTANCE,
    OPT_IFACE,
    OPT_SOURCE,
    OPT_PORTS,
    OPT_FORMAT,
};

#define MAX_IPT 8

struct opts {
    const char *aws, *rootfs, *proc, *nft, *ipt[MAX_IPT], *instance, *iface, *source, *ports,
            *output;
    size_t n_ipt;
    bool host, json;
};

static int net_opt(int c, const char *arg, void *ctx)
{
    struct opts *o = ctx;

    switch (c) {
    case OPT_AWS:
        o->aws = arg;
        break;
    case OPT_HOST:
        o->host = true;
        break;
    case OPT_ROOTFS:
        o->rootfs = arg;
        break;
    case OPT_PROC:
        o->proc = arg;
        break;
    case OPT_NFT:
        o->nft = arg;
        break;
    case OPT_IPT:
        if (o->n_ipt >= MAX_IPT)
            return ks_cmd_usage_error("network", "too many --iptables files");
        o->ipt[o->n_ipt++] = arg;
        break;
    case OPT_INSTANCE:
        o->instance = arg;
        break;
    case OPT_IFACE:
        o->iface = arg;
        break;
    case OPT_SOURCE:
        o->source = arg;
        break;
    case OPT_PORTS:
        o->ports = arg;
        break;
    case OPT_FORMAT:
        if (strcmp(arg, "table") && strcmp(arg, "json"))
            return ks_cmd_usage_error("network", "--format must be 'table' or 'json', not '%s'",
                                      arg);
        o->json = !strcmp(arg, "json");
        break;
    case 'o':
        o->output = arg;
        break;
    default:
        return ks_cmd_usage_error("network", "unknown option");
    }
    return 0;
}

/* ---- host collection ---- */

/* Runs `argv` (no shell) and appends its standard output to `out`.
 * KS_ENOTFOUND when the program is missing or fails. */
static ks_err run_capture(const char *const argv[], struct ks_buf *out, struct ks_diag *diag)
{
    int fd[2];
    pid_t pid;
    int status = 0;
    ks_err err;

    if (pipe(fd))
        return ks_diag_errno(diag, KS_EIO, "cannot create a pipe");
    pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return ks_diag_errno(diag, KS_EIO, "cannot fork");
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(fd[1], 1);
        if (null >= 0)
            dup2(null, 2);
        close(fd[0]);
        close(fd[1]);
        execvp(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    close(fd[1]);
    err = ks_fd_read(fd[0], argv[0], ks_env.limits.max_file_size, out, diag);
    close(fd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!err && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
        err = ks_diag_set(diag, KS_ENOTFOUND, "'%s' failed or is not installed", argv[0]);
    return err;
}

struct host {
    struct ks_net_sockets socks;
    struct ks_net_fw *fw;
    KS_VEC(char *) notes;
    bool sockets_known;
};

static ks_err host_note(struct host *h, const char *msg)
{
    char *s = strdup(msg);
    return !s || KS_VEC_PUSH(&h->notes, s) ? (free(s), KS_ENOMEM) : KS_OK;
}

static ks_err load_file_into(const char *path, struct ks_buf *b, struct ks_diag *diag)
{
    ks_buf_reset(b);
    return ks_file_read(path, ks_env.limits.max_file_size, b, diag);
}

static ks_err collect_host(const struct opts *o, struct host *h, struct ks_diag *diag)
{
    struct ks_buf b = KS_BUF_INIT(0);
    ks_err err = KS_OK;

    h->fw = ks_net_fw_new();
    if (!h->fw)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    if (o->host || o->proc) {
        if ((err = ks_net_sockets_read(&h->socks, o->proc ? o->proc : "/proc", !o->proc,
                                       &ks_env.limits, diag)))
            goto done;
        h->sockets_known = true;
    }
    if (o->nft) {
        if ((err = load_file_into(o->nft, &b, diag)) ||
            (err = ks_net_fw_add_nft(h->fw, o->nft, b.ptr, b.len, &ks_env.limits, diag)))
            goto done;
    }
    for (size_t i = 0; i < o->n_ipt; i++) {
        bool v6 = ks_starts_with(o->ipt[i], "6:");
        const char *path = o->ipt[i] + (v6 ? 2 : 0);
        if ((err = load_file_into(path, &b, diag)) ||
            (err = ks_net_fw_add_iptables(h->fw, path, b.ptr, b.len, v6, &ks_env.limits, diag)))
            goto done;
    }
    if (o->rootfs && !o->nft && !o->n_ipt) {
        static const char *const saved[] = {"etc/iptables/rules.v4", "etc/iptables/rules.v6",
                                            "etc/sysconfig/iptables", "etc/sysconfig/ip6tables"};
        for (size_t i = 0; i < KS_ARRAY_LEN(saved); i++) {
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", o->rootfs, saved[i]);
            if (access(path, R_OK))
                continue;
            if ((err = load_file_into(path, &b, diag)) ||
                (err = ks_net_fw_add_iptables(h->fw, path, b.ptr, b.len, strchr(saved[i], '6'),
                                              &ks_env.limits, diag)))
                goto done;
        }
        if (!ks_net_fw_present(h->fw) &&
            (err = host_note(h, "no saved iptables rules in the root file system: no host "
                                "firewall assumed (nftables.conf is not evaluated)")))
            goto done;
        if ((err = host_note(h, "root file system: listening sockets unknown")))
            goto done;
    } else if (o->host && !o->nft && !o->n_ipt) {
        static const char *const nft[] = {"nft", "-j", "list", "ruleset", NULL};
        static const char *const ipt[] = {"iptables-save", NULL};
        struct ks_diag d2 = KS_DIAG_INIT;
        ks_buf_reset(&b);
        if (!run_capture(nft, &b, &d2)) {
            if ((err = ks_net_fw_add_nft(h->fw, "nft -j list ruleset", b.ptr, b.len,
                                         &ks_env.limits, diag)))
                goto done;
        } else {
            ks_buf_reset(&b);
            if (!run_capture(ipt, &b, &d2)) {
                if ((err = ks_net_fw_add_iptables(h->fw, "iptables-save", b.ptr, b.len, false,
                                                  &ks_env.limits, diag)))
                    goto done;
            } else if ((err = host_note(h, "neither nft nor iptables-save could be run: no "
                                           "host firewall assumed")))
                goto done;
        }
    }
done:
    ks_buf_release(&b);
    return err;
}

static void addr_str(const struct ks_net_cidr *a, char *buf, size_t n)
{
    if (!inet_ntop(a->v6 ? AF_INET6 : AF_INET, a->a, buf, (socklen_t)n))
        snprintf(buf, n, "?");
}

static const char *pname(int proto)
{
    return proto == KS_NET_TCP ? "TCP" : "UDP";
}

/* Verdict for a port as a scanner from outside would see it. */
static const char *port_state(const struct opts *o, struct host *h, int proto, int port,
                              const struct ks_net_cidr *src)
{
    bool v6 = src && src->v6;
    struct ks_net_probe p = {proto, port, v6, o->iface, src};
    enum ks_net_fw_verdict v = ks_net_fw_verdict(h->fw, &p);
    bool listening = false;

    if (v == KS_NET_FW_DROP)
        return "filtered";
    if (v == KS_NET_FW_REJECT)
        return "closed";
    for (size_t i = 0; i < h->socks.items.len; i++) {
        const struct ks_net_socket *so = &h->socks.items.items[i];
        if (so->proto == proto && so->port == port && ks_net_socket_exposed(so))
            listening = true;
    }
    return listening ? "open" : "closed";
}

/* ---- output ---- */

struct report {
    struct ks_buf out;
    struct ks_jw jw;
};

static int parse_ports(const char *spec, int (*ranges)[3], size_t max, size_t *n)
{
    char buf[1024];
    int proto = 0;
    char *p = buf;

    if (strlen(spec) >= sizeof(buf))
        return -1;
    memcpy(buf, spec, strlen(spec) + 1);
    *n = 0;
    while (*p) {
        char *end = strchr(p, ','), *dash;
        uint64_t a, b;
        if (end)
            *end = '\0';
        if (ks_starts_with(p, "tcp:")) {
            proto = KS_NET_TCP;
            p += 4;
        } else if (ks_starts_with(p, "udp:")) {
            proto = KS_NET_UDP;
            p += 4;
        }
        dash = strchr(p, '-');
        if (dash)
            *dash = '\0';
        if (!proto || ks_parse_u64(p, &a) || a > 65535)
            return -1;
        b = a;
        if (dash && (ks_parse_u64(dash + 1, &b) || b > 65535 || b < a))
            return -1;
        if (*n >= max)
            return -1;
        ranges[*n][0] = proto;
        ranges[*n][1] = (int)a;
        ranges[*n][2] = (int)b;
        (*n)++;
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

static void host_json(const struct opts *o, struct host *h, const struct ks_net_result *cloud,
                      const struct ks_net_cidr *src, int (*pr)[3], size_t npr, struct ks_jw *w,
                      struct ks_buf *table)
{
    char addr[INET6_ADDRSTRLEN];
    struct ks_buf title = KS_BUF_INIT(0);
    bool use_cloud = cloud && o->instance;

    if (table)
        ks_buf_adds(table, "\nHOST LISTENERS\nPROTO  ADDRESS                   PORT   PROCESS            FIREWALL\n");
    if (w) {
        ks_jw_key(w, "host");
        ks_jw_obj_begin(w);
        ks_jw_key(w, "listeners");
        ks_jw_arr_begin(w);
    }
    for (size_t i = 0; i < h->socks.items.len; i++) {
        const struct ks_net_socket *so = &h->socks.items.items[i];
        struct ks_net_probe p = {so->proto, so->port, so->addr.v6, o->iface, src};
        enum ks_net_fw_verdict v = ks_net_fw_verdict(h->fw, &p);
        const char *vs = v == KS_NET_FW_ACCEPT ? "accept" : v == KS_NET_FW_DROP ? "drop" : "reject";

        addr_str(&so->addr, addr, sizeof(addr));
        if (w) {
            ks_jw_obj_begin(w);
            ks_jw_kstr(w, "protocol", pname(so->proto));
            ks_jw_kstr(w, "address", addr);
            ks_jw_kint(w, "port", so->port);
            if (so->pid)
                ks_jw_kint(w, "pid", so->pid);
            ks_jw_kstr_opt(w, "process", so->comm);
            ks_jw_kstr(w, "firewall", ks_net_socket_exposed(so) ? vs : "loopback");
            ks_jw_obj_end(w);
        }
        if (table)
            ks_buf_addf(table, "%-6s %-25s %-6d %-18s %s\n", pname(so->proto), addr, so->port,
                        so->comm ? so->comm : "-", ks_net_socket_exposed(so) ? vs : "loopback");
    }
    if (w) {
        ks_jw_arr_end(w);
        ks_jw_key(w, "findings");
        ks_jw_arr_begin(w);
    }
    if (table)
        ks_buf_adds(table, "\nHOST FINDINGS\n");
    /* listeners: reachable or blocked */
    for (size_t i = 0; i < h->socks.items.len; i++) {
        const struct ks_net_socket *so = &h->socks.items.items[i];
        struct ks_net_probe p = {so->proto, so->port, so->addr.v6, o->iface, src};
        bool fw_ok, cloud_ok = true;
        const char *rule;

        if (!ks_net_socket_exposed(so))
            continue;
        if (i > 0 && h->socks.items.items[i - 1].proto == so->proto &&
            h->socks.items.items[i - 1].port == so->port &&
            ks_net_socket_exposed(&h->socks.items.items[i - 1]))
            continue; /* one finding per port */
        fw_ok = ks_net_fw_accepts(h->fw, &p);
        if (use_cloud)
            cloud_ok = ks_net_port_exposed(cloud, o->instance, so->proto, so->port);
        addr_str(&so->addr, addr, sizeof(addr));
        ks_buf_reset(&title);
        if (fw_ok && cloud_ok) {
            rule = "RecognizedPortWithListener";
            ks_buf_addf(&title, "Port %d is reachable from the internet and %s listens on it - %s",
                        so->port, so->comm ? so->comm : "a process", pname(so->proto));
        } else {
            rule = "ListenerBlocked";
            ks_buf_addf(&title, "%s listens on %s port %d but the %s blocks it - %s",
                        so->comm ? so->comm : "a process", addr, so->port,
                        !fw_ok ? "host firewall" : "cloud network path", pname(so->proto));
        }
        if (w) {
            ks_jw_obj_begin(w);
            ks_jw_kstr(w, "rule", rule);
            ks_jw_kstr(w, "title", ks_buf_str(&title));
            ks_jw_kstr(w, "protocol", pname(so->proto));
            ks_jw_kint(w, "port", so->port);
            ks_jw_kstr(w, "address", addr);
            ks_jw_kstr_opt(w, "process", so->comm);
            if (so->pid)
                ks_jw_kint(w, "pid", so->pid);
            ks_jw_kstr(w, "severity", fw_ok && cloud_ok ? "MEDIUM" : "INFORMATIONAL");
            ks_jw_obj_end(w);
        }
        if (table)
            ks_buf_addf(table, "%-28s %s\n", rule, ks_buf_str(&title));
    }
    /* reachable from the cloud side and through the host firewall, nothing listening */
    if (use_cloud) {
        for (size_t i = 0; i < cloud->findings.len; i++) {
            const struct ks_net_finding *f = &cloud->findings.items[i];
            int first = -1, last = -1;
            if (strcmp(f->resource, o->instance) || f->source != KS_NET_SRC_INTERNET)
                continue;
            for (int port = f->begin; port <= f->end; port++) {
                struct ks_net_probe p = {f->proto, port, false, o->iface, src};
                bool listening = false;
                for (size_t k = 0; k < h->socks.items.len && !listening; k++)
                    listening = h->socks.items.items[k].proto == f->proto &&
                                h->socks.items.items[k].port == port &&
                                ks_net_socket_exposed(&h->socks.items.items[k]);
                bool hit = !listening && ks_net_fw_accepts(h->fw, &p) && h->sockets_known;
                if (hit && first < 0)
                    first = port;
                if (hit)
                    last = port;
                if ((!hit || port == f->end) && first >= 0) {
                    ks_buf_reset(&title);
                    if (first == last)
                        ks_buf_addf(&title, "Port %d", first);
                    else
                        ks_buf_addf(&title, "Port range %d-%d", first, last);
                    ks_buf_addf(&title, " is reachable from the internet but nothing listens - %s",
                                pname(f->proto));
                    if (w) {
                        ks_jw_obj_begin(w);
                        ks_jw_kstr(w, "rule", "RecognizedPortNoListener");
                        ks_jw_kstr(w, "title", ks_buf_str(&title));
                        ks_jw_kstr(w, "protocol", pname(f->proto));
                        ks_jw_kint(w, "port", first);
                        ks_jw_kint(w, "portEnd", last);
                        ks_jw_kstr(w, "severity", "LOW");
                        ks_jw_obj_end(w);
                    }
                    if (table)
                        ks_buf_addf(table, "%-28s %s\n", "RecognizedPortNoListener",
                                    ks_buf_str(&title));
                    first = -1;
                }
            }
        }
    }
    if (w)
        ks_jw_arr_end(w);
    if (npr) {
        if (w) {
            ks_jw_key(w, "ports");
            ks_jw_arr_begin(w);
        }
        if (table)
            ks_buf_adds(table, "\nPORT VERDICTS\n");
        for (size_t r = 0; r < npr; r++)
            for (int port = pr[r][1]; port <= pr[r][2]; port++) {
                const char *st = port_state(o, h, pr[r][0], port, src);
                if (w) {
                    ks_jw_obj_begin(w);
                    ks_jw_kstr(w, "protocol", pname(pr[r][0]));
                    ks_jw_kint(w, "port", port);
                    ks_jw_kstr(w, "state", st);
                    ks_jw_obj_end(w);
                }
                if (table)
                    ks_buf_addf(table, "%s/%d %s\n", pr[r][0] == KS_NET_TCP ? "tcp" : "udp",
                                port, st);
            }
        if (w)
            ks_jw_arr_end(w);
    }
    if (w) {
        ks_jw_key(w, "notes");
        ks_jw_arr_begin(w);
        for (size_t i = 0; i < h->notes.len; i++)
            ks_jw_str(w, h->notes.items[i]);
        ks_jw_arr_end(w);
        ks_jw_obj_end(w);
    }
    if (table)
        for (size_t i = 0; i < h->notes.len; i++)
            ks_buf_addf(table, "note: %s\n", h->notes.items[i]);
    ks_buf_release(&title);
}

static void cloud_table(const struct ks_net_result *r, struct ks_buf *t)
{
    struct ks_buf title = KS_BUF_INIT(0);

    ks_buf_addf(t, "%zu instance(s), %zu interface(s), %zu finding(s)\n", r->n_instances,
                r->n_enis, r->findings.len);
    if (r->findings.len)
        ks_buf_adds(t, "RESOURCE             SOURCE      PROTO  PORTS        SEVERITY  PATH\n");
    for (size_t i = 0; i < r->findings.len; i++) {
        const struct ks_net_finding *f = &r->findings.items[i];
        char ports[32];
        if (f->begin == f->end)
            snprintf(ports, sizeof(ports), "%d", f->begin);
        else
            snprintf(ports, sizeof(ports), "%d-%d", f->begin, f->end);
        ks_buf_addf(t, "%-20s %-11s %-6s %-12s %-9s ", f->resource, ks_net_source_name(f->source),
                    pname(f->proto), ports, ks_net_severity(f));
        for (size_t k = 0; k < f->n_steps; k++)
            ks_buf_addf(t, "%s%s", k ? " > " : "", f->steps[k].id);
        ks_buf_adds(t, "\n");
    }
    for (size_t i = 0; i < r->notes.len; i++)
        ks_buf_addf(t, "note: %s\n", r->notes.items[i]);
    ks_buf_release(&title);
}

static int analyze(int argc, char **argv)
{
    static const struct option longopts[] = {
            {"aws", required_argument, NULL, OPT_AWS},
            {"host", no_argument, NULL, OPT_HOST},
            {"rootfs", required_argument, NULL, OPT_ROOTFS},
            {"proc", required_argument, NULL, OPT_PROC},
            {"nft-json", required_argument, NULL, OPT_NFT},
            {"iptables", required_argument, NULL, OPT_IPT},
            {"instance", required_argument, NULL, OPT_INSTANCE},
            {"iface", required_argument, NULL, OPT_IFACE},
            {"source", required_argument, NULL, OPT_SOURCE},
            {"ports", required_argument, NULL, OPT_PORTS},
            {"format", required_argument, NULL, OPT_FORMAT},
            {"output", required_argument, NULL, 'o'},
            {NULL, 0, NULL, 0}};
    struct opts o = {0};
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_net_aws model;
    struct ks_net_result res;
    struct host h = {0};
    struct ks_buf out = KS_BUF_INIT(0);
    struct ks_jw jw;
    struct ks_net_cidr src;
    int pr[64][3];
    size_t npr = 0;
    bool want_host;
    ks_err err = KS_OK;
    int rc;

    rc = ks_cmd_getopt(argc, argv, "o:", longopts, cmd_network_help, net_opt, &o);
    if (rc != KS_CMD_CONTINUE)
        return rc;
    if (optind < argc)
        return ks_cmd_usage_error("network", "unexpected argument '%s'", argv[optind]);
    want_host = o.host || o.rootfs || o.proc || o.nft || o.n_ipt;
    if (!o.aws && !want_host)
        return ks_cmd_usage_error("network", "give --aws DIR and/or --host / --rootfs DIR");
    if (o.source && !ks_net_cidr_parse(o.source, &src))
        return ks_cmd_usage_error("network", "--source: not an address: '%s'", o.source);
    if (o.ports && parse_ports(o.ports, pr, KS_ARRAY_LEN(pr), &npr))
        return ks_cmd_usage_error("network", "--ports: bad port list '%s'", o.ports);

    ks_net_aws_init(&model);
    ks_net_result_init(&res);
    ks_net_sockets_init(&h.socks);
    if (o.aws && ((err = ks_net_aws_load(&model, o.aws, &ks_env.limits, &diag)) ||
                  (err = ks_net_analyze(&model, &res, &diag))))
        goto done;
    if (want_host && (err = collect_host(&o, &h, &diag)))
        goto done;

    if (o.json) {
        ks_jw_init(&jw, &out, 2);
        ks_jw_obj_begin(&jw);
        if (o.aws) {
            ks_jw_key(&jw, "findings");
            ks_net_write_findings(&res, &jw);
            ks_jw_key(&jw, "coverage");
            ks_jw_arr_begin(&jw);
            for (size_t i = 0; i < res.notes.len; i++)
                ks_jw_str(&jw, res.notes.items[i]);
            ks_jw_arr_end(&jw);
        }
        if (want_host)
            host_json(&o, &h, o.aws ? &res : NULL, o.source ? &src : NULL, pr, npr, &jw, NULL);
        ks_jw_obj_end(&jw);
        if ((err = ks_jw_finish(&jw))) {
            ks_diag_set(&diag, err, "cannot write the report");
            goto done;
        }
    } else {
        if (o.aws)
            cloud_table(&res, &out);
        if (want_host)
            host_json(&o, &h, o.aws ? &res : NULL, o.source ? &src : NULL, pr, npr, NULL, &out);
    }
    err = ks_file_write_atomic(o.output ? o.output : "-", out.ptr ? out.ptr : "", out.len, &diag);
done:
    for (size_t i = 0; i < h.notes.len; i++)
        free(h.notes.items[i]);
    KS_VEC_RELEASE(&h.notes);
    ks_net_fw_free(h.fw);
    ks_net_sockets_release(&h.socks);
    ks_net_result_release(&res);
    ks_net_aws_release(&model);
    ks_buf_release(&out);
    return err ? ks_cmd_fail(&diag, err) : KS_EXIT_OK;
}

int cmd_network(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
            ks_cmd_print_help(cmd_network_help);
            return KS_EXIT_OK;
        }
        return ks_cmd_usage_error("network", "missing subcommand (analyze)");
    }
    if (strcmp(argv[1], "analyze"))
        return ks_cmd_usage_error("network", "unknown subcommand '%s'", argv[1]);
    return analyze(argc - 1, argv + 1);
}
