package org.recsec.se.host;


import java.io.ByteArrayOutputStream;
import java.util.Objects;
import javax.smartcardio.CardException;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/**
 * The recsec applet's APDU commands (applet/README.md) over a {@link CardLink}: SELECT, RESET, PERSONALISE,
 * READ-SEN, EXPORT-SA, FACTORY-RESET, GET-STATUS, and PROCESS-EAP with the EAP-TLS framing of RFC 3748 / RFC 5216
 * as the applet uses it (seed 003 §3): the host sends a message in fragments of at most {@value #FRAGMENT} bytes
 * (L and the total on the first of several, M on all but the last, each answered by the card's ACK
 * {@code 02 id 00 06 0D 00}), then fetches the card's answer fragment by fragment with empty EAP-Requests.
 *
 * <p>The card's answers are checked as strictly as the card checks ours: EAP code 2, the identifier echoed, EAP
 * Length equal to the APDU data, type 13, no reserved flag, the announced total kept. Any deviation or any status
 * word other than 9000 is an {@link SeException}; nothing the card sends can make the host allocate more than
 * {@value #MAX_MESSAGE} bytes for one message. Not thread-safe: one user at a time (the SE cipher synchronises).
 */
public final class SeCard {
    /** F0 'recsec' 01: the applet's proprietary AID. */
    static final byte[] AID = {(byte) 0xF0, 0x72, 0x65, 0x63, 0x73, 0x65, 0x63, 0x01};
    /** EAP data bytes per APDU: 6 + 4 + 200 stays under the 255-byte Lc and jcardsim's 260-byte buffer. */
    public static final int FRAGMENT = 200;
    /** Largest message either way (the EAP-TLS length is 4 bytes, the card's buffer 1088; this bounds the host). */
    public static final int MAX_MESSAGE = 65535;

    static final int CLA = 0x80;
    static final int INS_RESET = 0x19;
    static final int INS_PROCESS_EAP = 0x80;
    static final int INS_PERSONALISE = 0x30;
    static final int INS_READ_SEN = 0x32;
    static final int INS_EXPORT_SA = 0x34;
    static final int INS_FACTORY_RESET = 0x36;
    static final int INS_GET_STATUS = 0x38;
    static final int INS_GENERATE_KEYPAIR = 0x50;
    static final int INS_READ_PUBLIC_KEY = 0x52;
    static final int INS_WRITE_CERT = 0x54;
    static final int INS_EAP_KEYS = 0x3A;
    /** Largest optional data and USRK length EAP-KEYS takes (applet/README.md). */
    public static final int USRK_MAX_DATA = 120;
    public static final int USRK_MAX_LENGTH = 128;
    /** RESET P2 bits (applet/README.md): TLS records, certificate mode, offer the stored session. */
    public static final int MODE_TLS = 0x01;
    public static final int MODE_CERT = 0x02;
    public static final int MODE_RESUME = 0x04;
    /** Policy bit 0: EXPORT-SA allowed. */
    public static final int POLICY_EXPORT = 0x01;
    static final int EAP_TLS = 13;
    static final int FLAG_L = 0x80;
    static final int FLAG_M = 0x40;
    static final int FLAG_S = 0x20;
    /** GET-STATUS state byte when the handshake finished. */
    public static final int STATE_ESTABLISHED = 5;
    /** GET-STATUS state byte after EXPORT-SA. */
    public static final int STATE_EXPORTED = 6;

    private final CardLink link;
    private int eapId;

    public SeCard(CardLink link) {
        this.link = Objects.requireNonNull(link);
    }

    public CardLink link() {
        return link;
    }

    static CommandAPDU selectCommand() {
        return new CommandAPDU(0x00, 0xA4, 0x04, 0x00, AID);
    }

    /** SELECT by AID; the card wipes any session. */
    public void select() throws SeException {
        check(send(selectCommand()), "SELECT");
    }

    /** RESET (80 19 10 00): the card drops its session and is IDLE. */
    public void reset() throws SeException {
        check(send(new CommandAPDU(CLA, INS_RESET, 0x10, 0x00)), "RESET");
    }

    /**
     * RESET with a mode (RESET P2): {@link #MODE_TLS}, {@link #MODE_CERT}, {@link #MODE_RESUME} or 0 (DTLS, PSK).
     */
    public void reset(int mode) throws SeException {
        if ((mode & ~7) != 0) {
            throw new IllegalArgumentException("mode bits 0..2 only");
        }
        check(send(new CommandAPDU(CLA, INS_RESET, 0x10, mode)), "RESET");
    }

    /** GENERATE-KEYPAIR: a new RSA-2048 key pair on the card (its certificate is forgotten). */
    public void generateKeyPair() throws SeException {
        check(send(new CommandAPDU(CLA, INS_GENERATE_KEYPAIR, 0, 0)), "GENERATE-KEYPAIR");
    }

    /** READ-PUBLIC-KEY: {modulus (256 bytes), public exponent}. */
    public byte[][] readPublicKey() throws SeException {
        byte[] hi = check(send(new CommandAPDU(CLA, INS_READ_PUBLIC_KEY, 0, 0, 256)), "READ-PUBLIC-KEY");
        byte[] lo = check(send(new CommandAPDU(CLA, INS_READ_PUBLIC_KEY, 0, 1, 256)), "READ-PUBLIC-KEY");
        byte[] e = check(send(new CommandAPDU(CLA, INS_READ_PUBLIC_KEY, 1, 0, 256)), "READ-PUBLIC-KEY");
        if (hi.length != 128 || lo.length != 128 || e.length < 1 || e.length > 4) {
            throw new SeException("READ-PUBLIC-KEY answered a key that is not RSA-2048");
        }
        byte[] n = java.util.Arrays.copyOf(hi, 256);
        System.arraycopy(lo, 0, n, 128, 128);
        return new byte[][] {n, e};
    }

    /**
     * WRITE-CERT in chunks of {@value #FRAGMENT} bytes: {@code anchor} false for the card's own certificate (it
     * must certify the card's key), true for the trust anchor (write-once until FACTORY-RESET).
     */
    public void writeCertificate(boolean anchor, byte[] der) throws SeException {
        if (der.length < 1 || der.length > 1024) {
            throw new IllegalArgumentException("a certificate of 1..1024 bytes");
        }
        for (int o = 0; o < der.length; o += FRAGMENT) {
            byte[] chunk = java.util.Arrays.copyOfRange(der, o, Math.min(der.length, o + FRAGMENT));
            check(send(new CommandAPDU(CLA, INS_WRITE_CERT, anchor ? 1 : 0, o == 0 ? 0 : 1, chunk)), "WRITE-CERT");
        }
    }

    /**
     * PERSONALISE: write-once PSK identity, PSK, secure element name and policy.
     *
     * @throws SeException SW 6985 when already personalised, 6A80 for lengths the card refuses (identity/PSK 1..64,
     *                     SEN 0..64)
     */
    public void personalise(int policy, byte[] identity, byte[] psk, byte[] sen) throws SeException {
        if (identity.length > 64 || psk.length > 64 || sen.length > 64) {
            throw new IllegalArgumentException("identity, PSK and SEN are at most 64 bytes");
        }
        byte[] d = new byte[4 + identity.length + psk.length + sen.length];
        int o = 0;
        d[o++] = (byte) policy;
        d[o++] = (byte) identity.length;
        System.arraycopy(identity, 0, d, o, identity.length);
        o += identity.length;
        d[o++] = (byte) psk.length;
        System.arraycopy(psk, 0, d, o, psk.length);
        o += psk.length;
        d[o++] = (byte) sen.length;
        System.arraycopy(sen, 0, d, o, sen.length);
        try {
            check(send(new CommandAPDU(CLA, INS_PERSONALISE, 0, 0, d)), "PERSONALISE");
        } finally {
            java.util.Arrays.fill(d, (byte) 0);
        }
    }

    /** FACTORY-RESET ("WIPE"): PSK, identity, SEN and policy erased; the card can be personalised again. */
    public void factoryReset() throws SeException {
        check(send(new CommandAPDU(CLA, INS_FACTORY_RESET, 0, 0, new byte[] {0x57, 0x49, 0x50, 0x45})),
                "FACTORY-RESET");
    }

    /** GET-STATUS: state, EAP mode, personalised, policy. */
    public byte[] status() throws SeException {
        byte[] s = check(send(new CommandAPDU(CLA, INS_GET_STATUS, 0, 0, 256)), "GET-STATUS");
        if (s.length != 4) {
            throw new SeException("GET-STATUS answered " + s.length + " bytes, not 4");
        }
        return s;
    }

    /** READ-SEN: the secure element name (0..64 bytes). */
    public byte[] readSen() throws SeException {
        return check(send(new CommandAPDU(CLA, INS_READ_SEN, 0, 0, 256)), "READ-SEN");
    }

    /**
     * EXPORT-SA: the 66-byte SA of a finished handshake; the card wipes its keys.
     *
     * @throws SeException 6986 when the policy forbids export, 6985 before the handshake finished
     */
    public ExportedSa exportSa() throws SeException {
        byte[] a = check(send(new CommandAPDU(CLA, INS_EXPORT_SA, 0, 0, 256)), "EXPORT-SA");
        try {
            return ExportedSa.parse(a);
        } finally {
            java.util.Arrays.fill(a, (byte) 0);
        }
    }

    /**
     * EAP-KEYS P1 00 (RFC 5216 §2.3 on the card): the first call after a finished handshake makes the card derive MSK
     * and EMSK and keep them; every call answers the 65-byte Session-Id {@code 0x0D ‖ client.random ‖
     * server.random}. The MSK and the EMSK never leave the card.
     *
     * @throws SeException 6985 when no handshake finished since the last RESET/SELECT, or the answer is not 65 bytes
     */
    public byte[] eapSessionId() throws SeException {
        byte[] sid = check(send(new CommandAPDU(CLA, INS_EAP_KEYS, 0, 0, 256)), "EAP-KEYS");
        if (sid.length != 65 || sid[0] != EAP_TLS) {
            throw new SeException("EAP-KEYS answered a Session-Id of " + sid.length + " bytes");
        }
        return sid;
    }

    /**
     * EAP-KEYS P1 01: USRK = KDF(EMSK, "CoAP Record SA Root Key@recsec.invalid", optionalData, length), RFC 5295
     * §3.1.2 computed on the card (its only label).
     *
     * @param optionalData 0..{@value #USRK_MAX_DATA} bytes (the application server's identity)
     * @param length       1..{@value #USRK_MAX_LENGTH}
     * @throws SeException 6985 before {@link #eapSessionId()}, or an answer of another length
     */
    public org.recsec.record.base.SecretBytes usrk(byte[] optionalData, int length) throws SeException {
        if (optionalData.length > USRK_MAX_DATA || length < 1 || length > USRK_MAX_LENGTH) {
            throw new IllegalArgumentException("optional data 0..120 bytes, length 1..128");
        }
        CommandAPDU c = optionalData.length == 0 ? new CommandAPDU(CLA, INS_EAP_KEYS, 1, length, 256)
                : new CommandAPDU(CLA, INS_EAP_KEYS, 1, length, optionalData, 256);
        byte[] k = check(send(c), "EAP-KEYS");
        try {
            if (k.length != length) {
                throw new SeException("EAP-KEYS answered " + k.length + " bytes, not " + length);
            }
            return org.recsec.record.base.SecretBytes.copyOf(k);
        } finally {
            java.util.Arrays.fill(k, (byte) 0);
        }
    }

    /** EAP-TLS Start (flag S): the card answers its ClientHello record. */
    public byte[] eapStart() throws SeException {
        return collect(request(0, FLAG_S, -1, new byte[0], 0, 0), 0);
    }

    /**
     * Sends one PROCESS-EAP message with {@code p2} (00 handshake or open a record, 80|type seal) and returns the
     * card's whole answer (empty when it has nothing to send).
     */
    public byte[] processEap(int p2, byte[] payload) throws SeException {
        if (payload.length > MAX_MESSAGE) {
            throw new IllegalArgumentException("EAP-TLS message over " + MAX_MESSAGE + " bytes");
        }
        int off = 0;
        boolean first = true;
        byte[] answer;
        while (true) {
            int n = Math.min(FRAGMENT, payload.length - off);
            boolean more = off + n < payload.length;
            int flags = (first && more ? FLAG_L : 0) | (more ? FLAG_M : 0);
            answer = request(p2, flags, first && more ? payload.length : -1, payload, off, n);
            off += n;
            first = false;
            if (!more) {
                break;
            }
            if (answer.length != 6 || answer[0] != 2 || answer[1] != (byte) eapId || answer[2] != 0
                    || answer[3] != 6 || answer[4] != EAP_TLS || answer[5] != 0) {
                throw new SeException("the card did not acknowledge an EAP fragment");
            }
        }
        return collect(answer, p2);
    }

    private byte[] collect(byte[] d, int p2) throws SeException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long total = -1;
        // Every fragment but the last carries at least one byte, so MAX_MESSAGE + 1 answers bound the loop.
        for (int i = 0; i <= MAX_MESSAGE + 1; i++) {
            if (d.length < 6 || d[0] != 2 || d[1] != (byte) eapId || d[4] != EAP_TLS
                    || (((d[2] & 0xff) << 8) | (d[3] & 0xff)) != d.length) {
                throw new SeException("malformed EAP-Response from the card");
            }
            int flags = d[5] & 0xff;
            if ((flags & ~(FLAG_L | FLAG_M)) != 0) {
                throw new SeException("EAP-Response with reserved flags");
            }
            int o = 6;
            if ((flags & FLAG_L) != 0) {
                if (d.length < 10 || total >= 0 || out.size() > 0) {
                    throw new SeException("EAP-TLS length misplaced in the card's answer");
                }
                total = ((long) (d[6] & 0xff) << 24) | ((d[7] & 0xff) << 16) | ((d[8] & 0xff) << 8) | (d[9] & 0xff);
                if (total > MAX_MESSAGE) {
                    throw new SeException("the card announced an answer of " + total + " bytes");
                }
                o = 10;
            }
            int n = d.length - o;
            if ((flags & FLAG_M) != 0 && (total < 0 || n == 0)) {
                throw new SeException("EAP fragment with M but without length or data");
            }
            if (out.size() + n > (total >= 0 ? total : MAX_MESSAGE)) {
                throw new SeException("the card sent more than it announced");
            }
            out.write(d, o, n);
            if ((flags & FLAG_M) == 0) {
                if (total >= 0 && out.size() != total) {
                    throw new SeException("the card sent less than it announced");
                }
                return out.toByteArray();
            }
            d = request(p2, 0, -1, new byte[0], 0, 0);
        }
        throw new SeException("the card's answer does not end");
    }

    /** One EAP-Request; the card's EAP-Response (APDU data) when it answers 9000. */
    private byte[] request(int p2, int flags, int tlsLength, byte[] data, int off, int n) throws SeException {
        eapId = (eapId + 1) & 0xff;
        int len = 6 + (tlsLength >= 0 ? 4 : 0) + n;
        byte[] eap = new byte[len];
        eap[0] = 1;
        eap[1] = (byte) eapId;
        eap[2] = (byte) (len >> 8);
        eap[3] = (byte) len;
        eap[4] = EAP_TLS;
        eap[5] = (byte) flags;
        int o = 6;
        if (tlsLength >= 0) {
            eap[6] = (byte) (tlsLength >>> 24);
            eap[7] = (byte) (tlsLength >>> 16);
            eap[8] = (byte) (tlsLength >>> 8);
            eap[9] = (byte) tlsLength;
            o = 10;
        }
        System.arraycopy(data, off, eap, o, n);
        return check(send(new CommandAPDU(CLA, INS_PROCESS_EAP, 0, p2, eap, 256)), "PROCESS-EAP");
    }

    private ResponseAPDU send(CommandAPDU c) throws SeException {
        try {
            return link.transmit(c);
        } catch (CardException e) {
            throw new SeException("card link: " + e.getMessage(), e);
        }
    }

    private static byte[] check(ResponseAPDU r, String what) throws SeException {
        if (r.getSW() != 0x9000) {
            throw new SeException(what + " refused", r.getSW(), null);
        }
        return r.getData();
    }
}
