package org.recsec.applet.iose;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A TLS 1.3 ClientHello record for the card tests (RFC 8446 §4.1.2), with a correct PSK binder (§4.2.11.2). */
final class ClientHelloBuilder {
    String sni = IoseSimCard.SEN;
    byte[] identity = IoseSimCard.IDENTITY;
    byte[] psk = IoseSimCard.PSK;
    String alpn = "shell";
    int group = 0x0100;
    int suite = 0x1304;
    boolean withPsk = true;

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }

    static byte[] ext(int type, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(u16(type));
        b.writeBytes(u16(body.length));
        b.writeBytes(body);
        return b.toByteArray();
    }

    static byte[] vec16(byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(u16(body.length));
        b.writeBytes(body);
        return b.toByteArray();
    }

    byte[] record() throws Exception {
        ByteArrayOutputStream exts = new ByteArrayOutputStream();
        byte[] name = sni.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream sn = new ByteArrayOutputStream();
        sn.write(0);
        sn.writeBytes(vec16(name));
        exts.writeBytes(ext(0, vec16(sn.toByteArray())));
        exts.writeBytes(ext(43, new byte[] {2, 3, 4}));
        exts.writeBytes(ext(10, vec16(u16(group))));
        byte[] y = new byte[256];
        y[0] = 1;
        y[255] = 5;
        ByteArrayOutputStream ks = new ByteArrayOutputStream();
        ks.writeBytes(u16(group));
        ks.writeBytes(vec16(y));
        exts.writeBytes(ext(51, vec16(ks.toByteArray())));
        exts.writeBytes(ext(45, new byte[] {1, 1}));
        if (alpn != null) {
            byte[] a = alpn.getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream al = new ByteArrayOutputStream();
            al.write(a.length);
            al.writeBytes(a);
            exts.writeBytes(ext(16, vec16(al.toByteArray())));
        }
        ByteArrayOutputStream ids = new ByteArrayOutputStream();
        ids.writeBytes(vec16(identity));
        ids.writeBytes(new byte[4]);
        byte[] identities = vec16(ids.toByteArray());
        int binderLen = 2 + 1 + 32;
        byte[] pskExtHeader = withPsk ? concat(u16(41), u16(identities.length + binderLen)) : new byte[0];

        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(u16(0x0303));
        body.writeBytes(new byte[32]);
        body.write(32);
        body.writeBytes(new byte[32]);
        body.writeBytes(vec16(u16(suite)));
        body.writeBytes(new byte[] {1, 0});
        byte[] extBytes = exts.toByteArray();
        int extTotal = extBytes.length + (withPsk ? pskExtHeader.length + identities.length + binderLen : 0);
        body.writeBytes(u16(extTotal));
        body.writeBytes(extBytes);
        if (withPsk) {
            body.writeBytes(pskExtHeader);
            body.writeBytes(identities);
        }
        int msgLen = body.size() + (withPsk ? binderLen : 0);
        byte[] partial = concat(new byte[] {1, 0, (byte) (msgLen >> 8), (byte) msgLen}, body.toByteArray());
        byte[] msg = partial;
        if (withPsk) {
            byte[] binder = binder(psk, partial);
            msg = concat(partial, concat(u16(33), concat(new byte[] {32}, binder)));
        }
        return concat(new byte[] {22, 3, 1, (byte) (msg.length >> 8), (byte) msg.length}, msg);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        return m.doFinal(data);
    }

    static byte[] expandLabel(byte[] secret, String label, byte[] ctx, int len) throws Exception {
        byte[] l = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(u16(len));
        info.write(l.length);
        info.writeBytes(l);
        info.write(ctx.length);
        info.writeBytes(ctx);
        info.write(1);
        byte[] t = hmac(secret, info.toByteArray());
        return java.util.Arrays.copyOf(t, len);
    }

    /** RFC 8446 §4.2.11.2 binder for an external PSK, written independently of the card's code. */
    static byte[] binder(byte[] psk, byte[] partialHello) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] early = hmac(new byte[32], psk);
        byte[] binderKey = expandLabel(early, "ext binder", sha.digest(new byte[0]), 32);
        byte[] finishedKey = expandLabel(binderKey, "finished", new byte[0], 32);
        return hmac(finishedKey, sha.digest(partialHello));
    }
}
