package org.recsec.applet;

import java.util.HexFormat;

/** Hex helpers for the tests (spaces allowed in input). */
final class Hex {

    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String of(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
