package org.recsec.record;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.ReplayWindow;
import org.recsec.record.internal.crypto.RecordCiphers;
import org.recsec.record.spi.InboundSa;
import org.recsec.record.spi.OutboundSa;
import org.recsec.record.spi.RecordCipher;
import org.recsec.record.spi.SecurityAssociation;

/**
 * Security associations held in memory only: what manual keys and tests use. No lifetimes, no persistence (the SA
 * database in km-interface adds both). Build them with {@link #outbound(CipherSuite)} or
 * {@link #inbound(CipherSuite)}; the builder makes the record cipher from the key and IV and refuses a key or IV
 * whose length does not fit the suite:
 *
 * <pre>{@code
 * ManualSa.Outbound out = ManualSa.outbound(CipherSuite.AES_128_CCM_8)
 *         .spi(0x1001).epoch(1).route(LocalId.of("coap://client"), PeerId.of("coap://server"))
 *         .key(SecretBytes.copyOf(key16)).iv(salt4).build();
 * }</pre>
 *
 * <p>There is no way to hand out a chosen sequence number afterwards: an outbound SA starts at
 * {@link OutboundBuilder#firstSequence} and counts up, never repeating within the object.
 */
public final class ManualSa {
    /** The largest DTLS 1.2 sequence number (48 bits, RFC 6347 §4.1). */
    public static final long MAX_SEQUENCE = (1L << 48) - 1;

    private ManualSa() {
    }

    /** A builder for an outbound SA of {@code suite} (dtls12 profile unless {@link Builder#profile} says). */
    public static OutboundBuilder outbound(CipherSuite suite) {
        return new OutboundBuilder(suite);
    }

    /** A builder for an inbound SA of {@code suite} (dtls12 profile unless {@link Builder#profile} says). */
    public static InboundBuilder inbound(CipherSuite suite) {
        return new InboundBuilder(suite);
    }

    /** What both builders collect. */
    public abstract static class Builder<B extends Builder<B>> {
        final CipherSuite suite;
        long spi = -1;
        int epoch;
        LocalId localId;
        PeerId peerId;
        SecretBytes key;
        byte[] iv;
        RecordProfile profile = RecordProfile.DTLS12;
        SecretBytes secret;
        int seqBytes = 2;

        Builder(CipherSuite suite) {
            this.suite = Objects.requireNonNull(suite, "suite");
        }

        abstract B self();

        /** The SPI, an unsigned 32-bit value chosen by the receiving end (required). */
        public B spi(long spi) {
            if (spi < 0 || spi > 0xffff_ffffL) {
                throw new IllegalArgumentException("SPI must be an unsigned 32-bit value");
            }
            this.spi = spi;
            return self();
        }

        /** The record epoch (default 0). */
        public B epoch(int epoch) {
            if (epoch < 0 || epoch > 0xffff) {
                throw new IllegalArgumentException("epoch must be an unsigned 16-bit value");
            }
            this.epoch = epoch;
            return self();
        }

        /** This end's and the other end's identity (required). */
        public B route(LocalId localId, PeerId peerId) {
            this.localId = Objects.requireNonNull(localId, "localId");
            this.peerId = Objects.requireNonNull(peerId, "peerId");
            return self();
        }

        /** The AEAD key: {@link CipherSuite#keySizeBytes()} bytes (required; checked against the suite). */
        public B key(SecretBytes key) {
            this.key = Objects.requireNonNull(key, "key");
            return self();
        }

        /** The fixed IV: {@link CipherSuite#ivSizeBytes()} bytes (required; checked against the suite). */
        public B iv(byte[] iv) {
            this.iv = Objects.requireNonNull(iv, "iv").clone();
            return self();
        }

        /**
         * The record profile (default {@link RecordProfile#DTLS12}). {@link RecordProfile#DTLS12_CID} is keyed
         * like dtls12 ({@link #key}, {@link #iv}); its records carry the SPI as their 4-byte connection ID.
         */
        public B profile(RecordProfile profile) {
            this.profile = Objects.requireNonNull(profile, "profile");
            return self();
        }

        /**
         * Compact profile: the 32-byte traffic secret of this direction, from which key, IV and sn_key are derived
         * (RFC 9147 §5.9 / RFC 8446 §7.3); replaces {@link #key} and {@link #iv}.
         */
        public B secret(SecretBytes secret) {
            this.secret = Objects.requireNonNull(secret, "secret");
            return self();
        }

        /** Compact profile: the width of the header's sequence number, 1 or 2 bytes (default 2). */
        public B sequenceBytes(int seqBytes) {
            if (seqBytes != 1 && seqBytes != 2) {
                throw new IllegalArgumentException("sequence number width must be 1 or 2 bytes");
            }
            this.seqBytes = seqBytes;
            return self();
        }

        RecordCipher cipher() {
            if (spi < 0 || localId == null) {
                throw new IllegalStateException("spi and route are required");
            }
            if (profile == RecordProfile.COMPACT) {
                if (secret == null || key != null || iv != null) {
                    throw new IllegalStateException("the compact profile is keyed by secret(), not key() and iv()");
                }
                return RecordCiphers.compact(suite, secret, seqBytes);
            }
            if (key == null || iv == null || secret != null) {
                throw new IllegalStateException("the " + (profile == RecordProfile.DTLS12 ? "dtls12" : "dtls12-cid")
                        + " profile is keyed by key() and iv()");
            }
            if (profile == RecordProfile.DTLS12_CID) {
                // RFC 9146 §4: the CID names the receiving end's state; ours is the receiving SA's SPI.
                return RecordCiphers.dtls12Cid(suite, key, iv,
                        org.recsec.record.internal.crypto.Dtls12CidRecordCipher.cidOf(spi));
            }
            return RecordCiphers.dtls12(suite, key, iv);
        }
    }

    /** Collects an {@link Outbound}. */
    public static final class OutboundBuilder extends Builder<OutboundBuilder> {
        private long firstSeq;

        OutboundBuilder(CipherSuite suite) {
            super(suite);
        }

        @Override
        OutboundBuilder self() {
            return this;
        }

        /** The sequence number of the first record (default 0). */
        public OutboundBuilder firstSequence(long firstSeq) {
            if (firstSeq < 0 || firstSeq > MAX_SEQUENCE + 1) {
                throw new IllegalArgumentException("sequence number must be 48 bits");
            }
            this.firstSeq = firstSeq;
            return this;
        }

        /** @throws IllegalArgumentException when the key or IV length does not fit the suite */
        public Outbound build() {
            return new Outbound(this, cipher());
        }
    }

    /** Collects an {@link Inbound}. */
    public static final class InboundBuilder extends Builder<InboundBuilder> {
        private int windowSize = ReplayWindow.DEFAULT_SIZE;

        InboundBuilder(CipherSuite suite) {
            super(suite);
        }

        @Override
        InboundBuilder self() {
            return this;
        }

        /** The anti-replay window in records, 1..1024 (default 64). */
        public InboundBuilder replayWindow(int windowSize) {
            if (windowSize < 1 || windowSize > ReplayWindow.MAX_SIZE) {
                throw new IllegalArgumentException("replay window must be 1.." + ReplayWindow.MAX_SIZE);
            }
            this.windowSize = windowSize;
            return this;
        }

        /** @throws IllegalArgumentException when the key or IV length does not fit the suite */
        public Inbound build() {
            return new Inbound(this, cipher());
        }
    }

    /** Parameters and use counters both directions share. */
    private abstract static class Base implements SecurityAssociation {
        private final long spi;
        private final CipherSuite suite;
        private final int epoch;
        private final LocalId localId;
        private final PeerId peerId;
        private final RecordCipher cipher;
        private final AtomicLong records = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();

        Base(Builder<?> b, RecordCipher cipher) {
            this.spi = b.spi;
            this.suite = b.suite;
            this.epoch = b.epoch;
            this.localId = b.localId;
            this.peerId = b.peerId;
            this.cipher = cipher;
        }

        @Override public long spi() { return spi; }

        @Override public CipherSuite suite() { return suite; }

        @Override public int epoch() { return epoch; }

        @Override public LocalId localId() { return localId; }

        @Override public PeerId peerId() { return peerId; }

        @Override public RecordCipher cipher() { return cipher; }

        @Override
        public void checkUsable() {
            // Manual SAs have no lifetime.
        }

        void used(long plaintextBytes) {
            records.incrementAndGet();
            bytes.addAndGet(plaintextBytes);
        }

        /** Records sealed or accepted so far. */
        public long recordsUsed() { return records.get(); }

        /** Plaintext bytes sealed or accepted so far. */
        public long bytesUsed() { return bytes.get(); }

        @Override
        public String toString() {
            return "ManualSa[spi=" + spi + ", " + direction() + ", " + suite + ", epoch=" + epoch + ", " + localId
                    + " <-> " + peerId + "]";
        }
    }

    /** An outbound manual SA. */
    public static final class Outbound extends Base implements OutboundSa {
        private final AtomicLong nextSeq;

        private Outbound(OutboundBuilder b, RecordCipher cipher) {
            super(b, cipher);
            this.nextSeq = new AtomicLong(b.firstSeq);
        }

        @Override
        public long reserveSequence() throws RecSecException {
            // getAndUpdate with a cap: the counter stops at MAX+1 instead of wrapping.
            long seq = nextSeq.getAndUpdate(s -> s > MAX_SEQUENCE ? s : s + 1);
            if (seq > MAX_SEQUENCE) {
                throw new RecSecException(RecSecException.Reason.SEQUENCE_EXHAUSTED,
                        "SA " + spi() + " used every sequence number");
            }
            return seq;
        }

        @Override
        public void reportSealed(long plaintextBytes) {
            used(plaintextBytes);
        }
    }

    /** An inbound manual SA with its anti-replay window. */
    public static final class Inbound extends Base implements InboundSa {
        private final ReplayWindow window;

        private Inbound(InboundBuilder b, RecordCipher cipher) {
            super(b, cipher);
            this.window = new ReplayWindow(b.windowSize);
        }

        @Override
        public boolean shouldDiscard(long seq) {
            return window.shouldDiscard(seq);
        }

        @Override
        public void reportAuthenticated(long seq, long plaintextBytes) throws RecSecException {
            window.accept(seq);
            used(plaintextBytes);
        }

        @Override
        public long highestAccepted() {
            return window.highest();
        }
    }
}
