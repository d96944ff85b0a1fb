package org.recsec.kmp.se;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/**
 * The server's unconnected socket as a datagram transport to one client: datagrams from anyone else are dropped
 * (a connected socket would make the kernel answer other clients with ICMP port unreachable).
 */
final class SePeerTransport implements org.bouncycastle.tls.DatagramTransport {
    private final DatagramSocket socket;
    private final InetSocketAddress peer;

    SePeerTransport(DatagramSocket socket, InetSocketAddress peer) {
        this.socket = socket;
        this.peer = peer;
    }

    @Override
    public int getReceiveLimit() {
        return 1500;
    }

    @Override
    public int getSendLimit() {
        return 1400;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        long deadline = System.nanoTime() + Math.max(1, waitMillis) * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return -1;
            }
            socket.setSoTimeout((int) left);
            DatagramPacket p = new DatagramPacket(buf, off, len);
            try {
                socket.receive(p);
            } catch (java.net.SocketTimeoutException e) {
                return -1;
            }
            if (peer.equals(p.getSocketAddress())) {
                return p.getLength();
            }
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        socket.send(new DatagramPacket(buf, off, len, peer));
    }

    @Override
    public void close() {
        // the server's socket outlives each client
    }
}
