package org.recsec.applet;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;

/** One end of an in-memory datagram link; {@link #pair()} makes two connected ends. */
final class MemoryDatagramTransport implements DatagramTransport {

    static final int MTU = 1500 - 28;

    private final BlockingQueue<byte[]> in;
    private final BlockingQueue<byte[]> out;
    private volatile boolean closed;

    private MemoryDatagramTransport(BlockingQueue<byte[]> in, BlockingQueue<byte[]> out) {
        this.in = in;
        this.out = out;
    }

    static MemoryDatagramTransport[] pair() {
        BlockingQueue<byte[]> a = new LinkedBlockingQueue<>();
        BlockingQueue<byte[]> b = new LinkedBlockingQueue<>();
        return new MemoryDatagramTransport[] {new MemoryDatagramTransport(a, b), new MemoryDatagramTransport(b, a)};
    }

    @Override
    public int getReceiveLimit() {
        return MTU;
    }

    @Override
    public int getSendLimit() {
        return MTU;
    }

    /** Returns the datagram length, or -1 when nothing arrived within waitMillis (Bouncy Castle's timeout). */
    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        try {
            byte[] d = in.poll(waitMillis, TimeUnit.MILLISECONDS);
            if (d == null) {
                return -1;
            }
            int n = Math.min(len, d.length);
            System.arraycopy(d, 0, buf, off, n);
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The next datagram or null after waitMillis. */
    byte[] receive(int waitMillis) throws IOException {
        byte[] buf = new byte[MTU];
        int n = receive(buf, 0, buf.length, waitMillis);
        return n < 0 ? null : java.util.Arrays.copyOf(buf, n);
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        out.add(java.util.Arrays.copyOfRange(buf, off, off + len));
    }

    void send(byte[] datagram) throws IOException {
        send(datagram, 0, datagram.length);
    }

    @Override
    public void close() {
        closed = true;
    }
}
