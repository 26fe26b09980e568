#!/bin/bash
# tests/cis/sysctl_diff.sh KENSA - kensa's effective sysctl settings against
# procps `sysctl --system --dry-run` run in a chroot of a hand-made tree: the
# same file name in several directories (the earlier directory masks the
# later), lexical order across directories, /etc/sysctl.conf last (also via
# Debian's 99-sysctl.conf link), '/' separators, '-' prefixes, comments. For
# every key sysctl prints (keys that exist in this kernel) the final value
# must be equal; the files are arranged so that a wrong order or masking
# changes a value. Needs root (chroot, bind mount of
# /proc); fails, never skips, without it.
set -u
KENSA=$(realpath "$1")
SYSCTL=/sbin/sysctl
[ -x "$SYSCTL" ] || { echo "sysctl_diff: $SYSCTL missing (procps)"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "sysctl_diff: needs root to chroot"; exit 1; }
TMP=$(mktemp -d)
t=$TMP/tree
cleanup() { umount "$t/proc" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

mkdir -p "$t/sbin" "$t/dev" "$t/proc" "$t/etc/sysctl.d" "$t/run/sysctl.d" "$t/usr/lib/sysctl.d" \
         "$t/usr/local/lib/sysctl.d"
cp "$SYSCTL" "$t/sbin/sysctl"
for lib in $(ldd "$SYSCTL" | grep -o '/[^ ]*'); do
    mkdir -p "$t$(dirname "$lib")"
    cp -L "$lib" "$t$lib"
done
mknod -m 666 "$t/dev/null" c 1 3

printf 'net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.rp_filter = 2\n' > "$t/usr/lib/sysctl.d/10-a.conf"
printf '# masks /usr/lib/sysctl.d/10-a.conf entirely\nnet.ipv4.ip_forward = 0\n' > "$t/etc/sysctl.d/10-a.conf"
printf 'net/ipv4/conf/all/rp_filter=1\nkernel/randomize_va_space = 1\n-kernel.no_such_key = 1\n' > "$t/run/sysctl.d/20-b.conf"
printf '; later name wins\nkernel.randomize_va_space=2\nnet.ipv4.icmp_echo_ignore_broadcasts = 0\n' > "$t/usr/lib/sysctl.d/30-c.conf"
printf 'fs.suid_dumpable = 2\nnet.ipv4.icmp_echo_ignore_broadcasts=1\n' > "$t/usr/local/lib/sysctl.d/40-d.conf"
printf 'net.ipv4.tcp_syncookies = 0\n' > "$t/etc/sysctl.d/README"
ln -s ../sysctl.conf "$t/etc/sysctl.d/99-sysctl.conf"
printf '# comment\n  net.ipv4.tcp_syncookies   =   1  \nfs.suid_dumpable = 0\nvm.swappiness=10\n' > "$t/etc/sysctl.conf"

mount --bind /proc "$t/proc" || { echo "sysctl_diff: cannot bind-mount /proc"; exit 1; }
chroot "$t" /sbin/sysctl --system --dry-run > "$TMP/sysctl" 2> "$TMP/err" ||
    { echo "sysctl --system failed: $(cat "$TMP/err")"; exit 1; }
umount "$t/proc"
"$KENSA" cis effective sysctl rootfs "$t" > "$TMP/kensa" || { echo "kensa failed"; exit 1; }

# the last value per key in sysctl's output order (procps prints the
# "* Applying" lines first, then the assignments in application order)
awk '/^\* Applying / { next } { k = $1; $1 = $2 = ""; sub(/^  /, ""); v[k] = $0 }
     END { for (k in v) print k "\t" v[k] }' "$TMP/sysctl" | sort > "$TMP/want"
fail=0
n=0
while IFS=$'\t' read -r key val; do
    got=$(awk -v k="$key" '$1 == k { sub(/\t#.*/, ""); print }' "$TMP/kensa")
    if [ "$got" != "$key $val" ]; then
        echo "$key: kensa '$got', sysctl '$key $val'"; fail=1
    fi
    n=$((n + 1))
done < "$TMP/want"
[ "$n" -ge 6 ] || { echo "only $n keys compared"; fail=1; }
echo "sysctl: $n keys compared"
exit $fail
