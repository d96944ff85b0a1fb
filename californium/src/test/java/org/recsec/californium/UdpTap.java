package org.recsec.californium;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A UDP forwarder on loopback between one client and the server: what a client sends to {@link #address()} goes to
 * the server, what the server answers goes back to the last client. Records every datagram in both directions
 * (after mutation) and can rewrite them, as an on-path attacker would.
 */
final class UdpTap implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final Thread thread;
    final List<byte[]> toServer = new CopyOnWriteArrayList<>();
    final List<byte[]> toClient = new CopyOnWriteArrayList<>();
    volatile UnaryOperator<byte[]> toServerMutator = UnaryOperator.identity();
    volatile UnaryOperator<byte[]> toClientMutator = UnaryOperator.identity();
    private volatile InetSocketAddress client;

    UdpTap(InetSocketAddress server) throws SocketException {
        this.server = server;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.thread = new Thread(this::run, "udp-tap");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void run() {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                byte[] data = Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
                InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                if (from.equals(server)) {
                    data = toClientMutator.apply(data);
                    toClient.add(data);
                    if (client != null) {
                        socket.send(new DatagramPacket(data, data.length, client));
                    }
                } else {
                    client = from;
                    data = toServerMutator.apply(data);
                    toServer.add(data);
                    socket.send(new DatagramPacket(data, data.length, server));
                }
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Applies {@code m} to the next datagram only. */
    static UnaryOperator<byte[]> once(UnaryOperator<byte[]> m) {
        boolean[] done = {false};
        return d -> {
            synchronized (done) {
                if (done[0]) {
                    return d;
                }
                done[0] = true;
            }
            return m.apply(d);
        };
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(2000);
    }
}
