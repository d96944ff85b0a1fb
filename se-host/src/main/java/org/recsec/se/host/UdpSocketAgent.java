package org.recsec.se.host;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The socket agent of draft-urien-core-identity-module-coap §3 (seed 000): Open, Close, Recv-Flight and
 * Send-Flight over a real UDP {@link DatagramSocket} connected to the DTLS peer. Send-Flight packs whole records
 * into datagrams of at most {@value #MAX_DATAGRAM} bytes (a record is never split across datagrams, RFC 6347
 * §4.1.1); Recv-Flight returns the records of the next datagram.
 */
public final class UdpSocketAgent implements SocketAgent {
    /** Largest datagram sent: an IPv4 path MTU of 1500 minus IP and UDP headers. */
    public static final int MAX_DATAGRAM = 1472;
    private static final int RECEIVE_BUFFER = 65535;
    private final DatagramSocket socket;
    private final byte[] buf = new byte[RECEIVE_BUFFER];
    private long datagramsSent;
    private long datagramsReceived;

    private UdpSocketAgent(DatagramSocket socket) {
        this.socket = socket;
    }

    /**
     * Open: a socket on an ephemeral port, connected to {@code peer} (only its datagrams are received).
     *
     * @throws IOException when no socket can be bound or the peer is unresolved
     */
    public static UdpSocketAgent open(InetSocketAddress peer) throws IOException {
        if (peer.isUnresolved()) {
            throw new IOException("unresolved peer " + peer);
        }
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(peer.getAddress().isLoopbackAddress()
                ? peer.getAddress() : null, 0));
        s.connect(peer);
        return new UdpSocketAgent(s);
    }

    /** Send-Flight: the records, packed in order into as few datagrams as fit. */
    @Override
    public synchronized void sendFlight(List<byte[]> records) throws IOException {
        List<byte[]> pack = new ArrayList<>();
        int size = 0;
        for (byte[] r : records) {
            if (!pack.isEmpty() && size + r.length > MAX_DATAGRAM) {
                send(DtlsRecords.concat(pack));
                pack.clear();
                size = 0;
            }
            pack.add(r);
            size += r.length;
        }
        if (!pack.isEmpty()) {
            send(DtlsRecords.concat(pack));
        }
    }

    /** Sends one datagram as it is. */
    @Override
    public synchronized void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length));
        datagramsSent++;
    }

    /**
     * Recv-Flight: the records of the next datagram from the peer, or empty when none came within
     * {@code timeoutMillis} (at least 1).
     */
    @Override
    public Optional<List<byte[]>> recvFlight(int timeoutMillis) throws IOException {
        return receive(timeoutMillis).map(DtlsRecords::split);
    }

    /** The next datagram, or empty when none came within {@code timeoutMillis}. */
    public Optional<byte[]> receive(int timeoutMillis) throws IOException {
        synchronized (buf) {
            socket.setSoTimeout(Math.max(1, timeoutMillis));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            datagramsReceived++;
            return Optional.of(java.util.Arrays.copyOf(buf, p.getLength()));
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public synchronized long datagramsSent() {
        return datagramsSent;
    }

    public long datagramsReceived() {
        synchronized (buf) {
            return datagramsReceived;
        }
    }

    /** Close. */
    @Override
    public void close() {
        socket.close();
    }
}
