#!/usr/bin/python3
"""tests/version/oracle.py SCHEME - a Python reference implementation as a
differential-test oracle: reads "A<TAB>B" lines on stdin, prints -1, 0, 1 or
"error" (the reference rejects a version) per line. Test-time only.

  rpm     python3-rpm: rpm.ver() splits [E:]V[-R], rpm.labelCompare() orders
  pep440  python3-packaging: packaging.version.Version
  dpkg-apt  python3-apt: apt_pkg.version_compare (no validation)

Must run under Debian's /usr/bin/python3, where these modules live."""
import sys


def main():
    scheme = sys.argv[1]
    if scheme == "rpm":
        import rpm

        def key(s):
            if not s:
                raise ValueError("empty")
            v = rpm.ver(s)
            return (v.e, v.v, v.r)

        def cmp(a, b):
            return rpm.labelCompare(a, b)
    elif scheme == "pep440":
        from packaging.version import Version
        key = Version

        def cmp(a, b):
            return (a > b) - (a < b)
    elif scheme == "dpkg-apt":
        import apt_pkg
        apt_pkg.init_system()

        def key(s):
            return s

        def cmp(a, b):
            return apt_pkg.version_compare(a, b)
    else:
        sys.exit(f"oracle.py: unknown scheme '{scheme}'")
    cache = {}
    out = []
    stdin = open(sys.stdin.fileno(), "r", encoding="utf-8", errors="surrogateescape",
                 newline="\n")
    for line in stdin:
        a, _, b = line.rstrip("\n").partition("\t")
        try:
            ka = cache[a] if a in cache else cache.setdefault(a, key(a))
            kb = cache[b] if b in cache else cache.setdefault(b, key(b))
            r = cmp(ka, kb)
            out.append("-1" if r < 0 else "1" if r > 0 else "0")
        except Exception:
            out.append("error")
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))


main()
