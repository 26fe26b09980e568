#!/usr/bin/env python3
"""tools/cis-content.py - writes the benchmark files content/cis/*.yaml.

The rules of the Debian 12, Debian 11 and Ubuntu 24.04 benchmarks are mostly
identical checks, so they are written once here and emitted per distribution
(the YAML files are what kensa reads and what is reviewed; regenerate them
with `python3 tools/cis-content.py` after editing this file).

Recommendation numbers, levels and the meaning of each check follow
ComplianceAsCode's public control files controls/cis_debian12.yml and
controls/cis_ubuntu2404.yml (same structure: CIS Debian 12 v1.1.0 was derived
from CIS Ubuntu 24.04 v1.0.0). Titles, rationale and remediation text are our
own. `ssg` records the ComplianceAsCode rule ids each rule corresponds to;
they are the rule ids of the ssg-debian content used by the OpenSCAP
comparison (bench/cis-oscap.sh).
"""
import os
import sys

import yaml

RULES = []
SECTION = [None]


def section(title):
    SECTION[0] = title


def rule(rid, title, level, check=None, ssg=(), rationale="", remediation="", desc="",
         applies=None, manual=False, only=None, skip=None):
    RULES.append(dict(id=rid, title=title, level=level, check=check, ssg=list(ssg),
                      rationale=rationale, remediation=remediation, description=desc,
                      applies=applies, manual=manual, section=SECTION[0], only=only,
                      skip=skip))


def manual(rid, title, level, rationale=""):
    rule(rid, title, level, manual=True, rationale=rationale,
         remediation="Review by hand; this recommendation cannot be checked automatically.")


# ---------------------------------------------------------------- section 1
section("1 Initial Setup")

KMODS = [("1.1.1.1", "cramfs", 1), ("1.1.1.2", "freevxfs", 1), ("1.1.1.3", "hfs", 1),
         ("1.1.1.4", "hfsplus", 1), ("1.1.1.5", "jffs2", 1), ("1.1.1.6", "overlayfs", 2),
         ("1.1.1.7", "squashfs", 2), ("1.1.1.8", "udf", 2), ("1.1.1.9", "usb-storage", 1)]
for rid, mod, lv in KMODS:
    kname = "overlay" if mod == "overlayfs" else mod
    rule(rid, f"{mod} kernel module cannot be loaded", lv, {"kmod_disabled": kname},
         [f"kernel_module_{mod}_disabled"],
         rationale=f"Removing support for the rarely needed {mod} module reduces the "
                   "kernel attack surface reachable by mounting crafted media.",
         remediation=f"Create /etc/modprobe.d/{kname}.conf with 'install {kname} /bin/false' "
                     f"and 'blacklist {kname}', then run 'modprobe -r {kname}'.",
         desc=f"The {mod} module is neither loadable (an install command that refuses) nor "
              "auto-loaded (blacklisted), or no installed kernel ships it.")
manual("1.1.1.10", "Unused file system kernel modules are not available", 1)

PARTS = [
    ("1.1.2.1", "/tmp", 1, ["nodev", "nosuid", "noexec"], "tmp", None),
    ("1.1.2.2", "/dev/shm", 1, ["nodev", "nosuid", "noexec"], "dev_shm", "rw,nosuid,nodev"),
    ("1.1.2.3", "/home", 2, ["nodev", "nosuid"], "home", None),
    ("1.1.2.4", "/var", 2, ["nodev", "nosuid"], "var", None),
    ("1.1.2.5", "/var/tmp", 2, ["nodev", "nosuid", "noexec"], "var_tmp", None),
    ("1.1.2.6", "/var/log", 2, ["nodev", "nosuid", "noexec"], "var_log", None),
    ("1.1.2.7", "/var/log/audit", 2, ["nodev", "nosuid", "noexec"], "var_log_audit", None),
]
for base, path, seplv, opts, ssgname, implicit in PARTS:
    chk = {"path": path, "separate": True}
    if implicit:
        chk["implicit"] = implicit
    rule(f"{base}.1", f"{path} is a separate partition", 1 if path in ("/tmp", "/dev/shm") else seplv,
         {"mount": chk}, [f"partition_for_{ssgname}"],
         rationale=f"A separate file system for {path} limits the damage of filling it up "
                   "and allows restrictive mount options.",
         remediation=f"Create a partition (or a tmpfs for /tmp) for {path} and add it to "
                     "/etc/fstab.")
    for i, o in enumerate(opts):
        chk = {"path": path, "options": [o]}
        if implicit:
            chk["implicit"] = implicit
        rule(f"{base}.{i + 2}", f"{o} option set on the {path} partition", 1,
             {"mount": chk}, [f"mount_option_{ssgname}_{o}"],
             rationale={"nodev": "Device files have no business on this file system.",
                        "nosuid": "Set-user-ID programs must not be run from here.",
                        "noexec": "Programs must not be executed from here."}[o],
             remediation=f"Add {o} to the options of {path} in /etc/fstab and remount it.",
             desc="Not applicable when the directory is not a separate mount.")

manual("1.2.1.1", "GPG keys are configured", 1)
manual("1.2.1.2", "Package manager repositories are configured", 1)
manual("1.2.2.1", "Updates, patches and additional security software are installed", 1)

rule("1.3.1.1", "AppArmor is installed", 1,
     {"package_installed": ["apparmor", "apparmor-utils"]},
     ["package_apparmor_installed", "package_apparmor-utils_installed"],
     rationale="AppArmor confines programs to a limited set of resources.",
     remediation="apt install apparmor apparmor-utils")
rule("1.3.1.2", "AppArmor is enabled in the boot loader configuration", 1,
     {"all": [{"content": {"path": "/etc/default/grub", "pattern": r'^\s*GRUB_CMDLINE_LINUX(_DEFAULT)?=.*apparmor=1'}},
              {"content": {"path": "/etc/default/grub", "pattern": r'^\s*GRUB_CMDLINE_LINUX(_DEFAULT)?=.*security=apparmor'}}]},
     ["grub2_enable_apparmor"],
     rationale="AppArmor must be enabled at boot so that no process escapes confinement.",
     remediation="Add 'apparmor=1 security=apparmor' to GRUB_CMDLINE_LINUX in "
                 "/etc/default/grub and run update-grub.")
rule("1.4.1", "A boot loader password is set", 1,
     {"all": [{"content": {"path": "/boot/grub/grub.cfg", "pattern": r'^\s*set superusers=', "missing": "skip"}},
              {"content": {"path": "/boot/grub/grub.cfg", "pattern": r'^\s*password_pbkdf2 ', "missing": "skip"}}]},
     ["grub2_password"],
     rationale="Without a boot loader password anyone at the console can change boot "
               "parameters, e.g. boot into single-user mode.",
     remediation="Create a password with grub-mkpasswd-pbkdf2, add 'set superusers' and "
                 "'password_pbkdf2' to /etc/grub.d/40_custom and run update-grub.")
rule("1.4.2", "Access to the boot loader configuration is restricted", 1,
     {"file": {"path": "/boot/grub/grub.cfg", "mode": "0600", "owner": "root", "group": "root",
               "missing": "skip"}},
     ["file_owner_grub2_cfg", "file_permissions_grub2_cfg"],
     rationale="The boot configuration may hold the boot password hash.",
     remediation="chown root:root /boot/grub/grub.cfg; chmod u-x,go-rwx /boot/grub/grub.cfg")


def sysctl(key, val, op="eq"):
    return {"sysctl": {"key": key, "op": op, "value": val}}


rule("1.5.1", "Address space layout randomisation is enabled", 1,
     sysctl("kernel.randomize_va_space", "2"), ["sysctl_kernel_randomize_va_space"],
     rationale="Randomised memory layout makes memory corruption exploits harder.",
     remediation="Set kernel.randomize_va_space = 2 in /etc/sysctl.d/60-kernel_sysctl.conf.")
rule("1.5.2", "ptrace_scope is restricted", 1,
     sysctl("kernel.yama.ptrace_scope", ["1", "2", "3"], "in"), ["sysctl_kernel_yama_ptrace_scope"],
     rationale="Unrestricted ptrace lets any process read the memory of others of the same user.",
     remediation="Set kernel.yama.ptrace_scope = 1 in /etc/sysctl.d/60-kernel_sysctl.conf.")
rule("1.5.3", "Core dumps are restricted", 1,
     {"all": [{"content": {"path": "/etc/security/limits.conf", "dir": "/etc/security/limits.d",
                           "pattern": r'^\s*\*\s+hard\s+core\s+0\b'}},
              sysctl("fs.suid_dumpable", "0")]},
     ["disable_users_coredumps", "sysctl_fs_suid_dumpable"],
     rationale="Core dumps of privileged programs can leak secrets.",
     remediation="Add '* hard core 0' to /etc/security/limits.conf and set fs.suid_dumpable = 0.")
rule("1.5.4", "prelink is not installed", 1, {"package_absent": "prelink"},
     ["package_prelink_removed"],
     rationale="prelink modifies binaries, which defeats integrity checking.",
     remediation="prelink -ua; apt purge prelink")
rule("1.5.5", "Automatic error reporting is not enabled", 1,
     {"service_disabled": "apport"}, ["service_apport_disabled"],
     rationale="Crash reports can contain sensitive data and are sent to third parties.",
     remediation="systemctl stop apport.service; systemctl mask apport.service")

BANNER_RX = r'(\\v|\\r|\\m|\\s|[Dd]ebian|[Uu]buntu)'
for rid, f, what, s in [("1.6.1", "/etc/motd", "message of the day", "banner_etc_motd_cis"),
                        ("1.6.2", "/etc/issue", "local login warning banner", "banner_etc_issue_cis"),
                        ("1.6.3", "/etc/issue.net", "remote login warning banner", "banner_etc_issue_net_cis")]:
    rule(rid, f"The {what} does not disclose the system", 1,
         {"content": {"path": f, "pattern": BANNER_RX, "expect": "absent"}}, [s],
         rationale="Operating system and version information helps attackers pick exploits.",
         remediation=f"Remove the \\m, \\r, \\s, \\v escapes and OS names from {f}.")
for rid, f, n in [("1.6.4", "/etc/motd", "etc_motd"), ("1.6.5", "/etc/issue", "etc_issue"),
                  ("1.6.6", "/etc/issue.net", "etc_issue_net")]:
    rule(rid, f"Access to {f} is configured", 1,
         {"file": {"path": f, "mode": "0644", "owner": "root", "group": "root", "missing": "pass"}},
         [f"file_groupowner_{n}", f"file_owner_{n}", f"file_permissions_{n}"],
         rationale="Banners must not be changed by unprivileged users.",
         remediation=f"chown root:root {f}; chmod u-x,go-wx {f}")

GDM = {"package": "gdm3"}
rule("1.7.1", "GDM is removed", 2, {"package_absent": "gdm3"}, ["package_gdm_removed"],
     rationale="A server does not need a graphical login manager.",
     remediation="apt purge gdm3")
GDM_DIRS = {"dir": "/etc/dconf/db/gdm.d", "glob": "*"}
for rid, title, pat, s in [
        ("1.7.2", "GDM login banner is configured", r'^\s*banner-message-enable\s*=\s*true', ["dconf_gnome_banner_enabled"]),
        ("1.7.3", "GDM disable-user-list is enabled", r'^\s*disable-user-list\s*=\s*true', ["dconf_gnome_disable_user_list"]),
        ("1.7.4", "GDM screen locks when the user is idle", r'^\s*idle-delay\s*=\s*uint32\s+([1-9][0-9]?|[1-8][0-9]{2}|900)\b', ["dconf_gnome_screensaver_idle_delay"]),
        ("1.7.6", "GDM automatic mounting of removable media is disabled", r'^\s*automount\s*=\s*false', ["dconf_gnome_disable_automount"]),
        ("1.7.8", "GDM autorun-never is enabled", r'^\s*autorun-never\s*=\s*true', ["dconf_gnome_disable_autorun"])]:
    rule(rid, title, 1, {"content": dict(GDM_DIRS, pattern=pat)}, s, applies=GDM,
         rationale="The graphical login must follow the same policy as the console.",
         remediation="Set the key in a file under /etc/dconf/db/gdm.d/ and run 'dconf update'.")
for rid, title, pat, s in [
        ("1.7.5", "GDM screen lock settings cannot be overridden", r'^\s*/org/gnome/desktop/session/idle-delay', ["dconf_gnome_screensaver_lock_delay"]),
        ("1.7.7", "GDM automount setting cannot be overridden", r'^\s*/org/gnome/desktop/media-handling/automount', ["dconf_gnome_disable_automount_open"]),
        ("1.7.9", "GDM autorun-never cannot be overridden", r'^\s*/org/gnome/desktop/media-handling/autorun-never', ["dconf_gnome_disable_autorun"])]:
    rule(rid, title, 1, {"content": {"dir": "/etc/dconf/db/gdm.d/locks", "glob": "*", "pattern": pat}}, s,
         applies=GDM, rationale="Users must not be able to undo the policy.",
         remediation="List the key in a file under /etc/dconf/db/gdm.d/locks/ and run 'dconf update'.")
rule("1.7.10", "XDMCP is not enabled", 1,
     {"content": {"path": "/etc/gdm3/custom.conf", "pattern": r'^\s*Enable\s*=\s*true', "expect": "absent"}},
     ["gnome_gdm_disable_xdmcp"], applies=GDM,
     rationale="XDMCP sends sessions, passwords included, in clear text.",
     remediation="Remove 'Enable=true' from the [xdmcp] section of /etc/gdm3/custom.conf.")

# ---------------------------------------------------------------- section 2
section("2 Services")
SERVICES = [
    ("2.1.1", "autofs", ["autofs"], ["autofs"], 1, "autofs"),
    ("2.1.2", "avahi daemon", ["avahi-daemon"], ["avahi-daemon.service", "avahi-daemon.socket"], 1, "avahi"),
    ("2.1.3", "DHCP server", ["isc-dhcp-server"], ["isc-dhcp-server", "isc-dhcp-server6"], 1, "dhcp"),
    ("2.1.4", "DNS server", ["bind9"], ["named", "bind9"], 1, "bind"),
    ("2.1.5", "dnsmasq", ["dnsmasq"], ["dnsmasq"], 1, "dnsmasq"),
    ("2.1.6", "FTP server", ["vsftpd"], ["vsftpd"], 1, "vsftpd"),
    ("2.1.7", "LDAP server", ["slapd"], ["slapd"], 1, "openldap-servers"),
    ("2.1.8", "message access server", ["dovecot-imapd", "dovecot-pop3d"], ["dovecot.service", "dovecot.socket"], 1, "dovecot"),
    ("2.1.9", "network file system server", ["nfs-kernel-server"], ["nfs-server"], 1, "nfs-kernel-server"),
    ("2.1.10", "NIS server", ["ypserv"], ["ypserv"], 1, "ypserv"),
    ("2.1.11", "print server", ["cups"], ["cups.service", "cups.socket"], 1, "cups"),
    ("2.1.12", "rpcbind", ["rpcbind"], ["rpcbind.service", "rpcbind.socket"], 1, "rpcbind"),
    ("2.1.13", "rsync", ["rsync"], ["rsync"], 1, "rsync"),
    ("2.1.14", "Samba file server", ["samba"], ["smbd"], 1, "samba"),
    ("2.1.15", "SNMP", ["snmpd"], ["snmpd"], 1, "net-snmp"),
    ("2.1.16", "TFTP server", ["tftpd-hpa"], ["tftpd-hpa"], 1, "tftp-server"),
    ("2.1.17", "web proxy server", ["squid"], ["squid"], 1, "squid"),
    ("2.1.18", "web server", ["apache2", "nginx"], ["apache2", "nginx"], 1, "httpd"),
    ("2.1.19", "xinetd", ["xinetd"], ["xinetd"], 1, "xinetd"),
]
for rid, what, pkgs, units, lv, ssgname in SERVICES:
    rule(rid, f"{what} services are not in use", lv,
         {"any": [{"package_absent": pkgs}, {"service_disabled": units}]},
         [f"package_{ssgname}_removed"],
         rationale=f"An unused {what} is attack surface for no benefit.",
         remediation=f"apt purge {' '.join(pkgs)} (or, if another package needs it, "
                     f"systemctl mask {' '.join(units)})",
         desc="Passes when the packages are absent, or installed but their units not enabled.")
rule("2.1.20", "X Window server is not installed", 2, {"package_absent": "xserver-common"},
     ["package_xorg-x11-server-common_removed"],
     rationale="A server does not need a graphical display server.",
     remediation="apt purge xserver-common")
rule("2.1.21", "The mail transfer agent listens on the loopback interface only", 1,
     {"any": [{"package_absent": ["postfix", "exim4-daemon-light", "exim4-daemon-heavy"]},
              {"all": [{"kv": {"path": "/etc/postfix/main.cf", "key": "inet_interfaces", "sep": "=",
                               "op": "in", "value": ["loopback-only", "localhost", "127.0.0.1"]}}]}]},
     ["postfix_network_listening_disabled"],
     rationale="A mail server open to the network can be abused as a relay.",
     remediation="Set 'inet_interfaces = loopback-only' in /etc/postfix/main.cf.")
manual("2.1.22", "Only approved services listen on a network interface", 1)

for rid, what, pkgs, s in [("2.2.1", "NIS client", ["nis"], "package_nis_removed"),
                           ("2.2.2", "rsh client", ["rsh-client"], "package_rsh_removed"),
                           ("2.2.3", "talk client", ["talk"], "package_talk_removed"),
                           ("2.2.4", "telnet client", ["telnet", "inetutils-telnet"], "package_telnet_removed"),
                           ("2.2.5", "LDAP client", ["ldap-utils"], "package_openldap-clients_removed"),
                           ("2.2.6", "FTP client", ["ftp", "tnftp"], "package_ftp_removed")]:
    rule(rid, f"The {what} is not installed", 1, {"package_absent": pkgs}, [s],
         rationale=f"The {what} speaks an insecure, unencrypted protocol.",
         remediation=f"apt purge {' '.join(pkgs)}")

rule("2.3.1.1", "A single time synchronisation daemon is in use", 1,
     {"any": [{"all": [{"service_enabled": "systemd-timesyncd"}, {"service_disabled": "chrony"}]},
              {"all": [{"service_enabled": "chrony"}, {"service_disabled": "systemd-timesyncd"}]}]},
     ["ntp_single_service_active"],
     rationale="Correct time is needed for logs and authentication; two daemons fight.",
     remediation="Enable exactly one of systemd-timesyncd and chrony.")
rule("2.3.2.1", "systemd-timesyncd is configured with a time server", 1,
     {"content": {"path": "/etc/systemd/timesyncd.conf", "dir": "/etc/systemd/timesyncd.conf.d",
                  "pattern": r'^\s*(NTP|FallbackNTP)\s*=\s*\S'}},
     ["service_timesyncd_configured"], applies={"package": "systemd-timesyncd"},
     rationale="Time must come from an authorised source.",
     remediation="Set NTP= in /etc/systemd/timesyncd.conf.d/60-timesyncd.conf.")
rule("2.3.2.2", "systemd-timesyncd is enabled", 1, {"service_enabled": "systemd-timesyncd"},
     ["service_timesyncd_enabled"], applies={"package": "systemd-timesyncd"},
     rationale="An installed time daemon must run.",
     remediation="systemctl unmask systemd-timesyncd; systemctl enable --now systemd-timesyncd")
rule("2.3.3.1", "chrony is configured with a time server", 1,
     {"content": {"path": "/etc/chrony/chrony.conf", "dirs": ["/etc/chrony/conf.d", "/etc/chrony/sources.d"],
                  "glob": "*", "pattern": r'^\s*(server|pool)\s+\S'}},
     ["chronyd_configure_pool_and_server"], applies={"package": "chrony"},
     rationale="Time must come from an authorised source.",
     remediation="Add 'pool' or 'server' lines to /etc/chrony/sources.d/.")
rule("2.3.3.2", "chrony runs as user _chrony", 1,
     {"content": {"path": "/etc/chrony/chrony.conf", "pattern": r'^\s*user\s+(?!_chrony)', "expect": "absent"}}
     if False else
     {"content": {"path": "/etc/chrony/chrony.conf", "pattern": r'^\s*user\s+[^_ ]', "expect": "absent"}},
     ["chronyd_run_as_chrony_user"], applies={"package": "chrony"},
     rationale="chrony must not keep root privileges.",
     remediation="Remove any 'user' line other than 'user _chrony' from chrony.conf.")
rule("2.3.3.3", "chrony is enabled", 1, {"service_enabled": "chrony"},
     ["service_chronyd_enabled"], applies={"package": "chrony"},
     rationale="An installed time daemon must run.",
     remediation="systemctl unmask chrony; systemctl enable --now chrony")

rule("2.4.1.1", "The cron daemon is enabled", 1, {"service_enabled": "cron"},
     ["service_cron_enabled"], applies={"package": "cron"},
     rationale="cron runs periodic maintenance and security jobs.",
     remediation="systemctl unmask cron; systemctl enable --now cron")
for rid, p, mode, n in [("2.4.1.2", "/etc/crontab", "0600", "crontab"),
                        ("2.4.1.3", "/etc/cron.hourly", "0700", "cron_hourly"),
                        ("2.4.1.4", "/etc/cron.daily", "0700", "cron_daily"),
                        ("2.4.1.5", "/etc/cron.weekly", "0700", "cron_weekly"),
                        ("2.4.1.6", "/etc/cron.monthly", "0700", "cron_monthly"),
                        ("2.4.1.7", "/etc/cron.d", "0700", "cron_d")]:
    rule(rid, f"Permissions on {p} are configured", 1,
         {"file": {"path": p, "mode": mode, "owner": "root", "group": "root"}},
         [f"file_groupowner_{n}", f"file_owner_{n}", f"file_permissions_{n}"],
         applies={"package": "cron"},
         rationale="Unprivileged users must not read or change jobs that run as root.",
         remediation=f"chown root:root {p}; chmod og-rwx {p}")
rule("2.4.1.8", "crontab is restricted to authorised users", 1,
     {"all": [{"file": {"path": "/etc/cron.allow", "mode": "0640", "owner": "root", "group": ["root", "crontab"]}},
              {"file": {"path": "/etc/cron.deny", "mode": "0640", "owner": "root", "group": ["root", "crontab"], "missing": "pass"}}]},
     ["file_cron_allow_exists", "file_owner_cron_allow", "file_groupowner_cron_allow", "file_permissions_cron_allow"],
     applies={"package": "cron"},
     rationale="An allow list is easier to keep correct than a deny list.",
     remediation="touch /etc/cron.allow; chown root:root /etc/cron.allow; chmod 640 /etc/cron.allow")
rule("2.4.2.1", "at is restricted to authorised users", 1,
     {"all": [{"file": {"path": "/etc/at.allow", "mode": "0640", "owner": ["root", "daemon"], "group": ["root", "daemon"]}},
              {"file": {"path": "/etc/at.deny", "mode": "0640", "owner": ["root", "daemon"], "group": ["root", "daemon"], "missing": "pass"}}]},
     ["file_at_allow_exists", "file_owner_at_allow", "file_permissions_at_allow"],
     applies={"package": "at"},
     rationale="An allow list is easier to keep correct than a deny list.",
     remediation="touch /etc/at.allow; chown root:root /etc/at.allow; chmod 640 /etc/at.allow")

# ---------------------------------------------------------------- section 3
section("3 Network")
manual("3.1.1", "IPv6 status is identified", 1)
rule("3.1.2", "Wireless interfaces are disabled", 1,
     {"none": [{"file_exists": "/etc/NetworkManager/system-connections/*wifi*"}]},
     ["wireless_disable_interfaces"],
     rationale="A server should not bridge to wireless networks.",
     remediation="nmcli radio all off, and remove wireless drivers.")
rule("3.1.3", "Bluetooth services are not in use", 1,
     {"any": [{"package_absent": "bluez"}, {"service_disabled": "bluetooth"}]},
     ["service_bluetooth_disabled"],
     rationale="Bluetooth is attack surface a server does not need.",
     remediation="apt purge bluez (or systemctl mask bluetooth.service)")
for rid, mod in [("3.2.1", "dccp"), ("3.2.2", "tipc"), ("3.2.3", "rds"), ("3.2.4", "sctp")]:
    rule(rid, f"{mod} kernel module cannot be loaded", 2, {"kmod_disabled": mod},
         [f"kernel_module_{mod}_disabled"],
         rationale=f"The rarely used {mod} protocol has had remotely reachable flaws.",
         remediation=f"Create /etc/modprobe.d/{mod}.conf with 'install {mod} /bin/false' and "
                     f"'blacklist {mod}'.")

NET = [
    ("3.3.1", "IP forwarding is disabled", [("net.ipv4.ip_forward", "0"), ("net.ipv6.conf.all.forwarding", "0")],
     ["sysctl_net_ipv4_ip_forward", "sysctl_net_ipv6_conf_all_forwarding"]),
    ("3.3.2", "Packet redirect sending is disabled", [("net.ipv4.conf.all.send_redirects", "0"), ("net.ipv4.conf.default.send_redirects", "0")],
     ["sysctl_net_ipv4_conf_all_send_redirects", "sysctl_net_ipv4_conf_default_send_redirects"]),
    ("3.3.3", "Bogus ICMP responses are ignored", [("net.ipv4.icmp_ignore_bogus_error_responses", "1")],
     ["sysctl_net_ipv4_icmp_ignore_bogus_error_responses"]),
    ("3.3.4", "Broadcast ICMP requests are ignored", [("net.ipv4.icmp_echo_ignore_broadcasts", "1")],
     ["sysctl_net_ipv4_icmp_echo_ignore_broadcasts"]),
    ("3.3.5", "ICMP redirects are not accepted", [("net.ipv4.conf.all.accept_redirects", "0"), ("net.ipv4.conf.default.accept_redirects", "0"),
                                                 ("net.ipv6.conf.all.accept_redirects", "0"), ("net.ipv6.conf.default.accept_redirects", "0")],
     ["sysctl_net_ipv4_conf_all_accept_redirects", "sysctl_net_ipv4_conf_default_accept_redirects",
      "sysctl_net_ipv6_conf_all_accept_redirects", "sysctl_net_ipv6_conf_default_accept_redirects"]),
    ("3.3.6", "Secure ICMP redirects are not accepted", [("net.ipv4.conf.all.secure_redirects", "0"), ("net.ipv4.conf.default.secure_redirects", "0")],
     ["sysctl_net_ipv4_conf_all_secure_redirects", "sysctl_net_ipv4_conf_default_secure_redirects"]),
    ("3.3.7", "Reverse path filtering is enabled", [("net.ipv4.conf.all.rp_filter", "1"), ("net.ipv4.conf.default.rp_filter", "1")],
     ["sysctl_net_ipv4_conf_all_rp_filter", "sysctl_net_ipv4_conf_default_rp_filter"]),
    ("3.3.8", "Source routed packets are not accepted", [("net.ipv4.conf.all.accept_source_route", "0"), ("net.ipv4.conf.default.accept_source_route", "0"),
                                                        ("net.ipv6.conf.all.accept_source_route", "0"), ("net.ipv6.conf.default.accept_source_route", "0")],
     ["sysctl_net_ipv4_conf_all_accept_source_route", "sysctl_net_ipv4_conf_default_accept_source_route",
      "sysctl_net_ipv6_conf_all_accept_source_route", "sysctl_net_ipv6_conf_default_accept_source_route"]),
    ("3.3.9", "Suspicious packets are logged", [("net.ipv4.conf.all.log_martians", "1"), ("net.ipv4.conf.default.log_martians", "1")],
     ["sysctl_net_ipv4_conf_all_log_martians", "sysctl_net_ipv4_conf_default_log_martians"]),
    ("3.3.10", "TCP SYN cookies are enabled", [("net.ipv4.tcp_syncookies", "1")], ["sysctl_net_ipv4_tcp_syncookies"]),
    ("3.3.11", "IPv6 router advertisements are not accepted", [("net.ipv6.conf.all.accept_ra", "0"), ("net.ipv6.conf.default.accept_ra", "0")],
     ["sysctl_net_ipv6_conf_all_accept_ra", "sysctl_net_ipv6_conf_default_accept_ra"]),
]
for rid, title, kvs, s in NET:
    chk = sysctl(*kvs[0]) if len(kvs) == 1 else {"all": [sysctl(k, v) for k, v in kvs]}
    rule(rid, title, 1, chk, s,
         rationale="Kernel network parameters that harden a host that is not a router.",
         remediation="Set " + ", ".join(f"{k} = {v}" for k, v in kvs) +
                     " in /etc/sysctl.d/60-netipv4_sysctl.conf (IPv6 keys in 60-netipv6_sysctl.conf) "
                     "and run 'sysctl --system'.",
         desc="Checked on the effective configuration: sysctl.d directories with same-name "
              "masking and lexical order, then /etc/sysctl.conf, last assignment wins.")

# ---------------------------------------------------------------- section 4
section("4 Host Based Firewall")
rule("4.1.1", "A single firewall configuration utility is in use", 1,
     {"any": [{"all": [{"package_installed": "ufw"}, {"service_enabled": "ufw"}, {"service_disabled": "nftables"}]},
              {"all": [{"package_installed": "nftables"}, {"service_enabled": "nftables"}, {"package_absent": "ufw"}]},
              {"all": [{"package_installed": "iptables-persistent"}, {"service_disabled": ["nftables", "ufw"]}]}]},
     ["firewall_single_service_active"],
     rationale="Two firewall tools managing the same tables produce surprising rule sets.",
     remediation="Install and enable exactly one of ufw, nftables or iptables-persistent.")
UFW = {"package": "ufw"}
rule("4.2.1", "ufw is installed", 1, {"package_installed": "ufw"}, ["package_ufw_installed"], only=["ubuntu2404"],
     rationale="A host firewall limits which services are reachable.", remediation="apt install ufw")
rule("4.2.2", "iptables-persistent is not installed with ufw", 1, {"package_absent": "iptables-persistent"},
     ["package_iptables-persistent_removed"], applies=UFW,
     rationale="iptables-persistent would load rules that conflict with ufw.",
     remediation="apt purge iptables-persistent")
rule("4.2.3", "The ufw service is enabled", 1,
     {"all": [{"service_enabled": "ufw"}, {"kv": {"path": "/etc/ufw/ufw.conf", "key": "ENABLED", "sep": "=", "value": "yes"}}]},
     ["service_ufw_enabled"], applies=UFW,
     rationale="An installed firewall must be active at boot.", remediation="ufw enable")
rule("4.2.7", "ufw default policy denies", 1,
     {"all": [{"kv": {"path": "/etc/default/ufw", "key": "DEFAULT_INPUT_POLICY", "sep": "=", "op": "in", "value": ['"DROP"', '"REJECT"']}},
              {"kv": {"path": "/etc/default/ufw", "key": "DEFAULT_FORWARD_POLICY", "sep": "=", "op": "in", "value": ['"DROP"', '"REJECT"']}}]},
     ["set_ufw_default_rule"], applies=UFW,
     rationale="What is not allowed explicitly must be dropped.",
     remediation="ufw default deny incoming; ufw default deny routed")
NFT = {"package": "nftables"}
rule("4.3.1", "nftables is installed", 1, {"package_installed": "nftables"}, ["package_nftables_installed"],
     only=["debian12", "debian11"],
     rationale="A host firewall limits which services are reachable.", remediation="apt install nftables")
rule("4.3.4", "An nftables table exists", 1,
     {"content": {"path": "/etc/nftables.conf", "pattern": r'^\s*table\s+(inet|ip|ip6)\s+\S+'}},
     ["set_nftables_table"], applies=NFT,
     rationale="Without a table nftables filters nothing.",
     remediation="Define 'table inet filter' in /etc/nftables.conf.")
rule("4.3.5", "nftables base chains exist", 1,
     {"all": [{"content": {"path": "/etc/nftables.conf", "pattern": r'type\s+filter\s+hook\s+' + h + r'\s+priority'}}
              for h in ("input", "forward", "output")]},
     ["set_nftables_base_chain"], applies=NFT,
     rationale="Packets are only filtered when base chains hook into the stack.",
     remediation="Add input, forward and output base chains to /etc/nftables.conf.")
rule("4.3.6", "nftables loopback traffic is configured", 1,
     {"content": {"path": "/etc/nftables.conf", "pattern": r'iif\s+"?lo"?\s+accept'}},
     ["set_nftables_loopback_traffic"], applies=NFT,
     rationale="Loopback must work; spoofed loopback addresses must not.",
     remediation="Add 'iif \"lo\" accept' and drop 127.0.0.0/8 from other interfaces.")
rule("4.3.8", "nftables default policy denies", 1,
     {"all": [{"content": {"path": "/etc/nftables.conf", "pattern": r'hook\s+' + h + r'\s+priority\s+\S+;\s*policy\s+drop'}}
              for h in ("input", "forward")]},
     ["nftables_ensure_default_deny_policy"], applies=NFT,
     rationale="What is not allowed explicitly must be dropped.",
     remediation="Use 'policy drop;' in the input and forward base chains.")
rule("4.3.9", "The nftables service is enabled", 1, {"service_enabled": "nftables"},
     ["service_nftables_enabled"], applies=NFT,
     rationale="The rule set must be loaded at boot.", remediation="systemctl enable nftables")

# ---------------------------------------------------------------- section 5
section("5 Access Control")
SSH = {"package": "openssh-server"}
rule("5.1.1", "Permissions on /etc/ssh/sshd_config are configured", 1,
     {"all": [{"file": {"path": "/etc/ssh/sshd_config", "mode": "0600", "owner": "root", "group": "root"}},
              {"file": {"path": "/etc/ssh/sshd_config.d/*.conf", "mode": "0600", "owner": "root", "group": "root", "missing": "pass"}}]},
     ["file_groupowner_sshd_config", "file_owner_sshd_config", "file_permissions_sshd_config"], applies=SSH,
     rationale="The server configuration must not be readable or changeable by users.",
     remediation="chown root:root /etc/ssh/sshd_config; chmod u-x,og-rwx /etc/ssh/sshd_config")
rule("5.1.2", "Permissions on SSH private host keys are configured", 1,
     {"file": {"path": "/etc/ssh/ssh_host_*_key", "mode": "0600", "owner": "root", "group": "root", "missing": "pass"}},
     ["file_permissions_sshd_private_key"], applies=SSH,
     rationale="A stolen host key lets an attacker impersonate the server.",
     remediation="chmod 600 /etc/ssh/ssh_host_*_key; chown root:root /etc/ssh/ssh_host_*_key")
rule("5.1.3", "Permissions on SSH public host keys are configured", 1,
     {"file": {"path": "/etc/ssh/ssh_host_*_key.pub", "mode": "0644", "owner": "root", "group": "root", "missing": "pass"}},
     ["file_permissions_sshd_pub_key"], applies=SSH,
     rationale="Public keys must not be replaceable by users.",
     remediation="chmod 644 /etc/ssh/ssh_host_*_key.pub")


def sshd(key, val, op="eq"):
    return {"sshd": {"key": key, "op": op, "value": val}}


WEAK_CIPHERS = ["3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "chacha20-poly1305@openssh.com"]
WEAK_KEX = ["diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1"]
WEAK_MACS = ["hmac-md5", "hmac-md5-96", "hmac-ripemd160", "hmac-sha1-96", "umac-64@openssh.com",
             "hmac-md5-etm@openssh.com", "hmac-md5-96-etm@openssh.com", "hmac-ripemd160-etm@openssh.com",
             "hmac-sha1-96-etm@openssh.com", "umac-64-etm@openssh.com"]
SSHD = [
    ("5.1.4", "sshd access is limited", 1, {"any": [sshd(k, None, "set") for k in ("allowusers", "allowgroups", "denyusers", "denygroups")]},
     ["sshd_limit_user_access"], "AllowUsers, AllowGroups, DenyUsers or DenyGroups"),
    ("5.1.5", "sshd Banner is configured", 1, sshd("banner", "none", "ne"), ["sshd_enable_warning_banner_net"], "Banner /etc/issue.net"),
    ("5.1.6", "sshd Ciphers exclude weak ciphers", 1, sshd("ciphers", WEAK_CIPHERS, "excludes"), ["sshd_use_strong_ciphers"],
     "Ciphers aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr"),
    ("5.1.7", "sshd ClientAliveInterval and ClientAliveCountMax are configured", 1,
     {"all": [sshd("clientaliveinterval", "0", "gt"), sshd("clientalivecountmax", "0", "gt")]},
     ["sshd_set_idle_timeout", "sshd_set_keepalive"], "ClientAliveInterval 15 and ClientAliveCountMax 3"),
    ("5.1.8", "sshd DisableForwarding is enabled", 2, sshd("disableforwarding", "yes"), ["sshd_disable_forwarding"], "DisableForwarding yes"),
    ("5.1.9", "sshd GSSAPIAuthentication is disabled", 2, sshd("gssapiauthentication", "no"), ["sshd_disable_gssapi_auth"], "GSSAPIAuthentication no"),
    ("5.1.10", "sshd HostbasedAuthentication is disabled", 1, sshd("hostbasedauthentication", "no"), ["disable_host_auth"], "HostbasedAuthentication no"),
    ("5.1.11", "sshd IgnoreRhosts is enabled", 1, sshd("ignorerhosts", "yes"), ["sshd_disable_rhosts"], "IgnoreRhosts yes"),
    ("5.1.12", "sshd KexAlgorithms exclude weak algorithms", 1, sshd("kexalgorithms", WEAK_KEX, "excludes"), ["sshd_use_strong_kex"],
     "KexAlgorithms without the SHA-1 Diffie-Hellman groups"),
    ("5.1.13", "sshd LoginGraceTime is at most one minute", 1,
     {"all": [sshd("logingracetime", "0", "gt"), sshd("logingracetime", "60", "le")]}, ["sshd_set_login_grace_time"], "LoginGraceTime 60"),
    ("5.1.14", "sshd LogLevel is INFO or VERBOSE", 1, sshd("loglevel", ["INFO", "VERBOSE"], "in"), ["sshd_set_loglevel_info"], "LogLevel VERBOSE"),
    ("5.1.15", "sshd MACs exclude weak algorithms", 1, sshd("macs", WEAK_MACS, "excludes"), ["sshd_use_strong_macs"],
     "MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-256"),
    ("5.1.16", "sshd MaxAuthTries is 4 or less", 1, sshd("maxauthtries", "4", "le"), ["sshd_set_max_auth_tries"], "MaxAuthTries 4"),
    ("5.1.17", "sshd MaxSessions is 10 or less", 1, sshd("maxsessions", "10", "le"), ["sshd_set_max_sessions"], "MaxSessions 10"),
    ("5.1.18", "sshd MaxStartups is 10:30:60 or stricter", 1,
     sshd("maxstartups", r'^([0-9]|10):([0-9]|[12][0-9]|30):([0-9]|[1-5][0-9]|60)$', "match"), ["sshd_set_maxstartups"], "MaxStartups 10:30:60"),
    ("5.1.19", "sshd PermitEmptyPasswords is disabled", 1, sshd("permitemptypasswords", "no"), ["sshd_disable_empty_passwords"], "PermitEmptyPasswords no"),
    ("5.1.20", "sshd PermitRootLogin is disabled", 1, sshd("permitrootlogin", "no"), ["sshd_disable_root_login"], "PermitRootLogin no"),
    ("5.1.21", "sshd PermitUserEnvironment is disabled", 1, sshd("permituserenvironment", "no"), ["sshd_do_not_permit_user_env"], "PermitUserEnvironment no"),
    ("5.1.22", "sshd UsePAM is enabled", 1, sshd("usepam", "yes"), ["sshd_enable_pam"], "UsePAM yes"),
]
for rid, title, lv, chk, s, fix in SSHD:
    if isinstance(chk, dict) and "sshd" in chk and chk["sshd"]["value"] is None:
        del chk["sshd"]["value"]
    if "any" in chk:
        for c in chk["any"]:
            c["sshd"].pop("value", None)
    rule(rid, title, lv, chk, s, applies=SSH,
         rationale="Hardening of the SSH daemon, the main remote entry point.",
         remediation=f"Set '{fix}' near the top of /etc/ssh/sshd_config (before any Include "
                     "or Match block: sshd uses the first value it reads) and reload sshd.",
         desc="Checked on the effective value as 'sshd -T' computes it: first value wins, "
              "Include files in lexical order, Match blocks excluded, compiled-in defaults.")

SUDO = {"package": "sudo"}
SUDOERS = {"path": "/etc/sudoers", "dir": "/etc/sudoers.d", "glob": "[!.]*[!~]"}
rule("5.2.1", "sudo is installed", 1, {"package_installed": ["sudo"]}, ["package_sudo_installed"],
     rationale="sudo gives audited, per-command privilege.", remediation="apt install sudo")
rule("5.2.2", "sudo commands use a pty", 1,
     {"content": dict(SUDOERS, pattern=r'^\s*Defaults\s+([^#]*,)?\s*use_pty\b')}, ["sudo_add_use_pty"], applies=SUDO,
     rationale="Without a pty a background process of a sudo command keeps the terminal.",
     remediation="Add 'Defaults use_pty' with visudo.")
rule("5.2.3", "sudo log file exists", 1,
     {"content": dict(SUDOERS, pattern=r'^\s*Defaults\s+([^#]*,)?\s*logfile\s*=')}, ["sudo_custom_logfile"], applies=SUDO,
     rationale="A dedicated log makes sudo use reviewable.",
     remediation="Add 'Defaults logfile=\"/var/log/sudo.log\"' with visudo.")
rule("5.2.4", "Users must provide a password for privilege escalation", 2,
     {"content": dict(SUDOERS, pattern=r'^[^#].*NOPASSWD', expect="absent")}, ["sudo_require_authentication"], applies=SUDO,
     rationale="Escalation without a password turns any session hijack into root.",
     remediation="Remove NOPASSWD tags from sudoers.")
rule("5.2.5", "Re-authentication for privilege escalation is not disabled globally", 1,
     {"content": dict(SUDOERS, pattern=r'^[^#].*!authenticate', expect="absent")}, ["sudo_remove_no_authenticate"], applies=SUDO,
     rationale="Escalation without authentication turns any session hijack into root.",
     remediation="Remove !authenticate from sudoers.")
rule("5.2.6", "sudo authentication timeout is at most 15 minutes", 1,
     {"content": dict(SUDOERS, pattern=r'timestamp_timeout\s*=\s*(-1|1[6-9]|[2-9][0-9]|[0-9]{3,})', expect="absent")},
     ["sudo_require_reauthentication"], applies=SUDO,
     rationale="Cached credentials should expire.", remediation="Set 'Defaults timestamp_timeout=15'.")
rule("5.2.7", "Access to su is restricted", 1,
     {"pam": {"service": "su", "type": "auth", "module": "pam_wheel.so", "args_present": ["use_uid", "group"]}},
     ["use_pam_wheel_group_for_su"],
     rationale="Only members of an (empty) administrative group should be able to su.",
     remediation="groupadd sugroup; add 'auth required pam_wheel.so use_uid group=sugroup' to /etc/pam.d/su.")

rule("5.3.1.1", "PAM is installed", 1, {"package_installed": "libpam-runtime"}, ["package_pam_runtime_installed"],
     rationale="PAM provides the authentication policy.", remediation="apt install libpam-runtime")
rule("5.3.1.2", "libpam-modules is installed", 1, {"package_installed": "libpam-modules"}, ["package_pam_modules_installed"],
     rationale="The standard PAM modules are needed by the policy.", remediation="apt install libpam-modules")
rule("5.3.1.3", "libpam-pwquality is installed", 1, {"package_installed": "libpam-pwquality"}, ["package_pam_pwquality_installed"],
     rationale="pwquality enforces password strength.", remediation="apt install libpam-pwquality")
for rid, svc, typ, mod, s in [("5.3.2.1", "common-auth", "auth", "pam_unix.so", "accounts_password_pam_unix_enabled"),
                              ("5.3.2.2", "common-auth", "auth", "pam_faillock.so", "accounts_passwords_pam_faillock_enabled"),
                              ("5.3.2.3", "common-password", "password", "pam_pwquality.so", "accounts_password_pam_pwquality_enabled"),
                              ("5.3.2.4", "common-password", "password", "pam_pwhistory.so", "accounts_password_pam_pwhistory_enabled")]:
    rule(rid, f"The {mod[:-3]} module is enabled", 1,
         {"pam": {"service": svc, "type": typ, "module": mod}}, [s],
         rationale=f"{mod} implements part of the account security policy.",
         remediation=f"Enable the module with pam-auth-update (a profile in /usr/share/pam-configs using {mod}).")

FAILLOCK = {"path": "/etc/security/faillock.conf", "sep": "="}
rule("5.3.3.1.1", "Failed password attempts lock the account after at most 5", 1,
     {"any": [{"kv": dict(FAILLOCK, key="deny", op="le", value="5")},
              {"pam": {"service": "common-auth", "module": "pam_faillock.so", "arg": {"name": "deny", "op": "le", "value": "5"}}}]},
     ["accounts_passwords_pam_faillock_deny"],
     rationale="Locking after a few failures stops online guessing.",
     remediation="Set 'deny = 5' in /etc/security/faillock.conf.")
rule("5.3.3.1.2", "Locked accounts unlock after at least 15 minutes", 1,
     {"any": [{"kv": dict(FAILLOCK, key="unlock_time", op="in", value=["0"])},
              {"kv": dict(FAILLOCK, key="unlock_time", op="ge", value="900")}]},
     ["accounts_passwords_pam_faillock_unlock_time"],
     rationale="A short unlock time makes lockout ineffective.",
     remediation="Set 'unlock_time = 900' in /etc/security/faillock.conf.")
rule("5.3.3.1.3", "Failed password lockout includes root", 2,
     {"any": [{"kv": dict(FAILLOCK, key="even_deny_root", op="set")},
              {"kv": dict(FAILLOCK, key="root_unlock_time", op="ge", value="60")}]},
     ["accounts_passwords_pam_faillock_root_unlock_time"],
     rationale="root is the most valuable account to guess.",
     remediation="Add 'even_deny_root' and 'root_unlock_time = 60' to faillock.conf.")

PWQ = {"path": "/etc/security/pwquality.conf", "dir": "/etc/security/pwquality.conf.d", "sep": "="}
for rid, title, key, op, val, s in [
        ("5.3.3.2.1", "Passwords must change at least 2 characters", "difok", "ge", "2", "accounts_password_pam_difok"),
        ("5.3.3.2.2", "Passwords are at least 14 characters long", "minlen", "ge", "14", "accounts_password_pam_minlen"),
        ("5.3.3.2.4", "Passwords have at most 3 identical consecutive characters", "maxrepeat", "le", "3", "accounts_password_pam_maxrepeat"),
        ("5.3.3.2.5", "Passwords have at most 3 sequential characters", "maxsequence", "le", "3", "accounts_password_pam_maxsequence")]:
    lo = {"all": [{"kv": dict(PWQ, key=key, op=op, value=val)}, {"kv": dict(PWQ, key=key, op="gt", value="0")}]} \
        if op == "le" else {"kv": dict(PWQ, key=key, op=op, value=val)}
    rule(rid, title, 1, lo, [s],
         rationale="Password strength rules make guessing harder.",
         remediation=f"Set '{key} = {val}' in /etc/security/pwquality.conf.d/50-pwquality.conf.")
rule("5.3.3.2.3", "Password complexity is configured", 1,
     {"any": [{"kv": dict(PWQ, key="minclass", op="ge", value="3")},
              {"all": [{"kv": dict(PWQ, key=k, op="lt", value="0")} for k in ("dcredit", "ucredit", "lcredit", "ocredit")]}]},
     ["accounts_password_pam_minclass"],
     rationale="Mixed character classes enlarge the search space.",
     remediation="Set 'minclass = 3' in /etc/security/pwquality.conf.d/50-pwquality.conf.")
rule("5.3.3.2.6", "Password dictionary check is enabled", 1,
     {"kv": dict(PWQ, key="dictcheck", op="ne", value="0", default="1")}, ["accounts_password_pam_dictcheck"],
     rationale="Dictionary words are guessed first.", remediation="Remove 'dictcheck = 0' from pwquality.conf.")
rule("5.3.3.2.7", "Password quality checking is enforced", 1,
     {"kv": dict(PWQ, key="enforcing", op="ne", value="0", default="1")}, ["accounts_password_pam_enforcing"],
     rationale="Without enforcing, weak passwords only produce a warning.", remediation="Remove 'enforcing = 0'.")
rule("5.3.3.2.8", "Password quality is enforced for root", 1,
     {"kv": dict(PWQ, key="enforce_for_root", op="set")}, ["accounts_password_pam_enforce_root"],
     rationale="root's password matters most.", remediation="Add 'enforce_for_root' to pwquality.conf.")
rule("5.3.3.3.1", "Password history remembers at least 24 passwords", 1,
     {"pam": {"service": "common-password", "module": "pam_pwhistory.so", "arg": {"name": "remember", "op": "ge", "value": "24"}}},
     ["accounts_password_pam_pwhistory_remember"],
     rationale="Reusing old passwords undoes password changes.",
     remediation="Add 'remember=24' to the pam_pwhistory.so line.")
rule("5.3.3.3.2", "Password history is enforced for root", 1,
     {"pam": {"service": "common-password", "module": "pam_pwhistory.so", "args_present": ["enforce_for_root"]}},
     ["accounts_password_pam_pwhistory_enforce_root"],
     rationale="root's password matters most.", remediation="Add 'enforce_for_root' to the pam_pwhistory.so line.")
rule("5.3.3.3.3", "pam_pwhistory includes use_authtok", 1,
     {"pam": {"service": "common-password", "module": "pam_pwhistory.so", "args_present": ["use_authtok"]}},
     ["accounts_password_pam_pwhistory_use_authtok"],
     rationale="The checked password must be the one that is set.", remediation="Add 'use_authtok' to the pam_pwhistory.so line.")
rule("5.3.3.4.1", "pam_unix does not include nullok", 1,
     {"all": [{"pam": {"service": s, "module": "pam_unix.so", "args_absent": ["nullok"]}}
              for s in ("common-auth", "common-password", "common-account", "common-session")]},
     ["no_empty_passwords_unix"],
     rationale="nullok lets accounts with an empty password log in.", remediation="Remove nullok from pam_unix.so lines.")
rule("5.3.3.4.2", "pam_unix does not include remember", 1,
     {"all": [{"pam": {"service": s, "module": "pam_unix.so", "args_absent": ["remember"]}}
              for s in ("common-auth", "common-password", "common-account", "common-session")]},
     ["accounts_password_pam_unix_no_remember"],
     rationale="History belongs to pam_pwhistory, which stores it better.", remediation="Remove remember= from pam_unix.so lines.")
rule("5.3.3.4.3", "pam_unix uses a strong password hash", 1,
     {"any": [{"pam": {"service": "common-password", "type": "password", "module": "pam_unix.so", "args_present": ["yescrypt"]}},
              {"pam": {"service": "common-password", "type": "password", "module": "pam_unix.so", "args_present": ["sha512"]}}]},
     ["set_password_hashing_algorithm_systemauth"],
     rationale="Weak hashes are cracked quickly when the shadow file leaks.", remediation="Use yescrypt (or sha512) on the pam_unix.so password line.")
rule("5.3.3.4.4", "pam_unix includes use_authtok", 1,
     {"pam": {"service": "common-password", "type": "password", "module": "pam_unix.so", "args_present": ["use_authtok"]}},
     ["accounts_password_pam_unix_authtok"],
     rationale="The checked password must be the one that is set.", remediation="Add use_authtok to the pam_unix.so password line.")

LD = {"path": "/etc/login.defs"}
rule("5.4.1.1", "Password expiration is 365 days or less", 1,
     {"all": [{"kv": dict(LD, key="PASS_MAX_DAYS", op="le", value="365")},
              {"kv": dict(LD, key="PASS_MAX_DAYS", op="gt", value="0")},
              {"accounts": {"test": "max_days", "value": "365"}}]},
     ["accounts_maximum_age_login_defs", "accounts_password_set_max_life_existing"],
     rationale="Old passwords have had time to leak.",
     remediation="Set PASS_MAX_DAYS 365 in /etc/login.defs and 'chage --maxdays 365 USER' for existing users.")
rule("5.4.1.2", "Minimum password age is at least 1 day", 2,
     {"all": [{"kv": dict(LD, key="PASS_MIN_DAYS", op="ge", value="1")},
              {"accounts": {"test": "min_days", "value": "1"}}]},
     ["accounts_minimum_age_login_defs", "accounts_password_set_min_life_existing"],
     rationale="Otherwise a user can cycle through the history at once.",
     remediation="Set PASS_MIN_DAYS 1 in /etc/login.defs and 'chage --mindays 1 USER'.")
rule("5.4.1.3", "Password expiration warning is at least 7 days", 1,
     {"all": [{"kv": dict(LD, key="PASS_WARN_AGE", op="ge", value="7")},
              {"accounts": {"test": "warn_days", "value": "7"}}]},
     ["accounts_password_warn_age_login_defs"],
     rationale="Users need notice to choose a good new password.", remediation="Set PASS_WARN_AGE 7 in /etc/login.defs.")
rule("5.4.1.4", "A strong password hashing algorithm is configured", 1,
     {"kv": dict(LD, key="ENCRYPT_METHOD", op="in", value=["SHA512", "YESCRYPT"])},
     ["set_password_hashing_algorithm_logindefs"],
     rationale="Weak hashes are cracked quickly when the shadow file leaks.", remediation="Set ENCRYPT_METHOD YESCRYPT in /etc/login.defs.")
rule("5.4.1.5", "Inactive password lock is 45 days or less", 1,
     {"all": [{"kv": {"path": "/etc/default/useradd", "key": "INACTIVE", "sep": "=", "op": "le", "value": "45"}},
              {"kv": {"path": "/etc/default/useradd", "key": "INACTIVE", "sep": "=", "op": "ge", "value": "0"}},
              {"accounts": {"test": "inactive", "value": "45"}}]},
     ["account_disable_post_pw_expiration"],
     rationale="Unused accounts with expired passwords should lock.", remediation="useradd -D -f 45; chage --inactive 45 USER")
rule("5.4.1.6", "All users' last password change is in the past", 1,
     {"accounts": {"test": "last_change_past"}}, ["accounts_password_last_change_is_in_past"],
     rationale="A future date defeats password expiry.", remediation="Investigate and correct the account with chage.")
for rid, title, test, s in [("5.4.2.1", "root is the only UID 0 account", "uid0_only_root", "accounts_no_uid_except_zero"),
                            ("5.4.2.2", "root is the only GID 0 account", "gid0_only_root", "accounts_root_gid_zero"),
                            ("5.4.2.3", "group root is the only GID 0 group", "group_gid0_only_root", "groups_no_zero_gid_except_root"),
                            ("5.4.2.4", "root account access is controlled", "root_access_controlled", "ensure_root_access_controlled"),
                            ("5.4.2.7", "System accounts do not have a login shell", "system_accounts_nologin", "no_shelllogin_for_systemaccounts")]:
    rule(rid, title, 1, {"accounts": {"test": test}}, [s],
         rationale="Superuser identities and system accounts must be exactly what they appear to be.",
         remediation="Correct /etc/passwd, /etc/group or /etc/shadow with usermod, groupmod or passwd.")
rule("5.4.2.6", "root's umask is 027 or stricter", 1,
     {"content": {"paths": ["/root/.bash_profile", "/root/.bashrc"],
                  "pattern": r'^\s*umask\s+0?([0-7][0-6][0-7]|[0-7][0-7][0-5])\b', "expect": "absent"}},
     ["accounts_umask_root"],
     rationale="Files created by root should not be readable by everyone.", remediation="Set 'umask 0027' in /root/.bashrc.")
rule("5.4.3.1", "nologin is not listed in /etc/shells", 2,
     {"content": {"path": "/etc/shells", "pattern": r'/nologin\b', "expect": "absent"}}, ["no_nologin_in_shells"],
     rationale="Listing nologin as a shell lets it be used where a valid shell is required.",
     remediation="Remove nologin lines from /etc/shells.")
rule("5.4.3.2", "Default shell timeout is 900 seconds or less", 1,
     {"content": {"paths": ["/etc/profile", "/etc/bash.bashrc"], "dir": "/etc/profile.d", "glob": "*.sh",
                  "pattern": r'^\s*([^#]*;)?\s*(readonly\s+|export\s+)*TMOUT=([1-9][0-9]?|[1-8][0-9]{2}|900)\b'}},
     ["accounts_tmout"],
     rationale="Idle sessions left open are hijacked.", remediation="Add 'readonly TMOUT=900; export TMOUT' to /etc/profile.d/tmout.sh.")
rule("5.4.3.3", "Default user umask is 027 or stricter", 1,
     {"any": [{"kv": dict(LD, key="UMASK", op="in", value=["027", "0027", "077", "0077"])},
              {"content": {"paths": ["/etc/profile", "/etc/bash.bashrc"], "dir": "/etc/profile.d", "glob": "*.sh",
                           "pattern": r'^\s*umask\s+0?[0-7][2-7]7\b'}}]},
     ["accounts_umask_etc_login_defs", "accounts_umask_etc_profile", "accounts_umask_etc_bashrc"],
     rationale="Files created by users should not be readable by everyone.", remediation="Set 'UMASK 027' in /etc/login.defs.")

# ---------------------------------------------------------------- section 6
section("6 Logging and Auditing")
JD = {"path": "/etc/systemd/journald.conf", "dir": "/etc/systemd/journald.conf.d", "sep": "=", "section": "Journal"}
rule("6.1.1.1", "journald is enabled", 1,
     {"file_exists": "/lib/systemd/system/systemd-journald.service"}, ["service_systemd-journald_enabled"],
     rationale="journald collects the system log.",
     remediation="journald is a static unit: reinstall systemd if it is missing.",
     desc="systemd-journald is a static unit, enabled whenever it is installed.")
manual("6.1.1.2", "journald log file access is configured", 1)
manual("6.1.1.3", "journald log file rotation is configured", 1)
rule("6.1.1.4", "Only one logging system is in use", 1,
     {"any": [{"all": [{"package_installed": "rsyslog"}, {"service_enabled": "rsyslog"}]},
              {"all": [{"package_absent": "rsyslog"}, {"file_exists": "/lib/systemd/system/systemd-journald.service"}]}]},
     ["logging_services_active"],
     rationale="Logs must be collected by one well-configured system.", remediation="Use either rsyslog or journald alone.")
rule("6.1.2.2", "journald ForwardToSyslog is disabled when journald is the logger", 1,
     {"any": [{"package_installed": "rsyslog"}, {"kv": dict(JD, key="ForwardToSyslog", value="no", default="no")}]},
     ["journald_disable_forward_to_syslog"],
     desc="Passes when rsyslog is installed (then 6.1.3.3 applies instead).",
     rationale="Forwarding duplicates logs when rsyslog is not used.",
     remediation="Set ForwardToSyslog=no in /etc/systemd/journald.conf.d/60-journald.conf.")
rule("6.1.2.3", "journald compresses large log files", 1,
     {"kv": dict(JD, key="Compress", value="yes", default="yes")}, ["journald_compress"],
     rationale="Uncompressed journals fill the disk.", remediation="Set Compress=yes.")
rule("6.1.2.4", "journald writes logs to persistent disk", 1,
     {"kv": dict(JD, key="Storage", value="persistent")}, ["journald_storage"],
     rationale="Volatile logs are lost at reboot.", remediation="Set Storage=persistent.")
RS = {"package": "rsyslog"}
rule("6.1.3.1", "rsyslog is installed", 1, {"package_installed": "rsyslog"}, ["package_rsyslog_installed"],
     rationale="rsyslog can send logs to a remote host.", remediation="apt install rsyslog")
rule("6.1.3.2", "rsyslog is enabled", 1, {"service_enabled": "rsyslog"}, ["service_rsyslog_enabled"], applies=RS,
     rationale="An installed logger must run.", remediation="systemctl enable --now rsyslog")
rule("6.1.3.3", "journald sends logs to rsyslog", 1,
     {"kv": dict(JD, key="ForwardToSyslog", value="yes")}, ["journald_forward_to_syslog"], applies=RS,
     rationale="rsyslog only sees what journald forwards.", remediation="Set ForwardToSyslog=yes.")
rule("6.1.3.4", "rsyslog creates log files with mode 0640 or stricter", 1,
     {"content": {"path": "/etc/rsyslog.conf", "dir": "/etc/rsyslog.d",
                  "pattern": r'^\s*\$FileCreateMode\s+0[0-6][0-4]0\b'}},
     ["rsyslog_filecreatemode"], applies=RS,
     rationale="Logs can contain sensitive data.", remediation="Set '$FileCreateMode 0640' in /etc/rsyslog.d/50-filecreatemode.conf.")
manual("6.1.3.5", "rsyslog logging is configured", 1)
manual("6.1.3.6", "rsyslog sends logs to a remote log host", 1)
rule("6.1.3.7", "rsyslog does not receive logs from remote clients", 1,
     {"content": {"path": "/etc/rsyslog.conf", "dir": "/etc/rsyslog.d",
                  "pattern": r'^\s*(\$ModLoad\s+imtcp|\$InputTCPServerRun|module\(\s*load\s*=\s*"imtcp"|input\(\s*type\s*=\s*"imtcp")',
                  "expect": "absent"}},
     ["rsyslog_nolisten"], applies=RS,
     rationale="A host that is not a log server should not accept remote logs.", remediation="Remove imtcp from the rsyslog configuration.")
manual("6.1.3.8", "logrotate is configured", 1)

AUD = {"package": "auditd"}
rule("6.2.1.1", "auditd is installed", 2, {"package_installed": ["auditd", "audispd-plugins"]},
     ["package_audit_installed", "package_audit-audispd-plugins_installed"],
     rationale="The audit system records security-relevant events.", remediation="apt install auditd audispd-plugins")
rule("6.2.1.2", "auditd is enabled", 2, {"service_enabled": "auditd"}, ["service_auditd_enabled"], applies=AUD,
     rationale="An installed audit daemon must run.", remediation="systemctl enable --now auditd")
rule("6.2.1.3", "Auditing starts before auditd", 2,
     {"content": {"path": "/etc/default/grub", "pattern": r'^\s*GRUB_CMDLINE_LINUX=.*\baudit=1\b'}},
     ["grub2_audit_argument"], applies=AUD,
     rationale="Events before auditd starts are otherwise not audited.", remediation="Add audit=1 to GRUB_CMDLINE_LINUX and run update-grub.")
rule("6.2.1.4", "audit_backlog_limit is sufficient", 2,
     {"content": {"path": "/etc/default/grub", "pattern": r'^\s*GRUB_CMDLINE_LINUX=.*\baudit_backlog_limit=(819[2-9]|8[2-9][0-9]{2}|9[0-9]{3}|[1-9][0-9]{4,})\b'}},
     ["grub2_audit_backlog_limit_argument"], applies=AUD,
     rationale="Events are lost when the backlog overflows at boot.", remediation="Add audit_backlog_limit=8192 to GRUB_CMDLINE_LINUX.")
AC = {"path": "/etc/audit/auditd.conf", "sep": "="}
rule("6.2.2.1", "Audit log storage size is configured", 2, {"kv": dict(AC, key="max_log_file", op="ge", value="1")},
     ["auditd_data_retention_max_log_file"], applies=AUD,
     rationale="Log files need a size matching the retention policy.", remediation="Set max_log_file in auditd.conf.")
rule("6.2.2.2", "Audit logs are not automatically deleted", 2, {"kv": dict(AC, key="max_log_file_action", value="keep_logs")},
     ["auditd_data_retention_max_log_file_action"], applies=AUD,
     rationale="Rotation must not destroy audit evidence.", remediation="Set 'max_log_file_action = keep_logs'.")
rule("6.2.2.3", "The system is disabled when audit logs are full", 2,
     {"all": [{"kv": dict(AC, key="disk_full_action", op="in", value=["halt", "single"])},
              {"kv": dict(AC, key="disk_error_action", op="in", value=["syslog", "single", "halt"])}]},
     ["auditd_data_disk_full_action", "auditd_data_disk_error_action"], applies=AUD,
     rationale="Unaudited operation must not continue silently.", remediation="Set disk_full_action = halt and disk_error_action = halt.")
rule("6.2.2.4", "The system warns when audit logs are low on space", 2,
     {"all": [{"kv": dict(AC, key="space_left_action", op="in", value=["email", "exec", "single", "halt"])},
              {"kv": dict(AC, key="admin_space_left_action", op="in", value=["single", "halt"])}]},
     ["auditd_data_retention_space_left_action", "auditd_data_retention_admin_space_left_action"], applies=AUD,
     rationale="Administrators must learn of a filling disk before it is full.", remediation="Set space_left_action = email and admin_space_left_action = single.")

AR = {"dir": "/etc/audit/rules.d", "glob": "*.rules"}
AUDIT_RULES = [
    ("6.2.3.1", "Changes to sudoers are collected", [r'^\s*-w\s+/etc/sudoers\s+-p\s+wa\b', r'^\s*-w\s+/etc/sudoers\.d/?\s+-p\s+wa\b'], ["audit_rules_sysadmin_actions"]),
    ("6.2.3.2", "Actions as another user are always logged", [r'^\s*-a\s+(always,exit|exit,always)\s+.*-C\s+euid!=uid.*-S\s+execve'], ["audit_rules_suid_privilege_function"]),
    ("6.2.3.3", "Changes to the sudo log file are collected", [r'^\s*-w\s+/var/log/sudo\.log\s+-p\s+wa\b'], ["audit_sudo_log_events"]),
    ("6.2.3.4", "Changes to date and time are collected", [r'-S\s+[^#]*adjtimex', r'-S\s+[^#]*clock_settime', r'^\s*-w\s+/etc/localtime\s+-p\s+wa\b'],
     ["audit_rules_time_adjtimex", "audit_rules_time_clock_settime", "audit_rules_time_watch_localtime"]),
    ("6.2.3.5", "Changes to the network environment are collected", [r'-S\s+[^#]*sethostname', r'^\s*-w\s+/etc/hosts\s+-p\s+wa\b', r'^\s*-w\s+/etc/issue\s+-p\s+wa\b'],
     ["audit_rules_networkconfig_modification"]),
    ("6.2.3.7", "Unsuccessful file access attempts are collected", [r'-F\s+exit=-EACCES', r'-F\s+exit=-EPERM'],
     ["audit_rules_unsuccessful_file_modification_open", "audit_rules_unsuccessful_file_modification_creat"]),
    ("6.2.3.8", "Changes to users and groups are collected",
     [r'^\s*-w\s+/etc/' + f + r'\s+-p\s+wa\b' for f in ("group", "passwd", "gshadow", "shadow", r"security/opasswd", "nsswitch\\.conf", "pam\\.conf", "pam\\.d")],
     ["audit_rules_usergroup_modification_group", "audit_rules_usergroup_modification_passwd", "audit_rules_usergroup_modification_shadow"]),
    ("6.2.3.9", "Permission changes are collected", [r'-S\s+[^#]*chmod', r'-S\s+[^#]*chown', r'-S\s+[^#]*setxattr'],
     ["audit_rules_dac_modification_chmod", "audit_rules_dac_modification_chown", "audit_rules_dac_modification_setxattr"]),
    ("6.2.3.10", "Successful file system mounts are collected", [r'-S\s+[^#]*\bmount\b'], ["audit_rules_media_export"]),
    ("6.2.3.11", "Session initiation information is collected", [r'^\s*-w\s+/var/run/utmp\s+-p\s+wa\b', r'^\s*-w\s+/var/log/wtmp\s+-p\s+wa\b', r'^\s*-w\s+/var/log/btmp\s+-p\s+wa\b'],
     ["audit_rules_session_events"]),
    ("6.2.3.12", "Login and logout events are collected", [r'^\s*-w\s+/var/log/lastlog\s+-p\s+wa\b', r'^\s*-w\s+/var/run/faillock/?\s+-p\s+wa\b'],
     ["audit_rules_login_events_lastlog", "audit_rules_login_events_faillock"]),
    ("6.2.3.13", "File deletion events by users are collected", [r'-S\s+[^#]*unlink', r'-S\s+[^#]*rename'],
     ["audit_rules_file_deletion_events_unlink", "audit_rules_file_deletion_events_rename"]),
    ("6.2.3.14", "Changes to mandatory access controls are collected", [r'^\s*-w\s+/etc/apparmor/?\s+-p\s+wa\b', r'^\s*-w\s+/etc/apparmor\.d/?\s+-p\s+wa\b'],
     ["audit_rules_mac_modification_etc_apparmor", "audit_rules_mac_modification_etc_apparmor_d"]),
    ("6.2.3.15", "Uses of chcon are collected", [r'-F\s+path=/usr/bin/chcon\b'], ["audit_rules_execution_chcon"]),
    ("6.2.3.16", "Uses of setfacl are collected", [r'-F\s+path=/usr/bin/setfacl\b'], ["audit_rules_execution_setfacl"]),
    ("6.2.3.17", "Uses of chacl are collected", [r'-F\s+path=/usr/bin/chacl\b'], ["audit_rules_execution_chacl"]),
    ("6.2.3.18", "Uses of usermod are collected", [r'-F\s+path=/usr/sbin/usermod\b'], ["audit_rules_privileged_commands_usermod"]),
    ("6.2.3.19", "Kernel module loading and unloading is collected", [r'-S\s+[^#]*init_module', r'-S\s+[^#]*delete_module', r'-F\s+path=/usr/bin/kmod\b'],
     ["audit_rules_kernel_module_loading_init", "audit_rules_kernel_module_loading_delete"]),
    ("6.2.3.20", "The audit configuration is immutable", [r'^\s*-e\s+2\b'], ["audit_rules_immutable"]),
]
for rid, title, pats, s in AUDIT_RULES:
    chk = {"content": dict(AR, pattern=pats[0])} if len(pats) == 1 else \
        {"all": [{"content": dict(AR, pattern=p)} for p in pats]}
    rule(rid, title, 2, chk, s, applies=AUD,
         rationale="Audit records of these events are needed to investigate incidents.",
         remediation="Add the rules to a file in /etc/audit/rules.d/ (e.g. 50-cis.rules) and run 'augenrules --load'.")
manual("6.2.3.6", "Use of privileged commands is collected", 2)
manual("6.2.3.21", "The running and on-disk audit configuration are the same", 2)
rule("6.2.4.1", "Audit log files are mode 0640 or stricter", 2,
     {"file": {"path": "/var/log/audit/*", "mode": "0640", "missing": "pass"}}, ["file_permissions_var_log_audit"], applies=AUD,
     rationale="Audit logs must not be readable or changeable by users.", remediation="chmod g-wx,o-rwx /var/log/audit/*")
rule("6.2.4.2", "Audit log files are owned by root", 2,
     {"file": {"path": "/var/log/audit/*", "owner": "root", "missing": "pass"}}, ["file_ownership_var_log_audit_stig"], applies=AUD,
     rationale="Audit logs must not be changeable by users.", remediation="chown root /var/log/audit/*")
rule("6.2.4.3", "Audit log files belong to group root or adm", 2,
     {"file": {"path": "/var/log/audit/*", "group": ["root", "adm"], "missing": "pass"}}, ["file_group_ownership_var_log_audit"], applies=AUD,
     rationale="Audit logs must not be readable by users.", remediation="chgrp adm /var/log/audit/*")
rule("6.2.4.4", "The audit log directory is mode 0750 or stricter", 2,
     {"file": {"path": "/var/log/audit", "mode": "0750"}}, ["directory_permissions_var_log_audit"], applies=AUD,
     rationale="Audit logs must not be readable by users.", remediation="chmod g-w,o-rwx /var/log/audit")
rule("6.2.4.5", "Audit configuration files are mode 0640 or stricter", 2,
     {"all": [{"file": {"path": "/etc/audit/auditd.conf", "mode": "0640"}},
              {"file": {"path": "/etc/audit/rules.d/*.rules", "mode": "0640", "missing": "pass"}}]},
     ["file_permissions_etc_audit_auditd", "file_permissions_etc_audit_rulesd"], applies=AUD,
     rationale="The audit policy must not be changed by users.", remediation="chmod u-x,g-wx,o-rwx /etc/audit/*.conf /etc/audit/rules.d/*.rules")
rule("6.2.4.6", "Audit configuration files are owned by root", 2,
     {"file": {"path": "/etc/audit/rules.d/*.rules", "owner": "root", "group": "root", "missing": "pass"}},
     ["file_ownership_audit_configuration", "file_groupownership_audit_configuration"], applies=AUD,
     rationale="The audit policy must not be changed by users.", remediation="chown root:root /etc/audit/rules.d/*.rules")
rule("6.2.4.8", "Audit tools are mode 0755 or stricter and owned by root", 2,
     {"all": [{"file": {"path": f"/sbin/{t}", "mode": "0755", "owner": "root", "group": "root", "missing": "pass"}}
              for t in ("auditctl", "aureport", "ausearch", "autrace", "auditd", "augenrules")]},
     ["file_permissions_audit_binaries", "file_ownership_audit_binaries", "file_groupownership_audit_binaries"], applies=AUD,
     rationale="Tampered audit tools hide events.", remediation="chmod go-w /sbin/audit*; chown root:root /sbin/audit*")
rule("6.3.1", "AIDE is installed", 1, {"package_installed": ["aide", "aide-common"]}, ["package_aide_installed"],
     rationale="File integrity checking detects unauthorised changes.", remediation="apt install aide aide-common; aideinit")
rule("6.3.2", "File system integrity is checked regularly", 1,
     {"any": [{"service_enabled": "dailyaidecheck.timer"},
              {"content": {"path": "/etc/crontab", "dir": "/etc/cron.d", "glob": "*", "pattern": r'^[^#].*\baide\b'}}]},
     ["aide_periodic_checking_systemd_timer"], applies={"package": "aide"},
     rationale="Integrity checks only help when they run.", remediation="systemctl enable --now dailyaidecheck.timer")

# ---------------------------------------------------------------- section 7
section("7 System Maintenance")
for rid, p, mode, grp, n in [("7.1.1", "/etc/passwd", "0644", ["root"], "etc_passwd"),
                             ("7.1.2", "/etc/passwd-", "0644", ["root"], "backup_etc_passwd"),
                             ("7.1.3", "/etc/group", "0644", ["root"], "etc_group"),
                             ("7.1.4", "/etc/group-", "0644", ["root"], "backup_etc_group"),
                             ("7.1.5", "/etc/shadow", "0640", ["root", "shadow"], "etc_shadow"),
                             ("7.1.6", "/etc/shadow-", "0640", ["root", "shadow"], "backup_etc_shadow"),
                             ("7.1.7", "/etc/gshadow", "0640", ["root", "shadow"], "etc_gshadow"),
                             ("7.1.8", "/etc/gshadow-", "0640", ["root", "shadow"], "backup_etc_gshadow"),
                             ("7.1.9", "/etc/shells", "0644", ["root"], "etc_shells"),
                             ("7.1.10", "/etc/security/opasswd", "0600", ["root"], "etc_security_opasswd")]:
    rule(rid, f"Permissions on {p} are configured", 1,
         {"file": {"path": p, "mode": mode, "owner": "root", "group": grp,
                   "missing": "pass" if p.endswith("-") or "opasswd" in p else "fail"}},
         [f"file_groupowner_{n}", f"file_owner_{n}", f"file_permissions_{n}"],
         rationale="The account databases must not be changed (or, for hashes, read) by users.",
         remediation=f"chown root:{grp[-1]} {p}; chmod {mode} {p}")
rule("7.1.11", "World-writable files and directories are secured", 1,
     {"world_writable": {"roots": ["/"]}}, ["file_permissions_unauthorized_world_writable"],
     rationale="Anyone can change a world-writable file; a world-writable directory without "
               "the sticky bit lets anyone delete others' files.",
     remediation="chmod o-w the files; chmod +t the directories.",
     desc="Walks the whole tree (not /proc, /sys, /dev, /run; one file system on a live host).")
rule("7.1.12", "No files or directories without an owner and a group exist", 1,
     {"unowned": {"roots": ["/"]}}, ["no_files_unowned_by_user", "file_permissions_ungroupowned"],
     rationale="Unowned files are adopted by whoever gets that UID next.",
     remediation="chown the files to an existing user and group, or remove them.")
manual("7.1.13", "SUID and SGID files are reviewed", 1)
for rid, title, test, s in [("7.2.1", "Accounts in /etc/passwd use shadowed passwords", "shadowed", "accounts_password_all_shadowed"),
                            ("7.2.2", "/etc/shadow password fields are not empty", "no_empty_passwords", "no_empty_passwords_etc_shadow"),
                            ("7.2.3", "All groups in /etc/passwd exist in /etc/group", "groups_exist", "gid_passwd_group_same"),
                            ("7.2.4", "The shadow group is empty", "shadow_group_empty", "ensure_shadow_group_empty"),
                            ("7.2.5", "No duplicate UIDs exist", "unique_uid", "account_unique_id"),
                            ("7.2.6", "No duplicate GIDs exist", "unique_gid", "group_unique_id"),
                            ("7.2.7", "No duplicate user names exist", "unique_user", "account_unique_name"),
                            ("7.2.8", "No duplicate group names exist", "unique_group", "group_unique_name")]:
    rule(rid, title, 1, {"accounts": {"test": test}}, [s],
         rationale="The account databases must be consistent for access control to mean anything.",
         remediation="Correct /etc/passwd, /etc/shadow and /etc/group (pwck, grpck).")
manual("7.2.9", "Local interactive user home directories are configured", 1)
manual("7.2.10", "Local interactive user dot files access is configured", 1)


# ---------------------------------------------------------------- output
BENCHMARKS = {
    "debian12": dict(title="CIS Debian Linux 12 Benchmark (kensa content, server profile)", version="1.1.0",
                     os_id="debian", os_versions=["12"],
                     note="Recommendation numbers of CIS Debian Linux 12 v1.1.0 as mapped by "
                          "ComplianceAsCode controls/cis_debian12.yml."),
    "debian11": dict(title="CIS Debian Linux 11 (kensa content, server profile)", version="1.1.0-d11",
                     os_id="debian", os_versions=["11"],
                     note="No public control file maps the CIS Debian 11 benchmark; the checks are "
                          "those of the Debian 12 content, numbered as in the Debian 12 benchmark. "
                          "Used for the OpenSCAP comparison (ssg-debian ships Debian 11 content)."),
    "ubuntu2404": dict(title="CIS Ubuntu Linux 24.04 LTS Benchmark (kensa content, server profile)", version="1.0.0",
                       os_id="ubuntu", os_versions=["24.04"],
                       note="Recommendation numbers of CIS Ubuntu 24.04 v1.0.0 as mapped by "
                            "ComplianceAsCode controls/cis_ubuntu2404.yml (same structure as Debian 12)."),
}


class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # kensa's YAML reader rejects aliases
        return True


def str_presenter(dumper, data):
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


Dumper.add_representer(str, str_presenter)


def emit(bid, meta, outdir):
    sections = []
    for r in RULES:
        if r["only"] and bid not in r["only"]:
            continue
        if not sections or sections[-1]["title"] != r["section"]:
            sections.append({"title": r["section"], "rules": []})
        out = {"id": r["id"], "title": r["title"], "level": r["level"]}
        if r["manual"]:
            out["manual"] = True
        if r["ssg"]:
            out["ssg"] = r["ssg"]
        if r["applies"]:
            out["applies"] = r["applies"]
        for k in ("description", "rationale", "remediation"):
            if r[k]:
                out[k] = r[k]
        if r["check"] is not None:
            out["check"] = r["check"]
        sections[-1]["rules"].append(out)
    for s in sections:
        s["rules"].sort(key=lambda x: [int(p) for p in x["id"].split(".")])
    doc = {"benchmark": {"id": bid, "title": meta["title"], "version": meta["version"],
                         "os_id": meta["os_id"], "os_versions": meta["os_versions"],
                         "note": meta["note"]},
           "sections": sections}
    path = os.path.join(outdir, bid + ".yaml")
    with open(path, "w") as f:
        f.write(f"# {bid}.yaml - generated by tools/cis-content.py; edit that file, not this one.\n")
        f.write("# Titles, rationale and remediation are kensa's own words; recommendation\n")
        f.write("# numbers and SSG rule ids come from ComplianceAsCode's public control files.\n")
        yaml.dump(doc, f, Dumper=Dumper, sort_keys=False, width=100, allow_unicode=True)
    n = sum(len(s["rules"]) for s in sections)
    auto = sum(1 for s in sections for r in s["rules"] if not r.get("manual"))
    print(f"{path}: {n} rules, {auto} automated")


if __name__ == "__main__":
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "content", "cis")
    for bid, meta in BENCHMARKS.items():
        emit(bid, meta, outdir)
