package org.recsec.californium;

import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import org.eclipse.californium.elements.UDPConnector;
import org.eclipse.californium.elements.config.Configuration;

/**
 * Californium's UDP connector with the transport guard's earliest check: a protected datagram from a source in the
 * penalty box ({@link SourcePenalties}) is dropped on the receiver thread straight after {@code receive}, before
 * Californium copies it, builds its endpoint context and raw-data objects and logs it. Nothing is allocated for
 * such a datagram. Everything else goes on to Californium's {@code processDatagram} and then {@link RecordGuard}.
 */
final class GuardedUdpConnector extends UDPConnector {
    private final SourcePenalties penalties;

    GuardedUdpConnector(InetSocketAddress bind, Configuration configuration, SourcePenalties penalties) {
        super(bind, configuration);
        this.penalties = penalties;
    }

    @Override
    public void processDatagram(DatagramPacket datagram) {
        if (penalties.penalized(datagram.getAddress(), datagram.getPort())
                && RecordPreParse.spi(datagram.getData(), datagram.getOffset(), datagram.getLength())
                != RecordPreParse.NONE) {
            penalties.countDrop();
            return;
        }
        super.processDatagram(datagram);
    }
}
