#!/usr/bin/env python3
"""Open a websocket upgrade through a TLS reverse proxy and echo a line.

usage: ws_client.py PORT PATH HOST

Connects to 127.0.0.1:PORT over TLS (no certificate check: the tests'
certificate is self-signed), sends an upgrade request for PATH with Host
HOST, prints the status line, then sends "ping PATH" and prints what comes
back. Exit 0 only when the answer was 101 and the bytes came back.
"""
import socket
import ssl
import sys


def main():
    port, path, host = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    s = ctx.wrap_socket(raw, server_hostname=host)
    s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
               % (path, host)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1)
        if not chunk:
            break
        head += chunk
    status = head.split(b"\r\n", 1)[0].decode("latin-1")
    print(status)
    if " 101 " not in status + " ":
        return 1
    msg = ("ping %s\n" % path).encode()
    s.sendall(msg)
    got = b""
    while len(got) < len(msg):
        chunk = s.recv(4096)
        if not chunk:
            break
        got += chunk
    print(got.decode().rstrip("\n"))
    return 0 if got == msg else 1


if __name__ == "__main__":
    sys.exit(main())
