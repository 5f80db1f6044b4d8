#!/usr/bin/env python3
"""A scripted stand-in for a Rocket.Chat server, for rcctl's tests of what
rcd does not do on purpose: 429 with each kind of wait hint, 503 then 200,
two-factor challenges, lists whose server caps `count`, a server that
ignores `offset`, and incoming-webhook URLs. HTTP/1.1 with keep-alive, and
it counts TCP connections so tests can check that rcctl reuses one.

    mock_rc.py PORTFILE [--tls CERT KEY]
                            # binds 127.0.0.1:0, writes the port to PORTFILE

MOCK_CLOCK_SKEW_S in the environment shifts its Date header (for doctor).

Users: admin / Adm1n-pass (no 2FA), totp / Totp-pass (login needs code
123456). Token of both: "tok-<user>"; user ids "uid-<user>".
"""
import hashlib
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

USERS = {
    "admin": {"password": "Adm1n-pass", "code": None},
    "totp": {"password": "Totp-pass", "code": "123456"},
}
LOCK = threading.Lock()
STATE = {"connections": 0, "hits": {}, "log": []}


def user_doc(name):
    return {
        "_id": "uid-" + name,
        "username": name,
        "name": name.capitalize() + ", the \"Tester\"",
        "roles": ["user", "admin"] if name == "admin" else ["user"],
        "emails": [{"address": name + "@example.com", "verified": True}],
        "active": True,
    }


def items(total):
    return [{"_id": "id%03d" % i, "name": "item %d" % i, "n": i}
            for i in range(total)]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with LOCK:
            STATE["connections"] += 1

    def log_message(self, fmt, *args):
        pass

    def date_time_string(self, timestamp=None):
        skew = float(os.environ.get("MOCK_CLOCK_SKEW_S", "0"))
        return super().date_time_string(time.time() + skew)

    def reply(self, status, obj, headers=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def hit(self, key):
        with LOCK:
            STATE["hits"][key] = STATE["hits"].get(key, 0) + 1
            return STATE["hits"][key]

    def authed(self):
        uid = self.headers.get("X-User-Id")
        tok = self.headers.get("X-Auth-Token")
        for name in USERS:
            if uid == "uid-" + name and tok == "tok-" + name:
                return name
        return None

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        return json.loads(raw) if raw else None

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        path = url.path
        data = self.body() if method != "GET" else None
        with LOCK:
            STATE["log"].append({"method": method, "path": self.path,
                                 "headers": dict(self.headers), "body": data})
        if path == "/debug/state":
            with LOCK:
                return self.reply(200, STATE)
        if path == "/api/info":
            return self.reply(200, {"version": "7.4", "success": True})
        if path == "/api/v1/login" and method == "POST":
            return self.login(data or {})
        if path.startswith("/hooks/"):
            return self.reply(200, {"success": True})
        if path == "/api/v1/ratelimited":
            key = "rl-" + q.get("kind", "retry-after")
            if self.hit(key) == 1:
                kind = q.get("kind", "retry-after")
                hdr = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0"}
                if kind == "retry-after":
                    hdr["Retry-After"] = "1"
                elif kind == "reset":
                    hdr["X-RateLimit-Reset"] = str(int(time.time() * 1000) + 1200)
                text = ("Error, too many requests. Please slow down. You must "
                        "wait 1 seconds before trying this endpoint again. "
                        "[error-too-many-requests]")
                return self.reply(429, {"success": False, "error": text}, hdr)
            return self.reply(200, {"ok": 1, "success": True})
        if path == "/api/v1/always429":
            return self.reply(429, {"success": False, "error": "Too many requests"},
                              {"Retry-After": "0"})
        if path == "/api/v1/flaky":
            if self.hit("flaky") == 1:
                return self.reply(503, {"success": False, "error": "busy"})
            return self.reply(200, {"ok": 1, "success": True})
        if path == "/api/v1/broken":
            return self.reply(500, {"success": False, "error": "Internal server error"})
        user = self.authed()
        if path == "/api/v1/needs2fa" and user:
            code = self.headers.get("X-2FA-Code")
            meth = self.headers.get("X-2FA-Method")
            want = q.get("method", "totp")
            digest = hashlib.sha256(USERS[user]["password"].encode()).hexdigest()
            ok = (want == "totp" and meth == "totp" and code == "123456") or \
                 (want == "password" and meth == "password" and
                  (code or "").lower() == digest)
            if not ok:
                details = {"method": want, "codeGenerated": False,
                           "availableMethods": []}
                err = "totp-invalid" if code else "totp-required"
                return self.reply(400, {"success": False,
                                        "error": "TOTP Required [%s]" % err,
                                        "errorType": err, "details": details})
            return self.reply(200, {"done": True, "success": True})
        if path.startswith("/api/v1/") and path.endswith(".list"):
            return self.list(path, q)
        if not user and path in ("/api/v1/me", "/api/v1/logout", "/api/v1/echo"):
            msg = "You must be logged in to do this."
            return self.reply(401, {"success": False, "error": msg,
                                    "status": "error", "message": msg})
        if path == "/api/v1/me":
            doc = user_doc(user)
            doc["success"] = True
            return self.reply(200, doc)
        if path == "/api/v1/logout":
            return self.reply(200, {"status": "success",
                                    "data": {"message": "You've been logged out!"}})
        if path == "/api/v1/echo":
            return self.reply(200, {"method": method, "got": data, "success": True})
        if path == "/api/v1/denied":
            return self.reply(400, {"success": False, "error": "not allowed [error-action-not-allowed]",
                                    "errorType": "error-action-not-allowed"})
        if path == "/api/v1/html":
            body = b"<html>hello</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        return self.reply(404, {"success": False, "error": "Resource not found"})

    def login(self, data):
        name = data.get("user") or data.get("username") or data.get("email")
        u = USERS.get(name)
        if not u or data.get("password") != u["password"]:
            return self.reply(401, {"success": False, "error": "Unauthorized",
                                    "status": "error", "message": "Unauthorized"})
        if u["code"] and data.get("code") != u["code"]:
            return self.reply(401, {"success": False, "error": "totp-required",
                                    "status": "error", "message": "TOTP Required",
                                    "details": {"method": "totp",
                                                "codeGenerated": False,
                                                "availableMethods": ["totp"]}})
        me = user_doc(name)
        return self.reply(200, {"status": "success",
                                "data": {"userId": "uid-" + name,
                                         "authToken": "tok-" + name, "me": me},
                                "success": True})

    def list(self, path, q):
        kind = path[len("/api/v1/"):-len(".list")]
        total = int(q.get("total", "23"))
        cap = int(q.get("cap", "7"))
        count = int(q.get("count", "50"))
        offset = int(q.get("offset", "0"))
        allitems = items(total)
        if kind == "ignoresOffset":
            page = allitems[:min(count, cap)]
            return self.reply(200, {"things": page, "count": len(page),
                                    "total": total, "success": True})
        page = allitems[offset:offset + min(count, cap)]
        out = {"meta": {"x": 1}, "things": page, "count": len(page), "offset": offset}
        if kind != "noTotal":
            out["total"] = total
        out["success"] = True
        return self.reply(200, out)


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if len(sys.argv) == 5 and sys.argv[2] == "--tls":
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    srv.serve_forever()


if __name__ == "__main__":
    main()
