/* tests/unit/test_cis.c - the benchmark loader, every check primitive on
 * hand-made trees (each flipped to PASS and to FAIL), effective sshd and
 * sysctl values, and the shipped benchmark content. */
#include "ks_test.h"

#include "cis/cis.h"
#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[] = "/tmp/ks_cis_XXXXXX";

static void put(const char *rel, const char *text)
{
    char p[512];
    int fd;

    snprintf(p, sizeof(p), "%s/%s", base, rel);
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void mkd(const char *rel)
{
    char p[512];

    snprintf(p, sizeof(p), "%s/%s", base, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void chm(const char *rel, mode_t m)
{
    char p[512];

    snprintf(p, sizeof(p), "%s/%s", base, rel);
    assert_int_equal(chmod(p, m), 0);
}

static void lnk(const char *target, const char *rel)
{
    char p[512];

    snprintf(p, sizeof(p), "%s/%s", base, rel);
    unlink(p);
    assert_int_equal(symlink(target, p), 0);
}

static void rm(const char *rel)
{
    char p[512];

    snprintf(p, sizeof(p), "%s/%s", base, rel);
    unlink(p);
}

static int setup(void **state)
{
    static const char *const dirs[] = {
            "etc", "etc/ssh", "etc/ssh/sshd_config.d", "etc/sysctl.d", "usr", "usr/lib",
            "usr/lib/sysctl.d", "run", "run/sysctl.d", "etc/modprobe.d", "etc/pam.d",
            "etc/security", "etc/systemd", "etc/systemd/system",
            "etc/systemd/system/multi-user.target.wants", "lib", "lib/systemd",
            "lib/systemd/system", "data", "etc/cron.d"};

    (void)state;
    assert_non_null(mkdtemp(base));
    for (size_t i = 0; i < KS_ARRAY_LEN(dirs); i++)
        mkd(dirs[i]);
    put("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
                      "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                      "alice:x:1000:1000::/home/alice:/bin/bash\n");
    put("etc/group", "root:x:0:\ndaemon:x:1:\nshadow:x:42:\nalice:x:1000:\n");
    put("etc/shadow", "root:$y$j9T$abc:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"
                      "alice:$y$j9T$def:19000:1:365:7:30::\n");
    put("etc/fstab", "# comment\nUUID=1 / ext4 defaults 0 1\n"
                     "tmpfs /tmp tmpfs rw,nosuid,nodev 0 0\n");
    put("etc/login.defs", "PASS_MAX_DAYS\t99999\nPASS_MAX_DAYS 365\nUMASK 027\n");
    return 0;
}

static int teardown(void **state)
{
    char cmd[600];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
    return system(cmd) == 0 ? 0 : -1;
}

static bool fake_pkgs(void *ctx, const char *name)
{
    const char *const *list = ctx;

    for (; *list; list++)
        if (!strcmp(*list, name))
            return true;
    return false;
}

static const char *installed[] = {"openssh-server", "cron", NULL};

/* Loads a one-rule benchmark around `check` (a YAML flow mapping) and runs
 * it on the tree; returns the status and copies the evidence. */
static enum ks_cis_status run1(const char *check, char *ev, size_t evlen)
{
    struct ks_cis_benchmark b;
    struct ks_cis_report rep;
    struct ks_cis_target t;
    struct ks_rootfs root;
    struct ks_diag d = KS_DIAG_INIT;
    char doc[4096];
    enum ks_cis_status st;

    snprintf(doc, sizeof(doc),
             "benchmark: {id: t, title: T, version: '1', os_id: debian, os_versions: ['12']}\n"
             "sections:\n- title: S\n  rules:\n  - id: '1.1'\n    title: x\n    level: 1\n"
             "    check: %s\n",
             check);
    if (ks_cis_load(&b, "t.yaml", doc, strlen(doc), &ks_limits_default, &d))
        fail_msg("load: %s", d.msg);
    assert_int_equal(ks_rootfs_open(&root, base, &d), KS_OK);
    memset(&t, 0, sizeof(t));
    t.root = &root;
    t.name = "tree";
    t.pkg_installed = fake_pkgs;
    t.pkg_ctx = installed;
    t.limits = &ks_limits_default;
    assert_int_equal(ks_cis_run(&b, &t, 2, &rep, &d), KS_OK);
    assert_int_equal(rep.n_results, 1);
    st = rep.results[0].status;
    snprintf(ev, evlen, "%s", rep.results[0].evidence);
    ks_cis_report_release(&rep);
    ks_rootfs_close(&root);
    ks_cis_release(&b);
    return st;
}

#define EXPECT(check, status, substr)                                                              \
    do {                                                                                           \
        char ev_[1024];                                                                            \
        enum ks_cis_status st_ = run1(check, ev_, sizeof(ev_));                                    \
        if (st_ != (status) || !strstr(ev_, substr))                                               \
            fail_msg("%s: got %s '%s', want %s '%s'", check, ks_cis_status_name(st_), ev_,         \
                     ks_cis_status_name(status), substr);                                          \
    } while (0)

static void test_files(void **state)
{
    (void)state;
    put("etc/crontab", "x\n");
    chm("etc/crontab", 0600);
    EXPECT("{file: {path: /etc/crontab, mode: '0600', owner: root, group: root}}", KS_CIS_PASSED,
           "/etc/crontab: mode 0600 owner root group root");
    chm("etc/crontab", 0644);
    EXPECT("{file: {path: /etc/crontab, mode: '0600'}}", KS_CIS_FAILED,
           "mode 0644 is more permissive than 0600");
    EXPECT("{file: {path: /etc/crontab, owner: alice}}", KS_CIS_FAILED, "owner root (0)");
    EXPECT("{file: {path: /etc/crontab, group: [shadow, daemon]}}", KS_CIS_FAILED, "group root");
    EXPECT("{file: {path: /etc/nope, mode: '0600'}}", KS_CIS_FAILED, "/etc/nope does not exist");
    EXPECT("{file: {path: /etc/nope, mode: '0600', missing: skip}}", KS_CIS_SKIPPED, "not applic");
    /* globs in the last component */
    put("etc/ssh/ssh_host_a_key", "k");
    put("etc/ssh/ssh_host_b_key", "k");
    chm("etc/ssh/ssh_host_a_key", 0600);
    chm("etc/ssh/ssh_host_b_key", 0600);
    EXPECT("{file: {path: '/etc/ssh/ssh_host_*_key', mode: '0600'}}", KS_CIS_PASSED,
           "(and 1 more)");
    chm("etc/ssh/ssh_host_b_key", 0640);
    EXPECT("{file: {path: '/etc/ssh/ssh_host_*_key', mode: '0600'}}", KS_CIS_FAILED,
           "ssh_host_b_key: mode 0640");
    EXPECT("{file_exists: /etc/crontab}", KS_CIS_PASSED, "exists");
    EXPECT("{file_absent: /etc/crontab}", KS_CIS_FAILED, "/etc/crontab exists");
    EXPECT("{file_absent: /etc/cron.deny}", KS_CIS_PASSED, "does not exist");
}

static void test_content(void **state)
{
    (void)state;
    put("etc/issue", "Authorized use only\n");
    EXPECT("{content: {path: /etc/issue, pattern: 'Debian', expect: absent}}", KS_CIS_PASSED,
           "no line matches");
    put("etc/issue", "Welcome\nDebian GNU/Linux 12 \\n \\l\n");
    EXPECT("{content: {path: /etc/issue, pattern: 'Debian', expect: absent}}", KS_CIS_FAILED,
           "/etc/issue:2: Debian GNU/Linux 12");
    /* include-directory semantics: main file, then *.conf in lexical order */
    mkd("etc/security/limits.d");
    put("etc/security/limits.conf", "# nothing\n");
    put("etc/security/limits.d/README", "* hard core 0\n");
    EXPECT("{content: {path: /etc/security/limits.conf, dir: /etc/security/limits.d, "
           "pattern: '^\\s*\\*\\s+hard\\s+core\\s+0'}}",
           KS_CIS_FAILED, "no line matches");
    put("etc/security/limits.d/10-core.conf", "*   hard   core   0\n");
    EXPECT("{content: {path: /etc/security/limits.conf, dir: /etc/security/limits.d, "
           "pattern: '^\\s*\\*\\s+hard\\s+core\\s+0'}}",
           KS_CIS_PASSED, "/etc/security/limits.d/10-core.conf:1:");
    /* multi-line: a pattern spanning lines */
    put("etc/data.conf", "[xdmcp]\nEnable=true\n");
    EXPECT("{content: {path: /etc/data.conf, multiline: true, pattern: 'xdmcp\\]\\nEnable=true'}}",
           KS_CIS_PASSED, "/etc/data.conf:1: [xdmcp]");
    EXPECT("{content: {path: /etc/none.conf, pattern: x}}", KS_CIS_FAILED, "does not exist");
}

static void test_kv(void **state)
{
    (void)state;
    /* login.defs: whitespace separator, last occurrence wins */
    EXPECT("{kv: {path: /etc/login.defs, key: PASS_MAX_DAYS, op: le, value: '365'}}",
           KS_CIS_PASSED, "/etc/login.defs:2: PASS_MAX_DAYS 365");
    put("etc/login.defs", "PASS_MAX_DAYS 365\nPASS_MAX_DAYS 99999\n");
    EXPECT("{kv: {path: /etc/login.defs, key: PASS_MAX_DAYS, op: le, value: '365'}}",
           KS_CIS_FAILED, "/etc/login.defs:2: PASS_MAX_DAYS 99999 (required: <= 365)");
    EXPECT("{kv: {path: /etc/login.defs, key: PASS_MAX, op: set}}", KS_CIS_FAILED, "not set");
    /* ini section + drop-in directory */
    mkd("etc/systemd/journald.conf.d");
    put("etc/systemd/journald.conf", "[Journal]\nStorage=auto\n[Other]\nStorage=persistent\n");
    EXPECT("{kv: {path: /etc/systemd/journald.conf, dir: /etc/systemd/journald.conf.d, sep: '=', "
           "section: Journal, key: Storage, value: persistent}}",
           KS_CIS_FAILED, "journald.conf:2: Storage auto");
    put("etc/systemd/journald.conf.d/60-j.conf", "[Journal]\nStorage = persistent\n");
    EXPECT("{kv: {path: /etc/systemd/journald.conf, dir: /etc/systemd/journald.conf.d, sep: '=', "
           "section: Journal, key: Storage, value: persistent}}",
           KS_CIS_PASSED, "60-j.conf:2: Storage persistent");
    EXPECT("{kv: {path: /etc/x, key: dictcheck, sep: '=', op: ne, value: '0', default: '1'}}",
           KS_CIS_PASSED, "dictcheck 1 by default");
}

static void test_sysctl(void **state)
{
    struct ks_cis_settings s;
    struct ks_rootfs root;
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_cis_setting *x;

    (void)state;
    EXPECT("{sysctl: {key: net.ipv4.ip_forward, value: '0'}}", KS_CIS_FAILED, "is not set");
    /* same name: /etc/sysctl.d masks /usr/lib/sysctl.d entirely */
    put("usr/lib/sysctl.d/50-net.conf", "net.ipv4.ip_forward = 1\nnet.ipv4.tcp_syncookies=0\n");
    put("etc/sysctl.d/50-net.conf", "net.ipv4.ip_forward = 0\n");
    EXPECT("{sysctl: {key: net.ipv4.ip_forward, value: '0'}}", KS_CIS_PASSED,
           "/etc/sysctl.d/50-net.conf:1: net.ipv4.ip_forward 0");
    EXPECT("{sysctl: {key: net.ipv4.tcp_syncookies, value: '1'}}", KS_CIS_FAILED, "is not set");
    /* lexical order across directories: 60 in /run after 50 in /etc */
    put("run/sysctl.d/60-late.conf", "net/ipv4/ip_forward=1\n");
    EXPECT("{sysctl: {key: net.ipv4.ip_forward, value: '0'}}", KS_CIS_FAILED,
           "/run/sysctl.d/60-late.conf:1: net.ipv4.ip_forward 1");
    /* /etc/sysctl.conf comes last */
    put("etc/sysctl.conf", "# c\n; c\nnet.ipv4.ip_forward=0\n");
    EXPECT("{sysctl: {key: net.ipv4.ip_forward, value: '0'}}", KS_CIS_PASSED,
           "/etc/sysctl.conf:3:");
    /* a dangling 99-sysctl.conf link is skipped, not an error */
    lnk("../nowhere.conf", "etc/sysctl.d/99-sysctl.conf");
    assert_int_equal(ks_rootfs_open(&root, base, &d), KS_OK);
    assert_int_equal(ks_cis_sysctl_effective(&root, &ks_limits_default, &s, &d), KS_OK);
    assert_null(ks_cis_settings_get(&s, "net.ipv4.tcp_syncookies")); /* masked file */
    x = ks_cis_settings_get(&s, "net.ipv4.ip_forward");
    assert_non_null(x);
    assert_string_equal(x->value, "0");
    assert_string_equal(x->file, "/etc/sysctl.conf");
    assert_int_equal(x->line, 3);
    ks_cis_settings_release(&s);
    ks_rootfs_close(&root);
    rm("etc/sysctl.d/99-sysctl.conf");
    rm("run/sysctl.d/60-late.conf");
}

static void test_sshd(void **state)
{
    (void)state;
    EXPECT("{sshd: {key: PermitRootLogin, value: 'no'}}", KS_CIS_SKIPPED, "no /etc/ssh/sshd_config");
    put("etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n"
                               "PERMITROOTLOGIN yes\n"
                               "LoginGraceTime 2m\n"
                               "AllowUsers alice\n"
                               "Match User bob\n"
                               "  MaxAuthTries 10\n"
                               "AllowUsers carol\n");
    put("etc/ssh/sshd_config.d/20-b.conf", "maxauthtries 3\n");
    put("etc/ssh/sshd_config.d/10-a.conf", "PermitRootLogin=no\nMaxAuthTries 5\n");
    /* first value wins; includes are read in lexical order where they appear */
    EXPECT("{sshd: {key: PermitRootLogin, value: 'no'}}", KS_CIS_PASSED,
           "/etc/ssh/sshd_config.d/10-a.conf:1: PermitRootLogin no");
    EXPECT("{sshd: {key: MaxAuthTries, op: le, value: '4'}}", KS_CIS_FAILED,
           "10-a.conf:2: MaxAuthTries 5");
    /* times are normalised to seconds as sshd -T prints them */
    EXPECT("{sshd: {key: logingracetime, op: le, value: '60'}}", KS_CIS_FAILED,
           "logingracetime 120");
    /* Match blocks do not apply to the global configuration */
    EXPECT("{sshd: {key: allowusers, value: alice}}", KS_CIS_PASSED, "sshd_config:4: allowusers alice");
    EXPECT("{sshd: {key: banner, op: ne, value: none}}", KS_CIS_FAILED, "banner none by default");
    EXPECT("{sshd: {key: ciphers, op: excludes, value: [3des-cbc, aes128-cbc]}}", KS_CIS_PASSED,
           "by default");
    put("etc/ssh/sshd_config", "Ciphers aes128-cbc,aes256-ctr\n");
    EXPECT("{sshd: {key: ciphers, op: excludes, value: [3des-cbc, aes128-cbc]}}", KS_CIS_FAILED,
           "sshd_config:1: ciphers aes128-cbc,aes256-ctr");
    /* a keyword without argument is a parse error, reported as ERROR */
    put("etc/ssh/sshd_config", "PermitRootLogin\n");
    EXPECT("{sshd: {key: PermitRootLogin, value: 'no'}}", KS_CIS_ERROR,
           "'/etc/ssh/sshd_config' line 1: missing argument for 'PermitRootLogin'");
    rm("etc/ssh/sshd_config");
}

static void test_packages_units(void **state)
{
    (void)state;
    EXPECT("{package_installed: cron}", KS_CIS_PASSED, "package 'cron' is installed");
    EXPECT("{package_installed: [cron, sudo]}", KS_CIS_FAILED, "'sudo' is not installed");
    EXPECT("{package_absent: [telnet, nis]}", KS_CIS_PASSED, "none of the 2");
    EXPECT("{package_absent: openssh-server}", KS_CIS_FAILED, "'openssh-server' is installed");
    put("lib/systemd/system/cron.service", "[Unit]\n");
    EXPECT("{service_enabled: cron}", KS_CIS_FAILED, "cron.service is not enabled");
    EXPECT("{service_disabled: cron}", KS_CIS_PASSED, "cron.service is not enabled");
    lnk("/lib/systemd/system/cron.service",
        "etc/systemd/system/multi-user.target.wants/cron.service");
    EXPECT("{service_enabled: cron}", KS_CIS_PASSED,
           "(/etc/systemd/system/multi-user.target.wants/cron.service)");
    EXPECT("{service_disabled: [avahi-daemon, cron]}", KS_CIS_FAILED, "cron.service is enabled");
    lnk("/dev/null", "etc/systemd/system/cron.service");
    EXPECT("{service_masked: cron}", KS_CIS_PASSED, "masked");
    EXPECT("{service_enabled: cron}", KS_CIS_FAILED, "is masked");
    EXPECT("{service_disabled: cron}", KS_CIS_PASSED, "not enabled");
    rm("etc/systemd/system/cron.service");
    EXPECT("{any: [{package_absent: cron}, {service_disabled: cron}]}", KS_CIS_FAILED,
           "package 'cron' is installed; cron.service is enabled");
    EXPECT("{none: [{package_installed: telnet}, {file_exists: /etc/hosts.equiv}]}",
           KS_CIS_PASSED, "");
    EXPECT("{none: [{package_installed: cron}]}", KS_CIS_FAILED, "package 'cron' is installed");
}

static void test_mounts_kmods(void **state)
{
    (void)state;
    EXPECT("{mount: {path: /tmp, separate: true}}", KS_CIS_PASSED, "/etc/fstab:3:");
    EXPECT("{mount: {path: /tmp, options: [nodev, nosuid]}}", KS_CIS_PASSED, "rw,nosuid,nodev");
    EXPECT("{mount: {path: /tmp, options: [noexec]}}", KS_CIS_FAILED,
           "/etc/fstab:3: /tmp is mounted without noexec");
    EXPECT("{mount: {path: /var, separate: true}}", KS_CIS_FAILED, "not a separate mount");
    EXPECT("{mount: {path: /var, options: [nodev]}}", KS_CIS_SKIPPED, "not applicable");
    EXPECT("{mount: {path: /dev/shm, options: [nodev], implicit: 'rw,nosuid,nodev'}}",
           KS_CIS_PASSED, "systemd default");
    EXPECT("{kmod_disabled: cramfs}", KS_CIS_FAILED, "no 'install cramfs /bin/false'");
    put("etc/modprobe.d/cramfs.conf", "install cramfs /bin/false\n");
    EXPECT("{kmod_disabled: cramfs}", KS_CIS_FAILED, "but no 'blacklist cramfs'");
    put("etc/modprobe.d/cramfs.conf", "install cramfs /bin/false\nblacklist cramfs\n");
    EXPECT("{kmod_disabled: cramfs}", KS_CIS_PASSED, "/etc/modprobe.d/cramfs.conf:1:");
    put("etc/modprobe.d/usb.conf", "install usb-storage /bin/true\nblacklist usb_storage\n");
    EXPECT("{kmod_disabled: usb-storage}", KS_CIS_PASSED, "usb.conf:2: blacklist usb_storage");
}

static void test_pam_accounts(void **state)
{
    (void)state;
    put("etc/pam.d/common-password",
        "password [success=1 default=ignore] pam_unix.so obscure use_authtok yescrypt\n"
        "password requisite pam_pwhistory.so remember=5 use_authtok\n");
    put("etc/pam.d/common-auth", "auth [success=1 default=ignore] pam_unix.so nullok\n");
    put("etc/pam.d/su", "@include common-auth\nauth required pam_wheel.so use_uid group=sug\n");
    EXPECT("{pam: {service: common-password, type: password, module: pam_unix.so, "
           "args_present: [use_authtok]}}",
           KS_CIS_PASSED, "common-password:1: pam_unix.so");
    EXPECT("{pam: {service: common-password, module: pam_pwhistory.so, "
           "arg: {name: remember, op: ge, value: '24'}}}",
           KS_CIS_FAILED, "lacks 'remember' >= 24");
    EXPECT("{pam: {service: su, module: pam_unix.so, args_absent: [nullok]}}", KS_CIS_FAILED,
           "/etc/pam.d/common-auth:1: pam_unix.so has argument 'nullok'");
    EXPECT("{pam: {service: su, module: pam_wheel.so, args_present: [use_uid, group]}}",
           KS_CIS_PASSED, "/etc/pam.d/su:2:");
    EXPECT("{pam: {service: common-auth, module: pam_faillock.so}}", KS_CIS_FAILED,
           "does not use pam_faillock.so");
    EXPECT("{accounts: {test: uid0_only_root}}", KS_CIS_PASSED, "only root");
    EXPECT("{accounts: {test: system_accounts_nologin}}", KS_CIS_PASSED, "no system account");
    EXPECT("{accounts: {test: max_days, value: '365'}}", KS_CIS_FAILED, "'root' has max_days");
    EXPECT("{accounts: {test: inactive, value: '45'}}", KS_CIS_FAILED, "'root'");
    EXPECT("{accounts: {test: shadow_group_empty}}", KS_CIS_PASSED, "no members");
    put("etc/passwd", "root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/:/bin/sh\n"
                      "daemon:x:1:1:daemon:/usr/sbin:/bin/sh\nalice:x:1000:1000::/h:/bin/bash\n");
    EXPECT("{accounts: {test: uid0_only_root}}", KS_CIS_FAILED, "'toor' has UID 0");
    EXPECT("{accounts: {test: unique_uid}}", KS_CIS_FAILED, "'root' and 'toor' share UID 0");
    EXPECT("{accounts: {test: system_accounts_nologin}}", KS_CIS_FAILED,
           "has login shell '/bin/sh'");
    put("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
                      "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                      "alice:x:1000:1000::/home/alice:/bin/bash\n");
}

static void test_walk(void **state)
{
    (void)state;
    EXPECT("{world_writable: {roots: [/]}}", KS_CIS_PASSED, "no world-writable");
    mkd("data/tmp");
    chm("data/tmp", 01777);
    EXPECT("{world_writable: {roots: [/]}}", KS_CIS_PASSED, "no world-writable");
    put("data/open", "x");
    chm("data/open", 0666);
    EXPECT("{world_writable: {roots: [/]}}", KS_CIS_FAILED, "first: /data/open");
    chm("data/open", 0644);
    if (geteuid() == 0) {
        char p[512];

        snprintf(p, sizeof(p), "%s/data/open", base);
        assert_int_equal(chown(p, 4242, 0), 0);
        EXPECT("{unowned: {roots: [/]}}", KS_CIS_FAILED, "/data/open (uid 4242 gid 0)");
        assert_int_equal(chown(p, 0, 0), 0);
        EXPECT("{unowned: {roots: [/]}}", KS_CIS_PASSED, "no unowned files");
    }
    rm("data/open");
}

static void expect_load_error(const char *doc, const char *msg)
{
    struct ks_cis_benchmark b;
    struct ks_diag d = KS_DIAG_INIT;

    assert_int_equal(ks_cis_load(&b, "bad.yaml", doc, strlen(doc), &ks_limits_default, &d),
                     KS_EPARSE);
    if (!strstr(d.msg, msg))
        fail_msg("got '%s', want '%s'", d.msg, msg);
}

#define HEAD                                                                                       \
    "benchmark: {id: t, title: T, version: '1', os_id: debian, os_versions: ['12']}\n"             \
    "sections:\n- title: S\n  rules:\n"

static void test_load_errors(void **state)
{
    (void)state;
    expect_load_error(HEAD "  - id: '1.1'\n    title: x\n    level: 1\n    check: {fiel: x}\n",
                      "'bad.yaml' rule '1.1' line 8: unknown check 'fiel'");
    expect_load_error(HEAD "  - id: '1.2'\n    title: x\n    level: 3\n    check: {file_exists: /x}\n",
                      "rule '1.2' line 7: 'level' must be 1 or 2");
    expect_load_error(HEAD "  - id: '1.3'\n    title: x\n    level: 1\n"
                           "    check: {content: {path: /x, pattern: '(['}}\n",
                      "rule '1.3' line 8: bad pattern '(['");
    expect_load_error(HEAD "  - id: '1.4'\n    title: x\n    level: 1\n"
                           "    check: {file: {path: /x, mode: '999'}}\n",
                      "rule '1.4' line 8: bad mode '999'");
    expect_load_error(HEAD "  - id: '1.5'\n    title: x\n    level: 1\n"
                           "    check: {sshd: {key: x, op: around, value: '1'}}\n",
                      "rule '1.5' line 8: unknown op 'around'");
    expect_load_error(HEAD "  - id: '1.6'\n    title: x\n    level: 1\n"
                           "    check: {all: [{file_exists: /a}, {file_exists: /b, file_absent: /c}]}\n",
                      "rule '1.6' line 8: a check is a mapping with exactly one primitive");
    expect_load_error(HEAD "  - id: '1.7'\n    title: x\n    level: 1\n    check: {file_exists: /a}\n"
                           "  - id: '1.7'\n    title: y\n    level: 1\n    check: {file_exists: /a}\n",
                      "rule '1.7' line 9: duplicate rule id");
    expect_load_error(HEAD "  - id: '1.8'\n    title: x\n    level: 1\n",
                      "rule '1.8' line 5: missing 'check' (or 'manual: true')");
    expect_load_error(HEAD "  - id: '1.9'\n    title: x\n    level: 1\n"
                           "    check: {kv: {path: /x, key: k, colour: red}}\n",
                      "unknown key 'colour' in 'kv'");
    expect_load_error("benchmark: {id: t}\nsections: []\n", "needs id, title, version and os_id");
    expect_load_error("[1, 2", "bad.yaml");
}

/* Every shipped benchmark loads, and Debian 12 has at least 150 automated
 * rules with an SSG id each. */
static void test_shipped_content(void **state)
{
    static const char *const files[] = {"debian12", "debian11", "ubuntu2404"};

    (void)state;
    for (size_t i = 0; i < KS_ARRAY_LEN(files); i++) {
        char path[512];
        struct ks_buf buf = KS_BUF_INIT(0);
        struct ks_cis_benchmark b;
        struct ks_diag d = KS_DIAG_INIT;
        size_t automated = 0, with_ssg = 0;

        snprintf(path, sizeof(path), "%s/content/cis/%s.yaml", ks_test_srcdir(), files[i]);
        assert_int_equal(ks_file_read(path, 16u << 20, &buf, &d), KS_OK);
        if (ks_cis_load(&b, files[i], buf.ptr, buf.len, &ks_limits_default, &d))
            fail_msg("%s", d.msg);
        for (size_t k = 0; k < b.n_rules; k++) {
            automated += !b.rules[k].manual;
            with_ssg += !b.rules[k].manual && b.rules[k].n_ssg > 0;
        }
        assert_true(automated >= 150);
        assert_int_equal(with_ssg, automated);
        assert_string_equal(b.id, files[i]);
        ks_cis_release(&b);
        ks_buf_release(&buf);
    }
}

static void test_render(void **state)
{
    struct ks_cis_benchmark b;
    struct ks_cis_report rep;
    struct ks_cis_target t;
    struct ks_rootfs root;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);
    const char *doc = HEAD "  - id: '1.1'\n    title: 'a <b> & \"c\"'\n    level: 1\n"
                           "    remediation: fix, it\n    check: {file_exists: /nope}\n"
                           "  - id: '1.2'\n    title: m\n    level: 2\n    manual: true\n";

    (void)state;
    assert_int_equal(ks_cis_load(&b, "t.yaml", doc, strlen(doc), &ks_limits_default, &d), KS_OK);
    assert_int_equal(ks_rootfs_open(&root, base, &d), KS_OK);
    memset(&t, 0, sizeof(t));
    t.root = &root;
    t.name = "tree";
    t.limits = &ks_limits_default;
    assert_int_equal(ks_cis_run(&b, &t, 1, &rep, &d), KS_OK);
    assert_int_equal(rep.n_results, 1); /* level 2 rule left out at level 1 */
    ks_cis_report_release(&rep);
    assert_int_equal(ks_cis_run(&b, &t, 2, &rep, &d), KS_OK);
    assert_int_equal(rep.counts[KS_CIS_FAILED], 1);
    assert_int_equal(rep.counts[KS_CIS_SKIPPED], 1);
    assert_int_equal(ks_cis_render(&rep, KS_CIS_CSV, false, &out), KS_OK);
    assert_non_null(strstr(ks_buf_str(&out), "1.1,1,FAILED,\"a <b> & \"\"c\"\"\",S,"));
    ks_buf_reset(&out);
    assert_int_equal(ks_cis_render(&rep, KS_CIS_HTML, false, &out), KS_OK);
    assert_non_null(strstr(ks_buf_str(&out), "a &lt;b&gt; &amp; &quot;c&quot;"));
    assert_non_null(strstr(ks_buf_str(&out), "<b>Remediation:</b> fix, it"));
    ks_buf_reset(&out);
    assert_int_equal(ks_cis_render(&rep, KS_CIS_JSON, false, &out), KS_OK);
    assert_non_null(strstr(ks_buf_str(&out), "\"status\": \"SKIPPED\""));
    ks_buf_release(&out);
    ks_cis_report_release(&rep);
    ks_rootfs_close(&root);
    ks_cis_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_files),         cmocka_unit_test(test_content),
            cmocka_unit_test(test_kv),            cmocka_unit_test(test_sysctl),
            cmocka_unit_test(test_sshd),          cmocka_unit_test(test_packages_units),
            cmocka_unit_test(test_mounts_kmods),  cmocka_unit_test(test_pam_accounts),
            cmocka_unit_test(test_walk),          cmocka_unit_test(test_load_errors),
            cmocka_unit_test(test_shipped_content), cmocka_unit_test(test_render),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
