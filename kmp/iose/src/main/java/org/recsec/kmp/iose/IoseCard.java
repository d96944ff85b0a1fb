package org.recsec.kmp.iose;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Host side of the IoSE applet's commands (applet/README-iose.md): personalisation, READ-SEN, RESET and the
 * EAP-TLS framing of TLS records in PROCESS APDUs (RFC 3748 §4, RFC 5216 §3): the host's message goes in fragments
 * of at most 240 bytes (the first with L and the total length, all but the last with M, each acknowledged by an
 * empty EAP-Response), the card's answer is fetched fragment by fragment with empty EAP-Requests.
 */
public final class IoseCard {
    static final int CLA = 0x80;
    static final int INS_RESET = 0x19;
    static final int INS_PROCESS = 0x80;
    static final int INS_PERSONALISE = 0x30;
    static final int INS_READ_SEN = 0x32;
    static final int INS_FACTORY_RESET = 0x36;
    static final int INS_GET_STATUS = 0x38;
    static final int INS_SA_INFO = 0x3A;
    static final int INS_SA_SEAL = 0x3C;
    static final int INS_SA_OPEN = 0x3E;
    static final int FRAGMENT = 240;
    /** Largest TLS input one PROCESS takes (the card's reassembly buffer). */
    public static final int MAX_INPUT = 900;
    /** Bound on one exchange's answer: the shell answers at most 900/4 lines of 612 bytes each. */
    static final int MAX_ANSWER = 160 * 1024;
    private static final int FLAG_L = 0x80;
    private static final int FLAG_M = 0x40;
    private static final int FLAG_CLOSED = 0x01;

    private final SeLink link;
    private int id;
    private final java.util.concurrent.atomic.AtomicLong apdus = new java.util.concurrent.atomic.AtomicLong();

    /** @param link the card's ISO 7816 link */
    public IoseCard(SeLink link) {
        this.link = link;
    }

    /** The card's answer to one PROCESS exchange. */
    public record Answer(byte[] records, boolean closed) {
    }

    /** The link this card is reached over. */
    public SeLink link() {
        return link;
    }

    /** APDUs sent so far. */
    public long apdus() {
        return apdus.get();
    }

    /** The record SA on the card (SA-INFO): the SPIs and the DTLS 1.2 suite, 0xC0A4 or 0xC0A8. */
    public record SaInfo(long clientToCard, long cardToClient, int suite) {
    }

    /** SA-INFO: the record SA the shell's {@code r} line derived on the card; SeException 6985 when there is none. */
    public SaInfo saInfo() throws IOException {
        byte[] d = command(INS_SA_INFO, null);
        if (d.length != 10) {
            throw new SeException("SA-INFO answer of " + d.length + " bytes", -1);
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(d);
        return new SaInfo(b.getInt() & 0xFFFFFFFFL, b.getInt() & 0xFFFFFFFFL, b.getShort() & 0xFFFF);
    }

    /**
     * SA-SEAL: the card seals {@code plaintext} as one DTLS 1.2 record of its card-to-client SA with this epoch and
     * sequence number (above the last one it sealed, else SeException 6985).
     */
    public byte[] saSeal(int contentType, int epoch, long seq, byte[] plaintext) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(9 + plaintext.length);
        b.putShort((short) epoch).putShort((short) (seq >>> 32)).putInt((int) seq).put((byte) contentType)
                .put(plaintext);
        return command(INS_SA_SEAL, b.array());
    }

    /** SA-OPEN: the card opens one DTLS 1.2 record of its client-to-card SA (SeException 6988 when it does not verify). */
    public byte[] saOpen(byte[] record) throws IOException {
        return command(INS_SA_OPEN, record);
    }

    private byte[] command(int ins, byte[] data) throws IOException {
        byte[] c;
        if (data == null || data.length == 0) {
            c = new byte[] {(byte) CLA, (byte) ins, 0, 0, 0};
        } else {
            if (data.length > 255) {
                throw new IllegalArgumentException("APDU data over 255 bytes");
            }
            c = new byte[5 + data.length + 1];
            c[0] = (byte) CLA;
            c[1] = (byte) ins;
            c[4] = (byte) data.length;
            System.arraycopy(data, 0, c, 5, data.length);
        }
        apdus.incrementAndGet();
        byte[] r = link.transmit(c);
        int sw = ((r[r.length - 2] & 0xFF) << 8) | (r[r.length - 1] & 0xFF);
        if (sw != 0x9000) {
            throw new SeException(String.format("INS %02X refused by %s", ins, link.describe()), sw);
        }
        byte[] d = new byte[r.length - 2];
        System.arraycopy(r, 0, d, 0, d.length);
        return d;
    }

    /** The IoSE applet's AID prefix as installed by {@link SimulatedSes}; a real card's AID is its issuer's choice. */
    public static final byte[] AID_PREFIX = {(byte) 0xF0, 'i', 'o', 's', 'e'};

    /** SELECT by AID (ISO 7816-4 §11.1.1), for a link that reaches a card with several applets (a PC/SC reader). */
    public void select(byte[] aid) throws IOException {
        byte[] c = new byte[5 + aid.length];
        c[1] = (byte) 0xA4;
        c[2] = 0x04;
        c[4] = (byte) aid.length;
        System.arraycopy(aid, 0, c, 5, aid.length);
        apdus.incrementAndGet();
        byte[] r = link.transmit(c);
        int sw = ((r[r.length - 2] & 0xFF) << 8) | (r[r.length - 1] & 0xFF);
        if (sw != 0x9000) {
            throw new SeException("SELECT refused by " + link.describe(), sw);
        }
    }

    /** RESET: the card forgets its TLS session (a new connection starts). */
    public void reset() throws IOException {
        command(INS_RESET, null);
    }

    /** FACTORY-RESET: wipes identity, PSK, SEN and certificate; the key pairs stay. */
    public void factoryReset() throws IOException {
        command(INS_FACTORY_RESET, "WIPE".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * PERSONALISE with the provider's PSK (draft-urien-coinrg-iose §8.2): identity 1..64 bytes, PSK 16..64 bytes,
     * SEN 1..64 ASCII bytes.
     */
    public void personalise(byte[] identity, byte[] psk, String sen) throws IOException {
        byte[] s = sen.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(identity.length);
        b.writeBytes(identity);
        b.write(psk.length);
        b.writeBytes(psk);
        b.write(s.length);
        b.writeBytes(s);
        command(INS_PERSONALISE, b.toByteArray());
    }

    /** READ-SEN: the name the card answers to (the grid learns it from the card, not from configuration). */
    public String readSen() throws IOException {
        return new String(command(INS_READ_SEN, null), StandardCharsets.US_ASCII);
    }

    /**
     * The SEN the card's ATR carries in its historical bytes ({@code Atr#sen}: {@code 80 5L SEN}), or empty when the
     * link has no ATR or the ATR carries none.
     *
     * @throws org.recsec.se.host.Atr.MalformedAtrException when the reader's ATR breaks ISO/IEC 7816-3 §8.2
     */
    public java.util.Optional<String> atrSen() throws IOException {
        java.util.Optional<byte[]> atr = link.atr();
        return atr.isEmpty() ? java.util.Optional.empty() : org.recsec.se.host.Atr.parse(atr.get()).sen();
    }

    /** GET-STATUS: state, personalised, ALPN selected, EAP mode. */
    public byte[] status() throws IOException {
        return command(INS_GET_STATUS, null);
    }

    /**
     * Hands the client's TLS records (whole records, at most {@link #MAX_INPUT} bytes) to the card and returns its
     * records and whether it ended the session.
     */
    public Answer exchange(byte[] records) throws IOException {
        if (records.length == 0 || records.length > MAX_INPUT) {
            throw new IllegalArgumentException("TLS input of " + records.length + " bytes");
        }
        int ident = (++id) & 0xFF;
        int pos = 0;
        byte[] answer;
        while (true) {
            boolean first = pos == 0;
            int n = Math.min(FRAGMENT, records.length - pos);
            boolean more = pos + n < records.length;
            int flags = (first ? FLAG_L : 0) | (more ? FLAG_M : 0);
            int len = 6 + (first ? 4 : 0) + n;
            byte[] eap = new byte[len];
            eap[0] = 1;
            eap[1] = (byte) ident;
            eap[2] = (byte) (len >> 8);
            eap[3] = (byte) len;
            eap[4] = 13;
            eap[5] = (byte) flags;
            int o = 6;
            if (first) {
                eap[8] = (byte) (records.length >> 8);
                eap[9] = (byte) records.length;
                o = 10;
            }
            System.arraycopy(records, pos, eap, o, n);
            pos += n;
            answer = command(INS_PROCESS, eap);
            if (!more) {
                break;
            }
            checkHeader(answer, ident);
            if (answer.length != 6 || (answer[5] & ~FLAG_CLOSED) != 0) {
                throw new SeException("card did not acknowledge a fragment", -1);
            }
        }
        // the answer: one or more segments, each opening with an L fragment that gives its length; M on a
        // fragment (also on a segment's last) means the host fetches more with an empty EAP-Request
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean closed = false;
        int segStart = 0;
        int segTotal = -1;
        while (true) {
            checkHeader(answer, ident);
            int flags = answer[5] & 0xFF;
            closed |= (flags & FLAG_CLOSED) != 0;
            int o = 6;
            if ((flags & FLAG_L) != 0) {
                if (answer.length < 10 || (segTotal >= 0 && out.size() - segStart != segTotal)) {
                    throw new SeException("malformed L fragment", -1);
                }
                segStart = out.size();
                segTotal = ((answer[8] & 0xFF) << 8) | (answer[9] & 0xFF);
                o = 10;
            }
            out.write(answer, o, answer.length - o);
            if (out.size() > MAX_ANSWER) {
                throw new SeException("card answer too long", -1);
            }
            if ((flags & FLAG_M) == 0) {
                break;
            }
            answer = command(INS_PROCESS, new byte[] {1, (byte) ident, 0, 6, 13, 0});
        }
        byte[] r = out.toByteArray();
        if (segTotal >= 0 && r.length - segStart != segTotal) {
            throw new SeException("card answer length differs from the announced one", -1);
        }
        return new Answer(r, closed);
    }

    private static void checkHeader(byte[] a, int ident) throws SeException {
        if (a.length < 6 || a[0] != 2 || (a[1] & 0xFF) != ident || a[4] != 13
                || (((a[2] & 0xFF) << 8) | (a[3] & 0xFF)) != a.length) {
            throw new SeException("malformed EAP-Response from the card", -1);
        }
    }
}
