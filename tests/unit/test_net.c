/* tests/unit/test_net.c - network reachability: AWS topologies with
 * hand-derived expectations (tests/data/net/<case>/expected.txt), the model
 * reader's errors, the scan API, /proc/net parsing and the firewall readers. */
#include "ks_test.h"

#include "core/buf.h"
#include "core/file.h"
#include "formats/json.h"
#include "net/aws.h"
#include "net/host.h"
#include "net/reach.h"

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Renders the result as sorted "RESOURCE SOURCE PROTO PORTS STEPS" lines. */
static char *render(const struct ks_net_result *r)
{
    struct ks_buf all = KS_BUF_INIT(0);
    char **lines = calloc(r->findings.len + r->notes.len + 1, sizeof(*lines));
    size_t n = 0;

    assert_non_null(lines);
    for (size_t i = 0; i < r->findings.len; i++) {
        const struct ks_net_finding *f = &r->findings.items[i];
        struct ks_buf b = KS_BUF_INIT(0);
        ks_buf_addf(&b, "%s %s %s ", f->resource, ks_net_source_name(f->source),
                    f->proto == KS_NET_TCP ? "TCP" : "UDP");
        if (f->begin == f->end)
            ks_buf_addf(&b, "%d ", f->begin);
        else
            ks_buf_addf(&b, "%d-%d ", f->begin, f->end);
        for (size_t k = 0; k < f->n_steps; k++)
            ks_buf_addf(&b, "%s%s", k ? ">" : "", f->steps[k].id);
        lines[n++] = ks_buf_detach(&b, NULL);
    }
    for (size_t i = 0; i < r->notes.len; i++) {
        struct ks_buf b = KS_BUF_INIT(0);
        ks_buf_addf(&b, "note: %s", r->notes.items[i]);
        lines[n++] = ks_buf_detach(&b, NULL);
    }
    qsort(lines, n, sizeof(*lines), cmp_line);
    for (size_t i = 0; i < n; i++) {
        ks_buf_addf(&all, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    return ks_buf_detach(&all, NULL);
}

/* expected.txt without comments and blank lines, sorted. */
static char *expected(const char *path)
{
    struct ks_buf in = KS_BUF_INIT(0), out = KS_BUF_INIT(0);
    char *lines[256];
    size_t n = 0;
    char *p, *save;

    assert_int_equal(ks_file_read(path, 1 << 20, &in, NULL), KS_OK);
    for (p = strtok_r(in.ptr, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
        if (p[0] && p[0] != '#' && n < 256)
            lines[n++] = p;
    qsort(lines, n, sizeof(*lines), cmp_line);
    for (size_t i = 0; i < n; i++)
        ks_buf_addf(&out, "%s\n", lines[i]);
    ks_buf_release(&in);
    return ks_buf_detach(&out, NULL);
}

static void check_case(const char *name)
{
    struct ks_net_aws m;
    struct ks_net_result r;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_limits lim = ks_limits_default;
    char dir[1024], exp_path[1100];
    char *got, *want;

    snprintf(dir, sizeof(dir), "%s/tests/data/net/%s", ks_test_srcdir(), name);
    snprintf(exp_path, sizeof(exp_path), "%s/expected.txt", dir);
    ks_net_aws_init(&m);
    ks_net_result_init(&r);
    if (ks_net_aws_load(&m, dir, &lim, &d))
        fail_msg("%s: %s", name, d.msg);
    assert_int_equal(ks_net_analyze(&m, &r, &d), KS_OK);
    got = render(&r);
    want = expected(exp_path);
    if (strcmp(got, want))
        fail_msg("case %s\n--- expected\n%s--- got\n%s", name, want, got);
    free(got);
    free(want);
    ks_net_result_release(&r);
    ks_net_aws_release(&m);
}

static void test_route_main(void **state)
{
    (void)state;
    check_case("route-main");
}

static void test_route_lpm(void **state)
{
    (void)state;
    check_case("route-lpm");
}

static void test_public_ip(void **state)
{
    (void)state;
    check_case("public-ip");
}

static void test_nacl_order(void **state)
{
    (void)state;
    check_case("nacl-order");
}

static void test_nacl_return(void **state)
{
    (void)state;
    check_case("nacl-return");
}

static void test_sg_union(void **state)
{
    (void)state;
    check_case("sg-union");
}

static void test_proto(void **state)
{
    (void)state;
    check_case("proto");
}

static void test_elb(void **state)
{
    (void)state;
    check_case("elb");
}

static void test_peer_vpn(void **state)
{
    (void)state;
    check_case("peer-vpn");
}

static void test_nacl_missing(void **state)
{
    (void)state;
    check_case("nacl-present");
    check_case("nacl-absent");
}

/* ---- reader errors ---- */

static ks_err add_doc(const char *name, const char *text, struct ks_diag *d)
{
    struct ks_net_aws m;
    struct ks_limits lim = ks_limits_default;
    ks_err err;

    ks_net_aws_init(&m);
    err = ks_net_aws_add(&m, name, text, strlen(text), &lim, d);
    if (!err)
        err = ks_net_aws_finish(&m, d);
    ks_net_aws_release(&m);
    return err;
}

static void test_reader_errors(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;

    (void)state;
    assert_int_equal(add_doc("a.json", "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\",}]}", &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "'a.json'"));
    assert_int_equal(add_doc("b.json", "{\"Foo\": []}", &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "not an AWS CLI output"));
    assert_int_equal(add_doc("c.json", "{\"SecurityGroups\": [{\"GroupName\": \"x\"}]}", &d),
                     KS_EPARSE);
    assert_string_equal(d.msg, "'c.json': SecurityGroups[0]: missing string 'GroupId'");
    assert_int_equal(add_doc("d.json", "{\"Subnets\": [{\"SubnetId\": \"s\", \"VpcId\": \"v\", "
                                       "\"CidrBlock\": \"10.0.0.0/33\"}]}",
                             &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "bad CIDR '10.0.0.0/33'"));
    assert_int_equal(add_doc("e.json", "{\"Vpcs\": {}}", &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "'Vpcs' is not an array"));
    assert_int_equal(add_doc("th.json", "{\"TargetHealthDescriptions\": [{\"Target\": "
                                        "{\"Id\": \"i-1\", \"Port\": 80}}]}",
                             &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "no target group name"));
    assert_int_equal(add_doc("f.json", "{\"NetworkAcls\": [], \"NextToken\": \"x\"}", &d), KS_OK);
    assert_int_equal(add_doc("g.json", "[1, 2]", &d), KS_EPARSE);
}

/* ---- the scan engine's API ---- */

static void test_exposure_api(void **state)
{
    struct ks_net_aws m;
    struct ks_net_result r;
    struct ks_limits lim = ks_limits_default;
    char dir[1024];

    (void)state;
    snprintf(dir, sizeof(dir), "%s/tests/data/net/sg-union", ks_test_srcdir());
    ks_net_aws_init(&m);
    ks_net_result_init(&r);
    assert_int_equal(ks_net_aws_load(&m, dir, &lim, NULL), KS_OK);
    assert_int_equal(ks_net_analyze(&m, &r, NULL), KS_OK);
    assert_true(ks_net_internet_exposed(&r, "i-u"));
    assert_false(ks_net_internet_exposed(&r, "i-nope"));
    assert_true(ks_net_port_exposed(&r, "i-u", KS_NET_TCP, 22));
    assert_true(ks_net_port_exposed(&r, "i-u", KS_NET_TCP, 90));
    assert_false(ks_net_port_exposed(&r, "i-u", KS_NET_TCP, 101));
    assert_false(ks_net_port_exposed(&r, "i-u", KS_NET_UDP, 500));
    assert_false(ks_net_port_exposed(&r, "i-u", KS_NET_TCP, 8443));
    assert_int_equal(ks_net_exposure(&r, "i-u", NULL, NULL), 5);
    ks_net_result_release(&r);
    ks_net_aws_release(&m);

    /* peered and VPN paths are not internet exposure */
    snprintf(dir, sizeof(dir), "%s/tests/data/net/peer-vpn", ks_test_srcdir());
    ks_net_aws_init(&m);
    ks_net_result_init(&r);
    assert_int_equal(ks_net_aws_load(&m, dir, &lim, NULL), KS_OK);
    assert_int_equal(ks_net_analyze(&m, &r, NULL), KS_OK);
    assert_int_equal(r.findings.len, 3);
    assert_false(ks_net_internet_exposed(&r, "i-db"));
    ks_net_result_release(&r);
    ks_net_aws_release(&m);
}

static void test_title(void **state)
{
    struct ks_net_step st[1] = {{"igw-1", "AWS::EC2::InternetGateway", NULL}};
    struct ks_net_finding f = {"i-1", KS_NET_SRC_INTERNET, KS_NET_TCP, 22, 22, NULL, st, 1};
    struct ks_buf b = KS_BUF_INIT(0);

    (void)state;
    ks_net_title(&f, &b);
    assert_string_equal(ks_buf_str(&b), "Port 22 is reachable from an Internet Gateway - TCP");
    assert_string_equal(ks_net_severity(&f), "MEDIUM");
    ks_buf_reset(&b);
    f.source = KS_NET_SRC_PEERED;
    f.proto = KS_NET_UDP;
    f.end = 1021;
    ks_net_title(&f, &b);
    assert_string_equal(ks_buf_str(&b), "Port range 22-1021 is reachable from a Peered VPC - UDP");
    assert_string_equal(ks_net_severity(&f), "LOW");
    ks_buf_release(&b);
}

/* ---- host view ---- */

static char *slurp(const char *rel, size_t *len)
{
    struct ks_buf b = KS_BUF_INIT(0);
    char path[1024];

    snprintf(path, sizeof(path), "%s/tests/data/net/host/%s", ks_test_srcdir(), rel);
    assert_int_equal(ks_file_read(path, 1 << 20, &b, NULL), KS_OK);
    return ks_buf_detach(&b, len);
}

static void test_sockets(void **state)
{
    static const struct {
        const char *file;
        int proto;
        bool v6;
    } t[] = {{"proc-net-tcp.txt", KS_NET_TCP, false},
             {"proc-net-tcp6.txt", KS_NET_TCP, true},
             {"proc-net-udp.txt", KS_NET_UDP, false}};
    /* hand-decoded from the hex tables */
    static const struct {
        int proto, port;
        const char *addr;
        bool exposed;
    } want[] = {{KS_NET_TCP, 22, "0.0.0.0", true},   {KS_NET_TCP, 631, "127.0.0.1", false},
                {KS_NET_TCP, 3306, "::1", false},    {KS_NET_TCP, 8080, "::", true},
                {KS_NET_UDP, 53, "127.0.0.53", false}, {KS_NET_UDP, 123, "0.0.0.0", true}};
    struct ks_net_sockets s;
    struct ks_diag d = KS_DIAG_INIT;

    (void)state;
    ks_net_sockets_init(&s);
    for (size_t i = 0; i < KS_ARRAY_LEN(t); i++) {
        size_t len;
        char *text = slurp(t[i].file, &len);
        if (ks_net_sockets_parse(&s, t[i].file, text, len, t[i].proto, t[i].v6, &d))
            fail_msg("%s", d.msg);
        free(text);
    }
    assert_int_equal(s.items.len, KS_ARRAY_LEN(want));
    for (size_t i = 0; i < KS_ARRAY_LEN(want); i++) {
        struct ks_net_cidr a;
        assert_true(ks_net_cidr_parse(want[i].addr, &a));
        assert_int_equal(s.items.items[i].proto, want[i].proto);
        assert_int_equal(s.items.items[i].port, want[i].port);
        assert_memory_equal(s.items.items[i].addr.a, a.a, 16);
        assert_int_equal(ks_net_socket_exposed(&s.items.items[i]), want[i].exposed);
    }
    assert_int_equal(ks_net_sockets_parse(&s, "bad", "h\n 0: zz:0016 00000000:0000 0A\n", 31,
                                          KS_NET_TCP, false, &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "'bad' line 2"));
    ks_net_sockets_release(&s);
}

static enum ks_net_fw_verdict probe(const struct ks_net_fw *fw, int proto, int port,
                                    const char *iface, const char *src)
{
    struct ks_net_cidr a;
    struct ks_net_probe p = {proto, port, src && strchr(src, ':'), iface, NULL};

    if (src) {
        assert_true(ks_net_cidr_parse(src, &a));
        p.source = &a;
    }
    return ks_net_fw_verdict(fw, &p);
}

static void test_nft(void **state)
{
    struct ks_net_fw *fw = ks_net_fw_new();
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;
    size_t len;
    char *text = slurp("nft-ruleset.json", &len);

    (void)state;
    if (ks_net_fw_add_nft(fw, "nft-ruleset.json", text, len, &lim, &d))
        fail_msg("%s", d.msg);
    /* expectations follow the ruleset by hand (see the .nft comments in docs) */
    assert_int_equal(probe(fw, KS_NET_TCP, 22, "eth0", NULL), KS_NET_FW_ACCEPT);
    assert_int_equal(probe(fw, KS_NET_TCP, 8050, "eth0", NULL), KS_NET_FW_ACCEPT);
    assert_int_equal(probe(fw, KS_NET_TCP, 8080, "eth0", NULL), KS_NET_FW_DROP); /* table ip extra */
    assert_int_equal(probe(fw, KS_NET_TCP, 8080, "eth0", "2001:db8::1"), KS_NET_FW_ACCEPT);
    assert_int_equal(probe(fw, KS_NET_TCP, 9000, "eth0", NULL), KS_NET_FW_REJECT); /* goto */
    assert_int_equal(probe(fw, KS_NET_TCP, 80, "eth0", NULL), KS_NET_FW_DROP);     /* policy */
    assert_int_equal(probe(fw, KS_NET_TCP, 22, "wlan0", NULL), KS_NET_FW_DROP);    /* iifname */
    assert_int_equal(probe(fw, KS_NET_TCP, 22, NULL, NULL), KS_NET_FW_DROP);
    assert_int_equal(probe(fw, KS_NET_TCP, 22, "lo", NULL), KS_NET_FW_ACCEPT);
    assert_int_equal(probe(fw, KS_NET_UDP, 53, NULL, NULL), KS_NET_FW_ACCEPT);
    assert_int_equal(probe(fw, KS_NET_UDP, 123, "eth0", NULL), KS_NET_FW_ACCEPT);
    assert_int_equal(probe(fw, KS_NET_UDP, 161, "eth0", NULL), KS_NET_FW_DROP);
    assert_int_equal(probe(fw, KS_NET_TCP, 5432, "eth0", NULL), KS_NET_FW_DROP);
    assert_int_equal(probe(fw, KS_NET_TCP, 5432, "eth0", "192.0.2.7"), KS_NET_FW_ACCEPT);
    assert_int_equal(probe(fw, KS_NET_TCP, 5432, "eth0", "198.51.100.7"), KS_NET_FW_DROP);
    ks_net_fw_free(fw);
    free(text);

    fw = ks_net_fw_new();
    assert_int_equal(ks_net_fw_add_nft(fw, "x", "{\"a\": 1}", 8, &lim, &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "no 'nftables' array"));
    ks_net_fw_free(fw);
}

static void test_iptables(void **state)
{
    struct ks_net_fw *fw = ks_net_fw_new();
    struct ks_limits lim = ks_limits_default;
    struct ks_diag d = KS_DIAG_INIT;
    size_t len;
    char *text = slurp("iptables-save.txt", &len);

    (void)state;
    if (ks_net_fw_add_iptables(fw, "iptables-save.txt", text, len, false, &lim, &d))
        fail_msg("%s", d.msg);
    assert_int_equal(probe(fw, KS_NET_TCP, 22, "eth0", NULL), KS_NET_FW_ACCEPT);
    assert_int_equal(probe(fw, KS_NET_TCP, 8050, "eth1", NULL), KS_NET_FW_ACCEPT);
    assert_int_equal(probe(fw, KS_NET_TCP, 22, "wlan0", NULL), KS_NET_FW_DROP);
    assert_int_equal(probe(fw, KS_NET_TCP, 25, "eth0", NULL), KS_NET_FW_ACCEPT);
    assert_int_equal(probe(fw, KS_NET_TCP, 25, "eth0", "198.51.100.1"), KS_NET_FW_DROP);
    assert_int_equal(probe(fw, KS_NET_TCP, 25, "eth0", "10.1.2.3"), KS_NET_FW_ACCEPT);
    assert_int_equal(probe(fw, KS_NET_TCP, 9000, "eth0", NULL), KS_NET_FW_REJECT);
    assert_int_equal(probe(fw, KS_NET_TCP, 80, "eth0", NULL), KS_NET_FW_DROP);
    assert_int_equal(probe(fw, KS_NET_UDP, 123, NULL, NULL), KS_NET_FW_ACCEPT);
    assert_int_equal(probe(fw, KS_NET_UDP, 161, NULL, NULL), KS_NET_FW_DROP);
    assert_int_equal(probe(fw, KS_NET_TCP, 5432, "eth0", "192.0.2.9"), KS_NET_FW_ACCEPT);
    ks_net_fw_free(fw);
    free(text);

    fw = ks_net_fw_new();
    assert_int_equal(ks_net_fw_add_iptables(fw, "y", "-A INPUT -j ACCEPT\n", 19, false, &lim, &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "'y' line 1"));
    assert_int_equal(ks_net_fw_add_iptables(fw, "z", "*filter\n-A NOPE -j ACCEPT\n", 26, false,
                                            &lim, &d),
                     KS_EPARSE);
    assert_non_null(strstr(d.msg, "undeclared chain 'NOPE'"));
    ks_net_fw_free(fw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_route_main),  cmocka_unit_test(test_route_lpm),
            cmocka_unit_test(test_public_ip),   cmocka_unit_test(test_nacl_order),
            cmocka_unit_test(test_nacl_return), cmocka_unit_test(test_sg_union),
            cmocka_unit_test(test_proto),       cmocka_unit_test(test_elb),
            cmocka_unit_test(test_peer_vpn),    cmocka_unit_test(test_nacl_missing),
            cmocka_unit_test(test_reader_errors), cmocka_unit_test(test_exposure_api),
            cmocka_unit_test(test_title),       cmocka_unit_test(test_sockets),
            cmocka_unit_test(test_nft),         cmocka_unit_test(test_iptables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
