package org.recsec.kmp.ticket.exchange;

import org.recsec.km.pfkey.Endpoints;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.kmp.ticket.TicketClaims;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.kmp.ticket.TicketKeys;
import org.recsec.kmp.ticket.TicketSaParameters;
import org.recsec.kmp.ticket.TicketValidator;

/**
 * The resource server's side of the ticket exchange, independent of the transport: ACE's {@code /authz-info}
 * (RFC 9200 §5.10.1) with the nonce exchange of the OSCORE profile (RFC 9203 §4.1). {@link AuthzInfoResource} puts
 * it on a Californium server; a simulator can call {@link #handle} directly.
 *
 * <p>For one request ({@link AuthzInfoMessages}) it:
 * <ol>
 *   <li>parses the request; anything malformed (also N1 outside 8..64 bytes, an SPI outside 256..2^32-1) is
 *       answered 4.00 before the ticket is looked at, so a bad request never uses up a ticket;</li>
 *   <li>validates the ticket with the {@link TicketValidator} (audience, AS keys, clock, replay cache); a refusal
 *       is answered 4.01 with no payload, whatever the reason, so the answer tells an attacker nothing;</li>
 *   <li>reserves its inbound SPI by PF_KEY GETSPI in the configured range (a larval SA, so no concurrent exchange
 *       can take it), draws N2, derives the pair for the ticket's record profile with
 *       {@link TicketKeys#derive(org.recsec.record.base.SecretBytes, byte[], byte[], TicketSaParameters, long, long)}
 *       (key and IV for dtls12 and dtls12-cid, traffic secrets for compact), completes the inbound SA by UPDATE
 *       and adds the outbound one (SPI = the client's) by ADD, with replay window and lifetimes from the ticket and
 *       the hard lifetime capped at the ticket's {@code exp};</li>
 *   <li>answers 2.01 Created with {@code {42: N2, 44: server SPI}}, Content-Format 60.</li>
 * </ol>
 * A SAD refusal (e.g. the client's SPI already names an SA towards that client) deletes what step 3 installed and
 * is answered 5.00. Every answer but 2.01 leaves the SAD as it was. {@link #handle} never throws for any input.
 * Thread-safe if the random source and the validator's clock are.
 */
public final class AuthzInfoHandler {
    /** CoAP codes as the byte of the header ({@code class << 5 | detail}). */
    public static final int CREATED = 0x41;
    public static final int BAD_REQUEST = 0x80;
    public static final int UNAUTHORIZED = 0x81;
    public static final int INTERNAL_SERVER_ERROR = 0xa0;
    /** The nonce length the RS draws by default (RFC 9203 §4.1 asks for at least 8 bytes). */
    public static final int DEFAULT_NONCE_BYTES = 16;

    private final TicketValidator validator;
    private final SaPairInstaller sad;
    private final String localIdentity;
    private final SecureRandom random;
    private final Clock clock;
    private final int nonceBytes;
    private final long spiMin;
    private final long spiMax;

    /**
     * The answer: a CoAP response code and payload (empty except for 2.01).
     *
     * @param code CoAP code byte, e.g. {@link #CREATED}
     */
    public record Reply(int code, byte[] payload) {
        public Reply {
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reply r && code == r.code && java.util.Arrays.equals(payload, r.payload);
        }

        @Override
        public int hashCode() {
            return code * 31 + java.util.Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Reply[" + (code >>> 5) + "." + String.format("%02d", code & 0x1f) + ", " + payload.length
                    + " bytes]";
        }
    }

    /**
     * A handler drawing 16-byte nonces and inbound SPIs from 256..2^32-1.
     *
     * @param validator     the RS's validator (its audience, AS keys, clock, replay cache)
     * @param sad           a PF_KEY session on the RS's SA database, used only by this handler (GETSPI's larval SA
     *                      may be completed only by the session that reserved it)
     * @param localIdentity the RS's identity as an SA end, e.g. {@code coap://192.0.2.1:5683}; must be local in that
     *                      SAD
     * @param random        the source of N2
     * @param clock         the time the SA lifetimes are capped from (seconds until the ticket's exp)
     */
    public AuthzInfoHandler(TicketValidator validator, SadSession sad, String localIdentity, SecureRandom random,
                            Clock clock) {
        this(validator, sad, localIdentity, random, clock, DEFAULT_NONCE_BYTES, SaSpec.MIN_SPI, 0xffffffffL);
    }

    /**
     * As above, with the N2 length and the range the inbound SPI is drawn from (RFC 2367 §2.3.8; a range of one
     * SPI asks for exactly that one, e.g. to replay a test vector).
     *
     * @throws IllegalArgumentException for a nonce length outside 8..64 or a range outside 256..2^32-1
     */
    public AuthzInfoHandler(TicketValidator validator, SadSession sad, String localIdentity, SecureRandom random,
                            Clock clock, int nonceBytes, long spiMin, long spiMax) {
        this.validator = Objects.requireNonNull(validator, "validator");
        this.sad = new SaPairInstaller(Objects.requireNonNull(sad, "sad"));
        this.localIdentity = Objects.requireNonNull(localIdentity, "localIdentity");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        AuthzInfoMessages.checkNonceAndSpiRange(nonceBytes, spiMin, spiMax);
        this.nonceBytes = nonceBytes;
        this.spiMin = spiMin;
        this.spiMax = spiMax;
    }

    /** The RS's identity as an SA end. */
    public String localIdentity() {
        return localIdentity;
    }

    /**
     * Handles one POST to {@code /authz-info}.
     *
     * @param request        the request payload
     * @param clientIdentity the client's identity as an SA end, as the transport saw it (e.g.
     *                       {@code coap://ADDR:PORT} of the datagram's source, {@code Endpoints.coapUri})
     * @return 2.01 with the response map, or 4.00 / 4.01 / 5.00 with an empty payload
     */
    public Reply handle(byte[] request, String clientIdentity) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(clientIdentity, "clientIdentity");
        AuthzInfoMessages.Request req;
        try {
            req = AuthzInfoMessages.decodeRequest(request);
        } catch (TicketExchangeException e) {
            return empty(BAD_REQUEST);
        }
        TicketClaims claims;
        try {
            claims = validator.validate(req.ticket());
        } catch (TicketException e) {
            return empty(UNAUTHORIZED);
        }
        TicketSaParameters sa = claims.sa();
        long serverSpi;
        try {
            serverSpi = sad.reserveInbound(clientIdentity, localIdentity, spiMin, spiMax);
        } catch (TicketExchangeException e) {
            return empty(INTERNAL_SERVER_ERROR);
        }
        byte[] n2 = new byte[nonceBytes];
        random.nextBytes(n2);
        try {
            TicketKeys.SaPairKeys keys = TicketKeys.derive(claims.cnfKey(), req.nonce1(), n2, sa, req.clientSpi(),
                    serverSpi);
            SaSpec[] pair = SaPairInstaller.specs(keys, clientIdentity, localIdentity, sa,
                    claims.expiresAtEpochSeconds(), clock.instant().getEpochSecond());
            sad.complete(pair[0], pair[1]);
        } catch (TicketException | TicketExchangeException | IllegalArgumentException e) {
            // TicketException cannot happen (both nonces were checked); IllegalArgumentException would be an
            // identity the SAD's messages cannot carry. Either way nothing stays installed.
            sad.release(serverSpi, clientIdentity, localIdentity);
            return empty(INTERNAL_SERVER_ERROR);
        }
        return new Reply(CREATED, new AuthzInfoMessages.Response(n2, serverSpi).encode());
    }

    private static Reply empty(int code) {
        return new Reply(code, new byte[0]);
    }
}
