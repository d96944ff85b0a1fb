package org.recsec.record.internal.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

/**
 * AES-CCM (RFC 3610) built from the JCE's {@code AES/CBC/NoPadding} (the CBC-MAC) and {@code AES/CTR/NoPadding}
 * (the encryption), so both passes run on the JVM's AES intrinsics. Bouncy Castle's CCM walks the block cipher
 * one block at a time in Java and is many times slower for record-sized messages.
 *
 * <p>Parameters: AES-128/192/256 keys; tag M of 4, 6, 8, 10, 12, 14 or 16 bytes (fixed per instance); nonce of
 * 7..13 bytes per call, which fixes the length field L = 15 - nonce length (RFC 3610 §2). The DTLS suites use a
 * 12-byte nonce (RFC 6655 §3) with an 8-byte (CCM_8) or 16-byte tag.
 *
 * <p>Thread-safe: each thread has a small direct-mapped cache of {@value #CACHE_SLOTS} pairs of {@link Cipher}
 * objects and one scratch buffer, shared by every instance (every SA) that thread uses, so the memory per SA does
 * not grow with the number of threads and the memory per thread is bounded whatever the number of SAs. An instance
 * always uses the same slot (instances get consecutive slots as they are created), so a thread alternating between
 * up to {@value #CACHE_SLOTS} SAs (a client's outbound and inbound SA, a server's clients) keeps each key schedule:
 * the JCE expands an AES key (and allocates about 1.3 KB for it) only when a slot changes hands. A call allocates
 * only the JCE parameter object. A retired SA's key schedule stays in a thread's slot until another SA takes the
 * slot (there is no destroy hook, and the JCE cannot wipe an initialised {@code Cipher}): up to
 * {@value #CACHE_SLOTS} per thread, where one thread-wide pair kept one.
 *
 * <p>A call that finds its slot's ciphers holding other keys (traffic spread over more SAs than a thread has slots)
 * and a message of at most {@value #CTR_VIA_CBC_MAX_BYTES} bytes runs its CTR pass through the CBC cipher, one block
 * per call, so it expands its key once instead of twice; AES itself stays the JCE's (the intrinsics, no table-driven
 * Java AES).
 */
public final class AesCcm implements Aead {
    private static final int BLOCK = 16;
    /** Scratch for the CBC-MAC's unwanted ciphertext; messages longer than this are MACed in chunks. */
    private static final int SCRATCH_BYTES = 2048;
    /**
     * B0, l(a) and the AAD of a MAC are assembled here, apart from the scratch the CBC pass writes to: the JCE copies
     * its input into a new array when input and output are the same array and overlap (one allocation per message).
     * 64 bytes hold B0, l(a) and every record AAD padded (13 bytes dtls12, 27 dtls12-cid with recsec's 4-byte CID,
     * 2-11 compact); a longer AAD is fed in pieces.
     */
    private static final int MAC_IN_BYTES = 64;
    private static final byte[] ZEROS = new byte[BLOCK];
    private static final IvParameterSpec ZERO_IV = new IvParameterSpec(ZEROS);

    private final SecretKeySpec key;
    private final int keyBits;
    private final int tagSizeBytes;
    /** Messages up to this length take the CTR pass through the CBC cipher when both ciphers hold other keys. */
    static final int CTR_VIA_CBC_MAX_BYTES = 128;
    /** Cipher pairs cached per thread (a power of two). */
    static final int CACHE_SLOTS = 256;
    private static final AtomicInteger NEXT_SLOT = new AtomicInteger();
    private static final ThreadLocal<State[]> STATES = ThreadLocal.withInitial(() -> new State[CACHE_SLOTS]);
    /** This instance's slot in every thread's cache. */
    final int slot = NEXT_SLOT.getAndIncrement() & (CACHE_SLOTS - 1);

    static {
        // The first Cipher.getInstance of a JVM initialises the JCE provider framework (80-240 ms in an otherwise
        // empty JVM on the bench machine; less where something already used the JCE) and the first AES operation
        // loads the provider's classes: done here, when the first SA is built, instead of inside its first record.
        // A throwaway all-zero key, never used for a record.
        try {
            Cipher warm = Cipher.getInstance("AES/CBC/NoPadding");
            warm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(ZEROS, "AES"), ZERO_IV);
            warm.doFinal(ZEROS);
            warm = Cipher.getInstance("AES/CTR/NoPadding");
            warm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(ZEROS, "AES"), ZERO_IV);
            warm.doFinal(ZEROS);
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Per-thread JCE objects, shared by the keys whose slot they are: Cipher is not thread-safe, creating one costs
     * more than a 1 KB seal, and initialising one with another key expands the key schedule again.
     */
    private static final class State {
        final Cipher cbc;
        final Cipher ctr;
        /** Shared by all slots of a thread: a call uses one slot from start to end. */
        final byte[] scratch;
        /** The MAC's first blocks ({@link #MAC_IN_BYTES}); shared by all slots of a thread as the scratch is. */
        final byte[] macIn;
        final byte[] block = new byte[BLOCK];
        final byte[] mac = new byte[BLOCK];
        final byte[] s0 = new byte[BLOCK];
        /**
         * The instance whose key the CBC cipher holds, ready for a new MAC; null while a MAC is half done or before
         * the first one. Any other instance initialises the CBC cipher with its own key first.
         */
        AesCcm cbcOwner;
        /** The instance whose key the CTR cipher was last initialised with (the JCE keeps that key's schedule). */
        AesCcm ctrOwner;
        /** True while the current call runs its CTR pass through the CBC cipher ({@link #startCtr}). */
        boolean ctrViaCbc;
        /** That pass's counter block A_i (RFC 3610 §2.3), its key stream block and the bytes of it used. */
        final byte[] counter = new byte[BLOCK];
        final byte[] stream = new byte[BLOCK];
        int streamUsed;

        State(byte[] scratch, byte[] macIn) {
            this.scratch = scratch;
            this.macIn = macIn;
            try {
                cbc = Cipher.getInstance("AES/CBC/NoPadding");
                ctr = Cipher.getInstance("AES/CTR/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JCE lacks AES/CBC or AES/CTR", e);
            }
        }
    }

    /** This thread's cipher pair for this instance's slot; the JCE keeps the key schedule of its last key. */
    private State state() {
        State[] states = STATES.get();
        State st = states[slot];
        if (st == null) {
            State any = null;
            for (State s : states) {
                if (s != null) {
                    any = s;
                    break;
                }
            }
            st = any != null ? new State(any.scratch, any.macIn)
                    : new State(new byte[SCRATCH_BYTES + BLOCK], new byte[MAC_IN_BYTES]);
            states[slot] = st;
        }
        return st;
    }

    /**
     * @param key          an AES key of 16, 24 or 32 bytes
     * @param tagSizeBytes the tag length M: 4, 6, 8, 10, 12, 14 or 16 (RFC 3610 §2)
     * @throws IllegalArgumentException for any other key or tag size
     */
    public AesCcm(SecretBytes key, int tagSizeBytes) {
        int n = key.length();
        if (n != 16 && n != 24 && n != 32) {
            throw new IllegalArgumentException("AES key must be 16, 24 or 32 bytes, was " + n);
        }
        if (tagSizeBytes < 4 || tagSizeBytes > 16 || (tagSizeBytes & 1) != 0) {
            throw new IllegalArgumentException("CCM tag must be 4..16 bytes and even, was " + tagSizeBytes);
        }
        byte[] k = key.toByteArray();
        this.key = new SecretKeySpec(k, "AES");
        Arrays.fill(k, (byte) 0);
        this.keyBits = n * 8;
        this.tagSizeBytes = tagSizeBytes;
    }

    @Override
    public int tagSizeBytes() {
        return tagSizeBytes;
    }

    /** RFC 3610 §2.2 and §2.3: T = CBC-MAC(B0 ‖ AAD ‖ m), out = m xor S1.. ‖ first M bytes of (T xor S0). */
    @Override
    public int seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff) {
        checkNonce(nonce, inLen);
        Bytes.checkRange(in, inOff, inLen);
        Bytes.checkRange(out, outOff, inLen);
        Bytes.checkRange(out, outOff + inLen, tagSizeBytes);
        State st = state();
        try {
            boolean cold = st.cbcOwner != this;
            // The MAC reads the plaintext before the CTR pass may overwrite it (in-place sealing).
            cbcMac(st, nonce, aad, in, inOff, inLen);
            startCtr(st, nonce, cold, inLen);
            int n = ctr(st, in, inOff, inLen, out, outOff, true);
            for (int i = 0; i < tagSizeBytes; i++) {
                out[outOff + inLen + i] = (byte) (st.mac[i] ^ st.s0[i]);
            }
            return n + tagSizeBytes;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AES failed", e);
        }
    }

    /** Both parts stream through the CBC-MAC and the CTR pass; nothing is joined first. */
    @Override
    public int seal(byte[] nonce, byte[] aad, byte[] head, int headOff, int headLen, byte[] body, int bodyOff,
                    int bodyLen, byte[] out, int outOff) {
        return seal(nonce, aad, head, headOff, headLen, body, bodyOff, bodyLen, ZEROS, 0, out, outOff);
    }

    /** All three parts stream through the CBC-MAC and the CTR pass; nothing is joined first. */
    @Override
    public int seal(byte[] nonce, byte[] aad, byte[] head, int headOff, int headLen, byte[] body, int bodyOff,
                    int bodyLen, byte[] trailer, int trailerLen, byte[] out, int outOff) {
        int inLen = headLen + bodyLen + trailerLen;
        checkNonce(nonce, inLen);
        Bytes.checkRange(head, headOff, headLen);
        Bytes.checkRange(body, bodyOff, bodyLen);
        Bytes.checkRange(trailer, 0, trailerLen);
        Bytes.checkRange(out, outOff, inLen + tagSizeBytes);
        State st = state();
        try {
            boolean cold = st.cbcOwner != this;
            cbcMacStart(st, nonce, aad, inLen);
            macFeed(st, head, headOff, headLen);
            macFeed(st, body, bodyOff, bodyLen);
            macFeed(st, trailer, 0, trailerLen);
            cbcMacFinish(st, inLen);
            startCtr(st, nonce, cold, inLen);
            int n = ctr(st, head, headOff, headLen, out, outOff, false);
            if (trailerLen == 0) {
                n += ctr(st, body, bodyOff, bodyLen, out, outOff + n, true);
            } else {
                n += ctr(st, body, bodyOff, bodyLen, out, outOff + n, false);
                n += ctr(st, trailer, 0, trailerLen, out, outOff + n, true);
            }
            for (int i = 0; i < tagSizeBytes; i++) {
                out[outOff + inLen + i] = (byte) (st.mac[i] ^ st.s0[i]);
            }
            return n + tagSizeBytes;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AES failed", e);
        }
    }

    @Override
    public int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws RecSecException {
        Bytes.checkRange(in, inOff, inLen);
        if (inLen < tagSizeBytes) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "ciphertext shorter than the CCM tag");
        }
        int ptLen = inLen - tagSizeBytes;
        checkNonce(nonce, ptLen);
        Bytes.checkRange(out, outOff, ptLen);
        State st = state();
        // Keep the received tag before decrypting: in-place opening overwrites nothing past ptLen, but a caller's
        // out range may start anywhere at or before the tag.
        byte[] received = st.block;
        System.arraycopy(in, inOff + ptLen, received, 0, tagSizeBytes);
        boolean ok;
        try {
            startCtr(st, nonce, st.cbcOwner != this, ptLen);
            ctr(st, in, inOff, ptLen, out, outOff, true);
            cbcMac(st, nonce, aad, out, outOff, ptLen);
            // Constant time: every tag byte is compared whatever the first difference.
            int diff = 0;
            for (int i = 0; i < tagSizeBytes; i++) {
                diff |= (st.mac[i] ^ st.s0[i]) ^ received[i];
            }
            ok = diff == 0;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AES failed", e);
        }
        if (!ok) {
            Arrays.fill(out, outOff, outOff + ptLen, (byte) 0);
            throw new RecSecException(RecSecException.Reason.AUTH_FAILED, "CCM tag does not verify");
        }
        return ptLen;
    }

    private static void checkNonce(byte[] nonce, int msgLen) {
        if (nonce.length < 7 || nonce.length > 13) {
            throw new IllegalArgumentException("CCM nonce must be 7..13 bytes, was " + nonce.length);
        }
        int lengthFieldBytes = 15 - nonce.length;
        if (lengthFieldBytes < 4 && msgLen >>> (8 * lengthFieldBytes) != 0) {
            throw new IllegalArgumentException("message of " + msgLen + " bytes too long for a "
                    + nonce.length + "-byte CCM nonce");
        }
    }

    /**
     * S0 = E(A0) into st.s0 and the CTR pass positioned at A1 (RFC 3610 §2.3), on the JCE's CTR cipher, or, when
     * this call found the thread's CBC cipher holding another key ({@code cold}: the SA's slot changed hands), the
     * CTR cipher holds another key too and the message is short, through the CBC cipher itself: with a zero IV one
     * block's CBC encryption is E(A_i), so the pass costs one JCE call per block instead of the CTR cipher's key
     * expansion (the JCE expands the whole AES key schedule, about 1.3 KB, on every init with another key: with
     * traffic spread over more SAs than a thread's {@value #CACHE_SLOTS} slots, two expansions per record were most
     * of its cost). A key that stays hot (its slot keeps its CBC key) goes back to the CTR cipher on its next call.
     */
    private void startCtr(State st, byte[] nonce, boolean cold, int msgLen) throws GeneralSecurityException {
        byte[] a0 = st.counter;
        a0[0] = (byte) (14 - nonce.length); // L - 1
        System.arraycopy(nonce, 0, a0, 1, nonce.length);
        Arrays.fill(a0, 1 + nonce.length, BLOCK, (byte) 0);
        st.ctrViaCbc = cold && st.ctrOwner != this && msgLen <= CTR_VIA_CBC_MAX_BYTES;
        if (st.ctrViaCbc) {
            if (st.cbcOwner != this) {
                st.cbc.init(Cipher.ENCRYPT_MODE, key, ZERO_IV);
                st.cbcOwner = this;
            }
            st.cbc.doFinal(a0, 0, BLOCK, st.s0, 0);
            st.streamUsed = BLOCK;
            return;
        }
        st.ctr.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(a0));
        st.ctrOwner = this;
        // The JCE increments the whole block as a counter; the nonce-length check above keeps it inside L bytes.
        st.ctr.update(ZEROS, 0, BLOCK, st.s0, 0);
    }

    /** A piece of the CTR pass ({@code last}: the final one), on the JCE's CTR cipher or through the CBC cipher. */
    private static int ctr(State st, byte[] in, int off, int len, byte[] out, int outOff, boolean last)
            throws GeneralSecurityException {
        if (!st.ctrViaCbc) {
            return last ? st.ctr.doFinal(in, off, len, out, outOff) : st.ctr.update(in, off, len, out, outOff);
        }
        xorStream(st, in, off, len, out, outOff);
        return len;
    }

    /**
     * The CTR pass through the CBC cipher: the next key stream block E(A_i) whenever one is used up (the counter in
     * the last L bytes of A_i, big-endian; {@link #checkNonce} keeps it inside them). Byte by byte in order, so
     * {@code out} may be {@code in} at the same offset.
     */
    private static void xorStream(State st, byte[] in, int off, int len, byte[] out, int outOff)
            throws GeneralSecurityException {
        byte[] a = st.counter;
        for (int k = 0; k < len; k++) {
            if (st.streamUsed == BLOCK) {
                for (int i = BLOCK - 1; ++a[i] == 0 && i > 0; i--) {
                    // carry into the next counter byte
                }
                st.cbc.doFinal(a, 0, BLOCK, st.stream, 0);
                st.streamUsed = 0;
            }
            out[outOff + k] = (byte) (in[off + k] ^ st.stream[st.streamUsed++]);
        }
    }

    /** The CBC-MAC T of RFC 3610 §2.2 into st.mac, fed in as few JCE calls as the scratch buffer allows. */
    private void cbcMac(State st, byte[] nonce, byte[] aad, byte[] m, int mOff, int mLen)
            throws GeneralSecurityException {
        cbcMacStart(st, nonce, aad, mLen);
        macFeed(st, m, mOff, mLen);
        cbcMacFinish(st, mLen);
    }

    /** B0 and the AAD blocks (RFC 3610 §2.2); the message follows through {@link #macFeed}. */
    private void cbcMacStart(State st, byte[] nonce, byte[] aad, int mLen) throws GeneralSecurityException {
        Cipher cbc = st.cbc;
        if (st.cbcOwner != this) {
            // Once per thread and key: afterwards each MAC's doFinal puts the cipher back to the zero IV.
            cbc.init(Cipher.ENCRYPT_MODE, key, ZERO_IV);
        }
        st.cbcOwner = null;
        byte[] s = st.macIn;
        int lengthFieldBytes = 15 - nonce.length;
        // B0 = flags ‖ nonce ‖ l(m)
        s[0] = (byte) ((aad.length > 0 ? 0x40 : 0) | (((tagSizeBytes - 2) / 2) << 3) | (lengthFieldBytes - 1));
        System.arraycopy(nonce, 0, s, 1, nonce.length);
        for (int i = 0; i < lengthFieldBytes; i++) {
            s[15 - i] = i < 4 ? (byte) (mLen >>> (8 * i)) : 0;
        }
        int pos = BLOCK;
        if (aad.length > 0) {
            // l(a) encoding (RFC 3610 §2.2): 2 bytes below 2^16 - 2^8, else 0xFFFE ‖ 4 bytes (Java arrays stop at 2^31)
            if (aad.length < 0xff00) {
                Bytes.writeUint16Be(s, pos, aad.length);
                pos += 2;
            } else {
                s[pos] = (byte) 0xff;
                s[pos + 1] = (byte) 0xfe;
                Bytes.writeUint32Be(s, pos + 2, aad.length);
                pos += 6;
            }
            int total = pos + aad.length;
            int padded = (total + BLOCK - 1) & -BLOCK;
            if (padded <= s.length) {
                System.arraycopy(aad, 0, s, pos, aad.length);
                Arrays.fill(s, total, padded, (byte) 0);
                pos = padded;
            } else {
                macFeed(st, s, 0, pos);
                macFeed(st, aad, 0, aad.length);
                macFeed(st, ZEROS, 0, padded - total);
                pos = 0;
            }
        }
        if (pos > 0) {
            macFeed(st, s, 0, pos);
        }
    }

    /**
     * Pads the message to a whole block with zeros and ends the MAC: the JCE buffered any partial block across the
     * feeds, so after the padding nothing is left over, and doFinal only resets the chaining value.
     */
    private void cbcMacFinish(State st, int mLen) throws GeneralSecurityException {
        int pad = (BLOCK - (mLen & (BLOCK - 1))) & (BLOCK - 1);
        if (pad > 0) {
            macFeed(st, ZEROS, 0, pad);
        }
        st.cbc.doFinal(st.scratch, 0);
        st.cbcOwner = this;
    }

    /**
     * CBC-encrypts into scratch and keeps the last output block in st.mac. The JCE buffers partial blocks across
     * update calls, so the last call with output holds the final chaining value once the total input is a whole
     * number of blocks, which {@link #cbcMacFinish} ensures.
     */
    private static void macFeed(State st, byte[] in, int off, int len) throws GeneralSecurityException {
        while (len > 0) {
            int chunk = Math.min(len, SCRATCH_BYTES);
            int n = st.cbc.update(in, off, chunk, st.scratch, 0);
            if (n > 0) {
                System.arraycopy(st.scratch, n - BLOCK, st.mac, 0, BLOCK);
            }
            off += chunk;
            len -= chunk;
        }
    }

    /** Never shows key bytes. */
    @Override
    public String toString() {
        return "AesCcm[key=" + keyBits + " bits, tag=" + tagSizeBytes + " bytes]";
    }
}
