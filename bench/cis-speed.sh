#!/bin/bash
# bench/cis-speed.sh - wall time and peak RSS of the full Debian 12 level 2
# run (every rule, table output to /dev/null) on a debootstrap'd Debian 12
# (minbase, or the debian12-cis fixture: minbase + openssh-server, cron,
# rsyslog). Warm: the page cache is filled by a first, untimed run.
set -euo pipefail
cd "$(dirname "$0")/.."
KENSA=${KENSA:-$PWD/build/kensa}
export KENSA_FIXTURES=${KENSA_FIXTURES:-$PWD/.fixtures}
TREE=${1:-}
if [ -z "$TREE" ]; then
    if [ -f "$KENSA_FIXTURES/debian12-minbase.stamp" ]; then
        TREE=$KENSA_FIXTURES/debian12-minbase
    else
        tests/fixtures/debian12-cis.sh
        TREE=$KENSA_FIXTURES/debian12-cis
    fi
fi
N=${N:-20}
"$KENSA" cis rootfs "$TREE" -b debian12 -l 2 > /dev/null || true
rules=$("$KENSA" cis rootfs "$TREE" -b debian12 -l 2 -f csv | tail -n +2 | wc -l || true)
python3 - "$KENSA" "$TREE" "$N" "$rules" <<'PY'
import os, subprocess, sys, time
kensa, tree, n, rules = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ts, cpu, rss = [], [], 0
for _ in range(n):
    t0 = time.perf_counter()
    p = subprocess.Popen([kensa, "cis", "rootfs", tree, "-b", "debian12", "-l", "2"], stdout=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    ts.append((time.perf_counter() - t0) * 1000)
    cpu.append((ru.ru_utime + ru.ru_stime) * 1000)
ts.sort(); cpu.sort()
med = ts[len(ts) // 2]
print(f"tree {tree}: {rules} rules, {n} runs: wall min {ts[0]:.1f} ms, median {med:.1f} ms; "
      f"CPU (user+sys) median {cpu[len(cpu) // 2]:.1f} ms; "
      f"{med / rules * 1000:.0f} us/rule (median wall)")
PY
/usr/bin/time -f '%M' -o /tmp/cis-speed.$$ "$KENSA" cis rootfs "$TREE" -b debian12 -l 2 > /dev/null || true
echo "peak RSS $(tail -n 1 /tmp/cis-speed.$$) KiB (GNU time)"
rm -f /tmp/cis-speed.$$
