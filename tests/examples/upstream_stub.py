#!/usr/bin/env python3
"""A stand-in upstream for the reverse-proxy tests: what rcd cannot show.

usage: upstream_stub.py PORTFILE

Listens on a free 127.0.0.1 port and writes it to PORTFILE. A request
with "Upgrade: websocket" and "Connection: upgrade" gets 101 Switching
Protocols and then every byte sent is echoed back, as a websocket tunnel
would carry it; any other request gets 200 and a JSON object of the
request line and the headers the proxy sent. Runs until killed.
"""
import json
import os
import socketserver
import sys


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline().decode("latin-1").rstrip("\r\n")
        headers = {}
        while True:
            h = self.rfile.readline().decode("latin-1").rstrip("\r\n")
            if not h:
                break
            k, _, v = h.partition(":")
            headers[k.strip().lower()] = v.strip()
        conn = [t.strip().lower() for t in headers.get("connection", "").split(",")]
        if headers.get("upgrade", "").lower() == "websocket" and "upgrade" in conn:
            self.wfile.write(b"HTTP/1.1 101 Switching Protocols\r\n"
                             b"Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
            self.wfile.flush()
            while True:
                data = self.request.recv(4096)
                if not data:
                    return
                self.request.sendall(data)
        n = int(headers.get("content-length", "0") or 0)
        if n:
            self.rfile.read(n)
        body = json.dumps({"request": line, "headers": headers}).encode()
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)
                         + body)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    srv.serve_forever()


if __name__ == "__main__":
    main()
