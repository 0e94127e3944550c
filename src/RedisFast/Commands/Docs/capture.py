#!/usr/bin/env python3
"""Captures a real redis-server's COMMAND and COMMAND DOCS replies, raw, in RESP2 and RESP3.

Usage: redis-server --port 7140 --save '' --daemonize yes; python3 capture.py 7140
Writes command-info.resp2, command-info.resp3, command-docs.resp2, command-docs.resp3 next to this script.
"""
import os, socket, sys

def encode(args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out

class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.f = self.sock.makefile("rb")

    def value(self, out):
        line = self.f.readline()
        out.append(line)
        t = line[:1]
        if t in b"$=!":
            n = int(line[1:-2])
            if n >= 0:
                out.append(self.f.read(n + 2))
        elif t in b"*~>":
            for _ in range(max(int(line[1:-2]), 0)):
                self.value(out)
        elif t in b"%|":
            for _ in range(2 * int(line[1:-2]) + (1 if t == b"|" else 0)):
                self.value(out)

    def call(self, *args):
        self.sock.sendall(encode(list(args)))
        out = []
        self.value(out)
        return b"".join(out)

port = int(sys.argv[1])
here = os.path.dirname(os.path.abspath(__file__))
for proto in ("2", "3"):
    c = Conn(port)
    c.call("HELLO", proto)
    version = c.call("INFO", "server")
    assert b"redis_version:7.0.15" in version, "capture from redis-server 7.0.15"
    with open(os.path.join(here, "command-info.resp" + proto), "wb") as f:
        f.write(c.call("COMMAND"))
    with open(os.path.join(here, "command-docs.resp" + proto), "wb") as f:
        f.write(c.call("COMMAND", "DOCS"))
