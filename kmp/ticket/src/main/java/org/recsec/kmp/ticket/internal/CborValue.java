package org.recsec.kmp.ticket.internal;

import org.recsec.record.internal.wire.Bytes;

import java.util.List;

/**
 * A decoded CBOR data item (RFC 8949), as {@link CborReader} produces it. Internal to the ticket package: the arrays
 * inside are not copied, so values must not leave the module.
 */
public sealed interface CborValue {

    /** Major types 0 and 1, restricted to the signed 64-bit range. */
    record Int(long value) implements CborValue {
    }

    /** Major type 2, definite length. */
    record Bytes(byte[] value) implements CborValue {
    }

    /** Major type 3, definite length, valid UTF-8. */
    record Text(String value) implements CborValue {
    }

    /** Major type 4, definite length. */
    record Array(List<CborValue> items) implements CborValue {
    }

    /** Major type 5, definite length; keys are {@link Int} or {@link Text} and never repeat; order as received. */
    record Map(List<Entry> entries) implements CborValue {
        /** The value of the integer key {@code key}, empty when the map has none. */
        public java.util.Optional<CborValue> get(long key) {
            for (Entry e : entries) {
                if (e.key() instanceof Int i && i.value() == key) {
                    return java.util.Optional.of(e.value());
                }
            }
            return java.util.Optional.empty();
        }
    }

    /** One map entry. */
    record Entry(CborValue key, CborValue value) {
    }

    /** Major type 6. */
    record Tag(long tag, CborValue content) implements CborValue {
    }

    /** Major type 7 simple values false (20), true (21), null (22), undefined (23). */
    record Simple(int value) implements CborValue {
    }

    /** Major type 7 half, single or double precision float. */
    record Float(double value) implements CborValue {
    }
}
