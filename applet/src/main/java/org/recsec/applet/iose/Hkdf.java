package org.recsec.applet.iose;

import javacard.framework.Util;
import javacard.security.HMACKey;
import javacard.security.MessageDigest;
import javacard.security.Signature;

/**
 * HKDF (RFC 5869) on the card's HMAC-SHA-256 engine, with the TLS 1.3 HKDF-Expand-Label and Derive-Secret
 * (RFC 8446 §7.1). Every output is at most one hash long, so HKDF-Expand is one HMAC block T(1).
 */
final class Hkdf {

    static final byte[] TLS13 = {'t', 'l', 's', '1', '3', ' '};
    static final byte[] EXT_BINDER = {'e', 'x', 't', ' ', 'b', 'i', 'n', 'd', 'e', 'r'};
    static final byte[] DERIVED = {'d', 'e', 'r', 'i', 'v', 'e', 'd'};
    static final byte[] C_HS = {'c', ' ', 'h', 's', ' ', 't', 'r', 'a', 'f', 'f', 'i', 'c'};
    static final byte[] S_HS = {'s', ' ', 'h', 's', ' ', 't', 'r', 'a', 'f', 'f', 'i', 'c'};
    static final byte[] C_AP = {'c', ' ', 'a', 'p', ' ', 't', 'r', 'a', 'f', 'f', 'i', 'c'};
    static final byte[] S_AP = {'s', ' ', 'a', 'p', ' ', 't', 'r', 'a', 'f', 'f', 'i', 'c'};
    static final byte[] EXP_MASTER = {'e', 'x', 'p', ' ', 'm', 'a', 's', 't', 'e', 'r'};
    static final byte[] EXPORTER = {'e', 'x', 'p', 'o', 'r', 't', 'e', 'r'};
    static final byte[] FINISHED = {'f', 'i', 'n', 'i', 's', 'h', 'e', 'd'};
    static final byte[] KEY = {'k', 'e', 'y'};
    static final byte[] IV = {'i', 'v'};
    /** SHA-256 of the empty string: the context of Derive-Secret(., "derived", "") and "ext binder". */
    static final byte[] EMPTY_HASH = {
        (byte) 0xe3, (byte) 0xb0, (byte) 0xc4, 0x42, (byte) 0x98, (byte) 0xfc, 0x1c, 0x14,
        (byte) 0x9a, (byte) 0xfb, (byte) 0xf4, (byte) 0xc8, (byte) 0x99, 0x6f, (byte) 0xb9, 0x24,
        0x27, (byte) 0xae, 0x41, (byte) 0xe4, 0x64, (byte) 0x9b, (byte) 0x93, 0x4c,
        (byte) 0xa4, (byte) 0x95, (byte) 0x99, 0x1b, 0x78, 0x52, (byte) 0xb8, 0x55};

    private final Signature hmac;
    private final HMACKey key;
    private final byte[] w;
    final MessageDigest sha;

    Hkdf(IoseRam ram) {
        hmac = Signature.getInstance(Signature.ALG_HMAC_SHA_256, false);
        sha = MessageDigest.getInstance(MessageDigest.ALG_SHA_256, false);
        key = ram.hmacKey;
        w = ram.sec;
    }

    /** HMAC-SHA-256(key, data) into out[outOff..+32). The key is at most 64 bytes. */
    void mac(byte[] k, short kOff, short kLen, byte[] d, short dOff, short dLen, byte[] out, short outOff) {
        key.setKey(k, kOff, kLen);
        hmac.init(key, Signature.MODE_SIGN);
        hmac.sign(d, dOff, dLen, out, outOff);
        key.clearKey();
    }

    /** HKDF-Extract(salt, ikm) = HMAC(salt, ikm) (RFC 5869 §2.2). */
    void extract(byte[] salt, short saltOff, byte[] ikm, short ikmOff, short ikmLen, byte[] out, short outOff) {
        mac(salt, saltOff, IoseConsts.HASH, ikm, ikmOff, ikmLen, out, outOff);
    }

    /**
     * HKDF-Expand-Label(secret, label, context, length) for length ≤ 32 (RFC 8446 §7.1): T(1) of HKDF-Expand over
     * HkdfLabel = length(2) ‖ len ‖ "tls13 " label ‖ len ‖ context, cut to length.
     */
    void expandLabel(byte[] secret, short sOff, byte[] label, byte[] ctx, short ctxOff, short ctxLen, byte[] out,
            short outOff, short length) {
        short o = IoseConsts.S_LABEL;
        Util.setShort(w, o, length);
        o += 2;
        w[o++] = (byte) (TLS13.length + label.length);
        o = Util.arrayCopyNonAtomic(TLS13, (short) 0, w, o, (short) TLS13.length);
        o = Util.arrayCopyNonAtomic(label, (short) 0, w, o, (short) label.length);
        w[o++] = (byte) ctxLen;
        o = Util.arrayCopyNonAtomic(ctx, ctxOff, w, o, ctxLen);
        w[o++] = 1;
        short t = (short) (IoseConsts.S_LABEL + IoseConsts.S_LABEL_SIZE - IoseConsts.HASH);
        mac(secret, sOff, IoseConsts.HASH, w, IoseConsts.S_LABEL, (short) (o - IoseConsts.S_LABEL), w, t);
        Util.arrayCopyNonAtomic(w, t, out, outOff, length);
        Util.arrayFillNonAtomic(w, IoseConsts.S_LABEL, IoseConsts.S_LABEL_SIZE, (byte) 0);
    }

    /** Derive-Secret(secret, label, hash) where hash is Transcript-Hash(messages), already computed. */
    void deriveSecret(byte[] secret, short sOff, byte[] label, byte[] hash, short hOff, byte[] out, short outOff) {
        expandLabel(secret, sOff, label, hash, hOff, IoseConsts.HASH, out, outOff, IoseConsts.HASH);
    }
}
