package org.recsec.se.host;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The socket agent of draft-urien-core-identity-module-coap §3 (seed 000): Open, Close, Recv-Flight and
 * Send-Flight towards the DTLS peer, whatever carries the flights. {@link UdpSocketAgent} carries them in UDP
 * datagrams (RFC 6347 §4.1); {@code org.recsec.kmp.se.coap.CoapSocketAgent} carries them in CoAP messages through
 * forward proxies. {@link SeHandshake} and {@link SeSession} only use this interface, so the card's flights are the
 * same bytes over either.
 */
public interface SocketAgent extends AutoCloseable {
    /** Send-Flight: the card's records, in order, as one flight. */
    void sendFlight(List<byte[]> records) throws IOException;

    /**
     * Recv-Flight: the peer's next records (possibly an empty list), or empty when nothing came within
     * {@code timeoutMillis} (at least 1) or the carrier gave up on the last flight: the caller's retransmission
     * timer then decides (RFC 6347 §4.2.4).
     */
    Optional<List<byte[]>> recvFlight(int timeoutMillis) throws IOException;

    /** Sends one datagram's worth of records (an application record after the handshake) as it is. */
    void send(byte[] datagram) throws IOException;

    /** Close. */
    @Override
    void close();
}
