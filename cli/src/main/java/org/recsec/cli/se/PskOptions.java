package org.recsec.cli.se;

import java.nio.charset.StandardCharsets;
import org.recsec.record.internal.wire.Bytes;

/** The {@code --psk HEX} and {@code --identity ID} options the SE commands take (a pre-shared key, RFC 4279 §2). */
final class PskOptions {
    private PskOptions() {
    }

    /** The key from its hex text: 1 to 64 bytes. */
    static byte[] psk(String hex) {
        byte[] psk;
        try {
            psk = Bytes.fromHex(hex);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--psk is not hex");
        }
        if (psk.length < 1 || psk.length > 64) {
            throw new IllegalArgumentException("--psk must be 1..64 bytes");
        }
        return psk;
    }

    /** The identity's UTF-8 bytes: 1 to 64 of them. */
    static byte[] identity(String text) {
        byte[] id = text.getBytes(StandardCharsets.UTF_8);
        if (id.length < 1 || id.length > 64) {
            throw new IllegalArgumentException("--identity must be 1..64 bytes");
        }
        return id;
    }
}
