package org.recsec.sim.net;

import org.recsec.record.spi.Direction;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * An on-path attacker between one client address and one server address. It relays datagrams both ways unchanged
 * (same token and message ID, so it is invisible to the endpoints) except the ones it was {@link #arm armed} for:
 * the {@code index}-th message with content (requests toward the server, responses toward the client; empty ACKs
 * and RSTs pass and are not counted) gets the {@link Attack}.
 */
public final class HostileProxy implements SimNode {

    /** Which way a message travels. */
    public enum Direction { TO_SERVER, TO_CLIENT }

    /** What the attacker does to the chosen message. */
    public enum Attack {
        /**
         * Flips one random bit of the record (the outer payload); of the options when the payload is empty, of the
         * code when there are neither.
         */
        FLIP_BIT,
        /**
         * Cuts 1 or more bytes off the end, keeping at least one byte of the record; without a payload, cuts into
         * the options (a message with nothing after its token passes unchanged).
         */
        TRUNCATE,
        /**
         * Toward the server: relays the message, then sends the same bytes again 5 s later (same message ID).
         * Toward the client: the protected part of this response later goes out in the header (type, message ID,
         * token) of the next response, which is dropped.
         */
        REPLAY_SAME_MID,
        /**
         * Toward the server: relays the message, then 5 s later sends it again with another message ID. Toward the
         * client: as {@link #REPLAY_SAME_MID}.
         */
        REPLAY_NEW_MID,
        /** Holds the message back until the next one in the same direction has been relayed. */
        REORDER,
        /** Drops the message. */
        DROP,
        /**
         * Holds the message; when the next one in the same direction comes, sends each one's protected part
         * (options and record) in the other's header (type, message ID, token).
         */
        SWAP,
        /** Adds a Class E option outside: Uri-Path toward the server, Location-Path toward the client. */
        MOVE_OPTION_OUT,
        /** Removes the Record-Security option. */
        STRIP_RECORD_SECURITY,
        /** Changes the outer code: requests to GET, responses to 2.03. */
        DOWNGRADE_CODE
    }

    /** How long a replay waits: past the exchange, well inside EXCHANGE_LIFETIME. */
    public static final long REPLAY_DELAY_MILLIS = 5_000;
    private static final int CODE_VALID = 0x43;

    private final SimNetwork net;
    private final String address;
    private final String client;
    private final String server;
    private final Map<Direction, Map<Integer, Attack>> armed = new EnumMap<>(Direction.class);
    private final Map<Direction, Integer> counts = new EnumMap<>(Direction.class);
    private final Map<Direction, Held> held = new EnumMap<>(Direction.class);
    private final List<String> applied = new ArrayList<>();

    /** Creates the attacker and attaches it to {@code net} at {@code address}. */
    public HostileProxy(SimNetwork net, String address, String client, String server) {
        this.net = Objects.requireNonNull(net);
        this.address = Objects.requireNonNull(address);
        this.client = Objects.requireNonNull(client);
        this.server = Objects.requireNonNull(server);
        for (Direction d : Direction.values()) {
            armed.put(d, new HashMap<>());
            counts.put(d, 0);
        }
        net.attach(address, this);
    }

    /** Applies {@code attack} to the {@code index}-th (0-based) message with content going {@code direction}. */
    public HostileProxy arm(Attack attack, Direction direction, int index) {
        armed.get(direction).put(index, Objects.requireNonNull(attack));
        return this;
    }

    /**
     * Messages with content seen so far going {@code direction} (the index the next one will have), so that an
     * attack can be armed for a later exchange than the first.
     */
    public int seen(Direction direction) {
        return counts.get(direction);
    }

    /** What was done, in order (attack and direction), for test diagnostics. */
    public List<String> applied() {
        return List.copyOf(applied);
    }

    @Override
    public void receive(Datagram d) {
        Direction dir;
        if (d.from().equals(client)) {
            dir = Direction.TO_SERVER;
        } else if (d.from().equals(server)) {
            dir = Direction.TO_CLIENT;
        } else {
            return;
        }
        String to = dir == Direction.TO_SERVER ? server : client;
        byte[] bytes = d.bytes();
        CoapMessage m = Wire.decodeOrNull(bytes);
        if (m == null || m.isEmpty()) {
            net.send(address, to, bytes);
            return;
        }
        int index = counts.merge(dir, 1, Integer::sum) - 1;
        Held h = held.remove(dir);
        Attack attack = armed.get(dir).get(index);
        if (attack != null) {
            applied.add(attack + " " + dir);
        }
        if (h != null) {
            releaseHeld(h, m, bytes, to);
            if (attack == null) {
                return;
            }
        }
        if (attack == null) {
            net.send(address, to, bytes);
            return;
        }
        apply(attack, dir, m, bytes, to);
    }

    private void releaseHeld(Held h, CoapMessage m, byte[] bytes, String to) {
        switch (h.attack) {
            case REORDER -> {
                net.send(address, to, bytes);
                net.send(address, to, h.bytes);
            }
            case SWAP -> {
                net.send(address, to, CoapCodec.encode(inHeaderOf(h.message, m)));
                net.send(address, to, CoapCodec.encode(inHeaderOf(m, h.message)));
            }
            default -> net.send(address, to, CoapCodec.encode(inHeaderOf(h.message, m))); // replayed response
        }
    }

    private void apply(Attack attack, Direction dir, CoapMessage m, byte[] bytes, String to) {
        Held hold = new Held(attack, m, bytes);
        switch (attack) {
            case FLIP_BIT -> {
                // in the payload; without one in the options; without those in the code
                int afterToken = 4 + m.token().length;
                int from = m.payloadLength() > 0 ? Wire.payloadOffset(bytes, m) * 8
                        : bytes.length > afterToken ? afterToken * 8 : 8;
                int to8 = m.payloadLength() > 0 || bytes.length > afterToken ? bytes.length * 8 : 16;
                int bit = from + net.random().nextInt(to8 - from);
                bytes[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
                net.send(address, to, bytes);
            }
            case TRUNCATE -> {
                // keeps at least one byte of the payload; without a payload, cuts into the options
                int keepAtLeast = m.payloadLength() > 0 ? Wire.payloadOffset(bytes, m) + 1 : 4 + m.token().length;
                int len = bytes.length > keepAtLeast
                        ? keepAtLeast + net.random().nextInt(bytes.length - keepAtLeast) : bytes.length;
                net.send(address, to, java.util.Arrays.copyOf(bytes, len));
            }
            case REPLAY_SAME_MID, REPLAY_NEW_MID -> {
                if (dir == Direction.TO_CLIENT) {
                    net.send(address, to, bytes);
                    held.put(dir, hold);
                } else {
                    net.send(address, to, bytes);
                    byte[] again = attack == Attack.REPLAY_SAME_MID ? bytes
                            : CoapCodec.encode(m.withMessageId((m.messageId() + 0x5555) & 0xffff));
                    net.schedule(REPLAY_DELAY_MILLIS, () -> net.send(address, to, again));
                }
            }
            case REORDER, SWAP -> held.put(dir, hold);
            case DROP -> {
            }
            case MOVE_OPTION_OUT -> {
                List<CoapOption> opts = new ArrayList<>(m.options());
                opts.add(CoapOption.ofString(dir == Direction.TO_SERVER ? OptionNumbers.URI_PATH
                        : OptionNumbers.LOCATION_PATH, "admin"));
                net.send(address, to, CoapCodec.encode(m.withOptions(opts)));
            }
            case STRIP_RECORD_SECURITY -> net.send(address, to,
                    CoapCodec.encode(m.withOptions(Wire.without(m.options(), OptionNumbers.RECORD_SECURITY))));
            case DOWNGRADE_CODE -> net.send(address, to,
                    CoapCodec.encode(m.withCode(dir == Direction.TO_SERVER ? Wire.CODE_GET : CODE_VALID)));
            default -> throw new IllegalStateException(attack.toString());
        }
    }

    /** {@code body}'s code, options and payload in {@code header}'s type, message ID and token. */
    private static CoapMessage inHeaderOf(CoapMessage body, CoapMessage header) {
        return body.withType(header.type()).withMessageId(header.messageId()).withToken(header.token());
    }

    private record Held(Attack attack, CoapMessage message, byte[] bytes) {
    }
}
