package org.recsec.km.pfkey;

import static org.recsec.km.pfkey.ExtensionWire.*;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

/**
 * One PF_KEY extension (RFC 2367 §2.3): {@code {u16 len in 64-bit words, u16 type}} followed by its body, padded
 * with zero bytes to a multiple of 8. All integers big-endian (see {@link PfKey}). Values are immutable and
 * validated when built; decoding is strict (reserved fields and padding must be zero, lengths exact).
 */
public sealed interface PfKeyExtension permits PfKeyExtension.Sa, PfKeyExtension.Lifetime, PfKeyExtension.Address, PfKeyExtension.Key, PfKeyExtension.Identity, PfKeyExtension.SpiRange,
        Supported, Proposal, PfKeyExtension.Iv, PfKeyExtension.Profile, PfKeyExtension.SeHandle, PfKeyExtension.Replay {

    /** The extension type, e.g. {@link PfKey#SADB_EXT_SA}. */
    int type();

    /** Encoded size in bytes, a multiple of 8. */
    int encodedBytes();

    /** Writes the extension, header included, at {@code out[off]}; the caller reserved {@link #encodedBytes()}. */
    void encodeTo(byte[] out, int off);

    /**
     * Decodes the extension {@code b[off, off+len)} whose header says {@code type}; empty for a type this
     * implementation does not know (RFC 2367 §2.3: ignored).
     */
    static Optional<PfKeyExtension> decode(int type, byte[] b, int off, int len) throws PfKeyException {
        return Optional.ofNullable(ExtensionDecoder.decode(type, b, off, len));
    }

    /** {@code sadb_sa} (§2.3.1): SPI (u32), replay (u8, records), state, auth and encrypt algorithm, flags. */
    record Sa(long spi, int replay, int state, int auth, int encrypt, long flags) implements PfKeyExtension {
        public static final int BYTES = 16;

        public Sa {
            checkU32(spi, "spi");
            checkU8(replay, "replay");
            checkU8(state, "state");
            checkU8(auth, "auth");
            checkU8(encrypt, "encrypt");
            checkU32(flags, "flags");
        }

        @Override public int type() { return PfKey.SADB_EXT_SA; }

        @Override public int encodedBytes() { return BYTES; }

        @Override public void encodeTo(byte[] out, int off) {
            header(out, off, BYTES, type());
            Bytes.writeUint32Be(out, off + 4, spi);
            out[off + 8] = (byte) replay;
            out[off + 9] = (byte) state;
            out[off + 10] = (byte) auth;
            out[off + 11] = (byte) encrypt;
            Bytes.writeUint32Be(out, off + 12, flags);
        }

        static Sa decode(byte[] b, int off, int len) throws PfKeyException {
            requireLength(len, BYTES, "SA");
            return new Sa(Bytes.readUint32Be(b, off + 4), b[off + 8] & 0xff, b[off + 9] & 0xff, b[off + 10] & 0xff,
                    b[off + 11] & 0xff, Bytes.readUint32Be(b, off + 12));
        }
    }

    /**
     * {@code sadb_lifetime} (§2.3.2): allocations (here: records), bytes, add time and use time. In CURRENT the times
     * are absolute seconds since the epoch; in HARD and SOFT they are seconds after adding and after first use.
     * Zero means "no limit" in HARD and SOFT.
     */
    record Lifetime(int type, long allocations, long bytes, long addTime, long useTime) implements PfKeyExtension {
        public static final int BYTES = 32;

        public Lifetime {
            if (type != PfKey.SADB_EXT_LIFETIME_CURRENT && type != PfKey.SADB_EXT_LIFETIME_HARD
                    && type != PfKey.SADB_EXT_LIFETIME_SOFT) {
                throw new IllegalArgumentException("not a lifetime type: " + type);
            }
            checkU32(allocations, "allocations");
        }

        @Override public int encodedBytes() { return BYTES; }

        @Override public void encodeTo(byte[] out, int off) {
            header(out, off, BYTES, type);
            Bytes.writeUint32Be(out, off + 4, allocations);
            Bytes.writeUint64Be(out, off + 8, bytes);
            Bytes.writeUint64Be(out, off + 16, addTime);
            Bytes.writeUint64Be(out, off + 24, useTime);
        }

        static Lifetime decode(int type, byte[] b, int off, int len) throws PfKeyException {
            requireLength(len, BYTES, "lifetime");
            long bytes = Bytes.readUint64Be(b, off + 8);
            long add = Bytes.readUint64Be(b, off + 16);
            long use = Bytes.readUint64Be(b, off + 24);
            if (bytes < 0 || add < 0 || use < 0) {
                throw new PfKeyException(PfKey.EINVAL, "lifetime value above 2^63-1");
            }
            return new Lifetime(type, Bytes.readUint32Be(b, off + 4), bytes, add, use);
        }
    }

    /**
     * {@code sadb_address} (§2.3.3) with a sockaddr in Linux layout, every field big-endian: AF_INET is
     * {@code u16 family=2, u16 port, 4-byte address, 8 zero bytes} (16 bytes); AF_INET6 is {@code u16 family=10,
     * u16 port, u32 flowinfo=0, 16-byte address, u32 scope_id=0} (28 bytes, padded to 32).
     */
    record Address(int type, int proto, int prefixLen, InetSocketAddress address) implements PfKeyExtension {
        public Address {
            checkU8(proto, "proto");
            Objects.requireNonNull(address, "address");
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("address must be a literal IP address");
            }
            int max = address.getAddress() instanceof Inet4Address ? 32 : 128;
            if (prefixLen < 0 || prefixLen > max) {
                throw new IllegalArgumentException("prefix length " + prefixLen);
            }
        }

        /** An address with proto 0 (any) and the full prefix length, as SAs use. */
        public static Address of(int type, InetSocketAddress address) {
            return new Address(type, 0, address.getAddress() instanceof Inet4Address ? 32 : 128, address);
        }

        @Override public int encodedBytes() { return address.getAddress() instanceof Inet4Address ? 24 : 40; }

        @Override public void encodeTo(byte[] out, int off) {
            Sockaddr.encode(this, out, off);
        }

    }

    /**
     * {@code sadb_key} (§2.3.4): {@code u16 bits, u16 reserved}, then the key, most significant byte first. Only
     * whole bytes; zero bits is refused.
     */
    record Key(int type, SecretBytes key) implements PfKeyExtension {
        public Key {
            if (type != PfKey.SADB_EXT_KEY_AUTH && type != PfKey.SADB_EXT_KEY_ENCRYPT) {
                throw new IllegalArgumentException("not a key type: " + type);
            }
            if (key.length() == 0 || key.length() * 8 > 0xffff) {
                throw new IllegalArgumentException("key length " + key.length());
            }
        }

        public int bits() { return key.length() * 8; }

        @Override public int encodedBytes() { return padded(8 + key.length()); }

        @Override public void encodeTo(byte[] out, int off) {
            int n = encodedBytes();
            java.util.Arrays.fill(out, off, off + n, (byte) 0);
            header(out, off, n, type);
            Bytes.writeUint16Be(out, off + 4, bits());
            byte[] k = key.toByteArray();
            System.arraycopy(k, 0, out, off + 8, k.length);
            java.util.Arrays.fill(k, (byte) 0);
        }

        static Key decode(int type, byte[] b, int off, int len) throws PfKeyException {
            int bits = Bytes.readUint16Be(b, off + 4);
            if (bits == 0 || (bits & 7) != 0) {
                throw new PfKeyException(PfKey.EINVAL, "key bits " + bits);
            }
            requireZero(b, off + 6, 2, "key reserved");
            int keyBytes = bits / 8;
            requireLength(len, padded(8 + keyBytes), "key");
            requireZero(b, off + 8 + keyBytes, len - 8 - keyBytes, "key padding");
            return new Key(type, SecretBytes.copyOf(b, off + 8, keyBytes));
        }
    }

    /**
     * {@code sadb_ident} (§2.3.5): {@code u16 ident_type, u16 reserved, u64 id}, then a NUL-terminated string padded
     * with zeros. Here the string is 1..255 printable ASCII characters (a CoAP URI or a secure element name).
     */
    record Identity(int type, int identType, long id, String value) implements PfKeyExtension {
        public Identity {
            if (type != PfKey.SADB_EXT_IDENTITY_SRC && type != PfKey.SADB_EXT_IDENTITY_DST) {
                throw new IllegalArgumentException("not an identity type: " + type);
            }
            checkU16(identType, "ident type");
            checkPrintable(value, "identity");
        }

        @Override public int encodedBytes() { return padded(16 + value.length() + 1); }

        @Override public void encodeTo(byte[] out, int off) {
            int n = encodedBytes();
            java.util.Arrays.fill(out, off, off + n, (byte) 0);
            header(out, off, n, type);
            Bytes.writeUint16Be(out, off + 4, identType);
            Bytes.writeUint64Be(out, off + 8, id);
            byte[] s = value.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(s, 0, out, off + 16, s.length);
        }

        static Identity decode(int type, byte[] b, int off, int len) throws PfKeyException {
            if (len < 24) {
                throw new PfKeyException(PfKey.EINVAL, "identity extension too short");
            }
            requireZero(b, off + 6, 2, "identity reserved");
            String s = cString(b, off + 16, len - 16, "identity");
            return new Identity(type, Bytes.readUint16Be(b, off + 4), Bytes.readUint64Be(b, off + 8), s);
        }
    }

    /** {@code sadb_spirange} (§2.3.6): min and max SPI, max ≥ min; min = max asks for that SPI. */
    record SpiRange(long min, long max) implements PfKeyExtension {
        public SpiRange {
            checkU32(min, "min");
            checkU32(max, "max");
            if (max < min) {
                throw new IllegalArgumentException("max < min");
            }
        }

        @Override public int type() { return PfKey.SADB_EXT_SPIRANGE; }

        @Override public int encodedBytes() { return 16; }

        @Override public void encodeTo(byte[] out, int off) {
            header(out, off, 16, type());
            Bytes.writeUint32Be(out, off + 4, min);
            Bytes.writeUint32Be(out, off + 8, max);
            Bytes.writeUint32Be(out, off + 12, 0);
        }

        static SpiRange decode(byte[] b, int off, int len) throws PfKeyException {
            requireLength(len, 16, "SPI range");
            requireZero(b, off + 12, 4, "SPI range reserved");
            long min = Bytes.readUint32Be(b, off + 4);
            long max = Bytes.readUint32Be(b, off + 8);
            if (max < min) {
                throw new PfKeyException(PfKey.EINVAL, "SPI range max < min");
            }
            return new SpiRange(min, max);
        }
    }

    /**
     * {@code SADB_X_EXT_RECSEC_IV}: {@code u16 iv bytes, u16 reserved}, then the fixed IV (salt) padded with zeros.
     * Key-derived, so it is treated like a key: never in DUMP output.
     */
    record Iv(SecretBytes iv) implements PfKeyExtension {
        public Iv {
            if (iv.length() == 0 || iv.length() > 255) {
                throw new IllegalArgumentException("iv length " + iv.length());
            }
        }

        @Override public int type() { return PfKey.SADB_X_EXT_RECSEC_IV; }

        @Override public int encodedBytes() { return padded(8 + iv.length()); }

        @Override public void encodeTo(byte[] out, int off) {
            int n = encodedBytes();
            java.util.Arrays.fill(out, off, off + n, (byte) 0);
            header(out, off, n, type());
            Bytes.writeUint16Be(out, off + 4, iv.length());
            byte[] v = iv.toByteArray();
            System.arraycopy(v, 0, out, off + 8, v.length);
        }

        static Iv decode(byte[] b, int off, int len) throws PfKeyException {
            int n = Bytes.readUint16Be(b, off + 4);
            if (n == 0 || n > 255) {
                throw new PfKeyException(PfKey.EINVAL, "iv length " + n);
            }
            requireZero(b, off + 6, 2, "iv reserved");
            requireLength(len, padded(8 + n), "iv");
            requireZero(b, off + 8 + n, len - 8 - n, "iv padding");
            return new Iv(SecretBytes.copyOf(b, off + 8, n));
        }
    }

    /**
     * {@code SADB_X_EXT_RECSEC_PROFILE}, 16 bytes: {@code u16 epoch, u8 profile id, u8 reserved, u64 next sequence}
     * (below 2^48). For an SA being added, the first sequence number to send or expect; in replies from the SAD,
     * the next sequence number the SAD would hand out.
     */
    record Profile(int epoch, int profile, long nextSequence) implements PfKeyExtension {
        public static final long MAX_SEQUENCE = (1L << 48) - 1;

        public Profile {
            checkU16(epoch, "epoch");
            checkU8(profile, "profile");
            if (nextSequence < 0 || nextSequence > MAX_SEQUENCE + 1) {
                throw new IllegalArgumentException("next sequence " + nextSequence);
            }
        }

        @Override public int type() { return PfKey.SADB_X_EXT_RECSEC_PROFILE; }

        @Override public int encodedBytes() { return 16; }

        @Override public void encodeTo(byte[] out, int off) {
            header(out, off, 16, type());
            Bytes.writeUint16Be(out, off + 4, epoch);
            out[off + 6] = (byte) profile;
            out[off + 7] = 0;
            Bytes.writeUint64Be(out, off + 8, nextSequence);
        }

        static Profile decode(byte[] b, int off, int len) throws PfKeyException {
            requireLength(len, 16, "profile");
            requireZero(b, off + 7, 1, "profile reserved");
            long next = Bytes.readUint64Be(b, off + 8);
            if (next < 0 || next > MAX_SEQUENCE + 1) {
                throw new PfKeyException(PfKey.EINVAL, "next sequence beyond 2^48");
            }
            return new Profile(Bytes.readUint16Be(b, off + 4), b[off + 6] & 0xff, next);
        }
    }

    /** {@code SADB_X_EXT_RECSEC_SE_HANDLE}: {@code u32 reserved}, then a NUL-terminated printable ASCII handle. */
    record SeHandle(String handle) implements PfKeyExtension {
        public SeHandle {
            checkPrintable(handle, "SE handle");
        }

        @Override public int type() { return PfKey.SADB_X_EXT_RECSEC_SE_HANDLE; }

        @Override public int encodedBytes() { return padded(8 + handle.length() + 1); }

        @Override public void encodeTo(byte[] out, int off) {
            int n = encodedBytes();
            java.util.Arrays.fill(out, off, off + n, (byte) 0);
            header(out, off, n, type());
            byte[] s = handle.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(s, 0, out, off + 8, s.length);
        }

        static SeHandle decode(byte[] b, int off, int len) throws PfKeyException {
            if (len < 16) {
                throw new PfKeyException(PfKey.EINVAL, "SE handle extension too short");
            }
            requireZero(b, off + 4, 4, "SE handle reserved");
            return new SeHandle(cString(b, off + 8, len - 8, "SE handle"));
        }
    }

    /**
     * {@code SADB_X_EXT_RECSEC_REPLAY}: {@code u32 window} in records (1..1024). {@code sadb_sa_replay} is a u8 and
     * counts records as in Linux, so windows above 255 need this extension; when present it wins and
     * {@code sadb_sa_replay} must be 255.
     */
    record Replay(long window) implements PfKeyExtension {
        public static final int MAX_WINDOW = 1024;

        public Replay {
            if (window < 1 || window > MAX_WINDOW) {
                throw new IllegalArgumentException("replay window " + window);
            }
        }

        @Override public int type() { return PfKey.SADB_X_EXT_RECSEC_REPLAY; }

        @Override public int encodedBytes() { return 8; }

        @Override public void encodeTo(byte[] out, int off) {
            header(out, off, 8, type());
            Bytes.writeUint32Be(out, off + 4, window);
        }

        static Replay decode(byte[] b, int off, int len) throws PfKeyException {
            requireLength(len, 8, "replay");
            long w = Bytes.readUint32Be(b, off + 4);
            if (w < 1 || w > MAX_WINDOW) {
                throw new PfKeyException(PfKey.EINVAL, "replay window " + w);
            }
            return new Replay(w);
        }
    }

}
