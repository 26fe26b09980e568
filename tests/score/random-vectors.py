#!/usr/bin/env python3
"""tests/score/random-vectors.py SEED COUNT - COUNT random valid CVSS vectors
per version (2.0, 3.0, 3.1, 4.0), deterministic for a SEED, one per line, for
the differential test against the reference calculators. Every base metric
is drawn uniformly; a third of the vectors also carry temporal/threat and
environmental metrics (in specification order), so that v4.0's non-base
scoring paths are exercised too."""
import random
import sys

V2_BASE = [("AV", "LAN"), ("AC", "HML"), ("Au", "MSN"), ("C", "NPC"), ("I", "NPC"), ("A", "NPC")]
V2_MORE = [("E", ["U", "POC", "F", "H", "ND"]), ("RL", ["OF", "TF", "W", "U", "ND"]),
           ("RC", ["UC", "UR", "C", "ND"]), ("CDP", ["N", "L", "LM", "MH", "H", "ND"]),
           ("TD", ["N", "L", "M", "H", "ND"]), ("CR", ["L", "M", "H", "ND"]),
           ("IR", ["L", "M", "H", "ND"]), ("AR", ["L", "M", "H", "ND"])]
V3_BASE = [("AV", "NALP"), ("AC", "LH"), ("PR", "NLH"), ("UI", "NR"), ("S", "UC"),
           ("C", "HLN"), ("I", "HLN"), ("A", "HLN")]
V3_MORE = [("E", "XUPFH"), ("RL", "XOTWU"), ("RC", "XURC"), ("CR", "XLMH"), ("IR", "XLMH"),
           ("AR", "XLMH"), ("MAV", "XNALP"), ("MAC", "XLH"), ("MPR", "XNLH"), ("MUI", "XNR"),
           ("MS", "XUC"), ("MC", "XNLH"), ("MI", "XNLH"), ("MA", "XNLH")]
V4_BASE = [("AV", "NALP"), ("AC", "LH"), ("AT", "NP"), ("PR", "NLH"), ("UI", "NPA"),
           ("VC", "HLN"), ("VI", "HLN"), ("VA", "HLN"), ("SC", "HLN"), ("SI", "HLN"),
           ("SA", "HLN")]
V4_MORE = [("E", "XAPU"), ("CR", "XHML"), ("IR", "XHML"), ("AR", "XHML"), ("MAV", "XNALP"),
           ("MAC", "XLH"), ("MAT", "XNP"), ("MPR", "XNLH"), ("MUI", "XNPA"), ("MVC", "XHLN"),
           ("MVI", "XHLN"), ("MVA", "XHLN"), ("MSC", "XHLN"), ("MSI", "XSHLN"),
           ("MSA", "XSHLN")]


def draw(rng, base, more, prefix):
    parts = [f"{m}:{rng.choice(list(vals))}" for m, vals in base]
    if rng.random() < 1 / 3:
        for m, vals in more:
            if rng.random() < 0.5:
                parts.append(f"{m}:{rng.choice(list(vals))}")
    return prefix + "/".join(parts)


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        out.append(draw(rng, V2_BASE, V2_MORE, ""))
        out.append(draw(rng, V3_BASE, V3_MORE, "CVSS:3.0/"))
        out.append(draw(rng, V3_BASE, V3_MORE, "CVSS:3.1/"))
        out.append(draw(rng, V4_BASE, V4_MORE, "CVSS:4.0/"))
    sys.stdout.write("\n".join(out) + "\n")


main()
