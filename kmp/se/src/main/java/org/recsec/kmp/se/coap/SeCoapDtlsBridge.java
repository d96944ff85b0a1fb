package org.recsec.kmp.se.coap;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.recsec.se.host.DtlsFlightFeed;
import org.recsec.se.host.DtlsRecords;
import org.recsec.se.host.Retransmission;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeException;
import org.recsec.se.host.SeTlsBridge;
import org.recsec.se.host.SocketAgent;

/**
 * The host bridge for every DTLS 1.2 mode of the applet (PSK or certificate, full or abbreviated; applet/README.md,
 * RESET P2) over a flight {@link SocketAgent}, in practice the {@link CoapSocketAgent}: the card's records go as
 * one flight (one CoAP POST), the server's answer comes back as one flight. As {@link org.recsec.se.host.SeDtlsBridge}
 * does over UDP, it reassembles fragmented handshake messages (RFC 6347 §4.2.3), drops repeated ones and hands the
 * server's messages to the card in EAP messages of at most {@link SeTlsBridge#CARD_BUFFER} bytes; the records on
 * the wire are byte for byte those of the UDP handshake.
 *
 * <p>The last flight of an abbreviated handshake (RFC 5246 §7.3: the client's ChangeCipherSpec and Finished) is the
 * client's, so the bridge waits for the server's (empty) answer to it: only then did the server take it (the
 * {@link CoapFlightServer} answers 5.03 to a flight that did not move the handshake, and records in that answer
 * make the bridge send the Finished again). A flight
 * with no answer is sent again, in a new exchange, when {@code timer} expires (doubled each time, at most
 * {@code maxSends} sends); with {@link CoapTransmission#dtlsTimer()} that is only after CoAP gave up.
 *
 * <p>TLS mode ({@link SeCard#MODE_TLS}) is refused with a {@link TlsOverCoapException} before anything is sent
 * (see there why).
 *
 * <p>A message longer than the card's buffer, more than 8 messages in reassembly, an alert or a malformed record
 * end the handshake with an {@link IOException}; a card refusal with an {@link SeException}. Not thread-safe.
 */
public final class SeCoapDtlsBridge {
    private static final int MAX_TIMER_MILLIS = 60_000;
    /** Where a Hello's random ends: record header 13, handshake header 12, version 2, random 32. */
    private static final int RANDOM_END = 59;
    private final SeCard card;
    private final SocketAgent socket;
    private final Retransmission timer;
    private final DtlsFlightFeed feed;
    private List<byte[]> lastFlight = List.of();
    private int sends;
    private long deadlineNanos;
    private int flightsSent;
    private int flightsReceived;
    private byte[] clientRandom;

    /** @param timer the flight timer, e.g. {@link CoapTransmission#dtlsTimer()} */
    public SeCoapDtlsBridge(SeCard card, SocketAgent socket, Retransmission timer) {
        this.card = Objects.requireNonNull(card);
        this.socket = Objects.requireNonNull(socket);
        this.timer = Objects.requireNonNull(timer);
        this.feed = new DtlsFlightFeed(card);
    }

    /**
     * Runs the handshake the card was RESET for (with {@link SeCard#MODE_RESUME} it offers its stored session).
     *
     * @return true when the handshake was abbreviated (the server resumed the session)
     * @throws SeException the card refused a message
     * @throws TlsOverCoapException the card was RESET for TLS mode (nothing was sent)
     * @throws IOException an alert, a malformed or oversized message, no answer after the last send, or the carrier
     *                     failed ({@link CoapFlightException})
     */
    public boolean handshake() throws SeException, IOException {
        feed.reset();
        flightsSent = 0;
        flightsReceived = 0;
        clientRandom = null;
        byte[] first = card.eapStart();
        if (first.length >= 3 && first[1] == 3) {
            // TLS records (version 3.x), not DTLS (0xFEFD): the card was RESET with MODE_TLS
            throw new TlsOverCoapException();
        }
        // DTLS record header 13, handshake header 12, client_version 2, then the random (RFC 6347 §4.2.1)
        if (first.length < RANDOM_END || first[0] != 22 || first[13] != 1) {
            throw new SeException("the card's first record is not a ClientHello");
        }
        clientRandom = Arrays.copyOfRange(first, RANDOM_END - 32, RANDOM_END);
        toServer(first);
        boolean awaitingLastAnswer = false;
        while (true) {
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
            Optional<List<byte[]>> got = left > 0 ? socket.recvFlight((int) left) : Optional.empty();
            if (got.isEmpty()) {
                if (sends >= timer.maxSends()) {
                    throw new IOException("no answer from the DTLS server after sending a flight " + sends + " times");
                }
                resend();
                continue;
            }
            List<byte[]> flight = got.get();
            flightsReceived++;
            for (byte[] r : flight) {
                if (r.length < DtlsRecords.HEADER) {
                    throw new IOException("a record shorter than its header");
                }
                if (r[0] == 21) {
                    throw new IOException("alert from the server during the handshake");
                }
            }
            if (awaitingLastAnswer) {
                if (flight.isEmpty()) {
                    return true;
                }
                // Records instead of the empty answer: the server's flight again (a repeat, or a response a proxy
                // replayed), so the server may not have taken the Finished: it goes again, as DTLS would resend it.
                if (sends >= timer.maxSends()) {
                    throw new IOException("the server answered the client's Finished with records " + sends
                            + " times");
                }
                resend();
                continue;
            }
            for (byte[] r : flight) {
                if (feed.isFinished(r)) {
                    byte[] answer = feed.finished(r);
                    if (feed.serverRandom() == null) {
                        throw new SeException("the handshake finished without a ServerHello");
                    }
                    if (feed.helloDone()) {
                        if (answer.length != 0) {
                            throw new SeException("the card answered the server Finished with records");
                        }
                        return false;
                    }
                    if (answer.length == 0) {
                        throw new SeException("the card did not answer the server Finished of a resumed session");
                    }
                    toServer(answer);
                    awaitingLastAnswer = true;
                    break;
                }
                byte[] answer = feed.serverRecord(r);
                if (answer != null) {
                    toServer(answer);
                }
            }
        }
    }

    /**
     * client_random of the last {@link #handshake()} (the card's ClientHello), 32 bytes, for {@link
     * org.recsec.kmp.se.SeKmp}'s installs and {@link org.recsec.kmp.se.SeSpis}; null before one.
     */
    public byte[] clientRandom() {
        return clientRandom == null ? null : clientRandom.clone();
    }

    /** server_random of the last finished {@link #handshake()} (the ServerHello), 32 bytes; null before one. */
    public byte[] serverRandom() {
        byte[] serverRandom = feed.serverRandom();
        return serverRandom == null ? null : serverRandom.clone();
    }

    /** Client flights sent in the last handshake, resends included. */
    public int flightsSent() {
        return flightsSent;
    }

    /** Server flights (answers, empty ones included) received in the last handshake. */
    public int flightsReceived() {
        return flightsReceived;
    }

    private void toServer(byte[] records) throws IOException {
        if (records.length == 0) {
            return;
        }
        List<byte[]> split = DtlsRecords.split(records);
        if (split.isEmpty() || DtlsRecords.concat(split).length != records.length) {
            throw new IOException("the card's answer is not a sequence of DTLS records");
        }
        lastFlight = split;
        sends = 0;
        resend();
    }

    private void resend() throws IOException {
        sends++;
        flightsSent++;
        long t = timer.initialMillis();
        for (int i = 1; i < sends && t < MAX_TIMER_MILLIS; i++) {
            t *= 2;
        }
        deadlineNanos = System.nanoTime() + Math.min(t, MAX_TIMER_MILLIS) * 1_000_000L;
        socket.sendFlight(lastFlight);
    }
}
