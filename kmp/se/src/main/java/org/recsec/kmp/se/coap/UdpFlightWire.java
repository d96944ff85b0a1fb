package org.recsec.kmp.se.coap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Optional;

/** A {@link FlightWire} on a UDP socket connected to the first hop (only its datagrams are received). */
public final class UdpFlightWire implements FlightWire {
    private final DatagramSocket socket;
    private final byte[] buf = new byte[65_535];

    private UdpFlightWire(DatagramSocket socket) {
        this.socket = socket;
    }

    /**
     * A socket on an ephemeral port of {@code bindAddress} (null: any), connected to {@code firstHop}.
     *
     * @throws IOException when no socket can be bound or the first hop is unresolved
     */
    public static UdpFlightWire open(InetSocketAddress firstHop, java.net.InetAddress bindAddress)
            throws IOException {
        if (firstHop.isUnresolved()) {
            throw new IOException("unresolved first hop " + firstHop);
        }
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(bindAddress, 0));
        s.connect(firstHop);
        return new UdpFlightWire(s);
    }

    @Override
    public void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length));
    }

    @Override
    public synchronized Optional<byte[]> receive(long timeoutMillis) throws IOException {
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMillis)));
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        } catch (java.net.PortUnreachableException e) {
            return Optional.empty(); // ICMP from a first hop that is not there (yet): as a loss
        }
        return Optional.of(Arrays.copyOf(buf, p.getLength()));
    }

    @Override
    public long nowMillis() {
        return System.nanoTime() / 1_000_000L;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        socket.close();
    }
}
