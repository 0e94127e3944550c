#!/usr/bin/env python3
"""How long one write to a big collection takes while a BGREWRITEAOF runs (the copy-on-write cost on the loop).

Usage: perf/cow-pause.py PORT TYPE COUNT [first|last]
  TYPE   hash, zset, set or list: the collection "big" gets COUNT elements
  first  "big" is created before 200,000 small keys, so the rewriter reaches it at once and is emitting it when the
         write comes (RedisFast: the loop copies the whole collection for itself)
  last   "big" is created after them, so the write comes before the rewriter reaches it (default)
Needs a server with appendonly yes on 127.0.0.1:PORT (RedisFast or redis-server, to compare). FLUSHALLs it.
Per trial: BGREWRITEAOF, 5 ms later one write to "big", and its round trip; then waits for the rewrite to end.
"""
import socket
import sys
import time

port, kind, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
placement = sys.argv[4] if len(sys.argv) > 4 else "last"
conn = socket.create_connection(("127.0.0.1", port))
replies = conn.makefile("rb")


def send(*args):
    parts = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    conn.sendall(b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts))


def reply():
    line = replies.readline()
    if line[:1] == b"$" and int(line[1:]) >= 0:
        return replies.read(int(line[1:]) + 2)[:-2]
    if line[:1] == b"*":
        return [reply() for _ in range(int(line[1:]))]
    return line.strip()


def call(*args):
    send(*args)
    return reply()


ADD = {"hash": lambda i: ("HSET", "big", "field:%d" % i, "v"),
       "zset": lambda i: ("ZADD", "big", i, "member:%d" % i),
       "set": lambda i: ("SADD", "big", "member:%d" % i),
       "list": lambda i: ("RPUSH", "big", "item:%d" % i)}[kind]


def fill_big():
    for start in range(0, count, 1000):
        args = [ADD(i) for i in range(start, min(count, start + 1000))]
        call(*args[0][:2], *[a for one in args for a in one[2:]])


def fill_small():
    for start in range(0, 200_000, 1000):
        call("MSET", *[a for i in range(start, start + 1000) for a in ("k:%d" % i, "v")])


call("FLUSHALL")
if placement == "first":
    fill_big()
    fill_small()
else:
    fill_small()
    fill_big()
for trial in range(3):
    time.sleep(0.5)
    started = time.perf_counter()
    call("PING")
    ping = time.perf_counter() - started
    call("BGREWRITEAOF")
    time.sleep(0.005)
    started = time.perf_counter()
    call(*ADD(count + trial))
    took = time.perf_counter() - started
    print("%s %d (%s): write during the rewrite %.1f ms (PING before it %.2f ms)" % (kind, count, placement, took * 1000, ping * 1000))
    while b"aof_rewrite_in_progress:0" not in call("INFO", "persistence"):
        time.sleep(0.05)
