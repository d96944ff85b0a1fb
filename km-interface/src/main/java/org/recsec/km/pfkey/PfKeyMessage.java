package org.recsec.km.pfkey;

import org.recsec.record.base.SecretBytes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.recsec.record.internal.wire.Bytes;

/**
 * One PF_KEY v2 message (RFC 2367 §2.1-2.3): the 16-byte base header {@code sadb_msg} (version 2, type, errno,
 * satype, length in 64-bit words, reserved, seq, pid) followed by extensions in ascending type order.
 *
 * <p><b>Byte order:</b> every integer is big-endian, unlike RFC 2367's host order, because the messages cross
 * processes and languages (see {@link PfKey}).
 *
 * <p>{@link #decode} is strict and total: any input either yields a message that {@link #encode()}s back to the
 * same bytes (when it holds no unknown extension types, which are skipped as RFC 2367 §2.3 asks) or a
 * {@link PfKeyException} with the errno for the reply; it throws nothing else and allocates nothing in proportion
 * to an unchecked length field.
 */
public final class PfKeyMessage {
    private final int type;
    private final int errno;
    private final int satype;
    private final long seq;
    private final long pid;
    private final Map<Integer, PfKeyExtension> extensions;

    private PfKeyMessage(int type, int errno, int satype, long seq, long pid, Map<Integer, PfKeyExtension> ext) {
        this.type = type;
        this.errno = errno;
        this.satype = satype;
        this.seq = seq;
        this.pid = pid;
        this.extensions = Collections.unmodifiableMap(ext);
    }

    /** A builder for a message of {@code type} (e.g. {@link PfKey#SADB_ADD}) and {@code satype}. */
    public static Builder builder(int type, int satype) {
        return new Builder(type, satype);
    }

    public int type() { return type; }

    public int errno() { return errno; }

    public int satype() { return satype; }

    /** Sequence number, u32: with {@link #pid()} the transaction id (§2.1). */
    public long seq() { return seq; }

    public long pid() { return pid; }

    /** The extensions by type, in ascending type order. */
    public Map<Integer, PfKeyExtension> extensions() { return extensions; }

    /**
     * The extension of type {@code extType} (RFC 2367 §2.3), or empty when the message does not carry it: for the
     * extensions a message may or may not carry (RFC 2367 §3.1 marks them optional for each message type, e.g. the
     * lifetimes of an ADD).
     *
     * @param extType the extension type, e.g. {@link PfKey#SADB_EXT_SA}
     * @param cls     the class the extension of that type decodes to (RFC 2367 §2.3), e.g.
     *                {@link PfKeyExtension.Sa}
     * @param <T>     that class
     * @return the extension, or empty when absent
     * @throws ClassCastException when the extension is present but not a {@code cls}: a wrong pairing of type and
     *                            class in the caller, a programming error rather than bad input, since {@link
     *                            #decode} gives each type its one class
     */
    public <T extends PfKeyExtension> Optional<T> ext(int extType, Class<T> cls) {
        return Optional.ofNullable(extensions.get(extType)).map(cls::cast);
    }

    /**
     * The extension of type {@code extType} that the message must carry, e.g. the SA extension of an ADD or UPDATE
     * and of their replies, or of a GETSPI reply (RFC 2367 §3.1.1-§3.1.3): its absence is a malformed message, the
     * {@code EINVAL} of RFC 2367 §3.1, whoever sent it.
     *
     * @param extType the extension type, e.g. {@link PfKey#SADB_EXT_SA}
     * @param cls     the class the extension of that type decodes to (RFC 2367 §2.3)
     * @param <T>     that class
     * @return the extension
     * @throws PfKeyException     {@code EINVAL} when the message does not carry it
     * @throws ClassCastException when the extension is present but not a {@code cls} (see {@link #ext})
     */
    public <T extends PfKeyExtension> T require(int extType, Class<T> cls) throws PfKeyException {
        PfKeyExtension e = extensions.get(extType);
        if (e == null) {
            throw new PfKeyException(PfKey.EINVAL, PfKey.typeName(type) + " without the " + cls.getSimpleName()
                    + " extension (type " + extType + ")");
        }
        return cls.cast(e);
    }

    public boolean has(int extType) { return extensions.containsKey(extType); }

    /** A builder starting from this message. */
    public Builder toBuilder() {
        Builder b = new Builder(type, satype).errno(errno).seq(seq).pid(pid);
        b.ext.putAll(extensions);
        return b;
    }

    /** This message without KEY_AUTH, KEY_ENCRYPT and the IV: what may go to anyone but GET's caller. */
    public PfKeyMessage withoutKeys() {
        Builder b = toBuilder();
        b.ext.remove(PfKey.SADB_EXT_KEY_AUTH);
        b.ext.remove(PfKey.SADB_EXT_KEY_ENCRYPT);
        b.ext.remove(PfKey.SADB_X_EXT_RECSEC_IV);
        return b.build();
    }

    /** The errno reply to this message: its base header alone, with {@code errno} set (§3.1). */
    public PfKeyMessage errorReply(int errnoValue) {
        return new Builder(type, satype).errno(errnoValue).seq(seq).pid(pid).build();
    }

    /** Encoded length in bytes. */
    public int encodedBytes() {
        int n = PfKey.BASE_HEADER_BYTES;
        for (PfKeyExtension e : extensions.values()) {
            n += e.encodedBytes();
        }
        return n;
    }

    /** The wire bytes, big-endian. */
    public byte[] encode() {
        int n = encodedBytes();
        if (n > PfKey.MAX_MESSAGE_BYTES) {
            throw new IllegalStateException("message longer than " + PfKey.MAX_MESSAGE_BYTES);
        }
        byte[] out = new byte[n];
        out[0] = PfKey.VERSION;
        out[1] = (byte) type;
        out[2] = (byte) errno;
        out[3] = (byte) satype;
        Bytes.writeUint16Be(out, 4, n / 8);
        Bytes.writeUint32Be(out, 8, seq);
        Bytes.writeUint32Be(out, 12, pid);
        int p = PfKey.BASE_HEADER_BYTES;
        for (PfKeyExtension e : extensions.values()) {
            e.encodeTo(out, p);
            p += e.encodedBytes();
        }
        return out;
    }

    /** Decodes a whole message; see {@link #decode(byte[], int, int)}. */
    public static PfKeyMessage decode(byte[] b) throws PfKeyException {
        return decode(b, 0, b.length);
    }

    /**
     * Decodes exactly one message occupying {@code b[off, off+len)}.
     *
     * @throws PfKeyException {@code EMSGSIZE} when the input is shorter than a header, its length field differs
     *                        from {@code len}, or it exceeds {@link PfKey#MAX_MESSAGE_BYTES}; {@code EINVAL} for a
     *                        wrong version, non-zero reserved field, an extension overrunning the message, of length
     *                        zero, of type zero, out of order or repeated, or with a bad body
     */
    public static PfKeyMessage decode(byte[] b, int off, int len) throws PfKeyException {
        Bytes.checkRange(b, off, len);
        if (len < PfKey.BASE_HEADER_BYTES || len > PfKey.MAX_MESSAGE_BYTES) {
            throw new PfKeyException(PfKey.EMSGSIZE, "message of " + len + " bytes");
        }
        if (Bytes.readUint16Be(b, off + 4) * 8 != len) {
            throw new PfKeyException(PfKey.EMSGSIZE, "sadb_msg_len does not match the message length");
        }
        if (b[off] != PfKey.VERSION) {
            throw new PfKeyException(PfKey.EINVAL, "version " + (b[off] & 0xff));
        }
        if (Bytes.readUint16Be(b, off + 6) != 0) {
            throw new PfKeyException(PfKey.EINVAL, "sadb_msg_reserved not zero");
        }
        Map<Integer, PfKeyExtension> ext = new TreeMap<>();
        int p = off + PfKey.BASE_HEADER_BYTES;
        int end = off + len;
        int lastType = 0;
        while (p < end) {
            if (end - p < 4) {
                throw new PfKeyException(PfKey.EINVAL, "truncated extension header");
            }
            int extBytes = Bytes.readUint16Be(b, p) * 8;
            int extType = Bytes.readUint16Be(b, p + 2);
            if (extBytes == 0) {
                throw new PfKeyException(PfKey.EINVAL, "extension of length zero");
            }
            if (extBytes > end - p) {
                throw new PfKeyException(PfKey.EINVAL, "extension overruns the message");
            }
            if (extType == 0) {
                throw new PfKeyException(PfKey.EINVAL, "extension type zero");
            }
            if (extType <= lastType) {
                throw new PfKeyException(PfKey.EINVAL,
                        extType == lastType ? "repeated extension " + extType : "extension out of order");
            }
            lastType = extType;
            Optional<PfKeyExtension> e = PfKeyExtension.decode(extType, b, p, extBytes);
            if (e.isPresent()) {
                ext.put(extType, e.get());
            }
            p += extBytes;
        }
        return new PfKeyMessage(b[off + 1] & 0xff, b[off + 2] & 0xff, b[off + 3] & 0xff,
                Bytes.readUint32Be(b, off + 8), Bytes.readUint32Be(b, off + 12), ext);
    }

    /**
     * The errno reply for input that did not decode: the base header of the input as far as it is readable, with
     * {@code errno} set and no extensions.
     */
    public static PfKeyMessage errorReplyFor(byte[] b, int off, int len, int errno) {
        int type = len > 1 ? b[off + 1] & 0xff : 0;
        int satype = len > 3 ? b[off + 3] & 0xff : 0;
        long seq = len >= 12 ? Bytes.readUint32Be(b, off + 8) : 0;
        long pid = len >= 16 ? Bytes.readUint32Be(b, off + 12) : 0;
        return new Builder(type, satype).errno(errno).seq(seq).pid(pid).build();
    }

    /** Splits a stream of concatenated messages, e.g. a DUMP reply, by their length fields; for tests and tools. */
    public static List<byte[]> split(byte[] stream) {
        List<byte[]> out = new ArrayList<>();
        int p = 0;
        while (p + PfKey.BASE_HEADER_BYTES <= stream.length) {
            int n = Bytes.readUint16Be(stream, p + 4) * 8;
            if (n < PfKey.BASE_HEADER_BYTES || n > stream.length - p) {
                break;
            }
            out.add(java.util.Arrays.copyOfRange(stream, p, p + n));
            p += n;
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("PfKeyMessage[").append(PfKey.typeName(type));
        if (errno != 0) {
            s.append(", ").append(PfKey.errnoName(errno));
        }
        s.append(", satype=").append(satype).append(", seq=").append(seq).append(", pid=").append(pid);
        for (PfKeyExtension e : extensions.values()) {
            s.append(", ").append(e);
        }
        return s.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        // Value equality on the wire bytes; SecretBytes has no equals, so compare encodings.
        return o instanceof PfKeyMessage m && java.util.Arrays.equals(encode(), m.encode());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(encode());
    }

    /** Builds a {@link PfKeyMessage}; extensions are kept in type order whatever order they are added in. */
    public static final class Builder {
        private final int type;
        private final int satype;
        private int errno;
        private long seq;
        private long pid;
        private final Map<Integer, PfKeyExtension> ext = new TreeMap<>();

        private Builder(int type, int satype) {
            if (type < 0 || type > 255 || satype < 0 || satype > 255) {
                throw new IllegalArgumentException("type and satype are u8");
            }
            this.type = type;
            this.satype = satype;
        }

        public Builder errno(int v) {
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("errno is a u8");
            }
            errno = v;
            return this;
        }

        public Builder seq(long v) {
            if (v < 0 || v > 0xffffffffL) {
                throw new IllegalArgumentException("seq is a u32");
            }
            seq = v;
            return this;
        }

        public Builder pid(long v) {
            if (v < 0 || v > 0xffffffffL) {
                throw new IllegalArgumentException("pid is a u32");
            }
            pid = v;
            return this;
        }

        /** Adds (or replaces) the extension of its type. */
        public Builder add(PfKeyExtension e) {
            ext.put(e.type(), e);
            return this;
        }

        public Builder remove(int extType) {
            ext.remove(extType);
            return this;
        }

        public PfKeyMessage build() {
            return new PfKeyMessage(type, errno, satype, seq, pid, new TreeMap<>(ext));
        }
    }
}
