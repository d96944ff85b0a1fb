package org.recsec.applet;

import java.lang.reflect.Field;
import javacard.security.CryptoException;
import javacard.security.Key;
import javacard.security.MessageDigest;
import javacardx.crypto.Cipher;

/**
 * Counts the SHA-256 compression blocks and AES block operations the applet really performs, by wrapping its
 * MessageDigest and Cipher objects (test-only instrumentation through reflection; the applet is unchanged).
 */
final class CryptoMeter {

    long shaBlocks;
    long aesBlocks;
    /** RSA-2048 operations: public (e = 65537), private (CRT, the CertificateVerify), DH (ffdhe2048, 256-bit x). */
    long rsaPublic;
    long rsaPrivate;
    long dhModexp;

    static CryptoMeter install(RecSecApplet applet) {
        CryptoMeter m = new CryptoMeter();
        try {
            Crypto k = find(applet, Crypto.class, new java.util.IdentityHashMap<>());
            replace(k, "transcriptClient", m.digest((MessageDigest) get(k, "transcriptClient")));
            replace(k, "transcriptServer", m.digest((MessageDigest) get(k, "transcriptServer")));
            replace(k, "transcriptVerify", m.digest((MessageDigest) get(k, "transcriptVerify")));
            replace(k, "rsa", m.rsa((Cipher) get(k, "rsa")));
            replace(k, "clientCipher", m.cipher((Cipher) get(k, "clientCipher")));
            replace(k, "serverCipher", m.cipher((Cipher) get(k, "serverCipher")));
            replace(k.prf, "md", m.digest((MessageDigest) get(k.prf, "md")));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        return m;
    }

    void clear() {
        shaBlocks = 0;
        aesBlocks = 0;
        rsaPublic = 0;
        rsaPrivate = 0;
        dhModexp = 0;
    }

    private static Object get(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    private static void replace(Object o, String name, Object value) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        f.set(o, value);
    }

    @SuppressWarnings("unchecked")
    private static <T> T find(Object o, Class<T> type, java.util.Map<Object, Object> seen)
            throws IllegalAccessException {
        if (o == null || seen.put(o, o) != null || !o.getClass().getName().startsWith("org.recsec.applet.")) {
            return null;
        }
        if (type.isInstance(o)) {
            return (T) o;
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!f.getType().isPrimitive() && !java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    T t = find(f.get(o), type, seen);
                    if (t != null) {
                        return t;
                    }
                }
            }
        }
        return null;
    }

    private MessageDigest digest(MessageDigest d) {
        return new MessageDigest() {
            private long pending;

            @Override
            public byte getAlgorithm() {
                return d.getAlgorithm();
            }

            @Override
            public byte getLength() {
                return d.getLength();
            }

            @Override
            public short doFinal(byte[] in, short off, short len, byte[] out, short outOff) throws CryptoException {
                // FIPS 180-4 padding: at least 9 bytes more, rounded up to 64
                shaBlocks += (pending + len + 9 + 63) / 64;
                pending = 0;
                return d.doFinal(in, off, len, out, outOff);
            }

            @Override
            public void update(byte[] in, short off, short len) throws CryptoException {
                pending += len;
                d.update(in, off, len);
            }

            @Override
            public void reset() {
                shaBlocks += pending / 64;
                pending = 0;
                d.reset();
            }
        };
    }

    private Cipher rsa(Cipher c) {
        return new Cipher() {
            private byte type;

            @Override
            public void init(Key key, byte mode) throws CryptoException {
                type = key.getType();
                c.init(key, mode);
            }

            @Override
            public void init(Key key, byte mode, byte[] b, short o, short l) throws CryptoException {
                type = key.getType();
                c.init(key, mode, b, o, l);
            }

            @Override
            public byte getAlgorithm() {
                return c.getAlgorithm();
            }

            @Override
            public short doFinal(byte[] in, short off, short len, byte[] out, short outOff) throws CryptoException {
                if (type == javacard.security.KeyBuilder.TYPE_RSA_PUBLIC) {
                    rsaPublic++;
                } else if (type == javacard.security.KeyBuilder.TYPE_RSA_CRT_PRIVATE) {
                    rsaPrivate++;
                } else {
                    dhModexp++;
                }
                return c.doFinal(in, off, len, out, outOff);
            }

            @Override
            public short update(byte[] in, short off, short len, byte[] out, short outOff) throws CryptoException {
                return c.update(in, off, len, out, outOff);
            }
        };
    }

    private Cipher cipher(Cipher c) {
        return new Cipher() {
            @Override
            public void init(Key key, byte mode) throws CryptoException {
                c.init(key, mode);
            }

            @Override
            public void init(Key key, byte mode, byte[] b, short o, short l) throws CryptoException {
                c.init(key, mode, b, o, l);
            }

            @Override
            public byte getAlgorithm() {
                return c.getAlgorithm();
            }

            @Override
            public short doFinal(byte[] in, short off, short len, byte[] out, short outOff) throws CryptoException {
                aesBlocks += len / 16;
                return c.doFinal(in, off, len, out, outOff);
            }

            @Override
            public short update(byte[] in, short off, short len, byte[] out, short outOff) throws CryptoException {
                aesBlocks += len / 16;
                return c.update(in, off, len, out, outOff);
            }
        };
    }
}
