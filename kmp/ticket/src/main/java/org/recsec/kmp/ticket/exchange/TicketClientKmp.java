package org.recsec.kmp.ticket.exchange;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.elements.exception.ConnectorException;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.kmp.ticket.TicketKeys;
import org.recsec.kmp.ticket.TicketSaParameters;

/**
 * The client's side of the ticket exchange (RFC 9200 §5.10.1 with the nonces of RFC 9203 §4.1): posts the ticket
 * with N1 and its inbound SPI to the RS's {@code /authz-info}, and from the RS's N2 and SPI derives the SA pair
 * ({@link TicketKeys#derive}) and installs it in its own SAD through PF_KEY only:
 * <ol>
 *   <li>GETSPI reserves the client's inbound SPI (in the configured range) as a larval SA;</li>
 *   <li>POST {@code {1: ticket, 40: N1, 43: client SPI}}, Content-Format 60 (see {@link AuthzInfoMessages});</li>
 *   <li>on 2.01 with {@code {42: N2, 44: server SPI}}: UPDATE completes the inbound SA, ADD installs the outbound
 *       one, with replay window and lifetimes from the grant, the hard lifetime capped at the ticket's exp.</li>
 * </ol>
 * Any failure deletes the larval or installed inbound SA, so the client's SAD ends as it was. Nothing in the
 * exchange itself is authenticated (as in RFC 9203): the first protected message proves both ends derived the same
 * keys. Thread-safe if the random source is; one exchange per call.
 */
public final class TicketClientKmp {
    /** The nonce length the client draws by default. */
    public static final int DEFAULT_NONCE_BYTES = 16;

    private final SaPairInstaller sad;
    private final SecureRandom random;
    private final Clock clock;
    private final int nonceBytes;
    private final long spiMin;
    private final long spiMax;

    /**
     * A client drawing 16-byte nonces and inbound SPIs from 256..2^32-1.
     *
     * @param sad    a PF_KEY session on the client's SA database, used only by this KMP
     * @param random the source of N1
     * @param clock  the time the SA lifetimes are capped from (seconds until the ticket's exp)
     */
    public TicketClientKmp(SadSession sad, SecureRandom random, Clock clock) {
        this(sad, random, clock, DEFAULT_NONCE_BYTES, SaSpec.MIN_SPI, 0xffffffffL);
    }

    /**
     * As above, with the N1 length and the range of the inbound SPI (one SPI asks for exactly that one).
     *
     * @throws IllegalArgumentException for a nonce length outside 8..64 or a range outside 256..2^32-1
     */
    public TicketClientKmp(SadSession sad, SecureRandom random, Clock clock, int nonceBytes, long spiMin,
                           long spiMax) {
        this.sad = new SaPairInstaller(Objects.requireNonNull(sad, "sad"));
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        AuthzInfoMessages.checkNonceAndSpiRange(nonceBytes, spiMin, spiMax);
        this.nonceBytes = nonceBytes;
        this.spiMin = spiMin;
        this.spiMax = spiMax;
    }

    /**
     * Runs the exchange with the RS at {@code rsUri} and installs the pair.
     *
     * @param grant          the ticket, cnf key and SA parameters from the AS
     * @param rsUri          the RS as {@code coap://HOST[:PORT]} (no path): the POST goes to
     *                       {@code rsUri/authz-info}, and the string is the RS's identity in the client's SAs
     * @param coap           the CoAP client to send with (its endpoint and timeout are used; its URI is not)
     * @param clientIdentity this client's identity as an SA end, local in its SAD; normally
     *                       {@code coap://ADDR:PORT} of the client's endpoint, which is what the RS sees
     * @return the SPIs and identities of the installed pair
     * @throws TicketExchangeException {@code TICKET_REFUSED} on 4.01; {@code UNEXPECTED_RESPONSE} on another code or
     *                                 Content-Format; {@code MALFORMED} for a response that is not the map of
     *                                 {@link AuthzInfoMessages}; {@code TRANSPORT} on timeout or endpoint failure;
     *                                 {@code SAD_REFUSED} when the SAD refused GETSPI, UPDATE or ADD. In every case
     *                                 the client's SAD is as before. The pair has the grant's record profile
     *                                 (dtls12, dtls12-cid or compact, {@link TicketKeys}).
     * @throws IllegalArgumentException for an {@code rsUri} that is not {@code coap://HOST[:PORT]}
     */
    public InstalledPair establish(TicketGrant grant, String rsUri, CoapClient coap, String clientIdentity)
            throws TicketExchangeException {
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(coap, "coap");
        Objects.requireNonNull(clientIdentity, "clientIdentity");
        String target = authzInfoUri(rsUri);
        TicketSaParameters sa = grant.sa();
        long clientSpi = sad.reserveInbound(rsUri, clientIdentity, spiMin, spiMax);
        try {
            byte[] n1 = new byte[nonceBytes];
            random.nextBytes(n1);
            AuthzInfoMessages.Response response = post(coap, target,
                    new AuthzInfoMessages.Request(grant.ticket(), n1, clientSpi));
            TicketKeys.SaPairKeys keys = TicketKeys.derive(grant.cnfKey(), n1, response.nonce2(), sa, clientSpi,
                    response.serverSpi());
            SaSpec[] pair = SaPairInstaller.specs(keys, clientIdentity, rsUri, sa, grant.expiresAtEpochSeconds(),
                    clock.instant().getEpochSecond());
            sad.complete(pair[1], pair[0]);
            return new InstalledPair(clientSpi, response.serverSpi(), clientIdentity, rsUri, sa.suite());
        } catch (TicketException e) {
            sad.release(clientSpi, rsUri, clientIdentity);
            throw new TicketExchangeException(TicketExchangeException.Reason.MALFORMED, "nonce out of range", e);
        } catch (TicketExchangeException | RuntimeException e) {
            sad.release(clientSpi, rsUri, clientIdentity);
            throw e;
        }
    }

    private static AuthzInfoMessages.Response post(CoapClient coap, String target, AuthzInfoMessages.Request body)
            throws TicketExchangeException {
        Request request = Request.newPost();
        request.setURI(target);
        request.setPayload(body.encode());
        request.getOptions().setContentFormat(AuthzInfoMessages.CONTENT_FORMAT_CBOR);
        CoapResponse response;
        try {
            response = coap.advanced(request);
        } catch (ConnectorException | IOException e) {
            throw new TicketExchangeException(TicketExchangeException.Reason.TRANSPORT, "POST to /authz-info failed",
                    e);
        }
        if (response == null) {
            throw new TicketExchangeException(TicketExchangeException.Reason.TRANSPORT,
                    "no response from /authz-info");
        }
        if (response.getCode() == ResponseCode.UNAUTHORIZED) {
            throw new TicketExchangeException(TicketExchangeException.Reason.TICKET_REFUSED,
                    "the resource server refused the ticket");
        }
        if (response.getCode() != ResponseCode.CREATED
                || !response.getOptions().isContentFormat(AuthzInfoMessages.CONTENT_FORMAT_CBOR)) {
            throw new TicketExchangeException(TicketExchangeException.Reason.UNEXPECTED_RESPONSE,
                    "/authz-info answered " + response.getCode() + " with Content-Format "
                            + response.getOptions().getContentFormat());
        }
        return AuthzInfoMessages.decodeResponse(response.getPayload());
    }

    /** {@code rsUri/authz-info}, after checking {@code rsUri} is {@code coap://HOST[:PORT]}. */
    static String authzInfoUri(String rsUri) {
        Objects.requireNonNull(rsUri, "rsUri");
        URI u;
        try {
            u = new URI(rsUri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("RS URI does not parse", e);
        }
        if (!"coap".equalsIgnoreCase(u.getScheme()) || u.getHost() == null
                || u.getRawPath() != null && !u.getRawPath().isEmpty() || u.getRawQuery() != null
                || u.getRawFragment() != null || u.getRawUserInfo() != null) {
            throw new IllegalArgumentException("RS URI must be coap://HOST[:PORT] without a path");
        }
        return rsUri + "/" + AuthzInfoResource.NAME;
    }
}
