#!/usr/bin/env python3
"""tests/pkg/differential.py TOOL LANG_DUMP SRCDIR - compares what the
kensa language collectors find with what each ecosystem's own tool reports
on the same files. Fails (never skips) when the tool is missing.

  npm       `npm ls --all --json` vs node_modules/**/package.json + package-lock.json
  go        `go version -m` vs the Go build info collector (fixture binary)
  pip       `python3 -m pip inspect --path` vs *.dist-info / *.egg-info
  composer  `composer show --locked -f json` vs composer.lock

Every known, explained difference is listed in bench/README.md."""
import json
import os
import shutil
import subprocess
import sys


def need(tool):
    if not shutil.which(tool):
        sys.exit(f"differential test needs '{tool}' (see .ci/packages); not found")


def kensa(lang_dump, root):
    out = subprocess.run([lang_dump, root], capture_output=True, text=True)
    if out.returncode not in (0,):
        sys.exit(f"lang_dump failed ({out.returncode}): {out.stdout}{out.stderr}")
    comps = []
    for line in out.stdout.splitlines():
        rec = json.loads(line)
        if "name" in rec:
            comps.append(rec)
    return comps


def compare(what, ours, theirs):
    missing = theirs - ours
    extra = ours - theirs
    print(f"{what}: kensa {len(ours)}, tool {len(theirs)}, common {len(ours & theirs)}")
    if missing or extra:
        for m in sorted(missing):
            print(f"  only the tool: {m}")
        for e in sorted(extra):
            print(f"  only kensa:    {e}")
        sys.exit(f"{what}: results differ")


def npm(lang_dump, src):
    need("npm")
    root = os.path.join(src, "tests/data/pkg/npm/v3")
    out = subprocess.run(["npm", "ls", "--all", "--json"], cwd=root, capture_output=True,
                         text=True, env=dict(os.environ, npm_config_update_notifier="false"))
    tree = json.loads(out.stdout)
    theirs = set()

    def walk(deps):
        for name, d in (deps or {}).items():
            if "version" in d:
                theirs.add((name, d["version"]))
            walk(d.get("dependencies"))

    walk(tree.get("dependencies"))
    comps = kensa(lang_dump, root)
    installed = {(c["name"], c["version"]) for c in comps if "/node_modules/" in c["path"]}
    locked = {(c["name"], c["version"]) for c in comps if c["path"] == "/package-lock.json"}
    compare("npm node_modules", installed, theirs)
    compare("npm package-lock.json", locked, theirs)
    # Direct dependencies: npm ls' top level.
    direct = {(c["name"], c["version"]) for c in comps
              if c["path"] == "/package-lock.json" and c["direct"] == 1}
    top = {(n, d["version"]) for n, d in tree["dependencies"].items()}
    compare("npm direct", direct, top)


def go(lang_dump, src):
    need("go")
    fixtures = os.environ.get("KENSA_FIXTURES") or os.path.join(src, ".fixtures")
    subprocess.run([os.path.join(src, "tests/fixtures/go-binary.sh")], check=True,
                   env=dict(os.environ, KENSA_FIXTURES=fixtures))
    root = os.path.join(fixtures, "go-binary")
    binary = os.path.join(root, "kensa-go-fixture")
    out = subprocess.run(["go", "version", "-m", binary], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    theirs = set()
    gover = out[0].split(": ", 1)[1].strip()
    theirs.add(("stdlib", "v" + gover[2:]))
    last = None
    for line in out[1:]:
        f = line.strip().split("\t")
        if f[0] == "dep":
            last = (f[1], f[2])
            theirs.add(last)
        elif f[0] == "=>":
            theirs.discard(last)
            # A directory replacement is local code: kensa leaves it out.
            if not f[1].startswith((".", "/")):
                theirs.add((f[1], f[2]))
        elif f[0] == "mod":
            theirs.add((f[1], None if f[2] == "(devel)" else f[2]))
    comps = kensa(lang_dump, root)
    ours = {(c["name"], c.get("version")) for c in comps}
    compare("go version -m", ours, theirs)


def pip(lang_dump, src):
    root = os.path.join(src, "tests/data/pkg/python/site")
    out = subprocess.run(["/usr/bin/python3", "-m", "pip", "inspect", "--path", root],
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"'pip inspect' failed (install python3-pip): {out.stderr.strip()}")
    theirs = {(i["metadata"]["name"], i["metadata"]["version"])
              for i in json.loads(out.stdout)["installed"]}
    ours = {(c["name"], c["version"]) for c in kensa(lang_dump, root)}
    compare("pip inspect", ours, theirs)


def composer(lang_dump, src):
    need("composer")
    root = os.path.join(src, "tests/data/pkg/php/project")
    out = subprocess.run(["composer", "show", "--locked", "-f", "json", "--no-plugins",
                          "--no-interaction"], cwd=root, capture_output=True, text=True,
                         env=dict(os.environ, COMPOSER_ALLOW_SUPERUSER="1",
                                  COMPOSER_HOME=os.environ.get("TMPDIR", "/tmp") + "/kensa-composer"))
    if out.returncode:
        sys.exit(f"'composer show' failed: {out.stderr.strip()}")
    locked = json.loads(out.stdout)["locked"]
    theirs = {(p["name"], p["version"]) for p in locked}
    comps = [c for c in kensa(lang_dump, root) if c["path"] == "/composer.lock"]
    compare("composer show --locked", {(c["name"], c["version"]) for c in comps}, theirs)
    # composer.lock does not say which packages are direct (composer.json
    # does), so kensa reports them as unknown: nothing to compare there.


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    {"npm": npm, "go": go, "pip": pip, "composer": composer}[sys.argv[1]](sys.argv[2], sys.argv[3])
