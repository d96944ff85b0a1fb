package org.recsec.kmp.eap.radius;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.recsec.kmp.eap.EapException;
import org.recsec.record.base.SecretBytes;

/**
 * The shared-secret cryptography of RADIUS with EAP:
 * <ul>
 * <li>Message-Authenticator (RFC 3579 §3.2): HMAC-MD5 keyed with the shared secret over the whole packet with the
 * attribute's value zeroed; in a response the Authenticator field holds the Request Authenticator while it is
 * computed. Required in every packet that carries EAP-Message; a packet without it or with a wrong one is
 * refused.</li>
 * <li>Response Authenticator (RFC 2865 §3): MD5(Code ‖ Identifier ‖ Length ‖ Request Authenticator ‖
 * Attributes ‖ Secret), computed after the Message-Authenticator.</li>
 * <li>MS-MPPE-Send-Key and MS-MPPE-Recv-Key (RFC 2548 §2.4.2, §2.4.3): vendor 311 types 16 and 17, the key
 * encrypted with MD5 chaining over the secret, the Request Authenticator and a 2-byte salt whose high bit is
 * set.</li>
 * </ul>
 * Comparisons are constant-time.
 */
public final class RadiusAuth {
    public static final int VENDOR_MICROSOFT = 311;
    public static final int MS_MPPE_SEND_KEY = 16;
    public static final int MS_MPPE_RECV_KEY = 17;

    private RadiusAuth() {
    }

    /** An Access-Request with a Message-Authenticator filled in over {@code p} (whose authenticator is random). */
    public static byte[] signRequest(RadiusPacket p, byte[] secret) {
        byte[] wire = withMessageAuthenticatorPlaceholder(p).encode();
        fillMessageAuthenticator(wire, secret);
        return wire;
    }

    /**
     * A response (Accept, Reject, Challenge) to the request with {@code requestAuthenticator}: Message-Authenticator
     * then Response Authenticator.
     */
    public static byte[] signResponse(int code, int identifier, List<RadiusAttribute> attributes,
                                      byte[] requestAuthenticator, byte[] secret) {
        RadiusPacket p = new RadiusPacket(code, identifier, requestAuthenticator, attributes);
        byte[] wire = withMessageAuthenticatorPlaceholder(p).encode();
        fillMessageAuthenticator(wire, secret);
        byte[] ra = md5(wire, secret);
        System.arraycopy(ra, 0, wire, 4, 16);
        return wire;
    }

    /**
     * Decodes an Access-Request and checks its Message-Authenticator.
     *
     * @throws EapException {@code MALFORMED} for bad bytes; {@code BAD_AUTHENTICATOR} when a packet carrying
     *                      EAP-Message has no Message-Authenticator, or it does not verify
     */
    public static RadiusPacket verifyRequest(byte[] buf, int off, int len, byte[] secret) throws EapException {
        RadiusPacket p = RadiusPacket.decode(buf, off, len);
        byte[] wire = p.encode();
        checkMessageAuthenticator(p, wire, secret);
        return p;
    }

    /**
     * Decodes a response to the request with {@code requestAuthenticator} and checks its Response Authenticator
     * and Message-Authenticator.
     *
     * @throws EapException {@code MALFORMED} for bad bytes, {@code BAD_AUTHENTICATOR} when either check fails
     */
    public static RadiusPacket verifyResponse(byte[] buf, int off, int len, byte[] requestAuthenticator,
                                              byte[] secret) throws EapException {
        RadiusPacket p = RadiusPacket.decode(buf, off, len);
        byte[] wire = p.encode();
        byte[] received = p.authenticator();
        System.arraycopy(requestAuthenticator, 0, wire, 4, 16);
        if (!MessageDigest.isEqual(received, md5(wire, secret))) {
            throw new EapException(EapException.Reason.BAD_AUTHENTICATOR, "wrong Response Authenticator");
        }
        checkMessageAuthenticator(p, wire, secret);
        return p;
    }

    /** {@code wire} must hold the authenticator the HMAC is computed with (request or Request Authenticator). */
    private static void checkMessageAuthenticator(RadiusPacket p, byte[] wire, byte[] secret) throws EapException {
        int n = p.count(RadiusPacket.ATTR_MESSAGE_AUTHENTICATOR);
        if (n == 0) {
            if (p.count(RadiusPacket.ATTR_EAP_MESSAGE) > 0) {
                throw new EapException(EapException.Reason.BAD_AUTHENTICATOR, "EAP-Message without Message-Authenticator");
            }
            return;
        }
        if (n > 1) {
            throw new EapException(EapException.Reason.MALFORMED, "more than one Message-Authenticator");
        }
        int at = messageAuthenticatorOffset(wire);
        if (wire[at - 1] != 18) {
            throw new EapException(EapException.Reason.MALFORMED, "Message-Authenticator is not 16 bytes");
        }
        byte[] received = new byte[16];
        System.arraycopy(wire, at, received, 0, 16);
        java.util.Arrays.fill(wire, at, at + 16, (byte) 0);
        byte[] expected = hmacMd5(secret, wire);
        System.arraycopy(received, 0, wire, at, 16);
        if (!MessageDigest.isEqual(received, expected)) {
            throw new EapException(EapException.Reason.BAD_AUTHENTICATOR, "wrong Message-Authenticator");
        }
    }

    private static RadiusPacket withMessageAuthenticatorPlaceholder(RadiusPacket p) {
        List<RadiusAttribute> attrs = new ArrayList<>();
        for (RadiusAttribute a : p.attributes()) {
            if (a.type() != RadiusPacket.ATTR_MESSAGE_AUTHENTICATOR) {
                attrs.add(a);
            }
        }
        attrs.add(new RadiusAttribute(RadiusPacket.ATTR_MESSAGE_AUTHENTICATOR, new byte[16]));
        return new RadiusPacket(p.code(), p.identifier(), p.authenticator(), attrs);
    }

    private static void fillMessageAuthenticator(byte[] wire, byte[] secret) {
        int at = messageAuthenticatorOffset(wire);
        byte[] mac = hmacMd5(secret, wire);
        System.arraycopy(mac, 0, wire, at, 16);
    }

    /** Offset of the value of the (single) Message-Authenticator in an encoded, well-formed packet. */
    private static int messageAuthenticatorOffset(byte[] wire) {
        int pos = RadiusPacket.HEADER_BYTES;
        while (pos + 1 < wire.length) {
            if ((wire[pos] & 0xff) == RadiusPacket.ATTR_MESSAGE_AUTHENTICATOR) {
                return pos + 2;
            }
            pos += wire[pos + 1] & 0xff;
        }
        throw new IllegalStateException("no Message-Authenticator");
    }

    /**
     * The Vendor-Specific attribute carrying an encrypted MS-MPPE key (RFC 2548 §2.4.2/§2.4.3).
     *
     * @param vendorType {@link #MS_MPPE_SEND_KEY} or {@link #MS_MPPE_RECV_KEY}
     * @param salt       2 bytes; the high bit is forced on, and each attribute of a packet needs its own
     */
    public static RadiusAttribute mppeKeyAttribute(int vendorType, SecretBytes key, byte[] secret,
                                                   byte[] requestAuthenticator, byte[] salt) {
        byte[] k = key.toByteArray();
        try {
            byte[] s = {(byte) (salt[0] | 0x80), salt[1]};
            byte[] c = mppeEncrypt(k, secret, requestAuthenticator, s);
            byte[] v = new byte[4 + 2 + 2 + c.length];
            v[0] = 0;
            v[1] = 0;
            v[2] = (byte) (VENDOR_MICROSOFT >>> 8);
            v[3] = (byte) VENDOR_MICROSOFT;
            v[4] = (byte) vendorType;
            v[5] = (byte) (2 + 2 + c.length);
            v[6] = s[0];
            v[7] = s[1];
            System.arraycopy(c, 0, v, 8, c.length);
            return new RadiusAttribute(RadiusPacket.ATTR_VENDOR_SPECIFIC, v);
        } finally {
            java.util.Arrays.fill(k, (byte) 0);
        }
    }

    /**
     * The decrypted MS-MPPE key of {@code vendorType} in a response to the request with
     * {@code requestAuthenticator}, empty when absent.
     *
     * @throws EapException {@code MALFORMED} for a vendor attribute with bad lengths, a salt without its high bit
     *                      or a key length beyond the plaintext
     */
    public static java.util.Optional<SecretBytes> mppeKey(RadiusPacket response, int vendorType, byte[] secret,
                                                        byte[] requestAuthenticator) throws EapException {
        for (RadiusAttribute a : response.attributes()) {
            byte[] v = a.value();
            if (a.type() != RadiusPacket.ATTR_VENDOR_SPECIFIC || v.length < 6) {
                continue;
            }
            int vendor = ((v[0] & 0xff) << 24) | ((v[1] & 0xff) << 16) | ((v[2] & 0xff) << 8) | (v[3] & 0xff);
            if (vendor != VENDOR_MICROSOFT || (v[4] & 0xff) != vendorType) {
                continue;
            }
            int vlen = v[5] & 0xff;
            if (vlen != v.length - 4 || vlen < 4 + 16 || (vlen - 4) % 16 != 0) {
                throw new EapException(EapException.Reason.MALFORMED, "MS-MPPE key attribute length");
            }
            if ((v[6] & 0x80) == 0) {
                throw new EapException(EapException.Reason.MALFORMED, "MS-MPPE salt without its high bit");
            }
            byte[] salt = {v[6], v[7]};
            byte[] c = java.util.Arrays.copyOfRange(v, 8, v.length);
            byte[] p = mppeDecrypt(c, secret, requestAuthenticator, salt);
            try {
                int klen = p[0] & 0xff;
                if (klen > p.length - 1) {
                    throw new EapException(EapException.Reason.MALFORMED, "MS-MPPE key length beyond the data");
                }
                return java.util.Optional.of(SecretBytes.copyOf(p, 1, klen));
            } finally {
                java.util.Arrays.fill(p, (byte) 0);
            }
        }
        return java.util.Optional.empty();
    }

    static byte[] mppeEncrypt(byte[] key, byte[] secret, byte[] requestAuthenticator, byte[] salt) {
        if (key.length > 240) {
            throw new IllegalArgumentException("MPPE key too long");
        }
        int plen = ((1 + key.length + 15) / 16) * 16;
        byte[] p = new byte[plen];
        p[0] = (byte) key.length;
        System.arraycopy(key, 0, p, 1, key.length);
        byte[] c = new byte[plen];
        byte[] b = md5(secret, requestAuthenticator, salt);
        for (int i = 0; i < plen; i += 16) {
            if (i > 0) {
                b = md5(secret, java.util.Arrays.copyOfRange(c, i - 16, i));
            }
            for (int j = 0; j < 16; j++) {
                c[i + j] = (byte) (p[i + j] ^ b[j]);
            }
        }
        java.util.Arrays.fill(p, (byte) 0);
        return c;
    }

    static byte[] mppeDecrypt(byte[] c, byte[] secret, byte[] requestAuthenticator, byte[] salt) {
        byte[] p = new byte[c.length];
        byte[] b = md5(secret, requestAuthenticator, salt);
        for (int i = 0; i < c.length; i += 16) {
            if (i > 0) {
                b = md5(secret, java.util.Arrays.copyOfRange(c, i - 16, i));
            }
            for (int j = 0; j < 16; j++) {
                p[i + j] = (byte) (c[i + j] ^ b[j]);
            }
        }
        return p;
    }

    static byte[] md5(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            for (byte[] part : parts) {
                md.update(part);
            }
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    static byte[] hmacMd5(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(key, "HmacMD5"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-MD5 unavailable", e);
        }
    }
}
