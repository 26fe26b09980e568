#!/usr/bin/env python3
"""bench/interleave.py - wall time of commands run round-robin.

Usage: python3 bench/interleave.py ROUNDS 'CMD 1' 'CMD 2' ...

Each round runs every command once, in a random order, so a shared machine's
load weighs on all of them alike: on a busy machine their ratios are what
counts. Two untimed runs of each first (warm page cache). Prints the median,
minimum and first quartile of each command's wall time, the ratio of medians
to the first command, and the load average. Commands are split on spaces and
started with posix_spawn (about 0.3 ms of overhead), output to /dev/null.
"""
import os, random, statistics, sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[2])
    rounds = int(sys.argv[1])
    cmds = [c.split() for c in sys.argv[2:]]
    null = os.open(os.devnull, os.O_WRONLY)
    fa = [(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]

    def run(c):
        t0 = time_ns()
        pid = os.posix_spawnp(c[0], c, os.environ, file_actions=fa)
        _, status = os.waitpid(pid, 0)
        if status:
            sys.exit("failed: %s" % " ".join(c))
        return (time_ns() - t0) / 1e6

    from time import perf_counter_ns as time_ns
    for c in cmds:
        run(c), run(c)
    res = [[] for _ in cmds]
    for _ in range(rounds):
        order = list(range(len(cmds)))
        random.shuffle(order)
        for i in order:
            res[i].append(run(cmds[i]))
    base = statistics.median(res[0])
    for c, r in zip(cmds, res):
        print("%-60s median %8.2f ms  min %8.2f  p25 %8.2f  ratio %.2f" % (
            " ".join(c)[-60:], statistics.median(r), min(r), sorted(r)[len(r) // 4],
            statistics.median(r) / base))
    print("load average:", " ".join(open("/proc/loadavg").read().split()[:3]))


if __name__ == "__main__":
    main()
