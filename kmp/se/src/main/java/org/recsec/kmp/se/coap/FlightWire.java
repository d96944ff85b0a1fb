package org.recsec.kmp.se.coap;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the client's CoAP datagrams go: its first hop (the proxy, or the server without one). {@link UdpFlightWire}
 * is a UDP socket; a simulator supplies its own, with virtual time.
 */
public interface FlightWire extends AutoCloseable {
    /** Sends one datagram to the first hop. */
    void send(byte[] datagram) throws IOException;

    /** The next datagram from the first hop, or empty when none came within {@code timeoutMillis}. */
    Optional<byte[]> receive(long timeoutMillis) throws IOException;

    /** The wire's clock, in milliseconds (monotonic). */
    long nowMillis();

    @Override
    void close();
}
