#!/usr/bin/env python3
"""Raw-socket HTTP client for framing tests: send exact bytes, report replies.

    rawhttp.py [options] PORT PAYLOAD [PAYLOAD...]

Each PAYLOAD is sent as given after backslash escapes are decoded
('\\r\\n', '\\x00', '\\t'). When several are given, one reply is read after
each but the last. After the last, replies are read until the server closes
the connection or sends nothing for --timeout seconds.

Output, one line per reply: its status code ("200"), or with --bodies
"200 <body>". Then a last line: "closed" if the server closed the
connection (EOF or reset), "open" otherwise. With --time, a line
"time 1.23" (seconds from connecting to the end) comes before it.

Options:
  --slow N,SECS   send the last payload N bytes at a time, SECS apart; stop
                  sending early if the server answers or closes meanwhile
  --repeat N      send the last payload N times in one write (pipelining)
  --timeout SECS  quiet time that ends the wait (default 2)
  --bodies        print each reply's body after its status
  --headers       print each reply's header block (CRLF shown as lines)
  --half-close    shut the write side down after sending
"""
import argparse
import codecs
import select
import socket
import sys
import time


def decode(s):
    return codecs.escape_decode(s.encode("latin-1"))[0]


class Reader:
    """Reads HTTP/1.1 replies framed by Content-Length off a socket."""

    def __init__(self, sock, timeout):
        self.sock = sock
        self.timeout = timeout
        self.buf = b""
        self.closed = False

    def fill(self):
        if self.closed:
            return False
        r, _, _ = select.select([self.sock], [], [], self.timeout)
        if not r:
            return False
        try:
            data = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            data = b""
        if not data:
            self.closed = True
            return False
        self.buf += data
        return True

    def reply(self):
        """One reply as (status, header_text, body), or None."""
        while b"\r\n\r\n" not in self.buf:
            if not self.fill():
                return None
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        try:
            status = int(lines[0].split(" ")[1])
        except (IndexError, ValueError):
            return (0, head.decode("latin-1"), b"")
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if status < 200 or status in (204, 304):
            length = 0
        while len(self.buf) < length:
            if not self.fill():
                break
        body, self.buf = self.buf[:length], self.buf[length:]
        return (status, "\n".join(lines), body)


def show(rep, args):
    status, head, body = rep
    if args.headers:
        print(head)
    if args.bodies:
        print(status, body.decode("utf-8", "replace"))
    else:
        print(status)


def send_slow(sock, reader, data, n, pause):
    for i in range(0, len(data), n):
        try:
            sock.sendall(data[i:i + n])
        except (BrokenPipeError, ConnectionResetError):
            return
        r, _, _ = select.select([sock], [], [], pause)
        if r:
            return          # the server answered or closed: stop sending


def main():
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("port", type=int)
    ap.add_argument("payloads", nargs="+")
    ap.add_argument("--slow")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--bodies", action="store_true")
    ap.add_argument("--headers", action="store_true")
    ap.add_argument("--half-close", action="store_true")
    ap.add_argument("--time", action="store_true")
    ap.add_argument("--host", default="127.0.0.1")
    args = ap.parse_args()

    start = time.monotonic()
    sock = socket.create_connection((args.host, args.port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = Reader(sock, args.timeout)
    payloads = [decode(p) for p in args.payloads]
    for p in payloads[:-1]:
        sock.sendall(p)
        rep = reader.reply()
        if rep is None:
            break
        show(rep, args)
    else:
        last = payloads[-1] * args.repeat
        if args.slow:
            n, pause = args.slow.split(",")
            send_slow(sock, reader, last, int(n), float(pause))
        else:
            try:
                sock.sendall(last)
            except (BrokenPipeError, ConnectionResetError):
                pass
        if args.half_close:
            sock.shutdown(socket.SHUT_WR)
        while True:
            rep = reader.reply()
            if rep is None:
                break
            show(rep, args)
    if args.time:
        print("time %.2f" % (time.monotonic() - start))
    print("closed" if reader.closed else "open")
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
