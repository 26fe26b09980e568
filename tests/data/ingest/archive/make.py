#!/usr/bin/env python3
"""Regenerates the archive fixtures of tests/unit/test_ingest.c (committed;
run by hand: python3 make.py). Deterministic: fixed mtimes, sorted names."""
import gzip, io, subprocess, tarfile, zipfile

MT = 1700000000

def tar_bytes(members):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, kind, data in members:
            ti = tarfile.TarInfo(name)
            ti.mtime = MT
            if kind == "dir":
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                t.addfile(ti)
            elif kind == "sym":
                ti.type, ti.linkname = tarfile.SYMTYPE, data
                t.addfile(ti)
            elif kind == "hard":
                ti.type, ti.linkname = tarfile.LNKTYPE, data
                t.addfile(ti)
            else:
                ti.size, ti.mode = len(data), 0o644
                t.addfile(ti, io.BytesIO(data))
    return b.getvalue()

def zip_bytes(members, method=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, date_time=(2023, 11, 14, 22, 13, 20))
            zi.compress_type = method
            z.writestr(zi, data)
    return b.getvalue()

def write(name, data):
    with open(name, "wb") as f:
        f.write(data)

def compress(cmd, data):
    return subprocess.run(cmd, input=data, stdout=subprocess.PIPE, check=True).stdout

good = tar_bytes([
    ("./", "dir", None),
    ("./etc/", "dir", None),
    ("./etc/os-release", "file", b"ID=debian\nVERSION_ID=\"12\"\n"),
    ("./a//b.txt", "file", b"hello\n"),
    ("./link", "sym", "/etc/os-release"),
    ("./hl", "hard", "./etc/os-release"),
])
write("good.tar", good)
write("good.tar.gz", gzip.compress(good, mtime=0))
write("good.tar.xz", compress(["xz", "-c"], good))
write("good.tar.zst", compress(["zstd", "-q", "-c"], good))

deep = zip_bytes([("deep.txt", b"bottom\n")])
for i in range(6):
    deep = zip_bytes([("level%d.jar" % i, deep)], zipfile.ZIP_STORED)
write("deep.zip", deep)

inner = zip_bytes([("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\r\n"),
                   ("META-INF/maven/g/a/pom.properties", b"groupId=g\nartifactId=a\nversion=1\n")])
write("app.zip", zip_bytes([("lib/", b""), ("lib/inner.jar", inner), ("handler.py", b"print(1)\n")]))

write("slip.zip", zip_bytes([("ok.txt", b"ok"), ("../evil.txt", b"x"), ("/abs.txt", b"x"),
                             ("a\\..\\..\\evil.txt", b"x"), ("z/ok2.txt", b"ok")]))
write("slip.tar", tar_bytes([("../../etc/passwd", "file", b"x"), ("ok", "file", b"ok"),
                             ("/etc/shadow", "file", b"x"), ("h", "hard", "../x")]))

write("bomb.gz", gzip.compress(b"\0" * (64 << 20), compresslevel=9, mtime=0))
write("bomb.tar.zst", compress(["zstd", "-q", "-19", "-c"],
                               tar_bytes([("zeros", "file", b"\0" * (128 << 20)), ("after", "file", b"x")])))
write("hello.xz", compress(["xz", "-c"], b"hello xz\n"))
write("hello.zst", compress(["zstd", "-q", "-c"], b"hello zstd\n"))
write("hello.gz", gzip.compress(b"hello gzip\n", mtime=0))
