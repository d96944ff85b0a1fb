package org.recsec.record.base;

import java.util.Objects;

/**
 * This endpoint's own identity on an SA (the PF_KEY source identity of its outbound SAs, RFC 2367 §2.3.5). A
 * distinct type from {@link PeerId}, so that an API taking both cannot be called with the two swapped.
 * Identities are not secret: {@link #toString()} shows the value.
 *
 * @param value the identity, not empty
 */
public record LocalId(String value) {

    /** @throws IllegalArgumentException for an empty identity */
    public LocalId {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty local identity");
        }
    }

    /** The local identity {@code value}. */
    public static LocalId of(String value) {
        return new LocalId(value);
    }

    /** This identity seen from the other end: the same string as that end's {@link PeerId}. */
    public PeerId asPeer() {
        return new PeerId(value);
    }

    // equals and hashCode written out: a record's generated ones are bootstrapped through invokedynamic on first
    // use, which costs 5-35 ms in a fresh JVM, inside the first protected request (issue 19, cold start).
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof LocalId other && value.equals(other.value);
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
