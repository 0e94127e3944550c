#!/usr/bin/env python3
"""The longest round trip of a write that makes a collection grow: SET of new keys (the keyspace), HSET of new fields
(one hash) or LPUSH (one list), 20 of them one by one around COUNT elements, after filling to COUNT - 10 with
pipelined writes. Or, with `drain`, of an RPOP that shrinks a list: RPUSH COUNT elements, RPOP down to a quarter
of them + 10, then 20 single RPOPs.

Usage: perf/growth-pause.py PORT keys|fields|list|drain COUNT
  COUNT  a power of two shows a doubling (1048576: the keyspace's and a hashtable's buckets, a list's ring at 2^20)
Works against RedisFast or redis-server on 127.0.0.1:PORT (to compare). FLUSHALLs it.
"""
import socket
import sys
import time

port, what, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
conn = socket.create_connection(("127.0.0.1", port))
replies = conn.makefile("rb")


def command(*args):
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def call(*args):
    conn.sendall(command(*args))
    return replies.readline()


def write(i):
    if what == "keys":
        return command(b"SET", b"k:%d" % i, b"v")
    if what == "fields":
        return command(b"HSET", b"h", b"f%d" % i, b"v")
    return command(b"LPUSH", b"l", b"e%d" % i)


def pipeline(commands):
    conn.sendall(b"".join(commands))
    for _ in commands:
        line = replies.readline()
        if line[:1] == b"$" and int(line[1:]) >= 0:
            replies.readline()


call(b"FLUSHALL")
if what == "drain":
    for start in range(0, count, 10000):
        pipeline([command(b"RPUSH", b"l", b"e%d" % i) for i in range(start, min(count, start + 10000))])
    left, target = count, count // 4 + 10
    while left > target:
        n = min(10000, left - target)
        pipeline([command(b"RPOP", b"l")] * n)
        left -= n
    times = []
    for _ in range(20):
        started = time.perf_counter()
        pipeline([command(b"RPOP", b"l")])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print("drain %d: 20 RPOPs around a quarter, max %.1f ms, median %.2f ms" % (count, times[-1], times[10]))
    sys.exit(0)
for start in range(0, count - 10, 10000):
    n = min(10000, count - 10 - start)
    conn.sendall(b"".join(write(i) for i in range(start, start + n)))
    for _ in range(n):
        replies.readline()
times = []
for i in range(count - 10, count + 10):
    started = time.perf_counter()
    conn.sendall(write(i))
    replies.readline()
    times.append((time.perf_counter() - started) * 1000)
times.sort()
print("%s %d: 20 writes around it, max %.1f ms, median %.2f ms" % (what, count, times[-1], times[10]))
