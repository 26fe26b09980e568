#!/usr/bin/python3
"""tests/version/gen_corpus.py - (re)generates the differential test corpora
in tests/data/version/ (gzip, one "A<TAB>B" pair per line).

Run by hand on a Debian 12 machine (needs apt, installed packages'
changelogs, npm with registry access, python3-yaml), then commit the output:

    /usr/bin/python3 tests/version/gen_corpus.py [DATA_DIR]

DATA_DIR defaults to ../shared/data (the real advisories). The output is
deterministic for a given input (fixed random seed). The expected answers
are NOT stored: the tests ask the reference implementations at test time.
"""
import glob
import gzip
import io
import json
import os
import random
import re
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "..", "shared", "data")
if not os.path.isdir(DATA):
    DATA = "/work/shared/data"
OUT = os.path.join(ROOT, "tests", "data", "version")
rng = random.Random(20261126)

NPM_PACKAGES = ["react", "lodash", "typescript", "express", "webpack", "@angular/core", "next",
                "vue", "eslint", "semver", "node-sass", "electron", "jquery", "moment", "axios",
                "@babel/core", "rxjs", "prettier", "ws", "minimist"]


def write(name, pairs):
    seen = set()
    raw = gzip.GzipFile(os.path.join(OUT, name + ".gz"), "wb", 9, mtime=0)
    with io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as f:
        for a, b in pairs:
            if "\t" in a or "\t" in b or "\n" in a or "\n" in b or (a, b) in seen:
                continue
            seen.add((a, b))
            f.write(f"{a}\t{b}\n")
    print(f"{name}: {len(seen)} pairs", file=sys.stderr)


def history_pairs(histories, budget, k=1):
    """Adjacent and random pairs within each version history, both orders."""
    pairs = []
    for vs in histories:
        vs = [v for v in dict.fromkeys(vs)]
        for i in range(len(vs) - 1):
            a, b = vs[i], vs[i + 1]
            pairs.append((a, b) if rng.random() < 0.5 else (b, a))
        for _ in range(len(vs) * k):
            if len(vs) > 1:
                a, b = rng.sample(vs, 2)
                pairs.append((a, b))
        if vs:
            pairs.append((vs[0], vs[0]))
    rng.shuffle(pairs)
    return pairs[:budget]


def sorted_neighbours(versions, n):
    """Pairs of versions that are close in byte order (long common prefix)."""
    vs = sorted(set(versions))
    pairs = [(vs[i], vs[i + 1]) for i in range(len(vs) - 1)]
    rng.shuffle(pairs)
    return pairs[:n]


def mutate(v, alphabet, tokens):
    """A variant of v: change, insert or delete a character or token."""
    s = list(v)
    for _ in range(rng.randint(1, 3)):
        op = rng.random()
        i = rng.randint(0, len(s))
        if op < 0.35 and s:
            s[min(i, len(s) - 1)] = rng.choice(alphabet)
        elif op < 0.7:
            s[i:i] = list(rng.choice(tokens))
        elif s:
            del s[min(i, len(s) - 1)]
    return "".join(s)


def edge_pairs(seeds, alphabet, tokens, n):
    pairs = []
    for _ in range(n):
        base = rng.choice(seeds)
        a = mutate(base, alphabet, tokens) if rng.random() < 0.8 else base
        b = mutate(base, alphabet, tokens) if rng.random() < 0.8 else base
        pairs.append((a, b))
    return pairs


# --- Debian: installed packages' changelogs (real per-package histories),
# the archive's package lists, and Ubuntu/Debian advisories.
def debian_histories():
    hist = []
    head = re.compile(r"^(\S+) \(([^)\s]+)\) ")
    for path in sorted(glob.glob("/usr/share/doc/*/changelog.Debian.gz")):
        vs = []
        try:
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
                for line in f:
                    m = head.match(line)
                    if m:
                        vs.append(m.group(2))
        except OSError:
            continue
        if vs:
            hist.append(vs)
    return hist


def dumpavail_versions():
    out = subprocess.run(["apt-cache", "dumpavail"], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r"^Version: (\S+)$", out, re.M)


def osv_fixture_versions(ecosystem_prefixes):
    vs = []
    for path in glob.glob(os.path.join(DATA, "fixtures", "**", "*.json"), recursive=True):
        try:
            doc = json.load(open(path))
        except (ValueError, OSError):
            continue
        docs = doc if isinstance(doc, list) else [doc]
        for d in docs:
            if not isinstance(d, dict):
                continue
            for aff in d.get("affected", []) or []:
                eco = (aff.get("package") or {}).get("ecosystem", "")
                if not any(eco.startswith(p) for p in ecosystem_prefixes):
                    continue
                vs += [v for v in aff.get("versions", []) or [] if isinstance(v, str)]
                for r in aff.get("ranges", []) or []:
                    for e in r.get("events", []) or []:
                        vs += [v for v in e.values() if isinstance(v, str) and v != "0"]
    return vs


def osv_dir_histories(pattern, loader):
    hist = {}
    for path in sorted(glob.glob(pattern)):
        try:
            doc = loader(path)
        except Exception:
            continue
        for aff in doc.get("affected", []) or []:
            name = (aff.get("package") or {}).get("name", "")
            vs = hist.setdefault(name, [])
            vs += [str(v) for v in aff.get("versions", []) or []]
            for r in aff.get("ranges", []) or []:
                if r.get("type") == "GIT":
                    continue
                for e in r.get("events", []) or []:
                    vs += [str(v) for v in e.values() if str(v) not in ("0", "*")]
    return [v for v in hist.values() if v]


def npm_histories():
    hist = []
    for p in NPM_PACKAGES:
        try:
            out = subprocess.run(["npm", "view", p, "versions", "--json"], capture_output=True,
                                 text=True, check=True, timeout=120).stdout
            hist.append(json.loads(out))
        except (subprocess.SubprocessError, ValueError) as e:
            print(f"npm view {p}: {e}", file=sys.stderr)
    return hist


def go_corpus():
    """Go: module versions from the Go vulndb (SEMVER ranges, given without
    the 'v') and from the go.sum/go.mod files of Debian's Go packages."""
    hist = osv_dir_histories(os.path.join(DATA, "osv", "go", "*.json"),
                             lambda p: json.load(open(p)))
    hist = [["v" + v for v in h] for h in hist]
    mods = {}
    files = glob.glob("/usr/share/go-*/src/**/go.sum", recursive=True)
    files += glob.glob("/usr/share/gocode/src/**/go.mod", recursive=True)
    for path in files:
        for line in open(path, errors="replace"):
            m = re.match(r"^\s*(?:require\s+)?(\S+)\s+(v\S+?)(?:/go\.mod)?(?:\s|$)", line)
            if m:
                mods.setdefault(m.group(1), []).append(m.group(2))
    hist += list(mods.values())
    go_all = [v for h in hist for v in h]
    go_alpha = list("0123456789.-+vxaZ")
    go_tokens = ["-alpha", "-beta.1", "-rc.1", "-0", "-00", "-01", ".0", "+incompatible",
                 "+build.01", "-0.20200101000000-abcdef123456", "18446744073709551616",
                 "99999999999999999999999", "v", "-", ".", "+", "--", "V"]
    write("go.tsv", history_pairs(hist, 30000, 3) + sorted_neighbours(go_all, 5000) +
          [(a, b) for a, b in [("v1", "v1.0.0"), ("v1.2", "v1.2.0"), ("v1", "v1.0.0-rc1"),
                               ("v1.2-pre", "v1.2.0"), ("v1.2+meta", "v1.2.0")]] +
          edge_pairs(rng.sample(go_all, 1000), go_alpha, go_tokens, 8000))


def real_strings():
    """Real version strings of all kinds, for schemes with no data of their
    own here: the PyPA and SemVer advisories and npm."""
    py = [v for h in osv_dir_histories(os.path.join(DATA, "osv", "pypi", "*", "*.yaml"),
                                       lambda p: yaml.safe_load(open(p))) for v in h]
    rs = [v for h in osv_dir_histories(os.path.join(DATA, "osv", "rustsec", "*.json"),
                                       lambda p: json.load(open(p))) for v in h]
    return py, rs


def rubygems_corpus():
    """RubyGems: versions and requirement versions of the gemspecs Debian
    ships, plus real PyPI/RustSec strings (many are valid gem versions)."""
    gem = []
    for path in glob.glob("/usr/share/rubygems-integration/**/*.gemspec", recursive=True) + \
            glob.glob("/usr/lib/ruby/gems/*/specifications/**/*.gemspec", recursive=True):
        text = open(path, errors="replace").read()
        gem += re.findall(r'version = "([^"]+)"', text)
        gem += re.findall(r'"[<>=~!]+ ([^"]+)"', text)
    py, rs = real_strings()
    seeds = gem + rng.sample(py, 3000) + rng.sample(rs, 1000)
    alpha = list("0123456789.-abzAZ") + [" ", "\t", "_"]
    tokens = [".pre", ".rc1", "-1", "-", ".a", ".0", "0", "00", ".beta.2", "-alpha-1",
              "18446744073709551616", "99999999999999999999999", " ", ".", "..", "a", "B"]
    write("rubygems.tsv", sorted_neighbours(seeds, 6000) + history_pairs([py[:4000]], 6000) +
          edge_pairs(seeds, alpha, tokens, 12000))


def maven_corpus():
    """Maven: <version> values of the POMs in Debian's /usr/share/maven-repo,
    versions in the jar names of /usr/share/java, real PyPI/RustSec strings,
    and mutations with Maven's qualifiers (ASCII only: kensa refuses
    non-ASCII Maven versions, see docs/ecosystems.md)."""
    mvn = []
    for path in glob.glob("/usr/share/maven-repo/**/*.pom", recursive=True):
        mvn += re.findall(r"<version>\s*([^<$\s]+)\s*</version>", open(path, errors="replace").read())
    for name in os.listdir("/usr/share/java"):
        m = re.match(r"^[A-Za-z][\w.-]*?-(\d[\w.-]*)\.jar$", name)
        if m:
            mvn.append(m.group(1))
    py, rs = real_strings()
    seeds = [v for v in mvn + rng.sample(py, 3000) + rng.sample(rs, 1000) if v.isascii()]
    alpha = list("0123456789.-aAbmxZ_")
    tokens = ["-alpha", "-beta-1", "-SNAPSHOT", ".RELEASE", ".Final", "-ga", "-cr1", "-rc.2", "m3",
              "a1", "b2", "-sp", "-sp1", ".0", "-0", "..", "--", ".-", "-.", "0", "00",
              "18446744073709551616", "99999999999999999999999", "1234567890", ".x", "-x1"]
    write("maven.tsv", sorted_neighbours(seeds, 6000) + history_pairs([mvn], 6000, 3) +
          edge_pairs(seeds, alpha, tokens, 14000))


def main():
    os.makedirs(OUT, exist_ok=True)
    only = os.environ.get("GEN_ONLY")
    if only:
        for name in only.split(","):
            globals()[name + "_corpus"]()
        return
    go_corpus()
    rubygems_corpus()
    maven_corpus()
    deb_hist = debian_histories()
    avail = dumpavail_versions()
    deb_all = [v for h in deb_hist for v in h] + avail + osv_fixture_versions(["Debian", "Ubuntu"])

    # dpkg: >= 100k real pairs, most from one package's history.
    dpkg_alpha = list("0123456789.-+~:abcz ") + ["", "A"]
    dpkg_tokens = ["~", "~~", "~rc1", "+dfsg", "-1", ":", "1:", "0:", "00", "-", ".", "+",
                   "18446744073709551616", "99999999999999999999999", "2147483648:",
                   "2147483647:", "-1:", "a", "+b1", "~bpo12+1", " ", "!", "_", "é"]
    seeds = rng.sample(deb_all, 3000)
    write("dpkg.tsv", history_pairs(deb_hist, 110000, 6) + sorted_neighbours(deb_all, 15000) +
          edge_pairs(seeds, dpkg_alpha, dpkg_tokens, 8000))

    # rpm: Amazon/Red Hat style labels from the fixtures, real Debian strings
    # (rpmvercmp orders any string), and edge cases with ~ and ^.
    rpm_real = osv_fixture_versions(["Red Hat", "AlmaLinux", "Rocky", "SUSE", "openSUSE",
                                     "Amazon", "Mageia", "Photon", "openEuler", "Azure"])
    for line in open(os.path.join(DATA, "rpmdb", "bdb", "expected.tsv")):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 4:
            rpm_real.append(f"{f[2]}-{f[3]}" if f[1] == "(none)" else f"{f[1]}:{f[2]}-{f[3]}")
    rpm_alpha = list("0123456789.-+~^:_abcz") + ["A", "é"]
    rpm_tokens = ["~", "^", "~~", "^post1", "~rc1", ".el9", ".el9_2", ".fc39", "-1", ":", "1:",
                  "00", "18446744073709551616", "99999999999999999999999", "git", "+", "_", "."]
    rpm_seeds = rpm_real + rng.sample(deb_all, 2000)
    write("rpm.tsv", history_pairs(deb_hist, 30000) + sorted_neighbours(rpm_real, 2000) +
          edge_pairs(rpm_seeds, rpm_alpha, rpm_tokens, 10000))

    # PEP 440: every version in the PyPA advisories, per package.
    py_hist = osv_dir_histories(os.path.join(DATA, "osv", "pypi", "*", "*.yaml"),
                                lambda p: yaml.safe_load(open(p)))
    py_all = [v for h in py_hist for v in h]
    py_alpha = list("0123456789.-_+!abcrvpostdevl ") + ["A", "V", "é", "\x1f"]
    py_tokens = ["a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "post", "rev", "r",
                 "dev", ".dev", "-dev", "_post", ".post", "-1", "+local", "+ubuntu.1", "+a-b_c",
                 "1!", "0!", "v", "V", "00", ".0", "18446744073709551616",
                 "99999999999999999999999", "-", "_", ".", " ", "\t", "\u00a0", "+", "!"]
    write("pep440.tsv", history_pairs(py_hist, 40000) + sorted_neighbours(py_all, 5000) +
          edge_pairs(rng.sample(py_all, 2000), py_alpha, py_tokens, 15000))

    # SemVer (npm): popular packages' published versions, RustSec and Go
    # advisories (SEMVER ranges), edge cases around npm's own limits.
    sv_hist = npm_histories()
    sv_hist += osv_dir_histories(os.path.join(DATA, "osv", "rustsec", "*.json"),
                                 lambda p: json.load(open(p)))
    sv_hist += osv_dir_histories(os.path.join(DATA, "osv", "go", "*.json"),
                                 lambda p: json.load(open(p)))
    sv_all = [v for h in sv_hist for v in h]
    sv_alpha = list("0123456789.-+vxaZ") + [" ", "=", "é"]
    sv_tokens = ["-alpha", "-beta.1", "-rc.1", "-0", "-00", "-01", ".0", "+build.5", "+001",
                 "-x.7.z.92", "9007199254740991", "9007199254740992", "9007199254740993",
                 "18446744073709551616", "99999999999999999999999", "v", "=", " ", "\u00a0",
                 "\ufeff", "-", ".", "+", "--", "-a-b", "x" * 40, "1.2.3-" + "a" * 245]
    write("semver.tsv", history_pairs(sv_hist, 40000) + sorted_neighbours(sv_all, 5000) +
          edge_pairs(rng.sample(sv_all, 2000), sv_alpha, sv_tokens, 15000))



def pypa_ranges():
    """The PyPA advisories' PyPI `affected` entries, reduced to what range
    evaluation needs: one JSON object per line {id, ranges, versions}."""
    out = []
    for path in sorted(glob.glob(os.path.join(DATA, "osv", "pypi", "*", "*.yaml"))):
        doc = yaml.safe_load(open(path))
        for aff in doc.get("affected", []) or []:
            if (aff.get("package") or {}).get("ecosystem") != "PyPI":
                continue
            ranges = []
            for r in aff.get("ranges", []) or []:
                ranges.append({"type": r.get("type"),
                               "events": [[k, str(v)] for e in r.get("events", []) or []
                                          for k, v in e.items()]})
            out.append({"id": doc.get("id"), "package": aff["package"].get("name"),
                        "ranges": ranges,
                        "versions": [str(v) for v in aff.get("versions", []) or []]})
    with open(os.path.join(OUT, "pypa-affected.jsonl"), "w", encoding="utf-8") as f:
        for o in out:
            f.write(json.dumps(o, separators=(",", ":"), ensure_ascii=False) + "\n")
    print(f"pypa-affected.jsonl: {len(out)} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
    if not os.environ.get("GEN_ONLY"):
        pypa_ranges()
