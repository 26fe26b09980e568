#!/usr/bin/env python3
"""Real listeners for tests/net/netns.sh: accepts and closes TCP connections,
echoes UDP datagrams (so a scanner sees an answer). Usage:
    listeners.py READY_FILE tcp:ADDR:PORT ... udp:ADDR:PORT ...
Writes READY_FILE once every socket is bound."""
import select
import socket
import sys

socks = []
for spec in sys.argv[2:]:
    proto, rest = spec.split(":", 1)
    addr, port = rest.rsplit(":", 1)
    addr = addr.strip("[]")
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, int(port)))
    if proto == "tcp":
        s.listen(64)
    socks.append((proto, s))
open(sys.argv[1], "w").close()
while True:
    ready, _, _ = select.select([s for _, s in socks], [], [])
    for s in ready:
        if s.type == socket.SOCK_STREAM:
            try:
                c, _ = s.accept()
                c.close()
            except OSError:
                pass
        else:
            try:
                data, peer = s.recvfrom(65536)
                s.sendto(data or b"\0", peer)
            except OSError:
                pass
