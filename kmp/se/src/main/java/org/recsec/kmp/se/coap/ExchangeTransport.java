package org.recsec.kmp.se.coap;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.tls.DatagramTransport;

/**
 * The {@link DatagramTransport} of one server handshake, fed by CoAP exchanges: {@link #exchange} hands the
 * client's flight to Bouncy Castle as datagrams and returns what Bouncy Castle sent until it waited for more (its
 * flight is complete) or finished. Datagrams sent outside an exchange (a resend timer) are dropped: the server
 * cannot send unasked over CoAP.
 */
final class ExchangeTransport implements DatagramTransport {
    /** Largest datagram handed over or sent: as over UDP (IPv4 MTU 1500 minus headers). */
    static final int MTU = 1472;
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private List<byte[]> collecting;
    private boolean waiting;
    private boolean finished;
    private boolean closed;
    private long dropped;

    @Override
    public int getReceiveLimit() {
        return 16_384 + 2048;
    }

    @Override
    public int getSendLimit() {
        return MTU;
    }

    @Override
    public synchronized int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        long deadline = System.nanoTime() + Math.max(1, waitMillis) * 1_000_000L;
        while (inbound.isEmpty()) {
            if (closed) {
                throw new IOException("CoAP flight transport closed");
            }
            waiting = true;
            notifyAll();
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return -1;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
        }
        waiting = false;
        byte[] d = inbound.poll();
        int n = Math.min(len, d.length);
        System.arraycopy(d, 0, buf, off, n);
        return n;
    }

    @Override
    public synchronized void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("CoAP flight transport closed");
        }
        if (collecting != null) {
            collecting.add(java.util.Arrays.copyOfRange(buf, off, off + len));
        } else {
            dropped++;
        }
    }

    /**
     * Hands {@code datagrams} over and returns what the server sent in answer, once it waits for more, finished,
     * or after {@code maxWaitMillis} (then null: the server is stuck).
     */
    synchronized List<byte[]> exchange(List<byte[]> datagrams, long maxWaitMillis) throws InterruptedException {
        if (collecting == null) {
            collecting = new ArrayList<>();
        }
        if (!datagrams.isEmpty()) {
            waiting = false;
            inbound.addAll(datagrams);
            notifyAll();
        }
        long deadline = System.nanoTime() + maxWaitMillis * 1_000_000L;
        try {
            while (!finished && !closed && !(waiting && inbound.isEmpty())) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return null;
                }
                wait(left);
            }
            return collecting;
        } finally {
            collecting = null;
        }
    }

    /**
     * Starts collecting before the server runs: its first flight (from the verified ClientHello) may be sent before
     * the first {@link #exchange} begins.
     */
    synchronized void beginFirstFlight() {
        collecting = new ArrayList<>();
    }

    /** The handshake ended (completed or failed): exchanges stop waiting. */
    synchronized void finished() {
        finished = true;
        notifyAll();
    }

    synchronized long dropped() {
        return dropped;
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
