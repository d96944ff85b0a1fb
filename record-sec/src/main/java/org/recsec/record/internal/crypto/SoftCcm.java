package org.recsec.record.internal.crypto;

import java.util.Arrays;
import org.recsec.record.internal.wire.Bytes;

/**
 * One CCM operation (RFC 3610 §2.2, §2.3) on {@link Aes} with an SA's own expanded key: the CBC-MAC and the CTR
 * pass stream over any number of parts. Per-thread working state, reused for every operation of the thread; no
 * allocation. {@link AesCcm} formats B0 and the AAD blocks and decides when this path runs.
 */
final class SoftCcm {
    private static final int BLOCK = 16;
    /** B0 and the encoded AAD fit this; a longer AAD goes the JCE way. */
    static final int HEADER_BYTES = 128;
    private static final ThreadLocal<SoftCcm> LOCAL = ThreadLocal.withInitial(SoftCcm::new);

    final byte[] header = new byte[HEADER_BYTES];
    private final byte[] mac = new byte[BLOCK];
    private final byte[] counter = new byte[BLOCK];
    private final byte[] stream = new byte[BLOCK];
    private final byte[] s0 = new byte[BLOCK];
    private int[] w;
    private int macFill;
    private int streamPos;
    private int counterBytes;

    private SoftCcm() {
    }

    /** This thread's working state. */
    static SoftCcm local() {
        return LOCAL.get();
    }

    /**
     * Starts an operation: MACs the first {@code headerLen} bytes of {@link #header} (B0 and the zero-padded AAD
     * blocks, a multiple of 16), computes S0 = E(A0) and positions the counter at A1.
     */
    void start(int[] schedule, byte[] nonce, int headerLen) {
        this.w = schedule;
        Arrays.fill(mac, (byte) 0);
        macFill = 0;
        for (int off = 0; off < headerLen; off += BLOCK) {
            for (int i = 0; i < BLOCK; i++) {
                mac[i] ^= header[off + i];
            }
            Aes.encryptBlock(w, mac, 0, mac, 0);
        }
        counterBytes = 15 - nonce.length;
        counter[0] = (byte) (counterBytes - 1);
        System.arraycopy(nonce, 0, counter, 1, nonce.length);
        Arrays.fill(counter, 1 + nonce.length, BLOCK, (byte) 0);
        Aes.encryptBlock(w, counter, 0, s0, 0);
        streamPos = BLOCK; // the next keystream byte needs A1
    }

    /** Feeds message bytes to the CBC-MAC. */
    void mac(byte[] in, int off, int len) {
        for (int i = 0; i < len; i++) {
            mac[macFill++] ^= in[off + i];
            if (macFill == BLOCK) {
                Aes.encryptBlock(w, mac, 0, mac, 0);
                macFill = 0;
            }
        }
    }

    /** Ends the CBC-MAC: the zero padding of the last partial block changes nothing but needs its encryption. */
    void finishMac() {
        if (macFill > 0) {
            Aes.encryptBlock(w, mac, 0, mac, 0);
            macFill = 0;
        }
    }

    /** XORs {@code len} bytes with the CTR keystream S1, S2, ... ({@code in} and {@code out} may be one range). */
    void crypt(byte[] in, int off, int len, byte[] out, int outOff) {
        for (int i = 0; i < len; i++) {
            if (streamPos == BLOCK) {
                for (int j = BLOCK - 1; j >= BLOCK - counterBytes; j--) {
                    if (++counter[j] != 0) {
                        break;
                    }
                }
                Aes.encryptBlock(w, counter, 0, stream, 0);
                streamPos = 0;
            }
            out[outOff + i] = (byte) (in[off + i] ^ stream[streamPos++]);
        }
    }

    /** Byte {@code i} of the tag: T xor S0 (RFC 3610 §2.3). */
    int tagByte(int i) {
        return (mac[i] ^ s0[i]) & 0xff;
    }

    /** Forgets the key schedule and wipes the working blocks. */
    void end() {
        w = null;
        Arrays.fill(mac, (byte) 0);
        Arrays.fill(stream, (byte) 0);
        Arrays.fill(s0, (byte) 0);
    }

    /**
     * Writes B0 = flags ‖ nonce ‖ l(m) and, with an AAD, its length encoding l(a) (RFC 3610 §2.2) to {@code s}
     * (for both of {@link AesCcm}'s paths); returns the bytes written.
     */
    static int writeB0(byte[] s, byte[] nonce, byte[] aad, int mLen, int tagSizeBytes) {
        int lengthFieldBytes = 15 - nonce.length;
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
        }
        return pos;
    }

    /** The AAD after s[0..pos), zero-padded to a whole block: the padded length, or -1 when it does not fit s. */
    static int appendAad(byte[] s, int pos, byte[] aad) {
        int total = pos + aad.length;
        int padded = (total + BLOCK - 1) & -BLOCK;
        if (padded > s.length) {
            return -1;
        }
        System.arraycopy(aad, 0, s, pos, aad.length);
        Arrays.fill(s, total, padded, (byte) 0);
        return padded;
    }
}
