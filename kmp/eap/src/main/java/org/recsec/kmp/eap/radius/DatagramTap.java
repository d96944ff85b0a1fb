package org.recsec.kmp.eap.radius;

import java.net.InetSocketAddress;

/**
 * Sees every datagram a {@link RadiusClient} sends or receives, as it is on the wire (e.g. to write a capture file).
 * Called on the client's thread; must not block and must not keep the array.
 */
@FunctionalInterface
public interface DatagramTap {
    /** One UDP datagram from {@code src} to {@code dst}. */
    void datagram(InetSocketAddress src, InetSocketAddress dst, byte[] bytes);
}
