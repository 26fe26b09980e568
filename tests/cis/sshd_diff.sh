#!/bin/bash
# tests/cis/sshd_diff.sh KENSA - kensa's effective sshd settings against
# `sshd -T` run in a chroot of the same hand-made tree, for every key kensa
# reports. The trees exercise Include (absolute, relative, glob, nested, inside
# Match), Match blocks, mixed-case keywords, '=' syntax, first-value-wins,
# accumulating keywords and time suffixes. Needs root (chroot) and the
# openssh-server package (.ci/packages); fails, never skips, without them.
set -u
KENSA=$(realpath "$1")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SSHD=/usr/sbin/sshd
[ -x "$SSHD" ] || { echo "sshd_diff: $SSHD missing: install openssh-server (.ci/packages)"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "sshd_diff: needs root to chroot"; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# A minimal chroot that can run sshd -T: the binary, its libraries, the
# privilege separation user and directory, and a host key made for the test.
base=$TMP/base
mkdir -p "$base/usr/sbin" "$base/etc/ssh" "$base/run/sshd" "$base/tmp"
mkdir -p "$base/dev" && mknod -m 666 "$base/dev/null" c 1 3
cp "$SSHD" "$base/usr/sbin/sshd"
for lib in $(ldd "$SSHD" | grep -o '/[^ ]*'); do
    mkdir -p "$base$(dirname "$lib")"
    cp -L "$lib" "$base$lib"
done
printf 'root:x:0:0:root:/root:/bin/sh\nsshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n' > "$base/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$base/etc/group"
ssh-keygen -q -t ed25519 -N '' -f "$base/etc/ssh/ssh_host_ed25519_key"

fail=0
check() { # NAME TREE
    local name=$1 tree=$2 key val
    "$KENSA" cis effective sshd rootfs "$tree" | sed 's/\t#.*//' > "$TMP/kensa" || {
        echo "$name: kensa failed"; fail=1; return; }
    chroot "$tree" /usr/sbin/sshd -T > "$TMP/sshd" 2> "$TMP/sshd.err" || {
        echo "$name: sshd -T failed: $(cat "$TMP/sshd.err")"; fail=1; return; }
    local n=0
    while read -r key val; do
        # sshd prints one line per value of a list keyword; kensa joins them
        want=$(awk -v k="$key" '$1 == k { $1 = ""; sub(/^ /, ""); printf "%s%s", sep, $0; sep = " " }' "$TMP/sshd")
        if [ "$want" != "$val" ]; then
            echo "$name: $key: kensa '$val', sshd -T '$want'"
            fail=1
        fi
        n=$((n + 1))
    done < "$TMP/kensa"
    [ "$n" -ge 30 ] || { echo "$name: only $n keys compared"; fail=1; }
    echo "$name: $n keys compared"
}

mktree() { # NAME -> path
    rm -rf "$TMP/$1"
    cp -a "$base" "$TMP/$1"
    echo "$TMP/$1"
}

# 1. Debian 12's own sshd_config
t=$(mktree debian)
cp "$SRC/fuzz/corpus/sshd/debian12" "$t/etc/ssh/sshd_config"
mkdir -p "$t/etc/ssh/sshd_config.d"
check debian "$t"

# 2. Include files (lexical order, relative path, nested), first value wins,
#    mixed case, '=' syntax, time suffixes, Match blocks ignored globally
t=$(mktree includes)
mkdir -p "$t/etc/ssh/sshd_config.d" "$t/etc/ssh/extra"
cat > "$t/etc/ssh/sshd_config" <<'CFG'
# comment
Include /etc/ssh/sshd_config.d/*.conf
PERMITROOTLOGIN yes
LoginGraceTime 1m30s
clientaliveinterval=2m
ClientAliveCountMax 2
MaxAuthTries 6
AllowUsers alice bob
Banner /etc/issue.net
Include extra/nested.conf
Match User carol
    PermitRootLogin no
    MaxSessions 2
    Include /etc/ssh/extra/inmatch.conf
Match all
AllowUsers dave
CFG
printf 'maxauthtries 3\nLogLevel verbose\n' > "$t/etc/ssh/sshd_config.d/50-b.conf"
printf 'PermitRootLogin=prohibit-password\nMaxAuthTries 4\nX11Forwarding YES\n' > "$t/etc/ssh/sshd_config.d/10-a.conf"
printf 'not a config, wrong suffix\n' > "$t/etc/ssh/sshd_config.d/README"
printf 'AllowUsers erin\nMaxStartups 10:30:60\nCiphers aes256-gcm@openssh.com,aes128-ctr\nInclude /etc/ssh/extra/deeper.conf\n' > "$t/etc/ssh/extra/nested.conf"
printf 'MACs hmac-sha2-512,hmac-sha2-256\nMaxSessions 4\n' > "$t/etc/ssh/extra/deeper.conf"
printf 'PermitEmptyPasswords yes\nGSSAPIAuthentication yes\n' > "$t/etc/ssh/extra/inmatch.conf"
check includes "$t"

# 3. A Match block first: nothing in it applies; later globals do
t=$(mktree matchfirst)
cat > "$t/etc/ssh/sshd_config" <<'CFG'
UsePAM yes
Match Address 10.0.0.0/8
  PasswordAuthentication no
  Banner /etc/issue
CFG
check matchfirst "$t"

# 4. "Match all" blocks do apply: the first value inside them overrides the
#    global one, and a list keyword's Match value replaces the global list
t=$(mktree matchall)
mkdir -p "$t/etc/ssh/sshd_config.d"
cat > "$t/etc/ssh/sshd_config" <<'CFG'
PermitRootLogin yes
AllowUsers a
Include sshd_config.d/*.conf
Match all
  AllowUsers b
  AllowUsers c
  PermitRootLogin no
Match User x
  MaxSessions 3
CFG
printf 'Match ALL\n  PermitRootLogin yes\n  MaxSessions 5\n' > "$t/etc/ssh/sshd_config.d/90-all.conf"
check matchall "$t"

exit $fail
