package org.recsec.applet;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import org.bouncycastle.tls.DatagramTransport;

/** A connected loopback UDP socket (bound to port 0) as a datagram transport; receive gives -1 on timeout. */
final class UdpLink implements DatagramTransport, AutoCloseable {

    private final DatagramSocket socket;

    UdpLink(int serverPort) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort));
    }

    @Override
    public int getReceiveLimit() {
        return 1500 - 28;
    }

    @Override
    public int getSendLimit() {
        return 1500 - 28;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        socket.setSoTimeout(Math.max(1, waitMillis));
        DatagramPacket p = new DatagramPacket(buf, off, len);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return -1;
        }
        return p.getLength();
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        socket.send(new DatagramPacket(buf, off, len));
    }

    @Override
    public void close() {
        socket.close();
    }
}
