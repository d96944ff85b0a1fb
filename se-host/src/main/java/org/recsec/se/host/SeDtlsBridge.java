package org.recsec.se.host;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The host bridge for every DTLS 1.2 mode of the applet (PSK or certificate, full or resumed; applet/README.md)
 * over a connected UDP socket: reassembles fragmented handshake messages (RFC 6347 §4.2.3), drops retransmitted
 * ones, hands each server flight to the card in EAP messages of at most {@link SeTlsBridge#CARD_BUFFER} bytes,
 * sends the card's records one per datagram, and retransmits the card's last flight while the server is silent
 * (RFC 6347 §4.2.4, a fixed 1 s timer, 10 times). A message longer than the card's buffer, or more than 8
 * messages in reassembly at once, ends the handshake with an IOException.
 */
public final class SeDtlsBridge {
    private final SeCard card;
    private final DatagramSocket socket;
    private final DtlsFlightFeed feed;
    private List<byte[]> lastFlight = new ArrayList<>();
    private byte[] clientRandom;

    /** {@code socket} must be connected to the server. */
    public SeDtlsBridge(SeCard card, DatagramSocket socket) {
        this.card = Objects.requireNonNull(card);
        this.socket = Objects.requireNonNull(socket);
        this.feed = new DtlsFlightFeed(card);
        if (!socket.isConnected()) {
            throw new IllegalArgumentException("the socket must be connected to the server");
        }
    }

    /**
     * Runs the handshake the card was RESET for; true when it was abbreviated.
     *
     * @throws SeException when the card refuses a message
     * @throws IOException on an alert from the server, a silent server, or a socket error
     */
    public boolean handshake() throws SeException, IOException {
        feed.reset();
        clientRandom = null;
        byte[] hello = card.eapStart();
        // DTLS record header 13, handshake header 12, client_version 2, then the random
        if (hello.length < 59 || hello[0] != 22 || hello[13] != 1) {
            throw new SeException("the card's first record is not a ClientHello");
        }
        clientRandom = Arrays.copyOfRange(hello, 27, 59);
        toServer(hello);
        int silent = 0;
        while (true) {
            byte[] d = datagram(1000);
            if (d == null) {
                if (++silent > 10) {
                    throw new IOException("the server stays silent");
                }
                resend();
                continue;
            }
            silent = 0;
            for (byte[] r : DtlsRecords.split(d)) {
                if (r[0] == 21) {
                    throw new IOException("alert from the server during the handshake");
                }
                if (feed.isFinished(r)) {
                    toServer(feed.finished(r));
                    if (feed.serverRandom() == null) {
                        throw new SeException("handshake finished without a ServerHello");
                    }
                    return !feed.helloDone();
                }
                byte[] answer = feed.serverRecord(r);
                if (answer != null) {
                    toServer(answer);
                }
            }
        }
    }

    /**
     * client_random of the last {@link #handshake()} (the card's ClientHello), 32 bytes.
     *
     * @throws IllegalStateException before a handshake
     */
    public byte[] clientRandom() {
        if (clientRandom == null) {
            throw new IllegalStateException("no handshake yet");
        }
        return clientRandom.clone();
    }

    /**
     * server_random of the last finished {@link #handshake()} (the ServerHello), 32 bytes.
     *
     * @throws IllegalStateException before a finished handshake
     */
    public byte[] serverRandom() {
        byte[] serverRandom = feed.serverRandom();
        if (serverRandom == null) {
            throw new IllegalStateException("no finished handshake yet");
        }
        return serverRandom.clone();
    }

    /** The card seals the plaintext as application data, one datagram to the server; returns the record. */
    public byte[] send(byte[] plaintext) throws SeException, IOException {
        byte[] r = card.processEap(0x97, plaintext);
        socket.send(new DatagramPacket(r, r.length));
        return r;
    }

    /** The next application record from the server within the wait, opened by the card; empty if none came. */
    public Optional<byte[]> receive(int waitMillis) throws SeException, IOException {
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            byte[] d = left <= 0 ? null : datagram((int) left);
            if (d == null) {
                return Optional.empty();
            }
            for (byte[] r : DtlsRecords.split(d)) {
                if (r[0] == 23) {
                    return Optional.of(card.processEap(0, r));
                }
            }
        }
    }

    /** close_notify sealed by the card. */
    public void closeNotify() throws SeException, IOException {
        byte[] r = card.processEap(0x80 | 21, new byte[] {1, 0});
        socket.send(new DatagramPacket(r, r.length));
    }

    private void toServer(byte[] records) throws IOException {
        if (records.length == 0) {
            return;
        }
        lastFlight = DtlsRecords.split(records);
        resend();
    }

    private void resend() throws IOException {
        for (byte[] r : lastFlight) {
            socket.send(new DatagramPacket(r, r.length));
        }
    }

    private byte[] datagram(int millis) throws IOException {
        socket.setSoTimeout(Math.max(1, millis));
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buf, p.getLength());
    }
}
