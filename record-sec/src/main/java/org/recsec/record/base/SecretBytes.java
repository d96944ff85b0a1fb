package org.recsec.record.base;

import org.recsec.record.internal.wire.Bytes;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Key material. Copies in and out, compares in constant time, and never shows its bytes in {@link #toString()}.
 * There is no getter for the live array: {@link #toByteArray()} hands out a copy the caller should wipe.
 */
public final class SecretBytes {
    private final byte[] bytes;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A secret holding a copy of {@code bytes[off, off+len)}. */
    public static SecretBytes copyOf(byte[] bytes, int off, int len) {
        Bytes.checkRange(bytes, off, len);
        return new SecretBytes(Arrays.copyOfRange(bytes, off, off + len));
    }

    public static SecretBytes copyOf(byte[] bytes) {
        return copyOf(bytes, 0, bytes.length);
    }

    public int length() {
        return bytes.length;
    }

    /** A fresh copy of the key bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Constant-time comparison of the key bytes. */
    public boolean equalsSecret(SecretBytes other) {
        return other != null && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return "SecretBytes[" + bytes.length + " bytes]";
    }
}
