package org.recsec.kmp.ticket.exchange;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.kmp.ticket.TicketKeys;
import org.recsec.kmp.ticket.TicketValidator;
import org.recsec.kmp.ticket.internal.CborReader;
import org.recsec.kmp.ticket.internal.CborValue;
import org.recsec.kmp.ticket.internal.CborWriter;

/**
 * The two CBOR maps of the ticket exchange on {@code /authz-info}, as ACE posts an access token (RFC 9200 §5.10.1)
 * with the nonce exchange of the OSCORE profile (RFC 9203 §4.1), Content-Format {@code application/cbor} (60):
 * <pre>
 *   request  (client to RS, POST)  = { 1 (access_token): bstr,        ; the ticket, opaque to the client
 *                                      40 (nonce1): bstr .size (8..64),
 *                                      43 (ace_client_recipientid): uint }  ; the client's inbound SPI
 *   response (RS to client, 2.01)   = { 42 (nonce2): bstr .size (8..64),
 *                                      44 (ace_server_recipientid): uint }  ; the RS's inbound SPI
 * </pre>
 * The labels are those of the ACE parameters registry (RFC 9200 §8.10, RFC 9203 §9.2). Where RFC 9203 carries
 * OSCORE recipient IDs as byte strings, an SPI here is a CBOR unsigned integer in {@code 256..2^32-1} (0..255 are
 * reserved, RFC 4301 §4.1): each end names the SPI under which it wants to receive, as each end of RFC 9203 names
 * its recipient ID. Encoding follows the strict rules of TICKETS.md ("CBOR rules": definite lengths, shortest
 * heads, no repeated keys, no trailing bytes); keys other than the ones above are ignored (RFC 9200 §5.10.1 lets
 * other parameters travel with the token); a present key with the wrong type or range is refused.
 */
public final class AuthzInfoMessages {
    /** CoAP Content-Format {@code application/cbor} (RFC 8949 §9.3). */
    public static final int CONTENT_FORMAT_CBOR = 60;
    public static final long ACCESS_TOKEN = 1;
    public static final long NONCE1 = 40;
    public static final long NONCE2 = 42;
    public static final long CLIENT_SPI = 43;
    public static final long SERVER_SPI = 44;
    /** Upper bound on a request: the largest ticket, the largest nonce and the map overhead. */
    public static final int MAX_REQUEST_BYTES = TicketValidator.MAX_TICKET_BYTES + TicketKeys.MAX_NONCE_BYTES + 32;
    /** Upper bound on a response. */
    public static final int MAX_RESPONSE_BYTES = TicketKeys.MAX_NONCE_BYTES + 32;
    private static final long MAX_SPI = 0xffffffffL;

    private AuthzInfoMessages() {
    }

    /**
     * The client's POST. {@code toString} shows lengths and the SPI only.
     *
     * @param ticket    the ticket as the AS issued it
     * @param nonce1    N1, 8..64 bytes
     * @param clientSpi the client's inbound SPI (the SPI of the RS's outbound SA)
     */
    public record Request(byte[] ticket, byte[] nonce1, long clientSpi) {
        public Request {
            Objects.requireNonNull(ticket, "ticket");
            checkNonce(nonce1);
            checkSpi(clientSpi);
            ticket = ticket.clone();
            nonce1 = nonce1.clone();
        }

        @Override
        public byte[] ticket() {
            return ticket.clone();
        }

        @Override
        public byte[] nonce1() {
            return nonce1.clone();
        }

        public byte[] encode() {
            return new CborWriter().mapHeader(3).integer(ACCESS_TOKEN).bytes(ticket).integer(NONCE1).bytes(nonce1)
                    .integer(CLIENT_SPI).integer(clientSpi).toByteArray();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && java.util.Arrays.equals(ticket, r.ticket)
                    && java.util.Arrays.equals(nonce1, r.nonce1) && clientSpi == r.clientSpi;
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(ticket) * 31 + java.util.Arrays.hashCode(nonce1) + Long.hashCode(clientSpi);
        }

        @Override
        public String toString() {
            return "Request[ticket " + ticket.length + " bytes, N1 " + nonce1.length + " bytes, client spi 0x"
                    + Long.toHexString(clientSpi) + "]";
        }
    }

    /**
     * The RS's 2.01 answer.
     *
     * @param nonce2    N2, 8..64 bytes
     * @param serverSpi the RS's inbound SPI (the SPI of the client's outbound SA)
     */
    public record Response(byte[] nonce2, long serverSpi) {
        public Response {
            checkNonce(nonce2);
            checkSpi(serverSpi);
            nonce2 = nonce2.clone();
        }

        @Override
        public byte[] nonce2() {
            return nonce2.clone();
        }

        public byte[] encode() {
            return new CborWriter().mapHeader(2).integer(NONCE2).bytes(nonce2).integer(SERVER_SPI).integer(serverSpi)
                    .toByteArray();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && java.util.Arrays.equals(nonce2, r.nonce2) && serverSpi == r.serverSpi;
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(nonce2) * 31 + Long.hashCode(serverSpi);
        }

        @Override
        public String toString() {
            return "Response[N2 " + nonce2.length + " bytes, server spi 0x" + Long.toHexString(serverSpi) + "]";
        }
    }

    /**
     * Parses a request.
     *
     * @throws TicketExchangeException {@code MALFORMED}: too long, not strict CBOR, not a map, a missing or
     *                                 mistyped parameter, a nonce outside 8..64 bytes, an SPI outside 256..2^32-1
     */
    public static Request decodeRequest(byte[] in) throws TicketExchangeException {
        Objects.requireNonNull(in, "in");
        CborValue.Map map = map(in, MAX_REQUEST_BYTES);
        byte[] ticket = bytes(map, ACCESS_TOKEN, "access_token");
        byte[] n1 = nonce(map, NONCE1, "nonce1");
        long spi = spi(map, CLIENT_SPI, "ace_client_recipientid");
        return new Request(ticket, n1, spi);
    }

    /**
     * Parses a response.
     *
     * @throws TicketExchangeException {@code MALFORMED} as {@link #decodeRequest}
     */
    public static Response decodeResponse(byte[] in) throws TicketExchangeException {
        Objects.requireNonNull(in, "in");
        CborValue.Map map = map(in, MAX_RESPONSE_BYTES);
        return new Response(nonce(map, NONCE2, "nonce2"), spi(map, SERVER_SPI, "ace_server_recipientid"));
    }

    private static CborValue.Map map(byte[] in, int max) throws TicketExchangeException {
        if (in.length > max) {
            throw malformed("longer than " + max + " bytes");
        }
        CborValue v;
        try {
            v = CborReader.decode(in);
        } catch (TicketException e) {
            throw new TicketExchangeException(TicketExchangeException.Reason.MALFORMED, "not strict CBOR", e);
        }
        if (!(v instanceof CborValue.Map m)) {
            throw malformed("not a CBOR map");
        }
        // CborReader refuses repeated keys already; non-integer keys are refused too, as ACE parameters are ints.
        Set<Long> seen = new HashSet<>();
        for (CborValue.Entry e : m.entries()) {
            if (!(e.key() instanceof CborValue.Int i) || !seen.add(i.value())) {
                throw malformed("map keys must be distinct integers");
            }
        }
        return m;
    }

    private static byte[] bytes(CborValue.Map m, long key, String name) throws TicketExchangeException {
        CborValue v = m.get(key).orElse(null);
        if (!(v instanceof CborValue.Bytes b)) {
            throw malformed(name + " (" + key + ") missing or not a byte string");
        }
        return b.value().clone();
    }

    private static byte[] nonce(CborValue.Map m, long key, String name) throws TicketExchangeException {
        byte[] n = bytes(m, key, name);
        if (n.length < TicketKeys.MIN_NONCE_BYTES || n.length > TicketKeys.MAX_NONCE_BYTES) {
            throw malformed(name + " must be " + TicketKeys.MIN_NONCE_BYTES + ".." + TicketKeys.MAX_NONCE_BYTES
                    + " bytes");
        }
        return n;
    }

    private static long spi(CborValue.Map m, long key, String name) throws TicketExchangeException {
        CborValue v = m.get(key).orElse(null);
        if (!(v instanceof CborValue.Int i)) {
            throw malformed(name + " (" + key + ") missing or not an integer");
        }
        if (i.value() < SaSpec.MIN_SPI || i.value() > MAX_SPI) {
            throw malformed(name + " must be " + SaSpec.MIN_SPI + "..2^32-1");
        }
        return i.value();
    }

    static void checkNonce(byte[] n) {
        Objects.requireNonNull(n, "nonce");
        if (n.length < TicketKeys.MIN_NONCE_BYTES || n.length > TicketKeys.MAX_NONCE_BYTES) {
            throw new IllegalArgumentException("nonce must be " + TicketKeys.MIN_NONCE_BYTES + ".."
                    + TicketKeys.MAX_NONCE_BYTES + " bytes");
        }
    }

    static void checkSpi(long spi) {
        if (spi < SaSpec.MIN_SPI || spi > MAX_SPI) {
            throw new IllegalArgumentException("SPI must be " + SaSpec.MIN_SPI + "..2^32-1");
        }
    }

    /** The configuration checks both ends share: nonce length and the range their inbound SPI is drawn from. */
    static void checkNonceAndSpiRange(int nonceBytes, long spiMin, long spiMax) {
        if (nonceBytes < TicketKeys.MIN_NONCE_BYTES || nonceBytes > TicketKeys.MAX_NONCE_BYTES) {
            throw new IllegalArgumentException("nonce length must be " + TicketKeys.MIN_NONCE_BYTES + ".."
                    + TicketKeys.MAX_NONCE_BYTES);
        }
        checkSpi(spiMin);
        checkSpi(spiMax);
        if (spiMin > spiMax) {
            throw new IllegalArgumentException("empty SPI range");
        }
    }

    private static TicketExchangeException malformed(String why) {
        return new TicketExchangeException(TicketExchangeException.Reason.MALFORMED, why);
    }
}
