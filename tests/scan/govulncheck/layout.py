#!/usr/bin/env python3
"""layout.py SRC DST - lays Go vulndb OSV files out as the database that
Debian's govulncheck 0.0~git20230201 reads with GOVULNDB=file://DST
(golang.org/x/vuln/client of that date, "the legacy protocol"):

  DST/index.json          {module path: last modified}
  DST/<escaped path>.json [entries affecting that module]
  DST/ID/index.json       [all ids]; DST/ID/<id>.json one entry
  DST/aliases.json        {alias: [ids]}

Module paths are escaped as golang.org/x/mod/module.EscapePath does
(an upper-case letter becomes '!' and its lower case)."""
import collections, glob, json, os, sys

src, dst = sys.argv[1], sys.argv[2]
bymod = collections.defaultdict(list)
index, ids, aliases = {}, [], collections.defaultdict(list)
os.makedirs(os.path.join(dst, "ID"), exist_ok=True)
for f in sorted(glob.glob(os.path.join(src, "*.json"))):
    e = json.load(open(f))
    ids.append(e["id"])
    json.dump(e, open(os.path.join(dst, "ID", e["id"] + ".json"), "w"))
    for a in e.get("aliases", []):
        aliases[a].append(e["id"])
    for m in sorted({a["package"]["name"] for a in e.get("affected", [])}):
        bymod[m].append(e)
        index[m] = max(index.get(m, e["modified"]), e["modified"])
for m, es in bymod.items():
    p = os.path.join(dst, "".join("!" + c.lower() if c.isupper() else c for c in m) + ".json")
    os.makedirs(os.path.dirname(p), exist_ok=True)
    json.dump(es, open(p, "w"))
json.dump(index, open(os.path.join(dst, "index.json"), "w"))
json.dump(sorted(ids), open(os.path.join(dst, "ID", "index.json"), "w"))
json.dump(aliases, open(os.path.join(dst, "aliases.json"), "w"))
print(f"{len(ids)} entries, {len(bymod)} modules")
