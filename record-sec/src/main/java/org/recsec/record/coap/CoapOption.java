package org.recsec.record.coap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** One CoAP option: its number and its value bytes (RFC 7252 §3.1). Immutable; the value is copied in and out. */
public final class CoapOption {
    private static final Comparator<CoapOption> BY_NUMBER = Comparator.comparingInt(CoapOption::number);

    private final int number;
    private final byte[] value;

    public CoapOption(int number, byte[] value) {
        this(value.clone(), number);
    }

    /** Takes ownership of {@code ownedValue} without copying: the decoder's path, which already made a fresh array. */
    private CoapOption(byte[] ownedValue, int number) {
        if (number < 0 || number > 0xffff) {
            throw new IllegalArgumentException("option number " + number);
        }
        if (ownedValue.length > 65535 + 269) {
            throw new IllegalArgumentException("option value too long");
        }
        this.number = number;
        this.value = ownedValue;
    }

    /**
     * {@code options} in number order, repeated options in the order given (RFC 7252 §3.1): the list itself when it
     * already is, for a caller that only reads it; otherwise a sorted copy.
     */
    static List<CoapOption> inNumberOrder(List<CoapOption> options) {
        for (int i = 1, n = options.size(); i < n; i++) {
            if (options.get(i - 1).number() > options.get(i).number()) {
                List<CoapOption> sorted = new ArrayList<>(options);
                sorted.sort(BY_NUMBER); // List.sort is stable: repeats keep their order
                return sorted;
            }
        }
        return options;
    }

    /** A private copy of {@code options} in number order, for a caller that keeps it. */
    static List<CoapOption> sortedCopy(List<CoapOption> options) {
        List<CoapOption> in = inNumberOrder(options);
        return in == options ? new ArrayList<>(options) : in;
    }

    /** Internal no-copy construction for codecs in this library; the caller must not keep or modify the array. */
    static CoapOption ofOwnedValue(int number, byte[] ownedValue) {
        return new CoapOption(ownedValue, number);
    }

    /** An option whose value is the minimal big-endian encoding of an unsigned integer (RFC 7252 §3.2 uint). */
    public static CoapOption ofUint(int number, long value) {
        return new CoapOption(number, org.recsec.record.internal.wire.Bytes.minimalUintBe(value));
    }

    public static CoapOption ofString(int number, String value) {
        return new CoapOption(number, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public int number() {
        return number;
    }

    public byte[] value() {
        return value.clone();
    }

    public int length() {
        return value.length;
    }

    /** The value read as an unsigned integer; IllegalStateException if longer than 8 bytes. */
    public long uintValue() {
        if (value.length > 8) {
            throw new IllegalStateException("option " + number + " is not a uint");
        }
        return org.recsec.record.internal.wire.Bytes.uintBe(value, 0, value.length);
    }

    public String stringValue() {
        return new String(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Internal no-copy access for codecs in this library; callers must not modify the array. */
    byte[] valueNoCopy() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoapOption other && other.number == number && Arrays.equals(other.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * number + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        // Like CoapMessage.toString: the number and the length, never the value (a Uri-Query, a token-like
        // Echo or a Proxy-Uri may carry what the application protects).
        return number + "(" + value.length + "B)";
    }
}
