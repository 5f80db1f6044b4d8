#!/usr/bin/env python3
"""Print the RFC 6238 TOTP code (6 digits, 30 s, SHA-1) of a base32 secret.

usage: totp.py SECRET [OFFSET_STEPS]
"""
import base64
import hashlib
import hmac
import struct
import sys
import time


def totp(secret: str, offset: int = 0) -> str:
    pad = "=" * (-len(secret) % 8)
    key = base64.b32decode(secret.upper() + pad)
    counter = int(time.time()) // 30 + offset
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000
    return f"{code:06d}"


if __name__ == "__main__":
    print(totp(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0))
