package org.recsec.se.host;



import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs the card's DTLS 1.2 handshake against a peer over UDP (or CoAP): the bridge between the
 * {@link DtlsIso7816Agent} and a {@link SocketAgent} ({@link UdpSocketAgent}, or the CoAP flight transport). It keeps the card's last flight and resends it when the timer of
 * {@link Retransmission} expires or when the peer retransmits its own flight (RFC 6347 §4.2.4), and lets the
 * {@link HandshakeReassembler} reassemble, order, deduplicate and batch the peer's messages before the card sees
 * them. The card itself never retransmits.
 */
public final class SeHandshake {
    /** Least time between two resends triggered by the peer's retransmissions (no echo storms). */
    private static final long DUPLICATE_RESEND_GAP_NANOS = 250_000_000L;

    private SeHandshake() {
    }

    /**
     * Opens the card session (SELECT, RESET) and runs the handshake to the card's acceptance of the peer's Finished.
     *
     * @return the established session; the card is ESTABLISHED
     * @throws SeException the card refused a message (its SW), the peer sent an alert, or the peer did not answer
     *                     a flight sent {@code policy.maxSends()} times
     * @throws IOException the socket failed
     */
    public static SeSession run(DtlsIso7816Agent agent, SocketAgent socket, Retransmission policy)
            throws SeException, IOException {
        Objects.requireNonNull(policy);
        ApduCounter.Snapshot before = agent.card().link().counter().snapshot();
        agent.open();
        HandshakeReassembler reassembler = new HandshakeReassembler();
        List<byte[]> flight = agent.startHandshake();
        byte[] clientRandom = clientRandom(flight);
        socket.sendFlight(flight);
        int sends = 1;
        long deadline = System.nanoTime() + policy.timeoutAfter(sends) * 1_000_000L;
        long lastDuplicateResend = System.nanoTime() - DUPLICATE_RESEND_GAP_NANOS;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            Optional<List<byte[]>> got = left > 0 ? socket.recvFlight((int) left) : Optional.empty();
            if (got.isEmpty()) {
                if (sends >= policy.maxSends()) {
                    throw new SeException("no answer from the DTLS peer after sending a flight " + sends + " times");
                }
                socket.sendFlight(flight);
                sends++;
                deadline = System.nanoTime() + policy.timeoutAfter(sends) * 1_000_000L;
                continue;
            }
            HandshakeReassembler.Result r = reassembler.accept(got.get());
            if (r.alert() != null) {
                throw new SeException("the DTLS peer ended the handshake: " + r.alert());
            }
            if (r.duplicate() && r.batch().isEmpty()
                    && System.nanoTime() - lastDuplicateResend >= DUPLICATE_RESEND_GAP_NANOS) {
                // The peer resent its flight: ours was lost (RFC 6347 §4.2.4).
                lastDuplicateResend = System.nanoTime();
                socket.sendFlight(flight);
            }
            if (r.batch().isEmpty()) {
                continue;
            }
            List<byte[]> answer = agent.handshake(r.batch());
            if (r.finished()) {
                if (!answer.isEmpty()) {
                    throw new SeException("the card answered the server Finished with records");
                }
                byte[] serverRandom = reassembler.serverRandom();
                if (serverRandom == null) {
                    throw new SeException("handshake finished without a ServerHello");
                }
                ApduCounter.Snapshot cost = agent.card().link().counter().snapshot().minus(before);
                return new SeSession(agent, socket, clientRandom, serverRandom, cost,
                        reassembler.earlyApplicationData());
            }
            if (!answer.isEmpty()) {
                flight = answer;
                socket.sendFlight(flight);
                sends = 1;
                deadline = System.nanoTime() + policy.timeoutAfter(sends) * 1_000_000L;
            }
        }
    }

    /** client_random from the card's ClientHello record: header 13, handshake header 12, version 2, random 32. */
    private static byte[] clientRandom(List<byte[]> flight) throws SeException {
        if (flight.size() != 1) {
            throw new SeException("the card's first flight is not one ClientHello record");
        }
        byte[] ch = flight.get(0);
        int o = DtlsRecords.HEADER + DtlsRecords.HS_HEADER + 2;
        if (DtlsRecords.type(ch) != DtlsRecords.HANDSHAKE || ch.length < o + 32 || ch[DtlsRecords.HEADER] != 1) {
            throw new SeException("the card's first flight is not a ClientHello");
        }
        return java.util.Arrays.copyOfRange(ch, o, o + 32);
    }
}
