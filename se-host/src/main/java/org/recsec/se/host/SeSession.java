package org.recsec.se.host;


import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A finished card handshake: the card is ESTABLISHED (epoch 1; its records start at sequence 1), the socket still
 * connected to the peer. Hand it to the SE KMP ({@code org.recsec.kmp.se.SeKmp}) to install the SA pair, or use it directly (the CLI does).
 * {@link #close()} RESETs the card (its keys are wiped) and closes the socket.
 */
public final class SeSession implements AutoCloseable {
    private final DtlsIso7816Agent agent;
    private final SocketAgent socket;
    private final byte[] clientRandom;
    private final byte[] serverRandom;
    private final ApduCounter.Snapshot handshakeCost;
    private final List<byte[]> earlyRecords;

    SeSession(DtlsIso7816Agent agent, SocketAgent socket, byte[] clientRandom, byte[] serverRandom,
              ApduCounter.Snapshot handshakeCost, List<byte[]> earlyRecords) {
        this.agent = agent;
        this.socket = socket;
        this.clientRandom = clientRandom.clone();
        this.serverRandom = serverRandom.clone();
        this.handshakeCost = handshakeCost;
        this.earlyRecords = earlyRecords;
    }

    public DtlsIso7816Agent agent() {
        return agent;
    }

    public SocketAgent socket() {
        return socket;
    }

    /** The ClientHello's random (the card's), 32 bytes. */
    public byte[] clientRandom() {
        return clientRandom.clone();
    }

    /** The ServerHello's random, 32 bytes. */
    public byte[] serverRandom() {
        return serverRandom.clone();
    }

    /** APDUs and ISO 7816 bytes from SELECT to the card's acceptance of the server Finished. */
    public ApduCounter.Snapshot handshakeCost() {
        return handshakeCost;
    }

    /** Application records (epoch 1) that arrived during the handshake, unopened. */
    public List<byte[]> earlyRecords() {
        return earlyRecords;
    }

    /** The card seals {@code plaintext} as application data and the record goes to the peer; returns the record. */
    public byte[] sendApplicationData(byte[] plaintext) throws SeException, IOException {
        byte[] record = agent.encrypt(DtlsRecords.APPLICATION_DATA, plaintext, 0, plaintext.length);
        socket.send(record);
        return record;
    }

    /**
     * The next application record from the peer opened by the card, or empty when none arrived within
     * {@code timeoutMillis}; other records (handshake retransmissions, alerts) are skipped.
     */
    public Optional<byte[]> receiveApplicationData(int timeoutMillis) throws SeException, IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return Optional.empty();
            }
            Optional<List<byte[]>> records = socket.recvFlight((int) left);
            if (records.isEmpty()) {
                return Optional.empty();
            }
            for (byte[] r : records.get()) {
                if (DtlsRecords.type(r) == DtlsRecords.APPLICATION_DATA && DtlsRecords.epoch(r) == 1) {
                    return Optional.of(agent.decrypt(r, 0, r.length));
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            agent.close();
        } catch (SeException e) {
            // The card is gone or refuses RESET: its session dies with the next SELECT anyway.
        }
        socket.close();
    }
}
