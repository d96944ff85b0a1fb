package org.recsec.sim.net;

import java.util.Objects;

/**
 * One datagram on the simulated network, as a tap sees it when it is sent.
 *
 * @param sentAtMillis virtual time of the send
 * @param from         sender address
 * @param to           destination address
 * @param bytes        the datagram; {@link #bytes()} returns a copy
 */
public record Datagram(long sentAtMillis, String from, String to, byte[] bytes) {
    public Datagram {
        Objects.requireNonNull(from);
        Objects.requireNonNull(to);
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Internal no-copy access for the simulator itself. */
    byte[] bytesNoCopy() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Datagram d && d.sentAtMillis == sentAtMillis && d.from.equals(from) && d.to.equals(to)
                && java.util.Arrays.equals(d.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sentAtMillis, from, to) * 31 + java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Datagram[t=" + sentAtMillis + " " + from + "->" + to + " " + bytes.length + "B]";
    }
}
