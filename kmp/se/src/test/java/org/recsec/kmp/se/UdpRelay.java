package org.recsec.kmp.se;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.function.Function;

/**
 * A UDP relay on loopback between one client and a server, whose two hooks decide what each datagram becomes
 * (dropped: empty list; rewritten, split, duplicated, reordered: several).
 */
final class UdpRelay implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final Thread thread;
    private volatile InetSocketAddress client;
    private volatile boolean closing;

    UdpRelay(InetSocketAddress server, Function<byte[], List<byte[]>> toServer,
             Function<byte[], List<byte[]>> toClient) throws SocketException {
        this.server = server;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(100);
        thread = new Thread(() -> {
            byte[] buf = new byte[65535];
            while (!closing) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    byte[] d = java.util.Arrays.copyOf(buf, p.getLength());
                    boolean fromServer = p.getSocketAddress().equals(server);
                    if (!fromServer) {
                        client = (InetSocketAddress) p.getSocketAddress();
                    }
                    InetSocketAddress to = fromServer ? client : server;
                    if (to == null) {
                        continue;
                    }
                    for (byte[] out : (fromServer ? toClient : toServer).apply(d)) {
                        socket.send(new DatagramPacket(out, out.length, to));
                    }
                } catch (SocketTimeoutException e) {
                    // poll closing
                } catch (IOException e) {
                    return;
                }
            }
        }, "udp-relay");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        closing = true;
        socket.close();
    }
}
