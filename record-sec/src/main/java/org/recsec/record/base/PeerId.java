package org.recsec.record.base;

import java.util.Objects;

/**
 * The identity of the other end of an SA: a CoAP endpoint (e.g. {@code coap://[::1]:5683}) or a secure element's
 * name, exactly as the key-management protocol installed it (the PF_KEY identity extension, RFC 2367 §2.3.5).
 * A distinct type from {@link LocalId}, so that an API taking both cannot be called with the two swapped.
 * Identities are not secret: {@link #toString()} shows the value.
 *
 * @param value the identity, not empty
 */
public record PeerId(String value) {

    /** @throws IllegalArgumentException for an empty identity */
    public PeerId {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty peer identity");
        }
    }

    /** The peer identity {@code value}. */
    public static PeerId of(String value) {
        return new PeerId(value);
    }

    /** This identity seen from the other end: the same string as that end's {@link LocalId}. */
    public LocalId asLocal() {
        return new LocalId(value);
    }

    // equals and hashCode written out: a record's generated ones are bootstrapped through invokedynamic on first
    // use, which costs 5-35 ms in a fresh JVM, inside the first protected request (issue 19, cold start).
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof PeerId other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
