#!/usr/bin/env python3
"""Writes spec-vectors/vectors/se-compact-schedule.json: the SE KMP's compact-profile key schedule
(kmp/se/README.md, docs/profiles.md 'Profiles and key management') computed with Python's hmac/hashlib only, so
SeKmpProfilesTest checks the Java code against an independent implementation.

    PRK        = HKDF-Extract(salt = client_random || server_random, IKM = key_block[0..40))   RFC 5869
    c2s secret = HKDF-Expand-Label(PRK, "recsec c ap", "", 32)   with the "dtls13" prefix    RFC 8446 7.1, RFC 9147 5.9
    s2c secret = HKDF-Expand-Label(PRK, "recsec s ap", "", 32)

Inputs are drawn from random.Random(1505): rerunning the script gives the same file.
Usage: tools/vectors/se_compact_schedule.py > spec-vectors/vectors/se-compact-schedule.json
"""
import hashlib
import hmac
import json
import random
import struct


def hkdf_extract(salt, ikm):
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand(prk, info, length):
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:length]


def expand_label(secret, label, context, length):
    full = b"dtls13" + label
    info = struct.pack(">H", length) + bytes([len(full)]) + full + bytes([len(context)]) + context
    return hkdf_expand(secret, info, length)


def vector(name, key_block, cr, sr):
    prk = hkdf_extract(cr + sr, key_block)
    return {
        "name": name,
        "key_block": key_block.hex(),
        "client_random": cr.hex(),
        "server_random": sr.hex(),
        "prk": prk.hex(),
        "c2s_secret": expand_label(prk, b"recsec c ap", b"", 32).hex(),
        "s2c_secret": expand_label(prk, b"recsec s ap", b"", 32).hex(),
    }


def main():
    rnd = random.Random(1505)
    draw = lambda n: bytes(rnd.getrandbits(8) for _ in range(n))
    vectors = [vector("random-%d" % i, draw(40), draw(32), draw(32)) for i in (1, 2)]
    vectors.append(vector("zero-key-block", bytes(40), draw(32), draw(32)))
    doc = {
        "source": "recsec SE KMP compact-profile key schedule (kmp/se/README.md, docs/profiles.md 'Profiles and key "
                  "management'): PRK = HKDF-Extract(client_random || server_random, key_block[0..40)), secrets = "
                  "HKDF-Expand-Label(PRK, 'recsec c ap' / 'recsec s ap', '', 32) with the 'dtls13' label prefix. "
                  "Computed by tools/vectors/se_compact_schedule.py with Python's hmac/hashlib (RFC 5869 and "
                  "RFC 8446 section 7.1 written out), independently of the Java code; inputs from "
                  "random.Random(1505).",
        "vectors": vectors,
    }
    print(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
