package org.recsec.californium;

import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import org.eclipse.californium.elements.UDPConnector;
import org.eclipse.californium.elements.config.Configuration;

/**
 * Californium's UDP connector with the transport guard's earliest check ({@link RecordGuard#dropsEarly}): a
 * protected datagram from a source in the penalty box ({@link SourcePenalties}), or one naming an unknown SPI once
 * the second's stateless answers are spent, is dropped on the receiver thread straight after {@code receive},
 * before Californium copies it, builds its endpoint context and raw-data objects and logs it. Everything else goes
 * on to Californium's {@code processDatagram} and then {@link RecordGuard}.
 */
final class GuardedUdpConnector extends UDPConnector {
    private volatile RecordGuard guard;

    GuardedUdpConnector(InetSocketAddress bind, Configuration configuration) {
        super(bind, configuration);
    }

    /** The guard whose early check this connector applies (set once, before the connector starts). */
    void guardedBy(RecordGuard guard) {
        this.guard = guard;
    }

    @Override
    public void processDatagram(DatagramPacket datagram) {
        RecordGuard g = guard;
        if (g != null && g.dropsEarly(datagram.getAddress(), datagram.getPort(), datagram.getData(),
                datagram.getOffset(), datagram.getLength())) {
            return;
        }
        super.processDatagram(datagram);
    }
}
