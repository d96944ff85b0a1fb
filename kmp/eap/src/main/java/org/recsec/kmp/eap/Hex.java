package org.recsec.kmp.eap;

import java.util.HexFormat;

/** Lower-case hex for identifiers and CLI output (never used on keys in logs). */
public final class Hex {
    private Hex() {
    }

    public static String encode(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** @throws IllegalArgumentException for an odd length or a non-hex digit */
    public static byte[] decode(String s) {
        return HexFormat.of().parseHex(s.trim());
    }
}
