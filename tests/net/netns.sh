#!/bin/bash
# tests/net/netns.sh KENSA - the host view checked against a real scanner.
#
# Builds two network namespaces joined by a veth pair (10.77.0.1 server,
# 10.77.0.2 peer; nothing else is ever addressed), loads an nftables ruleset
# with jump/goto, named sets, ct state, iifname, a source-address match and
# policy drop into the server, starts real listeners there, then compares,
# port by port, kensa's verdict (run inside the server namespace: /proc/net
# and `nft -j list ruleset`) with what nmap sees from the peer namespace:
# TCP 1-1024 and UDP 53, 161, 5353. Needs root, ip, nft, nmap, python3
# (.ci/packages); fails, never skips, when one is missing. Namespaces and
# processes are removed on every exit path.
set -u
KENSA=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
for t in ip nft nmap python3; do
    command -v "$t" >/dev/null || { echo "FAIL: '$t' not installed (./do deps installs .ci/packages)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "FAIL: needs root (network namespaces)"; exit 1; }

ID=$$
SRV=ks-srv-$ID PEER=ks-peer-$ID IF_S=ksv$ID IF_P=ksp$ID
TMP=$(mktemp -d)
LPID=
cleanup() {
    [ -n "$LPID" ] && kill "$LPID" 2>/dev/null
    ip netns del "$SRV" 2>/dev/null
    ip netns del "$PEER" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

set -e
ip netns add "$SRV"
ip netns add "$PEER"
ip link add "$IF_S" type veth peer name "$IF_P"
ip link set "$IF_S" netns "$SRV"
ip link set "$IF_P" netns "$PEER"
ip -n "$SRV" addr add 10.77.0.1/24 dev "$IF_S"
ip -n "$PEER" addr add 10.77.0.2/24 dev "$IF_P"
for ns in "$SRV" "$PEER"; do ip -n "$ns" link set lo up; done
ip -n "$SRV" link set "$IF_S" up
ip -n "$PEER" link set "$IF_P" up

ip netns exec "$SRV" nft -f - <<NFT
table inet filter {
    set tcp_ok { type inet_service; flags interval; elements = { 22, 80, 8000-8100 } }
    set peers { type ipv4_addr; flags interval; elements = { 10.77.0.0/24 } }
    chain input {
        type filter hook input priority 0; policy drop;
        iifname "lo" accept
        ct state established,related accept
        ct state invalid drop
        iifname "ksv*" jump from_net
        udp dport { 53, 5353 } accept
    }
    chain from_net {
        tcp dport @tcp_ok accept
        ip saddr @peers tcp dport 443 accept
        tcp dport 25 goto refuse
        ip saddr != 10.77.0.0/24 tcp dport 1-1024 accept
        return
    }
    chain refuse {
        reject with tcp reset
    }
}
NFT

# 22, 443: listening and allowed -> open; 25: listening, rejected -> closed;
# 631, 993: listening, dropped -> filtered; 80: allowed but bound to loopback
# only -> closed; UDP 53 listening + allowed -> open, 161 listening + dropped
# -> open|filtered, 5353 allowed, nothing listens -> closed.
ip netns exec "$SRV" python3 "$HERE/listeners.py" "$TMP/ready" \
    tcp:0.0.0.0:22 tcp:0.0.0.0:443 tcp:0.0.0.0:25 tcp:0.0.0.0:631 tcp:10.77.0.1:993 \
    tcp:127.0.0.1:80 tcp:[::]:8080 udp:0.0.0.0:53 udp:0.0.0.0:161 &
LPID=$!
for _ in $(seq 50); do [ -f "$TMP/ready" ] && break; sleep 0.1; done
[ -f "$TMP/ready" ] || { echo "FAIL: listeners did not start"; exit 1; }
set +e

ip netns exec "$SRV" "$KENSA" network analyze --host --iface "$IF_S" --source 10.77.0.2 \
    --ports tcp:1-1024,udp:53,161,5353 >"$TMP/kensa.txt" 2>"$TMP/kensa.err"
rc=$?
[ $rc = 0 ] || { echo "FAIL: kensa exited $rc"; cat "$TMP/kensa.err"; exit 1; }

ip netns exec "$PEER" nmap -n -Pn -sS -p1-1024 -T4 --max-retries 1 -oG "$TMP/tcp.gnmap" \
    10.77.0.1 >/dev/null || { echo "FAIL: nmap TCP scan failed"; exit 1; }
ip netns exec "$PEER" nmap -n -Pn -sU -p53,161,5353 --max-retries 2 -oG "$TMP/udp.gnmap" \
    10.77.0.1 >/dev/null || { echo "FAIL: nmap UDP scan failed"; exit 1; }

python3 - "$TMP/kensa.txt" "$TMP/tcp.gnmap" "$TMP/udp.gnmap" <<'PY'
import re, sys
kensa = {}
for line in open(sys.argv[1]):
    m = re.match(r"^(tcp|udp)/(\d+) (open|closed|filtered)$", line.strip())
    if m:
        kensa[(m.group(1), int(m.group(2)))] = m.group(3)
want = [("tcp", p) for p in range(1, 1025)] + [("udp", p) for p in (53, 161, 5353)]
missing = [k for k in want if k not in kensa]
if missing:
    sys.exit("FAIL: kensa gave no verdict for %s" % missing[:5])
nmap = {}
extra = {}
for f in sys.argv[2:]:
    for line in open(f):
        if "Ports:" in line:
            for ent in line.split("Ports:")[1].split("\t")[0].split(","):
                parts = ent.strip().split("/")
                nmap[(parts[2], int(parts[0]))] = parts[1]
        m = re.search(r"Ignored State: (\S+) \((\d+)\)", line)
        if m:
            extra[f] = m.group(1)
def nmap_state(k):
    if k in nmap:
        return nmap[k]
    return extra.get(sys.argv[2] if k[0] == "tcp" else sys.argv[3], "?")
# nmap cannot tell an unanswered UDP port from a dropped one: open|filtered
same = {("open", "open"), ("closed", "closed"), ("filtered", "filtered"),
        ("filtered", "open|filtered")}
bad = []
for k in want:
    if (kensa[k], nmap_state(k)) not in same:
        bad.append("%s/%d kensa=%s nmap=%s" % (k[0], k[1], kensa[k], nmap_state(k)))
opens = sorted(p for (pr, p), s in kensa.items() if s == "open")
print("kensa open:", opens, "compared", len(want), "ports")
if bad:
    sys.exit("FAIL: verdicts differ:\n  " + "\n  ".join(bad))
# the ruleset must really have exercised each verdict
states = {kensa[k] for k in want}
if states != {"open", "closed", "filtered"}:
    sys.exit("FAIL: expected open, closed and filtered ports, got %s" % states)
PY
[ $? = 0 ] || { cat "$TMP/kensa.txt"; exit 1; }

# the owning process is named, and the combined findings are there
grep -qE '^TCP +0\.0\.0\.0 +22 +python3 +accept$' "$TMP/kensa.txt" ||
    { echo "FAIL: listener 22 without its process"; cat "$TMP/kensa.txt"; exit 1; }
grep -q '^RecognizedPortWithListener .*Port 22 is reachable from the internet and python3 listens' "$TMP/kensa.txt" ||
    { echo "FAIL: no RecognizedPortWithListener for 22"; cat "$TMP/kensa.txt"; exit 1; }
grep -q '^ListenerBlocked .*port 631 but the host firewall blocks it' "$TMP/kensa.txt" ||
    { echo "FAIL: no ListenerBlocked for 631"; cat "$TMP/kensa.txt"; exit 1; }
echo "ok"
