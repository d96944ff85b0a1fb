package org.recsec.kmp.se.coap;

import java.io.IOException;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DatagramTransport;
import org.recsec.kmp.se.PskDtlsServer;

/**
 * One server-side DTLS handshake mode, run by {@link CoapFlightServer} on the datagram transport its CoAP exchanges
 * feed. The PSK mode is {@link #psk}; another mode (certificates, resumption) plugs in as another engine: the CoAP
 * side does not look inside the records.
 */
@FunctionalInterface
public interface DtlsServerEngine {
    /**
     * Runs one handshake from a ClientHello that carried a valid cookie (RFC 6347 §4.2.1), blocking until it
     * completed or failed. The server's flight timer should stay off ({@link #NO_RESEND_MILLIS}): a server cannot
     * send unasked over CoAP.
     *
     * @throws IOException the handshake failed (alert sent or received, timeout, transport closed)
     */
    PskDtlsServer.Established accept(DatagramTransport transport, DTLSRequest request) throws IOException;

    /** A server resend timer long enough never to fire during a handshake. */
    int NO_RESEND_MILLIS = 600_000;
    /**
     * How long a server handshake may take over CoAP: as long as {@link CoapFlightServer} keeps it, which covers a
     * client's CoAP exchanges given up and a flight sent again (EXCHANGE_LIFETIME, RFC 7252 §4.8.2, is 247 s).
     */
    int HANDSHAKE_TIMEOUT_MILLIS = (int) CoapFlightServer.DEFAULT_LIFETIME_MILLIS;

    /** {@link PskDtlsServer}'s PSK mode (TLS_PSK_WITH_AES_128_CCM_8) with its resend timer off. */
    static DtlsServerEngine psk(byte[] identity, byte[] psk, java.security.SecureRandom random) {
        byte[] id = identity.clone();
        byte[] key = psk.clone();
        return (transport, request) -> PskDtlsServer.accept(transport, request, null, id, key, random,
                NO_RESEND_MILLIS, HANDSHAKE_TIMEOUT_MILLIS);
    }
}
